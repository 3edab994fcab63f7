"""input-validation: express-mongo-sanitize mounted on the app ahead of a route strips operator
keys from the body and query string before the handler runs, so a field as sent in a MongoDB
filter is no operator injection there. Only what provably runs first counts: a mount after the
route, on a router, under a path, a dry run, a body parsed after it, or a route with middleware
of its own keep the finding; so do $where and a whole-object filter."""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = {"name": "shop", "dependencies": {
    "express": "^4.21.0", "mongoose": "^8.0.0", "express-mongo-sanitize": "^2.2.0"}}

MODELS = "module.exports = { Buyer: { findOne: async () => null, find: async () => [] } };\n"

ACCOUNTS = """
    const { Router } = require('express');
    const { Buyer } = require('../models');
    const accounts = Router();
    accounts.post('/sign-in', async (req, res) => {
      const { login } = req.body;
      res.json(await Buyer.findOne({ login }));
    });
    accounts.get('/by-town', async (req, res) => {
      res.json(await Buyer.findOne({ town: req.query.town }));
    });
    module.exports = accounts;
"""


def _lines(root, rel):
    return sorted(f.line for f in check(root, select=["input-validation"]).findings
                  if f.rule == "input-validation" and f.path == rel)


def _app(middle: str, after: str = "") -> str:
    return f"""
        const express = require('express');
        const cleanKeys = require('express-mongo-sanitize');
        const accounts = require('./routes/accounts');
        const app = express();
        app.use(express.json());
        {middle}
        app.use('/accounts', accounts);
        {after}
        module.exports = app;
    """


def _project(project, app: str, accounts: str = ACCOUNTS, package: dict = PACKAGE):
    return project({"package.json": json.dumps(package), "models.js": MODELS,
                    "app.js": app, "routes/accounts.js": accounts})


def test_app_level_sanitizer_before_the_router_clears_filter_values(project) -> None:
    root = _project(project, _app("app.use(cleanKeys({ replaceWith: '_' }));"))
    assert _lines(root, "routes/accounts.js") == []


def test_without_the_middleware_both_are_reported(project) -> None:
    root = _project(project, _app(""))
    assert _lines(root, "routes/accounts.js") == [6, 9]


def test_mounted_after_the_router_or_under_a_path_or_dry_run_does_not_count(project) -> None:
    for middle, after in (("", "app.use(cleanKeys());"),
                          ("app.use('/other', cleanKeys());", ""),
                          ("app.use(cleanKeys({ dryRun: true }));", ""),
                          ("if (process.env.CLEAN) app.use(cleanKeys());", "")):
        root = _project(project, _app(middle, after))
        assert _lines(root, "routes/accounts.js") == [6, 9], (middle, after)


def test_router_level_mount_does_not_count(project) -> None:
    on_router = ACCOUNTS.replace("const accounts = Router();",
                                 "const accounts = Router();\n    accounts.use(require("
                                 "'express-mongo-sanitize')());")
    root = _project(project, _app(""), on_router)
    assert _lines(root, "routes/accounts.js") == [7, 10]


def test_body_parsed_after_the_sanitizer_keeps_the_body_finding(project) -> None:
    app = _app("app.use(cleanKeys());").replace(
        "app.use(express.json());", "").replace(
        "app.use(cleanKeys());", "app.use(cleanKeys());\n        app.use(express.json());")
    root = _project(project, app)
    assert _lines(root, "routes/accounts.js") == [6]  # the query was sanitized, the body not


def test_app_routes_before_it_with_own_middleware_or_where_and_whole_filters(project) -> None:
    app = """
        const express = require('express');
        const cleanKeys = require('express-mongo-sanitize');
        const { Buyer } = require('./models');
        const app = express();
        app.use(express.json());
        app.post('/early', async (req, res) => res.json(await Buyer.findOne({ id: req.body.id })));
        app.use(cleanKeys());
        app.post('/late', async (req, res) => res.json(await Buyer.findOne({ id: req.body.id })));
        const log = (req, res, next) => next();
        app.post('/own', log, async (req, res) => res.json(await Buyer.findOne({ n: req.body.n })))
        app.post('/all', async (req, res) => res.json(await Buyer.find(req.body)));
        app.get('/js', async (req, res) => res.json(await Buyer.find({ $where: req.query.code })));
        module.exports = app;
    """
    root = _project(project, app)
    assert _lines(root, "app.js") == [6, 10, 11, 12]


