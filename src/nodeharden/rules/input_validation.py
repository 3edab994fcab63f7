"""input-validation: route handlers that read request fields with no validator in front."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from tree_sitter import Node, Tree

from nodeharden._express import HTTP_METHODS, AppFact, ArgFact, CallFact, FileFacts, _arg_fact
from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._packagejson import declared_major, version_of
from nodeharden._parse import (
    CASTS_AND_AWAIT, FUNCTION_TYPES, code_children, identifier_pattern, parameters, parse,
    statement_of, string_value, text, unwrap, walk)
from nodeharden._project import JS_SUFFIXES
from nodeharden._record import field, record, replace
from nodeharden._regex import lazy_pattern
from nodeharden._snippets import render_snippet
from nodeharden._style import Style
from nodeharden.rules._base import ProjectContext, Rule, import_package, is_test_file
from nodeharden.rules._edits import ImportRequest, add_imports, import_at, import_edit, \
    import_specifier
from nodeharden.rules._mounts import alias_target, join_path, mounted_file

# The handler analysis (rules/_validation_sinks and _validation_types, the largest modules of
# the rules) is imported where it runs, once a file has a route: a check of an app without
# routes does not pay for loading it (start-up time, issue 17).
if TYPE_CHECKING:
    from nodeharden.rules._validation_factory import Check
    from nodeharden.rules._validation_sinks import Chain, Sink
    from nodeharden.rules._validation_types import Reads

#: Libraries whose use in the route chain or the handler counts as validation.
VALIDATOR_MODULES = ("express-validator", "celebrate", "zod", "joi", "@hapi/joi", "ajv", "yup",
                     "express-joi-validation", "express-json-validator-middleware")
_FUNCTION_TYPES = FUNCTION_TYPES
#: A path parameter: ``:name`` (Express 4 and 5), ``*name`` (Express 5 wildcard), quoted names.
_PATH_PARAM_RE = lazy_pattern(r'([:*])("?)([A-Za-z_$][\w$]*)\2')
_TOP_DECL_RE = lazy_pattern(
    rb"^(?:export\s+)?(?:const|let|var|function|class)\s+([\w$]+)", re.MULTILINE)
_MAX_INLINE = 100
#: A route argument that is a call may wrap the handler: ``asyncHandler(async (req, res) => …)``.
_WRAPPED_RE = lazy_pattern(rb"=>|\bfunction\b")
#: A quoted literal: in a path argument that is a call, ``urljoin(settings.route, 'api/x')``.
_LITERAL_RE = lazy_pattern(rb"['\"`]")



#: ``app.get(urljoin(…``: a route method called with a call as its first argument.
_COMPUTED_ROUTE_RE = lazy_pattern(
    rb"(?<![\w$.])([A-Za-z_$][\w$]*)\s*\.\s*("
    + b"|".join(m.encode() for m in sorted(HTTP_METHODS)) + rb")\s*\(\s*[A-Za-z_$][\w$.]*\s*\(")


def _computed_routes(facts: FileFacts, parsed: _Parsed) -> list[CallFact]:
    """Return the routes of the file whose path a call builds from a literal, on an Express
    app or router the file makes (``app.get(urljoin(settings.route, 'api/watch/file'),
    api.watch.readFile)``), which the file's facts do not keep (their path is no string).
    Their ``path`` is None: unknown, so no path parameter is taken as declared or absent and
    no middleware mounted on a path counts for them."""
    names = {a.name for a in facts.apps if a.name}
    found: list[CallFact] = []
    if not names:
        return found
    source, root = parsed.source, parsed.tree.root_node
    for match in _COMPUTED_ROUTE_RE.finditer(source):
        if match.group(1).decode() not in names:
            continue
        call = root.descendant_for_byte_range(match.start(), match.end())
        while call is not None and not (call.type == "call_expression"
                                         and call.start_byte == match.start()):
            call = call.parent
        fn = call.child_by_field_name("function") if call is not None else None
        args_node = call.child_by_field_name("arguments") if call is not None else None
        if call is None or fn is None or args_node is None or fn.type != "member_expression":
            continue
        given = code_children(args_node)
        if len(given) < 2 or given[0].type != "call_expression" or \
                not _LITERAL_RE.search(source, given[0].start_byte, given[0].end_byte):
            continue
        stmt = statement_of(call)
        line_start = source.rfind(b"\n", 0, stmt.start_byte) + 1
        indent = source[line_start:stmt.start_byte]
        nl = source.find(b"\n", stmt.end_byte)
        found.append(CallFact(
            target=match.group(1).decode(), method=match.group(2).decode(),
            line=call.start_point[0] + 1, column=call.start_point[1] + 1,
            start=call.start_byte, end=call.end_byte, stmt_start=stmt.start_byte,
            stmt_end=len(source) if nl == -1 else nl + 1,
            indent=indent.decode() if not indent.strip() else "",
            args=[_arg_fact(a) for a in given], path=None, on_express=True))
    return found


def _routes(facts: FileFacts, parsed: _Parsed | None) -> list[CallFact]:
    """Return the file's routes (``facts.routes()``) and those ``_computed_routes`` finds, in
    the order they are in the file."""
    routes = facts.routes()
    if parsed is None:
        return routes
    extra = _computed_routes(facts, parsed)
    return sorted([*routes, *extra], key=lambda c: c.start) if extra else routes

@record
class _Parsed:
    lang: str
    source: bytes
    tree: Tree
    functions: dict[str, Node | None] = field(default_factory=dict)  # find_function, memoized

    def function(self, name: str) -> Node | None:
        """Return ``find_function`` for this file and ``name``, computed once."""
        if name not in self.functions:
            self.functions[name] = find_function(self.tree, self.source, name)
        return self.functions[name]


class _Project:
    """Parsed files on demand (main process only). Parsed files are kept in ``ctx.extra``,
    which lives as long as the scanner, by path and content: a fix pass re-parses only the
    files it changed."""

    def __init__(self, ctx: ProjectContext) -> None:
        self.ctx = ctx
        self._cache: dict[str, _Parsed | None] = {}
        self.methods: dict[tuple[str, str], tuple[str, Node] | None] = {}  # _instance_method
        #: (file, start) of a route-options factory -> what its middleware validates
        self.factories: dict[tuple[str, int], list[Check]] = {}
        #: Request parts each middleware function validates (``_middleware_parts``).
        self.middlewares: dict[tuple[str, int], set[str]] = {}
        self._kept: dict[tuple[str, bytes], _Parsed] = ctx.extra.setdefault(
            "input-validation.parsed", {})
        self.roots: dict[int, str] = {}  # root node id -> file, for _DataLayers

    def get(self, rel: str) -> _Parsed | None:
        if rel not in self._cache:
            data = self.ctx.read(rel)
            lang = JS_SUFFIXES.get(os.path.splitext(rel)[1])
            if data is None or lang is None:
                self._cache[rel] = None
            else:
                parsed = self._kept.get((rel, data))
                if parsed is None:
                    parsed = self._kept[(rel, data)] = _Parsed(lang, data, parse(lang, data))
                self._cache[rel] = parsed
                self.roots[parsed.tree.root_node.id] = rel
        return self._cache[rel]

    def resolve_module(self, importer: str, spec: str) -> str | None:
        return self.ctx.resolve_import(importer, spec)


#: Data-layer packages by family: what a model or client imported from them is.
_DB_FAMILIES = {
    "sequelize": "sequelize", "@sequelize/core": "sequelize", "sequelize-typescript": "sequelize",
    "mongoose": "mongo", "mongodb": "mongo", "mongojs": "mongo", "monk": "mongo",
    "@prisma/client": "prisma", "typeorm": "typeorm", "knex": "knex", "objection": "knex",
    "bookshelf": "knex", "@mikro-orm/core": "mikro-orm"}
#: Sequelize reads ``$ne``-style string keys as operators only when the app maps them.
_ALIASES_RE = lazy_pattern(rb"operatorsAliases\s*:\s*(?!false\b|undefined\b|null\b|\{\s*\})")


def _package_files(ctx: ProjectContext) -> list[tuple[str, object]]:
    """Return (path, parsed JSON) of each package.json of the project that parses."""
    import json

    found: list[tuple[str, object]] = []
    for package in ctx.files_of("package"):
        try:
            found.append((package.rel, json.loads(ctx.read(package.rel) or b"")))
        except ValueError:
            continue
    return found


def _declared_majors(ctx: ProjectContext, *names: str) -> list[int]:
    """Return the major versions of ``names`` the root package.json and the package.json files
    of the project's packages (``server/package.json`` of a repository) declare."""
    blocks: list[dict[str, object]] = [{"dependencies": dict(ctx.info.dependencies)}]
    blocks += [data for _, data in _package_files(ctx) if isinstance(data, dict)]
    return [m for data in blocks for name in names
            if (m := declared_major(data, name)) is not None]


def _yaml3_packages(ctx: ProjectContext) -> Callable[[str], bool]:
    """Return ``unsafe(rel)``: the package.json nearest above file ``rel`` (else the root's)
    declares js-yaml before 4."""
    majors: dict[str, int] = {}
    root = declared_major({"dependencies": dict(ctx.info.dependencies)}, "js-yaml")
    for rel, data in _package_files(ctx):
        major = declared_major(data, "js-yaml") if isinstance(data, dict) else None
        folder = posixpath.dirname(rel)
        if major is not None:
            majors[folder] = major
        elif folder:
            majors.setdefault(folder, -1)  # a package of its own that does not declare it
    if root is not None:
        majors.setdefault("", root)

    def unsafe(rel: str) -> bool:
        folder = posixpath.dirname(rel)
        while True:
            if folder in majors:
                major = majors[folder]
                if major >= 0 or not folder:
                    return 0 <= major < 4
                folder = ""  # hoisted from the root of a workspace
                continue
            if not folder:
                return False
            folder = posixpath.dirname(folder)

    return unsafe


#: The name of Express's ``query parser`` setting, as a string (comments that mention it aside).
_QUERY_PARSER_NAME_RE = lazy_pattern(rb"""['"`]query parser['"`]""")


class _DataLayers:
    """What data layer the receiver of a call comes from: ``db.User.update`` with ``db``
    required from a project module that imports sequelize is a Sequelize model; a name bound
    to ``new ProjectController()`` is read through the module that defines the class; ``this``
    and other local names through the file's own imports. A file that imports no data-layer
    package is read through the project modules it imports, one level (``models/index.js``)."""

    def __init__(self, project: _Project) -> None:
        self.project = project
        ctx = project.ctx
        self._files: dict[tuple[str, int], frozenset[str]] = {}
        # Sequelize 5+ reads only Symbol operators (`Op.ne`) unless the app maps string ones.
        # (sequelize-typescript wraps the sequelize the project also declares.)
        majors = _declared_majors(ctx, "sequelize", "@sequelize/core")
        self.sequelize_plain = bool(majors) and min(majors) >= 5 and not any(
            _ALIASES_RE.search(ctx.read(rel) or b"") for rel, facts in ctx.facts.items()
            if any(_DB_FAMILIES.get(import_package(m)) == "sequelize"
                   for m in facts.imported_modules()))
        self.simple_query = self._simple_query()
        # validator.js 5 and later throw for anything but a string (4 and before read
        # String(value), which an object passes for some functions: isEmpty).
        majors = _declared_majors(ctx, "validator")
        self.validator_throws = bool(majors) and min(majors) >= 5

    def _simple_query(self) -> bool:
        """Return True when req.query values are strings or arrays of strings, never objects:
        every ``query parser`` the project sets, on any app in any file (``configure(app)`` in
        config/express.js), is ``'simple'`` (or false), or none is set and Express 5 (whose
        default is ``'simple'``) is declared. A ``query parser`` the rule cannot tie to a
        literal setting (``app.set(name, value)`` from a settings object, a value held in a
        variable, ``app.enable``) is not assumed simple."""
        ctx = self.project.ctx
        settings: list[bytes] = []
        for rel, facts in ctx.facts.items():
            source = ctx.read(rel) or b""
            mentions = len(_QUERY_PARSER_NAME_RE.findall(source))
            if not mentions:
                continue
            found = [call for call in facts.calls
                     if call.method in ("set", "enable", "disable") and call.args
                     and call.args[0].kind == "string" and call.args[0].name == "query parser"]
            if len(found) < mentions:
                return False
            for call in found:
                if call.method != "set" or len(call.args) < 2:
                    return False
                settings.append(source[call.args[1].start:call.args[1].end].strip())
        if settings:
            return all(s.strip(b"'\"`") in (b"simple", b"false") for s in settings)
        majors = _declared_majors(ctx, "express")
        return bool(majors) and min(majors) >= 5

    def file(self, rel: str, depth: int = 1) -> frozenset[str]:
        """Return the data-layer families ``rel`` imports (through its project modules, one
        level, when it imports none itself)."""
        key = (rel, depth)
        if key in self._files:
            return self._files[key]
        self._files[key] = frozenset()
        facts = self.project.ctx.facts.get(rel)
        found: set[str] = set()
        if facts is not None:
            found = {f for m in facts.imported_modules()
                     if (f := _DB_FAMILIES.get(import_package(m))) is not None}
            if not found and depth > 0:
                for imp in facts.imports:
                    target = self.project.resolve_module(rel, imp.module)
                    if target is not None and target != rel:
                        found |= self.file(target, 0)
        self._files[key] = frozenset(found)
        return self._files[key]

    def name(self, rel: str, name: str, scope: Node | None, hops: int = 0,
             guess: bool = True) -> frozenset[str]:
        """Return the data-layer families of what ``name`` holds in file ``rel`` (``guess``:
        a name bound to none of them, ``this`` or a parameter, is read through the file)."""
        facts = self.project.ctx.facts.get(rel)
        if facts is None:
            return frozenset()
        for imp in facts.imports:
            if name in imp.locals():
                if imp.module.startswith("."):
                    target = self.project.resolve_module(rel, imp.module)
                    return self.file(target) if target is not None else frozenset()
                family = _DB_FAMILIES.get(import_package(imp.module))
                return frozenset({family}) if family else frozenset()
        parsed = self.project.get(rel)
        if name != "this" and hops < 2 and parsed is not None:
            # `const user = await db.User.findByPk(id)`, `x = new ProjectController()`, in the
            # function, else in the file (`const User = sequelize.define(…)`)
            binding = re.compile(rf"(?<![\w$.]){re.escape(name)}\s*=\s*(?:await\s+)?"
                                 r"(?:new\s+)?([\w$]+)(?:\.[\w$]+)*\s*[(<]")
            bound = binding.search(text(scope)) if scope is not None else None
            if bound is None:
                bound = binding.search(parsed.source.decode("utf-8", "replace"))
            if bound is not None and bound.group(1) != name:
                return self.name(rel, bound.group(1), scope, hops + 1, guess)
        return self.file(rel) if guess else frozenset()

    def of_call(self, fn: Node | None, guess: bool = True) -> frozenset[str]:
        """Return the data-layer families of the receiver of call ``fn`` (``a.b.method``)."""
        if fn is None or fn.type != "member_expression":
            return frozenset()
        return self.of_value(fn.child_by_field_name("object"), guess)

    def of_value(self, receiver: Node | None, guess: bool = True) -> frozenset[str]:
        """Return the data-layer families of the value ``receiver`` (``db.User``, ``user``)."""
        if receiver is None:
            return frozenset()
        fn = receiver
        root = fn
        while root.parent is not None:
            root = root.parent
        rel = self.project.roots.get(root.id)
        if rel is None:
            return frozenset()
        receiver_text = text(receiver)
        parts = receiver_text.split(".")
        source = text(root)
        # `this.connectionController = new ConnectionController()`: the class's module.
        for i in range(len(parts), 0, -1):
            prefix = ".".join(parts[:i])
            if not re.fullmatch(r"[\w$]+(?:\.[\w$]+)*", prefix):
                continue
            made = re.search(rf"(?<![\w$.]){re.escape(prefix)}\s*=\s*new\s+([\w$]+)", source)
            if made is not None:
                return self.name(rel, made.group(1), None, guess=guess)
        first = re.match(r"[\w$]+", receiver_text)
        if first is None:
            return self.file(rel) if guess else frozenset()
        scope = fn.parent
        while scope is not None and scope.type not in _FUNCTION_TYPES:
            scope = scope.parent
        return self.name(rel, first.group(), scope if scope is not None else root,
                         guess=guess)

    def project_method(self, fn: Node) -> bool:
        """Return True when ``fn`` (``service.update``, ``this.repo.create``) calls a function
        of the project: the receiver is ``this``, bound to ``new X()`` of a class the file
        declares or imports, or a project module imported by that name, and that file defines
        the method (``update(…) {``, ``update: …``, ``exports.update =``)."""
        receiver = fn.child_by_field_name("object")
        method = text(fn.child_by_field_name("property"))
        root = fn
        while root.parent is not None:
            root = root.parent
        rel = self.project.roots.get(root.id)
        if receiver is None or rel is None:
            return False
        source = text(root)
        made = re.search(rf"(?<![\w$.]){re.escape(text(receiver))}\s*=\s*new\s+([\w$]+)", source)
        facts = self.project.ctx.facts.get(rel)
        # `userService.create(body)` with `userService` a project module that defines create
        module = receiver.type == "identifier" and made is None and facts is not None and any(
            text(receiver) in imp.locals() and imp.module.startswith(".") for imp in facts.imports)
        if made is None and text(receiver) != "this" and not module:
            return False
        homes = [rel]
        bound = made.group(1) if made is not None else text(receiver)
        if (made is not None or module) and facts is not None:
            homes = [t for imp in facts.imports if bound in imp.locals()
                     and (t := self.project.resolve_module(rel, imp.module)) is not None] or homes
        name = re.escape(method)
        defines = re.compile(rf"^\s*(?:static\s+)?(?:async\s+)?{name}\s*[(:=]|"
                             rf"(?<![\w$])(?:exports\.{name}\s*=|function\s+{name}\s*\()",
                             re.MULTILINE)
        return any(defines.search(parsed.source.decode("utf-8", "replace"))
                   for home in homes if (parsed := self.project.get(home)) is not None)

    def sql_plain(self, fn: Node | None) -> bool:
        """Return True when the call's receiver is known to be a Sequelize model or instance
        that reads no plain object as an operator: a request value in its filter is a value
        (an object is refused, an array is ``IN (…)``), never an operator."""
        return self.sequelize_plain and self.of_call(fn) == frozenset({"sequelize"})


