"""error-handler: every Express app ends with a four-argument error handler, and no response
carries ``err.stack`` or ``err.message`` outside development.

Findings:

- per file: an error handler (four parameters), a ``catch (err)`` block or a ``.catch(err => …)``
  callback that puts ``err.stack``/``err.message`` (or ``err`` itself) into a response
  (``res.send/json/jsonp/end/write/render`` arguments or ``res.locals``), unless a development
  check guards it; the project phase drops a handler no module registers
  (``_mounted_nowhere``) and a value handed to a template that does not print it
  (``_template_prints``), and reports a handler answering 5xx to every error only where its
  package has body parsers or http-errors (``_package_raises_client_errors``);
- per project: an app with no final error handler, unless the project proves production runs
  with ``NODE_ENV=production`` (its Dockerfile, its ``start`` script, pm2's ecosystem file:
  ``rules/_production.py``), where Express's default handler sends no stack; the fix inserts
  one after the last statement that touches the app and before ``listen``/the export/``return
  app``. A mounted sub-app (``rules/_mounts.py``) hands its errors to its parent: only the app
  at the top of the mounts is judged;
- per project: the ``errorhandler`` package registered outside a development-only branch (it
  sends the stack in every environment); the fix puts the standard handler in its place.
"""

from __future__ import annotations

import bisect
import functools
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from tree_sitter import Node, Tree

from nodeharden._express import HTTP_METHODS, AppFact, ArgFact, CallFact, FileFacts, ImportFact
from nodeharden._model import Applicability, FileChange, Finding, Fix, TextEdit
from nodeharden._parse import CASTS, FUNCTION_TYPES, code_children, enclosing, \
    has_spread, in_order, needle_ranges, nodes_in, object_properties, parameters, parse, \
    required_module, statement_of, string_value, text, unwrap, uses_of, walk
from nodeharden._project import JS_SUFFIXES
from nodeharden._record import record, replace
from nodeharden._regex import finditer_each, lazy_pattern
from nodeharden._roles import package_of
from nodeharden._snippets import DeferredEdit, closing_bracket, render_snippet, split_top_level
from nodeharden._style import Style, line_end
from nodeharden.rules._answers import error_body_key
from nodeharden.rules._base import FileContext, ProjectContext, ProjectInfo, Rule, \
    import_package, is_test_file
from nodeharden.rules._edits import ImportOrder, ImportRequest, add_imports, can_extend, \
    has_import
from nodeharden.rules._loopback import loopback_roots, probes_on_loopback
from nodeharden.rules._mounts import mounted_file, sub_apps, wrapper_apps
from nodeharden.rules._production import renders_views, runs_in_production_mode
from nodeharden.rules._quiet_apps import LOGGER_LOCAL, configured_nowhere, quiet_routers

SINK_METHODS = frozenset({"send", "json", "jsonp", "end", "write", "render"})
_SINK_BYTES_RE = lazy_pattern(rb"\.\s*(?:send|jsonp?|end|write|render|locals)\b")
GENERIC = "Internal Server Error"

_FUNCTIONS = FUNCTION_TYPES

_ENV = r"(?:process\.env\.NODE_ENV|(?:req\.)?app\.get\(\s*['\"]env['\"]\s*\)|\w*env\w*)"
_DEV_EQ = lazy_pattern(rf"{_ENV}\s*===?\s*['\"](?:development|dev)['\"]|['\"](?:development|dev)['\"]\s*===?\s*{_ENV}", re.I)
_PROD_NE = lazy_pattern(rf"{_ENV}\s*!==?\s*['\"]production['\"]|['\"]production['\"]\s*!==?\s*{_ENV}", re.I)
_PROD_EQ = lazy_pattern(rf"{_ENV}\s*===?\s*['\"]production['\"]|['\"]production['\"]\s*===?\s*{_ENV}", re.I)
_DEV_NE = lazy_pattern(rf"{_ENV}\s*!==?\s*['\"](?:development|dev)['\"]", re.I)
#: A condition that lets through only messages meant for clients (4xx, http-errors `expose`).
_CLIENT_ERROR = lazy_pattern(r"<\s*500\b|<=\s*499\b|\.expose\b")
#: A condition that holds only for server errors (`status >= 500`): its other branch is 4xx.
_SERVER_ERROR = lazy_pattern(r">=\s*500\b|>\s*499\b")
#: A whole condition that holds for every error http-errors does not mark for clients
#: (``!err.expose``, ``err.expose === false``): its other branch has only their 4xx.
_NOT_EXPOSED = lazy_pattern(r"![\w$.]*\.expose|[\w$.]*\.expose===?false")


def _server_errors_test(cond: str) -> bool:
    """Return True when a condition's text holds for server errors, its other branch only
    for client errors: ``status >= 500``, ``!err.expose``."""
    return bool(_SERVER_ERROR.search(cond)
                or _NOT_EXPOSED.fullmatch(re.sub(r"[()\s]", "", cond)))  # parentheses off
_DEV_FLAG = lazy_pattern(r"^!*\(?\s*(?:\w+\.)*(?:is_?dev(?:elopment)?|dev(?:elopment)?(?:_?mode)?|debug)\s*\)?$", re.I)
_PROD_FLAG = lazy_pattern(r"^!*\(?\s*(?:\w+\.)*(?:is_?prod(?:uction)?|production)\s*\)?$", re.I)
#: How deep the condition readers (``_client_narrowing``, ``_literal_knowledge``,
#: ``_literal_status``) go into nested ``&&``/``||``/``?:`` (a chain of a thousand operands is
#: a tree that deep): past it a condition proves nothing, and the leak stays reported.
_MAX_NESTING = 50


def condition_mode(cond: str) -> str | None:
    """Return ``"dev"`` when ``cond`` holds only in development, ``"prod"`` when it holds only
    in production, else None."""
    cond = cond.strip()
    while cond.startswith("(") and cond.endswith(")"):
        cond = cond[1:-1].strip()
    negated = False
    if cond.startswith("!") and not cond.startswith("!="):
        inner = cond[1:].strip()
        if inner.startswith("(") and inner.endswith(")") or _DEV_FLAG.match(inner) \
                or _PROD_FLAG.match(inner):
            negated, cond = True, inner.strip("() ")
    mode = None
    if _DEV_EQ.search(cond) or _PROD_NE.search(cond) or _DEV_FLAG.match(cond):
        mode = "dev"
    elif _PROD_EQ.search(cond) or _DEV_NE.search(cond) or _PROD_FLAG.match(cond):
        mode = "prod"
    if mode and negated:
        mode = "prod" if mode == "dev" else "dev"
    return mode


def _guarded(node: Node, scope: Node) -> bool:
    """Return True when ``node`` only runs (or is only used) in development."""
    child = node
    cur = node.parent
    while cur is not None and cur != scope:
        if cur.type == "ternary_expression":
            cond = cur.child_by_field_name("condition")
            mode = condition_mode(text(cond))
            if child == cur.child_by_field_name("consequence") and mode == "dev":
                return True
            if child == cur.child_by_field_name("alternative") and mode == "prod":
                return True
            if child == cur.child_by_field_name("consequence") and _CLIENT_ERROR.search(text(cond)):
                return True
            if child == cur.child_by_field_name("alternative") and _server_errors_test(text(cond)):
                return True
        elif cur.type == "if_statement":
            cond_text = text(cur.child_by_field_name("condition"))
            mode = condition_mode(cond_text)
            if child == cur.child_by_field_name("consequence") and (
                    mode == "dev" or _CLIENT_ERROR.search(cond_text)):
                return True
            if child == cur.child_by_field_name("alternative") and (
                    mode == "prod" or _server_errors_test(cond_text)):
                return True
        elif cur.type == "statement_block" and _returned_before(cur, child):
            return True
        elif cur.type == "binary_expression" and text(cur.child_by_field_name("operator")) == "&&":
            if child == cur.child_by_field_name("right") \
                    and condition_mode(text(cur.child_by_field_name("left"))) == "dev":
                return True
        child = cur
        cur = cur.parent
    # A handler registered only in development: `if (app.get('env') === 'development') {
    # app.use(function (err, req, res, next) { … }) }` (the older express-generator app).
    while cur is not None:
        if cur.type == "if_statement":
            mode = condition_mode(text(cur.child_by_field_name("condition")))
            if (child == cur.child_by_field_name("consequence") and mode == "dev") or \
                    (child == cur.child_by_field_name("alternative") and mode == "prod"):
                return True
        child = cur
        cur = cur.parent
    return False


def _returned_before(block: Node, child: Node) -> bool:
    """Return True when a statement above ``child`` in ``block`` answers and returns for
    server errors or in production (``if (status >= 500) return res.json(...)``), so the code
    below runs only for client errors or outside production."""
    for stmt in block.named_children:
        if stmt == child:
            return False
        if stmt.type != "if_statement" or stmt.child_by_field_name("alternative") is not None:
            continue
        cond = text(stmt.child_by_field_name("condition"))
        if not (_server_errors_test(cond) or condition_mode(cond) == "prod"):
            continue
        body = stmt.child_by_field_name("consequence")
        if body is None:
            continue
        last = body.named_children[-1] if body.type == "statement_block" and body.named_children \
            else body
        if last.type == "return_statement":
            return True
    return False



def _error_scopes(root: Node, lang: str, source: bytes,
                  registered: frozenset[str] = frozenset(),
                  handlers: frozenset[int] = frozenset()) -> list[tuple[Node, str, str]]:
    """Return (scope node, error variable, kind) for error handlers, catch blocks and
    ``.catch`` callbacks that contain a response sink; kind is ``handler`` or ``catch``.
    ``registered``: the names the file passes to ``.use(…)`` (``app.use(onError)``);
    ``handlers``: where functions start that another file imports and registers."""
    scopes: list[tuple[Node, str, str]] = []
    # A leak flows into a sink inside its scope, so only scopes around a sink's bytes count:
    # tree-sitter looks there (in document pre-order: a parent before the nodes inside it).
    ranges = needle_ranges([_SINK_BYTES_RE], source)
    nodes = in_order(*nodes_in(lang, root, ranges, "function", "catch").values())
    for node in nodes:
        if node.type in _FUNCTIONS:
            params = parameters(node)
            if len(params) == 4 and params[0].type == "identifier" \
                    and (node.start_byte in handlers or _handler_shaped(node, params, registered)):
                scopes.append((node, text(params[0]), "handler"))
            elif params and params[0].type == "identifier" and node.parent is not None \
                    and node.parent.type == "arguments":
                call = node.parent.parent
                fn = call.child_by_field_name("function") if call is not None else None
                if fn is not None and fn.type == "member_expression" \
                        and text(fn.child_by_field_name("property")) == "catch":
                    scopes.append((node, text(params[0]), "catch"))
        elif node.type == "catch_clause":
            param = node.child_by_field_name("parameter")
            if param is not None and param.type == "identifier":
                body = node.child_by_field_name("body")
                if body is not None:
                    scopes.append((body, text(param), "catch"))
    return scopes


#: Names a response object goes by, besides the parameters of the functions around a leak.
_RESPONSE_NAMES = frozenset({"res", "response", "resp", "reply"})
#: A parameter named like an error: ``err``, ``error``, ``e``, ``ex``, ``exception``,
#: ``dbErr``, ``validationError``, ``err_msg``.
_ERROR_NAME = lazy_pattern(r"^_*(?:[eE]|[eE]xc?|[eE]rr?|[eE]rror|[eE]xception|ERR|ERROR)(?:[A-Z_\d]\w*)?$"
                         r"|[a-z\d](?:Err|Error|Exception)\d*$|_(?:err|error|exception)\d*$")
#: A first parameter named for what a function writes out, not an error: ``result``,
#: ``data``, ``rows`` (a result writer ``(result, request, response, next)`` is no handler).
_DATA_NAME = lazy_pattern(r"(?i)^_*(?:result|results|data|rows?|body|values?|payload|items?|docs?"
                          r"|records?|output|entity|entities|content|file|stream)$")


def _handler_shaped(fn: Node, params: list[Node], registered: frozenset[str] = frozenset()) \
        -> bool:
    """Return True when a four-parameter function is an Express error handler: its first
    parameter is named like an error, its third like a response (and its first not for data
    it writes out: ``(result, request, response, next)``), or it is registered with
    ``.use(…)``, inline or by the name it is declared under in the file (``function
    onError(problem, rq, rs, nx) {…}`` and ``app.use(onError)``; ``registered`` holds the names
    the file passes to ``.use``). Other callbacks with four parameters receive data first
    (eventproxy's ``ep.all('topics', 'tops', 'pages', 'count', function (topics, tops, pages,
    count) …)``): their first parameter is no error."""
    if _ERROR_NAME.search(text(params[0])):
        return True
    if params[2].type == "identifier" and text(params[2]) in _RESPONSE_NAMES \
            and not _DATA_NAME.match(text(params[0])):
        return True
    declared = _declared_name(fn)
    if declared is not None and declared in registered:
        return True
    args = fn.parent
    call = args.parent if args is not None and args.type == "arguments" else None
    callee = call.child_by_field_name("function") if call is not None else None
    return callee is not None and callee.type == "member_expression" \
        and text(callee.child_by_field_name("property")) == "use"


def _declared_name(fn: Node) -> str | None:
    """Return the name function ``fn`` is bound to where it is declared: ``function
    onError(…) {…}``, ``const onError = (…) => {…}``, ``onError = function (…) {…}``."""
    if fn.type in ("function_declaration", "generator_function_declaration"):
        name = fn.child_by_field_name("name")
        return text(name) if name is not None else None
    parent = fn.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
    elif parent.type == "assignment_expression":
        name = parent.child_by_field_name("left")
    else:
        return None
    return text(name) if name is not None and name.type == "identifier" else None


def _registered_names(facts: FileFacts | None) -> frozenset[str]:
    """Return the names a file passes to ``.use(…)``: ``app.use(onError)``."""
    if facts is None:
        return frozenset()
    return frozenset(arg.name for call in facts.uses() for arg in call.args
                     if arg.kind == "identifier")


def _prologue_length(body: Node) -> int:
    """Return how many of ``body``'s named children are its directive prologue: the string
    statements (``"use strict";``) it starts with, the comments among them and one on the
    last one's line. Code goes after them: a statement above a directive makes it a plain
    string."""
    children = body.named_children
    end = 0
    for at, child in enumerate(children):
        if child.type == "expression_statement" and child.named_child_count == 1 \
                and child.named_children[0].type == "string":
            end = at + 1
        elif child.type != "comment":
            break
    # A comment on the last directive's line (`"use strict"; // why`) goes with it.
    while 0 < end < len(children) and children[end].type == "comment" \
            and children[end].start_point[0] == children[end - 1].end_point[0]:
        end += 1
    return end


#: A TypeScript annotation that says the value is an HTTP response (``Response``,
#: ``express.Response``, ``ServerResponse``, ``FastifyReply``).
_RESPONSE_TYPE = lazy_pattern(r"Response|Reply|\bRes\b")
#: A first parameter named like a socket or a connection (a websocket or socket.io handler's
#: ``(socket, ack)``, Primus's ``(spark, …)``, a hub's ``(hub, channel, frame)``): what the
#: function gets next is no HTTP response.
_SOCKET_PARAM = frozenset({"socket", "spark", "ws", "client", "hub", "channel", "conn",
                           "connection", "peer"})
#: An annotation naming a socket or connection type (``Socket``, ``Spark``, ``WebSocket``,
#: ``net.Socket``, ``Primus.Spark``, ``Channel``), as a whole (a union stays undecided).
_SOCKET_TYPE = lazy_pattern(r"^(?:[\w$]+\.)*(?:Socket|Spark|WebSocket|WS|Channel|Connection|Peer)"
                            r"(?:<[^|&]*>)?$")


def _annotation(fn: Node, at: int) -> str | None:
    """Return the TypeScript type written for parameter ``at`` of ``fn`` (``Spark`` in
    ``spark: Spark``), or None."""
    listed = fn.child_by_field_name("parameters")
    raw = code_children(listed) if listed is not None else []
    if at >= len(raw) or raw[at].type not in ("required_parameter", "optional_parameter"):
        return None
    annotation = raw[at].child_by_field_name("type")
    return text(annotation).lstrip(":").strip() if annotation is not None else None


def _response_param(fn: Node, params: list[Node], at: int) -> bool:
    """Return True when parameter ``at`` of ``fn`` is taken for Express's response: it is,
    unless the evidence says otherwise. A function's second parameter is the response
    whatever it is called and wherever the function is registered (in another file, as a
    bound method, inside ``wrap(…)`` or an array, as ``http.createServer``'s callback), but
    not when a parameter before it is named like a socket or connection (``_SOCKET_PARAM``:
    ``(socket, ack)``) or a parameter up to it is typed as one (``_SOCKET_TYPE``: ``(app,
    spark: Spark, msg)``). An annotation the rule does not know (``out: Out``, ``any``) decides
    nothing."""
    for index in range(at + 1):
        typed = _annotation(fn, index)
        if typed is None:
            continue
        if index == at and _RESPONSE_TYPE.search(typed):
            return True
        if _SOCKET_TYPE.fullmatch(re.sub(r"\s+", "", typed)):
            return False
    return not any(param.type == "identifier" and text(param) in _SOCKET_PARAM
                   for param in params[:at])


def _response_names(scope: Node) -> set[str]:
    """Return the names the response has around ``scope``: ``res`` and friends, the third
    parameter of an error handler and the second of a route handler around it
    (``_response_param``)."""
    names = set(_RESPONSE_NAMES)
    cur: Node | None = scope
    while cur is not None:
        if cur.type in _FUNCTIONS:
            params = parameters(cur)
            at = 2 if len(params) == 4 else 1
            if len(params) > at and params[at].type == "identifier" \
                    and _response_param(cur, params, at):
                names.add(text(params[at]))
        cur = cur.parent
    return names


def _root_name(node: Node | None) -> str:
    """Return the identifier a member/call chain starts from (``res`` in
    ``res.status(500).json``), or an empty string."""
    while node is not None:
        if node.type == "identifier":
            return text(node)
        if node.type == "member_expression":
            node = node.child_by_field_name("object")
        elif node.type == "call_expression":
            node = node.child_by_field_name("function")
        elif node.type in ("parenthesized_expression", "non_null_expression"):
            node = node.named_children[0] if node.named_children else None
        else:
            return ""
    return ""


def _whole_expression(node: Node) -> Node:
    """Return the expression a leak is part of that the generic text replaces as a whole:
    ``'Database error: ' + err.message``, `` `Error: ${err.message}` ``, ``err.message || 'x'``,
    ``String(err)``, a conditional whose both branches carry the error."""
    target = node
    while target.parent is not None:
        parent = target.parent
        if parent.type == "binary_expression" \
                and text(parent.child_by_field_name("operator")) in ("+", "||", "??"):
            target = parent
        elif parent.type == "ternary_expression" and _both_arms_carry(parent, target, node):
            target = parent
        elif target == node and _stringified(node) and parent.parent is not None:
            target = parent.parent  # `String(err)`
        elif parent.type == "template_substitution" and parent.parent is not None:
            target = parent.parent
        elif parent.type == "parenthesized_expression" and parent.parent is not None \
                and parent.parent.type in ("binary_expression", "template_substitution"):
            target = parent
        else:
            return target
    return target


def _both_arms_carry(ternary: Node, arm: Node, node: Node) -> bool:
    """Return True when ``arm`` is a branch of ``ternary`` and the other branch carries the
    same error as ``node`` too (``err instanceof Error ? err.message : String(err)``): the
    client gets the error's text either way, so the conditional is one leak. Only under a
    test of whether the error is an Error or has a message: another (development, a client
    error class or status) may make one branch no leak, and its text must stay."""
    consequence = ternary.child_by_field_name("consequence")
    alternative = ternary.child_by_field_name("alternative")
    other = alternative if arm == consequence else consequence if arm == alternative else None
    if other is None:
        return False
    base = node
    while base.type == "member_expression":
        base = base.child_by_field_name("object") or base
        if base.type not in ("member_expression", "identifier"):
            return False
    if base.type not in ("identifier", "shorthand_property_identifier"):
        return False
    name = text(base)
    cond = re.sub(r"\s+", " ", text(ternary.child_by_field_name("condition"))).strip("() ")
    if cond not in (f"{name} instanceof Error", f"{name}.message", f"{name}?.message",
                    f"{name} && {name}.message"):
        return False  # a test that may pick out client errors (`err instanceof NotFound`)
    if any(n.type == "member_expression" and text(n.child_by_field_name("property")) == "stack"
           for n in (*walk(consequence), *walk(alternative))):  # type: ignore[arg-type]
        # `err.message ? err.message : err.stack`: the stack is a leak of its own, and the
        # message one keeps its 4xx text where the status is the error's (two findings)
        return False
    return any(n.type in ("identifier", "shorthand_property_identifier") and text(n) == name
               for n in walk(other))


#: Operators whose result tells nothing of their operands' text: a comparison is a boolean.
_TEST_OPERATORS = frozenset({"==", "===", "!=", "!==", "<", ">", "<=", ">=", "instanceof", "in"})


def _only_tested(parent: Node, child: Node) -> bool:
    """Return True when ``parent`` uses ``child``'s value only as a test, so the value itself
    never reaches what ``parent`` yields: the condition of ``c ? a : b``, the left side of
    ``c && a`` (it yields ``c`` only when falsy: an empty message, no error), an operand of a
    comparison, ``!c`` or ``typeof c``. ``c || a`` and ``c ?? a`` yield ``c`` itself."""
    if parent.type == "ternary_expression":
        return child == parent.child_by_field_name("condition")
    if parent.type == "binary_expression":
        op = text(parent.child_by_field_name("operator"))
        return op in _TEST_OPERATORS or (op == "&&" and child == parent.child_by_field_name("left"))
    if parent.type == "unary_expression":
        return text(parent.child_by_field_name("operator")) in ("!", "typeof", "void")
    return False


def _sink(node: Node, scope: Node) -> tuple[str, Node] | None:
    """Return (method, call or assignment) when ``node`` flows straight into a response: an
    argument of ``res.send/json/…`` (not ``console.*`` nor a logger's ``write``), or a
    ``res.locals`` value in a scope that renders a view (locals a logger reads reach nobody)."""
    cur = node.parent
    child = node
    key: str | None = None  # the key of the last object pair the value passed through
    while cur is not None and cur != scope:
        if _only_tested(cur, child):
            return None  # `err.message ? … : …`: the value is a test, never sent
        if cur.type == "pair" and child == cur.child_by_field_name("value"):
            key = _key_text(cur.child_by_field_name("key"))
        if cur.type == "variable_declarator" and child == cur.child_by_field_name("value") \
                and child.type == "object" and key is not None:
            return _body_sink(cur, key, scope, cur)
        if cur.type == "arguments":
            call = cur.parent
            fn = call.child_by_field_name("function") if call is not None else None
            if call is not None and fn is not None and fn.type == "member_expression" and \
                    text(fn.child_by_field_name("property")) in SINK_METHODS and \
                    _root_name(fn.child_by_field_name("object")) in _response_names(scope):
                return text(fn.child_by_field_name("property")), call
            if call is not None and _passes_text_on(call, child):
                child, cur = call, call.parent  # `escapeHtml(err.message)`: still its text
                continue
            return None
        if cur.type == "assignment_expression" and child == cur.child_by_field_name("right"):
            left = cur.child_by_field_name("left")
            if child.type == "object" and key is not None and left is not None \
                    and left.type == "identifier":
                # `body = { message: err.message }` into a `let` declared before: the same
                # as its declaration's value when every value it holds is such an object
                decl = _let_declarator(scope, text(left), cur)
                return _body_sink(decl, key, scope, cur) if decl is not None else None
            if re.match(r"^\w+\.locals(\.|\[|$)", text(left)) \
                    and _root_name(left) in _response_names(scope) \
                    and re.search(rb"\.\s*render\s*\(", scope.text or b""):
                return "locals", cur
            return None
        if cur.type in ("statement_block", "expression_statement", "variable_declarator",
                        "return_statement") or cur.type in _FUNCTIONS:
            return None
        child = cur
        cur = cur.parent
    return None


def _rendered_local(node: Node, call: Node) -> tuple[str, str] | None:
    """Return (view, local) when leak ``node`` is handed to the template of
    ``res.render('view', { local: … })`` as one of its locals (``{ err }``, ``{ error: err
    }``, ``{ message: err.message }``): what reaches the client is what the template prints
    of it (``_template_prints``). None for any other argument, a view named by a variable, or
    a value deeper in the locals."""
    args_node = call.child_by_field_name("arguments") if call.type == "call_expression" \
        else None
    args = code_children(args_node) if args_node is not None else []
    view = string_value(args[0]) if len(args) >= 2 else None
    locals_ = unwrap(args[1]) if len(args) >= 2 else None
    if view is None or locals_ is None or locals_.type != "object":
        return None
    if node.type == "shorthand_property_identifier":
        return (view, text(node)) if node.parent == locals_ else None
    value = _whole_expression(node)
    pair = value.parent
    if pair is None or pair.type != "pair" or pair.parent != locals_ \
            or pair.child_by_field_name("value") != value:
        return None
    key = _key_text(pair.child_by_field_name("key"))
    return (view, key) if key else None


#: Words of a function's name that say it returns its argument's text, escaped or encoded
#: (``escapeHtml``, ``he.encode``, ``encodeURIComponent``): escaping is no redaction, the message
#: still reaches the client.
_TEXT_KEEPING_WORDS = frozenset({"escape", "encode"})


def _passes_text_on(call: Node, arg: Node) -> bool:
    """Return True when ``call``'s result holds the text of its argument ``arg``: the first
    argument of an escaping or encoding function (``escapeHtml(err.message)``,
    ``_.escape(…)``, ``String(…)``, ``JSON.stringify(…)``), the replacement of
    ``.replace``/``.replaceAll`` (``page.replace(/{{BODY}}/, …)``)."""
    fn = unwrap(call.child_by_field_name("function")) if call.type == "call_expression" \
        else None
    args = call.child_by_field_name("arguments")
    if fn is None or args is None:
        return False
    index = next((i for i, a in enumerate(args.named_children) if a == arg), -1)
    if fn.type == "member_expression":
        name = text(fn.child_by_field_name("property"))
        if name in ("replace", "replaceAll"):
            return index == 1
        if text(fn) == "JSON.stringify":
            # `res.send(JSON.stringify(err))`: what `res.json(err)` sends (Ride The Lightning's
            # final handler)
            return index == 0
    elif fn.type == "identifier":
        name = text(fn)
    else:
        return False
    words = [w.lower() for w in _WORD_RE.findall(name)]
    return index == 0 and (name in ("String", "xss") or (
        bool(words) and words[0] not in _READER_WORDS
        and bool(set(words) & _TEXT_KEEPING_WORDS)))


#: Results of pure functions of a tree's nodes, read again for every leak of a scope (a
#: catch with thousands of `body = {…}`): kept while the key's node (and so its tree) lives,
#: emptied when the leaks of another file are sought and past a bound. A Node equals only
#: itself in its own tree, so no other tree's node can hit.
_MEMO: dict[tuple[object, ...], object] = {}
_MEMO_BOUND = 4096


def _memo_put(key: tuple[object, ...], value: object) -> None:
    if len(_MEMO) >= _MEMO_BOUND:
        _MEMO.clear()
    _MEMO[key] = value


def _declarators(scope: Node) -> dict[str, list[Node]]:
    """Return the variable declarators of ``scope`` by name, in document order (one walk)."""
    key = ("declarators", scope)
    found = _MEMO.get(key)
    if found is None:
        names: dict[str, list[Node]] = {}
        for node in walk(scope):
            if node.type == "variable_declarator":
                names.setdefault(text(node.child_by_field_name("name")), []).append(node)
        _memo_put(key, names)
        return names
    return found  # type: ignore[return-value]


def _let_declarator(scope: Node, name: str, at: Node) -> Node | None:
    """Return the declarator of the one ``let name`` / ``var name`` that ``scope`` declares
    before ``at`` (a statement of a block), or None (none, several, or a ``const``)."""
    found = _declarators(scope).get(name, [])
    if len(found) != 1 or found[0].end_byte > at.start_byte or found[0].parent is None \
            or text(found[0].parent).startswith("const"):
        return None
    return found[0]


def _body_sink(decl: Node, key: str, scope: Node, value: Node | None = None) \
        -> tuple[str, Node] | None:
    """Return (method, call) when the object ``const body = { key: … }`` (or ``let``)
    declares is sent as it is (``res.status(s).json(body)``) later in ``scope``, and nothing
    else reads or changes it but reads of its other keys (``res.status(body.status)``),
    assignments to them (``body.code = err.code``) and, for a ``let``, assignments of other
    object literals (``body = { message: err.message }``, ``value``: the one that holds the
    leak; the answer must come after it). A variable that may hold anything else (declared
    with no value or another one) is not followed."""
    name = decl.child_by_field_name("name")
    stmt = decl.parent
    if name is None or name.type != "identifier" or stmt is None \
            or stmt.type not in ("lexical_declaration", "variable_declaration") \
            or stmt.parent is None or stmt.parent.type != "statement_block":
        return None
    initial = unwrap(decl.child_by_field_name("value"))
    if initial is not None and initial.type != "object":
        return None
    walked = _body_uses(decl, key, scope)
    if walked is None:
        return None
    found, others = walked
    if found is not None and value is not None and found[1].start_byte < value.end_byte:
        return None  # the answer goes before the object that holds the leak
    holder = value if value is not None else decl
    if found is not None and _replaced_before(holder, others, found[1]):
        # `let body = { message: err.message }; if (status >= 500) body = { … }`: the
        # object that holds the message is replaced before every 5xx answer
        return None
    return found


#: The objects assigned to a body variable, by the first statement around each that does not
#: run on every server error (None: every one does): (their starts, themselves).
_Replacements = dict[Node | None, tuple[list[int], list[Node]]]


def _body_uses(decl: Node, key: str, scope: Node) \
        -> tuple[tuple[str, Node] | None, _Replacements] | None:
    """Return (the answer that sends it, the other objects assigned to it) for the body
    ``decl`` declares, from one walk of its block (``_body_sink``'s rules; None when it is
    read, passed on or changed in a way not followed), kept for the other leaks of the
    scope."""
    memo_key = ("body", decl, key, scope)
    if memo_key in _MEMO:
        return _MEMO[memo_key]  # type: ignore[return-value]
    result = _body_uses_walk(decl, key, scope)
    _memo_put(memo_key, result)
    return result


def _body_uses_walk(decl: Node, key: str, scope: Node) \
        -> tuple[tuple[str, Node] | None, _Replacements] | None:
    name = decl.child_by_field_name("name")
    stmt = decl.parent
    if name is None or stmt is None or stmt.parent is None:
        return None
    found: tuple[str, Node] | None = None
    others: list[Node] = []  # the other objects assigned to it
    # A `const`/`let` lives in its block: a same-named one in another branch of the handler
    # (`if (rest) { const resp = …; … } else { const resp = …; … }`) is another variable.
    within = stmt.parent if stmt.type == "lexical_declaration" else scope
    for node in uses_of(within, text(name)):
        if node == name or node.start_byte < decl.end_byte:
            continue
        parent = node.parent
        if parent is None:
            return None
        if parent.type == "assignment_expression" and parent.child_by_field_name("left") == node:
            right = unwrap(parent.child_by_field_name("right"))
            if right is not None and right.type == "object":
                others.append(parent)
                continue  # `body = { … }`: another object literal, each one's keys judged
            return None
        prop = parent.child_by_field_name("property") \
            if parent.type == "member_expression" else None
        if prop is not None and parent.child_by_field_name("object") == node \
                and prop.type == "property_identifier" and text(prop) != key \
                and parent.parent is not None and not (
                    parent.parent.type in ("call_expression", "update_expression",
                                           "augmented_assignment_expression")
                    or parent.parent.type == "assignment_expression"
                    and parent.parent.child_by_field_name("left") == parent):
            continue  # `res.status(body.status)`: reads another key, sends nothing of it
        if parent.type == "arguments" and len(parent.named_children) == 1 and found is None:
            call = parent.parent
            fn = call.child_by_field_name("function") if call is not None else None
            if call is not None and fn is not None and fn.type == "member_expression" \
                    and text(fn.child_by_field_name("property")) in SINK_METHODS \
                    and _root_name(fn.child_by_field_name("object")) in _response_names(scope):
                found = (text(fn.child_by_field_name("property")), call)
                continue
        if parent.type == "member_expression" and parent.child_by_field_name("object") == node \
                and parent.parent is not None and parent.parent.type == "assignment_expression" \
                and parent.parent.child_by_field_name("left") == parent \
                and parent.child_by_field_name("property") is not None \
                and text(parent.child_by_field_name("property")) != key:
            continue  # `body.code = err.code`: another key
        if _read_by_logger(node):
            continue  # `logger.warn('failed', { ...body, id })`: read whole, no key taken out
        return None  # read, passed on or changed elsewhere: too clever to follow
    groups: _Replacements = {}
    for other in others:  # in document order
        starts, nodes = groups.setdefault(_first_blocker(other), ([], []))
        starts.append(other.start_byte)
        nodes.append(other)
    return found, groups


def _read_by_logger(node: Node) -> bool:
    """Return True when ``node`` is an argument of a logging call (``_logs``: ``console.log``,
    ``logger.warn``, ``logError``), as it is, spread, or as a value of an object literal there
    (``logger.warning('failed', { ...errorPayload, id })``): a logger reads what it is given
    and takes no key out of it (held-out sample 40: a handler logging the payload it sends)."""
    cur, parent = node, node.parent
    while parent is not None and (parent.type in ("spread_element", "object") or (
            parent.type == "pair" and parent.child_by_field_name("value") == cur)):
        cur, parent = parent, parent.parent
    return parent is not None and parent.type == "arguments" and parent.parent is not None \
        and parent.parent.type == "call_expression" and _logs(parent.parent)


def _replaced_before(holder: Node, groups: _Replacements, answer: Node) -> bool:
    """Return True when one of the objects ``groups`` holds, assigned between ``holder`` and
    ``answer``, replaces it on every server error: ``_replaced_for_5xx(holder, other)`` (its
    first blocker is None or contains ``holder``, so only the groups of ``holder``'s
    ancestors are read) and not in the other arm of an ``if`` around both."""
    keys: list[Node | None] = [None]
    cur = holder.parent
    while cur is not None:
        keys.append(cur)
        cur = cur.parent
    for blocker in keys:
        group = groups.get(blocker)
        if group is None:
            continue
        starts, nodes = group
        alternative = blocker.child_by_field_name("alternative") \
            if blocker is not None and blocker.type == "if_statement" else None
        consequence = blocker.child_by_field_name("consequence") \
            if alternative is not None and blocker is not None else None
        skip_from, skip_to = -1, -1  # the other arm of an `if` whose first arm holds it
        if alternative is not None and consequence is not None \
                and consequence.start_byte <= holder.start_byte < consequence.end_byte:
            skip_from, skip_to = alternative.start_byte, alternative.end_byte
        i = bisect.bisect_left(starts, holder.end_byte)
        while i < len(nodes) and starts[i] < answer.start_byte:
            if skip_from <= starts[i] < skip_to:
                i = bisect.bisect_left(starts, skip_to, i)
                continue  # exclusive branches: no run reaches both
            if not _exclusive_branches(holder, nodes[i]):
                return True
            i += 1
    return False


def _first_blocker(other: Node) -> Node | None:
    """Return the first node around ``other`` (an assignment) that keeps it from running on
    every server error (``_replaced_for_5xx``'s test, walked to the root), or None."""
    cur = other.parent
    while cur is not None:
        if _blocks_on_5xx(cur, other):
            return cur
        cur = cur.parent
    return None


def _blocks_on_5xx(cur: Node, other: Node) -> bool:
    """Return True when ``cur``, a node around the assignment ``other``, may keep it from
    running on a server error: an ``if`` whose consequence does not hold it or whose condition
    is no 5xx test, or anything but a block, a statement or an ``else``."""
    if cur.type == "if_statement":
        cond = cur.child_by_field_name("condition")
        consequence = cur.child_by_field_name("consequence")
        if cond is None or consequence is None \
                or not consequence.start_byte <= other.start_byte < consequence.end_byte:
            return True
        inner = text(cond).strip()
        while inner.startswith("(") and inner.endswith(")"):
            inner = inner[1:-1].strip()
        return "||" in inner or not _FIVE_XX_TEST.search(inner)
    return cur.type not in ("statement_block", "expression_statement", "assignment_expression",
                            "parenthesized_expression", "else_clause")


#: A condition that holds for server errors: ``status >= 500``, ``code > 499``,
#: ``status === 500``, ``!err.expose``, ``err.expose === false``.
_FIVE_XX_TEST = lazy_pattern(r">=\s*500\b|>\s*499\b|===?\s*500\b|^!\s*[\w.]*\bexpose$|"
                           r"\bexpose\s*===?\s*false\b")


def _replaced_for_5xx(holder: Node, other: Node) -> bool:
    """Return True when the replacement ``other`` of the body declared at ``holder`` runs on
    every server error: unconditionally (no statement between them but blocks), or in the
    consequence of an ``if`` whose condition tests for a 5xx (``if (status >= 500)``). A
    replacement under any other condition (``if (err.status === 404)``), in a loop or a
    ``switch`` leaves the message in some 5xx answer, so the body stays followed."""
    cur = other.parent
    while cur is not None and not cur.start_byte <= holder.start_byte < cur.end_byte:
        if _blocks_on_5xx(cur, other):
            return False
        cur = cur.parent
    return True


def _exclusive_branches(first: Node, second: Node) -> bool:
    """Return True when ``first`` and ``second`` sit in the two arms of one ``if … else``
    (the innermost statement around both), so no run reaches both."""
    cur = first.parent
    while cur is not None and not cur.start_byte <= second.start_byte < cur.end_byte:
        cur = cur.parent
    if cur is None or cur.type != "if_statement":
        return False
    arms = [cur.child_by_field_name("consequence"), cur.child_by_field_name("alternative")]
    sides = {i for i, arm in enumerate(arms) for node in (first, second)
             if arm is not None and arm.start_byte <= node.start_byte < arm.end_byte}
    return len(sides) == 2 and not any(
        arm is not None and arm.start_byte <= first.start_byte < arm.end_byte
        and arm.start_byte <= second.start_byte < arm.end_byte for arm in arms)


@functools.cache
def _codes_by_name() -> dict[str, int]:
    """Return every status by its reason-phrase name (``BAD_REQUEST`` → 400, ``BAD_GATEWAY``
    → 502), as the status-code packages name them (``http`` is imported on first use: its
    enum costs about a millisecond before the scan forks)."""
    from http import HTTPStatus

    return {name: int(status) for name, status in HTTPStatus.__members__.items()}
#: Modules whose default or named object holds the codes by name (``StatusCodes.BAD_REQUEST``,
#: ``httpStatus.BAD_REQUEST``, ``httpStatus['BAD_REQUEST']``): module → the names it exports
#: that object as ("default" for a default import).
_STATUS_OBJECTS = {"http-status-codes": frozenset({"StatusCodes", "default"}),
                   "http-status": frozenset({"default", "status"})}
#: ``.status(NAME)``, ``.sendStatus(NAME)``, ``.statusCode = NAME``: a status a file names.
_NAMED_STATUS_RE = lazy_pattern(
    rb"\.\s*(?:status|sendStatus)\s*\(\s*([A-Za-z_$][\w$]*)\s*[),]"
    rb"|\.\s*statusCode\s*=\s*([A-Za-z_$][\w$]*)")


@record
class _Statuses:
    """The status constants one file names: ``names``, identifiers bound to a number (a
    top-level ``const CONFLICT = 409`` of the file, a code imported by name from a status-code
    package, or a project module's ``export const INVALID_PAYLOAD = 400`` once the project phase
    has read it); ``objects``, the local names of a status-code package's object of codes
    (``StatusCodes``, ``httpStatus``). ``root`` is the file's tree, to check a name is declared
    only once (a parameter of the same name would hide it)."""

    root: Node
    names: dict[str, int]
    objects: frozenset[str]
    _once: dict[str, bool] | None = None

    def _single(self, name: str) -> bool:
        if self._once is None:
            self._once = {}
        if name not in self._once:
            self._once[name] = _bindings(self.root, name) == 1
        return self._once[name]

    def value(self, node: Node) -> int | None:
        """Return the number ``node`` names, or None."""
        if node.type == "identifier":
            code = self.names.get(text(node))
            return code if code is not None and self._single(text(node)) else None
        obj = unwrap(node.child_by_field_name("object"))
        if obj is None or obj.type != "identifier" or text(obj) not in self.objects \
                or not self._single(text(obj)):
            return None
        if node.type == "member_expression":
            return _codes_by_name().get(text(node.child_by_field_name("property")))
        index = unwrap(node.child_by_field_name("index")) \
            if node.type == "subscript_expression" else None
        if index is not None and index.type == "string":
            return _codes_by_name().get(text(index)[1:-1])
        return None


def _file_statuses(root: Node, source: bytes, facts: FileFacts,
                   imported: dict[str, int] | None = None) -> _Statuses:
    """Return the status constants the file of ``root`` names (``_Statuses``), with
    ``imported``: the numbers of names it imports from project modules."""
    names: dict[str, int] = dict(imported or {})
    objects: set[str] = set()
    for imp in facts.imports:
        exported_as = _STATUS_OBJECTS.get(imp.module)
        if exported_as is None:
            continue
        for name, local in imp.named.items():
            if name in exported_as:
                objects.add(local)
            elif name in _codes_by_name():
                names[local] = _codes_by_name()[name]
        objects |= {n for n in (imp.default, imp.namespace) if n}
    if _NAMED_STATUS_RE.search(source) is not None:
        consts = [stmt for stmt in _top_level(root) if stmt.type == "lexical_declaration"
                  and text(stmt).startswith("const")]
        for _ in range(2):  # `const BAD_REQUEST = INVALID_PAYLOAD`: one alias hop
            for stmt in consts:
                for decl in stmt.named_children:
                    bound = decl.child_by_field_name("name") \
                        if decl.type == "variable_declarator" else None
                    value = unwrap(decl.child_by_field_name("value")) if bound else None
                    if bound is None or value is None or bound.type != "identifier":
                        continue
                    if value.type == "number" and text(value).isdigit():
                        names[text(bound)] = int(text(value))
                    elif value.type == "identifier" and text(value) in names:
                        names[text(bound)] = names[text(value)]
    return _Statuses(root, names, frozenset(objects))


def _project_status_names(facts: FileFacts, source: bytes) -> tuple[tuple[str, str, str], ...]:
    """Return (local name, module, imported name) of the names the file imports from its own
    project modules and answers with as a status (``.status(INVALID_PAYLOAD)``): their numbers
    are for the project phase to read."""
    used = {m.group(1) or m.group(2) for m in _NAMED_STATUS_RE.finditer(source)}
    used = {n.decode() for n in used if n}
    return tuple((local, imp.module, name) for imp in facts.imports
                 if imp.module.startswith(".") for name, local in imp.named.items()
                 if local in used)


def _status_of(call: Node, statuses: _Statuses | None = None) -> int | None | str:
    """Return the literal status a ``res.status(N).json(...)`` chain sets (a named constant
    ``statuses`` knows counts as its number), None when it sets none, or ``"dynamic"``."""
    fn = call.child_by_field_name("function")
    obj = fn.child_by_field_name("object") if fn is not None else None
    while obj is not None and obj.type == "call_expression":
        inner = obj.child_by_field_name("function")
        if inner is None or inner.type != "member_expression":
            break
        if text(inner.child_by_field_name("property")) in ("status", "sendStatus"):
            args = obj.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            return _literal_status(first, statuses)
        obj = inner.child_by_field_name("object")
    return None


def _literal_status(node: Node | None, statuses: _Statuses | None = None,
                    depth: int = 0) -> int | str:
    """Return the status a literal or a conditional of literals sends: ``404``, and for
    ``found ? 404 : 403`` the first branch's when every branch is a 4xx, or every one a 5xx
    (what a fix needs to know); else ``"dynamic"``. A constant ``statuses`` knows
    (``INVALID_PAYLOAD``, ``StatusCodes.BAD_REQUEST``) is its number."""
    node = unwrap(node)
    if depth > _MAX_NESTING:
        return "dynamic"
    if node is not None and node.type == "number":
        try:
            return int(text(node))
        except ValueError:
            return "dynamic"
    named = statuses.value(node) if statuses is not None and node is not None else None
    if named is not None:
        return named
    if node is not None and node.type == "ternary_expression":
        branches = [_literal_status(node.child_by_field_name(field), statuses, depth + 1)
                    for field in ("consequence", "alternative")]
        if all(isinstance(b, int) for b in branches) \
                and len({int(b) // 100 for b in branches if isinstance(b, int)}) == 1:
            return branches[0]
    return "dynamic"


def _client_status_apart(sink: Node, scope: Node, statuses: _Statuses | None = None) -> bool:
    """Return True when catch block ``scope`` answers at ``sink`` with a literal 4xx its chain
    does not spell out: set by an earlier statement of the blocks around it
    (``res.status(429); res.json(…)``, ``res.statusCode = 400``), or held by a local that is
    only ever a 4xx literal (``let status = 401; if (c) status = 400; res.status(status)``)."""
    found = _status_set_apart(sink, scope)
    return found is not None and _client_status_value(*found, statuses)


def _status_set_apart(sink: Node, scope: Node) -> tuple[Node, Node] | None:
    """Return (the status expression, where it is read) that ``scope`` answers with at
    ``sink`` on every path: its chain's own ``status(X)``, or the one an earlier statement of
    the blocks around it sets (``res.status(429); res.json(…)``, ``res.statusCode = 400``);
    None when code that may change it runs between, or no status is set."""
    root = _root_name(sink.child_by_field_name("function"))
    if not root or root not in _response_names(scope):
        return None
    own = _status_arg(sink)
    if own is not None:
        return own, sink
    mention = re.compile(rf"(?<![\w$.]){re.escape(root)}(?![\w$])")
    cur = statement_of(sink)
    up = sink.parent
    while up is not None and up != cur:
        if up.type in _FUNCTIONS:
            return None  # answered in a callback (`setTimeout(() => res.json(…))`)
        up = up.parent
    if _may_set_status(text(cur)[:max(0, sink.start_byte - cur.start_byte)], mention):
        return None  # `if (e.fatal && res.status(500)) res.json(…)`
    while cur != scope and cur.parent is not None and cur.parent.type not in _FUNCTIONS:
        parent = cur.parent
        if parent.type not in _STRAIGHT_PARENTS:
            return None  # a loop, switch, try or finally: an earlier pass or case may set it
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            if condition is not None and _may_set_status(text(condition), mention):
                return None
        if parent.type in ("statement_block", "program"):
            before = [c for c in parent.named_children
                      if c.type != "comment" and c.end_byte <= cur.start_byte]
            for prev in reversed(before):
                value = _status_statement(prev, root)
                if value is not None:
                    return value, prev
                if _may_set_status(text(prev), mention):
                    return None  # the response, or code that may reach it, runs between
        cur = parent
    return None


#: The statements a status set earlier reaches the answer through unchanged, on every path.
_STRAIGHT_PARENTS = frozenset({"statement_block", "if_statement", "else_clause",
                               "expression_statement", "return_statement"})


def _may_set_status(code: str, mention: re.Pattern[str]) -> bool:
    """Return True when ``code``, run between a status and the answer, may change the status:
    it names the response, or calls anything but logging and conversions (a closure such as
    ``const unavailable = () => res.status(503)`` reaches it without naming it)."""
    if mention.search(code):
        return True
    for call in re.finditer(r"([\w$.\s]+?)\(", code):
        callee = re.sub(r"\s+", "", call.group(1)).split(".")
        # Logging and conversions (``console.warn('conflict')``, ``Number(x)``): the calls a
        # try may make without raising anything of the server's (``_INERT_RECEIVERS``,
        # ``_INERT_FUNCTIONS``), the response's own methods aside.
        quiet = callee[0] in _INERT_FUNCTIONS if len(callee) == 1 else (
            len(callee) == 2 and callee[1] != "" and callee[0] in _INERT_RECEIVERS
            and callee[0] not in _RESPONSE_NAMES)
        if callee != [""] and not quiet:
            return True
    return "eval" in code


def _status_statement(stmt: Node, root: str) -> Node | None:
    """Return X of a statement ``root.status(X);`` or ``root.statusCode = X;``, else None."""
    if stmt.type != "expression_statement" or not stmt.named_children:
        return None
    expr = unwrap(stmt.named_children[0])
    if expr is None:
        return None
    if expr.type == "call_expression":
        fn = expr.child_by_field_name("function")
        obj = unwrap(fn.child_by_field_name("object")) if fn is not None \
            and fn.type == "member_expression" else None
        args = expr.child_by_field_name("arguments")
        if fn is not None and obj is not None and obj.type == "identifier" and text(obj) == root \
                and text(fn.child_by_field_name("property")) == "status" \
                and args is not None and len(args.named_children) == 1:
            return args.named_children[0]
    elif expr.type == "assignment_expression" \
            and text(expr.child_by_field_name("left")) == f"{root}.statusCode":
        return expr.child_by_field_name("right")
    return None


def _client_status_value(node: Node, at: Node, statuses: _Statuses | None = None) -> bool:
    """Return True when status expression ``node`` (read at ``at``) is a 4xx literal (or a
    constant ``statuses`` knows), a conditional of 4xx literals, or a local of ``at``'s
    function declared with one and only ever assigned such literals."""
    node = unwrap(node)
    if node is None:
        return False
    status = _literal_status(node, statuses)
    if isinstance(status, int):
        return 400 <= status < 500
    if node.type != "identifier":
        return False
    name = text(node)
    fn = at.parent
    while fn is not None and fn.type not in _FUNCTIONS:
        fn = fn.parent
    if fn is None:
        return False
    declared = 0
    named = re.compile(rf"(?<![\w$.]){re.escape(name)}(?![\w$])")
    for each in walk(fn):
        value: Node | None = None
        if each.type == "variable_declarator" and text(each.child_by_field_name("name")) == name:
            declared += 1
            value = each.child_by_field_name("value")
            block = each.parent.parent if each.parent is not None else None
            if value is None or each.start_byte > at.start_byte or block is None \
                    or not block.start_byte <= at.start_byte < block.end_byte:
                return False  # no initial value, declared after, or in a block `at` is not in
        elif each.type in ("object_pattern", "array_pattern") and named.search(text(each)):
            return False  # `const { status = 500 } = e`, `[status] = [500]`: bound or written
        elif each.type == "for_in_statement" \
                and named.search(text(each.child_by_field_name("left"))):
            return False  # `for (status of codes)`
        elif each.type == "assignment_expression" \
                and text(unwrap(each.child_by_field_name("left"))) == name:
            value = each.child_by_field_name("right")
        elif each.type in ("augmented_assignment_expression", "update_expression") \
                and re.search(rf"(?<![\w$.]){re.escape(name)}(?![\w$])", text(each)):
            return False
        elif each.type in _FUNCTIONS and any(name in _pattern_names(p)
                                             for p in parameters(each)):
            return False  # a parameter of the same name: too clever to judge
        else:
            continue
        status = _literal_status(value, statuses)
        if not isinstance(status, int) or not 400 <= status < 500:
            return False
    return declared == 1


_IMPURE = frozenset({"call_expression", "new_expression", "assignment_expression",
                     "augmented_assignment_expression", "update_expression", "await_expression",
                     "yield_expression"})


def _status_arg(call: Node) -> Node | None:
    """Return the argument of ``.status(X)`` / ``.sendStatus(X)`` in a ``res.status(X).json(...)``
    chain, or None."""
    fn = call.child_by_field_name("function")
    obj = fn.child_by_field_name("object") if fn is not None else None
    while obj is not None and obj.type == "call_expression":
        inner = obj.child_by_field_name("function")
        if inner is None or inner.type != "member_expression":
            return None
        if text(inner.child_by_field_name("property")) in ("status", "sendStatus"):
            args = obj.child_by_field_name("arguments")
            return args.named_children[0] if args is not None and args.named_children else None
        obj = inner.child_by_field_name("object")
    return None


def _declared_in(scope: Node, name: str) -> bool:
    """Return True when ``name`` is a parameter of the function ``scope`` or a variable
    declared at the top of its body (so it is in scope wherever the body reads it)."""
    if any(p.type == "identifier" and text(p) == name for p in parameters(scope)):
        return True
    if scope.parent is not None and scope.parent.type == "catch_clause":
        return text(scope.parent.child_by_field_name("parameter")) == name
    body = scope.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return False
    for stmt in body.named_children:
        if stmt.type in ("lexical_declaration", "variable_declaration"):
            for decl in stmt.named_children:
                if decl.type == "variable_declarator" \
                        and text(decl.child_by_field_name("name")) == name:
                    return True
    return False


def _const_before(at: Node, name: str) -> bool:
    """Return True when the nearest binding of ``name`` around statement ``at`` (in the blocks
    of its own function, a catch block included) is a ``const`` declared before ``at``: it
    holds the same value wherever ``at`` reads it, and on a line inserted just before it."""
    child, cur = at, at.parent
    while cur is not None and cur.type not in _FUNCTIONS:
        param = cur.child_by_field_name("parameter") if cur.type == "catch_clause" else None
        if param is not None and name in _pattern_names(param):
            return False
        body = cur.child_by_field_name("body")
        if cur.type in ("for_statement", "for_in_statement") and body is not None \
                and re.search(rf"(?<![\w$.]){re.escape(name)}(?![\w$])",
                              text(cur)[:body.start_byte - cur.start_byte]):
            return False  # a loop variable: too clever to judge
        if cur.type in ("statement_block", "switch_case", "program"):
            for stmt in cur.named_children:
                declared = False
                if stmt.type in ("lexical_declaration", "variable_declaration"):
                    declared = any(decl.type == "variable_declarator" and name in _pattern_names(
                        decl.child_by_field_name("name") or stmt) for decl in stmt.named_children)
                elif stmt.type in ("function_declaration", "class_declaration"):
                    declared = text(stmt.child_by_field_name("name")) == name
                if declared:
                    return stmt.type == "lexical_declaration" and text(stmt).startswith("const") \
                        and stmt.end_byte <= child.start_byte
        child, cur = cur, cur.parent
    return False


def _pure(expr: Node, scope: Node, at: Node | None = None) -> bool:
    """Return True when ``expr`` can be evaluated again at the leak without side effects
    and with the same names in scope (``err.errorCode``, ``status``, ``err.status || 500``).
    ``at``: the statement that answers, for ``const`` names declared in a block before it
    (``catch (e) { const status = …; res.status(status).json(…) }``)."""
    for node in walk(expr):
        if node.type in _IMPURE or node.type in _FUNCTIONS:
            return False
        if node.type == "identifier" and (node.parent is None or node.parent.type != "member_expression"
                                          or node.parent.child_by_field_name("object") == node) \
                and not _declared_in(scope, text(node)) \
                and not (at is not None and _const_before(at, text(node))):
            return False
    return True


#: What an error handler may read of the error and still answer the same for every error.
_OPAQUE_READS = frozenset({"message", "stack", "name"})


def _answers_500_to_everything(scope: Node, name: str) -> Node | None:
    """Return the first status call of an error handler that answers a literal 5xx to every
    error (it reads no status, code or type of the error, never passes it on with ``next``,
    and sets no other status), else None."""
    params = parameters(scope)
    if len(params) != 4 or any(p.type != "identifier" for p in params):
        return None
    responses = {text(params[2])}
    next_name = text(params[3])
    first: Node | None = None
    for node in walk(scope):
        if node != scope and node.type in _FUNCTIONS and any(
                text(p) == name for p in parameters(node)):
            return None  # the name is shadowed: too clever to judge
        if node.type == "member_expression":
            obj = node.child_by_field_name("object")
            if obj is not None and obj.type == "identifier" and text(obj) == name \
                    and text(node.child_by_field_name("property")) not in _OPAQUE_READS:
                return None
        elif node.type in ("binary_expression", "switch_statement") and re.search(
                rf"\binstanceof\b|(?<![\w$.]){re.escape(name)}\s*(?:===?|!==?)", text(node)):
            return None
        elif node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier" and text(fn) == next_name \
                    and not _after_headers_sent(node, scope):
                return None
            if fn is not None and fn.type == "member_expression" \
                    and text(fn.child_by_field_name("property")) in ("status", "sendStatus") \
                    and _root_name(fn.child_by_field_name("object")) in responses:
                args = node.child_by_field_name("arguments")
                arg = args.named_children[0] if args is not None and args.named_children else None
                if arg is None or arg.type != "number" or not text(arg).startswith("5"):
                    return None
                first = first or node
        elif node.type == "assignment_expression" \
                and text(node.child_by_field_name("left")).endswith(".statusCode"):
            return None
    return first


#: A literal 5xx status set on a response, which ``_answers_500_to_everything`` needs.
_SERVER_STATUS_CALL_RE = lazy_pattern(rb"\.\s*(?:status|sendStatus)\s*\(\s*5")
#: Packages whose errors reach the app's error handler with a 4xx status (``status``, and
#: ``expose`` for http-errors' own): body parsers (body-parser, raw-body, multer), http-errors
#: and the middleware that raises its errors or errors of its own with a 4xx.
_CLIENT_ERROR_SOURCES = frozenset({"body-parser", "raw-body", "multer", "http-errors",
                                   "express-jwt", "csurf", "express-openapi-validator"})
#: Express's own body parsers (body-parser's): ``express.json()``, ``express.urlencoded()``…
_EXPRESS_PARSERS = frozenset({"json", "urlencoded", "raw", "text"})


def _raises_client_errors(facts: FileFacts | None, source: bytes) -> bool:
    """Return True when a file uses something that hands an app's error handler client
    errors: a package of ``_CLIENT_ERROR_SOURCES`` or one of Express's body parsers
    (``express.json()``, ``import { urlencoded } from 'express'``)."""
    if facts is None:
        return False
    for imp in facts.imports:
        if import_package(imp.module) in _CLIENT_ERROR_SOURCES \
                or (imp.module == "express" and _EXPRESS_PARSERS & imp.named.keys()):
            return True
    if "express" not in facts.imported_modules():
        return False
    express = [re.escape(local.encode()) for local in facts.locals_of("express")]
    express.append(rb"require\s*\(\s*['\"]express['\"]\s*\)")  # `require('express').json()`
    return re.search(rb"(?<![\w$.])(?:" + b"|".join(express)
                     + rb")\s*\.\s*(?:json|urlencoded|raw|text)\s*\(", source) is not None


def _package_raises_client_errors(ctx: ProjectContext, rel: str) -> bool:
    """Return True when a file of the package holding ``rel`` (tests aside) hands the app's
    error handler client errors (``_raises_client_errors``): without one (an app that parses
    no bodies, tRPC's own parsing), a handler answering 5xx to every error turns no 4xx into
    a 5xx."""
    package = package_of(rel, ctx.package_dirs)
    return any(_raises_client_errors(facts, ctx.read(other) or b"")
               for other, facts in ctx.facts.items()
               if not is_test_file(other) and package_of(other, ctx.package_dirs) == package)


def _after_headers_sent(node: Node, scope: Node) -> bool:
    """Return True when ``node`` runs only once the headers are sent
    (``if (res.headersSent) return next(err)``)."""
    cur = node.parent
    while cur is not None and cur != scope:
        if cur.type == "if_statement" and "headersSent" in text(cur.child_by_field_name("condition")):
            return True
        cur = cur.parent
    return False


def _mentions_name(node: Node, name: str) -> bool:
    """Return True when ``node`` reads the identifier ``name``."""
    return next(uses_of(node, name), None) is not None


#: The answer methods of a status chain that send an object as JSON.
_JSON_ANSWERS = ("json", "send", "jsonp")


def _answer_shape(first: Node, scope: Node, res: str, name: str
                  ) -> tuple[str, Callable[[str], str]] | None | bool:
    """Return how an error handler answers, from its 5xx status call ``first``: (the method,
    a function writing its object with its one text replaced by an expression) for
    ``res.status(500).json({ … })`` / ``.send({ … })`` of an object with at most one text
    and no value read from the error ``name``; None for an answer that is no object
    (a text, a page, ``end()``); False when the handler answers JSON some other way (an
    object built elsewhere, two texts, a value of its own) that a 4xx answer cannot repeat."""
    chain = first.parent
    call = chain.parent if chain is not None else None
    if chain is not None and chain.type == "member_expression" and call is not None \
            and call.type == "call_expression" \
            and text(chain.child_by_field_name("property")) in _JSON_ANSWERS:
        method = text(chain.child_by_field_name("property"))
        args = call.child_by_field_name("arguments")
        arg = unwrap(args.named_children[0]) if args is not None \
            and len(args.named_children) == 1 else None
        if arg is not None and arg.type == "object":
            status_args = first.child_by_field_name("arguments")
            status = text(status_args.named_children[0]) if status_args is not None \
                and status_args.named_children else None
            edits: list[tuple[int, int, str]] = []  # (start, end, "" text slot / status)
            if not _object_slots(arg, status, name, edits) \
                    or sum(1 for edit in edits if edit[2] == "") > 1:
                return False
            base = arg.start_byte

            def render(message: str) -> str:
                out = text(arg)
                for start, end, what in sorted(edits, reverse=True):
                    out = out[:start - base] + (what or f" {message}") + out[end - base:]
                return out
            return method, render
        if arg is not None and arg.type not in ("string", "template_string", "identifier") \
                or method == "jsonp":
            return False
        if arg is not None and arg.type == "identifier":
            return False  # `res.status(500).json(body)`: what body holds is elsewhere
    # Another answer: JSON anywhere in the handler (`res.json(…)` after `res.status(500)`)
    # is a shape this does not repeat; a text, a page or `end()` get the status text.
    for node in walk(scope):
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression" \
                    and _root_name(fn.child_by_field_name("object")) == res \
                    and text(fn.child_by_field_name("property")) in ("json", "jsonp"):
                return False
            if fn is not None and fn.type == "member_expression" \
                    and _root_name(fn.child_by_field_name("object")) == res \
                    and text(fn.child_by_field_name("property")) == "send":
                args = node.child_by_field_name("arguments")
                if args is not None and args.named_children and unwrap(
                        args.named_children[0]).type == "object":
                    return False
    return None


def _object_slots(obj: Node, status: str | None, name: str,
                  edits: list[tuple[int, int, str]]) -> bool:
    """Collect the slots of an answer object (``_answer_shape``): each text (its value, from
    after its key's colon, to become the message) and each value equal to the 5xx
    ``status`` (to become ``clientStatus``); other values are kept as they are. The error's
    own message (``err.message``) is the text slot too: the 4xx answer sends the message of
    an error meant for the client, and the 5xx one is the leak finding's to fix (held-out
    sample 41: check offered no fix where fix made one in its second pass). False when
    another value reads the error ``name`` (a 4xx answer would repeat what it holds) or is a
    method."""
    for prop in obj.named_children:
        if prop.type == "comment":
            continue
        if prop.type != "pair":
            if prop.type == "method_definition" or _mentions_name(prop, name):
                return False
            continue  # `...base`, `{ requestId }`: the app's own values, kept
        raw = prop.child_by_field_name("value")
        value = unwrap(raw)
        colon = next((child for child in prop.children if child.type == ":"), None)
        if raw is None or value is None or colon is None:
            return False
        if value.type == "object":
            if not _object_slots(value, status, name, edits):
                return False
        elif value.type == "string" or (value.type == "template_string" and not any(
                child.type == "template_substitution" for child in value.named_children)):
            edits.append((colon.end_byte, raw.end_byte, ""))
        elif value.type == "number" and status is not None and text(value) == status:
            edits.append((value.start_byte, value.end_byte, "clientStatus"))
        elif value.type == "member_expression" and text(value) == f"{name}.message":
            edits.append((colon.end_byte, raw.end_byte, ""))
        elif _mentions_name(value, name):
            return False
    return True


def handler_status(sink: Node, scope: Node) -> str | None:
    """Return the expression for the status an error handler answers with, as that handler
    computes it: the ``status(X)`` of the sink's own chain, else the one ``res.status(X)`` /
    ``res.statusCode = X`` of the handler. ``res.statusCode`` when the chain's own ``X`` cannot
    be evaluated twice (the callee runs before the arguments, so it holds X by then). None when
    unsure (no status, several, or one that cannot be repeated)."""
    own = _status_arg(sink) if sink.type == "call_expression" else None
    if own is not None:
        if _pure(own, scope, statement_of(sink)):
            return text(own)
        root = _root_name(sink.child_by_field_name("function"))
        return f"{root}.statusCode" if root in _response_names(scope) else None
    expr = _status_node(sink, scope)
    return text(expr) if expr is not None and _pure(expr, scope, statement_of(sink)) else None


def _status_node(sink: Node, scope: Node) -> Node | None:
    """Return the expression of the status a sink answers with: its own chain's
    ``status(X)``, else the one ``res.status(X)`` / ``res.statusCode = X`` of the scope (None
    when there is none or several)."""
    own = _status_arg(sink) if sink.type == "call_expression" else None
    if own is not None:
        return own
    responses = _response_names(scope)
    found: dict[str, Node] = {}
    for node in walk(scope):
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression" \
                    and text(fn.child_by_field_name("property")) in ("status", "sendStatus") \
                    and _root_name(fn.child_by_field_name("object")) in responses:
                args = node.child_by_field_name("arguments")
                if args is not None and args.named_children:
                    found[text(args.named_children[0])] = args.named_children[0]
        elif node.type == "assignment_expression" \
                and re.match(r"^\w+\.statusCode$", text(node.child_by_field_name("left"))):
            right = node.child_by_field_name("right")
            if right is not None:
                found[text(right)] = right
    return next(iter(found.values())) if len(found) == 1 else None


#: Status fields third-party errors carry too (http-errors, body-parser, send, Node's own
#: ``code``), 5xx included: no project class can prove what they hold.
_LIBRARY_STATUS_FIELDS = frozenset({"status", "statusCode", "code", "status_code"})
def _status_field(sink: Node, scope: Node, name: str) -> str | None:
    """Return ``F`` when the status the sink answers with is the error's own field ``F``
    (``res.status(err.errorCode)``, ``const code = err.errorCode; … res.status(code)``), and
    ``F`` is no field third-party errors carry too; else None."""
    expr = unwrap(_status_node(sink, scope))
    if expr is not None and expr.type == "identifier":
        expr = unwrap(_const_value(scope, text(expr)))
    if expr is None or expr.type != "member_expression":
        return None
    obj = unwrap(expr.child_by_field_name("object"))
    prop = expr.child_by_field_name("property")
    if obj is None or obj.type != "identifier" or text(obj) != name or prop is None \
            or prop.type != "property_identifier" or text(prop) in _LIBRARY_STATUS_FIELDS:
        return None
    return text(prop)


def _const_value(scope: Node, name: str) -> Node | None:
    """Return the value of ``const name = …`` at the top of function ``scope``'s body."""
    body = scope.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    return _const_among(body.named_children, name)


def _const_among(statements: Iterable[Node], name: str | None) -> Node | None:
    """Return the value of ``const name = …`` declared by one of ``statements``."""
    for stmt in statements:
        if stmt.type == "lexical_declaration" and text(stmt).startswith("const"):
            for decl in stmt.named_children:
                if decl.type == "variable_declarator" \
                        and text(decl.child_by_field_name("name")) == name:
                    return decl.child_by_field_name("value")
    return None


class _Deferred(NamedTuple):
    """What ``file_data`` keeps of one leak for the project phase."""

    finding: Finding
    field: str | None
    client_class: tuple[str, ...] | None
    registrar: tuple[str, str] | None
    #: The project phase reports it (else it only tells of the project's contract).
    report: bool
    #: A route's message whose fix depends on the final handler's contract.
    route: bool
    #: An error handler that sends the error's message to every error, 5xx included, and
    #: that this run does not fix: the project's contract.
    contract: bool
    #: The administrators' guards of other project files in the route's chain (``Leak.guards``).
    guards: tuple[_DeferredGuard, ...] = ()
    #: A final handler's message whose safe fix gives 5xx answers the generic text: unsafe
    #: when the app hands the handler 5xx errors of its own text (``_ServerErrors``).
    server_text: bool = False
    #: The "show it to the client" flag the message is sent under (``Leak.public_flag``).
    public_flag: str | None = None
    #: The field only the errors sent as they are carry (``Leak.envelope``).
    envelope: str | None = None
    #: A fix that logs through a project module's logger this file never calls ``.error``
    #: on, or through a logging function it imports from one: (the module, the name it is
    #: imported as, the finding whose fix logs with a logger the file shows instead, True for
    #: a function), for the project phase to pick (``_with_logger``).
    logger: tuple[str, str, Finding, bool] | None = None
    #: The error's message sent to the client: an app that answers on the loopback interface
    #: only sends it to its operators (``_loopback_files``).
    operator: bool = False
    #: The names of an error handler its own module never registers (``Leak.unmounted``).
    unmounted: tuple[str, ...] | None = None
    #: A handler answering 5xx to every error: reported when its package has client errors
    #: to answer (``_package_raises_client_errors``).
    client_errors: bool = False
    #: (view, local, leak) of a leak handed to a template (``Leak.view``).
    view: tuple[str, str, str] | None = None


class _Reread(NamedTuple):
    """A file whose leaks the project phase reads (``file_data``): it answers with status
    names it imports from its own modules, (local name, module, imported name) each, whose
    numbers decide whether a message is a client's answer (``.status(INVALID_PAYLOAD)``)."""

    names: tuple[tuple[str, str, str], ...]


def _imported_numbers(ctx: ProjectContext, rel: str,
                      names: Iterable[tuple[str, str, str]]) -> dict[str, int]:
    """Return local name → number of the ``names`` (``_Reread``) whose project module
    declares them a number: ``export const INVALID_PAYLOAD = 400``, or a const of one."""
    numbers: dict[str, int] = {}
    for local, module, imported in names:
        target = _resolve(ctx, rel, module)
        parsed = _source_of(ctx, target) if target else None
        if parsed is None:
            continue
        root = parsed[2].root_node
        code = _constant(ctx, target, root, _top_const(root, imported))  # type: ignore[arg-type]
        if code is not None:
            numbers[local] = code
    return numbers


def _file_context(ctx: ProjectContext, rel: str) -> FileContext | None:
    """Return the ``FileContext`` of a scanned file, for the project phase."""
    parsed = _source_of(ctx, rel)
    facts = ctx.facts.get(rel)
    if parsed is None or facts is None:
        return None
    lang, source, tree = parsed
    return FileContext(rel=rel, lang=lang, source=source, tree=tree, facts=facts,
                       style=ctx.styles[rel], info=ctx.info)


def _rewrites_server_text(leak: Leak, finding: Finding) -> bool:
    """Return True when ``leak`` is an error handler's message and its fix, safe as the file
    reads, replaces it for the 5xx answers: the project phase decides whether those carry
    the app's own text for its clients."""
    return leak.kind == "handler" and leak.leak == "message" and finding.fix is not None \
        and finding.fix.applicability == "safe"


#: The keys an error object written as a literal keeps its HTTP status under.
_STATUS_KEYS = frozenset({"status", "statusCode", "httpStatus", "httpStatusCode", "httpCode",
                          "errorCode", "status_code"})
@functools.cache
def _server_reason_codes() -> frozenset[str]:
    """Return the names status-code packages give the 5xx codes (``INTERNAL_SERVER_ERROR``)."""
    return frozenset(name for name, status in _codes_by_name().items() if status >= 500)

_SERVER_STATUS_DIGITS_RE = lazy_pattern(rb"5\d\d")
_SERVER_STATUS_NAMES = (b"INTERNAL_SERVER_ERROR", b"NOT_IMPLEMENTED", b"BAD_GATEWAY",
                        b"SERVICE_UNAVAILABLE", b"GATEWAY_TIMEOUT")
_WORD_BYTE_RE = lazy_pattern(rb"\w")


def _server_status_in(data: bytes) -> bool:
    """Return True when ``data`` holds a 5xx status: a status name, or a whole number
    500-599. (Substring tests and a pattern that starts with a digit let the scan skip ahead;
    ``\\b5\\d\\d\\b|NAME|…`` made ``re`` try every byte, 52 ms on the 300-file bench app.)"""
    if any(name in data for name in _SERVER_STATUS_NAMES):
        return True
    for found in _SERVER_STATUS_DIGITS_RE.finditer(data):
        start, end = found.span()
        if (start == 0 or not _WORD_BYTE_RE.match(data, start - 1)) \
                and (end == len(data) or not _WORD_BYTE_RE.match(data, end)):
            return True
    return False
#: A server's address in the app's own text (``db-01.internal:5432``, ``10.0.0.7``): that text
#: tells of the server, not to the client.
_ADDRESS_TEXT = lazy_pattern(r"\b[\w-]+(?:\.[\w-]+)*:\d{2,5}\b|\b\d{1,3}(?:\.\d{1,3}){3}\b")
#: How long an example of the app's text in a finding may be.
_SAMPLE_LENGTH = 48


class _ServerErrors(NamedTuple):
    """The errors one file hands on (``next(…)``, ``throw``, ``reject(…)``) with a literal 5xx
    status: ``texts``, those whose message is the app's own text (``next({ status: 500,
    message: 'Unable to authenticate.' })``, ``createError(500, '…')``), which a final handler
    that sends the message shows its clients, unless it names a server's address
    (``_ADDRESS_TEXT``); ``raw``, those carrying another error's message
    (``message: e.message``). Each as (line, source of the message)."""

    texts: tuple[tuple[int, str], ...]
    raw: tuple[tuple[int, str], ...]


def _server_status(node: Node | None) -> bool:
    """Return True when ``node`` is a literal 5xx status: ``500``,
    ``StatusCodes.INTERNAL_SERVER_ERROR``."""
    node = unwrap(node)
    if node is None:
        return False
    if node.type == "number":
        return re.fullmatch(r"5\d\d", text(node)) is not None
    return node.type == "member_expression" \
        and text(node.child_by_field_name("property")) in _server_reason_codes()


def _server_error_message(node: Node | None) -> Node | None:
    """Return the message of an error made with a literal 5xx status: ``{ status: 500,
    message: … }``, ``new HttpError(500, …)``, ``createError(500, …)``."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "object":
        props = object_properties(node)
        if any(key in _STATUS_KEYS and _server_status(value) for key, value in props.items()):
            return props.get("message")
        return None
    if node.type not in ("new_expression", "call_expression"):
        return None
    callee = node.child_by_field_name("constructor") or node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if callee is None or args is None or _ERROR_MAKER.search(text(callee)) is None:
        return None
    values = [arg for arg in args.named_children if arg.type != "comment"]
    statuses = [arg for arg in values if _server_status(arg)]
    rest = [arg for arg in values if arg not in statuses]
    return rest[0] if statuses and len(rest) == 1 else None


#: Where the throws and the ``next(…)``/``reject(…)`` calls of a file are: each contains one of
#: these words, so tree-sitter finds them all around the words (``nodes_in``).
_SERVER_ERROR_NEEDLES = (lazy_pattern(rb"throw"), lazy_pattern(rb"next"),
                         lazy_pattern(rb"reject"))


def _server_errors(lang: str, root: Node, source: bytes) -> _ServerErrors:
    """Return the errors the file hands on with a literal 5xx status (``_ServerErrors``)."""
    texts: list[tuple[int, str]] = []
    raw: list[tuple[int, str]] = []
    request = {"req", "request"}
    found = nodes_in(lang, root, needle_ranges(_SERVER_ERROR_NEEDLES, source), "throw", "call")
    for node in in_order(found["throw"], found["call"]):
        if node.type == "throw_statement":
            value = node.named_children[0] if node.named_children else None
        elif node.type == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if fn is None or fn.type != "identifier" or text(fn) not in ("next", "reject") \
                    or args is None or not args.named_children:
                continue
            value = args.named_children[0]
        else:
            continue
        message = unwrap(_server_error_message(value))
        if message is None:
            continue
        line = message.start_point[0] + 1
        if _app_text(message, request):
            if _ADDRESS_TEXT.search(text(message)) is None:
                texts.append((line, text(message)))
        elif message.type == "member_expression" \
                and text(message.child_by_field_name("property")) == "message":
            raw.append((line, text(message)))
    return _ServerErrors(tuple(texts), tuple(raw))


def _sample(value: str) -> str:
    """``value`` on one line, cut to ``_SAMPLE_LENGTH`` characters."""
    value = " ".join(value.split())
    return value if len(value) <= _SAMPLE_LENGTH else value[:_SAMPLE_LENGTH - 1] + "…"


def _keeps_app_texts(finding: Finding, census: list[tuple[str, _ServerErrors]]) -> Finding:
    """Return ``finding`` (a final handler's message, its fix safe) with its fix unsafe when
    the app hands the handler 5xx errors of its own text, which the fix would replace for
    real clients; the message then names the errors carrying another error's message (the
    place to fix)."""
    texts = [(rel, line, value) for rel, errors in census for line, value in errors.texts]
    if not texts or finding.fix is None:
        return finding
    raw = [(rel, line, value) for rel, errors in census for line, value in errors.raw]
    rel, line, value = texts[0]
    count = f"{len(texts)} error{'s' if len(texts) > 1 else ''}"
    fix = replace(finding.fix, applicability="unsafe", title=(
        f"{finding.fix.title} (unsafe: the app hands its error handler {count} of its own "
        f"text with a 5xx status, e.g. {rel}:{line} {_sample(value)}, which its clients are "
        "shown; the fix replaces that text)"))
    sent = finding.message.split("; ", 1)[0]  # "the error message (`err.message`) is sent…"
    message = (f"{sent}; the app hands its error handler {count} with a 5xx status and a text "
               f"of its own for its clients (a generic 5xx text would replace "
               f"{'them' if len(texts) > 1 else 'it'}: the fix is unsafe)")
    if raw:
        rel, line, value = raw[0]
        message += (f", and {len(raw)} with another error's message (e.g. {rel}:{line} "
                    f"`{_sample(value)}`), which may hold a driver's or a library's text: give "
                    f"{'those' if len(raw) > 1 else 'it'} the app's own text")
    else:
        message += ("; the messages of other errors reach the client too: log those and send "
                    "them a generic text")
    return replace(finding, message=message, fix=fix)


def _with_app_texts(rel: str, kept: _Deferred,
                    census: list[tuple[str, _ServerErrors]]) -> _Deferred:
    """Return ``kept`` with ``_keeps_app_texts`` applied to a final handler's message: a fix
    made unsafe there leaves the handler sending messages, the project's contract."""
    if not kept.server_text:
        return kept
    finding = _keeps_app_texts(kept.finding, census)
    unsafe = finding.fix is not None and finding.fix.applicability != "safe"
    return kept._replace(finding=finding, contract=unsafe and not is_test_file(rel))


def _with_logger(ctx: ProjectContext, rel: str, kept: _Deferred) -> _Deferred:
    """Return ``kept`` with the finding whose fix logs through a logger the file shows when the
    project module its fix would log through has no ``error`` method this phase can see
    (``Logger = require('./log')`` exporting only ``create``: ``Logger.error(e)`` would throw
    a TypeError inside the catch)."""
    if kept.logger is None:
        return kept
    module, name, alternative, function = kept.logger
    if _module_exports_function(ctx, rel, module, name) if function \
            else _module_logs_errors(ctx, rel, module, name):
        return kept
    return kept._replace(finding=alternative)


#: Packages whose module object itself has ``error`` (``module.exports = require('npmlog')``).
_PACKAGES_WITH_ERROR = frozenset({"winston", "signale", "consola", "loglevel", "npmlog"})
#: Methods of a logger package that make a logger (``winston.createLogger``, ``pino().child``).
_LOGGER_FACTORIES = frozenset({"createLogger", "getLogger", "child", "create", "scope",
                               "withTag"})


def _module_logs_errors(ctx: ProjectContext, importer: str, module: str, name: str) -> bool:
    """Return True when the project module ``module`` (imported by ``importer`` as ``name``:
    ``default`` for a require or default import, ``*`` for a namespace, else the export's
    name) visibly gives that binding an ``error`` method: an object with ``error``, an
    ``exports.error``, a class with an ``error`` method, or a logger made by a logger package
    (``winston.createLogger(…)``, ``pino(…)``, ``bunyan.createLogger(…)``). False when it
    cannot be seen (a factory of the project, a file that cannot be read)."""
    path = _resolve(ctx, importer, module)
    parsed = _source_of(ctx, path) if path is not None else None
    if parsed is None:
        return False
    root = parsed[2].root_node
    values = _export_values(root, name)
    return values is None or any(_logs_errors(root, value, _package_bindings(root))
                                 for value in values)


def _export_values(root: Node, name: str) -> list[Node | None] | None:
    """Return the values the module ``root`` exports as ``name`` (``default`` for a require
    or default import, ``*`` for a namespace, else the export's name); None when the
    namespace visibly has ``error`` itself (``exports.error = …``, ``export function
    error``)."""
    values: list[Node | None] = []
    for stmt in root.named_children:
        if stmt.type == "export_statement":
            decl = stmt.child_by_field_name("declaration")
            value = stmt.child_by_field_name("value")
            if any(c.type == "default" for c in stmt.children):
                if name == "default":
                    values.append(value or decl)  # `export default new Logger()`, a class
                continue
            if decl is not None:
                for declared, value in _declared_names(decl):
                    if declared == "error" and name == "*":
                        return None
                    if declared == name:
                        values.append(value)
            clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
            for spec in clause.named_children if clause is not None else []:
                alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                local = spec.child_by_field_name("name")
                if alias is not None and local is not None and text(alias) == name:
                    values.append(_top_value(root, text(local)))
            continue
        if stmt.type != "expression_statement" or not stmt.named_children:
            continue
        expr = unwrap(stmt.named_children[0])
        if expr.type != "assignment_expression":
            continue
        left = text(expr.child_by_field_name("left")).replace(" ", "")
        right = expr.child_by_field_name("right")
        if left == "module.exports" and name in ("default", "*"):
            values.append(right)
        elif left == "module.exports" and right is not None:
            value = unwrap(right)
            if value.type == "object":
                values.append(_object_member(value, name))
        elif left in ("exports.error", "module.exports.error") and name in ("default", "*"):
            return None
        elif left in (f"exports.{name}", f"module.exports.{name}"):
            values.append(right)
    return values


def _module_exports_function(ctx: ProjectContext, importer: str, module: str, name: str,
                             depth: int = 0) -> bool:
    """Return True when the project module ``module`` (imported by ``importer`` as ``name``,
    as for ``_module_logs_errors``) visibly exports a function under that name: a function
    declaration or expression, an arrow function, an object's method, or the same from the
    module an ``export { name } from './…'`` / ``export * from './…'`` line names. False when
    it cannot be seen."""
    path = _resolve(ctx, importer, module)
    parsed = _source_of(ctx, path) if path is not None else None
    if parsed is None or path is None or name == "*" or depth > 2:
        return False
    root = parsed[2].root_node
    values = _export_values(root, name)
    if values is not None and any(_is_function(root, value) for value in values):
        return True
    for stmt in root.named_children:
        source = string_value(stmt.child_by_field_name("source")) \
            if stmt.type == "export_statement" else None
        if not source or not source.startswith("."):
            continue
        clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
        if clause is None and any(c.type == "*" for c in stmt.children) and name != "default" \
                and _module_exports_function(ctx, path, source, name, depth + 1):
            return True  # `export * from './logger.js'`
        for spec in clause.named_children if clause is not None else []:
            alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
            local = spec.child_by_field_name("name")
            if alias is not None and local is not None and text(alias) == name \
                    and _module_exports_function(ctx, path, source, text(local), depth + 1):
                return True  # `export { error } from './logger.js'`
    return False


def _is_function(root: Node, value: Node | None) -> bool:
    """Return True when ``value`` (in the module ``root``) is visibly a function."""
    return _function_value(root, value) is not None


def _function_value(root: Node, value: Node | None, depth: int = 0) -> Node | None:
    """Return the function ``value`` (in the module ``root``) visibly is: itself, or the
    top-level function or variable's function a name stands for; None otherwise."""
    value = unwrap(value)
    if value is None or depth > 4:
        return None
    if value.type in _FUNCTIONS:
        return value
    if value.type in ("identifier", "shorthand_property_identifier"):
        return _function_value(root, _top_value(root, text(value)), depth + 1)
    return None


def _declared_names(decl: Node) -> Iterator[tuple[str, Node | None]]:
    """Yield (name, value) for what an exported declaration declares: its variables, or the
    function or class itself."""
    if decl.type in ("lexical_declaration", "variable_declaration"):
        for d in decl.named_children:
            if d.type == "variable_declarator":
                yield text(d.child_by_field_name("name")), d.child_by_field_name("value")
    else:
        named = decl.child_by_field_name("name")
        if named is not None:
            yield text(named), decl


def _object_member(obj: Node, key: str) -> Node | None:
    """Return the value of ``key`` in the object literal ``obj`` (a shorthand's identifier, a
    method itself), or None."""
    for prop in obj.named_children:
        if prop.type == "pair" and text(prop.child_by_field_name("key")).strip("'\"") == key:
            return prop.child_by_field_name("value")
        if prop.type == "shorthand_property_identifier" and text(prop) == key:
            return prop
        if prop.type == "method_definition" and text(prop.child_by_field_name("name")) == key:
            return prop
    return None


def _top_value(root: Node, name: str) -> Node | None:
    """Return the top-level declaration of ``name`` in ``root``: a variable's value, or the
    class or function declaration."""
    for stmt in _top_level(root):
        for declared, value in _declared_names(stmt) if stmt.type in (
                "lexical_declaration", "variable_declaration", "class_declaration",
                "function_declaration") else ():
            if declared == name:
                return value
    return None


def _package_bindings(root: Node) -> dict[str, str]:
    """Return the top-level locals of ``root`` bound to a package (``const winston =
    require('winston')``, ``import pino from 'pino'``) → the package."""
    found: dict[str, str] = {}
    for stmt in root.named_children:
        if stmt.type == "import_statement":
            source = string_value(stmt.child_by_field_name("source")) or ""
            clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
            for n in walk(clause) if clause is not None else []:
                if n.type == "identifier":
                    found[text(n)] = source
        elif stmt.type in ("lexical_declaration", "variable_declaration"):
            for d in stmt.named_children:
                value = unwrap(d.child_by_field_name("value")) if d.type == \
                    "variable_declarator" else None
                target = d.child_by_field_name("name")
                if value is not None and target is not None and target.type == "identifier":
                    module = required_module(value)
                    if module is not None:
                        found[text(target)] = module
    return found


def _logs_errors(root: Node, value: Node | None, packages: dict[str, str],
                 depth: int = 0) -> bool:
    """Return True when ``value`` (in the module ``root``) visibly has an ``error`` method."""
    value = unwrap(value)
    if value is None or depth > 4:
        return False
    if value.type == "object":
        return _object_member(value, "error") is not None
    if value.type in ("class", "class_declaration"):
        body = value.child_by_field_name("body")
        return body is not None and any(
            member.type in ("method_definition", "field_definition", "public_field_definition")
            and text(member.child_by_field_name("name") or member.child_by_field_name(
                "property") or member) == "error" for member in body.named_children)
    if value.type == "identifier":
        name = text(value)
        if name in packages:
            return packages[name] in _PACKAGES_WITH_ERROR
        for stmt in root.named_children:
            expr = unwrap(stmt.named_children[0]) if stmt.type == "expression_statement" \
                and stmt.named_children else None
            if expr is not None and expr.type == "assignment_expression" and \
                    text(expr.child_by_field_name("left")).replace(" ", "") == f"{name}.error":
                return True  # `log.error = …`
        return _logs_errors(root, _top_value(root, name), packages, depth + 1)
    if value.type == "new_expression":
        made = value.child_by_field_name("constructor")
        if made is None:
            return False
        head: Node | None = made
        while head is not None and head.type == "member_expression":
            head = unwrap(head.child_by_field_name("object"))
        if head is not None and head.type == "identifier" and text(head) in packages:
            return packages[text(head)].split("/")[0] in _LOGGER_PACKAGES  # `new winston.Logger`
        return made.type == "identifier" and \
            _logs_errors(root, _top_value(root, text(made)), packages, depth + 1)
    if value.type == "call_expression":
        callee = unwrap(value.child_by_field_name("function"))
        if callee is not None and callee.type == "member_expression":
            if text(callee.child_by_field_name("property")) not in _LOGGER_FACTORIES:
                return False
            callee = unwrap(callee.child_by_field_name("object"))
            if callee is not None and callee.type == "call_expression" \
                    and required_module(callee) is None:
                return _logs_errors(root, callee, packages, depth + 1)  # `pino().child(…)`
        if callee is None:
            return False
        module = required_module(callee) if callee.type == "call_expression" else \
            packages.get(text(callee)) if callee.type == "identifier" else None
        return module is not None and module.split("/")[0] in _LOGGER_PACKAGES
    return False


def _follows_contract(leak: Leak, finding: Finding) -> bool:
    """Return True when ``leak`` is a message a catch block sends (a route's own answer)
    and its fix replaces it: the project phase keeps that fix only when the app's final
    handler does not send the message of every error itself."""
    return leak.kind == "catch" and leak.leak == "message" and finding.fix is not None


def _sets_contract(leak: Leak, finding: Finding, rel: str) -> bool:
    """Return True when ``leak`` is an error handler sending the error's message with a
    status that may be a 5xx (no literal 4xx), and no safe fix of this run changes that."""
    return leak.kind == "handler" and leak.leak == "message" and not is_test_file(rel) \
        and not (isinstance(leak.status, int) and leak.status < 500) \
        and (finding.fix is None or finding.fix.applicability != "safe")


class Leak(NamedTuple):
    """An error's stack, message or whole self flowing into a response."""

    node: Node
    leak: str  # "stack", "message" or "error"
    kind: str  # "handler" or "catch"
    status: int | None | str
    sink: Node
    scope: Node
    #: The error's own field the status is read from (``errorCode`` in
    #: ``res.status(err.errorCode).json(err.message)``): whether its messages are meant for
    #: clients is a question for the whole project (``_client_fields``).
    field: str | None = None
    #: The project class a branch narrows the error to (``if (err instanceof NotFound)``):
    #: whether it is only ever a client error is a question for the whole project
    #: (``_client_only_class``).
    client_class: tuple[str, ...] | None = None
    #: The sink is in the branch a route handler takes without ``next`` (``next ? next(err) :
    #: res.json(err)``) and the handler is registered on ``this.<field>`` of a class whose
    #: base class (another file) may declare that field an Express app: (base class name,
    #: field), for the project phase (``_express_field_in_base``).
    registrar: tuple[str, str] | None = None
    #: The route's chain holds administrators' guards of other project files (``requireAdmin``
    #: imported from ``./auth``): the project phase reads their bodies, and the leak is not
    #: reported when one of them turns requests away (``_project_guard_denies``).
    guards: tuple[_DeferredGuard, ...] = ()
    #: The branch is taken only when the error's own flag says its message is meant for the
    #: client (``err.isPublic ? err.message : …``): whether that flag is the project's own
    #: signal is a question for the whole project (``_project_sets_flag``).
    public_flag: str | None = None
    #: The catch replaced every error without this field by an object of its own text before
    #: the send (``if (!err.error) err = {…}``): whether the errors that carry it are the
    #: application's own envelopes is a question for the whole project (``_project_envelope``).
    envelope: str | None = None
    #: The condition that picks the answer's status, a 4xx or a 5xx (``res.status(isClientError
    #: ? 400 : 500)``), for a message sent with either: the fix keeps it for the 4xx only.
    choice: _StatusChoice | None = None
    #: The names an error handler its own module never registers is exported under
    #: (``_unmounted_exports``): whether another module registers it is a question for the
    #: whole project (``_mounted_nowhere``).
    unmounted: tuple[str, ...] | None = None
    #: The whole error sent in the same answer (``res.json({ message: err.message, error: err
    #: })``): a fix of this leak alone would still send the error (``_leaks``).
    whole_error: Node | None = None
    #: (view, local) of a leak handed to a template as one of its locals
    #: (``_rendered_local``): what the template prints of it is read in the project phase
    #: (``_template_prints``).
    view: tuple[str, str] | None = None


#: Fields an application's error class sets to say its message may be shown to the client
#: (``this.isPublic = isPublic``), as http-errors' ``expose`` does. Not ``isOperational``: it
#: says the error was expected, not that its text is for the caller.
_PUBLIC_FLAG = lazy_pattern(r"^(?:is)?(?:[pP]ublic|[eE]xposed|[uU]serFacing|[cC]lientSafe)$"
                            r"|^expose(?:Message|ToClient)$|^showToUser$")


def _public_flag(node: Node, scope: Node, name: str) -> str | None:
    """Return the flag ``F`` when ``node`` is sent only in the branch of ``name.F ? … : …`` (or
    ``if (name.F)``, or the other branch of ``!name.F``) and ``F`` is named like a "show it to
    the client" flag (``_PUBLIC_FLAG``)."""
    child, cur = node, node.parent
    while cur is not None and cur != scope:
        if cur.type in ("ternary_expression", "if_statement"):
            cond = cur.child_by_field_name("condition")
            cond_text = re.sub(r"\s+", "", text(cond)).strip("()") if cond is not None else ""
            negated = cond_text.startswith("!")
            match = re.fullmatch(rf"{re.escape(name)}\.(\w+)", cond_text.lstrip("!()"))
            if match and _PUBLIC_FLAG.search(match.group(1)) and cond_text.count("!") <= 1:
                arm = cur.child_by_field_name("alternative" if negated else "consequence")
                if child == arm or (arm is not None and arm.type == "else_clause"
                                    and child in arm.named_children):
                    return match.group(1)
        child, cur = cur, cur.parent
    return None


#: Fields errors of libraries carry (their data, a response, a cause, a driver's own fields):
#: a catch that replaces only the errors without one of them lets a library's error through.
_LIBRARY_ERROR_FIELDS = frozenset({
    "message", "stack", "name", "code", "errno", "syscall", "path", "address", "port", "status",
    "statusCode", "status_code", "statusText", "response", "request", "config", "data", "body",
    "errors", "cause", "original", "parent", "sql", "sqlMessage", "sqlState", "details",
    "detail", "reason", "type", "kind", "value", "info", "meta", "raw", "headers",
    "errorResponse", "errmsg", "errInfo", "result", "isAxiosError", "expose"})
#: Packages whose errors carry a field many applications also use for their own envelopes
#: (by name, or by a prefix ending in ``/``): request-promise's ``StatusCodeError.error`` (the
#: upstream answer's body), gaxios' ``GaxiosError.error`` (the cause), the API errors of the
#: generated AI and OAuth clients (``APIError.error``: the provider's answer).
_PACKAGE_ERROR_FIELDS = {
    "error": ("request-promise", "request-promise-native", "request-promise-any", "gaxios",
              "googleapis", "google-auth-library", "@google-cloud/", "openai",
              "@anthropic-ai/", "groq-sdk", "openid-client", "oauth4webapi", "together-ai",
              "@cerebras/", "ollama", "cloudflare", "@langchain/", "langchain",
              "express-openid-connect"),
}


def _literal_object(node: Node | None, depth: int = 0,
                    allowed: frozenset[str] = frozenset()) -> bool:
    """Return True when ``node`` is an object literal of the application's own constant text:
    plain keys, and values that are literals, objects or arrays of them (or the names of
    ``allowed``, proven constant by the caller)."""
    node = unwrap(node)
    if node is None or depth > _MAX_NESTING:
        return False
    if node.type == "object":
        return all((child.type == "shorthand_property_identifier" and text(child) in allowed)
                   or (child.type == "pair" and child.child_by_field_name("key") is not None
                       and child.child_by_field_name("key").type in (  # type: ignore[union-attr]
                           "property_identifier", "string", "number")
                       and _literal_object(child.child_by_field_name("value"), depth + 1,
                                           allowed))
                   for child in code_children(node))
    if node.type == "array":
        return all(_literal_object(child, depth + 1, allowed) for child in code_children(node))
    if node.type in ("true", "false", "null", "undefined"):
        return True
    if node.type == "identifier":
        return text(node) in allowed
    return node.type in ("string", "number", "template_string") and _app_text(node, set())


def _replacing_gate(stmt: Node, name: str) -> str | None:
    """Return ``F`` when statement ``stmt`` is ``if (!name.F) { name = {…constant…}; }`` (or
    ``if (!name.F || …)``), with no ``else``: every error without ``F`` is replaced by an
    object of the application's own text."""
    if stmt.type != "if_statement" or stmt.child_by_field_name("alternative") is not None:
        return None
    body = stmt.child_by_field_name("consequence")
    if body is not None and body.type == "statement_block":
        inner = code_children(body)
        body = inner[0] if len(inner) == 1 else None
    expr = code_children(body)[0] if body is not None and body.type == "expression_statement" \
        and code_children(body) else None
    expr = unwrap(expr)
    right = unwrap(expr.child_by_field_name("right")) if expr is not None else None
    if expr is None or expr.type != "assignment_expression" \
            or text(expr.child_by_field_name("left")) != name \
            or right is None or right.type != "object" or not _literal_object(right):
        return None
    pending = [unwrap(stmt.child_by_field_name("condition"))]
    while pending:  # one of the `||` terms: the replacement runs whenever it holds
        cond = pending.pop()
        if cond is None:
            continue
        if cond.type == "binary_expression" \
                and text(cond.child_by_field_name("operator")) == "||":
            pending += [unwrap(cond.child_by_field_name("left")),
                        unwrap(cond.child_by_field_name("right"))]
            continue
        if cond.type == "unary_expression" and text(cond.child_by_field_name("operator")) == "!":
            arg = unwrap(cond.child_by_field_name("argument"))
            obj = arg.child_by_field_name("object") \
                if arg is not None and arg.type == "member_expression" else None
            prop = arg.child_by_field_name("property") \
                if arg is not None and obj is not None else None
            if obj is not None and obj.type == "identifier" and text(obj) == name \
                    and prop is not None and prop.type == "property_identifier":
                return text(prop)
    return None


def _envelope_gate(node: Node, scope: Node, name: str) -> str | None:
    """Return the field ``F`` when the catch replaces every error without ``F`` by an object
    of its own text before the statement that sends ``node`` (``if (!error.error) error = {
    error: { message: 'Internal error', code: 500 } }; res.status(error.error.code).json(error)``)
    and nothing writes the error's name between the two: only errors carrying ``F`` are sent
    as they are. Whether those are the application's own envelopes is a question for the
    whole project (``_project_envelope``)."""
    body = scope if scope.type == "statement_block" else scope.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    stmt = node
    while stmt.parent is not None and stmt.parent != body:
        stmt = stmt.parent
    if stmt.parent != body:
        return None
    cur = node.parent
    while cur is not None and cur != body:  # the name sent is the catch's, not a callback's
        if (cur.type in FUNCTION_TYPES and name in {
                n for param in parameters(cur) for n in _pattern_names(param)}) \
                or (cur.type == "statement_block" and any(
                    decl.type == "variable_declarator" and name in _pattern_names(
                        decl.child_by_field_name("name") or decl)
                    for child in code_children(cur)
                    if child.type in ("lexical_declaration", "variable_declaration")
                    for decl in code_children(child))):
            return None
        cur = cur.parent
    field = None
    for other in code_children(body):
        if other == stmt:
            return field if field is not None and not _changes(stmt, name, node) else None
        gate = _replacing_gate(other, name) if field is None else None
        if gate is not None:
            field = gate
        elif field is not None and (_assigned_in(other, name) or _changes(other, name)):
            return None  # `error = other` after the gate: not the replaced value any more
    return None


def _changes(stmt: Node, name: str, before: Node | None = None) -> bool:
    """Return True when ``stmt`` (up to ``before``) writes into the value of ``name``:
    ``name.x = …``, ``name.x.y = …``, ``Object.assign(name, …)``,
    ``Object.defineProperty(name, …)``, or copies it to another name (``const out = name``)."""
    for node in walk(stmt):
        if before is not None and node.start_byte >= before.start_byte:
            break
        if node.type in ("assignment_expression", "augmented_assignment_expression"):
            left = unwrap(node.child_by_field_name("left"))
            if left is not None and left.type in ("member_expression", "subscript_expression") \
                    and _root_name(left) == name:
                return True
        if node.type in ("assignment_expression", "variable_declarator"):
            value = unwrap(node.child_by_field_name("right" if node.type ==
                                                    "assignment_expression" else "value"))
            if value is not None and value.type == "identifier" and text(value) == name:
                return True  # `const out = error`: written through another name
        elif node.type == "call_expression" and re.search(
                r"^Object\.(?:assign|definePropert(?:y|ies))$",
                text(node.child_by_field_name("function"))):
            given = node.child_by_field_name("arguments")
            args = code_children(given) if given is not None else []
            if args and _root_name(args[0]) == name:
                return True
    return False


#: ``err.name`` values libraries give only to client errors: express-jwt's and
#: express-oauth2-jwt-bearer's ``UnauthorizedError`` (always a 401, its messages are meant
#: for the client: "No authorization token was found", "jwt expired").
_CLIENT_ERROR_NAMES = frozenset({"UnauthorizedError"})
#: (package, exported class) of the errors those libraries throw, for ``err instanceof C``.
_CLIENT_ERROR_CLASSES = frozenset({("express-jwt", "UnauthorizedError"),
                                   ("express-oauth2-jwt-bearer", "UnauthorizedError")})
_STATUS_EQ = lazy_pattern(r"\.(?:status|statusCode)\s*===?\s*(4\d\d)\b|\b(4\d\d)\s*===?\s*"
                        r"[\w$.]+\.(?:status|statusCode)\b")


def _client_narrowing(cond: Node | None, name: str, facts: FileFacts | None,
                      depth: int = 0) -> bool:
    """Return True when condition ``cond`` holds only for client errors: ``name.name ===
    'UnauthorizedError'``, ``name instanceof UnauthorizedError`` (imported from express-jwt),
    ``name.status === 401``; any of them joined by ``||`` counts only when all do."""
    cond = unwrap(cond)
    if cond is None or depth > _MAX_NESTING:
        return False
    if cond.type == "binary_expression":
        op = text(cond.child_by_field_name("operator"))
        left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        if op == "||":
            return _client_narrowing(left, name, facts, depth + 1) \
                and _client_narrowing(right, name, facts, depth + 1)
        if op == "&&":
            return _client_narrowing(left, name, facts, depth + 1) \
                or _client_narrowing(right, name, facts, depth + 1)
        if op in ("===", "=="):
            for one, other in ((left, right), (right, left)):
                one = unwrap(one)
                if one is not None and one.type == "member_expression" \
                        and text(one.child_by_field_name("object")) == name \
                        and text(one.child_by_field_name("property")) == "name" \
                        and other is not None and other.type == "string" \
                        and string_value(other) in _CLIENT_ERROR_NAMES:
                    return True
            return _STATUS_EQ.search(text(cond)) is not None \
                and re.search(rf"(?<![\w$.]){re.escape(name)}\.", text(cond)) is not None
        if op == "instanceof" and text(unwrap(left)) == name and right is not None:
            cls = text(right)
            for imp in facts.imports if facts is not None else []:
                for exported, local in imp.named.items():
                    if local == cls and (imp.module, exported) in _CLIENT_ERROR_CLASSES:
                        return True
                if imp.namespace and cls.startswith(imp.namespace + ".") \
                        and (imp.module, cls.split(".", 1)[1]) in _CLIENT_ERROR_CLASSES:
                    return True
                if imp.default and cls.startswith(imp.default + ".") \
                        and (imp.module, cls.split(".", 1)[1]) in _CLIENT_ERROR_CLASSES:
                    return True
    return False


def _narrowing_class(node: Node, scope: Node, name: str) -> tuple[str, ...] | None:
    """Return ``(C,)`` when ``node`` runs only in the consequence of ``if (name instanceof C)``
    (``C`` a plain identifier), the innermost such branch; ``(A, B)`` for ``if (name
    instanceof A || name instanceof B)``: the error is one of them there."""
    child, cur = node, node.parent
    while cur is not None and cur != scope:
        if cur.type in ("if_statement", "ternary_expression") \
                and child == cur.child_by_field_name("consequence"):
            classes = _instanceof_classes(cur.child_by_field_name("condition"), name)
            if classes:
                return classes
        child, cur = cur, cur.parent
    return None


def _instanceof_classes(cond: Node | None, name: str, depth: int = 0) -> tuple[str, ...]:
    """Return the classes of ``name instanceof C`` (``C`` a plain identifier), or of an
    ``||`` chain of such tests of ``name`` only; () for any other condition."""
    cond = unwrap(cond)
    if cond is None or cond.type != "binary_expression" or depth > 8:
        return ()
    op = text(cond.child_by_field_name("operator"))
    if op == "||":
        left = _instanceof_classes(cond.child_by_field_name("left"), name, depth + 1)
        right = _instanceof_classes(cond.child_by_field_name("right"), name, depth + 1)
        return left + right if left and right else ()
    right_node = cond.child_by_field_name("right")
    if op == "instanceof" and text(unwrap(cond.child_by_field_name("left"))) == name \
            and right_node is not None and right_node.type == "identifier":
        return (text(right_node),)
    return ()


#: ``typeof`` results of values that carry no stack and no library's text.
_PRIMITIVE_TYPES = frozenset({"string", "number", "boolean"})


def _narrowed_to_string(node: Node, scope: Node, name: str) -> bool:
    """Return True when ``node`` runs only where the error is a string, a number or a boolean:
    the consequence of ``if (typeof err === 'string')`` (alone or in an ``&&`` chain).
    Libraries throw Error objects; a string is a message the application threw on purpose
    (``throw 'Username "x" is already taken'``), meant for the client, with no stack or
    internals to leak, and a number (``reject(404)``) is a code the application chose."""
    child, cur = node, node.parent
    while cur is not None and cur != scope:
        if cur.type in ("if_statement", "ternary_expression") \
                and child == cur.child_by_field_name("consequence"):
            pending = [cur.child_by_field_name("condition")]
            while pending:
                cond = unwrap(pending.pop())
                if cond is None or cond.type != "binary_expression":
                    continue
                op = text(cond.child_by_field_name("operator"))
                left = unwrap(cond.child_by_field_name("left"))
                right = unwrap(cond.child_by_field_name("right"))
                if op == "&&":
                    pending += [left, right]
                elif op in ("===", "==") and left is not None and right is not None:
                    for typeof, other in ((left, right), (right, left)):
                        if typeof.type == "unary_expression" \
                                and text(typeof.child_by_field_name("operator")) == "typeof" \
                                and text(unwrap(typeof.child_by_field_name("argument"))) == name \
                                and string_value(other) in _PRIMITIVE_TYPES:
                            return True
        child, cur = cur, cur.parent
    return False


#: How much a branch's condition tells of the error's text, weakest first: its message is a
#: literal (``err.message === 'invalid-token'``), a bare HTTP status the app threw as a signal
#: (``err.message === '404'``: third-party errors carry sentences), or the error is itself a
#: literal string (``err === 'not-found'``).
_KNOWN_MESSAGE, _STATUS_SIGNAL, _LITERAL_ERROR = 1, 2, 3
_BARE_STATUS = lazy_pattern(r"^[1-5]\d\d$")


def _literal_knowledge(cond: Node | None, name: str, depth: int = 0) -> int:
    """Return what condition ``cond`` proves of the error ``name`` where it holds (one of the
    levels above, 0 for nothing): ``&&`` proves what either side does, ``||`` what both do."""
    cond = unwrap(cond)
    if cond is None or cond.type != "binary_expression" or depth > _MAX_NESTING:
        return 0
    op = text(cond.child_by_field_name("operator"))
    left, right = unwrap(cond.child_by_field_name("left")), unwrap(cond.child_by_field_name("right"))
    if op == "&&":
        return max(_literal_knowledge(left, name, depth + 1),
                   _literal_knowledge(right, name, depth + 1))
    if op == "||":
        return min(_literal_knowledge(left, name, depth + 1),
                   _literal_knowledge(right, name, depth + 1))
    if op not in ("===", "==") or left is None or right is None:
        return 0
    for one, other in ((left, right), (right, left)):
        value = string_value(other)
        if value is None:
            continue
        if one.type == "identifier" and text(one) == name:
            # `==` holds for an Error too whose toString() is the literal: only `===` pins it.
            return _LITERAL_ERROR if op == "===" else 0
        if one.type == "member_expression" \
                and text(unwrap(one.child_by_field_name("object"))) == name \
                and text(one.child_by_field_name("property")) == "message":
            return _STATUS_SIGNAL if _BARE_STATUS.match(value) else _KNOWN_MESSAGE
    return 0


def _text_written_by_app(node: Node, scope: Node, name: str, leak: str,
                         status: int | None | str) -> bool:
    """Return True when ``node`` runs only in a branch whose condition pins the error's text
    to a literal of the source, so what is sent was written by the application: the message
    itself under ``err.message === 'L'`` (it is ``'L'``), the error under ``err === 'L'`` (a
    string), the whole error answered with a literal 4xx under ``err.message === '404'`` (an
    error the app made to signal a status; its JSON is its own enumerable fields, not the
    message or stack). A message only containing a literal (``indexOf('413') > -1``) proves
    nothing: a driver's message may quote the request's input."""
    child, cur = node, node.parent
    while cur is not None and cur != scope:
        if cur.type in ("if_statement", "ternary_expression") \
                and child == cur.child_by_field_name("consequence"):
            known = _literal_knowledge(cur.child_by_field_name("condition"), name)
            if known == _LITERAL_ERROR or (known and leak == "message"):
                return True
            if known == _STATUS_SIGNAL and leak == "error" and isinstance(status, int) \
                    and 400 <= status < 500:
                return True
        child, cur = cur, cur.parent
    return False


def _picked_by_kind(node: Node, scope: Node, name: str) -> bool:
    """Return True when ``node`` runs in a branch whose condition tells the error's kind by
    its class or a field naming it (``err instanceof ValidationError``, ``err.name ===
    'ValidationError'``, ``err.code === 11000``), not by its text: any error whose message
    holds or equals a sentence takes a branch its message picks, a driver's too."""
    field = rf"{re.escape(name)}\s*\??\.\s*(?:name|code|type|kind|errno|status|statusCode)\b"
    kind = re.compile(rf"(?<![\w$.]){field}\s*===?(?!=)|===?\s*{field}"
                      rf"|(?<![\w$.]){re.escape(name)}\s+instanceof\b")
    child, cur = node, node.parent
    while cur is not None and cur != scope:
        if cur.type in ("if_statement", "ternary_expression") \
                and child == cur.child_by_field_name("consequence") \
                and kind.search(text(cur.child_by_field_name("condition"))):
            return True
        child, cur = cur, cur.parent
    return False


def _in_client_branch(node: Node, scope: Node, name: str, status: int | None | str,
                      facts: FileFacts | None) -> bool:
    """Return True when ``node`` runs only in a branch taken for client errors: the branch's
    condition narrows the error to one (``_client_narrowing``), or the error is tested at all
    (``err.name === 'ValidationError'``, ``err instanceof X``, ``err.code === 11000``) and the
    branch answers with a 4xx literal (``res.status(400).json({ message: err.message })``)."""
    child, cur = node, node.parent
    while cur is not None and cur != scope:
        cond = None
        if cur.type in ("if_statement", "ternary_expression") \
                and child == cur.child_by_field_name("consequence"):
            cond = cur.child_by_field_name("condition")
        elif cur.type in _FUNCTIONS:
            cond = _dispatch_condition(cur, name)
        if cond is not None:
            if _client_narrowing(cond, name, facts):
                return True
            if isinstance(status, int) and 400 <= status < 500 and re.search(
                    rf"(?<![\w$.]){re.escape(name)}\b", text(cond)):
                return True
        child, cur = cur, cur.parent
    return False


class _StatusChoice(NamedTuple):
    """A status a condition picks between a client's and a server's: ``C ? 400 : 500``
    (``_status_choice``)."""

    #: ``C``, as the status expression writes it.
    condition: Node
    #: True when ``C`` holding picks the 4xx, False when it picks the 5xx.
    client_when: bool
    #: The 5xx status.
    server: int


#: What may change the names a condition reads, or make it yield another value when tested
#: again. A call of the same text on the same values (``isClientError(err)``) is the same
#: predicate.
_CHANGING = _IMPURE - {"call_expression"}


def _steady(cond: Node, scope: Node) -> bool:
    """Return True when condition ``cond`` holds the same wherever ``scope`` tests it: it
    changes nothing itself, and each name it reads is declared at most once in ``scope`` and
    never assigned there."""
    if any(node.type in _CHANGING or node.type in _FUNCTIONS for node in walk(cond)):
        return False
    names = {text(node) for node in walk(cond) if node.type == "identifier"}
    declared = 0
    for node in walk(scope):
        if node.type in ("assignment_expression", "augmented_assignment_expression"):
            changed = _pattern_names(node.child_by_field_name("left") or node)
        elif node.type == "update_expression":
            changed = _pattern_names(node)
        elif node.type == "variable_declarator":
            declared += bool(names & _pattern_names(node.child_by_field_name("name") or node))
            continue
        else:
            continue
        if names & changed:
            return False
    return declared <= 1


def _const_value_before(at: Node, name: str) -> Node | None:
    """Return the value of the ``const name = …`` that binds ``name`` at statement ``at``
    (``_const_before``); None when another binding does, or the ``const`` destructures."""
    if not _const_before(at, name):
        return None
    cur = at.parent
    while cur is not None and cur.type not in _FUNCTIONS:
        if cur.type in ("statement_block", "switch_case", "program"):
            for stmt in cur.named_children:
                if stmt.type == "lexical_declaration" and any(
                        decl.type == "variable_declarator"
                        and name in _pattern_names(decl.child_by_field_name("name") or decl)
                        for decl in stmt.named_children):
                    return _const_among((stmt,), name)
        cur = cur.parent
    return None


def _normalised(code: str) -> str:
    """Return ``code`` without the whitespace its tokens do not need (one space between
    two words: ``e instanceof A``), so two spellings of one expression compare equal."""
    def space(match: re.Match[str]) -> str:
        before, after = code[match.start() - 1:match.start()], code[match.end():match.end() + 1]
        return " " if re.match(r"[\w$]", before) and re.match(r"[\w$]", after) else ""
    return re.sub(r"\s+", space, code.strip())


def _condition_key(cond: Node, at: Node, scope: Node) -> tuple[bool, str]:
    """Return (negated, test) of condition ``cond`` read at statement ``at`` of ``scope``:
    its ``!`` counted off and a ``const`` it names replaced by the value it was given (when
    that value holds the same throughout ``scope``), as normalised code. Two conditions with
    the same test are the same test, or (one of them negated) opposite ones:
    ``isClientError`` and ``!isClientError``, or ``e instanceof A`` after ``const
    isClientError = e instanceof A``."""
    negated = False
    node = unwrap(cond)
    for _ in range(_MAX_NESTING):
        if node.type == "unary_expression" \
                and text(node.child_by_field_name("operator")) == "!" \
                and (argument := node.child_by_field_name("argument")) is not None:
            negated = not negated
            node = unwrap(argument)
        elif node.type == "identifier" \
                and (value := _const_value_before(at, text(node))) is not None \
                and _steady(value, scope):
            node = unwrap(value)
        else:
            break
    return negated, _normalised(text(node))


def _status_choice(sink: Node, scope: Node,
                   statuses: _Statuses | None = None) -> _StatusChoice | None:
    """Return how a condition picks the status ``scope`` answers with at ``sink`` (its chain's
    ``status(X)``, or one set before it: ``_status_set_apart``) when that status is ``C ? a :
    b`` of a 4xx and a 5xx literal, written there or held by a ``const`` (``const status =
    isClientError ? 400 : 500``), and ``C`` holds the same wherever ``scope`` tests it; else
    None."""
    found = _status_set_apart(sink, scope) if sink.type == "call_expression" else None
    if found is None:
        return None
    expr: Node | None = unwrap(found[0])
    if expr is not None and expr.type == "identifier":
        expr = unwrap(_const_value_before(statement_of(found[1]), text(expr)))
    if expr is None or expr.type != "ternary_expression":
        return None
    cond = expr.child_by_field_name("condition")
    codes = [_literal_status(expr.child_by_field_name(field), statuses)
             for field in ("consequence", "alternative")]
    first, second = codes
    client_first = isinstance(first, int) and 400 <= first < 500
    client, server = (first, second) if client_first else (second, first)
    if cond is None or not isinstance(client, int) or not isinstance(server, int) \
            or not 400 <= client < 500 or not 500 <= server < 600 or not _steady(cond, scope):
        return None
    return _StatusChoice(cond, client_first, server)


def _chosen_arm(node: Node, scope: Node, choice: _StatusChoice) -> bool | None:
    """Return True when ``node`` runs only where ``choice``'s condition picks the 4xx status,
    False where it picks the 5xx: the innermost branch around it (of a conditional or an
    ``if``) that tests the same condition, or its negation (``_condition_key``). None when no
    branch does."""
    negated, test = _condition_key(choice.condition, statement_of(choice.condition), scope)
    child, cur = node, node.parent
    while cur is not None and cur != scope:
        cond = cur.child_by_field_name("condition") \
            if cur.type in ("if_statement", "ternary_expression") else None
        taken = child == cur.child_by_field_name("consequence")
        if cond is not None and (taken or child == cur.child_by_field_name("alternative")) \
                and _steady(cond, scope):
            branch_negated, branch_test = _condition_key(cond, statement_of(cur), scope)
            if branch_test == test:
                # the status's condition where the branch runs, against the one picking 4xx
                return (taken ^ branch_negated ^ negated) == choice.client_when
        child, cur = cur, cur.parent
    return None


def _test_code(cond: Node, holds: bool) -> tuple[str, bool]:
    """Return (code, binary) of a test that holds where condition ``cond`` does (``holds``)
    or where it does not: ``isClientError``, ``!isClientError``, ``!(a || b)``; ``binary``
    when that code is a binary expression (``a || b``), which prettier breaks after the
    ``:`` of a property holding a conditional on it."""
    node = unwrap(cond)
    if not holds and node.type == "unary_expression" \
            and text(node.child_by_field_name("operator")) == "!" \
            and (argument := node.child_by_field_name("argument")) is not None:
        node, holds = unwrap(argument), True
    code = text(node)
    if node.type in ("ternary_expression", "sequence_expression"):
        code = f"({code})"
    if holds:
        return code, node.type == "binary_expression"
    if node.type not in ("identifier", "member_expression", "subscript_expression",
                         "call_expression", "parenthesized_expression", "unary_expression",
                         "true", "false", "this"):
        code = f"({code})"
    return f"!{code}", False


def _fallback_text(target: Node) -> str | None:
    """Return the literal, as the source writes it, that an expression sends when the error
    has no text (``err.message || 'Failed to save'``, ``?? 'Failed'``); None for none, or an
    empty one."""
    target = unwrap(target)
    if target.type != "binary_expression" \
            or text(target.child_by_field_name("operator")) not in ("||", "??"):
        return None
    right = unwrap(target.child_by_field_name("right"))
    return text(right) if string_value(right) else None


def _dispatch_condition(fn: Node, name: str) -> Node | None:
    """Return the condition ``name.<p> === <key>`` under which function ``fn`` runs when it is
    stored under ``key`` of an object literal bound to a name ``N`` (``const cases = { 'bad-id':
    function () {…} }``) and the function that binds ``N`` uses it only to call
    ``N[name.<p>](…)`` (one property ``p`` throughout) and to test it (``if (N[name.<p>])``,
    ``N.hasOwnProperty(name.<p>)``, ``name.<p> in N``): a lookup table is the ``if`` written
    as data. None when ``N`` is handed on, copied, changed or indexed with anything else, when
    the key is computed, or when ``fn`` takes its own ``name`` that a call does not pass."""
    key = ("dispatch", fn.start_byte, name)
    if key not in _MEMO:
        _memo_put(key, _dispatch_key(fn, name))
    found = _MEMO[key]
    if not isinstance(found, str):
        return None
    cond = parse("javascript", found.encode()).root_node
    while cond.type in ("program", "expression_statement", "parenthesized_expression") \
            and cond.named_children:
        cond = cond.named_children[0]
    return cond if cond.type == "binary_expression" else None


def _dispatch_key(fn: Node, name: str) -> str | None:
    """Return the text of ``_dispatch_condition``'s condition, or None."""
    if fn.type == "method_definition":
        obj, key = fn.parent, fn.child_by_field_name("name")
    elif fn.parent is not None and fn.parent.type == "pair" \
            and fn.parent.child_by_field_name("value") == fn:
        obj, key = fn.parent.parent, fn.parent.child_by_field_name("key")
    else:
        return None
    if obj is None or obj.type != "object" or key is None:
        return None
    if key.type == "property_identifier":
        literal = '"' + text(key) + '"'
    elif key.type == "string" or key.type == "number":
        literal = text(key)
    else:
        return None  # `[KEY]: …`: computed
    if key.type != "number" and (string_value(key) or text(key)).strip("'\"") == "__proto__":
        return None
    decl = obj.parent
    if decl is None or decl.type != "variable_declarator" \
            or decl.child_by_field_name("value") != obj:
        return None
    table = decl.child_by_field_name("name")
    if table is None or table.type != "identifier":
        return None
    if any(n.type == "this" for n in walk(obj)):
        return None  # `this['other-code']()`: one entry runs another under a code not its own
    # the parameter that binds its own `name`, if any: every call must pass the error there
    own = None
    for i, param in enumerate(parameters(fn)):
        bound = _pattern_names(param)
        if name in bound:
            if param.type != "identifier":
                return None
            own = i
    body: Node | None = decl.parent
    while body is not None and body.type not in _FUNCTIONS and body.type != "program":
        body = body.parent
    if body is None:
        return None
    props: set[str] = set()
    calls = 0
    for ident in walk(body):
        if ident.type not in ("identifier", "shorthand_property_identifier") \
                or text(ident) != text(table) or ident == table:
            continue
        use = _table_use(ident, name) if ident.type == "identifier" else None  # `{ cases }`
        if use is None or _rebound_between(ident, body, name):
            return None  # `.catch((err) => table[err.code]())`: another error's code
        prop, call = use
        if prop is not None:
            props.add(prop)
        if call is not None:
            calls += 1
            args = [a for a in (call.child_by_field_name("arguments") or call).named_children
                    if a.type != "comment"]
            if own is not None and (len(args) <= own or args[own].type != "identifier"
                                    or text(args[own]) != name):
                return None
    if not calls or len(props) != 1:
        return None
    return f"{name}.{props.pop()} === {literal}"


def _rebound_between(node: Node, outer: Node, name: str) -> bool:
    """Return True when a function or ``catch`` between ``node`` and ``outer`` binds its own
    ``name``."""
    cur = node.parent
    while cur is not None and cur != outer:
        if cur.type in _FUNCTIONS and any(name in _pattern_names(p) for p in parameters(cur)):
            return True
        if cur.type == "catch_clause" \
                and name in _pattern_names(cur.child_by_field_name("parameter") or cur):
            return True
        cur = cur.parent
    return False


def _table_use(ident: Node, name: str) -> tuple[str | None, Node | None] | None:
    """Return (property of ``name`` it is indexed with, the call when called) for a use of a
    lookup table ``_dispatch_key`` allows, None for any other use."""
    def indexed(node: Node | None) -> str | None:
        node = unwrap(node)
        if node is not None and node.type == "member_expression":
            obj = unwrap(node.child_by_field_name("object"))
            prop = node.child_by_field_name("property")
            if obj is not None and obj.type == "identifier" and text(obj) == name \
                    and prop is not None and prop.type == "property_identifier":
                return text(prop)
        return None

    parent = ident.parent
    if parent is None:
        return None
    if parent.type == "subscript_expression" and parent.child_by_field_name("object") == ident:
        prop = indexed(parent.child_by_field_name("index"))
        if prop is None:
            return None
        outer = parent
        while outer.parent is not None and outer.parent.type == "parenthesized_expression":
            outer = outer.parent
        up = outer.parent
        if up is not None and up.type == "call_expression" \
                and up.child_by_field_name("function") == outer:
            return prop, up
        return (prop, None) if _in_test(outer) else None
    if parent.type == "member_expression" and parent.child_by_field_name("object") == ident \
            and text(parent.child_by_field_name("property")) == "hasOwnProperty":
        call = parent.parent
        args = call.child_by_field_name("arguments") if call is not None \
            and call.type == "call_expression" else None
        named = [a for a in args.named_children if a.type != "comment"] if args else []
        if len(named) == 1 and indexed(named[0]) is not None:
            return indexed(named[0]), None
        return None
    if parent.type == "binary_expression" and text(parent.child_by_field_name("operator")) == "in" \
            and parent.child_by_field_name("right") == ident:
        prop = indexed(parent.child_by_field_name("left"))
        return (prop, None) if prop is not None else None
    if parent.type == "arguments" and parent.parent is not None \
            and text(parent.parent.child_by_field_name("function")) in (
                "Object.hasOwn", "Object.prototype.hasOwnProperty.call",
                "{}.hasOwnProperty.call"):
        named = [a for a in parent.named_children if a.type != "comment"]
        if len(named) == 2 and named[0] == ident and indexed(named[1]) is not None:
            return indexed(named[1]), None
    return None


def _in_test(node: Node) -> bool:
    """Return True when ``node``'s value is only tested: it is (under ``!``, ``&&``, ``||``
    and parentheses) an ``if``'s or ternary's condition or the left side of ``&&``."""
    child, cur = node, node.parent
    while cur is not None:
        if cur.type == "parenthesized_expression" or (
                cur.type == "unary_expression"
                and text(cur.child_by_field_name("operator")) == "!"):
            child, cur = cur, cur.parent
            continue
        if cur.type == "binary_expression" \
                and text(cur.child_by_field_name("operator")) in ("&&", "||"):
            if text(cur.child_by_field_name("operator")) == "&&" \
                    and cur.child_by_field_name("left") == child:
                return True
            child, cur = cur, cur.parent
            continue
        if cur.type in ("if_statement", "ternary_expression", "while_statement") \
                and cur.child_by_field_name("condition") == child:
            return True
        return False
    return False


def _dead_without_next(node: Node, facts: FileFacts | None) -> bool | tuple[str, str]:
    """Return True when ``node`` runs only where a route handler or middleware was called
    without its ``next`` (``next ? next(err) : res.json(err)``, ``if (next) {…} else {…}``,
    ``if (!next) …``, after ``if (next) return next(err)``) and the function that declares
    ``next`` is registered with Express, which always passes it (TypeScript's ``next?`` makes
    no difference): the branch is dead. A function the app calls itself, with or without
    ``next``, proves nothing. Returns (base class, field) when the registration is on
    ``this.<field>`` that only the class's base class (another file) may declare an app."""
    child, cur = node, node.parent
    while cur is not None:
        name = _without_next_branch(cur, child)
        if name is not None:
            found = _registered_binder(cur, name, facts)
            if found is not None:
                return found
        child, cur = cur, cur.parent
    return False


#: ``next``, ``!next``, ``next != null``, ``typeof next === 'function'`` and their opposites.
_NEXT_TEST_RE = lazy_pattern(
    r"^(?P<neg>!)?\s*(?P<name>[\w$]+)$|^(?P<name2>[\w$]+)\s*!==?\s*(?:null|undefined)$"
    r"|^typeof\s+(?P<name3>[\w$]+)\s*===?\s*['\"]function['\"]$")


def _next_test(cond: Node | None) -> tuple[str, bool] | None:
    """Return (name, holds when the function is present) for a condition that tests only
    whether a parameter was passed (``next``, ``!next``, ``next != null``)."""
    if cond is None:
        return None
    value = text(cond).strip()
    while value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    match = _NEXT_TEST_RE.match(value)
    if match is None:
        return None
    name = match.group("name") or match.group("name2") or match.group("name3")
    return name, not match.group("neg")


def _without_next_branch(cur: Node, child: Node) -> str | None:
    """Return the name whose absence ``child`` of ``cur`` runs under: the branch of a ternary
    or ``if`` taken when it is missing, or a statement after ``if (next) return …``."""
    if cur.type in ("ternary_expression", "if_statement"):
        test = _next_test(cur.child_by_field_name("condition"))
        if test is None:
            return None
        name, present = test
        branch = "alternative" if present else "consequence"
        taken = cur.child_by_field_name(branch)
        if taken is not None and cur.type == "if_statement" and taken.type == "else_clause":
            taken = taken.named_children[0] if taken.named_children else None
        if child == cur.child_by_field_name(branch) or child == taken:
            return name
        return None
    if cur.type == "statement_block":
        first = _first_next_return(cur)
        return first[1] if first is not None and first[0] < child.start_byte else None
    return None


def _first_next_return(block: Node) -> tuple[int, str] | None:
    """Return (start, name) of the first ``if (next) return …`` among ``block``'s statements
    (one look per block, kept for the block's other statements), or None."""
    key = ("next-return", block)
    if key in _MEMO:
        return _MEMO[key]  # type: ignore[return-value]
    found: tuple[int, str] | None = None
    for stmt in block.named_children:
        if stmt.type != "if_statement" or stmt.child_by_field_name("alternative") is not None:
            continue
        test = _next_test(stmt.child_by_field_name("condition"))
        body = stmt.child_by_field_name("consequence")
        if test is None or not test[1] or body is None:
            continue
        last = body.named_children[-1] if body.type == "statement_block" \
            and body.named_children else body
        if last.type == "return_statement":
            found = (stmt.start_byte, test[0])
            break
    _memo_put(key, found)
    return found


def _registered_binder(node: Node, name: str, facts: FileFacts | None) \
        -> bool | tuple[str, str] | None:
    """Return True when the nearest function around ``node`` that declares ``name`` takes it
    as its ``next`` (the last of three or four parameters), nothing reassigns it, and the
    function is registered with Express; (base class, field) when that depends on another
    file; None otherwise."""
    cur: Node | None = node.parent
    while cur is not None:
        if cur.type in _FUNCTIONS:
            params = parameters(cur)
            names = [text(p) if p.type == "identifier" else None for p in params]
            if name in names:
                break
            if any(name in _pattern_names(p) for p in params):
                return None  # bound by a destructuring pattern: not Express's argument
        cur = cur.parent
    if cur is None or facts is None:
        return None
    params = parameters(cur)
    if len(params) not in (3, 4) or text(params[-1]) != name \
            or _assigned_in(cur, name):
        return None
    return _registered_with_express(cur, facts)


def _pattern_names(pattern: Node) -> set[str]:
    return {text(n) for n in walk(pattern)
            if n.type in ("identifier", "shorthand_property_identifier_pattern")}


def _assigned_in(fn: Node, name: str) -> bool:
    """Return True when ``fn``'s body assigns ``name`` or declares it again."""
    for n in walk(fn):
        if n.type in ("assignment_expression", "augmented_assignment_expression") \
                and text(n.child_by_field_name("left")) == name:
            return True
        if n.type == "variable_declarator" and text(n.child_by_field_name("name")) == name:
            return True
    return False


#: Methods that register route handlers and middleware on an app or router.
_REGISTERING = HTTP_METHODS | {"use"}


def _registered_with_express(fn: Node, facts: FileFacts) -> bool | tuple[str, str] | None:
    """Return True when function ``fn`` is passed to ``<app>.get/post/…/use(…)`` on a
    receiver proven an Express app or router, inline or by the name it is declared under
    (every other mention of that name in the file being such a registration, and the name not
    exported); (base class, field) for ``this.<field>`` when the class's base class decides."""
    outer = fn
    while outer.parent is not None and outer.parent.type == "parenthesized_expression":
        outer = outer.parent
    if outer.parent is not None and outer.parent.type == "arguments":
        return _express_registration(outer.parent.parent, outer, facts)
    declared = _declared_name(fn)
    if declared is None or fn.parent is None:
        return None
    root = fn
    while root.parent is not None:
        root = root.parent
    decl_name = fn.child_by_field_name("name") if fn.type in (
        "function_declaration", "generator_function_declaration") else None
    if decl_name is None and fn.parent is not None and fn.parent.type == "variable_declarator":
        decl_name = fn.parent.child_by_field_name("name")
    if decl_name is None:
        return None
    registered = False
    for ident in walk(root):
        if ident.type not in ("identifier", "shorthand_property_identifier") \
                or text(ident) != declared or ident == decl_name:
            continue
        args = ident.parent
        if args is None or args.type != "arguments" \
                or _express_registration(args.parent, ident, facts) is not True:
            return None  # called, exported or handed elsewhere: next may be missing
        registered = True
    if re.search(rf"\bexport\b[^;\n]*\b{re.escape(declared)}\b", (root.text or b"").decode(
            "utf-8", "replace")):
        return None
    return True if registered else None


def _express_registration(call: Node | None, arg: Node, facts: FileFacts) \
        -> bool | tuple[str, str] | None:
    """Return True when ``call`` is ``<receiver>.<get/post/…/use>(…)`` with ``arg`` among
    its handlers (after the path of a route) and the receiver is proven an Express app or
    router; (base class, field) when a base class in another file decides."""
    if call is None or call.type != "call_expression":
        return None
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "member_expression" \
            or text(fn.child_by_field_name("property")) not in _REGISTERING:
        return None
    args = call.child_by_field_name("arguments")
    if args is None or not args.named_children or (
            text(fn.child_by_field_name("property")) != "use" and args.named_children[0] == arg):
        return None
    receiver = fn.child_by_field_name("object")
    if receiver is None:
        return None
    if receiver.type == "identifier":
        return True if _express_name(receiver, text(receiver), facts) else None
    if receiver.type == "member_expression" \
            and (obj := receiver.child_by_field_name("object")) is not None \
            and obj.type == "this":
        return _express_field(receiver, text(receiver.child_by_field_name("property")), facts)
    return None


def _express_name(at: Node, name: str, facts: FileFacts) -> bool:
    """Return True when ``name`` is proven an Express app or router at ``at``: bound to
    ``express()``/``Router()`` in the file, imported from one of the project's own modules,
    or a parameter of a function around it typed as one (``app: express.Application``) or
    not typed at all (an app passed in, as route files receive it)."""
    if name in {app.name for app in facts.apps if app.name}:
        return True
    if any(imp.module.startswith(".") and name in imp.locals() for imp in facts.imports):
        return True
    cur = at.parent
    while cur is not None:
        if cur.type in _FUNCTIONS:
            params = cur.child_by_field_name("parameters")
            for param in code_children(params) if params is not None else []:
                pattern = param.child_by_field_name("pattern") or param
                if pattern.type == "identifier" and text(pattern) == name:
                    annotation = param.child_by_field_name("type")
                    return annotation is None or _express_type(annotation, facts)
        cur = cur.parent
    return False


def _express_type_names(facts: FileFacts) -> tuple[set[str], set[str]]:
    """Return (the file's names for the express module, the types it imports from it)."""
    modules = {name for imp in facts.imports if imp.module == "express"
               for name in (imp.default, imp.namespace) if name}
    types = {local for imp in facts.imports if imp.module == "express"
             for imported, local in imp.named.items()
             if imported in ("Application", "Express", "Router", "IRouter")}
    return modules, types


def _express_type(annotation: Node, facts: FileFacts) -> bool:
    """Return True when a type annotation names Express's app or router type
    (``express.Application``, ``Express``, ``Router`` imported from express)."""
    modules, types = _express_type_names(facts)
    value = text(annotation).lstrip(":").strip()
    head, _, tail = value.rpartition(".")
    if head:
        return head in modules and tail in ("Application", "Express", "Router", "IRouter")
    return value in types


def _express_field(receiver: Node, field: str, facts: FileFacts) -> bool | tuple[str, str] | None:
    """Return True when ``this.<field>`` (``receiver``) is an Express app or router of the
    class around it: declared with an Express type, or assigned ``express()``/``Router()``
    or a constructor parameter of such a type; (base class, field) when the class declares
    nothing of the field and extends a class, which may."""
    cls = receiver.parent
    while cls is not None and cls.type not in _CLASS_TYPES:
        cls = cls.parent
    if cls is None:
        return None
    proven = _class_declares_express_field(cls, field, facts)
    if proven is not None:
        return True if proven else None
    heritage = next((c for c in cls.children if c.type == "class_heritage"), None)
    base = heritage.named_children[0] if heritage is not None and heritage.named_children \
        else None
    if base is not None and base.type == "extends_clause":
        base = base.child_by_field_name("value") or (
            base.named_children[0] if base.named_children else None)
    if base is None or base.type != "identifier":
        return None
    return text(base), field


def _class_declares_express_field(cls: Node, field: str, facts: FileFacts) -> bool | None:
    """Return True when class ``cls`` declares ``field`` an Express app or router, False when
    it declares or assigns it otherwise, None when it says nothing of it."""
    body = cls.child_by_field_name("body")
    if body is None:
        return None
    verdict: bool | None = None
    for member in body.named_children:
        if member.type in ("public_field_definition", "field_definition") \
                and text(member.child_by_field_name("name") or member.child_by_field_name(
                    "property")) == field:
            annotation = member.child_by_field_name("type")
            value = member.child_by_field_name("value")
            if (annotation is not None and _express_type(annotation, facts)) \
                    or (value is not None and _creates_app(value, facts)):
                verdict = True if verdict is None else verdict
            elif annotation is not None or value is not None:
                return False
    ctor_types: dict[str, bool] = {}
    for member in body.named_children:
        if member.type != "method_definition" \
                or text(member.child_by_field_name("name")) != "constructor":
            continue
        params = member.child_by_field_name("parameters")
        for param in code_children(params) if params is not None else []:
            pattern = param.child_by_field_name("pattern") or param
            annotation = param.child_by_field_name("type")
            express = annotation is not None and _express_type(annotation, facts)
            ctor_types[text(pattern)] = express
            if text(pattern) == field and any(c.type == "accessibility_modifier"
                                              for c in param.children):
                verdict = express if verdict is None else verdict and express
    for n in walk(body):
        if n.type != "assignment_expression" \
                or text(n.child_by_field_name("left")) != f"this.{field}":
            continue
        value = unwrap(n.child_by_field_name("right"))
        ok = value is not None and (_creates_app(value, facts) or (
            value.type == "identifier" and ctor_types.get(text(value)) is True))
        if not ok:
            return False
        verdict = True if verdict is None else verdict
    return verdict


def _creates_app(value: Node, facts: FileFacts) -> bool:
    """Return True when ``value`` is an ``express()``/``Router()`` call of the file."""
    return value.type == "call_expression" and any(
        app.start == value.start_byte for app in facts.apps)


def _express_field_in_base(ctx: ProjectContext, rel: str, base: str, field: str,
                           depth: int = 0) -> bool:
    """Return True when project class ``base`` (as file ``rel`` names it), or a class it
    extends, declares ``field`` an Express app or router."""
    found = _class_declaration(ctx, rel, base)
    facts = ctx.facts.get(found[0]) if found is not None else None
    if found is None or facts is None or depth > 3:
        return False
    cls_rel, cls = found
    proven = _class_declares_express_field(cls, field, facts)
    if proven is not None:
        return proven
    heritage = next((c for c in cls.children if c.type == "class_heritage"), None)
    names = [text(n) for n in walk(heritage) if n.type == "identifier"] \
        if heritage is not None else []
    return len(names) == 1 and _express_field_in_base(ctx, cls_rel, names[0], field, depth + 1)


def _leaks(ctx: FileContext, handlers: frozenset[int] = frozenset(),
           imported: dict[str, int] | None = None) -> Iterator[Leak]:
    """Return the leaks of ``ctx``'s file, each sent value once: the reads of one expression
    the fix replaces as a whole (``err.message || err.stack``) are one leak, the stack's
    when it has one (its fix never keeps the text, even for a 4xx). ``imported``: the
    numbers of the status names the file imports from project modules."""
    chosen: dict[tuple[int, int], Leak] = {}
    statuses = _file_statuses(ctx.tree.root_node, ctx.source, ctx.facts, imported)
    for leak in _node_leaks(ctx, handlers, statuses):
        whole = _whole_expression(leak.node)
        key = (whole.start_byte, whole.end_byte)
        if key not in chosen or (leak.leak == "stack" and chosen[key].leak != "stack"):
            chosen[key] = leak
    # The whole error sent in an answer is reported without a fix: a fix of that answer's
    # message or stack would leave the error going out, and its log line unwritten (the
    # error would still be "visible" there).
    whole_errors = {leak.sink.start_byte: leak.node for leak in chosen.values()
                    if leak.leak == "error" and leak.envelope is None}
    for leak in sorted(chosen.values(), key=lambda leak: leak.node.start_byte):
        sent = whole_errors.get(leak.sink.start_byte) if leak.leak != "error" else None
        yield leak._replace(whole_error=sent) if sent is not None else leak


def _stringified(node: Node) -> bool:
    """Return True when ``node`` is the only argument of ``String(…)``."""
    args = node.parent
    call = args.parent if args is not None and args.type == "arguments" else None
    fn = call.child_by_field_name("function") if call is not None else None
    return fn is not None and fn.type == "identifier" and text(fn) == "String" \
        and args is not None and args.named_child_count == 1


#: Response methods that write their argument as it is: Node's ``res.end``/``res.write``
#: (Express keeps them) accept only a string, a Buffer or a Uint8Array.
_CHUNK_METHODS = frozenset({"end", "write"})


def _refused_chunk(node: Node, sink: tuple[str, Node]) -> bool:
    """Return True when the error ``node`` reaches the ``res.end``/``res.write`` call of
    ``sink`` as an object (``res.end(err)``, ``res.write({ error: err })``): Node throws
    ERR_INVALID_ARG_TYPE on anything but a string, a Buffer or a Uint8Array, and sends none
    of it. A text built from the error (``String(err)``, ``escapeHtml(err)``) is sent."""
    method, call = sink
    args = call.child_by_field_name("arguments") if call.type == "call_expression" else None
    if method not in _CHUNK_METHODS or args is None:
        return False
    cur = node
    while cur.parent is not None and cur.parent != args:
        if cur.parent.type not in ("pair", "object", "array", "parenthesized_expression"):
            return False  # a call's result or anything else may be text
        cur = cur.parent
    return cur.parent == args


def _node_leaks(ctx: FileContext, handlers: frozenset[int] = frozenset(),
                statuses: _Statuses | None = None) -> Iterator[Leak]:
    """Return the leaks of ``ctx``'s file, each node once."""
    _MEMO.clear()  # what the last file kept (and its tree) is not needed again
    seen: set[int] = set()
    for scope, name, kind in _error_scopes(ctx.tree.root_node, ctx.lang, ctx.source,
                                           _registered_names(ctx.facts), handlers):
        unmounted = _unmounted_exports(scope, ctx.tree.root_node, ctx.source) \
            if kind == "handler" and scope.start_byte not in handlers else None
        if unmounted == ():
            continue  # a handler nothing can register (neither named nor exported): dead code
        for node in walk(scope):
            if node.start_byte in seen:
                continue
            leak = None
            if node.type == "member_expression":
                obj = node.child_by_field_name("object")
                prop = text(node.child_by_field_name("property"))
                if obj is not None and obj.type == "identifier" and text(obj) == name \
                        and prop in ("stack", "message"):
                    leak = prop
                elif obj is not None and obj.type == "identifier" and prop in ("stack", "message") \
                        and _copied_field(scope, text(obj), prop, name, node):
                    leak = prop  # `let error = { ...err }; error.message = err.message`
            elif node.type == "identifier" and text(node) == name and node.parent is not None \
                    and node.parent.type in ("arguments", "pair", "shorthand_property_identifier"):
                # `String(err)` is the error's text ("Error: …", or a thrown string), not
                # the object with its fields
                leak = "message" if _stringified(node) else "error"
            elif node.type == "shorthand_property_identifier" and text(node) == name:
                leak = "error"
            if leak is None:
                continue
            sink = _sink(node, scope)
            if sink is None or _guarded(node, scope):
                continue
            if leak == "error" and _refused_chunk(node, sink):
                continue  # `res.end(err)` throws ERR_INVALID_ARG_TYPE: nothing is sent
            dead = _dead_without_next(node, ctx.facts)
            if dead is True:
                continue  # `next ? next(err) : res.json(err)` in a route: Express passes next
            registrar = dead if isinstance(dead, tuple) else None
            _, sink_node = sink
            status = _status_of(sink_node, statuses) \
                if sink_node.type == "call_expression" else None
            if kind == "handler" and status is None and sink_node.type == "call_expression":
                # `res.status(500); res.json({ message: err.message })`: the status set before
                # the answer on every path is the one it goes with
                apart = _status_set_apart(sink_node, scope)
                known = _literal_status(apart[0], statuses) if apart is not None else None
                status = known if isinstance(known, int) else None
            choice = _status_choice(sink_node, scope, statuses) if leak == "message" else None
            if choice is not None:
                arm = _chosen_arm(node, scope, choice)
                if arm:
                    continue  # `status(C ? 400 : 500)…(C ? err.message : '…')`: 4xx answers only
                if arm is False:
                    status = choice.server  # the branch that answers the 5xx
            if kind == "catch" and leak == "message" and (
                    (isinstance(status, int) and status < 500) or (
                    sink_node.type == "call_expression"
                    and _client_status_apart(sink_node, scope, statuses))):
                continue  # a deliberate client error message, e.g. a validation failure
            # The whole error goes out with every field a driver's error carries (its query,
            # its index and key): only a branch taken for one kind of client error answers
            # with theirs (a validator's `errors`), not a catch answering 4xx to whatever it
            # catches, nor a branch its message picks (`err.message.includes('409')`, `===
            # 'Validation error'`: a driver's text may quote the input or match).
            if (leak == "message" or (leak == "error" and _picked_by_kind(node, scope, name))) \
                    and _in_client_branch(node, scope, name, status, ctx.facts):
                continue  # a branch taken only for client errors: their details are answers
            guards: tuple[_DeferredGuard, ...] = ()
            if kind == "catch" and leak in ("message", "error"):
                # The whole error carries the same reason (a plain Error's JSON is `{}`, a
                # driver's adds its code and query): the operator reads it as the message
                admin = _admin_only_route(scope, ctx.tree.root_node, ctx.facts.imports)
                if admin is True:
                    continue  # an administrators-only route: the error goes to the operator
                guards = tuple(admin) if admin else ()  # the project phase reads their bodies
            if _narrowed_to_string(node, scope, name):
                continue  # `if (typeof err === 'string')`: a message the app threw itself
            if _text_written_by_app(node, scope, name, leak, status):
                continue  # `if (err.message === '404')`: the text sent is the app's literal
            if kind == "catch" and leak in ("message", "error"):
                key = ("app-text", scope.start_byte, status)
                if key not in _MEMO:
                    _memo_put(key, _try_raises_app_text(scope, ctx.facts, status))
                if _MEMO[key]:
                    continue  # `throw new Error('Invalid date')` is the only error that comes
            seen.add(node.start_byte)
            field = _status_field(sink_node, scope, name) if leak == "message" and (
                status == "dynamic" or (kind == "handler" and status is None)) else None
            narrowed = _narrowing_class(node, scope, name) if leak == "message" else None
            flag = _public_flag(node, scope, name) if leak == "message" else None
            envelope = _envelope_gate(node, scope, name) \
                if kind == "catch" and leak == "error" else None
            view = _rendered_local(node, sink_node) if sink[0] == "render" else None
            yield Leak(node, leak, kind, status, sink_node, scope, field, narrowed, registrar,
                       guards, flag, envelope, choice, unmounted, view=view)


def _copied_field(scope: Node, local: str, prop: str, name: str, use: Node) -> bool:
    """Return True when ``local.prop`` at ``use`` holds the error's own ``prop``: ``local`` is
    declared once in ``scope`` with an object literal (``let error = { ...err }``: a spread
    copies only enumerable fields, never ``message`` or ``stack``), never assigned as a whole,
    and a statement of ``scope``'s own body before ``use`` sets ``local.prop = name.prop`` (or
    ``name.prop || …``), the only write of that field."""
    body = scope.child_by_field_name("body")
    if body is None or body.type != "statement_block" or local == name:
        return False
    declared = [decl for decl in walk(body) if decl.type == "variable_declarator"
                and text(decl.child_by_field_name("name")) == local]
    init = unwrap(declared[0].child_by_field_name("value")) if len(declared) == 1 else None
    if init is None or init.type != "object":
        return False
    writes = []
    for node in walk(body):
        if node.type not in ("assignment_expression", "augmented_assignment_expression"):
            continue
        left = node.child_by_field_name("left")
        if left is None:
            continue
        if left.type == "identifier" and text(left) == local:
            return False  # `error = new ErrorResponse(…)`: another value
        if left.type == "member_expression" and text(left.child_by_field_name("object")) == local \
                and text(left.child_by_field_name("property")) == prop:
            writes.append(node)
    if len(writes) != 1 or writes[0].start_byte > use.start_byte:
        return False
    write = writes[0]
    if write.parent is None or write.parent.type != "expression_statement" \
            or write.parent.parent != body:
        return False  # set in a branch only
    value = unwrap(write.child_by_field_name("right"))
    while value is not None and value.type == "binary_expression" \
            and text(value.child_by_field_name("operator")) in ("||", "??"):
        value = unwrap(value.child_by_field_name("left"))
    return value is not None and value.type == "member_expression" \
        and text(value.child_by_field_name("object")) == name \
        and text(value.child_by_field_name("property")) == prop


#: Calls that throw nothing of the server's in a ``try`` whose catch sends the message: logging,
#: the response's own methods, conversions of a value.
_INERT_RECEIVERS = frozenset({"console", "logger", "log", "winston", "debug", "res", "response",
                              "resp", "reply"})
_INERT_FUNCTIONS = frozenset({"Number", "String", "Boolean", "parseInt", "parseFloat", "isNaN",
                              "debug"})
#: Fields of the request that hold what the caller sent.
_REQUEST_INPUT = frozenset({"query", "params", "body", "headers", "cookies", "path", "url",
                            "originalUrl", "method", "hostname"})
#: Methods of the request that read it and throw nothing: ``req.get('authorization')``.
_REQUEST_READS = frozenset({"get", "header", "is", "accepts"})
#: Packages whose verify errors are written for the caller (``jwt expired``, ``invalid
#: signature``): JsonWebTokenError and TokenExpiredError carry only their name, message and
#: dates.
_CLIENT_ERROR_PACKAGES = frozenset({"jsonwebtoken"})
#: Validation libraries whose errors describe what the caller sent: zod's ZodError (its
#: issues: path, code, message, expected and received types), joi's, yup's and
#: superstruct's ValidationError (the details of the value sent), class-validator's list.
_VALIDATOR_PACKAGES = frozenset({"zod", "joi", "@hapi/joi", "yup", "superstruct", "valibot",
                                 "class-validator"})
#: Their methods that throw on invalid input: ``schema.parse(req.body)``,
#: ``schema.parseAsync(…)``, ``schema.validateAsync(…)``, ``schema.validate(…)`` (yup),
#: ``Joi.attempt(…)``, ``Joi.assert(…)``.
_VALIDATOR_METHODS = frozenset({"parse", "parseAsync", "validateAsync", "validateSync",
                                "validate", "attempt", "assert"})
#: An error the application builds from its own text: ``new Error('…')``, ``new
#: HttpError(400, '…')``, ``createError(400, '…')``.
_ERROR_MAKER = lazy_pattern(r"(?:^|\.)(?:\w*Error|\w*Exception|createError|createHttpError)$")


def _app_text(node: Node, request: set[str], depth: int = 0) -> bool:
    """Return True when ``node`` is text the application wrote: a literal, or a template or
    `+` of literals and the request's own values (``req.query.tz``: the caller's input)."""
    if depth > _MAX_NESTING:
        return False
    if node.type in ("string", "number"):
        return True
    if node.type == "parenthesized_expression" and node.named_children:
        return _app_text(node.named_children[0], request, depth + 1)
    if node.type == "template_string":
        return all(_app_text(sub.named_children[0], request, depth + 1)
                   if sub.named_children else False
                   for sub in node.named_children if sub.type == "template_substitution")
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        return all(side is not None and _app_text(side, request, depth + 1)
                   for side in (node.child_by_field_name("left"),
                                node.child_by_field_name("right")))
    if node.type == "member_expression":
        # The caller's own input (`req.query.tz`), not what the app hangs on the request
        # (`req.app.locals`, `req.user`, a session).
        first = node
        while first.type == "member_expression":
            obj = first.child_by_field_name("object")
            if obj is None or obj.type == "identifier":
                break
            first = obj
        obj = first.child_by_field_name("object")
        return obj is not None and obj.type == "identifier" and text(obj) in request \
            and text(first.child_by_field_name("property")) in _REQUEST_INPUT
    return False


def _app_error(node: Node | None, request: set[str]) -> bool:
    """Return True when ``node`` makes an error of the application's own text."""
    while node is not None and node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    if node is None:
        return False
    if node.type in ("string", "template_string", "binary_expression"):
        return _app_text(node, request)
    if node.type not in ("new_expression", "call_expression"):
        return False
    callee = node.child_by_field_name("constructor") or node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    return callee is not None and args is not None \
        and callee.type in ("identifier", "member_expression") \
        and _ERROR_MAKER.search(text(callee)) is not None \
        and all(_app_text(arg, request) for arg in args.named_children)


def _try_raises_app_text(scope: Node, facts: FileFacts | None, status: int | None | str) -> bool:
    """Return True when the only errors that can reach catch block ``scope`` are messages the
    application wrote for its caller: every ``throw`` in its ``try`` raises an error of
    literal text (and the request's own values), and every call there is logging, the
    response's own methods, a conversion, the handler's ``next()`` (Express catches what the
    next handler throws), or (answered with a literal 4xx) jsonwebtoken's ``verify``, whose
    reasons are written for the client, or, in a file that imports a validation library
    (``_VALIDATOR_PACKAGES``), a schema's check of the request (``schema.parse(req.body)``,
    awaited or not), whose error describes what the caller sent. An ``await`` of anything
    else, any other call or constructor, a ``yield`` or a rethrow may carry a driver's or the
    system's text: no."""
    clause = scope.parent
    if clause is None or clause.type != "catch_clause" or clause.parent is None:
        return False
    block = clause.parent.child_by_field_name("body")
    if block is None:
        return False
    request: set[str] = set()
    nexts: set[str] = set()  # a handler's third parameter: `next`
    cur = clause.parent.parent
    while cur is not None:
        if cur.type in _FUNCTIONS:
            params = parameters(cur)
            if params and params[0].type in ("identifier", "required_parameter"):
                first = text(params[0]).split(":")[0].strip()
                if first in ("req", "request"):
                    request.add(first)
                    if len(params) == 3 and params[2].type in ("identifier",
                                                               "required_parameter"):
                        nexts.add(text(params[2]).split(":")[0].strip())
        cur = cur.parent
    # jsonwebtoken bound as a module (`jwt.verify`) or its verify by name (`verify(…)`).
    client_packages: set[str] = set()
    verify_names: set[str] = set()
    validates = False  # the file imports a validation library
    if isinstance(status, int) and 400 <= status < 500 and facts is not None:
        for imp in facts.imports:
            if imp.module in _CLIENT_ERROR_PACKAGES:
                client_packages |= {n for n in (imp.default, imp.namespace) if n}
                verify_names |= {local for exported, local in imp.named.items()
                                 if exported == "verify"}
            validates = validates or imp.module in _VALIDATOR_PACKAGES

    def checks_request(call: Node) -> bool:
        """Return True for a schema's check of the request: ``schema.parse(req.body)``."""
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if not validates or fn is None or fn.type != "member_expression" or args is None \
                or text(fn.child_by_field_name("property")) not in _VALIDATOR_METHODS:
            return False
        return any(part.type == "member_expression"
                   and text(part.child_by_field_name("object")) in request
                   and text(part.child_by_field_name("property")) in _REQUEST_INPUT
                   for part in walk(args))
    raised = False
    root = scope
    while root.parent is not None:
        root = root.parent
    followed: set[int] = set()  # the file's own functions whose bodies are judged too
    stack = [block]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in _FUNCTIONS or kind == "class_body":
            if node.start_byte in followed and (body := node.child_by_field_name("body")):
                stack.append(body)  # a helper of this file that the try calls
            continue  # runs only when called, and the call is judged
        if kind == "await_expression":
            awaited = unwrap(node.named_children[0]) if node.named_children else None
            if awaited is None or awaited.type != "call_expression" \
                    or not checks_request(awaited):
                return False
        elif kind == "yield_expression":
            return False
        if kind == "throw_statement":
            if not node.named_children or not _app_error(node.named_children[0], request):
                return False
            raised = True
            continue  # its arguments are literal text
        if kind == "new_expression":
            if text(node.child_by_field_name("constructor")) != "Date":
                return False
        elif kind == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is None:
                return False
            obj = fn.child_by_field_name("object")
            prop = text(fn.child_by_field_name("property"))
            receiver = text(obj) if obj is not None and obj.type == "identifier" else None
            helper = _defined(root, text(fn)) if fn.type == "identifier" else None
            if (fn.type == "identifier" and text(fn) in verify_names) \
                    or (receiver in client_packages and prop == "verify"):
                raised = True  # jsonwebtoken's verify: its reasons are the client's
            elif checks_request(node):
                raised = True  # a validation error: it describes what the caller sent
            elif fn.type == "identifier" and text(fn) in nexts:
                pass  # `next()`: Express catches what the next handler throws
            elif helper is not None and helper.type in ("function_declaration",) \
                    and helper.child_by_field_name("body") is not None:
                # `checkInput(req.body)`, a function declared in this file: its throws and
                # calls are judged as the try's own (each body once; a call it makes to a
                # library or another module still says no).
                if helper.start_byte not in followed:
                    if len(followed) >= 8:
                        return False
                    followed.add(helper.start_byte)
                    stack.append(helper)
            elif not ((fn.type == "identifier" and text(fn) in _INERT_FUNCTIONS)
                      or (fn.type == "member_expression" and _root_name(fn) in _INERT_RECEIVERS)
                      or (receiver in request and prop in _REQUEST_READS)):
                return False
        stack.extend(reversed(node.named_children))
    return raised


#: A role that only the instance's operators hold: ``'admin'``, ``ROLES.admin``,
#: ``Role.SuperAdmin``, ``ADMIN``.
_ADMIN_ROLE = lazy_pattern(r"(?i)^(?:super_?|sys_?)?admin(?:istrator)?s?$|^superuser$")
#: A guard named for administrators alone: ``requireAdmin``, ``isAdmin``, ``adminOnly``,
#: ``ensureSuperAdmin``, ``admin_required``. A name with another role or an "or" in it
#: (``isAdminOrSelf``, ``adminOrOwner``) admits more than administrators: not one.
_ADMIN_GUARD = lazy_pattern(
    r"(?i)^(?:require|ensure|is|must_?be|check|only|verify|assert|restrict_?to)?_?"
    r"(?:super_?|sys_?)?admin(?:istrator)?"
    r"(?:_?(?:only|required|guard|check|auth|middleware|access))?$")
#: The callee of a guard built from roles: ``flexUserRoleValid([ROLES.admin])``,
#: ``authorize('admin')``, ``checkRole(['admin'])``, ``requirePermission(Role.Admin)``.
_ROLE_GUARD_CALL = lazy_pattern(r"(?i)role|auth|permi|access|allow|guard|require|restrict")
#: Express methods that register a route's chain of handlers.
_ROUTE_METHODS = HTTP_METHODS | {"use"}


def _project_class_tested(ctx: FileContext, scope: Node, name: str | None) -> str | None:
    """Return the class of the project's own code that handler ``scope`` tests its error
    against (``err instanceof InteroperableError``, ``err instanceof errors.AppError``): one
    declared in the file, or bound from a relative ``require``/``import``; None when it tests
    none, or only the language's and packages' classes."""
    if name is None:
        return None
    source = ctx.source.decode("utf-8", "replace")
    for node in walk(scope):
        if node.type != "binary_expression" or text(node.child_by_field_name("left")) != name:
            continue
        op = node.child_by_field_name("operator")
        right = node.child_by_field_name("right")
        if op is None or text(op) != "instanceof" or right is None:
            continue
        root = _root_name(right)
        if not root:
            continue
        bound = re.escape(root)
        if re.search(rf"\bclass\s+{bound}\b", source) or re.search(
                rf"(?:const|let|var)\s+(?:{bound}\b|\{{[^}}]*\b{bound}\b[^}}]*\}})\s*=\s*"
                rf"require\(\s*['\"]\.\.?/", source) or re.search(
                rf"import\s+(?:\*\s+as\s+)?(?:{bound}\b|\{{[^}}]*\b{bound}\b[^}}]*\}})"
                rf"[^;'\"]*from\s*['\"]\.\.?/", source):
            return text(right)
    return None


def _in_error_handler(scope: Node) -> bool:
    """Return True when catch ``scope`` lies inside an error handler (a four-parameter
    function shaped like one): its answer is the final handler's, not a route's."""
    cur = scope.parent
    while cur is not None:
        if cur.type in _FUNCTIONS:
            params = parameters(cur)
            if len(params) == 4 and params[0].type == "identifier" \
                    and _handler_shaped(cur, params):
                return True
        cur = cur.parent
    return False


#: A guard that lives in another file of the project, to be read in the project phase:
#: (the module as imported, the name it exports or None for the module itself, True when the
#: route calls it as a factory of the middleware).
_ProjectGuard = tuple[str, str | None, bool]
#: What authenticates a request earlier in a route's chain, for an administrators' guard
#: that lets every request through in a mode of the instance (``_instance_mode``): a guard
#: of another project file to be read in the project phase, or ``_SEEN`` when the file shows
#: one (``passport.authenticate('jwt')``, a function of the file that answers 401).
_AuthRef = tuple[str, str | None, bool]
_SEEN: _AuthRef = ("", None, False)
#: A guard of another file with what authenticates before it (``_AuthRef``); a module of
#: "" is a guard of this file that denies but in a mode of the instance.
_DeferredGuard = tuple[str, str | None, bool, tuple[_AuthRef, ...]]
#: The module of a deferred guard that stands for the route's authentication alone: credited
#: where everyone who signs in runs the instance (``_operator_only``).
_OPERATOR = "<signed in>"
#: The module of a deferred guard that stands for the calls of a function the route is
#: registered in (``export function register(app) { app.post('/api/admin/x', …) }``): its
#: name is ``_registrar_key``'s, and every call of it must come after an administrators' guard
#: on the app it is given, for a path the route lies under (``_registered_behind_guard``).
_REGISTERED = "<registered by>"
#: Names of package middleware that authenticate a request (their names are what can be
#: read): ``passport.authenticate``, ``requireAuth``, ``ensureLoggedIn``, ``checkJwt``.
_AUTH_NAME = lazy_pattern(r"(?i)^(?:authenticate|(?:is|require|requires|ensure|check|verify|"
                          r"validate)_?(?:auth(?:enticated)?|logged_?in|signed_?in|jwt|token|"
                          r"session|user)|jwt|auth)$")
#: Packages whose middleware (any export, called) authenticates: express-jwt's ``jwt()``,
#: express-oauth2-jwt-bearer's ``auth()``.
_AUTH_PACKAGES = frozenset({"passport", "express-jwt", "express-oauth2-jwt-bearer",
                            "connect-ensure-login", "express-openid-connect"})
#: Words of a guard name that turn it around: ``denyRole('admin')`` lets everyone but
#: administrators through.
_NEGATION_WORDS = frozenset({"deny", "denies", "denied", "except", "exclude", "excluding",
                             "not", "no", "non", "block", "blocked", "forbid", "forbidden",
                             "reject", "ban", "banned", "disallow", "prevent", "without",
                             "unless", "skip", "ignore"})
#: A condition that reads the user's role or an administrator flag.
_ROLE_READ = lazy_pattern(r"(?i)role|admin|superuser|permission|privilege|is_?staff")
#: A status a guard denies with, named: ``HttpStatus.FORBIDDEN``, ``StatusCodes.UNAUTHORIZED``.
_DENY_STATUS_NAME = lazy_pattern(r"(?i)forbidden|unauthori[sz]ed")
_UNAUTHORIZED_NAME = lazy_pattern(r"(?i)unauthori[sz]ed")


def _name_words(name: str) -> set[str]:
    """Return the lower-case words of a camelCase or snake_case name."""
    return {w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)}


def _negated_name(name: str) -> bool:
    """Return True when a guard's name says it turns its roles away (``denyRole``,
    ``exceptRoles``, ``notAdmin``, ``block_roles``)."""
    return bool(_name_words(name) & _NEGATION_WORDS)


def _guard_name(node: Node) -> str:
    """Return the name a guard is called by: ``requireAdmin``, ``auth.isAdmin`` → isAdmin."""
    if node.type == "member_expression":
        return text(node.child_by_field_name("property"))
    return text(node) if node.type == "identifier" else ""


def _admin_roles(args: Node) -> bool:
    """Return True when a role guard's arguments name roles and every one is an
    administrator's (``[ROLES.admin]``, ``'admin', 'superadmin'``; not ``ROLES.all``)."""
    roles: list[Node] = []
    for arg in args.named_children:
        arg = unwrap(arg)
        roles.extend(arg.named_children if arg.type == "array" else [arg])
    if not roles:
        return False
    for role in roles:
        role = unwrap(role)
        if role.type == "member_expression":
            value: str | None = text(role.child_by_field_name("property"))
        elif role.type == "identifier":
            value = text(role)
        else:
            value = string_value(role)
        if value is None or not _ADMIN_ROLE.match(value):
            return False
    return True


def _definitions(root: Node) -> dict[str, list[Node]]:
    """Return what each name of ``root``'s file is defined as, anywhere in it: a function
    declaration's node, a declarator's value but a ``require`` (one walk, kept)."""
    key = ("definitions", root)
    if key in _MEMO:
        return _MEMO[key]  # type: ignore[return-value]
    found: dict[str, list[Node]] = {}
    for node in walk(root):
        if node.type in ("function_declaration", "generator_function_declaration"):
            found.setdefault(text(node.child_by_field_name("name")), []).append(node)
        elif node.type == "variable_declarator":
            name = node.child_by_field_name("name")
            value = unwrap(node.child_by_field_name("value"))
            if name is not None and name.type == "identifier" and value is not None \
                    and not (value.type == "call_expression"
                             and text(value.child_by_field_name("function")) == "require"):
                found.setdefault(text(name), []).append(value)  # a require is an import
    _memo_put(key, found)
    return found


def _defined(root: Node, name: str) -> Node | None:
    """Return the one definition of ``name`` in ``root``'s file, or None (none, several)."""
    found = _definitions(root).get(name, [])
    return found[0] if len(found) == 1 else None


def _import_binding(imports: Iterable[ImportFact], name: str) -> tuple[str, str | None] | None:
    """Return (module, exported name or None for the module itself) of the import that binds
    local ``name``, or None."""
    for imp in imports:
        if imp.default == name or imp.namespace == name:
            return imp.module, None
        for exported, local in imp.named.items():
            if local == name:
                return imp.module, exported
    return None


def _relative(module: str) -> bool:
    return module.startswith((".", "/"))


def _guard_verdict(node: Node, root: Node, imports: Iterable[ImportFact], depth: int = 0,
                   auth: tuple[_AuthRef, ...] = ()) -> bool | list[_DeferredGuard]:
    """Judge middleware ``node`` of a route's chain: True when it admits administrators only,
    False when it does not or this cannot be seen, else the guards of other project files
    whose bodies decide it (the project phase reads them).

    A guard written in place (an inline function) is judged by its body (``_guard_denies``).
    Otherwise it must be named for administrators (``requireAdmin``, ``auth.isAdmin``) or be a role
    guard called with administrators' roles only (``roleGuard([ROLES.admin])``) whose name
    does not turn them around (``denyRole('admin')``). Defined in this file, its body must
    deny (``_guard_denies``); imported from a package, its name is trusted; from another
    project file, that file's body decides; from nowhere to be seen (a parameter), it is
    not credited. A body that lets every request through in a mode of the instance counts
    only where ``auth`` (what authenticates earlier in the chain) does."""
    node = unwrap(node)
    if depth > 3:
        return False
    if node.type == "array":
        found: list[_DeferredGuard] = []
        for item in node.named_children:
            verdict = _guard_verdict(item, root, imports, depth + 1, auth)
            if verdict is True:
                return True
            if verdict:
                found.extend(verdict)
        return found
    factory = False
    if node.type == "call_expression":
        callee = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if callee is None or args is None or args.type != "arguments":
            return False
        name = _guard_name(callee)
        if _negated_name(name) or not (
                (_ADMIN_GUARD.match(name) and not args.named_children)
                or (_ROLE_GUARD_CALL.search(name) and _admin_roles(args))):
            return False
        factory, node = True, callee
    elif node.type in ("identifier", "member_expression"):
        name = _guard_name(node)
        if not _ADMIN_GUARD.match(name):
            return False
    elif node.type in _FUNCTIONS:
        # A guard written in the call (`app.all('/api/admin/{*path}', (req, res, next) =>
        # …)`): its body shows whom it lets through.
        return _guard_denies(node)
    else:
        return False
    if node.type == "identifier":
        defined = _defined(root, name)
        if defined is not None:
            if factory:
                inner = _returned_middleware(defined)
            elif defined.type == "call_expression":
                return _guard_verdict(defined, root, imports, depth + 1, auth)
            else:
                inner = defined if defined.type in _FUNCTIONS else None
            if inner is None:
                return False
            if _guard_denies(inner):
                return True
            if not auth or not _guard_denies(inner, modes=True):
                return False
            # Denies but in a mode of the instance: what authenticates before it decides.
            return True if _SEEN in auth else [("", None, False, auth)]
        if _definitions(root).get(name):
            return False  # defined more than once: which one runs is not seen
        bound = _import_binding(imports, name)
    elif node.type == "member_expression":
        obj = node.child_by_field_name("object")
        if obj is None or obj.type != "identifier" or _definitions(root).get(text(obj)):
            return False
        binding = _import_binding(imports, text(obj))
        bound = (binding[0], name) if binding is not None and binding[1] is None else None
    else:
        return False
    if bound is None:
        return False  # a parameter, a global: its body cannot be seen
    module, exported = bound
    if not _relative(module):
        return True  # a package's guard: its name is what can be read
    return [(module, exported, factory, auth)]


def _returned_middleware(factory: Node) -> Node | None:
    """Return the middleware a guard factory returns: an arrow's function body, or the function
    of a ``return`` in its own body."""
    if factory.type not in _FUNCTIONS:
        return None
    body = factory.child_by_field_name("body")
    body = unwrap(body) if body is not None else None
    if body is not None and body.type in _FUNCTIONS:
        return body
    if body is None or body.type != "statement_block":
        return None
    returned = [unwrap(stmt.named_children[0]) for stmt in body.named_children
                if stmt.type == "return_statement" and stmt.named_children]
    functions = [value for value in returned if value is not None and value.type in _FUNCTIONS]
    return functions[0] if len(functions) == 1 and len(returned) == 1 else None


def _guard_denies(fn: Node, modes: bool = False) -> bool:
    """Return True when middleware ``fn`` (``(req, res, next)``) is seen to turn requests
    away: some branch answers a 4xx, redirects, throws or calls ``next(err)``, and every
    ``next()`` runs only where a condition on the user's role or an administrator flag holds
    (``if (req.user.role !== 'admin') return res.sendStatus(403); next()``), or, with
    ``modes``, a mode of the instance that reads nothing of the request (``_instance_mode``;
    the caller credits it only behind an authentication). A guard that
    only logs or sets a flag and calls ``next()`` (or hands ``next`` on) admits everyone."""
    params = parameters(fn)
    if len(params) != 3 or params[2].type != "identifier":
        return False
    nxt = text(params[2])
    body = fn.child_by_field_name("body")
    if body is None:
        return False
    denies = False
    passes: list[Node] = []
    for node in walk(body):
        if node.type == "throw_statement":
            denies = True
        elif node.type == "identifier" and text(node) == nxt:
            call = node.parent
            if call is None or call.type != "call_expression" \
                    or call.child_by_field_name("function") != node:
                return False  # `next` handed on or kept: who calls it is not seen
            args = call.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children \
                else None
            if first is None:
                passes.append(call)
            elif string_value(first) not in ("route", "router"):
                denies = True  # next(err), next(createError(403))
        elif node.type == "call_expression":
            callee = node.child_by_field_name("function")
            prop = text(callee.child_by_field_name("property")) \
                if callee is not None and callee.type == "member_expression" else ""
            args = node.child_by_field_name("arguments")
            first = unwrap(args.named_children[0]) if args is not None \
                and args.named_children else None
            if prop == "redirect" or (prop in ("status", "sendStatus") and first is not None and (
                    (first.type == "number" and text(first).isdigit()
                     and 400 <= int(text(first)) < 500)
                    or _DENY_STATUS_NAME.search(text(first)))):
                denies = True
    return denies and bool(passes) and all(_runs_for_role(call, fn, modes) for call in passes)


def _runs_for_role(call: Node, fn: Node, modes: bool = False) -> bool:
    """Return True when ``call`` (a ``next()``) runs only where a condition reading the user's
    role or an administrator flag holds: it lies in the branch of an ``if``, ``?:`` or
    ``&&``/``||`` taken then, or after an ``if`` that returns or throws when it fails."""
    child, cur = call, call.parent
    tests: list[tuple[Node, bool]] = []
    while cur is not None and cur != fn:
        if cur.type in ("if_statement", "ternary_expression"):
            cond = cur.child_by_field_name("condition")
            if cond is not None and child == cur.child_by_field_name("consequence"):
                tests.append((cond, True))
            elif cond is not None and child == cur.child_by_field_name("alternative"):
                tests.append((cond, False))
        elif cur.type == "binary_expression" \
                and child == cur.child_by_field_name("right"):
            op = text(cur.child_by_field_name("operator"))
            left = cur.child_by_field_name("left")
            if op in ("&&", "||") and left is not None:
                tests.append((left, op == "&&"))
        elif cur.type == "statement_block":
            for stmt in cur.named_children:
                if stmt.start_byte >= child.start_byte:
                    break
                cond = stmt.child_by_field_name("condition") \
                    if stmt.type == "if_statement" else None
                if cond is not None and stmt.child_by_field_name("alternative") is None \
                        and _exits(stmt.child_by_field_name("consequence")):
                    tests.append((cond, False))
        child, cur = cur, cur.parent
    return any(_asserts_role(cond, holds) or (modes and _instance_mode(cond, fn))
               for cond, holds in tests)


#: Names that carry who the request comes from: a test of one is a test of the user.
_USER_NAMES = frozenset({"user", "currentuser", "session", "account", "token", "auth", "jwt",
                         "authenticated", "isauthenticated", "authorized", "isauthorized",
                         "loggedin", "isloggedin", "login", "identity", "claims", "principal",
                         "apikey", "me", "member", "owner", "userid", "uid"})


def _instance_mode(cond: Node | None, fn: Node) -> bool:
    """Return True when ``cond`` tests a mode of the instance, the same for every request:
    it names something (``multiUserMode``, ``config.rbac``), and neither it nor the locals it
    reads (one level: ``const multiUserMode = res.locals?.multiUserMode ?? await
    Settings.isMultiUserMode()``) name the request parameter or the user, a session or a
    token. AnythingLLM's guards let every request through when the instance runs in
    single-user mode, where there are no roles to tell apart.

    The test must read a setting that can be either way: the truth of a name, a field or a
    method's answer (``!multiUserMode``, ``!config.rbac``, ``await isMultiUserMode()``), not a
    comparison (``Date.now() > 0``, ``NODE_ENV !== 'production'``), a literal, a name bound
    to a literal (``const OPEN = true``) or a global's value (``Date.now()``)."""
    params = parameters(fn)
    request = text(params[0]) if params else ""
    if not _setting_test(cond, fn):
        return False
    assert cond is not None
    names: list[str] = []
    for node in walk(cond):
        if node.type in ("identifier", "property_identifier", "shorthand_property_identifier"):
            names.append(text(node))
    if not names:
        return False
    for name in list(names):
        for value in _definitions(fn).get(name, []):
            names.extend(text(n) for n in walk(value) if n.type in (
                "identifier", "property_identifier", "shorthand_property_identifier"))
    return not any(name == request or name.lower() in _USER_NAMES for name in names)


#: Globals whose values are no setting of the instance: ``Date.now()``, ``Math.random()``.
_GLOBAL_OBJECTS = frozenset({"Date", "Math", "Number", "JSON", "String", "Boolean", "Object",
                             "Array", "globalThis", "performance", "crypto"})


def _setting_test(cond: Node | None, fn: Node) -> bool:
    """Return True when ``cond`` tests the truth of a setting (``_instance_mode``): a name, a
    field or a call of one, negated or awaited; a name of the function or the file must not
    be bound to a literal or a literal's computation."""
    cond = unwrap(cond)
    for _ in range(_MAX_NESTING):
        if cond is None:
            return False
        if cond.type == "unary_expression" and text(cond.child_by_field_name("operator")) == "!":
            cond = unwrap(cond.child_by_field_name("argument"))
        elif cond.type == "await_expression" and cond.named_children:
            cond = unwrap(cond.named_children[0])
        else:
            break
    if cond is None:
        return False
    target = cond.child_by_field_name("function") if cond.type == "call_expression" else cond
    if target is None or target.type not in ("identifier", "member_expression"):
        return False
    base = target
    while base.type == "member_expression":
        obj = base.child_by_field_name("object")
        if obj is None:
            return False
        base = unwrap(obj) or obj
    if base.type == "identifier" and text(base) in _GLOBAL_OBJECTS:
        return False
    if cond.type == "identifier":
        root = fn
        while root.parent is not None:
            root = root.parent
        values = _definitions(fn).get(text(cond), []) or _definitions(root).get(text(cond), [])
        for value in values:
            if not any(n.type in ("identifier", "member_expression", "call_expression",
                                  "await_expression") for n in walk(value)):
                return False  # `const OPEN = true`: the same answer whatever is configured
    return True


def _exits(branch: Node | None) -> bool:
    """Return True when ``branch`` ends in a ``return`` or a ``throw``."""
    if branch is not None and branch.type == "statement_block":
        branch = branch.named_children[-1] if branch.named_children else None
    return branch is not None and branch.type in ("return_statement", "throw_statement")


def _asserts_role(cond: Node | None, holds: bool, depth: int = 0) -> bool:
    """Return True when ``cond`` being ``holds`` asserts something of the user's role or an
    administrator flag: ``req.user.isAdmin``, ``roles.includes(user.role)``, ``role ===
    'admin'`` holding, ``role !== 'admin'`` failing; not ``roles.includes(role)`` failing
    (``denyRole``), nor one side of a failing ``&&``."""
    cond = unwrap(cond)
    if cond is None or depth > _MAX_NESTING:
        return False
    if cond.type == "unary_expression" and text(cond.child_by_field_name("operator")) == "!":
        return _asserts_role(cond.child_by_field_name("argument"), not holds, depth + 1)
    if cond.type == "await_expression" and cond.named_children:
        return _asserts_role(cond.named_children[0], holds, depth + 1)
    if cond.type == "binary_expression":
        op = text(cond.child_by_field_name("operator"))
        left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        if op == "&&":
            return holds and (_asserts_role(left, True, depth + 1)
                              or _asserts_role(right, True, depth + 1))
        if op == "||":
            if holds:
                return _asserts_role(left, True, depth + 1) \
                    and _asserts_role(right, True, depth + 1)
            return _asserts_role(left, False, depth + 1) \
                or _asserts_role(right, False, depth + 1)
        if op in ("===", "=="):
            return holds and bool(_ROLE_READ.search(text(cond)))
        if op in ("!==", "!="):
            return not holds and bool(_ROLE_READ.search(text(cond)))
        if op in ("<", "<=", ">", ">=", "in", "instanceof"):
            return bool(_ROLE_READ.search(text(cond)))
        return False
    if cond.type in ("call_expression", "identifier", "member_expression",
                     "subscript_expression"):
        return holds and bool(_ROLE_READ.search(text(cond)))
    return False


def _admin_only_route(scope: Node, root: Node,
                      imports: Iterable[ImportFact]) -> bool | list[_DeferredGuard]:
    """Judge whether ``scope`` (a catch block or callback) runs in a route whose chain admits
    administrators only (``_guard_verdict`` of each guard): a guard among the middleware
    registered before the route's handler (``app.post('/settings',
    [validatedRequest, flexUserRoleValid([ROLES.admin])], async (req, res) => …)``), or one
    the same router uses before the route, for every path or for a path the route's own lies
    under (``router.use(requireAdmin); router.get(…)``). Its message goes to the instance's
    operator, who reads it to mend the instance. A guard that lets every request through in
    a mode of the instance counts only behind an authentication registered before it
    (``_authenticates``). The handler may sit in a wrapper's call. Returns True, False, or the
    guards of other project files that decide it."""
    cur: Node | None = scope
    while cur is not None:
        # The handler in place, or a wrapper's call around it (`error_catcher(async (req, res)
        # => …)`, `asyncHandler(…)`).
        if (cur.type in _FUNCTIONS or cur.type == "call_expression") and cur.parent is not None \
                and cur.parent.type == "arguments":
            args = cur.parent
            call = args.parent
            callee = call.child_by_field_name("function") if call is not None else None
            if call is not None and callee is not None and callee.type == "member_expression" \
                    and text(callee.child_by_field_name("property")) in _ROUTE_METHODS:
                auth: list[_AuthRef] = []
                used = _router_uses_admin_guard(call, callee.child_by_field_name("object"),
                                                root, imports, auth)
                if used is True:
                    return True
                found: list[_DeferredGuard] = list(used or [])
                for arg in args.named_children:
                    if arg.end_byte > cur.start_byte:
                        break
                    unwrapped = unwrap(arg)
                    items = unwrapped.named_children \
                        if unwrapped is not None and unwrapped.type == "array" else [arg]
                    if _credit_guards(items, root, imports, auth, found):
                        return True
                if auth:
                    # Signed in: the operator's own, where every user runs the instance
                    # (``_operator_only``, read in the project phase).
                    found.append((_OPERATOR, None, False, tuple(auth)))
                return found
        cur = cur.parent
    return False


def _route_paths(node: Node | None, root: Node, depth: int = 0) -> list[str] | None:
    """Return the paths a ``use`` or route path argument names: a string, an array of them, or
    a const holding one; None when it names anything else (a regular expression, a
    computed value)."""
    node = unwrap(node)
    if node is None or depth > 3:
        return None
    value = string_value(node)
    if value is not None:
        return [value]
    if node.type == "array":
        paths: list[str] = []
        for item in node.named_children:
            inner = _route_paths(item, root, depth + 1)
            if inner is None:
                return None
            paths.extend(inner)
        return paths
    if node.type == "identifier":
        defined = _defined(root, text(node))
        decl = defined.parent if defined is not None else None
        stmt = decl.parent if decl is not None else None
        if stmt is not None and stmt.type == "lexical_declaration" \
                and text(stmt).startswith("const"):
            return _route_paths(defined, root, depth + 1)
    return None


#: The wildcard that ends a route path matching everything under it: Express 4's ``/*``
#: and ``/(.*)``, Express 5's ``/{*name}`` and ``/*name``.
_WILDCARD_TAIL_RE = lazy_pattern(r"/(?:\*|\(\.\*\)|\{\*[\w$]+\}|\*[\w$]+)$")


def _wildcard_prefix(path: str) -> str | None:
    """Return the prefix a route path ending in a wildcard matches everything under
    (``/api/admin/{*path}`` → ``/api/admin``), or None for any other path."""
    found = _WILDCARD_TAIL_RE.search(path)
    if found is None or any(c in path[:found.start()] for c in "*:(){}?+"):
        return None
    return path[:found.start()] or "/"


def _under(route: str, mount: str) -> bool:
    """Return True when Express runs a ``use(mount, …)`` for requests to ``route``."""
    mount = mount.rstrip("/")
    return route == mount or route.startswith(mount + "/") or not mount


def _router_uses_admin_guard(call: Node, receiver: Node | None, root: Node,
                             imports: Iterable[ImportFact], auth: list[_AuthRef],
                             paths: list[str] | None = None) -> bool | list[_DeferredGuard]:
    """Judge the guards a statement before route ``call``, in the same block, registers with
    ``use`` on the same receiver: for every path (``router.use(isAdmin)``), or for paths the
    route's own literal path lies under (``router.use('/admin', requireAdmin)`` before
    ``router.get('/admin/users', …)``, or given as an array or a const). A path that cannot
    be read (a regular expression, an imported value), or a route path that cannot, credits
    no guard. What authenticates among them is added to ``auth``. With ``paths``, ``call`` is
    where routes of those paths are added to ``receiver`` (a call of the function that
    registers them). A route added to a parameter of an exported function of the file with
    no guard before it here is left to the project phase: the function's calls decide."""
    if receiver is None or receiver.type != "identifier":
        return False
    statement = statement_of(call)
    block = statement.parent
    if block is None:
        return False
    route_args = call.child_by_field_name("arguments")
    route_path = paths if paths is not None else _route_paths(
        route_args.named_children[0], root) \
        if route_args is not None and route_args.named_children else None
    found: list[_DeferredGuard] = []
    for start, expr in _block_uses(block):
        if start >= statement.start_byte:
            break
        fn = expr.child_by_field_name("function")
        args = expr.child_by_field_name("arguments")
        if fn is None or args is None or text(fn.child_by_field_name("object")) != text(receiver):
            continue
        items = list(args.named_children)
        if not items:
            continue
        first = unwrap(items[0])
        every = text(fn.child_by_field_name("property")) == "all"
        if first is not None and first.type not in _FUNCTIONS and (
                len(items) > 1 and not _is_middleware(first, root)):
            # A path first: the guard runs for the routes under it only.
            mounts = _route_paths(first, root)
            if mounts is not None and every:
                # `app.all('/admin/*', guard)`, `'/admin/{*path}'`: every method under it.
                mounts = [m for m in map(_wildcard_prefix, mounts) if m is not None] \
                    if all(_wildcard_prefix(m) is not None for m in mounts) else None
            if mounts is None or route_path is None or not all(
                    any(_under(path, mount) for mount in mounts) for path in route_path):
                continue
            items = items[1:]
        elif every:
            continue  # `app.all(guard)` is no route Express knows
        if _credit_guards(items, root, imports, auth, found):
            return True
    if paths is None and route_path is not None and (key := _registrar_key(
            receiver, route_path)) is not None:
        found.append((_REGISTERED, key, False, ()))
    return found


def _registrar_key(receiver: Node, paths: list[str]) -> str | None:
    """Return what names the routes of ``paths`` added to ``receiver`` when it is a plain
    parameter of a function the module exports by name (``export function register(app)``,
    ``exports.register = function (app)``): the function's name, the parameter's index and
    the paths, joined by NUL (a ``_REGISTERED`` guard's export); else None."""
    fn = enclosing(receiver, _FUNCTIONS)
    if fn is None:
        return None
    params = parameters(fn)
    names = [text(param) if param.type == "identifier" else None for param in params]
    if text(receiver) not in names or names.count(text(receiver)) != 1:
        return None
    name: str | None = None
    if fn.type == "function_declaration" and fn.parent is not None \
            and fn.parent.type == "export_statement":
        name = text(fn.child_by_field_name("name"))
    elif fn.parent is not None and fn.parent.type == "assignment_expression":
        left = text(fn.parent.child_by_field_name("left")).replace(" ", "")
        if left.startswith(("exports.", "module.exports.")):
            name = left.rpartition(".")[2]
    if not name or any("\0" in path for path in paths):
        return None
    return "\0".join([name, str(names.index(text(receiver))), *paths])


def _credit_guards(items: list[Node], root: Node, imports: Iterable[ImportFact],
                   auth: list[_AuthRef], found: list[_DeferredGuard]) -> bool:
    """Read the middlewares ``items`` of a route or ``use`` in order: return True at the first
    guard shown to admit administrators only; collect the guards the project phase must judge
    into ``found`` and the authentication each item does into ``auth`` (for the later items)."""
    for item in items:
        verdict = _guard_verdict(item, root, imports, auth=tuple(auth))
        if verdict is True:
            return True
        if verdict:
            found.extend(verdict)
        auth.extend(_authenticates(item, root, imports))
    return False


def _block_uses(block: Node) -> list[tuple[int, Node]]:
    """Return the ``x.use(…)`` and ``x.all(…)`` calls that are statements of ``block``, with
    their statements' starts, in order (one pass over the block, kept: a file of thousands of
    routes reads its block once, not once per route)."""
    key = ("block-uses", block)
    if key not in _MEMO:
        uses: list[tuple[int, Node]] = []
        for stmt in block.named_children:
            expr = stmt.named_children[0] if stmt.type == "expression_statement" \
                and stmt.named_children else None
            fn = expr.child_by_field_name("function") \
                if expr is not None and expr.type == "call_expression" else None
            if expr is not None and fn is not None and fn.type == "member_expression" \
                    and text(fn.child_by_field_name("property")) in ("use", "all"):
                uses.append((stmt.start_byte, expr))
        _memo_put(key, uses)
    return _MEMO[key]  # type: ignore[return-value]


def _authenticates(node: Node, root: Node, imports: Iterable[ImportFact],
                   depth: int = 0) -> list[_AuthRef]:
    """Return what shows middleware ``node`` authenticates the request: ``[_SEEN]`` when this
    file does (``passport.authenticate('jwt')``, a package's middleware named for it or of an
    authentication package, a function of the file that answers 401, ``_answers_401``), the
    guard of another project file whose body decides, or nothing."""
    node = unwrap(node)
    if node is None or depth > 3:
        return []
    factory = node.type == "call_expression"
    callee = node.child_by_field_name("function") if factory else node
    if callee is None or callee.type not in ("identifier", "member_expression"):
        return []
    head = callee
    while head.type == "member_expression":
        obj = head.child_by_field_name("object")
        if obj is None:
            return []
        head = unwrap(obj) or obj
    if head.type != "identifier":
        return []
    name = _guard_name(callee)
    if head == callee:
        defined = _defined(root, name)
        if defined is not None:
            if defined.type == "call_expression" and not factory:
                return _authenticates(defined, root, imports, depth + 1)
            inner = _returned_middleware(defined) if factory else defined
            return [_SEEN] if inner is not None and inner.type in _FUNCTIONS and (
                _answers_401(inner) or (_AUTH_NAME.match(name) and _turns_away(inner))) else []
        if _definitions(root).get(name):
            return []
    bound = _import_binding(imports, text(head))
    if bound is None:
        return []
    module, exported = bound
    if not _relative(module):
        package = import_package(module)
        return [_SEEN] if package in _AUTH_PACKAGES or _AUTH_NAME.match(name) else []
    if head != callee:
        if exported is not None or callee.child_by_field_name("object") != head:
            return []
        exported = name
    return [(module, exported, factory)]


def _turns_away(fn: Node) -> bool:
    """Return True when middleware ``fn`` (``(req, res, next)``) calls ``next()`` on some
    branch and on another answers (``res.json(…)``, ``res.redirect(…)``), throws or calls
    ``next(err)``: it lets some requests through and not others (zwave-js-ui's
    ``isAuthenticated`` answers ``{ success: false, code: 3 }`` to a request with no session,
    status 200)."""
    params = parameters(fn)
    body = fn.child_by_field_name("body")
    if len(params) != 3 or body is None or any(p.type != "identifier" for p in params[1:]):
        return False
    res, nxt = text(params[1]), text(params[2])
    passes = away = False
    for node in walk(body):
        if node.type == "throw_statement":
            away = True
        elif node.type == "call_expression":
            fn_node = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if fn_node is None:
                continue
            if fn_node.type == "identifier" and text(fn_node) == nxt:
                if args is not None and args.named_children:
                    away = True
                else:
                    passes = True
            elif fn_node.type == "member_expression" and _root_name(fn_node) == res \
                    and text(fn_node.child_by_field_name("property")) in _ANSWERS:
                away = True
    return passes and away


#: The methods of ``res`` that answer a request.
_ANSWERS = frozenset({"json", "send", "sendStatus", "redirect", "end", "render", "jsonp"})


def _answers_401(fn: Node) -> bool:
    """Return True when middleware ``fn`` (``(req, res, next)``) answers 401 on some branch
    (``res.status(401)``, ``res.sendStatus(401)``, ``StatusCodes.UNAUTHORIZED``): it turns
    away requests that do not authenticate."""
    key = ("answers-401", fn)
    if key not in _MEMO:
        _memo_put(key, _finds_401(fn))
    return bool(_MEMO[key])


def _finds_401(fn: Node) -> bool:
    params = parameters(fn)
    if len(params) != 3:
        return False
    for node in walk(fn):
        if node.type != "call_expression":
            continue
        callee = node.child_by_field_name("function")
        if callee is None or callee.type != "member_expression" or text(
                callee.child_by_field_name("property")) not in ("status", "sendStatus"):
            continue
        args = node.child_by_field_name("arguments")
        first = unwrap(args.named_children[0]) if args is not None \
            and args.named_children else None
        if first is not None and (text(first) == "401"
                                  or _UNAUTHORIZED_NAME.search(text(first))):
            return True
    return False


def _is_middleware(node: Node, root: Node) -> bool:
    """Return True when the first argument of a ``use`` is seen to be middleware, not a path:
    a function, a call, or a name for an administrators' guard or defined as a function in
    the file. Anything else (a string, an array of strings, a const, an imported value) may
    be a path."""
    if node.type in _FUNCTIONS or node.type == "call_expression":
        return True
    if node.type in ("identifier", "member_expression") and _ADMIN_GUARD.match(_guard_name(node)):
        return True
    defined = _defined(root, text(node)) if node.type == "identifier" else None
    return defined is not None and defined.type in _FUNCTIONS


def _error_name(scope: Node) -> str | None:
    """Return the error's name in a leak scope: the catch parameter, or the first parameter
    of an error handler or ``.catch`` callback."""
    if scope.parent is not None and scope.parent.type == "catch_clause":
        param = scope.parent.child_by_field_name("parameter")
        return text(param) if param is not None and param.type == "identifier" else None
    params = parameters(scope)
    return text(params[0]) if params and params[0].type == "identifier" else None


#: Methods that log or report what they are given: a logger's levels (console, winston, pino,
#: bunyan, log4js, ``req.log``), an error reporter's calls (Sentry's ``captureException``,
#: Bugsnag's and Airbrake's ``notify``, New Relic's ``noticeError``, Application Insights'
#: ``trackException``, OpenTelemetry's ``recordException``), a promise's ``reject``.
_KEEPER_METHODS = frozenset({"error", "warn", "warning", "info", "log", "debug", "fatal", "trace",
                             "critical", "crit", "emerg", "alert", "notice", "verbose", "silly",
                             "exception", "captureException", "captureError", "notify",
                             "notifyError", "noticeError", "trackException", "recordException",
                             "report", "reportError", "reject"})
#: Words of a function's or method's name that say it logs or reports (``logError``,
#: ``reportException``, ``debug``, ``notifySentry``).
_KEEPER_WORDS = frozenset({"log", "logger", "logs", "debug", "warn", "warning", "report",
                           "reporter", "capture", "notify", "sentry", "bugsnag", "rollbar",
                           "airbrake", "honeybadger"})
#: Functions that hand the error on to code that answers or logs it: Express's ``next``, a
#: callback, a promise's ``reject``.
_PASS_ON_NAMES = frozenset({"next", "done", "cb", "callback", "reject"})
#: First words of a predicate or a reader: ``hasStatusCode(err)``, ``isHttpError(err)``,
#: ``getStatus(err)`` look at the error and keep no trace of it.
_READER_WORDS = frozenset({"is", "has", "can", "should", "get", "to", "format", "serialize",
                           "normalize", "parse", "status"})
#: Nodes an error's value passes through into the call or statement that takes it.
_ERROR_CARRIERS = frozenset({"parenthesized_expression", "await_expression", "as_expression",
                             "non_null_expression", "satisfies_expression", "template_string",
                             "template_substitution", "binary_expression", "pair", "object",
                             "array", "spread_element", "shorthand_property_identifier",
                             "ternary_expression", "arguments", "new_expression",
                             "call_expression", "member_expression"})


def _keeps_error(call: Node, scope: Node) -> bool:
    """Return True when ``call`` keeps what it is given visible: it logs or reports it
    (``console.error``, ``logger.warn``, ``req.log.error``, ``debug``, ``logError``,
    ``Sentry.captureException``, ``bugsnag.notify``, ``app.emit('error', …)``), hands it on
    (``next``, the handler's own last parameter, ``done``, ``callback``, ``reject``), or is a
    function of this file whose body logs or reports. A predicate or a reader
    (``hasStatusCode(err)``, ``isHttpError(err)``, ``getStatus(err)``) keeps nothing."""
    fn = call.child_by_field_name("function") if call.type == "call_expression" else None
    if fn is None:
        return False
    fn = unwrap(fn)
    if fn.type == "member_expression":
        prop = text(fn.child_by_field_name("property"))
        receiver = text(fn.child_by_field_name("object"))
        if receiver == "console" or (receiver.split(".")[0] not in _response_names(scope)
                                     and prop in _KEEPER_METHODS):
            return True
        if prop == "emit":
            args = call.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            return first is not None and string_value(first) == "error"
        name = prop
    elif fn.type == "identifier":
        name = text(fn)
        if name in _PASS_ON_NAMES or _last_parameter(scope, name):
            return True
    else:
        return False
    words = [w.lower() for w in _WORD_RE.findall(name)]
    if not words or words[0] in _READER_WORDS:
        return False
    if set(words) & _KEEPER_WORDS:
        return True
    if fn.type != "identifier":
        return False
    root = scope
    while root.parent is not None:
        root = root.parent
    defined = _defined(root, name)
    return defined is not None and defined.type in _FUNCTIONS and any(
        n.type == "call_expression" and n != call and _logs(n) for n in walk(defined))


def _logs(call: Node) -> bool:
    """Return True when ``call`` is a logging or reporting call by its name alone
    (``console.error``, ``logger.error``, ``Sentry.captureException``, ``logError``)."""
    fn = unwrap(call.child_by_field_name("function"))
    if fn is None:
        return False
    if fn.type == "member_expression":
        prop = text(fn.child_by_field_name("property"))
        if text(fn.child_by_field_name("object")) == "console" or (
                prop in _KEEPER_METHODS and prop != "reject"):
            return True
        name = prop
    elif fn.type == "identifier":
        name = text(fn)
    else:
        return False
    words = [w.lower() for w in _WORD_RE.findall(name)]
    return bool(words) and words[0] not in _READER_WORDS and bool(set(words) & _KEEPER_WORDS)


def _logs_error_statement(stmt: Node, name: str, res: str) -> bool:
    """Return True when statement ``stmt`` only logs or reports the error ``name``:
    ``console.error(err)``, ``logger.error('failed', err)``, ``await reportError(err.stack)``.
    Not a call handed the response ``res`` too (``logAndReply(err, res)`` may answer)."""
    if stmt.type != "expression_statement" or stmt.named_child_count != 1:
        return False
    call = unwrap(stmt.named_children[0])
    if call is not None and call.type == "await_expression" and call.named_children:
        call = unwrap(call.named_children[0])
    if call is None or call.type != "call_expression" or not _logs(call):
        return False
    args = call.child_by_field_name("arguments")
    return args is not None and any(n.type == "identifier" and text(n) == name
                                    for n in walk(args)) \
        and not any(n.type == "identifier" and text(n) == res for n in walk(args))


def _last_parameter(scope: Node, name: str) -> bool:
    """Return True when ``name`` is the last parameter of a three- or four-parameter function
    around ``scope`` (a middleware's or error handler's ``next``, whatever it is called)."""
    cur: Node | None = scope
    while cur is not None:
        if cur.type in _FUNCTIONS:
            params = parameters(cur)
            if len(params) in (3, 4) and text(params[-1]) == name:
                return True
        cur = cur.parent
    return False


def _reaches_keeper(value: Node, scope: Node) -> bool:
    """Return True when ``value`` (made from the error by a call that keeps nothing of it,
    ``createError(500, err)``, ``inspect(err)``) is itself logged, reported, handed on or
    thrown: ``console.error(inspect(err))``, ``next(createError(500, err))``, ``throw
    wrap(err)``."""
    child = value
    cur = value.parent
    while cur is not None and cur != scope and cur.type in _ERROR_CARRIERS:
        if cur.type == "arguments" and cur.parent is not None and _keeps_error(cur.parent, scope):
            return True
        if cur.type == "member_expression" and child != cur.child_by_field_name("object"):
            return False
        if cur.type in ("call_expression", "new_expression") and child.type != "arguments":
            return False  # `inspect(err)(…)`: the value is the callee
        if _only_tested(cur, child) or (cur.type == "binary_expression" and text(
                cur.child_by_field_name("operator")) not in ("+", "||", "??")):
            return False  # `throw isFatal(err) ? a : b`: a test's result is no trace
        child, cur = cur, cur.parent
    return cur is not None and cur.type == "throw_statement"


def _alias_of(node: Node) -> str | None:
    """Return the local that a branch of a conditional or a fallback holding ``node`` (the
    error) is bound to: ``const shown = err instanceof Error ? err : `${status}`;`` gives
    ``shown``, whose value is the error on some paths. None when ``node`` is only tested or
    the value goes elsewhere."""
    child, cur = node, node.parent
    while cur is not None:
        if cur.type == "parenthesized_expression":
            pass
        elif cur.type == "ternary_expression":
            if child == cur.child_by_field_name("condition"):
                return None  # `err ? a : b`: a test
        elif cur.type == "binary_expression" and text(
                cur.child_by_field_name("operator")) in ("||", "??"):
            pass  # `err || fallback`
        else:
            break
        child, cur = cur, cur.parent
    if child is node or cur is None or cur.type != "variable_declarator" \
            or cur.child_by_field_name("value") != child:
        return None
    bound = cur.child_by_field_name("name")
    return text(bound) if bound is not None and bound.type == "identifier" else None


def _error_visible_elsewhere(scope: Node, name: str, target: Node, depth: int = 0) -> bool:
    """Return True when ``scope`` keeps the error visible outside ``target`` (the expression a
    fix replaces): the error, its message or stack handed to a call that logs or reports it or
    hands it on (``logger.error(err)``, ``next(err)``, ``Sentry.captureException(err)``:
    ``_keeps_error``), thrown, returned or stored. Reads of its other fields (``err.status``),
    tests (``err instanceof X``) and calls that only look at it (``hasStatusCode(err)``,
    ``getStatus(err)``) do not show it to anyone; nor do other leaks into the response, which
    their own fixes replace. A local bound to a conditional that yields the error (``const
    shown = err instanceof Error ? err : text; log.info(shown)``) keeps it visible when that
    local does."""
    leaks = [_whole_expression(n) for n in walk(scope) if n.type == "member_expression"
             and text(n.child_by_field_name("object")) == name
             and text(n.child_by_field_name("property")) in ("message", "stack")
             and _sink(n, scope) is not None]
    for node in uses_of(scope, name):
        if target.start_byte <= node.start_byte < target.end_byte or any(
                t.start_byte <= node.start_byte < t.end_byte for t in leaks):
            continue
        if not _same_path(node, target, scope):
            continue  # `return next(err)` after `if (…) return res.json(err.message)`
        if node.type == "shorthand_property_identifier":
            if _reaches_keeper(node, scope):
                return True  # `logger.error({ err }, 'failed')`, pino's way
            continue
        parent = node.parent
        if parent is None or parent.type in ("formal_parameters", "catch_clause") or (
                parent.type == "variable_declarator"
                and parent.child_by_field_name("name") == node):
            continue  # the binding itself (`const shown = …`), not a use
        alias = _alias_of(node) if parent.type in ("ternary_expression", "binary_expression",
                                                   "parenthesized_expression") else None
        if alias is not None and alias != name and depth < 3 \
                and _error_visible_elsewhere(scope, alias, target, depth + 1):
            return True
        if parent.type == "member_expression" and parent.child_by_field_name("object") == node:
            if text(parent.child_by_field_name("property")) not in ("message", "stack"):
                continue
            node, parent = parent, parent.parent
        # `logger.error('…', err.stack || err.message || err)`: the chain yields the error's
        # stack, message or the error itself, each of which keeps it visible.
        while parent is not None and (parent.type == "parenthesized_expression" or (
                parent.type == "binary_expression"
                and text(parent.child_by_field_name("operator")) in ("||", "??"))):
            node, parent = parent, parent.parent
        if parent is None:
            continue
        if parent.type == "arguments":
            call = parent.parent
            if call is not None and (_keeps_error(call, scope) or _reaches_keeper(call, scope)):
                return True
            continue  # `hasStatusCode(err)`, `res.status(statusOf(err))`: the call only reads it
        if parent.type in ("throw_statement", "return_statement", "pair",
                           "variable_declarator", "assignment_expression", "array",
                           "template_substitution", "binary_expression", "spread_element",
                           "shorthand_property_identifier", "object"):
            if parent.type == "binary_expression" and text(
                    parent.child_by_field_name("operator")) not in ("+",):
                continue  # `err === x`, `err instanceof X`, `err && …`: a test
            return True
    return False


def _exits_within(use: Node, statement: Node) -> bool:
    """Return True when ``use`` (inside ``statement``) sits in a ``return`` or ``throw``, or in
    a block of ``statement`` that ends with one: the way through ``use`` leaves the function
    there and never reaches the statements after ``statement``."""
    node: Node | None = use
    while node is not None:
        if node.type in ("return_statement", "throw_statement"):
            return True
        if node.type == "statement_block" and node.named_children:
            last = [c for c in node.named_children if c.type != "comment"]
            if last and last[-1].type in ("return_statement", "throw_statement"):
                return True
        if node == statement:
            return False
        node = node.parent
    return False


def _same_path(use: Node, target: Node, scope: Node) -> bool:
    """Return True when ``use`` may run on the way to (or after) ``target``: not in another
    branch of an ``if``/ternary/``switch`` than the target, nor after a ``return``/``throw``
    that the target's statement ends with."""
    ancestors: list[Node] = []
    cur: Node | None = target
    while cur is not None and cur != scope.parent:
        ancestors.append(cur)
        cur = cur.parent
    ids = {(a.start_byte, a.end_byte, a.type) for a in ancestors}
    child: Node = use
    lca = use.parent
    while lca is not None and (lca.start_byte, lca.end_byte, lca.type) not in ids:
        child, lca = lca, lca.parent
    if lca is None:
        return False
    index = next(i for i, a in enumerate(ancestors)
                 if (a.start_byte, a.end_byte, a.type) == (lca.start_byte, lca.end_byte, lca.type))
    target_child = ancestors[index - 1] if index > 0 else target
    if lca.type in ("if_statement", "ternary_expression", "switch_body", "else_clause"):
        condition = lca.child_by_field_name("condition")
        return condition is not None and condition.start_byte <= use.start_byte \
            < condition.end_byte
    if lca.type in ("statement_block", "program", "switch_case"):
        if child.start_byte < target_child.start_byte:
            # A statement before the one that answers, unless the use sits in a branch of it
            # that returns or throws (`if (typeof err === 'string') return res.json(err);`).
            return not _exits_within(use, child)
        # A statement after it runs unless the answer returns or throws.
        return not any(a.type in ("return_statement", "throw_statement")
                       for a in ancestors[:index])
    return True


def _logged_by_earlier_fix(scope: Node, name: str, target: Node, sink: Node) -> bool:
    """Return True when an earlier leak of the same statement (``{ message: err.message,
    stack: err.stack }``) gets the log line: one line per answer."""
    stmt = statement_of(sink)
    return any(n.type == "member_expression" and n.start_byte < target.start_byte
               and text(n.child_by_field_name("object")) == name
               and text(n.child_by_field_name("property")) in ("message", "stack")
               and (found := _sink(n, scope)) is not None and statement_of(found[1]) == stmt
               for n in walk(stmt))


_LOGGER_NAMES = ("logger", "log", "Logger")
_LOGGER_PACKAGES = frozenset({"winston", "pino", "bunyan", "log4js", "signale", "consola",
                              "loglevel", "npmlog", "tslog"})


def _logger_of(ctx: FileContext, scope: Node, seen_only: bool = False,
               functions: bool = True) -> str | None:
    """Return the call that logs an error in this file's way: ``<request>.log.error`` where the
    file logs through pino-http's request logger, an imported ``logger``/``log`` with
    ``.error``; else None (``console.error``). ``seen_only``: not a project module's logger
    this file never calls ``.error`` on (whether that module has the method is for the project
    phase to prove: ``_unseen_logger``). ``functions``: also a logging function the file
    imports (``_logging_function``)."""
    choice = _logger_choice(ctx, scope, seen_only, functions)
    return choice[0] if choice is not None else None


def _unseen_logger(ctx: FileContext, scope: Node) -> tuple[str, str, str] | None:
    """Return (the call, its module, the name it is imported as: ``default``, ``*`` or the
    export's) when ``_logger_of`` picks a project module's logger that this file never calls
    ``.error`` on (``Logger.error``), or a logging function it imports from a project module
    (``error``): nothing here shows that the module has that method or function."""
    choice = _logger_choice(ctx, scope, False)
    return choice[1] if choice is not None else None


#: Names of a logging function a file imports and calls with the error (``error(err)``,
#: ``logError(e)``, ``log_error(err)``, ``errorLogger(err)``).
_LOG_FUNCTION = lazy_pattern(r"^(?:log_?[eE]rr(?:or)?|error|err(?:or)?_?[lL]og(?:ger)?)$")


#: The last file ``_logging_function`` answered for (its tree) and the answer: it is asked
#: once per leak, and each answer walks the whole tree.
_LOG_FUNCTION_MEMO: list[Tree | str | None] = [None, None]


def _logging_function(ctx: FileContext, imported: dict[str, str], names: dict[str, str]
                      ) -> str | None:
    """Return the local name of a function this file imports at its top by name from a
    project module or a logger package (``import { error } from '../lib/log/logger.js'``,
    ``const { logError } = require('./log')``), named like one that logs errors, declared
    nowhere else in the file (no parameter or local shadows it), and that the file already
    calls with an error alone (``error(err)`` in a handler or catch, ``error(new Error(…))``).
    A function the file declares itself is not taken: whether it logs, answers or throws is
    not read."""
    if _LOG_FUNCTION_MEMO[0] is ctx.tree:
        memo = _LOG_FUNCTION_MEMO[1]
        return memo if isinstance(memo, str) else None
    root = ctx.tree.root_node
    found: str | None = None
    for local, module in sorted(names.items()):
        if local not in imported or not _LOG_FUNCTION.match(local) or imported[local] == "*" \
                or not (module.startswith(".") or module.split("/")[0] in _LOGGER_PACKAGES) \
                or _bindings(root, local) != 1:
            continue
        if any(_called_with_error(call, local) for call in walk(root)
               if call.type == "call_expression"):
            found = local
            break
    _LOG_FUNCTION_MEMO[:] = [ctx.tree, found]
    return found


def _called_with_error(call: Node, name: str) -> bool:
    """Return True when ``call`` is ``name(x);``, a statement of its own (what it returns is
    not used: ``next(error(e))`` wraps the error, it does not log it), with the one argument
    an error: a ``catch`` parameter, the error parameter of an error handler or ``.catch``
    callback around the call, or a new error (``new Error(…)``)."""
    outer = call.parent
    if outer is not None and outer.type == "await_expression":
        outer = outer.parent
    if outer is None or outer.type != "expression_statement":
        return False
    fn = call.child_by_field_name("function")
    args_node = call.child_by_field_name("arguments")
    args = code_children(args_node) if args_node is not None else []
    if fn is None or fn.type != "identifier" or text(fn) != name or len(args) != 1:
        return False
    arg = unwrap(args[0])
    if arg is None:
        return False
    if arg.type == "new_expression":
        made = arg.child_by_field_name("constructor")
        return made is not None and bool(_ERROR_MAKER.search(text(made)))
    if arg.type != "identifier":
        return False
    wanted = text(arg)
    cur = call.parent
    while cur is not None:
        if cur.type == "catch_clause":
            param = cur.child_by_field_name("parameter")
            if param is not None and text(param) == wanted:
                return True
        elif cur.type in _FUNCTIONS:
            params = parameters(cur)
            if any(wanted in _pattern_names(p) for p in params):
                # The first of an error handler's four, or of a `.catch` callback.
                return bool(params) and text(params[0]) == wanted and (
                    len(params) == 4 or _catch_callback(cur))
        cur = cur.parent
    return False


def _catch_callback(fn: Node) -> bool:
    """Return True when the function ``fn`` is passed to ``.catch(…)``."""
    call = fn.parent.parent if fn.parent is not None and fn.parent.type == "arguments" \
        else None
    callee = call.child_by_field_name("function") if call is not None else None
    return callee is not None and callee.type == "member_expression" \
        and text(callee.child_by_field_name("property")) == "catch"


def _logger_choice(ctx: FileContext, scope: Node, seen_only: bool, functions: bool = True
                   ) -> tuple[str, tuple[str, str, str] | None] | None:
    """Return ``_logger_of``'s call and, for a project module's logger not seen called with
    ``.error`` in this file or a logging function imported from one, what ``_unseen_logger``
    returns. A logger object the file calls ``.error`` on (or one from a logger package)
    comes first, then a logging function it imports and calls with an error
    (``_logging_function``), then a project module's logger it never calls ``.error`` on."""
    source = ctx.source.decode("utf-8", "replace")
    cur: Node | None = scope
    while cur is not None:
        if cur.type in _FUNCTIONS:
            params = parameters(cur)
            at = 1 if len(params) == 4 else 0
            if len(params) > at + 1 and params[at].type == "identifier":
                req = text(params[at])
                if re.search(rf"(?<![\w$.]){re.escape(req)}\.log\.error\s*\(", source):
                    return f"{req}.log.error", None
        cur = cur.parent
    names: dict[str, str] = {}  # a top-level logger binding -> the module it comes from
    imported: dict[str, str] = {}  # a local -> the name its module exports it as
    for imp in ctx.facts.imports:
        if imp.top_level:
            names.update((local, imp.module) for local in imp.locals())
            imported.update((local, name) for name, local in imp.named.items())
            imported.update((local, kind) for local, kind in ((imp.default, "default"),
                                                              (imp.namespace, "*")) if local)
    for stmt in _top_level(ctx.tree.root_node):
        if stmt.type in ("lexical_declaration", "variable_declaration"):
            for decl in stmt.named_children:
                if decl.type == "variable_declarator":
                    names.setdefault(text(decl.child_by_field_name("name")), "")
    unseen: tuple[str, tuple[str, str, str] | None] | None = None
    for local, module in sorted(names.items()):
        if local not in _LOGGER_NAMES and not local.lower().endswith("logger"):
            continue
        if re.search(rf"(?<![\w$.]){re.escape(local)}\.error\s*\(", source) or \
                module.split("/")[0] in _LOGGER_PACKAGES:
            return f"{local}.error", None
        if module.startswith(".") and not seen_only and unseen is None:
            unseen = f"{local}.error", (f"{local}.error", module, imported.get(local, "default"))
    function = _logging_function(ctx, imported, names) if functions else None
    if function is not None:
        module = names[function]
        if not module.startswith("."):
            return function, None  # from a logger package, called so in this file
        if not seen_only:
            return function, (function, module, imported[function])
    return unseen


#: Methods whose callback's error is typed ``any`` by their own declarations: Express's
#: ``use`` (``ErrorRequestHandler``), a promise's ``catch`` and ``then``.
_ANY_ERROR_CALLBACKS = frozenset({"use", "catch", "then"})


def _error_typed_any(scope: Node, name: str) -> bool:
    """Return True when TypeScript types the error ``name`` of ``scope`` as ``any``, so any
    logger takes it: annotated ``any``; or, unannotated, a parameter of a function declaration
    or of a function bound to a local with no type or with Express's ``ErrorRequestHandler``,
    or passed to ``.use``/``.catch``/``.then``. A catch clause's own variable is ``unknown``
    under ``strict`` unless annotated ``any``; ``unknown``, ``Error`` or any other type is
    not accepted by every logger's signature (``log.error(message: string)``)."""
    if scope.parent is not None and scope.parent.type == "catch_clause":
        annotation = scope.parent.child_by_field_name("type")
        return annotation is not None and text(annotation).lstrip(":").strip() == "any"
    params = scope.child_by_field_name("parameters")
    first = code_children(params)[0] if params is not None and code_children(params) else None
    if first is None:
        return False  # `e => …`: its type comes from the call
    pattern = first.child_by_field_name("pattern") or first
    if text(pattern) != name:
        return False
    annotation = first.child_by_field_name("type")
    if annotation is not None:
        return text(annotation).lstrip(":").strip() == "any"
    if scope.type in ("function_declaration", "generator_function_declaration"):
        return True  # no contextual type: an implicit `any`
    holder = scope.parent
    if holder is not None and holder.type == "variable_declarator":
        declared = holder.child_by_field_name("type")
        return declared is None or text(declared).lstrip(":").strip().split(".")[-1] \
            == "ErrorRequestHandler"
    if holder is not None and holder.type == "arguments" and holder.parent is not None:
        fn = holder.parent.child_by_field_name("function")
        return fn is not None and fn.type == "member_expression" \
            and text(fn.child_by_field_name("property")) in _ANY_ERROR_CALLBACKS
    return False


def _assignment_edit(ctx: FileContext, target: Node, replacement: str,
                     branches: tuple[str, str, str] | None = None,
                     binary_test: bool = True) -> TextEdit:
    """Return the edit writing ``replacement`` over ``target``. The right side of an assignment
    or declaration, or the value of a property that starts its line, whose line would pass the
    project's line width (prettier's printWidth, ESLint's max-len, EditorConfig's
    max_line_length) goes on the next line, one level deeper, as prettier writes it:
    ``res.locals.message =\n    (err.status || 500) < 500 ? …``, ``message:\n    (err.status
    || 500) < 500 ? …``. A conditional (``branches``: its test and its two values) still
    too wide there is broken before ``?`` and ``:``, one level deeper again, as prettier
    breaks it. A property's conditional whose test is no binary expression (``binary_test``
    False: ``isClientError``) goes right after the colon, as prettier prints it, on the
    key's line when it fits there, else broken before ``?`` and ``:``, one level deeper than
    the key."""
    edit = TextEdit(target.start_byte, target.end_byte, replacement)
    width = ctx.style.width
    parent = target.parent
    if width is None or parent is None or "\n" in replacement:
        return edit
    key = parent.child_by_field_name("key") if parent.type == "pair" \
        and parent.child_by_field_name("value") == target else None
    if key is None and not (
            (parent.type == "assignment_expression"
             and parent.child_by_field_name("right") == target)
            or (parent.type == "variable_declarator"
                and parent.child_by_field_name("value") == target)):
        return edit
    source = ctx.source
    line_start = source.rfind(b"\n", 0, target.start_byte) + 1
    line_end = source.find(b"\n", target.end_byte)
    line_end = len(source) if line_end < 0 else line_end
    head = source[line_start:target.start_byte].decode("utf-8", "replace")
    tail = source[target.end_byte:line_end].decode("utf-8", "replace").rstrip("\r")
    if branches is not None and not binary_test and key is not None:
        # The old value may sit on the line after its key (prettier breaks after the colon
        # of a `||`): the conditional goes back up, after the colon.
        key_line = source.rfind(b"\n", 0, key.start_byte) + 1
        indent = source[key_line:key.start_byte].decode("utf-8", "replace")
        if indent.strip() or source[key.end_byte:target.start_byte].strip() != b":":
            return edit  # `{ message: … }` on one line: the whole object's to reflow
        if len(indent) + len(f"{text(key)}: {replacement}{tail}") <= width:
            return TextEdit(key.end_byte, target.end_byte, f": {replacement}")
        test, when, otherwise = branches
        inner = indent + ctx.style.indent
        return TextEdit(key.end_byte, target.end_byte,
                        f": {test}\n{inner}? {when}\n{inner}: {otherwise}")
    if len(head) + len(replacement) + len(tail) <= width:
        return edit
    if key is not None:
        # A property breaks after its colon only on a line of its own (`{ message: … }` on
        # one line is the whole object's to reflow), and, prettier's rule, when the value is
        # a conditional whose test is a comparison (the `< 500` rewrite) or the key is not
        # shorter than tabWidth + 3 (`m: 'Internal Server Error'` stays).
        if head.strip() != f"{text(key)}:" or not (
                " < 500 ? " in replacement or len(text(key)) >= ctx.style.tab_width + 3):
            return edit
    elif not head.rstrip().endswith("="):
        return edit
    indent = head[:len(head) - len(head.lstrip())]
    after_equals = line_start + len(head.rstrip().encode("utf-8"))  # or after the colon
    inner = indent + ctx.style.indent
    if branches is not None and len(inner) + len(replacement) + len(tail) > width:
        test, when, otherwise = branches
        deeper = inner + ctx.style.indent
        replacement = f"{test}\n{deeper}? {when}\n{deeper}: {otherwise}"
    return TextEdit(after_equals, target.end_byte, "\n" + inner + replacement)



def _always_a_number(status: str, scope: Node) -> bool:
    """Return True when the status expression ``status`` always holds a number in handler
    ``scope``: the response's own ``statusCode`` (``res.statusCode``), or a name the handler
    binds once with ``const`` to numbers and that (``const statusCode = res.statusCode === 200
    ? 500 : res.statusCode``). Then ``>= 500`` reads as the fix's test turned round."""
    params = parameters(scope)
    res = text(params[2]) if len(params) >= 3 and params[2].type == "identifier" else None

    def numeric(node: Node | None, depth: int = 0) -> bool:
        node = unwrap(node)
        if node is None or depth > 4:
            return False
        if node.type == "number":
            return True
        if node.type == "member_expression":
            return res is not None and text(node) == f"{res}.statusCode"
        if node.type == "ternary_expression":
            return numeric(node.child_by_field_name("consequence"), depth + 1) and \
                numeric(node.child_by_field_name("alternative"), depth + 1)
        return False

    if res is not None and status == f"{res}.statusCode":
        return True
    if not re.fullmatch(r"[A-Za-z_$][\w$]*", status):
        return False
    declared = [n for n in walk(scope) if n.type == "variable_declarator"
                and text(n.child_by_field_name("name")) == status]
    assigned = any(text(n.child_by_field_name(
        "argument" if n.type == "update_expression" else "left")) == status
        for n in walk(scope) if n.type in ("assignment_expression",
                                           "augmented_assignment_expression",
                                           "update_expression"))
    return len(declared) == 1 and not assigned and declared[0].parent is not None \
        and declared[0].parent.type == "lexical_declaration" \
        and text(declared[0].parent).startswith("const") \
        and numeric(declared[0].child_by_field_name("value"))

def _log_line(ctx: FileContext, sink: Node, scope: Node, name: str,
              server_errors: str | None = None, seen_only: bool = False,
              server_test: str | None = None) -> TextEdit | None:
    """Return an edit that logs the error on its own line before the statement that answers
    (None when that statement does not start a line of a block). ``server_errors``: the
    status expression when only 5xx answers lose their message (the fix keeps 4xx ones): then
    only those are logged, not every 404 a browser's favicon request makes; ``server_test``:
    the test that holds for those when the status's own condition picks them
    (``!isClientError``)."""
    stmt = statement_of(sink)
    if stmt.parent is None or stmt.parent.type not in ("statement_block", "switch_case") \
            or stmt.start_byte <= scope.start_byte or stmt.end_byte > scope.end_byte:
        return None  # `.catch((e) => res.json(…))`: the answer is no statement of its own
    line_start = ctx.source.rfind(b"\n", 0, stmt.start_byte) + 1
    indent = ctx.source[line_start:stmt.start_byte].decode("utf-8", "replace")
    if indent.strip():
        return None  # `catch (err) { res.json(…) }` on one line
    call = _logger_of(ctx, scope, seen_only) or "console.error"
    if ctx.lang != "javascript" and "." not in call and not _error_typed_any(scope, name):
        # An imported logging function's signature is not read either: the file's other
        # logger, else `console.error`, which takes anything.
        call = _logger_of(ctx, scope, seen_only, functions=False) or "console.error"
    if ctx.lang != "javascript" and call != "console.error" \
            and not call.endswith(".log.error") and not _error_typed_any(scope, name):
        # The project's logger may not take this type (`log.error(message: string | Error)`
        # given an `unknown`: TS2345, the build breaks); its signature is not read here.
        # `console.error` and pino's request logger take anything.
        return None
    # The project's ESLint forbids console calls: this one is meant (as in the snippets).
    allow = "// eslint-disable-next-line no-console\n" \
        if call == "console.error" and ctx.style.no_console else ""
    code = f"{indent}{allow}{indent if allow else ''}{call}({name}){ctx.style.semi}\n"
    at = line_start
    if server_errors is not None and re.search(r"\.statusCode\b", re.sub(
            rf"(?<![\w$.]){re.escape(name)}\??\.statusCode\b", "", server_errors)):
        # `res.statusCode` (not the error's own `err.statusCode`) holds the answer's status
        # only once the statement that answers has set it: a test of it goes after that statement, or (a `return` answer, more
        # code on its line) the error is logged whatever the status.
        line_end = ctx.source.find(b"\n", stmt.end_byte)
        if stmt.type == "expression_statement" and line_end != -1 \
                and not ctx.source[stmt.end_byte:line_end].strip():
            at = line_end + 1
        else:
            server_errors = None
    if server_errors is not None:
        # The fix's own test, turned round: a status that may be undefined (`err.status`)
        # answers the generic text, so it is logged too (`undefined >= 500` is false).
        server_test = (f"{server_errors} >= 500"
                       if re.search(r"(?:\|\||\?\?)\s*5\d\d\)?$", server_errors)
                       or _always_a_number(server_errors, scope)
                       else f"!({server_errors} < 500)")
    if server_test is not None:
        inner = indent + ctx.style.indent
        code = (f"{indent}if ({server_test}) {{\n"
                f"{inner}{allow}{inner if allow else ''}{call}({name}){ctx.style.semi}\n"
                f"{indent}}}\n")
    return TextEdit(at, at, code)


_TS_PRAGMA_RE = lazy_pattern(r"@ts-(no)?check\b")
#: Where request code makes an error: `throw`, `next(new …)`, `reject(new …)` (one pattern
#: each, ``finditer_each``; the lookbehind after a word stands for a ``\b`` before it).
_RAISE_RES = (lazy_pattern(rb"throw(?<!\wthrow)\b"),
              lazy_pattern(rb"next(?<!\wnext)\s*\(\s*new\b"),
              lazy_pattern(rb"reject(?<!\wreject)\s*\(\s*new\b"))
#: Words that name a secret in a binding or field name (``requestSignature``, ``CDN_SECRET``,
#: ``process.env.DB_PASSWORD``, ``config.apiKey``).
_SECRET_WORDS = frozenset({"secret", "secrets", "password", "passwd", "passphrase", "signature",
                           "credential", "credentials", "apikey", "privatekey", "token"})
_SECRET_PAIRS = frozenset({("api", "key"), ("private", "key"), ("access", "key"),
                           ("signing", "key"), ("secret", "key"), ("encryption", "key")})
_WORD_RE = lazy_pattern(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
#: Parameters that make a function request code (a route handler or middleware, or a callback
#: inside one).
_REQUEST_PARAMS = frozenset({"req", "request", "res", "response", "resp"})


def _secret_name(name: str) -> bool:
    """Return True when ``name`` ends with a word that names a secret (``jwtSecret``,
    ``DB_PASSWORD``, ``apiKey``), not ``tokenUrl`` or ``passwordMinLength``."""
    words = [w.lower() for w in _WORD_RE.findall(name)]
    return bool(words) and (words[-1] in _SECRET_WORDS or tuple(words[-2:]) in _SECRET_PAIRS)


def _top_names(root: Node) -> set[str]:
    """Return the names the file binds at its top level (imports, declarations)."""
    names: set[str] = set()
    for stmt in _top_level(root):
        if stmt.type == "import_statement":
            clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
            if clause is not None:
                names |= {text(n) for n in walk(clause) if n.type == "identifier"}
        elif stmt.type in ("lexical_declaration", "variable_declaration"):
            for decl in stmt.named_children:
                name = decl.child_by_field_name("name") if decl.type == "variable_declarator" \
                    else None
                if name is not None:
                    names |= _pattern_names(name)
        elif stmt.type in ("function_declaration", "class_declaration"):
            names.add(text(stmt.child_by_field_name("name")))
    return names


def _message_values(node: Node | None, depth: int = 0) -> Iterator[Node]:
    """Yield the values a message built from text interpolates: a template's substitutions,
    the operands of a `+` that joins text."""
    if node is None or depth > _MAX_NESTING:
        return
    if node.type == "parenthesized_expression" and node.named_children:
        yield from _message_values(node.named_children[0], depth + 1)
    elif node.type == "template_string":
        for sub in node.named_children:
            if sub.type == "template_substitution" and sub.named_children:
                yield sub.named_children[0]
    elif node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        for side in (node.child_by_field_name("left"), node.child_by_field_name("right")):
            if side is None:
                continue
            if side.type in ("string", "template_string", "binary_expression",
                             "parenthesized_expression"):
                yield from _message_values(side, depth + 1)
            else:
                yield side


def _secret_value(value: Node, top: set[str]) -> bool:
    """Return True when ``value`` reads a secret the server holds, by its name: a member of
    ``process.env``, or a binding of the file's top level (a constant, an imported config) or
    a field read from one, named like a secret (``Config.get().security.requestSignature``).
    A value of the request (its root a parameter or local of the function) is the caller's
    own: never a secret here."""
    segments: list[str] = []
    node: Node | None = value
    for _ in range(_MAX_NESTING):
        if node is None:
            return False
        if node.type == "identifier":
            root = text(node)
            if root == "process":
                return len(segments) >= 2 and segments[-1] == "env" and _secret_name(segments[-2])
            return root in top and any(_secret_name(seg) for seg in (root, *segments))
        if node.type == "member_expression":
            segments.append(text(node.child_by_field_name("property")))
            node = node.child_by_field_name("object")
        elif node.type == "call_expression":
            node = node.child_by_field_name("function")
        elif node.type in ("parenthesized_expression", "non_null_expression",
                           "await_expression") and node.named_children:
            node = node.named_children[0]
        else:
            return False
    return False


def _request_code(node: Node) -> bool:
    """Return True when ``node`` lies in a function with a request or response parameter."""
    cur = node.parent
    while cur is not None:
        if cur.type in _FUNCTIONS and any(
                n in _REQUEST_PARAMS for p in parameters(cur) for n in _pattern_names(p)):
            return True
        cur = cur.parent
    return False


def secrets_in_raised_errors(root: Node, source: bytes) -> Iterator[Node]:
    """Yield the secrets request code interpolates into the text of an error it throws or
    hands to ``next``/``reject`` (``throw new HTTPError(`expected ${config.signature}`)``):
    error handlers send an error's message to the client (a 4xx one is meant for it), so the
    secret goes with it."""
    top: set[str] | None = None
    for match in finditer_each(_RAISE_RES, source):
        token = root.descendant_for_byte_range(match.start(), match.start() + 1)
        if token is None or token.parent is None:
            continue
        site = token.parent
        if site.type == "throw_statement":
            raised = site.named_children[0] if site.named_children else None
        elif site.type == "call_expression" and site.child_by_field_name("function") == token:
            args = site.child_by_field_name("arguments")
            raised = args.named_children[0] if args is not None and args.named_children else None
        else:
            continue
        while raised is not None and raised.type == "parenthesized_expression" \
                and raised.named_children:
            raised = raised.named_children[0]
        if raised is None:
            continue
        if raised.type in ("new_expression", "call_expression"):
            args = raised.child_by_field_name("arguments")
            texts = list(args.named_children) if args is not None else []
        else:
            texts = [raised]
        values = [value for part in texts for value in _message_values(part)]
        if not values or not _request_code(site):
            continue
        if top is None:
            top = _top_names(root)
        for value in values:
            if _secret_value(value, top):
                yield value


class _Fitter:
    """Lines of inserted code kept within the project's line width (prettier's printWidth,
    ESLint's max-len) at the indentation they go in, broken where prettier breaks them; with
    no width known, each statement stays on one line."""

    def __init__(self, style: Style, indent: str) -> None:
        self.style = style
        self.indent = indent
        self.columns = sum(style.tab_width if char == "\t" else 1 for char in indent)

    def _fits(self, line: str, depth: int = 0) -> bool:
        width = self.style.width
        unit = self.style.tab_width if self.style.indent == "\t" else len(self.style.indent)
        return width is None or self.columns + depth * unit + len(line) <= width

    def comment(self, words: str) -> list[str]:
        """``// words``, wrapped at the width (prettier leaves comments alone; max-len
        counts them)."""
        lines: list[str] = []
        current = "//"
        for word in words.split():
            if current != "//" and not self._fits(f"{current} {word}"):
                lines.append(current)
                current = "//"
            current = f"{current} {word}"
        return [*lines, current]

    def call(self, head: str, parts: list[str], end: str) -> list[str]:
        """``head`` + an argument written as ``parts`` (the operands of a binary chain, each
        ending with its operator but the last) + ``)``: on one line when it fits, else the
        argument on lines of its own, one level in, as prettier prints it (a trailing comma
        under ``trailingComma: all``; an operand that still does not fit on the argument's
        line goes on its own line, a level deeper after the first, its parenthesised
        right-hand side broken the same way)."""
        one = f"{head}{self._join(parts)}){end}"
        if self._fits(one):
            return [one]
        unit = self.style.indent
        comma = "," if self.style.trailing_comma == "all" else ""
        argument = self._join(parts) + comma
        if self._fits(argument, 1):
            return [head, f"{unit}{argument}", f"){end}"]
        # `a &&` / `  (b ||` / `    c)`: prettier indents the right side of the first
        # operator once, and a broken parenthesised group once more.
        first, rest = parts[0], parts[1:]
        inner = self._join(rest) + comma
        if self._fits(inner, 2):
            return [head, f"{unit}{first}", f"{unit * 2}{inner}", f"){end}"]
        return [head, f"{unit}{first}", f"{unit * 2}{rest[0]}",
                *(f"{unit * 3}{part}" for part in rest[1:-1]),
                f"{unit * 3}{rest[-1]}{comma}", f"){end}"]

    def if_head(self, parts: list[str]) -> list[str]:
        """``if (a && b) {``, or its operands on lines of their own between ``if (`` and
        ``) {``."""
        one = f"if ({self._join(parts)}) {{"
        if self._fits(one):
            return [one]
        return ["if (", *(f"{self.style.indent}{part}" for part in parts), ") {"]

    def type_cast(self, head: str, members: list[str], end: str) -> list[str]:
        """``head { a; b }`` (``{a; b}`` under prettier's ``bracketSpacing: false``), or the
        object type's members on lines of their own (``members`` end with ``;``, which a file
        without semicolons leaves off those lines, as prettier prints them)."""
        one = f"{head} {self.style.braces(' '.join(members)[:-1])}{end}"
        if self._fits(one):
            return [one]
        unit = self.style.indent
        if not self.style.semicolons:
            members = [member.removesuffix(";") for member in members]
        if self._fits(f"{head} {{"):
            return [f"{head} {{", *(f"{unit}{member}" for member in members), f"}}{end}"]
        # `const clientError =` / `  err as {`: prettier breaks after the `=` first.
        left, _, right = head.partition(" = ")
        return [f"{left} =", f"{unit}{right} {{", *(f"{unit * 2}{member}" for member in members),
                f"{unit}}}{end}"]

    @staticmethod
    def _join(parts: list[str]) -> str:
        return " ".join(parts)


def _type_checked_js(ctx: FileContext) -> bool:
    """Return True when ``tsc`` checks this JavaScript file: a ``// @ts-check`` among its
    leading comments, or ``checkJs: true`` in the nearest tsconfig.json/jsconfig.json (or a
    config it extends by a relative path) of the nearest package folder or the root.
    ``// @ts-nocheck`` turns it off. Which files the config's ``include`` covers is not
    evaluated: a cast in a file it does not check costs nothing."""
    return ctx.lang == "javascript" and _tsc_checks_js(ctx.info, ctx.rel, ctx.tree.root_node)


def _tsc_checks_js(info: ProjectInfo, rel: str, root: Node) -> bool:
    """``_type_checked_js`` for the JavaScript file ``rel`` whose tree is ``root``."""
    for child in root.children:
        if child.type not in ("comment", "hash_bang_line"):
            break
        match = _TS_PRAGMA_RE.search(text(child))
        if match:
            return match.group(1) is None
    configs = dict(info.js_configs)  # folder -> checkJs, for the root and each package
    folder = posixpath.dirname(rel)
    while True:
        if folder in configs:
            return configs[folder]
        if not folder:
            return False
        folder = posixpath.dirname(folder)


class ErrorHandler(Rule):
    """No final error handler, or responses that leak error details."""

    id = "error-handler"
    # `throw` and `Error`: a secret written into a raised error (secrets_in_raised_errors).
    needles = (b"stack", b"message", b"catch", b"err", b"throw", b"Error")
    #: An error's details sent to the client (``_leak_finding``): a controller's catch blocks
    #: repeat it one after another, reported once per file with the lines of the others.
    repeats = lazy_pattern(r"(the error message|the stack trace|the whole error object) "
                           r"\(`.*?`\) is sent to the client; ", re.S)

    def wants(self, source: bytes) -> bool:
        # A leak needs a response sink (_sink): `.send(`, `.json(`, … or `.locals`; a route
        # raising an error with a secret in it answers its other requests too.
        return super().wants(source) and _SINK_BYTES_RE.search(source) is not None

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        if not _project_status_names(ctx.facts, ctx.source):
            # else the project phase reads the leaks, with the numbers of the status names the
            # file imports from its own modules (`file_data`, `_Reread`)
            yield from self._direct_leak_findings(ctx, _leaks(ctx))
        if _SERVER_STATUS_CALL_RE.search(ctx.source):
            for finding, unmounted in self._handler_findings(ctx):
                if unmounted is None and _raises_client_errors(ctx.facts, ctx.source):
                    yield finding  # else check_project decides (``file_data``)

    def _direct_leak_findings(self, ctx: FileContext, leaks: Iterable[Leak]) -> Iterator[Finding]:
        """Return the findings of ``leaks`` no project fact decides."""
        defers = None
        for leak in leaks:
            if leak.leak == "message":
                defers = self._defers_leaks(ctx) if defers is None else defers
                if defers:
                    continue  # the app may answer on loopback only: check_project decides
            if leak.field is None and leak.client_class is None and leak.public_flag is None \
                    and leak.envelope is None and leak.registrar is None \
                    and not leak.guards and leak.unmounted is None \
                    and leak.view is None:  # else check_project decides
                finding = self._leak_finding(ctx, leak)
                if not _follows_contract(leak, finding) \
                        and not _rewrites_server_text(leak, finding) \
                        and self._logger_alternative(ctx, leak, finding) is None:
                    yield finding  # else check_project decides
        for value in secrets_in_raised_errors(ctx.tree.root_node, ctx.source):
            yield ctx.node_finding(
                self.id, value,
                f"`{text(value)}` (a secret, by its name) is written into the text of an error "
                "this request code raises: error handlers send an error's message to the "
                "client (a 4xx one is meant for it) and logs keep it; leave the secret out of "
                "the message")

    def _handler_findings(self, ctx: FileContext, handlers: frozenset[int] = frozenset()
                          ) -> Iterator[tuple[Finding, tuple[str, ...] | None]]:
        """Report the error handlers that answer 5xx to every error (with ``handlers``: only
        the functions starting there, which another module registers), each with the names
        it is exported under when its own module never registers it (``Leak.unmounted``).
        Whether the app has client errors to answer is the caller's to ask
        (``_raises_client_errors``)."""
        for scope, name, kind in _error_scopes(ctx.tree.root_node, ctx.lang, ctx.source,
                                               _registered_names(ctx.facts), handlers):
            if kind != "handler" or (handlers and scope.start_byte not in handlers):
                continue
            first = _answers_500_to_everything(scope, name)
            if first is None:
                continue
            unmounted = None if handlers \
                else _unmounted_exports(scope, ctx.tree.root_node, ctx.source)
            if unmounted == ():
                continue  # dead code (``_node_leaks``)
            message = ("this error handler answers 5xx to every error: client errors from "
                       "body parsers and http-errors (413 body too large, 400 malformed "
                       "JSON) become server errors; keep their 4xx status")
            yield ctx.node_finding(self.id, first, message,
                                   self._client_status_fix(ctx, scope, name, first)), unmounted

    def _leak_finding(self, ctx: FileContext, leak: Leak, seen_only: bool = False) -> Finding:
        what = {"stack": "the stack trace", "message": "the error message",
                "error": "the whole error object"}[leak.leak]
        fix = None if leak.whole_error is not None else self._leak_fix(
            ctx, leak.node, leak.kind, leak.leak, leak.status, leak.sink, leak.scope,
            seen_only, leak.choice)
        # Say what the fix does: a generic text always, or only for the 5xx answers.
        conditional = fix is not None and (
            any(re.search(r" < 500\s+\? ", edit.content) for edit in fix.changes[0].edits)
            or (leak.choice is not None and not isinstance(leak.status, int)))
        advice = ("send a generic message for 5xx answers (4xx keep theirs)" if conditional
                  else "send a generic message")
        shown = leak.node.parent.parent if leak.leak == "message" \
            and leak.node.type == "identifier" and leak.node.parent is not None \
            and leak.node.parent.parent is not None else leak.node  # `String(err)`
        message = (f"{what} (`{text(shown)}`) is sent to the client; {advice} and log "
                   "the error on the server")
        if leak.whole_error is not None:
            line = leak.whole_error.start_point[0] + 1
            message += (f"; not fixed: the same answer sends the whole error object too "
                        f"(`{text(leak.whole_error)}`, line {line}), so a generic message alone "
                        "would not end the leak")
        return ctx.node_finding(self.id, leak.node, message, fix)

    def _logger_alternative(self, ctx: FileContext, leak: Leak, finding: Finding
                            ) -> tuple[str, str, Finding, bool] | None:
        """Return (the module, the name it is imported as, the finding with a fix that logs
        through a logger this file shows, else ``console.error``, True for a function) when
        the fix of ``finding`` logs through a project module's logger that this file never
        calls ``.error`` on, or a logging function imported from one: whether that module has
        the method or exports the function is the project phase's to prove. None otherwise."""
        if finding.fix is None:
            return None
        unseen = _unseen_logger(ctx, leak.scope)
        if unseen is None:
            return None
        call, module, name = unseen
        if not any(re.search(rf"(?<![\w$.]){re.escape(call)}\(", edit.content)
                   for change in finding.fix.changes for edit in change.edits):
            return None
        return module, name, self._leak_finding(ctx, leak, seen_only=True), \
            not call.endswith(".error")

    def _client_status_fix(self, ctx: FileContext, scope: Node, name: str,
                           first: Node) -> Fix | None:
        """Answer 4xx errors with their own status, right above the handler's answer (the
        top-level statement holding ``first``, its 5xx status call), so whatever the handler
        does before it (its log lines, the locals they read) still runs for them; the
        handler's own answer is left as it is for everything else. An answer of a JSON object
        (``res.status(500).json({ error: { message: '…' } })``) keeps its shape: the same
        object, its one text the message of an error http-errors marks as meant for the
        client (``expose``, set for every 4xx it makes, body-parser's too). None (report
        only) when the handler does something with the error after its answer (a log line
        the early return would skip), or answers JSON in a shape this cannot repeat."""
        body = scope.child_by_field_name("body")
        if body is None or body.type != "statement_block" or not body.named_children:
            return None  # an expression body: rewriting it needs a person
        statements = body.named_children[_prologue_length(body):]
        answer = first
        while answer.parent is not None and answer.parent != body:
            answer = answer.parent
        if answer.parent != body or answer not in statements or (
                answer.type == "if_statement"
                and "headersSent" in text(answer.child_by_field_name("condition"))):
            return None
        index = statements.index(answer)
        if any(stmt.type != "comment" and _mentions_name(stmt, name)
               for stmt in statements[index + 1:]):
            return None  # `res.status(500)…; logger.error(err)`: the return would skip it
        if index > 0 and statements[index - 1].end_point[0] == answer.start_point[0]:
            return None  # `console.error(err); res.status(500)…` on one line
        at = index  # above the comments over the answer, not a log line's trailing one
        while at > 0 and statements[at - 1].type == "comment" and (
                at == 1 or statements[at - 2].end_point[0] != statements[at - 1].start_point[0]):
            at -= 1
        target = statements[at]
        if target.start_point[0] == body.start_point[0]:
            return None  # a one-line body
        line_start = ctx.source.rfind(b"\n", 0, target.start_byte) + 1
        indent = ctx.source[line_start:target.start_byte].decode()
        if indent.strip():
            return None
        params = parameters(scope)
        res = text(params[2])
        shape = _answer_shape(first, scope, res, name)
        if shape is False:
            return None  # JSON in a shape this does not repeat: a person
        semi = ctx.style.semi
        fit = _Fitter(ctx.style, indent)
        # The file's keyword: `var` in a file that declares with `var` only (an ES5 codebase,
        # whose linter may reject `const`); TypeScript's style is always `const`.
        decl = ctx.style.declaration
        error = "clientError"
        if ctx.lang == "javascript" and _type_checked_js(ctx):
            # tsc checks this file (`checkJs`, `// @ts-check`): an error typed `Error` in its
            # JSDoc declares no `status`; a JSDoc cast reads the fields, as in TypeScript.
            lines = [f"{decl} clientError = /** @type {{any}} */ ({name}) || {{}}{semi}",
                     *fit.call(f"{decl} clientStatus = Number(",
                               ["clientError.status ||", "clientError.statusCode"], semi)]
        elif ctx.lang == "javascript":
            error = name
            lines = fit.call(f"{decl} clientStatus = Number(",
                             [f"{name} &&", f"({name}.status ||", f"{name}.statusCode)"], semi)
        else:
            members = ["status?: number;", "statusCode?: number;"]
            if isinstance(shape, tuple):
                members += ["expose?: boolean;", "message?: string;"]
            lines = [*fit.type_cast(f"const clientError = {name} as", members, semi),
                     *fit.call("const clientStatus = Number(",
                               ["clientError &&", "(clientError.status ||",
                                "clientError.statusCode)"], semi)]
        if not isinstance(shape, tuple):
            head = ["clientStatus >= 400 &&", "clientStatus < 500"]
            answer_lines = [f"{res}.sendStatus(clientStatus)"]
            comment = ("Client errors (a body over the limit, malformed JSON, http-errors' "
                       "4xx) keep their status.")
        else:
            head = ["clientStatus >= 400 &&", "clientStatus < 500 &&",
                    f"{error}.expose === true"]
            method, obj = shape
            answer_lines = f"{res}.status(clientStatus).{method}({obj(f'{error}.message')})" \
                .split("\n")
            # the object's lines, indented as at the answer's line: one level in, here
            was = ctx.source[ctx.source.rfind(b"\n", 0, first.start_byte) + 1:first.start_byte]
            was_indent = was[:len(was) - len(was.lstrip())].decode()
            answer_lines[1:] = [line[len(was_indent):] if line.startswith(was_indent)
                                else line for line in answer_lines[1:]]
            if not all(fit._fits(f"return {line}" if at == 0 else line, 1)
                       for at, line in enumerate(answer_lines)):
                return None  # past the project's line width: how to break it is a person's
            comment = ("Client errors (a body over the limit, malformed JSON, http-errors' "
                       "4xx) keep their status.")
        inner = ctx.style.indent
        answer_lines = [f"{inner}{line}" for line in answer_lines]
        answer_lines[-1] += semi
        lines = [
            *fit.comment(comment),
            *(fit.comment("http-errors marks their message as meant for the client (expose).")
              if isinstance(shape, tuple) else []),
            *lines,
            *fit.if_head(head),
            *([f"{inner}return {answer_lines[0][len(inner):]}", *answer_lines[1:]]
              if ctx.lang == "javascript" else  # noImplicitReturns: no value from one path
              [*answer_lines, f"{inner}return{semi}"]),
            "}",
        ]
        eol = ctx.style.eol
        code = "".join(f"{indent}{line}{eol}" for line in lines)
        return Fix(title="Keep the 4xx status of client errors (body too large, malformed JSON)",
                   applicability="safe",
                   changes=(FileChange(ctx.rel, (TextEdit(line_start, line_start, code),)),))

    def _leak_fix(self, ctx: FileContext, node: Node, kind: str, leak: str,
                  status: int | None | str, sink: Node, scope: Node,
                  seen_only: bool = False, choice: _StatusChoice | None = None) -> Fix | None:
        if leak == "error" or node.type == "shorthand_property_identifier":
            return None  # the body's shape changes: needs a person
        if not sink.start_byte <= node.start_byte < sink.end_byte:
            return None  # `const body = { message: err.message }; res.json(body)`: a person
        target = _whole_expression(node)
        parent = target.parent
        # A status its own condition picks (`isClientError ? 400 : 500`) says the app tells
        # client errors from its own failures: the text it falls back on (`err.message ||
        # 'Failed to save'`) is the one it wrote for the latter.
        fallback = _fallback_text(target) if choice is not None and leak == "message" else None
        generic = fallback or ctx.style.q(GENERIC)
        server_errors: str | None = None  # the status expression when 4xx keep their text
        # The tests of a status's own condition, when a fix may make them again (they call
        # nothing): the one holding for its 4xx answers (True when a binary expression), and
        # the one for its 5xx answers, which alone are logged.
        client_test: tuple[str, bool] | None = None
        server_test: str | None = None
        if choice is not None \
                and not any(n.type == "call_expression" for n in walk(choice.condition)):
            server_test = _test_code(choice.condition, not choice.client_when)[0]
        applicability: Applicability
        if leak == "stack":
            # A field that is only the stack (`stack: err.stack`) is dropped; one that tells
            # the client something failed (`error: err.stack`) keeps a generic text, so the
            # client still sees an error.
            key = parent.child_by_field_name("key") if parent is not None \
                and parent.type == "pair" else None
            replacement = "undefined" if key is not None and target == node and \
                re.search(r"(?i)stack|trace", text(key)) else generic
            applicability = "safe"
        elif kind == "handler" and isinstance(status, int) and status >= 500:
            replacement = generic  # the response is a 5xx whatever the error says
            applicability = "safe"
        elif kind == "handler" and isinstance(status, int):
            return None  # a 4xx already set (`res.status(BAD_INPUT)`): as with `status(400)`
        elif choice is not None and server_test is not None and not isinstance(status, int):
            # `res.status(isClientError ? 400 : 500)`: the 4xx answers keep their text, on the
            # same test.
            client_test = _test_code(choice.condition, choice.client_when)
            replacement = f"({client_test[0]} ? {text(target)} : {generic})"
            applicability = "safe"
        elif kind == "handler" or status == "dynamic":
            # The status as the handler computes it (err.status, err.errorCode, a custom
            # field…): its 4xx answers keep their body, only 5xx ones get the generic text.
            code = handler_status(sink, scope)
            if code is not None and not code.isdigit():
                if not re.fullmatch(r"[\w$.]+", code):
                    code = f"({code})"
                replacement = f"({code} < 500 ? {text(target)} : {generic})"
                server_errors = code
                applicability = "safe"
            elif kind == "handler":
                return None  # no status, or one that cannot be read again: needs a person
            else:
                replacement = generic
                applicability = "unsafe"
        else:
            replacement = generic
            applicability = "safe" if isinstance(status, int) and status >= 500 else "unsafe"
        bare_ok = parent is None or parent.type in ("pair", "arguments", "assignment_expression",
                                                    "variable_declarator",
                                                    "parenthesized_expression")
        branches: tuple[str, str, str] | None = None
        if bare_ok and replacement.startswith("(") \
                and replacement.endswith(f": {generic})"):
            replacement = replacement[1:-1]  # the conditional needs no parentheses here
            if server_errors is not None and replacement == \
                    f"{server_errors} < 500 ? {text(target)} : {generic}":
                branches = (f"{server_errors} < 500", text(target), generic)
            elif client_test is not None:
                branches = (client_test[0], text(target), generic)
        if replacement == text(target):
            return None  # a fix that changes nothing is no fix
        edits = [_assignment_edit(ctx, target, replacement, branches,
                                  binary_test=client_test is None or client_test[1])]
        name = _error_name(scope)
        title = f"Send a generic message instead of `{text(node)}`"
        if name and not _error_visible_elsewhere(scope, name, target) \
                and not _logged_by_earlier_fix(scope, name, target, sink):
            # The replaced text was the only trace of the error: log it, or it is lost.
            log = _log_line(ctx, sink, scope, name, server_errors, seen_only, server_test)
            if log is None:
                return None  # no line to log it on (an expression body): needs a person
            edits = sorted([log, *edits], key=lambda edit: edit.start)
            title += " and log the error"
        # Outside the branches narrowed to a class (those read the class's own status field,
        # which the project phase proves).
        own_class = _project_class_tested(ctx, scope, name) \
            if kind == "handler" and leak == "message" and server_errors is not None \
            and name is not None and _narrowing_class(node, scope, name) is None else None
        if own_class is not None and applicability == "safe":
            # `if (err instanceof InteroperableError)`: the app tells its errors apart by its
            # own class, which may carry no status (a 500 here) and a message meant for the
            # client ("Request invalid or already completed"): the `< 500` test would hide it.
            applicability = "unsafe"
            title += (f" (unsafe: the handler tells errors apart by the app's own class "
                      f"`{own_class}`, whose messages may be meant for clients with no 4xx status)")
        if kind == "catch" and leak == "message" and not _in_error_handler(scope):
            # A route's own catch answers its own clients: a front end that shows the
            # message (`data.message`, `res.error`) loses the app's text ("Failed to create
            # folder: …") and its reason; no real client may get another answer unasked.
            applicability = "unsafe"
            # `err.message || 'Failed to save'` keeps the app's text, for the 5xx answers
            kept = fallback is not None and text(target.child_by_field_name("left")) == text(node)
            title += (" (unsafe: this route's own clients may show its message" + (
                ")" if kept else ", and the app's text in it is dropped)"))
        return Fix(title=title, applicability=applicability,
                   changes=(FileChange(ctx.rel, tuple(edits)),))

    def file_data(self, ctx: FileContext) -> list[_Deferred | _ServerErrors | _Reread] | None:
        """Return what the project phase needs of this file's leaks: the findings
        ``check_file`` left to it (a status read from an error field, a branch narrowing the
        error to a class, a route's registration on ``this.<field>`` in another file, a
        route's message whose fix depends on the app's final handler, a final handler's
        message whose fix depends on the errors the app hands it) and the error handlers
        that send the error's message to every error with no safe fix (the project's
        contract), for a file whose bytes read a ``.message`` or register routes on
        ``this.<field>``; and the errors an application file hands on with a literal 5xx
        status (``_ServerErrors``)."""
        data = ctx.source
        kept: list[_Deferred | _ServerErrors | _Reread] = []
        if not is_test_file(ctx.rel) and _server_status_in(data):
            errors = _server_errors(ctx.lang, ctx.tree.root_node, ctx.source)
            if errors.texts or errors.raw:
                kept.append(errors)
        if ctx.wanted(self) and _SERVER_STATUS_CALL_RE.search(data):
            # The handlers answering 5xx to every error that check_file left to the project
            # phase: one no module of this file registers, or in a file with no client errors
            for finding, unmounted in self._handler_findings(ctx):
                if unmounted is not None or not _raises_client_errors(ctx.facts, data):
                    kept.append(_Deferred(finding, None, None, None, True, False, False,
                                          unmounted=unmounted, client_errors=True))
        names = _project_status_names(ctx.facts, data) if ctx.wanted(self) else ()
        if names:
            kept.append(_Reread(names))  # the project phase reads its leaks
            return kept
        if not self._defers_leaks(ctx):
            return kept or None
        kept.extend(self._deferred_leaks(ctx, _leaks(ctx)))
        return kept or None

    def _defers_leaks(self, ctx: FileContext) -> bool:
        """Return True when the file's bytes may hold a leak the project phase decides."""
        data = ctx.source
        return ctx.wanted(self) and bool(
            _MESSAGE_BYTES_RE.search(data) or _STRING_CALL_BYTES_RE.search(data)
            or _THIS_ROUTE_BYTES_RE.search(data)
            or _GATE_BYTES_RE.search(data) or _EXPORT_OR_VIEW_BYTES_RE.search(data)
            or _unseen_logger(ctx, ctx.tree.root_node) is not None)

    def _deferred_leaks(self, ctx: FileContext, leaks: Iterable[Leak]) -> list[_Deferred]:
        """Return what the project phase needs of ``leaks`` (``file_data``)."""
        kept: list[_Deferred] = []
        for leak in leaks:
            finding = self._leak_finding(ctx, leak)
            own = leak.field is not None or leak.client_class is not None \
                or leak.registrar is not None or bool(leak.guards) or leak.public_flag is not None \
                or leak.envelope is not None or leak.unmounted is not None \
                or leak.view is not None
            route = _follows_contract(leak, finding)
            contract = _sets_contract(leak, finding, ctx.rel)
            server_text = _rewrites_server_text(leak, finding)
            logger = self._logger_alternative(ctx, leak, finding)
            own = own or leak.leak == "message"  # `_loopback_files` is the project's to read
            if own or route or contract or server_text or logger is not None:
                # A leak check_file leaves to the project phase only for its logger is
                # reported there too.
                kept.append(_Deferred(finding, leak.field, leak.client_class, leak.registrar,
                                      own or route or server_text or logger is not None, route,
                                      contract, leak.guards, server_text, leak.public_flag,
                                      leak.envelope, logger, leak.leak == "message",
                                      leak.unmounted, view=(*leak.view, leak.leak)
                                      if leak.view is not None else None))
        return kept

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        # Messages sent with the status an error carries in its own field: real leaks unless
        # the project proves that field is always a 4xx.
        data = ctx.file_data.get(self.id, {})
        census = [(rel, errors) for rel, kept in sorted(data.items()) for errors in kept
                  if isinstance(errors, _ServerErrors)]
        found = [(rel, kept) for rel, leaks in data.items() for kept in leaks
                 if isinstance(kept, _Deferred)]
        for rel, reread in sorted((rel, kept) for rel, leaks in data.items() for kept in leaks
                                  if isinstance(kept, _Reread)):
            # A file that answers with status names imported from its own modules: its leaks,
            # with the numbers those modules give the names.
            file_ctx = _file_context(ctx, rel)
            if file_ctx is None:
                continue
            leaks = list(_leaks(file_ctx, imported=_imported_numbers(ctx, rel, reread.names)))
            yield from self._direct_leak_findings(file_ctx, leaks)
            if self._defers_leaks(file_ctx):
                found.extend((rel, kept) for kept in self._deferred_leaks(file_ctx, leaks))
        deferred = [(rel, _with_app_texts(rel, _with_logger(ctx, rel, kept), census))
                    for rel, kept in found]
        if deferred:
            client = _client_fields(ctx, {kept.field for _, kept in deferred if kept.field})
            reported: list[_Deferred] = []
            nowhere: dict[tuple[str, tuple[str, ...]], bool] = {}
            sources: dict[str, bool] = {}
            for rel, kept in deferred:
                if kept.unmounted is not None:
                    key = (rel, kept.unmounted)
                    if key not in nowhere:
                        nowhere[key] = _mounted_nowhere(ctx, rel, kept.unmounted)
                    if nowhere[key]:
                        continue  # an error handler no module registers answers nobody
                if kept.view is not None and not _template_prints(ctx, rel, *kept.view):
                    continue  # `res.render('error', { err })` of a page printing `err.code`
                if kept.client_errors:
                    if rel not in sources:
                        sources[rel] = _package_raises_client_errors(ctx, rel)
                    if not sources[rel]:
                        continue  # no body parser nor http-errors: no client error to keep
                if kept.registrar is not None and _express_field_in_base(ctx, rel, *kept.registrar):
                    continue  # `next ? next(err) : res.json(err)` in a route of a base's app
                if kept.client_class is not None and all(
                        _client_only_class(ctx, rel, cls) for cls in kept.client_class):
                    continue  # `if (err instanceof NotFound)`: a class only ever a 4xx
                if any(_project_guard_denies(ctx, rel, *guard) for guard in kept.guards):
                    continue  # an administrators-only route: the message goes to the operator
                if kept.public_flag is not None and _project_sets_flag(ctx, kept.public_flag):
                    continue  # `err.isPublic ? err.message : …`: the app's own error class
                if kept.envelope is not None and _project_envelope(ctx, kept.envelope):
                    continue  # `if (!err.error) err = {…}`: only the app's envelopes are sent
                if kept.field is None or kept.field not in client:
                    reported.append(kept)
            # The project's final handler sends the error's message to every error and this
            # run does not change that: a route that follows the same contract keeps its
            # message (its clients read it as they read the handler's); the finding stays.
            contracts = sorted((kept.finding for kept in reported if kept.contract),
                               key=Finding.sort_key)
            contract = contracts[0] if contracts else None
            # Every send of the handler that relays the message: which branch a route's errors
            # take (a REST or an API answer) is the request's, so all of them are named.
            also = sorted({f.line for f in contracts[1:]
                           if contract is not None and f.path == contract.path
                           and f.line != contract.line})
            where = "" if not also else " (also line{} {})".format(
                "s" if len(also) > 1 else "", ", ".join(map(str, also)))
            loopback = _loopback_files(ctx) if any(
                kept.operator and kept.report for kept in reported) else frozenset()
            for kept in reported:
                if not kept.report:
                    continue
                finding = kept.finding
                if kept.operator and finding.path in loopback:
                    # An admin API on localhost: its command line client shows the message to
                    # the operator who sent the request; a generic text would break that.
                    head = finding.message.split("; ", 1)[0]
                    yield replace(finding, fix=None, severity="note", message=(
                        f"{head}: this app listens on the loopback interface only (unless "
                        "configured otherwise), so its clients are the instance's operators "
                        "and their tools, which may show the message; not fixed (a generic "
                        "text would hide what they need to mend); send a generic message for "
                        "5xx answers before exposing it on another interface"))
                    continue
                if kept.route and contract is not None:
                    finding = replace(finding, fix=None, message=(
                        f"{finding.message}; not fixed: the app's final error handler at "
                        f"{contract.path}:{contract.line}{where} sends the error's message too "
                        "(a project-wide contract its clients may rely on): change it there "
                        "first"))
                yield finding
        if not ctx.uses_express():
            return
        yield from self._imported_handler_findings(ctx, census)
        yield from self._errorhandler_findings(ctx)
        if _handler_anywhere_else(ctx):
            return
        # A mounted sub-app hands the errors it does not handle to its parent app (Express calls
        # the parent's `next(err)`): the parent's handler is the final one, so the finding and
        # its fix belong to the app at the top of the mounts. A mount through a shared object
        # (`ctx.api = require('./api')(env, ctx)` in one file, `app.use('/api', ctx.api)` in
        # another) is followed when the member is set once (`_mounts.shared_member_file`).
        # A wrapper app that only mounts another (`outer.use(prefix, app)`) hands it every
        # request: the inner app's errors reach its own final handler, which is reported there.
        mounted = sub_apps(ctx, factories=True, members=True)
        wrappers = wrapper_apps(ctx)
        for facts in ctx.app_files():
            if is_test_file(facts.path) or facts.path in mounted:
                continue
            if any(app.kind == "app" for app in facts.apps) \
                    and runs_in_production_mode(ctx, facts.path):
                continue  # Express's default handler sends no stack with NODE_ENV=production
            fixed = False  # one new handler per file and pass: each would add the import
            for app in facts.apps:
                if app.kind != "app" or _has_handler(ctx, facts, app) \
                        or (facts.path, app.start) in wrappers:
                    continue
                if configured_nowhere(_root_of(ctx, facts.path), facts, app, routes=True,
                                      quiet_router=quiet_routers(ctx, facts)):
                    # Nothing mounted on it (only Express's own 404s, no `next(err)`), or only
                    # routes that cannot fail and header middleware (`_quiet_apps`).
                    continue
                if _sets_production_env(ctx, facts, app):
                    continue  # `app.set('env', 'production')`: the default handler's env
                if app.name and b"listen" in (ctx.read(facts.path) or b"") and \
                        (root := _root_of(ctx, facts.path)) is not None and \
                        probes_on_loopback(root, app.name):
                    continue  # a metrics app the scraper on this host requests
                missing_next = _three_parameter_handler(ctx, facts, app)
                if missing_next is not None:
                    where, fn = missing_next
                    names = ", ".join(text(param) for param in parameters(fn))
                    yield ctx.finding(self.id, where, fn.start_byte, fn.end_byte, (
                        f"this error handler takes three parameters (`{names}`): Express hands "
                        "errors only to functions of four, so it never sees one and errors "
                        "reach Express's default handler, which answers with the stack trace "
                        "unless NODE_ENV=production; add `next` as its fourth parameter (and "
                        "pass the errors it does not answer on with `next(err)`)"))
                    continue  # the app's own handler wants mending, not a second one
                message = ("no final error handler: errors reach Express's default handler, "
                           "which answers with the stack trace unless NODE_ENV=production")
                passing = next((arg for call in facts.uses() if call.target == app.name
                                for arg in call.args
                                if _delegating_handler(ctx, facts, arg) is not None), None)
                if passing is not None:
                    what = f"`{passing.name}`" if passing.kind == "identifier" \
                        else "the app's error handler"
                    message = (f"no final error handler: {what} hands the errors it does not "
                               "answer on with `next(err)` to Express's default handler, which "
                               "answers with the stack trace unless NODE_ENV=production")
                fix = None if fixed else self._handler_fix(ctx, facts, app)
                fixed = fixed or fix is not None
                yield ctx.finding(self.id, facts.path, app.start, app.end, message, fix)

    def _imported_handler_findings(self, ctx: ProjectContext,
                                   census: list[tuple[str, _ServerErrors]]) -> Iterator[Finding]:
        """Report the leaks and 5xx answers of four-parameter functions the file phase did not
        take for error handlers (no parameter named like an error or a response, not
        registered in their own file) that another file imports and registers with
        ``.use(…)``: ``app.use(onError)`` with ``onError`` imported from the module that
        exports it. ``census``: the errors the app hands on with a 5xx status
        (``_keeps_app_texts``)."""
        wanted: dict[str, set[str]] = {}
        for facts in ctx.facts.values():
            if not is_test_file(facts.path):
                for rel, export in _registered_imports(ctx, facts):
                    wanted.setdefault(rel, set()).add(export)
        for rel, exports in sorted(wanted.items()):
            target = ctx.facts.get(rel)
            data = ctx.read(rel) if target is not None and not target.apps else None
            # A module that creates an app or a router exports it (as `_module_has_handler`
            # reads it): `app.use('/users', users)` mounts routes. Only files that may answer
            # are parsed again.
            if target is None or data is None or is_test_file(rel) \
                    or _SINK_BYTES_RE.search(data) is None:
                continue
            parsed = _source_of(ctx, rel)
            if parsed is None:
                continue
            lang, source, tree = parsed
            registered = _registered_names(target)
            handlers = frozenset(
                fn.start_byte for fn in walk(tree.root_node) if fn.type in _FUNCTIONS
                and len(params := parameters(fn)) == 4 and params[0].type == "identifier"
                and not _handler_shaped(fn, params, registered)
                and _exported_as(fn, tree.root_node) & exports)
            if not handlers:
                continue
            file_ctx = FileContext(rel=rel, lang=lang, source=source, tree=tree, facts=target,
                                   style=ctx.styles[rel], info=ctx.info)
            imported = _imported_numbers(ctx, rel, _project_status_names(target, source))
            leaks = [leak for leak in _leaks(file_ctx, handlers, imported)
                     if leak.kind == "handler" and leak.scope.start_byte in handlers]
            fields = {leak.field for leak in leaks if leak.field is not None}
            client = _client_fields(ctx, fields) if fields else set()
            for leak in leaks:
                if leak.client_class is not None and all(
                        _client_only_class(ctx, rel, cls) for cls in leak.client_class):
                    continue
                if leak.registrar is not None and _express_field_in_base(ctx, rel,
                                                                         *leak.registrar):
                    continue
                if leak.field is None or leak.field not in client:
                    finding = self._leak_finding(file_ctx, leak)
                    if _rewrites_server_text(leak, finding):
                        finding = _keeps_app_texts(finding, census)
                    yield finding
            if _package_raises_client_errors(ctx, rel):
                yield from (finding for finding, _ in self._handler_findings(file_ctx, handlers))

    def _errorhandler_findings(self, ctx: ProjectContext) -> Iterator[Finding]:
        """Report the ``errorhandler`` package registered outside a development-only branch:
        it answers every error with its message and stack whatever ``NODE_ENV`` is (the
        environment only decides whether it logs)."""
        for facts in ctx.facts.values():
            names = facts.locals_of("errorhandler")
            if is_test_file(facts.path):
                continue
            for call in facts.uses():
                for arg in call.args:
                    # `errorhandler()` of an import, or `require('errorhandler')()` inline
                    if arg.kind != "call" or (arg.name not in names and not
                                              _INLINE_ERRORHANDLER.fullmatch(arg.name)):
                        continue
                    node = _node_of(ctx, facts.path, arg.start, arg.end)
                    root = _root_of(ctx, facts.path)
                    if node is None or root is None or _guarded(node, root):
                        continue  # `if (app.get('env') === 'development') app.use(…)`
                    message = ("the `errorhandler` package answers every error with its "
                               "message and stack trace, in production too (NODE_ENV only "
                               "changes its logging); use it only in development and end "
                               "the app with a handler that answers a generic body")
                    fix = self._errorhandler_fix(ctx, facts, call, arg, names)
                    yield ctx.finding(self.id, facts.path, arg.start, arg.end, message, fix)

    def _errorhandler_fix(self, ctx: ProjectContext, facts: FileFacts, call: CallFact,
                          arg: ArgFact, names: set[str]) -> Fix | None:
        """Replace ``app.use(errorhandler());`` of an app with the standard handler, and the
        package's import when nothing else uses it. Options (a custom ``log``), other
        arguments or a router's registration need a person."""
        source = ctx.read(facts.path)
        lang = JS_SUFFIXES.get(posixpath.splitext(facts.path)[1])
        app = next((a for a in facts.apps if a.kind == "app" and a.name == call.target), None)
        if source is None or lang is None or app is None or len(call.args) != 1:
            return None
        if not re.fullmatch(rb"[\w$]+\s*\(\s*\)", source[arg.start:arg.end]) \
                and not _INLINE_ERRORHANDLER.fullmatch(arg.name):
            return None
        if _INLINE_ERRORHANDLER.fullmatch(arg.name) \
                and not re.search(rb"\(\s*\)$", source[arg.start:arg.end]):
            return None  # `require('errorhandler')({ log: … })`: options need a person
        line_start = source.rfind(b"\n", 0, call.stmt_start) + 1
        head = source[line_start:call.stmt_start]
        statement = source[call.stmt_start:call.stmt_end].rstrip(b"\r\n")
        if head.strip() or not re.fullmatch(rb"[\w$.]+\s*\.\s*use\s*\([^;]*\)\s*;?\s*",
                                            statement):
            return None  # not a statement of its own line: needs a person
        style = ctx.styles[facts.path]
        logger = None if facts.locals_of("pino-http") else _app_logger(ctx, facts, source)
        import_edits, codes, pino_http, types, log_name = _handler_imports(
            source, facts, style, logger)
        edits: list[TextEdit] = list(import_edits)
        # The package's import goes too when this call was its only use (no-unused-vars).
        local = source[arg.start:arg.end].split(b"(")[0].strip()
        root = _root_of(ctx, facts.path)
        uses = [n for n in walk(root) if n.type == "identifier"
                and text(n) == local.decode()] if root is not None else []
        imp = next((i for i in facts.imports if i.module == "errorhandler"
                    and i.locals() == {local.decode()}), None)
        if imp is not None and len(uses) == 2 and imp.end <= line_start:
            imp_start = source.rfind(b"\n", 0, imp.start) + 1
            imp_end = source.find(b"\n", imp.end)
            imp_end = len(source) if imp_end < 0 else imp_end + 1
            if not source[imp_start:imp.start].strip() and not source[imp.end:imp_end].strip():
                edits.append(TextEdit(imp_start, imp_end, ""))
        stmt_end = line_start + len(head) + len(statement)
        edits.append(DeferredEdit(line_start, stmt_end, functools.partial(
            _handler_block, app.name or "app", style, codes, pino_http, types,
            head.decode(), "", None, renders_views(ctx, facts.path), log_name,
            logger[2] if logger is not None else "", error_body_key(ctx),
            _tsc_checks(ctx, facts.path))))
        return Fix(title="Replace `errorhandler()` with a final error handler that logs the "
                         "error and answers a generic body with the right status",
                   applicability="safe",
                   changes=(FileChange(facts.path, tuple(sorted(edits, key=lambda e: e.start))),))

    def _handler_fix(self, ctx: ProjectContext, facts: FileFacts, app: AppFact) -> Fix | None:
        if not can_extend(app):
            return None
        source = ctx.read(facts.path)
        lang = JS_SUFFIXES.get(posixpath.splitext(facts.path)[1])
        if source is None or lang is None:
            return None
        # After the app's handlers that pass errors on too: they answer theirs first.
        spans = _registration_spans(ctx, facts, app) + [
            (call.start, call.end) for call in facts.uses() if call.target == app.name
            and any(_delegating_handler(ctx, facts, arg) is not None for arg in call.args)]
        pathless = [span for span in _pathless_route_spans(ctx, facts, app)
                    if span not in spans]
        at = insertion_point(lang, source, app, sorted(set(spans + pathless)),
                             _middleware_spans(facts, app), frozenset(pathless))
        if at is None:
            return None  # no route or router registered after the app in this file
        style = ctx.styles[facts.path]
        logger = None if facts.locals_of("pino-http") else _app_logger(ctx, facts, source)
        import_edits, codes, pino_http, types, log_name = _handler_imports(
            source, facts, style, logger)
        edits: list[TextEdit] = list(import_edits)
        if at >= len(source) and not source.endswith(b"\n"):
            before, after = "\n\n", None
        else:
            # A blank line on both sides when code follows (`app.set(...)` before `listen`).
            follows = source[at:at + 1] not in (b"", b"\n", b"\r")
            before, after = "\n", "\n" if follows else ""
        # Rendered only when the fix is written or shown: check needs no Jinja.
        edits.append(DeferredEdit(at, at, functools.partial(
            _handler_block, app.name or "app", style, codes, pino_http, types, app.indent,
            before, after, renders_views(ctx, facts.path), log_name,
            logger[2] if logger is not None else "", error_body_key(ctx),
            _tsc_checks(ctx, facts.path))))
        unsafe = _routes_added_elsewhere(ctx, facts)
        return Fix(title="Add a final error handler that logs the error and answers a generic "
                         "body with the right status",
                   applicability="unsafe" if unsafe else "safe",
                   changes=(FileChange(facts.path, tuple(edits)),))


def _tsc_checks(ctx: ProjectContext, rel: str) -> bool:
    """Return True when tsc checks file ``rel``: TypeScript, or JavaScript it checks
    (``_type_checked_js``)."""
    if JS_SUFFIXES.get(posixpath.splitext(rel)[1]) != "javascript":
        return True
    root = _root_of(ctx, rel)
    return root is not None and _tsc_checks_js(ctx.info, rel, root)


#: The Express types an error handler's parameters are declared with in TypeScript.
_EXPRESS_TYPES = ("Request", "Response", "NextFunction")


def _app_logger(ctx: ProjectContext, facts: FileFacts, source: bytes
                ) -> tuple[str, str, str] | None:
    """Return (module specifier, local name, form of the call: ``_log_form``) of the project's
    own logger for a final handler in ``facts``' file: the project module the file already
    imports as ``logger``/``log`` (``LOGGER_LOCAL``) when it visibly has ``error``
    (``_module_logs_errors``); else a package's logger the file imports so when its own
    ``.error(…)`` calls hand it errors all in one form (``logger.error({ err }, 'failed')``
    with ``import logger from '@org/logger'``: the handler's call copies that form); else the
    one most of the project's other files import so and call ``.error(`` on (two at least,
    under one name the file does not use: those calls show the method). None: the handler
    logs with ``console.error``."""
    for imp in facts.imports:
        if imp.default and LOGGER_LOCAL.match(imp.default) and _relative(imp.module) \
                and _module_logs_errors(ctx, facts.path, imp.module, "default"):
            return imp.module, imp.default, ""
    root = _root_of(ctx, facts.path)
    for imp in facts.imports:
        if imp.default and LOGGER_LOCAL.match(imp.default) and not _relative(imp.module) \
                and root is not None:
            form = _log_form(root, imp.default)
            if form is not None:
                return imp.module, imp.default, form

    # Only the file's own package: another package's logger needs that package's
    # dependencies and configuration.
    package = package_of(facts.path, ctx.package_dirs)
    importers: dict[str, dict[str, set[str]]] = {}  # logger file -> local name -> importers
    for other in ctx.facts.values():
        if other.path == facts.path or is_test_file(other.path) \
                or package_of(other.path, ctx.package_dirs) != package:
            continue
        for imp in other.imports:
            if imp.default and LOGGER_LOCAL.match(imp.default) and _relative(imp.module) \
                    and re.search(rf"(?<![\w$.]){re.escape(imp.default)}\s*\.\s*error\s*\("
                                  .encode(), ctx.read(other.path) or b""):
                rel = _resolve(ctx, other.path, imp.module)
                if rel is not None:
                    importers.setdefault(rel, {}).setdefault(imp.default, set()).add(other.path)
    ranked = sorted(((len(files), rel, local) for rel, names in importers.items()
                     for local, files in names.items()), reverse=True)
    if not ranked or ranked[0][0] < 2 or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    count, rel, local = ranked[0]
    if package_of(rel, ctx.package_dirs) != package:
        return None
    if re.search(rf"(?<![\w$.]){re.escape(local)}(?![\w$])".encode(), source):
        return None  # the name means something else in this file
    spec = posixpath.relpath(rel, posixpath.dirname(facts.path) or ".")
    if not spec.startswith("."):
        spec = "./" + spec
    base, ext = posixpath.splitext(spec)
    # Written as the importers write it: with the file's extension (ES modules) or without.
    samples = [imp.module for path in importers[rel][local]
               for imp in ctx.facts[path].imports if imp.default == local]
    if ext and not any(sample.endswith(ext) for sample in samples):
        spec = base
    if posixpath.basename(spec) == "index" and samples and all(
            not sample.endswith(("/index", "/index" + ext)) for sample in samples):
        spec = posixpath.dirname(spec)
    if _resolve(ctx, facts.path, spec) != rel:
        return None
    return spec, local, ""


def _log_form(root: Node, name: str) -> str | None:
    """Return how the file ``root`` hands errors to ``name.error(…)``, when all its calls that
    hand one do it alike (one at least): ``''`` a message and then the error
    (``log.error('failed', err)``), ``'error'`` the error and then a message
    (``log.error(err, 'failed')``), ``'field:NAME'`` an object whose field ``err`` or
    ``error`` carries it (``'field:err'`` for ``log.error({ err, url }, 'failed')``, pino's
    and bunyan's way). None: no such call, or calls of different forms."""
    forms = set()
    for node in uses_of(root, name):
        member = node.parent
        call = member.parent if member is not None else None
        if member is None or call is None or member.type != "member_expression" \
                or member.child_by_field_name("object") != node \
                or text(member.child_by_field_name("property")) != "error" \
                or call.type != "call_expression" \
                or call.child_by_field_name("function") != member:
            continue
        arguments = call.child_by_field_name("arguments")
        args = code_children(arguments) if arguments is not None else []
        if not args:
            continue
        first = unwrap(args[0])
        if first is not None and first.type == "object":
            for prop in first.named_children:
                key = prop if prop.type == "shorthand_property_identifier" \
                    else prop.child_by_field_name("key") if prop.type == "pair" else None
                if key is not None and text(key) in ("err", "error"):
                    forms.add("field:" + text(key))
                    break
        elif first is not None and first.type == "identifier" \
                and _ERROR_NAME.match(text(first)):
            forms.add("error")
        elif first is not None and first.type in ("string", "template_string") and any(
                arg.type == "identifier" and _ERROR_NAME.match(text(arg)) for arg in args[1:]):
            forms.add("")
    return forms.pop() if len(forms) == 1 else None


def _handler_imports(source: bytes, facts: FileFacts, style: Style,
                     logger: tuple[str, str, str] | None = None
                     ) -> tuple[tuple[TextEdit, ...], str, bool, tuple[str, ...], str | None]:
    """Return what a new final handler needs in its file: the import edits (``STATUS_CODES``,
    Express's types in TypeScript, and the project's ``logger``: its module and local name),
    the local name of ``STATUS_CODES``, whether pino-http already logs a 500's error in its
    access line (unless it logs no responses), the Express types' names for the handler's
    parameters (none in JavaScript), and the name of the logger it logs with (None:
    ``console.error``)."""
    requests = [ImportRequest("node:http", names=("STATUS_CODES",))]
    if style.declaration == "var" and style.module != "esm":
        # A file that declares with `var` only (ES5): `http.STATUS_CODES` through a plain
        # `var http = require('http')`, no destructuring; under a name the file does not use
        # for anything else (a second `var http` would replace the app's own).
        bound = any(imp.module in ("http", "node:http") for imp in facts.imports)
        free = [local for local in ("http", "nodeHttp", "httpModule") if bound or not re.search(
            rf"(?<![\w$.]){local}(?![\w$])".encode(), source)]
        if free:
            requests = [ImportRequest("node:http", default=free[0], members=("STATUS_CODES",))]
    typed = style.typescript and has_import(facts, "express") is None
    if typed:
        requests.append(ImportRequest("express", names=_EXPRESS_TYPES))
    order = None
    if logger is not None:
        requests.append(ImportRequest(logger[0], default=logger[1]))
        # The logger's import keeps the order of module names the file's imports follow
        # (eslint-plugin-import's alphabetize), when they follow one.
        order = None if style.sorted_imports else ImportOrder(sort_imports=(), by_module=True)
    imports = add_imports(source, facts, style, requests, order=order)
    codes = imports.bindings[0].names["STATUS_CODES"]
    pino_http = bool(facts.locals_of("pino-http")) and b"autoLogging" not in source
    express_local = has_import(facts, "express")
    types = (tuple(f"{express_local}.{name}" for name in _EXPRESS_TYPES) if express_local
             else tuple(imports.bindings[1].names[name] for name in _EXPRESS_TYPES)
             if style.typescript else ())
    log_name = imports.bindings[-1].local if logger is not None else None
    return tuple(imports.edits), codes, pino_http, types, log_name


def _handler_block(app: str, style: Style, codes: str, pino_http: bool,
                   types: tuple[str, ...], indent: str, before: str, after: str | None,
                   html: bool = False, logger: str | None = None, log_form: str = "",
                   error_key: str = "error", typed: bool | None = None) -> str:
    """Return the inserted handler: ``handler_source`` indented with ``indent`` between
    ``before`` and ``after`` (None: at the end of a file without a final line end, so no
    line end after the handler either)."""
    code = handler_source(app, style, codes, pino_http, types, html, logger, log_form,
                          error_key, typed)
    block = "".join(indent + line + "\n" if line else "\n" for line in code.split("\n"))
    return before + (block.rstrip("\n") if after is None else block + after)


def handler_source(app: str, style: Style, codes: str, pino_http: bool = False,
                   types: tuple[str, ...] = (), html: bool = False,
                   logger: str | None = None, log_form: str = "",
                   error_key: str = "error", typed: bool | None = None) -> str:
    """Return the error handler statement in the file's style (no indentation of its own, line
    ends ``\n``): the template's handler (``snippets/errors.js.jinja``) written inline;
    ``codes`` is the local name of ``node:http``'s ``STATUS_CODES``, ``pino_http`` says the
    request may carry pino-http's logger, ``types`` are the TypeScript types of ``req``,
    ``res`` and ``next``; ``html`` answers the status text as a page instead of JSON;
    ``logger`` and ``log_form`` name the app's logger and how its call takes the error
    (``_log_form``); ``error_key`` is the field of the JSON body that holds the status text
    (``error_body_key``); ``typed``: tsc checks the file (TypeScript, the default, or
    JavaScript with ``checkJs``/``// @ts-check``), where the handler returns no value."""
    return render_snippet("errors.js", replace(style, eol="\n"), inline=True, app=app,
                          status_codes=codes, pino_http=pino_http, types=list(types), html=html,
                          declaration=style.declaration, logger=logger or "",
                          logger_form=log_form, error_key=error_key,
                          typed=style.typescript if typed is None else typed)


#: The ``errorhandler`` package loaded where it is called, with no local of its own:
#: ``require('errorhandler')`` or ``(await import('errorhandler')).default`` (the callee of
#: ``app.use(require('errorhandler')())``).
_INLINE_ERRORHANDLER = lazy_pattern(r"require\(\s*(['\"])errorhandler\1\s*\)"
                                    r"|\(\s*await\s+import\(\s*(['\"])errorhandler\2\s*\)\s*\)"
                                    r"\s*\.\s*default")



def _project_guard_denies(ctx: ProjectContext, rel: str, module: str, exported: str | None,
                          factory: bool, auth: tuple[_AuthRef, ...] = (),
                          depth: int = 0) -> bool:
    """Return True when the guard file ``rel`` imports from project module ``module`` (its
    export ``exported``, or the module itself) turns requests away (``_guard_denies``; for
    ``factory``, the middleware it returns). A guard the project phase cannot find (a class's
    method, a re-export it does not follow) is not credited. A guard that lets every request
    through in a mode of the instance counts only where ``auth`` (what the route registers
    before it) is shown to authenticate; a ``module`` of "" is such a guard of ``rel``."""
    if module == "":
        return _project_authenticated(ctx, rel, auth)
    if module == _OPERATOR:
        return _operator_only(ctx) and _project_authenticated(ctx, rel, auth)
    if module == _REGISTERED:
        return exported is not None and depth == 0 and \
            _registered_behind_guard(ctx, rel, exported)
    target = _resolve(ctx, rel, module)
    parsed = _source_of(ctx, target) if target is not None else None
    facts = ctx.facts.get(target) if target is not None else None
    if target is None or parsed is None or depth > 3:
        return False
    root = parsed[2].root_node
    found = _exported_value(root, exported)
    if found is None:
        return False
    inner = _returned_middleware(found) if factory \
        else found if found.type in _FUNCTIONS else None
    if inner is not None:
        return _guard_denies(inner) or (bool(auth) and _guard_denies(inner, modes=True)
                                        and _project_authenticated(ctx, rel, auth))
    if factory or found.type != "call_expression":
        return False
    seen = (_SEEN,) if auth and _project_authenticated(ctx, rel, auth) else ()
    verdict = _guard_verdict(found, root, facts.imports if facts is not None else [],
                             auth=seen)
    if isinstance(verdict, bool):
        return verdict
    return any(_project_guard_denies(ctx, target, *guard, depth=depth + 1) for guard in verdict)


def _registered_behind_guard(ctx: ProjectContext, rel: str, key: str) -> bool:
    """Return True when every call of the function ``key`` names (``_registrar_key``:
    exported by ``rel``) comes after an administrators' guard on the app it is given, for a
    path every one of its routes lies under (``admin.js``: ``app.all('/api/admin/{*path}',
    guard); adminTorrent.register(app)``), and there is at least one such call. A call
    through another name, in a test, or with anything but a plain name for the app is no
    proof."""
    name, index, *paths = key.split("\0")
    calls = 0
    for other in sorted(ctx.facts):
        if is_test_file(other):
            continue
        data = ctx.read(other) or b""
        if name.encode() not in data:
            continue
        facts = ctx.facts[other]
        imported = [imp for imp in facts.imports if imp.module.startswith(".")
                    and _resolve(ctx, other, imp.module) == rel]
        # `register(app)` (imported by name, or in its own module), `torrent.register(app)`
        callees = {imp.named[name] for imp in imported if imp.named.get(name)} | \
            {f"{holder}.{name}" for imp in imported
             for holder in (imp.default, imp.namespace) if holder}
        if other == rel:
            callees.add(name)
        if not callees:
            continue
        parsed = _source_of(ctx, other)
        if parsed is None:
            return False
        root = parsed[2].root_node
        for node in walk(root):
            if node.type != "call_expression":
                continue
            callee = node.child_by_field_name("function")
            if callee is None or text(callee).replace(" ", "") not in callees:
                continue
            args = node.child_by_field_name("arguments")
            given = code_children(args) if args is not None else []
            app = unwrap(given[int(index)]) if int(index) < len(given) else None
            if app is None or app.type != "identifier":
                return False
            calls += 1
            verdict = _router_uses_admin_guard(node, app, root, facts.imports, [], paths)
            if verdict is not True and not (verdict and all(
                    guard[0] not in (_REGISTERED, _OPERATOR)
                    and _project_guard_denies(ctx, other, *guard, depth=1)
                    for guard in verdict)):
                return False
    return calls > 0


#: Users who differ in what they may do: a role, an administrator flag or a permission read
#: (``req.user.role``, ``user.isAdmin``) or declared (``role: { type: String }``), or a guard
#: named for one (``requireRole('editor')``).
_ROLE_MARK = lazy_pattern(
    rb"\.\s*(?:roles?|isAdmin|is_admin|isSuperAdmin|isSuperuser|is_superuser|superuser"
    rb"|permissions?|privileges|accessLevel|access_level|userType|user_type|isStaff|is_staff"
    rb"|isOwner|is_owner)\b"
    rb"|\b(?:roles?|permissions|isAdmin|is_admin|accessLevel|access_level|userType|user_type)"
    rb"\s*:"
    rb"|\b(?:hasRole|requireRole|checkRole|hasPermission|requirePermission|checkPermission"
    rb"|authorize|requireAdmin|ensureAdmin|isAdmin|adminOnly|can)\s*\(")
#: A route that makes accounts: ``POST /register``, ``/signup``, ``/users/invite``.
_SIGN_UP_PATH = lazy_pattern(r"(?i)regist|sign-?up|sign_up|create-?account|invit|/join\b")
#: Packages that sign people in through another identity provider (OAuth, OpenID Connect,
#: SAML): whoever holds an account there may come in.
_EXTERNAL_SIGN_IN = lazy_pattern(
    r"^(?:passport-(?!local|jwt|http|custom|headerapikey|anonymous|strategy$)[\w-]+"
    r"|@node-saml/.+|openid-client|express-openid-connect|grant|grant-express|simple-oauth2"
    r"|keycloak-connect|@auth0/.+|@okta/.+|oauth|oauth2orize|@fastify/oauth2|better-auth"
    r"|next-auth|@auth/.+)$")


def _operator_only(ctx: ProjectContext) -> bool:
    """Return True when everyone who can sign in runs the instance (a device's or a home
    server's control panel: zwave-js-ui): the project signs users in on a login route of its
    own, makes no accounts on a route (no register, sign-up or invite route), signs no one in
    through another identity provider, and gives its users no roles (``_ROLE_MARK`` in no
    server file). An error's message on a route such a user alone reaches goes to the
    operator."""
    key = "error-handler:operator-only"
    found = ctx.extra.get(key)
    if found is None:
        found = ctx.extra[key] = _operator_only_uncached(ctx)
    return bool(found)


#: The path of a route that signs users in: one that names login or sign-in, or ends in
#: ``authenticate``, ``auth`` or ``session(s)`` (``/api/authenticate``, ``/auth``).
_LOGIN_ROUTE_PATH = lazy_pattern(r"(?i)log-?in|sign-?in|/(?:authenticate|auth|sessions?)/?$")


def _operator_only_uncached(ctx: ProjectContext) -> bool:
    if any(_EXTERNAL_SIGN_IN.match(name) for name in ctx.info.dependencies):
        return False
    login = False
    for rel in sorted(ctx.facts):
        if is_test_file(rel):
            continue
        for call in ctx.facts[rel].routes():
            if call.method not in ("post", "put", "all"):
                continue
            if _SIGN_UP_PATH.search(call.path or ""):
                return False
            login = login or bool(_LOGIN_ROUTE_PATH.search(call.path or ""))
        if _ROLE_MARK.search(ctx.read(rel) or b""):
            return False
    return login


def _project_authenticated(ctx: ProjectContext, rel: str, auth: Iterable[_AuthRef],
                           depth: int = 0) -> bool:
    """Return True when one of ``auth`` (what file ``rel``'s route registers before a guard)
    authenticates: ``_SEEN``, or a middleware of another project file that answers 401
    (``_authenticates`` read in that file)."""
    for module, exported, factory in auth:
        if module == "":
            return True
        target = _resolve(ctx, rel, module)
        parsed = _source_of(ctx, target) if target is not None else None
        if target is None or parsed is None or depth > 3:
            continue
        root = parsed[2].root_node
        found = _exported_value(root, exported)
        if found is None:
            continue
        inner = _returned_middleware(found) if factory \
            else found if found.type in _FUNCTIONS else None
        if inner is not None:
            if _answers_401(inner):
                return True
            continue
        if factory or found.type != "call_expression":
            continue
        facts = ctx.facts.get(target)
        if _project_authenticated(ctx, target, _authenticates(
                found, root, facts.imports if facts is not None else []), depth + 1):
            return True
    return False


def _exported_value(root: Node, exported: str | None) -> Node | None:
    """Return what a module exports as ``exported`` (None: the module itself, CommonJS's
    ``module.exports = …`` or ESM's default): a function, or the call whose value it is
    (``const requireAdmin = roleGuard('admin')``), read through a local name."""
    candidates: list[Node] = []
    for stmt in root.named_children:
        if stmt.type == "export_statement":
            decl = stmt.child_by_field_name("declaration")
            value = stmt.child_by_field_name("value")
            default = any(child.type == "default" for child in stmt.children)
            if decl is not None and default and exported in (None, "default"):
                candidates.append(decl)  # `export default function guard(…) {…}`
            elif decl is not None and exported is not None:
                if text(decl.child_by_field_name("name")) == exported:
                    candidates.append(decl)
                for declarator in decl.named_children:
                    if declarator.type == "variable_declarator" \
                            and text(declarator.child_by_field_name("name")) == exported:
                        candidates.append(declarator.child_by_field_name("value") or declarator)
            if value is not None and exported in (None, "default"):
                candidates.append(value)
            for spec in walk(stmt):
                alias = spec.child_by_field_name("alias") \
                    if spec.type == "export_specifier" else None
                name = spec.child_by_field_name("name") \
                    if spec.type == "export_specifier" else None
                if name is not None and text(alias if alias is not None else name) == exported:
                    candidates.append(name)
        elif stmt.type == "expression_statement" and stmt.named_children \
                and stmt.named_children[0].type == "assignment_expression":
            assign = stmt.named_children[0]
            key = _export_key(assign.child_by_field_name("left"))
            value = unwrap(assign.child_by_field_name("right"))
            if key is None or value is None:
                continue
            if key == "default" and value.type == "object" and exported is not None:
                for prop in value.named_children:
                    if prop.type == "shorthand_property_identifier" and text(prop) == exported:
                        candidates.append(prop)
                    elif prop.type in ("pair", "method_definition") and _key_text(
                            prop.child_by_field_name("key")
                            or prop.child_by_field_name("name")) == exported:
                        candidates.append(prop.child_by_field_name("value") or prop)
            elif (key == "default" and exported is None) or key == exported:
                candidates.append(value)
    if len(candidates) != 1:
        return None
    found: Node | None = unwrap(candidates[0])
    if found is not None and found.type in ("identifier", "shorthand_property_identifier"):
        found = _defined(root, text(found))
    return found if found is not None and (
        found.type in _FUNCTIONS or found.type == "call_expression") else None


def _resolve(ctx: ProjectContext, importer: str, module: str) -> str | None:
    """Return the project file a relative import names, or None."""
    return ctx.resolve_import(importer, module)


def _registration_spans(ctx: ProjectContext, facts: FileFacts,
                        app: AppFact) -> list[tuple[int, int]]:
    """Return the byte spans of the calls in ``facts``' file that add routes to ``app``:
    ``app.get('/x', …)``, ``app.route(…)``, ``app.use('/x', …)``, ``app.use(router)`` with a
    router made here or a module that makes routes, ``app.use((req, res) => …)`` (a catch-all),
    ``app.use(require('./routes'))``. Middleware from packages or other modules
    (``app.use(helmet())``, ``app.use(rateLimiter)``) is no route: a handler after it alone
    would still run before the routes (``_middleware_spans`` gives those). Routes whose path is
    no string: ``_pathless_route_spans``."""
    name = app.name
    routers = {a.name for a in facts.apps if a.kind == "router" and a.name}
    for imp in facts.imports:
        target = _resolve(ctx, facts.path, imp.module)
        other = ctx.facts.get(target) if target else None
        if other is not None and (any(a.kind == "router" for a in other.apps) or other.routes()):
            routers |= imp.locals()
    spans = []
    for call in facts.calls:
        if call.target != name:
            continue
        if call.method == "route" or (call.method in HTTP_METHODS and call.path is not None
                                      and len(call.args) >= 2):
            spans.append((call.start, call.end))
        elif call.method == "use" and (call.path is not None or any(
                (arg.kind == "function" and arg.params != 4)
                or (arg.kind == "identifier" and (arg.name in routers
                                                  or facts.function_params.get(arg.name) in (2, 3)))
                or (arg.kind == "call" and arg.name == "require")
                for arg in call.args)):
            spans.append((call.start, call.end))
    return spans


def _pathless_route_spans(ctx: ProjectContext, facts: FileFacts,
                          app: AppFact) -> list[tuple[int, int]]:
    """Return the byte spans of the file's routes on ``app`` whose path is no string, which
    the file's facts do not keep: ``app.get(/^[^.]*$/, …)``, ``app.get(['/a', '/b'],
    …)``, ``app.get(new RegExp(x), …)``, ``app.get(route, …)``. Two arguments at least:
    ``app.get('env')`` reads a setting."""
    name = app.name
    spans: list[tuple[int, int]] = []
    root = _root_of(ctx, facts.path)
    if root is not None and name and re.fullmatch(r"[\w$]+", name):
        for node in uses_of(root, name):
            member = node.parent
            route = member.parent if member is not None else None
            if member is None or route is None or member.type != "member_expression" \
                    or member.child_by_field_name("object") != node \
                    or text(member.child_by_field_name("property")) not in HTTP_METHODS \
                    or route.type != "call_expression" \
                    or route.child_by_field_name("function") != member:
                continue
            args = route.child_by_field_name("arguments")
            if args is not None and len(code_children(args)) >= 2:
                spans.append((route.start_byte, route.end_byte))
    return spans


def _middleware_spans(facts: FileFacts, app: AppFact) -> list[tuple[int, int]]:
    """Return the byte spans of the file's other ``app.use(…)`` calls (middleware from
    packages or other modules: ``app.use(express.static(dir))``, ``app.use(notFound)``).
    Alone they never place the final handler (one after them would still run before routes
    added elsewhere), but one that follows the routes can fail too (``serve-static`` hands
    on its 403s and 400s with ``next(err)``): the handler then goes after it."""
    return [(call.start, call.end) for call in facts.calls
            if call.target == app.name and call.method == "use"]


def insertion_point(lang: str, source: bytes, app: AppFact,
                    registrations: list[tuple[int, int]],
                    later: list[tuple[int, int]] | None = None,
                    undeferred: frozenset[tuple[int, int]] = frozenset()) -> int | None:
    """Return the offset where the final error handler goes: after the last statement of the
    block that creates the app that adds routes to it (``registrations``, the spans of such
    calls, or a call that is given the app: ``routes(app)``, ``require('./routes')(app)``, or
    a call to a local function that does either), never after ``listen``/export/``return``.
    None when the file adds no route after creating the app: its routes live elsewhere, and a
    handler right after ``express()`` would run before every route, never after one.
    ``later``: spans of calls (middleware) that move the place after them when they follow a
    route, but alone make none. ``undeferred``: registrations that place the handler but,
    inside a function, do not withhold it (routes with computed paths, registered in a loop:
    as before their paths were read)."""
    tree = parse(lang, source)
    node = tree.root_node.descendant_for_byte_range(app.start, app.end)
    while node is not None and not (node.start_byte == app.start and node.end_byte == app.end
                                    and node.type in ("call_expression", "new_expression")):
        node = node.parent
    if node is None or not app.name:
        return None
    stmt = statement_of(node)
    block = stmt.parent
    if block is None:
        return None
    given_app = re.compile(rf"[(,]\s*{re.escape(app.name)}\s*[,)]")

    def registers(candidate: Node) -> bool:
        return any(candidate.start_byte <= start and end <= candidate.end_byte
                   for start, end in registrations) or given_app.search(text(candidate)) is not None

    helpers = [text(fn.child_by_field_name("name")) for fn in block.named_children
               if fn.type == "function_declaration" and registers(fn)]
    calls_helper = re.compile(rf"(?<![\w$.])(?:{'|'.join(map(re.escape, helpers))})\s*\(") \
        if helpers else None
    def deferred(candidate: Node) -> bool:
        """A route added inside a function the statement hands on or stores (``app.connect =
        function () { app.use(routes); … }``, ``db.sync().then(() => app.use(routes))``): it
        runs when that function is called, after any statement of this block."""
        for start, end in registrations:
            if not (candidate.start_byte <= start and end <= candidate.end_byte) \
                    or (start, end) in undeferred:
                continue
            cur = candidate.descendant_for_byte_range(start, end)
            while cur is not None and cur != candidate:
                if cur.type in FUNCTION_TYPES:
                    return True
                cur = cur.parent
        return False

    last = None
    after = False
    for sibling in block.named_children:
        if sibling == stmt:
            after = True
            continue
        if not after or sibling.type in ("comment", "function_declaration", "class_declaration"):
            continue
        if deferred(sibling):
            return None  # no place in this block comes after those routes
        if _is_terminal(sibling, app.name):
            continue
        if registers(sibling) or (calls_helper is not None and calls_helper.search(text(sibling))):
            last = sibling
        elif last is not None and any(sibling.start_byte <= start and end <= sibling.end_byte
                                      for start, end in later or ()):
            last = sibling
    if last is None:
        return None
    return line_end(source, last.end_byte)


def _sets_production_env(ctx: ProjectContext, facts: FileFacts, app: AppFact) -> bool:
    """Return True when the block that creates ``app`` sets its ``env`` to the literal
    ``'production'`` after creating it and before it listens, is exported or returned:
    ``app.set('env', 'production')`` as a statement of its own or at the head of a chain
    (``app.set('env', 'production').disable(…)``). Express's default handler reads the
    app's ``env`` for every error and sends no stack in production. Not a conditional, a
    value computed at run time, or a setting on another app or in another file."""
    if not app.name:
        return False
    sets = [call for call in facts.calls
            if call.target == app.name and call.method == "set" and len(call.args) == 2
            and [(arg.kind, arg.name) for arg in call.args]
            == [("string", "env"), ("string", "production")]]
    parsed = _source_of(ctx, facts.path) if sets else None
    if parsed is None:
        return False
    root = parsed[2].root_node
    # Offsets of the tree: the facts count a byte order mark, the tree has none.
    shift = len(ctx.read(facts.path) or b"") - len(parsed[1])
    app_start, app_end = app.start - shift, app.end - shift
    created = _call_at(root, app_start, app_end)
    if created is None:
        return False
    block = statement_of(created).parent
    if block is None:
        return False
    for call in sets:
        node = _call_at(root, call.start - shift, call.end - shift)
        if node is None:
            continue
        # Up the chain: `app.set(…)` as the object of `.disable(…)` and so on, to its statement.
        while node.parent is not None and (
                (node.parent.type == "member_expression"
                 and node.parent.child_by_field_name("object") == node)
                or (node.parent.type == "call_expression"
                    and node.parent.child_by_field_name("function") == node)):
            node = node.parent
        stmt = node.parent
        if stmt is None or stmt.type != "expression_statement" or stmt.parent != block \
                or stmt.start_byte < app_end:
            continue
        if any(app_end <= other.start_byte and other.end_byte <= stmt.start_byte
               and _is_terminal(other, app.name) for other in block.named_children):
            continue  # after `listen`, the export or `return app`
        return True
    return False


def _call_at(root: Node, start: int, end: int) -> Node | None:
    """Return the call or ``new`` expression spanning exactly ``start``–``end``."""
    node = root.descendant_for_byte_range(start, end)
    while node is not None and not (node.start_byte == start and node.end_byte == end
                                    and node.type in ("call_expression", "new_expression")):
        node = node.parent
    return node


def _is_terminal(stmt: Node, name: str) -> bool:
    body = text(stmt)
    if stmt.type in ("return_statement", "export_statement"):
        return True
    if re.search(r"\.listen\s*\(", body):
        return True
    return bool(re.match(r"(module\.)?exports(\.\w+)?\s*=", body))


def _has_handler(ctx: ProjectContext, facts: FileFacts, app: AppFact | None = None) -> bool:
    """Return True when ``facts``' file registers an error handler on something other than a
    router it creates (a router's error handler covers only that router's routes) or, for
    ``app``, another app it creates."""
    others = {a.name for a in facts.apps if a.kind == "router"
              or (app is not None and a.kind == "app" and a.name != app.name)}
    return any(call.target not in others and _registers_handler(ctx, facts, call.args)
               for call in facts.uses())


def _three_parameter_handler(ctx: ProjectContext, facts: FileFacts,
                             app: AppFact) -> tuple[str, Node] | None:
    """Return (its file, the function) ``facts``' file registers on ``app`` (or on what is
    not a router or another app it creates) with ``.use(…)`` that is shaped as an error
    handler missing its ``next`` (``_missing_next``): written in place (``app.use((err, req,
    res) => …)``), declared in the file, or exported by the project module it requires or
    imports (``app.use(require('./middleware/failure'))``, ``_imported_missing_next``).
    Express tells error handlers by their four parameters: it calls this one for every
    request as ``(req, res, next)`` that reaches it, never with an error."""
    others = {a.name for a in facts.apps if a.kind == "router"
              or (a.kind == "app" and a.name != app.name)}
    parsed = None
    for call in facts.uses():
        if call.target in others:
            continue
        for arg in call.args:
            imported = _imported_missing_next(ctx, facts, arg)
            if imported is not None:
                return imported
            if not ((arg.kind == "function" and arg.params == 3)
                    or (arg.kind == "identifier" and facts.function_params.get(arg.name) == 3)):
                continue
            parsed = parsed or _source_of(ctx, facts.path)
            if parsed is None:
                return None
            root = parsed[2].root_node
            fn: Node | None = root.descendant_for_byte_range(arg.start, arg.end) \
                if arg.kind == "function" else _defined(root, arg.name)
            if fn is not None and fn.type in FUNCTION_TYPES and _missing_next(fn):
                return facts.path, fn
    return None


def _missing_next(fn: Node) -> bool:
    """Return True when ``fn`` is shaped as an error handler without its ``next``: three
    parameters, the first named like an error and the other two the request and the
    response (``(err, req, res)``)."""
    params = parameters(fn)
    return len(params) == 3 and all(param.type == "identifier" for param in params) \
        and bool(_ERROR_NAME.search(text(params[0]))) \
        and text(params[1]) in ("req", "request") and text(params[2]) in _RESPONSE_NAMES


def _imported_missing_next(ctx: ProjectContext, facts: FileFacts,
                           arg: ArgFact) -> tuple[str, Node] | None:
    """Return (the project file, the function) when ``use`` argument ``arg`` is a function
    another project file exports and it is shaped as an error handler without its ``next``
    (``_missing_next``): ``app.use(require('./middleware/failure'))``, or a name the file
    imports and does not declare (``const { onFailure } = require('./failure')``, ``import
    onFailure from './failure'``). A module that creates an app or a router exports that
    instead; an export that is not visibly a function is none."""
    found: tuple[str, str] | None = None
    if arg.kind == "call" and arg.name == "require":
        code = (ctx.read(facts.path) or b"")[arg.start:arg.end].decode("utf-8", "replace")
        match = _REQUIRE_ARG.match(code)
        found = (match.group(1), "default") if match else None
    elif arg.kind == "identifier" and arg.name not in facts.function_params:
        found = next(((imp.module, exported) for imp in facts.imports
                      for exported, local in (("default", imp.default), *imp.named.items())
                      if local == arg.name), None)
    rel = _resolve(ctx, facts.path, found[0]) if found is not None else None
    target = ctx.facts.get(rel) if rel is not None else None
    parsed = _source_of(ctx, rel) if rel is not None and target is not None \
        and not target.apps else None
    if found is None or rel is None or parsed is None:
        return None
    root = parsed[2].root_node
    for value in _export_values(root, found[1]) or []:
        fn = _function_value(root, value)
        if fn is not None and _missing_next(fn):
            return rel, fn
    return None


def _registers_handler(ctx: ProjectContext, facts: FileFacts, args: list[ArgFact]) -> bool:
    imported = {name: imp.module for imp in facts.imports for name in imp.locals()}
    for arg in args:
        if _delegating_handler(ctx, facts, arg) is not None:
            continue  # it hands the errors it does not answer to Express's default handler
        if _imported_missing_next(ctx, facts, arg) is not None:
            continue  # `(err, req, res)` in its module: Express never hands it an error
        if arg.kind == "function" and arg.params == 4:
            return True
        if arg.kind == "identifier":
            arity = facts.function_params.get(arg.name)
            if arity == 4:
                return True
            # (`const onError = require('./error').errorHandler` too: a named import.)
            module = imported.get(arg.name) if arity is None else None
            if module is not None and (
                    "error" in arg.name.lower() or _module_has_handler(ctx, facts.path, module)):
                return True
        if arg.kind in ("call", "member") and "error" in arg.name.lower():
            return True
        if arg.kind == "call" and arg.name == "require":  # app.use(require('./on-failure'))
            code = (ctx.read(facts.path) or b"")[arg.start:arg.end].decode("utf-8", "replace")
            found = _REQUIRE_ARG.match(code)
            if found and ("error" in found.group(1).lower()
                          or _module_has_handler(ctx, facts.path, found.group(1))):
                return True
    return False


def _delegating_handler(ctx: ProjectContext, facts: FileFacts, arg: ArgFact) -> Node | None:
    """Return the four-parameter function a ``use`` argument registers when this phase can
    read its body and that body passes errors on (``_passes_errors_on``): a function written
    in place, one declared in the file, or one a project module exports under the name the
    file imports (``module.exports = { errorMiddleware(err, req, res, next) {…} }``). None when
    it answers every error or cannot be read (the benefit of the doubt)."""
    if arg.kind not in ("function", "identifier"):
        return None
    in_file = arg.kind == "function" or facts.function_params.get(arg.name) == 4
    if in_file:
        data = ctx.read(facts.path) or b""
        if not _LAST_CALL_RE.search(data[arg.start:arg.end] if arg.kind == "function"
                                    else data):
            return None  # no `f(x)` right before a closing brace: nothing to parse it for
    parsed = _source_of(ctx, facts.path) if in_file else None
    if in_file and parsed is None:
        return None
    root = parsed[2].root_node if parsed is not None else None
    if arg.kind == "function" and root is not None:
        fn: Node | None = root.descendant_for_byte_range(arg.start, arg.end)
        while fn is not None and fn.type not in _FUNCTIONS:
            fn = fn.parent
        return fn if fn is not None and _passes_errors_on(fn) else None
    if root is not None:  # a function declared in the file
        fn = _defined(root, arg.name)
        return fn if fn is not None and fn.type in _FUNCTIONS and _passes_errors_on(fn) \
            else None
    binding = _import_binding(facts.imports, arg.name)
    if binding is None or not _relative(binding[0]):
        return None
    rel = _resolve(ctx, facts.path, binding[0])
    target = _source_of(ctx, rel) if rel is not None \
        and _LAST_CALL_RE.search(ctx.read(rel) or b"") else None
    if target is None:
        return None
    exported = binding[1] or "default"
    troot = target[2].root_node
    found = [fn for fn in walk(troot) if fn.type in _FUNCTIONS
             and len(parameters(fn)) == 4 and exported in _exported_as(fn, troot)
             | _exported_method(fn)]
    return found[0] if len(found) == 1 and _passes_errors_on(found[0]) else None


#: What the bytes of a handler that passes errors on hold (``_passes_errors_on``): a call of
#: one name (``next(err)``, ``next(err as Error)``) as the last statement of a block (then
#: ``}``, comments between): without one a file is not parsed again to look. The cast and the
#: comments are bounded, so an unclosed `/*` after many such calls costs each a bounded look.
_LAST_CALL_RE = lazy_pattern(rb"[\w$]\s*\(\s*[\w$]+\s*(?:as\s+[^(){};]{1,200}|!)?\)\s*;?\s*"
                             rb"(?:(?://[^\n]*|/\*.{0,500}?\*/)\s*)*\}", re.S)


def _exported_method(fn: Node) -> set[str]:
    """Return ``{N}`` for a method ``N(…) {…}`` of the object a CommonJS module exports
    (``module.exports = { N(err, req, res, next) {…} }``), else an empty set."""
    obj = fn.parent
    assign = obj.parent if obj is not None and obj.type == "object" else None
    if fn.type != "method_definition" or assign is None \
            or assign.type != "assignment_expression" \
            or _export_key(assign.child_by_field_name("left")) != "default":
        return set()
    return {text(fn.child_by_field_name("name"))}


def _passes_errors_on(fn: Node) -> bool:
    """Return True when error handler ``fn`` (four parameters) ends with ``next(err)`` (or
    ``return next(err)``) as the last statement of its body, on every way that answers no
    earlier branch: the errors it does not answer go on to the next handler, Express's own
    when none follows. A statement of the body before it that answers outside a branch makes
    it no delegator."""
    params = parameters(fn)
    body = fn.child_by_field_name("body")
    if len(params) != 4 or params[0].type != "identifier" or params[3].type != "identifier" \
            or body is None or body.type != "statement_block":
        return False
    statements = [stmt for stmt in body.named_children if stmt.type != "comment"]
    if not statements:
        return False
    last = statements[-1]
    call = unwrap(last.named_children[0]) if last.type in (
        "expression_statement", "return_statement") and last.named_children else None
    if call is None or call.type != "call_expression":
        return False
    callee = call.child_by_field_name("function")
    args_node = call.child_by_field_name("arguments")
    args = code_children(args_node) if args_node is not None else []
    if callee is None or callee.type != "identifier" or text(callee) != text(params[3]) \
            or len(args) != 1 or text(unwrap(args[0])) != text(params[0]):
        return False
    res = text(params[2])
    return not any(stmt.type == "expression_statement" and _mentions_name(stmt, res)
                   for stmt in statements[:-1])


def _registered_imports(ctx: ProjectContext, facts: FileFacts) -> Iterator[tuple[str, str]]:
    """Return (project file, export) for each function ``facts``' file imports and passes to
    ``.use(…)``: ``"default"`` for the module's own export (``const onError =
    require('./on-error')``, ``import onError from …``, ``app.use(require('./on-error'))``),
    else the export's name (``const { onError } = require(…)``)."""
    bound: dict[str, tuple[str, str]] = {}
    for imp in facts.imports:
        if imp.default:
            bound[imp.default] = (imp.module, "default")
        for exported, local in imp.named.items():
            bound[local] = (imp.module, exported)
    for call in facts.uses():
        for arg in call.args:
            found: tuple[str, str] | None = None
            if arg.kind == "identifier" and arg.name in bound \
                    and arg.name not in facts.function_params:
                found = bound[arg.name]
            elif arg.kind == "call" and arg.name == "require":
                code = (ctx.read(facts.path) or b"")[arg.start:arg.end].decode("utf-8", "replace")
                match = _REQUIRE_ARG.match(code)
                found = (match.group(1), "default") if match else None
            rel = _resolve(ctx, facts.path, found[0]) if found is not None else None
            if found is not None and rel is not None and rel in ctx.facts:
                yield rel, found[1]


def _export_key(target: Node | None) -> str | None:
    """Return what an assignment to ``target`` exports: ``"default"`` for ``module.exports``,
    ``K`` for ``module.exports.K`` or ``exports.K``, else None."""
    if target is None or target.type != "member_expression":
        return None
    obj, prop = target.child_by_field_name("object"), text(target.child_by_field_name("property"))
    if text(target) == "module.exports":
        return "default"
    if obj is not None and text(obj) in ("module.exports", "exports"):
        return prop
    return None


def _exported_as(fn: Node, root: Node) -> set[str]:
    """Return the names the module exports function ``fn`` under (``"default"`` for the
    module itself): ``module.exports = function (…) {…}``, ``exports.K = …``, ``export
    default``, ``export function N``, or a function declared as ``N`` and exported by name at
    the top of the module (``module.exports = N``, ``module.exports = { N }``, ``export { N
    as K }``)."""
    names: set[str] = set()
    parent = fn.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    declared = _declared_name(fn)
    if parent is not None and parent.type == "export_statement":
        names.add("default" if text(parent).startswith("export default") else declared or "")
    if parent is not None and parent.type == "assignment_expression":
        key = _export_key(parent.child_by_field_name("left"))
        if key is not None:
            names.add(key)
    if parent is not None and parent.type == "pair" and parent.parent is not None \
            and parent.parent.parent is not None \
            and parent.parent.parent.type == "assignment_expression" \
            and _export_key(parent.parent.parent.child_by_field_name("left")) == "default":
        names.add(_key_text(parent.child_by_field_name("key")) or "")
    if parent is not None and parent.type == "variable_declarator" and parent.parent is not None \
            and parent.parent.parent is not None \
            and parent.parent.parent.type == "export_statement" and declared:
        names.add(declared)
    if declared:
        for stmt in _top_level(root):
            names |= _exports_of_name(stmt, declared)
    names.discard("")
    return names


def _exports_of_name(stmt: Node, name: str) -> set[str]:
    """Return what top-level statement ``stmt`` exports local ``name`` as."""
    names: set[str] = set()
    if stmt.type == "expression_statement" and stmt.named_children \
            and stmt.named_children[0].type == "assignment_expression":
        assign = stmt.named_children[0]
        key = _export_key(assign.child_by_field_name("left"))
        value = unwrap(assign.child_by_field_name("right"))
        if key is not None and value is not None and value.type == "identifier" \
                and text(value) == name:
            names.add(key)
        elif key == "default" and value is not None and value.type == "object":
            for prop in value.named_children:
                if prop.type == "shorthand_property_identifier" and text(prop) == name:
                    names.add(name)
                elif prop.type == "pair" and text(unwrap(prop.child_by_field_name("value"))) \
                        == name:
                    names.add(_key_text(prop.child_by_field_name("key")) or "")
    elif stmt.type == "export_statement":
        value = stmt.child_by_field_name("value")
        if value is not None and value.type == "identifier" and text(value) == name:
            names.add("default")
        for spec in walk(stmt):
            if spec.type == "export_specifier" \
                    and text(spec.child_by_field_name("name")) == name:
                alias = spec.child_by_field_name("alias")
                names.add(text(alias) if alias is not None else name)
    return names


#: The nodes around a function that only bind it to a name or export it: ``const N = …``,
#: ``exports.N = …``, ``export function N``, ``module.exports = { N: … }`` (``_binding_of``).
_BINDING_TYPES = frozenset({"parenthesized_expression", "variable_declarator",
                            "lexical_declaration", "variable_declaration", "assignment_expression",
                            "expression_statement", "export_statement", "pair", "object",
                            *CASTS})
#: ``exports`` or ``module.exports`` read as a whole (``_reads_own_exports``).
_EXPORTS_WORD_RE = lazy_pattern(rb"(?<![\w$.])(?:module\s*\.\s*)?exports(?![\w$])")


def _binding_of(fn: Node) -> Node:
    """Return the outermost node around ``fn`` that only binds or exports it (``fn`` itself
    when it is an argument or anything else)."""
    cur = fn
    while cur.parent is not None and cur.parent.type in _BINDING_TYPES:
        cur = cur.parent
    return cur


def _named_member(node: Node) -> Node | None:
    """Return the member expression reading a member of ``node`` by its name (``node.name``,
    ``node?.name``), or None (``node[key]``, or ``node`` not read as an object)."""
    parent = node.parent
    if parent is None or parent.type != "member_expression" \
            or parent.child_by_field_name("object") != node:
        return None
    prop = parent.child_by_field_name("property")
    return parent if prop is not None and prop.type == "property_identifier" else None


def _reads_own_exports(root: Node, source: bytes) -> bool:
    """Return True when the module reads its own ``exports`` object other than to assign a
    member of it (``Object.values(module.exports)``, ``exports[mode]``): any export may be
    registered through it."""
    for match in _EXPORTS_WORD_RE.finditer(source):
        node = root.descendant_for_byte_range(match.end() - 1, match.end())
        if node is None or node.type in ("comment", "string_fragment", "string"):
            continue
        if node.type == "property_identifier" and node.parent is not None:
            node = node.parent  # `exports` of `module.exports`
        while (member := _named_member(node)) is not None:
            node = member  # `module.exports.onError`
        parent = node.parent
        if parent is None or parent.type != "assignment_expression" \
                or parent.child_by_field_name("left") != node:
            return True
    return False


def _unmounted_exports(fn: Node, root: Node, source: bytes) -> tuple[str, ...] | None:
    """Return the names error handler ``fn`` is exported under when its own module never
    registers it: its names (the one it is declared under, its exports) appear nowhere in the
    module but where it is declared and exported (comments aside), and the module never reads
    its own exports object. Only another module could register it then (``_mounted_nowhere``
    looks); an empty tuple when it is not exported either (dead code). None when the module
    may register it, when it is the module's default export (any importer's binding of the
    module may be it), or when no name binds it (``app.use((err, req, res, next) => …)``)."""
    declared = _declared_name(fn)
    exports = _exported_as(fn, root)
    if "default" in exports or (declared is None and not exports):
        return None
    binding = _binding_of(fn)
    if binding is fn and declared is None:
        return None
    names = exports | ({declared} if declared else set())
    word = re.compile(rb"(?<![\w$])(?:" + b"|".join(re.escape(n.encode()) for n in names)
                      + rb")(?![\w$])")
    for match in word.finditer(source):
        node = root.descendant_for_byte_range(match.start(), match.end())
        if node is None or node.type == "comment":
            continue
        if fn.start_byte <= node.start_byte and node.end_byte <= fn.end_byte:
            continue  # its own name (`function onError`) or a call of itself
        owner = enclosing(node, _FUNCTIONS)
        if owner is not None and owner != fn:
            return None  # another function names it: it may register it
        if binding.start_byte <= node.start_byte and node.end_byte <= binding.end_byte:
            continue  # `exports.onError = (err, req, res, next) => …`
        stmt = statement_of(node)
        if stmt.parent is not None and stmt.parent.type == "program" and declared \
                and _exports_of_name(stmt, declared):
            continue  # `module.exports = { onError }`
        return None
    if _reads_own_exports(root, source):
        return None
    return tuple(sorted(exports))


#: ``export * from './m'`` (and ``export * as ns from``): every export of ``m`` goes on.
_EXPORT_ALL_RE = lazy_pattern(rb"\bexport\s*\*[^;'\"]*from\s*(['\"])([^'\"\n]+)\1")


def _names_module(ctx: ProjectContext, importer: str, spec: str, rel: str) -> bool:
    """Return True when ``importer``'s import ``spec`` may name project file ``rel``: it
    resolves there, or it is a path alias (``@/handlers/errorHandlers``, ``~/errors``) whose
    last part is the file's name (its folder's, for an ``index``)."""
    if spec.startswith("."):
        return _resolve(ctx, importer, spec) == rel
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    if stem == "index":
        stem = posixpath.basename(posixpath.dirname(rel))
    last = posixpath.splitext(spec.rstrip("/").rsplit("/", 1)[-1])[0]
    return "/" in spec and last == stem


def _unused_import_only(node: Node, root: Node) -> bool:
    """Return True when ``node`` (an exported name in an importer) is the imported name of
    an import binding no other code of the file uses (``import { dev } from …``, ``const {
    dev: unused } = require(…)``)."""
    local: Node | None = None
    parent = node.parent
    if parent is not None and parent.type == "import_specifier":
        local = parent.child_by_field_name("alias") or parent.child_by_field_name("name")
    elif node.type == "shorthand_property_identifier_pattern":
        local = node
    elif parent is not None and parent.type == "pair_pattern" \
            and parent.child_by_field_name("key") == node:
        value = parent.child_by_field_name("value")
        local = value if value is not None and value.type == "identifier" else None
    if local is None:
        return False
    if parent is not None and parent.type != "import_specifier":
        pattern = local.parent if local.type == "shorthand_property_identifier_pattern" \
            else parent.parent
        declarator = pattern.parent if pattern is not None else None
        if declarator is None or declarator.type != "variable_declarator" \
                or required_module(unwrap(declarator.child_by_field_name("value"))) is None:
            return False  # a pattern of something else than a require
    name = text(local)
    return not any(use != local for use in walk(root)
                   if use.type in ("identifier", "shorthand_property_identifier",
                                   "type_identifier") and text(use) == name)


def _static_members_only(root: Node, local: str, binding: int) -> bool:
    """Return True when every use of module binding ``local``, but its binding in the import
    statement starting at byte ``binding``, reads a member by its name (``handlers.onError``),
    never the object as a whole or a computed member (``handlers[mode]``,
    ``Object.values(handlers)``, ``app.use(handlers)``)."""
    for use in uses_of(root, local):
        parent = use.parent
        if parent is None:
            continue
        if statement_of(use).start_byte == binding and (
                parent.type in ("import_clause", "namespace_import", "import_require_clause")
                or (parent.type == "variable_declarator"
                    and parent.child_by_field_name("name") == use)):
            continue  # its binding
        if parent.type == "member_expression" and parent.child_by_field_name("object") == use:
            continue
        return False
    return True


def _mounted_nowhere(ctx: ProjectContext, rel: str, names: tuple[str, ...]) -> bool:
    """Return True when no other file of the project can register the error handler that
    ``rel`` exports under ``names`` (``_unmounted_exports``): none names it but in an import
    binding it never uses, and none takes the module as a whole in a way that may reach it
    (``handlers[mode]``, ``Object.values(handlers)``, ``export * from``, a dynamic
    ``import()``). Tests are left out (a test app is no client's); a file the scan left out
    (another role, unreadable) that names it or the module may register it."""
    if not names:
        return True
    word = re.compile(rb"(?<![\w$])(?:" + b"|".join(re.escape(n.encode()) for n in names)
                      + rb")(?![\w$])")
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    if stem == "index":
        stem = posixpath.basename(posixpath.dirname(rel))
    for sf in ctx.files:
        if sf.rel == rel or is_test_file(sf.rel) \
                or posixpath.splitext(sf.rel)[1] not in JS_SUFFIXES:
            continue
        data = ctx.read(sf.rel) or b""
        named = word.search(data) is not None
        if not named and stem.encode() not in data:
            continue
        specs = [spec.decode("utf-8", "replace") for _, spec in _IMPORT_SPECIFIER.findall(data)]
        if not named and not any(_names_module(ctx, sf.rel, spec, rel) for spec in specs):
            continue
        facts = ctx.facts.get(sf.rel)
        parsed = _source_of(ctx, sf.rel) if facts is not None else None
        if facts is None or parsed is None:
            return False
        source, root = parsed[1], parsed[2].root_node
        for match in word.finditer(source):
            node = root.descendant_for_byte_range(match.start(), match.end())
            if node is not None and node.type != "comment" \
                    and not _unused_import_only(node, root):
                return False
        if any(_names_module(ctx, sf.rel, found.group(2).decode("utf-8", "replace"), rel)
               for found in _EXPORT_ALL_RE.finditer(source)):
            return False
        for imp in facts.imports:
            if not _names_module(ctx, sf.rel, imp.module, rel):
                continue
            for local in (imp.default, imp.namespace):
                if local and not _static_members_only(root, local, imp.start):
                    return False
        for call in walk(root):
            if call.type != "call_expression":
                continue
            fn = call.child_by_field_name("function")
            args = call.child_by_field_name("arguments")
            first = code_children(args)[0] if args is not None and code_children(args) \
                else None
            spec = string_value(first) if first is not None else None
            if fn is None or spec is None or text(fn) not in ("require", "import") \
                    or not _names_module(ctx, sf.rel, spec, rel):
                continue
            outer = call
            while outer.parent is not None and outer.parent.type in CASTS:
                outer = outer.parent
            parent = outer.parent
            if text(fn) == "import" or parent is None:
                return False  # `await import('./handlers')`: the whole module
            if parent.type in ("variable_declarator", "expression_statement"):
                continue  # bound (its uses are read above), or loaded for its effects
            if _named_member(outer) is not None:
                continue  # `require('./handlers').onError`: named, read above
            return False  # `module.exports = require('./handlers')`, `{ ...require(…) }`
    return True


#: The extensions of the view engines Express apps use, tried in turn for a view named
#: without one (after the app's own ``view engine``).
_VIEW_EXTENSIONS = ("ejs", "pug", "jade", "hbs", "handlebars", "njk", "nunjucks", "html",
                    "mustache", "twig", "liquid", "eta", "vash", "marko")
#: The code of a template, where it prints or reads its locals: EJS/Eta ``<% %>``, Handlebars,
#: Mustache, Nunjucks, Twig, Liquid ``{{ }}``/``{% %}``, ES6 template engines ``${ }``. Pug
#: (and an extension not listed) mixes code and text line by line: the whole file is read.
_TEMPLATE_CODE_RE = lazy_pattern(rb"<%.*?%>|\{\{.*?\}\}|\{%.*?%\}|\$\{[^}]*\}", re.S)
_WHOLE_TEXT_VIEWS = frozenset({"pug", "jade"})
#: A string literal (the parts of ``path.join(__dirname, 'views')``).
_STRING_PART_RE = lazy_pattern(rb"""['"]([^'"\n]*)['"]""")
#: ``require('path')`` inside such a value, whose string is no part of the folder.
_REQUIRE_CALL_RE = lazy_pattern(rb"""\brequire\s*\(\s*['"][^'"\n]*['"]\s*\)""")


def _view_roots(ctx: ProjectContext, rel: str) -> tuple[list[str], list[str]]:
    """Return (the folders that may hold the views of the app that ``rel`` renders in, the
    extensions its ``view engine`` settings name): ``views`` beside the package.json (Express's
    default, from the working folder) and beside ``rel``, and the folders an
    ``app.set('views', …)`` of the package names by string parts (``path.join(__dirname,
    '..', 'views')``), from its own file's folder and from the package's."""
    package = package_of(rel, ctx.package_dirs)
    roots = [posixpath.join(package, "views"), posixpath.join(posixpath.dirname(rel), "views")]
    engines: list[str] = []
    for other, facts in ctx.facts.items():
        if is_test_file(other) or package_of(other, ctx.package_dirs) != package:
            continue
        for call in facts.calls:
            if call.method != "set" or len(call.args) < 2 or call.args[0].kind != "string":
                continue
            setting = call.args[0].name
            code = _REQUIRE_CALL_RE.sub(
                b"", (ctx.read(other) or b"")[call.args[1].start:call.args[1].end])
            parts = [part.decode("utf-8", "replace") for part in _STRING_PART_RE.findall(code)]
            if setting == "view engine" and parts:
                engines.append(parts[0].lstrip("."))
            elif setting == "views" and parts:
                # An array of folders (`[path.resolve(__dirname, '../views'), …]`): each is
                # a root of its own.
                values = _array_items(code) if code.lstrip().startswith(b"[") else [code]
                for value in values:
                    found = [part.decode("utf-8", "replace")
                             for part in _STRING_PART_RE.findall(value)]
                    for base in (posixpath.dirname(other), package) if found else ():
                        roots.append(posixpath.normpath(posixpath.join(base, *found)))
    return roots, engines


def _array_items(code: bytes) -> list[bytes]:
    """Return the items of an array literal's text (``_snippets.split_top_level``)."""
    text_ = code.strip().decode("utf-8", "replace")
    close = closing_bracket(text_, 0)
    return [item.encode() for item in split_top_level(text_[1:close if close != -1 else None])]


def _template_prints(ctx: ProjectContext, rel: str, view: str, local: str, leak: str) -> bool:
    """Return True when the template ``res.render(view, { local: … })`` renders in ``rel``
    may print the leak it is handed (``_rendered_local``): the template cannot be found or
    read (what it prints is unknown), or its code names ``local`` (``locals.local`` too) as
    a whole (``<%= err %>``, ``{{#with err}}``, ``include('x', { err })``), by its message
    or stack (``err.message``, ``err.toString()``), or at all for a message or stack handed
    alone. A page that prints only other fields of the error (``<%= err.code %>``) sends
    neither its text nor its stack."""
    roots, engines = _view_roots(ctx, rel)
    extensions = [] if posixpath.splitext(view)[1] else \
        list(dict.fromkeys([*engines, *_VIEW_EXTENSIONS]))
    found = False
    name = re.compile(rb"(?<![\w$])" + re.escape(local.encode()) + rb"(?![\w$])")
    for root in dict.fromkeys(roots):
        for candidate in [f"{view}.{ext}" for ext in extensions] or [view]:
            path = posixpath.normpath(posixpath.join(root, candidate.lstrip("/")))
            data = ctx.read(path) if not path.startswith("..") else None
            if data is None:
                continue
            found = True
            ext = posixpath.splitext(path)[1].lstrip(".")
            code = [data] if ext in _WHOLE_TEXT_VIEWS or ext not in _VIEW_EXTENSIONS \
                else _TEMPLATE_CODE_RE.findall(data)
            for part in code:
                if part.startswith((b"<%#", b"{{!")):
                    continue  # an EJS or Handlebars comment prints nothing
                for match in name.finditer(part):
                    before = part[:match.start()]
                    if before.endswith(b".") and not before.endswith(b"locals."):
                        continue  # `other.err`: another object's field
                    if leak != "error":
                        return True  # the message or stack itself
                    field = re.match(rb"\s*(?:\?\.|\.)\s*([\w$]+)|\s*\[\s*['\"]([\w$]+)['\"]",
                                     part[match.end():])
                    if field is None or (field.group(1) or field.group(2)) in (
                            b"message", b"stack", b"toString"):
                        return True
    return not found


def _module_has_handler(ctx: ProjectContext, importer: str, module: str) -> bool:
    """Return True when the project file ``module`` (imported by ``importer``) defines a
    four-parameter function: ``app.use(onFailure)`` with ``onFailure`` imported from it. A
    module that creates a router exports the router (its error handler covers that router
    only)."""
    rel = _resolve(ctx, importer, module)
    if rel is not None and ctx.facts[rel].apps:
        return False
    lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1]) if rel else None
    source = ctx.read(rel) if rel and lang else None
    if rel and lang and source is not None:
        cache: dict[bytes, bool] = ctx.extra.setdefault("error-handler:four-params", {})
        if source not in cache:
            tree = parse(lang, source)
            cache[source] = any(len(parameters(fn)) == 4 for fn in walk(tree.root_node)
                                if fn.type in _FUNCTIONS)
        return cache[source]
    return False


def _node_of(ctx: ProjectContext, rel: str, start: int, end: int) -> Node | None:
    """Return the node spanning bytes ``start:end`` of ``rel`` (offsets of the file as
    read, byte order mark included)."""
    parsed = _source_of(ctx, rel)
    if parsed is None:
        return None
    _, source, tree = parsed
    shift = len(ctx.read(rel) or b"") - len(source)
    return tree.root_node.descendant_for_byte_range(start - shift, end - shift)


def _root_of(ctx: ProjectContext, rel: str) -> Node | None:
    """Return the root node of a scanned file's tree (``_source_of``'s, parsed once)."""
    parsed = _source_of(ctx, rel)
    return parsed[2].root_node if parsed is not None else None


def _source_of(ctx: ProjectContext, rel: str) -> tuple[str, bytes, Tree] | None:
    """Return (language, source without BOM, tree) of a scanned file, parsed once per content
    across the passes of a run."""
    lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
    data = ctx.read(rel)
    if lang is None or data is None:
        return None
    source = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    cache: dict[tuple[str, bytes], Tree] = ctx.extra.setdefault("error-handler:trees", {})
    key = (lang, source)
    if key not in cache:
        cache[key] = parse(lang, source)
    return lang, source, cache[key]


#: Bytes a file needs before a leak of its is left to the project phase: a status set
#: (``.status(``, ``.sendStatus(``, ``.statusCode =``) or ``instanceof``, and ``.message`` sent.
_FIELD_STATUS_BYTES_RE = lazy_pattern(rb"\.\s*(?:status|sendStatus)\s*\(|\.\s*statusCode\s*=")
#: ``.message`` or ``String(err)`` (the error's text too: ``_stringified``).
_MESSAGE_BYTES_RE = lazy_pattern(rb"\.\s*message\b")
_STRING_CALL_BYTES_RE = lazy_pattern(rb"String(?<!\wString)\s*\(")
#: Bytes of a catch's replacement gate (``if (!err.error)``, ``_envelope_gate``).
_GATE_BYTES_RE = lazy_pattern(rb"\bif\s*\(\s*!\s*[\w$]+\s*\.\s*[\w$]+\s*[|)]")
#: Bytes of an export (a handler its module does not register, ``Leak.unmounted``) or of a
#: rendered view (``Leak.view``).
_EXPORT_OR_VIEW_BYTES_RE = lazy_pattern(rb"\bexports?\b|\.\s*render\s*\(")
#: Bytes of a route or middleware registered on ``this.<field>`` (``this.app.get(``).
_THIS_ROUTE_BYTES_RE = lazy_pattern(
    rb"\bthis\s*\.\s*[\w$]+\s*\.\s*(?:get|post|put|patch|delete|all|options|head|use)\s*\(")


# A field of a project error class whose every construction passes a literal 4xx: a status read
# from it makes the message a deliberate client answer (`throw new HttpException(422, {...})`).

_CLASS_TYPES = frozenset({"class_declaration", "class", "abstract_class_declaration"})


@record
class _ErrorClass:
    """A project class that sets ``this.<field>`` from constructor parameter ``index``."""

    rel: str
    node: Node
    name: str
    field: str
    index: int
    default: Node | None  # the parameter's default value, if any


def _app_files(ctx: ProjectContext) -> list[str]:
    return [rel for rel in ctx.facts if not is_test_file(rel)]


def _project_sets_flag(ctx: ProjectContext, flag: str) -> bool:
    """Return True when the flag a handler tests before sending the message (``err.isPublic ?
    err.message : …``) is the application's own signal that the text was written for the
    client: an error class of the app (its name or its base's says Error or Exception) sets
    ``this.<flag>`` from a constructor parameter, and the flag is set on nothing else. Not when
    a class sets it to a value of its own (``this.isPublic = true`` marks every error, a wrapped
    database error's too), when code sets it by hand (``e.exposed = true; next(e)``), or when a
    ``new C(…)`` (or a subclass's ``new S(…)``) passes a flag that may be true with another
    error's text (``new C(`failed: ${e.message}`, 400, true)``) or a 5xx status (``new C('x',
    500, true)``, a status left out that defaults to a 5xx or to nothing). A library's error
    carries no such field, so its message takes the other branch."""
    try:
        return _flag_is_the_apps(ctx, flag)
    except _Unproven:
        return False


def _project_envelope(ctx: ProjectContext, field: str) -> bool:
    """Return True when the errors carrying ``field`` that a catch sends as they are
    (``_envelope_gate``) are the application's own envelopes: the project rejects or throws
    objects with that field (``Promise.reject({ error: { message: 'Not found', code: 404 }
    })``), every one of them of its own constant text, and nothing hangs the field on an
    error (``err.error = e``). Not for a field errors of libraries carry (``code``,
    ``response``, ``errors``…) or that a dependency's errors carry (request-promise's
    ``error``)."""
    if field in _LIBRARY_ERROR_FIELDS or _dependency_errors_carry(ctx, field):
        return False
    known: dict[str, bool] = ctx.extra.setdefault("error-handler:envelopes", {})
    if field not in known:
        known[field] = _envelopes_are_the_apps(ctx, field)
    return known[field]


def _dependency_errors_carry(ctx: ProjectContext, field: str) -> bool:
    """Return True when a package.json of the project (the root's or a package folder's)
    depends on a package whose errors carry ``field`` (``_PACKAGE_ERROR_FIELDS``)."""
    import json

    carriers = _PACKAGE_ERROR_FIELDS.get(field, ())
    if not carriers:
        return False
    for package in ctx.files_of("package"):
        try:
            data = json.loads(ctx.read(package.rel) or b"")
        except (ValueError, RecursionError):
            return True  # unreadable: what it depends on is unknown
        if not isinstance(data, dict):
            continue
        for kind in ("dependencies", "devDependencies", "optionalDependencies",
                     "peerDependencies"):
            names = data.get(kind)
            if isinstance(names, dict) and any(
                    name == carrier or (carrier.endswith("/") and name.startswith(carrier))
                    for name in names for carrier in carriers):
                return True
    return False


def _raised(obj: Node) -> bool:
    """Return True when object literal ``obj`` is thrown or handed to ``reject(…)`` (through
    parentheses, casts and the arms of a ternary)."""
    parent = obj.parent
    while parent is not None and (parent.type in CASTS or parent.type == "ternary_expression"):
        parent = parent.parent
    if parent is not None and parent.type == "throw_statement":
        return True
    call = parent.parent if parent is not None and parent.type == "arguments" else None
    fn = call.child_by_field_name("function") if call is not None else None
    return fn is not None and re.search(r"(?:^|\.)reject$", text(fn)) is not None


def _returned_to_raise(obj: Node, root: Node) -> bool:
    """Return True when object literal ``obj`` is what a function of ``root``'s file returns
    and a call of that function is thrown or rejected (``Promise.reject(notFound('…'))``)."""
    parent = obj.parent
    while parent is not None and parent.type in CASTS:
        parent = parent.parent
    fn = parent.parent if parent is not None and parent.type == "return_statement" else parent
    while fn is not None and fn.type not in FUNCTION_TYPES:
        if fn.type not in ("statement_block", "return_statement"):
            return False
        fn = fn.parent
    name = _declared_name(fn) if fn is not None else None
    return name is not None and any(
        node.type == "call_expression" and text(node.child_by_field_name("function")) == name
        and _raised(node) for node in walk(root))


def _request_or_response(node: Node | None) -> bool:
    """Return True when ``node`` is the request, the response or their locals (``res.locals``,
    ``req.session``): what the app hangs there is no error's field."""
    root = _root_name(node)
    return root in _RESPONSE_NAMES or root in ("req", "request") \
        or text(node).endswith(".locals")


def _key_name(key: Node | None) -> str | None:
    return string_value(key) if key is not None and key.type == "string" else text(key)


def _answered(obj: Node) -> bool:
    """Return True when object literal ``obj`` is an argument of the response's own method
    (``res.json({ error: … })``, ``res.render('page', { error })``): an answer, not an
    error."""
    parent = obj.parent
    while parent is not None and parent.type in CASTS:
        parent = parent.parent
    call = parent.parent if parent is not None and parent.type == "arguments" else None
    return call is not None and call.type == "call_expression" \
        and _root_name(call.child_by_field_name("function")) in _RESPONSE_NAMES


def _constant_envelope(pair: Node, root: Node) -> bool:
    """Return True when the value of ``pair`` is constant text, or constant but for the
    parameters of the function it is built in (``function badRequest(message) { return {
    error: { message, code: 400 } } }``) when that function is local to its file (not
    exported, never handed on) and every call of it passes the application's own text there."""
    value = pair.child_by_field_name("value")
    if _literal_object(value):
        return True
    fn = pair.parent
    while fn is not None and fn.type not in FUNCTION_TYPES:
        fn = fn.parent
    if fn is None:
        return False
    params = parameters(fn)
    names = [text(param) if param.type == "identifier" else "" for param in params]
    if not _literal_object(value, allowed=frozenset(name for name in names if name)):
        return False
    name = _declared_name(fn)
    if name is None:
        return False
    calls = 0
    for node in walk(root):
        if node.type != "identifier" or text(node) != name or node.parent is None:
            continue
        parent = node.parent
        if parent.type in ("function_declaration", "variable_declarator") \
                and parent.child_by_field_name("name") == node:
            continue
        args = parent.child_by_field_name("arguments") \
            if parent.type == "call_expression" \
            and parent.child_by_field_name("function") == node else None
        if args is None:
            return False  # exported, handed on or read: its callers are unknown
        given = code_children(args)
        if len(given) > len(names) or any(arg.type == "spread_element" for arg in given):
            return False
        for at, param in enumerate(names):
            arg = given[at] if at < len(given) else None
            if param and (arg is None or not _app_text(arg, set())):
                return False  # `badRequest(err.message)`: another error's text
        calls += 1
    return calls > 0


#: Bytes of a value thrown or rejected.
_RAISE_BYTES_RE = lazy_pattern(rb"throw(?<!\wthrow)\b|reject\s*\(")


def _names_field(node: Node | None, root: Node, field: str) -> bool:
    """Return True when ``node`` is the string ``field`` or a constant of the file holding
    it (``const ERROR = 'error'``)."""
    node = unwrap(node)
    if node is None:
        return False
    if node.type == "string":
        return string_value(node) == field
    if node.type == "identifier":
        value = _defined(root, text(node))
        return value is not None and value.type == "string" and string_value(value) == field
    return False


def _raises_known(node: Node, root: Node) -> bool:
    """Return True unless ``node`` (a ``throw`` or the arguments of a ``reject(…)``) raises a
    value from outside the application: only a ``new X(…)``, an object or literal the proof
    reads, a call of an error maker or of a function of the file, or a parameter named like an
    error (a rethrow: a caught error goes on as it came) may be raised."""
    if node.type == "arguments":
        call = node.parent
        fn = call.child_by_field_name("function") if call is not None else None
        if fn is None or re.search(r"(?:^|\.)reject$", text(fn)) is None:
            return True
        values = code_children(node)[:1]
    else:
        values = code_children(node)[:1]
    for value in values:
        value = unwrap(value)
        if value.type == "ternary_expression":
            return all(_raises_known_value(unwrap(arm), root)
                       for arm in (value.child_by_field_name("consequence"),
                                   value.child_by_field_name("alternative"))
                       if arm is not None)
        if not _raises_known_value(value, root):
            return False
    return True


def _raises_known_value(value: Node | None, root: Node) -> bool:
    if value is None:
        return True
    if value.type in ("new_expression", "object", "string", "template_string", "number",
                      "true", "false", "null", "undefined"):
        return True
    if value.type == "identifier":
        if _ERROR_NAME.search(text(value)) is not None and _bound_as_parameter(value):
            return True  # a rethrow: the caught error goes on as it came
        local = _local_value(value)
        return local is not None and local.type == "new_expression"  # `const e = new X(…)`
    if value.type == "binary_expression" and text(value.child_by_field_name("operator")) == "+":
        return any(side is not None and unwrap(side).type in ("string", "template_string")
                   for side in (value.child_by_field_name("left"),
                                value.child_by_field_name("right")))  # text, no object
    if value.type == "member_expression" \
            and text(value.child_by_field_name("property")) in ("status", "statusCode"):
        return True  # `reject(response.statusCode)`: a number
    if value.type == "call_expression":
        fn = value.child_by_field_name("function")
        if fn is None:
            return False
        if _ERROR_MAKER.search(text(fn)):
            return True
        return fn.type == "identifier" and _defined(root, text(fn)) is not None
    return False


def _bound_as_parameter(name: Node) -> bool:
    """Return True when identifier ``name`` is a parameter of a function around it or the
    parameter of a ``catch`` around it."""
    wanted = text(name)
    cur = name.parent
    while cur is not None:
        if cur.type in FUNCTION_TYPES and wanted in {
                n for param in parameters(cur) for n in _pattern_names(param)}:
            return True
        if cur.type == "catch_clause" and text(cur.child_by_field_name("parameter")) == wanted:
            return True
        cur = cur.parent
    return False


def _envelopes_are_the_apps(ctx: ProjectContext, field: str) -> bool:
    """Every object literal of the application with key ``field`` holds constant text and no
    spread beside it, at least one of them is thrown or rejected, and nothing else puts the
    field on a value: no ``x.field = …`` (but on the request, the response or their locals),
    ``x['field'] = …``, class field, ``Object.defineProperty(x, 'field', …)`` or shorthand
    ``{ field }``."""
    needle = field.encode()
    made = 0
    for rel in _app_files(ctx):
        data = ctx.read(rel) or b""
        if not _RAISE_BYTES_RE.search(data) and needle not in data:
            continue
        parsed = _source_of(ctx, rel)
        if parsed is None:
            return False
        root = parsed[2].root_node
        for node in walk(root):
            if node.type in ("throw_statement", "arguments") and not _raises_known(node, root):
                return False  # `throw body`, `reject(e.response.body)`: a value from outside
            if needle not in data:
                continue
            if node.type in ("method_definition", "required_parameter", "optional_parameter") \
                    and _key_name(node.child_by_field_name("name")
                                  or node.child_by_field_name("pattern")) == field \
                    and (node.type == "method_definition" or any(
                        child.type == "accessibility_modifier" or text(child) == "readonly"
                        for child in node.children)):
                return False  # `get error()`, `constructor(public error: unknown)`
            if node.type == "computed_property_name" and any(
                    _names_field(part, root, field) for part in code_children(node)):
                return False  # `{ [ERROR]: e }`
            if node.type == "call_expression" and re.search(
                    r"(?:^|\.)(?:set|fromEntries)$", text(node.child_by_field_name("function"))) \
                    and any(string_value(part) == field for part in walk(node)
                            if part.type == "string"):
                return False  # `Reflect.set(e, 'error', c)`, `_.set(…)`, `fromEntries`
            if node.type == "pair" and _key_name(node.child_by_field_name("key")) == field:
                obj = node.parent
                if obj is None or _answered(obj):
                    continue  # `res.json({ error: 'Not found' })`: an answer, no error
                if has_spread(obj) or not _constant_envelope(node, parsed[2].root_node):
                    return False  # `{ error: err }`, `{ ...e, error: {…} }`: another value
                made += _raised(obj) or _returned_to_raise(obj, parsed[2].root_node)
            elif node.type == "shorthand_property_identifier" and text(node) == field:
                if node.parent is None or not _answered(node.parent):
                    return False  # `reject({ error })`: a value of its own
            elif node.type in ("field_definition", "public_field_definition") \
                    and _key_name(node.child_by_field_name("property")
                                  or node.child_by_field_name("name")) == field:
                return False  # `class E { error = … }`
            elif node.type in ("assignment_expression", "augmented_assignment_expression"):
                left = unwrap(node.child_by_field_name("left"))
                if left is not None and left.type == "member_expression" \
                        and text(left.child_by_field_name("property")) == field \
                        and not _request_or_response(left.child_by_field_name("object")):
                    return False  # `err.error = e`: an error may carry anything there
                if left is not None and left.type == "subscript_expression" \
                        and _names_field(left.child_by_field_name("index"), root, field):
                    return False  # `err['error'] = e`, `err[ERROR] = e`
            elif node.type == "string" and string_value(node) == field \
                    and node.parent is not None and node.parent.type == "arguments" \
                    and re.search(r"definePropert(?:y|ies)$", text(
                        node.parent.parent.child_by_field_name("function")
                        if node.parent.parent is not None else None)):
                return False  # `Object.defineProperty(e, 'error', …)`
    return made > 0


#: A status that is a server error: ``500``…``599`` or the constant naming one.
_SERVER_STATUS = lazy_pattern(r"^5\d\d$|(?:^|\.)(?:INTERNAL_SERVER_ERROR|InternalServerError"
                              r"|BAD_GATEWAY|SERVICE_UNAVAILABLE|GATEWAY_TIMEOUT|NOT_IMPLEMENTED"
                              r"|INSUFFICIENT_STORAGE)$")
#: Values a flag argument has that leave the message private.
_FLAG_OFF = frozenset({"false", "undefined", "null", "0", "''", '""'})


def _flag_is_the_apps(ctx: ProjectContext, flag: str) -> bool:
    needle = flag.encode()
    mentions = [rel for rel in _app_files(ctx) if needle in (ctx.read(rel) or b"")]
    setters: list[_ErrorClass] = []
    accepted: set[int] = set()
    for rel in mentions:
        parsed = _source_of(ctx, rel)
        if parsed is None:
            raise _Unproven(rel)
        for cls in walk(parsed[2].root_node):
            if cls.type not in _CLASS_TYPES:
                continue
            heritage = next((c for c in cls.children if c.type == "class_heritage"), None)
            named = text(cls.child_by_field_name("name")) + " " + (
                text(heritage) if heritage is not None else "")
            if not re.search(r"(?:Error|Exception)\b", named):
                continue
            found = _sets_field(rel, cls, flag)  # `this.isPublic = true`: _Unproven
            if found is not None:
                setters.append(found[0])
                accepted.add(found[1])
    if not setters:
        return False
    for rel in mentions:  # `e.exposed = true`, `{ isPublic: true }`, `'isPublic'`
        _no_other_writes(_source_of(ctx, rel)[2].root_node, flag, accepted)  # type: ignore[index]
    family = _flag_family(ctx, setters)
    for rel in _app_files(ctx):
        data = ctx.read(rel) or b""
        if not any(cls.name.encode() in data for cls in family):
            continue
        parsed = _source_of(ctx, rel)
        if parsed is None:
            raise _Unproven(rel)
        names = _local_class_names(ctx, rel, family)
        for node in walk(parsed[2].root_node):
            if node.type != "new_expression":
                continue
            ctor = node.child_by_field_name("constructor")
            last = text(ctor.child_by_field_name("property")) \
                if ctor is not None and ctor.type == "member_expression" else text(ctor)
            constructed = names.get(last)
            if constructed is not None:
                _check_flag_construction(node, constructed)
    return True


def _ctor_params(cls: Node) -> list[tuple[str | None, Node | None]] | None:
    """Return the (name, default) of each constructor parameter of class ``cls``, or None
    when it declares no constructor."""
    body = cls.child_by_field_name("body")
    ctor = next((m for m in body.named_children if m.type == "method_definition"
                 and text(m.child_by_field_name("name")) == "constructor"), None) \
        if body is not None else None
    if ctor is None:
        return None
    listed = ctor.child_by_field_name("parameters")
    found: list[tuple[str | None, Node | None]] = []
    for param in code_children(listed) if listed is not None else []:
        pattern: Node | None = param
        default: Node | None = None
        if param.type in ("required_parameter", "optional_parameter"):
            pattern, default = param.child_by_field_name("pattern"), \
                param.child_by_field_name("value")
        if pattern is not None and pattern.type == "assignment_pattern":
            default = pattern.child_by_field_name("right")
            pattern = pattern.child_by_field_name("left")
        found.append((text(pattern) if pattern is not None and pattern.type == "identifier"
                      else None, default))
    return found


def _flag_family(ctx: ProjectContext, setters: list[_ErrorClass]) -> list[_ErrorClass]:
    """Return the classes that set the flag and their subclasses in application code, each
    with the constructor parameter the flag comes from (``class APIError extends Base {
    constructor(message, status, isPublic = false) { super(message, status, isPublic) } }``).
    A subclass that passes ``super`` anything else there is more than this proof follows."""
    family = list(setters)
    done = {cls.name for cls in family}
    for _ in range(4):
        grown = False
        for rel in _app_files(ctx):
            data = (ctx.read(rel) or b"").decode("utf-8", "replace")
            bases = [cls for cls in family
                     if re.search(rf"\bextends\s+(?:[\w$]+\.)*{re.escape(cls.name)}\b", data)]
            if not bases:
                continue
            parsed = _source_of(ctx, rel)
            if parsed is None:
                raise _Unproven(rel)
            for node in walk(parsed[2].root_node):
                heritage = next((c for c in node.children if c.type == "class_heritage"), None) \
                    if node.type in _CLASS_TYPES else None
                name = text(node.child_by_field_name("name")) if heritage is not None else ""
                base = next((cls for cls in bases if re.search(
                    rf"\b{re.escape(cls.name)}\b", text(heritage))), None) if name else None
                if base is None or name in done:
                    continue
                params = _ctor_params(node)
                if params is None:
                    family.append(_ErrorClass(rel, node, name, base.field, base.index,
                                              base.default))
                else:
                    supers = [n.child_by_field_name("arguments") for n in walk(node)
                              if n.type == "call_expression"
                              and text(n.child_by_field_name("function")) == "super"]
                    args = code_children(supers[0]) \
                        if len(supers) == 1 and supers[0] is not None else None
                    if args is None or base.index >= len(args) \
                            or args[base.index].type != "identifier" \
                            or text(args[base.index]) not in [n for n, _ in params]:
                        raise _Unproven(f"{rel}: {name}")
                    index = [n for n, _ in params].index(text(args[base.index]))
                    family.append(_ErrorClass(rel, node, name, base.field, index,
                                              params[index][1]))
                done.add(name)
                grown = True
        if not grown:
            break
    return family


def _local_class_names(ctx: ProjectContext, rel: str,
                       family: list[_ErrorClass]) -> dict[str, _ErrorClass]:
    """Return the names file ``rel`` may construct a class of ``family`` under: its own name,
    and every name imported from the module that declares it."""
    names = {cls.name: cls for cls in family}
    facts = ctx.facts.get(rel)
    for imp in facts.imports if facts is not None else []:
        target = _resolve(ctx, rel, imp.module)
        for cls in family:
            if target == cls.rel:
                for local in imp.locals():
                    names.setdefault(local, cls)
    return names


def _check_flag_construction(new: Node, cls: _ErrorClass) -> None:
    """Raise ``_Unproven`` when ``new C(…)`` may set the flag together with another error's
    text or a 5xx status."""
    listed = new.child_by_field_name("arguments")
    args = code_children(listed) if listed is not None else []
    if any(arg.type == "spread_element" for arg in args):
        raise _Unproven(text(new))
    value = args[cls.index] if cls.index < len(args) else cls.default
    shown = re.sub(r"\s+", "", text(value)) if value is not None else "undefined"
    if shown in _FLAG_OFF or re.fullmatch(rf"[\w$.?]+\.{re.escape(cls.field)}", shown):
        return  # off, or the flag of the error it converts (`new C(e.message, s, e.isPublic)`)
    params = _ctor_params(cls.node) or []
    names = [name or "" for name, _ in params]
    at_message = next((i for i, n in enumerate(names)
                       if re.search(r"(?i)message|msg|text|detail", n)), 0)
    at_status = next((i for i, n in enumerate(names) if re.search(r"(?i)status|code", n)), None)
    message = args[at_message] if at_message < len(args) else None
    if message is not None and _carries_error_text(message):
        raise _Unproven(f"{text(new)}: another error's text")
    if at_status is not None:
        status = args[at_status] if at_status < len(args) else None
        if status is None or text(status) == "undefined":
            status = params[at_status][1]  # the default, if any
        if status is None or text(status) in ("undefined", "null") \
                or _SERVER_STATUS.search(re.sub(r"\s+", "", text(status))):
            raise _Unproven(f"{text(new)}: a 5xx status")


def _carries_error_text(node: Node) -> bool:
    """Return True when expression ``node`` may hold another error's text: ``e.message``,
    ``e.stack``, ``String(e)``, an error named bare (`` `failed: ${e}` ``), or a local
    variable holding one of those; an identifier the function does not bind is unknown and
    counts."""
    if node.type == "identifier" and not _ERROR_NAME.search(text(node)):
        value = _local_value(node)
        if value is None:
            return text(node) != "undefined"
        node = value
    for part in walk(node):
        if part.type == "member_expression" and text(part.child_by_field_name("property")) \
                in ("message", "stack", "toString"):
            return True
        if part.type == "call_expression" and text(part.child_by_field_name("function")) \
                in ("String", "JSON.stringify"):
            return True
        if part.type == "identifier" and _ERROR_NAME.search(text(part)):
            parent = part.parent
            if parent is not None and parent.type == "member_expression" \
                    and parent.child_by_field_name("object") == part:
                continue  # `err.errors`: a field, read above if it is the text
            if parent is not None and (parent.type == "formal_parameters" or (
                    parent.type == "arrow_function"
                    and parent.child_by_field_name("parameter") == part)):
                continue  # a callback's own parameter
            return True
    return False


def _local_value(name: Node) -> Node | None:
    """Return the initial value of the ``const``/``let`` that ``name`` refers to in the
    functions around it, when it is declared once and never assigned again."""
    cur = name.parent
    while cur is not None:
        if cur.type in _FUNCTIONS or cur.type == "program":
            found = [n for n in walk(cur) if n.type == "variable_declarator"
                     and text(n.child_by_field_name("name")) == text(name)]
            if found:
                written = any(n.type in ("assignment_expression",
                                         "augmented_assignment_expression")
                              and text(n.child_by_field_name("left")) == text(name)
                              for n in walk(cur))
                return found[0].child_by_field_name("value") \
                    if len(found) == 1 and not written else None
        cur = cur.parent
    return None


def _client_fields(ctx: ProjectContext, fields: set[str]) -> set[str]:
    """Return the ``fields`` the project proves hold a 4xx wherever they are set: one or more
    classes set ``this.F = param`` in their constructor, every ``new C(…)`` (and a subclass's
    ``super(…)``) in application code passes a literal 4xx (or a constant holding one) there,
    the class is used in no other way, and nothing else writes ``F``. Anything unproven (a
    file that could not be parsed, a re-export, ``new C(status)``) leaves the field out."""
    proven = set()
    for field in fields:
        try:
            if _field_is_client_status(ctx, field):
                proven.add(field)
        except _Unproven:
            pass
    return proven


#: The fields a project error class keeps its HTTP status in.
_STATUS_FIELD_NAMES = ("status", "statusCode", "httpStatus", "httpStatusCode", "httpCode",
                       "errorCode", "status_code", "code")


def _client_only_class(ctx: ProjectContext, rel: str, local: str) -> bool:
    """Return True when ``local`` in file ``rel`` names a project error class that is only
    ever a client error: its constructor sets a status field to a literal 4xx
    (``this.status = 404``) and no class extends it, or sets it from a parameter and every
    ``new C(…)`` / subclass ``super(…)`` in application code passes a 4xx there."""
    found = _class_declaration(ctx, rel, local)
    if found is None:
        return False
    cls_rel, node = found
    body = node.child_by_field_name("body")
    ctor = next((m for m in body.named_children if m.type == "method_definition"
                 and text(m.child_by_field_name("name")) == "constructor"), None) \
        if body is not None else None
    if ctor is None:
        return False
    name = text(node.child_by_field_name("name"))
    for field in _STATUS_FIELD_NAMES:
        writes = [n for n in walk(node) if n.type == "assignment_expression"
                  and text(n.child_by_field_name("left")) == f"this.{field}"]
        if not writes:
            continue
        if len(writes) != 1:
            return False
        value = unwrap(writes[0].child_by_field_name("right"))
        if value is not None and value.type == "number":
            code = int(text(value)) if text(value).isdigit() else 0
            return 400 <= code < 500 and not any(
                re.search(rf"\bextends\s+{re.escape(name)}\b", (ctx.read(r) or b"").decode(
                    "utf-8", "replace")) for r in _app_files(ctx))
        try:
            record = _sets_field(cls_rel, node, field)
            return record is not None and _constructed_with_4xx(ctx, record[0])
        except _Unproven:
            return False
    return False


def _class_declaration(ctx: ProjectContext, rel: str, local: str) -> tuple[str, Node] | None:
    """Return (file, class node) of the project class ``local`` names in file ``rel``: declared
    at its top level, or imported from a project file that declares it at its top level."""
    parsed = _source_of(ctx, rel)
    if parsed is None:
        return None
    for stmt in _top_level(parsed[2].root_node):
        if stmt.type in _CLASS_TYPES and text(stmt.child_by_field_name("name")) == local:
            return rel, stmt
    facts = ctx.facts.get(rel)
    for imp in facts.imports if facts is not None else []:
        if local not in imp.locals():
            continue
        target = _resolve(ctx, rel, imp.module)
        other = _source_of(ctx, target) if target else None
        if other is None:
            return None
        exported = next((i for i, loc in imp.named.items() if loc == local), None)
        for stmt in _top_level(other[2].root_node):
            if stmt.type not in _CLASS_TYPES:
                continue
            cls_name = text(stmt.child_by_field_name("name"))
            default, named = _exports_of(other[2].root_node, cls_name)
            if (exported is None and default) or (exported is not None and (
                    named == exported or (exported == "default" and default))):
                return target, stmt  # type: ignore[return-value]
        return None
    return None


class _Unproven(Exception):
    """Something the proof cannot follow."""


def _field_is_client_status(ctx: ProjectContext, field: str) -> bool:
    needle = field.encode()
    mentions = [rel for rel in _app_files(ctx) if needle in (ctx.read(rel) or b"")]
    classes: list[_ErrorClass] = []
    accepted: set[int] = set()  # start bytes of the `this.F = param` assignments
    for rel in mentions:
        parsed = _source_of(ctx, rel)
        if parsed is None:
            raise _Unproven(rel)
        for node in walk(parsed[2].root_node):
            if node.type in _CLASS_TYPES:
                found = _sets_field(rel, node, field)
                if found is not None:
                    classes.append(found[0])
                    accepted.add(found[1])
    if not classes:
        return False
    for rel in mentions:  # nothing else writes the field
        _no_other_writes(_source_of(ctx, rel)[2].root_node, field, accepted)  # type: ignore[index]
    return all(_constructed_with_4xx(ctx, cls) for cls in classes)


def _sets_field(rel: str, cls: Node, field: str) -> tuple[_ErrorClass, int] | None:
    """Return the class record and the assignment's start when ``cls``'s constructor sets
    ``this.<field>`` to one of its parameters (or declares it a TypeScript parameter
    property)."""
    name_node = cls.child_by_field_name("name")
    body = cls.child_by_field_name("body")
    if name_node is None or body is None:
        return None
    ctor = next((m for m in body.named_children if m.type == "method_definition"
                 and text(m.child_by_field_name("name")) == "constructor"), None)
    if ctor is None:
        return None
    params = ctor.child_by_field_name("parameters")
    plist = [p for p in (params.named_children if params is not None else [])
             if p.type != "comment"]
    names: list[str | None] = []
    defaults: list[Node | None] = []
    for param in plist:
        pattern: Node | None = param
        default: Node | None = None
        if param.type in ("required_parameter", "optional_parameter"):
            if any(c.type == "accessibility_modifier" or text(c) == "readonly"
                   for c in param.children) \
                    and text(param.child_by_field_name("pattern")) == field:
                record = _ErrorClass(rel, cls, text(name_node), field, len(names),
                                     param.child_by_field_name("value"))
                return record, param.start_byte
            pattern, default = param.child_by_field_name("pattern"), \
                param.child_by_field_name("value")
        if pattern is not None and pattern.type == "assignment_pattern":
            default = pattern.child_by_field_name("right")
            pattern = pattern.child_by_field_name("left")
        names.append(text(pattern) if pattern is not None and pattern.type == "identifier"
                     else None)
        defaults.append(default)
    for node in walk(ctor):
        if node.type != "assignment_expression":
            continue
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None or left.type != "member_expression" \
                or text(left.child_by_field_name("object")) != "this" \
                or text(left.child_by_field_name("property")) != field:
            continue
        if right.type != "identifier" or text(right) not in names:
            raise _Unproven(f"{rel}: this.{field} = {text(right)}")
        index = names.index(text(right))
        if any(n.type in ("assignment_expression", "augmented_assignment_expression",
                          "update_expression")
               and text(n.child_by_field_name("left") or n.child_by_field_name("argument"))
               == text(right) for n in walk(ctor)):
            raise _Unproven(f"{rel}: the parameter {text(right)} is changed")
        return _ErrorClass(rel, cls, text(name_node), field, index, defaults[index]), \
            node.start_byte
    return None


def _no_other_writes(root: Node, field: str, accepted: set[int]) -> None:
    """Raise ``_Unproven`` when the file writes ``field`` anywhere but an accepted constructor
    assignment: ``x.F = …``, ``x['F'] = …``, an object literal with ``F`` (``next({ F: 500 })``),
    a class field with an initial value, or any string ``'F'`` (``defineProperty``)."""
    for node in walk(root):
        kind = node.type
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            written = text(left.child_by_field_name("property")) \
                if left is not None and left.type == "member_expression" \
                else string_value(left.child_by_field_name("index")) \
                if left is not None and left.type == "subscript_expression" else None
            if written == field and node.start_byte not in accepted:
                raise _Unproven(text(node))
        elif kind in ("pair", "shorthand_property_identifier") and not _response_body(node) \
                and (text(node) if kind != "pair"
                     else _key_text(node.child_by_field_name("key"))) == field:
            raise _Unproven(text(node))
        elif kind in ("public_field_definition", "field_definition") \
                and node.child_by_field_name("value") is not None \
                and _key_text(node.child_by_field_name("name")
                              or node.child_by_field_name("property")) == field:
            raise _Unproven(text(node))
        elif kind == "string" and string_value(node) == field:
            raise _Unproven(text(node))


def _response_body(prop: Node) -> bool:
    """Return True when the object holding ``prop`` is sent as is (``res.json({ errorCode,
    message })``): a body, never an error."""
    obj = prop.parent
    args = obj.parent if obj is not None else None
    call = args.parent if args is not None and args.type == "arguments" else None
    fn = call.child_by_field_name("function") if call is not None else None
    return fn is not None and fn.type == "member_expression" \
        and text(fn.child_by_field_name("property")) in SINK_METHODS


def _key_text(node: Node | None) -> str | None:
    if node is None:
        return None
    return string_value(node) if node.type == "string" else text(node)


#: The specifier of a ``require``, dynamic ``import`` or ``import … from`` / ``export … from``.
_IMPORT_SPECIFIER = lazy_pattern(
    rb"(?:\brequire\s*\(|\bimport\s*\(|\bfrom)\s*(['\"])([^'\"\n]+)\1")


def _constructed_with_4xx(ctx: ProjectContext, cls: _ErrorClass) -> bool:
    """Return True when every use of ``cls`` in application code constructs it with a 4xx at
    its status parameter (``new C(422, …)``, a subclass's ``super(404, …)``), or only names it
    (imports, exports, ``instanceof``, types)."""
    declared = _source_of(ctx, cls.rel)
    if declared is None:
        return False
    default_export, named_export = _exports_of(declared[2].root_node, cls.name)
    stem = posixpath.splitext(posixpath.basename(cls.rel))[0].encode()
    named = re.compile(rb"(?<![\w$])" + re.escape(cls.name.encode()) + rb"(?![\w$])")
    for sf in ctx.files:  # a file the scan could not read may construct it too
        if sf.rel in ctx.facts or is_test_file(sf.rel) \
                or posixpath.splitext(sf.rel)[1] not in JS_SUFFIXES:
            continue
        data = ctx.read(sf.rel) or b""
        # The class by its name (`getNotFoundError` is another name), or a module that
        # imports the class's file (`require('../utils')` for utils/index.js): a word that
        # merely contains the file's stem (`index` in a vendored bundle) reaches nothing.
        if named.search(data) or (stem in data and any(
                ctx.resolve_import(sf.rel, spec.decode("utf-8", "replace")) == cls.rel
                for _, spec in _IMPORT_SPECIFIER.findall(data))):
            return False
    for rel in _app_files(ctx):
        facts = ctx.facts[rel]
        local_names = {cls.name} if rel == cls.rel else set()
        for imp in facts.imports:
            if _resolve(ctx, rel, imp.module) != cls.rel:
                continue
            if imp.namespace:
                return False  # `ns.C` is more than this proof follows
            if imp.default:
                if default_export:
                    local_names.add(imp.default)
                elif not facts.module == "esm" or named_export is None:
                    return False  # a CommonJS module object: `m.C`
            for imported, local in imp.named.items():
                if imported == named_export or (imported == "default" and default_export):
                    local_names.add(local)
        parsed = _source_of(ctx, rel)
        if parsed is None:
            return False
        root = parsed[2].root_node
        if rel != cls.rel and stem in parsed[1] and _reexports(ctx, rel, root, cls.rel):
            return False
        if local_names and not _uses_are_4xx_constructions(ctx, rel, root, local_names, cls):
            return False
    return True


def _exports_of(root: Node, name: str) -> tuple[bool, str | None]:
    """Return (exported as the module's default, exported name) of top-level ``name``."""
    default, named = False, None
    for stmt in root.named_children:
        body = text(stmt)
        if stmt.type == "export_statement":
            decl = stmt.child_by_field_name("declaration")
            value = stmt.child_by_field_name("value")
            if re.match(r"export\s+default\b", body) and (
                    (value is not None and text(value) == name) or (
                    decl is not None and text(decl.child_by_field_name("name")) == name)):
                default = True
            elif decl is not None and text(decl.child_by_field_name("name")) == name:
                named = name
            for spec in walk(stmt):
                if spec.type == "export_specifier" \
                        and text(spec.child_by_field_name("name")) == name:
                    alias = spec.child_by_field_name("alias")
                    named = text(alias) if alias is not None else name
                    default = default or named == "default"
        elif re.match(rf"(module\.)?exports\s*=\s*{re.escape(name)}\s*;?$", body):
            default = True
        elif re.match(rf"module\.exports\s*=\s*\{{[^}}]*\b{re.escape(name)}\b", body):
            named = name
        elif found := re.match(rf"(?:module\.)?exports\.(\w+)\s*=\s*{re.escape(name)}\s*;?$",
                               body):
            named = found.group(1)
    return default, named


def _reexports(ctx: ProjectContext, rel: str, root: Node, target: str) -> bool:
    """Return True when file ``rel`` re-exports module ``target`` (``export … from``,
    ``module.exports = require(…)``): its importers are more than this proof follows."""
    for stmt in root.named_children:
        source = stmt.child_by_field_name("source") if stmt.type == "export_statement" else None
        if source is not None and _resolve(ctx, rel, string_value(source) or "") == target:
            return True
        found = re.match(r"(?:module\.)?exports(?:\.\w+)?\s*=\s*require\(\s*['\"]([^'\"]+)",
                         text(stmt))
        if found and _resolve(ctx, rel, found.group(1)) == target:
            return True
    return False


#: Where naming a class neither constructs it nor hands it on.
_NAMING_PARENTS = frozenset({"import_specifier", "import_clause", "namespace_import",
                             "export_specifier"})


def _uses_are_4xx_constructions(ctx: ProjectContext, rel: str, root: Node,
                                names: set[str], cls: _ErrorClass) -> bool:
    for node in uses_of(root, names):
        parent = node.parent
        if parent is None:
            return False
        if parent.type == "new_expression" and parent.child_by_field_name("constructor") == node:
            if not _client_argument(ctx, rel, root, parent.child_by_field_name("arguments"),
                                    cls):
                return False
        elif parent.type in ("class_heritage", "extends_clause"):
            if not _subclass_passes_4xx(ctx, rel, root, parent, cls):
                return False
        elif parent.type in _NAMING_PARENTS:
            continue
        elif parent.type == "binary_expression" \
                and text(parent.child_by_field_name("operator")) == "instanceof" \
                and parent.child_by_field_name("right") == node:
            continue
        elif parent.type == "export_statement" or (
                parent.type in _CLASS_TYPES and parent.child_by_field_name("name") == node) or (
                parent.type == "variable_declarator" and parent.child_by_field_name("name") == node
                and text(parent.child_by_field_name("value")).startswith("require(")):
            continue
        elif _in_module_exports(node):
            continue
        else:
            return False
    return True


def _in_module_exports(node: Node) -> bool:
    """Return True when ``node`` is (a property of) the value of ``module.exports = …`` or
    ``exports.X = …``."""
    cur = node.parent
    while cur is not None and cur.type in ("object", "pair", "shorthand_property_identifier"):
        cur = cur.parent
    return cur is not None and cur.type == "assignment_expression" \
        and re.match(r"(module\.)?exports\b", text(cur.child_by_field_name("left"))) is not None \
        and cur.child_by_field_name("right") is not None


def _subclass_passes_4xx(ctx: ProjectContext, rel: str, root: Node, heritage: Node,
                         cls: _ErrorClass) -> bool:
    """Return True when the subclass whose ``extends`` is ``heritage`` has a constructor whose
    every ``super(…)`` passes a 4xx at the status parameter."""
    sub: Node | None = heritage
    while sub is not None and sub.type not in _CLASS_TYPES:
        sub = sub.parent
    body = sub.child_by_field_name("body") if sub is not None else None
    ctor = next((m for m in body.named_children if m.type == "method_definition"
                 and text(m.child_by_field_name("name")) == "constructor"), None) \
        if body is not None else None
    if ctor is None:
        return False  # `new Sub(…)` passes its arguments on: not followed
    supers = [n for n in walk(ctor) if n.type == "call_expression"
              and text(n.child_by_field_name("function")) == "super"]
    return bool(supers) and all(
        _client_argument(ctx, rel, root, n.child_by_field_name("arguments"), cls)
        for n in supers)


def _client_argument(ctx: ProjectContext, rel: str, root: Node, args: Node | None,
                     cls: _ErrorClass) -> bool:
    """Return True when the argument at ``cls.index`` of a call is a 4xx (its default
    value when the call passes none)."""
    if args is None or any(a.type == "spread_element" for a in args.named_children):
        return False
    values = [a for a in args.named_children if a.type != "comment"]
    value = values[cls.index] if cls.index < len(values) else cls.default
    code = _constant(ctx, rel, root, value)
    return code is not None and 400 <= code < 500


#: The objects of the status-code packages whose members are the codes by name
#: (``StatusCodes.NOT_FOUND``, ``httpStatus.NOT_FOUND``): (module, imported name).
_STATUS_PACKAGES = frozenset({("http-status-codes", "StatusCodes"), ("http-status", "default"),
                              ("http-status", "status")})


def _constant(ctx: ProjectContext, rel: str, root: Node, node: Node | None,
              depth: int = 0) -> int | None:
    """Return the integer ``node`` always holds: a number, a top-level ``const`` of one (in
    this file or imported from a project file), a member of a ``const`` object literal or a
    TypeScript enum, or a status-code package's constant named after its reason phrase."""
    node = unwrap(node)
    if node is None or depth > 3:
        return None
    if node.type == "number":
        return int(text(node)) if text(node).isdigit() else None
    facts = ctx.facts.get(rel)
    if node.type == "identifier":
        if _bindings(root, text(node)) != 1:
            return None  # declared again in some function: which one the call sees is unclear
        value = _top_const(root, text(node))
        if value is not None:
            return _constant(ctx, rel, root, value, depth + 1)
        for imp in facts.imports if facts else []:
            for imported, local in imp.named.items():
                target = _resolve(ctx, rel, imp.module) if local == text(node) else None
                parsed = _source_of(ctx, target) if target else None
                if parsed is not None:
                    return _constant(ctx, target, parsed[2].root_node,  # type: ignore[arg-type]
                                     _top_const(parsed[2].root_node, imported), depth + 1)
        return None
    if node.type != "member_expression":
        return None
    obj = unwrap(node.child_by_field_name("object"))
    key = text(node.child_by_field_name("property"))
    if obj is None or obj.type != "identifier":
        return None
    members = _members(root, text(obj))
    if members is not None:
        return _constant(ctx, rel, root, members.get(key), depth + 1)
    for imp in facts.imports if facts else []:
        if text(obj) not in imp.locals():
            continue
        exported = next((i for i, local in imp.named.items() if local == text(obj)), None)
        if (imp.module, exported or "default") in _STATUS_PACKAGES:
            return _client_reason_codes().get(key)
        target = _resolve(ctx, rel, imp.module)
        parsed = _source_of(ctx, target) if target else None
        if parsed is not None and exported is not None:
            found = _members(parsed[2].root_node, exported)
            if found is not None:
                return _constant(ctx, target, parsed[2].root_node,  # type: ignore[arg-type]
                                 found.get(key), depth + 1)
    return None


#: Where an identifier declares a name (``const X``, a parameter, a destructured name…).
_BINDING_PARENTS = frozenset({"variable_declarator", "formal_parameters", "required_parameter",
                              "optional_parameter", "assignment_pattern", "arrow_function",
                              "catch_clause", "array_pattern", "pair_pattern", "rest_pattern",
                              "function_declaration", "class_declaration", "import_specifier",
                              "import_clause", "namespace_import", "for_in_statement"})


def _bindings(root: Node, name: str) -> int:
    """Return how many times the file declares ``name`` (any scope)."""
    count = 0
    for node in walk(root):
        if node.type == "shorthand_property_identifier_pattern" and text(node) == name:
            count += 1
        elif node.type == "identifier" and text(node) == name and node.parent is not None \
                and node.parent.type in _BINDING_PARENTS:
            parent = node.parent
            if parent.type == "variable_declarator" \
                    and parent.child_by_field_name("name") != node:
                continue  # `x = NAME`: a use
            if parent.type == "assignment_pattern" and parent.child_by_field_name("left") != node:
                continue
            if parent.type == "pair_pattern" and parent.child_by_field_name("value") != node:
                continue
            if parent.type == "for_in_statement" and parent.child_by_field_name("left") != node:
                continue
            if parent.type == "arrow_function" \
                    and parent.child_by_field_name("parameter") != node:
                continue
            count += 1
    return count


def _top_level(root: Node) -> Iterator[Node]:
    """Yield the top-level statements, looking into ``export`` ones."""
    for stmt in root.named_children:
        decl = stmt.child_by_field_name("declaration") if stmt.type == "export_statement" \
            else None
        yield decl if decl is not None else stmt


def _top_const(root: Node, name: str | None) -> Node | None:
    """Return the value of top-level ``const name = …``."""
    return _const_among(_top_level(root), name)


def _members(root: Node, name: str) -> dict[str, Node | None] | None:
    """Return key → value of a top-level ``const name = { … }`` or ``enum name { … }``."""
    for stmt in _top_level(root):
        if stmt.type == "enum_declaration" and text(stmt.child_by_field_name("name")) == name:
            body = stmt.child_by_field_name("body")
            return {text(m.child_by_field_name("name")): m.child_by_field_name("value")
                    for m in (body.named_children if body is not None else [])
                    if m.type == "enum_assignment"}
    value = unwrap(_top_const(root, name))
    if value is not None and value.type == "object":
        return dict(object_properties(value))
    return None


@functools.cache
def _client_reason_codes() -> dict[str, int]:
    """Return the names status-code packages give the 4xx codes (``NOT_FOUND`` → 404)."""
    return {name: status for name, status in _codes_by_name().items() if 400 <= status < 500}


_REQUIRE_ARG = lazy_pattern(r"^require\(\s*['\"]([^'\"]+)['\"]\s*\)$")


def _handler_anywhere_else(ctx: ProjectContext) -> bool:
    """Return True when a file that creates no app registers an error handler: a routes module
    (``module.exports = (app) => { …; app.use(errorHandler); }``) or a setup helper. A
    handler on a router the file creates does not count."""
    for facts in ctx.facts.values():
        if is_test_file(facts.path) or any(a.kind == "app" for a in facts.apps):
            continue
        if _has_handler(ctx, facts):
            return True
    return False


#: The callee of a module's export called where it is required: ``require('./users')(…)``.
_INLINE_REQUIRE_CALL = lazy_pattern(r"require\(\s*(['\"])(\.[^'\"]+)\1\s*\)")
def _loopback_files(ctx: ProjectContext) -> frozenset[str]:
    """Return the project files whose routes answer only on the loopback interface unless the
    operator configures another host: a file whose Express apps are all listened on in that
    file, every ``listen(port, host, …)`` with a host setting that defaults to a loopback
    host, not exported and trusting no proxy (``_loopback.loopback_roots``); and the files
    only such files mount. Their callers are the instance's operators and tools on the same host (an
    admin API and its command line client), who read an error's text to mend what they
    sent."""
    memo = ctx.extra.get("error-handler:loopback")
    if isinstance(memo, frozenset):
        return memo
    roots = loopback_roots(ctx)
    found = set(roots)
    if roots:
        # Who mounts each file's app or router (`app.use('/users', require('./users')())`).
        parents: dict[str, set[str]] = {}
        for facts in ctx.facts.values():
            receivers = {app.name for app in facts.apps if app.name}
            if is_test_file(facts.path) or not receivers:
                continue
            for use in facts.uses():
                if use.target not in receivers:
                    continue
                for arg in use.args:
                    rel = mounted_file(ctx, facts, arg)
                    inline = _INLINE_REQUIRE_CALL.fullmatch(arg.name) \
                        if rel is None and arg.kind == "call" else None
                    if inline is not None:
                        rel = ctx.resolve_import(facts.path, inline.group(2))
                    if rel is not None and rel != facts.path:
                        parents.setdefault(rel, set()).add(facts.path)

        def only_loopback(rel: str, seen: frozenset[str]) -> bool:
            if rel in roots:
                return True
            above = parents.get(rel)
            return bool(above) and rel not in seen and all(
                only_loopback(parent, seen | {rel}) for parent in sorted(above or ()))

        found.update(rel for rel in parents if only_loopback(rel, frozenset()))
    result = frozenset(found)
    ctx.extra["error-handler:loopback"] = result
    return result


def _routes_added_elsewhere(ctx: ProjectContext, app_facts: FileFacts) -> bool:
    """Return True when another module imports the app file and adds routes to it, so the
    last route of the app file may not be the last route of the app."""
    stem = posixpath.splitext(posixpath.basename(app_facts.path))[0]
    for facts in ctx.facts.values():
        if facts.path == app_facts.path or is_test_file(facts.path):
            continue
        for imp in facts.imports:
            base = posixpath.splitext(posixpath.basename(imp.module))[0]
            if not imp.module.startswith(".") or base != stem:
                continue
            names = imp.locals()
            if any(c.target in names and (c.method == "use" or c.path is not None)
                   for c in facts.calls):
                return True
    return False


RULE = ErrorHandler()
