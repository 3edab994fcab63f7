"""input-validation follows a route handler named by a member chain through the project's own
modules (``api.files.read`` with ``import * as api from './api'`` and an index that hands each
module on), two and three dots deep, ESM and CommonJS; a route whose path a call builds from a
literal (``app.get(join(prefix, 'docs'), …)``) is a route too. A local converted to a number in
place (``n = Number(n)``) is a number from there on, and ``full.indexOf(base) !== 0`` is a
containment check like ``startsWith``."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

EXPRESS = json.dumps({"name": "shop", "version": "1.0.0",
                      "dependencies": {"express": "^4.19.0"}})

#: A handler that opens the file a query names: a path-traversal sink of this rule.
READER_ESM = """
    import fs from 'fs';
    export const read = (req, res) => {
      fs.readFile('/var/docs/' + req.query.name, 'utf8', (err, text) => res.send(text));
    };
    export const list = (req, res) => res.json([]);
"""
READER_CJS = """
    const fs = require('fs');
    exports.read = function read(req, res) {
      fs.readFile('/var/docs/' + req.query.name, 'utf8', (err, text) => res.send(text));
    };
"""


def _traversals(root) -> list[tuple[str, int]]:
    found = check(root, select=["input-validation"]).findings
    return sorted((f.path, f.line) for f in found
                  if f.rule == "input-validation" and "[path-traversal]" in f.message)


ESM_TWO = {
    "server.js": """
        import express from 'express';
        import * as api from './api';
        const app = express();
        app.get('/docs', api.docs.read);
        app.get('/docs/all', api.docs.list);
        app.listen(8080);
    """,
    "api/index.js": """
        import * as docs from './api.docs';
        import * as other from './api.other';
        export { docs, other };
    """,
    "api/api.docs.js": READER_ESM,
    "api/api.other.js": "export const ping = (req, res) => res.send('pong');\n",
}

ESM_THREE = {
    "server.js": """
        import express from 'express';
        import * as api from './api';
        const app = express();
        app.get('/v2/docs', api.v2.docs.read);
        app.listen(8080);
    """,
    "api/index.js": "export * as v2 from './v2';\n",
    "api/v2/index.js": """
        import docs from './docs';
        export { docs };
    """,
    "api/v2/docs.js": """
        import fs from 'fs';
        const read = (req, res) => {
          fs.readFile('/var/docs/' + req.query.name, 'utf8', (err, text) => res.send(text));
        };
        export default { read };
    """,
}

CJS_TWO = {
    "server.js": """
        const express = require('express');
        const api = require('./api');
        const app = express();
        app.get('/docs', api.docs.read);
        app.listen(8080);
    """,
    "api/index.js": "module.exports = { docs: require('./docs') };\n",
    "api/docs.js": READER_CJS,
}

CJS_THREE = {
    "server.js": """
        const express = require('express');
        const handlers = require('./handlers');
        const app = express();
        app.get('/admin/docs', handlers.admin.docs.read);
        app.listen(8080);
    """,
    "handlers/index.js": """
        const admin = require('./admin');
        module.exports = { admin };
    """,
    "handlers/admin/index.js": """
        const docs = require('./docs');
        module.exports.docs = docs;
    """,
    "handlers/admin/docs.js": READER_CJS,
}


@pytest.mark.parametrize(("files", "sink"), [
    (ESM_TWO, ("api/api.docs.js", 3)),
    (ESM_THREE, ("api/v2/docs.js", 3)),
    (CJS_TWO, ("api/docs.js", 3)),
    (CJS_THREE, ("handlers/admin/docs.js", 3)),
], ids=["esm-two-dots", "esm-three-dots", "cjs-two-dots", "cjs-three-dots"])
def test_a_handler_named_through_an_index_is_analysed(project, files, sink) -> None:
    root = project({"package.json": EXPRESS, **files})
    assert _traversals(root) == [sink]


def test_a_chain_that_leads_nowhere_is_not_analysed(project) -> None:
    root = project({
        "package.json": EXPRESS, **ESM_TWO,
        "server.js": """
            import express from 'express';
            import * as api from './api';
            import store from './store';
            const app = express();
            app.get('/docs', api.docs.missing);
            app.get('/other', api.nothing.read);
            app.get('/deep', api.docs.read.a.b.c);
            app.get('/store', store.docs.read);
            app.listen(8080);
        """,
        # which module `store` is depends on the environment: neither is taken for it
        "store/index.js": """
            if (process.env.REMOTE) module.exports = require('./remote');
            else module.exports = { docs: require('./docs') };
        """,
        "store/docs.js": READER_CJS,
    })
    assert _traversals(root) == []


def test_a_route_whose_path_a_call_builds_is_analysed(project) -> None:
    root = project({
        "package.json": EXPRESS, **ESM_TWO,
        "server.js": """
            import express from 'express';
            import path from 'path';
            import * as api from './api';
            const prefix = process.env.PREFIX || '/';
            const app = express();
            app.get(path.posix.join(prefix, 'docs'), api.docs.read);
            app.listen(8080);
        """,
    })
    found = check(root, select=["input-validation"]).findings
    assert [(f.path, f.line) for f in found] == [("api/api.docs.js", 3)]
    assert "GET path.posix.join(prefix, 'docs')" in found[0].message


def test_a_local_converted_in_place_is_a_number_past_it(project) -> None:
    root = project({
        "package.json": EXPRESS,
        "server.js": """
            const express = require('express');
            const app = express();
            function window({ first = 1, count = 20 }) {
              count = Number(count);
              if (!count || count < 1) {
                count = 20;
              }
              return [first, first + count];
            }
            app.get('/rows', (req, res) => {
              const { count } = req.query;
              res.json(window({ count }));
            });
            app.get('/raw', (req, res) => {
              const size = req.query.size;
              res.json({ end: 10 + size });
            });
            app.listen(8080);
        """,
    })
    found = check(root, select=["input-validation"]).findings
    assert [f.line for f in found] == [14]  # `/raw` adds the value as sent; `/rows` a number


def test_index_of_zero_is_a_containment_check(project) -> None:
    root = project({
        "package.json": EXPRESS,
        "server.js": """
            const express = require('express');
            const path = require('path');
            const app = express();
            const ROOT = '/srv/files';
            app.get('/find', (req, res) => {
              const where = path.join(ROOT, req.query.dir || '');
              if (where.indexOf(ROOT) !== 0) {
                return res.status(400).end();
              }
              res.json({ where });
            });
            app.get('/open', (req, res) => {
              res.json({ where: path.join(ROOT, req.query.dir || '') });
            });
            app.listen(8080);
        """,
    })
    assert [f.line for f in check(root, select=["input-validation"]).findings
            if "[path-traversal]" in f.message] == [13]
