"""dockerfile-user: the final stage of every Dockerfile runs as a non-root user.

Dockerfiles are read with the ``dockerfile`` package (the official Go parser), never with regular
expressions over the whole file; edits are whole lines inserted at instruction boundaries.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, NamedTuple

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._regex import lazy_pattern
from nodeharden._roles import parse_dockerfile
from nodeharden.rules._base import ProjectContext, Rule
from nodeharden.rules._compose import (
    COMPOSE_FILE_RE,
    _compose_files,
    compose_data,
    compose_services,
)
from nodeharden.rules._dockerfile import (
    Stage,
    action_image,
    ancestry,
    base_image,
    base_image_of,
    built_images,
    effective_user,
    expand,
    generated_banner,
    generated_note,
    image_key,
    insert_before_line,
    insertion_line,
    is_root,
    line_offsets,
    logical_lines,
    nearby_files,
    parse_stages,
    project_base,
    same_image,
    split_words,
    unquote,
)
from nodeharden.rules._production import development_compose, development_image

#: Base images whose final stage already ships a non-root user, and its name.
_NODE_IMAGE_RE = lazy_pattern(r"^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)/)?"
                            r"(?:library/)?node(?:[:@]|$)")
#: Google's distroless images: no shell (``RUN`` cannot run there), root by default unless the
#: tag says ``nonroot``, and every one of them ships the ``nonroot`` user (uid 65532).
_DISTROLESS_RE = lazy_pattern(r"^gcr\.io/distroless/")
#: Docker Hardened Images: the runtime variants run as a non-root user and have no shell; the
#: build variants (``-dev``, ``-sdk`` in the tag) run as root with a shell.
_DHI_RE = lazy_pattern(r"^dhi\.io/[\w.-]+(?::([^@]*))?")
#: Chainguard's node image runs as its `node` user (uid 65532), the ``-dev`` variant too.
_CHAINGUARD_NODE_RE = lazy_pattern(r"^cgr\.dev/chainguard/node(?:[:@]|$)")
_TAG_WORD_RE = lazy_pattern(r"\$\{[^}]*\}|\$\w+|[^\W_]+")
_ALPINE_HINTS = ("alpine",)
_DEBIAN_HINTS = ("debian", "ubuntu", "bookworm", "bullseye", "buster", "trixie", "jammy",
                 "noble", "focal", "slim")
_START = ("CMD", "ENTRYPOINT")
#: Official service images whose entrypoint starts as root and hands the service and its data
#: to the image's own user (postgres, mysql, nginx…): a USER line would break them.
_SERVICE_IMAGE_RE = lazy_pattern(
    r"^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)/)?(?:library/)?"
    r"(postgres|postgis/postgis|mysql|mariadb|mongo|redis|nginx|httpd|rabbitmq|elasticsearch|"
    r"memcached|cassandra|couchdb|influxdb|neo4j|haproxy|varnish|wordpress|php|tomcat|"
    r"solr|zookeeper|eclipse-mosquitto|registry)(?:[:@]|$)")
_SHELL_SPLIT_RE = lazy_pattern(r"\s*(?:&&|\|\||;|\||\n)\s*")
#: Per tool, the options that take a value as the next word (shadow-utils useradd/groupadd,
#: BusyBox and Debian adduser/addgroup, coreutils mkdir and touch).
_VALUED_OPTIONS = {
    "useradd": frozenset({"-b", "-c", "-d", "-e", "-f", "-g", "-G", "-k", "-K", "-p", "-s", "-u",
                          "-R", "-P", "-Z", "--uid", "--gid", "--groups", "--home-dir", "--shell",
                          "--comment", "--base-dir", "--expiredate", "--inactive", "--key",
                          "--password", "--root", "--prefix", "--selinux-user"}),
    "adduser": frozenset({"-h", "-g", "-s", "-G", "-u", "-k", "--home", "--shell", "--uid",
                          "--gid", "--ingroup", "--gecos", "--comment", "--firstuid",
                          "--lastuid", "--conf"}),
    "groupadd": frozenset({"-g", "-K", "-p", "-R", "-P", "--gid", "--key", "--password",
                           "--root", "--prefix"}),
    "addgroup": frozenset({"-g", "--gid", "--conf"}),
    "mkdir": frozenset({"-m", "--mode", "--context"}),
    "touch": frozenset({"-d", "-t", "-r", "--date", "--reference"}),
}


#: Folders of the system, never the app's own: a ``mkdir`` there (``/usr/share/man/man1`` for a
#: Debian package, ``/root/.ssh``) is not given to the app user.
_SYSTEM_DIRS = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
                "/root", "/run", "/sbin", "/sys", "/tmp", "/usr", "/var/cache", "/var/lib/apt",
                "/var/lib/dpkg", "/var/log/apt", "/var/run", "/var/tmp", "/var/spool", "/var/mail")
#: ...except these, where apps are commonly installed.
_APP_UNDER_SYSTEM = ("/usr/src/", "/usr/app", "/usr/local/app", "/usr/local/src/")
#: Scratch folders anyone may write: a folder the image makes *inside* one (``mkdir
#: /tmp/uploads``) is root's and mode 755, so only a later writer, the app, can need it.
_SCRATCH_DIRS = ("/tmp/", "/var/tmp/")


def _app_dir(path: str, workdir: str) -> bool:
    """Return True when a folder the stage makes is the app's: inside its WORKDIR, or
    anywhere outside the system's own folders (``/var/lib/<app>``, ``/data``, ``/srv/…``)."""
    if path == "/" or "$" in path:  # no ARG/ENV guessing
        return False
    if workdir and workdir != "/" and path.startswith(workdir.rstrip("/") + "/"):
        return True
    if path.startswith(_APP_UNDER_SYSTEM + _SCRATCH_DIRS):
        return True
    return not any(path == d or path.startswith(d + "/") for d in _SYSTEM_DIRS)


def _named_volumes(ctx: ProjectContext, dockerfile_rel: str, dirs: list[str]
                   ) -> list[tuple[str, str, str, str, str]]:
    """Return (compose file, service, volume, path, image) for each named volume mounted
    writable by a compose service that runs this image: one that builds this Dockerfile
    (image ``""``), or one that runs a prebuilt image of the project (``_image_services``,
    with that image) whose volume lies in one of ``dirs``, the folders the app writes."""
    services = [(rel, service, spec, "") for rel, service, spec in
                compose_services(ctx, dockerfile_rel, below=True)]
    services += _image_services(ctx, dockerfile_rel)
    found: list[tuple[str, str, str, str, str]] = []
    for rel, service, spec, image in services:
        for source, target, read_only in _compose_volumes(spec, "volume"):
            if source and target.startswith("/") and not read_only and \
                    not source.startswith(("/", ".", "~", "$")) and \
                    (not image or _inside(posixpath.normpath(target), dirs)):
                found.append((rel, service, source, target, image))
    return sorted(found, key=lambda volume: bool(volume[4]))  # the services that build first


#: Folders too general to tell an app's own folder: a volume inside one may be any image's.
_GENERAL_DIRS = ("/opt", "/srv", "/home", "/mnt", "/media", "/var", "/var/lib", "/usr/local",
                 "/data")


def _inside(target: str, dirs: list[str]) -> bool:
    """Return True when ``target`` is one of ``dirs`` or inside one, ignoring the folders too
    general to be an app's own (``_GENERAL_DIRS``, ``_SYSTEM_DIRS``)."""
    return any((target == d or target.startswith(d.rstrip("/") + "/")) and
               d not in _GENERAL_DIRS + _SYSTEM_DIRS for d in dirs)


def _image_services(ctx: ProjectContext, dockerfile_rel: str
                    ) -> list[tuple[str, str, dict[str, Any], str]]:
    """Return (compose file, service, settings, image) for the compose services, in the
    compose files ``compose_services`` reads, that run a prebuilt image and build none: their
    image is the project's own when it has a namespace (``ghcr.io/org/app``, ``org/app``,
    a variable), not an official library image (``postgres:16``, ``node:22``). A service that
    builds in any of these files (an override may only set its ``image``) is left out."""
    found: list[tuple[str, str, dict[str, Any], str]] = []
    for folder in sorted({"", posixpath.dirname(dockerfile_rel)}):
        files = _compose_files(ctx, folder)
        specs = [(rel, data.get("services")) for rel in files
                 for data in [compose_data(ctx, rel)] if isinstance(data, dict)]
        builds = {str(name) for _, services in specs if isinstance(services, dict)
                  for name, spec in services.items() if isinstance(spec, dict) and "build" in spec}
        for rel, services in specs:
            for name, spec in services.items() if isinstance(services, dict) else []:
                image = spec.get("image") if isinstance(spec, dict) else None
                if not isinstance(image, str) or str(name) in builds:
                    continue
                repository = re.split(r"[@:]", image.removeprefix("docker.io/"), 1)[0]
                if "$" in image or ("/" in repository and
                                    not repository.startswith("library/")):
                    found.append((rel, str(name), spec, image))
    return found


#: Compose files larger than this are not read when looking for the services of an image.
_COMPOSE_MAX_BYTES = 256 * 1024


def _project_compose_files(ctx: ProjectContext) -> list[str]:
    """Return every compose file of the project (relative to the root), anywhere below it
    outside dependencies and build output: an image the project publishes may be run by a
    compose file kept with the code that deploys it (``deploy/``, a service's own folder).
    Listed once per run."""
    from nodeharden._project import files_with_suffix

    found: list[str] | None = ctx.extra.get("dockerfile-user.composes")
    if found is None:
        root = Path(ctx.info.root)
        found = [Path(path).relative_to(root).as_posix() for path, _ in
                 files_with_suffix(str(root), (".yml", ".yaml"), _COMPOSE_MAX_BYTES)
                 if COMPOSE_FILE_RE.match(posixpath.basename(path))]
        ctx.extra["dockerfile-user.composes"] = found
    return found


def _runs_of_built_image(ctx: ProjectContext, rel: str
                         ) -> list[tuple[str, str, dict[str, Any]]]:
    """Return (compose file, service, settings) for the services of any compose file of the
    project that run, without building, an image the project's build commands make from this
    Dockerfile (``built_images``): the same name and tag, or the same name with another tag
    when no other Dockerfile of the project builds that name (``acme/proxy:1.7.0`` where a
    script builds ``--tag acme/proxy``: a released version of the same image)."""
    built = built_images(ctx, rel)
    if not built:
        return []
    others = {name for other in ctx.files_of("dockerfile") if other.rel != rel
              for name, _ in built_images(ctx, other.rel)}
    found: list[tuple[str, str, dict[str, Any]]] = []
    for compose in _project_compose_files(ctx):
        data = compose_data(ctx, compose)
        services = data.get("services") if isinstance(data, dict) else None
        for service, spec in services.items() if isinstance(services, dict) else ():
            image = spec.get("image") if isinstance(spec, dict) else None
            if not isinstance(image, str) or "build" in spec or "$" in image:
                continue
            name, _ = image_key(image)
            if any(same_image(image, b) or (name == b[0] and name not in others)
                   for b in built):
                found.append((compose, str(service), spec))
    return found


