"""cookie-flags: cookies set with ``res.cookie()`` carry httpOnly, secure and sameSite.

Two flags can break the app they protect, and are then not asked at all (not listed as
missing, written by no fix, the reason kept as a note in the message):

- ``httpOnly`` on a cookie that front-end code reads or writes (``document.cookie``, js-cookie,
  an Angular or React cookie service, axios/Angular's XSRF cookie) anywhere in the repository:
  the page stops seeing it. The repository is scanned by bytes, front-end folders included,
  because browser code is not application code for the other rules; from the top of the git
  work tree when the scanned folder is one package of it (an API beside its ``../frontend``).
- ``sameSite`` on a cookie a cross-site flow needs: one set elsewhere with ``sameSite: 'none'``,
  or one that carries an OAuth/OIDC/SAML sign-in (its name, the route that sets it, or the
  sign-in library the file uses). Lax cookies are not sent on the identity provider's
  cross-site POST back to the app.

Cookies whose value is shown to hold no secret are not reported, as no flag protects anything
there: a constant (anyone can forge it), or a value every leaf of which is a constant or a field
or variable named for a display preference or a post-login target (``req.query.theme``,
``returnTo``), followed through the file's variables, or, in a cookie named for a URL, path or
return target (``last_survey_url``), a segment of the URL path the value builds
(``'/' + street.creatorId``) whose name says no secret; and the OAuth ``state`` / OIDC ``nonce``
of a sign-in the file runs when the value is drawn from a random source (public in the authorize
URL, the sign-in's own CSRF defence). The cookie's name alone hides nothing: a ``theme`` cookie
holding an API key or a ``state`` cookie holding a signed token is reported.

Options that spread an object the file declares are read with it; a spread of
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
    CASTS_AND_AWAIT,
    FUNCTION_TYPES,
    arguments_of,
    code_children,
    enclosing,
    has_spread,
    needle_ranges,
    nodes_in,
    nodes_of_types,
    object_properties,
    string_value,
    text,
    unwrap,
    walk,
)
from nodeharden._project import files_with_suffix, repository_top
from nodeharden._regex import lazy_pattern
from nodeharden._style import Style, line_indent
from nodeharden.rules._base import FileContext, Rule, words
from nodeharden.rules._edits import add_properties, has_comments, resolve_object

FLAGS = ("httpOnly", "secure", "sameSite")
RISKS = {"httpOnly": "page scripts can read it", "secure": "it travels over plain HTTP",
         "sameSite": "it rides along on cross-site requests"}
RESPONSE_NAMES = frozenset({"res", "response"})

#: Where a ``.cookie(…)`` call can be: around each ``cookie`` of the file.
_COOKIE_NEEDLE = lazy_pattern(rb"cookie")

#: Files a browser may run or that hold browser code: scripts, components, pages and templates.
FRONT_END_SUFFIXES = frozenset({
    ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".vue", ".svelte", ".html", ".htm", ".ejs",
    ".pug", ".jade", ".hbs", ".handlebars", ".njk", ".twig", ".astro",
})
_MAX_SCAN_BYTES = 2_000_000
#: Cookie libraries' read/write calls: js-cookie ``Cookies.get('n')``, universal-cookie and
#: react-cookie ``cookies.get('n')``, ngx-cookie(-service) ``this.cookieService.get('n')``,
#: jquery-cookie ``$.cookie('n')``.
_LIBRARY_CALL = (rb"(?:\b\w*[cC]ookie\w*\s*\??\.\s*(?:get|set|remove|delete|check|getObject|put"
                 rb"|putObject|getJSON|erase)|\$\.cookie)\s*\(\s*")
_LIBRARY_CALL_RE = lazy_pattern(_LIBRARY_CALL + rb"['\"`]([^'\"`\n]{1,200})['\"`]")
#: ... and the same calls with a name held in a constant (``Cookies.get(TOKEN_COOKIE)``), read
#: from the file's ``const TOKEN_COOKIE = 'login_token'``.
_LIBRARY_CALL_NAME_RE = lazy_pattern(_LIBRARY_CALL + rb"([A-Za-z_$][\w$]{0,100})\s*[,)]")
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
_CROSS_SITE_MODULE_RE = lazy_pattern(
    rb"""['"](?:openid-client|passport-saml|@node-saml/[\w-]+|samlify|passport-openidconnect|"""
    rb"""passport-oauth2|passport-azure-ad|simple-oauth2|grant|@auth/express)['"]""")
_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "all", "use"})
#: A sign-in through passport that the handler starts: its strategy (group 2, when a string).
_PASSPORT_START_RE = lazy_pattern(
    rb"""\bpassport\s*\.\s*authenticate\s*\(\s*(['"`]([\w-]+)['"`])?""")
#: passport strategies whose provider answers on the app's callback with a POST (SAML,
#: WS-Federation, OpenID Connect's form_post).
_CROSS_SITE_STRATEGY_WORDS = frozenset({"saml", "wsfed", "azuread", "openidconnect", "oidc",
                                        "openid", "sso"})


#: A cookie's Secure flag decided per request on the server: express-session's ``secure:
#: 'auto'``, ``secure: req.secure``, ``secure: req.protocol === 'https'``.
_PER_REQUEST_SECURE_RE = lazy_pattern(
    rb"""\bsecure\s*:\s*(?:['"]auto['"]|req(?:uest)?\.secure\b"""
    rb"""|req(?:uest)?\.protocol\s*===?\s*['"]https['"])""")
#: The app tells Express which proxies to trust: behind a TLS proxy, req.secure is then true
#: for HTTPS clients.
_TRUST_PROXY_RE = lazy_pattern(rb"""['"]trust proxy['"]""")



