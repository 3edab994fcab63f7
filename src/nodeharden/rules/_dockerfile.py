"""Dockerfile reading shared by the Dockerfile rules: build stages (from the engine's one
parse, ``_roles.parse_dockerfile``), the user a stage runs as, and whole-line insertions at
instruction boundaries."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nodeharden._model import TextEdit
from nodeharden._project import folders_up_to_top, is_dockerfile_name
from nodeharden._record import field, record
from nodeharden._regex import lazy_pattern
from nodeharden._roles import parse_dockerfile, says_generated
from nodeharden.rules._compose import (
    _compose_files,
    compose_command,
    compose_data,
    compose_services,
)

if TYPE_CHECKING:
    from nodeharden.rules._base import ProjectContext


@record
class Stage:
    """One build stage: its FROM instruction and the instructions after it."""

    index: int
    base: str  # image reference or earlier stage name, as written
    alias: str | None
    from_line: int
    commands: list[Any] = field(default_factory=list)  # dockerfile.Command
    #: The image's name came from a global ARG's default (``FROM ${BASE}``, not a tag's
    #: ``node:${VERSION}``): a build may pass another image.
    base_from_arg: bool = False


def parse_stages(text: str) -> list[Stage] | None:
    """Return the build stages of a Dockerfile, or None when it does not parse."""
    commands = parse_dockerfile(text)
    if commands is None:
        return None
    stages: list[Stage] = []
    # The ARGs before the first FROM, which FROM lines may use.
    global_args: dict[str, str | None] = {}
    for command in commands:
        name = command.cmd.upper()
        if name == "FROM":
            values = [v for v in command.value if v]
            alias = values[2] if len(values) >= 3 and values[1].upper() == "AS" else None
            # a global ARG's default put in (`FROM ${BASE_DISTRO}`); as written when unknown
            base = (expand(values[0], global_args) or values[0]) if values else ""
            # (`node:${NODE_VERSION}-alpine` keeps its image; `${BASE_DISTRO}` chooses it)
            stages.append(Stage(len(stages), base, alias, command.start_line,
                                base_from_arg=bool(values) and base != values[0]
                                and "$" in re.split(r"[:@]", values[0], maxsplit=1)[0]))
        elif stages:
            stages[-1].commands.append(command)
        elif name == "ARG":
            for value in command.value:
                key, eq, default = unquote(str(value)).partition("=")
                global_args[key] = expand(unquote(default), global_args) if eq else None
    return stages or None


def unquote(value: str) -> str:
    """Return a Dockerfile word without its surrounding quotes."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


#: A variable reference of a Dockerfile word: ``$NAME``, ``${NAME}``, and ``${NAME:-word}``,
#: ``${NAME-word}``, ``${NAME:+word}``, ``${NAME+word}`` (the word may hold one more level of
#: ``${…}``); other forms (``${NAME#pattern}``…) are left for the caller to treat as unknown.
_DF_VAR_RE = lazy_pattern(r"\$(?:(\w+)|\{(\w+)(?:(:?[-+])((?:[^{}]|\{[^{}]*\})*))?\})")