def _function_at(tree: Tree, start: int, end: int) -> Node | None:
    node = tree.root_node.descendant_for_byte_range(start, end)
    while node is not None and not (node.start_byte == start and node.end_byte == end
                                    and node.type in _FUNCTION_TYPES):
        node = node.parent
    return node


def _is_function(node: Node | None) -> bool:
    return node is not None and node.type in _FUNCTION_TYPES


def _wrapped_function(node: Node | None) -> Node | None:
    """Return the function a wrapper call holds: ``asyncHandler(async (req, res) => …)``,
    ``catchAsync(function (req, res) {…})`` (a call with exactly one function argument)."""
    if node is None or node.type != "call_expression":
        return None
    args = node.child_by_field_name("arguments")
    functions = [a for a in code_children(args) if _is_function(a)] if args is not None else []
    return functions[0] if len(functions) == 1 else None


def _nodes_around(tree: Tree, source: bytes, words: tuple[str, ...]) -> list[Node]:
    """Return every node that contains one of ``words`` as a whole identifier, in document
    pre-order (the order ``walk`` yields them): the only nodes ``find_function`` can act on,
    found without walking the whole tree."""
    pattern = identifier_pattern(words)
    found: dict[int, Node] = {}
    root = tree.root_node
    for match in pattern.finditer(source):
        node: Node | None = root.descendant_for_byte_range(*match.span())
        while node is not None and node.id not in found:
            found[node.id] = node  # its ancestors follow, unless an earlier match added them
            node = node.parent
    return sorted(found.values(), key=lambda n: (n.start_byte, -n.end_byte))


def find_function(tree: Tree, source: bytes, name: str, depth: int = 0) -> Node | None:
    """Return the function a module binds to ``name`` (``"default"`` for its default export).

    Each node that can bind ``name`` contains it (``module.exports`` and ``export default``
    for the default export), so only the nodes around its occurrences are looked at."""
    if depth > 3 or not name:
        return None
    for node in _nodes_around(tree, source, ("module", "default") if name == "default" else (name,)):
        if name == "default":
            if node.type == "assignment_expression" and text(node.child_by_field_name("left")) \
                    == "module.exports":
                right = node.child_by_field_name("right")
                if _is_function(right):
                    return right
                if _wrapped_function(right) is not None:
                    return _wrapped_function(right)
                if right is not None and right.type == "identifier":
                    return find_function(tree, source, text(right), depth + 1)
            if node.type == "export_statement" and any(c.type == "default" for c in node.children):
                value = node.child_by_field_name("value") or node.child_by_field_name("declaration")
                if _is_function(value):
                    return value
                if value is not None and value.type == "identifier":
                    return find_function(tree, source, text(value), depth + 1)
            continue
        if node.type == "function_declaration" and text(node.child_by_field_name("name")) == name:
            return node
        if node.type == "variable_declarator" and text(node.child_by_field_name("name")) == name:
            value = node.child_by_field_name("value")
            if _is_function(value):
                return value
            wrapped = _wrapped_function(value)
            if wrapped is not None:
                return wrapped
        if node.type == "assignment_expression" and text(node.child_by_field_name("left")) == \
                name and node.parent is not None and node.parent.type == \
                "expression_statement" and getattr(node.parent.parent, "type", "") == "program":
            # `check = (req, res, next) => …` at the top of a sloppy-mode module: an implicit
            # global the module then hands on (`module.exports = { check }`)
            right = node.child_by_field_name("right")
            if _is_function(right):
                return right
        if node.type == "assignment_expression" and text(node.child_by_field_name("left")) in (
                f"exports.{name}", f"module.exports.{name}"):
            right = node.child_by_field_name("right")
            if _is_function(right):
                return right
            if _wrapped_function(right) is not None:
                return _wrapped_function(right)
            if right is not None and right.type == "identifier" and text(right) != name:
                return find_function(tree, source, text(right), depth + 1)
        if node.type == "pair" and text(node.child_by_field_name("key")) == name:
            value = node.child_by_field_name("value")
            if _is_function(value):
                return value
            if _wrapped_function(value) is not None:
                return _wrapped_function(value)
            if value is not None and value.type == "identifier" and text(value) != name:
                return find_function(tree, source, text(value), depth + 1)
        if node.type == "method_definition" and text(node.child_by_field_name("name")) == name:
            return node
    return None


def _node_at(tree: Tree, start: int, end: int) -> Node | None:
    """Return the outermost node that spans exactly ``start``-``end``."""
    node = tree.root_node.descendant_for_byte_range(start, end)
    while node is not None and node.parent is not None and \
            node.parent.start_byte == start and node.parent.end_byte == end:
        node = node.parent
    return node if node is not None and node.start_byte == start and node.end_byte == end \
        else None


def _imported_export(project: _Project, rel: str, facts: FileFacts, arg: ArgFact, *,
                     default: bool) -> tuple[str, str] | None:
    """Return (project file, export name) that a route argument naming an import refers to:
    ``show`` of ``import { show } from './users'`` (with ``default``, also ``show`` of
    ``import show from './users'`` as ``"default"``) or ``users.show`` of a default or
    namespace import; the first relative import of the file that names it, or None."""
    head, _, prop = arg.name.partition(".")
    for imp in facts.imports:
        target = project.resolve_module(rel, imp.module)
        if target is None:
            continue
        if arg.kind == "identifier":
            export = next((k for k, v in imp.named.items() if v == head), None)
            if export is None and default and imp.default == head:
                export = "default"
        else:
            export = prop if head in (imp.default, imp.namespace) and "." not in prop else None
        if export is not None:
            return target, export
    return None


def _reexported_member(project: _Project, rel: str, facts: FileFacts,
                       arg: ArgFact) -> tuple[str, Node] | None:
    """Return the file and the function ``ns.fn`` names when ``ns`` is imported by name from a
    project module (an index) that imports it from another one and hands it on:
    ``const { verify } = require('./guards')`` with ``const verify = require('./verify');
    module.exports = { verify }`` in ``guards/index.js`` (or ``import * as verify``)."""
    head, _, prop = arg.name.partition(".")
    if arg.kind != "member" or not prop or "." in prop:
        return None
    for imp in facts.imports:
        export = next((k for k, v in imp.named.items() if v == head), None)
        target = project.resolve_module(rel, imp.module) if export is not None else None
        index = project.ctx.facts.get(target) if target is not None else None
        if index is None or target is None:
            continue
        for inner in index.imports:
            if export not in (inner.default, inner.namespace):
                continue
            home = project.resolve_module(target, inner.module)
            other = project.get(home) if home is not None else None
            found = other.function(prop) if other is not None else None
            if home is not None and found is not None:
                return home, found
        return None
    return None


#: How many dots a route argument's member chain may have (``api.v1.users.show`` has three)
#: and how many modules and bindings its resolution may pass through.
_MAX_CHAIN = 4
_MAX_HOPS = 32


class _Ref(NamedTuple):
    """What a name of a member chain stands for: a project module as a whole (its namespace,
    or what ``require`` gives: ``node`` is None) or a value of one (an object literal, a
    function)."""

    file: str
    node: Node | None = None


def _chained_handler(project: _Project, rel: str, facts: FileFacts,
                     arg: ArgFact) -> tuple[str, Node] | None:
    """Return the file and the function a route argument names through the project's modules
    when the one-step lookups find none: ``api.watch.readFile`` with ``import * as api from
    './api'`` and ``import * as watch from './api.watch'; export { watch }`` in the index (or
    ``export * as watch from``, ``module.exports = { watch: require('./api.watch') }``, a
    default-exported object), up to ``_MAX_CHAIN`` dots; also ``show`` imported from an index
    that hands it on (``export { show } from './users'``). Only a name the file imports from
    a project module starts a chain."""
    if arg.kind not in ("identifier", "member"):
        return None
    head, *props = arg.name.split(".")
    if len(props) > _MAX_CHAIN or not all(p.isidentifier() or p.replace("$", "_").isidentifier()
                                          for p in props):
        return None  # `a[b].c`, a call, or a chain too long to be a module path
    hops = [0]
    ref = _import_ref(project, rel, facts, head, hops)
    for prop in props:
        if ref is None:
            return None
        ref = _member_ref(project, ref, prop, hops)
    if ref is None or ref.node is None:
        return None
    node = ref.node
    if node.type in ("function_declaration", "method_definition", "generator_function_declaration"):
        return ref.file, node
    return (ref.file, node) if _is_function(node) else None


def _import_ref(project: _Project, file: str, facts: FileFacts | None, local: str,
                hops: list[int]) -> _Ref | None:
    """Return what ``local`` is when ``file`` imports it from a project module."""
    parsed = project.get(file)
    if facts is None or parsed is None:
        return None
    for imp in facts.imports:
        if not imp.top_level or local not in imp.locals():
            continue
        target = project.resolve_module(file, imp.module)
        if target is None:
            return None
        if imp.namespace == local or (imp.default == local and b"require" in parsed.source[
                imp.start:imp.end]):
            return _Ref(target)  # `import * as x`, `const x = require(…)`: the whole module
        export = "default" if imp.default == local else next(
            k for k, v in imp.named.items() if v == local)
        return _export_ref(project, target, export, hops)
    return None


def _binding_ref(project: _Project, file: str, local: str, hops: list[int]) -> _Ref | None:
    """Return what the top-level name ``local`` of ``file`` is: an import of a project
    module, a function, or the value a top-level declaration gives it."""
    hops[0] += 1
    parsed = project.get(file)
    if parsed is None or hops[0] > _MAX_HOPS:
        return None
    imported = _import_ref(project, file, project.ctx.facts.get(file), local, hops)
    if imported is not None:
        return imported
    for top in code_children(parsed.tree.root_node):
        decl = top.child_by_field_name("declaration") if top.type == "export_statement" \
            else top
        if decl is None:
            continue
        if decl.type in ("function_declaration", "generator_function_declaration",
                         "class_declaration") and \
                text(decl.child_by_field_name("name")) == local:
            return _Ref(file, decl)
        if decl.type in ("lexical_declaration", "variable_declaration"):
            for declarator in code_children(decl):
                if declarator.type == "variable_declarator" and \
                        text(declarator.child_by_field_name("name")) == local:
                    value = declarator.child_by_field_name("value")
                    return _value_ref(project, file, value, hops) if value is not None \
                        else None
    return None


def _value_ref(project: _Project, file: str, node: Node, hops: list[int]) -> _Ref | None:
    """Return what an expression of ``file`` stands for (a name, ``require('./x')``,
    ``require('./x').y``, ``a.b``, an object or a function)."""
    node = unwrap(node, CASTS_AND_AWAIT)
    if node.type == "identifier":
        return _binding_ref(project, file, text(node), hops)
    spec = _require_spec(node)
    if spec is not None:
        target = project.resolve_module(file, spec)
        return _Ref(target) if target is not None else None
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        inner = _value_ref(project, file, obj, hops) if obj is not None else None
        return _member_ref(project, inner, text(prop), hops) \
            if inner is not None and prop is not None else None
    if node.type == "call_expression":
        wrapped = _wrapped_function(node)  # `asyncHandler(async (req, res) => …)`
        return _Ref(file, wrapped) if wrapped is not None else None
    if node.type == "object" or _is_function(node) or node.type == "class":
        return _Ref(file, node)
    return None


def _member_ref(project: _Project, ref: _Ref, prop: str, hops: list[int]) -> _Ref | None:
    """Return what ``<ref>.prop`` is: an export of a module, a property of an object."""
    hops[0] += 1
    if hops[0] > _MAX_HOPS:
        return None
    if ref.node is None:
        return _export_ref(project, ref.file, prop, hops)
    if ref.node.type != "object":
        return None
    for member in code_children(ref.node):
        if member.type == "shorthand_property_identifier" and text(member) == prop:
            return _binding_ref(project, ref.file, prop, hops)
        key = member.child_by_field_name("key") if member.type == "pair" else \
            member.child_by_field_name("name") if member.type == "method_definition" else None
        if key is None or (string_value(key) or text(key)) != prop:
            continue
        if member.type == "method_definition":
            return _Ref(ref.file, member)
        value = member.child_by_field_name("value")
        return _value_ref(project, ref.file, value, hops) if value is not None else None
    return None


def _export_ref(project: _Project, file: str, name: str, hops: list[int]) -> _Ref | None:
    """Return what module ``file`` exports as ``name`` (``"default"`` for its default export;
    for a CommonJS module, what ``module.exports`` is): ESM ``export`` statements (``export {
    x }``, ``export { x as y } from``, ``export * as x from``, ``export * from``, declarations)
    and ``module.exports = {…}`` / ``exports.x = …``."""
    hops[0] += 1
    parsed = project.get(file)
    if parsed is None or hops[0] > _MAX_HOPS:
        return None
    stars: list[str] = []
    esm_default = False
    for top in code_children(parsed.tree.root_node):
        if top.type != "export_statement":
            continue
        if any(c.type == "default" for c in top.children):
            esm_default = True
            if name == "default":
                value = top.child_by_field_name("value") or \
                    top.child_by_field_name("declaration")
                if value is None:
                    return None
                if value.type in ("function_declaration", "generator_function_declaration",
                                  "class_declaration"):
                    return _Ref(file, value)
                return _value_ref(project, file, value, hops)
            continue
        spec = string_value(top.child_by_field_name("source"))
        target = project.resolve_module(file, spec) if spec is not None else None
        decl = top.child_by_field_name("declaration")
        if decl is not None:
            names = [text(decl.child_by_field_name("name"))] if decl.type in (
                "function_declaration", "generator_function_declaration",
                "class_declaration") else [text(d.child_by_field_name("name"))
                                           for d in code_children(decl)
                                           if d.type == "variable_declarator"]
            if name in names:
                return _binding_ref(project, file, name, hops)
            continue
        clause = next((c for c in code_children(top) if c.type == "export_clause"), None)
        star_as = next((c for c in code_children(top) if c.type == "namespace_export"), None)
        if star_as is not None:
            alias = next((c for c in code_children(star_as) if c.type in (
                "identifier", "string")), None)
            if alias is not None and (string_value(alias) or text(alias)) == name:
                return _Ref(target) if target is not None else None
            continue
        if clause is None:
            if target is not None:
                stars.append(target)  # `export * from './x'`
            continue
        for spec_node in code_children(clause):
            local = spec_node.child_by_field_name("name")
            alias = spec_node.child_by_field_name("alias") or local
            if local is None or alias is None or \
                    (string_value(alias) or text(alias)) != name:
                continue
            inner = string_value(local) or text(local)
            if spec is not None:
                return _export_ref(project, target, inner, hops) if target is not None \
                    else None
            return _binding_ref(project, file, inner, hops)
    assigned = [n for n in _nodes_around(parsed.tree, parsed.source, ("module",))
                if n.type == "assignment_expression"
                and text(n.child_by_field_name("left")) == "module.exports"]
    outer = assigned[0] if assigned else None
    while outer is not None and outer.parent is not None and \
            outer.parent.type == "assignment_expression":  # `exports = module.exports = …`
        outer = outer.parent
    if len(assigned) > 1 or (outer is not None and getattr(getattr(
            outer.parent, "parent", None), "type", "") != "program"):
        return None  # set twice or under a condition: which value it ends with is unknown
    exports = _module_exports(parsed)
    if name == "default" and not esm_default:
        # a CommonJS module imported by default (`import api from './api'`) is its exports
        return _value_ref(project, file, exports, hops) if exports is not None and \
            exports.type != "object" else _Ref(file)
    if exports is not None and exports.type == "object":
        found = _member_ref(project, _Ref(file, exports), name, hops)
        if found is not None:
            return found
    elif exports is not None:
        inner_ref = _value_ref(project, file, exports, hops)
        found = _member_ref(project, inner_ref, name, hops) if inner_ref is not None else None
        if found is not None:
            return found
    for node in _nodes_around(parsed.tree, parsed.source, (name,)):
        if node.type == "assignment_expression" and text(node.child_by_field_name("left")) in (
                f"exports.{name}", f"module.exports.{name}"):
            right = node.child_by_field_name("right")
            return _value_ref(project, file, right, hops) if right is not None else None
    for target in stars:
        found = _export_ref(project, target, name, hops)
        if found is not None:
            return found
    return None


def _value_of(parsed: _Parsed, name: str, depth: int = 0) -> Node | None:
    """Return the value a module binds to ``name`` at its top level (``const rules = […]``,
    ``exports.rules = […]``, ``module.exports = { rules: […] }``), or None."""
    if depth > 3:
        return None
    for node in _nodes_around(parsed.tree, parsed.source, (name,)):
        if node.type == "variable_declarator" and text(node.child_by_field_name("name")) == name \
                and node.parent is not None and node.parent.parent is not None and \
                node.parent.parent.type in ("program", "export_statement"):
            return node.child_by_field_name("value")
        if node.type == "assignment_expression" and text(node.child_by_field_name("left")) in (
                f"exports.{name}", f"module.exports.{name}"):
            return node.child_by_field_name("right")
        if node.type == "pair" and text(node.child_by_field_name("key")) == name and \
                node.parent is not None and node.parent.parent is not None and \
                node.parent.parent.type == "assignment_expression" and \
                text(node.parent.parent.child_by_field_name("left")) == "module.exports":
            value = node.child_by_field_name("value")
            if value is not None and value.type == "identifier" and text(value) != name:
                return _value_of(parsed, text(value), depth + 1)
            return value
    return None


