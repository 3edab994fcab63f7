"""Express apps no error can reach the default handler of: nothing is mounted on them, or only
routes that cannot fail (a load balancer's agent answering ``sendStatus(204)``). Read by
error-handler (no final handler needed) and node-env (the default handler's stack traces are
never shown), so both rules judge such an app the same way."""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node

from nodeharden._express import HTTP_METHODS, AppFact, FileFacts
from nodeharden._parse import code_children, parameters, string_value, text, uses_of, walk
from nodeharden._regex import lazy_pattern
from nodeharden.rules._base import ProjectContext
from nodeharden.rules._mounts import project_tree

#: A plain name (the walk of ``configured_nowhere`` follows identifiers, not ``this.app``).
_NAME = lazy_pattern(r"[A-Za-z_$][\w$]*")
#: Local names of an imported logger (``logger``, ``log``).
LOGGER_LOCAL = lazy_pattern(r"^(?:[lL]ogger|LOGGER|[lL]og|LOG)$")

#: What may be done with an app that mounts nothing on it: settings and listening.
_UNMOUNTING_METHODS = frozenset({"listen", "set", "enable", "disable", "enabled", "disabled"})
#: The modules whose ``createServer(app)`` only hands the app the server's requests.
_SERVER_MODULES = frozenset({"http", "https", "http2", "node:http", "node:https", "node:http2"})


def configured_nowhere(root: Node | None, facts: FileFacts, app: AppFact,
                       routes: bool = False, quiet_router: Callable[[str], bool] | None = None,
                       exported: bool = False) -> bool:
    """Return True when nothing is mounted on ``app``: its name is only declared, given
    settings or listened on (``_UNMOUNTING_METHODS``) and handed to ``http.createServer(app)``
    (a server a WebSocket server shares); never given a route or middleware, passed to
    another function, stored or exported. Express then only answers 404 and no error can
    reach a handler. With ``routes``, also when what is mounted are only routes that cannot
    fail (``_route_cannot_fail``) and header middleware (``_header_middleware``: helmet, which
    ``fix`` may have added, and cors), and its settings are literals; ``quiet_router`` tells
    the names of imported routers of such routes alone (``quiet_routers``), which the app may
    mount too, and ``exported`` lets the file export the app (a router's module does).
    ``root``: the file's parsed tree."""
    name = app.name
    if routes and name and not _NAME.fullmatch(name):
        routes = False  # `this.app`: the walk below follows plain names only
    helmet = facts.locals_of("helmet") | facts.locals_of("cors") if routes else set()
    quiet = quiet_router if routes and quiet_router is not None else (lambda _: False)
    # (`exports_app` is the file's: with routes, the uses below show whether this app is the
    # one exported.)
    if not name or (facts.exports_app and not routes) \
            or any(c.target == name and c.method not in _UNMOUNTING_METHODS
                   and not (routes and c.method in HTTP_METHODS)
                   and not (c.method == "use" and len(c.args) == 1 and c.args[0].kind == "call"
                            and c.args[0].name in helmet)
                   and not (c.method == "use" and len(c.args) == 1
                            and c.args[0].kind == "identifier" and quiet(c.args[0].name))
                   for c in facts.calls):
        return False
    if root is None:
        return False
    servers = server_locals(facts)
    for node in uses_of(root, name):
        parent = node.parent
        if parent is None:
            return False
        if routes and parent.type == "member_expression" \
                and parent.child_by_field_name("object") == node and parent.parent is not None \
                and parent.parent.type == "call_expression" \
                and parent.parent.child_by_field_name("function") == parent:
            method = text(parent.child_by_field_name("property"))
            arguments = parent.parent.child_by_field_name("arguments")
            if method in HTTP_METHODS and _route_cannot_fail(root, facts, parent.parent):
                continue
            if method == "use" and _header_middleware(facts, arguments):
                continue
            used = code_children(arguments) if method == "use" and arguments is not None else []
            if len(used) == 1 and used[0].type == "identifier" and quiet(text(used[0])):
                continue  # `app.use(router)`: a router of routes that cannot fail
            if method in ("set", "enable", "disable") and arguments is not None and any(
                    c.target == name and c.method in HTTP_METHODS for c in facts.calls) \
                    and not all(arg.type in _LITERALS for arg in code_children(arguments)):
                return False  # `app.set('query parser', parse)`: code run for every request
        if parent.type == "variable_declarator" and parent.child_by_field_name("name") == node:
            value = parent.child_by_field_name("value")
            if value is not None and value.start_byte <= app.start < value.end_byte and not (
                    routes and value.type == "assignment_expression"):
                continue  # `const app = express()` (with routes, not `module.exports = …`)
            return False
        grand = parent.parent
        if parent.type == "member_expression" and parent.child_by_field_name("object") == node \
                and grand is not None and grand.type == "call_expression" \
                and grand.child_by_field_name("function") == parent \
                and text(parent.child_by_field_name("property")) in _UNMOUNTING_METHODS \
                and (text(parent.child_by_field_name("property")) in ("listen", "enabled",
                                                                      "disabled")
                     or (grand.parent is not None
                         and grand.parent.type == "expression_statement")):
            # `app.listen(port)`, `app.set('trust proxy', 1);` (set, enable and disable give
            # the app back: `app.disable('etag').get('/x', …)` mounts a route on it)
            continue
        if handed_to_server(node, servers):
            continue  # `http.createServer(app)`: the server's requests, nothing more
        if exported and _exported_here(node):
            continue
        return False
    return True