def expand(word: str, scope: dict[str, str | None]) -> str | None:
    """Return a Dockerfile word with its variables replaced as the build does by default, from
    ``scope`` (name -> value; None for one the Dockerfile declares without a value it knows:
    an ``ARG`` with no default, an ``ENV`` built from an unknown), or None when it depends on an
    unknown: a name the Dockerfile does not set (the base image's ENV, a build arg), a form
    this does not follow. ``${NAME:-word}`` falls back to ``word`` when ``NAME`` is unset or,
    for an ``ARG`` with no default, not passed."""
    unknown = False

    def one(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match.group(1) or match.group(2)
        value = scope.get(name)
        operator = match.group(3)
        if operator is None:
            if value is None:
                unknown = True
            return value or ""
        if operator.startswith(":") and value == "":
            value = None
        if operator.endswith("-"):
            if value is not None:
                return value
            fallback = expand(match.group(4) or "", scope)
        else:  # `+`: the word when the name is set, else nothing
            if value is None and name in scope:
                unknown = True
                return ""
            fallback = expand(match.group(4) or "", scope) if value is not None else ""
        if fallback is None:
            unknown = True
        return fallback or ""

    expanded = _DF_VAR_RE.sub(one, word)
    return None if unknown or "$" in expanded else expanded


def ancestry(stages: list[Stage], stage: Stage) -> list[Stage]:
    """Return ``stage`` and the earlier stages it is built ``FROM``, nearest first."""
    chain = [stage]
    by_alias = {s.alias.lower(): s for s in stages if s.alias}
    current = stage
    while current.base.lower() in by_alias:
        parent = by_alias[current.base.lower()]
        if parent.index >= current.index or parent in chain:
            break
        chain.append(parent)
        current = parent
    return chain


def base_image(stages: list[Stage], stage: Stage) -> str:
    """Return the image the stage finally builds on (through earlier stages)."""
    return ancestry(stages, stage)[-1].base.lower()


def effective_user(stages: list[Stage], stage: Stage) -> tuple[str | None, object | None]:
    """Return the user the stage's commands end up running as, and the USER command that set it
    (None, None when no USER applies)."""
    for current in ancestry(stages, stage):
        users = [c for c in current.commands if c.cmd.upper() == "USER"]
        if users:
            value = users[-1].value[0] if users[-1].value else ""
            return value, users[-1]
    return None, None


def is_root(user: str | None) -> bool:
    """Return True when a USER value means root (missing counts as root)."""
    if user is None:
        return True
    name = user.split(":", 1)[0].strip()
    return name in ("root", "0", "")


def line_offsets(source: bytes) -> list[int]:
    """Return the byte offset where each 1-based line starts (index 0 is line 1)."""
    offsets = [0]
    for i, byte in enumerate(source):
        if byte == 10:
            offsets.append(i + 1)
    return offsets


def insertion_line(source: bytes, stage: Stage, after_kinds: tuple[str, ...],
                   before_kinds: tuple[str, ...]) -> int:
    """Return the 1-based line before which new instructions go: before the first instruction
    of ``before_kinds`` that follows the last of ``after_kinds`` (and above the comment lines
    right over it), else after the stage's last instruction."""
    last_after = 0
    for command in stage.commands:
        if command.cmd.upper() in after_kinds:
            last_after = max(last_after, command.end_line)
    lines = source.split(b"\n")
    for command in stage.commands:
        if command.start_line > last_after and command.cmd.upper() in before_kinds:
            line: int = command.start_line
            while line > last_after + 1 and lines[line - 2].lstrip().startswith(b"#") \
                    and b"nodeharden-ignore" not in lines[line - 2]:
                line -= 1
            return line
    end: int = max([stage.from_line, *(c.end_line for c in stage.commands)])
    return end + 1


def insert_before_line(source: bytes, line: int, text: str) -> TextEdit:
    """Return an edit that inserts ``text`` (whole lines ending in a newline) before 1-based
    ``line``, or at the end of the file."""
    offsets = line_offsets(source)
    if line - 1 < len(offsets) and offsets[line - 1] < len(source):
        at = offsets[line - 1]
        return TextEdit(at, at, text)
    at = len(source)
    prefix = "" if source.endswith(b"\n") or not source else "\n"
    return TextEdit(at, at, prefix + text)


#: Words of a generated file's header that say hand edits do not last: a scaffold's header
#: ("This file is generated by Nx. Tip: modify …", written once and then the project's own)
#: says none of them.
_NO_EDIT_RE = lazy_pattern(
    r"(?i)@generated|\b(?:do not|don't|never)\s+(?:edit|modify|change)\b"
    r"|\bwill be (?:overwritten|lost|regenerated|replaced)\b")


def generated_banner(source: bytes) -> str | None:
    """Return the comment block a Dockerfile opens with (its text, ``#`` marks dropped, cut
    to 160 characters) when it says the file is generated (``_roles.says_generated``) and that
    edits do not last ("This file was auto-generated, do not edit it directly"): an edit there
    is overwritten the next time its generator runs. None otherwise, a scaffold's header
    ("This file is generated by Nx", then the project's to edit) too. Only the comments
    before the first instruction count (parser directives and blank lines included): a
    comment further down speaks of the lines near it."""
    comments: list[str] = []
    for raw in source[:4096].decode("utf-8", "replace").splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        comments.append(line)
    text = " ".join(c.lstrip("#").strip() for c in comments if c.lstrip("#").strip())
    if not text or not says_generated("\n".join(comments).encode()) \
            or not _NO_EDIT_RE.search(text):
        return None
    return text if len(text) <= 160 else text[:157].rstrip() + "..."


def generated_note(banner: str) -> str:
    """Return the words a Dockerfile rule adds to a finding it leaves unfixed because the
    Dockerfile is generated (``banner``, from ``generated_banner``)."""
    return (f"not fixed: the Dockerfile says it is generated (\"{banner}\"), so an edit here "
            "would be overwritten: make the change in what generates it")


# --- Images the repository builds, and which Dockerfile builds on which -------------------

#: A build command: ``docker build``, ``docker buildx build``, ``docker image build``, ``podman
#: build``, ``buildah bud``.
_BUILD_RE = lazy_pattern(r"\b(?:docker\s+(?:image\s+)?(?:buildx\s+)?build|podman\s+build|"
                         r"buildah\s+(?:bud|build))\b")
_COMMAND_END_RE = lazy_pattern(r"&&|\|\||;|\||\n")
_WORD_RE = lazy_pattern(r"[a-z0-9]+")
#: Folders where build and run scripts usually live (relative to the root or the Dockerfile).
SCRIPT_FOLDERS = ("", "docker", ".docker", "scripts", "bin", "build", "deploy", "tools")


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Return (1-based first line, text) of each shell line, backslash continuations joined."""
    lines = text.splitlines()
    result: list[tuple[int, str]] = []
    number = 0
    while number < len(lines):
        start, line = number, lines[number]
        while line.rstrip().endswith("\\") and number + 1 < len(lines):
            number += 1
            line = line.rstrip()[:-1] + " " + lines[number]
        number += 1
        result.append((start + 1, line))
    return result


def split_words(command: str) -> list[str]:
    """Return the words of one shell command (quotes removed; plain split when unbalanced)."""
    import shlex

    try:
        return shlex.split(command, comments=False)
    except ValueError:
        return command.split()


def nearby_files(ctx: ProjectContext, dockerfile_rel: str,
                 accept: Callable[[str], bool]) -> list[str]:
    """Return the files (relative to the root) whose name ``accept`` takes, in the folders
    where a project keeps its Dockerfiles and build or run scripts: the root, the
    Dockerfile's folder and the one above it, and their ``docker/``, ``scripts/``, ``bin/``…
    subfolders."""
    folder = posixpath.dirname(dockerfile_rel)
    bases = dict.fromkeys(["", folder, posixpath.dirname(folder)])
    found: list[str] = []
    for base in bases:
        for sub in SCRIPT_FOLDERS:
            rel_dir = posixpath.join(base, sub) if base else sub
            directory = Path(ctx.info.root) / rel_dir
            try:
                names = sorted(e.name for e in directory.iterdir() if e.is_file())
            except OSError:
                continue
            found += [posixpath.join(rel_dir, n) if rel_dir else n for n in names if accept(n)]
    return list(dict.fromkeys(found))


def _is_dockerfile(name: str) -> bool:
    return is_dockerfile_name(name)


def _is_build_script(name: str) -> bool:
    lower = name.lower()
    return lower in ("package.json", "makefile", "justfile", "taskfile.yml") or \
        lower.endswith((".sh", ".bash", ".mk"))


def image_key(ref: str) -> tuple[str, str]:
    """Return (name, tag) of an image reference, lower case, without ``docker.io/library/``
    (``"*"`` for a tag built from a variable, ``latest`` when it has none)."""
    ref = ref.strip("\"'").lower().split("@", 1)[0]
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        ref = ref.removeprefix(prefix)
    ref = ref.removeprefix("library/")
    last = ref.rsplit("/", 1)[-1]
    name, tag = (ref.rsplit(":", 1) if ":" in last else (ref, "latest"))
    return name, ("*" if "$" in tag else tag)


def same_image(ref: str, built: tuple[str, str]) -> bool:
    name, tag = image_key(ref)
    return name == built[0] and "$" not in name and (built[1] == "*" or tag == built[1])


def built_images(ctx: ProjectContext, dockerfile_rel: str) -> list[tuple[str, str]]:
    """Return the images (name, tag) the project's build commands make from this Dockerfile:
    ``docker build -f <it> -t <name>`` (``buildx``, ``podman``, ``buildah bud``) in a
    package.json script, a Makefile or a shell script near it, and the ``image:`` of a
    compose service that builds it."""
    target = posixpath.normpath(dockerfile_rel)
    images: list[tuple[str, str]] = []
    for _, _, spec in compose_services(ctx, dockerfile_rel):
        if isinstance(spec.get("image"), str):
            images.append(image_key(spec["image"]))
    for rel in nearby_files(ctx, dockerfile_rel, _is_build_script):
        raw = ctx.read(rel)
        if raw is None or not _BUILD_RE.search(raw.decode("utf-8", "replace")):
            continue
        here = posixpath.dirname(rel)
        for line in _command_lines(rel, raw.decode("utf-8", "replace")):
            for match in _BUILD_RE.finditer(line):
                end = _COMMAND_END_RE.search(line, match.end())
                words = split_words(line[match.end():end.start() if end else len(line)])
                file, tags, context = build_arguments(words)
                names = [file] if file else [posixpath.join(context, "Dockerfile")]
                candidates = {posixpath.normpath(posixpath.join(base, name))
                              for name in names for base in dict.fromkeys([here, ""])}
                if target in candidates:
                    images += [image_key(tag) for tag in tags if tag]
    return list(dict.fromkeys(images))


def build_arguments(words: list[str]) -> tuple[str | None, list[str], str]:
    """Return (``-f`` Dockerfile or None, ``-t`` tags, build context) of a build command's
    words after ``docker build`` (the context is the last positional word, ``.`` without
    one)."""
    file: str | None = None
    tags: list[str] = []
    positionals: list[str] = []
    index = 0
    while index < len(words):
        word = words[index].strip("\"',")
        value = words[index + 1].strip("\"',") if index + 1 < len(words) else ""
        if word in ("-f", "--file", "-t", "--tag"):
            if word in ("-f", "--file"):
                file = value
            else:
                tags.append(value)
            index += 2
            continue
        if word.startswith(("--file=", "--tag=")):
            key, _, val = word.partition("=")
            if key == "--file":
                file = val
            else:
                tags.append(val)
        elif not word.startswith("-"):
            positionals.append(word)
        index += 1
    return file, tags, positionals[-1] if positionals else "."


def _command_lines(rel: str, content: str) -> list[str]:
    """Return the command lines of a build script: a package.json's ``scripts`` values (one
    per command, so a one-line package.json does not run one script into the next), else the
    file's logical lines."""
    if posixpath.basename(rel) == "package.json":
        try:
            scripts = json.loads(content).get("scripts")
        except (ValueError, AttributeError):
            scripts = None
        if isinstance(scripts, dict):
            return [value for value in scripts.values() if isinstance(value, str)]
    return [line for _, line in logical_lines(content)]


