"""Patches apply where the user stands: inside a git work tree, diff paths are relative to
the repository's top level, so ``nodeharden fix --dry-run > p && git apply p`` works from a
monorepo's subfolder as well as from its root. A symlinked file is scanned once and edited
through its target; the link stays a link."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import run_cli, write_tree

APP = """\
    const express = require('express');
    const app = express();
    app.get('/', (req, res) => res.send('ok'));
    app.listen(3000);
    """


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                          cwd=root, capture_output=True, text=True, check=True)


def monorepo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    write_tree(repo, {
        "package.json": '{"name": "mono", "private": true}\n',
        "server/package.json": '{"name": "server", "dependencies": {"express": "^4.21.0"}}\n',
        "server/app.js": APP,
    })
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    return repo


def test_dry_run_from_a_subfolder_applies_from_that_subfolder(tmp_path: Path) -> None:
    repo = monorepo(tmp_path)
    server = repo / "server"
    proc = run_cli("fix", ".", "--dry-run", "--select", "helmet", cwd=server)
    assert proc.returncode == 0, proc.stderr
    assert "diff --git a/server/app.js b/server/app.js" in proc.stdout
    (tmp_path / "p.patch").write_text(proc.stdout)
    applied = subprocess.run(["git", "apply", "-v", str(tmp_path / "p.patch")], cwd=server,
                             capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    assert "app.use(helmet());" in (server / "app.js").read_text()
    assert '"helmet"' in (server / "package.json").read_text()


def test_the_same_patch_applies_from_the_top_level(tmp_path: Path) -> None:
    repo = monorepo(tmp_path)
    proc = run_cli("fix", "server", "--dry-run", "--select", "helmet", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    (tmp_path / "p.patch").write_text(proc.stdout)
    git(repo, "apply", str(tmp_path / "p.patch"))
    assert "app.use(helmet());" in (repo / "server" / "app.js").read_text()


def test_patch_dir_patches_apply_from_the_top_level_too(tmp_path: Path) -> None:
    repo = monorepo(tmp_path)
    patches = tmp_path / "patches"
    proc = run_cli("fix", "server", "--patch-dir", patches, "--select", "helmet",
                   "--select", "error-handler", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    for patch in sorted(patches.iterdir()):
        git(repo, "apply", str(patch))
    assert "app.use(helmet());" in (repo / "server" / "app.js").read_text()


def test_outside_git_paths_stay_relative_to_the_root(tmp_path: Path) -> None:
    write_tree(tmp_path / "plain", {"package.json": '{"name": "p"}', "app.js": APP})
    proc = run_cli("fix", tmp_path / "plain", "--dry-run", "--select", "helmet")
    assert "diff --git a/app.js b/app.js" in proc.stdout


def test_a_symlinked_file_is_scanned_once_and_edited_through_its_target(tmp_path: Path) -> None:
    root = tmp_path / "linked"
    write_tree(root, {"package.json": '{"name": "l", "dependencies": {"express": "^4.21.0"}}',
                      "src/app.js": APP})
    os.symlink("src/app.js", root / "server.js")
    report = run_cli("check", root, "--format", "json", "--select", "helmet")
    assert report.stdout.count('"rule": "helmet"') == 1, report.stdout
    assert "symlink to src/app.js (scanned as that file)" in report.stdout
    proc = run_cli("fix", root, "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    assert (root / "server.js").is_symlink()
    assert "app.use(helmet());" in (root / "src" / "app.js").read_text()
