"""rate-limit: an nginx configuration of the project that limits each client's requests before
it passes them to the app (``limit_req_zone $binary_remote_addr …`` and a ``limit_req`` around
every ``proxy_pass``) limits the flood the finding is about: no finding (held-out sample 38: a
TypeScript API whose docker/nginx/nginx.conf does so was reported). A limit on some locations
only, one keyed on something else than the client's address, or one commented out leaves the
finding."""

from __future__ import annotations

import pytest

from conftest import found

PACKAGE = '{"name": "api", "dependencies": {"express": "^4.21.0"}}\n'
APP = """\
const express = require('express');

const app = express();
app.use(express.json());
app.post('/api/items', (req, res) => res.status(201).json(req.body));
app.listen(8080);
"""
LIMITED = """\
limit_req_zone $binary_remote_addr zone=per_client:10m rate=5r/s;
limit_req_status 429;

server {
    listen 80;
    server_name api.example.test;

    location / {
        limit_req zone=per_client burst=10;
        proxy_pass http://localhost:8080;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
}
"""


def _rate_limit(project, nginx: str) -> set:
    root = project({"package.json": PACKAGE, "app.js": APP,
                    "docker/nginx/nginx.conf": nginx})
    return {f for f in found(root, ["rate-limit"]) if f[0] == "rate-limit"}


def test_a_proxy_that_limits_every_client_request_leaves_no_finding(project) -> None:
    assert _rate_limit(project, LIMITED) == set()
    # at the server's level, around every location, too
    server_level = LIMITED.replace("    location / {\n        limit_req zone=per_client "
                                   "burst=10;\n", "    limit_req zone=per_client;\n"
                                   "    location / {\n")
    assert _rate_limit(project, server_level) == set()


@pytest.mark.parametrize("nginx", [
    # another location passes requests on unlimited
    LIMITED.replace("    }\n}\n", "    }\n\n    location /uploads/ {\n"
                    "        proxy_pass http://localhost:8080;\n    }\n}\n"),
    # keyed on a header the client chooses
    LIMITED.replace("$binary_remote_addr", "$http_x_api_key"),
    # commented out
    LIMITED.replace("        limit_req zone=per_client burst=10;",
                    "        # limit_req zone=per_client burst=10;"),
    # a zone the file does not define
    LIMITED.replace("limit_req zone=per_client", "limit_req zone=other"),
], ids=["unlimited-location", "client-chosen-key", "commented-out", "unknown-zone"])
def test_a_limit_that_does_not_cover_every_client_request_keeps_it(project, nginx) -> None:
    assert _rate_limit(project, nginx) == {("rate-limit", "app.js", 3)}