def _compose_user(ctx: ProjectContext, rel: str) -> str | None:
    """Return where the project runs this image as a non-root user, or None: every compose
    service that runs it (one that builds this Dockerfile, or one that runs an image built from
    it, ``_runs_of_built_image``; development and test compose files left out) sets ``user:``
    to a literal non-root user (``'1000:1000'``, ``node``), there is at least one, and no
    ``docker run`` of it in the documentation or scripts goes without ``--user``. The image's
    USER then says nothing about how it runs: compose's ``user`` replaces it."""
    runs = [(compose, service, spec)
            for compose, service, spec in compose_services(ctx, rel, below=True)]
    runs += _runs_of_built_image(ctx, rel)
    runs = [run for run in runs if not development_compose(run[0])]
    users = []
    for compose, service, spec in runs:
        user = str(spec.get("user", "")).strip()
        if "$" in user or is_root(user):
            return None
        users.append((compose, service, user))
    if not users:
        return None
    for _, _, words in _documented_runs(ctx, rel, family=False):
        if not any(w in ("-u", "--user") or w.startswith(("--user=", "-u=")) for w in words):
            return None
    compose, service, user = users[0]
    more = f" (and {len(users) - 1} more)" if len(users) > 1 else ""
    return f"{compose} runs it as `{user}` (service `{service}`){more}"


def _compose_volumes(spec: dict[str, Any], long_type: str) -> list[tuple[str, str, bool]]:
    """Return (source, target, read only) of a compose service's ``volumes``: every short
    entry (``src:/target[:ro]``; a named volume and a bind mount look alike there, the caller
    tells them apart by the source) and the long entries of ``type`` ``long_type``
    (``volume``, the long form's default, or ``bind``)."""
    found: list[tuple[str, str, bool]] = []
    volumes = spec.get("volumes")
    for entry in volumes if isinstance(volumes, list) else []:
        source = target = ""
        read_only = False
        if isinstance(entry, str):
            parts = entry.split(":")
            if len(parts) >= 2:
                source, target = parts[0], parts[1]
                read_only = len(parts) > 2 and "ro" in parts[2].split(",")
        elif isinstance(entry, dict) and entry.get("type", "volume") == long_type:
            source, target = str(entry.get("source") or ""), str(entry.get("target") or "")
            read_only = bool(entry.get("read_only"))
        found.append((source, target, read_only))
    return found


def _user_plan(image: str) -> tuple[str, str | None, bool]:
    """Return (user, RUN line creating it or None, safe) for a base image."""
    if _NODE_IMAGE_RE.match(image):
        return "node", None, True
    if _DISTROLESS_RE.match(image):
        return "nonroot", None, True
    if any(hint in image for hint in _ALPINE_HINTS):
        return "app", "RUN addgroup -S app && adduser -S -G app app", True
    known = any(hint in image for hint in _DEBIAN_HINTS)
    return "app", "RUN groupadd --system app && useradd --system --gid app app", known


