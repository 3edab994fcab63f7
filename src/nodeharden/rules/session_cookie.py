"""session-cookie: express-session and cookie-session with a custom cookie name and
secure/sameSite flags, no sessions stored for anonymous visitors.

Flags are judged against each library's effective defaults: both default ``httpOnly`` to true,
so a cookie without the key is HttpOnly and nothing is reported or written for it; neither sets
``SameSite``; express-session leaves ``Secure`` off, cookie-session sets it on HTTPS requests.

A project rule, because whether ``secure: 'auto'`` works behind a TLS-terminating proxy depends
on ``trust proxy``, which any file may set (or ``.nodeharden.yml`` may declare). The rule never
sets ``trust proxy`` itself: on an app reached directly that would let any client forge
``X-Forwarded-For`` (and ``req.ip``, which rate limiters key on). Without it, ``secure`` is a
finding of its own with an unsafe fix that says why.

The default cookie name is a finding of its own with an unsafe fix: renaming the cookie ends
every current session once and breaks clients that look for the cookie by name, so it must not
ride along with the safe flags fix. express-session also takes the name under its legacy alias
``key`` (``opts.name || opts.key``), which names the cookie as well. cookie-session's default
name is not reported while its cookie is signed (its default): the signature travels in a
companion ``<name>.sig`` cookie, which tells the library whatever the name.

express-session passes ``cookie.sameSite`` on to Set-Cookie only from 1.14.1 (1.14.0 moved to
cookie@0.3.1, which knows the attribute, but its session cookie dropped it until 1.14.1): when
the lockfile or the declared range holds only older releases, the fix leaves ``sameSite`` out
and the finding says to upgrade first, rather than write an option that changes nothing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from tree_sitter import Node

from nodeharden._express import FileFacts
from nodeharden._model import Applicability, FileChange, Finding, Fix, TextEdit
from nodeharden._parse import (
    CALLS_QUERY,
    CASTS,
    FUNCTION_TYPES,
    arguments_of,
    captures,
    code_children,
    has_spread,
    object_properties,
    parse,
    string_value,
    text,
    unwrap,
)
from nodeharden._project import JS_SUFFIXES, files_with_suffix
from nodeharden._record import record, replace
from nodeharden._regex import lazy_pattern
from nodeharden.rules._base import ProjectContext, Rule, is_test_file
from nodeharden.rules._edits import (
    add_properties,
    assigned_properties,
    has_comments,
    resolve_object,
)

EXPRESS_SESSION = "express-session"
COOKIE_SESSION = "cookie-session"
DEFAULT_NAMES = {EXPRESS_SESSION: "connect.sid", COOKIE_SESSION: "session"}

#: express-session's legacy alias of ``name`` (``opts.name || opts.key || 'connect.sid'``).
NAME_ALIASES = {EXPRESS_SESSION: ("name", "key"), COOKIE_SESSION: ("name",)}
#: The first express-session release that writes ``cookie.sameSite`` into Set-Cookie.
SAME_SITE_SINCE = (1, 14, 1)



@record
class _Options:
    """Where a session call's options live and how far the fix can trust them."""

    node: Node
    declared: bool  # a variable declared elsewhere in the file, not the call's own argument
    # Keys the file sets later on that variable (`sess.name = …`) and on its cookie
    # (`sess.cookie.secure = true`, express-session's README pattern for production).
    assigned: frozenset[str] = frozenset()
    cookie_assigned: frozenset[str] = frozenset()


@record
class _Spread:
    """A ``...name`` in the options object: where it stands, the variable it spreads, and that
    variable's keys when the file declares it as an object literal (None: not visible here)."""

    start: int
    name: str | None
    keys: frozenset[str] | None = None
    cookie: Node | None = None  # the spread object's own `cookie` value, when it has one
    cookie_assigned: frozenset[str] = frozenset()



def _reads_cookie_name(ctx: ProjectContext, name: str, rel: str, call: Node) -> str:
    """Return the first project file (``file:line``) whose code names the session cookie
    ``name`` as a string (``req.cookies['connect.sid']``, a check that skips CSRF without it),
    outside the session call itself; "" when none does. A plain word (cookie-session's
    ``session``) counts only where code reads or clears a cookie by it (``cookies['session']``,
    ``cookies.get('session')``, ``clearCookie('session')``): other strings share the word."""
    prefix = rb"" if re.search(r"\W", name) else \
        rb"(?:[cC]ookies?\s*(?:\[|\.\s*\w+\s*\()|[cC]ookie\s*\()\s*"
    quoted = re.compile(prefix + rb"""(['"`])""" + re.escape(name.encode()) + rb"\1")
    for other in sorted(ctx.facts):
        source = ctx.read(other) or b""
        for match in quoted.finditer(source):
            if other == rel and call.start_byte <= match.start() < call.end_byte:
                continue
            line = source.count(b"\n", 0, match.start()) + 1
            return f"{other}:{line}"
    return ""


