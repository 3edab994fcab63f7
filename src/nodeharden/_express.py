"""What an Express codebase looks like, file by file: imports, apps and routers, middleware,
routes, error handlers, and where new code can go. Returned as plain data (``FileFacts``)."""

from __future__ import annotations

import re

from tree_sitter import Node

from nodeharden._parse import (
    CALL_OPEN,
    FUNCTION_TYPES,
    GAP,
    StatementFinder,
    arguments_of,
    captures,
    code_children,
    identifier_pattern,
    merge_ranges,
    needle_ranges,
    nodes_in,
    required_module,
    statement_of,
    string_value,
    text,
    unwrap,
)
from nodeharden._record import field, record
from nodeharden._regex import lazy_pattern

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "all", "options", "head"})

#: Import statements and calls; ``_collect_imports`` keeps those with a string source, and the
#: calls of ``require`` whose first argument is a string (flat patterns: a query's nested
#: child patterns cost a millisecond each to compile, in every scanning process).
_IMPORT_QUERY = "(import_statement) @import (call_expression) @call"


#: Member calls kept as ``CallFact`` whatever their arguments: ``app.use(...)``,
#: ``app.listen()``, ``res.render(view)``, ``app.param(name, fn)``, ``express.static(dir)``.
CALL_METHODS = frozenset({"use", "listen", "render", "param", "static"})
#: Member calls kept when their first argument is a string: settings (``app.set('trust
#: proxy', 1)``, ``app.disable('x-powered-by')``, ``app.engine('html', …)``) and routes.
#: Other member calls are kept only when their first argument is a string and they are calls on
#: an imported name (``server.post('/x', …)`` in a module that imports the app) or calls with a
#: ``/.well-known`` path. Rules read no other calls (``map.set(key, value)`` is no setting):
#: keeping every ``x.method(...)`` call of every file cost most of ``extract_facts``' time and
#: of the main process's memory.
STRING_CALL_METHODS = frozenset({"set", "enable", "disable", "engine", "route", "cookie"}) \
    | HTTP_METHODS


@record(slots=True)
class ImportFact:
    """One import or require of a module."""

    module: str
    default: str | None = None
    namespace: str | None = None
    named: dict[str, str] = field(default_factory=dict)  # imported name -> local name
    line: int = 0
    start: int = 0
    end: int = 0
    top_level: bool = True

    def locals(self) -> set[str]:
        """Return every local name this import binds."""
        names = set(self.named.values())
        if self.default:
            names.add(self.default)
        if self.namespace:
            names.add(self.namespace)
        return names


@record(slots=True)
class AppFact:
    """An Express application or router created in this file."""

    kind: str  # "app" | "router"
    name: str | None  # variable it is bound to, if any
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int
    stmt_start: int
    stmt_end: int  # byte offset after the line that ends the creating statement
    indent: str
    in_function: bool


@record(slots=True)
class ArgFact:
    """A summary of one argument of a middleware or route call."""

    kind: str  # "call" | "identifier" | "function" | "string" | "member" | "other"
    name: str = ""  # callee text for calls, identifier text, string value
    params: int = -1  # number of parameters for functions
    start: int = 0
    end: int = 0


@record(slots=True)
class CallFact:
    """A ``target.method(...)`` call: ``app.use``, ``router.get``, ``app.listen``…"""

    target: str
    method: str
    line: int
    column: int
    start: int
    end: int
    stmt_start: int
    stmt_end: int
    indent: str
    args: list[ArgFact] = field(default_factory=list)
    path: str | None = None  # first argument when it is a string
    #: (HTTP-method calls only; what ``routes()`` reads.) The receiver is proven to be an
    #: Express app or router: bound to ``express()`` /
    #: ``Router()`` in this file, a parameter of an enclosing function (an app passed in), or
    #: imported from one of the project's own modules. ``api.post('/api/signin', body)`` on
    #: an HTTP client is none of these.
    on_express: bool = False
    #: A route of ``X.route(path).get(…).post(…)``: ``target`` is ``X``, ``args[0]`` is the path
    #: given to ``route()`` and the rest are this method's own arguments, so a new middleware
    #: goes before ``args[1]``, never after the path.
    chained: bool = False
    #: (chained routes) the bytes of the method's name, where a finding about the route points.
    method_span: tuple[int, int] | None = None


