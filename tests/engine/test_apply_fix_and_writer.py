"""The engine's one ``apply_fix`` (a single fix on a snapshot) and its one writer
(``write_fixes``: refuse a dirty git tree unless forced, then write atomically)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden import NodehardenError, fix
from nodeharden._fixer import apply_fix, write_fixes
from nodeharden._model import FileChange, Fix, TextEdit

PJ = b'{\n  "name": "api",\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n'


def test_apply_fix_edits_creates_and_adds_dependencies_to_the_given_manifest() -> None:
    files = {"server/app.js": b"const app = express()\r\n", "server/package.json": PJ}
    one = Fix("add helmet", "safe", (
        FileChange("server/app.js", (TextEdit(0, 0, "const helmet = require('helmet')\n"),)),
        FileChange("server/SECURITY.md", (TextEdit(0, 0, "# Security\n"),), create=True),
    ), dependencies=(("helmet", "^8.1.0"),))
    out = apply_fix(one, files.get, manifest="server/package.json")
    assert sorted(out) == ["server/SECURITY.md", "server/app.js", "server/package.json"]
    # The file's own line endings are kept.
    assert out["server/app.js"] == b"const helmet = require('helmet')\r\nconst app = express()\r\n"
    assert out["server/SECURITY.md"] == b"# Security\n"
    assert b'"helmet": "^8.1.0"' in out["server/package.json"]
    # Without a manifest (the caller merges dependencies itself) package.json is left alone.
    assert "server/package.json" not in apply_fix(one, files.get, manifest=None)


def test_apply_fix_leaves_out_what_the_engine_would_not_write() -> None:
    files = {"app.js": b"abcdef\n", "package.json": b"[1, 2]\n"}
    overlapping = Fix("x", "safe", (
        FileChange("app.js", (TextEdit(0, 3, "X"), TextEdit(2, 4, "Y"))),
        FileChange("gone.js", (TextEdit(0, 0, "z"),)),
    ), dependencies=(("helmet", "^8.1.0"),))
    assert apply_fix(overlapping, files.get) == {}  # overlap, missing file, package.json no object


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                   cwd=root, check=True, capture_output=True)


def test_the_writer_refuses_a_dirty_tree_unless_forced(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": PJ.decode(),
        "app.js": "const express = require('express')\nconst app = express()\n"
                  "app.listen(3000)\n",
        "notes.md": "one\n",
    })
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "one")
    (root / "notes.md").write_text("two\n")  # an uncommitted change
    plan = fix(root, dry_run=True, select=["helmet"]).plan
    before = (root / "app.js").read_bytes()
    with pytest.raises(NodehardenError, match=r"uncommitted changes \(1 file, e\.g\. notes\.md\)"):
        write_fixes(plan)
    assert (root / "app.js").read_bytes() == before
    outcomes = write_fixes(plan, force=True, hold_interrupts=True)
    assert {(o.path, o.status) for o in outcomes} == {("app.js", "changed"),
                                                     ("package.json", "changed")}
    assert (root / "app.js").read_bytes() == plan.final["app.js"]
    # Nothing to write: no outcome, and no question about the tree.
    again = fix(root, dry_run=True, select=["helmet"]).plan
    assert again.changed_paths() == [] and write_fixes(again) == []