def base_image_of(ctx: ProjectContext, dockerfile_rel: str) -> str | None:
    """Return where another Dockerfile of the project builds ``FROM`` the image this one makes
    (``docker/Dockerfile:12``), or None. Such a Dockerfile is a base image: only the image
    built on it runs the app. Known from the build commands (``docker build -f
    docker/Base.Dockerfile -t acme/app:base``) or, without them, from the names: a Dockerfile
    named as a base (``Base.Dockerfile``, ``Dockerfile.base``) and a ``FROM`` whose image name
    or tag says ``base`` (``FROM acme/app:base``)."""
    built = built_images(ctx, dockerfile_rel)
    stem = posixpath.basename(dockerfile_rel).lower().replace("dockerfile", " ")
    named_base = "base" in _WORD_RE.findall(stem)
    if not built and not named_base:
        return None
    if runs_itself(ctx, dockerfile_rel, built) is not None:
        return None  # the project also runs this image itself: judged as an app image
    others = nearby_files(ctx, dockerfile_rel, _is_dockerfile)
    for rel in others:
        if posixpath.normpath(rel) == posixpath.normpath(dockerfile_rel):
            continue
        raw = ctx.read(rel)
        stages = parse_stages(raw.decode("utf-8", "replace")) if raw is not None else None
        aliases = {s.alias.lower() for s in stages or [] if s.alias}
        for stage in stages or []:
            ref = stage.base
            if not ref or ref.lower() in aliases or "$" in ref:
                continue
            if any(same_image(ref, image) for image in built):
                return f"{rel}:{stage.from_line}"
            if not built and named_base:
                # `acme/app:base`, `acme/app-base`: not a public image named just `base`
                # (`mcr.microsoft.com/devcontainers/base:ubuntu`)
                name, tag = image_key(ref)
                last = _WORD_RE.findall(name.rsplit("/", 1)[-1])
                if "/" in name and ("base" in _WORD_RE.findall(tag)
                                    or ("base" in last and len(last) > 1)):
                    return f"{rel}:{stage.from_line}"
    return None


