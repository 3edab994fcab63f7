"""Detection of body-limit, session-cookie, hardcoded-secret and cookie-flags on small projects:
exactly which rule fires on which line, commented-out code and suppressed lines never count."""

from __future__ import annotations

from pathlib import Path

from nodeharden._api import check, fix

RULES = ["body-limit", "session-cookie", "hardcoded-secret", "cookie-flags"]

PACKAGE_JSON = '{"name": "t", "dependencies": {"express": "^5.1.0"}}\n'
#: Parsers without `limit` stop at Express's 100kb default; body-limit reports them only where the
#: project asks for less (issue 15), which these shape tests do.
TIGHT = "body_limit: 10kb\n"


def found(root: Path, rules: list[str] | None = None) -> set[tuple[str, str, int]]:
    report = check(root, select=rules or RULES)
    assert not report.failed, report.failed
    return {(f.rule, f.path, f.line) for f in report.findings}


def test_express4_body_parser_shapes(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        ".nodeharden.yml": TIGHT,
        "app.js": """
            const express = require('express');
            const bodyParser = require('body-parser');
            const parsers = require('body-parser');
            const { urlencoded } = require('body-parser');
            const app = express();
            app.use(bodyParser.json());
            app.use(parsers.text({ type: 'text/*' }));
            app.use(urlencoded({ extended: true }));
            app.use(require('body-parser').raw());
            app.use(bodyParser.json({ limit: '1mb' }));
            app.use(bodyParser());
            const json = (x) => x;
            json();
            // app.use(bodyParser.json());
            /* app.use(bodyParser.urlencoded()); */
            module.exports = app;
        """,
    })
    assert found(root) == {("body-limit", "app.js", n) for n in (6, 7, 8, 9)}


def test_express5_express_json_shapes(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        ".nodeharden.yml": TIGHT,
        "app.mjs": """
            import express, { json as parseJson, text } from 'express';
            import * as ex from 'express';
            const app = express();
            app.use(express.json());
            app.use(ex.urlencoded({ extended: false }));
            app.use(parseJson({ strict: true }));
            app.post('/raw', express.raw({ type: '*/*', limit: '5mb' }), (req, res) => res.end());
            app.use(text({ limit: '1kb' }));
            const limits = { limit: '2mb' };
            app.use(express.json(limits));
            app.use(express.json(other));
            JSON.parse('{}');
            export default app;
        """,
    })
    # 7 and 10: explicit limits above body_limit_max (1mb); 11: options from elsewhere, unknown.
    assert found(root) == {("body-limit", "app.mjs", n) for n in (4, 5, 6, 7, 10)}


def test_suppression_comments(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        ".nodeharden.yml": TIGHT,
        "app.js": """
            const express = require('express');
            const session = require('express-session');
            const jwt = require('jsonwebtoken');
            const app = express();
            app.set('trust proxy', 1);
            app.use(express.json()); // nodeharden-ignore body-limit
            // nodeharden-ignore session-cookie
            app.use(session({ secret: process.env.S }));
            // nodeharden-ignore body-limit
            app.use(express.text()); app.get('/', (req, res) => { res.cookie('a', 'b'); });
            app.use(express.raw());
            const t = jwt.sign({}, 'test-key'); // nodeharden-ignore
            module.exports = app;
        """,
    })
    assert found(root) == {("cookie-flags", "app.js", 10), ("body-limit", "app.js", 11)}


def test_session_cookie_findings(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        "app.js": """
            const express = require('express');
            const expressSession = require('express-session');
            const cookieSession = require('cookie-session');
            const app = express();
            app.use(expressSession({
              name: 'sid',
              secret: process.env.SESSION_SECRET,
              saveUninitialized: true,
              cookie: { httpOnly: true, secure: 'auto', sameSite: 'lax' },
            }));
            app.use(expressSession({ name: 'x', secret: process.env.S, cookie: { secure: false, httpOnly: false, sameSite: 'none' } }));
            app.use(expressSession({ name: 'x', secret: process.env.S, cookie: { secure: true } }));
            app.use(cookieSession({ keys: [process.env.K], httpOnly: true, sameSite: 'lax' }));
            app.use(cookieSession({ name: 'x', keys: [process.env.K], httpOnly: true, sameSite: 'lax' }));
            app.use(expressSession(importedOptions));
            // app.use(expressSession({}));
            module.exports = app;
        """,
    })
    assert found(root) == {("session-cookie", "app.js", n) for n in (8, 12, 13)}



