"""End to end for issue 15's session rules, with real npm install, real node and real HTTP:

- an app with a literal session secret and a supertest suite that imports it: after
  ``fix --unsafe`` the suite still passes (no throw at import), and ``NODE_ENV=production node
  app.js`` without the secret exits non-zero with the message (acceptance 4);
- after a safe ``fix`` on an app with sessions and no ``trust proxy``, forged
  ``X-Forwarded-For`` headers do not get past the rate limit the same run added (acceptance 5).

One ``npm install`` serves both apps (their node_modules are links to it).
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import have_node, linked_app, npm_env, npm_install, run_cli, serve_app, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are needed")]

PACKAGE_JSON = {
    "name": "sessions",
    "version": "1.0.0",
    "private": True,
    "main": "app.js",
    "scripts": {"test": "node --test test/"},
    "dependencies": {"express": "^5.1.0", "express-session": "^1.18.1",
                     "rate-limiter-flexible": "^7.1.1"},
    "devDependencies": {"supertest": "^7.1.0"},
}

APP = """
const express = require('express');
const session = require('express-session');

const app = express();
app.use(express.json());
app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));

app.post('/login', (req, res) => {
  if (req.body.user !== 'alice') return res.status(401).json({ ok: false });
  req.session.user = 'alice';
  res.json({ ok: true });
});

app.get('/me', (req, res) => {
  if (!req.session.user) return res.status(401).json({ user: null });
  res.json({ user: req.session.user });
});

module.exports = app;

if (require.main === module) {
  const server = app.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
    console.log('listening ' + server.address().port);
  });
}
"""

SUITE = """
const test = require('node:test');
const request = require('supertest');
const app = require('../app');

test('a login keeps its session', async () => {
  const agent = request.agent(app);
  await agent.post('/login').send({ user: 'alice' }).expect(200);
  const me = await agent.get('/me').expect(200);
  if (me.body.user !== 'alice') throw new Error('lost the session: ' + JSON.stringify(me.body));
});

test('a stranger gets 401', async () => {
  await request(app).post('/login').send({ user: 'mallory' }).expect(401);
});
"""


def _env_without(*names: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in npm_env().items() if k not in names}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("sessions") / "base", {
        "package.json": json.dumps(PACKAGE_JSON, indent=2) + "\n"})
    npm_install(root)
    return root


def _app(tmp_path: Path, installed: Path, name: str, config: str = "") -> Path:
    files: dict[str, str | bytes] = {
        "package.json": json.dumps(PACKAGE_JSON, indent=2) + "\n",
        "app.js": APP,
        "test/app.test.js": SUITE,
    }
    if config:
        files[".nodeharden.yml"] = config
    return linked_app(tmp_path / name, files, installed)


def _npm_test(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["npm", "test"], cwd=root, capture_output=True, text=True, timeout=300,
                          env=_env_without("SESSION_SECRET", "NODE_ENV"))


def test_unsafe_secret_fix_keeps_the_suite_green_and_stops_production_without_it(
        tmp_path: Path, installed: Path) -> None:
    root = _app(tmp_path, installed, "secret")
    before = _npm_test(root)
    assert before.returncode == 0, before.stdout + before.stderr

    done = run_cli("fix", root, "--unsafe", "--select", "hardcoded-secret,session-cookie")
    assert done.returncode == 0, done.stdout + done.stderr
    source = (root / "app.js").read_text()
    assert "keyboard cat" not in source and "secret: process.env.SESSION_SECRET" in source
    assert "trust proxy" not in source

    # The suite imports the app without SESSION_SECRET: no throw, one warning, still green.
    after = _npm_test(root)
    assert after.returncode == 0, after.stdout + after.stderr
    assert (after.stdout + after.stderr).count("SESSION_SECRET is not set") == 1

    # Production without the secret refuses to start, with the message.
    prod = subprocess.run(["node", "app.js"], cwd=root, capture_output=True, text=True,
                          timeout=60, env=_env_without("SESSION_SECRET", NODE_ENV="production"))
    assert prod.returncode != 0
    assert "SESSION_SECRET must be set in production" in prod.stderr
    assert "listening" not in prod.stdout

    # With the secret, production starts and serves a session.
    env = _env_without(NODE_ENV="production", SESSION_SECRET="e2e-" + "x" * 40)
    proc = subprocess.Popen(["node", "app.js"], cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening "), line + (proc.stderr.read() if proc.stderr else "")
        port = line.split()[1]
        req = urllib.request.Request(f"http://127.0.0.1:{port}/login", method="POST",
                                     data=b'{"user": "alice"}',
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as answer:
            assert answer.status == 200
            cookie = answer.headers.get("Set-Cookie", "")
        assert cookie.startswith("sid=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_safe_fix_never_trusts_a_proxy_so_forged_forwarded_for_is_limited(
        tmp_path: Path, installed: Path) -> None:
    points = 40
    root = _app(tmp_path, installed, "limited",
                f"rate_limit:\n  points: {points}\n  duration: 60\n")
    done = run_cli("fix", root, "--select", "session-cookie")  # its safe fixes only
    assert done.returncode == 0, done.stdout + done.stderr
    # The limiter's fix is unsafe (its limits are the deployer's call); even then it never
    # trusts a proxy.
    done = run_cli("fix", root, "--select", "rate-limit", "--unsafe")
    assert done.returncode == 0, done.stdout + done.stderr
    sources = {p: p.read_text() for p in root.rglob("*.js") if "node_modules" not in p.parts}
    # No statement sets it (the limiter's comment may name the setting).
    assert not [p for p, text in sources.items()
                if re.search(r"""\.(?:set|enable)\(\s*['"]trust proxy""", text)]
    assert any("rate-limiter-flexible" in text for text in sources.values()), sources
    source = sources[root / "app.js"]
    assert "sameSite: 'lax'" in source and "secure:" not in source  # secure waits for --unsafe

    statuses: list[int] = []
    with serve_app(root) as base:
        for i in range(400):
            forged = f"203.0.{i // 250}.{i % 250 + 1}"
            req = urllib.request.Request(f"{base}/me", headers={"X-Forwarded-For": forged})
            try:
                with urllib.request.urlopen(req, timeout=10) as answer:
                    statuses.append(answer.status)
            except urllib.error.HTTPError as err:
                statuses.append(err.code)
    # Every request comes from 127.0.0.1, whatever X-Forwarded-For says: once the points are
    # spent, every further forged request is refused.
    assert statuses[:points] == [401] * points, statuses[:points + 5]
    assert statuses[points:] == [429] * (400 - points), sorted(set(statuses[points:]))

