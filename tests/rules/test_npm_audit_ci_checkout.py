"""npm-audit-ci: a job that downloads a build artifact and never gets the repository installs
what it downloaded, so it gets no audit step; any other job may have the repository (an
organisation's checkout action, `git clone`) and keeps its fix. The step runs in the install
step's working-directory, written so that YAML reads it back as the same string."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden import check

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'
LOCK = '{"name": "p", "lockfileVersion": 3, "requires": true, "packages": {}}'


def workflow(steps: str, extra_job: str = "", on: str = "[push, pull_request]") -> str:
    return (f"name: CI\non: {on}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
            f"{steps}{extra_job}")


def finding(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "package-lock.json": LOCK,
                                       "app.js": "require('express')().listen(3000);\n",
                                       **files})
    [found] = check(root, select=["npm-audit-ci"]).findings
    return found


@pytest.mark.parametrize("first_step", [
    "      - uses: myorg/ci-actions/checkout-and-setup@v2\n",
    "      - uses: Actions/Checkout@v4\n",
    "      - run: git clone https://example.org/app.git .\n",
    "      - uses: actions/setup-node@v4\n",  # nothing downloaded: the repository may be there
], ids=["org-checkout-action", "uppercase", "git-clone", "no-download"])
def test_a_job_that_may_have_the_repository_keeps_its_fix(tmp_path: Path,
                                                          first_step: str) -> None:
    found = finding(tmp_path, {".github/workflows/ci.yml": workflow(
        first_step + "      - run: npm ci\n      - run: npm test\n")})
    assert found.fix is not None, found.message


def test_a_job_that_installs_a_downloaded_build_gets_no_step(tmp_path: Path) -> None:
    found = finding(tmp_path, {".github/workflows/ci.yml": workflow(
        "      - uses: actions/download-artifact@v4\n        with:\n          name: build\n"
        "      - run: npm ci --omit=dev\n        working-directory: build\n")})
    assert found.fix is None and "runs on a build the job downloaded" in found.message


def test_a_checked_out_workflow_that_skips_dependency_changes_is_named_not_the_artifact_job(
        tmp_path: Path) -> None:
    ci = ("name: CI\non:\n  push:\n    paths-ignore: ['**/*.json']\njobs:\n  test:\n"
          "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
          "      - run: npm ci\n")
    release = ("name: Release\non: [push]\njobs:\n  package:\n    runs-on: ubuntu-latest\n"
               "    steps:\n      - uses: actions/download-artifact@v4\n        with:\n"
               "          name: build\n      - run: npm ci\n")
    found = finding(tmp_path, {".github/workflows/ci.yml": ci,
                               ".github/workflows/release.yml": release})
    assert found.path == ".github/workflows/ci.yml"
    assert "downloaded" not in found.message


@pytest.mark.parametrize("directory,written", [
    ("server", "working-directory: server"),
    ("2024", "working-directory: '2024'"),
    ("true", "working-directory: 'true'"),
])
def test_the_step_runs_where_the_install_ran(tmp_path: Path, directory: str,
                                             written: str) -> None:
    found = finding(tmp_path, {".github/workflows/ci.yml": workflow(
        "      - uses: actions/checkout@v4\n      - run: npm ci\n"
        f"        working-directory: '{directory}'\n")})
    assert found.fix is not None, found.message
    [change] = found.fix.changes
    [edit] = change.edits
    assert written in edit.content


@pytest.mark.parametrize("install,written", [
    ("      - run: cd server && npm ci\n", "working-directory: server"),
    ("      - run: |\n          cd api\n          npm ci\n", "working-directory: api"),
    ("      - run: npm ci --prefix src\n", "working-directory: src"),
    ("      - run: cd server && npm ci\n        working-directory: apps\n",
     "working-directory: apps/server"),
], ids=["cd-and", "cd-line", "prefix", "cd-inside-working-directory"])
def test_the_step_runs_where_the_script_moved_before_installing(tmp_path: Path, install: str,
                                                                written: str) -> None:
    found = finding(tmp_path, {".github/workflows/ci.yml": workflow(
        "      - uses: actions/checkout@v4\n" + install)})
    assert found.fix is not None, found.message
    [change] = found.fix.changes
    [edit] = change.edits
    assert written in edit.content


def test_a_folder_the_edit_cannot_name_gets_no_step(tmp_path: Path) -> None:
    found = finding(tmp_path, {".github/workflows/ci.yml": workflow(
        "      - uses: actions/checkout@v4\n      - run: cd $APP_DIR && npm ci\n")})
    assert found.fix is None


def test_an_install_in_another_repositorys_clone_is_not_this_ones() -> None:
    from nodeharden.rules.npm_audit_ci import _clones, _in_clone

    clones = _clones("git clone --depth 1 -b main https://example.org/acme/lib.git && cd lib")
    assert clones == [("https://example.org/acme/lib.git", "lib")]
    assert _in_clone("lib/packages/ui", clones, "app")
    assert not _in_clone("backend", clones, "app")
    assert not _in_clone(None, clones, "app")
    # The workflow's own repository, by the expression or by the repository's folder name.
    own = _clones("git clone https://github.com/${{ github.repository }} src")
    assert not _in_clone("src", own, "app")
    assert not _in_clone("app", _clones("git clone https://example.org/acme/app"), "app")
