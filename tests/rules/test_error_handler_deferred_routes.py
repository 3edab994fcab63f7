"""error-handler: the appended final handler must come after every route of its app. Routes
added inside a function the app file stores or hands on (``app.connect = function () {
app.use(routes); … }``, ``db.connect().then(() => { app.use(routes); app.listen(…) })``) run
when that function is called, after every top-level statement: no place in the file comes
after them, so the finding has no fix (a handler put before them never sees their errors)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_tree

PACKAGE = '{"name": "p", "private": true, "dependencies": {"express": "^4.21.2"}}'
HEAD = ("const express = require('express')\n"
        "const routes = require('./routes')\n"
        "const helpers = require('./helpers')\n"
        "const db = { connect: () => Promise.resolve() }\n"
        "const app = express()\n"
        "app.use(express.json())\n"
        "helpers.install(app)\n")
ROUTES = "module.exports = require('express').Router().get('/x', (req, res) => res.end())\n"
HELPERS = "exports.install = function (app) { app.locals.title = 'T' }\n"


def fix_of(tmp_path: Path, body: str) -> dict | None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "routes.js": ROUTES,
                                       "helpers.js": HELPERS, "app.js": HEAD + body})
    done = run_cli("check", root, "--format", "json", "--exit-zero", "--select",
                   "error-handler")
    assert done.returncode == 0, done.stderr
    findings = [f for f in json.loads(done.stdout)["findings"]
                if f["message"].startswith("no final error handler")]
    assert len(findings) == 1, findings
    return findings[0]["fix"]


@pytest.mark.parametrize("body", [
    "app.connect = function (port) {\n  app.use('/api', routes)\n  app.listen(port)\n}\n"
    "module.exports = app\n",
    "db.connect().then(() => {\n  app.use('/api', routes)\n  app.listen(3000)\n})\n",
    "(async () => {\n  await db.connect()\n  app.use('/api', routes)\n})()\n"
    "module.exports = app\n",
], ids=["stored-function", "promise-callback", "async-iife"])
def test_routes_added_later_leave_no_place_for_the_handler(tmp_path: Path, body: str) -> None:
    assert fix_of(tmp_path, body) is None


def test_top_level_routes_get_the_handler_after_them(tmp_path: Path) -> None:
    fix = fix_of(tmp_path, "app.use('/api', routes)\n"
                 "app.use((req, res, next) => { res.locals.seen = true; next() })\n"
                 "app.listen(3000)\n")
    assert fix is not None
