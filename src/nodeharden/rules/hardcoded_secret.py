"""hardcoded-secret: session, cookie-signing and JWT secrets come from the environment, not
from string literals in the source, literal fallbacks (``process.env.X || 'dev'``) or public
values (``pkg.name`` from package.json).

The fix reads the variable and adds a start-up check that never throws at import outside
production: apps are imported by their own tests. In production a missing secret stops the app
with a clear message; elsewhere the check sets a random per-process secret and warns once."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from tree_sitter import Node

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._parse import (CALLS_QUERY, arguments_of, captures, code_children, enclosing,
                               object_properties, parse, string_value, text, unwrap, walk)
from nodeharden._project import DOTENV_NAMES, JS_SUFFIXES
from nodeharden._record import field, record
from nodeharden._regex import lazy_pattern
from nodeharden._style import Style
from nodeharden.rules._base import FileContext, ProjectContext, Rule, is_test_file
from nodeharden.rules._edits import (ImportRequest, add_imports, builtin_specifier,
                                     exclusive_insert, resolve_object, same_module)

#: A name spelled as an environment variable's (``JWT_SECRET_REFRESH_TOKEN``).
_ENV_NAME_RE = lazy_pattern(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")

_IF_QUERY = "(if_statement condition: (_) @condition)"
_ENV_RE = lazy_pattern(r"^process\.env\.([A-Za-z_][A-Za-z0-9_]*)$")

#: What each kind of secret signs, for the message.
PURPOSES = {"SESSION_SECRET": "session cookies", "COOKIE_SECRET": "signed cookies",
            "JWT_SECRET": "JSON Web Tokens"}


@record
class Secret:
    """A hard-coded secret: the literal to report, the expression the fix replaces, the
    environment variable it reads instead, and the text it writes."""

    literal: Node
    target: Node
    env: str
    replacement: str
    what: str
    kind: str = "literal"  # "literal", "fallback", "public" or "default"
    #: For a key built by ``+`` or a template of literals: where each literal part starts
    #: (one reported as a secret of its own already says it all).
    parts: tuple[int, ...] = ()
    #: For a "default": the key a config getter reads (``getConfig('session.secret', 'x')``);
    #: for the fallback of a config value (``config.secret || 'x'``), its property.
    key: str = ""
    #: For such a fallback: the value it stands in for, as written (``config.secret``).
    read: str = ""


class _SecretUse(NamedTuple):
    """A secret argument read from a project module (``jwt.sign(p, config.secret)`` with
    ``config = require('./config')``): the module as written, the chain of names read from
    what it exports (``('secret',)``), the variable a fix would read, and where it is used."""

    spec: str
    chain: tuple[str, ...]
    env: str
    what: str
    line: int
    #: "default" for ``require(…)`` and a default import, "named" for a named or namespace
    #: import: which of the module's exports it reads.
    kind: str = "default"
    #: For a part of a key built by ``+`` or a template (``config.a + config.b``): the start
    #: of that expression, and how many parts it reads from project modules. The key is
    #: known only when every part is: the parts are reported together or not at all.
    group: int = -1
    parts: int = 1
    #: What a call of the name returns (``secret: getSecret()``), not the name's value.
    called: bool = False


class _Exported(NamedTuple):
    """A literal a module exports under a chain of names (``module.exports = { jwt: { secret:
    'x' } }`` → ``('jwt', 'secret')``): the literal's bytes, and for a fallback
    (``process.env.JWT_SECRET || 'dev'``) the variable it falls back from."""

    chain: tuple[str, ...]
    start: int
    end: int
    fallback_of: str | None = None
    #: Which imports read it: ``module.exports``/``exports.x`` both (a CommonJS module's
    #: object is what ``require`` returns, and its keys are what ES named imports see),
    #: ``export default`` a default import, ``export const`` a named one.
    kinds: frozenset[str] = frozenset({"default", "named"})
    #: A literal of a defaults object the module hands to a loader or merge
    #: (``loadConfig(defaults, file)``, ``{ ...defaults, ...fromFile }``): what the config
    #: holds wherever the deployment's own config does not set it.
    default: bool = False
    #: An empty string (``secret: ''``): jsonwebtoken and express-session refuse it, so it is
    #: never reported; it counts only as a known part of a key built by ``+`` or a template.
    empty: bool = False
    #: What a function exported under the chain returns (``export const getSecret = () =>
    #: getConfig('k', 'x')``): read by a call (``getSecret()``), not by the name.
    called: bool = False
    #: For the default of a config getter: the key it reads.
    key: str = ""


#: A file that may export a value: CommonJS ``module.exports``/``exports.x`` or ESM ``export``.
_EXPORTS_RE = lazy_pattern(rb"\bmodule\.exports\b|\bexports\.[\w$]+\s*=|\bexport\s")


def _is_literal(node: Node | None) -> bool:
    """Return True for a string literal that can be a secret: a PEM public key or certificate
    (``jwt.verify(token, PUBLIC_KEY)`` of RS256) is published on purpose, and an empty string
    is refused (jsonwebtoken: "secretOrPrivateKey must have a value"; express-session signs
    nothing without a secret)."""
    if node is None or node.type not in ("string", "template_string"):
        return False
    value = string_value(node)
    return value is not None and value != "" and not (_PUBLIC_PEM_RE.match(value.strip())
                                                     and "PRIVATE KEY" not in value)


def _empty(node: Node | None) -> bool:
    """Return True for an empty string literal (``''``, an empty template): no secret (see
    ``_is_literal``). A string of spaces is one: jsonwebtoken signs with it."""
    return node is not None and node.type in ("string", "template_string") \
        and string_value(node) == ""


#: A PEM public key or certificate, from its first line (a bundle holding a private key is
#: a secret however it starts).
_PUBLIC_PEM_RE = lazy_pattern(r"-----BEGIN (?:RSA |EC )?(?:PUBLIC KEY|CERTIFICATE)-----")


#: package.json fields that anyone can read: never a secret.
PUBLIC_FIELDS = {"name", "version", "description", "homepage", "author", "license", "repository",
                 "bugs", "main"}


def _package_json_module(module: str | None) -> bool:
    return module is not None and (module == "package.json" or module.endswith("/package.json"))


def _declared_value(root: Node, name: str) -> Node | None:
    """Return the value of the only declaration of ``name`` in the file."""
    found = [n for n in walk(root) if n.type == "variable_declarator"
             and (key := n.child_by_field_name("name")) is not None
             and key.type == "identifier" and key.text == name.encode()]
    return found[0].child_by_field_name("value") if len(found) == 1 else None


#: A project's config getter by name: ``getConfig(key, default)``, ``getConfigValue``,
#: ``configGet``.
_GETTER_RE = lazy_pattern(r"^(?:get\w*Config\w*|config\w*)$")
#: What a config object is called (``config``, ``appConfig``, ``this.configService``,
#: ``settings``): its ``get(key, default)`` returns the default where the key is not set.
_CONFIG_OBJECT_RE = lazy_pattern(r"(?i)(?:conf|setting)\w*$")
#: Packages whose ``get`` takes no default: node-config's throws on a missing key, convict's
#: and nconf's take the key alone (a second argument never becomes the value).
_NO_DEFAULT_GETTERS = ("config", "convict", "nconf")


def _no_default_getters(root: Node) -> set[str]:
    """Return the names the file binds to a package of ``_NO_DEFAULT_GETTERS``
    (``const config = require('config')``, ``import config from 'config'``)."""
    names: set[str] = set()
    for node in walk(root):
        if node.type == "variable_declarator":
            value = unwrap(node.child_by_field_name("value"))
            name = node.child_by_field_name("name")
            if value is not None and value.type == "call_expression" and name is not None \
                    and text(value.child_by_field_name("function")) == "require":
                args = value.child_by_field_name("arguments")
                first = code_children(args)[0] if args is not None and code_children(args) \
                    else None
                if string_value(first) in _NO_DEFAULT_GETTERS:
                    names.add(text(name))
        elif node.type == "import_statement":
            spec = node.child_by_field_name("source")
            if string_value(spec) in _NO_DEFAULT_GETTERS:
                names |= {text(n) for n in walk(node) if n.type == "identifier"}
    return names


def _getter_default(call: Node, dead: set[str]) -> tuple[Node, str] | None:
    """Return the literal default of a config getter call and the key it reads: the value
    wherever the deployment's config does not set the key. ``getConfig('k', 'x')`` (a
    project helper named ``get…Config…``/``config…``), ``config.get('k', 'x')`` on an
    object named like a config (not one of ``dead``: a package whose ``get`` takes no
    default), ``_.get(config, 'k', 'x')``."""
    fn = unwrap(call.child_by_field_name("function"))
    args = call.child_by_field_name("arguments")
    if fn is None or args is None:
        return None
    items = code_children(args)
    obj = None
    if fn.type == "identifier":
        name = text(fn)
    elif fn.type == "member_expression":
        name = text(fn.child_by_field_name("property"))
        obj = unwrap(fn.child_by_field_name("object"))
    else:
        return None
    if name == "get" and len(items) == 3 and (obj is None or text(obj) in ("_", "lodash")):
        holder, key, default = items
        if not _CONFIG_OBJECT_RE.search(text(unwrap(holder))):
            return None
    elif len(items) != 2:
        return None
    elif name == "get" and obj is not None:
        head = text(obj).split(".")[0]
        if not _CONFIG_OBJECT_RE.search(text(obj)) or head in dead:
            return None
        key, default = items
    elif _GETTER_RE.match(name) and obj is None and name not in dead:
        key, default = items
    else:
        return None
    key_text = string_value(key)
    if not key_text or not _is_literal(default):
        return None
    return default, key_text


def _returned(fn: Node) -> Node | None:
    """Return the expression a function returns when its body is that one expression
    (``() => x``, ``function () { return x; }``)."""
    body = fn.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        return unwrap(body)
    statements = code_children(body)
    if len(statements) == 1 and statements[0].type == "return_statement":
        values = code_children(statements[0])
        return unwrap(values[0]) if values else None
    return None


_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function",
                              "function_declaration"})


def _local_function(root: Node, name: str) -> Node | None:
    """Return the only function the file declares as ``name`` (``function name() {}`` or
    ``const name = () => …``)."""
    found = [n for n in walk(root) if n.type == "function_declaration"
             and text(n.child_by_field_name("name")) == name]
    declared = _bound_value(root, name)
    if declared is not None and declared.type in _FUNCTION_VALUES:
        found.append(declared)
    return found[0] if len(found) == 1 else None


class _Finder:
    """Classifies secret arguments of one file."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.root = ctx.tree.root_node
        self.ts = ctx.lang != "javascript"
        self.package_names = {n for imp in ctx.facts.imports
                              if _package_json_module(imp.module)
                              for n in (imp.default, imp.namespace) if n}
        #: Local name → (module, the chain its value starts with) for each binding of a
        #: relative import: ``config`` of ``require('./config')`` → ('./config', ()), ``secret``
        #: of ``{ secret } = require('./config')`` → ('./config', ('secret',)).
        self.project_bindings: dict[str, tuple[str, tuple[str, ...], str]] = {}
        for imp in ctx.facts.imports:
            if not imp.module.startswith(".") or _package_json_module(imp.module):
                continue
            if imp.default:
                self.project_bindings[imp.default] = (imp.module, (), "default")
            if imp.namespace:
                self.project_bindings[imp.namespace] = (imp.module, (), "named")
            for name, local in imp.named.items():
                self.project_bindings[local] = (imp.module, (name,), "named")
        self.uses: list[_SecretUse] = []
        #: The environment variables read as a secret as they are (``jwt.sign(p,
        #: process.env.JWT_SECRET)``), with what each signs: a committed .env may set them.
        self.env_reads: set[tuple[str, str]] = set()
        self._dead: set[str] | None = None
        self._following = False

    @property
    def dead(self) -> set[str]:
        """Names bound to a config package whose ``get`` takes no default."""
        if self._dead is None:
            self._dead = _no_default_getters(self.root)
        return self._dead

    def called(self, call: Node, env: str, what: str) -> Iterator[Secret]:
        """Yield the secret a call gives: the literal default of a config getter
        (``getConfig('session.secret', 'dev')``), or what a function of this file returns
        (one level: ``const getSecret = () => getConfig(…)``); record a call of a project
        module's function (``getSecret()`` imported), which ``check_project`` follows."""
        got = _getter_default(call, self.dead)
        if got is not None:
            yield Secret(got[0], got[0], env, "", what, "default", key=got[1])
            return
        fn = unwrap(call.child_by_field_name("function"))
        args = call.child_by_field_name("arguments")
        if fn is None or args is None or code_children(args) or self._following:
            return
        if fn.type == "identifier" and (local := _local_function(self.root, text(fn))):
            returned = _returned(local)
            # Only values that need no name of the function's own scope.
            if returned is not None and returned.type in ("string", "template_string",
                                                          "binary_expression",
                                                          "call_expression"):
                self._following = True
                try:
                    yield from self.classify(returned, env, what)
                finally:
                    self._following = False
            return
        self.project_value(call, env, what)

    def project_value(self, node: Node, env: str, what: str, *,
                      record: bool = True) -> _SecretUse | None:
        """Record ``node`` when it reads a value of a project module (``config.jwt.secret``,
        a named import ``jwtSecret``): ``check_project`` looks at what that module exports.
        Return the use (with ``record=False``, only return it)."""
        chain: list[str] = []
        cur: Node | None = unwrap(node)
        called = cur is not None and cur.type == "call_expression"
        if called:
            assert cur is not None
            cur = unwrap(cur.child_by_field_name("function"))
        while cur is not None and cur.type == "member_expression":
            prop = cur.child_by_field_name("property")
            if prop is None or prop.type != "property_identifier":
                return None
            chain.append(text(prop))
            cur = unwrap(cur.child_by_field_name("object"))
        if cur is None or cur.type != "identifier" or text(cur) not in self.project_bindings \
                or len(chain) > 3 or _shadowed(cur):
            return None
        spec, start, kind = self.project_bindings[text(cur)]
        use = _SecretUse(spec, (*start, *reversed(chain)), env, what, node.start_point[0] + 1,
                         kind, called=called)
        if record:
            self.uses.append(use)
        return use

    def concatenation(self, value: Node, env: str, what: str) -> Iterator[Secret]:
        """Yield the secret of a key built by ``+`` or a template from parts that are all
        known to anyone with the source: literals (``'a' + 'b'``, also through constants of
        this file) are reported here, without a fix; parts read from project modules
        (``config.auth.password + config.auth.secret``) are recorded as one group, which
        ``check_project`` reports only when every part is a literal there. A part that is
        neither (``process.env.X``, a parameter, a call) keeps the key secret: nothing."""
        literals: list[Node] = []
        uses: list[_SecretUse] = []
        stack = [value]
        seen = 0
        while stack:
            seen += 1
            node = unwrap(stack.pop())
            if node is None or seen > 24:
                return
            if node.type == "binary_expression" \
                    and text(node.child_by_field_name("operator")) == "+":
                stack += [c for c in (node.child_by_field_name("right"),
                                      node.child_by_field_name("left")) if c is not None]
            elif _empty(node):
                continue  # adds nothing to the key
            elif node.type == "template_string" and not _is_literal(node):
                if string_value(node) is None:  # substitutions: each one is a part
                    stack += [c.named_children[0] for c in reversed(node.named_children)
                              if c.type == "template_substitution" and c.named_children]
                    if any(c.type == "string_fragment" and c.text for c in node.named_children):
                        literals.append(node)
                else:
                    return  # a public key or certificate
            elif _is_literal(node) or self.public(node):
                literals.append(node)
            elif node.type == "number":
                continue
            elif node.type == "identifier":
                declared = _declared_value(self.root, text(node))
                if declared is not None and declared.type != "identifier":
                    stack.append(declared)
                elif declared is None and (use := self.project_value(
                        node, env, what, record=False)) is not None:
                    uses.append(use)
                else:
                    return
            elif node.type == "member_expression" and (use := self.project_value(
                    node, env, what, record=False)) is not None:
                uses.append(use)
            else:
                return
        if uses:
            parts = len({(u.spec, u.chain) for u in uses})
            self.uses += [u._replace(group=value.start_byte, parts=parts) for u in uses]
        elif literals:
            yield Secret(value, value, env, "", what,
                         parts=tuple(n.start_byte for n in literals))

    def public(self, node: Node | None) -> bool:
        """Return True for a package.json field (``pkg.name``, ``require('./package.json')
        .version``): published with the code, so no secret."""
        if node is None or node.type != "member_expression":
            return False
        if text(node.child_by_field_name("property")) not in PUBLIC_FIELDS:
            return False
        obj = node.child_by_field_name("object")
        if obj is None:
            return False
        if obj.type == "identifier":
            if text(obj) in self.package_names:
                return True
            obj = _declared_value(self.root, text(obj))
            if obj is None:
                return False
        if obj.type == "call_expression" and text(obj.child_by_field_name("function")) \
                == "require":
            args = obj.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            return _package_json_module(string_value(first))
        return False

    def env_expr(self, env: str) -> str:
        """Return how the fix reads ``env`` (typed as a string in TypeScript: the start-up
        check guarantees it is set)."""
        return f"process.env.{env} as string" if self.ts else f"process.env.{env}"

    def classify(self, value: Node | None, env: str, what: str, *,
                 wrap_array: bool = False) -> Iterator[Secret]:
        """Yield the hard-coded secrets in ``value`` (a literal, an array of literals, an
        ``env || 'fallback'``, or a variable declared in this file as one of those)."""
        if value is None:
            return
        if value.type in ("identifier", "shorthand_property_identifier"):
            declared = _declared_value(self.root, text(value))
            if declared is not None and declared.type != "identifier":
                yield from self.classify(declared, env, what, wrap_array=wrap_array)
            elif declared is None and value.type == "identifier":
                self.project_value(value, env, what)
            return
        if value.type == "member_expression" and not self.public(value):
            read = _ENV_RE.match(re.sub(r"\s+", "", text(value)))
            if read:
                self.env_reads.add((read.group(1), env))
            self.project_value(value, env, what)
            return
        if value.type == "call_expression":
            yield from self.called(value, env, what)
            return
        if _is_literal(value) or self.public(value):
            expr = self.env_expr(env)
            yield Secret(value, value, env, f"[{expr}]" if wrap_array else expr, what,
                         "literal" if _is_literal(value) else "public")
        elif value.type == "array":
            items = code_children(value)
            if items and all(_is_literal(i) or _empty(i) for i in items):
                # An empty key in a list signs too (Keygrip, cookie-signature): forgeable.
                expr = self.env_expr(env)
                first = next((i for i in items if _is_literal(i)), items[0])
                yield Secret(first, value, env, f"[{expr}]" if wrap_array else expr, what)
        elif value.type == "binary_expression" and text(value.child_by_field_name("operator")) \
                == "+" or value.type == "template_string" and string_value(value) is None:
            yield from self.concatenation(value, env, what)
        elif value.type == "binary_expression" and text(value.child_by_field_name("operator")) \
                in ("||", "??"):
            left = value.child_by_field_name("left")
            right = value.child_by_field_name("right")
            match = _ENV_RE.match(text(left))
            if left is not None and right is not None and (_is_literal(right)
                                                           or self.public(right)):
                if match:  # the fallback is what production gets when the variable is missing
                    name = match.group(1)
                    yield Secret(right, value, name, self.env_expr(name), what, "fallback")
                else:
                    # Report only; a config value's fallback (`config.secret || 'x'`) keeps
                    # the key, for the project phase to look for a start-up check refusing it.
                    key = left.child_by_field_name("property") \
                        if left.type == "member_expression" else None
                    yield Secret(right, right, env, "", what, "fallback",
                                 key=text(key) if key is not None else "",
                                 read=text(left) if key is not None else "")


