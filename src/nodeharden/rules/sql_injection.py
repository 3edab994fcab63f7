"""sql-injection: SQL text built with ``+`` or template literals, rewritten to placeholders."""

from __future__ import annotations

import bisect
import heapq
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

from tree_sitter import Node, Tree

from nodeharden._express import function_params
from nodeharden._model import Applicability, FileChange, Finding, Fix, TextEdit
from nodeharden._parse import (
    CALL_OPEN,
    FUNCTION_TYPES,
    GAP,
    arguments_of,
    captures,
    code_children,
    enclosing,
    has_spread,
    merge_ranges,
    nodes_in,
    object_properties,
    parse,
    string_value,
    text,
    unwrap,
    walk,
)
from nodeharden._project import JS_SUFFIXES
from nodeharden._record import field, record
from nodeharden._regex import finditer_each, lazy_pattern
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
#: One pattern per quote (``finditer_each``): one that starts with a literal is searched for
#: it, where ``['"`]`` is tried at every byte.
_SQL_WORD_RES = tuple(lazy_pattern(
    quote + rb"\s*\(?\s*(?i:select|insert|update|delete|with|replace|merge)\b")
    for quote in (b"'", b'"', b"`"))
#: The start of a query method call up to its first argument (`.query(`, `.all<Row>(`…).
_METHOD_CALL = (rb"\." + GAP + rb"(?:" + b"|".join(m.encode() for m in sorted(SQL_METHODS))
                + rb")" + CALL_OPEN + GAP)
#: A query method called with a name first (``.query(sql``), the name in group 1.
_METHOD_CALL_NAME_RE = lazy_pattern(_METHOD_CALL + rb"([A-Za-z_$][\w$]*)(?![\w$])")
_CALLBACK_NAME_RE = lazy_pattern(
    r"(?i)^(cb|callback|done|next|fn|handler|resolve)$|(callback|cb|handler)$")
#: What ``_resolve_variable`` needs from a scope, found by tree-sitter in one pass per scope.
_SCOPE_QUERY = """
(variable_declarator name: (_) @decl_name) @decl
(assignment_expression left: (_) @assigned)
(augmented_assignment_expression left: (_) @assigned)
(identifier) @ident
"""


@record
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


@record
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
    writes = _writes_of(text(ident), _root(ident))
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


def _placeholder_list(node: Node) -> bool:
    """Return True for ``xs.map(() => '?').join(',')`` (``_constant_per_element`` joined with
    constant text): placeholders, one per element of ``xs``, whatever ``xs`` holds. What a
    helper returns as its SQL fragment (``{ clause: `id IN (${placeholders})`, params: ids
    }``) is then the code's own text, however the request chose the ids."""
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if fn is None or fn.type != "member_expression" or args is None or \
            text(fn.child_by_field_name("property")) != "join":
        return False
    receiver = unwrap(fn.child_by_field_name("object"))
    if receiver is None or receiver.type != "call_expression" or \
            not all(a.type == "string" for a in code_children(args)):
        return False
    return _constant_per_element(receiver, _scope_of(node), node, 0)


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


@record
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
    #: The occurrences of each name that write it (``_write_kind``), in document order: built
    #: once per name (a 1 MB file of 19,000 calls on one name asked 720 million times).
    writes: dict[str, list[Node]] = field(default_factory=dict)
    #: Start bytes of ``names`` (document order), for ``_occurrences``' range look-up.
    starts: dict[str, list[int]] = field(default_factory=dict)
    #: ``_field_sites``: the nodes that may write a property, by property name ("" for any).
    sites: dict[str, list[Node]] | None = None
    #: ``_declares`` results by (scope node id, name).
    declares: dict[tuple[int, str], str | None] = field(default_factory=dict)
    #: ``_allow_listed``: a block's ``if (!LIST.includes(x)) return`` guards, by block id:
    #: (start byte, the value tested, the list's name, the condition).
    guards: dict[int, list[tuple[int, str, str, Node]]] = field(default_factory=dict)
    #: ``_uses`` results by (scope start byte, name).
    uses: dict[tuple[int, str], tuple[list[Node], list[Node]]] = field(default_factory=dict)
    #: ``_import_of`` results by name.
    imports: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    #: ``_package_bindings``: names bound to a package's module or export.
    packages: dict[str, tuple[str, str]] | None = None


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


def _writes_of(name: str, scope: Node) -> list[Node]:
    """Return the occurrences of ``name`` inside ``scope`` that write it (``_occurrences``
    with a ``_write_kind``), from the file's index."""
    index = _name_index(scope)
    writes = index.writes.get(name)
    if writes is None:
        writes = index.writes[name] = [n for n in index.names.get(name, [])
                                       if _write_kind(n) is not None]
    return [n for n in writes if scope.start_byte <= n.start_byte and n.end_byte <= scope.end_byte]


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


class _Assumed(NamedTuple):
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
    #: For "callers": the index of the parameter whose arguments decide.
    params: tuple[int, ...] = ()
    #: For "callers": the property of the argument the value is (``opts.orderBy``), if one.
    #: For "returns": the property of the returned value the query reads (``f.clause``).
    key: str | None = None
    #: For "import" and "returns": the importing module (``spec`` is relative to it). For
    #: "callers": the module that defines the function.
    home: str | None = None
    #: For "returns": what the argument at ``params[0]`` may come from (``_reach``).
    inner: frozenset[object] = frozenset()
    #: For "callers": the class whose method the function is, if one.
    owner: str | None = None


@record
class _EvalState:
    """State of one proof: the imported facts assumed so far (None: imports are values, as
    in the project phase, which follows one hop only), and the mapper parameters that stand
    for elements of a constant array, as (function start byte, name)."""

    assumed: list[_Assumed] | None = None
    constant_params: set[tuple[int, str]] = field(default_factory=set)
    #: In the project phase: the ``process.env`` names some module writes from code
    #: (``_project_environment_writes``); None elsewhere.
    env_written: frozenset[str] | None = None
    #: The module whose tree ``_reach`` walks (its imports are relative to it).
    rel: str = ""
    #: How many calls of a driver's escaping function ``_reach`` has met (``_escaper_kept``).
    escaped: int = 0
    #: The project's package.json lists a mysql driver (``_MYSQL_PACKAGES``): a connection's
    #: ``escape`` made in another module (``require('./db')()``) is the driver's.
    mysql_dependency: bool = False


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


@record
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
    writes = _writes_of(text(ident), _root(ident))
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
    writes = [n for n in _writes_of(text(ident), where[1]) if enclosing(n, _FUNCTIONS) == own]
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
    spans = [m.span() for m in finditer_each(_SQL_WORD_RES, source)]
    for span in spans:
        # The nearest declarator around the string: a farther one holds a statement between
        # (a function, a block), which is no SQL expression.
        node: Node | None = root.descendant_for_byte_range(*span)
        while node is not None and node.type not in _STOP_AT:
            node = node.parent
        if node is not None and node.type == "variable_declarator":
            name = node.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                names.add(text(name))
    if names:
        # `.query(sql`: a query method whose first argument is one of those variables (a
        # set of them, not an alternation compiled per file).
        wanted = {name.encode() for name in names}
        spans += [m.span() for m in _METHOD_CALL_NAME_RE.finditer(source)
                  if m.group(1) in wanted]
    return merge_ranges(spans)


def _has_comment(node: Node) -> bool:
    return any(n.type == "comment" for n in walk(node))


def _is_callback(node: Node, ctx: FileContext) -> bool:
    if node.type in ("arrow_function", "function_expression", "function"):
        return True
    return node.type == "identifier" and (_CALLBACK_NAME_RE.search(text(node)) is not None
                                          or text(node) in function_params(ctx.tree.root_node))


#: What a value of a query's SQL may come from (``_reach``): the request (report it), or a
#: parameter of a named function, which its callers decide (``_Assumed`` "callers").
_REQUEST = "request"
#: Route registration methods: a function handed to one is a handler, its first parameter the
#: request.
_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "all", "use",
                            "options", "head"})
#: Calls whose result is what the database or a store gives back, not text made from their
#: arguments (``await Order.findOne({ where: { id: req.params.id } })``).
_RESULT_CALLS = frozenset({
    "find", "findOne", "findAll", "findById", "findByPk", "findMany", "findFirst",
    "findUnique", "findAndCountAll", "findOneAndUpdate", "findOneBy", "findBy", "count",
    "countDocuments", "query", "execute", "exec", "all", "run", "raw", "each", "first", "load",
    "loadMany", "aggregate", "distinct"})
#: Query methods whose callback is given the rows (``db.query(sql, [id], (err, rows) => …)``);
#: not `each`, `all`, `get` or `run`, which other libraries' callbacks share (``async.each``).
_ROWS_CALLBACKS = frozenset({"query", "execute", "find", "findOne", "findById", "findByPk",
                             "findAll", "count", "countDocuments", "aggregate"})
#: Array methods whose callback gets an element of the array as its first argument.
_ELEMENT_METHODS = _INDEX_METHODS | {"reduce", "reduceRight"}
#: Event registration on a socket: its listeners get what a client sent.
_LISTEN_METHODS = frozenset({"on", "once", "addListener"})
_SOCKET_RE = lazy_pattern(r"(?i)(socket|^ws$|^client$|^conn(ection)?$)")
#: A GraphQL resolver's arguments (``resolve(parent, args)``): what the client sent.
_RESOLVER_ARGS = frozenset({"args", "input"})
#: The first parameter of a GraphQL resolver, before the client's arguments.
_RESOLVER_PARENTS = frozenset({"_", "__", "parent", "root", "obj", "source", "_parent",
                               "_root", "_obj", "_source"})
#: Events whose listeners get what a client sent over a socket or a request stream.
_CLIENT_EVENTS = frozenset({"message", "data", "text", "binary"})
#: Parameter decorators that hand a handler part of the request (NestJS, routing-controllers).
_DECORATED_INPUT_RE = lazy_pattern(
    r"^@(?:Query|Param|Params|Body|Headers|Header|Req|Request|QueryParam|QueryParams|"
    r"BodyParam|HeaderParam|CookieParam|Session|Args|Arg)\b")
#: Pattern nodes a destructured name sits in, up to its declarator or assignment.
_PATTERNS = frozenset({"object_pattern", "array_pattern", "pair_pattern", "assignment_pattern",
                       "rest_pattern", "object_assignment_pattern"})
_MAX_REACH_DEPTH = 24
_MAX_CALLER_HOPS = 5


#: What a ``_reach`` walk has visited (a variable in its scope, a field, a function's
#: returns), with the depth it was visited at: a visit cut short by ``_MAX_REACH_DEPTH``
#: does not stop a later, shallower one.
_Seen = dict[tuple[int, str], int]


def _visit(seen: _Seen, key: tuple[int, str], depth: int) -> bool:
    """Return True (and record it) when ``key`` is to be walked at ``depth``: never visited,
    or visited deeper than now."""
    if key in seen and seen[key] <= depth:
        return False
    seen[key] = depth
    return True


def _returned_of_arguments(imported: tuple[str, str], method: str | None, args: Node,
                           depth: int, seen: _Seen, key: str | None = None) -> set[object]:
    """Return what a call of another module's function (``imported``: its module and name;
    ``method``: the member called on it, for a class or object) may give back of its
    arguments (``key``: in that property of what it returns): for each argument that may
    come from somewhere, an ``_Assumed`` "returns" the project phase proves in that module;
    a spread argument's own sources, after which the positions are unknown."""
    found: set[object] = set()
    for index, arg in enumerate(code_children(args)):
        if arg.type == "spread_element":
            found |= _reach(arg, depth, seen)
            break
        inner = _reach(arg, depth, seen)
        if inner:
            found.add(_Assumed(imported[0], imported[1], "returns", method, (index,), key,
                               home=_STATE.rel, inner=frozenset(inner)))
    return found


#: Packages whose functions escape a value into a SQL literal or a quoted identifier.
_MYSQL_PACKAGES = frozenset({"mysql", "mysql2", "mysql2/promise", "sqlstring"})
_SEQUELIZE_PACKAGES = frozenset({"sequelize", "sequelize-typescript", "@sequelize/core"})
#: Names a mysql connection or pool usually goes by (``connection.escape(v)``).
_MYSQL_HANDLES = frozenset({"connection", "conn", "con", "cnx", "pool", "db", "database",
                            "client", "mysql", "sql", "sqlstring", "promisepool"})
#: mysql calls that make a connection or pool (whose ``escape`` is the driver's).
_MYSQL_MAKERS = frozenset({"createConnection", "createPool", "createPoolCluster",
                           "getConnection"})
_PG_FORMAT_SPEC_RE = lazy_pattern(r"%(?:%|(\d+)\$([sIL])|([sIL]))")