def _imported_patterns(project: _Project) -> Callable[[FileFacts, str], Node | None]:
    """Return a function from a name in a file to the regex literal a project module it is
    imported from binds to it at its top level (``const { NAME } = require('./names')``,
    ``import { NAME } from './names'``, ``names.NAME``), else to the function a plain name
    imported from a project module is (``import { isChildPath } from './is-child-path'``),
    or None."""
    files = {id(facts): rel for rel, facts in project.ctx.facts.items()}

    def patterns(facts: FileFacts, name: str) -> Node | None:
        rel = files.get(id(facts))
        head, _, prop = name.partition(".")
        if rel is None or "." in prop:
            return None
        for imp in facts.imports:
            if prop:
                export = prop if head in (imp.default, imp.namespace) else None
            else:
                export = next((k for k, v in imp.named.items() if v == head), None)
            if export is None:
                continue
            target = project.resolve_module(rel, imp.module)
            parsed = project.get(target) if target is not None else None
            value = _value_of(parsed, export) if parsed is not None else None
            if value is not None and value.type == "regex":
                return value
            break
        if prop:
            return None
        ref = _import_ref(project, rel, facts, head, [0])
        if ref is None or ref.node is None or ref.node.type not in _FUNCTION_TYPES:
            return None
        owners[ref.node.id] = project.ctx.facts.get(ref.file)
        return ref.node

    owners: dict[int, FileFacts | None] = {}
    # the facts of the file an imported function lies in (the packages its tests call)
    patterns.facts_of = owners.get  # type: ignore[attr-defined]
    return patterns


def _instance_method(project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                     arg: ArgFact) -> tuple[str, Node] | None:
    """``_find_instance_method``, computed once per run, file and name (a handler may call
    ``store.put`` a thousand times; the result may lie in another file, which a fix pass may
    change, so it is not kept with the parsed file)."""
    key = (rel, arg.name)
    if key not in project.methods:
        project.methods[key] = _find_instance_method(project, rel, facts, parsed, arg)
    return project.methods[key]


def _find_instance_method(project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                          arg: ArgFact) -> tuple[str, Node] | None:
    """Return the file and function ``handler.show`` names when ``handler`` is bound once in
    the file, to ``new Handler(…)``, and ``Handler`` (same file or imported from the project)
    is a constructor function that sets ``this.show = function…`` or a class with a ``show``
    method or arrow-function field."""
    head, _, prop = arg.name.partition(".")
    if not prop or "." in prop:
        return None
    bound = [n for n in _nodes_around(parsed.tree, parsed.source, (head,))
             if (n.type == "variable_declarator" and text(n.child_by_field_name("name")) == head)
             or (n.type == "assignment_expression" and text(n.child_by_field_name("left")) == head)]
    if len(bound) != 1 or bound[0].type != "variable_declarator":
        return None  # bound more than once, or assigned: which instance is not certain
    value = unwrap(bound[0].child_by_field_name("value"), CASTS_AND_AWAIT)
    ctor = value.child_by_field_name("constructor") \
        if value is not None and value.type == "new_expression" else None
    if ctor is None or ctor.type not in ("identifier", "member_expression"):
        return None
    where, target = rel, _class_or_function(parsed, text(ctor)) \
        if ctor.type == "identifier" else None
    if target is None:
        imported = _imported_export(project, rel, facts, ArgFact(
            "identifier" if ctor.type == "identifier" else "member", text(ctor)), default=True)
        bound_to = _value_of(parsed, text(ctor)) if ctor.type == "identifier" else None
        if imported is None and bound_to is not None and bound_to.type == "member_expression":
            # `const UserDAO = require('../data/user-dao').UserDAO`
            spec = _require_spec(unwrap(bound_to.child_by_field_name("object"), CASTS_AND_AWAIT))
            module = project.resolve_module(rel, spec) if spec is not None else None
            if module is not None:
                imported = module, text(bound_to.child_by_field_name("property"))
        other = project.get(imported[0]) if imported is not None else None
        if imported is None or other is None:
            return None
        where = imported[0]
        target = _class_or_function(other, imported[1])
    if target is None:
        return None
    if target.type in ("class_declaration", "class"):
        body = target.child_by_field_name("body")
        for member in code_children(body) if body is not None else []:
            name = member.child_by_field_name("name") or member.child_by_field_name("property")
            if name is None or text(name) != prop:
                continue
            if member.type == "method_definition":
                return where, member
            value = member.child_by_field_name("value")
            if value is not None and _is_function(value):
                return where, value
        return None
    if target.type not in ("function_declaration", "function_expression", "function"):
        return None  # an arrow function is no constructor
    for node in walk(target.child_by_field_name("body") or target):
        if node.type != "assignment_expression" or \
                text(node.child_by_field_name("left")) != f"this.{prop}":
            continue
        owner = node.parent
        while owner is not None and owner.type not in ("function_declaration",
                                                        "function_expression", "function",
                                                        "method_definition"):
            owner = owner.parent
        if owner is None or owner.id != target.id:
            continue  # `this` of another function
        right = node.child_by_field_name("right")
        if right is not None and _is_function(right):
            return where, right
        wrapped = _wrapped_function(right)
        if wrapped is not None:
            return where, wrapped
    return None


def _class_or_function(parsed: _Parsed, name: str) -> Node | None:
    """Return the class or function a module binds to ``name`` (``"default"`` too)."""
    if name == "default":
        value = _module_exports(parsed)
        if value is not None and value.type == "identifier":
            name = text(value)
        elif value is not None and value.type in ("class", "function_expression", "function"):
            return value
    for node in _nodes_around(parsed.tree, parsed.source, (name,)):
        if node.type == "class_declaration" and text(node.child_by_field_name("name")) == name:
            return node
    found = parsed.function(name)
    if found is not None:
        return found
    value = _value_of(parsed, name)
    value = unwrap(value, CASTS_AND_AWAIT) if value is not None else None
    return value if value is not None and value.type == "class" else None


def _path_params(path: str) -> dict[str, str]:
    """Return the parameters a route path declares: name -> ``plain``, ``optional`` (inside
    ``{...}`` or ``:name?``) or ``pattern`` (wildcard ``*name``, ``:name*``, ``:name+``, or a
    custom pattern ``:name(...)``, whose value may be an array or an empty string)."""
    found: dict[str, str] = {}
    for match in _PATH_PARAM_RE.finditer(path):
        before = path[:match.start()]
        after = path[match.end():match.end() + 1]
        optional = before.count("{") > before.count("}") or after == "?"
        if match.group(1) == "*" or after in ("*", "+", "("):
            found[match.group(3)] = "pattern"
        else:
            found[match.group(3)] = "optional" if optional else "plain"
    return found


def _param_callbacks(ctx: ProjectContext, project: _Project) -> set[str] | None:
    """Return the parameter names some ``app.param()`` / ``router.param()`` callback processes
    anywhere in the project (it may convert or replace the value before the handler runs), or
    None when a callback's names cannot be read."""
    names: set[str] = set()
    for rel, facts in ctx.facts.items():
        for call in facts.calls:
            if call.method != "param" or len(call.args) < 2:
                continue
            first = call.args[0]
            if first.kind == "string":
                names.add(first.name)
                continue
            parsed = project.get(rel)
            snippet = parsed.source[first.start:first.end].decode("utf-8", "replace") \
                if parsed is not None else ""
            if not re.fullmatch(r"""\[\s*(?:(['"])[\w$]+\1\s*,?\s*)*\]""", snippet):
                return None
            names |= set(re.findall(r"""['"]([\w$]+)['"]""", snippet))
    return names


def _segment_params(project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                    patterns: Callable[[FileFacts, str], Node | None]
                    ) -> dict[str, set[str]]:
    """Return, per app or router of the file (its name), the parameters a ``.param(name,
    callback)`` of it keeps to one path segment before any of its routes runs
    (``param_checked``). Express runs an app's or router's callbacks only for its own routes."""
    from nodeharden.rules._validation_sinks import param_checked

    found: dict[str, set[str]] = {}
    for call in facts.calls:
        if call.method != "param" or len(call.args) != 2:
            continue
        first = call.args[0]
        if first.kind == "string":
            names = {first.name}
        else:
            snippet = parsed.source[first.start:first.end].decode("utf-8", "replace")
            if not re.fullmatch(r"""\[\s*(?:(['"])[\w$]+\1\s*,?\s*)*\]""", snippet):
                continue
            names = set(re.findall(r"""['"]([\w$]+)['"]""", snippet))
        located = InputValidation._handler(project, rel, facts, parsed, call.args[1], False)
        if located is not None and located[0] in project.ctx.facts and param_checked(
                located[1], project.ctx.facts[located[0]], patterns):
            found.setdefault(call.target, set()).update(names)
    return found


def _route_segments(route: CallFact, checked: dict[str, set[str]]) -> frozenset[str]:
    """The parameters of ``route``'s own path (not a wildcard or a custom pattern) that a
    ``.param()`` callback of its app or router keeps to one path segment."""
    names = checked.get(route.target)
    if not names or route.path is None or not route.args or route.args[0].kind != "string":
        return frozenset()
    return frozenset(n for n, kind in _path_params(route.path).items()
                     if n in names and kind != "pattern")


#: How much of a route path that is not a plain string the message shows.
_LABEL_CHARS = 60


def _route_label(route: CallFact, source: bytes) -> str:
    """``POST /users``; a path that is not a plain string by its source text (a template
    ``${base}/auth/login`` without its backticks, a constant's name, an array of paths), so
    the message never shows an empty route."""
    path = route.path
    if not path and route.args:
        first = route.args[0]
        path = " ".join(source[first.start:first.end].decode("utf-8", "replace").split())
        if len(path) > 1 and path[0] == path[-1] == "`":
            path = path[1:-1]
        if len(path) > _LABEL_CHARS:
            path = path[:_LABEL_CHARS - 1] + "…"
    return f"{route.method.upper()} {path or '(no path)'}"


#: ``mergeParams`` as a word, or spelt in pieces (``['merge' + 'Params']``).
_MERGE_PARAMS_RE = lazy_pattern(rb"merge\W{0,12}Params")


def _merges_params(ctx: ProjectContext) -> bool:
    """Return True when some project file may ask a router for ``mergeParams`` (router
    options can be imported, passed into a module or built with a computed key, so any file
    of the project counts, not only the route's)."""
    return any(_MERGE_PARAMS_RE.search(ctx.read(rel) or b"") for rel in ctx.facts)


def _merges_params_once(ctx: ProjectContext) -> Callable[[], bool]:
    """Return ``_merges_params`` for ``ctx``, worked out at the first call: it reads every
    file of the project, which only a route reading an undeclared parameter needs."""
    found: list[bool] = []

    def merges() -> bool:
        if not found:
            found.append(_merges_params(ctx))
        return found[0]
    return merges


def _absent_param(route: CallFact, merges: Callable[[], bool], name: str) -> bool:
    """Return True when ``req.params.<name>`` is always undefined in ``route``'s handler: its
    path is a plain string literal with no ``:name`` (nor ``*name``), the name is not a
    number (an unnamed wildcard or group gives ``0``, ``1``…), and no file of the project
    asks a router for ``mergeParams`` (``merges()``: only then could a mount path give the
    handler more parameters). A path that is not a plain literal (a template with a
    substitution, a constant, a concatenation) is unknown: its parameters are kept."""
    if not route.path or not route.args or route.args[0].kind != "string":
        return False
    top = name.split(".", 1)[0]
    if not top or top.isdigit() or top in _path_params(route.path):
        return False
    return not merges()


def _check_path_params(route: CallFact, reads: Reads, processed: set[str] | None,
                       merges: Callable[[], bool] = lambda: True) -> None:
    """Drop the ``req.params`` fields the route's path does not declare (always undefined:
    not request input), mark the numeric ones no chain can be proven safe for, and set which
    are required (a declared parameter is always there, unless in an optional part)."""
    from nodeharden.rules._validation_types import NARROW_PARAM_TYPES

    reads.fields = {k: f for k, f in reads.fields.items()
                    if f.part != "params" or not _absent_param(route, merges, f.name)}
    declared = _path_params(route.path) if route.path is not None else None
    for f in reads.fields.values():
        if f.part != "params" or f.unsure or f.type()[0] not in NARROW_PARAM_TYPES:
            continue  # a path parameter no use narrows gets no chain, so nothing to prove
        if declared is None:
            f.unsure = "comes from a route path that is not a plain string"
        elif f.name not in declared:
            f.unsure = "is not a parameter of this route's path"
        elif declared[f.name] == "pattern":
            f.unsure = "is a wildcard or has a custom pattern (its value may be an array)"
        elif processed is None or f.name in processed:
            f.unsure = "is processed by a .param() callback before the handler runs"
        elif declared[f.name] == "optional":
            f.allow("undefined")
        else:
            f.checked = True  # Express matched the route, so the parameter is there


# --- where a body parser can run ------------------------------------------------------------
#
# Express leaves ``req.body`` undefined unless a body parser ran for the request. A project that
# mounts its parsers per route (``router.post('/new', markdownParser, handler)``) and never with
# ``.use()`` gives a route without one no body: its ``req.body`` reads are not request input.
# Decided for the whole project, and only when it can be followed: every ``.use()`` argument of
# an app or router is shown not to be a parser (a path, a package whose name is not a body
# parser's, a router or app of the project, a function of the project that neither parses nor
# writes a body), no route hands a parser on to other routes (as its last argument, on
# ``.all()`` or a path with ``*``), and at least one route mounts a parser.

#: Parsers of express and body-parser (body-parser's default export is one too).
_PARSER_FACTORIES = frozenset({"json", "urlencoded", "raw", "text", "bodyParser"})
_PARSER_MODULES = ("express", "body-parser")
#: Packages that read a request body (upload middleware too): also by name.
_BODY_PACKAGE_RE = lazy_pattern(
    r"(?i)body|multer|busboy|formidab|upload|multipart|multiparty|xml|graphql|apollo")
#: Code that parses or writes a body itself.
_PARSES_RE = lazy_pattern(
    rb"\.body\s*=(?!=)|['\"]data['\"]|[Pp]arser|multer|busboy|formidab|"
    rb"(?<![\w$.])(?:json|urlencoded|raw|text)\s*\(|express\s*\.\s*(?:json|urlencoded|raw|text)\b")


def _require_spec(node: Node | None) -> str | None:
    if node is None or node.type != "call_expression" or \
            text(node.child_by_field_name("function")) != "require":
        return None
    args = node.child_by_field_name("arguments")
    first = code_children(args)[0] if args is not None and code_children(args) else None
    return string_value(first) if first is not None else None


def _root(node: Node) -> tuple[Node, list[str]]:
    """Return the head of a callee or member chain and the properties after it
    (``require('./m').router`` → the require call, ["router"]; ``upload.single`` → upload)."""
    props: list[str] = []
    while True:
        node = unwrap(node, CASTS_AND_AWAIT)
        if node.type == "member_expression":
            props.insert(0, text(node.child_by_field_name("property")))
            node = node.child_by_field_name("object") or node
        elif node.type == "call_expression" and _require_spec(node) is None:
            node = node.child_by_field_name("function") or node
            props = []
        else:
            return node, props