#: A compose ``command``/``entrypoint`` that starts nothing (a service kept only to build).
_NOOP_RE = lazy_pattern(r"^\s*(?:/bin/)?(?:true|exit 0|echo\b.*|sh -c (?:true|exit 0))?\s*$")
_RUNS_RE = lazy_pattern(r"\b(?:docker|podman)\s+(?:container\s+)?(?:run|create)\b")


def runs_itself(ctx: ProjectContext, dockerfile_rel: str, built: list[tuple[str, str]]
                ) -> str | None:
    """Return where the project runs the image this Dockerfile builds as a container of its
    own (a compose service that builds it or names one of its images, a ``docker run`` of
    one of its images in a script near it), or None. A compose service whose command starts
    nothing (``true``, ``echo``) only builds it. Such an image is not only a base image."""
    raw = ctx.read(dockerfile_rel)
    stages = parse_stages(raw.decode("utf-8", "replace")) if raw is not None else None
    own_start = bool(stages) and any(c.cmd.upper() in ("CMD", "ENTRYPOINT")
                                     for c in stages[-1].commands) if stages else False
    for compose, service, spec in compose_services(ctx, dockerfile_rel):
        command = compose_command(spec)
        if command and _NOOP_RE.match(command):
            continue  # kept only to build the image
        if command or own_start or any(key in spec for key in ("ports", "expose")):
            return f"{compose} (service `{service}`)"
    if not built:
        return None
    for folder in sorted({"", posixpath.dirname(dockerfile_rel)}):
        for rel in _compose_files(ctx, folder):
            data = compose_data(ctx, rel)
            services = data.get("services") if isinstance(data, dict) else None
            for service, spec in (services.items() if isinstance(services, dict) else []):
                if isinstance(spec, dict) and "build" not in spec and \
                        isinstance(spec.get("image"), str) and \
                        any(same_image(spec["image"], image) for image in built):
                    return f"{rel} (service `{service}`)"
    for rel in nearby_files(ctx, dockerfile_rel, _is_build_script):
        raw = ctx.read(rel)
        text = raw.decode("utf-8", "replace") if raw is not None else ""
        if not _RUNS_RE.search(text):
            continue
        for number, line in logical_lines(text):
            match = _RUNS_RE.search(line)
            if match is None:
                continue
            end = _COMMAND_END_RE.search(line, match.end())
            words = split_words(line[match.end():end.start() if end else len(line)])
            if any(w and not w.startswith("-") and "$" not in w
                   and any(same_image(w.strip("\"',"), image) for image in built)
                   for w in words):
                return f"{rel}:{number}"
    return None


