"""dockerfile-user and the container's runtime model: an image that starts as root to drop to
another user in its start, an image that drives the host's Docker socket, a base image another
Dockerfile builds on, host folders the project's run scripts mount, and RUN lines an appended
``&& chown`` would not run after."""

from __future__ import annotations

import pytest
from _complexity import growth

from nodeharden import check

PACKAGE = '{"name": "n", "dependencies": {"express": "^4.21.0"}}'
SERVER = "require('express')().listen(3000);\n"


def _findings(project, files: dict[str, str]):
    root = project({"package.json": PACKAGE, "server.js": SERVER, **files})
    return [f for f in check(root, select=["dockerfile-user"]).findings]


@pytest.mark.parametrize("start", [
    '["setpriv", "--reuid=1000", "--regid=1000", "--init-groups", "node", "server.js"]',
    '["runuser", "-u", "node", "--", "node", "server.js"]',
    '["chroot", "--userspec=node:node", "/", "node", "/app/server.js"]',
    '["s6-setuidgid", "node", "node", "server.js"]',
    '["su", "node", "-s", "/bin/sh", "-c", "node server.js"]',
    '["/usr/bin/tini", "--", "gosu", "node", "node", "server.js"]',
])
def test_a_start_that_switches_to_a_non_root_user_is_not_reported(project, start) -> None:
    dockerfile = f"FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD {start}\n"
    assert _findings(project, {"Dockerfile": dockerfile}) == []


def test_a_switch_to_root_is_no_drop(project) -> None:
    dockerfile = 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["gosu", "root", "node", "server.js"]\n'
    [finding] = _findings(project, {"Dockerfile": dockerfile})
    assert finding.fix is None  # gosu needs root: a USER line would break it
    assert "`gosu`" in finding.message and "not fixed" in finding.message


def test_a_script_that_switches_user_before_its_last_command_still_runs_the_app_as_root(
        project) -> None:
    script = "#!/bin/sh\ngosu node npm run migrate\nexec node server.js\n"
    dockerfile = ('FROM node:20-slim\nWORKDIR /app\nCOPY . .\n'
                  'ENTRYPOINT ["./start.sh"]\n')
    [finding] = _findings(project, {"Dockerfile": dockerfile, "start.sh": script})
    assert finding.fix is None
    assert "start.sh:2 runs `gosu`" in finding.message


def test_a_healthcheck_that_needs_root_withholds_the_fix(project) -> None:
    dockerfile = ('FROM node:20-alpine\nWORKDIR /app\nCOPY . .\n'
                  'HEALTHCHECK CMD su-exec node node healthcheck.js\nCMD ["node", "server.js"]\n')
    [finding] = _findings(project, {"Dockerfile": dockerfile})
    assert finding.fix is None
    assert "`HEALTHCHECK` runs `su-exec`" in finding.message


def test_the_docker_socket_in_a_documented_run_is_not_reported(project) -> None:
    readme = ("# panel\n\n```sh\ndocker run -d -p 5001:5001 \\\n"
              "  -v /var/run/docker.sock:/var/run/docker.sock panel\n```\n")
    dockerfile = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n'
    assert _findings(project, {"Dockerfile": dockerfile, "README.md": readme}) == []


def test_the_docker_socket_of_another_image_does_not_count(project) -> None:
    # The compose service with the socket runs another image (a proxy); this one is reported.
    compose = ("services:\n  web:\n    build: .\n  proxy:\n    image: traefik:v3\n"
               "    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n")
    dockerfile = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n'
    [finding] = _findings(project, {"Dockerfile": dockerfile, "docker-compose.yml": compose})
    assert finding.fix is not None and finding.fix.applicability == "safe"


def test_a_base_image_named_by_compose_is_not_reported_and_its_user_is_judged(project) -> None:
    compose = ("services:\n  base:\n    build:\n      context: .\n      dockerfile: base.Dockerfile\n"
               "    image: acme/api-base:1\n")
    base = "FROM node:22-slim\nRUN npm install -g pm2\n"
    app = ('FROM acme/api-base:1\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n')
    findings = _findings(project, {"base.Dockerfile": base, "Dockerfile": app,
                                   "docker-compose.yml": compose})
    assert [f.path for f in findings] == ["Dockerfile"]


