"""The last adversarial review of the session's finding-removing credits: each shape below hid
a real problem and is reported again.

- input-validation: ``mongoose.set('sanitizeFilter', true)`` in a file the app never loads
  proves nothing; a ``checkSchema`` validator with its own ``if`` runs only when that holds.
- hardcoded-secret: a production guard for a variable the module itself fills in
  (``process.env.X = process.env.X || 'dev'``), or under an ``if`` that need not run, refuses
  nothing; a schema checked only under a condition proves nothing; ``keys: ['']`` signs
  cookie-session cookies with an empty key, which anyone can forge."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_json, write_tree

MONGO_PACKAGE = ('{"name": "p", "dependencies": {"express": "^4.19.2", "mongoose": "^8.4.0", '
                 '"express-validator": "^7.1.0"}}')
MODEL = ("const mongoose = require('mongoose')\n"
         "module.exports = mongoose.model('Member', new mongoose.Schema({ handle: String }))\n")
CHECK = ("const Member = require('./member')\n"
         "exports.handleFree = async (req, res, next) => {\n"
         "  if (await Member.findOne({ handle: req.body.handle })) return res.status(409).end()\n"
         "  next()\n"
         "}\n")


def nosql(tmp_path: Path, files: dict[str, str]) -> list[dict]:
    root = write_tree(tmp_path / "p", {"package.json": MONGO_PACKAGE, "member.js": MODEL,
                                       "checks.js": CHECK, **files})
    report = check_json(root, "--select", "input-validation")
    return [f for f in report["findings"] if "[nosql-injection]" in f["message"]]


def test_sanitize_filter_in_a_file_the_app_never_loads_proves_nothing(tmp_path: Path) -> None:
    app = ("const express = require('express')\n"
           "const checks = require('./checks')\n"
           "const app = express()\n"
           "app.use(express.json())\n"
           "app.post('/members', checks.handleFree, (req, res) => res.status(201).end())\n"
           "module.exports = app\n")
    tool = "const mongoose = require('mongoose')\nmongoose.set('sanitizeFilter', true)\n"
    assert nosql(tmp_path, {"app.js": app, "db/repair.js": tool})
    loaded = "require('./db/repair')\n" + app
    assert not nosql(tmp_path / "loaded", {"app.js": loaded, "db/repair.js": tool})


@pytest.mark.parametrize(("spec", "reported"), [
    ("isEmail: true", False),
    ("isEmail: { if: (value, { req }) => req.body.kind === 'mail' }", True),
    ("isEmail: { negated: true }", True),
])
def test_a_check_schema_validator_with_its_own_condition_pins_nothing(
        tmp_path: Path, spec: str, reported: bool) -> None:
    app = ("const express = require('express')\n"
           "const { checkSchema, validationResult } = require('express-validator')\n"
           "const checks = require('./checks')\n"
           "const app = express()\n"
           "app.use(express.json())\n"
           "const answer = (req, res, next) => {\n"
           "  const problems = validationResult(req)\n"
           "  if (!problems.isEmpty()) return res.status(400).json({ problems: problems.array() })\n"
           "  next()\n"
           "}\n"
           f"app.post('/members', checkSchema({{ handle: {{ in: ['body'], {spec} }} }}), answer,"
           " checks.handleFree, (req, res) => res.status(201).end())\n"
           "module.exports = app\n")
    assert bool(nosql(tmp_path, {"app.js": app})) is reported


SECRET_PACKAGE = ('{"name": "s", "dependencies": {"express": "^4.19.2", '
                  '"jsonwebtoken": "^9.0.2", "cookie-session": "^2.1.0", "zod": "^3.23.0"}}')


def secrets(tmp_path: Path, files: dict[str, str]) -> list[dict]:
    root = write_tree(tmp_path / "s", {"package.json": SECRET_PACKAGE, **files})
    return check_json(root, "--select", "hardcoded-secret")["findings"]


SIGN = ("const express = require('express')\nconst jwt = require('jsonwebtoken')\n"
        "const app = express()\n"
        "app.post('/token', (req, res) => res.json({ token: jwt.sign({ id: 1 }, SECRET) }))\n"
        "module.exports = app\n")


@pytest.mark.parametrize(("head", "reported"), [
    ("if (process.env.NODE_ENV === 'production' && !process.env.TOKEN_KEY) "
     "throw new Error('TOKEN_KEY')\n", False),
    ("process.env.TOKEN_KEY = process.env.TOKEN_KEY || 'local-key-1'\n"
     "if (process.env.NODE_ENV === 'production' && !process.env.TOKEN_KEY) "
     "throw new Error('TOKEN_KEY')\n", True),
    ("if (process.env.LEGACY) { if (process.env.NODE_ENV === 'production' && "
     "!process.env.TOKEN_KEY) throw new Error('TOKEN_KEY') }\n", True),
])
def test_a_production_guard_counts_only_when_it_can_fire(tmp_path: Path, head: str,
                                                         reported: bool) -> None:
    app = head + "const SECRET = process.env.TOKEN_KEY || 'local-key-1'\n" + SIGN
    assert bool(secrets(tmp_path, {"app.js": app})) is reported


@pytest.mark.parametrize(("check", "reported"), [
    ("schema.parse(config)", False),
    ("if (process.env.NODE_ENV === 'test') schema.parse(config)", True),
])
def test_a_schema_checked_only_under_a_condition_proves_nothing(tmp_path: Path, check: str,
                                                                reported: bool) -> None:
    config = ("const { z } = require('zod')\n"
              "const schema = z.object({ token: z.object({ key: z.string().min(32) }) })\n"
              "const config = { token: { key: process.env.TOKEN_KEY || 'local-key-1' } }\n"
              f"{check}\n"
              "module.exports = config\n")
    app = "const config = require('./config')\nconst SECRET = config.token.key\n" + SIGN
    assert bool(secrets(tmp_path, {"config.js": config, "app.js": app})) is reported


def test_an_empty_cookie_session_key_is_reported(tmp_path: Path) -> None:
    app = ("const express = require('express')\nconst cookieSession = require('cookie-session')\n"
           "const app = express()\n"
           "app.use(cookieSession({ name: 'sid', keys: [''] }))\n"
           "module.exports = app\n")
    assert secrets(tmp_path, {"app.js": app})
