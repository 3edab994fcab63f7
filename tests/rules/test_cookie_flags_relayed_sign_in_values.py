"""cookie-flags: two values of a sign-in flow hold no secret, so no flag is asked for them
(sample 19, audiobookshelf F5): the client's own OAuth `state` (or `nonce`) relayed from this
request's query into a cookie (it is in the URL already, whatever the cookie is called), and a
post-login `callback` URL (a navigation target, as `redirect`/`returnTo` were). Other query
values, a secret-named callback field and a relayed state outside a sign-in stay reported."""

from __future__ import annotations

from conftest import PACKAGE_JSON

from nodeharden import check

SIGN_IN = """\
const express = require('express');
const router = express.Router();
router.get('/login/sso', (req, res) => {
  const back = req.query.redirect_uri || req.query.callback;
  res.cookie('auth_state', req.query.state, { maxAge: 60000, httpOnly: true });
  res.cookie('auth_nonce', req.query['nonce'], { maxAge: 60000, httpOnly: true });
  res.cookie('auth_cb', back, { maxAge: 60000, httpOnly: true });
  res.cookie('auth_ticket', req.query.ticket, { maxAge: 60000, httpOnly: true });
  res.cookie('auth_cb2', req.query.callbackToken, { maxAge: 60000, httpOnly: true });
  res.redirect('/sso/start');
});
module.exports = router;
"""

# no sign-in here: a `state` from the query is just a value the client sent
PLAIN = """\
const express = require('express');
const router = express.Router();
router.get('/wizard', (req, res) => {
  res.cookie('wizard_state', req.query.state, { maxAge: 60000, httpOnly: true });
  res.send('ok');
});
module.exports = router;
"""


def _lines(root, rel: str) -> list[int]:
    report = check(root, select=["cookie-flags"])
    assert not report.failed, report.failed
    return sorted(f.line for f in report.findings if f.path == rel)


def test_relayed_state_and_callback_are_public(project) -> None:
    root = project({"package.json": PACKAGE_JSON, "routes/sso.js": SIGN_IN})
    # state (5), nonce (6) and the callback URL (7) hold nothing secret; a one-time ticket
    # from the query (8) and a field named as a token (9) may be credentials
    assert _lines(root, "routes/sso.js") == [8, 9]


def test_a_state_outside_a_sign_in_is_still_reported(project) -> None:
    root = project({"package.json": PACKAGE_JSON, "routes/wizard.js": PLAIN})
    assert _lines(root, "routes/wizard.js") == [4]