def _starts_sign_in(call: Node) -> bool:
    """Return True when the function around ``call`` (a ``res.cookie``) goes on to start a
    passport sign-in whose provider may answer with a cross-site POST: a strategy named by a
    variable (``passport.authenticate(method, …)``, a plugin's SAML or OIDC among them) or by a
    name of such a strategy (``'saml'``). The cookie rides that round trip."""
    fn = enclosing(call, FUNCTION_TYPES)
    if fn is None:
        return False
    body = fn.text or b""
    after = call.end_byte - fn.start_byte
    for match in _PASSPORT_START_RE.finditer(body, after):
        strategy = match.group(2)
        if strategy is None or words(strategy.decode("utf-8", "replace")) \
                & _CROSS_SITE_STRATEGY_WORDS:
            return True
    return False

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
            for match in _LIBRARY_CALL_NAME_RE.finditer(data):
                value = _constant_string(data, match.group(1))
                if value is not None:
                    self.named.setdefault(value.decode("utf-8", "replace"), rel)
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


def _constant_string(data: bytes, name: bytes) -> bytes | None:
    """Return the string a file declares constant ``name`` as (``const NAME = 'value'``, also
    exported or typed), or None when it declares no such string."""
    found = re.search(rb"\b(?:const|let|var)\s+" + re.escape(name)
                      + rb"\s*(?::\s*[\w.]+\s*)?=\s*['\"`]([^'\"`\n$]{1,200})['\"`]", data)
    return found.group(1) if found else None


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


def client_reader(root: str, name: str) -> str | None:
    """Return a file of front-end code that reads or writes cookie ``name`` (relative to
    ``root``), or None: under ``root`` first, then anywhere in its git work tree, where a
    front end beside the scanned server folder (``../frontend``) lives. Read only when a cookie
    lacks httpOnly; the same suffix and size limits and the same cache apply to both scans."""
    reader = client_cookies(root).reader_of(name)
    if reader is not None:
        return reader
    top = repository_top(Path(root))
    if top is None or top == Path(root):
        return None
    reader = client_cookies(str(top)).reader_of(name)
    if reader is None:
        return None
    return os.path.relpath(top / reader, root).replace(os.sep, "/")


#: ``document.cookie`` read, not assigned (``document.cookie = 't=; expires=…'`` writes).
_COOKIE_READ_RE = lazy_pattern(rb"document\.cookie(?!\s*=(?!=))")


def _writes_only(root: str, reader: str) -> bool:
    """Return True when front-end file ``reader`` (``client_reader``'s) only ever assigns
    ``document.cookie``: it writes cookies (a sign-out expiring one) and reads none."""
    try:
        data = (Path(root) / reader).read_bytes()
    except OSError:
        return False
    return b"document.cookie" in data and _COOKIE_READ_RE.search(data) is None


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
#: Words of a field or variable that mark a secret, beyond the credential words: an API key, a
#: hash or signature, a one-time code, a CSRF token (`apiKey`, `passwordHash`, `csrfSecret`).
_SECRET_FIELD_WORDS = _CREDENTIAL_WORDS | frozenset({
    "key", "apikey", "hash", "signature", "sig", "pass", "passwd", "pwd", "otp", "pin", "csrf",
    "xsrf", "cookie", "cookies", "bearer", "access", "refresh", "private"})
_SIGN_IN_WORDS = frozenset({"oauth", "oauth2", "oidc", "openid", "saml", "sso"})
#: An authorization request the file builds itself (OAuth 2.0 / OIDC parameters).
_AUTHORIZE_REQUEST_RE = lazy_pattern(rb"\b(?:redirect_uri|code_challenge|response_type)\b")

#: Words of a cookie's name or value that mark a display preference, a server address or a
#: navigation target (`theme`, `locale`, `host`, `returnTo`, `targetPath`): values the page
#: shows or the URL carries.
_PREFERENCE_WORDS = frozenset({"theme", "locale", "lang", "language", "currency", "timezone",
                               "pref", "prefs", "preference", "preferences",
                               # the server the page connects to (an SSH or database client's
                               # target): an address it shows, no credential
                               "host", "hostname", "port"})
_TARGET_WORDS = frozenset({"redirect", "return", "target"})
_TARGET_OBJECT_WORDS = frozenset({"path", "url", "to", "uri"})
#: A bare location (`req.path`, `req.session.next`), a target only in a cookie named for one.
_LOCATION_WORDS = frozenset({"path", "url", "uri", "next", "location", "href"})
#: Words of a cookie's name that say it holds a URL or path (`last_survey_url`, `nextPath`).
#: Not `location`, which may as well be a place.
_URL_NAME_WORDS = frozenset({"path", "url", "uri", "next", "href"})
#: Words of a cookie's name that say it holds an identifier, never a navigation target.
_ID_WORDS = frozenset({"id", "ids", "uid", "guid", "uuid"})
#: Words of a path segment that may make the URL a capability (a reset, sign-in or invite
#: link), beyond the secret words: the URL is then a credential.
_CAPABILITY_WORDS = frozenset({"code", "ticket", "nonce", "state", "invite", "magic"})
_LITERAL_TYPES = frozenset({"number", "true", "false", "null", "undefined", "regex"})
#: Operators whose result is a boolean, whatever their operands hold.
_BOOLEAN_OPERATORS = frozenset({"===", "!==", "==", "!=", "<", ">", "<=", ">=", "instanceof",
                                "in"})
