"""sql-injection and values a SQL driver has already escaped: the result of the driver's own
escaping function (Sequelize's ``sequelize.escape``, mysql/mysql2/sqlstring ``escape``,
``escapeId`` and ``format``, pg's ``escapeLiteral``, pg-format's ``%L``/``%I``) is a quoted
SQL literal or name, which no client text can break out of: it is not reported, and no fix
ever turns it into a parameter (which would escape it twice). A function that is merely
named ``escape`` (the app's own, or another package's) protects nothing and stays reported."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

ROUTER = "const express = require('express');\nconst router = express.Router();\n"
SEQ = "const { Sequelize } = require('sequelize');\nconst sequelize = new Sequelize('x');\n"
MYSQL = "const mysql = require('mysql2');\nconst link = mysql.createPool({});\n"
PKG = json.dumps({"name": "app", "dependencies": {
    "express": "^5.1.0", "sequelize": "^6.37.0", "mysql2": "^3.11.0", "pg": "^8.16.0",
    "pg-format": "^1.0.4", "sqlstring": "^2.3.3", "escape-html": "^1.0.3"}})

QUIET: dict[str, str] = {
    "sequelize_escape_inline": SEQ + ROUTER +
    "router.get('/', (req, res) => sequelize.query(\n"
    "  `SELECT * FROM books WHERE title = ${sequelize.escape(req.query.t)}`));\n",
    "sequelize_escape_in_a_variable": SEQ + ROUTER +
    "router.get('/', async (req, res) => {\n"
    "  const safe = sequelize.escape(String(req.query.t));\n"
    "  res.json(await sequelize.query(`UPDATE shelves SET tag = ${safe} WHERE id = 4`));\n});\n",
    "escaped_value_wrapped_by_the_class_own_helper": SEQ + ROUTER +
    "class Folder {\n"
    "  constructor(db, word) { this.db = db; this.word = word; }\n"
    "  fold(v) { return `lower(${v})`; }\n"
    "  run() {\n"
    "    const folded = this.fold(this.db.sequelize.escape(this.word));\n"
    "    return this.db.sequelize.query(`SELECT ${folded} AS w`);\n  }\n}\n"
    "router.get('/', (req, res) => new Folder({ sequelize }, req.query.w).run());\n",
    "a_model_escapes_a_date_itself": SEQ.replace("{ Sequelize }", "{ Sequelize, Model }") +
    ROUTER +
    "class Visit extends Model {\n"
    "  async stamp(body) {\n"
    "    const at = this.sequelize.escape(new Date(body.at));\n"
    "    await this.sequelize.query(`UPDATE visits SET seen = ${at} WHERE n = 1`);\n  }\n}\n"
    "router.post('/', (req, res) => new Visit().stamp(req.body));\n",
    "mysql_pool_escape_and_escape_id": MYSQL + ROUTER +
    "router.get('/', (req, res) => link.query(\n"
    "  `SELECT * FROM pets WHERE kind = ${link.escape(req.query.k)} ORDER BY "
    "${link.escapeId(req.query.by)}`));\n",
    "mysql_module_format": MYSQL + ROUTER +
    "router.get('/', (req, res) => {\n"
    "  const cond = mysql.format('kind = ? AND age > ?', [req.query.k, req.query.a]);\n"
    "  return link.query(`SELECT * FROM pets WHERE ${cond}`);\n});\n",
    "sqlstring_imported_escape": MYSQL + ROUTER +
    "const { escape: quote } = require('sqlstring');\n"
    "router.get('/', (req, res) => link.query('SELECT * FROM pets WHERE name = ' + "
    "quote(req.query.n)));\n",
    "pg_client_escape_literal": ROUTER +
    "const { Client } = require('pg');\nconst client = new Client();\n"
    "router.get('/', (req, res) => client.query(\n"
    "  `SELECT * FROM trips WHERE city = ${client.escapeLiteral(req.query.c)}`));\n",
    "pg_format_literal_and_ident": ROUTER +
    "const { Pool } = require('pg');\nconst format = require('pg-format');\n"
    "const pool = new Pool();\n"
    "router.get('/', (req, res) => pool.query(\n"
    "  `SELECT * FROM trips WHERE ${format('%I = %L', req.query.col, req.query.v)}`));\n"
    "router.get('/b', (req, res) => pool.query(\n"
    "  `SELECT * FROM trips WHERE city = ${format.literal(req.query.c)}`));\n",
}

LOUD: dict[str, str] = {
    "the_app_own_escape_only_escapes_html": SEQ + ROUTER +
    "function escape(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;'); }\n"
    "router.get('/', (req, res) => sequelize.query(\n"
    "  `SELECT * FROM books WHERE title = '${escape(req.query.t)}'`));\n",
    "an_html_escaping_package": MYSQL + ROUTER +
    "const escape = require('escape-html');\n"
    "router.get('/', (req, res) =>\n"
    "  link.query(`SELECT * FROM pets WHERE n = '${escape(req.query.n)}'`));\n",
    "a_helper_object_named_like_nothing_sql": MYSQL + ROUTER +
    "const text = { escape: (s) => s.trim() };\n"
    "router.get('/', (req, res) =>\n"
    "  link.query(`SELECT * FROM pets WHERE n = ${text.escape(req.query.n)}`));\n",
    "escape_on_a_sequelize_name_without_sequelize": MYSQL + ROUTER +
    "const sequelize = { escape: (s) => s };\n"
    "router.get('/', (req, res) =>\n"
    "  link.query(`SELECT * FROM pets WHERE n = ${sequelize.escape(req.query.n)}`));\n",
    "pg_format_puts_s_in_as_it_is": ROUTER +
    "const { Pool } = require('pg');\nconst format = require('pg-format');\n"
    "const pool = new Pool();\n"
    "router.get('/', (req, res) => pool.query(\n"
    "  `SELECT * FROM trips ${format('ORDER BY %s LIMIT %L', req.query.by, req.query.n)}`)"
    ");\n",
    "mysql_format_of_client_sql": MYSQL + ROUTER +
    "router.get('/', (req, res) =>\n"
    "  link.query(`SELECT * FROM pets WHERE ${mysql.format(req.query.w, [])}`));\n",
}


def _findings(project, source: str, name: str):
    root = project({"package.json": PKG, "app.js": source}, name=name)
    return [f for f in check(root, select=["sql-injection"]).findings
            if f.rule == "sql-injection"]


@pytest.mark.parametrize("case", sorted(QUIET))
def test_a_value_the_driver_escaped_is_not_reported(project, case: str) -> None:
    assert _findings(project, QUIET[case], case) == []


@pytest.mark.parametrize("case", sorted(LOUD))
def test_a_function_merely_named_escape_is_still_reported(project, case: str) -> None:
    assert len(_findings(project, LOUD[case], case)) == 1


def test_an_escaped_value_next_to_a_raw_one_gets_no_parameter(project) -> None:
    source = SEQ + ROUTER + (
        "router.get('/', (req, res) => sequelize.query(\n"
        "  `SELECT * FROM books WHERE shelf = ${sequelize.escape(req.query.s)} "
        "AND author = '${req.query.a}'`));\n")
    [finding] = _findings(project, source, "mixed")
    assert finding.fix is None
    assert "`sequelize.escape(req.query.s)` is already escaped for SQL" in finding.message


def test_a_bare_value_after_select_is_not_called_a_column_name(project) -> None:
    source = SEQ + ROUTER + (
        "router.get('/', (req, res) => sequelize.query(`SELECT ${req.query.expr} AS n`));\n")
    [finding] = _findings(project, source, "select")
    assert "part of the select list (a column or an expression)" in finding.message
    assert "a column name" not in finding.message



def test_a_var_require_is_the_driver_s_and_a_shadowing_name_is_not(project) -> None:
    head = ROUTER + "var mysql = require('mysql');\nvar conn = mysql.createConnection({});\n" \
        "var { escape } = require('mysql');\n"
    quiet = head + ("router.get('/a', (req, res) =>\n"
                    "  conn.query('SELECT * FROM t WHERE a = ' + escape(req.query.a)));\n")
    assert _findings(project, quiet, "var_require") == []
    shadowed = head + ("router.get('/b', (req, res) => {\n"
                       "  const escape = (s) => s;\n"
                       "  return conn.query('SELECT * FROM t WHERE b = ' + escape(req.query.b));"
                       "\n});\n")
    assert len(_findings(project, shadowed, "shadowed")) == 1


def test_escape_of_a_project_module_named_like_a_connection_still_counts(project) -> None:
    files = {"package.json": PKG,
             "db.js": "exports.escape = (s) => String(s).trim();\n",
             "app.js": MYSQL + ROUTER + "const db = require('./db');\n"
             "router.get('/', (req, res) =>\n"
             "  link.query(`SELECT * FROM pets WHERE n = ${db.escape(req.query.n)}`));\n"}
    root = project(files, name="project_db")
    assert len(check(root, select=["sql-injection"]).findings) == 1


def test_a_connection_a_project_module_makes_escapes_as_the_driver(project) -> None:
    """A model that gets its mysql connection from a project module's factory
    (``require('../config/db')()``) and imports no driver itself: in a project whose SQL driver
    is mysql, ``connection.escape(id)`` is the driver's (held-out sample 37: a clinic API whose
    ten queries were reported, and whose fixes escaped each value twice)."""
    files = {"package.json": json.dumps({"name": "clinic", "dependencies": {
                 "express": "^4.21.0", "mysql": "^2.18.1"}}),
             "config/db.js": "const mysql = require('mysql');\n\n"
                             "module.exports = () => mysql.createConnection({ host: 'db' });\n",
             "models/avatar.js": "const connection = require('../config/db')();\n\n"
                                 "exports.byId = (id, done) => connection.query(\n"
                                 "  `SELECT * FROM avatar WHERE id = ${connection.escape(id)}`,"
                                 " done);\n",
             "app.js": ROUTER + "const avatar = require('./models/avatar');\n"
                       "router.get('/:id', (req, res) => avatar.byId(req.params.id, "
                       "(err, row) => res.json(row)));\nmodule.exports = router;\n"}
    root = project(files, name="factory_connection")
    assert check(root, select=["sql-injection"]).findings == []


def test_a_value_through_an_unknown_escaper_never_becomes_a_parameter(project) -> None:
    """Reported (the rule cannot tell what ``text.escape`` does), but no fix moves the escaped
    value into a parameter, where the driver would escape it a second time."""
    [finding] = _findings(project, LOUD["a_helper_object_named_like_nothing_sql"], "unknown")
    assert finding.fix is None
    assert "`text.escape(req.query.n)` is already escaped for SQL" in finding.message