@record(slots=True)
class FileFacts:
    """Express facts of one file."""

    path: str
    module: str
    imports: list[ImportFact] = field(default_factory=list)
    apps: list[AppFact] = field(default_factory=list)
    calls: list[CallFact] = field(default_factory=list)  # the member calls rules read
    #: Named top-level functions → arity (``function_params()``), for files that pass a function
    #: by name to ``.use()``: the error-handler rule reads it there (``app.use(onError)``).
    function_params: dict[str, int] = field(default_factory=dict)
    #: Callee texts of calls to the modules in ``CALLED_MODULES`` (``helmet``, ``lusca.csrf``)
    #: and of ``.static(...)`` calls (``express.static``, or ``static`` on a non-name).
    called: set[str] = field(default_factory=set)
    import_end: int = 0  # offset where new imports go
    exports_app: bool = False

    def imported_modules(self) -> set[str]:
        """Return the module specifiers this file imports."""
        return {imp.module for imp in self.imports}

    def locals_of(self, module: str) -> set[str]:
        """Return local names bound to ``module`` (default, namespace or named)."""
        names: set[str] = set()
        for imp in self.imports:
            if imp.module == module:
                names |= imp.locals()
        return names

    def uses(self) -> list[CallFact]:
        """Return the ``.use(...)`` calls."""
        return [c for c in self.calls if c.method == "use"]

    def routes(self) -> list[CallFact]:
        """Return route registrations (``app.get('/x', ...)`` and friends): a path and at least
        one handler. ``app.get('env')`` reads a setting and ``headers.get('x')`` a header; rules
        that parse route files again (input-validation) would otherwise re-parse every file
        with such a call."""
        return [c for c in self.calls if c.method in HTTP_METHODS and c.path is not None
                and len(c.args) >= 2 and c.on_express]


def _point(node: Node) -> tuple[int, int]:
    return node.start_point[0] + 1, node.start_point[1] + 1


def _line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def _after_line(source: bytes, offset: int) -> int:
    nl = source.find(b"\n", offset)
    return len(source) if nl == -1 else nl + 1


def _indent_at(source: bytes, offset: int) -> str:
    start = _line_start(source, offset)
    end = start
    while end < len(source) and source[end] in (32, 9):
        end += 1
    return source[start:end].decode()


def _binding_of_require(call: Node) -> tuple[Node | None, Node]:
    """Return the pattern a require() result is bound to, and the outermost expression."""
    outer = call
    parent = call.parent
    while parent is not None and parent.type in ("member_expression", "await_expression",
                                                 "parenthesized_expression"):
        if parent.type == "member_expression":
            return None, parent
        outer = parent
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        return parent.child_by_field_name("name"), outer
    return None, outer


