"""End to end: the routes error-handler takes for administrators-only (their catch's message
not reported) are the ones real express turns an ordinary user away from, and the routes it
reports are the ones that send that user a database error's text.

The app is the fixture ``admin-guards-that-admit-everyone`` (guards that only log, only set a
flag, turn the named roles away, or are ``use``d for another path; and guards that deny),
run with real express over HTTP on 127.0.0.1 with ``req.user = { role: 'member' }`` (and
``res.locals.user`` set, as an app with logins does) in multi-user mode, and /i again in
single-user mode, where its guard lets everyone through."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import each_place, have_node, npm_install, write_tree

from nodeharden import check

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are needed")]

FIXTURE = Path(__file__).resolve().parents[2] / "codemods" / "error-handler" / "fixtures" \
    / "admin-guards-that-admit-everyone"
SECRET = "connect ECONNREFUSED 10.0.0.5:5432 (user app_rw)"
STORE = f"""const boom = async () => {{ throw new Error('{SECRET}'); }};
module.exports = {{ load: boom, stats: boom, users: boom, restart: boom }};
"""
#: The URL of each route of the fixture, by the line of its catch's `err.message`.
ROUTES = {43: "/a", 51: "/b", 59: "/c", 67: "/d", 75: "/e", 83: "/f", 93: "/panel/g",
          100: "/panel/admin/stats", 109: "/api/h", 116: "/api/admin/users",
          126: "/ops/restart", 149: "/i", 157: "/j"}
PROBE = """const express = require('express');
const outer = express();
outer.use((req, res, next) => {
  req.user = { id: 7, role: 'member' };
  res.locals.user = req.user;
  next();
});
outer.use(require('./app'));
const srv = outer.listen(0, '127.0.0.1', async () => {
  const out = {};
  for (const path of JSON.parse(process.argv[2])) {
    const r = await fetch(`http://127.0.0.1:${srv.address().port}${path}`);
    out[path] = [r.status, await r.text()];
  }
  console.log(JSON.stringify(out));
  srv.close();
});
"""


def test_reported_routes_are_the_ones_that_send_a_member_the_message(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": '{"name": "a", "private": true, '
                        '"dependencies": {"express": "^4.21.2"}}',
        "app.js": (FIXTURE / "input.js").read_text(encoding="utf-8"),
        "store.js": STORE, "probe.js": PROBE})
    reported = {f.line for f in each_place(check(root, select=["error-handler"]).findings)
                if f.path == "app.js"}
    assert reported <= set(ROUTES)
    npm_install(root)
    proc = subprocess.run(["node", "probe.js", json.dumps(list(ROUTES.values()))], cwd=root,
                          env={**os.environ, "MULTI_USER": "1"}, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    answers = json.loads(proc.stdout.strip().splitlines()[-1])
    leaking = {line for line, path in ROUTES.items() if SECRET in answers[path][1]}
    denied = {line for line, path in ROUTES.items() if answers[path][0] in (401, 403)}
    assert leaking | denied == set(ROUTES)
    # Every route that sends the member the text is reported; of the routes the member is
    # turned away from, only /ops/restart is (its guard's path is a regular expression, which
    # the rule does not read: it credits the guard to no route).
    assert leaking <= reported
    # /i's guard lets every request through in single-user mode and nothing authenticates
    # before it: reported, and in that mode it sends the member the text.
    assert reported - leaking == {126, 149}
    assert leaking == {43, 51, 59, 83, 93, 109, 157}
    single = subprocess.run(["node", "probe.js", json.dumps(["/i"])], cwd=root,
                            env={k: v for k, v in os.environ.items() if k != "MULTI_USER"},
                            capture_output=True, text=True, timeout=60, check=False)
    assert single.returncode == 0, single.stderr[-2000:]
    assert SECRET in json.loads(single.stdout.strip().splitlines()[-1])["/i"][1]
