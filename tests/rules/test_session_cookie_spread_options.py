"""session-cookie: options that spread another object (`session({ ...base, name })`). The
spread's keys count when this file declares it; a `cookie` written after the spread keeps the
spread's cookie (`{ ...base.cookie, … }`) instead of replacing it; a spread this file does not
show is reported without a fix."""

from __future__ import annotations

from nodeharden import check, fix

from conftest import PACKAGE_JSON


def _app(body: str, *, proxy: bool = True) -> dict[str, str]:
    head = ("const express = require('express');\n"
            "const session = require('express-session');\n"
            "const app = express();\n")
    if proxy:
        head += "app.set('trust proxy', 1);\n"
    return {"package.json": PACKAGE_JSON, "app.js": head + body + "module.exports = app;\n"}


def _findings(root) -> list[tuple[int, str, str | None]]:
    report = check(root, select=["session-cookie"])
    return sorted((f.line, f.message, f.fix.applicability if f.fix else None)
                  for f in report.findings)


def test_fix_keeps_the_spread_cookie_options(project) -> None:
    root = project(_app(
        "const shared = {\n"
        "  secret: process.env.SECRET,\n"
        "  cookie: { maxAge: 3600000 },\n"
        "  resave: false,\n"
        "};\n"
        "const staff = session({\n"
        "  ...shared,\n"
        "  name: 'staff.sid'\n"
        "});\n"
        "const shop = session({ ...shared, name: 'shop.sid' });\n"
        "app.use('/staff', staff);\n"
        "app.use(shop);\n"))
    got = _findings(root)
    assert [(line, applicability) for line, _, applicability in got] == [
        (10, "unsafe"), (14, "unsafe")]
    assert all("sets no `secure` and `sameSite`" in message for _, message, _ in got)
    text = fix(root, dry_run=True, select=["session-cookie"], unsafe=True).plan \
        .final["app.js"].decode()
    # The written cookie spreads the shared one first: maxAge survives.
    assert "  name: 'staff.sid',\n  cookie: { ...shared.cookie, secure: 'auto', " \
           "sameSite: 'lax' }\n});" in text
    assert "session({ ...shared, name: 'shop.sid', cookie: { ...shared.cookie, " \
           "secure: 'auto', sameSite: 'lax' } })" in text
    # A safe-only run writes nothing here: the options spread another object.
    assert fix(root, dry_run=True, select=["session-cookie"]).plan.final == {}


def test_flags_and_name_the_spread_object_sets_are_not_reported(project) -> None:
    root = project(_app(
        "const shared = { name: 'app.sid', secret: process.env.SECRET,\n"
        "  cookie: { maxAge: 1000, secure: true, sameSite: 'strict' } };\n"
        "app.use(session({ ...shared, resave: false }));\n"))
    assert _findings(root) == []


def test_flags_assigned_on_the_spread_cookie_count(project) -> None:
    root = project(_app(
        "const shared = { name: 'app.sid', secret: process.env.SECRET,\n"
        "  cookie: { maxAge: 1000 } };\n"
        "shared.cookie.secure = true;\n"
        "app.use(session({ ...shared }));\n"))
    got = _findings(root)
    assert len(got) == 1 and got[0][1].startswith(
        "express-session cookie sets no `sameSite`:") and got[0][2] == "unsafe"
    text = fix(root, dry_run=True, select=["session-cookie"], unsafe=True).plan \
        .final["app.js"].decode()
    assert "session({ ...shared, cookie: { ...shared.cookie, sameSite: 'lax' } })" in text


def test_without_trust_proxy_secure_keeps_the_spread_cookie_too(project) -> None:
    root = project(_app(
        "const shared = { name: 'app.sid', secret: process.env.SECRET,\n"
        "  cookie: { maxAge: 1000 } };\n"
        "app.use(session({ ...shared }));\n", proxy=False))
    plan = fix(root, dry_run=True, select=["session-cookie"], unsafe=True).plan
    text = plan.final["app.js"].decode()
    assert "session({ ...shared, cookie: { ...shared.cookie, sameSite: 'lax', secure: 'auto' } })" \
        in text
    assert "proxy: true" not in text and text.count("cookie:") == 2


