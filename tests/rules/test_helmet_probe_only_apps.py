"""helmet: an app that answers only health checks, probes and metrics scrapes gets no finding.

A second Express app on a port of its own for the orchestrator's probes and the metrics
scraper (``/health``, ``/readyz``, ``/metrics``… and ``/`` beside them) that answers JSON or
text, renders no page, serves no files and sets no cookie is requested by programs, never
loaded by a browser: security headers protect nothing there. The routes another file adds to
it through an import count too. Any other route, a route of an imported handler, an HTML
answer (``res.send('text')``), static files, a view engine, a mount or a middleware added
elsewhere keeps the finding; so does an app whose only route is ``/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli, write_tree

from nodeharden._api import check

PACKAGE_JSON = ('{"name": "t", "private": true, "dependencies": {"express": "^5.1.0", '
                '"prom-client": "^15.0.0"}}\n')

SERVER = """\
const express = require('express');
const probes = require('./probes');

const app = express();
app.get('/api/items', (req, res) => res.json([]));

app.listen(process.env.PORT || 3000);
probes.listen(process.env.PROBE_PORT || 9090);
"""

PROBES = """\
const express = require('express');
const client = require('prom-client');

const probes = express();
probes.use(express.json());
probes.get(['/', '/healthz'], (req, res) => {
  res.json({ healthy: true });
});
probes.get('/readyz', ready);
probes.get('/metrics', async (req, res) => {
  res.set('Content-Type', client.register.contentType);
  res.end(await client.register.metrics());
});

function ready(req, res) {
  res.status(200).end('ready');
}

module.exports = probes;
"""

#: The same kind of app exported as a member, with a route added by the file that starts it.
HEALTH = """\
const express = require('express');
const { requestLogger } = require('./log');

const healthApp = express();
healthApp.use(requestLogger('[health]'));
healthApp.get('/health', (req, res) => {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ health: true }));
});

module.exports = { healthApp, PORT: process.env.HEALTH_PORT || 8888 };
"""

LOG = """\
exports.requestLogger = (tag) => (req, res, next) => {
  console.log(tag, req.method, req.url);
  next();
};
"""

MAIN = """\
const express = require('express');
const health = require('./health');

health.healthApp.get('/metrics', async (req, res) => {
  res.set('Content-Type', 'text/plain');
  res.end('up 1');
});

