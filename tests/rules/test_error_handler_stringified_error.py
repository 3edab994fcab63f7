"""error-handler: ``String(err)`` is the thrown value's text, reported as the error message (not
"the whole error object"), and a conditional whose two branches both carry the error is one
leak. A conditional that may pick out client errors keeps its branches apart."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import each_place, run_cli, write_tree

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
    return [f for f in each_place(json.loads(done.stdout)["findings"]) if f["line"] == 8]


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


def test_a_stack_branch_stays_a_finding_of_its_own(tmp_path: Path) -> None:
    """``err.message ? err.message : err.stack`` under a status the error carries: merged into
    one leak, the fix answered 'Internal Server Error' to every status and 4xx clients lost
    their text (an adversarial review of c6a8afb). The stack is a leak of its own, and the
    message keeps its 4xx text."""
    root = write_tree(tmp_path / "s", {"package.json": PACKAGE, "app.js": """\
        const express = require('express');
        const app = express();
        app.get('/', (req, res) => { throw new Error('no'); });
        app.use((err, req, res, next) => {
          const status = err.status || 500;
          console.error(err);
          res.status(status).json({ error: err.message ? err.message : err.stack });
        });
        module.exports = app;
        """})
    done = run_cli("check", root, "--format", "json", "--exit-zero", "--select",
                   "error-handler")
    found = sorted((f["line"], f["message"].split(" is sent")[0])
                   for f in each_place(json.loads(done.stdout)["findings"]))
    assert found == [(7, "the error message (`err.message`)"),
                     (7, "the stack trace (`err.stack`)")]
    diff = run_cli("fix", root, "--dry-run", "--select", "error-handler").stdout
    assert "status < 500 ? err.message : 'Internal Server Error'" in diff
