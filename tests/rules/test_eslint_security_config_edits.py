"""eslint-security: a YAML legacy config keeps every other byte when the plugin is added to
extends, and a project whose lint script allows no warnings gets an unsafe fix; entries added
to an empty object or list spanning lines go one per line; a CommonJS config ESLint cannot
load (``module.exports`` in a ``.js`` file of a ``"type": "module"`` package) is said so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_tree

from nodeharden import check
from nodeharden.rules.eslint_security import _yaml_add_extends


EXPRESS_PJ = '{\n  "name": "app",\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n'


@pytest.mark.parametrize(("before", "after"), [
    ("root: true\nextends: eslint:recommended  # base\n",
     'root: true\nextends: [eslint:recommended, "plugin:security/recommended-legacy"]  # base\n'),
    ("extends: ['eslint:recommended']\nrules: {}\n",
     "extends: ['eslint:recommended', \"plugin:security/recommended-legacy\"]\nrules: {}\n"),
    ("root: true\r\nenv:\r\n  node: true\r\n",
     'root: true\r\nenv:\r\n  node: true\r\nextends: ["plugin:security/recommended-legacy"]\r\n'),
    ("extends:\n    -   eslint:recommended\n# end\n",
     "extends:\n    -   eslint:recommended\n    -   plugin:security/recommended-legacy\n# end\n"),
    # A prettier entry stays last, in flow lists and as a single value too.
    ("extends: [eslint:recommended, 'plugin:prettier/recommended']\n",
     ('extends: [eslint:recommended, "plugin:security/recommended-legacy", '
      "'plugin:prettier/recommended']\n")),
    ("extends: prettier\n", 'extends: ["plugin:security/recommended-legacy", prettier]\n'),
])
def test_yaml_legacy_config_edit(before: str, after: str) -> None:
    assert _yaml_add_extends(before) == after


def test_eslint_config_with_max_warnings_zero_gets_an_unsafe_fix(tmp_path: Path) -> None:
    pj = json.loads(EXPRESS_PJ)
    pj["scripts"] = {"lint": "eslint . --max-warnings 0"}
    root = write_tree(tmp_path / "p", {"package.json": json.dumps(pj, indent=2) + "\n",
                                        ".eslintrc.json": '{ "extends": [] }\n'})
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None and finding.fix.applicability == "unsafe"


def test_json_configs_keep_prettier_last(tmp_path: Path) -> None:
    pj = json.loads(EXPRESS_PJ)
    pj["eslintConfig"] = {"extends": ["eslint:recommended", "prettier"]}
    root = write_tree(tmp_path / "p", {"package.json": json.dumps(pj, indent=2) + "\n"})
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None
    [edit] = finding.fix.changes[0].edits
    text = (root / "package.json").read_bytes()
    fixed = json.loads(text[:edit.start] + edit.content.encode() + text[edit.end:])
    assert fixed["eslintConfig"]["extends"] == [
        "eslint:recommended", "plugin:security/recommended-legacy", "prettier"]


def _fixed(root: Path, rel: str) -> str:
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None
    data = (root / rel).read_bytes()
    for edit in sorted(finding.fix.changes[0].edits, key=lambda e: e.start, reverse=True):
        data = data[:edit.start] + edit.content.encode() + data[edit.end:]
    return data.decode()


RULES_OFF = "'security/detect-object-injection': 'off'"


@pytest.mark.parametrize(("before", "after"), [
    # One line stays one line.
    ("module.exports = {};\n",
     ("module.exports = {extends: ['plugin:security/recommended-legacy'], "
      f"rules: {{ {RULES_OFF} }}}};\n")),
    ("module.exports = { extends: ['a'], rules: {} };\n",
     (f"module.exports = {{ extends: ['a', 'plugin:security/recommended-legacy'], "
      f"rules: {{{RULES_OFF}}} }};\n")),
    # Spanning lines: one entry a line, one level deeper than the opening line, after a
    # comment the object holds, trailing commas as the file's other lists have them.
    ("module.exports = {\n  extends: ['a'],\n  rules: {\n    // later\n  },\n};\n",
     ("module.exports = {\n  extends: ['a', 'plugin:security/recommended-legacy'],\n"
      "  rules: {\n    // later\n    'security/detect-object-injection': 'off',\n"
      "  },\n};\n")),
    ("module.exports = {\n  extends: [\n  ],\n  env: {\n    node: true\n  }\n}\n",
     ("module.exports = {\n  extends: [\n    'plugin:security/recommended-legacy'\n  ],\n"
      "  env: {\n    node: true\n  },\n  rules: {\n"
      "    'security/detect-object-injection': 'off',\n"
      "  }\n}\n")),
    ("module.exports = {\n};\n",
     ("module.exports = {\n  extends: ['plugin:security/recommended-legacy'],\n  rules: {\n"
      "    'security/detect-object-injection': 'off',\n"
      "  },\n};\n")),
])
def test_entries_in_an_empty_object_follow_its_layout(tmp_path: Path, before: str,
                                                      after: str) -> None:
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS_PJ, ".eslintrc.js": before})
    assert _fixed(root, ".eslintrc.js") == after


def test_an_empty_flat_config_list_spanning_lines_gets_one_entry_a_line(tmp_path: Path) -> None:
    pj = json.loads(EXPRESS_PJ)
    pj["type"] = "module"
    root = write_tree(tmp_path / "p", {"package.json": json.dumps(pj) + "\n",
                                        "eslint.config.js": "export default [\n];\n"})
    assert _fixed(root, "eslint.config.js").endswith(
        "export default [\n  pluginSecurity.configs.recommended,\n"
        "  // Noise on most code: this flags nearly every obj[key].\n  {\n"
        "    rules: {\n      'security/detect-object-injection': 'off',\n"
        "    },\n  },\n];\n")


CJS = "module.exports = {\n  extends: ['eslint:recommended'],\n};\n"
ESM = "export default {\n  extends: ['eslint:recommended'],\n};\n"


@pytest.mark.parametrize(("rel", "body", "package_type", "broken"), [
    (".eslintrc.js", CJS, "module", True),
    (".eslintrc.js", "exports.extends = ['eslint:recommended'];\n", "module", True),
    ("eslint.config.js", "module.exports = [];\n", "module", True),
    (".eslintrc.cjs", CJS, "module", False),  # CommonJS whatever the package says
    (".eslintrc.js", ESM, "module", False),  # handled as before
    (".eslintrc.js", CJS, "commonjs", False),
    (".eslintrc.js", CJS, None, False),
])
def test_a_commonjs_config_eslint_cannot_load_is_said_so(
        tmp_path: Path, rel: str, body: str, package_type: str | None, broken: bool) -> None:
    pj = json.loads(EXPRESS_PJ)
    if package_type is not None:
        pj["type"] = package_type
    root = write_tree(tmp_path / "p", {"package.json": json.dumps(pj, indent=2) + "\n",
                                        rel: body})
    [finding] = check(root, select=["eslint-security"]).findings
    cjs = rel.removesuffix(".js") + ".cjs"
    reason = f"ESLint cannot load {rel} until it is renamed to {cjs}"
    assert (reason in finding.message) is broken, finding.message
    if body.startswith("exports."):
        assert finding.fix is None  # a config built member by member is not edited
        return
    assert finding.fix is not None
    assert (reason in finding.fix.title) is broken, finding.fix.title
    assert (finding.fix.applicability == "unsafe") is broken
