"""sql-injection: SQL text built with ``+`` or template literals, rewritten to placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tree_sitter import Node

from nodeharden._express import function_params
from nodeharden._model import Applicability, FileChange, Finding, Fix, TextEdit
from nodeharden._parse import (
    FUNCTION_TYPES,
    CALL_OPEN, GAP, alternation, captures, captures_in, code_children, enclosing, needle_ranges,
    object_properties, text, walk,
)
from nodeharden._regex import lazy_pattern
from nodeharden.rules._base import FileContext, Rule
from nodeharden.rules._sql import (
    SQL_START_RE,
    Pieces,
    Rewrite,
    js_string,
    looks_like_sql,
    parameterize,
    split_sql,
)

#: Module → driver family (placeholder style and call shape).
DRIVERS = {
    "mysql": "mysql", "mysql2": "mysql", "mysql2/promise": "mysql",
    "pg": "pg",
    "sqlite3": "sqlite3",
    "better-sqlite3": "better-sqlite3", "node:sqlite": "better-sqlite3",
    "sequelize": "sequelize", "@sequelize/core": "sequelize",
    "knex": "knex",
}
#: Methods that take SQL text as their first argument, per driver family.
DRIVER_METHODS = {
    "mysql": {"query", "execute"},
    "pg": {"query"},
    "sqlite3": {"run", "all", "get", "each", "prepare"},
    "better-sqlite3": {"prepare"},
    "sequelize": {"query"},
    "knex": {"raw"},
}
SQL_METHODS = frozenset({"query", "execute", "run", "all", "get", "prepare", "raw", "each",
                         "exec"})
_STATEMENT_RUNNERS = {"get", "all", "run", "iterate"}
_STATEMENT_MODIFIERS = {"pluck", "raw", "expand", "safeIntegers", "columns"}
_FUNCTIONS = FUNCTION_TYPES
# looks_like_sql needs a string whose text starts with a statement keyword (SQL_START_RE),
# so a file without a quote followed by one cannot have a finding.
_SQL_WORD_RE = lazy_pattern(
    rb"(?i)['\"`]\s*\(?\s*(select|insert|update|delete|with|replace|merge)\b")
#: The start of a query method call up to its first argument (`.query(`, `.all<Row>(`…).
_METHOD_CALL = (rb"\." + GAP + rb"(?:" + b"|".join(m.encode() for m in sorted(SQL_METHODS))
                + rb")" + CALL_OPEN + GAP)
_CALLBACK_NAME_RE = lazy_pattern(
    r"(?i)^(cb|callback|done|next|fn|handler|resolve)$|(callback|cb|handler)$")
_CALL_QUERY = ("(call_expression function: (member_expression property: (property_identifier) "
               "@method) arguments: (arguments) @args (#any-of? @method "
               + " ".join(f'"{m}"' for m in sorted(SQL_METHODS)) + ")) @call")
#: What ``_resolve_variable`` needs from a scope, found by tree-sitter in one pass per scope.
_SCOPE_QUERY = """
(variable_declarator name: (_) @decl_name) @decl
(assignment_expression left: (_) @assigned)
(augmented_assignment_expression left: (_) @assigned)
(identifier) @ident
"""


@dataclass
class _ScopeIndex:
    """The variables of one scope: declarators by name (in document order), names assigned
    to, and how often each name occurs as an identifier other than a declarator's name."""

    declarators: dict[str, list[Node]]
    assigned: set[str]
    uses: dict[str, int]


def _scope_index(lang: str, scope: Node) -> _ScopeIndex:
    caps = captures(lang, _SCOPE_QUERY, scope)
    declarators: dict[str, list[Node]] = {}
    uses: dict[str, int] = {}
    for node in caps.get("decl", []):
        target = node.child_by_field_name("name")
        name = text(target)
        declarators.setdefault(name, []).append(node)
        if target is not None and target.type == "identifier":
            uses[name] = uses.get(name, 0) - 1  # a declarator's own name is no use
    for node in caps.get("ident", []):
        name = text(node)
        uses[name] = uses.get(name, 0) + 1
    assigned = {text(node) for node in caps.get("assigned", [])}
    return _ScopeIndex(declarators, assigned, uses)


