"""helmet, over real HTTP with real express, helmet, ejs and lusca:

- turning a switched-off CSP back on (unsafe fix) allows every host the rendered page loads
  scripts and images from, and the page's status and body stay the same;
- adding helmet to an app whose lusca sets some headers keeps lusca's values for those headers
  and adds the missing ones.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from conftest import linked_app, npm_install, serve_app, write_tree
from nodeharden._api import fix

PACKAGE_JSON = """{
  "name": "helmet-e2e",
  "private": true,
  "dependencies": {"express": "^5.1.0", "helmet": "^8.1.0", "ejs": "^3.1.10", "lusca": "^1.7.0"}
}
"""

VIEWS_APP = """\
const path = require('path');
const express = require('express');
const helmet = require('helmet');

const app = express();
app.use(helmet({ contentSecurityPolicy: false }));
app.set('views', path.join(__dirname, 'views'));
app.set('view engine', 'ejs');
app.get('/', (req, res) => res.render('index', { title: 'Home' }));

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

INDEX_EJS = """\
<!doctype html>
<html>
<head>
  <title><%= title %></title>
  <script src="https://cdn.jsdelivr.net/npm/htmx.org@2.0.3/dist/htmx.min.js"></script>
</head>
<body>
  <img src="https://i.imgur.com/logo.png" alt="logo">
  <button onclick="document.title = 'clicked'">Click</button>
  <script>window.pageTitle = "<%= title %>";</script>
</body>
</html>
"""

LUSCA_APP = """\
const express = require('express');
const lusca = require('lusca');

const app = express();
app.use(lusca.xframe('DENY'));
app.use(lusca.hsts({ maxAge: 600 }));
app.get('/', (req, res) => res.json({ ok: true }));

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("helmet-e2e")
    write_tree(base, {"package.json": PACKAGE_JSON})
    npm_install(base)
    return base


def _get(base: str) -> tuple[int, dict[str, str], str]:
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
        return response.status, headers, response.read().decode()


def _directive(policy: str, name: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


def test_csp_turned_back_on_allows_what_the_rendered_page_loads(installed: Path,
                                                                tmp_path: Path) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": VIEWS_APP,
                                         "views/index.ejs": INDEX_EJS}, installed)
    with serve_app(root) as base:
        status_before, headers_before, body_before = _get(base)
    assert "content-security-policy" not in headers_before

    fix(root, select=["helmet"], unsafe=True, force=True)
    assert "contentSecurityPolicy: false" not in (root / "app.js").read_text()

    with serve_app(root) as base:
        status, headers, body = _get(base)
    assert (status, body) == (status_before, body_before)
    policy = headers["content-security-policy"]
    scripts = _directive(policy, "script-src")
    images = _directive(policy, "img-src")
    # Every host the page really loads from is allowed by the directive that governs it.
    for src in re.findall(r'<script[^>]*\ssrc="([^"]+)"', body):
        assert "https://" + src.split("/")[2] in scripts, (src, policy)
    for src in re.findall(r'<img[^>]*\ssrc="([^"]+)"', body):
        assert "https://" + src.split("/")[2] in images, (src, policy)
    # The inline script and the onclick handler still run.
    assert "'unsafe-inline'" in scripts
    assert "'unsafe-inline'" in _directive(policy, "script-src-attr")
    # Everything else keeps helmet's defaults.
    assert _directive(policy, "object-src") == ["'none'"]
    assert _directive(policy, "default-src") == ["'self'"]


def test_helmet_added_beside_lusca_keeps_lusca_headers(installed: Path, tmp_path: Path) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": LUSCA_APP},
                      installed)
    with serve_app(root) as base:
        _, before, body_before = _get(base)
    assert before["x-frame-options"] == "DENY" and "x-content-type-options" not in before

    fix(root, select=["helmet"], force=True)  # safe: no views, lusca sets no CSP

    with serve_app(root) as base:
        _, after, body = _get(base)
    assert body == body_before
    assert after["x-frame-options"] == before["x-frame-options"]
    assert after["strict-transport-security"] == before["strict-transport-security"]
    assert after["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in after and "referrer-policy" in after
    assert "x-powered-by" not in after