def _package_bindings(node: Node) -> dict[str, tuple[str, str]]:
    """Return the file's names bound at the top to a package (not a relative module): name ->
    (package, exported name; "" for the module itself), from ``import`` or a declaration of
    ``require('pkg')`` (also destructured)."""
    index = _name_index(node)
    if index.packages is not None:
        return index.packages
    found: dict[str, tuple[str, str]] = {}
    for stmt in index.root.named_children:
        if stmt.type == "import_statement":
            spec = string_value(stmt.child_by_field_name("source"))
            if spec is None or spec.startswith("."):
                continue
            for part in walk(stmt):
                if part.type == "import_specifier":
                    name = part.child_by_field_name("name")
                    alias = part.child_by_field_name("alias") or name
                    found[text(alias)] = (spec, text(name))
                elif part.type == "identifier" and part.parent is not None and \
                        part.parent.type in ("import_clause", "namespace_import"):
                    found[text(part)] = (spec, "")
        elif stmt.type in ("lexical_declaration", "variable_declaration"):
            for decl in code_children(stmt):
                value = decl.child_by_field_name("value") if \
                    decl.type == "variable_declarator" else None
                target = decl.child_by_field_name("name") if value is not None else None
                if value is None or target is None or value.type != "call_expression" or \
                        text(value.child_by_field_name("function")) != "require":
                    continue
                args = code_children(value.child_by_field_name("arguments") or value)
                spec = string_value(args[0]) if len(args) == 1 else None
                if spec is None or spec.startswith("."):
                    continue
                if target.type == "identifier":
                    found[text(target)] = (spec, "")
                elif target.type == "object_pattern":
                    for prop in code_children(target):
                        if prop.type == "shorthand_property_identifier_pattern":
                            found[text(prop)] = (spec, text(prop))
                        elif prop.type == "pair_pattern":
                            key = prop.child_by_field_name("key")
                            val = prop.child_by_field_name("value")
                            if key is not None and val is not None and \
                                    val.type == "identifier":
                                found[text(val)] = (spec, text(key))
    index.packages = found
    return found


def _package_of(ident: Node) -> tuple[str, str] | None:
    """Return (package, exported name) ``ident`` is bound to by a top-level import or
    ``require`` (``_package_bindings``), when nothing else in the file binds or assigns the
    name."""
    held = _package_bindings(ident).get(text(ident))
    if held is None:
        return None
    # Bound once in the file: no assignment, no parameter or function of the same name.
    writes = _writes_of(text(ident), _root(ident))
    return held if len(writes) <= 1 else None


def _pg_format_kept(args: list[Node]) -> list[Node] | None:
    """Return what of a pg-format ``format(fmt, …)`` call the result may hold unescaped: the
    format text and the arguments ``%s`` puts in as they are (``%L`` and ``%I`` quote theirs);
    None when the format text is not written in the call."""
    if not args or any(a.type == "spread_element" for a in args):
        return None
    fmt = string_value(args[0]) if args[0].type == "string" else None
    if fmt is None and args[0].type == "template_string" and \
            not any(c.type == "template_substitution" for c in args[0].named_children):
        fmt = text(args[0])[1:-1]
    if fmt is None:
        return None
    raw: set[int] = set()
    position = 0
    for match in _PG_FORMAT_SPEC_RE.finditer(fmt):
        if match.group(1) is not None:
            index, kind = int(match.group(1)) - 1, match.group(2)
        elif match.group(3) is not None:
            index, kind = position, match.group(3)
            position += 1
        else:
            continue  # `%%`
        if kind == "s":
            raw.add(index)
    return [args[0]] + [a for i, a in enumerate(args[1:]) if i in raw]


def _escaper_kept(call: Node) -> list[Node] | None:
    """Return, for a call of a SQL driver's escaping function, the arguments whose text its
    result may still hold as they are (none for ``escape(v)``: a quoted SQL literal; the SQL
    text for mysql's ``format(sql, values)``); None when the call is no known escaper.

    Known: mysql/mysql2/sqlstring ``escape``/``escapeId``/``format`` (imported, or called on
    the module, on a connection or pool it makes or on a name one goes by), Sequelize's
    ``sequelize.escape`` (on an instance, in a file that imports Sequelize), pg's
    ``escapeLiteral``/``escapeIdentifier`` and pg-format's ``format``/``literal``/``ident``.
    An app's own ``escape`` (imported from elsewhere, or defined in the project) is none."""
    fn = call.child_by_field_name("function")
    args = code_children(call.child_by_field_name("arguments") or call)
    if fn is None or call.type != "call_expression":
        return None
    if fn.type == "identifier":
        held = _package_of(fn)
        return _package_escaper(held[0], held[1], args) if held is not None else None
    if fn.type != "member_expression":
        return None
    method = text(fn.child_by_field_name("property"))
    receiver = fn.child_by_field_name("object")
    if receiver is None or method not in ("escape", "escapeId", "format", "escapeLiteral",
                                          "escapeIdentifier", "literal", "ident", "withArray"):
        return None
    if receiver.type == "identifier":
        held = _package_of(receiver)
        if held is not None:
            if held[1] == "":
                return _package_escaper(held[0], method, args)
            return None
    name = text(receiver.child_by_field_name("property") or receiver)
    packages = {spec for spec, _ in _package_bindings(receiver).values()}
    if method == "escape" and packages & _SEQUELIZE_PACKAGES and \
            name.lower().endswith("sequelize"):
        return []
    if method in ("escapeLiteral", "escapeIdentifier") and "pg" in packages and \
            receiver.type != "this":
        return []
    if method in ("escape", "escapeId", "format") and packages & _MYSQL_PACKAGES and (
            _mysql_handle(receiver) or name.lower() in _MYSQL_HANDLES and
            not _from_project_module(receiver)):
        return [] if method != "format" else args[:1]
    if method in ("escape", "escapeId") and _STATE.mysql_dependency \
            and not packages & _MYSQL_PACKAGES and name.lower() in _MYSQL_HANDLES:
        # `const connection = require('../config/db')()` where that module makes the mysql
        # connection: in a project whose only SQL driver dependency is mysql, a handle's
        # `escape` is the driver's (the file itself imports no driver to tell otherwise).
        return []
    return None


#: Names of functions that escape a value into SQL text in the drivers and their helpers.
_ESCAPE_NAMES = frozenset({"escape", "escapeId", "escapeLiteral", "escapeIdentifier",
                           "escapeString", "literal", "ident", "quote", "quoteIdentifier"})


def _escape_named(value: Node) -> bool:
    """Return True when ``value`` is a call of a function named as an SQL escaper whose
    definition the file does not show: a method of some object (``db.escape(v)``) or a name
    the file does not declare (``escapeLiteral(v)`` imported from elsewhere). A function of
    the file's own (``function escape(s) { return toHtml(s); }``) is judged as before."""
    value = unwrap(value)
    if value is None or value.type != "call_expression":
        return False
    fn = value.child_by_field_name("function")
    if fn is not None and fn.type == "member_expression":
        prop = fn.child_by_field_name("property")
        return prop is not None and text(prop) in _ESCAPE_NAMES
    if fn is None or fn.type != "identifier" or text(fn) not in _ESCAPE_NAMES:
        return False
    name = text(fn)
    return not any(node.type in ("function_declaration", "variable_declarator")
                   and text(node.child_by_field_name("name")) == name
                   for node in walk(_root(value)))


def _package_escaper(package: str, name: str, args: list[Node]) -> list[Node] | None:
    """Return ``_escaper_kept``'s answer for a package's function ``name``."""
    if package in _MYSQL_PACKAGES:
        if name in ("escape", "escapeId"):
            return []
        return args[:1] if name == "format" else None
    if package == "pg" and name in ("escapeLiteral", "escapeIdentifier"):
        return []
    if package == "pg-format":
        if name in ("literal", "ident"):
            return []
        if name in ("", "default", "format"):
            return _pg_format_kept(args)
        if name == "withArray" and len(args) == 2:
            kept = _pg_format_kept(args[:1])
            fmt = text(args[0])
            return None if kept is None else \
                args if "%s" in fmt or re.search(r"%\d+\$s", fmt) else kept
    return None


def _from_project_module(node: Node) -> bool:
    """Return True when ``node`` (or the object it is a property of) is a name the file
    imports or requires from a relative module: the project's own object, whose ``escape``
    may be anything."""
    while node.type == "member_expression":
        node = node.child_by_field_name("object") or node
    if node.type != "identifier":
        return node.type != "this"
    for occ in _occurrences(text(node), _root(node)):
        if _write_kind(occ) is None:
            continue
        statement = enclosing(occ, ("import_statement", "lexical_declaration",
                                    "variable_declaration"))
        if statement is None:
            continue
        source = statement.child_by_field_name("source") if \
            statement.type == "import_statement" else None
        spec = string_value(source) if source is not None else None
        if spec is not None and spec.startswith(".") or \
                re.search(r"\brequire\s*\(\s*['\"]\.", text(statement)):
            return True
    return False


def _mysql_handle(receiver: Node) -> bool:
    """Return True when ``receiver`` is a ``const`` of the module or function made by a mysql
    package's ``createConnection``/``createPool``/… (``await`` allowed)."""
    if receiver.type != "identifier":
        return False
    bound = _binding(receiver)
    held = _const_value(text(receiver), bound[1]) if bound is not None else None
    value = held[1] if held is not None else None
    if value is not None and value.type == "await_expression" and value.named_children:
        value = value.named_children[0]
    fn = value.child_by_field_name("function") if value is not None and \
        value.type == "call_expression" else None
    if fn is None or fn.type != "member_expression":
        return False
    if text(fn.child_by_field_name("property")) not in _MYSQL_MAKERS:
        return False
    maker = fn.child_by_field_name("object")
    if maker is None:
        return False
    if maker.type == "identifier":
        held_by = _package_of(maker)
        return held_by is not None and held_by[0] in _MYSQL_PACKAGES or _mysql_handle(maker)
    return False


def _reach(node: Node | None, depth: int, seen: _Seen) -> set[object]:
    """Return what the value ``node`` may be made of that a client could steer: ``_REQUEST``
    (a request read: ``req.query.x``, a variable or field written from one, a value a
    handler's or a socket listener's parameter holds) and ``_Assumed`` facts the project phase
    decides: "callers" (a parameter of a named function: what its callers pass), "writes" (a
    field: what modules write to it), "import"/"returns" (another module's export, or what
    its function returns for an argument), "environment" (``process.env``: whether the
    project writes it). Literals, globals, dates and numbers, values checked against an
    allow-list, the results of database reads and the parameters of callbacks a library calls
    are the program's own values. Beyond ``_MAX_REACH_DEPTH`` hops a value counts as the
    program's own."""
    found: set[object] = set()
    if node is None or depth > _MAX_REACH_DEPTH:
        return found
    stack = [node]
    while stack:
        if _REQUEST in found:
            return found  # the rest cannot make it more reachable
        cur = stack.pop()
        kind = cur.type
        if kind in _FUNCTIONS or kind in ("string", "number", "regex", "comment", "true",
                                          "false", "null", "undefined",
                                          "property_identifier", "type_annotation",
                                          "type_arguments"):
            continue
        if kind in ("identifier", "member_expression") and _allow_listed(cur, depth, seen):
            continue  # checked against a list of the program's own values first
        if kind == "identifier":
            found |= _name_reach(cur, depth + 1, seen)
            continue
        if kind in ("member_expression", "subscript_expression"):
            obj = cur.child_by_field_name("object")
            if obj is not None and text(obj).replace(" ", "") == "process.env" and \
                    obj.type == "member_expression" and _binding(
                        obj.child_by_field_name("object") or obj) is None:
                # The deployer's, unless the project writes that name from code.
                found.add(_Assumed("", _member_key(cur) or _ANY_NAME, "environment"))
                continue
            if kind == "member_expression" and obj is not None and obj.type == "this":
                found |= _field_reach(cur, depth + 1, seen)
                continue
            key = _member_key(cur)
            if key == "length" and kind == "member_expression":
                continue  # a number
            if kind == "subscript_expression" and key is None:
                # `table[k]`: one of what the object holds; the key only picks.
                if obj is not None:
                    stack.append(obj)
                continue
            if key is not None and obj is not None and obj.type == "identifier" and \
                    _local_class(obj) is not None:
                # A static field (`Store.TABLE`): whatever any module writes there.
                found.add(_Assumed("", key, "writes", text(obj)))
                continue
            if key is not None and obj is not None and obj.type in (
                    "identifier", "call_expression", "object", "member_expression"):
                found |= _reach_key(obj, key, depth + 1, seen)  # `opts.orderBy`
                continue
        if kind == "ternary_expression":
            # The condition picks a branch; only the branches are the value.
            stack.extend(c for c in (cur.child_by_field_name("consequence"),
                                     cur.child_by_field_name("alternative")) if c is not None)
            continue
        if kind == "binary_expression" and text(cur.child_by_field_name("operator")) in \
                _NO_TEXT_OPERATORS:
            continue  # a boolean or a number
        if kind == "unary_expression" and text(cur.children[0]) in ("!", "typeof", "void",
                                                                    "delete", "-", "~"):
            continue
        if kind == "call_expression" and _numeric(cur):
            continue  # `parseInt(x, 10)`, `Number(x)`, `Math.floor(x)`: a number or NaN
        if kind == "call_expression" and _placeholder_list(cur):
            continue  # `ids.map(() => '?').join(',')`: one '?' per element, whatever they are
        if kind == "call_expression" and (kept := _escaper_kept(cur)) is not None:
            # A driver's escaping function: its result is a quoted SQL literal or name,
            # whatever it is given (what `format` puts in as it is stays).
            _STATE.escaped += 1
            stack.extend(kept)
            continue
        if kind in ("call_expression", "new_expression"):
            fn = cur.child_by_field_name("function") or cur.child_by_field_name("constructor")
            args = cur.child_by_field_name("arguments")
            if fn is not None and (text(fn) in _DATE_MAKERS or fn.type == "member_expression"
                                   and text(fn.child_by_field_name("property"))
                                   in _NO_TEXT_METHODS):
                continue  # a date, or a number or date text made from one
            local = _local_callee(fn) if fn is not None and kind == "call_expression" else None
            if local is not None and args is not None:
                found |= _returned_reach(local, code_children(args), depth, seen)
                continue
            imported = _import_of(fn) if fn is not None and fn.type == "identifier" and \
                kind == "call_expression" else None
            if imported is not None and args is not None:
                # A function of another module: what it returns of each argument is
                # looked at there in the project phase.
                found |= _returned_of_arguments(imported, None, args, depth, seen)
                continue
            if fn is not None and fn.type == "member_expression":
                method = text(fn.child_by_field_name("property"))
                receiver = fn.child_by_field_name("object")
                own = _class_method(fn) if receiver is not None and \
                    receiver.type == "this" else None
                if own is not None and args is not None:
                    # `this.whereFor(filters)`: what the class's own method returns.
                    found |= _returned_reach(own, code_children(args), depth, seen)
                    continue
                if method in _RESULT_CALLS and receiver is not None and \
                        _REQUEST not in _reach(receiver, depth + 1, seen):
                    continue  # rows or a document a database or store gives back
                holder = _import_of(receiver) if receiver is not None and \
                    receiver.type == "identifier" and kind == "call_expression" else None
                held = _reach(receiver, depth, seen) if holder is not None else set()
                if holder is not None and args is not None:
                    # `Periods.toSql(p)` of an imported class or object: what that method
                    # returns of each argument is looked at there in the project phase; what
                    # the call is given and what the object holds (index -1), when the rule
                    # cannot read the method there.
                    if held:
                        found.add(_Assumed(holder[0], holder[1], "returns", method, (-1,),
                                           home=_STATE.rel, inner=frozenset(held)))
                    found |= _returned_of_arguments(holder, method, args, depth, seen)
                    continue
                if receiver is not None:
                    stack.append(receiver)  # `req.get('x')`, `s.trim()`
            if args is not None:
                stack.extend(code_children(args))
            continue
        stack.extend(c for c in cur.named_children)
    return found


