"""dockerfile-user: the Docker-socket skip reads only the runs of this Dockerfile's own images.

Two Dockerfiles of one app (same WORKDIR and start command) may be two different products: a
plain image and an "integration" image that users run with the host's Docker socket. The
socket run makes the integration image root on the host whatever its USER, so that image is
not reported; the plain image, never run with the socket, still is, and its fix carries no
note about the other image's socket."""

from __future__ import annotations

from nodeharden import check

PACKAGE = ('{"name": "relay", "dependencies": {"express": "^4.21.0"}, "scripts": {'
           '"build": "docker build -t corp/relay .", '
           '"build:host": "docker build -f Dockerfile.host -t corp/relay-host ."}}')
SERVER = "require('express')().listen(4000);\n"
SLIM = ('FROM node:22-alpine\nWORKDIR /srv/relay\nCOPY package*.json ./\n'
        'RUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "server.js"]\n')
HOST = ('FROM node:22-bookworm-slim\nWORKDIR /srv/relay\nCOPY package*.json ./\n'
        'RUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "server.js"]\n')
GUIDE = ("# relay\n\nPlain:\n\n    docker run -p 4000:4000 corp/relay\n\n"
         "Driving the host's containers:\n\n"
         "    docker run -p 4000:4000 -v /var/run/docker.sock:/var/run/docker.sock "
         "corp/relay-host\n")


def _findings(project, files: dict[str, str]):
    root = project({"package.json": PACKAGE, "server.js": SERVER, **files})
    return {f.path: f for f in check(root, select=["dockerfile-user"]).findings}


def test_a_siblings_socket_run_does_not_silence_this_image(project) -> None:
    found = _findings(project, {"Dockerfile": SLIM, "Dockerfile.host": HOST,
                                "README.md": GUIDE})
    assert set(found) == {"Dockerfile"}  # Dockerfile.host: run with the socket, skipped
    fix = found["Dockerfile"].fix
    assert fix is not None and "docker.sock" not in fix.title


def test_the_images_own_socket_run_still_skips_it(project) -> None:
    guide = GUIDE.replace("corp/relay\n", "-v /run/docker.sock:/var/run/docker.sock "
                                          "corp/relay\n", 1)
    found = _findings(project, {"Dockerfile": SLIM, "Dockerfile.host": HOST,
                                "README.md": guide})
    assert found == {}


def test_a_device_run_of_the_sibling_still_leaves_both_unfixed(project) -> None:
    guide = GUIDE.replace("-v /var/run/docker.sock:/var/run/docker.sock", "--device /dev/ttyS1")
    found = _findings(project, {"Dockerfile": SLIM, "Dockerfile.host": HOST,
                                "README.md": guide})
    assert set(found) == {"Dockerfile", "Dockerfile.host"}
    assert all(f.fix is None and "--device=/dev/ttyS1" in f.message for f in found.values())
