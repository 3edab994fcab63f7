"""input-validation, path traversal: ``path.relative(base, p)`` tested for both a leading
``..`` and an absolute result proves ``p`` lies under ``base`` -- written in the handler, or in a
project predicate whose truthy returns are that test. Only the branch where it holds is kept."""

from __future__ import annotations

import json

from nodeharden import check

EXPRESS = {"name": "app", "dependencies": {"express": "^4.21.0"}}


def _traversal(root):
    return [f for f in check(root, select=["input-validation"]).findings
            if f.rule == "input-validation" and "[path-traversal]" in f.message]


PREDICATE = """
    const path = require('path');
    function insideFolder(folder, candidate) {
      const rel = path.relative(folder, candidate);
      return Boolean(rel) && !rel.startsWith('..') && !path.isAbsolute(rel);
    }
    module.exports = { insideFolder };
"""


def _app(project, predicate: str, route: str):
    return project({
        "package.json": json.dumps(EXPRESS),
        "lib/inside.js": predicate,
        "app.js": """
            const express = require('express');
            const path = require('path');
            const { insideFolder } = require('./lib/inside');
            const SHELF = path.join(__dirname, 'shelf');
            const app = express();
            app.get('/shelf/*', (req, res) => {
              const wanted = path.join(SHELF, req.params[0]);
        """ + route + """
            });
            module.exports = app;
        """,
    })


def test_imported_predicate_keeps_the_truthy_branch(project) -> None:
    root = _app(project, PREDICATE, """
              if (insideFolder(SHELF, wanted)) {
                res.sendFile(wanted);
              } else {
                res.sendStatus(404);
              }
    """)
    assert _traversal(root) == []


def test_imported_predicate_turning_away_early(project) -> None:
    root = _app(project, PREDICATE, """
              if (!insideFolder(SHELF, wanted)) return res.sendStatus(404);
              res.sendFile(wanted);
    """)
    assert _traversal(root) == []


def test_sink_in_the_false_branch_stays(project) -> None:
    root = _app(project, PREDICATE, """
              if (insideFolder(SHELF, wanted)) {
                res.sendStatus(204);
              } else {
                res.sendFile(wanted);
              }
    """)
    assert len(_traversal(root)) == 1


def test_predicate_without_the_absolute_test_does_not_count(project) -> None:
    weak = PREDICATE.replace(" && !path.isAbsolute(rel)", "")
    root = _app(project, weak, """
              if (insideFolder(SHELF, wanted)) res.sendFile(wanted);
    """)
    assert len(_traversal(root)) == 1


def test_predicate_testing_the_other_parameter_does_not_count(project) -> None:
    swapped = PREDICATE.replace("path.relative(folder, candidate)",
                                "path.relative(candidate, folder)")
    root = _app(project, swapped, """
              if (insideFolder(SHELF, wanted)) res.sendFile(wanted);
    """)
    assert len(_traversal(root)) == 1


def test_predicate_with_another_truthy_return_does_not_count(project) -> None:
    loose = PREDICATE.replace("const rel =", "if (candidate.length > 3) return true;\n"
                                             "      const rel =")
    root = _app(project, loose, """
              if (insideFolder(SHELF, wanted)) res.sendFile(wanted);
    """)
    assert len(_traversal(root)) == 1


def test_same_file_predicate_with_the_sep_form(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "app.js": """
            const express = require('express');
            const fs = require('fs');
            const path = require('path');
            const DATA = path.resolve(__dirname, 'data');
            const app = express();
            function under(base, target) {
              const rel = path.relative(base, target);
              return rel !== '' && !rel.startsWith('..' + path.sep) && rel !== '..' &&
                !path.isAbsolute(rel);
            }
            app.delete('/data/:name', (req, res) => {
              const target = path.resolve(DATA, req.params.name);
              if (under(DATA, target)) {
                fs.unlinkSync(target);
              }
              res.end();
            });
            module.exports = app;
        """,
    })
    assert _traversal(root) == []


def test_helper_file_sink_under_an_imported_predicate(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "lib/inside.js": PREDICATE,
        "lib/send.js": """
            const { insideFolder } = require('./inside');
            function sendUnder(folder, file, res) {
              if (insideFolder(folder, file)) {
                res.sendFile(file);
              } else {
                res.sendStatus(404);
              }
            }
            module.exports = { sendUnder };
        """,
        "app.js": """
            const express = require('express');
            const path = require('path');
            const { sendUnder } = require('./lib/send');
            const SHELF = path.join(__dirname, 'shelf');
            const app = express();
            app.get('/shelf/*', (req, res) => {
              sendUnder(SHELF, path.join(SHELF, req.params[0]), res);
            });
            module.exports = app;
        """,
    })
    assert _traversal(root) == []


HELPER_APP = """
    const express = require('express');
    const path = require('path');
    const { sendUnder } = require('./lib/send');
    const SHELF = path.join(__dirname, 'shelf');
    const app = express();
    app.get('/shelf/*', (req, res) => {
      const file = path.join(SHELF, req.params[0]);
      sendUnder(SHELF, file, res);
    });
    module.exports = app;
"""


def test_joined_local_handed_to_a_helper_that_checks_it(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "lib/inside.js": PREDICATE,
        "lib/send.js": """
            const { insideFolder } = require('./inside');
            function sendUnder(folder, file, res) {
              if (!insideFolder(folder, file)) {
                return res.sendStatus(404);
              }
              res.sendFile(file);
            }
            module.exports = { sendUnder };
        """,
        "app.js": HELPER_APP,
    })
    assert _traversal(root) == []


def test_helper_reading_the_file_before_the_check_is_reported(project) -> None:
    root = project({
        "package.json": json.dumps(EXPRESS),
        "lib/inside.js": PREDICATE,
        "lib/send.js": """
            const fs = require('fs');
            const { insideFolder } = require('./inside');
            function sendUnder(folder, file, res) {
              const size = fs.statSync(file).size;
              if (insideFolder(folder, file)) {
                res.set('X-Size', String(size)).sendFile(file);
              }
            }
            module.exports = { sendUnder };
        """,
        "app.js": HELPER_APP,
    })
    assert len(_traversal(root)) == 1