def _spreads(root: Node, obj: Node) -> list[_Spread]:
    """Return the spreads of the object literal ``obj``, each resolved one level: a variable the
    file declares once as an object literal without spreads of its own gives its keys (and
    those the file assigns on it later); anything else is not visible here."""
    found: list[_Spread] = []
    for child in obj.named_children:
        if child.type != "spread_element":
            continue
        inner = unwrap(child.named_children[0]) if child.named_children else None
        if inner is None or inner.type != "identifier":
            found.append(_Spread(child.start_byte, None))
            continue
        name = text(inner)
        declared = resolve_object(root, name)
        if declared is None or has_spread(declared):
            found.append(_Spread(child.start_byte, name))
            continue
        props = object_properties(declared)
        cookie = props.get("cookie")
        found.append(_Spread(
            child.start_byte, name,
            keys=frozenset(props) | frozenset(assigned_properties(root, name)),
            cookie=unwrap(cookie, CASTS) if cookie is not None else None,
            cookie_assigned=frozenset(assigned_properties(root, name, ("cookie",)))))
    return found


def _cookie_spreads(root: Node, obj: Node) -> tuple[frozenset[str], _Spread | None]:
    """Return the keys the spreads inside a cookie object literal set (``...defaults``,
    ``...sess.cookie``, for objects this file declares), and the first spread whose keys this
    file does not show, or None."""
    keys: set[str] = set()
    for child in obj.named_children:
        if child.type != "spread_element":
            continue
        inner = unwrap(child.named_children[0]) if child.named_children else None
        owner = inner.child_by_field_name("object") \
            if inner is not None and inner.type == "member_expression" else inner
        field = inner.child_by_field_name("property") \
            if inner is not None and owner is not inner else None
        declared = resolve_object(root, text(owner)) \
            if owner is not None and owner.type == "identifier" else None
        path: tuple[str, ...] = (text(field),) if field is not None else ()
        if declared is not None and path:
            declared = unwrap(object_properties(declared).get(path[0]))
        if declared is None or declared.type != "object" or has_spread(declared):
            return frozenset(keys), _Spread(child.start_byte, text(inner) if inner else None)
        keys |= set(object_properties(declared)) \
            | set(assigned_properties(root, text(owner), path))
    return frozenset(keys), None


def _signed(opts: _Options, spreads: list[_Spread]) -> bool:
    """Return True when cookie-session's options leave ``signed`` to its default (true) or set
    it to a literal ``true``: its cookie then comes with a ``<name>.sig`` companion. A
    ``signed`` of any other value, assigned later or carried by a spread this file declares
    may switch signing off, so it is not taken as signed."""
    value = object_properties(opts.node).get("signed")
    if value is not None:
        return unwrap(value, CASTS).type == "true"
    return "signed" not in opts.assigned \
        and not any(s.keys is not None and "signed" in s.keys for s in spreads)


def _shown(spread: _Spread) -> str:
    """Return how a message names a spread: ```...opts``` or `a spread`."""
    return f"`...{spread.name}`" if spread.name else "a spread"


def _spread_sets(spreads: list[_Spread], key: str, after: int = -1) -> _Spread | None:
    """Return the last spread standing after byte ``after`` that sets ``key`` or may set it
    (one whose keys are not visible here), or None."""
    hits = [s for s in spreads if s.start > after and (s.keys is None or key in s.keys)]
    return hits[-1] if hits else None


def sets_trust_proxy(ctx: ProjectContext) -> bool:
    """Return True when any file sets or enables Express's ``trust proxy``."""
    for facts in ctx.facts.values():
        for call in facts.calls:
            if call.method in ("set", "enable", "disable") and call.args \
                    and call.args[0].kind == "string" and call.args[0].name == "trust proxy":
                return True
    return False


def _session_module(fn: Node, locals_: dict[str, str]) -> str | None:
    """Return the session module ``fn`` (a call's callee) is: a local bound to it, or the
    module itself (``require('cookie-session')(…)``); None for anything else."""
    if fn.type == "identifier":
        return locals_.get(text(fn))
    if fn.type == "call_expression" and text(fn.child_by_field_name("function")) == "require":
        args = fn.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        module = string_value(first)
        return module if module in DEFAULT_NAMES else None
    return None


def _exclusive(source: bytes, edits: list[TextEdit]) -> list[TextEdit]:
    """Return ``edits`` with the last one, when it is a pure insertion, widened to replace one
    ASCII byte next to it, so two fixes inserting at the same point overlap (the engine writes
    one per pass) instead of landing side by side."""
    if not edits or edits[-1].start != edits[-1].end:
        return edits
    e = edits[-1]
    if e.start < len(source) and source[e.start] < 0x80:
        wide = TextEdit(e.start, e.start + 1, e.content + source[e.start:e.start + 1].decode())
    elif e.start > 0 and source[e.start - 1] < 0x80 and all(o.end < e.start for o in edits[:-1]):
        wide = TextEdit(e.start - 1, e.start, source[e.start - 1:e.start].decode() + e.content)
    else:
        return edits
    return [*edits[:-1], wide]


