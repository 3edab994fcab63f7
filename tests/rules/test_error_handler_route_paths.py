"""error-handler: the appended final handler goes after the app's last route whatever that
route's path is (a regex literal, an array, a template string, ``new RegExp(…)``, a name), and
after middleware that follows the routes; middleware alone places none. Checked over real HTTP
on 127.0.0.1 for a page route with a regex path whose file is missing: before the fix the
answer names the server's folder, after it the answer is the generic status text."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, linked_app, npm_install, run_cli, serve_app, write_tree

PACKAGE_JSON = """
    {
      "name": "route-paths",
      "version": "1.0.0",
      "private": true,
      "dependencies": {
        "express": "^4.21.2"
      }
    }
    """
HEAD = ("const express = require('express')\n"
        "const path = require('path')\n"
        "const app = express()\n"
        "app.use(express.json())\n"
        "app.get('/api/items', (req, res) => res.json([]))\n")
TAIL = "app.listen(3000)\n"


def fixed_source(tmp_path: Path, body: str) -> str | None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE_JSON,
                                       "app.js": HEAD + body + TAIL})
    done = run_cli("fix", root, "--select", "error-handler")
    assert done.returncode in (0, 1), done.stderr
    fixed = (root / "app.js").read_text()
    return None if fixed == HEAD + body + TAIL else fixed


@pytest.mark.parametrize("route", [
    "app.get(/^(?!\\/api).*$/, (req, res) => res.sendFile(path.join(__dirname, 'index.html')))",
    "app.get(['/help', '/about'], (req, res) => res.sendFile(path.join(__dirname, 'a.html')))",
    "app.get(`/pages/${'x'}`, (req, res) => res.sendFile(path.join(__dirname, 'x.html')))",
    "app.get(new RegExp('^/docs'), (req, res) => res.sendFile(path.join(__dirname, 'd.html')))",
    "const PAGES = '/pages'\napp.all(PAGES, (req, res) => res.sendFile(path.join(__dirname)))",
], ids=["regex", "array", "template", "new-regexp", "name"])
def test_the_handler_follows_a_route_of_any_path(tmp_path: Path, route: str) -> None:
    fixed = fixed_source(tmp_path, route + "\n")
    assert fixed is not None
    assert fixed.index(route) < fixed.index("app.use((err")


def test_middleware_after_the_routes_moves_the_handler_down(tmp_path: Path) -> None:
    fixed = fixed_source(tmp_path, "app.use(express.static(path.join(__dirname, 'public')))\n")
    assert fixed is not None
    assert fixed.index("express.static") < fixed.index("app.use((err")


def test_middleware_alone_places_no_handler(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE_JSON,
        "app.js": ("const express = require('express')\n"
                   "const app = express()\n"
                   "app.use(express.json())\n"
                   "app.use(express.static('public'))\n"
                   "module.exports = app\n"),
        "server.js": ("const app = require('./app')\n"
                      "app.get('/x', (req, res) => res.end())\n"
                      "app.listen(3000)\n")})
    done = run_cli("check", root, "--select", "error-handler", "--format", "json",
                   "--exit-zero")
    assert done.returncode == 0, done.stderr
    findings = json.loads(done.stdout)["findings"]
    assert [f["fix"] for f in findings if f["path"] == "app.js"] in ([], [None])


APP = """
    const express = require('express');
    const path = require('path');

    const app = express();
    app.get('/api/ping', (req, res) => res.json({ ok: true }));
    app.get(/^(?!\\/api).*$/, (req, res) => {
      res.sendFile(path.join(__dirname, 'public', 'index.html'));
    });

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("route-paths") / "installed",
                      {"package.json": PACKAGE_JSON})
    npm_install(root)
    return root


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
def test_errors_of_a_regex_route_reach_the_new_handler(tmp_path: Path, installed: Path) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": APP},
                      installed)
    with serve_app(root) as url:
        status, body = fetch(url + "/page")
    assert status == 404 and str(root / "public") in body  # the default handler's stack

    done = run_cli("fix", root, "--select", "error-handler")
    assert done.returncode == 0, done.stderr
    with serve_app(root) as url:
        assert fetch(url + "/page") == (404, '{"error":"Not Found"}')
        assert fetch(url + "/api/ping") == (200, '{"ok":true}')
