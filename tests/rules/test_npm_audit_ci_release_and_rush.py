"""npm-audit-ci: a step that installs Yarn itself (``npm install -g yarn``, ``corepack enable
yarn``) is not the dependency install; the audit goes to the workflow pull requests and branch
pushes run, before a tag-only or release workflow (a matrix of one combination is no matrix);
a project of a Rush monorepo is audited through Rush's lockfile in common/config/rush, and is
not told to commit a package-lock.json."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import check_json, run_cli, write_tree

from nodeharden import fix

YARN_PJ = ('{"name": "app", "packageManager": "yarn@1.22.22", '
           '"dependencies": {"express": "^4.21.0"}}\n')


def _findings(root: Path) -> list[dict]:
    report = check_json(root, "--select", "npm-audit-ci", "--no-cache")
    return [f for f in report["findings"] if f["rule"] == "npm-audit-ci"]


def _fixed(root: Path, rel: str) -> str:
    plan = fix(root, dry_run=True, select=["npm-audit-ci"]).plan
    return plan.final[rel].decode()


YARN_TOOL_FIRST = """\
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Get Yarn
        run: {tool}
      - name: Dependencies
        run: yarn install --frozen-lockfile
      - run: yarn test
"""


def test_installing_yarn_itself_is_not_the_dependency_install(tmp_path: Path) -> None:
    for n, tool in enumerate(("npm install -g yarn", "npm i --global yarn",
                              "corepack enable yarn")):
        workflow = YARN_TOOL_FIRST.format(tool=tool)
        # Yarn 4: Yarn 1 gets no step (its `yarn audit` no longer works).
        root = write_tree(tmp_path / f"p{n}", {
            "package.json": YARN_PJ.replace("yarn@1.22.22", "yarn@4.5.1"), "yarn.lock": "\n",
            ".github/workflows/ci.yml": workflow})
        [finding] = _findings(root)
        assert finding["line"] == 9, tool  # the `yarn install` step, not the one before
        after = _fixed(root, ".github/workflows/ci.yml")
        assert after == workflow + (
            "      - name: Audit dependencies\n"
            "        run: yarn npm audit --all --recursive --severity high\n"), tool


def test_a_lone_yarn_command_still_installs(tmp_path: Path) -> None:
    for n, run in enumerate(("yarn", "CI=true yarn --frozen-lockfile", "cd web && yarn")):
        workflow = YARN_TOOL_FIRST.format(tool="npm install -g yarn").replace(
            "yarn install --frozen-lockfile", run)
        root = write_tree(tmp_path / f"p{n}", {"package.json": YARN_PJ, "yarn.lock": "\n",
                                              ".github/workflows/ci.yml": workflow})
        [finding] = _findings(root)
        assert finding["line"] == 9, run


def _workflow(on: str, matrix: str = "") -> str:
    strategy = f"    strategy:\n      matrix:\n{matrix}" if matrix else ""
    return (f"on:\n{on}jobs:\n  build:\n    runs-on: ubuntu-latest\n{strategy}"
            "    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n")


TAGS_ONLY = "  push:\n    tags:\n      - 'v*'\n  workflow_dispatch:\n"
MAIN_ONLY = "  push:\n    branches: [main]\n"
PRS_AND_MAIN = "  push:\n    branches: [main]\n  pull_request:\n"
ONE_NODE = "        node: [22]\n"
TWO_NODES = "        node: [20, 22]\n"
EXPRESS_PJ = '{"name": "app", "dependencies": {"express": "^4.21.0"}}\n'


def _project(tmp_path: Path, workflows: dict[str, str]) -> Path:
    return write_tree(tmp_path / "p", {
        "package.json": EXPRESS_PJ, "package-lock.json": "{}\n",
        **{f".github/workflows/{name}": text for name, text in workflows.items()}})


def test_a_pull_request_workflow_comes_before_a_tag_only_one(tmp_path: Path) -> None:
    # The tag-only workflow sorts first by name and has no matrix; the one pull requests run
    # has a matrix of one Node version, which runs the job once.
    root = _project(tmp_path, {"a-docker.yml": _workflow(TAGS_ONLY),
                               "ci.yml": _workflow(PRS_AND_MAIN, ONE_NODE)})
    [finding] = _findings(root)
    assert finding["path"] == ".github/workflows/ci.yml"
    assert finding["message"] == "CI installs dependencies but never runs " \
        "`npm audit --audit-level=high`"
    after = _fixed(root, ".github/workflows/ci.yml")
    assert after.endswith("      - run: npm ci\n      - name: Audit dependencies\n"
                          "        run: npm audit --audit-level=high\n")


def test_pull_requests_and_pushes_come_before_pushes_alone(tmp_path: Path) -> None:
    root = _project(tmp_path, {"a-release.yml": _workflow(MAIN_ONLY),
                               "ci.yml": _workflow(PRS_AND_MAIN, TWO_NODES)})
    [finding] = _findings(root)
    assert finding["path"] == ".github/workflows/ci.yml"
    assert finding["message"].startswith("CI installs dependencies only in matrix jobs")


def test_a_tag_only_workflow_is_still_reported_when_it_is_the_only_one(tmp_path: Path) -> None:
    root = _project(tmp_path, {"docker.yml": _workflow(TAGS_ONLY)})
    [finding] = _findings(root)
    assert finding["path"] == ".github/workflows/docker.yml"


RUSH_JSON = """\
/**
 * Rush's configuration: see https://rushjs.io for the settings.
 */
{
  "rushVersion": "5.100.0",
  // "npmVersion": "8.19.4",
  "pnpmVersion": "8.15.9",
  "projects": [
    {
      "packageName": "web",
      "projectFolder": "apps/web", // the server
    },
  ]
}
"""

TRAVIS = """\
language: node_js
node_js:
  - "20"