#: Where a database password may be written into the source: a connection URI with a password
#: (``mongodb+srv://app:s3cret@cluster0.example.net``), a ``password:`` string (beside a
#: ``host:`` string), ``new Sequelize('db', 'user', 'password', …)``. Each starts with a
#: literal, which Python's engine searches for before trying the rest (an alternation of
#: them was tried at every byte: 40 ms over the 300-file bench app); bounded runs, so that a
#: long line without spaces or quotes costs no more than its length.
_DB_HINT_RES = (lazy_pattern(rb"://[^\s'\"`/@:$]{1,128}:[^\s'\"`@$]{1,256}@"),
                lazy_pattern(rb"password\s*:\s*['\"`][^'\"`\s]"),
                lazy_pattern(rb"Sequelize\s*\(\s*['\"`]"))
#: A connection URI with a password: the scheme, user, password and host.
_DB_URI_RE = lazy_pattern(
    rb"(?:mongodb(?:\+srv)?|postgres(?:ql)?|mysql|mariadb|mssql|rediss?|amqps?)://"
    rb"([^\s'\"`/@:$]{1,128}):([^\s'\"`@$]{1,256})@([^\s'\"`/:?,]{1,253})")


def _database_hint(source: bytes) -> bool:
    """Return True when ``source`` may write a database password (``_DB_HINT_RES``)."""
    return any(pattern.search(source) for pattern in _DB_HINT_RES)


