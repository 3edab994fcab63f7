"""eslint-security with configs taken from packages nodeharden does not read.

A legacy config that extends a shareable config (``"extends": "acme/server"``), or a flat config
that imports one, may get eslint-plugin-security from it. The plugin is credited (no finding)
when the project shows it: that package depends on the plugin (its lockfile entry or its
installed package.json), or the project's code switches the plugin's rules off in
``eslint-disable`` comments. The plugin installed for something else, or a config that extends
no shareable config, is still reported.

A flat config exported as the call of an imported factory (``export default acmeConfig()``)
is reported without the claim that it lints no .ts files (the package may well lint them) and
without a fix: how that function takes more entries is not known."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_tree

from nodeharden import check, fix
from nodeharden.rules.eslint_security import ADVICE, shareable_config_package

SERVER = "const express = require('express');\nexpress().listen(3000);\n"
DISABLED = ("const { execSync } = require('child_process');\n"
            "// eslint-disable-next-line security/detect-child-process\n"
            "module.exports = (cmd) => execSync(cmd);\n")
LEGACY = '{\n  "root": true,\n  "extends": "acme/server"\n}\n'


def _package_json(dev: dict[str, str] | None = None) -> str:
    return json.dumps({"name": "api", "scripts": {"lint": "eslint ."},
                       "dependencies": {"express": "^4.21.2"},
                       "devDependencies": {"eslint": "^8.57.1", **(dev or {})}}, indent=2) + "\n"


def _npm_lock(packages: dict[str, dict[str, dict[str, str]]]) -> str:
    """Return a package-lock.json (v3) whose ``node_modules/<name>`` entries have ``blocks``
    (``dependencies``, ``peerDependencies``)."""
    entries = {"": {"name": "api"}}
    for name, blocks in packages.items():
        entries[f"node_modules/{name}"] = {"version": "1.0.0", "dev": True, **blocks}
    return json.dumps({"name": "api", "lockfileVersion": 3, "packages": entries}, indent=2)


PLUGIN_DEP = {"dependencies": {"eslint-plugin-security": "^3.0.1"}}
SECURITY = {"eslint-plugin-security": {"dependencies": {"safe-regex": "^2.1.1"}}}


def _legacy(tmp_path: Path, files: dict[str, str], config: str = LEGACY,
            name: str = ".eslintrc.json") -> Path:
    return write_tree(tmp_path / "api", {
        "package.json": _package_json({"eslint-config-acme": "1.0.0"}),
        name: config, "server.js": SERVER, **files})


@pytest.mark.parametrize("lock", [
    {"package-lock.json": _npm_lock({"eslint-config-acme": PLUGIN_DEP, **SECURITY})},
    {"package-lock.json": json.dumps({"lockfileVersion": 1, "dependencies": {
        "eslint-config-acme": {"version": "1.0.0",
                               "requires": {"eslint-plugin-security": "^1.4.0"}}}})},
    {"yarn.lock": "# yarn lockfile v1\n\n\neslint-config-acme@1.0.0:\n  version \"1.0.0\"\n"
                  "  dependencies:\n    eslint-plugin-security \"^3.0.1\"\n\n"
                  "eslint-plugin-security@^3.0.1:\n  version \"3.0.1\"\n"},
    {"pnpm-lock.yaml": "lockfileVersion: '9.0'\n\npackages:\n\n  eslint-config-acme@1.0.0:\n"
                       "    resolution: {integrity: sha512-x}\n\nsnapshots:\n\n"
                       "  eslint-config-acme@1.0.0:\n    dependencies:\n"
                       "      eslint-plugin-security: 3.0.1\n"},
    {"node_modules/eslint-config-acme/package.json": json.dumps(
        {"name": "eslint-config-acme", "peerDependencies": {"eslint-plugin-security": "*"}})},
], ids=["package-lock-v3", "package-lock-v1", "yarn-v1", "pnpm-v9", "installed-peer"])
def test_a_shareable_config_that_depends_on_the_plugin_enables_it(
        tmp_path: Path, lock: dict[str, str]) -> None:
    assert check(_legacy(tmp_path, lock), select=["eslint-security"]).findings == []


def test_eslint_disable_comments_for_its_rules_show_the_extended_config_enables_it(
        tmp_path: Path) -> None:
    root = _legacy(tmp_path, {"lib/run.js": DISABLED})
    assert check(root, select=["eslint-security"]).findings == []


def test_a_legacy_js_config_extending_a_scoped_shareable_config(tmp_path: Path) -> None:
    root = _legacy(tmp_path, {"package-lock.json": _npm_lock(
        {"@acme/eslint-config": {"peerDependencies": {"eslint-plugin-security": "^3"}},
         **SECURITY})},
        config="module.exports = {\n  extends: ['eslint:recommended', '@acme'],\n};\n",
        name=".eslintrc.js")
    assert check(root, select=["eslint-security"]).findings == []


def test_the_plugin_installed_for_something_else_is_no_evidence(tmp_path: Path) -> None:
    # The shareable config does not depend on the plugin: another package does.
    lock = _npm_lock({"eslint-config-acme": {"dependencies": {"eslint-plugin-n": "^17"}},
                      "lint-audit": PLUGIN_DEP, **SECURITY})
    [finding] = check(_legacy(tmp_path, {"package-lock.json": lock}),
                      select=["eslint-security"]).findings
    assert finding.path == ".eslintrc.json" and finding.fix is not None


@pytest.mark.parametrize("config", [
    '{\n  "extends": ["eslint:recommended", "plugin:n/recommended"]\n}\n',
    '{\n  "extends": "./base.json"\n}\n',
])
def test_a_config_that_extends_no_shareable_config_is_still_reported(
        tmp_path: Path, config: str) -> None:
    lock = _npm_lock({"eslint-plugin-n": PLUGIN_DEP, "lint-audit": PLUGIN_DEP, **SECURITY})
    root = _legacy(tmp_path, {"package-lock.json": lock, "lib/run.js": DISABLED,
                              "base.json": "{}\n"}, config=config)
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.message == ("the ESLint config does not enable eslint-plugin-security"
                               + ADVICE)
    assert finding.fix is not None


@pytest.mark.parametrize(("entry", "package"), [
    ("wikimedia/server", "eslint-config-wikimedia"),
    ("acme", "eslint-config-acme"),
    ("eslint-config-acme/node", "eslint-config-acme"),
    ("@acme", "@acme/eslint-config"),
    ("@acme/eslint-config", "@acme/eslint-config"),
    ("@acme/node", "@acme/eslint-config-node"),
    ("@acme/eslint-config-base/strict", "@acme/eslint-config-base"),
    ("eslint:recommended", None),
    ("plugin:security/recommended-legacy", None),
    ("./base.json", None),
    ("/etc/eslint.json", None),
])
def test_extends_entries_name_packages_as_eslint_resolves_them(
        entry: str, package: str | None) -> None:
    assert shareable_config_package(entry) == package


FACTORY = "import acmeConfig from '@acme/eslint-config'\n\nexport default acmeConfig()\n"


def _flat(tmp_path: Path, config: str, files: dict[str, str] | None = None) -> Path:
    pj = {"name": "api", "type": "module", "scripts": {"lint": "eslint ."},
          "dependencies": {"express": "^5.1.0"},
          "devDependencies": {"eslint": "^9.39.1", "@acme/eslint-config": "^1.0.0",
                              "typescript": "^5.9.3"}}
    return write_tree(tmp_path / "api", {
        "package.json": json.dumps(pj, indent=2) + "\n", "eslint.config.mjs": config,
        "tsconfig.json": '{"compilerOptions": {"strict": true}}\n',
        "src/app.ts": "import express from 'express'\nexport const app = express()\n",
        **(files or {})})


def test_a_config_built_by_an_imported_factory_is_reported_without_a_guess(
        tmp_path: Path) -> None:
    root = _flat(tmp_path, FACTORY)
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.message == (
        "the ESLint config does not enable eslint-plugin-security, and not fixed: the config "
        "is what `acmeConfig()` from @acme/eslint-config returns, and how that function takes "
        "more entries is not known" + ADVICE)
    assert finding.fix is None
    assert fix(root, dry_run=True, unsafe=True, select=["eslint-security"]).plan \
        .changed_paths() == []


@pytest.mark.parametrize("config", [
    "module.exports = require('@acme/eslint-config')\n",
    "import shared from '@acme/eslint-config'\n\nexport default shared\n",
])
def test_a_config_exported_whole_from_a_package_is_reported_without_a_guess(
        tmp_path: Path, config: str) -> None:
    [finding] = check(_flat(tmp_path, config), select=["eslint-security"]).findings
    assert finding.message == (
        "the ESLint config does not enable eslint-plugin-security, and not fixed: the config "
        "is the one @acme/eslint-config exports, which nodeharden does not read" + ADVICE)
    assert finding.fix is None


def test_a_factory_among_the_entries_leaves_the_ts_claim_out_but_keeps_the_fix(
        tmp_path: Path) -> None:
    config = ("import acmeConfig from '@acme/eslint-config'\n\n"
              "export default [\n  ...acmeConfig(),\n  { rules: { semi: 'error' } },\n]\n")
    [finding] = check(_flat(tmp_path, config), select=["eslint-security"]).findings
    assert finding.message == ("the ESLint config does not enable eslint-plugin-security"
                               + ADVICE)
    assert finding.fix is not None


def test_a_factory_whose_package_depends_on_the_plugin_enables_it(tmp_path: Path) -> None:
    lock = _npm_lock({"@acme/eslint-config": PLUGIN_DEP, **SECURITY})
    root = _flat(tmp_path, FACTORY, {"package-lock.json": lock})
    assert check(root, select=["eslint-security"]).findings == []


def test_define_config_and_tseslint_config_still_get_the_fix(tmp_path: Path) -> None:
    config = ("import { defineConfig } from 'eslint/config'\nimport js from '@eslint/js'\n"
              "import tseslint from 'typescript-eslint'\n\n"
              "export default defineConfig([\n  js.configs.recommended,\n"
              "  tseslint.config(...tseslint.configs.recommended),\n])\n")
    [finding] = check(_flat(tmp_path, config), select=["eslint-security"]).findings
    assert finding.fix is not None


def test_a_plain_flat_config_of_a_typescript_project_still_says_it_lints_no_ts(
        tmp_path: Path) -> None:
    config = "import js from '@eslint/js'\n\nexport default [js.configs.recommended]\n"
    [finding] = check(_flat(tmp_path, config), select=["eslint-security"]).findings
    assert "lints none of the project's .ts files" in finding.message
    assert finding.fix is not None
