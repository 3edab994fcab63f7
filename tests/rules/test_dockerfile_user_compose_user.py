"""dockerfile-user: an image that every compose service running it starts as a non-root user
(``user: '1000:1000'``) does not run as root, whatever its USER: compose's ``user`` replaces it.
The services counted are those that build the Dockerfile and those, in any compose file of the
project, that run an image its build commands make from it (``docker build --tag acme/proxy``
in the package's scripts, run as ``acme/proxy:2.1.0``). One service without such a user, a
``docker run`` without ``--user``, or an image the project is not shown to build keeps the
finding; development and test compose files do not count."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

DOCKERFILE = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n'
SERVER = "require('express')().listen(4000);\n"


def _package(build: str | None) -> str:
    scripts = {"start": "node server.js"}
    if build:
        scripts["build"] = build
    return json.dumps({"name": "proxy", "scripts": scripts,
                       "dependencies": {"express": "^4.21.0"}})


def _deploy(*services: str) -> str:
    return "services:\n" + "".join(services)


def _service(name: str, image: str, user: str | None) -> str:
    return (f"  {name}:\n    image: {image}\n"
            + (f"    user: '{user}'\n" if user is not None else "") + "    restart: always\n")


def _findings(project, files: dict[str, str]) -> list[str]:
    root = project(files)
    return [f.path for f in check(root, select=["dockerfile-user"]).findings]


def _proxy(build: str | None = "docker buildx build --tag acme/proxy .",
           **more: str) -> dict[str, str]:
    return {"package.json": '{"name": "stack", "private": true}',
            "proxy/package.json": _package(build), "proxy/server.js": SERVER,
            "proxy/Dockerfile": DOCKERFILE, **more}


def test_a_compose_service_that_builds_it_with_a_user_is_not_reported(project) -> None:
    compose = "services:\n  web:\n    build: .\n    user: '1000:1000'\n"
    files = {"package.json": _package(None), "server.js": SERVER, "Dockerfile": DOCKERFILE,
             "docker-compose.yml": compose}
    assert _findings(project, files) == []


@pytest.mark.parametrize("user", ["root", "0:0", "${APP_UID}:${APP_GID}"])
def test_a_root_or_unknown_user_keeps_the_finding(project, user) -> None:
    compose = f"services:\n  web:\n    build: .\n    user: '{user}'\n"
    files = {"package.json": _package(None), "server.js": SERVER, "Dockerfile": DOCKERFILE,
             "docker-compose.yml": compose}
    assert _findings(project, files) == ["Dockerfile"]


def test_a_published_image_run_with_a_user_elsewhere_is_not_reported(project) -> None:
    deploy = _deploy(_service("proxy", "acme/proxy:2.1.0@sha256:" + "a" * 64, "1000:1000"),
                     _service("db", "postgres:16", None))
    assert _findings(project, _proxy(**{"deploy/stack/docker-compose.yml": deploy})) == []


def test_one_service_without_a_user_keeps_the_finding(project) -> None:
    deploy = _deploy(_service("proxy", "acme/proxy:2.1.0", "1000:1000"),
                     _service("proxy-admin", "acme/proxy:2.1.0", None))
    assert _findings(project, _proxy(**{"deploy/docker-compose.yml": deploy})) == \
        ["proxy/Dockerfile"]


def test_an_image_the_project_is_not_shown_to_build_keeps_the_finding(project) -> None:
    deploy = _deploy(_service("proxy", "acme/proxy:2.1.0", "1000:1000"))
    assert _findings(project, _proxy(None, **{"deploy/docker-compose.yml": deploy})) == \
        ["proxy/Dockerfile"]


def test_a_development_compose_file_does_not_count(project) -> None:
    deploy = _deploy(_service("proxy", "acme/proxy:2.1.0", "1000:1000"))
    assert _findings(project, _proxy(**{"docker-compose.dev.yml": deploy})) == \
        ["proxy/Dockerfile"]


def test_a_documented_run_without_user_keeps_the_finding(project) -> None:
    deploy = _deploy(_service("proxy", "acme/proxy:2.1.0", "1000:1000"))
    readme = "# proxy\n\n```sh\ndocker run -d -p 4000:4000 acme/proxy\n```\n"
    files = _proxy(**{"deploy/docker-compose.yml": deploy, "proxy/README.md": readme})
    assert _findings(project, files) == ["proxy/Dockerfile"]
