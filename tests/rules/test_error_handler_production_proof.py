"""What proves the app runs with NODE_ENV=production (rules/_production.py), which silences
error-handler's "no final error handler" finding: the command that starts the app must run its
last command with NODE_ENV=production."""

from __future__ import annotations

import pytest

from nodeharden.rules._production import command_sets_production


@pytest.mark.parametrize("command", [
    "NODE_ENV=production node backend/index.js",
    "cross-env NODE_ENV=production node server.js",
    "export NODE_ENV=production && node server.js",
    "set NODE_ENV=production&&node server.js",
    "NODE_ENV='production' node server.js",
    "npm run build && NODE_ENV=production node dist/index.js",
])
def test_production_for_the_command_that_starts_the_app(command: str) -> None:
    assert command_sets_production(command)


@pytest.mark.parametrize("command", [
    "node server.js",
    "NODE_ENV=production npm run build && node dist/index.js",  # the build only
    "NODE_ENV=development node server.js",
    "export NODE_ENV=production && NODE_ENV=staging node server.js",
    "nodemon server.js",
    "NODE_ENV=productionish node server.js",
])
def test_not_production(command: str) -> None:
    assert not command_sets_production(command)


APP = ("const express = require('express');\nconst app = express();\n"
       "app.get('/', (req, res) => res.send('ok'));\nmodule.exports = app;\n")
NO_HANDLER = "no final error handler"


def _no_handler_findings(project, files: dict[str, str]) -> list[str]:
    from conftest import run_cli
    import json

    root = project({"package.json": '{"name": "p", "dependencies": {"express": "^4.21.0"}}',
                    **files})
    report = json.loads(run_cli("check", root, "--format", "json", "--select",
                                "error-handler").stdout)
    return [f["path"] for f in report["findings"] if NO_HANDLER in f["message"]]


@pytest.mark.parametrize("entry", [
    "if (!process.env.NODE_ENV) {\n  process.env.NODE_ENV = 'production';\n}\n",
    "if (!process.env.NODE_ENV) process.env.NODE_ENV = \"production\";\n",
    "process.env.NODE_ENV = process.env.NODE_ENV || 'production';\n",
    "process.env.NODE_ENV ??= 'production';\n",
    "process.env.NODE_ENV = 'production';\n",
    "if (!process.env.NODE_ENV) {\n  console.log('defaulting');\n"
    "  process.env.NODE_ENV = 'production';\n}\n",
])
def test_the_process_setting_production_itself_proves_it(project, entry: str) -> None:
    # The entry sets it at its top level and loads the app through another project module.
    files = {"src/app.js": APP, "src/start.js": "const app = require('./app');\n"
             "module.exports = () => app.listen(3000);\n",
             "server.js": entry + "require('./src/start')();\n"}
    assert _no_handler_findings(project, files) == []


@pytest.mark.parametrize("entry", [
    "function prod() {\n  process.env.NODE_ENV = 'production';\n}\n",  # not at start-up
    "if (process.argv[2]) process.env.NODE_ENV = 'production';\n",  # only sometimes
    "process.env.NODE_ENV = process.env.NODE_ENV || 'development';\n",
])
def test_what_does_not_prove_it(project, entry: str) -> None:
    files = {"src/app.js": APP, "server.js": entry + "require('./src/app').listen(3000);\n"}
    assert _no_handler_findings(project, files) == ["src/app.js"]


def test_a_script_that_does_not_load_the_app_proves_nothing(project) -> None:
    files = {"src/app.js": APP, "server.js": "require('./src/app').listen(3000);\n",
             "scripts/build.js": "process.env.NODE_ENV = 'production';\n"
                                 "require('./bundle');\n"}
    assert _no_handler_findings(project, files) == ["src/app.js"]


def test_heroku_builds_default_node_env_to_production(project) -> None:
    files = {"src/app.js": APP, "server.js": "require('./src/app').listen(3000);\n"}
    assert _no_handler_findings(project, files) == ["src/app.js"]
    heroku = {**files, "package.json": '{"name": "p", "dependencies": {"express": "^4.21.0"}, '
                                       '"scripts": {"start": "node server.js", '
                                       '"heroku-postbuild": "npm run build --prefix client"}}'}
    root = project({"package.json": heroku.pop("package.json"), **heroku})
    from conftest import run_cli

    assert NO_HANDLER not in run_cli("check", root, "--select", "error-handler").stdout


