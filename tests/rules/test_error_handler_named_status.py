"""error-handler: a status named by a constant is the number it names. A catch that answers
``res.status(BAD_INPUT)`` with ``BAD_INPUT`` a 4xx (a top-level ``const`` of the file, a
project module's ``export const``, a status-code package's code) keeps its message, as
``res.status(400)`` does; a named 5xx stays reported, and an error handler that already set a
5xx gets the plain generic text (no ``statusCode < 500`` test that can never be true).

An Express app that nothing is mounted on (no route, no middleware, not passed on, not
exported: only handed to ``http.createServer`` for a WebSocket server) can hand no error to a
handler: no "no final error handler" for it. Apps set up elsewhere keep that finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_json, run_cli, write_tree

PACKAGE = ('{"name": "p", "type": "module", "dependencies": {"express": "^4.21.0", '
           '"http-status-codes": "^2.3.0", "http-status": "^1.7.0"}}')
CODES = """\
export const BAD_INPUT = 400;
export const NOT_SIGNED_IN = 401;
export const SERVER_FAILED = 500;
export const INVALID = BAD_INPUT;
"""


def routes_js(head: str, answer: str) -> str:
    return (f"import express from 'express';\n{head}\n"
            "import { load } from './store.js';\n"
            "const router = express.Router();\n"
            "router.post('/things', async (req, res) => {\n"
            "  try {\n"
            "    res.json(await load(req.body));\n"
            "  } catch (e) {\n"
            f"    {answer}\n"
            "  }\n"
            "});\n"
            "export default router;\n")


APP = """\
import express from 'express';
import router from './routes.js';
const app = express();
app.use(router);
app.use((err, req, res, next) => {
  console.error(err);
  res.status(err.status || 500).json({ message: 'Request failed' });
});
app.listen(3000);
"""


def message_findings(tmp_path: Path, head: str, answer: str) -> list[dict]:
    root = write_tree(tmp_path / "p", {
        "package.json": PACKAGE, "codes.js": CODES, "app.js": APP,
        "store.js": "export async function load(body) { return body; }\n",
        "routes.js": routes_js(head, answer)})
    report = check_json(root, "--select", "error-handler")
    return [f for f in report["findings"] if "e.message" in f["message"]]


@pytest.mark.parametrize("head, answer", [
    ("import { BAD_INPUT } from './codes.js';",
     "res.status(BAD_INPUT).json({ error: e.message });"),
    ("import { NOT_SIGNED_IN } from './codes.js';",
     "res.status(NOT_SIGNED_IN);\n    return res.json({ error: e.message });"),
    ("import { INVALID } from './codes.js';", "res.status(INVALID).send(e.message);"),
    ("const TAKEN = 409;", "res.status(TAKEN).json({ error: e.message });"),
    ("import { StatusCodes } from 'http-status-codes';",
     "res.status(StatusCodes.BAD_REQUEST).json({ error: e.message });"),
    ("import { UNPROCESSABLE_ENTITY } from 'http-status-codes';",
     "res.status(UNPROCESSABLE_ENTITY).json({ error: e.message });"),
    ("import httpStatus from 'http-status';",
     "res.status(httpStatus.NOT_FOUND).json({ error: e.message });"),
    ("import httpStatus from 'http-status';",
     "res.status(httpStatus['CONFLICT']).json({ error: e.message });"),
], ids=["project-export", "project-export-set-before", "project-alias", "file-const",
        "status-codes-object", "status-codes-named", "http-status-member",
        "http-status-subscript"])
def test_a_named_4xx_keeps_the_message(tmp_path: Path, head: str, answer: str) -> None:
    assert message_findings(tmp_path, head, answer) == []


@pytest.mark.parametrize("head, answer, known_5xx", [
    ("import { SERVER_FAILED } from './codes.js';",
     "res.status(SERVER_FAILED).json({ error: e.message });", True),
    ("const UPSTREAM = 502;", "res.status(UPSTREAM).json({ error: e.message });", True),
    ("import { StatusCodes } from 'http-status-codes';",
     "res.status(StatusCodes.INTERNAL_SERVER_ERROR).json({ error: e.message });", True),
    ("import { BAD_INPUT } from './missing.js';",
     "res.status(BAD_INPUT).json({ error: e.message });", False),
    ("import { BAD_INPUT } from './codes.js';",
     "const answer = (BAD_INPUT) => res.status(BAD_INPUT).json({ error: e.message });\n"
     "    answer(500);", False),
], ids=["project-5xx", "file-const-5xx", "status-codes-5xx", "unresolved-import",
        "shadowed-by-parameter"])
def test_a_named_5xx_or_unknown_status_stays_reported(tmp_path: Path, head: str,
                                                      answer: str, known_5xx: bool) -> None:
    found = message_findings(tmp_path, head, answer)
    assert len(found) == 1
    # a status known to be a 5xx: the advice is the plain generic text
    assert ("for 5xx answers" not in found[0]["message"]) == known_5xx


HANDLER_APP = """\
import express from 'express';
import {{ SERVER_FAILED, BAD_INPUT }} from './codes.js';
const app = express();
app.get('/', (req, res) => {{ res.send('home'); }});
app.use((err, req, res, next) => {{
  {body}
}});
app.listen(3000);
"""


def handler_fix(tmp_path: Path, body: str) -> tuple[list[dict], str]:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "codes.js": CODES,
                                       "app.js": HANDLER_APP.format(body=body)})
    report = check_json(root, "--select", "error-handler")
    found = [f for f in report["findings"] if "err.message" in f["message"]]
    done = run_cli("fix", root, "--select", "error-handler", "--dry-run", "--unsafe")
    return found, done.stdout


@pytest.mark.parametrize("body", [
    "res.status(SERVER_FAILED).json({ message: err.message });",
    "res.status(500);\n  res.json({ message: err.message });",
], ids=["named-500-in-chain", "500-set-before"])
def test_a_handler_that_set_a_5xx_sends_the_generic_text(tmp_path: Path, body: str) -> None:
    found, diff = handler_fix(tmp_path, body)
    assert len(found) == 1
    assert "< 500 ?" not in diff and "statusCode < 500" not in diff
    assert "message: 'Internal Server Error'" in diff


def test_a_handler_that_set_a_4xx_constant_is_left_as_it_is(tmp_path: Path) -> None:
    _, diff = handler_fix(tmp_path, "res.status(BAD_INPUT).json({ message: err.message });")
    assert "err.message" not in diff


SERVER_ONLY = {
    "package.json": '{"name": "p", "dependencies": {"express": "^4.21.0", "ws": "^8.18.0"}}',
    "server.js": """\
        const express = require('express');
        const http = require('http');
        const { WebSocketServer } = require('ws');
        const app = express();
        app.set('trust proxy', 1);
        const server = http.createServer(app);
        new WebSocketServer({ server });
        server.listen(3001);
        """,
}


def missing_handler(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int]]:
    root = write_tree(tmp_path / "p", files)
    report = check_json(root, "--select", "error-handler")
    return [(f["path"], f["line"]) for f in report["findings"]
            if f["message"].startswith("no final error handler")]


def test_an_app_with_nothing_mounted_needs_no_final_handler(tmp_path: Path) -> None:
    assert missing_handler(tmp_path, SERVER_ONLY) == []


def test_an_esm_app_handed_only_to_create_server(tmp_path: Path) -> None:
    files = {"package.json": '{"name": "p", "type": "module", '
                             '"dependencies": {"express": "^4.21.0"}}',
             "server.js": """\
                 import express from 'express';
                 import { createServer } from 'node:http';
                 const app = express();
                 createServer(app).listen(3001);
                 """}
    assert missing_handler(tmp_path, files) == []


@pytest.mark.parametrize("extra, others", [
    ("app.get('/page', (req, res) => res.sendFile('page.html', { root: 'public' }));", {}),
    ("require('./setup')(app);",
     {"setup.js": "module.exports = (app) => app.get('/', (req, res) => res.send('x'));\n"}),
    ("module.exports = app;", {}),
    ("const env = {};\nenv.app = app;\nrequire('./routes')(env);",
     {"routes.js": "module.exports = (env) => env.app.get('/', (req, res) => res.send('x'));\n"}),
    ("require('./server-of')(app);",
     {"server-of.js": "module.exports = (app) => require('http').createServer(app);\n"}),
    # `set`/`enable`/`disable` give the app back: a route chained on one is mounted.
    ("app.disable('etag').get('/boom', (req, res) => { throw new Error('x'); });", {}),
], ids=["own-route", "passed-to-setup", "exported", "stored-on-object", "passed-to-helper",
        "route-chained-on-a-setting"])
def test_an_app_set_up_anywhere_keeps_the_finding(tmp_path: Path, extra: str,
                                                   others: dict[str, str]) -> None:
    files = {**SERVER_ONLY, **others}
    files["server.js"] = SERVER_ONLY["server.js"].replace(
        "server.listen(3001);", "server.listen(3001);\n" + extra)
    assert missing_handler(tmp_path, files) == [("server.js", 4)]
