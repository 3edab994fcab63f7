"""The package manager and the place installs run from come from the project, up to the top
of its git work tree: a package of a pnpm (or npm/yarn) workspace installs from the
workspace root with that workspace's manager, and ``fix`` says so instead of ``npm install``,
which refuses a ``workspace:`` range. A package.json the project generates from package.yaml
is never answered with ``npm init -y``."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, write_tree

from nodeharden._project import find_package_manager, manifest_source

APP_JS = """\
const express = require('express');
const app = express();
app.get('/', (req, res) => res.send('x'));
app.listen(3000);
"""


def _git_init(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)


def _pnpm_monorepo(top: Path, *, member_globs: str = "packages/*") -> Path:
    """A repository whose top is a pnpm workspace; returns the server package's folder."""
    write_tree(top, {
        "package.json": json.dumps({"name": "mono", "private": True,
                                    "packageManager": "pnpm@9.15.0"}) + "\n",
        "pnpm-workspace.yaml": f"packages:\n  - '{member_globs}'\n",
        ".gitignore": "node_modules\npnpm-lock.yaml\npackage-lock.json\n",
        "packages/lib/package.json": '{"name": "lib", "version": "1.0.0"}\n',
        "packages/server/package.json": json.dumps(
            {"name": "server", "version": "1.0.0",
             "dependencies": {"express": "^4.21.0", "lib": "workspace:^"}}, indent=2) + "\n",
        "packages/server/app.js": APP_JS,
    })
    _git_init(top)
    return top / "packages" / "server"


def test_a_package_of_a_pnpm_workspace_installs_from_the_workspace_root(tmp_path: Path) -> None:
    server = _pnpm_monorepo(tmp_path / "repo")
    facts = find_package_manager(server, json.loads((server / "package.json").read_text()))
    assert (facts.name, facts.install_dir, facts.lockfile) == ("pnpm", "../..",
                                                              "../../pnpm-lock.yaml")


def test_a_folder_the_workspace_does_not_list_keeps_its_own_manager(tmp_path: Path) -> None:
    server = _pnpm_monorepo(tmp_path / "repo", member_globs="apps/*")
    facts = find_package_manager(server, {})
    assert (facts.name, facts.install_dir) == ("npm", "")


def test_a_workspace_above_an_unversioned_folder_is_not_read(tmp_path: Path) -> None:
    server = _pnpm_monorepo(tmp_path / "repo")
    shutil.rmtree(tmp_path / "repo" / ".git")  # no repository: the folders above are not its
    assert find_package_manager(server, {}).name == "npm"


def test_the_root_lockfile_decides_before_any_workspace_above(tmp_path: Path) -> None:
    server = _pnpm_monorepo(tmp_path / "repo")
    (server / "package-lock.json").write_text("{}\n")
    facts = find_package_manager(server, {})
    assert (facts.name, facts.install_dir) == ("npm", "")


def test_npm_workspaces_name_the_top_lockfile(tmp_path: Path) -> None:
    top = write_tree(tmp_path / "repo", {
        "package.json": '{"name": "mono", "workspaces": ["services/**"]}\n',
        "package-lock.json": "{}\n",
        "services/api/v2/package.json": '{"name": "api"}\n',
    })
    _git_init(top)
    facts = find_package_manager(top / "services" / "api" / "v2", {})
    assert (facts.name, facts.install_dir, facts.lockfile) == ("npm", "../../..",
                                                              "../../../package-lock.json")


def test_fix_in_a_pnpm_workspace_package_says_to_install_from_the_workspace_root(
        tmp_path: Path) -> None:
    server = _pnpm_monorepo(tmp_path / "repo")
    proc = run_cli("fix", server, "--dry-run", "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    # Named from the top of the repository, as the diff names the files.
    assert "then install the added packages (in packages/server/): cd ../.. && pnpm install" \
        in out
    assert ": npm install" not in out
    # The advice it replaces fails there: npm refuses the workspace: range (offline, before
    # any download).
    npm = subprocess.run(["npm", "install", "--offline", "--no-audit", "--no-fund"],
                         cwd=server, capture_output=True, text=True, timeout=300, check=False)
    assert npm.returncode != 0 and "EUNSUPPORTEDPROTOCOL" in npm.stdout + npm.stderr


def test_the_workspace_lockfile_is_named_out_of_date(tmp_path: Path) -> None:
    server = _pnpm_monorepo(tmp_path / "repo")
    (tmp_path / "repo" / "pnpm-lock.yaml").write_text("lockfileVersion: '9.0'\n")
    proc = run_cli("fix", server, "--dry-run", "--select", "helmet")
    assert "until then ../../pnpm-lock.yaml is out of date (a frozen-lockfile install such as " \
        "`pnpm install --frozen-lockfile` refuses it)" in proc.stdout + proc.stderr


SINOPIA_LIKE_YAML = """\
# package.json is generated from this file (and not committed)
name: registry
version: 1.0.0
main: index.js
dependencies:
  express: '>=4.0.0 <5.0.0-0'
scripts:
  prepublish: js-yaml package.yaml > package.json
"""

HPACK_YAML = """\
name: tool
version: 0.1.0
dependencies:
  - base >= 4.7 && < 5
executables:
  tool:
    main: Main.hs
"""


def test_a_manifest_generated_from_package_yaml_is_named_instead_of_npm_init(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"app.js": APP_JS, "package.yaml": SINOPIA_LIKE_YAML,
                                         ".gitignore": "package.json\n"})
    proc = run_cli("fix", root, "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    assert ("needs helmet in package.json, but the project writes its manifest in "
            "package.yaml and package.json is generated from it (or absent): declined (add "
            "helmet to package.yaml, generate package.json, then run fix again)") in out
    assert "npm init" not in out
    assert "require('helmet')" not in (root / "app.js").read_text()
    assert not (root / "package.json").exists()


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("package.yaml", SINOPIA_LIKE_YAML, "package.yaml"),
    ("package.json5", "{name: 'a', dependencies: {express: '^4'}}\n", "package.json5"),
    ("package.yaml", HPACK_YAML, None),  # Haskell's hpack: dependencies is a list
    ("package.yaml", "just: [a, broken\n", None),
], ids=["node-yaml", "json5", "hpack", "broken"])
def test_manifest_sources(tmp_path: Path, name: str, text: str, expected: str | None) -> None:
    (tmp_path / name).write_text(text)
    assert manifest_source(tmp_path) == expected


def test_an_hpack_package_yaml_keeps_the_npm_init_advice(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"app.js": APP_JS, "package.yaml": HPACK_YAML})
    proc = run_cli("fix", root, "--dry-run", "--select", "helmet")
    assert "there is no package.json: declined (create it, e.g. `npm init -y`" in \
        proc.stdout + proc.stderr
