"""cookie-flags: a flag the rule's own analysis says the app needs missing is not listed as
missing, and no fix writes it, not even with --unsafe: httpOnly on a cookie front-end code
reads, sameSite on a cookie of a cross-site sign-in flow or one also set with sameSite 'none'.
Its reason stays in the message as a note, so the reviewer sees why it is not asked (sample
22, streetmix coil.ts:182, auth0_sign_in_callback.ts:58). The other missing flags are asked as
before."""

from __future__ import annotations

from conftest import PACKAGE_JSON

from nodeharden import check, fix

# The identity provider redirects back to /link/callback; the page reads the token it leaves.
ROUTES = """\
const express = require('express');
const router = express.Router();
router.get('/link/callback', async (req, res) => {
  const grant = await exchange(req.query.code);
  res.cookie('linkToken', grant.value);
  res.redirect('/');
});
router.get('/widget', (req, res) => {
  res.cookie('embedKey', req.user.embedKey, { sameSite: 'none', secure: true, httpOnly: true });
  res.send('ok');
});
router.get('/widget/again', (req, res) => {
  res.cookie('embedKey', req.user.embedKey);
  res.send('ok');
});
module.exports = router;
"""

CLIENT = """\
import Cookies from 'js-cookie';
export const linkToken = (): string | undefined => Cookies.get('linkToken');
"""

LINK_NOTES = (" (`httpOnly` is not asked: front-end code in client/src/link.ts reads this "
              "cookie, which HttpOnly would hide from the page) (`sameSite` is not asked: it "
              "serves a cross-site sign-in flow (OAuth/SSO callback), and SameSite=Lax drops "
              "it on the provider's cross-site POST)")


def _root(project, *, trust_proxy: bool = False):
    app = ("const express = require('express');\nconst app = express();\n"
           + ("app.set('trust proxy', 1);\n" if trust_proxy else "")
           + "app.use(require('./routes'));\nmodule.exports = app;\n")
    return project({"package.json": PACKAGE_JSON, "server/app.js": app,
                    "server/routes.js": ROUTES, "client/src/link.ts": CLIENT},
                   "proxied" if trust_proxy else "app")


def _messages(root) -> dict[int, str]:
    report = check(root, select=["cookie-flags"])
    assert not report.failed, report.failed
    return {f.line: f.message for f in report.findings}


def test_only_the_flag_left_to_act_on_is_listed(project) -> None:
    found = _messages(_root(project))
    assert found[5].startswith("res.cookie('linkToken') sets no `secure`: it travels over plain "
                               "HTTP (`secure` is left to the deployer: ")
    assert found[5].endswith(LINK_NOTES)
    assert found[13] == ("res.cookie('embedKey') sets no `httpOnly`, `secure`: page scripts can "
                         "read it, it travels over plain HTTP (`secure` is left to the deployer: "
                         "the project sets no `trust proxy`, so behind a TLS proxy `req.secure` "
                         "stays false, and NODE_ENV does not say that browsers use HTTPS; "
                         "browsers drop Secure cookies set over plain HTTP) (`sameSite` is not "
                         "asked: it is also set with sameSite 'none' for cross-site use, which "
                         "Lax here would break)")


def test_no_fix_writes_a_flag_the_app_needs_missing(project) -> None:
    root = _root(project)
    safe = fix(root, dry_run=True, select=["cookie-flags"]).plan.final
    assert "res.cookie('linkToken', grant.value);" in safe["server/routes.js"].decode()
    unsafe = fix(root, dry_run=True, select=["cookie-flags"], unsafe=True).plan \
        .final["server/routes.js"].decode()
    assert "res.cookie('linkToken', grant.value, { secure: req.secure });" in unsafe
    assert "res.cookie('embedKey', req.user.embedKey, { httpOnly: true, secure: req.secure });" \
        in unsafe


def test_with_trust_proxy_the_safe_fix_asks_secure_alone(project) -> None:
    root = _root(project, trust_proxy=True)
    assert _messages(root)[5] == "res.cookie('linkToken') sets no `secure`: it travels over " \
                                 "plain HTTP" + LINK_NOTES
    [finding] = [f for f in check(root, select=["cookie-flags"]).findings if f.line == 5]
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert finding.fix.title == "Add secure: req.secure to the cookie options"