#: Calls that make a date (whose text is the date's, whatever they are given).
_DATE_MAKERS = frozenset({"Date", "Date.UTC", "Date.now", "Date.parse"})
#: Methods whose result is a number, or the text of a date or a number, never text a client
#: wrote.
_NO_TEXT_METHODS = frozenset({
    "toISOString", "toUTCString", "toDateString", "toTimeString", "toLocaleDateString",
    "getTime", "getFullYear", "getMonth", "getDate", "getDay", "getHours", "getMinutes",
    "getSeconds", "getMilliseconds", "getUTCFullYear", "getUTCMonth", "getUTCDate",
    "getUTCHours", "toFixed", "toPrecision", "indexOf", "lastIndexOf", "findIndex",
    "localeCompare", "charCodeAt", "codePointAt"})
#: Operators whose result is a boolean or a number, whatever text their operands hold.
_NO_TEXT_OPERATORS = frozenset({"===", "!==", "==", "!=", "<", ">", "<=", ">=", "instanceof",
                                "in", "-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>",
                                ">>>"})


def _class_method(fn: Node) -> Node | None:
    """Return the method ``this.name`` calls in the class around it: one non-static method
    of that name, no field or accessor of it."""
    cls = enclosing(fn, _CLASS_TYPES)
    body = cls.child_by_field_name("body") if cls is not None else None
    name = text(fn.child_by_field_name("property"))
    if body is None:
        return None
    found = [m for m in code_children(body) if m.type == "method_definition" and
             text(m.child_by_field_name("name")) == name]
    if len(found) != 1 or any(text(c) in ("static", "get", "set") for c in found[0].children):
        return None
    return found[0]


def _local_callee(fn: Node) -> Node | None:
    """Return the file's own function a callee names: ``_local_function``'s, or one held by
    a ``const`` of the module that nothing else binds (``const pick = (a, b) => …``)."""
    if fn.type not in ("identifier", "member_expression"):
        return None
    found = _local_function(fn)
    if found is not None or fn.type != "identifier":
        return found
    held = _const_value(text(fn), _root(fn))
    value = _unwrap(held[1])[0] if held is not None else None
    return value if value is not None and value.type in _FUNCTIONS and \
        _binding(fn) == ("var", _root(fn)) else None


_LIST_TEST_RE = lazy_pattern(r"^([\w$.]+)\s*\.\s*(?:includes|has)\s*\(\s*(.+?)\s*\)$")
_INDEX_TEST_RE = lazy_pattern(
    r"^([\w$.]+)\s*\.\s*indexOf\s*\(\s*(.+?)\s*\)\s*(?:===?\s*-\s*1|<\s*0)$")


def _allow_listed(node: Node, depth: int, seen: _Seen) -> bool:
    """Return True when the value ``node`` reads is checked against a list no client fills
    before it is used: ``ALLOWED.includes(sort) ? sort : 'name'``, or an earlier ``if
    (!ALLOWED.includes(sort)) return …`` (``throw``; ``.has``, ``indexOf(…) === -1``) in a
    block around it, in the same function."""
    value = re.sub(r"\s+", "", text(node))
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    if parent is not None and parent.type == "ternary_expression" and \
            parent.child_by_field_name("consequence") == node:
        condition = unwrap(parent.child_by_field_name("condition") or parent)
        test = _LIST_TEST_RE.match(text(condition))
        if test is not None and re.sub(r"\s+", "", test.group(2)) == value:
            return _REQUEST not in _reach_list(condition, test.group(1), depth, seen)
    fn = enclosing(node, _FUNCTIONS)
    block = node.parent
    memo = _name_index(node).guards
    while block is not None and block != fn:
        if block.type == "statement_block" or block.type == "program":
            if block.id not in memo:
                memo[block.id] = _block_guards(block)
            for start, tested, listed, condition in memo[block.id]:
                if start >= node.start_byte:
                    break
                if tested == value and _REQUEST not in _reach_list(condition, listed, depth,
                                                                   seen):
                    return True
        block = block.parent
    return False


def _block_guards(block: Node) -> list[tuple[int, str, str, Node]]:
    """Return the allow-list guards among a block's statements (``_allow_listed``)."""
    found: list[tuple[int, str, str, Node]] = []
    for statement in code_children(block):
        if statement.type != "if_statement" or \
                statement.child_by_field_name("alternative") is not None or \
                not _ends(statement.child_by_field_name("consequence")):
            continue
        condition = statement.child_by_field_name("condition") or statement
        guard = text(unwrap(condition)).strip()
        test = _LIST_TEST_RE.match(guard[1:].strip()) if guard.startswith("!") else \
            _INDEX_TEST_RE.match(guard)
        if test is not None:
            found.append((statement.start_byte, re.sub(r"\s+", "", test.group(2)),
                          test.group(1), condition))
    return found


def _reach_list(near: Node, name: str, depth: int, seen: _Seen) -> set[object]:
    """Return ``_reach`` of the list an allow-list test ``near`` names."""
    found = next((n for n in walk(near) if n.type in ("identifier", "member_expression")
                  and text(n) == name), None)
    return _reach(found, depth + 1, seen) if found is not None else {_REQUEST}


def _ends(block: Node | None) -> bool:
    """Return True when a branch ends with ``return`` or ``throw`` (or is one)."""
    if block is None:
        return False
    last = code_children(block)[-1] if block.type == "statement_block" and \
        code_children(block) else block
    return last.type in ("return_statement", "throw_statement")


def _returned_reach(func: Node, args: list[Node], depth: int,
                    seen: _Seen, key: str | None = None,
                    keep_own: bool = False) -> set[object]:
    """Return ``_reach`` of what a call of the file's own function ``func`` gives back (its
    property ``key``, if one): of its ``return`` values, a parameter standing for the call's
    argument at its place."""
    memo = (func.start_byte, "returns")
    if not _visit(seen, memo, depth):
        return set()
    body = func.child_by_field_name("body")
    values: list[Node] = []
    if body is not None and body.type != "statement_block":
        values.append(body)  # `(a) => a ? 'x' : ''`
    elif body is not None:
        values.extend(code_children(node)[0] for node in walk(body)
                      if node.type == "return_statement" and code_children(node) and
                      enclosing(node, _FUNCTIONS) == func)
    summary: set[object] = set()
    for value in values:
        summary |= _reach(value, depth + 1, seen) if key is None else \
            _reach_key(value, key, depth + 1, seen)
    seen.pop(memo, None)
    own = _function_name(func)
    if keep_own:
        return summary  # its own parameters' facts stand for the arguments
    found: set[object] = set()
    for item in summary:
        if isinstance(item, _Assumed) and item.need == "callers" and own is not None and \
                (item.name, item.prop == "new") == own:
            found |= _argument_reach(args, item, depth + 1, seen)
        else:
            found.add(item)
    return found


def _argument_reach(args: list[Node], fact: _Assumed, depth: int,
                    seen: _Seen) -> set[object]:
    """Return ``_reach`` of what a call's arguments give the parameter a "callers" fact
    names (its property ``fact.key``, if one)."""
    index = fact.params[0]
    spread = next((a for a in args[:index + 1] if a.type == "spread_element"), None)
    given = spread if spread is not None else args[index] if index < len(args) else None
    if given is None:
        return set()
    return _reach(given, depth, seen) if fact.key is None or spread is not None else \
        _reach_key(given, fact.key, depth, seen)


def _reach_key(node: Node, key: str, depth: int, seen: _Seen) -> set[object]:
    """Return ``_reach`` of property ``key`` of the value ``node``: the last property of an
    object literal that sets it (and the spreads after it), what a variable's writes hold
    there, a parameter's callers' arguments there, a call's returned object there; for
    anything else, the whole value."""
    node = _unwrap(node)[0]
    if depth > _MAX_REACH_DEPTH:
        return set()
    if node.type == "member_expression" and text(node).replace(" ", "") == \
            "this.constructor":
        return set()  # a static field of the class or a subclass: class constants
    if node.type == "object":
        found: set[object] = set()
        for prop in reversed(code_children(node)):
            if prop.type == "spread_element":
                found |= _reach_key(code_children(prop)[0], key, depth + 1, seen) \
                    if code_children(prop) else set()
            elif prop.type == "pair" and _property_name(prop.child_by_field_name("key")) \
                    == key:
                return found | _reach(prop.child_by_field_name("value"), depth + 1, seen)
            elif prop.type == "shorthand_property_identifier" and text(prop) == key:
                return found | _name_reach(prop, depth + 1, seen)
            elif prop.type in ("pair", "method_definition") and \
                    _property_name(prop.child_by_field_name("key") or
                                   prop.child_by_field_name("name")) is None:
                found |= _reach(prop, depth + 1, seen)  # a computed key may be `key`
        return found
    if node.type == "identifier":
        # A parameter's own fact narrows to the property; others stand for the whole value.
        own = _param_fact(node)
        return {_Assumed(own.spec, own.name, own.need, own.prop, own.params, key,
                         own.home, own.inner, own.owner)
                if own is not None and r == own else r
                for r in _name_reach(node, depth + 1, seen, key)}
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        local = _local_callee(fn) if fn is not None else None
        args = node.child_by_field_name("arguments")
        if local is not None and args is not None:
            return _returned_reach(local, code_children(args), depth, seen, key)
        imported = _import_of(fn) if fn is not None and fn.type == "identifier" else None
        if imported is None and fn is not None and fn.type == "member_expression":
            receiver = fn.child_by_field_name("object")
            holder = _import_of(receiver) if receiver is not None and \
                receiver.type == "identifier" else None
            if holder is not None and _reach(receiver, depth, seen) == set() and \
                    args is not None:
                # `db.libraryFilter(user).clause`: that property of what the method returns.
                return _returned_of_arguments(holder, text(fn.child_by_field_name("property")),
                                              args, depth, seen, key)
        if imported is not None and args is not None:
            # `libraryFilter(user).clause`: that property of what the function returns.
            return _returned_of_arguments(imported, None, args, depth, seen, key)
    return _reach(node, depth, seen)


def _param_fact(ident: Node) -> _Assumed | None:
    """Return the "callers" fact of the named function whose parameter ``ident`` is, if it
    is one (the nearest declaration of the name)."""
    name = text(ident)
    scope = enclosing(ident, _FUNCTIONS)
    while scope is not None:
        params = scope.child_by_field_name("parameters") or \
            scope.child_by_field_name("parameter")
        if params is not None and _occurrences(name, params):
            items = [params] if params.type != "formal_parameters" else code_children(params)
            index = next((i for i, item in enumerate(items) if _occurrences(name, item)), None)
            named = _function_name(scope)
            if index is None or named is None:
                return None
            return _callers_fact(scope, named[0], named[1], index)
        if _declares(scope, name) is not None:
            return None
        scope = enclosing(scope, _FUNCTIONS)
    return None


