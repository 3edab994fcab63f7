"""node-env: production images and start scripts run with ``NODE_ENV=production``.

Dockerfiles are read with the ``dockerfile`` package (the official Go parser): ``ENV`` values
lose their quotes (``ENV NODE_ENV="production"`` is production), ``ENV A=1 B=2`` and the legacy
``ENV KEY value`` are both understood, and ``ENV NODE_ENV=$NODE_ENV`` follows the ``ARG`` it
reads. Only the final stage (the image that runs) matters. An image that also runs the test
suite (its ``CMD`` runs tests, or a compose file or CI job runs tests in it) is reported without
a fix: a forced ``NODE_ENV=production`` changes which database and config a test run uses.

The fix is unsafe when the app picks a file by NODE_ENV (``'config.' + env + '.json'``,
``.env.${NODE_ENV}``, ``require('./config/' + env)``, the ``config`` package's
``config/<NODE_ENV>.*``) and the file production would pick is not in the project: the image
would then start without the configuration it runs with today. It is unsafe too when the app's
own code throws or exits on its production branch (a start-up check such as ``if (prod &&
SECRET === 'dev') throw …``): the image would stop starting where it is run without the
variables that check needs.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._regex import lazy_pattern
from nodeharden.rules._base import ProjectContext, Rule, is_test_file
from nodeharden.rules._compose import compose_command, compose_services
from nodeharden.rules._dockerfile import (
    base_image,
    base_image_of,
    generated_banner,
    generated_note,
    insert_before_line,
    insertion_line,
    line_offsets,
    Stage,
    parse_stages,
    project_base,
)
from nodeharden.rules._production import (
    TEST_RE,
    development_compose,
    development_image,
    file_server,
    fly_sets_production,
    image_node_env,
    image_package_folder,
    production_starts,
    renders_views,
    start_command,
    start_sets_production,
    task_runner,
)
from nodeharden.rules._quiet_apps import configured_nowhere

_OTHER_INLINE_RE = lazy_pattern(r"(?:^|[\s;&])(?:export\s+)?NODE_ENV=['\"]?([\w-]+)")
#: A development file watcher that restarts the app on change: never a production start.
_WATCHER_RE = lazy_pattern(r"(?:^|[\s;&/])(?:nodemon|ts-node-dev|tsnd|node-dev|supervisor)(?:\s|$)"
                           r"|\bnode\s+(?:[^;&|]*\s)?--watch\b|\btsx\s+watch\b")
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


def _join_env_block(source: bytes, stage: Stage) -> TextEdit | None:
    """Return an edit that adds ``NODE_ENV=production`` to the stage's one ``ENV`` block, or
    None. The block must be the stage's only ``ENV``, in ``KEY=value`` form, over several lines
    (escape-character continuations), after the stage's last ``RUN`` (``npm ci`` keeps its
    devDependencies), with no later instruction naming NODE_ENV (none reads a new value). The
    pair goes on a new continuation line after the block's last line, with that line's
    indentation, the block's escape character (``\\`` or a ``# escape=`` one), its spacing
    before it and its line ending; every other byte stays. The result is parsed again: the
    stage must then have the same instructions and the block its pairs plus the new one."""
    envs = [c for c in stage.commands if c.cmd.upper() == "ENV"]
    if len(envs) != 1 or envs[0].end_line <= envs[0].start_line:
        return None
    env = envs[0]
    words = env.original.split(None, 2)
    if len(words) < 2 or "=" not in words[1]:
        return None  # legacy `ENV KEY value`: one variable, the rest of the line its value
    if any(c.cmd.upper() == "RUN" and c.end_line > env.start_line for c in stage.commands) \
            or any(c.start_line > env.end_line and "NODE_ENV" in c.original
                   for c in stage.commands):
        return None
    lines = source.split(b"\n")
    if env.end_line > len(lines):
        return None
    block = [line.rstrip(b"\r") for line in lines[env.start_line - 1:env.end_line]]
    escape = block[0].rstrip(b" \t")[-1:]
    if escape not in (b"\\", b"`"):
        return None
    continued = [line.rstrip(b" \t") for line in block[:-1]
                 if line.rstrip(b" \t").endswith(escape)
                 and not line.lstrip().startswith(b"#")]
    before = continued[-1][:-1]
    gap = before[len(before.rstrip(b" \t")):] or b" "
    last = block[-1]
    content = last.rstrip(b" \t")
    if not content or content.endswith(escape) or content.lstrip().startswith(b"#"):
        return None
    columns = {len(line) for line in continued}
    if len(continued) > 1 and len(columns) == 1 and b"\t" not in b"".join(continued) \
            and all(line[:-1].endswith(b" ") for line in continued) \
            and len(content) < columns.pop() - 1:
        gap = b" " * (len(continued[0]) - 1 - len(content))  # escapes aligned in one column
    if env.end_line < len(lines):  # the block's last line ends with a newline: the same one
        ending = b"\r\n" if lines[env.end_line - 1].endswith(b"\r") else b"\n"
    else:  # the file ends there
        ending = b"\r\n" if b"\r\n" in source else b"\n"
    indent = last[:len(last) - len(last.lstrip(b" \t"))]
    at = line_offsets(source)[env.end_line - 1] + len(content)
    text = gap + escape + ending + indent + b"NODE_ENV=production"
    edit = TextEdit(at, at, text.decode("utf-8", "replace"))
    new = parse_stages((source[:at] + text + source[at:]).decode("utf-8", "replace"))
    if not new or len(new) != len(parse_stages(source.decode("utf-8", "replace")) or []):
        return None
    old_cmds = [c.cmd.upper() for c in stage.commands]
    new_envs = [c for c in new[-1].commands if c.cmd.upper() == "ENV"]
    if [c.cmd.upper() for c in new[-1].commands] != old_cmds or len(new_envs) != 1 \
            or tuple(new_envs[0].value) != (*env.value, "NODE_ENV", "production"):
        return None
    return edit


#: Markers in the pieces of a path expression: the NODE_ENV value, a piece that cannot be told,
#: the file's own folder (``__dirname``) and the process's working directory.
_ENV, _UNKNOWN, _DIRNAME, _CWD = object(), object(), object(), object()
_ENV_NEEDLE_RE = lazy_pattern(rb"NODE_ENV|\.get\(\s*['\"]env['\"]\s*\)")
#: Calls whose first argument is a file the app reads: fs and fs-extra, convict's ``loadFile``.
_READERS = frozenset({"readFileSync", "readFile", "createReadStream", "readJsonSync", "readJson",
                      "readJSONSync", "readJSON", "loadFile"})
#: Methods that leave ``production`` as it is (``NODE_ENV.toLowerCase()``).
_SAME_VALUE_METHODS = frozenset({"toLowerCase", "trim", "toString"})
_REQUIRE_EXTENSIONS = ("", ".js", ".json", ".cjs", ".mjs", ".node", "/index.js", "/index.json")


class _EnvPaths:
    """The paths one JavaScript file requires or reads, as pieces: literal text, NODE_ENV
    (``_ENV``), ``__dirname``, ``process.cwd()`` and what cannot be told (``_UNKNOWN``).
    Variables are followed when the file binds their name once (``const name = 'config.' +
    env + '.json'``)."""

    def __init__(self, root: Any) -> None:
        from nodeharden._parse import text, walk

        self.bindings: dict[str, Any] = {}
        ambiguous: set[str] = set()
        for node in walk(root):
            name = value = None
            if node.type == "variable_declarator":
                target, value = node.child_by_field_name("name"), node.child_by_field_name(
                    "value")
                if target is not None and target.type == "identifier":
                    name = text(target)
                elif target is not None and target.type == "object_pattern":
                    self._destructured(target, value)
            elif node.type == "assignment_expression":
                target = node.child_by_field_name("left")
                if target is not None and target.type == "identifier":
                    name, value = text(target), node.child_by_field_name("right")
            if name is None:
                continue
            if name in self.bindings or value is None:
                ambiguous.add(name)
            self.bindings[name] = value
        for name in ambiguous:
            self.bindings[name] = None
        self.root = root

    def _destructured(self, pattern: Any, value: Any) -> None:
        """Bind ``NODE_ENV`` (or its alias) in ``const { NODE_ENV } = process.env``."""
        from nodeharden._parse import text

        if value is None or re.sub(r"\s+", "", text(value)) != "process.env":
            return
        for child in pattern.named_children:
            if child.type == "shorthand_property_identifier_pattern" \
                    and text(child) == "NODE_ENV":
                self.bindings["NODE_ENV"] = _ENV
            elif child.type in ("pair_pattern", "object_assignment_pattern"):
                key = child.child_by_field_name("key") or child.child_by_field_name("left")
                target = child.child_by_field_name("value") or child.child_by_field_name("right")
                if key is None or text(key).strip("'\"") != "NODE_ENV":
                    continue
                if target is not None and target.type == "assignment_pattern":
                    target = target.child_by_field_name("left")
                if target is not None and target.type in ("identifier",
                                                          "shorthand_property_identifier_pattern"):
                    self.bindings[text(target)] = _ENV

    def is_env(self, node: Any, depth: int = 0) -> bool:
        """Return True for an expression whose value is NODE_ENV: ``process.env.NODE_ENV``
        (with a ``|| 'development'`` fallback, ``.toLowerCase()``), Express's
        ``app.get('env')``, a convict ``config.get('env')``, or a variable holding one."""
        from nodeharden._parse import CASTS_AND_AWAIT, string_value, text, unwrap

        node = unwrap(node, CASTS_AND_AWAIT)
        if node is None or depth > 4:
            return False
        if node.type in ("member_expression", "subscript_expression"):
            return re.sub(r"\s+", "", text(node)) in (
                "process.env.NODE_ENV", "process.env['NODE_ENV']", 'process.env["NODE_ENV"]')
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if callee is not None and callee.type == "member_expression" \
                    and text(callee.child_by_field_name("property")) in _SAME_VALUE_METHODS \
                    and args is not None and not args.named_children:
                return self.is_env(callee.child_by_field_name("object"), depth + 1)
            return callee is not None and callee.type == "member_expression" \
                and text(callee.child_by_field_name("property")) == "get" \
                and args is not None and len(args.named_children) == 1 \
                and string_value(args.named_children[0]) == "env"
        if node.type == "binary_expression":
            operator = node.child_by_field_name("operator")
            return operator is not None and operator.type in ("||", "??") \
                and self.is_env(node.child_by_field_name("left"), depth + 1)
        if node.type == "identifier":
            bound = self.bindings.get(text(node))
            return bound is _ENV or (bound is not None and self.is_env(bound, depth + 1))
        return False

    def pieces(self, node: Any, depth: int = 0) -> list[Any]:
        """Return the pieces of a string expression: literal text and the markers above."""
        from nodeharden._parse import CASTS_AND_AWAIT, string_value, text, unwrap

        node = unwrap(node, CASTS_AND_AWAIT)
        if node is None or depth > 6:
            return [_UNKNOWN]
        if self.is_env(node):
            return [_ENV]
        literal = string_value(node)
        if literal is not None:
            return [literal]
        if node.type == "template_string":
            out: list[Any] = []
            for child in node.children:
                if child.type == "template_substitution":
                    inner = child.named_children[0] if child.named_children else None
                    out += self.pieces(inner, depth + 1)
                elif child.type == "string_fragment":
                    out.append(text(child))
            return out
        if node.type == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is not None and operator.type == "+":
                return self.pieces(node.child_by_field_name("left"), depth + 1) \
                    + self.pieces(node.child_by_field_name("right"), depth + 1)
            return [_UNKNOWN]
        if node.type == "identifier":
            name = text(node)
            if name == "__dirname":
                return [_DIRNAME]
            bound = self.bindings.get(name)
            return self.pieces(bound, depth + 1) if bound not in (None, _ENV) else [_UNKNOWN]
        if node.type == "call_expression":
            callee = re.sub(r"\s+", "", text(node.child_by_field_name("function")))
            args = node.child_by_field_name("arguments")
            if callee == "process.cwd":
                return [_CWD]
            if callee in ("path.join", "path.resolve", "path.normalize") and args is not None:
                out = []
                for index, arg in enumerate(args.named_children):
                    part = self.pieces(arg, depth + 1)
                    if index and callee == "path.resolve" and isinstance(part[0], str) \
                            and part[0].startswith("/"):
                        return [_UNKNOWN]  # an absolute piece restarts the path
                    out += (["/"] if index else []) + part
                return out
        return [_UNKNOWN]

    def reads(self) -> Iterator[tuple[list[Any], str]]:
        """Yield (pieces, how) for each path argument a file is read or required with."""
        from nodeharden._parse import object_properties, text, walk

        for node in walk(self.root):
            if node.type != "call_expression":
                continue
            callee = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if callee is None or args is None or not args.named_children:
                continue
            first = args.named_children[0]
            if callee.type in ("identifier", "import") and text(callee) in ("require", "import"):
                yield self.pieces(first), "require"
            elif callee.type == "member_expression":
                method = text(callee.child_by_field_name("property"))
                receiver = text(callee.child_by_field_name("object"))
                if method in _READERS:
                    yield self.pieces(first), "read"
                elif method == "config" and "dotenv" in receiver:
                    path = object_properties(first).get("path")
                    if path is not None:
                        yield self.pieces(path), "read"


def _production_paths(ctx: ProjectContext, folder: str) -> Iterator[tuple[str | None, str, str]]:
    """Yield (path from the root or None, the path's known end, how) for each file a non-test
    JavaScript file of ``folder`` reads by a path built from NODE_ENV, NODE_ENV being
    production. A path whose part after NODE_ENV cannot be told is left out."""
    from nodeharden._parse import parse
    from nodeharden._project import JS_SUFFIXES

    for rel in ctx.facts:
        if folder and not rel.startswith(folder + "/") or is_test_file(rel):
            continue
        data = ctx.read(rel)
        lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
        if data is None or lang is None or not _ENV_NEEDLE_RE.search(data):
            continue
        found = _EnvPaths(parse(lang, data).root_node)
        for pieces, how in found.reads():
            if _ENV not in pieces:
                continue
            last_env = max(i for i, p in enumerate(pieces) if p is _ENV)
            if any(p is _UNKNOWN for p in pieces[last_env:]):
                continue
            unknown = [i for i, p in enumerate(pieces) if p is _UNKNOWN]
            start = unknown[-1] + 1 if unknown else 0
            known = pieces[start:]
            base = None
            if not unknown and known[0] is _DIRNAME:
                base, known = posixpath.dirname(rel), known[1:]
            elif not unknown and known[0] is _CWD:
                base, known = folder, known[1:]
            if any(p is _DIRNAME or p is _CWD for p in known):
                continue
            path = "".join("production" if p is _ENV else p for p in known)
            if unknown and path.strip("/") == "production":
                continue  # `path.join(dir, env)`: nothing tells which file that is
            if not unknown and base is None:
                if path.startswith("/"):
                    continue  # an absolute path inside the image
                if how == "require":
                    if not path.startswith(("./", "../")):
                        continue  # a package name
                    base = posixpath.dirname(rel)
                else:
                    base = folder  # read relative to the working directory
            if base is not None:
                full = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
                if full.startswith("../"):
                    continue
                yield full, path, how
            else:
                yield None, path, how


#: Array methods whose callback runs right away, inside the branch (``required.forEach(…)``).
_EAGER_CALLBACKS = frozenset({"forEach", "map", "filter", "some", "every", "find", "reduce"})
_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function",
                        "method_definition", "generator_function_declaration",
                        "generator_function", "class_declaration", "class"})


def _production_test(env: _EnvPaths, node: Any, negated: bool = False, depth: int = 0) -> bool:
    """Return True when NODE_ENV=production can make the condition ``node`` true: it holds a
    ``NODE_ENV === 'production'`` test (or ``!== 'production'`` under a ``!``), directly, under
    ``&&``/``||``, or through a variable bound once to such a test (``const prod = ENV ===
    'production'``)."""
    from nodeharden._parse import CASTS, string_value, text, unwrap

    node = unwrap(node, CASTS)
    if node is None or depth > 6:
        return False
    if node.type == "unary_expression":
        operator = node.child_by_field_name("operator")
        return operator is not None and operator.type == "!" and _production_test(
            env, node.child_by_field_name("argument"), not negated, depth + 1)
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        kind = operator.type if operator is not None else ""
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if kind in ("&&", "||"):
            return _production_test(env, left, negated, depth + 1) or \
                _production_test(env, right, negated, depth + 1)
        if kind in ("===", "==", "!==", "!="):
            compared = any(env.is_env(a) and string_value(b) == "production"
                           for a, b in ((left, right), (right, left)))
            return compared and negated == kind.startswith("!")
        return False
    if node.type == "identifier":
        bound = env.bindings.get(text(node))
        return bound is not None and bound is not _ENV and \
            _production_test(env, bound, negated, depth + 1)
    return False


def _stops(branch: Any) -> Any:
    """Return the first ``throw`` or ``process.exit(…)`` the branch runs (not inside a function
    it only defines; a callback of ``forEach``/``map``… runs there and counts), or None."""
    from nodeharden._parse import text

    pending = [branch]
    while pending:
        node = pending.pop(0)
        if node.type == "throw_statement":
            return node
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            name = re.sub(r"\s+", "", text(callee)) if callee is not None else ""
            if name == "process.exit":
                return node
        if node.type in _FUNCTIONS:
            parent = node.parent.parent if node.parent is not None else None
            callee = parent.child_by_field_name("function") \
                if parent is not None and parent.type == "call_expression" else None
            if callee is None or callee.type != "member_expression" or \
                    text(callee.child_by_field_name("property")) not in _EAGER_CALLBACKS:
                continue
        pending.extend(node.named_children)
    return None


def _production_refusal(ctx: ProjectContext, folder: str) -> tuple[str, int, str] | None:
    """Return (file, line, what it does) for the first ``if`` of the app's own code (tests left
    out) whose branch, taken when NODE_ENV is production, throws or calls ``process.exit``:
    a start-up check such as ``if (prod && ENCRYPTION_KEY === 'dev') throw …`` that a forced
    NODE_ENV=production turns on. Only files holding ``NODE_ENV`` and ``production`` are
    parsed."""
    from nodeharden._parse import parse, text, walk
    from nodeharden._project import JS_SUFFIXES

    for rel in sorted(ctx.facts):
        if folder and not rel.startswith(folder + "/") or is_test_file(rel):
            continue
        data = ctx.read(rel)
        lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
        if data is None or lang is None or b"NODE_ENV" not in data or \
                b"production" not in data or (b"throw" not in data and b"exit" not in data):
            continue
        root = parse(lang, data).root_node
        env = _EnvPaths(root)
        for node in walk(root):
            if node.type != "if_statement":
                continue
            condition = node.child_by_field_name("condition")
            branch = node.child_by_field_name("consequence")
            if branch is None or not _production_test(env, condition):
                continue
            stop = _stops(branch)
            if stop is not None:
                shown = re.sub(r"\s+", " ", text(condition)).strip()
                shown = shown[1:-1] if shown.startswith("(") and shown.endswith(")") else shown
                verb = "throws" if stop.type == "throw_statement" else "calls process.exit"
                return (rel, stop.start_point[0] + 1,
                        f"{verb} on the production branch of `if ({shown})`")
    return None


def _project_files(ctx: ProjectContext, folder: str) -> list[str]:
    """Return every file under ``folder`` (from the root), the folders no scan reads left out
    (``SKIP_DIRS``: dependencies, VCS data, build output): files the scan does not walk
    (``.env.production``, git-ignored settings) count too."""
    from nodeharden._project import SKIP_DIRS

    root = Path(ctx.info.root)
    found = []
    for directory, names, files in os.walk(root / folder):
        names[:] = [n for n in names if n not in SKIP_DIRS]
        rel_dir = Path(directory).relative_to(root).as_posix()
        found += [f if rel_dir == "." else f"{rel_dir}/{f}" for f in files]
    return found


def _missing_production_file(ctx: ProjectContext, folder: str, dockerfile: str) -> str | None:
    """Return the file NODE_ENV=production would make the app read that is not in the project
    (its path from the root; ``…/production.json`` when only its end is known), or None."""
    paths = list(_production_paths(ctx, folder))
    if not paths and b'"config"' not in (ctx.read(posixpath.join(folder, "package.json")
                                                  if folder else "package.json") or b""):
        return None  # nothing chosen by NODE_ENV: no need to list the files
    files = set(_project_files(ctx, folder))
    for full, path, how in paths:
        suffixes = _REQUIRE_EXTENSIONS if how == "require" else ("",)
        if full is not None:
            if not any(full + ext in files for ext in suffixes):
                return full
        elif not any(("/" + f).endswith(path + ext) if path.startswith("/")
                     else f.endswith(path + ext) for f in files for ext in suffixes):
            return "…" + path
    return _config_package_missing(ctx, folder, dockerfile, files)


def _config_package_missing(ctx: ProjectContext, folder: str, dockerfile: str,
                            files: set[str]) -> str | None:
    """Return ``config/production.*`` when the app reads its settings with the ``config``
    package, which merges ``config/<NODE_ENV>.*`` over ``config/default.*`` (``development``
    when NODE_ENV is unset), and the project has a development file but no production one."""
    import json

    raw = ctx.read(posixpath.join(folder, "package.json") if folder else "package.json")
    try:
        package = json.loads(raw or b"")
    except ValueError:
        return None
    dependencies = package.get("dependencies") if isinstance(package, dict) else None
    if not isinstance(dependencies, dict) or "config" not in dependencies:
        return None
    if not any(not is_test_file(rel) and (not folder or rel.startswith(folder + "/"))
               and "config" in facts.imported_modules() for rel, facts in ctx.facts.items()):
        return None
    text = (ctx.read(dockerfile) or b"").decode("utf-8", "replace")
    if "NODE_CONFIG_ENV" in text or "NODE_CONFIG_DIR" in text:
        return None  # the image chooses the files itself
    directory = posixpath.join(folder, "config") if folder else "config"
    stems = {posixpath.basename(f).split(".", 1)[0] for f in files
             if posixpath.dirname(f) == directory}
    if "development" in stems and "production" not in stems:
        return posixpath.join(directory, "production.*")
    return None


def _compose_production(ctx: ProjectContext, dockerfile_rel: str) -> str | None:
    """Return the compose file and service that run this image with NODE_ENV=production set
    in the service's ``environment`` (development and test files left out), if one does."""
    for rel, service, spec in compose_services(ctx, dockerfile_rel):
        if development_compose(rel):
            continue
        environment = spec.get("environment")
        if isinstance(environment, dict):
            value = environment.get("NODE_ENV")
        elif isinstance(environment, list):
            value = next((str(e).split("=", 1)[1] for e in environment
                          if str(e).startswith("NODE_ENV=")), None)
        else:
            value = None
        if str(value).strip("'\"") == "production":
            return f"{rel} sets it for service `{service}`"
    return None