def _collect_imports(lang: str, root: Node, facts: FileFacts,
                     caps: dict[str, list[Node]] | None = None) -> None:
    if caps is None:
        caps = captures(lang, _IMPORT_QUERY, root)
    import_statements: set[int] = set()  # start bytes of top-level import/require statements
    for node in caps.get("import", []):
        source = node.child_by_field_name("source")
        if source is None or source.type != "string":
            continue  # TypeScript's `import x = require('y')`: below
        imp = ImportFact(module=string_value(source) or "", line=node.start_point[0] + 1,
                         start=node.start_byte, end=node.end_byte)
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if clause is not None:
            for part in clause.named_children:
                if part.type == "identifier":
                    imp.default = text(part)
                elif part.type == "namespace_import":
                    ident = next((c for c in part.named_children if c.type == "identifier"), None)
                    imp.namespace = text(ident)
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias")
                        imp.named[text(name)] = text(alias or name)
        facts.imports.append(imp)
        if node.parent is not None and node.parent.type == "program":
            import_statements.add(node.start_byte)
    if lang != "javascript":  # TypeScript's `import x = require('y')`: x is the whole module
        for node in root.named_children:
            clause = next((c for c in node.named_children if c.type == "import_require_clause"),
                          None) if node.type == "import_statement" else None
            if clause is None:
                continue
            ident = next((c for c in clause.named_children if c.type == "identifier"), None)
            source = next((c for c in clause.named_children if c.type == "string"), None)
            facts.imports.append(ImportFact(module=string_value(source) or "",
                                            default=text(ident) if ident is not None else None,
                                            line=node.start_point[0] + 1,
                                            start=node.start_byte, end=node.end_byte))
            import_statements.add(node.start_byte)
    for call in caps.get("call", []):
        fn = call.child_by_field_name("function")
        arguments = arguments_of(call)
        if fn is None or fn.type != "identifier" or arguments is None \
                or not arguments.named_children or text(fn) != "require":
            continue
        source = arguments.named_children[0]
        # `require('x')`, or `require(`x`)` (a template without substitutions); not
        # `require(name)`, `require(`./${x}`)` or a comment first.
        module = string_value(source) if source.type in ("string", "template_string") \
            else None
        if module is None:
            continue
        pattern, outer = _binding_of_require(call)
        stmt = statement_of(call)
        imp = ImportFact(module=module, line=call.start_point[0] + 1, start=stmt.start_byte,
                         end=stmt.end_byte,
                         top_level=stmt.parent is not None and stmt.parent.type == "program")
        if pattern is not None:
            if pattern.type == "identifier":
                imp.default = text(pattern)
            elif pattern.type == "object_pattern":
                for prop in pattern.named_children:
                    if prop.type == "shorthand_property_identifier_pattern":
                        imp.named[text(prop)] = text(prop)
                    elif prop.type == "pair_pattern":
                        key = prop.child_by_field_name("key")
                        value = prop.child_by_field_name("value")
                        if value is not None and value.type == "identifier":
                            imp.named[text(key)] = text(value)
        elif outer.type == "member_expression" and outer.parent is not None \
                and outer.parent.type == "variable_declarator" \
                and outer.parent.child_by_field_name("value") == outer:
            # `const Router = require('express').Router`: a named import under another spelling.
            member = outer.child_by_field_name("property")
            bound = outer.parent.child_by_field_name("name")
            if member is not None and bound is not None and bound.type == "identifier" \
                    and unwrap(outer.child_by_field_name("object")) == call:
                imp.named[text(member)] = text(bound)
        facts.imports.append(imp)
        if imp.top_level and stmt.type in ("lexical_declaration", "variable_declaration",
                                           "expression_statement"):
            import_statements.add(stmt.start_byte)
    facts.import_end = _leading_imports_end(root, import_statements)


def _leading_imports_end(root: Node, import_statements: set[int]) -> int:
    """Return where the file's leading block of imports ends (0 when it has none).

    New imports go there, not after the file's last import: a require placed after code
    that uses it (``app.use(helmet())`` above ``const helmet = require(...)``) would throw
    "Cannot access before initialization" when the module loads.
    """
    end = 0
    for child in root.named_children:
        if child.type in ("comment", "hash_bang_line"):
            continue
        if child.type == "expression_statement" and child.named_child_count == 1 \
                and child.named_children[0].type == "string":
            continue  # a directive such as 'use strict'
        if child.start_byte not in import_statements:
            break
        end = child.end_byte
    return end


def _arg_fact(outer: Node) -> ArgFact:
    """Summarise one argument. Parentheses and TypeScript casts around it (``(fn) as
    ErrorRequestHandler``, ``<T>fn``, ``fn satisfies T``, ``fn!``) hand the same value to
    Express, so the kind, name and arity are the wrapped value's; the span stays the whole
    argument's, where an edit before or around the argument goes."""
    arg = unwrap(outer)
    kind = "other"
    name = ""
    params = -1
    if arg.type == "call_expression":
        kind = "call"
        name = text(arg.child_by_field_name("function"))
    elif arg.type == "identifier":
        kind = "identifier"
        name = text(arg)
    elif arg.type == "member_expression":
        kind = "member"
        name = text(arg)
    elif arg.type in ("arrow_function", "function_expression", "function"):
        kind = "function"
        ps = arg.child_by_field_name("parameters")
        if ps is not None:
            params = len(code_children(ps))
        elif arg.child_by_field_name("parameter") is not None:
            params = 1
    elif arg.type in ("string", "template_string"):
        kind = "string"
        name = string_value(arg) or ""
    elif arg.type == "array":
        kind = "array"
    return ArgFact(kind, name, params, outer.start_byte, outer.end_byte)


