"""Work per file is bounded: findings per rule per file, bytes kept per finding, a time
budget; a file that is not valid JavaScript is skipped with its syntax error, never edited; a
worker process that dies becomes a failed entry naming its files, and the run exits 2."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from conftest import run_cli, write_tree
from nodeharden import _scan
from nodeharden._api import check

# One megabyte-long line of string-built SQL: every statement a finding.
UNIT = 'db.query("SELECT * FROM t WHERE id=" + req.query.id);'
HEAD = 'const db = require("mysql").createConnection({}); module.exports = (req) => {'


def adversarial(root: Path, count: int = 15000) -> Path:
    write_tree(root, {
        "package.json": '{"name": "adv", "dependencies": {"express": "4", "mysql": "2"}}',
        # Opt the bundle-like file back in: the bound must hold for what is scanned.
        ".nodeharden.yml": "roles: [browser]\n",
        "big.js": HEAD + UNIT * count + "};",
    })
    return root


def test_findings_per_rule_and_bytes_per_finding_are_bounded(tmp_path: Path) -> None:
    root = adversarial(tmp_path / "adv")
    proc = run_cli("check", root, "--format", "json", "--jobs", "1")
    assert proc.returncode == 2, proc.stderr
    report = json.loads(proc.stdout)
    sql = [f for f in report["findings"] if f["rule"] == "sql-injection"]
    assert len(sql) == _scan.MAX_FINDINGS_PER_RULE
    assert report["failed"] == [{
        "path": "big.js",
        "reason": f"rule sql-injection: more than {_scan.MAX_FINDINGS_PER_RULE} findings in "
                  f"this file; only the first {_scan.MAX_FINDINGS_PER_RULE} are reported"}]
    result = check(root, jobs=1)
    assert max(len(f.snippet) for f in result.findings) <= 240
    text = run_cli("check", root, "--jobs", "1")
    assert text.returncode == 2
    assert "failed big.js: rule sql-injection" in text.stdout + text.stderr


def test_a_file_over_its_time_budget_is_a_failure(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = adversarial(tmp_path / "adv", count=2000)
    monkeypatch.setattr(_scan, "FILE_BUDGET_SECONDS", 0.001)
    result = check(root, jobs=1)
    assert [(f.path, f.reason) for f in result.failed] == [
        ("big.js", "took longer than 0.001 s to scan; not reported")]
    assert not [f for f in result.findings if f.path == "big.js"]


def test_time_budget_interrupts_the_block() -> None:
    with pytest.raises(_scan._BudgetExceeded):
        with _scan._time_budget(0.05):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                pass


def test_off_the_main_thread_the_budget_is_off_and_the_scan_runs(tmp_path: Path) -> None:
    """Only the main thread takes signals: a library caller's worker thread gets its scan,
    without the time budget (the budget learns it from ``signal.signal``, with no
    ``threading`` import on the scan's path)."""
    import threading

    root = adversarial(tmp_path / "adv", count=20)
    results = []
    worker = threading.Thread(target=lambda: results.append(check(root, jobs=1)))
    worker.start()
    worker.join(60)
    assert results and not results[0].failed, results
    with _scan._time_budget(0.001):  # and in the main thread it is on again
        pass


def test_a_file_with_a_syntax_error_is_skipped_and_never_edited(tmp_path: Path) -> None:
    broken = "const express = require('express');\nconst app = express(;\napp.listen(3000);\n"
    write_tree(tmp_path / "p", {"package.json": '{"name": "p"}', "app.js": broken})
    report = json.loads(run_cli("check", tmp_path / "p", "--format", "json").stdout)
    assert report["skipped"] == [
        {"path": "app.js", "reason": "not valid JavaScript: syntax error at line 2"}]
    assert report["findings"] == [] or all(f["path"] != "app.js" for f in report["findings"])
    proc = run_cli("fix", tmp_path / "p", "--dry-run")
    assert proc.returncode == 0 and "app.js" not in proc.stdout


_scan_path = _scan._scan_path
_PARENT = os.getpid()


def _die_in_a_child(args):
    if os.getpid() != _PARENT:  # a forked scanner dies on the first file it takes
        os._exit(9)
    return _scan_path(args)


def test_a_dead_worker_becomes_failed_entries_and_exit_2(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"src/f{i:04d}.js": f"module.exports = {i};\n"
             for i in range(_scan.POOL_THRESHOLD + 20)}
    write_tree(tmp_path / "many", {"package.json": '{"name": "many"}', **files})
    monkeypatch.setattr(_scan, "_scan_path", _die_in_a_child)
    result = check(tmp_path / "many", jobs=3)
    failed = {f.path: f.reason for f in result.failed}
    # Each of the two children took one file and died with it; this process scanned the rest.
    assert len(failed) == 2 and set(failed) <= set(files)
    assert all("worker process died" in reason for reason in failed.values())
    assert result.scanned == len(files)
    proc = run_cli("check", tmp_path / "many", "--jobs", "3")
    assert proc.returncode == 0  # without the patch: nothing dies, nothing fails


def test_every_file_is_scanned_once_whatever_the_jobs(tmp_path: Path) -> None:
    files = {f"src/f{i:04d}.js": "const db = require('./db');\n"
                                 "module.exports = (req) => "
                                 f"db.query('SELECT ' + req.query.id + {i});\n"
             for i in range(_scan.POOL_THRESHOLD + 50)}
    write_tree(tmp_path / "many", {"package.json": '{"name": "many"}', **files})
    serial = check(tmp_path / "many", jobs=1)
    for jobs in (2, 3):
        forked = check(tmp_path / "many", jobs=jobs)
        assert forked.findings == serial.findings and not forked.failed
        assert len(serial.findings) == len(files)  # one string-built query per file
        assert list(forked.facts) == list(serial.facts) == sorted(files)
