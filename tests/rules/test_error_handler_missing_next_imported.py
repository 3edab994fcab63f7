"""error-handler: an error handler of three parameters that the app requires or imports from
its own module (``app.use(require('./middleware/failure'))``) is one Express never hands an
error, as when it is written in app.js. The finding points at the function in its module and
asks for ``next``; no second handler is appended, and a name with "error" in it no longer
passes it for a handler."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_tree

PACKAGE = '{"name": "p", "private": true, "dependencies": {"express": "^4.21.2"}}'

BODY = "  res.status(500).json({ message: 'Something went wrong' })\n"


def app_js(imports: str, register: str) -> str:
    return ("const express = require('express')\n"
            f"{imports}"
            "const app = express()\n"
            "app.get('/boom', () => { throw new Error('db password is hunter2') })\n"
            f"{register}\n"
            "module.exports = app\n")


CASES = {
    "required-in-place": (
        app_js("", "app.use(require('./middleware/failure'))"),
        "middleware/failure.js",
        "// the app's error handler\nfunction failure(err, req, res) {\n" + BODY + "}\n\n"
        "module.exports = failure\n", 2),
    "name-with-error": (
        app_js("const errorHandler = require('./error-handler')\n", "app.use(errorHandler)"),
        "error-handler.js", "module.exports = (err, req, res) => {\n" + BODY + "}\n", 1),
    "named-export": (
        app_js("const { onFailure } = require('./handlers')\n", "app.use(onFailure)"),
        "handlers.js", "exports.onFailure = function (error, req, res) {\n" + BODY + "}\n", 1),
}


def findings(root: Path) -> list[dict]:
    done = run_cli("check", root, "--format", "json", "--exit-zero", "--select",
                   "error-handler")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["findings"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_imported_three_parameter_handler_is_named_in_its_module(tmp_path: Path,
                                                                 case: str) -> None:
    app, module, code, line = CASES[case]
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app, module: code})
    found = findings(root)
    assert [(f["path"], f["line"], f["fix"]) for f in found] == [(module, line, None)]
    assert "takes three parameters" in found[0]["message"]
    assert "add `next` as its fourth parameter" in found[0]["message"]
    done = run_cli("fix", root, "--dry-run", "--select", "error-handler")
    assert done.stdout == "", done.stdout


def test_imported_four_parameter_handler_is_no_finding(tmp_path: Path) -> None:
    app, module, _, _ = CASES["required-in-place"]
    code = ("module.exports = function failure(err, req, res, next) {\n"
            "  res.status(err.status || 500).json({ message: 'Something went wrong' })\n}\n")
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app, module: code})
    assert findings(root) == []
