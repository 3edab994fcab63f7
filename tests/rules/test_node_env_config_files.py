"""node-env: ``ENV NODE_ENV=production`` is a safe fix only when it changes nothing but the
runtime mode. When the app reads a file whose path it builds from NODE_ENV and the file the
production value names is not in the project, the fix is unsafe and its title names the file;
a path that cannot be told keeps the safe fix. A compose file that already sets production for
the service is named in the message."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import write_tree

from nodeharden._api import check

DOCKERFILE = """FROM node:22-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
"""
SAFE_TITLE = "Set ENV NODE_ENV=production in the final stage"
PACKAGE = json.dumps({"name": "web", "dependencies": {"express": "^5.1.0"}})


def _finding(tmp_path: Path, files: dict[str, str], package: str = PACKAGE) -> object:
    root = write_tree(tmp_path / "p", {"package.json": package, "Dockerfile": DOCKERFILE,
                                       **files})
    report = check(root, select=["node-env"])
    assert not report.failed, report.failed
    found = [f for f in report.findings if f.path == "Dockerfile"]
    assert len(found) == 1, found
    return found[0]


def _fix(tmp_path: Path, files: dict[str, str], package: str = PACKAGE) -> tuple[str, str]:
    fix = _finding(tmp_path, files, package).fix
    assert fix is not None
    return fix.applicability, fix.title


CONVICT = """
const path = require('path');
const convict = require('convict');
const conf = convict({ env: { default: 'development', env: 'NODE_ENV' } });
const fileName = 'config.' + conf.get('env') + '.json';
try { conf.loadFile(path.join(__dirname, fileName)); } catch (e) {}
module.exports = conf;
"""


@pytest.mark.parametrize("files, missing", [
    # convict's env setting, a file name in a variable, loaded next to the module
    ({"lib/conf.js": CONVICT, "lib/config.development.json": "{}"},
     "lib/config.production.json"),
    ({"lib/conf.js": CONVICT, "lib/config.production.json": "{}"}, None),
    # Express's app.get('env') in a require relative to the file
    ({"server.js": "const app = require('express')();\n"
                   "const c = require(`./settings/${app.get('env')}`);\n",
      "settings/development.js": "module.exports = {};\n"}, "settings/production"),
    ({"server.js": "const app = require('express')();\n"
                   "const c = require(`./settings/${app.get('env')}`);\n",
      "settings/production/index.js": "module.exports = {};\n"}, None),
    # NODE_ENV with a fallback and .toLowerCase(), path.resolve(__dirname + '/../…')
    ({"config/index.js": "const path = require('path');\n"
                         "const e = process.env.NODE_ENV || 'development';\n"
                         "module.exports = require(path.resolve(__dirname + '/../config/env/' "
                         "+ e.toLowerCase() + '.js'));\n",
      "config/env/development.js": "module.exports = {};\n"}, "config/env/production.js"),
    ({"config/index.js": "const path = require('path');\n"
                         "const e = process.env.NODE_ENV || 'development';\n"
                         "module.exports = require(path.resolve(__dirname + '/../config/env/' "
                         "+ e.toLowerCase() + '.js'));\n",
      "config/env/production.js": "module.exports = {};\n"}, None),
    # destructured NODE_ENV with a default, dotenv path relative to the working directory
    ({"src/env.js": "const { NODE_ENV: mode = 'development' } = process.env;\n"
                    "require('dotenv').config({ path: `.env.${mode}` });\n"},
     ".env.production"),
    ({"src/env.js": "const { NODE_ENV } = process.env;\n"
                    "require('dotenv').config({ path: `.env.${NODE_ENV}` });\n",
      ".env.production": "X=1\n"}, None),
    # fs.readFileSync of path.join(process.cwd(), …), ESM dynamic import
    ({"server.js": "const fs = require('fs'); const path = require('path');\n"
                   "const raw = fs.readFileSync(path.join(process.cwd(), 'conf', "
                   "`${process.env.NODE_ENV}.yml`), 'utf8');\n"}, "conf/production.yml"),
    ({"server.mjs": "const c = await import(`./cfg.${process.env.NODE_ENV}.mjs`);\n"},
     "cfg.production.mjs"),
    # only the end of the path is known: any file with that end counts
    ({"server.js": "const c = require(path.join(configDir, process.env.NODE_ENV + '.json'));\n"},
     "…/production.json"),
    ({"server.js": "const c = require(path.join(configDir, process.env.NODE_ENV + '.json'));\n",
      "etc/production.json": "{}"}, None),
])
def test_file_selected_by_node_env(tmp_path: Path, files: dict[str, str],
                                   missing: str | None) -> None:
    applicability, title = _fix(tmp_path, files)
    if missing is None:
        assert (applicability, title) == ("safe", SAFE_TITLE)
    else:
        assert applicability == "unsafe"
        assert f"loads {missing}, which is not in the project" in title


@pytest.mark.parametrize("files", [
    # the part after NODE_ENV cannot be told
    {"server.js": "const c = require('./config.' + process.env.NODE_ENV + ext);\n"},
    # a directory that cannot be told and nothing after NODE_ENV
    {"server.js": "const c = require(path.join(dir, process.env.NODE_ENV));\n"},
    # an absolute path inside the image, a package name
    {"server.js": "const fs = require('fs');\n"
                  "fs.readFileSync(`/etc/web/${process.env.NODE_ENV}.json`);\n"},
    {"server.js": "const theme = require('theme-' + process.env.NODE_ENV);\n"},
    # NODE_ENV in text that is not a path the app reads
    {"server.js": "console.log('running in ' + process.env.NODE_ENV + '.json mode');\n"
                  "const name = `log.${process.env.NODE_ENV}.txt`;\n"
                  "require('fs').writeFileSync(name, '');\n"},
    # a test helper is not the image's app
    {"test/setup.js": "require('dotenv').config({ path: `.env.${process.env.NODE_ENV}` });\n"},
    # a variable assigned twice cannot be told
    {"server.js": "let f = 'a.json';\nf = `cfg.${process.env.NODE_ENV}.json`;\n"
                  "require('./' + f);\n"},
])
def test_path_that_cannot_be_told_keeps_the_safe_fix(tmp_path: Path,
                                                    files: dict[str, str]) -> None:
    assert _fix(tmp_path, files) == ("safe", SAFE_TITLE)


CONFIG_PACKAGE = json.dumps({"name": "web", "dependencies": {"config": "^3.3.12",
                                                            "express": "^5.1.0"}})


@pytest.mark.parametrize("files, applicability", [
    ({"config/default.json": "{}", "config/development.json": "{}"}, "unsafe"),
    ({"config/default.json": "{}", "config/development.yml": "a: 1\n",
      "config/production.yml": "a: 2\n"}, "safe"),
    # no development file: unset and production both read only the defaults
    ({"config/default.json": "{}", "config/test.json": "{}"}, "safe"),
])
def test_config_package(tmp_path: Path, files: dict[str, str], applicability: str) -> None:
    files = {"server.js": "const config = require('config');\n", **files}
    found, title = _fix(tmp_path, files, CONFIG_PACKAGE)
    assert found == applicability
    assert ("config/production.*" in title) == (applicability == "unsafe")


def test_config_package_not_imported_is_not_read(tmp_path: Path) -> None:
    files = {"server.js": "module.exports = 1;\n", "config/development.json": "{}"}
    assert _fix(tmp_path, files, CONFIG_PACKAGE)[0] == "safe"


@pytest.mark.parametrize("compose, named", [
    ("services:\n  web:\n    build: .\n    environment:\n      NODE_ENV: production\n", True),
    ("services:\n  web:\n    build: .\n    environment:\n      - NODE_ENV=production\n", True),
    ("services:\n  web:\n    build: .\n    environment:\n      NODE_ENV: development\n", False),
    ("services:\n  web:\n    build: ./other\n    environment:\n      NODE_ENV: production\n",
     False),
])
def test_compose_that_sets_production_is_named(tmp_path: Path, compose: str,
                                               named: bool) -> None:
    message = _finding(tmp_path, {"docker-compose.yml": compose}).message
    assert ("docker-compose.yml sets it for service `web`" in message
            and "(`docker run`) runs Express in development mode" in message) == named


def test_development_compose_file_is_not_production(tmp_path: Path) -> None:
    files = {"docker-compose.yml": "services:\n  web:\n    build: .\n",
             "docker-compose.dev.yml": "services:\n  web:\n    environment:\n"
                                       "      NODE_ENV: production\n"}
    assert "sets it for service" not in _finding(tmp_path, files).message


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("production_file", [True, False])
def test_unsafe_exactly_when_node_cannot_load_the_production_file(
        tmp_path: Path, production_file: bool) -> None:
    """Run the app's loader with real node: with NODE_ENV=production it fails exactly when the
    rule withholds the safe fix."""
    files = {"server.js": "const path = require('path');\n"
                          "const env = process.env.NODE_ENV || 'development';\n"
                          "const conf = require(path.join(__dirname, 'config', env + '.json'));\n"
                          "console.log(conf.name);\n",
             "config/development.json": '{"name": "dev"}'}
    if production_file:
        files["config/production.json"] = '{"name": "prod"}'
    applicability, _ = _fix(tmp_path, files)
    run = subprocess.run([NODE, "server.js"], cwd=tmp_path / "p", capture_output=True,
                         check=False, text=True, env={**os.environ, "NODE_ENV": "production"}, timeout=60)
    assert (run.returncode == 0) == (applicability == "safe")
    if production_file:
        assert run.stdout.strip() == "prod"


def test_image_in_a_subfolder_reads_its_own_files(tmp_path: Path) -> None:
    """A Dockerfile in api/ builds api/: its config package files are api/config/*, and files
    outside the folder do not count."""
    root = write_tree(tmp_path / "p", {
        "package.json": json.dumps({"name": "mono", "private": True}),
        "api/package.json": CONFIG_PACKAGE, "api/Dockerfile": DOCKERFILE,
        "api/server.js": "const config = require('config');\n",
        "api/config/default.json": "{}", "api/config/development.json": "{}",
        "config/production.json": "{}"})
    found = [f for f in check(root, select=["node-env"]).findings if f.path == "api/Dockerfile"]
    assert len(found) == 1 and found[0].fix is not None
    assert found[0].fix.applicability == "unsafe"
    assert "loads api/config/production.*," in found[0].fix.title
