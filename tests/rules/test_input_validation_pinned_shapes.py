"""input-validation: the shapes around an express-validator chain that keeps objects out of a
MongoDB filter value (the library's behaviour itself: test_input_validation_pinned.py)."""

from __future__ import annotations

import json

from nodeharden import check

MONGO = {"name": "app", "dependencies": {"express": "^5.1.0", "express-validator": "^7.2.0",
                                         "mongoose": "^8.0.0"}}
MODELS = "module.exports = { User: { findOne: async () => null } };\n"


def _sinks(root) -> list[tuple[str, int]]:
    return sorted((f.path, f.line) for f in check(root, select=["input-validation"]).findings
                  if f.message.startswith("[nosql-injection]"))


def test_chains_and_an_answering_middleware_from_other_files(project) -> None:
    """Rules exported from a validators module through `module.exports = { … }` and a
    validate middleware that returns 422 then calls next(): the query is not reported; the
    route whose middleware calls next() without looking is."""
    root = project({
        "package.json": json.dumps(MONGO),
        "models.js": MODELS,
        "validators.js": """const { body } = require('express-validator');
const loginRules = [body('email').isEmail().withMessage('bad email'), body('password').exists()];
const looseRules = [body('email').exists()];
module.exports = { loginRules, looseRules };
""",
        "middleware/check.js": """const { validationResult } = require('express-validator');
exports.handleErrors = function (req, res, next) {
  const errors = validationResult(req);
  if (!errors.isEmpty()) return res.status(422).json({ errors: errors.array() });
  next();
};
exports.lax = function (req, res, next) {
  next();
  const errors = validationResult(req);
  if (!errors.isEmpty()) return res.status(422).end();
};
""",
        "app.js": """const express = require('express');
const { loginRules, looseRules } = require('./validators');
const { handleErrors, lax } = require('./middleware/check');
const { User } = require('./models');
const app = express();
app.use(express.json());
app.post('/login', loginRules, handleErrors, async (req, res) => {
  res.json(await User.findOne({ email: req.body.email }));
});
app.post('/loose', looseRules, handleErrors, async (req, res) => {
  res.json(await User.findOne({ email: req.body.email }));
});
app.post('/lax', loginRules, lax, async (req, res) => {
  res.json(await User.findOne({ email: req.body.email }));
});
module.exports = app;
""",
    })
    assert _sinks(root) == [("app.js", 11), ("app.js", 14)]


def test_errors_tested_in_the_handler_do_not_cover_a_helper(project) -> None:
    """The query is in a helper the handler calls: a test in the handler is not traced to the
    call, so it stays reported; a middleware that answers covers it."""
    root = project({
        "package.json": json.dumps(MONGO),
        "models.js": MODELS,
        "app.js": """const express = require('express');
const { body, validationResult } = require('express-validator');
const { User } = require('./models');
const app = express();
app.use(express.json());
function lookup(email) {
  return User.findOne({ email });
}
function find(email) {
  return User.findOne({ email });
}
app.post('/a', body('email').isEmail(), async (req, res) => {
  if (!validationResult(req).isEmpty()) return res.sendStatus(400);
  res.json(await lookup(req.body.email));
});
app.post('/b', body('email').isEmail(), (req, res, next) => {
  const errors = validationResult(req);
  if (errors.isEmpty()) return next();
  res.status(400).json({ errors: errors.array() });
}, async (req, res) => {
  res.json(await find(req.body.email));
});
module.exports = app;
""",
    })
    assert _sinks(root) == [("app.js", 7)]


def test_odd_shapes_do_not_break_the_check(project) -> None:
    """A hexadecimal max (not read as a number: the chain does not count), exports that name
    each other, a chain on a wildcard path: reported, and no crash."""
    root = project({
        "package.json": json.dumps(MONGO),
        "models.js": MODELS,
        "rules.js": "module.exports = { a: b, b: a };\n",
        "app.js": """const express = require('express');
const { body, validationResult } = require('express-validator');
const { a } = require('./rules');
const { User } = require('./models');
const app = express();
app.use(express.json());
const handle = (req, res, next) => (validationResult(req).isEmpty() ? next() : res.sendStatus(400));
app.post('/x', body('name').isLength({ max: 0x0a }), async (req, res) => {
  validationResult(req).throw();
  res.json(await User.findOne({ name: req.body.name }));
});
app.post('/y', a, handle, async (req, res) => {
  res.json(await User.findOne({ name: req.body.name }));
});
app.post('/z', body('*.name').isAlpha(), async (req, res) => {
  validationResult(req).throw();
  res.json(await User.findOne({ name: req.body.name }));
});
module.exports = app;
""",
    })
    assert _sinks(root) == [("app.js", 10), ("app.js", 13), ("app.js", 17)]
