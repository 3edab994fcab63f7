"""security-txt: the app serves an RFC 9116 ``/.well-known/security.txt`` that has not expired."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tree_sitter import Node

from nodeharden._config import SecurityTxtOptions
from nodeharden._deployment import RUNTIME_IMAGE_SIGNAL
from nodeharden._express import AppFact, ArgFact, CallFact, FileFacts
from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._packagejson import declared_major
from nodeharden._parse import code_children, object_properties, parse, string_value, text, walk
from nodeharden._project import JS_SUFFIXES
from nodeharden._record import replace
from nodeharden._regex import lazy_pattern
from nodeharden._snippets import render_snippet
from nodeharden._style import Style
from nodeharden.rules._base import ProjectContext, Rule, is_test_file
from nodeharden.rules._edits import ImportRequest, add_imports, after_app_edit, can_extend
from nodeharden.rules._mounts import sub_apps

if TYPE_CHECKING:
    # datetime is imported where a date is worked out (an app with a security.txt, a fix):
    # its import is 1.5 ms of every check's start (issue 17).
    from datetime import datetime

ROUTE = "/.well-known/security.txt"
DEFAULT_PATH = ".well-known/security.txt"
PLACEHOLDER_CONTACT = "mailto:security@example.com"
PLACEHOLDER_NOTE = ("# nodeharden: PLACEHOLDER contact below: replace it with a real address "
                    "before deploying")
_FIELD_RE = lazy_pattern(r"^([A-Za-z-]+):\s*(.*?)\s*$")
_DOTFILES_ALLOW_RE = lazy_pattern(rb"dotfiles\s*:\s*['\"]allow['\"]")
SECURITY_MD_NAMES = ("SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md", "security.md")
_EMAIL_RE = lazy_pattern(r"(?<![\w.+%-])(?:mailto:)?([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+"
                       r"(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
_URL_RE = lazy_pattern(r"https://[^\s)<>\]\"'`]+")
_REPORTING_URL_RE = lazy_pattern(r"(?i)security|advisor|vulnerab|disclos|report|bounty")


def expires_value(days: int, now: datetime | None = None) -> str:
    """Return an RFC 9116 ``Expires`` value ``days`` ahead (midnight UTC, ISO 8601)."""
    from datetime import datetime, timedelta, timezone

    moment = (now or datetime.now(timezone.utc)) + timedelta(days=days)
    return moment.strftime("%Y-%m-%dT00:00:00.000Z")


def normalize_contact(contact: str) -> str:
    """Return a contact as an RFC 9116 URI (``mailto:`` for bare addresses)."""
    contact = contact.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*:", contact, re.IGNORECASE):
        return contact
    if "@" in contact:
        return f"mailto:{contact}"
    return contact


def configured_contact(ctx: ProjectContext) -> str | None:
    """Return the contact from ``.nodeharden.yml``, else the one SECURITY.md gives.

    Never package.json's ``author`` or ``maintainers``: a personal address that every fork
    would inherit, published as the project's security contact."""
    options: SecurityTxtOptions = ctx.info.config.security_txt
    if options.contact:
        return normalize_contact(options.contact)
    return security_md_contact(ctx)


_STRONG_REPORTING_RE = lazy_pattern(
    r"(?i)report (?:it|them|a|any|the|security|vulnerab)|privately|responsibl|disclos"
    r"|security (?:issue|vulnerab|report|contact|team)")
_WEAK_REPORTING_RE = lazy_pattern(r"(?i)report|security|vulnerab|contact")
_ELSEWHERE_RE = lazy_pattern(r"(?i)\bother\b|non-security|not (?:a )?security|for bugs\b")


def security_md_contact(ctx: ProjectContext) -> str | None:
    """Return the reporting address of the project's SECURITY.md: the email address or https
    URL on the line that says how to report a vulnerability ("report it privately via …"),
    not one for other products or non-security bugs; else its first email address, else its
    first https URL about reporting (a security advisory form, a disclosure page)."""
    for name in SECURITY_MD_NAMES:
        raw = ctx.read(name)
        if raw is None:
            continue
        body = raw.decode("utf-8", "replace")
        best: tuple[int, int, int, str] | None = None  # (-score, not email, order, contact)
        for order, line in enumerate(body.splitlines()):
            score = (3 if _STRONG_REPORTING_RE.search(line) else
                     1 if _WEAK_REPORTING_RE.search(line) else 0)
            if _ELSEWHERE_RE.search(line):
                score -= 3
            if score <= 0:
                continue
            found = [(0, normalize_contact(m.group(1))) for m in _EMAIL_RE.finditer(line)]
            found += [(1, m.group(0).rstrip(".,;:!?")) for m in _URL_RE.finditer(line)]
            for kind, contact in found:
                candidate = (-score, kind, order, contact)
                if best is None or candidate < best:
                    best = candidate
        if best is not None and best[0] <= -3:
            return best[3]
        email = _EMAIL_RE.search(body)
        if email:
            return normalize_contact(email.group(1))
        for match in _URL_RE.finditer(body):
            url = match.group(0).rstrip(".,;:!?")
            if _REPORTING_URL_RE.search(url):
                return url
    return None


