"""rate-limit behind a reverse proxy, the fix's title, and the limiter placed after static files
that follow the app's own middleware (session-4 held-out review).

Behind a proxy that Express is not told about (no ``trust proxy``), ``req.ip`` is the proxy's
address: a limiter keyed on it would put every client in one bucket. When the project shows a
proxy (its code reads the headers a proxy adds, a platform that routes through its proxy runs
it, a compose file, proxy configuration or Kubernetes Ingress puts one in front) the finding
stays without a fix, and its message says to set the hop count first. The fixtures under
codemods/rate-limit/fixtures/behind-proxy-* hold one shape each; these tests cover the other
signals, the message, the title, and the placement over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nodeharden import check

from conftest import have_node, http_status, npm_install, run_cli, serve_app, write_tree

PACKAGE = '{"name": "api", "dependencies": {"express": "^4.21.2"}}\n'

APP = """\
    const express = require('express');
    const app = express();
    {extra}
    app.get('/items', (req, res) => res.json([]));
    module.exports = app;
    """


def finding(root: Path):
    report = check(root, select=["rate-limit"])
    assert not report.failed, report.failed
    assert len(report.findings) == 1, report.findings
    return report.findings[0]


@pytest.mark.parametrize("files,evidence", [
    ({"fly.toml": 'app = "api"\n[http_service]\n  internal_port = 3000\n'}, "fly.toml"),
    ({"render.yaml": "services:\n  - type: web\n    name: api\n"}, "render.yaml"),
    ({"app.yaml": "runtime: nodejs20\n"}, "app.yaml"),
    ({"compose.yaml": "services:\n  edge:\n    image: traefik:v3.1\n  api:\n    build: .\n"},
     "compose.yaml"),
    ({"docker-compose.yml": "services:\n  nginx:\n    build: ./nginx\n  api:\n    build: .\n"},
     "docker-compose.yml"),
    ({"Caddyfile": "example.com {\n  reverse_proxy api:3000\n}\n"}, "Caddyfile"),
    ({"deploy/haproxy.cfg": "backend api\n  server api1 10.0.0.5:3000 check\n"},
     "deploy/haproxy.cfg"),
    ({"helm/templates/ingress.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"},
     "helm/templates/ingress.yaml"),
    ({"lib/client.js": "module.exports = (req) => req.ips[0] || req.ip;\n"}, "req.ips"),
    ({"lib/https.js": "module.exports = (req) => req.get('X-Forwarded-Proto') === 'https';\n"},
     "X-Forwarded-Proto"),
    ({"lib/real.js": "module.exports = (req) => req.headers['x-real-ip'];\n"}, "x-real-ip"),
    ({"lib/fwd.js": "module.exports = (req) => req.headers.forwarded;\n"}, "headers.forwarded"),
])
def test_a_proxy_in_front_keeps_the_finding_without_a_fix(tmp_path: Path, files: dict,
                                                           evidence: str) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE,
                                       "app.js": APP.format(extra=""), **files})
    found = finding(root)
    assert found.fix is None
    assert evidence in found.message
    assert "does not set `trust proxy`" in found.message
    assert "app.set('trust proxy', N)" in found.message and "then run fix" in found.message


@pytest.mark.parametrize("setting", [
    "app.set('trust proxy', 1);",
    "app.set('trust proxy', Number(process.env.PROXY_HOPS));",
    "app.set('trust proxy', '10.0.0.0/8');",
])
def test_hops_the_app_trusts_keep_the_fix(tmp_path: Path, setting: str) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "Procfile": "web: node app.js\n",
                                       "app.js": APP.format(extra=setting)})
    found = finding(root)
    # A fix, unsafe as every rate-limit fix is (the limits are the deployer's call).
    assert found.fix is not None and found.fix.applicability == "unsafe"


@pytest.mark.parametrize("files", [
    {},
    # A runtime image says nothing about what is in front of it.
    {"Dockerfile": "FROM node:20-alpine\nCOPY . .\nCMD [\"node\", \"app.js\"]\n"},
    # A proxy only in a test folder or an example is not the deployment's.
    {"test/nginx.conf": "location / { proxy_pass http://app:3000; }\n"},
    {"examples/compose.yaml": "services:\n  nginx:\n    image: nginx\n"},
    # The app sets the header on a request it sends on; a test file reads it.
    {"test/app.test.js": "it('ip', () => req.headers['x-forwarded-for']);\n"},
    # A configuration of something else (a .conf without proxy_pass).
    {"docker/etc/nscd.conf": "enable-cache hosts yes\n"},
    # Heroku's app.json alone: the manifest of the one-click Heroku Button, not the project's own
    # process declaration (a Procfile); see the rule's README.
    {"app.json": '{"name": "api", "formation": {"web": {"quantity": 1}}}\n'},
])
def test_no_proxy_shown_keeps_the_fix(tmp_path: Path, files: dict) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE,
                                       "app.js": APP.format(extra=""), **files})
    found = finding(root)
    # A fix, unsafe as every rate-limit fix is (the limits are the deployer's call).
    assert found.fix is not None and found.fix.applicability == "unsafe"


def test_the_title_says_what_the_hunks_do(tmp_path: Path) -> None:
    plain = write_tree(tmp_path / "plain", {"package.json": PACKAGE,
                                            "app.js": APP.format(extra="")})
    why = (" (unsafe: a per-address limit answers 429 to clients that send many requests from "
           "one address (a test suite, webhooks or devices, every user behind one proxy when "
           "`trust proxy` is unset): check the limits against this app's traffic)")
    assert finding(plain).fix.title == "Add a rate-limiter-flexible middleware" + why
    login = write_tree(tmp_path / "login", {
        "package.json": PACKAGE,
        "app.js": APP.format(extra="app.post('/login', (req, res) => res.json({}));")})
    assert finding(login).fix.title == ("Add a rate-limiter-flexible middleware, with a "
                                        "stricter limiter on login and password routes" + why)


POINTS = 4

SERVED = """\
    const path = require('path');
    const express = require('express');
    const nonce = require('./lib/nonce');

    const app = express();
    app.use(express.json());
    if (process.env.LOG_REQUESTS) {
      app.use((req, res, next) => { console.error(req.url); next(); });
    }
    app.use(nonce.addToLocals);
    app.locals.title = 'feed';
    app.use('/assets', express.static(path.join(__dirname, 'public')));

    app.get('/api/feed', (req, res) => res.json({ nonce: res.locals.nonce.length }));

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
def test_static_files_after_the_apps_own_middleware_are_not_counted(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"name": "feed", "private": True,
                                    "dependencies": {"express": "^4.21.2"}}),
        ".nodeharden.yml": f"rate_limit:\n  points: {POINTS}\n  duration: 60\n",
        "app.js": SERVED,
        "lib/nonce.js": """\
            const crypto = require('crypto');
            exports.addToLocals = (req, res, next) => {
              res.locals.nonce = crypto.randomBytes(8).toString('hex');
              next();
            };
            """,
        "public/a.png": "not really a png\n",
    })
    proc = run_cli("fix", root, "--select", "rate-limit", "--unsafe")
    assert proc.returncode == 0, proc.stderr
    source = (root / "app.js").read_text()
    assert "path.join(__dirname, 'public')));\napp.use(rateLimiter);\n" in source
    npm_install(root)
    with serve_app(root) as url:
        assets = [http_status(url + "/assets/a.png") for _ in range(3 * POINTS)]
        api = [http_status(url + "/api/feed") for _ in range(POINTS + 1)]
    assert assets == [200] * (3 * POINTS)
    assert api == [200] * POINTS + [429]