def _property_name(node: Node | None) -> str | None:
    if node is None:
        return None
    if node.type in ("property_identifier", "identifier", "number"):
        return text(node)
    if node.type == "string":
        return string_value(node)
    return None


def _name_reach(ident: Node, depth: int, seen: _Seen,
                key: str | None = None) -> set[object]:
    """Return ``_reach`` of what variable ``ident`` holds (its property ``key``, if one):
    every value written to it in the scope that declares it, or what its parameter is
    given."""
    name = text(ident)
    if name in ("undefined", "NaN", "Infinity", "arguments"):
        return set()
    scope: Node | None = enclosing(ident, _FUNCTIONS)
    while True:
        home = scope if scope is not None else _root(ident)
        params = home.child_by_field_name("parameters") or \
            home.child_by_field_name("parameter") if scope is not None else None
        if params is not None and _occurrences(name, params):
            since = _overwritten_at(home, name, ident)
            if since is not None:
                # Every path to this use first gives the parameter a new value: what it is
                # given from there on is all it can hold, not what the callers passed.
                return _writes_reach(home, name, [], depth, seen, key, since)
            given = _param_reach(home, params, name, depth, seen)
            if _REQUEST in given:
                return given
            return given | _writes_reach(home, name, [], depth, seen, key)
        own = [occ for occ in _writes_of(name, home)
               if enclosing(occ, _FUNCTIONS) == scope and not _in_params(occ, scope)]
        if own and scope is None:
            imported = _import_of(ident)
            if imported is not None:
                # A value another module exports: looked at there in the project phase;
                # and what this module puts into it (`LIST.push(req.query.x)`).
                return {_Assumed(imported[0], imported[1], "import", key, home=_STATE.rel)} | \
                    _writes_reach(home, name, [], depth, seen, key)
        if own:
            return _writes_reach(home, name, own, depth, seen, key)
        if scope is None:
            return set()  # a global, or a name this file does not declare
        scope = enclosing(scope, _FUNCTIONS)


def _overwritten_at(fn: Node, name: str, use: Node) -> int | None:
    """Return where the last plain assignment ``name = …`` that always runs before ``use``
    starts: a statement of ``fn``'s own body (not in a branch, a loop or a ``try``) that ends
    before it. None when there is none, or when ``use`` sits in a function declaration inside
    ``fn`` (hoisted: it may run before the assignment)."""
    body = fn.child_by_field_name("body")
    if body is None or body.type != "statement_block" or \
            not body.start_byte <= use.start_byte < body.end_byte:
        return None
    inner = enclosing(use, _FUNCTIONS)
    while inner is not None and inner != fn:
        if inner.type in ("function_declaration", "generator_function_declaration"):
            return None
        inner = enclosing(inner, _FUNCTIONS)
    found: int | None = None
    for statement in code_children(body):
        if statement.end_byte > use.start_byte:
            break
        expr = code_children(statement)[0] if statement.type == "expression_statement" and \
            code_children(statement) else None
        while expr is not None and expr.type == "parenthesized_expression" and \
                code_children(expr):
            expr = code_children(expr)[0]
        left = expr.child_by_field_name("left") if expr is not None and \
            expr.type == "assignment_expression" else None
        if left is not None and left.type == "identifier" and text(left) == name:
            found = left.start_byte
    return found


def _in_params(occ: Node, fn: Node | None) -> bool:
    params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter") \
        if fn is not None else None
    return params is not None and params.start_byte <= occ.start_byte < params.end_byte


def _writes_reach(scope: Node, name: str, own: list[Node], depth: int,
                  seen: _Seen, key: str | None = None,
                  since: int | None = None) -> set[object]:
    """Return ``_reach`` of the values ``name`` is given in ``scope`` (their property
    ``key``, if one; only the assignments from byte ``since`` on, if given) and of what its
    reads may put into the object it holds."""
    memo = (scope.start_byte, (name if key is None else f"{name}.{key}") +
            ("" if since is None else f"@{since}"))
    if not _visit(seen, memo, depth):
        return set()
    found: set[object] = set()
    assigned, reads = _uses(scope, name)
    writes = list(own) + [occ for occ in assigned if occ not in own]
    if since is not None:
        writes = [occ for occ in writes if occ.start_byte >= since]
    values = [_written_value(occ) for occ in writes]
    if not values or not all(v is not None and _primitive(v) or _primitive_field(occ)
                             for v, occ in zip(values, writes)):
        # An object or array may be filled where it is read (text cannot).
        for occ in reads:
            found |= _mutation_reach(occ, depth, seen)
            if _REQUEST in found:
                return found
    for occ in writes:
        parent = occ.parent
        kind = _write_kind(occ)
        if parent is None:
            continue
        value = parent.child_by_field_name("value") if kind == "declarator" else \
            parent.child_by_field_name("right") if kind == "assignment" else \
            _pattern_source(occ) if kind == "binding" else None
        if value is None:
            continue
        field = _pattern_key(occ) if kind == "binding" and key is None else None
        if key is not None and kind != "binding" and parent.type != \
                "augmented_assignment_expression":
            found |= _reach_key(value, key, depth, seen)
        elif field is not None:
            found |= _reach_key(value, field, depth, seen)  # `const { clause } = scope(req)`
        else:
            found |= _reach(value, depth, seen)
    return found


def _primitive_field(occ: Node) -> bool:
    """Return True when a name is destructured (``_pattern_key``) from a call of the file's
    own function whose every ``return`` gives an object literal holding a ``_primitive`` under
    that key (``return { clause: `id IN (${marks})`, params: ids }``): text nothing can be put
    into once it is taken."""
    key = _pattern_key(occ)
    source = _pattern_source(occ) if key is not None else None
    source = _unwrap(source)[0] if source is not None else None
    fn = source.child_by_field_name("function") if source is not None and \
        source.type == "call_expression" else None
    func = _local_callee(fn) if fn is not None else None
    body = func.child_by_field_name("body") if func is not None else None
    if body is None:
        return False
    values = [body] if body.type != "statement_block" else [
        code_children(node)[0] if code_children(node) else None for node in walk(body)
        if node.type == "return_statement" and enclosing(node, _FUNCTIONS) == func]
    for value in values:
        value = _unwrap(value)[0] if value is not None else None
        if value is None or value.type != "object" or has_spread(value):
            return False
        held = object_properties(value).get(key or "")
        if held is None or held.type == "shorthand_property_identifier" or not _primitive(held):
            return False
    return bool(values)


def _pattern_key(occ: Node) -> str | None:
    """Return the property a name is destructured from at the top of an object pattern
    (``clause`` for ``const { clause } = …`` and ``const { clause: where } = …``); None for
    any other binding (nested, defaulted, rest, an array pattern)."""
    parent = occ.parent
    key: str | None
    if occ.type == "shorthand_property_identifier_pattern" and parent is not None \
            and parent.type == "object_pattern":
        pattern, key = parent, text(occ)
    elif parent is not None and parent.type == "pair_pattern" and \
            parent.child_by_field_name("value") == occ and parent.parent is not None:
        name = parent.child_by_field_name("key")
        if name is None or name.type not in ("property_identifier", "string"):
            return None
        pattern = parent.parent
        key = string_value(name) if name.type == "string" else text(name)
        if key is None:
            return None
    else:
        return None
    holder = pattern.parent
    if pattern.type != "object_pattern" or holder is None or holder.type not in (
            "variable_declarator", "assignment_expression"):
        return None
    return key


def _uses(scope: Node, name: str) -> tuple[list[Node], list[Node]]:
    """Return the plain assignments of ``name`` in ``scope`` and the reads that may put
    something into what it holds (``_mutation_reach``: a method call on it, a write through
    it, a call it is handed to, a second name for it); once per file, scope and name."""
    memo = _name_index(scope).uses
    key = (scope.start_byte, name)
    if key not in memo:
        assigned: list[Node] = []
        reads: list[Node] = []
        for occ in _occurrences(name, scope):
            kind = _write_kind(occ)
            if kind is not None and kind != "assignment" or _shadowed(occ, scope, name):
                continue
            if kind == "assignment":
                assigned.append(occ)
                continue
            parent = occ.parent
            if parent is None:
                continue
            if parent.type in ("member_expression", "subscript_expression"):
                holder = parent.parent
                if holder is None or holder.type not in (
                        "assignment_expression", "augmented_assignment_expression",
                        "call_expression"):
                    continue
            elif parent.type not in ("arguments", "variable_declarator"):
                continue
            reads.append(occ)
        memo[key] = (assigned, reads)
    return memo[key]


def _written_value(occ: Node) -> Node | None:
    """Return the value a declarator or a plain assignment gives the name ``occ``."""
    parent = occ.parent
    kind = _write_kind(occ)
    if parent is None or kind not in ("declarator", "assignment") or \
            parent.type == "augmented_assignment_expression":
        return None
    return parent.child_by_field_name("value" if kind == "declarator" else "right")


def _primitive(node: Node) -> bool:
    """Return True for a value that can only be a string, a number, a boolean or nothing:
    nothing can be put into it after it is written."""
    node = _unwrap(node)[0]
    kind = node.type
    if kind in ("string", "template_string", "number", "true", "false", "null", "undefined",
                "unary_expression"):
        return True
    if kind == "binary_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        return left is not None and right is not None and _primitive(left) and _primitive(right)
    if kind == "ternary_expression":
        yes, no = node.child_by_field_name("consequence"), \
            node.child_by_field_name("alternative")
        return yes is not None and no is not None and _primitive(yes) and _primitive(no)
    return kind == "member_expression" and text(node.child_by_field_name("object")).replace(
        " ", "") == "process.env"


def _mutation_reach(occ: Node, depth: int, seen: _Seen) -> set[object]:
    """Return ``_reach`` of what a read of a variable may put into the object or array it
    holds: ``name.push(x)`` (and any other method given values, or a callback that gets the
    array itself), ``name[i] = x``, ``name.k = x``, a call it is handed to (``fill(name,
    req.query)``, ``Object.assign(name, …)``: the call's other arguments), and, for a second
    name (``const more = name``), what that name's reads put in."""
    parent = occ.parent
    if parent is None:
        return set()
    found: set[object] = set()
    if parent.type in ("member_expression", "subscript_expression") and \
            parent.child_by_field_name("object") == occ:
        holder = parent.parent
        if holder is None:
            return found
        if holder.type in ("assignment_expression", "augmented_assignment_expression") and \
                holder.child_by_field_name("left") == parent:
            return _reach(holder.child_by_field_name("right"), depth, seen)
        if holder.type == "call_expression" and holder.child_by_field_name("function") == parent:
            reads = text(parent.child_by_field_name("property")) in _READ_ONLY_CALLS
            for arg in code_children(holder.child_by_field_name("arguments") or holder):
                if arg.type in _FUNCTIONS:
                    # `list.forEach((x, i, all) => all.push(…))`: the array itself is given.
                    params = arg.child_by_field_name("parameters")
                    if params is not None and len(code_children(params)) >= 3:
                        found |= _reach(arg.child_by_field_name("body"), depth, seen)
                elif not reads:
                    found |= _reach(arg, depth, seen)
        return found
    if parent.type == "arguments":
        call = parent.parent
        callee = call.child_by_field_name("function") if call is not None else None
        if callee is None or callee.type == "super" or \
                callee.type == "member_expression" and text(callee.child_by_field_name(
                    "property")) not in _MERGERS | _LIBRARY_WRITERS:
            # A method of another object (`logger.info(list, req.body)`, the query it is run
            # by) puts nothing into it; a function (`fill(list, req.query)`) or a merging call
            # (`Object.assign(list, req.body)`) may.
            return found
        local = _local_callee(callee) if callee.type == "identifier" else None
        if local is not None and _reads_only(local, code_children(parent).index(occ)):
            return found  # `likeRows(d, filter, search)` only reads `filter.clause`
        for arg in code_children(parent):
            if arg != occ and arg.type not in _FUNCTIONS:
                found |= _reach(arg, depth, seen)
        return found
    if parent.type == "variable_declarator" and parent.child_by_field_name("value") == occ:
        alias = parent.child_by_field_name("name")
        if alias is not None and alias.type == "identifier":
            scope = enclosing(alias, _FUNCTIONS) or _root(alias)
            key = (scope.start_byte, "alias " + text(alias))
            if _visit(seen, key, depth):
                for use in _occurrences(text(alias), scope):
                    if _write_kind(use) is None:
                        found |= _mutation_reach(use, depth + 1, seen)
    return found


