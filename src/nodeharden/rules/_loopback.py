"""Apps that answer only on the loopback interface unless the operator configures another host.

An app created and listened on in one file, with a host setting that falls back to a loopback
name (``cfg.host || '127.0.0.1'``, also read from the project's settings module), exporting no
app and trusting no proxy, serves programs on the same host: an admin API and its command line
client, a sibling service. Shared by error-handler (an error's message there goes to the
operator) and helmet and rate-limit (browser headers and request limits matter once such an
app is exposed, which the code does not do: a note without a fix). Also the probe paths
(``PROBE_PATH``) helmet's probe-only apps answer, and ``probes_on_loopback``: a metrics app on
a loopback host written out, which error-handler asks no final handler of.
"""

from __future__ import annotations

import os
import posixpath
import re

from tree_sitter import Node

from nodeharden._express import HTTP_METHODS
from nodeharden._parse import (FUNCTION_TYPES, code_children, parse, string_value, text,
                              unwrap, uses_of, walk)
from nodeharden._project import JS_SUFFIXES
from nodeharden._regex import lazy_pattern
from nodeharden._roles import package_of
from nodeharden.rules._base import ProjectContext, is_test_file

#: Host names of the loopback interface: a server listening on one answers this host only.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "ip6-localhost"})
#: The paths health checks, readiness and liveness probes and metrics scrapers request, and
#: the hook an orchestrator calls before stopping the app (``/shutdown``).
PROBE_PATH = lazy_pattern(r"(?i)^/(?:health|healthz|healthcheck|live|livez|liveness|ready|"
                          r"readyz|readiness|ping|status|metrics|shutdown)/?$")
#: The app's file renders pages, serves files or keeps a browser session.
BROWSER_WORK = lazy_pattern(rb"\.render\s*\(|\bstatic\s*\(|\bsendFile\s*\(|\.cookie\s*\(|"
                            rb"\bsession\s*\(|text/html")
#: A package that loads the app's settings from its own folder: ``@overleaf/settings``,
#: ``settings-sharelatex``, node-config's ``config``.
_SETTINGS_PACKAGE = lazy_pattern(r"^(?:@[\w.-]+/)?(?:settings|config)(?:-[\w.-]+)?$|"
                                 r"^[\w.-]+-settings$")
#: The defaults file such a package reads, in the folder of the app's package.json.
_SETTINGS_DEFAULTS = tuple(f"config/{stem}{ext}" for stem in ("settings.defaults", "default")
                           for ext in (".js", ".cjs", ".mjs", ".ts"))
#: Code that reads the headers a reverse proxy adds: one is in front of the app.
_FORWARDED = lazy_pattern(rb"(?i)x-forwarded-|x-real-ip")
#: A reverse-proxy directive that passes requests on: nginx, Caddy, Apache.
_PROXY_PASS = lazy_pattern(rb"(?im)(?:^|[{;])[ \t]*(?:proxy_pass|reverse_proxy|ProxyPass)\b")
_PROXY_CONFIG_NAME = lazy_pattern(r"nginx|caddy|haproxy|httpd|apache|\.conf$|Caddyfile", re.I)


