"""input-validation: what the message says about a request value read as a number. A string
compared with `<` to a number is converted (a numeric comparison, false for NaN), a converted
value whose uses NaN cannot get past has a fallback, and the no-fix reason never names the same
type twice."""

from __future__ import annotations

import json

from nodeharden import check

#: These tests are about robustness-only findings: the option that reports them.
ROBUSTNESS = "input_validation: {robustness: true}\n"

PKG = {"name": "app", "dependencies": {"express": "^4.21.0"}}


def _messages(root) -> dict[int, str]:
    return {f.line: f.message for f in check(root, select=["input-validation"]).findings}


def test_comparison_with_a_number_is_numeric(project) -> None:
    """`x <= MAX` with MAX a number (a literal, a const bound to one, `.length`, `Number(…)`)
    converts x: no text comparison is claimed. Against a string, or a value of unknown type,
    it stays reported."""
    root = project({".nodeharden.yml": ROBUSTNESS,
                    "package.json": json.dumps(PKG),
                    "app.js": """const express = require('express');
const MAX_LIMIT = 120;
const LIMITS = [10, 20];
const app = express();
app.get('/a', (req, res) => {
  const tooMany = req.query.n > MAX_LIMIT || req.query.m >= 5 || req.query.k < LIMITS.length;
  res.json({ tooMany, few: req.query.f <= -1, small: req.query.s < Number(process.env.MAX) });
});
app.get('/b', (req, res) => {
  res.json({ late: req.query.at > '2024', more: req.query.x > req.query.y });
});
app.get('/c', (req, res) => {
  const pick = (MAX_LIMIT) => req.query.p < MAX_LIMIT;
  res.json({ p: pick(req.app.get('max')) });
});
module.exports = app;
"""})
    messages = _messages(root)
    assert sorted(messages) == [9, 12]
    assert "req.query.at, req.query.x, req.query.y compared with <, >, <= or >= (a string " \
        "compares as text)" in messages[9]
    assert "req.query.p compared with <, >, <= or >= (a string compares as text)" in messages[12]


def test_a_converted_value_that_nan_cannot_get_past_has_a_fallback(project) -> None:
    """`parseInt(x)` whose every read is a comparison, an explicit NaN test, `|| default`, or
    runs only where a comparison NaN fails has passed (`if (page > 0) …`, a conversion under
    `if (x <= MAX)`) falls through to the handler's default: no "no fallback" claim. A read
    past a test NaN passes (`if (p < 0) return …; p * 10`) keeps it."""
    root = project({".nodeharden.yml": ROBUSTNESS,
                    "package.json": json.dumps(PKG),
                    "app.js": """const express = require('express');
const MAX = 100;
const app = express();
app.get('/a', (req, res) => {
  const page = parseInt(req.query.page, 10);
  let offset = 0;
  if (page > 0) {
    offset = (page - 1) * 10;
  }
  const n = Number(req.query.n);
  let limit = 20;
  if (req.query.l && req.query.l <= MAX) limit = parseInt(req.query.l, 10);
  res.json({ offset, n: isNaN(n) ? 0 : n, big: Number(req.query.b) > 5, limit,
             half: page > 1 && page / 2, c: Number(req.query.c) || 1 });
});
app.get('/d', (req, res) => {
  const p = parseInt(req.query.p, 10);
  if (p < 0) return res.status(400).end();
  res.json({ skip: p * 10 });
});
module.exports = app;
"""})
    messages = _messages(root)
    assert sorted(messages) == [16]
    assert "req.query.p converted to a number with no fallback" in messages[16]


KNEX_APP = """const express = require('express');
const db = require('knex')({ client: '%s', connection: {} });
const app = express();
app.get('/items', async (req, res) => {
  res.json(await db('items').where('kind', req.query.kind).orWhere('tag', '=', req.query.tag));
});
module.exports = app;
"""


def test_a_knex_where_value_is_bound_not_an_operator(project) -> None:
    """knex `.where(column, value)` binds the value: no operator claim (with sqlite or pg the
    route is no finding at all). Where the project has the mysql driver, the value reaches it,
    and mysql writes an object as SQL text: that is what the message says."""
    plain = project({"package.json": json.dumps(
        {"name": "app", "dependencies": {"express": "^4.21.0", "knex": "^3.1.0",
                                         "sqlite3": "^5.1.7"}}),
        "app.js": KNEX_APP % "sqlite3"})
    assert _messages(plain) == {}
    mysql = project({"package.json": json.dumps(
        {"name": "app", "dependencies": {"express": "^4.21.0", "knex": "^3.1.0",
                                         "mysql": "^2.18.1"}}),
        "app.js": KNEX_APP % "mysql"})
    [message] = _messages(mysql).values()
    assert "req.query.kind, req.query.tag bound by mysql as sent (it writes an object as SQL " \
        "text)" in message
    assert "operator" not in message


def test_the_no_fix_reason_names_two_different_types(project) -> None:
    """A value given to `parseInt()` (an integer) and used with `*` (a number) gets no chain:
    the reason names both types, never the same one twice."""
    root = project({".nodeharden.yml": ROBUSTNESS,
                    "package.json": json.dumps(PKG),
                    "app.js": """const express = require('express');
const app = express();
app.get('/a', (req, res) => {
  res.json({ n: parseInt(req.query.n, 10), twice: req.query.n * 2 });
});
module.exports = app;
"""})
    [message] = _messages(root).values()
    assert "(no automatic fix: req.query.n is used both as an integer and as a number)" in message
