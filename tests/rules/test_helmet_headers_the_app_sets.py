"""helmet credits the headers an app already sends, over real HTTP with real express and helmet:

- an app that writes its own Content-Security-Policy, Referrer-Policy and nosniff is told only
  what its responses really lack, and the fix adds exactly that without replacing its policy;
- an app that uses only some of helmet's single middlewares is told which headers its responses
  really lack (no fix), and helmet's own CSP defaults (frame-ancestors) count as frame protection.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from conftest import linked_app, npm_install, serve_app, write_tree
from nodeharden._api import check, fix

PACKAGE_JSON = """{
  "name": "helmet-own-headers",
  "private": true,
  "dependencies": {"express": "^5.1.0", "helmet": "^8.1.0"}
}
"""

OWN_HEADERS_APP = """\
const express = require('express');
const ownHeaders = require('./own-headers');

const app = express();
app.disable('x-powered-by');
app.use(ownHeaders);
app.get('/', (req, res) => res.json({ ok: true }));

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

OWN_HEADERS_MODULE = """\
module.exports = (req, res, next) => {
  res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'");
  res.set({ 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' });
  next();
};
"""

SOME_MIDDLEWARES_APP = """\
const express = require('express');
const helmet = require('helmet');

const app = express();
app.use(helmet.hsts({ maxAge: 31536000 }));
app.use(helmet.referrerPolicy({ policy: 'same-origin' }));
app.use(helmet.contentSecurityPolicy(%s));
app.get('/', (req, res) => res.json({ ok: true }));

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

#: The protections the rule names, and the response header that proves each one.
CORE = ["Content-Security-Policy", "X-Frame-Options", "Strict-Transport-Security",
        "X-Content-Type-Options", "Referrer-Policy"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("helmet-own")
    write_tree(base, {"package.json": PACKAGE_JSON})
    npm_install(base)
    return base


def _headers(base: str) -> tuple[dict[str, str], str]:
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read().decode()


def _frame_protected(headers: dict[str, str]) -> bool:
    return "x-frame-options" in headers or \
        "frame-ancestors" in headers.get("content-security-policy", "")


def _missing(message: str) -> list[str]:
    """Return the headers a finding's message says are not set."""
    match = re.search(r" but not ([^;]+)", message)
    assert match, message
    return match.group(1).split(", ")


def _helmet_findings(root: Path) -> list:
    report = check(root, select=["helmet"])
    assert not report.failed, report.failed
    return [f for f in report.findings if f.rule == "helmet"]


def test_fix_adds_only_what_the_apps_own_headers_lack(installed: Path, tmp_path: Path) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": OWN_HEADERS_APP,
                                         "own-headers.js": OWN_HEADERS_MODULE}, installed)
    with serve_app(root) as base:
        before, body_before = _headers(base)

    [finding] = _helmet_findings(root)
    missing = _missing(finding.message)
    # The message names exactly the protections the real response lacks.
    assert sorted(missing) == sorted(
        h for h in CORE if (not _frame_protected(before) if h == "X-Frame-Options"
                            else h.lower() not in before))
    assert "X-Powered-By" not in finding.message and "x-powered-by" not in before
    assert finding.fix is not None and finding.fix.applicability == "safe"

    fix(root, select=["helmet"], force=True)
    with serve_app(root) as base:
        after, body = _headers(base)
    assert body == body_before
    for name in ("content-security-policy", "referrer-policy", "x-content-type-options"):
        assert after[name] == before[name], name  # the app's own policy, never helmet's
    for name in missing:
        assert name.lower() in after, name
    assert "x-powered-by" not in after
    # Switching helmet's versions of the app's headers off is no weakness: nothing left.
    assert _helmet_findings(root) == []


@pytest.mark.parametrize("csp_options, frame_reported", [
    ("{ useDefaults: false, directives: { defaultSrc: [\"'self'\"] } }", True),
    ("{ directives: { defaultSrc: [\"'self'\"] } }", False),  # helmet's defaults: frame-ancestors
], ids=["no-defaults", "defaults"])
def test_some_helmet_middlewares_report_what_the_response_lacks(
        installed: Path, tmp_path: Path, csp_options: str, frame_reported: bool) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON,
                                         "app.js": SOME_MIDDLEWARES_APP % csp_options},
                      installed)
    with serve_app(root) as base:
        headers, _ = _headers(base)

    [finding] = _helmet_findings(root)
    missing = _missing(finding.message)
    assert sorted(missing) == sorted(
        h for h in CORE if (not _frame_protected(headers) if h == "X-Frame-Options"
                            else h.lower() not in headers))
    assert ("X-Frame-Options" in missing) is frame_reported
    assert "x-powered-by" in headers and "X-Powered-By is sent" in finding.message
    assert finding.fix is None  # helmet() would set the three headers again, differently
