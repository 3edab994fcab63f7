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
