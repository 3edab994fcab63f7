"""Edits shared by many fixes: add an import where the file keeps its imports, insert a
statement after another one, in the file's own style."""

from __future__ import annotations

import re

from tree_sitter import Node

from nodeharden._express import AppFact, FileFacts
from nodeharden._model import TextEdit
from nodeharden._parse import code_children, walk
from nodeharden._style import Style, line_end, line_indent

_PROLOGUE_RE = re.compile(rb"\A(#![^\n]*\n)?(\s*(//[^\n]*\n|/\*.*?\*/\s*\n?))*\s*"
                          rb"(['\"]use strict['\"];?[ \t]*\r?\n)?", re.S)


def import_edit(source: bytes, facts: FileFacts, statement: str) -> TextEdit:
    """Return an edit that adds ``statement`` after the file's last top-level import, or at
    the top (after a shebang, leading comments and ``'use strict'``) when it has none."""
    if facts.import_end:
        at = line_end(source, facts.import_end)
        if at == len(source) and not source.endswith(b"\n"):
            return TextEdit(at, at, "\n" + statement)
        return TextEdit(at, at, statement + "\n")
    match = _PROLOGUE_RE.match(source)
    at = match.end() if match else 0
    # Never split a line: back up to the start of the line we stopped in.
    at = source.rfind(b"\n", 0, at) + 1 if at and source[at - 1:at] != b"\n" else at
    return TextEdit(at, at, statement + "\n")


def has_import(facts: FileFacts, module: str) -> str | None:
    """Return the local default/namespace name bound to ``module`` in this file, if any."""
    for imp in facts.imports:
        if imp.module == module and (imp.default or imp.namespace):
            return imp.default or imp.namespace
    return None


def after_app_edit(source: bytes, app: AppFact, statements: list[str]) -> TextEdit:
    """Return an edit inserting ``statements`` on their own lines right after the statement
    that creates ``app``, at its indentation."""
    at = app.stmt_end
    body = "".join(f"{app.indent}{s}\n" for s in statements)
    if at == len(source) and not source.endswith(b"\n"):
        return TextEdit(at, at, "\n" + body.rstrip("\n"))
    return TextEdit(at, at, body)


def use_statement(app: AppFact, expression: str, style: Style) -> str:
    """Return ``app.use(expression)`` in the file's style."""
    return f"{app.name}.use({expression}){style.semi}"


def can_extend(app: AppFact) -> bool:
    """Return True when new ``app.use`` lines can follow the creation of ``app``."""
    return bool(app.name) and re.fullmatch(r"[\w$.]+", app.name or "") is not None


def restyle(code: str, style: Style) -> str:
    """Return ``code`` (written with two-space indentation, single quotes and semicolons, no
    apostrophes inside strings) in the file's own indentation, quotes and semicolons."""
    lines = []
    for line in code.split("\n"):
        stripped = line.lstrip(" ")
        depth = (len(line) - len(stripped)) // 2
        if style.quote != "'":
            stripped = stripped.replace("'", style.quote)
        if not style.semicolons and stripped.endswith(";") and not stripped.startswith("for"):
            stripped = stripped[:-1]
        lines.append(style.indent * depth + stripped if stripped else "")
    return "\n".join(lines)


def has_comments(node: Node | None) -> bool:
    """Return True when a comment sits anywhere inside ``node``."""
    return node is not None and any(n.type == "comment" for n in walk(node))


def exclusive_insert(source: bytes, at: int, content: str) -> TextEdit:
    """Return an edit inserting ``content`` at line start ``at`` that *replaces* the preceding
    line break (or the next byte at the very start of the file), so two fixes making the same
    insertion overlap: the second waits for the next pass, where its rule sees the first one's
    code and no longer asks for it."""
    if at > 0 and source[at - 1:at] == b"\n":
        start = at - 2 if source[at - 2:at] == b"\r\n" else at - 1
        return TextEdit(start, at, "\n" + content)
    if at < len(source) and source[at] < 0x80 and source[at:at + 1] not in (b"\r", b"\n"):
        return TextEdit(at, at + 1, content + source[at:at + 1].decode())
    return TextEdit(at, at, content)


def _trailing_comma(member: Node) -> Node | None:
    sibling = member.next_sibling
    while sibling is not None and sibling.type == "comment":
        sibling = sibling.next_sibling
    return sibling if sibling is not None and sibling.type == "," else None


def add_properties(source: bytes, obj: Node, props: list[str], *,
                   first: bool = False) -> list[TextEdit]:
    """Return edits adding ``props`` (``key: value`` texts) to the object literal ``obj`` in its
    own layout: one line per property in a multi-line object (trailing comma as the object
    has it), ``, key: value`` in a single-line one. ``first`` puts them before the other
    members instead of after them."""
    members = code_children(obj)
    if not members:
        inner = source[obj.start_byte + 1:obj.end_byte - 1]
        if not inner.strip():
            return [TextEdit(obj.start_byte + 1, obj.end_byte - 1, " " + ", ".join(props) + " ")]
        space = "" if inner[:1].isspace() else " "  # only comments inside: keep them
        return [TextEdit(obj.start_byte + 1, obj.start_byte + 1, " " + ", ".join(props) + space)]
    if first:
        head = members[0]
        if head.start_point[0] > obj.start_point[0]:
            indent = line_indent(source, head.start_byte)
            return [TextEdit(head.start_byte, head.start_byte,
                             "".join(f"{p},\n{indent}" for p in props))]
        return [TextEdit(head.start_byte, head.start_byte, ", ".join(props) + ", ")]
    last = members[-1]
    comma = _trailing_comma(last)
    if obj.end_point[0] > last.end_point[0]:
        indent = line_indent(source, last.start_byte)
        anchor = comma.end_byte if comma is not None else last.end_byte
        eol = source.find(b"\n", anchor)
        eol = len(source) if eol == -1 else eol
        if source[eol - 1:eol] == b"\r":
            eol -= 1
        body = ",\n".join(indent + p for p in props) + ("," if comma is not None else "")
        edits = [] if comma is not None else [TextEdit(last.end_byte, last.end_byte, ",")]
        edits.append(TextEdit(eol, eol, "\n" + body))
        return edits
    if comma is not None:
        return [TextEdit(comma.end_byte, comma.end_byte, " " + ", ".join(props) + ",")]
    return [TextEdit(last.end_byte, last.end_byte, ", " + ", ".join(props))]


def resolve_object(root: Node, name: str) -> Node | None:
    """Return the object literal bound to ``name`` when the file declares that name exactly
    once, as ``const/let/var name = { ... }``."""
    found: list[Node] = []
    for node in walk(root):
        if node.type == "variable_declarator":
            key = node.child_by_field_name("name")
            if key is not None and key.type == "identifier" and key.text == name.encode():
                found.append(node)
    if len(found) != 1:
        return None
    value = found[0].child_by_field_name("value")
    while value is not None and value.type in ("parenthesized_expression", "as_expression",
                                               "satisfies_expression"):
        value = value.named_children[0] if value.named_children else None
    return value if value is not None and value.type == "object" else None
