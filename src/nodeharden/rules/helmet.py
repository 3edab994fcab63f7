"""helmet: security headers on every Express app, nothing switched off.

Headers are counted header by header, from what sets them: ``helmet()`` sets them all; one of
helmet's own middlewares (``helmet.hsts()``) or lusca's (``lusca.xframe()``) sets only its own
header (``lusca.csrf()`` sets none); the app may set a header itself
(``res.setHeader('Content-Security-Policy', …)``, ``res.set({...})``) and remove X-Powered-By
(``app.disable('x-powered-by')``). A finding names only the headers that are missing, and a fix
never replaces a header the app sets itself. A protection switched off gets an unsafe fix that
turns it back on; for the Content Security Policy of an app with views, the policy allows the
hosts its templates load scripts, images and frames from (found by bytes in the repository's
templates).
"""

from __future__ import annotations

import itertools
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from tree_sitter import Node

from nodeharden._express import HTTP_METHODS, FileFacts, inline_called
from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._packagejson import declared_major, version_of
from nodeharden._parse import (
    CASTS,
    FUNCTION_TYPES,
    GAP,
    captures,
    captures_in,
    code_children,
    has_spread,
    needle_ranges,
    nodes_of_types,
    object_properties,
    parameters,
    parse,
    required_module,
    string_value,
    text,
    unwrap,
    uses_of,
    walk,
)
from nodeharden._project import JS_SUFFIXES, files_with_suffix
from nodeharden._record import record, replace
from nodeharden._regex import lazy_pattern
from nodeharden._roles import APP, package_of, role_from_path
from nodeharden._style import Style
from nodeharden.rules._base import FileContext, ProjectContext, Rule, is_test_file
from nodeharden.rules._edits import (
    ImportRequest,
    add_imports,
    after_app_edit,
    can_extend,
    use_statement,
)
from nodeharden.rules._loopback import BROWSER_WORK, PROBE_PATH, internal_service
from nodeharden.rules._mounts import sub_apps, wrapper_apps

#: helmet options whose ``false`` value switches a protection off.
PROTECTIONS = (
    "contentSecurityPolicy", "crossOriginEmbedderPolicy", "crossOriginOpenerPolicy",
    "crossOriginResourcePolicy", "originAgentCluster", "referrerPolicy",
    "strictTransportSecurity", "hsts", "xContentTypeOptions", "noSniff", "xDnsPrefetchControl",
    "dnsPrefetchControl", "xDownloadOptions", "ieNoOpen", "xFrameOptions", "frameguard",
    "xPermittedCrossDomainPolicies", "permittedCrossDomainPolicies", "xPoweredBy", "hidePoweredBy",
    "xXssProtection", "xssFilter",
)

#: helmet options whose default is no defence, so ``false`` removes none: ``xXssProtection``
#: (``xssFilter``) sends ``X-XSS-Protection: 0``, which switches the old browsers' XSS filter
#: OFF (no current browser has one: leaving the header out changes nothing);
#: ``xDnsPrefetchControl`` (``dnsPrefetchControl``) is a privacy and performance hint;
#: ``originAgentCluster`` asks for an isolation the browser may or may not give (a hint, no
#: boundary); ``xDownloadOptions`` (``ieNoOpen``) sends ``X-Download-Options: noopen``, which
#: only Internet Explorer 8 read (it opened downloads in the site's context; no browser in
#: use does). Switching them off is not reported.
NOT_A_DEFENCE = frozenset({"xXssProtection", "xssFilter", "xDnsPrefetchControl",
                           "dnsPrefetchControl", "originAgentCluster", "xDownloadOptions",
                           "ieNoOpen"})
#: helmet options whose header acts only on documents (a top-level page, a frame, a worker):
#: on a JSON answer it does nothing, so a helmet that serves only an API path may leave them
#: off. Content-Security-Policy (``frame-ancestors``, which OWASP asks APIs to send),
#: X-Frame-Options, nosniff, HSTS, Referrer-Policy and Cross-Origin-Resource-Policy (which
#: stops other sites reading the JSON with a ``no-cors`` request) still count there.
DOCUMENT_ONLY = NOT_A_DEFENCE | {"crossOriginOpenerPolicy", "crossOriginEmbedderPolicy"}
#: The headers of the options switched off that protect nothing in a project that answers no
#: page at all (``answers_documents``): the document-only ones, and Content-Security-Policy,
#: whose ``frame-ancestors`` X-Frame-Options still covers (``frameguard: false`` is reported
#: on its own).
_DOCUMENT_HEADERS = frozenset({"content-security-policy", "cross-origin-opener-policy",
                               "cross-origin-embedder-policy"})

_CALL_QUERY = "(call_expression function: (_) @fn arguments: (arguments . (object) @opts)) @call"


#: The headers helmet sets that make a header middleware equivalent to it, and the lusca
#: middleware (``lusca.<name>()`` or the ``<name>`` option of ``lusca({...})``) for each.
CORE_HEADERS = {"csp": "Content-Security-Policy", "xframe": "X-Frame-Options",
                "hsts": "Strict-Transport-Security", "nosniff": "X-Content-Type-Options",
                "referrerPolicy": "Referrer-Policy"}
#: The core headers an app may lack and still not be reported: transport and referrer policy,
#: not protections of the page's content (``_without_helmet`` says why).
_TRANSPORT_ONLY = frozenset({"hsts", "referrerPolicy"})
_LUSCA_OPTION_RE = lazy_pattern(rb"\b(" + b"|".join(k.encode() for k in CORE_HEADERS) + rb")\s*:")


def _call_arguments(source: bytes, start: int) -> bytes:
    """Return the text between the parenthesis at or after ``start`` and its match."""
    open_at = source.find(b"(", start)
    if open_at == -1:
        return b""
    depth = 0
    for index in range(open_at, min(len(source), open_at + 20_000)):
        char = source[index:index + 1]
        if char == b"(":
            depth += 1
        elif char == b")":
            depth -= 1
            if depth == 0:
                return source[open_at + 1:index]
    return b""


#: helmet options and the lusca middleware that sets the same header.
LUSCA_FOR_OPTION = {"contentSecurityPolicy": "csp", "strictTransportSecurity": "hsts",
                    "hsts": "hsts", "xFrameOptions": "xframe", "frameguard": "xframe",
                    "xContentTypeOptions": "nosniff", "noSniff": "nosniff",
                    "referrerPolicy": "referrerPolicy"}


#: The headers helmet sets by default (lower case) and the helmet 7/8 option for each.
HELMET_OPTION_FOR_HEADER = {
    "content-security-policy": "contentSecurityPolicy",
    "cross-origin-opener-policy": "crossOriginOpenerPolicy",
    "cross-origin-resource-policy": "crossOriginResourcePolicy",
    "origin-agent-cluster": "originAgentCluster",
    "referrer-policy": "referrerPolicy",
    "strict-transport-security": "strictTransportSecurity",
    "x-content-type-options": "xContentTypeOptions",
    "x-dns-prefetch-control": "xDnsPrefetchControl",
    "x-download-options": "xDownloadOptions",
    "x-frame-options": "xFrameOptions",
    "x-permitted-cross-domain-policies": "xPermittedCrossDomainPolicies",
    "x-xss-protection": "xXssProtection",
}
#: helmet options and middlewares (``helmet.<name>()``, current and older names) → the header
#: each sets (``x-powered-by``: the one it removes).
HEADER_OF_HELMET = {
    **{option: header for header, option in HELMET_OPTION_FOR_HEADER.items()},
    "crossOriginEmbedderPolicy": "cross-origin-embedder-policy",
    "hsts": "strict-transport-security",
    "noSniff": "x-content-type-options", "dnsPrefetchControl": "x-dns-prefetch-control",
    "ieNoOpen": "x-download-options", "frameguard": "x-frame-options",
    "permittedCrossDomainPolicies": "x-permitted-cross-domain-policies",
    "xssFilter": "x-xss-protection", "xPoweredBy": "x-powered-by", "hidePoweredBy": "x-powered-by",
}
#: The core header (``CORE_HEADERS`` key) a header name is; ``frame-ancestors`` (in a
#: Content-Security-Policy) is the protection X-Frame-Options gives.
CORE_OF_HEADER = {**{name.lower(): key for key, name in CORE_HEADERS.items()},
                  "frame-ancestors": "xframe"}
#: Bytes that may name a header helmet sets (the app setting it itself), looked for in the
#: lower-cased file with ``in``: a case-insensitive regex alternation over every file cost a
#: fifth of a second on a 2 MB tree.
_HEADER_WORDS = (b"content-security-policy", b"cross-origin-", b"origin-agent-cluster",
                 b"referrer-policy", b"strict-transport-security", b"x-content-type-options",
                 b"x-dns-prefetch-control", b"x-download-options", b"x-frame-options",
                 b"x-permitted-cross-domain-policies", b"x-xss-protection", b"x-powered-by")
_FRAME_ANCESTORS_RE = lazy_pattern(rb"frame-ancestors|frameAncestors")
#: ``res.setHeader(name, value)``, ``res.set(name, value)``/``res.set({...})``,
#: ``res.header(…)``, ``res.append(name, value)``, ``res.writeHead(status, {...})``, and
#: ``res.removeHeader('X-Powered-By')``.
_SETTERS = frozenset({"setHeader", "set", "header", "append", "writeHead", "removeHeader"})
#: ``.setHeader``, ``.set``, … (``_SETTERS``): where a setter call's method name may be.
_SETTER_NAME_RE = lazy_pattern(
    rb"\." + GAP + rb"(setHeader|set|header|append|writeHead|removeHeader)(?![\w$])")
#: ``.set``: where a settings loop's ``X.set(k, v)`` may be.
_SET_NAME_RE = lazy_pattern(rb"\." + GAP + rb"(set)(?![\w$])")


#: More needles than this: one query over the whole tree (each needle is found from the root
#: down, which a deep chain of such calls would make quadratic).
_FEW_NEEDLES = 48


def _member_calls(lang: str, root: Node, source: bytes, pattern: re.Pattern[bytes],
                  names: frozenset[str]) -> list[tuple[Node, Node, Node]]:
    """Return (callee, method, arguments) of each call ``X.method(…)`` whose method is one of
    ``names``, in document order. ``pattern`` finds those names (group 1) after a ``.``: a few
    needles are looked up in the tree from where they are; every file of a library has calls
    and few have these methods, so every call of the tree is looked at only for many."""
    needles = list(itertools.islice(pattern.finditer(source), _FEW_NEEDLES + 1))
    found: list[tuple[Node, Node, Node]] = []
    if len(needles) > _FEW_NEEDLES:
        # Every call, from the top down (a query with field patterns, or a node's .parent,
        # which is found from the root down, is slow on a deep chain of calls).
        for call in nodes_of_types(lang, root, ("call_expression",)):
            callee = call.child_by_field_name("function")
            method = callee.child_by_field_name("property") \
                if callee is not None and callee.type == "member_expression" else None
            call_args = call.child_by_field_name("arguments")
            if callee is not None and method is not None and \
                    method.type == "property_identifier" and text(method) in names and \
                    call_args is not None and call_args.type == "arguments":
                found.append((callee, method, call_args))
        found.sort(key=lambda item: item[1].start_byte)
        return found
    for match in needles:
        node = root.descendant_for_byte_range(*match.span(1))
        fn = node.parent if node is not None and node.type == "property_identifier" else None
        if node is None or fn is None or fn.type != "member_expression" or \
                fn.child_by_field_name("property") != node:
            continue  # in a comment or a string, or no member
        outer = fn.parent
        arguments = outer.child_by_field_name("arguments") if outer is not None and \
            outer.type == "call_expression" and outer.child_by_field_name("function") == fn \
            else None
        if arguments is not None and arguments.type == "arguments":
            found.append((fn, node, arguments))
    return found


def _last_name(node: Node | None, source: bytes) -> str:
    """Return what follows the last ``.`` of a receiver's text (``res`` for ``this.res``),
    read from its end: the whole text of a long chain of calls, for each call of it, made
    reading a file quadratic. A name longer than the tail read is none of the short names
    it is compared with."""
    if node is None:
        return ""
    tail = source[max(node.start_byte, node.end_byte - 32):node.end_byte]
    return tail.rsplit(b".", 1)[-1].decode("utf-8", errors="replace")


#: A part of each of ``_HEADER_WORDS``: four searches tell most files that they name none of
#: the twelve (tests/rules/test_helmet_header_hints.py keeps every word covered).
_HEADER_HINTS = (b"x-", b"-polic", b"origin-", b"-transport-security")


def _names_header(source: bytes) -> bool:
    """Return True when the file may name a helmet header (``_HEADER_WORDS``, any case)."""
    if b"-" not in source:
        return False
    low = source.lower()
    return any(hint in low for hint in _HEADER_HINTS) and any(word in low
                                                              for word in _HEADER_WORDS)


#: A route path of one route or of one subtree (``/export``, ``/files/:name``, ``/api/*``,
#: ``/``), not one that may match every path (``*``, ``/*``, ``(.*)``, ``/:page``, a regex or
#: a computed path).
_ONE_ROUTE_RE = lazy_pattern(r"/|/?[\w.~-].*")


class RouteHandler(NamedTuple):
    """A function a file registers as the handler of a route of its own path (``app.get(
    '/export', (req, res) => …)``): its bytes, and its response parameter's name."""

    start: int
    end: int
    response: str


def _handler_of(fn: Node | None) -> RouteHandler | None:
    """Return ``fn`` as a route handler when it is a function with a plain response parameter
    (its second: ``(req, res)``); a wrapper's one function (``asyncHandler((req, res) => …)``)
    counts as the wrapper's."""
    fn = unwrap(fn)
    if fn is not None and fn.type == "call_expression":
        given = [a for a in code_children(fn.child_by_field_name("arguments") or fn)
                 if unwrap(a) is not None and unwrap(a).type in FUNCTION_TYPES]
        fn = unwrap(given[0]) if len(given) == 1 else None
    if fn is None or fn.type not in FUNCTION_TYPES:
        return None
    params = parameters(fn)
    if len(params) < 2 or params[1].type != "identifier":
        return None
    return RouteHandler(fn.start_byte, fn.end_byte, text(params[1]))


def route_handlers(facts: FileFacts, root: Node, source: bytes) -> list[RouteHandler]:
    """Return the handlers of the routes the file registers on an Express app or router with a
    path of one route (``_ONE_ROUTE_RE``): functions given after the path, in place, in a
    wrapper, or by a name the file binds at its top level to one and uses nowhere else; and
    the middlewares a router the file creates runs in place. A header such a handler sets
    goes on that route's (or router's) responses only."""
    found: list[RouteHandler] = []
    named: dict[str, int] = {}
    # A middleware a router the file creates runs in place (`router.use((req, res, next) =>
    # …)`): it sets headers on that router's responses only, as its routes' handlers do.
    routers = {app.name for app in facts.apps if app.kind == "router" and app.name}
    for call in facts.calls if routers else ():
        if call.method == "use" and call.target in routers:
            for arg in call.args:
                if arg.kind == "function":
                    handler = _handler_of(root.descendant_for_byte_range(arg.start, arg.end))
                    if handler is not None:
                        found.append(handler)
    for route in facts.routes():
        if route.path is None or not _ONE_ROUTE_RE.fullmatch(route.path):
            continue
        for arg in route.args[1:]:
            if arg.kind == "identifier":
                named[arg.name] = named.get(arg.name, 0) + 1
                continue
            handler = _handler_of(root.descendant_for_byte_range(arg.start, arg.end))
            if handler is not None:
                found.append(handler)
    for stmt in code_children(root) if named else ():
        fn: Node | None
        if stmt.type == "function_declaration":
            name, fn = text(stmt.child_by_field_name("name")), stmt
        elif stmt.type in ("lexical_declaration", "variable_declaration") and \
                len(code_children(stmt)) == 1:
            decl = code_children(stmt)[0]
            name, fn = text(decl.child_by_field_name("name")), decl.child_by_field_name("value")
        else:
            continue
        if name not in named:
            continue
        # The declaration and the routes' arguments only: a handler also mounted with
        # app.use(), exported or called elsewhere may run for other responses.
        uses = re.findall(rb"(?<![\w$.])" + re.escape(name.encode()) + rb"(?![\w$])", source)
        handler = _handler_of(fn) if len(uses) == named[name] + 1 else None
        if handler is not None:
            found.append(handler)
    return found


def _in_handler(callee: Node, handlers: Sequence[RouteHandler]) -> bool:
    """Return True when a setter call ``X.setHeader(…)`` (``callee``: ``X.setHeader``) sets a
    header on the response of a route handler around it (``X`` is its response parameter),
    replacing any value set before: ``res.append`` adds its value to helmet's instead (two
    policies, both enforced), as if it set the header for every response."""
    receiver = callee.child_by_field_name("object")
    method = callee.child_by_field_name("property")
    if receiver is None or receiver.type != "identifier" or text(method) == "append":
        return False
    name = text(receiver)
    return any(h.start <= callee.start_byte < h.end and h.response == name for h in handlers)


class OwnHeaders(NamedTuple):
    """The helmet headers (lower case) a file's code sets itself: ``everywhere`` by code that
    may run for any response (a middleware, a helper, code the rule cannot place), and
    ``in_routes`` only by route handlers (``route_handlers``), on their own responses."""

    everywhere: set[str]
    in_routes: set[str]


def headers_set_by_app(lang: str, root: Node, source: bytes, names_header: bool | None = None,
                       handlers: Sequence[RouteHandler] = ()) -> OwnHeaders:
    """Return the helmet headers (lower case) a file sets itself with ``res.setHeader``,
    ``res.set``, ``res.header``, ``res.append`` or ``res.writeHead``, ``x-powered-by`` when it
    removes that header, and ``frame-ancestors`` when it sets a Content-Security-Policy and
    names that directive (the protection X-Frame-Options gives); those the ``handlers`` of
    its routes set on their responses apart. ``names_header``: what ``_names_header`` says of
    the file, when the caller knows it."""
    found = OwnHeaders(set(), set())
    if not (_names_header(source) if names_header is None else names_header):
        return found
    for fn, method, args in _member_calls(lang, root, source, _SETTER_NAME_RE, _SETTERS):
        name = text(method)
        if name not in _SETTERS:
            continue
        into = found.in_routes if _in_handler(fn, handlers) else found.everywhere
        values = [c for c in args.named_children if c.type != "comment"]
        named: list[str] = []
        if name == "removeHeader":
            if len(values) == 1 and (string_value(values[0]) or "").lower() == "x-powered-by":
                into.add("x-powered-by")
            continue
        if name != "writeHead" and len(values) >= 2:
            named.append(string_value(values[0]) or "")
        for value in values:
            if value.type == "object" and name in ("set", "header", "writeHead"):
                for pair in value.named_children:
                    key = pair.child_by_field_name("key") if pair.type == "pair" else None
                    named.append((string_value(key) if key is not None and key.type == "string"
                                  else text(key) if key is not None else "") or "")
        into.update(n.lower() for n in named if n.lower() in HELMET_OPTION_FOR_HEADER)
    found.in_routes.difference_update(found.everywhere)
    for into in found:
        if "content-security-policy" in into and _FRAME_ANCESTORS_RE.search(source):
            into.add("frame-ancestors")
    return found


#: A header name a setter call reads from elsewhere in the project, resolved there:
#: (relative module, export, property of that export or None for the export itself).
NameRef = tuple[str, str, str | None]
#: How many bindings a header name is followed through (``x = HEADERS.A`` → ``HEADERS`` → …).
_NAME_DEPTH = 6
#: Function-like nodes whose parameters bind names.
_FUNCTIONS = frozenset({"function_declaration", "function_expression", "function",
                        "arrow_function", "method_definition", "generator_function",
                        "generator_function_declaration"})


