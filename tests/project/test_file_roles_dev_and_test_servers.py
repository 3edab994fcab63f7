"""Servers that only development or the tests start (``_starters``): a preview server a
package.json script runs under a watcher, a mock server that only test scripts and CI test
jobs start, get the ``dev`` or ``test`` role, and so does an app only they mount. A server
that production starts (``npm start``, a Procfile, a Dockerfile), may be compiled into what
production starts, or that an app file imports stays an app; so does every server of a
project that shows no production start."""

from __future__ import annotations

import json

from conftest import check_json

from nodeharden._roles import parse_roles

#: A production app (the one ``npm start`` runs), and a development server beside it.
PROD_APP = """\
const express = require('express');
const helmet = require('helmet');
const app = express();
app.use(helmet());
app.get('/', (req, res) => res.send('ok'));
app.use((err, req, res, next) => res.status(500).end());
app.listen(3000);
"""
DEV_SERVER = """\
const express = require('express');
const fakeApi = require('./fake-api');
const app = express();
const api = process.env.FAKE_API ? fakeApi : (req, res, next) => next();
app.use('/api', api);
app.get('/_open', (req, res) => res.send(req.query.file));
app.listen(5042);
"""
FAKE_API = """\
const express = require('express');
const sub = express();
sub.get('*', (req, res) => res.json({ url: req.url }));
module.exports = sub;
"""
MOCK_SERVER = """\
const express = require('express');
const app = express();
app.get('/api/search', (req, res) => res.json([]));
app.get('/login', (req, res) => { res.cookie('sessionid', '1'); res.redirect(req.query.next); });
app.listen(5043);
"""


def package(scripts: dict[str, str], **extra: object) -> str:
    return json.dumps({"name": "site", "dependencies": {"express": "^4.21.0",
                                                         "helmet": "^8.0.0"},
                       "scripts": scripts, **extra})


def report_of(project, files: dict[str, str],
              name: str = "app") -> tuple[dict[str, str], set[str]]:
    report = check_json(project(files, name))
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    return reasons, {f["path"] for f in report["findings"]}


SCRIPTS = {
    "start": "node server/app.js",
    "start:server": "nodemon server/dev.js",
    "start:search-api": "node server/mock.js",
    "test:e2e": "npm run start:search-api & playwright test",
}
WORKFLOW = """\
on: push
jobs:
  e2e:
    runs-on: ubuntu-latest
    steps:
      - run: yarn start:search-api &
      - run: yarn playwright test
"""


def test_servers_only_development_or_the_tests_start_get_those_roles(project) -> None:
    reasons, paths = report_of(project, {
        "package.json": package(SCRIPTS),
        "server/app.js": PROD_APP, "server/dev.js": DEV_SERVER,
        "server/fake-api.js": FAKE_API, "server/mock.js": MOCK_SERVER,
        ".github/workflows/e2e.yml": WORKFLOW,
    })
    assert reasons["server/dev.js"] == ("dev: a development server, started only by the "
                                        "script 'start:server', which runs it under nodemon")
    assert reasons["server/fake-api.js"] == ("dev: an app mounted only by the development "
                                             "server server/dev.js")
    assert reasons["server/mock.js"] == (
        "test: a server for the tests, started only by the script 'start:search-api', run only "
        "by the test script 'test:e2e', .github/workflows/e2e.yml")
    assert not paths & {"server/dev.js", "server/fake-api.js", "server/mock.js"}


def test_roles_opt_the_servers_back_in(project) -> None:
    files = {"package.json": package(SCRIPTS), "server/app.js": PROD_APP,
             "server/dev.js": DEV_SERVER, "server/fake-api.js": FAKE_API,
             "server/mock.js": MOCK_SERVER, ".nodeharden.yml": "roles: [dev, tests]\n"}
    _, paths = report_of(project, files)
    assert {"server/dev.js", "server/mock.js"} <= paths
    assert parse_roles(["development"]) == {"dev"}


def test_a_server_production_may_start_stays_an_app(project) -> None:
    cases = [
        # `npm start` runs it, through another script, under nodemon or not
        {"start": "npm run serve", "serve": "nodemon server/dev.js"},
        # a script of no telling kind that nothing runs: a person may start production so
        {"start": "node server/app.js", "serve:site": "node server/dev.js"},
        # a script run by the test suite and by a script nothing runs
        {"start": "node server/app.js", "start:api": "node server/dev.js",
         "test": "npm run start:api && jest", "launch": "npm run start:api"},
        # what production starts is compiled output, which may be built from it
        {"start": "node dist/main.js", "dev": "nodemon server/dev.js"},
        # no production start at all: nothing says how the project runs
        {"dev": "nodemon server/dev.js"},
    ]
    for i, scripts in enumerate(cases):
        reasons, paths = report_of(project, {"package.json": package(scripts),
                                             "server/app.js": PROD_APP,
                                             "server/dev.js": DEV_SERVER,
                                             "server/fake-api.js": FAKE_API}, f"case{i}")
        assert "server/dev.js" not in reasons, scripts
        assert "server/dev.js" in paths, scripts