def _tag(image: str) -> str:
    """Return the tag of an image reference (``""`` when it has none)."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else ""


def nonroot_base(image: str) -> str | None:
    """Return why a base image runs as a non-root user when the Dockerfile sets no USER, or
    None when it runs as root (or nothing tells)."""
    tag = _tag(image)
    words = [w for w in _TAG_WORD_RE.findall(tag) if not w.startswith("$")]
    if "nonroot" in words:
        return f"its tag `{tag}` is the image's non-root variant"
    if _DHI_RE.match(image) and words and not {"dev", "sdk"} & set(words):
        return ("it is a Docker Hardened Image runtime variant, which runs as a non-root user "
                "(only the `-dev`/`-sdk` build variants run as root)")
    if _CHAINGUARD_NODE_RE.match(image):
        return "Chainguard's node image runs as its `node` user (uid 65532)"
    return None


#: A path under root's home: ``/root/…`` (and, in a command run as root, ``~/…``, ``$HOME/…``).
_ROOT_PATH_RE = lazy_pattern(r"(?<![\w./$-])/root(?=/|:|$|[\s\"'])")
_HOME_PATH_RE = lazy_pattern(r"^(?:/root|~|\$HOME|\$\{HOME\})(?:/|$)")
#: The home folder by name rather than by path: ``~``, ``$HOME``, ``${HOME}`` (at the start of
#: a word, of an option's value or of a quoted value: ``--prefix=~/.tool``,
#: ``PATH="$HOME/bin:$PATH"``).
_HOME_VAR_RE = lazy_pattern(r"(?:^|[=:>\"'])(?:~|\$HOME\b|\$\{HOME\})(?=/|:|$)")
#: A word of a RUN line that names a path in the home folder, by name or as ``/root``.
_HOME_WORD_RE = lazy_pattern(r"(?:^|[=:>\"'])(?:~|\$HOME\b|\$\{HOME\}|/root)(?=/|:|$)")


def _as_root_home(word: str) -> str:
    """Return a home path (``~/.ssh``, ``$HOME/.ssh``, ``/root/.ssh``) as a path under /root."""
    return re.sub(r"^(?:~|\$HOME\b|\$\{HOME\})", "/root", word)


def _root_home_use(stages: list[Stage], stage: Stage) -> tuple[int, str, bool] | None:
    """Return (line, what, by name) for the first thing the image puts under ``/root`` for the
    app to use: an ``ENV`` value naming a path there (``PATH=/root/.bun/bin:$PATH``), a
    ``COPY``/``ADD`` into it, a ``WORKDIR`` or start command there, or a ``RUN ln -s`` (as root)
    whose target is there (``ln -s ~/.bun/bin/bun /usr/local/bin/bun``). Root's home is mode
    700: a non-root user cannot reach any of it.

    Also (``by name`` True) the first ``ENV`` value, ``COPY``/``ADD``/``WORKDIR`` target or
    root ``RUN`` that names the home folder (``~``, ``$HOME``, ``${HOME}``, or ``/root`` in a
    RUN: ``mkdir -p ~/.ssh``): the image was made for the home of the user it builds as, root's,
    and a ``USER`` line gives the app another home. Cleanups (``rm -rf /root/.npm``), and what
    a later ``rm`` removes again, do not count; nor do RUN flags (``--mount=…target=/root/.npm``,
    a build cache). An image that sets ``ENV HOME`` keeps that home whatever the user: only its
    ``/root`` paths count."""
    removed: list[str] = []
    home_set = False
    for current in ancestry(stages, stage):
        for command in current.commands:
            if command.cmd.upper() == "ENV" and "HOME" in [str(v) for v in command.value][::2]:
                home_set = True
            if command.cmd.upper() == "RUN" and not command.json:
                for words in _words(" ".join(str(v) for v in command.value)):
                    if words[0].rsplit("/", 1)[-1] == "rm":
                        removed += [_as_root_home(p) for p in _positionals(words)[0]
                                    if _HOME_PATH_RE.match(p)]
    by_name: tuple[int, str, bool] | None = None
    for current in reversed(ancestry(stages, stage)):
        root = True
        for command in current.commands:
            kind = command.cmd.upper()
            values = [str(v) for v in command.value]
            if kind == "USER":
                root = is_root(values[0] if values else None)
            elif kind == "ENV":
                if any(_ROOT_PATH_RE.search(v) for v in values[1::2]):
                    pair = next(f"{k}={v}" for k, v in zip(values[::2], values[1::2])
                                if _ROOT_PATH_RE.search(v))
                    return command.start_line, f"`ENV {pair}`", False
                named = next((f"{k}={v}" for k, v in zip(values[::2], values[1::2])
                              if _HOME_VAR_RE.search(v)), None)
                if named is not None and by_name is None and not home_set:
                    by_name = command.start_line, f"`ENV {named}`", True
            elif kind in ("COPY", "ADD", "WORKDIR") and values:
                target = values[-1].strip("\"'")
                if target == "/root" or target.startswith("/root/"):
                    return command.start_line, f"`{kind}` into `{target}`", False
                if _HOME_VAR_RE.match(target) and by_name is None and not home_set:
                    by_name = command.start_line, f"`{kind}` into `{target}`", True
            elif kind in _START and values:
                word = next((w for v in values for w in v.split()
                             if _HOME_PATH_RE.match(w.strip("\"'"))), None)
                if word is not None:
                    return command.start_line, f"`{kind}` runs `{word}`", False
            elif kind == "RUN" and root and not command.json:
                for words in _words(" ".join(values)):
                    tool = words[0].rsplit("/", 1)[-1]
                    if tool == "ln":
                        positionals = _positionals(words)[0]
                        for source in positionals[:-1]:
                            if _HOME_PATH_RE.match(source):
                                return command.start_line, f"a link to `{source}`", False
                    if tool == "rm" or by_name is not None:
                        continue
                    for word in words:
                        match = (_ROOT_PATH_RE if home_set else _HOME_WORD_RE).search(word)
                        if match is None:
                            continue
                        path = _as_root_home(word[match.start() + (match.group()[0] in "=:>\"'"):])
                        if not any(_removed(path.split(":", 1)[0], t) for t in removed):
                            by_name = (command.start_line,
                                       f"`{' '.join(words)}`", True)
                            break
    return by_name


#: A volume whose host side is the whole host filesystem: ``-v /:/mnt/fs``,
#: ``--volume=/:/host:ro``, ``--mount type=bind,source=/,target=/host``.
_HOST_ROOT_MOUNT_RE = lazy_pattern(
    r"(?:(?:^|\s)(?:-v|--volume)[\s=]+['\"]?/:/\S*|(?:^|\s)--mount[\s=]+\S*"
    r"(?:source|src)=/(?:,|\s|$)\S*)")
_READMES = ("README.md", "README", "README.markdown", "readme.md", "Readme.md")


def _host_root_mount(ctx: ProjectContext, dockerfile_rel: str) -> str | None:
    """Return where the project documents running its image with the host's whole filesystem
    mounted in (a ``docker run -v /:/…`` in its README, a compose service of this image that
    mounts ``/``), or None."""
    for rel, service, spec in compose_services(ctx, dockerfile_rel, below=True):
        volumes = spec.get("volumes")
        for entry in volumes if isinstance(volumes, list) else []:
            source = entry.split(":", 1)[0] if isinstance(entry, str) else \
                str(entry.get("source") or "") if isinstance(entry, dict) else ""
            if source == "/":
                return f"{rel} mounts the host's `/` into service `{service}`"
    folder = posixpath.dirname(dockerfile_rel)
    for name in _READMES:
        for rel in dict.fromkeys([name, posixpath.join(folder, name) if folder else name]):
            raw = ctx.read(rel)
            if raw is None:
                continue
            for line, command in logical_lines(raw.decode("utf-8", "replace")):
                match = _HOST_ROOT_MOUNT_RE.search(command)
                if match and re.search(r"\b(?:docker|podman)\s+(?:container\s+)?(?:run|create)\b",
                                       command):
                    return f"{rel}:{line} runs the image with `{match.group(0).strip()}`"
    return None


class CreatedUser(NamedTuple):
    """A non-root user a RUN instruction of the image creates."""

    name: str
    group: str | None  # its primary group when the command says or implies it
    line: int  # 1-based line where the creating RUN instruction ends
    stage: int  # index of the stage that creates it


def _words(command: str) -> list[list[str]]:
    """Return the simple commands of a shell line, each as its words (quotes removed)."""
    import shlex

    result = []
    for part in _SHELL_SPLIT_RE.split(command.replace("\\\n", " ")):
        try:
            words = shlex.split(part, comments=False)
        except ValueError:
            words = part.split()
        if words:
            result.append(words)
    return result


def _positionals(words: list[str]) -> tuple[list[str], dict[str, str], set[str]]:
    """Return the positional words of a command, its valued options and its flags."""
    takes_value = _VALUED_OPTIONS.get(words[0].rsplit("/", 1)[-1], frozenset())
    positionals: list[str] = []
    valued: dict[str, str] = {}
    flags: set[str] = set()
    index = 1
    while index < len(words):
        word = words[index]
        if word.startswith("-") and word != "-":
            if "=" in word:
                key, value = word.split("=", 1)
                valued[key] = value
            elif word in takes_value and index + 1 < len(words):
                valued[word] = words[index + 1]
                index += 1
            else:
                flags.add(word)
        else:
            positionals.append(word)
        index += 1
    return positionals, valued, flags


def created_users(stages: list[Stage], stage: Stage) -> list[CreatedUser]:
    """Return the non-root users the stage (and the stages it builds on) create with
    ``useradd``/``adduser``, in build order."""
    users: list[CreatedUser] = []
    for current in reversed(ancestry(stages, stage)):
        groups: set[str] = set()
        for command in current.commands:
            if command.cmd.upper() != "RUN" or command.json:
                continue
            for words in _words(" ".join(command.value)):
                tool = words[0].rsplit("/", 1)[-1]
                positionals, valued, flags = _positionals(words)
                if tool in ("groupadd", "addgroup") and positionals and \
                        not (tool == "addgroup" and len(positionals) > 1):
                    groups.add(positionals[0])
                if tool not in ("useradd", "adduser") or not positionals:
                    continue
                name = positionals[0]
                if name in ("root", "0"):
                    continue
                group: str | None = None
                if tool == "useradd":
                    group = valued.get("-g") or valued.get("--gid") or (
                        None if {"-N", "--no-user-group"} & flags else name)
                elif "--ingroup" in valued:
                    group = valued["--ingroup"]
                elif "-G" in valued:  # BusyBox: -G is the primary group
                    group = valued["-G"]
                elif "--group" in flags or name in groups or "--system" not in flags:
                    group = name
                users.append(CreatedUser(name, group, command.end_line, current.index))
    return users


def _given_to(stage: Stage, user: str) -> list[str]:
    """Return the absolute folders the stage's RUN instructions ``chown`` to ``user``
    (``chown -R app:app /data``; ``$NAME`` and ``${NAME}`` alike)."""
    def plain(word: str) -> str:
        return re.sub(r"\$\{(\w+)\}", r"$\1", word)

    given: list[str] = []
    for command in stage.commands:
        if command.cmd.upper() != "RUN" or command.json:
            continue
        for words in _words(" ".join(command.value)):
            if words[0].rsplit("/", 1)[-1] != "chown":
                continue
            positionals = [w for w in words[1:] if not w.startswith("-")]
            if len(positionals) >= 2 and \
                    plain(positionals[0]).split(":")[0] == plain(user):
                given += [p for p in positionals[1:] if p.startswith("/")]
    return given


def _resolve(base: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(base or "/", path))


def _removed(path: str, target: str) -> bool:
    """Return True when ``rm`` of ``target`` (a resolved path, maybe a glob) removes ``path``."""
    probe = path
    while probe not in ("/", ""):
        if probe == target or (any(c in target for c in "*?[") and fnmatch(probe, target)):
            return True
        probe = posixpath.dirname(probe)
    return False


def _mkdirs(joined: str, base: str, made: list[str], unresolved: list[str]) -> None:
    """Follow the ``mkdir``, ``touch`` and ``rm`` commands of one RUN line in order: add the
    folders it makes, and the empty files it creates for the app to fill (a log or database
    file), to ``made`` (the ones named with ``$``, which the fix does not resolve, to
    ``unresolved``) and drop from ``made`` the ones a later ``rm`` removes again (a build
    folder: a ``chown`` of it would fail the build). A path in the home folder (``~/.ssh``) is
    never resolved against the WORKDIR: it is unresolved, like ``$HOME/.ssh``."""
    for words in _words(joined):
        tool = words[0].rsplit("/", 1)[-1]
        if tool in ("mkdir", "touch"):
            for p in _positionals(words)[0]:
                if p.startswith("~"):  # the home folder ($HOME), never one under the WORKDIR
                    unresolved.append(p)
                else:
                    (unresolved if "$" in p else made).append(_resolve(base, p))
        elif tool == "rm":
            targets = [_resolve(base, p) for p in _positionals(words)[0]
                       if "$" not in p and not p.startswith("~")]
            made[:] = [d for d in made if not any(_removed(d, t) for t in targets)]


def _workdir_words(source: bytes | str, stages: list[Stage], stage: Stage
                   ) -> dict[tuple[int, int], str]:
    """Return, for each ``WORKDIR`` of the stage and the stages it builds on that names a
    variable (``WORKDIR $APP_PATH``), keyed by (stage index, line), its word with the stage's
    ``ENV`` and ``ARG`` values put in as the default build does (an ARG's default, a
    ``${NAME:-word}`` fallback; a global ARG where the stage declares it again; ENV before
    ARG), or kept as written (with its ``$``) when one is unknown: a name the Dockerfile does
    not set, an ARG with no default."""
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    commands = parse_dockerfile(text) or ()
    global_args: dict[str, str | None] = {}
    for command in commands:
        if command.cmd.upper() == "FROM":
            break
        if command.cmd.upper() == "ARG":
            for value in command.value:
                key, eq, default = unquote(str(value)).partition("=")
                global_args[key] = expand(unquote(default), global_args) if eq else None
    words: dict[tuple[int, int], str] = {}
    env: dict[str, str | None] = {}
    for current in reversed(ancestry(stages, stage)):
        args: dict[str, str | None] = {}  # an ARG ends with its stage; ENV is in the image
        for command in current.commands:
            kind = command.cmd.upper()
            values = [str(v) for v in command.value]
            if kind == "ARG":
                for value in values:
                    key, eq, default = unquote(value).partition("=")
                    args[key] = expand(unquote(default), {**args, **env}) if eq else \
                        global_args.get(key)
            elif kind == "ENV":
                for key, value in zip(values[::2], values[1::2]):
                    env[key] = expand(unquote(value), {**args, **env})
            elif kind == "WORKDIR" and values and "$" in values[0]:
                expanded = expand(unquote(values[0]), {**args, **env})
                words[(current.index, command.start_line)] = \
                    expanded if expanded else values[0]
    return words


def _workdir_word(words: dict[tuple[int, int], str], stage: Stage, command: Any) -> str:
    """Return a WORKDIR's word, its variables put in (``_workdir_words``) when known."""
    return words.get((stage.index, command.start_line), str(command.value[0]))


def _writable_dirs(stages: list[Stage], stage: Stage, before_line: int,
                   words: dict[tuple[int, int], str], mounted: tuple[str, ...] = (),
                   workdir_written: bool = True) -> tuple[list[str], set[str], list[str]]:
    """Return the folders the app may write that the stage leaves to root (its final WORKDIR,
    VOLUME paths, folders created with ``mkdir`` for the app before ``before_line``), the
    subset no instruction creates before ``before_line``, and the WORKDIR, VOLUME and ``mkdir``
    paths built from an ARG or ENV (``$DATA_DIR``) that no RUN chowns, which the fix cannot
    tell. A WORKDIR named by a variable is taken with the value the stage gives it
    (``words``, from ``_workdir_words``), as if written out. The targets of the named volumes
    the project mounts on the image (``mounted``) count as VOLUME paths: a new volume takes
    the owner of the folder it is mounted on, and is root's when the image lacks it. Without
    ``workdir_written`` (the app is not shown to write in its folder) the WORKDIR is left out:
    the app's code stays root's, which the process serving traffic then cannot change."""
    workdir = spelled = ""  # (the last WORKDIR as written, when it names a variable)
    for current in reversed(ancestry(stages, stage)[1:]):
        for command in current.commands:
            if command.cmd.upper() == "WORKDIR" and command.value:
                workdir = _resolve(workdir, _workdir_word(words, current, command))
                spelled = _spelled(command)
    inherited = workdir
    workdir_line = 0
    current_dir = workdir
    made: list[str] = []
    volumes: list[str] = []
    unresolved: list[str] = []
    chowned = ""
    root = True
    for command in stage.commands:
        kind = command.cmd.upper()
        if kind == "USER":
            root = is_root(command.value[0] if command.value else None)
        if kind == "WORKDIR" and command.value:
            current_dir = _resolve(current_dir, _workdir_word(words, stage, command))
            workdir, workdir_line = current_dir, command.start_line
            spelled = _spelled(command)
        elif kind == "VOLUME":
            volumes.extend(_resolve(current_dir, v) for v in command.value if v.strip())
        elif kind == "RUN" and not command.json:
            joined = " ".join(command.value)
            if "chown" in joined:
                chowned += " " + joined
            if not root:
                continue
            if command.start_line >= before_line:
                _mkdirs(joined, current_dir, [], unresolved)  # chowned by that RUN, if known
                continue
            _mkdirs(joined, current_dir, made, unresolved)
    dirs: list[str] = []
    if not workdir_written:
        workdir_line = 0
    elif workdir and workdir != "/" and "$" not in workdir and (workdir_line or inherited):
        dirs.append(workdir)
    else:
        if "$" in workdir and (workdir_line or inherited):
            # made by WORKDIR as root, from a value not known (`$APP_DIR`, not `/$APP_DIR`)
            unresolved.append(spelled if spelled and workdir.startswith("/$") else workdir)
        workdir_line = 0
    volumes += [d for d in mounted if d not in volumes]
    # Every folder the stage makes for the app, inside the WORKDIR or not (a data folder such
    # as /var/lib/<app> that the app writes its database to).
    own = [d for d in made if (d == workdir and workdir_written)
           or (d != workdir and _app_dir(d, workdir))]
    for path in [*own, *volumes]:
        if path not in dirs and path != "/" and "$" not in path:  # no ARG/ENV guessing
            dirs.append(path)
    # (a RUN may chown the WORKDIR by the variable that names it: `chown app $APP_DIR`)
    written = _spelled_chown(spelled, chowned)
    dirs = [d for d in dirs if not re.search(r"(?<![\w/.-])" + re.escape(d) + r"(?![\w/.-])",
                                             chowned) and not (d == workdir and written)]
    missing = {d for d in volumes if d not in made}
    if workdir_line >= before_line and workdir in dirs and workdir not in made:
        # WORKDIR comes later and no earlier RUN makes the folder: make it now
        missing.add(workdir)
    unresolved += [d for d in volumes if "$" in d]
    unknown = [d for d in dict.fromkeys(unresolved)
               if not re.search(r"(?<![\w/.-])" + re.escape(posixpath.basename(d))
                                + r"(?![\w/.-])", chowned)
               and not (written and d in (workdir, spelled))]
    return dirs, missing, unknown


