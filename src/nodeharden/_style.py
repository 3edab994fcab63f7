"""The code style of a file (quotes, semicolons, indentation, line endings, module system),
and helpers that write new code in that style."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, NamedTuple

from nodeharden._record import record, replace
from nodeharden._regex import lazy_pattern
from nodeharden._textedit import line_ending

ModuleKind = Literal["commonjs", "esm"]
TrailingComma = Literal["all", "es5", "none"]

#: The indentation of every line that holds code (none for a line at the margin).
_LINE_START_RE = lazy_pattern(rb"^([ \t]*)\S", re.M)
_VAR_RE = lazy_pattern(rb"^[ \t]*var[ \t]", re.M)
_CONST_LET_RE = lazy_pattern(rb"^[ \t]*(?:const|let)[ \t]", re.M)
#: A line that may end a statement, and its ``;`` if any. Comment lines (``//``, ``/*``, JSDoc
#: ``*``) end in words and would count as statements without semicolons; so would a line's
#: trailing ``// comment`` (``'semi': 'off', // why``): the code before it decides (a line with
#: ``//`` in a string is not counted).
_STMT_END_RE = lazy_pattern(
    rb"^(?![ \t]*(?://|/?\*))(?:[^\n/]|/(?!/))*[)\]'\"`\w][ \t]*(;?)[ \t]*(?://[^\n]*)?\r?$",
    re.M)

#: ``function name (`` against ``function name(``: how a file's named functions are written.
_SPACED_PAREN_RE = lazy_pattern(rb"\bfunction\*?[ \t]+[\w$]+[ \t]+\(")
_TIGHT_PAREN_RE = lazy_pattern(rb"\bfunction\*?[ \t]+[\w$]+\(")
#: ``{ name`` against ``{name`` / ``{key:`` (not ``${name``): bracket spacing of one-line objects
#: and imports.
_SPACED_BRACE_RE = lazy_pattern(rb"(?<![$\w]){ [\w$]")
_TIGHT_BRACE_RE = lazy_pattern(rb"(?<![$\w]){[\w$][\w$]*(?:,|\s*}|:)")
#: ``x =>`` against ``(x) =>``: how the file writes an arrow function of one plain parameter
#: (not TypeScript's return type, ``): void =>``).
_BARE_ARROW_RE = lazy_pattern(rb"(?<![\w$.:])(?<!: )[\w$]+[ \t]*=>")
_PAREN_ARROW_RE = lazy_pattern(rb"\([ \t]*[\w$]+[ \t]*\)[ \t]*=>")


@record(frozen=True)
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
    #: The columns one tab stands for when measuring a line against ``width`` (prettier's
    #: tabWidth, EditorConfig's indent_size or tab_width).
    tab_width: int = 2
    #: ``{ a }`` (True, prettier's and ESLint's usual) or ``{a}`` (prettier ``bracketSpacing:
    #: false``, ESLint ``object-curly-spacing: never``).
    bracket_spacing: bool = True
    #: Trailing commas of multi-line lists: ``all`` (also parameters and arguments), ``es5``
    #: (arrays, objects, imports) or ``none`` (standard).
    trailing_comma: TrailingComma = "all"
    #: ``function name (`` and ``function (`` (standard, ESLint ``space-before-function-paren``)
    #: instead of ``function name(`` and ``function (`` (prettier).
    space_before_paren: bool = False
    #: ``(x) =>`` (True) or ``x =>`` for one plain parameter (prettier 1's ``arrowParens:
    #: avoid``, ESLint ``arrow-parens: as-needed``).
    arrow_parens: bool = True
    #: The project's ESLint forbids ``console`` (``no-console``): a ``console`` call written
    #: into its code gets an ``eslint-disable-next-line no-console`` comment of its own.
    no_console: bool = False
    #: The longest comment line the project's ESLint ``max-len`` accepts (its ``code``, or its
    #: ``comments`` option; None when it ignores comments or is not on): prettier leaves
    #: comments as they are, so written comments are wrapped to it.
    comment_width: int | None = None
    #: The file indents lines of its own (``indent`` is its habit, not the default).
    indent_seen: bool = False
    #: The project's tsconfig.json turns on ``esModuleInterop`` or
    #: ``allowSyntheticDefaultImports``: TypeScript takes ``import fs from 'fs'``.
    interop: bool = False
    #: The project's lint sorts import declarations by module name (simple-import-sort,
    #: perfectionist, ``import/order``'s ``alphabetize``), in its config or a shared one.
    sorted_imports: bool = False

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

    def braces(self, inner: str) -> str:
        """Return an object literal (or destructuring) of ``inner`` as the project spaces its
        braces: ``{ a: 1 }``, or ``{a: 1}`` under prettier's ``bracketSpacing: false`` /
        ESLint's ``object-curly-spacing: never``."""
        pad = " " if self.bracket_spacing else ""
        return "{" + pad + inner + pad + "}"

    def import_named(self, names: list[str], module: str) -> str:
        """Return a statement binding named exports of ``module``."""
        bound = self.braces(", ".join(names))
        if self.module == "esm" or self.typescript:
            return f"import {bound} from {self.q(module)}{self.semi}"
        return f"{self.declaration} {bound} = require({self.q(module)}){self.semi}"

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
    ends = _statement_ends(source)
    with_semi = sum(1 for s in ends if s)
    semicolons = not ends or with_semi * 2 >= len(ends)
    tabs = spaced = 0
    narrowest = 0
    # The spaces a block adds: the step in from one code line to the next that the file takes
    # most often. A line or two at an odd depth (a call aligned under its parenthesis) do not
    # make a four-space file a two-space one; the narrowest line decides only without steps.
    steps: dict[int, int] = {}
    previous = 0
    spans = _multiline_text_spans(source)
    span = 0
    for match in _LINE_START_RE.finditer(source):
        start = match.start()
        while span < len(spans) and spans[span][1] <= start:
            span += 1
        if span < len(spans) and spans[span][0] < start:
            continue  # a line of a template literal or a comment: text, not the file's code
        lead = match.group(1)
        if lead.startswith(b"\t"):
            tabs += 1
        elif len(lead) >= 2 or not lead:  # one space is a JSDoc continuation, not indentation
            if lead:
                spaced += 1
                narrowest = len(lead) if not narrowest else min(narrowest, len(lead))
            if 2 <= len(lead) - previous <= 8 and b"\t" not in lead:
                steps[len(lead) - previous] = steps.get(len(lead) - previous, 0) + 1
            previous = len(lead)
    step = max(sorted(steps), key=steps.__getitem__) if steps else narrowest
    indent = "\t" if tabs > spaced else " " * (step if 2 <= step <= 8 else 2)
    declaration = "const"
    if not typescript and _VAR_RE.search(source) and not _CONST_LET_RE.search(source):
        declaration = "var"
    spaced_paren = len(_SPACED_PAREN_RE.findall(source))
    tight_paren = len(_TIGHT_PAREN_RE.findall(source))
    spaced_brace = len(_SPACED_BRACE_RE.findall(source))
    tight_brace = len(_TIGHT_BRACE_RE.findall(source))
    bare_arrows = len(_BARE_ARROW_RE.findall(source))
    return Style(quote=quote, semicolons=semicolons, indent=indent, eol=eol,
                 module=module, typescript=typescript, declaration=declaration,
                 space_before_paren=spaced_paren > tight_paren,
                 arrow_parens=bare_arrows <= len(_PAREN_ARROW_RE.findall(source)),
                 bracket_spacing=tight_brace <= spaced_brace, indent_seen=bool(tabs or spaced))


