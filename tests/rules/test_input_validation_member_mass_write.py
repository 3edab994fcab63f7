"""input-validation, mass assignment: an object the client sends under one key of the body
(``req.body.account``), handed as the whole update or create document to an ORM write, lets
the client set any field of the model, as the whole body would. A key used as a filter value,
read property by property, or spread into a fixed object is not reported as one."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

DEPS = {"name": "app", "dependencies": {"express": "^4.21.0", "mongoose": "^8.0.0"}}


def _findings(root):
    return [f for f in check(root, select=["input-validation"]).findings
            if f.rule == "input-validation"]


def _app(project, handler: str):
    return project({
        "package.json": json.dumps(DEPS),
        "app.js": """
            const express = require('express');
            const mongoose = require('mongoose');
            const Account = mongoose.model('Account', new mongoose.Schema({
              nick: String, tier: String }));
            const app = express();
            app.use(express.json());
            app.put('/me', async (req, res) => {
              """ + handler + """
            });
            module.exports = app;
        """,
    })


@pytest.mark.parametrize("handler", [
    "const changes = req.body.account;\n"
    "res.json(await Account.findOneAndUpdate({ _id: req.get('x-id') }, changes, { new: true }));",
    "res.json(await Account.create(req.body.account));",
])
def test_a_whole_object_under_a_key_written_as_is(project, handler: str) -> None:
    found = [f for f in _findings(_app(project, handler)) if "[mass-assignment]" in f.message]
    assert len(found) == 1
    assert "req.body.account reaches Account." in found[0].message
    assert found[0].fix is None


@pytest.mark.parametrize("handler", [
    "const nick = String(req.body.nick);\n"
    "res.json(await Account.findOneAndUpdate({ nick }, { tier: 'free' }));",
    "const a = req.body.account;\n"
    "res.json(await Account.create({ nick: String(a.nick) }));",
    "let changes = req.body.account;\nchanges = { nick: String(changes.nick) };\n"
    "res.json(await Account.create(changes));",
])
def test_other_uses_of_a_key_are_no_mass_write(project, handler: str) -> None:
    assert not [f for f in _findings(_app(project, handler)) if "[mass-assignment]" in f.message]


SEQUELIZE = {"name": "app", "dependencies": {"express": "^4.21.0", "sequelize": "^6.37.0"}}


@pytest.mark.parametrize("save, reported", [
    ("await row.save({ fields: ['nick'] });", False),
    ("await row.save();", True),
])
def test_a_built_row_saved_with_a_field_list(project, save: str, reported: bool) -> None:
    root = project({
        "package.json": json.dumps(SEQUELIZE),
        "app.js": """
            const express = require('express');
            const { Sequelize, DataTypes } = require('sequelize');
            const db = new Sequelize('sqlite::memory:');
            const Team = db.define('Team', { nick: DataTypes.STRING, tier: DataTypes.STRING });
            const app = express();
            app.use(express.json());
            app.post('/teams', async (req, res) => {
              const row = Team.build(req.body.team);
              row.tier = 'free';
              """ + save + """
              res.json(row);
            });
            module.exports = app;
        """,
    })
    found = [f for f in _findings(root) if "[mass-assignment]" in f.message]
    assert len(found) == (1 if reported else 0)
