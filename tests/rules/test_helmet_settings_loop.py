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
from _complexity import growth
from conftest import check_json, have_node, linked_app, npm_install, serve_app, write_tree

from nodeharden import check

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


LISTEN = """
app.get('/', (req, res) => res.json({ ok: true }));
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""
HEAD = "const express = require('express');\nconst app = express();\n"

#: Loops that switch X-Powered-By off, or seem to, while something else keeps the header on
#: for the app reported: each sends it, and the finding must say so.
STILL_SENT = {
    # The app switches it back on after the loop.
    "enabled-after": {"app.js": HEAD + "const settings = { 'x-powered-by': false };\n"
                      "for (const k in settings) app.set(k, settings[k]);\n"
                      "app.enable('x-powered-by');\n" + LISTEN},
    "set-true-after": {"app.js": HEAD + "const settings = { 'x-powered-by': false };\n"
                       "Object.keys(settings).forEach((k) => app.set(k, settings[k]));\n"
                       "app.set('x-powered-by', true);\n" + LISTEN},
    # The loop skips the key.
    "continue": {"app.js": HEAD + "const settings = { 'x-powered-by': false, etag: false };\n"
                 "for (const k in settings) {\n  if (k === 'x-powered-by') continue;\n"
                 "  app.set(k, settings[k]);\n}\n" + LISTEN},
    # The loop fills a Map, not the app.
    "map": {"app.js": HEAD + "const defaults = new Map();\n"
            "const settings = { 'x-powered-by': false };\n"
            "for (const [k, v] of Object.entries(settings)) defaults.set(k, v);\n" + LISTEN},
    # The loop sets another app only (that app's finding, line 3, may drop the claim).
    "other-app": {"app.js": HEAD + "const admin = express();\n"
                  "const settings = { 'x-powered-by': false };\n"
                  "for (const k of Object.keys(settings)) admin.set(k, settings[k]);\n"
                  "admin.listen(0, '127.0.0.1');\n" + LISTEN},
    # The loop is in a function nobody calls.
    "uncalled-function": {"app.js": HEAD + "function harden(target) {\n"
                          "  const settings = { 'x-powered-by': false };\n"
                          "  for (const k in settings) target.set(k, settings[k]);\n}\n"
                          + LISTEN},
    # The object is changed through an alias before the loop.
    "alias-write": {"app.js": HEAD + "const settings = { 'x-powered-by': false };\n"
                    "const alias = settings;\nalias['x-powered-by'] = true;\n"
                    "for (const k in settings) app.set(k, settings[k]);\n" + LISTEN},
    # The imported object is written by the importing file, or by another module.
    "import-written-here": {
        "settings.js": "module.exports = { 'x-powered-by': false, 'trust proxy': 1 };\n",
        "app.js": "const express = require('express');\nconst settings = require('./settings');\n"
                  "const app = express();\nsettings['x-powered-by'] = true;\n"
                  "for (const k in settings) app.set(k, settings[k]);\n" + LISTEN},
    "import-written-elsewhere": {
        "settings.js": "module.exports = { 'x-powered-by': false };\n",
        "legacy.js": "const settings = require('./settings');\nsettings['x-powered-by'] = true;\n",
        "app.js": "require('./legacy');\nconst express = require('express');\n"
                  "const settings = require('./settings');\nconst app = express();\n"
                  "Object.entries(settings).forEach(([k, v]) => app.set(k, v));\n" + LISTEN},
}


@pytest.mark.parametrize("case", sorted(STILL_SENT))
def test_a_loop_that_may_not_be_the_last_word_keeps_the_claim(installed: Path, tmp_path: Path,
                                                              case: str) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, **STILL_SENT[case]},
                      installed)
    with serve_app(root) as base:
        assert _powered_by(base) == "Express"

    report = check_json(root, "--select", "helmet")
    claims = {f["line"]: "X-Powered-By is sent" in f["message"]
              for f in report["findings"] if f["rule"] == "helmet"}
    app_line = 4 if case == "import-written-elsewhere" else \
        3 if case == "import-written-here" else 2
    assert claims[app_line], report["findings"]
    if case == "other-app":
        assert claims == {2: True, 3: False}  # admin's loop does switch it off for admin


def test_many_settings_loops_in_one_file_stay_linear(tmp_path: Path) -> None:
    # Each `.set(k, o[k])` walked the whole file (21 s for 1,000 loops, 30 s cap at 3,000).
    # Counted steps, not time: 4 times the loops cost about 4 times the work.
    def make(count: int):
        loops = "".join(f"const s{i} = {{ 'x-powered-by': true, k{i}: 1 }};\n"
                        f"for (const k in s{i}) app.set(k, s{i}[k]);\n" for i in range(count))
        root = write_tree(tmp_path / f"n{count}",
                          {"package.json": PACKAGE_JSON, "app.js": HEAD + loops + LISTEN})
        return lambda: check(root, select=["helmet"])

    _, report = growth(make, 50)
    assert not report.failed, report.failed
    [finding] = [f for f in report.findings if f.rule == "helmet"]
    assert "X-Powered-By is sent" in finding.message