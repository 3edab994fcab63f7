"""dockerfile-user: when a compose service that runs the image keeps data in a named volume, the
switch to a non-root user is unsafe (a volume created by an earlier root deployment stays
root-owned) and the fix says so, as it does for a host folder mounted over a folder the app keeps
its state in; other bind mounts, read-only volumes and other images' services do not change the
fix's safety."""

from __future__ import annotations

from nodeharden import check

DOCKERFILE = """\
FROM node:22-alpine
WORKDIR /srv/app
RUN mkdir -p /var/lib/notes-app
COPY . .
RUN npm ci --omit=dev
CMD ["npm", "start"]
"""


def _fix(project, compose: str):
    root = project({"package.json": '{"name": "n", "dependencies": {"express": "^4.21.0"}}',
                    "server.js": "require('express')().listen(3000);\n",
                    "Dockerfile": DOCKERFILE, "docker-compose.yml": compose})
    [finding] = check(root, select=["dockerfile-user"]).findings
    assert finding.fix is not None
    return finding.fix


def test_a_named_volume_makes_the_fix_unsafe_and_says_how_to_migrate(project) -> None:
    fix = _fix(project, """\
services:
  api:
    build:
      context: .
    volumes:
      - type: volume
        source: notes_data
        target: /var/lib/notes-app
volumes:
  notes_data:
""")
    assert fix.applicability == "unsafe"
    assert "docker-compose.yml mounts the named volume `notes_data` at /var/lib/notes-app" \
        in fix.title
    assert "docker compose run --rm --user root api chown -R node:node /var/lib/notes-app" \
        in fix.title


def test_bind_mounts_read_only_volumes_and_other_images_keep_the_fix_safe(project) -> None:
    # A host folder outside the folders the app keeps its state in (its WORKDIR, VOLUME paths
    # and the folders the image makes for it) is only named in the title.
    fix = _fix(project, """\
services:
  api:
    build: .
    volumes:
      - ./media:/media
      - settings:/srv/app/settings:ro
  db:
    image: postgres:16
    volumes:
      - pg_data:/var/lib/postgresql/data
volumes:
  settings:
  pg_data:
""")
    assert fix.applicability == "safe", fix.title
    assert "named volume" not in fix.title
    assert "(note: docker-compose.yml (service `api`) mounts the host's `./media` at /media;" \
        in fix.title


def test_a_bind_mount_over_a_folder_the_app_writes_makes_the_fix_unsafe(project) -> None:
    # Files that earlier (root) deployments wrote to the host folder stay root's: Docker never
    # changes a host folder's owner.
    fix = _fix(project, """\
services:
  api:
    build: .
    volumes:
      - ./uploads:/srv/app/uploads
""")
    assert fix.applicability == "unsafe"
    assert "(unsafe: docker-compose.yml (service `api`) mounts the host's `./uploads` at " \
        "/srv/app/uploads, where the app keeps its data" in fix.title
    assert "`chown -R 1000:1000 ./uploads` on the host" in fix.title
