"""A `// nodeharden-ignore RULE` comment on a line, or on the line above, silences that rule
there; a bare `// nodeharden-ignore` silences every rule on its line."""

from __future__ import annotations

from conftest import PACKAGE_JSON, found


#: Parsers without `limit` stop at Express's 100kb default; body-limit reports them only where the
#: project asks for less (issue 15), which these shape tests do.
TIGHT = "body_limit: 10kb\n"


def test_suppression_comments(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        ".nodeharden.yml": TIGHT,
        "app.js": """
            const express = require('express');
            const session = require('express-session');
            const jwt = require('jsonwebtoken');
            const app = express();
            app.set('trust proxy', 1);
            app.use(express.json()); // nodeharden-ignore body-limit
            // nodeharden-ignore session-cookie
            app.use(session({ secret: process.env.S }));
            // nodeharden-ignore body-limit
            app.use(express.text()); app.get('/', (req, res) => { res.cookie('a', res.locals.b); });
            app.use(express.raw());
            const t = jwt.sign({}, 'test-key'); // nodeharden-ignore
            module.exports = app;
        """,
    })
    assert found(root) == {("cookie-flags", "app.js", 10), ("body-limit", "app.js", 11)}