#: Calls that hand on what their arguments (or the object they are called on) hold.
_PURE_FUNCTIONS = frozenset({"encodeURIComponent", "encodeURI", "String", "Number", "Boolean",
                             "JSON.stringify", "parseInt", "parseFloat", "Math.round",
                             "Math.floor", "Math.ceil", "Math.min", "Math.max"})
_PURE_METHODS = frozenset({"toString", "toLowerCase", "toUpperCase", "trim", "slice",
                           "substring", "substr", "padStart", "padEnd", "toFixed", "concat",
                           "join"})
#: Calls that sign or encrypt: what they return is a credential (`jwt.sign`, `encrypt(...)`).
_SIGNING_WORDS = frozenset({"sign", "jwt", "encrypt", "seal", "hmac"})
#: Random sources a sign-in's state or nonce is drawn from (`crypto.randomBytes`,
#: `randomUUID`, `uuid.v4`, `nanoid`, openid-client's `generators.state()`).
_RANDOM_CALL_PARTS = ("random", "uuid", "nanoid", "cuid")
_RANDOM_CALL_NAMES = frozenset({"v1", "v4", "v7", "generators.state", "generators.nonce"})
_MAX_FOLLOW = 6
#: Declarations or assignments of one name followed at most (a name bound all over a file
#: is not read: it may hold anything).
_MAX_ASSIGNMENTS = 8


def _says_target(said: set[str]) -> bool:
    """Return True when words name a navigation target (`redirect…`, `returnTo`, `targetPath`,
    a sign-in's `callback` URL)."""
    return "redirect" in said or "callback" in said or \
        bool(said & _TARGET_WORDS and said & _TARGET_OBJECT_WORDS)


def _target_cookie_name(said: set[str]) -> bool:
    """Return True when a cookie's name says it holds a navigation target: a target word
    (`redirect…`, `returnTo`, `callback`), or a URL or path (`last_survey_url`, `nextPath`)
    in a name that names no secret and no identifier (`token_url`, `user_id_path` do not)."""
    return _says_target(said) or (bool(said & _URL_NAME_WORDS)
                                  and not said & (_SECRET_FIELD_WORDS | _ID_WORDS))


def _builds_path(literal: str, in_path: bool) -> bool:
    """Return True when a string being built with the literal text ``literal`` is (part of) a
    URL path with no query or fragment (`'/' + …`, `` `${a}/${b}` ``, or any piece of a path
    already, ``in_path``): what is put into it is a path segment. Past a `?` or `#` come
    query values and fragments, which may carry a token (`'/reset?token=' + …`)."""
    return (in_path or "/" in literal) and "?" not in literal and "#" not in literal


def _path_segment(name: str) -> bool:
    """Return True when ``name``, a variable or member chain put into a URL path, names no
    secret and nothing that makes the URL a capability (`street.namespacedId`; not
    `req.sessionID`, `reset.code`, `invite.ticket`, `secrets.slug`), plurals included."""
    said = words(name)
    said |= {w[:-1] for w in said if w.endswith("s")}
    return not said & (_SECRET_FIELD_WORDS | _CAPABILITY_WORDS)


def _literal_text(node: Node) -> str:
    """Return the literal text of a string or template literal (a template's substitutions
    left out), or '' for anything else."""
    value = string_value(node)
    if value is not None:
        return value
    if node.type == "template_string":
        return "".join(text(c) for c in node.children
                       if c.type not in ("template_substitution", "`"))
    return ""


def _concatenated(node: Node) -> list[Node]:
    """Return the operands of a chain of ``+`` (``'/' + a + '/' + b``), left to right."""
    op = node.child_by_field_name("operator") if node.type == "binary_expression" else None
    if op is None or text(op) != "+":
        return [node]
    return [part for side in (node.child_by_field_name("left"),
                              node.child_by_field_name("right")) if side is not None
            for part in _concatenated(side)]


def _harmless_field(name: str, target_cookie: bool) -> bool:
    """Return True when a field or variable named ``name`` holds a display preference or a
    navigation target (`req.query.theme`, `req.body.lang`, `returnTo`; a bare `path`, `url` or
    `next` in a cookie named for a target), and its name says no secret (`themeKey`)."""
    said = words(name)
    if said & _SECRET_FIELD_WORDS:
        return False
    return bool(said & _PREFERENCE_WORDS or _says_target(said)
                or (target_cookie and said & _LOCATION_WORDS))


def _key_name(index: Node | None) -> str | None:
    """Return the key a subscript reads by name: a string (``req.cookies['lang']``), or the
    name of the constant that holds it (``req.cookies[CookieNames.lang]``, ``[langCookie]``);
    None for any other index (``req.cookies[req.query.name]``)."""
    if index is None:
        return None
    if index.type == "identifier":
        return text(index)
    if index.type == "member_expression":
        holder = unwrap(index.child_by_field_name("object"))
        return text(index.child_by_field_name("property")) \
            if holder is not None and holder.type == "identifier" else None
    return string_value(index)


class _Binding:
    """One place a file binds a name: ``const name = value``, or a field of a destructured
    value (``const { key: name } = value``, ``key`` None for an array or a computed key)."""

    __slots__ = ("key", "scope", "value")

    def __init__(self, value: Node | None, scope: tuple[int, int] | None,
                 key: str | None) -> None:
        self.value = value
        self.scope = scope
        self.key = key


def _scope_of(node: Node) -> tuple[int, int] | None:
    fn = enclosing(node, _FUNCTIONS)
    return (fn.start_byte, fn.end_byte) if fn is not None else None


def _parameter_names(fn: Node) -> set[str]:
    params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
    if params is None:
        return set()
    return {text(n) for n in walk(params)
            if n.type in ("identifier", "shorthand_property_identifier_pattern")}


