"""session-cookie: `saveUninitialized: true` is load-bearing where the project binds its CSRF
tokens to the session's id (csrf-csrf's `getSessionIdentifier: (req) => req.session.id`): with
`false` a visitor's empty session is not kept, its id changes on every request, and no token
minted before the login matches (Ride The Lightning: every login failed with 403). Not
reported there. A read of the id for a log line binds nothing: still reported."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

APP = """\
const express = require('express');
const session = require('express-session');

const app = express();
app.use(session({ name: 'sid', secret: process.env.SECRET, resave: false,
  saveUninitialized: true, cookie: { sameSite: 'lax', secure: true, httpOnly: true } }));
%READ%
app.get('/', (req, res) => res.send('ok'));
app.listen(3000);
"""


@pytest.mark.parametrize("read, reported", [
    ("", True),
    ("const { doubleCsrf } = require('csrf-csrf');\n"
     "const csrf = doubleCsrf({ getSecret: () => process.env.SECRET,\n"
     "  getSessionIdentifier: (req) => (req.session ? req.session.id : '') });\n"
     "app.use(csrf.doubleCsrfProtection);\n", False),
    ("const csrf = doubleCsrf({ getSessionIdentifier: (req) => req.sessionID });\n", False),
    ("morgan.token('id', (req) => req.session.id);\n", True),
    ("app.use((req, res, next) => { debug('session %s', req.sessionID); next(); });\n", True),
])
def test_a_read_session_id_keeps_save_uninitialized(project, read: str, reported: bool) -> None:
    files = {"package.json": json.dumps({"name": "a", "dependencies": {
                 "express": "^4.21.0", "express-session": "^1.18.0"}}),
             "app.js": APP.replace("%READ%", read)}
    found = [f for f in check(project(files), select=["session-cookie"]).findings
             if "saveUninitialized" in f.message]
    assert bool(found) is reported, [f.message for f in found]