def _bound_name(call: Node) -> str | None:
    """Return the variable or property an expression's value is stored in."""
    node = call
    parent = node.parent
    while parent is not None:
        if parent.type == "variable_declarator":
            return text(parent.child_by_field_name("name"))
        if parent.type == "assignment_expression":
            left = parent.child_by_field_name("left")
            name = text(left)
            if name not in ("module.exports", "exports"):
                return name
            node = parent
            parent = parent.parent
            continue
        if parent.type in ("parenthesized_expression", "as_expression", "satisfies_expression",
                           "non_null_expression", "type_assertion"):
            node = parent
            parent = parent.parent
            continue
        if parent.type == "member_expression" and _returns_app(parent) \
                and parent.parent is not None:
            node = parent.parent  # `express().disable('x-powered-by')` is the app itself
            parent = node.parent
            continue
        return None
    return None


def _returns_app(member: Node) -> bool:
    """Return True when ``member`` is the callee of an app method that hands back the app:
    ``.disable(name)``, ``.enable(name)``, ``.set(name, value)`` (``.set(name)`` reads)."""
    call = member.parent
    if call is None or call.type != "call_expression" \
            or call.child_by_field_name("function") != member:
        return False
    method = text(member.child_by_field_name("property"))
    args = call.child_by_field_name("arguments")
    count = len(code_children(args)) if args is not None else 0
    return (method in ("disable", "enable") and count == 1) or (method == "set" and count == 2)


#: Where the calls ``extract_facts`` reads can be: tree-sitter looks for calls only around these
#: needles, not over the whole tree (most calls of a large library file are nowhere near one).
#: Member calls rules read by method (``CALL_METHODS``, ``STRING_CALL_METHODS`` with a string
#: first argument, ``Router``), allowing spaces and comments between the parts:
_MEMBER_NEEDLE = lazy_pattern(
    rb"\." + GAP + rb"(?:(?:" + b"|".join(m.encode() for m in sorted(CALL_METHODS | {"Router"}))
    + rb")" + CALL_OPEN + rb"|(?:" + b"|".join(m.encode() for m in sorted(STRING_CALL_METHODS))
    + rb")" + CALL_OPEN + GAP + rb"['\"`])")
#: ... member calls on an imported name whose first argument is a string: found from the
#: parenthesis (anchoring on a literal character keeps the search fast), then read backwards
#: (``_on_name``):
_STRING_CALL_NEEDLE = lazy_pattern(rb"\(" + GAP + rb"['\"`]")
_SPACE = frozenset(b" \t\r\n")
#: What may come right before a method name in ``name.method``: the dot, a line break (a
#: comment may end the line above) or the end of a block comment.
_MAY_PRECEDE_MEMBER = frozenset(b".\n\r/")
_IDENT = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$"
                   + bytes(range(0x80, 0x100)))
_IDENT_OR_DOT = _IDENT | {0x2E}


def _on_name(source: bytes, paren: int, names: set[bytes]) -> bool:
    """Return True when the call whose ``(`` is at ``paren`` may be ``name.method(`` (or
    ``name?.method?.(``, with spaces and comments anywhere) with ``name`` in ``names``, or
    has TypeScript type arguments (kept: the name is not read through them)."""
    # The common case first, in a few byte tests: `f('x')`, `new Error('x')`, `a = b('x')`:
    # an identifier right before the parenthesis with neither a dot nor a line break or
    # comment before it cannot be a member call.
    i = paren
    if i > 0 and source[i - 1] in _IDENT:
        while i > 0 and source[i - 1] in _IDENT:
            i -= 1
        while i > 0 and source[i - 1] in (0x20, 0x09):
            i -= 1
        if i > 0 and source[i - 1] not in _MAY_PRECEDE_MEMBER:
            return False

    def back_space(i: int) -> set[int]:
        """Where the code before ``i`` may end, skipping spaces and comments (two answers
        when a ``//`` on a previous line may start a comment or sit in a string)."""
        ends = set()
        todo = [i]
        while todo:
            i = todo.pop()
            while i > 0 and source[i - 1] in _SPACE:
                if source[i - 1] == 0x0A:
                    line = source[source.rfind(b"\n", 0, i - 1) + 1:i - 1]
                    cut = line.find(b"//")
                    if cut != -1:
                        todo.append(i - 1 - len(line) + cut)
                i -= 1
            if source[i - 2:i] == b"*/":
                opening = source.rfind(b"/*", 0, i - 2)
                if opening != -1:
                    todo.append(opening)
            ends.add(i)
        return ends

    def back_ident(i: int) -> int:
        while i > 0 and source[i - 1] in _IDENT:
            i -= 1
        return i

    for end in back_space(paren):
        if source[end - 2:end] == b"?.":
            method_ends = back_space(end - 2)
        else:
            method_ends = {end}
        for i in method_ends:
            if i > 0 and source[i - 1] == 0x3E:  # `>`: type arguments
                return True
            j = back_ident(i)
            if j == i:
                continue
            for k in back_space(j):
                if k == 0 or source[k - 1] != 0x2E:  # `.`
                    continue
                k -= 1
                if k > 0 and source[k - 1] == 0x3F:  # `?`
                    k -= 1
                for m in back_space(k):
                    start = back_ident(m)
                    if start < m and source[start:m] in names \
                            and (start == 0 or source[start - 1] != 0x2E):
                        return True
    return False