def security_txt(options: SecurityTxtOptions, contact: str | None,
                 now: datetime | None = None) -> str:
    """Return the text of a new security.txt."""
    lines = []
    if contact is None:
        lines.append(PLACEHOLDER_NOTE)
    lines.append(f"Contact: {contact or PLACEHOLDER_CONTACT}")
    lines.append(f"Expires: {expires_value(options.expires_days, now)}")
    if options.policy:
        lines.append(f"Policy: {options.policy}")
    lines.append(f"Preferred-Languages: {options.languages}")
    return "\n".join(lines) + "\n"


def security_md(contact: str | None) -> str:
    """Return a SECURITY.md that explains how to report a vulnerability."""
    shown = (contact or PLACEHOLDER_CONTACT).removeprefix("mailto:")
    note = ("\n> **Placeholder:** replace the address above (and in "
            "`.well-known/security.txt`) with a real one.\n" if contact is None else "")
    return f"""# Security policy

## Reporting a vulnerability

Please report security vulnerabilities privately to **{shown}**, not in a public issue.
Include what you found, how to reproduce it, and the impact you expect. We acknowledge reports
within a few working days and keep you updated until a fix is released.
{note}
The same contact is published in machine-readable form at `{ROUTE}` (RFC 9116).
"""


def parse_fields(text: str) -> list[tuple[int, str, str]]:
    """Return (line, field name lowercased, value) for each field of a security.txt."""
    fields: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        match = _FIELD_RE.match(line)
        if match:
            fields.append((number, match.group(1).lower(), match.group(2)))
    return fields


def _parse_expires(value: str) -> datetime | None:
    from datetime import datetime, timezone

    text = value.strip()
    if text[-1:] in ("z", "Z"):
        text = text[:-1] + "+00:00"  # Python 3.10's fromisoformat does not read "Z"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _configured(ctx: ProjectContext) -> bool:
    """Return True when ``.nodeharden.yml`` sets any option under ``security_txt:``: the user
    asked for a security.txt, whatever the project is."""
    return ctx.info.config.security_txt != SecurityTxtOptions()


def _served(ctx: ProjectContext, files: list[str], blocked: list[str]) -> bool:
    """Return True when the app serves security.txt: a route or mount at its path, a static
    folder allowing dotfiles, or a static folder that serves the file (``_static_serves``);
    ``blocked`` gets why a static folder holding it does not serve it in production."""
    for facts in ctx.facts.values():
        for call in facts.calls:
            if call.path is not None and (call.path.rstrip("/") in (ROUTE, "/.well-known")
                                          or call.path.startswith(ROUTE)):
                return True
        if files and _DOTFILES_ALLOW_RE.search(ctx.read(facts.path) or b""):
            return True
    return any(_static_serves(ctx, rel, blocked) for rel in files)


def _majors(ctx: ProjectContext, package: str) -> set[int]:
    """Return the major versions of ``package`` the project installs (its ``node_modules``, in
    the root or a package folder), else those its package.json files declare."""
    folders = ["", *ctx.package_dirs]
    installed: set[int] = set()
    for folder in folders:
        raw = ctx.read(posixpath.join(folder, "node_modules", package, "package.json"))
        try:
            version = json.loads(raw or b"").get("version")
        except (ValueError, AttributeError):
            continue
        match = re.match(r"\d+", version) if isinstance(version, str) else None
        if match:
            installed.add(int(match.group()))
    if installed:
        return installed
    declared = [{"dependencies": dict(ctx.info.dependencies)}]
    for package_file in ctx.files_of("package"):
        try:
            data = json.loads(ctx.read(package_file.rel) or b"")
        except ValueError:
            continue
        if isinstance(data, dict):
            declared.append(data)
    return {m for data in declared if (m := declared_major(data, package)) is not None}


def _legacy_dotfiles(ctx: ProjectContext, module: str, seen: dict[str, set[int]]) -> bool:
    """Return True when ``express.static`` (``module`` express) or ``serve-static`` serves a
    file inside a dot-folder: Express 4 and serve-static 1 use send 0.x, whose default (no
    ``dotfiles`` option) ignores only a path whose LAST segment starts with a dot, so
    ``public/.well-known/security.txt`` is served; Express 5 and serve-static 2 (send 1.x)
    ignore every path with a dot segment. Unknown versions count as the newer behaviour."""
    if module not in seen:
        seen[module] = _majors(ctx, module)
    majors = seen[module]
    newer = 5 if module == "express" else 2
    return bool(majors) and max(majors) < newer


def _static_mounts(facts: FileFacts) -> list[tuple[CallFact, ArgFact, str]]:
    """Return the ``use`` calls that mount ``express.static(...)`` or ``serve-static(...)``
    directly, with the static call's argument and its module."""
    express = facts.locals_of("express")
    serve_static = facts.locals_of("serve-static")
    found = []
    for call in facts.uses():
        for arg in call.args:
            if arg.kind != "call":
                continue
            obj, _, prop = arg.name.rpartition(".")
            if prop == "static" and obj in express:
                found.append((call, arg, "express"))
            elif arg.name in serve_static:
                found.append((call, arg, "serve-static"))
    return found


