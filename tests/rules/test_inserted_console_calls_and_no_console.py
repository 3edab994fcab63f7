"""A console call a rule writes outside the shared snippets (error-handler's log of the error
it stops sending, hardcoded-secret's warning when it falls back to a random secret) carries
``// eslint-disable-next-line no-console`` only where the project's ESLint enables
no-console, as the snippets' own console calls do."""

from __future__ import annotations

import pytest

from nodeharden import fix

PACKAGE = ('{"name": "a", "dependencies": {"express": "^4.21.0", "express-session": '
           '"^1.18.0"}}')
LEAK = """\
const express = require('express');
const db = require('./db');

const app = express();

app.get('/items', async (req, res) => {
  try {
    res.json(await db.items());
  } catch (err) {
    res.status(500).send('Database error: ' + err.message);
  }
});

module.exports = app;
"""
SECRET = """\
const express = require('express');
const session = require('express-session');

const app = express();
app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));

module.exports = app;
"""
NO_CONSOLE = '{"root": true, "rules": {"no-console": "error"}}\n'


def _fixed(project, rule: str, source: str, eslint: str | None) -> str:
    files = {"package.json": PACKAGE, "app.js": source, "db.js": "module.exports = {};\n"}
    if eslint is not None:
        files[".eslintrc.json"] = eslint
    root = project(files, name="linted" if eslint else "plain")
    fix(root, select=[rule], unsafe=True)
    return (root / "app.js").read_text()


@pytest.mark.parametrize(("rule", "source", "call"), [
    ("error-handler", LEAK, "console.error(err);"),
    ("hardcoded-secret", SECRET, "console.warn("),
])
def test_the_disable_comment_is_written_only_where_no_console_is_on(project, rule: str,
                                                                     source: str,
                                                                     call: str) -> None:
    plain = _fixed(project, rule, source, None)
    assert call in plain and "no-console" not in plain
    guarded = _fixed(project, rule, source, NO_CONSOLE)
    lines = guarded.splitlines()
    at = next(i for i, line in enumerate(lines) if call in line)
    assert lines[at - 1].strip() == "// eslint-disable-next-line no-console"
    assert lines[at - 1][:len(lines[at - 1]) - len(lines[at - 1].lstrip())] == \
        lines[at][:len(lines[at]) - len(lines[at].lstrip())]  # same indentation
