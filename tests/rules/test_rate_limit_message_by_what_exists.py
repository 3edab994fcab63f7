"""rate-limit: the finding says passwords can be guessed only where the project has login or
password routes without a limiter of their own, or checks passwords elsewhere (HTTP Basic
auth, a password hash); where every login route limits its own attempts, it says only the
global limiter is missing (sample 9: MagicMirror RC-15, code-server #4). Whether the project
is reported does not change."""

from __future__ import annotations

from conftest import PACKAGE_JSON

from nodeharden import check

HEAD = "const express = require('express');\nconst app = express();\napp.use(express.json());\n"
TAIL = "app.listen(3000);\n"


def _messages(root) -> list[str]:
    report = check(root, select=["rate-limit"])
    assert not report.failed, report.failed
    return [f.message for f in report.findings]


def test_no_login_route_no_password_guessing(project) -> None:
    root = project({"package.json": PACKAGE_JSON,
                    "app.js": HEAD + "app.get('/config', (req, res) => res.json({}));\n" + TAIL})
    [message] = _messages(root)
    assert "flood every route without slowing down" in message
    assert "guess passwords" not in message


def test_password_check_without_login_route_still_says_guess(project) -> None:
    # HTTP Basic auth on every route: passwords are guessed there, login route or not.
    root = project({"package.json": PACKAGE_JSON, "app.js": HEAD
                    + "const basicAuth = require('express-basic-auth');\n"
                    + "app.use(basicAuth({ users: { admin: process.env.PW } }));\n"
                    + "app.get('/config', (req, res) => res.json({}));\n" + TAIL,
                    # a test's import does not count
                    "test/auth.test.js": "const basicAuth = require('express-basic-auth');\n"})
    [message] = _messages(root)
    assert "guess passwords" in message


def test_login_answering_429_itself(project) -> None:
    root = project({"package.json": PACKAGE_JSON, "app.js": HEAD
                    + "const tries = new Map();\n"
                    + "app.post('/login', (req, res) => {\n"
                    + "  const n = (tries.get(req.ip) || 0) + 1; tries.set(req.ip, n);\n"
                    + "  if (n > 5) return res.status(429).send('slow down');\n"
                    + "  res.json({ ok: true });\n});\n" + TAIL})
    [message] = _messages(root)
    assert "guess passwords" not in message
    assert "(the login route limits its own attempts, app.js:5: only a global limiter is " \
           "missing)" in message


def test_login_gated_by_a_limiter_package_in_a_router_module(project) -> None:
    # A class of the route's module wraps `limiter`; the handler checks an instance of it and
    # renders the form again (no 429): the login is limited all the same.
    routes = ("const { Router } = require('express');\n"
              "const { RateLimiter: Limiter } = require('limiter');\n"
              "class Attempts {\n"
              "  constructor() { this.bucket = new Limiter({ tokensPerInterval: 2, "
              "interval: 'minute' }); }\n"
              "  canTry() { return this.bucket.getTokensRemaining() >= 1; }\n}\n"
              "const attempts = new Attempts();\n"
              "const router = Router();\n"
              "router.post('/', (req, res) => {\n"
              "  if (!attempts.canTry()) return res.send('form: too many attempts');\n"
              "  res.redirect('/');\n});\n"
              "module.exports = router;\n")
    root = project({"package.json": PACKAGE_JSON, "routes/login.js": routes, "app.js": HEAD
                    + "app.use('/login', require('./routes/login'));\n" + TAIL})
    [message] = _messages(root)
    assert "guess passwords" not in message
    assert "the login route limits its own attempts, routes/login.js:9" in message


def test_unlimited_login_still_says_guess(project) -> None:
    # Near misses: a login without a limiter, and one that only tests a 429 it receives from
    # another service (a client backing off, no limiter of the app's own requests).
    plain = project({"package.json": PACKAGE_JSON, "app.js": HEAD
                     + "app.post('/login', (req, res) => res.json({ ok: true }));\n" + TAIL},
                    name="plain")
    assert all("guess passwords" in m for m in _messages(plain))
    client = project({"package.json": PACKAGE_JSON, "app.js": HEAD
                      + "app.post('/login', async (req, res) => {\n"
                      + "  const r = await fetch('https://idp.example/check');\n"
                      + "  if (r.status === 429) return res.status(429).send('busy');\n"
                      + "  res.json({ ok: r.ok });\n});\n" + TAIL}, name="client")
    assert all("guess passwords" in m for m in _messages(client))
    # one login limited, the other not: passwords can still be guessed
    mixed = project({"package.json": PACKAGE_JSON, "app.js": HEAD
                     + "app.post('/login', (req, res) => res.status(429).end());\n"
                     + "app.post('/forgot', (req, res) => res.sendStatus(204));\n" + TAIL},
                    name="mixed")
    assert all("guess passwords" in m for m in _messages(mixed))
