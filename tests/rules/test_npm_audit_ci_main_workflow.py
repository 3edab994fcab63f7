"""npm-audit-ci names, and adds its job to, the workflow of the project's main checks when every
install runs in a matrix of several workflows alike: one that every change runs before one its
``paths`` filters keep to some changes (ODK Central's database-migrations workflow, held-out
sample 30), and one named for the main checks (``ci``, ``test``, ``suite``, ``build``) before
a narrower suite (``e2e``, ``soak``, ``integration``)."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

WORKFLOW = """name: {name}
on:
  push:{paths}
  pull_request:{paths}
jobs:
  tests:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        postgres: [14, 16]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
      - run: npm ci
      - run: npm test
"""
FILTER = "\n    paths:\n    - lib/migrations/**\n    - package.json\n    - package-lock.json"


def named(project, workflows: dict[str, str]) -> str:
    tree = {"package.json": json.dumps({"name": "a", "dependencies": {"express": "^4.21.0"}}),
            "package-lock.json": '{"name": "a", "lockfileVersion": 3, "packages": {}}\n',
            "app.js": "const express = require('express');\nexpress().listen(3000);\n"}
    tree |= {f".github/workflows/{name}": body for name, body in workflows.items()}
    root = project(tree)
    [finding] = check(root, select=["npm-audit-ci"]).findings
    return finding.path


def test_a_workflow_every_change_runs_comes_before_a_path_filtered_one(project) -> None:
    assert named(project, {
        "db-migrations.yml": WORKFLOW.format(name="migrations", paths=FILTER),
        "tests.yml": WORKFLOW.format(name="tests", paths=""),
    }) == ".github/workflows/tests.yml"


@pytest.mark.parametrize("main", ["standard-suite.yml", "ci.yml", "test.yml", "build.yml"])
def test_the_main_checks_come_before_a_narrower_suite(project, main: str) -> None:
    assert named(project, {
        "db-migrations.yml": WORKFLOW.format(name="migrations", paths=FILTER),
        "oidc-e2e.yml": WORKFLOW.format(name="oidc", paths=""),
        main: WORKFLOW.format(name="main", paths=""),
        "a-soak-test.yml": WORKFLOW.format(name="soak", paths=""),
    }) == f".github/workflows/{main}"
