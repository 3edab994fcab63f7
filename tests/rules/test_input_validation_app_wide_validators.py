"""input-validation: an app-wide ``.use()`` middleware counts as validating the app's routes
when it looks like a validator; an error handler that mentions ``ValidationError`` checks no
request, so the routes registered on that app are still read."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_json, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0", "mongoose": "^8.0.0"}}'
MODEL = ("const mongoose = require('mongoose');\n"
         "module.exports = mongoose.model('User', new mongoose.Schema({ name: String }));\n")


def app_js(use: str) -> str:
    return ("const express = require('express');\n"
            "const User = require('./user');\n"
            "const app = express();\n"
            "app.use(express.json());\n"
            f"{use}\n"
            "app.post('/users', async (req, res) => {\n"
            "  const user = new User(req.body);\n"
            "  await user.save();\n"
            "  res.status(201).json({ id: user.id });\n"
            "});\n"
            "app.use(function (err, req, res, next) {\n"
            "  if (err.name === 'ValidationError') return res.status(422).json({ error: 'invalid' });\n"
            "  res.status(500).json({ error: 'failed' });\n"
            "});\n"
            "app.listen(3000);\n")


@pytest.mark.parametrize("use,reported", [
    ("", True),
    ("app.use(validateRequests());", False),
    ("app.use((req, res, next) => { if (!isValid(req.body)) return res.sendStatus(400); next(); });",
     False),
], ids=["only-an-error-handler-mentions-validation", "validator-middleware", "inline-validator"])
def test_an_error_handler_is_no_app_wide_validator(tmp_path: Path, use: str,
                                                   reported: bool) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "user.js": MODEL,
                                       "app.js": app_js(use)})
    report = check_json(root, "--select", "input-validation")
    found = [f for f in report["findings"] if "[mass-assignment] POST /users" in f["message"]]
    assert bool(found) == reported, report["findings"]
