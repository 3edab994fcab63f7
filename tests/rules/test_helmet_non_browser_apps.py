"""helmet: apps no browser loads get no finding.

An app only run for WebSocket upgrades (``app.handle(req, new http.ServerResponse(req))`` in an
``upgrade`` listener, through a project function) or only listened on a Unix socket path
(``app.listen('/run/x.sock')``, a server made from it listened through a project helper that
listens with the ``{ socket: p }`` it is given) that only programs load is skipped: the project
itself connects to that socket (``socketPath``), the app renders no page, serves no files, sets
no cookie, and no proxy configuration of the repo passes requests to a Unix socket. The same app
also listened on a port, here or in another file, exported by its declaration, or a socket a
proxy (or nothing in the project) connects to keeps its finding.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree

from nodeharden._api import check

PACKAGE_JSON = '{"name": "t", "private": true, "dependencies": {"express": "^5.1.0"}}\n'


def _helmet(root: Path) -> list[str]:
    return [f"{f.path}:{f.line} {f.message}" for f in check(root, select=["helmet"]).findings]


DISPATCH = """\
const http = require('http');

exports.onUpgrade = (app, server) => {
  server.on('upgrade', (req, socket, head) => {
    req.socket = socket;
    app.handle(req, new http.ServerResponse(req), () => socket.end());
  });
};
"""

UPGRADE_APP = """\
const express = require('express');
const http = require('http');
const { onUpgrade } = require('./dispatch');

function start() {
  const web = express();
  web.disable('x-powered-by');
  web.get('/', (req, res) => res.send('<p>page</p>'));
  const server = http.createServer(web);
  server.listen(8080);

  const sockets = express();
  sockets.get('/live', (req) => {
    req.socket.write('HTTP/1.1 101 Switching Protocols\\r\\n\\r\\n');
  });
  onUpgrade(sockets, server);
  return { web, sockets, server };
}
module.exports = start;
"""


def test_upgrade_only_app_is_skipped(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE_JSON, "server.js": UPGRADE_APP,
                                 "dispatch.js": DISPATCH})
    found = _helmet(root)
    assert [f.split(" ")[0] for f in found] == ["server.js:6"], found


def test_upgrade_app_also_listened_keeps_finding(tmp_path: Path) -> None:
    app = UPGRADE_APP.replace("  onUpgrade(sockets, server);\n",
                              "  onUpgrade(sockets, server);\n  sockets.listen(9090);\n")
    root = write_tree(tmp_path, {"package.json": PACKAGE_JSON, "server.js": app,
                                 "dispatch.js": DISPATCH})
    assert sorted(f.split(" ")[0] for f in _helmet(root)) == ["server.js:12", "server.js:6"]


def test_upgrade_app_listened_elsewhere_keeps_finding(tmp_path: Path) -> None:
    other = ("const start = require('./server');\nconst parts = start();\n"
             "parts.sockets.listen(9090);\n")
    root = write_tree(tmp_path, {"package.json": PACKAGE_JSON, "server.js": UPGRADE_APP,
                                 "dispatch.js": DISPATCH, "main.js": other})
    assert sorted(f.split(" ")[0] for f in _helmet(root)) == ["server.js:12", "server.js:6"]


IPC_APP = """\
import express from 'express'
import * as http from 'http'
import { serve } from './serve.js'

export async function control(socketFile: string): Promise<http.Server> {
  const api = express()
  api.use(express.json())
  api.post('/reload', (req, res) => { res.json({ ok: true }) })
  const server = http.createServer(api)
  await serve(server, { socket: socketFile })
  return server
}
"""

SERVE = """\
import * as http from 'http'

export const serve = (server: http.Server, opts: { socket?: string; port?: number }) =>
  new Promise<void>((resolve) => {
    if (opts.socket) server.listen(opts.socket, resolve)
    else server.listen(opts.port, resolve)
  })
"""


#: The project's own command-line client of the control socket.
CLIENT = """\
import * as http from 'http'

