"""Express facts come from tree-sitter queries run only around needles (method names, imported
names, ``require``/``import``). These tests pin the shapes a needle could miss: comments and
line breaks inside a callee, ``?.``, TypeScript type arguments, calls on imported names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nodeharden._express import FileFacts, extract_facts
from nodeharden._parse import captures_in, needle_ranges, parse
from nodeharden._style import module_kind_for
from conftest import check_json, write_tree


#: Keeps the code under test farther from the imports than the ranges' merge gap, so each
#: shape is found by its own needle rather than by the range around a ``require``.
PAD = "// ----------\n" * 40


def facts_of(code: str, lang: str = "javascript") -> FileFacts:
    source = code.encode()
    return extract_facts(lang, source, parse(lang, source).root_node, "app.js", "commonjs")


def calls(facts: FileFacts) -> list[tuple[str, str, str | None]]:
    return [(c.target, c.method, c.path) for c in facts.calls]


@pytest.mark.parametrize("code", [
    "app.use(compression())",
    "app./* why */use(compression())",
    "app.\n  use(compression())",
    "app\n  // a comment\n  .use(compression())",
    "app.use /* before the parenthesis */ (compression())",
])
def test_use_calls_are_found_whatever_the_spacing(code: str) -> None:
    facts = facts_of("const compression = require('compression');\n" + PAD + code + ";\n")
    assert calls(facts) == [("app", "use", None)]


def test_header_middleware_calls_are_recorded() -> None:
    facts = facts_of("const helmet = require('helmet');\n" + PAD + "app.use(helmet());\n")
    assert facts.called == {"helmet"}


@pytest.mark.parametrize("code, lang", [
    ("router.get('/users/:id', show);", "javascript"),
    ("router.get(\n  // the route\n  '/users/:id', show);", "javascript"),
    ("router.get(/* the route */ '/users/:id', show);", "javascript"),
    ("router./* the route */get('/users/:id', show);", "javascript"),
    ("router\n  .get('/users/:id', show);", "javascript"),
    ("router?.get?.('/users/:id', show);", "javascript"),
    ("router.get<{ id: string }>('/users/:id', show);", "typescript"),
])
def test_routes_are_found_whatever_the_spacing(code: str, lang: str) -> None:
    facts = facts_of("const router = require('express').Router();\n" + PAD + code, lang)
    assert [(r.target, r.method, r.path) for r in facts.routes()] == \
        [("router", "get", "/users/:id")]


@pytest.mark.parametrize("code", [
    # An app passed in to a routes module.
    "module.exports = function (app) {\n  app.post('/login', login);\n};\n",
    "module.exports = (router) => {\n  router.post('/login', login);\n};\n",
    "export default function routes({ app }) {\n  app.post('/login', login);\n}\n",
    # The project's own app, imported from another file.
    "const app = require('./app');\napp.post('/login', login);\n",
    "import server from '../server.js';\nserver.post('/login', login);\n",
    # Created here.
    "import express from 'express';\nconst api = express.Router();\napi.post('/login', login);\n",
])
def test_registrations_on_a_proven_app_or_router_are_routes(code: str) -> None:
    facts = facts_of(code)
    assert [(r.method, r.path) for r in facts.routes()] == [("post", "/login")]


@pytest.mark.parametrize("code,expected", [
    ("const express = require('express');\nconst app = express();\n"
     "app.route('/login').get(form).post(login);\n",
     [("app", "get", "/login", 2), ("app", "post", "/login", 2)]),
    ("const { Router } = require('express');\nconst router = Router();\n"
     "router\n  .route('/items/:id')\n  .get(auth, show)\n  .put(auth, (req, res) => {});\n",
     [("router", "get", "/items/:id", 3), ("router", "put", "/items/:id", 3)]),
    ("module.exports = (app) => {\n  app.route('/signin').post(signin);\n};\n",
     [("app", "post", "/signin", 2)]),
])
def test_routes_chained_on_route_path_are_routes_of_its_receiver(
        code: str, expected: list[tuple[str, str, str, int]]) -> None:
    facts = facts_of(code)
    routes = sorted(facts.routes(), key=lambda r: r.method)
    assert [(r.target, r.method, r.path, len(r.args)) for r in routes] == expected
    assert all(r.chained and r.args[0].kind == "string" for r in routes)
    # args[1:] are the method's own arguments: what a new middleware goes before
    source = code.encode()
    assert all(source[:r.args[1].start].rstrip().endswith(b"(") for r in routes)


@pytest.mark.parametrize("code", [
    # Not a route: route() with two arguments, a chain on an object not proven Express, a
    # method that is not one of HTTP's, a property named route.
    "const express = require('express');\nconst app = express();\n"
    "app.route('/y', extra).get(h);\n",
    "const express = require('express');\nconst app = express();\n"
    "app.route('/x').use(h);\nthings.route('/z').get(h);\n",
    "const client = require('./client');\nclient.route.get(h);\n",
])
def test_other_route_chains_are_not_routes(code: str) -> None:
    assert facts_of(code).routes() == []


@pytest.mark.parametrize("code", [
    # HTTP clients: the same shape as a route, never one.
    "import axios from 'axios';\nconst api = axios.create();\n"
    "export const signin = (body) => api.post('/api/signin', body);\n",
    "const got = require('got');\ngot.post('/api/items', { json: {} });\n",
    "const request = require('supertest');\nrequest(app).post('/login', creds);\n",
    "client.get('/users/1', handler);\n",
])
def test_calls_on_objects_not_proven_to_be_express_are_not_routes(code: str) -> None:
    assert facts_of(code).routes() == []


@pytest.mark.parametrize("code", [
    "server.emit('ready');",
    "server /* the app */ .emit('ready');",
    "server // the app\n  .emit('ready');",
    "server?.emit('ready');",
    "server.emit?.('ready');",
    "server.emit(// what\n  'ready');",
])
def test_string_calls_on_an_imported_name_are_kept(code: str) -> None:
    facts = facts_of("const server = require('./server');\n" + PAD + code + "\n")
    assert calls(facts) == [("server", "emit", "ready")]


def test_string_calls_on_other_names_are_not_kept() -> None:
    facts = facts_of("const server = require('./server');\n" + PAD +
                     "local.emit('ready');\nthis.server.emit('x');\nnew Error('boom');\n"
                     "const url = 'http://example.test' // not a comment\n  + server.emit('y');\n")
    assert calls(facts) == [("server", "emit", "y")]


def test_apps_routers_and_static() -> None:
    facts = facts_of("const e = require('express');\n" + PAD + "const app = e();\n"
                     "const api = e.Router();\nconst other = require('express')();\n"
                     "const r = require('express').Router();\n"
                     "app.use(e.static('public'));\nother.use(lib.serve.static('x'));\n")
    assert [(a.kind, a.name) for a in facts.apps] == \
        [("app", "app"), ("router", "api"), ("app", "other"), ("router", "r")]
    assert facts.called == {"e.static", "static"}


def test_routers_made_with_new() -> None:
    """Express's Router works with ``new`` too (held-out sample 37: a boilerplate's ``const
    routes = new Router()`` hid its login route, so rate-limit and error-handler said nothing);
    a ``new`` of another class named Router is no router."""
    facts = facts_of("import express, { Router } from 'express';\n"
                     "import { Router as Other } from 'some-router';\n" + PAD +
                     "const routes = new Router();\nconst api = new express.Router();\n"
                     "const other = new Other();\nroutes.post('/auth/login', login);\n")
    assert [(a.kind, a.name) for a in facts.apps] == [("router", "routes"), ("router", "api")]
    assert [(c.target, c.method, c.path, c.on_express) for c in facts.calls
            if c.method == "post"] == [("routes", "post", "/auth/login", True)]


def test_called_records_only_the_header_middleware_modules() -> None:
    facts = facts_of("import helmet from 'helmet';\nimport lusca from 'lusca';\n"
                     "import cors from 'cors';\n" + PAD + "app.use(helmet());\n"
                     "app.use(lusca.csrf());\napp.use(cors());\nformat('x');\n")
    assert facts.called == {"helmet", "lusca.csrf"}


def test_well_known_paths_on_any_method() -> None:
    facts = facts_of(PAD + "mount.serve('/.well-known/security.txt', handler);\n")
    assert calls(facts) == [("mount", "serve", "/.well-known/security.txt")]


def test_imports_of_every_kind() -> None:
    facts = facts_of("import a from 'a';\nimport * as b from 'b';\nimport { c as d } from 'c';\n"
                     "const e = require('e');\nconst { f, g: h } = require('f');\n"
                     "function later() { return require('late'); }\n")
    assert [i.module for i in facts.imports] == ["a", "b", "c", "e", "f", "late"]
    assert facts.locals_of("f") == {"f", "h"}
    assert [i.top_level for i in facts.imports][-1] is False


def test_captures_in_returns_the_nodes_around_a_range_once_in_preorder() -> None:
    source = b"outer(inner(x), other(password));\nfar(password);\nnot(this);\n"
    tree = parse("javascript", source)
    ranges = needle_ranges([re.compile(rb"password")], source, gap=0)
    assert len(ranges) == 2
    found = captures_in("javascript", "(call_expression) @call", tree.root_node, ranges)
    assert [n.text for n in found["call"]] == [
        b"outer(inner(x), other(password))", b"other(password)", b"far(password)"]


@pytest.mark.parametrize("source, expected", [
    (b"import x from 'x';\n", "esm"),
    (b"  import {a} from 'a'\n", "esm"),
    (b"export const a = 1;\n", "esm"),
    (b"module.exports = require('x');\n", "commonjs"),
    # import declarations beside a side-effect require (a Babel-compiled server): a new
    # import goes in as a declaration, among the file's own
    (b"import x from 'x';\nrequire('./config/passport');\n", "esm"),
    (b"const s = 'import x';\nmodule.exports = 1;\n", "project"),
    (b"import  x from 'x'\n", "project"),  # two spaces: not read as an import (as before)
])
def test_module_kind_reads_line_starts(source: bytes, expected: str) -> None:
    kind = module_kind_for("a.js", "module-of-the-project", source)  # type: ignore[arg-type]
    assert kind == (expected if expected != "project" else "module-of-the-project")


def test_rules_that_query_around_needles_still_see_distant_parts(tmp_path: Path) -> None:
    """The ranged rules across long distances: SQL declared far above its query call, a
    password compared far from any import, a stack trace sent from a long error handler, and a
    route handler defined far from the route (input-validation looks it up by name)."""
    write_tree(tmp_path, {
        "package.json": '{"dependencies": {"express": "^5.1.0", "pg": "^8.0.0"}}',
        # (create's .trim() is a robustness-only use: reported with the option)
        ".nodeharden.yml": "input_validation: {robustness: true}\n",
        "app.js": (
            "const express = require('express');\n"
            "const { Pool } = require('pg');\n"
            "const db = new Pool();\n"
            "const app = express();\n"
            "function showUser(req, res) {\n"
            "  const sql = 'SELECT * FROM users WHERE id = ' + req.params.id;\n"
            + PAD +
            "  db.query(sql, (err, rows) => res.json(rows));\n"
            "}\n"
            + PAD +
            "function login(req, res) {\n"
            + PAD +
            "  if (req.body.password === user.password) res.send('ok');\n"
            "}\n"
            + PAD +
            "function create(req, res) {\n"
            "  res.json({ name: req.body.name.trim() });\n"
            "}\n"
            + PAD +
            "app.get('/users/:id', showUser);\n"
            "app.post('/users', create);\n"
            "app.use((err, req, res, next) => {\n"
            + PAD +
            "  res.status(500).json({ error: err.stack });\n"
            "});\n"
            "app.listen(3000);\n"),
    })
    found = {(f["rule"], f["line"]) for f in check_json(tmp_path)["findings"]}
    lines = (tmp_path / "app.js").read_text().splitlines()

    def line_of(text: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if text in line)

    assert ("sql-injection", line_of("db.query(sql")) in found
    assert ("password-hash", line_of("req.body.password ===")) in found
    assert ("error-handler", line_of("err.stack")) in found
    assert ("input-validation", line_of("app.post('/users'")) in found


def test_settings_need_a_string_name_and_middleware_any_argument() -> None:
    facts = facts_of(PAD + "cache.set(key, value);\nheaders.delete(name);\n"
                     "app.set('trust proxy', 1);\napp.disable('x-powered-by');\n"
                     "app.use(middleware);\napp.listen(port);\nres.render(view);\n"
                     "app.param(name, load);\n")
    assert calls(facts) == [("app", "set", "trust proxy"), ("app", "disable", "x-powered-by"),
                            ("app", "use", None), ("app", "listen", None),
                            ("res", "render", None), ("app", "param", None)]


def test_function_arities_are_recorded_for_files_that_use_a_function_by_name() -> None:
    code = ("function onError(err, req, res, next) { res.sendStatus(500); }\n"
            "const log = (req, res, next) => next();\n")
    assert facts_of(code + "app.use(log);\napp.use(onError);\n").function_params == \
        {"onError": 4, "log": 3}
    assert facts_of(code).function_params == {}


def test_require_inside_a_longer_name_is_no_import() -> None:
    facts = facts_of(PAD + "var a = __webpack_require__('x');\nvar b = loader.require('y');\n"
                     "var c = require('z');\n")
    assert [i.module for i in facts.imports] == ["z"]


def test_only_requires_of_a_string_first_and_imports_from_a_string_are_imports() -> None:
    """The import query is flat (its nested form cost a millisecond to compile in every
    scanning process); the facts keep what the nested form matched: ``require`` called with a
    string as its first argument, and import statements with a string source; and a template
    without substitutions (``require(`z`)``, a quoted string in backticks)."""
    facts = facts_of("const a = require(/* c */ 'x');\nconst b = require('y', 2);\n"
                     "require(`z`);\nconst c = require(d, 'e');\nrequire`f`;\n"
                     "const g = req.require('w');\nimport h from 'h';\nimport 'i';\n"
                     "const j = (0, require)('v');\n")
    assert [i.module for i in facts.imports] == ["h", "i", "y", "z"]


def test_a_member_of_a_require_is_a_named_import() -> None:
    """``const Router = require('express').Router`` binds express's ``Router`` as surely as
    ``const { Router } = require('express')``: its routers and their routes are seen."""
    facts = facts_of("const Router = require('express').Router;\n"
                     "const onError = (require('./errors')).handler;\n"
                     "const deep = require('./x').a.b;\n"
                     "const router = Router();\n"
                     "router.post('/login', (req, res) => res.end());\n"
                     "module.exports = router;\n")
    assert [(i.module, i.named) for i in facts.imports] == [
        ("express", {"Router": "Router"}), ("./errors", {"handler": "onError"}), ("./x", {})]
    assert [(a.kind, a.name) for a in facts.apps] == [("router", "router")]
    assert [(c.method, c.path) for c in facts.routes()] == [("post", "/login")]