def _exported_here(node: Node) -> bool:
    """Return True when ``node`` is what its module exports: ``module.exports = node;`` or
    ``export default node;``."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "export_statement":
        return True
    left = parent.child_by_field_name("left") if parent.type == "assignment_expression" else None
    return left is not None and parent.child_by_field_name("right") == node \
        and text(left) == "module.exports" and parent.parent is not None \
        and parent.parent.type == "expression_statement"


def quiet_routers(ctx: ProjectContext, facts: FileFacts) -> Callable[[str], bool]:
    """Return a test for a name ``facts``' file imports whole from a project module (``const
    router = require('./router')``): True when that module makes one router, exports it and
    registers nothing on it but routes that cannot fail (a status route beside a socket.io
    server), so that mounting it gives the app no route that can fail."""
    def quiet(name: str) -> bool:
        imp = next((i for i in facts.imports if i.default == name and i.module.startswith(".")),
                   None)
        rel = ctx.resolve_import(facts.path, imp.module) if imp is not None else None
        other = ctx.facts.get(rel) if rel is not None else None
        if other is None or len(other.apps) != 1 or other.apps[0].kind != "router":
            return False
        tree = project_tree(ctx, other.path)
        return tree is not None and configured_nowhere(
            tree.root_node, other, other.apps[0], routes=True, exported=True)
    return quiet


def server_locals(facts: FileFacts) -> set[str]:
    """Return the local names bound to Node's HTTP server modules in ``facts``' file
    (``http``, ``https``, a named ``createServer``), for ``handed_to_server``."""
    return {local for module in _SERVER_MODULES for local in facts.locals_of(module)}


def handed_to_server(node: Node, servers: set[str]) -> bool:
    """Return True when ``node`` (an app's name) is the last argument of ``createServer`` of
    Node's HTTP modules (``http.createServer(app)``, ``https.createServer(options, app)``): the
    server hands the app its requests, nothing more. ``servers``: ``server_locals``."""
    parent = node.parent
    grand = parent.parent if parent is not None else None
    if parent is None or parent.type != "arguments" or grand is None \
            or grand.type != "call_expression" or parent.named_children[-1] != node:
        return False
    callee = grand.child_by_field_name("function")
    obj = callee.child_by_field_name("object") \
        if callee is not None and callee.type == "member_expression" else None
    return callee is not None and (
        (obj is not None and text(obj) in servers
         and text(callee.child_by_field_name("property")) == "createServer")
        or (callee.type == "identifier" and text(callee) == "createServer"
            and "createServer" in servers))


#: Expressions whose value is written in the source: they cannot throw.
_LITERALS = frozenset({"string", "number", "true", "false", "null", "undefined"})
#: The methods of a logger (and of ``console``) a route that cannot fail may call.
_LOG_METHODS = frozenset({"trace", "debug", "info", "log", "warn", "error", "err", "fatal"})
#: Route paths without parameters or patterns: Express decodes parameters with
#: ``decodeURIComponent`` and hands a malformed one on as a 400 error (``next(err)``).
_PLAIN_PATH = lazy_pattern(r"^/[\w./~-]*$")


def _route_cannot_fail(root: Node, facts: FileFacts, call: Node) -> bool:
    """Return True when the route ``call`` (``app.post('/state/up', function (req, res) {
    STATE = 'up'; logger.debug('…'); res.sendStatus(204) })``, a statement of its own) cannot
    hand Express an error: a plain string path (no parameter to decode), then only inline
    functions that are neither async nor generators, whose statements each are an assignment
    of a literal to a ``let``/``var`` around the route, a call of a logger the file imports
    (``LOGGER_LOCAL``) or of ``console`` with literal arguments, or an answer of
    the response with a literal (``res.sendStatus(204)``, ``res.status(404).end()``,
    ``res.json({ ok: true })``), maybe returned. Nothing else: no ``next``, no await, no call
    into the project, no read of the request (``req.body.x`` throws without a body
    parser)."""
    if call.parent is None or call.parent.type != "expression_statement":
        return False
    arguments = call.child_by_field_name("arguments")
    args = code_children(arguments) if arguments is not None else []
    if len(args) < 2 or args[0].type != "string" \
            or not _PLAIN_PATH.match(string_value(args[0]) or ""):
        return False
    loggers = {imp.default for imp in facts.imports
               if imp.default and LOGGER_LOCAL.match(imp.default)} | {"console"}
    # Names declared with `let`/`var` in a block around the route (a `const` of that name
    # anywhere makes the assignment suspect: it throws).
    declared = [(decl, decl.parent) for decl in walk(root) if decl.type == "variable_declarator"
                and decl.parent is not None and decl.parent.parent is not None]
    assignable = {text(decl.child_by_field_name("name")) for decl, kind in declared
                  if (kind.type == "variable_declaration" or text(kind).startswith("let"))
                  and kind.parent.start_byte <= call.start_byte  # type: ignore[union-attr]
                  and call.end_byte <= kind.parent.end_byte}  # type: ignore[union-attr]
    constant = {text(decl.child_by_field_name("name")) for decl, kind in declared
                if text(kind).startswith("const")}
    for handler in args[1:]:
        if handler.type not in ("function_expression", "function", "arrow_function") \
                or any(c.type in ("async", "*") for c in handler.children):
            return False
        params = [text(p) for p in parameters(handler)]
        res = params[1] if len(params) > 1 else None
        body = handler.child_by_field_name("body")
        if body is None:
            return False
        statements = body.named_children if body.type == "statement_block" else [body]
        for stmt in statements:
            if stmt.type == "comment":
                continue
            expr: Node | None = stmt
            if stmt.type in ("expression_statement", "return_statement"):
                expr = next(iter(code_children(stmt)), None)
                if expr is None and stmt.type == "return_statement":
                    continue
            if expr is None or not _safe_step(expr, res, loggers, assignable - constant):
                return False
    return True


def _safe_step(expr: Node, res: str | None, loggers: set[str], assignable: set[str]) -> bool:
    """Return True when ``expr``, a statement of ``_route_cannot_fail``'s handler, cannot
    throw (but for a logger's own failure)."""
    if expr.type == "assignment_expression":
        left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        return left is not None and right is not None and left.type == "identifier" \
            and text(left) in assignable and right.type in _LITERALS
    if expr.type != "call_expression":
        return False
    callee = expr.child_by_field_name("function")
    arguments = expr.child_by_field_name("arguments")
    args = code_children(arguments) if arguments is not None else []
    if callee is None or callee.type != "member_expression":
        return False
    obj = callee.child_by_field_name("object")
    method = text(callee.child_by_field_name("property"))
    if obj is not None and obj.type == "identifier" and text(obj) in loggers:
        return method in _LOG_METHODS and all(arg.type in _LITERALS for arg in args)
    if res is None or obj is None:
        return False
    if method == "status" and obj.type == "call_expression" and len(args) == 1 \
            and _valid_status(args[0]):
        # `res.send({ … }).status(200)`: the answer, then a status that sets a number only
        return _safe_step(obj, res, loggers, assignable)
    if method in ("sendStatus", "end", "send", "json") and obj.type == "call_expression":
        inner = obj.child_by_field_name("function")  # `res.status(404).end()`
        if inner is None or inner.type != "member_expression" \
                or text(inner.child_by_field_name("property")) != "status":
            return False
        status_args = obj.child_by_field_name("arguments")
        status = code_children(status_args) if status_args is not None else []
        if len(status) != 1 or not _valid_status(status[0]):
            return False
        obj = inner.child_by_field_name("object")
        if method == "sendStatus":
            return False
    if obj is None or obj.type != "identifier" or text(obj) != res:
        return False
    if method == "sendStatus":
        return len(args) == 1 and _valid_status(args[0])
    if method in ("end", "send", "json"):
        return not args or (len(args) == 1 and _literal_value(args[0]))
    return False


def _valid_status(node: Node) -> bool:
    """Return True for a number literal Express 5 takes for a status too (100 to 599)."""
    return node.type == "number" and text(node).isdigit() and 100 <= int(text(node)) <= 599


def _literal_value(node: Node) -> bool:
    """Return True for a literal, or an object or array of literals."""
    if node.type in _LITERALS:
        return True
    if node.type == "array":
        return all(_literal_value(item) for item in node.named_children)
    if node.type == "object":
        return all(prop.type == "pair" and prop.child_by_field_name("value") is not None
                   and _literal_value(prop.child_by_field_name("value"))  # type: ignore[arg-type]
                   for prop in node.named_children)
    return False


def _header_middleware(facts: FileFacts, arguments: Node | None) -> bool:
    """Return True for the arguments of ``app.use(helmet())`` / ``app.use(helmet({ … }))``,
    ``app.use(cors())``: helmet's and cors' middlewares only set headers (cors answers a
    preflight itself) and call ``next()``, never with an error, when their options are
    literals (a function as cors' ``origin`` may fail)."""
    args = code_children(arguments) if arguments is not None else []
    if len(args) != 1 or args[0].type != "call_expression":
        return False
    callee = args[0].child_by_field_name("function")
    given = args[0].child_by_field_name("arguments")
    return callee is not None and callee.type == "identifier" \
        and text(callee) in facts.locals_of("helmet") | facts.locals_of("cors") \
        and all(_literal_value(arg) for arg in (code_children(given) if given else []))
