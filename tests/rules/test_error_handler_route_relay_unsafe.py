"""error-handler: a route's own catch that sends its error's message answers that route's own
clients, and a front end may show the text (``data.message``); rewriting it changes what real
clients see, so the fix is unsafe (the finding stays) and says why in its title. A final error
handler's fix keeps its safety: its 5xx answers get the generic text whatever the error."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import each_place, run_cli, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'
APP = """\
const express = require('express');
const store = require('./store');

const app = express();
app.post('/folders', async (req, res) => {
  try {
    res.json(await store.create(req.body.name));
  } catch (e) {
    res.status(500).json({ success: false, error: `Failed to create folder: ${e.message}` });
  }
});
app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message });
});
module.exports = app;
"""


def _findings(root: Path) -> dict[int, dict]:
    done = run_cli("check", root, "--select", "error-handler", "--format", "json")
    assert done.returncode == 1, done.stderr
    return {f["line"]: f for f in each_place(json.loads(done.stdout)["findings"])}


def test_route_message_fix_is_unsafe_and_handler_fix_is_safe(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, "app.js": APP,
                                         "store.js": "module.exports = {};\n"})
    found = _findings(root)
    assert sorted(found) == [9, 13]
    route, handler = found[9]["fix"], found[13]["fix"]
    assert route["applicability"] == "unsafe"
    assert "(unsafe: this route's own clients may show its message" in route["title"]
    assert handler["applicability"] == "safe"

    done = run_cli("fix", root, "--select", "error-handler")
    assert done.returncode == 0, done.stderr
    fixed = (root / "app.js").read_text()
    assert "Failed to create folder: ${e.message}" in fixed  # the route's text is kept
    assert "res.status(500).json({ error: 'Internal Server Error' });" in fixed

    done = run_cli("fix", root, "--unsafe", "--select", "error-handler")
    assert done.returncode == 0, done.stderr
    assert "Failed to create folder" not in (root / "app.js").read_text()


HANDLER_TWO_BRANCHES = """\
const express = require('express');
const routes = require('./routes');

const app = express();
app.use('/', routes);
app.use((err, req, res, next) => {
  if (req.rest) {
    const resp = { message: err.message };
    res.status(err.status || 500).json(resp);
  } else {
    const resp = { error: err.message || err, data: [] };
    res.status(err.status || 500).json(resp);
  }
});
module.exports = app;
"""
ROUTES = """\
const express = require('express');
const store = require('./store');

const router = express.Router();
router.get('/items', async (req, res) => {
  try {
    res.json(await store.items());
  } catch (err) {
    res.status(500).json({ error: err.message });
  }
});
module.exports = router;
"""


def test_contract_reason_names_every_branch_of_the_handler(tmp_path: Path) -> None:
    # Which branch of the handler a route's errors take is the request's: the route's "not
    # fixed" reason names both sends of the message, not only the first.
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, "app.js": HANDLER_TWO_BRANCHES,
                                         "routes.js": ROUTES, "store.js": "module.exports = {};\n"})
    done = run_cli("check", root, "--select", "error-handler", "--format", "json")
    assert done.returncode == 1, done.stderr
    found = {(f["path"], f["line"]): f for f in each_place(json.loads(done.stdout)["findings"])}
    assert sorted(found) == [("app.js", 8), ("app.js", 11), ("routes.js", 9)]
    route = found[("routes.js", 9)]
    assert route.get("fix") is None
    assert "final error handler at app.js:8 (also line 11) sends" in route["message"]
