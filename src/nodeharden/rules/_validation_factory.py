"""input-validation: a route's middleware made by a project function (a route-options factory,
``route({ requestBody: 'UserSchema' })``) that validates a request part before the handler.

The factory is followed to the middleware it returns (across an import, also a TypeScript
``paths`` alias and ``export * from`` re-exports); the middleware counts for ``req.body`` (or
``query``/``params``) only when it calls a validator library on that part and stops the request
when the check fails, and, when the schema comes from the options, only where the call names it.
Anything the rule cannot follow counts for nothing."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from tree_sitter import Node

from nodeharden._parse import (
    CASTS_AND_AWAIT,
    FUNCTION_TYPES,
    code_children,
    parameters,
    string_value,
    text,
    unwrap,
    walk,
)
from nodeharden._project import files_with_suffix
from nodeharden._regex import lazy_pattern
from nodeharden.rules._validation_types import list_may_change

if TYPE_CHECKING:
    from nodeharden._express import FileFacts
    from nodeharden.rules._base import ProjectContext

#: Methods whose call on a schema throws when the value does not match (zod ``parse``, joi
#: ``validateAsync``, yup ``validateSync``).
_THROWING = frozenset({"parse", "parseAsync", "validateAsync", "validateSync"})
#: Methods whose result tells whether the value matched (zod ``safeParse``, joi ``validate``).
_RETURNING = frozenset({"safeParse", "safeParseAsync", "validate"})
#: Methods that give a promise: their failure stops nothing unless the call is awaited (yup's
#: ``validate`` too, in a project that depends on yup).
_ASYNC = frozenset({"parseAsync", "safeParseAsync", "validateAsync"})
#: Methods whose result is an object that is always truthy (``{ success, data | error }``).
_SAFE = frozenset({"safeParse", "safeParseAsync"})
_ASYNC_KEY = b"$async"
_MAX_JSON_BYTES = 8 * 1024 * 1024
#: Ajv calls that give a validate function for a schema.
_AJV_MAKERS = frozenset({"getSchema", "compile"})
_AJV_RE = lazy_pattern(r"(?i)ajv")
_PARTS = ("body", "query", "params")
_JSONC_RE = lazy_pattern(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMA_RE = lazy_pattern(r",(\s*[}\]])")
#: Statements a validator call may sit in on its way to the middleware's body.
_PLAIN = frozenset({"statement_block", "expression_statement", "lexical_declaration",
                    "variable_declaration", "variable_declarator", "assignment_expression",
                    "parenthesized_expression", "await_expression", "as_expression",
                    "non_null_expression", "unary_expression", "arguments"})


class Check(NamedTuple):
    """One validation the factory's middleware runs: on ``part``, when the call's options
    name every key of ``options`` (none: always), a value for ``excluded``'s key outside it."""

    part: str
    options: frozenset[str]
    excluded: tuple[tuple[str, frozenset[str]], ...] = ()


def _jsonc(data: bytes) -> Any:
    raw = data.decode("utf-8", "replace")
    raw = _JSONC_RE.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", raw)
    try:
        return json.loads(_TRAILING_COMMA_RE.sub(r"\1", raw))
    except ValueError:
        return None


