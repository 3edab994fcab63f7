"""input-validation: a route whose handler is given to a wrapper (``runAsyncWrapper(async (req,
res) => …)``) is judged by its handler; the handler's own text ("Invalid credentials" in its
401 answer) is no sign of a validator (held-out sample 41: sequelize-auth-api's /login, with
register's unvalidated email lookup, went unreported for that word). A wrapper whose own
name says it validates still counts."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

ROUTES = """\
const express = require('express');
const { User } = require('./models');
const WRAP = require('./wrap');

const router = express.Router();

router.post('/login', WRAP(async (req, res) => {
  const { email, password } = req.body;
  const user = await User.findOne({ where: { email } });
  if (!user || !(await user.comparePassword(password))) {
    return res.status(401).send({ success: false, message: 'Invalid credentials' });
  }
  return res.send({ success: true });
}));

module.exports = router;
"""
APP = ("const express = require('express');\nconst app = express();\n"
       "app.use(express.json());\napp.use('/v1', require('./routes'));\nmodule.exports = app;\n")
#: Models registered by file name (sequelize-auth-api's index): the data layer of `User` is
#: not resolved, so a request value in its filter may be anything.
MODELS = """\
const fs = require('fs');
const path = require('path');

const models = {};
module.exports = models;
module.exports.registerModels = (sequelize) => {
  for (const file of fs.readdirSync(__dirname).filter((f) => f !== 'index.js')) {
    const model = require(path.join(__dirname, file))(sequelize);
    models[model.name] = model;
  }
};
"""
WRAPPER = ("module.exports = (handler) => (req, res, next) => "
           "handler(req, res, next).catch(next);\n")


@pytest.mark.parametrize(("wrapper", "reported"), [
    ("runAsyncWrapper", True),
    ("asyncHandler", True),
    ("validateAndRun", False),  # its name says it validates: as before
])
def test_a_wrapped_handlers_text_is_no_validator(project, wrapper: str, reported: bool) -> None:
    root = project({"package.json": json.dumps({"name": "api", "dependencies": {
        "express": "^4.21.0", "sequelize": "^6.37.0"}}),
        "app.js": APP, "routes.js": ROUTES.replace("WRAP", wrapper), "models/index.js": MODELS,
        "wrap.js": WRAPPER}, wrapper)
    found = [f"{f.path}:{f.line}" for f in check(root, select=["input-validation"]).findings
             if "reads req.body" in f.message]
    assert bool(found) is reported, found
