"""sql-injection and class fields: a table name kept in a field is reported when a client's text
may reach the field: a ``new``/``super(…)`` call of the project (also through a subclass with no
constructor, or the class imported under another name) gives its constructor parameter request
data, a method given request data by a caller writes it, any module writes a property of that
name from request data or merges request data into an object, or the class merges a parameter
so given into ``this``. A field that only ever holds constants (a field initialiser, a static
field, a TypeScript parameter property, constants at every call site) is no value; neither is
one set by code the project does not show (the class handed on, a published package's class,
a function the rule does not follow): nothing there is seen to come from a request."""

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


@pytest.mark.parametrize(("other", "lines"), [
    # A call site passes a request value.
    ("const { BaseStore } = require('./base-store');\n"
     "module.exports = (req, db) => new BaseStore(req.query.table, db);\n", [8]),
    # A subclass (imported under another name) without a constructor passes its own arguments.
    ("const { BaseStore: Store } = require('./base-store');\n"
     "class Other extends Store {}\nmodule.exports = (req, db) => new Other(req.body.t, db);\n",
     [8]),
    ("const { BaseStore: Store } = require('./base-store');\n"
     "class Other extends Store {}\nmodule.exports = Other;\n", []),
    # A subclass passes its own parameter on, which a handler gives request data.
    ("const { BaseStore } = require('./base-store');\n"
     "class Named extends BaseStore { constructor(name, db) { super(name, db); } }\n"
     "module.exports = (req, db) => new Named(req.params.name, db);\n", [8]),
    # The class is handed on, or built by a function nothing here calls: no request is seen.
    ("const { BaseStore } = require('./base-store');\nmodule.exports = [BaseStore];\n", []),
    ("const Store = require('./base-store').BaseStore;\nmodule.exports = (t) => new Store(t);\n",
     []),
    # Another module writes the field.
    ("module.exports = (store, req) => { store.tableName = req.query.table; };\n", [8]),
])
def test_a_request_value_reaching_the_field_is_reported(project, other: str,
                                                        lines: list[int]) -> None:
    root = project({"package.json": APP, "src/base-store.js": BASE, "src/users.js": USERS,
                    "src/other.js": other})
    assert _lines(root) == [("src/base-store.js", line) for line in lines]


def test_a_test_file_building_the_class_proves_nothing_either_way(project) -> None:
    root = project({"package.json": APP, "src/base-store.js": BASE, "src/users.js": USERS,
                    "src/base-store.test.js": "const { BaseStore } = require('./base-store');\n"
                                              "new BaseStore(process.argv[2]);\n"})
    assert _lines(root) == []


def test_a_published_package_is_judged_on_the_code_it_holds(project) -> None:
    # Code this project does not hold may subclass BaseStore with any table name, but no
    # request is seen reaching it: not reported. A handler of its own giving one is.
    root = project({"package.json": LIBRARY, "src/base-store.js": BASE,
                    "src/users.js": USERS})
    assert _lines(root) == []
    (root / "src/serve.js").write_text("const { BaseStore } = require('./base-store');\n"
                                       "module.exports = (req) => new BaseStore(req.query.t);\n")
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
    # A method assigns the field from its argument, which a handler gives request data.
    (("  count(kind: string) {", "  rename(t: string) { this.table = t; }\n\n  count(kind: "
                                 "string) {"),
     15),
    # A handler writes the static field.
    (("export const accounts", ("export const setAudit = (req: any) => "
                               "{ AccountStore.AUDIT = req.query.t; };\n"
                               "export const accounts")), 17),
    # A private field set from a parameter of another method, which a handler gives request
    # data.
    (("  archived(id: number) {", ("  move(t: string) { this.#archive = t; }\n\n"
                                  "  archived(id: number) {")), 23),
    # The parameter property is given a request value.
    (("new AccountStore('account_history')",
      "new AccountStore('account_history');\n"
      "export const make = (req: any) => new AccountStore(req.query.h)"), 25),
])
def test_a_request_value_written_to_the_field_brings_that_finding_back(
        project, change: tuple[str, str], line: int) -> None:
    source = TS_STORE.replace(*change) + (
        "export const route = (req: any) => { accounts.rename?.(req.query.t); "
        "accounts.move?.(req.body.t); };\n" if "rename" in change[1] or "move" in change[1]
        else "")
    root = project({"package.json": APP, "src/account-store.ts": source})
    assert _lines(root) == [("src/account-store.ts", line)]


