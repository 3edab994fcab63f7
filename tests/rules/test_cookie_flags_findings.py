"""cookie-flags: which res.cookie calls are reported, on which line."""

from __future__ import annotations

from conftest import PACKAGE_JSON, found


def test_cookie_flags_findings(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        "app.js": """
            const express = require('express');
            const app = express();
            app.get('/', (req, res) => {
              res.cookie('a', req.query.v);
              res.cookie('b', req.query.v, { httpOnly: false, secure: true, sameSite: 'strict' });
              res.cookie('c', req.query.v, { secure: true });
              res.clearCookie('a');
              res.cookies;
              // res.cookie('d', req.query.v);
              db.query('x', (err, rows) => { res.cookie('e', req.query.v); });
            });
            app.get('/x', function (request, reply) { reply.cookie('f', request.query.v); });
            $.cookie('g', 'h');
            document.cookie('i', 'j');
            module.exports = app;
        """,
    })
    assert found(root) == {("cookie-flags", "app.js", n) for n in (4, 6, 10, 12)}


def test_secure_follows_the_request_when_trust_proxy_is_set_in_another_file(project) -> None:
    from nodeharden._api import fix

    root = project({
        "package.json": PACKAGE_JSON,
        "proxy.js": "module.exports = (app) => app.set('trust proxy', 1);\n",
        "app.js": """
            const express = require('express');
            const session = require('express-session');
            const app = express();
            require('./proxy')(app);
            app.use(session({ secret: process.env.S, resave: false, saveUninitialized: false,
              cookie: { secure: 'auto', sameSite: 'lax' } }));
            app.get('/', (req, res) => {
              res.cookie('a', req.query.v);
              res.end();
            });
            module.exports = app;
            """,
    }, name="split")
    plan = fix(root, dry_run=True, select=["cookie-flags"]).plan
    assert "secure: req.secure" in plan.final["app.js"].decode()
