"""dockerfile-user: a compose service that runs a prebuilt image of the project (CI builds it
from the Dockerfile and pushes it; the service has ``image:``, no ``build:``) is taken for this
image when a named volume it mounts lies in a folder the image gives the app (its WORKDIR, a
VOLUME, a folder it makes). Such a volume makes the fix unsafe, and the fix makes the folder and
chowns it before USER: Docker copies the owner of the image's folder to a new, empty named
volume, and leaves the volume root's when the image has no such folder. Services of other
images (a database's data folder, an official image) are not taken for it."""

from __future__ import annotations

from nodeharden import check

DOCKERFILE = """\
FROM node:22-alpine
WORKDIR /srv/ledger
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
"""


def _fix(project, compose: str, dockerfile: str = DOCKERFILE):
    root = project({"package.json": '{"name": "l", "dependencies": {"express": "^4.21.0"}}',
                    "server.js": "require('express')().listen(3000);\n",
                    "Dockerfile": dockerfile, "docker-compose.yml": compose})
    [finding] = check(root, select=["dockerfile-user"]).findings
    assert finding.fix is not None
    return finding.fix


def _text(fix) -> str:
    return " ".join(edit.content for change in fix.changes for edit in change.edits)


def test_a_prebuilt_image_with_a_volume_in_the_workdir_is_this_image(project) -> None:
    fix = _fix(project, """\
services:
  ledger:
    image: registry.example.test/acme/ledger:2
    volumes:
      - ledger_keys:/srv/ledger/keys
      - ./settings.json:/srv/ledger/settings.json:ro
  ledger-db:
    image: acme/ledger-db:2
    volumes:
      - db_data:/var/lib/postgresql/data
volumes:
  ledger_keys:
  db_data:
""")
    assert fix.applicability == "unsafe"
    assert "docker-compose.yml (its service `ledger` runs `registry.example.test/acme/ledger:2`" \
        ", taken for this image" in fix.title
    assert "mounts the named volume `ledger_keys` at /srv/ledger/keys;" in fix.title
    assert "docker compose run --rm --user root ledger chown -R node:node /srv/ledger/keys" \
        in fix.title
    assert "db_data" not in fix.title and "(and 1 more)" not in fix.title
    # a new volume takes the owner of the image's folder: the fix makes it and chowns it (the
    # WORKDIR stays root's: no code of the app writes there)
    assert " && mkdir -p /srv/ledger/keys && chown node:node /srv/ledger/keys " in _text(fix)


def test_services_of_other_images_are_not_this_image(project) -> None:
    # A database's data folder, an official image (even with a volume in the same folder: the
    # stock node image running the source in development), a read-only volume, and a folder
    # too general to tell (/opt) leave the fix as it was.
    fix = _fix(project, """\
services:
  db:
    image: acme/ledger-db:2
    volumes:
      - db_data:/var/lib/postgresql/data
  cache:
    image: redis:7
    volumes:
      - cache_data:/data
  dev:
    image: node:22-alpine
    working_dir: /srv/ledger
    volumes:
      - .:/srv/ledger
      - dev_modules:/srv/ledger/node_modules
  reports:
    image: docker.io/library/node:22
    volumes:
      - reports:/srv/ledger/reports
  viewer:
    image: acme/ledger-viewer:2
    volumes:
      - viewer_keys:/srv/ledger/keys:ro
      - plugins:/opt/plugins
volumes:
  db_data:
  cache_data:
  dev_modules:
  reports:
  viewer_keys:
  plugins:
""")
    assert fix.applicability == "safe", fix.title
    assert "named volume" not in fix.title
    assert "mkdir" not in _text(fix)


def test_a_general_workdir_does_not_claim_other_services(project) -> None:
    fix = _fix(project, """\
services:
  tool:
    image: acme/other-tool:1
    volumes:
      - tool_state:/opt/other-tool
volumes:
  tool_state:
""", dockerfile=DOCKERFILE.replace("/srv/ledger", "/opt"))
    assert fix.applicability == "safe", fix.title


def test_a_service_built_in_the_base_file_is_matched_by_its_build_only(project) -> None:
    # The base file builds `ledger`; an override names the image it is pushed as. The service
    # is this image's through its build, reported once, without the "taken for" guess.
    root = project({"package.json": '{"name": "l"}', "Dockerfile": DOCKERFILE,
                    "docker-compose.yml": "services:\n  ledger:\n    build: .\n    volumes:\n"
                                          "      - ledger_keys:/srv/ledger/keys\n"
                                          "volumes:\n  ledger_keys:\n",
                    "docker-compose.prod.yml": "services:\n  ledger:\n"
                                               "    image: acme/ledger:2\n"})
    [finding] = check(root, select=["dockerfile-user"]).findings
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert "taken for this image" not in finding.fix.title
    assert "(and 1 more)" not in finding.fix.title


def test_a_built_service_volume_on_a_folder_the_image_lacks_is_made_and_chowned(project) -> None:
    fix = _fix(project, """\
services:
  ledger:
    build: .
    volumes:
      - ledger_keys:/srv/ledger/keys
      - npm_cache:/root/.npm
volumes:
  ledger_keys:
  npm_cache:
""")
    assert fix.applicability == "unsafe"
    text = _text(fix)
    assert " && mkdir -p /srv/ledger/keys && chown node:node /srv/ledger/keys " in text
    assert "/root/.npm" not in text  # root's home stays root's (mode 700 anyway)
