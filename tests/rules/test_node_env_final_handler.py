"""node-env: the "stack traces" claim holds only where errors can reach Express's default
handler. An app whose own final error handler answers every error is reported only when
something else in sight still changes with NODE_ENV, and the message says what."""

from __future__ import annotations

import pytest

from nodeharden import check

DOCKERFILE = 'FROM node:20\nWORKDIR /srv\nCOPY . .\nRUN npm install\nCMD ["node", "app.js"]\n'
HANDLERS = """\
module.exports = function register(app) {
  app.use((err, req, res, next) => {
    if (err.code !== 'EBADCSRFTOKEN') return next(err);
    res.status(403).send('bad token');
  });
  app.use((err, req, res, next) => {
    res.status(err.status || 500);
    res.send({ message: 'failed' });
  });
};
"""


def _messages(project, files: dict[str, str], deps: str = '"express": "^4.21.0"') -> list[str]:
    root = project({"package.json": '{"name": "n", "dependencies": {' + deps + '}}',
                    "Dockerfile": DOCKERFILE, **files})
    return [f.message for f in check(root, select=["node-env"]).findings]


def test_a_handler_registered_from_another_module_keeps_the_stack_page_away(project) -> None:
    app = ("const express = require('express');\nconst app = express();\n"
           "app.get('/', (req, res) => res.json({}));\nrequire('./errors')(app);\n"
           "app.listen(8080);\n")
    assert _messages(project, {"app.js": app, "errors.js": HANDLERS}) == []


def test_views_keep_the_finding_with_what_development_mode_changes(project) -> None:
    app = ("const express = require('express');\nconst app = express();\n"
           "app.set('view engine', 'ejs');\napp.get('/', (req, res) => res.render('index'));\n"
           "require('./errors')(app);\napp.listen(8080);\n")
    [message] = _messages(project, {"app.js": app, "errors.js": HANDLERS})
    assert "own final error handler (errors.js:6)" in message
    assert "recompiles the app's views" in message and "shows stack traces" not in message


def test_a_mode_switching_dependency_keeps_the_finding(project) -> None:
    app = ("const express = require('express');\nconst app = express();\n"
           "require('./errors')(app);\napp.listen(8080);\n")
    [message] = _messages(project, {"app.js": app, "errors.js": HANDLERS},
                          deps='"express": "^4.21.0", "next": "^14.0.0"')
    assert "`next` runs its development mode" in message


def test_a_handler_that_throws_or_names_the_stack_is_not_final(project) -> None:
    for body in ("throw err;", "res.status(500).json({ stack: err.stack });"):
        app = ("const express = require('express');\nconst app = express();\n"
               f"app.use((err, req, res, next) => {{ {body} }});\napp.listen(8080);\n")
        [message] = _messages(project, {"app.js": app})
        assert message.endswith("Express runs in development mode and shows stack traces")


def test_two_apps_are_not_judged_by_one_handler(project) -> None:
    app = ("const express = require('express');\nconst app = express();\n"
           "const admin = express();\n"
           "admin.get('/users/:id', (req, res) => res.json(lookup(req.params.id)));\n"
           "app.use((err, req, res, next) => { res.status(500).end(); });\n"
           "app.listen(8080);\nadmin.listen(8081);\n")
    [message] = _messages(project, {"app.js": app})
    assert message.endswith("shows stack traces")


def test_a_routers_handler_is_not_the_apps_final_handler(project) -> None:
    # The four-parameter handler sits on a router handed to a module: it covers that router's
    # routes only; the app's other errors still reach Express's default handler.
    routes = ("module.exports = function mount(api) {\n"
              "  api.get('/x', (req, res) => res.json({}));\n"
              "  api.use((err, req, res, next) => { res.status(500).json({ error: 'x' }); });\n"
              "};\n")
    app = ("const express = require('express');\nconst app = express();\n"
           "const api = express.Router();\nrequire('./routes')(api);\napp.use('/api', api);\n"
           "app.get('/', (req, res) => { throw new Error('boom'); });\napp.listen(8080);\n")
    [message] = _messages(project, {"app.js": app, "routes.js": routes})
    assert message.endswith("shows stack traces")