def driver_of(ctx: FileContext) -> str | None:
    """Return the driver family the file uses: from its imports, else the only driver the
    project depends on; None when unknown or ambiguous."""
    found = {DRIVERS[m] for m in ctx.facts.imported_modules() if m in DRIVERS}
    if not found:
        found = {DRIVERS[m] for m in ctx.info.dependencies if m in DRIVERS}
    return found.pop() if len(found) == 1 else None


@dataclass
class _Source:
    """Where a call's SQL text comes from."""

    expr: Node  # the expression that builds the SQL
    replace: Node  # the node whose text the new SQL string replaces
    variable: str | None = None
    blocker: str | None = None  # why the SQL cannot be rewritten in place


def _scope_of(node: Node) -> Node:
    func = enclosing(node, _FUNCTIONS)
    if func is None:
        cur = node
        while cur.parent is not None:
            cur = cur.parent
        return cur
    return func.child_by_field_name("body") or func


def _resolve_variable(ident: Node, call: Node, lang: str,
                      indexes: dict[tuple[int, int, str], _ScopeIndex]) -> _Source | None:
    """Find ``const sql = ...`` for ``ident`` earlier in the same function."""
    name = text(ident)
    scope = _scope_of(call)
    key = (scope.start_byte, scope.end_byte, scope.type)
    index = indexes.get(key)
    if index is None:
        index = indexes[key] = _scope_index(lang, scope)
    declarator: Node | None = None
    for node in index.declarators.get(name, ()):
        if node.start_byte < call.start_byte:
            declarator = node  # the last one before the call
    assigned = name in index.assigned
    uses = index.uses.get(name, 0)
    if declarator is None:
        return None
    value = declarator.child_by_field_name("value")
    if value is None:
        return None
    blocker = None
    if assigned:
        blocker = f"the SQL in `{name}` is assembled across several statements"
    elif uses != 1:
        blocker = f"`{name}` is used more than once"
    return _Source(expr=value, replace=value, variable=name, blocker=blocker)


#: Where the walk from a SQL string up to its declarator stops.
_STOP_AT = frozenset({"variable_declarator", "statement_block", "program", "class_body",
                      "expression_statement", "return_statement", *_FUNCTIONS})


#: Values SQL may embed that no client controls: sqlite3's statement context in a callback.
_INTERNAL_VALUES = frozenset({"this.lastID", "this.changes"})


def _internal_value(node: Node) -> bool:
    """Return True for a number literal or sqlite3's ``this.lastID``/``this.changes``."""
    return node.type == "number" or text(node) in _INTERNAL_VALUES


def _constant_text(node: Node | None, scope: Node, call: Node, depth: int = 0) -> bool:
    """Return True when ``node`` can only evaluate to text written in the code: string
    literals, templates without substitutions (or whose substitutions are such text), ``+``,
    ``?:``, ``||`` and ``??`` of those, a variable every assignment of which is such text
    (``_constant_variable``), ``parts.join(' AND ')`` of an array that only ever receives such
    text, and ``list.map(() => '?').join(', ')``: one constant per element, whatever the
    elements are (the placeholder list the values of ``list`` are bound to)."""
    if node is None or depth > 8:
        return False
    kind = node.type
    if kind in ("string", "number"):
        return True
    if kind == "template_string":
        return all(_constant_text(c.named_children[0] if c.named_children else None,
                                  scope, call, depth + 1)
                   for c in node.named_children if c.type == "template_substitution")
    if kind in ("parenthesized_expression", "as_expression", "satisfies_expression"):
        # TypeScript `'x' as const`: the type is the second named child.
        inner = node.named_children[:1] if kind != "parenthesized_expression" \
            else node.named_children
        return bool(inner) and all(_constant_text(c, scope, call, depth + 1) for c in inner)
    if kind == "binary_expression" and \
            text(node.child_by_field_name("operator")) in ("+", "||", "??"):
        return _constant_text(node.child_by_field_name("left"), scope, call, depth + 1) and \
            _constant_text(node.child_by_field_name("right"), scope, call, depth + 1)
    if kind == "ternary_expression":
        return _constant_text(node.child_by_field_name("consequence"), scope, call, depth + 1) \
            and _constant_text(node.child_by_field_name("alternative"), scope, call, depth + 1)
    if kind == "identifier":
        return _constant_variable(node, call, depth + 1)
    if kind == "call_expression":
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if fn is None or args is None:
            return False
        callee = _local_function(fn)
        if callee is not None:
            return _returns_constant_text(callee, call, depth + 1)
        if fn.type != "member_expression":
            return False
        obj = fn.child_by_field_name("object")
        if text(fn.child_by_field_name("property")) != "join" or obj is None or not all(
                _constant_text(a, scope, call, depth + 1) for a in code_children(args)):
            return False
        if obj.type == "call_expression":
            return _constant_per_element(obj, scope, call, depth + 1)
        if obj.type != "identifier":
            return False
        return _array_of_constants(text(obj), scope, call, depth + 1)
    return False


