"""sql-injection and values from other project modules: a module's constants are no client
text, whatever writes them; a finding held back for the project phase (a function's parameter)
comes back when a caller gives it request data (also when the function's file's scan comes
from the result cache), keeps its fix, and obeys a suppression comment."""

from __future__ import annotations

import json

from nodeharden import check, fix

PACKAGE = json.dumps({"name": "app", "dependencies": {"express": "^5.1.0", "pg": "^8.16.0"}})
STORE = """
const { Pool } = require('pg');
const { TABLES, KINDS } = require('./tables');
const pool = new Pool();
exports.find = (id) => pool.query(
  `SELECT * FROM ${TABLES.users} WHERE kind IN (${KINDS.map((k) => `'${k}'`).join(',')}) AND id = $1`,
  [id],
);
"""


def _lines(root, cache: bool = False) -> list[int]:
    return [f.line for f in check(root, select=["sql-injection"], cache=cache).findings
            if f.rule == "sql-injection"]


def test_constants_of_another_module_are_no_client_text(project) -> None:
    # Whatever the module holds, nothing there comes from a request.
    root = project({
        "package.json": PACKAGE,
        "store.js": STORE,
        "tables.js": "const TABLES = { users: 'users' };\n"
                     "TABLES.users = globalThis.usersTable;\n"
                     "module.exports = { TABLES, KINDS: [globalThis.kind] };\n",
    })
    assert _lines(root) == []


def test_a_changed_caller_brings_the_finding_back_despite_the_cache(project) -> None:
    root = project({
        "package.json": PACKAGE,
        "store.js": "const { Pool } = require('pg');\nconst pool = new Pool();\n"
                    "exports.byTable = (table, id) =>\n"
                    "  pool.query(`SELECT * FROM ${table} WHERE id = $1`, [id]);\n",
        "routes.js": "const { byTable } = require('./store');\n"
                     "module.exports = (req) => byTable('users', req.params.id);\n",
    })
    assert _lines(root, cache=True) == []
    # Only the caller changes: store.js's scan is reused from the cache.
    (root / "routes.js").write_text("const { byTable } = require('./store');\n"
                                    "module.exports = (req) => byTable(req.query.t, 1);\n")
    assert _lines(root, cache=True) == [4]
    (root / "routes.js").unlink()
    assert _lines(root, cache=True) == []


def test_a_held_back_finding_keeps_its_fix_and_its_suppression(project) -> None:
    root = project({
        "package.json": PACKAGE,
        "routes.js": "const { one, two } = require('./a');\n"
                     "module.exports = (req) => [one(req.query.name), two(req.query.name)];\n",
        "a.js": """
            const { Pool } = require('pg');
            const pool = new Pool();
            exports.one = (NAME) => pool.query(`SELECT * FROM users WHERE name = '${NAME}'`);
            // nodeharden-ignore sql-injection
            exports.two = (NAME) => pool.query(`SELECT * FROM users WHERE name = '${NAME}'`);
        """,
    })
    assert _lines(root) == [3]
    plan = fix(root, dry_run=True, select=["sql-injection"]).plan
    assert "pool.query('SELECT * FROM users WHERE name = $1', [NAME])" in \
        plan.final["a.js"].decode()