# Review of c92614a: a body parser the rule cannot name, mounted after the sanitizer, parses
# the body after the operators were stripped, and `{"login": {"$ne": null}}` reaches the filter.
def test_a_parser_after_it_in_a_form_not_recognised_keeps_every_finding(project) -> None:
    helpers = "const express = require('express');\nexports.bodies = () => express.json();\n"
    for after_sanitizer in ("let parseJson = express.json();\n        parseJson = "
                            "require('./bodies').bodies();\n        app.use(parseJson);",
                            "app.use([express.json()]);",
                            "app.use(require('./bodies').bodies());",
                            "app.use(require('body-parser').json());"):
        app = _app("app.use(cleanKeys());\n        " + after_sanitizer).replace(
            "app.use(express.json());", "app.use(express.urlencoded({ extended: false }));")
        root = project({"package.json": json.dumps(PACKAGE), "models.js": MODELS,
                        "bodies.js": helpers, "app.js": app, "routes/accounts.js": ACCOUNTS})
        assert _lines(root, "routes/accounts.js") == [6, 9], after_sanitizer


def test_a_name_bound_once_to_a_known_middleware_is_that_middleware(project) -> None:
    """``const limiter = rateLimit({…}); app.use(limiter)`` runs what the call made: a package
    that parses no body keeps the credit; a body parser bound so parses the body after the
    operators were stripped (only the query stays credited)."""
    head = "const rateLimit = require('express-rate-limit');\n"
    package = {**PACKAGE, "dependencies": {**PACKAGE["dependencies"],
                                           "express-rate-limit": "^7.0.0"}}
    app = head + _app("const limiter = rateLimit({ windowMs: 60000, limit: 100 });\n"
                      "        app.use(cleanKeys());\n        app.use(limiter);")
    assert _lines(_project(project, app, package=package), "routes/accounts.js") == []
    app = _app("app.use(cleanKeys());\n        const parseJson = express.json();\n"
               "        app.use(parseJson);").replace(
        "app.use(express.json());", "app.use(express.urlencoded({ extended: false }));")
    assert _lines(_project(project, app), "routes/accounts.js") == [6]


def test_a_router_mounted_under_another_path_before_it_keeps_the_credit(project) -> None:
    """Express runs a router mounted at ``/catalog`` only for paths under it: no request for
    ``/accounts`` passes through it. One mounted at ``/`` (or a prefix) may parse the body."""
    catalog = "const { Router } = require('express');\nmodule.exports = Router();\n"
    for mount, lines in (("app.use('/catalog', catalog);", []),
                         ("app.use('/CATALOG/', catalog);", []),
                         ("app.use('/', catalog);", [6, 9]),
                         ("app.use(catalog);", [6, 9]),
                         ("app.use('/:any', catalog);", [6, 9])):
        app = "const catalog = require('./routes/catalog');\n" + _app(
            "app.use(cleanKeys());\n        " + mount)
        root = project({"package.json": json.dumps(PACKAGE), "models.js": MODELS,
                        "app.js": app, "routes/accounts.js": ACCOUNTS,
                        "routes/catalog.js": catalog})
        assert _lines(root, "routes/accounts.js") == lines, mount


def test_known_middleware_between_it_and_the_router_keeps_the_credit(project) -> None:
    app = _app("app.use(cleanKeys());\n        app.use(helmet(), cors());\n"
               "        app.use((req, res, next) => { req.startedAt = Date.now(); next(); });")
    app = "const helmet = require('helmet');\nconst cors = require('cors');\n" + app
    package = {**PACKAGE, "dependencies": {**PACKAGE["dependencies"], "helmet": "^7.0.0",
                                           "cors": "^2.8.5"}}
    root = _project(project, app, package=package)
    assert _lines(root, "routes/accounts.js") == []
    # an inline middleware that touches the body may parse it
    app = app.replace("req.startedAt = Date.now();", "req.body = JSON.parse(req.raw || '{}');")
    root = _project(project, app, package=package)
    assert _lines(root, "routes/accounts.js") == [6, 9]


def test_express_5_gets_no_credit(project) -> None:
    # Express 5's req.query is a getter: the middleware throws on every request
    package = {**PACKAGE, "dependencies": {**PACKAGE["dependencies"], "express": "^5.1.0"}}
    root = _project(project, _app("app.use(cleanKeys());"), package=package)
    # (the query string: Express 5's simple parser gives strings, never reported there)
    assert _lines(root, "routes/accounts.js") == [6]
