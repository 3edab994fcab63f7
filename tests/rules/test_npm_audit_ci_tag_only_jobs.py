"""npm-audit-ci and a job (or step) of a workflow run on every push that runs only for tags or
releases (``if: startsWith(github.ref, 'refs/tags/')``, ``github.ref_type == 'tag'``,
``github.event_name == 'release'``): it is judged as a release workflow is. The audit goes to a
job that pull requests or branch pushes run, a matrix job's audit getting a job of its own,
and of the matrix jobs one that every change runs first (no ``needs``, no ``if:``) comes before
a test run after image builds. When only such release jobs install, the audit gets a workflow
of its own. Before, the audit step landed in the release job, because it was the first
install outside a matrix (sample 24: umbrel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden import check, fix

PACKAGE = '{"name": "svc", "dependencies": {"express": "^4.21.0"}}\n'
LOCK = '{"name": "svc", "lockfileVersion": 1, "dependencies": {}}\n'

RELEASE = """\
  release:
    if: {condition}
    needs: [checks]
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm publish
"""

CHECKS = """\
  checks:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        task: [lint, test]
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm run ${{ matrix.task }}
"""

VM_TESTS = """\
  vm-tests:
    needs: [image]
    runs-on: ubuntu-latest
    strategy:
      matrix:
        test: [boot, upgrade]
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm run vm -- ${{ matrix.test }}
"""


def _project(tmp_path: Path, jobs: str) -> Path:
    return write_tree(tmp_path / "p", {"package.json": PACKAGE, "package-lock.json": LOCK,
                                        ".github/workflows/ci.yml": "on: push\njobs:\n" + jobs})


def _finding(root: Path):
    [finding] = check(root, select=["npm-audit-ci"]).findings
    return finding


@pytest.mark.parametrize("condition", [
    "startsWith(github.ref, 'refs/tags/')",
    "${{ github.ref_type == 'tag' && github.repository == 'acme/svc' }}",
    "github.event_name == 'release'",
])
def test_the_audit_job_copies_the_check_job_not_the_release_job(tmp_path: Path,
                                                                condition: str) -> None:
    root = _project(tmp_path, RELEASE.format(condition=condition) + CHECKS)
    finding = _finding(root)
    assert finding.line == 18  # the checks job's `npm ci`
    assert finding.message.startswith(
        "CI installs dependencies only in matrix jobs (besides `release` in "
        ".github/workflows/ci.yml, which runs on neither pull requests nor branch pushes) and "
        "never runs")
    assert finding.fix is not None
    after = fix(root, dry_run=True, select=["npm-audit-ci"]).plan.final[
        ".github/workflows/ci.yml"].decode()
    assert after.endswith("""\
  audit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - name: Audit dependencies
        run: npm audit --audit-level=high
""")


def test_a_condition_that_also_lets_branches_in_is_not_tags_only(tmp_path: Path) -> None:
    condition = "startsWith(github.ref, 'refs/tags/') || github.ref == 'refs/heads/main'"
    root = _project(tmp_path, RELEASE.format(condition=condition) + CHECKS)
    finding = _finding(root)
    assert finding.line == 9  # the release job runs for main too: a job outside a matrix
    assert finding.message == "CI installs dependencies but never runs " \
        "`npm audit --audit-level=high`"


def test_a_check_job_comes_before_tests_that_wait_for_other_jobs(tmp_path: Path) -> None:
    root = _project(tmp_path, VM_TESTS + CHECKS)
    assert _finding(root).line == 20  # the checks job, though the VM tests come first


def test_only_release_jobs_install_the_audit_gets_a_workflow_of_its_own(tmp_path: Path) -> None:
    release = RELEASE.format(condition="startsWith(github.ref, 'refs/tags/')") \
        .replace("    needs: [checks]\n", "")
    root = _project(tmp_path, release)
    finding = _finding(root)
    assert finding.message.startswith(
        "CI installs dependencies but never runs `npm audit --audit-level=high`, and every job "
        "that installs them runs on neither pull requests nor branch pushes (first: "
        ".github/workflows/ci.yml, on push, job `release` only if "
        "startsWith(github.ref, 'refs/tags/')), where an audit would gate releases")
    assert finding.fix is not None
    assert [c.path for c in finding.fix.changes] == [".github/workflows/audit.yml"]
