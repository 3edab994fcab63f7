"""eslint-security keeps ``detect-non-literal-fs-filename`` on where the server code has at most
``FS_WARNINGS_KEPT`` fs calls whose path is not static, counted as the plugin reads them:
members of an fs import (``fs``, ``fs/promises``, ``fs-extra``…, a ``promises`` member
included), destructured fs functions, and not calls whose first argument is a string, a
template without ``${``, ``__dirname`` or ``path.join(__dirname, '…')``, nor calls taking a
file descriptor. Real ESLint runs in test_eslint_security_noisy_rules.py; here the count."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_tree

from nodeharden._api import fix
from nodeharden.rules.eslint_security import FS_WARNINGS_KEPT

PACKAGE = ('{"name": "app", "scripts": {"lint": "eslint ."}, '
           '"dependencies": {"express": "^5.1.0"}, '
           '"devDependencies": {"eslint": "^10.15.0", "@eslint/js": "^10.0.1"}}\n')
CONFIG = "const js = require('@eslint/js');\n\nmodule.exports = [js.configs.recommended];\n"
HEAD = "const express = require('express');\nconst app = express();\nmodule.exports = app;\n"


def _config_after_fix(tmp_path: Path, code: str) -> str:
    root = write_tree(tmp_path, {"package.json": PACKAGE, "eslint.config.js": CONFIG,
                                 "app.js": HEAD + code})
    plan = fix(root, dry_run=True, select=["eslint-security"]).plan
    return plan.final["eslint.config.js"].decode()


def _calls(template: str, n: int = FS_WARNINGS_KEPT + 1) -> str:
    return "".join(template.format(i=i) + "\n" for i in range(n))


@pytest.mark.parametrize("code", [
    "const fs = require('fs');\n" + _calls("exports.a{i} = (f) => fs.readFileSync(f);"),
    "const fsp = require('node:fs/promises');\n" + _calls("exports.a{i} = (f) => fsp.stat(f);"),
    "const { promises: p } = require('fs');\n" + _calls("exports.a{i} = (f) => p.rm(f);"),
    "const { createReadStream: open } = require('fs-extra');\n"
    + _calls("exports.a{i} = (f) => open(f);"),
], ids=["member", "fs-promises", "promises-member", "destructured-renamed"])
def test_many_variable_fs_calls_leave_the_fs_rule_off(tmp_path: Path, code: str) -> None:
    config = _config_after_fix(tmp_path, code)
    assert "'security/detect-non-literal-fs-filename': 'off'" in config
    assert "'security/detect-object-injection': 'off'" in config


@pytest.mark.parametrize("code", [
    # Exactly the number kept.
    "const fs = require('fs');\n" + _calls("exports.a{i} = (f) => fs.readFileSync(f);",
                                           FS_WARNINGS_KEPT),
    # Static paths, as the plugin takes them.
    "const fs = require('fs');\nconst path = require('path');\n"
    + _calls("exports.a{i} = () => fs.readFileSync('data/{i}.json');")
    + _calls("exports.b{i} = () => fs.readFileSync(`data/{i}.json`);")
    + _calls("exports.c{i} = () => fs.readFileSync(path.join(__dirname, 'x', '{i}.json'));")
    + _calls("exports.d{i} = () => fs.statSync(__dirname);"),
    # File descriptors, and calls on something that is not fs.
    "const fs = require('fs');\nconst db = require('./db');\n"
    + _calls("exports.a{i} = (fd) => fs.closeSync(fd);")
    + _calls("exports.b{i} = (f) => db.readFile(f);"),
], ids=["at-the-bound", "static-paths", "not-paths"])
def test_few_variable_fs_calls_keep_the_fs_rule_on(tmp_path: Path, code: str) -> None:
    config = _config_after_fix(tmp_path, code)
    assert "detect-non-literal-fs-filename" not in config
    assert "'security/detect-object-injection': 'off'" in config
