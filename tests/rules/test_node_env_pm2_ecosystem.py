"""node-env: an image whose production start goes through pm2 with an ecosystem file that sets
NODE_ENV=production (in the env pm2 uses) is not reported; every other pm2 start still is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden._api import check

DOCKERFILE = """FROM node:22-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
USER node
{cmd}
"""
JS_ECOSYSTEM = """module.exports = {{
  apps: [{{ name: 'web', script: 'server.js', env: {env}, env_production: {prod} }}],
}};
"""


def _lines(root: Path) -> list[int]:
    report = check(root, select=["node-env"])
    assert not report.failed, report.failed
    return [f.line for f in report.findings if f.path == "Dockerfile"]


def _project(tmp_path: Path, cmd: str, files: dict[str, str],
             scripts: dict[str, str] | None = None) -> Path:
    package = {"name": "web", "dependencies": {"express": "^5.1.0"},
               **({"scripts": scripts} if scripts else {})}
    return write_tree(tmp_path / "p", {"package.json": json.dumps(package),
                                       "Dockerfile": DOCKERFILE.format(cmd=cmd), **files})


PRODUCTION = "{ NODE_ENV: 'production' }"
DEVELOPMENT = "{ NODE_ENV: 'development' }"


@pytest.mark.parametrize("cmd, files, scripts", [
    ('CMD ["pm2-runtime", "ecosystem.config.js"]',
     {"ecosystem.config.js": JS_ECOSYSTEM.format(env=PRODUCTION, prod="{}")}, None),
    ('CMD ["pm2-runtime", "start", "ecosystem.config.js", "--env", "production"]',
     {"ecosystem.config.js": JS_ECOSYSTEM.format(env=DEVELOPMENT, prod=PRODUCTION)}, None),
    ("CMD pm2-runtime ./ecosystem.config.cjs --env=production",
     {"ecosystem.config.cjs": JS_ECOSYSTEM.format(env="{}", prod=PRODUCTION)}, None),
    ('CMD ["pm2-runtime", "ecosystem.config.mjs"]',
     {"ecosystem.config.mjs": "export default { apps: [{ script: 'server.js', env: "
                              "{ NODE_ENV: 'production' } }] };\n"}, None),
    ('CMD ["pm2-runtime", "process.yml"]',
     {"process.yml": "apps:\n  - script: server.js\n    env:\n      NODE_ENV: production\n"},
     None),
    ('CMD ["yarn", "start"]',
     {"ecosystem.json": '{"apps": [{"script": "server.js", "env": {"NODE_ENV": "production"}}]}'},
     {"start": "yarn run serve", "serve": "pm2 start ecosystem.json --no-daemon"}),
    ('CMD ["npm", "run", "prod"]',
     {"ecosystem.config.js": JS_ECOSYSTEM.format(env="{}", prod=PRODUCTION)},
     {"prod": "npx pm2-runtime ecosystem.config.js --env production --only web"}),
])
def test_pm2_ecosystem_setting_production_is_not_reported(
        tmp_path: Path, cmd: str, files: dict[str, str], scripts: dict[str, str] | None) -> None:
    assert _lines(_project(tmp_path, cmd, files, scripts)) == []


@pytest.mark.parametrize("cmd, files, scripts", [
    # The env pm2 uses sets another value, or none, or one computed at start-up.
    ('CMD ["pm2-runtime", "ecosystem.config.js"]',
     {"ecosystem.config.js": JS_ECOSYSTEM.format(env=DEVELOPMENT, prod=PRODUCTION)}, None),
    ('CMD ["pm2-runtime", "ecosystem.config.js", "--env", "staging"]',
     {"ecosystem.config.js": JS_ECOSYSTEM.format(env="{}", prod=PRODUCTION)}, None),
    ('CMD ["pm2-runtime", "ecosystem.config.js"]',
     {"ecosystem.config.js": JS_ECOSYSTEM.format(
         env="{ NODE_ENV: process.env.NODE_ENV || 'production' }", prod="{}")}, None),
    # One of two apps runs without it.
    ('CMD ["pm2-runtime", "ecosystem.json"]',
     {"ecosystem.json": '{"apps": [{"script": "a.js", "env": {"NODE_ENV": "production"}}, '
                        '{"script": "b.js"}]}'}, None),
    # pm2 runs a script, not an ecosystem file; the ecosystem file is missing; not pm2 at all.
    ('CMD ["pm2-runtime", "server.js"]',
     {"ecosystem.config.js": JS_ECOSYSTEM.format(env=PRODUCTION, prod="{}")}, None),
    ('CMD ["pm2-runtime", "ecosystem.config.js"]', {}, None),
    ('CMD ["npm", "start"]',
     {"ecosystem.config.js": JS_ECOSYSTEM.format(env=PRODUCTION, prod="{}")},
     {"start": "node server.js"}),
])
def test_other_pm2_starts_are_still_reported(
        tmp_path: Path, cmd: str, files: dict[str, str], scripts: dict[str, str] | None) -> None:
    assert _lines(_project(tmp_path, cmd, files, scripts)) == [1]


COMPOSE = {
    "docker-compose.yml": "services:\n  api:\n    build: .\n    ports: ['3000:3000']\n",
    "docker-compose.dev.yml": "services:\n  api:\n    command: npm run dev\n",
    "ecosystem.config.json": '{"apps": [{"script": "src/index.js", '
                             '"env": {"NODE_ENV": "production"}}]}',
}
SCRIPTS = {"start": "pm2 start ecosystem.config.json --no-daemon",
           "dev": "nodemon src/index.js", "test": "jest"}


def test_the_production_compose_override_decides_how_the_image_starts(tmp_path: Path) -> None:
    # Only a dev override: the image's production start is unknown (no CMD): reported.
    root = _project(tmp_path, "EXPOSE 3000", COMPOSE, SCRIPTS)
    assert _lines(root) == [1]
    # A production override that starts pm2 through `npm start`: not reported.
    (root / "docker-compose.prod.yml").write_text("services:\n  api:\n    command: npm start\n")
    assert _lines(root) == []
    # A test override runs the tests in the same image: still not reported (production is
    # pm2's); before, the image was reported without a fix.
    (root / "docker-compose.test.yml").write_text("services:\n  api:\n    command: npm test\n")
    assert _lines(root) == []
    # The production override runs node directly: reported again.
    (root / "docker-compose.prod.yml").write_text(
        "services:\n  api:\n    command: node src/index.js\n")
    assert _lines(root) == [1]
