"""sql-injection across files: the driver comes from the project when a file queries through a
local module, two drivers mean no fix, SQL kept in a variable used twice or appended to is
reported without a fix, and a suppression comment silences one call."""

from __future__ import annotations

import json

from nodeharden import check, fix


EXPRESS = {"name": "app", "dependencies": {"express": "^5.1.0"}}


def _pj(**deps: str) -> str:
    return json.dumps({"name": "app", "dependencies": {"express": "^5.1.0", **deps}})


def _findings(root, rule):
    return [f for f in check(root, select=[rule]).findings if f.rule == rule]


def test_driver_comes_from_the_project_when_the_file_imports_a_local_module(project) -> None:
    root = project({
        "package.json": _pj(pg="^8.16.0"),
        "db.js": "const { Pool } = require('pg');\nmodule.exports = new Pool();\n",
        "users.js": """
            const db = require('./db');
            exports.find = (id, name) => db.query(`SELECT * FROM users WHERE id = ${id} OR name = '${name}'`);
        """,
        "routes.js": "const users = require('./users');\n"
                     "module.exports = (req) => users.find(req.params.id, req.query.name);\n",
    })
    result = fix(root, dry_run=True, select=["sql-injection"]).plan
    assert "db.query('SELECT * FROM users WHERE id = $1 OR name = $2', [id, name])" in \
        result.final["users.js"].decode()


def test_two_drivers_in_the_project_means_no_fix(project) -> None:
    root = project({
        "package.json": _pj(pg="^8.16.0", mysql2="^3.15.0"),
        "users.js": "const db = require('./db');\n"
                    "exports.find = (id) => db.query('SELECT * FROM users WHERE id = ' + id);\n",
        "routes.js": "const { find } = require('./users');\n"
                     "module.exports = (req) => find(req.params.id);\n",
    })
    [finding] = _findings(root, "sql-injection")
    assert finding.fix is None and "driver could not be determined" in finding.message


def test_sql_variable_used_twice_or_appended_is_reported_without_fix(project) -> None:
    root = project({
        "package.json": _pj(mysql2="^3.15.0"),
        "a.js": """
            const mysql = require('mysql2');
            const db = mysql.createConnection({});
            function twice(id, cb) {
              const sql = 'SELECT * FROM t WHERE id = ' + id;
              console.log(sql);
              db.query(sql, cb);
            }
            function appended(filters, cb) {
              let sql = 'SELECT * FROM t WHERE 1 = 1';
              if (filters.name) sql += " AND name = '" + filters.name + "'";
              db.query(sql, cb);
            }
            module.exports = (req, res) => { twice(req.params.id, res); appended(req.query, res); };
        """,
    })
    findings = _findings(root, "sql-injection")
    assert [(f.line, f.fix) for f in findings] == [(6, None), (11, None)]
    assert "used more than once" in findings[0].message
    assert "several statements" in findings[1].message


def test_suppression_comment_silences_one_call(project) -> None:
    root = project({
        "package.json": _pj(mysql="^2.18.1"),
        "a.js": """
            const mysql = require('mysql');
            const db = mysql.createConnection({});
            module.exports = (req) => {
              // nodeharden-ignore sql-injection
              db.query('SELECT * FROM t WHERE id = ' + req.query.id);
              db.query('SELECT * FROM t WHERE id = ' + req.query.other);
            };
        """,
    })
    assert [f.line for f in _findings(root, "sql-injection")] == [6]
