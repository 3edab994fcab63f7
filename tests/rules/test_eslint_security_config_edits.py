"""eslint-security: a YAML legacy config keeps every other byte when the plugin is added to
extends, and a project whose lint script allows no warnings gets an unsafe fix."""

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
