"""rate-limit on a project with an internal metrics server beside its real app, and a
``trust proxy`` read from the deployer's settings (session-7 held-out review).

- An app that only answers a metrics or health endpoint (``server.get('/metrics', …)`` on a
  port of its own) is no app clients use: the finding points at the real app, even when the
  metrics server's file is the one that listens. A second app with any other route is no
  such server.
- ``app.set('trust proxy', compileTrust(settings.trust))`` may hold a hop count as well as
  ``true``: the message says so instead of calling it unbounded; over real HTTP a hop count
  gives the address the proxy saw and ``true`` the one the client wrote. ``true`` in the code
  is still "set without a bound". Neither gets a fix.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, http_status, npm_install, serve_app, write_tree

from nodeharden import check

PACKAGE = {"name": "talkish", "private": True, "dependencies": {"express": "^4.21.2"}}

#: The real app, created in a class and served by the module that listens.
SERVER = """\
    const express = require('express');

    class Server {
      constructor() {
        this.app = express();
        this.app.get('/api/comments', (req, res) => res.json([]));
        this.app.post('/api/login', (req, res) => res.sendStatus(401));
      }
    }

    module.exports = { Server };
    """

METRICS = """\
    const express = require('express');
    const { Server } = require('./server');

    function createMetricsServer() {
      const server = express();
      server.use((req, res, next) => { res.set('Cache-Control', 'no-store'); next(); });
      server.get('/metrics', (req, res) => res.type('text/plain').send('up 1\\n'));
      return server;
    }

    function listenAndServe(app, port) {
      return new Promise((resolve) => {
        const httpServer = app.listen(port, '127.0.0.1', () => resolve(httpServer));
      });
    }

    module.exports = { createMetricsServer, listenAndServe };

    if (require.main === module) {
      const which = process.argv[2] === 'main' ? new Server().app : createMetricsServer();
      listenAndServe(which, 0).then((s) => console.log(`listening ${s.address().port}`));
    }
    """


def _findings(root: Path) -> list:
    report = check(root, select=["rate-limit"], cache=False)
    assert not report.failed, report.failed
    return [f for f in report.findings if f.rule == "rate-limit"]


def _project(tmp_path: Path, metrics: str = METRICS, server: str = SERVER) -> Path:
    return write_tree(tmp_path / "app", {"package.json": json.dumps(PACKAGE),
                                         "src/server.js": server, "src/metrics.js": metrics})


def test_the_finding_points_at_the_app_clients_use(tmp_path: Path) -> None:
    root = _project(tmp_path)
    findings = _findings(root)
    [lead] = [f for f in findings if f.fix is not None]  # no limiter anywhere: still reported
    assert (lead.path, lead.line) == ("src/server.js", 5)
    # The fix's limiter module goes beside the real app; the metrics server names that finding.
    assert any(c.path.startswith("src/") for c in lead.fix.changes)
    others = [f for f in findings if f is not lead]
    assert all("the fix of the finding at src/server.js:5" in f.message for f in others)


def test_a_second_app_with_other_routes_is_no_metrics_server(tmp_path: Path) -> None:
    metrics = METRICS.replace(
        "      return server;",
        "      server.post('/signin', (req, res) => res.sendStatus(401));\n      return server;")
    [lead] = [f for f in _findings(_project(tmp_path, metrics)) if f.fix is not None]
    assert lead.path == "src/metrics.js"  # the app that listens comes first, as before


@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
def test_the_metrics_server_answers_only_metrics(tmp_path: Path) -> None:
    root = _project(tmp_path)
    npm_install(root)
    with serve_app(root, "src/metrics.js") as base:
        assert http_status(base + "/metrics") == 200
        assert http_status(base + "/api/comments") == 404
    (root / "src/run-main.js").write_text(
        "process.argv[2] = 'main';\nrequire('./metrics');\n"
        "const { Server } = require('./server');\n"
        "const s = new Server().app.listen(0, '127.0.0.1', "
        "() => console.log(`listening ${s.address().port}`));\n")
    with serve_app(root, "src/run-main.js") as base:
        assert http_status(base + "/api/comments") == 200


TRUST_APP = """\
    const express = require('express');
    const settings = require('./settings.json');

    function compileTrust(value) {
      return typeof value === 'number' || value === true ? value : String(value);
    }

    const app = express();
    app.set('trust proxy', {value});
    app.get('/ip', (req, res) => res.send(req.ip));
    const server = app.listen(0, '127.0.0.1', () => {
      console.log(`listening ${server.address().port}`);
    });
    """


def _ip(base: str) -> str:
    request = urllib.request.Request(base + "/ip",
                                     headers={"X-Forwarded-For": "6.6.6.6, 10.0.0.7"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
def test_trust_proxy_from_a_setting_is_worded_as_a_setting(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps(PACKAGE),
        "app.js": TRUST_APP.replace("{value}", "compileTrust(settings.trust)"),
        "settings.json": '{"trust": 1}\n'})
    [finding] = _findings(root)
    assert "`trust proxy` comes from a setting (`compileTrust(settings.trust)`, app.js)" \
        in finding.message
    assert "set without a bound" not in finding.message and finding.fix is None

    npm_install(root)
    with serve_app(root) as base:
        assert _ip(base) == "10.0.0.7"  # one hop: the address the proxy saw
    (root / "settings.json").write_text('{"trust": true}\n')
    with serve_app(root) as base:
        assert _ip(base) == "6.6.6.6"  # true: what the client wrote


def test_trust_proxy_true_in_the_code_is_still_unbounded(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps(PACKAGE),
        "app.js": TRUST_APP.replace("{value}", "true"), "settings.json": "{}\n"})
    [finding] = _findings(root)
    assert "`trust proxy` is set without a bound (app.js)" in finding.message
    assert finding.fix is None


#: The second review's rl-metrics shape: the public app answers /health itself and mounts its
#: routes from another module without a path; an internal metrics server listens beside it.
PUBLIC = """\
    const express = require('express');
    %(import)s
    const server = express();
    server.get('/health', (req, res) => res.send('ok'));
    server.use(%(mount)s);
    server.listen(3000);
    """
ROUTES = """\
    const express = require('express');
    const router = express.Router();
    router.post('/login', (req, res) => res.sendStatus(401));
    module.exports = router;
    """
ROUTES_FACTORY = """\
    const express = require('express');
    module.exports = function api() {
      const router = express.Router();
      router.post('/login', (req, res) => res.sendStatus(401));
      return router;
    };
    """
SCRAPE = """\
    const express = require('express');
    const admin = express();
    admin.get('/metrics', (req, res) => res.send(''));
    admin.listen(9100);
    """


@pytest.mark.parametrize(("imported", "mount", "routes"), [
    ("const routes = require('./routes');", "routes", ROUTES),
    ("", "require('./routes')", ROUTES),
    ("const api = require('./routes');", "api()", ROUTES_FACTORY),
], ids=["imported-router", "required-inline", "router-factory"])
def test_an_app_mounting_an_imported_router_is_no_metrics_server(
        tmp_path: Path, imported: str, mount: str, routes: str) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps(PACKAGE), "routes.js": routes, "metrics.js": SCRAPE,
        "server.js": PUBLIC % {"import": imported, "mount": mount}})
    [lead] = [f for f in _findings(root) if f.fix is not None]
    assert (lead.path, lead.line) == ("server.js", 3)


def test_a_middleware_module_keeps_the_metrics_server_last(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps(PACKAGE), "routes.js": ROUTES,
        "nocache.js": "module.exports = (req, res, next) => { res.set('Cache-Control', "
                      "'no-store'); next(); };\n",
        "metrics.js": SCRAPE.replace("const admin = express();",
                                     "const nocache = require('./nocache');\n"
                                     "const admin = express();\nadmin.use(nocache);"),
        "server.js": "const express = require('express');\nconst routes = require('./routes');\n"
                     "const app = express();\napp.use(routes);\nmodule.exports = app;\n"})
    [lead] = [f for f in _findings(root) if f.fix is not None]
    assert lead.path == "server.js"


ENV_APP = """\
    const express = require('express');
    const app = express();
    app.set('trust proxy', %s);
    app.get('/ip', (req, res) => res.send(req.ip));
    const server = app.listen(0, '127.0.0.1', () => {
      console.log(`listening ${server.address().port}`);
    });
    """


@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
def test_trust_proxy_from_the_environment_is_a_string_not_a_hop_count(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path / "app", {"package.json": json.dumps(PACKAGE),
                                         "app.js": ENV_APP % "process.env.TRUST_PROXY"})
    [finding] = _findings(root)
    assert "`trust proxy` comes from the environment (`process.env.TRUST_PROXY`, app.js), " \
           "which is always a string" in finding.message
    assert "not as a hop count" in finding.message and "may be" not in finding.message
    assert finding.fix is None

    npm_install(root)
    monkeypatch.setenv("TRUST_PROXY", "1")
    with serve_app(root) as base:
        assert _ip(base) == "127.0.0.1"  # '1' is an address: no hop trusted, the socket's
    # Number(…) makes it a hop count: bounded, so the fix is offered.
    (root / "app.js").write_text((root / "app.js").read_text().replace(
        "process.env.TRUST_PROXY", "Number(process.env.TRUST_PROXY)"))
    with serve_app(root) as base:
        assert _ip(base) == "10.0.0.7"  # one hop: the address the proxy saw
    [finding] = _findings(root)
    assert "not fixed" not in finding.message and finding.fix is not None


def test_a_name_only_assigned_from_the_environment_is_worded_the_same(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps(PACKAGE),
        "app.js": "const trust = process.env['TRUST_PROXY'];\n" + ENV_APP % "trust"})
    [finding] = _findings(root)
    assert "comes from the environment (`trust`, app.js)" in finding.message


@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
def test_an_environment_value_with_a_loopback_default_is_worded_as_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # spark-wallet (sample 32): unset, only loopback is trusted, so the forged left-most
    # address is never req.ip; the deployer's value is a string like any environment value.
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps(PACKAGE),
        "app.js": ENV_APP % "process.env.PROXIED || 'loopback'"})
    [finding] = _findings(root)
    assert "comes from the environment (`process.env.PROXIED || 'loopback'`, app.js)" \
        in finding.message
    assert "set without a bound" not in finding.message and finding.fix is None
    npm_install(root)
    monkeypatch.delenv("PROXIED", raising=False)
    with serve_app(root) as base:
        assert _ip(base) == "10.0.0.7"  # the loopback hop trusted, not the forged 6.6.6.6
