"""input-validation reads the data layer of the receiver (held-out session 5, chartbrew): a
Sequelize model reads no plain object as an operator, so a request value in its filter is no
operator injection, unless the app maps string operators (``operatorsAliases``) or the project
declares a Sequelize before 5, whose ``$ne`` keys were operators; and a whole body handed to an
ORM write is named as the mass assignment it is."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import have_node, npm_install

from nodeharden import check

#: These tests are about robustness-only findings too: the option that reports them.
ROBUSTNESS = "input_validation: {robustness: true}\n"

MODELS = """
    const { Sequelize, DataTypes } = require('sequelize');
    const sequelize = new Sequelize('sqlite::memory:'%s);
    module.exports = { User: sequelize.define('User', { email: DataTypes.STRING }) };
"""
APP = """
    const express = require('express');
    const db = require('./models');
    const app = express();
    app.use(express.json());
    app.post('/reset', async (req, res) => {
      const user = await db.User.findOne({ where: { email: req.body.email } });
      res.json({ sent: Boolean(user) });
    });
    module.exports = app;
"""


def _messages(root) -> list[str]:
    return [f.message for f in check(root, select=["input-validation"]).findings
            if f.rule == "input-validation"]


def _app(project, sequelize: str, options: str = "", name: str = "app"):
    return project({
        ".nodeharden.yml": ROBUSTNESS, "package.json": json.dumps({"name": "app", "dependencies": {
            "express": "^4.21.0", "sequelize": sequelize, "mongoose": "^8.0.0"}}),
        "app.js": APP,
        "models.js": MODELS % options,
    }, name)


def test_a_sequelize_filter_value_is_data(project) -> None:
    assert _messages(_app(project, "^6.37.0")) == []


def test_string_operators_or_an_old_sequelize_keep_the_filter_reported(project) -> None:
    """Sequelize 4 read ``{ "$ne": null }`` as an operator by default; 5+ does when the app
    maps aliases. Either way the body value in the filter is reported again."""
    aliased = _app(project, "^6.37.0", ", { operatorsAliases: { $ne: Symbol.for('ne') } }",
                   "aliased")
    old = _app(project, "^4.44.0", "", "old")
    for root in (aliased, old):
        [message] = _messages(root)
        assert "req.body.email put into a query filter as sent" in message, message


def test_a_whole_body_in_an_orm_write_is_named_mass_assignment(project) -> None:
    """PUT /user/:id → a controller's db.User.update(data) (chartbrew's shape): the finding
    names the write and where it is, and what a client can do with it."""
    root = project({
        ".nodeharden.yml": ROBUSTNESS, "package.json": json.dumps({"name": "app", "dependencies": {
            "express": "^5.1.0", "sequelize": "^6.37.0"}}),
        "app.js": """
            const express = require('express');
            const UserController = require('./controllers/UserController');
            const app = express();
            const users = new UserController();
            app.use(express.json());
            app.put('/user/:id', async (req, res) => {
              res.json(await users.update(req.params.id, req.body));
            });
            // The controller copies the fields it allows: no mass assignment.
            app.put('/user/:id/profile', async (req, res) => {
              res.json(await users.updateProfile(req.params.id, req.body));
            });
            module.exports = app;
        """,
        "models.js": MODELS % "",
        "controllers/UserController.js": """
            const db = require('../models');
            const FIELDS = ['name', 'email'];
            class UserController {
              update(id, data) {
                return db.User.update(data, { where: { id } });
              }

              updateProfile(id, data) {
                const allowed = {};
                for (const key of FIELDS) allowed[key] = data[key];
                return db.User.update(allowed, { where: { id } });
              }
            }
            module.exports = UserController;
        """,
    })
    findings = [f for f in check(root, select=["input-validation"]).findings
                if f.rule == "input-validation"]
    mass = [f for f in findings if f.message.startswith("[mass-assignment]")]
    assert [f.line for f in mass] == [6], findings
    assert mass[0].message == (
        "[mass-assignment] PUT /user/:id: req.body reaches db.User.update() as a whole "
        "(controllers/UserController.js:5), with no list of the fields it may set: a client "
        "can set any field of the model (an admin flag, an owner id, a role); copy only the "
        "fields the client may change, or pass fields: [...] to the write")
    assert mass[0].fix is None
    assert not any("/profile" in f.message and "mass" in f.message for f in findings)


def test_versions_come_from_the_package_folder(project) -> None:
    """A repository whose server is a package folder (the root package.json declares nothing):
    the server's Sequelize is what decides, as when checked from the folder."""
    root = project({
        ".nodeharden.yml": ROBUSTNESS,
        "package.json": json.dumps({"name": "repo", "private": True}),
        "server/package.json": json.dumps({"name": "server", "dependencies": {
            "express": "^4.21.0", "sequelize": "^6.37.0"}}),
        "server/app.js": APP,
        "server/models.js": MODELS % "",
    })
    assert _messages(root) == []
    (root / "server/package.json").write_text(json.dumps({"name": "server", "dependencies": {
        "express": "^4.21.0", "sequelize": "^4.44.0"}}))
    [message] = _messages(root)
    assert "req.body.email put into a query filter as sent" in message, message


