"""rate-limit on a folder below the top of its git repository whose deploy files live beside it
(``server/`` scanned, ``deploy/`` holding the compose file and the nginx configuration): the
proxy in front of the app is found there too, so the finding stays without a fix and names the
file as seen from the scanned folder (``../deploy/nginx/default.conf``). Outside the folder a
proxy may front another app of the repository, so only a file tied to this one counts: a
compose service built from (or mounting) the folder, or an upstream that is such a service or
a port the app listens on (sample 21: checkmate)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from nodeharden import check

from conftest import write_tree

PACKAGE = '{"name": "api", "dependencies": {"express": "^4.21.2"}}\n'

APP = """\
    const express = require('express');

    const PORT = process.env.PORT || 5000;
    const app = express();
    app.use(express.json());
    app.post('/api/login', (req, res) => res.status(401).json({ error: 'bad credentials' }));
    app.get('/api/items', (req, res) => res.json([]));
    app.listen(LISTEN);
    """

#: nginx in front of ``upstream``, in the compose file's ``nginx/`` folder.
NGINX = """\
    server {{
      listen 80;
      location /api/ {{
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_pass http://{upstream}/api/;
      }}
    }}
    """

COMPOSE_BUILT_HERE = """\
    services:
      web:
        image: nginx:1.27
        ports: ["80:80"]
        volumes: ["./nginx:/etc/nginx/conf.d:ro"]
      server:
        build: ../server
    """

#: The front end's image runs nginx; the API's image is built by a script: nothing in the
#: compose file says which folder either comes from.
COMPOSE_IMAGES = """\
    services:
      client:
        image: shop_client:latest
        ports: ["80:80"]
        volumes: ["./nginx:/etc/nginx/conf.d:ro"]
      api:
        image: shop_api:latest
    """


def repository(tmp_path: Path, files: dict[str, str], *, listen: str = "PORT",
               git: bool = True) -> Path:
    """Write a repository with the app in ``server/`` and ``files`` beside it; return the
    app's folder (the one scanned)."""
    top = write_tree(tmp_path / "repo", {"server/package.json": PACKAGE,
                                         "server/index.js": APP.replace("LISTEN", listen), **files})
    if git:
        subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top / "server"


def finding(root: Path):
    report = check(root, select=["rate-limit"])
    assert not report.failed, report.failed
    assert len(report.findings) == 1, report.findings
    return report.findings[0]


def assert_behind(found, evidence: str) -> None:
    assert found.fix is None
    assert ("; not fixed: the repository shows a reverse proxy in front of the app "
            f"({evidence}) and does not set `trust proxy`, so req.ip is the proxy's address"
            ) in found.message
    assert "first set app.set('trust proxy', N)" in found.message


def test_a_compose_service_built_from_the_folder_behind_nginx(tmp_path: Path) -> None:
    root = repository(tmp_path, {
        "deploy/docker-compose.yaml": COMPOSE_BUILT_HERE,
        "deploy/nginx/default.conf": NGINX.format(upstream="server:5000")})
    assert_behind(finding(root), "../deploy/docker-compose.yaml (a web service in front of the "
                                 "app's server service)")


def test_nginx_passing_to_the_port_the_app_listens_on(tmp_path: Path) -> None:
    root = repository(tmp_path, {
        "Docker/prod/docker-compose.yaml": COMPOSE_IMAGES,
        "Docker/prod/nginx/conf.d/default.conf": NGINX.format(upstream="api:5000")})
    assert_behind(finding(root), "../Docker/prod/nginx/conf.d/default.conf (a reverse proxy "
                                 "passing requests to api:5000: the app listens on port 5000)")


def test_nginx_passing_to_the_compose_service_of_the_folder(tmp_path: Path) -> None:
    # The port comes from the environment only: the service's name ties nginx to the app. The
    # nginx image is built from its own folder, which the name does not say is a proxy.
    compose = """\
        services:
          edge:
            build: ./edge
            ports: ["80:80"]
          backend:
            build:
              context: ..
              dockerfile: server/Dockerfile
        """
    root = repository(tmp_path, {
        "ops/compose.yml": compose,
        "ops/edge/Dockerfile": "FROM nginx:1.27\nCOPY app.conf /etc/nginx/conf.d/\n",
        "ops/edge/app.conf": NGINX.format(upstream="backend:8080").replace("/api/;", ";"),
        "server/Dockerfile": "FROM node:20\nCOPY server/ .\nCMD [\"node\", \"index.js\"]\n"},
        listen="process.env.PORT")
    assert_behind(finding(root), "../ops/edge/app.conf (a reverse proxy passing requests to "
                                 "backend:8080: backend is the compose service of the app)")


@pytest.mark.parametrize("copied,behind", [("./server/", True), ("./admin/", False)])
def test_an_image_built_from_the_top_that_copies_the_folder(tmp_path: Path, copied: str,
                                                            behind: bool) -> None:
    # The build context is the repository's top: the Dockerfile's COPY says which folder the
    # image runs. Copying another folder says nothing either way (no port to compare here).
    compose = """\
        services:
          web:
            image: nginx:1.27
            volumes: ["./nginx:/etc/nginx/conf.d:ro"]
          server:
            build:
              context: ..
              dockerfile: deploy/server.Dockerfile
        """
    root = repository(tmp_path, {
        "deploy/compose.yaml": compose,
        "deploy/server.Dockerfile": f"FROM node:20\nWORKDIR /app\nCOPY {copied} ./\n",
        "deploy/nginx/default.conf": NGINX.format(upstream="server:8080")},
        listen="process.env.PORT")
    found = finding(root)
    if behind:
        assert_behind(found, "../deploy/compose.yaml (a web service in front of the app's "
                             "server service)")
    else:
        assert found.fix is not None and "repository shows" not in found.message


