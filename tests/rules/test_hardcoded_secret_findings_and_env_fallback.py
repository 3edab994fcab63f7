"""hardcoded-secret: literal secrets are reported on their line, and the env-fallback fix
removes the literal."""

from __future__ import annotations

from nodeharden import fix

from conftest import PACKAGE_JSON, found


def test_hardcoded_secret_findings(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        "app.js": """
            const express = require('express');
            const session = require('express-session');
            const cookieParser = require('cookie-parser');
            const jwt = require('jsonwebtoken');
            const { Strategy: JwtStrategy } = require('passport-jwt');
            const SECRET = 'literal';
            const fromEnv = process.env.JWT_SECRET;
            const app = express();
            app.use(session({ secret: ['new', 'old'] }));
            app.use(cookieParser(process.env.COOKIE_SECRET ?? 'fallback'));
            app.use(cookieParser(process.env.COOKIE_SECRET));
            jwt.sign({}, SECRET);
            jwt.verify('t', SECRET);
            jwt.sign({}, fromEnv);
            jwt.sign({}, `template ${SECRET}`);
            jwt.decode('literal');
            new JwtStrategy({ secretOrKey: 'pj', jwtFromRequest: null }, () => {});
            // jwt.sign({}, 'commented');
            const notJwt = { sign: () => {} };
            notJwt.sign({}, 'not a jwt');
            module.exports = app;
        """,
    })
    assert found(root, ["hardcoded-secret"]) == {("hardcoded-secret", "app.js", n)
                                                 for n in (6, 9, 10, 17)}


def test_env_fallback_fix_removes_the_literal(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        "app.js": """
            const express = require('express');
            const session = require('express-session');
            const app = express();
            app.use(session({ secret: process.env.APP_SESSION_KEY || 'dev' }));
            module.exports = app;
        """,
    })
    result = fix(root, dry_run=True, select=["hardcoded-secret"], unsafe=True).plan
    text = result.final["app.js"].decode()
    assert "'dev'" not in text
    assert "secret: process.env.APP_SESSION_KEY }" in text
    assert text.count("if (!process.env.APP_SESSION_KEY) {") == 1
    safe = fix(root, dry_run=True, select=["hardcoded-secret"]).plan
    assert safe.changed_paths() == []