SEQUELIZE_PROBE = """
const { Sequelize, DataTypes } = require('sequelize');
// No connection is made: the query generator alone turns a where-value into SQL.
const sequelize = new Sequelize('postgres://probe:probe@127.0.0.1:9/probe', { logging: false });
const User = sequelize.define('User', { email: DataTypes.STRING, admin: DataTypes.BOOLEAN });
const generator = sequelize.getQueryInterface().queryGenerator;
const out = {};
for (const [name, value] of [['object', { $ne: null }], ['array', ['a@x.io', 'b@x.io']]]) {
  try {
    out[name] = generator.selectQuery('Users', { where: { email: value } }, User);
  } catch (err) {
    out[name] = `throws: ${err.message}`;
  }
}
out.admin = User.build(JSON.parse('{"email": "a@x.io", "admin": true}')).admin;
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_what_the_rule_assumes_of_sequelize_holds(tmp_path) -> None:
    """Real Sequelize 6 (the range the other tests declare): a JSON object where-value is
    refused, not read as an operator; an array is IN (...) of quoted values; and a model built
    from a whole request body takes an admin flag the client sent (mass assignment)."""
    root = tmp_path / "probe"
    root.mkdir()
    (root / "package.json").write_text(json.dumps({"name": "probe", "private": True}))
    (root / "probe.js").write_text(SEQUELIZE_PROBE)
    npm_install(root, "sequelize@6", "pg@8")
    proc = subprocess.run(["node", "probe.js"], cwd=root, capture_output=True, text=True, check=False,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["object"].startswith("throws: Invalid value"), out
    assert "IN ('a@x.io', 'b@x.io')" in out["array"], out
    assert out["admin"] is True, out


def test_a_project_function_named_like_a_write_is_not_one(project) -> None:
    """Past the helpers the rule follows, ``repo.create(data)`` of a project module that reads
    through Sequelize is the project's own function (it may pick the fields), not the ORM's
    write: the generic finding stays, with no mass-assignment claim."""
    root = project({
        ".nodeharden.yml": ROBUSTNESS, "package.json": json.dumps({"name": "app", "dependencies": {
            "express": "^5.1.0", "sequelize": "^6.37.0"}}),
        "app.js": """
            const express = require('express');
            const service = require('./service');
            const app = express();
            app.use(express.json());
            app.post('/users', async (req, res) => res.json(await service.register(req.body)));
            module.exports = app;
        """,
        "service.js": """
            const store = require('./store');
            exports.register = (input) => store.save(input);
        """,
        "store.js": """
            const repo = require('./repo');
            exports.save = (data) => repo.create(data);
        """,
        "repo.js": """
            const db = require('./models');
            exports.create = (data) => db.User.create({ email: data.email });
        """,
        "models.js": MODELS % "",
    })
    [message] = _messages(root)
    assert not message.startswith("[mass-assignment]"), message
    assert "as a whole" in message, message
