"""Compose files of the project: which compose services run the image a Dockerfile builds,
and with what command. Shared by the Dockerfile rules (``_dockerfile``, ``_production``,
dockerfile-user, node-env) and rate-limit (which reads the services a compose file starts)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nodeharden._regex import lazy_pattern

if TYPE_CHECKING:
    from nodeharden.rules._base import ProjectContext


#: A compose file's name (``docker-compose.yml``, ``compose.prod.yaml``…).
COMPOSE_FILE_RE = lazy_pattern(r"^(?:docker-)?compose(?:\.[\w.-]+)?\.ya?ml$")


def _compose_files(ctx: ProjectContext, folder: str) -> list[str]:
    """Return the compose files in ``folder`` (relative to the root): the base file first,
    then the override files (``docker-compose.test.yml``…) that compose merges over it."""
    directory = Path(ctx.info.root) / folder
    try:
        names = sorted(entry.name for entry in directory.iterdir()
                       if COMPOSE_FILE_RE.match(entry.name) and entry.is_file())
    except OSError:
        return []
    names.sort(key=lambda name: (name.count(".") > 1, name))  # base files before overrides
    return [posixpath.join(folder, name) if folder else name for name in names]


def compose_data(ctx: ProjectContext, rel: str) -> Any:
    """Return a compose file's parsed YAML (None when unreadable or not YAML), parsed once per
    content for all the Dockerfile rules of a run: they ask for the same files, several times
    per Dockerfile. The parse is kept in ``ctx.extra`` by path and bytes; callers only read it.
    (The Dockerfile rules read a GitHub Action's ``action.yml`` through it too.)"""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    raw = ctx.read(rel)
    if raw is None:
        return None
    parsed: dict[tuple[str, bytes], Any] = ctx.extra.setdefault("_production.compose", {})
    key = (rel, raw)
    if key not in parsed:
        try:
            parsed[key] = YAML(typ="safe").load(raw.decode("utf-8", "replace"))
        except YAMLError:
            parsed[key] = None
    return parsed[key]


#: Folders one level down never searched for compose files (dependencies, VCS data).
_SKIPPED_FOLDERS = frozenset({"node_modules", ".git", ".hg", ".svn", "bower_components"})
#: At most this many subfolders of one folder are searched for compose files.
_MAX_SUBFOLDERS = 200


def _subfolders_with_compose(ctx: ProjectContext, folder: str) -> list[str]:
    """Return the folders right below ``folder`` (relative to the root) that hold a compose
    file (``docker/``, ``deploy/``, ``.docker/``…), listed once per run."""
    known: dict[str, list[str]] = ctx.extra.setdefault("_compose.below", {})
    if folder not in known:
        found: list[str] = []
        try:
            entries = sorted(e.name for e in (Path(ctx.info.root) / folder).iterdir()
                             if e.is_dir() and e.name not in _SKIPPED_FOLDERS)
        except OSError:
            entries = []
        for name in entries[:_MAX_SUBFOLDERS]:
            sub = posixpath.join(folder, name) if folder else name
            if _compose_files(ctx, sub):
                found.append(sub)
        known[folder] = found
    return known[folder]


def compose_services(ctx: ProjectContext, dockerfile_rel: str, below: bool = False
                      ) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """Yield (compose file, service, its settings in that file) for each service that runs the
    image this Dockerfile builds, file by file.

    Override files are merged over the base file service by service, as ``docker compose
    -f docker-compose.yml -f docker-compose.test.yml`` does: an override that only sets
    ``command: yarn test`` for the service the base file builds runs in this image.

    The compose files read are those of the root and of the Dockerfile's folder; with
    ``below``, also those one folder further down (``docker/docker-compose.yml`` with
    ``build: ..``): a service there counts only when its build resolves to this Dockerfile.
    """
    folders = {"", posixpath.dirname(dockerfile_rel)}
    if below:
        folders |= {sub for folder in list(folders)
                    for sub in _subfolders_with_compose(ctx, folder)}
    for folder in sorted(folders):
        builds: dict[str, str] = {}  # service -> the Dockerfile it builds
        for rel in _compose_files(ctx, folder):
            data = compose_data(ctx, rel)
            services = data.get("services") if isinstance(data, dict) else None
            if not isinstance(services, dict):
                continue
            for service, spec in services.items():
                if not isinstance(spec, dict):
                    continue
                if "build" in spec:
                    build = spec["build"]
                    context = build if isinstance(build, str) else (
                        build.get("context", ".") if isinstance(build, dict) else ".")
                    file = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) \
                        else "Dockerfile"
                    builds[str(service)] = posixpath.normpath(
                        posixpath.join(folder, str(context), str(file)))
                if builds.get(str(service)) == posixpath.normpath(dockerfile_rel):
                    yield rel, str(service), spec


def compose_command(spec: dict[str, Any]) -> str:
    """Return a compose service's ``entrypoint`` and ``command`` as one line."""
    return " ".join(str(spec.get(k, "")) if not isinstance(spec.get(k), list)
                    else " ".join(map(str, spec[k])) for k in ("entrypoint", "command")).strip()