def _constant_per_element(node: Node, scope: Node, call: Node, depth: int) -> bool:
    """Return True for ``xs.map(() => '?')`` (or ``function () { return '?'; }``): an array
    holding one constant text per element of ``xs``, whatever ``xs`` holds."""
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if fn is None or fn.type != "member_expression" or args is None or \
            text(fn.child_by_field_name("property")) != "map":
        return False
    mapper = code_children(args)
    if len(mapper) != 1 or mapper[0].type not in ("arrow_function", "function_expression",
                                                  "function"):
        return False
    body = mapper[0].child_by_field_name("body")
    if body is not None and body.type == "statement_block":
        statements = code_children(body)
        if len(statements) != 1 or statements[0].type != "return_statement":
            return False
        returned = code_children(statements[0])
        body = returned[0] if len(returned) == 1 else None
    # The mapper's parameters are no constants: `xs.map((x) => x)` keeps the elements.
    return _constant_text(body, scope, call, depth)


@dataclass
class _NameIndex:
    """Every occurrence of each name in one file (identifiers and shorthand patterns), and the
    property names written with ``x.name = …``; built once per file, on first need."""

    root: Node
    names: dict[str, list[Node]]
    assigned_members: set[str]
    #: ``_constant_variable`` results by (name, declaring scope, call); None while computing.
    constant: dict[tuple[str, int, int], bool | None] = field(default_factory=dict)


_NAME_INDEX: list[_NameIndex] = []


def _name_index(node: Node) -> _NameIndex:
    root = node
    while root.parent is not None:
        root = root.parent
    if _NAME_INDEX and _NAME_INDEX[0].root == root:
        return _NAME_INDEX[0]
    names: dict[str, list[Node]] = {}
    members: set[str] = set()
    for cur in walk(root):
        if cur.type in ("identifier", "shorthand_property_identifier_pattern"):
            names.setdefault(text(cur), []).append(cur)
        elif cur.type in ("assignment_expression", "augmented_assignment_expression"):
            left = cur.child_by_field_name("left")
            if left is not None and left.type in ("member_expression", "subscript_expression"):
                members.add(text(left.child_by_field_name("property")
                                 or left.child_by_field_name("index") or left))
    index = _NameIndex(root, names, members)
    _NAME_INDEX[:] = [index]  # the index holds its tree: no other file's root can equal it
    return index


def _occurrences(name: str, scope: Node) -> list[Node]:
    """Return the occurrences of ``name`` inside ``scope``."""
    return [n for n in _name_index(scope).names.get(name, ())
            if scope.start_byte <= n.start_byte and n.end_byte <= scope.end_byte]


