"""rate-limit and security-txt in a repository of several packages: what shows a proxy in front
of an app, or that an app is deployed as a service, counts only for the apps of the package it
belongs to (the nearest package.json's folder), or, outside every package's folder, for the
root's and for the packages it names (``web: cd server && npm start``). A proxy package of its
own that reads X-Forwarded-Proto, or another package's Procfile, says nothing of the daemon
beside it. A Procfile that a package.json script runs with ``nf start``, or whose processes are
nodemon or watch scripts, is a developer's process list, not a platform's (sample 24: umbrel,
yari)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden import check


def package(name: str, **scripts: str) -> str:
    return json.dumps({"name": name, "private": True, "scripts": scripts,
                       "dependencies": {"express": "^4.21.2"}}) + "\n"


DAEMON = """\
    const express = require('express');
    const app = express();
    app.use(express.json());
    app.post('/api/login', (req, res) => res.status(401).json({ error: 'bad credentials' }));
    app.listen(process.env.PORT || 80);
    """

#: A proxy of the repository's own, in front of other apps: it reads X-Forwarded-Proto.
PROXY = """\
    const express = require('express');
    const app = express();
    app.get('/', (req, res) => res.send(req.headers['x-forwarded-proto'] || 'http'));
    app.listen(4000);
    """


def rate_limit(root: Path) -> dict[str, object]:
    report = check(root, select=["rate-limit"])
    assert not report.failed, report.failed
    return {f.path: f for f in report.findings}


def test_a_proxy_package_does_not_put_a_proxy_in_front_of_the_daemon(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {
        "package.json": json.dumps({"name": "appliance", "private": True}) + "\n",
        "packages/daemon/package.json": package("daemon"),
        "packages/daemon/index.js": DAEMON,
        "containers/proxy/package.json": package("proxy"),
        "containers/proxy/index.js": PROXY})
    found = rate_limit(root)
    proxy = found["containers/proxy/index.js"]
    assert proxy.fix is None
    assert ("not fixed: the project shows a reverse proxy in front of the app "
            "(containers/proxy/index.js:3 reads x-forwarded-proto)") in proxy.message
    daemon = found["packages/daemon/index.js"]
    assert "reverse proxy" not in daemon.message
    assert daemon.fix is not None
    assert {c.path for c in daemon.fix.changes} == {"packages/daemon/index.js",
                                                    "packages/daemon/middleware/rate-limit.js"}


def test_another_packages_procfile_says_nothing_of_the_app(tmp_path: Path) -> None:
    # The Procfile deploys the function package (it names no command: a platform runs its
    # start script); the app at the root is not that package's.
    files = {"package.json": package("site"), "server/index.js": DAEMON,
             "function/package.json": package("function", start="node main.js"),
             "function/Procfile": "web: npm start\n"}
    found = rate_limit(write_tree(tmp_path / "repo", files))
    assert found["server/index.js"].fix is not None
    assert "reverse proxy" not in found["server/index.js"].message
    assert check(tmp_path / "repo", select=["security-txt"]).findings == []


@pytest.mark.parametrize("procfile, scripts", [
    ("web: cd server && npm start\n", {}),
    ("web: npm start\n", {"start": "node server/index.js"}),
    ("web: npm run serve\n", {"serve": "npm --prefix server start"}),
])
def test_a_root_procfile_that_runs_the_package_deploys_it(tmp_path: Path, procfile: str,
                                                          scripts: dict[str, str]) -> None:
    root = write_tree(tmp_path / "repo", {
        "package.json": package("shop", **scripts), "Procfile": procfile,
        "server/package.json": package("api", start="node index.js"),
        "server/index.js": DAEMON,
        "client/package.json": json.dumps({"name": "client", "private": True}) + "\n"})
    found = rate_limit(root)["server/index.js"]
    assert found.fix is None
    assert "a reverse proxy in front of the app (Procfile (Heroku-style process types))" \
        in found.message
    [txt] = check(root, select=["security-txt"]).findings
    assert "(deployed as a service: Procfile (Heroku-style process types))" in txt.message


def test_a_root_procfile_that_runs_another_package_does_not(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {
        "package.json": package("shop"), "Procfile": "web: cd admin && npm start\n",
        "server/package.json": package("api"), "server/index.js": DAEMON,
        "admin/package.json": json.dumps({"name": "admin", "private": True}) + "\n"})
    found = rate_limit(root)["server/index.js"]
    assert found.fix is not None and "reverse proxy" not in found.message
    assert check(root, select=["security-txt"]).findings == []


def test_the_only_package_of_a_repository_takes_the_roots_files(tmp_path: Path) -> None:
    # No root package.json: the root's Procfile can deploy nothing but the one package.
    root = write_tree(tmp_path / "repo", {"Procfile": "web: node index.js\n",
                                          "api/package.json": package("api"),
                                          "api/index.js": DAEMON})
    found = rate_limit(root)["api/index.js"]
    assert found.fix is None and "(Procfile (Heroku-style process types))" in found.message


@pytest.mark.parametrize("procfile, scripts", [
    # foreman's Node port runs it: a developer's process list
    ("proxy: npm run proxy\nserver: npm run server\n",
     {"start": "nf start", "proxy": "node proxy.js", "server": "node index.js"}),
    ("web: node index.js\n", {"dev": "foreman start"}),
    ("web: node index.js\n", {"dev": "honcho start -f Procfile"}),
    # the processes restart on file changes
    ("web: nodemon index.js\n", {}),
    ("web: npm run server:watch\n", {"server:watch": "node index.js"}),
    ("proxy: node proxy.js\nserver: npm run watch\n", {"watch": "node index.js"}),
    ("web: npm run serve\n", {"serve": "node --watch index.js"}),
])
def test_a_local_procfile_deploys_nothing(tmp_path: Path, procfile: str,
                                          scripts: dict[str, str]) -> None:
    root = write_tree(tmp_path / "p", {"package.json": package("api", **scripts),
                                       "Procfile": procfile, "index.js": DAEMON})
    found = rate_limit(root)["index.js"]
    assert found.fix is not None and "reverse proxy" not in found.message
    assert check(root, select=["security-txt"]).findings == []


@pytest.mark.parametrize("procfile, scripts", [
    ("web: node index.js\n", {}),
    # foreman runs another file locally; the Procfile is the platform's
    ("web: node index.js\n", {"dev": "nf start -f Procfile.dev"}),
    # a development process beside the web one is not what the platform routes to
    ("web: npm start\nworker: node jobs.js\n", {"start": "node index.js"}),
])
def test_a_platform_procfile_still_deploys(tmp_path: Path, procfile: str,
                                           scripts: dict[str, str]) -> None:
    root = write_tree(tmp_path / "p", {"package.json": package("api", **scripts),
                                       "Procfile": procfile, "index.js": DAEMON})
    found = rate_limit(root)["index.js"]
    assert found.fix is None and "(Procfile (Heroku-style process types))" in found.message
    [txt] = check(root, select=["security-txt"]).findings
    assert "(deployed as a service: Procfile (Heroku-style process types))" in txt.message


def test_a_root_compose_file_counts_for_the_package_it_builds(tmp_path: Path) -> None:
    compose = """\
        services:
          web:
            image: nginx:1.27
            ports: ["80:80"]
          api:
            build: ./server
        """
    root = write_tree(tmp_path / "repo", {
        "package.json": package("shop"), "docker-compose.yml": compose,
        "server/package.json": package("api"), "server/index.js": DAEMON,
        "admin/package.json": package("admin"), "admin/index.js": DAEMON})
    found = rate_limit(root)
    assert found["server/index.js"].fix is None
    assert "(docker-compose.yml (a web service in front of the app))" \
        in found["server/index.js"].message
    assert found["admin/index.js"].fix is not None
    assert "reverse proxy" not in found["admin/index.js"].message
