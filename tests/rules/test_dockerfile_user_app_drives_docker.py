"""dockerfile-user: an image whose app drives the host's Docker daemon through its socket.

A control panel that starts and stops containers opens /var/run/docker.sock from its own code.
Run as `node`, it could no longer open the socket (root:docker 0660), so the USER line the fix
adds would stop the product; and holding the socket is root on the host whatever the USER. As for a
documented run that mounts the socket, the image is not reported."""

from __future__ import annotations

from nodeharden import check

PACKAGE = '{"name": "panel", "dependencies": {"express": "^4.21.0", "dockerode": "^4.0.0"}}'
SERVER = "require('express')().listen(4000);\n"
DOCKER = ("const Docker = require('dockerode');\n"
          "module.exports = new Docker({ socketPath: '/var/run/docker.sock' });\n")
IMAGE = ('FROM node:22-alpine\nWORKDIR /srv/panel\nCOPY . .\nRUN npm ci --omit=dev\n'
         'ENV NODE_ENV production\nCMD ["node", "server.js"]\n')


def _findings(project, files: dict[str, str]):
    root = project({"package.json": PACKAGE, "server.js": SERVER, **files})
    return {f.path: f for f in check(root, select=["dockerfile-user"]).findings}


def test_an_app_that_opens_the_docker_socket_gets_no_user_line(project) -> None:
    found = _findings(project, {"src/docker.js": DOCKER, "dockerfile-panel.release": IMAGE})
    assert found == {}


def test_an_app_without_the_socket_keeps_its_fix(project) -> None:
    found = _findings(project, {"dockerfile-panel.release": IMAGE})
    assert found["dockerfile-panel.release"].fix is not None
