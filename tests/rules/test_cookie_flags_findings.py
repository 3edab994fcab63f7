"""cookie-flags: which res.cookie calls are reported, on which line."""

from __future__ import annotations

from pathlib import Path

from nodeharden import check


RULES = ["body-limit", "session-cookie", "hardcoded-secret", "cookie-flags"]

PACKAGE_JSON = '{"name": "t", "dependencies": {"express": "^5.1.0"}}\n'


def found(root: Path, rules: list[str] | None = None) -> set[tuple[str, str, int]]:
    report = check(root, select=rules or RULES)
    assert not report.failed, report.failed
    return {(f.rule, f.path, f.line) for f in report.findings}


def test_cookie_flags_findings(project) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        "app.js": """
            const express = require('express');
            const app = express();
            app.get('/', (req, res) => {
              res.cookie('a', '1');
              res.cookie('b', '1', { httpOnly: false, secure: true, sameSite: 'strict' });
              res.cookie('c', '1', { secure: true });
              res.clearCookie('a');
              res.cookies;
              // res.cookie('d', '1');
              db.query('x', (err, rows) => { res.cookie('e', '1'); });
            });
            app.get('/x', function (request, reply) { reply.cookie('f', '1'); });
            $.cookie('g', 'h');
            document.cookie('i', 'j');
            module.exports = app;
        """,
    })
    assert found(root) == {("cookie-flags", "app.js", n) for n in (4, 6, 10, 12)}
