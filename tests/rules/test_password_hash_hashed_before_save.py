"""password-hash: a model instance built with the submitted password (``new User({ password
})``) is not plain-text storage when the same variable's password field is set to a password
hash before every save in that function; any path that can save the plain value keeps the
finding. (The fixtures hashed-before-save and hashed-before-save-ts cover the bcrypt, callback,
scrypt, after-save and one-branch shapes.)"""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0", "bcrypt": "^5.1.1", ' \
          '"mongoose": "^8.0.0", "sequelize": "^6.37.0"}}'

HEAD = """\
const express = require('express');
const bcrypt = require('bcrypt');
const Person = require('./models/person');
const router = express.Router();
router.post('/people', async (req, res) => {
  const { handle, password } = req.body;
"""
TAIL = """\
  res.status(201).end();
});
module.exports = router;
"""
NEW_LINE = 7  # the line of `new Person(...)` in every route below


def password_findings(root) -> list[tuple[str, int]]:
    report = check(root, select=["password-hash"])
    assert not report.failed, report.failed
    return [(f.path, f.line) for f in report.findings]


def route(body: str) -> str:
    return HEAD + "  let person = new Person({ handle, password });\n" + body + TAIL


@pytest.mark.parametrize("body", [
    # the promise form: the hash is the result of `.then` on bcrypt.hash
    ("  return bcrypt.hash(password, 12).then((digest) => {\n"
    "    person.password = digest;\n"
    "    return person.save();\n"
    "  });\n"),
    # a variable holding the hash, and a save in a later nested block
    ("  const digest = bcrypt.hashSync(password, 12);\n"
    "  person.password = digest;\n"
    "  if (handle) {\n"
    "    await person.save();\n"
    "  }\n"),
])
def test_hashed_before_every_save_is_not_reported(project, body: str) -> None:
    root = project({"package.json": PACKAGE, "routes.js": route(body)})
    assert password_findings(root) == []


@pytest.mark.parametrize("body", [
    # the variable names another instance between the hash and the save
    ("  person.password = await bcrypt.hash(password, 12);\n"
    "  person = await Person.findOne({ handle });\n"
    "  await person.save();\n"),
    # the plain password is put back after the hash
    ("  person.password = await bcrypt.hash(password, 12);\n"
    "  person.password = password;\n"
    "  await person.save();\n"),
    # never saved here: where it is saved, the rule cannot see
    ("  person.password = await bcrypt.hash(password, 12);\n"
    "  return person;\n"),
    # handed to another function before the hash
    ("  await audit(person);\n"
    "  person.password = await bcrypt.hash(password, 12);\n"
    "  await person.save();\n"),
    # fields copied in from an object the rule cannot see
    ("  person.password = await bcrypt.hash(password, 12);\n"
    "  Object.assign(person, { ...req.body });\n"
    "  await person.save();\n"),
    # saved (promise form) before the hash, with no save after it
    ("  person.save().then(() => {});\n"
    "  person.password = await bcrypt.hash(password, 12);\n"),
])
def test_a_path_that_can_save_the_plain_password_is_reported(project, body: str) -> None:
    root = project({"package.json": PACKAGE, "routes.js": route(body)})
    assert password_findings(root) == [("routes.js", NEW_LINE)]


def test_a_direct_create_is_still_reported(project) -> None:
    body = "  await Person.create({ handle, password });\n"
    root = project({"package.json": PACKAGE, "routes.js": HEAD + body + TAIL})
    assert password_findings(root) == [("routes.js", NEW_LINE)]


def test_sequelize_build_hashed_before_save_is_not_reported(project) -> None:
    body = ("  const person = Person.build({ handle, password });\n"
            "  person.password = await bcrypt.hash(password, 12);\n"
            "  await person.save();\n")
    root = project({"package.json": PACKAGE, "routes.js": HEAD + body + TAIL})
    assert password_findings(root) == []
    late = body.replace("  await person.save();\n", "").replace(
        "  person.password", "  await person.save();\n  person.password")
    root = project({"package.json": PACKAGE, "routes.js": HEAD + late + TAIL}, name="late")
    assert password_findings(root) == [("routes.js", NEW_LINE)]


HASH_MODULE = """\
const bcrypt = require('bcrypt');
async function toDigest(plain) {
  return bcrypt.hash(plain, 12);
}
module.exports = { toDigest };
"""


def test_a_project_function_that_hashes_clears_it(project) -> None:
    body = ("  const person = new Person({ handle, password });\n"
            "  person.password = await secrets.toDigest(password);\n"
            "  await person.save();\n")
    routes = HEAD.replace("const router", "const secrets = require('./lib/secrets');\n"
                          "const router") + body + TAIL
    root = project({"package.json": PACKAGE, "routes.js": routes,
                    "lib/secrets.js": HASH_MODULE})
    assert password_findings(root) == []
    # The same call to a project function that does not hash is reported.
    plain = HASH_MODULE.replace("bcrypt.hash(plain, 12)", "plain.trim()")
    root = project({"package.json": PACKAGE, "routes.js": routes, "lib/secrets.js": plain},
                   name="plain")
    assert password_findings(root) == [("routes.js", NEW_LINE + 1)]


TS_ROUTE = """\
import express from 'express';
import bcrypt from 'bcrypt';
import Person from './models/person';

const router = express.Router();
router.post('/people', async (req, res) => {
  const { handle, password } = req.body;
  const person = new Person({ handle, password });
  const digest = %s;
  person.password = digest;
  await person.save();
  res.status(201).end();
});
export default router;
"""


@pytest.mark.parametrize("hashed", [
    "(await bcrypt.hash(password, 12)) as string",  # the value of `x as T` is x, not T
    "<string>(await bcrypt.hash(password, 12))",
    "(await bcrypt.hash(password, 12))!",
    "(await bcrypt.hash(password, 12)) satisfies string",
])
def test_a_hash_behind_a_typescript_cast_is_a_hash(project, hashed: str) -> None:
    root = project({"package.json": PACKAGE, "tsconfig.json": "{}",
                    "src/routes.ts": TS_ROUTE % hashed})
    assert password_findings(root) == []


def test_a_plain_value_behind_a_typescript_cast_is_reported(project) -> None:
    root = project({"package.json": PACKAGE, "tsconfig.json": "{}",
                    "src/routes.ts": TS_ROUTE % "(password as string)"})
    assert password_findings(root) == [("src/routes.ts", 8)]
