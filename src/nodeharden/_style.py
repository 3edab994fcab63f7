"""The code style of a file (quotes, semicolons, indentation, line endings, module system),
and helpers that write new code in that style."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from nodeharden._regex import lazy_pattern
from nodeharden._textedit import line_ending

ModuleKind = Literal["commonjs", "esm"]

_INDENT_RE = lazy_pattern(rb"^([ \t]+)\S", re.M)
_VAR_RE = lazy_pattern(rb"^[ \t]*var[ \t]", re.M)
_CONST_LET_RE = lazy_pattern(rb"^[ \t]*(?:const|let)[ \t]", re.M)
#: A line that may end a statement, and its ``;`` if any. Comment lines (``//``, ``/*``, JSDoc
#: ``*``) end in words and would count as statements without semicolons.
_STMT_END_RE = lazy_pattern(rb"^(?![ \t]*(?://|/?\*))[^\n]*[)\]'\"`\w][ \t]*(;?)[ \t]*\r?$",
                          re.M)


@dataclass(frozen=True)
class Style:
    """How a file writes code."""

    quote: str = "'"
    semicolons: bool = True
    indent: str = "  "
    eol: str = "\n"
    module: ModuleKind = "commonjs"
    typescript: bool = False
    #: How the file declares its requires: ``const`` unless it only ever uses ``var``.
    declaration: str = "const"
    #: The longest line the project's formatter or linter accepts (prettier's printWidth,
    #: ESLint's max-len, EditorConfig's max_line_length); None when nothing says.
    width: int | None = None

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
        return f"{self.declaration} {name} = require({self.q(module)}){self.semi}"

    def import_namespace(self, name: str, module: str) -> str:
        """Return a statement binding the whole module ``module`` to ``name`` (``import * as``
        in ESM and TypeScript, where a default import of a CommonJS module needs
        esModuleInterop)."""
        if self.module == "esm" or self.typescript:
            return f"import * as {name} from {self.q(module)}{self.semi}"
        return f"{self.declaration} {name} = require({self.q(module)}){self.semi}"

    def import_named(self, names: list[str], module: str) -> str:
        """Return a statement binding named exports of ``module``."""
        joined = ", ".join(names)
        if self.module == "esm" or self.typescript:
            return f"import {{ {joined} }} from {self.q(module)}{self.semi}"
        return f"{self.declaration} {{ {joined} }} = require({self.q(module)}){self.semi}"

    def local_module(self, path: str) -> str:
        """Return how this file refers to a sibling module file ``path`` (no extension)."""
        if self.module == "esm" and not self.typescript:
            return path + ".js"
        return path


def detect_style(source: bytes, *, module: ModuleKind, typescript: bool = False) -> Style:
    """Infer the style of ``source``; fall back to two spaces, single quotes, semicolons."""
    eol = line_ending(source)
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
    declaration = "const"
    if not typescript and _VAR_RE.search(source) and not _CONST_LET_RE.search(source):
        declaration = "var"
    return Style(quote=quote, semicolons=semicolons, indent=indent, eol=eol,
                 module=module, typescript=typescript, declaration=declaration)


#: ``import x``/``import {``/``import *`` and ``export ``; each pattern starts with a plain word,
#: which the regex engine finds fast. Whether the line starts there is checked per match.
_IMPORT_RES = (lazy_pattern(rb"import\s[\w{*]"), lazy_pattern(rb"export\s"))
_REQUIRE_RE = lazy_pattern(rb"require\s*\(")
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


@dataclass(frozen=True)
class StyleRules:
    """What the project's own formatter and linter configs require, field by field (None: the
    configs say nothing, so the file's own habits decide). Read once per project."""

    quote: str | None = None
    semicolons: bool | None = None
    indent: str | None = None
    eol: str | None = None
    width: int | None = None
    #: Where each decided field came from, for messages and tests: ``(".prettierrc", "quote")``.
    sources: tuple[tuple[str, str], ...] = ()
    #: True when prettier formats the project (a config, or prettier wired into its scripts).
    prettier: bool = False
    #: True when the project has an ESLint config (a file, or ``eslintConfig`` in package.json).
    eslint: bool = False

    def apply(self, style: Style) -> Style:
        """Return ``style`` with every field the configs decide replaced."""
        return replace(
            style,
            quote=style.quote if self.quote is None else self.quote,
            semicolons=style.semicolons if self.semicolons is None else self.semicolons,
            indent=style.indent if self.indent is None else self.indent,
            eol=style.eol if self.eol is None else self.eol,
            width=style.width if self.width is None else self.width)


