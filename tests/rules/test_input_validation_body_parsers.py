"""input-validation: ``req.body`` is request input only where a body parser can run for the
route. A project that mounts its parsers per route and never with ``.use()`` gives the other
routes no body (the fixture codemods/input-validation/fixtures/body-parsed-per-route has the
base case); every shape here that may parse a body for every route keeps them reported. The
last test runs the premise on a real Express app."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, npm_install, serve_app, write_tree

from nodeharden import check

PACKAGE = json.dumps({"name": "app", "version": "1.0.0", "dependencies": {
    "express": "^4.21.0", "body-parser": "^1.20.0", "cookie-parser": "^1.4.0",
    "passport": "^0.7.0"}})

APP = """const express = require('express');
const bodyParser = require('body-parser');
const cookieParser = require('cookie-parser');
const passport = require('passport');
const { exec } = require('child_process');
const { textParser } = require('./parsers');
const audit = require('./audit');

const app = express();
const router = express.Router();
passport.use(function strategy() {});
app.use(cookieParser());
app.use(audit);
//USE
app.use('/', router);

router.get('/cat', (req, res) => {
  exec('cat ' + req.body.file);
  res.end();
});

router.post('/new', textParser, (req, res) => {
  exec('echo ' + req.body);
  res.end();
});

router.put('/notes/:id', bodyParser.json(), (req, res) => {
  exec('echo ' + req.body.content);
  res.end();
});

module.exports = app;
"""

FILES = {
    "package.json": PACKAGE,
    "parsers.js": "const bodyParser = require('body-parser');\n"
                  "exports.textParser = bodyParser.text({ type: 'text/markdown' });\n",
    "audit.js": "module.exports = function audit(req, res, next) {\n"
                "  console.log(req.method, req.url);\n  next();\n};\n",
}


def _sink_routes(root: Path) -> list[str]:
    return sorted(f.message.split(":")[0] for f in
                  check(root, select=["input-validation"]).findings)


PER_ROUTE = ["[shell] POST /new", "[shell] PUT /notes/"]
EVERYWHERE = ["[shell] GET /cat", "[shell] POST /new", "[shell] PUT /notes/"]


def test_per_route_parsers_leave_other_routes_without_a_body(project) -> None:
    root = project({**FILES, "app.js": APP})
    assert _sink_routes(root) == PER_ROUTE


@pytest.mark.parametrize("use, extra", [
    ("app.use(express.json());", {}),
    ("app.use(bodyParser.urlencoded({ extended: false }));", {}),
    ("router.use(textParser);", {}),  # on the router the route hangs from
    ("app.use('/api', bodyParser.json(), router);", {}),
    ("app.use(require('express-xml-bodyparser')());", {}),  # a package named for parsing
    ("app.use(require('./raw'));", {  # the project's own middleware writes req.body
        "raw.js": "module.exports = (req, res, next) => {\n  let d = '';\n"
                  "  req.on('data', (c) => { d += c; });\n"
                  "  req.on('end', () => { req.body = d; next(); });\n};\n"}),
    ("app.use(require('./missing'));", {}),  # a module the scan does not have
    ("app.use(...middlewares);", {}),  # cannot be followed
    ("app.all('/api/*', textParser, (req, res, next) => next());", {}),  # passes it on
    ("app.post('/raw', textParser);", {}),  # a parser as the route's last argument
])
def test_shapes_that_may_parse_every_body_keep_it_input(project, use: str,
                                                         extra: dict[str, str]) -> None:
    root = project({**FILES, **extra, "app.js": APP.replace("//USE", use)})
    assert _sink_routes(root) == EVERYWHERE


def test_no_route_mounts_a_parser_keeps_the_body_input(project) -> None:
    """Without a route that mounts a parser, nothing shows the project parses per route (the
    parser may be mounted where the scan cannot see): req.body stays input."""
    app = APP.replace("router.post('/new', textParser, ", "router.post('/new', ") \
        .replace("router.put('/notes/:id', bodyParser.json(), ", "router.put('/notes/:id', ")
    root = project({**FILES, "app.js": app})
    assert _sink_routes(root) == EVERYWHERE


def test_plain_middleware_on_the_route_itself(project) -> None:
    """A route whose own middleware is not a parser gets no body either; one whose middleware
    cannot be followed keeps it."""
    app = APP.replace("router.get('/cat', (req, res)", "router.get('/cat', audit, (req, res)")
    assert _sink_routes(project({**FILES, "app.js": app}, name="a")) == PER_ROUTE
    app = APP.replace("router.get('/cat', (req, res)",
                      "router.get('/cat', require('./nowhere'), (req, res)")
    assert _sink_routes(project({**FILES, "app.js": app}, name="b")) == EVERYWHERE


SERVED = """const express = require('express');
const bodyParser = require('body-parser');
const app = express();
const router = express.Router();
const textParser = bodyParser.text({ type: 'text/markdown' });
app.use(router);
router.get('/new', (req, res) => res.json({ body: typeof req.body }));
router.post('/new', (req, res) => res.json({ body: typeof req.body }));
router.post('/md', textParser, (req, res) => res.json({ body: typeof req.body }));
const server = app.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
"""


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_express_gives_no_body_without_a_parser(tmp_path: Path) -> None:
    """The premise, on real Express 4: a route without a parser sees req.body undefined
    whatever the client sends; the route with one sees the parsed body."""
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"name": "app", "version": "1.0.0", "dependencies": {
            "express": "^4.21.0", "body-parser": "^1.20.0"}}),
        "app.js": SERVED,
    })
    npm_install(root)

    def send(url: str, method: str, data: bytes, kind: str) -> str:
        request = urllib.request.Request(url, data=data, method=method,
                                         headers={"Content-Type": kind})
        with urllib.request.urlopen(request, timeout=10) as resp:
            return json.loads(resp.read())["body"]

    with serve_app(root) as base:
        for kind, data in (("application/json", b'{"file": "/etc/passwd"}'),
                           ("application/x-www-form-urlencoded", b"file=%2Fetc%2Fpasswd"),
                           ("text/markdown", b"# hi")):
            assert send(f"{base}/new", "GET", data, kind) == "undefined", kind
            assert send(f"{base}/new", "POST", data, kind) == "undefined", kind
        assert send(f"{base}/md", "POST", b"# hi", "text/markdown") == "string"