def _reads_only(func: Node, index: int) -> bool:
    """Return True when the file's function ``func`` only reads properties of its parameter
    at ``index`` (``filter.clause``, ``...filter.params``, a method that puts nothing in,
    ``_READ_ONLY_CALLS``): it writes nothing into the object it is handed, and hands it on
    to nothing that could."""
    names = _simple_params(func)
    name = names[index] if index < len(names) else None
    params = func.child_by_field_name("parameters") or func.child_by_field_name("parameter")
    if name is None or params is None:
        return False
    for occ in _occurrences(name, func):
        if params.start_byte <= occ.start_byte < params.end_byte:
            continue
        parent = occ.parent
        if parent is None or parent.type != "member_expression" or \
                parent.child_by_field_name("object") != occ:
            return False
        holder = parent.parent
        if holder is None or holder.type in ("assignment_expression",
                                             "augmented_assignment_expression",
                                             "update_expression") \
                and holder.children[0] == parent:
            return False
        if holder.type == "call_expression" and holder.child_by_field_name("function") == \
                parent and text(parent.child_by_field_name("property")) not in _READ_ONLY_CALLS:
            return False
    return True


#: Methods that read the array or object they are called on and put nothing in it.
_READ_ONLY_CALLS = frozenset({
    "join", "map", "filter", "slice", "includes", "indexOf", "lastIndexOf", "some", "every",
    "find", "findIndex", "findLast", "findLastIndex", "concat", "at", "reduce", "reduceRight",
    "flat", "flatMap", "entries", "keys", "values", "toString", "toSorted", "toReversed",
    "toSpliced", "with", "hasOwnProperty", "propertyIsEnumerable", "get", "has", "trim",
    "toLowerCase", "toUpperCase", "split", "replace", "startsWith", "endsWith", "forEach",
})


def _pattern_source(occ: Node) -> Node | None:
    """Return the value a destructured or looped name is taken from (``const { id } =
    req.params``, ``for (const id of ids)``); None for an import, a function or class name,
    a caught error."""
    node = occ
    while node.parent is not None and node.parent.type in _PATTERNS:
        node = node.parent
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator" and parent.child_by_field_name("name") == node:
        return parent.child_by_field_name("value")
    if parent.type == "assignment_expression" and parent.child_by_field_name("left") == node:
        return parent.child_by_field_name("right")
    if parent.type == "for_in_statement" and parent.child_by_field_name("left") == node:
        return parent.child_by_field_name("right")
    return None


def _param_reach(fn: Node, params: Node, name: str, depth: int,
                 seen: _Seen) -> set[object]:
    """Return ``_reach`` of parameter ``name`` of ``fn``: the request for a handler's first
    parameter or one named ``req``; the elements of the array an array method's callback
    walks; a caller fact for a named function; nothing for a callback a library calls."""
    if name in ("req", "request"):
        return {_REQUEST}
    items = [params] if params.type != "formal_parameters" else code_children(params)
    index = next((i for i, item in enumerate(items) if _occurrences(name, item)), None)
    if index is None:
        return set()
    if any(c.type == "decorator" and _DECORATED_INPUT_RE.search(text(c))
           for c in items[index].children):
        return {_REQUEST}  # `@Query('sort') sort`, `@Body() body` (NestJS)
    holder = fn.parent
    if holder is not None and holder.type == "arguments":
        call = holder.parent
        callee = call.child_by_field_name("function") if call is not None else None
        method = text(callee.child_by_field_name("property")) \
            if callee is not None and callee.type == "member_expression" else ""
        wrapper = call.parent.parent if call is not None and call.parent is not None and \
            call.parent.type == "arguments" else None
        if call is not None and (_route_registration(call) or (
                wrapper is not None and wrapper.type == "call_expression" and
                _route_registration(wrapper))):
            # The request, and what middlewares left on the response (`res.locals`); also
            # through a wrapper (`router.get('/', asyncHandler(async (req, res) => …))`).
            return {_REQUEST} if index <= 1 else set()
        if method == "param" and index == 3:
            return {_REQUEST}  # `router.param('id', (req, res, next, id) => …)`
        if callee is not None and method in _ELEMENT_METHODS and index <= 2:
            # An element, or a key (`map.forEach((value, key) => …)`): the receiver's.
            return _reach(callee.child_by_field_name("object"), depth, seen)
        if callee is not None and method in _LISTEN_METHODS and (
                _SOCKET_RE.search(text(callee.child_by_field_name("object"))
                                  .split(".")[-1]) is not None or
                (call is not None and _event_name(call) in _CLIENT_EVENTS)):
            return {_REQUEST}
        if call is None or method in _ROWS_CALLBACKS:
            return set()  # rows a query's callback is given, not the values bound into it
        # Any other callback gets what its call is given: `form.parse(req, (err, fields) =>
        # …)`, `check(req.query).then((opts) => …)`, `withUser(req, (user) => …)`.
        found: set[object] = set()
        if callee is not None and callee.type == "member_expression":
            found |= _reach(callee.child_by_field_name("object"), depth, seen)
        for arg in code_children(call.child_by_field_name("arguments") or call):
            if arg != fn and arg.type not in _FUNCTIONS:
                found |= _reach(arg, depth, seen)
        return found
    if index == 1 and holder is not None and \
            (holder.type == "pair" or fn.type == "method_definition") and (
                name in _RESOLVER_ARGS or items[index].type == "object_pattern" or
                text(items[0]).split(":")[0].strip() in _RESOLVER_PARENTS):
        return {_REQUEST}  # a GraphQL resolver's arguments
    named = _function_name(fn)
    names = {named[0]} if named is not None and named[0] != "exports" else set()
    names |= _exported_as(fn, named[0] if named is not None else None)
    built = named is not None and named[1]
    return {_callers_fact(fn, callee, built, index) for callee in names}


def _callers_fact(fn: Node, name: str, built: bool, index: int) -> _Assumed:
    """Return the "callers" fact of parameter ``index`` of ``fn``, called by ``name``: with
    the module that defines it and, for a method or a field of a class, the class's name (so
    that only calls that may be of this function count, ``_may_call``)."""
    owner: str | None = None
    holder = fn.parent
    if holder is not None and (holder.type == "class_body" or holder.type in _FIELD_TYPES):
        cls = enclosing(fn, _CLASS_TYPES)
        owner = _class_name(cls) if cls is not None else None
    return _Assumed("", name, "callers", "new" if built else None, (index,),
                    home=_STATE.rel or None, owner=owner)


def _exported_as(fn: Node, local: str | None) -> set[str]:
    """Return the other names calls of ``fn`` use: those its module exports it under
    (``module.exports = { list: listUsers }``, ``exports.list = listUsers``, ``export {
    listUsers as list }``), and ``default:<module>`` when it is the module's default export
    (``module.exports = function …``, ``export default …``), which importers call by a name
    of their own."""
    found: set[str] = set()
    default = "default:" + _STATE.rel
    parent = fn.parent
    if parent is not None and parent.type == "assignment_expression" and \
            re.sub(r"\s+", "", text(parent.child_by_field_name("left"))) == "module.exports":
        found.add(default)
    if parent is not None and parent.type == "export_statement" and \
            any(c.type == "default" or text(c) == "default" for c in parent.children):
        found.add(default)
    if local is None:
        return found
    root = _root(fn)
    for node in root.named_children:
        if node.type == "export_statement":
            if any(text(c) == "default" for c in node.children) and \
                    text(node.child_by_field_name("value") or node).strip() in (
                        local, f"export default {local};", f"export default {local}"):
                found.add(default)
            for clause in (c for c in node.named_children if c.type == "export_clause"):
                for item in code_children(clause):
                    own = item.child_by_field_name("name")
                    alias = item.child_by_field_name("alias")
                    if own is not None and alias is not None and text(own) == local:
                        found.add("default:" + _STATE.rel if text(alias) == "default"
                                  else text(alias))
        elif node.type == "expression_statement" and node.named_children and \
                node.named_children[0].type == "assignment_expression":
            assign = node.named_children[0]
            left = re.sub(r"\s+", "", text(assign.child_by_field_name("left")))
            right = _unwrap(assign.child_by_field_name("right") or assign)[0]
            if left == "module.exports" and right.type == "identifier" and \
                    text(right) == local:
                found.add(default)
            elif left == "module.exports" and right.type == "object":
                for prop in code_children(right):
                    value = prop.child_by_field_name("value")
                    if prop.type == "pair" and value is not None and \
                            value.type == "identifier" and text(value) == local:
                        key = _property_name(prop.child_by_field_name("key"))
                        if key:
                            found.add(key)
            elif left.startswith(("exports.", "module.exports.")) and \
                    right.type == "identifier" and text(right) == local:
                found.add(left.rsplit(".", 1)[1])
    return found


def _event_name(call: Node) -> str | None:
    """Return the event a ``.on('name', …)`` call listens to."""
    args = code_children(call.child_by_field_name("arguments") or call)
    return string_value(args[0]) if args and args[0].type == "string" else None


def _route_registration(call: Node) -> bool:
    """Return True for ``app.get('/x', …)``, ``router.use(…)``, ``router.route('/x').post(…)``:
    a call that hands the functions it is given requests."""
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "member_expression":
        return False
    method = text(callee.child_by_field_name("property"))
    if method not in _ROUTE_METHODS:
        return False
    if method == "use":
        return True
    args = code_children(call.child_by_field_name("arguments") or call)
    receiver = callee.child_by_field_name("object")
    if receiver is not None and receiver.type == "call_expression" and text(
            (receiver.child_by_field_name("function") or receiver)
            .child_by_field_name("property")) == "route":
        return True
    return bool(args) and args[0].type in ("string", "template_string", "regex", "array")


def _function_name(fn: Node) -> tuple[str, bool] | None:
    """Return the name a function is called by and whether it is a constructor (called with
    ``new`` by its class's name); None for a function with no name to look for."""
    if fn.type in ("function_declaration", "generator_function_declaration"):
        declared = fn.child_by_field_name("name")
        return (text(declared), False) if declared is not None else None
    if fn.type == "method_definition":
        method = text(fn.child_by_field_name("name"))
        if method != "constructor":
            return method, False
        cls = enclosing(fn, _CLASS_TYPES)
        cls_name = _class_name(cls) if cls is not None else None
        return (cls_name, True) if cls_name is not None else None
    parent = fn.parent
    while parent is not None and parent.type in ("parenthesized_expression", "as_expression"):
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
    elif parent.type == "pair":
        target = parent.child_by_field_name("key")
    elif parent.type == "assignment_expression":
        target = parent.child_by_field_name("left")
        if target is not None and target.type == "member_expression":
            target = target.child_by_field_name("property")
    elif parent.type in _FIELD_TYPES:
        target = parent.child_by_field_name("property") or parent.child_by_field_name("name")
    else:
        return None
    if target is None or target.type not in ("identifier", "property_identifier", "string"):
        return None
    called = string_value(target) if target.type == "string" else text(target)
    return (called, False) if called else None


def _field_reach(member: Node, depth: int, seen: _Seen) -> set[object]:
    """Return ``_reach`` of ``this.prop``: of what its class writes to it (field
    initialisers, ``this.prop = …`` in any of its methods, a TypeScript parameter property)."""
    prop = text(member.child_by_field_name("property"))
    cls = enclosing(member, _CLASS_TYPES)
    if cls is None or prop == "constructor":
        return set()  # `this.constructor` is the class (its static fields: ``_reach_key``)
    key = (cls.start_byte, "this." + prop)
    if not _visit(seen, key, depth):
        return set()
    # Written from outside the class too (``store.table = req.query.t`` in another module):
    # the project phase looks (``_written_from_request``).
    found: set[object] = {_Assumed("", prop, "writes", _class_name(cls))}
    body = cls.child_by_field_name("body")
    for node in walk(body) if body is not None else ():
        if node.type == "call_expression":
            target, written, sources = _merge_call(node)
            if target is not None and target.type == "this" and written in (None, prop):
                for source in sources:  # `Object.assign(this, opts)`
                    found |= _reach(source, depth, seen)
            fn = node.child_by_field_name("function")
            held = fn.child_by_field_name("object") if fn is not None and \
                fn.type == "member_expression" else None
            if held is not None and held.type == "member_expression" and \
                    (held.child_by_field_name("object") or held).type == "this" and \
                    text(held.child_by_field_name("property")) == prop and \
                    fn is not None and \
                    text(fn.child_by_field_name("property")) not in _READ_ONLY_CALLS:
                # `this.conditions.push(x)`: what goes into the field's array or map.
                for arg in code_children(node.child_by_field_name("arguments") or node):
                    if arg.type not in _FUNCTIONS:
                        found |= _reach(arg, depth, seen)
        elif node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            if left is not None and left.type == "member_expression" and \
                    (left.child_by_field_name("object") or left).type == "this" and \
                    text(left.child_by_field_name("property")) == prop:
                found |= _reach(node.child_by_field_name("right"), depth, seen)
            elif left is not None and left.type == "subscript_expression" and \
                    (left.child_by_field_name("object") or left).type == "this" and \
                    _member_key(left) in (None, prop) and \
                    _REQUEST in _reach(left.child_by_field_name("index"), depth, seen):
                # `this[name] = value` with a name the client picks may be this field.
                found |= _reach(node.child_by_field_name("right"), depth, seen)
        elif node.type in _FIELD_TYPES:
            name = node.child_by_field_name("property") or node.child_by_field_name("name")
            if name is not None and text(name) == prop:
                found |= _reach(node.child_by_field_name("value"), depth, seen)
        elif node.type in ("required_parameter", "optional_parameter") and \
                any(c.type == "accessibility_modifier" or text(c) == "readonly"
                    for c in node.children) and \
                text(node.child_by_field_name("pattern")) == prop:
            ctor = enclosing(node, _FUNCTIONS)
            params = ctor.child_by_field_name("parameters") if ctor is not None else None
            if ctor is not None and params is not None:
                found |= _param_reach(ctor, params, prop, depth, seen)
    return found