def _binds(pattern: Node | None, name: str) -> bool:
    """Return True when a binding pattern (a parameter, ``{a, b: c}``, ``[a]``) binds
    ``name``."""
    return pattern is not None and any(
        n.type in ("identifier", "shorthand_property_identifier_pattern") and text(n) == name
        for n in walk(pattern))


def _binding(name: str, at: Node) -> tuple[str, Node, Node | None] | None:
    """Return how the nearest declaration of ``name`` visible at ``at`` binds it: ("value",
    value) for ``const name = value``, ("pattern", value, key) for ``const { key: name } =
    value`` (key: the property read), ("function", fn) for ``function name() {}``; None when a
    parameter, a loop or anything else binds it, or nothing in the file does (an import: see
    ``_imported_object``)."""
    node: Node | None = at
    while node is not None:
        parent = node.parent
        if parent is None:
            break
        if parent.type in _FUNCTIONS or parent.type in ("for_in_statement", "for_statement",
                                                        "catch_clause"):
            binders = [parent.child_by_field_name(f)
                       for f in ("parameters", "parameter", "left", "initializer")]
            if any(_binds(b, name) for b in binders if b is not None and b != node):
                return None
        if parent.type in ("program", "statement_block", "class_body", "switch_body"):
            for stmt in code_children(parent):
                if stmt.type == "export_statement":
                    stmt = stmt.child_by_field_name("declaration") or stmt
                if stmt.type in ("function_declaration", "generator_function_declaration") \
                        and text(stmt.child_by_field_name("name")) == name:
                    return "function", stmt, None
                if stmt.type not in ("lexical_declaration", "variable_declaration"):
                    continue
                for decl in code_children(stmt):
                    target = decl.child_by_field_name("name")
                    value = decl.child_by_field_name("value")
                    if target is None or value is None:
                        continue
                    if target.type == "identifier" and text(target) == name:
                        return "value", value, None
                    if target.type != "object_pattern":
                        continue
                    for item in code_children(target):
                        if item.type == "shorthand_property_identifier_pattern" and \
                                text(item) == name:
                            return "pattern", value, item
                        if item.type == "pair_pattern" and text(
                                item.child_by_field_name("value")) == name:
                            return "pattern", value, item.child_by_field_name("key")
                    if _binds(target, name):
                        return None  # a default, a rest or a nested pattern
        node = parent
    return None


def _property_value(obj: Node, prop: str) -> Node | None:
    """Return the value of property ``prop`` of an object literal without spreads."""
    if obj.type != "object" or has_spread(obj):
        return None
    return object_properties(obj).get(prop)


def _returned_objects(fn: Node) -> list[Node]:
    """Return the object literals a function returns (its own ``return``s, not those of the
    functions inside it; an arrow's expression body)."""
    body = fn.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        body = unwrap(body)
        return [body] if body.type == "object" else []
    found: list[Node] = []
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        if node.type in _FUNCTIONS or node.type == "class_body":
            continue
        if node.type == "return_statement":
            value = unwrap(node.named_children[0]) if node.named_children else None
            if value is not None and value.type == "object":
                found.append(value)
            continue
        stack.extend(node.named_children)
    return found


def _function_of(call: Node) -> Node | None:
    """Return the function a call of a name the file binds calls: ``f(x)`` with ``function
    f() {}`` or ``const f = (…) => …``."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee is None or callee.type != "identifier":
        return None
    found = _binding(text(callee), call)
    if found is None:
        return None
    fn = found[1] if found[0] == "function" else unwrap(found[1]) if found[0] == "value" \
        else None
    return fn if fn is not None and fn.type in _FUNCTIONS else None


def name_values(node: Node | None, root: Node,
                depth: int = 0) -> tuple[set[str], set[NameRef]]:
    """Return the strings an expression naming a header may be, as far as the file shows
    (a literal; ``c ? a : b``, both; ``OBJ.PROP`` of a ``const OBJ = {…}`` the file binds;
    a name bound once to one of these, also by ``const { name } = f(…)`` from the objects a
    function of the file returns), and what it reads from a relative module (``NameRef``:
    ``OBJ.PROP`` or a name imported), resolved in the project phase. Names a parameter, a
    loop or an assignment binds say nothing."""
    names: set[str] = set()
    refs: set[NameRef] = set()
    node = unwrap(node)
    if node is None or depth > _NAME_DEPTH:
        return names, refs
    value = string_value(node)
    if value is not None:
        names.add(value)
    elif node.type == "ternary_expression":
        return _every_branch([name_values(node.child_by_field_name(field), root, depth + 1)
                              for field in ("consequence", "alternative")])
    elif node.type == "member_expression":
        obj = unwrap(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        if obj is None or obj.type != "identifier" or prop is None or \
                prop.type != "property_identifier" or _changed_object(text(obj), root):
            return names, refs
        found = _binding(text(obj), node)
        if found is not None:
            literal = unwrap(found[1]) if found[0] == "value" else None
            inner = _property_value(literal, text(prop)) if literal is not None else None
            if inner is not None:
                return name_values(inner, root, depth + 1)
        elif not _declared(text(obj), root):
            imported = _imported_object(text(obj), root)
            if imported is not None and imported[1] != "*":
                refs.add((imported[0], imported[1], text(prop)))
    elif node.type in ("identifier", "shorthand_property_identifier"):
        name = text(node)
        if name in _names(root).assigned:
            return names, refs
        found = _binding(name, node)
        if found is None:
            imported = _imported_object(name, root) if not _declared(name, root) else None
            if imported is not None and imported[1] not in ("*", "default"):
                refs.add((imported[0], imported[1], None))
        elif found[0] == "value":
            return name_values(found[1], root, depth + 1)
        elif found[0] == "pattern" and found[2] is not None:
            key = found[2]
            read = string_value(key) if key.type == "string" else text(key)
            origin: Node | None = unwrap(found[1])
            if origin is not None and origin.type == "identifier":
                bound = _binding(text(origin), origin)
                origin = unwrap(bound[1]) if bound is not None and bound[0] == "value" \
                    else None
            if origin is not None and origin.type == "await_expression":
                origin = None  # a promise's value: not followed
            fn = _function_of(origin) if origin is not None and \
                origin.type == "call_expression" else None
            returned = _returned_objects(fn) if fn is not None and read else []
            if returned:
                return _every_branch([name_values(_property_value(obj, read or ""), root,
                                                  depth + 1) for obj in returned])
    return names, refs


def _every_branch(branches: list[tuple[set[str], set[NameRef]]]) -> tuple[set[str],
                                                                          set[NameRef]]:
    """Return the names every branch (of a ``?:``, the objects a function returns) is:
    a header counts as set only when each way through names it
    (``strict ? POLICY : POLICY_REPORT_ONLY`` names no header for sure). A branch that reads
    another module's name is not resolved here: then nothing is (one branch: as it is)."""
    if len(branches) == 1:
        return branches[0]
    if not branches or any(far for _, far in branches):
        return set(), set()
    common = {n.lower() for n in branches[0][0]}
    for more, _ in branches[1:]:
        common &= {n.lower() for n in more}
    return common, set()


#: Calls that change the object given first (``Object.assign(HEADERS, {...})``).
_CHANGING_CALLS = frozenset({"Object.assign", "Object.defineProperty", "Object.defineProperties",
                             "Object.setPrototypeOf", "Reflect.set", "Reflect.defineProperty",
                             "Reflect.deleteProperty", "_.assign", "_.merge", "_.set",
                             "_.extend", "_.defaults"})


def _changed_object(name: str, root: Node) -> bool:
    """Return True when the module may change object ``name`` after it is made: an assignment
    to it or to a property of it (``HEADERS.CSP = '…-Report-Only'``, ``delete``, ``++``), a
    call that changes its first argument (``Object.assign(HEADERS, {...})``), a method of it
    called (``HEADERS.set(…)``), or an alias (``const h = HEADERS``) through which it may
    be."""
    index = _names(root)
    if name in index.written or name in index.assigned:
        return True
    for node in index.uses.get(name, []):
        parent = node.parent
        if parent is None:
            continue
        if parent.type in ("member_expression", "subscript_expression") and \
                parent.child_by_field_name("object") == node:
            outer = parent.parent
            if outer is not None and (
                    outer.type == "update_expression"
                    or outer.type == "unary_expression" and text(outer.children[0]) == "delete"
                    or outer.type == "call_expression"
                    and outer.child_by_field_name("function") == parent):
                return True
        elif parent.type == "arguments" and parent.parent is not None and \
                code_children(parent)[:1] == [node] and \
                text(parent.parent.child_by_field_name("function")) in _CHANGING_CALLS:
            return True
        elif parent.type == "variable_declarator" and \
                parent.child_by_field_name("value") == node or \
                parent.type == "assignment_expression" and \
                parent.child_by_field_name("right") == node and not text(
                    parent.child_by_field_name("left")).startswith(("module.exports", "exports.")):
            return True
    return False


def _declared(name: str, root: Node) -> bool:
    """Return True when some declarator or parameter of the file binds ``name`` (so an
    import of that name may be shadowed where it is read)."""
    return bool(_names(root).declarators.get(name)) or any(
        n.parent is not None and n.parent.type in (
            "required_parameter", "optional_parameter", "formal_parameters",
            "shorthand_property_identifier_pattern", "pair_pattern", "array_pattern")
        for n in _names(root).uses.get(name, []))


def header_name_refs(lang: str, root: Node, source: bytes,
                     handlers: Sequence[RouteHandler] = ()
                     ) -> tuple[OwnHeaders, set[NameRef], set[NameRef]]:
    """Return the helmet headers (lower case) the file sets, or removes (``x-powered-by``),
    by a name it does not spell out at the call (``res.setHeader(HEADERS.X_FRAME_OPTIONS,
    v)``, ``res.setHeader(name, v)`` with ``const name = HEADERS.CSP``: ``name_values``),
    and the names it reads from other modules for that (``NameRef``), for any response and
    for those of the ``handlers`` of its routes only. ``res.set`` / ``res.header`` /
    ``res.append`` count on a response's name only (``cache.set(KEY, v)`` is a map's)."""
    names = OwnHeaders(set(), set())
    refs: set[NameRef] = set()
    route_refs: set[NameRef] = set()
    if _SETTER_NAME_RE.search(source) is None:
        return names, refs, route_refs
    for fn, method, args in _member_calls(lang, root, source, _SETTER_NAME_RE, _SETTERS):
        name = text(method)
        values = [c for c in args.named_children if c.type != "comment"]
        if name == "writeHead" or not values or string_value(values[0]) is not None:
            continue  # literal names: headers_set_by_app
        if name == "removeHeader" and len(values) != 1 or \
                name not in ("setHeader", "removeHeader") and len(values) < 2 or \
                name in ("set", "header", "append") and \
                _last_name(fn.child_by_field_name("object"), source) not in _RESPONSE_NAMES:
            continue
        if unwrap(values[0]).type not in ("member_expression", "identifier",
                                          "ternary_expression"):
            continue
        found, far = name_values(values[0], root)
        found = {n.lower() for n in found}
        in_route = _in_handler(fn, handlers)
        into = names.in_routes if in_route else names.everywhere
        if name == "removeHeader":
            into |= found & {"x-powered-by"}  # (a removal's name read elsewhere: not kept)
        else:
            into |= found & set(HELMET_OPTION_FOR_HEADER)
            (route_refs if in_route else refs).update(far)
    names.in_routes.difference_update(names.everywhere)
    return names, refs, route_refs


#: The receivers whose ``set``/``header``/``append`` set a response header (``res.set(name,
#: value)``); ``setHeader`` and ``writeHead`` are a response's on any receiver. A map's
#: ``cache.set(key, value)`` is not.
_RESPONSE_NAMES = frozenset({"res", "response", "resp", "reply"})


#: ``X.set(key, value)`` inside a loop over the entries of a settings object.
_SETTINGS_SET_RE = lazy_pattern(rb"\.set\s*\(")


#: One part of a merged settings object, as far as one setting goes: "off" (an object literal
#: sets it to ``false``), "on" (to anything else), "-" (a literal without it, or an object the
#: code does not spell out: a deployer's options), or (module, export) for an object imported
#: from a relative module, decided in the project phase.
SettingPart = str | tuple[str, str]


def _settings_object(node: Node | None, root: Node, name: str,
                     depth: int = 0) -> list[SettingPart] | None:
    """Return what each part a settings object is merged from, in order (later parts win),
    says of setting ``name``: the object literals behind ``node`` (a literal, a name the file
    binds once to one, ``{...a, ...b}``, ``Object.assign({}, a, b)``, a name imported from a
    relative module); None when ``node`` itself is no such object."""
    if node is None or depth > 6:
        return None
    node = unwrap(node)
    if node.type == "identifier":
        if not _only_read(text(node), root):
            return None  # an alias or a write may change what the loop sets
        imported = _imported_object(text(node), root)
        if imported is not None:
            return [imported]
        value = _bound_once(text(node), root)
        return _settings_object(value, root, name, depth + 1) if value is not None else None
    if node.type == "object":
        own: SettingPart = "-"
        spread: list[SettingPart] = []
        for child in code_children(node):
            if child.type == "spread_element":
                inner = child.named_children[0] if child.named_children else None
                spread.extend(_settings_object(inner, root, name, depth + 1) or ["-"])
                continue
            key = child.child_by_field_name("key") if child.type == "pair" else None
            spelled = string_value(key) if key is not None and key.type == "string" else \
                text(key) if key is not None and key.type == "property_identifier" else None
            if spelled == name:
                value = child.child_by_field_name("value")
                own = "off" if value is not None and value.type == "false" else "on"
        # A key the literal spells out is kept before its spreads: a spread may override it.
        return [own, *spread]
    if node.type == "call_expression" and \
            text(node.child_by_field_name("function")) == "Object.assign":
        merged: list[SettingPart] = []
        for arg in code_children(node.child_by_field_name("arguments") or node):
            if arg.type == "spread_element":
                return None
            merged.extend(_settings_object(arg, root, name, depth + 1) or ["-"])
        return merged or None
    return None


def _imported_object(name: str, root: Node) -> tuple[str, str] | None:
    """Return (relative module, export) when ``name`` is bound by a top-level import of a
    relative module: ``const name = require('./m')`` ("*": the whole export),
    ``require('./m').key`` and ``const { key: name } = require('./m')`` ("key"), ``import
    name from './m'`` ("default") and ``import { key as name } from './m'`` ("key")."""
    index = _names(root)
    if index.imports is None:
        index.imports = _imported_objects(root)
    return index.imports.get(name)


def _imported_objects(root: Node) -> dict[str, tuple[str, str]]:
    """Return ``_imported_object`` for every name a module binds, once per file (the first
    binding of a name wins)."""
    found: dict[str, tuple[str, str]] = {}
    for node in root.named_children:
        if node.type == "import_statement":
            source = string_value(node.child_by_field_name("source"))
            if source is None or not source.startswith("."):
                continue
            for clause in code_children(node):
                if clause.type != "import_clause":
                    continue
                for item in clause.named_children:
                    if item.type == "identifier":
                        found.setdefault(text(item), (source, "default"))
                    for named in item.named_children if item.type == "named_imports" else ():
                        own = named.child_by_field_name("name")
                        alias = named.child_by_field_name("alias") or own
                        if own is not None:
                            found.setdefault(text(alias), (source, text(own)))
        elif node.type in ("lexical_declaration", "variable_declaration"):
            for decl in code_children(node):
                target = decl.child_by_field_name("name")
                value = decl.child_by_field_name("value")
                if target is None or value is None:
                    continue
                export = "*"
                if value.type == "member_expression":
                    export = text(value.child_by_field_name("property"))
                    value = value.child_by_field_name("object") or value
                spec = required_module(value, relative=True)
                if spec is None:
                    continue
                if target.type == "identifier":
                    found.setdefault(text(target), (spec, export))
                if target.type == "object_pattern" and export == "*":
                    for item in code_children(target):
                        if item.type == "shorthand_property_identifier_pattern":
                            found.setdefault(text(item), (spec, text(item)))
                        if item.type == "pair_pattern":
                            found.setdefault(text(item.child_by_field_name("value")),
                                             (spec, text(item.child_by_field_name("key"))))
    return found


def exported_settings(root: Node, export: str, name: str) -> list[SettingPart] | None:
    """Return what the object module ``root`` exports as ``export`` says of setting ``name``
    (``_settings_object``; its own imports are not followed: they count as options)."""
    value: Node | None = None
    for node in root.named_children:
        if node.type == "export_statement":
            decl = node.child_by_field_name("declaration")
            inline = node.child_by_field_name("value")
            if export == "default" and inline is not None:
                value = inline
            for d in code_children(decl) if decl is not None else []:
                if d.type == "variable_declarator" and text(d.child_by_field_name("name")) == export:
                    value = d.child_by_field_name("value")
        elif node.type == "expression_statement" and node.named_children and \
                node.named_children[0].type == "assignment_expression":
            assign = node.named_children[0]
            left = text(assign.child_by_field_name("left"))
            right = assign.child_by_field_name("right")
            if left == "module.exports" and export in ("*", "default"):
                value = right
            elif left == "module.exports" and right is not None and right.type == "object":
                for prop in code_children(right):
                    key = prop.child_by_field_name("key") if prop.type == "pair" else prop \
                        if prop.type == "shorthand_property_identifier" else None
                    if key is not None and (string_value(key) or text(key)) == export:
                        value = prop.child_by_field_name("value") if prop.type == "pair" else \
                            _bound_once(export, root)
            elif left in (f"module.exports.{export}", f"exports.{export}"):
                value = right
    if value is not None and value.type == "identifier":
        value = _bound_once(text(value), root)
    parts = _settings_object(value, root, name) if value is not None else None
    return [p if isinstance(p, str) else "-" for p in parts] if parts is not None else None


@record
class _Names:
    """One file's identifiers by name, its declarators by name, and the names whose value is
    written (``name = …``, ``name.x = …``, ``name[x] = …``); built once per file."""

    root: Node
    uses: dict[str, list[Node]]
    declarators: dict[str, list[Node]]
    written: set[str]
    #: ``name = …`` assignments by name.
    assigned: dict[str, list[Node]]
    #: ``_imported_objects``, once needed.
    imports: dict[str, tuple[str, str]] | None = None


_NAMES: list[_Names] = []


def _names(root: Node) -> _Names:
    if _NAMES and _NAMES[0].root == root:
        return _NAMES[0]
    uses: dict[str, list[Node]] = {}
    declarators: dict[str, list[Node]] = {}
    written: set[str] = set()
    assigned: dict[str, list[Node]] = {}
    for node in walk(root):
        if node.type in ("identifier", "shorthand_property_identifier"):
            uses.setdefault(text(node), []).append(node)
        elif node.type == "variable_declarator":
            declarators.setdefault(text(node.child_by_field_name("name")), []).append(node)
        elif node.type in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                assigned.setdefault(text(left), []).append(node)
            while left is not None and left.type in ("member_expression",
                                                     "subscript_expression"):
                left = left.child_by_field_name("object")
            if left is not None:
                written.add(text(left))
    found = _Names(root, uses, declarators, written, assigned)
    _NAMES[:] = [found]  # the index holds its tree: no other file's root can equal it
    return found


def _bound_once(name: str, root: Node) -> Node | None:
    """Return the value of the one declarator of ``name`` in the file when nothing assigns the
    name (``name = …``) or writes one of its properties (``name.x = …``, ``name[x] = …``)."""
    index = _names(root)
    found = index.declarators.get(name, [])
    if name in index.written or len(found) != 1:
        return None
    return found[0].child_by_field_name("value")


