"""eslint-security: the plugin's recommended rules are warnings, so a project whose lint fails on
a warning (``--max-warnings 0`` in a script, lint-staged or CI; putout, which reports ESLint
warnings as errors) gets an unsafe fix that says why; and the finding says a flat config lints
no .ts files only when the project has some."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_tree

from nodeharden import check, fix

FLAT = "import js from '@eslint/js';\n\nexport default [\n  js.configs.recommended,\n];\n"


def _project(tmp_path: Path, pj_extra: dict, files: dict[str, str] | None = None) -> Path:
    pj = {"name": "app", "type": "module", "dependencies": {"express": "^5.1.0"},
          "devDependencies": {"eslint": "^10.15.0", "@eslint/js": "^10.0.1"}}
    for key, value in pj_extra.items():
        pj[key] = {**pj.get(key, {}), **value} if isinstance(value, dict) else value
    return write_tree(tmp_path / "p", {"package.json": json.dumps(pj, indent=2) + "\n",
                                        "eslint.config.js": FLAT, **(files or {})})


@pytest.mark.parametrize(("extra", "files", "reason"), [
    ({"scripts": {"lint:ci": "eslint . --max-warnings=0"}}, None,
     "package.json script `lint:ci` lints with `--max-warnings 0`"),
    ({"scripts": {"lint": "next lint --max-warnings 0"}}, None,
     "package.json script `lint` lints with `--max-warnings 0`"),
    ({"lint-staged": {"*.js": "eslint --max-warnings 0"}}, None,
     "package.json lints with `--max-warnings 0`"),
    ({"scripts": {"lint": "eslint ."}},
     {".github/workflows/ci.yml": "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n"
      "    steps:\n      - run: npx eslint . --max-warnings '0'\n"},
     ".github/workflows/ci.yml lints with `--max-warnings 0`"),
    ({"scripts": {"lint": "madrun lint"}, "devDependencies": {"putout": "^42.0.5"}}, None,
     "the project lints through putout (devDependencies), which reports ESLint warnings as "
     "errors"),
])
def test_a_lint_that_fails_on_warnings_gets_an_unsafe_fix_with_the_reason(
        tmp_path: Path, extra: dict, files: dict[str, str] | None, reason: str) -> None:
    root = _project(tmp_path, extra, files)
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert finding.fix.title == ("Add pluginSecurity.configs.recommended to the flat config, "
                                 "without its noisiest rule "
                                 f"(unsafe: {reason}: the plugin's rules are warnings)")
    assert fix(root, dry_run=True, select=["eslint-security"]).plan.changed_paths() == []
    changed = fix(root, dry_run=True, select=["eslint-security"], unsafe=True).plan
    assert changed.changed_paths() == ["eslint.config.js", "package.json"]


@pytest.mark.parametrize("scripts", [
    {"lint": "eslint . --max-warnings 10"},
    {"lint": "eslint .", "check": "tsc --noEmit"},
])
def test_a_lint_that_tolerates_warnings_gets_a_safe_fix(tmp_path: Path, scripts: dict) -> None:
    root = _project(tmp_path, {"scripts": scripts})
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert finding.fix.title == "Add pluginSecurity.configs.recommended to the flat config, without its noisiest rule"


@pytest.mark.parametrize(("files", "says_ts"), [
    ({}, False),  # a tsconfig.json for a type checker over .js/.vue files, no .ts file
    ({"server/app.ts": "import express from 'express';\nexport const app = express();\n"}, True),
])
def test_the_message_speaks_of_ts_files_only_when_there_are_some(
        tmp_path: Path, files: dict[str, str], says_ts: bool) -> None:
    root = _project(tmp_path, {"devDependencies": {"typescript": "^5.9.3"}}, {
        "tsconfig.json": '{"compilerOptions": {"allowJs": true, "checkJs": true}}\n',
        "server/index.js": "import express from 'express';\nexport const app = express();\n",
        **files})
    [finding] = check(root, select=["eslint-security"]).findings
    assert (".ts files" in finding.message) is says_ts, finding.message
    assert finding.message.startswith("the ESLint config does not enable eslint-plugin-security")


@pytest.mark.parametrize(("eslint", "installed", "applied"), [
    ("^10.2.1", None, True),   # eslint 10 itself needs Node 20.19: the lint runs on that
    ("^9.0.0", None, True),    # eslint 9 needs 18.18, as the plugin does
    ("^8.57.0", None, False),  # eslint 8 runs on Node 12.22: the plugin may not
    ("^8.57.0", "^18.18.0 || ^20.9.0 || >=21.1.0", True),  # what node_modules holds decides
])
def test_the_plugin_is_judged_against_the_node_the_projects_eslint_needs(
        tmp_path: Path, eslint: str, installed: str | None, applied: bool) -> None:
    # engines.node >=18.0.0 is the lowest version the app runs on, not where the lint runs.
    files = {}
    if installed is not None:
        files["node_modules/eslint/package.json"] = json.dumps(
            {"name": "eslint", "version": "9.39.1", "engines": {"node": installed}})
    root = _project(tmp_path, {"engines": {"node": ">=18.0.0"},
                               "devDependencies": {"eslint": eslint}}, files)
    plan = fix(root, dry_run=True, select=["eslint-security"]).plan
    if applied:
        assert plan.changed_paths() == ["eslint.config.js", "package.json"]
        assert '"eslint-plugin-security": "^4.1.0"' in plan.final["package.json"].decode()
    else:
        # The plugin cannot run on the Node this lint runs on: nothing is reported at all.
        assert plan.changed_paths() == [] and plan.not_applied == []
        assert check(root, select=["eslint-security"]).findings == []


SERVER = "import express from 'express';\nconst app = express();\napp.listen(3000);\n"


@pytest.mark.parametrize(("scripts", "misses"), [
    ({"lint": 'eslint "src/**/*.{js,vue}"'}, True),  # the browser code only
    ({"lint": "eslint src/ --ext .js,.vue --max-warnings 20"}, True),
    ({"lint": 'eslint "src/**/*.{js,vue}" "server/**/*.js"'}, False),
    ({"lint": "eslint 'src' && eslint --cache server/index.js"}, False),
    ({"lint": "eslint --format stylish"}, False),  # no pattern: ESLint lints the project
    ({"lint": "eslint ./ --max-warnings 20"}, False),
    ({"lint": "vue-cli-service lint"}, False),  # what it lints is not known here
    # Files the shell builds: what ESLint gets is not known from the script.
    ({"lint": "eslint --max-warnings=20 $(git ls-files '*.ts' '*.js' | grep -v 'lib/vscode')"},
     False),
    ({"lint": "eslint `git diff --name-only HEAD`"}, False),
    ({"lint": "eslint $LINT_FILES"}, False),
    ({"lint": "git ls-files '*.js' | xargs eslint"}, False),
    ({"lint": "find src -name '*.js' -exec eslint {} +"}, False),
    # The patterns are the script's own; only the output is piped on.
    ({"lint": "eslint 'src/**/*.{js,vue}' | tee lint.log"}, True),
])
def test_a_lint_script_that_never_reaches_the_server_gets_an_unsafe_fix(
        tmp_path: Path, scripts: dict, misses: bool) -> None:
    root = _project(tmp_path, {"scripts": scripts}, {
        "server/index.js": SERVER,
        "src/main.js": "export const answer = 42;\n"})
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None
    assert (finding.fix.applicability == "unsafe") is misses, finding.fix.title
    if misses:
        assert finding.fix.title.endswith(
            "none of the Express code (server/index.js): the plugin would add warnings on the "
            "other files and check no server code)"), finding.fix.title


LEGACY = "module.exports = {\n  extends: ['eslint:recommended'],\n};\n"


def _legacy_project(tmp_path: Path, eslint: str, scripts: dict[str, str] | None = None,
                    files: dict[str, str] | None = None) -> Path:
    pj = {"name": "app", "dependencies": {"express": "^5.1.0"},
          "devDependencies": {"eslint": eslint}, "scripts": scripts or {"lint": "eslint ."}}
    return write_tree(tmp_path / "p", {"package.json": json.dumps(pj, indent=2) + "\n",
                                        ".eslintrc.js": LEGACY, **(files or {})})


@pytest.mark.parametrize("eslint,scripts,files", [
    ("^9.39.1", None, None),
    ("^10.0.0", {"lint": "ESLINT_USE_FLAT_CONFIG=false eslint ."}, None),
    ("9.2.0", None, {".github/workflows/ci.yml": "on: push\njobs:\n  lint:\n"
                     "    runs-on: ubuntu-latest\n    steps:\n      - run: npx eslint .\n"}),
], ids=["eslint-9", "eslint-10-switch-removed", "eslint-9-ci-without-switch"])
def test_a_legacy_config_eslint_never_loads_is_reported_without_a_fix(
        tmp_path: Path, eslint: str, scripts: dict[str, str] | None,
        files: dict[str, str] | None) -> None:
    root = _legacy_project(tmp_path, eslint, scripts, files)
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is None and finding.path == ".eslintrc.js"
    assert "never loads it: it reads only eslint.config.*" in finding.message
    assert "migrate the config to eslint.config.js first" in finding.message
    assert fix(root, select=["eslint-security"], dry_run=True).applied == []


@pytest.mark.parametrize("eslint,scripts,files", [
    ("^8.57.0", None, None),
    ("^9.39.1", {"lint": "ESLINT_USE_FLAT_CONFIG=false eslint ."}, None),
    ("^9.39.1", None, {".github/workflows/ci.yml": "on: push\njobs:\n  lint:\n"
                       "    runs-on: ubuntu-latest\n    env:\n"
                       "      ESLINT_USE_FLAT_CONFIG: 'false'\n"
                       "    steps:\n      - run: npx eslint .\n"}),
], ids=["eslint-8", "eslint-9-switch-in-a-script", "eslint-9-switch-in-ci"])
def test_a_legacy_config_eslint_loads_still_gets_its_fix(
        tmp_path: Path, eslint: str, scripts: dict[str, str] | None,
        files: dict[str, str] | None) -> None:
    root = _legacy_project(tmp_path, eslint, scripts, files)
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None and "never loads" not in finding.message


def test_an_eslint_config_in_package_json_eslint_9_never_loads_gets_no_fix(
        tmp_path: Path) -> None:
    pj = {"name": "app", "dependencies": {"express": "^5.1.0"},
          "devDependencies": {"eslint": "^9.0.0"},
          "eslintConfig": {"extends": ["eslint:recommended"]}}
    root = write_tree(tmp_path / "p", {"package.json": json.dumps(pj, indent=2) + "\n"})
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is None and finding.path == "package.json"
    assert "ESLint 9 (package.json) never loads it" in finding.message


@pytest.mark.parametrize("eslint,scripts,files", [
    # ranges that may install ESLint 8, which reads legacy configs
    ("<9", None, None),
    ("^8 || ^9", None, None),
    # the switch wherever a lint runs from (found by an adversarial review)
    ("^9.39.1", {"lint": 'ESLINT_USE_FLAT_CONFIG="false" eslint .'}, None),
    ("^9.39.1", {"lint": "make lint"},
     {"Makefile": "lint:\n\tESLINT_USE_FLAT_CONFIG=false npx eslint .\n"}),
    ("^9.39.1", None, {".husky/pre-commit": "export ESLINT_USE_FLAT_CONFIG=false\nnpx eslint .\n"}),
    ("^9.39.1", {"lint": "sh scripts/lint.sh"},
     {"scripts/lint.sh": "ESLINT_USE_FLAT_CONFIG=false eslint .\n"}),
    ("^9.39.1", {"lint": "node tools/lint.js"},
     {"tools/lint.js": "const { loadESLint } = require('eslint');\n"
      "loadESLint({ useFlatConfig: false });\n"}),
    ("^9.39.1", None, {".circleci/config.yml": "jobs:\n  lint:\n    environment:\n"
                       "      ESLINT_USE_FLAT_CONFIG: 'false'\n"}),
], ids=["below-9", "8-or-9", "quoted-switch", "makefile", "husky", "shell-script",
        "node-runner", "circleci"])
def test_eslint_9_with_the_switch_anywhere_or_a_range_reaching_8_keeps_the_fix(
        tmp_path: Path, eslint: str, scripts: dict[str, str] | None,
        files: dict[str, str] | None) -> None:
    root = _legacy_project(tmp_path, eslint, scripts, files)
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None and "never loads" not in finding.message, finding.message