def _tsconfig(ctx: ProjectContext, importer: str) -> tuple[str, dict[str, list[str]]] | None:
    """Return (base folder, ``compilerOptions.paths``) of the tsconfig.json nearest to
    ``importer``, or None."""
    cache: dict[str, Any] = ctx.extra.setdefault("input-validation.tsconfig", {})
    folder = posixpath.dirname(importer)
    while True:
        if folder not in cache:
            data = ctx.read(posixpath.join(folder, "tsconfig.json") if folder else
                            "tsconfig.json")
            config = _jsonc(data) if data is not None else None
            options = config.get("compilerOptions") if isinstance(config, dict) else None
            paths = options.get("paths") if isinstance(options, dict) else None
            if data is None:
                cache[folder] = False
            elif isinstance(paths, dict):
                assert isinstance(options, dict)
                base = options.get("baseUrl")
                base = base if isinstance(base, str) else "."
                cache[folder] = (posixpath.normpath(posixpath.join(folder, base)),
                                 {k: [t for t in v if isinstance(t, str)]
                                  for k, v in paths.items() if isinstance(v, list)})
            else:
                cache[folder] = None  # the nearest config, with no aliases
        if cache[folder] is not False:
            found: tuple[str, dict[str, list[str]]] | None = cache[folder]
            return found
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def resolve_spec(ctx: ProjectContext, importer: str, spec: str) -> str | None:
    """Return the project file an import names: a relative one, or one through an alias of
    the nearest tsconfig.json's ``paths`` (``@app/api*`` → ``./src/api*``)."""
    if spec.startswith("."):
        return ctx.resolve_import(importer, spec)
    config = _tsconfig(ctx, importer)
    if config is None:
        return None
    base, paths = config
    best: tuple[int, list[str]] | None = None
    for key, targets in paths.items():
        prefix, star, suffix = key.partition("*")
        if not star:
            if spec == key and (best is None or len(key) > best[0]):
                best = (len(key), targets)
        elif spec.startswith(prefix) and spec.endswith(suffix) and \
                len(spec) >= len(prefix) + len(suffix) and (best is None or len(prefix) >
                                                            best[0]):
            middle = spec[len(prefix):len(spec) - len(suffix)]
            best = (len(prefix), [t.replace("*", middle, 1) for t in targets])
    for target in best[1] if best is not None else []:
        path = posixpath.normpath(posixpath.join(base, target))
        if path.startswith(".."):
            continue
        found = ctx.resolve_import("_", "./" + path)
        if found is not None:
            return found
    return None


def _call_parts(call: Node, req: str) -> list[str]:
    args = call.child_by_field_name("arguments")
    found = []
    for arg in code_children(args) if args is not None else []:
        arg = unwrap(arg)
        if arg.type == "member_expression" and \
                text(arg.child_by_field_name("object")) == req and \
                text(arg.child_by_field_name("property")) in _PARTS:
            found.append(text(arg.child_by_field_name("property")))
    return found


def _own_nodes(fn: Node) -> Iterator[Node]:
    """Yield the nodes of a function's body, not those of the functions inside it."""
    body = fn.child_by_field_name("body")
    if body is None:
        return
    stack = [body]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed([c for c in node.named_children if c.type not in FUNCTION_TYPES]))


def _returned_function(factory: Node) -> Node | None:
    body = factory.child_by_field_name("body")
    if body is None:
        return None
    if body.type in FUNCTION_TYPES:  # `const route = (opts) => (req, res, next) => …`
        return body
    if body.type == "parenthesized_expression":
        inner = unwrap(body)
        return inner if inner.type in FUNCTION_TYPES else None
    returns = [n for n in _own_nodes(factory) if n.type == "return_statement"]
    if len(returns) != 1:
        return None
    value = unwrap(returns[0].named_children[0]) if returns[0].named_children else None
    return value if value is not None and value.type in FUNCTION_TYPES else None


def _stops(block: Node | None, next_name: str | None) -> bool:
    """Return True when ``block`` ends the middleware: a throw or a return (not of ``next()``
    with no error) among its own statements."""
    if block is None:
        return False
    nodes = code_children(block) if block.type == "statement_block" else [block]
    for node in nodes:
        if node.type == "throw_statement":
            return True
        if node.type == "return_statement":
            value = unwrap(node.named_children[0]) if node.named_children else None
            return not (value is not None and value.type == "call_expression"
                        and text(value.child_by_field_name("function")) == next_name
                        and not code_children(value.child_by_field_name("arguments") or value))
    return False