def _only_read(name: str, root: Node) -> bool:
    """Return True when every use of object ``name`` in the file only reads it: ``o[k]``,
    ``o.x`` read, ``for (k in o)``, ``Object.keys/entries(o)``, ``{...o}``, a later argument
    of ``Object.assign``, its own declarator; an alias, a write through it (``delete``,
    ``o[k] = …``, ``o[k]++``), or handing it to any other call may change what a loop over it
    sets."""
    for node in _names(root).uses.get(name, []):
        parent = node.parent
        if parent is None:
            return False
        if parent.type == "variable_declarator" and parent.child_by_field_name("name") == node:
            continue
        if parent.type in ("subscript_expression", "member_expression") and \
                parent.child_by_field_name("object") == node:
            outer = parent.parent
            if outer is not None and (
                    outer.type in ("assignment_expression", "augmented_assignment_expression")
                    and outer.child_by_field_name("left") == parent
                    or outer.type == "update_expression"
                    or outer.type == "unary_expression" and text(outer.children[0]) == "delete"
                    or outer.type == "call_expression"
                    and outer.child_by_field_name("function") == parent):
                return False
            continue
        if parent.type == "for_in_statement" and parent.child_by_field_name("right") == node:
            continue
        if parent.type == "spread_element" and parent.parent is not None and \
                parent.parent.type == "object":
            continue
        if parent.type == "arguments" and parent.parent is not None:
            fn = text(parent.parent.child_by_field_name("function"))
            if fn in ("Object.keys", "Object.entries") or \
                    fn == "Object.assign" and code_children(parent)[:1] != [node]:
                continue
        return False
    return True


def setting_off(parts: list[SettingPart]) -> bool:
    """Return True when the last part that sets the setting sets it to ``false``."""
    said = [p for p in parts if p in ("off", "on")]
    return bool(said) and said[-1] == "off"


def _loop_source(key: Node, value: Node) -> Node | None:
    """Return the object whose entries ``X.set(key, value)`` applies: ``for (k in o)`` with
    ``o[k]``, ``for (const [k, v] of Object.entries(o))``, ``for (const k of Object.keys(o))``
    with ``o[k]``, and ``Object.entries(o).forEach(([k, v]) => …)`` /
    ``Object.keys(o).forEach((k) => … o[k] …)``; None for any other ``key``/``value``."""
    name = text(key)
    cur: Node | None = key.parent
    while cur is not None:
        pair: tuple[Node | None, Node | None, str | None] | None = None
        if cur.type == "for_in_statement":
            left, right = cur.child_by_field_name("left"), cur.child_by_field_name("right")
            operator = text(cur.child_by_field_name("operator"))
            pair = (left, right, operator)
        elif cur.type in ("arrow_function", "function_expression") and cur.parent is not None \
                and cur.parent.type == "arguments" and cur.parent.parent is not None:
            call = cur.parent.parent
            fn = call.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression" and \
                    text(fn.child_by_field_name("property")) == "forEach":
                params = cur.child_by_field_name("parameters")
                first = cur.child_by_field_name("parameter") or (
                    code_children(params)[0] if params is not None and code_children(params)
                    else None)
                if first is not None and first.type in ("required_parameter",):
                    first = first.child_by_field_name("pattern")
                pair = (first, fn.child_by_field_name("object"), "forEach")
        if pair is not None:
            left, right, how = pair
            if left is not None and right is not None:
                if left.type == "lexical_declaration" or left.type == "variable_declaration":
                    found = code_children(left)
                    left = found[0].child_by_field_name("name") if found else None
                found_source = _entries_of(left, unwrap(right), how, name, value)
                if found_source is not None:
                    return found_source
            return None  # the nearest loop or callback does not bind the key from an object
        if cur.type in ("function_declaration", "method_definition", "program"):
            return None
        cur = cur.parent
    return None


def _entries_of(left: Node | None, right: Node, how: str | None, name: str,
                value: Node) -> Node | None:
    if left is None:
        return None
    if how == "in":
        return right if left.type == "identifier" and text(left) == name and \
            _reads_entry(value, right, name) else None
    if right.type != "call_expression":
        return None
    fn = text(right.child_by_field_name("function"))
    args = code_children(right.child_by_field_name("arguments") or right)
    if fn not in ("Object.entries", "Object.keys") or len(args) != 1:
        return None
    obj = args[0]
    if fn == "Object.keys":
        return obj if left.type == "identifier" and text(left) == name and \
            _reads_entry(value, obj, name) else None
    items = code_children(left) if left.type == "array_pattern" else []
    if len(items) != 2 or text(items[0]) != name or items[1].type != "identifier" or \
            text(items[1]) != text(value):
        return None
    return obj


def _reads_entry(value: Node, obj: Node, key: str) -> bool:
    """Return True for ``obj[key]``."""
    value = unwrap(value)
    return value.type == "subscript_expression" and \
        text(value.child_by_field_name("object")) == text(obj) and \
        text(value.child_by_field_name("index")) == key


def _statement(node: Node) -> Node | None:
    """Return the statement ``node`` is the whole expression of, or None."""
    parent = node.parent
    return parent if parent is not None and parent.type == "expression_statement" else None


def _only_sets(body: Node | None, call: Node) -> bool:
    """Return True when a loop body is ``call`` and nothing else but more ``X.set(k, v)`` calls
    with the same arguments (Node-RED sets two apps): no ``continue``, ``if`` or other
    statement that may skip a key or set it again."""
    if body is None:
        return False
    if body.type == "call_expression":
        return body == call
    items = [c for c in body.named_children if c.type != "comment"] \
        if body.type == "statement_block" else [body]
    args = text(call.child_by_field_name("arguments"))
    for item in items:
        inner = item.named_children[0] if item.type == "expression_statement" and \
            item.named_children else None
        fn = inner.child_by_field_name("function") if inner is not None and \
            inner.type == "call_expression" else None
        if inner is None or fn is None or fn.type != "member_expression" or \
                text(fn.child_by_field_name("property")) != "set" or \
                text(inner.child_by_field_name("arguments")) != args:
            return False
    return any(_statement(call) == item for item in items)


def _loop_statement(call: Node) -> Node | None:
    """Return the statement of the loop whose body is only ``call`` (and like set calls,
    ``_only_sets``): a ``for…in``/``for…of`` statement, or the statement of an
    ``Object.keys/entries(o).forEach(cb)`` call; None for any other body."""
    statement = _statement(call)
    loop = statement.parent if statement is not None else None
    if loop is not None and loop.type == "statement_block":
        loop = loop.parent
    if loop is not None and loop.type == "for_in_statement":
        return loop if _only_sets(loop.child_by_field_name("body"), call) else None
    cur = call.parent
    while cur is not None and cur.type not in ("arrow_function", "function_expression"):
        if cur.type in ("statement_block", "expression_statement", "parenthesized_expression"):
            cur = cur.parent
            continue
        return None
    if cur is None or not _only_sets(cur.child_by_field_name("body"), call):
        return None
    outer = cur.parent.parent if cur.parent is not None and \
        cur.parent.type == "arguments" else None
    return _statement(outer) if outer is not None and outer.type == "call_expression" else None


def _loop_app(call: Node, root: Node) -> int | None:
    """Return where the app a settings loop's ``app.set(k, v)`` sets is created (the start
    byte of its ``express()`` call) when the loop runs right where the app is made: the
    receiver is a name written once, with a call, by a statement of the same block as the
    loop, before it (at module level, or in the function that makes the app, as Node-RED's
    createExpressApp does); None for a loop in a function given the app, a loop over a
    ``Map`` or another object, or a loop a branch may skip."""
    fn = call.child_by_field_name("function")
    receiver = fn.child_by_field_name("object") if fn is not None else None
    loop = _loop_statement(call)
    if receiver is None or receiver.type != "identifier" or loop is None:
        return None
    index = _names(root)
    name = text(receiver)
    writes = [d.child_by_field_name("value") for d in index.declarators.get(name, [])
              if d.child_by_field_name("value") is not None]
    writes += [a.child_by_field_name("right") for a in index.assigned.get(name, [])]
    if len(writes) != 1 or writes[0] is None or writes[0].type != "call_expression":
        return None
    made = writes[0]
    statement = made.parent
    while statement is not None and statement.parent is not None and \
            statement.parent != loop.parent:
        if statement.type in ("arrow_function", "function_expression", "function_declaration",
                              "method_definition", "class_body"):
            return None
        statement = statement.parent
    if statement is None or statement.parent != loop.parent or \
            statement.end_byte > loop.start_byte:
        return None
    return made.start_byte


def settings_loops(lang: str, root: Node, source: bytes,
                   name: str) -> list[tuple[int | None, list[SettingPart]]]:
    """Return, for each loop of the file that applies Express settings from an object
    (``app.set(k, o[k])`` for each ``k`` of ``o``: ``for…in``, ``Object.keys``,
    ``Object.entries`` with ``for…of`` or ``forEach``), where the app it sets is created
    (``_loop_app``; None when the loop may not run for it, or may skip the key), and what
    the parts ``o`` is merged from
    say of setting ``name`` (``_settings_object``): object literals of the file, merged with a
    deployer's options (``Object.assign({}, defaults, options)``, ``{...defaults,
    ...options}``) or not, and objects imported from a relative module, which the project
    phase reads (``exported_settings``)."""
    if name.encode() not in source and b"./" not in source or \
            _SETTINGS_SET_RE.search(source) is None:
        return []  # neither the setting nor a relative module that may hold it
    found: list[tuple[int | None, list[SettingPart]]] = []
    for fn, method, arguments in _member_calls(lang, root, source, _SET_NAME_RE,
                                               frozenset({"set"})):
        if text(method) != "set" or \
                _last_name(fn.child_by_field_name("object"), source) in _RESPONSE_NAMES:
            continue
        args = code_children(arguments)
        if len(args) != 2 or args[0].type != "identifier" or \
                unwrap(args[1]).type not in ("identifier", "subscript_expression"):
            continue  # an entry is `o[k]` or the `v` of `[k, v]`
        obj = _loop_source(args[0], args[1])
        parts = _settings_object(obj, root, name) if obj is not None else None
        if parts is not None and fn is not None:
            found.append((_loop_app(fn.parent or fn, root), parts))
    return found


#: One line of a header block written as text: ``X-Frame-Options: deny``.
_HEADER_LINE_RE = lazy_pattern(r"^\s*([A-Za-z][A-Za-z0-9-]*)\s*:\s*\S")
#: A line break in a string literal's source: ``\n``, ``\r\n`` escapes or a real one.
_LINE_BREAK_RE = lazy_pattern(r"\\r\\n|\\n|\\r|\r?\n")


def _header_lines(node: Node) -> set[str]:
    """Return the helmet headers (lower case) a string literal names when it is a header
    block, ``'X-Frame-Options: deny\\nStrict-Transport-Security: max-age=…'``: every line
    ``Name: value``, as a configurable list of headers to send is often kept. Any other line
    (prose, a URL, an empty value) makes it no block."""
    if node.type not in ("string", "template_string"):
        return set()
    value = string_value(node)
    if not value or ":" not in value:
        return set()
    names: set[str] = set()
    for line in _LINE_BREAK_RE.split(value):
        if not line.strip():
            continue
        match = _HEADER_LINE_RE.match(line)
        if match is None:
            return set()
        names.add(match.group(1).lower())
    return {n for n in names if n in HELMET_OPTION_FOR_HEADER}


#: Text split into lines: ``.split('\n')``, ``.split(/\r?\n/)``, ``.split("\r\n")``.
_SPLIT_LINES_RE = lazy_pattern(
    rb"""\.\s*split\s*\(\s*(?:(['"`])(?:\\r)?\\n\1|/[^/\n]*\\n[^/\n]*/[a-z]*)""")


class HeaderTables(NamedTuple):
    """What a file says of headers it sends from tables (``header_maps``)."""

    #: Helmet headers (lower case) named as string keys of the file's object literals.
    keys: frozenset[str] = frozenset()
    #: Helmet headers named by the file's header blocks kept as text.
    blocks: frozenset[str] = frozenset()
    #: The headers the file itself is seen to send from its tables and blocks.
    sent: frozenset[str] = frozenset()
    #: It sets headers from a table it does not spell out (``res.set(headers)`` with an
    #: imported or computed table, ``res.setHeader(name, value)`` with a computed name): the
    #: tables of the modules it imports may be what it sends.
    dynamic: bool = False
    #: It splits text into lines and sets headers by computed names: header blocks (its own
    #: and those of the modules it imports) may be what it sends.
    lines: bool = False


def _assigned_key(node: Node) -> bool:
    """Return True when string ``node`` is the key a value is written under: ``headers['X-
    Frame-Options'] = 'DENY'`` (a table of headers filled entry by entry)."""
    parent = node.parent
    if parent is None or parent.type != "subscript_expression" \
            or parent.child_by_field_name("index") != node:
        return False
    outer = parent.parent
    return outer is not None and outer.type == "assignment_expression" \
        and outer.child_by_field_name("left") == parent


def _object_keys(obj: Node) -> set[str]:
    keys: set[str] = set()
    for pair in obj.named_children:
        key = pair.child_by_field_name("key") if pair.type == "pair" else None
        if key is not None and key.type == "string":
            keys.add((string_value(key) or "").lower())
    return keys


#: What ``header_maps`` reads where a helmet header's word is: strings (header blocks) and
#: object keys (header tables).
_TABLE_QUERY = "[(string) (template_string) (pair)] @n"
_HEADER_WORDS_RE = lazy_pattern(b"|".join(re.escape(word) for word in _HEADER_WORDS))
#: The setters that may send a table of headers: ``res.set(headers)``,
#: ``res.setHeader(name, value)``, ``res.writeHead(status, headers)``.
_TABLE_SETTERS = frozenset({"setHeader", "set", "header", "append", "writeHead"})
_TABLE_SETTER_RE = lazy_pattern(
    rb"\." + GAP + rb"(setHeader|set|header|append|writeHead)(?![\w$])")


def header_maps(lang: str, root: Node, source: bytes,
                names_header: bool | None = None) -> HeaderTables:
    """Return the helmet headers (lower case) a file names as string keys of object literals
    (``{'X-Frame-Options': 'DENY'}``, a table of headers to send; ``frame-ancestors`` too
    when one is ``Content-Security-Policy`` and the file names that directive) and in header
    blocks kept as text (``'X-Frame-Options: deny\\nStrict-Transport-Security: …'``, every
    line ``Name: value``), and which of them the file is seen to send on a response.

    A table counts as sent when the file sets headers whose names it does not spell out:
    ``res.setHeader(name, value)`` with a computed name (``for (const [name, value] of
    Object.entries(headers))``), or ``res.set(headers)`` / ``res.writeHead(status, headers)``
    with a table the file does not declare; a table the file declares once and hands to such a
    setter (``res.set(cors)`` with ``const cors = {…}``) counts alone. A header block counts
    only when the file splits text into lines (``.split('\\n')``) and sets headers by computed
    names, as a configurable list of headers is sent: a help text that reads like headers is
    no header set. The project also credits the tables (and blocks) of the modules such a file
    imports. ``names_header``: what ``_names_header`` says of the file, when the caller knows
    it."""
    if b"-" not in source:
        return HeaderTables()
    low = source.lower()
    if not (_names_header(source) if names_header is None else names_header) \
            and b"setheader" not in low and b"writehead" not in low:
        return HeaderTables()
    keys: set[str] = set()
    blocks: set[str] = set()
    by_name = False
    tables: list[Node] = []  # what res.set(x) / res.writeHead(s, x) is handed
    # Strings and keys that name a helmet header hold one of its words: only the parts of the
    # tree around those words are queried.
    ranges = needle_ranges([_HEADER_WORDS_RE], low)
    # Many apart: one query over the whole tree (each range is found from the root down).
    near = captures_in(lang, _TABLE_QUERY, root, ranges) if len(ranges) <= _FEW_NEEDLES \
        else captures(lang, _TABLE_QUERY, root)
    for node in near.get("n", []):
        if node.type in ("string", "template_string"):
            blocks |= _header_lines(node)  # a header block kept as text
            if _assigned_key(node):  # `headers['X-Frame-Options'] = 'DENY'`
                name = (string_value(node) or "").lower()
                if name in HELMET_OPTION_FOR_HEADER:
                    keys.add(name)
        elif node.type == "pair":
            key = node.child_by_field_name("key")
            if key is not None and key.type == "string":
                name = (string_value(key) or "").lower()
                if name in HELMET_OPTION_FOR_HEADER:
                    keys.add(name)
    for fn, method_node, args in _member_calls(lang, root, source, _TABLE_SETTER_RE,
                                               _TABLE_SETTERS):
        method = text(method_node)
        receiver = _last_name(fn.child_by_field_name("object"), source)
        values = [c for c in args.named_children if c.type != "comment"]
        if not values:
            continue
        if method in ("set", "header", "append") and receiver not in _RESPONSE_NAMES:
            continue
        if method == "writeHead":
            if len(values) >= 2 and values[-1].type in ("identifier", "member_expression"):
                tables.append(values[-1])
        elif len(values) >= 2:
            by_name = by_name or values[0].type not in ("string", "template_string")
        elif method in ("set", "header") and values[0].type in (
                "identifier", "member_expression", "call_expression"):
            tables.append(values[0])
    declared: dict[str, list[Node | None]] = {}  # name -> the values it is declared with
    if any(table.type == "identifier" for table in tables):
        for node in nodes_of_types(lang, root, ("variable_declarator",)):
            declared.setdefault(text(node.child_by_field_name("name")), []).append(
                node.child_by_field_name("value"))
    if "content-security-policy" in keys and _FRAME_ANCESTORS_RE.search(source):
        keys.add("frame-ancestors")
    lines = by_name and _SPLIT_LINES_RE.search(source) is not None
    sent: set[str] = set()
    unresolved = by_name
    for table in tables:
        # A table the file declares once as an object literal: `const cors = {…}`.
        candidates: list[Node | None] = declared.get(text(table), []) \
            if table.type == "identifier" else []
        obj = candidates[0] if len(candidates) == 1 else None
        if obj is None or obj.type != "object":
            unresolved = True
        else:
            sent |= _object_keys(obj) & set(HELMET_OPTION_FOR_HEADER)
    if unresolved:
        sent |= keys
    if lines:
        sent |= blocks
    if "content-security-policy" in sent and _FRAME_ANCESTORS_RE.search(source):
        sent.add("frame-ancestors")
    return HeaderTables(frozenset(keys), frozenset(blocks), frozenset(sent), unresolved, lines)


def helmet_middlewares(facts: FileFacts) -> tuple[bool, set[str]]:
    """Return whether the file calls ``helmet()`` itself, and the names of helmet's single
    middlewares it calls (``helmet.hsts(…)``, or ``hsts(…)`` imported by name)."""
    whole = False
    parts: set[str] = set()
    for imp in facts.imports:
        if imp.module != "helmet":
            continue
        # `app.use(require('helmet')({ … }))`: required where it is called.
        inline = inline_called("helmet")
        whole = whole or inline in facts.called or f"{inline}.default" in facts.called
        parts |= {called[len(inline) + 1:] for called in facts.called
                  if called.startswith(inline + ".") and called != f"{inline}.default"}
        for name in (imp.default, imp.namespace):
            if not name:
                continue
            whole = whole or name in facts.called
            for called in facts.called:
                if called.startswith(name + "."):
                    member = called[len(name) + 1:]
                    if member == "default":
                        whole = True
                    else:
                        parts.add(member)
        for imported, local in imp.named.items():
            if local in facts.called:
                if imported == "default":
                    whole = True
                else:
                    parts.add(imported)
    return whole, parts


def lusca_headers(facts: FileFacts, source: Callable[[], bytes]) -> set[str]:
    """Return the core headers lusca's header middlewares set in one file (``source``
    returns its bytes, read only when ``lusca({...})`` is called)."""
    found: set[str] = set()
    for name in facts.locals_of("lusca"):
        for called in facts.called:
            if called.startswith(name + ".") and called[len(name) + 1:] in CORE_HEADERS:
                found.add(called[len(name) + 1:])
        if name in facts.called:
            data = source()
            for match in re.finditer(rb"(?<![\w.$])" + re.escape(name.encode()) + rb"\s*\(",
                                     data):
                options = _call_arguments(data, match.start())
                found.update(m.group(1).decode() for m in _LUSCA_OPTION_RE.finditer(options))
    return found


