"""sql-injection: SQL text built with ``+`` or template literals, rewritten to placeholders."""

from __future__ import annotations

import bisect
import heapq
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from tree_sitter import Node, Tree

from nodeharden._deployment import distributed_package
from nodeharden._express import function_params
from nodeharden._model import Applicability, FileChange, Finding, Fix, TextEdit
from nodeharden._parse import (
    CALL_OPEN,
    FUNCTION_TYPES,
    GAP,
    alternation,
    captures,
    captures_in,
    code_children,
    enclosing,
    needle_ranges,
    object_properties,
    parse,
    string_value,
    text,
    walk,
)
from nodeharden._project import JS_SUFFIXES
from nodeharden._regex import lazy_pattern
from nodeharden._resultcache import content_digest
from nodeharden.rules._base import FileContext, ProjectContext, Rule, is_test_file
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
    if _numeric(node):
        return True
    if kind == "ternary_expression":
        return _constant_text(node.child_by_field_name("consequence"), scope, call, depth + 1) \
            and _constant_text(node.child_by_field_name("alternative"), scope, call, depth + 1)
    if kind == "identifier":
        return _constant_variable(node, call, depth + 1) or _imported(node, "text") or \
            _destructured_compiled_sql(node)
    if kind in ("member_expression", "subscript_expression"):
        return _environment_value(node) or _compiled_sql(node, call) or \
            _constant_member(node, call, depth + 1)
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
        return _array_of_constants(text(obj), scope, call, depth + 1) or \
            _constant_array(obj, call, depth + 1)
    return False


#: Global functions whose result is a number (or NaN), whatever they are given.
_NUMBER_FUNCTIONS = frozenset({"parseInt", "parseFloat", "Number", "Number.parseInt",
                               "Number.parseFloat"})
#: Operators whose result is a number (or a BigInt), whatever their operands.
_NUMBER_OPERATORS = frozenset({"-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>", ">>>"})


def _numeric(node: Node) -> bool:
    """Return True for an expression that can only be a number (NaN included) or a BigInt,
    which SQL text cannot ride on: ``parseInt(x, 10)``, ``parseFloat(x)``, ``Number(x)``,
    ``Math.floor(x)`` (the global not bound in the file), ``+x``, ``-x``, ``x | 0``, ``a * b``.
    What it is given is not used otherwise: ``Number(x) ? x : 0`` still embeds ``x``."""
    if node.type == "unary_expression":
        return text(node.child_by_field_name("operator")) in ("+", "-")
    if node.type == "binary_expression":
        return text(node.child_by_field_name("operator")) in _NUMBER_OPERATORS
    if node.type != "call_expression":
        return False
    fn = node.child_by_field_name("function")
    if fn is None:
        return False
    name = text(fn)
    if fn.type == "member_expression":
        obj = fn.child_by_field_name("object")
        if obj is None or obj.type != "identifier" or \
                text(obj) not in ("Math", "Number") or \
                text(fn.child_by_field_name("property")) in \
                _name_index(_root(fn)).assigned_members:
            return False  # `Math.floor = …` (or any `x.floor = …`)
        if text(obj) == "Math":
            return _binding(obj) is None
    elif fn.type != "identifier":
        return False
    head = fn.child_by_field_name("object") if fn.type == "member_expression" else fn
    return name in _NUMBER_FUNCTIONS and head is not None and _binding(head) is None and \
        not any(_write_kind(n) is not None for n in _occurrences(text(head), _root(fn)))


