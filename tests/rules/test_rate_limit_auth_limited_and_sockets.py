"""rate-limit (sample 10): a limiter package on the sign-in paths counts as the project's rate
limiting (uptime-kuma: socket.io login and HTTP Basic auth authorizers behind `limiter`), and
an app whose costly entry point is a socket.io/ws server, with Express serving only reads, is
reported with what to limit there, without an Express limiter (wetty)."""

from __future__ import annotations

from conftest import PACKAGE_JSON

from nodeharden import check, fix

HEAD = "const express = require('express');\nconst app = express();\n"
SOCKET = ("const { Server } = require('socket.io');\n"
          "module.exports = (server) =>\n"
          "  new Server(server).on('connection', (s) => s.emit('hi'));\n")
TAIL = ("const server = require('http').createServer(app);\n"
        "require('./live')(server);\nserver.listen(3000);\n")


def _findings(root):  # type: ignore[no-untyped-def]
    report = check(root, select=["rate-limit"])
    assert not report.failed, report.failed
    return report.findings


def test_limiter_checked_in_a_login_route_counts(project) -> None:
    # Every login route takes a token from a `limiter` bucket before checking the password.
    root = project({"package.json": PACKAGE_JSON, "app.js": HEAD
                    + "const { RateLimiter } = require('limiter');\n"
                    + "const tries = new RateLimiter({ tokensPerInterval: 5,"
                    + " interval: 'minute' });\n"
                    + "app.post('/login', (req, res) => {\n"
                    + "  if (!tries.tryRemoveTokens(1)) return res.send('wait');\n"
                    + "  res.redirect('/');\n});\napp.listen(3000);\n"})
    assert _findings(root) == []


def test_password_parameter_and_login_event(project) -> None:
    gated = ("const { RateLimiter } = require('limiter');\n"
             "const bucket = new RateLimiter({ tokensPerInterval: 5, interval: 'minute' });\n"
             "module.exports = (io) => io.on('connection', (socket) => {\n"
             "  socket.on('login', async (form, reply) => {\n"
             "    if ((await bucket.removeTokens(1)) < 0) return reply(false);\n"
             "    reply(true);\n  });\n});\n")
    root = project({"package.json": PACKAGE_JSON, "sock.js": gated, "app.js": HEAD
                    + "app.use(express.json());\napp.post('/notes', (req, res) => res.end());\n"
                    + "app.listen(3000);\n"})
    assert _findings(root) == []


def test_unlimited_login_route_beside_a_limited_socket_login_is_reported(project) -> None:
    gated = ("const { RateLimiter } = require('limiter');\n"
             "const bucket = new RateLimiter({ tokensPerInterval: 5, interval: 'minute' });\n"
             "function check(user, password, cb) {\n"
             "  bucket.removeTokens(1).then(() => cb(null, true));\n}\n"
             "module.exports = { check };\n")
    root = project({"package.json": PACKAGE_JSON, "auth.js": gated, "app.js": HEAD
                    + "app.post('/login', (req, res) => res.sendStatus(204));\n"
                    + "app.listen(3000);\n"})
    [finding] = _findings(root)
    assert "guess passwords" in finding.message


def test_limiter_used_off_the_auth_paths_does_not_count(project) -> None:
    paced = ("const Bottleneck = require('bottleneck');\n"
             "const pace = new Bottleneck({ minTime: 200 });\n"
             "async function sync(account) { return pace.schedule(() => account.pull()); }\n"
             "module.exports = { sync };\n")
    root = project({"package.json": PACKAGE_JSON, "sync.js": paced, "app.js": HEAD
                    + "app.post('/sync', (req, res) => res.sendStatus(202));\napp.listen(3000);\n"})
    assert len(_findings(root)) == 1


def test_socket_server_and_read_only_express_app(project) -> None:
    root = project({"package.json": PACKAGE_JSON, "live.js": SOCKET, "app.js": HEAD
                    + "app.use(express.static('public'));\n"
                    + "app.get('/', (req, res) => res.sendFile('index.html'));\n" + TAIL})
    [finding] = _findings(root)
    assert finding.fix is None
    assert "no limit on the WebSocket server (live.js:3)" in finding.message
    assert "io.use(" in finding.message
    assert fix(root, dry_run=True, select=["rate-limit"], unsafe=True).plan.changed_paths() == []


def test_ws_client_is_no_socket_server(project) -> None:
    client = ("const WebSocket = require('ws');\n"
              "module.exports = () => new WebSocket('wss://feed.example');\n")
    root = project({"package.json": PACKAGE_JSON, "feed.js": client, "app.js": HEAD
                    + "app.get('/', (req, res) => res.send('ok'));\napp.listen(3000);\n"})
    [finding] = _findings(root)
    assert "flood every route" in finding.message


def test_socket_server_beside_writes_or_a_login_keeps_the_express_finding(project) -> None:
    writes = project({"package.json": PACKAGE_JSON, "live.js": SOCKET, "app.js": HEAD
                      + "app.use(express.json());\n"
                      + "app.get('/', (req, res) => res.send('ok'));\n" + TAIL}, name="writes")
    [finding] = _findings(writes)
    assert "flood every route" in finding.message
    login = project({"package.json": PACKAGE_JSON, "live.js": SOCKET, "app.js": HEAD
                     + "app.post('/login', (req, res) => res.sendStatus(204));\n" + TAIL},
                    name="login")
    [finding] = _findings(login)
    assert "guess passwords" in finding.message
