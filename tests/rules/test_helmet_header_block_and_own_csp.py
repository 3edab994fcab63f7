"""helmet credits two more ways an app sends security headers itself, over real HTTP with real
express and helmet:

- a header block kept as text (``'X-Frame-Options: deny\\nStrict-Transport-Security: …'``,
  a configurable default) that a middleware splits and sends with ``res.header(name, value)``:
  the finding names only what the real response lacks; prose with colons or a block nothing
  sends by name does not count;
- ``helmet({ contentSecurityPolicy: false })`` beside the app's own
  ``helmet.contentSecurityPolicy(…)`` middleware from another module: the response has a CSP,
  so the switched-off option is no finding; without that middleware it is.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from conftest import linked_app, npm_install, serve_app, write_tree

from nodeharden._api import check

PACKAGE_JSON = """{
  "name": "helmet-header-block",
  "private": true,
  "dependencies": {"express": "^5.1.0", "helmet": "^8.1.0"}
}
"""

BLOCK_APP = """\
const express = require('express');

const defaults = {
  headers: %s,
};
const config = Object.assign({}, defaults, JSON.parse(process.env.APP_CONFIG || '{}'));

const app = express();
app.disable('x-powered-by');
app.use((req, res, next) => {
  for (const line of config.headers.split('\\n')) {
    const parts = line.split(/:(.+)?/);
    if (parts.length === 3) res.header(parts[0].trim(), parts[1].trim());
  }
  next();
});
app.get('/', (req, res) => res.json({ ok: true }));

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

BLOCK = ('"X-Frame-Options: deny\\nStrict-Transport-Security: max-age=31536000\\n'
         'X-Content-Type-Options: nosniff"')
#: Colons, but prose: no header block.
PROSE = '"Note: X-Frame-Options: deny is what the proxy sends"'

CSP_APP = """\
const express = require('express');
const helmet = require('helmet');
%s
const app = express();
app.use(helmet({ contentSecurityPolicy: false }));
%s
app.get('/', (req, res) => res.send('<p>ok</p>'));  // a page: its CSP protects something

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

CSP_MODULE = """\
const helmet = require('helmet');

module.exports = (reportUri) => helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: { defaultSrc: ["'self'"], reportUri: [reportUri] },
});
"""

CORE = ["Content-Security-Policy", "X-Frame-Options", "Strict-Transport-Security",
        "X-Content-Type-Options", "Referrer-Policy"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("helmet-block")
    write_tree(base, {"package.json": PACKAGE_JSON})
    npm_install(base)
    return base


def _headers(base: str) -> dict[str, str]:
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        return {k.lower(): v for k, v in response.headers.items()}


def _helmet_findings(root: Path) -> list:
    report = check(root, select=["helmet"], cache=False)
    assert not report.failed, report.failed
    return [f for f in report.findings if f.rule == "helmet"]


def test_a_header_block_the_app_sends_counts(installed: Path, tmp_path: Path) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON,
                                         "app.js": BLOCK_APP % BLOCK}, installed)
    with serve_app(root) as base:
        headers = _headers(base)
    assert headers["x-frame-options"] == "deny" and "strict-transport-security" in headers

    [finding] = _helmet_findings(root)
    match = re.search(r" but not ([^;]+)", finding.message)
    assert match, finding.message
    assert sorted(match.group(1).split(", ")) == sorted(
        h for h in CORE if h.lower() not in headers)
    assert match.group(1) == "Content-Security-Policy, Referrer-Policy"


@pytest.mark.parametrize("change", ["prose", "not-sent-by-name"])
def test_prose_or_a_block_nothing_sends_does_not_count(installed: Path, tmp_path: Path,
                                                      change: str) -> None:
    source = BLOCK_APP % (PROSE if change == "prose" else BLOCK)
    if change == "not-sent-by-name":
        # The block is only logged: no header is sent by a name the code does not spell out.
        source = source.replace("res.header(parts[0].trim(), parts[1].trim())",
                                "console.error(parts[0], parts[1])")
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": source},
                      installed)
    with serve_app(root) as base:
        headers = _headers(base)
    assert "strict-transport-security" not in headers and "x-frame-options" not in headers

    [finding] = _helmet_findings(root)
    assert "no security headers" in finding.message


@pytest.mark.parametrize("own_csp", [True, False], ids=["own-csp-middleware", "no-csp"])
def test_csp_off_in_helmet_beside_the_apps_own_csp_middleware(installed: Path, tmp_path: Path,
                                                              own_csp: bool) -> None:
    source = CSP_APP % (("const csp = require('./csp');", "app.use(csp('/csp-report'));")
                        if own_csp else ("", ""))
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": source,
                                         "csp.js": CSP_MODULE if own_csp else "\n"},
                      installed)
    with serve_app(root) as base:
        headers = _headers(base)
    assert ("content-security-policy" in headers) is own_csp

    findings = _helmet_findings(root)
    if own_csp:
        assert findings == []
    else:
        [finding] = findings
        assert "`contentSecurityPolicy` is switched off" in finding.message
