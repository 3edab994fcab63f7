"""The request limiter ``fix`` adds goes after ``cors()``: a 429 carries
Access-Control-Allow-Origin (else a browser cannot read it and the page sees a network error),
and preflights answered by cors never spend points.

Real ``npm install``, real node, real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import have_node, npm_install, run_cli, serve_app, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are needed")]

POINTS = 4
ORIGIN = "http://front.test"

APP = """
    const express = require('express');
    const cors = require('cors');

    const app = express();
    app.use(express.json());
    app.use(cors({ origin: 'http://front.test' }));

    app.post('/api/items', (req, res) => res.status(201).json({ ok: true }));

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """


def request(url: str, method: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    req = urllib.request.Request(url, method=method, headers=headers,
                                 data=b"{}" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def preflight(url: str) -> int:
    return request(url, "OPTIONS", {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                    "Access-Control-Request-Headers": "content-type"})[0]


def post(url: str) -> tuple[int, dict[str, str]]:
    return request(url, "POST", {"Origin": ORIGIN, "Content-Type": "application/json"})


def test_429_carries_cors_headers_and_preflights_are_not_counted(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"name": "items", "private": True,
                                    "dependencies": {"express": "^4.21.2", "cors": "^2.8.5"}}),
        ".nodeharden.yml": f"rate_limit:\n  points: {POINTS}\n  duration: 60\n",
        "app.js": APP,
    })
    npm_install(root)
    with serve_app(root) as url:
        before = [post(url + "/api/items")[0] for _ in range(POINTS + 1)]
    assert before == [201] * (POINTS + 1)

    proc = run_cli("fix", root, "--select", "rate-limit", "--unsafe")
    assert proc.returncode == 0, proc.stderr
    source = (root / "app.js").read_text()
    assert "app.use(cors({ origin: 'http://front.test' }));\napp.use(rateLimiter);\n" in source
    npm_install(root)
    with serve_app(root) as url:
        preflights = [preflight(url + "/api/items") for _ in range(2 * POINTS)]
        answers = [post(url + "/api/items") for _ in range(POINTS + 1)]
    assert preflights == [204] * (2 * POINTS)
    assert [status for status, _ in answers] == [201] * POINTS + [429]
    status, headers = answers[-1]
    assert headers.get("Access-Control-Allow-Origin") == ORIGIN, headers
    assert int(headers["Retry-After"]) > 0
