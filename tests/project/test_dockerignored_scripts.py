"""A file the project's Docker image leaves out (``.dockerignore``), that no shipped file
imports and no script, Procfile, compose file or Dockerfile starts, is a script run by hand
(a developer's debugging server under ``extra/``): it is left out of the scan with a reason
naming the ignore file. Everything else about such a file keeps it application code."""

from __future__ import annotations

import pytest

from conftest import check_json
from nodeharden._roles import dockerignore_matcher

SERVER = """\
    const express = require('express');
    const app = express();
    app.get('/', (req, res) => res.send('ok'));
    app.listen(3000);
    """
DOCKERFILE = """\
    FROM node:22-alpine
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci --omit=dev
    COPY . .
    USER node
    CMD ["npm", "start"]
    """
PACKAGE = ('{"name": "svc", "scripts": {"start": "node server.js", '
           '"print-hooks": "node tools/named.js"}, "dependencies": {"express": "^4.21.0"}}\n')


def reported(report: dict) -> set[str]:
    return {f["path"] for f in report["findings"]}


def test_a_server_the_image_leaves_out_is_a_script(project) -> None:
    root = project({
        "package.json": PACKAGE, "Dockerfile": DOCKERFILE,
        ".dockerignore": "# not in the image\nnode_modules/\ntools/\n!tools/keep.js\n",
        "server.js": SERVER.replace("app.listen", "require('./tools/used');\napp.listen"),
        "tools/hook-printer.js": SERVER,    # left out, started by hand: a script
        "tools/keep.js": SERVER,            # re-included by `!`
        "tools/named.js": SERVER,           # run by a package.json script
        "tools/used.js": SERVER,            # imported by the shipped server
    })
    report = check_json(root)
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert reasons["tools/hook-printer.js"] == (
        "script: left out of the Docker image by .dockerignore, and nothing imports or starts "
        "it (a script run by hand)")
    assert "tools/hook-printer.js" not in reported(report)
    assert {"server.js", "tools/keep.js", "tools/named.js", "tools/used.js"} <= reported(report)
    assert not {"tools/keep.js", "tools/named.js", "tools/used.js"} & set(reasons)
    # Opted in, it is judged like the rest.
    assert "tools/hook-printer.js" in reported(check_json(root, "--include", "scripts"))


@pytest.mark.parametrize("files", [
    # No Dockerfile: nothing says what is deployed.
    {"Dockerfile": None},
    # The image copies only its own folders: the ignore file says nothing about tools/.
    {"Dockerfile": DOCKERFILE.replace("COPY . .", "COPY server.js ./")},
    # The image runs output compiled outside it (src/ left out, dist/ shipped): the sources
    # the ignore file leaves out are the app's.
    {"package.json": PACKAGE.replace("node server.js", "node dist/server.js")},
    # A Procfile starts it.
    {"Procfile": "web: node server.js\nhooks: node tools/hook-printer.js\n"},
    # BuildKit's ignore file of this Dockerfile wins over the root's, and ships it.
    {"Dockerfile.dockerignore": "node_modules/\n"},
])
def test_without_every_signal_the_file_stays_application_code(project, files) -> None:
    tree = {"package.json": PACKAGE, "Dockerfile": DOCKERFILE, ".dockerignore": "tools\n",
            "server.js": SERVER, "tools/hook-printer.js": SERVER}
    tree.update(files)
    root = project({rel: text for rel, text in tree.items() if text is not None})
    report = check_json(root)
    assert "tools/hook-printer.js" in reported(report)
    assert not any(s["path"] == "tools/hook-printer.js" for s in report["skipped"])


@pytest.mark.parametrize("lines, path, left_out", [
    ("extra/", "extra/a.js", True),
    ("/extra", "extra/sub/a.js", True),
    ("./extra", "extra/a.js", True),
    ("extra/", "src/extra/a.js", False),       # anchored to the context, unlike git
    ("*.js", "a.js", True),
    ("*.js", "src/a.js", False),
    ("**/*.js", "src/a.js", True),
    ("extra/*", "extra/sub/a.js", True),       # the folder matches: all below goes
    ("*\n!src", "src/a.js", False),            # `!` re-includes inside an excluded folder
    ("*\n!src", "extra/a.js", True),
    ("extra\n!extra/keep.js", "extra/keep.js", False),
    ("# extra\n\n", "extra/a.js", False),
])
def test_dockerignore_semantics(lines: str, path: str, left_out: bool) -> None:
    assert dockerignore_matcher(lines)(path) is left_out
