"""eslint-security in a workspace package: ESLint 9 (declared at the workspace root) looks for
eslint.config.* from the folder it runs in up to the repository's top, and never reads the
package's leftover .eslintrc. The finding names the config ESLint uses (above the folder
scanned: no fix, since fix writes nothing outside it), or nothing when that config has the
plugin; and the Node floor of the eslint the workspace already uses holds back no fix."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import write_tree

from nodeharden import check, fix

ROOT_PACKAGE = ('{"name": "mono", "private": true, "workspaces": ["packages/*"], '
                '"engines": {"node": ">=18.0.0"}, "devDependencies": {"eslint": "^9.30.0"}}\n')
FLAT = "module.exports = [{ files: ['**/*.js'], rules: { semi: 'error' } }];\n"
FLAT_WITH_PLUGIN = ("const security = require('eslint-plugin-security');\n"
                    "module.exports = [security.configs.recommended];\n")
PACKAGE = ('{"name": "api", "engines": {"node": ">=18.0.0"}, '
           '"scripts": {"lint": "eslint ."}, "dependencies": {"express": "^4.21.0"}}\n')
SERVER = "const express = require('express');\nexpress().listen(3000);\n"
LEFTOVER = '{ "extends": "../../.eslintrc" }\n'


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    top = write_tree(tmp_path / "repo", {
        "package.json": ROOT_PACKAGE,
        "packages/api/package.json": PACKAGE,
        "packages/api/server.js": SERVER,
        **files,
    })
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top / "packages" / "api"


def test_the_workspace_flat_config_is_judged_not_the_dead_eslintrc(tmp_path: Path) -> None:
    api = _repo(tmp_path, {"eslint.config.js": FLAT, "packages/api/.eslintrc": LEFTOVER})
    [finding] = check(api, select=["eslint-security"]).findings
    assert (finding.path, finding.line) == ("../../eslint.config.js", 1)
    assert "above the folder scanned" in finding.message
    assert finding.fix is None


def test_a_workspace_flat_config_with_the_plugin_is_enough(tmp_path: Path) -> None:
    api = _repo(tmp_path, {"eslint.config.js": FLAT_WITH_PLUGIN,
                           "packages/api/.eslintrc": LEFTOVER})
    assert check(api, select=["eslint-security"]).findings == []


def test_the_workspace_eslint_sets_the_node_floor_of_the_fix(tmp_path: Path) -> None:
    # The package's own flat config is the one ESLint uses; the eslint declared at the
    # workspace root already needs Node 18.18, so the plugin's floor withholds nothing.
    api = _repo(tmp_path, {"packages/api/eslint.config.js": FLAT})
    [finding] = check(api, select=["eslint-security"]).findings
    assert finding.path == "eslint.config.js" and finding.fix is not None
    plan = fix(api, dry_run=True, select=["eslint-security"], unsafe=True).plan
    assert "eslint.config.js" in plan.changed_paths(), plan


def test_a_package_that_leaves_linting_to_the_root_is_not_reported(tmp_path: Path) -> None:
    # No config, no eslint script or dependency in the package: the repository's root lints
    # it, and the rule has nothing to say about the package (as without a flat config above).
    api = _repo(tmp_path, {"eslint.config.js": FLAT})
    (api / "package.json").write_text('{"name": "api", "dependencies": {"express": "^4.21.0"}}\n')
    assert check(api, select=["eslint-security"]).findings == []
