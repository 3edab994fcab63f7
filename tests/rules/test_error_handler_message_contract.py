"""error-handler: a project whose final error handler sends every error's message (5xx too)
and that no safe fix of the run changes has made the message its contract; a route's catch that
sends its error's message the same way is still reported, but without a fix, naming that
handler. The contract is the project's: it is decided after every file is scanned, so a warm
result cache follows a change to the handler's file."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'
ROUTES = """\
const express = require('express');
const reports = require('../services/reports');

const router = express.Router();
router.get('/:id', async (req, res) => {
  try {
    res.json(await reports.load(req.params.id));
  } catch (e) {
    res.status(500).json({ message: e.message });
  }
});
module.exports = router;
"""
# The answer is built in a variable: reported without a fix, so the contract stays.
CONTRACT_HANDLER = """\
  const status = err.status || 400;
  const body = { status, message: err.message || 'Something went wrong' };
  if (err.code) body.code = err.code;
  res.status(status).json(body);
"""
# The same contract, but this run's safe fix gives 5xx answers the generic text.
FIXED_HANDLER = """\
  res.status(err.status || 500).json({ message: err.message });
"""


def app_js(handler: str) -> str:
    return ("const express = require('express');\n"
            "const reports = require('./routes/reports');\n\n"
            "const app = express();\n"
            "app.use('/reports', reports);\n"
            "app.use((err, req, res, next) => {\n" + handler + "});\n\n"
            "module.exports = app;\n")


def findings(root: Path, *extra: str) -> dict[tuple[str, int], dict]:
    done = run_cli("check", root, "--format", "json", "--exit-zero", "--select",
                   "error-handler", *extra)
    assert done.returncode == 0, done.stderr
    return {(f["path"], f["line"]): f for f in json.loads(done.stdout)["findings"]}


def test_route_keeps_the_message_contract_of_the_final_handler(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE,
                                       "app.js": app_js(CONTRACT_HANDLER),
                                       "routes/reports.js": ROUTES})
    found = findings(root)
    assert set(found) == {("app.js", 8), ("routes/reports.js", 9)}
    route = found[("routes/reports.js", 9)]
    assert route.get("fix") is None
    assert "final error handler at app.js:8 sends the error's message too" in route["message"]
    assert found[("app.js", 8)].get("fix") is None
    diff = run_cli("fix", root, "--dry-run", "--select", "error-handler")
    assert diff.returncode == 0, diff.stderr
    assert "routes/reports.js" not in diff.stdout


def test_route_fix_follows_a_handler_this_run_fixes(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE,
                                       "app.js": app_js(FIXED_HANDLER),
                                       "routes/reports.js": ROUTES})
    found = findings(root)
    assert set(found) == {("app.js", 7), ("routes/reports.js", 9)}
    route = found[("routes/reports.js", 9)]
    assert route.get("fix") is not None
    assert "final error handler" not in route["message"]


def test_warm_cache_follows_a_change_of_the_handler(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE,
                                       "app.js": app_js(FIXED_HANDLER),
                                       "routes/reports.js": ROUTES})
    assert findings(root)[("routes/reports.js", 9)].get("fix") is not None
    (root / "app.js").write_text(app_js(CONTRACT_HANDLER))  # routes/reports.js unchanged
    assert findings(root)[("routes/reports.js", 9)].get("fix") is None
