"""sql-injection names the substitution that is not constant: a fragment chosen by a
condition between constant texts stays in the SQL and is not blamed, and a statement whose only
built part besides values is such a fragment is reported without a rewrite (the fragment may
hold placeholders of its own)."""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = json.dumps({"name": "shop", "dependencies": {"express": "^4.19.0",
                                                       "sequelize": "^6.37.0"}})


def _messages(project, body: str) -> list[str]:
    source = (
        "const express = require('express');\n"
        "const { sequelize } = require('./db');\n"
        "const { conditions } = require('./search');\n"
        "const router = express.Router();\n"
        "router.get('/tags', async (req, res) => {\n"
        f"{body}"
        "});\n"
        "module.exports = router;\n"
    )
    root = project({"package.json": PACKAGE, "tags.js": source,
                    # builds its condition from the text it is given
                    "search.js": "exports.conditions = (term) => "
                                 "({ sql: `AND tag LIKE '%${term}%'` });\n"})
    result = check(root, select=["sql-injection"])
    return [f.message for f in result.findings if f.rule == "sql-injection"]


def test_the_fragment_built_elsewhere_is_blamed_not_the_constant_choice(project):
    messages = _messages(project, """
  const found = conditions(req.query.term);
  res.json(await sequelize.query(
    `SELECT tag FROM tags WHERE 1 = 1
      ${req.query.host ? `AND host = :host` : ``}
      ${found.sql}
      ORDER BY tag`, { replacements: { host: req.query.host } }));
""")
    assert len(messages) == 1
    assert "`found.sql` is an identifier or SQL fragment" in messages[0]
    assert "req.query.host ?" not in messages[0]


def test_an_order_by_from_the_request_is_blamed_after_a_constant_fragment(project):
    messages = _messages(project, """
  const where = req.query.mine ? 'AND owner = :me' : '';
  res.json(await sequelize.query(
    `SELECT tag FROM tags WHERE 1 = 1 ${where} ORDER BY ${req.query.sort}`,
    { replacements: { me: 1 } }));
""")
    assert len(messages) == 1
    assert "`req.query.sort` is an `ORDER BY`/`GROUP BY` column" in messages[0]


def test_values_next_to_a_constant_fragment_are_reported_without_a_rewrite(project):
    body = """
  const where = req.query.mine ? 'AND owner = 1' : '';
  res.json(await sequelize.query(`SELECT tag FROM tags WHERE name = ${req.query.name} ${where}`));
"""
    root = project({"package.json": PACKAGE, "tags.js": (
        "const express = require('express');\n"
        "const { sequelize } = require('./db');\n"
        "const router = express.Router();\n"
        "router.get('/tags', async (req, res) => {\n" + body + "});\n"
        "module.exports = router;\n")})
    findings = [f for f in check(root, select=["sql-injection"]).findings]
    assert len(findings) == 1
    assert findings[0].fix is None
    assert "fragments built in the code" in findings[0].message


def test_a_constant_choice_alone_is_not_reported(project):
    assert _messages(project, """
  res.json(await sequelize.query(
    `SELECT tag FROM tags ${req.query.all ? '' : 'WHERE shown = true'} ORDER BY tag`));
""") == []