def _extended_name(cls: Node) -> str | None:
    """Return the last name of the class ``cls`` extends (``Base``, ``ns.Base<T>``)."""
    heritage = next((c for c in cls.named_children if c.type == "class_heritage"), None)
    target = heritage.named_children[0] if heritage is not None and \
        heritage.named_children else None
    if target is not None and target.type == "extends_clause":
        target = target.child_by_field_name("value") or \
            (target.named_children[0] if target.named_children else None)
    if target is not None and target.type == "member_expression":
        return text(target.child_by_field_name("property"))
    return text(target) if target is not None and target.type == "identifier" else None


def _calls_by_name(ctx: ProjectContext, rel: str, root: Node) -> dict[str, list[Node]]:
    """Return the calls (and ``new``) of file ``rel`` by the last name of their callee, and
    the functions handed by name to a route registration under "route:" + the name."""
    memo: dict[str, dict[str, list[Node]]] = ctx.extra.setdefault("sql-injection calls", {})
    if rel not in memo:
        calls: dict[str, list[Node]] = {}
        aliases = _import_aliases(root)
        defaults = _default_imports(ctx, rel, root)
        for node in walk(root):
            if node.type in ("call_expression", "new_expression"):
                fn = node.child_by_field_name("function") or \
                    node.child_by_field_name("constructor")
                if fn is None:
                    continue
                if fn.type == "member_expression":
                    name = text(fn.child_by_field_name("property"))
                elif fn.type == "super":
                    cls = enclosing(node, _CLASS_TYPES)
                    base = _extended_name(cls) if cls is not None else None
                    if base is None:
                        continue
                    name = base
                else:
                    name = text(fn)
                calls.setdefault(name, []).append(node)
                if aliases.get(name):
                    calls.setdefault(aliases[name], []).append(node)
                if fn.type == "identifier" and name in defaults:
                    calls.setdefault(defaults[name], []).append(node)
                required = _require_spec(fn)
                target = ctx.resolve_import(rel, required) if required else None
                if target is not None:  # `require('./m')(…)`
                    calls.setdefault("default:" + target, []).append(node)
                if node.type == "call_expression" and _route_registration(node):
                    for arg in code_children(node.child_by_field_name("arguments") or node):
                        if arg.type in ("identifier", "member_expression"):
                            last = text(arg.child_by_field_name("property") or arg)
                            calls.setdefault("route:" + last, []).append(arg)
                            if arg.type == "identifier" and last in defaults:
                                calls.setdefault("route:" + defaults[last], []).append(arg)
        memo[rel] = calls
    return memo[rel]


def _fact_open(ctx: ProjectContext, fact: _Assumed, hops: int,
               verdicts: dict[_Assumed, bool]) -> bool:
    """Return True when what a query's value was held back on may bring a client's text:
    a caller passes the request (``_callers_pass_request``), a module writes the field from
    it (``_written_from_request``), or the project writes that environment name from code.

    ``verdicts`` keeps each fact's answer for the whole project phase; a fact asked again while
    it is being decided (a cycle of callers or of re-exports) counts as closed: the cycle adds
    nothing. A fact is decided with the hops left when it is first asked (one asked first deep
    in a chain of callers may be closed for want of hops where it would be open nearer a
    query)."""
    if fact.need == "environment":
        return not _environment_settled(fact)
    if fact in verdicts:
        return verdicts[fact]
    verdicts[fact] = False
    if fact.need == "writes":
        result = _written_from_request(ctx, fact, hops, verdicts)
    elif fact.need in ("import", "returns"):
        result = _export_open(ctx, fact, hops, verdicts)
    else:
        result = _callers_pass_request(ctx, fact, hops, verdicts)
    verdicts[fact] = result
    return result


@contextmanager
def _in_module(rel: str) -> Iterator[None]:
    """Read the code in the block as module ``rel``'s (``_STATE.rel``: what its imports and
    names resolve against), then go back to the module before."""
    before = _STATE.rel
    _STATE.rel = rel
    try:
        yield
    finally:
        _STATE.rel = before


def _facts_open(ctx: ProjectContext, reach: set[object] | frozenset[object], hops: int,
                verdicts: dict[_Assumed, bool]) -> bool:
    """Return True when ``reach`` holds the request or a fact that is open."""
    return _REQUEST in reach or hops <= _MAX_CALLER_HOPS and any(
        isinstance(r, _Assumed) and _fact_open(ctx, r, hops, verdicts) for r in reach)


def _export_open(ctx: ProjectContext, fact: _Assumed, hops: int,
                 verdicts: dict[_Assumed, bool]) -> bool:
    """Return True when the value another module exports ("import": its property
    ``fact.prop``, if one) may come from a request, or when what the function it exports
    returns ("returns") may: from the request, or from the argument at ``fact.params[0]``
    when that argument may (``fact.inner``)."""
    target = ctx.resolve_import(fact.home or "", fact.spec)
    home = next((root for rel, root in _js_files(ctx) if rel == target), None)
    value = _export_value(home, fact.name) if home is not None else None
    if fact.need == "returns" and fact.prop is not None and home is not None and \
            not isinstance(value, tuple):
        value = _exported_method(home, fact.name, value, fact.prop)
    if isinstance(value, tuple):
        # Re-exported: look in the module it comes from.
        onward = _Assumed(value[0], value[1], fact.need, fact.prop, fact.params, fact.key,
                          target, fact.inner)
        return hops <= 2 * _MAX_CALLER_HOPS and _fact_open(ctx, onward, hops + 1, verdicts)
    if fact.need == "returns" and (value is None or value.type not in _FUNCTIONS):
        # A function the rule cannot read may return what it is given.
        with _in_module(fact.home or ""):
            return _facts_open(ctx, fact.inner, hops + 1, verdicts)
    if value is None:
        return False
    with _in_module(target or ""):
        if fact.need == "import":
            reach = _reach(value, 0, {}) if fact.prop is None else \
                _reach_key(value, fact.prop, 0, {})
            return _facts_open(ctx, reach, hops + 1, verdicts)
        own = _function_name(value)
        for item in _returned_reach(value, [], 0, {}, fact.key, keep_own=True):
            if isinstance(item, _Assumed) and item.need == "callers" and \
                    own is not None and (item.name, item.prop == "new") == own:
                # The function returns its own call: what that call is given, from here.
                if item.params[0] == fact.params[0]:
                    with _in_module(fact.home or ""):
                        if _facts_open(ctx, fact.inner, hops + 1, verdicts):
                            return True
            elif _facts_open(ctx, {item}, hops + 1, verdicts):
                return True
    return False


def _export_value(root: Node, name: str) -> Node | tuple[str, str] | None:
    """Return what module ``root`` exports as ``name``: the value of ``export const name``,
    ``export function name``, ``exports.name = …``, a property, method or static method of
    what ``module.exports`` is (an object literal, a class, or the top-level ``const`` or
    class it names); (module, name) for a re-export (``export { name } from './m'``, ``export
    * from './m'``, ``module.exports = { ...require('./m') }``); None when it exports it no
    way the rule reads, or more than one."""
    found: list[Node | tuple[str, str]] = []

    def local(ident: str) -> Node | None:
        for node in root.named_children:
            decl = node.child_by_field_name("declaration") \
                if node.type == "export_statement" else node
            if decl is None:
                continue
            if decl.type in ("function_declaration", "generator_function_declaration",
                             "class_declaration") and \
                    text(decl.child_by_field_name("name")) == ident:
                return decl
            if decl.type in ("lexical_declaration", "variable_declaration"):
                for d in code_children(decl):
                    if d.type == "variable_declarator" and \
                            text(d.child_by_field_name("name")) == ident:
                        return d.child_by_field_name("value")
        return None

    def member(holder: Node | None) -> Node | tuple[str, str] | None:
        holder = _unwrap(holder)[0] if holder is not None else None
        if holder is not None and holder.type == "identifier":
            holder = local(text(holder))
        if holder is None:
            return None
        if holder.type in _CLASS_TYPES:
            body = holder.child_by_field_name("body")
            methods = [m for m in code_children(body) if m.type == "method_definition" and
                       text(m.child_by_field_name("name")) == name] if body is not None else []
            return methods[0] if len(methods) == 1 else None
        if holder.type != "object":
            return None
        spread: tuple[str, str] | None = None
        for prop in code_children(holder):
            if prop.type == "pair" and _property_name(prop.child_by_field_name("key")) == name:
                return prop.child_by_field_name("value")
            if prop.type == "shorthand_property_identifier" and text(prop) == name:
                return local(name)
            if prop.type == "method_definition" and \
                    text(prop.child_by_field_name("name")) == name:
                return prop
            if prop.type == "spread_element" and code_children(prop):
                spec = _require_spec(code_children(prop)[0])
                if spec is not None:
                    spread = (spec, name)
        return spread

    for node in root.named_children:
        if node.type == "export_statement":
            source = node.child_by_field_name("source")
            decl = node.child_by_field_name("declaration")
            if source is not None:
                spec = string_value(source) or ""
                clauses = [c for c in node.named_children if c.type == "export_clause"]
                if not clauses and "*" in text(node).split("from")[0]:
                    found.append((spec, name))  # `export * from './m'`
                for clause in clauses:
                    for item in code_children(clause):
                        own = item.child_by_field_name("name")
                        alias = item.child_by_field_name("alias") or own
                        if own is not None and text(alias) == name:
                            found.append((spec, text(own)))
                continue
            if decl is not None and (decl.type.startswith("function") or
                                     decl.type.startswith("generator")) and \
                    text(decl.child_by_field_name("name")) == name:
                found.append(decl)
            elif decl is not None and decl.type in ("lexical_declaration",
                                                    "variable_declaration"):
                found.extend(value for d in code_children(decl)
                             if d.type == "variable_declarator" and
                             text(d.child_by_field_name("name")) == name and
                             (value := d.child_by_field_name("value")) is not None)
            for clause in (c for c in node.named_children if c.type == "export_clause"):
                for item in code_children(clause):
                    own = item.child_by_field_name("name")
                    alias = item.child_by_field_name("alias") or own
                    if own is not None and text(alias) == name:
                        value = local(text(own))
                        if value is not None:
                            found.append(value)
        elif node.type == "expression_statement" and node.named_children and \
                node.named_children[0].type == "assignment_expression":
            assign = node.named_children[0]
            left = re.sub(r"\s+", "", text(assign.child_by_field_name("left")))
            right = assign.child_by_field_name("right")
            if right is None:
                continue
            if left in (f"exports.{name}", f"module.exports.{name}"):
                found.append(right)
            elif left == "module.exports":
                held = member(right)
                if held is not None:
                    found.append(held)
    return found[0] if len(found) == 1 else None


def _exported_method(root: Node, name: str, value: Node | None, method: str) -> Node | None:
    """Return the method ``method`` of what module ``root`` exports as ``name`` (``value``,
    ``_export_value``'s, or ``export class name``): a static method of a class, or a
    function-valued property or method of an object literal that does not read ``this``; None
    for anything else, or when more than one may be meant."""
    if value is None:
        classes = [decl for node in root.named_children if node.type == "export_statement"
                   and (decl := node.child_by_field_name("declaration")) is not None and
                   decl.type == "class_declaration" and
                   text(decl.child_by_field_name("name")) == name]
        value = classes[0] if len(classes) == 1 else None
    value = _unwrap(value)[0] if value is not None else None
    body = value.child_by_field_name("body") if value is not None and \
        value.type in _CLASS_TYPES else None
    if body is not None:
        found = [m for m in code_children(body)
                 if m.type == "method_definition" and
                 text(m.child_by_field_name("name")) == method]
        if len(found) != 1 or not any(text(c) == "static" for c in found[0].children) or \
                any(text(c) in ("get", "set") for c in found[0].children):
            return None
        return found[0]
    if value is None or value.type != "object":
        return None
    found = [p for p in code_children(value)
             if p.type == "method_definition" and
             text(p.child_by_field_name("name")) == method or
             p.type == "pair" and _property_name(p.child_by_field_name("key")) == method]
    if len(found) != 1 or any(p.type == "spread_element" for p in code_children(value)):
        return None
    held = found[0] if found[0].type == "method_definition" else \
        _unwrap(found[0].child_by_field_name("value") or found[0])[0]
    if held.type not in _FUNCTIONS or any(n.type == "this" for n in walk(held)):
        return None  # what an object's own properties hold is not followed from here
    return held


def _require_spec(node: Node) -> str | None:
    """Return the module ``require('./m')`` names (a relative one only)."""
    node = _unwrap(node)[0]
    if node.type != "call_expression" or \
            text(node.child_by_field_name("function")) != "require":
        return None
    args = code_children(node.child_by_field_name("arguments") or node)
    spec = string_value(args[0]) if len(args) == 1 and args[0].type == "string" else None
    return spec if spec is not None and spec.startswith(".") else None


