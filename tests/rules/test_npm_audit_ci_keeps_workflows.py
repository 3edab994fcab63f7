"""npm-audit-ci: a workflow with comments and anchors changes only by the inserted audit step,
and an audit step already present in another workflow means no finding."""

from __future__ import annotations

from pathlib import Path

from conftest import CODEMODS, write_tree

from nodeharden import check, fix


EXPRESS_PJ = '{\n  "name": "app",\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n'


def test_workflow_with_comments_and_anchors_changes_only_by_the_inserted_step(
        tmp_path: Path) -> None:
    case = CODEMODS / "npm-audit-ci" / "fixtures" / "comments-and-anchors"
    original = (case / "input.yml").read_bytes()
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS_PJ,
                                        "package-lock.json": "{}\n",
                                        ".github/workflows/ci.yml": original})
    result = fix(root, dry_run=True, select=["npm-audit-ci"]).plan
    after = result.final[".github/workflows/ci.yml"]
    added = [b"      - name: Audit dependencies\n",
             b"        run: npm audit --audit-level=high\n"]
    # The installing job runs a matrix: the audit gets a job of its own, appended after the
    # last job, and every byte of the original stays as it was.
    assert after.startswith(original)
    lines = after.splitlines(keepends=True)
    at = lines.index(added[0])
    assert lines[at + 1] == added[1] and at + 2 == len(lines)
    # The copied steps end right after the install step and its comment.
    assert lines[at - 1].strip() == b"# a comment that belongs to the install step"


def test_audit_step_already_present_in_another_workflow_means_no_finding(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": EXPRESS_PJ,
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n"
                                    "      - run: npm ci\n",
        ".github/workflows/nightly.yml": "on: schedule\njobs:\n  a:\n    runs-on: x\n"
                                         "    steps:\n      - run: npm ci && npm audit\n",
    })
    assert [f for f in check(root, select=["npm-audit-ci"]).findings] == []


def _workflow_after(root: Path, workflow: str) -> str:
    """Return the workflow ``fix --dry-run`` writes for a project that runs ``workflow``."""
    write_tree(root, {"package.json": EXPRESS_PJ, "package-lock.json": "{}\n",
                      ".github/workflows/ci.yml": workflow})
    return fix(root, dry_run=True, select=["npm-audit-ci"]).plan.final[
        ".github/workflows/ci.yml"].decode()


def test_steps_a_blank_line_apart_get_the_audit_a_blank_line_apart(tmp_path: Path) -> None:
    # Ride The Lightning's and mirotalk's workflows: a blank line between steps; the audit
    # step follows that habit. Steps written back to back stay back to back.
    spaced = ("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
              "      - uses: actions/checkout@v4\n\n"
              "      - name: Install\n        run: npm ci\n\n"
              "      - name: Test\n        run: npm test\n")
    assert _workflow_after(tmp_path / "p", spaced) == spaced.replace(
        "npm ci\n\n", "npm ci\n\n      - name: Audit dependencies\n"
                      "        run: npm audit --audit-level=high\n\n")
    tight = spaced.replace("\n\n", "\n")
    assert _workflow_after(tmp_path / "q", tight) == tight.replace(
        "npm ci\n", "npm ci\n      - name: Audit dependencies\n"
                    "        run: npm audit --audit-level=high\n")
