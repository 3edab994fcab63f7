"""What proves the production process runs with ``NODE_ENV=production``: the final stage of a
Dockerfile (``ENV``, a ``CMD`` that sets it inline, an ``ARG`` default it reads), the commands
compose files start the image with, a pm2 ecosystem file the start goes through, an npm script
that sets it inline, the Heroku Node.js buildpack (which defaults it to production), or the
app's own process setting it at start-up (``if (!process.env.NODE_ENV) process.env.NODE_ENV =
'production'`` at the top level of the app's file or of a file that requires it). Shared by node-env (which reports images without it) and error-handler
(whose "no final error handler" finding is about the stack traces Express's default handler
shows outside production).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from typing import Any

from nodeharden._regex import lazy_pattern
from nodeharden._roles import package_of, parse_dockerfile
from nodeharden.rules._base import ProjectContext, is_test_file
from nodeharden.rules._compose import compose_command, compose_services
from nodeharden.rules._dockerfile import Stage, ancestry, parse_stages, unquote

INLINE_RE = lazy_pattern(r"(?:^|[\s;&])(?:export\s+)?NODE_ENV=['\"]?production\b")
_VAR_RE = lazy_pattern(r"^\$(?:\{(\w+)(?::?-([^}]*))?\}|(\w+))$")
#: A command that runs a test suite.
TEST_RE = lazy_pattern(r"(?:\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test(?::[\w:.-]+)?(?![\w-])"
                     r"|\b(?:npx\s+)?(?:jest|mocha|vitest|ava|tap|c8|nyc)(?:\s|$|\")"
                     r"|\bnode\s+--test\b)")


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


def image_node_env(stages: list[Stage], stage: Stage, text: str
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
                    INLINE_RE.search(" ".join(command.value)):
                value = "production"
                own = None
    arg = None
    if value is not None:
        value, arg = _resolve(value, stages, stage, text)
    return value, own, arg


def start_command(stages: list[Stage], stage: Stage) -> str:
    """Return the text of the CMD and ENTRYPOINT the stage runs with."""
    found: dict[str, str] = {}
    for current in ancestry(stages, stage):
        for name in ("CMD", "ENTRYPOINT"):
            if name not in found:
                own = [c for c in current.commands if c.cmd.upper() == name]
                if own:
                    found[name] = " ".join(own[-1].value)
    return " ".join(found.values())


#: Compose override files for development or tests (``docker-compose.dev.yml``).
_DEV_COMPOSE_RE = lazy_pattern(r"(?:^|[.-])(?:dev|development|test|tests|testing|ci|e2e|local"
                             r"|debug)(?:[.-]|$)", re.IGNORECASE)


def development_compose(rel: str) -> bool:
    """Return True for a compose file for development or tests (``docker-compose.dev.yml``,
    ``compose.test.yaml``): not how production runs the image."""
    return _DEV_COMPOSE_RE.search(posixpath.basename(rel).replace("compose", "", 1)) is not None


_DEV_COMMAND_RE = lazy_pattern(r"\b(?:nodemon|ts-node-dev|node\s+--watch|(?:npm|pnpm|yarn|bun)"
                             r"\s+(?:run\s+)?dev(?:[:\w-]*))\b")


def production_starts(ctx: ProjectContext, dockerfile_rel: str, stages: list[Stage],
                       final: Stage) -> list[str]:
    """Return the commands the image starts with in production: the ``command`` of the compose
    services that run it, leaving out development and test files and commands; else its own
    ``CMD``/``ENTRYPOINT``."""
    starts = []
    for rel, _, spec in compose_services(ctx, dockerfile_rel):
        command = compose_command(spec)
        if command and not development_compose(rel) \
                and not TEST_RE.search(command) and not _DEV_COMMAND_RE.search(command):
            starts.append(command)
    if starts:
        return starts
    own = start_command(stages, final).strip()
    return [own] if own else []


_SCRIPT_RUN_RE = lazy_pattern(r"(?:^|[\s;&|(])(npm|pnpm|yarn|bun)\s+(run(?:-script)?\s+)?"
                            r"([\w:.-]+)")
#: The scripts npm runs without ``run``.
_NPM_SHORTHANDS = frozenset({"start", "restart", "stop", "test"})
_PM2_RE = lazy_pattern(r"(?:^|[\s;&|(/\"'])(pm2-runtime|pm2-docker|pm2)\s+([^;&|]*)")
#: The file names pm2 reads as an ecosystem file rather than a script to run.
_ECOSYSTEM_FILE_RE = lazy_pattern(r"(?:\.config\.[cm]?js|\.json|\.ya?ml)$")


def pm2_production(ctx: ProjectContext, folder: str, command: str, depth: int = 0) -> bool:
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
                return pm2_production(ctx, base, body, depth + 1)
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
    from nodeharden._parse import parse, walk
    from nodeharden._parse import text as node_text

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


_SEGMENT_RE = lazy_pattern(r"&&|\|\||[;|]")
_SETS_ONLY_RE = lazy_pattern(r"^\s*(?:export\s+|set\s+)?NODE_ENV=['\"]?([\w-]+)['\"]?\s*$")
_EXPORTS_RE = lazy_pattern(r"(?:^|\s)(?:export|set)\s+NODE_ENV=['\"]?([\w-]+)")
_ANY_INLINE_RE = lazy_pattern(r"(?:^|[\s;&])(?:export\s+)?NODE_ENV=['\"]?([\w-]+)")


def command_sets_production(command: str) -> bool:
    """Return True when a shell command runs its last command with NODE_ENV=production:
    ``NODE_ENV=production node x``, ``cross-env NODE_ENV=production node x``, ``export
    NODE_ENV=production && node x`` (``NODE_ENV=production npm run build && node x`` does not:
    the variable reaches only the build)."""
    segments = _SEGMENT_RE.split(command)
    exported: str | None = None
    for segment in segments[:-1]:
        found = _SETS_ONLY_RE.match(segment) or _EXPORTS_RE.search(segment)
        if found:
            exported = found.group(1)
    last = _ANY_INLINE_RE.search(segments[-1])
    value = last.group(1) if last else exported
    return value is not None and value.lower() == "production"


def image_package_folder(ctx: ProjectContext, dockerfile_rel: str, stage: Stage) -> str:
    """Return the project folder whose package.json the image's start reads: a folder the
    stage copies whole into its working directory (``COPY web .`` → ``web``) when it holds a
    package.json, else the nearest folder at or above the Dockerfile's that holds one (a
    ``docker/Dockerfile.api`` builds the project above it)."""
    folder = posixpath.dirname(dockerfile_rel)
    for command in stage.commands:
        if command.cmd.upper() != "COPY" or len(command.value) != 2 \
                or any(v.startswith("--") for v in command.value):
            continue
        source, target = command.value
        if target.rstrip("/") in (".", "") or target == "./":
            sub = posixpath.normpath(posixpath.join(folder, source.rstrip("/")))
            if sub not in (".", folder) and not sub.startswith("..") and \
                    ctx.read(posixpath.join(sub, "package.json")) is not None:
                return sub
    found = _package_folder(ctx, folder)
    return folder if found is None else found


def start_sets_production(ctx: ProjectContext, folder: str, command: str,
                          depth: int = 0) -> bool:
    """Return True when ``command`` (run in ``folder``) starts the app with NODE_ENV=production:
    it sets it itself, through pm2's ecosystem file, or through the npm/yarn/pnpm script its
    last command runs (followed up to three scripts deep)."""
    if command_sets_production(command) or pm2_production(ctx, folder, command):
        return True
    body = _script_run(ctx, folder, command, depth)
    return body is not None and start_sets_production(ctx, folder, body, depth + 1)


def _script_run(ctx: ProjectContext, folder: str, command: str, depth: int) -> str | None:
    """Return the body of the npm/yarn/pnpm/bun script ``command``'s last command runs
    (``npm start``, ``yarn run serve``), or None: none, a script the package does not have, or
    three scripts deep already."""
    script = _SCRIPT_RUN_RE.search(_SEGMENT_RE.split(command)[-1])
    if script is None or depth >= 3:
        return None
    manager, run, name = script.groups()
    if manager == "npm" and not run and name not in _NPM_SHORTHANDS:
        return None
    body = package_scripts(ctx, folder).get(name)
    return body if isinstance(body, str) else None


#: Task runners whose tasks live outside package.json's scripts (``nps serve`` runs a task of
#: package-scripts.js, ``gulp serve`` one of the gulpfile): what they start cannot be read here.
_TASK_RUNNER_RE = lazy_pattern(r"^\s*(?:npx\s+)?(nps|gulp|grunt|npm-run-all|run-s|run-p|concurrently"
                               r"|make|turbo|nx|lerna)(?:\s|$)")


def task_runner(ctx: ProjectContext, folder: str, command: str, depth: int = 0) -> str | None:
    """Return the task runner ``command`` starts the app through (``npm start`` → ``nps``),
    following the npm/yarn/pnpm scripts it runs, or None."""
    body = _script_run(ctx, folder, command, depth)
    if body is not None:
        return task_runner(ctx, folder, body, depth + 1)
    found = _TASK_RUNNER_RE.match(_SEGMENT_RE.split(command)[-1])
    return found.group(1) if found else None


#: Programs that serve a folder of files or run a web server of their own: a start that runs
#: one runs no Node.js app of the project (``serve -s dist``, ``http-server ./public``).
_FILE_SERVERS = frozenset({"serve", "http-server", "static-server", "live-server", "lite-server",
                           "sirv", "nginx", "caddy", "httpd", "apache2", "lighttpd"})
#: Words that only run the command after them: process supervisors, ``exec``, package runners.
_LAUNCHERS = frozenset({"exec", "tini", "dumb-init", "--", "npx", "bunx", "env"})


def file_server(ctx: ProjectContext, folder: str, command: str, depth: int = 0) -> str | None:
    """Return the static file server or web server ``command`` (run in ``folder``) starts
    (``serve``, ``http-server``, ``nginx``…), following the npm/yarn/pnpm scripts it runs up
    to three deep, or None: such a start runs no Node.js app of the project."""
    words = _SEGMENT_RE.split(command)[-1].split()
    index = 0
    while index < len(words):
        word = unquote(words[index])
        if word in _LAUNCHERS or re.match(r"^\w+=", word) \
                or word.startswith("-") and index and unquote(words[index - 1]) in _LAUNCHERS:
            index += 1  # a launcher, a variable it sets, or one of its options (`npx -y`)
        elif word in ("yarn", "pnpm") and index + 1 < len(words) and words[index + 1] == "dlx":
            index += 2
        else:
            break
    if index < len(words) and posixpath.basename(unquote(words[index])) in _FILE_SERVERS:
        return posixpath.basename(unquote(words[index]))
    body = _script_run(ctx, folder, command, depth)
    return None if body is None else file_server(ctx, folder, body, depth + 1)


def package_scripts(ctx: ProjectContext, folder: str) -> dict[str, Any]:
    """Return the ``scripts`` of ``folder``'s package.json ({} when it has none)."""
    raw = ctx.read(posixpath.join(folder, "package.json") if folder else "package.json")
    try:
        scripts = json.loads(raw or b"").get("scripts")
    except (ValueError, AttributeError):
        return {}
    return scripts if isinstance(scripts, dict) else {}


