"""npm-audit-ci says nothing for a project whose changes are tested by a CI it cannot read:
Gerrit code review (a ``.gitreview`` with its ``[gerrit]`` section: the Gerrit server's Zuul or
Jenkins gates the changes, set up in the repository or centrally), a Zuul project config
(``zuul.yaml``, ``.zuul.yaml``, ``zuul.d/``, ``.zuul.d/``) or a PipelineLib pipeline
(``.pipeline/config.yaml``), in the folder scanned or at the top of its repository. Before, the
``.travis.yml`` such a repository keeps from its GitHub mirror was asked for a Travis job that
never runs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from nodeharden import check

PACKAGE = '{"name": "svc", "dependencies": {"express": "^4.21.0"}}\n'
LOCK = '{"name": "svc", "lockfileVersion": 3, "packages": {}}\n'
TRAVIS = 'language: node_js\nnode_js:\n  - "10"\nscript: npm test\n'
GERRIT = "[gerrit]\nhost=review.example.org\nport=29418\nproject=services/svc\n"
WORKFLOW = """\
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm test
"""


def _messages(root: Path) -> list[str]:
    return [f.message for f in check(root, select=["npm-audit-ci"]).findings]


@pytest.mark.parametrize("marker", [
    {".gitreview": GERRIT},
    {".pipeline/config.yaml": "pipelines:\n  test:\n    blubberfile: blubber.yaml\n"},
    {"zuul.yaml": "- project:\n    check:\n      jobs:\n        - tox-py311\n"},
    {".zuul.d/project.yaml": "- project:\n    check:\n      jobs: []\n"},
], ids=["gerrit", "pipelinelib", "zuul-yaml", "zuul-d"])
def test_a_ci_the_rule_cannot_read_leaves_nothing_to_report(tmp_path: Path, marker) -> None:
    for name, ci in ((".travis.yml", TRAVIS), (".github/workflows/ci.yml", WORKFLOW)):
        root = tmp_path / name.replace("/", "_")
        files = {"package.json": PACKAGE, "package-lock.json": LOCK, name: ci, **marker}
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        assert _messages(root) == [], name


def test_without_such_a_file_the_travis_job_is_asked_for(tmp_path: Path) -> None:
    # A .gitreview without Gerrit's section says nothing of where the changes are tested.
    root = tmp_path / "p"
    for rel, text in {"package.json": PACKAGE, "package-lock.json": LOCK, ".travis.yml": TRAVIS,
                      ".gitreview": "# review notes\n"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    [message] = _messages(root)
    assert message.startswith("Travis CI never audits dependencies")


def test_a_gitreview_at_the_top_of_the_repository_counts_for_a_folder(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    files = {".gitreview": GERRIT, ".travis.yml": TRAVIS, "package.json": PACKAGE,
             "package-lock.json": LOCK, "services/api/package.json": PACKAGE,
             "services/api/app.js": "require('express')().listen(3000);\n"}
    for rel, text in files.items():
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        (top / rel).write_text(text)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    assert _messages(top / "services" / "api") == []
