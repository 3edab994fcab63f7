"""sql-injection and constants from other project modules: the finding held back for the
project phase comes back when the module stops proving the constant (also when the importing
file's scan comes from the result cache), keeps its fix, and obeys a suppression comment."""

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


def test_changed_constants_module_brings_the_finding_back_despite_the_cache(project) -> None:
    root = project({
        "package.json": PACKAGE,
        "store.js": STORE,
        "tables.js": "const TABLES = { users: 'users' };\n"
                     "module.exports = { TABLES, KINDS: ['admin', 'user'] };\n",
    })
    assert _lines(root, cache=True) == []
    # Only the constants module changes: store.js's scan is reused from the cache.
    (root / "tables.js").write_text(
        "const TABLES = { users: 'users' };\n"
        "TABLES.users = globalThis.usersTable;\n"
        "module.exports = { TABLES, KINDS: ['admin', 'user'] };\n")
    assert _lines(root, cache=True) == [4]
    (root / "tables.js").write_text(
        "const TABLES = { users: 'users' };\n"
        "module.exports = { TABLES, KINDS: [globalThis.kind] };\n")
    assert _lines(root, cache=True) == [4]
    (root / "tables.js").unlink()
    assert _lines(root, cache=True) == [4]


def test_unproved_import_keeps_its_fix_and_its_suppression(project) -> None:
    root = project({
        "package.json": PACKAGE,
        "names.js": "let NAME = 'x';\nmodule.exports = { NAME, setName: (n) => { NAME = n; } };\n",
        "a.js": """
            const { Pool } = require('pg');
            const { NAME } = require('./names');
            const pool = new Pool();
            exports.one = () => pool.query(`SELECT * FROM users WHERE name = '${NAME}'`);
            // nodeharden-ignore sql-injection
            exports.two = () => pool.query(`SELECT * FROM users WHERE name = '${NAME}'`);
        """,
    })
    assert _lines(root) == [4]
    plan = fix(root, dry_run=True, select=["sql-injection"]).plan
    assert "pool.query('SELECT * FROM users WHERE name = $1', [NAME])" in \
        plan.final["a.js"].decode()
