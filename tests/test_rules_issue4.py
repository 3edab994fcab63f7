"""Rules beyond the JavaScript: Dockerfile, NODE_ENV, security.txt, ESLint, CI, npm audit.

Fixture cases live in codemods/<rule>/fixtures; these tests cover what fixtures cannot: dates,
byte-for-byte YAML preservation, the audit report parser, and real npm/node/HTTP runs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import CODEMODS, have_node, npm_env, npm_install, run_cli, write_tree

from nodeharden._api import check, fix
from nodeharden._audit import audit_failure_note, parse_audit_report, run_audit
from nodeharden.rules.eslint_security import _yaml_add_extends
from nodeharden.rules.security_txt import parse_fields

EXPRESS_PJ = '{\n  "name": "app",\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n'


# -- npm-audit-ci: the workflow is kept byte for byte outside the new step ------------------

def test_workflow_with_comments_and_anchors_changes_only_by_the_inserted_step(
        tmp_path: Path) -> None:
    case = CODEMODS / "npm-audit-ci" / "fixtures" / "comments-and-anchors"
    original = (case / "input.yml").read_bytes()
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS_PJ,
                                        "package-lock.json": "{}\n",
                                        ".github/workflows/ci.yml": original})
    result, _ = fix(root, dry_run=True, select=["npm-audit-ci"])
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


# -- eslint-security: YAML legacy configs keep every other byte --------------------------

@pytest.mark.parametrize(("before", "after"), [
    ("root: true\nextends: eslint:recommended  # base\n",
     'root: true\nextends: [eslint:recommended, "plugin:security/recommended-legacy"]  # base\n'),
    ("extends: ['eslint:recommended']\nrules: {}\n",
     "extends: ['eslint:recommended', \"plugin:security/recommended-legacy\"]\nrules: {}\n"),
    ("root: true\r\nenv:\r\n  node: true\r\n",
     'root: true\r\nenv:\r\n  node: true\r\nextends: ["plugin:security/recommended-legacy"]\r\n'),
    ("extends:\n    -   eslint:recommended\n# end\n",
     "extends:\n    -   eslint:recommended\n    -   plugin:security/recommended-legacy\n# end\n"),
])
def test_yaml_legacy_config_edit(before: str, after: str) -> None:
    assert _yaml_add_extends(before) == after


def test_eslint_config_with_max_warnings_zero_gets_an_unsafe_fix(tmp_path: Path) -> None:
    pj = json.loads(EXPRESS_PJ)
    pj["scripts"] = {"lint": "eslint . --max-warnings 0"}
    root = write_tree(tmp_path / "p", {"package.json": json.dumps(pj, indent=2) + "\n",
                                        ".eslintrc.json": '{ "extends": [] }\n'})
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None and finding.fix.applicability == "unsafe"


# -- security-txt: dates and fields ----------------------------------------------------------

def test_new_security_txt_follows_rfc_9116(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": EXPRESS_PJ,
        ".nodeharden.yml": "security_txt:\n  contact: sec@acme.test\n  languages: en, de\n"
                           "  policy: https://acme.test/policy\n  expires_days: 200\n",
        "app.js": "const express = require('express');\nconst app = express();\n",
    })
    result, _ = fix(root, dry_run=True, select=["security-txt"])
    text = result.final[".well-known/security.txt"].decode()
    fields = {name: value for _, name, value in parse_fields(text)}
    assert fields["contact"] == "mailto:sec@acme.test"
    assert fields["policy"] == "https://acme.test/policy"
    assert fields["preferred-languages"] == "en, de"
    expires = datetime.fromisoformat(fields["expires"].replace("Z", "+00:00"))
    now = datetime.now(timezone.utc)
    assert now + timedelta(days=199) < expires <= now + timedelta(days=201)
    assert "PLACEHOLDER" not in text and "SECURITY.md" in result.final


def test_without_a_contact_security_txt_is_report_only_with_the_line_to_add(
        tmp_path: Path) -> None:
    # Issue 15: no placeholder contact any more, and never package.json's author.
    root = write_tree(tmp_path / "p", {
        "package.json": EXPRESS_PJ,
        "app.js": "const express = require('express');\nconst app = express();\n",
    })
    [finding] = check(root, select=["security-txt"]).findings
    assert finding.fix is None
    assert "`contact: mailto:security@<your domain>` under `security_txt:`" in finding.message
    result, _ = fix(root, dry_run=True, select=["security-txt"], unsafe=True)
    assert result.changed_paths() == []


def test_expired_security_txt_is_reported_and_renewed(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": EXPRESS_PJ,
        ".well-known/security.txt": "Contact: mailto:a@b.test\nExpires: 2020-01-01T00:00:00Z\n",
        "app.js": "const express = require('express');\nconst app = express();\n"
                  "app.get('/.well-known/security.txt', (req, res) => res.send('x'));\n",
    })
    [finding] = check(root, select=["security-txt"]).findings
    assert (finding.path, finding.line) == (".well-known/security.txt", 2)
    assert "expired" in finding.message
    result, _ = fix(root, dry_run=True, select=["security-txt"])
    renewed = result.final[".well-known/security.txt"].decode()
    assert renewed.startswith("Contact: mailto:a@b.test\nExpires: ")
    assert datetime.fromisoformat(parse_fields(renewed)[1][2].replace("Z", "+00:00")) > datetime.now(timezone.utc)


# -- dependency-audit --------------------------------------------------------------------------

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


# -- real npm/node: eslint with the plugin, security.txt over HTTP, idempotence ---------------

APP_JS = """const express = require('express');
const fs = require('fs');

