"""security-txt and a static folder that holds .well-known/security.txt (Express 4, which serves
dot-folders), with real Express on 127.0.0.1 run as in production (NODE_ENV=production): the
folder counts only when a request really gets the file there. An earlier middleware that
answers 401 (real: 401) or a mount only in development (real: 404) leaves the app without a
served security.txt: reported (report only behind the guard, whose 401 a route added after it
would get too; with a fix that really serves the file in the development-only case), while a
header middleware before the mount and a mount in the production branch serve it (real: 200)
and are not reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import have_node, http_status, linked_app, npm_install, serve_app, write_tree

from nodeharden._api import check, fix

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="needs node and npm")]

TXT = "Contact: mailto:security@acme.test\nExpires: 2099-01-01T00:00:00.000Z\n"
HEAD = """\
const path = require('path');
const express = require('express');

const app = express();
"""
TAIL = """\
app.get('/', (req, res) => res.send('ok'));

const server = app.listen(0, '127.0.0.1', () =>
  console.log(`listening ${server.address().port}`));
"""
STATIC = "app.use(express.static(path.join(__dirname, 'public')));\n"
GUARD = "app.use((req, res, next) => (req.get('authorization') ? next() : res.sendStatus(401)));\n"
HEADER = "app.use((req, res, next) => {\n  res.set('X-Frame-Options', 'DENY');\n  next();\n});\n"
DEV_ONLY = f"if (process.env.NODE_ENV === 'development') {STATIC}"
PROD_ONLY = f"if (process.env.NODE_ENV !== 'production') {{\n  {HEADER}}} else {{\n  {STATIC}}}\n"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("express4")
    write_tree(base, {"package.json": '{"name": "x", "dependencies": {"express": "^4.21.2"}}\n'})
    npm_install(base)
    return base


@pytest.fixture(autouse=True)
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NODE_ENV", "production")  # the app node runs is the deployed one


def _project(root: Path, installed: Path, middle: str) -> Path:
    return linked_app(root, {
        "package.json": '{"name": "site", "dependencies": {"express": "^4.21.2"}}\n',
        ".nodeharden.yml": "security_txt:\n  contact: security@acme.test\n",
        "public/.well-known/security.txt": TXT,
        "app.js": HEAD + middle + TAIL,
    }, installed)


def _missing(root: Path) -> list:
    return [f for f in check(root, select=["security-txt"]).findings if "serves no" in f.message]


@pytest.mark.parametrize("middle,status", [(GUARD + STATIC, 401), (DEV_ONLY, 404),
                                           (HEADER + STATIC, 200), (PROD_ONLY, 200)],
                         ids=["behind-401-guard", "development-only", "header-first",
                              "production-branch"])
def test_finding_matches_what_production_serves(installed: Path, tmp_path: Path, middle: str,
                                                status: int) -> None:
    root = _project(tmp_path / "app", installed, middle)
    with serve_app(root) as url:
        assert http_status(url + "/.well-known/security.txt") == status
    missing = _missing(root)
    assert bool(missing) == (status != 200), missing
    if status == 401:
        assert missing[0].fix is None and "may answer first" in missing[0].message
    if status == 404:
        fix(root, select=["security-txt"])
        with serve_app(root) as url:
            assert http_status(url + "/.well-known/security.txt") == 200
        assert _missing(root) == []