def test_session_cookie_default_name_is_its_own_unsafe_finding(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        "app.js": """
            const express = require('express');
            const session = require('express-session');
            const cookieSession = require('cookie-session');
            const app = express();
            app.use(session({ secret: process.env.S, resave: false, saveUninitialized: false }));
            app.use('/c', cookieSession({ keys: [process.env.K] }));
            module.exports = app;
        """,
    })
    report = check(root, select=["session-cookie"])
    got = sorted((f.line, f.message, f.fix.applicability if f.fix else None)
                 for f in report.findings)
    assert got == [
        (5, "express-session cookie keeps the default name `connect.sid`, which tells attackers "
            "the stack", "unsafe"),
        (5, "express-session cookie sets no `httpOnly`, `sameSite`", "safe"),
        (5, "express-session cookie sets no `secure`: the session id can travel over plain HTTP",
         "unsafe"),
        (6, "cookie-session cookie keeps the default name `session`, which tells attackers "
            "the stack", "unsafe"),
        (6, "cookie-session cookie sets no `httpOnly`, `sameSite`", "safe"),
    ]
    # Safe fixes keep the cookie's name: current sessions and clients that look for it survive.
    safe, _ = fix(root, dry_run=True, select=["session-cookie"])
    text = safe.final["app.js"].decode()
    assert "name:" not in text
    # No trust proxy anywhere: secure waits for --unsafe, and trust proxy is never set.
    assert "cookie: { httpOnly: true, sameSite: 'lax' } }));" in text
    assert "trust proxy" not in text
    assert "cookieSession({ keys: [process.env.K], httpOnly: true, sameSite: 'lax' })" in text
    # Unsafe: the name goes first, the flags last; secure joins them in the next pass.
    both, _ = fix(root, dry_run=True, select=["session-cookie"], unsafe=True)
    text = both.final["app.js"].decode()
    assert "session({ name: 'sid', secret: process.env.S, resave: false, saveUninitialized: " \
           "false, cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' } })" in text
    assert "cookieSession({ name: 'sid', keys: [process.env.K], httpOnly: true, " \
           "sameSite: 'lax' })" in text
    assert len(both.applied) == 5 and both.not_applied == []
    # On a non-empty object the two fixes of one call edit different places, so one pass
    # takes both.
    for line in (5, 6):
        name, flags = sorted((f for f in report.findings if f.line == line
                              and "`secure`:" not in f.message),
                             key=lambda f: "default name" not in f.message)
        assert name.fix and flags.fix
        spots = {(e.start, e.end) for c in flags.fix.changes if c.path == "app.js"
                 for e in c.edits}
        assert all((e.start, e.end) not in spots and not any(
            e.overlaps(o) for c in flags.fix.changes for o in c.edits)
            for e in name.fix.changes[0].edits)


def test_session_cookie_fixes_on_empty_options_take_turns(project) -> None:
    """Both fixes fill the same empty braces: their edits overlap, so the engine applies one and
    offers the other again in the next pass instead of writing them side by side."""
    root = project({
        "package.json": PACKAGE_JSON,
        "app.js": """
            const express = require('express');
            const session = require('express-session');
            const app = express();
            app.set('trust proxy', 1);
            app.use(session({}));
            module.exports = app;
        """,
    })
    [a, b] = check(root, select=["session-cookie"]).findings
    assert a.fix is not None and b.fix is not None
    assert any(x.overlaps(y) for x in a.fix.changes[0].edits for y in b.fix.changes[0].edits)
    result, _ = fix(root, dry_run=True, select=["session-cookie"], unsafe=True)
    assert "app.use(session({ name: 'sid', cookie: { httpOnly: true, secure: 'auto', " \
           "sameSite: 'lax' } }));" in result.final["app.js"].decode()
    assert len(result.applied) == 2 and result.not_applied == []

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
    result, _ = fix(root, dry_run=True, select=["hardcoded-secret"], unsafe=True)
    text = result.final["app.js"].decode()
    assert "'dev'" not in text
    assert "secret: process.env.APP_SESSION_KEY }" in text
    assert text.count("if (!process.env.APP_SESSION_KEY) {") == 1
    safe, _ = fix(root, dry_run=True, select=["hardcoded-secret"])
    assert safe.changed_paths() == []


def test_cookie_flags_findings(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        "app.js": """
            const express = require('express');
            const app = express();
            app.get('/', (req, res) => {
              res.cookie('a', '1');
              res.cookie('b', '1', { httpOnly: false, secure: true, sameSite: 'strict' });
              res.cookie('c', '1', { secure: true });
              res.clearCookie('a');
              res.cookies;
              // res.cookie('d', '1');
              db.query('x', (err, rows) => { res.cookie('e', '1'); });
            });
            app.get('/x', function (request, reply) { reply.cookie('f', '1'); });
            $.cookie('g', 'h');
            document.cookie('i', 'j');
            module.exports = app;
        """,
    })
    assert found(root) == {("cookie-flags", "app.js", n) for n in (4, 6, 10, 12)}


def test_several_fixes_add_one_check_and_one_trust_proxy(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        "app.js": """
            const express = require('express');
            const session = require('express-session');
            const jwt = require('jsonwebtoken');
            const app = express();
            app.use('/a', session({ secret: 'one' }));
            app.use('/b', session({ secret: 'two' }));
            app.get('/t', (req, res) => res.json({ a: jwt.sign({}, 'k'), b: jwt.verify('t', 'k') }));
            module.exports = app;
        """,
    })
    result, _ = fix(root, dry_run=True, select=RULES, unsafe=True)
    text = result.final["app.js"].decode()
    assert "trust proxy" not in text  # session-cookie never sets it (issue 15)
    assert text.count("if (!process.env.SESSION_SECRET)") == 1
    assert text.count("if (!process.env.JWT_SECRET)") == 1
    assert text.count("secret: process.env.SESSION_SECRET") == 2
    root.joinpath("app.js").write_bytes(result.final["app.js"])
    assert found(root) == set()
    again, _ = fix(root, dry_run=True, select=RULES, unsafe=True)
    assert again.changed_paths() == []