def _static_serves(ctx: ProjectContext, txt_rel: str, blocked: list[str]) -> bool:
    """Return True when a static mount serves ``txt_rel`` (``<root>/.well-known/security.txt``)
    at ``/.well-known/security.txt``: its folder is ``<root>`` (a path of string literals,
    from the mounting file's folder with ``__dirname``/``import.meta``, else from the project
    or a package folder, where the app runs), it is mounted at ``/`` (no path, ``'/'``, or a
    non-literal path that also prefixes the app's other routes, its base path), and the
    static module serves dot-folders: Express 4 / serve-static 1 unless ``dotfiles`` is
    ``'ignore'`` or ``'deny'``, any version with ``dotfiles: 'allow'``; and a request reaches
    it in production (``_reached``: else ``blocked`` gets why not)."""
    root_dir, sep, rest = ("/" + txt_rel).rpartition("/.well-known/")
    if not sep or "/" in rest:
        return False
    root_dir = root_dir.removeprefix("/")
    majors: dict[str, set[int]] = {}
    trees: dict[str, Node | None] = {}
    for rel, facts in ctx.facts.items():
        source: bytes | None = None
        for call, arg, module in _static_mounts(facts):
            source = source if source is not None else (ctx.read(rel) or b"")
            parsed = _static_call(source[arg.start:arg.end])
            if parsed is None:
                continue
            folder, dotfiles, from_module = parsed
            if dotfiles != "allow" and (dotfiles is not None
                                        or not _legacy_dotfiles(ctx, module, majors)):
                continue
            bases = [posixpath.dirname(rel)] if from_module else ["", *ctx.package_dirs]
            if not any(posixpath.normpath(posixpath.join(base, folder)) == (root_dir or ".")
                       for base in bases):
                continue
            if not _mounted_at_base(source, call, arg):
                continue
            why = _reached(ctx, rel, source, facts, call, trees)
            if why is None:
                return True
            blocked.append(f"the static folder mounted at {rel}:{call.line} holds it, but {why}")
    return False


#: Packages whose middleware passes a GET of a static file on (``next()``): parsers, headers,
#: logging, sessions, compression, CORS (it answers only preflights), CSRF (it checks only
#: unsafe methods), rate limiting (only over quota). ``passport`` only for ``initialize`` and
#: ``session``; ``passport.authenticate`` answers 401.
_PASS_THROUGH = frozenset({
    "express", "body-parser", "helmet", "cors", "morgan", "compression", "cookie-parser",
    "express-session", "cookie-session", "connect-flash", "express-flash", "method-override",
    "serve-favicon", "serve-static", "response-time", "express-ejs-layouts", "pino-http",
    "express-pino-logger", "express-winston", "hpp", "xss-clean", "express-mongo-sanitize",
    "nocache", "express-useragent", "request-ip", "express-fileupload", "connect-livereload",
    "express-request-id", "express-http-context", "express-rate-limit", "express-slow-down",
    "csurf", "lusca", "express-prom-bundle", "i18n", "passport"})
_PASSPORT_PASS = frozenset({"initialize", "session"})
#: Response methods: a middleware calling one may answer instead of passing the request on.
_RESPONDS = frozenset({"send", "sendStatus", "status", "json", "jsonp", "end", "redirect",
                       "render", "sendFile", "download", "writeHead", "format"})
#: Route paths that match every path (``app.all('*', …)``); ``use`` also sees every path at
#: ``'/'``.
_ALL_PATHS = frozenset({"*", "/*", "(.*)", "/(.*)", "*all", "/*all", "/{*splat}", "{*splat}"})
_PRODUCTION = "production"


def _reached(ctx: ProjectContext, rel: str, source: bytes, facts: FileFacts, mount: CallFact,
             trees: dict[str, Node | None]) -> str | None:
    """Return None when a request for the file reaches static ``mount`` in production, else why
    not (to say so): the mount runs under a condition that does not hold in production
    (``if (process.env.NODE_ENV === 'development')``, or one the rule cannot read), or an
    earlier middleware of the same app that sees every path (``app.use(fn)``, ``app.use('/',
    fn)``, ``app.all('*', fn)``) may answer first: a function of the file that calls a response
    method or never calls ``next``, or one the rule cannot see into (imported from the
    project, a package that is no known pass-through, a member), as ``guard(…)``."""
    if rel not in trees:
        lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
        tree = parse(lang, source) if lang is not None else None
        trees[rel] = tree.root_node if tree is not None else None
    root = trees[rel]
    if root is None:
        return "its module could not be read"
    node = root.descendant_for_byte_range(mount.start, mount.end)
    while node is not None and node.type != "call_expression":
        node = node.parent
    if node is None:
        return "its module could not be read"
    condition = _condition(node)
    if condition is not None:
        return f"it is mounted only when {condition[0]}"
    modules = {name: imp.module for imp in facts.imports for name in imp.locals()}
    for call in facts.calls:
        if call.start >= mount.start or call.target != mount.target or \
                call.method not in ("use", "all", "get"):
            continue
        first = call.args[0] if call.args else None
        if first is not None and first.kind == "string":
            every = call.path in _ALL_PATHS or call.method == "use" and call.path == "/"
            if not every:
                continue
            handlers = call.args[1:]
        elif call.method != "use" or first is None or first.kind in ("member", "identifier") \
                and _is_path(source, first):
            continue  # a route without a path string, or a middleware under a path
        else:
            handlers = call.args
        node = root.descendant_for_byte_range(call.start, call.end)
        condition = _condition(node) if node is not None else None
        if condition is not None and condition[1]:
            continue  # never runs in production
        for arg in handlers:
            if _may_answer(root, source, arg, modules, facts):
                return f"middleware mounted before it (line {call.line}) may answer first"
    return None