#: ... calls with a ``/.well-known`` path (the string is inside the call):
_WELL_KNOWN_NEEDLE = lazy_pattern(rb"/\.well-known")
#: Imports: ``import`` statements and ``require(...)`` calls (whole words: ``_import_ranges``).
_IMPORT_NEEDLES = (lazy_pattern(rb"require"), lazy_pattern(rb"import"))  # plain words: fastest


def _import_ranges(source: bytes) -> list[tuple[int, int]]:
    """Return the ranges around ``require`` and ``import`` as whole words (not
    ``__webpack_require__`` nor ``x.require``), where an import statement or a require call can
    be. (Plain-word patterns with the word test in Python: a pattern with look-arounds is
    several times slower.)"""
    spans = []
    size = len(source)
    for pattern in _IMPORT_NEEDLES:
        for match in pattern.finditer(source):
            start, end = match.span()
            if (start == 0 or source[start - 1] not in _IDENT_OR_DOT) \
                    and (end == size or source[end] not in _IDENT):
                spans.append((start, end))
    return merge_ranges(spans)


_EXPRESS_NEEDLE = lazy_pattern(rb"express")
#: Modules whose calls ``FileFacts.called`` records (helmet and lusca: header middleware):
#: through the names they are imported as (``helmet``, ``helmet.hsts``), and where one is
#: required in place, as ``require(helmet)`` and ``require(helmet).hsts``
#: (``app.use(require('helmet')({ … }))``, ``inline_called``).
CALLED_MODULES = ("helmet", "lusca")
#: ... their names, where the calls of an in-place require can be.
_CALLED_NEEDLES = {module: lazy_pattern(module.encode()) for module in CALLED_MODULES}


def inline_called(module: str, member: str | None = None) -> str:
    """Return how ``FileFacts.called`` records a call of ``module`` required in place:
    ``require(helmet)`` for ``require('helmet')(…)``, ``require(helmet).hsts`` for
    ``require('helmet').hsts(…)`` (no identifier has parentheses in it)."""
    return f"require({module})" + (f".{member}" if member else "")


