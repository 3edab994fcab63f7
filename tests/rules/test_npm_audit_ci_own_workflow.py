"""npm-audit-ci: where no workflow that installs runs on pull requests or branch pushes (a
release, tag, scheduled or manual workflow only), the audit is not added there, where it would
hold back releases: it gets a workflow of its own, run on pushes, pull requests and a weekly
schedule. And of a job's several installs, the audit follows the one of the folder whose
lockfile it reads (the repository's top), not a front end's `client/` install before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree
from ruamel.yaml import YAML

from nodeharden._api import check, fix

PJ = '{"name": "app", "dependencies": {"express": "^4.21.0"}}\n'
LOCK_V3 = '{"name": "app", "lockfileVersion": 3, "requires": true, "packages": {}}\n'
LOCK_V1 = '{"name": "app", "lockfileVersion": 1, "requires": true, "dependencies": {}}\n'


def _project(tmp_path: Path, workflows: dict[str, str], lock: str = LOCK_V3) -> Path:
    return write_tree(tmp_path / "p", {
        "package.json": PJ, "package-lock.json": lock,
        **{f".github/workflows/{name}": text for name, text in workflows.items()}})


def _findings(root: Path) -> list:
    return [f for f in check(root, select=["npm-audit-ci"]).findings]


def _plan(root: Path) -> dict[str, str]:
    plan = fix(root, dry_run=True, select=["npm-audit-ci"]).plan
    return {rel: data.decode() for rel, data in plan.final.items()}


def _job(on: str, before_install: str = "", install: str = "      - run: npm ci\n",
         extra: str = "") -> str:
    return (f"on:\n{on}jobs:\n  build:\n    runs-on: ubuntu-latest\n{extra}"
            "    steps:\n      - uses: actions/checkout@v4\n"
            f"{before_install}{install}      - run: npm test\n")


RELEASE = "  release:\n    types: [created]\n"
TAGS_AND_MANUAL = "  push:\n    tags: ['v*']\n  workflow_dispatch:\n"


def test_a_release_workflow_is_left_alone_and_the_audit_gets_its_own(tmp_path: Path) -> None:
    release = _job(RELEASE)
    root = _project(tmp_path, {"publish.yml": release})
    [finding] = _findings(root)
    assert (finding.path, finding.line) == (".github/workflows/publish.yml", 9)
    assert "runs on neither pull requests nor branch pushes" in finding.message
    assert "on release" in finding.message and "a workflow of its own" in finding.message
    files = _plan(root)
    assert set(files) == {".github/workflows/audit.yml"}  # publish.yml is not touched
    new = YAML(typ="safe").load(files[".github/workflows/audit.yml"])
    assert set(new["on"]) == {"push", "pull_request", "schedule"}
    assert new["permissions"] == {"contents": "read"}
    # npm reads a version 3 lockfile without an install: checkout, then the audit.
    assert new["jobs"] == {"audit": {"runs-on": "ubuntu-latest", "steps": [
        {"uses": "actions/checkout@v4"},
        {"name": "Audit dependencies", "run": "npm audit --audit-level=high"}]}}


def test_an_old_lockfile_keeps_the_install_in_the_new_workflow(tmp_path: Path) -> None:
    root = _project(tmp_path, {"publish.yml": _job(TAGS_AND_MANUAL)}, lock=LOCK_V1)
    [finding] = _findings(root)
    assert "push (tags), workflow_dispatch" in finding.message
    steps = YAML(typ="safe").load(_plan(root)[".github/workflows/audit.yml"])["jobs"]["audit"][
        "steps"]
    assert steps[1:] == [{"run": "npm ci"},
                         {"name": "Audit dependencies", "run": "npm audit --audit-level=high"}]


def test_the_new_workflow_takes_a_name_not_in_use(tmp_path: Path) -> None:
    # audit.yml exists but installs nothing (so it is no site and runs no audit).
    other = "on: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n" \
        "      - run: echo hi\n"
    root = _project(tmp_path, {"publish.yml": _job(RELEASE), "audit.yml": other})
    assert set(_plan(root)) == {".github/workflows/dependency-audit.yml"}


def test_a_job_bound_to_its_release_gets_no_new_workflow(tmp_path: Path) -> None:
    # The step before the install reads the release's tag, and a secret: a push or a pull
    # request from a fork has neither. Reported, no fix.
    for n, step in enumerate((
            "      - run: echo ${{ github.event.release.tag_name }} > VERSION\n",
            "      - run: echo //r.example.org/:_authToken=${{ secrets.TOKEN }} > .npmrc\n")):
        root = _project(tmp_path / str(n), {"publish.yml": _job(RELEASE, step)})
        [finding] = _findings(root)
        assert finding.fix is None, step
        assert _plan(root) == {}


def test_a_matrix_release_job_is_copied_with_one_combination(tmp_path: Path) -> None:
    matrix = "    strategy:\n      matrix:\n        node: [18, 20, 22]\n"
    setup = "      - uses: actions/setup-node@v4\n        with:\n" \
        "          node-version: ${{ matrix.node }}\n"
    root = _project(tmp_path, {"publish.yml": _job(RELEASE, setup, extra=matrix)})
    job = YAML(typ="safe").load(_plan(root)[".github/workflows/audit.yml"])["jobs"]["audit"]
    assert "strategy" not in job
    assert job["steps"][1] == {"uses": "actions/setup-node@v4", "with": {"node-version": 22}}


def test_a_pull_request_workflow_still_gets_the_step(tmp_path: Path) -> None:
    ci = _job("  pull_request:\n")
    root = _project(tmp_path, {"a-publish.yml": _job(RELEASE), "ci.yml": ci})
    files = _plan(root)
    assert set(files) == {".github/workflows/ci.yml"}
    assert "      - run: npm test\n      - name: Audit dependencies\n" in files[
        ".github/workflows/ci.yml"]


CALLER = """\
on: [push, pull_request]
jobs:
  tests:
    uses: ./.github/workflows/tests.yml
