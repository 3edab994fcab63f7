"""Integrations: baselines, --diff, SARIF import, pre-commit hooks, the GitHub Action, docs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from nodeharden._model import Finding

from conftest import REPO, check_json, rules_at, run_cli, write_tree

PACKAGE_JSON = """\
{
  "name": "legacy",
  "version": "1.0.0",
  "dependencies": {
    "express": "^5.1.0",
    "express-session": "^1.18.0",
    "helmet": "^8.1.0"
  }
}
"""


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def git_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "commit.gpgsign", "false")
    return root


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


# --- baselines -----------------------------------------------------------------------------

BASELINE_APP = """\
const express = require('express');
const helmet = require('helmet');

const app = express();
app.use(helmet({ contentSecurityPolicy: false }));
app.get('/', (req, res) => res.send('<p>ok</p>'));
app.listen(3000);
"""


def test_baseline_round_trip(project) -> None:
    root = project({"package.json": PACKAGE_JSON, "app.js": BASELINE_APP})
    baseline = root / "nodeharden-baseline.json"
    before = check_json(root)
    assert ("helmet", "app.js", 5) in rules_at(before)

    proc = run_cli("baseline", baseline, root)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(baseline.read_text())
    assert doc["version"] == 1
    assert sum(e["count"] for e in doc["findings"]) == len(before["findings"])

    # Unchanged code passes.
    proc = run_cli("check", root, "--baseline", baseline)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # Code added above a baselined finding moves it down; it stays baselined.
    app = root / "app.js"
    app.write_text("// top of file\n'use strict';\n\n" + BASELINE_APP)
    moved = check_json(root)
    assert ("helmet", "app.js", 8) in rules_at(moved)
    proc = run_cli("check", root, "--baseline", baseline)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # A new finding fails, and is the only one reported.
    app.write_text(app.read_text() + "app.use(helmet({ hsts: false }));\n")
    report = check_json(root, "--baseline", str(baseline))
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("helmet", 11)]
    proc = run_cli("check", root, "--baseline", baseline)
    assert proc.returncode == 1


def test_baseline_counts_identical_lines(project) -> None:
    line = "app.use(helmet({ xContentTypeOptions: false }));\n"
    source = ("const express = require('express');\nconst helmet = require('helmet');\n"
              "const app = express();\n" + line * 2)
    root = project({"package.json": PACKAGE_JSON, "app.js": source})
    baseline = root / "b.json"
    assert run_cli("baseline", baseline, root, "--select", "helmet").returncode == 0
    entry = json.loads(baseline.read_text())["findings"]
    assert [e["count"] for e in entry] == [2]
    assert run_cli("check", root, "--select", "helmet", "--baseline", baseline).returncode == 0
    (root / "app.js").write_text(source + line)
    report = check_json(root, "--select", "helmet", "--baseline", str(baseline))
    assert len(report["findings"]) == 1


def test_baseline_errors_are_one_line(project, tmp_path: Path) -> None:
    root = project({"package.json": PACKAGE_JSON, "app.js": BASELINE_APP})
    proc = run_cli("check", root, "--baseline", tmp_path / "missing.json")
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr and "nodeharden baseline" in proc.stderr
    assert "Traceback" not in proc.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    proc = run_cli("check", root, "--baseline", bad)
    assert proc.returncode == 2 and "not valid JSON" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


# --- --diff --------------------------------------------------------------------------------

def _diff_repo(root: Path) -> Path:
    write_tree(root, {
        "package.json": PACKAGE_JSON,
        "app.js": """\
            const express = require('express');
            const security = require('./security');

            const app = express();
            security(app);
            module.exports = app;
            """,
        # helmet is registered here, in a file the change below does not touch
        "security.js": """\
            const helmet = require('helmet');

            module.exports = (app) => app.use(helmet());
            """,
        "legacy.js": """\
            const helmet = require('helmet');

            module.exports = helmet({ xContentTypeOptions: false });
            """,
    })
    git_repo(root)
    commit_all(root, "initial")
    return root


def test_diff_limits_check_to_changed_files_with_whole_tree_facts(tmp_path: Path) -> None:
    root = _diff_repo(tmp_path / "repo")
    everything = rules_at(check_json(root, "--select", "helmet"))
    assert everything == {("helmet", "legacy.js", 3)}
    assert rules_at(check_json(root, "--select", "helmet", "--diff", "HEAD")) == set()

    # Change app.js (no helmet in it: the unchanged security.js still counts), add new.js.
    with (root / "app.js").open("a") as handle:
        handle.write("app.get('/', (req, res) => res.json({ ok: true }));\n")
    (root / "new.js").write_text(
        "const helmet = require('helmet');\n\nmodule.exports = helmet({ hsts: false });\n")
    from nodeharden._gitdiff import changed_files

    assert changed_files(root, "HEAD") == {"app.js", "new.js"}
    report = check_json(root, "--select", "helmet", "--diff", "HEAD")
    assert rules_at(report) == {("helmet", "new.js", 3)}


def test_diff_paths_are_relative_to_the_project_root(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "mono")
    write_tree(repo, {"README.md": "x\n", "services/api/package.json": PACKAGE_JSON,
                      "services/api/app.js": BASELINE_APP})
    commit_all(repo, "initial")
    (repo / "README.md").write_text("changed\n")
    (repo / "services/api/app.js").write_text(BASELINE_APP + "// changed\n")
    from nodeharden._gitdiff import changed_files

    assert changed_files(repo / "services/api", "HEAD") == {"app.js"}


def test_diff_uses_the_merge_base(tmp_path: Path) -> None:
    root = _diff_repo(tmp_path / "repo")
    git(root, "checkout", "-q", "-b", "feature")
    (root / "feature.js").write_text("module.exports = 1;\n")
    commit_all(root, "feature work")
    git(root, "checkout", "-q", "main")
    (root / "main-only.js").write_text("module.exports = 2;\n")
    commit_all(root, "main moves on")
    git(root, "checkout", "-q", "feature")
    from nodeharden._gitdiff import changed_files

    assert changed_files(root, "main") == {"feature.js"}


def test_diff_errors(tmp_path: Path, project) -> None:
    plain = project({"package.json": PACKAGE_JSON, "app.js": BASELINE_APP})
    proc = run_cli("check", plain, "--diff", "HEAD")
    assert proc.returncode == 2 and "not inside" in proc.stderr, proc.stderr
    root = _diff_repo(tmp_path / "repo")
    proc = run_cli("check", root, "--diff", "no-such-branch")
    assert proc.returncode == 2 and "unknown git ref 'no-such-branch'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_fix_with_diff_changes_only_changed_files(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    no_helmet = """\
        const express = require('express');

        const app = express();
        module.exports = app;
        """
    write_tree(root, {"package.json": PACKAGE_JSON, "a.js": no_helmet})
    git_repo(root)
    commit_all(root, "a")
    write_tree(root, {"b.js": no_helmet})
    commit_all(root, "b")
    a_before = (root / "a.js").read_text()

    dry = run_cli("fix", root, "--select", "helmet", "--diff", "HEAD~1", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "+++ b/b.js" in dry.stdout and "a.js" not in dry.stdout

    proc = run_cli("fix", root, "--select", "helmet", "--diff", "HEAD~1")
    assert proc.returncode == 0, proc.stderr
    assert (root / "a.js").read_text() == a_before
    assert "app.use(helmet());" in (root / "b.js").read_text()


# --- SARIF import --------------------------------------------------------------------------

def _finding(rule: str, path: str, line: int) -> Finding:
    return Finding(rule=rule, path=path, line=line, column=1, end_line=line, end_column=5,
                   message="m")


def _sarif(tool: str, results: list[dict], **run: object) -> dict:
    return {"version": "2.1.0",
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "runs": [{"tool": {"driver": {"name": tool, "rules": []}}, "results": results,
                      **run}]}


def _loc(uri: str, start: int, end: int | None = None, **artifact: str) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": uri, **artifact},
                                 "region": {"startLine": start, "endLine": end or start,
                                            "startColumn": 1, "endColumn": 10}}}


def test_sarif_acceptor_matches_rule_file_and_region(tmp_path: Path) -> None:
    from nodeharden._sarif_in import sarif_acceptor

    root = write_tree(tmp_path / "p", {"package.json": "{}\n", "app.js": "x\n",
                                       "src/routes.js": "y\n"})
    log = _sarif("Semgrep OSS", [
        {"ruleId": "javascript.express.security.audit.express-cookie-settings."
                   "express-cookie-session-no-secure",
         "locations": [_loc("app.js", 10, 14)]},
        {"ruleId": "js/missing-rate-limiting", "locations": [_loc(
            (root / "src/routes.js").as_uri(), 40)]},
        {"ruleId": "js/sql-injection", "locations": [_loc("routes.js", 3,
                                                          uriBaseId="SRC")]},
        {"ruleId": "some.unknown.rule", "locations": [_loc("app.js", 1)]},
        {"ruleId": "node_sqli_injection", "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": "./app.js"}}}]},
        {"ruleId": "js/sql-injection", "locations": [_loc("../elsewhere.js", 1)]},
    ], originalUriBaseIds={"SRC": {"uri": (root / "src").as_uri() + "/"}})
    sarif = tmp_path / "in.sarif"
    sarif.write_text(json.dumps(log))
    accept, only = sarif_acceptor(sarif, root, None)
    assert only == {"app.js", "src/routes.js"}
    assert accept(_finding("session-cookie", "app.js", 12))
    assert accept(_finding("session-cookie", "app.js", 16))  # within the tolerance
    assert not accept(_finding("session-cookie", "app.js", 20))
    assert not accept(_finding("cookie-flags", "app.js", 12))  # another rule
    assert accept(_finding("rate-limit", "src/routes.js", 1))  # "missing": file scope
    assert accept(_finding("sql-injection", "src/routes.js", 3))  # via originalUriBaseIds
    assert not accept(_finding("sql-injection", "src/routes.js", 9))
    assert accept(_finding("sql-injection", "app.js", 300))  # no region: the whole file
    # --diff narrows further
    _, narrowed = sarif_acceptor(sarif, root, {"app.js", "other.js"})
    assert narrowed == {"app.js"}


def test_sarif_import_rejects_bad_files(project, tmp_path: Path) -> None:
    root = project({"package.json": PACKAGE_JSON, "app.js": BASELINE_APP})
    cases = {"missing.sarif": None, "bad.sarif": "{", "notsarif.sarif": '{"a": 1}',
             "old.sarif": '{"version": "1.0.0", "runs": []}'}
    for name, text in cases.items():
        path = tmp_path / name
        if text is not None:
            path.write_text(text)
        proc = run_cli("fix", root, "--from-sarif", path, "--dry-run")
        assert proc.returncode == 2, (name, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


SESSION_APP = """\
const express = require('express');
const session = require('express-session');