#: Comments and string literals (template literals span lines, with ``${…}`` holding code
#: whose own templates are left to the outer one's text). A regex literal holding a quote or a
#: backtick may misread what follows; the count of indented lines absorbs it.
_TEXT_RE = lazy_pattern(
    rb"//[^\n]*|/\*(?:[^*]|\*(?!/))*\*/|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\""
    rb"|`(?:\\.|[^`\\])*`")


#: Comments, strings and brackets, in order: the brackets outside text nest the code.
_NESTING_RE = lazy_pattern(_TEXT_RE.pattern + rb"|[()\[\]{}]")
#: What stands before a ``{`` that opens an object literal (or an import's or a pattern's
#: names) rather than a block of statements: an operator or punctuation, or one of these words.
_LITERAL_BEFORE = frozenset(b"=(,:[?!&|+-*%~^")
_LITERAL_WORD_RE = lazy_pattern(rb"(?:^|[^\w$])(?:return|import|export|yield|await|in|of"
                                rb"|default|case|typeof|void|const|let|var)[ \t\r\n]*$")


#: What may follow the ``}`` of an object literal that ends a statement's line.
_LITERAL_CLOSE_RE = lazy_pattern(rb"[ \t]*(;?)[ \t]*(?://[^\n]*)?\r?(?:\n|$)")


def _statement_ends(source: bytes) -> list[bytes]:
    """Return the ``;`` or ``b""`` that ends each line of ``source`` that may end a statement
    (``_STMT_END_RE``), leaving out the lines that end inside an array, an object literal or
    parentheses (the elements of a config's array, the last argument of a call spread on
    lines): those end elements, not statements. Blocks (``{`` after ``)``, ``=>``, ``else``,
    a class name…) hold statements. When the brackets do not pair up (a regex literal holding
    one), every line counts, as before."""
    ends = [(m.end(), m.group(1)) for m in _STMT_END_RE.finditer(source)]
    if not ends:
        return []
    stack: list[bool] = []  # per open bracket: True when statements may end inside it
    kept: list[bytes] = []
    at = text_end = 0
    for match in _NESTING_RE.finditer(source):
        start = match.start()
        while at < len(ends) and ends[at][0] <= start:
            if (not stack or stack[-1]) and ends[at][0] >= text_end:
                kept.append(ends[at][1])  # (a line ending in a template's text is not code)
            at += 1
        token = source[start:start + 1]
        if match.end() - start != 1 or token not in b"()[]{}":
            text_end = match.end()
            continue  # a comment or a string
        if token == b"{":
            before = source[max(0, start - 40):start].rstrip()
            block = not before or (before[-1] not in _LITERAL_BEFORE or before.endswith(b"=>")) \
                and _LITERAL_WORD_RE.search(before) is None
            stack.append(block)
        elif token in b"([":
            stack.append(False)
        elif not stack:
            return [end for _, end in ends]  # a closer with nothing open: unsure
        elif stack.pop() or token != b"}" or (stack and not stack[-1]):
            continue
        elif (close := _LITERAL_CLOSE_RE.match(source, match.end())) is not None:
            kept.append(close.group(1))  # `module.exports = {…}` and `const a = {…};` end here
    if stack:
        return [end for _, end in ends]
    kept.extend(end for _, end in ends[at:])
    return kept


def _multiline_text_spans(source: bytes) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of the comments and template literals of ``source``
    that span lines, in order: the lines that begin inside them are not the file's code."""
    return [(m.start(), m.end()) for m in _TEXT_RE.finditer(source)
            if source.find(b"\n", m.start(), m.end()) != -1]


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
    """Return the module system of one file from its extension, its code and the project.

    A file with ``import`` declarations whose every ``require`` is a statement of its own,
    run for its side effects (a Babel-compiled server's ``require('./config/passport')``),
    is ES modules: it binds its modules by declarations, and a new ``require`` would sit
    apart from them. One that binds a module by ``require`` too takes the project's."""
    if rel.endswith((".mjs", ".mts")):
        return "esm"
    if rel.endswith((".cjs", ".cts")):
        return "commonjs"
    has_import = _has_import(source)
    has_require = _has_require(source)
    if has_import and not (has_require and _binds_by_require(source)):
        return "esm"
    if has_require and not has_import:
        return "commonjs"
    return project_module


def _binds_by_require(source: bytes) -> bool:
    """Return True when a ``require(`` call is not a statement of its own (its line holds
    something before it: ``const x = require('x')``, ``app.use(require('x'))``)."""
    for match in _REQUIRE_RE.finditer(source):
        at = match.start()
        if at and source[at - 1] in _WORD:
            continue
        if source[source.rfind(b"\n", 0, at) + 1:at].strip():
            return True
    return False


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