class _Bindings:
    """What a file binds to each name (declarations, assignments, function declarations), read
    in one pass over the file, so that a cookie's value can be followed to what it holds."""

    def __init__(self, lang: str, root: Node) -> None:
        self.declared: dict[tuple[str, tuple[int, int] | None], list[_Binding]] = {}
        self.by_name: dict[str, list[_Binding]] = {}
        self.assigned: dict[str, list[Node]] = {}
        self.functions: dict[str, list[Node]] = {}
        self._returns: dict[tuple[int, int], list[Node]] = {}
        for node in nodes_of_types(lang, root, ("variable_declarator", "assignment_expression",
                                                "augmented_assignment_expression",
                                                "function_declaration")):
            if node.type == "function_declaration":
                name = node.child_by_field_name("name")
                if name is not None:
                    self.functions.setdefault(text(name), []).append(node)
            elif node.type == "variable_declarator":
                self._declarator(node)
            else:
                left = node.child_by_field_name("left")
                right = node.child_by_field_name("right")
                if left is not None and left.type == "identifier" and right is not None:
                    self.assigned.setdefault(text(left), []).append(right)

    def _declarator(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return
        scope = _scope_of(node)
        if name.type == "identifier":
            self._bind(text(name), _Binding(value, scope, None))
            return
        for part in walk(name):
            key: str | None = None
            bound: Node | None = None
            if part.type == "shorthand_property_identifier_pattern":
                key, bound = text(part), part
            elif part.type == "pair_pattern":
                k = part.child_by_field_name("key")
                v = part.child_by_field_name("value")
                if v is not None and v.type == "assignment_pattern":
                    v = v.child_by_field_name("left")
                if v is not None and v.type == "identifier":
                    bound = v
                    key = text(k) if k is not None and k.type == "property_identifier" \
                        else string_value(k)
            elif part.type == "identifier" and part.parent is not None \
                    and part.parent.type in ("array_pattern", "assignment_pattern",
                                             "rest_pattern"):
                bound = part
            if bound is not None:
                self._bind(text(bound), _Binding(value, scope, key))

    def _bind(self, name: str, binding: _Binding) -> None:
        self.declared.setdefault((name, binding.scope), []).append(binding)
        self.by_name.setdefault(name, []).append(binding)

    def lookup(self, use: Node) -> tuple[str, list[_Binding]]:
        """Return how the name at ``use`` is bound where it is used: ("param", []), a
        parameter of a function around it; ("declared", bindings) in the nearest scope that
        declares it; ("unknown", []) otherwise (an import, a global, a catch clause)."""
        name = text(use)
        fn = enclosing(use, _FUNCTIONS)
        while True:
            scope = (fn.start_byte, fn.end_byte) if fn is not None else None
            here = self.declared.get((name, scope), [])
            if here:
                return "declared", here
            if fn is None:
                return "unknown", []
            if name in _parameter_names(fn):
                return "param", []
            fn = enclosing(fn, _FUNCTIONS)

    def string_constant(self, name: str) -> str | None:
        """Return the string a file binds to ``name`` once, as ``const name = '...'``."""
        found = self.by_name.get(name, [])
        return string_value(found[0].value) if len(found) == 1 and found[0].key is None \
            else None

    def returns(self, fn: Node) -> list[Node]:
        """Return the expressions a function returns (its body, for an arrow's expression)."""
        key = (fn.start_byte, fn.end_byte)
        if key not in self._returns:
            body = fn.child_by_field_name("body")
            found: list[Node] = []
            if body is not None and body.type != "statement_block":
                found.append(body)
            elif body is not None:
                for node in walk(body):
                    if node.type == "return_statement" and enclosing(node, _FUNCTIONS) == fn:
                        found.extend(code_children(node)[:1])
            self._returns[key] = found
        return self._returns[key]

    def local_function(self, callee: Node) -> Node | None:
        """Return the function a call's identifier names when the file declares it once."""
        if callee.type != "identifier":
            return None
        name = text(callee)
        fns = self.functions.get(name, [])
        decls = self.by_name.get(name, [])
        if len(fns) == 1 and not decls:
            return fns[0]
        if not fns and len(decls) == 1 and decls[0].key is None and decls[0].value is not None \
                and decls[0].value.type in _FUNCTIONS:
            return decls[0].value
        return None

    # -- no secret ---------------------------------------------------------------------------

    def harmless(self, node: Node, target_cookie: bool, depth: int = 0,
                 in_path: bool = False) -> bool:
        """Return True when ``node`` is shown to hold no secret: a literal, or an expression
        every leaf of which is: a field or variable named for a display preference or a
        navigation target, or a variable bound only to such values; in a cookie named for a
        target, also a segment of a URL path the value builds (``in_path``: `'/' +
        street.creatorId + '/' + street.namespacedId`) whose name says no secret. Any other
        leaf (a token, a session id, a signed value, a call, an unknown name) may hold a
        secret."""
        if depth > _MAX_FOLLOW:
            return False
        kind = node.type
        if kind in CASTS_AND_AWAIT and node.named_children:
            return self.harmless(node.named_children[0], target_cookie, depth + 1, in_path)
        if kind in _LITERAL_TYPES or string_value(node) is not None:
            return True
        if kind == "template_string":
            path = target_cookie and (in_path or "/" in _literal_text(node))
            before = ""  # the literal text ahead of each substitution: past a `?`, no path
            for part in node.children:
                if part.type != "template_substitution":
                    before += text(part)
                elif part.named_children and not self.harmless(
                        part.named_children[0], target_cookie, depth + 1,
                        path and _builds_path(before, True)):
                    return False
            return True
        if kind == "binary_expression":
            op = node.child_by_field_name("operator")
            if op is not None and text(op) in _BOOLEAN_OPERATORS:
                return True
            # `'/' + a + '/' + b`: the whole chain's literal text says whether it builds a path
            # (the left part of `'/a/' + b + '?t=' + c` is judged again on its own).
            literal = "".join(_literal_text(p) for p in _concatenated(node))
            path = target_cookie and op is not None and text(op) == "+" \
                and _builds_path(literal, in_path)
            return all(self.harmless(side, target_cookie, depth + 1, path)
                       for side in (node.child_by_field_name("left"),
                                    node.child_by_field_name("right")) if side is not None)
        if kind == "unary_expression":
            op = node.child_by_field_name("operator")
            arg = node.child_by_field_name("argument")
            return op is not None and (text(op) in ("!", "typeof", "void") or (
                arg is not None and self.harmless(arg, target_cookie, depth + 1, in_path)))
        if kind == "ternary_expression":
            return all(self.harmless(side, target_cookie, depth + 1, in_path)
                       for side in (node.child_by_field_name("consequence"),
                                    node.child_by_field_name("alternative")) if side is not None)
        if kind == "member_expression":
            prop = node.child_by_field_name("property")
            return prop is not None and (_harmless_field(text(prop), target_cookie)
                                         or (in_path and _path_segment(text(node))))
        if kind == "subscript_expression":
            index = _key_name(unwrap(node.child_by_field_name("index")))
            return index is not None and (_harmless_field(index, target_cookie)
                                          or (in_path and _path_segment(text(node))))
        if kind in ("identifier", "shorthand_property_identifier"):
            return self._harmless_name(node, target_cookie, depth, in_path)
        if kind in ("object", "array"):
            return all(self.harmless(part, target_cookie, depth + 1)
                       for part in code_children(node))
        if kind == "pair":
            value = node.child_by_field_name("value")
            return value is not None and self.harmless(value, target_cookie, depth + 1)
        if kind == "spread_element":
            return bool(node.named_children) and \
                self.harmless(node.named_children[0], target_cookie, depth + 1)
        if kind in ("call_expression", "new_expression"):
            return self._harmless_call(node, target_cookie, depth, in_path)
        return False

    def _harmless_name(self, node: Node, target_cookie: bool, depth: int,
                       in_path: bool) -> bool:
        how, bindings = self.lookup(node)
        if how == "param":  # data named for what it is (`function setTheme(res, theme)`)
            return _harmless_field(text(node), target_cookie) \
                or (in_path and _path_segment(text(node)))
        if how == "unknown" or len(bindings) > _MAX_ASSIGNMENTS:
            return False
        for binding in bindings:
            if binding.key is not None and (_harmless_field(binding.key, target_cookie)
                                            or (in_path and _path_segment(binding.key))):
                continue
            if binding.value is not None and \
                    not self.harmless(binding.value, target_cookie, depth + 1, in_path):
                return False
        assigned = self.assigned.get(text(node), [])
        return len(assigned) <= _MAX_ASSIGNMENTS and \
            all(self.harmless(value, target_cookie, depth + 1, in_path) for value in assigned)

    def _harmless_call(self, node: Node, target_cookie: bool, depth: int,
                       in_path: bool) -> bool:
        callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        args = node.child_by_field_name("arguments")
        arguments = code_children(args) if args is not None else []
        if callee is None:
            return False
        name = text(callee)
        if name in _PURE_FUNCTIONS:
            return all(self.harmless(a, target_cookie, depth + 1, in_path) for a in arguments)
        prop = callee.child_by_field_name("property") if callee.type == "member_expression" \
            else None
        obj = callee.child_by_field_name("object") if prop is not None else None
        return prop is not None and obj is not None and text(prop) in _PURE_METHODS \
            and self.harmless(obj, target_cookie, depth + 1, in_path) \
            and all(self.harmless(a, target_cookie, depth + 1, in_path) for a in arguments)

    # -- a random nonce ----------------------------------------------------------------------

    def random_nonce(self, node: Node) -> bool:
        """Return True when ``node`` holds a value drawn from a random source
        (`crypto.randomBytes`, `randomUUID`, `uuid`, `nanoid`, or a variable or a local
        function that returns one) and nothing that signs, encrypts or names a credential
        (`jwt.sign(...)`, `req.sessionID`, `SECRET`): a sign-in's state or nonce, not a
        session."""
        found = {"random": False, "secret": False}
        self._scan(node, found, 0, set())
        return found["random"] and not found["secret"]

    def _scan(self, node: Node, found: dict[str, bool], depth: int,
              seen: set[tuple[int, int]]) -> None:
        key = (node.start_byte, node.end_byte)
        if depth > _MAX_FOLLOW or key in seen or found["secret"]:
            return
        seen.add(key)
        for part in walk(node):
            kind = part.type
            if kind == "call_expression":
                callee = part.child_by_field_name("function")
                if callee is None:
                    continue
                said = words(text(callee))
                if said & _SIGNING_WORDS:
                    found["secret"] = True
                    return
                if text(callee) in _RANDOM_CALL_NAMES or any(p in text(callee).lower()
                                                             for p in _RANDOM_CALL_PARTS):
                    found["random"] = True
                local = self.local_function(callee)
                if local is not None:
                    for value in self.returns(local):
                        self._scan(value, found, depth + 1, seen)
            elif kind in ("identifier", "shorthand_property_identifier"):
                parent = part.parent
                if parent is not None and parent.type == "call_expression" and \
                        parent.child_by_field_name("function") == part:
                    continue
                if words(text(part)) & _CREDENTIAL_WORDS:
                    found["secret"] = True
                    return
                _, bindings = self.lookup(part)
                assigned = self.assigned.get(text(part), [])
                if len(assigned) > _MAX_ASSIGNMENTS or len(bindings) > _MAX_ASSIGNMENTS:
                    found["secret"] = True  # too many to follow: not shown to be random
                    return
                for binding in bindings:
                    if binding.value is not None:
                        self._scan(binding.value, found, depth + 1, seen)
                for value in assigned:
                    self._scan(value, found, depth + 1, seen)
            elif kind == "property_identifier" and words(text(part)) & _CREDENTIAL_WORDS:
                found["secret"] = True
                return
            if found["secret"]:
                return


def _expression_words(bindings: _Bindings, node: Node) -> set[str]:
    """Return the words that say what a cookie's name or value holds: a string's own words,
    else a constant's string and its name, else the last name of a member chain."""
    value = string_value(node)
    if value is not None:
        return words(value)
    if node.type == "identifier":
        return words(text(node)) | words(bindings.string_constant(text(node)) or "")
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return words(text(prop)) if prop is not None else set()
    return set()


def _flow_binding(ctx: FileContext, bindings: _Bindings, call: Node, values: list[Node]) -> bool:
    """Return True when the cookie holds an OAuth ``state`` or OIDC ``nonce`` of a sign-in
    the file runs: a random value that also travels in the authorize URL, which the server
    compares with what the provider echoes back. It is the sign-in's own CSRF defence and no
    secret: HttpOnly hides nothing and SameSite protects nothing. The value must be drawn
    from a random source: a `state` cookie holding a signed token is a session. Or it is the
    client's own `state`/`nonce` relayed from this request's query (`req.query.state`): the
    URL already carries it, so no flag hides it, whatever the cookie is named."""
    said = _expression_words(bindings, values[0]) | _expression_words(bindings, values[1])
    if not said & _FLOW_BINDING_WORDS:
        return False
    relayed = _query_field(values[1]) in _FLOW_BINDING_WORDS
    if said & _CREDENTIAL_WORDS and not relayed:
        return False
    if not (said & _SIGN_IN_WORDS or words(ctx.rel) & _SIGN_IN_WORDS
            or words(route_path(call) or "") & _CROSS_SITE_ROUTE_WORDS
            or _CROSS_SITE_MODULE_RE.search(ctx.source)
            or _AUTHORIZE_REQUEST_RE.search(ctx.source)):
        return False
    return relayed or bindings.random_nonce(values[1])


def _query_field(node: Node) -> str | None:
    """Return the name of the query parameter ``node`` reads as it is (`req.query.state`,
    `request.query['nonce']`), or None."""
    if node.type == "member_expression":
        key = node.child_by_field_name("property")
        field = text(key) if key is not None else None
    elif node.type == "subscript_expression":
        field = string_value(node.child_by_field_name("index"))
    else:
        return None
    query = node.child_by_field_name("object")
    if field is None or query is None or query.type != "member_expression" or \
            text(query.child_by_field_name("property")) != "query":
        return None
    request = query.child_by_field_name("object")
    return field if request is not None and text(request) in ("req", "request", "ctx.request",
                                                            "ctx") else None


def _public_value(bindings: _Bindings, values: list[Node]) -> bool:
    """Return True when the cookie's value is shown to hold no secret, so no flag protects
    anything: a constant (`'true'`, `1`: every visitor gets the same value, anyone can forge
    it), or an expression every leaf of which is a display preference (`req.query.theme`), a
    navigation target (`req.query.returnTo`; `req.path` in a cookie named for a redirect) or a
    constant. The cookie's name alone says nothing: `res.cookie('theme', req.user.apiKey)`
    holds a secret."""
    target_cookie = _target_cookie_name(_expression_words(bindings, values[0]))
    return bindings.harmless(values[1], target_cookie)


#: Packages whose middleware gives each request `req.csrfToken()`, the token it checks.
_CSRF_MIDDLEWARE_PACKAGES = ("csurf", "tiny-csrf", "lusca")


def _is_csrf_token_call(ctx: FileContext, node: Node) -> bool:
    """Return True when ``node`` is `<request>.csrfToken()` (no arguments) and the project
    depends on a package whose middleware defines it (csurf, tiny-csrf, lusca)."""
    if node.type != "call_expression":
        return False
    callee = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if callee is None or callee.type != "member_expression" or args is None \
            or args.named_children:
        return False
    obj = callee.child_by_field_name("object")
    prop = callee.child_by_field_name("property")
    return obj is not None and obj.type == "identifier" and prop is not None \
        and text(prop) == "csrfToken" \
        and any(ctx.info.has_dependency(p) for p in _CSRF_MIDDLEWARE_PACKAGES)


#: A cookie name that says it carries a CSRF token (``XSRF-TOKEN``, ``__csrf``, ``csrf_token``).
_CSRF_WORD = lazy_pattern(r"(?i)[cx]srf")
#: A field that holds a session's CSRF token: ``session.csrf``, ``user.csrfToken``.
_CSRF_FIELD = lazy_pattern(r"(?i)_*[cx]srf_?(?:token)?")


def _csrf_token_for_page(ctx: FileContext, bindings: _Bindings, name: str | None,
                         value: Node) -> bool:
    """Return True when the cookie is the CSRF middleware's own token for the page to echo
    (overseerr's `res.cookie('XSRF-TOKEN', req.csrfToken(), ...)`): its value is
    `req.csrfToken()` (csurf, tiny-csrf, lusca), in the call or through one `const` bound
    to that call alone, or, in a cookie named for one, a field that holds a CSRF token
    (ODK Central's `res.cookie('__csrf', session.csrf)`). HttpOnly would break the page and
    hide nothing: the page holds the token anyway. Never for `_csrf` (csurf's secret cookie)
    or a name that says secret; the cookie's name alone, or any other value, credits
    nothing."""
    if name is None or name.lower() == "_csrf" or "secret" in name.lower():
        return False
    if value.type in CASTS_AND_AWAIT and len(value.named_children) == 1:
        value = value.named_children[0]
    if _is_csrf_token_call(ctx, value):
        return True
    if value.type == "member_expression" and _CSRF_WORD.search(name) and \
            _CSRF_FIELD.fullmatch(text(value.child_by_field_name("property"))):
        return True  # `res.cookie('__csrf', session.csrf)`: the session's token, as ODK's
    if value.type != "identifier":
        return False
    how, found = bindings.lookup(value)
    if how != "declared" or len(found) != 1 or found[0].key is not None \
            or found[0].value is None or text(value) in bindings.assigned:
        return False
    declarator = found[0].value.parent
    declaration = declarator.parent if declarator is not None else None
    if declaration is None or declaration.type != "lexical_declaration" \
            or not text(declaration).startswith("const"):
        return False
    bound = found[0].value
    if bound.type in CASTS_AND_AWAIT and len(bound.named_children) == 1:
        bound = bound.named_children[0]
    return _is_csrf_token_call(ctx, bound)


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
        fixed_declarations: set[int] = set()
        calls: list[tuple[Node, Node, list[Node], str | None, Node | None, Node | None]] = []
        for match in nodes_in(ctx.lang, root, needle_ranges([_COOKIE_NEEDLE], ctx.source),
                              "call")["call"]:
            fn = match.child_by_field_name("function")
            if fn is None or fn.type != "member_expression":
                continue
            target = fn.child_by_field_name("object")
            prop = fn.child_by_field_name("property")
            args = arguments_of(match)
            if target is None or target.type != "identifier" or prop is None \
                    or prop.type != "property_identifier" or text(prop) != "cookie" \
                    or args is None or not is_response(target):
                continue
            values = code_children(args)
            if len(values) not in (2, 3):
                continue
            opts = values[2] if len(values) == 3 else None
            declared = resolve_object(root, text(opts)) \
                if opts is not None and opts.type == "identifier" else None
            calls.append((match, args, values, string_value(values[0]), declared,
                          declared or opts))
        if not calls:
            return  # most files: neither the style nor the front-end code is looked at
        flags = flag_values(ctx.style)
        # Secure follows the request (`req.secure`): it never drops a cookie a plain-HTTP client
        # got before. The project tells Express which proxies to trust: req.secure is then true
        # for every HTTPS client, behind a TLS proxy too; without that, Secure is left for review.
        trusts_proxy = client_cookies(ctx.info.root).trusts_proxy
        # Only the deployer has declared the proxy hops (`.nodeharden.yml`): the TLS proxy's
        # X-Forwarded-Proto decides, for this flag alone, as express-session's `proxy: true`
        # does (a client forging it only makes its own cookie Secure).
        declared_proxy = ctx.info.config.trust_proxy is not None
        named_options = [(name, opts) for _, _, _, name, _, opts in calls]
        bindings: _Bindings | None = None  # read on the first call that needs it
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
            if bindings is None:
                bindings = _Bindings(ctx.lang, root)
            if _flow_binding(ctx, bindings, match, values) or _public_value(bindings, values):
                continue
            if "httpOnly" in missing and _csrf_token_for_page(ctx, bindings, name, values[1]):
                # A double-submit CSRF token is for the page to read: only Secure and
                # SameSite are asked.
                missing.remove("httpOnly")
                if not missing:
                    continue
            # A flag the app needs missing (a page script reads the cookie; a cross-site
            # sign-in flow sends it) is neither listed nor asked for: adding it would break the
            # app. Its reason stays in the message, so the reader sees why it is not asked.
            needed = self._needed_missing(ctx, match, name, missing, named_options)
            missing = [k for k in missing if k not in needed]
            if not missing:
                continue  # nothing is left to act on
            held: dict[str, str] = {}  # missing flags the safe fix leaves out, with the reason
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
                + "".join(f" ({reason})" for reason in held.values())
                + "".join(f" (`{k}` is not asked: {reason})" for k, reason in needed.items()),
                fix)

    @staticmethod
    def _needed_missing(ctx: FileContext, call: Node, name: str | None, missing: list[str],
                        named_options: list[tuple[str | None, Node | None]]) -> dict[str, str]:
        """Return the missing flags the app needs missing, which no fix may add, each with
        the reason: httpOnly on a cookie front-end code reads, sameSite on a cookie a
        cross-site flow sends."""
        needed: dict[str, str] = {}
        if "httpOnly" in missing and name is not None:
            reader = client_reader(ctx.info.root, name)
            if reader is not None and _writes_only(ctx.info.root, reader):
                needed["httpOnly"] = (f"front-end code in {reader} writes this cookie "
                                      "(`document.cookie = …`, as a sign-out clears it), which "
                                      "browsers refuse for an HttpOnly cookie")
            elif reader is not None:
                needed["httpOnly"] = (f"front-end code in {reader} reads this cookie, which "
                                      "HttpOnly would hide from the page")
        if "sameSite" in missing:
            route = route_path(call) or ""
            if _same_site_none(named_options, name):
                needed["sameSite"] = ("it is also set with sameSite 'none' for cross-site use, "
                                      "which Lax here would break")
            elif (name is not None and words(name) & _CROSS_SITE_NAME_WORDS) or \
                    words(route) & _CROSS_SITE_ROUTE_WORDS or \
                    _CROSS_SITE_MODULE_RE.search(ctx.source) or _starts_sign_in(call):
                needed["sameSite"] = ("it serves a cross-site sign-in flow (OAuth/SSO "
                                      "callback), and SameSite=Lax drops it on the provider's "
                                      "cross-site POST")
        return needed

    @staticmethod
    def _fix(ctx: FileContext, args: Node, values: list[Node], opts: Node | None,
             flags: dict[str, str], *, declared: bool, reasons: list[str],
             left_out: list[str]) -> Fix:
        props = [f"{k}: {v}" for k, v in flags.items()]
        unsafe = declared or has_comments(args) or bool(reasons)
        if opts is None:
            at = values[1].end_byte
            edits = [TextEdit(at, at, ", " + ctx.style.braces(", ".join(props)))]
        else:  # an object literal (options made elsewhere are not reported)
            unsafe = unsafe or has_comments(opts) or has_spread(opts)
            edits = add_properties(ctx.source, opts, props, first=has_spread(opts))
        edits = _within_width(ctx.source, ctx.style, args, values, opts, props, edits)
        title = "Add " + ", ".join(props) + " to the cookie options"
        if left_out:
            title += " (" + ", ".join(f"`{k}`" for k in left_out) + " left for review)"
        if reasons:
            title += " (unsafe: " + "; ".join(reasons) + ")"
        return Fix(title=title,
                   applicability="unsafe" if unsafe else "safe",
                   changes=(FileChange(ctx.rel, tuple(edits)),))


