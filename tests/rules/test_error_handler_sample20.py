"""error-handler after held-out sample 20.

- A package's logger the app file imports as ``logger``/``log`` logs the added handler's 5xx
  when the file's own ``.error(…)`` calls hand it errors, in the form those calls use; other
  files keep ``console.error``.
- An app whose only registrations are routes that cannot fail (plain path, inline sync
  handlers that only assign literals, log literals and answer literals) is not reported; any
  step that may fail keeps the finding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_tree

PACKAGE = ('{"name": "p", "private": true, "type": "module", '
           '"dependencies": {"express": "^4.21.2", "@acme/log": "^1.0.0"}}')


def fixed(tmp_path: Path, source: str) -> str:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": source})
    done = run_cli("fix", root, "--select", "error-handler")
    assert done.returncode in (0, 1), done.stderr
    return (root / "app.js").read_text()


LOGGED = """
    import express from 'express';
    import logger from '@acme/log';
    import { load } from './store.js';

    const app = express();
    app.get('/items', (req, res) => {
      load((error, items) => {
        if (error) {
          %s;
          return res.sendStatus(500);
        }
        res.json(items);
      });
    });
    app.listen(3000);
    """


@pytest.mark.parametrize(("call", "logged"), [
    ("logger.error({ err: error, url: req.url }, 'load failed')",
     "logger.error({ err }, 'request failed');"),
    ("logger.error({ error: error }, 'load failed')",
     "logger.error({ error: err }, 'request failed');"),
    ("logger.error(error, 'load failed')", "logger.error(err, 'request failed');"),
    ("logger.error('load failed', error)", "logger.error('request failed:', err);"),
], ids=["field-err", "field-error", "error-first", "message-first"])
def test_a_package_logger_logs_in_the_files_own_form(tmp_path: Path, call: str,
                                                      logged: str) -> None:
    source = fixed(tmp_path, LOGGED % call)
    assert logged in source
    assert "console.error" not in source
    assert source.count("@acme/log") == 1


@pytest.mark.parametrize("call", [
    "logger.error('load failed')",  # no error handed over: the method's form is unknown
    "logger.warn({ err: error }, 'load failed')",  # no `.error` call
    "logger.error({ err: error }, 'x'); logger.error('y', error)",  # two forms
], ids=["no-error", "no-error-call", "two-forms"])
def test_otherwise_the_handler_logs_to_stderr(tmp_path: Path, call: str) -> None:
    source = fixed(tmp_path, LOGGED % call)
    assert "console.error('request failed:', err);" in source
    assert "logger.error({ err }" not in source


def reported_lines(tmp_path: Path, source: str) -> list[int]:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": source})
    done = run_cli("check", root, "--select", "error-handler", "--format", "json",
                   "--exit-zero")
    assert done.returncode == 0, done.stderr
    return sorted(f["line"] for f in json.loads(done.stdout)["findings"]
                  if f["message"].startswith("no final error handler"))


CONTROL = """
    import express from 'express';
    import logger from '@acme/log';

    let mode = 'up';
    const control = express();
    control.post('/mode/down', function (req, res, next) {
      mode = 'down';
      logger.debug('going down');
      res.sendStatus(204);
    });
    control.get('/mode', (req, res) => res.status(200).json({ ok: true }));
    %s
    control.listen(3001);
    """


def test_routes_that_cannot_fail_are_not_reported(tmp_path: Path) -> None:
    assert reported_lines(tmp_path, CONTROL % "") == []


@pytest.mark.parametrize("extra", [
    "control.post('/mode/up', async (req, res) => { mode = 'up'; res.sendStatus(204) });",
    "control.post('/mode/:name', (req, res) => res.sendStatus(204));",
    "control.post('/mode/up', (req, res, next) => next(new Error('no')));",
    "control.post('/mode/up', (req, res) => { logger.info(req.body.mode); res.end() });",
    "control.post('/mode/up', (req, res) => { mode = req.query.mode; res.end() });",
    "control.post('/mode/up', (req, res) => res.sendFile('/srv/up.html'));",
    "control.post('/mode/up', (req, res) => { fs.writeFileSync('m', 'up'); res.end() });",
    "control.post('/mode/up', (req, res) => { LIMIT = 2; res.end() }); const LIMIT = 1;",
    "control.use(express.json());",
    "control.param('id', (req, res, next) => next());",
    "export default control;",
], ids=["async", "parameter", "next-error", "request-read", "assigns-request",
        "send-file", "other-call", "assigns-const", "middleware", "param", "exported"])
def test_a_route_that_may_fail_keeps_the_finding(tmp_path: Path, extra: str) -> None:
    assert reported_lines(tmp_path, CONTROL % extra) == [5]


def test_helmet_added_by_fix_keeps_an_app_that_cannot_fail_unreported(tmp_path: Path) -> None:
    """``app.use(helmet())`` hands no error on: an app whose routes cannot fail stays
    unreported once fix has added helmet (a second pass of ``fix`` must not add a handler the
    first one found unneeded); any other middleware makes it reportable again."""
    from nodeharden import check

    root = write_tree(tmp_path, {
        "package.json": json.dumps({"name": "agent", "dependencies": {
            "express": "^4.21.2", "helmet": "^8.1.0"}}),
        "agent.js": (
            "const express = require('express');\n"
            "const helmet = require('helmet');\n"
            "let STATE = 'up';\n"
            "const app = express();\n"
            "app.use(helmet());\n"
            "app.post('/state/up', function (req, res) {\n"
            "  STATE = 'up';\n"
            "  res.sendStatus(204);\n"
            "});\n"
            "app.listen(3001);\n"),
    })
    report = check(root, select=["error-handler"], cache=False)
    assert [(f.rule, f.path) for f in report.findings] == []
    (root / "agent.js").write_text((root / "agent.js").read_text().replace(
        "app.use(helmet());", "app.use(helmet());\napp.use(express.json());"))
    report = check(root, select=["error-handler"], cache=False)
    assert [(f.rule, f.path) for f in report.findings] == [("error-handler", "agent.js")]


def test_an_app_held_on_this_is_not_taken_for_one_that_cannot_fail(tmp_path: Path) -> None:
    """``this.app = express()``: the walk that proves routes cannot fail follows plain names,
    so an app held on ``this`` whose route can fail stays reported."""
    from nodeharden import check

    root = write_tree(tmp_path, {
        "package.json": json.dumps({"name": "svc", "dependencies": {"express": "^4.21.2"}}),
        "server.js": (
            "const express = require('express');\n"
            "class Server {\n"
            "  constructor() {\n"
            "    this.app = express();\n"
            "    this.app.get('/items/:id', (req, res) => res.json(load(req.params.id)));\n"
            "    this.app.listen(3000);\n"
            "  }\n"
            "}\n"
            "new Server();\n"),
    })
    report = check(root, select=["error-handler"], cache=False)
    assert [(f.rule, f.path) for f in report.findings] == [("error-handler", "server.js")]
