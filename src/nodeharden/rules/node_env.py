"""node-env: production images and start scripts run with ``NODE_ENV=production``.

Dockerfiles are read with the ``dockerfile`` package (the official Go parser): ``ENV`` values
lose their quotes (``ENV NODE_ENV="production"`` is production), ``ENV A=1 B=2`` and the legacy
``ENV KEY value`` are both understood, and ``ENV NODE_ENV=$NODE_ENV`` follows the ``ARG`` it
reads. Only the final stage (the image that runs) matters. An image that also runs the test
suite (its ``CMD`` runs tests, or a compose file or CI job runs tests in it) is reported without
a fix: a forced ``NODE_ENV=production`` changes which database and config a test run uses.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._roles import parse_dockerfile
from nodeharden.rules._base import ProjectContext, Rule
from nodeharden.rules._dockerfile import (
    Stage,
    ancestry,
    insert_before_line,
    insertion_line,
    line_offsets,
    parse_stages,
)

_INLINE_RE = re.compile(r"(?:^|[\s;&])(?:export\s+)?NODE_ENV=['\"]?production\b")
_OTHER_INLINE_RE = re.compile(r"(?:^|[\s;&])(?:export\s+)?NODE_ENV=['\"]?([\w-]+)")
_VAR_RE = re.compile(r"^\$(?:\{(\w+)(?::?-([^}]*))?\}|(\w+))$")
#: A command that runs a test suite.
TEST_RE = re.compile(r"(?:\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test(?::[\w:.-]+)?(?![\w-])"
                     r"|\b(?:npx\s+)?(?:jest|mocha|vitest|ava|tap|c8|nyc)(?:\s|$|\")"
                     r"|\bnode\s+--test\b)")
_DOCKER_RUN_RE = re.compile(r"\bdocker(?:-compose|\s+compose)?\s+(?:run|exec)\b")
CI_FILES = (".gitlab-ci.yml", ".circleci/config.yml", ".travis.yml", "azure-pipelines.yml",
            "bitbucket-pipelines.yml", "Jenkinsfile")


def unquote(value: str) -> str:
    """Return a Dockerfile word without its surrounding quotes."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _env_pairs(command: Any) -> list[tuple[str, str]]:
    values = list(command.value)
    return [(values[i], unquote(values[i + 1])) for i in range(0, len(values) - 1, 2)]


def _arg_value(commands: list[Any], name: str) -> str | None:
    """Return the default the last ``ARG name=...`` among ``commands`` gives, if any."""
    default = None
    for command in commands:
        if command.cmd.upper() == "ARG":
            for value in command.value:
                key, eq, val = value.partition("=")
                if key == name and eq:
                    default = unquote(val)
    return default


def _resolve(value: str, stages: list[Stage], stage: Stage, text: str) -> tuple[str, str | None]:
    """Return (value, build arg) for an ENV value: a ``$VAR``/``${VAR:-x}`` reference is
    replaced by the ARG default ('' when none is known) and names the build arg."""
    match = _VAR_RE.match(value)
    if not match:
        return value, None
    name = match.group(1) or match.group(3)
    fallback = match.group(2)
    commands = parse_dockerfile(text)
    if commands is None:
        return "", name
    default = _arg_value(_before_first_from(commands), name)
    for current in reversed(ancestry(stages, stage)):
        default = _arg_value(current.commands, name) or default
    return (default or fallback or ""), name


def _before_first_from(commands: Iterable[Any]) -> list[Any]:
    out = []
    for command in commands:
        if command.cmd.upper() == "FROM":
            break
        out.append(command)
    return out


def _node_env(stages: list[Stage], stage: Stage, text: str
              ) -> tuple[str | None, Any | None, str | None]:
    """Return (value, the final stage's own ENV command that sets it, build arg it reads)."""
    value: str | None = None
    own = None
    for current in reversed(ancestry(stages, stage)):
        for command in current.commands:
            name = command.cmd.upper()
            if name == "ENV":
                for key, val in _env_pairs(command):
                    if key == "NODE_ENV":
                        value = val
                        own = command if current is stage else None
            elif name in ("CMD", "ENTRYPOINT") and not command.json and \
                    _INLINE_RE.search(" ".join(command.value)):
                value = "production"
                own = None
    arg = None
    if value is not None:
        value, arg = _resolve(value, stages, stage, text)
    return value, own, arg


def _start_command(stages: list[Stage], stage: Stage) -> str:
    """Return the text of the CMD and ENTRYPOINT the stage runs with."""
    found: dict[str, str] = {}
    for current in ancestry(stages, stage):
        for name in ("CMD", "ENTRYPOINT"):
            if name not in found:
                own = [c for c in current.commands if c.cmd.upper() == name]
                if own:
                    found[name] = " ".join(own[-1].value)
    return " ".join(found.values())


_COMPOSE_FILE_RE = re.compile(r"^(?:docker-)?compose(?:\.[\w.-]+)?\.ya?ml$")


