"""sql-injection and values a client sends that the program replaces before they reach SQL:
a parameter overwritten at the top of its function (``period = toSql(period)``) holds only
what it is given there from then on. A write in a branch, or a use before the write, still
lets the caller's text through and is reported."""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = json.dumps({"name": "bookings", "dependencies": {"express": "^4.19.0",
                                                          "mysql2": "^3.9.0"}})

HEAD = """\
const express = require('express');
const mysql = require('mysql2/promise');
const pool = mysql.createPool({});
const app = express();
function toSql(p) { return p === 'week' ? '7 DAY' : '1 DAY'; }
"""


def _lines(project, files: dict[str, str]) -> list[int]:
    root = project({"package.json": PACKAGE, **files})
    return sorted(f.line for f in check(root, select=["sql-injection"]).findings
                  if f.rule == "sql-injection")


def _at(source: str, marker: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if marker in line)


def test_parameter_overwritten_first_holds_only_the_new_value(project) -> None:
    app = HEAD + """
async function recent(period, kind) {
  period = toSql(period);
  let sql = 'SELECT * FROM bookings';
  if (period) { sql += ` WHERE made > NOW() - INTERVAL ${period}`; }
  await pool.query(sql);
  kind = 'k';
  return pool.query(`SELECT * FROM bookings WHERE kind = '${kind}'`);
}
app.get('/recent/:p', (req, res) => recent(req.params.p, req.query.kind));
"""
    assert _lines(project, {"app.js": app}) == []


def test_parameter_written_in_a_branch_or_after_the_use_is_reported(project) -> None:
    app = HEAD + """
async function branch(period) {
  if (period.length > 2) { period = toSql(period); }
  return pool.query(`SELECT * FROM bookings WHERE made > NOW() - INTERVAL ${period}`); // A
}
async function late(period) {
  await pool.query(`SELECT * FROM bookings WHERE made > NOW() - INTERVAL ${period}`); // B
  period = toSql(period);
}
async function again(period) {
  period = toSql(period);
  for (const p of [1, 2]) { period = p > 1 ? period : period + 'x'; }
  period = `${period}`;
  return pool.query(`SELECT * FROM bookings WHERE made > NOW() - INTERVAL ${period}`);
}
async function rewritten(period, extra) {
  period = toSql(period);
  if (extra) { period = extra; }
  return pool.query(`SELECT * FROM bookings WHERE made > NOW() - INTERVAL ${period}`); // C
}
async function hoisted(period) {
  period = toSql(period);
  function run() { return pool.query(`SELECT * FROM bookings WHERE k = ${period}`); } // D
  return run();
}
app.get('/a/:p', (req, res) => branch(req.params.p));
app.get('/b/:p', (req, res) => late(req.params.p));
app.get('/c/:p', (req, res) => again(req.params.p));
app.get('/d/:p', (req, res) => rewritten(req.params.p, req.query.extra));
app.get('/e/:p', (req, res) => hoisted(req.params.p));
"""
    assert _lines(project, {"app.js": app}) == [_at(app, marker) for marker in
                                                ("// A", "// B", "// C", "// D")]


PERIODS = """\
class Periods {
  static toSql(p) {
    switch (p) {
      case 'week': return '7 DAY';
      case 'month': return '1 MONTH';
      default: return null;
    }
  }
  static pick(a, b) { return b; }
  static keep(v) { this.last = v; }
  static last() { return this.last; }
}
const shapes = {
  label(v) { return v ? 'A' : 'B'; },
  wrap: (v) => `(${v})`,
  items: [],
  add(v) { this.items.push(v); },
  first() { return this.items[0]; },
};
module.exports = { Periods, shapes, held: require('./held') };
"""


def test_method_of_an_imported_class_or_object_counts_by_what_it_returns(project) -> None:
    app = HEAD + """
const { Periods, shapes } = require('./periods');
async function recent(period) {
  period = Periods.toSql(period);
  return pool.query(`SELECT * FROM bookings WHERE made > NOW() - INTERVAL ${period}`);
}
async function named(period) {
  const ago = Periods.toSql(period);
  return pool.query(`SELECT * FROM bookings WHERE made > NOW() - INTERVAL ${ago}`);
}
app.get('/a/:p', (req, res) => recent(req.params.p));
app.get('/b/:p', (req, res) => named(req.params.p));
app.get('/c', async (req, res) => {
  await pool.query(`SELECT * FROM bookings WHERE kind = '${Periods.toSql(req.query.p)}'`);
  await pool.query(`SELECT * FROM bookings WHERE kind = '${shapes.label(req.query.p)}'`);
  await pool.query(`SELECT * FROM bookings WHERE kind = '${Periods.pick(req.query.p, 'x')}'`);
});
"""
    assert _lines(project, {"app.js": app, "periods.js": PERIODS,
                            "held.js": "module.exports = {};\n"}) == []


def test_method_that_returns_or_keeps_its_argument_is_reported(project) -> None:
    app = HEAD + """
const { Periods, shapes } = require('./periods');
const { Other } = require('./other');
app.get('/c', async (req, res) => {
  await pool.query(`SELECT * FROM bookings WHERE kind = ${Periods.pick(1, req.query.p)}`); // A
  await pool.query(`SELECT * FROM bookings WHERE kind = ${shapes.wrap(req.query.p)}`); // B
  Periods.keep(req.query.k);
  await pool.query(`SELECT * FROM bookings WHERE kind = '${Periods.last()}'`); // C
  shapes.add(req.query.s);
  await pool.query(`SELECT * FROM bookings WHERE kind = '${shapes.first()}'`); // D
  await pool.query(`SELECT * FROM bookings WHERE kind = '${Other.toSql(req.query.o)}'`); // E
});
"""
    other = "const { Periods } = require('./periods');\nexports.Other = Periods.make();\n"
    assert _lines(project, {"app.js": app, "periods.js": PERIODS, "other.js": other,
                            "held.js": "module.exports = {};\n"}) == \
        [_at(app, marker) for marker in ("// A", "// B", "// C", "// D", "// E")]


def test_number_made_from_request_text_is_no_sql_text(project) -> None:
    app = HEAD + """
async function drop(height) { return pool.query(`DELETE FROM bookings WHERE h >= ${height}`); }
async function older(n) { return pool.query(`SELECT * FROM bookings WHERE n < ${n}`); }
app.get('/a/:h', (req, res) => { const h = parseInt(req.params.h, 10); return drop(h); });
app.get('/b', (req, res) => drop(Number(req.query.h)));
app.get('/c', (req, res) => older(Math.floor(req.query.n)));
"""
    assert _lines(project, {"app.js": app}) == []


def test_text_beside_or_a_rebound_number_function_is_reported(project) -> None:
    app = HEAD + """
const { parseFloat } = require('./num');
async function drop(height) { return pool.query(`DELETE FROM bookings WHERE h >= ${height}`); }
async function older(n) { return pool.query(`SELECT * FROM bookings WHERE n < ${n}`); }
app.get('/a/:h', (req, res) => drop(parseFloat(req.params.h)));
app.get('/b', (req, res) => older(Number(req.query.h) ? req.query.h : 0));
"""
    assert _lines(project, {"app.js": app, "num.js": "exports.parseFloat = (s) => s;\n"}) == \
        [_at(app, "async function drop"), _at(app, "async function older")]
