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


@pytest.mark.parametrize("case", sorted(QUIET))
def test_pieces_no_client_steers_are_not_reported(project, case: str) -> None:
    assert _findings(project, QUIET[case]) == []


@pytest.mark.parametrize("case", sorted(LOUD))
def test_request_text_in_the_same_shapes_is_reported(project, case: str) -> None:
    assert len(_findings(project, LOUD[case])) == 1
