"""dependency-audit: npm audit's report becomes findings on the right lines of package.json, and
an audit that cannot run (no lockfile, unreachable service) is one clear note, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import have_node, run_cli, write_tree

from nodeharden._audit import audit_failure_note, parse_audit_report, run_audit


AUDIT_REPORT = {
    "auditReportVersion": 2,
    "vulnerabilities": {
        "lodash": {
            "name": "lodash", "severity": "high", "isDirect": True,
            "via": [{"source": 1, "name": "lodash", "title": "Prototype Pollution in lodash",
                     "url": "https://github.com/advisories/GHSA-p6mc-m468-83gw",
                     "severity": "high", "range": "<4.17.19"}],
            "effects": [], "range": "<=4.17.20", "nodes": ["node_modules/lodash"],
            "fixAvailable": True,
        },
        "minimist": {
            "name": "minimist", "severity": "critical", "isDirect": False,
            "via": [{"source": 2, "name": "minimist", "title": "Prototype Pollution in minimist",
                     "url": "https://github.com/advisories/GHSA-xvch-5gv4-984h",
                     "severity": "critical", "range": "<0.2.4"}],
            "effects": ["mkdirp"], "range": "<0.2.4", "nodes": ["node_modules/minimist"],
            "fixAvailable": {"name": "mkdirp", "version": "1.0.4", "isSemVerMajor": True},
        },
        "mkdirp": {
            "name": "mkdirp", "severity": "critical", "isDirect": False, "via": ["minimist"],
            "effects": [], "range": "0.4.1 - 0.5.1", "nodes": ["node_modules/mkdirp"],
            "fixAvailable": False,
        },
    },
    "metadata": {"vulnerabilities": {"high": 1, "critical": 2, "total": 3}},
}

LOCK = """{
  "name": "app",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "app",
      "dependencies": {
        "lodash": "4.17.15"
      }
    },
    "node_modules/lodash": {
      "version": "4.17.15"
    },
    "node_modules/minimist": {
      "version": "0.0.8"
    },
    "node_modules/mkdirp": {
      "version": "0.5.1"
    }
  }
}
"""

PJ_LODASH = ('{\n  "name": "app",\n  "version": "1.0.0",\n  "dependencies": {\n'
             '    "lodash": "4.17.15"\n  }\n}\n')


def test_audit_report_becomes_findings_on_the_right_lines(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PJ_LODASH, "package-lock.json": LOCK})
    findings = parse_audit_report(AUDIT_REPORT, root)
    where = [(f.rule, f.path, f.line) for f in findings]
    assert where == [("dependency-audit", "package.json", 5),
                     ("dependency-audit", "package-lock.json", 15),
                     ("dependency-audit", "package-lock.json", 18)]
    lodash, minimist, mkdirp = findings
    assert "direct dependency" in lodash.message and "high severity" in lodash.message
    assert "GHSA-p6mc-m468-83gw" in lodash.message and "`npm audit fix`" in lodash.message
    assert "transitive" in minimist.message and "semver-major" in minimist.message
    assert "vulnerable through minimist" in mkdirp.message and "no fix" in mkdirp.message
    assert all(f.severity == "error" for f in findings)
    assert lodash.snippet == '"lodash": "4.17.15"'


def test_audit_failure_notes_are_one_clear_line() -> None:
    note = audit_failure_note({"statusCode": 405, "message": "405 Method Not Allowed - POST x"})
    assert "405 Method Not Allowed" in note and "NOT checked" in note and "\n" not in note
    offline = audit_failure_note({"error": {"code": "ENOTFOUND", "summary":
                                            "request failed, getaddrinfo ENOTFOUND host"}})
    assert "cannot be reached" in offline and "ENOTFOUND" in offline


def test_audit_without_lockfile_says_so(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PJ_LODASH})
    findings, notes = run_audit(root)
    assert findings == [] and len(notes) == 1
    assert "no package-lock.json" in notes[0] and "NOT checked" in notes[0]


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_audit_unreachable_service_is_one_note_not_a_crash(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PJ_LODASH, "package-lock.json": LOCK})
    findings, notes = run_audit(root)
    assert findings == []
    assert len(notes) == 1 and notes[0].startswith("dependency audit could not run: ")
    # An audit that did not run is no clean audit: exit 2, never "No findings".
    proc = run_cli("check", root, "--audit", "--select", "dependency-audit")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "No findings" not in proc.stdout
    assert "dependency audit could not run" in proc.stderr