#: Packages whose own behaviour switches on NODE_ENV in a way that matters at run time:
#: server-side rendering and bundling middleware ship a development build or mode, and GraphQL
#: servers put the stack trace into their error answers outside production.
_MODE_PACKAGES = ("next", "nuxt", "react-dom", "vue-server-renderer", "@vue/server-renderer",
                  "@sveltejs/kit", "@remix-run/node", "@remix-run/express", "webpack-dev-middleware",
                  "webpack-hot-middleware", "vite", "@angular/ssr", "@nestjs/graphql",
                  "@apollo/server", "apollo-server", "graphql-yoga", "mercurius",
                  "express-graphql", "@graphql-yoga/node", "type-graphql", "@trpc/server")
#: Family prefixes of the same (``apollo-server-express``, ``apollo-server-core``…).
_MODE_PREFIXES = ("apollo-server-", "@apollo/server-", "@graphql-yoga/", "@nuxt/", "@remix-run/")
_READS_ENV_RE = lazy_pattern(rb"NODE_ENV|\.get\(\s*['\"]env['\"]\s*\)|\bsettings\.env\b")
#: An error handler registered only in development (express-generator's pair: `if
#: (app.get('env') === 'development') { app.use(function(err, req, res, next) { …
#: res.render('error', { message: err.message, error: err }) }) }`): Express's `env` setting
#: is "development" while NODE_ENV is unset (a raw `process.env.NODE_ENV === 'development'`
#: is not). Its error parameter in group ``err``, the ``use`` in group ``use``.
_DEV_HANDLER_RE = lazy_pattern(
    rb"\.get\(\s*['\"]env['\"]\s*\)\s*={2,3}\s*['\"]development['\"]"
    rb"[^{;]{0,200}\{\s*(?://[^\n]*\s*)*(?P<use>[\w$.]+\.use)\(\s*(?:function\s*[\w$]*\s*)?"
    rb"\(\s*(?P<err>[\w$]+)\s*,\s*[\w$]+\s*,\s*[\w$]+\s*,\s*[\w$]+\s*\)")
