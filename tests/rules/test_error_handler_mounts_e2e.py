"""End to end: the ``errorhandler`` package in a server that mounts a factory-made sub-app.

errorhandler answers every error with its message and stack, also under
``NODE_ENV=production``; errors of a mounted sub-app without a handler of its own reach the
parent's handlers. So ``fix --select error-handler`` replaces the parent's ``errorhandler()``
with the standard handler and leaves the sub-app alone. Checked with real express and
errorhandler over real HTTP on 127.0.0.1, the server started with ``NODE_ENV=production``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, npm_install, run_cli, serve_app, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are needed")]

LEAKED = "db-password-hunter2"
PACKAGE_JSON = """
    {
      "name": "mounted-apps",
      "version": "1.0.0",
      "private": true,
      "dependencies": {
        "errorhandler": "^1.5.1",
        "express": "^4.21.2"
      }
    }
    """
API = """
    const express = require('express');

    module.exports = function createApi(config) {
      const api = express();
      api.use(express.json());
      api.post('/echo', (req, res) => {
        res.json(req.body);
      });
      api.get('/boom', () => {
        throw new Error('connect failed: ' + config.secret);
      });
      return api;
    };
    """
SERVER = """
    const express = require('express');

    function create() {
      const app = express();
      const api = require('./api')({ secret: '%s' });
      app.use('/api', api);
      app.get('/', (req, res) => {
        res.send('ok');
      });

      // Readable error pages.
      const errorhandler = require('errorhandler');
      app.use(errorhandler());
      return app;
    }

    const server = create().listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """.replace("%s", LEAKED)


def call(url: str, method: str = "GET", body: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/json",
                                              "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_errorhandler_is_replaced_in_the_parent_only(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE_JSON, "api.js": API,
                                         "server.js": SERVER})
    npm_install(root)
    monkeypatch.setenv("NODE_ENV", "production")

    report = json.loads(run_cli("check", root, "--format", "json", "--exit-zero", "--select",
                                "error-handler").stdout)
    found = [(f["path"], f["line"]) for f in report["findings"]]
    assert found == [("server.js", 13)], report["findings"]

    # Before: the stack and the secret in it reach the client, in production too.
    with serve_app(root, "server.js") as url:
        status, body = call(url + "/api/boom")
    assert status == 500 and LEAKED in body and "api.js" in body

    api_before = (root / "api.js").read_text()
    done = run_cli("fix", root, "--select", "error-handler")
    assert done.returncode == 0, done.stderr
    assert (root / "api.js").read_text() == api_before  # the sub-app gets no handler
    source = (root / "server.js").read_text()
    assert "errorhandler" not in source  # the call and its require are gone
    assert source.count("(err, _req, res, next)") == 1

    with serve_app(root, "server.js") as url:
        boom = call(url + "/api/boom")
        bad = call(url + "/api/echo", "POST", b"{not json")
        good = call(url + "/api/echo", "POST", b'{"a": 1}')
    assert boom == (500, '{"error":"Internal Server Error"}')
    assert bad == (400, '{"error":"Bad Request"}')
    assert good == (200, '{"a":1}')

    again = run_cli("fix", root, "--select", "error-handler", "--dry-run")
    assert again.returncode == 0 and "would change" not in again.stdout, again.stdout
