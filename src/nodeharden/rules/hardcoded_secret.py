"""hardcoded-secret: session, cookie-signing and JWT secrets come from the environment, not
from string literals in the source."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._parse import captures, code_children, object_properties, string_value, text, walk
from nodeharden._style import Style
from nodeharden.rules._base import FileContext, Rule
from nodeharden.rules._edits import exclusive_insert, resolve_object

_CALL_QUERY = "(call_expression function: (_) @fn arguments: (arguments) @args) @call"
_IF_QUERY = "(if_statement condition: (_) @condition)"
_ENV_RE = re.compile(r"^process\.env\.([A-Za-z_][A-Za-z0-9_]*)$")

#: What each kind of secret signs, for the message.
PURPOSES = {"SESSION_SECRET": "session cookies", "COOKIE_SECRET": "signed cookies",
            "JWT_SECRET": "JSON Web Tokens"}


@dataclass
class Secret:
    """A hard-coded secret: the literal to report, the expression the fix replaces, the
    environment variable it reads instead, and the text it writes."""

    literal: Node
    target: Node
    env: str
    replacement: str
    what: str


def _is_literal(node: Node | None) -> bool:
    return node is not None and node.type in ("string", "template_string") \
        and string_value(node) is not None


def _declared_value(root: Node, name: str) -> Node | None:
    """Return the value of the only declaration of ``name`` in the file."""
    found = [n for n in walk(root) if n.type == "variable_declarator"
             and (key := n.child_by_field_name("name")) is not None
             and key.type == "identifier" and key.text == name.encode()]
    return found[0].child_by_field_name("value") if len(found) == 1 else None


class _Finder:
    """Classifies secret arguments of one file."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.root = ctx.tree.root_node
        self.ts = ctx.lang != "javascript"

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
            return
        if _is_literal(value):
            expr = self.env_expr(env)
            yield Secret(value, value, env, f"[{expr}]" if wrap_array else expr, what)
        elif value.type == "array":
            items = code_children(value)
            if items and all(_is_literal(i) for i in items):
                expr = self.env_expr(env)
                yield Secret(items[0], value, env, f"[{expr}]" if wrap_array else expr, what)
        elif value.type == "binary_expression" and text(value.child_by_field_name("operator")) \
                in ("||", "??"):
            left = value.child_by_field_name("left")
            right = value.child_by_field_name("right")
            match = _ENV_RE.match(text(left))
            if left is not None and right is not None and _is_literal(right):
                if match:  # the fallback is what production gets when the variable is missing
                    name = match.group(1)
                    yield Secret(right, value, name, self.env_expr(name), what)
                else:
                    yield Secret(right, right, env, "", what)  # report only


class HardcodedSecret(Rule):
    """A string-literal session, cookie-parser or JWT secret."""

    id = "hardcoded-secret"
    needles = (b"express-session", b"cookie-session", b"cookie-parser", b"jsonwebtoken",
               b"passport-jwt")

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        secrets = list(self._secrets(ctx))
        seen: set[int] = set()
        unique = []
        for secret in secrets:
            if secret.target.start_byte not in seen:
                seen.add(secret.target.start_byte)
                unique.append(secret)
        checks = self._checks(ctx, unique)
        for secret in unique:
            fix = None
            if secret.replacement:
                edits = [TextEdit(secret.target.start_byte, secret.target.end_byte,
                                  secret.replacement)]
                if secret.env in checks:
                    edits.append(checks[secret.env])
                fix = Fix(title=f"Read the secret from {secret.env} and fail fast when it is "
                          "missing", applicability="unsafe",
                          changes=(FileChange(ctx.rel, tuple(edits)),))
            purpose = PURPOSES.get(secret.env, "signatures")
            yield ctx.node_finding(
                self.id, secret.literal,
                f"hard-coded {secret.what}: anyone with the source can forge {purpose}; read it "
                f"from {secret.env}", fix)

    def _secrets(self, ctx: FileContext) -> Iterator[Secret]:
        facts = ctx.facts
        finder = _Finder(ctx)
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
        for call in captures(ctx.lang, _CALL_QUERY, finder.root).get("call", []):
            fn = call.child_by_field_name("function")
            args = call.child_by_field_name("arguments")
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

    def _checks(self, ctx: FileContext, secrets: list[Secret]) -> dict[str, TextEdit]:
        """Return, per environment variable the fixes read, the edit that adds the start-up
        check (none when the file already checks it): right after the imports, or before
        the first top-level statement that uses the variable when that comes earlier.

        Every fix for one variable carries the same edit, and the edits of all variables
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
        return {env: exclusive_insert(ctx.source, at, _check_code(env, ctx.style))
                for env, at in first.items()}


def _check_code(env: str, style: Style) -> str:
    message = style.q(f"{env} must be set")
    return (f"if (!process.env.{env}) {{\n{style.indent}throw new Error({message}){style.semi}"
            "\n}\n\n")


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