#: Fields of an error whose value is text or a number (an answer made of them cannot throw).
_SAFE_FIELDS = frozenset({"message", "status", "statusCode", "status_code", "code", "name",
                          "expose", "type", "title", "toString"})
#: Methods that log or report an error (they handle any object, circular ones too).
_LOG_METHODS = frozenset({"error", "warn", "warning", "info", "log", "debug", "fatal", "trace",
                          "captureException", "notify", "report", "exception"})
#: Nodes a value passes through on its way into the expression around it.
_CARRIERS = frozenset({"parenthesized_expression", "await_expression", "arguments", "object",
                       "pair", "array", "spread_element", "sequence_expression", "as_expression",
                       "satisfies_expression", "non_null_expression", "ternary_expression",
                       "binary_expression"})


def _rooted_at(node: Any, name: str) -> bool:
    """Return True when the member chain or call chain ``node`` starts at ``name``
    (``res.status(500).json``)."""
    from nodeharden._parse import text

    while node is not None and node.type in ("member_expression", "call_expression",
                                             "subscript_expression"):
        node = node.child_by_field_name("object") or node.child_by_field_name("function")
    return node is not None and text(node) == name


def _error_use_is_safe(use: Any, res: str) -> bool:
    """Return True when this use of the error (``err``, or ``err.field``) cannot put the error
    object into the answer: it is tested (``if (err)``, ``err instanceof X``, ``!err``), turned
    into text (``String(err)``, a template, ``+``), logged (``logger.error(err)``) or handed to a
    call whose result is dropped and that is not given ``res``. Anything else that carries it
    (``res.json({ details: err })``, ``res.send(err)``, ``const body = { err }``) may serialise
    it, and a circular error makes ``res.json`` throw into Express's default handler."""
    from nodeharden._parse import text

    current = use
    while True:
        parent = current.parent
        if parent is None:
            return False
        kind = parent.type
        if kind == "template_substitution":
            return True
        if kind == "unary_expression":
            return True
        if kind == "binary_expression":
            operator = parent.child_by_field_name("operator")
            if operator is not None and text(operator) in (
                    "instanceof", "==", "===", "!=", "!==", "+", "in"):
                return True
        if kind == "ternary_expression" and parent.child_by_field_name("condition") == current:
            return True
        if kind == "parenthesized_expression" and parent.parent is not None and \
                parent.parent.type in ("if_statement", "while_statement", "do_statement",
                                       "switch_statement"):
            return True
        if kind == "call_expression" and current.type == "arguments":
            callee = parent.child_by_field_name("function")
            name = text(callee)
            if name == "String":
                return True
            if _rooted_at(callee, res):
                return False  # the answer itself: res.json(err), res.send({ err })
            if callee is not None and callee.type == "member_expression" and \
                    text(callee.child_by_field_name("property")) in _LOG_METHODS:
                return True
            args = parent.child_by_field_name("arguments")
            given_res = args is not None and any(text(a) == res for a in args.named_children)
            statement = parent.parent
            while statement is not None and statement.type == "await_expression":
                statement = statement.parent
            return not given_res and statement is not None and \
                statement.type == "expression_statement"
        if kind in _CARRIERS or kind == "call_expression":
            current = parent
            continue
        if kind == "shorthand_property_identifier":
            current = parent
            continue
        return False


