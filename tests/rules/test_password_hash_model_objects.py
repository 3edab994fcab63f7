"""password-hash: a password handed to the project's own model object whose receiver is no
import (``members.create({ password })`` with ``const members = new Members()``, or
``req.store.members.create(...)`` set up by the app's middleware) is judged by that model
class's method in the project phase: it hashing the password (itself or through a project
helper) clears the call; a method that stores it as given, a class that cannot be found, or a
property the project also sets to something else is still reported."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "club", "dependencies": {"express": "^4.21.0", "bcryptjs": "^2.4.3"}}'

HASHING_MODEL = """\
const secrets = require('../lib/secrets');
const rows = [];
class Members {
  async create(fields) {
    const { password, ...rest } = fields;
    rest.digest = await secrets.digest(password);
    rows.push(rest);
    return rest;
  }
  async update(id, fields) {
    rows[id] = { ...rows[id], ...fields };
    return rows[id];
  }
}
module.exports = Members;
"""

SECRETS = """\
const bcrypt = require('bcryptjs');
exports.digest = (plain) => bcrypt.hash(plain, 12);
"""

THROUGH_REQUEST = """\
const express = require('express');
const Members = require('./models/members');
const app = express();
app.use(express.json());
app.use((req, res, next) => { req.store = { members: new Members() }; next(); });
app.post('/join', async (req, res) => {
  const { store } = req;
  await store.members.%(method)s({ name: req.body.name, password: req.body.password });
  res.sendStatus(201);
});
app.post('/join2', async (req, res) => {
  await req.store.members.%(method)s({ name: req.body.name, password: req.body.password });
  res.sendStatus(201);
});
module.exports = app;
"""

LOCAL_INSTANCE = """\
const express = require('express');
const Members = require('./models/members');
const members = new Members();
const app = express();
app.use(express.json());
app.post('/join', async (req, res) => {
  await members.%(method)s({ name: req.body.name, password: req.body.password });
  res.sendStatus(201);
});
module.exports = app;
"""


def _lines(project, files: dict[str, str]) -> list[int]:
    root = project({"package.json": PACKAGE, "lib/secrets.js": SECRETS, **files})
    return [f.line for f in check(root, select=["password-hash"]).findings
            if f.rule == "password-hash"]


@pytest.mark.parametrize("app", [THROUGH_REQUEST, LOCAL_INSTANCE])
def test_model_method_that_hashes_clears_the_call(project, app: str) -> None:
    assert _lines(project, {"app.js": app % {"method": "create"},
                            "models/members.js": HASHING_MODEL}) == []


def test_model_method_that_stores_as_given_is_reported(project) -> None:
    assert _lines(project, {"app.js": THROUGH_REQUEST % {"method": "update"},
                            "models/members.js": HASHING_MODEL}) == [8, 12]
    assert _lines(project, {"app.js": LOCAL_INSTANCE % {"method": "update"},
                            "models/members.js": HASHING_MODEL}) == [7]


def test_esm_class_reached_through_a_models_object(project) -> None:
    files = {
        "package.json": PACKAGE.replace('"name"', '"type": "module", "name"'),
        "models/members.js": "import secrets from '../lib/secrets.js';\n"
                             "export class Members {\n"
                             "  async create({ password, ...rest }) {\n"
                             "    return { ...rest, digest: await secrets.digest(password) };\n"
                             "  }\n}\n",
        "lib/secrets.js": "import bcrypt from 'bcryptjs';\n"
                          "const digest = (plain) => bcrypt.hash(plain, 12);\n"
                          "export default { digest };\n",
        "models/index.js": "import { Members } from './members.js';\n"
                           "export default class Models {\n"
                           "  constructor() { this.members = new Members(); }\n}\n",
        "app.js": "import express from 'express';\n"
                  "import Models from './models/index.js';\n"
                  "const app = express();\n"
                  "const models = new Models();\n"
                  "app.use((req, res, next) => { req.models = models; next(); });\n"
                  "app.post('/join', async (req, res) => {\n"
                  "  const { models } = req;\n"
                  "  await models.members.create({ password: req.body.password });\n"
                  "  res.end();\n});\n"
                  "export default app;\n",
    }
    root = project(files)
    assert [f.line for f in check(root, select=["password-hash"]).findings] == []


@pytest.mark.parametrize("other", [
    # the property is also set to something that is no instance of a project class
    "exports.plain = { members: require('./raw-table') };\n",
    # or to a class whose method stores the password as given
    "class Plain { create(f) { return require('./raw-table').insert(f); } }\n"
    "exports.plain = { members: new Plain() };\n",
])
def test_other_writes_of_the_property_keep_the_finding(project, other: str) -> None:
    assert _lines(project, {"app.js": THROUGH_REQUEST % {"method": "create"},
                            "models/members.js": HASHING_MODEL,
                            "other.js": other}) == [8, 12]


@pytest.mark.parametrize("change", [
    # the instance may be replaced
    ("const members = new Members();", "let members = new Members();\n"
                                       "if (process.env.RAW) members = require('./raw-table');"),
    # a package's class, not the project's
    ("require('./models/members')", "require('members-kit')"),
    # a receiver handed in: nothing says what it is
    ("app.post('/join', async (req, res) => {\n  await members",
     "app.post('/join', async (req, res, members) => {\n  await members"),
])
def test_unproved_receivers_are_reported(project, change: tuple[str, str]) -> None:
    app = (LOCAL_INSTANCE % {"method": "create"}).replace(*change)
    assert len(_lines(project, {"app.js": app, "models/members.js": HASHING_MODEL})) == 1


def test_the_model_file_changing_alone_brings_the_finding_back_despite_the_cache(project) -> None:
    root = project({"package.json": PACKAGE, "lib/secrets.js": SECRETS,
                    "app.js": LOCAL_INSTANCE % {"method": "create"},
                    "models/members.js": HASHING_MODEL})
    lines = lambda: [f.line for f in check(root, select=["password-hash"], cache=True).findings]  # noqa: E731
    assert lines() == []
    (root / "models/members.js").write_text(
        HASHING_MODEL.replace("await secrets.digest(password)", "password"))
    assert lines() == [7]
