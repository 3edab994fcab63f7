"""helmet required where it is called: ``app.use(require('helmet')({ … }))`` (spark-wallet,
sample 32) and ``app.use(require('helmet').frameguard())``. The first sends helmet's headers
over real HTTP and is not reported; the second counts as that one middleware, as it does
through an imported name."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from conftest import installed_once, linked_app, serve_app, write_tree
from nodeharden._api import check

PACKAGE_JSON = """{
  "name": "helmet-inline",
  "private": true,
  "dependencies": {"express": "^4.21.0", "helmet": "^8.1.0"}
}
"""

APP = """\
const express = require('express');

const app = express();
app.use(%s);
app.get('/', (req, res) => res.send('<!doctype html><p>home</p>'));
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

WHOLE = "require('helmet')({ contentSecurityPolicy: { directives: { defaultSrc: [\"'self'\"] } } })"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return installed_once(tmp_path_factory, "helmet-inline", PACKAGE_JSON)


def _messages(root: Path) -> list[str]:
    report = check(root, select=["helmet"])
    assert not report.failed, report.failed
    return [f.message for f in report.findings if f.rule == "helmet"]


def test_helmet_required_and_called_in_place_is_not_reported(installed: Path,
                                                              tmp_path: Path) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": APP % WHOLE},
                      installed)
    with serve_app(root) as base, urllib.request.urlopen(base + "/", timeout=10) as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert "x-powered-by" not in headers
    assert _messages(root) == []
    # The same app without it is reported, so the check above can fail.
    bare = write_tree(tmp_path / "bare", {"package.json": PACKAGE_JSON,
                                          "app.js": APP % "express.json()"})
    assert [m for m in _messages(bare) if m.startswith("Express app without helmet()")]


def test_a_single_middleware_required_in_place_counts_as_that_middleware(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE_JSON,
                                         "app.js": APP % "require('helmet').frameguard()"})
    messages = _messages(root)
    assert len(messages) == 1
    assert messages[0].startswith("Express app with only some of helmet's middlewares: "
                                  "helmet.frameguard() sets X-Frame-Options")