def test_a_main_that_names_no_file_is_no_production_start(project) -> None:
    """``npm init`` writes ``"main": "index.js"`` whether or not the project has one: a
    tutorial whose only script runs its server under nodemon, with no index.js, is that
    server (it was skipped as a development server). A main that names a file of the project
    still shows how production starts."""
    files = {"server.js": MOCK_SERVER}
    scripts = {"devStart": "nodemon server.js"}
    reasons, paths = report_of(project, {"package.json": package(scripts, main="index.js"),
                                         **files}, "missing")
    assert "server.js" not in reasons and "server.js" in paths
    for i, (main, more) in enumerate([("index.js", {"index.js": PROD_APP}),
                                      ("./lib", {"lib/index.js": PROD_APP})]):
        reasons, paths = report_of(project, {"package.json": package(scripts, main=main),
                                             **files, **more}, f"main{i}")
        assert reasons.get("server.js", "").startswith("dev: a development server"), main


def test_a_deploy_file_or_an_import_keeps_a_development_server_an_app(project) -> None:
    scripts = {"start": "node server/app.js", "dev": "nodemon server/dev.js"}
    for i, extra in enumerate(({"Procfile": "web: npm run dev\n"},
                               {"Dockerfile": "FROM node:22\nCOPY . .\n"
                                              "CMD [\"node\", \"server/dev.js\"]\n"},
                               {"server/cluster.js": "require('./dev');\n"})):
        reasons, paths = report_of(project, {"package.json": package(scripts),
                                             "server/app.js": PROD_APP,
                                             "server/dev.js": DEV_SERVER,
                                             "server/fake-api.js": FAKE_API, **extra},
                                   f"case{i}")
        assert "server/dev.js" not in reasons, extra
        assert "server/dev.js" in paths, extra


def test_a_ci_job_that_deploys_is_production(project) -> None:
    deploy = WORKFLOW.replace("e2e:", "deploy:").replace("yarn playwright test",
                                                         "flyctl deploy")
    scripts = {"start": "node server/app.js", "start:search-api": "node server/mock.js"}
    reasons, paths = report_of(project, {"package.json": package(scripts),
                                         "server/app.js": PROD_APP,
                                         "server/mock.js": MOCK_SERVER,
                                         ".github/workflows/ship.yml": deploy})
    assert "server/mock.js" not in reasons and "server/mock.js" in paths


#: A webpack-dev-server hook: a module the dev server's ``before`` loads, with its own server.
DEV_HOOK = """\
const express = require('express');
module.exports = function(app, devServer) {
  const wsapp = express();
  wsapp.get('/api/ws', (req, res) => res.send(req.query.x));
  wsapp.listen(1338);
  app.get('/__dev', (req, res) => res.send('dev'));
};
"""


def _hook_project(webpack_config: str, scripts: dict[str, str] | None = None
                  ) -> dict[str, str]:
    return {"package.json": package(scripts or {"prod": "node server/bin/prod.js",
                                                "start": "webpack-dev-server"}),
            "server/bin/prod.js": PROD_APP, "server/bin/dev.js": DEV_HOOK,
            "webpack.config.js": webpack_config}


def test_a_file_webpack_dev_server_loads_is_a_development_server(project) -> None:
    config = ("module.exports = {\n  entry: './app/main.js',\n  devServer: {\n"
              "    before: process.env.NODE_ENV === 'development' && require('./server/bin/dev'),\n"
              "  },\n};\n")
    reasons, findings = report_of(project, _hook_project(config))
    assert reasons["server/bin/dev.js"].startswith("dev: a development server: webpack-dev-"
                                                   "server loads it (webpack.config.js"), reasons
    assert "server/bin/dev.js" not in findings


def test_a_hook_bound_to_a_name_first_is_found_too(project) -> None:
    config = ("const devApi = require('./server/bin/dev');\n\nmodule.exports = {\n"
              "  devServer: { setupMiddlewares: (m, server) => { devApi(server.app); return m; } },"
              "\n};\n")
    reasons, _ = report_of(project, _hook_project(config))
    assert reasons.get("server/bin/dev.js", "").startswith("dev: "), reasons


def test_a_file_the_webpack_config_builds_stays_an_app(project) -> None:
    # Named outside devServer (an entry to bundle), or production starts it.
    config = ("module.exports = {\n  entry: './server/bin/dev.js',\n  devServer: { port: 8080 },"
              "\n};\n")
    reasons, findings = report_of(project, _hook_project(config))
    assert "server/bin/dev.js" not in reasons and "server/bin/dev.js" in findings
    config = "module.exports = { devServer: { before: require('./server/bin/dev') } };\n"
    reasons, findings = report_of(project, _hook_project(
        config, {"start": "node server/bin/dev.js"}))
    assert "server/bin/dev.js" not in reasons and "server/bin/dev.js" in findings
