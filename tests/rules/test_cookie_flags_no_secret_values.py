"""cookie-flags: a cookie is "no secret" only when its value shows it, whatever its name."""

from __future__ import annotations

import pytest
from _complexity import growth
from conftest import PACKAGE_JSON, found

HEAD = "const express = require('express');\nconst app = express();\n"


def _reported(project, body: str) -> bool:
    root = project({"package.json": PACKAGE_JSON,
                    "app.js": HEAD + body + "\nmodule.exports = app;\n"})
    return bool(found(root, ["cookie-flags"]))


@pytest.mark.parametrize("body", [
    # a variable bound to a preference field, with a literal fallback
    ("app.post('/p', (req, res) => { const lang = req.query.lang || 'en'; "
    "res.cookie('lang', lang); res.end(); });"),
    # a parameter named for what it holds
    "function setTheme(res, theme) { res.cookie('theme', theme); }",
    # a string constant of the file, and a URL built from literals and a target field
    ("const DARK = 'dark';\napp.get('/', (req, res) => { res.cookie('theme', DARK); "
    "res.cookie('returnTo', '/app?next=' + encodeURIComponent(req.query.returnTo)); });"),
    # a JSON of preferences
    ("app.post('/p', (req, res) => { res.cookie('prefs', JSON.stringify({ theme: req.body.theme, "
    "lang: req.body.lang })); res.end(); });"),
    # the server address a terminal page connects to
    ("app.post('/ssh', (req, res) => { const target = req.body; res.cookie('basic', "
    "JSON.stringify({ host: target.host, port: target.port }), { sameSite: 'strict' }); "
    "res.end(); });"),
    # a cookie read under a key its constant names for a preference (pigallery2's locale)
    ("const Names = { lang: 'site-lang' };\napp.use((req, res, next) => { "
    "let selectedLocale = req.locale; if (req.cookies[Names.lang]) "
    "{ selectedLocale = req.cookies[Names.lang]; } res.cookie(Names.lang, selectedLocale); "
    "next(); });"),
    ("app.get('/', (req, res) => { const theme = 'theme'; "
    "res.cookie('t', req.signedCookies[theme]); res.end(); });"),
])
def test_values_shown_to_hold_no_secret_are_quiet(project, body: str) -> None:
    assert not _reported(project, body)


@pytest.mark.parametrize("body", [
    # a preference variable reassigned with a token elsewhere in the file
    ("let lang = 'en';\nfunction login(user) { lang = user.token; }\n"
    "app.post('/p', (req, res) => { res.cookie('lang', lang); res.end(); });"),
    # a preference-named cookie whose value comes from an import: unknown
    ("const { current } = require('./prefs');\n"
    "app.get('/', (req, res) => { res.cookie('theme', current); res.end(); });"),
    # a call the rule does not know may return anything
    "app.get('/', (req, res) => { res.cookie('locale', pickLocale(req)); res.end(); });",
    # a preference-named field that names a key
    "app.get('/', (req, res) => { res.cookie('lang', req.user.langKey); res.end(); });",
    # a value read under a key named for anything else, or computed
    ("const Names = { lang: 'site-lang', sid: 'sid' };\napp.get('/', (req, res) => { "
    "res.cookie(Names.lang, req.cookies[Names.sid]); res.end(); });"),
    "app.get('/', (req, res) => { res.cookie('lang', req.cookies[req.query.lang]); res.end(); });",
    ("app.get('/', (req, res) => { res.cookie('lang', req.cookies[Names.langToken]); "
    "res.end(); });"),
    # a server address beside the password that reaches it
    ("app.post('/ssh', (req, res) => { const t = req.body; res.cookie('basic', "
    "JSON.stringify({ host: t.host, port: t.port, password: t.password })); res.end(); });"),
    ("app.post('/db', (req, res) => { res.cookie('db', req.body.hostPassword); res.end(); });"),
    # a target path that carries the session id
    ("app.get('/', (req, res) => { res.cookie('redirectTo', `${req.path}?sid=${req.sessionID}`); "
    "res.end(); });"),
])
def test_values_that_may_hold_a_secret_are_reported_whatever_the_name(project,
                                                                       body: str) -> None:
    assert _reported(project, body)


def test_following_values_stays_linear(project) -> None:
    # Handlers (one in ten sets a user-id cookie), each cookie value followed through variables
    # and a local function: the file's bindings are read once (the rule used to walk the whole
    # file for each name it read: 1,000 such handlers hit the 30 s file limit). Counted steps,
    # not time: 4 times the handlers cost about 4 times the work.
    def make(count: int):
        handlers = "".join(
            f"app.get('/oauth/cb{i}', (req, res) => {{ const theme = req.query.theme || 'x'; "
            f"const state = mk(); res.cookie('theme', theme); res.cookie('oauth_state', state); "
            f"res.cookie('t{i}', `${{theme}}-${{req.query.lang}}`); "
            + ("res.cookie('uid', req.user.id); " if i % 10 == 0 else "") + "});\n"
            for i in range(count))
        root = project({"package.json": PACKAGE_JSON, "app.js": HEAD
                        + "const crypto = require('crypto');\n"
                        + "function mk() { return crypto.randomBytes(8).toString('hex'); }\n"
                        + handlers}, f"n{count}")
        return lambda: {line for _, _, line in found(root, ["cookie-flags"])}

    _, lines = growth(make, 50)
    assert lines == set(range(5, 5 + 200, 10))  # only the user-id cookies