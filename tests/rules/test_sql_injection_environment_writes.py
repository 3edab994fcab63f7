"""sql-injection and process.env: the deployer's environment is no client input only while no
project module writes it from code. A write under a computed key, a merge into process.env or
a new process.env (in any non-test module, also through a name holding process.env) makes
every process.env read input again; `process.env.X = <not written text>` makes X input; a
default written as text (`process.env.TZ = 'UTC'`) changes nothing."""

from __future__ import annotations

import json

from _complexity import growth

from nodeharden import check

PJ = json.dumps({"name": "app", "dependencies": {"express": "^4.21.0", "pg": "^8.16.0"}})

QUERIES = """
const { Pool } = require('pg');
const pool = new Pool();
exports.vectors = () => pool.query(`SELECT * FROM ${process.env.VECTOR_TABLE} LIMIT 10`);
exports.events = () => pool.query('SELECT * FROM ' + process.env.EVENTS_TABLE);
"""


def _lines(root) -> list[tuple[str, int]]:
    return sorted((f.path, f.line) for f in check(root, select=["sql-injection"]).findings
                  if f.rule == "sql-injection")


def test_a_settings_endpoint_in_another_module_makes_every_env_read_input(project) -> None:
    root = project({
        "package.json": PJ,
        "db.js": QUERIES,
        "routes/settings.js": """
            const router = require('express').Router();
            router.post('/settings', (req, res) => {
              Object.keys(req.body).forEach((key) => { process.env[key] = req.body[key]; });
              res.sendStatus(204);
            });
            module.exports = router;
        """,
    })
    assert _lines(root) == [("db.js", 3), ("db.js", 4)]


def test_merges_and_aliases_are_writes_too(project) -> None:
    for writer in ("Object.assign(process.env, req.body);",
                   "const env = process.env;\nfor (const k in req.body) env[k] = req.body[k];",
                   "process.env = { ...process.env, ...req.body };"):
        root = project({
            "package.json": PJ, "db.js": QUERIES,
            "settings.js": f"module.exports = (req, res) => {{\n{writer}\nres.end();\n}};\n",
        }, name=f"app{hash(writer) & 0xffff}")
        assert _lines(root) == [("db.js", 3), ("db.js", 4)], writer


def test_a_named_write_from_code_makes_that_name_input_only(project) -> None:
    root = project({
        "package.json": PJ, "db.js": QUERIES,
        "admin.js": "module.exports = (req, res) => {\n"
                    "  process.env.EVENTS_TABLE = req.query.table;\n  res.end();\n};\n",
    })
    assert _lines(root) == [("db.js", 4)]


def test_an_environment_value_handed_to_a_query_function_follows_the_writes(project) -> None:
    files = {
        "package.json": PJ,
        "config.js": "const TABLE = process.env.VECTOR_TABLE || 'vectors';\n"
                     "module.exports = { TABLE };\n",
        "db.js": "const { Pool } = require('pg');\nconst pool = new Pool();\n"
                 "exports.all = (table) => pool.query(`SELECT * FROM ${table}`);\n",
        "jobs.js": "const { all } = require('./db');\n"
                   "module.exports = () => all(process.env.VECTOR_TABLE);\n",
    }
    assert _lines(project(files, name="quiet")) == []
    files["settings.js"] = "module.exports = (req) => { process.env[req.body.k] = req.body.v; };\n"
    assert _lines(project(files, name="written")) == [("db.js", 3)]


def test_written_defaults_tests_and_reads_keep_env_the_deployers(project) -> None:
    root = project({
        "package.json": PJ, "db.js": QUERIES,
        "server.js": """
            process.env.NODE_ENV = process.env.NODE_ENV || 'production';
            process.env.TZ = 'UTC';
            process.env['EVENTS_TABLE'] ??= 'events';
            const settings = { ...process.env };
            console.log(Object.keys(process.env).length, settings, process.env.PORT === '80');
            if (process.env.DEBUG == '1') require('debug').enable('*');
        """,
        "test/db.test.js": "for (const [k, v] of Object.entries({ VECTOR_TABLE: 'x' })) "
                           "process.env[k] = v;\nObject.assign(process.env, { A: '1' });\n",
    })
    assert _lines(root) == []


def test_many_environment_writes_are_read_in_linear_time(project) -> None:
    def make(count: int):
        body = "".join(f"process.env.NAME_{i} = process.env.OTHER_{i} || 'x{i}';\n"
                       f"const alias{i} = process.env;\n"
                       f"if (process.env.FLAG_{i} === '1') console.log(process.env.V_{i});\n"
                       for i in range(count))
        root = project({"package.json": PJ, "db.js": QUERIES, "big.js": body}, f"n{count}")
        return lambda: _lines(root)

    # Counted steps, not time: 4 times the writes cost about 4 times the work.
    _, lines = growth(make, 100)
    assert lines == []
