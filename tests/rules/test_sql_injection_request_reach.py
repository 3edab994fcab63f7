"""sql-injection reports a query only when a client's text may reach the SQL it builds: the
shapes real apps hand request data on by (default and renamed exports, barrels, helpers, the
class's own methods, callbacks, `res.locals`, `router.param`, framework-called functions,
sockets, several layers deep) are followed; the program's own values (ids from the database,
dates, configuration, values checked against an allow-list, a same-named method of a
package's object) are not reported."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

PG = json.dumps({"name": "app", "dependencies": {"express": "^5.1.0", "pg": "^8.16.0"}})
POOL = "const { Pool } = require('pg');\nconst pool = new Pool();\n"
ROUTER = "const express = require('express');\nconst router = express.Router();\n"

LOUD: dict[str, dict[str, str]] = {
    "commonjs_default_export": {
        "find.js": POOL + "module.exports = async function (name) {\n"
                          "  return pool.query(`SELECT * FROM users WHERE name = "
                          "'${name}'`);\n};\n",
        "routes.js": ROUTER + "const find = require('./find');\n"
                              "router.get('/', (req, res) => find(req.query.name));\n",
    },
    "esm_default_arrow": {
        "find.mjs": "import pg from 'pg';\nconst pool = new pg.Pool();\n"
                    "export default async (name) => pool.query(`SELECT * FROM t WHERE n = "
                    "'${name}'`);\n",
        "routes.mjs": "import find from './find.mjs';\n"
                      "export const handler = (req, res) => find(req.body.name);\n",
    },
    "renamed_export": {
        "users.js": POOL + "function listUsers(sort) {\n"
                           "  return pool.query(`SELECT * FROM users ORDER BY ${sort}`);\n}\n"
                           "module.exports = { list: listUsers };\n",
        "routes.js": ROUTER + "const users = require('./users');\n"
                              "router.get('/', (req, res) => users.list(req.query.sort));\n",
    },
    "res_locals_from_a_middleware": {
        "app.js": ROUTER + POOL +
        "router.use((req, res, next) => { res.locals.tenant = req.get('x-tenant'); next(); });\n"
        "router.get('/', (req, res) => pool.query(`SELECT * FROM ${res.locals.tenant}.items`));\n",
    },
    "router_param": {
        "app.js": ROUTER + POOL +
        "router.param('slug', (req, res, next, slug) => {\n"
        "  pool.query(`SELECT * FROM posts WHERE slug = '${slug}'`).then(() => next());\n});\n",
    },
    "promise_then": {
        "app.js": ROUTER + POOL +
        "const check = (q) => Promise.resolve(q);\n"
        "router.get('/', (req, res) => check(req.query).then((opts) =>\n"
        "  pool.query(`SELECT * FROM items WHERE colour = '${opts.colour}'`)));\n",
    },
    "the_class_own_helper_method": {
        "repo.js": POOL + "class Repo {\n"
                          "  whereFor(f) { return f.name ? `WHERE name = '${f.name}'` : ''; }\n"
                          "  list(f) { return pool.query(`SELECT * FROM t ${this.whereFor(f)}`); "
                          "}\n"
                          "}\nmodule.exports = new Repo();\n",
        "routes.js": ROUTER + "const repo = require('./repo');\n"
                              "router.get('/', (req, res) => repo.list(req.query));\n",
    },
    "a_typescript_barrel": {
        "src/util/sql.ts": "export function orderBy(sort?: string) { return sort ? `ORDER BY "
                           "${sort}` : ''; }\n",
        "src/util/index.ts": "export { orderBy } from './sql';\nexport * from './other';\n",
        "src/util/other.ts": "export const trim = (s: string) => s.trim();\n",
        "src/routes.ts": "import { Pool } from 'pg';\nimport { orderBy } from './util';\n"
                         "const pool = new Pool();\n"
                         "export const list = (req: any) => pool.query(`SELECT * FROM t "
                         "${orderBy(req.query.sort)}`);\n",
    },
    "a_helper_object_with_method_shorthand": {
        "helpers.js": "const helpers = {\n  order(sort) { return sort ? `ORDER BY ${sort}` : ''; "
                      "},\n};\n"
                      "module.exports = helpers;\n",
        "routes.js": ROUTER + POOL + "const { order } = require('./helpers');\n"
                     "router.get('/', (req, res) => pool.query(`SELECT * FROM t "
                     "${order(req.query.s)}`));\n",
    },
    "a_static_helper_exported_as_the_class": {
        "sql.js": "class Sql { static order(s) { return s ? 'ORDER BY ' + s : ''; } }\n"
                  "module.exports = Sql;\n",
        "routes.js": ROUTER + POOL + "const { order } = require('./sql');\n"
                     "router.get('/', (req, res) => pool.query(`SELECT * FROM t "
                     "${order(req.query.s)}`));\n",
    },
    "a_nest_query_parameter": {
        "items.controller.ts": "import { Pool } from 'pg';\nconst pool = new Pool();\n"
                               "export class ItemsController {\n"
                               "  list(@Query('sort') sort: string) {\n"
                               "    return pool.query(`SELECT * FROM items ORDER BY ${sort}`);\n  "
                               "}\n}\n",
    },
    "graphql_destructured_arguments": {
        "resolvers.js": POOL + "module.exports = {\n  Query: {\n"
                               "    items: (_, { name }) => pool.query(`SELECT * FROM items WHERE "
                               "name = '${name}'`),\n"
                               "  },\n};\n",
    },
    "a_websocket_message": {
        "ws.js": POOL + "module.exports = (server) => server.on('connection', (peer) => {\n"
                        "  peer.on('message', (text) => pool.query(`INSERT INTO log VALUES "
                        "('${text}')`));\n});\n",
    },
    "an_async_wrapper_with_destructured_request": {
        "app.js": ROUTER + POOL + "const wrap = (fn) => (req, res, next) => fn(req, "
                                  "res).catch(next);\n"
                  "router.get('/', wrap(async ({ query }, res) => {\n"
                  "  res.json(await pool.query(`SELECT * FROM books WHERE author = "
                  "'${query.author}'`));\n}));\n",
    },
    "five_layers_deep": {
        "repo.js": POOL + "exports.byName = (n) => pool.query(`SELECT * FROM t WHERE n = "
                          "'${n}'`);\n",
        "service.js": "const repo = require('./repo');\nexports.find = (n) => repo.byName(n);\n",
        "usecase.js": "const service = require('./service');\nexports.run = (n) => "
                      "service.find(n);\n",
        "controller.js": "const usecase = require('./usecase');\nexports.get = (q) => "
                         "usecase.run(q.name);\n",
        "routes.js": ROUTER + "const controller = require('./controller');\n"
                     "router.get('/', (req, res) => controller.get(req.query));\n",
    },
    "a_builder_class_pushing_into_a_field": {
        "builder.js": POOL + "class Where {\n  constructor() { this.parts = []; }\n"
                      "  eq(col, v) { this.parts.push(`${col} = '${v}'`); return this; }\n"
                      "  run() { return pool.query(`SELECT * FROM t WHERE ${this.parts.join(' AND "
                      "')}`); }\n"
                      "}\nmodule.exports = Where;\n",
        "routes.js": ROUTER + "const Where = require('./builder');\n"
                     "router.get('/', (req, res) => new Where().eq('name', "
                     "req.query.name).run());\n",
    },
}

QUIET: dict[str, dict[str, str]] = {
    "ids_and_dates_of_the_program": {
        "jobs.js": POOL + "exports.purge = async () => {\n"
                          "  const { rows } = await pool.query('SELECT id FROM old');\n"
                          "  const since = new Date(Date.now() - 864e5).toISOString();\n"
                          "  return pool.query(`DELETE FROM log WHERE id IN (${rows.map((r) => "
                          "r.id).join(',')})"
                          " AND at < '${since}'`);\n};\n",
    },
    "an_allow_list_ternary": {
        "app.js": ROUTER + POOL + "const SORTABLE = ['name', 'price'];\n"
                  "router.get('/', (req, res) => {\n"
                  "  const sort = SORTABLE.includes(req.query.sort) ? req.query.sort : 'name';\n"
                  "  return pool.query(`SELECT * FROM items ORDER BY ${sort}`);\n});\n",
    },
    "an_allow_list_guard": {
        "app.js": ROUTER + POOL + "const TABLES = new Set(['notes', 'blobs']);\n"
                  "router.post('/sync', (req, res) => {\n  const { table } = req.body;\n"
                  "  if (!TABLES.has(table)) { return res.sendStatus(400); }\n"
                  "  return pool.query(`DELETE FROM ${table} WHERE id = $1`, "
                  "[req.body.id]);\n});\n",
    },
    "a_package_method_of_the_same_name": {
        "store.js": POOL + "exports.update = (table, id) => pool.query(`UPDATE ${table} SET seen "
                           "= true WHERE id = $1`, [id]);\n"
                           "exports.touch = () => exports.update('items', 1);\n",
        "auth.js": "const crypto = require('crypto');\n"
                   "exports.hash = (req) => "
                   "crypto.createHash('sha256').update(req.body.password).digest('hex');\n",
    },
    "a_constant_map_picked_by_the_request": {
        "app.js": ROUTER + POOL + "const ORDER = { new: 'created_at DESC', old: 'created_at ASC' "
                                  "};\n"
                  "router.get('/', (req, res) => pool.query(`SELECT * FROM t ORDER BY "
                  "${ORDER[req.query.o]}`));\n",
    },
    "rows_a_query_callback_is_given": {
        "app.js": ROUTER + POOL + "router.get('/:id', (req, res) => pool.query(\n"
                  "  'SELECT id FROM users WHERE id = $1', [req.params.id], (err, rows) =>\n"
                  "    pool.query(`SELECT * FROM orders WHERE user_id = ${rows[0].id}`)));\n",
    },
    "a_function_no_caller_gives_client_text": {
        "db.js": POOL + "exports.count = (table) => pool.query(`SELECT count(*) FROM ${table}`);\n"
                        "exports.all = () => ['users', 'items'].map((t) => exports.count(t));\n",
    },
}


def _lines(project, files: dict[str, str], name: str) -> list[tuple[str, int]]:
    root = project({"package.json": PG, **files}, name=name)
    return [(f.path, f.line) for f in check(root, select=["sql-injection"]).findings
            if f.rule == "sql-injection"]


@pytest.mark.parametrize("case", sorted(LOUD))
def test_request_data_handed_on_is_followed(project, case: str) -> None:
    assert len(_lines(project, LOUD[case], case)) == 1


@pytest.mark.parametrize("case", sorted(QUIET))
def test_the_program_own_values_are_not_reported(project, case: str) -> None:
    assert _lines(project, QUIET[case], case) == []