class StyleRules(NamedTuple):
    """What the project's own formatter and linter configs require, field by field (None: the
    configs say nothing, so the file's own habits decide). Read once per project."""

    quote: str | None = None
    semicolons: bool | None = None
    indent: str | None = None
    eol: str | None = None
    width: int | None = None
    tab_width: int | None = None
    bracket_spacing: bool | None = None
    trailing_comma: TrailingComma | None = None
    space_before_paren: bool | None = None
    arrow_parens: bool | None = None
    #: The project's ESLint config switches ``no-console`` on.
    no_console: bool = False
    #: See ``Style.comment_width``.
    comment_width: int | None = None
    #: Where each decided field came from, for messages and tests: ``(".prettierrc", "quote")``.
    sources: tuple[tuple[str, str], ...] = ()
    #: True when prettier formats the project (a config, or prettier wired into its scripts).
    prettier: bool = False
    #: True when the project has an ESLint config (a file, or ``eslintConfig`` in package.json).
    eslint: bool = False
    #: See ``Style.interop`` and ``Style.sorted_imports``.
    interop: bool = False
    sorted_imports: bool = False

    def apply(self, style: Style) -> Style:
        """Return ``style`` with every field the configs decide replaced. An indentation a
        config asks for yields to a file that indents otherwise: the code shows what its linter
        enforces (chatgpt-web's service/ indents two spaces under ESLint's shared config while
        the repository's .editorconfig says tabs), and a file prettier never formatted
        (pagermon's app.js, two spaces under ESLint's prettier ``tabWidth: 8``) fails its check
        already, so new lines follow their neighbours instead of starting a block at the file's
        indentation and going on at the config's."""
        changes = {name: getattr(self, name) for name in _DECIDED
                   if getattr(self, name) is not None}
        if style.indent_seen and style.indent != self.indent:
            changes.pop("indent", None)
        return replace(style, no_console=self.no_console, interop=self.interop,
                       sorted_imports=self.sorted_imports, comment_width=self.comment_width,
                       **changes)


#: The ``Style`` fields a project's configs may decide.
_DECIDED = ("quote", "semicolons", "indent", "eol", "width", "tab_width", "bracket_spacing",
            "trailing_comma", "space_before_paren", "arrow_parens")

#: The fields prettier's defaults still decide when no config of it is found: what a file's
#: own code does not show (``detect_style`` reads the rest).
_UNSEEN_IN_FILES = frozenset({"width", "tab_width", "trailing_comma"})

#: Prettier's config files, in the order prettier looks for them (after package.json's
#: ``prettier`` key).
_PRETTIER_FILES = (".prettierrc", ".prettierrc.json", ".prettierrc.yaml", ".prettierrc.yml",
                   ".prettierrc.json5", ".prettierrc.js", ".prettierrc.mjs", ".prettierrc.cjs",
                   "prettier.config.js", "prettier.config.mjs", "prettier.config.cjs",
                   ".prettierrc.toml")
_ESLINT_FILES = (".eslintrc.json", ".eslintrc", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.yml",
                 ".eslintrc.yaml", "eslint.config.js", "eslint.config.mjs", "eslint.config.cjs",
                 "eslint.config.ts")
#: oxlint's config files (ESLint's rule names and disable comments).
_OXLINT_FILES = (".oxlintrc.json", "oxlintrc.json", "oxlint.json")
#: Linters that are ESLint with a fixed config of their own: ``standard`` (no semicolons) and
#: ``semistandard`` (semicolons), as a package, a script or an ESLint ``extends``.
_STANDARD = {"standard": False, "semistandard": True, "ts-standard": False}
_KEY_VALUE = r"""["']?{key}["']?\s*[:=]\s*["']?([\w.-]+)"""

Scalar = str | int | float | bool


def _setting(text: str, key: str) -> str | None:
    """Return the scalar value of ``key`` in JSON, YAML, TOML or a JS object literal."""
    match = re.search(_KEY_VALUE.format(key=re.escape(key)), text)
    return match.group(1) if match else None


def _literal(node: Any) -> Scalar | None:
    """Return the value of a string, number, ``true`` or ``false`` literal node, else None."""
    from nodeharden._parse import string_value, text

    if node.type == "string":
        value: str | None = string_value(node)
        return value
    if node.type == "number":
        raw = text(node)
        try:
            return int(raw)
        except ValueError:
            try:
                return float(raw)
            except ValueError:
                return None
    if node.type in ("true", "false"):
        return bool(node.type == "true")
    return None


def _js_object(source: str) -> dict[str, Scalar] | None:
    """Return the literal top-level settings of the object a JS config module exports
    (``module.exports = {…}``, ``export default {…}``, either through a ``const`` or a
    ``defineConfig({…})``-like call), read without running it: only string, number and boolean
    values count, others (``require(…)``, spreads, computed values) are left out. None when
    the module exports no object literal this way."""
    from nodeharden._parse import parse, text, unwrap

    tree = parse("javascript", source.encode())
    root = tree.root_node
    declared: dict[str, Any] = {}
    exported: Any = None
    for statement in root.named_children:
        if statement.type in ("lexical_declaration", "variable_declaration"):
            for declarator in statement.named_children:
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if name is not None and value is not None and name.type == "identifier":
                    declared[text(name)] = value
        elif statement.type == "export_statement":
            value = statement.child_by_field_name("value")
            if value is not None and any(c.type == "default" for c in statement.children):
                exported = value
        elif statement.type == "expression_statement" and statement.named_children:
            expression = statement.named_children[0]
            if expression.type == "assignment_expression" and text(
                    expression.child_by_field_name("left")) == "module.exports":
                exported = expression.child_by_field_name("right")
    for _ in range(4):  # an identifier, a call wrapping the object, a cast
        if exported is None:
            return None
        exported = unwrap(exported)
        if exported.type == "identifier" and text(exported) in declared:
            exported = declared[text(exported)]
        elif exported.type == "call_expression":
            arguments = exported.child_by_field_name("arguments")
            first = arguments.named_children[0] if arguments and arguments.named_children \
                else None
            exported = first
        else:
            break
    if exported is None or exported.type != "object":
        return None
    settings: dict[str, Scalar] = {}
    for pair in exported.named_children:
        if pair.type != "pair":
            continue
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if key is None or value is None:
            continue
        key_name = _literal(key) if key.type == "string" else text(key)
        literal = _literal(value)
        if isinstance(key_name, str) and literal is not None:
            settings[key_name] = literal
    return settings


def _prettier_settings(name: str, text: str) -> dict[str, Scalar] | None:
    """Return the literal top-level settings of prettier config file ``name`` (JSON, JSON5,
    YAML, TOML or a JS module read statically), or None when they cannot be read (a shared
    config named by a string, a JS config that computes its object)."""
    data: object = None
    if name.endswith((".js", ".cjs", ".mjs")):
        return _js_object(text)
    if name.endswith(".toml"):
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return None
    else:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            # JSON5 is a JS object literal; YAML (``.prettierrc`` may be either) is read last.
            data = _js_object("module.exports = " + text) if text.lstrip().startswith("{") \
                else None
            if data is None and not name.endswith((".json", ".json5")):
                from ruamel.yaml import YAML
                from ruamel.yaml.error import YAMLError

                try:
                    data = YAML(typ="safe", pure=True).load(text)
                except (YAMLError, RecursionError):
                    return None
    if not isinstance(data, dict):
        return None  # a shared config's name, or not a mapping
    return _with_overrides(data)


