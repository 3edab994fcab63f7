"""cookie-flags: cookies set with ``res.cookie()`` carry httpOnly, secure and sameSite.

Two flags can break the app they protect, and are then left out of the safe fix:

- ``httpOnly`` on a cookie that front-end code reads or writes (``document.cookie``, js-cookie,
  an Angular or React cookie service, axios/Angular's XSRF cookie) anywhere in the repository:
  the page stops seeing it. The repository is scanned by bytes, front-end folders included,
  because browser code is not application code for the other rules.
- ``sameSite`` on a cookie a cross-site flow needs: one set elsewhere with ``sameSite: 'none'``,
  or one that carries an OAuth/OIDC/SAML sign-in (its name, the route that sets it, or the
  sign-in library the file uses). Lax cookies are not sent on the identity provider's
  cross-site POST back to the app.

Cookies that hold no secret are not reported, as no flag protects anything there: a constant
value (anyone can forge it), a display preference or a post-login target path (by the words of
the cookie's name or value, unless one names a credential), and the OAuth ``state`` / OIDC
``nonce`` of a sign-in the file runs (public in the authorize URL, the sign-in's own CSRF
defence). Options that spread an object the file declares are read with it; a spread of
anything else may carry every flag, so such a call is not reported.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from pathlib import Path

from tree_sitter import Node

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._parse import (
    FUNCTION_TYPES,
    captures,
    code_children,
    enclosing,
    has_spread,
    object_properties,
    string_value,
    text,
    walk,
)
from nodeharden._project import files_with_suffix
from nodeharden._regex import lazy_pattern
from nodeharden._style import Style
from nodeharden.rules._base import FileContext, Rule
from nodeharden.rules._edits import add_properties, has_comments, resolve_object

FLAGS = ("httpOnly", "secure", "sameSite")
RISKS = {"httpOnly": "page scripts can read it", "secure": "it travels over plain HTTP",
         "sameSite": "it rides along on cross-site requests"}
RESPONSE_NAMES = frozenset({"res", "response"})

_CALL_QUERY = """
(call_expression
  function: (member_expression object: (identifier) @target property: (property_identifier) @method)
  arguments: (arguments) @args
  (#eq? @method "cookie")) @call
"""

#: Files a browser may run or that hold browser code: scripts, components, pages and templates.
FRONT_END_SUFFIXES = frozenset({
    ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".vue", ".svelte", ".html", ".htm", ".ejs",
    ".pug", ".jade", ".hbs", ".handlebars", ".njk", ".twig", ".astro",
})
_MAX_SCAN_BYTES = 2_000_000
#: Cookie libraries' read/write calls: js-cookie ``Cookies.get('n')``, universal-cookie and
#: react-cookie ``cookies.get('n')``, ngx-cookie(-service) ``this.cookieService.get('n')``,
#: jquery-cookie ``$.cookie('n')``.
_LIBRARY_CALL_RE = lazy_pattern(
    rb"(?:\b\w*[cC]ookie\w*\s*\??\.\s*(?:get|set|remove|delete|check|getObject|put|putObject|"
    rb"getJSON|erase)|\$\.cookie)\s*\(\s*['\"`]([^'\"`\n]{1,200})['\"`]")
_USE_COOKIES_RE = lazy_pattern(rb"\buseCookies\s*(?:<[^>]{0,200}>)?\s*\(\s*\[([^\]]{0,500})\]")
_XSRF_NAME_RE = lazy_pattern(
    rb"\b(?:xsrfCookieName|cookieName)\s*:\s*['\"`]([^'\"`\n]{1,200})['\"`]")
_QUOTED_RE = lazy_pattern(rb"['\"`]([^'\"`\n]{1,200})['\"`]")
#: Server-side cookie APIs with the same method names (Koa, the ``cookies`` package).
_SERVER_COOKIES_RE = lazy_pattern(rb"""(?:require\s*\(|from\s+)\s*['"](?:cookies|koa)['"]""")
#: Front-end HTTP clients that read the ``XSRF-TOKEN`` cookie by default.
_XSRF_CLIENT_RE = lazy_pattern(rb"""['"](?:axios|@angular/common/http)['"]""")
DEFAULT_XSRF_COOKIE = "XSRF-TOKEN"

#: Names, route paths and libraries of cross-site sign-in flows (OAuth, OIDC, SAML, SSO).
_CROSS_SITE_NAME_WORDS = frozenset({"state", "nonce", "oauth", "oidc", "saml", "sso", "pkce",
                                    "verifier", "relaystate"})
_CROSS_SITE_ROUTE_WORDS = frozenset({"callback", "oauth", "oauth2", "oidc", "openid", "saml",
                                     "sso", "acs"})
_WORD_RE = lazy_pattern(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_CROSS_SITE_MODULE_RE = lazy_pattern(
    rb"""['"](?:openid-client|passport-saml|@node-saml/[\w-]+|samlify|passport-openidconnect|"""
    rb"""passport-oauth2|passport-azure-ad|simple-oauth2|grant|@auth/express)['"]""")
_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "all", "use"})


#: A cookie's Secure flag decided per request on the server: express-session's ``secure:
#: 'auto'``, ``secure: req.secure``, ``secure: req.protocol === 'https'``.
_PER_REQUEST_SECURE_RE = lazy_pattern(
    rb"""\bsecure\s*:\s*(?:['"]auto['"]|req(?:uest)?\.secure\b"""
    rb"""|req(?:uest)?\.protocol\s*===?\s*['"]https['"])""")
#: The app tells Express which proxies to trust: behind a TLS proxy, req.secure is then true
#: for HTTPS clients.
_TRUST_PROXY_RE = lazy_pattern(rb"""['"]trust proxy['"]""")


class ClientCookies:
    """The cookie names front-end code in a repository reads or writes, found by bytes."""

    def __init__(self) -> None:
        self.named: dict[str, str] = {}  # cookie name -> first file that uses it by name
        self.document_cookie: list[tuple[str, bytes]] = []  # files using document.cookie
        self.xsrf_client: str | None = None  # a file importing axios / Angular's HttpClient
        # a file that decides Secure per request (`secure: 'auto'`, `secure: req.secure`)
        self.per_request_secure: str | None = None
        self.trusts_proxy = False  # some file sets `trust proxy`

    def reader_of(self, name: str) -> str | None:
        """Return a file whose front-end code reads or writes cookie ``name``, or None."""
        if name in self.named:
            return self.named[name]
        token = re.compile(rb"(?<![\w-])" + re.escape(name.encode()) + rb"(?![\w-])")
        for rel, data in self.document_cookie:
            if token.search(data):
                return rel
        if name == DEFAULT_XSRF_COOKIE and self.xsrf_client is not None:
            return self.xsrf_client
        return None

    def add_file(self, rel: str, data: bytes) -> None:
        """Record what one file does with cookies."""
        server = _SERVER_COOKIES_RE.search(data) is not None
        if not server:
            for match in _LIBRARY_CALL_RE.finditer(data):
                self.named.setdefault(match.group(1).decode("utf-8", "replace"), rel)
        for match in _USE_COOKIES_RE.finditer(data):
            for quoted in _QUOTED_RE.finditer(match.group(1)):
                self.named.setdefault(quoted.group(1).decode("utf-8", "replace"), rel)
        for match in _XSRF_NAME_RE.finditer(data):
            self.named.setdefault(match.group(1).decode("utf-8", "replace"), rel)
        if b"document.cookie" in data:
            self.document_cookie.append((rel, data))
        if self.xsrf_client is None and _XSRF_CLIENT_RE.search(data) and not server:
            self.xsrf_client = rel
        if self.per_request_secure is None and _PER_REQUEST_SECURE_RE.search(data):
            self.per_request_secure = rel


_CLIENT_CACHE: dict[str, tuple[tuple[tuple[str, int, int], ...], ClientCookies]] = {}
_CLIENT_CHECKED: dict[str, float] = {}
#: Seconds during which a scan's result is reused without walking the repository again (one
#: scan asks once per cookie call; the front end does not change in between).
_RECHECK_SECONDS = 2.0


def client_cookies(root: str) -> ClientCookies:
    """Return what front-end code under ``root`` does with cookies (cached per process until a
    file is added, removed or changed)."""
    now = time.monotonic()
    cached = _CLIENT_CACHE.get(root)
    if cached is not None and now - _CLIENT_CHECKED.get(root, 0.0) < _RECHECK_SECONDS:
        return cached[1]
    _CLIENT_CHECKED[root] = now
    files = [(os.path.relpath(path, root).replace(os.sep, "/"), stat.st_mtime_ns, stat.st_size)
             for path, stat in files_with_suffix(root, FRONT_END_SUFFIXES, _MAX_SCAN_BYTES)]
    key = tuple(files)
    cached = _CLIENT_CACHE.get(root)
    if cached is not None and cached[0] == key:
        return cached[1]
    found = ClientCookies()
    for rel, _, _ in files:
        try:
            data = (Path(root) / rel).read_bytes()
        except OSError:
            continue
        if b"ookie" in data or b"axios" in data or b"@angular/common/http" in data:
            found.add_file(rel, data)
        if not found.trusts_proxy and _TRUST_PROXY_RE.search(data):
            found.trusts_proxy = True  # in any file, one that names no cookie too
    _CLIENT_CACHE[root] = (key, found)
    return found


def words(name: str) -> set[str]:
    """Return the lower-case words of a name or path (``oauthState`` -> oauth, state)."""
    return {w.lower() for w in _WORD_RE.findall(name)}


def route_path(node: Node) -> str | None:
    """Return the path of the route whose handler contains ``node`` (``app.get('/x', ...)``)."""
    current = node.parent
    while current is not None:
        if current.type == "call_expression":
            fn = current.child_by_field_name("function")
            prop = fn.child_by_field_name("property") if fn is not None and \
                fn.type == "member_expression" else None
            args = current.child_by_field_name("arguments")
            if prop is not None and text(prop) in _ROUTE_METHODS and args is not None:
                first = code_children(args)[:1]
                value = string_value(first[0]) if first else None
                if value is not None:
                    return value
        current = current.parent
    return None


def _same_site_none(root_calls: list[tuple[str | None, Node | None]], name: str | None) -> bool:
    for other, opts in root_calls:
        if other != name or opts is None or opts.type != "object":
            continue
        value = object_properties(opts).get("sameSite")
        if value is not None and (string_value(value) or "").lower() == "none":
            return True
    return False


_FUNCTIONS = FUNCTION_TYPES


#: Words of a cookie's name or value that mark a sign-in flow's binding value.
_FLOW_BINDING_WORDS = frozenset({"state", "nonce"})
#: Words that mark a credential, which no flow-binding value is.
_CREDENTIAL_WORDS = frozenset({"token", "session", "sid", "auth", "secret", "jwt", "password",
                               "verifier", "credential", "credentials"})
_SIGN_IN_WORDS = frozenset({"oauth", "oauth2", "oidc", "openid", "saml", "sso"})
#: An authorization request the file builds itself (OAuth 2.0 / OIDC parameters).
_AUTHORIZE_REQUEST_RE = lazy_pattern(rb"\b(?:redirect_uri|code_challenge|response_type)\b")


def _string_constant(root: Node, name: str) -> str | None:
    """Return the string a file binds to ``name`` once, as ``const name = '...'``."""
    found: list[str | None] = []
    for node in walk(root):
        if node.type == "variable_declarator":
            key = node.child_by_field_name("name")
            if key is not None and key.type == "identifier" and text(key) == name:
                found.append(string_value(node.child_by_field_name("value")))
    return found[0] if len(found) == 1 else None


def _expression_words(root: Node, node: Node) -> set[str]:
    """Return the words that say what a cookie's name or value holds: a string's own words,
    else a constant's string and its name, else the last name of a member chain."""
    value = string_value(node)
    if value is not None:
        return words(value)
    if node.type == "identifier":
        return words(text(node)) | words(_string_constant(root, text(node)) or "")
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return words(text(prop)) if prop is not None else set()
    return set()


def _flow_binding(ctx: FileContext, call: Node, values: list[Node]) -> bool:
    """Return True when the cookie holds an OAuth ``state`` or OIDC ``nonce`` of a sign-in
    the file runs: a value that also travels in the authorize URL, which the server compares
    with what the provider echoes back. It is the sign-in's own CSRF defence and no secret:
    HttpOnly hides nothing and SameSite protects nothing."""
    root = ctx.tree.root_node
    said = _expression_words(root, values[0]) | _expression_words(root, values[1])
    if not said & _FLOW_BINDING_WORDS or said & _CREDENTIAL_WORDS:
        return False
    return bool(said & _SIGN_IN_WORDS or words(ctx.rel) & _SIGN_IN_WORDS
                or words(route_path(call) or "") & _CROSS_SITE_ROUTE_WORDS
                or _CROSS_SITE_MODULE_RE.search(ctx.source)
                or _AUTHORIZE_REQUEST_RE.search(ctx.source))


#: Words of a cookie's name or value that mark a display preference or a navigation target
#: (`theme`, `locale`, `returnTo`, `targetPath`): values the page shows or the URL carries.
_PREFERENCE_WORDS = frozenset({"theme", "locale", "lang", "language", "currency", "timezone"})
_TARGET_WORDS = frozenset({"redirect", "return", "target"})
_TARGET_OBJECT_WORDS = frozenset({"path", "url", "to", "uri"})
_LITERAL_TYPES = frozenset({"number", "true", "false", "null"})


def _public_value(root: Node, values: list[Node]) -> bool:
    """Return True when the cookie holds no secret, so no flag protects anything: a constant
    (`'true'`, `1`: every visitor gets the same value, anyone can forge it), or, by its name or
    value, a display preference (a theme, a locale) or a post-login target path, unless a
    word of either says it is a credential."""
    value = values[1]
    if value.type in _LITERAL_TYPES or string_value(value) is not None:
        return True
    said = _expression_words(root, values[0]) | _expression_words(root, value)
    if said & _CREDENTIAL_WORDS:
        return False
    return bool(said & _PREFERENCE_WORDS
                or "redirect" in said
                or (said & _TARGET_WORDS and said & _TARGET_OBJECT_WORDS))


def _effective_properties(root: Node, opts: Node, depth: int = 0) -> set[str] | None:
    """Return the keys an options object literal sets, those of objects it spreads
    (``{ ...defaults, maxAge }``) included when the file declares them (``const defaults =
    {...}``); None when a spread comes from anything else, whose keys cannot be read here."""
    keys = set(object_properties(opts))
    for child in opts.named_children:
        if child.type != "spread_element":
            continue
        inner = child.named_children[0] if child.named_children else None
        spread = resolve_object(root, text(inner)) \
            if inner is not None and inner.type == "identifier" and depth < 5 else None
        found = _effective_properties(root, spread, depth + 1) if spread is not None else None
        if found is None:
            return None
        keys |= found
    return keys


#: Why the safe fix leaves ``secure`` out where the project sets no ``trust proxy``.
_SECURE_HELD = ("`secure` is left to the deployer: the project sets no `trust proxy`, so "
                "behind a TLS proxy `req.secure` stays false, and NODE_ENV does not say that "
                "browsers use HTTPS; browsers drop Secure cookies set over plain HTTP")

_SECURE_OUT_OF_SCOPE = ("`secure` is left for review: the options object is declared outside "
                        "the request handler, where the request (`req.secure`) is not in scope")


def _within_handler(declared: Node, call: Node) -> bool:
    """Return True when ``declared`` (the options' declaration) sits inside the function that
    holds ``call`` and whose parameters name the request the fix reads (the handler itself, not
    a route factory around it): only there is that request in scope."""
    fn_node = call.child_by_field_name("function")
    target = fn_node.child_by_field_name("object") if fn_node is not None else None
    found = _handler(target) if target is not None else None
    return found is not None \
        and found[0].start_byte <= declared.start_byte and declared.end_byte <= found[0].end_byte


def flag_values(style: Style) -> dict[str, str]:
    """Return the value the fix writes for each flag (``secure`` is replaced per call by the
    request's own ``req.secure``, see ``check_file``).

    ``secure`` follows the request rather than ``true`` or NODE_ENV: Express writes the flag
    whatever the request, and browsers drop Secure cookies set over plain HTTP on hosts other
    than localhost, which a hard ``true`` does in development and ``NODE_ENV === 'production'``
    does on a plain-HTTP production install (``'auto'`` is an express-session feature that
    ``res.cookie`` does not have).
    """
    return {"httpOnly": "true", "secure": "req.secure", "sameSite": style.q("lax")}


def _handler(target: Node) -> tuple[Node, list[Node]] | None:
    """Return the nearest function around ``target`` whose second parameter is ``target``'s
    name (``(req, reply) => reply.cookie()``), with its parameters (their names' nodes)."""
    name = text(target)
    fn = enclosing(target, _FUNCTIONS)
    while fn is not None:
        params = fn.child_by_field_name("parameters")
        names = [p.child_by_field_name("pattern") or p
                 for p in code_children(params)] if params is not None else []
        if len(names) >= 2 and text(names[1]) == name:
            return fn, names
        fn = enclosing(fn, _FUNCTIONS)
    return None


def _request_secure(call: Node) -> str:
    """Return ``req.secure`` for the request of the handler ``call`` (``res.cookie(…)``) sits
    in: the first parameter of the function whose second one is the response, else
    ``res.req.secure`` (Express's response knows its request)."""
    fn_node = call.child_by_field_name("function")
    target = fn_node.child_by_field_name("object") if fn_node is not None else None
    if target is None:
        return "res.req.secure"
    found = _handler(target)
    params = found[1] if found is not None else None
    if params is not None and params[0].type == "identifier" \
            and _REQUEST_NAME.match(text(params[0])):
        return f"{text(params[0])}.secure"
    # `issueSession(user, res)`: the first parameter is no request; the response knows its own
    return f"{text(target)}.req.secure"


#: Names a handler's request goes by (`req`, `request`, `_req`, `httpReq`).
_REQUEST_NAME = lazy_pattern(r"^_?(?:\w*[Rr]eq|[Rr]equest)$")


def is_response(target: Node) -> bool:
    """Return True when ``target`` names an Express response: ``res``/``response``, or the
    second parameter of a function the call sits in (``(req, reply) => reply.cookie()``)."""
    return text(target) in RESPONSE_NAMES or _handler(target) is not None


class CookieFlags(Rule):
    """``res.cookie()`` without httpOnly, secure or sameSite."""

    id = "cookie-flags"
    needles = (b".cookie(",)

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        root = ctx.tree.root_node
        flags = flag_values(ctx.style)
        # Secure follows the request (`req.secure`): it never drops a cookie a plain-HTTP client
        # got before. The project tells Express which proxies to trust: req.secure is then true
        # for every HTTPS client, behind a TLS proxy too; without that, Secure is left for review.
        trusts_proxy = client_cookies(ctx.info.root).trusts_proxy
        # Only the deployer has declared the proxy hops (`.nodeharden.yml`): the TLS proxy's
        # X-Forwarded-Proto decides, for this flag alone, as express-session's `proxy: true`
        # does (a client forging it only makes its own cookie Secure).
        declared_proxy = ctx.info.config.trust_proxy is not None
        fixed_declarations: set[int] = set()
        calls: list[tuple[Node, Node, list[Node], str | None, Node | None, Node | None]] = []
        for match in captures(ctx.lang, _CALL_QUERY, root).get("call", []):
            fn = match.child_by_field_name("function")
            target = fn.child_by_field_name("object") if fn is not None else None
            args = match.child_by_field_name("arguments")
            if target is None or args is None or not is_response(target):
                continue
            values = code_children(args)
            if len(values) not in (2, 3):
                continue
            opts = values[2] if len(values) == 3 else None
            declared = resolve_object(root, text(opts)) \
                if opts is not None and opts.type == "identifier" else None
            calls.append((match, args, values, string_value(values[0]), declared,
                          declared or opts))
        named_options = [(name, opts) for _, _, _, name, _, opts in calls]
        for match, args, values, name, declared, opts in calls:
            if opts is not None and opts.type == "object":
                present = _effective_properties(root, opts)
                if present is None:
                    # Spread from options made elsewhere (`{ ...config.cookie, maxAge }`): the
                    # flags may come with them, as with options made elsewhere.
                    continue
                missing = [k for k in FLAGS if k not in present]
            elif opts is None:
                missing = list(FLAGS)
            else:
                # Options made elsewhere (`cookieOptions()`, `config.cookie`, an imported
                # object): what they set cannot be read here, so nothing is reported.
                continue
            if not missing:
                continue
            if _flow_binding(ctx, match, values) or _public_value(ctx.tree.root_node, values):
                continue
            held = self._held_back(ctx, match, name, missing, named_options)
            if "secure" in missing and not trusts_proxy and not declared_proxy:
                held["secure"] = _SECURE_HELD
            # Options declared outside the handler (`const remember = {…}` at the top of the
            # module) cannot read the request: `secure: req.secure` there would throw when the
            # module loads, so no fix writes it (the flag is left for review).
            out_of_scope = "secure" in missing and declared is not None \
                and not _within_handler(declared, match)
            if out_of_scope:
                held["secure"] = _SECURE_OUT_OF_SCOPE
            fix = None
            if declared is None or declared.start_byte not in fixed_declarations:
                safe_part = [k for k in missing if k not in held]
                chosen = safe_part or missing
                if out_of_scope:
                    chosen = [k for k in chosen if k != "secure"]
                values_of = dict(flags)
                values_of["secure"] = _request_secure(match)
                if declared_proxy and not trusts_proxy:
                    request = values_of["secure"].removesuffix(".secure")
                    values_of["secure"] += (f" || {request}.get("
                                            f"{ctx.style.q('x-forwarded-proto')}) === "
                                            f"{ctx.style.q('https')}")
                if chosen:
                    fix = self._fix(ctx, args, values, opts, {k: values_of[k] for k in chosen},
                                    declared=declared is not None,
                                    reasons=[] if safe_part else
                                    [r for r in held.values() if r != _SECURE_OUT_OF_SCOPE],
                                    left_out=[k for k in held if k not in chosen])
            if declared is not None:
                fixed_declarations.add(declared.start_byte)
            label = f"res.cookie({ctx.style.q(name)})" if name is not None else "res.cookie()"
            yield ctx.node_finding(
                self.id, match, f"{label} sets no " + ", ".join(f"`{k}`" for k in missing)
                + ": " + ", ".join(RISKS[k] for k in missing)
                + "".join(f" ({reason})" for reason in held.values()), fix)

    @staticmethod
    def _held_back(ctx: FileContext, call: Node, name: str | None, missing: list[str],
                   named_options: list[tuple[str | None, Node | None]]) -> dict[str, str]:
        """Return the missing flags a safe fix must not add, each with the reason."""
        held: dict[str, str] = {}
        if "httpOnly" in missing and name is not None:
            reader = client_cookies(ctx.info.root).reader_of(name)
            if reader is not None:
                held["httpOnly"] = (f"front-end code in {reader} reads this cookie: HttpOnly "
                                    "would hide it from the page")
        if "sameSite" in missing:
            route = route_path(call) or ""
            if _same_site_none(named_options, name):
                held["sameSite"] = ("it is also set with sameSite 'none' for cross-site use: "
                                    "Lax here would drop it from those requests")
            elif (name is not None and words(name) & _CROSS_SITE_NAME_WORDS) or \
                    words(route) & _CROSS_SITE_ROUTE_WORDS or \
                    _CROSS_SITE_MODULE_RE.search(ctx.source):
                held["sameSite"] = ("it serves a cross-site sign-in flow (OAuth/SSO callback): "
                                    "SameSite=Lax drops it on the provider's cross-site POST")
        return held

    @staticmethod
    def _fix(ctx: FileContext, args: Node, values: list[Node], opts: Node | None,
             flags: dict[str, str], *, declared: bool, reasons: list[str],
             left_out: list[str]) -> Fix:
        props = [f"{k}: {v}" for k, v in flags.items()]
        unsafe = declared or has_comments(args) or bool(reasons)
        if opts is None:
            at = values[1].end_byte
            edits = [TextEdit(at, at, ", { " + ", ".join(props) + " }")]
        else:  # an object literal (options made elsewhere are not reported)
            unsafe = unsafe or has_comments(opts) or has_spread(opts)
            edits = add_properties(ctx.source, opts, props, first=has_spread(opts))
        title = "Add " + ", ".join(props) + " to the cookie options"
        if left_out:
            title += " (" + ", ".join(f"`{k}`" for k in left_out) + " left for review)"
        if reasons:
            title += " (unsafe: " + "; ".join(reasons) + ")"
        return Fix(title=title,
                   applicability="unsafe" if unsafe else "safe",
                   changes=(FileChange(ctx.rel, tuple(edits)),))


RULE = CookieFlags()
