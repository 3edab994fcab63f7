"""eslint-security in a package without a config of its own, linted by ESLint 8 or older
(eslintrc mode): ESLint merges the .eslintrc* (or package.json eslintConfig) it finds in the
folders above, up to one with `root: true` or the repository's top. That config is the
project's: the finding names it, with no fix (fix writes nothing outside the folder scanned),
and nothing is reported when a config in that cascade enables the plugin."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import write_tree

from nodeharden import check

TOP_PACKAGE = ('{"name": "mono", "private": true, "workspaces": ["packages/*"], '
               '"devDependencies": {"eslint": "^8.57.0"}}\n')
TOP_CONFIG = "module.exports = {\n  extends: ['eslint:recommended'],\n};\n"
TOP_CONFIG_WITH_PLUGIN = ("module.exports = {\n  plugins: ['security'],\n"
                          "  extends: ['plugin:security/recommended-legacy'],\n};\n")
PACKAGE = ('{"name": "api", "scripts": {"lint": "eslint . --ext ts"}, '
           '"dependencies": {"express": "^4.21.0"}}\n')
SERVER = "const express = require('express');\nexpress().listen(3000);\n"


def _repo(tmp_path: Path, files: dict[str, str], top_package: str = TOP_PACKAGE) -> Path:
    top = write_tree(tmp_path / "repo", {
        "package.json": top_package,
        "packages/api/package.json": PACKAGE,
        "packages/api/server.js": SERVER,
        **files,
    })
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top / "packages" / "api"


def test_the_repository_config_above_is_reported_without_a_fix(tmp_path: Path) -> None:
    api = _repo(tmp_path, {".eslintrc.js": TOP_CONFIG})
    [finding] = check(api, select=["eslint-security"]).findings
    assert (finding.path, finding.line) == ("../../.eslintrc.js", 1)
    assert "no ESLint config" not in finding.message
    assert "above the folder scanned, which ESLint 8 merges" in finding.message
    assert finding.fix is None


def test_a_config_above_with_the_plugin_is_enough(tmp_path: Path) -> None:
    api = _repo(tmp_path, {".eslintrc.js": TOP_CONFIG_WITH_PLUGIN})
    assert check(api, select=["eslint-security"]).findings == []


def test_the_cascade_merges_the_nearer_config_with_the_top_one(tmp_path: Path) -> None:
    api = _repo(tmp_path, {".eslintrc.js": TOP_CONFIG_WITH_PLUGIN,
                           "packages/.eslintrc.json": '{"rules": {"semi": "error"}}\n'})
    assert check(api, select=["eslint-security"]).findings == []


def test_root_true_stops_the_cascade(tmp_path: Path) -> None:
    api = _repo(tmp_path, {".eslintrc.js": TOP_CONFIG_WITH_PLUGIN,
                           "packages/.eslintrc.yml": "root: true\nextends: eslint:recommended\n"})
    [finding] = check(api, select=["eslint-security"]).findings
    assert finding.path == "../.eslintrc.yml" and finding.fix is None


def test_an_eslintconfig_in_a_package_json_above_counts(tmp_path: Path) -> None:
    top = TOP_PACKAGE.replace('"private": true,',
                              '"private": true, "eslintConfig": {"extends": "eslint:recommended"},')
    api = _repo(tmp_path, {}, top_package=top)
    [finding] = check(api, select=["eslint-security"]).findings
    assert finding.path == "../../package.json" and finding.fix is None


def test_no_config_anywhere_is_still_no_config(tmp_path: Path) -> None:
    api = _repo(tmp_path, {})
    [finding] = check(api, select=["eslint-security"]).findings
    assert finding.path == "package.json"
    assert "the project has no ESLint config" in finding.message


def test_eslint_9_never_reads_the_eslintrc_above(tmp_path: Path) -> None:
    api = _repo(tmp_path, {".eslintrc.js": TOP_CONFIG},
                top_package=TOP_PACKAGE.replace("^8.57.0", "^9.30.0"))
    [finding] = check(api, select=["eslint-security"]).findings
    assert finding.path == "package.json"
    assert "the project has no ESLint config" in finding.message
