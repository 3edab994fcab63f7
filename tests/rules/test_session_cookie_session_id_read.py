"""session-cookie: `saveUninitialized: true` is load-bearing where server code reads the
session's id (`req.sessionID`, `req.session.id`): with `false` a visitor's empty session is not
kept, its id changes on every request, and what is bound to it breaks (Ride The Lightning's
CSRF tokens bound to the session id: every login failed with 403). Not reported there."""

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
    ("app.get('/token', (req, res) => res.json({ t: sign(req.session.id) }));\n", False),
    ("app.use((req, res, next) => { bind(req.sessionID); next(); });\n", False),
])
def test_a_read_session_id_keeps_save_uninitialized(project, read: str, reported: bool) -> None:
    files = {"package.json": json.dumps({"name": "a", "dependencies": {
                 "express": "^4.21.0", "express-session": "^1.18.0"}}),
             "app.js": APP.replace("%READ%", read)}
    found = [f for f in check(project(files), select=["session-cookie"]).findings
             if "saveUninitialized" in f.message]
    assert bool(found) is reported, [f.message for f in found]
