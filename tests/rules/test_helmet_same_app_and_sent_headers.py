"""helmet credits a header only where the app's responses carry it (second review of b4003f7),
checked over real HTTP with real express and helmet:

- ``helmet({ contentSecurityPolicy: false })`` is answered by a CSP middleware only when that
  middleware is used on the same app (directly, from a project module, or called inside a
  function the app uses); a separate docs server's ``docs.use(helmet.contentSecurityPolicy())``
  leaves the main app without a CSP, and the switched-off option is reported;
- a help text whose lines read ``Name: value`` is no header set: with ``res.set(cors)`` in the
  same file the finding says "no security headers", as the responses show; a table declared once
  and handed to ``res.set`` counts for exactly its keys.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, linked_app, npm_install, serve_app, write_tree

from nodeharden._api import check

PACKAGE_JSON = """{
  "name": "helmet-same-app",
  "private": true,
  "dependencies": {"express": "^5.1.0", "helmet": "^8.1.0"}
}
"""

MAIN = """\
const express = require('express');
const helmet = require('helmet');
%(imports)s
const app = express();
app.use(helmet({ contentSecurityPolicy: false }));
%(use)s
app.get('/', (req, res) => res.send('<h1>hi</h1>'));

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

DOCS_SERVER = """\
const express = require('express');
const helmet = require('helmet');
const docs = express();
docs.use(helmet.contentSecurityPolicy({ directives: { defaultSrc: ["'self'"] } }));
docs.get('/', (req, res) => res.send('docs'));
const server = docs.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

CSP_MODULE = """\
const helmet = require('helmet');

exports.csp = (reportUri) => helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: { defaultSrc: ["'self'"], reportUri: [reportUri] },
});
"""

SHAPES = {
    # the reviewer's hm-csp: the CSP middleware is a separate docs server's
    "other-app": ({"imports": "", "use": ""}, {"docs-server.js": DOCS_SERVER}, False),
    # the same app uses helmet's CSP middleware itself
    "same-app": ({"imports": "", "use": "app.use(helmet.contentSecurityPolicy());"}, {}, True),
    # web-template: a function the app uses calls the project module's CSP middleware
    "same-app-wrapped": ({"imports": "const { csp } = require('./csp');",
                          "use": "app.use((req, res, next) => csp('/csp-report')(req, res, next));"},
                         {"csp.js": CSP_MODULE}, True),
    # the module is imported, but its middleware goes on another app of the file
    "module-on-other-app": ({"imports": "const { csp } = require('./csp');\n"
                                        "const admin = express();\n"
                                        "admin.use(csp('/csp-report'));",
                             "use": ""}, {"csp.js": CSP_MODULE}, False),
}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("helmet-same-app")
    write_tree(base, {"package.json": PACKAGE_JSON})
    npm_install(base)
    return base


def _headers(base: str, path: str = "/") -> dict[str, str]:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return {k.lower(): v for k, v in response.headers.items()}


def _helmet_findings(root: Path) -> list:
    report = check(root, select=["helmet"], cache=False)
    assert not report.failed, report.failed
    return [f for f in report.findings if f.rule == "helmet"]


@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_csp_off_is_answered_only_by_the_same_apps_middleware(installed: Path, tmp_path: Path,
                                                              shape: str) -> None:
    parts, files, has_csp = SHAPES[shape]
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": MAIN % parts,
                                         **files}, installed)
    with serve_app(root) as base:
        headers = _headers(base)
    assert ("content-security-policy" in headers) is has_csp
    if shape == "other-app":
        with serve_app(root, "docs-server.js") as base:
            assert "content-security-policy" in _headers(base)  # only the docs server has it

    findings = [f for f in _helmet_findings(root) if f.path == "app.js"]
    if has_csp:
        assert findings == []
    else:
        [finding] = findings
        assert finding.snippet.strip() == "app.use(helmet({ contentSecurityPolicy: false }));"
        assert "`contentSecurityPolicy` is switched off" in finding.message


TEXT_APP = """\
const express = require('express');
const app = express();
const cors = { 'Access-Control-Allow-Origin': '*' };
%(table)s
// a help text shown when the operator asks for framing; it sets nothing
const FRAMING_HELP = 'X-Frame-Options: set it on your reverse proxy\\nContent-Security-Policy: see docs/csp.md';
app.get('/help/framing', (req, res) => res.type('text').send(FRAMING_HELP));
app.get('/api', (req, res) => { res.set(cors); %(set)s res.json({ ok: true }); });

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""


@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
@pytest.mark.parametrize("table", [False, True], ids=["help-text-only", "declared-table"])
def test_only_headers_set_on_a_response_count(installed: Path, tmp_path: Path,
                                              table: bool) -> None:
    source = TEXT_APP % {
        "table": "const security = { 'X-Content-Type-Options': 'nosniff' };" if table else "",
        "set": "res.set(security);" if table else ""}
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": source},
                      installed)
    with serve_app(root) as base:
        sent = {**_headers(base, "/help/framing"), **_headers(base, "/api")}
    assert "x-frame-options" not in sent and "content-security-policy" not in sent
    assert ("x-content-type-options" in sent) is table

    [finding] = _helmet_findings(root)
    if table:
        assert "the app sets X-Content-Type-Options itself but not " in finding.message
        assert "X-Frame-Options" in finding.message.partition(" but not ")[2]
        assert "Content-Security-Policy" in finding.message.partition(" but not ")[2]
    else:
        assert finding.message == ("Express app without helmet(): no security headers and "
                                   "X-Powered-By is sent")