def _is_path(source: bytes, arg: ArgFact) -> bool:
    """Return True when a member or name argument reads like a mount path (``config.basePath``,
    ``BASE_URL``): a path name, not a middleware."""
    name = source[arg.start:arg.end].decode("utf-8", "replace").rsplit(".", 1)[-1]
    return re.search(r"(?i)(path|prefix|url|route|base|mount)s?$", name) is not None


def _may_answer(root: Node, source: bytes, arg: ArgFact, modules: dict[str, str],
                facts: FileFacts) -> bool:
    """Return True when middleware ``arg`` may answer a GET instead of passing it on."""
    if arg.kind == "function":
        if arg.params == 4:
            return False  # an error handler: runs only after an error
        node = root.descendant_for_byte_range(arg.start, arg.end)
        return node is None or _answers(node)
    if arg.kind == "call":
        return _call_may_answer(arg.name, modules)
    if arg.kind == "identifier":
        module = modules.get(arg.name)
        if module is not None:
            return module not in _PASS_THROUGH or module == "passport"
        local = _local_value(root, arg.name)
        if local is not None and local.type in ("function_declaration", "arrow_function",
                                                "function_expression", "function"):
            return _answers(local)
        if local is not None and local.type == "call_expression":
            # const limiter = rateLimit({...}); app.use(limiter)
            callee = text(local.child_by_field_name("function"))
            if callee.endswith("Router"):
                return not _local_router(facts, arg.name)
            return _call_may_answer(callee, modules)
        return local is not None or not _local_router(facts, arg.name)
    return True


def _call_may_answer(callee: str, modules: dict[str, str]) -> bool:
    """Return True unless ``callee(…)`` makes a middleware of a known pass-through package
    (``helmet()``, ``express.json()``, ``passport.initialize()``,
    ``require('morgan')('dev')``)."""
    base, _, rest = callee.partition(".")
    required = re.fullmatch(r"require\(\s*['\"]([^'\"]+)['\"]\s*\)(?:\.(\w+))?", callee)
    if required is not None:
        modules = {**modules, base: required.group(1)}
        rest = required.group(2) or ""
    module = modules.get(base)
    if module == "passport":
        return rest not in _PASSPORT_PASS
    return module not in _PASS_THROUGH


#: The last module's declarations by name (``_local_value``): one walk per module.
_DECLARED: list[tuple[Node, dict[str, list[Node]]]] = []


def _local_value(root: Node, name: str) -> Node | None:
    """Return what the module's one declaration of ``name`` holds (a function declaration
    itself, or a declarator's value), else None (none, several, or one without a value)."""
    if not _DECLARED or _DECLARED[0][0] != root:
        index: dict[str, list[Node]] = {}
        for node in walk(root):
            if node.type in ("function_declaration", "variable_declarator"):
                key = node.child_by_field_name("name")
                if key is not None and key.type == "identifier":
                    index.setdefault(text(key), []).append(node)
        _DECLARED[:] = [(root, index)]
    found = _DECLARED[0][1].get(name, [])
    if len(found) != 1:
        return None
    node = found[0]
    return node if node.type == "function_declaration" else node.child_by_field_name("value")


def _local_router(facts: FileFacts, name: str) -> bool:
    """Return True when ``name`` is a router of this module (``express.Router()``) that mounts
    no middleware of its own for every path: its routes answer their own paths only."""
    if not any(app.name == name and app.kind == "router" for app in facts.apps):
        return False
    return not any(call.target == name and call.method in ("use", "all") for call in facts.calls)


