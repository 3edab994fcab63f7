"""rate-limit placement: starting the server registers nothing on the app, so the limiter still
goes after a cors() (or static) middleware registered after `app.listen(…)` or
`http.createServer(app)`, and its 429 carries the CORS headers a browser on another origin
needs to read it. What the server start cannot pass stays as before: a route, or the app
handed to other code, keeps the limiter right after the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeharden._api import fix

from conftest import write_tree

PACKAGE = '{"name": "api", "dependencies": {"express": "^4.21.2", "cors": "^2.8.5"}}\n'


def planned_app(root: Path) -> str:
    plan = fix(root, dry_run=True, select=["rate-limit"], unsafe=True).plan
    assert plan.scan is not None and not plan.scan.failed, plan.scan.failed
    return plan.final["app.js"].decode()


def app_js(start: str, before: str = "") -> str:
    return ("const http = require('http');\nconst express = require('express');\n"
            "const cors = require('cors');\n\n"
            "async function main() {\n"
            "  const app = express();\n"
            f"{before}"
            f"  {start}\n"
            "  await loadSettings();\n"
            "  app.use(cors());\n"
            "  app.use(express.json());\n"
            "  app.post('/api/login', (req, res) => res.sendStatus(401));\n"
            "}\n\nmain();\n")


@pytest.mark.parametrize("start", [
    "const server = app.listen(5000);",
    "server = app.listen(process.env.PORT, () => console.log('up'));",
    "app.listen(app.get('port'));",
    "if (require.main === module) app.listen(5000);",
    "const server = http.createServer(app);",
    "http.createServer(app).listen(5000);",
], ids=["declared", "assigned-with-callback", "port-setting", "in-if", "create-server",
        "create-server-listen"])
def test_limiter_goes_after_cors_registered_after_the_server_starts(tmp_path: Path,
                                                                    start: str) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": app_js(start)})
    out = planned_app(root)
    assert f"  {start}\n  await loadSettings();\n  app.use(cors());\n  app.use(rateLimiter);\n" \
        "  app.use(express.json());\n" in out, out
    assert out.count("app.use(rateLimiter)") == 1


def test_a_port_setting_read_before_the_server_starts(tmp_path: Path) -> None:
    before = "  app.set('port', 5000);\n  const port = app.get('port');\n"
    root = write_tree(tmp_path, {"package.json": PACKAGE,
                                 "app.js": app_js("app.listen(port);", before)})
    assert "  app.use(cors());\n  app.use(rateLimiter);\n" in planned_app(root)


@pytest.mark.parametrize("start", [
    "app.listen(5000, () => app.get('/ready', (req, res) => res.end()));",
    "const server = http.createServer(app); attach(app);",
    "const server = require('./server')(app);",
], ids=["route-in-callback", "app-handed-on", "project-server"])
def test_what_may_register_keeps_the_limiter_right_after_the_app(tmp_path: Path,
                                                                start: str) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": app_js(start),
                                 "server.js": "module.exports = (app) => app;\n"})
    out = planned_app(root)
    assert "  const app = express();\n  app.use(rateLimiter);\n" in out, out
    assert out.count("app.use(rateLimiter)") == 1
