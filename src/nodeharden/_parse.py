"""tree-sitter parsing: one parser and one compiled query per language and process.

Trees and nodes never leave the process that made them; workers return plain data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, overload

from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

LANGUAGES = ("javascript", "typescript", "tsx")


@cache
def language(name: str) -> Language:
    """Return the tree-sitter language ``javascript``, ``typescript`` or ``tsx``."""
    if name == "javascript":
        return Language(_binding("tree_sitter_javascript").language())
    if name == "typescript":
        return Language(_binding("tree_sitter_typescript").language_typescript())
    if name == "tsx":
        return Language(_binding("tree_sitter_typescript").language_tsx())
    raise ValueError(f"unknown language {name!r}")


def _binding(package: str) -> Any:
    """Return the compiled module ``<package>._binding`` of a grammar package, loaded without
    running the package's ``__init__``: that imports ``importlib.resources`` (with
    ``tempfile``, ``random``…) for query files nodeharden does not read, about 3 ms in every
    scanning process. The module is registered under its name, so a later import of the
    package uses it. Falls back to the plain import where the package is laid out otherwise."""
    import importlib.machinery
    import importlib.util
    import sys

    name = f"{package}._binding"
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.machinery.PathFinder.find_spec(package)
    folders = spec.submodule_search_locations if spec is not None else None
    found = importlib.machinery.PathFinder.find_spec(name, list(folders)) if folders else None
    if found is None or not isinstance(found.loader, importlib.machinery.ExtensionFileLoader):
        return importlib.import_module(name)
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    sys.modules[name] = module
    return module


@cache
def parser(name: str) -> Parser:
    """Return this process's parser for a language."""
    return Parser(language(name))


@cache
def query(lang: str, text: str) -> Query:
    """Return a compiled query, compiled once per process and language."""
    return Query(language(lang), text)


#: Every call, for the rules that look at calls' parts in Python anyway: one query text that
#: they share, so it is compiled once per process. Compiling a query costs about 0.45 ms
#: however small it is, and each nested child pattern (``function: (member_expression
#: property: (property_identifier))``) about 1 ms more: compiled in every scanning process,
#: the nested forms took 8-9 ms of each one's share of a check of the 300-file bench app.
CALLS_QUERY = "(call_expression) @call"


def arguments_of(call: Node) -> Node | None:
    """Return a call's parenthesised arguments (None for a tagged template, ``tag`...```, or
    ``new Foo`` without them)."""
    args = call.child_by_field_name("arguments")
    return args if args is not None and args.type == "arguments" else None


def parse(lang: str, source: bytes) -> Tree:
    """Parse ``source`` bytes."""
    return parser(lang).parse(source)


def captures(lang: str, text: str, node: Node) -> dict[str, list[Node]]:
    """Run a query and return capture name → nodes (in document order)."""
    result: dict[str, list[Node]] = QueryCursor(query(lang, text)).captures(node)
    for nodes in result.values():
        nodes.sort(key=lambda n: n.start_byte)
    return result


#: For byte patterns: spaces and comments between two tokens (comments of up to 200
#: characters: bounded, an unbounded ``/\*.*?\*/`` makes a pattern quadratic on files with
#: many ``/*#__PURE__*/`` annotations).
GAP = rb"\s*(?:(?:/\*(?:[^*]|\*(?!/)){0,200}\*/|//[^\n]{0,200}\n)\s*)*"
#: For byte patterns: from the end of a callee's name to its ``(``: spaces, comments,
#: TypeScript type arguments, ``?.``.
CALL_OPEN = GAP + rb"(?:<[^<>()]{0,200}>\s*)?(?:\?\.)?" + GAP + rb"\("

def alternation(words: Iterable[str]) -> bytes:
    """Return a byte-pattern group matching any of ``words`` literally (longest first, so a
    word is not cut short by one of its prefixes; words of one length in alphabetical order,
    so that a set's words give the same pattern in every process)."""
    return rb"(?:" + b"|".join(re.escape(w.encode())
                              for w in sorted(words, key=lambda w: (-len(w), w))) + rb")"


