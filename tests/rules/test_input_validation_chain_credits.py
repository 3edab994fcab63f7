"""input-validation credits that hold for a sink in a route's own middleware as for one in its
handler: Mongoose's ``sanitizeFilter`` (model queries only), an app-wide express-mongo-sanitize
kept whatever harmless middlewares the route has, and express-validator rules written as
``checkSchema({...})`` or returned by a project function of another module."""

from __future__ import annotations

import json

from nodeharden import check

DEPS = {"express": "^4.19.2", "mongoose": "^8.4.0", "express-validator": "^7.1.0",
        "express-mongo-sanitize": "^2.2.0", "passport": "^0.7.0", "mongodb": "^6.5.0"}

ACCOUNT = """
    const mongoose = require('mongoose');
    module.exports = mongoose.model('Account', new mongoose.Schema({ login: String }));
"""

#: Guards that look an account up by a body field as sent (a Mongoose model, the driver).
GUARDS = """
    const Account = require('./models/account');
    const { MongoClient } = require('mongodb');
    const client = new MongoClient(process.env.DB_URL);

    exports.loginFree = async (req, res, next) => {
      const taken = await Account.findOne({ login: req.body.login });
      if (taken) return res.status(409).end();
      next();
    };

    exports.loginFreeEither = async (req, res, next) => {
      const taken = await Account.exists({
        $or: [{ login: req.body.login }, { mail: req.body.mail }] });
      if (taken) return res.status(409).end();
      next();
    };

    exports.loginFreeNor = async (req, res, next) => {
      const taken = await Account.findOne({ $nor: [{ login: req.body.login }] });
      if (taken) return res.status(409).end();
      next();
    };

    exports.loginFreeDriver = async (req, res, next) => {
      const taken = await client.db().collection('accounts').findOne({ login: req.body.login });
      if (taken) return res.status(409).end();
      next();
    };

    exports.loginFreePipeline = async (req, res, next) => {
      const [taken] = await Account.aggregate([{ $match: { login: req.body.login } }]);
      if (taken) return res.status(409).end();
      next();
    };

    exports.needUser = (req, res, next) => {
      if (!req.get('authorization')) return res.status(401).end();
      req.user = { id: 1 };
      next();
    };

    exports.reparse = (req, res, next) => {
      req.body = JSON.parse(req.body.payload);
      next();
    };

    exports.passOn = (req, res, next) => {
      audit(req);
      next();
    };

    function audit() {}
"""


def _iv(root):
    return sorted((f.path, f.line) for f in check(root, select=["input-validation"]).findings
                  if f.rule == "input-validation")


def _app(project, head: str, routes: str, deps: dict[str, str] | None = None,
         extra: dict[str, str] | None = None):
    return project({
        "package.json": json.dumps({"name": "accounts", "dependencies": deps or DEPS}),
        "src/models/account.js": ACCOUNT,
        "src/guards.js": GUARDS,
        "src/app.js": """
            const express = require('express');
            const mongoose = require('mongoose');
            const mongoSanitize = require('express-mongo-sanitize');
            const passport = require('passport');
            const guards = require('./guards');
        """ + head + """
            const app = express();
            app.use(express.json());
        """ + routes + """
            module.exports = app;
        """,
        **(extra or {}),
    })


SET = "mongoose.set('sanitizeFilter', true);"


def test_sanitize_filter_credits_model_filters_in_middleware_and_handler(project) -> None:
    root = _app(project, SET, """
        app.post('/a', guards.loginFree, (req, res) => res.status(201).end());
        app.post('/b', guards.loginFreeEither, (req, res) => res.status(201).end());
        app.post('/c', guards.loginFree);
    """)
    assert _iv(root) == []


def test_sanitize_filter_not_for_driver_pipeline_or_nor(project) -> None:
    root = _app(project, SET, """
        app.post('/a', guards.loginFreeDriver, (req, res) => res.status(201).end());
        app.post('/b', guards.loginFreePipeline, (req, res) => res.status(201).end());
        app.post('/c', guards.loginFreeNor, (req, res) => res.status(201).end());
    """)
    # the native driver's collection, an aggregate() pipeline and a $nor (older Mongoose 6
    # releases do not look inside it) keep their findings
    assert [line for _, line in _iv(root)] == [19, 25, 31]


