"""Per-file outcomes are values: every skipped or failed file carries a reason kind
(``SkipReason`` / ``FailReason``) beside the text the reports print, and a file whose rules
crash keeps every failure, first one first."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden import FailReason, SkipReason, check, fix

EXPRESS_APP = {
    "package.json": '{"name": "x", "dependencies": {"express": "^5.1.0"}}\n',
    "app.js": "const express = require('express')\nconst app = express()\n"
              "app.use(express.json())\napp.listen(3000)\n",
}


def test_each_skipped_file_has_the_kind_of_its_reason(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        **EXPRESS_APP,
        "test/app.test.js": "const request = require('supertest')\n",
        "public/vendor.min.js": "var a=1;\n",
        "blob.js": b"\x00\x01\x02 not text",
        "latin1.js": "const s = 'caf\xe9'\n".encode("latin-1"),
        "broken.js": "const = = ;\n",
        "big.js": "// " + "x" * 1_100_000 + "\n",
    })
    (tmp_path / "outside.js").write_text("module.exports = 1\n")
    os.symlink(tmp_path / "outside.js", root / "escape.js")
    result = check(root, jobs=1)
    kinds = {s.path: s.kind for s in result.skipped}
    assert kinds["test/app.test.js"] is SkipReason.ROLE
    assert kinds["public/vendor.min.js"] is SkipReason.MINIFIED
    assert kinds["blob.js"] is SkipReason.BINARY
    assert kinds["latin1.js"] is SkipReason.ENCODING
    assert kinds["broken.js"] is SkipReason.PARSE_ERROR
    assert kinds["big.js"] is SkipReason.SIZE
    assert kinds["escape.js"] is SkipReason.SYMLINK
    assert all(s.failures == [] for s in result.skipped)
    # The text the reports print is unchanged: the kind is extra structure.
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons["blob.js"] == "binary file"
    assert reasons["broken.js"].startswith("not valid JavaScript: syntax error")


def test_a_second_crashing_rule_adds_to_the_first(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from nodeharden._reports import render_json, render_sarif
    from nodeharden.rules import registry

    root = write_tree(tmp_path / "app", {
        **EXPRESS_APP,
        "app.js": "const express = require('express')\nconst app = express()\n"
                  "app.use(express.json())\napp.get('/', (req, res) => res.cookie('a', '1'))\n"})

    def crash(message: str):  # type: ignore[no-untyped-def]
        def check_file(self, ctx):  # type: ignore[no-untyped-def]
            raise RuntimeError(message)
        return check_file

    monkeypatch.setattr(type(registry()["body-limit"]), "check_file", crash("first bug"))
    monkeypatch.setattr(type(registry()["cookie-flags"]), "check_file",
                        crash("second bug; with a ;"))
    result = check(root, jobs=1, select=["cookie-flags", "body-limit"])
    [failed] = result.failed
    assert failed.path == "app.js" and failed.kind is FailReason.RULE
    # Rules run in catalog order; the second failure does not replace the first.
    assert sorted((f.kind.value, f.rule or "", f.error) for f in failed.failures) == [
        ("rule", "body-limit", "RuntimeError: first bug"),
        ("rule", "cookie-flags", "RuntimeError: second bug; with a ;"),
    ]
    # The reports print the same text as before: both failures, joined.
    doc = json.loads(render_json(str(root), result.findings, result.skipped, result.failed,
                                 result.notes))
    [entry] = [f for f in doc["failed"] if f["path"] == "app.js"]
    assert "rule cookie-flags failed: RuntimeError: second bug; with a ;" in entry["reason"]
    assert "rule body-limit failed: RuntimeError: first bug" in entry["reason"]
    assert "kind" not in entry  # JSON output unchanged
    assert "rule body-limit failed" in render_sarif(result.findings, result.skipped,
                                                    result.failed)

    # fix sees the same failures, and its per-file outcome keeps both.
    report = fix(root, dry_run=True, jobs=1, select=["cookie-flags", "body-limit"])
    [outcome] = [o for o in report.outcomes() if o.path == "app.js"]
    assert outcome.status == "failed" and outcome.kind is FailReason.RULE
    assert sorted(f.rule or "" for f in outcome.failures) == ["body-limit", "cookie-flags"]
    assert not report.ok


def test_an_unwritable_file_is_a_write_failure(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from nodeharden import _fixer

    def refuse(src: str, dst: str) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    root = write_tree(tmp_path / "app", EXPRESS_APP)
    monkeypatch.setattr(_fixer.os, "replace", refuse)
    report = fix(root, select=["helmet"], force=True)
    failed = [o for o in report.written if o.status == "failed"]
    assert failed and all(o.kind is FailReason.WRITE for o in failed), report.written
    assert [f.error for f in failed[0].failures] == ["Permission denied"]
    assert not report.ok


def test_flow_typed_files_are_named_as_such_and_counted_in_a_note(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        **EXPRESS_APP,
        "src/user.js": "// @flow\nexport function name(user: { name: string }): string {\n"
                       "  return user.name;\n}\n",
        "src/other.js": "/* @flow */\ntype Id = string;\nexport const id: Id = 'a';\n",
    })
    result = check(root, jobs=1)
    reasons = {s.path: (s.kind, s.reason) for s in result.skipped}
    for rel in ("src/user.js", "src/other.js"):
        assert reasons[rel] == (SkipReason.PARSE_ERROR, "not valid JavaScript: Flow type "
                                "annotations (@flow), which nodeharden does not parse")
    assert any(note.startswith("2 files with Flow type annotations (@flow) skipped")
               for note in result.notes), result.notes
