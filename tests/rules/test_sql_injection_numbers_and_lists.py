"""sql-injection and SQL assembled with ``+=`` from pieces no client can steer: numbers
(``parseInt``, ``Number``, ``Math.*``, arithmetic), a ``map``/``join`` of an array that only
receives constant text, and placeholder names built from an array method's index parameter;
the same shapes fed with request text are still reported."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

PACKAGE = json.dumps({"name": "shop", "dependencies": {"express": "^4.19.0",
                                                       "sequelize": "^6.37.0"}})


def _app(handler: str) -> str:
    return (
        "const express = require('express');\n"
        "const { sequelize } = require('./db');\n"
        "const router = express.Router();\n"
        "router.get('/items', async (req, res) => {\n"
        f"{handler}"
        "  res.json(await sequelize.query(sql, { replacements: binds }));\n"
        "});\n"
        "module.exports = router;\n"
    )


def _findings(project, handler: str) -> list[int]:
    root = project({"package.json": PACKAGE, "items.js": _app(handler)})
    return [f.line for f in check(root, select=["sql-injection"]).findings
            if f.rule == "sql-injection"]


QUIET = {
    "parse_int": """
  const page = parseInt(req.query.page, 10) || 0;
  const size = Number(req.query.size);
  const binds = {};
  let sql = 'SELECT sku FROM items';
  sql += ` LIMIT ${size} OFFSET ${page * size}`;
  sql += ` -- ${Math.max(1, +req.query.n)} ${req.query.x | 0}`;
""",
    "map_of_constant_pieces": """
  const filters = [];
  const binds = {};
  if (req.query.colour) { filters.push('colour = :colour'); binds.colour = req.query.colour; }
  if (req.query.cheap) filters.push(`price < 10`);
  let sql = 'SELECT sku FROM items';
  if (filters.length) sql += ' WHERE ' + filters.map((f) => `(${f})`).join(' AND ');
""",
    "index_placeholder_names": """
  const { query } = req;
  const { labels } = query;
  const filters = [];
  const binds = {};
  (labels || []).forEach((label, n) => {
    const key = `label_${n}`;
    binds[key] = label;
    filters.push(`sku IN (SELECT sku FROM item_labels WHERE label = :${key})`);
  });
  (req.query.extra || '').split(',').map((word, i) => filters.push(`w = :w${i}`));
  let sql = 'SELECT sku FROM items';
  if (filters.length) sql += ' WHERE ' + filters.join(' OR ');
""",
}

LOUD = {
    "raw_value": """
  const size = req.query.size;
  const binds = {};
  let sql = 'SELECT sku FROM items';
  sql += ` LIMIT ${size}`;
""",
    "number_guarding_the_raw_text": """
  const size = req.query.size;
  const binds = {};
  let sql = 'SELECT sku FROM items';
  sql += ` LIMIT ${Number(size) ? size : 10}`;
""",
    "shadowed_parse_int": """
  const parseInt = (s) => s;
  const binds = {};
  let sql = 'SELECT sku FROM items';
  sql += ` LIMIT ${parseInt(req.query.size, 10)}`;
""",
    "map_over_request_pieces": """
  const filters = [];
  const binds = {};
  if (req.query.colour) filters.push(`colour = '${req.query.colour}'`);
  let sql = 'SELECT sku FROM items';
  if (filters.length) sql += ' WHERE ' + filters.map((f) => `(${f})`).join(' AND ');
""",
    "map_keys_are_not_indexes": """
  const wanted = new Map(Object.entries(req.query));
  const filters = [];
  const binds = {};
  wanted.forEach((value, name) => { binds[name] = value; filters.push(`c = :${name}`); });
  let sql = 'SELECT sku FROM items';
  if (filters.length) sql += ' WHERE ' + filters.join(' AND ');
""",
    "unknown_receiver": """
  const filters = [];
  const binds = {};
  req.app.locals.labels.forEach((label, n) => filters.push(`l = :l${n}`));
  let sql = 'SELECT sku FROM items';
  if (filters.length) sql += ' WHERE ' + filters.join(' AND ');
""",
    "index_overwritten": """
  const filters = [];
  const binds = {};
  [1, 2].forEach((label, n) => { n = req.query.n; filters.push(`l = :l${n}`); });
  let sql = 'SELECT sku FROM items';
  if (filters.length) sql += ' WHERE ' + filters.join(' AND ');
