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
            app.get('/', (req, res) => res.cookie('seen', '1', { signed: true }).end());
            module.exports = app;
        """,
    })
    assert found(root, ["hardcoded-secret"]) == {("hardcoded-secret", "app.js", n)
                                                 for n in (6, 9, 10, 17)}


def test_a_cookie_parser_secret_counts_only_where_a_cookie_is_signed(project) -> None:
    # openKB (sample 32): no cookie is signed or read signed, so the string signs nothing.
    app = """
        const express = require('express');
        const cookieParser = require('cookie-parser');
        const app = express();
        app.use(cookieParser('keyboard cat'));
        app.get('/', (req, res) => res.cookie('seen', '1'%s).send(req.cookies.seen));
        module.exports = app;
    """
    unsigned = project({"package.json": PACKAGE_JSON, "app.js": app % ""}, name="unsigned")
    assert found(unsigned, ["hardcoded-secret"]) == set()
    signed = project({"package.json": PACKAGE_JSON, "app.js": app % ", { signed: true }"},
                     name="signed")
    assert found(signed, ["hardcoded-secret"]) == {("hardcoded-secret", "app.js", 4)}
    read = project({"package.json": PACKAGE_JSON, "app.js": app % "",
                    "auth.js": "module.exports = (req) => req.signedCookies.user;\n"},
                   name="read")
    assert found(read, ["hardcoded-secret"]) == {("hardcoded-secret", "app.js", 4)}


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
