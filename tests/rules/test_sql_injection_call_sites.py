"""sql-injection and call sites: a parameter of a function or method the module alone calls
is constant text when every call passes it constant text (through the callers' own
parameters, three calls deep), and a name checked against a constant list of literals by an
``if`` that leaves the function is constant after the check. Any call the module cannot see
or that passes other text, and any check that does not dominate the query or whose list may
change, keeps the finding."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

APP = json.dumps({"name": "app", "private": True,
                  "dependencies": {"express": "^5.1.0", "pg": "^8.16.0"}})
HEAD = "const { Pool } = require('pg');\nconst pool = new Pool();\n"
HELPER = "function wipe(t) { return pool.query(`DELETE FROM ${t}`); }\nwipe('a');\n"
CLASS = ("class Jobs {\n  rows(t) { return pool.query(`SELECT * FROM ${t}`); }\n"
         "  run() { this.rows('a'); }\n}\n")
LIST = "const OK = ['a', 'b'];\n"


def _lines(root) -> list[int]:
    return [f.line for f in check(root, select=["sql-injection"]).findings
            if f.rule == "sql-injection"]


@pytest.mark.parametrize("body", [
    HELPER,
    HELPER.replace("wipe('a')", "const T = 'b';\nwipe(T)"),
    # Two and three calls deep.
    "function wipe(t) { return pool.query(`DELETE FROM ${t}`); }\n"
    "function step(t) { wipe(t); }\nfunction outer(t) { step(t); }\nouter('a');\n",
    "const wipe = (t) => pool.query(`DELETE FROM ${t}`);\nwipe('a');\n",
    CLASS + "module.exports = () => new Jobs().run();\n",
    CLASS + "module.exports = () => { const j = new Jobs(); j.run(); j.rows('b'); };\n",
    LIST + "module.exports = (req) => {\n  const t = req.body.t;\n"
    "  if (!OK.includes(t)) return;\n  return pool.query(`SELECT * FROM ${t}`);\n};\n",
    LIST + "module.exports = (req) => {\n  const { t } = req.body;\n"
    "  if (OK.indexOf(t) < 0) { throw new Error('no'); }\n"
    "  return [1].map(() => pool.query(`SELECT * FROM ${t}`));\n};\n",
])
def test_constant_by_every_call_site_or_allow_list(project, body) -> None:
    root = project({"package.json": APP, "app.js": HEAD + body})
    assert _lines(root) == []


@pytest.mark.parametrize("body", [
    HELPER + "module.exports = (req) => wipe(req.query.t);\n",
    HELPER + "module.exports = { wipe };\n",
    HELPER.replace("function wipe", "export function wipe"),
    HELPER + "const ops = { wipe };\nmodule.exports = (req) => ops[req.body.op]('x');\n",
    HELPER + "module.exports = (req) => wipe.call(null, req.query.t);\n",
    HELPER + "module.exports = (req) => wipe(...req.body.args);\n",
    HELPER + "module.exports = () => wipe();\n",
    # A function that passes its own parameter back to itself proves nothing.
    "function wipe(t, n) { if (n) wipe(t, n - 1); return pool.query(`DELETE FROM ${t}`); }\n"
    "wipe('a', 2);\n",
    # Four calls deep is past the limit.
    "function wipe(t) { return pool.query(`DELETE FROM ${t}`); }\n"
    "function s1(t) { wipe(t); }\nfunction s2(t) { s1(t); }\nfunction s3(t) { s2(t); }\n"
    "function s4(t) { s3(t); }\ns4('a');\n",
    "function wipe(t) { return pool.query(`DELETE FROM ${t}`); }\n"
    "function step(t) { wipe(t); }\nstep('a');\nmodule.exports = (req) => step(req.params.t);\n",
    "function wipe(t) { t = t.trim(); return pool.query(`DELETE FROM ${t}`); }\nwipe('a');\n",
    CLASS + "module.exports = (req) => { const j = new Jobs(); j.rows(req.body.t); };\n",
    CLASS + "module.exports = Jobs;\n",
    CLASS + "class More extends Jobs { go(req) { this.rows(req.body.t); } }\n"
    "module.exports = (req) => new More().go(req);\n",
    CLASS + "const handle = require('./other');\n"
    "module.exports = (req) => { const j = new Jobs(); handle(j, req); };\n",
    CLASS + "module.exports = (req) => { const j = new Jobs(); j['rows'](req.body.t); };\n",
    CLASS + "module.exports = (req) => {\n  const j = new Jobs();\n"
    "  j.constructor.prototype[req.body.m](req.body.t);\n};\n",
    CLASS.replace("run() { this.rows('a'); }", "run(req) { this[req.body.m](req.body.t); }") +
    "module.exports = (req) => { const j = new Jobs(); j.run(req); };\n",
    CLASS.replace("run() {", "run() { return this; }\n  again() {") +
    "module.exports = (req) => { const j = new Jobs(); j.run().rows(req.body.t); };\n",
    # Allow-lists that do not hold.
    LIST + "module.exports = (req) => {\n  OK.push(req.body.more);\n  const t = req.body.t;\n"
    "  if (!OK.includes(t)) return;\n  return pool.query(`SELECT * FROM ${t}`);\n};\n",
    LIST + "module.exports = (req) => {\n  const t = req.body.t;\n"
    "  if (!OK.includes(t)) console.log(t);\n  return pool.query(`SELECT * FROM ${t}`);\n};\n",
    LIST + "module.exports = (req) => {\n  let t = req.body.t;\n"
    "  if (!OK.includes(t)) return;\n  t = req.body.u;\n"
    "  return pool.query(`SELECT * FROM ${t}`);\n};\n",
    LIST + "module.exports = (req) => {\n  const t = req.body.t;\n  inner();\n"
    "  if (!OK.includes(t)) return;\n"
    "  function inner() { return pool.query(`SELECT * FROM ${t}`); }\n};\n",
    LIST + "module.exports = (req) => {\n  const t = req.body.t;\n"
    "  const go = () => pool.query(`SELECT * FROM ${t}`);\n  go();\n"
    "  if (!OK.includes(t)) return;\n  return go();\n};\n",
    LIST + "module.exports = (req) => {\n  for (const t of req.body.ts) {\n"
    "    if (!OK.includes(t)) { if (req.body.lax) break; return; }\n"
    "    pool.query(`SELECT * FROM ${t}`);\n  }\n};\n",
    "const OK = ['a', globalThis.extra];\nmodule.exports = (req) => {\n  const t = req.body.t;\n"
    "  if (!OK.includes(t)) return;\n  return pool.query(`SELECT * FROM ${t}`);\n};\n",
    LIST + "function q(req) {\n  const t = req.body.t;\n"
    "  if (!OK.includes(t)) return;\n  return pool.query(`SELECT * FROM ${t}`);\n}\n"
    "module.exports = { q, OK };\n",
    LIST + "module.exports = (req) => {\n  const t = req.body.t;\n"
    "  if (!OK.includes(t)) return;\n  const f = (t) => pool.query(`SELECT * FROM ${t}`);\n"
    "  return f(req.body.u);\n};\n",
])
def test_other_text_may_reach_the_query(project, body) -> None:
    root = project({"package.json": APP, "app.js": HEAD + body})
    assert _lines(root), body


def test_typescript_method_and_parameters(project) -> None:
    source = HEAD + (
        "class Checks {\n  private fix: boolean;\n  constructor(fix: boolean) { this.fix = fix; }\n"
        "  scan(table: string, key: string) {\n"
        "    return pool.query(`SELECT ${key} FROM ${table}`);\n  }\n"
        "  all() { this.scan('notes', 'note_id'); this.scan('tags', 'tag_id'); }\n}\n"
        "export function run() { const c = new Checks(true); c.all(); }\n")
    assert _lines(project({"package.json": APP, "app.ts": source})) == []
    assert _lines(project({"package.json": APP, "app.ts": source.replace(
        "this.scan('tags', 'tag_id')", "this.scan('tags', globalThis.key)")}, "other")) == [7]