def image_sets_production(ctx: ProjectContext, dockerfile_rel: str) -> bool:
    """Return True when the image a Dockerfile builds runs with NODE_ENV=production: its final
    stage sets it, or every command it starts with in production sets it (inline, pm2's
    ecosystem file, the npm script it runs)."""
    source = ctx.read(dockerfile_rel)
    stages = parse_stages(source.decode("utf-8", "replace")) if source is not None else None
    if not stages:
        return False
    text = source.decode("utf-8", "replace")  # type: ignore[union-attr]
    value, _, _ = image_node_env(stages, stages[-1], text)
    if value == "production":
        return True
    folder = posixpath.dirname(dockerfile_rel)
    starts = production_starts(ctx, dockerfile_rel, stages, stages[-1])
    return bool(starts) and all(start_sets_production(ctx, folder, start) for start in starts)


#: Bytes of a file that may assign NODE_ENV itself (``=``, ``||=``, ``??=``; not ``==``).
_ASSIGNS_NODE_ENV_RE = lazy_pattern(rb"process\.env\.NODE_ENV\s*(?:\|\||\?\?)?=(?!=)")
#: npm scripts that only Heroku runs: the project is built (and run) by its Node.js buildpack.
_HEROKU_SCRIPTS = ("heroku-prebuild", "heroku-postbuild", "heroku-cleanup")