def _writes_by_property(ctx: ProjectContext, rel: str, root: Node) -> dict[str, list[Node]]:
    """Return the values file ``rel`` writes to a property, by its name (``x.table = v``,
    ``x['table'] = v``, ``Reflect.set(x, 'table', v)``, ``Object.assign(x.table, v)``), and,
    under "new <Class>", what its merging calls copy into an instance of a class it built
    (``Object.assign(users, req.body)`` where ``users = new Store(…)``)."""
    memo: dict[str, dict[str, list[Node]]] = ctx.extra.setdefault(
        "sql-injection property writes", {})
    if rel not in memo:
        values: dict[str, list[Node]] = {}
        for node in walk(root):
            if node.type in ("assignment_expression", "augmented_assignment_expression"):
                left = node.child_by_field_name("left")
                right = node.child_by_field_name("right")
                if left is None or right is None or _fresh_target(left):
                    continue
                # `v.operator.cosine = x` writes into what `v.operator` holds too.
                while left is not None and left.type in ("member_expression",
                                                         "subscript_expression"):
                    key = _member_key(left)
                    if key is not None:
                        values.setdefault(key, []).append(right)
                    # `x[name] = v` elsewhere: a map of the module's own, not a class's field
                    # (a class writing `this[name]` is read by ``_field_reach``).
                    left = left.child_by_field_name("object")
            elif node.type == "call_expression":
                target, key, sources = _merge_call(node)
                if target is None or target.type == "this" or _fresh_target(target):
                    continue  # into `this`: its class's own fields (``_field_reach``)
                if key is not None and key != _ANY_NAME:
                    values.setdefault(key, []).extend(sources)
                    continue
                held = _unwrap(target)[0]
                if held.type == "member_expression" and _member_key(held) is not None:
                    # `Object.assign(v.operator, req.body)`: into what `v.operator` holds.
                    values.setdefault(_member_key(held) or "", []).extend(sources)
                    continue
                built = _instance_class(target)
                if built is not None:
                    # Any property of an instance the module built (`Object.assign(users,
                    # req.body)` where `users = new Store(…)`), under its class's name.
                    values.setdefault("new " + built, []).extend(sources)
        memo[rel] = values
    return memo[rel]


def _instance_class(target: Node) -> str | None:
    """Return the class a merging call's target was built from in its file (``const users =
    new Store('users')``, the last name of ``new ns.Store``), or None."""
    node = _unwrap(target)[0]
    if node.type != "identifier":
        return None
    binding = _binding(node)
    if binding is None or binding[0] != "var":
        return None
    for occ in _occurrences(text(node), binding[1]):
        value = _written_value(occ) if _write_kind(occ) == "declarator" else None
        value = _unwrap(value)[0] if value is not None else None
        if value is not None and value.type == "await_expression" and value.named_children:
            value = value.named_children[0]
        if value is not None and value.type == "new_expression":
            made = value.child_by_field_name("constructor")
            if made is not None:
                return text(made.child_by_field_name("property") or made)
    return None


def _fresh_target(left: Node) -> bool:
    """Return True when the object an assignment writes into is one its function made on the
    spot and never takes from elsewhere (``const params = {}; params[k] = v``): no instance of
    a class the rule looks at."""
    root = left
    while root.type in ("member_expression", "subscript_expression", "parenthesized_expression",
                        "as_expression", "non_null_expression"):
        inner = root.child_by_field_name("object") if root.type in (
            "member_expression", "subscript_expression") else \
            (root.named_children[0] if root.named_children else None)
        if inner is None:
            return False
        root = inner
    if root.type != "identifier":
        return False
    fn = enclosing(root, _FUNCTIONS)
    params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter") \
        if fn is not None else None
    holder = fn.parent if fn is not None else None
    call = holder.parent if holder is not None and holder.type == "arguments" else None
    callee = call.child_by_field_name("function") if call is not None else None
    if params is not None and _occurrences(text(root), params) and callee is not None and \
            callee.type == "member_expression" and \
            text(callee.child_by_field_name("property")) in _ELEMENT_METHODS:
        return True  # a reduce accumulator or an array element, not a store of the app
    scope = enclosing(root, _FUNCTIONS) or _root(root)
    writes = _writes_of(text(root), scope)
    if len(writes) != 1 or _write_kind(writes[0]) != "declarator" or \
            enclosing(writes[0], _FUNCTIONS) != enclosing(root, _FUNCTIONS):
        return False
    value = writes[0].parent.child_by_field_name("value") if writes[0].parent else None
    return value is not None and _unwrap(value)[0].type in ("object", "array")


