"""input-validation infers each field's type and whether it is required from what the handler
does with it: one handler per case, the chains the unsafe fix writes (or the reason it writes
none), checked on the real fix output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from _complexity import growth
from conftest import write_tree
from nodeharden._api import check, fix

#: Most cases here are robustness-only (a type that only makes the handler fail): reported with
#: the option, as issue #16's inference is about every field's type (the default reports a route
#: only for an injection-class harm: test_robustness_only_routes_need_the_option).
ROBUSTNESS = "input_validation: {robustness: true}\n"

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
exports.byId = (id) => db.get('SELECT * FROM t WHERE id = ?', [id]);
exports.shout = (options) => options.word.toUpperCase();
"""

#: the chain of the field that makes the cases below with only inert fields reported
T = "query('t').isString().trim()"

#: handler body -> chains the fix writes (in order), or the reason in the report-only finding
CASES = [
    # types from use
    # (a field only compared with a literal or tested for presence is not worth a finding on
    # its own, see INERT: `t` makes the handler reported, and the chain covers both)
    ("res.json({ a: req.body.flag === false, t: req.query.t.trim() });",
     ["body('flag').optional().isIn([true, false, 'true', 'false', 'on'])", T]),
    ("res.json({ on: Boolean(req.body.flag), t: req.query.t.trim() });",
     ["body('flag').optional({ values: 'falsy' }).isIn([true, false, 'true', 'false', 'on'])",
      T]),
    ("res.json({ n: req.query.limit * 2 });", ["query('limit').optional().isFloat().toFloat()"]),
    ("res.json(list.slice(0, parseInt(req.query.page || '1')));",
     ["query('page').optional({ values: 'falsy' }).isInt().toInt()"]),
    ("for (const tag of req.body.tags) res.write(tag);\n  res.end();",
     ["body('tags').isArray()"]),
    ("res.json(req.body.items.filter(Boolean));", ["body('items').isArray()"]),
    ("res.json({ s: req.body.kind === 'admin', t: req.query.t.trim() });",
     ["body('kind').optional().isString()", T]),
    ("res.json({ e: req.body.contactEmail.toLowerCase() });", ["body('contactEmail').isString().isEmail()"]),
    # an email-like name alone decides nothing
    ("res.json(directory.lookup(req.body.email));", "req.body.email is only passed on as it is"),
    ("switch (req.body.kind) {\n    case 'a': return res.json(1);\n  }\n"
     "  res.json(req.query.t.trim());",
     ["body('kind').optional().isString()", T]),
    # a field the handler only writes is not read
    ("req.body.seen = true;\n  res.json(req.body.name.trim());", ["body('name').isString().trim()"]),
    # nested objects, also through an alias of req.body and a local
    ("const data = req.body;\n  const user = data.user;\n  res.json(user.name.trim());",
     ["body('user.name').isString().trim()"]),
    ("const { address: { city } = {} } = req.body;\n  res.json(city?.toUpperCase());",
     ["body('address.city').optional({ values: 'null' }).isString()"]),
    # required only when the handler requires it
    ("if (!req.body.title) return res.status(400).end();\n"
     "  res.json({ a: req.body.title.trim(), t: req.query.t.trim() });",
     ["body('title').isString()", T]),
    # (a default or a presence test takes away the harm of a method call, see INERT: `t`
    # makes these handlers reported)
    ("const title = req.body.title ?? 'untitled';\n"
     "  res.json({ a: title.trim(), t: req.query.t.trim() });",
     ["body('title').optional({ values: 'null' }).isString().trim()", T]),
    ("if (req.body.note) res.json(req.body.note.trim());\n  else res.json(req.query.t.trim());",
     ["body('note').optional({ values: 'falsy' }).isString()", T]),
    ("if (typeof req.body.note === 'undefined') return res.status(422).end();\n"
     "  res.json({ a: req.body.note.trim(), t: req.query.t.trim() });",
     ["body('note').isString()", T]),
    # path parameters: only a narrower type than a string
    ("res.json({ id: Number(req.params.id) });", ["param('id').isFloat().toFloat()"]),
    ("if (!/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(req.params.id)) return res.sendStatus(404);\n"
     "  res.json({ id: req.params.id, t: req.query.t.trim() });", ["param('id').isUUID()", T]),
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
     "req.body.name is only used with .length (strings and arrays both have it)"),
    ("res.json({ n: req.body.name.slice(0, 9), m: req.body.name.at(-1) });",
     "req.body.name is only used with .slice() and .at() (strings and arrays both have them)"),
    ("if (req.body.x) res.status(201);\n  directory.add(req.body.x);\n  res.end();",
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
        ".nodeharden.yml": ROBUSTNESS,
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


#: Handlers whose every read is a comparison with a literal, a presence test, a bound SQL
#: parameter of a lookup or an ORM key, or which turn a missing or mistyped value away
#: themselves: no finding (a maintainer would not add a validator for these).
INERT = [
    "res.json({ a: req.body.flag === false });",
    "res.json({ on: Boolean(req.body.flag) });",
    "res.json({ s: req.body.kind === 'admin' });",
    "switch (req.body.kind) {\n    case 'a': return res.json(1);\n  }\n  res.end();",
    "if (!req.body.title) return res.status(400).end();\n  res.json(req.body.title.trim());",
    "if (typeof req.body.note === 'undefined') return res.status(422).end();\n"
    "  res.json(req.body.note.trim());",
    "if (typeof req.body.note !== 'string') throw new HttpError(400, 'note');\n"
    "  res.json(req.body.note.trim());",
    "db.get('SELECT * FROM t WHERE id = ? AND kind = ?', [req.params.id, req.query.kind], "
    "(e, row) => res.json(row));",
    "db.query('DELETE FROM t WHERE id = $1', [req.body.id]).then(() => res.end());",
    "const params = [];\n  if (req.query.genre) params.push(`%${req.query.genre}%`);\n"
    "  db.all('SELECT * FROM books WHERE genre LIKE ?', params, (e, rows) => res.json(rows));",
    "const stmt = db.prepare('SELECT * FROM t WHERE id = ?');\n  stmt.get([req.body.id]);\n"
    "  res.end();",
    "db.run('UPDATE t SET seen = 1 WHERE id = $id', { $id: req.query.id }, () => res.end());",
    "Book.findById(req.params.id).then((b) => res.json(b));",
    "prisma.user.findUnique({ where: { username: req.params.id } }).then((u) => res.json(u));",
    "const { username } = req.params;\n  User.findOne({ where: { username } }).then(res.json);",
    "res.json(typeof req.body.x === 'string' ? req.body.x.trim() : '');",
    "res.json(Array.isArray(req.body.ids) ? req.body.ids.map(Number) : []);",
    "const email = req.body.email?.trim();\n  if (!email) throw new HttpError(422, 'email');\n"
    "  res.json({ email });",
    "const name = req.body.name.trim().toLowerCase();\n"
    "  if (!name) return res.status(400).json({ error: 'name' });\n  res.json({ name });",
    # issue 14: stored as data (a bound parameter of a write, an ORM write), echoed into a JSON
    # answer, handed to a function of the project that cannot be followed, converted and used
    # as a key by a helper, or handed to a library only after a presence test: no harm seen
    "db.run('INSERT INTO t (name) VALUES (?)', [req.body.name], () => res.end());",
    "db.run('UPDATE t SET name = ? WHERE id = ?', [req.body.name, req.params.id], "
    "() => res.end());",
    "if (!req.body.a) return res.status(400).end();\n"
    "  db.run('INSERT INTO t (a, b) VALUES (?, ?)', [req.body.a, req.body.b]);\n  res.end();",
    "Author.create({ name: req.body.name }).then((a) => res.status(201).json(a));",
    "prisma.user.update({ where: { id: 1 }, data: { ...(req.body.bio ? { bio: req.body.bio } "
    ": {}) } }).then(() => res.end());",
    "res.json({ echo: req.query.q });",
    "const item = { name: req.body.name, done: false };\n  helpers.store(item);\n  res.send(item);",
    "helpers.remove(req.body.id);\n  res.end();",
    "res.json(helpers.byId(Number(req.params.id)));",
    "res.json({ n: parseInt(req.query.page) || 1 });",  # NaN falls back as well
    "prisma.post.findMany({ where: { id: Number(req.query.id) } }).then(res.json);",
    "if (req.body.password) bcrypt.hash(req.body.password, 10).then(() => res.end());\n"
    "  else res.end();",
    # held-out review: a default, a presence test or the handler's own try/catch that answers
    # takes away the harm of a method call (another type only makes it throw: a 500, no risk)
    "const t = (req.body.t || '').slice(0, 300).trim();\n  res.json({ t });",
    "const { t = '' } = req.body;\n  res.json({ t: t.trim() });",
    "res.json({ e: req.body.useEmail && req.body.email ? req.body.email.toLowerCase() : null });",
    "res.json(typeof req.body.x === 'undefined' ? '' : req.body.x.trim());",
    "const { email, useEmail } = req.body;\n"
    "  res.json({ e: useEmail && email ? email.toLowerCase().trim() : null });",
    "try {\n    res.json({ e: req.body.email.toLowerCase() });\n  } catch (e) {\n"
    "    req.flash('errors', { msg: 'failed' });\n    res.redirect('/login');\n  }",
    "try {\n    res.json({ n: req.body.list.length });\n  } catch (err) {\n    next(err);\n  }",
    # total functions and logging take any value
    "const q = req.query.q || 'Happy';\n  fetch(`https://api.example/s?q=${encodeURIComponent(q)}`)"
    ".then(() => res.end());",
    "res.json({ s: String(req.body.s), j: JSON.stringify(req.body.j) });",
    "logger.debug('Calling sign-out with body: %o', req.body);\n  res.end();",
    "console.log('got ' + req.body.name, req.query);\n  this.logger.info(`q=${req.query.q}`);\n"
    "  res.end();",
    # a strict comparison with another value is only false for another type
    "res.json(list.filter((i) => i.id !== req.body.productId));",
    "switch (req.body.kind) {\n    case KIND_A: return res.json(1);\n  }\n  res.end();",
    # stored in a document that is then saved: data, like an ORM write
    "const user = req.user;\n  const found = user.items.find((i) => i.id === req.body.id);\n"
    "  if (!found) user.items.push(req.body.id);\n  user.save().then(() => res.end());",
    "const doc = load();\n  doc.title = req.body.title;\n  doc.save().then(() => res.end());",
]


@pytest.mark.parametrize("handler", INERT, ids=[c[:50] for c in INERT])
def test_inert_or_self_checked_reads_are_not_reported(handler: str, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"dependencies": {"express": "^5.1.0"}}),
        ".nodeharden.yml": ROBUSTNESS,
        "app.js": APP % ("  " + handler), "helpers.js": HELPERS})
    assert check(root, select=["input-validation"]).findings == []