def code_sets_production(ctx: ProjectContext, app_rel: str) -> bool:
    """Return True when the app's process sets NODE_ENV=production itself, at start-up: a
    top-level statement of the app's file, or of a file that requires it (directly or through
    other project modules), assigns it ``'production'`` (``process.env.NODE_ENV =
    'production'``, ``… = process.env.NODE_ENV || 'production'``, ``??=``/``||=``, or such an
    assignment in the block of ``if (!process.env.NODE_ENV)``): whatever the host sets, an unset
    NODE_ENV becomes production before the app answers a request."""
    from nodeharden._parse import parse
    from nodeharden._project import JS_SUFFIXES

    for rel in ctx.facts:
        data = ctx.read(rel)
        lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
        if data is None or lang is None or b"production" not in data \
                or not _ASSIGNS_NODE_ENV_RE.search(data) or not _requires(ctx, rel, app_rel):
            continue
        root = parse(lang, data).root_node
        if any(_sets_production(statement) for statement in root.named_children):
            return True
    return False


def _requires(ctx: ProjectContext, entry: str, target: str) -> bool:
    """Return True when ``entry`` is ``target`` or loads it through the project's own modules
    (relative imports, followed through every scanned file)."""
    seen = {entry}
    pending = [entry]
    while pending:
        rel = pending.pop()
        if rel == target:
            return True
        facts = ctx.facts.get(rel)
        for imp in facts.imports if facts is not None else ():
            found = ctx.resolve_import(rel, imp.module)
            if found is not None and found not in seen:
                seen.add(found)
                pending.append(found)
    return False