script:
  - node common/scripts/install-run-rush.js install
  - node common/scripts/install-run-rush.js build
"""


def _rush_repo(tmp_path: Path, *, lock: bool = True, ci: dict[str, str] | None = None,
               folder: str = "apps/web") -> Path:
    top = write_tree(tmp_path / "repo", {
        "rush.json": RUSH_JSON,
        **({"common/config/rush/pnpm-lock.yaml": "lockfileVersion: '6.0'\n"} if lock else {}),
        f"{folder}/package.json": EXPRESS_PJ,
        f"{folder}/app.js": "const express = require('express');\nexpress().listen(3000);\n",
        **(ci if ci is not None else {".travis.yml": TRAVIS}),
    })
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top / folder


def test_a_rush_project_is_audited_through_the_rush_lockfile(tmp_path: Path) -> None:
    [finding] = _findings(_rush_repo(tmp_path))
    assert (finding["path"], finding["line"]) == ("../../.travis.yml", 5)
    assert finding["message"] == (
        "CI never audits dependencies: the project is part of a Rush monorepo (../../rush.json, "
        "pnpm) whose lockfile is ../../common/config/rush/pnpm-lock.yaml: add a CI step that "
        "audits that lockfile with a scanner that reads it, such as OSV-Scanner (Rush has no "
        "audit command of its own, and `pnpm audit` calls the registry's retired audit "
        "endpoint, which answers HTTP 410 since July 2026)")
    assert "package-lock.json" not in finding["message"]
    assert finding["fix"] is None


def test_a_rush_install_in_a_workflow_gets_no_fix(tmp_path: Path) -> None:
    workflow = ("on: [push, pull_request]\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - uses: actions/checkout@v4\n"
                "      - run: node common/scripts/install-run-rush.js install\n")
    server = _rush_repo(tmp_path, ci={".github/workflows/ci.yml": workflow})
    [finding] = _findings(server)
    assert (finding["path"], finding["line"]) == ("../../.github/workflows/ci.yml", 7)
    assert finding["fix"] is None
    proc = run_cli("fix", server, "--dry-run", "--select", "npm-audit-ci")
    assert proc.returncode == 0, proc.stderr
    assert "ci.yml" not in proc.stdout


def test_a_rush_audit_command_in_ci_satisfies_the_rule(tmp_path: Path) -> None:
    ci = {".travis.yml": TRAVIS + "  - node common/scripts/install-run-rush.js audit\n"}
    assert _findings(_rush_repo(tmp_path, ci=ci)) == []


def test_a_missing_rush_lockfile_is_named_as_rush_writes_it(tmp_path: Path) -> None:
    [finding] = _findings(_rush_repo(tmp_path, lock=False))
    assert "../../common/config/rush/pnpm-lock.yaml, is not in the repository" \
        in finding["message"]
    assert "package-lock.json" not in finding["message"]


def test_a_folder_rush_json_does_not_list_is_not_a_rush_project(tmp_path: Path) -> None:
    [finding] = _findings(_rush_repo(tmp_path, folder="tools/other"))
    assert "Rush" not in finding["message"]