class _Factory:
    """What one factory function's middleware validates."""

    def __init__(self, ctx: ProjectContext, rel: str, root: Node, facts: FileFacts | None,
                 factory: Node) -> None:
        self.ctx = ctx
        self.root = root
        self.facts = facts
        self.factory = factory
        self.opts: str | None = None  # the options parameter's name
        self.keys: dict[str, str] = {}  # destructured options: local -> key
        params = parameters(factory)
        if params and params[0].type == "identifier":
            self.opts = text(params[0])
        elif params and params[0].type == "object_pattern":
            for prop in code_children(params[0]):
                if prop.type == "shorthand_property_identifier_pattern":
                    self.keys[text(prop)] = text(prop)
                elif prop.type == "pair_pattern" and \
                        getattr(prop.child_by_field_name("value"), "type", "") == "identifier":
                    self.keys[text(prop.child_by_field_name("value"))] = \
                        text(prop.child_by_field_name("key"))
        self.locals = {text(n.child_by_field_name("name")) for n in walk(factory)
                       if n.type in ("variable_declarator", "function_declaration")
                       and n.child_by_field_name("name") is not None}
        self.ajv = facts is not None and any(i.module == "ajv" or i.module.startswith("ajv/")
                                             for i in facts.imports)

    def checks(self, plain: bool = False) -> list[Check]:
        """Return what the factory's middleware validates (``plain``: the function is the
        middleware itself)."""
        middleware = self.factory if plain else _returned_function(self.factory)
        params = parameters(middleware) if middleware is not None else []
        if middleware is None or not params or params[0].type != "identifier":
            return []
        req = text(params[0])
        next_name = text(params[2]) if len(params) > 2 and params[2].type == "identifier" \
            else None
        found: list[Check] = []
        for node in _own_nodes(middleware):
            if node.type != "call_expression":
                continue
            parts = _call_parts(node, req)
            if not parts:
                continue
            check = self._validates(node, middleware, next_name)
            if check is not None:
                found.extend(Check(p, check[0], check[1]) for p in parts)
        return found

    def _option_keys(self, schema: Node) -> frozenset[str] | None:
        """Return the option keys a schema expression reads (``opts.requestBody``), or None
        when it reads something of the factory the rule cannot tie to one (a local)."""
        keys: set[str] = set()
        for node in walk(schema):
            if node.type == "member_expression" and self.opts is not None and \
                    text(node.child_by_field_name("object")) == self.opts:
                keys.add(text(node.child_by_field_name("property")))
            elif node.type == "identifier":
                name = text(node)
                parent = node.parent
                if parent is not None and parent.type == "member_expression" and \
                        parent.child_by_field_name("object") == node and name == self.opts:
                    continue
                if name in self.keys:
                    keys.add(self.keys[name])
                elif name == self.opts or name in self.locals:
                    return None
        return frozenset(keys)

    def _validates(self, call: Node, middleware: Node, next_name: str | None
                   ) -> tuple[frozenset[str], tuple[tuple[str, frozenset[str]], ...]] | None:
        fn = call.child_by_field_name("function")
        if fn is None:
            return None
        throws = False
        schemas: list[Node] = []
        validator: str | None = None
        method: str | None = None
        awaited = _awaited(call)
        if fn.type == "member_expression":
            method = text(fn.child_by_field_name("property"))
            receiver = fn.child_by_field_name("object")
            args = code_children(call.child_by_field_name("arguments") or call)
            if receiver is None:
                return None
            if method == "validate" and len(args) == 2 and (
                    _AJV_RE.search(text(receiver)) is not None):
                schemas = [args[0]]  # ajv.validate(schema, req.body)
                if not awaited and not self._synchronous(schemas):
                    return None  # a `$async` schema: the promise is always truthy
            elif method in _THROWING or method in _RETURNING:
                if not awaited and (method in _ASYNC or method == "validate" and (
                        self.ctx.info.has_dependency("yup"))):
                    return None  # a promise: its rejection stops nothing, nor does a try
                throws = method in _THROWING
                schemas = [receiver]
            else:
                return None
        elif fn.type == "identifier":
            validator = text(fn)
            for node in walk(self.factory):
                value = None
                if node.type == "variable_declarator" and \
                        text(node.child_by_field_name("name")) == validator:
                    value = node.child_by_field_name("value")
                    if value is None:
                        continue  # `let validate;`
                elif node.type == "assignment_expression" and \
                        text(node.child_by_field_name("left")) == validator:
                    value = node.child_by_field_name("right")
                else:
                    continue
                value = unwrap(value, CASTS_AND_AWAIT)
                maker = value.child_by_field_name("function") \
                    if value is not None and value.type == "call_expression" else None
                if value is None or maker is None or maker.type != "member_expression" or \
                        text(maker.child_by_field_name("property")) not in _AJV_MAKERS or \
                        not (self.ajv or _AJV_RE.search(
                            text(maker.child_by_field_name("object"))) is not None):
                    return None
                schemas.extend(code_children(value.child_by_field_name("arguments") or value))
            if not schemas or not awaited and not self._synchronous(schemas):
                return None
        else:
            return None
        required: set[str] = set()
        for schema in schemas:
            keys = self._option_keys(schema)
            if keys is None:
                return None
            required |= keys
        if not self._nothing_before(call, middleware, next_name):
            return None
        excluded: list[tuple[str, frozenset[str]]] = []
        outcome = self._guarded(call, middleware, validator, method, required, excluded)
        if outcome is None:
            return None
        test, after = outcome
        if throws and test is None:
            return frozenset(required), tuple(excluded)
        if test is not None and _stops(test.child_by_field_name("consequence"), next_name):
            return frozenset(required), tuple(excluded)
        if after is not None and _stops(after.child_by_field_name("consequence"), next_name):
            return frozenset(required), tuple(excluded)
        return None

    @staticmethod
    def _nothing_before(call: Node, middleware: Node, next_name: str | None) -> bool:
        """Return False when the middleware may hand on the request before the check: a
        return, or a call of ``next`` (or anything that may call it), before it."""
        for node in _own_nodes(middleware):
            if node.start_byte < call.start_byte and node.type == "return_statement":
                return False
        body = middleware.child_by_field_name("body")
        for node in walk(body) if body is not None and next_name is not None else ():
            if node.start_byte >= call.start_byte:
                break
            if node.type == "identifier" and text(node) == next_name:
                return False  # also in a callback: `setImmediate(() => next())`
        return True

    def _synchronous(self, schemas: list[Node]) -> bool:
        """Return True when ajv gives a synchronous validator for ``schemas``: object literals
        in sight with no ``$async`` key, or, for a schema the rule cannot see (a name, a
        variable), a project none of whose source or JSON files mentions ``$async``."""
        for schema in schemas:
            value = unwrap(schema)
            if value is None:
                return False
            if value.type == "object":
                if "$async" in text(value):
                    return False
            elif _declares_async(self.ctx):
                return False
        return True

    def _guarded(self, call: Node, middleware: Node, validator: str | None,
                 method: str | None, required: set[str],
                 excluded: list[tuple[str, frozenset[str]]]
                 ) -> tuple[Node | None, Node | None] | None:
        """Walk from the call up to the middleware's body. Return (the ``if`` whose test is
        the call, the ``if`` after the statement that keeps its result), either None; or None
        when a condition, a loop, a catch or another construct may skip the check."""
        test: Node | None = None
        after: Node | None = None
        node = call
        body = middleware.child_by_field_name("body")
        while node.parent is not None and node != body:
            parent = node.parent
            if parent.type == "if_statement":
                if parent.child_by_field_name("condition") == node:
                    inner = unwrap(node)
                    if inner.type == "unary_expression" and text(inner).startswith("!") and \
                            unwrap(inner.named_children[0], CASTS_AND_AWAIT) == call and \
                            method not in _SAFE:  # `!schema.safeParse(…)` never holds
                        test = parent
                    else:
                        return None
                elif parent.child_by_field_name("consequence") == node:
                    if not self._condition(parent.child_by_field_name("condition"), validator,
                                           required, excluded):
                        return None
                else:
                    return None
            elif parent.type == "variable_declarator" and node == parent.child_by_field_name(
                    "value"):
                after = _result_test(parent, method)
            elif parent.type == "try_statement":
                handler = parent.child_by_field_name("handler")
                block = handler.child_by_field_name("body") if handler is not None else None
                if node == handler or not _stops(block, None):
                    return None
            elif parent.type not in _PLAIN:
                return None
            node = parent
        return test, after

    def _condition(self, condition: Node | None, validator: str | None, required: set[str],
                   excluded: list[tuple[str, frozenset[str]]]) -> bool:
        """Return True for a test the rule can tie to the options: the validator itself, an
        option named (``opts.requestBody``), or a name not in a list of the file
        (``!ignored.includes(opts.requestBody)``)."""
        if condition is None:
            return False
        node = unwrap(condition)
        if node.type == "binary_expression" and \
                text(node.child_by_field_name("operator")) == "&&":
            return all(self._condition(node.child_by_field_name(side), validator, required,
                                       excluded) for side in ("left", "right"))
        if node.type == "identifier" and validator is not None and text(node) == validator:
            return True
        keys = self._option_keys(node)
        if node.type in ("member_expression", "identifier") and keys is not None and \
                len(keys) == 1 and text(node) in (f"{self.opts}.{next(iter(keys))}",
                                                  next(iter(keys))):
            required |= keys
            return True
        if node.type == "unary_expression" and text(node).startswith("!"):
            inner = unwrap(node.named_children[0], CASTS_AND_AWAIT)
            fn = inner.child_by_field_name("function") if inner.type == "call_expression" \
                else None
            args = code_children(inner.child_by_field_name("arguments") or inner)
            if fn is None or fn.type != "member_expression" or \
                    text(fn.child_by_field_name("property")) != "includes" or len(args) != 1:
                return False
            values = self._string_list(fn.child_by_field_name("object"))
            keys = self._option_keys(unwrap(args[0]))
            if values is None or keys is None or len(keys) != 1:
                return False
            key = next(iter(keys))
            required.add(key)
            excluded.append((key, values))
            return True
        return False

    def _string_list(self, node: Node | None) -> frozenset[str] | None:
        """Return the strings of a ``const`` array of the file that nothing may change (no
        alias, no export: ``list_may_change``)."""
        if node is None or node.type != "identifier":
            return None
        name = text(node)
        if list_may_change(self.root, name):
            return None
        for top in code_children(self.root):
            if top.type == "export_statement":
                top = top.child_by_field_name("declaration") or top
            if top.type != "lexical_declaration" or not text(top).startswith("const"):
                continue
            for decl in code_children(top):
                if decl.type == "variable_declarator" and \
                        text(decl.child_by_field_name("name")) == name:
                    value = unwrap(decl.child_by_field_name("value"))
                    if value is None or value.type != "array":
                        return None
                    items = [string_value(v) for v in code_children(value)]
                    return frozenset(v for v in items if v is not None) \
                        if all(v is not None for v in items) else None
        return None


