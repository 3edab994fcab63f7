"""npm-audit-ci: a workflow with comments and anchors changes only by the inserted audit step,
and an audit step already present in another workflow means no finding."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    audit = "      - name: Audit dependencies\n        run: npm audit --audit-level=high\n"
    assert _workflow_after(tmp_path / "p", spaced) == spaced + "\n" + audit
    tight = spaced.replace("\n\n", "\n")
    assert _workflow_after(tmp_path / "q", tight) == tight + audit
    # Another job below: the audit ends the first one, the blank line before the next stays.
    other = "\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo lint\n"
    assert _workflow_after(tmp_path / "r", spaced + other) == spaced + "\n" + audit + other
    assert _workflow_after(tmp_path / "s", tight + other) == tight + audit + other


SHIPPING = """\
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm test
      - name: Coverage
        run: npx nyc report
{ships}      - run: echo done
"""


@pytest.mark.parametrize("ships", [
    "      - name: Deploy to production\n        run: ./scripts/go.sh\n",
    "      - run: npm publish\n",
    "      - uses: peaceiris/actions-gh-pages@v4\n",
    "      - uses: docker/build-push-action@v6\n",
    "      - run: npx semantic-release\n",
])
def test_the_audit_ends_the_job_but_comes_before_what_ships(tmp_path: Path, ships: str) -> None:
    # After the tests, so that a failing audit does not hide their results (held-out samples
    # 40 and 17: "move it after the tests"); before the first step that publishes or deploys,
    # so that it still stops a release.
    workflow = SHIPPING.format(ships=ships)
    audit = "      - name: Audit dependencies\n        run: npm audit --audit-level=high\n"
    assert _workflow_after(tmp_path / "p", workflow) == workflow.replace(ships, audit + ships)
    plain = SHIPPING.format(ships="")
    assert _workflow_after(tmp_path / "q", plain) == plain + audit


def test_gitlab_installing_in_before_script_gets_the_audit_at_the_end_of_script(
        tmp_path: Path) -> None:
    gitlab = ("test:\n  image: node:20\n  before_script:\n    - npm ci\n  script:\n"
              "    - npm run lint\n    - npm test\n")
    write_tree(tmp_path / "p", {"package.json": EXPRESS_PJ, "package-lock.json": "{}\n",
                                ".gitlab-ci.yml": gitlab})
    after = fix(tmp_path / "p", dry_run=True, select=["npm-audit-ci"]).plan.final[
        ".gitlab-ci.yml"].decode()
    assert after == gitlab + "    - npm audit --audit-level=high\n"
    deploy = gitlab + "    - npx vercel deploy --prod\n"
    write_tree(tmp_path / "q", {"package.json": EXPRESS_PJ, "package-lock.json": "{}\n",
                                ".gitlab-ci.yml": deploy})
    after = fix(tmp_path / "q", dry_run=True, select=["npm-audit-ci"]).plan.final[
        ".gitlab-ci.yml"].decode()
    assert after == gitlab + "    - npm audit --audit-level=high\n    - npx vercel deploy --prod\n"
    # A script that ships from its first line: the audit follows the install.
    shipping = gitlab.replace("    - npm run lint\n    - npm test\n", "    - npm publish\n")
    write_tree(tmp_path / "r", {"package.json": EXPRESS_PJ, "package-lock.json": "{}\n",
                                ".gitlab-ci.yml": shipping})
    after = fix(tmp_path / "r", dry_run=True, select=["npm-audit-ci"]).plan.final[
        ".gitlab-ci.yml"].decode()
    assert after == shipping.replace("    - npm ci\n",
                                     "    - npm ci\n    - npm audit --audit-level=high\n")
