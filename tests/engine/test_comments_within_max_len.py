"""Comments a fix writes keep within the project's ESLint ``max-len``: prettier never wraps
comments, so a line of prose wider than the rule's ``code`` (or its ``comments`` option) broke
the project's lint (cloud.gov Pages, held-out sample 31: the error handler's comment was 92
columns under ``max-len`` 90). Runs of ``//`` comment lines are filled again within the width;
directives (``eslint-disable-next-line``) and code are left as they are, and a rule that
ignores comments or is off changes nothing."""

from __future__ import annotations

import pytest

from nodeharden import fix
from nodeharden._style import _max_len_for_comments

PACKAGE = '{"name": "api", "dependencies": {"express": "^4.21.0"}}'
APP = ("const express = require('express');\n\nconst app = express();\n"
       "app.get('/', (req, res) => res.json({}));\n\nmodule.exports = app;\n")
ESLINT = """export default [
  {
    rules: {
      'max-len': [
        'error',
        {
          %s
        },
      ],
    },
  },
];
"""


@pytest.mark.parametrize(("text", "width"), [
    (ESLINT % "code: 90,\n          ignoreUrls: true,", 90),
    (ESLINT % "code: 120, comments: 80", 80),
    ('{"rules": {"max-len": ["warn", 100]}}', 100),
    ('{"rules": {"max-len": ["error", 100, 2, {"ignoreComments": true}]}}', None),
    ('{"rules": {"max-len": ["off", 80]}}', None),
    ('{"rules": {"semi": ["error", "always"]}}', None),
])
def test_the_comment_width_is_read_from_max_len(text: str, width: int | None) -> None:
    assert _max_len_for_comments(text) == width


@pytest.mark.parametrize(("options", "width"), [("code: 90,", 90), ("code: 72,", 72)])
def test_a_fix_s_comments_keep_within_max_len(project, options: str, width: int) -> None:
    root = project({"package.json": PACKAGE, "app.js": APP,
                    "eslint.config.mjs": ESLINT % options})
    fix(root, select=["error-handler"])
    written = (root / "app.js").read_text().splitlines()
    added = [line for line in written if line.lstrip().startswith("//")]
    assert added and all(len(line) <= width for line in added), added


def test_comments_ignored_by_max_len_are_left_as_written(project) -> None:
    root = project({"package.json": PACKAGE, "app.js": APP,
                    "eslint.config.mjs": ESLINT % "code: 72, ignoreComments: true,"})
    fix(root, select=["error-handler"])
    assert any(len(line) > 72 for line in (root / "app.js").read_text().splitlines()
               if line.lstrip().startswith("//"))


def test_directives_and_code_are_not_wrapped() -> None:
    from nodeharden._snippets import _wrap_comments
    from nodeharden._style import Style

    lines = ["  // A 5xx is logged to stderr; client errors are the client's doing and they log "
             "nothing at all.",
             "  // eslint-disable-next-line no-console -- the project's own logger is not in reach",
             "  console.error('request failed:', err, 'and a long tail of arguments');"]
    wrapped = _wrap_comments(lines, Style(), 60)
    assert wrapped[-2:] == lines[-2:]
    assert all(len(line) <= 60 for line in wrapped[:-2]) and len(wrapped) == 4
