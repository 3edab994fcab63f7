"""input-validation: a middleware of the project named in a route that validates a request part
itself, with a validator library, and stops the request when the check fails (a pagination
middleware checking ``req.query`` with Joi and answering 400) counts as that part's validation
(``_validation_factory.middleware_parts``), as a route-options factory's middleware does. One
that checks nothing, or does not stop the request, does not (held-out sample 36: a
boilerplate's ``parsePage``)."""

from __future__ import annotations

import pytest
from conftest import found

PACKAGE = ('{"name": "pets", "type": "module", "dependencies": {"express": "^4.21.0", '
           '"joi": "^17.13.0"}}\n')
ROUTES = """\
import express from 'express';
import parsePage from '../middlewares/parsePage.js';
import { findAll } from '../controllers/pets.js';

export const router = express.Router();
router.route('/').get(parsePage, findAll);
"""
CONTROLLER = """\
const rows = [];

export const findAll = (req, res) => {
  const start = req.query.offset + 1;
  const items = rows.slice(start, start + req.query.limit);
  res.json({ page: req.query.page, items });
};
"""
SERVER = """\
import express from 'express';
import { router } from './routes/pets.js';

const app = express();
app.use('/pets', router);
app.listen(3000);
"""
VALIDATING = """\
import Joi from 'joi';

const schema = Joi.object({
  limit: Joi.number().min(1),
  offset: Joi.number().min(0),
  page: Joi.number().min(1),
});

export default (req, res, next) => {
  const { error, value } = schema.validate(req.query, { allowUnknown: true });
  if (error) return res.status(400).json({ error: { message: error.details[0].message } });
  req.query.limit = value.limit || 10;
  req.query.offset = value.offset || 0;
  req.query.page = value.page || 1;
  next();
};
"""


def _project(project, middleware: str):
    return project({"package.json": PACKAGE, "server.js": SERVER, "routes/pets.js": ROUTES,
                    "controllers/pets.js": CONTROLLER, "middlewares/parsePage.js": middleware})


def test_a_middleware_that_validates_the_query_with_joi_counts(project) -> None:
    root = _project(project, VALIDATING)
    assert not [f for f in found(root, ["input-validation"]) if f[1] != "package.json"]


@pytest.mark.parametrize("middleware", [
    # checks nothing: only fills defaults
    VALIDATING.replace("  const { error, value } = schema.validate(req.query, "
                       "{ allowUnknown: true });\n  if (error) return res.status(400).json("
                       "{ error: { message: error.details[0].message } });\n",
                       "  const value = req.query;\n"),
    # checks, but lets the request through when the check fails
    VALIDATING.replace("if (error) return res.status(400)", "if (error) console.warn(error); "
                       "else res.status(200)"),
], ids=["checks-nothing", "does-not-stop"])
def test_a_middleware_that_does_not_stop_a_bad_query_does_not(project, middleware) -> None:
    root = _project(project, middleware)
    assert ("input-validation", "routes/pets.js", 6) in found(root, ["input-validation"])