def test_a_dockerfile_nothing_builds_on_is_judged(project) -> None:
    # Named like a base, but no Dockerfile of the project builds FROM a `base` image.
    base = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n'
    other = 'FROM mcr.microsoft.com/devcontainers/base:ubuntu\nRUN echo dev\n'
    findings = _findings(project, {"Dockerfile.base": base, "Dockerfile.tools": other})
    assert "Dockerfile.base" in [f.path for f in findings]


def test_a_host_folder_the_run_script_mounts_is_named_in_the_fix(project) -> None:
    script = ("#!/usr/bin/env bash\ndocker run \\\n  -p 4443:4443 \\\n  -v ${PWD}:/storage \\\n"
              "  -v /etc/media/config.json:/service/config.json:ro \\\n  media:latest\n")
    dockerfile = 'FROM node:20\nWORKDIR /service\nCOPY . .\nCMD ["node", "server.js"]\n'
    [finding] = _findings(project, {"Dockerfile": dockerfile, "docker/run.sh": script})
    assert finding.fix is not None
    assert "docker/run.sh:2 mounts the host's `${PWD}` at /storage;" in finding.fix.title
    assert "uid 1000" in finding.fix.title and "chown 1000:1000" in finding.fix.title
    assert "config.json" not in finding.fix.title  # read-only


def test_a_run_of_another_image_does_not_count(project) -> None:
    script = "#!/bin/sh\ndocker run -v $PWD/pgdata:/var/lib/postgresql/data postgres:16\n"
    files = {"Dockerfile": 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
             "worker/Dockerfile": 'FROM node:20\nWORKDIR /w\nCOPY . .\nCMD ["node", "w.js"]\n',
             "scripts/db.sh": script}
    for finding in _findings(project, files):
        assert finding.fix is not None and "mounts the host" not in finding.fix.title


@pytest.mark.parametrize("run", [
    "RUN npm ci --omit=dev || true",
    "RUN npm ci --omit=dev; exit 0",
    "RUN if [ -f yarn.lock ]; then yarn; else npm ci; fi",
])
def test_a_chown_is_never_appended_to_a_run_it_may_not_run_after(project, run) -> None:
    dockerfile = f'FROM node:20-slim\nWORKDIR /app\nCOPY . .\n{run}\nCMD ["node", "server.js"]\n'
    # the app writes in its folder, so the fix gives the WORKDIR to the user
    writer = "require('fs').writeFileSync('started', '');\n" + SERVER
    [finding] = _findings(project, {"Dockerfile": dockerfile, "server.js": writer})
    assert finding.fix is not None
    [change] = finding.fix.changes
    texts = [edit.content for edit in change.edits]
    assert not any(text.startswith(" && ") for text in texts), texts
    assert any("RUN chown node:node /app\n" in text for text in texts), texts


def test_an_image_built_on_the_projects_base_inherits_its_user_and_node_env(project) -> None:
    # docker/Base.Dockerfile (tagged acme/panel:base by the build script) switches to `node` and
    # sets NODE_ENV; docker/Dockerfile builds FROM it and runs as that user, in production.
    files = {
        "package.json": '{"name": "panel", "scripts": {"build:base": "docker build '
                        '-t acme/panel:base -f docker/Base.Dockerfile ."}, '
                        '"dependencies": {"express": "^4.21.0"}}',
        "server.js": SERVER,
        "docker/Base.Dockerfile": "FROM node:22-slim\nENV NODE_ENV=production\nUSER node\n",
        "docker/Dockerfile": 'FROM acme/panel:base\nWORKDIR /home/node/app\nCOPY . .\n'
                             'CMD ["node", "server.js"]\n',
    }
    root = project(files)
    assert check(root, select=["dockerfile-user", "node-env"]).findings == []


