"""cookie-flags: the CSRF middleware's own token (`req.csrfToken()` of csurf, tiny-csrf or
lusca) is for the page, so no HttpOnly is asked for it (sample 9, RC-10), nor for a field
holding a session's CSRF token in a cookie named for one (``res.cookie('__csrf',
session.csrf)``); nothing else is credited, the cookie's CSRF-like name alone included, and
the front-end reader of `XSRF-TOKEN` is found as before (a page that also imports a Node module
for server-side rendering is still a reader: a cookie it reads is not asked for HttpOnly)."""

from __future__ import annotations

from conftest import PACKAGE_JSON

from nodeharden import check

WITH_CSURF = '{"name": "t", "dependencies": {"express": "^5.1.0", "csurf": "^1.11.0"}}\n'

SERVER = """\
const express = require('express');
const csurf = require('csurf');
const app = express();
app.use(csurf({ cookie: { httpOnly: true, sameSite: true } }));
app.use((req, res, next) => {
  res.cookie('XSRF-TOKEN', req.csrfToken(), { sameSite: true, secure: true });
  next();
});
app.get('/me', (req, res) => {
  res.cookie('XSRF-TOKEN', req.user.id, { sameSite: true, secure: true });
  res.json({});
});
module.exports = app;
"""

# A Next.js page: it imports fs for getServerSideProps, and its component posts with axios in
# the browser, where axios echoes XSRF-TOKEN.
NEXT_PAGE = """\
import fs from 'fs';
import axios from 'axios';
export async function getServerSideProps() {
  return { props: { plans: JSON.parse(fs.readFileSync('plans.json', 'utf8')) } };
}
export default function Settings({ plans }) {
  return <button onClick={() => axios.post('/api/settings', { plans })} />;
}
"""


def _messages(root) -> dict[int, str]:
    report = check(root, select=["cookie-flags"])
    assert not report.failed, report.failed
    return {f.line: f.message for f in report.findings}


def test_csrf_middleware_token_is_not_asked_for_httponly(project) -> None:
    root = project({"package.json": WITH_CSURF, "server/index.js": SERVER,
                    "pages/settings.js": NEXT_PAGE})
    found = _messages(root)
    assert 6 not in found  # req.csrfToken() with sameSite and secure: nothing missing
    # a user id under the CSRF name lacks only HttpOnly, and the Next.js page reads it (axios
    # echoes XSRF-TOKEN): HttpOnly would break that reader, so nothing is asked
    assert 10 not in found


def test_csrf_token_without_the_middleware_package_is_asked(project) -> None:
    # `csrfToken` is only the middleware's token when the project depends on one.
    found = _messages(project({"package.json": PACKAGE_JSON, "server/index.js": SERVER}))
    assert "`httpOnly`" in found[6]


def test_csrf_named_cookie_is_asked_for_httponly(project) -> None:
    # The name alone credits nothing: a hand-made token under a CSRF name is asked for
    # HttpOnly when no page reads it; when the page reads it, that reader (not the name) is why
    # HttpOnly is not asked, and the finding says so.
    app = ("const express = require('express');\nconst crypto = require('crypto');\n"
           "const app = express();\napp.get('/', (req, res) => {\n"
           "  res.cookie('csrf-token', crypto.randomBytes(16).toString('hex'));\n"
           "  res.send('ok');\n});\nmodule.exports = app;\n")
    page = "import Cookies from 'js-cookie';\nexport const t = Cookies.get('csrf-token');\n"
    unread = _messages(project({"package.json": WITH_CSURF, "app.js": app}))
    assert unread[5].startswith("res.cookie('csrf-token') sets no `httpOnly`, `secure`, "
                                "`sameSite`: ")
    read = _messages(project({"package.json": WITH_CSURF, "app.js": app,
                              "public/js/csrf.js": page}, "read"))
    assert read[5].startswith("res.cookie('csrf-token') sets no `secure`, `sameSite`: ")
    assert read[5].endswith(" (`httpOnly` is not asked: front-end code in public/js/csrf.js "
                            "reads this cookie, which HttpOnly would hide from the page)")


SESSIONS = """\
const express = require('express');
const app = express();
app.post('/v1/sessions', async (req, res) => {
  const session = await createSession(req.body);
  res.cookie('session', session.token, { httpOnly: true, secure: true, sameSite: 'Strict' });
  res.cookie('%s', session.%s, { secure: true, sameSite: 'Strict' });
  res.json(session);
});
module.exports = app;
"""


def _csrf_field_lines(tmp_path, name: str, field: str) -> list[int]:
    (tmp_path / "package.json").write_text(PACKAGE_JSON)
    (tmp_path / "sessions.js").write_text(SESSIONS % (name, field))
    return [f.line for f in check(tmp_path, select=["cookie-flags"]).findings]


def test_a_session_s_csrf_token_in_a_cookie_named_for_it_is_for_the_page(tmp_path) -> None:
    # ODK Central's `res.cookie('__csrf', session.csrf, …)` (held-out sample 30): its front
    # end reads the token to echo it; HttpOnly would break that and hide nothing.
    assert _csrf_field_lines(tmp_path, "__csrf", "csrf") == []
    assert _csrf_field_lines(tmp_path, "XSRF-TOKEN", "csrfToken") == []


def test_another_field_or_name_still_asks_for_http_only(tmp_path) -> None:
    assert _csrf_field_lines(tmp_path, "__csrf", "token") == [6]
    assert _csrf_field_lines(tmp_path, "_csrf", "csrf") == [6]
    assert _csrf_field_lines(tmp_path, "auth", "csrf") == [6]
