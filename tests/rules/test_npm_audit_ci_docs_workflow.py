"""npm-audit-ci leaves out a GitHub Actions workflow that only builds and publishes the
documentation (every job publishes to GitHub Pages or is named for the docs, and none runs the
tests): it is not the CI that tests the project's changes, and an audit there would only block
the docs (sample 26: saltcorn's "Documentation CI" beside its real CI elsewhere)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden import check

PACKAGE = '{"name": "svc", "dependencies": {"express": "^4.21.0"}}\n'
LOCK = '{"name": "svc", "lockfileVersion": 3, "packages": {}}\n'
APP = "const express = require('express');\nexpress().listen(3000);\n"
DOCS = """\
name: Documentation CI
on:
  push:
    branches: [master]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm install
      - run: npm run docs
      - uses: peaceiris/actions-gh-pages@v3
        with:
          publish_dir: ./docs
"""
TESTS = """\
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm test
"""


def _audit_findings(tmp_path: Path, workflows: dict[str, str]) -> list[str]:
    root = write_tree(tmp_path, {"package.json": PACKAGE, "package-lock.json": LOCK,
                                 "app.js": APP, **{f".github/workflows/{name}": text
                                                   for name, text in workflows.items()}})
    return [f.path for f in check(root, select=["npm-audit-ci"]).findings]


@pytest.mark.parametrize("docs", [
    DOCS,
    DOCS.replace("name: Documentation CI", "name: Publish").replace(
        "      - uses: peaceiris/actions-gh-pages@v3\n        with:\n"
        "          publish_dir: ./docs\n",
        "      - uses: actions/upload-pages-artifact@v3\n      - uses: actions/deploy-pages@v4\n"),
], ids=["gh-pages-action", "pages-artifact"])
def test_a_docs_only_workflow_is_not_the_ci(tmp_path: Path, docs: str) -> None:
    assert _audit_findings(tmp_path, {"docs.yml": docs}) == []
    assert _audit_findings(tmp_path / "both", {"docs.yml": docs, "ci.yml": TESTS}) == [
        ".github/workflows/ci.yml"]


def test_a_docs_workflow_that_runs_the_tests_is_ci(tmp_path: Path) -> None:
    docs = DOCS.replace("      - run: npm run docs\n", "      - run: npm test\n"
                        "      - run: npm run docs\n")
    assert _audit_findings(tmp_path, {"docs.yml": docs}) == [".github/workflows/docs.yml"]
