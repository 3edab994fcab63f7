"""A whole error sent from a catch whose try block can throw only the language's own errors.

``res.status(500).send(e)`` / ``res.json({ error: e })`` sends the error's enumerable fields.
A SyntaxError of ``JSON.parse`` or a TypeError of ``q.includes`` has none (message and stack are
not enumerable): the client gets ``{}``, so nothing leaks and the rule reports nothing. An
error a library or the app throws may carry fields (axios's ``config`` with its headers, a
driver's ``sql``): the same send is reported. Checked with real express over real HTTP on
127.0.0.1.
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

SECRET = "Bearer tok-hunter2"
PACKAGE_JSON = """
    {
      "name": "builtin-errors",
      "version": "1.0.0",
      "private": true,
      "dependencies": {
        "express": "^4.21.2"
      }
    }
    """
UPSTREAM = """
    // An HTTP client's error: its request settings are enumerable fields.
    module.exports.fetchStats = function fetchStats(id) {
      const error = new Error('Request failed with status code 502');
      error.config = { url: '/stats/' + id, headers: { Authorization: '%s' } };
      error.code = 'ERR_BAD_RESPONSE';
      throw error;
    };
    """.replace("%s", SECRET)
APP = """
    const express = require('express');
    const { fetchStats } = require('./upstream');

    const app = express();

    app.get('/filter', (req, res) => {
      let kinds;
      try {
        kinds = JSON.parse(req.query.kinds);
        if (!kinds.includes('all')) {
          kinds = kinds.slice(0, 3);
        }
      } catch (e) {
        return res.status(500).send(e);
      }
      res.json({ kinds });
    });

    app.get('/sorted', (req, res) => {
      let order;
      try {
        order = decodeURIComponent(String(req.query.order)).toLowerCase().split(',');
      } catch (error) {
        return res.status(400).json({ error });
      }
      res.json({ order });
    });

    app.get('/stats/:id', (req, res) => {
      try {
        res.json(fetchStats(req.params.id));
      } catch (e) {
        res.status(500).send(e);
      }
    });

    app.use((err, req, res, next) => {
      const status = err.status >= 400 && err.status < 600 ? err.status : 500;
      res.status(status).json({ error: 'failed' });
    });

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """


def call(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_only_errors_with_fields_are_reported(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE_JSON, "upstream.js": UPSTREAM,
                                         "app.js": APP})
    npm_install(root)

    report = json.loads(run_cli("check", root, "--format", "json", "--exit-zero", "--select",
                                "error-handler").stdout)
    found = [(f["path"], f["line"]) for f in report["findings"]]
    assert found == [("app.js", 33)], report["findings"]

    with serve_app(root, "app.js") as url:
        bad_json = call(url + "/filter?kinds=%7Bnot")  # JSON.parse: SyntaxError
        not_array = call(url + "/filter?kinds=%7B%7D")  # {}.includes: TypeError
        bad_order = call(url + "/sorted?order=%25E0%25A4%25A")  # URIError
        upstream = call(url + "/stats/7")
    # The language's own errors serialise to an empty object: nothing of them reaches the client.
    assert bad_json == (500, "{}")
    assert not_array == (500, "{}")
    assert bad_order == (400, '{"error":{}}')
    # The HTTP client's error sends its fields, the credentials of its request included.
    assert upstream[0] == 500 and SECRET in upstream[1] and "ERR_BAD_RESPONSE" in upstream[1]