def _answers(func: Node) -> bool:
    """Return True when function ``func`` (a middleware ``(req, res, next)``) may answer: it
    calls a response method on its second parameter, passes an error to ``next``, throws, or
    never calls ``next``; unreadable parameters count as answering."""
    params = func.child_by_field_name("parameters")
    names = [text(p) for p in code_children(params)] if params is not None else []
    if params is None and func.child_by_field_name("parameter") is not None:
        names = [text(func.child_by_field_name("parameter"))]
    if len(names) < 2 or not all(re.fullmatch(r"[\w$]+", n) for n in names[:3]):
        return True
    req, res = names[0], names[1]
    nxt = names[2] if len(names) > 2 else None
    calls_next = False
    for node in walk(func):
        if node.type == "throw_statement" and not _for_other_paths(node, func, req):
            return True
        if node.type != "call_expression":
            continue
        fn = node.child_by_field_name("function")
        if fn is None:
            continue
        if fn.type == "identifier" and text(fn) == nxt:
            args = node.child_by_field_name("arguments")
            if args is not None and code_children(args) and \
                    not _for_other_paths(node, func, req):
                return True  # next(err): the error handler answers
            calls_next = True
        elif fn.type == "member_expression":
            obj = fn.child_by_field_name("object")
            while obj is not None and obj.type == "call_expression":  # res.status(401).send()
                inner = obj.child_by_field_name("function")
                obj = inner.child_by_field_name("object") if inner is not None and \
                    inner.type == "member_expression" else None
            if obj is not None and text(obj) == res and \
                    text(fn.child_by_field_name("property")) in _RESPONDS and \
                    not _for_other_paths(node, func, req):
                return True
    return not calls_next


def _for_other_paths(node: Node, func: Node, req: str) -> bool:
    """Return True when ``node`` of middleware ``func`` runs only for request paths other than
    ``/.well-known/security.txt``: inside the consequence of an ``if`` (or ``&&``, ternary)
    whose test requires the path to start with, hold or equal text that path does not
    (``req.path.indexOf(base + '/images/') === 0``)."""
    while node.parent is not None and node != func:
        parent = node.parent
        test: Node | None = None
        if parent.type in ("if_statement", "ternary_expression") and \
                parent.child_by_field_name("consequence") == node:
            test = parent.child_by_field_name("condition")
        elif parent.type == "binary_expression" and \
                parent.child_by_field_name("right") == node and \
                text(parent.child_by_field_name("operator")) == "&&":
            test = parent.child_by_field_name("left")
        if test is not None and _other_path(test, req):
            return True
        node = parent
    return False


def _other_path(test: Node, req: str) -> bool:
    """Return True when ``test`` holds only for request paths that are not ``ROUTE``."""
    while test.type == "parenthesized_expression" and test.named_children:
        test = test.named_children[-1]
    if test.type == "binary_expression":
        op = text(test.child_by_field_name("operator"))
        left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
        if left is None or right is None:
            return False
        if op == "&&":
            return _other_path(left, req) or _other_path(right, req)
        if op == "||":
            return _other_path(left, req) and _other_path(right, req)
        if op in ("===", "=="):
            if _path_read(left, req) and right.type == "string":
                return string_value(right) != ROUTE
            if left.type == "call_expression" and text(right) == "0":
                return _path_test(left, req, ("indexOf",))
        if op in ("!==", "!=", ">") and text(right) == "-1" or op == ">=" and text(right) == "0":
            return left.type == "call_expression" and _path_test(left, req, ("indexOf",))
        return False
    return test.type == "call_expression" and _path_test(test, req, ("startsWith", "includes"))


def _path_read(node: Node, req: str) -> bool:
    return text(node) in (f"{req}.path", f"{req}.url", f"{req}.originalUrl")


def _path_test(call: Node, req: str, methods: tuple[str, ...]) -> bool:
    """Return True for ``req.path.<method>(… + 'text')`` whose last written text is not part
    of ``ROUTE``."""
    fn = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    if fn is None or fn.type != "member_expression" or args is None or \
            text(fn.child_by_field_name("property")) not in methods or \
            not _path_read(fn.child_by_field_name("object") or fn, req):
        return False
    values = code_children(args)
    if not values:
        return False
    last = values[0]
    while last.type == "binary_expression" and \
            text(last.child_by_field_name("operator")) == "+":
        last = last.child_by_field_name("right") or last
    written = string_value(last) if last.type == "string" else None
    return written is not None and written != "" and written not in ROUTE


def _condition(call: Node) -> tuple[str, bool] | None:
    """Return the condition under which ``call`` runs that is not known to hold in production
    (its text, and whether it is known NOT to hold there), or None when it runs
    unconditionally or under ones that hold there (a ``NODE_ENV`` test against
    ``'production'``)."""
    node = call
    while node.parent is not None:
        parent = node.parent
        test: Node | None = None
        wanted = True
        if parent.type == "if_statement":
            test = parent.child_by_field_name("condition")
            wanted = parent.child_by_field_name("consequence") == node
        elif parent.type == "else_clause":
            node = parent
            continue
        elif parent.type == "ternary_expression" and \
                parent.child_by_field_name("condition") != node:
            test = parent.child_by_field_name("condition")
            wanted = parent.child_by_field_name("consequence") == node
        elif parent.type == "binary_expression" and \
                parent.child_by_field_name("right") == node and \
                text(parent.child_by_field_name("operator")) in ("&&", "||", "??"):
            test = parent.child_by_field_name("left")
            wanted = text(parent.child_by_field_name("operator")) == "&&"
        elif parent.type in ("switch_case", "switch_default", "catch_clause"):
            return text(parent).split("\n", 1)[0][:60], False
        if test is not None:
            value = _in_production(test)
            if value is not wanted:
                return text(test)[:60], value is not None
        node = parent
    return None