const app = express();
app.use(session({
  secret: process.env.SESSION_SECRET,
  resave: false,
  saveUninitialized: false,
}));
app.get('/', (req, res) => res.json({ ok: true }));
app.use((err, req, res, next) => {
  res.status(500).send(err.stack);
});
app.listen(3000);
"""


def _njsscan_sarif(root: Path) -> dict:
    """A log shaped like njsscan's SARIF formatter writes it: one result per rule with every
    matching file as a location, region with a snippet, owasp/cwe properties."""

    def location(path: str, lines: tuple[int, int], cols: tuple[int, int], snippet: str):
        return {"physicalLocation": {
            "artifactLocation": {"uri": path},
            "region": {"startLine": lines[0], "endLine": lines[1], "startColumn": cols[0],
                       "endColumn": cols[1], "snippet": {"text": snippet}}}}

    def result(rule_id: str, index: int, level: str, text: str, locations: list[dict]):
        return {"ruleId": rule_id, "ruleIndex": index, "level": level,
                "message": {"text": text}, "locations": locations,
                "properties": {"owasp": "A2: Broken Authentication", "cwe": "cwe-614"}}

    session_call = "session({\n  secret: process.env.SESSION_SECRET,\n  resave: false,\n" \
                   "  saveUninitialized: false,\n})"
    rules = ["cookie_session_no_secure", "cookie_session_no_samesite", "cookie_session_no_domain",
             "node_error_disclosure", "express_xss"]
    return {
        "$schema": "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/"
                   "sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "nodejsscan", "informationUri": "https://github.com/ajinabraham/njsscan",
                "semanticVersion": "0.4.3", "version": "0.4.3",
                "rules": [{"id": r, "name": "".join(p.capitalize() for p in r.split("_")),
                           "helpUri": f"https://ajinabraham.github.io/nodejsscan/#{r}"}
                          for r in rules]}},
            "invocations": [{"endTimeUtc": "2026-11-28T12:00:00Z",
                             "executionSuccessful": True}],
            "results": [
                result("cookie_session_no_secure", 0, "warning",
                       "Default session middleware settings: `secure` not set.",
                       [location("app.js", (5, 9), (9, 3), session_call)]),
                result("cookie_session_no_samesite", 1, "warning",
                       "Default session middleware settings: `sameSite` attribute is not "
                       "configured to strict or lax.",
                       [location((root / "app.js").as_uri(), (5, 9), (9, 3), session_call)]),
                result("cookie_session_no_domain", 2, "note",
                       "Default session middleware settings: `domain` not set.",
                       [location("app.js", (5, 9), (9, 3), session_call)]),
                result("node_error_disclosure", 3, "error",
                       "Error messages with stack traces can expose sensitive information.",
                       [location("app.js", (12, 12), (3, 34), "res.status(500).send(err.stack)"),
                        location("lib/gone.js", (4, 4), (3, 20), "res.send(e.stack)")]),
                result("express_xss", 4, "error", "Untrusted User Input in Response will "
                       "result in Reflected Cross Site Scripting Vulnerability.",
                       [location("app.js", (10, 10), (1, 40), "res.json")]),
            ],
        }],
    }


def test_fix_from_njsscan_sarif(project) -> None:
    root = project({"package.json": PACKAGE_JSON, "app.js": SESSION_APP})
    assert {"helmet", "session-cookie", "error-handler"} <= {
        f["rule"] for f in check_json(root)["findings"]}
    sarif = root.parent / "njsscan.sarif"
    sarif.write_text(json.dumps(_njsscan_sarif(root), indent=2))

    dry = run_cli("fix", root, "--from-sarif", sarif, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "+++ b/app.js" in dry.stdout
    assert "helmet" not in dry.stdout  # not reported by njsscan, so not fixed
    assert "err.stack" in dry.stdout  # the error handler is rewritten
    assert "from SARIF:" in dry.stderr
    assert "cookie_session_no_domain at app.js:5: cookie Domain" in dry.stderr
    assert "express_xss at app.js:10: no nodeharden rule covers" in dry.stderr
    assert "lib/gone.js" in dry.stderr and "not a file in the project" in dry.stderr
    assert "declined" not in dry.stderr  # findings the log did not report are not "declined"

    proc = run_cli("fix", root, "--from-sarif", sarif)
    assert proc.returncode == 0, proc.stderr
    after = {f["rule"] for f in check_json(root)["findings"]}
    assert "error-handler" not in after
    assert "helmet" in after  # untouched: nobody reported it
    source = (root / "app.js").read_text()
    assert "err.stack" not in source
    # The safe session-cookie fix: sameSite (httpOnly is express-session's default); `secure`
    # needs a declared proxy or --unsafe (issue 15: a safe fix never sets trust proxy).
    assert "cookie: { sameSite: 'lax' }" in source
    assert "secure" not in source


def _semgrep_sarif() -> dict:
    """A log shaped like ``semgrep --sarif`` writes it (registry rule ids, %SRCROOT% paths,
    matchBasedId fingerprints)."""
    prefix = "javascript.express.security.audit.express-cookie-settings."

    def result(rule_id: str, start: int, end: int, end_col: int, text: str) -> dict:
        return {
            "fingerprints": {"matchBasedId/v1": "0" * 64},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "app.js", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": start, "startColumn": 9, "endLine": end,
                           "endColumn": end_col, "snippet": {"text": text}}}}],
            "message": {"text": "Default session middleware settings"},
            "properties": {},
            "ruleId": rule_id,
        }

    return {
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/"
                   "sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": []}],
            "results": [
                result(prefix + "express-cookie-session-no-secure", 5, 9, 3, "session({"),
                result(prefix + "express-cookie-session-no-httponly", 5, 9, 3, "session({"),
                result(prefix + "express-cookie-session-no-expires", 5, 9, 3, "session({"),
                result("javascript.express.security.audit.xss.direct-response-write."
                       "direct-response-write", 12, 12, 34, "res.status(500).send(err.stack)"),
            ],
            "tool": {"driver": {"name": "Semgrep OSS", "semanticVersion": "1.95.0",
                                "rules": [{"id": prefix + "express-cookie-session-no-secure",
                                           "name": prefix + "express-cookie-session-no-secure",
                                           "shortDescription": {"text": "Semgrep Finding"}}]}},
        }],
    }


def test_fix_from_semgrep_sarif(project) -> None:
    root = project({"package.json": PACKAGE_JSON, "app.js": SESSION_APP})
    sarif = root.parent / "semgrep.sarif"
    sarif.write_text(json.dumps(_semgrep_sarif()))
    proc = run_cli("fix", root, "--from-sarif", sarif)
    assert proc.returncode == 0, proc.stderr
    report = check_json(root)["findings"]
    after = {f["rule"] for f in report}
    # sameSite is fixed; renaming the cookie is unsafe (it ends current
    # sessions) and so is `secure` without a declared proxy: both stay for a `--unsafe` run.
    assert [f["message"] for f in report if f["rule"] == "session-cookie"] == [
        "express-session cookie keeps the default name `connect.sid`, which tells attackers "
        "the stack",
        "express-session cookie sets no `secure`: the session id can travel over plain HTTP"]
    assert "cookie: { sameSite: 'lax' }" in (root / "app.js").read_text()
    # semgrep reported the stack leak under an XSS rule nodeharden does not map: not fixed.
    assert "error-handler" in after
    assert "express-cookie-session-no-expires at app.js:5: session lifetime" in proc.stderr
    assert "direct-response-write at app.js:12: no nodeharden rule covers" in proc.stderr


def test_sarif_mapping_table_is_documented() -> None:
    from nodeharden._catalog import RULE_IDS
    from nodeharden._sarif_in import NOT_COVERED, RULE_MAP

    doc = (REPO / "docs" / "ci.md").read_text()
    for rule_id, mapping in RULE_MAP.items():
        assert f"| `{rule_id}` |" in doc, f"{rule_id} is missing from docs/ci.md"
        assert set(mapping.rules) <= set(RULE_IDS)
    for rule_id in NOT_COVERED:
        assert f"| `{rule_id}` |" in doc, f"{rule_id} is missing from docs/ci.md"


# --- pre-commit ----------------------------------------------------------------------------

def test_pre_commit_manifest_is_valid() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"nodeharden-check", "nodeharden-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
    assert hooks["nodeharden-check"]["entry"].split()[:2] == ["nodeharden", "check"]
    assert hooks["nodeharden-fix"]["entry"].split()[:2] == ["nodeharden", "fix"]
    assert "--unsafe" not in hooks["nodeharden-fix"]["entry"]


@pytest.mark.slow
def test_pre_commit_hooks_run_against_a_sample_repo(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    sample = tmp_path / "sample"
    write_tree(sample, {
        "package.json": '{\n  "name": "sample",\n  "dependencies": {\n'
                        '    "express": "^5.1.0"\n  }\n}\n',
        "app.js": """\
            const express = require('express');

            const app = express();
            app.get('/', (req, res) => res.json({ ok: true }));
            app.listen(3000);
            """,
    })
    git_repo(sample)
    commit_all(sample, "sample app")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    # One try-repo runs both hooks, so the hook environment is built once.
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO),
                           "--all-files", "--color", "never"],
                          cwd=sample, env=env, capture_output=True, text=True, timeout=1200)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "nodeharden check" in out and "helmet" in out, out
    assert "files were modified by this hook" in out, out
    source = (sample / "app.js").read_text()
    assert "app.use(helmet());" in source
    assert '"helmet"' in (sample / "package.json").read_text()


# --- GitHub Action -------------------------------------------------------------------------

def _action() -> dict:
    return YAML(typ="rt").load((REPO / "action.yml").read_text())


def test_action_yml_is_a_valid_composite_action() -> None:
    from io import StringIO

    text = (REPO / "action.yml").read_text()
    yaml = YAML(typ="rt")
    action = yaml.load(text)
    buf = StringIO()
    yaml.dump(action, buf)
    assert yaml.load(buf.getvalue()) == action  # round trip
    for key in ("name", "description", "inputs", "runs"):
        assert action.get(key), f"action.yml lacks {key}"
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert steps
    for step in steps:
        assert ("uses" in step) != ("run" in step), step
        if "run" in step:
            assert step.get("shell") == "bash", "composite run steps need a shell"
    for name, spec in action["inputs"].items():
        assert spec.get("description"), f"input {name} needs a description"
    assert action["inputs"]["exit-zero"]["default"] == "false"
    uses = [step["uses"] for step in steps if "uses" in step]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    install = next(s for s in steps if "run" in s and "pip install" in s["run"])
    assert "github.action_path" in str(install.get("env"))
    check = next(s for s in steps if s.get("id") == "check")
    assert "--format sarif" in check["run"] and "--exit-zero" in check["run"]


def test_action_check_step_writes_sarif_with_repository_paths(tmp_path: Path) -> None:
    """Run the action's check step script as the runner would, for a project in a subfolder."""
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "check")
    script = str(step["run"])
    assert "${{" not in script  # inputs come in through env, never spliced into the script
    workspace = tmp_path / "workspace"
    write_tree(workspace, {"services/api/package.json": PACKAGE_JSON,
                           "services/api/app.js": BASELINE_APP})
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    env = {**os.environ, "GITHUB_OUTPUT": str(outputs), "NODEHARDEN_PATH": "services/api",
           "NODEHARDEN_OUTPUT": "nodeharden.sarif", "NODEHARDEN_EXIT_ZERO": "false",
           "NODEHARDEN_ARGS": "--select helmet", "NO_COLOR": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run(["bash", "-e", "-c", script], cwd=workspace, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr  # the failure comes after the upload step
    result = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert result == {"sarif-file": "nodeharden.sarif", "exit-code": "1"}
    log = json.loads((workspace / "nodeharden.sarif").read_text())
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"] for loc in r["locations"]}
    assert uris == {"services/api/app.js"}
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"helmet"}

    env["NODEHARDEN_EXIT_ZERO"] = "true"
    outputs.write_text("")
    proc = subprocess.run(["bash", "-e", "-c", script], cwd=workspace, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "exit-code=0" in outputs.read_text()


# --- docs ----------------------------------------------------------------------------------

def test_docs_rules_md_is_up_to_date() -> None:
    proc = run_cli("docs", "--check", "-o", REPO / "docs" / "rules.md")
    assert proc.returncode == 0, proc.stderr + " (run `nodeharden docs` and commit docs/rules.md)"


def test_docs_command_writes_and_checks(tmp_path: Path) -> None:
    from nodeharden._catalog import load_catalog
    from nodeharden._docs import example_case, render_rules_md

    target = tmp_path / "out" / "rules.md"
    proc = run_cli("docs", "-o", target)
    assert proc.returncode == 0, proc.stderr
    text = target.read_text()
    assert text == render_rules_md()  # deterministic
    for meta in load_catalog().values():
        assert f"\n## {meta.id}\n" in text
        assert f"[`{meta.id}`](#{meta.id})" in text
        if example_case(meta) is not None:
            section = text.split(f"\n## {meta.id}\n", 1)[1].split("\n## ", 1)[0]
            assert "```diff\n--- a/" in section, meta.id
    assert run_cli("docs", "--check", "-o", target).returncode == 0
    target.write_text(text.replace("## helmet", "## helmet (edited)"))
    proc = run_cli("docs", "--check", "-o", target)
    assert proc.returncode == 1 and "out of date" in proc.stderr
    proc = run_cli("docs", "--check", "-o", tmp_path / "absent.md")
    assert proc.returncode == 1 and "does not exist" in proc.stderr