_APP = ("const express = require('express');\nconst app = express();\n"
        "app.get('/', (req, res) => res.json({}));\napp.use(%s);\napp.listen(8080);\n")


@pytest.mark.parametrize("handler", [
    "(err, req, res, next) => { res.status(500).send(err); }",
    "(err, req, res, next) => { res.status(500).json({ err }); }",
    "(err, req, res, next) => { res.json({ ok: false, details: err.details }); }",
    "(err, req, res, next) => { const body = { error: err }; res.json(body); }",
    "(err, req, res, next) => { sendError(res, err); }",
    "(err, req, res, next) => { res.json(err || {}); }",
    "(err, req, res, next) => { res.render('error', { error: err }); }",
])
def test_an_answer_that_carries_the_error_object_may_throw_so_the_finding_stays(
        project, handler) -> None:
    # a circular error makes res.json/res.send throw, and Express's default page answers
    assert len(_messages(project, {"app.js": _APP % handler})) == 1


@pytest.mark.parametrize("handler", [
    ("(err, req, res, next) => { logger.error({ err }); res.status(err.status || 500).json({ "
     "message: err.message }); }"),
    ("(err, req, res, next) => { if (err instanceof TypeError) { return res.sendStatus(400); } "
     "res.status(500).send(String(err)); }"),
    "(err, req, res, next) => { report(err); res.status(500).send(`failed: ${err}`); }",
])
def test_an_answer_of_text_and_fields_keeps_the_stack_page_away(project, handler) -> None:
    assert _messages(project, {"app.js": _APP % handler}) == []


@pytest.mark.parametrize("dep", ['"apollo-server-express": "^3.13.0"', '"graphql-yoga": "^5.0.0"',
                                 '"mercurius": "^14.0.0"', '"express-graphql": "^0.12.0"'])
def test_a_graphql_server_keeps_the_finding(project, dep) -> None:
    handler = "(err, req, res, next) => { res.status(500).json({ error: 'internal' }); }"
    messages = _messages(project, {"app.js": _APP % handler},
                         deps='"express": "^4.21.0", ' + dep)
    assert len(messages) == 1 and dep.split('"')[1] in messages[0]


AGENT = ("const agent = express();\n"
         "agent.post('/drain', function (req, res) {\n  state = 'drain';\n"
         "  logger.debug('draining');\n  res.sendStatus(204);\n});\n")
SERVING = ("const express = require('express');\nconst logger = require('./logger');\n"
           "let state = 'up';\nconst app = express();\napp.get('/', (req, res) => res.json({}));\n"
           "app.use((err, req, res, next) => { res.sendStatus(500); });\n")


def test_a_second_app_no_error_can_reach_keeps_the_credit(project) -> None:
    app = SERVING + AGENT + "app.listen(8080);\nagent.listen(8081);\n"
    assert _messages(project, {"app.js": app, "logger.js": "module.exports = {};\n"}) == []


@pytest.mark.parametrize("route", [
    "agent.post('/drain', async (req, res) => { res.sendStatus(204); });",  # async: rejections
    "agent.post('/drain/:id', (req, res) => { res.sendStatus(204); });",  # undecodable param
    "agent.post('/drain', (req, res) => { drain(); res.sendStatus(204); });",  # other code
    "agent.post('/drain', (req, res) => { res.json(state); });",  # answers a value
    "agent.use(express.json());",  # a body parser fails on malformed JSON
    "require('./more')(agent);",  # handed to other code
])
def test_a_second_app_that_may_fail_voids_the_credit(project, route) -> None:
    app = (SERVING + "function drain() {}\nconst agent = express();\n" + route
           + "\nagent.post('/ok', (req, res) => res.sendStatus(204));\n"
           "app.listen(8080);\nagent.listen(8081);\n")
    [message] = _messages(project, {"app.js": app, "logger.js": "module.exports = {};\n"})
    assert message.endswith("shows stack traces")


def test_two_apps_each_with_its_own_final_handler(project) -> None:
    app = SERVING + ("const admin = express();\nadmin.get('/', (req, res) => res.json({}));\n"
                     "admin.use((err, req, res, next) => { res.status(500).end(); });\n"
                     "app.listen(8080);\nadmin.listen(8081);\n")
    assert _messages(project, {"app.js": app, "logger.js": "module.exports = {};\n"}) == []


