"""session-cookie on an express-session release older than 1.14.1, which drops cookie.sameSite:
the fix writes `secure: 'auto'` only and says why, and the real releases behave as the rule
assumes (1.12.1 sends no SameSite for `sameSite: 'lax'`, 1.14.1 does; `key` names the cookie)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from nodeharden import check, fix

from conftest import have_node, npm_install, serve_app, write_tree

pytestmark = pytest.mark.skipif(not have_node(), reason="needs node and npm")

APP = """
const express = require('express');
const session = require('express-session');

const app = express();
app.set('trust proxy', 1);

app.use(session({
  secret: 'test-secret',
  resave: false,
  saveUninitialized: true,
}));

app.get('/', (req, res) => res.send('ok'));

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

PROBE = """
const express = require('express');
const session = require('express-session');
const app = express();
app.use(session({ key: 'probe.sid', secret: 's', resave: false, saveUninitialized: true,
                  cookie: { sameSite: 'lax' } }));
app.get('/', (req, res) => res.send('ok'));
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""


def _set_cookie(url: str) -> str:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return str(response.headers.get("Set-Cookie") or "")


def _project(root: Path, version: str) -> Path:
    pkg = {"name": "old-session", "private": True,
           "dependencies": {"express": "4.16.0", "express-session": version}}
    return write_tree(root, {"package.json": json.dumps(pkg, indent=2) + "\n", "app.js": APP})


@pytest.mark.parametrize(("version", "sends"), [("1.12.1", False), ("1.14.0", False),
                                                 ("1.14.1", True)])
def test_same_site_reaches_set_cookie_from_1_14_1(tmp_path: Path, version: str,
                                                   sends: bool) -> None:
    root = write_tree(tmp_path / "probe", {
        "package.json": json.dumps({"name": "probe", "private": True, "dependencies": {
            "express": "4.16.0", "express-session": version}}) + "\n",
        "app.js": PROBE})
    npm_install(root)
    with serve_app(root) as url:
        cookie = _set_cookie(url)
    assert cookie.startswith("probe.sid=")  # `key` is the cookie's name
    assert ("SameSite=Lax" in cookie) is sends


def test_fix_on_pinned_1_12_1_sets_secure_only(tmp_path: Path) -> None:
    root = _project(tmp_path / "app", "1.12.1")
    report = check(root, select=["session-cookie"])
    flags = [f for f in report.findings if "sets no" in f.message]
    assert len(flags) == 1
    assert flags[0].message.startswith("express-session cookie sets no `secure`: ")
    assert "express-session 1.12.1 drops it" in flags[0].message
    assert flags[0].fix is not None and flags[0].fix.applicability == "safe"
    assert "not `sameSite`" in flags[0].fix.title
    fix(root, select=["session-cookie"])
    text = (root / "app.js").read_text()
    assert "cookie: { secure: 'auto' }" in text and "sameSite" not in text
    npm_install(root)
    with serve_app(root) as url:
        cookie = _set_cookie(url)
    assert "Secure" in cookie and "SameSite" not in cookie


def test_lockfile_decides_over_a_caret_range(tmp_path: Path) -> None:
    root = _project(tmp_path / "app", "^1.12.1")
    report = check(root, select=["session-cookie"])
    assert any("`sameSite`" in f.message and f.fix is not None and "sameSite" in f.fix.title
               for f in report.findings)  # a fresh install gets the newest 1.x
    (root / "package-lock.json").write_text(json.dumps({
        "name": "old-session", "lockfileVersion": 3, "packages": {
            "": {"dependencies": {"express-session": "^1.12.1"}},
            "node_modules/express-session": {"version": "1.13.0"}}}))
    report = check(root, select=["session-cookie"])
    flags = [f for f in report.findings if "sets no" in f.message]
    assert [f.message.split(":")[0] for f in flags] == ["express-session cookie sets no `secure`"]
    assert "express-session 1.13.0 drops it" in flags[0].message


@pytest.mark.parametrize(("declared", "below"), [
    ("1.12.1", True), ("~1.13.0", True), ("<1.14.1", True), ("<=1.14.0", True),
    ("<=1.14.1", False), ("^1.12.1", False), ("1.14.1", False), (">=1.0.0", False),
])
def test_which_declared_ranges_hold_a_release_that_drops_same_site(declared: str,
                                                                   below: bool) -> None:
    from nodeharden.rules.session_cookie import SAME_SITE_SINCE, _range_below

    assert _range_below(declared, SAME_SITE_SINCE) is below


def test_a_lockfile_of_an_unexpected_shape_is_no_lockfile(tmp_path) -> None:
    from conftest import write_tree
    from nodeharden import check

    root = write_tree(tmp_path / "p", {
        "package.json": '{"name": "a", "dependencies": {"express": "^4.21.0",'
                        ' "express-session": "^1.18.0"}}',
        "package-lock.json": '{"packages": [{"name": "a"}], "dependencies": "x"}',
        "app.js": "const express = require('express');\nconst session = require('express-session');\n"
                  "const app = express();\napp.use(session({ secret: process.env.S, resave: false,"
                  " saveUninitialized: false }));\nmodule.exports = app;\n"})
    report = check(root, select=["session-cookie"])
    assert not report.failed, report.failed
    assert any("sameSite" in f.message for f in report.findings)


def test_a_cross_site_sign_in_keeps_the_same_site_finding_without_a_fix(tmp_path) -> None:
    from conftest import write_tree
    from nodeharden import check

    root = write_tree(tmp_path / "p", {
        "package.json": '{"name": "a", "dependencies": {"express": "^4.21.0",'
                        ' "express-session": "^1.18.0", "passport-saml": "^3.2.4"}}',
        "app.js": "const express = require('express');\nconst session = require('express-session');\n"
                  "const { Strategy } = require('passport-saml');\nconst app = express();\n"
                  "app.set('trust proxy', 1);\napp.use(session({ name: 'sid', secret: process.env.S,"
                  " resave: false, saveUninitialized: false,\n  cookie: { secure: 'auto' } }));\n"
                  "module.exports = { app, Strategy };\n"})
    [finding] = check(root, select=["session-cookie"]).findings
    assert finding.fix is None
    assert "sets no `sameSite`" in finding.message and "passport-saml" in finding.message

