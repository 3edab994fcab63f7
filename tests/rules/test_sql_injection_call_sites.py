"""sql-injection: a parameter of a function of the file that every call site in the project
passes constant text is no input; one call site in another module that passes anything else, a
published package's exported helper and a recursive helper keep the finding. An allow-list
check that stops the request makes a name constant; a generated file of thousands of helpers
and checks stays linear."""

from __future__ import annotations

import json
import time

from nodeharden import check


def _pj(private: bool = True) -> str:
    data: dict[str, object] = {"name": "app", "version": "1.0.0",
                               "dependencies": {"express": "^5.1.0", "pg": "^8.16.0"}}
    if private:
        data["private"] = True
    else:
        data.update(main="index.js", files=["*.js"])
    return json.dumps(data)


def _lines(root, rel: str) -> list[int]:
    return sorted(f.line for f in check(root, select=["sql-injection"]).findings
                  if f.path == rel and f.rule == "sql-injection")


HELPER = """
const { Pool } = require('pg');
const pool = new Pool();
class Checks {
  run(table, key) {
    return pool.query(`SELECT ${key} FROM ${table}`);
  }
  all() {
    this.run('notes', 'noteId');
    this.run('branches', 'branchId');
  }
}
function fill(table) {
  return pool.query(`DELETE FROM ${table} WHERE stale`);
}
function fillAll() { fill('notes'); fill('blobs'); }
module.exports = { Checks, fillAll, fill };
"""


def test_helpers_called_only_with_constants_are_not_reported(project) -> None:
    root = project({"package.json": _pj(), "checks.js": HELPER,
                    "main.js": "const { fillAll } = require('./checks');\nfillAll();\n"})
    assert _lines(root, "checks.js") == []


def test_a_call_site_in_another_module_with_input_keeps_the_finding(project) -> None:
    root = project({"package.json": _pj(), "checks.js": HELPER, "routes.js": """
        const { Checks, fill } = require('./checks');
        module.exports = (app) => app.get('/x', (req, res) => {
          new Checks().run(req.query.t, 'id');
          fill(req.query.t);
          res.end();
        });
    """})
    assert _lines(root, "checks.js") == [5, 13]


def test_a_published_package_keeps_its_exported_helpers_reported(project) -> None:
    root = project({"package.json": _pj(private=False), "checks.js": HELPER})
    assert _lines(root, "checks.js") == [5, 13]


def test_a_recursive_helper_is_reported(project) -> None:
    root = project({"package.json": _pj(), "a.js": """
        const { Pool } = require('pg');
        const pool = new Pool();
        function walk(table, depth) {
          if (depth > 0) walk(table, depth - 1);
          return pool.query(`SELECT * FROM ${table}`);
        }
        function go(req) { walk('a', 1); walk(req.query.t, 2); }
        go({ query: {} });
    """})
    assert _lines(root, "a.js") == [5]


def test_many_helpers_and_checks_stay_linear(project) -> None:
    parts = ["const { Pool } = require('pg');\nconst pool = new Pool();\n",
             "const TABLES = ['a', 'b'];\n"]
    for i in range(2000):
        parts.append(f"function h{i}(t, c) {{ return pool.query(`SELECT ${{c}} FROM ${{t}}`); }}\n"
                     f"h{i}('a', 'id'); h{i}('b', 'id');\n"
                     f"function g{i}(req) {{ const t = req.query.t;\n"
                     f"  if (!TABLES.includes(t)) throw new Error('no');\n"
                     f"  return pool.query(`SELECT * FROM ${{t}}`); }}\n")
    parts.append("function bad(t) { return pool.query(`SELECT * FROM ${t}`); }\n"
                 "module.exports = (req) => bad(req.query.t);\n")
    root = project({"package.json": _pj(), "big.js": "".join(parts)})
    start = time.perf_counter()
    lines = _lines(root, "big.js")
    elapsed = time.perf_counter() - start
    assert lines == [len("".join(parts).splitlines()) - 1]
    assert elapsed < 10, elapsed


BASE = """
const { Pool } = require('pg');
const pool = new Pool();
class Entity {
  markAsDeleted() {
    const entityName = this.constructor.entityName;
    return pool.query(`UPDATE ${entityName} SET deleted = 1 WHERE ${this.constructor.key} = $1`,
                      [this.id]);
  }
}
module.exports = Entity;
"""
NOTE = """
const Entity = require('./entity');
class Note extends Entity {
  static get entityName() { return 'notes'; }
  static get key() { return 'noteId'; }
}
class Branch extends Entity {
  static entityName = 'branches';
  static key = 'branchId';
}
module.exports = { Note, Branch };
"""


def test_static_members_read_through_this_constructor_are_constant(project) -> None:
    root = project({"package.json": _pj(), "entity.js": BASE, "note.js": NOTE})
    assert _lines(root, "entity.js") == []


def test_a_static_member_from_input_or_written_keeps_the_finding(project) -> None:
    other = "const Entity = require('./entity');\n" \
            "class Odd extends Entity { static get entityName() { return process.argv[2]; } }\n" \
            "module.exports = Odd;\n"
    root = project({"package.json": _pj(), "entity.js": BASE, "note.js": NOTE, "odd.js": other})
    assert _lines(root, "entity.js") == [6]
    writer = "const { Note } = require('./note');\n" \
             "module.exports = (req) => { Note.key = req.query.k; };\n"
    root = project({"package.json": _pj(), "entity.js": BASE, "note.js": NOTE,
                    "w.js": writer})
    assert _lines(root, "entity.js") == [6]
    setter = "const { Note } = require('./note');\nconst _ = require('lodash');\n" \
             "module.exports = (req) => _.set(Note, 'entityName', req.query.t);\n"
    root = project({"package.json": _pj(), "entity.js": BASE, "note.js": NOTE,
                    "w.js": setter})
    assert _lines(root, "entity.js") == [6]


def test_a_published_package_keeps_this_constructor_reported(project) -> None:
    root = project({"package.json": _pj(private=False), "entity.js": BASE, "note.js": NOTE})
    assert _lines(root, "entity.js") == [6]
