"""input-validation, SSRF: a URL that starts with request data a test keeps to a known list
(``if (bases.indexOf(base) < 0) throw …``, ``includes``) has a fixed origin: only its path
comes from the request. A URL starting with request data nothing lists stays reported."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

DEPS = {"name": "app", "dependencies": {"express": "^4.21.0", "axios": "^1.7.0"}}


def _ssrf(root):
    return [f for f in check(root, select=["input-validation"]).findings
            if f.rule == "input-validation" and "[ssrf]" in f.message]


def _app(project, test: str):
    return project({
        "package.json": json.dumps(DEPS),
        "app.js": """
            const express = require('express');
            const axios = require('axios');
            const MIRRORS = ['https://one.example', 'https://two.example'];
            const app = express();
            app.get('/pkg', async (req, res) => {
              const mirror = req.query.mirror;
              const pkg = encodeURIComponent(String(req.query.pkg));
              """ + test + """
              const answer = await axios({ method: 'get', url: `${mirror}/v1/pkg/${pkg}` });
              res.json(answer.data);
            });
            module.exports = app;
        """,
    })


@pytest.mark.parametrize("test", [
    "if (MIRRORS.indexOf(mirror) < 0) throw new Error('unknown mirror');",
    "if (!MIRRORS.includes(mirror)) return res.sendStatus(400);",
])
def test_a_listed_base_fixes_the_origin(project, test: str) -> None:
    assert _ssrf(_app(project, test)) == []


@pytest.mark.parametrize("test", [
    "",
    "if (MIRRORS.indexOf(mirror) < 0) console.warn('unknown mirror');",
    "if (!mirror.includes('example')) return res.sendStatus(400);",
])
def test_an_unlisted_base_stays_reported(project, test: str) -> None:
    found = _ssrf(_app(project, test))
    assert len(found) == 1 and "req.query.mirror" in found[0].message