def _terminal_handler(ctx: ProjectContext, rel: str, arg: Any) -> bool:
    """Return True when the four-parameter function ``arg`` of ``rel`` answers every error
    itself: it never passes the error on (``next(err)``), never throws (Express would pass
    that to its default handler), never names ``.stack``, and its answer cannot itself throw:
    it sends text or fields of the error (``err.message``, a status), never the error object
    or a value containing it (``_error_use_is_safe``)."""
    from nodeharden._parse import parameters, parse, text, walk
    from nodeharden._project import JS_SUFFIXES

    lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
    source = ctx.read(rel)
    if lang is None or source is None:
        return False
    node = parse(lang, source).root_node.descendant_for_byte_range(arg.start, arg.end)
    while node is not None and not (node.start_byte == arg.start and node.end_byte == arg.end):
        node = node.parent
    if node is None:
        return False
    params = parameters(node)
    if len(params) != 4:
        return False
    error, res, nxt = text(params[0]), text(params[2]), text(params[3])
    plain = params[0].type == "identifier"
    for inner in walk(node):
        if inner.type == "throw_statement":
            return False
        if inner.type == "member_expression" and text(
                inner.child_by_field_name("property") or inner) == "stack":
            return False
        if inner.type == "call_expression":
            callee = inner.child_by_field_name("function")
            args = inner.child_by_field_name("arguments")
            if callee is not None and text(callee) == nxt and args is not None \
                    and args.named_children:
                return False
        if plain and inner.type in ("identifier", "shorthand_property_identifier") \
                and text(inner) == error and inner != params[0]:
            use = inner
            parent = inner.parent
            if parent is not None and parent.type == "member_expression" and \
                    parent.child_by_field_name("object") == inner:
                if text(parent.child_by_field_name("property")) in _SAFE_FIELDS:
                    continue  # a text or number field
                use = parent
            if not _error_use_is_safe(use, res):
                return False
    return True


