"""eslint-security and a project whose engines.node is an open lower bound (`>=18`) below the
Node the plugin needs (18.18): when every Node version the project shows it runs on (its
Dockerfile, .nvmrc, CI) is new enough, the fix is offered, its title naming the engines floor
as a caveat; a runtime below the plugin's floor, or an engines range that names one, still
withholds it."""

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


def _finding(project, engines: str, files: dict[str, str]):
    root = project({"package.json": PACKAGE % engines, ".eslintrc.json": CONFIG,
                    "server.js": SERVER, **files})
    [finding] = check(root, select=["eslint-security"]).findings
    return finding


def test_newer_runtimes_everywhere_offer_the_fix_with_a_caveat(project) -> None:
    finding = _finding(project, ">=18", {"Dockerfile": "FROM node:22-alpine\n",
                                         ".nvmrc": "lts/iron\n",
                                         ".github/workflows/ci.yml": CI % "20"})
    assert finding.fix is not None
    assert "caveat: engines.node >=18 admits Node older than the 18.18 " \
           "eslint-plugin-security needs; the project runs Node 20 or newer" in finding.fix.title


def test_a_ci_job_on_an_older_node_withholds_it(project) -> None:
    finding = _finding(project, ">=18", {"Dockerfile": "FROM node:22-alpine\n",
                                         ".github/workflows/ci.yml": CI % "16"})
    assert finding.fix is None and "needs Node 18.18 for eslint-plugin-security" in \
        finding.message


def test_engines_naming_a_release_line_withholds_it(project) -> None:
    finding = _finding(project, "^18.0.0", {"Dockerfile": "FROM node:22-alpine\n"})
    assert finding.fix is None and "needs Node 18.18" in finding.message


def test_engines_alone_withholds_it(project) -> None:
    finding = _finding(project, ">=18", {})
    assert finding.fix is None and "the project runs on Node 18 (engines.node >=18)" in \
        finding.message
