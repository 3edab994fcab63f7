"""cookie-flags: cookies set with ``res.cookie()`` carry httpOnly, secure and sameSite."""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._parse import (
    captures, code_children, enclosing, has_spread, object_properties, string_value, text,
)
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

_FUNCTIONS = ("arrow_function", "function_expression", "function_declaration", "function",
              "method_definition")


def flag_values(style: Style) -> dict[str, str]:
    """Return the value the fix writes for each flag.

    ``secure`` follows NODE_ENV rather than ``true``: Express writes the flag whatever the
    request, and browsers drop Secure cookies set over plain HTTP on hosts other than
    localhost, so a hard ``true`` would break logins in development and tests run over HTTP
    (``'auto'`` is an express-session feature that ``res.cookie`` does not have).
    """
    return {"httpOnly": "true",
            "secure": f"process.env.NODE_ENV === {style.q('production')}",
            "sameSite": style.q("lax")}


def is_response(target: Node) -> bool:
    """Return True when ``target`` names an Express response: ``res``/``response``, or the
    second parameter of a function the call sits in (``(req, reply) => reply.cookie()``)."""
    name = text(target)
    if name in RESPONSE_NAMES:
        return True
    fn = enclosing(target, _FUNCTIONS)
    while fn is not None:
        params = fn.child_by_field_name("parameters")
        names = [text(p.child_by_field_name("pattern") or p)
                 for p in code_children(params)] if params is not None else []
        if len(names) >= 2 and names[1] == name:
            return True
        fn = enclosing(fn, _FUNCTIONS)
    return False


class CookieFlags(Rule):
    """``res.cookie()`` without httpOnly, secure or sameSite."""

    id = "cookie-flags"
    needles = (b".cookie(",)

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        root = ctx.tree.root_node
        flags = flag_values(ctx.style)
        fixed_declarations: set[int] = set()
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
            opts = declared or opts
            if opts is not None and opts.type == "object":
                present = object_properties(opts)
                missing = [k for k in FLAGS if k not in present]
            elif opts is None or opts.type in ("identifier", "member_expression",
                                              "call_expression"):
                missing = list(FLAGS)
            else:
                continue
            if not missing:
                continue
            fix = None
            if declared is None or declared.start_byte not in fixed_declarations:
                fix = self._fix(ctx, args, values, opts, {k: flags[k] for k in missing},
                                declared=declared is not None)
            if declared is not None:
                fixed_declarations.add(declared.start_byte)
            name = string_value(values[0])
            label = f"res.cookie({ctx.style.q(name)})" if name is not None else "res.cookie()"
            yield ctx.node_finding(
                self.id, match, f"{label} sets no " + ", ".join(f"`{k}`" for k in missing)
                + ": " + ", ".join(RISKS[k] for k in missing), fix)

    @staticmethod
    def _fix(ctx: FileContext, args: Node, values: list[Node], opts: Node | None,
             flags: dict[str, str], *, declared: bool) -> Fix:
        props = [f"{k}: {v}" for k, v in flags.items()]
        unsafe = declared or has_comments(args)
        if opts is None:
            at = values[1].end_byte
            edits = [TextEdit(at, at, ", { " + ", ".join(props) + " }")]
        elif opts.type == "object":
            unsafe = unsafe or has_comments(opts) or has_spread(opts)
            edits = add_properties(ctx.source, opts, props, first=has_spread(opts))
        else:
            # Options built elsewhere: whatever they set still wins over the added flags.
            unsafe = True
            edits = [TextEdit(opts.start_byte, opts.end_byte,
                              "{ " + ", ".join(props) + f", ...{text(opts)} }}")]
        return Fix(title="Add " + ", ".join(props) + " to the cookie options",
                   applicability="unsafe" if unsafe else "safe",
                   changes=(FileChange(ctx.rel, tuple(edits)),))


RULE = CookieFlags()
