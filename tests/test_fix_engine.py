"""The edit engine and ``fix`` outputs: passes and overlaps, fixes that break parsing, BOM/CRLF/
mode kept, atomic writes, git-applyable diffs and per-rule patches, JSON report, dirty trees."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from types import SimpleNamespace

import pytest

from nodeharden import _fixer
from nodeharden._fixer import apply_edits, atomic_write, plan_fixes
from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._runtime import Runtime
from nodeharden._style import StyleRules

from conftest import run_cli

PACKAGE_JSON = '{\n  "name": "app",\n  "dependencies": {\n    "express": "^4.21.2"\n  }\n}\n'
APP = """\
const express = require('express');

const app = express();
app.get('/', (req, res) => res.json({ ok: true }));
app.post('/login', (req, res) => res.json({ ok: true, at: Date.now() }));

app.listen(3000);
"""
# rate-limit's fix is unsafe (the limits are the deployer's call): these tests write it.
RULES = ("--select", "helmet,rate-limit,error-handler", "--unsafe")


def make_app(root: Path, app: str | bytes = APP) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(PACKAGE_JSON)
    target = root / "app.js"
    if isinstance(app, bytes):
        target.write_bytes(app)
    else:
        target.write_text(app)
    return root


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts
            and not p.name.endswith(".patch")}


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env)


# --- plan_fixes with scripted rules ---------------------------------------------------------


@dataclass
class FakeScan:
    findings: list[Finding]
    failed: list = field(default_factory=list)


@dataclass
class FakeProject:
    root: Path


@dataclass
class ScriptedScanner:
    """A scanner whose 'rules' are functions of the current file text."""

    root: Path
    rules: list  # (rule id, callable(text) -> (start, end, content) | None)
    calls: int = 0
    project: FakeProject = field(init=False)
    # What the engine reads of a real Scanner besides scan(): an unknown runtime, one
    # package at the root, no formatter configured.
    runtime: Runtime = field(default_factory=Runtime)
    package_dirs: list = field(default_factory=lambda: [""])
    info: SimpleNamespace = field(default_factory=lambda: SimpleNamespace(
        style_rules=StyleRules()))

    def __post_init__(self) -> None:
        self.project = FakeProject(self.root)

    def scan(self, overlay: dict[str, bytes | None] | None = None) -> FakeScan:
        self.calls += 1
        overlay = overlay or {}
        data = overlay.get("app.js") or (self.root / "app.js").read_bytes()
        findings = []
        for rule, produce in self.rules:
            edit = produce(data.decode())
            if edit is None:
                continue
            start, end, content = edit
            fix = Fix(title=f"{rule} fix", applicability="safe",
                      changes=(FileChange("app.js", (TextEdit(start, end, content),)),))
            findings.append(Finding(rule=rule, path="app.js", line=1, column=1, end_line=1,
                                    end_column=1, message=f"{rule} finding", fix=fix))
        return FakeScan(findings)


def test_overlapping_fix_waits_for_the_next_pass(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text("one two;\n")

    def upper_one(text: str):  # helmet comes first in the catalog
        i = text.find("one")
        return (i, i + 3, "ONE") if i >= 0 else None

    def two_to_digit(text: str):  # rate-limit: its edit overlaps helmet's in pass 1
        i = text.find("two")
        return (0, i + 3, text[:i] + "2") if i >= 0 else None

    scanner = ScriptedScanner(tmp_path, [("helmet", upper_one), ("rate-limit", two_to_digit)])
    result = plan_fixes(scanner)  # type: ignore[arg-type]
    assert result.final["app.js"] == b"ONE 2;\n"
    assert [a.finding.rule for a in result.applied] == ["helmet", "rate-limit"]
    assert result.passes >= 2
    assert result.not_applied == []
    assert (tmp_path / "app.js").read_text() == "one two;\n", "planning must not write"


def test_fix_that_breaks_parsing_is_dropped_and_reported(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text("const a = 1;\nconst b = 2;\n")

    def good(text: str):
        return (6, 7, "alpha") if "const a " in text else None

    def bad(text: str):
        i = text.find("const b")
        return (i, i, "const = ;\n") if "const = ;" not in text else None

    scanner = ScriptedScanner(tmp_path, [("helmet", good), ("rate-limit", bad)])
    result = plan_fixes(scanner)  # type: ignore[arg-type]
    assert result.final["app.js"] == b"const alpha = 1;\nconst b = 2;\n"
    assert [a.finding.rule for a in result.applied] == ["helmet"]
    reasons = {f.rule: reason for f, reason in result.not_applied}
    assert reasons == {"rate-limit": "fix dropped: it would introduce a syntax error"}


TWO_APPS = """\
const express = require('express');

let adminApp;
let nodeApp;

