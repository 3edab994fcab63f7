"""rate-limit: some rate-limiting middleware must sit in front of an Express app, with a
stricter limiter on login and password routes.

The fix writes ``middleware/rate-limit.<ext>`` next to the app file (in the project's module
system), imports it, adds ``app.use(rateLimiter)`` right after the app is created and puts
``loginLimiter`` in front of the handlers of login/password routes that exist. The module is the
template's ``src/rate-limit.js`` (the shared snippet ``snippets/rate-limit.js.jinja``) with the
fix's limiters added. With ``rate_limit.store: redis`` it counts in Redis (``RateLimiterRedis`` on
one ioredis client created from ``process.env.REDIS_URL``, or the project's own client) with an
in-memory insurance limiter.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import Any

from nodeharden._config import RateLimitOptions
from nodeharden._express import CallFact, FileFacts
from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._packagejson import version_of
from nodeharden._parse import parse, text, walk
from nodeharden._project import JS_SUFFIXES
from nodeharden._snippets import SnippetEdit, render_snippet
from nodeharden._style import Style
from nodeharden.rules._base import ProjectContext, Rule, is_test_file
from nodeharden.rules._edits import (ImportRequest, add_imports, after_app_edit, can_extend,
                                     import_specifier)

#: Packages whose use counts as rate limiting (store add-ons import one of these too).
RATE_LIMIT_MODULES = (
    "rate-limiter-flexible", "express-rate-limit", "express-slow-down", "express-brute",
    "express-limiter",
)

#: Route paths that get the stricter limiter (POST/PUT/PATCH/ALL only: a login form page
#: fetched with GET is not an attempt).
LOGIN_PATH_RE = re.compile(r"log-?in|sign-?in|password|passwd|forgot", re.I)
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


def module_source(style: Style, options: RateLimitOptions,
                  client: tuple[str, str, bool] | None = None, login: bool = True,
                  clear_on_2xx: bool = False) -> str:
    """Return the rate-limit middleware module in the project's module system and style: the
    template's ``src/rate-limit.js`` (the shared snippet ``rate-limit.js``) with the limiters
    this fix wires, built from ``rate_limit`` in .nodeharden.yml and exported as
    ``rateLimiter`` and ``loginLimiter``.

    ``client`` is ``(import specifier, exported name, is node-redis)`` of the project's own Redis
    client, reused with ``store: redis`` instead of creating one. ``login``: the project has
    login or password routes, so the module also defines the stricter ``loginLimiter``;
    ``clear_on_2xx``: each of them answers a failed login with a 4xx status, so a 2xx answer is
    a good login that clears the client's count. The module imports ``net``, not ``node:net``:
    the fix does not know the project's Node version, and ``net`` resolves on every Node that
    runs rate-limiter-flexible."""
    return render_snippet("rate-limit.js", style,
                          **_module_context(options, client, login, clear_on_2xx))


def _module_context(options: RateLimitOptions, client: tuple[str, str, bool] | None,
                    login: bool, clear_on_2xx: bool) -> dict[str, Any]:
    """Return the snippet options of ``module_source``'s module."""
    redis = options.store == "redis"
    reuse = client if redis else None
    limits = {
        "points": options.points, "duration": options.duration, "login": login,
        "login_points": options.login_points, "login_duration": options.login_duration,
        "clear_on_2xx": login and clear_on_2xx, "redis_env": options.redis_url_env,
        "client": {"specifier": reuse[0], "name": reuse[1], "node_redis": reuse[2]}
        if reuse else None,
    }
    return {"store": "any" if redis else "memory", "node_protocol": False, "limits": limits}


def _lang_of(rel: str) -> str | None:
    return JS_SUFFIXES.get(posixpath.splitext(rel)[1])


def _binding_used(ctx: ProjectContext, facts: FileFacts, names: set[str]) -> bool:
    """Return True when one of ``names`` is referenced outside the import statements."""
    lang = _lang_of(facts.path)
    source = ctx.read(facts.path)
    if lang is None or source is None:
        return False
    spans = [(imp.start, imp.end) for imp in facts.imports]
    tree = parse(lang, source)
    for node in walk(tree.root_node):
        if node.type in ("identifier", "shorthand_property_identifier") and text(node) in names:
            if not any(s <= node.start_byte < e for s, e in spans):
                return True
    return False


def rate_limiting_used(ctx: ProjectContext) -> bool:
    """Return True when some file imports a rate-limiting package and uses what it imported
    (a bare ``require('express-brute')`` for side effects does not count)."""
    for facts in ctx.facts.values():
        names: set[str] = set()
        for module in RATE_LIMIT_MODULES:
            names |= facts.locals_of(module)
        if names and _binding_used(ctx, facts, names):
            return True
    return False


def _module_path(ctx: ProjectContext, app_rel: str, style: Style) -> str | None:
    suffix = posixpath.splitext(app_rel)[1]
    if suffix in (".ts", ".mts", ".cts", ".tsx"):
        suffix = {".tsx": ".ts"}.get(suffix, suffix)
    elif suffix not in (".mjs", ".cjs"):
        suffix = ".js"
    folder = posixpath.dirname(app_rel)
    for name in (MODULE_NAME, "nodeharden-" + MODULE_NAME):
        rel = posixpath.normpath(posixpath.join(folder, MODULE_DIR, name + suffix))
        if ctx.read(rel) is None:
            return rel
    return None


