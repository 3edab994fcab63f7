"""input-validation: a MongoDB filter value as sent is no operator injection when the route's own
Joi schema middleware (express-validation, celebrate) types that very field as a string,
number, boolean or date: a client's ``{"$ne": null}`` is refused before the handler runs. Any
field the schema leaves out, types loosely (``Joi.any()``, ``Joi.object()``) or types on another
route or part is still reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_json, write_tree

PACKAGE = ('{"name": "p", "dependencies": {"express": "^4.21.0", "mongoose": "^8.0.0", '
           '"joi": "^10.6.0", "express-validation": "^1.0.3", "celebrate": "^15.0.0"}}')
MODEL = ("const mongoose = require('mongoose');\n"
         "module.exports = mongoose.model('User', new mongoose.Schema({ email: String }));\n")
HANDLER = ("async (req, res) => {\n"
           "  res.json(await User.findOne({ email: req.body.email }));\n"
           "}")


def reported(tmp_path: Path, app: str, extra: dict[str, str] | None = None) -> bool:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "user.js": MODEL, "app.js": app,
                                       **(extra or {})})
    report = check_json(root, "--select", "input-validation")
    return any("[nosql-injection]" in f["message"] for f in report["findings"])


def express_validation_app(route: str) -> str:
    return ("const express = require('express');\n"
            "const validate = require('express-validation');\n"
            "const schemas = require('./schemas');\n"
            "const { login } = require('./schemas');\n"
            "const User = require('./user');\n"
            "const app = express();\n"
            "app.use(express.json());\n"
            f"{route}\n"
            "app.listen(3000);\n")


SCHEMAS = ("const Joi = require('joi');\n"
           "const loose = { body: { email: Joi.any() } };\n"
           "module.exports = {\n"
           "  login: { body: { email: Joi.string().email().required() } },\n"
           "  search: { query: { email: Joi.string() } },\n"
           "  loose,\n"
           "};\n")


@pytest.mark.parametrize("route,expected", [
    (f"app.post('/login', validate(login), {HANDLER});", False),
    (f"app.route('/login').post(validate(schemas.login), {HANDLER});", False),
    (f"app.post('/login', validate(schemas.loose), {HANDLER});", True),
    (f"app.post('/login', validate(schemas.search), {HANDLER});", True),  # types the query
    (f"app.post('/login', {HANDLER});", True),
    (f"app.post('/signup', validate(login), (req, res) => res.sendStatus(201));\n"
     f"app.post('/login', {HANDLER});", True),  # the schema is another route's
], ids=["named-import", "member-of-the-module", "joi-any", "other-part", "no-schema",
        "another-routes-schema"])
def test_express_validation_schemas(tmp_path: Path, route: str, expected: bool) -> None:
    assert reported(tmp_path, express_validation_app(route), {"schemas.js": SCHEMAS}) \
        == expected


@pytest.mark.parametrize("schema,expected", [
    ("{ [Segments.BODY]: Joi.object().keys({ email: Joi.string().required() }) }", False),
    ("{ body: Joi.object({ email: Joi.string() }).unknown() }", False),
    ("{ [Segments.BODY]: Joi.object({ email: Joi.object() }) }", True),
    ("{ [Segments.BODY]: Joi.object({ name: Joi.string() }) }", True),  # email not listed
    ("{ ...shared }", True),
], ids=["segments-keys", "object-unknown", "joi-object", "field-left-out", "spread"])
def test_celebrate_schemas(tmp_path: Path, schema: str, expected: bool) -> None:
    app = ("const express = require('express');\n"
           "const { celebrate, Joi, Segments } = require('celebrate');\n"
           "const User = require('./user');\n"
           "const shared = {};\n"
           "const app = express();\n"
           "app.use(express.json());\n"
           f"app.post('/login', celebrate({schema}), {HANDLER});\n"
           "app.listen(3000);\n")
    assert reported(tmp_path, app) == expected


def test_a_project_function_named_validate_is_not_a_schema_middleware(tmp_path: Path) -> None:
    app = ("const express = require('express');\n"
           "const validate = require('./validate');\n"
           "const Joi = require('joi');\n"
           "const User = require('./user');\n"
           "const app = express();\n"
           "app.use(express.json());\n"
           "app.post('/login', validate({ body: { email: Joi.string() } }), "
           f"{HANDLER});\n"
           "app.listen(3000);\n")
    validate = "module.exports = () => (req, res, next) => next();\n"
    assert reported(tmp_path, app, {"validate.js": validate})


# Shapes an adversarial review proved to let {"$ne": null} reach the filter at runtime: each
# keeps its finding.
CELEBRATE_HEAD = ("const express = require('express');\n"
                  "const { celebrate, Joi, Segments } = require('celebrate');\n"
                  "const User = require('./user');\n"
                  "const app = express();\n")
S = "celebrate({ [Segments.BODY]: Joi.object({ email: Joi.string() }) })"


@pytest.mark.parametrize("body", [
    # celebrate never checks a GET or HEAD body (body-parser still parses one)
    f"app.use(express.json());\napp.get('/login', {S}, {HANDLER});",
    f"app.use(express.json());\napp.all('/login', {S}, {HANDLER});",
    # the route's own parser runs after the check: the body was undefined when checked
    f"app.post('/login', {S}, express.json(), {HANDLER});",
    # something between the check and the handler
    f"app.use(express.json());\napp.post('/login', {S}, (err, req, res, next) => next(), "
    f"{HANDLER});",
    f"app.use(express.json());\napp.post('/login', {S}, (req, res, next) => {{ "
    f"Object.assign(req.body, req.query); next(); }}, {HANDLER});",
    # schemas that let other shapes through
    "app.use(express.json());\napp.post('/login', celebrate({ body: Joi.alternatives().try("
    f"{{ email: Joi.string() }}, {{ email: Joi.any() }}) }}), {HANDLER});",
    "app.use(express.json());\napp.post('/login', celebrate({ body: Joi.object({ email: "
    f"Joi.string() }}).fork(['email'], () => Joi.any()) }}), {HANDLER});",
    "app.use(express.json());\napp.post('/login', celebrate({ body: Joi.object({ email: "
    f"Joi.string().allow({{ $ne: null }}) }}) }}), {HANDLER});",
    # a `string()` that is not Joi's
    "app.use(express.json());\nconst T = { string: () => Joi.any() };\n"
    f"app.post('/login', celebrate({{ body: Joi.object({{ email: T.string() }}) }}), {HANDLER});",
    # names rebound or written
    "app.use(express.json());\nconst login = { body: Joi.object({ email: Joi.string() }) };\n"
    "login.body = Joi.object({ email: Joi.any() });\n"
    f"app.post('/login', celebrate(login), {HANDLER});",
    "app.use(express.json());\nconst login = { body: Joi.object({ email: Joi.string() }) };\n"
    "function mount(login) {\n"
    f"  app.post('/login', celebrate(login), {HANDLER});\n}}\n"
    "mount({ body: Joi.object({ email: Joi.any() }) });",
], ids=["celebrate-get", "celebrate-all", "parser-after", "error-handler-between",
        "middleware-between", "alternatives", "fork", "allow-object", "not-joi", "mutated",
        "shadowed"])
def test_what_lets_an_object_through_keeps_the_finding(tmp_path: Path, body: str) -> None:
    assert reported(tmp_path, CELEBRATE_HEAD + body + "\napp.listen(3000);\n")


@pytest.mark.parametrize("schemas", [
    ("const Joi = require('joi');\n"
     "exports.login = { body: { email: Joi.string() } };\n"
     "module.exports = { login: { body: { email: Joi.any() } } };\n"),
    ("const Joi = require('joi');\n"
     "module.exports = { login: { body: { email: Joi.string() } } };\n"
     "module.exports.login = { body: { email: Joi.any() } };\n"),
    ("const Joi = require('joi');\n"
     "module.exports = { login: { body: { 'user.email': Joi.string() } } };\n"),
], ids=["exports-then-module-exports", "module-exports-then-member", "dotted-key"])
def test_an_exporting_module_written_twice_or_a_dotted_key_types_nothing(
        tmp_path: Path, schemas: str) -> None:
    handler = HANDLER.replace("req.body.email", "req.body.user.email") \
        if "user.email" in schemas else HANDLER
    app = express_validation_app(f"app.post('/login', validate(schemas.login), {handler});")
    assert reported(tmp_path, app, {"schemas.js": schemas})


def test_several_named_exports_each_assigned_once_still_count(tmp_path: Path) -> None:
    schemas = ("const Joi = require('joi');\n"
               "exports.register = { body: { email: Joi.string(), password: Joi.string() } };\n"
               "exports.login = { body: { email: Joi.string() } };\n")
    app = express_validation_app(f"app.post('/login', validate(schemas.login), {HANDLER});")
    assert not reported(tmp_path, app, {"schemas.js": schemas})
