"""helmet: an app that sets Content-Security-Policy, X-Frame-Options and nosniff itself and
lacks only Strict-Transport-Security and Referrer-Policy is not reported: the page's content is
protected; HSTS is the TLS edge's to send (browsers ignore it on plain HTTP), and browsers'
default referrer policy already trims cross-origin referrers. Missing any of the three keeps the
error, which then names HSTS and Referrer-Policy among what is missing."""

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


def _findings(project, source: str):
    root = project({"package.json": PACKAGE_JSON, "app.js": source})
    return check(root, select=["helmet"]).findings


def test_only_hsts_and_referrer_policy_missing_is_not_reported(project) -> None:
    assert _findings(project, APP) == []


def test_only_hsts_and_referrer_policy_missing_with_x_powered_by_is_not_reported(project) -> None:
    # As with all five headers set, X-Powered-By alone is no reason for helmet().
    assert _findings(project, APP.replace("app.disable('x-powered-by');\n", "")) == []


def test_a_missing_content_protection_keeps_the_error(project) -> None:
    [finding] = _findings(project, APP.replace("  res.set('X-Frame-Options', 'DENY');\n", ""))
    assert finding.severity == "error"
    assert finding.message.endswith(
        "but not X-Frame-Options, Strict-Transport-Security, Referrer-Policy")