const app = express();
app.get('/api/items', (req, res) => res.json([]));
app.listen(3000, () => health.healthApp.listen(health.PORT));
"""


def _helmet(root: Path) -> list[str]:
    return [f"{f.path}:{f.line}" for f in check(root, select=["helmet"]).findings]


def test_a_probe_only_app_gets_no_finding_and_no_fix(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE_JSON, "server.js": SERVER,
                                         "probes.js": PROBES})
    assert _helmet(root) == ["server.js:4"]
    diff = run_cli("fix", root, "--dry-run", "--select", "helmet", "--no-cache").stdout
    assert "+++ b/server.js" in diff
    assert "probes.js" not in diff


def test_probe_routes_added_by_the_importer_count(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE_JSON, "main.js": MAIN,
                                         "health.js": HEALTH, "log.js": LOG})
    assert _helmet(root) == ["main.js:9"]


@pytest.mark.parametrize(("name", "old", "new"), [
    ("another route", "probes.get('/readyz', ready);",
     "probes.get('/readyz', ready);\nprobes.get('/users', (req, res) => res.json([]));"),
    ("a path not written out", "probes.get('/readyz', ready);",
     "probes.get(process.env.READY_PATH, ready);"),
    ("an HTML answer", "res.status(200).end('ready');", "res.send('ready');"),
    ("static files", "probes.use(express.json());", "probes.use(express.static('public'));"),
    ("a view engine", "probes.use(express.json());", "probes.set('view engine', 'ejs');"),
    ("a mounted router", "probes.use(express.json());", "probes.use(require('./routes')());"),
    ("an imported handler", "probes.get('/readyz', ready);",
     "probes.get('/readyz', require('./ready'));"),
    ("a chained route", "probes.get('/readyz', ready);",
     "probes.get('/readyz', ready).get('/users', ready);"),
    ("only the root", "probes.get(['/', '/healthz'],", "probes.get(['/'],"),
])
def test_anything_but_probes_keeps_the_finding(tmp_path: Path, name: str, old: str,
                                               new: str) -> None:
    assert old in PROBES, name
    probes = PROBES.replace(old, new)
    if name == "only the root":
        probes = probes.replace("probes.get('/readyz', ready);\n", "").replace(
            "probes.get('/metrics',", "probes.post('/',")
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE_JSON, "server.js": SERVER,
                                         "probes.js": probes,
                                         "routes.js": "module.exports = () => (req, res) => "
                                                      "res.json({});\n",
                                         "ready.js": "module.exports = (req, res) => "
                                                     "res.end('ready');\n"})
    assert _helmet(root) == ["probes.js:4", "server.js:4"], name


@pytest.mark.parametrize(("name", "line"), [
    ("another route", "health.healthApp.get('/admin', (req, res) => res.json({}));"),
    ("a middleware", "health.healthApp.use((req, res, next) => next());"),
    ("a page", "health.healthApp.get('/status', (req, res) => res.send('<h1>ok</h1>'));"),
    ("a handed-on app", "require('./log').serve(health.healthApp);"),
    ("a handler of elsewhere", "health.healthApp.get('/ping', require('./log').requestLogger);"),
])
def test_anything_but_probes_from_the_importer_keeps_the_finding(tmp_path: Path, name: str,
                                                                 line: str) -> None:
    main = MAIN.replace("app.listen(3000", line + "\napp.listen(3000")
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE_JSON, "main.js": main,
                                         "health.js": HEALTH, "log.js": LOG})
    assert "health.js:4" in _helmet(root), name


def test_probe_apps_exported_as_modules_count_too(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": '{"name": "t", "type": "module", "dependencies": {"express": "^5.1.0"}}\n',
        "probes.js": "import express from 'express';\nconst probes = express();\n"
                     "probes.get('/livez', (req, res) => res.json({ ok: true }));\n"
                     "export default probes;\n",
        "health.js": "import express from 'express';\nconst health = express();\n"
                     "health.get('/readyz', (req, res) => res.sendStatus(200));\n"
                     "export { health as healthApp };\n",
        "server.js": "import express from 'express';\nimport probes from './probes.js';\n"
                     "import { healthApp } from './health.js';\n"
                     "const app = express();\napp.get('/api', (req, res) => res.json([]));\n"
                     "app.listen(3000);\nprobes.listen(9090);\n"
                     "healthApp.get('/metrics', (req, res) => res.type('text').end('up 1'));\n"
                     "healthApp.listen(9091);\n",
    })
    assert _helmet(root) == ["server.js:4"]


#: A file with the app that serves pages and, on a port of its own, a metrics app.
BESIDE = """\
const express = require('express');
const client = require('prom-client');

const app = express().disable('x-powered-by');
app.use('/', express.static('public'));
app.get('/', (req, res) => res.send('<h1>maps</h1>'));
app.listen(3000);

const metricsApp = express();
metricsApp.get('/metrics', async (_req, res) => {
  res.set('Content-Type', client.register.contentType);
  res.end(await client.register.metrics());
});
metricsApp.listen(9100, '127.0.0.1');
"""


def test_a_probe_app_beside_a_page_app_of_its_file_is_judged_by_its_own_routes(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE_JSON, "server.js": BESIDE})
    assert _helmet(root) == ["server.js:4"]


@pytest.mark.parametrize(("name", "old", "new"), [
    ("a page of its own", "metricsApp.get('/metrics', async (_req, res) => {",
     "metricsApp.get('/status', (req, res) => res.send('<p>up</p>'));\n"
     "metricsApp.get('/metrics', async (_req, res) => {"),
    ("a named handler", "metricsApp.listen(9100",
     "metricsApp.get('/health', health);\nfunction health(req, res) { res.json({}); }\n"
     "metricsApp.listen(9100"),
    ("static files", "metricsApp.listen(9100",
     "metricsApp.use(express.static('public'));\nmetricsApp.listen(9100"),
])
def test_a_probe_app_beside_a_page_app_with_pages_of_its_own_keeps_the_finding(
        tmp_path: Path, name: str, old: str, new: str) -> None:
    assert old in BESIDE, name
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE_JSON,
                                         "server.js": BESIDE.replace(old, new)})
    assert _helmet(root) == ["server.js:4", "server.js:9"], name


def test_one_app_with_pages_and_metrics_keeps_the_finding(tmp_path: Path) -> None:
    one = ("const express = require('express');\nconst app = express();\n"
           "app.get('/metrics', (req, res) => res.end('up 1'));\n"
           "app.use(express.static('public'));\napp.listen(3000);\n")
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE_JSON, "server.js": one})
    assert _helmet(root) == ["server.js:2"]