def _fenced(obj: Node, edits: list[TextEdit]) -> list[TextEdit]:
    """Return ``edits`` to the object literal ``obj``, widened to replace its opening brace when
    the object has no members yet.

    The name fix and the flags fix both fill an empty ``{}``; two insertions at one point would
    not count as overlapping and would land side by side without a comma. Replacing the brace
    makes them overlap, so the engine applies one and offers the other in its next pass, where
    it adds to a non-empty object.
    """
    if code_children(obj):
        return edits
    brace = obj.start_byte
    return [TextEdit(brace, e.end, "{" + e.content) if e.start == brace + 1 else e
            for e in edits]


_VERSION_RE = lazy_pattern(r"(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?")
#: A yarn.lock entry's version, ``{package}`` filled in (escaped) by ``_locked_version``.
_YARN_LOCK = r'^"?{package}@[^\n]*:\r?\n(?:[ \t]+[^\n]*\r?\n)*?[ \t]+version:?\s+"?([\d.]+)'


def _locked_version(ctx: ProjectContext, package: str) -> tuple[int, ...] | None:
    """Return the version of ``package`` that the root lockfile (package-lock.json,
    npm-shrinkwrap.json or yarn.lock) installs, or None when none says."""
    for name in ("npm-shrinkwrap.json", "package-lock.json"):
        raw = ctx.read(name)
        if raw is None:
            continue
        try:
            lock = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(lock, dict):
            continue
        packages, dependencies = lock.get("packages"), lock.get("dependencies")
        entry = (packages.get(f"node_modules/{package}") if isinstance(packages, dict) else None) \
            or (dependencies.get(package) if isinstance(dependencies, dict) else None)
        version = entry.get("version") if isinstance(entry, dict) else None
        if isinstance(version, str) and (m := _VERSION_RE.match(version)):
            return tuple(int(g) for g in m.groups() if g is not None and g.isdigit())
    raw = ctx.read("yarn.lock")
    if raw is not None:
        m = re.search(_YARN_LOCK.replace("{package}", re.escape(package)),
                      raw.decode("utf-8", "replace"), re.MULTILINE)
        if m is not None:
            return tuple(int(p) for p in m.group(1).split(".") if p.isdigit())
    return None


def _range_below(declared: str, since: tuple[int, int, int]) -> bool:
    """Return True when every version the simple npm range ``declared`` allows is older than
    ``since``: an exact version, a ``~``/``x`` range within one older minor, a ``^0.x`` range or
    a ``<`` bound. Any other range (``^1.12.0`` installs the newest 1.x) is not below."""
    spec = declared.strip()
    if not spec or any(c in spec for c in " |") or spec.startswith((">", "*")):
        return False
    m = re.fullmatch(r"(<=?|\^|~|=|v)?\s*v?" + _VERSION_RE.pattern, spec)
    if m is None:
        return False
    op = m.group(1) or ""
    major = int(m.group(2))
    minor = int(m.group(3)) if m.group(3) and m.group(3).isdigit() else None
    patch = int(m.group(4)) if m.group(4) and m.group(4).isdigit() else None
    if op == "<":
        return (major, minor or 0, patch or 0) <= since
    if op == "<=":  # allows the bound itself
        return (major, minor or 0, patch or 0) < since
    if op == "^":
        return major == 0 and since[0] > 0
    if minor is None:
        return major < since[0]
    if op == "~" or patch is None:
        return (major, minor) < since[:2]
    return (major, minor, patch) < since


def drops_same_site(ctx: ProjectContext) -> str | None:
    """Return the express-session version the project is held to when that release drops
    ``cookie.sameSite`` (older than 1.14.1), from the lockfile first, else the declared range;
    None when the option works or nothing says which release runs."""
    locked = _locked_version(ctx, EXPRESS_SESSION)
    if locked is not None:
        return ".".join(map(str, locked)) if locked < SAME_SITE_SINCE else None
    pkg = ctx.package_json
    declared = next((str(deps[EXPRESS_SESSION]) for field in ("dependencies", "devDependencies")
                     if isinstance(deps := pkg.get(field), dict) and EXPRESS_SESSION in deps),
                    "")
    return declared.strip() if _range_below(declared, SAME_SITE_SINCE) else None


def cookie_session_major(ctx: ProjectContext) -> int | None:
    """Return the major version of cookie-session the project runs, from the lockfile first,
    else a declared range that names one major (``2.0.0``, ``^1.4.0``, ``~2.0``, ``1.x``);
    None when nothing says."""
    locked = _locked_version(ctx, COOKIE_SESSION)
    if locked:
        return locked[0]
    pkg = ctx.package_json
    declared = next((str(deps[COOKIE_SESSION]) for field in ("dependencies", "devDependencies")
                     if isinstance(deps := pkg.get(field), dict) and COOKIE_SESSION in deps), "")
    m = re.fullmatch(r"[\^~=v]?\s*v?(\d+)(?:\.(?:\d+|[xX*])){0,2}(?:-[\w.]+)?", declared.strip())
    return int(m.group(1)) if m is not None and m.group(1) != "0" else None


#: A write to the session in middleware: ``req.session.returnTo = …``, ``req.session[k] = …``.
_SESSION_WRITE_RE = lazy_pattern(rb"\.\s*session\s*(?:\.\s*[\w$]+|\[[^\]\n]{1,80}\])\s*=(?!=)")


