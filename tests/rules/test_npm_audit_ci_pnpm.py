"""npm-audit-ci and ``check --audit`` on a pnpm project: ``pnpm audit`` posts to the registry's
retired audit endpoints (HTTP 410 since July 2026; users report pnpm 11 failing too), so no step
running it is written. The finding still points at pnpm's install step, says why, and names
audits that work (OSV-Scanner reading pnpm-lock.yaml, GitHub's dependency-review-action)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import write_tree

from nodeharden._api import check, fix
from nodeharden._audit import run_audit

WORKFLOW = """\
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm install -g pnpm@10
      - run: pnpm install --frozen-lockfile
      - run: pnpm test
"""
LOCK = "lockfileVersion: '9.0'\n"


def _project(tmp_path: Path, files: dict[str, str], manager: str | None = None) -> Path:
    package = {"name": "app", "dependencies": {"express": "^4.21.0"}}
    if manager:
        package["packageManager"] = manager
    return write_tree(tmp_path / "p", {"package.json": json.dumps(package) + "\n", **files})


def _finding(root: Path):
    [finding] = check(root, select=["npm-audit-ci"]).findings
    return finding


@pytest.mark.parametrize("files,manager", [
    ({"pnpm-lock.yaml": LOCK}, None),
    ({"pnpm-lock.yaml": LOCK}, "pnpm@10.32.1"),
    ({"pnpm-lock.yaml": LOCK}, "pnpm@11.13.1+sha512.abc"),
    ({"pnpm-lock.yaml": LOCK, "package-lock.json": "{}\n"}, "pnpm@9.15.0"),
], ids=["lockfile", "packageManager pnpm 10", "packageManager pnpm 11",
        "packageManager over a stray npm lockfile"])
def test_pnpm_is_reported_without_a_fix(tmp_path: Path, files: dict[str, str],
                                        manager: str | None) -> None:
    root = _project(tmp_path, {".github/workflows/ci.yml": WORKFLOW, **files}, manager)
    finding = _finding(root)
    # The install is pnpm's (line 8), not the global install of pnpm itself (line 7).
    assert (finding.path, finding.line, finding.fix) == (".github/workflows/ci.yml", 8, None)
    assert "the project uses pnpm" in finding.message
    assert "HTTP 410 since July 2026" in finding.message
    assert "`osv-scanner scan --lockfile pnpm-lock.yaml`" in finding.message
    assert "dependency-review-action" in finding.message
    assert "pnpm audit --audit-level" not in finding.message
    assert not fix(root, dry_run=True, select=["npm-audit-ci"]).plan.final


def test_a_pnpm_install_in_gitlab_is_found(tmp_path: Path) -> None:
    gitlab = "test:\n  script:\n    - corepack enable\n    - pnpm i\n    - pnpm test\n"
    root = _project(tmp_path, {".gitlab-ci.yml": gitlab, "pnpm-lock.yaml": LOCK})
    finding = _finding(root)
    assert (finding.path, finding.line, finding.fix) == (".gitlab-ci.yml", 4, None)
    assert "the project uses pnpm" in finding.message


def test_other_ci_systems_are_not_told_to_add_pnpm_audit(tmp_path: Path) -> None:
    travis = ("language: node_js\nnode_js:\n  - 20\ninstall:\n  - corepack enable\n"
              "  - pnpm install\nscript: pnpm test\n")
    finding = _finding(_project(tmp_path, {".travis.yml": travis, "pnpm-lock.yaml": LOCK}))
    assert (finding.path, finding.line) == (".travis.yml", 6)
    assert "the project uses pnpm" in finding.message and "pnpm audit --" not in finding.message


def test_workflows_that_never_install_are_not_reported(tmp_path: Path) -> None:
    deploy = WORKFLOW.replace("      - run: pnpm install --frozen-lockfile\n", "")
    root = _project(tmp_path, {".github/workflows/ci.yml": deploy, "pnpm-lock.yaml": LOCK})
    assert check(root, select=["npm-audit-ci"]).findings == []


def test_an_uncommitted_lockfile_is_named(tmp_path: Path) -> None:
    finding = _finding(_project(tmp_path, {".github/workflows/ci.yml": WORKFLOW},
                                "pnpm@10.32.1"))
    assert "does not commit pnpm-lock.yaml" in finding.message and finding.fix is None


def test_check_audit_says_it_cannot_audit_a_pnpm_lockfile(tmp_path: Path) -> None:
    findings, [note] = run_audit(_project(tmp_path, {"pnpm-lock.yaml": LOCK}))
    assert findings == []
    assert note.startswith(
        "dependency audit could not run: pnpm-lock.yaml is not an npm lockfile")
    assert "`pnpm audit` no longer works" in note and "HTTP 410" in note
    assert "OSV-Scanner" in note and "package manager's audit command" not in note
    assert note.endswith("dependencies were NOT checked for known vulnerabilities")


PACKAGE_CI = """\
on:
  pull_request:
    paths: ['packages/api/**']
  push:
    branches: [main]
    paths: ['packages/api/**']
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: corepack enable
      - run: pnpm install
      - run: pnpm --filter api build
"""
RELEASE = """\
on:
  push:
    tags: ['v*']
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: corepack enable
      - run: pnpm install --frozen-lockfile
      - run: pnpm build
"""


def test_the_finding_points_at_the_workflow_that_checks_changes(tmp_path: Path) -> None:
    """A package's CI whose path filters leave the workspace lockfile out still checks the
    package's changes; another package's CI checks none of them, a release workflow run on
    tags no change at all: the scanner the message names goes in the first, where the
    finding points."""
    root = write_tree(tmp_path / "p", {
        "package.json": '{"name": "mono", "private": true}\n',
        "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n",
        "pnpm-lock.yaml": LOCK,
        "packages/api/package.json": '{"name": "api", "dependencies": {"express": "^4.21.0"}}\n',
        ".github/workflows/api-ci.yml": PACKAGE_CI,
        # Another package's CI, read first: it checks changes, but not this package's.
        ".github/workflows/accounting-ci.yml": PACKAGE_CI.replace("packages/api", "packages/acc"),
        ".github/workflows/release.yml": RELEASE,
    })
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    finding = _finding(root / "packages" / "api")
    assert (finding.path, finding.line, finding.fix) == (
        "../../.github/workflows/api-ci.yml", 13, None)
    assert "HTTP 410 since July 2026" in finding.message
