"""error-handler: an error's message sent on a route behind the app's sign-in goes to the
instance's operator where everyone who can sign in runs the instance (zwave-js-ui, a Z-Wave
control panel: a login route of its own, no roles, no sign-up, no outside identity
provider). Its `isAuthenticated` answers `{ success: false }` with status 200, not 401, to a
request without a session. Any sign of users who differ (a role read, an account made on a
route, OAuth sign-in), or a route outside the sign-in, keeps the finding."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

from conftest import each_place

APP = """\
const express = require('express');
const session = require('express-session');
const store = require('./store');

const app = express();
app.use(express.json());
app.use(session({ secret: process.env.SECRET, resave: false, saveUninitialized: false }));

function isAuthenticated(req, res, next) {
  if (req.session.user || !store.authEnabled()) {
    return next();
  }
  res.json({ success: false, message: 'Authentication failed', code: 3 });
}

app.post('/api/authenticate', async (req, res) => {
  const user = await store.check(req.body.username, req.body.password);
  if (!user) return res.json({ success: false, message: 'Wrong password' });
  req.session.user = user;
  res.json({ success: true });
});

app.post('/api/restart', isAuthenticated, async (req, res) => {
  try {
    await store.restart(req.body);
    res.json({ success: true });
  } catch (error) {
    res.json({ success: false, message: error.message });
  }
});

app.get('/api/version', async (req, res) => {
  try {
    res.json({ success: true, version: await store.version() });
  } catch (error) {
    res.json({ success: false, message: error.message });
  }
});
%EXTRA%
app.listen(8091);
"""

STORE = "module.exports = { authEnabled: () => true, check: async () => null, " \
        "restart: async () => {}, version: async () => '1' };\n"


def _lines(project, extra: str = "", deps: dict[str, str] | None = None) -> list[int]:
    package = {"name": "panel", "dependencies": {"express": "^4.21.0",
                                                 "express-session": "^1.18.0", **(deps or {})}}
    root = project({"package.json": json.dumps(package), "store.js": STORE,
                    "app.js": APP.replace("%EXTRA%", extra)})
    return sorted(f.line for f in each_place(check(root, select=["error-handler"]).findings)
                  if "error message" in f.message)


def test_signed_in_routes_of_an_operator_only_app_are_the_operators(project) -> None:
    # /api/restart is behind isAuthenticated: not reported; /api/version is open: reported.
    assert _lines(project) == [36]


@pytest.mark.parametrize("extra, deps", [
    # users who differ in what they may do
    ("app.get('/api/me', isAuthenticated, (req, res) => res.json({ admin: req.session.user"
     ".isAdmin }));\n", None),
    # accounts made on a route
    ("app.post('/api/register', async (req, res) => res.json(await store.check(req.body)));\n",
     None),
    # sign-in through another identity provider
    ("", {"passport": "^0.7.0", "passport-github2": "^0.1.12"}),
])
def test_signs_of_users_who_are_not_the_operator_keep_the_finding(project, extra, deps) -> None:
    lines = _lines(project, extra, deps)
    assert lines == [28, 36], lines


def test_without_a_login_route_of_its_own_the_sign_in_is_someone_elses(project) -> None:
    # Tokens from another service (no login here): its users may be anyone's customers.
    no_login = APP.replace("app.post('/api/authenticate'", "app.post('/api/other'")
    package = {"name": "panel", "dependencies": {"express": "^4.21.0",
                                                 "express-session": "^1.18.0"}}
    root = project({"package.json": json.dumps(package), "store.js": STORE,
                    "app.js": no_login.replace("%EXTRA%", "")})
    lines = sorted(f.line for f in each_place(check(root, select=["error-handler"]).findings)
                   if "error message" in f.message)
    assert lines == [28, 36], lines