def _compose_files(ctx: ProjectContext, folder: str) -> list[str]:
    """Return the compose files in ``folder`` (relative to the root): the base file first,
    then the override files (``docker-compose.test.yml``…) that compose merges over it."""
    directory = Path(ctx.info.root) / folder
    try:
        names = sorted(entry.name for entry in directory.iterdir()
                       if _COMPOSE_FILE_RE.match(entry.name) and entry.is_file())
    except OSError:
        return []
    names.sort(key=lambda name: (name.count(".") > 1, name))  # base files before overrides
    return [posixpath.join(folder, name) if folder else name for name in names]


def _compose_services(ctx: ProjectContext, dockerfile_rel: str
                      ) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """Yield (compose file, service, its settings in that file) for each service that runs the
    image this Dockerfile builds, file by file.

    Override files are merged over the base file service by service, as ``docker compose
    -f docker-compose.yml -f docker-compose.test.yml`` does: an override that only sets
    ``command: yarn test`` for the service the base file builds runs in this image.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    folders = {"", posixpath.dirname(dockerfile_rel)}
    for folder in sorted(folders):
        builds: dict[str, str] = {}  # service -> the Dockerfile it builds
        for rel in _compose_files(ctx, folder):
            raw = ctx.read(rel)
            if raw is None:
                continue
            try:
                data = YAML(typ="safe").load(raw.decode("utf-8", "replace"))
            except YAMLError:
                continue
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


def _compose_command(spec: dict[str, Any]) -> str:
    """Return a compose service's ``entrypoint`` and ``command`` as one line."""
    return " ".join(str(spec.get(k, "")) if not isinstance(spec.get(k), list)
                    else " ".join(map(str, spec[k])) for k in ("entrypoint", "command")).strip()


def _compose_reason(ctx: ProjectContext, dockerfile_rel: str) -> str | None:
    """Return why a compose file runs tests in the image this Dockerfile builds, if it does."""
    for rel, service, spec in _compose_services(ctx, dockerfile_rel):
        if TEST_RE.search(_compose_command(spec)):
            return f"{rel} runs the test suite in this image (service `{service}`)"
    return None


#: Compose override files for development or tests (``docker-compose.dev.yml``).
_DEV_COMPOSE_RE = re.compile(r"(?:^|[.-])(?:dev|development|test|tests|testing|ci|e2e|local"
                             r"|debug)(?:[.-]|$)", re.IGNORECASE)
_DEV_COMMAND_RE = re.compile(r"(?:nodemon|ts-node-dev|node\s+--watch|(?:npm|pnpm|yarn|bun)"
                             r"\s+(?:run\s+)?dev(?:[:\w-]*))\b")


def _production_starts(ctx: ProjectContext, dockerfile_rel: str, stages: list[Stage],
                       final: Stage) -> list[str]:
    """Return the commands the image starts with in production: the ``command`` of the compose
    services that run it, leaving out development and test files and commands; else its own
    ``CMD``/``ENTRYPOINT``."""
    starts = []
    for rel, _, spec in _compose_services(ctx, dockerfile_rel):
        command = _compose_command(spec)
        name = rel.rsplit("/", 1)[-1].removesuffix(".yml").removesuffix(".yaml")
        if command and not _DEV_COMPOSE_RE.search(name.replace("compose", "", 1)) \
                and not TEST_RE.search(command) and not _DEV_COMMAND_RE.search(command):
            starts.append(command)
    if starts:
        return starts
    own = _start_command(stages, final).strip()
    return [own] if own else []


_SCRIPT_RUN_RE = re.compile(r"(?:^|[\s;&|(])(npm|pnpm|yarn|bun)\s+(run(?:-script)?\s+)?"
                            r"([\w:.-]+)")
#: The scripts npm runs without ``run``.
_NPM_SHORTHANDS = frozenset({"start", "restart", "stop", "test"})
_PM2_RE = re.compile(r"(?:^|[\s;&|(/\"'])(pm2-runtime|pm2-docker|pm2)\s+([^;&|]*)")
#: The file names pm2 reads as an ecosystem file rather than a script to run.
_ECOSYSTEM_FILE_RE = re.compile(r"(?:\.config\.[cm]?js|\.json|\.ya?ml)$")