export class ControlClient {
  constructor(private socketFile: string) {}
  reload(): void {
    http.request({ socketPath: this.socketFile, path: '/reload', method: 'POST' }).end()
  }
}
"""


def test_unix_socket_app_is_skipped(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE_JSON, "src/control.ts": IPC_APP,
                                 "src/serve.ts": SERVE, "src/client.ts": CLIENT})
    assert _helmet(root) == []


def test_unix_socket_no_client_of_the_project_keeps_finding(tmp_path: Path) -> None:
    """Nothing shows who connects: a web server (nginx…) outside the repo may."""
    root = write_tree(tmp_path, {"package.json": PACKAGE_JSON, "src/control.ts": IPC_APP,
                                 "src/serve.ts": SERVE})
    assert [f.split(" ")[0] for f in _helmet(root)] == ["src/control.ts:6"]


ADMIN = """\
const express = require('express');
const http = require('http');
const admin = express();
admin.get('/stats', (req, res) => res.json({}));
admin.listen('/run/admin.sock');
exports.stats = () => http.get({ socketPath: '/run/admin.sock', path: '/stats' });
"""


def test_unix_socket_literal_and_port_listen(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE_JSON, "admin.js": ADMIN})
    assert _helmet(root) == []
    (tmp_path / "admin.js").write_text(
        (tmp_path / "admin.js").read_text() + "admin.listen(process.env.PORT || 3000);\n")
    assert len(_helmet(root)) == 1


def test_socket_option_with_port_keeps_finding(tmp_path: Path) -> None:
    app = IPC_APP.replace("{ socket: socketFile }", "{ socket: socketFile, port: 8080 }")
    root = write_tree(tmp_path, {"package.json": PACKAGE_JSON, "src/control.ts": app,
                                 "src/serve.ts": SERVE})
    assert len(_helmet(root)) == 1


def test_unix_socket_behind_a_proxy_keeps_finding(tmp_path: Path) -> None:
    """nginx passes browsers to the socket: the app's pages are loaded by browsers."""
    root = write_tree(tmp_path, {
        "package.json": PACKAGE_JSON, "admin.js": ADMIN,
        "deploy/nginx.conf": "server {\n  listen 443 ssl;\n  location / {\n"
                             "    proxy_pass http://unix:/run/admin.sock;\n  }\n}\n",
    })
    assert [f.split(" ")[0] for f in _helmet(root)] == ["admin.js:3"]


def test_unix_socket_app_rendering_pages_keeps_finding(tmp_path: Path) -> None:
    app = ADMIN.replace("res.json({})", "res.render('stats')")
    root = write_tree(tmp_path, {"package.json": PACKAGE_JSON, "admin.js": app})
    assert [f.split(" ")[0] for f in _helmet(root)] == ["admin.js:3"]


def test_socket_path_option_of_a_websocket_helper_is_no_listen(tmp_path: Path) -> None:
    """``{ path: '/socket.io' }`` given to a helper that never listens is a WebSocket path;
    the server returned unlistened is listened on a port by its caller."""
    server = """\
    const http = require('http');
    const express = require('express');

    function live(srv, opts) {
      srv.on('upgrade', () => {});
      return opts.path;
    }

    module.exports = function make() {
      const app = express();
      app.get('/', (req, res) => res.send('<h1>board</h1>'));
      const server = http.createServer(app);
      live(server, { path: '/socket.io' });
      return server;
    };
    """
    index = "require('./server')().listen(process.env.PORT || 3000);\n"
    root = write_tree(tmp_path, {"package.json": PACKAGE_JSON, "server.js": server,
                                 "index.js": index})
    assert [f.split(" ")[0] for f in _helmet(root)] == ["server.js:10"]


def test_server_returned_before_its_socket_listen_keeps_finding(tmp_path: Path) -> None:
    app = ADMIN.replace("admin.listen('/run/admin.sock');\n", "") + """\
exports.server = () => {
  const server = http.createServer(admin);
  if (process.env.PORT) return server;
  server.listen('/run/admin.sock');
  return server;
};
"""
    root = write_tree(tmp_path, {"package.json": PACKAGE_JSON, "admin.js": app})
    assert [f.split(" ")[0] for f in _helmet(root)] == ["admin.js:3"]


def test_app_exported_by_its_declaration_keeps_finding(tmp_path: Path) -> None:
    app = """\
    import express from 'express';
    import http from 'node:http';
    export const admin = express();
    admin.get('/', (req, res) => res.json({}));
    const ipc = http.createServer(admin);
    ipc.listen('/tmp/admin.sock');
    export const ping = () => http.get({ socketPath: '/tmp/admin.sock' });
    """
    root = write_tree(tmp_path, {"package.json": PACKAGE_JSON, "admin.mjs": app,
                                 "main.mjs": "import { admin } from './admin.mjs';\n"
                                             "admin.listen(8080);\n"})
    assert [f.split(" ")[0] for f in _helmet(root)] == ["admin.mjs:3"]
    (root / "admin.mjs").write_text(app.replace("export const admin", "const admin"))
    (root / "main.mjs").unlink()
    assert _helmet(root) == []