def _in_production(test: Node) -> bool | None:
    """Return the value of ``test`` when ``NODE_ENV`` is ``production``: a comparison of the
    environment's name (``process.env.NODE_ENV``, ``app.get('env')``, a name or member ending
    in ``env``/``NODE_ENV``/``environment``) with a string, negated or in parentheses; None for
    any other test."""
    while test.type == "parenthesized_expression" and test.named_children:
        test = test.named_children[-1]
    if test.type == "unary_expression" and text(test.child_by_field_name("operator")) == "!":
        inner = _in_production(test.child_by_field_name("argument") or test)
        return None if inner is None else not inner
    if test.type != "binary_expression":
        return None
    op = text(test.child_by_field_name("operator"))
    if op not in ("===", "==", "!==", "!="):
        return None
    left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
    if left is None or right is None:
        return None
    if left.type == "string":
        left, right = right, left
    value = string_value(right) if right.type == "string" else None
    if value is None or not _environment_name(left):
        return None
    return (value == _PRODUCTION) == (op in ("===", "=="))


def _environment_name(node: Node) -> bool:
    """Return True for what reads the environment's name: ``process.env.NODE_ENV``,
    ``app.get('env')``, or a name or member whose last part is ``NODE_ENV``, ``env``,
    ``environment`` or ``nodeEnv``."""
    code = text(node).replace(" ", "")
    if re.fullmatch(r"[\w$]+\.get\(['\"]env['\"]\)", code):
        return True
    last = re.split(r"[.\[\]'\"]+", code.strip("[]'\""))
    return bool(last) and last[-1].lower() in ("node_env", "env", "environment", "nodeenv")


def _static_call(code: bytes) -> tuple[str, str | None, bool] | None:
    """Return (folder, ``dotfiles`` option or None, folder relative to the module) of a
    ``static(folder, options)`` call's source, or None when its folder is not built from string
    literals (``__dirname + '/public'``, ``path.join(__dirname, 'public')``, ``'public'``)."""
    tree = parse("javascript", code)
    call = next((n for n in walk(tree.root_node) if n.type == "call_expression"), None)
    args = call.child_by_field_name("arguments") if call is not None else None
    values = code_children(args) if args is not None else []
    if not values:
        return None
    first = values[0]
    parts: list[str] = []
    from_module = False
    for node in walk(first):
        if node.type == "identifier" and text(node) == "__dirname" or \
                node.type == "member_expression" and text(node) == "import.meta.dirname":
            from_module = True
        elif node.type == "string_fragment":
            parts.append(text(node))
        elif node.type == "identifier" and node.parent is not None \
                and node.parent.type == "arguments":
            return None  # a variable folder: unknown
    if not parts:
        return None
    folder = posixpath.normpath("/".join(p.strip("/") for p in parts if p.strip("/")) or ".")
    options = values[1] if len(values) > 1 and values[1].type == "object" else None
    dotfiles = string_value(object_properties(options).get("dotfiles")) \
        if options is not None else None
    if options is not None and "dotfiles" in object_properties(options) and dotfiles is None:
        dotfiles = "unknown"
    return folder, dotfiles, from_module


def _mounted_at_base(source: bytes, call: CallFact, arg: ArgFact) -> bool:
    """Return True when ``call`` mounts the static middleware at the app's root: no path, a
    path of ``/``, or a path expression that also starts other route paths of the file (the
    app's base path, set at deploy time: ``app.use(config.path, express.static(...))`` with
    ``app.get(config.path + '/login', ...)``)."""
    first = call.args[0]
    if first is arg:
        return True
    if first.kind == "string":
        return first.name.rstrip("/") == ""
    prefix = source[first.start:first.end].strip()
    if not prefix or first.kind not in ("identifier", "member"):
        return False
    name = re.escape(prefix)
    return re.search(rb"\.(?:get|post|put|patch|delete|all|use|route)\(\s*(?:" + name
                     + rb"\s*\+|`\$\{\s*" + name + rb"\s*\})", source) is not None