def _merge_call(call: Node) -> tuple[Node | None, str | None, list[Node]]:
    """Return what a call that copies values into an object writes: (the object, the one
    property it names or None for any, the values copied in); (None, None, []) for any other
    call, or one into an object made on the spot (``Object.assign({}, req.body)``)."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return None, None, []
    name = text(fn.child_by_field_name("property") or fn)
    args = code_children(call.child_by_field_name("arguments") or call)
    if name not in _LIBRARY_WRITERS and name not in _MERGERS or not args or \
            _unwrap(args[0])[0].type in ("object", "array"):
        return None, None, []
    if name in ("set", "setWith", "update", "updateWith", "defineProperty") and len(args) > 1:
        key = args[1]
        path = string_value(key) if key.type == "string" else None
        return args[0], (path.split(".")[0] if path else _ANY_NAME), args[2:]
    return args[0], None, args[1:]


def _written_from_request(ctx: ProjectContext, fact: _Assumed, hops: int,
                          verdicts: dict[_Assumed, bool]) -> bool:
    """Return True when some module of the project writes a property named ``fact.name`` (of
    any object: the rule does not know which are the class's instances), or merges into any
    object, a value that may come from a request."""
    for rel, _ in _project_indexes(ctx):
        values = ctx.extra["sql-injection property writes"][rel]
        with _in_module(rel):
            if any(_facts_open(ctx, _reach(value, 0, {}), hops + 1, verdicts)
                   for value in values.get(fact.name, []) + (
                       values.get("new " + fact.prop, []) if fact.prop else [])):
                return True
    return False


def _project_indexes(ctx: ProjectContext) -> list[tuple[str, dict[str, list[Node]]]]:
    """Return each project file's calls by name (``_calls_by_name``), its property writes
    made ready (``_writes_by_property``), read and walked once per run."""
    memo: dict[str, list[tuple[str, dict[str, list[Node]]]]] = ctx.extra.setdefault(
        "sql-injection indexes", {})
    if "all" not in memo:
        memo["all"] = [(rel, _calls_by_name(ctx, rel, root)) for rel, root in _js_files(ctx)
                       if _writes_by_property(ctx, rel, root) is not None]
    return memo["all"]


#: Globals whose methods are the platform's, not the project's.
_PLATFORM_GLOBALS = frozenset({"JSON", "Object", "Math", "Array", "String", "Number", "Date",
                               "Promise", "Reflect", "Buffer", "console", "process", "URL",
                               "crypto", "Intl", "Symbol", "Map", "Set"})


def _foreign_receiver(call: Node) -> bool:
    """Return True for a method call on a package's or the platform's object (``crypto
    .createHash('sha1').update(x)``, ``_.get(o, k)``, ``JSON.parse(s)``): not a call of the
    project's function of that name."""
    fn = call.child_by_field_name("function")
    node = fn.child_by_field_name("object") if fn is not None and \
        fn.type == "member_expression" else None
    while node is not None and node.type in ("member_expression", "call_expression",
                                             "parenthesized_expression", "await_expression"):
        node = node.child_by_field_name("object") or node.child_by_field_name("function") \
            if node.type in ("member_expression", "call_expression") else \
            (node.named_children[0] if node.named_children else None)
    if node is None or node.type != "identifier":
        return False
    name = text(node)
    binding = _binding(node)
    if binding is None:
        if name in _PLATFORM_GLOBALS:
            return True
        root = _root(node)
        for statement in root.named_children:
            if statement.type == "import_statement" and re.search(
                    rf"\b{re.escape(name)}\b", text(statement).split(" from ")[0]):
                source = statement.child_by_field_name("source")
                spec = string_value(source) if source is not None else None
                return spec is not None and not spec.startswith(".")
        return False
    if binding[0] != "var":
        return False
    for occ in _occurrences(name, binding[1]):
        parent = occ.parent
        if parent is not None and parent.type == "variable_declarator" and \
                parent.child_by_field_name("name") == occ:
            value = _unwrap(parent.child_by_field_name("value") or parent)[0]
            while value.type == "member_expression":
                value = _unwrap(value.child_by_field_name("object") or value)[0]
            if value.type == "call_expression" and \
                    text(value.child_by_field_name("function")) == "require":
                args = code_children(value.child_by_field_name("arguments") or value)
                spec = string_value(args[0]) if args and args[0].type == "string" else None
                return spec is not None and not spec.startswith(".")
    return False


def _default_imports(ctx: ProjectContext, rel: str, root: Node) -> dict[str, str]:
    """Return the names file ``rel`` binds to another project module's default export, with
    "default:<module>": ``const list = require('./list')``, ``import list from './list'``."""
    found: dict[str, str] = {}
    for node in walk(root):
        spec: str | None = None
        local: Node | None = None
        if node.type == "variable_declarator":
            local = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            spec = _require_spec(value) if value is not None and \
                b"require" in (value.text or b"") else None
        elif node.type == "import_statement":
            source = node.child_by_field_name("source")
            clause = next((c for c in node.named_children if c.type == "import_clause"), None)
            local = next((c for c in clause.named_children if c.type == "identifier"), None) \
                if clause is not None else None
            spec = string_value(source) if source is not None else None
        if spec is None or local is None or local.type != "identifier" or \
                not spec.startswith("."):
            continue
        target = ctx.resolve_import(rel, spec)
        if target is not None:
            found[text(local)] = "default:" + target
    return found


def _import_aliases(root: Node) -> dict[str, str]:
    """Return the names a file imports under another name, with the name they export:
    ``import { Base as B }``, ``const { Base: B } = require(…)``, ``const B =
    require(…).Base``."""
    found: dict[str, str] = {}
    for node in walk(root):
        if node.type == "import_specifier":
            name, alias = node.child_by_field_name("name"), node.child_by_field_name("alias")
            if name is not None and alias is not None:
                found[text(alias)] = text(name)
        elif node.type == "variable_declarator":
            target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if target is None or value is None or b"require" not in (value.text or b""):
                continue
            if target.type == "object_pattern":
                for prop in code_children(target):
                    key, local = prop.child_by_field_name("key"), \
                        prop.child_by_field_name("value")
                    if prop.type == "pair_pattern" and key is not None and local is not None \
                            and local.type == "identifier":
                        found[text(local)] = text(key)
            elif target.type == "identifier" and value.type == "member_expression" and \
                    text(value.child_by_field_name("object")).startswith("require("):
                found[text(target)] = text(value.child_by_field_name("property"))
    return found


def _constructorless_subclasses(ctx: ProjectContext) -> dict[str, set[str]]:
    """Return, by class name, the names of the project's classes that extend it without a
    constructor of their own (``new Sub(…)`` hands its arguments to the base's)."""
    memo: dict[str, dict[str, set[str]]] = ctx.extra.setdefault("sql-injection subclasses", {})
    if "all" not in memo:
        found: dict[str, set[str]] = {}
        for _, root in _js_files(ctx):
            aliases = _import_aliases(root)
            for node in walk(root):
                if node.type in _CLASS_TYPES and _constructor(node) is None:
                    base = _extended_name(node)
                    base = aliases.get(base, base) if base is not None else None
                    name = _class_name(node)
                    if base is not None and name is not None:
                        found.setdefault(base, set()).add(name)
        memo["all"] = found
    return memo["all"]


def _callers_pass_request(ctx: ProjectContext, fact: _Assumed, hops: int,
                          verdicts: dict[_Assumed, bool]) -> bool:
    """Return True when some call of the function ``fact`` names, anywhere in the project,
    gives parameter ``fact.params[0]`` a value that may come from a request (``_reach``,
    following the callers' own parameters up to ``_MAX_CALLER_HOPS``), or hands the
    function to a route registration as a handler (its first parameter)."""
    index = fact.params[0]
    names = {fact.name}
    if fact.prop == "new":
        subclasses = _constructorless_subclasses(ctx)
        pending = [fact.name]
        while pending:
            for sub in subclasses.get(pending.pop(), ()):
                if sub not in names:
                    names.add(sub)
                    pending.append(sub)
    for rel, calls in _project_indexes(ctx):
        if not any(name in calls for name in names) and "route:" + fact.name not in calls:
            continue
        if index == 0 and fact.prop != "new" and any(
                _may_call(ctx, rel, handler, fact) for handler in calls.get("route:" +
                                                                           fact.name, [])):
            return True
        with _in_module(rel):
            for call in (c for name in sorted(names) for c in calls.get(name, [])):
                if (call.type == "new_expression") != (fact.prop == "new") and \
                        (call.child_by_field_name("function") or call).type != "super":
                    continue
                if _foreign_receiver(call):
                    continue  # `crypto.createHash('sha1').update(…)`: another `update`
                if not _may_call(ctx, rel, call.child_by_field_name("function") or call,
                                 fact):
                    continue  # `report.totals(…)`: another module's `totals`
                args = code_children(call.child_by_field_name("arguments") or call)
                if _facts_open(ctx, _argument_reach(args, fact, 0, {}), hops + 1, verdicts):
                    return True
    return False


def _may_call(ctx: ProjectContext, rel: str, callee: Node, fact: _Assumed) -> bool:
    """Return True when ``callee`` (of a call in module ``rel``, or a handler handed to a route
    by name) may be the function a "callers" fact names, not one of the same name elsewhere:

    - a plain name: in the function's own module, or imported from it; imported from another
      project module that defines a function of that name itself, or defined in this one, it
      is that one;
    - ``x.name`` where ``x`` is an import (default, namespace, named class or instance,
      ``require``): when ``x``'s module is the function's, or does not define the name itself
      (it may re-export the function);
    - ``this.name`` in the function's class or one related to it by ``extends``; in another
      class that defines the name itself, that class's method;
    - any other receiver (a parameter, ``this.repo``, a local instance): only when the project
      defines a function of that name in one module and class, the function's. A name several
      modules or classes define is not given to one of them by name alone.

    Constructors, default exports (already resolved by module) and facts without a module
    count every call, as before."""
    if not fact.home or fact.prop == "new" or fact.name.startswith("default:"):
        return True
    callee = _unwrap(callee)[0]
    name = fact.name
    if callee.type == "identifier":
        target = _bound_module(ctx, rel, callee)
        if target is not None:
            return target == fact.home or name not in _defined_names(ctx).get(target, {})
        if rel == fact.home:
            return True
        if name in _defined_names(ctx).get(rel, {}):
            return False  # the module's own function of that name
        return _sole_definer(ctx, fact)
    if callee.type != "member_expression":
        return True
    obj = _unwrap(callee.child_by_field_name("object") or callee)[0]
    if obj.type == "this":
        cls = _this_class(callee)
        own = _class_name(cls) if cls is not None else None
        if own is not None:
            if rel == fact.home and fact.owner is not None and \
                    _related_classes(ctx, own, fact.owner):
                return True
            if own in _defined_names(ctx).get(rel, {}).get(name, set()):
                return False  # the class's own method of that name
        return _sole_definer(ctx, fact)
    if obj.type == "identifier":
        target = _bound_module(ctx, rel, obj)
        if target is not None:
            return target == fact.home or name not in _defined_names(ctx).get(target, {})
        local = _local_class(obj)
        if local is not None:
            # `Store.totals(…)`: the static method of a class of this module.
            return rel == fact.home and _class_name(local) == fact.owner
    return _sole_definer(ctx, fact)


def _sole_definer(ctx: ProjectContext, fact: _Assumed) -> bool:
    """Return True when no project module or class but the fact's own defines a function
    by the fact's name."""
    definers = {(rel, owner) for rel, names in _defined_names(ctx).items()
                for owner in names.get(fact.name, ())}
    return definers <= {(fact.home, fact.owner)}


def _defined_names(ctx: ProjectContext) -> dict[str, dict[str, set[str | None]]]:
    """Return, by project module, the names of the functions it defines (declared, methods,
    properties or variables holding a function), each with the classes that define it (None
    for one outside a class)."""
    memo: dict[str, dict[str, dict[str, set[str | None]]]] = ctx.extra.setdefault(
        "sql-injection defined", {})
    if "all" not in memo:
        found: dict[str, dict[str, set[str | None]]] = {}
        for rel, root in _js_files(ctx):
            names: dict[str, set[str | None]] = found.setdefault(rel, {})
            for node in walk(root):
                if node.type not in _FUNCTIONS:
                    continue
                named = _function_name(node)
                if named is None or named[1]:
                    continue
                holder = node.parent
                cls = enclosing(node, _CLASS_TYPES) if holder is not None and (
                    holder.type == "class_body" or holder.type in _FIELD_TYPES) else None
                names.setdefault(named[0], set()).add(
                    _class_name(cls) if cls is not None else None)
        memo["all"] = found
    return memo["all"]


def _related_classes(ctx: ProjectContext, one: str, other: str) -> bool:
    """Return True when classes ``one`` and ``other`` (by name) are the same or one extends
    the other (through the project's classes)."""
    memo: dict[str, dict[str, str]] = ctx.extra.setdefault("sql-injection bases", {})
    if "all" not in memo:
        bases: dict[str, str] = {}
        for _, root in _js_files(ctx):
            aliases = _import_aliases(root)
            for node in walk(root):
                if node.type in _CLASS_TYPES:
                    base, name = _extended_name(node), _class_name(node)
                    if base is not None and name is not None:
                        bases.setdefault(name, aliases.get(base, base))
        memo["all"] = bases
    bases = memo["all"]

    def ancestors(name: str) -> list[str]:
        chain = [name]
        while chain[-1] in bases and bases[chain[-1]] not in chain and len(chain) < 20:
            chain.append(bases[chain[-1]])
        return chain
    return other in ancestors(one) or one in ancestors(other)


def _bound_module(ctx: ProjectContext, rel: str, ident: Node) -> str | None:
    """Return the project module a top-level import of module ``rel`` binds ``ident`` to
    (``import x from './m'``, ``import * as x``, ``import { x }``, ``const x = require('./m')``,
    ``const { x } = require('./m')``, ``require('./m').x``); None for any other name, or one
    a function around ``ident`` declares again."""
    memo: dict[str, dict[str, str]] = ctx.extra.setdefault("sql-injection bound", {})
    if rel not in memo:
        found: dict[str, str] = {}
        root = _root(ident)
        bound: list[tuple[str | None, list[Node]]] = []
        for node in root.named_children:
            if node.type == "import_statement":
                source = node.child_by_field_name("source")
                bound.append((string_value(source) if source is not None else None, [
                    n for n in walk(node) if n.type == "identifier" and n.parent is not None
                    and (n.parent.type != "import_specifier" or
                         n.parent.child_by_field_name("alias") in (None, n))]))
            elif node.type in ("lexical_declaration", "variable_declaration"):
                for decl in code_children(node):
                    value = decl.child_by_field_name("value")
                    target = decl.child_by_field_name("name")
                    while value is not None and value.type in ("member_expression",
                                                               "new_expression"):
                        value = value.child_by_field_name("object") or \
                            value.child_by_field_name("constructor")
                    if value is not None and target is not None:
                        bound.append((_require_spec(value), [
                            n for n in walk(target) if n.type in (
                                "identifier", "shorthand_property_identifier_pattern")]))
        for spec, locals_ in bound:
            module = ctx.resolve_import(rel, spec) if spec and spec.startswith(".") else None
            if module is not None:
                for local in locals_:
                    found.setdefault(text(local), module)
        memo[rel] = found
    module = memo[rel].get(text(ident))
    if module is None:
        return None
    binding = _binding(ident)
    return module if binding is None or binding[1].parent is None else None


#: The findings of the file being checked that wait for the project phase (``file_data``).
_DEFERRED: dict[str, list[tuple[Finding, tuple[_Assumed, ...]]]] = {}


def _environment_settled(fact: _Assumed) -> bool:
    """Return True when no project module writes ``process.env`` name ``fact.name`` from
    code (``_STATE.env_written``, set by the project phase)."""
    written = _STATE.env_written
    return written is not None and fact.name not in written and _ANY_NAME not in written


class SqlInjection(Rule):
    """Query calls whose SQL text is built from strings and values."""

    id = "sql-injection"

    def wants(self, source: bytes) -> bool:
        return any(pattern.search(source) for pattern in _SQL_WORD_RES)

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        _DEFERRED.clear()
        _STATE.rel = ctx.rel
        _STATE.mysql_dependency = any(ctx.info.has_dependency(p) for p in _MYSQL_PACKAGES)
        driver = driver_of(ctx)
        root = ctx.tree.root_node
        caps = nodes_in(ctx.lang, root, _call_ranges(root, ctx.source), "call")
        indexes: dict[tuple[int, int, str], _ScopeIndex] = {}
        for call in caps.get("call", []):
            fn = call.child_by_field_name("function")
            prop = fn.child_by_field_name("property") \
                if fn is not None and fn.type == "member_expression" else None
            if prop is None or prop.type != "property_identifier" \
                    or text(prop) not in SQL_METHODS:
                continue
            method = text(prop)
            args_node = arguments_of(call)
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
        deferred = ctx.file_data.get(self.id, {})
        if not deferred:
            return
        verdicts: dict[_Assumed, bool] = ctx.extra.setdefault("sql-injection callers", {})
        _STATE.env_written = _project_environment_writes(ctx)
        _STATE.mysql_dependency = any(ctx.info.has_dependency(p) for p in _MYSQL_PACKAGES)
        try:
            for rel, held in deferred.items():
                for finding, facts in held:
                    with _in_module(rel):
                        reached = _facts_open(ctx, frozenset(facts), 1, verdicts)
                    if reached:
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
        if source.blocker and source.variable and "assembled" in source.blocker:
            _STATE.assumed = []
            try:
                assembled = _assembled_from_constants(source.variable, source.expr, call)
                held = list(_STATE.assumed)
            finally:
                _STATE.assumed = None
            if assembled and not held:
                return None  # constant SQL text: the values go in as parameters
        return self._judge(ctx, call, method, args, driver, source)

    def _judge(self, ctx: FileContext, call: Node, method: str, args: list[Node],
               driver: str | None, source: _Source) -> Finding | None:
        """Return the finding of a query whose SQL embeds a value a client may steer: read
        from the request here (reported now), or a parameter of a named function (held back
        for the project phase, which looks at what its callers pass)."""
        pieces = split_sql(source.expr)
        if pieces is None:
            if source.blocker and source.expr.type in ("string", "template_string") and \
                    SQL_START_RE.match(text(source.expr)[1:]) and "assembled" in source.blocker:
                written = _reach(args[0], 0, {})  # every write of the variable
                if not written:
                    return None
                finding = ctx.node_finding(
                    self.id, call,
                    f"SQL built from strings: {source.blocker}; build it with placeholders and "
                    "a parameter array instead (no automatic fix)")
                return self._held(ctx, finding, written)
            return None
        if not looks_like_sql(pieces):
            return None
        scope = _scope_of(call)
        known: set[tuple[int, int]] = set()  # constant without assuming what imports export
        open_values: list[Node] = []
        _STATE.assumed = []
        try:
            for value in pieces.values():
                before = len(_STATE.assumed)
                if (_internal_value(value) or _constant_text(value, scope, call)) and \
                        len(_STATE.assumed) == before:
                    known.add((value.start_byte, value.end_byte))
                else:
                    open_values.append(value)
        finally:
            _STATE.assumed = None
        if not open_values:
            # Numbers, sqlite's own row ids, constant SQL fragments and placeholder lists
            # (`ids.map(() => '?').join(',')`): nothing a client controls.
            return None
        reach: set[object] = set()
        escaped: set[tuple[int, int]] = set()
        for value in open_values:
            before = _STATE.escaped
            reach |= _reach(value, 0, {})
            if _STATE.escaped != before or _escape_named(value):
                # Already through a driver's escaping function, or through one the rule
                # does not know (`db.escape(id)` of an unknown `db`): never a placeholder's,
                # which would escape it twice (`WHERE id = '\'2\''`).
                escaped.add((value.start_byte, value.end_byte))
        if not reach:
            # Ids from the database, dates, configuration, imports, fields set in the code,
            # values the driver has escaped: built text, but none a client may break out of.
            return None
        finding = self._report(ctx, call, method, args, driver, source, pieces,
                               frozenset(known), frozenset(escaped))
        return self._held(ctx, finding, reach)

    @staticmethod
    def _held(ctx: FileContext, finding: Finding, reach: set[object]) -> Finding | None:
        """Return the finding when a request reaches its SQL; hold it back for the project
        phase when only parameters of named functions may (``_callers_pass_request``)."""
        if _REQUEST in reach:
            return finding
        facts = tuple(sorted((r for r in reach if isinstance(r, _Assumed)),
                             key=lambda f: (f.name, f.prop or "", f.params)))
        _DEFERRED.setdefault(ctx.rel, []).append((finding, facts))
        return None

    def _report(self, ctx: FileContext, call: Node, method: str, args: list[Node],
                driver: str | None, source: _Source, pieces: Pieces,
                known: frozenset[tuple[int, int]] = frozenset(),
                escaped: frozenset[tuple[int, int]] = frozenset()) -> Finding:
        """Return the finding of a call whose SQL embeds values (``known``: the byte spans of
        the values that are constant, which the message does not blame; ``escaped``: those
        of values a driver's escaping function made, which no placeholder may take)."""
        how = "a template literal" if source.expr.type == "template_string" else "`+`"
        base = f"SQL built with {how} from values can be injected"
        if source.variable:
            base += f" (`{source.variable}`)"
        placeholder = "$" if driver == "pg" else "?"
        rewrite = parameterize(pieces, placeholder, known, escaped)
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
