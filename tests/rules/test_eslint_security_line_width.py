"""eslint-security's fix keeps a one-line list or object of a JS config within the project's
width (prettier's printWidth, 80 when a prettier config leaves it out; ESLint's max-len): when
the new entry would make its line too long, the list is written one entry per line, as prettier
breaks it, with the trailing comma prettier adds. Before, a legacy config's `extends` line grew
to 95 columns in a project formatted at 80, and its `prettier --check` failed. Without a known
width, or when the line still fits, the entry is added inline as before. The slow test runs the
real prettier over the fixed files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import have_node, npm_env, write_tree
from nodeharden import fix

PACKAGE = json.dumps({"name": "docs-site", "engines": {"node": ">=20"},
                      "scripts": {"lint": "eslint ."},
                      "dependencies": {"express": "^4.21.0"},
                      "devDependencies": {"eslint": "^8.57.0"}}, indent=2) + "\n"

LEGACY = """\
module.exports = {
  root: true,
  extends: ["eslint:recommended", "plugin:node/recommended"],
  rules: {
    "one-var": ["error", "never"],
  },
};
"""

#: The same config as prettier writes it with ``trailingComma: "none"``.
LEGACY_NO_COMMAS = LEGACY.replace('"never"],\n  },\n};', '"never"]\n  }\n};')

FLAT = """\
const js = require("@eslint/js");

module.exports = [js.configs.recommended];
"""


def fixed(tmp_path: Path, name: str, config: str, files: dict[str, str]) -> str:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, name: config,
                                         "server.js": "require('express')().listen(3000);\n",
                                         **files})
    fix(root, select=["eslint-security"])
    return (root / name).read_text()


def test_an_extends_list_past_the_width_goes_one_entry_a_line(tmp_path: Path) -> None:
    code = fixed(tmp_path, ".eslintrc.cjs", LEGACY,
                 {".prettierrc": '{ "trailingComma": "es5" }\n'})
    assert code == """\
module.exports = {
  root: true,
  extends: [
    "eslint:recommended",
    "plugin:node/recommended",
    "plugin:security/recommended-legacy",
  ],
  rules: {
    "one-var": ["error", "never"],
    "security/detect-object-injection": "off",
  },
};
"""


def test_no_trailing_comma_where_prettier_writes_none(tmp_path: Path) -> None:
    code = fixed(tmp_path, ".eslintrc.cjs", LEGACY_NO_COMMAS,
                 {".prettierrc": '{ "trailingComma": "none" }\n'})
    assert '    "plugin:security/recommended-legacy"\n  ],\n' in code, code


def test_a_list_that_still_fits_stays_on_its_line(tmp_path: Path) -> None:
    code = fixed(tmp_path, ".eslintrc.cjs", LEGACY, {".prettierrc": '{ "printWidth": 100 }\n'})
    assert '  extends: ["eslint:recommended", "plugin:node/recommended", ' \
           '"plugin:security/recommended-legacy"],\n' in code, code


def test_without_a_known_width_the_entry_is_added_inline(tmp_path: Path) -> None:
    code = fixed(tmp_path, ".eslintrc.cjs", LEGACY, {})
    assert '  extends: ["eslint:recommended", "plugin:node/recommended", ' \
           '"plugin:security/recommended-legacy"],\n' in code, code


def test_eslint_max_len_is_a_width_too(tmp_path: Path) -> None:
    config = LEGACY.replace('"one-var": ["error", "never"],',
                            '"one-var": ["error", "never"],\n    "max-len": ["error", 90],')
    code = fixed(tmp_path, ".eslintrc.cjs", config, {})
    assert '  extends: [\n    "eslint:recommended",\n' in code, code


def test_a_one_line_flat_config_list_is_broken_with_the_entries_as_lines(tmp_path: Path) -> None:
    code = fixed(tmp_path, "eslint.config.js", FLAT, {".prettierrc": "{}\n"})
    assert code.endswith("""\
module.exports = [
  js.configs.recommended,
  pluginSecurity.configs.recommended,
  // Noise on most code: this flags nearly every obj[key].
  {
    rules: {
      "security/detect-object-injection": "off",
    },
  },
];
"""), code


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="node and npm are required")
@pytest.mark.parametrize("name, config, prettierrc", [
    (".eslintrc.cjs", LEGACY, '{ "trailingComma": "es5" }'),
    (".eslintrc.cjs", LEGACY_NO_COMMAS, '{ "trailingComma": "none" }'),
    ("eslint.config.js", FLAT, "{}"),
], ids=["legacy-es5", "legacy-none", "flat-default"])
def test_real_prettier_accepts_the_fixed_config(prettier3: Path, tmp_path: Path, name: str,
                                                config: str, prettierrc: str) -> None:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, name: config,
                                         "server.js": "require('express')().listen(3000);\n",
                                         ".prettierrc": prettierrc + "\n"})
    check = [str(prettier3), "--check", name]
    before = subprocess.run(check, cwd=root, env=npm_env(), capture_output=True, text=True)
    assert before.returncode == 0, before.stdout + before.stderr
    fix(root, select=["eslint-security"])
    assert "security" in (root / name).read_text()
    after = subprocess.run(check, cwd=root, env=npm_env(), capture_output=True, text=True)
    assert after.returncode == 0, after.stdout + after.stderr + (root / name).read_text()