#: Values that reach a string-built query, arithmetic, a method call, a library that throws
#: without them, or a helper that does one of these stay reported.
LIVE = [
    ("crypto.pbkdf2(req.body.password, 'salt', 1000, 32, 'sha256', () => res.end());",
     "req.body.password"),
    ("res.json(helpers.count(parseInt(req.body.n, 10)));", "req.body.n"),
    ("res.json(helpers.shout({ word: req.body.word }));", "req.body.word"),
    ("db.all('SELECT * FROM t WHERE id = ' + req.query.id, (e, rows) => res.json(rows));",
     "req.query.id"),
    ("res.json({ due: Date.now() + req.body.days * 86400000 });", "req.body.days"),
    # a 4xx nested under a test that the value is there does not turn a missing one away
    ("if (req.body.title) {\n    if (taken(req.body.title)) return res.status(409).end();\n"
     "  }\n  res.json(req.body.title.trim());", "req.body.title"),
    # a try/catch that does not answer leaves the request hanging
    ("try {\n    res.json(req.body.name.trim());\n  } catch (e) {\n    console.error(e);\n  }",
     "req.body.name"),
    # a throw in a callback is not caught by the try around the call that takes it
    ("try {\n    list.forEach((x) => res.write(req.body.sep.trim()));\n  } catch (e) {\n"
     "    res.status(500).end();\n  }", "req.body.sep"),
    # `==` converts: `['5'] == '5'`
    ("res.json(list.filter((i) => i.id == req.body.id));", "req.body.id"),
    # a value put into an object nothing is seen to save
    ("const item = list[0];\n  item.count = req.body.count;\n  res.end();", "req.body.count"),
    ("ids.push(req.body.id);\n  res.end();", "req.body.id"),
    # a body value as sent may be an object or an array, which an ORM reads as a filter
    ("const { username } = req.body;\n  User.findOne({ where: { username } }).then(res.json);",
     "req.body.username"),
]


