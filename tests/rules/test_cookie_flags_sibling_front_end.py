"""cookie-flags: the front end that reads a cookie may live beside the scanned server folder in
the same git work tree (`api/` scanned, `web/` next to it). The reader is looked for from the
top of the work tree, so no fix writes httpOnly there either and the finding does not ask for
it (sample 19, petio H3; sample 22, streetmix); outside git, or when the sibling reads another
name, nothing changes."""

from __future__ import annotations

from pathlib import Path

from conftest import PACKAGE_JSON

from nodeharden import check, fix

SERVER = """\
const express = require('express');
const app = express();
app.post('/signin', (req, res) => {
  const jwt = makeToken(req.user);
  res.cookie('shop_jwt', jwt, { maxAge: 3600000 });
  res.json({ ok: true });
});
module.exports = app;
"""

# the browser keeps the token in a cookie it reads itself and clears on sign-out
WEB_SESSION = """\
export function currentToken() {
  const hit = document.cookie.split('; ').find((c) => c.startsWith('shop_jwt='));
  return hit ? hit.slice('shop_jwt='.length) : null;
}
export function signOut() {
  document.cookie = 'shop_jwt=; Max-Age=0; path=/';
}
"""

WEB_OTHER = """\
export function theme() {
  return document.cookie.includes('ui_theme=dark') ? 'dark' : 'light';
}
"""


def _tree(project, web: str, *, git: bool) -> Path:
    files: dict[str, str | bytes] = {"api/package.json": PACKAGE_JSON, "api/app.js": SERVER,
                                     "web/src/session.js": web}
    if git:
        files[".git/HEAD"] = "ref: refs/heads/main\n"
    return project(files) / "api"


def _result(api: Path) -> tuple[str, str]:
    report = check(api, select=["cookie-flags"])
    assert not report.failed, report.failed
    [finding] = report.findings
    plan = fix(api, dry_run=True, select=["cookie-flags"]).plan
    return finding.message, plan.final.get("app.js", b"").decode()


def test_a_sibling_front_end_keeps_its_cookie_readable(project) -> None:
    api = _tree(project, WEB_SESSION, git=True)
    message, fixed = _result(api)
    # httpOnly is not asked (the page needs it off): only secure and sameSite are, with a note
    assert message.startswith("res.cookie('shop_jwt') sets no `secure`, `sameSite`: ")
    assert message.endswith(" (`httpOnly` is not asked: front-end code in ../web/src/session.js "
                            "reads this cookie, which HttpOnly would hide from the page)")
    assert "sameSite:" in fixed
    assert "httpOnly" not in fixed  # the sign-out in the page keeps working
    unsafe = fix(api, dry_run=True, select=["cookie-flags"], unsafe=True).plan
    assert "httpOnly" not in unsafe.final["app.js"].decode()  # not even with --unsafe


def test_a_sibling_reading_another_cookie_does_not_hold_back(project) -> None:
    message, fixed = _result(_tree(project, WEB_OTHER, git=True))
    assert message.startswith("res.cookie('shop_jwt') sets no `httpOnly`, `secure`, `sameSite`")
    assert "reads this cookie" not in message
    assert "httpOnly: true" in fixed


def test_outside_git_a_neighbouring_folder_is_not_the_project(project) -> None:
    message, fixed = _result(_tree(project, WEB_SESSION, git=False))
    assert "reads this cookie" not in message
    assert "httpOnly: true" in fixed


def test_a_front_end_that_only_clears_the_cookie_is_said_to_write_it(project) -> None:
    """A sign-out that expires the cookie with `document.cookie = 't=; expires=…'` and reads
    no cookie: httpOnly is still not asked (browsers refuse a page's write to an HttpOnly
    cookie, so the sign-out would stop clearing it), and the reason says it writes the cookie,
    not that it reads it (held-out sample 35, mern-marketplace)."""
    api = _tree(project, "export function signOut() {\n"
                         "  document.cookie = 'shop_jwt=; Max-Age=0; path=/';\n}\n", git=True)
    message, fixed = _result(api)
    assert message.endswith(" (`httpOnly` is not asked: front-end code in ../web/src/session.js "
                            "writes this cookie (`document.cookie = …`, as a sign-out clears "
                            "it), which browsers refuse for an HttpOnly cookie)")
    assert "httpOnly" not in fixed
