"""eslint-security: with no config at the root, the rule judges the config the lint script
uses: a file it names with ``--config``/``-c``, or the ``.eslintrc*`` ESLint's legacy cascade
finds for the code it lints (the linted file's folder and those above it, up to
``root: true``). A config in a nested package is reported without a fix; a project whose lint
script lints no folder holding a config still gets the "no ESLint config" finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_tree

from nodeharden import check, fix
from nodeharden.rules.eslint_security import _pattern_base, eslint_config_options

SERVER = "import express from 'express';\n\nexport const app = express();\napp.listen(3000);\n"
PLAIN = '{\n  "extends": ["eslint:recommended"],\n  "env": {"node": true}\n}\n'
WITH_PLUGIN = '{\n  "extends": ["eslint:recommended", "plugin:security/recommended"]\n}\n'


def _project(tmp_path: Path, lint: str, files: dict[str, str],
             eslint: str = "^8.57.0") -> Path:
    pj = {"name": "wiki", "type": "module", "engines": {"node": ">=20.19"},
          "scripts": {"lint": lint, "start": "node src/server/app.js"},
          "dependencies": {"express": "^5.1.0"}, "devDependencies": {"eslint": eslint}}
    return write_tree(tmp_path / "p", {"package.json": json.dumps(pj, indent=2) + "\n",
                                        "src/server/app.js": SERVER, **files})


def _one(root: Path):
    found = check(root, select=["eslint-security"]).findings
    assert len(found) == 1, found
    return found[0]


def test_the_config_in_the_folder_the_lint_script_lints_is_judged_and_fixed(
        tmp_path: Path) -> None:
    root = _project(tmp_path, "eslint --fix --ext .js ./src/server", {
        "src/server/.eslintrc": PLAIN, "src/client/.eslintrc": PLAIN})
    finding = _one(root)
    assert (finding.path, finding.line) == ("src/server/.eslintrc", 1)
    assert finding.message.startswith(
        "the ESLint config does not enable eslint-plugin-security (tooling advice")
    assert finding.fix is not None and finding.fix.applicability == "safe"
    plan = fix(root, dry_run=True, select=["eslint-security"]).plan
    assert plan.changed_paths() == ["package.json", "src/server/.eslintrc"]
    fix(root, select=["eslint-security"])
    config = json.loads((root / "src/server/.eslintrc").read_text())
    assert config["extends"] == ["eslint:recommended", "plugin:security/recommended-legacy"]
    assert config["rules"] == {"security/detect-object-injection": "off"
                               }


@pytest.mark.parametrize(("lint", "files"), [
    # The linted folder's own config enables the plugin.
    ("eslint src/server", {"src/server/.eslintrc.json": WITH_PLUGIN}),
    # A config above it does, and the nearer one does not stop the cascade.
    ("eslint 'src/**/*.js'", {"src/.eslintrc.json": WITH_PLUGIN,
                              "src/server/.eslintrc.yml": "env:\n  node: true\n"}),
    # The file --config names does.
    ("eslint -c tools/lint.json src", {"tools/lint.json": WITH_PLUGIN,
                                       "src/server/.eslintrc.json": PLAIN}),
])
def test_no_finding_when_the_config_the_lint_uses_enables_the_plugin(
        tmp_path: Path, lint: str, files: dict[str, str]) -> None:
    assert check(_project(tmp_path, lint, files), select=["eslint-security"]).findings == []


def test_root_true_stops_the_cascade(tmp_path: Path) -> None:
    root = _project(tmp_path, "eslint src", {
        "src/.eslintrc.json": WITH_PLUGIN,
        "src/server/.eslintrc.json": '{\n  "root": true,\n  "env": {"node": true}\n}\n'})
    finding = _one(root)
    assert finding.path == "src/server/.eslintrc.json"
    assert finding.fix is not None


def test_a_config_named_with_config_is_the_one_reported(tmp_path: Path) -> None:
    flat = "import js from '@eslint/js';\n\nexport default [\n  js.configs.recommended,\n];\n"
    root = _project(tmp_path, "eslint --config=tools/eslint.config.js src", {
        "tools/eslint.config.js": flat}, eslint="^9.39.5")
    finding = _one(root)
    assert finding.path == "tools/eslint.config.js"
    assert finding.fix is not None
    assert [c.path for c in finding.fix.changes] == ["tools/eslint.config.js"]


def test_a_config_in_a_folder_the_lint_never_reaches_does_not_count(tmp_path: Path) -> None:
    root = _project(tmp_path, "eslint src/server", {"tools/importer/.eslintrc": PLAIN})
    finding = _one(root)
    assert (finding.path, finding.message.split(" (")[0]) == (
        "package.json", "the project has no ESLint config, so no security lint runs")


def test_a_config_of_a_nested_package_is_reported_without_a_fix(tmp_path: Path) -> None:
    root = _project(tmp_path, "eslint packages/api/src", {
        "packages/api/package.json": '{\n  "name": "api"\n}\n',
        "packages/api/.eslintrc.json": PLAIN,
        "packages/api/src/index.js": SERVER})
    finding = _one(root)
    assert finding.path == "packages/api/.eslintrc.json"
    assert finding.fix is None
    assert "it belongs to the package in packages/api/ (its own package.json); not fixed" \
        in finding.message


def test_eslint_9_never_loads_the_subfolder_eslintrc(tmp_path: Path) -> None:
    root = _project(tmp_path, "eslint src", {"src/server/.eslintrc.json": PLAIN},
                    eslint="^9.39.5")
    finding = _one(root)
    assert finding.path == "src/server/.eslintrc.json"
    assert finding.fix is None
    assert "ESLint 9 (package.json) never loads it" in finding.message


def test_a_root_config_keeps_today_s_behaviour(tmp_path: Path) -> None:
    root = _project(tmp_path, "eslint src", {".eslintrc.json": PLAIN,
                                             "src/server/.eslintrc.json": WITH_PLUGIN})
    assert _one(root).path == ".eslintrc.json"


def test_config_options_and_pattern_bases() -> None:
    scripts = {"lint": "eslint -c .eslintrc.ci.json src && eslint --config=./a/b.json x",
               "fmt": "prettier -c .", "l2": "eslint --config $CFG ."}
    assert eslint_config_options(scripts) == [".eslintrc.ci.json", "a/b.json"]
    assert [_pattern_base(p) for p in ("./src/backend", "src/**/*.ts", ".", "*.js",
                                       "lib/{a,b}/x.js", "server/")] == \
        ["src/backend", "src", "", "", "lib", "server"]