#: A password that stands for one (documentation, an example): not a credential.
_PLACEHOLDER_RE = lazy_pattern(
    r"(?i)^(?:<.*>|\[.*\]|\{.*\}|x+|\*+|\.+|pass(?:word)?|pwd|secret|changeme|change_?me|"
    r"your_?pass(?:word)?|db_?pass(?:word)?|example|test|root|admin|postgres|mysql|"
    r"\$\{.*\}|%s)$")


def _remote_host(host: str) -> bool:
    """Return True for a database host outside the developer's machine and its containers:
    a name with a dot (``cluster0.abcd.mongodb.net``, an RDS endpoint) or an address that is
    not the loopback one; not ``localhost``, ``127.0.0.1``, ``0.0.0.0``,
    ``host.docker.internal`` nor a compose service's name (``db``)."""
    host = host.strip("[]").lower()
    return "." in host and not host.startswith("127.") and host not in (
        "0.0.0.0", "host.docker.internal", "localhost.localdomain") \
        and not host.endswith(".localhost") and not host.endswith(".local")


class HardcodedSecret(Rule):
    """A string-literal session, cookie-parser or JWT secret, or a database password for a
    remote host."""

    id = "hardcoded-secret"
    needles = (b"express-session", b"cookie-session", b"cookie-parser", b"jsonwebtoken",
               b"passport-jwt")

    def wants(self, source: bytes) -> bool:
        return super().wants(source) or _database_hint(source)

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        # The scan asks ``wants`` first: without a secret's package, the hint is what it found.
        secret = super().wants(ctx.source)
        if not secret or _database_hint(ctx.source):
            yield from _database_passwords(ctx, self.id)
        if secret:
            yield from self._secret_findings(ctx)

    def _secret_findings(self, ctx: FileContext) -> Iterable[Finding]:
        secrets = list(self._secrets(ctx))
        seen: set[int] = set()
        unique = []
        for secret in secrets:
            if secret.target.start_byte not in seen:
                seen.add(secret.target.start_byte)
                unique.append(secret)
        # A config getter's default the file compares with (``if (secret === 'change-me')
        # throw …``) is a placeholder the app refuses, not the secret it runs with; one
        # compared nowhere here waits for the project phase, which looks in every file.
        unique = [s for s in unique if s.kind != "default"
                  or not _compared_in(ctx.source, s.literal.text or b"")]
        held = _HELD.setdefault(ctx.rel, [])
        alone = {s.literal.start_byte for s in unique if not s.parts}
        unique = [s for s in unique if not alone.intersection(s.parts)]
        if any(s.kind == "fallback" and s.replacement for s in unique) \
                and b"production" in ctx.source:
            # A production start that stops when the variable is missing (the check this
            # fix writes, or the app's own) never runs with the fallback.
            guarded = _production_guarded(ctx.tree.root_node)
            unique = [s for s in unique if not (s.kind == "fallback" and s.replacement
                                                and s.env in guarded)]
        checks, imports = self._checks(ctx, unique)
        for secret in unique:
            fix = None
            if secret.replacement:
                edits = [TextEdit(secret.target.start_byte, secret.target.end_byte,
                                  secret.replacement)]
                if secret.env in checks:
                    edits.append(checks[secret.env])
                    if secret.env in imports:
                        edits.append(imports[secret.env])
                fix = Fix(title=f"Read the secret from {secret.env}: in production a missing "
                          "secret stops start-up; in development and tests a random "
                          "per-process secret and one warning", applicability="unsafe",
                          changes=(FileChange(ctx.rel, tuple(edits)),))
            purpose = PURPOSES.get(secret.env, "signatures")
            if secret.kind == "public":
                message = (f"{secret.what} is a public package.json value: anyone can read it "
                           f"and forge {purpose}; read it from {secret.env}")
            elif secret.kind == "default":
                message = (f"hard-coded default {secret.what} (`{secret.key}`): wherever the "
                           "deployment's config does not set it, anyone with the source can "
                           f"forge {purpose}; read it from {secret.env} only")
            elif secret.kind == "fallback" and secret.read:
                message = (f"hard-coded fallback {secret.what}: wherever `{secret.read}` is "
                           f"unset, anyone with the source can forge {purpose}; give it no "
                           "fallback, and stop at start-up when it is unset")
            elif secret.kind == "fallback":
                message = (f"hard-coded fallback {secret.what}: wherever {secret.env} is unset, "
                           f"anyone with the source can forge {purpose}; read it from "
                           f"{secret.env} only")
            else:
                message = (f"hard-coded {secret.what}: anyone with the source can forge "
                           f"{purpose}; read it from {secret.env}")
            finding = ctx.node_finding(self.id, secret.literal, message, fix)
            if secret.env == "COOKIE_SECRET":
                held.append((finding, b"", _SIGNS_COOKIES))
            elif secret.kind == "default":
                held.append((finding, secret.literal.text or b"", ""))
            elif secret.kind == "fallback" and not secret.replacement and secret.key:
                held.append((finding, b"", secret.key))
            else:
                yield finding

    def file_data(self, ctx: FileContext) -> _FileSecrets | None:
        """Return, for ``check_project``, the secret arguments this file reads from project
        modules (``config.secret`` of ``require('./config')``), and the config-getter defaults
        ``check_file`` held back, if any."""
        held = _HELD.pop(ctx.rel, [])
        _HELD.clear()
        if not Rule.wants(self, ctx.source):
            return None
        finder = _Finder(ctx)
        for _ in self._secrets(ctx, finder):
            pass
        return _FileSecrets(finder.uses, held, sorted(finder.env_reads)) \
            if finder.uses or held or finder.env_reads else None

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Report a literal a project module exports (a config file) that another file uses
        as a secret: ``module.exports = { secret: 'x' }`` read as ``jwt.sign(p,
        config.secret)``. Reported in the module, at the literal, without a fix (other code
        may read the same value). A literal the project compares with (``config.secret ===
        'changeme'``, a placeholder it refuses) is left alone. Only the modules a secret is
        read from are parsed again (a few config files), here rather than in every file's
        scan."""
        data: dict[str, _FileSecrets] = ctx.file_data.get(self.id, {})
        signs: list[bool] = []

        def kept_finding(literal: bytes, key: str) -> bool:
            # A cookie-parser secret signs only the cookies the app signs: with none signed
            # or read signed anywhere, the string protects nothing (openKB, sample 32).
            if key == _SIGNS_COOKIES:
                if not signs:
                    signs.append(any(_SIGNED_COOKIE_RE.search(ctx.read(rel) or b"")
                                     for rel in ctx.facts if not is_test_file(rel)))
                return signs[0]
            # A getter's default some project file compares with is a refused placeholder; a
            # config value's fallback is dead where a project file throws when it is unset.
            return not (_refused_unset_anywhere(ctx, key) if key
                        else _compared_anywhere(ctx, literal))

        for kept in data.values():
            yield from (finding for finding, literal, key in kept.held
                        if kept_finding(literal, key))
        yield from self._committed_env(ctx, {name: env for kept in data.values()
                                             for name, env in kept.env_reads})
        exports: dict[str, list[_Exported]] = {}
        found: dict[tuple[str, int], tuple[_Exported, list[tuple[str, _SecretUse]]]] = {}
        compared: dict[tuple[str, int], bool] = {}

        def known(target: str, exported: _Exported) -> bool:
            """Return False for a literal some project file compares with (a placeholder
            the app refuses is not the secret it runs with)."""
            if (target, exported.start) not in compared:
                literal = (ctx.read(target) or b"")[exported.start:exported.end]
                compared[(target, exported.start)] = _compared_anywhere(ctx, literal)
            return not compared[(target, exported.start)]

        for rel, kept in data.items():
            #: The parts of one key (``config.a + config.b``), with the literal each reads.
            groups: dict[int, list[tuple[_SecretUse, str, _Exported]]] = {}
            for use in kept.uses:
                target = ctx.resolve_import(rel, use.spec) or _json_module(ctx, rel, use.spec)
                if target is None:
                    continue
                if target not in exports:
                    exports[target] = _module_exports(ctx, target)
                for exported in exports[target]:
                    if exported.chain == use.chain and use.kind in exported.kinds \
                            and exported.called == use.called and known(target, exported):
                        if use.group >= 0:
                            groups.setdefault(use.group, []).append((use, target, exported))
                        elif not exported.empty:
                            found.setdefault((target, exported.start), (exported, []))[
                                1].append((rel, use))
            for parts in groups.values():
                # Every part must be a literal: one the deployment sets keeps the key secret.
                if len({(u.chain, u.spec) for u, _, _ in parts}) == parts[0][0].parts:
                    # A part that falls back from the environment is the one finding: the
                    # key is known only where that variable is unset, and it is what the
                    # deployment sets (``${config.keyVersion}.${config.secret}`` with
                    # ``secret: process.env.JWT_SECRET || 'dev'``: not ``keyVersion``).
                    if any(e.fallback_of and not e.empty for _, _, e in parts):
                        parts = [p for p in parts if p[2].fallback_of]
                    for use, target, exported in parts:
                        if exported.empty:
                            continue
                        found.setdefault((target, exported.start), (exported, []))[1].append(
                            (rel, use))
        for (target, _), (exported, uses) in sorted(found.items()):
            uses = [(r, u) for r, u in uses
                    if u.env != "COOKIE_SECRET" or kept_finding(b"", _SIGNS_COOKIES)]
            if not uses:
                continue
            rel, use = uses[0]
            where = ", ".join(f"{r}:{u.line}" for r, u in uses[:3]) + (
                f" and {len(uses) - 3} more" if len(uses) > 3 else "")
            purpose = PURPOSES.get(use.env, "signatures")
            name = exported.key or ".".join(use.chain) + ("()" if use.called else "")
            # A config whose keys are spelled as environment variables (`"JWT_SECRET_REFRESH_
            # TOKEN": "…"` in env.json) names the variable to read.
            spelled = exported.key or (use.chain[-1] if use.chain else "")
            env = spelled if spelled and _ENV_NAME_RE.fullmatch(spelled) else use.env
            what = f"{use.what} part" if use.group >= 0 else use.what
            if exported.fallback_of:
                message = (f"hard-coded fallback {what} (`{name}`, used at {where}): "
                           f"wherever {exported.fallback_of} is unset, anyone with the source "
                           f"can forge {purpose}; read it from {exported.fallback_of} only")
            elif exported.default:
                message = (f"hard-coded default {what} (`{name}`, used at {where}): wherever "
                           "the deployment's config does not set it, anyone with the source "
                           f"can forge {purpose}; read "
                           f"{'the whole key' if use.group >= 0 else 'it'} from {env} "
                           "only")
            else:
                message = (f"hard-coded {what} (`{name}`, used at {where}): anyone with "
                           f"the source can forge {purpose}; read it from {env}")
            yield ctx.finding(self.id, target, exported.start, exported.end, message)

    def _committed_env(self, ctx: ProjectContext, reads: dict[str, str]) -> Iterator[Finding]:
        """Report a secret the code reads from the environment (``jwt.sign(p,
        process.env.JWT_SECRET)``) that an environment file of the project sets: a ``.env``
        (or ``.env.production``) beside a package.json that git tracks (committed, whatever a
        later ``.gitignore`` line says: MERN-E-Commerce-Store, sample 34) or, outside git or
        untracked, that no ``.gitignore`` leaves out (one ``git add .`` from the repository).
        A value that is empty or a placeholder (``change-me``, ``your_jwt_secret``, ``<…>``)
        is not reported, nor a file that says it is for development or tests. Reported on its
        line, without a fix: the value must move to where the app is deployed, and the
        secret be replaced."""
        if not reads:
            return
        walked = {f.rel for f in ctx.files_of("dotenv")}
        root = Path(ctx.info.root)
        for folder in sorted(set(ctx.package_dirs) | {""}):
            for name in sorted(DOTENV_NAMES):
                rel = posixpath.join(folder, name) if folder else name
                if is_test_file(rel) or not (root / rel).is_file():
                    continue
                tracked = _git_tracked(root, rel)
                if not tracked and rel not in walked:
                    continue  # untracked (or no git) and left out by a .gitignore
                yield from self._env_file(ctx, rel, reads, bool(tracked))

    def _env_file(self, ctx: ProjectContext, rel: str, reads: dict[str, str],
                  tracked: bool) -> Iterator[Finding]:
        """Report the secrets environment file ``rel`` sets (see ``_committed_env``)."""
        raw = (ctx.read(rel) or b"").decode("utf-8", "replace")
        if _DEV_ENV_FILE_RE.search(raw):
            return
        for number, line in enumerate(raw.splitlines(), 1):
            assignment = _ENV_LINE_RE.match(line)
            if assignment is None or assignment.group(1) not in reads:
                continue
            value = assignment.group(2).strip().strip("'\"")
            if not value or _PLACEHOLDER_VALUE_RE.search(value):
                continue
            env = reads[assignment.group(1)]
            purpose = PURPOSES.get(env, "signatures")
            where = "is committed to the repository" if tracked else \
                "is not ignored by git (one `git add` from the repository)"
            yield ctx.line_finding(
                self.id, rel, number,
                f"{rel} gives {assignment.group(1)} a value and {where}: anyone with the "
                f"source can forge {purpose}; set the variable where the app is deployed, "
                "replace the secret, and keep the file out of the repository (`git rm "
                "--cached`, .gitignore)")

    def _secrets(self, ctx: FileContext, finder: _Finder | None = None) -> Iterator[Secret]:
        facts = ctx.facts
        finder = finder or _Finder(ctx)
        sessions = {n: m for m in ("express-session", "cookie-session")
                    for n in facts.locals_of(m)}
        cookie_parsers = facts.locals_of("cookie-parser")
        jwt_objects: set[str] = set()
        jwt_functions: set[str] = set()
        for imp in facts.imports:
            if imp.module == "jsonwebtoken":
                jwt_objects |= {n for n in (imp.default, imp.namespace) if n}
                jwt_functions |= {local for name, local in imp.named.items()
                                  if name in ("sign", "verify")}
        for call in captures(ctx.lang, CALLS_QUERY, finder.root).get("call", []):
            fn = call.child_by_field_name("function")
            args = arguments_of(call)
            if fn is None or args is None:
                continue
            values = code_children(args)
            callee = text(fn)
            if callee in sessions and values:
                opts = values[0]
                if opts.type == "identifier":
                    opts = resolve_object(finder.root, text(opts)) or opts
                props = object_properties(opts)
                yield from finder.classify(props.get("secret"), "SESSION_SECRET",
                                           "session secret")
                if sessions[callee] == "cookie-session":
                    yield from finder.classify(props.get("keys"), "SESSION_SECRET",
                                               "session key", wrap_array=True)
            elif callee in cookie_parsers and values:
                yield from finder.classify(values[0], "COOKIE_SECRET", "cookie-parser secret")
            elif len(values) >= 2 and (callee in jwt_functions or (
                    fn.type == "member_expression"
                    and text(fn.child_by_field_name("object")) in jwt_objects
                    and text(fn.child_by_field_name("property")) in ("sign", "verify"))):
                yield from finder.classify(values[1], "JWT_SECRET", "JWT secret")
        if "passport-jwt" in facts.imported_modules():
            for node in walk(finder.root):
                if node.type == "pair" and text(node.child_by_field_name("key")) == "secretOrKey":
                    yield from finder.classify(node.child_by_field_name("value"), "JWT_SECRET",
                                               "JWT secret")

    def _checks(self, ctx: FileContext, secrets: list[Secret]
                ) -> tuple[dict[str, TextEdit], dict[str, TextEdit]]:
        """Return, per environment variable the fixes read, the edit that adds the start-up
        check (none when the file already checks it): right after the imports, or before
        the first top-level statement that uses the variable when that comes earlier; and,
        where the check needs one, the edit that imports ``randomBytes``.

        Every fix for one variable carries the same edits, and the edits of all variables
        replace the same line break: they overlap, so one is written per pass and the other
        fixes see it (or add their own check after it) on the next pass."""
        root = ctx.tree.root_node
        tested = " ".join(text(c) for c in captures(ctx.lang, _IF_QUERY, root)
                          .get("condition", []))
        body = [n for n in root.named_children if n.type not in ("comment", "import_statement")
                and n.end_byte > ctx.facts.import_end]
        after_imports = _statement_line_start(ctx.source, body[0]) if body else None
        first: dict[str, int] = {}
        for secret in secrets:
            if not secret.replacement:
                continue
            if re.search(rf"!\s*process\.env\.{secret.env}\b", tested):
                continue
            at = _statement_line_start(ctx.source, secret.target)
            if after_imports is not None:
                at = min(at, after_imports)
            first[secret.env] = min(first.get(secret.env, at), at)
        if not first:
            return {}, {}
        random, import_edits = _random_bytes(ctx)
        checks = {env: exclusive_insert(ctx.source, at, _check_code(env, ctx.style, random))
                  for env, at in first.items()}
        imports: dict[str, TextEdit] = {}
        for edit in import_edits:
            at = edit.start
            statement = edit.content  # a new statement and its line break, or `, randomBytes`
            whole_line = statement.endswith("\n")
            # Made exclusive like the checks: two fixes never add the import twice.
            if at < len(ctx.source) and ctx.source[at] < 0x80:
                edit = TextEdit(at, at + 1, edit.content + ctx.source[at:at + 1].decode())
            # Where the check itself lands on the import's spot (right after the imports), it
            # carries the import, above it.
            for env, check in list(checks.items()):
                if whole_line and check.start == edit.start:  # a blank line after the imports
                    checks[env] = TextEdit(check.start, check.end, statement + check.content)
                elif whole_line and check.end == edit.start:  # code right below the imports
                    checks[env] = TextEdit(check.start, check.end,
                                           "\n" + statement + check.content)
                else:
                    imports[env] = edit
        return checks, imports


#: The largest JSON module read for the secrets it holds (a config file is a few KB).
_JSON_CAP = 256 * 1024


def _json_module(ctx: ProjectContext, importer: str, spec: str) -> str | None:
    """Return the project's JSON file a relative ``require``/``import`` of ``importer``
    names (``./config.json``; ``./config`` as ``require`` finds ``config.json`` where no
    script of that name is), or None."""
    if not spec.startswith("."):
        return None
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    rel = base if base.endswith(".json") else base + ".json"
    if rel.startswith("../") or _package_json_module(rel) or ctx.read(rel) is None:
        return None
    return rel


def _module_exports(ctx: ProjectContext, rel: str) -> list[_Exported]:
    """Return ``_exported_literals`` of the project module ``rel`` (none when it cannot be
    read or parsed, or exports nothing). A JSON module exports its object: it is read as
    ``module.exports = <the JSON>``, each literal where the file holds it."""
    source = ctx.read(rel)
    if rel.endswith(".json"):
        if source is None or len(source) > _JSON_CAP or not source.lstrip().startswith(b"{"):
            return []
        prefix = b"module.exports = "
        tree = parse("javascript", prefix + source)
        if tree.root_node.has_error:
            return []
        return [e._replace(start=e.start - len(prefix), end=e.end - len(prefix))
                for e in _exported_literals(tree.root_node)]
    lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
    if source is None or lang is None or not _EXPORTS_RE.search(source):
        return []
    tree = parse(lang, source)
    return [] if tree.root_node.has_error else _exported_literals(tree.root_node)


def _exported_literals(root: Node) -> list[_Exported]:
    """Return the string literals (and literal fallbacks of ``process.env``) a module exports
    from its top level: ``module.exports = { … }`` (the last one; or a constant of the file
    holding the object), ``module.exports.x = …`` / ``exports.x = …`` (not once
    ``module.exports`` is replaced), ``export default { … }`` and ``export const x = …``;
    objects are read three levels deep. A literal the module writes over anywhere (``config.x
    = …``, ``module.exports.x = …``, ``Object.assign(config, …)``, a spread after it) is not
    what it exports and is left out."""
    found: list[_Exported] = []
    holders: set[str] = {"module.exports", "exports"}  # names of the exported object
    followed: set[int] = set()  # the merge calls read here: not writes over their literals
    budget = [64]  # nodes followed through names, calls and spreads (a cycle ends here)
    dead_names: list[set[str]] = []

    def dead() -> set[str]:
        if not dead_names:
            dead_names.append(_no_default_getters(root))
        return dead_names[0]

    def source(node: Node | None) -> Node | None:
        """Return what a merge reads from ``node``: an object literal or a call (through a
        constant of the file), or None (a file path, a variable, anything else)."""
        node = unwrap(node)
        if node is not None and node.type == "identifier":
            bound = _bound_value(root, text(node))
            if bound is not None and bound.type in ("object", "call_expression"):
                holders.add(text(node))
            node = bound
        return node if node is not None and node.type in ("object", "call_expression") \
            else None

    def keys(node: Node) -> set[str] | None:
        """Return the top-level keys of an object literal, None for a call or an object
        with a spread (which may set any key)."""
        if node.type != "object" or any(c.type == "spread_element" for c in node.named_children):
            return None
        return {name for c in node.named_children
                if (name := _key_name(c.child_by_field_name("key") if c.type == "pair"
                                      else c)) is not None}

    def later_keys_of(element: Node) -> set[str] | None:
        """Return the keys a pair or a spread of an object literal sets (None: any)."""
        if element.type == "pair":
            name = _key_name(element.child_by_field_name("key"))
            return {name} if name is not None else None
        src = source(element.named_children[0]) if element.named_children else None
        return keys(src) if src is not None else None

    def merged(items: list[Node], chain: tuple[str, ...], kinds: frozenset[str],
               default: bool) -> None:
        """Read the values a merge of ``items`` (later ones win) gives: keys of an object
        item a later object literal sets are dropped; a later item that may set anything
        (a file path, a call, a variable) makes the earlier values defaults."""
        flat: list[Node | None] = []
        for item in items:
            if item.type == "spread_element" and item.named_children \
                    and unwrap(item.named_children[0]).type == "array":
                flat += [None if c.type == "spread_element" else c
                         for c in code_children(unwrap(item.named_children[0]))]
            else:
                flat.append(None if item.type == "spread_element" else item)
        sources = [source(item) for item in flat]
        for i, src in enumerate(sources):
            if src is None:
                continue
            later = [keys(s) if s is not None else None for s in sources[i + 1:]]
            overridden = set().union(*(k for k in later if k is not None))
            mark = len(found)
            value(src, chain, kinds, default or any(k is None for k in later))
            found[mark:] = [e for e in found[mark:] if e.chain[len(chain)] not in overridden]

    def value(node: Node | None, chain: tuple[str, ...], kinds: frozenset[str],
              default: bool = False, called: bool = False) -> None:
        node = unwrap(node)
        if node is None or len(chain) > 3 or budget[0] <= 0:
            return
        budget[0] -= 1
        if node.type in _FUNCTION_VALUES:
            # What the exported function returns, for a call of it (one level).
            returned = None if called else _returned(node)
            if returned is not None and returned.type in ("string", "template_string",
                                                          "binary_expression",
                                                          "call_expression"):
                value(returned, chain, kinds, default, called=True)
            return
        if node.type == "call_expression" and (chain or called):
            got = _getter_default(node, dead())
            if got is not None:
                found.append(_Exported(chain, got[0].start_byte, got[0].end_byte,
                                       kinds=kinds, default=True, called=called, key=got[1]))
                return
        if called and node.type not in ("string", "template_string", "binary_expression"):
            return
        if node.type == "identifier" and not chain:
            holders.add(text(node))
            node = unwrap(_bound_value(root, text(node)))
            if node is None:
                return
        if node.type == "call_expression" and not chain:
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            items = code_children(args) if args is not None else []
            callee = text(fn).replace(" ", "") if fn is not None else ""
            last = callee.rpartition(".")[2]
            if callee == "Object.freeze" or last == "parse" and callee != "JSON.parse" \
                    and callee != "parse" and len(items) == 1:
                value(items[0] if items else None, chain, kinds, default)
            elif callee in _MERGES or _LOADER_RE.match(last):
                followed.add(node.start_byte)
                merged(items, chain, kinds, default or callee not in _MERGES)
            return
        if node.type == "object":
            elements = [c for c in node.named_children if c.type in ("pair", "spread_element")]
            for i, child in enumerate(elements):
                if child.type == "spread_element":
                    if child.named_children and (src := source(child.named_children[0])):
                        later_keys = [later_keys_of(c) for c in elements[i + 1:]]
                        overridden = set().union(*(k for k in later_keys if k is not None))
                        mark = len(found)
                        value(src, chain, kinds, default or any(k is None for k in later_keys))
                        found[mark:] = [e for e in found[mark:]
                                        if e.chain[len(chain)] not in overridden]
                    continue
                name = _key_name(child.child_by_field_name("key"))
                if name is None:
                    continue
                later_keys = [later_keys_of(c) for c in elements[i + 1:]
                              if c.type == "spread_element"]
                if any(k is not None and name in k for k in later_keys):
                    continue  # an object spread after it sets the key
                value(child.child_by_field_name("value"), (*chain, name), kinds,
                      default or any(k is None for k in later_keys))
            return
        if not chain:
            return
        if _is_literal(node) or _empty(node):
            found.append(_Exported(chain, node.start_byte, node.end_byte, kinds=kinds,
                                   default=default, empty=_empty(node), called=called))
        elif node.type == "binary_expression" \
                and text(node.child_by_field_name("operator")) in ("||", "??"):
            match = _ENV_RE.match(text(node.child_by_field_name("left")))
            right = node.child_by_field_name("right")
            if match and right is not None and (_is_literal(right) or _empty(right)):
                found.append(_Exported(chain, right.start_byte, right.end_byte,
                                       match.group(1), kinds, empty=_empty(right),
                                       called=called))

    both = frozenset({"default", "named"})
    statements = [stmt.named_children[0] for stmt in root.named_children
                  if stmt.type == "expression_statement" and stmt.named_children
                  and stmt.named_children[0].type == "assignment_expression"]
    replaced = [expr for expr in statements
                if text(expr.child_by_field_name("left")).replace(" ", "") == "module.exports"]
    if replaced:
        value(replaced[-1].child_by_field_name("right"), (), both)
    for expr in statements:
        left = text(expr.child_by_field_name("left")).replace(" ", "")
        if left.startswith("module.exports.") and left.count(".") == 2 \
                or left.startswith("exports.") and left.count(".") == 1 and not replaced:
            value(expr.child_by_field_name("right"), (left.rpartition(".")[2],), both)
    for stmt in root.named_children:
        if stmt.type != "export_statement":
            continue
        declaration = stmt.child_by_field_name("declaration")
        if any(c.type == "default" for c in stmt.children):
            value(stmt.child_by_field_name("value") or declaration, (),
                  frozenset({"default"}))
        elif declaration is not None and declaration.type == "function_declaration":
            name = declaration.child_by_field_name("name")
            if name is not None:
                value(declaration, (text(name),), frozenset({"named"}))
        elif declaration is not None and declaration.type in ("lexical_declaration",
                                                              "variable_declaration"):
            for declarator in declaration.named_children:
                name = declarator.child_by_field_name("name")
                if declarator.type == "variable_declarator" and name is not None \
                        and name.type == "identifier":
                    holders.add(text(name))
                    value(declarator.child_by_field_name("value"), (text(name),),
                          frozenset({"named"}))
    if not found:
        return found
    written = [w for w in _written_chains(root, holders) if w[1] not in followed]
    found = [e for e in found
             if not any(e.chain[:len(prefix)] == prefix and not start <= e.start < end
                        for prefix, start, end in written)]
    if found and re.search(r"\.(?:parse|validate|attempt|assert)\s*\(", text(root)):
        found = [e for e in found if not _schema_refuses(root, e)]
    guarded = _production_guarded(root) if "production" in text(root) else set()
    if guarded:
        # A production start that stops when the variable is missing never runs with the
        # fallback, nor with a default the variable replaces.
        env_keys = set(_env_keys(root)) if any(e.default for e in found) else set()
        found = [e for e in found
                 if e.fallback_of not in guarded
                 and not (e.default and any(
                     env in guarded and chain == e.chain
                     or env == "*" and len(e.chain) == 1 and e.chain[0] in guarded
                     for chain, env in env_keys))]
    return found


def _key_name(key: Node | None) -> str | None:
    """Return the name an object key (or a shorthand property) gives, if it is a plain one."""
    if key is None:
        return None
    if key.type == "string":
        return string_value(key)
    return text(key) if key.type in ("property_identifier", "shorthand_property_identifier") \
        else None


def _bound_value(root: Node, name: str) -> Node | None:
    """Return the value of the only ``const/let/var`` declaration of ``name`` in the file,
    without parentheses and type casts."""
    return unwrap(_declared_value(root, name))


#: Config loaders by name (``loadConfig(defaults, file)``, ``readConfig``, ``buildConfig``):
#: what they return is the defaults they are handed, with what the deployment's files or
#: environment set on top.
_LOADER_RE = lazy_pattern(r"^(?:load|read|build|create|make|init|get)\w*[Cc]onfig(?:uration)?s?$")


#: Calls that copy into their first argument: a value merged in later replaces a literal.
_MERGES = frozenset({"Object.assign", "_.merge", "_.assign", "_.extend", "_.defaults",
                     "merge", "assign", "extend", "deepmerge", "defaultsDeep", "_.defaultsDeep"})


def _written_chains(root: Node, holders: set[str]) -> list[tuple[tuple[str, ...], int, int]]:
    """Return the chains of names under the exported object (``holders``: ``module.exports``,
    ``exports`` and the file's names for it) that the module assigns or merges into anywhere
    (``config.jwt.secret = …`` → ``('jwt', 'secret')``; ``Object.assign(config, env)`` →
    ``()``, everything), each with the bytes of the write (the write that gives a literal
    its value is not one that replaces it)."""
    chains: list[tuple[tuple[str, ...], int, int]] = []

    def chain_of(node: Node | None) -> tuple[str, ...] | None:
        names: list[str] = []
        cur = unwrap(node)
        while cur is not None and cur.type in ("member_expression", "subscript_expression"):
            if cur.type == "member_expression":
                names.append(text(cur.child_by_field_name("property")))
            else:
                key = string_value(cur.child_by_field_name("index"))
                if key is None:
                    return None
                names.append(key)
            cur = unwrap(cur.child_by_field_name("object"))
            if cur is not None and text(cur).replace(" ", "") == "module.exports":
                return tuple(reversed(names))
        if cur is None or text(cur) not in holders:
            return None
        return tuple(reversed(names))

    for node in walk(root):
        if node.type in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            if left is not None and left.type != "identifier":
                chain = chain_of(left)
                if chain is not None:
                    chains.append((chain, node.start_byte, node.end_byte))
        elif node.type == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if fn is not None and text(fn).replace(" ", "") in _MERGES and args is not None:
                items = code_children(args)
                chain = chain_of(items[0]) if items else None
                if chain is None and items and unwrap(items[0]) is not None \
                        and text(unwrap(items[0])) in holders:
                    chain = ()
                if chain is not None:
                    chains.append((chain, node.start_byte, node.end_byte))
    return chains


def _shadowed(name_node: Node) -> bool:
    """Return True when a function around ``name_node`` binds its name again (a parameter, or
    a declaration in a block between it and the top level): the name is not the import."""
    name = text(name_node)
    cur = name_node.parent
    while cur is not None and cur.type != "program":
        if cur.type in ("function_declaration", "function_expression", "arrow_function",
                        "method_definition", "function", "generator_function_declaration"):
            params = cur.child_by_field_name("parameters") or cur.child_by_field_name(
                "parameter")
            if params is not None and any(
                    n.type in ("identifier", "shorthand_property_identifier_pattern")
                    and text(n) == name for n in walk(params)):
                return True
        if cur.type == "statement_block":
            for stmt in cur.named_children:
                if stmt.type in ("lexical_declaration", "variable_declaration") and any(
                        n.type in ("identifier", "shorthand_property_identifier_pattern")
                        and text(n) == name and n.parent is not None
                        and n.parent.type in ("variable_declarator", "object_pattern",
                                              "array_pattern", "pair_pattern")
                        and n.parent.child_by_field_name("value") is not n
                        for n in walk(stmt)):
                    return True
        cur = cur.parent
    return False


_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function",
                        "method_definition", "function", "generator_function_declaration",
                        "generator_function", "class_body"})


def _production_test(node: Node | None, root: Node) -> bool:
    """Return True for ``process.env.NODE_ENV === 'production'`` (either way round, ``==``
    too), or a name the file binds once to that test (``const isProd = …``)."""
    node = unwrap(node)
    if node is not None and node.type == "identifier":
        node = _bound_value(root, text(node))
    if node is None or node.type != "binary_expression" \
            or text(node.child_by_field_name("operator")) not in ("===", "=="):
        return False
    sides = {text(unwrap(node.child_by_field_name("left"))).replace(" ", ""),
             text(unwrap(node.child_by_field_name("right"))).replace(" ", "")}
    return "process.env.NODE_ENV" in sides and bool(
        sides & {"'production'", '"production"', "`production`"})


def _missing_vars(node: Node | None) -> set[str]:
    """Return the variables a test is true for when they are missing: ``!process.env.X``,
    and each side of ``!process.env.A || !process.env.B``."""
    node = unwrap(node)
    if node is None:
        return set()
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "||":
        return _missing_vars(node.child_by_field_name("left")) | _missing_vars(
            node.child_by_field_name("right"))
    if node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "!":
        match = _ENV_RE.match(text(unwrap(node.child_by_field_name("argument"))))
        return {match.group(1)} if match else set()
    return set()


def _conjuncts(node: Node | None) -> list[Node]:
    """Return the terms of ``a && b && …`` (the node itself when it is no ``&&``)."""
    node = unwrap(node)
    if node is None:
        return []
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "&&":
        return _conjuncts(node.child_by_field_name("left")) + _conjuncts(
            node.child_by_field_name("right"))
    return [node]


def _production_guarded(root: Node) -> set[str]:
    """Return the variables the module's top level refuses to start without in production:
    a ``throw`` or ``process.exit(…)`` under ``if``s that test production and the missing
    variable (``if (process.env.NODE_ENV === 'production' && !process.env.JWT_SECRET) throw
    …``, or the start-up check this rule's fix writes: ``if (!process.env.JWT_SECRET) { if
    (process.env.NODE_ENV === 'production') throw … }``). Only ``if`` branches and blocks may
    lie between the stop and the top level: not a function, a loop or a ``try``."""
    guarded: set[str] = set()
    for node in walk(root):
        if node.type == "throw_statement":
            stop = node
        elif node.type == "call_expression" and text(
                node.child_by_field_name("function")).replace(" ", "") == "process.exit" \
                and node.parent is not None and node.parent.type == "expression_statement":
            stop = node.parent
        else:
            continue
        production = False
        missing: set[str] = set()
        cur = stop
        while cur.parent is not None and cur.parent.type != "program":
            parent = cur.parent
            if parent.type == "if_statement" and parent.child_by_field_name("consequence") == cur:
                terms = _conjuncts(parent.child_by_field_name("condition"))
                tested = {var for term in terms for var in _missing_vars(term)}
                if not tested and not any(_production_test(term, root) for term in terms):
                    break  # `if (false) { … }`: a branch that need not run
                for term in terms:
                    production = production or _production_test(term, root)
                missing |= tested
            elif parent.type != "statement_block":
                break
            cur = parent
        else:
            if production:
                guarded |= missing
    # `process.env.JWT_SECRET = process.env.JWT_SECRET || 'dev'`: the variable is never missing.
    for node in walk(root):
        if node.type in ("assignment_expression", "augmented_assignment_expression"):
            left = text(node.child_by_field_name("left")).replace(" ", "")
            guarded = {var for var in guarded
                       if left not in (f"process.env.{var}", f"process.env['{var}']",
                                       f'process.env["{var}"]')}
    return guarded


def _env_keys(root: Node) -> Iterator[tuple[tuple[str, ...], str]]:
    """Yield the chains of keys at which the module's object literals read a variable
    (``{ jwt: { secret: process.env.JWT_SECRET } }`` → ``(('jwt', 'secret'), 'JWT_SECRET')``,
    also with a fallback); ``((), '*')`` for ``process.env`` itself spread or handed to a
    call (``{ ...defaults, ...process.env }``: each variable sets the key of its name)."""
    for node in walk(root):
        if node.type in ("spread_element", "arguments") and any(
                text(unwrap(c)).replace(" ", "") == "process.env"
                for c in code_children(node)):
            yield (), "*"
            continue
        if node.type != "pair":
            continue
        value = unwrap(node.child_by_field_name("value"))
        if value is not None and value.type == "binary_expression" \
                and text(value.child_by_field_name("operator")) in ("||", "??"):
            value = unwrap(value.child_by_field_name("left"))
        match = _ENV_RE.match(text(value)) if value is not None else None
        if not match:
            continue
        chain: list[str] = []
        pair: Node | None = node
        while pair is not None and pair.type == "pair":
            name = _key_name(pair.child_by_field_name("key"))
            if name is None:
                break
            chain.append(name)
            obj = pair.parent
            pair = obj.parent if obj is not None and obj.type == "object" else None
        else:
            yield tuple(reversed(chain)), match.group(1)


#: Methods of a zod or Joi string schema that neither let a refused value through nor replace
#: it (``.catch``, ``.default``, ``.allow``, ``.or`` and the rest may: not followed).
_SCHEMA_STEPS = frozenset({"string", "min", "max", "length", "invalid", "not", "disallow",
                           "required", "optional", "nonempty", "trim", "describe",
                           "description", "label"})


#: Statements whose body may not run (or runs again): a check inside one proves nothing.
_CONDITIONAL = frozenset({"if_statement", "for_statement", "for_in_statement", "while_statement",
                          "do_statement", "try_statement", "switch_statement",
                          "ternary_expression"})


def _top_level(node: Node) -> bool:
    """Return True when no function or class lies between ``node`` and the top level."""
    return enclosing(node, _FUNCTIONS) is None


def _stops_on_error(root: Node, call: Node) -> bool:
    """Return True when the result of ``schema.validate(…)`` (Joi: no throw of its own) is
    checked at the top level: ``const { error } = …; if (error) throw …`` (or ``const r =
    …; if (r.error) process.exit(1)``)."""
    declarator = call.parent
    if declarator is None or declarator.type != "variable_declarator":
        return False
    name = declarator.child_by_field_name("name")
    if name is None:
        return False
    if name.type == "identifier":
        tested = f"{text(name)}.error"
    elif name.type == "object_pattern" and any(
            c.type == "shorthand_property_identifier_pattern" and text(c) == "error"
            for c in name.named_children):
        tested = "error"
    else:
        return False
    for stmt in root.named_children:
        if stmt.type != "if_statement" or text(unwrap(
                stmt.child_by_field_name("condition"))).replace(" ", "") != tested:
            continue
        body = unwrap(stmt.child_by_field_name("consequence"))
        stops = [body] if body is not None and body.type != "statement_block" \
            else code_children(body) if body is not None else []
        if any(s.type == "throw_statement" or s.type == "expression_statement"
               and text(s).replace(" ", "").startswith("process.exit(") for s in stops):
            return True
    return False


def _schema_refuses(root: Node, exported: _Exported) -> bool:
    """Return True when the module validates, at its top level, an object holding the
    literal's defaults (the object literal around it, or the constant that holds it) with a
    zod or Joi object schema whose key at the literal's chain refuses it: ``.invalid('lit')``
    / ``.not`` / ``.disallow`` naming it, or a string ``.min(n)`` longer than it. zod's
    ``.parse``, Joi's ``attempt``/``assert`` throw; ``.validate`` counts when its error stops
    the module. The app does not start with that value."""
    literal = root.descendant_for_byte_range(exported.start, exported.end)
    value = string_value(literal)
    if literal is None or value is None or not exported.chain:
        return False
    holder = None
    for stmt in root.named_children:
        if stmt.type in ("lexical_declaration", "variable_declaration") \
                and stmt.start_byte <= exported.start < stmt.end_byte:
            for declarator in stmt.named_children:
                name = declarator.child_by_field_name("name")
                if declarator.start_byte <= exported.start < declarator.end_byte \
                        and name is not None and name.type == "identifier":
                    holder = text(name)
    for call in walk(root):
        if call.type != "call_expression" or not _top_level(call) \
                or enclosing(call, _CONDITIONAL) is not None:
            continue  # `if (NODE_ENV === 'test') schema.parse(config)`: may not run
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if fn is None or fn.type != "member_expression" or args is None:
            continue
        method = text(fn.child_by_field_name("property"))
        items = code_children(args)
        if method in ("parse", "validate") and len(items) >= 1:
            checked, schema = items[0], fn.child_by_field_name("object")
            if method == "validate" and not _stops_on_error(root, call):
                continue
        elif method in ("attempt", "assert") and len(items) >= 2 \
                and text(fn.child_by_field_name("object")) == "Joi":
            checked, schema = items[0], items[1]
        else:
            continue
        if not (checked.start_byte <= exported.start < checked.end_byte or holder is not None
                and any(n.type == "identifier" and text(n) == holder for n in walk(checked))):
            continue
        if _key_refuses(root, schema, exported.chain, value):
            return True
    return False


def _key_refuses(root: Node, schema: Node | None, chain: tuple[str, ...], value: str) -> bool:
    """Return True when the object schema ``schema`` (``z.object({ … })``, ``Joi.object({ …
    })``, ``Joi.object().keys({ … })``, or a constant holding one) refuses ``value`` at
    ``chain``."""
    for name in chain:
        schema = unwrap(schema)
        if schema is not None and schema.type == "identifier":
            schema = _bound_value(root, text(schema))
        shape = None
        cur = schema
        while cur is not None and cur.type == "call_expression":
            fn = cur.child_by_field_name("function")
            args = cur.child_by_field_name("arguments")
            items = code_children(args) if args is not None else []
            if fn is None or fn.type != "member_expression":
                break
            if text(fn.child_by_field_name("property")) in ("object", "keys") and items \
                    and items[0].type == "object":
                shape = items[0]
                break
            cur = unwrap(fn.child_by_field_name("object"))
        if shape is None:
            return False
        schema = object_properties(shape).get(name)
    steps: list[tuple[str, list[Node]]] = []
    cur = unwrap(schema)
    while cur is not None and cur.type == "call_expression":
        fn = cur.child_by_field_name("function")
        args = cur.child_by_field_name("arguments")
        if fn is None or fn.type != "member_expression" or args is None:
            return False
        steps.append((text(fn.child_by_field_name("property")), code_children(args)))
        cur = unwrap(fn.child_by_field_name("object"))
    if cur is None or text(cur) not in ("z", "Joi") or not steps \
            or steps[-1][0] != "string" or any(s not in _SCHEMA_STEPS for s, _ in steps):
        return False
    for step, items in steps:
        if step in ("invalid", "not", "disallow") \
                and any(string_value(i) == value for i in items):
            return True
        if step == "min" and items and items[0].type == "number" \
                and text(items[0]).isdigit() and len(value) < int(text(items[0])):
            return True
    return False


def _comparison(literal: bytes) -> re.Pattern[bytes] | None:
    """Return the pattern of a comparison with ``literal`` (quoted as in the source)."""
    body = literal[1:-1]
    if not body:
        return None
    quoted = re.escape(body)
    return re.compile(rb"[=!]==?\s*(['\"`])" + quoted + rb"\1|(['\"`])" + quoted
                      + rb"\2\s*[=!]==?")


#: The config-getter defaults ``check_file`` held back for the project phase, by file (read
#: and cleared by ``file_data``, which runs right after it on the same file).
_HELD: dict[str, list[tuple[Finding, bytes, str]]] = {}
#: The key of a held cookie-parser secret: reported only where some project file signs a
#: cookie or reads one signed (``_SIGNED_COOKIE_RE``).
_SIGNS_COOKIES = "\0signed cookies"
#: A cookie signed with cookie-parser's secret: ``res.cookie(name, value, { signed: true })``,
#: ``req.signedCookies``, ``cookieParser.signedCookie(…)``, and what reads the secret itself
#: (``req.secret``: csurf's signed cookie, for one).
_SIGNED_COOKIE_RE = lazy_pattern(rb"signed\s*:\s*(?:true|!0)|signedCookies?\b|req\.secret\b")


def _git_tracked(root: Path, rel: str) -> bool | None:
    """Return whether git tracks file ``rel`` of the work tree at ``root`` (committed or
    staged), or None outside a work tree or without git."""
    import subprocess

    try:
        proc = subprocess.run(["git", "ls-files", "--error-unmatch", "--", rel], cwd=root,
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode == 0:
        return True
    return False if "did not match" in proc.stderr else None


#: ``NAME=value`` (``export NAME=value``) in an environment file.
_ENV_LINE_RE = lazy_pattern(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
#: A value that stands for one to fill in: ``change-me``, ``your_jwt_secret``, ``<secret>``,
#: ``xxx``, ``...``, ``${JWT_SECRET}``.
_PLACEHOLDER_VALUE_RE = lazy_pattern(
    r"(?i)^(?:<.*>|\$\{.*\}|x{3,}|\.{3,}|\*+)$|change[-_ ]?me|replace[-_ ]?me|your[-_ ]|"
    r"placeholder|example|todo|fixme")
#: An environment file that says it is not the production one (``# Regtest dev fixture. NOT
#: for production.``).
_DEV_ENV_FILE_RE = lazy_pattern(r"(?im)^\s*#.*(?:not\s+for\s+production|development|dev\s+"
                                r"fixture|for\s+(?:local\s+)?(?:dev|tests?|testing)\b)")


@record
class _FileSecrets:
    """What a file leaves to ``check_project``: the secret arguments it reads from project
    modules, and the findings on config-getter defaults it holds back (with each literal) until
    every file is read for a comparison that refuses the value."""

    uses: list[_SecretUse]
    #: (finding, the default's literal, "") for a config getter's default; (finding, b"", key)
    #: for the fallback of a config value ``config.<key> || 'x'``; (finding, b"",
    #: ``_SIGNS_COOKIES``) for a cookie-parser secret.
    held: list[tuple[Finding, bytes, str]]
    #: (variable, the secret's kind: ``JWT_SECRET``…) of each environment variable the file
    #: reads as a secret as it is.
    env_reads: list[tuple[str, str]] = field(default_factory=list)


def _compared_in(source: bytes, literal: bytes) -> bool:
    """Return True when ``source`` compares something with ``literal``."""
    pattern = _comparison(literal)
    return pattern is not None and pattern.search(source) is not None


def _refused_unset_anywhere(ctx: ProjectContext, key: str) -> bool:
    """Return True when a project file stops when a config value ``<object>.<key>`` is unset:
    ``if (!config.secret || …) { throw new Error(…) }`` (or ``process.exit``), as a config
    loader that refuses to start does. The fallback of ``config.<key> || 'x'`` then never
    runs."""
    pattern = re.compile(rb"\bif\s*\(\s*!\s*[\w$.]*\." + re.escape(key.encode())
                         + rb"\b[^)]*\)\s*(?:\{[^{}]{0,300}?)?(?:throw\b|process\.exit\s*\()")
    return any(pattern.search(ctx.read(rel) or b"") for rel in ctx.facts)


def _compared_anywhere(ctx: ProjectContext, literal: bytes) -> bool:
    """Return True when a project file compares something with ``literal`` (the quoted
    text: ``=== 'changeme'``, ``'changeme' !== x``): a placeholder the app checks for, and
    refuses, is not the secret it runs with."""
    pattern = _comparison(literal)
    if pattern is None:
        return False
    return any(pattern.search(ctx.read(rel) or b"") for rel in ctx.facts)


def _random_bytes(ctx: FileContext) -> tuple[str, list[TextEdit]]:
    """Return the expression that calls node:crypto's ``randomBytes`` in this file, and the
    import edits it needs: none when the file can already call it, the import service's
    (which reuses or extends the file's own import of node:crypto) otherwise. A CommonJS file
    that does not import node:crypto calls ``require('node:crypto').randomBytes`` in place."""
    style = ctx.style
    imported = any(same_module(imp.module, "node:crypto") and imp.locals()
                   for imp in ctx.facts.imports)
    if not imported and style.module != "esm" and not style.typescript:
        return f"require({style.q(builtin_specifier(ctx.facts, 'crypto'))}).randomBytes", []
    imports = add_imports(ctx.source, ctx.facts, style,
                          [ImportRequest("node:crypto", names=("randomBytes",))])
    return imports.bindings[0].names["randomBytes"], imports.edits


def _check_code(env: str, style: Style, random: str) -> str:
    """Return the start-up check for ``env``: stop in production, a random per-process secret
    and one warning elsewhere (tests import the app: a throw there would fail every suite)."""
    i = style.indent
    stop = style.q(f"{env} must be set in production")
    warn = style.q(f"{env} is not set: using a random secret for this process "
                   "(signed values do not survive a restart)")
    return (f"if (!process.env.{env}) {{\n"
            f"{i}if (process.env.NODE_ENV === {style.q('production')}) {{\n"
            f"{i}{i}throw new Error({stop}){style.semi}\n"
            f"{i}}}\n"
            f"{i}process.env.{env} = {random}(32).toString({style.q('hex')}){style.semi}\n"
            + (f"{i}// eslint-disable-next-line no-console\n" if style.no_console else "")
            + f"{i}console.warn({warn}){style.semi}\n"
            "}\n\n")


def _statement_line_start(source: bytes, node: Node) -> int:
    """Return the start of the line where the top-level statement holding ``node`` begins,
    above any comment lines written right on top of it."""
    stmt = node
    while stmt.parent is not None and stmt.parent.type != "program":
        stmt = stmt.parent
    prev = stmt.prev_sibling
    while prev is not None and prev.type == "comment" \
            and prev.end_point[0] == stmt.start_point[0] - 1:
        stmt, prev = prev, prev.prev_sibling
    return source.rfind(b"\n", 0, stmt.start_byte) + 1


RULE = HardcodedSecret()


def _database_passwords(ctx: FileContext, rule: str) -> Iterator[Finding]:
    """Yield a finding for each database password written in a string of the file for a
    remote host (``_remote_host``): in a connection URI, as ``password:`` beside ``host:`` in
    one object, or as ``new Sequelize``'s third argument with a ``host`` option. No fix: the
    password is in the repository's history, and the deployment must then provide it."""
    root = ctx.tree.root_node

    def around(start: int, end: int, kinds: tuple[str, ...]) -> Node | None:
        """Return the node of ``kinds`` that holds bytes ``start:end`` (a comment is in none)."""
        node = root.descendant_for_byte_range(start, end)
        return node if node is None or node.type in kinds else enclosing(node, kinds)

    def message(host: str) -> str:
        return (f"database password for {host} written in the source: anyone with the code "
                "(or its git history) can connect to that database; read it from an "
                "environment variable, and change the password")

    seen: set[int] = set()
    for match in _DB_URI_RE.finditer(ctx.source):
        user, password, host = (part.decode("utf-8", "replace") for part in match.groups())
        node = around(match.start(), match.end(), ("string", "template_string"))
        if node is None or node.start_byte in seen or not _remote_host(host) \
                or _PLACEHOLDER_RE.match(password) or "<" in user:
            continue
        seen.add(node.start_byte)
        yield ctx.node_finding(rule, node, message(host))

    def literal(node: Node | None) -> str | None:
        node = unwrap(node) if node is not None else None
        return string_value(node) if node is not None and node.type == "string" else None

    # The objects and `new Sequelize(…)` calls around each hint, not a walk of the whole tree.
    candidates: dict[int, Node] = {}
    for pattern, kinds in ((_DB_HINT_RES[1], ("object",)), (_DB_HINT_RES[2], ("new_expression",))):
        for found in pattern.finditer(ctx.source):
            node = around(found.start(), found.start(), kinds)
            if node is not None:
                candidates[node.start_byte] = node
    for node in candidates.values():
        host = password = None
        if node.type == "object":
            props = object_properties(node)
            host = literal(props.get("host"))
            password = props.get("password")
        elif text(node.child_by_field_name("constructor")) == "Sequelize":
            arguments = node.child_by_field_name("arguments")
            args = [a for a in arguments.named_children if a.type != "comment"] \
                if arguments is not None else []
            if len(args) >= 4 and args[3].type == "object":
                host = literal(object_properties(args[3]).get("host"))
                password = args[2]
        value = literal(password)
        if host is None or password is None or not value or not _remote_host(host) \
                or _PLACEHOLDER_RE.match(value) or unwrap(password).start_byte in seen:
            continue
        seen.add(unwrap(password).start_byte)
        yield ctx.node_finding(rule, unwrap(password), message(host))