@pytest.mark.parametrize("read, counts", [
    ("process.env.NODE_ENV === 'development'", False),
    ("'test' !== process.env['NODE_ENV']", False),
    ("process.env.NODE_ENV !== 'production'", True),
    ("(process.env.NODE_ENV || 'development') === 'development'", True),
    ("typeof process.env.NODE_ENV === 'undefined'", True),
    ("process.env.NODE_ENV.trim() === 'development'", True),
    ("process.env.NODE_ENV === 'dev' + suffix", True),
    ("app.get('env') === 'development'", True),  # Express's own default is development
])
def test_a_comparison_that_production_does_not_change_is_not_a_development_effect(
        project, read, counts) -> None:
    app = ("const express = require('express');\nconst app = express();\nconst suffix = '';\n"
           f"const verbose = {read};\n"
           "app.get('/', (req, res) => res.json({ verbose }));\n"
           "app.use((err, req, res, next) => { res.status(500).json({ error: 'x' }); });\n"
           "app.listen(8080);\n")
    messages = _messages(project, {"app.js": app})
    assert len(messages) == int(counts)
    if counts:
        assert "the app's own code switches on it (app.js:4)" in messages[0]


def test_a_generated_dockerfile_is_reported_without_a_fix(project) -> None:
    root = project({"package.json": '{"name": "n", "dependencies": {"express": "^4.21.0"}}',
                    "Dockerfile": "# This file was auto-generated, do not edit it directly.\n"
                                  "# Instead run scripts/build-images from the tools repo.\n"
                                  + DOCKERFILE,
                    "app.js": "require('express')().listen(8080);\n"})
    findings = check(root, select=["node-env", "dockerfile-user"]).findings
    assert sorted(f.rule for f in findings) == ["dockerfile-user", "node-env"]
    for found in findings:  # both Dockerfile rules: a line added here would be overwritten
        assert found.fix is None
        assert 'says it is generated ("This file was auto-generated, do not edit it directly. ' \
               'Instead run scripts/build-images from the tools repo.")' in found.message


def test_a_scaffolds_header_is_the_projects_to_edit(project) -> None:
    # "generated by" a scaffolding tool, with no word that edits do not last: written once,
    # then the project's own file, so the fix is offered.
    root = project({"package.json": '{"name": "n", "dependencies": {"express": "^4.21.0"}}',
                    "Dockerfile": "# This file is generated by Nx.\n#\n# Tip: Modify the "
                                  "docker-build options in project.json.\n" + DOCKERFILE,
                    "app.js": "require('express')().listen(8080);\n"})
    findings = check(root, select=["node-env", "dockerfile-user"]).findings
    assert len(findings) == 2 and all(f.fix is not None for f in findings)


def test_express_generators_development_handler_is_named(project) -> None:
    # btc-rpc-explorer: the development handler (Express's `env` setting is "development"
    # while NODE_ENV is unset) renders the whole error, its stack included; the production
    # one after it answers every error.
    app = ("const express = require('express');\nconst app = express();\n"
           "app.set('view engine', 'pug');\n"
           "app.get('/', (req, res) => res.send('ok'));\n"
           "if (app.get('env') === 'development') {\n"
           "  app.use(function(err, req, res, next) {\n"
           "    res.status(err.status || 500);\n"
           "    res.render('error', { message: err.message, error: err });\n"
           "  });\n}\n"
           "app.use(function(err, req, res, next) {\n"
           "  res.status(err.status || 500);\n"
           "  res.render('error', { message: err.message, error: {} });\n"
           "});\napp.listen(8080);\n")
    [message] = _messages(project, {"app.js": app})
    assert "in development mode the app's own error handler (app.js:6) shows the error to " \
           "the client, its stack included" in message, message
    # A raw NODE_ENV test is false while NODE_ENV is unset: that handler never runs then.
    raw = app.replace("app.get('env') === 'development'",
                      "process.env.NODE_ENV === 'development'")
    assert all("in development mode" not in m for m in _messages(project, {"app.js": raw}))
