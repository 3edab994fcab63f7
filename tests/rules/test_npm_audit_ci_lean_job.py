"""npm-audit-ci's own audit job (when every install runs in a matrix) installs nothing where
``npm audit`` reads a committed lockfile of version 2 or 3, and leaves out a job ``env:``
that no kept step uses. It keeps the install where npm would need it or where the install
step does more than install: a version 1 lockfile, a lockfile kept out of git, an install
``run`` with other commands, yarn; and it keeps an ``env:`` that sets a variable npm reads."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from conftest import write_tree

from nodeharden._api import fix

WORKFLOW = """name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        node: [20, 22]
    env:
      {env}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: ${{{{ matrix.node }}}}
      - run: {install}
      - run: npm test
"""
LOCK3 = '{"name": "a", "lockfileVersion": 3, "requires": true, "packages": {}}\n'


def audit_job(tmp_path: Path, *, lock: str | None = LOCK3, install: str = "npm ci",
              env: str = "CI_SHARDS: 4", files: dict[str, str] | None = None) -> dict:
    tree = {"package.json": json.dumps({"name": "a", "dependencies": {"express": "^4.21.0"}}),
            ".github/workflows/ci.yml": WORKFLOW.format(env=env, install=install),
            **(files or {})}
    if lock is not None:
        tree["package-lock.json"] = lock
    root = write_tree(tmp_path / "app", tree)
    fix(root, select=["npm-audit-ci"])
    return yaml.safe_load((root / ".github/workflows/ci.yml").read_text())["jobs"]["audit"]


def runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def test_committed_lockfile_v3_no_install_no_unused_env(tmp_path: Path) -> None:
    job = audit_job(tmp_path)
    assert runs(job) == ["npm audit --audit-level=high"]
    assert "env" not in job
    assert [step.get("uses") for step in job["steps"][:2]] == ["actions/checkout@v4",
                                                              "actions/setup-node@v4"]


def test_an_install_with_flags_is_still_just_an_install(tmp_path: Path) -> None:
    job = audit_job(tmp_path, install="npm install --legacy-peer-deps")
    assert runs(job) == ["npm audit --audit-level=high"]


def test_env_npm_reads_is_kept(tmp_path: Path) -> None:
    job = audit_job(tmp_path, env="NPM_CONFIG_REGISTRY: https://npm.example.test/")
    assert job["env"] == {"NPM_CONFIG_REGISTRY": "https://npm.example.test/"}


def test_lockfile_v1_keeps_the_install(tmp_path: Path) -> None:
    job = audit_job(tmp_path, lock='{"name": "a", "lockfileVersion": 1, "dependencies": {}}\n')
    assert runs(job) == ["npm ci", "npm audit --audit-level=high"]
    assert job["env"] == {"CI_SHARDS": 4}  # as before


def test_lockfile_kept_out_of_git_keeps_the_install(tmp_path: Path) -> None:
    job = audit_job(tmp_path, files={".gitignore": "node_modules\npackage-lock.json\n"})
    assert runs(job) == ["npm ci", "npm audit --audit-level=high"]


def test_an_install_step_that_does_more_is_kept(tmp_path: Path) -> None:
    job = audit_job(tmp_path, install="npm ci && npm run build")
    assert runs(job) == ["npm ci && npm run build", "npm audit --audit-level=high"]


def test_yarn_keeps_its_install(tmp_path: Path) -> None:
    job = audit_job(tmp_path, lock=None, install="yarn install --frozen-lockfile",
                    files={"yarn.lock": "__metadata:\n  version: 8\n"})
    assert runs(job)[0] == "yarn install --frozen-lockfile"
