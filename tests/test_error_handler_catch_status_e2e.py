"""End to end: a catch block's fix logs the 5xx errors it stops sending, over real HTTP.

The status a catch answers with is tested where it is known: a ``const`` the catch block
declared before it answers is read as is (before ``res.status(status)`` runs,
``res.statusCode`` still holds 200, so a log guarded by it would never run), and a test of
``res.statusCode`` (a status from a call the fix cannot repeat) goes after the statement that
sets it. 4xx answers keep their message and are not logged; 5xx ones answer the generic text
and the error reaches the server's stderr.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from pathlib import Path

import pytest
from conftest import app_with_log, have_node, linked_app, npm_install, run_cli, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are needed")]

PACKAGE_JSON = '{"name": "catch-status", "private": true, "dependencies": {"express": "^4.21.2"}}\n'
LEAKED = "db-password-hunter2"
LEAKED_TOO = "smtp-password-swordfish"

APP = """
const express = require('express');

function load(id) {
  if (id === 'missing') {
    const err = new Error('no item ' + id);
    err.status = 404;
    throw err;
  }
  throw new Error('connect failed: %s');
}

function statusFor(code) {
  return code === 'ENOENT' ? 404 : 500;
}

function remove(id) {
  const err = new Error(id === 'missing' ? 'no item ' + id : 'mail failed: %t');
  if (id === 'missing') err.code = 'ENOENT';
  throw err;
}

const app = express();

app.get('/items/:id', (req, res) => {
  try {
    res.json(load(req.params.id));
  } catch (err) {
    const status = typeof err.status === 'number' ? err.status : 500;
    res.status(status).json({ error: err.message });
  }
});

app.delete('/items/:id', (req, res) => {
  try {
    res.json(remove(req.params.id));
  } catch (err) {
    res.status(statusFor(err.code)).json({ error: err.message });
  }
});

app.use((err, req, res, next) => res.status(err.status || 500).json({ error: 'Internal Server Error' }));

const server = app.listen(0, '127.0.0.1', () => {
  console.log('listening ' + server.address().port);
});
""".replace("%s", LEAKED).replace("%t", LEAKED_TOO)


def call(base: str, method: str, path: str) -> tuple[int, object]:
    parsed = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


def test_catch_logs_the_5xx_errors_it_stops_sending(tmp_path: Path) -> None:
    installed = write_tree(tmp_path / "installed", {"package.json": PACKAGE_JSON})
    npm_install(installed)
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": APP}, installed)
    done = run_cli("fix", root, "--unsafe", "--select", "error-handler")
    assert done.returncode == 0, done.stderr
    source = (root / "app.js").read_text()
    assert "if (!(status < 500))" in source  # the catch's own const, not res.statusCode
    with app_with_log(root) as (base, log):
        answers = [call(base, "GET", "/items/missing"), call(base, "GET", "/items/broken"),
                   call(base, "DELETE", "/items/missing"), call(base, "DELETE", "/items/broken")]
    stderr = log[0]
    assert answers == [(404, {"error": "no item missing"}),
                       (500, {"error": "Internal Server Error"}),
                       (404, {"error": "no item missing"}),
                       (500, {"error": "Internal Server Error"})]
    assert LEAKED in stderr and LEAKED_TOO in stderr  # the 5xx errors are on the server's log
    assert "no item missing" not in stderr  # the 4xx ones are not
