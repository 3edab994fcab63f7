"""eslint-security and a project whose engines.node is an open lower bound (`>=18`) below the
Node the plugin needs (18.18): when every Node version the project shows it runs on (its
Dockerfile, .nvmrc, CI) is new enough, the fix is offered, its title naming the engines floor
as a caveat; a runtime below the plugin's floor, or an engines range that names one, leaves
nothing to report: the plugin cannot run there, so the advice cannot be taken."""

from __future__ import annotations

from nodeharden import check

PACKAGE = ('{"name": "hooks", "engines": {"node": "%s"}, "scripts": {"lint": "eslint ."}, '
           '"dependencies": {"express": "^4.21.0"}, "devDependencies": {"eslint": "^8.57.0"}}\n')
CONFIG = '{\n  "extends": ["eslint:recommended"]\n}\n'
SERVER = "const express = require('express');\nexpress().listen(3000);\n"
CI = """on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v4
        with:
          node-version: %s
      - run: npm ci && npm test
"""


def _findings(project, engines: str, files: dict[str, str]):
    root = project({"package.json": PACKAGE % engines, ".eslintrc.json": CONFIG,
                    "server.js": SERVER, **files})
    return check(root, select=["eslint-security"]).findings


def test_newer_runtimes_everywhere_offer_the_fix_with_a_caveat(project) -> None:
    [finding] = _findings(project, ">=18", {"Dockerfile": "FROM node:22-alpine\n",
                                            ".nvmrc": "lts/iron\n",
                                            ".github/workflows/ci.yml": CI % "20"})
    assert finding.fix is not None
    assert "caveat: engines.node >=18 admits Node older than the 18.18 " \
           "eslint-plugin-security needs; the project runs Node 20 or newer" in finding.fix.title


def test_a_ci_job_on_an_older_node_leaves_nothing_to_report(project) -> None:
    assert _findings(project, ">=18", {"Dockerfile": "FROM node:22-alpine\n",
                                       ".github/workflows/ci.yml": CI % "16"}) == []


def test_engines_naming_a_release_line_leaves_nothing_to_report(project) -> None:
    assert _findings(project, "^18.0.0", {"Dockerfile": "FROM node:22-alpine\n"}) == []


def test_engines_alone_leaves_nothing_to_report(project) -> None:
    assert _findings(project, ">=18", {}) == []