def _spelled(command: Any) -> str:
    """Return a WORKDIR's word as written when it names a variable (``${APP}`` as ``$APP``),
    else ``""``."""
    word = unquote(str(command.value[0]))
    return re.sub(r"\$\{(\w+)\}", r"$\1", word) if "$" in word else ""


def _spelled_chown(spelled: str, chowned: str) -> bool:
    """Return True when the RUN text ``chowned`` names the WORKDIR written ``spelled`` as
    written (``chown -R app "${APP_DIR}"``)."""
    if not spelled:
        return False
    plain = re.sub(r"\$\{(\w+)\}", r"$\1", chowned)
    return bool(re.search(r"(?<![\w/.-])" + re.escape(spelled) + r"(?![\w/.-])", plain))


def _append_to_run(source: bytes, command: Any, script: str) -> TextEdit:
    """Return an edit that appends `` && script`` to a shell-form RUN instruction."""
    offsets = line_offsets(source)
    end = offsets[command.end_line] - 1 if command.end_line < len(offsets) else len(source)
    if end > 0 and source[end - 1:end] == b"\r":
        end -= 1
    return TextEdit(end, end, f" && {script}")


def _late_mkdirs(stage: Stage, start: int, user_line: int, workdir_of: dict[int, str],
                 inside: str) -> list[tuple[Any, list[str]]]:
    """Return the root RUN instructions from line ``start`` to ``user_line`` that make folders
    for the app (inside the WORKDIR ``inside`` or outside the system's folders), with those
    folders."""
    found: list[tuple[Any, list[str]]] = []
    root = True
    for command in stage.commands:
        kind = command.cmd.upper()
        if kind == "USER":
            root = is_root(command.value[0] if command.value else None)
        if kind != "RUN" or command.json or command.heredocs or not root or \
                not start <= command.start_line < user_line:
            continue
        joined = " ".join(command.value)
        made: list[str] = []
        _mkdirs(joined, workdir_of.get(command.start_line, ""), made, [])
        made = [d for d in made if _app_dir(d, inside)]
        if made and "chown" not in joined:
            found.append((command, made))
    return found


def _ownership_edits(source: bytes, stages: list[Stage], stage: Stage, owner: str,
                     user_line: int, after_line: int, words: dict[tuple[int, int], str],
                     mounted: tuple[str, ...] = (), workdir_written: bool = True
                     ) -> tuple[list[TextEdit], str, list[str]]:
    """Return edits that give ``owner`` the folders the app writes, the text of a new RUN
    line when no existing RUN can carry the chown (to go right before ``user_line``), and the
    folders named from an ARG or ENV that the fix leaves to root.

    The ``chown`` joins the last RUN that runs as root before the first VOLUME (changes to a
    volume path after VOLUME are discarded) and before ``user_line``, and after ``after_line``
    (where the reused user is created); without one, a new RUN line does it. A RUN between it
    and ``user_line`` that makes folders inside the WORKDIR chowns them itself."""
    volume_lines = [c.start_line for c in stage.commands if c.cmd.upper() == "VOLUME"]
    limit = min([user_line, *volume_lines])
    chosen = None
    root = True
    workdir_of: dict[int, str] = {}
    current = ""
    for parent in reversed(ancestry(stages, stage)[1:]):
        for command in parent.commands:
            if command.cmd.upper() == "WORKDIR" and command.value:
                current = _resolve(current, _workdir_word(words, parent, command))
    for command in stage.commands:
        kind = command.cmd.upper()
        if kind == "WORKDIR" and command.value:
            current = _resolve(current, _workdir_word(words, stage, command))
        workdir_of[command.start_line] = current
        if command.start_line >= limit:
            continue
        if kind == "USER":
            root = is_root(command.value[0] if command.value else None)
        elif kind == "RUN" and root and not command.json and not command.heredocs and \
                command.end_line >= after_line:
            chosen = command
    # Folders made by a RUN after the one that carries the chown do not exist yet there.
    made_before = chosen.end_line + 1 if chosen is not None else limit
    dirs, missing, unknown = _writable_dirs(stages, stage, made_before, words, mounted,
                                            workdir_written)
    edits: list[TextEdit] = []
    new_run = ""
    if dirs:
        make = [d for d in dirs if d in missing]
        script = (f"mkdir -p {' '.join(make)} && " if make else "") + \
            f"chown {owner} {' '.join(dirs)}"
        if chosen is not None and _chainable(chosen):
            edits.append(_append_to_run(source, chosen, script))
        elif chosen is not None and chosen.end_line + 1 != user_line:
            # `;`, `||` or `exit` in the RUN: an appended `&& chown` may never run
            edits.append(insert_before_line(source, chosen.end_line + 1, f"RUN {script}\n"))
        elif limit == user_line:
            new_run = f"RUN {script}\n"
        else:
            edits.append(insert_before_line(source, limit, f"RUN {script}\n"))
    workdir = workdir_of.get(max(workdir_of) if workdir_of else 0, "")
    if "$" in workdir:
        workdir = ""
    for command, made in _late_mkdirs(stage, made_before, user_line, workdir_of, workdir):
        chown = f"chown {owner} {' '.join(made)}"
        if _chainable(command):
            edits.append(_append_to_run(source, command, chown))
        elif command.end_line + 1 == user_line:
            new_run += f"RUN {chown}\n"
        else:
            edits.append(insert_before_line(source, command.end_line + 1, f"RUN {chown}\n"))
    return edits, new_run, unknown


def service_image(image: str) -> str | None:
    """Return the name of an official service image (postgres, nginx…), or None."""
    match = _SERVICE_IMAGE_RE.match(image)
    return match.group(1) if match else None


#: Tools that start a command as another user; they need root to switch.
_DROP_TOOLS = frozenset({"su-exec", "gosu", "s6-setuidgid", "setpriv", "runuser", "chroot", "su",
                         "sudo", "setuidgid", "chpst"})
#: Commands that only root may run at start (user and ownership changes, packages).
_ROOT_ONLY = frozenset({"chown", "usermod", "groupmod", "useradd", "groupadd", "adduser",
                        "addgroup", "apt-get", "apk", "yum", "dnf"})
_DROP_NEEDLE_RE = lazy_pattern(r"\b(?:su-exec|gosu|s6-setuidgid|setpriv|runuser|chroot|su|sudo|"
                               r"setuidgid|chpst)\b")
#: Wrappers a start line runs its real command through (``exec tini -- gosu app node …``).
_WRAPPERS = frozenset({"exec", "tini", "dumb-init", "--", "env", "nohup", "catatonit"})


def _tool_of(words: list[str]) -> str:
    """Return the command a simple command runs, past ``exec``, ``tini --``, ``env`` and
    variable assignments."""
    index = 0
    while index < len(words) and (posixpath.basename(words[index]) in _WRAPPERS
                                  or (words[index].startswith("-") and index > 0)
                                  or ("=" in words[index] and not words[index].startswith("-"))):
        index += 1
    return posixpath.basename(words[index]) if index < len(words) else ""


#: Shells whose ``-c`` runs the script given as the next word.
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
#: A shell's option word that includes ``-c`` (``-c``, ``-ec``, ``-lc``, ``-xec``).
_SHELL_C_RE = lazy_pattern(r"^-[a-zA-Z]*c[a-zA-Z]*$")
#: What makes a ``sh -c`` script more than a plain sequence of commands: pipes, ``||``,
#: background jobs, control flow, subshells and command substitution.
_NOT_SEQUENCE_RE = lazy_pattern(r"\||(?<!&)&(?!&)|[(){}`]|\b(?:if|case|for|while|until|"
                                r"select|function|trap)\b")


def _inline_script(words: list[str]) -> str | None:
    """Return the script of a start that runs one through a shell, ``sh -c '<script>'``
    (``/bin/bash -ec``, ``sh -lc``, past ``exec``, ``tini --`` and ``env``), else None."""
    tool = _tool_of(words)
    if tool not in _SHELLS:
        return None
    position = next(i for i, w in enumerate(words) if posixpath.basename(w) == tool) + 1
    while position < len(words):
        word = words[position]
        if word in ("-o", "+o"):  # (`-o pipefail`)
            position += 2
            continue
        if _SHELL_C_RE.match(word):
            return words[position + 1] if position + 1 < len(words) else None
        if not word.startswith(("-", "+")):
            return None  # `sh start.sh`: a script file, read with the start scripts
        position += 1
    return None


def _user_part(spec: str) -> str:
    """Return the user of ``user:group`` (``${APP_USER:-node}:app`` keeps its variable)."""
    brace = spec.find("}") if spec.startswith("${") else -1
    head, rest = (spec[:brace + 1], spec[brace + 1:]) if brace >= 0 else ("", spec)
    return head + rest.split(":", 1)[0]


