"""rate-limit: some rate-limiting middleware must sit in front of an Express app, with a
stricter limiter on login and password routes.

The fix writes ``middleware/rate-limit.<ext>`` next to the app file, or into the project's own
``middleware``/``middlewares`` folder (in the project's module system), imports it, adds
``app.use(rateLimiter)`` right after the app is created (after the static and cors middleware
served before the routes, so assets are not counted and a 429 carries CORS headers) and puts
``loginLimiter`` in front of the handlers of login/password routes that exist (the full path,
mount path + route path, decides). Where ``trust proxy`` is set without a bound
(``true``), ``req.ip`` is the client's to choose, and where the project shows a reverse proxy in
front of the app but sets no ``trust proxy``, ``req.ip`` is the proxy's (one bucket for every
client): both are reported without a fix. The module is the
template's ``src/rate-limit.js`` (the shared snippet ``snippets/rate-limit.js.jinja``) with the
fix's limiters added. With ``rate_limit.store: redis`` it counts in Redis (``RateLimiterRedis`` on
one ioredis client created from ``process.env.REDIS_URL``, or the project's own client) with an
in-memory insurance limiter.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tree_sitter import Node

from nodeharden._config import RateLimitOptions
from nodeharden._deployment import deploy_scope
from nodeharden._express import HTTP_METHODS, AppFact, ArgFact, CallFact, FileFacts, ImportFact
from nodeharden._model import FileChange, Finding, Fix, TextEdit, covered_by
from nodeharden._packagejson import version_of
from nodeharden._parse import (
    CASTS,
    FUNCTION_TYPES,
    code_children,
    nodes_of_types,
    object_properties,
    parameters,
    parse,
    text,
    unwrap,
    uses_of,
    walk,
)
from nodeharden._project import JS_SUFFIXES
from nodeharden._record import replace
from nodeharden._regex import lazy_pattern
from nodeharden._roles import package_of
from nodeharden._snippets import SnippetEdit, closing_bracket, render_snippet, split_top_level
from nodeharden._style import Style
from nodeharden.rules._answers import error_body_key
from nodeharden.rules._base import FileContext, ProjectContext, Rule, is_test_file
from nodeharden.rules._compose import COMPOSE_FILE_RE, compose_data
from nodeharden.rules._edits import (
    ImportRequest,
    add_imports,
    after_app_edit,
    can_extend,
    import_specifier,
)
from nodeharden.rules._loopback import internal_service
from nodeharden.rules._mounts import (alias_target, chosen_binding, join_path, mounted_file,
                                      mounts, project_tree, sub_apps, wrapper_apps)
from nodeharden.rules._production import development_compose
from nodeharden.rules._quiet_apps import (configured_nowhere, handed_to_server,
                                          quiet_routers, server_locals)

#: Packages whose use counts as rate limiting (store add-ons import one of these too).
RATE_LIMIT_MODULES = (
    "rate-limiter-flexible", "express-rate-limit", "express-slow-down", "express-brute",
    "express-limiter",
)

#: Route paths that get the stricter limiter (POST/PUT/PATCH/ALL only: a login form page
#: fetched with GET is not an attempt).
LOGIN_PATH_RE = lazy_pattern(r"log-?in|sign-?in|password|passwd|forgot", re.I)
LOGIN_METHODS = frozenset({"post", "put", "patch", "all"})

MODULE_DIR = "middleware"
MODULE_NAME = "rate-limit"

#: Packages whose client a project may already create: package -> it is node-redis.
_CLIENT_PACKAGES = {"ioredis": False, "redis": True}


def existing_redis_client(ctx: ProjectContext) -> tuple[str, str, bool] | None:
    """Return ``(path, exported name, is node-redis)`` of a Redis client some module without an
    Express app creates at top level and exports (``export const redis = new Redis(...)``,
    ``exports.redis = redis``), or None."""
    for path in sorted(ctx.facts):
        facts = ctx.facts[path]
        if is_test_file(path) or facts.apps:
            continue
        source = (ctx.read(path) or b"").decode("utf-8", "replace")
        for package, node_redis in _CLIENT_PACKAGES.items():
            for local in sorted(facts.locals_of(package)):
                ctor = rf"(?:new\s+)?{re.escape(local)}(?:\.Redis|\.createClient)?\s*\("
                found = re.search(rf"^export\s+(?:const|let|var)\s+(\w+)\s*=\s*{ctor}", source,
                                  re.MULTILINE)
                if found:
                    return path, found.group(1), node_redis
                for made in re.finditer(rf"^(?:const|let|var)\s+(\w+)\s*=\s*{ctor}", source,
                                        re.MULTILINE):
                    name = re.escape(made.group(1))
                    if re.search(rf"^(?:module\.)?exports\.{name}\s*=\s*{name}\b"
                                 rf"|^module\.exports\s*=\s*\{{[^}}]*\b{name}\b"
                                 rf"|^export\s*\{{[^}}]*\b{name}\b", source, re.MULTILINE):
                        return path, made.group(1), node_redis
    return None


#: Packages that sign a user in on the request (``req.user``, a session): with none of them, the
#: login limiter has no signed-in user to look for.
_SESSION_PACKAGES = ("express-session", "cookie-session", "passport", "client-sessions",
                     "connect-redis", "connect-mongo", "@fastify/session", "iron-session")


def module_source(style: Style, options: RateLimitOptions,
                  client: tuple[str, str, bool] | None = None, login: bool = True,
                  clear_on_2xx: bool = False, signed_in: bool = True) -> str:
    """Return the rate-limit middleware module in the project's module system and style: the
    template's ``src/rate-limit.js`` (the shared snippet ``rate-limit.js``) with the limiters
    this fix wires, built from ``rate_limit`` in .nodeharden.yml and exported as
    ``rateLimiter`` and ``loginLimiter``.

    ``client`` is ``(import specifier, exported name, is node-redis)`` of the project's own Redis
    client, reused with ``store: redis`` instead of creating one. ``login``: the project has
    login or password routes, so the module also defines the stricter ``loginLimiter``;
    ``clear_on_2xx``: each of them answers a failed login with a 4xx status, so a 2xx answer is
    a good login that clears the client's count; ``signed_in``: the project has sessions or
    passport, so the module also looks for a user signed in by the request (False, with
    ``clear_on_2xx``, leaves that code out). The module imports ``net``, not ``node:net``:
    the fix does not know the project's Node version, and ``net`` resolves on every Node that
    runs rate-limiter-flexible."""
    return render_snippet("rate-limit.js", style,
                          **_module_context(options, client, login, clear_on_2xx, signed_in))


def _module_context(options: RateLimitOptions, client: tuple[str, str, bool] | None,
                    login: bool, clear_on_2xx: bool, signed_in: bool = True,
                    error_key: str = "error") -> dict[str, Any]:
    """Return the snippet options of ``module_source``'s module (``error_key``: the field of
    the 429's JSON body, the one the app's own error answers use)."""
    redis = options.store == "redis"
    reuse = client if redis else None
    limits = {
        "points": options.points, "duration": options.duration, "login": login,
        "login_points": options.login_points, "login_duration": options.login_duration,
        "clear_on_2xx": login and clear_on_2xx, "redis_env": options.redis_url_env,
        # Without sessions or passport nothing signs a user in on the request: a token API
        # whose failed logins all answer 4xx clears on a 2xx answer alone.
        "signed_in": signed_in or not (login and clear_on_2xx),
        "error_key": error_key,
        "client": {"specifier": reuse[0], "name": reuse[1], "node_redis": reuse[2]}
        if reuse else None,
    }
    return {"store": "any" if redis else "memory", "node_protocol": False, "limits": limits}


def _lang_of(rel: str) -> str | None:
    return JS_SUFFIXES.get(posixpath.splitext(rel)[1])


#: Where a name is declared, not used: a declarator's name or destructuring pattern, an
#: ``import`` clause or specifier, TypeScript's ``import x = require(…)``.
_BINDING_PARENTS = frozenset({
    "import_clause", "import_specifier", "namespace_import", "import_require_clause",
    "object_pattern", "array_pattern", "pair_pattern", "shorthand_property_identifier_pattern",
})


def _declares(node: Node) -> bool:
    """Return True when identifier ``node`` is the name a declaration binds."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "variable_declarator":
        return parent.child_by_field_name("name") == node
    if parent.type == "pair_pattern":
        return parent.child_by_field_name("value") == node
    return parent.type in _BINDING_PARENTS


def _binding_used(ctx: ProjectContext, facts: FileFacts, names: set[str]) -> bool:
    """Return True when one of ``names`` is referenced, not just bound by its import.

    Only the binding itself is skipped, not the statement around a ``require()``: an inline
    ``require('./db')`` inside ``return new RateLimit({ store: … require('./db') … })`` made
    the whole statement an import, and the limiter's only use was lost with it."""
    lang = _lang_of(facts.path)
    source = ctx.read(facts.path)
    if lang is None or source is None:
        return False
    tree = parse(lang, source)
    for node in walk(tree.root_node):
        if node.type in ("identifier", "shorthand_property_identifier") and text(node) in names:
            if not _declares(node):
                return True
    return False


def rate_limiting_used(ctx: ProjectContext) -> bool:
    """Return True when some file imports a rate-limiting package and uses what it imported
    (a bare ``require('express-brute')`` for side effects does not count), or the project
    puts a limiter of its own in front of requests (``own_limiter``)."""
    for facts in ctx.facts.values():
        names: set[str] = set()
        for module in RATE_LIMIT_MODULES:
            names |= facts.locals_of(module)
        if names and _binding_used(ctx, facts, names):
            return True
    return own_limiter(ctx) is not None


#: A store's counter: Redis ``incr``/``incrby``/``hincrby`` (ioredis, node-redis 3 and 4).
_COUNTER_RE = lazy_pattern(rb"\.\s*(?:incr|incrBy|incrby|hincrby|hIncrBy)\s*\(")
#: The counter's expiry: ``expire``/``pexpire``(``at``), or ``'EX'``/``{ EX: … }`` on a set.
_EXPIRY_RE = lazy_pattern(rb"\.\s*p?expire(?:at|At)?\s*\(|['\"]P?EX['\"]|\bP?EX\s*:")
#: What a limiter does once over the bound: answers 429 on the response it is handed
#: (``res.status(429)``, ``res.sendStatus(429)``, ``res.writeHead(429)``, ``res.statusCode =
#: 429``), or throws / hands on an error named for rate limiting or carrying 429.
_TOO_MANY_RE = lazy_pattern(
    rb"\.\s*(?:status|sendStatus|writeHead)\s*\(\s*429\b|\bstatus(?:Code)?\s*(?:=(?!=)|:)\s*429\b"
    rb"|\bnew\s+[\w$.]*(?:RateLimit|TooManyRequests|TooMany|Throttl)[\w$]*\s*\(",
    re.IGNORECASE)
#: A 429 the code receives and tests (``r.status === 429``): a client backing off from a
#: remote service's limit, not a limiter of the app's own requests.
_TESTS_429_RE = lazy_pattern(rb"[=!]==?\s*429\b|\b429\s*[=!]==?")
_BOUND_RE = lazy_pattern(rb"[\w$\])]\s*>=?\s*[\w$(]")
#: Calls that put a value in front of requests: ``X.use(…)`` and routes with a path.
_ROUTE_METHODS_ALL = HTTP_METHODS | {"use"}


#: A read of a store by key (``store.get(key)``) and a write (``store.set(key, value, …)``,
#: ``setex``/``psetex`` with their expiry built in): a counter kept as a value.
_GET_CALL_RE = lazy_pattern(rb"\.\s*get\s*\(")
_SET_CALL_RE = lazy_pattern(rb"\.\s*(set|setex|setEx|psetex|pSetEx)\s*\(")
_KEY_EXPIRY_RE = lazy_pattern(rb"\.\s*p?expire\s*\(")
#: An expiry given to ``set``: ``{ PX: ms }``/``{ EX: s }`` (node-redis), ``'PX', ms`` (ioredis).
_SET_EXPIRY_ARG_RE = lazy_pattern(rb"^['\"](?:PX|EX|px|ex)['\"]$|\b(?:PX|EX)\s*:")
#: The count moved by one between the read and the write (``n + 1``, ``remaining - 1``, ``++``,
#: ``-= 1``). Each alternative starts with its sign: a pattern that starts with a literal is
#: searched for it first, where one starting with ``[-+]`` is tried at every byte (ten times
#: slower).
_STEP_RE = lazy_pattern(rb"\+(?:\+|\s*1\b(?![.\d])|=\s*1\b)|-(?:-|\s*1\b(?![.\d])|=\s*1\b)")
#: A limiter's "over the bound" callback option called from its middleware
#: (``opts.onRateLimited(req, res, next)``): what it answers is written where it is mounted.
_CALLBACK_CALL_RE = lazy_pattern(
    rb"[\w$)\]]\s*\.\s*(onRateLimited|onLimitReached|onLimited|onBlocked|onExceeded|handler)"
    rb"\s*\(")


def _arguments(body: bytes, open_at: int) -> list[bytes]:
    """Return the top-level arguments of the call whose ``(`` is at ``open_at`` (stripped)."""
    out: list[bytes] = []
    depth, start, i, quote = 0, open_at + 1, open_at, 0
    while i < len(body):
        c = body[i]
        if quote:
            if c == 92:  # backslash
                i += 1
            elif c == quote:
                quote = 0
        elif c in b"'\"`":
            quote = c
        elif c in b"([{":
            depth += 1
        elif c in b")]}":
            depth -= 1
            if depth == 0:
                out.append(body[start:i].strip())
                return [a for a in out if a]
        elif c == 44 and depth == 1:  # a comma between arguments
            out.append(body[start:i].strip())
            start = i + 1
        i += 1
    return []


def _value_counter(body: bytes) -> bool:
    """Return True for a counter kept as a value: a ``get(key)`` and a ``set(key, …)`` of the
    same key, the write with an expiry (``{ PX: ms }``, ``'EX', s``, ``setex``, or an
    ``expire(key, …)``), and the count moved by one in between (``remaining - 1``). A cache
    (``get``, then ``set`` of what was computed) moves no count by one."""
    read = {args[0] for m in _GET_CALL_RE.finditer(body)
            if len(args := _arguments(body, m.end() - 1)) == 1}
    if not read or not _STEP_RE.search(body):
        return False
    expired = {args[0] for m in _KEY_EXPIRY_RE.finditer(body)
               if (args := _arguments(body, m.end() - 1))}
    for m in _SET_CALL_RE.finditer(body):
        args = _arguments(body, m.end() - 1)
        if not args or args[0] not in read:
            continue
        if m.group(1) != b"set" or args[0] in expired \
                or any(_SET_EXPIRY_ARG_RE.search(a) for a in args[2:]):
            return True
    return False


#: A document store's counter (MongoDB): ``$inc`` in an update with ``upsert: true``, and
#: an expiry: a TTL field or index (``expireAt``, ``expireAfterSeconds``, ``expires:``) or a
#: time-window filter (``{ $gte: Date.now() - window }``).
_DOC_INC_RE = lazy_pattern(rb"\$inc['\"]?\s*:")
_UPSERT_RE = lazy_pattern(rb"upsert['\"]?\s*:\s*true\b")
_DOC_EXPIRY_RE = lazy_pattern(
    rb"\bexpireAt\b|\bexpireAfterSeconds\b|\bexpires\s*:"
    rb"|\$gte['\"]?\s*:\s*(?:new\s+Date\s*\(\s*)?Date\.now\s*\(\s*\)\s*-")


def _doc_counter(body: bytes) -> bool:
    """Return True for a count kept in a document store per key with an expiry: a MongoDB
    ``$inc`` upsert with a TTL field/index or a time-window filter."""
    return b"$inc" in body and b"upsert" in body and bool(
        _UPSERT_RE.search(body) and _DOC_INC_RE.search(body) and _DOC_EXPIRY_RE.search(body))


def _counts(body: bytes) -> bool:
    """Return True when ``body`` keeps a count per key with an expiry: Redis ``incr`` and
    ``expire``, a value read and written back with one (``_value_counter``), or a MongoDB
    ``$inc`` upsert with an expiry (``_doc_counter``). Asked first by the two tests below: it
    is the cheapest and rarest of their conditions."""
    return bool(_COUNTER_RE.search(body) and _EXPIRY_RE.search(body)) \
        or _value_counter(body) or _doc_counter(body)


def _answers_over_bound(body: bytes) -> bool:
    """Return True when ``body`` compares against a bound and answers 429 itself, and tests
    no 429 it receives: a limiter's middleware, whatever keeps its count."""
    return b"429" in body and bool(_TOO_MANY_RE.search(body) and _BOUND_RE.search(body)) \
        and not _TESTS_429_RE.search(body)


def _counting_imports(ctx: ProjectContext, rel: str, counting: set[str]) -> set[str]:
    """Return the local names that ``rel``'s imports bind from a project module in
    ``counting`` (one that keeps a count with an expiry, ``_counts``)."""
    names: set[str] = set()
    for imp in ctx.facts[rel].imports:
        target = ctx.resolve_import(rel, imp.module)
        if target in counting or (target is None and any(
                alias_target(ctx, imp.module, c) for c in counting)):
            names |= imp.locals()
    return names


