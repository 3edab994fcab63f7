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
    # the request's object is also set to one holding no instance of a project class
    "module.exports = (req, res, next) => {\n"
    "  req.store = { members: require('./raw-table') }; next(); };\n",
    # or to one holding a class whose method stores the password as given
    "class Plain { create(f) { return require('./raw-table').insert(f); } }\n"
    "module.exports = (req, res, next) => { req.store = { members: new Plain() }; next(); };\n",
    # or its property is replaced
    "module.exports = (req, res, next) => {\n"
    "  req.store.members = require('./raw-table'); next(); };\n",
    # or written under a computed name
    "module.exports = (req, res, next) => { req[process.env.SLOT] = {}; next(); };\n",
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


def test_a_same_named_property_of_another_object_is_not_mixed_up(project) -> None:
    # `exports.plain.members` is not the request's `store.members`.
    assert _lines(project, {"app.js": THROUGH_REQUEST % {"method": "create"},
                            "models/members.js": HASHING_MODEL,
                            "other.js": "exports.plain = { members: require('./raw-table') };\n"
                            }) == []


#: `create(fields)` bodies of the model class that still store the password as sent.
KEEPS_THE_PASSWORD = {
    # hashed, but the raw object is spread into what is stored
    "spread_keeps_it": "const digest = await bcrypt.hash(fields.password, 12);\n"
                       "    return rows.push({ ...fields, digest });",
    # the hash is not awaited: the store runs first and keeps the password
    "not_awaited": "bcrypt.hash(fields.password, 12).then((d) => { fields.digest = d; });\n"
                   "    return rows.push(fields);",
    # only one branch hashes
    "one_branch": "if (fields.role === 'admin') fields.password = "
                  "await bcrypt.hash(fields.password, 12);\n    return rows.push(fields);",
    # another value is hashed
    "other_value": "fields.tokenDigest = await bcrypt.hash(fields.name + 'x', 12);\n"
                   "    return rows.push(fields);",
    # a function named like a hash is no hash
    "scrypt_name": "if (!looksLikeScrypt(fields.password)) fields.weak = true;\n"
                   "    return rows.push(fields);",
    # the password is destructured out, then put back as it came
    "put_back": "const { password, ...rest } = fields;\n"
                "    rest.digest = await bcrypt.hash(password, 12);\n"
                "    return rows.push({ ...rest, password });",
    # the password key is set after the spread, but the raw value goes in another key
    "spread_then_copy": "return rows.push({ ...fields, password: await bcrypt.hash("
                        "fields.password, 12), copy: fields.password });",
}


@pytest.mark.parametrize("case", sorted(KEEPS_THE_PASSWORD))
def test_model_method_that_still_stores_the_password_is_reported(project, case: str) -> None:
    model = ("const bcrypt = require('bcryptjs');\n"
             "const looksLikeScrypt = (s) => /^\\$scrypt\\$/.test(s);\n"
             "const rows = [];\n"
             "class Members {\n  async create(fields) {\n    "
             f"{KEEPS_THE_PASSWORD[case]}\n  }}\n}}\nmodule.exports = Members;\n")
    assert _lines(project, {"app.js": THROUGH_REQUEST % {"method": "create"},
                            "models/members.js": model}) == [8, 12]


def test_model_method_that_overwrites_the_password_after_a_spread_clears_it(project) -> None:
    model = ("const bcrypt = require('bcryptjs');\nconst rows = [];\n"
             "class Members {\n  async create(fields) {\n"
             "    return rows.push({ ...fields,\n"
             "      password: await bcrypt.hash(fields.password, 12) });\n  }\n}\n"
             "module.exports = Members;\n")
    assert _lines(project, {"app.js": THROUGH_REQUEST % {"method": "create"},
                            "models/members.js": model}) == []


def test_two_request_objects_with_the_same_property_are_told_apart(project) -> None:
    # req.services.members hashes; req.db is a table registry filled under computed names,
    # whose `members` may be anything: only the second store is reported.
    service = ("const bcrypt = require('bcryptjs');\n"
               "class MemberService {\n  constructor(db) { this.db = db; }\n"
               "  async create(fields) {\n    return this.db.members.create("
               "{ ...fields, password: await bcrypt.hash(fields.password, 12) });\n  }\n}\n"
               "module.exports = MemberService;\n")
    registry = ("const tables = {};\n"
                "for (const name of ['members', 'teams']) tables[name] = require(`./${name}`);\n"
                "module.exports = tables;\n")
    app = ("const express = require('express');\n"
           "const db = require('./db');\n"
           "const MemberService = require('./services/members');\n"
           "const app = express();\n"
           "const services = { members: new MemberService(db) };\n"
           "app.use((req, res, next) => { req.db = db; req.services = services; next(); });\n"
           "app.post('/join', async (req, res) => {\n"
           "  await req.services.members.create({ name: req.body.name,\n"
           "    password: req.body.password });\n"
           "  res.end();\n});\n"
           "app.post('/admin/members', async (req, res) => {\n"
           "  await req.db.members.create({ name: req.body.name, password: req.body.password });\n"
           "  res.end();\n});\n"
           "module.exports = app;\n")
    assert _lines(project, {"app.js": app, "services/members.js": service,
                            "db/index.js": registry}) == [13]