def test_a_spread_this_file_does_not_show_is_reported_without_a_fix(project) -> None:
    root = project(_app(
        "const { sessionOptions } = require('./config');\n"
        "app.use(session({ ...sessionOptions, resave: false }));\n"))
    got = _findings(root)
    assert got == [
        (6, "express-session cookie keeps the default name `connect.sid`, which tells attackers "
            "the stack, unless `...sessionOptions` sets `name`; not fixed: this file does not "
            "show what it holds", None),
        (6, "express-session cookie sets no `secure` and `sameSite` that this file shows: "
            "`...sessionOptions`, built elsewhere, may set them; not fixed: a `cookie` written "
            "after it would override what it carries", None),
    ]


def test_own_cookie_after_the_spread_is_edited_in_place(project) -> None:
    root = project(_app(
        "const shared = { name: 'app.sid', secret: process.env.SECRET, cookie: { maxAge: 1 } };\n"
        "app.use(session({ ...shared, cookie: { maxAge: 2 } }));\n"))
    text = fix(root, dry_run=True, select=["session-cookie"], unsafe=True).plan \
        .final["app.js"].decode()
    assert "session({ ...shared, cookie: { maxAge: 2, secure: 'auto', sameSite: 'lax' } })" \
        in text


def test_a_spread_after_the_own_cookie_replaces_it(project) -> None:
    root = project(_app(
        "const shared = { secret: process.env.SECRET, cookie: { maxAge: 1, secure: true } };\n"
        "app.use(session({ name: 'a.sid', cookie: { sameSite: 'lax' }, ...shared }));\n"))
    got = _findings(root)
    # The session gets shared's cookie, which sets secure but no sameSite.
    assert got == [
        (6, "express-session cookie sets no `sameSite`: express-session sets no SameSite by "
            "default, so browsers that do not default to Lax send the cookie with cross-site "
            "requests (CSRF); not fixed: `...shared` after the options' own `cookie` replaces "
            "it", None)]


def test_cookie_session_reads_the_spread_top_level_flags(project) -> None:
    files = {
        "package.json": '{"name": "t", "dependencies": {"express": "^5.1.0", '
                        '"cookie-session": "^2.0.0"}}\n',
        "app.js": "const express = require('express');\n"
                  "const cookieSession = require('cookie-session');\n"
                  "const { extra } = require('./extra');\n"
                  "const app = express();\n"
                  "const base = { name: 'c', keys: [process.env.K], sameSite: 'lax' };\n"
                  "app.use(cookieSession({ ...base }));\n"
                  "app.use('/x', cookieSession({ name: 'd', keys: [process.env.K], ...extra }));\n"
                  "module.exports = app;\n",
    }
    got = _findings(project(files))
    assert got == [
        (7, "cookie-session cookie sets no `sameSite` that this file shows: `...extra`, built "
            "elsewhere, may set it; not fixed: flags written after it would override what it "
            "carries", None)]


def test_spreads_inside_the_cookie_object(project) -> None:
    root = project(_app(
        "const { cookieDefaults } = require('./config');\n"
        "const strict = { secure: true, sameSite: 'strict' };\n"
        "app.use(session({ name: 'a.sid', secret: process.env.S, cookie: { ...strict } }));\n"
        "app.use(session({ name: 'b.sid', secret: process.env.S,\n"
        "  cookie: { ...cookieDefaults } }));\n"))
    assert _findings(root) == [
        (8, "express-session cookie sets no `secure` and `sameSite` that this file shows: "
            "`...cookieDefaults`, built elsewhere, may set them; not fixed: flags written after "
            "it would override what it carries", None)]


def test_flags_written_after_a_spread_the_file_does_not_show_win(project) -> None:
    """`cookie: { ...cookieDefaults, secure: true, sameSite: 'lax' }`: the keys written after
    the spread are the ones the cookie gets, whatever the spread carries; only a flag left
    to the spread is reported."""
    root = project(_app(
        "const { cookieDefaults } = require('./config');\n"
        "app.use(session({ name: 'a.sid', secret: process.env.S,\n"
        "  cookie: { ...cookieDefaults, secure: true, httpOnly: true, sameSite: 'lax' } }));\n"
        "app.use(session({ name: 'b.sid', secret: process.env.S,\n"
        "  cookie: { ...cookieDefaults, secure: true } }));\n"))
    assert _findings(root) == [
        (8, "express-session cookie sets no `sameSite` that this file shows: "
            "`...cookieDefaults`, built elsewhere, may set it; not fixed: flags written after "
            "it would override what it carries", None)]