#: Sign-in libraries whose identity provider posts the result back cross-site (SAML's
#: HTTP-POST binding, OpenID Connect's `form_post`): the state the login keeps in the session
#: must ride on that POST, which a session cookie with an explicit SameSite=Lax misses (with no
#: SameSite at all, Chrome still sends a fresh cookie on a cross-site top-level POST).
CROSS_SITE_POST_SIGN_IN = frozenset({
    "passport-saml", "@node-saml/passport-saml", "@node-saml/node-saml", "samlify", "saml2-js",
    "passport-wsfed-saml2", "passport-azure-ad", "openid-client", "@azure/msal-node"})


#: Of those, the OpenID Connect clients whose provider answers with a redirect (a top-level
#: GET, which a SameSite=Lax cookie rides on) unless the project asks for ``form_post``:
#: openid-client and MSAL Node send no ``response_mode`` (query) by default.
_POSTS_WHEN_ASKED = frozenset({"openid-client", "@azure/msal-node"})
#: What asks for another response mode, or may: ``response_mode: 'form_post'``,
#: ``responseMode: ResponseMode.FORM_POST``, ``OIDC_RESPONSE_MODE`` read from a setting.
_RESPONSE_MODE_RE = lazy_pattern(rb"(?i)form_post|response_?mode")
#: The settings files read for a response mode besides the code.
_SETTINGS_SUFFIXES = frozenset({".json", ".yml", ".yaml", ".toml"})


def cross_site_post_sign_in(ctx: ProjectContext) -> str | None:
    """Return a sign-in library of ``CROSS_SITE_POST_SIGN_IN`` the project imports, or None.
    openid-client and MSAL Node count only where the project's code or settings name a
    response mode (``_RESPONSE_MODE_RE``): with none, the provider redirects back."""
    found = sorted({module for facts in ctx.facts.values()
                    for module in facts.imported_modules() & CROSS_SITE_POST_SIGN_IN})
    posting = [module for module in found if module not in _POSTS_WHEN_ASKED]
    if posting:
        return posting[0]
    return found[0] if found and _names_a_response_mode(ctx) else None


def _names_a_response_mode(ctx: ProjectContext) -> bool:
    """Return True when a project file or settings file names a response mode."""
    if any(_RESPONSE_MODE_RE.search(ctx.read(rel) or b"") for rel in sorted(ctx.facts)):
        return True
    for path, _ in files_with_suffix(ctx.info.root, _SETTINGS_SUFFIXES, 256 * 1024):
        if not path.endswith(("package-lock.json", "package.json")):
            try:
                if _RESPONSE_MODE_RE.search(Path(path).read_bytes()):
                    return True
            except OSError:
                continue
    return False


#: csrf-csrf's ``getSessionIdentifier`` option returning the session's id
#: (``getSessionIdentifier: (req) => req.session.id``, ``req.sessionID``).
_SESSION_BOUND_CSRF = lazy_pattern(
    rb"getSessionIdentifier\s*[:(][^;]{0,200}?\.\s*(?:sessionID\b|session\s*\??\.\s*id\b)")


def _csrf_bound_to_session_id(ctx: ProjectContext) -> bool:
    """Return True when the project binds its CSRF tokens to the session's id (csrf-csrf's
    ``getSessionIdentifier: (req) => req.session.id``): with ``saveUninitialized: false`` a
    visitor's session that holds nothing yet is not kept, so its id changes on every request
    and no token minted before the login matches (Ride The Lightning: every login answered
    403 in a reviewer's run). A read of the id for a log line (morgan's token, a debug call)
    binds nothing."""
    return any(not is_test_file(rel) and _SESSION_BOUND_CSRF.search(ctx.read(rel) or b"")
               for rel in sorted(ctx.facts))


def sessions_for_every_visitor(ctx: ProjectContext) -> bool:
    """Return True when the app writes to the session on every request whatever
    ``saveUninitialized`` says, so that every visitor gets a stored session anyway: an app-wide
    (path-less) ``.use()`` of csurf in its session mode (no ``cookie`` option: it stores its
    secret in the session on each request that lacks one), or of an inline middleware that
    assigns a session field (``req.session.returnTo = req.path``)."""
    for facts in ctx.facts.values():
        csurf = facts.locals_of("csurf")
        source: bytes | None = None
        for use in facts.uses():
            if use.path is not None:
                continue
            for arg in use.args:
                if arg.kind == "call" and arg.name in csurf:
                    source = source if source is not None else ctx.read(facts.path) or b""
                    if b"cookie" not in source[arg.start:arg.end]:
                        return True
                elif arg.kind == "function":
                    source = source if source is not None else ctx.read(facts.path) or b""
                    if _SESSION_WRITE_RE.search(source, arg.start, arg.end):
                        return True
    return False


