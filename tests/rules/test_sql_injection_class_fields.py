"""sql-injection and class fields: a table name kept in a field that only ever holds constants
(a field initialiser, a static field, a TypeScript parameter property, or a constructor
parameter every ``new``/``super(…)`` call of the project passes a constant) is no value; any
other write or call site, a use that may build the class unseen, or a published package that
exports the class brings the finding back."""

from __future__ import annotations

import json

import pytest
from _complexity import growth

from nodeharden import check

APP = json.dumps({"name": "app", "private": True,
                  "dependencies": {"express": "^5.1.0", "pg": "^8.16.0"}})
LIBRARY = json.dumps({"name": "store-kit", "version": "1.0.0", "main": "src/base-store.js",
                      "files": ["src"], "dependencies": {"pg": "^8.16.0"}})

BASE = """
class BaseStore {
  constructor(tableName, db) {
    this.tableName = tableName;
    this.db = db;
  }

  async exists(id) {
    const { rows } = await this.db.query(`SELECT 1 FROM ${this.tableName} WHERE id = $1`, [id]);
    return rows.length > 0;
  }
}
module.exports = { BaseStore };
"""
USERS = """
const { BaseStore } = require('./base-store');
const TABLE = 'users';
class UserStore extends BaseStore {
  constructor(db) {
    super(TABLE, db);
  }
}
module.exports = { UserStore, audit: (db) => new BaseStore('audit_log', db) };
"""


def _lines(root) -> list[tuple[str, int]]:
    return [(f.path, f.line) for f in check(root, select=["sql-injection"]).findings
            if f.rule == "sql-injection"]


def test_constructor_parameter_given_constants_by_every_call_site(project) -> None:
    root = project({"package.json": APP, "src/base-store.js": BASE, "src/users.js": USERS})
    assert _lines(root) == []


@pytest.mark.parametrize("other", [
    # A call site passes a request value.
    ("const { BaseStore } = require('./base-store');\n"
     "module.exports = (req, db) => new BaseStore(req.query.table, db);\n"),
    # A subclass (imported under another name) without a constructor passes its own arguments.
    ("const { BaseStore: Store } = require('./base-store');\n"
     "class Other extends Store {}\nmodule.exports = Other;\n"),
    # A subclass passes its own parameter on.
    ("const { BaseStore } = require('./base-store');\n"
     "class Named extends BaseStore { constructor(name, db) { super(name, db); } }\n"
     "module.exports = Named;\n"),
    # The class is handed on: whoever receives it may build it with anything.
    "const { BaseStore } = require('./base-store');\nmodule.exports = [BaseStore];\n",
    "const Store = require('./base-store').BaseStore;\nmodule.exports = (t) => new Store(t);\n",
    # Another module writes the field.
    "module.exports = (store, req) => { store.tableName = req.query.table; };\n",
])
def test_any_other_call_site_or_write_keeps_the_finding(project, other: str) -> None:
    root = project({"package.json": APP, "src/base-store.js": BASE, "src/users.js": USERS,
                    "src/other.js": other})
    assert _lines(root) == [("src/base-store.js", 8)]


def test_a_test_file_building_the_class_proves_nothing_either_way(project) -> None:
    root = project({"package.json": APP, "src/base-store.js": BASE, "src/users.js": USERS,
                    "src/base-store.test.js": "const { BaseStore } = require('./base-store');\n"
                                              "new BaseStore(process.argv[2]);\n"})
    assert _lines(root) == []


def test_a_published_package_exporting_the_class_keeps_the_finding(project) -> None:
    # Code this project does not hold may subclass BaseStore with any table name.
    root = project({"package.json": LIBRARY, "src/base-store.js": BASE,
                    "src/users.js": USERS})
    assert _lines(root) == [("src/base-store.js", 8)]


