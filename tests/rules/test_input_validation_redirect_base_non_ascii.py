"""input-validation: a redirect to a fixed base and a path (`${cfg.base}/notes/${id}`) is no
open redirect, whatever text the template holds: the path after the base is found by byte
offset, so a non-ASCII character before it does not shift it."""

from __future__ import annotations

import pytest

from nodeharden import check


@pytest.mark.parametrize("base", ["cfg.base", "cfg['bäse']", "cfg['基']"])
def test_a_fixed_base_with_non_ascii_text_is_no_open_redirect(project, base: str) -> None:
    root = project({
        "package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}',
        "cfg.js": "module.exports = {};\n",
        "app.js": "const express = require('express');\nconst cfg = require('./cfg');\n"
                  "const app = express();\napp.get('/a', (req, res) => {\n"
                  f"  res.redirect(`${{{base}}}/notes/${{req.query.id}}`);\n}});\n"
                  "app.listen(3000);\n"})
    report = check(root, select=["input-validation"])
    assert not [f for f in report.findings if "open-redirect" in f.message]
