"""input-validation: a redirect target whose literal start is a relative path's first segment
and its slash (`./tx/` + q, `tx/` + q) stays on this site: no scheme can come before that
slash, and the browser resolves the rest as a path. Nor does one whose base the request does
not supply is followed by a segment and a slash (`${config.baseUrl}block/${hash}`,
btc-rpc-explorer). A literal without the slash (`tx` + q: `tx://evil`), one with a colon
before it (`javascript:`), or a bare `/` after a base (an empty base gives `//evil`) still
is an open redirect."""

from __future__ import annotations

import pytest

from nodeharden import check


@pytest.mark.parametrize("target, reported", [
    ("'./tx/' + req.body.query", False),
    ("`./xyzpub/${req.body.query}`", False),
    ("'../address/' + req.body.query", False),
    ("'tx/' + req.body.query", False),
    ("`${base}block/${req.params.hash}`", False),
    ("base + 'block/' + req.params.hash", False),
    # no slash after the segment, a scheme before it, or a bare slash after a base
    ("'tx' + req.body.query", True),
    ("'javascript:/' + req.body.query", True),
    ("`${base}/${req.params.hash}`", True),
    ("'./' + req.body.query", False),
])
def test_a_relative_path_start_keeps_the_redirect_here(project, target: str,
                                                        reported: bool) -> None:
    root = project({
        "package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}',
        "app.js": "const express = require('express');\nconst app = express();\n"
                  "const base = process.env.BASE_URL;\n"
                  "app.use(express.urlencoded({ extended: false }));\n"
                  "app.post('/search/:hash', (req, res) => {\n"
                  f"  res.redirect({target});\n}});\n"
                  "app.listen(3000);\n"})
    report = check(root, select=["input-validation"])
    found = [f for f in report.findings if "open-redirect" in f.message]
    assert bool(found) is reported, [f.message for f in found]