@pytest.mark.parametrize("handler, listed", LIVE, ids=[c[0][:50] for c in LIVE])
def test_stored_or_computed_reads_stay_reported(handler: str, listed: str,
                                                tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"dependencies": {"express": "^5.1.0"}}),
        ".nodeharden.yml": ROBUSTNESS,
        "app.js": APP % ("  " + handler), "helpers.js": HELPERS})
    [finding] = [f for f in check(root, select=["input-validation"]).findings
                 if f.path == "app.js"]
    assert f"reads {listed} without validation" in finding.message, finding.message


def test_mysql_binds_an_object_as_sql_so_body_values_stay_reported(tmp_path: Path) -> None:
    """mysql/mysql2 write an object bound to `?` as `key = value` pairs: a body value in a
    lookup can change the query there, a path parameter (always a string) cannot."""
    handler = ("pool.query('SELECT * FROM u WHERE name = ? AND id = ?', "
               "[req.body.name, req.params.id], (e, rows) => res.json(rows));\n"
               "  pool.query('INSERT INTO log (who) VALUES (?)', [req.body.who]);")
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"dependencies": {"express": "^5.1.0", "mysql2": "^3.0.0"}}),
        ".nodeharden.yml": ROBUSTNESS,
        "app.js": APP % ("  " + handler), "helpers.js": HELPERS})
    [finding] = check(root, select=["input-validation"]).findings
    assert "reads req.body.name, req.body.who without validation" in finding.message, \
        finding.message


