"""An Express app beside a socket.io server that mounts only ``cors()`` and a router module
of routes that cannot fail (a status route: held-out sample 35's chat server) gives errors
no way to reach Express's default handler and a limiter nothing to protect: neither
error-handler nor rate-limit reports it. A router route that reads the request, a cors
``origin`` function, or a router module that does more keeps the findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nodeharden import check

from conftest import write_tree

PACKAGE = json.dumps({"name": "chat", "dependencies": {
    "express": "^4.17.1", "cors": "^2.8.5", "socket.io": "^2.2.0"}})

INDEX = """\
const http = require('http');
const express = require('express');
const socketio = require('socket.io');
const cors = require('cors');

const router = require('./router');

const app = express();
const server = http.createServer(app);
const io = socketio(server);

app.use(cors(%s));
app.use(router);

io.on('connect', (socket) => {
  socket.on('sendMessage', (message, callback) => {
    io.emit('message', { text: message });
    callback();
  });
});

server.listen(process.env.PORT || 5000, () => console.log('Server has started.'));
"""

ROUTER = """\
const express = require("express");
const router = express.Router();

router.get("/", (req, res) => {
  res.send({ response: "Server is up and running." }).status(200);
});
%s
module.exports = router;
"""


def rules_of(tmp_path: Path, cors: str = "", route: str = "", name: str = "p") -> list[str]:
    root = write_tree(tmp_path / name, {"package.json": PACKAGE,
                                        "server/index.js": INDEX % cors,
                                        "server/router.js": ROUTER % route})
    report = check(root, select=["error-handler", "rate-limit", "helmet"])
    assert not report.failed, report.failed
    return sorted(f.rule for f in report.findings)


def test_cors_and_a_status_router_leave_only_the_headers(tmp_path: Path) -> None:
    assert rules_of(tmp_path) == ["helmet"]
    assert rules_of(tmp_path, cors="{ origin: 'https://chat.example' }", name="q") == ["helmet"]


@pytest.mark.parametrize(("cors", "route"), [
    ("", "router.get('/rooms', (req, res) => res.json({ room: req.query.room.trim() }));\n"),
    ("{ origin: (origin, done) => done(null, true) }", ""),
    ("", "router.use((req, res, next) => next());\n"),
])
def test_anything_that_may_fail_keeps_the_findings(tmp_path: Path, cors: str,
                                                   route: str) -> None:
    assert rules_of(tmp_path, cors=cors, route=route) == ["error-handler", "helmet",
                                                          "rate-limit"]


def test_without_a_socket_server_the_status_app_still_gets_a_limiter(tmp_path: Path) -> None:
    """A limiter protects an app's own routes from floods: only a WebSocket server beside
    the app tells that its clients' traffic goes elsewhere."""
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE, "server/router.js": ROUTER % "",
        "server/index.js": INDEX.replace("const socketio = require('socket.io');\n", "")
        .replace("const io = socketio(server);\n", "").split("io.on(")[0] % ""
        + "server.listen(5000);\n"})
    report = check(root, select=["error-handler", "rate-limit"])
    assert sorted(f.rule for f in report.findings) == ["rate-limit"]