def _with_overrides(data: dict[Any, Any]) -> dict[str, Scalar]:
    """Return the literal top-level settings of prettier config ``data``, with the options of
    its ``overrides`` that apply to JavaScript and TypeScript files by their extension alone
    (``"files": "*.{js,ts}"``, ``"**/*.ts"``) on top, later entries winning as in prettier.
    Entries for some folders or files only are not read: the style is the project's, not a
    file's."""
    settings = {key: value for key, value in data.items()
                if isinstance(key, str) and isinstance(value, str | int | float | bool)}
    overrides = data.get("overrides")
    for entry in overrides if isinstance(overrides, list) else ():
        if not isinstance(entry, dict) or entry.get("excludeFiles"):
            continue
        files, options = entry.get("files"), entry.get("options")
        patterns = [files] if isinstance(files, str) else files
        if not isinstance(patterns, list) or not isinstance(options, dict) or not any(
                isinstance(p, str) and _names_scripts(p) for p in patterns):
            continue
        settings.update((key, value) for key, value in options.items()
                        if isinstance(key, str) and isinstance(value, str | int | float | bool))
    return settings


#: A file pattern that names files by extension only: ``*.js``, ``*.{js,jsx,ts,tsx}``.
_EXTENSION_GLOB_RE = lazy_pattern(r"\*\.(?:\{([\w,]+)\}|(\w+))")
_SCRIPT_EXTENSIONS = frozenset({"js", "cjs", "mjs", "jsx", "ts", "cts", "mts", "tsx"})


def _names_scripts(pattern: str) -> bool:
    """Return True when a prettier ``overrides`` pattern takes every file of a JavaScript or
    TypeScript extension, wherever it is (no folder in the pattern)."""
    if pattern.startswith("**/"):
        pattern = pattern[3:]
    found = _EXTENSION_GLOB_RE.fullmatch(pattern)
    return found is not None and any(
        extension in _SCRIPT_EXTENSIONS for extension in (found[1] or found[2]).split(","))


#: The plugins whose rules of the same name take the core formatting rules' options
#: (``@stylistic/semi``, ``@stylistic/js/semi``, the older ``@typescript-eslint/semi``).
_ESLINT_RULE_PREFIX = r"(?:@stylistic/(?:js/|ts/|jsx/|plus/)?|@typescript-eslint/)?"
_OFF = frozenset({"off", "0"})


_PRETTIER_RULE_RE = lazy_pattern(
    r"""["']prettier/prettier["']\s*:\s*\[\s*["']?(?:error|warn|2|1)["']?\s*,\s*\{([^{}]{0,2000})\}""")
_OPTION_RE = lazy_pattern(
    r"""["']?(\w+)["']?\s*:\s*(?:'([^'\n]*)'|"([^"\n]*)"|(true|false)\b|(\d+)\b)""")


def _prettier_rule_options(text: str) -> dict[str, Scalar] | None:
    """Return the prettier options an ESLint config passes to eslint-plugin-prettier's rule
    (``'prettier/prettier': ['error', { semi: false }]``), or None when it passes none."""
    match = _PRETTIER_RULE_RE.search(text)
    if match is None:
        return None
    options: dict[str, Scalar] = {}
    for key, single, double, flag, number in _OPTION_RE.findall(match.group(1)):
        if flag:
            options[key] = flag == "true"
        elif number:
            options[key] = int(number)
        else:
            options[key] = single or double
    return options


def _eslint_rule(text: str, rule: str) -> list[str]:
    """Return the options of ESLint ``rule`` (``"semi": ["error", "always"]`` → ["error",
    "always"]; ``semi: 2`` → ["2"]; YAML ``semi: [error, never]``); [] when not configured.
    The rule may come from @stylistic (``'@stylistic/semi'``) or typescript-eslint; when both
    the core rule and a plugin's are configured, the one that is not off decides."""
    found: list[list[str]] = []
    for match in re.finditer(
            r"""(?m)["']?(?<![\w/-]){prefix}{rule}["']?\s*:\s*(\[[^\]\n]*\]|[\w"']+)""".format(
                prefix=_ESLINT_RULE_PREFIX, rule=re.escape(rule)), text):
        found.append([part.strip().strip("'\"") for part in match.group(1).strip("[]").split(",")
                      if part.strip()])
    return next((options for options in found if options and options[0] not in _OFF),
                found[0] if found else [])


def _eslint_rule_object(text: str, rule: str) -> dict[str, str]:
    """Return the string properties of the object option of ESLint ``rule``
    (``"comma-dangle": ["error", {"objects": "never"}]`` → {"objects": "never"})."""
    match = re.search(r"""["']?(?<![\w/-]){prefix}{rule}["']?\s*:\s*\[[^\]{{]*\{{([^}}]*)\}}""".format(
        prefix=_ESLINT_RULE_PREFIX, rule=re.escape(rule)), text)
    if not match:
        return {}
    return {key: value for key, value in re.findall(
        r"""["']?(\w+)["']?\s*:\s*["'](\w[\w-]*)["']""", match.group(1))}


#: ESLint's ``max-len`` with its options, over lines: ``'max-len': ['error', { code: 90 }]``,
#: ``"max-len": ["error", 100, 2, {"ignoreComments": true}]``.
_MAX_LEN_RE = lazy_pattern(
    r"""["']?(?<![\w/-])(?:@stylistic/(?:js/)?)?max-len["']?\s*:\s*\[([^\]]*)\]""")


def _max_len_for_comments(text: str) -> int | None:
    """Return the longest comment line an ESLint config's ``max-len`` accepts: its
    ``comments`` option, else its ``code`` (an option object's or the number after the
    level); None when the rule is off, ignores comments, or is not configured so."""
    found = _MAX_LEN_RE.search(text)
    if found is None:
        return None
    options = found.group(1)
    level = options.split(",", 1)[0].strip().strip("'\"")
    if level in _OFF or re.search(r"""["']?ignoreComments["']?\s*:\s*true""", options):
        return None
    for key in ("comments", "code"):
        value = re.search(r"""["']?%s["']?\s*:\s*(\d+)""" % key, options)
        if value:
            return int(value.group(1))
    number = re.match(r"\s*[^,]+,\s*(\d+)", options)
    return int(number.group(1)) if number else None


