"""dockerfile-user: the fix gives the app's folder and code to the new user (``COPY --chown``, a
``chown`` of the WORKDIR) only where the app may write there: a call of its code that creates,
changes or removes a file (fs, fs-extra, multer's disk storage, a file log transport) or a
dependency that does (an embedded database, uploads, file logs). Otherwise USER alone is added:
the code stays root's, so the process serving traffic cannot change it. An image whose folder
holds no code of the project (it installs the app from the registry) may write anywhere as far
as the project shows, and keeps the chowns; one that starts a static file server writes nothing.
Folders the image makes for the app's data (VOLUME, ``mkdir``) are given to the user either
way."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

DOCKERFILE = ('FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\n'
              'COPY . .\nCMD ["node", "server.js"]\n')
SERVER = "const app = require('express')();\napp.get('/', (req, res) => res.send('ok'));\n" \
         "app.listen(3000);\n"


def _edits(project, files: dict[str, str], deps: dict[str, str] | None = None) -> list[str]:
    package = {"name": "n", "dependencies": {"express": "^4.21.0", **(deps or {})}}
    root = project({"package.json": json.dumps(package), "Dockerfile": DOCKERFILE, **files})
    [finding] = check(root, select=["dockerfile-user"]).findings
    assert finding.fix is not None and finding.fix.applicability == "safe"
    [change] = finding.fix.changes
    return [edit.content for edit in change.edits]


def test_an_app_that_writes_nothing_gets_user_alone(project) -> None:
    assert _edits(project, {"server.js": SERVER}) == ["USER node\n"]


@pytest.mark.parametrize("code", [
    "require('fs').appendFileSync('logs/access.log', 'up\\n');\n",
    "const fse = require('fs-extra');\nfse.ensureDir('./uploads');\n",
    "const winston = require('winston');\n"
    "winston.add(new winston.transports.File({ filename: 'app.log' }));\n",
    "require('fs/promises').writeFile('state.json', '{}');\n",
])
def test_an_app_that_writes_files_gets_its_folder(project, code) -> None:
    edits = _edits(project, {"server.js": code + SERVER})
    assert edits.count("--chown=node:node ") == 2
    assert " && chown node:node /app" in edits


def test_a_dependency_that_writes_in_the_folder_counts(project) -> None:
    edits = _edits(project, {"server.js": SERVER}, {"better-sqlite3": "^11.0.0"})
    assert " && chown node:node /app" in edits


def test_a_write_in_a_test_file_does_not_count(project) -> None:
    spec = "const fs = require('fs');\ntest('x', () => fs.writeFileSync('out.txt', ''));\n"
    assert _edits(project, {"server.js": SERVER, "test/app.test.js": spec}) == ["USER node\n"]


def test_a_data_folder_the_image_makes_is_still_given_to_the_user(project) -> None:
    dockerfile = DOCKERFILE.replace("RUN npm ci --omit=dev\n",
                                    "RUN npm ci --omit=dev && mkdir -p /app/cache\n")
    package = json.dumps({"name": "n", "dependencies": {"express": "^4.21.0"}})
    root = project({"package.json": package, "Dockerfile": dockerfile, "server.js": SERVER})
    [finding] = check(root, select=["dockerfile-user"]).findings
    [change] = finding.fix.changes
    assert [edit.content for edit in change.edits] == [" && chown node:node /app/cache",
                                                       "USER node\n"]


def test_an_image_of_code_the_project_does_not_hold_keeps_the_chowns(project) -> None:
    dockerfile = ('FROM node:22-slim\nWORKDIR /app\nCOPY image/package.json ./\n'
                  'RUN npm install\nCMD ["npm", "start"]\n')
    package = json.dumps({"name": "shop-image", "scripts": {"start": "shop start"},
                          "dependencies": {"@acme/shop": "2.2.1"}})
    root = project({"package.json": '{"name": "mono", "private": true}',
                    "image/package.json": package, "image/Dockerfile": dockerfile})
    [finding] = check(root, select=["dockerfile-user"]).findings
    [change] = finding.fix.changes
    edits = [edit.content for edit in change.edits]
    assert "--chown=node:node " in edits and " && chown node:node /app" in edits


def test_an_image_that_serves_files_gets_user_alone(project) -> None:
    dockerfile = ('FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n'
                  'CMD ["npm", "start"]\n')
    package = json.dumps({"name": "web", "scripts": {"build": "vite build",
                                                     "start": "serve -s dist"}})
    root = project({"package.json": '{"name": "api", "dependencies": {"express": "^4.21.0"}}',
                    "server.js": SERVER, "web/package.json": package,
                    "web/Dockerfile": dockerfile})
    [finding] = check(root, select=["dockerfile-user"]).findings
    [change] = finding.fix.changes
    assert [edit.content for edit in change.edits] == ["USER node\n"]