def _local_function(fn: Node) -> Node | None:
    """Return the function a call's callee names in the same file: ``helper`` declared once
    with ``function helper() {…}``, or ``Name.method`` where ``class Name`` is declared once
    and ``method`` is one of its ``static`` methods; None when the name is bound or assigned
    anywhere else in the file."""
    root = fn
    while root.parent is not None:
        root = root.parent
    if fn.type == "identifier":
        name, member = text(fn), None
    elif fn.type == "member_expression" and \
            (fn.child_by_field_name("object") or fn).type == "identifier":
        name, member = text(fn.child_by_field_name("object")), \
            text(fn.child_by_field_name("property"))
    else:
        return None
    found: list[Node] = []
    if member is not None and member in _name_index(root).assigned_members:
        return None  # `Name.method = …` (or any `x.method = …`)
    for node in _occurrences(name, root):
        parent = node.parent
        if parent is None:
            continue
        if parent.type in ("function_declaration", "class_declaration") and \
                parent.child_by_field_name("name") == node:
            found.append(parent)
        elif _write_kind(node) is not None:
            return None  # bound or written another way
    if len(found) != 1:
        return None
    decl = found[0]
    if member is None:
        return decl if decl.type == "function_declaration" else None
    if decl.type != "class_declaration":
        return None
    body = decl.child_by_field_name("body")
    methods = [m for m in code_children(body) if m.type == "method_definition" and
               text(m.child_by_field_name("name")) == member] if body is not None else []
    if len(methods) != 1 or not any(c.type == "static" or text(c) == "static"
                                    for c in methods[0].children):
        return None
    return methods[0]


def _returns_constant_text(func: Node, call: Node, depth: int) -> bool:
    """Return True when ``func`` is neither async nor a generator nor an accessor and each of
    its ``return`` statements returns constant text."""
    if any(text(c) in ("async", "*", "get", "set") for c in func.children) or \
            func.type.startswith("generator"):
        return False
    body = func.child_by_field_name("body")
    if body is None:
        return False
    returns = 0
    for node in walk(body):
        if node.type == "return_statement" and enclosing(node, _FUNCTIONS) == func:
            values = code_children(node)
            if len(values) != 1 or not _constant_text(values[0], body, call, depth):
                return False
            returns += 1
    return returns > 0


#: Parents that make an identifier a binding other than a plain declarator or assignment.
_BINDING_PARENTS = frozenset({
    "formal_parameters", "required_parameter", "optional_parameter", "catch_clause",
    "array_pattern", "object_pattern", "pair_pattern", "assignment_pattern", "rest_pattern",
    "object_assignment_pattern", "update_expression", "function_declaration",
    "class_declaration", "import_specifier", "import_clause", "namespace_import",
    "export_specifier", "generator_function_declaration",
})


def _declares(scope: Node, name: str) -> str | None:
    """Return "param" when ``name`` is a parameter of function ``scope``, "var" when a
    declarator in ``scope`` (outside nested functions) declares it, else None."""
    params = scope.child_by_field_name("parameters") or scope.child_by_field_name("parameter")
    if params is not None and _occurrences(name, params):
        return "param"
    own = scope if scope.type in _FUNCTIONS else None
    for node in _occurrences(name, scope):
        parent = node.parent
        if parent is not None and parent.type == "variable_declarator" and \
                parent.child_by_field_name("name") == node and enclosing(node, _FUNCTIONS) == own:
            return "var"
    return None


def _constant_variable(ident: Node, call: Node, depth: int) -> bool:
    """Return True when variable ``ident`` is declared in the same file (its function or an
    enclosing one, or the module) and every write to it there is constant text: its
    declarators' values and ``=``/``+=`` assignments. A parameter, an import, a
    destructuring, a loop variable, ``++`` or any other write keeps it a value."""
    name = text(ident)
    scope: Node | None = enclosing(ident, _FUNCTIONS)
    while True:
        where = _declares(scope, name) if scope is not None else None
        if scope is None:
            root = ident
            while root.parent is not None:
                root = root.parent
            scope = root
            where = _declares(scope, name)
            if where is None:
                return False
        if where == "param":
            return False
        if where == "var":
            break
        scope = enclosing(scope, _FUNCTIONS)
    memo = _name_index(scope).constant
    key = (name, scope.start_byte, call.start_byte)
    if key in memo:
        # Being computed: a write that uses the variable itself (`a = a + ' x'`) keeps it
        # constant when every other write does.
        return memo[key] is not False
    memo[key] = None
    result = _writes_constant(ident, name, scope, call, depth)
    if not result:
        # What was found constant meanwhile may have assumed this variable was: forget it.
        later = list(memo)
        for stale in later[later.index(key) + 1:]:
            del memo[stale]
    memo[key] = result
    return result