def _cannot_fail(ctx: ProjectContext, rel: str, app: Any) -> bool:
    """Return True when no error can reach Express's default handler of ``app`` (created at
    top level in ``rel``): nothing is mounted on it but routes that cannot fail and header
    middleware (``_quiet_apps.configured_nowhere``, which error-handler asks too)."""
    from nodeharden._parse import parse
    from nodeharden._project import JS_SUFFIXES

    lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
    source = ctx.read(rel)
    facts = ctx.facts.get(rel)
    if lang is None or source is None or facts is None or app.in_function:
        return False
    source = source[3:] if source.startswith(b"\xef\xbb\xbf") else source
    return configured_nowhere(parse(lang, source).root_node, facts, app, routes=True)


def _app_handler(ctx: ProjectContext, rel: str, facts: Any, targets: set[str]) -> str | None:
    """Return ``file:line`` of the last four-parameter function ``rel`` passes to ``.use`` on
    one of ``targets`` (never on a router the file creates) when it answers every error
    itself (``_terminal_handler``); None when there is none or it may pass errors on."""
    routers = {a.name for a in facts.apps if a.kind == "router"}
    handlers = [(call, arg) for call in facts.uses()
                if call.target not in routers and call.target in targets
                for arg in call.args
                if arg.params == 4 or (arg.kind == "identifier"
                                       and facts.function_params.get(arg.name) == 4)]
    if not handlers:
        return None
    call, arg = max(handlers, key=lambda pair: pair[1].start)
    if arg.kind == "function" and _terminal_handler(ctx, rel, arg):
        return f"{rel}:{call.line}"
    return None