def _drop_user(words: list[str]) -> tuple[str, str] | None:
    """Return (tool, user) when the simple command ``words`` runs its command as another user
    (``su-exec node node server.js``, ``setpriv --reuid=1000 …``, ``runuser -u app -- …``,
    ``chroot --userspec=app:app / …``, ``s6-setuidgid app …``, ``su app -c …``); the user is
    as written (``$PUID`` too)."""
    tool = _tool_of(words)
    rest = words[words.index(next(w for w in words if posixpath.basename(w) == tool)) + 1:] \
        if tool else []
    if tool not in _DROP_TOOLS:
        return None
    options: dict[str, str] = {}
    positionals: list[str] = []
    position = 0
    while position < len(rest):
        word = rest[position]
        if word == "--":
            positionals += rest[position + 1:position + 2]
            break
        if word.startswith("-") and word != "-":
            key, eq, value = word.partition("=")
            if not eq and key in ("-u", "--user", "--reuid", "--userspec", "-s", "--shell",
                                  "-c", "--command", "-g", "--group", "-U", "-l") \
                    and position + 1 < len(rest):
                value = rest[position + 1]
                position += 1
            options[key] = value
        else:
            positionals.append(word)
            if tool in ("su-exec", "gosu", "s6-setuidgid", "setuidgid"):
                break
        position += 1
    if tool == "setpriv":
        user = options.get("--reuid", "")
    elif tool == "chroot":
        user = _user_part(options.get("--userspec", ""))
    elif tool == "chpst":
        user = _user_part(options.get("-u", ""))
    elif tool in ("sudo",):
        user = options.get("-u", "")
    elif tool == "runuser":
        user = options.get("-u") or options.get("--user") or options.get("-l") or \
            (positionals[0] if positionals else "")
    elif tool == "su":
        user = options.get("-l") or (positionals[0] if positionals and positionals[0] != "-"
                                     else "")
        if not ({"-c", "--command"} & set(options)) and tool == "su":
            return None  # an interactive `su`: nothing runs as that user here
    else:
        user = _user_part(positionals[0]) if positionals else ""
    user = user.strip("\"'")
    if not user or user in ("root", "0", "#0"):
        return None
    return tool, user


def _start_scripts(ctx: ProjectContext, rel: str, stages: list[Stage], final: Stage
                   ) -> list[tuple[str, str]]:
    """Return (project file, text) of the scripts the image's ``ENTRYPOINT``, ``CMD`` and
    ``HEALTHCHECK`` run that are in the project: a word of the start naming a file the image
    copies in (``COPY docker/start.sh /usr/local/bin/start``) or a file of that name next to
    the Dockerfile or at the root of the build (``CMD ["./start-docker.sh"]`` after ``COPY .
    .``)."""
    folder = posixpath.dirname(rel)
    copied: dict[str, list[str]] = {}  # basename in the image -> project sources
    words: list[str] = []
    for current in reversed(ancestry(stages, final)):
        for command in current.commands:
            kind = command.cmd.upper()
            values = [str(v) for v in command.value]
            if kind in ("COPY", "ADD") and len(values) >= 2 and \
                    not any(f.lower().startswith("--from") for f in command.flags):
                target = values[-1]
                for source in values[:-1]:
                    name = posixpath.basename(source.rstrip("/"))
                    key = name if target.endswith("/") or len(values) > 2 else \
                        posixpath.basename(target.rstrip("/")) or name
                    copied.setdefault(key, []).append(source)
                    copied.setdefault(name, []).append(source)
            elif kind in (*_START, "HEALTHCHECK"):
                for value in values:
                    words += split_words(value)
    found: list[tuple[str, str]] = []
    for word in dict.fromkeys(words):
        if "$" in word or word.startswith("-") or "/" not in word and "." not in word \
                and word not in copied:
            continue
        name = posixpath.basename(word)
        candidates = [posixpath.normpath(posixpath.join(base, source))
                      for source in copied.get(name, []) for base in dict.fromkeys([folder, ""])]
        candidates += [posixpath.join(folder, name) if folder else name, name]
        if not word.startswith("/"):
            candidates.append(posixpath.normpath(posixpath.join(folder, word)))
        for candidate in dict.fromkeys(candidates):
            if candidate.startswith("..") or candidate in (".", ""):
                continue
            raw = ctx.read(candidate)
            if raw is None or b"\0" in raw[:1024]:
                continue
            text = raw.decode("utf-8", "replace")
            if text.startswith("#!") or name.endswith((".sh", ".bash")):
                found.append((candidate, text))
                break
    return found


#: ``${NAME:-default}`` / ``${NAME-default}`` / ``${NAME:=default}``, ``${NAME}``, ``$NAME``.
_VAR_RE = lazy_pattern(r"^\$(?:\{(\w+)(?::?[-=]([^}]*))?\}|(\w+))$")
#: A shell assignment that sets a default (``APP_USER=${APP_USER:-node}``, ``export X=node``,
#: ``: ${X:=node}``).
_ASSIGN_RE = lazy_pattern(r"^(?:export\s+|readonly\s+|:\s+)?(?:(\w+)=(\S+)|(\$\{\w+:?=[^}]*\}))$")
#: Shell words that open and close a block whose body runs only on some paths.
_OPENERS = frozenset({"if", "case", "for", "while", "until", "select", "{", "("})
_CLOSERS = frozenset({"fi", "esac", "done", "}", ")"})
#: Shell words around the command a simple command runs (``then exec gosu …``).
_SHELL_WORDS = frozenset({"[[", "]]", "!", "then", "else", "do", "elif", "fi", "done", "esac",
                          "{", "}"})
_FUNCTION_RE = lazy_pattern(r"^(?:function\s+)?[\w.-]+\s*\(\s*\)\s*\{?|^function\s+[\w.-]+")


def _image_env(stages: list[Stage], final: Stage) -> dict[str, str]:
    """Return the ``ENV`` values the final stage starts with (later ones win)."""
    env: dict[str, str] = {}
    for current in reversed(ancestry(stages, final)):
        for command in current.commands:
            if command.cmd.upper() == "ENV":
                values = [str(v).strip("\"'") for v in command.value]
                for index in range(0, len(values) - 1, 2):
                    env[values[index]] = values[index + 1]
    return env


def _literal_user(word: str, env: dict[str, str]) -> str | None:
    """Return the user a drop's user word names when the start does not set it otherwise: the
    literal itself, or a variable's value from ``ENV``/the script, else its written default
    (``${APP_USER:-node}``); None when it is root or unknown (``$PUID`` with nothing setting
    it: the drop is then to whatever the caller passes, root when unset)."""
    word = word.strip("\"'")
    for _ in range(3):
        if "$" not in word:
            break
        match = _VAR_RE.match(word)
        if match is None:
            return None
        name = match.group(1) or match.group(3)
        if name in env:
            word = env[name].strip("\"'")
        elif match.group(2) is not None:
            word = match.group(2).strip("\"'")
        else:
            return None
    if "$" in word or not word or word.split(":", 1)[0] in ("root", "0", "#0"):
        return None
    return word


def _privileges(ctx: ProjectContext, rel: str, stages: list[Stage], final: Stage
                ) -> tuple[str | None, str | None]:
    """Return (how the image starts the app as another user, what at start needs root).

    The first is set when every way the start runs the app goes through a tool that switches
    to a literal non-root user (``gosu``, ``su-exec``, ``setpriv``, ``runuser``, ``chroot
    --userspec``, ``s6-setuidgid``, ``su -c``), or to a variable whose value in ``ENV`` or the
    script, or else its written default, is one: in the ``CMD``/``ENTRYPOINT`` itself, or in a
    start script of the project on an ``exec`` line or its last command, outside any ``if``,
    ``case``, loop, function or ``&&``/``||`` chain, with no other ``exec`` before it. A drop
    on one branch only (``if [ -n "$PUID" ]``, only for ``worker``), to ``${APP_USER:-root}``
    or to a variable nothing sets leaves the app running as root on some start: not credited.
    The image starts as root on purpose, to do what needs root before it drops to that user.
    The second names the first command of the start (script or ``HEALTHCHECK``) that only
    root may run (such a switch, ``chown``, ``usermod``, a package manager): a ``USER`` line
    would make it fail."""
    needs: str | None = None
    env = _image_env(stages, final)
    for kind in ("ENTRYPOINT", "CMD", "HEALTHCHECK"):
        command = next((own[-1] for current in ancestry(stages, final)
                        if (own := [c for c in current.commands if c.cmd.upper() == kind])),
                       None)
        if command is None:
            continue
        joined = " ".join(str(v) for v in command.value)
        words = [w for w in split_words(joined) if w.upper() not in ("CMD", "NONE")]
        # `CMD ["sh", "-c", "chown -R node /data && node server.js"]` (or the shell form
        # `CMD sh -c "…"`): the script's commands are the start's, as in the shell form.
        values = [str(v) for v in command.value]
        if values and values[0].upper() in ("CMD", "NONE") and kind == "HEALTHCHECK":
            values = values[1:]
        script = _inline_script(values if command.json else split_words(" ".join(values)))
        if script is not None:
            parts = _words(script)
            plain = re.sub(r"\$\{\w+(?::?[-=+][^{}]*)?\}", "$v", script)  # (`${X:-node}`)
            drop = _drop_user(parts[-1]) if kind != "HEALTHCHECK" and parts and \
                not _NOT_SEQUENCE_RE.search(plain) else None
            user = _literal_user(drop[1], env) if drop is not None else None
            if drop is not None and user is not None:
                # the last command of a plain `&&`/`;` sequence: the only way the app starts
                return (f"its `{kind}` runs the app through `{drop[0]} {user}` (line "
                        f"{command.start_line})"), None
            for part in parts:
                tool = _tool_of([w for w in part if w not in _SHELL_WORDS])
                if needs is None and tool in _ROOT_ONLY | _DROP_TOOLS:
                    needs = f"its `{kind}` runs `{tool}` (line {command.start_line})"
            continue
        drop = _drop_user(words) if kind != "HEALTHCHECK" else None
        user = _literal_user(drop[1], env) if drop is not None else None
        if drop is not None and user is not None:
            return (f"its `{kind}` runs the app through `{drop[0]} {user}` (line "
                    f"{command.start_line})"), None
        for part in _words(joined):
            tool = _tool_of([w for w in part if w.upper() != "CMD"])
            if needs is None and tool in _ROOT_ONLY | _DROP_TOOLS:
                needs = f"its `{kind}` runs `{tool}` (line {command.start_line})"
    for script, text in _start_scripts(ctx, rel, stages, final):
        lines = [(n, line.strip()) for n, line in logical_lines(text)
                 if line.strip() and not line.strip().startswith("#")]
        script_env = dict(env)
        depth = 0
        other_exec = False
        for position, (number, line) in enumerate(lines):
            chained = bool(re.search(r"&&|\|\|", line))
            if _FUNCTION_RE.match(line):
                depth += 1  # a function body runs only where it is called
            for part in _words(line):
                if part and part[0] in _OPENERS:
                    depth += 1
                if part and part[-1] in _CLOSERS or part == ["fi"]:
                    depth = max(0, depth - 1)
                words = [w for w in part if w not in _SHELL_WORDS]
                if words and words[0].endswith(")") and "(" not in words[0]:
                    words = words[1:]  # a `case` pattern (`web) exec gosu …`)
                if not words:
                    continue
                assigned = _ASSIGN_RE.match(" ".join(words))
                if assigned is not None and depth == 0 and not chained:
                    if assigned.group(1):
                        value = _literal_user(assigned.group(2), script_env)
                        script_env[assigned.group(1)] = value or "$unknown"
                    else:
                        inner = _VAR_RE.match(assigned.group(3))
                        if inner is not None and inner.group(1) not in script_env:
                            script_env[inner.group(1)] = inner.group(2) or "$unknown"
                drop = _drop_user(words) if _DROP_NEEDLE_RE.search(line) else None
                tool = _tool_of(words)
                user = _literal_user(drop[1], script_env) if drop is not None else None
                if drop is not None and user is not None and depth == 0 and not chained \
                        and not other_exec \
                        and (words[0] == "exec" or position == len(lines) - 1):
                    return (f"{script}:{number} starts the app through `{drop[0]} "
                            f"{user}`"), None
                if drop is None and words[0] == "exec" and len(words) > 1 \
                        and not re.match(r"^\d*[<>]", words[1]):
                    other_exec = True  # another way the script starts the app
                if needs is None and tool in _ROOT_ONLY | _DROP_TOOLS:
                    needs = f"{script}:{number} runs `{tool}`"
    return None, needs


