"""helmet: an app that sets Content-Security-Policy, X-Frame-Options and nosniff itself and
lacks only Strict-Transport-Security and Referrer-Policy gets a note, not an error: the page's
content is protected; HSTS is often the TLS proxy's to send, and browsers' default referrer
policy already trims cross-origin referrers. Missing any of the three keeps the error."""

from __future__ import annotations

from conftest import PACKAGE_JSON

from nodeharden import check

APP = """\
const express = require('express');
const app = express();
app.use((req, res, next) => {
  res.set('Content-Security-Policy', "default-src 'none'");
  res.set('X-Frame-Options', 'DENY');
  res.set('X-Content-Type-Options', 'nosniff');
  next();
});
app.disable('x-powered-by');
app.get('/api/items', (req, res) => res.json([]));
app.listen(3000);
"""


def _finding(project, source: str):
    root = project({"package.json": PACKAGE_JSON, "app.js": source})
    [finding] = check(root, select=["helmet"]).findings
    return finding


def test_only_hsts_and_referrer_policy_missing_is_a_note(project) -> None:
    finding = _finding(project, APP)
    assert finding.severity == "note"
    assert finding.message.endswith("but not Strict-Transport-Security, Referrer-Policy")


def test_a_missing_content_protection_keeps_the_error(project) -> None:
    finding = _finding(project, APP.replace("  res.set('X-Frame-Options', 'DENY');\n", ""))
    assert finding.severity == "error"
    assert "X-Frame-Options" in finding.message.split("but not", 1)[1]
