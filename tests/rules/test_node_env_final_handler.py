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