#: The Docker (or Podman) API socket: whoever holds it is root on the host.
_SOCKET_RE = lazy_pattern(r"(?:^|/)(?:docker|podman)\.sock$")
_RUN_RE = lazy_pattern(r"\b(?:docker|podman)\s+(?:container\s+)?(?:run|create)\b")


#: Folders (at the root, and next to the Dockerfile) where a project keeps its documentation:
#: an install guide there runs the image as users do.
_DOC_FOLDERS = ("docs", "doc", "documentation")
_DOC_SUFFIXES = (".md", ".markdown")
#: Bounds on the documentation read: its size per file and the number of files.
_DOC_MAX_BYTES = 256_000
_DOC_MAX_FILES = 200


def _doc_files(ctx: ProjectContext, rel: str) -> list[str]:
    """Return the project's documentation that may show how users run the image: the
    READMEs and other Markdown files at the root and in the Dockerfile's folder, and the
    Markdown under their ``docs/``, ``doc/`` and ``documentation/`` folders (outside
    ``node_modules`` and the other folders no rule walks; at most ``_DOC_MAX_FILES`` files of
    ``_DOC_MAX_BYTES`` each)."""
    from nodeharden._project import files_with_suffix

    root = Path(ctx.info.root)
    found: list[str] = []
    for folder in dict.fromkeys(["", posixpath.dirname(rel)]):
        found += [posixpath.join(folder, name) if folder else name for name in _READMES]
        try:
            names = sorted(e.name for e in (root / folder).iterdir()
                           if e.is_file() and e.name.lower().endswith(_DOC_SUFFIXES))
        except OSError:
            names = []
        found += [posixpath.join(folder, name) if folder else name for name in names]
        for sub in _DOC_FOLDERS:
            directory = root / folder / sub
            if not directory.is_dir():
                continue
            for path, _ in files_with_suffix(str(directory), _DOC_SUFFIXES, _DOC_MAX_BYTES):
                found.append(Path(path).relative_to(root).as_posix())
                if len(found) > _DOC_MAX_FILES:
                    break
    return list(dict.fromkeys(found))[:_DOC_MAX_FILES]


class RunMount(NamedTuple):
    """A writable mount the project runs the image with."""

    where: str  # ``docs/install.md:27``, ``docker-compose.yml (service `web`)``
    source: str  # the host path, or the named volume's name
    target: str  # the path in the container
    named: bool  # a named volume (``data:/app/data``), not a host path


def _run_mounts(ctx: ProjectContext, rel: str, family: bool = True) -> list[RunMount]:
    """Return each writable host folder or file, and each named volume of a ``docker run``,
    the project runs this image with: bind mounts of the compose services that build it (in
    the root, the Dockerfile's folder or one folder below either, ``docker/`` with ``build:
    ..``), and the ``-v``/``--volume``/``--mount`` of a ``docker run`` in its README, its other
    documentation (``_doc_files``) or a shell script near it (``_documented_runs``: the run
    names an image built from this Dockerfile or one of the same image, or the project has no
    other Dockerfile; with ``family=False`` only an image built from this Dockerfile).
    (The named volumes of compose services are ``_named_volumes``.)"""
    found: list[RunMount] = []
    for compose, service, spec in compose_services(ctx, rel, below=True):
        for source, target, read_only in _compose_volumes(spec, "bind"):
            # (the Docker socket read-only is still the whole Docker API)
            if source.startswith(("/", ".", "~", "$")) and target and \
                    (not read_only or _SOCKET_RE.search(source)):
                found.append(RunMount(f"{compose} (service `{service}`)", source, target,
                                      False))
    for doc, number, words in _documented_runs(ctx, rel, family):
        for index, word in enumerate(words):
            mount = ""
            named_ok = False
            if word in ("-v", "--volume") and index + 1 < len(words):
                mount, named_ok = words[index + 1], True
            elif word.startswith(("--volume=", "-v=")):
                mount, named_ok = word.split("=", 1)[1], True
            elif word in ("--mount",) and index + 1 < len(words) or \
                    word.startswith("--mount="):
                value = word.split("=", 1)[1] if "=" in word else words[index + 1]
                fields = dict(f.partition("=")[::2] for f in value.split(","))
                kind = fields.get("type", "volume")
                if kind in ("bind", "volume") and "readonly" not in fields and \
                        fields.get("ro") is None:
                    mount = f"{fields.get('source') or fields.get('src', '')}:" \
                           f"{fields.get('target') or fields.get('dst', '')}"
                    named_ok = kind == "volume"
            parts = mount.split(":")
            if len(parts) < 2 or (len(parts) > 2 and "ro" in parts[2].split(",")
                                  and not _SOCKET_RE.search(parts[0])):
                continue
            if parts[0].startswith(("/", ".", "~", "$")):
                found.append(RunMount(f"{doc}:{number}", parts[0], parts[1], False))
            elif named_ok and _VOLUME_NAME_RE.match(parts[0]) and \
                    parts[1].startswith("/"):
                found.append(RunMount(f"{doc}:{number}", parts[0], parts[1], True))
    return found


def _documented_runs(ctx: ProjectContext, rel: str, family: bool = True
                     ) -> Iterable[tuple[str, int, list[str]]]:
    """Yield (file, line, words after ``run``) for each ``docker run``/``docker create`` of the
    project's documentation (``_doc_files``) and of the shell scripts near the Dockerfile that
    runs this image: one built from it or, with ``family``, from a Dockerfile of the same
    image (``_family_images``), or any image when the project has no other Dockerfile.

    The family counts where a run's options decide only whether a fix is offered (a device,
    the mounts the fix makes writable); the Docker-socket skip, which drops the finding, reads
    only the runs of this Dockerfile's own images: a sibling run with the socket says nothing
    about how this image runs."""
    images = _family_images(ctx, rel) if family else built_images(ctx, rel)
    alone = len(ctx.files_of("dockerfile")) <= 1
    scripts = nearby_files(ctx, rel, lambda n: n.endswith((".sh", ".bash")))
    for doc in [*_doc_files(ctx, rel), *scripts]:
        raw = ctx.read(doc)
        if raw is None or not _RUN_RE.search(raw.decode("utf-8", "replace")):
            continue
        for number, line in logical_lines(raw.decode("utf-8", "replace")):
            match = _RUN_RE.search(line)
            if match is None:
                continue
            words = [w.strip("\"'") for w in split_words(line[match.end():])]
            if not alone and not any(w and not w.startswith("-") and "$" not in w
                                     and any(same_image(w, image) for image in images)
                                     for w in words):
                continue
            yield doc, number, words


def _final_shape(ctx: ProjectContext, rel: str) -> tuple[str, str] | None:
    """Return (WORKDIR, start command) of a Dockerfile's final stage, or None when it has no
    start command of its own or its ancestry's (parsed once per file for a run)."""
    shapes: dict[str, tuple[str, str] | None] = ctx.extra.setdefault("dockerfile-user.shape", {})
    if rel not in shapes:
        raw = ctx.read(rel)
        stages = parse_stages(raw.decode("utf-8", "replace")) if raw is not None else []
        shape: tuple[str, str] | None = None
        if stages:
            workdir = ""
            start: dict[str, str] = {}
            for current in reversed(ancestry(stages, stages[-1])):
                for command in current.commands:
                    kind = command.cmd.upper()
                    if kind == "WORKDIR" and command.value:
                        workdir = _resolve(workdir, command.value[0])
                    elif kind in _START:
                        start[kind] = " ".join(split_words(" ".join(map(str, command.value))))
            if start:
                shape = workdir, " | ".join(f"{k} {start[k]}" for k in sorted(start))
        shapes[rel] = shape
    return shapes[rel]


def _family_images(ctx: ProjectContext, rel: str) -> list[tuple[str, str]]:
    """Return the images built from this Dockerfile (``built_images``) and from the project's
    other Dockerfiles whose final stage has the same WORKDIR and start command: alternate
    builds of one image (``Dockerfile.debian`` beside an Alpine ``Dockerfile``), which users
    run the same way, so the documented runs of one are the runs of all."""
    images = list(built_images(ctx, rel))
    shape = _final_shape(ctx, rel)
    if shape is not None:
        for other in ctx.files_of("dockerfile"):
            if other.rel != rel and _final_shape(ctx, other.rel) == shape:
                images += built_images(ctx, other.rel)
    return list(dict.fromkeys(images))


def _device_access(ctx: ProjectContext, rel: str) -> str | None:
    """Return where the project runs this image with access to the host's devices, or None:
    a ``--device``, ``--privileged`` or ``/dev/…`` volume in a documented ``docker run``
    (``_documented_runs``), or ``devices:``, ``privileged: true`` or a ``/dev/…`` volume on a
    compose service that builds this Dockerfile (or one of the same image) or runs an image
    built from them. A device node keeps its host owner and mode in the container (a serial
    adapter is root:dialout 0660): the app opens it as root, which a USER line would stop."""
    family = [rel, *(f.rel for f in ctx.files_of("dockerfile")
                     if f.rel != rel and _final_shape(ctx, rel) is not None
                     and _final_shape(ctx, f.rel) == _final_shape(ctx, rel))]
    images = _family_images(ctx, rel)
    building = {(compose, service) for member in family
                for compose, service, _ in compose_services(ctx, member, below=True)}
    folders = dict.fromkeys(["", *(posixpath.dirname(member) for member in family)])
    composes = [c for folder in folders for c in _compose_files(ctx, folder)]
    composes += sorted({c for c, _ in building if c not in composes})  # (one folder down)
    for compose in composes:
        data = compose_data(ctx, compose)
        services = data.get("services") if isinstance(data, dict) else None
        for service, spec in (services or {}).items() if isinstance(services, dict) else ():
            if not isinstance(spec, dict):
                continue
            image = spec.get("image")
            if (compose, str(service)) not in building and not (
                    isinstance(image, str) and "$" not in image
                    and any(same_image(image, built) for built in images)):
                continue
            where = f"{compose} (service `{service}`)"
            devices = spec.get("devices")
            if isinstance(devices, list) and devices:
                return f"{where} maps the host device `{str(devices[0]).split(':', 1)[0]}`"
            if spec.get("privileged") is True:
                return f"{where} runs it privileged"
            for source, _, _ in _compose_volumes(spec, "bind"):
                if source.startswith("/dev/"):
                    return f"{where} mounts the host device `{source}`"
    for doc, number, words in _documented_runs(ctx, rel):
        for index, word in enumerate(words):
            if word == "--device" and index + 1 < len(words) or word.startswith("--device="):
                value = word.split("=", 1)[1] if "=" in word else words[index + 1]
                return f"{doc}:{number} runs it with `--device={value}`"
            if word == "--privileged" or word == "--privileged=true":
                return f"{doc}:{number} runs it with `--privileged`"
            if word in ("-v", "--volume") and index + 1 < len(words) and \
                    words[index + 1].startswith("/dev/") or word.startswith(
                        ("-v=/dev/", "--volume=/dev/")):
                value = words[index + 1] if "=" not in word else word.split("=", 1)[1]
                return f"{doc}:{number} mounts the host device `{value.split(':', 1)[0]}`"
    return None