class _BodyScope:
    """Whether the project's routes get a parsed body only from their own middleware."""

    def __init__(self, ctx: ProjectContext, project: _Project) -> None:
        self.ctx = ctx
        self.project = project
        self._per_route: bool | None = None

    def per_route(self) -> bool:
        if self._per_route is None:
            self._per_route = self._decide()
        return self._per_route

    def _decide(self) -> bool:
        from nodeharden._express import HTTP_METHODS

        mounted = False
        for rel in sorted(self.ctx.facts):
            facts = self.ctx.facts[rel]
            calls = [c for c in facts.calls if c.method == "use" or (
                c.method in HTTP_METHODS and c.path is not None and c.on_express)]
            if not calls:
                continue
            parsed = self.project.get(rel)
            if parsed is None:
                return False
            for call in calls:
                nodes = [_node_at(parsed.tree, a.start, a.end) for a in call.args]
                if any(n is None for n in nodes):
                    return False
                if call.method == "use":
                    if self._express_target(rel, facts, parsed, call) and not all(
                            self.plain(rel, facts, parsed, n) for n in nodes if n is not None):
                        return False
                    continue
                handlers = [n for n in nodes[1:] if n is not None]
                parsers = [self._parser(rel, facts, parsed, n) for n in handlers]
                if any(parsers):
                    if parsers[-1] or call.method == "all" or "*" in (call.path or "*"):
                        return False  # the parser may run for the routes that follow
                    mounted = True
        return mounted

    def _express_target(self, rel: str, facts: FileFacts, parsed: _Parsed,
                        call: CallFact) -> bool:
        """False for ``.use()`` on a package's object (``passport.use``, ``io.use`` of a
        socket.io server); True for anything that may be an app or router."""
        head = call.target.split(".")[0].split("(")[0]
        for imp in facts.imports:
            if head in imp.locals():
                return imp.module == "express" or imp.module.startswith(".")
        value = _value_of(parsed, head)
        if value is not None:
            root, _ = _root(value)
            spec = _require_spec(root)
            module = spec if spec is not None else next(
                (imp.module for imp in facts.imports if text(root) in imp.locals()), None)
            if module is not None and module != "express" and not module.startswith(".") \
                    and not any(a.name == head for a in facts.apps):
                return False
        return True

    def _parser(self, rel: str, facts: FileFacts, parsed: _Parsed, node: Node,
                depth: int = 0) -> bool:
        """True when a route argument is a body parser: a parser call, an upload
        middleware, or a name for one (same file or imported from the project)."""
        node = unwrap(node, CASTS_AND_AWAIT)
        if depth > 3:
            return False
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is None:
                return False
            root, props = _root(fn)
            spec = _require_spec(root)
            module = spec if spec is not None else next(
                (imp.module for imp in facts.imports if text(root) in imp.locals()), None)
            if module in _PARSER_MODULES:
                named = next((n for imp in facts.imports if imp.module == module
                              for n, local in imp.named.items() if local == text(root)), None)
                return bool((props and props[-1] in _PARSER_FACTORIES) or (
                    not props and (module == "body-parser" or named in _PARSER_FACTORIES)))
            if module is not None and not module.startswith("."):
                return bool(_BODY_PACKAGE_RE.search(module))
            if root.type == "identifier" and module is None:
                value = _value_of(parsed, text(root))  # `upload.single()`, upload = multer()
                return value is not None and self._parser(rel, facts, parsed, value, depth + 1)
            return False
        if node.type not in ("identifier", "member_expression"):
            return False
        if node.type == "identifier":
            value = _value_of(parsed, text(node))
            if value is not None:
                return self._parser(rel, facts, parsed, value, depth + 1)
        arg = ArgFact("identifier" if node.type == "identifier" else "member", text(node))
        imported = _imported_export(self.project, rel, facts, arg, default=True)
        if imported is None:
            return False
        target, export = imported
        other = self.project.get(target)
        other_facts = self.ctx.facts.get(target)
        value = _value_of(other, export) if other is not None else None
        return value is not None and other is not None and other_facts is not None and \
            self._parser(target, other_facts, other, value, depth + 1)

    def plain(self, rel: str, facts: FileFacts, parsed: _Parsed, node: Node,
              depth: int = 0) -> bool:
        """True when a ``.use()`` argument is sure not to parse a body."""
        node = unwrap(node, CASTS_AND_AWAIT)
        if depth > 3:
            return False
        if node.type in ("string", "template_string", "regex"):
            return True
        if node.type in _FUNCTION_TYPES:
            return not _PARSES_RE.search(node.text or b"")
        if self._parser(rel, facts, parsed, node):
            return False
        if node.type not in ("call_expression", "identifier", "member_expression"):
            return False
        root, props = _root(node)
        spec = _require_spec(root)
        if spec is None and root.type == "identifier":
            imp = next((i for i in facts.imports if text(root) in i.locals()), None)
            if imp is None:
                return self._local_plain(rel, facts, parsed, text(root), depth)
            spec = imp.module
            if spec.startswith("."):
                name = next((n for n, local in imp.named.items() if local == text(root)), None)
                export = name or (props[0] if props else "default")
                target = self.project.resolve_module(rel, spec)
                return target is not None and self._export_plain(target, export, depth)
        if spec is None:
            return False
        if spec.startswith("."):
            target = self.project.resolve_module(rel, spec)
            return target is not None and self._export_plain(
                target, props[0] if props else "default", depth)
        return not _BODY_PACKAGE_RE.search(spec) and (spec != "express" or not props or
                                                       props[-1] not in _PARSER_FACTORIES)

    def _local_plain(self, rel: str, facts: FileFacts, parsed: _Parsed, name: str,
                     depth: int) -> bool:
        """True for a name of this file that is an app or router, a function that does not
        parse, or a value made by a package that is not a body parser."""
        if any(a.name == name for a in facts.apps):
            return True
        func = parsed.function(name) or _assigned_function(parsed, name)
        if func is not None:
            return not _PARSES_RE.search(func.text or b"")
        value = _value_of(parsed, name)
        if value is None:
            return False
        if any(a.start == unwrap(value, CASTS_AND_AWAIT).start_byte for a in facts.apps) or \
                _express_router(parsed, facts, value):
            return True
        return self.plain(rel, facts, parsed, value, depth + 1)

    def _export_plain(self, target: str, export: str, depth: int) -> bool:
        other = self.project.get(target)
        facts = self.ctx.facts.get(target)
        if other is None or facts is None:
            return False
        if export == "default":
            value = _module_exports(other)
            if value is None:
                return False
            value = unwrap(value, CASTS_AND_AWAIT)
            if any(a.start == value.start_byte for a in facts.apps) or \
                    _express_router(other, facts, value):
                return True  # `module.exports = Router()`
            if value.type in _FUNCTION_TYPES:
                return not _PARSES_RE.search(value.text or b"")
            if value.type == "identifier":
                return self._local_plain(target, facts, other, text(value), depth + 1)
            return False
        return self._local_plain(target, facts, other, export, depth + 1)


def _express_router(parsed: _Parsed, facts: FileFacts, value: Node, depth: int = 0) -> bool:
    """``Router()`` of ``const Router = require('express').Router`` and the like."""
    value = unwrap(value, CASTS_AND_AWAIT)
    if depth > 2 or value.type != "call_expression":
        return False
    fn = value.child_by_field_name("function")
    if fn is None or not text(fn).endswith("Router"):
        return False
    root, props = _root(fn)
    spec = _require_spec(root)
    if spec is None and root.type == "identifier":
        spec = next((i.module for i in facts.imports if text(root) in i.locals()), None)
        if spec is None:
            bound = _value_of(parsed, text(root))
            if bound is None or bound.type != "member_expression":
                return False
            root, props = _root(bound)
            spec = _require_spec(root)
    return spec == "express"


def _module_exports(parsed: _Parsed) -> Node | None:
    """Return the value of ``module.exports = …`` (the last one), through ``a = module.exports
    = b`` chains, or None."""
    found: Node | None = None
    for node in _nodes_around(parsed.tree, parsed.source, ("module",)):
        if node.type == "assignment_expression" and \
                text(node.child_by_field_name("left")) == "module.exports":
            found = node.child_by_field_name("right")
            while found is not None and found.type == "assignment_expression":
                found = found.child_by_field_name("right")
    return found


def _assigned_function(parsed: _Parsed, name: str) -> Node | None:
    """Return the function ``Thing.name = function (…) {…}`` assigns, or None."""
    for node in _nodes_around(parsed.tree, parsed.source, (name,)):
        left = node.child_by_field_name("left") if node.type == "assignment_expression" \
            else None
        if left is not None and left.type == "member_expression" and \
                text(left.child_by_field_name("property")) == name:
            right = node.child_by_field_name("right")
            if _is_function(right):
                return right
    return None


def _helper_only(resolve: Callable[[Node], tuple[str, Node, FileFacts] | None],
                 homes: dict[int, str] | None = None) -> Callable[[Node], Node | None]:
    """Return a resolver that gives only the helper function, noting in ``homes`` the file of
    each helper it finds (node id -> path)."""
    def helper(fn: Node) -> Node | None:
        located = resolve(fn)
        if located is None:
            return None
        if homes is not None:
            homes[located[1].id] = located[0]
        return located[1]
    return helper


def _arg_validates(arg: ArgFact, parsed: _Parsed, names: set[str]) -> bool:
    if arg.kind == "function" and arg.params >= 4:
        return False  # an error handler (`if (err.name === 'ValidationError')`) checks no request
    source = parsed.source
    data = source[arg.start:arg.end]
    call = _node_at(parsed.tree, arg.start, arg.end) if arg.kind == "call" else None
    arguments = call.child_by_field_name("arguments") \
        if call is not None and call.type == "call_expression" else None
    if arguments is not None:
        # A handler a wrapper is given (`runAsyncWrapper(async (req, res) => …)`) is judged as
        # the handler: its text ("Invalid credentials") says nothing of a validator (held-out
        # sample 41: a login route unreported for its 401 message).
        for inner in reversed(arguments.named_children):
            if inner.type in FUNCTION_TYPES:
                data = data[:inner.start_byte - arg.start] + data[inner.end_byte - arg.start:]
    snippet = data.decode("utf-8", "replace")
    if re.search(r"(?i)valid", snippet):
        return True
    return any(re.search(rf"(?<![\w$.]){re.escape(n)}\b", snippet) for n in names)


def _factory_parts(project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                   arg: ArgFact) -> set[str]:
    """Return the request parts a route argument validates when it is a call of a function
    of the project (a route-options factory, ``route({ requestBody: 'UserSchema' })``) whose
    returned middleware runs a validator library on them and stops the request when it
    fails (see ``_validation_factory``)."""
    from nodeharden.rules._validation_factory import factory_checks, parts_checked

    if arg.kind != "call":
        return set()
    call = _node_at(parsed.tree, arg.start, arg.end)
    fn = call.child_by_field_name("function") if call is not None and \
        call.type == "call_expression" else None
    if call is None or fn is None or fn.type != "identifier":
        return set()
    checks = _of_function(project, rel, facts, parsed, text(fn), project.factories,
                          factory_checks)
    return parts_checked(checks, call) if checks is not None else set()


def _middleware_parts(project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                      arg: ArgFact) -> set[str]:
    """Return the request parts a route argument validates when it names a middleware function
    of the project (declared in ``rel`` or imported from a project module) that runs a
    validator library on them and stops the request when it fails (see
    ``_validation_factory.middleware_parts``)."""
    from nodeharden.rules._validation_factory import middleware_parts

    if arg.kind != "identifier":
        return set()
    return _of_function(project, rel, facts, parsed, arg.name, project.middlewares,
                        middleware_parts) or set()


def _assigned_fields(project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                     arg: ArgFact) -> set[tuple[str, str]]:
    """Return the request fields (part, name) a route argument's middleware sets itself before
    the handler runs: a function of the project named in the route (``requiresAuth``), or the
    middleware a project factory returns (``requiresAuth()``), that writes ``req.body.jwt =
    jwt`` with a value that does not come from the request (``_request_values``). The handler
    then reads the app's own value there, not what the caller sent (held-out sample 41: a
    verified token's payload)."""
    if arg.kind == "call":
        call = _node_at(parsed.tree, arg.start, arg.end)
        fn = call.child_by_field_name("function") if call is not None and \
            call.type == "call_expression" else None
        name = text(fn) if fn is not None and fn.type == "identifier" else None
    else:
        name = arg.name if arg.kind == "identifier" else None
    located = _factory_function(project, rel, facts, parsed, name) if name else None
    if located is None:
        return set()
    found: set[tuple[str, str]] = set()
    for function in walk(located[1]):
        if function.type not in FUNCTION_TYPES:
            continue
        params = parameters(function)
        if not params or params[0].type not in ("identifier", "required_parameter"):
            continue
        request = text(params[0]).split(":")[0].strip()
        tainted = _request_values(function, request)
        for node in walk(function):
            if node.type != "assignment_expression":
                continue
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            part_node = left.child_by_field_name("object") \
                if left is not None and left.type == "member_expression" else None
            if right is None or part_node is None or part_node.type != "member_expression" \
                    or text(part_node.child_by_field_name("object")) != request:
                continue
            part = text(part_node.child_by_field_name("property"))
            if left is not None and part in ("body", "query") and _always_runs(node, function) \
                    and not any(n.type == "identifier" and text(n) in tainted
                                for n in walk(right)):
                found.add((part, text(left.child_by_field_name("property"))))
    return found


#: What may skip a statement of a function's body: a branch, a loop, a condition, a catch.
_CONDITIONAL = frozenset({"if_statement", "switch_statement", "for_statement",
                          "for_in_statement", "while_statement", "do_statement",
                          "ternary_expression", "binary_expression", "catch_clause"})


def _always_runs(node: Node, function: Node) -> bool:
    """Return True when nothing between ``node`` and ``function`` may skip it (a ``try``
    block may: its middleware then answers the error instead of calling ``next``).
    ``if (!req.body.role) req.body.role = 'user'`` leaves what the caller sent in place."""
    cur = node.parent
    while cur is not None and cur != function:
        if cur.type in _CONDITIONAL or cur.type in FUNCTION_TYPES:
            return False
        cur = cur.parent
    return cur == function


#: A call whose result is not what the caller sent, though made from it: a token's verified
#: payload (``jwt.verify(token, secret)``, ``verifyAccessToken(token)``).
_VERIFIED_RE = lazy_pattern(r"^verify\w*$")


def _request_values(function: Node, request: str) -> set[str]:
    """Return the names in ``function`` that hold what the caller sent: its ``request``
    parameter, and each variable declared or assigned (in document order) from an expression
    that reads one of them, unless through a verification (``_VERIFIED_RE``)."""
    tainted = {request}
    for node in walk(function):
        if node.type == "variable_declarator":
            target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        elif node.type == "assignment_expression":
            target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
            if target is None or target.type != "identifier":
                continue
        else:
            continue
        if target is None or value is None:
            continue
        inner = unwrap(value)
        callee = inner.child_by_field_name("function") \
            if inner.type == "call_expression" else None
        if callee is not None and _VERIFIED_RE.match(
                text(callee.child_by_field_name("property") if callee.type ==
                     "member_expression" else callee)):
            continue
        if any(n.type == "identifier" and text(n) in tainted for n in walk(value)):
            tainted |= {text(n) for n in walk(target)
                        if n.type in ("identifier", "shorthand_property_identifier_pattern")}
    return tainted


_Found = TypeVar("_Found")


def _of_function(project: _Project, rel: str, facts: FileFacts, parsed: _Parsed, name: str,
                 cache: dict[tuple[str, int], _Found],
                 work: Callable[[ProjectContext, str, Node, FileFacts | None, Node], _Found]
                 ) -> _Found | None:
    """Return what ``work`` finds in the function ``name`` is in ``rel`` (``_factory_function``:
    declared there or imported from a project module), once per function and run; None when
    the function is not found."""
    located = _factory_function(project, rel, facts, parsed, name)
    if located is None:
        return None
    home, function = located
    key = (home, function.start_byte)
    if key not in cache:
        home_parsed = project.get(home)
        cache[key] = work(project.ctx, home,
                          home_parsed.tree.root_node if home_parsed else function,
                          project.ctx.facts.get(home), function)
    return cache[key]


def _factory_function(project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                      name: str) -> tuple[str, Node] | None:
    """Return the file and the function ``name`` is in ``rel``: declared there, or imported
    from a project module (relative, or through a tsconfig ``paths`` alias, and through
    ``export … from`` re-exports)."""
    from nodeharden.rules._validation_factory import resolve_spec

    local = parsed.function(name)
    if local is not None:
        return rel, local
    for imp in facts.imports:
        export = next((k for k, v in imp.named.items() if v == name), None)
        if export is None and imp.default == name:
            export = "default"
        if export is None:
            continue
        target = resolve_spec(project.ctx, rel, imp.module)
        return _exported_function(project, target, export, 0) if target is not None else None
    return None


def _exported_function(project: _Project, rel: str, name: str,
                       depth: int) -> tuple[str, Node] | None:
    from nodeharden.rules._validation_factory import resolve_spec

    parsed = project.get(rel)
    if parsed is None or depth > 3:
        return None
    found = parsed.function(name)
    if found is not None:
        return rel, found
    for top in code_children(parsed.tree.root_node):
        source = top.child_by_field_name("source") if top.type == "export_statement" else None
        spec = string_value(source)
        if spec is None:
            continue
        clause = next((c for c in code_children(top) if c.type == "export_clause"), None)
        inner = name
        if clause is None:
            if any(c.type == "namespace_export" for c in code_children(top)):
                continue  # `export * as ns from`
        else:
            inner = ""
            for spec_node in code_children(clause):
                local = spec_node.child_by_field_name("name")
                alias = spec_node.child_by_field_name("alias") or local
                if text(alias) == name:
                    inner = text(local)
            if not inner:
                continue
        target = resolve_spec(project.ctx, rel, spec)
        located = _exported_function(project, target, inner, depth + 1) \
            if target is not None else None
        if located is not None:
            return located
    return None


def _validator_names(facts: FileFacts, configured: tuple[str, ...]) -> set[str]:
    names = set(configured)
    for module in VALIDATOR_MODULES:
        names |= facts.locals_of(module)
    return names


#: A middleware that checks requests against the app's OpenAPI document before the routes
#: run: express-openapi-validator's ``middleware({ apiSpec })``. It checks a request whose
#: path lies under a base path of the document (its ``servers``' URLs) and matches an
#: operation the document describes: the path parameters, the query (unknown parameters are
#: refused unless allowed) and the body against the operation's ``requestBody``. A path
#: outside the base paths is not checked at all, and one it does not describe is refused only
#: when the base path matches case for case (Express matches paths ignoring case), so only
#: documented operations count.
_SPEC_VALIDATOR = ("express-openapi-validator", "middleware")
#: Options that may switch checks off or let requests through unchecked.
_SPEC_OPTIONS_OFF_RE = lazy_pattern(rb"\bignoreUndocumented\b|\bignorePaths\b|\.\.\.")
_VALIDATE_REQUESTS_RE = lazy_pattern(rb"\bvalidateRequests\s*:\s*(true\b|\{)?")
_UNKNOWN_QUERY_RE = lazy_pattern(rb"allow-?unknown-?query-?parameters", re.IGNORECASE)
#: A file path the code writes: ``'./api.yml'`` (from the working directory), or
#: ``path.join(__dirname, '../api.yml')`` / ``path.resolve(process.cwd(), 'api.yml')``.
_WRITTEN_PATH = (rb"(?:(?:path\.)?(?:join|resolve)\s*\(\s*(__dirname|process\.cwd\(\))\s*,\s*)?"
                 rb"(['\"])([^'\"\n]+)\2(?(1)\s*\))")
_API_SPEC_RE = lazy_pattern(rb"\bapiSpec\s*:\s*(?:" + _WRITTEN_PATH + rb"|([\w$]+))\s*[,}\n]")
#: ``const SPEC = <a written path>;``
_SPEC_PATH_DECL = rb"\b(?:const|let|var)\s+%s\s*=\s*" + _WRITTEN_PATH + rb"\s*[;\n]"
_SPEC_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
#: Statements between the app's creation and the validator that may skip it.
_CONDITIONAL_TYPES = frozenset({"if_statement", "ternary_expression", "binary_expression",
                                "switch_statement", "try_statement", "catch_clause",
                                "for_statement", "for_in_statement", "while_statement",
                                "do_statement"})


@record
class _SpecDocument:
    """What an OpenAPI document tells the validator: its base paths, and for each operation
    ((method, path pattern) with ``{name}`` parameters) whether it describes a request body."""

    bases: list[str]
    operations: dict[tuple[str, re.Pattern[str]], bool]
    unknown_query: bool  # x-eov-allow-unknown-query-parameters somewhere in it


def _only_app(ctx: ProjectContext) -> tuple[FileFacts, AppFact] | None:
    """Return the project's only Express app (outside tests) and its file, when it is bound
    to a name; None when there are several, or none."""
    apps = [(facts, app) for facts in ctx.app_files() if not is_test_file(facts.path)
            for app in facts.apps if app.kind == "app"]
    if len(apps) != 1 or apps[0][1].name is None:
        return None
    return apps[0]