def _awaited(call: Node) -> bool:
    """Return True when the call's value is awaited (``await check(req.body)``, also through
    parentheses and casts)."""
    node = call
    while node.parent is not None and node.parent.type in (
            "parenthesized_expression", "as_expression", "non_null_expression",
            "satisfies_expression"):
        node = node.parent
    return node.parent is not None and node.parent.type == "await_expression"


def _declares_async(ctx: ProjectContext) -> bool:
    """Return True when a source file of the project, or a JSON file under its root (schemas
    loaded at run time), mentions ``$async``: ajv makes a validator asynchronous only for such
    a schema, and its promise is always truthy. Worked out once per run."""
    cache: dict[str, bool] = ctx.extra.setdefault("input-validation.async-schemas", {})
    if "found" not in cache:
        found = any(_ASYNC_KEY in (ctx.read(f.rel) or b"") for f in ctx.files_of("js"))
        if not found:
            for path, _ in files_with_suffix(str(ctx.info.root), {".json"}, _MAX_JSON_BYTES):
                try:
                    with open(path, "rb") as handle:
                        if _ASYNC_KEY in handle.read():
                            found = True
                            break
                except OSError:
                    continue
        cache["found"] = found
    return cache["found"]


def _result_test(declarator: Node, method: str | None = None) -> Node | None:
    """Return the ``if`` right after a ``const valid = validate(req.body)`` (or ``const {
    error } = schema.validate(…)``, ``const r = schema.safeParse(…)``) that tests its failure:
    ``!valid``, ``!r.success``, ``error``, ``r.error``."""
    name = declarator.child_by_field_name("name")
    statement = declarator.parent
    if name is None or statement is None:
        return None
    following = statement.next_named_sibling
    while following is not None and following.type == "comment":
        following = following.next_named_sibling
    if following is None or following.type != "if_statement":
        return None
    condition = text(unwrap(following.child_by_field_name("condition")))
    if name.type == "identifier":
        local = text(name)
        tests = {f"!{local}.success", f"{local}.error"} if method in _SAFE else {
            f"!{local}", f"!{local}.success", f"{local}.error", f"!{local}.valid"}
    elif name.type == "object_pattern" and any(
            text(p) == "error" for p in code_children(name)):
        tests = {"error"}
    else:
        return None
    return following if condition.replace(" ", "") in tests else None


