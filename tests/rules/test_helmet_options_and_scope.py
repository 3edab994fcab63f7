"""What a switched-off helmet option, a helmet serving only an API path and an app's own table of
headers really change, over real HTTP with real express and helmet:

- `xXssProtection`, `xDnsPrefetchControl`, `originAgentCluster` and `xDownloadOptions` off
  leave every protection the rule counts in the response (helmet's X-XSS-Protection was `0`, the filter off): not
  reported; `hsts: false` removes HSTS: reported;
- a helmet that a middleware routes only `/api/` requests to answers JSON there and never
  reaches a page: its document-only options off are not reported;
- an app that sends its framing policy from a table of headers is told exactly the headers its
  response lacks, and the fix adds them without touching its CSP allowlist or X-Frame-Options.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from conftest import linked_app, npm_install, serve_app, write_tree
from nodeharden._api import check, fix

PACKAGE_JSON = """{
  "name": "helmet-scope",
  "private": true,
  "dependencies": {"express": "^4.21.0", "helmet": "^8.1.0"}
}
"""

LISTEN = """
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

OPTIONS_APP = """\
const express = require('express');
const helmet = require('helmet');

const app = express();
app.use(helmet(%s));
app.get('/', (req, res) => res.send('<!doctype html><p>home</p>'));
""" + LISTEN

ROUTED_APP = """\
const express = require('express');
const helmet = require('helmet');

const app = express();
const pageHelmet = helmet();
const apiHelmet = helmet({
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xXssProtection: false,
});
app.use((req, res, next) => {
  if (req.path.startsWith('/api/')) {
    apiHelmet(req, res, next);
  } else {
    pageHelmet(req, res, next);
  }
});
app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.get('/', (req, res) => res.send('<!doctype html><p>home</p>'));
app.get('/apiary', (req, res) => res.send('<!doctype html><p>bees</p>'));
""" + LISTEN

TABLE_APP = """\
const express = require('express');
const { framingHeaders } = require('./framing');

const app = express();
app.disable('x-powered-by');
const headers = framingHeaders(process.env.EMBED_ORIGINS);
app.use((req, res, next) => {
  for (const [name, value] of Object.entries(headers)) {
    res.setHeader(name, value);
  }
  next();
});
app.get('/', (req, res) => res.json({ ok: true }));
""" + LISTEN

FRAMING_MODULE = """\
function framingHeaders(origins) {
  if (!origins) {
    return { 'Content-Security-Policy': "frame-ancestors 'self'", 'X-Frame-Options': 'SAMEORIGIN' };
  }
  return { 'Content-Security-Policy': `frame-ancestors ${origins.split(',').join(' ')}` };
}
module.exports = { framingHeaders };
"""

#: The protections the rule names, and the response header that proves each one.
CORE = ["Content-Security-Policy", "X-Frame-Options", "Strict-Transport-Security",
        "X-Content-Type-Options", "Referrer-Policy"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("helmet-scope")
    write_tree(base, {"package.json": PACKAGE_JSON})
    npm_install(base)
    return base


def _get(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        return {k.lower(): v for k, v in response.headers.items()}


def _findings(root: Path) -> list:
    report = check(root, select=["helmet"])
    assert not report.failed, report.failed
    return [f for f in report.findings if f.rule == "helmet"]


def _frame_protected(headers: dict[str, str]) -> bool:
    return "x-frame-options" in headers or \
        "frame-ancestors" in headers.get("content-security-policy", "")


def _core_present(headers: dict[str, str]) -> dict[str, bool]:
    return {h: _frame_protected(headers) if h == "X-Frame-Options" else h.lower() in headers
            for h in CORE}


@pytest.mark.parametrize("options, lost", [
    ("{ xXssProtection: false, xDnsPrefetchControl: false, originAgentCluster: false }", []),
    # X-Download-Options: noopen, read by Internet Explorer 8 alone
    ("{ xDownloadOptions: false }", []),
    ("{ hsts: false }", ["Strict-Transport-Security"]),
], ids=["hints-off", "ie8-download-options-off", "hsts-off"])
def test_an_option_off_is_reported_when_a_protection_leaves_the_response(
        installed: Path, tmp_path: Path, options: str, lost: list[str]) -> None:
    default = linked_app(tmp_path / "default", {"package.json": PACKAGE_JSON,
                                                "app.js": OPTIONS_APP % ""}, installed)
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON,
                                         "app.js": OPTIONS_APP % options}, installed)
    with serve_app(default) as base:
        before = _get(base + "/")
    with serve_app(root) as base:
        after = _get(base + "/")

    # helmet's own X-XSS-Protection is `0`: the filter off, as when the header is left out.
    assert before["x-xss-protection"] == "0"
    gone = [h for h, present in _core_present(before).items()
            if present and not _core_present(after)[h]]
    assert gone == lost
    findings = _findings(root)
    assert len(findings) == len(lost)
    for finding, header in zip(findings, lost, strict=True):
        assert "`hsts`" in finding.message and header == "Strict-Transport-Security"


