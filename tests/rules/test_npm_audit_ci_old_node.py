"""npm-audit-ci on a CI whose Node.js bundles an npm without `audit` (npm 6 brought it; Node
bundles it from 8.12 and from 10 on): the finding says to upgrade the CI's Node first and offers
no step that could not run. A CI on a current Node, or on one it does not name, keeps the step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import check_json, write_tree


def _project(tmp_path: Path, files: dict[str, str], *, yarn: bool = False) -> Path:
    lock = {"yarn.lock": "# yarn lockfile v1\n"} if yarn else {
        "package-lock.json": '{"name": "notes", "lockfileVersion": 1, "dependencies": {}}\n'}
    package = {"name": "notes", "version": "1.0.0", "scripts": {"test": "node test.js"},
               "dependencies": {"express": "^4.17.0"}}
    return write_tree(tmp_path / "app", {
        "package.json": json.dumps(package) + "\n",
        "app.js": "var express = require('express');\nexpress().listen(3000);\n",
        **lock, **files,
    })


def _finding(root: Path) -> dict:
    report = check_json(root, "--select", "npm-audit-ci", "--no-cache")
    [finding] = [f for f in report["findings"] if f["rule"] == "npm-audit-ci"]
    return finding


def _travis(versions: str, extra: str = "") -> dict[str, str]:
    return {".travis.yml": f"language: node_js\nnode_js:\n{versions}{extra}script: npm test\n"}


def _workflow(setup: str, matrix: str = "") -> dict[str, str]:
    return {".github/workflows/ci.yml": (
        "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n" + matrix
        + "    steps:\n      - uses: actions/checkout@v2\n" + setup
        + "      - run: npm install\n      - run: npm test\n")}


SETUP_MATRIX = "      - uses: actions/setup-node@v1\n        with:\n" \
               "          node-version: ${{ matrix.node }}\n"

OLD = {
    "travis 0.10": (_travis('  - "0.10.40"\n'), ".travis.yml", 3, "0.10.40"),
    "travis several old": (_travis('  - "6"\n  - "8.9"\n'), ".travis.yml", 3, "6 and 8.9"),
    "travis include": (_travis('  - "4"\n', "jobs:\n  include:\n    - node_js: \"9\"\n"),
                       ".travis.yml", 3, "4 and 9"),
    "github matrix": (_workflow(SETUP_MATRIX, "    strategy:\n      matrix:\n"
                                              "        node: [6, 7]\n"),
                      ".github/workflows/ci.yml", 7, "6 and 7"),
    "github plain": (_workflow("      - uses: actions/setup-node@v1\n        with:\n"
                               "          node-version: '8.11'\n"),
                     ".github/workflows/ci.yml", 9, "8.11"),
    "gitlab image": ({".gitlab-ci.yml": "image: node:6-slim\ntest:\n  script:\n"
                                        "    - npm install\n    - npm test\n"},
                     ".gitlab-ci.yml", 1, "6"),
    "circleci image": ({".circleci/config.yml": (
        "version: 2\njobs:\n  build:\n    docker:\n      - image: circleci/node:8.9-browsers\n"
        "    steps:\n      - checkout\n      - run: npm install\n")},
        ".circleci/config.yml", 5, "8.9"),
}


@pytest.mark.parametrize("case", sorted(OLD))
def test_a_ci_on_an_old_node_is_told_to_upgrade_it_first(tmp_path: Path, case: str) -> None:
    files, path, line, shown = OLD[case]
    finding = _finding(_project(tmp_path, files))
    assert (finding["path"], finding["line"]) == (path, line)
    assert finding["message"].startswith(f"CI runs Node {shown}, whose npm has no `audit`")
    assert "upgrade the CI's Node first" in finding["message"]
    assert finding["fix"] is None


CURRENT = {
    "travis one current version": _travis('  - "0.10"\n  - "20"\n'),
    "travis 8 gets its latest release": _travis("  - 8\n"),
    "travis 8.12": _travis('  - "8.12"\n'),
    "travis alias": _travis("  - stable\n"),
    "travis upgrades npm": _travis('  - "6"\n', "before_install: npm install -g npm@6\n"),
    "travis switches node with nvm": _travis('  - "0.10"\n', "before_install: nvm install 18\n"),
    "github matrix with a current node": _workflow(
        SETUP_MATRIX, "    strategy:\n      matrix:\n        node: [6, 18]\n"),
    "github runner's own node": _workflow(""),
    "github lts alias": _workflow("      - uses: actions/setup-node@v4\n        with:\n"
                                  "          node-version: lts/*\n"),
    "gitlab latest image": {".gitlab-ci.yml": "image: node:latest\ntest:\n  script:\n"
                                              "    - npm install\n"},
    "old github and current travis": {**_workflow(
        "      - uses: actions/setup-node@v1\n        with:\n          node-version: 6\n"),
        **_travis("  - 20\n")},
}


@pytest.mark.parametrize("case", sorted(CURRENT))
def test_a_ci_on_a_current_or_unnamed_node_keeps_the_audit_step(tmp_path: Path,
                                                                case: str) -> None:
    finding = _finding(_project(tmp_path, CURRENT[case]))
    assert "npm has no `audit`" not in finding["message"]
    assert "npm audit --audit-level=high" in finding["message"]


def test_the_step_is_still_written_for_a_workflow_on_a_current_node(tmp_path: Path) -> None:
    files = _workflow(SETUP_MATRIX.replace("${{ matrix.node }}", "'20'"))
    finding = _finding(_project(tmp_path, files))
    assert finding["message"] == "CI installs dependencies but never runs " \
                                 "`npm audit --audit-level=high`"
    assert finding["fix"] is not None


def test_yarn_has_its_own_audit_on_an_old_node(tmp_path: Path) -> None:
    finding = _finding(_project(tmp_path, _travis('  - "6"\n'), yarn=True))
    # Yarn 1's own audit no longer works either (retired endpoint): reported without a fix.
    assert "Yarn 1 (classic)" in finding["message"]
    assert "npm has no `audit`" not in finding["message"]