def _limiter_body(body: bytes, answered: frozenset[bytes] = frozenset(), *,
                  counted: bool = False) -> bool:
    """Return True for the code of a limiter: a counter per key with an expiry (Redis
    ``incr`` and ``expire``, or a value read and written back with an expiry,
    ``_value_counter``), a bound (``tries > max``) and a 429 once over it, in the code itself
    or in a callback option it calls whose name is in ``answered`` (``opts.onRateLimited(…)``,
    where the options given at its mount answer 429). ``counted``: ``_counts(body)`` is
    already known to be true."""
    if not (counted or _counts(body)) or not _BOUND_RE.search(body) \
            or _TESTS_429_RE.search(body):
        return False
    return bool(_TOO_MANY_RE.search(body) or any(
        m.group(1) in answered for m in _CALLBACK_CALL_RE.finditer(body)))


def _limiter_candidate(body: bytes) -> bool:
    """Return True when a file that keeps a count (``_counts``, asked by the caller) may hold a
    limiter whose 429 is a callback option it is given: a bound and a call of such an option,
    without a 429 of its own."""
    return bool(_BOUND_RE.search(body) and _CALLBACK_CALL_RE.search(body)
                and not _TESTS_429_RE.search(body))


def _answering_callbacks(ctx: ProjectContext, rel: str, names: set[bytes]) -> frozenset[bytes]:
    """Return the callback option ``names`` that a module importing ``rel`` (where the limiter
    is mounted with its options) writes as a function answering 429 on the response:
    ``onRateLimited: (req, res) => res.status(429).send(…)`` or ``onRateLimited(req, res)
    {…}`` in an object. A callback that only calls ``next()`` blocks nothing."""
    found: set[bytes] = set()
    for importer in sorted(ctx.facts):
        if importer == rel or is_test_file(importer) or not any(
                ctx.resolve_import(importer, imp.module) == rel
                for imp in ctx.facts[importer].imports):
            continue
        lang = _lang_of(importer)
        source = ctx.read(importer)
        if lang is None or source is None or not any(n in source for n in names):
            continue
        for node in walk(parse(lang, source).root_node):
            if node.type == "pair":
                key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
            elif node.type == "method_definition":
                key, value = node.child_by_field_name("name"), node
            else:
                continue
            value = unwrap(value) if value is not None and node.type == "pair" else value
            name = (key.text or b"").strip(b"'\"") if key is not None else b""
            if value is None or name not in names \
                    or value.type not in FUNCTION_TYPES | {"method_definition"}:
                continue
            code = value.text or b""
            if _TOO_MANY_RE.search(code) and not _TESTS_429_RE.search(code):
                found.add(name)
    return frozenset(found)


def _binding_names(node: Node) -> set[str]:
    """Return the names a function, class or top-level statement binds: ``function f``,
    ``class C``, ``const f = …`` (every declarator), ``exports.f = …``; ``default`` for
    ``module.exports = …`` / ``export default …``."""
    if node.type == "export_statement":
        inner = node.child_by_field_name("declaration")
        if inner is None or any(c.type == "default" for c in node.children):
            return {"default"} | (_binding_names(inner) if inner is not None else set())
        return _binding_names(inner)
    if node.type in ("function_declaration", "generator_function_declaration",
                     "class_declaration", "abstract_class_declaration"):
        name = node.child_by_field_name("name")
        return {text(name)} if name is not None else set()
    if node.type in ("lexical_declaration", "variable_declaration"):
        return {text(d.child_by_field_name("name")) for d in node.named_children
                if d.type == "variable_declarator"
                and d.child_by_field_name("name") is not None
                and d.child_by_field_name("name").type == "identifier"}  # type: ignore[union-attr]
    if node.type == "expression_statement" and node.named_children:
        expr = node.named_children[0]
        if expr.type == "assignment_expression":
            left = text(expr.child_by_field_name("left")).replace(" ", "")
            if left == "module.exports":
                return {"default"}
            if left.startswith(("exports.", "module.exports.")):
                return {left.rpartition(".")[2]}
    return set()


def _top_statement(node: Node) -> Node | None:
    """Return the top-level statement (a child of the program) that holds ``node``."""
    cur: Node | None = node
    while cur is not None and cur.parent is not None and cur.parent.type != "program":
        cur = cur.parent
    return cur if cur is not None and cur.parent is not None else None


def own_limiter(ctx: ProjectContext) -> str | None:
    """Return the file of a limiter the project writes itself and puts in front of requests,
    or None.

    A limiter is a function that counts in a store with an expiry (Redis ``incr`` and
    ``expire``, a count read and written back with one, ``_value_counter``, or a MongoDB
    ``$inc`` upsert with one, ``_doc_counter``), itself or by calling a project module it
    imports that does (one call away), and, once the
    count passes a bound (``tries > max``), answers 429 on the response (``res.status(429)``)
    or throws an error named for rate limiting (``RateLimitExceeded``, ``TooManyRequests``),
    itself or through a callback option that a module importing it writes to answer 429
    (``_answering_callbacks``). A counter without that answer (page views, a
    cache) is no limiter, nor is a client that tests for a 429 it receives (``r.status ===
    429``: it backs off from another service's limit). Test files do not count.

    The limiter must reach the app's requests: its name (or the name of the function, class
    or value of its module that holds it, of an instance ``new Limiter(…)``, or an import of
    its module, relative or through a path alias) followed up to a ``.use(…)`` or a route
    (``router.post('/login', …)``) of the project, in an argument (``app.use(limit)``,
    ``app.use(limiter({…}))``, a handler that calls ``login.test(req.ip)``). A module no one
    imports, or a limiter only called outside requests, does not count."""
    limiters: dict[str, set[str]] = {}  # file -> names that hold its limiter
    roots: dict[str, Node] = {}
    counting: set[str] = set()  # files that keep a count with an expiry
    others: list[str] = []  # files that keep none (one may call a file that does)
    counted: dict[str, bool] = ctx.file_data.get(RateLimit.id, {})
    for path in sorted(ctx.facts):
        if is_test_file(path):
            continue
        lang = _lang_of(path)
        if lang is None:
            continue
        if counted.get(path) is False:  # worked out by the scan (``RateLimit.file_data``)
            others.append(path)
            continue
        source = ctx.read(path)
        if source is None:
            continue
        if not counted.get(path) and not _counts(source):
            others.append(path)
            continue
        counting.add(path)
        answered: frozenset[bytes] = frozenset()
        if not _limiter_body(source, counted=True):
            if not _limiter_candidate(source):
                continue
            answered = _answering_callbacks(
                ctx, path, {m.group(1) for m in _CALLBACK_CALL_RE.finditer(source)})
            if not _limiter_body(source, answered, counted=True):
                continue
        roots[path] = parse(lang, source).root_node
        for node in nodes_of_types(lang, roots[path], FUNCTION_TYPES):
            if _limiter_body(source[node.start_byte:node.end_byte], answered):
                top = _top_statement(node)
                limiters.setdefault(path, set()).update(
                    _binding_names(top) if top is not None else set())
    # A middleware whose count is kept one call away, by a project module it imports
    # (``await Store.incrementAndCheck(ip)`` then ``if (n > max) res.status(429)``).
    for path in others if counting else ():
        lang, source = _lang_of(path), ctx.read(path)
        if lang is None or source is None or not _answers_over_bound(source):
            continue
        held = _counting_imports(ctx, path, counting)
        if not held:
            continue
        calls = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted(held))
                           + rb")\b\s*(?:\.\s*[\w$]+\s*)?\(")
        roots[path] = parse(lang, source).root_node
        for node in nodes_of_types(lang, roots[path], FUNCTION_TYPES):
            body = source[node.start_byte:node.end_byte]
            if calls.search(body) and _answers_over_bound(body):
                top = _top_statement(node)
                limiters.setdefault(path, set()).update(
                    _binding_names(top) if top is not None else set())
    if not limiters:
        return None
    trees: dict[str, dict[str, list[Node]] | None] = {}

    def identifiers(rel: str) -> dict[str, list[Node]] | None:
        """Return the identifiers of a file by name (the file parsed once)."""
        if rel not in trees:
            lang = _lang_of(rel)
            source = ctx.read(rel)
            found: dict[str, list[Node]] | None = None
            if lang is not None and source is not None:
                root = roots.get(rel) or parse(lang, source).root_node
                found = {}
                for node in nodes_of_types(lang, root, ("identifier",
                                                        "shorthand_property_identifier")):
                    found.setdefault(text(node), []).append(node)
            trees[rel] = found
        return trees[rel]

    imports: list[tuple[str, ImportFact]] = [(rel, imp) for rel in sorted(ctx.facts)
                                      if not is_test_file(rel) for imp in ctx.facts[rel].imports]
    for origin in sorted(limiters):
        tracked: dict[str, set[str]] = {origin: set(limiters[origin])}
        done: dict[str, set[str]] = {}  # names whose uses in the file were looked at
        queue: list[str] = [origin]
        while queue:
            rel = queue.pop()
            names = tracked[rel]
            # Importers of this module: the names their imports bind to what it holds.
            for importer, imp in imports:
                if importer == rel:
                    continue
                target = ctx.resolve_import(importer, imp.module)
                if target != rel and not (target is None and alias_target(ctx, imp.module, rel)):
                    continue
                if not imp.locals() and any(
                        c.start <= imp.start < c.end for c in ctx.facts[importer].calls
                        if c.method in _ROUTE_METHODS_ALL):
                    return origin  # app.use(require('./limiter')({ max: 5 }))
                bound = {local for name, local in imp.named.items() if name in names}
                bound |= {n for n in (imp.default, imp.namespace) if n}
                known = tracked.setdefault(importer, set())
                if not bound <= known:
                    known |= bound
                    queue.append(importer)
            data = identifiers(rel)
            facts = ctx.facts.get(rel)
            fresh = names - done.setdefault(rel, set())
            if data is None or facts is None or not fresh:
                continue
            done[rel] |= fresh
            spans = {(c.start, c.end) for c in facts.calls if c.method in _ROUTE_METHODS_ALL
                     and (c.method == "use" or (c.path is not None and len(c.args) >= 2))}
            imported = {(imp.start, imp.end) for imp in facts.imports}
            grown: set[str] = set()
            for name in sorted(fresh):
                for node in data.get(name, ()):
                    parent = node.parent
                    if parent is not None and parent.child_by_field_name("name") == node:
                        continue  # the binding itself
                    cur = parent
                    top = node
                    while cur is not None:
                        span = (cur.start_byte, cur.end_byte)
                        if span in spans:
                            return origin  # in a middleware or a route: the app's requests
                        if span in imported:
                            break
                        if cur.type == "program":
                            grown |= _binding_names(top) if top is not None else set()
                            break
                        top, cur = cur, cur.parent
            grown -= names
            if grown:
                names |= grown
                queue.append(rel)
    return None


#: Folder names projects keep their middleware in.
MIDDLEWARE_DIRS = ("middleware", "middlewares")


def _middleware_dir(ctx: ProjectContext, app_rel: str) -> str:
    """Return the folder the module goes in: the project's own middleware folder
    (``middleware`` or ``middlewares``) in the app file's folder or below it, in the app's
    package, the one nearest the app (then by name); else ``middleware/`` beside the app."""
    folder = posixpath.dirname(app_rel)
    package_dirs = ctx.package_dirs
    package = package_of(app_rel, package_dirs)
    found: set[str] = set()
    for rel in ctx.facts:
        if is_test_file(rel) or package_of(rel, package_dirs) != package:
            continue
        parts = posixpath.dirname(rel).split("/")
        start = len(folder.split("/")) if folder else 0
        if folder and not rel.startswith(folder + "/"):
            continue
        for depth in range(start, len(parts)):
            if parts[depth] in MIDDLEWARE_DIRS:
                found.add("/".join(parts[:depth + 1]))
                break
    if found:
        return min(found, key=lambda d: (d.count("/"), d))
    return posixpath.join(folder, MODULE_DIR)


#: A Next.js app served through the Express app (a custom server): ``next({ dev })`` and its
#: request handler. Webhooks: a route whose path or handler names them (``/webhooks``,
#: ``shopify.processWebhooks``, ``stripe.webhooks.constructEvent``).
_NEXT_SERVER_RE = lazy_pattern(rb"""\bgetRequestHandler\s*\(|\bnext\s*\(\s*\{[^}]*\bdev\b""")
_WEBHOOK_ROUTE_RE = lazy_pattern(
    rb"""\.(?:post|all|use)\s*\([^;]{0,200}?webhook|processWebhooks|webhooks\.constructEvent""",
    re.IGNORECASE)


#: Why every rate-limit fix is unsafe: like ``trust proxy``, the limits are a deploy decision.
_LIMITS_NEED_THE_DEPLOYER = (
    "a per-address limit answers 429 to clients that send many requests from one address (a "
    "test suite, webhooks or devices, every user behind one proxy when `trust proxy` is unset): "
    "check the limits against this app's traffic")


def _shared_address_traffic(ctx: ProjectContext, app_files: list[FileFacts]) -> str | None:
    """Return why a limiter keyed on the client's address would reject traffic the app
    wants, or None: a Next.js front end served through the app (every page asset is a request
    of its own), or webhooks (a provider sends them in bursts from a few addresses)."""
    for facts in app_files:
        source = ctx.read(facts.path) or b""
        if "next" in facts.imported_modules() and _NEXT_SERVER_RE.search(source):
            return (f"{facts.path} serves a Next.js front end through the app, so the limit "
                    "counts every page asset (/_next/…) and the pages' own calls: exempt "
                    "those paths first")
        if _WEBHOOK_ROUTE_RE.search(source):
            return (f"{facts.path} receives webhooks, which a provider sends in bursts from a "
                    "few addresses: a per-address limit would reject them; exempt the webhook "
                    "route first")
    return None


def _module_path(ctx: ProjectContext, app_rel: str, style: Style) -> str | None:
    suffix = posixpath.splitext(app_rel)[1]
    if suffix in (".ts", ".mts", ".cts", ".tsx"):
        suffix = {".tsx": ".ts"}.get(suffix, suffix)
    elif suffix not in (".mjs", ".cjs"):
        suffix = ".js"
    directory = _middleware_dir(ctx, app_rel)
    for name in (MODULE_NAME, "nodeharden-" + MODULE_NAME):
        rel = posixpath.normpath(posixpath.join(directory, name + suffix))
        if ctx.read(rel) is None:
            return rel
    return None


#: The last segment of a ``POST`` route's full path (mount path + route path) that makes it a
#: login: the sign-in words, a Rails-style sessions resource (``POST /users/session``,
#: ``POST /sessions`` creates a signed-in session), ``authenticate`` and a bare ``auth``
#: (``POST /api/auth``). Only the last segment: ``/auth/register``, ``/auth/logout`` and
#: ``/auth/refresh`` are not logins. ``token`` is left out: a ``POST …/token`` is as often
#: a refresh call every signed-in client makes on a timer, or a signed-in user minting an API
#: token, as an OAuth password grant.
_LOGIN_SEGMENT = lazy_pattern(r"log-?in|sign-?in|sessions?|authenticate|auth", re.I)
#: ``passport.authenticate('local', …)``: passport-local checks a username and password.
_PASSPORT_LOCAL = lazy_pattern(r"^\s*(['\"`])local\1")


def _mount_prefixes(ctx: ProjectContext) -> dict[str, set[str]]:
    """Return, for each project file mounted with ``X.use('/prefix', router)`` (the router
    required or imported from it), the full paths it is mounted at, through mounts of mounts
    (``app.use('/api', routes)`` then ``router.use('/auth', auth)`` → ``/api/auth``). A file
    mounted nowhere the facts show is absent: its route paths are taken as they are."""
    direct: dict[str, set[tuple[str, str]]] = {}  # mounted file -> {(mounting file, path)}
    for path, facts in ctx.facts.items():
        if is_test_file(path):
            continue
        for call in facts.uses():
            if not call.args:
                continue
            prefix = call.args[0].name if call.args[0].kind == "string" else ""
            args = call.args[1:] if call.args[0].kind == "string" else call.args
            for arg in args:
                rel = mounted_file(ctx, facts, arg)
                if rel is not None and rel != path:
                    direct.setdefault(rel, set()).add((path, prefix))

    def full(rel: str, seen: frozenset[str]) -> set[str]:
        if rel not in direct or rel in seen:
            return {""}
        found: set[str] = set()
        for parent, prefix in direct[rel]:
            for above in full(parent, seen | {rel}):
                found.add(join_path(above, prefix))
        return found

    return {rel: full(rel, frozenset()) for rel in direct}


#: After a route's path argument: its comma ends the line (the call's arguments one a line).
_ARG_LINE_END = lazy_pattern(rb"[ \t]*(,)[ \t]*\r?\n")


def _is_login(ctx: ProjectContext, facts: FileFacts, call: CallFact, full_path: str) -> bool:
    """Return True for a login or password route: a ``POST``/``PUT``/``PATCH``/``all`` route
    whose path names login, sign-in, password or forgot; a ``POST`` whose full path ends in one
    of the ``_LOGIN_SEGMENT`` words; or a ``POST`` handed to ``passport.authenticate('local')``."""
    if call.method not in LOGIN_METHODS or not call.path:
        return False
    if LOGIN_PATH_RE.search(call.path):
        return True
    if call.method != "post":
        return False
    head, _, last = full_path.rstrip("/").rpartition("/")
    if _LOGIN_SEGMENT.fullmatch(last) and not (
            last.lower().startswith("session") and head.rpartition("/")[2].startswith(":")):
        return True  # `/workouts/:id/sessions` is a resource of a workout, not a sign-in
    if last and LOGIN_PATH_RE.fullmatch(last):
        return True
    source = ctx.read(facts.path) or b""
    for arg in call.args[1:]:
        if arg.kind == "call" and arg.name.endswith(".authenticate") \
                and arg.name.partition(".")[0] in facts.locals_of("passport"):
            inside = source[arg.start:arg.end].decode("utf-8", "replace")
            if _PASSPORT_LOCAL.match(inside.partition("(")[2]):
                return True
    return False


