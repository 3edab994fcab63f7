"""session-cookie: `saveUninitialized: true` is moot where the app writes to the session on
every request anyway (app-wide csurf in its session mode, or a middleware that sets a session
field for anonymous visitors): every visitor gets a stored session whatever the option says."""

from __future__ import annotations

import pytest

from conftest import PACKAGE_JSON, found

SESSION = ("const express = require('express');\nconst session = require('express-session');\n"
           "{imports}const app = express();\n"
           "app.use(session({{ name: 'sid', secret: process.env.SECRET, resave: false,\n"
           "  saveUninitialized: true, cookie: {{ secure: true, httpOnly: true, "
           "sameSite: 'lax' }} }}));\n"
           "{middleware}module.exports = app;\n")


def _save_findings(project, imports: str, middleware: str) -> set[int]:
    code = SESSION.format(imports=imports, middleware=middleware)
    save_line = code.split("\n").index("  saveUninitialized: true, cookie: { secure: true, "
                                        "httpOnly: true, sameSite: 'lax' } }));") + 1
    root = project({"package.json": PACKAGE_JSON, "app.js": code})
    return {line for rule, _, line in found(root, ["session-cookie"]) if line == save_line}


@pytest.mark.parametrize("imports, middleware", [
    ("const csrf = require('csurf');\n", "app.use(csrf());\n"),
    ("", "app.use((req, res, next) => {\n  if (!req.user) req.session.returnTo = req.path;\n"
         "  next();\n});\n"),
    ("", "app.use(function (req, res, next) {\n  req.session['seen'] = Date.now();\n"
         "  next();\n});\n"),
])
def test_not_reported_where_every_visitor_gets_a_session_anyway(project, imports: str,
                                                                middleware: str) -> None:
    assert _save_findings(project, imports, middleware) == set()


@pytest.mark.parametrize("imports, middleware", [
    ("", ""),
    ("const csrf = require('csurf');\n", "app.use(csrf({ cookie: true }));\n"),  # no session
    ("const csrf = require('csurf');\n", "app.post('/form', csrf(), (req, res) => res.end());\n"),
    ("", "app.use('/cart', (req, res, next) => {\n  req.session.cart = [];\n  next();\n});\n"),
    ("", "app.use((req, res, next) => {\n  if (req.session.user === undefined) next();\n});\n"),
])
def test_reported_otherwise(project, imports: str, middleware: str) -> None:
    assert len(_save_findings(project, imports, middleware)) == 1