def _is_node_env(node: Any) -> bool:
    return node is not None and re.sub(r"\s+", "", node.text.decode("utf-8", "replace")) in (
        "process.env.NODE_ENV", "process.env['NODE_ENV']", 'process.env["NODE_ENV"]')


def _is_production(node: Any) -> bool:
    from nodeharden._parse import string_value

    while node is not None and node.type == "parenthesized_expression":
        node = node.named_children[0] if node.named_children else None
    if node is None:
        return False
    if string_value(node) == "production":
        return True
    # `process.env.NODE_ENV || 'production'`, `?? 'production'`
    return node.type == "binary_expression" \
        and node.child_by_field_name("operator").type in ("||", "??") \
        and _is_node_env(node.child_by_field_name("left")) \
        and _is_production(node.child_by_field_name("right"))


def _sets_production(statement: Any) -> bool:
    """Return True for a statement that leaves NODE_ENV 'production' when it was unset."""
    if statement.type == "expression_statement" and statement.named_children:
        expr = statement.named_children[0]
        if expr.type == "assignment_expression":
            return _is_node_env(expr.child_by_field_name("left")) \
                and _is_production(expr.child_by_field_name("right"))
        if expr.type == "augmented_assignment_expression":
            return expr.child_by_field_name("operator").type in ("||=", "??=") \
                and _is_node_env(expr.child_by_field_name("left")) \
                and _is_production(expr.child_by_field_name("right"))
        return False
    if statement.type == "if_statement" and statement.child_by_field_name("alternative") is None:
        condition = statement.child_by_field_name("condition")
        inner = condition.named_children[0] if condition is not None \
            and condition.named_children else None
        if inner is None or inner.type != "unary_expression" \
                or inner.child_by_field_name("operator").type != "!" \
                or not _is_node_env(inner.child_by_field_name("argument")):
            return False
        body = statement.child_by_field_name("consequence")
        statements = [c for c in body.named_children if c.type != "comment"] \
            if body is not None and body.type == "statement_block" else [body]
        return any(statement is not None and _sets_production(statement)
                   for statement in statements)
    return False


def development_image(ctx: ProjectContext, dockerfile_rel: str) -> str | None:
    """Return why the image a Dockerfile builds is a development container, or None. It is one
    when compose runs it with the project's source bind-mounted over the image (``.:/app``: the
    code comes from the host at run time, as it never does in production) and every command it
    starts with runs the app in development mode: NODE_ENV set to something else than
    production, nodemon, ``node --watch``, ``npm run dev``…, directly or through the npm scripts
    it runs (``npm start`` → ``cross-env NODE_ENV=development nodemon server.js``)."""
    services = list(compose_services(ctx, dockerfile_rel))
    if not services or not all(_binds_source(spec) for _, _, spec in services):
        return None
    source = ctx.read(dockerfile_rel)
    stages = parse_stages(source.decode("utf-8", "replace")) if source is not None else None
    own = start_command(stages, stages[-1]).strip() if stages else ""
    commands = [compose_command(spec) or own for _, _, spec in services]
    folder = _package_folder(ctx, posixpath.dirname(dockerfile_rel))
    if folder is None or not commands \
            or not all(command and _runs_development(ctx, folder, command)
                       for command in commands):
        return None
    return (f"compose runs it with the source bind-mounted and `{commands[0]}` starts the app "
            "in development mode: a development container")


