"""cookie-flags keeps a cookie call within the project's line width (prettier's printWidth,
ESLint's max-len): when the added flags would make the call's line too long, the options
object is written one property a line, as prettier prints a call whose last argument is an
object literal; a line that still fits, or a project that sets no width, keeps the one-line
form. The slow test runs the real prettier over the fixed file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import have_node, npm_env, write_tree

from nodeharden._api import fix

PACKAGE = json.dumps({"name": "shop", "dependencies": {"express": "^4.21.0"}})

APP = """const express = require('express');

const app = express();

app.post('/login', (req, res) => {
  const ticket = req.body.ticket;
  res.cookie('shopper_ticket_value', ticket.trim().toLowerCase(), { httpOnly: true, secure: true });
  res.cookie('short', ticket, { httpOnly: true });
  res.cookie('shopper_ticket_without_options_given', ticket.trim().toLowerCase());
  res.send('ok');
});

module.exports = app;
"""


def fixed(tmp_path: Path, files: dict[str, str], app: str = APP) -> str:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, "app.js": app, **files})
    fix(root, select=["cookie-flags"], unsafe=True)
    return (root / "app.js").read_text()


def test_a_call_over_the_width_gets_its_options_one_a_line(tmp_path: Path) -> None:
    code = fixed(tmp_path, {".prettierrc": '{ "singleQuote": true, "printWidth": 100 }\n'})
    assert ("  res.cookie('shopper_ticket_value', ticket.trim().toLowerCase(), {\n"
            "    httpOnly: true,\n    secure: true,\n    sameSite: 'lax',\n  });\n") in code, code
    # Fits in 100 columns: one line, as before.
    # (secure, unsafe, comes in a later pass than sameSite)
    assert "  res.cookie('short', ticket, { httpOnly: true, sameSite: 'lax', " \
        "secure: req.secure });\n" in code, code
    # No options object yet: the new one is written the same way.
    assert ("  res.cookie('shopper_ticket_without_options_given', ticket.trim().toLowerCase(), {\n"
            "    httpOnly: true,\n    sameSite: 'lax',\n    secure: req.secure,\n  });\n") \
        in code, code


def test_trailing_comma_none_and_eslint_max_len(tmp_path: Path) -> None:
    code = fixed(tmp_path, {".eslintrc.json": json.dumps({
        "rules": {"max-len": ["error", 100], "comma-dangle": ["error", "never"]}})})
    assert ("    secure: true,\n    sameSite: 'lax'\n  });\n") in code, code


def test_without_a_known_width_the_line_stays_whole(tmp_path: Path) -> None:
    code = fixed(tmp_path, {})
    assert "{ httpOnly: true, secure: true, sameSite: 'lax' });\n" in code, code


def test_a_head_that_does_not_fit_keeps_the_one_line_form(tmp_path: Path) -> None:
    app = APP.replace("'shopper_ticket_value', ticket.trim().toLowerCase()",
                      "'shopper_ticket_value_with_a_name_far_too_long_for_the_line', "
                      "ticket.trim().toLowerCase().normalize()")
    code = fixed(tmp_path, {".prettierrc": '{ "singleQuote": true, "printWidth": 100 }\n'}, app)
    assert "normalize(), { httpOnly: true, secure: true, sameSite: 'lax' });\n" in code, code


def _prettier_passes_before_and_after(prettier3: Path, root: Path) -> None:
    check = [str(prettier3), "--check", "app.js"]
    before = subprocess.run(check, cwd=root, env=npm_env(), capture_output=True, text=True)
    assert before.returncode == 0, before.stdout + before.stderr
    fix(root, select=["cookie-flags"], unsafe=True)
    after = subprocess.run(check, cwd=root, env=npm_env(), capture_output=True, text=True)
    assert after.returncode == 0, after.stdout + after.stderr + (root / "app.js").read_text()


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="node and npm are required")
def test_real_prettier_accepts_the_fixed_file(prettier3: Path, tmp_path: Path) -> None:
    config = '{ "singleQuote": true, "printWidth": 100 }\n'
    _prettier_passes_before_and_after(prettier3, write_tree(tmp_path / "app", {
        "package.json": PACKAGE, "app.js": APP, ".prettierrc": config}))


#: Cookies set as the whole statement of an `if` without braces (sample 26: saltcorn): past
#: the width, prettier moves the statement to a line of its own, one level in, and lays the
#: call out there.
CLAUSES = """const express = require('express');

const app = express();

app.get('/login-with/:method', (req, res) => {
  if (req.query.dest) res.cookie('login_destination', String(req.query.dest));
  if (req.query.dest) res.cookie('d', String(req.query.dest));
  res.send('ok');
});

module.exports = app;
"""


def test_a_cookie_an_if_sets_without_braces_moves_to_its_own_line(tmp_path: Path) -> None:
    code = fixed(tmp_path, {".prettierrc": '{ "singleQuote": true, "printWidth": 80 }\n'},
                 CLAUSES)
    assert ("  if (req.query.dest)\n    res.cookie('login_destination', String(req.query.dest), {\n"
            "      httpOnly: true,\n") in code, code
    # The short one too: its flags take it past 80 columns on the new line as well.
    assert ("  if (req.query.dest)\n    res.cookie('d', String(req.query.dest), {\n"
            "      httpOnly: true,\n      sameSite: 'lax',\n      secure: req.secure,\n    });\n"
            ) in code, code


def test_a_clause_that_fits_on_its_own_line_moves_whole(tmp_path: Path) -> None:
    app = CLAUSES.replace("String(req.query.dest)", "req.query.dest")
    code = fixed(tmp_path, {".prettierrc": '{ "singleQuote": true, "printWidth": 100 }\n'},
                 app)
    assert ("  if (req.query.dest)\n    res.cookie('d', req.query.dest, { httpOnly: true, "
            "sameSite: 'lax', secure: req.secure });\n") in code, code


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="node and npm are required")
def test_real_prettier_accepts_the_moved_clauses(prettier3: Path, tmp_path: Path) -> None:
    config = '{ "singleQuote": true, "printWidth": 80 }\n'
    _prettier_passes_before_and_after(prettier3, write_tree(tmp_path / "app", {
        "package.json": PACKAGE, "app.js": CLAUSES, ".prettierrc": config}))