def header_coverage(ctx: ProjectContext, package: str | None = None
                    ) -> tuple[bool, set[str], list[str]]:
    """Return whether any file calls ``helmet()`` itself, the core headers lusca's header
    middlewares set (``lusca.csrf()`` and other non-header middlewares set none), and the
    single helmet middlewares the project calls (``hsts``, ``referrerPolicy``…): of the files of
    ``package`` (the folder of their nearest package.json) only, unless None."""
    whole = False
    lusca: set[str] = set()
    parts: dict[str, None] = {}
    for facts in ctx.facts.values():
        if package is not None and package_of(facts.path, ctx.package_dirs) != package:
            continue
        file_whole, file_parts = helmet_middlewares(facts)
        whole = whole or file_whole
        parts.update(dict.fromkeys(sorted(file_parts)))
        path = facts.path
        lusca |= lusca_headers(facts, lambda path=path: ctx.read(path) or b"")  # type: ignore[misc]
    return whole, lusca, list(parts)


#: Packages whose middleware sends a Content-Security-Policy (helmet's own CSP middleware on
#: its own, and express-csp-header).
_CSP_PACKAGES = frozenset({"helmet-csp", "express-csp-header"})


def _module_header_middlewares(ctx: ProjectContext, rel: str) -> set[str]:
    """Return the headers a project module's middleware sends: helmet's single middlewares it
    calls (``helmet.contentSecurityPolicy({...})``), or a Content-Security-Policy package it
    imports."""
    facts = ctx.facts.get(rel)
    if facts is None:
        return set()
    found = {HEADER_OF_HELMET[p] for p in helmet_middlewares(facts)[1] if p in HEADER_OF_HELMET}
    if _CSP_PACKAGES & set(facts.imported_modules()):
        found.add("content-security-policy")
    return found


#: ``name.member(`` in a middleware argument: ``helmet.contentSecurityPolicy({…})``.
_MEMBER_CALL_RE = lazy_pattern(rb"(?<![\w$.])([A-Za-z_$][\w$]*)\s*\.\s*([A-Za-z_$][\w$]*)\s*\(")
_NAME_RE = lazy_pattern(rb"(?<![\w$.])[A-Za-z_$][\w$]*")


def _own_middlewares(ctx: ProjectContext, rel: str,
                     target: str | None) -> tuple[set[str], list[bytes]]:
    """Return the headers (lower case) the app ``target`` of file ``rel`` (the receiver of the
    ``.use(helmet({...}))`` that switched a protection off; None: any ``.use`` of the file)
    sends with a middleware of its own beside ``helmet()``: an argument of its ``.use(…)`` that
    calls helmet's single middlewares (``app.use(helmet.contentSecurityPolicy({...}))``), a
    Content-Security-Policy package's middleware, or a value imported from a project module
    that makes one (``app.use(csp(reportUri))``, or a function that calls it: ``app.use((req,
    res, next) => csp(uri)(req, res, next))``). A middleware used on another app (a docs server
    beside the main app) does not count.

    Also return the text of each ``helmet.contentSecurityPolicy(…)`` policy the app uses (for
    ``_policies_frame``): the ``.use()`` argument that calls it with an object literal, else the
    whole file that calls it (its options bound to a name, or a project module's middleware)."""
    facts = ctx.facts.get(rel)
    source = ctx.read(rel)
    if facts is None or source is None:
        return set(), []
    whole_names: set[str] = set()
    parts_by_local: dict[str, str] = {}
    csp_locals: set[str] = set()
    modules: dict[str, str] = {}  # local name -> project module it is imported from
    for imp in facts.imports:
        if imp.module == "helmet":
            whole_names |= {n for n in (imp.default, imp.namespace) if n}
            parts_by_local.update({local: name for name, local in imp.named.items()})
        elif imp.module in _CSP_PACKAGES:
            csp_locals |= imp.locals()
        elif imp.module.startswith("."):
            found = ctx.resolve_import(rel, imp.module)
            if found is not None:
                modules.update(dict.fromkeys(imp.locals(), found))
    headers: set[str] = set()
    policies: list[bytes] = []
    for call in facts.uses():
        if target is not None and call.target != target:
            continue
        for arg in call.args:
            code = source[arg.start:arg.end]
            helmet_csp = False
            for match in _MEMBER_CALL_RE.finditer(code):
                head, member = match.group(1).decode(), match.group(2).decode()
                if head in whole_names and member in HEADER_OF_HELMET:
                    headers.add(HEADER_OF_HELMET[member])
                    helmet_csp = helmet_csp or member == "contentSecurityPolicy"
            for match in _NAME_RE.finditer(code):
                name = match.group().decode()
                if name in parts_by_local and parts_by_local[name] in HEADER_OF_HELMET:
                    headers.add(HEADER_OF_HELMET[parts_by_local[name]])
                    helmet_csp = helmet_csp or parts_by_local[name] == "contentSecurityPolicy"
                if name in csp_locals:
                    headers.add("content-security-policy")
                if name in modules:
                    headers |= _module_header_middlewares(ctx, modules[name])
                    module_facts = ctx.facts.get(modules[name])
                    if module_facts is not None and "contentSecurityPolicy" in \
                            helmet_middlewares(module_facts)[1]:
                        policies.append(ctx.read(modules[name]) or b"")
            if helmet_csp:
                policies.append(code if b"{" in code else source)
    return headers, policies


POWERED_BY_OPTIONS = frozenset({"xPoweredBy", "hidePoweredBy"})


#: A comment that only says the setting is still to be done (``// TODO: turn CSP back on``)
#: states no reason for switching it off.
_TODO_RE = lazy_pattern(rb"\b(?:TODO|FIXME|XXX|HACK)\b", re.I)


#: What makes a paragraph's heading a reason for switching its options off (``// DISABLED
#: (would break chart plotters):``, ``// off because the kiosk frames us``): a small list of
#: words, so that a label (``// helmet options``, ``/* security headers */``) or the opposite
#: (``// keep all of these on``) is none.
_REASON_RE = lazy_pattern(
    r"\b(?:disabled?|disabling|off|break(?:s|ing)?|broken?|because|conflicts?|incompatible"
    r"|not supported|unsupported|needed for|required for|required by)\b", re.I)
#: A comment line that is code: a commented-out option (``contentSecurityPolicy: { … },``,
#: ``hsts: false``) or call (``app.use(helmet())``).
_CODE_LINE_RE = lazy_pattern(
    r"""^['"]?[\w$]+['"]?\s*:\s*(?:[{\[('"`]|-?\d|(?:true|false|null|undefined|new)\b"""
    r"""|[\w$.]+\s*(?:\(|,|;|$))|^[\w$.]+\(.*\)\s*[;,]?$""")
#: A comment line that speaks to a tool, not to the reader.
_DIRECTIVE_RE = lazy_pattern(
    r"^(?:eslint\b|@ts-|prettier-|istanbul\b|c8\b|jshint\b|biome-ignore|deno-lint)", re.I)
#: Short names a heading may use for the header of an option (beyond the option names and
#: the header names themselves).
_HEADER_ABBREVIATIONS = {
    "content-security-policy": ("csp",), "strict-transport-security": ("hsts",),
    "cross-origin-opener-policy": ("coop",), "cross-origin-embedder-policy": ("coep",),
    "cross-origin-resource-policy": ("corp",), "x-content-type-options": ("nosniff",),
    "x-frame-options": ("xfo",),
}


def _header_terms() -> dict[str, re.Pattern[str]]:
    """Return, for each header a helmet option sets, a pattern of the ways a comment names it:
    its option names (``frameguard``, ``xFrameOptions``), the header (``X-Frame-Options``,
    ``frame options``) and its usual short name (``CSP``, ``HSTS``, ``COOP``)."""
    terms: dict[str, list[str]] = {}
    for option, header in HEADER_OF_HELMET.items():
        names = terms.setdefault(header, [])
        names.append(re.escape(option))
        for spelled in (header, header[2:] if header.startswith("x-") else ""):
            if spelled:
                names.append(r"[- ]?".join(re.escape(part) for part in spelled.split("-")))
        names += _HEADER_ABBREVIATIONS.get(header, ())
    return {header: re.compile(r"(?<![\w-])(?:" + "|".join(dict.fromkeys(names)) + r")(?![\w-])",
                               re.I) for header, names in terms.items()}


_HEADER_TERMS: dict[str, re.Pattern[str]] = {}


def _comment_lines(source: bytes, comments: list[Node]) -> list[str]:
    """Return the text lines of ``comments`` without their comment marks."""
    lines: list[str] = []
    for comment in comments:
        body = source[comment.start_byte:comment.end_byte].decode("utf-8", "replace")
        body = body[2:] if body.startswith("//") else body[2:-2] if body.startswith("/*") \
            else body
        for line in body.splitlines():
            line = line.strip().lstrip("*").strip()
            if line:
                lines.append(line)
    return lines


def _prose(lines: list[str]) -> list[str]:
    """Return the lines written for a reader: not commented-out code, not tool directives."""
    return [line for line in lines
            if not _CODE_LINE_RE.search(line) and not _DIRECTIVE_RE.search(line)]


def _heading_reason(pair: Node, lines: list[str]) -> bool:
    """Return True when the heading ``lines`` (TODO-free) state a reason for switching off the
    option ``pair``: a reason word (``_REASON_RE``) in its prose and, when the heading names
    options (``// frameguard off: …``, ``// CSP and COEP break the viewer``), ``pair``'s among
    them."""
    prose = " ".join(_prose(lines))
    if not _REASON_RE.search(prose):
        return False
    if not _HEADER_TERMS:
        _HEADER_TERMS.update(_header_terms())
    named = {header for header, pattern in _HEADER_TERMS.items() if pattern.search(prose)}
    key = pair.child_by_field_name("key")
    name = (string_value(key) or text(key)) if key is not None else ""
    return not named or HEADER_OF_HELMET.get(name or "") in named


def _reason_given(pair: Node, source: bytes) -> bool:
    """Return True when the option ``pair`` (``hidePoweredBy: false``) carries a stated reason
    for being off. A protection switched off with a stated reason is the maintainers'
    decision, made knowingly. The reason is one of:

    - a comment of its own at the end of its line (``hidePoweredBy: false, // errors out in
      electron``), or on the line(s) right above it in the middle of a run of options;
    - the heading of its paragraph (``_block_heading``) when that reads as a reason for
      switching off (``_heading_reason``).

    No comment counts when it is a TODO/FIXME note (in any of its lines), commented-out code or
    a tool directive (``// eslint-disable-next-line``); the option's own TODO at the end of its
    line wins over any heading."""
    line = pair.start_point[0]
    after = pair.next_sibling
    if after is not None and after.type == ",":
        after = after.next_sibling
    if after is not None and after.type == "comment" and after.start_point[0] == pair.end_point[0]:
        own = _comment_lines(source, [after])
        if any(_TODO_RE.search(t.encode()) for t in own):
            return False  # `contentSecurityPolicy: false, // TODO: …`: nothing was decided
        if _prose(own):
            return True
    heading = _block_heading(pair)
    if heading is not None:
        lines = _comment_lines(source, _comment_block(heading))
        return not any(_TODO_RE.search(t.encode()) for t in lines) and \
            _heading_reason(pair, lines)
    before = pair.prev_sibling
    if before is not None and before.type == ",":
        before = before.prev_sibling
    if before is not None and before.type == "comment" and before.end_point[0] == line - 1:
        # a comment line of its own, not the trailing comment of the property before it
        ahead = before.prev_sibling
        if ahead is None or ahead.end_point[0] < before.start_point[0]:
            lines = _comment_lines(source, _comment_block(before))
            return not any(_TODO_RE.search(t.encode()) for t in lines) and bool(_prose(lines))
    return False


def _comment_block(comment: Node) -> list[Node]:
    """Return the comment lines of their own, line after line, that end with ``comment`` (not
    the trailing comment of an option above), first to last."""
    block = [comment]
    ahead = comment.prev_sibling
    while ahead is not None and ahead.type == "comment" \
            and ahead.end_point[0] == block[0].start_point[0] - 1:
        before = ahead.prev_sibling
        if before is not None and before.type == ",":
            before = before.prev_sibling
        if before is not None and before.end_point[0] == ahead.start_point[0]:
            break  # the trailing comment of an option: code, not part of the heading
        block.insert(0, ahead)
        ahead = ahead.prev_sibling
    return block


def _block_heading(pair: Node) -> Node | None:
    """Return the comment that heads the block of switched-off options ``pair`` belongs to,
    or None: a comment line of its own in the same object literal, directly above a run of
    options set to ``false`` that reaches ``pair`` line after line (no blank line, no other
    option or code between; trailing comments of those options do not break the run), that
    opens a paragraph (``_starts_paragraph``):

        // DISABLED (would break the embedding sites):
        frameguard: false,
        contentSecurityPolicy: false,

    A heading over options that are on (``// ENABLED:``) heads no run of ``false`` options."""
    if pair.type != "pair" or _pair_value_type(pair) != "false":
        return None
    top = pair.start_point[0]
    node = pair.prev_sibling
    while node is not None:
        if node.type == ",":
            node = node.prev_sibling
            continue
        if node.type == "comment":
            ahead = node.prev_sibling
            if ahead is not None and ahead.type == ",":
                ahead = ahead.prev_sibling
            if ahead is not None and ahead.end_point[0] == node.start_point[0]:
                node = node.prev_sibling  # the trailing comment of an option above: skip it
                continue
            if node.end_point[0] != top - 1:
                return None
            return node if _starts_paragraph(node) else None
        if node.type != "pair" or _pair_value_type(node) != "false" \
                or node.end_point[0] != top - 1:
            return None
        top = node.start_point[0]
        node = node.prev_sibling
    return None


def _starts_paragraph(comment: Node) -> bool:
    """Return True when the comment lines ending with ``comment`` open a paragraph of the
    object literal: right after its ``{`` or after a blank line. A comment in the middle of a
    run of options speaks for the option below it only."""
    first = comment
    ahead = first.prev_sibling
    while ahead is not None and ahead.type == "comment" \
            and ahead.end_point[0] == first.start_point[0] - 1:
        before = ahead.prev_sibling
        if before is not None and before.type == ",":
            before = before.prev_sibling
        if before is not None and before.end_point[0] == ahead.start_point[0]:
            break  # the trailing comment of an option: code, not part of the heading
        first, ahead = ahead, ahead.prev_sibling
    return ahead is None or ahead.type == "{" or ahead.end_point[0] < first.start_point[0] - 1


def _pair_value_type(pair: Node) -> str:
    value = pair.child_by_field_name("value")
    return value.type if value is not None else ""


def _disables_powered_by(facts: FileFacts, source: Callable[[], bytes]) -> bool:
    """Return True when the file calls ``app.disable('x-powered-by')`` or
    ``app.set('x-powered-by', false)``; ``source`` returns the file's bytes (read only for a
    ``set`` call, so most files are never read)."""
    for call in facts.calls:
        first = call.args[0].name.lower() if call.args and call.args[0].kind == "string" else ""
        if first != "x-powered-by":
            continue
        if call.method == "disable":
            return True
        if call.method == "set" and len(call.args) > 1 \
                and source()[call.args[1].start:call.args[1].end] == b"false":
            return True
    return False


def _enables_powered_by(facts: FileFacts, source: Callable[[], bytes]) -> bool:
    """Return True when the file calls ``app.enable('x-powered-by')`` or ``app.set(
    'x-powered-by', v)`` with anything but ``false``: a settings loop that switched the header
    off for an app may not be the last word."""
    for call in facts.calls:
        first = call.args[0].name.lower() if call.args and call.args[0].kind == "string" else ""
        if first != "x-powered-by":
            continue
        if call.method == "enable":
            return True
        if call.method == "set" and len(call.args) > 1 \
                and source()[call.args[1].start:call.args[1].end] != b"false":
            return True
    return False


def _powered_by_off(ctx: ProjectContext, package: str | None = None) -> bool:
    for facts in ctx.facts.values():
        path = facts.path
        if package is not None and package_of(path, ctx.package_dirs) != package:
            continue

        def source(path: str = path) -> bytes:
            return ctx.read(path) or b""

        if _disables_powered_by(facts, source):
            return True
    return False


def renders_html(ctx: ProjectContext, package: str | None = None) -> bool:
    """Return True when the app renders HTML views (helmet's CSP may then break inline scripts):
    in a file of ``package`` (the folder of the nearest package.json), unless None."""
    for facts in ctx.facts.values():
        if package is not None and package_of(facts.path, ctx.package_dirs) != package:
            continue
        for call in facts.calls:
            if call.method == "render":
                return True
            if call.method in ("set", "engine") and call.args and call.args[0].kind == "string" \
                    and call.args[0].name in ("view engine", "views"):
                return True
        if "static" in facts.called or any(
                f"{name}.static" in facts.called
                for name in {"express", *facts.locals_of("express")}):
            return True  # `express.static(…)`, also under the file's own name (`Express`)
        if "next" in facts.imported_modules() and b"getRequestHandler" in (
                ctx.read(facts.path) or b""):
            return True  # a Next.js front end served through the app (a custom server)
    return False


#: Middleware that serves its own HTML pages with inline scripts or scripts, styles and fonts
#: from a CDN: helmet's default Content-Security-Policy (``script-src 'self'``, no inline
#: scripts) leaves those pages blank. Package → the pages it serves.
HTML_MIDDLEWARE = {
    "agendash": "Agendash's dashboard",
    "swagger-ui-express": "Swagger UI",
    "swagger-tools": "Swagger UI",
    "redoc-express": "ReDoc",
    "@bull-board/express": "bull-board's dashboard",
    "bull-board": "bull-board's dashboard",
    "bull-arena": "Arena's dashboard",
    "express-status-monitor": "the status monitor page",
    "graphql-playground-middleware-express": "GraphQL Playground",
    "apollo-server-express": "Apollo's landing page and Sandbox",
    "@apollo/server/express4": "Apollo's landing page and Sandbox",
    "@as-integrations/express4": "Apollo's landing page and Sandbox",
    "@as-integrations/express5": "Apollo's landing page and Sandbox",
    "express-graphql": "GraphiQL",
    "graphql-yoga": "GraphiQL",
}
#: Packages whose page can be switched off; the bytes that do it, or that switch it on.
_PAGE_OFF = {"apollo-server-express": rb"LandingPageDisabled|playground\s*:\s*false",
             "@apollo/server/express4": rb"LandingPageDisabled",
             "@as-integrations/express4": rb"LandingPageDisabled",
             "@as-integrations/express5": rb"LandingPageDisabled",
             "graphql-yoga": rb"graphiql\s*:\s*false"}
#: swagger-tools serves its UI only from the middleware ``swaggerUi()`` makes (it also
#: validates and routes requests without any page).
_PAGE_ON = {"express-graphql": rb"graphiql\s*:\s*(?!false)",
            "swagger-tools": rb"\bswaggerUi\s*\("}
#: swagger-ui-express serves its page's scripts from its own routes since version 4 (its init
#: script too, "so it works when unsafe-inline is blocked"), its styles inline or from https
#: (both allowed by helmet's default policy): the page stays blank only with scripts the app
#: adds in its options, inline (``customJsStr``) or from another host (``customJs``).
_OWN_SCRIPTS_SINCE = {"swagger-ui-express": (4, rb"\bcustomJs(?:Str)?\s*:")}


def html_middleware(ctx: ProjectContext, package: str | None = None) -> list[str]:
    """Return what the app mounts that serves HTML pages with inline or CDN scripts (the
    names in ``HTML_MIDDLEWARE``), imported by application code (of ``package`` only, unless
    None)."""
    return _page_middleware(ctx, package)[0]