def _own_final_handler(ctx: ProjectContext, package: str) -> str | None:
    """Return where the app's own final error handler is (``file:line``) when Express's
    default handler, the one that shows stack traces outside production, is never reached:
    the last four-parameter function a file passes to ``.use`` on the app (not on a router
    the file creates) answers every error itself (``_terminal_handler``). With one Express
    app in the package, the handler may sit in a module the app hands itself to (``app``
    there). With several, each must be covered in the file that creates it: by such a handler
    on its own name, or because no error can reach its default handler (``_cannot_fail``: a
    load balancer's agent whose routes only answer 204)."""
    from nodeharden._roles import package_of

    files = [(rel, facts) for rel, facts in ctx.facts.items()
             if not is_test_file(rel) and package_of(rel, ctx.package_dirs) == package]
    apps = [(rel, facts, app) for rel, facts in files for app in facts.apps if app.kind == "app"]
    found: str | None = None
    if len(apps) == 1:
        names = {apps[0][2].name, "app"}
        for rel, facts in files:
            # on the app: its name, or `app` in a module the app hands itself to (a router's
            # handler covers only that router's routes)
            found = found or _app_handler(ctx, rel, facts, {n for n in names if n})
        return found
    for rel, facts, app in apps:
        if app.name is None or sum(1 for a in facts.apps if a.name == app.name) != 1:
            return None
        handler = _app_handler(ctx, rel, facts, {app.name})
        if handler is None and not _cannot_fail(ctx, rel, app):
            return None
        found = found or handler
    return found


#: ``process.env.NODE_ENV`` compared, equal or not, with a string (``=== 'development'``),
#: either way round: group ``value`` holds the string.
_ENV_COMPARED_RE = lazy_pattern(
    rb"process\.env(?:\.NODE_ENV\b|\[\s*(?P<q1>['\"])NODE_ENV(?P=q1)\s*\])"
    rb"\s*[!=]==?\s*(?P<q2>['\"`])(?P<value>[\w.-]*)(?P=q2)(?!\s*(?:[.\[+*/%-]|\?\.))"
    rb"|(?P<q3>['\"`])(?P<before>[\w.-]*)(?P=q3)\s*[!=]==?\s*"
    rb"process\.env(?:\.NODE_ENV\b|\[\s*(?P<q4>['\"])NODE_ENV(?P=q4)\s*\])"
    rb"(?!\s*(?:[.\[]|\?\.))")