def extract_facts(lang: str, source: bytes, root: Node, path: str, module: str) -> FileFacts:
    """Return the Express facts of one parsed file."""
    facts = FileFacts(path=path, module=module)
    _collect_imports(lang, root, facts,
                     nodes_in(lang, root, _import_ranges(source), "import", "call"))
    express_names = {name for imp in facts.imports if imp.module == "express"
                     for name in (imp.default, imp.namespace) if name}
    router_names = {local for imp in facts.imports if imp.module == "express"
                    for name, local in imp.named.items() if name == "Router"}
    imported = {name for imp in facts.imports for name in imp.locals()}
    # Names bound to the project's own modules (`const app = require('./app')`).
    local_imports = {name for imp in facts.imports if imp.module.startswith(".")
                     for name in imp.locals()}
    tracked = {name for module_name in CALLED_MODULES for name in facts.locals_of(module_name)}
    well_known = b"/.well-known" in source
    needles = [_MEMBER_NEEDLE]
    if b"express" in source:
        needles.append(_EXPRESS_NEEDLE)  # `require('express')()`
    if well_known:
        needles.append(_WELL_KNOWN_NEEDLE)
    needles += [needle for module, needle in _CALLED_NEEDLES.items()
                if module.encode() in source]
    names = express_names | router_names | tracked
    if names:
        needles.append(identifier_pattern(names))
    ranges = needle_ranges(needles, source)
    if imported:
        imported_bytes = {name.encode() for name in imported}
        ranges = merge_ranges(ranges + [m.span() for m in _STRING_CALL_NEEDLE.finditer(source)
                                        if _on_name(source, m.start(), imported_bytes)])
    calls = nodes_in(lang, root, ranges, "call", "new", "container")
    statement_for = StatementFinder(calls.get("container", []))
    # ``new Express()`` makes an app too (``express`` returns the app, whether called or
    # constructed: p5.js-web-editor's servers import it as ``Express``).
    for made in calls.get("new", []):
        constructor = made.child_by_field_name("constructor")
        if constructor is not None and constructor.type == "identifier" \
                and text(constructor) in express_names:
            facts.apps.append(_app_fact("app", made, source))
        elif constructor is not None and (
                constructor.type == "identifier" and text(constructor) in router_names
                or constructor.type == "member_expression"
                and text(constructor.child_by_field_name("property")) == "Router"
                and text(constructor.child_by_field_name("object")) in express_names):
            # `new Router()`, `new express.Router()`: Express's Router works with `new` too.
            facts.apps.append(_app_fact("router", made, source))
    for call in calls.get("call", []):
        fn = call.child_by_field_name("function")
        if fn is None:
            continue
        args_node = call.child_by_field_name("arguments")
        if fn.type == "identifier":
            callee = text(fn)
            if callee in tracked:
                facts.called.add(callee)
            kind = None
            if callee in express_names:
                kind = "app"
            elif callee in router_names:
                kind = "router"
            if kind:
                facts.apps.append(_app_fact(kind, call, source))
            continue
        if fn.type == "call_expression":
            required = required_module(fn)
            if required == "express":
                facts.apps.append(_app_fact("app", call, source))
            elif required in CALLED_MODULES:
                facts.called.add(inline_called(required))
            continue
        if fn.type != "member_expression":
            continue
        obj = fn.child_by_field_name("object")
        prop = fn.child_by_field_name("property")
        method = text(prop)
        target = text(obj)
        if obj is not None and obj.type == "identifier":
            if target in tracked or method == "static":
                facts.called.add(f"{target}.{method}")
        elif method == "static":
            facts.called.add(method)
        elif (required := required_module(obj)) in CALLED_MODULES:
            facts.called.add(inline_called(str(required), method))
        if method == "Router" and (target in express_names or
                                   (obj is not None and obj.type == "call_expression"
                                    and text(obj.child_by_field_name("function")) == "require")):
            facts.apps.append(_app_fact("router", call, source))
            continue
        if obj is None or args_node is None:
            continue
        route_path, receiver = _route_chain(obj) if method in HTTP_METHODS \
            and obj.type == "call_expression" else (None, None)
        if method not in CALL_METHODS and receiver is None:
            first = next(iter(code_children(args_node)), None)
            if first is None or first.type not in ("string", "template_string"):
                continue
            if not (method in STRING_CALL_METHODS or (obj.type == "identifier" and target in imported)
                    or (well_known and (string_value(first) or "").startswith("/.well-known"))):
                continue
        stmt = statement_for(call)
        line, column = _point(call)
        args = [_arg_fact(a) for a in code_children(args_node)]
        chained = False
        if route_path is not None and receiver is not None:
            # `router.route('/login').post(handler)`: a route like `router.post('/login',
            # handler)`, registered on the receiver of route()
            args, obj, target, chained = [route_path, *args], receiver, text(receiver), True
        path_value = args[0].name if args and args[0].kind == "string" else None
        facts.calls.append(CallFact(
            target=target, method=method, line=line, column=column,
            start=call.start_byte, end=call.end_byte,
            stmt_start=stmt.start_byte, stmt_end=_after_line(source, stmt.end_byte),
            indent=_indent_at(source, stmt.start_byte), args=args, path=path_value,
            # Worked out for HTTP-method calls only: routes() is its one reader.
            on_express=method in HTTP_METHODS and obj.type == "identifier" and (
                target in local_imports or _is_parameter(call, target)),
            chained=chained, method_span=(prop.start_byte, prop.end_byte)
            if chained and prop is not None else None,
        ))
    if any(arg.kind == "identifier" for call in facts.calls if call.method == "use"
           for arg in call.args):
        facts.function_params = function_params(root)
    if calls.get("new") and len(facts.apps) > 1:
        facts.apps.sort(key=lambda app: app.start)  # in source order, as the calls come
    names_bound = {app.name for app in facts.apps if app.name}
    for call_fact in facts.calls:
        if call_fact.method in HTTP_METHODS and call_fact.target in names_bound:
            call_fact.on_express = True
    src = source
    facts.exports_app = any(
        marker in src for name in names_bound for marker in (
            f"module.exports = {name}".encode(), f"export default {name}".encode())
    ) or b"module.exports = express()" in src or b"module.exports = app" in src
    return facts


