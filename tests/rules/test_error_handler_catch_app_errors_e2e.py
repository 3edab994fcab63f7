"""error-handler on a catch whose try raises only what the application wrote for its caller,
checked over real HTTP on 127.0.0.1 with real express and jsonwebtoken:

- ``throw new Error(`Invalid date: ${req.query.start}`)`` is the only error of its try: the
  500 carries the app's sentence and the caller's own input, nothing of the server; not
  reported;
- jsonwebtoken's ``verify`` answered with a literal 401: the whole error serialises to its
  name and reason (``jwt malformed``), written for the client; not reported;
- a try that also awaits the data layer sends the driver's text (its SQL): reported, as is a
  thrown message that interpolates a server value.
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
      "name": "catch-app-errors",
      "version": "1.0.0",
      "private": true,
      "dependencies": {
        "express": "^4.21.2",
        "jsonwebtoken": "^9.0.2"
      }
    }
    """
LEAKED = "SELECT secret_column FROM accounts"
DATABASE_URL = "postgres://app:hunter2@10.0.0.5/app"

APP = """
    const express = require('express');
    const jwt = require('jsonwebtoken');

    const config = { jwtKey: 'k3y', databaseUrl: '%URL%' };
    const db = {
      find: async () => { const e = new Error('relation "orders" does not exist: %SQL%'); throw e; },
    };

    const app = express();
    app.get('/range', (req, res) => {
      try {
        if (!req.query.start) {
          throw new Error('start is required');
        }
        if (isNaN(new Date(req.query.start))) {
          throw new Error(`Invalid date: ${req.query.start}`);
        }
        res.json({ start: new Date(req.query.start) });
      } catch (err) {
        console.error(err);
        res.status(500).json({ error: err.message });
      }
    });
    app.get('/me', (req, res) => {
      try {
        const claims = jwt.verify(req.get('authorization'), config.jwtKey);
        res.json({ id: claims.sub });
      } catch (err) {
        res.status(401).send({ success: false, err: err });
      }
    });
    app.get('/orders', async (req, res) => {
      try {
        if (!req.query.id) {
          throw new Error('id is required');
        }
        res.json(await db.find(req.query.id));
      } catch (err) {
        console.error(err);
        res.status(500).json({ error: err.message });
      }
    });
    app.get('/sum', (req, res) => {
      try {
        if (!req.query.a) {
          throw new Error(`missing a for ${config.databaseUrl}`);
        }
        res.json({ a: Number(req.query.a) });
      } catch (err) {
        console.error(err);
        res.status(500).json({ error: err.message });
      }
    });
    app.use((err, req, res, next) => {
      console.error(err);
      res.status(err.status || 500).json({ error: 'Request failed' });
    });

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """.replace("%URL%", DATABASE_URL).replace("%SQL%", LEAKED)


def call(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, object]:
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("catch-app") / "installed",
                      {"package.json": PACKAGE_JSON})
    npm_install(root)
    return root


def test_only_the_routes_that_send_server_text_are_reported(tmp_path: Path,
                                                            installed: Path) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": APP},
                      installed)
    with serve_app(root) as url:
        answers = {
            "range-missing": call(url, "/range"),
            "range-bad": call(url, "/range?start=yesterday"),
            "me": call(url, "/me", {"authorization": "not-a-token"}),
            "orders": call(url, "/orders?id=1"),
            "sum": call(url, "/sum"),
        }
    # What the quiet routes send: the app's sentences, the caller's input, jsonwebtoken's reason.
    assert answers["range-missing"] == (500, {"error": "start is required"})
    assert answers["range-bad"] == (500, {"error": "Invalid date: yesterday"})
    assert answers["me"] == (401, {"success": False,
                                   "err": {"name": "JsonWebTokenError",
                                           "message": "jwt malformed"}})
    # What the reported ones send: the driver's SQL, the server's database URL.
    assert LEAKED in json.dumps(answers["orders"])
    assert DATABASE_URL in json.dumps(answers["sum"])

    checked = run_cli("check", root, "--select", "error-handler", "--format", "json",
                      "--exit-zero")
    assert checked.returncode == 0, checked.stderr
    source = (root / "app.js").read_text().splitlines()
    reported = sorted((f["line"], source[f["line"] - 1].strip())
                      for f in each_place(json.loads(checked.stdout)["findings"]))
    orders = next(i for i, line in enumerate(source) if "app.get('/orders'" in line)
    sums = next(i for i, line in enumerate(source) if "app.get('/sum'" in line)
    leaks = [line for line, _ in reported]
    assert len(leaks) == 2, reported
    assert orders < leaks[0] < sums < leaks[1], reported
    assert all(text == "res.status(500).json({ error: err.message });" for _, text in reported)
