"""rate-limit credits a limiter the project writes itself only when it sits in front of the
app's requests (second review of fef1918): a middleware that counts in Redis and answers 429
on the response, followed from its module through the names that hold it (an import, a
factory, an instance) to a ``.use(…)`` or a route of the project. A limiter module that nothing
imports, one only called from a timer, or an outbound client that counts its own calls to
another service and waits when that service answers 429 protects no route: the app is still
reported. Checked over real HTTP against a real redis-server: the wired middleware answers 429
on the fourth login; the app that never imports it answers every attempt.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, npm_install, serve_app, write_tree

from nodeharden import check

PACKAGE = {"name": "own-limiter-wired", "private": True,
           "dependencies": {"express": "^4.21.2", "ioredis": "^5.4.1"}}

#: A middleware factory: counts per address in Redis, answers 429 past the bound.
MIDDLEWARE = """\
    const Redis = require('ioredis');
    const redis = new Redis(Number(process.env.REDIS_PORT || 6379), '127.0.0.1');

    function limiter({ max, window }) {
      return async (req, res, next) => {
        const key = `rl:${req.ip}`;
        const tries = await redis.incr(key);
        if (tries === 1) await redis.expire(key, window);
        if (tries > max) return res.status(429).json({ error: 'too many requests' });
        return next();
      };
    }

    module.exports = { limiter };
    """

#: A helper handed the response (the reviewer's rl-own-a shape).
HELPER = """\
    const Redis = require('ioredis');
    const redis = new Redis();
    async function limit(key, max, res) {
      const tries = await redis.incr(key);
      if (tries === 1) await redis.expire(key, 60);
      if (tries > max) return res.status(429).end();
      return null;
    }
    module.exports = { limit };
    """

#: An outbound client (the reviewer's rl-own-b shape): counts its own calls to GitHub and
#: waits when GitHub answers 429.
OUTBOUND = """\
    const Redis = require('ioredis');
    const redis = new Redis();
    async function callGithub(url) {
      const used = await redis.incr('gh-calls');
      await redis.expire('gh-calls', 3600);
      const r = await fetch(url);
      if (r.status === 429 || used >= 5000) {
        await new Promise((ok) => setTimeout(ok, 60000));
      }
      return r.json();
    }
    module.exports = { callGithub };
    """

APP = """\
    const express = require('express');
    %(imports)s
    const app = express();
    app.use(express.json());
    %(use)s
    app.post('/login', async (req, res) => {
      %(call)s
      res.status(401).json({ error: 'invalid credentials' });
    });
    %(after)s
    const server = app.listen(0, '127.0.0.1', () => {
      console.log(`listening ${server.address().port}`);
    });
    """

SHAPES = {
    # wired: the factory's middleware on the app
    "middleware-used": ({"lib/limiter.js": MIDDLEWARE},
                        {"imports": "const { limiter } = require('./lib/limiter');",
                         "use": "app.use(limiter({ max: 3, window: 60 }));",
                         "call": "", "after": ""}, False),
    # wired: the middleware made once, bound to a name, given to the login route
    "middleware-on-route": ({"lib/limiter.js": MIDDLEWARE},
                            {"imports": "const rl = require('./lib/limiter');\n"
                                        "const loginLimit = rl.limiter({ max: 3, window: 60 });",
                             "use": "", "call": "", "after": ""}, False),
    # wired: the helper called by the login handler with its response
    "helper-in-handler": ({"lib/limiter.js": HELPER},
                          {"imports": "const { limit } = require('./lib/limiter');",
                           "use": "", "call": "if (await limit(req.ip, 5, res)) return;",
                           "after": ""}, False),
    # wired through a path alias (tsconfig paths, module-alias): `@/lib/limiter`
    "middleware-through-alias": ({"lib/limiter.js": MIDDLEWARE},
                                 {"imports": "const { limiter } = require('@/lib/limiter');",
                                  "use": "app.use(limiter({ max: 3, window: 60 }));",
                                  "call": "", "after": ""}, False),
    # rl-own-a: the module is never imported
    "never-imported": ({"lib/limiter.js": HELPER},
                       {"imports": "", "use": "", "call": "", "after": ""}, True),
    # imported, but only called from a timer: no request goes through it
    "only-on-a-timer": ({"lib/limiter.js": HELPER},
                        {"imports": "const { limit } = require('./lib/limiter');",
                         "use": "", "call": "",
                         "after": "setInterval(() => limit('sweep', 1, { status() { return { "
                                  "end() {} }; } }), 60000);"}, True),
    # rl-own-b: an outbound client, even when a route calls it
    "outbound-client": ({"lib/github.js": OUTBOUND},
                        {"imports": "const { callGithub } = require('./lib/github');",
                         "use": "", "call": "await callGithub('https://api.github.com/user');",
                         "after": ""}, True),
}


def _findings(root: Path) -> list:
    report = check(root, select=["rate-limit"], cache=False)
    assert not report.failed, report.failed
    return [f for f in report.findings if f.rule == "rate-limit"]


def _project(root: Path, name: str) -> Path:
    modules, parts, _ = SHAPES[name]
    app = APP % parts
    if name == "middleware-on-route":
        app = app.replace("app.post('/login', async", "app.post('/login', loginLimit, async")
    return write_tree(root, {"package.json": json.dumps(PACKAGE), "app.js": app, **modules})


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_an_own_limiter_counts_only_in_front_of_requests(tmp_path: Path, name: str) -> None:
    findings = _findings(_project(tmp_path / name, name))
    if SHAPES[name][2]:
        [finding] = findings
        assert finding.path == "app.js" and finding.line == 3
        assert finding.message.startswith("no rate-limiting middleware")
    else:
        assert findings == []


def _status(url: str) -> int:
    request = urllib.request.Request(url, data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(not have_node() or shutil.which("redis-server") is None,
                    reason="node, npm and redis-server are needed")
def test_wired_limiter_answers_429_and_the_unimported_one_never_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wired = _project(tmp_path / "wired", "middleware-used")
    npm_install(wired)
    unused = _project(tmp_path / "unused", "never-imported")
    (unused / "node_modules").symlink_to(wired / "node_modules")
    port = _free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        monkeypatch.setenv("REDIS_PORT", str(port))
        with serve_app(wired) as base:
            assert [_status(base + "/login") for _ in range(4)] == [401, 401, 401, 429]
        with serve_app(unused) as base:
            assert [_status(base + "/login") for _ in range(6)] == [401] * 6
    finally:
        redis.kill()
        redis.wait(timeout=10)
    assert _findings(wired) == []
    [finding] = _findings(unused)
    assert finding.path == "app.js"