function init() {
  adminApp = express();
  nodeApp = express();
  adminApp.get('/flows', (req, res) => res.json([]));
  nodeApp.get('/x', (req, res) => res.send('x'));
}

module.exports = { init };
"""


def test_two_fixes_inserting_the_same_import_write_it_once(tmp_path: Path) -> None:
    # Two apps in one file: helmet's fix for each adds `const helmet = require('helmet')` at the
    # same place. Written twice it parsed (tree-sitter) but did not load: "Identifier 'helmet'
    # has already been declared".
    root = make_app(tmp_path / "two", TWO_APPS)
    proc = run_cli("fix", root, "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    code = (root / "app.js").read_text()
    assert code.count("require('helmet')") == 1
    assert "adminApp.use(helmet());" in code and "nodeApp.use(helmet());" in code
    if shutil.which("node"):
        check = subprocess.run(["node", "--check", str(root / "app.js")], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stderr


def test_apply_edits_keeps_bom_and_crlf() -> None:
    data = b"\xef\xbb\xbfa\r\nb\r\n"
    out = apply_edits(data, [TextEdit(3, 3, "x\ny\n")])  # offsets after the BOM
    assert out == b"\xef\xbb\xbfa\r\nx\r\ny\r\nb\r\n"
    with pytest.raises(ValueError):
        apply_edits(b"abcdef", [TextEdit(0, 3, "x"), TextEdit(2, 4, "y")])


# --- writing ----------------------------------------------------------------------------------


def test_fix_keeps_bom_crlf_and_file_mode(tmp_path: Path) -> None:
    crlf = b"\xef\xbb\xbf" + APP.replace("\n", "\r\n").encode()
    root = make_app(tmp_path / "app", crlf)
    (root / "app.js").chmod(0o755)
    proc = run_cli("fix", root, *RULES)
    assert proc.returncode == 0, proc.stderr
    data = (root / "app.js").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf" * 2)
    assert b"app.use(helmet());\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n"), "a bare LF slipped in"
    assert stat.S_IMODE((root / "app.js").stat().st_mode) == 0o755
    created = (root / "middleware" / "rate-limit.js").read_bytes()
    assert created.count(b"\n") == created.count(b"\r\n") > 10
    assert "changed 3 files" in proc.stdout and "rate-limit ×1" in proc.stdout


def test_atomic_write_replaces_or_leaves_the_file_untouched(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "app.js"
    target.write_text("old\n")
    target.chmod(0o640)
    atomic_write(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.js"]

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_fixer.os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"half-written\n")
    assert target.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.js"], "temp file left behind"


# --- outputs ----------------------------------------------------------------------------------


def test_dry_run_diff_applies_with_git_apply_and_equals_fix(tmp_path: Path) -> None:
    root = make_app(tmp_path / "app")
    pristine = tmp_path / "pristine"
    shutil.copytree(root, pristine)
    dry = run_cli("fix", root, "--dry-run", *RULES)
    assert dry.returncode == 0, dry.stderr
    assert files_of(root) == files_of(pristine), "--dry-run wrote something"
    assert "--- /dev/null\n+++ b/middleware/rate-limit.js" in dry.stdout
    assert "diff --git a/package.json b/package.json" in dry.stdout
    (tmp_path / "all.patch").write_text(dry.stdout)
    applied = subprocess.run(["git", "apply", str(tmp_path / "all.patch")], cwd=pristine,
                             capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    assert run_cli("fix", root, *RULES).returncode == 0
    assert files_of(pristine) == files_of(root)


def test_patch_dir_rules_editing_the_same_lines_share_one_patch(tmp_path: Path) -> None:
    # helmet, rate-limit and error-handler all add lines next to the same lines of this small
    # app: separate patches could not apply both alone and in sequence (see
    # tests/cli/test_cli_patch_dir.py), so they share one, named after all three.
    root = make_app(tmp_path / "app")
    before = files_of(root)
    patches = tmp_path / "patches"
    proc = run_cli("fix", root, "--patch-dir", patches, *RULES)
    assert proc.returncode == 0, proc.stderr
    assert files_of(root) == before, "--patch-dir must not write the project"
    names = sorted(p.name for p in patches.iterdir())
    assert names == ["01-helmet+rate-limit+error-handler.patch"]
    for name in names:
        copy = tmp_path / f"copy-{name}"
        shutil.copytree(root, copy)
        applied = subprocess.run(["git", "apply", str(patches / name)], cwd=copy,
                                 capture_output=True, text=True)
        assert applied.returncode == 0, f"{name}: {applied.stderr}"
        assert files_of(copy) != before
        check = run_cli("check", copy, "--select",
                        name.split("-", 1)[1][:-len(".patch")].replace("+", ","),
                        "--format", "json")
        assert json.loads(check.stdout)["findings"] == [], name


def test_format_json_reports_every_change(tmp_path: Path) -> None:
    root = make_app(tmp_path / "app")
    proc = run_cli("fix", root, "--dry-run", "--format", "json", *RULES)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["written"] is False
    by_rule = {c["rule"]: c for c in doc["changes"]}
    assert set(by_rule) == {"helmet", "rate-limit", "error-handler"}
    for change in doc["changes"]:
        assert change["path"] == "app.js" and change["line"] == 3
        assert change["description"]
        assert change["applicability"] == ("unsafe" if change["rule"] == "rate-limit" else "safe")
    assert "middleware/rate-limit.js" in by_rule["rate-limit"]["files"]
    assert "package.json" in by_rule["helmet"]["files"]
    assert {f["path"] for f in doc["files"]} == {"app.js", "package.json",
                                                "middleware/rate-limit.js"}


def test_dirty_git_tree_is_refused_without_force(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is needed")
    root = make_app(tmp_path / "app")
    assert git(root, "init", "-q").returncode == 0
    git(root, "add", ".")
    assert git(root, "commit", "-qm", "init").returncode == 0
    (root / "app.js").write_text(APP + "// local edit\n")
    refused = run_cli("fix", root, *RULES)
    assert refused.returncode == 2
    assert "uncommitted changes" in refused.stderr and "--force" in refused.stderr
    assert (root / "app.js").read_text() == APP + "// local edit\n"
    assert not (root / "middleware").exists()
    forced = run_cli("fix", root, "--force", *RULES)
    assert forced.returncode == 0, forced.stderr
    assert "app.use(helmet());" in (root / "app.js").read_text()


def test_clean_git_tree_and_folder_outside_git_are_fine(tmp_path: Path) -> None:
    clean = make_app(tmp_path / "clean")
    git(clean, "init", "-q")
    git(clean, "add", ".")
    assert git(clean, "commit", "-qm", "init").returncode == 0
    assert run_cli("fix", clean, *RULES).returncode == 0
    assert (clean / "middleware" / "rate-limit.js").is_file()
    outside = make_app(tmp_path / "outside")
    proc = run_cli("fix", outside, *RULES, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert "app.use(helmet());" in (outside / "app.js").read_text()
    again = run_cli("fix", outside, "--dry-run", *RULES)
    assert again.stdout == ""


def test_accept_is_asked_once_per_finding_even_when_lines_move(tmp_path: Path) -> None:
    """A declined fix stays declined after other fixes insert lines above it, and no
    finding is asked about twice."""
    from nodeharden._api import fix

    root = tmp_path / "app"
    root.mkdir()
    (root / "package.json").write_text('{"name": "x", "dependencies": {"express": "^5.1.0"}}\n')
    (root / "app.js").write_text(
        "const express = require('express')\n"
        "const app = express()\n"
        "app.use(express.json())\n"
        "app.get('/', (req, res) => { res.cookie('a', res.locals.a); res.send('ok') })\n"
        "app.get('/b', (req, res) => { res.cookie('b', res.locals.b); res.send('ok') })\n")
    asked: list[tuple[str, str]] = []

    def accept(finding: Finding) -> bool:
        asked.append((finding.rule, finding.snippet))
        return finding.rule == "helmet" or "'b'" in finding.snippet

    result = fix(root, dry_run=True, select=["helmet", "cookie-flags"], accept=accept).plan
    assert len(asked) == len(set(asked)) == 3, asked
    text = result.final["app.js"].decode()
    assert "app.use(helmet())" in text
    assert "res.cookie('a', res.locals.a)" in text  # declined: untouched although it moved down a line
    assert "res.cookie('b', res.locals.b, {" in text
    assert [f.rule for f, reason in result.not_applied if reason == "declined"] == ["cookie-flags"]


def test_a_crashing_rule_makes_check_and_fix_exit_2(tmp_path: Path, monkeypatch,
                                                     capsys) -> None:
    """A rule that crashes leaves the report incomplete: neither command may pass."""
    from nodeharden._cli import main
    from nodeharden.rules import registry

    root = tmp_path / "app"
    root.mkdir()
    (root / "package.json").write_text('{"name": "x", "dependencies": {"express": "^5.1.0"}}\n')
    (root / "app.js").write_text("const express = require('express')\nconst app = express()\n"
                                 "app.use(express.json())\n")

    def boom(self, ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("rule bug")

    monkeypatch.setattr(type(registry()["body-limit"]), "check_file", boom)
    assert main(["check", str(root), "--jobs", "1"]) == 2
    assert main(["fix", str(root), "--dry-run", "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "rule body-limit failed: RuntimeError: rule bug" in err
