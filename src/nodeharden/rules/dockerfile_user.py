"""dockerfile-user: the final stage of every Dockerfile runs as a non-root user.

Dockerfiles are read with the ``dockerfile`` package (the official Go parser), never with regular
expressions over the whole file; edits are whole lines inserted at instruction boundaries.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden.rules._base import ProjectContext, Rule

#: Base images whose final stage already ships a non-root user, and its name.
_NODE_IMAGE_RE = re.compile(r"^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)/)?"
                            r"(?:library/)?node(?:[:@]|$)")
_DISTROLESS_NODE_RE = re.compile(r"^gcr\.io/distroless/nodejs")
_ALPINE_HINTS = ("alpine",)
_DEBIAN_HINTS = ("debian", "ubuntu", "bookworm", "bullseye", "buster", "trixie", "jammy",
                 "noble", "focal", "slim")
_ROOT_NEEDS = re.compile(r"\b(chown|gosu|su-exec|setpriv|apt-get|apk|yum|dnf)\b")
_START = ("CMD", "ENTRYPOINT")


@dataclass
class Stage:
    """One build stage: its FROM instruction and the instructions after it."""

    index: int
    base: str  # image reference or earlier stage name, as written
    alias: str | None
    from_line: int
    commands: list[Any] = field(default_factory=list)  # dockerfile.Command


def parse_stages(text: str) -> list[Stage] | None:
    """Return the build stages of a Dockerfile, or None when it does not parse."""
    import dockerfile

    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return None
    stages: list[Stage] = []
    for command in commands:
        name = command.cmd.upper()
        if name == "FROM":
            values = [v for v in command.value if v]
            alias = values[2] if len(values) >= 3 and values[1].upper() == "AS" else None
            stages.append(Stage(len(stages), values[0] if values else "", alias,
                                command.start_line))
        elif stages:
            stages[-1].commands.append(command)
    return stages or None


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


def _user_plan(image: str) -> tuple[str, str | None, bool]:
    """Return (user, RUN line creating it or None, safe) for a base image."""
    if _NODE_IMAGE_RE.match(image):
        return "node", None, True
    if _DISTROLESS_NODE_RE.match(image):
        return "nonroot", None, True
    if any(hint in image for hint in _ALPINE_HINTS):
        return "app", "RUN addgroup -S app && adduser -S -G app app", True
    known = any(hint in image for hint in _DEBIAN_HINTS)
    return "app", "RUN groupadd --system app && useradd --system --gid app app", known


def _entrypoint_needs_root(ctx: ProjectContext, path: str, stage: Stage) -> bool:
    folder = posixpath.dirname(path)
    for command in stage.commands:
        if command.cmd.upper() != "ENTRYPOINT":
            continue
        joined = " ".join(command.value)
        if _ROOT_NEEDS.search(joined):
            return True
        for word in command.value:
            for token in word.split():
                if not token.endswith(".sh"):
                    continue
                name = posixpath.basename(token)
                for candidate in {posixpath.join(folder, name), name,
                                  posixpath.normpath(posixpath.join(folder, token.lstrip("/")))}:
                    script = ctx.read(candidate)
                    if script and _ROOT_NEEDS.search(script.decode("utf-8", "replace")):
                        return True
    return False


def _low_port(stage: Stage) -> bool:
    for command in stage.commands:
        if command.cmd.upper() == "EXPOSE":
            for value in command.value:
                port = value.split("/", 1)[0]
                if port.isdigit() and int(port) < 1024:
                    return True
    return False


def _chown_edits(source: bytes, stage: Stage, owner: str) -> list[TextEdit]:
    """Return edits adding ``--chown=owner`` to the stage's COPY/ADD lines that lack it."""
    edits: list[TextEdit] = []
    offsets = line_offsets(source)
    for command in stage.commands:
        if command.cmd.upper() not in ("COPY", "ADD"):
            continue
        if any(flag.lower().startswith("--chown") for flag in command.flags):
            continue
        start = offsets[command.start_line - 1]
        match = re.compile(rb"[ \t]*(copy|add)[ \t]+", re.IGNORECASE).match(source, start)
        if match is None:
            continue
        edits.append(TextEdit(match.end(), match.end(), f"--chown={owner}:{owner} "))
    return edits


class DockerfileUser(Rule):
    """A Dockerfile whose final stage runs as root."""

    id = "dockerfile-user"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        for file in ctx.files_of("dockerfile"):
            source = ctx.read(file.rel)
            if source is None:
                continue
            stages = parse_stages(source.decode("utf-8", "replace"))
            if not stages:
                continue
            final = stages[-1]
            user, _ = effective_user(stages, final)
            if not is_root(user):
                continue
            if user is None:
                message = "the final stage has no USER instruction, so the app runs as root"
            else:
                message = f"the final stage runs as `{user}`; switch to a non-root user"
            yield ctx.line_finding(self.id, file.rel, final.from_line, message,
                                   self._fix(ctx, file.rel, source, stages, final))

    def _fix(self, ctx: ProjectContext, rel: str, source: bytes, stages: list[Stage],
             final: Stage) -> Fix | None:
        image = base_image(stages, final)
        if image.startswith("scratch"):
            return None
        user, create, safe = _user_plan(image)
        if _entrypoint_needs_root(ctx, rel, final) or _low_port(final):
            safe = False
        edits: list[TextEdit] = []
        if create:
            # The user must exist before any COPY --chown names it: create it right after FROM.
            edits.append(insert_before_line(source, final.from_line + _from_span(final), create
                                            + "\n"))
        edits.extend(_chown_edits(source, final, user))
        line = insertion_line(source, final, ("RUN", "USER"), _START)
        edits.append(insert_before_line(source, line, f"USER {user}\n"))
        title = f"Run the final stage as `{user}`" + (" (created as a system user)"
                                                      if create else "")
        return Fix(title=title, applicability="safe" if safe else "unsafe",
                   changes=(FileChange(rel, tuple(edits)),))


def _from_span(stage: Stage) -> int:
    """Return how many lines the stage's FROM instruction takes (continuations included)."""
    first = stage.commands[0].start_line if stage.commands else stage.from_line + 1
    return max(1, first - stage.from_line) if stage.commands else 1


RULE = DockerfileUser()
