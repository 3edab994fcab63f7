"""Fixes of several rules in one run share one start-up check per secret (SESSION_SECRET,
JWT_SECRET) and add no trust proxy line; the fixed file has no finding left and a second run
changes nothing."""

from __future__ import annotations

from nodeharden import fix

from conftest import PACKAGE_JSON, RULES, found


def test_several_fixes_add_one_check_and_one_trust_proxy(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        "app.js": """
            const express = require('express');
            const session = require('express-session');
            const jwt = require('jsonwebtoken');
            const app = express();
            app.use('/a', session({ secret: 'one' }));
            app.use('/b', session({ secret: 'two' }));
            app.get('/t', (req, res) => res.json({ a: jwt.sign({}, 'k'), b: jwt.verify('t', 'k') }));
            module.exports = app;
        """,
    })
    result = fix(root, dry_run=True, select=RULES, unsafe=True).plan
    text = result.final["app.js"].decode()
    assert "trust proxy" not in text  # session-cookie never sets it (issue 15)
    assert text.count("if (!process.env.SESSION_SECRET)") == 1
    assert text.count("if (!process.env.JWT_SECRET)") == 1
    assert text.count("secret: process.env.SESSION_SECRET") == 2
    root.joinpath("app.js").write_bytes(result.final["app.js"])
    assert found(root) == set()
    again = fix(root, dry_run=True, select=RULES, unsafe=True).plan
    assert again.changed_paths() == []