def _full_path(prefixes: dict[str, set[str]], facts: FileFacts, call: CallFact) -> list[str]:
    return [join_path(prefix, call.path or "") for prefix in sorted(prefixes.get(facts.path,
                                                                                 {""}))]


def _login_routes(ctx: ProjectContext) -> list[tuple[FileFacts, CallFact, str]]:
    """Return ``(file, route, full path)`` of each login or password route of the project
    (not in a test file) that has no ``loginLimiter`` yet."""
    prefixes = _mount_prefixes(ctx)
    found = []
    for path in sorted(ctx.facts):
        facts = ctx.facts[path]
        if is_test_file(path):
            continue
        routes = facts.routes()
        for call in routes:
            if len(call.args) < 2 or any(a.kind == "identifier" and a.name == "loginLimiter"
                                         for a in call.args):
                continue
            if call.chained and call.method == "all" and any(
                    other.chained and other.start == call.start and other.method != "all"
                    for other in routes):
                continue  # `route('/login').all(requireGuest).post(…)`: middleware of every
                #           method; the limiter goes on the method that logs in
            for full_path in _full_path(prefixes, facts, call):
                if _is_login(ctx, facts, call, full_path):
                    found.append((facts, call, full_path))
                    break
    return found


_CLIENT_ERROR_STATUS = lazy_pattern(r"\b(?:status|sendStatus)\s*\(\s*4\d\d\b")
_SIGN_IN_PATH = lazy_pattern(r"log-?in|sign-?in", re.I)
_RESET_PATH = lazy_pattern(r"password|passwd|forgot|reset", re.I)
#: ``authenticate`` counts as passport's when it names a strategy (``authenticate('local')``,
#: an array of them): ``userService.authenticate(req.body)`` is the app's own check.
_NOT_BY_STATUS = lazy_pattern(r"\.\s*(?:render|redirect)\s*\(|\bpassport\b"
                              r"""|\bauthenticate\s*\(\s*[\["'`]""")
#: A failure handed to the app's error handler: ``next(err)`` (with an argument) or a throw.
_TO_ERROR_HANDLER = lazy_pattern(r"\bnext\s*\(\s*[^\s)]|\.\s*catch\s*\(\s*next\s*\)|\bthrow\b")


def _answers(code: str, res: str) -> list[str | None]:
    """Return the status of each answer ``code`` sends on ``res``: ``res.json(…)``,
    ``res.send(…)``, ``res.end(…)`` (``'200'`` unless ``res.status(N)`` comes first),
    ``res.sendStatus(N)``; None for a status that is not a number literal."""
    name = re.escape(res)
    found: list[str | None] = []
    for match in re.finditer(rf"\b{name}\s*\.\s*(?:status\s*\(\s*([^()]*?)\s*\)\s*\.\s*)?"
                             r"(?:json|jsonp|send|end)\s*\(", code):
        status = match.group(1)
        found.append("200" if status is None else status if re.fullmatch(r"\d{3}", status)
                     else None)
    for match in re.finditer(rf"\b{name}\s*\.\s*sendStatus\s*\(\s*([^()]*?)\s*\)", code):
        found.append(match.group(1) if re.fullmatch(r"\d{3}", match.group(1)) else None)
    return found


def _function_value(node: Node | None) -> Node | None:
    """Return the function ``node`` is: a function, or the one function a wrapper call is
    given (``asyncHandler(async (req, res) => …)``, ``catchAsync(fn)``: such wrappers hand the
    request to it and its throws to ``next``)."""
    if node is not None and node.type == "call_expression":
        args = node.child_by_field_name("arguments")
        values = code_children(args) if args is not None else []
        node = values[0] if len(values) == 1 else None
    return node if node is not None and node.type in FUNCTION_TYPES else None


def _local_function(root: Node, name: str) -> Node | None:
    """Return the function a top-level name of the file is bound to: ``function name()``,
    ``const name = (req, res) => …``, ``exports.name = …``, or None."""
    for node in walk(root):
        if node.type in ("function_declaration", "generator_function_declaration") \
                and text(node.child_by_field_name("name")) == name:
            return node
        if node.type == "variable_declarator" and text(node.child_by_field_name("name")) == name:
            value = node.child_by_field_name("value")
            if value is not None and value.type in ("identifier",) and text(value) != name:
                return _local_function(root, text(value))
            if _function_value(value) is not None:
                return _function_value(value)
        if node.type == "assignment_expression" and text(node.child_by_field_name("left")) in (
                f"exports.{name}", f"module.exports.{name}"):
            return _function_value(node.child_by_field_name("right"))
    return None


def _exported_object(root: Node) -> Node | None:
    """Return the object literal of ``module.exports = {…}`` / ``export default {…}``."""
    for node in walk(root):
        value = None
        if node.type == "assignment_expression" and text(node.child_by_field_name("left")) \
                == "module.exports":
            value = node.child_by_field_name("right")
        elif node.type == "export_statement" and node.child_by_field_name("value") is not None:
            value = node.child_by_field_name("value")
        if value is not None and value.type == "object":
            return value
    return None


def _exported_function(root: Node, name: str | None) -> Node | None:
    """Return the function a module exports as ``name`` (None: its default export)."""
    if name is None:
        for node in walk(root):
            value = None
            if node.type == "assignment_expression" and text(node.child_by_field_name("left")) \
                    == "module.exports":
                value = node.child_by_field_name("right")
            elif node.type == "export_statement" and any(c.type == "default"
                                                         for c in node.children):
                value = node.child_by_field_name("value") or node.child_by_field_name(
                    "declaration")
            if value is None:
                continue
            if value.type == "identifier":
                return _local_function(root, text(value))
            if value.type in FUNCTION_TYPES or value.type == "function_declaration":
                return value
        return None
    found = _local_function(root, name)
    if found is not None:
        return found
    obj = _exported_object(root)
    for member in obj.named_children if obj is not None else ():
        if member.type == "method_definition" and text(member.child_by_field_name("name")) == name:
            return member
        if member.type == "pair" and text(member.child_by_field_name("key")) == name:
            value = member.child_by_field_name("value")
            if value is not None and value.type == "identifier":
                return _local_function(root, text(value))
            return _function_value(value)
    return None


def _handler_code(ctx: ProjectContext, facts: FileFacts, arg: ArgFact) -> tuple[str, str] | None:
    """Return ``(code, name of its response parameter)`` of the function a route hands the
    request to: written inline, defined in the same file, or imported from one of the
    project's own modules (``login`` from ``../controllers/auth``, ``auth.login``), or None."""
    located = _handler_function(ctx, facts, arg)
    if located is None:
        return None
    found = located[1]
    params = parameters(found)
    if len(params) < 2 or params[1].type != "identifier":
        return None
    return text(found), text(params[1])


def _handler_function(ctx: ProjectContext, facts: FileFacts,
                      arg: ArgFact) -> tuple[str, Node] | None:
    """Return ``(file, function)`` of the function a route hands the request to (see
    ``_handler_code``), or None."""
    source = ctx.read(facts.path) or b""
    lang = _lang_of(facts.path)
    if lang is None:
        return None
    found: Node | None = None
    where = facts.path
    tree = parse(lang, source)
    if arg.kind == "function":
        node = tree.root_node.descendant_for_byte_range(arg.start, arg.end)
        while node is not None and not (node.start_byte == arg.start and node.end_byte == arg.end
                                        and node.type in FUNCTION_TYPES):
            node = node.parent
        found = node
    elif arg.kind in ("identifier", "member"):
        head, _, prop = arg.name.partition(".")
        if "." in prop:
            return None
        target: tuple[str, str | None] | None = None
        for imp in facts.imports:
            if not imp.module.startswith("."):
                continue
            if not prop:
                exported = next((n for n, local in imp.named.items() if local == head), None)
                if exported is not None:
                    target = (imp.module, exported)
                elif imp.default == head:
                    target = (imp.module, None)
            elif head in (imp.default, imp.namespace):
                target = (imp.module, prop)
        if target is None:
            found = _local_function(tree.root_node, head) if not prop else None
        else:
            rel = ctx.resolve_import(facts.path, target[0])
            other_lang = _lang_of(rel) if rel else None
            other = ctx.read(rel) if rel else None
            if rel is None or other_lang is None or other is None:
                return None
            other_root = parse(other_lang, other).root_node
            found = _exported_function(other_root, target[1])
            where = rel
    if found is None:
        return None
    return where, found


def _fails_with_client_error(ctx: ProjectContext, facts: FileFacts, route: CallFact,
                             full_path: str) -> bool:
    """Return True when the route is a sign-in route (not a password reset) whose handler
    signals a failed login by a status other than 2xx, so that a 2xx answer means the login
    succeeded: the handler (written inline, or defined in its file or in one of the project's
    modules, like a controller) never redirects or renders a page, and either answers a
    failure with a 4xx status (``res.status(401)``) or hands failures to the error handler
    (``next(err)``, a throw) and sends a single 2xx answer, the success. A handler that
    cannot be read: False."""
    last = full_path.rstrip("/").rpartition("/")[2]
    if not (_SIGN_IN_PATH.search(route.path or "") or _LOGIN_SEGMENT.fullmatch(last)) \
            or _RESET_PATH.search(full_path):
        return False  # a reset route answers 2xx to anyone who names an account
    source = ctx.read(facts.path) or b""
    route_code = source[route.start:route.end].decode("utf-8", "replace")
    if _NOT_BY_STATUS.search(route_code):
        return False
    found = _handler_code(ctx, facts, route.args[-1])
    if found is None:
        return False
    code, res = found
    if _NOT_BY_STATUS.search(code):
        return False
    if _CLIENT_ERROR_STATUS.search(code):
        return True
    answers = _answers(code, res)
    return (_TO_ERROR_HANDLER.search(code) is not None and None not in answers
            and sum(1 for status in answers if status is not None and status.startswith("2")) == 1)


_ADDRESS = lazy_pattern(r"[0-9a-fA-F:.]+(?:/\d{1,3})?")
_NUMBER = lazy_pattern(r"\d+")
#: A value converted to a number is a hop count whatever the deployer sets (NaN trusts none).
_TO_NUMBER = lazy_pattern(r"(?:Number|parseInt|parseFloat)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)")


#: The subnet names Express's ``trust proxy`` knows (proxy-addr): private ranges, which a
#: client on the internet does not connect from.
_SUBNET_NAMES = frozenset({"loopback", "linklocal", "uniquelocal"})


def _trusted_item(item: str) -> bool:
    """Return True for one entry of a ``trust proxy`` list that names proxies: an address, a
    subnet (CIDR) of at least a /8 (IPv4) or /16 (IPv6) (``0.0.0.0/0`` trusts every hop, as
    ``true`` does), or a subnet name; or a number (the existing reading of ``'1'``)."""
    item = item.strip()
    if item in _SUBNET_NAMES or _NUMBER.fullmatch(item):
        return True
    if not (_ADDRESS.fullmatch(item) and any(c.isdigit() for c in item)):
        return False
    address, _, bits = item.partition("/")
    return not bits or int(bits) >= (16 if ":" in address else 8)


def _bounded_list(value: str, source: str) -> bool:
    """Return True for an array of proxies: ``['loopback', '10.0.0.0/8']``, with
    ``.concat(…)`` of more lists and ``...spread`` entries. An entry read from elsewhere (an
    imported list of a CDN's ranges) is a list of addresses too: Express hands an array to
    proxy-addr, which takes only addresses and subnets (``true`` in one stops the app at
    startup), so no array trusts every hop unless it names ``0.0.0.0/0``. A name assigned in
    the file must hold a bounded list itself."""
    value = value.strip()
    if not value.startswith("["):
        return False
    end = closing_bracket(value, 0)
    if end < 0:
        return False
    for entry in split_top_level(value[1:end]):
        if entry.startswith("..."):
            if not _list_reference(entry[3:], source):
                return False
        elif not (len(entry) >= 2 and entry[0] == entry[-1] and entry[0] in "'\"`"
                  and "${" not in entry and _trusted_item(entry[1:-1])):
            return False
    rest = value[end + 1:].strip()
    while rest:
        m = re.match(r"\.\s*concat\s*\(", rest)
        if m is None:
            return False
        close = closing_bracket(rest, m.end() - 1)
        if close < 0:
            return False
        if not all(_bounded_list(arg, source) or _list_reference(arg, source)
                   for arg in split_top_level(rest[m.end():close])):
            return False
        rest = rest[close + 1:].strip()
    return True


def _list_reference(value: str, source: str) -> bool:
    """Return True for a name or property that holds a list of proxies from elsewhere (an
    import, a setting): any value a name is assigned in the file must be a bounded list."""
    value = value.strip()
    if not re.fullmatch(r"[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*", value):
        return False
    if "." in value or not source:
        return True
    assigned = re.findall(rf"(?<![\w$.]){re.escape(value)}\s*=(?![=>])\s*([^;\n]+)", source)
    values = [a.strip().rstrip(";").strip() for a in assigned]
    return all(_bounded_list(v, "") or _REQUIRED.fullmatch(v) for v in values)


#: A value loaded from a module (``require('cdn-ranges/ips.json')``, ``.ranges`` of one).
_REQUIRED = lazy_pattern(r"require\s*\(\s*['\"][^'\"]+['\"]\s*\)(?:\s*\.\s*[A-Za-z_$][\w$]*)*")