""",
}

#: An array that only seems to receive constants: something else may put request text in.
FILLED_ELSEWHERE = {
    # a helper it is handed to pushes the request's text
    "helper": ("function narrow(list, q) { if (q.colour) list.push(`colour = '${q.colour}'`); }\n",
               "  narrow(filters, req.query);\n"),
    # a second name for the same array
    "alias": ("", "  const more = filters;\n"
                  "  if (req.query.colour) more.push(`colour = '${req.query.colour}'`);\n"),
    # written through a subscript, no push
    "subscript": ("", "  if (req.query.colour) "
                      "filters[filters.length] = `colour = '${req.query.colour}'`;\n"),
    # a callback's third parameter is the array itself
    "callback_array": ("", "  filters.forEach((f, i, all) => all.push(req.query.colour));\n"),
}


def test_a_named_callback_pushing_a_number_is_quiet(project) -> None:
    # `filters.forEach(grow)` may push, but only a length: no client text.
    handler = ("  const filters = ['1 = 1'];\n  const binds = {};\n  filters.forEach(grow);\n"
               "  let sql = 'SELECT sku FROM items';\n  sql += ' WHERE ' + filters.join(' AND "
               "');\n")
    root = project({"package.json": PACKAGE, "items.js": (
        "function grow(f, i, all) { all.push(`c = '${all.length}'`); }\n" + _app(handler))})
    assert [f for f in check(root, select=["sql-injection"]).findings
            if f.rule == "sql-injection"] == []


@pytest.mark.parametrize("joined", ["filters.join(' AND ')",
                                    "filters.map((f) => `(${f})`).join(' AND ')"])
@pytest.mark.parametrize("case", sorted(FILLED_ELSEWHERE))
def test_array_filled_by_other_means_is_reported(project, case: str, joined: str) -> None:
    before, fill = FILLED_ELSEWHERE[case]
    handler = ("  const filters = ['1 = 1'];\n  const binds = {};\n" + fill +
               "  let sql = 'SELECT sku FROM items';\n"
               f"  sql += ' WHERE ' + {joined};\n")
    root = project({"package.json": PACKAGE, "items.js": before + _app(handler)})
    assert len([f for f in check(root, select=["sql-injection"]).findings
                if f.rule == "sql-injection"]) == 1


def test_push_after_the_query_in_a_loop_is_reported(project) -> None:
    # The second turn of the loop queries with what the first turn pushed.
    root = project({"package.json": PACKAGE, "items.js": _app(
        "  const filters = ['1 = 1'];\n  const binds = {};\n  let sql = '';\n"
        "  for (const key of Object.keys(req.query)) {\n"
        "    await sequelize.query('SELECT sku FROM items WHERE ' +\n"
        "      filters.map((f) => `(${f})`).join(' AND '));\n"
        "    filters.push(`${key} = '${req.query[key]}'`);\n"
        "  }\n")})
    assert [f.line for f in check(root, select=["sql-injection"]).findings
            if f.rule == "sql-injection"] == [9]


@pytest.mark.parametrize("receiver", [
    # an element of an array literal is whatever was put there
    "const groups = [new Map(Object.entries(req.query))];\n  groups[0]",
    # likewise an element of Object.values(...)
    "const sets = Object.values({ a: new Set(Object.keys(req.query)) });\n  sets[0]",
    # or a property destructured from such an array
    "const { 0: first } = [new Map(Object.entries(req.query))];\n  first",
])
def test_map_or_set_inside_an_array_gives_keys_not_indexes(project, receiver: str) -> None:
    handler = (f"  const binds = {{}};\n  let sql = 'SELECT sku FROM items WHERE 1 = 1';\n"
               f"  {receiver}.forEach((v, k) => {{ sql += ` AND ${{k}} = 1`; }});\n")
    assert len(_findings(project, handler)) == 1


@pytest.mark.parametrize("case", sorted(QUIET))
def test_pieces_no_client_steers_are_not_reported(project, case: str) -> None:
    assert _findings(project, QUIET[case]) == []


@pytest.mark.parametrize("case", sorted(LOUD))
def test_request_text_in_the_same_shapes_is_reported(project, case: str) -> None:
    assert len(_findings(project, LOUD[case])) == 1
