"""error-handler: an answer that sends the whole error object next to its message (or stack)
gets no fix for the message alone. The whole object is reported without a fix, so a generic
message would leave the error going out, and no log line would be added (the error still
"shows" in the answer): the finding says why it is not fixed. An answer without the whole
object keeps its fix."""

from __future__ import annotations

from pathlib import Path

from conftest import check_json, run_cli, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'


def app_js(body: str) -> str:
    return ("const express = require('express');\n"
            "const app = express();\n"
            "app.use(express.json());\n"
            "app.use((error, req, res, next) => {\n"
            f"  return res.status(500).json({{ success: false, {body} }});\n"
            "});\n"
            "module.exports = app;\n")


def test_a_message_sent_with_the_whole_error_is_not_fixed(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE, "app.js": app_js("message: error.message, error: error")})
    report = check_json(root, "--select", "error-handler")
    leaks = [f for f in report["findings"] if "is sent to the client" in f["message"]]
    assert [(f["message"].split(" (")[0], f["fix"]) for f in leaks] == [
        ("the error message", None), ("the whole error object", None)], leaks
    assert leaks[0]["message"].endswith(
        "; not fixed: the same answer sends the whole error object too (`error`, line 5), "
        "so a generic message alone would not end the leak")
    proc = run_cli("fix", root, "--dry-run", "--select", "error-handler")
    assert "Internal Server Error" not in proc.stdout, proc.stdout


def test_a_message_sent_alone_keeps_its_fix(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE,
                                       "app.js": app_js("message: error.message")})
    report = check_json(root, "--select", "error-handler")
    leaks = [f for f in report["findings"] if "is sent to the client" in f["message"]]
    assert len(leaks) == 1 and leaks[0]["fix"] is not None, leaks
    proc = run_cli("fix", root, "--dry-run", "--select", "error-handler")
    assert "+  console.error(error);" in proc.stdout, proc.stdout
    assert "message: 'Internal Server Error'" in proc.stdout, proc.stdout