def _branch_of(call: Node) -> tuple[int, int] | None:
    """Return (the if statement's start, 0 for its consequence or 1 for its else branch) of the
    nearest if/else around ``call`` that has an else branch, or None (a function in between
    ends the search: the call then runs whenever that function is called)."""
    child, node = call, call.parent
    while node is not None and node.type not in FUNCTION_TYPES:
        if node.type == "if_statement" and node.child_by_field_name("alternative") is not None:
            alternative = node.child_by_field_name("alternative")
            if child == node.child_by_field_name("consequence"):
                return node.start_byte, 0
            if child == alternative:
                return node.start_byte, 1
        child, node = node, node.parent
    return None


def _merged(first: Finding, second: Finding) -> Finding:
    """Return ``first`` with ``second``'s fix edits added to its own (one decision, written in
    both branches)."""
    if first.fix is None or second.fix is None:
        return first
    edits: dict[str, list[TextEdit]] = {}
    for change in (*first.fix.changes, *second.fix.changes):
        edits.setdefault(change.path, []).extend(change.edits)
    applicability: Applicability = "unsafe" if "unsafe" in (
        first.fix.applicability, second.fix.applicability) else "safe"
    return replace(first, fix=replace(
        first.fix, applicability=applicability,
        changes=tuple(FileChange(path, tuple(sorted(found, key=lambda e: (e.start, e.end))))
                      for path, found in edits.items())))


def _one_setup_per_if_else(per_call: list[tuple[Node, list[Finding]]]) -> Iterable[Finding]:
    """Yield the findings of every session call, those of a call in the else branch of an
    if/else whose other branch makes a call with the same findings folded into that call's:
    only one branch runs, so the two calls are one session setup (a Redis store or the memory
    store, say), reported once with a fix that edits both."""
    firsts: dict[int, list[Finding]] = {}
    for call, found in per_call:
        branch = _branch_of(call)
        if branch is not None and branch[1] == 0:
            firsts.setdefault(branch[0], found)
    folded: set[int] = set()
    for call, found in per_call:
        branch = _branch_of(call)
        first = firsts.get(branch[0]) if branch is not None and branch[1] == 1 else None
        if first is None or branch is None or branch[0] in folded or \
                [f.message for f in first] != [f.message for f in found]:
            continue
        first[:] = [_merged(a, b) for a, b in zip(first, found, strict=True)]
        found.clear()
        folded.add(branch[0])
    for _, found in per_call:
        yield from found