"""


def test_a_reusable_workflow_a_running_one_calls_keeps_the_step(tmp_path: Path) -> None:
    # Called from a workflow run on pushes and pull requests: not a release gate.
    called = _job("  workflow_call:\n")
    root = _project(tmp_path, {"ci.yml": CALLER, "tests.yml": called})
    assert set(_plan(root)) == {".github/workflows/tests.yml"}


@pytest.mark.parametrize("events", ["  workflow_call:\n", "  workflow_dispatch:\n",
                                    "  workflow_dispatch:\n  workflow_call:\n"])
def test_a_workflow_that_never_runs_on_its_own_gets_no_fix(tmp_path: Path,
                                                           events: str) -> None:
    # Run by hand, or reusable and called by nothing here: an audit there checks nothing
    # unless someone asks.
    root = _project(tmp_path, {"docker-tests.yml": _job(events)})
    [finding] = _findings(root)
    assert finding.fix is None and "started by hand or called by another" in finding.message
    assert _plan(root) == {}


def test_a_workflow_that_runs_on_its_own_comes_before_a_manual_one(tmp_path: Path) -> None:
    root = _project(tmp_path, {"a-manual.yml": _job("  workflow_dispatch:\n"),
                               "nightly.yml": _job("  schedule:\n    - cron: '0 3 * * *'\n")})
    [finding] = _findings(root)
    assert finding.path == ".github/workflows/nightly.yml"


def test_a_push_on_every_branch_comes_before_a_release_branch(tmp_path: Path) -> None:
    # Both run on pushes; the one on every branch checks changes before they are merged.
    release = _job("  push:\n    branches:\n      - master\n    tags:\n      - v*\n")
    root = _project(tmp_path, {"dockerimage.yml": release, "tests.yml": _job("  push:\n")})
    [finding] = _findings(root)
    assert finding.path == ".github/workflows/tests.yml"
    assert set(_plan(root)) == {".github/workflows/tests.yml"}


FRONT_END_FIRST = """\
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: front end
        working-directory: web
        run: npm ci
      - name: server
        run: npm ci --omit=dev
      - run: npm test
"""


def test_the_audit_follows_the_install_of_the_top_folder(tmp_path: Path) -> None:
    root = _project(tmp_path, {"ci.yml": FRONT_END_FIRST})
    [finding] = _findings(root)
    assert finding.line == 10
    after = _plan(root)[".github/workflows/ci.yml"]
    # At the end of the job, after its tests (``_audit_place``).
    assert after == FRONT_END_FIRST + (
        "      - name: Audit dependencies\n        run: npm audit --audit-level=high\n")


def test_a_workflow_that_installs_the_top_folder_wins_over_one_that_installs_a_subfolder(
        tmp_path: Path) -> None:
    # a-web.yml sorts first by name; its job's default folder is the front end's.
    web = ("on: [push, pull_request]\njobs:\n  web:\n    runs-on: ubuntu-latest\n"
           "    defaults:\n      run:\n        working-directory: web\n"
           "    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n")
    root = _project(tmp_path, {"a-web.yml": web, "b-server.yml": _job("  pull_request:\n")})
    [finding] = _findings(root)
    assert finding.path == ".github/workflows/b-server.yml"
    assert set(_plan(root)) == {".github/workflows/b-server.yml"}


def test_a_subfolder_install_is_still_used_when_it_is_the_only_one(tmp_path: Path) -> None:
    # A job default folder plus a `cd` in the script: the audit step names the joined folder
    # (its own working-directory replaces the default).
    only = ("on: [push, pull_request]\njobs:\n  web:\n    runs-on: ubuntu-latest\n"
            "    defaults:\n      run:\n        working-directory: apps\n"
            "    steps:\n      - uses: actions/checkout@v4\n      - run: cd web && npm ci\n")
    root = _project(tmp_path, {"ci.yml": only})
    after = _plan(root)[".github/workflows/ci.yml"]
    assert after.endswith("        run: npm audit --audit-level=high\n"
                          "        working-directory: apps/web\n")