const app = express();

app.get('/file', (req, res) => {
  res.send(fs.readFileSync(req.query.name, 'utf8'));
});

module.exports = app;
"""
SERVER_JS = """const app = require('./app');

const server = app.listen(0, '127.0.0.1', () => {
  console.log('PORT ' + server.address().port);
});
"""


@pytest.fixture(scope="module")
def fixed_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Express app fixed for security-txt and eslint-security, with npm install done once."""
    if not have_node():
        pytest.skip("needs node and npm")
    root = write_tree(tmp_path_factory.mktemp("issue4") / "app", {
        # The lint script says the project uses ESLint (without it no config is created).
        "package.json": '{\n  "name": "app",\n  "private": true,\n'
                        '  "scripts": {\n    "lint": "eslint ."\n  },\n  "dependencies": {\n'
                        '    "express": "^5.1.0"\n  }\n}\n',
        ".nodeharden.yml": "security_txt:\n  contact: security@acme.test\n",
        "app.js": APP_JS,
        "server.js": SERVER_JS,
    })
    _, outcomes = fix(root, select=["security-txt", "eslint-security"], unsafe=True,
                      force=True)
    assert {o.path for o in outcomes} >= {"app.js", "package.json", "eslint.config.js",
                                          ".well-known/security.txt", "SECURITY.md"}
    npm_install(root)
    return root


@pytest.mark.slow
def test_eslint_runs_with_the_security_plugin_after_fix(fixed_app: Path) -> None:
    proc = subprocess.run(["npx", "--no-install", "eslint", "--format", "json", "."],
                          cwd=fixed_app, env=npm_env(), capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode in (0, 1), proc.stderr  # 2 would mean a config or plugin error
    results = json.loads(proc.stdout)
    rules = {m["ruleId"] for r in results for m in r["messages"]}
    assert "security/detect-non-literal-fs-filename" in rules, rules
    app_messages = next(r for r in results if r["filePath"].endswith("app.js"))["messages"]
    assert all(m.get("fatal") is not True for m in app_messages)


@pytest.mark.slow
def test_security_txt_route_answers_over_http(fixed_app: Path) -> None:
    server = subprocess.Popen(["node", "server.js"], cwd=fixed_app, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "NODE_ENV": "production"})
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 30
        line = ""
        while time.monotonic() < deadline and not line.startswith("PORT "):
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                break
        assert line.startswith("PORT "), server.stderr.read() if server.stderr else ""
        port = int(line.split()[1])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/.well-known/security.txt",
                                    timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            body = response.read().decode()
        assert "Contact: mailto:security@acme.test" in body
        assert re.search(r"^Expires: \d{4}-\d\d-\d\dT00:00:00\.000Z$", body, re.MULTILINE)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_second_fix_changes_nothing(fixed_app: Path) -> None:
    again, _ = fix(fixed_app, dry_run=True, select=["security-txt", "eslint-security"],
                   unsafe=True)
    assert again.changed_paths() == []
    assert check(fixed_app, select=["security-txt", "eslint-security"]).findings == []


# -- Dockerfile rules together ---------------------------------------------------------------

def test_dockerfile_rules_converge_in_one_run_and_touch_only_the_final_stage(
        tmp_path: Path) -> None:
    case = CODEMODS / "dockerfile-user" / "fixtures" / "multi-stage-root-build"
    original = (case / "input.Dockerfile").read_text()
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS_PJ, "Dockerfile": original,
                                        "docker/api.Dockerfile": "FROM node:20\nCMD node a.js\n"})
    rules = ["dockerfile-user", "node-env"]
    assert {(f.rule, f.path) for f in check(root, select=rules).findings} == {
        (r, p) for r in rules for p in ("Dockerfile", "docker/api.Dockerfile")}
    fix(root, select=rules, force=True)
    fixed = (root / "Dockerfile").read_text()
    build_stage = original.split("\nFROM node:20-slim")[0]
    assert fixed.startswith(build_stage + "\nFROM node:20-slim")
    tail = fixed.split("\nFROM node:20-slim")[1]
    assert "USER node\n" in tail and "ENV NODE_ENV=production\n" in tail
    assert tail.index("USER node") < tail.index('ENTRYPOINT ["node"]')
    assert (root / "docker/api.Dockerfile").read_text() == (
        "FROM node:20\nUSER node\nENV NODE_ENV=production\nCMD node a.js\n")
    assert check(root, select=rules).findings == []
