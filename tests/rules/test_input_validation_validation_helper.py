"""input-validation: a validation helper of the project that runs every field it is given
through validator.js before anything else (``validateLoginInput(req.body)``, whose body starts
``data.email = !isEmpty(data.email) ? data.email : ''; if (Validator.isEmpty(data.email))``:
the MERN starters' validation/ modules, mern-auth in sample 32) keeps operator objects out of
the filters after it: validator.js 5 and later throw for anything but a string. Real node runs
the helper on the attack."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import have_node, npm_install, write_tree
from nodeharden import check

HELPER = """\
const Validator = require('validator');
const isEmpty = require('is-empty');

module.exports = function validateLoginInput(data) {
  const errors = {};
%s
  data.email = !isEmpty(data.email) ? data.email : '';
  data.password = !isEmpty(data.password) ? data.password : '';
  if (Validator.isEmpty(data.email)) {
    errors.email = 'Email field is required';
  } else if (!Validator.isEmail(data.email)) {
    errors.email = 'Email is invalid';
  }
  if (Validator.isEmpty(data.password)) {
    errors.password = 'Password field is required';
  }
  return { errors, isValid: isEmpty(errors) };
};
"""
ROUTES = """\
const express = require('express');
const validateLoginInput = require('../validation/login');
const User = require('../models/User');

const router = express.Router();
router.post('/login', (req, res) => {
%s
});
module.exports = router;
"""
CHECKED = """\
  const { errors, isValid } = validateLoginInput(req.body);
  if (!isValid) {
    return res.status(400).json(errors);
  }
  const email = req.body.email;
  User.findOne({ email }).then((user) => res.json({ found: Boolean(user) }));"""
SINK_FIRST = """\
  User.findOne({ email: req.body.email }).then((user) => {
    const { errors, isValid } = validateLoginInput(req.body);
    res.json({ found: Boolean(user), isValid, errors });
  });"""


def _project(tmp_path: Path, name: str, validator: str = "^13.11.0", early: str = "",
             route: str = CHECKED, helper: str = HELPER) -> Path:
    package = {"name": name, "dependencies": {"express": "^4.21.0", "mongoose": "^8.0.0",
                                              "validator": validator, "is-empty": "^1.2.0"}}
    return write_tree(tmp_path / name, {
        "package.json": json.dumps(package),
        "validation/login.js": helper % early,
        "models/User.js": "const mongoose = require('mongoose');\n"
                          "module.exports = mongoose.model('User', new mongoose.Schema({}));\n",
        "routes/users.js": ROUTES % route,
        "server.js": "const express = require('express');\nconst app = express();\n"
                     "app.use(express.json());\napp.use('/api/users', require('./routes/users'));\n"
                     "app.listen(5000);\n"})


def _nosql(root: Path) -> list[int]:
    report = check(root, select=["input-validation"])
    assert not report.failed, report.failed
    return [f.line for f in report.findings if f.message.startswith("[nosql-injection]")]


def test_fields_the_helper_runs_through_validator_are_strings_after_it(tmp_path: Path) -> None:
    assert _nosql(_project(tmp_path, "checked")) == []


@pytest.mark.parametrize("kwargs", [
    {"validator": "^4.9.0"},  # String(value) then: an object passes isEmpty
    {"early": "  if (data.remember) return { errors, isValid: true };"},
    {"route": SINK_FIRST},
    {"helper": HELPER.replace("Validator.isEmpty(data.email)", "isEmpty(data.email)")},
    # An async helper's throw only rejects the promise the handler does not wait for.
    {"helper": HELPER.replace("module.exports = function", "module.exports = async function")},
], ids=["validator-4", "returns-first", "sink-first", "email-unchecked", "async-helper"])
def test_what_the_helper_does_not_prove_is_still_reported(tmp_path: Path, kwargs: dict) -> None:
    assert _nosql(_project(tmp_path, "open", **kwargs))


@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
def test_the_helper_throws_for_an_operator_object(tmp_path: Path) -> None:
    root = _project(tmp_path, "run")
    npm_install(root, "--ignore-scripts", "validator@13", "is-empty@1")
    script = ("const v = require('./validation/login');\n"
              "try { v(JSON.parse(process.argv[1])); console.log('passed'); }\n"
              "catch (e) { console.log(e.constructor.name + ': ' + e.message); }\n")
    results = {}
    for body in ({"email": {"$ne": None}, "password": "x"},
                 {"email": "a@b.co", "password": {"$gt": ""}},
                 {"email": "a@b.co", "password": "secret"}):
        proc = subprocess.run(["node", "-e", script, json.dumps(body)], cwd=root,
                              capture_output=True, text=True, timeout=60, check=True)
        results[json.dumps(body)] = proc.stdout.strip()
    assert list(results.values()) == [
        "TypeError: Expected a string but received a Object",
        "TypeError: Expected a string but received a Object",
        "passed"]