#: Deploy manifests that set NODE_ENV=production for the running app (Fly.io, App Engine,
#: Render, Heroku's app.json), at the root above the app or in its folder.
MANIFESTS = {
    "fly.toml": 'app = "p"\n\n[build]\n  [build.args]\n    NODE_ENV = "development"\n\n'
                '[env]\n  PORT = "8080"\n  NODE_ENV = "production"\n',
    "app.yaml": "runtime: nodejs20\nenv_variables:\n  NODE_ENV: production\n",
    "render.yaml": "services:\n  - type: web\n    name: p\n    envVars:\n"
                   "      - key: NODE_ENV\n        value: production\n",
    "app.json": '{"name": "p", "env": {"NODE_ENV": {"value": "production"}}}\n',
}


@pytest.mark.parametrize("manifest", sorted(MANIFESTS))
@pytest.mark.parametrize("where", ["", "src/"])
def test_a_deploy_manifest_that_sets_production_proves_it(project, manifest: str,
                                                          where: str) -> None:
    files = {"src/app.js": APP, "src/server.js": "require('./app').listen(3000);\n",
             where + manifest: MANIFESTS[manifest]}
    assert _no_handler_findings(project, files) == []


@pytest.mark.parametrize("text", [
    # Only the build gets it.
    'app = "p"\n[build]\n  [build.args]\n    NODE_ENV = "production"\n[env]\n  PORT = "8080"\n',
    'app = "p"\n[env]\n  NODE_ENV = "development"\n',
    'app = "p"\n[env\n',  # not TOML
])
def test_a_fly_manifest_that_does_not_set_it_for_the_app_proves_nothing(project,
                                                                       text: str) -> None:
    files = {"src/app.js": APP, "src/server.js": "require('./app').listen(3000);\n",
             "fly.toml": text}
    assert _no_handler_findings(project, files) == ["src/app.js"]


def test_a_manifest_in_another_package_proves_nothing(project) -> None:
    files = {"src/app.js": APP, "src/server.js": "require('./app').listen(3000);\n",
             "docs/fly.toml": MANIFESTS["fly.toml"]}
    assert _no_handler_findings(project, files) == ["src/app.js"]


def test_node_env_leaves_an_image_a_fly_manifest_sets_production_for(project) -> None:
    from conftest import run_cli
    import json

    dockerfile = ("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nUSER node\n"
                  "CMD [\"node\", \"src/server.js\"]\n")
    files = {"package.json": '{"name": "p", "dependencies": {"express": "^4.21.0"}}',
             "src/app.js": APP, "src/server.js": "require('./app').listen(3000);\n",
             "Dockerfile": dockerfile}
    root = project(files)
    before = json.loads(run_cli("check", root, "--format", "json", "--select",
                                "node-env").stdout)["findings"]
    assert [f["path"] for f in before] == ["Dockerfile"]
    (root / "fly.toml").write_text(MANIFESTS["fly.toml"])
    after = json.loads(run_cli("check", root, "--format", "json", "--select",
                               "node-env").stdout)["findings"]
    assert after == []


DOCKERFILE = ("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nUSER node\n"
              "CMD [\"node\", \"src/server.js\"]\n")


@pytest.mark.parametrize(("manifest", "text"), [
    # Heroku's app.json: the buildpack deployment, not the image.
    ("app.json", MANIFESTS["app.json"]),
    # A fly.toml that builds with buildpacks does not deploy the Dockerfile.
    ("fly.toml", 'app = "p"\n[build]\n  builder = "paketobuildpacks/builder:base"\n'
                 '[env]\n  NODE_ENV = "production"\n'),
    # One that deploys another Dockerfile.
    ("fly.toml", 'app = "p"\n[build]\n  dockerfile = "Dockerfile.fly"\n'
                 '[env]\n  NODE_ENV = "production"\n'),
])
def test_a_manifest_that_does_not_deploy_the_image_leaves_it_reported(project, manifest: str,
                                                                     text: str) -> None:
    from conftest import run_cli
    import json

    files = {"package.json": '{"name": "p", "dependencies": {"express": "^4.21.0"}}',
             "src/app.js": APP, "src/server.js": "require('./app').listen(3000);\n",
             "Dockerfile": DOCKERFILE, manifest: text}
    root = project(files)
    found = json.loads(run_cli("check", root, "--format", "json", "--select",
                               "node-env,error-handler").stdout)["findings"]
    assert sorted((f["rule"], f["path"]) for f in found) == [
        ("error-handler", "src/app.js"), ("node-env", "Dockerfile")], found
