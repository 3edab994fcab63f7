"""End to end: a route middleware of the project that looks a member up by body fields as sent
(`[guards.refuseTaken], handler`) gets the client's object, not a string: `check` reports the
sink in the middleware, and a real HTTP request with `{"$regex": "^a"}` shows the operator
object arriving in the middleware's filter. The model is swapped for a recorder at run time
(no database here); the checked tree keeps the mongoose model the rule reads."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, linked_app, npm_install, run_cli, serve_app, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="needs node and npm")]

FILES = {
    "package.json": json.dumps({"name": "club", "private": True, "dependencies": {
        "express": "^4.19.2", "mongoose": "^8.4.0"}}),
    "models/member.js": """
        const mongoose = require('mongoose');
        module.exports = mongoose.model('Member', new mongoose.Schema({ mail: String }));
    """,
    "guards/signup.js": """
        const Member = require('../models/member');

        refuseTaken = (req, res, next) => {
          Member.findOne({ mail: req.body.mail }).then((hit) => {
            if (hit) return res.status(409).send({ message: 'mail in use' });
            next();
          });
        };

        const signup = { refuseTaken };
        module.exports = signup;
    """,
    "guards/index.js": """
        const signup = require('./signup');
        module.exports = { signup };
    """,
    "app.js": """
        const express = require('express');
        const { signup } = require('./guards');
        const app = express();
        app.use(express.json());
        app.post('/join', [signup.refuseTaken], (req, res) => res.send(global.filters));
        const server = app.listen(0, '127.0.0.1', () => {
          console.log(`listening ${server.address().port}`);
        });
    """,
}

#: What the app runs instead of the model: it records each filter and finds nobody.
RECORDER = """
    global.filters = [];
    module.exports = { findOne: (filter) => { global.filters.push(filter);
      return Promise.resolve(null); } };
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("middleware-e2e")
    write_tree(base, {"package.json": json.dumps({"name": "deps", "private": True,
                                                  "dependencies": {"express": "^4.19.2"}})})
    npm_install(base)
    return base


def test_operator_object_reaches_the_middleware_filter(installed: Path, tmp_path: Path) -> None:
    app_dir = linked_app(tmp_path / "app", FILES, installed)
    report = json.loads(run_cli("check", app_dir, "--select", "input-validation",
                                "--format", "json", "--no-cache").stdout)
    found = [(f["path"], f["line"], f["fix"]) for f in report["findings"]]
    assert found == [("guards/signup.js", 4, None)]
    assert report["findings"][0]["message"].startswith(
        "[nosql-injection] POST /join (in its middleware signup.refuseTaken): req.body.mail")

    write_tree(app_dir, {"models/member.js": RECORDER})
    with serve_app(app_dir) as base:
        req = urllib.request.Request(base + "/join", method="POST",
                                     data=json.dumps({"mail": {"$regex": "^a"}}).encode(),
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200
            assert json.loads(resp.read()) == [{"mail": {"$regex": "^a"}}]