def test_a_base_without_user_leaves_the_derived_image_reported(project) -> None:
    files = {
        "package.json": '{"name": "panel", "scripts": {"build:base": "docker build '
                        '-t acme/panel:base -f docker/Base.Dockerfile ."}, '
                        '"dependencies": {"express": "^4.21.0"}}',
        "server.js": SERVER,
        "docker/Base.Dockerfile": "FROM node:22-slim\nRUN npm install -g tsx\n",
        "docker/Dockerfile": 'FROM acme/panel:base\nWORKDIR /app\nCOPY . .\n'
                             'CMD ["node", "server.js"]\n',
    }
    root = project(files)
    found = {(f.rule, f.path) for f in check(root, select=["dockerfile-user", "node-env"]).findings}
    assert found == {("dockerfile-user", "docker/Dockerfile"), ("node-env", "docker/Dockerfile")}


def test_a_read_only_docker_socket_is_still_the_docker_api(project) -> None:
    compose = ("services:\n  panel:\n    build: .\n    volumes:\n"
               "      - /var/run/docker.sock:/var/run/docker.sock:ro\n")
    dockerfile = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n'
    assert _findings(project, {"Dockerfile": dockerfile, "docker-compose.yml": compose}) == []


_SCRIPT_IMAGE = 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCMD ["./run.sh"]\n'


@pytest.mark.parametrize("script", [
    '#!/bin/sh\n[ -n "$PUID" ] && exec su-exec node node server.js\nexec node server.js\n',
    '#!/bin/sh\ncase "$1" in\n  web) exec gosu node node server.js ;;\nesac\nexec node server.js\n',
    '#!/bin/sh\nstart() {\n  exec gosu node node server.js\n}\nexec node server.js\n',
    ('#!/bin/sh\nif [ "$DEBUG" = 1 ]; then\n  exec node --inspect server.js\nfi\n'
    'exec gosu node node server.js\n'),
    '#!/bin/sh\nusermod -u "$PUID" node\nexec su-exec "$PUID" node server.js\n',
    '#!/bin/sh\nRUN_AS=${RUN_AS:-root}\nexec gosu "$RUN_AS" node server.js\n',
])
def test_a_drop_that_some_start_goes_around_is_no_drop(project, script) -> None:
    findings = _findings(project, {"Dockerfile": _SCRIPT_IMAGE, "run.sh": script})
    assert [f.path for f in findings] == ["Dockerfile"] and findings[0].fix is None


@pytest.mark.parametrize("script", [
    ('#!/bin/sh\nif [ -n "$PUID" ]; then\n  usermod -u "$PUID" node\nfi\n'
    'exec su-exec node node server.js\n'),
    '#!/bin/sh\nRUN_AS=${RUN_AS:-node}\nexec gosu "$RUN_AS" node server.js\n',
    '#!/bin/sh\n: ${RUN_AS:=node}\nexec gosu "${RUN_AS}:node" node server.js\n',
])
def test_a_drop_every_start_goes_through_is_not_reported(project, script) -> None:
    assert _findings(project, {"Dockerfile": _SCRIPT_IMAGE, "run.sh": script}) == []


def test_a_base_image_the_run_script_also_runs_is_judged(project) -> None:
    base = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n'
    app = 'FROM acme/api:base\nUSER node\nCMD ["node", "server.js"]\n'
    script = ("#!/bin/sh\ndocker build -f Dockerfile.base -t acme/api:base .\n"
              "docker run -d -p 3000:3000 acme/api:base node server.js\n")
    findings = _findings(project, {"Dockerfile.base": base, "Dockerfile": app,
                                   "deploy.sh": script})
    assert [f.path for f in findings] == ["Dockerfile.base"]


def test_many_start_script_lines_stay_linear(project) -> None:
    # Counted steps, not time: 4 times the script's lines cost about 4 times the work.
    def make(count: int):
        script = "#!/bin/sh\n" + "if [ -n \"$X\" ]; then echo x; fi\n" * count + \
            "exec gosu node node server.js\n"
        root = project({"package.json": PACKAGE, "server.js": SERVER, "Dockerfile": _SCRIPT_IMAGE,
                        "run.sh": script}, f"n{count}")
        return lambda: check(root, select=["dockerfile-user"]).findings

    _, findings = growth(make, 100)
    assert findings == []