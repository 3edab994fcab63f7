"""node-env: production images and start scripts run with ``NODE_ENV=production``.

Dockerfiles are read with the ``dockerfile`` package (the official Go parser): ``ENV`` values
lose their quotes (``ENV NODE_ENV="production"`` is production), ``ENV A=1 B=2`` and the legacy
``ENV KEY value`` are both understood, and ``ENV NODE_ENV=$NODE_ENV`` follows the ``ARG`` it
reads. Only the final stage (the image that runs) matters. An image that also runs the test
suite (its ``CMD`` runs tests, or a compose file or CI job runs tests in it) is reported without
a fix: a forced ``NODE_ENV=production`` changes which database and config a test run uses.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import Any

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._regex import lazy_pattern
from nodeharden.rules._base import ProjectContext, Rule
from nodeharden.rules._dockerfile import (
    insert_before_line,
    insertion_line,
    line_offsets,
    parse_stages,
)
from nodeharden.rules._production import (
    TEST_RE,
    compose_command,
    compose_services,
    development_image,
    image_node_env,
    pm2_production,
    production_starts,
    start_command,
)

_OTHER_INLINE_RE = lazy_pattern(r"(?:^|[\s;&])(?:export\s+)?NODE_ENV=['\"]?([\w-]+)")
_DOCKER_RUN_RE = lazy_pattern(r"\bdocker(?:-compose|\s+compose)?\s+(?:run|exec)\b")
CI_FILES = (".gitlab-ci.yml", ".circleci/config.yml", ".travis.yml", "azure-pipelines.yml",
            "bitbucket-pipelines.yml", "Jenkinsfile")


def _compose_reason(ctx: ProjectContext, dockerfile_rel: str) -> str | None:
    """Return why a compose file runs tests in the image this Dockerfile builds, if it does."""
    for rel, service, spec in compose_services(ctx, dockerfile_rel):
        if TEST_RE.search(compose_command(spec)):
            return f"{rel} runs the test suite in this image (service `{service}`)"
    return None


def _ci_reason(ctx: ProjectContext) -> str | None:
    """Return why a CI job runs tests inside a container, if one does."""
    paths = [f.rel for f in ctx.files_of("workflow", "gitlab-ci")]
    paths += [p for p in CI_FILES if p not in paths]
    for rel in paths:
        raw = ctx.read(rel)
        if raw is None:
            continue
        for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), 1):
            if _DOCKER_RUN_RE.search(line) and TEST_RE.search(line):
                return f"{rel}:{number} runs the test suite in a container"
    return None


def _replace_in_place(source: bytes, command: Any, value: str) -> TextEdit | None:
    """Return an edit that sets NODE_ENV to production inside the stage's own ENV line."""
    offsets = line_offsets(source)
    start = offsets[command.start_line - 1]
    end = offsets[command.end_line] if command.end_line < len(offsets) else len(source)
    chunk = source[start:end]
    pattern = re.compile(rb"\bNODE_ENV(=|\s+)(['\"]?)" + re.escape(value.encode()) + rb"\2")
    matches = list(pattern.finditer(chunk))
    if len(matches) != 1:
        return None
    match = matches[0]
    quote = match.group(2).decode()
    return TextEdit(start + match.start(), start + match.end(),
                    f"NODE_ENV{match.group(1).decode()}{quote}production{quote}")


class NodeEnv(Rule):
    """A Dockerfile or start script without NODE_ENV=production."""

    id = "node-env"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        dockerfiles = ctx.files_of("dockerfile")
        ci = None if not dockerfiles else _ci_reason(ctx)
        for file in dockerfiles:
            source = ctx.read(file.rel)
            if source is None or development_image(ctx, file.rel):
                continue
            text = source.decode("utf-8", "replace")
            stages = parse_stages(text)
            if not stages:
                continue
            final = stages[-1]
            value, own, arg = image_node_env(stages, final, text)
            if value == "production" or (value == "" and arg is None):
                continue
            starts = production_starts(ctx, file.rel, stages, final)
            folder = posixpath.dirname(file.rel)
            if starts and all(pm2_production(ctx, folder, start) for start in starts):
                continue  # pm2's ecosystem file sets NODE_ENV=production for the app
            if arg is not None:
                shown = f"build arg {arg}" + (f" (default `{value}`)" if value else
                                               ", no default")
                if value == "":
                    continue  # the build decides; nothing here says it is wrong
                yield ctx.line_finding(
                    self.id, file.rel, final.from_line,
                    f"the final stage takes NODE_ENV from {shown}, not production: build the "
                    f"production image with `--build-arg {arg}=production` or change the "
                    "default")
                continue
            message = ("the final stage does not set NODE_ENV=production: Express runs in "
                       "development mode and shows stack traces" if value is None else
                       f"the final stage sets NODE_ENV={value}, not production")
            reason = None
            cmd = start_command(stages, final)
            if TEST_RE.search(cmd):
                reason = f"its CMD runs the test suite (`{cmd}`)"
            reason = reason or _compose_reason(ctx, file.rel) or ci
            if reason:
                yield ctx.line_finding(
                    self.id, file.rel, final.from_line,
                    f"{message}; not fixed: {reason}, and NODE_ENV=production would change "
                    "which database and config the tests use: set it where the production "
                    "container runs (`docker run -e NODE_ENV=production`, the deploy manifest)")
                continue
            if own is not None and value:
                edit = _replace_in_place(source, own, value)
            else:
                line = insertion_line(source, final, ("RUN",), ("USER", "CMD", "ENTRYPOINT"))
                edit = insert_before_line(source, line, "ENV NODE_ENV=production\n")
            fix = None
            if edit is not None:
                fix = Fix(title="Set ENV NODE_ENV=production in the final stage",
                          applicability="safe" if value is None else "unsafe",
                          changes=(FileChange(file.rel, (edit,)),))
            yield ctx.line_finding(self.id, file.rel, final.from_line, message, fix)
        if dockerfiles or ctx.package_json_text is None:
            return
        yield from self._start_script(ctx)

    def _start_script(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Report a start script that sets NODE_ENV to something other than production.

        A start script that leaves NODE_ENV alone is not reported: the host sets it (Heroku and
        App Engine set production themselves; most deploy manifests set it) and ``npm start``
        is often the development entry too, so nothing here can tell whether it is missing
        (judged debatable on every field-test repository without a Dockerfile).
        """
        scripts = ctx.package_json.get("scripts")
        start = scripts.get("start") if isinstance(scripts, dict) else None
        if not isinstance(start, str):
            return
        other = _OTHER_INLINE_RE.search(start)
        if other is None or other.group(1).lower() == "production":
            return
        text = ctx.package_json_text or ""
        scripts_at = text.find('"scripts"')
        match = re.compile(r'"start"\s*:').search(text, max(scripts_at, 0))
        line = text.count("\n", 0, match.start()) + 1 if match else 1
        yield ctx.line_finding(
            self.id, "package.json", line,
            f"the start script sets NODE_ENV={other.group(1)}: Express then runs in "
            "development mode and its default error page shows stack traces; start "
            "production with NODE_ENV=production (use another script for development)")

RULE = NodeEnv()
