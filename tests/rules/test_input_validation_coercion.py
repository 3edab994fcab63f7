"""input-validation: values that a coercing operation makes a string or a number are not
taken as passed through unchanged, and the message names what the operation does."""

from __future__ import annotations

import json

from nodeharden import check

#: These tests are about robustness-only findings too: the option that reports them.
ROBUSTNESS = "input_validation: {robustness: true}\n"

PKG = {"name": "app", "dependencies": {"express": "^4.21.0", "lodash": "^4.17.21",
                                       "pg": "^8.13.0"}}


def _messages(root) -> dict[int, str]:
    return {f.line: f.message for f in check(root, select=["input-validation"]).findings}


def test_string_concatenation_is_not_arithmetic(project) -> None:
    """`'…' + x` and a template make a string whatever x is; SQL text built that way stays
    reported, as SQL text; `+` between two unknown values stays reported, not as arithmetic."""
    root = project({".nodeharden.yml": ROBUSTNESS,
                    "package.json": json.dumps(PKG),
                    "app.js": """const express = require('express');
const { Pool } = require('pg');
const pool = new Pool();
const http = require('axios');
const app = express();
app.use(express.json());
app.get('/a', (req, res) => {
  res.json({ status: 'no reply ' + req.query.id + ' exists', at: `at ${req.query.at}` });
});
app.get('/b', async (req, res) => {
  const sql = `SELECT * FROM t WHERE name = '${req.query.name}'`;
  res.json(await pool.query(sql));
});
app.get('/c', async (req, res) => {
  res.json(await pool.query('SELECT * FROM t ORDER BY ' + req.query.sort));
});
app.get('/d', (req, res) => {
  res.json({ total: req.query.a + req.query.b });
});
app.get('/e', async (req, res) => {
  const rows = await pool.query(`${req.query.table}`);
  res.json({ rows, web: await http.get('/i/' + req.query.i) });
});
module.exports = app;
"""})
    messages = _messages(root)
    assert sorted(messages) == [10, 14, 17, 20]
    assert "req.query.table concatenated into SQL text" in messages[20]
    assert "req.query.i" not in messages[20]
    assert "req.query.name concatenated into SQL text" in messages[10]
    assert "req.query.sort concatenated into SQL text" in messages[14]
    assert "used with + (it adds numbers and joins anything else as text)" in messages[17]
    assert not any("arithmetic" in m for m in messages.values())


def test_numeric_operators_convert_like_number(project) -> None:
    """`*`, `-`, unary `+` convert to a number: the message says NaN, not text."""
    root = project({".nodeharden.yml": ROBUSTNESS,
                    "package.json": json.dumps(PKG),
                    "app.js": """const express = require('express');
const app = express();
app.get('/since', (req, res) => {
  const hours = req.query.hours || 2;
  res.json({ from: Date.now() - hours * 3600000, n: +req.query.n });
});
module.exports = app;
"""})
    messages = _messages(root)
    assert list(messages) == [3]
    assert "req.query.hours, req.query.n converted to a number by arithmetic (NaN when it is " \
        "not one)" in messages[3]
    assert "as text" not in messages[3]


def test_lodash_string_functions_only_on_lodash(project) -> None:
    """`_.trim(x)` is String(x) where `_` is lodash; a `_` bound to another package (underscore
    has no trim) is not."""
    app = """const express = require('express');
const _ = require('%s');
const app = express();
app.use(express.json());
app.post('/t', (req, res) => {
  const title = _.trim(req.body.title);
  if (title.length < 5) return res.status(400).end();
  res.json({ title });
});
module.exports = app;
"""
    lodash = project({".nodeharden.yml": ROBUSTNESS,
                      "package.json": json.dumps(PKG), "app.js": app % "lodash"})
    assert _messages(lodash) == {}
    other = project({".nodeharden.yml": ROBUSTNESS,
                     "package.json": json.dumps(PKG), "app.js": app % "underscore"})
    assert list(_messages(other)) == [5]


def test_url_setters_and_key_lookups(project) -> None:
    """A WHATWG URL's setters and searchParams convert the value; a key looked up in an object
    or a Map only misses with another type. A property of a plain object and a get() on
    something not known to be a Map stay reported."""
    root = project({".nodeharden.yml": ROBUSTNESS,
                    "package.json": json.dumps(PKG),
                    "app.js": """const express = require('express');
const app = express();
app.use(express.json());
const store = require('kv-client');
const cache = {};
const receipts = new Map();
app.post('/connect', (req, res) => {
  const url = new URL('mongodb://localhost/');
  url.hostname = req.body.hostname;
  url.port = req.body.port;
  url.searchParams.set('authSource', req.body.authSource);
  res.json({ href: url.href, hit: cache[req.body.receipt] || receipts.get(req.body.id) });
});
app.post('/plain', (req, res) => {
  const target = {};
  target.hostname = req.body.hostname;
  res.json({ target, hit: store.get(req.body.id) });
});
module.exports = app;
"""})
    messages = _messages(root)
    assert list(messages) == [14]
    assert "assigned to target.hostname" in messages[14]
    assert "req.body.id passed to store.get()" in messages[14]