def _same_either_way(data: bytes, match: Any) -> bool:
    """Return True when the NODE_ENV read at ``match`` is a plain ``process.env.NODE_ENV``
    compared (``===``, ``!==``, ``==``, ``!=``) with a string other than ``production``: the
    comparison comes out the same unset (``undefined``) and set to production, so setting it
    changes nothing there. A default (``|| 'development'``), a method called on it, ``typeof``,
    Express's ``app.get('env')`` (``development`` when unset) and a comparison with
    ``production`` still count."""
    if match.group(0) != b"NODE_ENV":
        return False
    line_start = data.rfind(b"\n", 0, match.start()) + 1
    line_end = data.find(b"\n", match.end())
    for found in _ENV_COMPARED_RE.finditer(data, line_start,
                                           len(data) if line_end < 0 else line_end):
        if not found.start() <= match.start() < found.end():
            continue
        ahead = data[line_start:found.start()].rstrip()
        if ahead.endswith((b".", b"+", b"-", b"*", b"/", b"%", b"typeof", b"!")) \
                or ahead[-1:].isalnum() and not ahead.endswith((b"if", b"return")):
            return False  # part of a larger operand (`typeof process.env.NODE_ENV`, `a + 'x'`)
        value = found.group("value") if found.group("value") is not None \
            else found.group("before")
        return value.lower() != b"production"
    return False


#: A module that sets NODE_ENV to production when it is unset: ``process.env.NODE_ENV ||
#: (process.env.NODE_ENV = 'production')``, ``process.env.NODE_ENV = process.env.NODE_ENV ||
#: 'production'``, ``process.env.NODE_ENV ??= 'production'``.
_DEFAULTS_PRODUCTION_RE = lazy_pattern(
    rb"process\.env\.NODE_ENV\s*(?:\|\||\?\?)\s*\(\s*process\.env\.NODE_ENV\s*=\s*"
    rb"['\"]production['\"]"
    rb"|process\.env\.NODE_ENV\s*=\s*process\.env\.NODE_ENV\s*(?:\|\||\?\?)\s*['\"]production['\"]"
    rb"|process\.env\.NODE_ENV\s*(?:\|\||\?\?)=\s*['\"]production['\"]")

#: A static ``import`` or ``export … from`` statement (hoisted: it runs before the module).
_STATIC_IMPORT_RE = lazy_pattern(rb"\s*(?:import(?:\s|\{|\*|['\"])|export\b)")


def _launcher_defaults_production(ctx: ProjectContext, package: str) -> bool:
    """Return True when every module of ``package`` that creates an Express app is loaded,
    and only by modules that set NODE_ENV to production when it is unset before they load it
    (a ``require()`` after the setting; a static ``import`` runs before the module's own
    code, so it never counts): whatever starts the app goes through such a launcher, so
    Express starts in production mode without the image's help. An app module started
    directly would be loaded by no module of the project."""
    from nodeharden._roles import package_of

    apps = [f.path for f in ctx.app_files()
            if not is_test_file(f.path) and package_of(f.path, ctx.package_dirs) == package]
    if not apps:
        return False
    for app in apps:
        loaders = [(rel, imp) for rel, facts in sorted(ctx.facts.items())
                   if not is_test_file(rel) for imp in facts.imports
                   if ctx.resolve_import(rel, imp.module) == app]
        if not loaders:
            return False
        for rel, imp in loaders:
            data = ctx.read(rel) or b""
            setting = _DEFAULTS_PRODUCTION_RE.search(data, 0, imp.start)
            if setting is None or _STATIC_IMPORT_RE.match(data, imp.start):
                return False
    return True


def _development_effects(ctx: ProjectContext, package: str) -> str | None:
    """Return what development mode still changes for an app whose own final error handler
    keeps Express's stack-trace page away: its code reading NODE_ENV (or the app's ``env``
    setting), views Express recompiles on every render, or a package of a mode-switching kind
    (server-side rendering, bundling middleware). None when nothing in sight reads it."""
    from nodeharden._roles import package_of

    for rel in sorted(ctx.facts):
        if is_test_file(rel) or package_of(rel, ctx.package_dirs) != package:
            continue
        data = ctx.read(rel) or b""
        shown = _DEV_HANDLER_RE.search(data)
        if shown is not None and re.search(
                rb"\berror\s*:\s*" + re.escape(shown.group("err")) + rb"\b(?!\s*\.)|\b"
                + re.escape(shown.group("err")) + rb"\s*\.\s*stack\b",
                data[shown.end():shown.end() + 600]):
            line = data.count(b"\n", 0, shown.start("use")) + 1
            return (f"in development mode the app's own error handler ({rel}:{line}) shows "
                    "the error to the client, its stack included")
    for rel in ctx.facts:
        if is_test_file(rel) or package_of(rel, ctx.package_dirs) != package:
            continue
        data = ctx.read(rel) or b""
        match = _READS_ENV_RE.search(data)
        while match is not None and _same_either_way(data, match):
            match = _READS_ENV_RE.search(data, match.end())
        if match is not None:
            line = data.count(b"\n", 0, match.start()) + 1
            return f"the app's own code switches on it ({rel}:{line})"
    app = next((f.path for f in ctx.app_files()
                if package_of(f.path, ctx.package_dirs) == package), None)
    if app is not None and renders_views(ctx, app):
        return "Express recompiles the app's views on every render (no view cache)"
    manifest = ctx.read(posixpath.join(package, "package.json") if package else "package.json")
    if manifest is not None:
        import json

        try:
            data_json = json.loads(manifest)
        except ValueError:
            data_json = {}
        deps = data_json.get("dependencies") if isinstance(data_json, dict) else None
        used = [name for name in (deps if isinstance(deps, dict) else {})
                if name in _MODE_PACKAGES or str(name).startswith(_MODE_PREFIXES)]
        if used:
            return f"`{used[0]}` runs its development mode"
    return None


