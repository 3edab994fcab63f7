"""The project model knows whether a project is deployed as a service (the app's runtime image,
platform files, manifests, deploy jobs) and whether it calls itself an example, demo, tutorial,
boilerplate… (package.json, the README's first heading and paragraph, as whole words)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden._api import check
from nodeharden._deployment import (Deployment, purpose_word, readme_intro, self_hosted,
                                    vulnerable_by_design)
from nodeharden._project import load_project
from nodeharden._config import load_config
from nodeharden._scan import Scanner

EXPRESS_PJ = '{"name": "orders", "dependencies": {"express": "^5.1.0"}}\n'
APP = "const express = require('express');\nconst app = express();\napp.listen(3000);\n"


def deployment_of(root: Path) -> Deployment:
    """Return ``ProjectContext.deployment`` as a rule sees it after a real scan."""
    from nodeharden.rules import ProjectContext

    scanner = Scanner(load_project(root), load_config(root), ["security-txt"], jobs=1)
    result = scanner.scan()
    package_json = root / "package.json"
    ctx = ProjectContext(info=scanner.info, files=result.files, facts=result.facts,
                         styles=result.styles,
                         read=lambda rel: (root / rel).read_bytes()
                         if (root / rel).is_file() else None,
                         package_json_text=package_json.read_text()
                         if package_json.is_file() else None)
    return ctx.deployment


DEPLOY_FILES = {
    "runtime image": {"Dockerfile": "FROM node:22-slim\nCOPY . .\nCMD [\"node\", \"app.js\"]\n"},
    "procfile": {"Procfile": "web: node app.js\n"},
    "heroku app.json": {"app.json": '{"name": "orders", "addons": ["heroku-postgresql"]}\n'},
    "fly": {"fly.toml": 'app = "orders"\n'},
    "render": {"render.yaml": "services:\n  - type: web\n    name: orders\n"},
    "vercel": {"vercel.json": '{"version": 2}\n'},
    "netlify": {"netlify.toml": "[build]\n  command = 'npm run build'\n"},
    "app engine": {"app.yaml": "runtime: nodejs22\n"},
    "serverless": {"serverless.yml": "service: orders\nprovider:\n  name: aws\n"},
    "railway": {"railway.toml": "[deploy]\nstartCommand = 'npm start'\n"},
    "kubernetes": {"deploy/k8s/web.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
                                          "metadata:\n  name: orders\n"},
    "helm": {"charts/orders/Chart.yaml": "apiVersion: v2\nname: orders\nversion: 0.1.0\n"},
    "pm2": {"ecosystem.config.js": "module.exports = { apps: [{ script: 'app.js' }] };\n"},
    "ci deploy job": {".github/workflows/main.yml": """
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - run: npm test
          release:
            runs-on: ubuntu-latest
            steps:
              - uses: superfly/flyctl-actions/setup-flyctl@master
              - run: flyctl deploy --remote-only
        """},
    "ci environment": {".github/workflows/cd.yml": """
        on: push
        jobs:
          ship:
            runs-on: ubuntu-latest
            environment: production
            steps:
              - run: ./ship.sh
        """},
    "gitlab deploy stage": {".gitlab-ci.yml": """
        deploy_prod:
          stage: deploy
          script:
            - ./ship.sh
        """},
}


@pytest.mark.parametrize("kind", sorted(DEPLOY_FILES))
def test_each_deploy_signal_is_recognised(tmp_path: Path, kind: str) -> None:
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS_PJ, "app.js": APP,
                                       **DEPLOY_FILES[kind]})
    deployment = deployment_of(root)
    assert deployment.deployed and deployment.is_service, deployment
    assert deployment.declared_as is None


NOT_DEPLOY_FILES = {
    "postgres image": {"Dockerfile": "FROM postgres:16\n"},
    "dev container": {".devcontainer/Dockerfile": "FROM node:22\n"},
    "test image": {"Dockerfile.test": "FROM node:22\nCMD [\"npm\", \"test\"]\n"},
    "example's image": {"examples/basic/Dockerfile": "FROM node:22\nCMD [\"node\", \"a.js\"]\n"},
    "expo app.json": {"app.json": '{"expo": {"name": "orders"}}\n'},
    "config app.yaml": {"app.yaml": "port: 3000\nlog_level: info\n"},
    "compose only": {"docker-compose.yml": "services:\n  db:\n    image: postgres:16\n"},
    "foreman procfile": {"Procfile": "web: node app.js\n", "package.json": (
        '{"name": "orders", "scripts": {"start": "nf start"}, '
        '"dependencies": {"express": "^5.1.0"}}\n')},
    "nodemon procfile": {"Procfile": "web: nodemon app.js\n"},
    "yaml without a workload": {"k8s/values.yaml": "replicas: 2\n"},
    "ci tests only": {".github/workflows/ci.yml": """
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            environment: test
            steps:
              - run: npm ci && npm test
        """},
    "docs to github pages": {".github/workflows/docs.yml": """
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            environment:
              name: github-pages
            steps:
              - uses: actions/upload-pages-artifact@v3
              - uses: actions/deploy-pages@v4
        """},
    "npm publish": {".github/workflows/release.yml": """
        on: release
        jobs:
          publish:
            runs-on: ubuntu-latest
            steps:
              - run: npm publish
        """},
}


@pytest.mark.parametrize("kind", sorted(NOT_DEPLOY_FILES))
def test_files_that_deploy_no_service_are_not_signals(tmp_path: Path, kind: str) -> None:
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS_PJ, "app.js": APP,
                                       **NOT_DEPLOY_FILES[kind]})
    assert deployment_of(root) == Deployment(), kind


@pytest.mark.parametrize("text, word", [
    ("node-express-boilerplate", "boilerplate"),
    ("@someone/express-demo", "demo"),
    ("A sample application for the getting started guide", "sample"),
    ("Sequelize examples with Express", "examples"),
    ("Course project: a shop built with the MERN stack", "course"),
    ("Starter kit for REST APIs", "starter"),
    ("A template for Express services", "template"),
    ("Code for the Node.js workshop", "workshop"),
    ("Tutorial \"Local Library\" website", "tutorial"),
    ("In this capstone project, you will build the routing", "capstone"),
    # Not a declaration of purpose:
    ("Renders EJS templates for invoices", None),
    ("See https://example.com/docs or mail ops@example.com", None),
    ("Served at example.com", None),
    ("Supports several stores, for example Redis", None),
    ("Of course it scales", None),
    ("Try the live demo", None),
    ("Seeds sample data on first start", None),
    ("Exemplary service", None),
])
def test_purpose_is_read_as_whole_words(text: str, word: str | None) -> None:
    assert purpose_word(text) == word


def test_readme_intro_skips_badges_logos_html_and_code() -> None:
    text = """<!-- toc -->
