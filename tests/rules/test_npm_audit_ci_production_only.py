"""npm-audit-ci audits the dependencies production installs (``npm audit --omit=dev``) when
every image the project builds installs only those: its final stage runs ``npm ci --omit=dev``
(``--production``, ``--only=prod``, ``NODE_ENV=production`` inline or from an ``ENV`` before
it, ``npm prune --omit=dev`` after it) or copies ``node_modules`` from a stage that does. An
advisory in a build or test tool that never ships would otherwise fail CI (sample 25:
mozilla/send's image runs ``npm ci --production``). Any image that installs everything, or no
image at all, keeps the full audit."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden import check, fix

PACKAGE = '{"name": "svc", "dependencies": {"express": "^4.21.0"}}\n'
LOCK = '{"name": "svc", "lockfileVersion": 3, "packages": {}}\n'
WORKFLOW = """\
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm test
"""
APP = "const express = require('express');\nexpress().listen(3000);\n"
FULL = "npm audit --audit-level=high"
PRODUCTION = "npm audit --omit=dev --audit-level=high"


def _audit_step(tmp_path: Path, dockerfiles: dict[str, str]) -> str:
    root = write_tree(tmp_path, {"package.json": PACKAGE, "package-lock.json": LOCK,
                                 "app.js": APP, ".github/workflows/ci.yml": WORKFLOW,
                                 **dockerfiles})
    [finding] = check(root, select=["npm-audit-ci"]).findings
    assert finding.fix is not None, finding
    workflow = fix(root, dry_run=True, select=["npm-audit-ci"]).plan.final[
        ".github/workflows/ci.yml"].decode()
    [step] = [line.strip().removeprefix("- ").removeprefix("run: ")
              for line in workflow.splitlines() if "npm audit" in line]
    assert f"`{step}`" in finding.message, finding.message
    return step


@pytest.mark.parametrize("dockerfile", [
    "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"
    "CMD [\"node\", \"app.js\"]\n",
    "FROM node:20-slim\nCOPY . .\nRUN npm ci --production && npm cache clean --force\n",
    "FROM node:20-slim\nENV NODE_ENV=production\nCOPY . .\nRUN npm ci\n",
    "FROM node:20-slim\nCOPY . .\nRUN NODE_ENV=production npm install\n",
    # Build with everything, prune before the runtime copies node_modules.
    "FROM node:20 AS build\nCOPY . .\nRUN npm ci && npm run build && npm prune --omit=dev\n"
    "FROM node:20-slim\nCOPY --from=build /app/node_modules ./node_modules\n"
    "COPY --from=build /app/dist ./dist\nCMD [\"node\", \"dist/app.js\"]\n",
    # Flags before the subcommand.
    "FROM node:20-slim\nCOPY . .\nRUN npm --prefix api --omit=dev -f install\n",
], ids=["omit-dev", "production-flag", "env-before", "inline-env", "pruned-build-stage",
        "flags-first"])
def test_images_that_ship_production_dependencies_get_the_production_audit(
        tmp_path: Path, dockerfile: str) -> None:
    assert _audit_step(tmp_path, {"Dockerfile": dockerfile}) == PRODUCTION


@pytest.mark.parametrize("dockerfiles", [
    {},
    {"Dockerfile": "FROM node:20-slim\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"app.js\"]\n"},
    # The runtime copies the build stage's full node_modules.
    {"Dockerfile": "FROM node:20 AS build\nCOPY . .\nRUN npm ci && npm run build\n"
                   "FROM node:20-slim\nCOPY --from=build /app/node_modules ./node_modules\n"},
    # One image of two installs everything.
    {"Dockerfile": "FROM node:20-slim\nCOPY . .\nRUN npm ci --omit=dev\n",
     "worker/Dockerfile": "FROM node:20-slim\nCOPY . .\nRUN npm ci\n"},
    # `npm install --production=false` installs the dev dependencies too.
    {"Dockerfile": "FROM node:20-slim\nCOPY . .\nRUN npm install --production=false\n"},
    # A global tool beside a full install of the project.
    {"Dockerfile": "FROM node:20-slim\nCOPY . .\nRUN npm -g install pm2 && npm --prefix api ci\n"},
], ids=["no-image", "full-install", "full-build-stage", "one-full-image", "production-false",
        "flags-first-full"])
def test_other_projects_keep_the_full_audit(tmp_path: Path, dockerfiles: dict[str, str]) -> None:
    assert _audit_step(tmp_path, dockerfiles) == FULL
