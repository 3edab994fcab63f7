"""node-env: production builds run with ``NODE_ENV=production``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from nodeharden._model import FileChange, Finding, Fix
from nodeharden.rules._base import ProjectContext, Rule
from nodeharden.rules.dockerfile_user import (
    Stage,
    ancestry,
    insert_before_line,
    insertion_line,
    parse_stages,
)

_INLINE_RE = re.compile(r"(?:^|[\s;&])(?:export\s+)?NODE_ENV=['\"]?production\b")
_VAR_RE = re.compile(r"^\$\{?NODE_ENV\}?$")


def _env_pairs(command) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    values = list(command.value)
    return [(values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)]


def _arg_default(stages: list[Stage], stage: Stage, text: str) -> str | None:
    """Return the default of ``ARG NODE_ENV=...`` visible in ``stage``, if any."""
    import dockerfile

    default = None
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return None
    for command in commands:  # global ARGs before the first FROM
        if command.cmd.upper() == "FROM":
            break
        if command.cmd.upper() == "ARG":
            for value in command.value:
                if value.startswith("NODE_ENV="):
                    default = value.split("=", 1)[1]
    for current in reversed(ancestry(stages, stage)):
        for command in current.commands:
            if command.cmd.upper() == "ARG":
                for value in command.value:
                    if value.startswith("NODE_ENV="):
                        default = value.split("=", 1)[1]
    return default


def node_env_of(stages: list[Stage], stage: Stage, text: str) -> str | None:
    """Return the NODE_ENV value the stage runs with ('' when set from an unknown source, None
    when not set)."""
    value: str | None = None
    for current in reversed(ancestry(stages, stage)):
        for command in current.commands:
            name = command.cmd.upper()
            if name == "ENV":
                for key, val in _env_pairs(command):
                    if key == "NODE_ENV":
                        value = val
            elif name in ("CMD", "ENTRYPOINT") and not command.json and \
                    _INLINE_RE.search(" ".join(command.value)):
                value = "production"
    if value is not None and _VAR_RE.match(value):
        return _arg_default(stages, stage, text) or ""
    return value


class NodeEnv(Rule):
    """A Dockerfile or start script without NODE_ENV=production."""

    id = "node-env"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        dockerfiles = ctx.files_of("dockerfile")
        for file in dockerfiles:
            source = ctx.read(file.rel)
            if source is None:
                continue
            text = source.decode("utf-8", "replace")
            stages = parse_stages(text)
            if not stages:
                continue
            final = stages[-1]
            value = node_env_of(stages, final, text)
            if value in ("production", ""):
                continue
            line = insertion_line(source, final, ("RUN",), ("USER", "CMD", "ENTRYPOINT"))
            fix = Fix(title="Set ENV NODE_ENV=production in the final stage",
                      applicability="safe" if value is None else "unsafe",
                      changes=(FileChange(file.rel, (insert_before_line(
                          source, line, "ENV NODE_ENV=production\n"),)),))
            message = ("the final stage does not set NODE_ENV=production: Express runs in "
                       "development mode and shows stack traces" if value is None else
                       f"the final stage sets NODE_ENV={value}, not production")
            yield ctx.line_finding(self.id, file.rel, final.from_line, message, fix)
        if dockerfiles or ctx.package_json_text is None:
            return
        yield from self._start_script(ctx)

    def _start_script(self, ctx: ProjectContext) -> Iterable[Finding]:
        text = ctx.package_json_text or ""
        try:
            data = json.loads(text)
        except ValueError:
            return
        scripts = data.get("scripts") if isinstance(data, dict) else None
        start = scripts.get("start") if isinstance(scripts, dict) else None
        if not isinstance(start, str) or _INLINE_RE.search(start):
            return
        scripts_at = text.find('"scripts"')
        match = re.compile(r'"start"\s*:').search(text, max(scripts_at, 0))
        line = text.count("\n", 0, match.start()) + 1 if match else 1
        yield ctx.line_finding(
            self.id, "package.json", line,
            "the start script runs without NODE_ENV=production; set it in the deploy "
            "environment (or inline / with cross-env)")


RULE = NodeEnv()