def project_base(ctx: ProjectContext, dockerfile_rel: str, ref: str
                 ) -> tuple[str, str, list[Stage]] | None:
    """Return (file, text, stages) of the project's Dockerfile whose build makes the image
    ``ref`` (the ``FROM`` of this one's final stage), known from the project's build commands
    or compose files (``built_images``), or None: its ``USER`` and ``ENV`` carry over."""
    if not ref or "$" in ref:
        return None
    for rel in nearby_files(ctx, dockerfile_rel, _is_dockerfile):
        if posixpath.normpath(rel) == posixpath.normpath(dockerfile_rel):
            continue
        if any(same_image(ref, image) for image in built_images(ctx, rel)):
            raw = ctx.read(rel)
            text = raw.decode("utf-8", "replace") if raw is not None else ""
            stages = parse_stages(text)
            return (rel, text, stages) if stages else None
    return None


# --- A GitHub Action's image ----------------------------------------------------------------

#: The names of a GitHub Action's metadata file.
_ACTION_FILES = ("action.yml", "action.yaml")
#: How a step names the action's own folder: the ``${{ github.action_path }}`` expression, or
#: the runner's ``GITHUB_ACTION_PATH`` variable.
_ACTION_PATH_RE = lazy_pattern(r"\$\{\{\s*github\.action_path\s*\}\}|\$\{GITHUB_ACTION_PATH\}"
                               r"|\$GITHUB_ACTION_PATH\b")
#: What a step's text says in place of the action's folder, once its names are put in.
_HERE = "@action_path@"
#: A shell assignment (``export ACTION_DIR=…``), with the name and the value.
_ASSIGNMENT_RE = lazy_pattern(r"^(?:export\s+)?([A-Za-z_]\w*)=(\S*)$")