def loopback_host(node: Node | None, root: Node, depth: int = 0, defaulted: bool = False,
                  ctx: ProjectContext | None = None, rel: str | None = None) -> bool:
    """Return True when ``node`` (a ``listen`` host argument) is a setting whose default is a
    loopback host: an ``a || 'localhost'`` / ``a ?? '127.0.0.1'`` whose fallback is one, read
    through a name bound once to it (also taken from an object by destructuring: ``const {
    host } = cfg.admin``) or a member the file sets once (``cfg.admin.host = cfg.admin.host ||
    'localhost'``) or, with ``ctx`` and ``rel``, that the file never sets and the settings
    module it imports gives (``_settings_value``). A plain literal is not enough
    (``defaulted``): tests pin ``'127.0.0.1'``, and so do apps a reverse proxy on the same
    host serves to everyone."""
    node = unwrap(node)
    if node is None or depth > 5:
        return False
    value = string_value(node)
    if value is not None:
        return defaulted and value.lower() in LOOPBACK_HOSTS
    if node.type == "binary_expression" \
            and text(node.child_by_field_name("operator")) in ("||", "??"):
        return loopback_host(node.child_by_field_name("right"), root, depth + 1, True, ctx, rel)
    if node.type == "identifier":
        found: list[Node] = []
        for decl in walk(root):
            if decl.type != "variable_declarator":
                continue
            bound = decl.child_by_field_name("name")
            init = decl.child_by_field_name("value")
            if bound is None:
                continue
            if bound.type == "identifier" and text(bound) == text(node):
                found.append(init if init is not None else decl)
            elif bound.type == "object_pattern" and init is not None and any(
                    part.type == "shorthand_property_identifier_pattern"
                    and text(part) == text(node) for part in bound.named_children):
                found.append(decl)  # `const { host } = cfg.admin`: cfg.admin.host
        if len(found) != 1 or any(use.parent is not None
                                  and use.parent.type == "assignment_expression"
                                  and use.parent.child_by_field_name("left") == use
                                  for use in walk(root) if use.type == "identifier"
                                  and text(use) == text(node)):
            return False
        if found[0].type == "variable_declarator":
            init = found[0].child_by_field_name("value")
            if init is None or init.type not in ("member_expression", "identifier"):
                return False
            return _member_loopback(f"{text(init)}.{text(node)}", root, depth + 1, defaulted,
                                    ctx, rel)
        return loopback_host(found[0], root, depth + 1, defaulted, ctx, rel)
    if node.type == "member_expression":
        return _member_loopback(text(node), root, depth + 1, defaulted, ctx, rel)
    return False


def _member_loopback(member: str, root: Node, depth: int, defaulted: bool,
                     ctx: ProjectContext | None, rel: str | None) -> bool:
    """Return True when the file assigns ``member`` (``cfg.admin.host``) exactly once, with a
    loopback host or a value falling back to one (``loopback_host``), or never and the
    settings module gives it such a value."""
    member = re.sub(r"\s+", "", member)
    writes = [n for n in walk(root) if n.type in ("assignment_expression",
                                                    "augmented_assignment_expression")
              and re.sub(r"\s+", "", text(n.child_by_field_name("left"))) == member]
    if not writes and ctx is not None and rel is not None:
        found = _settings_value(ctx, rel, member)
        return found is not None and loopback_host(found[0], found[1], depth, defaulted)
    if len(writes) != 1 or writes[0].type != "assignment_expression":
        return False
    return loopback_host(writes[0].child_by_field_name("right"), root, depth, defaulted,
                         ctx, rel)


