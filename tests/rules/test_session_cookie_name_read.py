"""session-cookie: the default name's finding offers its (unsafe) rename only where no project
file reads the cookie by that name. saltcorn skips its CSRF check on `/api/` when a request
has no `connect.sid` cookie: renamed, every API request would skip it (sample 26)."""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree
from nodeharden import check

PACKAGE = ('{"name": "p", "dependencies": {"express": "^4.21.0", '
           '"express-session": "^1.18.0"}}\n')
APP = """\
const express = require('express');
const session = require('express-session');
const csrf = require('./csrf');

const app = express();
app.use(session({ secret: process.env.SESSION_SECRET, resave: false,
                  saveUninitialized: false }));
app.use(csrf);
app.listen(3000);
"""
CSRF = """\
module.exports = function csrf(req, res, next) {
  if (req.path.startsWith('/api/') && !(req.cookies || {})['connect.sid']) return next();
  next();
};
"""


def _name_finding(tmp_path: Path, files: dict[str, str]):
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": APP, **files})
    [finding] = [f for f in check(root, select=["session-cookie"]).findings
                 if "default name" in f.message]
    return finding


def test_a_cookie_the_project_reads_by_name_is_not_renamed(tmp_path: Path) -> None:
    finding = _name_finding(tmp_path, {"csrf.js": CSRF})
    assert finding.fix is None
    assert finding.message.endswith("; not fixed: csrf.js:2 reads the cookie by that name, and "
                                    "a rename would change what that code decides")


def test_otherwise_the_rename_is_offered(tmp_path: Path) -> None:
    finding = _name_finding(tmp_path, {"csrf.js": CSRF.replace("'connect.sid'", "'_csrf'")})
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert finding.message == ("express-session cookie keeps the default name `connect.sid`, "
                               "which tells attackers the stack")


COOKIE_SESSION_APP = """\
const express = require('express');
const cookieSession = require('cookie-session');

const app = express();
app.use(cookieSession({ signed: false, secure: false, sameSite: 'lax' }));
app.get('/events', (req, res) => res.json({ kind: 'session' }));
%s
app.listen(3000);
"""


def test_a_plain_word_counts_only_where_a_cookie_is_read_by_it(tmp_path: Path) -> None:
    # An unsigned cookie-session cookie keeps the name `session`, a word other strings use.
    package = ('{"name": "p", "dependencies": {"express": "^4.21.0", '
               '"cookie-session": "^2.1.0"}}')

    def finding(extra: str):
        root = write_tree(tmp_path / str(len(extra)), {
            "package.json": package, "app.js": COOKIE_SESSION_APP % extra})
        [found] = [f for f in check(root, select=["session-cookie"]).findings
                   if "default name" in f.message]
        return found

    assert finding("").fix is not None  # `kind: 'session'` reads no cookie
    cleared = finding("app.post('/out', (req, res) => res.clearCookie('session').end());")
    assert cleared.fix is None and "app.js:7 reads the cookie by that name" in cleared.message