def _bounded_trust(value: str, source: str) -> bool:
    """Return True when a ``trust proxy`` value names how far to trust X-Forwarded-For: a
    hop count (a literal, or ``Number(…)``/``parseInt(…)`` of a setting), ``false``, or a list
    of proxies (addresses, subnets, subnet names such as ``'loopback'``, in a string or an
    array, ``_bounded_list``): req.ip is then the right-most address that is not a trusted
    proxy, which a client on the internet cannot choose. ``true`` trusts the left-most
    address, which the client writes; a function, another expression, or a subnet that takes
    in the whole internet (``0.0.0.0/0``) cannot be bounded from the code. A variable counts
    when every value assigned to it is bounded (``let hops; if (tls) hops = 1; else hops =
    0``)."""
    value = value.strip()
    if value == "false" or _NUMBER.fullmatch(value) or _TO_NUMBER.fullmatch(value):
        return True
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`" and "${" not in value:
        items = [item.strip() for item in value[1:-1].split(",")]
        return all(_trusted_item(item) for item in items)
    if _bounded_list(value, source):
        return True
    if re.fullmatch(r"[A-Za-z_$][\w$]*", value):
        assigned = re.findall(rf"(?<![\w$.]){re.escape(value)}\s*=(?![=>])\s*([^;\n]+)", source)
        return bool(assigned) and all(
            _bounded_trust(a.strip().rstrip(";"), "") for a in assigned)
    return False


def _from_setting(value: str) -> bool:
    """Return True when a ``trust proxy`` value is read from the deployer's settings (a name,
    a property, a call such as ``compileTrust(config.get('trust_proxy'))``), which may hold a
    hop count as well as ``true``: not a literal, a function or an operator expression."""
    value = value.strip()
    if value in ("true", "false", "undefined", "null"):
        return False
    return re.fullmatch(r"[A-Za-z_$][\w$]*(?:\s*(?:\.\s*[A-Za-z_$][\w$]*|\[[^\[\]]*\]|"
                        r"\((?:[^()]|\([^()]*\))*\)))*", value) is not None


#: A value read straight from the environment: ``process.env.TRUST_PROXY``,
#: ``process.env['TRUST_PROXY']``.
_ENV_READ = lazy_pattern(r"process\s*\.\s*env\s*(?:\.\s*[A-Za-z_$][\w$]*|\[\s*(['\"`])[^'\"`]+\1\s*\])")


def _env_string(value: str, source: str) -> bool:
    """Return True when a ``trust proxy`` value is an environment variable as it is (or a name
    only ever assigned one): always a string, which Express reads as proxy addresses or subnet
    names, never as a hop count (``'1'`` is taken as an address) nor as ``true``. Also with a
    bounded fallback for when it is unset (``process.env.PROXIED || 'loopback'``, spark-wallet:
    loopback only by default)."""
    value = value.strip()
    if _ENV_READ.fullmatch(value):
        return True
    for operator in ("||", "??"):
        variable, found, fallback = value.partition(operator)
        if found and _ENV_READ.fullmatch(variable.strip()) \
                and _bounded_trust(fallback, source):
            return True
    if re.fullmatch(r"[A-Za-z_$][\w$]*", value):
        assigned = re.findall(rf"(?<![\w$.]){re.escape(value)}\s*=(?![=>])\s*([^;\n]+)", source)
        return bool(assigned) and all(_ENV_READ.fullmatch(a.strip().rstrip(";").strip())
                                      for a in assigned)
    return False


def unbounded_trust_proxy(ctx: ProjectContext) -> tuple[FileFacts, str | None] | None:
    """Return the file that sets ``trust proxy`` to a value with no bound (``true``,
    ``app.enable('trust proxy')``, a function, ``0.0.0.0/0``, an expression), or None: there
    ``req.ip`` is whatever the client writes first in X-Forwarded-For, so a limiter keyed on
    it is bypassed by sending a new header with each request. With the file comes the value
    when it is read from the deployer's settings (``_from_setting``), else None."""
    for path in sorted(ctx.facts):
        facts = ctx.facts[path]
        if is_test_file(path):
            continue
        for call in _last_trust_settings(facts).values():
            if call.method == "enable":
                return facts, None
            if call.method == "set" and len(call.args) >= 2:
                source = (ctx.read(path) or b"").decode("utf-8", "replace")
                value = (ctx.read(path) or b"")[call.args[1].start:call.args[1].end].decode(
                    "utf-8", "replace")
                if not _bounded_trust(value, source):
                    return facts, value.strip() if _from_setting(value) \
                        or _env_string(value, source) else None
    return None


#: What makes a statement run only sometimes: a trust setting under one is not the app's.
_CONDITIONAL = frozenset({"if_statement", "ternary_expression", "switch_case", "switch_default",
                          "binary_expression", "catch_clause", "else_clause"})


def _last_trust_settings(facts: FileFacts, targets: set[str] | None = None
                         ) -> dict[str, CallFact]:
    """Return the last ``trust proxy`` setting (``set``, ``enable``, ``disable``) of each
    receiver of the file (of ``targets`` only, when given): the one Express reads, so
    ``enable('trust proxy')`` then ``set('trust proxy', 3)`` (pay-frontend) trusts three hops.
    Express's setting names are case-sensitive: ``'Trust Proxy'`` sets nothing it reads."""
    last: dict[str, CallFact] = {}
    for call in sorted(facts.calls, key=lambda c: c.start):
        if (targets is None or call.target in targets) \
                and call.method in ("set", "enable", "disable") \
                and call.args and call.args[0].kind == "string" \
                and call.args[0].name == "trust proxy":
            last[call.target] = call
    return last


def _trusting_apps(facts: FileFacts, source: bytes, root: Node) -> dict[str, int]:
    """Return the apps of this file (their names) that trust every X-Forwarded-For hop for
    sure, with the line of that setting: the last ``trust proxy`` setting of the app in the
    file is ``app.enable('trust proxy')`` or ``app.set('trust proxy', true)`` (a literal; a
    setting or environment value may be a hop count when deployed), and it runs whenever the
    app is built (under no condition: a development-only branch is not production's)."""
    apps = {a.name for a in facts.apps if a.kind == "app" and a.name}
    found: dict[str, int] = {}
    for target, call in _last_trust_settings(facts, apps).items():
        if call.method == "enable" and len(call.args) == 1 or call.method == "set" \
                and len(call.args) == 2 \
                and source[call.args[1].start:call.args[1].end].strip() == b"true":
            node = root.descendant_for_byte_range(call.start, call.end)
            conditional = False
            while node is not None:
                if node.type in _CONDITIONAL:
                    conditional = True
                    break
                node = node.parent
            if not conditional:
                found[target] = call.line
    return found


def _mounted_on(node: Node, target: str, root: Node, lang: str) -> bool:
    """Return True when ``node`` serves requests of ``target``: it sits in an argument of
    ``target.use(…)`` or of a route of ``target``, or in a function or constant whose name is
    one (``const limiter = rateLimit(…)``, then ``app.use('/api', limiter)``)."""
    names: set[str] = set()
    cur: Node | None = node
    while cur is not None:
        if cur.type == "arguments" and cur.parent is not None \
                and cur.parent.type == "call_expression" and _on_target(cur.parent, target):
            return True
        if cur.type == "variable_declarator" or cur.type == "function_declaration":
            name = cur.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                names.add(text(name))
        cur = cur.parent
    return bool(names) and _passed_to(names, target, root, lang)


def _on_target(call: Node, target: str) -> bool:
    fn = call.child_by_field_name("function")
    return fn is not None and fn.type == "member_expression" \
        and text(fn.child_by_field_name("object")) == target \
        and text(fn.child_by_field_name("property")) in _ROUTE_METHODS_ALL


def _passed_to(names: set[str], target: str, root: Node, lang: str) -> bool:
    """Return True when one of ``names`` is an argument (or an item of an array argument) of
    ``target.use(…)`` or a route of ``target`` in the file."""
    for call in nodes_of_types(lang, root, ("call_expression",)):
        if not _on_target(call, target):
            continue
        args = call.child_by_field_name("arguments")
        for arg in code_children(args) if args is not None else []:
            items = code_children(arg) if arg.type == "array" else [arg]
            if any(item.type == "identifier" and text(item) in names for item in items):
                return True
    return False


def _ip_keyed_limiter(call: Node, names: set[str], flexible: bool) -> str | None:
    """Return how ``call`` builds or consults a limiter keyed on req.ip, or None: a call of an
    express-rate-limit / express-slow-down binding (``rateLimit({ … })``,
    ``rateLimit.rateLimit({ … })``, ``new RateLimit({ … })``) with an options object that
    sets no ``keyGenerator``; a rate-limiter-flexible ``….consume(req.ip)``."""
    fn = call.child_by_field_name("function" if call.type == "call_expression" else "constructor")
    args = call.child_by_field_name("arguments")
    if fn is None or args is None:
        return None
    items = code_children(args)
    if flexible and fn.type == "member_expression" \
            and text(fn.child_by_field_name("property")) == "consume" \
            and items and text(items[0]).replace(" ", "") == "req.ip":
        return "consume(req.ip)"
    if not names:
        return None
    callee = text(fn)
    if not (callee in names or (fn.type == "member_expression"
                                and text(fn.child_by_field_name("object")) in names)):
        return None
    if len(items) != 1 or items[0].type != "object":
        return None  # options built elsewhere: their key is not known here
    for prop in items[0].named_children:
        if prop.type == "spread_element":
            return None  # options spread in: a keyGenerator may come with them
        if prop.type == "pair":
            key = prop.child_by_field_name("key")
        elif prop.type == "method_definition":
            key = prop.child_by_field_name("name")
        else:
            key = prop
        if key is not None and key.type == "computed_property_name":
            key = key.named_children[0] if key.named_children else None
        if key is not None and text(key).strip("'\"`") == "keyGenerator":
            return None
    return "its default key"


def _exported_as(node: Node) -> str | None:
    """Return the name under which a module exports ``node`` as it is: ``default`` for
    ``module.exports = …`` and ``export default …``, ``x`` for ``exports.x = …``,
    ``module.exports.x = …``, ``export const x = …`` and a top-level ``const x = …`` listed in
    ``module.exports = { x }`` (``{ x: x }``)."""
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "as_expression"):
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "assignment_expression":
        left = text(parent.child_by_field_name("left")).replace(" ", "")
        if left == "module.exports":
            return "default"
        if left.startswith(("exports.", "module.exports.")):
            return left.rpartition(".")[2]
        return None
    if parent.type == "export_statement":
        return "default"
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        declaration = parent.parent
        holder = declaration.parent if declaration is not None else None
        if name is None or holder is None:
            return None
        if holder.type == "export_statement":
            return text(name)
        if holder.type == "program":
            for stmt in holder.named_children:
                if not (stmt.type == "expression_statement" and stmt.named_children
                        and stmt.named_children[0].type == "assignment_expression"):
                    continue
                expr = stmt.named_children[0]
                right = unwrap(expr.child_by_field_name("right"))
                if text(expr.child_by_field_name("left")).replace(" ", "") != "module.exports" \
                        or right is None:
                    continue
                if text(right) == text(name):
                    return "default"  # module.exports = limiter
                for key, value in object_properties(right).items():
                    if text(value) == text(name):
                        return key  # module.exports = { limiter } / { apiLimit: limiter }
    return None


#: Request headers that name a client address, which any client can send: only a proxy in
#: front that overwrites them makes them the client's own.
_ADDRESS_HEADERS = ("x-forwarded-for", "cf-connecting-ip", "x-real-ip", "true-client-ip",
                    "x-client-ip", "fastly-client-ip", "x-cluster-client-ip", "forwarded")
_HEADER_READ_RE = lazy_pattern(
    r"\.\s*(?:headers\s*(?:\[\s*['\"`](?P<a>[\w-]+)['\"`]\s*\]|\.\s*(?P<b>forwarded))"
    r"|(?:header|get)\s*\(\s*['\"`](?P<c>[\w-]+)['\"`]\s*\))", re.IGNORECASE)


def _address_header(code: str) -> str | None:
    """Return the client-address header ``code`` reads (``req.headers['x-forwarded-for']``,
    ``req.header('CF-Connecting-IP')``, ``req.get('x-real-ip')``), or None."""
    for match in _HEADER_READ_RE.finditer(code):
        name = (match.group("a") or match.group("b") or match.group("c") or "").lower()
        if name in _ADDRESS_HEADERS:
            return name
    return None


def _header_keyed(call: Node, names: set[str], root: Node) -> tuple[Node, Node, str] | None:
    """Return (the ``keyGenerator`` option, the key function, the header) of an
    express-rate-limit / express-slow-down call whose key reads a client-address header
    (written inline, or a function of the file named there: ``_local_function``)."""
    fn = call.child_by_field_name("function" if call.type == "call_expression" else "constructor")
    args = call.child_by_field_name("arguments")
    if fn is None or args is None or not (text(fn) in names or (
            fn.type == "member_expression" and text(fn.child_by_field_name("object")) in names)):
        return None
    items = code_children(args)
    if len(items) != 1 or items[0].type != "object":
        return None
    for prop in items[0].named_children:
        key = prop.child_by_field_name("key" if prop.type == "pair" else "name")
        if key is None or text(key).strip("'\"`") != "keyGenerator":
            continue
        value = prop.child_by_field_name("value") if prop.type == "pair" else prop
        if value is not None and value.type == "identifier":
            value = _local_function(root, text(value))
        header = _address_header(text(value)) if value is not None else None
        return (prop, value, header) if value is not None and header else None
    return None


#: Headers to which each proxy appends the address it got the request from (RFC 7239 for
#: ``Forwarded``): their right-most entry is the nearest proxy's to write, not the client's.
_APPENDED_HEADERS = ("x-forwarded-for", "forwarded")
#: Methods that keep a header's value one string the client may have written in full.
_STRING_METHODS = frozenset({"trim", "toString", "toLowerCase"})
#: Methods that keep a list of header entries a list in the same order.
_LIST_METHODS = frozenset({"map", "filter"})


def _header_reads(fn: Node) -> list[tuple[Node, str]]:
    """Return each read of a client-address header in ``fn`` with the header: the smallest
    expression that reads it (``req.headers['x-forwarded-for']``, ``req.get('X-Real-IP')``)."""
    reads = []
    for node in walk(fn):
        if node.type not in ("subscript_expression", "member_expression", "call_expression"):
            continue
        header = _address_header(text(node))
        if header and not any(_address_header(text(child)) for child in node.named_children):
            reads.append((node, header))
    return reads


def _last_entry_key(fn: Node) -> str | None:
    """Return the header whose right-most entry key function ``fn`` reads, or None: every read
    of a client-address header in it is one header of ``_APPENDED_HEADERS`` whose value is only
    tested (``if (xff)``, ``Array.isArray(xff)``) or split into entries of which only the last
    is taken (``xff.split(',').pop()``, ``parts[parts.length - 1]``, ``.at(-1)``,
    ``.slice(-1)``). The left-most entry (``split(',')[0]``, ``.shift()``) and the whole header
    are the client's to write: None."""
    reads = _header_reads(fn)
    headers = {header for _, header in reads}
    if len(headers) != 1 or not headers <= set(_APPENDED_HEADERS):
        return None
    if all(_only_last_entry(node, fn, entries=False) for node, _ in reads):
        return reads[0][1]
    return None


def _only_last_entry(node: Node, scope: Node, *, entries: bool) -> bool:
    """Return True when the value of ``node``, a header's value (or, with ``entries``, the list
    of its entries), is used in ``scope`` only in tests, lengths and picks of the last entry
    (``_last_entry_key``). Any other use (returned, concatenated, passed on, reassigned,
    destructured) may be the left-most entry or the whole header: False."""
    while node.parent is not None and node.parent.type in CASTS:
        node = node.parent
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        if name is None or name.type != "identifier" or not _is_field(parent, "value", node):
            return False
        return _uses_only_last_entry(text(name), name, scope, entries=entries)
    if parent.type == "member_expression" and _is_field(parent, "object", node):
        prop = text(parent.child_by_field_name("property"))
        call = parent.parent
        if prop == "length":
            return True  # a count of characters or entries, no address
        arguments = call.child_by_field_name("arguments") if call is not None \
            and call.type == "call_expression" else None
        if call is None or arguments is None:
            return False
        args = [text(arg) for arg in code_children(arguments)]
        if not entries and prop in _STRING_METHODS:
            return _only_last_entry(call, scope, entries=False)
        if not entries and prop == "split":
            return _only_last_entry(call, scope, entries=True)
        if entries and prop in _LIST_METHODS:
            return _only_last_entry(call, scope, entries=True)
        return entries and ((prop == "pop" and not args)
                            or (prop in ("at", "slice") and args[:1] == ["-1"]))
    if parent.type == "subscript_expression" and _is_field(parent, "object", node):
        index = text(parent.child_by_field_name("index")).replace(" ", "")
        if entries:
            return index == f"{text(node)}.length-1"
        # `Array.isArray(xff) ? xff[0] : xff`: typed as a string or an array, the header is
        # one string in Node (repeated X-Forwarded-For lines are joined), so the same value.
        return index == "0" and _only_last_entry(parent, scope, entries=False)
    if entries:
        return False
    if parent.type in ("if_statement", "while_statement", "ternary_expression") \
            and _is_field(parent, "condition", node):
        return True
    if parent.type == "ternary_expression":
        return _only_last_entry(parent, scope, entries=False)
    if parent.type == "unary_expression":
        return text(parent.child_by_field_name("operator")) in ("!", "typeof")
    if parent.type == "binary_expression":
        operator = text(parent.child_by_field_name("operator"))
        if operator in ("===", "!==", "==", "!=") \
                or (operator == "&&" and _is_field(parent, "left", node)):
            return True  # a test: its value is a boolean or the empty header
        return operator in ("&&", "||", "??") and _only_last_entry(parent, scope, entries=False)
    if parent.type == "arguments" and parent.parent is not None \
            and parent.parent.type == "call_expression":
        callee = text(parent.parent.child_by_field_name("function"))
        if callee == "Array.isArray":
            return True
        return callee == "String" and len(code_children(parent)) == 1 \
            and _only_last_entry(parent.parent, scope, entries=False)
    return False


def _uses_only_last_entry(name: str, declared: Node, scope: Node, *, entries: bool) -> bool:
    """Return True when every use of variable ``name`` (declared at ``declared``) in ``scope``
    passes ``_only_last_entry``. A list that ``.pop()`` shortens may be used again only for its
    length: a second pick would be the entry before the last."""
    uses = [node for node in walk(scope)
            if node.type in ("identifier", "shorthand_property_identifier")
            and text(node) == name and node.start_byte != declared.start_byte]
    pops = sum(1 for use in uses if use.parent is not None and use.parent.type
               == "member_expression" and text(use.parent.child_by_field_name("property")) == "pop")
    lengths = sum(1 for use in uses if use.parent is not None and use.parent.type
                  == "member_expression"
                  and text(use.parent.child_by_field_name("property")) == "length")
    if entries and pops and len(uses) - lengths > 1:
        return False
    return bool(uses) and all(_only_last_entry(use, scope, entries=entries) for use in uses)


def _is_field(parent: Node, field: str, node: Node) -> bool:
    """Return True when ``node`` is ``parent``'s child of ``field``."""
    child = parent.child_by_field_name(field)
    return child is not None and child.start_byte == node.start_byte \
        and child.end_byte == node.end_byte


def _spoofable_message(keyed: str, where: str) -> str:
    hint = "" if keyed.startswith("consume") else \
        "; express-rate-limit 7 and later log ERR_ERL_PERMISSIVE_TRUST_PROXY for `true`"
    return (f"this limiter counts requests per req.ip ({keyed}), but `trust proxy` trusts "
            f"every hop ({where}), so req.ip is the left-most X-Forwarded-For address, which "
            "the client writes (unless every proxy in front replaces that header): a new header "
            "per request gets a fresh bucket; set `trust proxy` to the number of proxies in "
            "front of the app (app.set('trust proxy', 1) behind one), or remove it where no "
            f"proxy is in front{hint}")


def _hops_set(ctx: ProjectContext) -> bool:
    """Return True when some file sets ``trust proxy`` to trust at least one hop (a count, a
    list of addresses, a setting): ``req.ip`` is then worked out from X-Forwarded-For as the
    project chose. ``false``, ``0`` and ``app.disable('trust proxy')`` trust none."""
    for path in sorted(ctx.facts):
        if is_test_file(path):
            continue
        source = ctx.read(path) or b""
        for call in ctx.facts[path].calls:
            if not call.args or call.args[0].kind != "string" \
                    or call.args[0].name.strip().lower() != "trust proxy":
                continue
            if call.method == "enable":
                return True
            if call.method == "set" and len(call.args) >= 2:
                value = source[call.args[1].start:call.args[1].end].decode("utf-8", "replace")
                if value.strip() not in ("false", "0"):
                    return True
    return False


#: The app's own code reading what a reverse proxy adds to a request: the client address or
#: scheme it forwards (``req.headers['x-forwarded-for']``, ``req.get('X-Forwarded-Proto')``,
#: ``X-Real-IP``, Cloudflare's ``CF-Connecting-IP``, the standard ``Forwarded`` header) or
#: Express's ``req.ips`` (the X-Forwarded-For chain).
_FORWARDED_READ = lazy_pattern(
    rb"""['"`](?:x-forwarded-(?:for|proto|host)|x-real-ip|cf-connecting-ip)['"`]"""
    rb"""|\bheaders\s*(?:\[\s*['"`]forwarded['"`]\s*\]|\.\s*forwarded\b)"""
    rb"""|\.\s*(?:get|header)\s*\(\s*['"`]forwarded['"`]"""
    rb"""|\breq(?:uest)?\s*\.\s*ips\b""", re.I)
