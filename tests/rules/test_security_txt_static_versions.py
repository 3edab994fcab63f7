"""security-txt and ``express.static`` across Express versions, with real Express 4 and 5 from
the npm registry and real HTTP on 127.0.0.1.

Express 4's static middleware (send 0.x) with no ``dotfiles`` option ignores only a path whose
last segment starts with a dot, so ``public/.well-known/security.txt`` is served; Express 5's
(send 1.x) ignores every path with a dot segment. The rule must agree with what the server
really does: no finding where Express 4 serves the file, a finding and a working fix (placed
after the app's own middleware, so the response carries its headers) where Express 5 does not.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from conftest import have_node, http_status, linked_app, npm_install, serve_app, write_tree
from nodeharden._api import check, fix

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="needs node and npm")]

TXT = "Contact: mailto:security@acme.test\nExpires: 2099-01-01T00:00:00.000Z\n"
APP = """\
const path = require('path');
const express = require('express');

const app = express();
app.use((req, res, next) => {
  res.set('X-Frame-Options', 'DENY');
  next();
});
app.use(express.static(path.join(__dirname, 'public')));
app.get('/', (req, res) => res.send('ok'));

const server = app.listen(0, '127.0.0.1', () =>
  console.log(`listening ${server.address().port}`));
"""


@pytest.fixture(scope="module", params=["4", "5"])
def installed(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    base = tmp_path_factory.mktemp(f"express{request.param}")
    spec = "^4.21.2" if request.param == "4" else "^5.1.0"
    write_tree(base, {"package.json": f'{{"name": "x", "dependencies": {{"express": "{spec}"}}}}\n'})
    npm_install(base)
    return request.param, base


def _project(root: Path, major: str, installed: Path, app: str = APP) -> Path:
    spec = "^4.21.2" if major == "4" else "^5.1.0"
    return linked_app(root, {
        "package.json": f'{{"name": "site", "dependencies": {{"express": "{spec}"}}}}\n',
        ".nodeharden.yml": "security_txt:\n  contact: security@acme.test\n",
        "public/.well-known/security.txt": TXT,
        "app.js": app,
    }, installed)


def test_finding_matches_what_the_static_folder_serves(installed: tuple[str, Path],
                                                       tmp_path: Path) -> None:
    major, base = installed
    root = _project(tmp_path / "app", major, base)
    with serve_app(root) as url:
        status = http_status(url + "/.well-known/security.txt")
    assert status == (200 if major == "4" else 404)
    missing = [f for f in check(root, select=["security-txt"]).findings
               if "serves no" in f.message]
    assert bool(missing) == (major == "5"), missing
    if major == "4":
        return
    fix(root, select=["security-txt"])
    fixed = (root / "app.js").read_text()
    # After the app's own middleware, before its static mount and routes; blank lines empty.
    assert fixed.index("X-Frame-Options") < fixed.index("const securityTxt") \
        < fixed.index("express.static(") < fixed.index("app.get('/',"), fixed
    assert not any(line != line.rstrip() for line in fixed.splitlines()), fixed
    with serve_app(root) as url:
        with urllib.request.urlopen(url + "/.well-known/security.txt", timeout=10) as response:
            assert response.status == 200
            assert response.headers["X-Frame-Options"] == "DENY"
            assert response.read().decode() == TXT


def test_express4_dotfiles_ignore_is_not_served(installed: tuple[str, Path],
                                                tmp_path: Path) -> None:
    major, base = installed
    if major != "4":
        pytest.skip("Express 5 ignores dot-folders whatever the option")
    app = APP.replace("'public')));", "'public'), { dotfiles: 'ignore' }));")
    root = _project(tmp_path / "app", major, base, app)
    with serve_app(root) as url:
        assert http_status(url + "/.well-known/security.txt") == 404
    assert any("serves no" in f.message for f in check(root, select=["security-txt"]).findings)
    fix(root, select=["security-txt"])
    with serve_app(root) as url:
        assert http_status(url + "/.well-known/security.txt") == 200