def _writes_constant(ident: Node, name: str, scope: Node, call: Node, depth: int) -> bool:
    """Return True when every write of ``name`` in ``scope`` is constant text, and there is
    at least one (``let x;`` alone, or TypeScript's ``declare const x``, is set elsewhere)."""
    writes = 0
    for node in _occurrences(name, scope):
        if node == ident:
            continue
        kind = _write_kind(node)
        parent = node.parent
        if kind is None or parent is None:
            continue
        writes += 1
        if kind == "declarator":
            value = parent.child_by_field_name("value")
            if value is None:
                writes -= 1
                if enclosing(parent, ("ambient_declaration",)) is not None:
                    return False
            elif not _constant_text(value, scope, call, depth):
                return False
        elif kind == "assignment":
            if parent.type == "augmented_assignment_expression" and \
                    text(parent.child_by_field_name("operator")) not in ("+=", "||=", "??="):
                return False
            if not _constant_text(parent.child_by_field_name("right"), scope, call, depth):
                return False
        else:
            return False
    return writes > 0


def _write_kind(node: Node) -> str | None:
    """Return how an occurrence of a name writes it: "declarator" (``const name = …``),
    "assignment" (``name = …``, ``name += …``), "binding" (a parameter, a destructuring, an
    import, a loop variable, ``name++``, a function or class name…), or None for a read."""
    parent = node.parent
    if node.type == "shorthand_property_identifier_pattern":
        return "binding"
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        return "declarator" if parent.child_by_field_name("name") == node else None
    if parent.type in ("assignment_expression", "augmented_assignment_expression"):
        return "assignment" if parent.child_by_field_name("left") == node else None
    if parent.type in _BINDING_PARENTS:
        return "binding"
    if parent.type in ("arrow_function", "for_in_statement", "function_expression", "class",
                       "method_definition") and \
            node in (parent.child_by_field_name("parameter"), parent.child_by_field_name("left"),
                     parent.child_by_field_name("name")):
        return "binding"  # `name => …`, `for (name of …)`, `function name() {}`
    return None


def _array_of_constants(name: str, scope: Node, call: Node, depth: int) -> bool:
    """Return True when array ``name`` is declared in ``scope`` as constants and every
    ``name.push(...)``/``unshift`` before ``call`` adds constants (any other write: False)."""
    declared = False
    for node in walk(scope):
        if node.start_byte >= call.start_byte:
            break
        if node.type == "variable_declarator" and text(node.child_by_field_name("name")) == name:
            value = node.child_by_field_name("value")
            if value is None or value.type != "array" or not all(
                    _constant_text(v, scope, call, depth) for v in code_children(value)):
                return False
            declared = True
        elif node.type in ("assignment_expression", "augmented_assignment_expression") and \
                text(node.child_by_field_name("left")) == name:
            return False
        elif node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression" and \
                    text(fn.child_by_field_name("object")) == name:
                method = text(fn.child_by_field_name("property"))
                args = node.child_by_field_name("arguments")
                if method in ("push", "unshift"):
                    if args is None or not all(_constant_text(a, scope, call, depth)
                                               for a in code_children(args)):
                        return False
                elif method not in ("join", "length", "slice", "map", "forEach", "filter"):
                    return False
    return declared


def _assembled_from_constants(name: str, value: Node, call: Node) -> bool:
    """Return True when variable ``name`` (first set to ``value``) only ever receives
    constant text before ``call``: ``let sql = 'SELECT …'; sql += ' WHERE ' +
    conditions.join(' AND ')``, where the values go in as parameters."""
    scope = _scope_of(call)
    if not _constant_text(value, scope, call):
        return False
    for node in walk(scope):
        if node.start_byte >= call.start_byte:
            break
        if node.type in ("assignment_expression", "augmented_assignment_expression") and \
                text(node.child_by_field_name("left")) == name:
            if not _constant_text(node.child_by_field_name("right"), scope, call):
                return False
    return True


