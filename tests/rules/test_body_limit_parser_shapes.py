"""body-limit: every body parser shape of Express 4 (body-parser) and Express 5 (express.json
and friends) is found on its line, with a project limit tighter than the default."""

from __future__ import annotations

from conftest import PACKAGE_JSON, found


#: Parsers without `limit` stop at Express's 100kb default; body-limit reports them only where the
#: project asks for less (issue 15), which these shape tests do.
TIGHT = "body_limit: 10kb\n"


def test_express4_body_parser_shapes(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        ".nodeharden.yml": TIGHT,
        "app.js": """
            const express = require('express');
            const bodyParser = require('body-parser');
            const parsers = require('body-parser');
            const { urlencoded } = require('body-parser');
            const app = express();
            app.use(bodyParser.json());
            app.use(parsers.text({ type: 'text/*' }));
            app.use(urlencoded({ extended: true }));
            app.use(require('body-parser').raw());
            app.use(bodyParser.json({ limit: '1mb' }));
            app.use(bodyParser());
            const json = (x) => x;
            json();
            // app.use(bodyParser.json());
            /* app.use(bodyParser.urlencoded()); */
            module.exports = app;
        """,
    })
    assert found(root) == {("body-limit", "app.js", n) for n in (6, 7, 8, 9)}


def test_express5_express_json_shapes(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        ".nodeharden.yml": TIGHT,
        "app.mjs": """
            import express, { json as parseJson, text } from 'express';
            import * as ex from 'express';
            const app = express();
            app.use(express.json());
            app.use(ex.urlencoded({ extended: false }));
            api.use(parseJson({ strict: true }));
            app.post('/raw', express.raw({ type: '*/*', limit: '5mb' }), (req, res) => res.end());
            app.use(text({ limit: '1kb' }));
            const limits = { limit: '64mb' };
            v2.use(express.json(limits));
            app.use(express.json(other));
            JSON.parse('{}');
            export default app;
        """,
    })
    # 7: a raw parser for every content type above 1mb; 10: an explicit limit of 50mb or more;
    # 11: options from elsewhere, unknown.
    # (The JSON parsers of lines 6 and 10 are on other routers than line 4's: on `app` they
    # would never parse a body, line 4's parser reading every one first.)
    assert found(root) == {("body-limit", "app.mjs", n) for n in (4, 5, 6, 7, 10)}