def option_values(call: Node, keys: frozenset[str]) -> dict[str, str | None] | None:
    """Return the call's option values for ``keys`` (a string's value, None for another
    expression), or None when the options are not an object literal naming them all."""
    args = code_children(call.child_by_field_name("arguments") or call)
    options = unwrap(args[0]) if args else None
    if options is None or options.type != "object":
        return None if keys else {}
    found: dict[str, str | None] = {}
    for prop in code_children(options):
        if prop.type == "pair":
            key = prop.child_by_field_name("key")
            name = string_value(key) if key is not None and key.type == "string" else text(key)
            value = unwrap(prop.child_by_field_name("value"))
            if name in keys and value is not None and text(value) not in (
                    "undefined", "null", "false", "''", '""', "0"):
                found[name] = string_value(value)
        elif prop.type == "shorthand_property_identifier" and text(prop) in keys:
            found[text(prop)] = None
    return found if all(k in found for k in keys) else None


def parts_checked(checks: list[Check], call: Node) -> set[str]:
    """Return the request parts the factory call's middleware validates."""
    parts: set[str] = set()
    for check in checks:
        values = option_values(call, check.options)
        if values is None:
            continue
        if any(values.get(key) is None or values[key] in names
               for key, names in check.excluded):
            continue  # a name the middleware skips, or one the rule cannot read
        parts.add(check.part)
    return parts


def factory_checks(ctx: ProjectContext, rel: str, root: Node, facts: FileFacts | None,
                   factory: Node) -> list[Check]:
    """Return what the middleware ``factory`` (a function of ``rel``) returns validates."""
    return _Factory(ctx, rel, root, facts, factory).checks()


def middleware_parts(ctx: ProjectContext, rel: str, root: Node, facts: FileFacts | None,
                     middleware: Node) -> set[str]:
    """Return the request parts a middleware function of ``rel`` (``(req, res, next) =>
    …``, used by name in a route) validates with a validator library, stopping the request
    when the check fails: a pagination middleware that checks ``req.query`` with Joi and
    answers 400."""
    if len(parameters(middleware)) < 3:
        return set()  # no `next`: a handler, not a middleware
    return {check.part for check in _Factory(ctx, rel, root, facts, middleware).checks(True)
            if not check.options and not check.excluded}