#: Platform files whose platform routes every request through its own proxy (the Heroku,
#: Dokku or Scalingo router runs a Procfile's web process; Fly.io, Render, App Engine and
#: Railway put their edge proxy in front), as ``deployment.signals`` names them.
_PROXY_PLATFORMS = ("Procfile", "fly.toml", "render.yaml", "render.yml", "app.yaml", "app.yml",
                    "railway.json", "railway.toml")
#: A reverse proxy's image or service name in a compose file.
_PROXY_IMAGE = lazy_pattern(r"(?:^|[/_-])(?:nginx|traefik|caddy|haproxy|envoy)(?:[:/_.-]|$)",
                            re.I)
#: A reverse proxy's configuration that passes requests on: nginx's ``proxy_pass``, Caddy's
#: ``reverse_proxy``, an HAProxy backend's ``server`` line (in a file named for HAProxy).
_PROXY_CONFIG = lazy_pattern(rb"^\s*(?:proxy_pass\s+\S|reverse_proxy\b)", re.M)
_HAPROXY_SERVER = lazy_pattern(rb"^\s*server\s+\S+\s+\S+:\d+", re.M)
_PROXY_CONFIG_NAME = lazy_pattern(r"nginx|caddy|haproxy|\.conf$", re.I)
#: A Kubernetes Ingress (or Traefik IngressRoute, Gateway API HTTPRoute): a proxy in front.
_INGRESS = lazy_pattern(rb"^kind:\s*[\"']?(?:Ingress|IngressRoute|HTTPRoute)[\"']?\s*$", re.M)
_MAX_PROXY_FILE = 256 * 1024


def _config_files(ctx: ProjectContext) -> list[str]:
    """Return the paths (from the root) of the files that may configure a proxy, four folders
    deep at most: no dependencies, build output, tests, examples, dev containers. Listed once
    per run (the proxy in front and its request limit are asked for each package)."""
    listed = ctx.extra.get("rate-limit:config files")
    if listed is None:
        listed = ctx.extra["rate-limit:config files"] = list(_walk_config_files(ctx))
    return listed


def _walk_config_files(ctx: ProjectContext) -> Iterable[str]:
    from nodeharden._project import SKIP_DIRS, VENDOR_DIRS
    from nodeharden._roles import role_from_path

    root = ctx.info.root.rstrip("/")
    for current, dirs, files in os.walk(root):
        rel_dir = posixpath.relpath(current.replace(os.sep, "/"), root.replace(os.sep, "/"))
        rel_dir = "" if rel_dir == "." else rel_dir
        depth = rel_dir.count("/") + 1 if rel_dir else 0
        dirs[:] = sorted(d for d in dirs if depth < 4 and d not in SKIP_DIRS
                         and d not in VENDOR_DIRS and d != ".devcontainer"
                         and role_from_path(posixpath.join(rel_dir, d, "x")).role == "app")
        for name in sorted(files):
            yield posixpath.join(rel_dir, name) if rel_dir else name


def _proxy_service(services: dict[Any, Any]) -> str | None:
    """Return the first service of a compose file's ``services`` that runs a reverse proxy
    (``_PROXY_IMAGE``: its image, or its name when it has no image), or None."""
    for service, spec in services.items():
        image = spec.get("image") if isinstance(spec, dict) else None
        if _PROXY_IMAGE.search(str(image or "")) or (
                image is None and _PROXY_IMAGE.search(str(service))):
            return str(service)
    return None


def _proxy_in_files(ctx: ProjectContext, package: str) -> str | None:
    """Return the file that puts a reverse proxy in front of the apps of the package in the
    folder ``package``: a compose file with an nginx/Traefik/Caddy/HAProxy/Envoy service, such
    a proxy's configuration passing requests on, or a Kubernetes Ingress, in that package's
    folder or outside every package's folder where it deploys that package
    (``deploy_scope``); None."""
    for rel in _config_files(ctx):
        name = rel.rpartition("/")[2]
        compose = COMPOSE_FILE_RE.match(name) is not None
        yaml = name.endswith((".yaml", ".yml"))
        if not (compose or yaml or _PROXY_CONFIG_NAME.search(name)):
            continue
        try:
            if os.path.getsize(os.path.join(ctx.info.root, rel)) > _MAX_PROXY_FILE:
                continue
        except OSError:
            continue
        raw = ctx.read(rel) or b""
        if package not in deploy_scope(rel, raw.decode("utf-8", "replace"), ctx.package_dirs,
                                       ctx.read):
            continue
        if compose:
            if development_compose(rel):
                continue  # docker-compose.dev.yml: a proxy there is not the deployment's
            data = compose_data(ctx, rel)
            services = data.get("services") if isinstance(data, dict) else None
            proxy = _proxy_service(services) if isinstance(services, dict) else None
            if proxy is not None:
                return f"{rel} (a {proxy} service in front of the app)"
        elif yaml:
            if _INGRESS.search(raw):
                return f"{rel} (a Kubernetes Ingress)"
        elif _PROXY_CONFIG.search(raw) or ("haproxy" in name.lower()
                                           and _HAPROXY_SERVER.search(raw)):
            return f"{rel} (a reverse proxy passing requests to the app)"
    return None


#: nginx's ``limit_req_zone <key> zone=<name>:…`` keyed on the client's address.
_NGINX_ZONE = lazy_pattern(rb"^[ \t]*limit_req_zone[ \t]+\$(?:binary_)?remote_addr[ \t]+"
                           rb"zone=([\w-]+)", re.M)
#: nginx's directives that open and close blocks, and the two this reads (comments removed).
_NGINX_TOKEN = lazy_pattern(rb"#[^\n]*|\{|\}|\b(proxy_pass|limit_req)\b(?!_)([^;{}]*)")


def _proxy_rate_limit(ctx: ProjectContext, package: str) -> str | None:
    """Return the nginx configuration (``docker/nginx/nginx.conf``) in front of the apps of
    the package in the folder ``package`` that limits the requests of each client it passes
    on: a ``limit_req_zone`` keyed on ``$binary_remote_addr`` (or ``$remote_addr``), and a
    ``limit_req zone=<that zone>`` in a block holding every ``proxy_pass`` of the file (the
    ``location`` itself, its ``server`` or ``http``). A file with a ``proxy_pass`` outside
    every such block lets requests through unlimited there: None."""
    for rel in _config_files(ctx):
        name = rel.rpartition("/")[2]
        if "nginx" not in name.lower() and not name.endswith(".conf"):
            continue
        raw = ctx.read(rel) or b""
        zones = {m.group(1) for m in _NGINX_ZONE.finditer(raw)}
        if not zones or b"proxy_pass" not in raw or package not in deploy_scope(
                rel, raw.decode("utf-8", "replace"), ctx.package_dirs, ctx.read):
            continue
        stack: list[int] = [0]  # block ids from the file's top down
        opened = 0
        limited: set[int] = set()  # blocks whose own level limits requests
        passes: list[tuple[int, ...]] = []
        for token in _NGINX_TOKEN.finditer(raw):
            word = token.group(0)
            if word.startswith(b"#"):
                continue
            if word == b"{":
                opened += 1
                stack.append(opened)
            elif word == b"}":
                if len(stack) > 1:
                    stack.pop()
            elif token.group(1) == b"limit_req":
                zone = re.search(rb"zone=([\w-]+)", token.group(2))
                if zone is not None and zone.group(1) in zones:
                    limited.add(stack[-1])
            else:
                passes.append(tuple(stack))
        if passes and all(any(block in limited for block in chain) for chain in passes):
            return rel
    return None


#: At most this many folders of the repository are listed when looking outside the root for
#: the files that put a proxy in front of the app: a large monorepo stays fast.
_MAX_REPOSITORY_FOLDERS = 2000
#: Where a proxy configuration names the upstream it passes requests to: nginx's
#: ``proxy_pass http://server:5000/api/;`` and the ``server server:5000;`` lines of an
#: ``upstream`` block (``server {`` opens a block and names none).
_NGINX_UPSTREAM = lazy_pattern(
    rb"^[ \t]*(?:proxy_pass[ \t]+([^\s;]+)|server[ \t]+([^\s;{]+)[^;{\n]*;)", re.M)
#: Caddy's ``reverse_proxy [matcher] upstreams…`` and the ``to upstreams…`` of its block.
_CADDY_UPSTREAM = lazy_pattern(rb"^[ \t]*(?:reverse_proxy|to)\b([^\n{#]*)", re.M)
#: An HAProxy backend's ``server name host:port``.
_HAPROXY_UPSTREAM = lazy_pattern(rb"^[ \t]*server[ \t]+\S+[ \t]+(\S+:\d+)", re.M)
#: A Traefik dynamic configuration's load-balanced server: ``url: "http://server:5000"``.
_TRAEFIK_UPSTREAM = lazy_pattern(rb"\burl[ \t]*[:=][ \t]*[\"']?([a-z][\w+.-]*://[^\s\"',}]+)")
#: A host and optional port of an upstream address (``server:5000``, ``[::1]:3000``).
_HOST_PORT = lazy_pattern(r"(\[[^\]/]*\]|[\w.-]*)(?::(\d{1,5}))?")
#: A port the code writes as a literal where an expression settles on it: the whole expression
#: (``5000``) or the fallback of ``||``, ``??`` or ``?:`` (``process.env.PORT || '3000'``).
_PORT_LITERAL = lazy_pattern(rb"(?:^|\|\||\?\?|[?:(])\s*(['\"`]?)(\d{2,5})\1\s*(?=$|[),;}])")


def _repository_config_files(ctx: ProjectContext) -> list[str]:
    """Return the paths, as seen from the root (``../Docker/prod/nginx.conf``), of the files
    elsewhere in the git work tree holding the root that may configure a proxy: four folders
    below the top at most, none inside the root (``_config_files`` reads those), with the same
    folders left out as there, and no more than ``_MAX_REPOSITORY_FOLDERS`` folders listed.
    Empty outside git and when the root is the top. Project phase only (it reads folders
    outside the scanned files)."""
    from nodeharden._project import SKIP_DIRS, VENDOR_DIRS, repository_top
    from nodeharden._roles import role_from_path

    root = Path(ctx.info.root)
    top = repository_top(root)
    if top is None or top == root:
        return []
    found: list[str] = []
    for listed, (current, dirs, files) in enumerate(os.walk(top)):
        if listed >= _MAX_REPOSITORY_FOLDERS:
            break
        here = Path(current)
        rel_dir = here.relative_to(top).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        depth = rel_dir.count("/") + 1 if rel_dir else 0
        dirs[:] = sorted(d for d in dirs if depth < 4 and d not in SKIP_DIRS
                         and d not in VENDOR_DIRS and d != ".devcontainer" and here / d != root
                         and role_from_path(posixpath.join(rel_dir, d, "x")).role == "app")
        for name in sorted(files):
            if COMPOSE_FILE_RE.match(name) or name.endswith((".yaml", ".yml")) \
                    or _PROXY_CONFIG_NAME.search(name) or "traefik" in name.lower():
                found.append(os.path.relpath(here / name, root).replace(os.sep, "/"))
    return found


def _runs_root(ctx: ProjectContext, compose_rel: str, spec: dict[str, Any]) -> bool | None:
    """Return True when a compose service (``spec``, in the compose file ``compose_rel``) runs
    the root: its ``build`` context is the root, its Dockerfile is inside it or copies it in
    (``_copies_folder``) from a context above it, or it mounts the root as a volume; False when
    it builds a folder that does not hold the root; None when it says neither (an image built
    elsewhere, a context above the root whose Dockerfile copies nothing by that name)."""
    root = Path(ctx.info.root).resolve()
    folder = Path(ctx.info.root, posixpath.dirname(compose_rel))
    for volume in spec.get("volumes") or ():
        source = volume.get("source") if isinstance(volume, dict) else \
            str(volume).partition(":")[0]
        if isinstance(source, str) and source.startswith((".", "/")) \
                and (folder / source).resolve() == root:
            return True
    build = spec.get("build")
    if build is None:
        return None
    context = build.get("context", ".") if isinstance(build, dict) else build
    if not isinstance(context, str) or "://" in context:
        return None  # a remote context (a git URL) is no folder of this repository
    base = (folder / context).resolve()
    dockerfile = build.get("dockerfile") if isinstance(build, dict) else None
    dockerfile = dockerfile if isinstance(dockerfile, str) else "Dockerfile"
    if base == root or (base / dockerfile).resolve().is_relative_to(root):
        return True
    if not root.is_relative_to(base):
        return False
    # A context above the root (the repository's top) builds whatever its Dockerfile copies.
    try:
        instructions = (base / dockerfile).read_bytes()[:_MAX_PROXY_FILE]
    except OSError:
        return None
    return True if _copies_folder(instructions, root.relative_to(base).as_posix()) else None


def _copies_folder(instructions: bytes, folder: str) -> bool:
    """Return True when a Dockerfile's ``COPY`` or ``ADD`` takes in the whole of ``folder`` (a
    path from the build context): ``COPY ./Server/ ./``, ``COPY --chown=node server .``."""
    return re.search(rb"(?m)^[ \t]*(?i:COPY|ADD)\b[^\n]*?[ \t](?:\./)?"
                     + re.escape(folder.encode()) + rb"/?(?=[ \t])", instructions) is not None


def _traefik_routed(spec: dict[str, Any]) -> bool:
    """Return True when a compose service's labels route requests to it through Traefik
    (``traefik.enable=true``, ``traefik.http.routers.…``)."""
    labels = spec.get("labels")
    pairs = [str(item).partition("=")[::2] for item in labels] if isinstance(labels, list) \
        else [(str(k), str(v)) for k, v in labels.items()] if isinstance(labels, dict) else []
    return any(key.startswith("traefik.http.") or (key == "traefik.enable"
                                                   and value.strip().lower() == "true")
               for key, value in pairs)


def _listen_ports(ctx: ProjectContext) -> set[int]:
    """Return the ports the app's code listens on where it writes them (``_PORT_LITERAL``): in
    the first argument of ``listen(…)`` or in the ``port`` setting (``app.set('port', …)``),
    followed through a variable of the same file (``const PORT = 5000; app.listen(PORT)``)."""
    ports: set[int] = set()
    for path in sorted(ctx.facts):
        if is_test_file(path):
            continue
        source = ctx.read(path) or b""
        for call in ctx.facts[path].calls:
            if call.method == "listen" and call.args:
                arg = call.args[0]
            elif call.method == "set" and len(call.args) >= 2 \
                    and call.args[0].kind == "string" and call.args[0].name == "port":
                arg = call.args[1]
            else:
                continue
            value = source[arg.start:arg.end].strip()
            if arg.kind == "identifier":
                bound = re.search(rb"(?<![\w$.])" + re.escape(arg.name.encode())
                                  + rb"\s*=(?!=)\s*([^;\n]+)", source)
                value = bound.group(1).strip() if bound else b""
            ports |= {int(m.group(2)) for m in _PORT_LITERAL.finditer(value)
                      if 0 < int(m.group(2)) < 65536}
    return ports


def _ingress_backends(node: Any) -> Iterator[str]:
    """Yield the ``service:port`` (or ``service``) of each backend in a parsed Kubernetes
    Ingress, Traefik IngressRoute or Gateway API HTTPRoute."""
    if isinstance(node, dict):
        service = node.get("service")
        if isinstance(service, dict) and isinstance(service.get("name"), str):
            port = service.get("port")
            number = port.get("number") if isinstance(port, dict) else None
            yield f"{service['name']}:{number}" if isinstance(number, int) else service["name"]
        if isinstance(node.get("serviceName"), str):
            port = node.get("servicePort")
            yield f"{node['serviceName']}:{port}" if isinstance(port, int) \
                else node["serviceName"]
        if isinstance(node.get("name"), str) and isinstance(node.get("port"), int):
            yield f"{node['name']}:{node['port']}"  # backendRefs, IngressRoute services
        for value in node.values():
            yield from _ingress_backends(value)
    elif isinstance(node, list):
        for item in node:
            yield from _ingress_backends(item)


def _upstreams(rel: str, raw: bytes) -> tuple[str, list[str]]:
    """Return what a proxy configuration or Kubernetes manifest is (``a reverse proxy``, ``a
    Kubernetes Ingress``) and the upstream addresses it passes requests to, as written
    (``http://server:5000/api/``, ``server:5000``); no addresses for any other file."""
    name = rel.rpartition("/")[2].lower()
    if name.endswith((".yaml", ".yml")):
        if _INGRESS.search(raw):
            from ruamel.yaml import YAML
            from ruamel.yaml.error import YAMLError

            try:
                documents = list(YAML(typ="safe").load_all(raw.decode("utf-8", "replace")))
            except YAMLError:
                return "", []  # a Helm template is not YAML until rendered
            return "a Kubernetes Ingress routing", [
                backend for document in documents if isinstance(document, dict)
                and str(document.get("kind")) in ("Ingress", "IngressRoute", "HTTPRoute")
                for backend in _ingress_backends(document.get("spec"))]
        if b"loadBalancer" not in raw:
            return "", []
    if name.endswith((".yaml", ".yml", ".toml")):
        found = [m.group(1) for m in _TRAEFIK_UPSTREAM.finditer(raw)]
    elif "haproxy" in name:
        found = [m.group(1) for m in _HAPROXY_UPSTREAM.finditer(raw)]
    elif "caddy" in name:
        found = [token for m in _CADDY_UPSTREAM.finditer(raw) for token in m.group(1).split()
                 if not token.startswith((b"/", b"@", b"*"))]
    else:
        found = [m.group(1) or m.group(2) for m in _NGINX_UPSTREAM.finditer(raw)]
    return "a reverse proxy passing requests", [
        address.decode("utf-8", "replace") for address in found]


