"""cookie-flags: a cookie whose only missing flags are ones the app needs missing is not
reported. HttpOnly on a cookie the page's own script reads would hide it from the page; Lax on
a cookie of a cross-site sign-in flow would drop it from the provider's POST. A finding that
asks only for what would break the app has nothing left to act on. When another flag is
missing too, the finding stays and asks for that flag alone: the flag the app needs missing is
neither listed nor written by any fix, and its reason stays as a note (sample 22, streetmix)."""

from __future__ import annotations

from conftest import PACKAGE_JSON

from nodeharden import check, fix

SERVER = """\
const express = require('express');
const app = express();
app.get('/overlay/token', (req, res) => {
  res.cookie('overlayKey', req.user.overlayKey, { secure: req.secure, sameSite: 'strict' });
  res.send('ok');
});
app.get('/overlay/pass', (req, res) => {
  res.cookie('overlayPass', req.user.passKey, { sameSite: 'strict' });
  res.send('ok');
});
app.get('/session', (req, res) => {
  res.cookie('sessionKey', req.user.key, { secure: req.secure, sameSite: 'strict' });
  res.send('ok');
});
module.exports = app;
"""

OVERLAY = """\
import Cookies from 'js-cookie';
export const key = Cookies.get('overlayKey');
export const pass = Cookies.get('overlayPass');
"""


def _found(project) -> dict[int, str]:
    root = project({"package.json": PACKAGE_JSON, "src/server.js": SERVER,
                    "src/client/overlay.js": OVERLAY})
    report = check(root, select=["cookie-flags"])
    assert not report.failed, report.failed
    return {f.line: f.message for f in report.findings}


def test_only_httponly_missing_and_the_page_reads_it_is_not_reported(project) -> None:
    assert 4 not in _found(project)


def test_another_missing_flag_keeps_the_finding(project) -> None:
    found = _found(project)
    # only `secure` is asked; httpOnly, which the page needs off, is a note, not a missing flag
    assert found[8].startswith("res.cookie('overlayPass') sets no `secure`: it travels over "
                               "plain HTTP (`secure` is left to the deployer: ")
    assert found[8].endswith(" (`httpOnly` is not asked: front-end code in "
                             "src/client/overlay.js reads this cookie, which HttpOnly would hide "
                             "from the page)")


def test_no_fix_writes_the_flag_the_page_needs_off(project) -> None:
    root = project({"package.json": PACKAGE_JSON, "src/server.js": SERVER,
                    "src/client/overlay.js": OVERLAY})
    text = fix(root, dry_run=True, select=["cookie-flags"], unsafe=True).plan \
        .final["src/server.js"].decode()
    assert "res.cookie('overlayPass', req.user.passKey, { sameSite: 'strict', secure: " \
           "req.secure });" in text


def test_a_cookie_no_page_reads_is_asked_for_httponly(project) -> None:
    assert _found(project)[12] == "res.cookie('sessionKey') sets no `httpOnly`: page scripts " \
                                  "can read it"


def test_a_page_reading_the_cookie_through_a_constant_counts(project) -> None:
    # js-cookie called with the name held in a constant of the same file, as front ends keep
    # their cookie names (`const SIGN_IN_TOKEN_COOKIE = 'login_token'`).
    client = ("import Cookies from 'js-cookie';\n"
              "export const SIGN_IN_TOKEN_COOKIE: string = 'overlayKey';\n"
              "export const token = () => Cookies.get(SIGN_IN_TOKEN_COOKIE);\n")
    root = project({"package.json": PACKAGE_JSON, "src/server.js": SERVER,
                    "src/client/session.ts": client})
    found = {f.line: f.message for f in check(root, select=["cookie-flags"]).findings}
    assert 4 not in found  # overlayKey lacks only HttpOnly, which the page needs off
    assert found[12] == "res.cookie('sessionKey') sets no `httpOnly`: page scripts can read it"


SIGN_IN = """\
const express = require('express');
const passport = require('passport');
const app = express();
app.get('/login-with/:method', (req, res, next) => {
  if (req.query.dest) res.cookie('dest', req.query.dest, { httpOnly: true, secure: req.secure });
  passport.authenticate(%s, { failureRedirect: '/login' })(req, res, next);
});
module.exports = app;
"""


def test_a_cookie_a_passport_sign_in_carries_gets_no_lax(project) -> None:
    # The strategy is a plugin's, named by the request (SAML among them, sample 26: saltcorn),
    # or a SAML one: the provider may answer with a cross-site POST, which Lax would strip of
    # the cookie. Only sameSite is missing: nothing is left to report.
    for strategy in ("req.params.method", "'saml'"):
        root = project({"package.json": PACKAGE_JSON, "src/server.js": SIGN_IN % strategy},
                       name=f"app-{len(strategy)}")
        assert check(root, select=["cookie-flags"]).findings == [], strategy


def test_a_local_sign_in_still_gets_lax(project) -> None:
    root = project({"package.json": PACKAGE_JSON, "src/server.js": SIGN_IN % "'local'"})
    [finding] = check(root, select=["cookie-flags"]).findings
    assert finding.message.startswith("res.cookie('dest') sets no `sameSite`")
