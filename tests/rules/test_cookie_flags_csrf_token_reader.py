"""cookie-flags: a double-submit CSRF token is for the page (no HttpOnly asked), and the file
named as the reader of `XSRF-TOKEN` is front-end code, never a server module that calls
another service with axios (sample 9, RC-10)."""

from __future__ import annotations

from conftest import PACKAGE_JSON

from nodeharden import check

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

# Server code calling another service with axios: it runs in Node, where axios reads no
# cookie of the page.
SERVER_AXIOS = """\
import axios from 'axios';
import fs from 'fs';
export const load = async () => fs.promises.writeFile('/tmp/x', (await axios.get('u')).data);
"""

FRONT_END = """\
import axios from 'axios';
export default function Login() { return <button onClick={() => axios.post('/login')} />; }
"""


def _messages(root) -> dict[int, str]:
    report = check(root, select=["cookie-flags"])
    assert not report.failed, report.failed
    return {f.line: f.message for f in report.findings}


def test_csrf_token_cookie_is_not_asked_for_httponly(project) -> None:
    root = project({"package.json": PACKAGE_JSON, "server/index.js": SERVER,
                    "server/api/anime.ts": SERVER_AXIOS, "src/components/Login.tsx": FRONT_END})
    found = _messages(root)
    assert 6 not in found  # req.csrfToken() with sameSite and secure: nothing missing
    # a user id under the CSRF name is asked for HttpOnly; the reader is the front end
    assert "front-end code in src/components/Login.tsx reads this cookie" in found[10]


def test_server_axios_is_no_reader_of_the_page_cookie(project) -> None:
    root = project({"package.json": PACKAGE_JSON, "server/index.js": SERVER,
                    "server/api/anime.ts": SERVER_AXIOS})
    found = _messages(root)
    assert 6 not in found
    assert "sets no `httpOnly`" in found[10] and "front-end code" not in found[10]


def test_csrf_named_cookie_read_by_the_page(project) -> None:
    # A hand-made double-submit token (random bytes) under a CSRF name that the front end
    # reads: only Secure/SameSite are asked. With no front-end reader, HttpOnly is asked.
    app = ("const express = require('express');\nconst crypto = require('crypto');\n"
           "const app = express();\napp.get('/', (req, res) => {\n"
           "  res.cookie('csrf-token', crypto.randomBytes(16).toString('hex'));\n"
           "  res.send('ok');\n});\nmodule.exports = app;\n")
    page = "import Cookies from 'js-cookie';\nexport const t = Cookies.get('csrf-token');\n"
    read = _messages(project({"package.json": PACKAGE_JSON, "app.js": app,
                              "public/js/csrf.js": page}, name="read"))
    assert "`httpOnly`" not in read[5] and "`sameSite`" in read[5]
    unread = _messages(project({"package.json": PACKAGE_JSON, "app.js": app}, name="unread"))
    assert "`httpOnly`" in unread[5]
