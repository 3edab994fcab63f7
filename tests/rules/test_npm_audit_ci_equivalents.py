"""npm-audit-ci credits the dependency scanners that do what `npm audit` does: Snyk (its policy
file, a script that runs its CLI with the package installed, `snyk monitor`, a CI step or its
action), OSV-Scanner, GitHub's dependency-review action, the npm audit wrappers, and Trivy or
Grype scans of the repository's files (not of an image). A mention that nothing runs (a
README, a dev dependency no script uses) does not count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import check_json, write_tree

WORKFLOW = """\
name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - run: npm test
"""


def _with_step(step: str) -> str:
    return WORKFLOW.replace("      - run: npm test\n", f"      - run: npm test\n{step}")


def _project(tmp_path: Path, *, workflow: str = WORKFLOW, scripts: dict[str, str] | None = None,
             dev: dict[str, str] | None = None, extra: dict[str, str] | None = None) -> Path:
    package = {"name": "shop", "version": "1.0.0",
               "scripts": {"test": "node test.js", **(scripts or {})},
               "dependencies": {"express": "^4.21.0"}, "devDependencies": dev or {}}
    return write_tree(tmp_path / "app", {
        "package.json": json.dumps(package, indent=2) + "\n",
        "package-lock.json": '{"name": "shop", "lockfileVersion": 3, "packages": {}}\n',
        "app.js": "const express = require('express');\nexpress().listen(3000);\n",
        ".github/workflows/ci.yml": workflow,
        **(extra or {}),
    })


def _findings(root: Path) -> list[dict]:
    report = check_json(root, "--select", "npm-audit-ci", "--no-cache")
    return [f for f in report["findings"] if f["rule"] == "npm-audit-ci"]


SNYK_POLICY = """\
# Snyk policy file: ignores and patches for known vulnerabilities.
version: v1.25.0
ignore: {}
patch: {}
"""

CREDITED = {
    "snyk policy file": dict(extra={".snyk": SNYK_POLICY}),
    "snyk package run by prepare": dict(
        scripts={"snyk-protect": "snyk protect", "prepare": "npm run snyk-protect"},
        dev={"snyk": "^1.1000.0"}),
    "snyk package with a test script": dict(scripts={"security": "snyk test"},
                                            dev={"snyk": "^1.1000.0"}),
    "snyk monitor script": dict(scripts={"monitor": "npx snyk monitor --all-projects"}),
    "snyk step in ci": dict(workflow=_with_step(
        "      - run: npx snyk test --severity-threshold=high\n"
        "        env:\n          SNYK_TOKEN: ${{ secrets.SNYK_TOKEN }}\n")),
    "snyk action": dict(workflow=_with_step(
        "      - uses: snyk/actions/node@master\n"
        "        env:\n          SNYK_TOKEN: ${{ secrets.SNYK_TOKEN }}\n")),
    "script running snyk test that ci runs": dict(scripts={"test": "snyk test && node test.js"}),
    "osv-scanner command": dict(workflow=_with_step(
        "      - run: osv-scanner scan --lockfile package-lock.json\n")),
    "dependency review action": dict(workflow=_with_step(
        "      - uses: actions/dependency-review-action@v4\n")),
    "better-npm-audit through a script": dict(
        workflow=_with_step("      - run: npm run audit:deps\n"),
        scripts={"audit:deps": "better-npm-audit audit -l high"}),
    "audit-ci step": dict(workflow=_with_step("      - run: npx audit-ci --high\n")),
    "trivy action fs scan": dict(workflow=_with_step(
        "      - uses: aquasecurity/trivy-action@master\n"
        "        with:\n          scan-type: 'fs'\n          severity: 'CRITICAL,HIGH'\n")),
    "trivy action repo scan with vuln scanner": dict(workflow=_with_step(
        "      - uses: aquasecurity/trivy-action@0.28.0\n"
        "        with:\n          scan-type: repo\n          scanners: vuln,secret\n")),
    "trivy action in another workflow": dict(extra={".github/workflows/scan.yml": (
        "on:\n  schedule:\n    - cron: '0 4 * * 1'\njobs:\n  scan:\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - uses: aquasecurity/trivy-action@master\n"
        "        with:\n          scan-type: rootfs\n          scan-ref: .\n")}),
    "trivy fs command": dict(workflow=_with_step(
        "      - run: trivy fs --severity HIGH,CRITICAL --exit-code 1 .\n")),
    "trivy repo command in docker": dict(workflow=_with_step(
        "      - run: docker run --rm -v $PWD:/src aquasec/trivy repo /src\n")),
    "grype action on the folder": dict(workflow=_with_step(
        "      - uses: anchore/scan-action@v6\n        with:\n          path: '.'\n")),
    "grype command": dict(workflow=_with_step("      - run: grype dir:. --fail-on high\n")),
    "grype through a script": dict(workflow=_with_step("      - run: npm run scan\n"),
                                   scripts={"scan": "grype . -o table"}),
    # The dependency tree sent to GitHub's dependency graph (for a lockfile it cannot read,
    # such as npm-shrinkwrap.json): Dependabot alerts on it.
    "dependency graph submission workflow": dict(extra={".github/workflows/graph.yml": (
        "on:\n  push:\n    branches: [main]\njobs:\n  graph:\n"
        "    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: advanced-security/spdx-dependency-submission-action@v0.1.1\n"
        "        with:\n          filePath: sbom/\n")}),
}


@pytest.mark.parametrize("case", sorted(CREDITED))
def test_an_equivalent_scanner_counts_as_an_audit(tmp_path: Path, case: str) -> None:
    assert _findings(_project(tmp_path, **CREDITED[case])) == []


NOT_CREDITED = {
    "nothing": {},
    "snyk only in the readme": dict(extra={"README.md": "We scan with Snyk: `snyk test`.\n"}),
    "snyk dev dependency no script runs": dict(dev={"snyk": "^1.1000.0"}),
    "snyk test script without the package that ci never runs": dict(
        scripts={"security": "npx snyk test"}),
    "a .snyk file that is not a policy": dict(extra={".snyk": "\n"}),
    "a step only named after snyk's command in a comment": dict(workflow=WORKFLOW.replace(
        "      - run: npm test\n", "      - run: npm test  # TODO snyk test\n")),
    # Trivy's default scan-type is an image (maybe not this project's); a config scan or a
    # secrets-only scan reads no advisories for the dependencies.
    "trivy action image scan": dict(workflow=_with_step(
        "      - uses: aquasecurity/trivy-action@master\n"
        "        with:\n          image-ref: 'redis:7'\n")),
    "trivy action config scan": dict(workflow=_with_step(
        "      - uses: aquasecurity/trivy-action@master\n"
        "        with:\n          scan-type: config\n")),
    "trivy fs secrets only": dict(workflow=_with_step(
        "      - run: trivy fs --scanners secret .\n")),
    "trivy action fs secrets only": dict(workflow=_with_step(
        "      - uses: aquasecurity/trivy-action@master\n"
        "        with:\n          scan-type: fs\n          scanners: secret\n")),
    "grype action on an image": dict(workflow=_with_step(
        "      - uses: anchore/scan-action@v6\n        with:\n          image: 'redis:7'\n")),
    "grype of an image": dict(workflow=_with_step("      - run: grype redis:7\n")),
    "dependency submission only in a comment": dict(workflow=_with_step(
        "      - run: npm run build  # uses: x/dependency-submission-action later\n")),
}


@pytest.mark.parametrize("case", sorted(NOT_CREDITED))
def test_a_mention_that_nothing_runs_does_not_count(tmp_path: Path, case: str) -> None:
    [finding] = _findings(_project(tmp_path, **NOT_CREDITED[case]))
    assert finding["path"] == ".github/workflows/ci.yml"
    assert "never runs `npm audit --audit-level=high`" in finding["message"]
