"""node-env and dockerfile-user leave development containers alone: an image compose runs with
the project's source bind-mounted over it (`.:/app`) whose every start runs the app in
development mode (nodemon, NODE_ENV=development, `npm run dev`, through the npm scripts too).
Such an image never runs in production; the rules are about the image that does."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli

DOCKERFILE = ("FROM node:20-alpine\nWORKDIR /app\nCOPY . /app\nRUN npm install\n"
              "EXPOSE 3000\nCMD [\"npm\", \"start\"]\n")
APP = ("const express = require('express');\nconst app = express();\n"
       "app.listen(3000);\n")


def _compose(volumes: str, command: str = "") -> str:
    return ("services:\n  web:\n    build:\n      context: .\n"
            "      dockerfile: ./docker/dev/Dockerfile\n"
            + (f"    command: {command}\n" if command else "")
            + (f"    volumes:\n{volumes}" if volumes else "")
            + "    ports:\n      - 3000:3000\n")


def _dockerfile_findings(project, start: str, compose: str) -> set[tuple[str, str]]:
    package = {"name": "p", "dependencies": {"express": "^4.21.0"}, "scripts": {"start": start}}
    root = project({"package.json": json.dumps(package), "server.js": APP,
                    "docker/dev/Dockerfile": DOCKERFILE, "docker-compose.yml": compose})
    report = json.loads(run_cli("check", root, "--format", "json", "--select",
                                "node-env,dockerfile-user").stdout)
    return {(f["rule"], f["path"]) for f in report["findings"]}


@pytest.mark.parametrize("start, compose", [
    ("cross-env NODE_ENV=development nodemon server.js", _compose("      - .:/app\n"
                                                                  "      - /app/node_modules\n")),
    ("nodemon server.js", _compose("      - ./:/app\n")),
    ("node server.js", _compose("      - .:/app\n", "sh -c 'npm run dev'")),
    ("NODE_ENV=development node server.js",
     _compose("      - type: bind\n        source: .\n        target: /app\n")),
])
def test_a_development_container_is_left_alone(project, start: str, compose: str) -> None:
    assert _dockerfile_findings(project, start, compose) == set()


@pytest.mark.parametrize("start, compose", [
    # No bind mount: the image carries its code, as a production image does.
    ("nodemon server.js", _compose("")),
    # Bound, but it starts the app as production would.
    ("node server.js", _compose("      - .:/app\n")),
    ("NODE_ENV=production node server.js", _compose("      - .:/app\n")),
    # Only a data folder is bound.
    ("nodemon server.js", _compose("      - ./uploads:/app/uploads\n")),
])
def test_other_images_are_still_judged(project, start: str, compose: str) -> None:
    found = _dockerfile_findings(project, start, compose)
    assert ("dockerfile-user", "docker/dev/Dockerfile") in found


@pytest.mark.parametrize("dockerfile", [
    # cloud.gov Pages' Dockerfile-app (held-out sample 31): the code comes from a mount
    "FROM node:24-bullseye\n\nWORKDIR /app\n\nCOPY package.json package-lock.json ./\n",
    # its Playwright image: installs and browsers, still no code and no command
    "FROM node:24-bullseye\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
    "RUN npm ci\nRUN npx playwright install\n",
    "FROM node:22-alpine\nWORKDIR /srv\nCOPY --chown=node:node package.json yarn.lock .npmrc ./\n"
    "RUN yarn install\n",
])
def test_an_image_without_code_or_command_is_a_development_image(project,
                                                                 dockerfile: str) -> None:
    root = project({"package.json": json.dumps({"name": "p", "dependencies": {
        "express": "^4.21.0"}}), "server.js": APP, "Dockerfile-app": dockerfile})
    report = json.loads(run_cli("check", root, "--format", "json", "--select",
                                "node-env,dockerfile-user").stdout)
    assert report["findings"] == []
    assert {"path": "Dockerfile-app", "reason": "dev: development image (no command, and it "
            "copies only the package manifests: the app's code comes from a mount)"} \
        in report["skipped"]


@pytest.mark.parametrize("dockerfile", [
    # the code is copied in
    "FROM node:24-bullseye\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
    "RUN npm ci\nCOPY . .\n",
    # a command starts it
    "FROM node:24-bullseye\nWORKDIR /app\nCOPY package.json ./\nCMD [\"node\", \"server.js\"]\n",
    # built code from another stage
    "FROM node:24 AS build\nCOPY . .\nRUN npm run build\nFROM node:24\n"
    "COPY --from=build /dist ./dist\nCOPY package.json ./\n",
])
def test_an_image_with_code_or_a_command_is_still_judged(project, dockerfile: str) -> None:
    root = project({"package.json": json.dumps({"name": "p", "dependencies": {
        "express": "^4.21.0"}}), "server.js": APP, "Dockerfile-app": dockerfile})
    report = json.loads(run_cli("check", root, "--format", "json", "--select",
                                "node-env,dockerfile-user").stdout)
    assert ("dockerfile-user", "Dockerfile-app") in {(f["rule"], f["path"])
                                                     for f in report["findings"]}