@pytest.mark.parametrize("handler", [
    "res.json({ slug: req.params.id.toLowerCase() });",
    "res.json({ first: req.params.id[0] });",  # indexing a string parameter is fine
    "res.json({ id: req.params.id });",
])
def test_path_parameter_used_as_a_string_is_not_reported(handler: str, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"dependencies": {"express": "^5.1.0"}}),
        ".nodeharden.yml": ROBUSTNESS,
        "app.js": APP % ("  " + handler), "helpers.js": HELPERS})
    assert check(root, select=["input-validation"]).findings == []


def test_many_locals_and_objects_in_one_handler_stay_linear(tmp_path: Path) -> None:
    """Each local's uses and each object's destination are looked up in one index of the
    handler's names, not by walking the handler again per use: 1,500 locals, objects and
    conversions took about a minute with a walk per local (quadratic). Counted steps, not
    time: 4 times the locals cost about 4 times the work."""

    def make(count: int):
        lines = [f"const v{i} = req.body.f{i}; if (v{i}) store.put({{ k: v{i} }}); "
                 f"db.run('INSERT INTO t (a) VALUES (?)', [req.query.q{i}]); "
                 f"helper(Number(req.body.n{i}) || 1); const o{i} = {{ a: req.body.g{i} }}; "
                 f"res.json(o{i});" for i in range(count)]
        root = write_tree(tmp_path / f"n{count}", {
            "package.json": json.dumps({"dependencies": {"express": "^5.1.0"}}),
            ".nodeharden.yml": ROBUSTNESS,
            "app.js": APP % "\n".join("  " + line for line in lines), "helpers.js": HELPERS})
        return lambda: check(root, select=["input-validation"]).findings

    _, [finding] = growth(make, 15)
    assert finding.message.startswith("POST /x/:id reads req.body.f0, "), finding.message