def _root(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


#: Array methods whose callback gets the element's index (a number) as second argument.
_INDEX_METHODS = frozenset({"forEach", "map", "filter", "some", "every", "find", "findIndex",
                            "findLast", "findLastIndex", "flatMap"})
#: Parts of the request that its parsers fill with strings, arrays and plain objects only.
_REQUEST_PARTS = frozenset({"query", "body", "params"})


def _array_index(name: str, func: Node) -> bool:
    """Return True when ``name`` is the second parameter of a callback handed to an array
    method (``xs.forEach((x, i) => …)``), never written in it, and ``xs`` can only be an
    array (``_array_value``): a Map's or Set's ``forEach`` gives its key there instead."""
    params = _simple_params(func)
    parent = func.parent
    if len(params) < 2 or params[1] != name or parent is None or parent.type != "arguments" \
            or not code_children(parent) or code_children(parent)[0] != func:
        return False
    method = parent.parent
    fn = method.child_by_field_name("function") if method is not None else None
    if fn is None or fn.type != "member_expression" or \
            text(fn.child_by_field_name("property")) not in _INDEX_METHODS:
        return False
    if sum(_write_kind(n) is not None for n in _occurrences(name, func)) != 1:
        return False  # `i = …`, `i++`, or a nested function's own `i`
    receiver = fn.child_by_field_name("object")
    return receiver is not None and _array_value(receiver, 0)


def _array_value(node: Node, depth: int) -> bool:
    """Return True when ``node`` can only be an array, or data a request parser made
    (``req.query.tags``: strings, arrays and plain objects, none with a ``forEach`` of its
    own): an array or string literal, ``Array.from(…)``, ``Object.keys(…)``, ``s.split(…)``,
    such a value's ``map``/``filter``/``slice``, ``a || b`` of two such values, a field of the
    request's query, body or params, or a variable every write of which is one of these (a
    destructuring of one included)."""
    if depth > 6:
        return False
    node = _unwrap(node)[0]
    kind = node.type
    if kind in ("array", "string", "template_string"):
        return True  # a string has no `forEach`, and its `split` makes an array
    if kind == "binary_expression" and \
            text(node.child_by_field_name("operator")) in ("||", "??"):
        return all(side is not None and _array_value(side, depth + 1) for side in
                   (node.child_by_field_name("left"), node.child_by_field_name("right")))
    if kind == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "member_expression":
            return False
        obj = fn.child_by_field_name("object")
        prop = text(fn.child_by_field_name("property"))
        if obj is None:
            return False
        if obj.type == "identifier" and _binding(obj) is None and \
                f"{text(obj)}.{prop}" in ("Array.from", "Array.of", "Object.keys",
                                          "Object.values", "Object.entries"):
            return True
        return prop in ("split", "map", "filter", "slice", "concat", "flat", "flatMap") and \
            _array_value(obj, depth + 1)
    if kind in ("member_expression", "subscript_expression"):
        return _request_data(node, depth)
    if kind != "identifier":
        return False
    return _variable_of(node, depth, _array_value)


def _request_data(node: Node, depth: int) -> bool:
    """Return True for what a request parser made: ``req.query``, ``req.body``,
    ``req.params``, any field or element of them (strings, arrays and plain objects: no Map
    or Set), or a variable every write of which is one of these (a destructuring of one
    included). An element of any other array may be anything (``[new Map(…)][0]``)."""
    if depth > 6:
        return False
    node = _unwrap(node)[0]
    if node.type not in ("member_expression", "subscript_expression", "identifier"):
        return False
    if node.type == "identifier":
        return _variable_of(node, depth, _request_data)
    obj = node.child_by_field_name("object")
    if obj is None:
        return False
    if node.type == "member_expression" and \
            text(node.child_by_field_name("property")) in _REQUEST_PARTS and _request_object(obj):
        return True
    return _request_data(obj, depth + 1)


def _variable_of(node: Node, depth: int, test: Callable[[Node, int], bool]) -> bool:
    """Return True when variable ``node`` is written at least once, and each of its writes
    gives it a value ``test`` accepts, or destructures it from request data."""
    scope = _variable_scope(node)
    if scope is None:
        return False
    name = text(node)
    writes = 0
    for occ in _occurrences(name, scope):
        write = _write_kind(occ)
        parent = occ.parent
        if write is None or parent is None or _shadowed(occ, scope, name):
            continue
        writes += 1
        if write == "declarator":
            value = parent.child_by_field_name("value")
            if value is None or not test(value, depth + 1):
                return False
        elif write == "assignment":
            right = parent.child_by_field_name("right")
            if parent.type != "assignment_expression" or right is None or \
                    not test(right, depth + 1):
                return False
        elif not _destructured_request_data(occ, depth):
            return False
    return writes > 0


def _variable_scope(ident: Node) -> Node | None:
    """Return the function (or module) whose own declarator declares variable ``ident``,
    plainly or by destructuring (``const { tags } = query``); None for a parameter or a name
    declared nowhere around it."""
    name = text(ident)
    scope = enclosing(ident, _FUNCTIONS)
    while True:
        home = scope if scope is not None else _root(ident)
        where = _declares(home, name)
        if where is not None:
            return home if where == "var" else None
        for occ in _occurrences(name, home):
            holder = enclosing(occ, _FUNCTIONS | {"variable_declarator"})
            if _write_kind(occ) == "binding" and holder is not None and \
                    holder.type == "variable_declarator" and \
                    enclosing(holder, _FUNCTIONS) == scope:
                return home
        if scope is None:
            return None
        scope = enclosing(scope, _FUNCTIONS)


def _shadowed(occ: Node, scope: Node, name: str) -> bool:
    """Return True when ``occ`` is in a function inside ``scope`` that declares its own
    ``name`` (a parameter or a declarator: ``rows.map((query) => …)``)."""
    fn = enclosing(occ, _FUNCTIONS)
    while fn is not None and fn != scope:
        if _declares(fn, name) is not None:
            return True
        fn = enclosing(fn, _FUNCTIONS)
    return False


def _destructured_request_data(occ: Node, depth: int) -> bool:
    """Return True for ``{ tags }`` or ``{ t: tags }`` in ``const { … } = value`` where
    ``value`` is the request (``tags`` one of its query, body or params) or request data
    (``_request_data``)."""
    pattern = occ.parent
    if pattern is None:
        return False
    if occ.type == "shorthand_property_identifier_pattern":
        key = text(occ)
    elif pattern.type == "pair_pattern" and pattern.child_by_field_name("value") == occ:
        key = text(pattern.child_by_field_name("key"))
        pattern = pattern.parent
    else:
        return False
    declarator = pattern.parent if pattern is not None and pattern.type == "object_pattern" \
        else None
    if declarator is None or declarator.type != "variable_declarator" or \
            declarator.child_by_field_name("name") != pattern:
        return False
    value = declarator.child_by_field_name("value")
    if value is None:
        return False
    if key in _REQUEST_PARTS and _request_object(value):
        return True
    return _request_data(value, depth + 1)


def _request_object(node: Node) -> bool:
    """Return True for a parameter named ``req`` or ``request`` (the handler's request)."""
    node = _unwrap(node)[0]
    if node.type != "identifier" or text(node) not in ("req", "request"):
        return False
    where = _binding(node)
    return where is not None and where[0] == "param"


def _environment_value(node: Node) -> bool:
    """Return True for ``process.env.NAME`` or ``process.env['NAME']`` (``process`` not bound
    in the file): the deployer's configuration, which no client sets, like constant text, as
    long as no project module writes that name from code (``_environment_writes``). While a
    query is checked that is assumed and proved in the project phase; in the project phase
    it is looked up; anywhere else (nothing to defer to) it is input."""
    obj = node.child_by_field_name("object")
    name = _member_key(node)
    if obj is None or name is None or text(obj) != "process.env" or \
            obj.type != "member_expression":
        return False
    proc = obj.child_by_field_name("object")
    if proc is None or proc.type != "identifier" or _binding(proc) is not None:
        return False
    if _STATE.assumed is not None:
        _STATE.assumed.append(_Assumed("", name, "environment"))
        return True
    written = _STATE.env_written
    return written is not None and name not in written and _ANY_NAME not in written


#: In ``_environment_writes``' answer: every name of ``process.env`` (a computed key, a
#: merge into it, a new ``process.env``).
_ANY_NAME = "*"
#: A file that may write ``process.env``: ``process.env[``, ``process.env = ``,
#: ``process.env.X = ``/``||=``/``??=``, ``process.env`` as a call's first argument
#: (``Object.assign(process.env, …)``) or held in a name (``const env = process.env;``).
_ENV_WRITE_GATE = lazy_pattern(
    rb"process\s*\.\s*env\s*(?:\[|(?:\|\||\?\?|&&)?=(?!=)|\.\s*[\w$]+\s*"
    rb"(?:\|\||\?\?|&&|\+)?=(?!=)|[;,)\n])")
#: Calls that write their first argument from the others (``Object.assign(process.env,
#: parsed)``, lodash's ``_.merge``…).
_MERGERS = frozenset({"assign", "merge", "mergeWith", "extend", "defaults", "defaultsDeep",
                      "assignIn", "set", "defineProperty", "defineProperties"})


def _settled_value(value: Node | None) -> bool:
    """Return True for what an environment write may hold and stay the deployer's: written
    text or a number, another ``process.env`` value, or a choice between such."""
    if value is None:
        return False
    kind = value.type
    if kind in ("string", "number", "true", "false", "null", "undefined"):
        return True
    if kind == "template_string":
        return not any(c.type == "template_substitution" for c in value.named_children)
    if kind == "parenthesized_expression":
        return bool(value.named_children) and _settled_value(value.named_children[0])
    if kind == "binary_expression" and \
            text(value.child_by_field_name("operator")) in ("||", "??", "&&"):
        return _settled_value(value.child_by_field_name("left")) and \
            _settled_value(value.child_by_field_name("right"))
    if kind == "ternary_expression":
        return _settled_value(value.child_by_field_name("consequence")) and \
            _settled_value(value.child_by_field_name("alternative"))
    if kind in ("member_expression", "subscript_expression"):
        obj = value.child_by_field_name("object")
        return obj is not None and text(obj) == "process.env" and _member_key(value) is not None
    return False


def _environment_writes(root: Node) -> set[str]:
    """Return the names of ``process.env`` module ``root`` writes from code, so that no read
    of them is the deployer's alone: ``process.env.X = <not written text>`` gives X;
    ``process.env[key] = …`` (a computed key), ``process.env = …``, ``Object.assign(
    process.env, …)`` (or another merge) and such writes through a name holding
    ``process.env`` give ``_ANY_NAME``. One walk of the module."""
    written: set[str] = set()
    aliases: set[str] = set()
    targets: list[tuple[Node, Node]] = []  # (member written, the assignment)
    for node in walk(root):
        kind = node.type
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            if left is not None and text(left) == "process.env":
                written.add(_ANY_NAME)
            elif left is not None and left.type in ("member_expression",
                                                    "subscript_expression"):
                targets.append((left, node))
        elif kind == "member_expression" and text(node) == "process.env":
            parent = node.parent
            if parent is None:
                continue
            if parent.type == "variable_declarator" and \
                    parent.child_by_field_name("value") == node:
                name = parent.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    aliases.add(text(name))
            elif parent.type == "arguments" and code_children(parent)[:1] == [node]:
                call = parent.parent
                fn = call.child_by_field_name("function") if call is not None else None
                last = fn.child_by_field_name("property") if fn is not None and \
                    fn.type == "member_expression" else fn
                if last is not None and text(last) in _MERGERS:
                    written.add(_ANY_NAME)
    for left, assign in targets:
        obj = left.child_by_field_name("object")
        if obj is None or (text(obj) != "process.env" and text(obj) not in aliases):
            continue
        key = _member_key(left)
        if key is None:
            written.add(_ANY_NAME)
        elif not _settled_value(assign.child_by_field_name("right")) or \
                assign.type == "augmented_assignment_expression" and \
                text(assign.child_by_field_name("operator")) not in ("||=", "??=", "&&="):
            written.add(key)  # `+=` appends to what the deployer set
    return written


def _project_environment_writes(ctx: ProjectContext) -> frozenset[str]:
    """Return the names of ``process.env`` that some non-test project module writes from code
    (``_environment_writes``); each module's answer is kept by its contents, and only the
    modules that can hold such a write (``_ENV_WRITE_GATE``) are parsed."""
    kept: dict[tuple[str, str], frozenset[str]] = ctx.extra.setdefault(
        "sql-injection environment writes", {})
    written: set[str] = set()
    for file in ctx.files_of("js"):
        data = ctx.read(file.rel)
        lang = JS_SUFFIXES.get(posixpath.splitext(file.rel)[1])
        if is_test_file(file.rel) or data is None or lang is None or \
                _ENV_WRITE_GATE.search(data) is None:
            continue
        key = (file.rel, content_digest(data))
        if key not in kept:
            tree = parse(lang, data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
            kept[key] = frozenset(_environment_writes(tree.root_node)) if tree is not None \
                else frozenset({_ANY_NAME})
        written |= kept[key]
    return frozenset(written)


#: Query builder methods whose result holds the compiled SQL, with ``?`` (or ``$1``)
#: placeholders, apart from its bindings (knex, objection): ``q.toSQL()`` and
#: ``q.toSQL().toNative()`` give ``{ sql, bindings }``.
_COMPILERS = ("toSQL", "toNative")


def _compiled(value: Node | None) -> bool:
    """Return True for ``….toSQL()`` or ``….toSQL().toNative()`` (``await`` around it too)."""
    while value is not None and value.type in ("await_expression", "parenthesized_expression"):
        value = value.named_children[0] if value.named_children else None
    if value is None or value.type != "call_expression":
        return False
    fn = value.child_by_field_name("function")
    if fn is None or fn.type != "member_expression":
        return False
    method = text(fn.child_by_field_name("property"))
    if method == "toSQL":
        return True
    return method == "toNative" and _compiled(fn.child_by_field_name("object"))


def _compiled_sql(node: Node, call: Node) -> bool:
    """Return True for the ``sql`` of a query builder's compiled query: ``q.toSQL().sql``, or
    ``compiled.sql`` where the only write of ``compiled`` is ``const compiled =
    q.toSQL()`` (or ``.toNative()``). It holds the builder's SQL with placeholders; its
    values stay in ``bindings``. (``q.toString()`` inlines the values and is no such SQL.)"""
    if _member_key(node) != "sql":
        return False
    obj = node.child_by_field_name("object")
    if obj is None:
        return False
    if _compiled(obj):
        return True
    if obj.type != "identifier":
        return False
    where = _binding(obj)
    if where is None or where[0] != "var":
        return False
    found = _const_value(text(obj), where[1])
    return found is not None and found[0].start_byte < call.start_byte and _compiled(found[1])


def _destructured_compiled_sql(ident: Node) -> bool:
    """Return True for ``sql`` (or ``text`` in ``{ sql: text }``) when every write of that name
    in the file is ``const { sql } = q.toSQL()`` (or ``.toNative()``): compiled SQL (once
    per name and file)."""
    memo = _name_index(ident).compiled
    name = text(ident)
    if name not in memo:
        memo[name] = _all_compiled_sql(ident)
    return memo[name]


def _all_compiled_sql(ident: Node) -> bool:
    writes = [n for n in _name_index(ident).names.get(text(ident), ())
              if _write_kind(n) is not None]
    if not writes:
        return False
    for node in writes:
        parent = node.parent
        if node.type == "shorthand_property_identifier_pattern":
            pattern = parent
            ok = text(node) == "sql"
        elif parent is not None and parent.type == "pair_pattern" and \
                parent.child_by_field_name("value") == node:
            pattern = parent.parent
            ok = string_value(parent.child_by_field_name("key")) == "sql" or \
                text(parent.child_by_field_name("key")) == "sql"
        else:
            return False
        declarator = pattern.parent if pattern is not None else None
        if not ok or pattern is None or pattern.type != "object_pattern" or \
                declarator is None or declarator.type != "variable_declarator" or \
                declarator.child_by_field_name("name") != pattern or \
                declarator.parent is None or \
                text(declarator.parent.children[0]) != "const" or \
                not _compiled(declarator.child_by_field_name("value")):
            return False
    return True


def _constant_per_element(node: Node, scope: Node, call: Node, depth: int) -> bool:
    """Return True for ``xs.map(() => '?')`` (or ``function () { return '?'; }``): an array
    holding one constant text per element of ``xs``, whatever ``xs`` holds; likewise
    ``new Array(n).fill('?')`` (``fill`` with one argument replaces every element) and
    ``Array.from(xs, () => '?')``."""
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if fn is None or fn.type != "member_expression" or args is None:
        return False
    method = text(fn.child_by_field_name("property"))
    given = code_children(args)
    if method == "fill":
        return len(given) == 1 and _constant_text(given[0], scope, call, depth)
    if method == "from" and text(fn.child_by_field_name("object")) == "Array" \
            and len(given) == 2 and given[1].type in ("arrow_function", "function_expression",
                                                       "function"):
        return _constant_return(given[1], scope, call, depth)
    if method != "map":
        return False
    mapper = given
    if len(mapper) != 1 or mapper[0].type not in ("arrow_function", "function_expression",
                                                  "function"):
        return False
    body = _returned_value(mapper[0])
    # The mapper's parameters are no constants: `xs.map((x) => x)` keeps the elements.
    if _constant_text(body, scope, call, depth):
        return True
    # Unless `xs` is itself a constant array: `TYPES.map((t) => `'${t}'`)` maps each of its
    # constant elements (and their numeric indexes) to constant text; so is an array declared
    # empty or of constants in the query's function that only ever receives constants
    # (`conditions.map((c) => `(${c})`).join(' AND ')`).
    receiver = fn.child_by_field_name("object")
    params = [p for p in _simple_params(mapper[0])[:2] if p]
    if receiver is None or receiver.type != "identifier" or not params or \
            not (_constant_array(receiver, call, depth) or
                 _array_of_constants(text(receiver), scope, call, depth)):
        return False
    added = {(mapper[0].start_byte, p) for p in params} - _STATE.constant_params
    _STATE.constant_params |= added
    try:
        return _constant_text(body, scope, call, depth)
    finally:
        _STATE.constant_params -= added


def _constant_return(func: Node, scope: Node, call: Node, depth: int) -> bool:
    """Return True when function ``func`` only returns constant text (its parameters are not
    constants)."""
    return _constant_text(_returned_value(func), scope, call, depth)


def _returned_value(func: Node) -> Node | None:
    """Return what a function returns when that is one expression: an arrow's expression body,
    or the value of a body that is a single ``return``; else None."""
    body = func.child_by_field_name("body")
    if body is not None and body.type == "statement_block":
        statements = code_children(body)
        if len(statements) != 1 or statements[0].type != "return_statement":
            return None
        returned = code_children(statements[0])
        return returned[0] if len(returned) == 1 else None
    return body


def _simple_params(func: Node) -> list[str | None]:
    """Return the names of a function's parameters in order; None for one that is not a
    plain name (a destructuring, a default, a rest parameter)."""
    single = func.child_by_field_name("parameter")
    if single is not None:
        return [text(single) if single.type == "identifier" else None]
    params = func.child_by_field_name("parameters")
    names: list[str | None] = []
    for param in code_children(params) if params is not None else []:
        if param.type in ("required_parameter", "optional_parameter"):
            pattern = param.child_by_field_name("pattern")
            plain = param.type == "required_parameter" and pattern is not None and \
                pattern.type == "identifier" and param.child_by_field_name("value") is None
            names.append(text(pattern) if plain and pattern is not None else None)
        else:
            names.append(text(param) if param.type == "identifier" else None)
    return names


@dataclass
class _NameIndex:
    """Every occurrence of each name in one file (identifiers and shorthand patterns), and the
    property names written with ``x.name = …``; built once per file, on first need."""

    root: Node
    names: dict[str, list[Node]]
    assigned_members: set[str]
    #: Class declarations by name (TypeScript's names are type identifiers, not in ``names``).
    classes: dict[str, list[Node]]
    #: ``_constant_variable`` results by (name, declaring scope, call); None while computing.
    constant: dict[tuple[str, int, int], bool | None] = field(default_factory=dict)
    #: ``_field_writes`` results by (property, class start byte or -1, call start byte).
    fields: dict[tuple[str, int, int], tuple[bool, frozenset[int]]] = \
        field(default_factory=dict)
    #: ``_destructured_compiled_sql`` results by name.
    compiled: dict[str, bool] = field(default_factory=dict)
    #: Start bytes of ``names`` (document order), for ``_occurrences``' range look-up.
    starts: dict[str, list[int]] = field(default_factory=dict)
    #: ``_field_sites``: the nodes that may write a property, by property name ("" for any).
    sites: dict[str, list[Node]] | None = None
    #: ``_declares`` results by (scope node id, name).
    declares: dict[tuple[int, str], str | None] = field(default_factory=dict)
    #: ``_import_of`` results by name.
    imports: dict[str, tuple[str, str] | None] = field(default_factory=dict)


_NAME_INDEX: list[_NameIndex] = []


def _name_index(node: Node) -> _NameIndex:
    root = node
    while root.parent is not None:
        root = root.parent
    if _NAME_INDEX and _NAME_INDEX[0].root == root:
        return _NAME_INDEX[0]
    names: dict[str, list[Node]] = {}
    members: set[str] = set()
    classes: dict[str, list[Node]] = {}
    for cur in walk(root):
        if cur.type in ("identifier", "shorthand_property_identifier_pattern",
                        "shorthand_property_identifier"):
            names.setdefault(text(cur), []).append(cur)
        elif cur.type in ("class_declaration", "abstract_class_declaration"):
            classes.setdefault(text(cur.child_by_field_name("name")), []).append(cur)
        elif cur.type in ("assignment_expression", "augmented_assignment_expression"):
            left = cur.child_by_field_name("left")
            if left is not None and left.type in ("member_expression", "subscript_expression"):
                members.add(text(left.child_by_field_name("property")
                                 or left.child_by_field_name("index") or left))
    index = _NameIndex(root, names, members, classes)
    _NAME_INDEX[:] = [index]  # the index holds its tree: no other file's root can equal it
    return index


def _occurrences(name: str, scope: Node) -> list[Node]:
    """Return the occurrences of ``name`` inside ``scope`` (a range of the file's occurrences
    of the name, which are in document order: one scan of a name per file, not per use)."""
    index = _name_index(scope)
    nodes = index.names.get(name, [])
    starts = index.starts.get(name)
    if starts is None:
        starts = index.starts[name] = [n.start_byte for n in nodes]
    lo = bisect.bisect_left(starts, scope.start_byte)
    hi = bisect.bisect_right(starts, scope.end_byte)
    return [n for n in nodes[lo:hi] if n.end_byte <= scope.end_byte]


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
    declarator in ``scope`` (outside nested functions) declares it, else None (once per
    scope and name: a module-level scope holds every use of a common name)."""
    memo = _name_index(scope).declares
    key = (scope.id, name)
    if key not in memo:
        memo[key] = _scope_declares(scope, name)
    return memo[key]


def _scope_declares(scope: Node, name: str) -> str | None:
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
    where = _binding(ident)
    if where is None:
        return False
    scope = where[1]
    if where[0] == "param":
        # An element (or index) of a constant array, in the function that maps it; or the
        # index an array method gives its callback, a number.
        return (scope.start_byte, name) in _STATE.constant_params or \
            _array_index(name, scope)
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


@dataclass(frozen=True)
class _Assumed:
    """What a query's SQL was found constant under, to be proved in the project phase: that
    the relative module ``spec`` exports a ``const`` named ``name`` holding constant text
    (``need`` "text"), an array of it ("array"), or an object whose property ``prop`` holds
    it ("object"); or that the class ``name`` of the module's field ``prop`` only ever holds
    constant text ("field", ``_field_holds``)."""

    spec: str
    name: str
    need: str
    prop: str | None = None
    #: For "field" (``spec`` is then the class's own module, "" here): the indexes of the
    #: constructor parameters the field is set from, whose every call site must pass constants.
    params: tuple[int, ...] = ()


@dataclass
class _EvalState:
    """State of one proof: the imported facts assumed so far (None: imports are values, as
    in the project phase, which follows one hop only), and the mapper parameters that stand
    for elements of a constant array, as (function start byte, name)."""

    assumed: list[_Assumed] | None = None
    constant_params: set[tuple[int, str]] = field(default_factory=set)
    #: In the project phase: the ``process.env`` names some module writes from code
    #: (``_project_environment_writes``); None elsewhere.
    env_written: frozenset[str] | None = None


_STATE = _EvalState()
#: Methods that only read an array or object of constants (or make new ones from it).
_READ_METHODS = frozenset({
    "map", "join", "filter", "slice", "includes", "indexOf", "lastIndexOf", "forEach", "some",
    "every", "find", "findIndex", "findLast", "findLastIndex", "concat", "at", "reduce",
    "reduceRight", "flat", "flatMap", "entries", "keys", "values", "toString", "toSorted",
    "toReversed", "toSpliced", "with", "hasOwnProperty", "propertyIsEnumerable",
})
#: Functions that only read the object or array they are given.
_READERS = frozenset({"Object.keys", "Object.values", "Object.entries", "Object.freeze",
                      "Object.isFrozen", "Object.getOwnPropertyNames", "Array.isArray",
                      "JSON.stringify", "String"})
#: Query builder methods that bind the list they are given as values (knex, objection).
_VALUE_LIST_METHODS = frozenset({"whereIn", "orWhereIn", "andWhereIn", "whereNotIn",
                                 "orWhereNotIn", "andWhereNotIn", "havingIn", "havingNotIn"})


@dataclass
class _Container:
    """A ``const`` array or object literal (``as const``, ``Object.freeze(…)`` or not)."""

    value: Node  # the array or object node
    scope: Node
    frozen: bool


def _unwrap(value: Node) -> tuple[Node, bool]:
    """Return the literal inside ``(…)``, ``… as const``, ``… satisfies T`` and
    ``Object.freeze(…)``, and whether it is frozen."""
    frozen = False
    while True:
        if value.type in ("parenthesized_expression", "as_expression", "satisfies_expression") \
                and value.named_children:
            value = value.named_children[0]
        elif value.type == "call_expression" and \
                text(value.child_by_field_name("function")) == "Object.freeze":
            args = code_children(value.child_by_field_name("arguments") or value)
            if len(args) != 1:
                return value, False
            value, frozen = args[0], True
        else:
            return value, frozen


def _binding(ident: Node) -> tuple[str, Node] | None:
    """Return where ``ident`` is declared as ("param" or "var", the function or module that
    declares it), the nearest first; None when no function around it nor the module does."""
    name = text(ident)
    scope = enclosing(ident, _FUNCTIONS)
    while scope is not None:
        where = _declares(scope, name)
        if where is not None:
            return where, scope
        scope = enclosing(scope, _FUNCTIONS)
    root = ident
    while root.parent is not None:
        root = root.parent
    where = _declares(root, name)
    return (where, root) if where is not None else None


def _const_value(name: str, scope: Node) -> tuple[Node, Node] | None:
    """Return (the name node, the value) of the one ``const name = value`` in ``scope`` when
    nothing else there binds or assigns ``name``."""
    found: tuple[Node, Node] | None = None
    for node in _occurrences(name, scope):
        kind = _write_kind(node)
        parent = node.parent
        if kind is None or parent is not None and parent.type == "export_specifier":
            continue  # a read, or `export { name }`
        if kind != "declarator" or found is not None or parent is None or \
                parent.parent is None or parent.parent.type != "lexical_declaration" or \
                text(parent.parent.children[0]) != "const":
            return None
        value = parent.child_by_field_name("value")
        if value is None:
            return None
        found = (node, value)
    return found


def _escapes(node: Node, frozen: bool) -> bool:
    """Return True when occurrence ``node`` of a constant array or object may change it or
    hand it to code that may: ``T.x = …``, ``delete T.x``, ``T.push(…)``, ``Object.assign(T,
    …)``, ``f(T)``, ``const t = T``… Reading a property, a read-only method, spreading it,
    ``Object.keys(T)``, a query builder's ``whereIn(col, T)``, the parameters of a query
    call, ``typeof T`` and an export are no writes; a frozen one cannot change at all."""
    parent = node.parent
    if parent is None:
        return True
    exported = parent.parent if parent.type == "pair" else parent
    assign = exported.parent if exported is not None and exported.type == "object" else None
    if assign is not None and assign.type == "assignment_expression" and \
            text(assign.child_by_field_name("left")) == "module.exports":
        return False  # `module.exports = { T }`, as `export { T }`
    if parent.type in ("type_query", "export_specifier", "spread_element") or \
            parent.type == "for_in_statement" and parent.child_by_field_name("right") == node:
        return False
    if parent.type in ("member_expression", "subscript_expression") and \
            parent.child_by_field_name("object") == node:
        outer = parent.parent
        if outer is None:
            return False
        written = (
            outer.type in ("assignment_expression", "augmented_assignment_expression")
            and outer.child_by_field_name("left") == parent
            or outer.type == "update_expression"
            or outer.type == "unary_expression" and text(outer.children[0]) == "delete"
            or outer.type == "for_in_statement" and outer.child_by_field_name("left") == parent)
        if written:
            return not frozen
        if outer.type == "call_expression" and outer.child_by_field_name("function") == parent:
            method = text(parent.child_by_field_name("property"))
            return not frozen and (method not in _READ_METHODS or
                                   _callback_gets_array(method, outer))
        return False
    if frozen:
        return False
    if parent.type == "arguments" and parent.parent is not None:
        fn = parent.parent.child_by_field_name("function")
        first = code_children(parent)[:1] == [node]
        if fn is None:
            return True
        if text(fn) in _READERS or text(fn) == "Object.assign" and not first:
            return False
        if fn.type == "member_expression":
            method = text(fn.child_by_field_name("property"))
            return not (method in _VALUE_LIST_METHODS or method in SQL_METHODS and not first)
    return True


#: Array methods that hand their callback the array itself, and that parameter's position.
_CALLBACK_ARRAY_PARAM = {"map": 2, "forEach": 2, "filter": 2, "some": 2, "every": 2, "find": 2,
                         "findIndex": 2, "findLast": 2, "findLastIndex": 2, "flatMap": 2,
                         "reduce": 3, "reduceRight": 3}


def _callback_gets_array(method: str, call: Node) -> bool:
    """Return True when ``call`` (``xs.forEach(…)``) may hand the array to a callback that
    uses it (``(x, i, all) => all.push(…)``): a callback that is no inline function, or one
    with a parameter at the array's position."""
    position = _CALLBACK_ARRAY_PARAM.get(method)
    args = call.child_by_field_name("arguments")
    if position is None or args is None:
        return False
    given = code_children(args)
    return not given or given[0].type not in ("arrow_function", "function_expression",
                                              "function") or \
        len(_simple_params(given[0])) > position


def _read_only(name: str, scope: Node, frozen: bool) -> bool:
    """Return True when no occurrence of ``name`` in ``scope`` may change what it holds."""
    return not any(_write_kind(n) is None and _escapes(n, frozen)
                   for n in _occurrences(name, scope))


def _container(ident: Node) -> _Container | None:
    """Return the ``const`` array or object literal ``ident`` names, when nothing in its
    scope may change it (``_escapes``)."""
    where = _binding(ident)
    if where is None or where[0] != "var":
        return None
    name, scope = text(ident), where[1]
    found = _const_value(name, scope)
    if found is None:
        return None
    value, frozen = _unwrap(found[1])
    if value.type not in ("array", "object") or not _read_only(name, scope, frozen):
        return None
    return _Container(value, scope, frozen)


def _property_value(obj: Node, key: str) -> Node | None:
    """Return the value of property ``key`` in object literal ``obj`` (a shorthand property
    is its own value); None when the object spreads, computes a key, defines a method, or
    has no such property."""
    found: Node | None = None
    for prop in code_children(obj):
        if prop.type == "shorthand_property_identifier":
            if text(prop) == key:
                found = prop
            continue
        if prop.type != "pair":
            return None  # `...x`, `get k() {}`, `k() {}`: not a table of constants
        k = prop.child_by_field_name("key")
        if k is None or k.type not in ("property_identifier", "string", "number"):
            return None
        name = text(k)[1:-1] if k.type == "string" else text(k)
        if name == key:
            found = prop.child_by_field_name("value")
    return found


def _member_key(node: Node) -> str | None:
    """Return the property ``T.key`` or ``T['key']``/``T[0]`` reads; None when computed."""
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return text(prop) if prop is not None and prop.type == "property_identifier" else None
    index = node.child_by_field_name("index")
    if index is None:
        return None
    if index.type == "number":
        return text(index)
    if index.type == "string":
        return text(index)[1:-1]
    return None


def _constant_member(node: Node, call: Node, depth: int) -> bool:
    """Return True for ``T.key`` or ``T['key']`` where ``T`` is a ``const`` object literal that
    nothing changes and whose ``key`` holds constant text (a table-name map), an element or
    the ``length`` of such an array, or such a property of a constant object imported from a
    project module (assumed, proved in the project phase)."""
    obj = node.child_by_field_name("object")
    if obj is not None and obj.type == "this" and node.type == "member_expression":
        cls = _this_class(node)
        prop = node.child_by_field_name("property")
        return cls is not None and prop is not None and \
            _constant_field(cls, text(prop), call, depth)
    key = _member_key(node)
    if obj is not None and obj.type == "member_expression" and key is not None:
        inner = obj.child_by_field_name("object")
        field_name = obj.child_by_field_name("property")
        if inner is None or inner.type != "this" or field_name is None or \
                field_name.type != "property_identifier":
            return False
        cls = _this_class(obj)
        return cls is not None and _constant_map_field(cls, text(field_name), key, call, depth)
    if obj is None or obj.type != "identifier" or key is None:
        return False
    box = _container(obj)
    if box is None:
        cls = _local_class(obj)
        if cls is not None:
            return _constant_field(cls, key, call, depth)  # `Users.TABLE`, a static field
        return _imported(obj, "object", key)
    if box.value.type == "array":
        items = code_children(box.value)
        if key == "length":
            return all(i.type != "spread_element" for i in items)
        if not key.isdigit() or int(key) >= len(items) or \
                any(i.type == "spread_element" for i in items):
            return False
        value: Node | None = items[int(key)]
    else:
        value = _property_value(box.value, key)
    if value is not None and value.type == "shorthand_property_identifier":
        return _constant_variable(value, call, depth)
    return _constant_text(value, box.scope, call, depth)


def _constant_array(ident: Node, call: Node, depth: int) -> bool:
    """Return True when ``ident`` is a ``const`` array literal of constant text that nothing
    changes, or such an array imported from a project module (assumed)."""
    box = _container(ident)
    if box is None:
        return _imported(ident, "array")
    return box.value.type == "array" and all(
        _constant_text(v, box.scope, call, depth) for v in code_children(box.value))


#: Class declarations and expressions.
_CLASS_TYPES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
#: Class field definitions (JavaScript, TypeScript).
_FIELD_TYPES = frozenset({"field_definition", "public_field_definition"})
#: Calls that may write any property of the object they are given first.
_PROPERTY_WRITERS = frozenset({"Object.assign", "Object.defineProperty",
                               "Object.defineProperties", "Reflect.set",
                               "Reflect.defineProperty"})


#: Library functions that write properties of the object they are given first
#: (``_.merge(obj, req.body)``), called through ``_``/``lodash`` or imported bare.
_LIBRARY_WRITERS = frozenset({
    "merge", "mergeWith", "extend", "extendWith", "assign", "assignIn", "assignWith",
    "assignInWith", "defaults", "defaultsDeep", "set", "setWith", "update", "updateWith",
    "deepmerge", "deepExtend", "mixin"})
#: Text of a file that may call a property writer (``_writer_target``).
_WRITER_TEXT = lazy_pattern(
    rb"Object\.assign|Object\.define|Reflect\.|\b(?:merge|mergeWith|extend|extendWith|assign"
    rb"|assignIn|assignWith|assignInWith|defaults|defaultsDeep|set|setWith|update|updateWith"
    rb"|deepmerge|deepExtend|mixin)\s*\(")
#: Writers whose second argument names the one property they write.
_KEYED_WRITERS = frozenset({"Object.defineProperty", "Reflect.set", "Reflect.defineProperty"})


def _writer_target(call: Node, prop: str) -> bool | None:
    """Return True when ``call`` may write property ``prop`` of an object that is not a
    fresh literal: ``Object.assign(x, …)``, ``Reflect.set(x, 'prop', …)``, ``_.merge(x, …)``,
    ``merge(x, …)``; False for such a writer that writes no such object
    (``Object.assign({}, …)``, a keyed writer naming another property); None for a call that
    is no property writer."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return None
    name = text(fn)
    if name not in _PROPERTY_WRITERS:
        if fn.type == "member_expression":
            obj = text(fn.child_by_field_name("object"))
            method = text(fn.child_by_field_name("property"))
            if obj not in ("_", "lodash", "$", "jQuery", "angular", "Ember", "R") or \
                    method not in _LIBRARY_WRITERS:
                return None
        elif fn.type != "identifier" or name not in _LIBRARY_WRITERS:
            return None
    args = code_children(call.child_by_field_name("arguments") or call)
    if args and text(args[0]) == "true" and name not in _PROPERTY_WRITERS:
        args = args[1:]  # `$.extend(true, target, …)`
    if not args or args[0].type in ("object", "array") or _plain_object(args[0]):
        return False
    return not (name in _KEYED_WRITERS and len(args) > 1 and args[1].type == "string"
                and string_value(args[1]) != prop)


def _plain_object(ident: Node) -> bool:
    """Return True for a name the file only ever binds to object or array literals
    (``let update = {}``, ``update = Object.assign(update, {…})``): no instance of a
    class."""
    if ident.type != "identifier":
        return False
    writes = [n for n in _name_index(ident).names.get(text(ident), ())
              if _write_kind(n) is not None]
    name = text(ident)

    def plain(value: Node | None) -> bool:
        if value is None:
            return False
        if value.type in ("object", "array"):
            return True
        args = code_children(value.child_by_field_name("arguments") or value) \
            if value.type == "call_expression" else []
        return text(value.child_by_field_name("function")) == "Object.assign" and \
            bool(args) and text(args[0]) == name  # `update = Object.assign(update, {…})`

    return bool(writes) and all(
        n.parent is not None and (
            _write_kind(n) == "declarator" and plain(n.parent.child_by_field_name("value"))
            or _write_kind(n) == "assignment"
            and n.parent.type == "assignment_expression"
            and plain(n.parent.child_by_field_name("right")))
        for n in writes)


def _local_value(ident: Node) -> bool:
    """Return True for a name the file binds only with ``const``/``let``/``var`` declarators
    and assignments whose values are no ``new`` and no import (``const state =
    this.#getState(id)``): no instance of a class the rule reads a field of, as far as the
    rule can tell; a parameter, an import or an instance made here may be one."""
    where = _binding(ident)
    if where is None or where[0] != "var":
        return False
    own = where[1] if where[1].type in _FUNCTIONS else None
    writes = [n for n in _occurrences(text(ident), where[1])
              if _write_kind(n) is not None and enclosing(n, _FUNCTIONS) == own]
    for node in writes:
        kind = _write_kind(node)
        parent = node.parent
        value = parent.child_by_field_name("value") if kind == "declarator" and parent else \
            parent.child_by_field_name("right") if kind == "assignment" and parent and \
            parent.type == "assignment_expression" else None
        if value is None or value.type in ("new_expression", "identifier", "await_expression") \
                or "require" in text(value.child_by_field_name("function") or value)[:8]:
            return False
    return bool(writes)


def _field_sites(root: Node) -> dict[str, list[Node]]:
    """Return the nodes of file ``root`` that may write a property, by key: "p:prop" for
    those naming the property (a class field or method ``prop``, ``x.prop = …``, ``x.prop++``,
    a constructor's parameter property ``prop``), "*" for those that may write any (a
    subscript or destructuring assignment, a property writer given an object, a call given
    ``this``, ``new this(…)``), "a:x" for calls given ``x`` and "n:Name" for ``new Name(…)``.
    Built once per file, so a file of many classes is not walked once per field."""
    index = _name_index(root)
    if index.sites is not None:
        return index.sites
    sites: dict[str, list[Node]] = {}
    for node in walk(root):
        kind = node.type
        keys: list[str] = []
        if kind in _FIELD_TYPES:
            keys.append("p:" + text(node.child_by_field_name("property")
                                    or node.child_by_field_name("name")))
        elif kind == "method_definition":
            name = text(node.child_by_field_name("name"))
            keys.append("p:" + name)
            if name == "constructor":
                keys.extend("p:" + (_parameter_property(p) or "") for p in _param_nodes(node)
                            if _parameter_property(p))
        elif kind in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            if left is None:
                continue
            keys.append("p:" + text(left.child_by_field_name("property"))
                        if left.type == "member_expression" else "*")
        elif kind == "update_expression":
            keys.extend("p:" + text(n.child_by_field_name("property"))
                        for n in node.named_children if n.type == "member_expression")
        elif kind == "call_expression":
            args = code_children(node.child_by_field_name("arguments") or node)
            if args and node.child_by_field_name("arguments") is not None:
                if _writer_target(node, "") or any(a.type == "this" for a in args):
                    keys.append("*")
                for arg in args:
                    if arg.type in ("identifier", "member_expression"):
                        keys.append("a:" + text(arg))
                    elif arg.type == "new_expression":
                        keys.append("a:new " + text(arg.child_by_field_name("constructor"))
                                    .rpartition(".")[2])
        elif kind == "member_expression":
            keys.append("m:" + text(node.child_by_field_name("property")))
        elif kind == "new_expression":
            ctor = text(node.child_by_field_name("constructor"))
            keys.append("*" if ctor in ("this", "this.constructor")
                        else "n:" + ctor.rpartition(".")[2])
        for key in keys:
            sites.setdefault(key, []).append(node)
    index.sites = sites
    return sites


def _instances(root: Node, names: frozenset[str]) -> set[str]:
    """Return the names file ``root`` binds to a ``new`` instance of a class called one of
    ``names`` (``const users = new Store('users')``, ``this.store = new Store(…)``)."""
    found: set[str] = set()
    sites = _field_sites(root)
    for name in names:
        for site in sites.get("n:" + name, ()):
            parent = site.parent
            if parent is not None and parent.type == "variable_declarator":
                target = parent.child_by_field_name("name")
            elif parent is not None and parent.type == "assignment_expression":
                target = parent.child_by_field_name("left")
            else:
                continue
            if target is not None and target.type in ("identifier", "member_expression"):
                found.add(text(target))
    return found


def _handed_on(call: Node, prop: str, cls: Node | None, names: frozenset[str],
               instances: set[str]) -> bool:
    """Return True when ``call`` may write property ``prop`` of an instance: a property writer
    given anything but a fresh literal (``_writer_target``), or a call given ``this`` of the
    class (of any subclass when the class is not known), an instance (``instances``) or a new one
    (``f(new Store(…))``), whose callee the rule does not follow."""
    writer = _writer_target(call, prop)
    if writer is not None:
        target = code_children(call.child_by_field_name("arguments") or call)[:1]
        if writer and target[0].type == "this":
            # `Object.assign(this, …)` writes the object of the class it is in: this one's,
            # a subclass's, or (outside a class) any.
            owner = _this_class(target[0])
            return owner is None or owner == cls or _class_name(owner) in names or any(
                c.type in ("class_heritage", "extends_clause") for c in owner.children)
        if writer and target[0].type in ("member_expression", "subscript_expression"):
            # `Object.assign(this.#config, updates)`: a member holds an instance only when the
            # file puts one there (`this.store = new Store(…)`).
            return text(target[0]) in instances
        if writer and target[0].type == "identifier" and text(target[0]) not in instances:
            return not _local_value(target[0])
        return writer  # what else it is given, it only reads
    for arg in code_children(call.child_by_field_name("arguments") or call):
        if arg.type == "this":
            owner = _this_class(arg)
            if owner is not None and (owner == cls or cls is None and any(
                    c.type in ("class_heritage", "extends_clause") for c in owner.children)):
                return True  # the class's instance, or (unknown class) maybe a subclass's
        elif text(arg) in instances or arg.type == "new_expression" and \
                text(arg.child_by_field_name("constructor")).rpartition(".")[2] in names:
            return True  # an instance, or a new one
    return False


def _write_sites(root: Node, prop: str,
                 names: frozenset[str]) -> tuple[Iterator[Node], set[str]]:
    """Return the nodes of ``root`` that may write ``prop`` of an instance of a class called
    one of ``names`` (``_field_sites``), in document order, and the instance names."""
    sites = _field_sites(root)
    instances = _instances(root, names) if names else set()
    lists = [sites.get("p:" + prop, []), sites.get("*", [])]
    lists.extend(sites.get("a:" + name, []) for name in instances)
    lists.extend(sites.get("a:new " + name, []) for name in names)
    return _merged(lists), instances


def _merged(lists: list[list[Node]]) -> Iterator[Node]:
    """Yield the nodes of lists each in document order, merged in document order, once each;
    lazily, so a caller that stops at the first non-constant write reads no further."""
    seen: set[int] = set()
    for node in heapq.merge(*lists, key=lambda n: (n.start_byte, -n.end_byte)):
        if node.id not in seen:
            seen.add(node.id)
            yield node


def _this_class(node: Node) -> Node | None:
    """Return the class ``this`` at ``node`` belongs to: the nearest class around it, through
    methods, field initialisers and arrow functions; None inside another function (its own
    ``this``) or outside a class."""
    cur = node.parent
    while cur is not None:
        if cur.type in _FUNCTIONS and cur.type != "arrow_function" and \
                (cur.type != "method_definition" or cur.parent is None
                 or cur.parent.type != "class_body"):
            return None  # a function's own `this`, or an object literal's method
        if cur.type == "class_body":
            owner = cur.parent
            return owner if owner is not None and owner.type in _CLASS_TYPES else None
        cur = cur.parent
    return None


def _class_name(cls: Node) -> str | None:
    """Return the name a class is known by in its module: its declared name, or the name of
    the ``const`` a class expression is assigned to."""
    if cls.type != "class":
        name = cls.child_by_field_name("name")
        return text(name) if name is not None else None
    parent = cls.parent
    if parent is not None and parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        if name is not None and name.type == "identifier":
            return text(name)
    return None


def _local_class(ident: Node) -> Node | None:
    """Return the class ``ident`` names when the file declares one class by that name and
    binds the name no other way."""
    index = _name_index(ident)
    classes = index.classes.get(text(ident), [])
    if len(classes) != 1:
        return None
    for node in index.names.get(text(ident), ()):
        parent = node.parent
        if parent is not None and parent == classes[0]:
            continue  # the class's own name
        if _write_kind(node) is not None:
            return None
    return classes[0]


def _constructor(cls: Node) -> Node | None:
    """Return a class's ``constructor`` method, if it declares one."""
    body = cls.child_by_field_name("body")
    for member in code_children(body) if body is not None else []:
        if member.type == "method_definition" and \
                text(member.child_by_field_name("name")) == "constructor":
            return member
    return None


def _param_nodes(func: Node) -> list[Node]:
    params = func.child_by_field_name("parameters")
    return code_children(params) if params is not None else []


def _param_index(ctor: Node, name: str) -> int | None:
    """Return the index of constructor parameter ``name`` when it is a plain parameter (no
    destructuring, default or rest) that nothing in the constructor writes."""
    for index, param in enumerate(_param_nodes(ctor)):
        pattern = param.child_by_field_name("pattern") if param.type in (
            "required_parameter", "optional_parameter") else param
        if pattern is None or pattern.type != "identifier" or text(pattern) != name:
            continue
        if param.type != "identifier" and (param.type != "required_parameter" or
                                           param.child_by_field_name("value") is not None):
            return None
        body = ctor.child_by_field_name("body")
        if body is not None and any(_write_kind(n) is not None for n in walk(body)
                                    if n.type == "identifier" and text(n) == name):
            return None
        return index
    return None


def _parameter_property(param: Node) -> str | None:
    """Return the field a TypeScript parameter property sets (``constructor(private readonly
    table: string)``), or None for a plain parameter."""
    if param.type not in ("required_parameter", "optional_parameter") or not any(
            c.type == "accessibility_modifier" or text(c) in ("readonly", "override")
            for c in param.children):
        return None
    pattern = param.child_by_field_name("pattern")
    return text(pattern) if pattern is not None else None


def _field_writes(root: Node, prop: str, cls: Node | None, call: Node,
                  depth: int, names: frozenset[str] = frozenset()) -> tuple[bool, frozenset[int]]:
    """Return whether every write of property ``prop`` in the file is constant text, and the
    indexes of the constructor parameters of ``cls`` it is set from (``this.prop = table``,
    ``constructor(private table)``). A write: a class field ``prop = …`` (of any class), an
    assignment to ``x.prop`` (any object); a getter or method ``prop``, ``x.prop++``, a
    destructuring into it, ``this[key] = …`` and ``Object.assign(this, …)`` are not constant.
    Without ``cls`` (another module), every write must be constant text. A call that may
    write properties of an instance (``_handed_on``: ``Object.assign(users, req.body)``,
    ``_.merge(x, …)``, ``Reflect.set(x, 'prop', …)``, ``f(this)``, ``f(users)`` for an
    instance of a class called one of ``names``) is a write that is not constant."""
    memo = _name_index(root).fields
    key = (prop, cls.start_byte if cls is not None else -1, call.start_byte)
    if key in memo:
        return memo[key]
    memo[key] = (False, frozenset())  # a field defined from itself is no constant
    ctor = _constructor(cls) if cls is not None else None
    if cls is not None and _class_name(cls) is not None:
        names = names | {_class_name(cls) or ""}
    nodes, instances = _write_sites(root, prop, names)
    params: set[int] = set()
    writes = 0
    result = True
    for node in nodes:
        kind = node.type
        if kind in _FIELD_TYPES:
            name = node.child_by_field_name("property") or node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if text(name) == prop and value is not None:
                writes += 1
                if not _constant_text(value, root, call, depth):
                    result = False
                    break
        elif kind == "method_definition":
            if text(node.child_by_field_name("name")) == prop:
                result = False  # a getter or method by that name
                break
            if text(node.child_by_field_name("name")) == "constructor":
                for index, param in enumerate(_param_nodes(node)):
                    if _parameter_property(param) != prop:
                        continue
                    if node != ctor or param.child_by_field_name("value") is not None or \
                            param.type != "required_parameter":
                        result = False
                        break
                    params.add(index)
                    writes += 1
        elif kind in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None:
                continue
            if left.type == "subscript_expression":
                index_node = left.child_by_field_name("index")
                obj = left.child_by_field_name("object")
                if string_value(index_node) == prop or \
                        obj is not None and obj.type == "this" and \
                        (index_node is None or index_node.type not in ("string", "number")):
                    result = False
                    break
                continue
            if left.type in ("object_pattern", "array_pattern"):
                if any(n.type == "member_expression" and
                       text(n.child_by_field_name("property")) == prop for n in walk(left)):
                    result = False
                    break
                continue
            if left.type != "member_expression" or \
                    text(left.child_by_field_name("property")) != prop:
                continue
            writes += 1
            if kind == "augmented_assignment_expression" and \
                    text(node.child_by_field_name("operator")) not in ("+=", "||=", "??="):
                result = False
                break
            if _constant_text(right, root, call, depth):
                continue
            obj = left.child_by_field_name("object")
            index = None
            if ctor is not None and obj is not None and obj.type == "this" and \
                    right is not None and right.type == "identifier" and \
                    _this_class(left) == cls and enclosing(node, _FUNCTIONS) == ctor:
                index = _param_index(ctor, text(right))
            if index is None:
                result = False
                break
            params.add(index)
        elif kind == "update_expression":
            if any(n.type == "member_expression" and
                   text(n.child_by_field_name("property")) == prop for n in node.named_children):
                result = False
                break
        elif kind == "call_expression" and _handed_on(node, prop, cls, names, instances):
            result = False
            break
        elif kind == "new_expression" and cls is not None and \
                text(node.child_by_field_name("constructor")) in ("this", "this.constructor"):
            result = False  # `new this(…)`: call sites the project phase cannot see
            break
    if result and cls is not None and writes == 0:
        result = False  # set somewhere else (a base class in another module, a caller)
    found = (result, frozenset(params))
    memo[key] = found
    return found


def _constant_field(cls: Node, prop: str, call: Node, depth: int) -> bool:
    """Return True when field ``prop`` of class ``cls`` (``this.prop``, or ``Cls.prop`` for a
    static one) only ever holds constant text: every write of it in the module is constant
    text or a constructor parameter of the class (``_field_writes``). What other modules may
    do (write it, subclass the class, construct it with other values) is assumed and proved in
    the project phase (``_field_holds``); a ``#private`` field set only from constants needs
    no proof."""
    if depth > 8:
        return False
    root = cls
    while root.parent is not None:
        root = root.parent
    ok, params = _field_writes(root, prop, cls, call, depth + 1)
    if not ok:
        return False
    if prop.startswith("#") and not params:
        return True
    name = _class_name(cls)
    if name is None or _STATE.assumed is None:
        return False
    _STATE.assumed.append(_Assumed("", name, "field", prop, tuple(sorted(params))))
    return True


def _map_field_ok(root: Node, prop: str, key: str, call: Node, depth: int,
                  need_write: bool, names: frozenset[str] = frozenset()) -> bool:
    """Return True when, in the file ``root``, property ``prop`` is only ever a table of
    constants whose ``key`` holds constant text: every class field ``prop = {…}`` (of any
    class) is an object literal whose ``key`` is such text, nothing assigns ``x.prop`` or
    ``x['prop']``, defines a getter or method ``prop``, writes ``this[k]`` or hands ``this`` to
    ``Object.assign``, and every other ``x.prop`` is only read (``x.prop.key``, a read-only
    method): not written through (``x.prop.key = …``, ``delete``), aliased or handed to a
    function (``_escapes``), and no call may write it (``_handed_on``: a property writer
    given an object, a call given ``this`` or an instance of a class called one of
    ``names``). ``need_write``: the class's own module must define the field."""
    writes = 0
    nodes, instances = _write_sites(root, prop, names)
    members = _field_sites(root).get("m:" + prop, [])
    for node in _merged([list(nodes), members]):
        kind = node.type
        if kind in _FIELD_TYPES:
            name = node.child_by_field_name("property") or node.child_by_field_name("name")
            if text(name) != prop:
                continue
            value = node.child_by_field_name("value")
            table = _unwrap(value)[0] if value is not None else None
            if table is None or table.type != "object":
                return False
            entry = _property_value(table, key)
            if entry is None or entry.type == "shorthand_property_identifier" or \
                    not _constant_text(entry, root, call, depth):
                return False
            writes += 1
        elif kind == "method_definition" and text(node.child_by_field_name("name")) == prop:
            return False
        elif kind in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            if left is None:
                continue
            if left.type == "member_expression" and \
                    text(left.child_by_field_name("property")) == prop:
                return False
            if left.type == "subscript_expression":
                index_node = left.child_by_field_name("index")
                target = left.child_by_field_name("object")
                if string_value(index_node) == prop or target is not None and \
                        target.type == "this" and (index_node is None or index_node.type
                                                   not in ("string", "number")):
                    return False
            if left.type in ("object_pattern", "array_pattern") and any(
                    n.type == "member_expression" and
                    text(n.child_by_field_name("property")) == prop for n in walk(left)):
                return False
        elif kind == "call_expression" and _handed_on(node, prop, None, names, instances) \
                or kind == "member_expression" and \
                text(node.child_by_field_name("property")) == prop and _escapes(node, False):
            return False
    return writes > 0 or not need_write


def _constant_map_field(cls: Node, prop: str, key: str, call: Node, depth: int) -> bool:
    """Return True for ``this.prop.key`` where field ``prop`` of class ``cls`` is a table of
    constants (``operator = { cosine: '<=>' }``) that nothing changes (``_map_field_ok``); what
    other modules may do is assumed and proved in the project phase, as for a text field."""
    if depth > 8:
        return False
    root = cls
    while root.parent is not None:
        root = root.parent
    name = _class_name(cls)
    if not _map_field_ok(root, prop, key, call, depth + 1, need_write=True,
                         names=frozenset({name}) if name else frozenset()):
        return False
    if prop.startswith("#"):
        return True
    name = _class_name(cls)
    if name is None or _STATE.assumed is None:
        return False
    _STATE.assumed.append(_Assumed("", name, "field", f"{prop}.{key}"))
    return True


def _js_files(ctx: ProjectContext) -> Iterable[tuple[str, Node]]:
    """Yield (path, syntax tree root) of every project JavaScript/TypeScript file that is no
    test, parsed once per run."""
    trees: dict[tuple[str, str], Tree | None] = ctx.extra.setdefault(
        "sql-injection trees", {})
    for file in ctx.files_of("js"):
        data = ctx.read(file.rel)
        lang = JS_SUFFIXES.get(posixpath.splitext(file.rel)[1])
        if is_test_file(file.rel) or data is None or lang is None:
            continue
        key = (file.rel, content_digest(data))
        if key not in trees:
            trees[key] = parse(lang, data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
        tree = trees[key]
        if tree is not None:
            yield file.rel, tree.root_node


def _exported_by_name(root: Node, name: str) -> bool:
    """Return True when module ``root`` exports ``name`` (ES ``export``, or any CommonJS
    ``exports`` statement that names it)."""
    for node in root.named_children:
        if node.type == "export_statement" and any(text(n) == name for n in walk(node)):
            return True
        if node.type == "expression_statement" and "exports" in text(node) and \
                any(text(n) == name for n in walk(node)):
            return True
    return False


def _default_exported(root: Node, name: str) -> bool:
    """Return True when module ``root`` exports ``name`` as its default (``export default``,
    ``module.exports = name``)."""
    for node in root.named_children:
        if node.type == "export_statement" and "default" in \
                [text(c) for c in node.children] and any(text(n) == name for n in walk(node)):
            return True
        if node.type == "expression_statement" and node.named_children and \
                node.named_children[0].type == "assignment_expression":
            assign = node.named_children[0]
            if text(assign.child_by_field_name("left")) == "module.exports" and \
                    text(assign.child_by_field_name("right")) == name:
                return True
    return False


def _local_names(ctx: ProjectContext, rel: str, root: Node, home: str, name: str,
                 default: bool) -> set[str] | None:
    """Return the names module ``rel`` may call class ``name`` of module ``home`` by: the
    name itself, an alias it imports under (``{ name as Other }``), and, for a default export,
    the name it binds ``home``'s default (or whole CommonJS export) to; None when it renames
    it on export (``export { name as Other }``), which other modules then import unseen."""
    names = {name}
    for node in walk(root):
        if node.type == "import_specifier":
            own = node.child_by_field_name("name")
            alias = node.child_by_field_name("alias")
            if text(own) == name and alias is not None:
                names.add(text(alias))
        elif node.type == "pair_pattern":  # `const { name: Other } = require(…)`
            key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
            if text(key) == name and value is not None:
                names.add(text(value))
        elif node.type == "export_specifier":
            own = node.child_by_field_name("name")
            alias = node.child_by_field_name("alias")
            if text(own) == name and alias is not None and text(alias) != name:
                return None
        elif default and node.type == "import_statement":
            source = node.child_by_field_name("source")
            if source is None or ctx.resolve_import(rel, string_value(source) or "") != home:
                continue
            for clause in code_children(node):
                if clause.type == "import_clause":
                    names.update(text(c) for c in clause.named_children if c.type == "identifier")
        elif default and node.type == "variable_declarator":
            value = node.child_by_field_name("value")
            target = node.child_by_field_name("name")
            if value is None or target is None or target.type != "identifier" or \
                    value.type != "call_expression" or \
                    text(value.child_by_field_name("function")) != "require":
                continue
            args = code_children(value.child_by_field_name("arguments") or value)
            spec = string_value(args[0]) if len(args) == 1 else None
            if spec is not None and ctx.resolve_import(rel, spec) == home:
                names.add(text(target))
    return names


def _passes_constants(args: Node | None, params: tuple[int, ...]) -> bool:
    """Return True when the arguments at ``params`` are constant text (imports are values)."""
    items = code_children(args) if args is not None else []
    if any(a.type == "spread_element" for a in items):
        return False
    return all(i < len(items) and _constant_text(items[i], args or items[i], items[i])
               for i in params)


def _subclass_passes_constants(heritage: Node, params: tuple[int, ...]) -> bool:
    """Return True when the class whose ``extends`` clause is ``heritage`` has a constructor
    and each ``super(…)`` call in it passes constants at ``params``."""
    sub = heritage.parent
    while sub is not None and sub.type not in _CLASS_TYPES:
        sub = sub.parent
    ctor = _constructor(sub) if sub is not None else None
    if ctor is None:
        return False  # the implicit constructor passes its own arguments on
    supers = [n for n in walk(ctor) if n.type == "call_expression" and
              (n.child_by_field_name("function") or n).type == "super"]
    return bool(supers) and all(
        _passes_constants(s.child_by_field_name("arguments"), params) for s in supers)


def _call_sites_pass_constants(ctx: ProjectContext, home: str, name: str,
                               params: tuple[int, ...]) -> bool:
    """Return True when every use of class ``name`` of module ``home`` in the project builds
    it with constants at constructor parameters ``params``: ``new Name(…)``, and subclasses
    whose constructor calls ``super(…)`` so; reading its static members, ``instanceof``,
    ``typeof``, imports and exports are no uses. Any other use (passed on, assigned, a
    subclass without a constructor) may build it with anything."""
    default = False
    for rel, root in _js_files(ctx):
        if rel == home:
            default = _default_exported(root, name)
    for rel, root in _js_files(ctx):
        data = ctx.read(rel) or b""
        if name.encode() not in data and not default:
            continue
        names = _local_names(ctx, rel, root, home, name, default)
        if names is None:
            return False
        for node in walk(root):
            if node.type not in ("identifier", "property_identifier") or text(node) not in names:
                continue
            parent = node.parent
            if parent is None:
                continue
            if node.type == "property_identifier":
                # `new ns.Name(…)`, `extends ns.Name`, `ns.Name.x` through a namespace import;
                # `const Other = require(…).Name` and other uses may build it unseen.
                if parent.type != "member_expression" or text(node) != name or \
                        parent.child_by_field_name("property") != node:
                    continue
                node, parent = parent, parent.parent
                if parent is None:
                    continue
                if parent.type not in ("new_expression", "class_heritage", "extends_clause"):
                    if parent.type == "member_expression" and \
                            parent.child_by_field_name("object") == node:
                        continue
                    return False
            ptype = parent.type
            if ptype == "new_expression" and parent.child_by_field_name("constructor") == node:
                if not _passes_constants(parent.child_by_field_name("arguments"), params):
                    return False
            elif ptype in ("class_heritage", "extends_clause"):
                if not _subclass_passes_constants(parent, params):
                    return False
            elif ptype in ("class_declaration", "abstract_class_declaration", "class") and \
                    parent.child_by_field_name("name") == node or \
                    ptype in ("import_specifier", "import_clause", "namespace_import",
                              "export_specifier", "type_query") or \
                    ptype == "member_expression" and \
                    parent.child_by_field_name("object") == node or \
                    ptype == "binary_expression" and \
                    text(parent.child_by_field_name("operator")) == "instanceof" or \
                    ptype == "unary_expression" and text(parent.children[0]) == "typeof":
                continue
            elif ptype == "variable_declarator" and parent.child_by_field_name("name") == node \
                    and ((parent.child_by_field_name("value") or parent).type == "class" or
                         text((parent.child_by_field_name("value") or parent)
                              .child_by_field_name("function")) == "require"):
                continue  # `const Name = class {…}`, `const Name = require('./name')`
            elif ptype == "export_statement" or ptype == "assignment_expression" and \
                    text(parent.child_by_field_name("left")) == "module.exports":
                continue  # `export default Name`, `module.exports = Name`
            else:
                return False
    return True


def _field_holds(ctx: ProjectContext, rel: str, fact: _Assumed) -> bool:
    """Return True when field ``fact.prop`` of class ``fact.name`` of module ``rel`` holds only
    constant text in the whole project: no other module writes a ``.prop`` of anything with
    other than constant text, nor defines such a field, getter or method (``_field_writes``
    without a class), and, when the class sets it from constructor parameters, every call
    site passes constants there (``_call_sites_pass_constants``). A class its module exports
    from a package others install (``distributed_package``) may be built and written by
    code this project does not hold: not proved."""
    home: Node | None = None
    for path, root in _js_files(ctx):
        if path == rel:
            home = root
    if home is None:
        return False
    if _exported_by_name(home, fact.name) and distributed_package(ctx.package_json):
        return False
    prop, _, key = (fact.prop or "").partition(".")
    default = _default_exported(home, fact.name)
    for path, root in _js_files(ctx):
        if path == rel or prop.startswith("#"):
            continue
        data = ctx.read(path) or b""
        if prop.encode() not in data and fact.name.encode() not in data and not default and \
                _WRITER_TEXT.search(data) is None:
            continue
        names = _local_names(ctx, path, root, rel, fact.name, default)
        if names is None:
            return False
        if key:  # a table of constants in a field: `this.operator.cosine`
            if not _map_field_ok(root, prop, key, root, 0, need_write=False,
                                 names=frozenset(names)):
                return False
        elif _field_writes(root, prop, None, root, 0, frozenset(names)) != (True, frozenset()):
            return False
    return not fact.params or _call_sites_pass_constants(ctx, rel, fact.name, fact.params)


def _import_of(ident: Node) -> tuple[str, str] | None:
    """Return (relative module, exported name) when ``ident`` is bound only by a top-level
    ``import { name } from './m'`` (``{ x as name }``) or ``const { name } = require('./m')``
    (``{ x: name }``) and never assigned."""
    memo = _name_index(ident).imports
    name = text(ident)
    if name not in memo:
        memo[name] = _module_import_of(ident)
    return memo[name]


def _module_import_of(ident: Node) -> tuple[str, str] | None:
    root = ident
    while root.parent is not None:
        root = root.parent
    binding: Node | None = None
    for node in _occurrences(text(ident), root):
        if _write_kind(node) is None:
            continue
        if binding is not None:
            return None
        binding = node
    parent = binding.parent if binding is not None else None
    if binding is None or parent is None:
        return None
    if parent.type == "import_specifier":
        statement = enclosing(parent, ("import_statement",))
        source = statement.child_by_field_name("source") if statement is not None else None
        if statement is None or source is None or statement.parent != root or \
                parent.child_by_field_name("alias") not in (None, binding):
            return None
        exported = text(parent.child_by_field_name("name"))
    else:
        pattern = parent if parent.type == "object_pattern" else parent.parent
        if binding.type == "shorthand_property_identifier_pattern" and \
                parent.type == "object_pattern":
            exported = text(binding)
        elif parent.type == "pair_pattern" and parent.child_by_field_name("value") == binding:
            key = parent.child_by_field_name("key")
            if key is None or key.type != "property_identifier":
                return None
            exported = text(key)
        else:
            return None
        decl = pattern.parent if pattern is not None else None
        if pattern is None or pattern.type != "object_pattern" or decl is None or \
                decl.type != "variable_declarator" or decl.parent is None or \
                decl.parent.parent != root or text(decl.parent.children[0]) != "const":
            return None
        value = decl.child_by_field_name("value")
        args = value.child_by_field_name("arguments") if value is not None and \
            value.type == "call_expression" else None
        if value is None or args is None or \
                text(value.child_by_field_name("function")) != "require":
            return None
        found = code_children(args)
        source = found[0] if len(found) == 1 and found[0].type == "string" else None
        if source is None:
            return None
    spec = text(source)[1:-1]
    return (spec, exported) if spec.startswith(".") else None


def _imported(ident: Node, need: str, prop: str | None = None) -> bool:
    """Return True, and record the assumption, when ``ident`` is imported from a project
    module (``_import_of``) while a query's SQL is checked and, for an array or object,
    nothing in this file may change it; the project phase then proves what the module
    exports (one hop) or reports the query after all."""
    assumed = _STATE.assumed
    if assumed is None:
        return False
    found = _import_of(ident)
    if found is None:
        return False
    root = ident
    while root.parent is not None:
        root = root.parent
    if need != "text" and not _read_only(text(ident), root, False):
        return False
    assumed.append(_Assumed(found[0], found[1], need, prop))
    return True


def _exported_local(root: Node, name: str) -> tuple[str | None, Node | None]:
    """Return how module ``root`` exports ``name``: (the top-level name it exports, None) for
    ``export const name``, ``export { local as name }`` and ``module.exports = { name: local
    }``; (None, the value) for ``module.exports = { name: <literal> }``; (None, None) else."""
    local: str | None = None
    inline: Node | None = None
    hits = 0
    for node in root.named_children:
        if node.type == "export_statement" and node.child_by_field_name("source") is None:
            decl = node.child_by_field_name("declaration")
            if decl is not None and decl.type == "lexical_declaration":
                for d in decl.named_children:
                    if d.type == "variable_declarator" and \
                            text(d.child_by_field_name("name")) == name:
                        local, hits = name, hits + 1
            for clause in node.named_children:
                if clause.type != "export_clause":
                    continue
                for spec in clause.named_children:
                    own = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or own
                    if own is not None and text(alias) == name:
                        local, hits = text(own), hits + 1
        elif node.type == "expression_statement" and node.named_children and \
                node.named_children[0].type == "assignment_expression":
            assign = node.named_children[0]
            left = text(assign.child_by_field_name("left"))
            if left in ("module.exports", "exports") or \
                    left.startswith(("module.exports.", "exports.", "module.exports[",
                                     "exports[")):
                hits += 10  # any other CommonJS export makes the map not this one
                value = assign.child_by_field_name("right")
                if left == "module.exports" and value is not None and value.type == "object":
                    hits -= 9
                    prop = _property_value(value, name)
                    if prop is not None and prop.type in ("shorthand_property_identifier",
                                                          "identifier"):
                        local = text(prop)
                    elif prop is not None:
                        inline = prop
    if hits != 1:
        return None, None
    return local, inline


def _export_holds(root: Node, fact: _Assumed) -> bool:
    """Return True when module ``root`` proves ``fact``: it exports a top-level ``const``
    (or an inline ``module.exports`` property) of constant text, of an array of it, or of an
    object whose property holds it, that nothing in the module changes. Its own imports are
    not followed."""
    local, value = _exported_local(root, fact.name)
    frozen = False
    if local is not None:
        found = _const_value(local, root)
        if found is None:
            return False
        value = found[1]
    if value is None:
        return False
    if fact.need == "text":
        return _constant_text(value, root, value)
    value, frozen = _unwrap(value)
    if local is not None and not _read_only(local, root, frozen):
        return False
    if fact.need == "array":
        return value.type == "array" and all(_constant_text(v, root, value)
                                             for v in code_children(value))
    if value.type != "object" or fact.prop is None:
        return False
    prop = _property_value(value, fact.prop)
    if prop is not None and prop.type == "shorthand_property_identifier":
        return _constant_variable(prop, value, 1)
    return _constant_text(prop, root, value)


def _array_of_constants(name: str, scope: Node, call: Node, depth: int) -> bool:
    """Return True when array ``name`` is declared in ``scope`` as constants and each use of
    it anywhere in ``scope`` (after the query too: a loop or a hoisted function may run it
    first) is a ``name.push(...)``/``unshift`` of constants, ``name.length`` or a method that
    only reads it (``join``, ``map``...): an array handed to a call, aliased, returned, spread
    or written through a subscript (``name[name.length] = …``) may receive anything."""
    declared = False
    home = scope if scope.type in _FUNCTIONS else enclosing(scope, _FUNCTIONS) or _root(scope)
    for occ in _occurrences(name, scope):
        if _shadowed(occ, home, name):
            continue
        parent = occ.parent
        if parent is None or occ.type != "identifier":
            return False
        if parent.type == "variable_declarator" and parent.child_by_field_name("name") == occ:
            value = parent.child_by_field_name("value")
            if declared or value is None or value.type != "array" or not all(
                    _constant_text(v, scope, call, depth) for v in code_children(value)):
                return False
            declared = True
            continue
        if parent.type != "member_expression" or parent.child_by_field_name("object") != occ:
            return False
        method = text(parent.child_by_field_name("property"))
        user = parent.parent
        if method == "length":
            if user is None or user.type == "update_expression" or (
                    user.type in ("assignment_expression", "augmented_assignment_expression")
                    and user.child_by_field_name("left") == parent):
                return False  # `name.length = …` empties or pads it: no text of a client
            continue
        if user is None or user.type != "call_expression" or \
                user.child_by_field_name("function") != parent:
            return False
        args = user.child_by_field_name("arguments")
        given = code_children(args) if args is not None else []
        if method in ("push", "unshift"):
            if args is None or not all(_constant_text(a, scope, call, depth) for a in given):
                return False
        elif method in ("map", "forEach", "filter", "some", "every"):
            if _callback_gets_array(method, user):
                return False  # the callback's third parameter is the array itself
        elif method not in ("join", "slice", "includes", "indexOf"):
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


#: The findings of the file being checked that wait for the project phase (``file_data``).
_DEFERRED: dict[str, list[tuple[Finding, tuple[_Assumed, ...]]]] = {}


def _proved(ctx: ProjectContext, importer: str, fact: _Assumed,
            cache: dict[tuple[str, str, _Assumed, frozenset[str] | None], bool]) -> bool:
    """Return True when the project module ``importer`` imports ``fact.spec`` from proves
    ``fact`` (``_export_holds``); its verdict is kept by the module's contents."""
    target = ctx.resolve_import(importer, fact.spec)
    data = ctx.read(target) if target is not None else None
    if target is None or data is None:
        return False
    key = (target, content_digest(data), fact, _STATE.env_written)
    if key not in cache:
        source = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        lang = JS_SUFFIXES.get(posixpath.splitext(target)[1])
        tree = parse(lang, source) if lang is not None else None
        cache[key] = tree is not None and not tree.root_node.has_error and \
            _export_holds(tree.root_node, fact)
    return cache[key]


def _environment_settled(fact: _Assumed) -> bool:
    """Return True when no project module writes ``process.env`` name ``fact.name`` from
    code (``_STATE.env_written``, set by the project phase)."""
    written = _STATE.env_written
    return written is not None and fact.name not in written and _ANY_NAME not in written


class SqlInjection(Rule):
    """Query calls whose SQL text is built from strings and values."""

    id = "sql-injection"

    def wants(self, source: bytes) -> bool:
        return _SQL_WORD_RE.search(source) is not None

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        _DEFERRED.clear()
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

    def file_data(self, ctx: FileContext) -> list[tuple[Finding, tuple[_Assumed, ...]]] | None:
        """Return the findings ``check_file`` held back because their SQL is constant if what
        they import from project modules is (``_imported``), with those assumptions."""
        kept = _DEFERRED.pop(ctx.rel, None)
        _DEFERRED.clear()
        return kept

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        cache: dict[tuple[str, str, _Assumed, frozenset[str] | None], bool] = \
            ctx.extra.setdefault("sql-injection exports", {})
        fields: dict[tuple[str, _Assumed], bool] = {}  # what the whole project proves
        deferred = ctx.file_data.get(self.id, {})
        if not deferred:
            return
        _STATE.env_written = _project_environment_writes(ctx)
        try:
            for rel, held in deferred.items():
                for finding, assumed in held:
                    for fact in assumed:
                        if fact.need == "field" and (rel, fact) not in fields:
                            fields[rel, fact] = _field_holds(ctx, rel, fact)
                    if not all(fields[rel, fact] if fact.need == "field"
                               else _environment_settled(fact) if fact.need == "environment"
                               else _proved(ctx, rel, fact, cache) for fact in assumed):
                        yield finding
        finally:
            _STATE.env_written = None

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
        held: tuple[_Assumed, ...] = ()
        if source.blocker and source.variable and "assembled" in source.blocker:
            _STATE.assumed = []
            try:
                assembled = _assembled_from_constants(source.variable, source.expr, call)
                held = tuple(_STATE.assumed)
            finally:
                _STATE.assumed = None
            if any(fact.need != "environment" for fact in held):
                assembled, held = False, ()  # imports are followed for one expression only
            if assembled and not held:
                return None  # only constant SQL text; the values go in as parameters
            if not assembled:
                held = ()
        finding = self._judge(ctx, call, method, args, driver, source, held)
        if finding is not None and held:
            # Assembled from constants and environment values: reported if the project
            # writes those names of process.env from code.
            _DEFERRED.setdefault(ctx.rel, []).append((finding, held))
            return None
        return finding

    def _judge(self, ctx: FileContext, call: Node, method: str, args: list[Node],
               driver: str | None, source: _Source,
               held: tuple[_Assumed, ...]) -> Finding | None:
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
        known: set[tuple[int, int]] = set()  # constant without assuming what imports export
        _STATE.assumed = []
        try:
            constant = True
            for value in pieces.values():
                before = len(_STATE.assumed)
                if _internal_value(value) or _constant_text(value, scope, call):
                    if len(_STATE.assumed) == before:
                        known.add((value.start_byte, value.end_byte))
                else:
                    constant = False
            assumed = tuple(_STATE.assumed)
        finally:
            _STATE.assumed = None
        if constant and not assumed:
            # Numbers, sqlite's own row ids, constant SQL fragments and placeholder lists
            # (`ids.map(() => '?').join(',')`): nothing a client controls.
            return None
        finding = self._report(ctx, call, method, args, driver, source, pieces,
                               frozenset(known))
        if constant:
            # Constant if the project modules it imports from export what it assumes.
            _DEFERRED.setdefault(ctx.rel, []).append((finding, held + assumed))
            return None
        return finding

    def _report(self, ctx: FileContext, call: Node, method: str, args: list[Node],
                driver: str | None, source: _Source, pieces: Pieces,
                known: frozenset[tuple[int, int]] = frozenset()) -> Finding:
        """Return the finding of a call whose SQL embeds values (``known``: the byte spans of
        the values that are constant, which the message does not blame)."""
        how = "a template literal" if source.expr.type == "template_string" else "`+`"
        base = f"SQL built with {how} from values can be injected"
        if source.variable:
            base += f" (`{source.variable}`)"
        placeholder = "$" if driver == "pg" else "?"
        rewrite = parameterize(pieces, placeholder, known)
        if rewrite.problems:
            return ctx.node_finding(
                self.id, call, f"{base}: {rewrite.problems[0]} (no automatic fix)")
        if rewrite.inline:
            # A constant fragment may hold placeholders of its own, which new ones would
            # renumber or mix with: no rewrite.
            return ctx.node_finding(
                self.id, call, f"{base}; the SQL also holds fragments built in the code: use "
                "placeholders and a parameter array (no automatic fix)")
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