#: A named volume's name as ``docker volume create`` accepts it.
_VOLUME_NAME_RE = lazy_pattern(r"^[A-Za-z0-9][\w.-]*$")
#: A path whose last part has an extension (``config.json``, ``db.sqlite``): a file, not a
#: folder, as far as the path tells.
_FILE_NAME_RE = lazy_pattern(r"[^/.][^/]*\.[A-Za-z0-9]{1,10}$")


def _app_write_dirs(stages: list[Stage], stage: Stage, words: dict[tuple[int, int], str]
                    ) -> list[str]:
    """Return the folders the app keeps its state in, as far as the image tells: its final
    ``WORKDIR`` (one named by a variable with the value ``words`` gives it), its ``VOLUME``
    paths and the folders a ``RUN`` makes for it (``mkdir``, ``touch``; inside the WORKDIR or
    outside the system's folders)."""
    workdir = ""
    made: list[str] = []
    volumes: list[str] = []
    for current in reversed(ancestry(stages, stage)):
        for command in current.commands:
            kind = command.cmd.upper()
            if kind == "WORKDIR" and command.value:
                workdir = _resolve(workdir, _workdir_word(words, current, command))
            elif kind == "VOLUME":
                volumes.extend(_resolve(workdir, v) for v in command.value if v.strip())
            elif kind == "RUN" and not command.json:
                _mkdirs(" ".join(command.value), workdir, made, [])
    dirs = [workdir, *volumes, *(d for d in made if _app_dir(d, workdir))]
    return [d for d in dict.fromkeys(dirs) if d and d != "/" and "$" not in d]


def _state_mount(mount: RunMount, dirs: list[str]) -> bool:
    """Return True when ``mount`` keeps the app's state: a named volume (it exists to keep
    data, as in compose), or a host folder over a folder the app keeps its state in
    (``dirs``), the folder itself or one inside it; not a file (as far as its name tells) and
    not the Docker socket."""
    target = posixpath.normpath(mount.target.strip()) if mount.target.startswith("/") else ""
    if not target or target == "/" or _SOCKET_RE.search(mount.source):
        return False
    if mount.named:
        return True
    if _FILE_NAME_RE.search(target):
        return False
    return any(target == d or target.startswith(d.rstrip("/") + "/") for d in dirs)


def _chainable(command: Any) -> bool:
    """Return True when `` && more`` appended to a shell-form RUN runs after everything it
    runs: a plain ``&&`` chain (pipes too), without ``;``, ``||``, ``exit``, a background
    ``&``, a comment or shell control flow, whose order with an appended command is not a
    simple sequence (``adduser app; exit 0 && chown …`` never runs the chown)."""
    if command.json or command.heredocs:
        return False
    joined = " ".join(str(v) for v in command.value)
    return not re.search(r";|\|\||(?<!&)&(?!&)|#|\b(?:exit|if|then|fi|case|esac|for|while|"
                         r"until|do|done|return|set\s+\+e)\b", joined)


def _low_port(stage: Stage) -> bool:
    for command in stage.commands:
        if command.cmd.upper() == "EXPOSE":
            for value in command.value:
                port = value.split("/", 1)[0]
                if port.isdigit() and int(port) < 1024:
                    return True
    return False


def _chown_edits(source: bytes, stage: Stage, owner: str, after_line: int = 0
                 ) -> list[TextEdit]:
    """Return edits adding ``--chown=owner`` (``user:group``) to the stage's COPY/ADD lines
    that lack it, from ``after_line`` on (where the stage creates the user it reuses: a
    ``--chown`` naming a user that does not exist yet fails the build)."""
    edits: list[TextEdit] = []
    offsets = line_offsets(source)
    for command in stage.commands:
        if command.cmd.upper() not in ("COPY", "ADD") or command.start_line < after_line:
            continue
        if any(flag.lower().startswith("--chown") for flag in command.flags):
            continue
        start = offsets[command.start_line - 1]
        match = re.compile(rb"[ \t]*(copy|add)[ \t]+", re.IGNORECASE).match(source, start)
        if match is None:
            continue
        edits.append(TextEdit(match.end(), match.end(), f"--chown={owner} "))
    return edits


#: The Docker (or Podman) API socket's path written in the app's code.
_SOCKET_PATH_RE = lazy_pattern(rb"/(?:var/)?run/(?:docker|podman)\.sock\b")


def _code_opens_socket(ctx: ProjectContext, dockerfile_rel: str) -> str | None:
    """Return ``file:line`` of the first application file in the Dockerfile's folder (its
    build context) that names the Docker socket's path (``new Docker({ socketPath:
    '/var/run/docker.sock' })``), or None."""
    folder = posixpath.dirname(dockerfile_rel)
    for rel in sorted(ctx.facts):
        if folder and not rel.startswith(folder + "/"):
            continue
        data = ctx.read(rel) or b""
        if b".sock" not in data:
            continue
        match = _SOCKET_PATH_RE.search(data)
        if match is not None:
            line = data.count(b"\n", 0, match.start()) + 1
            return f"{rel}:{line}"
    return None


#: Calls that create, change or remove files or folders (fs, fs/promises, fs-extra, mkdirp,
#: multer's disk storage), and file log transports (winston, pino): where an app makes them,
#: it may write in its own folder.
_WRITES_RE = lazy_pattern(
    rb"\b(?:writeFile|appendFile|createWriteStream|mkdir|mkdtemp|rename|copyFile|cp|rm|rmdir|"
    rb"unlink|symlink|link|truncate|outputFile|outputJson|outputJSON|writeJson|writeJSON|"
    rb"ensureDir|ensureFile|mkdirp|mkdirs|move|emptyDir|diskStorage|destination)"
    rb"(?:Sync)?\s*\(|\btransports\.File\b|['\"]pino/file['\"]|\bmv\s*\(")
#: Packages that write in the folder the app runs from: embedded databases, uploads, file
#: sessions and logs, caches of require hooks, frameworks that keep a build cache there.
_WRITER_PACKAGES = frozenset({
    "sqlite3", "better-sqlite3", "sqlite", "lowdb", "nedb", "@seald-io/nedb", "node-persist",
    "level", "classic-level", "node-json-db", "multer", "formidable", "express-fileupload",
    "busboy", "connect-busboy", "session-file-store", "connect-sqlite3", "node-localstorage",
    "winston-daily-rotate-file", "file-stream-rotator", "rotating-file-stream", "log4js",
    "@babel/register", "babel-register", "esm", "next", "@strapi/strapi", "strapi", "sails",
    "ghost", "@keystone-6/core", "payload"})


def _app_writes(ctx: ProjectContext, rel: str, stages: list[Stage], stage: Stage) -> str | None:
    """Return why the app this image runs may write in its own folder (``file:line`` of a call
    that writes files, a dependency that does, or code the project does not hold), or None
    when nothing shows it: the image starts a static file server (``serve -s dist``), or its
    code (the JavaScript below the folder whose package the image runs, tests left out) makes
    no call that creates, changes or removes a file and its package.json has no dependency that
    does (an embedded database, uploads, file logs, a require hook's cache). An image whose
    folder holds no code of the project (it installs the app from the registry) may write
    anywhere, as far as the project shows."""
    import json

    from nodeharden.rules._base import is_test_file
    from nodeharden.rules._production import file_server, image_package_folder, production_starts

    folder = image_package_folder(ctx, rel, stage)
    starts = production_starts(ctx, rel, stages, stage)
    if starts and all(file_server(ctx, folder, start) for start in starts):
        return None  # it serves files: the server writes nothing there
    manifest = ctx.read(posixpath.join(folder, "package.json") if folder else "package.json")
    try:
        data = json.loads(manifest or b"{}")
    except ValueError:
        data = {}
    deps = data.get("dependencies") if isinstance(data, dict) else None
    writer = next((name for name in (deps if isinstance(deps, dict) else {})
                   if name in _WRITER_PACKAGES), None)
    if writer is not None:
        return f"it depends on `{writer}`"
    code = [path for path in sorted(ctx.facts)
            if not (folder and not path.startswith(folder + "/") or is_test_file(path))]
    if not code:
        return f"the project holds no code of the app in {folder or 'its root'}"
    for path in code:
        source = ctx.read(path) or b""
        match = _WRITES_RE.search(source)
        if match is not None:
            line = source.count(b"\n", 0, match.start()) + 1
            return f"{path}:{line}"
    return None


