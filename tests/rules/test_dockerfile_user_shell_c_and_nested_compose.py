"""dockerfile-user: a start that runs its commands through a shell (`CMD ["sh", "-c", "…"]`,
`ENTRYPOINT ["/bin/bash", "-ec", "…"]`, the shell form `CMD sh -c "…"`) is read like a start
written in the shell form, and the compose files one folder below the root or the Dockerfile's
folder (docker/, deploy/, .docker/…) count when one of their services builds this Dockerfile."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "n", "dependencies": {"express": "^4.21.0"}}'
SERVER = "require('express')().listen(3000);\n"


def _findings(project, files: dict[str, str]):
    root = project({"package.json": PACKAGE, "server.js": SERVER, **files})
    return check(root, select=["dockerfile-user"]).findings


def _dockerfile(start: str) -> str:
    return f"FROM node:20-alpine\nWORKDIR /srv\nCOPY . .\nRUN mkdir -p /srv/state\n{start}\n"


@pytest.mark.parametrize("start", [
    'CMD ["sh", "-c", "chown -R node /srv/state && node server.js"]',
    'CMD ["/bin/sh", "-c", "chown -R node /srv/state; node server.js"]',
    'ENTRYPOINT ["bash", "-ec", "chown node /srv/state\\nexec node server.js"]',
    'CMD ["tini", "--", "sh", "-c", "apk add --no-cache curl && node server.js"]',
    'CMD sh -c "chown -R node /srv/state && node server.js"',
    "CMD [\"sh\", \"-o\", \"pipefail\", \"-c\", \"usermod -u 1001 node && node server.js\"]",
])
def test_a_root_only_command_inside_sh_c_blocks_the_fix(project, start) -> None:
    [finding] = _findings(project, {"Dockerfile": _dockerfile(start)})
    assert finding.fix is None
    assert "not fixed: its `" in finding.message and "which only root may run" in finding.message


def test_the_exec_form_says_the_same_as_the_shell_form(project) -> None:
    exec_form = _findings(project, {"Dockerfile": _dockerfile(
        'CMD ["sh", "-c", "chown -R node /srv/state && node server.js"]')})
    shell_form = _findings(project, {"Dockerfile": _dockerfile(
        "CMD chown -R node /srv/state && node server.js")})
    assert [f.message for f in exec_form] == [f.message for f in shell_form]


@pytest.mark.parametrize("start", [
    'CMD ["sh", "-c", "chown -R node /srv/state && exec su-exec node node server.js"]',
    'CMD ["sh", "-c", "chown -R node /srv/state; exec gosu node node server.js"]',
    'ENTRYPOINT ["/bin/sh", "-c", "exec su-exec ${RUN_AS:-node} node server.js"]',
])
def test_a_plain_sequence_ending_in_a_drop_is_not_reported(project, start) -> None:
    assert _findings(project, {"Dockerfile": _dockerfile(start)}) == []


@pytest.mark.parametrize("start", [
    # the drop runs only when the test fails: otherwise nothing, or root, starts the app
    'CMD ["sh", "-c", "[ -z \\"$AS_ROOT\\" ] || exec su-exec node node server.js"]',
    'CMD ["sh", "-c", "if [ -n \\"$PUID\\" ]; then exec su-exec node node server.js; fi; '
    'node server.js"]',
    'CMD ["sh", "-c", "su-exec node node worker.js & node server.js"]',
])
def test_a_drop_on_one_branch_only_is_not_credited_and_the_fix_is_withheld(project,
                                                                           start) -> None:
    [finding] = _findings(project, {"Dockerfile": _dockerfile(start)})
    assert finding.fix is None and "runs `su-exec`" in finding.message


@pytest.mark.parametrize("start", [
    'CMD ["sh", "-c", "node migrate.js && node server.js"]',
    'CMD ["sh", "start.sh"]',  # a script file, not an inline script
    'CMD ["node", "server.js"]',
])
def test_a_shell_start_without_root_only_commands_keeps_its_safe_fix(project, start) -> None:
    [finding] = _findings(project, {"Dockerfile": _dockerfile(start),
                                    "start.sh": "node server.js\n"})
    assert finding.fix is not None and finding.fix.applicability == "safe", finding.fix.title


COMPOSE_BELOW = ("services:\n  web:\n    build: ..\n    ports:\n      - \"3000:3000\"\n"
                 "    volumes:\n      - \"./state:/srv/state\"\n"
                 "      - \"./uploads:/srv/uploads\"\n")


@pytest.mark.parametrize("folder", ["docker", "deploy", ".docker"])
def test_a_compose_file_one_folder_down_that_builds_the_image_counts(project, folder) -> None:
    [finding] = _findings(project, {"Dockerfile": _dockerfile('CMD ["node", "server.js"]'),
                                    f"{folder}/docker-compose.yml": COMPOSE_BELOW})
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert (f"(unsafe: {folder}/docker-compose.yml (service `web`) mounts the host's `./state` "
            "at /srv/state (and 1 more)") in finding.fix.title


def test_a_long_build_entry_below_resolves_the_dockerfile_by_context_and_file(project) -> None:
    compose = ("services:\n  api:\n    build:\n      context: ../server\n"
               "      dockerfile: Dockerfile.prod\n    volumes:\n      - ./db:/srv/state\n")
    [finding] = _findings(project, {
        "server/Dockerfile.prod": _dockerfile('CMD ["node", "server.js"]'),
        "server/package.json": PACKAGE, "deploy/compose.yaml": compose})
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert "deploy/compose.yaml (service `api`) mounts the host's `./db`" in finding.fix.title


@pytest.mark.parametrize("compose", [
    # builds another Dockerfile
    "services:\n  web:\n    build:\n      context: ..\n      dockerfile: Dockerfile.dev\n"
    "    volumes:\n      - ./state:/srv/state\n",
    # its context is the folder itself, not the Dockerfile's
    "services:\n  web:\n    build: .\n    volumes:\n      - ./state:/srv/state\n",
    # a read-only mount
    "services:\n  web:\n    build: ..\n    volumes:\n      - ./state:/srv/state:ro\n",
])
def test_other_builds_and_read_only_mounts_below_keep_the_fix_safe(project, compose) -> None:
    [finding] = _findings(project, {"Dockerfile": _dockerfile('CMD ["node", "server.js"]'),
                                    "docker/docker-compose.yml": compose})
    assert finding.fix is not None and finding.fix.applicability == "safe", finding.fix.title


def test_compose_files_two_folders_down_are_not_read(project) -> None:
    [finding] = _findings(project, {"Dockerfile": _dockerfile('CMD ["node", "server.js"]'),
                                    "ops/docker/docker-compose.yml":
                                        COMPOSE_BELOW.replace("build: ..", "build: ../..")})
    assert finding.fix is not None and finding.fix.applicability == "safe"


def test_node_modules_is_not_searched_for_compose_files(project) -> None:
    [finding] = _findings(project, {"Dockerfile": _dockerfile('CMD ["node", "server.js"]'),
                                    "node_modules/docker-compose.yml": COMPOSE_BELOW})
    assert finding.fix is not None and finding.fix.applicability == "safe"