def _spec_checked(ctx: ProjectContext, project: _Project
                  ) -> Callable[[str, CallFact], frozenset[str]]:
    """Return, for a route, the request parts an OpenAPI request validator
    (``_SPEC_VALIDATOR``) checks before its handler (none when it may not run first).

    The project (test files aside) must create one Express app, which ``use``s the validator
    with its options written out (request checks on; nothing that lets paths through
    unchecked) and its document a file the code names, unconditionally, with no path, in the
    block that creates the app, after no route, no mount of the project's code, no call of a
    function of the project and no call handed the app. A route counts when it is the app's
    own, registered after the validator, or on the one router of a project file every mount
    of which (through relative imports and path aliases, mounts of mounts) comes from the app
    after the validator; and when each of its full paths is an operation of the document
    under a base path. Then its path parameters are checked, its query unless unknown
    parameters are allowed, and its body where the operation describes one."""
    def none(rel: str, route: CallFact) -> frozenset[str]:
        return frozenset()

    module, export = _SPEC_VALIDATOR
    if not ctx.info.has_dependency(module):
        return none
    only = _only_app(ctx)
    if only is None:
        return none
    facts, app = only
    name = app.name
    namespaces = {n for imp in facts.imports if imp.module == module
                  for n in (imp.default, imp.namespace) if n}
    direct = {imp.named[export] for imp in facts.imports
              if imp.module == module and export in imp.named}
    source = ctx.read(facts.path) or b""
    validator: CallFact | None = None
    document: _SpecDocument | None = None
    query = True
    for call in facts.calls:
        if call.target != name or call.method != "use" or not call.args \
                or call.args[0].kind == "string":
            continue
        for arg in call.args:
            if arg.kind == "call" and (arg.name in direct or (
                    arg.name.count(".") == 1 and arg.name.partition(".")[0] in namespaces
                    and arg.name.partition(".")[2] == export)):
                validator = call
                options = source[arg.start:arg.end]
                opened = options.find(b"(")
                requests = _VALIDATE_REQUESTS_RE.search(options)
                if opened >= 0 and options[opened + 1:].lstrip().startswith(b"{") \
                        and not _SPEC_OPTIONS_OFF_RE.search(options) \
                        and (requests is None or requests.group(1) is not None):
                    query = not _UNKNOWN_QUERY_RE.search(options)
                    document = _spec_document(ctx, facts.path, source, options)
                break
        if validator is not None:
            break
    if validator is None or document is None \
            or not _runs_first(ctx, project, facts, app, validator):
        return none
    query = query and not document.unknown_query
    after = validator.start
    # file -> [(mounting file, the call's target, its path or None, the call's start)]
    mounts: dict[str, list[tuple[str, str, str | None, int]]] = {}
    for path, mounting in ctx.facts.items():
        if is_test_file(path):
            continue
        for call in mounting.uses():
            prefix = call.args[0].name if call.args and call.args[0].kind == "string" \
                else None
            for arg in call.args[1:] if prefix is not None else call.args:
                target = _mounted(ctx, mounting, arg)
                if target is not None:
                    mounts.setdefault(target, []).append((path, call.target, prefix,
                                                          call.start))

    def prefixes(rel: str, seen: frozenset[str]) -> set[str] | None:
        """The full paths file ``rel``'s router is mounted at, or None when some mount is
        not behind the validator."""
        if rel in seen or rel not in mounts:
            return None
        found: set[str] = set()
        for parent, target, prefix, start in mounts[rel]:
            if prefix is None:
                return None
            if parent == facts.path:
                if target != name or start < after:
                    return None
                found.add(join_path("", prefix))
                continue
            routers = [a.name for a in ctx.facts[parent].apps]
            above = prefixes(parent, seen | {rel})
            if above is None or routers != [target]:
                return None
            found |= {join_path(p, prefix) for p in above}
        return found

    known: dict[str, set[str] | None] = {}

    def parts(rel: str, route: CallFact) -> frozenset[str]:
        if route.path is None:
            return frozenset()
        if rel == facts.path:
            if route.target != name or route.start < after:
                return frozenset()
            full = {join_path("", route.path)}
        else:
            routers = [a.name for a in ctx.facts[rel].apps] if rel in ctx.facts else []
            if routers != [route.target]:
                return frozenset()  # the file's one router, the one mounted
            if rel not in known:
                known[rel] = prefixes(rel, frozenset())
            above = known[rel]
            if not above:
                return frozenset()
            full = {join_path(p, route.path) for p in above}
        bodies = [_spec_operation(document, route.method, path) for path in full]
        if any(body is None for body in bodies):
            return frozenset()  # a full path the document does not describe
        checked = {"params"} | ({"query"} if query else set())
        return frozenset(checked | ({"body"} if all(bodies) else set()))

    return parts


def _spec_operation(document: _SpecDocument, method: str, full: str) -> bool | None:
    """Return whether the document's operation for ``method`` and Express path ``full``
    describes a request body, or None when no operation under a base path matches (Express
    ``:name`` parameters matched against the document's ``{name}``)."""
    methods = _SPEC_METHODS if method == "all" else {method}
    if method == "all" or method not in _SPEC_METHODS:
        return None
    shown = re.sub(r":([A-Za-z_$][\w$]*)\??", r"{\1}", full)
    if any(c in shown for c in "*()?+["):
        return None  # a pattern of Express's, not one path
    for base in document.bases:
        if base != "/" and not (shown == base or shown.startswith(base + "/")):
            continue
        rest = shown if base == "/" else shown[len(base):] or "/"
        for (verb, pattern), body in document.operations.items():
            if verb in methods and pattern.fullmatch(rest):
                return body
    return None


def _mounted(ctx: ProjectContext, facts: FileFacts, arg: ArgFact) -> str | None:
    """Return the project file a ``use`` argument comes from (``mounted_file``), through a
    path alias too (``import routes from '@server/routes'``)."""
    rel = mounted_file(ctx, facts, arg)
    if rel is not None or arg.kind not in ("identifier", "member"):
        return rel
    local = arg.name.partition(".")[0]
    for imp in facts.imports:
        if local in imp.locals() and not imp.module.startswith("."):
            spec = imp.module
            if spec.startswith("@") and not ctx.info.has_dependency(import_package(spec)):
                spec = "@/" + spec.partition("/")[2]  # `@server/routes`: an alias `@server/`
            found = [path for path in ctx.facts if alias_target(ctx, spec, path)]
            return found[0] if len(found) == 1 else None
    return None


def _spec_document(ctx: ProjectContext, rel: str, source: bytes,
                   options: bytes) -> _SpecDocument | None:
    """Read the OpenAPI document the validator's options name (``apiSpec: './api.yml'``,
    resolved from the folder of the app's package.json, where ``npm start`` runs, or a
    constant of the file set to a string or to ``path.join(__dirname, '…')``), or None when
    it or its base paths cannot be read."""
    found = _API_SPEC_RE.search(options)
    if found is not None and found.group(4) is not None:
        found = re.search(_SPEC_PATH_DECL % re.escape(found.group(4)), source)
    if found is None:
        return None
    written = found.group(3).decode("utf-8", "replace")
    if found.group(1) == b"__dirname":
        base = posixpath.dirname(rel)
    else:
        base = posixpath.dirname(rel)
        while base and ctx.read(posixpath.join(base, "package.json")) is None:
            base = posixpath.dirname(base)
    spec = posixpath.normpath(posixpath.join(base, written))
    data = ctx.read(spec) if not spec.startswith("../") else None
    if data is None:
        return None
    try:
        if spec.endswith(".json"):
            import json

            document = json.loads(data)
        else:
            from ruamel.yaml import YAML

            document = YAML(typ="safe", pure=True).load(data)
    except Exception:  # noqa: BLE001 - an unreadable document covers nothing
        return None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        return None
    bases = _spec_bases(document.get("servers"))
    if bases is None:
        return None
    operations: dict[tuple[str, re.Pattern[str]], bool] = {}
    for template, item in document["paths"].items():
        if not isinstance(template, str) or not isinstance(item, dict):
            continue
        pattern = re.compile(re.sub(r"\\\{[^/{}]+\\\}", "[^/]+", re.escape(template)),
                             re.IGNORECASE)
        for verb, operation in item.items():
            if verb in _SPEC_METHODS and isinstance(operation, dict):
                body = operation.get("requestBody")
                operations[(verb, pattern)] = isinstance(body, dict) and bool(
                    body.get("content") or body.get("$ref"))
    return _SpecDocument(bases, operations, _UNKNOWN_QUERY_RE.search(data) is not None)


def _spec_bases(servers: object) -> list[str] | None:
    """Return the paths of the ``servers``' URLs (``/`` without any), each variable taken at
    every value of its ``enum`` (else its ``default``), as the validator reads them; None
    when a path cannot be read."""
    if servers is None:
        return ["/"]
    if not isinstance(servers, list) or not servers:
        return None
    bases: list[str] = []
    for server in servers:
        url = server.get("url") if isinstance(server, dict) else None
        if not isinstance(url, str):
            return None
        urls = [url]
        variables = server.get("variables") or {}
        for key, var in variables.items() if isinstance(variables, dict) else ():
            values = var.get("enum") if isinstance(var, dict) else None
            if not isinstance(values, list) or not values:
                values = [var.get("default")] if isinstance(var, dict) else []
            if not all(isinstance(v, str) for v in values):
                return None
            urls = [u.replace("{" + str(key) + "}", v) for u in urls for v in values]
        for each in urls:
            path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", each, flags=re.IGNORECASE)
            if "{" in path or "://" in path:
                return None
            bases.append("/" + path.strip("/") if path.strip("/") else "/")
    return bases