def _binds_source(spec: dict[str, Any]) -> bool:
    """Return True when a compose service mounts the project folder itself (``.``/``./``)
    into the container."""
    volumes = spec.get("volumes")
    for volume in volumes if isinstance(volumes, list) else ():
        if isinstance(volume, str):
            host = volume.split(":", 1)[0] if ":" in volume else ""
        elif isinstance(volume, dict) and volume.get("type", "bind") == "bind":
            host = str(volume.get("source", ""))
        else:
            continue
        if host in (".", "./"):
            return True
    return False


def _package_folder(ctx: ProjectContext, folder: str) -> str | None:
    """Return ``folder`` or the nearest folder above it that holds a package.json."""
    while True:
        if ctx.read(posixpath.join(folder, "package.json") if folder else "package.json") \
                is not None:
            return folder
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def _runs_development(ctx: ProjectContext, folder: str, command: str, depth: int = 0) -> bool:
    """Return True when ``command`` runs the app in development mode (see
    ``development_image``), following the npm/yarn/pnpm scripts it runs up to three deep."""
    last = _SEGMENT_RE.split(command)[-1]
    if _DEV_COMMAND_RE.search(last):
        return True
    inline = _ANY_INLINE_RE.search(last)
    if inline is not None:
        return inline.group(1).lower() != "production"
    body = _script_run(ctx, folder, command, depth)
    return body is not None and _runs_development(ctx, folder, body, depth + 1)


def runs_in_production_mode(ctx: ProjectContext, app_rel: str) -> bool:
    """Return True when the project proves the app in ``app_rel`` runs with NODE_ENV=production
    in production: every Dockerfile whose folder holds the app (other than development and
    test ones, ``Dockerfile.dev``) builds an image that sets it; without such a Dockerfile, the
    ``start`` script of the nearest package.json above the app sets it (inline, ``cross-env``,
    ``export``, a pm2 ecosystem file), or the project is built by Heroku's Node.js buildpack
    (a ``heroku-postbuild``-style script), which defaults NODE_ENV to production. The app's
    process setting it itself proves it in every case (``code_sets_production``). Without
    such a Dockerfile, a platform's deploy manifest in the app's folder or one above that sets
    it for the running app proves it too (``manifest_sets_production``); an image counts as
    setting it when the ``fly.toml`` beside it deploys it and sets it (``fly_sets_production``).
    Anything else (a host's settings) is out of sight: not proven."""
    if code_sets_production(ctx, app_rel):
        return True
    folder = posixpath.dirname(app_rel)
    images = []
    for file in ctx.files_of("dockerfile"):
        home = posixpath.dirname(file.rel)
        name = posixpath.basename(file.rel).lower().replace("dockerfile", "")
        if home and folder != home and not folder.startswith(home + "/"):
            continue
        if _DEV_COMPOSE_RE.search(name):
            continue
        images.append(file.rel)
    if images:
        return all(image_sets_production(ctx, rel) or fly_sets_production(ctx, rel)
                   for rel in images)
    if manifest_sets_production(ctx, folder):
        return True
    while True:
        if ctx.read(posixpath.join(folder, "package.json") if folder else "package.json") \
                is not None:
            scripts = package_scripts(ctx, folder)
            if any(name in scripts for name in _HEROKU_SCRIPTS):
                return True  # Heroku's Node.js buildpack sets NODE_ENV=production by default
            start = scripts.get("start")
            return isinstance(start, str) and start_sets_production(ctx, folder, start)
        if not folder:
            return False
        folder = posixpath.dirname(folder)


#: Deploy manifests whose run-time environment nodeharden reads, and where NODE_ENV sits in
#: each: Fly.io's ``[env]`` table, App Engine's ``env_variables``, Render's ``envVars`` list
#: of a web service, Heroku's ``app.json`` ``env`` (a value or ``{"value": …}``).
MANIFESTS = ("fly.toml", "app.yaml", "app.yml", "render.yaml", "app.json")


