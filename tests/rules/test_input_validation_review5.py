"""input-validation, after review: SQL text is told by its shape (keywords in SQL order, in SQL
case), not by an English word; a tagged template whose tag binds (``sql`…${x}` ``) is no SQL
text; a request value used as the key of a write or delete is reported (prototype pollution),
a lookup is not; Mongoose's ``update(filter, update)`` takes the values second; and the
patterns stay linear on 200 KB lines."""

from __future__ import annotations

from _complexity import growth

from nodeharden import check

#: These tests are about robustness-only findings too: the option that reports them.
ROBUSTNESS = "input_validation: {robustness: true}\n"

_PKG = '{"name": "a", "dependencies": {"express": "^4.21.0", "pg": "^8.11.0"}}'
_HEAD = ("const express = require('express');\nconst { Pool } = require('pg');\n"
         "const db = new Pool();\nconst app = express();\napp.use(express.json());\n")


def _messages(project, body: str, pkg: str = _PKG, files: dict[str, str] | None = None
              ) -> dict[int, str]:
    root = project({".nodeharden.yml": ROBUSTNESS,
                    "package.json": pkg, "app.js": _HEAD + body, **(files or {})})
    report = check(root, select=["input-validation"])
    assert report.failed == []
    return {f.line: f.message for f in report.findings}


def test_english_text_is_not_sql_but_sql_in_any_case_is(project) -> None:
    found = _messages(project, """\
app.get('/a', (req, res) => {
  res.send('We could not find where ' + req.query.city + ' is');
});
app.get('/b', (req, res) => {
  res.send(`Order by ${req.query.name} received`);
});
app.get('/c', async (req, res) => {
  res.json(await db.query("SELECT * FROM users WHERE name = '" + req.query.name + "'"));
});
app.get('/d', async (req, res) => {
  let sql = 'select u.id, count(*) as n from users u group by u.id';
  sql += ' order by ' + req.query.sort;
  res.json(await db.query(sql));
});
app.get('/e', async (req, res) => {
  res.json(await db.query(`update users set name = '${req.query.name}' where id = 1`));
});
app.get('/f', (req, res) => {
  res.send('Please select a file from your disk, ' + req.query.name);
});
""")
    sql = {line for line, message in found.items() if "SQL text" in message}
    assert sql == {12, 15, 20}, found


def test_a_tagged_template_whose_tag_binds_is_not_sql_text(project) -> None:
    pkg = ('{"name": "a", "dependencies": {"express": "^4.21.0", "postgres": "^3.4.0", '
           '"@prisma/client": "^5.0.0"}}')
    found = _messages(project, """\
const postgres = require('postgres');
const { PrismaClient } = require('@prisma/client');
const sql = postgres();
const prisma = new PrismaClient();
const dedent = (s, ...v) => s.map((p, i) => p + (i < v.length ? v[i] : '')).join('');
app.get('/a', async (req, res) => {
  res.json(await sql`SELECT * FROM users WHERE name = ${req.query.name}`);
});
app.get('/b', async (req, res) => {
  res.json(await prisma.$queryRaw`SELECT * FROM users WHERE name = ${req.query.name}`);
});
app.get('/c', async (req, res) => {
  res.json(await db.query(dedent`SELECT * FROM users WHERE name = '${req.query.name}'`));
});
""", pkg=pkg)
    # Still read without validation (its type is unknown), but not "concatenated into SQL".
    assert set(found) == {11, 14, 17}, found
    assert "SQL text" not in found[11] and "SQL text" not in found[14], found
    assert "SQL text" in found[17], found


def test_a_request_key_of_a_write_or_delete_is_reported_a_lookup_is_not(project) -> None:
    # (`delete settings[key]` removes an own property at most, even for __proto__: no finding;
    # `delete settings[key].x` deletes through what the key names, Object.prototype too. A
    # one-level write, `o[key] = v` or `o[key]++`, swaps at most o's own prototype: only the
    # key written through, `settings[section][…]`, reaches Object.prototype.)
    found = _messages(project, """\
const settings = {};
app.post('/set', (req, res) => {
  settings[req.body.section][req.body.key] = req.body.value;
  res.sendStatus(204);
});
app.post('/del', (req, res) => {
  delete settings[req.query.key];
  delete settings.own[req.query.own].x;
  res.sendStatus(204);
});
app.post('/count', (req, res) => {
  settings.counts[req.query.key]++;
  res.sendStatus(204);
});
app.get('/get', (req, res) => {
  res.json({ value: settings[req.query.key], label: settings[req.query.name].label });
});
""")
    assert set(found) == {7, 11}, found
    assert "req.body.section used as the key of a write" in found[7]
    assert "req.body.key used as the key" not in found[7], found[7]
    assert "req.query.own used as the key of a write or delete" in found[11]
    assert "req.query.key" not in found[11], found[11]


def test_mongoose_update_takes_the_values_second(project) -> None:
    pkg = '{"name": "a", "dependencies": {"express": "^4.21.0", "mongoose": "^6.12.0"}}'
    model = ("const mongoose = require('mongoose');\n"
             "module.exports = mongoose.model('User', new mongoose.Schema({ name: String }));\n")
    found = _messages(project, """\
const User = require('./user');
app.put('/filter', async (req, res) => {
  await User.update(req.body, { $set: { seen: true } });
  res.sendStatus(204);
});
app.put('/values/:id', async (req, res) => {
  await User.update({ _id: req.params.id }, req.body);
  res.sendStatus(204);
});
app.put('/by-id/:id', async (req, res) => {
  await User.findByIdAndUpdate(req.params.id, req.body);
  res.sendStatus(204);
});
app.put('/one/:id', async (req, res) => {
  await User.updateOne({ _id: req.params.id }, req.body);
  res.sendStatus(204);
});
app.put('/doc/:id', async (req, res) => {
  const user = await User.findById(req.params.id);
  await user.update(req.body);
  res.sendStatus(204);
});
""", pkg=pkg, files={"user.js": model})
    mass = {line for line, message in found.items() if "[mass-assignment]" in message}
    assert 7 in found and 7 not in mass, found  # the body as the filter
    assert mass == {11, 15, 19, 23}, found


def test_long_lines_are_read_in_linear_time(project) -> None:
    # A long string of SQL-looking words, and a long name bound to a variable the handler
    # writes through: quadratic patterns took minutes on 200 KB of each. Counted steps, not
    # time: 4 times the line costs about 4 times the work. (A regular expression's
    # backtracking is inside one C call the steps do not see: bench/adversarial.py times it.)
    def make(count: int):
        words = "select update where order " * count
        name = "a" * (25 * count)
        root = project({".nodeharden.yml": ROBUSTNESS, "package.json": _PKG, "app.js": _HEAD + f"""\
app.get('/a', (req, res) => {{
  res.send('{words}' + req.query.q);
}});
app.post('/b', async (req, res) => {{
  let user = {name};
  await user.update(req.body);
  res.sendStatus(204);
}});
"""}, f"n{count}")
        return lambda: check(root, select=["input-validation"])

    _, report = growth(make, 500)
    assert report.failed == []
    found = {f.line: f.message for f in report.findings}
    assert set(found) == {9}, found