"""cookie-flags over real HTTP (express 5): after a safe fix, a cookie the page's own script
reads (js-cookie in public/js) is still sent without HttpOnly, while a server-only cookie gets
HttpOnly; both get SameSite=Lax, and the responses are otherwise the same. Not even --unsafe
adds HttpOnly to the cookie the page reads: the app needs it off."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from conftest import linked_app, npm_install, serve_app, write_tree
from nodeharden._api import fix

PACKAGE_JSON = ('{"name": "cookie-e2e", "private": true, "dependencies": {"express": "^5.1.0",'
                ' "express-session": "^1.18.0"}}\n')

APP = """\
const express = require('express');
const app = express();

app.get('/theme', (req, res) => {
  res.cookie('draft', req.query.draft || 'empty');
  res.send('theme set');
});

app.get('/login', (req, res) => {
  res.cookie('sid', req.query.sid || 'abc123');
  res.send('logged in');
});

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

THEME_JS = """\
import Cookies from 'js-cookie';
document.documentElement.dataset.theme = Cookies.get('draft') || 'empty';
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("cookie-e2e")
    write_tree(base, {"package.json": PACKAGE_JSON})
    npm_install(base)
    return base


def _cookie(base: str, path: str, headers: dict[str, str] | None = None
            ) -> tuple[str, dict[str, str]]:
    request = urllib.request.Request(base + path, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
        header = response.headers["Set-Cookie"]
    parts = [p.strip() for p in header.split(";")]
    attributes = {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else "")
                  for p in parts[1:]}
    return body + "|" + parts[0], attributes


def _answers(root: Path) -> dict[str, tuple[str, dict[str, str]]]:
    with serve_app(root) as base:
        return {path: _cookie(base, path) for path in ("/theme", "/login")}


@pytest.fixture
def app_dir(installed: Path, tmp_path: Path) -> Path:
    return linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": APP,
                                         "public/js/theme.js": THEME_JS}, installed)


def test_safe_fix_keeps_the_cookie_the_page_reads_readable(app_dir: Path) -> None:
    before = _answers(app_dir)
    fix(app_dir, select=["cookie-flags"], force=True)
    after = _answers(app_dir)
    for path in before:
        assert after[path][0] == before[path][0]  # same body, same cookie name and value
        assert after[path][1]["samesite"] == "Lax"
    assert "httponly" not in after["/theme"][1]
    assert "httponly" in after["/login"][1]


def test_unsafe_fix_keeps_the_cookie_the_page_reads_readable(app_dir: Path) -> None:
    fix(app_dir, select=["cookie-flags"], unsafe=True, force=True)
    after = _answers(app_dir)
    assert "httponly" not in after["/theme"][1] and "httponly" in after["/login"][1]


PER_REQUEST_APP = """\
process.env.NODE_ENV = 'production'; // production mode, served over plain HTTP (a LAN install)
const express = require('express');
const session = require('express-session');

const app = express();
app.set('trust proxy', 'loopback');
app.use(session({
  secret: 'not-a-real-secret',
  resave: false,
  saveUninitialized: false,
  cookie: { httpOnly: true, secure: 'auto', sameSite: 'lax' },
}));

app.get('/remember', (req, res) => {
  res.cookie('remember', req.query.remember || 'yes');
  res.send('remembered');
});

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""


def test_secure_follows_the_request_where_the_project_decides_it_per_request(
        installed: Path, tmp_path: Path) -> None:
    # The session cookie is Secure per request (`secure: 'auto'`); the fixed cookie follows
    # it: Secure behind the HTTPS proxy, still set over plain HTTP in production mode (where
    # `NODE_ENV === 'production'` would make browsers refuse it).
    root = linked_app(tmp_path / "auto", {"package.json": PACKAGE_JSON,
                                          "app.js": PER_REQUEST_APP}, installed)
    fix(root, select=["cookie-flags"], force=True)
    assert "secure: req.secure" in (root / "app.js").read_text()
    with serve_app(root) as base:
        plain = _cookie(base, "/remember")
        proxied = _cookie(base, "/remember", {"X-Forwarded-Proto": "https"})
    assert plain[0] == proxied[0] == "remembered|remember=yes"
    assert "secure" not in plain[1] and "secure" in proxied[1]
    assert plain[1]["samesite"] == "Lax" and "httponly" in plain[1]
