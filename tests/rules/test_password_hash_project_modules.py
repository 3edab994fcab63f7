"""password-hash: a password handed to a function of the project's own data layer
(``db.accounts.insert({ password })``) is judged by following that function one module level:
hashing it there (bcrypt, argon2, scrypt, pbkdf2) is not plain-text storage; storing it as given
is. A store-like call on a package that is not an ORM or database client is not judged."""

from __future__ import annotations

from nodeharden import check

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0", "bcryptjs": "^2.4.3", ' \
          '"knex": "^3.1.0"}}'

ROUTE = """\
const express = require('express');
const db = require('./data');
const router = express.Router();
router.post('/accounts', async (req, res) => {
  const { login, password } = req.body;
  const account = await db.accounts.insert({ login, password });
  res.status(201).json({ id: account.id });
});
module.exports = router;
"""

DATA_INDEX = """\
const accounts = require('./accounts.data');
const notes = require('./notes.data');
module.exports = { accounts, notes };
"""

ACCOUNTS_HASHING = """\
const bcrypt = require('bcryptjs');
const knex = require('./knex');

async function insert(fields) {
  const digest = await bcrypt.hash(fields.password, await bcrypt.genSalt(12));
  const [row] = await knex('accounts').insert({ login: fields.login, password: digest }, '*');
  return row;
}

module.exports = { insert };
"""

ACCOUNTS_PLAIN = """\
const knex = require('./knex');

async function insert(fields) {
  const [row] = await knex('accounts').insert({ login: fields.login, password: fields.password }, '*');
  return row;
}

module.exports = { insert };
"""

KNEX = "module.exports = require('knex')({ client: 'pg', connection: process.env.DB });\n"


def password_findings(root) -> list[tuple[str, int, str]]:
    report = check(root, select=["password-hash"])
    assert not report.failed, report.failed
    return [(f.path, f.line, f.message) for f in report.findings]


def test_a_data_layer_that_hashes_before_inserting_is_not_reported(project) -> None:
    root = project({"package.json": PACKAGE, "routes/accounts.js": ROUTE,
                    "routes/data/index.js": DATA_INDEX,
                    "routes/data/accounts.data.js": ACCOUNTS_HASHING,
                    "routes/data/notes.data.js": "module.exports = {};\n",
                    "routes/data/knex.js": KNEX})
    assert password_findings(root) == []


def test_a_data_layer_that_stores_the_password_as_given_is_reported(project) -> None:
    root = project({"package.json": PACKAGE, "routes/accounts.js": ROUTE,
                    "routes/data/index.js": DATA_INDEX,
                    "routes/data/accounts.data.js": ACCOUNTS_PLAIN,
                    "routes/data/notes.data.js": "module.exports = {};\n",
                    "routes/data/knex.js": KNEX})
    [(path, line, message)] = password_findings(root)
    assert (path, line) == ("routes/accounts.js", 6)
    assert message.startswith("password stored in plain text")
    assert "`db.accounts.insert` stores it as given" in message


def test_esm_named_exports_hashing_with_scrypt_are_followed(project) -> None:
    route = """\
import express from 'express';
import * as users from './users.js';
export const router = express.Router();
router.post('/signup', async (req, res) => {
  const user = await users.create({ email: req.body.email, password: req.body.password });
  res.json(user);
});
"""
    users = """\
import { scrypt, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { pool } from './pool.js';

const scryptAsync = promisify(scrypt);

export async function create({ email, password }) {
  const salt = randomBytes(16).toString('hex');
  const key = await scryptAsync(password, salt, 64);
  return pool.query('INSERT INTO users (email, hash) VALUES ($1, $2)', [email, `${salt}:${key.toString('hex')}`]);
}
"""
    pool = "import pg from 'pg';\nexport const pool = new pg.Pool();\n"
    pj = '{"name": "p", "type": "module", "dependencies": {"express": "^5.1.0", "pg": "^8.0.0"}}'
    root = project({"package.json": pj, "router.js": route, "users.js": users,
                    "pool.js": pool})
    assert password_findings(root) == []
    # The same call stored unhashed: reported.
    plain = users.replace("  const key = await scryptAsync(password, salt, 64);\n", "") \
        .replace("`${salt}:${key.toString('hex')}`", "password")
    (root / "users.js").write_text(plain)
    assert [(p, line) for p, line, _ in password_findings(root)] == [("router.js", 5)]


def test_an_exported_orm_model_is_still_reported(project) -> None:
    model = ("const mongoose = require('mongoose');\n"
             "module.exports = mongoose.model('User', new mongoose.Schema({ password: String }));\n")
    route = """\
const User = require('./user.model');
exports.register = async (req, res) => {
  await User.create({ email: req.body.email, password: req.body.password });
  res.sendStatus(201);
};
"""
    pj = '{"name": "p", "dependencies": {"express": "^4.21.0", "mongoose": "^8.0.0"}}'
    root = project({"package.json": pj, "user.model.js": model, "register.js": route})
    assert [(p, line) for p, line, _ in password_findings(root)] == [("register.js", 3)]


def test_database_packages_are_judged_and_other_packages_are_not(project) -> None:
    app = """\
const knex = require('knex')({ client: 'sqlite3' });
const identity = require('identity-provider-sdk');
async function signup(req) {
  await identity.users.create({ email: req.body.email, password: req.body.password });
  await knex('users').insert({ email: req.body.email, password: req.body.password });
}
module.exports = { signup };
"""
    root = project({"package.json": PACKAGE, "signup.js": app})
    assert [(p, line) for p, line, _ in password_findings(root)] == [("signup.js", 5)]