def _eslint_enabled(options: list[str]) -> bool:
    return bool(options) and options[0] not in ("off", "0")


def _standard_of(data: dict[str, Any], eslint_texts: list[tuple[str, str | None]]
                 ) -> tuple[str, bool] | None:
    """Return ``(source, semicolons)`` when the project lints with standard or semistandard:
    the package in its dependencies or scripts, or its ESLint config in an ``extends``."""
    for field in ("devDependencies", "dependencies"):
        deps = data.get(field)
        for name, semicolons in _STANDARD.items():
            if isinstance(deps, dict) and name in deps:
                return f"package.json {field} {name}", semicolons
    scripts = data.get("scripts")
    if isinstance(scripts, dict):
        for script in scripts.values():
            for name, semicolons in _STANDARD.items():
                # The command itself (`standard`, `npx standard --fix`, `… && standard`), not
                # a word handed to another tool (`conventional-changelog -p standard`).
                if isinstance(script, str) and re.search(
                        rf"(?:^|[;&|]\s*|\bnpx\s+|node_modules/\.bin/){re.escape(name)}"
                        r"(?:$|[\s;&|])", script.strip()):
                    return f"package.json scripts {name}", semicolons
    for source, text in eslint_texts:
        for match in re.finditer(r"""["'](?:eslint-config-)?(semistandard|standard)["']""",
                                 text or ""):
            return source, _STANDARD[match.group(1)]
    return None


def config_folders(root: Path) -> list[Path]:
    """Return the folders whose configs may apply to the project at ``root``, nearest first:
    ``root``, then its parents up to the repository's top (the folder holding ``.git``), as
    prettier, ESLint and EditorConfig look upward from a file. A package of a monorepo
    (``server/``) is formatted by the repository's ``.prettierrc``. Without a ``.git`` folder
    between ``root`` and the user's home or ``/``, the project's top is unknown: only ``root``
    counts (a stray ``/tmp/.prettierrc`` styles no project)."""
    try:
        start = root.resolve()
    except OSError:
        return [root]
    try:
        home: Path | None = Path.home().resolve()
    except (OSError, RuntimeError):
        home = None
    folders = [start]
    current = start
    while True:
        try:
            if (current / ".git").exists():
                return folders
        except OSError:
            break
        parent = current.parent
        if parent == current or current == home or parent == home or parent == Path("/"):
            break
        folders.append(parent)
        current = parent
    return [start]