TS_STORE = """
import { Pool } from 'pg';

const pool = new Pool();

export class AccountStore {
  private readonly table = 'accounts';
  static AUDIT = 'account_audit';
  #archive = 'accounts_archive';

  constructor(private readonly history: string) {}

  count(kind: string) {
    return pool.query(`SELECT count(*) FROM ${this.table} WHERE kind = $1`, [kind]);
  }

  audit(id: number) {
    return pool.query(`SELECT * FROM ${AccountStore.AUDIT} WHERE id = $1`, [id]);
  }

  archived(id: number) {
    return pool.query(`SELECT * FROM ${this.#archive} WHERE id = $1`, [id]);
  }

  past(id: number) {
    return pool.query(`SELECT * FROM ${this.history} WHERE id = $1`, [id]);
  }
}

export const accounts = new AccountStore('account_history');
"""


def test_typescript_fields_static_fields_private_fields_and_parameter_properties(
        project) -> None:
    root = project({"package.json": APP, "src/account-store.ts": TS_STORE})
    assert _lines(root) == []


@pytest.mark.parametrize(("change", "line"), [
    # A method assigns the field from its argument.
    (("  count(kind: string) {", "  rename(t: string) { this.table = t; }\n\n  count(kind: string) {"),
     15),
    # The static field is written from a value the module does not control.
    (("export const accounts", ("AccountStore.AUDIT = globalThis.auditTable ?? 'x';\n"
                               "export const accounts")), 17),
    # A private field set from a parameter of another method.
    (("  archived(id: number) {", ("  move(t: string) { this.#archive = t; }\n\n"
                                  "  archived(id: number) {")), 23),
    # The parameter property is given a request value.
    (("new AccountStore('account_history')", "new AccountStore(process.argv[2])"), 25),
])
def test_a_non_constant_write_brings_that_finding_back(project, change: tuple[str, str],
                                                      line: int) -> None:
    source = TS_STORE.replace(*change)
    root = project({"package.json": APP, "src/account-store.ts": source})
    assert _lines(root) == [("src/account-store.ts", line)]


def test_a_new_call_site_in_another_module_is_seen_despite_the_result_cache(project) -> None:
    root = project({"package.json": APP, "src/base-store.js": BASE, "src/users.js": USERS})

    def lines() -> list[int]:
        return [f.line for f in check(root, select=["sql-injection"], cache=True).findings
                if f.rule == "sql-injection"]

    assert lines() == []
    # Only users.js changes: base-store.js's scan is reused from the cache.
    (root / "src/users.js").write_text(USERS.replace("new BaseStore('audit_log', db)",
                                                     "new BaseStore(db.auditTable, db)"))
    assert lines() == [8]


VECTORS = """
const { Pool } = require('pg');
const pool = new Pool();
class Vectors {
  operator = { cosine: '<=>', l2: '<->' };

  nearest(embedding) {
    return pool.query(`SELECT id FROM vectors ORDER BY embedding ${this.operator.cosine} $1`, [embedding]);
  }
}
module.exports = { Vectors };
"""


@pytest.mark.parametrize(("other", "line"), [
    ("const { Vectors } = require('./vectors');\nmodule.exports = new Vectors();\n", None),
    # Another module writes through the table, replaces it, or takes it away to change it.
    ("module.exports = (v, req) => { v.operator.cosine = req.query.op; };\n", 7),
    ("module.exports = (v, req) => { v.operator = { cosine: req.query.op }; };\n", 7),
    ("module.exports = (v, req) => Object.assign(v.operator, req.body);\n", 7),
    # A subclass in another module whose table also holds constants changes nothing.
    (("const { Vectors } = require('./vectors');\n"
      "class Fast extends Vectors { operator = { cosine: '<#>' }; }\nmodule.exports = Fast;\n"),
     None),
])
def test_a_table_of_constants_in_a_field_across_modules(project, other: str,
                                                         line: int | None) -> None:
    root = project({"package.json": APP, "src/vectors.js": VECTORS, "src/other.js": other})
    assert _lines(root) == ([("src/vectors.js", line)] if line else [])


def test_a_published_package_exporting_the_table_class_keeps_the_finding(project) -> None:
    root = project({"package.json": LIBRARY.replace("base-store", "vectors"),
                    "src/vectors.js": VECTORS})
    assert _lines(root) == [("src/vectors.js", 7)]


