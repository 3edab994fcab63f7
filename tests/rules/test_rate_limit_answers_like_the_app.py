"""rate-limit: the 429 the fix's module answers puts its text in the field the app's own JSON
error answers use (`{ message }`, `{ msg }`, else `{ error }`), so a front end that shows
`data.message` shows the 429 too."""

from __future__ import annotations

import pytest

from conftest import run_cli

APP = ("const express = require('express');\nconst users = require('./users');\n\n"
       "const app = express();\napp.use(express.json());\n"
       "app.post('/api/notes', async (req, res) => {\n"
       "  if (!req.body.text) return res.status(400).json({ FIRST: 'text is required' });\n"
       "  res.status(201).json(await users.note(req.body.text));\n});\n"
       "app.use((err, req, res, next) => {\n"
       "  res.status(500).json({ SECOND: 'Internal Server Error' });\n});\n"
       "module.exports = app;\n")


@pytest.mark.parametrize("first, second, key", [
    ("message", "message", "message"),
    ("msg", "msg", "msg"),
    ("error", "error", "error"),
    ("message", "error", "error"),  # a tie keeps the default
    ("errors", "errors", "error"),  # another shape: the default
])
def test_the_429_body_uses_the_apps_error_field(project, first: str, second: str,
                                                key: str) -> None:
    root = project({"package.json": '{"name": "p", "dependencies": {"express": "^4.21.0"}}',
                    "app.js": APP.replace("FIRST", first).replace("SECOND", second),
                    "users.js": "exports.note = async (text) => ({ text });\n"})
    diff = run_cli("fix", root, "--dry-run", "--select", "rate-limit", "--unsafe").stdout
    assert f"+  res.status(429).json({{ {key}: 'Too Many Requests' }});" in diff


@pytest.mark.parametrize("built, key", [
    ("const error = {\n    message: err.message || 'Internal Server Error.',\n  };", "message"),
    ("let error = { msg: 'failed' };", "msg"),
    ("const error = { reason: 'failed' };", "error"),  # another shape: the default
])
def test_an_error_body_built_before_the_answer_counts(project, built: str, key: str) -> None:
    """An error handler that builds its body first and answers ``res.status(err.status ||
    500).json(error)`` (held-out sample 37's boilerplate: its inserted final handler answered
    `{ error }` where the app's own answers `{ message }`)."""
    app = ("const express = require('express');\n\nconst app = express();\n"
           "app.get('/', (req, res) => res.json({ ok: true }));\n"
           "app.use((err, req, res, next) => {\n"
           f"  {built}\n"
           "  res.status(err.status || 500).json(error);\n});\nmodule.exports = app;\n")
    root = project({"package.json": '{"name": "p", "dependencies": {"express": "^4.21.0"}}',
                    "app.js": app})
    diff = run_cli("fix", root, "--dry-run", "--select", "rate-limit", "--unsafe").stdout
    assert f"+  res.status(429).json({{ {key}: 'Too Many Requests' }});" in diff
