"""helmet: Express settings applied in a loop over an object literal, checked with real express
over real HTTP.

``app.set(k, o[k])`` for each key of ``{ 'x-powered-by': false, ... }`` (``for…in``,
``Object.entries(o).forEach``) switches the header off, the object merged with a deployer's
options too (``Object.assign({}, defaults, options)``), or imported from a module of the
project (one hop): the finding must not claim
"X-Powered-By is sent". The same loop over ``'x-powered-by': true`` keeps the header, and the
claim.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from conftest import check_json, have_node, linked_app, npm_install, serve_app, write_tree

pytestmark = pytest.mark.skipif(not have_node(), reason="needs node and npm")

PACKAGE_JSON = """{
  "name": "settings-loop",
  "private": true,
  "dependencies": {"express": "^4.21.2"}
}
"""

FOR_IN = """\
const express = require('express');

const app = express();
const defaultServerSettings = {
  'x-powered-by': %s,
};
const serverSettings = Object.assign({}, defaultServerSettings,
  process.env.SERVER_OPTIONS ? JSON.parse(process.env.SERVER_OPTIONS) : {});
for (const name in serverSettings) {
  app.set(name, serverSettings[name]);
}
app.get('/', (req, res) => res.json({ ok: true }));

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

ENTRIES = """\
const express = require('express');

const app = express();
const settings = { etag: false, 'x-powered-by': %s };
Object.entries(settings).forEach(([key, value]) => app.set(key, value));
app.get('/', (req, res) => res.json({ ok: true }));

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""


IMPORTED = """\
const express = require('express');
const { serverDefaults } = require('./server-defaults');

const app = express();
const settings = { ...serverDefaults, ...(process.env.SERVER_OPTIONS ? JSON.parse(process.env.SERVER_OPTIONS) : {}) };
for (const [key, value] of Object.entries(settings)) {
  app.set(key, value);
}
app.get('/', (req, res) => res.json({ ok: true }));

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""
DEFAULTS = """\
const serverDefaults = { 'x-powered-by': %s, 'trust proxy': false };
module.exports = { serverDefaults };
"""

SHAPES = {
    "for-in-merged": lambda value: {"app.js": FOR_IN % value},
    "entries-forEach": lambda value: {"app.js": ENTRIES % value},
    "imported-defaults": lambda value: {"app.js": IMPORTED,
                                        "server-defaults.js": DEFAULTS % value},
}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("settings-loop")
    write_tree(base, {"package.json": PACKAGE_JSON})
    npm_install(base)
    return base


def _powered_by(base: str) -> str | None:
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        response.read()
        return response.headers.get("X-Powered-By")


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("value", ["false", "true"])
def test_settings_loop_decides_the_powered_by_claim(installed: Path, tmp_path: Path,
                                                     shape: str, value: str) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON,
                                         **SHAPES[shape](value)}, installed)
    with serve_app(root) as base:
        header = _powered_by(base)
    assert (header is None) == (value == "false"), header

    report = check_json(root, "--select", "helmet")
    [finding] = [f for f in report["findings"] if f["rule"] == "helmet"]
    assert finding["message"].startswith("Express app without helmet()")
    assert ("X-Powered-By is sent" in finding["message"]) == (header is not None)