def _calls_outside_functions(node: Node) -> Iterator[Node]:
    """Yield the calls under ``node`` that run with it: not those inside a function written
    there (a middleware's body runs per request, later)."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur.type in _FUNCTION_TYPES and cur is not node:
            continue
        if cur.type == "call_expression":
            yield cur
        stack.extend(reversed(cur.named_children))


def _runs_first(ctx: ProjectContext, project: _Project, facts: FileFacts, app: AppFact,
                validator: CallFact) -> bool:
    """Return True when ``validator`` runs before any route of the app: it is a statement of
    the block that creates ``app``, under no condition, loop or ``try``, and the statements
    between the app's creation and it only ``use`` packages' middlewares and functions
    written in place on the app (no route, no mount of the project's code, no call of a
    function of the project, no call handed the app)."""
    parsed = project.get(facts.path)
    if parsed is None or app.name is None:
        return False
    node = _node_at(parsed.tree, validator.start, validator.end)
    created = _node_at(parsed.tree, app.start, app.end)
    if node is None or created is None:
        return False
    home = created.parent
    while home is not None and home.type not in ("statement_block", "program"):
        home = home.parent
    cur = node
    while cur.parent is not None and cur.parent != home:
        cur = cur.parent
        if cur.type in _CONDITIONAL_TYPES or cur.type in _FUNCTION_TYPES:
            return False
    if cur.parent is None or home is None:
        return False
    packages = {local for imp in facts.imports if not imp.module.startswith(".")
                and ctx.info.has_dependency(import_package(imp.module))
                for local in imp.locals()}
    # Functions of this file that name the app: called before the validator, they may
    # register routes on it (`mountApi()` declared further down).
    mentions = re.compile(rb"(?<![\w$.])" + re.escape(app.name.encode()) + rb"(?![\w$])")
    closures = set()
    for decl in walk(parsed.tree.root_node):
        if decl.type == "function_declaration":
            named = decl.child_by_field_name("name")
        elif decl.type == "variable_declarator" and (unwrap(
                decl.child_by_field_name("value")) or decl).type in _FUNCTION_TYPES:
            named = decl.child_by_field_name("name")
        else:
            continue
        if named is not None and mentions.search(decl.text or b""):
            closures.add(text(named))
    for stmt in home.named_children:
        if stmt.end_byte <= app.end:
            continue
        if stmt.start_byte >= cur.start_byte:
            break
        for call in _calls_outside_functions(stmt):
            fn = call.child_by_field_name("function")
            args = call.child_by_field_name("arguments")
            root = fn
            while root is not None and root.type in ("member_expression", "call_expression"):
                root = root.child_by_field_name("object" if root.type == "member_expression"
                                                else "function")
            head = text(root) if root is not None and root.type == "identifier" else ""
            method = text(fn.child_by_field_name("property")) \
                if fn is not None and fn.type == "member_expression" else ""
            if head == app.name and fn is not None and fn.child_by_field_name("object") \
                    is not None and text(fn.child_by_field_name("object")) == app.name:
                if method in HTTP_METHODS or method in ("all", "route"):
                    return False  # a route on the app before it
                if method == "use":
                    for arg in code_children(args) if args is not None else []:
                        arg = unwrap(arg) or arg
                        if arg.type in _FUNCTION_TYPES or arg.type == "string":
                            continue
                        first = arg
                        while first.type in ("member_expression", "call_expression"):
                            inner = first.child_by_field_name(
                                "object" if first.type == "member_expression" else "function")
                            if inner is None:
                                break
                            first = inner
                        if first.type != "identifier" or text(first) not in packages:
                            return False  # a router or middleware of the project before it
            elif head in closures:
                return False  # a function of this file that names the app
            if args is not None and any(text(a) == app.name for a in args.named_children):
                return False  # the app handed to a function before it
    return True


#: express-mongo-sanitize's middleware: mounted on the app, it deletes every key that starts
#: with ``$`` or holds a ``.`` from req.body and req.query (and req.params and, from 2.0,
#: req.headers) at any depth, or replaces those characters (``replaceWith``); ``allowDots``
#: keeps the dots only. So a field of the body or query string reaches a MongoDB filter with
#: no operator in it. Its ``dryRun`` option changes nothing, so options must be written out.
#: (req.params is set again when a route matches, after an app-level middleware: not
#: credited. Path parameters are strings anyway.)
_MONGO_SANITIZER = "express-mongo-sanitize"
_SANITIZER_OPTIONS_RE = lazy_pattern(
    rb"^\(\s*(?:\{(?:\s*(?:replaceWith|allowDots|onSanitize)\s*:[^,{}]*(?:,|(?=\s*\})))*"
    rb"\s*\}\s*)?\)$")
#: Middlewares that (re)parse the body into objects: mounted after the sanitizer, they undo it.
_OBJECT_PARSERS = ("body-parser", "multer", "express-fileupload", "formidable",
                   "express-formidable", "busboy", "connect-busboy", "connect-multiparty",
                   "multiparty")
#: Middleware factories known to parse no body (called, ``helmet()``): between the sanitizer
#: and a route, only these (and Express's own ``static``) leave the body as sanitized. Anything
#: else there (a name bound to some middleware, an array, a project function's result, an
#: unknown package) may parse the body again after it (the review's ``const jsonBody =
#: express.json()`` / ``[express.json()]`` / ``parsers()``), and nothing is credited.
_NO_BODY_PARSER = ("helmet", "cors", "morgan", "compression", "cookie-parser",
                   "express-session", "cookie-session", "express-rate-limit", "hpp", "xss-clean",
                   "serve-static", "serve-favicon", "response-time", "connect-flash",
                   "express-flash", "csurf", "connect-timeout", "express-mongo-sanitize")
#: Packages whose middleware factories may stand in a route's own chain, after an app-wide
#: sanitizer, without parsing the body or query again (authentication and the like).
_ROUTE_NO_BODY_PARSER = (*_NO_BODY_PARSER, "passport", "express-jwt", "connect-ensure-login",
                         "express-oauth2-jwt-bearer")
#: An inline middleware that may set the body or query: it names ``body`` or ``query``, or
#: uses its request other than as ``req.<property>`` (passes it on, indexes it).
_PARTS_WORD_RE = lazy_pattern(rb"\b(?:body|query)\b")


#: A path Express matches as written (no parameter, wildcard or pattern character).
_PLAIN_PATH_RE = lazy_pattern(r"/[\w./-]*")


def _apart(used: str | None, path: str | None) -> bool:
    """Return True when no request for ``path`` (a route's or a mount's) passes through a
    ``use`` mounted at ``used``: both plain paths, neither a prefix of the other by whole
    segments, letter case aside (``/api/v1/bootcamps`` and ``/api/v1/auth``)."""
    if used is None or path is None or not _PLAIN_PATH_RE.fullmatch(used) \
            or not _PLAIN_PATH_RE.fullmatch(path):
        return False
    a, b = used.lower().rstrip("/").split("/"), path.lower().rstrip("/").split("/")
    shorter = min(len(a), len(b))
    return a[:shorter] != b[:shorter]


def _sanitized(ctx: ProjectContext, project: _Project
               ) -> Callable[[str, CallFact], frozenset[str]]:
    """Return, for a route, the request parts (body, query) express-mongo-sanitize's
    middleware strips operators from before its handler (none when that is not sure).

    The project (test files aside) must create one Express app, which ``use``s the middleware
    with no path, its options (if any) written out without ``dryRun``, in a statement of the
    block that creates the app, under no condition. A route counts when it is a statement of
    that block after it (the app's own route), or a route of the one router of a project file
    all of whose mounts are such statements (``app.use('/prefix', router)``, nothing else in
    the call); the route has no middleware of its own, and its router no ``use`` before it
    (either may parse the body again). The body counts only when a body parser the app uses
    in that block runs before the middleware and none runs after it (a body parsed later is
    not sanitized)."""
    def none(rel: str, route: CallFact) -> frozenset[str]:
        return frozenset()

    if not ctx.info.has_dependency(_MONGO_SANITIZER):
        return none
    majors = _declared_majors(ctx, "express")
    if not majors or max(majors) >= 5:
        # Express 5's req.query is a getter: the middleware throws on every request (and an
        # undeclared version is not known to be 4)
        return none
    only = _only_app(ctx)
    if only is None:
        return none
    facts, app = only
    name = app.name
    parsed = project.get(facts.path)
    if parsed is None:
        return none
    locals_ = {n for imp in facts.imports if imp.module == _MONGO_SANITIZER
               for n in (imp.default, imp.namespace) if n}
    created = _node_at(parsed.tree, app.start, app.end)
    home = created.parent if created is not None else None
    while home is not None and home.type not in ("statement_block", "program"):
        home = home.parent
    if home is None:
        return none

    def statement(call: CallFact) -> bool:
        """``call`` is a statement of the block that creates the app, after its creation."""
        node = _node_at(parsed.tree, call.start, call.end)
        while call.chained and node is not None and node.parent is not None \
                and node.parent.type == "member_expression" and node.parent.parent is not None \
                and node.parent.parent.type == "call_expression":
            node = node.parent.parent  # `app.route(p).get(h).post(h)`: the whole chain
        return node is not None and call.start > app.end and node.parent is not None and \
            node.parent.type == "expression_statement" and node.parent.parent == home

    sanitizer: CallFact | None = None
    for call in facts.uses():
        if call.target == name and len(call.args) == 1 and call.args[0].kind == "call" \
                and call.args[0].name in locals_ and statement(call) \
                and _SANITIZER_OPTIONS_RE.match(parsed.source[call.args[0].start:call.args[
                    0].end][len(call.args[0].name.encode()):].strip()):
            sanitizer = call
            break
    if sanitizer is None:
        return none
    parsers = {n for imp in facts.imports if import_package(imp.module) in _OBJECT_PARSERS
               for n in imp.locals()}

    def parses(call: CallFact) -> bool:
        return any(a.kind == "call" and (
            a.name.partition(".")[0] in parsers
            or a.name.rsplit(".", 1)[-1] in ("json", "urlencoded")) for a in call.args)

    harmless = {n for imp in facts.imports if import_package(imp.module) in _NO_BODY_PARSER
                for n in imp.locals()}
    express_ = {n for imp in facts.imports if imp.module == "express"
                for n in (imp.default, imp.namespace) if n}

    def inline_harmless(arg: ArgFact) -> bool:
        """An inline middleware that cannot set the body or query (see _PARTS_WORD_RE)."""
        node = _node_at(parsed.tree, arg.start, arg.end)
        if node is None:
            return False
        params = node.child_by_field_name("parameters")
        first = node.child_by_field_name("parameter")
        if params is not None and params.named_children:
            first = params.named_children[0]
        if first is None or first.type != "identifier":
            return False
        text_ = parsed.source[arg.start:arg.end]
        if _PARTS_WORD_RE.search(text_):
            return False
        req = re.escape(parsed.source[first.start_byte:first.end_byte])
        seen = re.findall(rb"(?<![\w$.])" + req + rb"(?![\w$])(\s*\??\.\s*[A-Za-z_$])?", text_)
        return bool(seen) and all(seen[1:])  # the parameter, then only req.<property>

    bound: list[dict[str, str]] = []  # worked out on first use

    def bound_calls() -> dict[str, str]:
        """Names the app's file binds once, at its top level, to a call: name -> callee
        (``const rateLimiter = rateLimit({ … })``: ``rateLimit``), as a ``use`` of the name
        runs the middleware that call made."""
        if not bound:
            seen: dict[str, list[str]] = {}
            for node in walk(parsed.tree.root_node):
                if node.type == "variable_declarator":
                    key = node.child_by_field_name("name")
                    value = unwrap(node.child_by_field_name("value"))
                    if key is not None and key.type == "identifier":
                        fn = value.child_by_field_name("function") \
                            if value is not None and value.type == "call_expression" else None
                        seen.setdefault(text(key), []).append(
                            text(fn) if fn is not None and fn.type in (
                                "identifier", "member_expression") and
                            node.parent is not None and node.parent.type == "lexical_declaration"
                            and node.parent.parent is not None
                            and node.parent.parent.type == "program" else "")
                elif node.type == "assignment_expression":
                    left = node.child_by_field_name("left")
                    if left is not None and left.type == "identifier":
                        seen.setdefault(text(left), []).append("")
            bound.append({name: callees[0] for name, callees in seen.items()
                          if len(callees) == 1 and callees[0]})
        return bound[0]

    def kind(call: CallFact) -> str:
        """What an app-level ``use`` may do to the parsed request: "none" (known to parse
        nothing: a middleware factory of a package that parses no body, express.static(), an
        inline function that cannot set the body or query), "body" (a known body parser),
        else "unknown"."""
        found = "none"
        for a in call.args:
            if a.kind == "string" and a is call.args[0]:
                continue
            if a.kind == "function" and inline_harmless(a):
                continue
            made = a.name if a.kind == "call" else bound_calls().get(a.name) \
                if a.kind == "identifier" else None
            if made is None:
                return "unknown"
            root, _, rest = made.partition(".")
            if root in harmless and "(" not in rest or root in express_ and rest == "static":
                continue
            if root in parsers and "(" not in rest or root in express_ and rest in (
                    "json", "urlencoded", "raw", "text"):
                found = "body"
                continue
            return "unknown"
        return found if call.args else "unknown"

    app_uses = [c for c in facts.uses() if c.target == name]
    body_before = any(parses(c) and statement(c) and c.start < sanitizer.start
                      for c in app_uses)
    # file -> its mounts: (mounting file, the call)
    mounts: dict[str, list[tuple[str, CallFact]]] = {}
    for path, mounting in ctx.facts.items():
        if is_test_file(path):
            continue
        for call in mounting.uses():
            for arg in call.args:
                target = _mounted(ctx, mounting, arg)
                if target is not None:
                    mounts.setdefault(target, []).append((path, call))

    def behind(call: CallFact) -> frozenset[str]:
        """The parts sanitized for what the app's own ``call`` (route or mount) runs."""
        if call.target != name or not statement(call) or call.start < sanitizer.end:
            return frozenset()
        between = [c for c in app_uses if c is not sanitizer and (
            sanitizer.start < c.start < call.start or not statement(c))
            and not _apart(c.path, call.path)]
        kinds = {kind(c) for c in between}
        if "unknown" in kinds:
            return frozenset()  # may be anything, a parser of the body or of the query string
        reparsed = "body" in kinds
        return frozenset({"query"} if reparsed or not body_before else {"body", "query"})

    def own_harmless(rel: str, arg: ArgFact) -> bool:
        """A middleware of a route that cannot parse or set the body or query again: a
        known package's that parses no body (``passport.authenticate('jwt')``), or a project
        function that uses its request only as ``req.<property>``, never writes
        ``req.body``/``req.query`` (or a member of them) and never takes either whole."""
        route_facts = ctx.facts.get(rel)
        route_parsed = project.get(rel)
        if route_facts is None or route_parsed is None:
            return False
        if arg.kind == "call":
            known = {n for imp in route_facts.imports
                     if import_package(imp.module) in _ROUTE_NO_BODY_PARSER for n in imp.locals()}
            root, _, rest = arg.name.partition(".")
            node = _node_at(route_parsed.tree, arg.start, arg.end)
            given = node.child_by_field_name("arguments") if node is not None else None
            inner = code_children(given) if given is not None else []
            return root in known and "(" not in rest and all(
                a.type in ("string", "object", "true", "false", "number") and not any(
                    n.type in FUNCTION_TYPES for n in walk(a)) for a in inner)
        if arg.kind not in ("identifier", "member", "function"):
            return False
        located = InputValidation._handler(project, rel, route_facts, route_parsed, arg) or \
            _reexported_member(project, rel, route_facts, arg)
        if located is None:
            return False
        func = located[1]
        first = parameters(func)[:1]
        if not first or first[0].type != "identifier":
            return False
        req = re.escape(text(first[0]))
        body = text(func.child_by_field_name("body"))
        uses = re.findall(rf"(?<![\w$.]){req}(?![\w$])(\s*\??\.\s*[A-Za-z_$][\w$]*)?"
                          r"(\s*(?:\??\.|\[)|\s*=(?!=)|\s*[+-]{2})?", body)
        for member, after in uses:
            if not member:
                return False  # the request passed on or indexed
            name = member.strip(" \t\n?.")
            if name in ("body", "query") and (not after or "=" in after or "+" in after
                                               or "-" in after):
                return False  # taken whole, or set
        return not re.search(rf"(?<![\w$.]){req}\s*\??\.\s*(?:body|query)\b[^;\n=]*?"
                             r"(?<![=!<>])=(?![=>])|\bObject\s*\.\s*(?:assign|defineProperty)\b",
                             body)

    def parts(rel: str, route: CallFact) -> frozenset[str]:
        if len(route.args) < 2 or not all(own_harmless(rel, a) for a in route.args[1:-1]):
            return frozenset()  # a middleware of its own that may parse the body again
        if rel == facts.path:
            return behind(route)  # (a route of the app's own file: its path does not matter)
        if route.path is None:
            return frozenset()
        routers = [a.name for a in ctx.facts[rel].apps] if rel in ctx.facts else []
        if routers != [route.target] or rel not in mounts or any(
                c.target == route.target and c.start < route.start
                for c in ctx.facts[rel].uses()):
            return frozenset()
        found: frozenset[str] | None = None
        for parent, call in mounts[rel]:
            if parent != facts.path or len(call.args) != 2 or call.args[0].kind != "string":
                return frozenset()
            covered = behind(call)
            found = covered if found is None else found & covered
        return found or frozenset()

    return parts


#: Mongoose 6+'s ``sanitizeFilter`` (``mongoose.set('sanitizeFilter', true)``): before a
#: query of a Mongoose model runs, every value of its filter (also inside ``$and``/``$or``)
#: that is an object with a ``$`` key is wrapped as ``{ $eq: value }``, an exact match, so
#: ``{"$ne": null}`` sent for a field matches nothing. It covers the filters of a model's query
#: methods only: not aggregate() pipelines, not the native driver's collections, not a filter
#: that is request data as a whole (a ``$where``/``$expr`` key at its top holds no object, or
#: is refused only by recent releases), and not a value the app marks ``mongoose.trusted()``.
_FILTER_SANITIZED_METHODS = frozenset({
    "find", "findOne", "findOneAndUpdate", "findOneAndDelete", "findOneAndReplace",
    "findOneAndRemove", "updateOne", "updateMany", "deleteOne", "deleteMany", "countDocuments",
    "exists", "replaceOne"})
_FILTER_SANITIZED_ID_METHODS = frozenset({
    "findById", "findByIdAndUpdate", "findByIdAndDelete", "findByIdAndRemove"})
_SANITIZE_FILTER_WORD_RE = lazy_pattern(rb"\bsanitizeFilter\b")
_TRUSTED_RE = lazy_pattern(rb"\btrusted\s*\(|\bMongoose\s*\(")


class _FilterSanitizer(NamedTuple):
    """What ``_filter_sanitized`` tells: ``sink(s)``, the sink is made harmless;
    ``only_models(func)``, every MongoDB query call of ``func`` is one ``sink`` would credit
    (a query method of a Mongoose model), so a field the handler puts in a filter as sent is
    wrapped wherever it goes."""

    sink: Callable[[Sink], bool]
    only_models: Callable[[Node], bool]


#: Method names of MongoDB queries (of any data layer) a handler may call.
_ANY_QUERY_METHODS = frozenset({
    "find", "findOne", "findOneAndUpdate", "findOneAndDelete", "findOneAndReplace",
    "findOneAndRemove", "updateOne", "updateMany", "deleteOne", "deleteMany", "countDocuments",
    "count", "exists", "replaceOne", "distinct", "where", "remove", "aggregate", "collection",
    "findById", "findByIdAndUpdate", "findByIdAndDelete", "findByIdAndRemove", "findFirst",
    "findUnique", "findMany", "findAll", "bulkWrite", "watch", "mapReduce", "$where"})


def _filter_sanitized(ctx: ProjectContext, project: _Project) -> _FilterSanitizer:
    """Return a test for the ``[nosql-injection]`` sinks Mongoose's ``sanitizeFilter`` makes
    harmless: a body or query field as sent that is the value of a field of a literal filter
    (at its top, or in ``$and``/``$or``) given first to a query method of a Mongoose model, or
    the id given to ``findById()`` & co. The project (test files aside) must turn the option on
    with ``mongoose.set('sanitizeFilter', true)`` as a top-level statement of a file that
    imports mongoose, mention ``sanitizeFilter`` nowhere else (a connection's or a query's own
    setting may turn it off), call no ``trusted()`` and make no ``new Mongoose()``; the file that
    sets it creates the Express app or another project file imports it; a declared
    mongoose must be 6 or later. The model is a name the sink's file imports from a project
    module whose ``module.exports`` (or default export) is ``mongoose.model(…)``, or binds
    itself to ``mongoose.model(…)`` at its top."""
    def no(_: object) -> bool:
        return False

    never = _FilterSanitizer(no, no)
    if not ctx.info.has_dependency("mongoose"):
        return never
    majors = _declared_majors(ctx, "mongoose")
    if majors and min(majors) < 6:
        return never
    turned_on = False
    for rel, facts in ctx.facts.items():
        if is_test_file(rel):
            continue
        source = ctx.read(rel) or b""
        mentions = len(_SANITIZE_FILTER_WORD_RE.findall(source))
        if _TRUSTED_RE.search(source):
            return never
        if not mentions:
            continue
        locals_ = {n for imp in facts.imports if imp.module == "mongoose"
                   for n in (imp.default, imp.namespace) if n}
        parsed = project.get(rel)
        if parsed is None or not locals_:
            return never
        found = 0
        for stmt in code_children(parsed.tree.root_node):
            expr = unwrap(stmt.named_children[0]) if stmt.type == "expression_statement" \
                and stmt.named_children else None
            if expr is None or expr.type != "call_expression":
                continue
            called = re.fullmatch(r"([\w$]+)\.set\(\s*(['\"])sanitizeFilter\2\s*,\s*true\s*\)",
                                  re.sub(r"\s+", " ", text(expr)))
            if called is not None and called.group(1) in locals_:
                found += 1
        if found != mentions:
            return never  # sanitizeFilter also set (or read) some other way
        if not any(app.kind == "app" for app in facts.apps) and not any(
                ctx.resolve_import(other, imp.module) == rel
                for other, other_facts in ctx.facts.items()
                if other != rel and not is_test_file(other) for imp in other_facts.imports):
            return never  # a file the app never loads (a tool, a script): proves nothing
        turned_on = True
    if not turned_on:
        return never
    models: dict[tuple[str, str], bool] = {}

    def model_file(rel: str) -> bool:
        """The project file ``rel`` exports a Mongoose model as a whole."""
        parsed = project.get(rel)
        facts = ctx.facts.get(rel)
        if parsed is None or facts is None:
            return False
        locals_ = {n for imp in facts.imports if imp.module == "mongoose"
                   for n in (imp.default, imp.namespace) if n}
        named = {loc for imp in facts.imports if imp.module == "mongoose"
                 for name, loc in imp.named.items() if name == "model"}
        source = parsed.source.decode("utf-8", "replace")
        maker = "|".join([*(re.escape(n) + r"\s*\.\s*model" for n in locals_),
                          *(re.escape(n) for n in named)])
        if not maker:
            return False
        exported = re.findall(r"(?<![\w$.])(?:module\.exports\s*=(?!=)|export\s+default\b)"
                              r"\s*([^;\n]*)", source)
        if len(exported) != 1:
            return False
        value = exported[0].strip()
        if re.match(rf"(?:{maker})\s*\(", value):
            return True
        bound = re.fullmatch(r"([\w$]+)\s*;?", value)
        return bound is not None and own_model(parsed.tree.root_node, bound.group(1), maker)

    def own_model(root: Node, name: str, maker: str) -> bool:
        """``const name = mongoose.model(…)`` at the top of the file, never written again."""
        declared = re.findall(rf"(?<![\w$.])(?:const|let|var)\s+{re.escape(name)}\s*=\s*"
                              rf"(?:{maker})\s*\(", text(root))
        written = re.findall(rf"(?<![\w$.]){re.escape(name)}\s*=(?!=)", text(root))
        return len(declared) == 1 and len(written) == 1

    def model(rel: str, name: str) -> bool:
        key = (rel, name)
        if key not in models:
            models[key] = False
            facts = ctx.facts.get(rel)
            parsed = project.get(rel)
            found = False
            for imp in facts.imports if facts is not None else []:
                if name in (imp.default, imp.namespace) and imp.module.startswith("."):
                    target = project.resolve_module(rel, imp.module)
                    found = target is not None and model_file(target)
                    break
            else:
                if parsed is not None and facts is not None:
                    locals_ = {n for imp in facts.imports if imp.module == "mongoose"
                               for n in (imp.default, imp.namespace) if n}
                    maker = "|".join(re.escape(n) + r"\s*\.\s*model" for n in locals_)
                    found = bool(maker) and own_model(parsed.tree.root_node, name, maker)
            models[key] = found
        return models[key]

    def receiver_model(call: Node) -> bool:
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "member_expression":
            return False
        receiver = fn.child_by_field_name("object")
        if receiver is None or receiver.type != "identifier":
            return False
        root = call
        while root.parent is not None:
            root = root.parent
        rel = project.roots.get(root.id)
        return rel is not None and model(rel, text(receiver))

    def method(call: Node) -> str:
        fn = call.child_by_field_name("function")
        return text(fn.child_by_field_name("property")) \
            if fn is not None and fn.type == "member_expression" else ""

    def covered(sink: Sink) -> bool:
        if sink.kind != "nosql-injection" or not sink.as_sent:
            return False
        node = sink.node
        if node.type == "call_expression":
            return method(node) in _FILTER_SANITIZED_ID_METHODS and receiver_model(node)
        if node.type != "pair":
            return False
        key = string_value(node.child_by_field_name("key")) or text(
            node.child_by_field_name("key"))
        if key.startswith("$"):
            return False
        while True:
            filter_ = node.parent
            holder = filter_.parent if filter_ is not None and filter_.type == "object" \
                else None
            if holder is None:
                return False
            if holder.type == "arguments":
                call = holder.parent
                first = code_children(holder)[:1]
                return call is not None and call.type == "call_expression" and \
                    first == [filter_] and method(call) in _FILTER_SANITIZED_METHODS and \
                    receiver_model(call)
            pair = holder.parent if holder.type == "array" else None
            if pair is None or pair.type != "pair" or (string_value(
                    pair.child_by_field_name("key")) or text(pair.child_by_field_name(
                    "key"))) not in ("$and", "$or"):
                return False
            node = pair

    def only_models(func: Node) -> bool:
        for node in walk(func):
            if node.type == "call_expression" and method(node) in _ANY_QUERY_METHODS and not (
                    method(node) in _FILTER_SANITIZED_METHODS | _FILTER_SANITIZED_ID_METHODS
                    and receiver_model(node)):
                return False
        return True

    return _FilterSanitizer(covered, only_models)


class InputValidation(Rule):
    """Route handlers that read req.body/query/params without a validator."""

    id = "input-validation"
    project_modules = ("nodeharden.rules._validation_sinks", "nodeharden.rules._validation_types")

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        if not ctx.uses_express():
            return
        project = _Project(ctx)
        configured = ctx.info.config.validators
        robustness = ctx.info.config.input_validation.robustness
        merges = _merges_params_once(ctx)
        # js-yaml before 4 builds functions from !!js/function tags in load(): the major the
        # package.json that owns the handler's file declares (not a tools/ package's)
        yaml_at = _yaml3_packages(ctx)
        processed = _param_callbacks(ctx, project)
        reported: set[tuple[str, int]] = set()
        #: (file, line, kind, request field) of the handlers' sinks reported
        one_line: set[tuple[str, int, str, str]] = set()
        mongo = ctx.info.has_dependency("mongoose") or ctx.info.has_dependency("mongodb")
        mysql = ctx.info.has_dependency("mysql") or ctx.info.has_dependency("mysql2")
        bodies = _BodyScope(ctx, project)
        layers = _DataLayers(project)
        patterns = _imported_patterns(project)
        spec_checked: Callable[[str, CallFact], frozenset[str]] | None = None
        sanitized: Callable[[str, CallFact], frozenset[str]] | None = None

        def sanitizer() -> Callable[[str, CallFact], frozenset[str]]:
            nonlocal sanitized
            if sanitized is None:
                sanitized = _sanitized(ctx, project)
            return sanitized

        filter_tests: list[_FilterSanitizer] = []

        def filter_sanitized() -> _FilterSanitizer:
            if not filter_tests:
                filter_tests.append(_filter_sanitized(ctx, project))
            return filter_tests[0]

        for rel in sorted(ctx.facts):
            facts = ctx.facts[rel]
            # Only a handler that is a function, or a name for one, can be analysed: a file
            # whose routes have none (`settings.get('key', fallback)`) is not parsed again.
            # (The bytes only where a pattern below reads them: most files of a project have
            # no app and no route handed a call.)
            source = ctx.read(rel) or b"" if facts.apps or any(
                r.args[-1].kind == "call" for r in facts.routes()) else b""
            routes = [r for r in _routes(facts, project.get(rel) if facts.apps and
                                         _COMPUTED_ROUTE_RE.search(source) else None)
                      if r.args[-1].kind in ("function", "identifier", "member")
                      or (r.args[-1].kind == "call"
                          and _WRAPPED_RE.search(source, r.args[-1].start, r.args[-1].end))]
            if not routes:
                continue
            from nodeharden.rules._validation_sinks import (
                SOURCES,
                ev_names,
                find_sinks,
                request_field,
            )
            from nodeharden.rules._validation_types import FILTER_HARM, PARTS, analyze_handler

            parsed = project.get(rel)
            if parsed is None:
                continue
            names = _validator_names(facts, configured)
            # (express-openapi-validator's middleware counts only for what its document
            # describes: `_spec_checked`.)
            spec_locals = facts.locals_of(_SPEC_VALIDATOR[0])
            guarded = {c.target for c in facts.uses()
                       if any(_arg_validates(a, parsed, names)
                              and a.name.partition(".")[0] not in spec_locals for a in c.args)}
            # (target, start, parts): a factory's middleware mounted with `.use()`
            mounted = [(c.target, c.start, covered) for c in facts.uses() for a in c.args
                       if a.kind == "call" and (covered := _factory_parts(
                           project, rel, facts, parsed, a))]
            found: list[tuple[CallFact, Reads]] = []
            checked_params = _segment_params(project, rel, facts, parsed, patterns) \
                if any(c.method == "param" for c in facts.calls) else {}
            for route in routes:
                if len(route.args) < 2:
                    continue
                located = self._handler(project, rel, facts, parsed, route.args[-1])
                if located is None:
                    continue
                where, func = located
                resolve = self._resolver(project, where)
                pinned = self._lazy_pinned(project, rel, facts, parsed, route, where, func)
                # No body parser can run for this route: its req.body is undefined, not input.
                no_body = b"body" in (func.text or b"") and bodies.per_route() and all(
                    (n := _node_at(parsed.tree, a.start, a.end)) is not None
                    and bodies.plain(rel, facts, parsed, n) for a in route.args[1:-1])
                parts = tuple(p for p in SOURCES if p != "body") if no_body else SOURCES
                sinks = find_sinks(func, ctx.facts.get(where) or facts, resolve, mongo, pinned,
                                   parts, layers, patterns, yaml_at(where),
                                   _route_segments(route, checked_params))
                sinks = [s for s in sinks if not self._absent(route, merges, s)]
                wrapped: set[tuple[str, str] | None] = set()
                if any(s.as_sent for s in sinks):
                    # express-mongo-sanitize in front of the route: no operator in a field
                    if sanitized is None:
                        sanitized = _sanitized(ctx, project)
                    stripped = sanitized(rel, route)
                    wrapped = {request_field(s.source) for s in sinks
                               if s.path is None and filter_sanitized().sink(s)}
                    sinks = [s for s in sinks if not self._stripped(stripped, s)
                             and not filter_sanitized().sink(s)]
                if any(s.as_sent for s in sinks) and len(route.args) > 2:
                    # a Joi schema middleware of the route that types the field as a string
                    # (express-validation, celebrate): an object there is refused first
                    from nodeharden.rules._schema_fields import typed_fields

                    typed = typed_fields(project, rel, facts, route, lambda start, end, tree=(
                        parsed.tree): _node_at(tree, start, end))
                    sinks = [s for s in sinks if not self._stripped(
                        frozenset(p for p, _ in typed), s) or (
                        request_field(s.source) not in typed)]
                for sink in sinks:
                    at = (sink.path or where, sink.node.start_byte)
                    if at in reported:
                        continue  # a helper two routes share: reported once
                    reported.add(at)
                    line = (at[0], sink.node.start_point[0], sink.kind, sink.source)
                    if line in one_line:
                        # `fs.existsSync(p) ? res.sendFile(p) : res.sendFile(join(d, p))`:
                        # one flaw, one finding (its first call named)
                        continue
                    one_line.add(line)
                    yield ctx.finding(self.id, at[0], at[1], sink.node.end_byte,
                                      sink.message(_route_label(route, parsed.source)))
                # The project's own middlewares of the chain run before the handler with the
                # same request: their sinks (and whole-body writes) are the route's too.
                yield from self._middleware_findings(
                    ctx, project, rel, facts, parsed, route, reported, mongo, mysql, bodies,
                    layers, patterns, yaml_at, merges, names, guarded, sanitizer,
                    filter_sanitized)
                if sinks or route.target in guarded:
                    continue  # a validator is not the fix for a sink
                middle = route.args[1:-1] if route.args[-1].kind != "call" else route.args[1:]
                if any(_arg_validates(a, parsed, names) for a in middle):
                    continue
                if any(self._route_chains(project, rel, facts, parsed, a, ev_names(facts))
                       for a in middle if a.kind in ("identifier", "member", "call")):
                    continue  # express-validator rules of another module, checkSchema({...})
                homes: dict[int, str] = {}

                def resolver_for(helper: Node, homes: dict[int, str] = homes
                                 ) -> Callable[[Node], Node | None] | None:
                    home = homes.get(helper.id)
                    return _helper_only(self._resolver(project, home), homes) \
                        if home is not None else None

                reads = analyze_handler(func, _helper_only(resolve, homes), mysql,
                                        self._project_callee(project, where), resolver_for,
                                        layers)
                if reads is None or reads.validated:
                    continue
                if no_body:
                    reads.whole = [p for p in reads.whole if p != "body"]
                    reads.fields = {k: f for k, f in reads.fields.items() if f.part != "body"}
                # A middleware made by a project factory that validates a part before the
                # handler: `route({ requestBody: 'UserSchema' })` (its mass writes stay).
                checked = {p for a in middle for p in _factory_parts(project, rel, facts,
                                                                     parsed, a)}
                # A middleware of the project named in the route that validates a part itself
                # (a pagination middleware checking `req.query` with Joi, answering 400).
                checked |= {p for a in middle for p in _middleware_parts(project, rel, facts,
                                                                         parsed, a)}
                # Fields a middleware of the route sets itself (`req.body.jwt = payload`).
                assigned = {f for a in middle if a.kind in ("call", "identifier")
                            for f in _assigned_fields(project, rel, facts, parsed, a)}
                if assigned:
                    reads.fields = {k: f for k, f in reads.fields.items()
                                    if (f.part, f.name.split(".")[0]) not in assigned}
                checked |= {p for target, start, covered in mounted
                            if target == route.target and start < route.start for p in covered}
                # An OpenAPI request validator in front of every route: what its document
                # describes of this route's operation.
                if spec_checked is None:
                    spec_checked = _spec_checked(ctx, project)
                checked |= spec_checked(rel, route)
                if checked:
                    massed = {p for p, _ in reads.mass}
                    reads.whole = [p for p in reads.whole if p not in checked or p in massed]
                    reads.fields = {k: f for k, f in reads.fields.items()
                                    if f.part not in checked}
                _check_path_params(route, reads, processed, merges)
                if not (reads.whole or reads.needed() or reads.mass):
                    continue
                # By default only a route where some field can do an injection-class harm
                # (or a whole part is written as it is) is reported; one whose fields can only
                # make the handler fail on a wrong type is a robustness matter (the option).
                if not robustness and any(FILTER_HARM in f.harms for f in reads.needed()):
                    if sanitized is None:
                        sanitized = _sanitized(ctx, project)
                    stripped = sanitized(rel, route)
                    # Mongoose's sanitizeFilter wraps what the handler's model queries get
                    # (every query of the handler is one, and it calls no project helper)
                    wrapped_here = {w for w in wrapped if w is not None} if wrapped and \
                        filter_sanitized().only_models(func) and not any(
                            resolve(callee) is not None for c in walk(func)
                            if c.type == "call_expression"
                            and (callee := c.child_by_field_name("function")) is not None
                            ) else set()
                    for f in reads.needed():
                        if f.part in stripped or (f.part, f.name) in wrapped_here:
                            f.harms.pop(FILTER_HARM, None)  # no operator reaches the filter
                if robustness or reads.mass or any(f.injection() for f in reads.needed()):
                    found.append((route, reads))
            # Every fix in a file imports what all of them need, so the import is written once.
            needed = [fn for fn in PARTS.values() if any(
                PARTS[f.part] == fn for _, reads in found if not reads.blockers()
                for f in reads.chained())]
            for route, reads in found:
                yield self._finding(ctx, project, rel, facts, parsed, route, reads, needed,
                                    layers)

    def _middleware_findings(self, ctx: ProjectContext, project: _Project, rel: str,
                             facts: FileFacts, parsed: _Parsed, route: CallFact,
                             reported: set[tuple[str, int]], mongo: bool, mysql: bool,
                             bodies: _BodyScope, layers: _DataLayers,
                             patterns: Callable[[FileFacts, str], Node | None],
                             yaml_at: Callable[[str], bool], merges: Callable[[], bool],
                             names: set[str], guarded: set[str],
                             sanitized: Callable[[], Callable[[str, CallFact], frozenset[str]]],
                             filter_sanitized: Callable[[], _FilterSanitizer]
                             ) -> Iterator[Finding]:
        """Findings in the project middlewares of ``route``'s chain (before its handler):
        the sinks request data reaches in them and a whole body written into a model, each
        judged with only the validators that run before that middleware (the chain before
        it, a sanitizer used app-wide). Reported at the sink or the write, once however many
        routes use the middleware, naming the route and the middleware, with no fix (the
        chain the fix writes goes right before the handler, after the middleware)."""
        from nodeharden.rules._validation_sinks import SOURCES, ev_names, find_sinks, request_field
        from nodeharden.rules._validation_types import analyze_handler

        chain: list[ArgFact] = []
        for arg in route.args[1:-1]:
            if arg.kind != "array":
                chain.append(arg)
                continue
            node = _node_at(parsed.tree, arg.start, arg.end)
            chain.extend(_arg_fact(e) for e in (code_children(node) if node is not None
                                                 else []))
        label = _route_label(route, parsed.source)
        for i, arg in enumerate(chain):
            if arg.kind not in ("identifier", "member", "function") or \
                    _arg_validates(arg, parsed, names) or \
                    self._route_chains(project, rel, facts, parsed, arg,
                                       ev_names(facts)) is not None:
                continue  # not a project function, or a validator itself
            located = self._handler(project, rel, facts, parsed, arg) or \
                _reexported_member(project, rel, facts, arg)
            if located is None or located[0] not in ctx.facts:
                continue
            where, func = located
            if len(parameters(func)) not in (2, 3):
                continue  # (req, res[, next]): an error handler or something else
            before = chain[:i]
            # the route as if it ended at this middleware: what ran before it is what counts
            sub = replace(route, args=[*route.args[:1], *before, arg])
            named = arg.name if arg.kind != "function" else text(
                func.child_by_field_name("name")) if func.child_by_field_name(
                "name") is not None else ""
            where_label = f"{label} (in its middleware {named})" if named else \
                f"{label} (in a middleware of the route)"
            no_body = b"body" in (func.text or b"") and bodies.per_route() and all(
                (n := _node_at(parsed.tree, a.start, a.end)) is not None
                and bodies.plain(rel, facts, parsed, n) for a in before)
            parts = tuple(p for p in SOURCES if p != "body") if no_body else SOURCES
            pinned = self._lazy_pinned(project, rel, facts, parsed, sub, where, func)
            sinks = find_sinks(func, ctx.facts[where], self._resolver(project, where), mongo,
                               pinned, parts, layers, patterns, yaml_at(where))
            sinks = [s for s in sinks if not self._absent(route, merges, s)]
            if any(s.as_sent for s in sinks):
                stripped = sanitized()(rel, sub)
                sinks = [s for s in sinks if not self._stripped(stripped, s)
                         and not filter_sanitized().sink(s)]
            if any(s.as_sent for s in sinks) and before:
                from nodeharden.rules._schema_fields import typed_fields

                typed = typed_fields(project, rel, facts, sub, lambda start, end, tree=(
                    parsed.tree): _node_at(tree, start, end))
                sinks = [s for s in sinks if not self._stripped(
                    frozenset(p for p, _ in typed), s) or request_field(s.source) not in typed]
            for sink in sinks:
                at = (sink.path or where, sink.node.start_byte)
                if at in reported:
                    continue
                reported.add(at)
                yield ctx.finding(self.id, at[0], at[1], sink.node.end_byte,
                                  sink.message(where_label))
            # A whole body written into a model: only a validator before the middleware helps.
            if sinks or route.target in guarded or b"body" not in (func.text or b"") or any(
                    _arg_validates(a, parsed, names) for a in before):
                continue
            reads = analyze_handler(func, None, mysql, self._project_callee(project, where),
                                    None, layers)
            if reads is None or reads.validated or not reads.mass or no_body:
                continue
            part, write = reads.mass[0]
            at = (where, write.start_byte)
            if at in reported:
                continue
            reported.add(at)
            yield ctx.finding(
                self.id, where, write.start_byte, write.end_byte,
                f"[mass-assignment] {where_label}: req.{part} reaches "
                f"{self._write_name(project, write)}, with no list of the fields it may set: "
                "a client can set any field of the model (an admin flag, an owner id, a role); "
                "copy only the fields the client may change")

    @staticmethod
    def _stripped(parts: frozenset[str], sink: Sink) -> bool:
        """A filter value as sent from a part whose operators a sanitizer strips first."""
        from nodeharden.rules._validation_sinks import request_field

        field_ = request_field(sink.source)
        return sink.kind == "nosql-injection" and sink.as_sent and field_ is not None and \
            field_[0] in parts

    @staticmethod
    def _absent(route: CallFact, merges: Callable[[], bool], sink: Sink) -> bool:
        """A sink reached by a path parameter the route does not declare (always undefined)."""
        from nodeharden.rules._validation_sinks import request_field

        field_ = request_field(sink.source)
        return field_ is not None and field_[0] == "params" and \
            _absent_param(route, merges, field_[1])

    def _lazy_pinned(self, project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                     route: CallFact, where: str, func: Node) -> Callable[[Sink], bool]:
        """Return ``_pinned``'s test, worked out when the first filter value as sent asks."""
        tests: list[Callable[[Sink], bool]] = []

        def pinned(sink: Sink) -> bool:
            if not tests:
                tests.append(self._pinned(project, rel, facts, parsed, route, where, func))
            return tests[0](sink)

        return pinned

    def _pinned(self, project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                route: CallFact, where: str, func: Node) -> Callable[[Sink], bool]:
        """Return a test for the ``[nosql-injection]`` sinks of a field as sent that an
        express-validator chain keeps objects out of before the sink runs: a chain whose
        validator rejects every object (``isEmail()``, ``isMongoId()``…, see
        ``_validation_sinks.PINNING``), run as route middleware or awaited with ``.run(req)``
        in the handler, whose errors end the request first (``validationResult(req)`` turned
        away with a return or a throw, or a middleware of the route that answers)."""
        from nodeharden.rules._validation_sinks import (
            ResultGuards,
            answering_middleware,
            ev_names,
            request_field,
            run_chain,
            top_statements,
        )
        from nodeharden.rules._validation_types import first_param

        ctx = project.ctx
        names = ev_names(facts)
        chains: list[Chain] = []
        # (chain, start, end): the chain has passed for code in [start, end) of the handler's
        # file; start -1: before the handler runs (also in the helpers it calls).
        covered: list[tuple[Chain, int, int]] = []
        for arg in route.args[1:-1]:
            found = self._route_chains(project, rel, facts, parsed, arg, names)
            if found is not None:
                chains.extend(found)
                continue
            if arg.kind in ("identifier", "member", "function") and chains:
                located = self._handler(project, rel, facts, parsed, arg)
                if located is not None and answering_middleware(
                        located[1], ev_names(ctx.facts.get(located[0]))):
                    covered.extend((c, -1, -1) for c in chains)
        first = first_param(func)
        body = func.child_by_field_name("body")
        handler_names = ev_names(ctx.facts.get(where))
        ran = list(chains)
        if first is not None and first.type == "identifier" and body is not None and \
                body.type == "statement_block" and handler_names:
            req = text(first)
            guards = ResultGuards(handler_names, req)
            for statement in top_statements(body):
                imperative = run_chain(statement, handler_names, req)
                if imperative is not None:
                    ran.extend(imperative)
                    continue
                verdict = guards.step(statement, len(ran))
                if verdict is None:
                    continue
                kind, count = verdict
                if kind == "fails":
                    covered.extend((c, statement.end_byte, func.end_byte) for c in ran[:count])
                else:
                    block = statement.child_by_field_name("consequence") or statement
                    covered.extend((c, block.start_byte, block.end_byte) for c in ran[:count])
        spoiled = {f for c in ran if c.spoils for f in c.fields}

        def pinned(sink: Sink) -> bool:
            field_ = request_field(sink.source)
            if field_ is None:
                return False
            part, path = field_
            if (part, path) in spoiled or (None, path) in spoiled:
                return False
            for chain, start, end in covered:
                if not chain.pins or not any(p in (None, part) and f == path
                                             for p, f in chain.fields):
                    continue
                if start < 0 or (sink.path is None and start <= sink.node.start_byte < end):
                    return True
            return False

        return pinned

    def _route_chains(self, project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                      arg: ArgFact, names: dict[str, str]) -> list[Chain] | None:
        """Return the express-validator chains a route argument is: a chain, an array of
        chains, or a name for one declared in the same file or imported from the project."""
        from nodeharden.rules._validation_sinks import ev_chains, ev_names

        if arg.kind in ("call", "array"):
            node = _node_at(parsed.tree, arg.start, arg.end)
            found = ev_chains(node, names) if names and node is not None else None
            if found is None and arg.kind == "call" and node is not None:
                found = self._factory_chains(project, rel, facts, parsed, node)
            return found
        if arg.kind not in ("identifier", "member"):
            return None
        if arg.kind == "identifier":
            value = _value_of(parsed, arg.name)
            if value is not None:
                return ev_chains(value, names) if names else None
        imported = _imported_export(project, rel, facts, arg, default=False)
        if imported is None:
            return None
        target, export = imported
        other = project.get(target)
        other_names = ev_names(project.ctx.facts.get(target))
        value = _value_of(other, export) if other is not None else None
        return ev_chains(value, other_names) if value is not None and other_names else None

    @staticmethod
    def _factory_chains(project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                        call: Node) -> list[Chain] | None:
        """Return the chains a project function called with no arguments returns
        (``signupRules()`` with ``exports.signupRules = () => [body('email').isEmail()]``):
        the function takes no parameter and its body is the chains, or one ``return`` of
        them; it is a function of the route's file or a project module's export."""
        from nodeharden.rules._validation_sinks import ev_chains, ev_names

        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if fn is None or fn.type not in ("identifier", "member_expression") or \
                args is None or code_children(args):
            return None
        name = text(fn)
        home, value = rel, None
        if fn.type == "identifier":
            value = _value_of(parsed, name) or parsed.function(name)
        if value is None:
            imported = _imported_export(project, rel, facts, ArgFact(
                "identifier" if fn.type == "identifier" else "member", name), default=False)
            other = project.get(imported[0]) if imported is not None else None
            if imported is None or other is None:
                return None
            home = imported[0]
            value = _value_of(other, imported[1]) or other.function(imported[1])
        value = unwrap(value) if value is not None else None
        if value is None or value.type not in FUNCTION_TYPES or parameters(value):
            return None
        returned = value.child_by_field_name("body")
        if returned is not None and returned.type == "statement_block":
            statements = code_children(returned)
            returned = code_children(statements[0])[0] if len(statements) == 1 and \
                statements[0].type == "return_statement" and code_children(statements[0]) \
                else None
        names = ev_names(project.ctx.facts.get(home))
        return ev_chains(returned, names) if returned is not None and names else None

    def _resolver(self, project: _Project,
                  where: str) -> Callable[[Node], tuple[str, Node, FileFacts] | None]:
        """Return a function from a callee in ``where`` to the helper it names (its file, the
        function and the file's facts): a function of the same file or one imported from a
        relative module of the project."""
        facts = project.ctx.facts.get(where)
        parsed = project.get(where)

        def resolve(fn: Node) -> tuple[str, Node, FileFacts] | None:
            if facts is None or parsed is None:
                return None
            if fn.type == "identifier":
                arg = ArgFact(kind="identifier", name=text(fn))
            elif fn.type == "member_expression" and \
                    getattr(fn.child_by_field_name("object"), "type", "") == "identifier":
                arg = ArgFact(kind="member", name=text(fn))
            else:
                return None
            located = self._handler(project, where, facts, parsed, arg, chained=False)
            if located is None or located[0] not in project.ctx.facts:
                return None
            return located[0], located[1], project.ctx.facts[located[0]]

        return resolve

    @staticmethod
    def _project_callee(project: _Project, where: str) -> Callable[[Node], bool]:
        """Return a test for callees in ``where`` that name a function of one of the project's
        own modules (``db.storeItem`` with ``db = require('../persistence')``)."""
        facts = project.ctx.facts.get(where)

        def own(fn: Node) -> bool:
            if facts is None:
                return False
            head = fn
            while head.type == "member_expression":
                head = head.child_by_field_name("object") or head
                if head.type not in ("member_expression", "identifier"):
                    return False
            if head.type != "identifier":
                return False
            name = text(head)
            return any(name in imp.locals() and project.resolve_module(where, imp.module)
                       is not None for imp in facts.imports)

        return own

    @staticmethod
    def _handler(project: _Project, rel: str, facts: FileFacts, parsed: _Parsed,
                 arg: ArgFact, chained: bool = True) -> tuple[str, Node] | None:
        """Return the file and the function a route argument names (with ``chained``, also
        through the project's modules: ``_chained_handler``; a helper the handler calls is
        looked up without)."""
        if arg.kind == "function":
            node = _function_at(parsed.tree, arg.start, arg.end)
            return (rel, node) if node is not None else None
        if arg.kind == "call":  # `router.get('/', asyncHandler(async (req, res) => …))`
            call = parsed.tree.root_node.descendant_for_byte_range(arg.start, arg.end)
            while call is not None and call.type != "call_expression":
                call = call.parent
            node = _wrapped_function(call)
            return (rel, node) if node is not None else None
        if arg.kind not in ("identifier", "member"):
            return None
        if arg.kind == "identifier":
            local = parsed.function(arg.name)
            if local is not None:
                return rel, local
        imported = _imported_export(project, rel, facts, arg, default=True)
        if imported is None:
            return (_instance_method(project, rel, facts, parsed, arg)
                    if arg.kind == "member" else None) or \
                (_chained_handler(project, rel, facts, arg) if chained else None)
        target, export = imported
        other = project.get(target)
        found = other.function(export) if other is not None else None
        return (target, found) if found is not None else \
            _chained_handler(project, rel, facts, arg) if chained else None

    def _finding(self, ctx: ProjectContext, project: _Project, rel: str, facts: FileFacts,
                 parsed: _Parsed, route: CallFact, reads: Reads, needed: list[str],
                 layers: _DataLayers) -> Finding:
        listed = ", ".join(f"req.{f.part}.{f.name}" for f in reads.needed())
        what = ", ".join(f"req.{p}" for p in dict.fromkeys(reads.whole)) or listed
        # What the uses do with each field, so the finding names the harm it saw.
        harms: dict[str, list[str]] = {}
        # (A part used as a whole lists no fields, unless by default: then the fields that
        # made the route worth a finding, so the message names the harm it is reported for.)
        from nodeharden.rules._validation_types import INJECTION_HARMS

        robustness = ctx.info.config.input_validation.robustness
        shown = reads.needed() if not reads.whole else [] if robustness else \
            [f for f in reads.needed() if f.injection()]
        if not robustness:  # the harm the route is reported for comes first
            shown = sorted(shown, key=lambda f: not f.injection())
        for f in shown:
            harm = next(iter(f.harms), None) if robustness else \
                next((h for h in f.harms if h in INJECTION_HARMS), next(iter(f.harms), None))
            if harm is not None:
                harms.setdefault(harm, []).append(f"req.{f.part}.{f.name}")
        seen = "".join(f"{', '.join(names)} {harm}; " for harm, names in harms.items())
        label = _route_label(route, parsed.source)
        message = (f"{label} reads {what} without validation: "
                   f"{seen}check type and format before the handler runs")
        if reads.mass:
            part, write = reads.mass[0]
            fn = write.child_by_field_name("function")
            sequelize = fn is not None and fn.type == "member_expression" and \
                layers.of_call(fn, guess=False) == frozenset({"sequelize"})
            message = (f"[mass-assignment] {label}: req.{part} "
                       f"reaches {self._write_name(project, write)}, with no list of the "
                       "fields it may set: a client can set any field of the model (an admin "
                       "flag, an owner id, a role); copy only the fields the client may change"
                       + (", or pass fields: [...] to the write" if sequelize else ""))
        blockers = reads.blockers()
        fix = None
        if not blockers:
            fix = self._fix(ctx, project, rel, facts, parsed, route, reads, needed)
        elif not reads.mass:  # (a mass assignment says what the fix is: a list of fields)
            message += f" (no automatic fix: {'; '.join(blockers)})"
        start = route.start
        end = route.args[0].end if route.args else route.end
        if route.method_span is not None:  # `.post(` of `app.route('/x').get(…).post(…)`
            start, end = route.method_span
        return ctx.finding(self.id, rel, start, end, message, fix)

    @staticmethod
    def _write_name(project: _Project, write: Node) -> str:
        """``db.User.update() (controllers/UserController.js:408)``: the write and where."""
        fn = write.child_by_field_name("function") or write.child_by_field_name("constructor")
        args = write.child_by_field_name("arguments")
        given = code_children(args) if args is not None else []
        name = f"new {text(fn)}()" if write.type == "new_expression" else \
            f"Object.assign({text(given[0])}, …)" if text(fn) == "Object.assign" and given else \
            f"{text(fn)}()"
        root = write
        while root.parent is not None:
            root = root.parent
        home = project.roots.get(root.id)
        at = f" ({home}:{write.start_point[0] + 1})" if home else ""
        return f"{name} as a whole{at}"

    def _fix(self, ctx: ProjectContext, project: _Project, rel: str, facts: FileFacts,
             parsed: _Parsed, route: CallFact, reads: Reads, needed: list[str]) -> Fix | None:
        source = parsed.source
        style = ctx.styles.get(rel) or Style()
        taken = {m.decode() for m in _TOP_DECL_RE.findall(source)}
        for imp in facts.imports:
            taken |= imp.locals()
        existing = {k: v for imp in facts.imports if imp.module == "express-validator"
                    for k, v in imp.named.items()}
        locals_: dict[str, str] = {}
        missing: list[tuple[str, str]] = []
        for fn in needed:
            if fn in locals_:
                continue
            if fn in existing:
                locals_[fn] = existing[fn]
                continue
            local = fn if fn not in taken else "check" + fn.capitalize()
            locals_[fn] = local
            missing.append((fn, local))
        module_rel, create = self._validate_module(ctx, project, rel)
        if module_rel is None:
            return None
        # _validate_module gives the module the route file's .mjs/.cjs extension, if any.
        spec = import_specifier(rel, module_rel, style)
        validate_local = next((v for imp in facts.imports
                               if project.resolve_module(rel, imp.module) == module_rel
                               for k, v in imp.named.items() if k == "validate"), None)
        requests: list[ImportRequest] = []
        # Renamed imports (``body as checkBody``) the import service does not write: placed
        # where it would place an import of their module.
        renamed: list[tuple[str, str]] = []
        plain = tuple(fn for fn, local in missing if fn == local)
        if plain:
            requests.append(ImportRequest("express-validator", names=plain))
        if len(plain) < len(missing):
            renamed.append((_import_renamed(style, [m for m in missing if m[0] != m[1]],
                                            "express-validator"), "express-validator"))
        if validate_local is None:
            validate_local = "validate" if "validate" not in taken else "validateRequest"
            if validate_local == "validate":
                requests.append(ImportRequest(spec, names=("validate",)))
            else:
                renamed.append((_import_renamed(style, [("validate", validate_local)], spec),
                                spec))
        edits = list(add_imports(source, facts, style, requests).edits) if requests else []
        for statement, module in renamed:
            at = import_at(source, facts, module).start
            same = next((i for i, e in enumerate(edits) if e.start == e.end == at
                         and e.content.endswith("\n")), None)
            if same is not None:
                edits[same] = TextEdit(at, at, edits[same].content + statement + "\n")
            else:
                edits.append(import_edit(source, facts, statement, at=at))
        edits = [_claiming(edit, source) for edit in edits]
        from nodeharden.rules._validation_types import PARTS

        chains = [f.chain(locals_[PARTS[f.part]]) for f in reads.chained()]
        edits.append(self._insert_middleware(source, route, chains + [validate_local], style))
        changes = [FileChange(rel, tuple(edits))]
        if create:
            changes.append(FileChange(module_rel, (TextEdit(0, 0, _validate_source(
                ctx, module_rel, style)),), create=True))
        return Fix(title="Validate the fields the handler reads with express-validator",
                   applicability="unsafe", changes=tuple(changes),
                   dependencies=(("express-validator", version_of("express-validator")),))

    @staticmethod
    def _validate_module(ctx: ProjectContext, project: _Project,
                         rel: str) -> tuple[str | None, bool]:
        """Return where the shared validate module lives and whether to create it."""
        apps = sorted(f.path for f in ctx.app_files())
        # The app nearest above the route file (one project may hold several apps).
        here = posixpath.dirname(rel)
        above = [a for a in apps if posixpath.dirname(a) in ("", here) or
                 here.startswith(posixpath.dirname(a) + "/")]
        chosen = max(above, key=lambda a: (a.count("/"), -apps.index(a))) if above else \
            (apps[0] if apps else rel)
        folder = posixpath.dirname(chosen)
        ext = os.path.splitext(rel)[1]
        if ext not in (".mjs", ".cjs", ".ts"):
            ext = ".ts" if ctx.info.typescript and ext in (".ts", ".tsx") else ".js"
        for name in ("validate", "validate-request"):
            candidate = posixpath.join(folder, name + ext)
            data = ctx.read(candidate)
            if data is None:
                return candidate, True
            if b"validationResult" in data:
                return candidate, False
        return None, False

    @staticmethod
    def _insert_middleware(source: bytes, route: CallFact, items: list[str],
                           style: Style) -> TextEdit:
        handler = route.args[-1]
        gap = handler.start
        while gap > 0 and source[gap - 1:gap] in (b" ", b"\t", b"\r", b"\n"):
            gap -= 1
        line_start = source.rfind(b"\n", 0, handler.start) + 1
        prefix = source[line_start:handler.start].decode("utf-8", "replace")
        inline = ", ".join(items) + ", "
        if b"\n" not in source[gap:handler.start] and len(prefix) + len(inline) <= _MAX_INLINE:
            return TextEdit(handler.start, handler.start, inline)
        # The handler's own indentation when it begins its line (one argument a line, as in
        # a chained `.post(\n    handler)`), else one level in from the route's statement.
        indent = prefix if prefix and not prefix.strip() else route.indent + style.indent
        body = "".join(f"\n{indent}{item}," for item in items)
        return TextEdit(gap, handler.start, body + "\n" + indent)


def _import_renamed(style: Style, names: list[tuple[str, str]], module: str) -> str:
    """Return an import of named exports under other local names (``body as checkBody``),
    which the import service does not write; ``add_imports`` writes all other imports."""
    esm = style.module == "esm" or style.typescript
    parts = [f"{n} as {local}" if esm else f"{n}: {local}" for n, local in names]
    if esm:
        return f"import {{ {', '.join(parts)} }} from {style.q(module)}{style.semi}"
    return f"{style.declaration} {{ {', '.join(parts)} }} = require({style.q(module)}){style.semi}"


def _claiming(edit: TextEdit, source: bytes) -> TextEdit:
    """Widen an insertion to cover one neighbouring byte, so two fixes that add the same
    import in one pass overlap and the second waits for the next pass (and sees the import)."""
    at = edit.start
    if at > 0 and source[at - 1:at] in (b"\n", b";", b" ", b"\t"):
        return TextEdit(at - 1, at, source[at - 1:at].decode() + edit.content)
    if at < len(source) and source[at] < 0x80:
        return TextEdit(at, at + 1, edit.content + source[at:at + 1].decode())
    return edit


def _validate_source(ctx: ProjectContext, module_rel: str, style: Style) -> str:
    """Return the shared validate middleware module (the template's ``src/validate.js``, one
    snippet for both) in the project's module system and the route file's style."""
    typescript = module_rel.endswith((".ts", ".tsx"))
    esm = typescript or module_rel.endswith(".mjs") or (
        not module_rel.endswith(".cjs") and ctx.info.module_system == "esm")
    return render_snippet("validate.js", replace(style, typescript=typescript,
                                                 module="esm" if esm else "commonjs"))


RULE = InputValidation()
