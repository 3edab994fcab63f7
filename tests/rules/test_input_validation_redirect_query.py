"""input-validation: a request value that lands only after a literal `?` or `#` of a redirect
target (`${appUrl}login/callback?${code}`) cannot change the scheme, host or path: no open
redirect. One that comes before them, or a target with no such literal, still is."""

from __future__ import annotations

import pytest

from nodeharden import check


@pytest.mark.parametrize("target, reported", [
    # the value after a fixed base and path and `?`
    ("`${base}login/callback?${req.body.code}`", False),
    ("base + 'login/callback?code=' + req.body.code", False),
    ("`${base}page#${req.query.anchor}`", False),
    ("`?next=${req.query.next}`", False),
    # the value before the `?`: it may be a whole URL
    ("`${req.query.next}?ok=1`", True),
    ("req.query.next + '?ok=1'", True),
    # a base followed by the value, no `?` between them
    ("`${base}${req.query.next}`", True),
])
def test_a_request_value_in_the_query_is_no_open_redirect(project, target: str,
                                                            reported: bool) -> None:
    root = project({
        "package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}',
        "app.js": "const express = require('express');\nconst app = express();\n"
                  "const base = process.env.APP_URL;\n"
                  "app.use(express.urlencoded({ extended: false }));\n"
                  "app.post('/decode', (req, res) => {\n"
                  f"  res.redirect({target});\n}});\n"
                  "app.listen(3000);\n"})
    report = check(root, select=["input-validation"])
    found = [f for f in report.findings if "open-redirect" in f.message]
    assert bool(found) is reported, [f.message for f in found]