RULE = CookieFlags()


def _columns(line: str, style: Style) -> int:
    return sum(style.tab_width if c == "\t" else 1 for c in line)


def _within_width(source: bytes, style: Style, args: Node, values: list[Node],
                  opts: Node | None, props: list[str], edits: list[TextEdit]) -> list[TextEdit]:
    """Return ``edits``, or, where they would make the call's line longer than the project's
    width (``style.width``: prettier's printWidth, max-len), the options object written one
    property a line, as prettier prints a call whose last argument is an object: the call's
    head stays on its line, ``{`` ends it, ``})`` closes at the line's indent. Only for a
    call on one line that ends the statement, whose head fits; else the edits as they were."""
    if style.width is None or has_comments(args):
        return edits
    start = source.rfind(b"\n", 0, args.start_byte) + 1
    end = source.find(b"\n", args.end_byte)
    end = len(source) if end == -1 else end
    line = source[start:end]
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        if not start <= edit.start <= edit.end <= end:
            return edits
        line = line[:edit.start - start] + edit.content.encode() + line[edit.end - start:]
    written = line.decode("utf-8", "replace").rstrip("\r")
    if "\n" not in written and _columns(written, style) <= style.width:
        return edits
    if b"\n" in source[start:end] or not re.fullmatch(rb"\s*\)\s*;?\s*\r?",
                                                     source[args.end_byte - 1:end]):
        return edits
    if opts is not None:
        if opts is not values[-1] or has_spread(opts):
            return edits
        members = [source[m.start_byte:m.end_byte].decode() for m in code_children(opts)]
        at, until = opts.start_byte, opts.end_byte
        lead = ""
    else:
        if len(values) != 2:
            return edits
        members = []
        at = until = values[1].end_byte
        lead = ", "
    comma = "," if style.trailing_comma != "none" else ""
    clause = _clause_on_line(source, args)
    if clause is not None:
        # `if (cond) res.cookie(…);` past the width: prettier moves the statement to a line of
        # its own, one level in, and only then lays the call out there.
        gap, stmt_start = clause
        indent = line_indent(source, start) + style.indent
        moved = TextEdit(gap, stmt_start, "\n" + indent)
        rest = indent + written[stmt_start - start:].lstrip()
        if _columns(rest, style) <= style.width:
            return [moved, *edits]
        head = indent + source[stmt_start:at].decode("utf-8", "replace") + lead + "{"
        if _columns(head, style) > style.width:
            return edits
        body = ",\n".join(indent + style.indent + p for p in members + props)
        return [moved, TextEdit(at, until, lead + "{\n" + body + comma + "\n" + indent + "}")]
    head = source[start:at].decode("utf-8", "replace") + lead + "{"
    if _columns(head, style) > style.width:
        return edits
    indent = line_indent(source, args.start_byte)
    inner = indent + style.indent
    body = ",\n".join(inner + p for p in members + props)
    return [TextEdit(at, until, lead + "{\n" + body + comma + "\n" + indent + "}")]


def _clause_on_line(source: bytes, args: Node) -> tuple[int, int] | None:
    """Return (end of the condition, start of the statement) when the call of ``args`` is the
    whole statement an ``if``/``else``/loop runs without braces, on that ``if``'s line
    (``if (dest) res.cookie(…);``); else None."""
    call = args.parent
    stmt = call.parent if call is not None else None
    if stmt is None or stmt.type != "expression_statement" or stmt.parent is None:
        return None
    owner = stmt.parent
    if owner.type == "else_clause":
        before = owner.children[0] if owner.children else None  # the `else` keyword
    elif owner.type in ("if_statement", "while_statement", "for_statement",
                        "for_in_statement") and stmt in (
                            owner.child_by_field_name("consequence"),
                            owner.child_by_field_name("body")):
        before = owner.child_by_field_name("condition") or stmt.prev_sibling
        if owner.type in ("for_statement", "for_in_statement"):
            before = stmt.prev_sibling  # the `)` closing the loop's head
    else:
        return None
    if before is None or before.end_point[0] != stmt.start_point[0]:
        return None
    return before.end_byte, stmt.start_byte