def test_a_method_writing_the_field_from_its_own_argument_alone_is_quiet(project) -> None:
    # Nothing gives `rename` a client's text.
    source = TS_STORE.replace("  count(kind: string) {",
                              "  rename(t: string) { this.table = t; }\n\n  count(kind: string) {")
    root = project({"package.json": APP, "src/account-store.ts": source})
    assert _lines(root) == []


def test_a_new_call_site_in_another_module_is_seen_despite_the_result_cache(project) -> None:
    root = project({"package.json": APP, "src/base-store.js": BASE, "src/users.js": USERS})

    def lines() -> list[int]:
        return [f.line for f in check(root, select=["sql-injection"], cache=True).findings
                if f.rule == "sql-injection"]

    assert lines() == []
    # Only users.js changes: base-store.js's scan is reused from the cache.
    (root / "src/users.js").write_text(USERS.replace("audit: (db) => new BaseStore('audit_log', "
                                                     "db)",
                                                     "audit: (req, db) => new BaseStore("
                                                     "req.query.t, db)"))
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


def test_a_published_package_exporting_the_table_class_is_quiet(project) -> None:
    root = project({"package.json": LIBRARY.replace("base-store", "vectors"),
                    "src/vectors.js": VECTORS})
    assert _lines(root) == []


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
    # Writers given an instance the module built write any field of its class (a key they
    # are given names the one property they write).
    ("Object.assign(users, req.body)", [5]),
    ("_.merge(users, req.body)", [5]),
    ("merge(users, req.body)", [5]),
    ("_.set(users, req.body.path, req.body.value)", [5]),
    ("Reflect.set(users, 'table', req.body.t)", [5]),
    ("Object.defineProperty(users, 'table', { value: req.body.t })", [5]),
    ("Object.assign(vectors, req.body)", [9]),
    # A function the rule does not follow is not assumed to write the instance.
    ("req.app.locals.configure(users, req.body)", []),
    ("req.app.locals.configure(vectors, req.body)", []),
])
def test_an_instance_given_to_a_property_writer_keeps_the_finding(
        project, write: str, lines: list[int]) -> None:
    root = project({"package.json": APP, "src/stores.js": STORES,
                    "src/routes.js": ROUTES % write})
    assert _lines(root) == [("src/stores.js", line) for line in lines]


@pytest.mark.parametrize(("body", "lines"), [
    # A writer given `this` writes the fields from what the constructor is given: a handler
    # builds the store with the request's body.
    ("Object.assign(this, opts)", [8]),
    ("_.extend(this, opts)", [8]),
    # A function the rule does not follow is not assumed to write them.
    ("configure(this, opts)", []),
])
def test_this_given_to_a_property_writer_in_the_class_keeps_the_finding(
        project, body: str, lines: list[int]) -> None:
    source = STORES.replace("constructor(table) { this.table = table; }",
                            f"constructor(table, opts) {{ this.table = table; {body}; }}")
    source = "const _ = require('lodash');\nconst configure = require('./c');\n" + source
    routes = ROUTES % "users.find(2)" + \
        "module.exports.make = (req) => new Store('users', req.body);\n"
    root = project({"package.json": APP, "src/stores.js": source, "src/routes.js": routes})
    assert _lines(root) == [("src/stores.js", line) for line in lines]


def test_many_classes_with_a_field_in_one_file_stay_linear(project) -> None:
    # One file of many classes, each `this.table = t` built from a request: every field
    # look-up walked the whole file (12.8 s at 3,000 classes; 0.5 s before class fields were
    # read). Counted steps, not time: 4 times the classes cost about 4 times the work.
    def make(count: int):
        classes = "".join(
            f"class S{i} {{ constructor(t) {{ this.table = t; }} "
            "find(id) { return pool.query(`SELECT * FROM ${this.table} WHERE id = $1`, [id]); } }\n"
            f"const s{i} = (req) => new S{i}(req.query.t{i});\n" for i in range(count))
        head = "const { Pool } = require('pg');\nconst pool = new Pool();\n"
        root = project({"package.json": APP, "src/store.js": head + classes}, f"n{count}")
        return lambda: _lines(root)

    _, findings = growth(make, 50)
    assert findings and all(path == "src/store.js" for path, _ in findings)
