"""Express always calls a route handler or middleware with ``next``: the branch of ``next ?
next(err) : res.json(err)`` taken without it is dead in a function registered with Express, so
error-handler does not report the send there; a helper the app calls itself without ``next``
does take that branch, and keeps its finding.

Both halves run for real: node serves the app with Express (4 and 5) and the answers show which
branch ran; nodeharden checks the same file."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, npm_install, serve_app, write_tree

from nodeharden._api import check

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are required")]

APP = """\
const express = require('express');

const app = express();
const router = express.Router();

class Boom extends Error {
  constructor() {
    super('boom');
    this.detail = 'db-01.internal:5432';
  }
}

app.get('/inline', (req, res, next) => {
  try {
    throw new Boom();
  } catch (err) {
    return next ? next(err) : res.status(500).json(err);
  }
});

router.post('/router', function (req, res, next) {
  try {
    throw new Boom();
  } catch (err) {
    if (next) {
      next(err);
    } else {
      res.status(500).json(err);
    }
  }
});

function guard(req, res, next) {
  try {
    if (req.query.fail) throw new Boom();
  } catch (err) {
    if (typeof next === 'function') return next(err);
    return res.status(500).json(err);
  }
  return next();
}

app.use(guard);
app.use(router);

function helper(req, res, next) {
  try {
    throw new Boom();
  } catch (err) {
    return next ? next(err) : res.status(500).json(err);
  }
}

app.get('/helper', (req, res) => helper(req, res));

app.use((err, req, res, next) => {
  res.status(503).json({ handled: err instanceof Boom });
});

const server = app.listen(0, '127.0.0.1', () => {
  console.log('listening ' + server.address().port);
});
"""


def _answer(url: str, method: str = "GET") -> tuple[int, object]:
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize("express", ["^4.21.0", "^5.1.0"])
def test_registered_functions_always_get_next(tmp_path: Path, express: str) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"name": "a", "private": True,
                                    "scripts": {"start": "NODE_ENV=production node app.js"},
                                    "dependencies": {"express": express}}),
        "app.js": APP})
    npm_install(root)
    with serve_app(root) as base:
        # Registered inline, on a router, by name with use: next is there, the error goes on
        # to the app's handler (503); the `res.json(err)` branch never runs.
        assert _answer(base + "/inline") == (503, {"handled": True})
        assert _answer(base + "/router", "POST") == (503, {"handled": True})
        assert _answer(base + "/x?fail=1") == (503, {"handled": True})
        # Called by the app without next: the sending branch runs and the error's own fields
        # reach the client.
        assert _answer(base + "/helper") == (500, {"detail": "db-01.internal:5432"})
    report = check(root, select=["error-handler"])
    lines = sorted(f.line for f in report.findings if f.path == "app.js")
    lines_of_app = APP.split("\n")
    helper_line = lines_of_app.index("function helper(req, res, next) {") + 5
    assert "res.status(500).json(err)" in lines_of_app[helper_line - 1]
    assert lines == [helper_line], report.findings
