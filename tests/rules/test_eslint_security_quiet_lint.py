"""eslint-security: ``eslint --quiet`` reports errors only and the plugin's recommended rules
are all warnings, so a project whose every ESLint run is quiet gets the finding without a fix
(the fix would change nothing its lint shows), and the message says what to do instead; one
run that shows warnings (another script, a CI step, a hook) keeps the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_tree

from nodeharden import check

LEGACY_YAML = "root: true\nenv:\n  node: true\nextends: eslint:recommended\n"
FLAT = "import js from '@eslint/js';\n\nexport default [\n  js.configs.recommended,\n];\n"
ADVICE = " (tooling advice, not a flaw in the app: the plugin points reviewers at risky code)"
TO_DO = (", which reports errors only, and the plugin's rules are all warnings (raise them to "
         "\"error\" in the config, or lint without `--quiet`)")


def _project(tmp_path: Path, scripts: dict[str, str], files: dict[str, str] | None = None,
             **extra: object) -> Path:
    pj = {"name": "app", "type": "module", "scripts": scripts,
          "dependencies": {"express": "^4.21.2"}, "devDependencies": {"eslint": "^8.57.0"},
          **extra}
    return write_tree(tmp_path / "p", {"package.json": json.dumps(pj, indent=2) + "\n",
                                        "src/app.mjs": "import express from 'express';\n"
                                        "export const app = express();\n",
                                        **(files if files is not None
                                           else {".eslintrc.yml": LEGACY_YAML})})


@pytest.mark.parametrize(("scripts", "files", "where"), [
    # The config the linted files use, below the root.
    ({"linter": "eslint src/**/*.mjs --quiet"}, {"src/.eslintrc.yml": LEGACY_YAML},
     "package.json script `linter` runs"),
    # A script that runs the quiet script by its name is no run of ESLint of its own.
    ({"eslint": "eslint --quiet src", "lint": "npm run eslint && tsc"}, None,
     "package.json script `eslint` runs"),
    ({"lint": "concurrently \"eslint --quiet src\" \"stylelint src\"",
      "lint:fix": "eslint --quiet --fix src", "print": "eslint --print-config src/app.mjs"},
     None, "every lint run (package.json script `lint`, package.json script `lint:fix`) runs"),
    ({"lint": "eslint --quiet ."},
     {".eslintrc.yml": LEGACY_YAML,
      ".github/workflows/ci.yml": "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n"
      "    steps:\n      - name: Run eslint\n        run: npm run lint\n"},
     "package.json script `lint` runs"),
])
def test_a_lint_that_runs_only_quiet_gets_no_fix(
        tmp_path: Path, scripts: dict[str, str], files: dict[str, str] | None,
        where: str) -> None:
    root = _project(tmp_path, scripts, files)
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is None
    assert finding.message == ("the ESLint config does not enable eslint-plugin-security, and "
                               f"not fixed: {where} ESLint with `--quiet`{TO_DO}{ADVICE}")


def test_a_quiet_lint_leaves_flat_and_package_json_configs_unfixed(tmp_path: Path) -> None:
    flat = _project(tmp_path / "flat", {"lint": "eslint --quiet ."},
                    {"eslint.config.js": FLAT})
    [finding] = check(flat, select=["eslint-security"]).findings
    assert finding.fix is None and "not fixed: package.json script `lint` runs ESLint with " \
        "`--quiet`" in finding.message
    inline = _project(tmp_path / "pj", {"lint": "eslint --quiet ."}, {},
                      eslintConfig={"extends": "eslint:recommended"})
    [finding] = check(inline, select=["eslint-security"]).findings
    assert finding.fix is None
    assert finding.message == ("the ESLint config in package.json does not enable "
                               "eslint-plugin-security, and not fixed: package.json script "
                               f"`lint` runs ESLint with `--quiet`{TO_DO}{ADVICE}")


@pytest.mark.parametrize(("scripts", "files", "extra"), [
    # One script shows warnings: the plugin's warnings appear when it runs.
    ({"lint": "eslint --quiet src", "lint:all": "eslint src"}, None, {}),
    ({"lint": "concurrently \"eslint src\" \"stylelint --quiet src\""}, None, {}),
    ({"lint": "eslint --quiet src"}, None, {"lint-staged": {"*.mjs": ["eslint --fix"]}}),
    ({"lint": "eslint --quiet src"},
     {".eslintrc.yml": LEGACY_YAML,
      ".github/workflows/ci.yml": "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n"
      "    steps:\n      - run: npx eslint src\n"}, {}),
    ({"lint": "eslint --quiet src"},
     {".eslintrc.yml": LEGACY_YAML, ".husky/pre-commit": "npx eslint --fix src\n"}, {}),
    # No run of ESLint written down: nothing says warnings are hidden.
    ({"test": "node --test"}, None, {}),
])
def test_a_lint_run_that_shows_warnings_keeps_the_fix(
        tmp_path: Path, scripts: dict[str, str], files: dict[str, str] | None,
        extra: dict[str, object]) -> None:
    root = _project(tmp_path, scripts, files, **extra)
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None and finding.fix.applicability == "safe", finding.message
    assert "--quiet" not in finding.message
