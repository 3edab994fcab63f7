"""Dockerfile reading shared by the Dockerfile rules: build stages (from the engine's one
parse, ``_roles.parse_dockerfile``), the user a stage runs as, and whole-line insertions at
instruction boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nodeharden._model import TextEdit
from nodeharden._roles import parse_dockerfile


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
    commands = parse_dockerfile(text)
    if commands is None:
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