def _page_middleware(ctx: ProjectContext, package: str | None) -> tuple[list[str], list[str]]:
    """Return (the pages ``html_middleware`` names, the pages the app mounts that load every
    script from its own routes): the latter (``_OWN_SCRIPTS_SINCE``: Swagger UI from
    swagger-ui-express 4) helmet's default policy allows, but its
    ``upgrade-insecure-requests`` makes a browser fetch them over HTTPS where the app is served
    over plain HTTP, and the page then stays blank."""
    found: dict[str, None] = {}
    own: dict[str, None] = {}

    def anywhere(pattern: bytes) -> bool:  # the server may be configured in another file
        return any(re.search(pattern, ctx.read(f.path) or b"") for f in ctx.facts.values())

    for facts in ctx.facts.values():
        if package is not None and package_of(facts.path, ctx.package_dirs) != package:
            continue
        for module in sorted(facts.imported_modules() & set(HTML_MIDDLEWARE)):
            source = ctx.read(facts.path) or b""
            if module in _PAGE_ON and not re.search(_PAGE_ON[module], source):
                continue
            if module in _PAGE_OFF and anywhere(_PAGE_OFF[module]):
                continue
            if module in _OWN_SCRIPTS_SINCE:
                since, added = _OWN_SCRIPTS_SINCE[module]
                major = _declared_major_near(ctx, facts.path, module)
                if major is not None and major >= since and not anywhere(added):
                    own[HTML_MIDDLEWARE[module]] = None
                    continue
            found[HTML_MIDDLEWARE[module]] = None
    return list(found), [name for name in own if name not in found]


def _declared_major_near(ctx: ProjectContext, rel: str, module: str) -> int | None:
    """Return the major version of ``module`` that the package.json of ``rel``'s package (or
    else the root's) declares; None when neither does."""
    import json

    folder = package_of(rel, ctx.package_dirs)
    for manifest in dict.fromkeys((posixpath.join(folder, "package.json") if folder
                                   else "package.json", "package.json")):
        try:
            data = json.loads(ctx.read(manifest) or b"null")
        except ValueError:
            continue
        major = declared_major(data, module) if isinstance(data, dict) else None
        if major is not None:
            return major
    return None


#: Packages whose use may answer a page: template engines, server-side rendering, static and
#: directory serving, and proxies (the upstream's pages pass through the app's headers).
_DOCUMENT_PACKAGES = frozenset({
    "ejs", "pug", "jade", "handlebars", "express-handlebars", "hbs", "nunjucks", "mustache",
    "mustache-express", "eta", "liquidjs", "twig", "marko", "consolidate", "express-react-views",
    "react-dom/server", "vue/server-renderer", "@vue/server-renderer", "next", "nuxt", "vite",
    "serve-static", "serve-index", "connect-history-api-fallback", "http-proxy-middleware",
    "express-http-proxy", "http-proxy", "@fastify/http-proxy"})
#: Source text that may answer a page: a sent file or stream, an HTML type or file name,
#: markup in a string (``'<p>…'``, `` `\n  <html>` ``), or ``res.send``/``res.end``/
#: ``res.write`` of anything but an object, a number or a string literal (a string built at run
#: time is sent as text/html).
_DOCUMENT_RE = lazy_pattern(
    rb"""\b(?:sendFile|sendfile|download|render|renderFile|renderToString)\s*\("""
    rb"""|\.pipe\s*\(\s*(?:res|response)\b|text/html|\.type\s*\(\s*['"]html"""
    rb"""|\.html?['"`]"""
    rb"""|['"`][^'"`\n]*<(?:!doctype|[a-zA-Z][\w-]*(?=[\s>/]))"""
    rb"""|`\s*<[!a-zA-Z]"""
    rb"""|\b(?:res|response)\s*(?:\.\s*status\s*\([^()]*\)\s*)?\.\s*(?:send|end|write)"""
    rb"""\s*\(\s*(?![{)'"\d]|(?:true|false|null|undefined)\b|`[^`$]*`)""", re.IGNORECASE)


def answers_documents(ctx: ProjectContext) -> bool:
    """Return True unless the project answers no document at all: no views, static files, sent
    files or streams, page-serving middleware or package, template or HTML file in the
    repository, markup in a string, or ``res.send()`` of a value built at run time. Only JSON,
    fixed text without markup and redirects (whose body Express escapes) then leave it, and
    the headers that act only on documents (Content-Security-Policy, COOP, COEP) protect
    nothing there."""
    found = renders_html(ctx) or bool(html_middleware(ctx)) or any(
        _DOCUMENT_PACKAGES & facts.imported_modules() for facts in ctx.facts.values())
    found = found or any(True for _ in files_with_suffix(ctx.info.root, VIEW_SUFFIXES,
                                                         _MAX_VIEW_BYTES))
    found = found or any(
        not is_test_file(facts.path) and _DOCUMENT_RE.search(ctx.read(facts.path) or b"")
        for facts in ctx.facts.values())
    return found


#: What turning a protection back on can change, for the unsafe fix's title.
TURN_ON_RISKS = {
    "contentSecurityPolicy": "the browser then blocks scripts, images and frames from hosts "
                             "the policy does not list, and inline scripts unless allowed",
    "strictTransportSecurity": "browsers then refuse plain HTTP to this host for a year",
    "hsts": "browsers then refuse plain HTTP to this host for a year",
    "crossOriginEmbedderPolicy": "cross-origin resources without CORP or CORS stop loading",
    "crossOriginResourcePolicy": "other sites can no longer embed this app's resources",
    "crossOriginOpenerPolicy": "cross-origin popups (OAuth, payments) lose window.opener",
    "xFrameOptions": "other sites can no longer frame these pages",
    "frameguard": "other sites can no longer frame these pages",
    "xPoweredBy": "the X-Powered-By header is no longer sent",
    "hidePoweredBy": "the X-Powered-By header is no longer sent",
    "referrerPolicy": "other sites no longer receive the page's URL as referrer",
    "xContentTypeOptions": "browsers stop guessing the type of responses sent with a wrong one",
    "noSniff": "browsers stop guessing the type of responses sent with a wrong one",
}
#: Template and page files whose ``src``/``href`` say where an app's pages load from.
VIEW_SUFFIXES = frozenset({".html", ".htm", ".ejs", ".pug", ".jade", ".hbs", ".handlebars",
                           ".njk", ".nunjucks", ".twig", ".mustache", ".eta", ".liquid", ".vash"})
_MAX_VIEW_BYTES = 1_000_000
UNSAFE_INLINE = "'unsafe-inline'"
_SCRIPT_SRC_RE = lazy_pattern(
    rb"""<script\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)|\bscript\s*\([^)]*?\bsrc\s*=\s*["']([^"']+)""",
    re.IGNORECASE)
_IMG_SRC_RE = lazy_pattern(
    rb"""<img\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)|\bimg\s*\([^)]*?\bsrc\s*=\s*["']([^"']+)""",
    re.IGNORECASE)
_FRAME_SRC_RE = lazy_pattern(
    rb"""<iframe\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)|\biframe\s*\([^)]*?\bsrc\s*=\s*["']([^"']+)""",
    re.IGNORECASE)
#: ``<script>`` with code in it (not a JSON or template block), or a Pug ``script.`` block.
_INLINE_SCRIPT_RE = lazy_pattern(
    rb"""<script\b(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*["']?(?:application/(?:ld\+)?json|"""
    rb"""text/(?:template|x-[\w-]+)))[^>]*>\s*[^<\s]|^[ \t]*script\.?[ \t]*$""",
    re.IGNORECASE | re.MULTILINE)
_INLINE_HANDLER_RE = lazy_pattern(rb"""[\s(,]on[a-z]{3,20}\s*=\s*["'][^"']""", re.IGNORECASE)
_HOST_RE = lazy_pattern(r"^(?:https?:)?//([a-z0-9.-]+(?::\d+)?)(?:[/?#]|$)", re.IGNORECASE)


def keyword(value: str) -> str:
    """Return a CSP keyword (``'self'``) as a string literal: double quotes whatever the
    project's style, as prettier writes a string that contains single quotes."""
    return f'"{value}"'


class PageSources:
    """Where an app's templates load scripts, images and frames from."""

    def __init__(self) -> None:
        self.views = 0
        self.hosts: dict[str, set[str]] = {"scriptSrc": set(), "imgSrc": set(), "frameSrc": set()}
        self.inline_scripts = False
        self.inline_handlers = False

    def add(self, data: bytes) -> None:
        """Record one template's sources."""
        self.views += 1
        for directive, pattern in (("scriptSrc", _SCRIPT_SRC_RE), ("imgSrc", _IMG_SRC_RE),
                                   ("frameSrc", _FRAME_SRC_RE)):
            for match in pattern.finditer(data):
                url = (match.group(1) or match.group(2) or b"").decode("utf-8", "replace")
                host = _HOST_RE.match(url)
                if host is not None:
                    self.hosts[directive].add("https://" + host.group(1).lower())
        self.inline_scripts = self.inline_scripts or _INLINE_SCRIPT_RE.search(data) is not None
        self.inline_handlers = self.inline_handlers or \
            _INLINE_HANDLER_RE.search(data) is not None

    def directives(self, style: Style) -> str | None:
        """Return a helmet ``directives`` object that adds what the views need to helmet's
        defaults, or None when the defaults are enough."""
        parts = []
        self_src = keyword("'self'")
        script = [self_src, *map(style.q, sorted(self.hosts["scriptSrc"]))]
        if self.inline_scripts:
            script.append(keyword(UNSAFE_INLINE))
        if len(script) > 1:
            parts.append(f"scriptSrc: [{', '.join(script)}]")
        if self.inline_handlers:
            parts.append(f"scriptSrcAttr: [{keyword(UNSAFE_INLINE)}]")
        if self.hosts["imgSrc"]:
            images = [self_src, style.q("data:"), *map(style.q, sorted(self.hosts["imgSrc"]))]
            parts.append(f"imgSrc: [{', '.join(images)}]")
        if self.hosts["frameSrc"]:
            frames = [self_src, *map(style.q, sorted(self.hosts["frameSrc"]))]
            parts.append(f"frameSrc: [{', '.join(frames)}]")
        return "{ " + ", ".join(parts) + " }" if parts else None


def page_sources(root: str) -> PageSources:
    """Return what the repository's templates and HTML pages load (read by bytes, outside
    node_modules and build output)."""
    found = PageSources()
    for path, _ in files_with_suffix(root, VIEW_SUFFIXES, _MAX_VIEW_BYTES):
        try:
            found.add(Path(path).read_bytes())
        except OSError:
            continue
    return found


def turn_on_value(key: str, root: str, style: Style) -> tuple[str, str]:
    """Return the value that turns protection ``key`` back on, and what it allows."""
    if key != "contentSecurityPolicy":
        return "true", ""
    sources = page_sources(root)
    if not sources.views:
        return "true", "helmet's default policy (no views or HTML pages found)"
    directives = sources.directives(style)
    if directives is None:
        return "true", (f"helmet's default policy ({sources.views} views load nothing from "
                        "other hosts)")
    allowed = sorted(set().union(*sources.hosts.values()))
    extra = [*allowed, *(["inline scripts"] if sources.inline_scripts else []),
             *(["inline event handlers"] if sources.inline_handlers else [])]
    return "{ directives: " + directives + " }", \
        f"the hosts and inline code the views use: {', '.join(extra)}"


_USE_DEFAULTS_OFF_RE = lazy_pattern(rb"useDefaults\s*:\s*false")


def _csp_has_frame_ancestors(ctx: ProjectContext, package: str | None = None) -> bool:
    """Return True when a ``helmet.contentSecurityPolicy(…)`` of the project (of ``package``
    only, unless None) sends ``frame-ancestors`` (``_policies_frame`` of every file that calls
    one): for the headers of an app without ``helmet()``, which the package's single helmet
    middlewares are counted for as a whole."""
    return _policies_frame(ctx, [ctx.read(facts.path) or b"" for facts in ctx.facts.values()
                                 if (package is None
                                     or package_of(facts.path, ctx.package_dirs) == package)
                                 and "contentSecurityPolicy" in helmet_middlewares(facts)[1]])


def _policies_frame(ctx: ProjectContext, data: list[bytes]) -> bool:
    """Return True when the ``helmet.contentSecurityPolicy(…)`` policies written in ``data``
    send ``frame-ancestors``: one names it, or helmet 5 and later (whose policy starts from
    its defaults, with ``frame-ancestors 'self'``, unless ``useDefaults: false``) is
    declared."""
    if not data:
        return False  # no helmet.contentSecurityPolicy(…): no policy at all
    if any(_FRAME_ANCESTORS_RE.search(d) for d in data):
        return True
    major = declared_major(ctx.package_json, "helmet")
    return major is not None and major >= 5 and \
        not any(_USE_DEFAULTS_OFF_RE.search(d) for d in data)


#: ``frameAncestors``/``'frame-ancestors'`` given a value other than null (which removes it).
_FRAME_ANCESTORS_SET_RE = lazy_pattern(
    rb"""(?:frameAncestors|['"]frame-ancestors['"])\s*:(?!\s*(?:null|undefined)\b)""")
_REPORT_ONLY_RE = lazy_pattern(rb"reportOnly\s*:\s*true")


def _call_csp_frames(root: Node, value: Node | None, major: int | None) -> bool:
    """Return True when ``value``, the ``contentSecurityPolicy`` option of a ``helmet({...})``
    call, makes helmet send a policy with ``frame-ancestors``: no option at all, or an object
    without ``useDefaults: false``, on helmet 5 and later (its defaults hold
    ``frame-ancestors 'self'``); an object (or a name the file binds to one, ``const csp =
    {...}``) that sets ``frameAncestors``. Not when the policy is off, only reported
    (``reportOnly: true``) or removes the directive (``frameAncestors: null``). The CSP
    directive replaces X-Frame-Options in every current browser, so ``frameguard: false`` next
    to it is a choice, not a missing protection."""
    defaults = major is not None and major >= 5
    if value is None:
        return defaults
    if value.type == "identifier":
        name = value.text
        bound = None
        for node in walk(root):
            if node.type == "variable_declarator":
                left, right = node.child_by_field_name("name"), node.child_by_field_name("value")
            elif node.type == "assignment_expression":
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            else:
                continue
            if left is not None and left.type == "identifier" and left.text == name \
                    and right is not None and right.type == "object":
                bound = right
                break
        value = bound
    if value is None or value.type != "object":
        return False
    body = value.text or b""
    if _REPORT_ONLY_RE.search(body):
        return False
    if _FRAME_ANCESTORS_SET_RE.search(body):
        return True
    if _FRAME_ANCESTORS_RE.search(body):
        return False  # named, but removed (`frameAncestors: null`)
    return defaults and not _USE_DEFAULTS_OFF_RE.search(body)


#: A path with an ``api`` segment (``/api``, ``/api/v1``, ``${base}/api/``).
_API_PATH_RE = lazy_pattern(r"(?:^|/)api(?:/|$)", re.IGNORECASE)
#: The request properties that hold the path a request asks for.
_REQUEST_PATHS = frozenset({"path", "url", "originalUrl", "baseUrl"})
_API_REGEX_RE = lazy_pattern(r"^\^(?:\\?/)?api(?:\\?/|\b|$)", re.IGNORECASE)


def _path_text(node: Node | None) -> str | None:
    """Return the text of a string or template literal, a substitution written ``x``."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "string":
        return string_value(node)
    if node.type != "template_string":
        return None
    return "".join("x" if c.type == "template_substitution" else text(c)
                   for c in node.named_children)


def _is_api_path(node: Node | None) -> bool:
    path = _path_text(node)
    return path is not None and bool(_API_PATH_RE.search(path))


def _tests_api_path(condition: Node | None) -> bool:
    """Return True when ``condition`` holds only for requests to an API path:
    ``req.path.startsWith('/api/')`` (``url``, ``originalUrl``, ``baseUrl`` too; a template
    such as `` `${base}/api/` ``), ``/^\\/api\\//.test(req.path)``, or an ``&&`` with one
    of those."""
    condition = unwrap(condition)
    if condition is None:
        return False
    if condition.type == "binary_expression" and text(
            condition.child_by_field_name("operator")) == "&&":
        return _tests_api_path(condition.child_by_field_name("left")) or \
            _tests_api_path(condition.child_by_field_name("right"))
    if condition.type != "call_expression":
        return False
    fn = condition.child_by_field_name("function")
    args = code_children(condition.child_by_field_name("arguments") or condition)
    if fn is None or fn.type != "member_expression" or len(args) != 1:
        return False
    method = text(fn.child_by_field_name("property"))
    subject = unwrap(fn.child_by_field_name("object"))
    if method == "startsWith":
        return subject is not None and subject.type == "member_expression" \
            and text(subject.child_by_field_name("property")) in _REQUEST_PATHS \
            and _is_api_path(args[0])
    if method == "test" and subject is not None and subject.type == "regex":
        target = unwrap(args[0])
        pattern = subject.child_by_field_name("pattern")
        return target.type == "member_expression" \
            and text(target.child_by_field_name("property")) in _REQUEST_PATHS \
            and bool(_API_REGEX_RE.search(text(pattern)))
    return False


def _api_position(node: Node) -> bool:
    """Return True when ``node`` (a ``helmet(...)`` call, or a name bound to one) runs only
    for requests to an API path: an argument after the path of ``x.use('/api', …)``, or in
    the branch of an ``if``/``?:`` that tests the request's path for one."""
    parent = node.parent
    if parent is not None and parent.type == "arguments":
        call = parent.parent
        fn = call.child_by_field_name("function") if call is not None else None
        args = code_children(parent)
        if fn is not None and fn.type == "member_expression" \
                and text(fn.child_by_field_name("property")) == "use" \
                and len(args) >= 2 and args[0] != node and _is_api_path(args[0]):
            return True
    child, cur = node, node.parent
    while cur is not None:
        if cur.type in ("if_statement", "ternary_expression") \
                and cur.child_by_field_name("consequence") == child \
                and _tests_api_path(cur.child_by_field_name("condition")):
            return True
        child, cur = cur, cur.parent
    return False


def serves_only_api(root: Node, call: Node) -> bool:
    """Return True when the code proves that the ``helmet(...)`` ``call`` answers only
    requests to an API path (JSON): the call, or the one name it is bound to (``const
    apiHelmet = helmet({...})``), is used only where ``_api_position`` holds, at least once."""
    if _api_position(call):
        return True
    holder = unwrap(call).parent
    while holder is not None and holder.type in CASTS:
        holder = holder.parent
    if holder is None or holder.type != "variable_declarator" \
            or holder.child_by_field_name("value") is None:
        return False
    name_node = holder.child_by_field_name("name")
    if name_node is None or name_node.type != "identifier":
        return False
    uses = [node for node in uses_of(root, text(name_node)) if node != name_node]
    return bool(uses) and all(node.type == "identifier" and _api_position(node)
                              for node in uses)


#: The helmet options that set X-Frame-Options.
_FRAME_OPTIONS = frozenset({"frameguard", "xFrameOptions"})


#: Options whose ``false`` turns off a header helmet sets by default only in some majors:
#: Cross-Origin-Embedder-Policy came in helmet 5 and was off by default again from helmet 7.
_DEFAULT_ON_IN = {"crossOriginEmbedderPolicy": range(5, 7)}