_FUNCTION_TYPES = FUNCTION_TYPES


def _route_chain(node: Node | None) -> tuple[ArgFact | None, Node | None]:
    """Return (the path, the receiver) when ``node``, the object of an HTTP-method call, is
    ``X.route('/path')`` or a chain of HTTP-method calls on it (``X.route('/p').get(h)``),
    ``X`` a plain name; else (None, None)."""
    while node is not None and node.type == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "member_expression":
            break
        prop = text(fn.child_by_field_name("property"))
        inner = fn.child_by_field_name("object")
        if prop == "route":
            args = node.child_by_field_name("arguments")
            given = code_children(args) if args is not None else []
            if len(given) == 1 and inner is not None and inner.type == "identifier":
                path = _arg_fact(given[0])
                if path.kind == "string":
                    return path, inner
            break
        if prop not in HTTP_METHODS:
            break
        node = inner
    return None, None


def _is_parameter(node: Node, name: str) -> bool:
    """Return True when ``name`` is a parameter of a function around ``node``."""
    cur = node.parent
    while cur is not None:
        if cur.type in _FUNCTION_TYPES:
            params = cur.child_by_field_name("parameters") or cur.child_by_field_name(
                "parameter")
            if params is not None and re.search(
                    rb"(?<![\w$.])" + re.escape(name.encode()) + rb"(?![\w$])",
                    params.text or b""):
                return True
        cur = cur.parent
    return False


def function_params(root: Node) -> dict[str, int]:
    """Return name → number of parameters of the functions a module declares at its top
    level (``function f(a, b)``, ``const f = (a, b) => …``, exported or not)."""
    found: dict[str, int] = {}
    for node in root.named_children:
        _collect_functions(node, found)
    return found


def _collect_functions(node: Node, found: dict[str, int]) -> None:
    if node.type == "function_declaration":
        name = node.child_by_field_name("name")
        params = node.child_by_field_name("parameters")
        if name is not None and params is not None:
            found[text(name)] = len(code_children(params))
    elif node.type in ("lexical_declaration", "variable_declaration"):
        for decl in node.named_children:
            if decl.type != "variable_declarator":
                continue
            value = unwrap(decl.child_by_field_name("value"))  # `(… => …) as T` too
            if value is not None and value.type in ("arrow_function", "function_expression"):
                params = value.child_by_field_name("parameters")
                count = (len(code_children(params))
                         if params is not None else 1)
                found[text(decl.child_by_field_name("name"))] = count
    elif node.type == "export_statement":
        for child in node.named_children:
            _collect_functions(child, found)


def _app_fact(kind: str, call: Node, source: bytes) -> AppFact:
    stmt = statement_of(call)
    in_function = False
    cur = call.parent
    while cur is not None:
        if cur.type in ("function_declaration", "function_expression", "arrow_function",
                        "method_definition", "function"):
            in_function = True
            break
        cur = cur.parent
    return AppFact(
        kind=kind, name=_bound_name(call),
        line=call.start_point[0] + 1, column=call.start_point[1] + 1,
        end_line=call.end_point[0] + 1, end_column=call.end_point[1] + 1,
        start=call.start_byte, end=call.end_byte,
        stmt_start=stmt.start_byte, stmt_end=_after_line(source, stmt.end_byte),
        indent=_indent_at(source, stmt.start_byte), in_function=in_function,
    )