def _pm2_production(ctx: ProjectContext, folder: str, command: str, depth: int = 0) -> bool:
    """Return True when ``command`` starts the app through pm2 with an ecosystem file whose
    environment (``env``, or ``env_<name>`` merged over it with ``--env <name>``) sets
    NODE_ENV=production for every app it starts; an npm/yarn/pnpm script is followed to the
    command it runs."""
    pm2 = _PM2_RE.search(command)
    if pm2 is not None:
        words = [unquote(w) for w in pm2.group(2).replace("=", " ").split()]
        if pm2.group(1) == "pm2" and (not words or words[0] not in ("start", "reload",
                                                                    "restart")):
            return False
        files = [w for w in words if _ECOSYSTEM_FILE_RE.search(w) and not w.startswith("-")]
        env = words[words.index("--env") + 1] if "--env" in words[:-1] else None
        only = words[words.index("--only") + 1].split(",") if "--only" in words[:-1] else None
        if not files:
            return False
        for base in dict.fromkeys((folder, "")):
            rel = posixpath.normpath(posixpath.join(base, files[0].removeprefix("./")))
            raw = ctx.read(rel)
            if raw is not None:
                values = ecosystem_node_env(rel, raw, env, only)
                return bool(values) and all(v == "production" for v in values)
        return False
    if depth >= 3:
        return False
    for script in _SCRIPT_RUN_RE.finditer(command):
        manager, run, name = script.groups()
        if manager == "npm" and not run and name not in _NPM_SHORTHANDS:
            continue  # npm ci, npm install…: not a script
        for base in dict.fromkeys((folder, "")):
            raw = ctx.read(posixpath.join(base, "package.json") if base else "package.json")
            try:
                scripts = json.loads(raw or b"").get("scripts")
            except (ValueError, AttributeError):
                continue
            body = scripts.get(name) if isinstance(scripts, dict) else None
            if isinstance(body, str):
                return _pm2_production(ctx, base, body, depth + 1)
    return False


_UNKNOWN = object()


def _literal(node: Any) -> Any:
    """Return a JavaScript literal (object, array, string, number, boolean, null) as Python
    data; ``_UNKNOWN`` for anything computed (``process.env.X || 'production'``)."""
    from nodeharden._parse import string_value, text

    kind = node.type
    if kind == "object":
        out: dict[str, Any] = {}
        for child in node.named_children:
            if child.type != "pair":
                if child.type != "comment":
                    return _UNKNOWN  # a spread or a method: the result is not known here
                continue
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is None or value is None:
                return _UNKNOWN
            name = string_value(key) if key.type == "string" else text(key)
            out[str(name)] = _literal(value)
        return out
    if kind == "array":
        return [_literal(c) for c in node.named_children if c.type != "comment"]
    if kind in ("string", "template_string"):
        value = string_value(node)
        return _UNKNOWN if value is None else value
    if kind in ("true", "false"):
        return kind == "true"
    if kind == "number":
        return text(node)
    if kind == "parenthesized_expression" and node.named_children:
        return _literal(node.named_children[0])
    return _UNKNOWN


def _ecosystem_data(rel: str, raw: bytes) -> Any:
    """Return an ecosystem file's contents as data: JSON, YAML, or the object literal a
    JavaScript file exports (``module.exports =`` / ``export default``)."""
    text = raw.decode("utf-8", "replace")
    if rel.endswith(".json"):
        try:
            return json.loads(text)
        except ValueError:
            return None
    if rel.endswith((".yml", ".yaml")):
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        try:
            return YAML(typ="safe").load(text)
        except YAMLError:
            return None
    from nodeharden._parse import parse, text as node_text, walk

    tree = parse("javascript", raw)
    for node in walk(tree.root_node):
        if node.type == "assignment_expression" and \
                node_text(node.child_by_field_name("left")) == "module.exports":
            value = node.child_by_field_name("right")
            return None if value is None else _literal(value)
        if node.type == "export_statement" and any(c.type == "default" for c in node.children):
            value = node.child_by_field_name("value")
            return None if value is None else _literal(value)
    return None


def ecosystem_node_env(rel: str, raw: bytes, env: str | None,
                       only: list[str] | None = None) -> list[Any]:
    """Return the NODE_ENV each app of a pm2 ecosystem file runs with (None when it sets none,
    ``_UNKNOWN`` when computed): ``env``, with ``env_<env>`` merged over it when pm2 is
    started with ``--env <env>``; only the apps named by ``--only`` when given."""
    data = _ecosystem_data(rel, raw)
    apps = data.get("apps") if isinstance(data, dict) else data
    if isinstance(apps, dict):
        apps = [apps]
    if not isinstance(apps, list):
        return []
    values: list[Any] = []
    for app in apps:
        if not isinstance(app, dict):
            values.append(_UNKNOWN)
            continue
        if only is not None and app.get("name") not in only:
            continue
        merged: dict[str, Any] = {}
        for key in ("env", f"env_{env}" if env else None):
            block = app.get(key) if key else None
            if isinstance(block, dict):
                merged.update(block)
            elif block is not None:
                merged["NODE_ENV"] = _UNKNOWN
        values.append(merged.get("NODE_ENV"))
    return values


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
            if source is None:
                continue
            text = source.decode("utf-8", "replace")
            stages = parse_stages(text)
            if not stages:
                continue
            final = stages[-1]
            value, own, arg = _node_env(stages, final, text)
            if value == "production" or (value == "" and arg is None):
                continue
            starts = _production_starts(ctx, file.rel, stages, final)
            folder = posixpath.dirname(file.rel)
            if starts and all(_pm2_production(ctx, folder, start) for start in starts):
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
            cmd = _start_command(stages, final)
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