def _settings_value(ctx: ProjectContext, rel: str, member: str) -> tuple[Node, Node] | None:
    """Return the value (and its file's root) the settings module that ``rel`` imports gives
    ``member`` (``Settings.internal.clsi.host``): a relative module, or a settings package
    (``_SETTINGS_PACKAGE``) read from ``config/settings.defaults.*``/``config/default.*`` of
    the app's package (when no other file of that folder names the setting). The module
    exports an object literal (``module.exports = { … }``, ``export default { … }``) holding
    the value under the member's path, and sets none of that path elsewhere."""
    base, *path = member.split(".")
    facts = ctx.facts.get(rel)
    if not path or facts is None or not all(re.fullmatch(r"[\w$]+", p) for p in path):
        return None
    module = next((imp.module for imp in facts.imports
                   if base in (imp.default, imp.namespace)), None)
    if module is None:
        return None
    if module.startswith("."):
        target = ctx.resolve_import(rel, module)
    elif _SETTINGS_PACKAGE.search(module):
        package = package_of(rel, ctx.package_dirs)
        found = [c for c in (posixpath.join(package, d) if package else d
                             for d in _SETTINGS_DEFAULTS) if ctx.read(c) is not None]
        target = found[0] if len(found) == 1 else None
        if target is not None:
            folder = posixpath.dirname(target)
            key = re.compile(rb"\b" + re.escape(path[-1].encode()) + rb"\b")
            try:
                others = sorted(os.listdir(os.path.join(ctx.info.root, folder)))
            except OSError:
                others = []
            if any(key.search(ctx.read(posixpath.join(folder, name)) or b"")
                   for name in others if posixpath.join(folder, name) != target):
                return None  # another settings file of the folder may set it
    else:
        return None
    data = ctx.read(target) if target is not None else None
    lang = JS_SUFFIXES.get(posixpath.splitext(target or "")[1])
    if data is None or lang is None:
        return None
    root = parse(lang, data).root_node
    exported: Node | None = None
    for node in walk(root):
        if node.type == "assignment_expression" \
                and text(node.child_by_field_name("left")).replace(" ", "") == "module.exports":
            exported = unwrap(node.child_by_field_name("right")) if exported is None else root
        elif node.type == "export_statement" and any(c.type == "default" for c in node.children):
            default = node.child_by_field_name("value") \
                or node.child_by_field_name("declaration")
            exported = unwrap(default) if exported is None else root
        elif node.type in ("assignment_expression", "augmented_assignment_expression"):
            left = re.sub(r"\s+", "", text(node.child_by_field_name("left")))
            for prefix in ("module.exports.", "exports."):
                if left.startswith(prefix) and path[:len(left[len(prefix):].split("."))] \
                        == left[len(prefix):].split("."):
                    return None  # `module.exports.internal = …`: set elsewhere too
    value: Node | None = exported
    for key_name in path:
        if value is None or value.type != "object":
            return None
        pairs = [p for p in code_children(value) if p.type == "pair" and
                 (string_value(p.child_by_field_name("key"))
                  or text(p.child_by_field_name("key"))) == key_name]
        if len(pairs) != 1 or any(c.type == "spread_element" for c in code_children(value)):
            return None
        value = unwrap(pairs[0].child_by_field_name("value"))
    return (value, root) if value is not None else None


def _imports_settings(data: bytes) -> bool:
    """Return True when the file may read its host from a settings module."""
    return re.search(rb"(?i)(?:settings|config)", data) is not None


def loopback_roots(ctx: ProjectContext) -> frozenset[str]:
    """Return the project files whose apps answer only on the loopback interface unless the
    operator configures another host: every Express app of the file is listened on in that
    file, each ``listen(port, host, …)`` with a host setting that defaults to a loopback host
    (``loopback_host``), and the file sets no ``trust proxy`` and exports no app that the
    project's code (not its tests) imports."""
    memo = ctx.extra.get("loopback:roots")
    if isinstance(memo, frozenset):
        return memo
    roots: set[str] = set()
    importers: dict[str, set[str]] = {}
    for facts in ctx.facts.values():
        if not is_test_file(facts.path):
            for imp in facts.imports:
                target = ctx.resolve_import(facts.path, imp.module)
                if target is not None:
                    importers.setdefault(target, set()).add(facts.path)
    for facts in ctx.app_files():
        if is_test_file(facts.path) or (facts.exports_app and importers.get(facts.path)):
            continue  # an app the project's code imports may be served elsewhere (tests aside)
        names = {app.name for app in facts.apps if app.kind == "app"}
        if not names or None in names:
            continue
        data = ctx.read(facts.path) or b""
        if b"listen" not in data or re.search(rb"trust\s*proxy", data):
            continue  # a proxy in front of it serves it to everyone
        lowered = data.lower()
        if not any(host.encode() in lowered for host in LOOPBACK_HOSTS) \
                and not _imports_settings(data):
            continue  # `loopback_host` finds its fallback here or in settings: none to find
        lang = JS_SUFFIXES.get(posixpath.splitext(facts.path)[1])
        if lang is None:
            continue
        root = parse(lang, data[3:] if data.startswith(b"\xef\xbb\xbf") else data).root_node
        listened: set[str] = set()
        loopback = True
        for call in walk(root):
            callee = call.child_by_field_name("function") \
                if call.type == "call_expression" else None
            if callee is None or callee.type != "member_expression" \
                    or text(callee.child_by_field_name("property")) != "listen":
                continue
            receiver = text(callee.child_by_field_name("object"))
            args = call.child_by_field_name("arguments")
            values = code_children(args) if args is not None else []
            if receiver not in names:
                if re.search(r"(?i)server|srv|http", receiver) and not (
                        len(values) >= 2
                        and loopback_host(values[1], root, ctx=ctx, rel=facts.path)):
                    loopback = False  # `http.createServer(app).listen(…)`: not read here
                continue  # another server listened on loopback too serves no one else
            listened.add(receiver)
            if len(values) < 2 or not loopback_host(values[1], root, ctx=ctx, rel=facts.path):
                loopback = False
        if loopback and listened == names:
            roots.add(facts.path)
    result = frozenset(roots)
    ctx.extra["loopback:roots"] = result
    return result