def identifier_pattern(names: Iterable[str]) -> re.Pattern[bytes]:
    """Return a pattern matching any of ``names`` as a whole identifier (not inside a longer
    name; ``$`` counts as part of one)."""
    return re.compile(rb"(?<![\w$])" + alternation(names) + rb"(?![\w$])")


#: Byte ranges closer than this are merged into one before a ranged query: one query over a
#: slightly wider range is cheaper than two over adjacent ones.
MERGE_GAP = 128


def needle_ranges(patterns: Iterable[re.Pattern[bytes]], source: bytes,
                  gap: int = MERGE_GAP) -> list[tuple[int, int]]:
    """Return the sorted, merged byte ranges where any of ``patterns`` matches ``source``."""
    return merge_ranges([m.span() for pattern in patterns for m in pattern.finditer(source)],
                        gap)


def merge_ranges(spans: list[tuple[int, int]], gap: int = MERGE_GAP) -> list[tuple[int, int]]:
    """Return ``spans`` sorted, with overlapping or close ones (``gap``) merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] <= gap:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def captures_in(lang: str, text: str, node: Node,
                ranges: Iterable[tuple[int, int]]) -> dict[str, list[Node]]:
    """Run a query only where it can matter: return capture name → the captured nodes that
    intersect any of ``ranges`` (each node once, in document pre-order).

    A node intersects a range when it contains a byte of it, so a range around a needle (a
    method name, a keyword) yields every captured node that contains the needle: the call
    around ``.query(``, the functions around ``.json(``. tree-sitter then walks only the paths
    from the root to those ranges instead of the whole tree, which is what makes checking a
    large library file cheap when the few needles it holds sit in a small part of it.
    """
    compiled = query(lang, text)
    found: dict[str, dict[tuple[int, int, int], Node]] = {}
    for start, end in ranges:
        cursor = QueryCursor(compiled)
        cursor.set_byte_range(start, end)
        for name, nodes in cursor.captures(node).items():
            bucket = found.setdefault(name, {})
            for n in nodes:
                bucket.setdefault((n.id, n.start_byte, n.end_byte), n)
    return {name: sorted(bucket.values(), key=lambda n: (n.start_byte, -n.end_byte))
            for name, bucket in found.items()}


def matches(lang: str, text: str, node: Node) -> list[dict[str, list[Node]]]:
    """Run a query and return one capture dict per match, in document order."""
    found = QueryCursor(query(lang, text)).matches(node)
    out = [caps for _, caps in found]
    out.sort(key=lambda caps: min((n[0].start_byte for n in caps.values() if n), default=0))
    return out


def text(node: Node | None) -> str:
    """Return a node's source text (empty for None)."""
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def string_value(node: Node | None) -> str | None:
    """Return the value of a string literal or a template string without substitutions."""
    if node is None:
        return None
    if node.type == "string":
        return "".join(text(c) for c in node.named_children)
    if node.type == "template_string":
        if any(c.type == "template_substitution" for c in node.named_children):
            return None
        raw = text(node)
        return raw[1:-1]
    return None


def required_module(node: Node | None, relative: bool = False) -> str | None:
    """Return the module a ``require('m')`` call names (``require`` called with one string),
    or None; with ``relative``, only a module of the project (``./m``, ``../m``)."""
    if node is None or node.type != "call_expression" \
            or text(node.child_by_field_name("function")) != "require":
        return None
    args_node = node.child_by_field_name("arguments")
    args = code_children(args_node) if args_node is not None else []
    spec = string_value(args[0]) if len(args) == 1 else None
    return None if spec is None or (relative and not spec.startswith(".")) else spec


def walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and all its descendants in document order."""
    cursor = node.walk()
    visited_children = False
    while True:
        if not visited_children:
            assert cursor.node is not None
            yield cursor.node
            if cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            visited_children = False
        elif cursor.goto_parent():
            visited_children = True
        else:
            return


#: The node types a use of a variable's name is written as (``x``, and ``{ x }`` in an object).
NAME_TYPES = ("identifier", "shorthand_property_identifier")


def uses_of(root: Node, names: str | set[str] | frozenset[str]) -> Iterator[Node]:
    """Yield every identifier and shorthand property under ``root`` spelt as ``names`` (one
    name or a set of them), in document order: the uses of a variable a rule follows, its
    declaration included (the caller tells them apart by their parents)."""
    wanted = {names} if isinstance(names, str) else names
    for node in walk(root):
        if node.type in NAME_TYPES and text(node) in wanted:
            yield node


#: Every tree-sitter node type that is a function, in JavaScript and TypeScript: the one set
#: rules use for "the enclosing function" and "is this argument a function".
FUNCTION_TYPES = frozenset({"function_declaration", "function_expression", "arrow_function",
                            "method_definition", "function", "generator_function",
                            "generator_function_declaration"})


def nodes_of_types(lang: str, root: Node, types: Iterable[str]) -> list[Node]:
    """Return every node under ``root`` (``root`` included) whose type is one of ``types``,
    in document order (outer before inner at the same start). tree-sitter's query walks the
    tree in C: a Python walk of every node of a large file costs more than its parse. Types
    the language does not have are left out (the grammars name some differently)."""
    known = sorted(t for t in types if language(lang).id_for_node_kind(t, True))
    if not known:
        return []
    text_ = "[" + " ".join(f"({t})" for t in known) + "] @n"
    found = QueryCursor(query(lang, text_)).captures(root).get("n", [])
    found.sort(key=lambda n: (n.start_byte, -n.end_byte))
    return found


def enclosing(node: Node, types: tuple[str, ...] | frozenset[str]) -> Node | None:
    """Return the nearest ancestor of ``node`` whose type is in ``types``."""
    cur = node.parent
    while cur is not None:
        if cur.type in types:
            return cur
        cur = cur.parent
    return None


def statement_of(node: Node) -> Node:
    """Return the statement that contains ``node`` (the node itself when it is one)."""
    cur: Node = node
    while cur.parent is not None and cur.parent.type not in STATEMENT_CONTAINERS:
        cur = cur.parent
    if cur.parent is not None and cur.parent.type == "export_statement":
        return cur.parent
    return cur


#: The nodes whose children are statements (``statement_of``).
STATEMENT_CONTAINERS = ("program", "statement_block", "switch_case", "class_body",
                        "export_statement")
#: A query pattern capturing them, to run with the query that finds the nodes
#: (``StatementFinder``).
CONTAINER_PATTERN = "[" + " ".join(f"({t})" for t in STATEMENT_CONTAINERS) + "] @container"

#: The node types the Express facts and the per-file rules capture around their needles, in one
#: query (``nodes_in``). Compiling a query costs about 0.5 ms however few patterns it has (in a
#: scanning process, with the parse's trees around, 1-2.5 ms), and each scanning process
#: compiles its own: eight narrow queries, one per reader, took 10-13 ms of each process's
#: share of a check of the 300-file bench app. Flat patterns, so that the query stays cheap to
#: compile; captured only where a needle is (``captures_in``), so that a reader's share of the
#: others' node types is the few nodes around each needle.
SYNTAX_QUERY = "\n".join((
    "(call_expression) @call",
    "(new_expression) @new",
    "(binary_expression) @cmp",
    "(import_statement) @import",
    "(throw_statement) @throw",
    "(catch_clause) @catch",
    "[" + " ".join(f"({t})" for t in sorted(FUNCTION_TYPES - {"function"})) + "] @function",
    CONTAINER_PATTERN,
))


def nodes_in(lang: str, root: Node, ranges: Iterable[tuple[int, int]],
             *names: str) -> dict[str, list[Node]]:
    """Return ``captures_in`` of ``SYNTAX_QUERY`` for the capture ``names`` (each name's
    nodes in document pre-order; a name nothing matched maps to an empty list)."""
    found = captures_in(lang, SYNTAX_QUERY, root, ranges)
    return {name: found.get(name, []) for name in names}


def in_order(*groups: list[Node]) -> list[Node]:
    """Return the nodes of ``groups`` in document pre-order (as one capture name's are)."""
    return sorted((node for group in groups for node in group),
                  key=lambda n: (n.start_byte, -n.end_byte))


class StatementFinder:
    """``statement_of`` for nodes asked about in document order, from the statement containers
    a query captured around them (every container that holds a node intersects the ranges
    that found it, so a ranged query captures it). Climbing parents costs a walk from the root
    per level in tree-sitter: on a chain of thousands of calls (``res.set(…).set(…)…``) each
    climb was quadratic and a file took minutes; here each node costs one step down from its
    innermost container."""

    def __init__(self, containers: list[Node]) -> None:
        self._containers = sorted(containers, key=lambda n: (n.start_byte, -n.end_byte))
        self._next = 0
        self._open: list[Node] = []

    def __call__(self, node: Node) -> Node:
        start, end = node.start_byte, node.end_byte
        containers, opened = self._containers, self._open
        while self._next < len(containers) and containers[self._next].start_byte <= start:
            container = containers[self._next]
            self._next += 1
            while opened and opened[-1].end_byte <= container.start_byte:
                opened.pop()
            opened.append(container)
        while opened and opened[-1].end_byte <= start:
            opened.pop()
        inner = opened[-1] if opened else None
        if inner is None or inner.end_byte < end or inner == node:
            return statement_of(node)
        if inner.type == "export_statement":
            return inner
        child = inner.child_with_descendant(node)
        return child if child is not None else statement_of(node)


def code_children(node: Node) -> list[Node]:
    """Return a node's named children without comments (arguments, parameters, members)."""
    return [child for child in node.named_children if child.type != "comment"]


#: Wrappers that hand their value through unchanged: parentheses and TypeScript's type-only
#: forms (``x as T``, ``x satisfies T``, ``x!``, ``<T>x``).
CASTS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression",
                   "non_null_expression", "type_assertion"})
#: ``CASTS`` and ``await``, for rules that follow the value a promise settles to.
CASTS_AND_AWAIT = CASTS | {"await_expression"}


@overload
def unwrap(node: Node, kinds: frozenset[str] = CASTS) -> Node: ...
@overload
def unwrap(node: None, kinds: frozenset[str] = CASTS) -> None: ...
@overload
def unwrap(node: Node | None, kinds: frozenset[str] = CASTS) -> Node | None: ...
def unwrap(node: Node | None, kinds: frozenset[str] = CASTS) -> Node | None:
    """Return the value inside the wrappers of ``kinds`` around ``node``: the expression of
    ``(x)``, ``x as T`` or ``await x``, which is the last child only in ``<T>x``. An empty
    wrapper (only in a file with a syntax error) is returned as it is."""
    while node is not None and node.type in kinds:
        inner = code_children(node)
        if not inner:
            break
        node = inner[-1] if node.type == "type_assertion" else inner[0]
    return node


def parameters(fn: Node) -> list[Node]:
    """Return a function's parameters as their patterns, without TypeScript type annotations
    (``x => …`` has one: ``x``)."""
    params = fn.child_by_field_name("parameters")
    if params is None:
        single = fn.child_by_field_name("parameter")
        return [single] if single is not None else []
    out = []
    for param in code_children(params):
        if param.type in ("required_parameter", "optional_parameter"):
            param = param.child_by_field_name("pattern") or param
        out.append(param)
    return out


def has_error(tree: Tree) -> bool:
    """Return True when the tree contains a syntax error or a missing node."""
    return bool(tree.root_node.has_error)


def object_properties(node: Node | None) -> dict[str, Node]:
    """Return ``key → value node`` for the plain properties of an object literal."""
    props: dict[str, Node] = {}
    if node is None or node.type != "object":
        return props
    for child in node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is None or value is None:
                continue
            name = string_value(key) if key.type == "string" else text(key)
            if name is not None:
                props[name] = value
        elif child.type == "shorthand_property_identifier":
            props[text(child)] = child
    return props


def has_spread(node: Node | None) -> bool:
    """Return True when an object literal contains ``...spread``."""
    return node is not None and any(c.type == "spread_element" for c in node.named_children)


Plain = dict[str, Any]
