"""End to end: an administrators' guard that lets every request through in a mode of the
instance is credited only behind an authentication registered before it on the route.

The app is the fixture ``admin-mode-bypass-needs-authentication``, run with real express (and
passport) over HTTP on 127.0.0.1, with an anonymous request (no user, no Authorization header)
in the instance's default mode (no AUTH_ENABLED, no ADMIN_PASSWORD, no MULTI_USER), then with a
token any user has. Every route the rule reports sends one of them the database error's text;
the routes it leaves quiet turn the anonymous request away."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import each_place, have_node, npm_install, write_tree
from ruamel.yaml import YAML

from nodeharden import check

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are needed")]

FIXTURE = Path(__file__).resolve().parents[2] / "codemods" / "error-handler" / "fixtures" \
    / "admin-mode-bypass-needs-authentication"
SECRET = "connect ECONNREFUSED mongodb://admin:S3cret@db.internal:27017/app"
STORE = f"module.exports = {{ load: async () => {{ throw new Error('{SECRET}'); }} }};\n"
#: (method, URL) of each route of the fixture, by the line of its catch's `err.message`.
ROUTES = {39: ("GET", "/a"), 42: ("GET", "/b"), 45: ("GET", "/c"), 48: ("GET", "/d"),
          51: ("GET", "/e"), 60: ("GET", "/f"), 63: ("GET", "/g"), 67: ("GET", "/h"),
          70: ("GET", "/i"), 74: ("GET", "/j"), 79: ("POST", "/system/update-env"),
          83: ("POST", "/system/wipe")}
PROBE = """const express = require('express');
const outer = express();
outer.use(express.json());
outer.use(require('./app'));
const srv = outer.listen(0, '127.0.0.1', async () => {
  const out = {};
  for (const [method, path] of JSON.parse(process.argv[2])) {
    const headers = process.argv[3] ? { authorization: `Bearer ${process.argv[3]}` } : {};
    const r = await fetch(`http://127.0.0.1:${srv.address().port}${path}`, { method, headers });
    out[path] = [r.status, await r.text()];
  }
  console.log(JSON.stringify(out));
  srv.close();
});
"""


def test_reported_routes_send_an_anonymous_request_the_secret(tmp_path: Path) -> None:
    case = YAML(typ="safe").load((FIXTURE / "case.yml").read_text(encoding="utf-8"))
    root = write_tree(tmp_path / "app", {
        **case["files"],
        "package.json": '{"name": "a", "private": true, "dependencies": '
                        '{"express": "^4.21.2", "passport": "^0.7.0"}}',
        "app.js": (FIXTURE / "input.js").read_text(encoding="utf-8"),
        "store.js": STORE, "probe.js": PROBE})
    reported = {f.line for f in each_place(check(root, select=["error-handler"]).findings)
                if f.path == "app.js"}
    assert reported == {39, 42, 45, 48, 51, 67, 70, 74, 83}
    npm_install(root)
    env = {k: v for k, v in os.environ.items()
           if k not in ("AUTH_ENABLED", "ADMIN_PASSWORD", "MULTI_USER", "NODE_ENV")}

    def probe(*token: str) -> dict[str, list[object]]:
        proc = subprocess.run(["node", "probe.js", json.dumps(list(ROUTES.values())), *token],
                              cwd=root, env=env, capture_output=True, text=True, timeout=60,
                              check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        answers: dict[str, list[object]] = json.loads(proc.stdout.strip().splitlines()[-1])
        return answers

    answers = probe()
    leaking = {line for line, (_, path) in ROUTES.items() if SECRET in str(answers[path][1])}
    # The anonymous request reads the secret on every reported route but /h, /i and /j, where
    # `authenticated` answers 401 (before the guard's constant or comparison, which are no
    # mode; after /j's guard, which has let every request through).
    assert leaking == reported - {67, 70, 74}
    # A request with a token the app's `authenticated` accepts (any user, no role) reads it on
    # those three too; and on /f, the allowance: a user who authenticated, in an instance whose
    # operator turned roles off.
    signed = probe("any-user")
    assert {line for line, (_, path) in ROUTES.items()
            if SECRET in str(signed[path][1])} == reported | {60}
    # Quiet routes turn it away: `authenticated` and validatedRequest answer 401; passport
    # (no strategy registered) ends in the app's final handler, which sends no text.
    for line in set(ROUTES) - reported:
        status, body = answers[ROUTES[line][1]]
        assert status in (401, 500) and SECRET not in str(body), (line, status, body)
