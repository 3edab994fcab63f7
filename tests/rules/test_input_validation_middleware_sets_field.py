"""input-validation: a field a middleware of the route sets itself before the handler runs is the
app's value, not the caller's (held-out sample 41: sequelize-auth-api's ``requiresAuth()``
writes the verified token's payload to ``req.body.jwt``, and ``/logout`` looks the user up by
``jwt.email``). A middleware that copies the request into the field, or a route without it,
is reported as before."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

AUTH = """\
const jwtUtils = require('./jwt-utils');

function requiresAuth(kind = 'access') {
  return function (req, res, next) {
    const token = (req.headers.authorization || '').split(' ')[1];
    try {
      const jwt = jwtUtils.verify(token, kind);
      req.body.jwt = VALUE;
      next();
    } catch (err) {
      return res.status(401).send({ message: 'Invalid Token' });
    }
  };
}

module.exports = { requiresAuth };
"""

ROUTES = """\
const express = require('express');
const { User } = require('./models');
const { requiresAuth } = require('./auth');

const router = express.Router();

router.post('/logout', MIDDLEWARE async (req, res) => {
  const { jwt } = req.body;
  const user = await User.findOne({ where: { email: jwt.email } });
  res.send({ ok: Boolean(user) });
});

module.exports = router;
"""

APP = """\
const express = require('express');
const routes = require('./routes');

const app = express();
app.use(express.json());
app.use('/v1', routes);
module.exports = app;
"""

#: Models registered by file name (as sequelize-auth-api's index does): the data layer of
#: `User` is not resolved, so a request value in its filter may be anything.
MODELS = """\
const fs = require('fs');
const path = require('path');

const models = {};

function registerModels(sequelize) {
  for (const file of fs.readdirSync(__dirname).filter((f) => f !== 'index.js')) {
    const model = require(path.join(__dirname, file))(sequelize);
    models[model.name] = model;
  }
}

module.exports = models;
module.exports.registerModels = registerModels;
"""


def _findings(project, value: str, middleware: str, name: str) -> list[str]:
    root = project({"package.json": json.dumps({"name": "api", "dependencies": {
        "express": "^4.21.0", "sequelize": "^6.37.0"}}),
        "app.js": APP, "routes.js": ROUTES.replace("MIDDLEWARE", middleware),
        "auth.js": AUTH.replace("VALUE", value), "models/index.js": MODELS,
        "models/user.js": "module.exports = (sequelize, DataTypes) => "
                          "sequelize.define('User', { email: DataTypes.STRING });\n",
        "jwt-utils.js": "module.exports = { verify: (t) => ({ email: t }) };\n"}, name)
    return [f"{f.path}:{f.line}" for f in check(root, select=["input-validation"]).findings]


@pytest.mark.parametrize("middleware", ["requiresAuth(),", "requiresAuth('access'),"])
def test_a_field_the_route_middleware_sets_is_the_apps_own(project, middleware: str) -> None:
    assert _findings(project, "jwt", middleware, "set") == []


@pytest.mark.parametrize(("value", "middleware"), [
    ("req.headers.authorization", "requiresAuth(),"),  # copied from the request: still sent
    ("token", "requiresAuth(),"),  # through a variable made from the request: still sent
    ("jwtUtils.decode(token)", "requiresAuth(),"),  # decoded, not verified: still sent
    ("req.body.jwt || jwt", "requiresAuth(),"),  # the caller's own value first: still sent
    ("jwt", ""),  # the route does not run the middleware
])
def test_otherwise_the_field_is_what_the_caller_sent(project, value: str,
                                                     middleware: str) -> None:
    assert _findings(project, value, middleware, "sent") == ["routes.js:7"]


def test_a_field_set_only_when_missing_is_still_the_callers(project) -> None:
    # `if (!req.body.jwt) req.body.jwt = jwt`: a caller that sends one keeps it.
    root = project({"package.json": json.dumps({"name": "api", "dependencies": {
        "express": "^4.21.0", "sequelize": "^6.37.0"}}),
        "app.js": APP, "routes.js": ROUTES.replace("MIDDLEWARE", "requiresAuth(),"),
        "auth.js": AUTH.replace("      req.body.jwt = VALUE;",
                                "      if (!req.body.jwt) req.body.jwt = jwt;"),
        "models/index.js": MODELS,
        "models/user.js": "module.exports = (sequelize, DataTypes) => "
                          "sequelize.define('User', { email: DataTypes.STRING });\n",
        "jwt-utils.js": "module.exports = { verify: (t) => ({ email: t }) };\n"}, "missing")
    assert [f"{f.path}:{f.line}" for f in check(root, select=["input-validation"]).findings] \
        == ["routes.js:7"]
