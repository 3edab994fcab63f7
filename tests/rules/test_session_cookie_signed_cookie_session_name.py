"""session-cookie: cookie-session's default name is not reported while the cookie is signed
(cookie-session's default): every response then also sets the companion `<name>.sig` cookie,
which tells the library whatever the cookie is called, so a rename hides nothing (sample 22,
streetmix). An unsigned cookie (`signed: false`), or one whose `signed` the file does not pin
to `true`, keeps the finding; express-session's `connect.sid` is reported as before, and
cookie-session 2's ignored `key` is still reported, without the fingerprint claim."""

from __future__ import annotations

from nodeharden import check, fix

CS2 = '{"name": "t", "dependencies": {"express": "^5.1.0", "cookie-session": "^2.1.0"}}\n'
CS1 = '{"name": "t", "dependencies": {"express": "^4.21.0", "cookie-session": "^1.4.0"}}\n'

APP = """\
const express = require('express');
const session = require('express-session');
const cookieSession = require('cookie-session');
const app = express();
app.use('/a', cookieSession({ keys: [process.env.K], sameSite: 'lax' }));
app.use('/b', cookieSession({ keys: [process.env.K], signed: true, sameSite: 'lax' }));
app.use('/c', cookieSession({ signed: false, sameSite: 'lax' }));
app.use('/d', cookieSession({ keys: [process.env.K], signed: !!process.env.S, sameSite: 'lax' }));
app.use('/e', session({ secret: process.env.S, cookie: { secure: true, sameSite: 'lax' } }));
module.exports = app;
"""


def _messages(root) -> dict[int, list[str]]:
    report = check(root, select=["session-cookie"])
    assert not report.failed, report.failed
    found: dict[int, list[str]] = {}
    for f in report.findings:
        found.setdefault(f.line, []).append(f.message)
    return found


def test_a_signed_cookie_session_keeps_its_default_name(project) -> None:
    found = _messages(project({"package.json": CS2, "app.js": APP}))
    assert 5 not in found  # signed by default
    assert 6 not in found  # signed: true
    assert found[7] == ["cookie-session cookie keeps the default name `session`, which tells "
                        "attackers the stack"]
    # a `signed` the file does not pin to true may switch signing off: reported as before
    assert found[8] == found[7]
    assert found[9] == ["express-session cookie keeps the default name `connect.sid`, which "
                        "tells attackers the stack"]


def test_only_the_unsigned_cookie_is_renamed(project) -> None:
    root = project({"package.json": CS2, "app.js": APP})
    text = fix(root, dry_run=True, select=["session-cookie"], unsafe=True).plan \
        .final["app.js"].decode()
    assert "cookieSession({ keys: [process.env.K], sameSite: 'lax' })" in text
    assert "cookieSession({ name: 'sid', signed: false, sameSite: 'lax' })" in text


def test_cookie_session_1_signed_default_name_is_not_reported(project) -> None:
    # cookie-session 1 calls its cookie `express:sess`, and signs it (`express:sess.sig`) too.
    app = ("const express = require('express');\n"
           "const cookieSession = require('cookie-session');\nconst app = express();\n"
           "app.use(cookieSession({ secret: process.env.K, sameSite: 'lax' }));\n"
           "app.use('/u', cookieSession({ signed: false, sameSite: 'lax' }));\n"
           "module.exports = app;\n")
    found = _messages(project({"package.json": CS1, "app.js": app}))
    assert 4 not in found
    assert found[5] == ["cookie-session cookie keeps the default name `express:sess`, which "
                        "tells attackers the stack"]


def test_an_ignored_key_is_reported_without_the_fingerprint_claim(project) -> None:
    # cookie-session 2 reads `name` only: the code's chosen name is lost, which the finding
    # still says, but a signed cookie's `.sig` companion tells the stack whatever its name.
    app = ("const express = require('express');\n"
           "const cookieSession = require('cookie-session');\nconst app = express();\n"
           "app.use(cookieSession({ key: 'notes', keys: [process.env.K], sameSite: 'lax' }));\n"
           "app.use('/u', cookieSession({ key: 'prefs', signed: false, sameSite: 'lax' }));\n"
           "module.exports = app;\n")
    report = check(project({"package.json": CS2, "app.js": app}), select=["session-cookie"])
    got = {f.line: (f.message, f.fix is not None) for f in report.findings}
    assert got == {
        4: ("cookie-session cookie keeps the default name `session` instead of the name the "
            "code chose: cookie-session 2 ignores the `key` option (`notes`) and reads the name "
            "from `name`", True),
        5: ("cookie-session cookie keeps the default name `session`, which tells attackers the "
            "stack: cookie-session 2 ignores the `key` option (`prefs`) and reads the name from "
            "`name`", True),
    }