_PRETTIER_FILES = (".prettierrc", ".prettierrc.json", ".prettierrc.json5", ".prettierrc.yaml",
                   ".prettierrc.yml", ".prettierrc.js", ".prettierrc.cjs", ".prettierrc.mjs",
                   "prettier.config.js", "prettier.config.cjs", "prettier.config.mjs",
                   ".prettierrc.toml")
_ESLINT_FILES = (".eslintrc.json", ".eslintrc", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.yml",
                 ".eslintrc.yaml", "eslint.config.js", "eslint.config.mjs", "eslint.config.cjs",
                 "eslint.config.ts")
_KEY_VALUE = r"""["']?{key}["']?\s*[:=]\s*["']?([\w.-]+)"""


def _setting(text: str, key: str) -> str | None:
    """Return the scalar value of ``key`` in JSON, YAML, TOML or a JS object literal."""
    match = re.search(_KEY_VALUE.format(key=re.escape(key)), text)
    return match.group(1) if match else None


def _eslint_rule(text: str, rule: str) -> list[str]:
    """Return the options of ESLint ``rule`` (``"semi": ["error", "always"]`` → ["error",
    "always"]; ``semi: 2`` → ["2"]; YAML ``semi: [error, never]``); [] when not configured."""
    match = re.search(r"""(?m)["']?(?<![\w/-]){rule}["']?\s*:\s*(\[[^\]\n]*\]|[\w"']+)""".format(
        rule=re.escape(rule)), text)
    if not match:
        return []
    return [part.strip().strip("'\"") for part in match.group(1).strip("[]").split(",")
            if part.strip()]


def _eslint_enabled(options: list[str]) -> bool:
    return bool(options) and options[0] not in ("off", "0")


