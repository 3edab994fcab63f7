"""node-env: an image whose start runs a static file server or a web server (``serve -s dist``,
directly or through the package script it runs) runs no Express app, so NODE_ENV changes
nothing it answers: no finding. dockerfile-user still judges such an image (a root process is
root whatever it serves)."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

SERVER = ("const express = require('express');\nconst app = express();\n"
          "app.get('/', (req, res) => res.send('ok'));\napp.listen(3000);\n")


def _findings(project, files: dict[str, str], rules: list[str]):
    root = project(files)
    return [(f.rule, f.path) for f in check(root, select=rules).findings]


def _ui(scripts: dict[str, str], cmd: str) -> dict[str, str]:
    """A repository with an Express API at the root and a front end in web/ whose image
    builds it and serves the result."""
    return {
        "package.json": '{"name": "api", "dependencies": {"express": "^4.21.0"}}',
        "server.js": SERVER,
        "web/package.json": json.dumps({"name": "web", "scripts": scripts,
                                        "devDependencies": {"vite": "^5.0.0",
                                                            "serve": "^14.2.0"}}),
        "web/src/main.js": "document.body.textContent = 'hi';\n",
        "web/Dockerfile": ("FROM node:20-slim\nWORKDIR /app\nCOPY web/ .\nRUN npm ci\n"
                           f"RUN npm run build\nEXPOSE 3000\nCMD {cmd}\n"),
    }


@pytest.mark.parametrize(("scripts", "cmd"), [
    ({"build": "vite build", "start": "serve -s dist -p 3000"}, '["npm", "start"]'),
    ({"build": "vite build", "web:start": "npx --yes serve dist"},
     '["npm", "run", "web:start"]'),
    ({"build": "vite build"}, '["npx", "http-server", "dist", "-p", "3000"]'),
    ({"build": "vite build", "serve": "serve dist", "start": "yarn serve"}, "yarn start"),
])
def test_an_image_that_serves_files_is_not_reported(project, scripts, cmd) -> None:
    assert _findings(project, _ui(scripts, cmd), ["node-env"]) == []


def test_it_is_still_run_as_root(project) -> None:
    files = _ui({"build": "vite build", "start": "serve -s dist"}, '["npm", "start"]')
    assert _findings(project, files, ["dockerfile-user"]) == [("dockerfile-user",
                                                               "web/Dockerfile")]


def test_an_image_that_starts_the_app_is_still_reported(project) -> None:
    files = _ui({"build": "vite build", "start": "node server.js", "serve": "serve dist"},
                '["npm", "start"]')
    assert _findings(project, files, ["node-env"]) == [("node-env", "web/Dockerfile")]