class SessionCookie(Rule):
    """express-session / cookie-session with the default name, missing cookie flags or
    ``saveUninitialized: true``."""

    id = "session-cookie"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        trust_proxy = sets_trust_proxy(ctx)
        declared_proxy = ctx.info.config.trust_proxy is not None
        for facts in ctx.facts.values():
            locals_ = {name: module for module in DEFAULT_NAMES
                       for name in facts.locals_of(module)}
            # A module required inline and called at once (`require('cookie-session')({…})`)
            # has an import fact without a local name.
            if not locals_ and not facts.imported_modules() & DEFAULT_NAMES.keys():
                continue
            source = ctx.read(facts.path)
            lang = JS_SUFFIXES.get(os.path.splitext(facts.path)[1])
            if source is None or lang is None:
                continue
            root = parse(lang, source).root_node
            per_call: list[tuple[Node, list[Finding]]] = []
            for call in captures(lang, CALLS_QUERY, root).get("call", []):
                fn = call.child_by_field_name("function")
                module = _session_module(fn, locals_) \
                    if fn is not None and arguments_of(call) is not None else None
                if module is None:
                    continue
                opts = self._options(root, call)
                if opts is None:
                    continue  # options built in another module: nothing to judge
                per_call.append((call, list(self._check_call(
                    ctx, facts, source, module, call, opts, trust_proxy, declared_proxy))))
            yield from _one_setup_per_if_else(per_call)

    @staticmethod
    def _options(root: Node, call: Node) -> _Options | None:
        args = call.child_by_field_name("arguments")
        values = code_children(args) if args else []
        if not values:
            return None
        first = values[0]
        if first.type == "object":
            return _Options(first, declared=False)
        if first.type == "identifier":
            declared = resolve_object(root, text(first))
            if declared is not None:
                return _Options(
                    declared, declared=True,
                    assigned=frozenset(assigned_properties(root, text(first))),
                    cookie_assigned=frozenset(
                        assigned_properties(root, text(first), ("cookie",))))
        return None

    def _check_call(self, ctx: ProjectContext, facts: FileFacts, source: bytes, module: str,
                    call: Node, opts: _Options, trust_proxy: bool,
                    declared_proxy: bool) -> Iterable[Finding]:
        style = ctx.styles[facts.path]
        options = ctx.info.config.session
        q = style.q
        props = object_properties(opts.node)
        unsafe = opts.declared or has_comments(opts.node) or has_spread(opts.node)
        label = "express-session" if module == EXPRESS_SESSION else "cookie-session"
        default_name = DEFAULT_NAMES[module]
        # `session({ ...sess, name })`: keys a spread object declared in this file sets count as
        # set; a spread this file does not show may set any key, so what it may carry is
        # reported without a fix (a key written after it would override what it holds).
        spreads = _spreads(self._root(opts.node), opts.node)
        hidden = next((s for s in spreads if s.keys is None), None)
        spread_keys = frozenset().union(*(s.keys for s in spreads if s.keys is not None))
        has_name = any(k in props or k in opts.assigned or k in spread_keys
                       for k in NAME_ALIASES[module])
        # A signed cookie-session cookie (the default) comes with a `<name>.sig` companion,
        # which tells the library whatever the cookie is called: its name hides nothing.
        tells_stack = module == EXPRESS_SESSION or not _signed(opts, spreads)
        if module == COOKIE_SESSION and not has_name:
            # cookie-session 1 read `opts.name || opts.key || 'express:sess'`; 2.0 dropped
            # `key` (the cookie is then `session` whatever it says) and renamed the default.
            major = cookie_session_major(ctx)
            if major == 1:
                has_name = "key" in props or "key" in opts.assigned
                default_name = "express:sess"
            elif "key" in props or "key" in opts.assigned:
                yield self._ignored_key(ctx, facts, call, props.get("key"), major, tells_stack)
                has_name = True
            # Signed: no name would hide the library, so the default name is no finding.
            has_name = has_name or not tells_stack
        if not has_name and hidden is not None:
            yield ctx.finding(self.id, facts.path, call.start_byte, call.end_byte,
                              f"{label} cookie keeps the default name `{default_name}`, which "
                              f"tells attackers the stack, unless {_shown(hidden)} sets "
                              "`name`; not fixed: this file does not show what it holds")
        elif not has_name:
            # Renaming the cookie ends every current session once and breaks clients that look
            # for the cookie by name: its own finding, with an unsafe fix; none where the
            # project's own code reads it by that name (a CSRF check skipped without it).
            reader = _reads_cookie_name(ctx, default_name, facts.path, call)
            fix = None if reader else Fix(
                title=f"Rename the session cookie to `{options.cookie_name}` (ends current "
                      "sessions once)",
                applicability="unsafe",
                changes=(FileChange(facts.path, tuple(_fenced(
                    opts.node,
                    add_properties(source, opts.node, [f"name: {q(options.cookie_name)}"],
                                   first=True)))),))
            note = (f"; not fixed: {reader} reads the cookie by that name, and a rename would "
                    "change what that code decides") if reader else ""
            yield ctx.finding(self.id, facts.path, call.start_byte, call.end_byte,
                              f"{label} cookie keeps the default name "
                              f"`{default_name}`, which tells attackers the stack{note}", fix)
        last: list[str] = []
        edits: list[TextEdit] = []
        secure_edits: list[TextEdit] = []
        secure_missing = False
        # `secure: 'auto'` marks the cookie Secure on requests Express sees as HTTPS: behind a
        # TLS proxy that needs the app's own `trust proxy`, or (where only the deployer has
        # declared the hops) express-session's `proxy: true`, which trusts X-Forwarded-Proto
        # for this cookie alone and leaves req.ip alone.
        secure_ok = trust_proxy or declared_proxy
        # httpOnly is left out: both libraries default it to true.
        flags = {"sameSite": q(options.same_site)}
        # An express-session release that drops cookie.sameSite: the option would change
        # nothing, so it is neither written nor claimed; the finding says to upgrade.
        old_release = drops_same_site(ctx) if module == EXPRESS_SESSION else None
        # ... and a sign-in the identity provider posts back cross-site needs the session
        # cookie on that POST, which an explicit Lax withholds: sameSite is reported, not set.
        posted = cross_site_post_sign_in(ctx) if old_release is None else None
        if old_release is not None or posted is not None:
            flags = {}
        secure_flag = f"secure: {q('auto')}"
        cookie_pairs = [secure_flag, *(f"{k}: {v}" for k, v in flags.items())]
        same_site_unset = False
        # Where the flags may come from a spread this file does not show: reported, not fixed.
        unseen: _Spread | None = None
        settled: set[str] = set()  # flags the cookie object writes after that spread
        fixless = ""  # why a flags finding that the fix could otherwise write has no fix
        if module == EXPRESS_SESSION:
            cookie = props.get("cookie")
            if cookie is not None:
                cookie = unwrap(cookie, CASTS)  # `cookie: {…} as any`
            own = cookie.parent.start_byte if cookie is not None and cookie.parent else -1
            # A spread after the options' own `cookie` (or, without one, anywhere) that carries
            # a cookie: its cookie is the one the session gets.
            spread = _spread_sets(spreads, "cookie", after=own)
            base: list[str] = []  # `...sess.cookie`: what the written cookie keeps of the spread
            kept: frozenset[str] = frozenset()  # the flags that spread cookie sets
            if spread is not None:
                cookie = spread.cookie
                if cookie is not None and cookie.type == "identifier":
                    cookie = resolve_object(self._root(opts.node), text(cookie))
                if spread.keys is None or cookie is None or cookie.type != "object":
                    unseen = spread
                else:
                    # A `cookie` written after the spread replaces the spread's whole cookie
                    # (its maxAge, domain...): the fix writes one that spreads it first.
                    base = [f"...{spread.name}.cookie"]
                    kept = frozenset(object_properties(cookie)) | spread.cookie_assigned
                    flags = {k: v for k, v in flags.items() if k not in kept}
                    cookie_pairs = [*base, *([secure_flag] if "secure" not in kept else []),
                                    *(f"{k}: {v}" for k, v in flags.items())]
                    cookie = None
                    unsafe = True
                    if own >= 0:  # a second `cookie` key: the fix would not compile in TS
                        fixless = (f"; not fixed: `...{spread.name}` after the options' own "
                                   "`cookie` replaces it")
            elif cookie is not None and cookie.type == "identifier":
                cookie = resolve_object(self._root(opts.node), text(cookie)) or cookie
                unsafe = True
            inner: frozenset[str] = frozenset()  # keys spreads inside the cookie object set
            if unseen is None and cookie is not None and cookie.type == "object":
                inner, unseen = _cookie_spreads(self._root(opts.node), cookie)
                if unseen is not None:  # `{ ...defaults, secure: true }`: written last, wins
                    settled = {k for k, v in object_properties(cookie).items()
                               if v is not None and v.start_byte > unseen.start}
            if unseen is not None:
                missing = list(flags)
                secure_missing = True
                same_site_unset = True
            elif cookie is None:
                missing = list(flags)
                secure_missing = "secure" not in kept
                same_site_unset = "sameSite" not in kept
                if secure_ok:
                    if len(cookie_pairs) > len(base):
                        last.append("cookie: " + style.braces(", ".join(cookie_pairs)))
                else:
                    if flags:
                        last.append("cookie: " + style.braces(", ".join(
                            [*base, *(f"{k}: {v}" for k, v in flags.items())])))
                    secure_edits = _fenced(opts.node, add_properties(
                        source, opts.node, ["cookie: " + style.braces(", ".join(cookie_pairs))]))
            elif cookie.type == "object":
                cookie_props = {**object_properties(cookie),
                                **{k: cookie for k in opts.cookie_assigned | inner}}
                missing = [k for k in flags if k not in cookie_props]
                secure_missing = "secure" not in cookie_props
                same_site_unset = "sameSite" not in cookie_props
                unsafe = unsafe or has_comments(cookie) or has_spread(cookie)
                add = [f"{k}: {flags[k]}" for k in missing]
                if secure_missing and secure_ok:
                    add.insert(0, secure_flag)
                if add:
                    edits += add_properties(source, cookie, add)
                if secure_missing and not secure_ok:
                    secure_edits = add_properties(
                        source, cookie, [f"{k}: {flags[k]}" for k in missing] + [secure_flag])
            else:
                missing = []  # a cookie object built elsewhere: its keys are unknown
            if secure_missing and secure_ok:
                missing = [k for k in ("secure", "sameSite") if k in missing or k == "secure"]
                if not trust_proxy and "proxy" not in props and "proxy" not in spread_keys:
                    last.append("proxy: true")
        else:
            # cookie-session (the `cookies` module) already marks the cookie Secure exactly when
            # the request came over HTTPS; `secure: true` would throw on plain HTTP.
            missing = [k for k in flags if k not in props and k not in spread_keys]
            same_site_unset = "sameSite" not in props and "sameSite" not in spread_keys
            if missing and hidden is not None:
                unseen = hidden
            last += [f"{k}: {flags[k]}" for k in missing]
        if unseen is not None:
            unset = [k for k in [*(["secure"] if module == EXPRESS_SESSION else []), *flags]
                     if k not in settled]
            if unset:
                what = "a `cookie`" if module == EXPRESS_SESSION and any(
                    c.start_byte == unseen.start for c in opts.node.named_children) else "flags"
                yield ctx.finding(
                    self.id, facts.path, call.start_byte, call.end_byte,
                    f"{label} cookie sets no " + " and ".join(f"`{k}`" for k in unset)
                    + f" that this file shows: {_shown(unseen)}, built elsewhere, may set "
                    f"{'it' if len(unset) == 1 else 'them'}; not fixed: {what} written after "
                    "it would override what it carries")
            missing, secure_missing, same_site_unset = [], False, False
        # Where sameSite is unset but the release in use would drop it: said, never written.
        old_note = ""
        held = ""  # why sameSite is not written, for the fix title
        if same_site_unset and old_release is not None:
            old_note = (f"; `sameSite` is left out: express-session {old_release} drops it "
                        "(Set-Cookie carries it from express-session 1.14.1), so upgrade "
                        "express-session first")
            held = f"express-session {old_release} drops it"
        elif same_site_unset and posted is not None:
            old_note = (f"; `sameSite` is not set by the fix: the project signs in through "
                        f"{posted}, whose identity provider posts the answer back cross-site, "
                        "and SameSite=Lax would keep the session cookie off that POST")
            held = f"the sign-in through {posted} posts back cross-site"
        if missing:
            if last:
                edits += _fenced(opts.node, add_properties(source, opts.node, last))
            named = " and ".join("`secure: 'auto'`" if k == "secure" else f"`{k}`"
                                 for k in missing)
            fix = Fix(title=f"Set {named} on the session cookie"
                            + (f" (not `sameSite`: {held})" if held else ""),
                      applicability="unsafe" if unsafe else "safe",
                      changes=(FileChange(facts.path, tuple(_exclusive(source, edits))),))
            reasons = []
            if "secure" in missing:
                reasons.append("the session id can travel over plain HTTP")
            if "sameSite" in missing:
                reasons.append(f"{label} sets no SameSite by default, so browsers that do not "
                               "default to Lax send the cookie with cross-site requests (CSRF)")
            yield ctx.finding(self.id, facts.path, call.start_byte, call.end_byte,
                              f"{label} cookie sets no " + " and ".join(f"`{k}`" for k in missing)
                              + ": " + "; ".join(reasons) + old_note + fixless,
                              None if fixless else fix)
            old_note = ""
        elif old_note and not (secure_missing and not secure_ok):
            # Only sameSite is unset, and the fix cannot set it: reported without a fix.
            if old_release is not None:
                message = (f"{label} cookie sets no `sameSite`, and express-session "
                           f"{old_release} drops the option (Set-Cookie carries it from "
                           "express-session 1.14.1): upgrade express-session, then set "
                           "`sameSite`")
            else:
                message = (f"{label} cookie sets no `sameSite`: browsers that do not default "
                           "to Lax send it with cross-site requests (CSRF); not fixed: the "
                           f"project signs in through {posted}, whose identity provider posts "
                           "the answer back cross-site, and SameSite=Lax would keep the session "
                           "cookie off that POST (the login would lose its state): protect the "
                           "state-changing routes with a CSRF token instead")
            yield ctx.finding(self.id, facts.path, call.start_byte, call.end_byte, message)
            old_note = ""
        if secure_missing and not secure_ok:
            # The flags fix and this one write to the same place: made exclusive, they overlap,
            # so with --unsafe one is written per pass and the other is computed again.
            fix = Fix(title="Set `secure: 'auto'` on the session cookie (unsafe: the app sets no "
                            "`trust proxy`, so behind a TLS proxy Express sees plain HTTP and "
                            "the cookie stays without Secure until the deployer sets the real "
                            "hop count; declare it as `trust_proxy` in .nodeharden.yml to make "
                            "this fix safe)",
                      applicability="unsafe",
                      changes=(FileChange(facts.path, tuple(_exclusive(source, secure_edits))),))
            yield ctx.finding(self.id, facts.path, call.start_byte, call.end_byte,
                              f"{label} cookie sets no `secure`: the session id can travel over "
                              "plain HTTP" + old_note + fixless, None if fixless else fix)
        save = props.get("saveUninitialized")
        if module == EXPRESS_SESSION and save is not None and save.type == "true" \
                and not sessions_for_every_visitor(ctx) and not _csrf_bound_to_session_id(ctx):
            fix = Fix(title="Set saveUninitialized: false", applicability="unsafe",
                      changes=(FileChange(facts.path,
                                          (TextEdit(save.start_byte, save.end_byte, "false"),)),))
            pair = save.parent or save
            yield ctx.finding(self.id, facts.path, pair.start_byte, pair.end_byte,
                              "`saveUninitialized: true` stores a session for every anonymous "
                              "visitor: bots fill the session store", fix)

    def _ignored_key(self, ctx: ProjectContext, facts: FileFacts, call: Node,
                     key: Node | None, major: int | None, tells_stack: bool) -> Finding:
        """Return the finding for cookie-session options that name the cookie with `key`,
        which cookie-session 2 ignores (it reads `name` only): the cookie keeps the default
        name `session`, not the one the code chose (which tells attackers the stack only when
        the cookie is unsigned, ``tells_stack``: a signed one's `.sig` companion tells it
        anyway). The fix renames the property to `name`, so the cookie gets the name the code
        already chose; it is offered only where the project runs cookie-session 2 and `key`
        is a property of the options object (not assigned later)."""
        chosen = string_value(key) if key is not None else None
        message = ("cookie-session cookie keeps the default name `session`"
                   + (", which tells attackers the stack" if tells_stack else
                      " instead of the name the code chose")
                   + ": cookie-session 2 ignores the `key` option"
                   + (f" (`{chosen}`)" if chosen else "") + " and reads the name from `name`")
        pair = key.parent if key is not None else None
        name_node = pair.child_by_field_name("key") if pair is not None \
            and pair.type == "pair" else None
        if major is None:
            return ctx.finding(self.id, facts.path, call.start_byte, call.end_byte,
                               message + "; not fixed: the project does not say which "
                               "cookie-session it runs (1.x reads `key`)")
        if name_node is None or text(name_node).strip("'\"") != "key":
            return ctx.finding(self.id, facts.path, call.start_byte, call.end_byte, message)
        what = f"`{chosen}`" if chosen else "what `key` says"
        fix = Fix(title=f"Rename cookie-session's `key` option to `name`, so the cookie is "
                        f"called {what} (ends current sessions once)",
                  applicability="unsafe",
                  changes=(FileChange(facts.path, (TextEdit(
                      name_node.start_byte, name_node.end_byte,
                      text(name_node).replace("key", "name")),)),))
        return ctx.finding(self.id, facts.path, call.start_byte, call.end_byte, message, fix)

    @staticmethod
    def _root(node: Node) -> Node:
        while node.parent is not None:
            node = node.parent
        return node


RULE = SessionCookie()
