"""dockerfile-user: a Dockerfile whose image is a GitHub Action's runtime.

GitHub documents that a Docker action must run as the default user, root: the runner mounts
its workspace and files owned by the runner into the container, and the action writes there. A
composite action that `docker build`s its own Dockerfile and `docker run`s it with the runner's
folders bound in (an output folder made with `sudo mkdir`) is the same. A USER line breaks such
an action, so the image is not reported. node-env still judges the image (the same image may
serve a web app under another entrypoint)."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "cards", "dependencies": {"express": "^4.21.0"}}'
SERVER = "require('express')().listen(3000);\n"
IMAGE = ('FROM node:20-bookworm-slim\nCOPY . /cards\nWORKDIR /cards\n'
         'RUN npm ci && npm run build\nENTRYPOINT node /cards/action/index.mjs\n')
DOCKER_ACTION = ("name: cards\ndescription: render cards\n"
                 "runs:\n  using: docker\n  image: {image}\n")
#: A composite action that names its folder through the step's env, builds inside an `if` and
#: runs the image with a root-owned output folder bound in.
COMPOSITE_ACTION = """\
name: cards
description: render cards
runs:
  using: composite
  steps:
    - run: |
        cd $CARDS_PATH
        sudo mkdir -p /cards_out
        if ! docker image inspect cards:local; then
          docker build -t cards:local .
        fi
        docker run --rm --volume /cards_out:/out cards:local
      shell: bash
      env:
        CARDS_PATH: ${{ github.action_path }}
"""


def _findings(project, files: dict[str, str], rules: tuple[str, ...] = ("dockerfile-user",),
              root: str = ""):
    top = project({"package.json": PACKAGE, "server.js": SERVER, **files})
    result = check(top / root if root else top, select=list(rules))
    return {(f.rule, f.path): f for f in result.findings}


@pytest.mark.parametrize("image", ["Dockerfile", "./Dockerfile", "'Dockerfile'"])
def test_a_docker_action_image_gets_no_finding(project, image: str) -> None:
    found = _findings(project, {"Dockerfile": IMAGE,
                                "action.yml": DOCKER_ACTION.format(image=image)})
    assert found == {}


def test_node_env_still_judges_an_action_image(project) -> None:
    found = _findings(project, {"Dockerfile": IMAGE,
                                "action.yml": DOCKER_ACTION.format(image="Dockerfile")},
                      rules=("dockerfile-user", "node-env"))
    assert list(found) == [("node-env", "Dockerfile")]


def test_a_docker_action_names_a_dockerfile_in_a_subfolder(project) -> None:
    found = _findings(project, {"docker/Dockerfile": IMAGE,
                                "action.yaml": DOCKER_ACTION.format(image="docker/Dockerfile")})
    assert found == {}


def test_an_action_at_the_top_of_the_repository_above_the_project(project) -> None:
    found = _findings(project, {".git/HEAD": "ref: refs/heads/main\n",
                                "server/package.json": PACKAGE, "server/server.js": SERVER,
                                "server/Dockerfile": IMAGE,
                                "action.yml": DOCKER_ACTION.format(image="server/Dockerfile")},
                      root="server")
    assert found == {}


def test_a_composite_action_that_builds_its_own_dockerfile(project) -> None:
    found = _findings(project, {"Dockerfile": IMAGE, "action.yml": COMPOSITE_ACTION})
    assert found == {}


@pytest.mark.parametrize("step", [
    # the step runs in the action's folder and names the Dockerfile from there
    "    - run: docker build -f docker/Dockerfile -t cards . && docker run cards\n"
    "      shell: bash\n      working-directory: ${{ github.action_path }}\n",
    # the script names the action's folder through a variable of its own
    "    - run: |\n        DIR=\"$GITHUB_ACTION_PATH\"\n"
    "        docker build --file \"$DIR/docker/Dockerfile\" -t cards \"$DIR\"\n"
    "      shell: bash\n",
])
def test_a_composite_action_builds_a_dockerfile_in_a_subfolder(project, step: str) -> None:
    action = ("name: cards\ndescription: render cards\nruns:\n  using: composite\n  steps:\n"
              + step)
    found = _findings(project, {"docker/Dockerfile": IMAGE, "action.yml": action})
    assert found == {}


def test_a_build_from_the_workspace_builds_the_callers_repository(project) -> None:
    # Without a `cd` to the action's folder, `.` is the workspace: the caller's checkout, whose
    # Dockerfile is not this one. This one is still an app image and keeps its fix.
    action = COMPOSITE_ACTION.replace("cd $CARDS_PATH\n", "")
    found = _findings(project, {"Dockerfile": IMAGE, "action.yml": action})
    assert found[("dockerfile-user", "Dockerfile")].fix is not None


@pytest.mark.parametrize("action", [
    DOCKER_ACTION.format(image="docker://ghcr.io/acme/cards:1"),  # a prebuilt image
    DOCKER_ACTION.format(image="tools/Dockerfile"),  # another Dockerfile of the repository
    "name: cards\ndescription: render cards\nruns:\n  using: node20\n  main: index.js\n",
])
def test_an_action_that_does_not_run_this_image(project, action: str) -> None:
    found = _findings(project, {"Dockerfile": IMAGE, "action.yml": action})
    finding = found[("dockerfile-user", "Dockerfile")]
    assert finding.message == "the final stage has no USER instruction, so the app runs as root"
    assert finding.fix is not None
