"""session-cookie: which session options are reported, the default cookie name as its own unsafe
finding, and fixes on empty options that take turns across passes."""

from __future__ import annotations

from nodeharden import check, fix

from conftest import PACKAGE_JSON, found


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
            // Both libraries default httpOnly to true: leaving it out is not a finding.
            app.use(expressSession({ name: 'x', secret: process.env.S, cookie: { secure: true, sameSite: 'lax' } }));
            app.use(cookieSession({ name: 'x', keys: [process.env.K], sameSite: 'lax' }));
            module.exports = app;
        """,
    })
    # Line 13's cookie-session is signed (its default), so its default name is no finding.
    assert found(root) == {("session-cookie", "app.js", n) for n in (8, 12)}


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
        (5, "express-session cookie sets no `sameSite`: express-session sets no SameSite by "
            "default, so browsers that do not default to Lax send the cookie with cross-site "
            "requests (CSRF)", "safe"),
        (5, "express-session cookie sets no `secure`: the session id can travel over plain HTTP",
         "unsafe"),
        # cookie-session signs its cookie by default: the `session.sig` companion tells the
        # library whatever the name, so its default name is no finding.
        (6, "cookie-session cookie sets no `sameSite`: cookie-session sets no SameSite by "
            "default, so browsers that do not default to Lax send the cookie with cross-site "
            "requests (CSRF)", "safe"),
    ]
    # Safe fixes keep the cookie's name: current sessions and clients that look for it survive.
    safe = fix(root, dry_run=True, select=["session-cookie"]).plan
    text = safe.final["app.js"].decode()
    assert "name:" not in text
    # No trust proxy anywhere: secure waits for --unsafe, and trust proxy is never set.
    assert "cookie: { sameSite: 'lax' } }));" in text
    assert "trust proxy" not in text
    assert "cookieSession({ keys: [process.env.K], sameSite: 'lax' })" in text
    # Unsafe: the name goes first, the flags last; secure joins them in the next pass.
    both = fix(root, dry_run=True, select=["session-cookie"], unsafe=True).plan
    text = both.final["app.js"].decode()
    assert "session({ name: 'sid', secret: process.env.S, resave: false, saveUninitialized: " \
           "false, cookie: { sameSite: 'lax', secure: 'auto' } })" in text
    assert "cookieSession({ keys: [process.env.K], sameSite: 'lax' })" in text
    assert len(both.applied) == 4 and both.not_applied == []
    # On a non-empty object the two fixes of one call edit different places, so one pass
    # takes both.
    name, flags = sorted((f for f in report.findings if f.line == 5
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
    result = fix(root, dry_run=True, select=["session-cookie"], unsafe=True).plan
    assert "app.use(session({ name: 'sid', cookie: { secure: 'auto', " \
           "sameSite: 'lax' } }));" in result.final["app.js"].decode()
    assert len(result.applied) == 2 and result.not_applied == []