def _serving_code(app_rel: str, txt_rel: str, source: bytes, facts: FileFacts,
                  style: Style, ts_output: str, app_name: str, indent: str = ""
                  ) -> tuple[str, list[TextEdit]]:
    """Return the statements that read the file at start-up and serve it on ``app_name``
    (the shared snippet ``security-txt.js``, which also renders the template's
    ``src/security-txt.js``), and the import edits they need.

    The path is built from the module's own folder with ``path.join`` (``__dirname``, or
    ``fileURLToPath(import.meta.url)`` in ESM), a path eslint-plugin-security knows to be
    static: ``readFileSync(new URL(...))`` trips ``detect-non-literal-fs-filename``. The read
    is laid out as prettier prints it within the project's line width (``style.width``, at
    the app's ``indent``): on one line where it fits, else its arguments one a line, else the
    path's parts one a line too; without a known width, as it always was."""
    relative = posixpath.relpath(txt_rel, posixpath.dirname(app_rel) or ".")
    runs_as_esm = ts_output == "esm" if style.typescript else style.module == "esm"
    requests = [ImportRequest("node:fs", default="fs", members=("readFileSync",)),
                ImportRequest("node:path", default="path", members=("join", "dirname"))]
    if runs_as_esm:
        requests.append(ImportRequest("node:url", names=("fileURLToPath",)))
    imports = add_imports(source, facts, style, requests)
    names = {"readFileSync": imports.bindings[0].names["readFileSync"],
             "join": imports.bindings[1].names["join"],
             "dirname": imports.bindings[1].names["dirname"]}
    if runs_as_esm:
        names["fileURLToPath"] = imports.bindings[2].names["fileURLToPath"]
    # Line ends stay "\n" here: the edit is written in the file's own line ends later.
    read_file: dict[str, object] = {"parts": relative.split("/"), "esm": runs_as_esm, **names}
    layouts = ["args", "parts"] if runs_as_esm else ["line", "args", "parts"]
    if style.width is not None:
        unit = style.tab_width if style.indent == "\t" else len(style.indent)
        lead = sum(style.tab_width if c == "\t" else 1 for c in indent)
        for layout in layouts:
            read_file["layout"] = layout
            code = render_snippet("security-txt.js", replace(style, eol="\n"), app=app_name,
                                  read_file=read_file)
            statement = code.strip("\n").split("\n\n", 1)[0].split("\n")
            if all(lead + len(line.replace(style.indent, " " * unit)) <= style.width
                   for line in statement):
                break
    code = render_snippet("security-txt.js", replace(style, eol="\n"), app=app_name,
                          read_file=read_file)
    return code.strip("\n"), imports.edits


def _route_edit(source: bytes, facts: FileFacts, app: AppFact, code: str) -> TextEdit:
    """Return the edit that adds the serving ``code`` where the app's own public responses go
    through its global middleware (headers, rate limiting, caching) too: right before the first
    of the app's static mounts (``app.use(express.static(...))``) and routes in the block that
    creates the app (above the comment lines that precede it), set apart by blank lines; else
    right after the statement that creates the app. Empty lines stay empty
    (no indentation: ``no-trailing-spaces``)."""
    lines = [app.indent + line if line.strip() else "" for line in code.split("\n")]
    body = "".join(line + "\n" for line in lines)

    def at_app_level(call: CallFact) -> bool:
        return call.target == app.name and call.indent == app.indent \
            and call.start >= app.stmt_end

    first = min((call for call in [*(mount for mount, _, _ in _static_mounts(facts)),
                                   *facts.routes()] if at_app_level(call)),
                key=lambda call: call.start, default=None)
    if first is not None:
        at = source.rfind(b"\n", 0, first.stmt_start) + 1
        while at > app.stmt_end:
            above = source.rfind(b"\n", 0, at - 1) + 1
            line = source[above:at].strip()
            if not line.startswith((b"//", b"/*", b"*")):
                break
            at = above
        preceding = source[source.rfind(b"\n", 0, max(at - 1, 0)) + 1:at]
        return TextEdit(at, at, ("\n" if at and preceding.strip() else "") + body + "\n")
    return after_app_edit(source, app, ["\n".join(lines)[len(app.indent):]])


def _entry_points(ctx: ProjectContext) -> set[str]:
    """Return the files package.json's ``main`` and ``start`` script name (normalised)."""
    data = ctx.package_json
    names: list[str] = []
    if isinstance(data.get("main"), str):
        names.append(data["main"])
    scripts = data.get("scripts")
    start = scripts.get("start") if isinstance(scripts, dict) else None
    if isinstance(start, str):
        names += re.findall(r"[\w./-]+\.[cm]?[jt]s\b", start)
    return {posixpath.normpath(n.removeprefix("./")) for n in names}


def _app_calls(facts: FileFacts) -> int:
    """Return how many calls on an app the file makes (``use``, routes, ``listen``)."""
    names = {a.name for a in facts.apps if a.kind == "app" and a.name}
    return sum(1 for call in facts.calls if call.target in names)


