"""body-limit: every body parser gets an explicit ``limit``."""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._parse import (
    captures, code_children, has_spread, object_properties, string_value, text,
)
from nodeharden.rules._base import FileContext, Rule
from nodeharden.rules._edits import add_properties, has_comments, resolve_object

PARSERS = frozenset({"json", "urlencoded", "raw", "text"})
MODULES = ("express", "body-parser")
#: body-parser's own default for all four parsers: writing it down changes nothing.
DEFAULT_LIMIT = "100kb"

_CALL_QUERY = "(call_expression function: (_) @fn arguments: (arguments) @args) @call"


def parser_callees(ctx: FileContext) -> tuple[set[str], dict[str, str]]:
    """Return (local names of express/body-parser, local name → parser for named imports)."""
    modules: set[str] = set()
    named: dict[str, str] = {}
    for imp in ctx.facts.imports:
        if imp.module not in MODULES:
            continue
        modules |= {n for n in (imp.default, imp.namespace) if n}
        named.update({local: name for name, local in imp.named.items() if name in PARSERS})
    return modules, named


def parser_name(fn: Node, modules: set[str], named: dict[str, str]) -> str | None:
    """Return ``express.json``-style text when ``fn`` is a body-parser factory, else None."""
    if fn.type == "identifier":
        parser = named.get(text(fn))
        return f"{parser}()" if parser else None
    if fn.type != "member_expression":
        return None
    obj = fn.child_by_field_name("object")
    prop = text(fn.child_by_field_name("property"))
    if obj is None or prop not in PARSERS:
        return None
    if obj.type == "identifier" and text(obj) in modules:
        return f"{text(obj)}.{prop}()"
    if obj.type == "call_expression" and text(obj.child_by_field_name("function")) == "require":
        args = obj.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if string_value(first) in MODULES:
            return f"{text(obj)}.{prop}()"
    return None


class BodyLimit(Rule):
    """A body parser created without an explicit ``limit``."""

    id = "body-limit"
    needles = (b"json", b"urlencoded", b"raw", b"text")

    def wants(self, source: bytes) -> bool:
        # parser_callees only knows parsers imported from express or body-parser.
        # The module names first: they are rarer than the parser names.
        return any(module.encode() in source for module in MODULES) and super().wants(source)

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        modules, named = parser_callees(ctx)
        if not modules and not named:
            return
        root = ctx.tree.root_node
        fixed_declarations: set[int] = set()
        for call in captures(ctx.lang, _CALL_QUERY, root).get("call", []):
            fn = call.child_by_field_name("function")
            args = call.child_by_field_name("arguments")
            if fn is None or args is None:
                continue
            name = parser_name(fn, modules, named)
            if name is None:
                continue
            values = code_children(args)
            opts = values[0] if values else None
            declared = resolve_object(root, text(opts)) if opts is not None \
                and opts.type == "identifier" else None
            opts = declared or opts
            if opts is not None and opts.type == "object" and "limit" in object_properties(opts):
                continue
            fix = None
            if declared is None or declared.start_byte not in fixed_declarations:
                fix = self._fix(ctx, args, opts, declared=declared is not None)
            if declared is not None:
                # Several parsers sharing one options object: one fix edits it, and the others
                # are gone on the next pass.
                fixed_declarations.add(declared.start_byte)
            yield ctx.node_finding(
                self.id, call, f"{name} has no explicit `limit`: the largest accepted body is a "
                "library default nobody reviewed", fix)

    def _fix(self, ctx: FileContext, args: Node, opts: Node | None, *,
             declared: bool) -> Fix | None:
        limit = ctx.info.config.body_limit
        prop = f"limit: {ctx.style.q(limit)}"
        unsafe = limit != DEFAULT_LIMIT or has_comments(args)
        if opts is None:
            edits = [TextEdit(args.start_byte + 1, args.end_byte - 1, f"{{ {prop} }}")]
            if has_comments(args):  # keep the comment: insert, do not replace
                edits = [TextEdit(args.start_byte + 1, args.start_byte + 1, f"{{ {prop} }} ")]
        elif opts.type == "object":
            unsafe = unsafe or has_comments(opts) or has_spread(opts) or declared
            # Before any spread, so a limit the spread object carries still wins.
            edits = add_properties(ctx.source, opts, [prop], first=has_spread(opts))
        elif opts.type in ("identifier", "member_expression", "call_expression"):
            # Options built elsewhere: their own limit (if any) still wins over ours.
            unsafe = True
            edits = [TextEdit(opts.start_byte, opts.end_byte, f"{{ {prop}, ...{text(opts)} }}")]
        else:
            return None
        return Fix(title=f"Add {prop} to the body parser options",
                   applicability="unsafe" if unsafe else "safe",
                   changes=(FileChange(ctx.rel, tuple(edits)),))


RULE = BodyLimit()
