"""The code style of a file (quotes, semicolons, indentation, line endings, module system),
and helpers that write new code in that style."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ModuleKind = Literal["commonjs", "esm"]

_INDENT_RE = re.compile(rb"^([ \t]+)\S", re.M)
_STMT_END_RE = re.compile(rb"[)\]'\"`\w]\s*(;?)[ \t]*\r?$", re.M)


@dataclass(frozen=True)
class Style:
    """How a file writes code."""

    quote: str = "'"
    semicolons: bool = True
    indent: str = "  "
    eol: str = "\n"
    module: ModuleKind = "commonjs"
    typescript: bool = False

    @property
    def semi(self) -> str:
        """Return ``;`` or nothing, as the file ends its statements."""
        return ";" if self.semicolons else ""

    def q(self, value: str) -> str:
        """Return ``value`` as a string literal in the file's quote style."""
        escaped = value.replace("\\", "\\\\").replace(self.quote, "\\" + self.quote)
        return f"{self.quote}{escaped}{self.quote}"

    def import_default(self, name: str, module: str) -> str:
        """Return a statement binding the default export of ``module`` to ``name``."""
        if self.module == "esm" or self.typescript:
            return f"import {name} from {self.q(module)}{self.semi}"
        return f"const {name} = require({self.q(module)}){self.semi}"

    def import_namespace(self, name: str, module: str) -> str:
        """Return a statement binding the whole module ``module`` to ``name`` (``import * as``
        in ESM and TypeScript, where a default import of a CommonJS module needs
        esModuleInterop)."""
        if self.module == "esm" or self.typescript:
            return f"import * as {name} from {self.q(module)}{self.semi}"
        return f"const {name} = require({self.q(module)}){self.semi}"

    def import_named(self, names: list[str], module: str) -> str:
        """Return a statement binding named exports of ``module``."""
        joined = ", ".join(names)
        if self.module == "esm" or self.typescript:
            return f"import {{ {joined} }} from {self.q(module)}{self.semi}"
        return f"const {{ {joined} }} = require({self.q(module)}){self.semi}"

    def local_module(self, path: str) -> str:
        """Return how this file refers to a sibling module file ``path`` (no extension)."""
        if self.module == "esm" and not self.typescript:
            return path + ".js"
        return path


def detect_style(source: bytes, *, module: ModuleKind, typescript: bool = False) -> Style:
    """Infer the style of ``source``; fall back to two spaces, single quotes, semicolons."""
    eol = "\r\n" if source.count(b"\r\n") * 2 > source.count(b"\n") else "\n"
    single = len(re.findall(rb"(?<![\w\\])'[^'\n]*'", source))
    double = len(re.findall(rb'(?<![\w\\])"[^"\n]*"', source))
    quote = '"' if double > single else "'"
    ends = _STMT_END_RE.findall(source)
    with_semi = sum(1 for s in ends if s)
    semicolons = not ends or with_semi * 2 >= len(ends)
    tabs = spaced = 0
    narrowest = 0
    for match in _INDENT_RE.finditer(source):
        lead = match.group(1)
        if lead.startswith(b"\t"):
            tabs += 1
        elif len(lead) >= 2:  # one space is a JSDoc continuation, not indentation
            spaced += 1
            narrowest = len(lead) if not narrowest else min(narrowest, len(lead))
    indent = "\t" if tabs > spaced else " " * (narrowest if 2 <= narrowest <= 8 else 2)
    return Style(quote=quote, semicolons=semicolons, indent=indent, eol=eol,
                 module=module, typescript=typescript)


#: ``import x``/``import {``/``import *`` and ``export ``; each pattern starts with a plain word,
#: which the regex engine finds fast. Whether the line starts there is checked per match.
_IMPORT_RES = (re.compile(rb"import\s[\w{*]"), re.compile(rb"export\s"))
_REQUIRE_RE = re.compile(rb"require\s*\(")
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _has_import(source: bytes) -> bool:
    """Return True when a line starts with ``import x``/``import {``/``import *`` or
    ``export `` (what ``^\\s*(import\\s[\\w{*]|export\\s)`` finds, without running a
    pattern at every line of a large file)."""
    for pattern in _IMPORT_RES:
        for match in pattern.finditer(source):
            i = match.start()
            if not source[source.rfind(b"\n", 0, i) + 1:i].strip():
                return True
    return False


def _has_require(source: bytes) -> bool:
    """Return True when ``source`` calls ``require(`` (``\\brequire\\s*\\(``)."""
    return any(m.start() == 0 or source[m.start() - 1] not in _WORD
               for m in _REQUIRE_RE.finditer(source))


def module_kind_for(rel: str, project_module: ModuleKind, source: bytes) -> ModuleKind:
    """Return the module system of one file from its extension, its code and the project."""
    if rel.endswith((".mjs", ".mts")):
        return "esm"
    if rel.endswith((".cjs", ".cts")):
        return "commonjs"
    has_import = _has_import(source)
    has_require = _has_require(source)
    if has_import and not has_require:
        return "esm"
    if has_require and not has_import:
        return "commonjs"
    return project_module


def line_indent(source: bytes, offset: int) -> str:
    """Return the leading whitespace of the line that contains byte ``offset``."""
    start = source.rfind(b"\n", 0, offset) + 1
    end = start
    while end < len(source) and source[end:end + 1] in (b" ", b"\t"):
        end += 1
    return source[start:end].decode()


def line_end(source: bytes, offset: int) -> int:
    """Return the offset just after the line break that ends the line holding ``offset``."""
    nl = source.find(b"\n", offset)
    return len(source) if nl == -1 else nl + 1