def _production_node(script: str) -> bool:
    """Return True when a package script starts the app in production without a watcher:
    it sets ``NODE_ENV=production`` and runs ``node``, pm2 or ts-node on a file."""
    found = _OTHER_INLINE_RE.search(script)
    return found is not None and found.group(1).lower() == "production" \
        and not _WATCHER_RE.search(script) \
        and re.search(r"(?:^|[\s;&/])(?:node|pm2(?:-runtime)?|ts-node)\s+\S", script) is not None


class NodeEnv(Rule):
    """A Dockerfile or start script without NODE_ENV=production."""

    id = "node-env"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        dockerfiles = ctx.files_of("dockerfile")
        ci = None if not dockerfiles else _ci_reason(ctx)
        for file in dockerfiles:
            source = ctx.read(file.rel)
            if source is None or development_image(ctx, file.rel) \
                    or base_image_of(ctx, file.rel) is not None:
                continue  # a development container, or a base image another Dockerfile uses
            text = source.decode("utf-8", "replace")
            stages = parse_stages(text)
            if not stages:
                continue
            final = stages[-1]
            value, own, arg = image_node_env(stages, final, text)
            if value == "production" or (value == "" and arg is None):
                continue
            parent = project_base(ctx, file.rel, base_image(stages, final)) \
                if value is None else None
            if parent is not None and \
                    image_node_env(parent[2], parent[2][-1], parent[1])[0] == "production":
                continue  # built on the project's own base image, which sets it
            starts = production_starts(ctx, file.rel, stages, final)
            folder = posixpath.dirname(file.rel)
            package = image_package_folder(ctx, file.rel, final)
            if starts and all(file_server(ctx, package, start) for start in starts):
                # It starts a static file server or a web server (`serve -s dist`, through the
                # package script it runs): no Express app runs there, and NODE_ENV changes
                # nothing that server answers.
                continue
            if value is None and _launcher_defaults_production(ctx, package):
                # The only modules that load the app set NODE_ENV=production first when it is
                # unset (spark-wallet's CLI, which the image runs): Express starts in
                # production mode.
                continue
            if starts and all(start_sets_production(ctx, package, start) for start in starts):
                # The start sets NODE_ENV=production for the app itself: inline
                # (`CMD NODE_ENV=production node app.js`), through pm2's ecosystem file, or in
                # the package script it runs (`CMD ["tini", "--", "yarn", "start"]` with
                # `"start": "cross-env NODE_ENV=production node app.js"`).
                continue
            if value is None and fly_sets_production(ctx, file.rel):
                continue  # the fly.toml that deploys the image sets it for the running app
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
            handler = _own_final_handler(ctx, package) if value is None else None
            if handler is not None:
                effects = _development_effects(ctx, package)
                if effects is None:
                    continue  # no stack-trace page, and nothing in sight reads NODE_ENV
                message = ("the final stage does not set NODE_ENV=production: the app's own "
                           f"final error handler ({handler}) answers errors, so Express's "
                           f"stack-trace page is not reached, but {effects}")
            compose = _compose_production(ctx, file.rel) if value is None else None
            if compose and handler is None:
                message = ("the final stage does not set NODE_ENV=production: " + compose
                           + ", but the image run without compose (`docker run`) runs Express "
                           "in development mode, which shows stack traces")
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
            banner = generated_banner(source)
            if banner is not None:
                yield ctx.line_finding(self.id, file.rel, final.from_line,
                                       f"{message}; {generated_note(banner)}")
                continue
            if own is not None and value:
                edit = _replace_in_place(source, own, value)
            else:
                edit = _join_env_block(source, final)
                if edit is None:
                    line = insertion_line(source, final, ("RUN",),
                                          ("USER", "CMD", "ENTRYPOINT"))
                    edit = insert_before_line(source, line, "ENV NODE_ENV=production\n")
            fix = None
            if edit is not None:
                title = "Set ENV NODE_ENV=production in the final stage"
                missing = _missing_production_file(ctx, folder, file.rel) \
                    if value is None else None
                runner = next((found for start in starts
                               if (found := task_runner(ctx, folder, start))), None) \
                    if value is None and not missing else None
                refusal = _production_refusal(ctx, package) if not missing else None
                if missing:
                    title += (f": the app then loads {missing}, which is not in the project; "
                              "create it first")
                elif refusal:
                    where, at, what = refusal
                    title += (f" (unsafe: {where}:{at} {what}: the app's own check turns on "
                              "with NODE_ENV=production, so the image, run the way it is run "
                              "today (without what that branch requires, such as the variables "
                              "it checks), would stop starting; set those where the image runs, "
                              "then apply)")
                elif runner:
                    title += (f" (unsafe: the image starts the app through `{runner}`, whose "
                              "task nodeharden does not read: check that it starts the "
                              "production server, not a development one)")
                fix = Fix(title=title,
                          applicability="safe" if value is None and not missing
                          and not runner and not refusal else "unsafe",
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
        if _WATCHER_RE.search(start) and isinstance(scripts, dict) and any(
                isinstance(script, str) and name != "start" and _production_node(script)
                for name, script in scripts.items()):
            # `"start": "NODE_ENV=development nodemon index.js"` beside `"start:prod":
            # "NODE_ENV=production node index.js"`: a file watcher is the development entry,
            # and the project starts production with the other script.
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