STORES = """
const { Pool } = require('pg');
const pool = new Pool();
class Store {
  constructor(table) { this.table = table; }
  find(id) { return pool.query(`SELECT * FROM ${this.table} WHERE id = $1`, [id]); }
}
class Vectors {
  operator = { cosine: '<=>' };
  nearest(e) { return pool.query(`SELECT id FROM v ORDER BY e ${this.operator.cosine} $1`, [e]); }
}
module.exports = { Store, Vectors };
"""
ROUTES = """
const _ = require('lodash');
const { merge } = require('lodash');
const { Store, Vectors } = require('./stores');
const users = new Store('users');
const vectors = new Vectors();
module.exports = (req) => {
  %s;
  return [users.find(1), vectors.nearest([1])];
};
"""


@pytest.mark.parametrize(("write", "lines"), [
    # Nothing writes the instances: both fields hold constants.
    ("users.find(2)", []),
    ("Object.assign({}, req.body)", []),
    ("Reflect.set(users, 'other', req.body.t)", []),
    # Writers given an object: it may be either instance (a key they are given names the
    # one property they write).
    ("Object.assign(users, req.body)", [5, 9]),
    ("_.merge(users, req.body)", [5, 9]),
    ("merge(users, req.body)", [5, 9]),
    ("_.set(users, req.body.path, req.body.value)", [5, 9]),
    ("Reflect.set(users, 'table', req.body.t)", [5]),
    ("Object.defineProperty(users, 'table', { value: req.body.t })", [5]),
    ("Object.assign(vectors, req.body)", [5, 9]),
    # The instance handed to a function the rule does not follow may be written there.
    ("req.app.locals.configure(users, req.body)", [5]),
    ("req.app.locals.configure(vectors, req.body)", [9]),
])
def test_an_instance_given_to_a_property_writer_keeps_the_finding(
        project, write: str, lines: list[int]) -> None:
    root = project({"package.json": APP, "src/stores.js": STORES,
                    "src/routes.js": ROUTES % write})
    assert _lines(root) == [("src/stores.js", line) for line in lines]


@pytest.mark.parametrize(("body", "lines"), [
    # A writer given `this` may write any field of this class's objects (not another's).
    ("Object.assign(this, opts)", [8]),
    ("_.extend(this, opts)", [8]),
    # A function the rule does not follow may write this class's fields.
    ("configure(this, opts)", [8]),
])
def test_this_given_to_a_property_writer_in_the_class_keeps_the_finding(
        project, body: str, lines: list[int]) -> None:
    source = STORES.replace("constructor(table) { this.table = table; }",
                            f"constructor(table, opts) {{ this.table = table; {body}; }}")
    source = "const _ = require('lodash');\nconst configure = require('./c');\n" + source
    root = project({"package.json": APP, "src/stores.js": source,
                    "src/routes.js": ROUTES % "users.find(2)"})
    assert _lines(root) == [("src/stores.js", line) for line in lines]


def test_many_classes_with_a_field_in_one_file_stay_linear(project) -> None:
    # One file of many classes, each `this.table = t` built with a constant: every field
    # look-up walked the whole file (12.8 s at 3,000 classes; 0.5 s before class fields were
    # read). Counted steps, not time: 4 times the classes cost about 4 times the work.
    def make(count: int):
        classes = "".join(
            f"class S{i} {{ constructor(t) {{ this.table = t; }} "
            "find(id) { return pool.query(`SELECT * FROM ${this.table} WHERE id = $1`, [id]); } }\n"
            f"const s{i} = new S{i}('t{i}');\n" for i in range(count))
        head = "const { Pool } = require('pg');\nconst pool = new Pool();\n"
        root = project({"package.json": APP, "src/store.js": head + classes}, f"n{count}")
        return lambda: _lines(root)

    _, findings = growth(make, 50)
    assert findings and all(path == "src/store.js" for path, _ in findings)