class _FileHeaders(NamedTuple):
    """What one file tells the project phase: the switched-off helmet protections it holds
    (their findings, and the header each is about) and the headers it sets itself."""

    #: (finding, header, receiver of the ``.use(helmet(…))`` call or None)
    switched_off: tuple[tuple[Finding, str, str | None], ...]
    sets: frozenset[str]
    #: Headers named as keys of its object literals, and whether it sets headers by names it
    #: does not spell out (``header_maps``).
    maps: frozenset[str] = frozenset()
    dynamic: bool = False
    #: Helmet headers its header blocks kept as text name, the headers it is seen to send from
    #: its own tables and blocks, and whether it sends blocks by computed names
    #: (``header_maps``).
    blocks: frozenset[str] = frozenset()
    sent: frozenset[str] = frozenset()
    lines: bool = False
    #: Settings loops over an object merged from parts imported from modules
    #: (``settings_loops``): where the app each sets is created, and what each part says
    #: of ``x-powered-by``.
    settings: tuple[tuple[int, tuple[SettingPart, ...]], ...] = ()
    #: Where the apps a settings loop switches ``x-powered-by`` off for are created
    #: (from object literals of the file alone).
    loop_apps: frozenset[int] = frozenset()
    #: Whether a call or a settings loop of the file may switch ``x-powered-by`` on
    #: (``app.enable('x-powered-by')``, ``app.set('x-powered-by', true)``).
    enables: bool = False
    #: Header names its setters read from other modules (``header_name_refs``), and whether
    #: it names ``frame-ancestors`` (a Content-Security-Policy among them then gives it).
    refs: frozenset[NameRef] = frozenset()
    frames: bool = False
    #: The headers, and header names read from other modules, that only its route handlers
    #: set, each on its own route's responses (``route_handlers``): helmet's own values still
    #: go on every other response.
    route_sets: frozenset[str] = frozenset()
    route_refs: frozenset[NameRef] = frozenset()


def _resolve_settings(ctx: ProjectContext, rel: str,
                      parts: tuple[SettingPart, ...]) -> list[SettingPart]:
    """Return ``parts`` with each imported object replaced by what the module it is imported
    from exports (``exported_settings``, one hop); an object that cannot be read counts as a
    deployer's options."""
    out: list[SettingPart] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        target = ctx.resolve_import(rel, part[0])
        if target is not None and _export_changed(ctx, rel, target):
            return ["on"]  # another module may write the object: the header may be sent
        data = ctx.read(target) if target is not None else None
        lang = JS_SUFFIXES.get(posixpath.splitext(target)[1]) if target is not None else None
        tree = parse(lang, data) if data is not None and lang is not None else None
        found = exported_settings(tree.root_node, part[1], "x-powered-by") \
            if tree is not None else None
        out.extend(found or ["-"])
    return out


def _module_root(ctx: ProjectContext, rel: str) -> Node | None:
    data = ctx.read(rel)
    lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
    tree = parse(lang, data) if data is not None and lang is not None else None
    return tree.root_node if tree is not None else None


def _exported_value(root: Node, export: str) -> tuple[Node | None, list[tuple[str, str]]]:
    """Return the value a module binds its export ``export`` to (``export const X = …``,
    ``export { X }``, ``module.exports = { X }``, ``exports.X = …``), and the re-exports it
    may come from instead: (module, name) of ``export { Y as X } from './m'`` and ``export *
    from './m'``."""
    value: Node | None = None
    further: list[tuple[str, str]] = []
    for node in root.named_children:
        if node.type == "export_statement":
            decl = node.child_by_field_name("declaration")
            spec = string_value(node.child_by_field_name("source"))
            clause = next((c for c in node.named_children if c.type == "export_clause"), None)
            if decl is not None and decl.type in ("lexical_declaration", "variable_declaration"):
                for d in code_children(decl):
                    if text(d.child_by_field_name("name")) == export:
                        value = d.child_by_field_name("value")
            elif spec is not None and spec.startswith(".") and clause is None:
                further.append((spec, export))  # export * from './m'
            for item in code_children(clause) if clause is not None else []:
                own = item.child_by_field_name("name")
                alias = item.child_by_field_name("alias") or own
                if own is None or text(alias) != export:
                    continue
                if spec is None:
                    bound = _binding(text(own), item)
                    value = bound[1] if bound is not None and bound[0] == "value" else value
                elif spec.startswith("."):
                    further.append((spec, text(own)))
        elif node.type == "expression_statement" and node.named_children and \
                node.named_children[0].type == "assignment_expression":
            assign = node.named_children[0]
            left = text(assign.child_by_field_name("left"))
            right = unwrap(assign.child_by_field_name("right"))
            if left in (f"module.exports.{export}", f"exports.{export}"):
                value = right
            elif left == "module.exports" and right is not None and right.type == "object":
                value = _property_value(right, export) or value
    return value, further


def resolve_name_ref(ctx: ProjectContext, rel: str, ref: NameRef, hops: int = 1,
                     roots: dict[str, Node | None] | None = None) -> set[str]:
    """Return the strings a name another module exports is (``NameRef`` of file ``rel``):
    the export itself, or the property of the object literal it is; through ``hops``
    re-exports (``export * from``, ``export { X } from``)."""
    roots = {} if roots is None else roots
    target = ctx.resolve_import(rel, ref[0])
    if target is None:
        return set()
    if target not in roots:
        roots[target] = _module_root(ctx, target)
    root = roots[target]
    if root is None:
        return set()
    value, further = _exported_value(root, ref[1])
    if value is not None:
        if ref[2] is not None:
            literal = unwrap(value)
            if _changed_object(ref[1], root) or literal.type == "identifier" and \
                    _changed_object(text(literal), root):
                return set()  # `HEADERS.CSP = '…-Report-Only'` in the defining module
            if literal.type == "identifier":
                bound = _binding(text(literal), literal)
                literal = unwrap(bound[1]) if bound is not None and bound[0] == "value" \
                    else literal
            value = _property_value(literal, ref[2])
        return name_values(value, root)[0] if value is not None else set()
    found: set[str] = set()
    for spec, name in further if hops > 0 else []:
        found |= resolve_name_ref(ctx, target, (spec, name, ref[2]), hops - 1, roots)
    return found


def _export_changed(ctx: ProjectContext, rel: str, target: str) -> bool:
    """Return True when a module other than ``rel`` (the loop's) and ``target`` imports
    ``target`` and may change what it exports: a binding of it that is not only read
    (``_only_read``: ``settings['x-powered-by'] = true``, an alias, handing it on), or an
    import the rule cannot follow to a name."""
    for other, facts in ctx.facts.items():
        if other in (rel, target):
            continue
        specs = {imp.module for imp in facts.imports
                 if ctx.resolve_import(other, imp.module) == target}
        if not specs:
            continue
        data = ctx.read(other)
        lang = JS_SUFFIXES.get(posixpath.splitext(other)[1])
        tree = parse(lang, data) if data is not None and lang is not None else None
        if tree is None:
            return True
        root = tree.root_node
        bound = False
        for name in _top_level_names(root):
            found = _imported_object(name, root)
            if found is None or found[0] not in specs:
                continue
            bound = True
            if not _only_read(name, root):
                return True
        if not bound:
            return True
    return False


def _top_level_names(root: Node) -> set[str]:
    """Return the names the top-level declarations and imports of a module bind."""
    found: set[str] = set()
    for node in root.named_children:
        if node.type in ("lexical_declaration", "variable_declaration", "import_statement"):
            found.update(text(n) for n in walk(node) if n.type in (
                "identifier", "shorthand_property_identifier_pattern"))
    return found


#: Keys of a listen options object that name where a server listens on the network.
_NETWORK_KEYS = frozenset({"port", "host", "hostname", "fd", "socket-fd", "handle"})
#: Methods of a server or app that start, stop or watch it without sending its responses
#: anywhere new (``listen`` is looked at apart).
_LISTENERS = frozenset({"on", "once", "off", "addListener", "removeListener",
                        "prependListener", "close", "address", "setTimeout", "unref", "ref"})
_SERVER_FACTORIES = frozenset({"http.createServer", "https.createServer", "createServer",
                               "http2.createServer", "http2.createSecureServer"})


def _outer(node: Node) -> Node:
    """Return the outermost of the casts and parentheses around ``node``."""
    while node.parent is not None and node.parent.type in CASTS:
        node = node.parent
    return node


def _path_listen(args: list[Node]) -> Node | None:
    """Return the filesystem path (a Unix socket or a named pipe) listen arguments name:
    ``'/run/app.sock'``, or the value of ``{ path }`` / a project helper's ``{ socket: p }``;
    None for anything else."""
    first = unwrap(args[0]) if args else None
    if first is None:
        return None
    value = string_value(first)
    if value is not None:
        return first if "/" in value or "\\" in value else None
    if first.type != "object" or has_spread(first):
        return None
    props = object_properties(first)
    keys = set(props)
    if keys & _NETWORK_KEYS:
        return None
    return props.get("path") or props.get("socket")


#: A reverse proxy's configuration: nginx, Caddy, HAProxy (as rate-limit finds one).
_PROXY_CONFIG_NAME = lazy_pattern(r"nginx|caddy|haproxy|\.conf$", re.I)
#: Where a proxy passes requests to a Unix socket: ``proxy_pass http://unix:/run/x.sock``,
#: ``server unix:/run/x.sock;``, Caddy's ``unix//run/x.sock``, HAProxy's ``unix@``.
_UNIX_UPSTREAM = lazy_pattern(rb"\bunix(?::|//|@)")
#: The app's file renders pages, serves files or keeps a browser session.
_BROWSER_WORK = BROWSER_WORK


def _socket_for_programs(ctx: ProjectContext, rel: str, path: Node) -> bool:
    """Return True when what shows that only programs load a socket-listened app holds: the
    project itself connects to that socket (``http.request({ socketPath: <same name or
    path> })``, as code-server's CLI client does), the app's file renders no page, serves no
    files and sets no cookie (``_BROWSER_WORK``), and no proxy configuration of the repo
    passes requests to a Unix socket. A socket listen alone says nothing: nginx may proxy
    browsers to it."""
    if _BROWSER_WORK.search(ctx.read(rel) or b""):
        return False
    literal = string_value(path)
    if literal is not None:
        spelled = re.escape(literal.encode())
        client = re.compile(rb"socketPath\s*:\s*['\"`]" + spelled + rb"['\"`]")
    elif path.type in ("identifier", "member_expression"):
        last = text(path).rpartition(".")[2].encode()
        client = re.compile(rb"socketPath\s*:\s*(?:[\w$]+\.)*" + re.escape(last) +
                            rb"(?![\w$])" + (rb"|\{\s*socketPath\s*[,}]"
                                              if last == b"socketPath" else b""))
    else:
        return False
    if not any(client.search(ctx.read(other) or b"") for other in ctx.facts
               if not is_test_file(other)):
        return False
    return not _proxies_to_socket(ctx)


def _proxy_configs(ctx: ProjectContext) -> list[tuple[str, bytes]]:
    """Return the reverse-proxy configurations of the repo (``_PROXY_CONFIG_NAME``; four
    folders deep at most, no dependencies, 256 KB at most each): path and bytes, read once."""
    from nodeharden._project import SKIP_DIRS, VENDOR_DIRS

    found: list[tuple[str, bytes]] | None = ctx.extra.get("helmet proxy configs")
    if found is not None:
        return found
    found = []
    root = ctx.info.root.rstrip("/")
    for current, dirs, files in os.walk(root):
        depth = os.path.relpath(current, root).count(os.sep) + (current != root)
        dirs[:] = sorted(d for d in dirs
                         if depth < 4 and d not in SKIP_DIRS and d not in VENDOR_DIRS)
        for name in sorted(files):
            if not _PROXY_CONFIG_NAME.search(name):
                continue
            full = os.path.join(current, name)
            try:
                if os.path.getsize(full) > 256 * 1024:
                    continue
                with open(full, "rb") as handle:
                    found.append((os.path.relpath(full, root), handle.read()))
            except OSError:
                continue
    ctx.extra["helmet proxy configs"] = found
    return found


def _proxies_to_socket(ctx: ProjectContext) -> bool:
    """Return True when a proxy configuration of the repo passes requests to a Unix socket."""
    return any(_UNIX_UPSTREAM.search(data) for _, data in _proxy_configs(ctx))


#: A proxy directive that adds a response header, not commented out: nginx ``add_header
#: Name …`` (and headers-more's ``more_set_headers 'Name: …'``), Apache ``Header [always]
#: set Name …``, HAProxy ``http-response set-header Name …``, Caddy ``header Name …``.
_PROXY_HEADER = lazy_pattern(
    rb"(?im)^[ \t]*(?:add_header|more_set_headers|header(?:[ \t]+always)?[ \t]+(?:set|add)"
    rb"|http-response[ \t]+(?:set|add)-header|header)[ \t]+['\"]?([A-Za-z][\w-]*)")


#: A directive that passes requests on to an upstream (the app): nginx ``proxy_pass``, Caddy
#: ``reverse_proxy``, Apache ``ProxyPass``, HAProxy ``server name host:port`` in a backend.
_PROXY_PASS = lazy_pattern(
    rb"(?im)(?:^|[{;])[ \t]*(?:proxy_pass|reverse_proxy|ProxyPass)\b"
    rb"|^[ \t]*server[ \t]+\S+[ \t]+\S+:\d+\b")


def _proxy_headers(ctx: ProjectContext) -> dict[str, str]:
    """Return the core headers (``CORE_OF_HEADER`` names) the repo's reverse-proxy
    configurations add to responses, each with the configuration that adds it: a header the
    proxy in front of the app sets is sent to browsers though the app does not set it. Only a
    configuration that passes requests on counts (``_PROXY_PASS``): one that only serves a
    front end's files says nothing of the app's answers."""
    found: dict[str, str] = {}
    for rel, data in _proxy_configs(ctx):
        if not _PROXY_PASS.search(data):
            continue
        for match in _PROXY_HEADER.finditer(data):
            name = match.group(1).decode().lower()
            if name in CORE_OF_HEADER and name != "frame-ancestors":
                found.setdefault(name, rel)
    return found


def _binding_name(call: Node) -> str | None:
    """Return the name ``const name = call`` binds (through casts and ``await``)."""
    node = call
    while node.parent is not None and node.parent.type in CASTS | {"await_expression"}:
        node = node.parent
    parent = node.parent
    target = parent.child_by_field_name("name") if parent is not None and \
        parent.type == "variable_declarator" else None
    return text(target) if target is not None and target.type == "identifier" else None


def _in_upgrade_listener(node: Node) -> bool:
    """Return True when ``node`` is inside a callback of ``X.on('upgrade', cb)``."""
    at = node.parent
    while at is not None:
        if at.type == "call_expression":
            fn = at.child_by_field_name("function")
            args = code_children(at.child_by_field_name("arguments") or at)
            if fn is not None and fn.type == "member_expression" and \
                    text(fn.child_by_field_name("property")) in ("on", "once", "addListener",
                                                                "prependListener") and \
                    args and string_value(args[0]) == "upgrade":
                return True
        at = at.parent
    return False


def _dispatches_upgrade(use: Node) -> bool:
    """Return True when a use of an app is ``(app as any).handle(req, new
    http.ServerResponse(req), …)`` in an ``upgrade`` listener: the app runs for WebSocket
    upgrades only, and its response object is never given the socket."""
    outer = _outer(use)
    member = outer.parent
    call = member.parent if member is not None and member.type == "member_expression" and \
        member.child_by_field_name("object") == outer and \
        text(member.child_by_field_name("property")) == "handle" else None
    if call is None or call.type != "call_expression" or \
            call.child_by_field_name("function") != member:
        return False
    args = code_children(call.child_by_field_name("arguments") or call)
    second = unwrap(args[1]) if len(args) > 1 else None
    return second is not None and second.type == "new_expression" and \
        text(second.child_by_field_name("constructor")).endswith("ServerResponse") and \
        _in_upgrade_listener(call)


def _name_uses(root: Node, name: str) -> list[Node] | None:
    """Return the identifiers that read ``name`` in a file or function that binds it once
    (its declarator's own name left out); None when it is bound more than once."""
    index = _names(root)
    if len(index.declarators.get(name, [])) > 1 or name in index.assigned:
        return None
    return [n for n in uses_of(root, name)
            if not (n.parent is not None and n.parent.type == "variable_declarator"
                    and n.parent.child_by_field_name("name") == n)]


def _helper(ctx: ProjectContext, rel: str, root: Node, call: Node) -> tuple[Node, Node] | None:
    """Return (function, its module's root) of a call of a function of the project: one the
    file declares, or one it imports from a relative module."""
    fn = _function_of(call)
    if fn is not None:
        return fn, root
    callee = unwrap(call.child_by_field_name("function"))
    imported = _imported_object(text(callee), root) if callee is not None and \
        callee.type == "identifier" and not _declared(text(callee), root) else None
    target = ctx.resolve_import(rel, imported[0]) if imported is not None and \
        imported[1] not in ("*", "default") else None
    other = _module_root(ctx, target) if target is not None else None
    if other is None or imported is None:
        return None
    value, _ = _exported_value(other, imported[1])
    value = unwrap(value)
    if value is None:
        for node in other.named_children:  # export function name() {}
            decl = node.child_by_field_name("declaration") \
                if node.type == "export_statement" else None
            if decl is not None and decl.type == "function_declaration" and \
                    text(decl.child_by_field_name("name")) == imported[1]:
                value = decl
    return (value, other) if value is not None and value.type in _FUNCTIONS else None


def _upgrade_helper(ctx: ProjectContext, rel: str, root: Node, call: Node, arg: Node) -> bool:
    """Return True when ``call`` hands ``arg`` (an app) to a project function whose parameter
    for it is only used to dispatch WebSocket upgrades (``_dispatches_upgrade``)."""
    found = _helper(ctx, rel, root, call)
    args = code_children(call.child_by_field_name("arguments") or call)
    if found is None or _outer(arg) not in args:
        return False
    fn, _ = found
    params = parameters(fn)
    index = args.index(_outer(arg))
    param = params[index] if index < len(params) else None
    if param is None or param.type != "identifier":
        return False
    body = fn.child_by_field_name("body")
    uses = [n for n in walk(body) if n.type == "identifier" and text(n) == text(param)] \
        if body is not None else []
    return bool(uses) and all(_dispatches_upgrade(u) for u in uses)


def _escapes_to_listen(ctx: ProjectContext, rel: str, name: str) -> bool:
    """Return True when another file may listen on, serve or mount an app a function returns
    by property ``name`` (``x.name.listen(…)``, ``createServer(x.name)``, ``f(x.name)``)."""
    word = re.escape(name).encode()
    pattern = re.compile(rb"\b" + word + rb"\s*\.\s*listen\s*\(|createServer\s*\([^)]*\b"
                         + word + rb"\b|\b" + word + rb"\s*[,)]")
    for other in ctx.facts:
        if other != rel and pattern.search(ctx.read(other) or b""):
            return True
    return False


