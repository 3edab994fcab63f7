"""dockerfile-user: report without a fix when root is the image's own need or the author's
choice. A project that runs its image with a host device (``docker run --device``,
``--privileged``, a ``/dev/…`` volume, compose ``devices:`` / ``privileged: true``) needs root to
open the device node, whose host owner and mode the container keeps; that holds for every
Dockerfile building the same image (same final WORKDIR and start command). A final stage whose
author wrote ``USER root`` (or ``USER 0``) chose root: reported, not rewritten."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = ('{"name": "hub", "dependencies": {"express": "^4.21.0"}, "scripts": '
           '{"image": "docker build -f docker/Dockerfile -t acme/hub:latest ."}}')
SERVER = "require('express')().listen(8080);\n"
ALPINE = ('FROM node:20-alpine\nWORKDIR /opt/hub\nCOPY . .\nRUN npm ci --omit=dev\n'
          'CMD ["node", "main.js"]\n')
DEBIAN = ('FROM node:20-bookworm-slim\nWORKDIR /opt/hub\nCOPY . .\nRUN npm ci --omit=dev\n'
          'CMD ["node", "main.js"]\n')


def _findings(project, files: dict[str, str]) -> dict[str, object]:
    root = project({"package.json": PACKAGE, "main.js": SERVER, **files})
    return {f.path: f for f in check(root, select=["dockerfile-user"]).findings}


def _guide(option: str, image: str = "acme/hub:latest") -> str:
    return ("# Running\n\n```sh\ndocker run -d -p 8080:8080 \\\n"
            f"  {option} \\\n  {image}\n```\n")


@pytest.mark.parametrize("option, shown", [
    ("--device=/dev/ttyACM0:/dev/radio", "`--device=/dev/ttyACM0:/dev/radio`"),
    ("--device /dev/ttyUSB1", "`--device=/dev/ttyUSB1`"),
    ("--privileged", "`--privileged`"),
    ("-v /dev/bus/usb:/dev/bus/usb", "the host device `/dev/bus/usb`"),
])
def test_a_documented_device_leaves_every_build_of_the_image_unfixed(project, option,
                                                                     shown) -> None:
    found = _findings(project, {"docker/Dockerfile": ALPINE, "docker/Dockerfile.debian": DEBIAN,
                                "docs/running.md": _guide(option)})
    assert set(found) == {"docker/Dockerfile", "docker/Dockerfile.debian"}
    for finding in found.values():
        assert finding.fix is None
        assert "not fixed: docs/running.md:4 " in finding.message and shown in finding.message
        assert "root:dialout" in finding.message and "group_add" in finding.message


def test_a_compose_device_on_the_published_image_counts_without_a_build_key(project) -> None:
    compose = ("services:\n  hub:\n    image: acme/hub:latest\n    devices:\n"
               "      - /dev/ttyUSB0:/dev/radio\n    ports:\n      - 8080:8080\n")
    found = _findings(project, {"docker/Dockerfile": ALPINE, "docker/Dockerfile.debian": DEBIAN,
                                "docker/docker-compose.yml": compose})
    for finding in found.values():
        assert finding.fix is None
        assert ("docker/docker-compose.yml (service `hub`) maps the host device `/dev/ttyUSB0`"
                in finding.message)


def test_a_privileged_compose_service_that_builds_the_image_counts(project) -> None:
    compose = "services:\n  hub:\n    build: .\n    privileged: true\n"
    [finding] = _findings(project, {"Dockerfile": ALPINE, "compose.yaml": compose}).values()
    assert finding.fix is None
    assert "compose.yaml (service `hub`) runs it privileged" in finding.message


def test_devices_of_another_image_or_another_app_keep_the_fix(project) -> None:
    # The broker beside the app gets the serial port; the app's own service does not.
    compose = ("services:\n  broker:\n    image: eclipse-mosquitto:2\n    devices:\n"
               "      - /dev/ttyUSB0:/dev/ttyUSB0\n  hub:\n    image: acme/hub:latest\n")
    worker = ('FROM node:20-alpine\nWORKDIR /opt/worker\nCOPY . .\n'
              'CMD ["node", "worker.js"]\n')
    found = _findings(project, {"docker/Dockerfile": ALPINE, "docker/Dockerfile.worker": worker,
                                "docker/docker-compose.yml": compose,
                                "docs/running.md": _guide("--device=/dev/ttyACM0")})
    assert found["docker/Dockerfile"].fix is None  # its own documented run has the device
    assert found["docker/Dockerfile.worker"].fix is not None  # another image, another start


def test_without_a_device_the_fix_stays(project) -> None:
    found = _findings(project, {"docker/Dockerfile": ALPINE, "docker/Dockerfile.debian": DEBIAN,
                                "docs/running.md": _guide("-e TZ=Europe/Oslo")})
    assert all(f.fix is not None for f in found.values())


@pytest.mark.parametrize("line", ["USER root", "USER 0", "USER root:root"])
def test_an_explicit_root_user_is_reported_without_a_fix(project, line) -> None:
    dockerfile = ('FROM node:20-alpine\nWORKDIR /opt/hub\nCOPY . .\n'
                  f'RUN npm ci --omit=dev\n{line}\nCMD ["node", "main.js"]\n')
    [finding] = _findings(project, {"Dockerfile": dockerfile}).values()
    assert finding.fix is None
    assert finding.message.startswith(f"the final stage sets `{line}` (line 5), so the app runs "
                                      "as root; not fixed: that line is the author's")


def test_no_user_line_keeps_the_fix(project) -> None:
    [finding] = _findings(project, {"Dockerfile": ALPINE}).values()
    assert finding.fix is not None and finding.fix.applicability == "safe"