def read_style_rules(root: Path, package_json: dict[str, Any] | None) -> StyleRules:
    """Return the style the project's prettier, ESLint, JSHint and EditorConfig settings
    require, in that order of precedence."""
    decided: dict[str, object] = {}
    sources: list[tuple[str, str]] = []

    def decide(field_name: str, value: object, source: str) -> None:
        if field_name not in decided and value is not None:
            decided[field_name] = value
            sources.append((source, field_name))

    def read(name: str) -> str | None:
        try:
            return (root / name).read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            return None

    data = package_json or {}
    prettier_text: str | None = None
    prettier_source = ""
    for name in _PRETTIER_FILES:
        prettier_text = read(name)
        if prettier_text is not None:
            prettier_source = name
            break
    if prettier_text is None and isinstance(data.get("prettier"), dict):
        prettier_text = json.dumps(data["prettier"])
        prettier_source = "package.json prettier"
    scripts = " ".join(str(v) for v in (data.get("scripts") or {}).values()) \
        if isinstance(data.get("scripts"), dict) else ""
    if prettier_text is None and "prettier" in scripts:
        prettier_text, prettier_source = "", "prettier in package.json scripts"
    prettier = prettier_text is not None
    if prettier_text is not None:
        # Prettier's own defaults apply to whatever its config leaves out.
        single = _setting(prettier_text, "singleQuote")
        decide("quote", "'" if single == "true" else '"', prettier_source)
        semi = _setting(prettier_text, "semi")
        decide("semicolons", semi != "false", prettier_source)
        tabs = _setting(prettier_text, "useTabs") == "true"
        width = _setting(prettier_text, "tabWidth")
        decide("indent", "\t" if tabs else " " * (int(width) if width and width.isdigit()
                                                  else 2), prettier_source)
        eol = _setting(prettier_text, "endOfLine")
        decide("eol", {"crlf": "\r\n", "lf": "\n"}.get(eol or "lf"), prettier_source)
        print_width = _setting(prettier_text, "printWidth")
        decide("width", int(print_width) if print_width and print_width.isdigit() else 80,
               prettier_source)
    eslint_texts = [(name, read(name)) for name in _ESLINT_FILES]
    if isinstance(data.get("eslintConfig"), dict):
        eslint_texts.append(("package.json eslintConfig", json.dumps(data["eslintConfig"])))
    eslint = False
    for name, text in eslint_texts:
        if not text:
            continue
        eslint = True
        semi_rule = _eslint_rule(text, "semi")
        if _eslint_enabled(semi_rule):
            decide("semicolons", "never" not in semi_rule[1:], name)
        quotes = _eslint_rule(text, "quotes")
        if _eslint_enabled(quotes) and len(quotes) > 1 and quotes[1] in ("single", "double"):
            decide("quote", "'" if quotes[1] == "single" else '"', name)
        max_len = _eslint_rule(text, "max-len")
        if _eslint_enabled(max_len) and len(max_len) > 1 and max_len[1].isdigit():
            decide("width", int(max_len[1]), name)
        indent = _eslint_rule(text, "indent")
        if _eslint_enabled(indent) and len(indent) > 1:
            if indent[1] == "tab":
                decide("indent", "\t", name)
            elif indent[1].isdigit():
                decide("indent", " " * int(indent[1]), name)
    jshint = read(".jshintrc")
    if jshint:
        quotmark = _setting(jshint, "quotmark")
        if quotmark in ("single", "double"):
            decide("quote", "'" if quotmark == "single" else '"', ".jshintrc")
        if _setting(jshint, "asi") == "true":
            decide("semicolons", False, ".jshintrc")
    editorconfig = read(".editorconfig")
    if editorconfig:
        section = _editorconfig_js_section(editorconfig)
        style = section.get("indent_style")
        size = section.get("indent_size")
        if style == "tab":
            decide("indent", "\t", ".editorconfig")
        elif style == "space" or (size and size.isdigit()):
            decide("indent", " " * (int(size) if size and size.isdigit() else 2),
                   ".editorconfig")
        eol = section.get("end_of_line")
        if eol in ("lf", "crlf"):
            decide("eol", "\r\n" if eol == "crlf" else "\n", ".editorconfig")
        max_line = section.get("max_line_length")
        if max_line and max_line.isdigit():
            decide("width", int(max_line), ".editorconfig")
        quote = section.get("quote_type")
        if quote in ("single", "double"):
            decide("quote", "'" if quote == "single" else '"', ".editorconfig")
    return StyleRules(quote=decided.get("quote"),  # type: ignore[arg-type]
                      semicolons=decided.get("semicolons"),  # type: ignore[arg-type]
                      indent=decided.get("indent"),  # type: ignore[arg-type]
                      eol=decided.get("eol"),  # type: ignore[arg-type]
                      width=decided.get("width"),  # type: ignore[arg-type]
                      sources=tuple(sources), prettier=prettier, eslint=eslint)


def _editorconfig_js_section(text: str) -> dict[str, str]:
    """Return the EditorConfig properties that apply to a ``.js`` file (``[*]``, ``[*.js]``,
    ``[*.{js,ts}]``…; later sections win, as in EditorConfig)."""
    found: dict[str, str] = {}
    applies = False  # properties before the first section belong to no file
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            glob = line[1:-1]
            applies = glob in ("*", "**") or bool(re.search(r"\bjs\b", glob)) \
                and not glob.startswith(("*.json", "*.md"))
            continue
        if applies and "=" in line:
            key, _, value = line.partition("=")
            found[key.strip().lower()] = value.strip().lower()
    return found
