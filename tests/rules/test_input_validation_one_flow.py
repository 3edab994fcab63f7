"""input-validation: one request value reaching a sink of the handler and, passed on, a sink of
the same kind in a project helper is one flow, reported once, in the handler (where the value is
taken and fixed). A helper sink the handler does not share is still reported in the helper."""

from __future__ import annotations

import json

from nodeharden import check

EXPRESS = {"name": "app", "dependencies": {"express": "^4.21.0"}}

HELPERS = """
    const fs = require('fs');
    function dropQuietly(target) {
      fs.unlink(target, () => {});
    }
    module.exports = { dropQuietly };
"""


def _traversal(root):
    return [f for f in check(root, select=["input-validation"]).findings
            if f.rule == "input-validation" and "[path-traversal]" in f.message]


def test_handler_sink_and_helper_sink_of_one_value_are_one_finding(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "lib/files.js": HELPERS,
        "app.js": """
            const express = require('express');
            const { dropQuietly } = require('./lib/files');
            const app = express();
            app.get('/export', (req, res) => {
              const file = '/var/exports/' + req.query.name;
              res.download(file, () => dropQuietly(file));
            });
            module.exports = app;
        """,
    })
    found = _traversal(root)
    assert [(f.path, "res.download()" in f.message) for f in found] == [("app.js", True)]


def test_helper_sink_alone_is_reported_in_the_helper(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "lib/files.js": HELPERS,
        "app.js": """
            const express = require('express');
            const { dropQuietly } = require('./lib/files');
            const app = express();
            app.delete('/export', (req, res) => {
              dropQuietly('/var/exports/' + req.query.name);
              res.end();
            });
            module.exports = app;
        """,
    })
    assert [f.path for f in _traversal(root)] == ["lib/files.js"]


def test_another_value_in_the_helper_is_its_own_finding(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "lib/files.js": HELPERS,
        "app.js": """
            const express = require('express');
            const { dropQuietly } = require('./lib/files');
            const app = express();
            app.get('/export', (req, res) => {
              res.download('/var/exports/' + req.query.name, () =>
                dropQuietly('/var/exports/' + req.query.old));
            });
            module.exports = app;
        """,
    })
    assert sorted(f.path for f in _traversal(root)) == ["app.js", "lib/files.js"]