@pytest.mark.parametrize("files,evidence", [
    ({"Caddyfile": "shop.example {\n  reverse_proxy /api/* localhost:5000\n}\n"},
     "../Caddyfile (a reverse proxy passing requests to localhost:5000: the app listens on port "
     "5000)"),
    ({"k8s/ingress.yaml": """\
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
        spec:
          rules:
            - http:
                paths:
                  - path: /api
                    pathType: Prefix
                    backend:
                      service:
                        name: shop-api
                        port:
                          number: 5000
        """},
     "../k8s/ingress.yaml (a Kubernetes Ingress routing to shop-api:5000: the app listens on "
     "port 5000)"),
    ({"compose.yaml": """\
        services:
          api:
            build: ./server
            labels:
              - traefik.http.routers.api.rule=Host(`shop.example`)
        """},
     "../compose.yaml (Traefik labels on the app's api service)"),
    # An override file that compose merges over the base one puts nginx in front.
    ({"deploy/compose.yaml": "services:\n  api:\n    build: ../server\n",
      "deploy/compose.prod.yaml": "services:\n  web:\n    image: nginx:1.27\n"
                                  "  api:\n    restart: always\n"},
     "../deploy/compose.prod.yaml (a web service in front of the app's api service)"),
    ({"deploy/compose.yaml": """\
        services:
          proxy:
            image: caddy:2
          api:
            image: node:20
            working_dir: /srv
            volumes:
              - type: bind
                source: ../server
                target: /srv
        """},
     "../deploy/compose.yaml (a proxy service in front of the app's api service)"),
])
def test_other_proxies_tied_to_the_app(tmp_path: Path, files: dict, evidence: str) -> None:
    assert_behind(finding(repository(tmp_path, files)), evidence)


@pytest.mark.parametrize("files", [
    # Another app of the repository behind its own proxy (another port).
    {"admin/nginx.conf": NGINX.format(upstream="admin:4000")},
    # The same port, on a compose service built from another folder.
    {"deploy/compose.yaml": "services:\n  web:\n    image: nginx\n  admin:\n    build: ../admin\n",
     "deploy/nginx/default.conf": NGINX.format(upstream="admin:5000")},
    # A proxy beside another folder's service only.
    {"admin/compose.yaml": "services:\n  web:\n    image: nginx\n  admin:\n    build: .\n"},
    # Development and test files, dependencies: not the deployment's.
    {"deploy/docker-compose.dev.yml": COMPOSE_BUILT_HERE,
     "test/nginx.conf": NGINX.format(upstream="server:5000"),
     "node_modules/proxy/nginx.conf": NGINX.format(upstream="server:5000")},
    # Too deep below the top of the repository.
    {"a/b/c/d/e/nginx.conf": NGINX.format(upstream="server:5000")},
])
def test_an_unrelated_proxy_keeps_the_fix(tmp_path: Path, files: dict) -> None:
    found = finding(repository(tmp_path, files))
    assert found.fix is not None and found.fix.applicability == "unsafe"
    assert "repository shows" not in found.message
    # The fix never decides what the app trusts (the module only mentions it in a comment).
    assert not any(re.search(r"\.(?:set|enable)\(\s*['\"]trust proxy", edit.content)
                   for change in found.fix.changes for edit in change.edits)


def test_outside_git_the_folder_alone_is_read(tmp_path: Path) -> None:
    root = repository(tmp_path, {
        "deploy/docker-compose.yaml": COMPOSE_BUILT_HERE,
        "deploy/nginx/default.conf": NGINX.format(upstream="server:5000")}, git=False)
    found = finding(root)
    assert found.fix is not None and "repository shows" not in found.message


def test_a_proxy_inside_the_folder_is_named_first(tmp_path: Path) -> None:
    root = repository(tmp_path, {
        "server/nginx.conf": NGINX.format(upstream="127.0.0.1:5000"),
        "deploy/docker-compose.yaml": COMPOSE_BUILT_HERE})
    found = finding(root)
    assert found.fix is None
    assert ("the project shows a reverse proxy in front of the app (nginx.conf (a reverse proxy "
            "passing requests to the app))") in found.message


def test_a_right_most_forwarded_key_behind_the_repository_proxy(tmp_path: Path) -> None:
    # Behind the nginx of deploy/, which appends to X-Forwarded-For, the right-most entry is
    # the proxy's to write: no client chooses the key.
    app = """\
        const express = require('express');
        const rateLimit = require('express-rate-limit');

        const app = express();
        app.use(rateLimit({
          windowMs: 60000,
          max: 100,
          keyGenerator: (req) => String(req.headers['x-forwarded-for']).split(',').pop().trim(),
        }));
        app.get('/api/items', (req, res) => res.json([]));
        app.listen(5000);
        """
    root = repository(tmp_path, {
        "server/index.js": app,
        "deploy/docker-compose.yaml": COMPOSE_IMAGES,
        "deploy/nginx/default.conf": NGINX.format(upstream="api:5000")})
    assert check(root, select=["rate-limit"]).findings == []
    (root.parent / "deploy" / "nginx" / "default.conf").unlink()
    assert len(check(root, select=["rate-limit"]).findings) == 1
