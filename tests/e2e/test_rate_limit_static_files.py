"""The request limiter ``fix`` adds goes after the static middleware an app registers before its
routes: a page's images and scripts do not count against the limit, the API still does.

Real ``npm install``, real node, real HTTP on 127.0.0.1. Before the fix the app never answers
429; after it, fetching more images than ``points`` still works, and the API answers 429 once
its own requests pass ``points``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import have_node, http_status, npm_install, run_cli, serve_app, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are needed")]

POINTS = 4

APP = """
    const express = require('express');
    const path = require('path');

    const app = express();
    app.use(express.json());
    app.use('/assets', express.static(path.join(__dirname, 'public')));

    app.get('/api/feed', (req, res) => res.json({ posts: [] }));

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """


def test_static_files_are_not_counted_the_api_is(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"name": "feed", "private": True,
                                    "dependencies": {"express": "^4.21.2"}}),
        ".nodeharden.yml": f"rate_limit:\n  points: {POINTS}\n  duration: 60\n",
        "app.js": APP,
        "public/a.png": "not really a png\n",
    })
    npm_install(root)
    with serve_app(root) as url:
        before = [http_status(url + "/assets/a.png") for _ in range(3 * POINTS)] \
            + [http_status(url + "/api/feed") for _ in range(POINTS + 1)]
    assert before == [200] * (4 * POINTS + 1)

    proc = run_cli("fix", root, "--select", "rate-limit", "--unsafe")
    assert proc.returncode == 0, proc.stderr
    source = (root / "app.js").read_text()
    assert "express.static(path.join(__dirname, 'public')));\napp.use(rateLimiter);\n" in source
    npm_install(root)
    with serve_app(root) as url:
        assets = [http_status(url + "/assets/a.png") for _ in range(3 * POINTS)]
        api = [http_status(url + "/api/feed") for _ in range(POINTS + 1)]
    assert assets == [200] * (3 * POINTS)
    assert api == [200] * POINTS + [429]
