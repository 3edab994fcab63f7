"""Every codemod fixture: exact output, output re-parses, a second run changes nothing, and a
case without ``expected.*`` changes nothing at all.

Layout: ``codemods/<rule>/fixtures/<case>/input.<ext>`` (+ ``expected.<ext>``) and an optional
``case.yml``:

    path: src/app.js          # where the input lives in the project (default app.<ext>)
    unsafe: true              # also apply unsafe fixes
    package_json: '{...}'     # package.json text (default: express dependency, CommonJS)
    config: {...}             # .nodeharden.yml content
    files: {rel: text}        # more input files
    expected_files: {rel: text}  # files the fix creates or changes besides the input
    findings: [3, 7]          # lines of the input where the rule must report (and nowhere else)
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from nodeharden._api import check, fix
from nodeharden._parse import parse
from nodeharden._project import JS_SUFFIXES

from conftest import CODEMODS

DEFAULT_PACKAGE_JSON = '{\n  "name": "fixture",\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n'


def _cases() -> list[Path]:
    return sorted(p for p in CODEMODS.glob("*/fixtures/*") if p.is_dir())


def _load(case: Path) -> dict:
    meta_path = case / "case.yml"
    return YAML(typ="safe").load(meta_path.read_text()) or {} if meta_path.exists() else {}


def _input_file(case: Path) -> Path:
    found = sorted(case.glob("input*"))
    assert len(found) == 1, f"{case}: expected exactly one input file"
    return found[0]


def _setup(case: Path, tmp_path: Path) -> tuple[Path, str, dict]:
    meta = _load(case)
    source = _input_file(case)
    suffix = source.name[len("input"):]
    rel = meta.get("path") or f"app{suffix}"
    root = tmp_path / "project"
    root.mkdir()
    pj = meta.get("package_json", DEFAULT_PACKAGE_JSON)
    if pj is not None:
        (root / "package.json").write_text(pj if isinstance(pj, str) else json.dumps(pj, indent=2) + "\n")
    if meta.get("config") is not None:
        from io import StringIO

        buf = StringIO()
        YAML().dump(meta["config"], buf)
        (root / ".nodeharden.yml").write_text(buf.getvalue())
    for extra_rel, content in (meta.get("files") or {}).items():
        (root / extra_rel).parent.mkdir(parents=True, exist_ok=True)
        (root / extra_rel).write_text(content)
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return root, rel, meta


def _reparses(rel: str, data: bytes, scratch: Path) -> None:
    suffix = Path(rel).suffix
    if suffix not in JS_SUFFIXES:
        return
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    assert not parse(JS_SUFFIXES[suffix], body).root_node.has_error, f"{rel} does not parse"
    if suffix in (".js", ".cjs", ".mjs") and shutil.which("node"):
        tmp = scratch / f"node-check{suffix}"  # the test's own folder: no shared /tmp path
        tmp.write_bytes(data)
        proc = subprocess.run(["node", "--check", str(tmp)], capture_output=True, text=True)
        tmp.unlink()
        assert proc.returncode == 0, f"node --check {rel}: {proc.stderr}"


@pytest.mark.parametrize("case", _cases(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_fixture(case: Path, tmp_path: Path) -> None:
    rule = case.parent.parent.name
    root, rel, meta = _setup(case, tmp_path)
    unsafe = bool(meta.get("unsafe"))

    if "findings" in meta:
        report = check(root, select=[rule])
        # A finding its rule reports once per file stands for its other places too.
        lines = sorted([f.line for f in report.findings if f.path == rel and f.rule == rule]
                       + [line for f in report.findings if f.path == rel and f.rule == rule
                          for line, _ in f.related])
        assert lines == sorted(meta["findings"]), report.findings
        assert not report.failed, report.failed

    result = fix(root, dry_run=True, select=[rule], unsafe=unsafe).plan
    assert result.scan is not None and not result.scan.failed, result.scan.failed
    expected = sorted(case.glob("expected*"))
    expected_files = meta.get("expected_files") or {}
    if not expected and not expected_files:
        assert result.changed_paths() == [], f"expected no change, got {result.changed_paths()}"
        return
    if expected:
        want = expected[0].read_bytes()
        got = result.final.get(rel, (root / rel).read_bytes())
        assert got.decode() == want.decode()
        _reparses(rel, got, tmp_path)
    for extra_rel, content in expected_files.items():
        assert extra_rel in result.final, f"{extra_rel} was not written"
        assert result.final[extra_rel].decode() == content
        _reparses(extra_rel, result.final[extra_rel], tmp_path)

    # Write, then a second run must change nothing.
    outcomes = fix(root, select=[rule], unsafe=unsafe, force=True).written
    assert all(o.status == "changed" for o in outcomes), outcomes
    again = fix(root, dry_run=True, select=[rule], unsafe=unsafe).plan
    assert again.changed_paths() == [], f"second run changed {again.changed_paths()}"