def manifest_sets_production(ctx: ProjectContext, folder: str) -> str | None:
    """Return the deploy manifest (``fly.toml``, App Engine's ``app.yaml``, ``render.yaml``,
    Heroku's ``app.json``) in ``folder`` or a folder above it that sets NODE_ENV to
    ``production`` for the running app, else None. Build-time settings (``[build.args]``)
    do not count."""
    while True:
        for name in MANIFESTS:
            rel = posixpath.join(folder, name) if folder else name
            raw = ctx.read(rel)
            if raw is not None and _manifest_node_env(name, raw) == "production":
                return rel
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def fly_sets_production(ctx: ProjectContext, dockerfile_rel: str) -> bool:
    """Return True when the ``fly.toml`` in the folder of ``dockerfile_rel`` deploys that image
    (its ``[build]`` names no builder, buildpacks or prebuilt image, and its ``dockerfile``, if
    set, is this one) and sets NODE_ENV=production for it in ``[env]``: Fly.io applies that
    environment over the image's."""
    folder = posixpath.dirname(dockerfile_rel)
    data = _fly_toml(ctx.read(posixpath.join(folder, "fly.toml") if folder else "fly.toml"))
    if data is None or _fly_node_env(data) != "production":
        return False
    build = data.get("build") or {}
    if not isinstance(build, dict) or any(k in build for k in ("builder", "buildpacks", "image")):
        return False
    named = build.get("dockerfile", "Dockerfile")
    return isinstance(named, str) and \
        posixpath.normpath(posixpath.join(folder, named)) == dockerfile_rel


def _fly_toml(raw: bytes | None) -> dict[str, Any] | None:
    """Return a ``fly.toml``'s data (None: absent or not TOML)."""
    import tomllib

    if raw is None:
        return None
    try:
        return tomllib.loads(raw.decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError:
        return None


def _fly_node_env(data: dict[str, Any]) -> str | None:
    """Return the NODE_ENV a ``fly.toml``'s ``[env]`` sets for the running app."""
    env = data.get("env")
    value = env.get("NODE_ENV") if isinstance(env, dict) else None
    return value if isinstance(value, str) else None


def _manifest_node_env(name: str, raw: bytes) -> str | None:
    """Return the NODE_ENV the manifest ``name`` sets for the running app (None: none or
    unreadable)."""
    if name == "fly.toml":
        data = _fly_toml(raw)
        return _fly_node_env(data) if data is not None else None
    text = raw.decode("utf-8", "replace")
    try:
        if name == "app.json":
            env = json.loads(text).get("env")
            value = env.get("NODE_ENV") if isinstance(env, dict) else None
            if isinstance(value, dict):
                value = value.get("value")
        else:
            from ruamel.yaml import YAML

            data = YAML(typ="safe").load(text)
            if not isinstance(data, dict):
                return None
            value = None
            if name.startswith("app."):
                env = data.get("env_variables")
                value = env.get("NODE_ENV") if isinstance(env, dict) else None
            else:
                values = {item.get("value") for service in data.get("services") or []
                          if isinstance(service, dict) and service.get("type") == "web"
                          for item in service.get("envVars") or []
                          if isinstance(item, dict) and item.get("key") == "NODE_ENV"}
                value = values.pop() if len(values) == 1 else None
    except Exception:  # noqa: BLE001 - a manifest that does not parse proves nothing
        return None
    return value if isinstance(value, str) else None


def renders_views(ctx: ProjectContext, path: str) -> bool:
    """Return True when the package that holds ``path`` renders HTML views: it sets a view
    engine (``app.set('view engine', 'ejs')``), registers one (``app.engine('html', …)``) or
    renders a view (``res.render('index')``). Express's own handler answered such an app's
    errors with an HTML page, and its browsers still should get one after the fix."""
    package = package_of(path, ctx.package_dirs)
    for rel, facts in ctx.facts.items():
        if is_test_file(rel) or package_of(rel, ctx.package_dirs) != package:
            continue
        for call in facts.calls:
            first = call.args[0] if call.args else None
            if first is None or first.kind != "string":
                continue
            if (call.method == "set" and first.name == "view engine") \
                    or call.method == "engine" \
                    or (call.method == "render" and call.target in ("res", "response", "resp")):
                return True
    return False