def _host_port(address: str) -> tuple[str, str, int | None] | None:
    """Return the host (lower case), the ``host:port`` as written, and the port (the scheme's
    own when none is written) of an upstream address; None for a Unix socket, a variable or
    anything else that names no host."""
    if "$" in address or "{" in address or re.search(r"\bunix(?::|//|@)", address):
        return None
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "", address
    shown = rest.split("/", 1)[0]
    match = _HOST_PORT.fullmatch(shown)
    if match is None:
        return None
    port = int(match.group(2)) if match.group(2) else {"http": 80, "https": 443}.get(scheme)
    return (match.group(1) or "localhost").lower(), shown, port


def _tied_upstream(rel: str, raw: bytes, ours: set[str], theirs: set[str],
                   ports: set[int]) -> str | None:
    """Return, for the message, the first upstream of the proxy configuration or Ingress
    ``rel`` (``_upstreams``) that is this app: a compose service of ``ours`` (those that run
    the root), or a port of ``ports`` (those the app listens on) on a host that is not one of
    ``theirs`` (compose services built from another folder); None when no upstream is."""
    what, addresses = _upstreams(rel, raw)
    for address in addresses:
        upstream = _host_port(address)
        if upstream is None:
            continue
        host, shown, port = upstream
        if host in ours:
            return f"{rel} ({what} to {shown}: {host} is the compose service of the app)"
        if port in ports and host not in theirs:
            return f"{rel} ({what} to {shown}: the app listens on port {port})"
    return None


def _proxy_in_repository(ctx: ProjectContext) -> str | None:
    """Return the file elsewhere in the repository (``_repository_config_files``, named as seen
    from the root) that puts a reverse proxy in front of this app, for the message, or None.

    Outside the root, a proxy may well front another app of the repository, so only a file tied
    to this one counts: a compose file (not a development or test one) with a proxy service
    where the compose files of its folder (which compose merges) run the root
    (``_runs_root``), or with Traefik labels on a service that runs it; a proxy configuration
    or Kubernetes Ingress passing requests to such a service or to a port the app listens on
    (``_tied_upstream``)."""
    cached = ctx.extra.get("rate-limit.proxy-in-repository")
    if cached is not None:
        return cached or None
    files = [rel for rel in _repository_config_files(ctx) if _small(ctx, rel)]
    composes: dict[str, dict[Any, Any]] = {}
    for rel in files:
        if COMPOSE_FILE_RE.match(rel.rpartition("/")[2]) and not development_compose(rel):
            data = compose_data(ctx, rel)
            services = data.get("services") if isinstance(data, dict) else None
            if isinstance(services, dict):
                composes[rel] = services
    ours: dict[str, list[str]] = {}  # compose folder -> its services that run the root
    theirs: set[str] = set()
    for rel, services in composes.items():
        for service, spec in services.items():
            runs = _runs_root(ctx, rel, spec) if isinstance(spec, dict) else None
            if runs:
                ours.setdefault(posixpath.dirname(rel), []).append(str(service))
            elif runs is False:
                theirs.add(str(service))
    app_services = {service for services in ours.values() for service in services}
    theirs -= app_services
    ports = _listen_ports(ctx)
    found = None
    for rel in files:
        if rel in composes:
            apps = ours.get(posixpath.dirname(rel), [])
            proxy = _proxy_service(composes[rel]) if apps else None
            routed = next((service for service in apps
                           if isinstance(composes[rel].get(service), dict)
                           and _traefik_routed(composes[rel][service])), None)
            if proxy is not None:
                found = f"{rel} (a {proxy} service in front of the app's {apps[0]} service)"
            elif routed is not None:
                found = f"{rel} (Traefik labels on the app's {routed} service)"
        elif not COMPOSE_FILE_RE.match(rel.rpartition("/")[2]):
            found = _tied_upstream(rel, ctx.read(rel) or b"", app_services, theirs, ports)
        if found:
            break
    ctx.extra["rate-limit.proxy-in-repository"] = found or ""
    return found


def _small(ctx: ProjectContext, rel: str) -> bool:
    """Return True when the file ``rel`` (from the root) exists and is small enough to read as
    a proxy's configuration (``_MAX_PROXY_FILE``)."""
    try:
        return os.path.getsize(os.path.join(ctx.info.root, rel)) <= _MAX_PROXY_FILE
    except OSError:
        return False


def proxy_evidence(ctx: ProjectContext, package: str = "") -> str | None:
    """Return what shows that the apps of the package in the folder ``package`` (``""`` for
    the root) run behind a reverse proxy, for the message, or None: the package's own code
    reads the headers a proxy adds (``_FORWARDED_READ``), a platform that routes every request
    through its proxy runs it (``_PROXY_PLATFORMS``), or a compose file, proxy configuration or
    Kubernetes Ingress puts one in front (``_proxy_in_files``). Behind a proxy, with no ``trust
    proxy``, ``req.ip`` is the proxy's address: a limiter keyed on it puts every client in one
    bucket. What another package of the repository shows (a proxy of its own that fronts other
    apps) says nothing of this one."""
    cache: dict[str, str] = ctx.extra.setdefault("rate-limit.proxy", {})
    cached = cache.get(package)
    if cached is not None:
        return cached or None
    found = _forwarded_read(ctx, set(), package) or _proxy_deployed(ctx, package)
    cache[package] = found or ""
    return found


def _forwarded_read(ctx: ProjectContext, besides: set[tuple[str, int, int]],
                    package: str) -> str | None:
    """Return the first place where the code of the package in the folder ``package`` reads
    what a reverse proxy adds (``_FORWARDED_READ``), outside comments and the (file, start,
    end) spans of ``besides``, for the message, or None."""
    for path in sorted(ctx.facts):
        if is_test_file(path) or package_of(path, ctx.package_dirs) != package:
            continue
        source = ctx.read(path) or b""
        for match in _FORWARDED_READ.finditer(source):
            line_start = source.rfind(b"\n", 0, match.start()) + 1
            if source[line_start:match.start()].lstrip().startswith((b"//", b"*", b"/*")):
                continue  # a comment that names the header reads nothing
            if any(rel == path and start <= match.start() < end for rel, start, end in besides):
                continue
            line = source.count(b"\n", 0, match.start()) + 1
            header = match.group().decode("utf-8", "replace").strip("'\"`")
            return f"{path}:{line} reads {header}"
    return None


def _proxy_deployed(ctx: ProjectContext, package: str) -> str | None:
    """Return the platform (``_PROXY_PLATFORMS``) or file (``_proxy_in_files``, else
    ``_proxy_in_repository``) that puts a reverse proxy in front of the apps of the package in
    the folder ``package``, for the message, or None."""
    for signal in ctx.deployment.of_package(package).signals:
        name = signal.partition(" (")[0].rpartition("/")[2]
        if name in _PROXY_PLATFORMS:
            return signal
    return _proxy_in_files(ctx, package) or _proxy_in_repository(ctx)


def _is_static(arg: ArgFact, facts: FileFacts) -> bool:
    """Return True for ``express.static(…)`` / ``serveStatic(…)`` as a ``use`` argument."""
    return arg.kind == "call" and (arg.name == "static" or arg.name.endswith(".static")
                                   or arg.name in facts.locals_of("serve-static"))


def _is_package_middleware(arg: ArgFact, facts: FileFacts) -> bool:
    """Return True for a middleware made or exported by a package (``cors()``,
    ``express.json()``, ``helmet.hsts(…)``, ``i18n.init``): not ``require('./routes')`` or a
    factory of the project's own (``routes()``), which may register routes."""
    if arg.kind not in ("call", "member"):
        return False
    head = arg.name.split(".")[0]
    return any(head in imp.locals() and not imp.module.startswith(".") for imp in facts.imports)


def _is_cors(arg: ArgFact, facts: FileFacts) -> bool:
    """Return True for ``cors(…)`` (the ``cors`` package) as a ``use`` argument."""
    return arg.kind == "call" and arg.name.split(".")[0] in facts.locals_of("cors")


def _line_after(source: bytes, offset: int) -> int:
    newline = source.find(b"\n", offset)
    return len(source) if newline < 0 else newline + 1


def _statement_at(root: Node, at: int, indent: str, source: bytes) -> Node | None:
    """Return the statement of a program or block at ``indent`` that holds offset ``at`` (the
    ``if`` around a nested ``app.use(…)``), or None."""
    node = root.descendant_for_byte_range(at, at)
    while node is not None:
        if node.parent is not None and node.parent.type in ("program", "statement_block"):
            line_start = source.rfind(b"\n", 0, node.start_byte) + 1
            if source[line_start:node.start_byte].decode("utf-8", "replace") == indent:
                return node
        node = node.parent
    return None


def _exports_app(statement: Node, name: str) -> bool:
    """Return True for ``module.exports = app`` / ``exports.app = app`` / ``export default
    app``: the app handed out, nothing registered on it."""
    if statement.type == "export_statement":
        value = statement.child_by_field_name("value")
        return value is not None and value.type == "identifier" and text(value) == name
    expr = statement.named_children[0] if statement.type == "expression_statement" \
        and statement.named_children else None
    if expr is None or expr.type != "assignment_expression":
        return False
    left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
    return right is not None and right.type == "identifier" and text(right) == name \
        and left is not None and (text(left) == "module.exports"
                                  or text(left).startswith(("exports.", "module.exports.")))


def _sets_locals(statement: Node, name: str) -> bool:
    """Return True for ``app.locals.x = …`` (a value for the views, nothing registered)."""
    expr = statement.named_children[0] if statement.type == "expression_statement" \
        and statement.named_children else None
    left = expr.child_by_field_name("left") if expr is not None \
        and expr.type == "assignment_expression" else None
    return left is not None and text(left).replace(" ", "").startswith(f"{name}.locals")


def _serves_app(statement: Node, source: bytes, pattern: bytes, facts: FileFacts,
                name: str) -> bool:
    """Return True for a statement that mentions the app only to hand it to a server of Node's
    HTTP modules (``const server = http.createServer(app)``,
    ``https.createServer(options, app).listen(443)``): nothing is registered on it."""
    servers = server_locals(facts)
    mentions = len(re.findall(pattern, source[statement.start_byte:statement.end_byte]))
    served = [node for node in uses_of(statement, name) if handed_to_server(node, servers)]
    return bool(servers) and mentions == len(served) > 0


def _only_middleware(statement: Node, source: bytes, pattern: bytes, facts: FileFacts,
                     nested: set[int]) -> bool:
    """Return True for an ``if`` statement in which every mention of the app is a call that
    may come before the limiter (``if (config.hsts) app.use(helmet.hsts(…))``,
    ``if (require.main === module) app.listen(port)``)."""
    if statement.type != "if_statement":
        return False
    inside = statement.start_byte
    for match in re.finditer(pattern, source[statement.start_byte:statement.end_byte]):
        at = statement.start_byte + match.start()
        if at < inside:
            continue
        if at not in nested:
            return False
        inside = next(c.end for c in facts.calls if c.start == at)
    return True


def _is_project_middleware(ctx: ProjectContext, facts: FileFacts, arg: ArgFact) -> bool:
    """Return True for a middleware of the project's own that routes nothing: a function of
    ``(req, res, next)`` written inline or declared at the top of this file
    (``app.use(logRequests)``; a function of ``(req, res)`` answers every request), or a value
    of a project module that creates no router and registers no route
    (``require('./middleware/tooBusy')``, ``csp.addNonceToLocals`` from ``./lib/csp``)."""
    if arg.kind == "function":
        return arg.params == 3
    if arg.kind == "identifier" and arg.name in facts.function_params \
            and not any(arg.name in imp.locals() for imp in facts.imports):
        return facts.function_params[arg.name] == 3
    rel = mounted_file(ctx, facts, arg)
    if rel is None and arg.kind in ("member", "call") and arg.name != "require":
        head = arg.name.split(".")[0]
        rel = next((ctx.resolve_import(facts.path, imp.module) for imp in facts.imports
                    if imp.module.startswith(".") and head in imp.locals()), None)
    return rel is not None and not _routes_something(ctx, rel)


def _static_setup_module(ctx: ProjectContext, facts: FileFacts, statement: Node,
                         name: str) -> bool:
    """Return True for a statement that hands the app to one of the project's modules
    (``require('./config/express')(app, passport)``, ``setup(app)`` with ``setup`` imported
    from one) whose facts show a static middleware (``express.static``) and no route, mount
    (``app.use('/x', …)``) or router of the project: it sets the app up, it routes nothing."""
    expr = statement.named_children[0] if statement.type == "expression_statement" \
        and statement.named_children else None
    if expr is not None and expr.type == "await_expression" and expr.named_children:
        expr = expr.named_children[0]
    if expr is None or expr.type != "call_expression":
        return False
    args = expr.child_by_field_name("arguments")
    if args is None or not any(a.type == "identifier" and text(a) == name
                               for a in args.named_children):
        return False
    fn = expr.child_by_field_name("function")
    spec: str | None = None
    if fn is not None and fn.type == "call_expression" \
            and text(fn.child_by_field_name("function")) == "require":
        inner = fn.child_by_field_name("arguments")
        first = inner.named_children[0] if inner is not None and inner.named_children else None
        if first is not None and first.type == "string":
            spec = text(first)[1:-1]
    elif fn is not None and fn.type == "identifier":
        spec = next((imp.module for imp in facts.imports
                     if imp.default == text(fn) or text(fn) in imp.named.values()), None)
    rel = ctx.resolve_import(facts.path, spec) if spec else None
    other = ctx.facts.get(rel) if rel else None
    if other is None or not any(c == "static" or c.endswith(".static") for c in other.called):
        return False
    return not other.routes() and not any(
        (call.args and call.args[0].kind == "string")
        or any(_routes_something(ctx, mounted_file(ctx, other, arg)) for arg in call.args)
        for call in other.uses())


def _routes_something(ctx: ProjectContext, rel: str | None) -> bool:
    """Return True when project file ``rel`` creates a router or registers routes (a
    middleware module such as ``./middlewares/require-https`` does neither)."""
    other = ctx.facts.get(rel) if rel else None
    return other is not None and (bool(other.routes())
                                  or any(a.kind == "router" for a in other.apps))


def _after_static(ctx: ProjectContext, source: bytes, facts: FileFacts,
                  app: AppFact) -> int | None:
    """Return where ``app.use(rateLimiter)`` goes when static files or CORS are served before
    the routes: after the last ``app.use(express.static(…))``, ``app.use(cors(…))`` /
    ``app.options(…, cors(…))``, or statement handing the app to a project module that serves
    static files and routes nothing (``require('./config/express')(app)``), that follows the
    app's creation with nothing but settings, package middleware, the start of the server
    (``const server = app.listen(port)``, ``http.createServer(app)``: the server only hands
    the app its requests, and what is registered later in the same run still serves them) and
    ``module.exports = app`` between (no route, router, or other statement that hands the app
    to other code), at the app's indentation: images and scripts then do not count against the
    request limit, a 429 carries the CORS headers a browser needs to read it, and preflights
    answered by cors never reach the limiter. None: no such middleware (right after the
    app)."""
    name = app.name or ""
    pattern = rb"(?<![\w$.])" + re.escape(name.encode()) + rb"(?![\w$])"
    # `app.get('port')` reads a setting (with a path and a handler it is a route).
    reads = {call.start for call in facts.calls if call.target == name and call.method == "get"
             and len(call.args) == 1 and call.args[0].kind == "string"}
    # Start of each `app.x(` that may come first -> it is an anchor (static or cors, at the
    # app's indentation); the calls nested in an `if` may come first, never anchor.
    allowed: dict[int, bool] = {}
    nested: set[int] = set()
    for call in facts.calls:
        if call.target != name or call.start < app.stmt_end or call.chained:
            continue  # (a chained `.options(cors())` is a route's: it shares the chain's start)
        passes = anchor = False
        if call.method in ("set", "enable", "disable", "engine") or call.start in reads:
            passes = True
        elif call.method == "listen":
            # `app.listen(app.get('port'), () => …)`: the app in its arguments only read
            passes = all(match.start() == 0 or call.start + match.start() in reads
                         for match in re.finditer(pattern, source[call.start:call.end]))
        elif call.method == "options" and call.args and call.args[0].kind == "string" \
                and len(call.args) > 1 and all(_is_cors(a, facts) for a in call.args[1:]):
            passes = anchor = True
        elif call.method == "use" and call.args:
            args = call.args[1:] if call.args[0].kind == "string" else call.args
            if args and all(_is_static(a, facts) or _is_cors(a, facts) for a in args):
                passes = anchor = True
            elif call.args[0].kind != "string" and all(
                    _is_package_middleware(a, facts) or _is_project_middleware(ctx, facts, a)
                    for a in args):
                passes = True
        if passes and call.indent == app.indent:
            allowed[call.start] = anchor
        elif passes:
            nested.add(call.start)
    last: int | None = None
    inside = app.stmt_end
    root: Node | None = None
    for match in re.finditer(pattern, source[app.stmt_end:]):
        at = app.stmt_end + match.start()
        if at < inside:
            continue  # within an allowed call
        if at in allowed:
            call = next(c for c in facts.calls if c.start == at)
            inside = call.end
            if allowed[at]:
                last = call.stmt_end
            continue
        lang = _lang_of(facts.path)
        if lang is None:
            break
        if root is None:
            root = parse(lang, source).root_node
        statement = _statement_at(root, at, app.indent, source)
        if statement is None:
            break
        if _exports_app(statement, name) or _sets_locals(statement, name) \
                or _only_middleware(statement, source, pattern, facts, nested) \
                or _serves_app(statement, source, pattern, facts, name):
            inside = statement.end_byte
        elif _static_setup_module(ctx, facts, statement, name):
            inside = statement.end_byte
            last = _line_after(source, statement.end_byte)
        else:
            break
    return last