def action_image(ctx: ProjectContext, dockerfile_rel: str) -> str | None:
    """Return the GitHub Action metadata file (``action.yml``) whose action runs the image this
    Dockerfile builds, with how, or None. The file is looked for in the Dockerfile's folder and
    every folder above it up to the top of the repository. The action is a Docker action
    (``runs.using: docker``) whose ``image`` is this Dockerfile's path (from the action's
    folder), or a composite action with a step that builds this Dockerfile from the action's
    folder: ``docker build -t img .`` after ``cd ${{ github.action_path }}`` (or a variable the
    step's ``env`` or script sets to it, or a ``working-directory`` there), or ``docker build
    -f "$GITHUB_ACTION_PATH/docker/Dockerfile" …``. A build from the workspace (the default
    folder of a step) builds the caller's repository, not the action's image."""
    target = posixpath.normpath(dockerfile_rel)
    folders: list[str] = []
    folder = posixpath.dirname(target)
    while True:
        folders.append(folder)
        if not folder:
            break
        folder = posixpath.dirname(folder)
    root = Path(ctx.info.root).resolve()
    for up in range(1, len(folders_up_to_top(root))):
        folders.append("/".join([".."] * up))
    for folder in folders:
        if folder.startswith(".."):  # above the root: the root's own folders lead down to it
            up = folder.count("..")
            seen = posixpath.join(*root.parts[len(root.parts) - up:], target)
        else:
            seen = posixpath.relpath(target, folder or ".")
        for name in _ACTION_FILES:
            rel = posixpath.join(folder, name) if folder else name
            data = compose_data(ctx, rel)
            runs = data.get("runs") if isinstance(data, dict) else None
            if not isinstance(runs, dict):
                continue
            using = str(runs.get("using", "")).lower()
            image = runs.get("image")
            if using == "docker" and isinstance(image, str) and \
                    not image.startswith("docker://") and posixpath.normpath(image) == seen:
                return f"{rel} (a Docker action whose `image` is `{image}`)"
            steps = runs.get("steps") if using == "composite" else None
            for step in steps if isinstance(steps, list) else []:
                if isinstance(step, dict) and isinstance(step.get("run"), str) and \
                        _step_builds(step, seen):
                    return f"{rel} (a composite action whose step builds it with `docker build`)"
    return None


def _step_builds(step: dict[str, Any], dockerfile: str) -> bool:
    """Return True when a composite action's ``run`` step builds ``dockerfile`` (a path from
    the action's folder), following the step's ``working-directory``, its ``cd`` commands and
    the names it gives the action's folder (``env: {ACTION_DIR: ${{ github.action_path }}}``,
    ``ACTION_DIR=$GITHUB_ACTION_PATH``), in the order the script runs them."""
    names: dict[str, str] = {}
    env = step.get("env")
    for name, value in env.items() if isinstance(env, dict) else ():
        value = _ACTION_PATH_RE.sub(_HERE, str(value)).strip()
        if value.startswith(_HERE):
            names[str(name)] = value
    folder = _action_folder(_ACTION_PATH_RE.sub(_HERE, str(step.get("working-directory", ""))),
                            None)
    for _, line in logical_lines(step["run"]):
        for command in _COMMAND_END_RE.split(_ACTION_PATH_RE.sub(_HERE, line)):
            for name, value in names.items():
                command = re.sub(r"\$(?:" + re.escape(name) + r"\b|\{" + re.escape(name)
                                 + r"\})", lambda _, value=value: value, command)
            words = split_words(command.strip().lstrip("({ "))
            if not words:
                continue
            assignment = _ASSIGNMENT_RE.match(" ".join(words))
            if assignment is not None and assignment.group(2).startswith(_HERE):
                names[assignment.group(1)] = assignment.group(2)
            elif words[0] in ("cd", "pushd"):
                folder = _action_folder(words[1], folder) if len(words) > 1 else None
            build = _BUILD_RE.search(command)
            if build is None:
                continue
            file, _, context = build_arguments(split_words(command[build.end():]))
            built = _action_folder(file, folder) if file else \
                _action_folder(posixpath.join(context, "Dockerfile"), folder)
            if built == dockerfile:
                return True
    return False


def _action_folder(path: str, current: str | None) -> str | None:
    """Return ``path`` as a path from the action's folder (``.`` for the folder itself), or
    None when it is elsewhere or not known: a path from the action's folder (``_HERE/docker``),
    or a relative one when the step is in the action's folder ``current`` (a path from it)."""
    if path.startswith(_HERE):
        rest = path[len(_HERE):]
        return posixpath.normpath(rest.lstrip("/") or ".") if rest[:1] in ("", "/") else None
    if current is None or not path or path.startswith(("/", "~", "-")) or "$" in path:
        return None
    return posixpath.normpath(posixpath.join(current, path))
