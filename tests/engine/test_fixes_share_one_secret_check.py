"""Fixes of several rules in one run share one start-up check per secret (SESSION_SECRET,
JWT_SECRET) and add no trust proxy line; the fixed file has no finding left and a second run
changes nothing."""

from __future__ import annotations

from pathlib import Path

from nodeharden import check, fix


RULES = ["body-limit", "session-cookie", "hardcoded-secret", "cookie-flags"]

PACKAGE_JSON = '{"name": "t", "dependencies": {"express": "^5.1.0"}}\n'


def found(root: Path, rules: list[str] | None = None) -> set[tuple[str, str, int]]:
    report = check(root, select=rules or RULES)
    assert not report.failed, report.failed
    return {(f.rule, f.path, f.line) for f in report.findings}


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