#: handler body -> the finding by default (None: no finding); each robustness-only handler is
#: reported with the option (ROBUSTNESS).
DEFAULT_CASES = [
    ("res.json({ n: req.body.name.length });", None),
    ("res.json(directory.lookup(req.body.email));", None),
    # (`> 10` converts the string to a number; two query strings compare as text)
    ("res.json({ big: req.query.n > req.query.max, same: req.query.m == 3 });", None),
    ("res.json({ n: req.query.limit * 2 });", None),
    ("for (const tag of req.body.tags) res.write(tag);\n  res.end();", None),
    # an injection-class harm: reported, and the other fields keep their place in the message
    ("res.json({ due: req.body.days + 1, n: req.body.name.length });",
     "req.body.days used with +"),
    # only the outer key reaches a prototype: `settings[s][k] = 1` writes through
    # `settings[s]`, while `k` sets a field (or the prototype) of that one object alone
    ("settings[req.body.section][req.body.key] = 1;\n  res.end();",
     "req.body.section used as the key of a write"),
]


@pytest.mark.parametrize("handler, expected", DEFAULT_CASES,
                         ids=[c[0][:50] for c in DEFAULT_CASES])
def test_robustness_only_routes_need_the_option(handler: str, expected: str | None,
                                                 tmp_path: Path) -> None:
    files = {"package.json": json.dumps({"dependencies": {"express": "^5.1.0"}}),
             "app.js": APP % ("  " + handler), "helpers.js": HELPERS}
    root = write_tree(tmp_path / "default", files)
    findings = [f for f in check(root, select=["input-validation"]).findings
                if f.path == "app.js"]
    if expected is None:
        assert findings == []
        opted = write_tree(tmp_path / "opted", {**files, ".nodeharden.yml": ROBUSTNESS})
        assert len([f for f in check(opted, select=["input-validation"]).findings
                    if f.path == "app.js"]) == 1
    else:
        assert len(findings) == 1 and expected in findings[0].message, findings


@pytest.mark.parametrize("path, merged, reported", [
    ("/x/:id", False, False), ("/x/:id/:limit", False, True),
    ("/x/:id", True, True)])  # a router with mergeParams: a mount path may give it
def test_a_parameter_the_path_does_not_declare_is_no_input(path: str, merged: bool,
                                                           reported: bool, tmp_path: Path) -> None:
    app = (APP % "  res.json(list.slice(0, parseInt(req.params.limit, 10)));").replace(
        "/x/:id", path)
    if merged:
        app += "const router = express.Router({ mergeParams: true });\n"
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"dependencies": {"express": "^5.1.0"}}),
        ".nodeharden.yml": ROBUSTNESS, "app.js": app, "helpers.js": HELPERS})
    findings = [f for f in check(root, select=["input-validation"]).findings
                if f.path == "app.js"]
    assert bool(findings) == reported, findings


def test_a_filter_built_in_a_local_and_spread_into_a_mongo_query_is_a_filter(
        tmp_path: Path) -> None:
    """`const f = x ? { seller: x } : {}; Order.find({ ...f })`: the value is a MongoDB filter
    value as sent (an injection-class harm, reported by default), not an unfollowed use."""
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"dependencies": {"express": "^4.21.0",
                                                     "mongoose": "^8.0.0"}}),
        "order.js": "module.exports = require('mongoose').model('Order', {});\n",
        "app.js": """const express = require('express');
const Order = require('./order');
const app = express();
app.get('/a', async (req, res) => {
  const seller = req.query.seller || '';
  const sellerFilter = seller ? { seller } : {};
  res.send(await Order.find({ ...sellerFilter }));
});
app.get('/b', async (req, res) => {
  const byOwner = { owner: req.query.owner };
  res.send(await Order.find(byOwner));
});
module.exports = app;
"""})
    findings = [f for f in check(root, select=["input-validation"]).findings
                if f.path == "app.js"]
    assert [f.line for f in findings] == [4, 9], findings
    assert all("put into a query filter as sent" in f.message for f in findings), findings
