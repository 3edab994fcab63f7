"""input-validation infers each field's type and whether it is required from what the handler
does with it: one handler per case, the chains the unsafe fix writes (or the reason it writes
none), checked on the real fix output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden._api import check, fix

APP = """
const express = require('express');
const helpers = require('./helpers');
const app = express();
app.use(express.json());

app.post('/x/:id', (req, res) => {
%s
});

function localHelper(value) {
  return value.toUpperCase();
}

module.exports = app;
"""

HELPERS = """
exports.tags = ({ list, mode = 'all' }) => list.map((t) => t + mode.trim());
exports.count = (n) => Number(n) + 1;
"""

#: handler body -> chains the fix writes (in order), or the reason in the report-only finding
CASES = [
    # types from use
    ("res.json({ a: req.body.flag === false });",
     ["body('flag').optional().isIn([true, false, 'true', 'false', 'on'])"]),
    ("res.json({ on: Boolean(req.body.flag) });",
     ["body('flag').optional({ values: 'falsy' }).isIn([true, false, 'true', 'false', 'on'])"]),
    ("res.json({ n: req.query.limit * 2 });", ["query('limit').optional().isFloat().toFloat()"]),
    ("res.json({ n: parseInt(req.query.page) || 1 });",
     ["query('page').optional({ values: 'falsy' }).isInt().toInt()"]),
    ("for (const tag of req.body.tags) res.write(tag);\n  res.end();",
     ["body('tags').isArray()"]),
    ("res.json(req.body.items.filter(Boolean));", ["body('items').isArray()"]),
    ("res.json({ s: req.body.kind === 'admin' });", ["body('kind').optional().isString()"]),
    ("res.json({ e: req.body.contactEmail.toLowerCase() });", ["body('contactEmail').isString().isEmail()"]),
    # an email-like name alone decides nothing
    ("res.json({ e: req.body.email });", "req.body.email is only passed on as it is"),
    ("switch (req.body.kind) {\n    case 'a': return res.json(1);\n  }\n  res.end();",
     ["body('kind').optional().isString()"]),
    # a field the handler only writes is not read
    ("req.body.seen = true;\n  res.json(req.body.name.trim());", ["body('name').isString().trim()"]),
    # nested objects, also through an alias of req.body and a local
    ("const data = req.body;\n  const user = data.user;\n  res.json(user.name.trim());",
     ["body('user.name').isString().trim()"]),
    ("const { address: { city } = {} } = req.body;\n  res.json(city?.toUpperCase());",
     ["body('address.city').optional({ values: 'null' }).isString()"]),
    # required only when the handler requires it
    ("if (!req.body.title) return res.status(400).end();\n  res.json(req.body.title.trim());",
     ["body('title').isString()"]),
    ("const title = req.body.title ?? 'untitled';\n  res.json(title.trim());",
     ["body('title').optional({ values: 'null' }).isString().trim()"]),
    ("if (req.body.note) res.json(req.body.note.trim());\n  else res.end();",
     ["body('note').optional({ values: 'falsy' }).isString()"]),
    ("if (typeof req.body.note === 'undefined') return res.status(422).end();\n"
     "  res.json(req.body.note.trim());", ["body('note').isString()"]),
    # path parameters: only a narrower type than a string
    ("res.json({ id: Number(req.params.id) });", ["param('id').isFloat().toFloat()"]),
    ("if (!/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(req.params.id)) return res.sendStatus(404);\n"
     "  res.json({ id: req.params.id });", ["param('id').isUUID()"]),
    ("res.json({ id: req.params.id.toLowerCase(), q: req.query.q.trim() });",
     ["query('q').isString().trim()"]),
    # helpers: same file, and one level into a relative module (destructured parameter)
    ("res.json(localHelper(req.body.code));", ["body('code').isString()"]),
    ("res.json(helpers.tags(req.body.filter));",
     ["body('filter.list').isArray()", "body('filter.mode').optional().isString().trim()"]),
    ("res.json(helpers.count(req.query.n));", ["query('n').optional().isFloat().toFloat()"]),
    # unknown: report-only with the reason
    ("res.json({ n: req.body['user.name'].trim() });",
     "req.body.user.name has a name express-validator would read as a path"),
    ("res.json({ n: req.body.name.length });",
     "req.body.name is only used with .length (a string or an array)"),
    ("if (req.body.x) res.json(req.body.x);\n  else res.end();",
     "req.body.x is tested for presence and otherwise passed on as it is"),
    ("res.json({ a: req.body.v.trim(), b: req.body.v * 2 });",
     "req.body.v is used both as a string and as a number"),
    ("res.json({ n: req.body.user.name.trim(), u: req.body.user.trim() });",
     "req.body.user is used both as an object and as a string"),
]


@pytest.mark.parametrize("handler, expected", CASES, ids=[c[0][:50] for c in CASES])
def test_chain_from_use(handler: str, expected: list[str] | str, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"dependencies": {"express": "^5.1.0"}}),
        "app.js": APP % ("  " + handler), "helpers.js": HELPERS})
    findings = [f for f in check(root, select=["input-validation"]).findings
                if f.path == "app.js"]
    assert len(findings) == 1, findings
    if isinstance(expected, str):
        assert findings[0].fix is None
        assert f"(no automatic fix: {expected}" in findings[0].message or \
            f"; {expected}" in findings[0].message, findings[0].message
        return
    result, _ = fix(root, dry_run=True, select=["input-validation"], unsafe=True)
    out = result.final["app.js"].decode()
    route = out[out.index("app.post('/x/:id',") + len("app.post('/x/:id',"):out.index("validate,")]
    chains = [c.strip() for c in re.split(r",\s*(?=(?:body|query|param)\()", route.strip(" \n,"))]
    assert chains == expected, route


@pytest.mark.parametrize("handler", [
    "res.json({ slug: req.params.id.toLowerCase() });",
    "res.json({ first: req.params.id[0] });",  # indexing a string parameter is fine
    "res.json({ id: req.params.id });",
])
def test_path_parameter_used_as_a_string_is_not_reported(handler: str, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"dependencies": {"express": "^5.1.0"}}),
        "app.js": APP % ("  " + handler), "helpers.js": HELPERS})
    assert check(root, select=["input-validation"]).findings == []
