"""A package of a workspace resolves the packages its workspace root declares: the root's
install puts them in a node_modules above the package. A fix that needs such a package (in a
range of the same major version) adds nothing to the package's package.json, where it would
only leave the workspace's lockfile out of date; a different major, or a devDependency of the
root for a runtime package, is added as before."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import run_cli, write_tree

APP_JS = """\
const express = require('express');

const app = express();
app.get('/me', (req, res) => res.json({ id: 1 }));
app.listen(3000);
"""


def _workspace(top: Path, root_deps: dict[str, dict[str, str]]) -> Path:
    """A git repository whose top is a pnpm workspace declaring ``root_deps``; returns the
    API package's folder."""
    write_tree(top, {
        "package.json": json.dumps({"name": "mono", "private": True, **root_deps}) + "\n",
        "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n",
        "packages/api/package.json": json.dumps(
            {"name": "api", "version": "1.0.0", "dependencies": {"jsonwebtoken": "^9.0.2"}},
            indent=2) + "\n",
        "packages/api/src/main.js": APP_JS,
    })
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top / "packages" / "api"


def _helmet_fix(folder: Path) -> tuple[str, str]:
    """Return the diff and the summary of a dry run of helmet's fix."""
    result = run_cli("fix", folder, "--dry-run", "--select", "helmet")
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def test_a_package_the_workspace_root_declares_is_not_declared_again(tmp_path: Path) -> None:
    api = _workspace(tmp_path / "repo", {"dependencies": {"express": "^4.21.0",
                                                          "helmet": "^8.1.0"}})
    diff, summary = _helmet_fix(api)
    assert "+app.use(helmet());" in diff
    assert "package.json" not in diff
    assert "would change 1 file: src/main.js" in summary
    assert "install" not in summary


def test_the_same_from_the_top_of_the_workspace(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    _workspace(top, {"dependencies": {"express": "^4.21.0", "helmet": "^8.1.0"}})
    diff, summary = _helmet_fix(top)
    assert "+app.use(helmet());" in diff
    assert "would change 1 file: packages/api/src/main.js" in summary


def test_another_major_at_the_root_is_no_provision(tmp_path: Path) -> None:
    api = _workspace(tmp_path / "repo", {"dependencies": {"helmet": "^3.23.3"}})
    diff, _ = _helmet_fix(api)
    assert '+    "helmet": "^8.' in diff


def test_a_root_dev_dependency_does_not_provide_a_runtime_package(tmp_path: Path) -> None:
    api = _workspace(tmp_path / "repo", {"devDependencies": {"helmet": "^8.1.0"}})
    diff, _ = _helmet_fix(api)
    assert '+    "helmet": "^8.' in diff  # a production install leaves the root's dev packages out
