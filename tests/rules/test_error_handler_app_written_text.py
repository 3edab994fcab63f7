"""error-handler on text the application wrote itself, checked over real HTTP on 127.0.0.1.

- under ``if (error.message === '404')`` the whole error answered with a 404 is the app's own
  signal: Express serialises it to ``{}`` (no message, no stack), so it is not reported; a
  message that only contains a literal keeps its finding, and the 500 that sends any error's
  message is fixed;
- ``res.status(found ? 404 : 403)`` is a client error answered on purpose: not reported, and
  after the fix its body is unchanged; a ``busy ? 503 : 500`` answer gets the generic text with
  no ``< 500`` guard.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from pathlib import Path

import pytest
from conftest import each_place, have_node, linked_app, npm_install, run_cli, serve_app, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are needed")]

PACKAGE_JSON = """
    {
      "name": "app-written-text",
      "version": "1.0.0",
      "private": true,
      "dependencies": {
        "express": "^4.21.2"
      }
    }
    """
LEAKED = "SELECT secret_column FROM accounts"

STORE = """
    // Rejects like a data layer does: its own Error('404') for a missing row, a driver's
    // error (a sentence, enumerable fields with the SQL) otherwise.
    function driverError(message) {
      const error = new Error(message);
      error.sql = '%s';
      return error;
    }
    exports.find = async (id) => {
      if (id === 'missing') throw new Error('404');
      if (id === 'quoted') throw driverError('invalid input syntax: "' + id + '409"');
      throw driverError('relation "orders" does not exist: %s');
    };
    exports.join = async (id) => {
      if (id === 'nobody') throw new Error('team not found');
      if (id === 'guest') throw new Error('owners only');
      throw driverError(id === 'busy' ? 'too many connections' : 'deadlock: %s');
    };
    """.replace("%s", LEAKED)

APP = """
    const express = require('express');
    const store = require('./store');

    const app = express();
    app.get('/orders/:id', (req, res) => {
      store.find(req.params.id)
        .then((order) => res.json(order))
        .catch((error) => {
          if (error && error.message === '404') {
            return res.status(404).send(error);
          }
          if (error.message.indexOf('409') > -1) {
            return res.status(409).send(error);
          }
          return res.status(500).json({ error: error.message });
        });
    });
    app.post('/teams/:id/join', async (req, res) => {
      try {
        res.json(await store.join(req.params.id));
      } catch (error) {
        if (error.message.includes('not found') || error.message.includes('owners')) {
          return res.status(error.message.includes('not found') ? 404 : 403).json({ error: error.message });
        }
        return res.status(error.message.includes('connections') ? 503 : 500).json({ error: error.message });
      }
    });
    app.use((err, req, res, next) => {
      res.status(err.status || 500).json({ error: 'Internal Server Error' });
    });

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """


def call(url: str, method: str, path: str) -> tuple[int, object]:
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


REQUESTS = [("GET", "/orders/missing"), ("GET", "/orders/quoted"), ("GET", "/orders/other"),
            ("POST", "/teams/nobody/join"), ("POST", "/teams/guest/join"),
            ("POST", "/teams/busy/join"), ("POST", "/teams/other/join")]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("written") / "installed",
                      {"package.json": PACKAGE_JSON})
    npm_install(root)
    return root


def test_app_written_text_is_kept_and_driver_text_is_not(tmp_path: Path,
                                                         installed: Path) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": APP,
                                         "store.js": STORE}, installed)
    with serve_app(root) as url:
        before = {path: call(url, method, path) for method, path in REQUESTS}
    # What the exemptions rest on: the app's Error('404') serialises to {}; the 4xx answers
    # carry the app's sentences; the driver's errors leak their SQL.
    assert before["/orders/missing"] == (404, {})
    assert before["/teams/nobody/join"] == (404, {"error": "team not found"})
    assert before["/teams/guest/join"] == (403, {"error": "owners only"})
    assert LEAKED in json.dumps(before["/orders/quoted"])  # the input put it in the 409 branch
    assert LEAKED in json.dumps(before["/orders/other"])

    checked = run_cli("check", root, "--select", "error-handler", "--format", "json",
                      "--exit-zero")
    assert checked.returncode == 0, checked.stderr
    source = (root / "app.js").read_text().splitlines()
    reported = sorted(source[f["line"] - 1].strip()
                      for f in each_place(json.loads(checked.stdout)["findings"]))
    assert reported == sorted([
        "return res.status(409).send(error);",
        "return res.status(500).json({ error: error.message });",
        ("return res.status(error.message.includes('connections') ? 503 : 500)"
         ".json({ error: error.message });"),
    ])

    done = run_cli("fix", root, "--unsafe", "--select", "error-handler")
    assert done.returncode == 0, done.stderr
    fixed = (root / "app.js").read_text()
    assert "< 500" not in fixed  # no guard that could never hold
    with serve_app(root) as url:
        after = {path: call(url, method, path) for method, path in REQUESTS}
    for path in ("/orders/missing", "/orders/quoted", "/teams/nobody/join", "/teams/guest/join"):
        assert after[path] == before[path], path  # the 409 whole-error finding has no fix
    assert after["/orders/other"] == (500, {"error": "Internal Server Error"})
    assert after["/teams/busy/join"] == (503, {"error": "Internal Server Error"})
    assert after["/teams/other/join"] == (500, {"error": "Internal Server Error"})