def serves_no_browser(ctx: ProjectContext, rel: str, root: Node, name: str | None) -> bool:
    """Return True when the app bound to ``name`` clearly sends no response a browser loads:
    every use of it configures it (``app.use``, ``app.get``…), and it is only run for
    WebSocket upgrades (``_dispatches_upgrade``, here or in a project function it is handed
    to) or only listened on a filesystem path (``app.listen('/run/x.sock')``, a server made
    with ``http.createServer(app)`` listened so, also through a project helper that listens
    with the ``{ socket: p }`` it is given) that only programs load (``_socket_for_programs``:
    the project is the socket's client, the app renders nothing, no proxy passes to a Unix
    socket). A listen on a port or host, a mount, an export (``export const app``), any other
    hand-off keeps the app served."""
    uses = _name_uses(root, name) if name else None
    if not uses or _exported_binding(root, name or ""):
        return False
    reason = False
    sockets: list[Node] = []
    for use in uses:
        outer = _outer(use)
        parent = outer.parent
        if parent is None:
            return False
        if parent.type == "member_expression" and parent.child_by_field_name("object") == outer:
            method = text(parent.child_by_field_name("property"))
            call = parent.parent
            if method == "handle" and _dispatches_upgrade(use):
                reason = True
            elif method == "listen" and call is not None and call.type == "call_expression":
                path = _path_listen(code_children(call.child_by_field_name("arguments")
                                                  or call))
                if path is None:
                    return False
                sockets.append(path)
            elif method in ("listen", "handle", "callback") or call is None or \
                    call.type != "call_expression" or call.child_by_field_name("function") \
                    != parent:
                return False
            continue  # app.use(…), app.get(…), app.disable(…): configuring it
        if parent.type == "arguments" and parent.parent is not None:
            call = parent.parent
            callee = text(call.child_by_field_name("function"))
            if callee in _SERVER_FACTORIES:
                server = _binding_name(call)
                paths = _server_on_path(ctx, rel, root, server) if server else None
                if not paths:
                    return False
                sockets.extend(paths)
            elif _upgrade_helper(ctx, rel, root, call, use):
                reason = True
            else:
                return False
            continue
        if use.type == "shorthand_property_identifier" and parent.type == "object" and \
                parent.parent is not None and parent.parent.type == "return_statement" and \
                not _escapes_to_listen(ctx, rel, name or ""):
            continue  # returned to callers that only configure it
        return False
    if sockets:
        return all(_socket_for_programs(ctx, rel, path) for path in sockets)
    return reason


#: What answers with a page or a file a browser may load, or sets a view engine up:
#: ``res.send('text')`` is HTML (only an object or array literal goes out as JSON),
#: ``res.redirect``, ``res.download``, markup in a string.
_PAGE_ANSWER = lazy_pattern(rb"\.send\s*\(\s*(?![{\[)])|\.(?:redirect|download|sendfile|attachment)"
                            rb"\s*\(|view engine|(?i:<(?:!doctype|html|body|script)\b)")
#: A module that makes routers or apps, or routes requests itself.
_ROUTING = lazy_pattern(rb"\b(?:Router|express)\s*\(|\.(?:get|post|put|patch|delete|all|use|"
                        rb"route)\s*\(\s*['\"`\[/]")
#: Calls on an app that neither route nor answer: serving it, its settings, its events.
_SETUP_METHODS = frozenset({"listen", "set", "enable", "disable", "on", "once"})


def serves_only_probes(ctx: ProjectContext, facts: FileFacts, name: str) -> bool:
    """Return True when the app bound to ``name`` in ``facts``' file answers health checks,
    probes and metrics scrapes only (``PROBE_PATH``; ``/`` too when one of those is there),
    as JSON or text: programs request it, no browser loads it. Its file (and every route
    another file adds through an import of it) renders no page, serves no files, sets no
    cookie and sends no HTML (``BROWSER_WORK``, ``_PAGE_ANSWER``), or, where another app of
    the file does, its own routes' inline handlers do none of that; its middlewares are
    calls of packages' factories (``express.json()``) or of project helpers that route
    nothing. Any other route, a mount, a path that is not a string, a route added by a
    chained call, or a hand-off of the app to other code keeps it served."""
    source = ctx.read(facts.path) or b""
    # Beside another app of the file, that app's pages do not make this one's: its own routes
    # are read instead (inline handlers only, whose whole text is the route's).
    pages = bool(BROWSER_WORK.search(source) or _PAGE_ANSWER.search(source))
    if pages and sum(app.kind == "app" for app in facts.apps) < 2:
        return False
    root = _module_root(ctx, facts.path)
    uses = _name_uses(root, name) if root is not None else None
    if root is None or not uses:
        return False
    routes: list[Node] = []
    exports: list[str] = []
    for use in uses:
        export = _export_key(use)
        if export is not None:
            exports.append(export)
        elif not _probe_use(use, routes, lambda node: _plain_middleware(ctx, facts, node)):
            return False
    imported = {local for found in facts.imports for local in found.locals()}
    # A handler of another module is not read: only the file's own functions are.
    if any(h.type not in _FUNCTIONS and (h.type != "identifier" or text(h) in imported or pages)
           for route in routes for h in _route_handlers(route)):
        return False
    if pages and any(BROWSER_WORK.search(source[route.start_byte:route.end_byte])
                     or _PAGE_ANSWER.search(source[route.start_byte:route.end_byte])
                     for route in routes):
        return False
    if _exported_binding(root, name):
        exports.append(name)
    for export in exports:
        if not _importers_add_probes(ctx, facts.path, export, routes):
            return False
    paths = [p for route in routes for p in _route_paths(route) if p != "/"]
    return bool(paths) and all(PROBE_PATH.match(p) for p in paths)


def _route_paths(route: Node) -> list[str]:
    """Return the paths of a route call ``_probe_use`` accepted (a string or an array of
    them)."""
    first = unwrap(code_children(route.child_by_field_name("arguments") or route)[0])
    items = [first] if first is None or first.type != "array" else first.named_children
    return [value for value in map(string_value, items) if value is not None]


def _route_handlers(route: Node) -> list[Node]:
    """Return the handlers of a route call (its arguments after the path)."""
    args = code_children(route.child_by_field_name("arguments") or route)[1:]
    return [node for node in map(unwrap, args) if node is not None]


def _export_key(use: Node) -> str | None:
    """Return the export a use of an app makes of it: "default" for ``module.exports =
    app`` or ``export default app``, the key for ``module.exports = { key: app }``,
    ``exports.key = app`` or ``export { app as key }``; None when the use is no export."""
    outer = _outer(use)
    parent = outer.parent
    if parent is None:
        return None
    if parent.type == "assignment_expression" and parent.child_by_field_name("right") == outer:
        left = text(parent.child_by_field_name("left"))
        if left in ("module.exports", "exports.default", "module.exports.default"):
            return "default"
        for prefix in ("module.exports.", "exports."):
            if left.startswith(prefix) and "." not in left[len(prefix):]:
                return left[len(prefix):]
        return None
    if parent.type == "export_statement" and parent.child_by_field_name("value") == outer:
        return "default"
    if parent.type == "export_specifier":
        alias = parent.child_by_field_name("alias") or parent.child_by_field_name("name")
        return text(alias)
    holder = parent if use.type == "shorthand_property_identifier" else \
        parent.parent if parent.type == "pair" and parent.child_by_field_name("value") == outer \
        else None
    if holder is None or holder.type != "object" or holder.parent is None or \
            holder.parent.type != "assignment_expression" or \
            text(holder.parent.child_by_field_name("left")) != "module.exports":
        return None
    return text(use) if use.type == "shorthand_property_identifier" else \
        text(parent.child_by_field_name("key"))


def _probe_use(ref: Node, routes: list[Node], middleware: Callable[[Node], bool]) -> bool:
    """Return True when ``ref`` (an expression that is the app) is used to add routes whose
    paths are all strings (the calls go to ``routes``), to add middlewares ``middleware`` accepts,
    to set it up (``_SETUP_METHODS``; no view engine) or to serve it (``createServer(app)``).
    A route added through a chain (``app.get(…).get(…)``, ``app.route(p)``) is not read."""
    outer = _outer(ref)
    parent = outer.parent
    if parent is not None and parent.type == "arguments":
        call = parent.parent
        return call is not None and \
            text(call.child_by_field_name("function")) in _SERVER_FACTORIES
    if parent is None or parent.type != "member_expression" or \
            parent.child_by_field_name("object") != outer:
        return False
    method = text(parent.child_by_field_name("property"))
    call = parent.parent
    if call is None or call.type != "call_expression" or \
            call.child_by_field_name("function") != parent:
        return False
    args = [unwrap(a) for a in code_children(call.child_by_field_name("arguments") or call)]
    if method in _SETUP_METHODS:
        setting = string_value(args[0]) if method == "set" and args else None
        return setting not in ("view engine", "views")
    chained = call.parent is not None and call.parent.type == "member_expression"
    if chained or not args or args[0] is None:
        return False
    if method == "use":
        return all(a is not None and middleware(a) for a in args)
    if method not in HTTP_METHODS:
        return False
    first = args[0]
    values = [string_value(first)] if first.type != "array" else \
        [string_value(item) for item in first.named_children]
    if not values or any(v is None for v in values):
        return False
    routes.append(call)
    return True


def _plain_middleware(ctx: ProjectContext, facts: FileFacts, node: Node) -> bool:
    """Return True when ``node`` (a ``.use`` argument of ``facts``' file) is a call of a
    package's factory (``express.json()``, ``cors()``; not ``express.Router()``) or of a
    function imported from a project module that routes nothing and does no browser work."""
    if node.type != "call_expression":
        return False
    callee = unwrap(node.child_by_field_name("function"))
    base = callee
    while base is not None and base.type == "member_expression":
        base = unwrap(base.child_by_field_name("object"))
    if base is None or base.type != "identifier":
        return False
    found = next((i for i in facts.imports if text(base) in i.locals()), None)
    if found is None or "Router" in text(callee) or "static" in text(callee):
        return False
    if not found.module.startswith("."):
        return True
    target = ctx.resolve_import(facts.path, found.module)
    data = ctx.read(target) if target is not None else None
    return data is not None and not _ROUTING.search(data) and not BROWSER_WORK.search(data)


def _importers_add_probes(ctx: ProjectContext, rel: str, export: str,
                          routes: list[Node]) -> bool:
    """Return True when every file that imports the app ``rel`` exports as ``export`` only
    listens on it, sets it up or adds routes to it (the calls go to ``routes``) whose
    handlers are written in the call and answer no page (``BROWSER_WORK``,
    ``_PAGE_ANSWER``); a mount, a middleware or any other hand-off of it keeps the app
    served."""
    for other, facts in ctx.facts.items():
        if other == rel or is_test_file(other):
            continue  # a test requests the app itself: it serves nobody
        refs: list[tuple[str, str | None]] = []  # (local name, member that is the app)
        for found in facts.imports:
            if not found.module.startswith(".") or ctx.resolve_import(other, found.module) != rel:
                continue
            for whole in (found.default, found.namespace):
                if whole:
                    refs.append((whole, None if export == "default" else export))
            for key, local in found.named.items():
                if key == export:
                    refs.append((local, None))
        if not refs:
            continue
        root = _module_root(ctx, other)
        if root is None:
            return False
        for local, member in refs:
            uses = _name_uses(root, local)
            if uses is None:
                return False
            for use in uses:
                if use.parent is not None and use.parent.type in (
                        "import_clause", "import_specifier", "namespace_import", "object_pattern",
                        "pair_pattern"):
                    continue  # the import itself
                ref: Node | None = use
                if member is not None:
                    outer = _outer(use)
                    holder = outer.parent
                    if holder is None or holder.type != "member_expression" or \
                            holder.child_by_field_name("object") != outer:
                        return False  # the module's exports handed on whole
                    ref = holder if text(holder.child_by_field_name("property")) == member \
                        else None
                if ref is None:
                    continue  # another export of the module (its port, a callback)
                added: list[Node] = []
                if not _probe_use(ref, added, lambda node: False):
                    return False
                for route in added:
                    body = text(route).encode()
                    if BROWSER_WORK.search(body) or _PAGE_ANSWER.search(body) or any(
                            h.type not in _FUNCTIONS for h in _route_handlers(route)):
                        return False
                routes.extend(added)
    return True


def _exported_binding(root: Node, name: str) -> bool:
    """Return True when the module exports the binding ``name`` by its declaration
    (``export const app = express()``, ``export let app``): importers may listen on it."""
    for node in root.named_children:
        decl = node.child_by_field_name("declaration") if node.type == "export_statement" \
            else None
        if decl is not None and decl.type in ("lexical_declaration", "variable_declaration") \
                and any(_binds(d.child_by_field_name("name"), name) for d in code_children(decl)):
            return True
    return False


def _helper_listens(ctx: ProjectContext, rel: str, root: Node, call: Node, server: Node,
                    options: Node) -> bool:
    """Return True when the project function ``call`` calls listens the server it is given
    (argument ``server``) with the options it is given (argument ``options``, an object with
    a ``path``/``socket`` key): its body calls ``<server param>.listen(<options param>…)`` or
    ``.listen(<options param>.path|socket…)``. A helper that only reads the options (a
    WebSocket server's ``{ path: '/socket.io' }``) listens on nothing."""
    found = _helper(ctx, rel, root, call)
    args = code_children(call.child_by_field_name("arguments") or call)
    if found is None or server not in args or options not in args:
        return False
    params = parameters(found[0])
    at_server, at_options = args.index(server), args.index(options)
    if max(at_server, at_options) >= len(params):
        return False
    srv, opts = params[at_server], params[at_options]
    if srv.type != "identifier" or opts.type != "identifier":
        return False
    keys = set(object_properties(unwrap(options))) & {"path", "socket"}
    wanted = {text(opts)} | {f"{text(opts)}.{key}" for key in keys}
    body = found[0].child_by_field_name("body")
    for node in walk(body) if body is not None else []:
        if node.type != "call_expression":
            continue
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "member_expression" or \
                text(fn.child_by_field_name("property")) != "listen" or \
                text(unwrap(fn.child_by_field_name("object"))) != text(srv):
            continue
        first = code_children(node.child_by_field_name("arguments") or node)[:1]
        if first and text(unwrap(first[0])) in wanted:
            return True
    return False


def _server_on_path(ctx: ProjectContext, rel: str, root: Node, server: str) -> list[Node]:
    """Return the filesystem paths the server bound to ``server`` is listened on when it is
    only listened so (``server.listen(path)``, ``helper(server, { socket: p })`` with a
    helper that listens with them), watched, closed or returned after such a listen; an
    empty list otherwise (a server returned unlistened is listened by its caller)."""
    uses = _name_uses(root, server)
    paths: list[Node] = []
    returns: list[Node] = []
    for use in uses or []:
        outer = _outer(use)
        parent = outer.parent
        if parent is None:
            return []
        if parent.type == "member_expression" and parent.child_by_field_name("object") == outer:
            method = text(parent.child_by_field_name("property"))
            call = parent.parent
            path = _path_listen(code_children(call.child_by_field_name("arguments") or call)) \
                if method == "listen" and call is not None and \
                call.type == "call_expression" else None
            if path is not None:
                paths.append(path)
            elif method not in _LISTENERS:
                return []
            continue
        if parent.type == "arguments" and parent.parent is not None:
            call = parent.parent
            args = code_children(parent)
            options = [a for a in args if a != outer]
            path = _path_listen(options) if len(options) == 1 else None
            if path is None or not _helper_listens(ctx, rel, root, call, outer, options[0]):
                return []
            paths.append(path)
            continue
        if parent.type == "return_statement":
            returns.append(parent)
            continue
        return []
    if not paths or any(r.start_byte < min(p.start_byte for p in paths) for r in returns):
        return []  # (returned before it listens: its callers may listen on it)
    return paths


def _use_target(call: Node) -> str | None:
    """Return the receiver of the ``.use(…)`` a call is an argument of (``app`` for
    ``app.use(helmet({...}))``), or None."""
    args = call.parent
    outer = args.parent if args is not None and args.type == "arguments" else None
    fn = outer.child_by_field_name("function") if outer is not None \
        and outer.type == "call_expression" else None
    if fn is None or fn.type != "member_expression" \
            or text(fn.child_by_field_name("property")) != "use":
        return None
    return text(fn.child_by_field_name("object"))


#: A re-export of another module: ``export * from './x'``, ``export { a, b } from './x'``.
_RE_EXPORT_RE = lazy_pattern(
    rb"""\bexport\s+(?:\*(?:\s+as\s+[\w$]+)?|\{[^{}]*\})\s*from\s*['"]([^'"\n]+)['"]""")


#: A header write that lets other origins read the app's answers: ``res.setHeader(
#: 'Access-Control-Allow-Origin', …)``, ``res.header(…)``, ``res.set(…)``, a header table's key.
_ALLOW_ORIGIN_RE = lazy_pattern(rb"""['"`]access-control-allow-origin['"`]\s*[,:]""", re.I)


#: A media type of something other sites embed with a plain tag, written in the code.
_MEDIA_TYPE_RE = lazy_pattern(rb"""['"`](?:image|font|audio|video)/[\w.+*-]+['"`]""", re.I)


def _answers_cors(ctx: ProjectContext, facts: FileFacts) -> bool:
    """Return True when ``facts`` (an application module) puts the ``cors`` package in front of
    requests: ``x.use(cors(…))`` / ``x.get('/p', cors(…), …)`` in the file itself, or a call of
    its ``cors`` binding in a module some other application module imports (a middleware
    factory such as ``export const corsFor = (…) => cors(…)``, mounted where it is
    imported). A module nothing imports (a dev server, a script) does not count."""
    names = facts.locals_of("cors")
    if not names:
        return False
    for call in facts.calls:
        if call.method in ("use", "all", "options", "get", "post", "put", "patch", "delete") \
                and any(arg.kind == "call" and arg.name.split(".")[0] in names
                        for arg in call.args):
            return True
    source = ctx.read(facts.path) or b""
    spans = [(imp.start, imp.end) for imp in facts.imports]
    called = any(
        not any(s <= m.start() < e for s, e in spans)
        for name in names
        for m in re.finditer(rb"(?<![\w$.])" + re.escape(name.encode()) + rb"\s*\(", source))
    if not called:
        return False
    def specs(other: str) -> list[str]:
        found = [imp.module for imp in ctx.facts[other].imports]
        text_of = ctx.read(other) or b""
        if b"export" in text_of:  # `export * from './cors-setup.js'` in an index module
            found += [m.group(1).decode("utf-8", "replace")
                      for m in _RE_EXPORT_RE.finditer(text_of)]
        return found

    return any(other != facts.path and role_from_path(other) == APP
               and any(spec.startswith(".") and ctx.resolve_import(other, spec) == facts.path
                       for spec in specs(other))
               for other in sorted(ctx.facts))


def _package_answers_cors(ctx: ProjectContext, rel: str, cache: dict[str, bool]) -> bool:
    """Return True when an application module of the package that holds ``rel`` answers
    cross-origin requests through ``cors`` (``_answers_cors``): the app means its answers
    to be read by other origins, so a helmet of that package that switches
    Cross-Origin-Resource-Policy off did so on purpose, wherever the ``cors`` call sits."""
    package = package_of(rel, ctx.package_dirs)
    if package not in cache:
        cache[package] = any(
            role_from_path(other) == APP and package_of(other, ctx.package_dirs) == package
            and _answers_cors(ctx, ctx.facts[other]) for other in sorted(ctx.facts))
    return cache[package]