def _login_routes(facts: FileFacts) -> list[CallFact]:
    found = []
    for call in facts.routes():
        if call.method in LOGIN_METHODS and call.path and LOGIN_PATH_RE.search(call.path) \
                and len(call.args) >= 2 and not any(a.kind == "identifier" and a.name == "loginLimiter"
                                                    for a in call.args):
            found.append(call)
    return found


_CLIENT_ERROR_STATUS = re.compile(r"\b(?:status|sendStatus)\s*\(\s*4\d\d\b")
_SIGN_IN_PATH = re.compile(r"log-?in|sign-?in", re.I)
_RESET_PATH = re.compile(r"password|passwd|forgot|reset", re.I)
_NOT_BY_STATUS = re.compile(r"\.\s*(?:render|redirect)\s*\(|\bpassport\b|\bauthenticate\b")


def _fails_with_client_error(ctx: ProjectContext, facts: FileFacts, route: CallFact) -> bool:
    """Return True when the route is a sign-in route (not a password reset) whose handlers are
    written inline and answer a failed login with a 4xx status (``res.status(401)``), never
    with a redirect or a page: then a 2xx answer means the login succeeded. A handler defined
    elsewhere cannot be read: False."""
    if any(arg.kind == "identifier" for arg in route.args[1:]):
        return False
    if not _SIGN_IN_PATH.search(route.path or "") or _RESET_PATH.search(route.path or ""):
        return False  # a reset route answers 2xx to anyone who names an account
    code = (ctx.read(facts.path) or b"")[route.start:route.end].decode("utf-8", "replace")
    return _CLIENT_ERROR_STATUS.search(code) is not None and _NOT_BY_STATUS.search(code) is None


class RateLimit(Rule):
    """An Express project without rate-limiting middleware."""

    id = "rate-limit"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        if not ctx.uses_express() or rate_limiting_used(ctx):
            return
        app_files = [f for f in ctx.app_files() if not is_test_file(f.path)]
        if not app_files:
            return
        # A project that calls itself an example, tutorial, demo… and that nothing deploys
        # serves no one: a request limiter protects nothing there. Its login form is another
        # matter (it gets copied into real apps), so one with login routes is still reported.
        deployment = ctx.deployment
        if deployment.declared_as is not None and not deployment.deployed and not any(
                _login_routes(facts) for facts in ctx.facts.values()
                if not is_test_file(facts.path)):
            return
        # The app that is served or exported comes first; the module goes beside it.
        app_files.sort(key=lambda f: (not (f.exports_app or any(c.method == "listen" for c in f.calls)),
                                      f.path))
        primary = app_files[0]
        primary_app = next(a for a in primary.apps if a.kind == "app")
        message = ("no rate-limiting middleware: one client can flood every route and guess "
                   "passwords without slowing down")
        yield ctx.finding(self.id, primary.path, primary_app.start, primary_app.end, message,
                          self._fix(ctx, app_files, primary))

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
        login_routes = [(facts, route) for facts in ctx.facts.values()
                        if not is_test_file(facts.path) and facts.path != module_rel
                        for route in _login_routes(facts)]
        # Rendered when the fix is shown or written: `check` needs no Jinja.
        module = SnippetEdit(0, 0, "rate-limit.js", style, **_module_context(
            options, client, login=bool(login_routes),
            clear_on_2xx=bool(login_routes) and all(
                _fails_with_client_error(ctx, facts, route) for facts, route in login_routes)))
        changes: list[FileChange] = [FileChange(module_rel, (module,), create=True)]
        edits_by_file: dict[str, list[TextEdit]] = {}
        names_by_file: dict[str, list[str]] = {}
        wired = False
        for facts in app_files:
            source = ctx.read(facts.path) or b""
            apps = [a for a in facts.apps if a.kind == "app" and can_extend(a)]
            for app in apps:
                edits_by_file.setdefault(facts.path, []).append(after_app_edit(
                    source, app, [f"{app.name}.use(rateLimiter){ctx.styles[facts.path].semi}"]))
                names_by_file.setdefault(facts.path, []).append("rateLimiter")
                wired = True
        if not wired:
            return None
        # The login limiter goes first on the route (right after the path): it takes its point
        # before passport.authenticate() or the route's own handler runs.
        for facts, route in login_routes:
            at = route.args[0].end
            edits_by_file.setdefault(facts.path, []).append(TextEdit(at, at, ", loginLimiter"))
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
        return Fix(
            title="Add a rate-limiter-flexible middleware, with a stricter limiter on login "
                  "and password routes",
            applicability="safe",
            changes=tuple(changes),
            dependencies=(("rate-limiter-flexible", version_of("rate-limiter-flexible")),
                          *((("ioredis", version_of("ioredis")),)
                            if options.store == "redis" and client is None else ())),
        )


RULE = RateLimit()
