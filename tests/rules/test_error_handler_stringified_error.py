"""error-handler: ``String(err)`` is the thrown value's text, reported as the error message (not
"the whole error object"), and a conditional whose two branches both carry the error is one
leak. A conditional that may pick out client errors keeps its branches apart."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'


def app_js(sent: str) -> str:
    return ("const express = require('express');\n"
            "const app = express();\n"
            "app.get('/sync', async (req, res) => {\n"
            "  try {\n"
            "    res.json(await Promise.resolve(req.query));\n"
            "  } catch (oops) {\n"
            "    console.error(oops);\n"
            f"    res.status(500).json({{ detail: {sent} }});\n"
            "  }\n"
            "});\n"
            "app.use((err, req, res, next) => {\n"
            "  res.status(err.status >= 400 && err.status < 500 ? err.status : 500).end();\n"
            "});\n"
            "module.exports = app;\n")


def findings(root: Path) -> list[dict]:
    done = run_cli("check", root, "--format", "json", "--exit-zero", "--select",
                   "error-handler")
    assert done.returncode == 0, done.stderr
    return [f for f in json.loads(done.stdout)["findings"] if f["line"] == 8]


def test_string_of_the_error_is_its_message(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE,
                                       "app.js": app_js("String(oops)")})
    [found] = findings(root)
    assert found["message"].startswith("the error message (`String(oops)`)")


def test_both_branches_carrying_the_error_are_one_leak(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app_js(
        "oops instanceof Error ? oops.message : String(oops)")})
    [found] = findings(root)
    assert "whole error object" not in found["message"]
    assert found["fix"] is not None


def test_a_test_that_may_pick_client_errors_keeps_both_branches(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app_js(
        "oops.kind === 'input' ? oops.message : String(oops)")})
    assert len(findings(root)) == 2
