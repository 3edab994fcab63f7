"""input-validation and an OpenAPI request validator in front of the routes
(express-openapi-validator's ``middleware({ apiSpec })``): the routes it checks are not
reported as reading input without validation; every way it may not check a route keeps the
finding (its options, its document's base paths, what runs before it, a condition around it)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import found, write_tree

#: These tests are about robustness-only findings too: the option that reports them.
ROBUSTNESS = "input_validation: {robustness: true}\n"

RULE = ["input-validation"]

PACKAGE = json.dumps({"name": "t", "dependencies": {
    "express": "^4.21.0", "express-openapi-validator": "^5.3.0"}})

SPEC = """\
openapi: 3.0.0
info: {title: t, version: '1'}
servers:
  - url: '{origin}/api/v1'
    variables:
      origin: {default: 'http://localhost:3000'}
paths:
  /users:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [tags], properties: {tags: {type: string}}}
      responses: {'200': {description: ok}}
"""

ROUTER = """\
const express = require('express');
const router = express.Router();
router.post('/', (req, res) => {
  res.json({ tags: req.body.tags.split(',') });
});
module.exports = router;
"""

APP = """\
const path = require('path');
const express = require('express');
const OpenApiValidator = require('express-openapi-validator');
const users = require('./routes/users');
const admin = require('./routes/admin');
const app = express();
app.use(express.json());
app.use(OpenApiValidator.middleware({ apiSpec: path.join(__dirname, 'api.yml'), OPTIONS }));
app.use('/api/v1/users', users);
app.use('/admin', admin);
module.exports = app;
"""

USERS = ("input-validation", "routes/users.js", 3)
ADMIN = ("input-validation", "routes/admin.js", 3)
EVERY = {USERS, ADMIN}


def _project(tmp_path: Path, app: str = APP, options: str = "validateRequests: true",
             spec: str = SPEC, **more: str) -> Path:
    return write_tree(tmp_path / "p", {
        ".nodeharden.yml": ROBUSTNESS,
        "package.json": PACKAGE, "api.yml": spec, "app.js": app.replace("OPTIONS", options),
        "routes/users.js": ROUTER, "routes/admin.js": ROUTER, **more})


def test_routes_under_the_documents_base_path_are_checked_by_it(tmp_path: Path) -> None:
    # /api/v1/users is checked against the document; /admin lies outside its base path
    # (/api/v1), where the validator checks nothing.
    assert found(_project(tmp_path), RULE) == {ADMIN}


def test_default_options_check_requests(tmp_path: Path) -> None:
    app = APP.replace(", OPTIONS", "")
    assert found(_project(tmp_path, app), RULE) == {ADMIN}


def test_a_document_without_servers_is_read_from_the_root(tmp_path: Path) -> None:
    # No servers: the base path is `/`, so the document's paths are the full paths.
    spec = SPEC.replace("servers:\n  - url: '{origin}/api/v1'\n    variables:\n"
                        "      origin: {default: 'http://localhost:3000'}\n", "")
    assert found(_project(tmp_path / "a", spec=spec), RULE) == EVERY  # /users is not /api/v1/users
    assert found(_project(tmp_path / "b", spec=spec.replace("  /users:", "  /api/v1/users:")),
                 RULE) == {ADMIN}


def test_a_json_document_is_read_too(tmp_path: Path) -> None:
    app = APP.replace("'api.yml'", "'api.json'")
    operation = {"post": {"requestBody": {"content": {"application/json": {"schema": {}}}},
                          "responses": {"200": {"description": "ok"}}}}
    root = _project(tmp_path, app, **{"api.json": json.dumps(
        {"openapi": "3.0.0", "servers": [{"url": "https://api.example.org/api/v1/"}],
         "paths": {"/users": operation}})})
    assert found(root, RULE) == {ADMIN}


def test_only_operations_the_document_describes_are_checked(tmp_path: Path) -> None:
    # The validator refuses an undocumented path under the base path only case for case, and
    # Express matches paths ignoring case: /API/V1/users/import reaches the handler unchecked.
    router = ROUTER + ("router.post('/import', "
                       "(req, res) => { res.json(req.body.tags.split(',')); });\n")
    root = _project(tmp_path, **{"routes/users.js": router})
    assert found(root, RULE) == {ADMIN, ("input-validation", "routes/users.js", 7)}
    # An operation without a requestBody checks no body.
    no_body = SPEC.replace("      requestBody:", "      x-body:")
    assert found(_project(tmp_path / "b", spec=no_body), RULE) == EVERY


def test_options_that_let_requests_through_unchecked_keep_every_finding(tmp_path: Path) -> None:
    for i, options in enumerate(("validateRequests: false", "ignoreUndocumented: true",
                                 "ignorePaths: /.*\\/admin/", "...shared")):
        assert found(_project(tmp_path / str(i), options=options), RULE) == EVERY, options


def test_a_document_the_code_does_not_name_as_a_file_covers_nothing(tmp_path: Path) -> None:
    for i, spec in enumerate(("require('./api.json')", "loadSpec()", "SPEC_PATH")):
        app = APP.replace("path.join(__dirname, 'api.yml')", spec)
        assert found(_project(tmp_path / str(i), app), RULE) == EVERY, spec


def test_a_server_url_whose_path_is_a_variable_covers_nothing(tmp_path: Path) -> None:
    spec = SPEC.replace("'{origin}/api/v1'", "'/{base}'")
    assert found(_project(tmp_path, spec=spec), RULE) == EVERY


def test_routes_mounted_or_served_before_the_validator_are_not_checked(tmp_path: Path) -> None:
    mounted_first = APP.replace("app.use(express.json());\n",
                                "app.use(express.json());\napp.use('/api/v1/users', users);\n")
    assert found(_project(tmp_path / "a", mounted_first), RULE) == EVERY
    served_first = APP.replace(
        "app.use(express.json());\n",
        "app.use(express.json());\napp.get('/api/v1/me', (req, res) => res.json({}));\n")
    assert found(_project(tmp_path / "b", served_first), RULE) == EVERY
    handed_first = APP.replace(
        "app.use(express.json());\n",
        "app.use(express.json());\nrequire('./legacy')(app);\n")
    assert found(_project(tmp_path / "c", handed_first,
                          **{"legacy.js": "module.exports = (app) => {};\n"}), RULE) == EVERY


def test_a_validator_behind_a_condition_covers_nothing(tmp_path: Path) -> None:
    app = APP.replace("app.use(OpenApiValidator",
                      "if (process.env.VALIDATE) app.use(OpenApiValidator")
    assert found(_project(tmp_path, app), RULE) == EVERY


def test_a_second_app_in_the_project_is_not_behind_it(tmp_path: Path) -> None:
    other = ("const express = require('express');\nconst web = express();\n"
             "web.post('/x', (req, res) => { res.json({ tags: req.body.tags.split(',') }); });\n"
             "web.listen(4000);\n")
    assert found(_project(tmp_path, **{"web.js": other}), RULE) == EVERY | {
        ("input-validation", "web.js", 3)}


def test_routers_mounted_through_a_path_alias_and_in_turn(tmp_path: Path) -> None:
    # `import api from '@server/routes'` (a TypeScript path alias), which mounts ./users.
    root = write_tree(tmp_path / "ts", {
        ".nodeharden.yml": ROBUSTNESS, "package.json": PACKAGE, "api.yml": SPEC,
        "server/index.ts": (
            "import express from 'express';\n"
            "import * as OpenApiValidator from 'express-openapi-validator';\n"
            "import path from 'path';\n"
            "import api from '@server/routes';\n"
            "const API_SPEC_PATH = path.join(__dirname, '../api.yml');\n"
            "const server = express();\n"
            "server.use(express.json());\n"
            "server.use(OpenApiValidator.middleware({ apiSpec: API_SPEC_PATH }));\n"
            "server.use('/api/v1', api);\n"
            "server.listen(3000);\n"),
        "server/routes/index.ts": (
            "import { Router } from 'express';\n"
            "import users from './users';\n"
            "const router = Router();\n"
            "router.use('/users', users);\n"
            "export default router;\n"),
        "server/routes/users.ts": (
            "import { Router } from 'express';\n"
            "const router = Router();\n"
            "router.post('/', (req, res) => {\n"
            "  res.json({ tags: req.body.tags.split(',') });\n"
            "});\n"
            "export default router;\n"),
    })
    assert found(root, RULE) == set()
    # The same router mounted outside the base path is reported.
    index = root / "server/index.ts"
    index.write_text(index.read_text().replace("'/api/v1', api", "'/internal', api"))
    assert found(root, RULE) == {("input-validation", "server/routes/users.ts", 3)}


def test_the_second_review_cases_stay_reported(tmp_path: Path) -> None:
    # Mounted twice, once outside the document.
    twice = APP.replace("app.use('/admin', admin);",
                        "app.use('/admin', admin);\napp.use('/legacy/users', users);")
    assert found(_project(tmp_path / "twice", twice), RULE) == EVERY
    # A file with two routers: only the one mounted is the document's.
    two = ROUTER.replace("module.exports = router;",
                         "const other = express.Router();\n"
                         "other.post('/', (req, res) => { res.json(req.body.tags.split(',')); });\n"
                         "module.exports = router;\nmodule.exports.other = other;")
    assert ("input-validation", "routes/users.js", 7) in found(
        _project(tmp_path / "two", **{"routes/users.js": two}), RULE)
    # Request checks switched by a value the rule cannot read.
    for i, value in enumerate(("VALIDATE", "process.env.V === 'true'", "0", "!true")):
        assert found(_project(tmp_path / f"v{i}", options=f"validateRequests: {value}"),
                     RULE) == EVERY, value
    # Unknown query parameters let through: the query is not checked.
    query_router = ROUTER.replace("req.body.tags.split(',')", "req.query.tags.split(',')")
    assert found(_project(tmp_path / "q", options="validateRequests: "
                          "{ allowUnknownQueryParameters: true }",
                          **{"routes/users.js": query_router}), RULE) == EVERY
    # A function of the file that mounts on the app, called before the validator.
    hoisted = APP.replace("app.use(express.json());\n", "app.use(express.json());\nmountApi();\n") \
        + "function mountApi() { app.use('/api/v1/users', users); }\n"
    assert found(_project(tmp_path / "hoisted", hoisted), RULE) == EVERY
    # A path from the working directory is read from the app's package folder.
    root = write_tree(tmp_path / "mono", {
        ".nodeharden.yml": ROBUSTNESS, "package.json": PACKAGE,
        "api.yml": SPEC.replace("servers:\n  - url: '{origin}/api/v1'\n    variables:\n"
                                "      origin: {default: 'http://localhost:3000'}\n", ""),
        "packages/api/package.json": PACKAGE, "packages/api/api.yml": SPEC,
        "packages/api/app.js": APP.replace("path.join(__dirname, 'api.yml')", "'./api.yml'")
                                  .replace("OPTIONS", "validateRequests: true"),
        "packages/api/routes/users.js": ROUTER, "packages/api/routes/admin.js": ROUTER})
    assert found(root, RULE) == {("input-validation", "packages/api/routes/admin.js", 3)}


def test_the_apps_own_routes_count_where_the_document_describes_them(tmp_path: Path) -> None:
    # The validator's name ("…Validator.middleware") no longer credits the app file's routes
    # as a whole: /legacy lies outside the base path, /api/v1/users is documented.
    handler = "(req, res) => { res.json(req.body.tags.split(',')); });\n"
    app = APP.replace("module.exports = app;\n", f"app.post('/legacy', {handler}"
                      f"app.post('/api/v1/users', {handler}module.exports = app;\n")
    assert found(_project(tmp_path, app), RULE) == {ADMIN, ("input-validation", "app.js", 11)}