#: Paths of the operational endpoints an internal server answers (metrics scrapes, probes).
_OPERATIONS_PATH = lazy_pattern(
    r"/(?:metrics|prometheus|health|healthz|healthcheck|livez?|liveness|readyz?|readiness|ping)"
    r"/?")
_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "all", "head", "options"})


def _routes_from_module(ctx: ProjectContext, facts: FileFacts, arg: ArgFact) -> bool:
    """Return True when a ``use`` argument comes from a project module that creates a router or
    registers routes: ``server.use(routes)`` with ``routes`` imported from ``./routes``,
    ``require('./api')``, or a factory of such a module called (``server.use(api(config))``)."""
    rel = mounted_file(ctx, facts, arg)
    if rel is None and arg.kind == "call" and arg.name != "require":
        head = arg.name.split(".")[0]
        rel = next((ctx.resolve_import(facts.path, imp.module) for imp in facts.imports
                    if imp.module.startswith(".") and head in imp.locals()), None)
    return _routes_something(ctx, rel)


def _operations_only(ctx: ProjectContext, facts: FileFacts, app: AppFact) -> bool:
    """Return True when ``app`` (bound to a name) only routes operational endpoints:
    ``server.get('/metrics', …)``, ``/health``, ``/ready``… (one at least), and mounts nothing
    on a path nor any router, of its file or of a project module it imports
    (``server.use(routes)``: the routes of ``./routes`` are the app's too). Its other
    middleware (a logger, basic auth) serves those endpoints only."""
    if not app.name:
        return False
    routers = {a.name for a in facts.apps if a.kind == "router" and a.name}
    routes = 0
    for call in facts.calls:
        if call.target != app.name:
            continue
        if call.method in _ROUTE_METHODS:
            if call.path is None or not _OPERATIONS_PATH.fullmatch(call.path):
                return False
            routes += 1
        elif call.method in ("use", "route") and (
                call.path is not None or any(a.name in routers for a in call.args)
                or any(_routes_from_module(ctx, facts, a) for a in call.args)):
            return False
    return routes > 0


#: Packages that limit how often something runs, used inside a handler to limit its login
#: attempts (`limiter`'s token bucket checked before the password is).
_LIMITER_PACKAGES = ("limiter", "bottleneck", "rate-limiter-flexible", "ratelimiter",
                     "async-ratelimiter", "@upstash/ratelimit", "rolling-rate-limiter")
#: Packages that check a password (HTTP Basic auth, a local strategy, a password hash): a
#: project that imports one guesses passwords somewhere, login route or not.
_PASSWORD_PACKAGES = ("express-basic-auth", "basic-auth", "http-auth", "passport-http",
                      "passport-local", "passport-local-mongoose", "bcrypt", "bcryptjs",
                      "argon2", "@node-rs/argon2", "@node-rs/bcrypt")
NEWLINE = b"\n"
_FLOOD = "no rate-limiting middleware: one client can flood every route"
_GUESS = f"{_FLOOD} and guess passwords without slowing down"


def _limiter_names(ctx: ProjectContext, rel: str) -> set[str]:
    """Return the names a file binds to a limiter package (`_LIMITER_PACKAGES`): its imports,
    and the top-level functions, classes and values whose code uses one (`class RateLimiter
    { minute = new Limiter(…) }`, then `const limiter = new RateLimiter()`)."""
    facts = ctx.facts.get(rel)
    if facts is None:
        return set()
    names: set[str] = set()
    for module in _LIMITER_PACKAGES:
        names |= facts.locals_of(module)
    lang = _lang_of(rel)
    source = ctx.read(rel)
    if not names or lang is None or source is None:
        return names
    tops = [(node, _binding_names(node)) for node in parse(lang, source).root_node.named_children
            if node.type not in ("import_statement", "comment")]
    grown = True
    while grown:
        grown = False
        pattern = re.compile(r"(?<![\w$])(?:" + "|".join(map(re.escape, sorted(names)))
                             + r")(?![\w$])")
        for node, bound in tops:
            if bound and not bound <= names and pattern.search(text(node)):
                names |= bound
                grown = True
    return names


def _login_limited(ctx: ProjectContext, facts: FileFacts, route: CallFact) -> bool:
    """Return True when a login route limits its own attempts: its code (the route's
    arguments, or a handler or middleware it names, in its file or a project module)
    answers 429 or throws an error named for rate limiting (``_TOO_MANY_RE``; a client that
    tests a 429 it receives does not count), or uses a limiter package's object
    (``if (!loginLimiter.tryRemoveTokens(1)) …`` with `limiter`)."""
    source = ctx.read(facts.path) or b""
    pieces: list[tuple[str, str]] = [
        (facts.path, source[route.start:route.end].decode("utf-8", "replace"))]
    for arg in route.args[1:]:
        if arg.kind in ("identifier", "member", "call"):
            located = _handler_function(ctx, facts, arg) if arg.kind != "call" else None
            if located is not None:
                pieces.append((located[0], text(located[1])))
    names_of: dict[str, set[str]] = {}
    for rel, code in pieces:
        data = code.encode()
        if _TOO_MANY_RE.search(data) and not _TESTS_429_RE.search(data):
            return True
        names = names_of.setdefault(rel, _limiter_names(ctx, rel))
        if names and re.search(r"(?<![\w$])(?:" + "|".join(map(re.escape, sorted(names)))
                               + r")(?![\w$])", code):
            return True
    return False


def _passwords_checked(ctx: ProjectContext) -> bool:
    """Return True when a project file (not a test) imports a package that checks passwords
    (`_PASSWORD_PACKAGES`)."""
    return any(facts.locals_of(module) or any(imp.module == module for imp in facts.imports)
               for path, facts in ctx.facts.items() if not is_test_file(path)
               for module in _PASSWORD_PACKAGES)


def _message(ctx: ProjectContext, login_routes: list[tuple[FileFacts, CallFact, str]],
             limited: list[tuple[FileFacts, CallFact, str]]) -> str:
    """Return what the finding says a client can do: flood every route, and guess passwords
    where the project has login or password routes without a limiter of their own, or
    checks passwords where no route shows it (HTTP Basic auth, a password hash). Where every
    login route limits its own attempts, only the global limiter is missing."""
    if login_routes and len(limited) == len(login_routes):
        where = [f"{facts.path}:{(ctx.read(facts.path) or b'').count(NEWLINE, 0, route.start) + 1}"
                 for facts, route, _ in limited]
        shown = ", ".join(where[:3]) + (", …" if len(where) > 3 else "")
        routes = "route limits its own" if len(where) == 1 else "routes limit their own"
        return (f"{_FLOOD} without slowing down (the login {routes} attempts, {shown}: only a "
                "global limiter is missing)")
    if login_routes or _passwords_checked(ctx):
        return _GUESS
    return f"{_FLOOD} without slowing down"


def _limiter_at(ctx: ProjectContext, source: bytes, facts: FileFacts, app: AppFact) -> int:
    """Return where the fix puts ``app.use(rateLimiter)``: after the static files and CORS
    served first (``_after_static``), else right after the app's creation."""
    at = _after_static(ctx, source, facts, app)
    return app.stmt_end if at is None else at


def _in_function(ctx: ProjectContext, rel: str, call: CallFact) -> bool:
    """Return True when ``call`` is in the body of a function (or cannot be found)."""
    lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
    data = ctx.read(rel)
    if lang is None or data is None:
        return True
    node: Node | None = parse(lang, data).root_node.descendant_for_byte_range(call.start,
                                                                              call.end)
    while node is not None:
        if node.type in FUNCTION_TYPES or node.type in ("method_definition", "class_body"):
            return True
        node = node.parent
    return False


#: ``require('./api')`` / ``import(…)`` / ``from './api'``: where a file names a module.
_MODULE_SPEC = lazy_pattern(rb"""\b(?:require|import)\s*\(\s*(['"`])(\.[^'"`]*)\1\s*\)"""
                            rb"""|\bfrom\s*(['"])(\.[^'"]*)\3""")
#: ``const api = require('./api')`` (a factory's ``(…)`` after it at most), up to the line's end.
_BOUND_REQUIRE = lazy_pattern(rb"\b(?:const|let|var)\s+([\w$]+|\{[^{}]*\})\s*=\s*$")
_REST_OF_BINDING = lazy_pattern(rb"\s*(?:\([^()\n]*\))?\s*;?[ \t]*(?://[^\n]*)?(?:\n|$)")


def _served_apart(ctx: ProjectContext, rel: str, found: list[tuple[str, CallFact]]) -> bool:
    """Return True when a file may serve the sub-app ``rel`` other than through the mounts
    ``found``: a file (not a test) names the module but mounts it nowhere
    (``require('./routes/api').listen(4000)``, ``serverless(require('./routes/api'))``), or a
    mounting file's name for it is read elsewhere than in a ``.use(…)`` (``api.listen(…)``,
    ``http.createServer(api)``, ``module.exports = { api }``). Such an app answers requests
    that never pass the parent's limiter."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for parent, call in found:
        spans.setdefault(parent, []).append((call.start, call.end))
        for arg in call.args:  # `const api = FAKE ? fakeApi : proxy`: read only to be mounted
            chosen = chosen_binding(ctx, ctx.facts[parent], arg)
            if chosen is not None and chosen[0] == rel:
                spans[parent].append(chosen[1:])
    for path in ctx.facts:
        if path == rel or is_test_file(path):
            continue
        source = ctx.read(path) or b""
        if posixpath.splitext(posixpath.basename(rel))[0].encode() not in source:
            continue  # (the module's file name: every spelling of its spec holds it)
        names: set[bytes] = set()
        skip = list(spans.get(path, []))  # where a name may stand: mounts, its binding
        for match in _MODULE_SPEC.finditer(source):
            spec = (match.group(2) or match.group(4)).decode("utf-8", "replace")
            if ctx.resolve_import(path, spec) != rel:
                continue
            if path not in spans:
                return True  # named, never mounted here
            if any(start <= match.start() < end for start, end in spans[path]):
                continue  # app.use('/api', require('./api'))
            if match.group(4) is not None:  # import api from './api'
                names |= {n.encode() for imp in ctx.facts[path].imports
                          if ctx.resolve_import(path, imp.module) == rel
                          for n in (imp.default, imp.namespace, *imp.named.values()) if n}
                skip.append((source.rfind(b"import", 0, match.start()), match.end()))
                continue
            line_start = source.rfind(b"\n", 0, match.start()) + 1
            bound = _BOUND_REQUIRE.search(source, line_start, match.start())
            if bound is None or not _REST_OF_BINDING.match(source, match.end()):
                return True
            skip.append((bound.start(), match.end()))
            target = bound.group(1)
            if target.startswith(b"{"):  # const { orders, v1: api } = require('./api')
                names |= {item.rpartition(b":")[2].strip() for item in target[1:-1].split(b",")
                          if item.strip()}
            else:
                names.add(target)
        for name in names:
            for use in re.finditer(rb"(?<![\w$.])" + re.escape(name) + rb"(?![\w$])", source):
                if not any(start <= use.start() < end for start, end in skip):
                    return True  # read elsewhere than in its binding and its mounts
    return False


def _covered_sub_apps(ctx: ProjectContext) -> set[str]:
    """Return the files of mounted sub-apps (``_mounts.sub_apps``) whose every request passes
    the limiter the fix puts in an app that mounts them: each ``.use`` mounting the file is
    called on an app of the mounting file (not a router, whose own mount may come before the
    limiter) after the place of that app's limiter, or the mounting file is such a sub-app
    itself. A sub-app mounted before the limiter (or on an app the fix cannot extend) keeps
    its own finding and limiter."""
    candidates = sub_apps(ctx, factories=True)
    if not candidates:
        return set()
    mounted = mounts(ctx, factories=True)
    wrappers = wrapper_apps(ctx)
    known: dict[str, bool] = {}

    def behind_a_limiter(parent: str, call: CallFact) -> bool:
        facts = ctx.facts[parent]
        apps = [a for a in facts.apps if a.name == call.target and a.start < call.start]
        if not apps or _in_function(ctx, parent, call):
            return False  # (a function's mount runs when it is called: maybe before the limiter)
        app = max(apps, key=lambda a: a.start)  # the last binding of the name before the call
        if app.kind != "app" or not can_extend(app) or (parent, app.start) in wrappers:
            return False
        return call.start >= _limiter_at(ctx, ctx.read(parent) or b"", facts, app)

    def covered(rel: str, seen: frozenset[str]) -> bool:
        if rel not in candidates or rel in seen or _served_apart(ctx, rel, mounted[rel]):
            return False
        if rel not in known:
            known[rel] = all(covered(parent, seen | {rel}) or behind_a_limiter(parent, call)
                             for parent, call in mounted[rel])
        return known[rel]

    return {rel for rel in candidates if covered(rel, frozenset())}


#: WebSocket servers: a file that makes one beside its Express app serves its clients there.
_SOCKET_SERVERS = frozenset({"socket.io", "ws", "sockjs", "faye-websocket", "uWebSockets.js"})


def _only_constant_routes(ctx: ProjectContext, facts: FileFacts) -> bool:
    """Return True when ``facts``' file makes a WebSocket server (socket.io, ws) beside its
    apps and every app has nothing mounted on it but routes that cannot fail and read nothing
    of the request, header middleware (helmet, cors) and routers of such routes
    (``_quiet_apps.configured_nowhere``): a status route beside a chat server, whose traffic
    never passes Express's middleware. A limiter protects nothing there."""
    if not any(imp.module in _SOCKET_SERVERS for imp in facts.imports):
        return False
    apps = [app for app in facts.apps if app.kind == "app"]
    tree = project_tree(ctx, facts.path) if apps else None
    if tree is None:
        return False
    quiet = quiet_routers(ctx, facts)
    return all(configured_nowhere(tree.root_node, facts, app, routes=True, quiet_router=quiet)
               for app in apps)