def test_a_helmet_routed_only_api_requests_answers_only_json(installed: Path,
                                                              tmp_path: Path) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": ROUTED_APP},
                      installed)
    with serve_app(root) as base:
        with urllib.request.urlopen(base + "/api/items", timeout=10) as response:
            api_type = response.headers["content-type"]
            api = {k.lower(): v for k, v in response.headers.items()}
        page = _get(base + "/")
        apiary = _get(base + "/apiary")

    # The API helmet answers JSON, where COOP and the hints act on nothing; the pages (even
    # /apiary, which only starts like the prefix) get the full helmet.
    assert api_type.startswith("application/json")
    assert "cross-origin-opener-policy" not in api and "origin-agent-cluster" not in api
    for headers in (page, apiary):
        assert headers["cross-origin-opener-policy"] == "same-origin"
    assert all(_core_present(api).values())  # what protects JSON is still there
    assert _findings(root) == []


def test_flipping_the_route_test_makes_the_api_helmet_serve_pages(installed: Path,
                                                                 tmp_path: Path) -> None:
    # The same helmet, routed every request but /api/: it now answers pages, and its COOP off
    # is reported (the hints stay unreported anywhere).
    source = ROUTED_APP.replace("if (req.path.startsWith('/api/'))",
                                "if (!req.path.startsWith('/api/'))")
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": source},
                      installed)
    with serve_app(root) as base:
        page = _get(base + "/")
    assert "cross-origin-opener-policy" not in page
    [finding] = _findings(root)
    assert "`crossOriginOpenerPolicy`" in finding.message


@pytest.mark.parametrize("origins", ["", "https://a.example,https://b.example"],
                         ids=["self", "allowlist"])
def test_fix_keeps_the_framing_policy_the_app_sends_from_a_table(
        installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, origins: str) -> None:
    if origins:
        monkeypatch.setenv("EMBED_ORIGINS", origins)
    else:
        monkeypatch.delenv("EMBED_ORIGINS", raising=False)
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": TABLE_APP,
                                         "framing.js": FRAMING_MODULE}, installed)
    with serve_app(root) as base:
        before = _get(base + "/")

    [finding] = _findings(root)
    assert "no security headers" not in finding.message
    match = re.search(r" but not ([^;]+)", finding.message)
    assert match, finding.message
    assert sorted(match.group(1).split(", ")) == sorted(
        h for h, present in _core_present(before).items() if not present)
    assert "X-Powered-By" not in finding.message and "x-powered-by" not in before

    fix(root, select=["helmet"], force=True)
    with serve_app(root) as base:
        after = _get(base + "/")
    # The app's framing choice stands: its CSP, and X-Frame-Options only where it sends one
    # (helmet's SAMEORIGIN would stop the allowlisted sites framing the app).
    assert after["content-security-policy"] == before["content-security-policy"]
    assert after.get("x-frame-options") == before.get("x-frame-options")
    assert all(_core_present(after).values())
    assert _findings(root) == []


@pytest.mark.parametrize("own_table, named", [
    (False, ["Content-Security-Policy", "Cross-Origin-Resource-Policy", "X-Frame-Options"]),
    (True, ["Cross-Origin-Resource-Policy"]),
], ids=["no-own-headers", "own-framing"])
def test_unsafe_title_names_what_helmet_still_changes_for_pages(
        tmp_path: Path, own_table: bool, named: list[str]) -> None:
    source = TABLE_APP.replace("app.get('/',", "app.use(express.static('public'));\napp.get('/',")
    if not own_table:
        source = source.replace("const headers = framingHeaders(process.env.EMBED_ORIGINS);",
                                "const headers = { 'Cache-Control': 'no-store' };").replace(
            "const { framingHeaders } = require('./framing');\n", "")
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": source,
                                         **({"framing.js": FRAMING_MODULE} if own_table else {})})
    [finding] = _findings(root)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    said = [h for h in ("Content-Security-Policy", "Cross-Origin-Resource-Policy",
                        "X-Frame-Options") if f"{h}" in finding.fix.title.partition("(unsafe")[2]]
    assert said == named, finding.fix.title