def test_sanitize_filter_needs_mongoose_6_and_the_only_setting(project) -> None:
    routes = "app.post('/a', guards.loginFree, (req, res) => res.status(201).end());"
    old = _app(project, SET, routes, deps={**DEPS, "mongoose": "^5.13.0"})
    assert len(_iv(old)) == 1  # Mongoose 5 has no sanitizeFilter
    off = _app(project, SET, routes, extra={
        "src/db.js": "const mongoose = require('mongoose');\n"
                     "mongoose.connect(process.env.DB_URL, { sanitizeFilter: false });\n"})
    assert len(_iv(off)) == 1  # also set some other way: a connection may turn it off
    guarded = _app(project, "if (process.env.SAFE) " + SET, routes)
    assert len(_iv(guarded)) == 1  # under a condition: not known to be on
    trusted = _app(project, SET + "\nconst keep = mongoose.trusted({});", routes)
    assert len(_iv(trusted)) == 1  # the app marks some filter trusted


def test_app_wide_sanitizer_kept_with_harmless_route_middlewares(project) -> None:
    head = ""
    routes = """
        app.use(mongoSanitize());
        app.post('/a', guards.needUser, guards.loginFree, (req, res) => res.status(201).end());
        app.post('/b', passport.authenticate('jwt', { session: false }), guards.loginFree,
          (req, res) => res.status(201).end());
        app.post('/c', guards.needUser, guards.loginFree);
    """
    assert _iv(_app(project, head, routes)) == []


def test_app_wide_sanitizer_lost_after_a_middleware_that_sets_or_passes_the_request(
        project) -> None:
    routes = """
        app.use(mongoSanitize());
        app.post('/a', guards.reparse, guards.loginFree, (req, res) => res.status(201).end());
        app.post('/b', guards.passOn, guards.loginFreeEither, (req, res) => res.end());
        app.post('/c', express.json(), guards.loginFreeNor, (req, res) => res.end());
    """
    assert [line for _, line in _iv(_app(project, "", routes))] == [6, 13, 19]


RULES = """
    const { body, checkSchema, validationResult } = require('express-validator');
    exports.loginRules = () => [body('login').isEmail()];
    exports.loginSchema = checkSchema({ login: { in: ['body'], isEmail: true } });
    exports.loginSchemaOptional = checkSchema({
      login: { in: ['body'], optional: true, isEmail: true } });
    exports.loginSchemaNegated = checkSchema({
      login: { in: ['body'], isEmail: { negated: true } } });
    exports.loginSchemaQuery = checkSchema({ login: { in: ['query'], isEmail: true } });
    exports.answer = (req, res, next) => {
      const errors = validationResult(req);
      if (!errors.isEmpty()) return res.status(422).json({ errors: errors.array() });
      next();
    };
"""


def test_express_validator_rules_from_another_module(project) -> None:
    routes = """
        const v = require('./rules');
        app.post('/a', v.loginRules(), v.answer, guards.loginFree, (req, res) => res.end());
        app.post('/b', v.loginSchema, v.answer, guards.loginFree);
    """
    assert _iv(_app(project, "", routes, extra={"src/rules.js": RULES})) == []


def test_check_schema_that_may_let_an_object_through(project) -> None:
    for schema in ("loginSchemaOptional", "loginSchemaNegated", "loginSchemaQuery"):
        routes = f"""
            const v = require('./rules');
            app.post('/a', v.{schema}, v.answer, guards.loginFree, (req, res) => res.end());
        """
        assert len(_iv(_app(project, "", routes, extra={"src/rules.js": RULES}))) == 1, schema
    # rules whose errors no middleware answers before the guard
    routes = """
        const v = require('./rules');
        app.post('/a', v.loginSchema, guards.loginFree, (req, res) => res.end());
    """
    assert len(_iv(_app(project, "", routes, extra={"src/rules.js": RULES}))) == 1
