"""Edits shared by many fixes: add an import where the file keeps its imports, insert a
statement after another one, in the file's own style."""

from __future__ import annotations

import re

from nodeharden._express import AppFact, FileFacts
from nodeharden._model import TextEdit
from nodeharden._style import Style, line_end

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