def _proxy_passes(ctx: ProjectContext) -> bool:
    """Return True when a reverse-proxy configuration of the repo (four folders deep at most,
    256 KB at most) passes requests on: it may pass them to the app on loopback."""
    from nodeharden._project import SKIP_DIRS, VENDOR_DIRS

    memo = ctx.extra.get("loopback:proxy")
    if isinstance(memo, bool):
        return memo
    found = False
    root = ctx.info.root.rstrip("/")
    for current, dirs, files in os.walk(root):
        depth = os.path.relpath(current, root).count(os.sep) + (current != root)
        dirs[:] = sorted(d for d in dirs
                         if depth < 4 and d not in SKIP_DIRS and d not in VENDOR_DIRS)
        for name in files:
            full = os.path.join(current, name)
            if not _PROXY_CONFIG_NAME.search(name):
                continue
            try:
                if os.path.getsize(full) > 256 * 1024:
                    continue
                with open(full, "rb") as handle:
                    found = found or _PROXY_PASS.search(handle.read()) is not None
            except OSError:
                continue
    ctx.extra["loopback:proxy"] = found
    return found


def internal_service(ctx: ProjectContext, rel: str) -> bool:
    """Return True when the apps of ``rel`` answer only programs on the same host until the
    operator exposes them: the file is a ``loopback_roots`` file, no file of its package
    renders a page, serves files, sets a cookie or keeps a session (``BROWSER_WORK``) or reads
    the headers a proxy adds, and no proxy configuration of the repo passes requests on."""
    if rel not in loopback_roots(ctx):
        return False
    package = package_of(rel, ctx.package_dirs)
    for other in sorted(ctx.facts):
        if is_test_file(other) or package_of(other, ctx.package_dirs) != package:
            continue
        data = ctx.read(other) or b""
        if BROWSER_WORK.search(data) or _FORWARDED.search(data):
            return False
    return not _proxy_passes(ctx)



def probes_on_loopback(root: Node, name: str) -> bool:
    """Return True when the app bound to ``name`` (once, in the file ``root``) answers only
    health checks, probes and metrics scrapes (every route a ``PROBE_PATH`` written out, its
    handlers written in the call) and listens on a loopback host written out
    (``metricsApp.listen(port, '127.0.0.1')``): a second app the scraper on the same host
    requests, whose answers reach no one else. Any other use of the name (a middleware, a
    mount, a hand-off, an export) keeps it served."""
    routes = listens = declared = 0
    for use in uses_of(root, name):
        parent = use.parent
        if parent is not None and parent.type == "variable_declarator" \
                and parent.child_by_field_name("name") == use:
            declared += 1
            continue
        call = parent.parent if parent is not None else None
        if parent is None or parent.type != "member_expression" \
                or parent.child_by_field_name("object") != use or call is None \
                or call.type != "call_expression" or call.child_by_field_name("function") != parent:
            return False
        method = text(parent.child_by_field_name("property"))
        args = [unwrap(a) for a in code_children(call.child_by_field_name("arguments") or call)]
        if method in HTTP_METHODS:  # a route (``PROBE_PATH`` ones only here)
            path = string_value(args[0]) if args and args[0] is not None else None
            if path is None or not PROBE_PATH.match(path) or len(args) < 2 or any(
                    a is None or a.type not in FUNCTION_TYPES for a in args[1:]):
                return False
            routes += 1
        elif method == "listen":
            if not any(a is not None and (string_value(a) or "").lower() in LOOPBACK_HOSTS
                       for a in args):
                return False
            listens += 1
        elif method not in ("set", "enable", "disable"):
            return False
    return declared == 1 and routes > 0 and listens > 0
