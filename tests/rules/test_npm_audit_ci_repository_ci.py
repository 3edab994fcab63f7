"""npm-audit-ci on a folder below the top of its repository: the CI systems read their files at
the top only, so a stale ``.travis.yml`` or workflow inside the package never runs; the
repository's own CI decides (reported, never edited: fix writes nothing outside the folder).
A lockfile the project keeps out of git on purpose is not answered with "commit it"."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import check_json, run_cli, write_tree

WORKFLOW_NO_AUDIT = """\
name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pnpm install
      - run: pnpm test
"""

WORKFLOW_AUDITS = WORKFLOW_NO_AUDIT.replace("      - run: pnpm test\n",
                                            "      - run: pnpm audit --audit-level high\n")

STALE_TRAVIS = """\
language: node_js
node_js:
  - "0.10"
script: npm test
"""


def _repo(tmp_path: Path, workflow: str | None, *, ignore_lock: bool = True,
          npm: bool = False) -> Path:
    workspace = {
        "package.json": '{"name": "mono", "private": true, "workspaces": ["packages/*"]}\n',
        "package-lock.json": '{"name": "mono", "lockfileVersion": 3, "packages": {}}\n',
    } if npm else {
        "package.json": '{"name": "mono", "private": true, "packageManager": "pnpm@9.15.0"}\n',
        "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n",
    }
    top = write_tree(tmp_path / "repo", {
        **workspace,
        ".gitignore": "node_modules\n" + ("pnpm-lock.yaml\n" if ignore_lock else ""),
        "packages/server/package.json": '{"name": "server", "dependencies": '
                                        '{"express": "^4.21.0"}}\n',
        "packages/server/app.js": "const express = require('express');\n"
                                  "express().listen(3000);\n",
        "packages/server/.travis.yml": STALE_TRAVIS,
        **({".github/workflows/ci.yml": workflow} if workflow else {}),
    })
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top / "packages" / "server"


def _audit_findings(server: Path) -> list[dict]:
    report = check_json(server, "--select", "npm-audit-ci", "--no-cache")
    return [f for f in report["findings"] if f["rule"] == "npm-audit-ci"]


def test_the_repository_ci_is_reported_not_the_stale_file_in_the_package(
        tmp_path: Path) -> None:
    server = _repo(tmp_path, WORKFLOW_NO_AUDIT)
    [finding] = _audit_findings(server)
    assert (finding["path"], finding["line"]) == ("../../.github/workflows/ci.yml", 8)
    # pnpm, from the workspace: its own audit no longer works (retired endpoint, HTTP 410), so
    # the lockfile is to be scanned; it is ignored on purpose: no "commit the lockfile".
    assert "the project uses pnpm" in finding["message"]
    assert "`osv-scanner scan --lockfile pnpm-lock.yaml`" in finding["message"]
    assert "commit" not in finding["message"]
    assert "../../.gitignore: pnpm-lock.yaml" in finding["message"]
    assert finding["fix"] is None


def test_a_repository_ci_that_audits_satisfies_the_rule(tmp_path: Path) -> None:
    server = _repo(tmp_path, WORKFLOW_AUDITS)
    assert _audit_findings(server) == []


def test_a_committed_lockfile_gets_the_usual_message_outside_the_folder(tmp_path: Path) -> None:
    # An npm workspace (pnpm's own audit no longer works: reported without a step to add).
    workflow = WORKFLOW_NO_AUDIT.replace("pnpm install", "npm ci").replace("pnpm", "npm")
    server = _repo(tmp_path, workflow, ignore_lock=False, npm=True)
    [finding] = _audit_findings(server)
    assert finding["message"].startswith(
        "CI installs dependencies but never runs `npm audit --audit-level=high` (the "
        "repository's CI, above the folder scanned")
    assert finding["fix"] is None
    # fix leaves the repository's workflow alone.
    proc = run_cli("fix", server, "--dry-run", "--select", "npm-audit-ci")
    assert proc.returncode == 0, proc.stderr
    assert "ci.yml" not in proc.stdout


def test_no_repository_ci_means_no_finding_even_with_a_stale_file_inside(
        tmp_path: Path) -> None:
    server = _repo(tmp_path, None)
    assert _audit_findings(server) == []


def test_outside_git_the_folder_own_ci_still_counts(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}\n',
        "package-lock.json": "{}\n",
        ".travis.yml": STALE_TRAVIS,
    })
    [finding] = _audit_findings(root)
    assert finding["path"] == ".travis.yml"


def _root_with_ignored_lock(tmp_path: Path, npmrc: str | None) -> Path:
    return write_tree(tmp_path / "app", {
        "package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}\n',
        ".gitignore": "node_modules\n/package-lock.json\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
                                    "    steps:\n      - run: npm install\n",
        **({".npmrc": npmrc} if npmrc is not None else {}),
    })


def test_a_lockfile_ignored_on_purpose_is_audited_after_the_install(tmp_path: Path) -> None:
    [finding] = _audit_findings(_root_with_ignored_lock(tmp_path, None))
    assert finding["message"] == (
        "CI never audits dependencies: add `npm audit --audit-level=high` right after the "
        "install step, which writes package-lock.json (the project keeps it out of git on "
        "purpose: .gitignore: /package-lock.json)")


def test_an_npmrc_without_lockfiles_gets_the_audit_after_the_install(tmp_path: Path) -> None:
    # package-lock=false is a choice, not a lockfile left out of git: npm's audit after the
    # install works from the installed packages, so the usual step is added, no "commit it".
    root = _root_with_ignored_lock(tmp_path, "package-lock=false\n")
    [finding] = _audit_findings(root)
    assert finding["message"] == (
        "CI installs dependencies but never runs `npm audit --audit-level=high`; the project "
        "writes no lockfile on purpose (.npmrc: package-lock=false), and after the install "
        "the audit reads the installed packages")
    result = run_cli("fix", root, "--dry-run", "--select", "npm-audit-ci")
    assert "       - run: npm install\n+      - name: Audit dependencies\n" \
        "+        run: npm audit --audit-level=high\n" in result.stdout


def test_pnpm_lockfile_false_in_npmrc_keeps_the_commit_advice_for_npm(tmp_path: Path) -> None:
    # `lockfile=false` is pnpm's setting: npm still needs a lockfile to audit.
    [finding] = _audit_findings(_root_with_ignored_lock(tmp_path, "lockfile=false\n"))
    assert "which the project does not commit: commit the lockfile" in finding["message"]