class DockerfileUser(Rule):
    """A Dockerfile whose final stage runs as root."""

    id = "dockerfile-user"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        for file in ctx.files_of("dockerfile"):
            source = ctx.read(file.rel)
            if source is None or development_image(ctx, file.rel):
                continue  # a development container: the source comes from the host
            if action_image(ctx, file.rel) is not None:
                # A GitHub Action's image: GitHub documents that a Docker action must run as
                # the default user, root (it mounts the workspace and the runner's files,
                # owned by the runner, and the action writes there), and a composite action
                # that `docker run`s its image binds the runner's folders the same way. A
                # USER line breaks the action and lowers nothing: the job that runs it holds
                # the runner's Docker daemon (root on the runner) and, on hosted runners, sudo.
                continue
            stages = parse_stages(source.decode("utf-8", "replace"))
            if not stages:
                continue
            final = stages[-1]
            user, set_by = effective_user(stages, final)
            if not is_root(user):
                continue
            if user is None and nonroot_base(base_image(stages, final)):
                continue  # the base image already runs as a non-root user
            parent = project_base(ctx, file.rel, base_image(stages, final)) \
                if user is None else None
            if parent is not None and not is_root(effective_user(parent[2], parent[2][-1])[0]):
                continue  # built on the project's own base image, which sets a non-root USER
            if base_image_of(ctx, file.rel) is not None:
                continue  # a base image: the Dockerfile built on it runs the app, judged there
            drop, needs = _privileges(ctx, file.rel, stages, final)
            if drop is not None:
                continue  # starts as root on purpose and runs the app as another user
            if _compose_user(ctx, file.rel) is not None:
                continue  # every compose service that runs it sets a non-root `user:`
            if any(_SOCKET_RE.search(m.source)
                   for m in _run_mounts(ctx, file.rel, family=False) if not m.named):
                continue  # drives the host's Docker daemon: root on the host whatever its USER
            # The runs of the same image's other Dockerfiles count for the fix's mounts; their
            # Docker socket is theirs (this image's own socket run was skipped just above).
            mounts = [m for m in _run_mounts(ctx, file.rel)
                      if m.named or not _SOCKET_RE.search(m.source)]
            if user is None:
                message = "the final stage has no USER instruction, so the app runs as root"
            else:
                message = f"the final stage runs as `{user}`; switch to a non-root user"
            service = service_image(base_image(stages, final))
            if service is not None:
                yield ctx.line_finding(
                    self.id, file.rel, final.from_line,
                    f"{message}; the official `{service}` image starts as root and hands its "
                    "service and data to its own user, so a USER line would break it (report "
                    "only: run it with the user its documentation gives, or use an unprivileged "
                    "variant of the image)")
                continue
            home = _root_home_use(stages, final)
            if home is not None:
                line, what, by_name = home
                yield ctx.line_finding(
                    self.id, file.rel, final.from_line,
                    f"{message}; not fixed: the image puts what the app uses under /root, root's "
                    f"home ({what}, line {line}), and /root is mode 700, so a non-root user could "
                    "not reach it (install it elsewhere, e.g. /usr/local or /opt, then switch "
                    "USER)" if not by_name else
                    f"{message}; not fixed: the image is built for the home folder of the user it "
                    f"builds as, root's /root ({what}, line {line}); a USER line gives the app "
                    "another home ($HOME changes with the user), so it would not find what is "
                    "there (put it in a folder of its own, e.g. under the WORKDIR, or make it in "
                    "the new user's home after the USER line, then switch USER)")
                continue
            host = _host_root_mount(ctx, file.rel)
            if host is not None:
                yield ctx.line_finding(
                    self.id, file.rel, final.from_line,
                    f"{message}; not fixed: {host}, the host's whole filesystem, whose files "
                    "belong to many users: the app is meant to work on them as root, which a "
                    "non-root user could not (if it need not, drop that mount from the "
                    "documentation and switch USER)")
                continue
            if needs is not None:
                yield ctx.line_finding(
                    self.id, file.rel, final.from_line,
                    f"{message}; not fixed: {needs}, which only root may run, so a USER line "
                    "would stop the image from starting or from passing its health check (do "
                    "that at build time, or end the start script with `exec gosu <user> …` so "
                    "only the app drops to the user)")
                continue
            if _code_opens_socket(ctx, file.rel) is not None:
                # The app drives the host's Docker daemon through its socket (root:docker
                # 0660: a USER line would stop it opening it), and with the socket the
                # container is root on the host whatever its USER, as for a socket run above.
                continue
            # `USER root` written in the Dockerfile: the author chose root for the app.
            chosen = None if user is None else \
                f"the final stage sets `USER {user}` (line {getattr(set_by, 'start_line', '?')})" \
                ", so the app runs as root"
            device = _device_access(ctx, file.rel)
            if device is not None:
                yield ctx.line_finding(
                    self.id, file.rel, final.from_line,
                    f"{chosen or message}; not fixed: {device}, and a device node keeps its "
                    "host owner and mode in the container (a serial adapter is root:dialout "
                    "0660), so the app opens it as root and a non-root user could not (to "
                    "switch USER, add "
                    "the user to the device's group: `--group-add`/compose `group_add`, or "
                    "create it in that group)")
                continue
            if chosen is not None:
                yield ctx.line_finding(
                    self.id, file.rel, final.from_line,
                    f"{chosen}; not fixed: that line is the author's, a deliberate choice of "
                    "root for the running app; if it does not need root (a device, a low port, "
                    "files shared with the host), end the final stage with a non-root USER")
                continue
            banner = generated_banner(source)
            if banner is not None:
                yield ctx.line_finding(self.id, file.rel, final.from_line,
                                       f"{message}; {generated_note(banner)}")
                continue
            yield ctx.line_finding(self.id, file.rel, final.from_line, message,
                                   self._fix(ctx, file.rel, source, stages, final, mounts))

    def _fix(self, ctx: ProjectContext, rel: str, source: bytes, stages: list[Stage],
             final: Stage, mounts: list[RunMount]) -> Fix | None:
        image = base_image(stages, final)
        if image.startswith("scratch"):
            return None
        existing = created_users(stages, final)
        after_line = 0
        data: list[str] = []
        if existing:
            # The image already creates its own user: run as that one.
            user, group, create, safe = existing[-1].name, existing[-1].group, None, True
            if existing[-1].stage == final.index:
                after_line = existing[-1].line
            # ...and gives it a data folder, yet runs as root: left so on purpose (the user is
            # there for `docker run --user`); data earlier images wrote there as root stays
            # root's in every existing volume, which a USER line would make unwritable.
            data = _given_to(final, user)
            if data:
                safe = False
        else:
            user, create, safe = _user_plan(image)
            group = user
            if any(stage.base_from_arg for stage in ancestry(stages, final)):
                # `FROM ${BASE}`: the default image is read, but a build may pass another one
                # (`--build-arg BASE=…`), with other users and other tools to make one.
                safe = False
        owner = f"{user}:{group}" if group else user
        if _low_port(final):
            safe = False
        # A host folder (or a named volume of a documented `docker run`) over a folder the app
        # keeps its state in: what installs wrote there as root stays root's.
        words = _workdir_words(source, stages, final)
        dirs = _app_write_dirs(stages, final, words)
        volumes = _named_volumes(ctx, rel, dirs)
        # A new named volume takes the owner of the image's folder it is mounted on, and is
        # root's when the image has none: the fix makes and chowns the app's ones.
        mounted = tuple(dict.fromkeys(
            path for path in (posixpath.normpath(v[3]) for v in volumes)
            if "$" not in path and (_app_dir(path, "") or _inside(path, dirs))))
        state = [m for m in mounts if _state_mount(m, dirs)]
        if volumes or state:
            safe = False
        notes = [m for m in mounts if not m.named and m not in state]
        edits: list[TextEdit] = []
        if create:
            # The user must exist before any COPY --chown names it: create it right after FROM.
            edits.append(insert_before_line(source, final.from_line + _from_span(final), create
                                            + "\n"))
        # The app's folder and code become the user's only where the app may write there: else
        # they stay root's, so the process serving traffic cannot change its own code.
        written = _app_writes(ctx, rel, stages, final) is not None
        if written:
            edits.extend(_chown_edits(source, final, owner, after_line))
        line = insertion_line(source, final, ("RUN", "USER"), _START)
        new_run = ""
        unknown: list[str] = []
        if not _DISTROLESS_RE.match(image):  # distroless has no shell to chown with
            ownership, new_run, unknown = _ownership_edits(source, stages, final, owner, line,
                                                           after_line, words, mounted, written)
            edits.extend(ownership)
        if unknown:
            safe = False
        edits.append(insert_before_line(source, line, f"{new_run}USER {user}\n"))
        title = f"Run the final stage as `{user}`" + (
            " (created as a system user)" if create else
            " (the user the image creates)" if existing else "")
        if volumes:
            compose, service, volume, path, ran = volumes[0]
            more = f" (and {len(volumes) - 1} more)" if len(volumes) > 1 else ""
            runs = (f" (its service `{service}` runs `{ran}`, taken for this image: the volume "
                    "lies in a folder the image gives the app)") if ran else ""
            title += (f" (unsafe: {compose}{runs} mounts the named volume `{volume}` at "
                      f"{path}{more}; a "
                      "volume that already exists keeps the root ownership of the files the "
                      f"app wrote as root, so `{user}` could no longer write there: give it to "
                      f"`{owner}` once, e.g. `docker compose run --rm --user root {service} "
                      f"chown -R {owner} {path}`, before deploying)")
        if data:
            title += (f" (unsafe: the image gives {data[0]} to `{user}` but runs as root; "
                      f"volumes that earlier images wrote at {data[0]} as root stay root's, so "
                      f"`{user}` could no longer write there: chown them once in every "
                      "existing install, or tell users to run with `--user`)")
        if unknown:
            paths = ", ".join(f"`{d}`" for d in unknown)
            in_home = any(d.startswith(("~", "$HOME")) for d in unknown)
            named_by = "the home folder ($HOME) or an ARG or ENV" if in_home else "an ARG or ENV"
            title += (f" (unsafe: the stage makes {paths} as root from {named_by} the fix does "
                      f"not resolve; if the app writes there, give it to `{owner}` too, e.g. "
                      f"`chown {owner}` in the RUN that makes it)")
        uid = "uid 1000" if user == "node" else "its uid"
        if state:
            first = state[0]
            more = f" (and {len(state) - 1} more)" if len(state) > 1 else ""
            if first.named:
                what = (f"mounts the named volume `{first.source}` at {first.target}{more}, "
                        "where the app keeps its data; a volume that already exists keeps the "
                        "root ownership of the files the app wrote as root")
                once = (f"`docker run --rm --user root -v {first.source}:{first.target} <image> "
                        f"chown -R {owner} {first.target}`")
            else:
                what = (f"mounts the host's `{first.source}` at {first.target}{more}, where the "
                        "app keeps its data; the files existing installs wrote there as root "
                        "stay root's, and Docker never changes a host folder's owner")
                chown = "1000:1000" if user == "node" else "<uid>:<gid>"
                once = f"`chown -R {chown} {first.source}` on the host"
            title += (f" (unsafe: {first.where} {what}, so `{user}` ({uid}) could no longer "
                      f"write there: every install must give it to `{user}` once, e.g. {once}, "
                      "before upgrading, or run the container with `--user`)")
        if notes:
            first = notes[0]
            more = f" (and {len(notes) - 1} more)" if len(notes) > 1 else ""
            title += (f" (note: {first.where} mounts the host's `{first.source}` at "
                      f"{first.target}{more}; `{user}` "
                      f"({uid}) can write there only if the host folder lets it: give the "
                      f"folder to that uid on the host{', e.g. `chown 1000:1000`' if user == 'node' else ''}"
                      ", or run the container with `--user`)")
        return Fix(title=title, applicability="safe" if safe else "unsafe",
                   changes=(FileChange(rel, tuple(edits)),))


def _from_span(stage: Stage) -> int:
    """Return how many lines the stage's FROM instruction takes (continuations included)."""
    first = stage.commands[0].start_line if stage.commands else stage.from_line + 1
    return max(1, first - stage.from_line) if stage.commands else 1


RULE = DockerfileUser()
