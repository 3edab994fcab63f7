"""``fix --patch-dir``: every patch applies with real ``git apply`` on its own to the original
tree AND one after another in order (01, 02, …), and the sequence ends where ``fix`` ends."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli, write_tree

ROUTES = "\n".join(f"app.get('/r{i}', (req, res) => res.json({{ n: {i} }}));" for i in range(12))
SPREAD_APP = {
    "package.json": '{\n  "name": "app",\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n',
    # The rules edit places far apart (more than a diff's context): one patch each.
    "app.js": (
        "const express = require('express');\n\nconst app = express();\n\n"
        + ROUTES + "\n\napp.get('/c', (req, res) => { res.cookie('sid', res.locals.sid); res.send('ok'); });"
        + "\n\n" + ROUTES.replace("/r", "/s")
        + "\n\napp.listen(3000);\n"),
}
SMALL_APP = {
    "package.json": SPREAD_APP["package.json"],
    # helmet and rate-limit both add a line after the require and after express(): they
    # cannot be two patches that apply both alone and in sequence, so they share one.
    "app.js": "const express = require('express');\n\nconst app = express();\n"
              "app.get('/', (req, res) => res.json({ ok: true }));\n"
              "app.post('/login', (req, res) => res.json({ ok: true, at: Date.now() }));\n"
              "\napp.listen(3000);\n",
}


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def git_apply(patch: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "apply", str(patch)], cwd=cwd, capture_output=True, text=True)


def _patches_and_fixed(tmp_path: Path, files: dict[str, str], *rules: str
                       ) -> tuple[Path, list[Path], dict[str, bytes]]:
    root = write_tree(tmp_path / "app", files)
    before = files_of(root)
    patches = tmp_path / "patches"
    unsafe = ("--unsafe",) if "rate-limit" in rules else ()  # rate-limit's fix is unsafe
    proc = run_cli("fix", root, "--patch-dir", patches, "--select", ",".join(rules), *unsafe)
    assert proc.returncode == 0, proc.stderr
    assert files_of(root) == before, "--patch-dir must not write the project"
    fixed = tmp_path / "fixed"
    shutil.copytree(root, fixed)
    assert run_cli("fix", fixed, *[a for r in rules for a in ("--select", r)],
                   *unsafe).returncode == 0
    return root, sorted(patches.iterdir()), files_of(fixed)


@pytest.mark.parametrize(("files", "rules", "names"), [
    (SPREAD_APP, ("helmet", "cookie-flags"), ["01-helmet.patch", "02-cookie-flags.patch"]),
    (SMALL_APP, ("helmet", "rate-limit", "error-handler"),
     ["01-helmet+rate-limit+error-handler.patch"]),
], ids=["apart", "same-lines"])
def test_each_patch_applies_alone_and_in_sequence(tmp_path: Path, files: dict[str, str],
                                                  rules: tuple[str, ...],
                                                  names: list[str]) -> None:
    root, patches, fixed = _patches_and_fixed(tmp_path, files, *rules)
    assert [p.name for p in patches] == names
    original = files_of(root)
    # Alone: each on a fresh copy of the original tree.
    for patch in patches:
        alone = tmp_path / f"alone-{patch.stem}"
        shutil.copytree(root, alone)
        applied = git_apply(patch, alone)
        assert applied.returncode == 0, f"{patch.name} alone: {applied.stderr}"
        assert files_of(alone) != original
    # In sequence: 01, 02, … on one copy, ending exactly where `fix` ends.
    sequence = tmp_path / "sequence"
    shutil.copytree(root, sequence)
    for patch in patches:
        applied = git_apply(patch, sequence)
        assert applied.returncode == 0, f"{patch.name} in sequence: {applied.stderr}"
    assert files_of(sequence) == fixed
