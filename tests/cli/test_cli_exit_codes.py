"""Exit codes tell the truth: an audit that did not run is not a clean audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import have_node, run_cli, write_tree

PJ = '{"name": "a", "version": "1.0.0", "dependencies": {"lodash": "4.17.15"}}\n'
LOCK = json.dumps({
    "name": "a", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
    "packages": {
        "": {"name": "a", "version": "1.0.0", "dependencies": {"lodash": "4.17.15"}},
        "node_modules/lodash": {
            "version": "4.17.15",
            "resolved": "https://example.invalid/lodash/-/lodash-4.17.15.tgz",
        },
    },
}, indent=2) + "\n"
SELECT = ("--select", "dependency-audit")


def _one_error_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.startswith("nodeharden: error:")]
    assert len(lines) == 1, stderr
    return lines[0]


def test_audit_without_lockfile_exits_2_with_the_reason(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PJ, "index.js": "const x = 1;\n"})
    proc = run_cli("check", root, "--audit", *SELECT)
    assert proc.returncode == 2
    assert "No findings" not in proc.stdout and "Incomplete" in proc.stdout
    line = _one_error_line(proc.stderr)
    assert "could not run" in line and "no package-lock.json" in line
    report = run_cli("check", root, "--audit", *SELECT, "--format", "json")
    assert report.returncode == 2
    doc = json.loads(report.stdout)
    assert doc["findings"] == [] and "no package-lock.json" in doc["failed"][0]["reason"]
    sarif = json.loads(run_cli("check", root, "--audit", *SELECT, "--format", "sarif").stdout)
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_audit_with_another_package_managers_lockfile_exits_2(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PJ, "yarn.lock": "# yarn\n"})
    proc = run_cli("check", root, "--audit", *SELECT)
    assert proc.returncode == 2 and "yarn.lock is not an npm lockfile" in proc.stderr


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs npm")
def test_audit_service_unreachable_exits_2_not_no_findings(tmp_path: Path) -> None:
    # This machine cannot reach an audit service; an unroutable registry makes sure of it.
    root = write_tree(tmp_path / "p", {"package.json": PJ, "package-lock.json": LOCK})
    proc = run_cli("check", root, "--audit", *SELECT,
                   env={"npm_config_registry": "http://127.0.0.1:9/", "npm_config_fetch_retries": "0"})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "No findings" not in proc.stdout and "Traceback" not in proc.stderr
    assert "dependency audit could not run" in _one_error_line(proc.stderr)


def test_audit_with_a_selection_that_leaves_it_out_is_a_usage_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PJ, "index.js": "const x = 1;\n"})
    for extra in (("--select", "helmet"), ("--ignore", "dependency-audit")):
        proc = run_cli("check", root, "--audit", *extra)
        assert proc.returncode == 2
        assert _one_error_line(proc.stderr).endswith("add --select dependency-audit")


def test_audit_on_the_command_line_wins_over_the_config_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PJ, "index.js": "const x = 1;\n",
                                       ".nodeharden.yml": "select: [helmet]\n"})
    proc = run_cli("check", root, "--audit")
    assert proc.returncode == 2 and "no package-lock.json" in _one_error_line(proc.stderr)
