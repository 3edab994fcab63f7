"""eslint-security: in a legacy config the entries that switch the preset's noisiest rule
off go at the end of ``rules``, and where comments head the groups of rules they form a group
of their own under a comment that says why (a blank line before it when the groups are set
apart by blank lines), rather than reading as more of another group's rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_tree

from nodeharden import fix

PJ = json.dumps({"name": "app", "scripts": {"lint": "eslint ."},
                 "dependencies": {"express": "^4.21.2"},
                 "devDependencies": {"eslint": "^8.57.0"}}, indent=2) + "\n"
OFF = '  security/detect-object-injection: "off"\n'
WHY = "  # Noise on most code: this flags nearly every obj[key].\n"

GROUPED = """\
extends: eslint:recommended

rules:

  # Catch mistakes
  no-unused-vars: [error, {argsIgnorePattern: "^_"}]
  eqeqeq: error

  # Keep the style
  semi: [error, never]
  indent:
    - error
    - 2

# Where the code runs
env:
  node: yes
"""


@pytest.mark.parametrize(("before", "after"), [
    # Groups under headings, set apart by blank lines: a group of its own, after the last.
    (GROUPED, GROUPED.replace("    - 2\n", "    - 2\n\n" + WHY + OFF)),
    # Headings without blank lines between the groups, CRLF line endings.
    ("rules:\r\n  # Errors\r\n  eqeqeq: error\r\n  # Style\r\n  semi: off\r\n",
     ("rules:\r\n  # Errors\r\n  eqeqeq: error\r\n  # Style\r\n  semi: off\r\n"
      + (WHY + OFF).replace("\n", "\r\n"))),
    # A commented-out rule at the end stays with the rules above it.
    ("rules:\n  #quotes: [warn, single]\n  no-console: warn\n  # no-debugger: off\nroot: true\n",
     "rules:\n  #quotes: [warn, single]\n  no-console: warn\n  # no-debugger: off\n"
     + WHY + OFF + "root: true\n"),
    # No comments: two lines at the end, nothing else.
    ("rules:\n    no-console: warn\n    semi: error\nenv:\n    node: true\n",
     "rules:\n    no-console: warn\n    semi: error\n"
     + OFF.replace("  ", "    ") + "env:\n    node: true\n"),
])
def test_yaml_rules_off_go_at_the_end_as_their_own_group(
        tmp_path: Path, before: str, after: str) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PJ,
                                       "app.js": "const app = require('express')();\n"})
    (root / ".eslintrc.yml").write_bytes(before.encode())
    fix(root, select=["eslint-security"])
    assert (root / ".eslintrc.yml").read_bytes().decode() == _expected(before, after)


def _expected(before: str, after: str) -> str:
    """Return ``after`` with the preset added to ``extends`` as the fix adds it."""
    if "extends: eslint:recommended" in before:
        return after.replace("extends: eslint:recommended",
                             'extends: [eslint:recommended, "plugin:security/recommended-legacy"]')
    eol = "\r\n" if "\r\n" in before else "\n"
    return after + f'extends: ["plugin:security/recommended-legacy"]{eol}'


def test_js_rules_off_under_a_comment_of_their_own_where_comments_head_groups(
        tmp_path: Path) -> None:
    config = ("module.exports = {\n  extends: ['eslint:recommended'],\n  rules: {\n"
              "    // Catch mistakes\n    eqeqeq: 'error',\n    // Keep the style\n"
              "    semi: ['error', 'always'],\n  },\n};\n")
    root = write_tree(tmp_path / "p", {"package.json": PJ, ".eslintrc.js": config,
                                       "app.js": "const app = require('express')();\n"})
    fix(root, select=["eslint-security"])
    assert (root / ".eslintrc.js").read_text() == config.replace(
        "'eslint:recommended']", "'eslint:recommended', 'plugin:security/recommended-legacy']"
    ).replace("'always'],\n", "'always'],\n"
              "    // Noise on most code: this flags nearly every obj[key].\n"
              "    'security/detect-object-injection': 'off',\n")