def _call_ranges(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Return where a query call with SQL text can be: around each SQL-looking string (the SQL
    passed as it is), and around each use of a variable declared with one (``db.query(sql)``)."""
    names: set[str] = set()
    for match in _SQL_WORD_RE.finditer(source):
        # The nearest declarator around the string: a farther one holds a statement between
        # (a function, a block), which is no SQL expression.
        node: Node | None = root.descendant_for_byte_range(*match.span())
        while node is not None and node.type not in _STOP_AT:
            node = node.parent
        if node is not None and node.type == "variable_declarator":
            name = node.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                names.add(text(name))
    needles = [_SQL_WORD_RE]
    if names:
        # `.query(sql`: a query method whose first argument is one of those variables.
        needles.append(re.compile(_METHOD_CALL + alternation(names) + rb"(?![\w$])"))
    return needle_ranges(needles, source)


def _has_comment(node: Node) -> bool:
    return any(n.type == "comment" for n in walk(node))


def _is_callback(node: Node, ctx: FileContext) -> bool:
    if node.type in ("arrow_function", "function_expression", "function"):
        return True
    return node.type == "identifier" and (_CALLBACK_NAME_RE.search(text(node)) is not None
                                          or text(node) in function_params(ctx.tree.root_node))


class SqlInjection(Rule):
    """Query calls whose SQL text is built from strings and values."""

    id = "sql-injection"

    def wants(self, source: bytes) -> bool:
        return _SQL_WORD_RE.search(source) is not None

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        driver = driver_of(ctx)
        root = ctx.tree.root_node
        caps = captures_in(ctx.lang, _CALL_QUERY, root, _call_ranges(root, ctx.source))
        indexes: dict[tuple[int, int, str], _ScopeIndex] = {}
        for call in caps.get("call", []):
            fn = call.child_by_field_name("function")
            method = text(fn.child_by_field_name("property")) if fn is not None else ""
            if method not in SQL_METHODS:
                continue
            args_node = call.child_by_field_name("arguments")
            if args_node is None:
                continue
            args = code_children(args_node)
            if not args:
                continue
            finding = self._check_call(ctx, call, method, args, driver, indexes)
            if finding is not None:
                yield finding

    def _check_call(self, ctx: FileContext, call: Node, method: str, args: list[Node],
                    driver: str | None,
                    indexes: dict[tuple[int, int, str], _ScopeIndex]) -> Finding | None:
        first = args[0]
        source: _Source | None
        if first.type == "identifier":
            source = _resolve_variable(first, call, ctx.lang, indexes)
        else:
            source = _Source(expr=first, replace=first)
        if source is None:
            return None
        if source.blocker and source.variable and "assembled" in source.blocker and \
                _assembled_from_constants(source.variable, source.expr, call):
            return None  # only constant SQL text; the values go in as parameters
        pieces = split_sql(source.expr)
        if pieces is None:
            if source.blocker and source.expr.type in ("string", "template_string") and \
                    SQL_START_RE.match(text(source.expr)[1:]) and "assembled" in source.blocker:
                return ctx.node_finding(
                    self.id, call,
                    f"SQL built from strings: {source.blocker}; build it with placeholders and "
                    "a parameter array instead (no automatic fix)")
            return None
        if not looks_like_sql(pieces):
            return None
        scope = _scope_of(call)
        if all(_internal_value(value) or _constant_text(value, scope, call)
               for value in pieces.values()):
            # Numbers, sqlite's own row ids, constant SQL fragments and placeholder lists
            # (`ids.map(() => '?').join(',')`): nothing a client controls.
            return None
        how = "a template literal" if source.expr.type == "template_string" else "`+`"
        base = f"SQL built with {how} from values can be injected"
        if source.variable:
            base += f" (`{source.variable}`)"
        placeholder = "$" if driver == "pg" else "?"
        rewrite = parameterize(pieces, placeholder)
        if rewrite.problems:
            return ctx.node_finding(
                self.id, call, f"{base}: {rewrite.problems[0]} (no automatic fix)")
        if driver is None:
            return ctx.node_finding(
                self.id, call, f"{base}; the database driver could not be determined from the "
                "imports, so no automatic fix: use the driver's placeholders and a parameter array")
        blocker = source.blocker
        if pieces.exotic_escape:
            blocker = "the SQL text uses escapes that cannot be rewritten exactly"
        if method not in DRIVER_METHODS[driver]:
            blocker = f"`{method}` is not a {driver} query method"
        fix = None
        if blocker is None:
            fix, blocker = self._fix(ctx, call, args, driver, source, pieces, rewrite)
        if fix is None:
            return ctx.node_finding(
                self.id, call, f"{base}: {blocker}; use placeholders and a parameter array "
                "(no automatic fix)")
        return ctx.node_finding(self.id, call, f"{base}; pass the values as query parameters",
                                fix)

    def _fix(self, ctx: FileContext, call: Node, args: list[Node], driver: str,
             source: _Source, pieces: Pieces,
             rewrite: Rewrite) -> tuple[Fix | None, str | None]:
        if any(a.type == "spread_element" for a in args):
            return None, "the call spreads its arguments"
        sql = js_string(rewrite.sql, ctx.style.quote, multiline=pieces.multiline)
        params = ", ".join(rewrite.params)
        array = f"[{params}]"
        edits = [TextEdit(source.replace.start_byte, source.replace.end_byte, sql)]
        first = args[0]
        rest = args[1:]
        # A SQL argument on its own line gets its parameters on the next line.
        line_start = ctx.source.rfind(b"\n", 0, first.start_byte) + 1
        lead = ctx.source[line_start:first.start_byte]
        sep = ", " if lead.strip() else ",\n" + lead.decode()
        if driver == "better-sqlite3":
            runner = self._statement_runner(call)
            if runner is None:
                return None, "the prepared statement is run elsewhere"
            run_args = runner.child_by_field_name("arguments")
            if run_args is None or run_args.named_child_count:
                return None, "the statement already receives parameters"
            if rest:
                return None, "the call already receives parameters"
            edits.append(TextEdit(run_args.start_byte + 1, run_args.start_byte + 1, params))
        elif driver == "sequelize":
            if not rest:
                edits.append(TextEdit(first.end_byte, first.end_byte,
                                      f"{sep}{{ replacements: {array} }}"))
            elif len(rest) == 1 and rest[0].type == "object":
                options = rest[0]
                props = object_properties(options)
                if "replacements" in props or "bind" in props or \
                        any(c.type == "spread_element" for c in options.named_children):
                    return None, "the call already passes replacements"
                if options.named_child_count == 0:
                    edits.append(TextEdit(options.start_byte, options.end_byte,
                                          f"{{ replacements: {array} }}"))
                else:
                    opener = options.start_byte + 1
                    edits.append(TextEdit(opener, opener, f" replacements: {array},"))
            else:
                return None, "the call already passes options"
        else:
            if not rest or len(rest) == 1 and _is_callback(rest[0], ctx) and driver != "knex":
                edits.append(TextEdit(first.end_byte, first.end_byte, f"{sep}{array}"))
            else:
                return None, "the call already passes parameters"
        applicability: Applicability = "unsafe" if _has_comment(source.expr) else "safe"
        changes = (FileChange(ctx.rel, tuple(sorted(edits, key=lambda e: e.start))),)
        return Fix(title="Pass the values as query parameters", applicability=applicability,
                   changes=changes), None

    @staticmethod
    def _statement_runner(call: Node) -> Node | None:
        """Return the ``.get()/.all()/.run()/.iterate()`` call chained on ``prepare(...)``."""
        cur = call
        while True:
            member = cur.parent
            if member is None or member.type != "member_expression" or \
                    member.child_by_field_name("object") != cur:
                return None
            outer = member.parent
            if outer is None or outer.type != "call_expression":
                return None
            name = text(member.child_by_field_name("property"))
            if name in _STATEMENT_RUNNERS:
                return outer
            if name not in _STATEMENT_MODIFIERS:
                return None
            cur = outer


RULE = SqlInjection()