class SecurityTxt(Rule):
    """No security.txt served, or one that has expired."""

    id = "security-txt"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        files = sorted((f.rel for f in ctx.files_of("security-txt")),
                       key=lambda rel: (rel != DEFAULT_PATH, rel))
        for rel in files:
            yield from self._check_file(ctx, rel)
        blocked: list[str] = []
        if not ctx.uses_express() or _served(ctx, files, blocked):
            return
        # The file that creates the app, never a test that creates one of its own; with several,
        # one that no other app mounts (a sub-app answers behind its parent, which serves the
        # route), then the package's entry point, else the one that mounts the most middleware
        # and routes.
        entry = _entry_points(ctx)
        mounted = sub_apps(ctx, factories=True)
        apps = sorted((f for f in ctx.app_files() if not is_test_file(f.path)),
                      key=lambda f: (f.path in mounted, f.path not in entry, -_app_calls(f),
                                     f.path))
        if not apps:
            return
        facts = apps[0]
        deployed = None
        if not files and not _configured(ctx):
            # Only a deployed service has visitors to publish a contact to: a tutorial, demo
            # or boilerplate that people clone has none (and its clones must not publish the
            # upstream's contact).
            deployment = ctx.deployment
            if not deployment.is_service:
                return
            if deployment.self_hosted is not None:
                # Software that others host: each instance's operator is the contact for their
                # site, and the software's own channel for reports is its SECURITY.md.
                return
            # A Dockerfile alone does not say whose site the app is: self-hosted products and
            # training apps ship one for others to run. A deploy of the maintainers' own
            # (a platform file, a manifest, a CI deploy job) does, for the apps of the package
            # it deploys only: the first app, in the order above, of a package so deployed.
            for candidate in apps:
                own = [s for s in ctx.deployment_of(candidate.path).signals
                       if not s.endswith(RUNTIME_IMAGE_SIGNAL)]
                if own:
                    facts, deployed = candidate, own[0]
                    break
            else:
                return
        app = next(a for a in facts.apps if a.kind == "app")
        message = (f"the app serves no {ROUTE}: vulnerability reporters have no published "
                   "contact" + (f" (deployed as a service: {deployed})" if deployed else ""))
        if not files and configured_contact(ctx) is None:
            yield ctx.finding(
                self.id, facts.path, app.start, app.end,
                f"{message}; no contact is known (package.json authors are never published): "
                "add `contact: mailto:security@<your domain>` under `security_txt:` in "
                ".nodeharden.yml, or that address to SECURITY.md, and run `nodeharden fix`")
            return
        if blocked:
            message += f" ({blocked[0]})"
        guarded = any("may answer first" in why for why in blocked)
        # A route added after that middleware would be answered by it too: report only.
        yield ctx.finding(self.id, facts.path, app.start, app.end, message,
                          None if guarded else self._fix(ctx, facts, files))

    def _check_file(self, ctx: ProjectContext, rel: str) -> Iterable[Finding]:
        text = (ctx.read(rel) or b"").decode("utf-8", "replace")
        fields = parse_fields(text)
        if not any(name == "contact" for _, name, _ in fields):
            yield ctx.line_finding(self.id, rel, 1, "security.txt has no Contact field "
                                   "(RFC 9116 requires one)")
        expires = [(line, value) for line, name, value in fields if name == "expires"]
        options = ctx.info.config.security_txt
        if not expires:
            source = ctx.read(rel) or b""
            at = len(source)
            prefix = "" if source.endswith(b"\n") or not source else "\n"
            fix = Fix(title="Add an Expires field", applicability="safe", changes=(
                FileChange(rel, (TextEdit(at, at, f"{prefix}Expires: "
                                          f"{expires_value(options.expires_days)}\n"),)),))
            yield ctx.line_finding(self.id, rel, 1, "security.txt has no Expires field "
                                   "(RFC 9116 requires one)", fix)
            return
        line, value = expires[-1]
        moment = _parse_expires(value)
        from datetime import datetime, timezone

        now = datetime.now(timezone.utc)
        if moment is not None and now < moment:
            return
        source = ctx.read(rel) or b""
        start = sum(len(raw) + 1 for raw in source.split(b"\n")[:line - 1])
        value_at = source.index(value.encode(), start) if value else start
        fix = Fix(title="Move Expires to a year from now", applicability="safe",
                  changes=(FileChange(rel, (TextEdit(value_at, value_at + len(value.encode()),
                                                     expires_value(options.expires_days)),)),))
        if moment is None:
            message = f"security.txt Expires `{value}` is not an ISO 8601 date"
        else:
            message = "security.txt has expired: readers will treat its contacts as stale"
        yield ctx.line_finding(self.id, rel, line, message, fix)

    def _fix(self, ctx: ProjectContext, facts: FileFacts, files: list[str]) -> Fix | None:
        app = next(a for a in facts.apps if a.kind == "app")
        if not can_extend(app):
            return None
        source = ctx.read(facts.path) or b""
        style = ctx.styles[facts.path]
        contact = configured_contact(ctx)
        options = ctx.info.config.security_txt
        changes: list[FileChange] = []
        txt_rel = files[0] if files else DEFAULT_PATH
        if not files:
            changes.append(FileChange(txt_rel, (TextEdit(0, 0, security_txt(options, contact)),),
                                      create=True))
        if not any((ctx.read(name) is not None) for name in (
                "SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md", "security.md")):
            changes.append(FileChange("SECURITY.md", (TextEdit(0, 0, security_md(contact)),),
                                      create=True))
        code, edits = _serving_code(facts.path, txt_rel, source, facts, style,
                                    ctx.info.typescript_output, app.name or "app", app.indent)
        edits.append(_route_edit(source, facts, app, code))
        changes.insert(0, FileChange(facts.path, tuple(edits)))
        title = f"Add {DEFAULT_PATH} and serve it at {ROUTE}" if not files else \
            f"Serve {txt_rel} at {ROUTE}"
        return Fix(title=title, applicability="safe", changes=tuple(changes))


RULE = SecurityTxt()