[![CI](https://ci.test/badge.svg)](https://ci.test) [![npm](https://img.test/npm.svg)](https://npm.test)

<p align="center"><img src="logo.png" alt="logo"></p>

# ![Orders Example App](logo.png)

```
npm start
```

> Keeps **orders** for the [shop](https://shop.test).
> Second line.

More prose that is not the first paragraph.
"""
    assert readme_intro(text) == ("Orders Example App",
                                  "Keeps orders for the shop . Second line.")
    assert readme_intro("Orders API\n==========\n\nA demo API.\n") == ("Orders API", "A demo API.")
    assert readme_intro("Express Demo\n\n## Requirements\n- Node 24\n") == ("Express Demo",
                                                                           "Node 24")
    assert readme_intro("# Shop\n\n## Introduction\n\nWelcome to the shop boilerplate.\n") == \
        ("Shop", "Welcome to the shop boilerplate.")


@pytest.mark.parametrize("files, declared", [
    ({"package.json": '{"name": "orders", "keywords": ["express", "example"]}\n'},
     "example (package.json keywords)"),
    ({"package.json": '{"name": "orders", "description": "Demo of Express sessions"}\n'},
     "demo (package.json description)"),
    ({"package.json": '{"name": "orders"}\n', "README.md": "# Orders tutorial\n\nHi.\n"},
     "tutorial (README.md's first heading)"),
    ({"package.json": '{"name": "orders"}\n',
      "README.md": "# Orders\n\nA starter for shops.\n\nNot a demo.\n"},
     "starter (README.md's first paragraph)"),
    ({"package.json": '{"name": "orders"}\n',
      "README.md": "# Orders\n\nKeeps orders.\n\n## Demo\n\nThis is the demo section.\n"},
     None),
])
def test_declared_purpose_comes_from_package_json_and_the_readme_intro(
        tmp_path: Path, files: dict[str, str], declared: str | None) -> None:
    root = write_tree(tmp_path / "p", {"app.js": APP, "Procfile": "web: node app.js\n",
                                       **files})
    deployment = deployment_of(root)
    assert deployment.declared_as == declared
    assert deployment.is_service is (declared is None)


def test_security_txt_names_the_deploy_signal_it_reports_for(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS_PJ, "app.js": APP,
                                       "fly.toml": 'app = "orders"\n'})
    [finding] = check(root, select=["security-txt"]).findings
    assert "(deployed as a service: fly.toml (Fly.io))" in finding.message
    (root / "fly.toml").unlink()
    assert check(root, select=["security-txt"]).findings == []
    # Asked for in .nodeharden.yml: reported whatever the project is.
    (root / ".nodeharden.yml").write_text("security_txt:\n  contact: security@acme.test\n")
    [finding] = check(root, select=["security-txt"]).findings
    assert finding.fix is not None and "deployed as a service" not in finding.message


def test_a_dockerfile_alone_does_not_ask_for_security_txt(tmp_path: Path) -> None:
    # Self-hosted products and training apps ship a Dockerfile for others to run: it does not
    # say the maintainers run a site whose contact security.txt would publish.
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS_PJ, "app.js": APP,
                                       **DEPLOY_FILES["runtime image"]})
    assert check(root, select=["security-txt"]).findings == []
    write_tree(root, {"fly.toml": 'app = "orders"\n'})
    [finding] = check(root, select=["security-txt"]).findings
    assert "(deployed as a service: fly.toml (Fly.io))" in finding.message


@pytest.mark.parametrize(("package_json", "readme", "expected"), [
    ({"description": "The self-hosted web IRC client"}, None,
     "self-hosted (package.json description)"),
    ({"keywords": ["monitoring", "selfhosted"]}, None, "self-hosted (package.json keywords)"),
    ({}, "# Kuma\n\nAn easy-to-use self-hosted monitoring tool.\n", "self-hosted (README.md)"),
    ({}, "# Api\n\n- Created with self-host in mind\n", "self-hosted (README.md)"),
    ({}, "# Api\n\nStatic sites.\n\n## Setting up the server on your own infrastructure\n",
     "run on your own server (README.md: Setting up the server on your own infrastructure)"),
    # a CI runner, "myself", or a sentence (not a heading) about your own server: no
    ({}, "# Api\n\nCI uses self-hosted runners.\n", None),
    ({}, "# Api\n\nCI jobs run on self-hosted GitHub runners.\n", None),
    ({"description": "hosted by myself"}, "# Api\n\nDeploy it to your own server.\n", None),
    # a one-click deploy button: each reader deploys a copy of their own
    ({}, "# Admin\n\n[![Deploy](https://www.herokucdn.com/deploy/button.svg)]"
         "(https://heroku.com/deploy?template=https://example.org/admin)\n",
     "deployed by its readers (README.md: a one-click deploy button, heroku.com/deploy)"),
    ({}, "# Api\n\n[Deploy to Render](https://render.com/deploy?repo=x)\n",
     "deployed by its readers (README.md: a one-click deploy button, render.com/deploy)"),
    # an install section and a demo instance the maintainers host to show it (mStream,
    # pigallery2 in held-out sample 29)
    ({}, "# mStream\n\n#### [Check Out The Demo!](https://demo.example.org/)\n\n"
         "## Installing mStream\n\nDownload a release.\n",
     "installed by its users (README.md: Installing mStream, and a demo instance)"),
    ({}, "# Gallery\n\n[Try our live demo!](https://gallery.example.org/)\n\n"
         "### [Install with Docker (Recommended)](https://example.org/docker)\n",
     "installed by its users (README.md: Install with Docker (Recommended), and a demo "
     "instance)"),
    # one without the other, a demo in prose, or "install" outside a heading: no
    ({}, "# Api\n\n## Installation\n\nnpm install\n", None),
    ({}, "# Api\n\nSee the [demo](https://demo.example.org).\n\nRun npm install.\n", None),
    ({}, "# Api\n\n## Installation\n\nA demo runs at https://demo.example.org.\n", None),
    # the platform's button image or a mention of deploying is not a button
    ({}, "# Api\n\nWe deploy to Heroku; see https://www.herokucdn.com/deploy/button.svg\n", None),
    ({}, "# Api\n\nRead https://devcenter.heroku.com/articles/deploying-nodejs\n", None),
])
def test_self_hosted_software_is_told_by_its_own_words(package_json: dict[str, object],
                                                       readme: str | None,
                                                       expected: str | None) -> None:
    files = {"README.md": readme.encode()} if readme is not None else {}
    assert self_hosted(package_json, files.get) == expected


@pytest.mark.parametrize(("app_json", "expected"), [
    # A Deploy button's manifest describes the repository: each press deploys a reader's copy.
    ({"name": "Notes", "repository": "https://example.org/notes", "success_url": "/",
      "env": {"SESSION_SECRET": {"required": False}}}, True),
    ({"name": "Notes", "logo": "https://example.org/logo.png", "addons": ["heroku-postgresql"]},
     True),
    # A team's own app (review apps, Heroku CI): no repository, no logo.
    ({"name": "orders", "formation": {"web": {"quantity": 1}}, "addons": ["heroku-redis"]},
     False),
    # Not Heroku's manifest at all.
    ({"expo": {"name": "mobile"}, "repository": "https://example.org/mobile"}, False),
])
def test_a_heroku_button_manifest_says_readers_deploy_it(app_json: dict[str, object],
                                                         expected: bool) -> None:
    files = {"app.json": json.dumps(app_json).encode()}
    said = self_hosted({}, files.get)
    assert (said == "deployed by its readers (app.json: a Heroku Button manifest, which deploys "
            "a copy of the repository for whoever presses it)") == expected, said


VULNERABLE_APP = """\
const express = require('express');
const app = express();
app.get('/search', (req, res) => {
  db.query("SELECT * FROM products WHERE name LIKE '%" + req.query.q + "%'");
  res.json([]);
});
app.listen(3000);
"""


@pytest.mark.parametrize(("files", "said"), [
    ({"SECURITY.md": "# Security\n\nThis is an _intentionally vulnerable_ web application.\n"},
     '"intentionally vulnerable web application" in SECURITY.md'),
    ({"README.md": "# Goat\n\nA deliberately insecure Node.js app, vulnerable by design.\n"},
     '"deliberately insecure Node.js app" in README.md'),
    # a "Damn Vulnerable … Application" title, as the project's description or README heading
    ({"package.json": '{"name": "goat", "description": "Damn Vulnerable Express Application",'
                      ' "dependencies": {"express": "^4"}}'},
     '"Damn Vulnerable Express Application" in package.json description'),
    ({"README.md": "# Damn Vulnerable Shop App (DVSA)\n\nLearn to find and fix bugs.\n"},
     '"Damn Vulnerable Shop App (DVSA)" in README.md\'s first heading'),
])
def test_an_app_vulnerable_on_purpose_gets_findings_without_fixes(
        tmp_path: Path, files: dict[str, str], said: str) -> None:
    write_tree(tmp_path, {"package.json": '{"name": "goat", "dependencies": {"express": "^4"}}',
                          "app.js": VULNERABLE_APP, **files})
    result = check(tmp_path)
    assert result.findings and all(f.fix is None for f in result.findings)
    assert any(said in note for note in result.notes), result.notes
    # The same app that says nothing of the kind gets its fixes, even when its README names a
    # training target (that is not the project saying what it is).
    plain = tmp_path / "plain"
    write_tree(plain, {"package.json": '{"name": "shop", "dependencies": {"express": "^4"}}',
                       "app.js": VULNERABLE_APP,
                       "README.md": "# waf\n\nReplays attacks against DVWA (Damn Vulnerable Web "
                                    "Application).\n\n## Testing\n\nRun it against an "
                                    "intentionally vulnerable web application.\n",
                       "SECURITY.md": "Report vulnerabilities to security@example.com.\n"})
    assert any(f.fix is not None for f in check(plain).findings)


@pytest.mark.parametrize(("package_json", "readme", "expected"), [
    ('{"name": "damn-vulnerable-api-app"}', None, '"damn-vulnerable-api-app" in package.json name'),
    ('{"description": "DVXA - Damn Vulnerable XML App"}', None,
     '"DVXA - Damn Vulnerable XML App" in package.json description'),
    # a tool for a training target, or a mention of one, is not one
    ('{"description": "Damn Vulnerable Web App scanner"}', None, None),
    ('{"description": "Replays attacks against the Damn Vulnerable Web Application"}', None,
     None),
    ("{}", "# Damn Vulnerable Web App tests\n\nOur WAF rules.\n", None),
    ("{}", "# waf\n\nDamn Vulnerable Web Application (DVWA) is our test target.\n", None),
    ("{}", "Damn Vulnerable Web Application (DVWA) is our test target.\nMore.\n", None),
    ("not json", "# Damn Vulnerable Chat App\n", '"Damn Vulnerable Chat App" in README.md\'s first'
     " heading"),
])
def test_a_damn_vulnerable_title_counts_only_as_the_projects_own_name(
        package_json: str, readme: str | None, expected: str | None) -> None:
    files = {"package.json": package_json.encode()}
    if readme is not None:
        files["README.md"] = readme.encode()
    assert vulnerable_by_design(files.get) == expected


TOOL = {"name": "kv-browser", "version": "1.2.0", "bin": {"kv-browser": "bin/cli.js"}}


@pytest.mark.parametrize(("package_json", "readme", "expected"), [
    (TOOL, "# kv-browser\n\nA web UI.\n\n```\n$ npm install -g kv-browser\n```\n",
     "installed by its users (package.json bin; README.md: npm install -g kv-browser)"),
    (TOOL, "Run `npm i -g kv-browser@latest`, then `kv-browser --port 8081`.\n",
     "installed by its users (package.json bin; README.md: npm i -g kv-browser@latest)"),
    (TOOL, "Try it: npx kv-browser\n",
     "installed by its users (package.json bin; README.md: npx kv-browser)"),
    ({**TOOL, "name": "@acme/kv"}, "yarn global add @acme/kv\n",
     "installed by its users (package.json bin; README.md: yarn global add @acme/kv)"),
    # another package, a local install, no bin, a private package: not a tool users install
    (TOOL, "npx kv-browser-setup\n", None),
    (TOOL, "npm install -g pm2 && pm2 start app.js\n", None),
    (TOOL, "npm install kv-browser\n", None),
    ({k: v for k, v in TOOL.items() if k != "bin"}, "npm install -g kv-browser\n", None),
    ({**TOOL, "private": True}, "npm install -g kv-browser\n", None),
    (TOOL, None, None),
])
def test_a_command_its_readme_installs_globally_is_self_hosted(
        package_json: dict[str, object], readme: str | None, expected: str | None) -> None:
    files = {"README.md": readme.encode()} if readme is not None else {}
    assert self_hosted(package_json, files.get) == expected


def test_security_txt_skips_a_tool_users_install_even_with_a_pm2_file(tmp_path: Path) -> None:
    # A pm2 file in a tool's repository is for the users who run it, not the maintainers' site.
    pj = json.dumps({**TOOL, "dependencies": {"express": "^4"}})
    root = write_tree(tmp_path / "p", {"package.json": pj, "app.js": APP,
                                       "ecosystem.config.js": "module.exports = {apps: []};\n",
                                       "README.md": "# kv\n\nnpm install -g kv-browser\n"})
    assert check(root, select=["security-txt"]).findings == []
    write_tree(root, {"README.md": "# kv\n\nClone and run `npm start`.\n"})
    [finding] = check(root, select=["security-txt"]).findings
    assert "pm2 ecosystem file" in finding.message


def test_a_security_policy_of_supported_versions_says_users_run_releases(tmp_path: Path
                                                                          ) -> None:
    # YoutubeDL-Material: a pm2 file and a Dockerfile, and a SECURITY.md whose versions
    # table says which releases get fixes: software its users run, whose channel for reports
    # is that policy (GitHub issues), not a site of the maintainers.
    policy = ("# Security Policy\n\n## Supported Versions\n\n| Version | Supported |\n"
              "| --- | --- |\n| 4.3 | yes |\n\n## Reporting a Vulnerability\n\n"
              "Please file an issue.\n")
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS_PJ, "app.js": APP,
                                       "ecosystem.config.js": "module.exports = {apps: []};\n",
                                       "SECURITY.md": policy})
    assert self_hosted({}, lambda rel: (root / rel).read_bytes()
                       if (root / rel).is_file() else None, str(root)) == (
        "software its users run (SECURITY.md: the versions that get security fixes)")
    assert check(root, select=["security-txt"]).findings == []
    write_tree(root, {"SECURITY.md": policy.replace("Supported Versions", "Scope")})
    [finding] = check(root, select=["security-txt"]).findings
    assert "pm2 ecosystem file" in finding.message


def test_a_package_of_a_repository_is_described_by_the_repositorys_readme(tmp_path: Path
                                                                          ) -> None:
    # The app in backend/ of a repository whose top README calls it self-hosted.
    import subprocess

    write_tree(tmp_path, {"README.md": "# Tube\n\nA self-hosted video library.\n"})
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    root = write_tree(tmp_path / "backend", {
        "package.json": EXPRESS_PJ, "app.js": APP,
        "ecosystem.config.js": "module.exports = {apps: []};\n"})
    assert check(root, select=["security-txt"]).findings == []
    # Outside git, a folder above the project is not its.
    (tmp_path / ".git").rename(tmp_path / "git-was")
    [finding] = check(root, select=["security-txt"]).findings
    assert "pm2 ecosystem file" in finding.message