class RateLimit(Rule):
    """An Express project without rate-limiting middleware."""

    id = "rate-limit"

    def file_data(self, ctx: FileContext) -> bool:
        """Return whether the file keeps a count per key with an expiry (``_counts``), for
        ``own_limiter``: worked out in the scanning processes, where the bytes already are,
        rather than by reading every file of the project again in the main process (a
        quarter of the project phase of a check of a 300-file app)."""
        return _counts(ctx.source)

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        if not ctx.uses_express():
            return
        if rate_limiting_used(ctx):
            yield from self._spoofable_keys(ctx)
            yield from self._header_keys(ctx)
            return
        # A sub-app mounted after the limiter of the app that mounts it runs behind that
        # limiter: a limiter of its own would take a second point of each of its requests.
        covered = _covered_sub_apps(ctx)
        app_files = [f for f in ctx.app_files()
                     if not is_test_file(f.path) and f.path not in covered
                     and not _only_constant_routes(ctx, f)]
        if not app_files:
            return
        # A project that calls itself an example, tutorial, demo… and that nothing deploys
        # serves no one: a request limiter protects nothing there. Its login form is another
        # matter (it gets copied into real apps), so one with login routes is still reported.
        deployment = ctx.deployment
        if deployment.declared_as is not None and not deployment.deployed \
                and not _login_routes(ctx):
            return
        # An internal service (it listens on the loopback interface unless configured
        # otherwise and does no browser work): only programs on the same host reach it. A note
        # without a fix; the other apps of the project are judged as usual.
        internal = [f for f in app_files if internal_service(ctx, f.path)]
        if internal:
            app_files = [f for f in app_files if f not in internal]
            if not app_files:
                lead = min(internal, key=lambda f: f.path)
                lead_app = next(a for a in lead.apps if a.kind == "app")
                routes = _login_routes(ctx)
                head = _message(ctx, routes, [r for r in routes if _login_limited(ctx, *r[:2])])
                yield replace(ctx.finding(self.id, lead.path, lead_app.start, lead_app.end, (
                    f"{head}; not fixed: this app listens on the loopback interface only"
                    " (unless configured otherwise) and does no browser work, so "
                    "its clients are programs on the same host; limits matter once it is "
                    "exposed: add a limiter then")), severity="note")
                return
        # A reverse proxy of the project that limits each client's requests before they
        # reach the app (nginx's limit_req keyed on the client address, around every
        # proxy_pass): the flood is limited there.
        proxied = {package for package in {package_of(f.path, ctx.package_dirs)
                                           for f in app_files}
                   if _proxy_rate_limit(ctx, package) is not None}
        app_files = [f for f in app_files
                     if package_of(f.path, ctx.package_dirs) not in proxied]
        if not app_files:
            return
        # The app that is served or exported comes first; the module goes beside it. An app
        # that only answers a metrics or health endpoint (an internal scrape server beside the
        # real one) comes last: the finding belongs to the app clients use. Of two served
        # apps, the one that mounts and routes more (a site beside its small preview server).
        app_files.sort(key=lambda f: (
            all(_operations_only(ctx, f, a) for a in f.apps if a.kind == "app"),
            not (f.exports_app or any(c.method == "listen" for c in f.calls)),
            -sum(c.method in _ROUTE_METHODS_ALL for c in f.calls), f.path))
        primary = app_files[0]
        primary_app = next(a for a in primary.apps if a.kind == "app")
        login_routes = _login_routes(ctx)
        limited = [r for r in login_routes if _login_limited(ctx, r[0], r[1])]
        message = _message(ctx, login_routes, limited)
        trusting = unbounded_trust_proxy(ctx)
        if trusting is not None:
            # nodeharden never changes a trust decision, and a limiter keyed on req.ip there
            # would only look like protection: report, without a fix.
            trust_file, setting = trusting
            if setting is None:
                message += (f"; not fixed: `trust proxy` is set without a bound ({trust_file.path}), "
                            "so req.ip is the client-chosen left-most X-Forwarded-For address "
                            "and a limiter keyed on it would be bypassed with a new header per "
                            "request; set the hop count first (app.set('trust proxy', 1) behind "
                            "one proxy)")
            else:
                shown = setting if len(setting) <= 60 else setting[:57] + "..."
                trust_source = (ctx.read(trust_file.path) or b"").decode("utf-8", "replace")
                if _env_string(setting, trust_source):
                    # An environment value is a string: Express compiles a string into a list
                    # of addresses and subnet names (proxy-addr), never a hop count.
                    message += (f"; not fixed: `trust proxy` comes from the environment "
                                f"(`{shown}`, {trust_file.path}), which is always a string: "
                                "Express reads a string as proxy addresses or subnet names, "
                                "not as a hop count nor as `true` (`'1'` is taken as an "
                                "address, so behind a proxy req.ip stays the proxy's and a "
                                "limiter keyed on it would put every client in one bucket; "
                                "`'true'` stops the app at startup), and a subnet name "
                                "(`loopback`, `uniquelocal`) trusts every address in its range, "
                                "where a client could choose req.ip with X-Forwarded-For, and "
                                "a limiter keyed on it would be bypassed with a new header per "
                                "request; make sure the "
                                "deployed value lists only the proxies in front of the app, or "
                                "pass a hop count as a number (app.set('trust proxy', 1) behind "
                                "one proxy, Number(…) of the variable), then add a limiter")
                else:
                    message += (f"; not fixed: `trust proxy` comes from a setting (`{shown}`, "
                                f"{trust_file.path}) that the code does not bound: a hop count "
                                "(a number) keeps req.ip the client's address, but `true` or a "
                                "subnet name makes it the client-chosen left-most "
                                "X-Forwarded-For address, and a limiter keyed on it would be "
                                "bypassed with a new header per request; make sure the "
                                "deployed value is a hop count (as app.set('trust proxy', 1) "
                                "behind one proxy), then add a limiter")
            yield ctx.finding(self.id, primary.path, primary_app.start, primary_app.end, message)
            return
        # Each package gets its own limiter module (a repository of several apps without a
        # root package.json: a module imported across packages would break the importer).
        package_dirs = ctx.package_dirs
        groups: dict[str, list[FileFacts]] = {}
        for facts in app_files:  # served or exported apps first, as sorted above
            groups.setdefault(package_of(facts.path, package_dirs), []).append(facts)
        hops = _hops_set(ctx)
        for package, group in groups.items():
            lead = group[0]
            lead_app = next(a for a in lead.apps if a.kind == "app")
            behind = None if hops else proxy_evidence(ctx, package)
            if behind is not None:
                # Behind a proxy that Express is not told about, req.ip is the proxy's address:
                # a limiter keyed on it would send every client to one bucket and answer 429 to
                # all of them once they share the limit. Only the deployer knows the hop count.
                # Evidence found outside the root is the repository's, not the scanned folder's.
                shows = "repository" if behind.startswith("../") else "project"
                yield ctx.finding(self.id, lead.path, lead_app.start, lead_app.end, (
                    f"{message}; not fixed: the {shows} shows a reverse proxy in front of the "
                    f"app ({behind}) and does not set `trust proxy`, so req.ip is the proxy's "
                    "address and a limiter keyed on it would put every client in one bucket "
                    "(429 for everyone once they share the limit); first set "
                    "app.set('trust proxy', N) to the number of proxies in front of the app, "
                    "then run fix"))
                continue
            fix = self._fix(ctx, group, lead)
            first = ctx.finding(self.id, lead.path, lead_app.start, lead_app.end, message, fix)
            yield first
            if fix is None:
                continue
            # The fix puts the limiter in every app of the package it can extend: each of the
            # others gets its own finding (without a fix of its own), so that no hunk sits
            # where nothing was reported.
            where = f"{first.path}:{first.line}"
            for facts in group:
                for app in facts.apps:
                    if app.kind == "app" and can_extend(app) and app is not lead_app \
                            and (facts.path, app.start) not in wrapper_apps(ctx):
                        yield ctx.finding(self.id, facts.path, app.start, app.end,
                                          message + covered_by(where, "adds the limiter"))

    def _spoofable_keys(self, ctx: ProjectContext) -> Iterator[Finding]:
        """Report the limiters keyed on ``req.ip`` that serve an app trusting every proxy hop
        (``_trusting_apps``): there req.ip is the left-most X-Forwarded-For address, which the
        client writes, so a new header per request gets a new bucket. Only limiters whose key
        is req.ip for sure (``_ip_keyed_limiter``), and that serve that app for sure: built or
        consulted in its file, in an argument of its ``use`` or of one of its routes or under a
        name passed there (``_mounted_on``), or the export of a project module whose import
        is passed there (``module.exports = rateLimit({ … })``, ``export const apiLimit =
        rateLimit({ … })``). Reported without a fix: ``trust proxy`` is the deployer's decision
        (the hop count of the proxies in front of the app)."""
        for path in sorted(ctx.facts):
            facts = ctx.facts[path]
            if is_test_file(path) or not any(a.kind == "app" for a in facts.apps) \
                    or not any(c.method in ("set", "enable") for c in facts.calls):
                continue
            lang = _lang_of(path)
            source = ctx.read(path)
            if lang is None or source is None:
                continue
            root = parse(lang, source).root_node
            trusting = _trusting_apps(facts, source, root)
            for target, line in trusting.items():
                where = f"{path}:{line}"
                for limiter_path, node, keyed in self._limiters_of(ctx, facts, root, lang,
                                                                   target):
                    yield ctx.finding(self.id, limiter_path, node.start_byte, node.end_byte,
                                      _spoofable_message(keyed, where))

    def _header_keys(self, ctx: ProjectContext) -> Iterator[Finding]:
        """Report the express-rate-limit / express-slow-down limiters whose ``keyGenerator``
        reads a client-address header (X-Forwarded-For, CF-Connecting-IP, X-Real-IP…): any
        client sends those, so a new value per request gets a fresh bucket unless a proxy in
        front overwrites the header on every request. Reported without a fix: which proxies
        are in front is the deployer's knowledge. A key on the right-most X-Forwarded-For
        (``Forwarded``) entry (``_last_entry_key``) is the one the nearest proxy appends:
        reported only where the project shows no proxy in front (``_last_entry_findings``)."""
        last_entries: list[tuple[str, Node, str]] = []
        key_functions: set[tuple[str, int, int]] = set()  # their reads show no proxy
        for path in sorted(ctx.facts):
            facts = ctx.facts[path]
            names = facts.locals_of("express-rate-limit") | facts.locals_of("express-slow-down")
            source = ctx.read(path)
            lang = _lang_of(path)
            if is_test_file(path) or not names or source is None or lang is None \
                    or b"keyGenerator" not in source:
                continue
            root = parse(lang, source).root_node
            shared: set[int] = set()  # one finding per key function several limiters name
            for node in nodes_of_types(lang, root, ("call_expression", "new_expression")):
                keyed = _header_keyed(node, names, root)
                if keyed is None:
                    continue
                prop, body, header = keyed
                if body.start_byte in shared:
                    continue
                shared.add(body.start_byte)
                key_functions.add((path, body.start_byte, body.end_byte))
                appended = _last_entry_key(body)
                if appended is not None:
                    last_entries.append((path, prop, appended))
                    continue
                yield ctx.finding(
                    self.id, path, prop.start_byte, prop.end_byte,
                    f"this limiter's key reads the {header} request header, which any client "
                    "sends: a new value per request gets a fresh bucket, so the limit is "
                    "bypassed unless a proxy in front overwrites that header on every request; "
                    "key on req.ip with `trust proxy` set to the number of proxies in front of "
                    "the app (app.set('trust proxy', 1) behind one), which Express reads from "
                    "X-Forwarded-For as the proxies wrote it")
        yield from self._last_entry_findings(ctx, last_entries, key_functions)

    def _last_entry_findings(self, ctx: ProjectContext, keys: list[tuple[str, Node, str]],
                             key_functions: set[tuple[str, int, int]]) -> Iterator[Finding]:
        """Report the limiters keyed on the right-most entry of an appended header (``keys``:
        file, ``keyGenerator`` option, header) when nothing shows a proxy in front: no
        ``trust proxy`` hop (``_hops_set``), no read of a proxy's headers outside the key
        functions of limiters (``key_functions``: file, start, end), no proxy platform,
        configuration or compose service. Behind a proxy that appends to the header, the
        nearest one writes that entry and no client chooses it; reached directly, the client
        writes the whole header."""
        if not keys or _hops_set(ctx):
            return
        for path, prop, header in keys:
            package = package_of(path, ctx.package_dirs)
            if _forwarded_read(ctx, key_functions, package) or _proxy_deployed(ctx, package):
                continue
            shown = "X-Forwarded-For" if header == "x-forwarded-for" else "Forwarded"
            yield ctx.finding(
                self.id, path, prop.start_byte, prop.end_byte,
                f"this limiter's key is the right-most {shown} entry: a proxy in front that "
                "appends to that header writes it (nginx's $proxy_add_x_forwarded_for), so no "
                "client chooses it there, but nothing in the project shows a proxy in front of "
                "the app (`trust proxy`, a proxy's configuration or compose service, a proxy "
                "platform, code reading other proxy headers), and where clients reach the app "
                "directly they write the whole header: a new value per request gets a fresh "
                "bucket; if no proxy is in front, key on req.ip; behind one that appends, req.ip "
                "with app.set('trust proxy', 1) is the same key")

    def _limiters_of(self, ctx: ProjectContext, facts: FileFacts, root: Node, lang: str,
                     target: str) -> Iterator[tuple[str, Node, str]]:
        """Yield (file, node, how it is keyed) for each limiter keyed on req.ip that serves
        ``target``, an app of ``facts``' file (see ``_spoofable_keys``)."""
        names = facts.locals_of("express-rate-limit") | facts.locals_of("express-slow-down")
        flexible = bool(facts.locals_of("rate-limiter-flexible"))
        if names or flexible:
            for node in nodes_of_types(lang, root, ("call_expression", "new_expression")):
                keyed = _ip_keyed_limiter(node, names, flexible)
                if keyed is not None and _mounted_on(node, target, root, lang):
                    yield facts.path, node, keyed
        for imp in facts.imports:
            other_path = ctx.resolve_import(facts.path, imp.module)
            if other_path is None or is_test_file(other_path):
                continue
            passed = {local: name for name, local in imp.named.items()}
            if imp.default:
                passed[imp.default] = "default"
            passed = {local: name for local, name in passed.items()
                      if _passed_to({local}, target, root, lang)}
            if not passed:
                continue
            other = ctx.facts[other_path]
            other_names = other.locals_of("express-rate-limit") \
                | other.locals_of("express-slow-down")
            other_lang = _lang_of(other_path)
            other_source = ctx.read(other_path)
            if not other_names or other_lang is None or other_source is None:
                continue
            other_root = parse(other_lang, other_source).root_node
            for node in nodes_of_types(other_lang, other_root, ("call_expression",
                                                                "new_expression")):
                keyed = _ip_keyed_limiter(node, other_names, False)
                if keyed is not None and _exported_as(node) in passed.values():
                    yield other_path, node, keyed

    def _fix(self, ctx: ProjectContext, app_files: list[FileFacts],
             primary: FileFacts) -> Fix | None:
        style = ctx.styles[primary.path]
        module_rel = _module_path(ctx, primary.path, style)
        if module_rel is None:
            return None
        options = ctx.info.config.rate_limit
        found = existing_redis_client(ctx) if options.store == "redis" else None
        client = (import_specifier(module_rel, found[0], style), found[1], found[2]) \
            if found else None
        # The new module is imported only from its own package: a path into another package
        # (a repository of several apps without a root package.json) breaks that package.
        package_dirs = ctx.package_dirs
        package = package_of(module_rel, package_dirs)
        app_files = [f for f in app_files if package_of(f.path, package_dirs) == package]
        # A login route that limits its own attempts (it answers 429, or checks a limiter
        # package's bucket) gets no second limiter: only the global one is missing.
        login_routes = [(facts, route, full) for facts, route, full in _login_routes(ctx)
                        if facts.path != module_rel
                        and package_of(facts.path, package_dirs) == package
                        and not _login_limited(ctx, facts, route)]
        # Rendered when the fix is shown or written: `check` needs no Jinja.
        module = SnippetEdit(0, 0, "rate-limit.js", style, **_module_context(
            options, client, login=bool(login_routes),
            clear_on_2xx=bool(login_routes) and all(
                _fails_with_client_error(ctx, facts, route, full)
                for facts, route, full in login_routes),
            signed_in=any(ctx.info.has_dependency(name) for name in _SESSION_PACKAGES),
            error_key=error_body_key(ctx)))
        changes: list[FileChange] = [FileChange(module_rel, (module,), create=True)]
        edits_by_file: dict[str, list[TextEdit]] = {}
        names_by_file: dict[str, list[str]] = {}
        wired = False
        for facts in app_files:
            source = ctx.read(facts.path) or b""
            apps = [a for a in facts.apps if a.kind == "app" and can_extend(a)
                    and (facts.path, a.start) not in wrapper_apps(ctx)]  # it only mounts one
            for app in apps:
                statement = f"{app.name}.use(rateLimiter){ctx.styles[facts.path].semi}"
                after_static = _after_static(ctx, source, facts, app)
                if after_static is None:
                    edit = after_app_edit(source, app, [statement])
                elif after_static == len(source) and not source.endswith(b"\n"):
                    edit = TextEdit(after_static, after_static, f"\n{app.indent}{statement}")
                else:
                    edit = TextEdit(after_static, after_static, f"{app.indent}{statement}\n")
                edits_by_file.setdefault(facts.path, []).append(edit)
                names_by_file.setdefault(facts.path, []).append("rateLimiter")
                wired = True
        if not wired:
            return None
        # The login limiter goes first on the route (right after the path): it takes its point
        # before passport.authenticate() or the route's own handler runs.
        for facts, route, _full in login_routes:
            source = ctx.read(facts.path) or b""
            if route.chained:
                # `router.route('/login').post(handler)`: route() takes only the path, so the
                # limiter goes first among the method's own arguments, right after the
                # parenthesis (before anything another fix inserts ahead of the handler).
                first = route.args[1]
                paren = source.rfind(b"(", 0, first.start)
                line_start = source.rfind(b"\n", 0, first.start) + 1
                indent = source[line_start:first.start].decode("utf-8", "replace")
                if paren < 0 or source[paren + 1:first.start].strip():
                    edit = TextEdit(first.start, first.start, "loginLimiter, ")  # a comment
                elif line_start > paren and not indent.strip():
                    eol = ctx.styles[facts.path].eol
                    edit = TextEdit(paren + 1, paren + 1, f"{eol}{indent}loginLimiter,")
                else:
                    edit = TextEdit(paren + 1, paren + 1, "loginLimiter, ")
                edits_by_file.setdefault(facts.path, []).append(edit)
                if "loginLimiter" not in names_by_file.setdefault(facts.path, []):
                    names_by_file[facts.path].append("loginLimiter")
                continue
            at = route.args[0].end
            one_a_line = _ARG_LINE_END.match(source, at)
            line_start = source.rfind(b"\n", 0, route.args[0].start) + 1
            indent = source[line_start:route.args[0].start].decode("utf-8", "replace")
            if one_a_line and not indent.strip():
                # Arguments one a line (as prettier breaks a long call): the limiter gets its
                # own line, at the path's indentation (the path alone on its line).
                at = one_a_line.end(1)
                text = f"{ctx.styles[facts.path].eol}{indent}loginLimiter,"
            else:
                text = ", loginLimiter"
            edits_by_file.setdefault(facts.path, []).append(TextEdit(at, at, text))
            if "loginLimiter" not in names_by_file.setdefault(facts.path, []):
                names_by_file[facts.path].append("loginLimiter")
        for path in sorted(edits_by_file):
            facts = ctx.facts[path]
            file_style = ctx.styles[path]
            source = ctx.read(path) or b""
            names = list(dict.fromkeys(names_by_file[path]))
            imports = add_imports(source, facts, file_style, [ImportRequest(
                import_specifier(path, module_rel, file_style), names=tuple(names))])
            changes.append(FileChange(path, (*imports.edits, *edits_by_file[path])))
        # The title says what the hunks do: the login limiter only where a route gets it.
        # Always unsafe: a limit keyed on the address answers 429 to some client by design,
        # and whether those clients are legitimate depends on traffic only the deployer knows.
        risk = _shared_address_traffic(ctx, app_files) or _LIMITS_NEED_THE_DEPLOYER
        return Fix(
            title="Add a rate-limiter-flexible middleware" + (
                ", with a stricter limiter on login and password routes"
                if login_routes else "") + f" (unsafe: {risk})",
            applicability="unsafe",
            changes=tuple(changes),
            dependencies=(("rate-limiter-flexible", version_of("rate-limiter-flexible")),
                          *((("ioredis", version_of("ioredis")),)
                            if options.store == "redis" and client is None else ())),
        )


RULE = RateLimit()