def _read_json_object(path: Path) -> dict[str, Any] | None:
    """Return the object in JSON file ``path``, or None (missing, unreadable, not an object)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig", errors="replace"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _eslint_root(text: str) -> bool:
    """Return True when a legacy ESLint config says ``root: true`` (ESLint stops looking in
    parent folders there)."""
    from nodeharden._parse import has_error, parse

    for wrapped in (text, "(" + text + "\n)"):
        # A JS module (``module.exports = {…}``), or JSON (with comments) read as a JS object.
        tree = parse("javascript", wrapped.encode())
        if has_error(tree):
            continue
        if wrapped is text:
            settings = _js_object(text)
            if settings is None:
                continue
            return settings.get("root") is True
        statement = tree.root_node.named_children[0] if tree.root_node.named_children else None
        value = statement.named_children[0] if statement is not None \
            and statement.named_children else None
        while value is not None and value.type == "parenthesized_expression":
            value = value.named_children[0] if value.named_children else None
        if value is None or value.type != "object":
            continue
        return any(_pair_is(pair, "root", True) for pair in value.named_children)
    # YAML: a top-level ``root: true`` (at the line's start), comments left out.
    return _YAML_ROOT_RE.search(text) is not None


_YAML_ROOT_RE = lazy_pattern(r"""(?m)^["']?root["']?[ \t]*:[ \t]*true[ \t]*(?:#.*)?$""")


def _pair_is(pair: Any, key: str, value: Scalar) -> bool:
    """Return True when object member ``pair`` is ``key: value`` with a literal value."""
    from nodeharden._parse import text as node_text

    if pair.type != "pair":
        return False
    name, literal = pair.child_by_field_name("key"), pair.child_by_field_name("value")
    if name is None or literal is None:
        return False
    key_name = _literal(name) if name.type == "string" else node_text(name)
    return key_name == key and _literal(literal) == value


def _editorconfig_root(text: str) -> bool:
    """Return True when an .editorconfig's preamble says ``root = true``."""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            return False
        key, _, value = line.partition("=")
        if key.strip().lower() == "root" and value.strip().lower() == "true":
            return True
    return False


#: prettier's command-line options that set a formatting option (prettier's own names), each
#: with the value it sets or None when the value is the next word.
_PRETTIER_FLAGS: dict[str, tuple[str, Scalar | None]] = {
    "--single-quote": ("singleQuote", True), "--no-semi": ("semi", False),
    "--use-tabs": ("useTabs", True), "--no-bracket-spacing": ("bracketSpacing", False),
    "--jsx-single-quote": ("jsxSingleQuote", True), "--tab-width": ("tabWidth", None),
    "--print-width": ("printWidth", None), "--trailing-comma": ("trailingComma", None),
    "--arrow-parens": ("arrowParens", None), "--quote-props": ("quoteProps", None),
}


def _prettier_cli_settings(commands: list[str]) -> dict[str, Scalar]:
    """Return the formatting options prettier's command line sets in package.json scripts
    (``prettier --single-quote --print-width 100 --write src``): each command's words after
    ``prettier``, up to the next ``&&``, ``||``, ``;`` or ``|``. An option two scripts set
    differently is left out (other settings or the files' habits decide it)."""
    found: dict[str, Scalar] = {}
    conflicting: set[str] = set()
    for command in commands:
        for part in re.split(r"&&|\|\||;|\|", command):
            words = part.split()
            starts = [i for i, w in enumerate(words)
                      if w.rsplit("/", 1)[-1] == "prettier"]
            if not starts:
                continue
            words = words[starts[0] + 1:]
            for i, word in enumerate(words):
                flag, _, inline = word.partition("=")
                if flag not in _PRETTIER_FLAGS:
                    continue
                key, fixed = _PRETTIER_FLAGS[flag]
                value: Scalar | None = fixed
                if value is None:
                    raw = inline or (words[i + 1] if i + 1 < len(words) else "")
                    raw = raw.strip("'\"")
                    value = int(raw) if raw.isdigit() else raw or None
                if value is None:
                    continue
                if key in found and found[key] != value:
                    conflicting.add(key)
                found[key] = value
    return {k: v for k, v in found.items() if k not in conflicting}


def read_style_rules(root: Path, package_json: dict[str, Any] | None) -> StyleRules:
    """Return the style the project's tools require. The formatter comes first: prettier's
    own settings (any config file it reads, or package.json's ``prettier``), then what
    prettier takes from .editorconfig, then prettier's defaults (only width, tab width and
    trailing commas when prettier runs from scripts with no config found: the files show the
    rest, and a config missing from the copy may have set it). Without prettier: standard or
    semistandard, ESLint's rules, JSHint, then .editorconfig. What none of them says is left to
    the files' own habits (``detect_style``).

    Configs are found the way each tool finds them for a file of the project, looking upward
    from ``root`` to the repository's top (``config_folders``): prettier takes the nearest
    folder with a config file or a package.json ``prettier`` key; a legacy ESLint config
    (``.eslintrc.*``, package.json ``eslintConfig``) merges with those of parent folders until
    one says ``root: true``, nearer settings winning; a flat config (``eslint.config.*``) is
    the nearest one; .editorconfig files merge upward until ``root = true``; JSHint and oxlint
    take the nearest config. A tool or linter that a parent package.json (a monorepo's top)
    depends on or runs counts as the project's."""
    decided: dict[str, object] = {}
    sources: list[tuple[str, str]] = []
    folders = config_folders(root)
    top = folders[0]

    def decide(field_name: str, value: object, source: str) -> None:
        if field_name not in decided and value is not None:
            decided[field_name] = value
            sources.append((source, field_name))

    def label(folder: Path, name: str) -> str:
        """``name`` as seen from the project: ``.prettierrc``, ``../../.prettierrc``."""
        return "/".join([".."] * folders.index(folder) + [name])

    def read_in(folder: Path, name: str) -> str | None:
        try:
            return (folder / name).read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            return None

    def read(name: str) -> str | None:
        return read_in(top, name)

    def nearest(names: tuple[str, ...]) -> tuple[str, str] | None:
        """Return (label, text) of the first of ``names`` in the nearest folder holding one."""
        for folder in folders:
            for name in names:
                text = read_in(folder, name)
                if text is not None:
                    return label(folder, name), text
        return None

    # package.json of root, then of each parent (a monorepo's top).
    packages: list[tuple[Path, dict[str, Any]]] = [(top, package_json or {})]
    for folder in folders[1:]:
        parent_data = _read_json_object(folder / "package.json")
        if parent_data is not None:
            packages.append((folder, parent_data))

    data = package_json or {}
    # .editorconfig: the nearest file's sections win, merged upward until `root = true`.
    section: dict[str, str] = {}
    for folder in folders:
        editorconfig = read_in(folder, ".editorconfig")
        if editorconfig is None:
            continue
        for key, setting in _editorconfig_js_section(editorconfig).items():
            section.setdefault(key, setting)
        if _editorconfig_root(editorconfig):
            break
    settings: dict[str, Scalar] | None = None
    prettier_source = ""
    for folder in folders:
        folder_data = data if folder == top else next(
            (d for f, d in packages if f == folder), {})
        if "prettier" in folder_data:
            prettier_source = label(folder, "package.json prettier")
            value = folder_data["prettier"]
            settings = _with_overrides(value) if isinstance(value, dict) else None
            break
        for name in _PRETTIER_FILES:
            text = read_in(folder, name)
            if text is not None:
                prettier_source = label(folder, name)
                try:
                    settings = _prettier_settings(name, text)
                except RecursionError:  # a config nested thousands deep: not a real one
                    settings = None
                break
        if prettier_source:
            break
    eslint_texts = _eslint_configs(folders, packages, read_in, label)
    if not prettier_source:
        # eslint-plugin-prettier given prettier's options in the ESLint config itself
        # (`'prettier/prettier': ['error', { singleQuote: true, printWidth: 100 }]`): the
        # formatter the lint run enforces, with no prettier config file.
        for name, text in eslint_texts:
            options = _prettier_rule_options(text or "")
            if options is not None:
                prettier_source, settings = f"{name} prettier/prettier options", options
                break
    scripts = " ".join(str(v) for _, package in packages
                       if isinstance(package.get("scripts"), dict)
                       for v in package["scripts"].values())
    scripts_only = not prettier_source and "prettier" in scripts
    if scripts_only:
        # The options its command line gives (`prettier --single-quote --write …`).
        prettier_source, settings = "prettier in package.json scripts", _prettier_cli_settings(
            [str(v) for _, package in packages if isinstance(package.get("scripts"), dict)
             for v in package["scripts"].values()])
    prettier = bool(prettier_source)
    if prettier and settings is not None:
        # What prettier formats with: its config, else what it reads from .editorconfig (its
        # CLI does by default), else its defaults for the version the project pins (the
        # package's own pin, else the monorepo top's).
        major = next((m for _, package in packages
                      if (m := _pinned_prettier_major(package)) is not None), 3)
        defaults = f"{prettier_source} (prettier's defaults)" if scripts_only else prettier_source
        merged: dict[str, tuple[Scalar, str]] = {
            "trailingComma": ("all" if major >= 3 else "es5" if major == 2 else "none",
                              defaults),
            "arrowParens": ("always" if major >= 2 else "avoid", defaults)}
        merged.update((k, (v, ".editorconfig")) for k, v in _editorconfig_prettier(section).items())
        merged.update((k, (v, prettier_source)) for k, v in settings.items())
        decide_from = decide
        if scripts_only:
            # No config found: a config this copy lacks may set what the files show (overleaf's
            # clsi: single quotes, no semicolons, `x =>`, its .prettierrc not public), and
            # files prettier formats with its defaults show those. The files' habits decide
            # what they show; prettier's defaults only what they cannot (width, commas).
            def decide_from(field_name: str, value: object, source: str) -> None:
                if source != defaults or field_name in _UNSEEN_IN_FILES:
                    decide(field_name, value, source)
        _decide_prettier(merged, defaults, decide_from)
    elif prettier:
        # A shared config (its name in the config) is not read: .editorconfig and the files
        # decide what it says.
        _decide_editorconfig(section, ".editorconfig", decide)
    eslint = False
    # oxlint's config takes ESLint's rule names (also as `eslint/no-console`), and oxlint
    # honours `eslint-disable-next-line` comments: only no-console is read from it.
    oxlint = nearest(_OXLINT_FILES)
    no_console = oxlint is not None and _eslint_enabled(
        _eslint_rule(oxlint[1].replace('"eslint/', '"'), "no-console"))
    comment_width: int | None = None
    for name, text in eslint_texts:
        if not text:
            continue
        eslint = True
        no_console = no_console or _eslint_enabled(_eslint_rule(text, "no-console"))
        comment_width = comment_width or _max_len_for_comments(text)
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
        _decide_eslint_layout(text, name, decide)
    # standard's and semistandard's own settings, where the project's ESLint rules (which may
    # override them on top of `extends: standard`) decided nothing.
    standard = next((found for _, package in packages
                     if (found := _standard_of(package, [])) is not None), None) \
        or _standard_of({}, eslint_texts)
    if standard is not None:
        name, semicolons = standard
        for field_name, value in (("quote", "'"), ("semicolons", semicolons), ("indent", "  "),
                                  ("bracket_spacing", True), ("trailing_comma", "none"),
                                  ("space_before_paren", True), ("arrow_parens", True)):
            decide(field_name, value, name)
    found_jshint = nearest((".jshintrc",))
    if found_jshint:
        jshint_name, jshint = found_jshint
        quotmark = _setting(jshint, "quotmark")
        if quotmark in ("single", "double"):
            decide("quote", "'" if quotmark == "single" else '"', jshint_name)
        if _setting(jshint, "asi") == "true":
            decide("semicolons", False, jshint_name)
    _decide_editorconfig(section, ".editorconfig", decide)
    # A shared config (eslint-config-opencollective) turns a sorting plugin on unseen: the
    # plugin among the project's dependencies tells it.
    sorted_imports = any(_MODULE_SORT_RE.search(text or "") for _, text in eslint_texts) \
        or any(_SORT_PLUGINS & set(_dependency_names(package)) for _, package in packages)
    return StyleRules(**{name: decided.get(name) for name in _DECIDED},  # type: ignore[arg-type]
                      no_console=no_console, comment_width=comment_width,
                      sources=tuple(sources), prettier=prettier,
                      eslint=eslint, interop=_ts_interop(top),
                      sorted_imports=sorted_imports)


#: Lint rules that sort import declarations by module name.
_MODULE_SORT_RE = lazy_pattern(r"simple-import-sort|perfectionist/sort-imports|alphabetize")
_SORT_PLUGINS = frozenset({"eslint-plugin-simple-import-sort", "eslint-plugin-perfectionist"})
#: tsconfig's options that let TypeScript default-import a CommonJS module (a Node built-in).
_INTEROP_RE = lazy_pattern(r'"(?:esModuleInterop|allowSyntheticDefaultImports)"\s*:\s*true\b')


def _dependency_names(package: dict[str, Any]) -> list[str]:
    return [str(name) for key in ("dependencies", "devDependencies")
            if isinstance(package.get(key), dict) for name in package[key]]


def _ts_interop(root: Path) -> bool:
    """Return True when the project's tsconfig.json turns on ``esModuleInterop`` or
    ``allowSyntheticDefaultImports`` (read with a pattern: tsconfig allows comments)."""
    try:
        text = (root / "tsconfig.json").read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return False
    return _INTEROP_RE.search(text) is not None


#: A flat config (ESLint 9's ``eslint.config.*``): the nearest one applies alone.
_FLAT_ESLINT = tuple(name for name in _ESLINT_FILES if name.startswith("eslint.config."))
_LEGACY_ESLINT = tuple(name for name in _ESLINT_FILES if name not in _FLAT_ESLINT)


def _eslint_configs(folders: list[Path], packages: list[tuple[Path, dict[str, Any]]],
                    read_in: Callable[[Path, str], str | None],
                    label: Callable[[Path, str], str]) -> list[tuple[str, str | None]]:
    """Return the ESLint configs that apply to the project, nearest first, as ESLint finds
    them: legacy configs (``.eslintrc.*``, package.json ``eslintConfig``) of the folders from
    the project's up to the first that says ``root: true``; or, when the nearest config is a
    flat one (``eslint.config.*``), that one alone."""
    found: list[tuple[str, str | None]] = []
    by_folder = dict(packages)
    for folder in folders:
        legacy = [(label(folder, name), text) for name in _LEGACY_ESLINT
                  if (text := read_in(folder, name)) is not None]
        package = by_folder.get(folder, {})
        if isinstance(package.get("eslintConfig"), dict):
            legacy.append((label(folder, "package.json eslintConfig"),
                           json.dumps(package["eslintConfig"])))
        if not found and not legacy:
            flat = next(((label(folder, name), text) for name in _FLAT_ESLINT
                         if (text := read_in(folder, name)) is not None), None)
            if flat is not None:
                return [flat]
        found.extend(legacy)
        if any(_eslint_root(text or "") for _, text in legacy):
            break
    return found


def _pinned_prettier_major(data: dict[str, Any]) -> int | None:
    """Return the major version of prettier that package.json ``data`` pins, or None."""
    from nodeharden._packagejson import declared_major

    return declared_major(data, "prettier")


def _editorconfig_prettier(section: dict[str, str]) -> dict[str, Scalar]:
    """Return the prettier options .editorconfig's properties stand for (as prettier maps
    them: indent_style, indent_size or tab_width, max_line_length, end_of_line, quote_type)."""
    options: dict[str, Scalar] = {}
    style = section.get("indent_style")
    if style in ("tab", "space"):
        options["useTabs"] = style == "tab"
    size = section.get("indent_size")
    if size == "tab" or not (size and size.isdigit()):
        size = section.get("tab_width")
    if size and size.isdigit():
        options["tabWidth"] = int(size)
    width = section.get("max_line_length")
    if width and width.isdigit():
        options["printWidth"] = int(width)
    if section.get("end_of_line") in ("lf", "crlf", "cr"):
        options["endOfLine"] = section["end_of_line"]
    if section.get("quote_type") in ("single", "double"):
        options["singleQuote"] = section["quote_type"] == "single"
    return options


def _decide_prettier(settings: dict[str, tuple[Scalar, str]], fallback: str,
                     decide: Callable[[str, object, str], None]) -> None:
    """Decide every field from prettier options ``settings`` (option → (value, where it was
    set)), prettier's defaults for the options they leave out (from ``fallback``)."""
    def get(key: str, default: Scalar) -> tuple[Scalar, str]:
        return settings.get(key, (default, fallback))

    single, source = get("singleQuote", False)
    decide("quote", "'" if single is True else '"', source)
    semi, source = get("semi", True)
    decide("semicolons", semi is not False, source)
    (tabs, tab_source), (width, width_source) = get("useTabs", False), get("tabWidth", 2)
    if tabs is True:
        decide("indent", "\t", tab_source)
    else:
        size = width if isinstance(width, int) and not isinstance(width, bool) \
            and 1 <= width <= 8 else 2
        decide("indent", " " * size, width_source if width_source != fallback else tab_source)
    if isinstance(width, int) and not isinstance(width, bool) and 1 <= width <= 16:
        decide("tab_width", width, width_source)
    eol, source = get("endOfLine", "lf")
    decide("eol", {"crlf": "\r\n", "lf": "\n"}.get(str(eol)), source)
    print_width, source = get("printWidth", 80)
    if isinstance(print_width, int) and not isinstance(print_width, bool):
        decide("width", print_width, source)
    spacing, source = get("bracketSpacing", True)
    decide("bracket_spacing", spacing is not False, source)
    trailing, source = get("trailingComma", "all")
    if trailing in ("all", "es5", "none"):
        decide("trailing_comma", trailing, source)
    parens, source = get("arrowParens", "always")
    if parens in ("always", "avoid"):
        decide("arrow_parens", parens == "always", source)
    decide("space_before_paren", False, fallback)


def _decide_eslint_layout(text: str, source: str,
                          decide: Callable[[str, object, str], None]) -> None:
    """Decide bracket spacing, trailing commas, the space before a function's parentheses and
    arrow parentheses from ESLint's ``object-curly-spacing``, ``comma-dangle``,
    ``space-before-function-paren`` and ``arrow-parens``."""
    curly = _eslint_rule(text, "object-curly-spacing")
    if _eslint_enabled(curly) and len(curly) > 1 and curly[1] in ("always", "never"):
        decide("bracket_spacing", curly[1] == "always", source)
    comma = _eslint_rule(text, "comma-dangle")
    if _eslint_enabled(comma):
        kinds = _eslint_rule_object(text, "comma-dangle")
        value = comma[1] if len(comma) > 1 and not comma[1].startswith("{") else None
        if value == "never" or (kinds and kinds.get("objects", "never") == "never"):
            decide("trailing_comma", "none", source)
        elif value in ("always", "always-multiline"):
            decide("trailing_comma", "all", source)
        elif kinds.get("objects", "").startswith("always"):
            functions = kinds.get("functions", "never")
            decide("trailing_comma", "es5" if functions == "never" else "all", source)
    paren = _eslint_rule(text, "space-before-function-paren")
    if _eslint_enabled(paren):
        named = _eslint_rule_object(text, "space-before-function-paren").get("named")
        value = named or (paren[1] if len(paren) > 1 else "always")
        if value in ("always", "never"):
            decide("space_before_paren", value == "always", source)
    arrows = _eslint_rule(text, "arrow-parens")
    if _eslint_enabled(arrows) and not re.search(r"requireForBlockBody\W*true", text):
        # ("as-needed" with requireForBlockBody wants `(err) => {`: the snippets' arrows with
        # a block keep their parentheses, so nothing is decided.)
        decide("arrow_parens", len(arrows) < 2 or arrows[1] != "as-needed", source)


def _decide_editorconfig(section: dict[str, str], source: str,
                         decide: Callable[[str, object, str], None]) -> None:
    """Decide indentation, line ends, width and quotes from .editorconfig's properties for JS
    and TypeScript files (the ones prettier also reads)."""
    style = section.get("indent_style")
    size = section.get("indent_size")
    if size == "tab" or not (size and size.isdigit()):
        size = section.get("tab_width")
    if style == "tab":
        decide("indent", "\t", source)
    elif style == "space" or (size and size.isdigit()):
        decide("indent", " " * (int(size) if size and size.isdigit() and 1 <= int(size) <= 8
                                else 2), source)
    if size and size.isdigit() and 1 <= int(size) <= 16:
        decide("tab_width", int(size), source)
    eol = section.get("end_of_line")
    if eol in ("lf", "crlf"):
        decide("eol", "\r\n" if eol == "crlf" else "\n", source)
    max_line = section.get("max_line_length")
    if max_line and max_line.isdigit():
        decide("width", int(max_line), source)
    quote = section.get("quote_type")
    if quote in ("single", "double"):
        decide("quote", "'" if quote == "single" else '"', source)


#: The files a project's new code may be: an .editorconfig section applies when its glob
#: matches one of them.
_CODE_NAMES = ("app.js", "app.ts", "app.mjs", "app.cjs", "app.mts", "app.cts")


def _expand_braces(glob: str, depth: int = 0) -> list[str]:
    """Return EditorConfig glob ``glob`` with its ``{a,b}`` alternatives expanded (eight
    groups at most: each doubles the list; past them a group is read as ``*``)."""
    match = re.search(r"\{([^{}]*)\}", glob)
    if not match:
        return [glob]
    if depth >= 8:
        return _expand_braces(glob[:match.start()] + "*" + glob[match.end():], depth)
    if re.fullmatch(r"-?\d+\.\.-?\d+", match.group(1)):
        return [glob[:match.start()] + "*" + glob[match.end():]]
    return [expanded for option in match.group(1).split(",")
            for expanded in _expand_braces(glob[:match.start()] + option + glob[match.end():],
                                           depth + 1)]


def _section_applies(glob: str) -> bool:
    """Return True when an EditorConfig section ``[glob]`` covers JS or TypeScript files
    anywhere in the project: a glob naming files (``*.js``), or one under ``**/``; a section
    for one folder (``[scripts/legacy/**]``) does not speak for the project's new code."""
    import fnmatch

    for pattern in _expand_braces(glob):
        folder, _, name = pattern.rpartition("/")
        if folder.lstrip("/") not in ("", "**"):
            continue
        name = name.replace("**", "*")
        if any(fnmatch.fnmatchcase(candidate, name) for candidate in _CODE_NAMES):
            return True
    return False


def _editorconfig_js_section(text: str) -> dict[str, str]:
    """Return the EditorConfig properties that apply to a JS or TypeScript file (``[*]``,
    ``[*.js]``, ``[*.{js,ts}]``…; later sections win, as in EditorConfig)."""
    found: dict[str, str] = {}
    applies = False  # properties before the first section belong to no file
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            applies = _section_applies(line[1:-1])
            continue
        if applies and "=" in line:
            key, _, value = line.partition("=")
            found[key.strip().lower()] = value.strip().lower()
    return found