class Helmet(Rule):
    """An Express app without helmet(), or helmet with protections switched off."""

    id = "helmet"
    needles = (b"helmet",)

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        """Report nothing here: a switched-off protection is reported by ``check_project``,
        once the headers every file sets are known. Kept so that the scanner sees helmet look
        at the file (``wants``) and rescans it when a view it read for a fix title changes."""
        return ()

    def file_data(self, ctx: FileContext) -> _FileHeaders | None:
        """Return the file's switched-off protections and the headers it sets itself: whether a
        switched-off protection is missing depends on the headers other files set."""
        named = _names_header(ctx.source)  # the gate both header readers start with
        handlers = route_handlers(ctx.facts, ctx.tree.root_node, ctx.source) \
            if _SETTER_NAME_RE.search(ctx.source) else []
        own, refs, route_refs = header_name_refs(ctx.lang, ctx.tree.root_node, ctx.source,
                                                 handlers)
        frames = _FRAME_ANCESTORS_RE.search(ctx.source) is not None
        for into in own:
            if "content-security-policy" in into and frames:
                into.add("frame-ancestors")
        literal = headers_set_by_app(ctx.lang, ctx.tree.root_node, ctx.source, named, handlers)
        sets = frozenset(literal.everywhere | own.everywhere)
        route_sets = frozenset((literal.in_routes | own.in_routes) - sets)
        loops = settings_loops(ctx.lang, ctx.tree.root_node, ctx.source, "x-powered-by")
        apps = {app.start for app in ctx.facts.apps if app.kind == "app"}
        # `app.set(k, o[k])` over `{ 'x-powered-by': false }`, right where the app is made.
        loop_apps = frozenset(start for start, parts in loops
                              if start in apps and setting_off(parts)
                              and all(isinstance(p, str) for p in parts))
        # Loops over an object a module imports: decided when the project is known.
        pending = tuple((start, tuple(parts)) for start, parts in loops
                        if start in apps and start not in loop_apps
                        and any(isinstance(p, tuple) for p in parts))
        enables = _enables_powered_by(ctx.facts, lambda: ctx.source) or any(
            [p for p in parts if p in ("off", "on")][-1:] == ["on"] for _, parts in loops)
        tables = header_maps(ctx.lang, ctx.tree.root_node, ctx.source, named)
        off = tuple(self._switched_off(ctx)) if ctx.wanted(self) else ()
        return _FileHeaders(off, sets, tables.keys, tables.dynamic, settings=pending,
                            loop_apps=loop_apps, enables=enables, blocks=tables.blocks,
                            sent=tables.sent, lines=tables.lines, refs=frozenset(refs),
                            frames=frames, route_sets=route_sets,
                            route_refs=frozenset(route_refs)) \
            if off or sets or tables.keys or tables.blocks or tables.dynamic or pending \
            or loop_apps or enables or refs or route_sets or route_refs else None

    def _switched_off(self, ctx: FileContext) -> Iterable[tuple[Finding, str, str | None]]:
        names = ctx.facts.locals_of("helmet")
        if not names:
            return
        powered_by_off = _disables_powered_by(ctx.facts, lambda: ctx.source)
        lusca = lusca_headers(ctx.facts, lambda: ctx.source)
        major = declared_major({"dependencies": dict(ctx.info.dependencies)}, "helmet")
        for match in captures(ctx.lang, _CALL_QUERY, ctx.tree.root_node).get("call", []):
            fn = match.child_by_field_name("function")
            if text(fn) not in names:
                continue
            args = match.child_by_field_name("arguments")
            opts = args.named_children[0] if args is not None and args.named_children else None
            props = object_properties(opts)
            api_only: bool | None = None
            for key, value in props.items():
                if key in NOT_A_DEFENCE:
                    continue  # helmet's default is no defence (X-XSS-Protection: 0, hints)
                if key in DOCUMENT_ONLY:
                    if api_only is None:
                        api_only = serves_only_api(ctx.tree.root_node, match)
                    if api_only:
                        continue  # a document-only header, and this helmet answers JSON
                if key in POWERED_BY_OPTIONS and powered_by_off:
                    continue  # app.disable('x-powered-by') already removes the header
                if LUSCA_FOR_OPTION.get(key) in lusca:
                    continue  # lusca sets this header instead
                if key in _FRAME_OPTIONS and _call_csp_frames(
                        ctx.tree.root_node, props.get("contentSecurityPolicy"), major):
                    continue  # the call's own CSP sets frame-ancestors instead
                if key in _DEFAULT_ON_IN and major is not None \
                        and major not in _DEFAULT_ON_IN[key]:
                    continue  # this helmet does not set that header anyway: `false` changes nothing
                if key == "crossOriginResourcePolicy" and "cors" in ctx.facts.imported_modules():
                    continue  # resources served to other origins (CORS): same-origin would block them
                if key in PROTECTIONS and value.type == "false" \
                        and not _reason_given(value.parent or value, ctx.source):
                    yield ctx.node_finding(
                        self.id, value.parent or value,
                        f"helmet protection `{key}` is switched off; keep it on and configure "
                        "it instead", self._turn_on(ctx, key, value)), \
                        HEADER_OF_HELMET.get(key, ""), _use_target(match)

    @staticmethod
    def _turn_on(ctx: FileContext, key: str, value: Node) -> Fix:
        new, allows = turn_on_value(key, ctx.info.root, ctx.style)
        risk = TURN_ON_RISKS.get(key, "it was switched off on purpose: check what the header "
                                      "changes for the app's clients")
        title = f"Turn `{key}` back on" + (f" with {allows}" if allows else "") + \
            f" (unsafe: {risk})"
        return Fix(title=title, applicability="unsafe",
                   changes=(FileChange(ctx.rel, (TextEdit(value.start_byte, value.end_byte,
                                                          new),)),))

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        data: dict[str, _FileHeaders] = ctx.file_data.get(self.id, {})
        # The headers each file's code sets: they count only for the apps of the same package
        # (the nearest package.json), since a separate package (an example receiver beside
        # the main app, a mock server) never loads the main app's files.
        # Headers only route handlers set (on their own routes' responses) are kept apart.
        sets_by_file: dict[str, set[str]] = {}
        routes_by_file: dict[str, set[str]] = {}
        roots: dict[str, Node | None] = {}
        for rel, item in data.items():
            file_sets = sets_by_file.setdefault(rel, set(item.sets))
            in_routes = routes_by_file.setdefault(rel, set(item.route_sets))
            for refs, into in ((item.refs, file_sets), (item.route_refs, in_routes)):
                for ref in refs:  # res.setHeader(HEADERS.X_FRAME_OPTIONS, …), imported
                    found = {n.lower() for n in resolve_name_ref(ctx, rel, ref, roots=roots)}
                    into |= found & set(HELMET_OPTION_FOR_HEADER)
                    if "content-security-policy" in found and item.frames:
                        into.add("frame-ancestors")
        for rel, item in data.items():
            # Headers sent from a table (`for (const [k, v] of Object.entries(headers))
            # res.setHeader(k, v)`, `res.set(headers)`) or a header block split into lines:
            # the table's keys, in this file or a module it imports.
            file_sets = sets_by_file[rel]
            file_sets |= item.sent
            if not (item.dynamic or item.lines):
                continue
            facts = ctx.facts.get(rel)
            from_tables: set[str] = set(item.sent)
            framed = item.frames  # names frame-ancestors, here or in a module it imports
            for imp in facts.imports if facts is not None else ():
                target = ctx.resolve_import(rel, imp.module)
                if target is not None and target in data:
                    from_tables |= data[target].maps if item.dynamic else set()
                    from_tables |= data[target].blocks if item.lines else set()
                    framed = framed or data[target].frames
            file_sets |= from_tables
            if "content-security-policy" in from_tables and framed:
                # `headers['Content-Security-Policy'] = Defaults.csp()`, the policy written
                # with its frame-ancestors in the module the table's values come from.
                file_sets.add("frame-ancestors")
        package_sets: dict[str, set[str]] = {}
        package_routes: dict[str, set[str]] = {}
        package_items: dict[str, list[tuple[str, _FileHeaders]]] = {}
        for rel, item in data.items():
            package = package_of(rel, ctx.package_dirs)
            package_sets.setdefault(package, set()).update(sets_by_file[rel])
            package_routes.setdefault(package, set()).update(routes_by_file[rel])
            package_items.setdefault(package, []).append((rel, item))
        # res.removeHeader('X-Powered-By') and such, package by package.
        removed = {package for package, found in package_sets.items() if "x-powered-by" in found}
        # Apps a settings loop switches X-Powered-By off for, unless something of the package
        # may switch it back on (the rule does not know which app a call sets).
        loop_apps: set[tuple[str, int]] = set()
        for package, items in package_items.items():
            if any(item.enables for _, item in items):
                continue
            found_loops: set[tuple[str, int]] = set()
            for rel, item in items:
                found_loops |= {(rel, start) for start in item.loop_apps}
                found_loops |= {(rel, start) for start, parts in item.settings
                                if setting_off(_resolve_settings(ctx, rel, parts))}
            if found_loops:
                loop_apps |= found_loops
                package_sets[package].add("x-powered-by")  # hidePoweredBy: false changes nothing
        own_middleware: dict[tuple[str, str | None], tuple[set[str], list[bytes]]] = {}
        cors_packages: dict[str, bool] = {}
        documents: bool | None = None  # answers_documents(ctx), once a finding asks
        for rel, item in data.items():
            package = package_of(rel, ctx.package_dirs)
            app_sets = package_sets[package]
            # A route's own framing allowlist: helmet's X-Frame-Options would still reach it.
            framed = "frame-ancestors" in (app_sets | package_routes[package])
            for finding, header, target in item.switched_off:
                if header in app_sets or (header == "x-frame-options" and framed):
                    continue  # the app sets that header itself (or removes X-Powered-By)
                if (rel, target) not in own_middleware:
                    own_middleware[rel, target] = _own_middlewares(ctx, rel, target)
                own_headers, policies = own_middleware[rel, target]
                if header in own_headers:
                    continue  # off in helmet() because this app mounts its own middleware for it
                if header == "cross-origin-resource-policy" \
                        and _package_answers_cors(ctx, rel, cors_packages):
                    continue  # the app serves other origins through cors (in another module)
                if header == "x-frame-options" and _policies_frame(ctx, policies):
                    continue  # this app's helmet.contentSecurityPolicy(…) sends frame-ancestors
                if header in _DOCUMENT_HEADERS:
                    if documents is None:
                        documents = answers_documents(ctx)
                    if not documents:
                        continue  # the project answers no page: the header protects nothing
                yield finding
        if not ctx.uses_express():
            return
        # They run behind the parent's middleware: the parent's finding.
        mounted, wrappers = sub_apps(ctx, factories=True), wrapper_apps(ctx)
        by_package: dict[str, list[FileFacts]] = {}
        for facts in ctx.app_files():
            if facts.path not in mounted:
                by_package.setdefault(package_of(facts.path, ctx.package_dirs), []).append(facts)
        for package, app_files in by_package.items():
            app_sets = package_sets.get(package, set())
            yield from self._without_helmet(ctx, package, app_files, app_sets,
                                            package_routes.get(package, set()) - app_sets,
                                            package in removed, loop_apps, wrappers)

    def _without_helmet(self, ctx: ProjectContext, package: str, app_files: list[FileFacts],
                        app_sets: set[str], route_sets: set[str], removed: bool,
                        loop_apps: set[tuple[str, int]],
                        wrappers: set[tuple[str, int]]) -> Iterable[Finding]:
        """Report the apps of ``app_files`` (of one package) that no ``helmet()`` of the
        package covers, with the headers the package's own code sets for any response
        (``app_sets``) and those only its route handlers set (``route_sets``)."""
        whole, lusca, parts = header_coverage(ctx, package)
        if whole:
            return
        by_helmet = {HEADER_OF_HELMET[p] for p in parts if p in HEADER_OF_HELMET}
        if "content-security-policy" in by_helmet and _csp_has_frame_ancestors(ctx, package):
            by_helmet.add("frame-ancestors")
        by_app = {CORE_OF_HEADER[h] for h in app_sets if h in CORE_OF_HEADER}
        by_parts = {CORE_OF_HEADER[h] for h in by_helmet if h in CORE_OF_HEADER}
        proxied = {CORE_OF_HEADER[h]: rel for h, rel in _proxy_headers(ctx).items()}
        present = lusca | by_app | by_parts | set(proxied)
        # Content-Security-Policy, X-Frame-Options and nosniff are sent: what is left is HSTS,
        # which is the TLS edge's to send (browsers ignore it on plain HTTP), and a referrer
        # policy stricter than browsers' own default, which trims cross-origin referrers
        # already and means nothing to JSON or images. helmet() would add nothing that matters.
        if present >= set(CORE_HEADERS) - _TRANSPORT_ONLY:
            return
        unset = [CORE_HEADERS[k] for k in CORE_HEADERS if k not in present]
        sources = []
        if parts:
            called = ", ".join(f"helmet.{p}()" for p in parts)
            names = [CORE_HEADERS[k] for k in CORE_HEADERS if CORE_HEADERS[k].lower() in by_helmet]
            sources.append(f"{called} set{'s' if len(parts) == 1 else ''} "
                           + (", ".join(names) if names else "none of them"))
        if lusca:
            sources.append("lusca sets " + ", ".join(CORE_HEADERS[k] for k in CORE_HEADERS
                                                     if k in lusca))
        own = [k for k in CORE_HEADERS if CORE_HEADERS[k].lower() in app_sets
               and k not in lusca and k not in by_parts]
        if own:
            sources.append("the app sets " + ", ".join(CORE_HEADERS[k] for k in own)
                           + " itself")
        by_proxy = [k for k in CORE_HEADERS if k in proxied and k not in lusca | by_parts
                    and k not in own]
        for config in sorted({proxied[k] for k in by_proxy}):
            names = [CORE_HEADERS[k] for k in by_proxy if proxied[k] == config]
            sources.append(f"the proxy configuration {config} adds " + ", ".join(names))
        if parts:
            head = "Express app with only some of helmet's middlewares: "
        else:
            head = "Express app without helmet(): "
        if sources:
            message = head + "; ".join(sources) + " but not " + ", ".join(unset)
        else:
            message = head + "no security headers"
        routed = [CORE_HEADERS[k] for k in CORE_HEADERS
                  if k not in present and CORE_HEADERS[k].lower() in route_sets]
        if routed:
            message += (f" ({', '.join(routed)} only on the responses of the routes that set "
                        f"{'it' if len(routed) == 1 else 'them'})")
        powered_by_off = _powered_by_off(ctx, package) or removed or "x-powered-by" in by_helmet
        sent = "; X-Powered-By is sent" if sources else " and X-Powered-By is sent"
        # helmet goes right after the app is created, so lusca's later middlewares still set
        # their own headers; helmet's CSP can only break pages when lusca sets none. An app
        # that writes its own CSP chose its headers: helmet's X-Frame-Options and
        # Cross-Origin-Resource-Policy may still break embedding its pages on purpose.
        unsafe = renders_html(ctx, package) and "csp" not in lusca
        pages, own_pages = _page_middleware(ctx, package) if "csp" not in present else ([], [])
        title = "Add helmet() right after the app is created"
        # Headers the app's own code sets for any response are switched off in helmet, which
        # never replaces them (that code may leave them off some responses on purpose). One
        # only route handlers set stays on: helmet runs first, so a route's own value still
        # replaces helmet's on its responses, and every other response keeps helmet's.
        # A route's own frame-ancestors allowlist is the exception: helmet's X-Frame-Options
        # would reach that route's responses too, and stop the allowlisted sites framing it.
        keep = sorted({HELMET_OPTION_FOR_HEADER["x-frame-options" if h == "frame-ancestors" else h]
                       for h in app_sets | (route_sets & {"frame-ancestors"})
                       if h != "x-powered-by"})
        if keep:
            title += f" with {', '.join(f'`{k}`' for k in keep)} off (the app sets " \
                     f"{'that header' if len(keep) == 1 else 'those headers'} itself)"
        if pages:
            unsafe = True
            title += (f" (unsafe: helmet's default Content-Security-Policy blocks the inline "
                      f"and CDN scripts of {', '.join(pages)}, which the app mounts, so "
                      "those pages stay blank: give their routes a policy that allows them, or "
                      "mount them before helmet)")
        elif unsafe:
            risks = ["Cross-Origin-Resource-Policy: same-origin stops other sites loading "
                     + "its files"]
            if "contentSecurityPolicy" not in keep:
                risks.insert(0, "default Content-Security-Policy blocks inline scripts and "
                                "scripts from other hosts")
            if "xFrameOptions" not in keep:
                risks.append("X-Frame-Options: SAMEORIGIN stops other sites framing its pages")
            title += f" (unsafe: on the pages and files the app serves, helmet's " \
                     f"{'; '.join(risks)})"
        # An app that answers other origins (the cors package, or its own
        # Access-Control-Allow-Origin) and sends images, fonts or media it types itself
        # (`res.setHeader('content-type', 'image/png')`: an icon API) means them for other sites:
        # helmet's default Cross-Origin-Resource-Policy: same-origin would stop those sites
        # loading them with plain tags (`<img src>`), which CORS does not cover. helmet 5 and
        # later set it; their `{ policy: 'cross-origin' }` keeps those loads working. A JSON
        # API's CORS reads are not affected by the header, and keep helmet's default.
        own = [rel for rel in sorted(ctx.facts) if package_of(rel, ctx.package_dirs) == package
               and role_from_path(rel) == APP and not is_test_file(rel)]
        cross_origin = "crossOriginResourcePolicy" not in keep \
            and (declared_major(ctx.package_json, "helmet") or 5) >= 5 \
            and any(_MEDIA_TYPE_RE.search(ctx.read(rel) or b"") for rel in own) \
            and (_package_answers_cors(ctx, app_files[0].path, {})
                 or any(_ALLOW_ORIGIN_RE.search(ctx.read(rel) or b"") for rel in own))
        if cross_origin:
            title += (" and Cross-Origin-Resource-Policy `cross-origin` (the app sends images or "
                      "media to other origins: same-origin would stop their plain loads)")
        # A page whose scripts come from the app itself (Swagger UI) works under helmet's
        # default policy, but its upgrade-insecure-requests has a browser load them over
        # HTTPS: served over plain HTTP, the page would stay blank. Off, the page loads as it
        # did (helmet 5 and later merge the directive into their defaults).
        plain_http = bool(own_pages) and not pages \
            and "contentSecurityPolicy" not in keep \
            and (declared_major(ctx.package_json, "helmet") or 5) >= 5
        if plain_http:
            title += (f" and the Content-Security-Policy's upgrade-insecure-requests off "
                      f"({', '.join(own_pages)} then loads its scripts over plain HTTP too, as "
                      "it does without helmet)")
        for facts in app_files:
            source = ctx.read(facts.path) or b""
            style = ctx.styles[facts.path]
            if internal_service(ctx, facts.path):
                # An internal service: its clients are programs on the same host until the
                # operator exposes it, and headers for browsers protect none of them there.
                for app in facts.apps:
                    if app.kind == "app" and (facts.path, app.start) not in wrappers:
                        yield replace(ctx.finding(self.id, facts.path, app.start, app.end, (
                            f"{message}; not fixed: this app listens on the loopback interface "
                            "only (unless configured otherwise) and renders no page, serves no "
                            "files and sets no cookie, so its clients are programs on the same "
                            "host; the headers matter once it is exposed: add helmet() then")),
                            severity="note")
                continue
            listed = [f"{k}: false" for k in keep]
            if plain_http:
                listed.append("contentSecurityPolicy: " + style.braces(
                    "directives: " + style.braces("upgradeInsecureRequests: null")))
            if cross_origin:
                listed.append("crossOriginResourcePolicy: "
                              + style.braces(f"policy: {style.q('cross-origin')}"))
            root: Node | None = None
            for app in facts.apps:
                if app.kind != "app" or (facts.path, app.start) in wrappers:
                    continue
                if app.name and any(w in source for w in (b"handle", b"listen", b"createServer")):
                    root = root or _module_root(ctx, facts.path)
                    if root is not None and serves_no_browser(ctx, facts.path, root, app.name):
                        continue  # WebSocket upgrades or a Unix socket only: no browser loads it
                if app.name and serves_only_probes(ctx, facts, app.name):
                    continue  # health checks and metrics: programs request it, not browsers
                fix = None
                # helmet's single middlewares in use: adding helmet() would also set the headers
                # they already set, with other values; the finding is reported without a fix.
                if can_extend(app) and not parts:
                    imports = add_imports(source, facts, style,
                                          [ImportRequest("helmet", default="helmet")])
                    local = imports.bindings[0].local or "helmet"
                    edits = list(imports.edits)
                    edits.append(after_app_edit(source, app, [use_statement(
                        app, local, style, listed)]))
                    fix = Fix(
                        title=title,
                        applicability="unsafe" if unsafe else "safe",
                        changes=(FileChange(facts.path, tuple(edits)),),
                        dependencies=(("helmet", version_of("helmet")),),
                    )
                said = message if powered_by_off or (facts.path, app.start) in loop_apps \
                    else message + sent
                yield ctx.finding(self.id, facts.path, app.start, app.end, said, fix)


RULE = Helmet()
