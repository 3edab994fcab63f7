"""sql-injection and callers of a function in another module: a call counts as one of the
function's callers only when its callee may be that function. Two project modules with a method
of the same name are two functions: a route calling one of them does not reach the other's SQL.
A call whose receiver the rule cannot resolve still counts for a name only one module defines."""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = json.dumps({"name": "ledger", "dependencies": {"express": "^4.19.0",
                                                        "mysql2": "^3.9.0"}})

DB = "const mysql = require('mysql2/promise');\nmodule.exports = mysql.createPool({});\n"

# The store builds SQL from what it is given; the report module maps the client's period to
# fixed text first, under a method of the same name.
STORE = """\
const db = require('./db');
class EntryStore {
  async totals(period) {
    return db.query(`SELECT SUM(amount) FROM entries WHERE made > NOW() - INTERVAL ${period}`);
  }
  async byKind(kind) {
    return db.query(`SELECT * FROM entries WHERE kind = '${kind}'`);
  }
}
module.exports = new EntryStore();
"""

REPORT = """\
const store = require('./store');
class Report {
  span(period) { return period === 'week' ? '7 DAY' : '1 DAY'; }
  async totals(period) {
    return store.totals(this.span(period));
  }
}
module.exports = new Report();
"""


def _lines(project, files: dict[str, str]) -> dict[str, list[int]]:
    root = project({"package.json": PACKAGE, "db.js": DB, **files})
    found: dict[str, list[int]] = {}
    for f in check(root, select=["sql-injection"]).findings:
        if f.rule == "sql-injection":
            found.setdefault(f.path, []).append(f.line)
    return found


def test_a_same_named_method_of_another_module_is_no_caller(project) -> None:
    routes = """\
const express = require('express');
const report = require('./report');
const app = express();
app.get('/totals/:p', async (req, res) => res.json(await report.totals(req.params.p)));
"""
    assert _lines(project, {"store.js": STORE, "report.js": REPORT, "routes.js": routes}) == {}


def test_a_same_named_function_imported_by_name_or_namespace_is_no_caller(project) -> None:
    report = """\
const store = require('./store');
function span(period) { return period === 'week' ? '7 DAY' : '1 DAY'; }
exports.totals = (period) => store.totals(span(period));
"""
    routes = """\
const express = require('express');
const { totals } = require('./report');
const reports = require('./report');
const app = express();
app.get('/a/:p', async (req, res) => res.json(await totals(req.params.p)));
app.get('/b/:p', async (req, res) => res.json(await reports.totals(req.params.p)));
"""
    assert _lines(project, {"store.js": STORE, "report.js": report, "routes.js": routes}) == {}


def test_the_module_own_callers_still_count(project) -> None:
    routes = """\
const express = require('express');
const report = require('./report');
const store = require('./store');
const app = express();
app.get('/totals/:p', async (req, res) => res.json(await report.totals(req.params.p)));
app.get('/raw/:p', async (req, res) => res.json(await store.totals(req.params.p)));
"""
    assert _lines(project, {"store.js": STORE, "report.js": REPORT, "routes.js": routes}) == \
        {"store.js": [4]}


def test_an_unresolved_receiver_counts_for_a_name_one_module_defines(project) -> None:
    # `deps.store` is not an import: `byKind` is defined once in the project, so the call is
    # taken as that one's; `totals`, defined by two modules, is not given to either by name.
    routes = """\
const express = require('express');
const report = require('./report');
module.exports = (deps) => {
  const app = express();
  app.get('/k', async (req, res) => res.json(await deps.store.byKind(req.query.k)));
  app.get('/t', async (req, res) => res.json(await deps.store.totals(req.query.t)));
  app.get('/r', async (req, res) => res.json(await report.totals(req.query.t)));
  return app;
};
"""
    assert _lines(project, {"store.js": STORE, "report.js": REPORT, "routes.js": routes}) == \
        {"store.js": [7]}


def test_this_call_counts_inside_its_own_class_only(project) -> None:
    # Audit's `this.totals` is Audit's own method; a subclass of the store inherits the store's.
    audit = """\
class Audit {
  totals(period) { return `${period}`; }
  run(req) { return this.totals(req.query.p); }
}"""
    sweep = """\
class Sweep extends EntryStore {
  run(req) { return this.totals(req.query.p); }
}"""
    for extra, expected in ((audit, {}), (audit + "\n" + sweep, {"store.js": [4]})):
        store = STORE.replace("module.exports = new EntryStore();",
                              extra + "\nmodule.exports = { store: new EntryStore(), Audit };")
        assert _lines(project, {"store.js": store}) == expected
