"""node-env: an app loaded only by a launcher that sets NODE_ENV=production when it is unset,
before it loads the app (spark-wallet's CLI, sample 32: ``process.env.NODE_ENV ||
(process.env.NODE_ENV = 'production')`` then ``require('./app')``), starts in production mode
without the image's help: its Dockerfile is not reported. Real node runs each launcher and
prints the mode Express starts in."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import installed_once, linked_app, write_tree
from nodeharden._api import check

PACKAGE = json.dumps({"name": "wallet", "bin": "cli.js", "dependencies": {"express": "^5.1.0"}})
DOCKERFILE = """FROM node:22-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
USER node
CMD ["node", "cli.js"]
"""
APP = """\
const express = require('express');
const app = express();
app.get('/', (req, res) => res.send('ok'));
console.log(app.get('env'));
module.exports = app;
"""
DEFAULT = "process.env.NODE_ENV || (process.env.NODE_ENV = 'production')\n"
LAUNCHERS = {
    "set-then-load": DEFAULT + "require('./app')\n",
    "assigned-then-load": "process.env.NODE_ENV = process.env.NODE_ENV || 'production';\n"
                          "const app = require('./app');\n",
    "load-then-set": "const app = require('./app');\n" + DEFAULT,
    "static-import": "import app from './app.js';\n" + DEFAULT.replace("\n", ";\n"),
}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return installed_once(tmp_path_factory, "launcher", PACKAGE)


def _reported(root: Path) -> bool:
    report = check(root, select=["node-env"])
    assert not report.failed, report.failed
    return any(f.path == "Dockerfile" for f in report.findings)


@pytest.mark.parametrize("launcher, production", [
    ("set-then-load", True), ("assigned-then-load", True), ("load-then-set", False),
], ids=lambda v: v if isinstance(v, str) else "")
def test_a_launcher_that_defaults_to_production_first_is_the_apps_mode(
        installed: Path, tmp_path: Path, launcher: str, production: bool) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE, "Dockerfile": DOCKERFILE,
                                         "app.js": APP, "cli.js": LAUNCHERS[launcher]},
                      installed)
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin"}  # NODE_ENV unset, as in the image
    mode = subprocess.run(["node", "cli.js"], cwd=root, capture_output=True, text=True,
                          timeout=60, env=env, check=True).stdout.strip()
    assert mode == ("production" if production else "development")
    assert _reported(root) is not production


def test_a_static_import_runs_first_and_another_loader_counts_too(tmp_path: Path) -> None:
    esm = write_tree(tmp_path / "esm", {
        "package.json": json.dumps({**json.loads(PACKAGE), "type": "module"}),
        "Dockerfile": DOCKERFILE, "app.js": APP.replace("const express = require('express');",
                                                        "import express from 'express';")
                                               .replace("module.exports = app;",
                                                        "export default app;"),
        "cli.js": LAUNCHERS["static-import"]})
    assert _reported(esm)
    second = write_tree(tmp_path / "second", {
        "package.json": PACKAGE, "Dockerfile": DOCKERFILE, "app.js": APP,
        "cli.js": LAUNCHERS["set-then-load"],
        "server.js": "require('./app').listen(3000);\n"})
    assert _reported(second)
    alone = write_tree(tmp_path / "alone", {"package.json": PACKAGE, "Dockerfile": DOCKERFILE,
                                            "app.js": APP})
    assert _reported(alone)
