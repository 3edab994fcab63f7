"""eslint-security: the project's ESLint config enables eslint-plugin-security.

Flat configs are edited with tree-sitter (one new array element plus an import); legacy JSON
configs and ``package.json`` ``eslintConfig`` with minimal text edits; legacy YAML configs with a
ruamel.yaml round trip; legacy JS configs with tree-sitter.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from tree_sitter import Node, Tree

from nodeharden._express import FileFacts
from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._packagejson import add_to_string_list, declared_major, version_of
from nodeharden._parse import (
    alternation,
    code_children,
    object_properties,
    parse,
    required_module,
    string_value,
    text,
    unwrap,
    walk,
)
from nodeharden._project import JS_SUFFIXES, files_with_suffix, folders_up_to_top
from nodeharden._record import replace
from nodeharden._regex import lazy_pattern
from nodeharden._runtime import lowest_in_range
from nodeharden._style import ModuleKind, Style, detect_style, module_kind_for
from nodeharden._textedit import line_ending
from nodeharden.rules._base import ProjectContext, Rule, import_package
from nodeharden.rules._edits import (
    ImportOrder,
    ImportRequest,
    SortImports,
    add_imports,
    columns,
    has_import,
)
from nodeharden.rules._yaml import dash_of, item_end

PLUGIN = "eslint-plugin-security"
LEGACY_EXTENDS = "plugin:security/recommended-legacy"
FLAT_ELEMENT = "pluginSecurity.configs.recommended"
FLAT_NAMES = ("eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts",
              "eslint.config.mts", "eslint.config.cts")
LEGACY_NAMES = (".eslintrc.js", ".eslintrc.cjs", ".eslintrc.yaml", ".eslintrc.yml",
                ".eslintrc.json", ".eslintrc")
_LEGACY_ENABLED_RE = lazy_pattern(r"plugin:security/|['\"](eslint-plugin-)?security['\"]")
_MAX_WARNINGS_0_RE = lazy_pattern(r"--max-warnings(?:[= ]+|\s+)['\"]?0\b")
#: Lint runners that run ESLint with the project's config and fail on its warnings: putout
#: reports every ESLint message as an error (exit 1).
WARNINGS_FAIL_RUNNERS = ("putout",)
#: The oldest Node each ESLint major runs on (its package.json ``engines.node``): a lint
#: plugin runs where the project's eslint runs, so it is judged against this rather than the
#: lowest Node version the app declares.
ESLINT_NODE: dict[int, tuple[int, int]] = {10: (20, 19), 9: (18, 18), 8: (12, 22), 7: (10, 12),
                                           6: (8, 10)}
#: Suffixes of the TypeScript files a flat config without typescript-eslint never lints.
_TS_SUFFIXES = (".ts", ".mts", ".cts", ".tsx")
_ESLINT_WORD_RE = lazy_pattern(r"(?<![\w-])eslint(?![\w-])")
#: What shows a flat config lints TypeScript: typescript-eslint, or a files pattern for .ts.
_COVERS_TS_RE = lazy_pattern(
    rb"typescript-eslint|@typescript-eslint|\*\.\{?[^'\"\n]*\bts\b|\.ts['\"]")
TS_FILES = "**/*.{js,mjs,cjs,ts,mts,cts,tsx}"
#: A legacy config a flat one takes in through FlatCompat (``compat.extends('./.eslintrc.json')``).
_COMPAT_EXTENDS_RE = lazy_pattern(rb"""\.extends\(\s*['"](\.{1,2}/[^'"\s]+)['"]""")


def covers_ts(ctx: ProjectContext, rel: str, source: bytes) -> bool:
    """Return True when the flat config ``rel`` (its text ``source``) lints TypeScript: it
    names typescript-eslint or a ``.ts`` pattern, or a legacy config of the project it takes in
    through FlatCompat does (Ride The Lightning's ``compat.extends('./.eslintrc.json')``, whose
    ``overrides`` lint ``*.ts`` with @typescript-eslint/parser)."""
    if _COVERS_TS_RE.search(source):
        return True
    folder = posixpath.dirname(rel)
    for match in _COMPAT_EXTENDS_RE.finditer(source):
        legacy = posixpath.normpath(posixpath.join(folder, match.group(1).decode()))
        if not legacy.startswith("..") and _COVERS_TS_RE.search(ctx.read(legacy) or b""):
            return True
    return False
#: The preset's rules that flag ordinary code far more often than a risk, switched off next to
#: the preset: ``detect-object-injection`` warns on every ``obj[variable]`` and
#: ``detect-non-literal-fs-filename`` on every fs call whose path is not a literal. Both
#: outnumber the preset's other warnings many times over on a large server (hundreds against
#: tens), so the warnings that remain (child_process with variables, unsafe or non-literal
#: RegExps, dynamic require, timing-prone compares, ...) stay readable. The second is the one
#: that points at request-built file paths, so it stays on where the server code has few fs
#: calls with a variable path (``noisy_rules``).
NOISY_RULES = ("security/detect-object-injection", "security/detect-non-literal-fs-filename")
#: At most this many fs calls with a variable path in the scanned server code: their warnings
#: are few enough to read, and detect-non-literal-fs-filename stays on.
FS_WARNINGS_KEPT = 15
#: The modules whose functions detect-non-literal-fs-filename reads.
FS_MODULES = frozenset({"fs", "node:fs", "fs/promises", "node:fs/promises", "fs-extra",
                        "graceful-fs"})
#: fs functions whose first argument is a file descriptor or nothing, not a path.
_FD_FUNCTIONS = frozenset(
    name + sync for name in ("close", "read", "write", "readv", "writev", "fstat", "fsync",
                             "fdatasync", "ftruncate", "futimes", "fchmod", "fchown")
    for sync in ("", "Sync"))
#: A first argument the plugin takes as static: a string, a template without ``${``,
#: ``__dirname`` / ``__filename``, or ``path.join(__dirname, 'literal')``.
_STATIC_PATH_RE = lazy_pattern(
    rb"""\s*(?:'[^'\n]*'|"[^"\n]*"|`[^`$]*`|__(?:dirname|filename)\s*[,)]"""
    rb"""|(?:path\.)?(?:join|resolve)\(\s*__dirname\s*(?:,\s*(?:'[^'\n]*'|"[^"\n]*")\s*)*\))""")


def noisy_rules(ctx: ProjectContext) -> tuple[str, ...]:
    """Return the preset's rules the fix switches off: ``detect-object-injection`` always,
    ``detect-non-literal-fs-filename`` only where the scanned server code has more than
    ``FS_WARNINGS_KEPT`` fs calls whose path is not static (counted as the plugin reads
    them: calls of an fs module's functions, as members of its import or destructured)."""
    count = 0
    for rel, facts in ctx.facts.items():
        receivers: set[str] = set()
        functions: dict[str, str] = {}  # local name -> the fs function it is
        for imp in facts.imports:
            if imp.module not in FS_MODULES:
                continue
            receivers.update(n for n in (imp.default, imp.namespace) if n)
            for name, local in imp.named.items():
                if name == "promises":
                    receivers.add(local)
                else:
                    functions[local] = name
        if not receivers and not functions:
            continue
        source = ctx.read(rel) or b""
        alternatives = []
        if receivers:
            alternatives.append(alternation(receivers) + rb"\s*\.\s*(?P<member>[A-Za-z_$][\w$]*)")
        if functions:
            alternatives.append(rb"(?P<local>" + alternation(functions) + rb")")
        calls = re.compile(rb"(?<![\w$.])(?:" + b"|".join(alternatives) + rb")\s*\(")
        for match in calls.finditer(source):
            found = match.groupdict()
            name = (found.get("member") or b"").decode("ascii", "replace") or \
                functions.get((found.get("local") or b"").decode("utf-8", "replace"), "")
            if name not in _FD_FUNCTIONS and not _STATIC_PATH_RE.match(source, match.end()):
                count += 1
        if count > FS_WARNINGS_KEPT:
            return NOISY_RULES
    return NOISY_RULES[:1]


def noisy_comment(noisy: tuple[str, ...]) -> str:
    """Return the comment above the entries that switch ``noisy`` off."""
    if len(noisy) > 1:
        return "Noise on most code: these flag nearly every obj[key] and fs call."
    return "Noise on most code: this flags nearly every obj[key]."


def noisiest(noisy: tuple[str, ...]) -> str:
    """Return how fix titles name ``noisy``: ``two noisiest rules`` or ``noisiest rule``."""
    return "two noisiest rules" if len(noisy) > 1 else "noisiest rule"


#: The file roles of code that runs in the browser: the preset's rules are for Node code
#: (AMD's `require([...])` is a non-literal require to them).
BROWSER_ROLES = ("browser", "frontend")
#: The other roles of code the scan leaves out that ESLint lints like the app's.
OTHER_ROLES = ("test", "example", "fixture", "script", "generated", "dev", "service")
#: More browser or server folders than this to name: the scope would not be readable.
MAX_SCOPE_PATTERNS = 8
#: What ``security/detect-bidi-characters`` reports (its own regexp): Unicode direction
#: controls anywhere in a token, string and template text included.
_BIDI_RE = lazy_pattern("[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]")
#: Of those, the marks (ALM, LRM, RLM): they set the direction of the neutral text next to
#: them but open no run, so they cannot reorder code the way the embeddings, overrides and
#: isolates of a trojan-source attack do. E-mail templates use them as invisible padding.
BIDI_MARKS = frozenset("\u061C\u200E\u200F")
#: The comment above the entry that switches detect-bidi-characters off for such files.
BIDI_COMMENT = "Direction marks in these files' text, no code-reordering controls."
#: The comment above the preset when it is scoped to the server code.
SCOPE_COMMENT = "Server code only: these rules are for Node, not for the browser code."
#: Said at the end of every finding: the rule is about the project's tooling, not its code.
ADVICE = " (tooling advice, not a flaw in the app: the plugin points reviewers at risky code)"


def new_flat_config(style: Style, noisy: tuple[str, ...], *, typescript: bool = False) -> str:
    """Return a minimal flat config with the recommended JS and security rules; for a
    TypeScript project also typescript-eslint's, and a ``files`` pattern that covers .ts."""
    q = style.q
    semi = style.semi
    imports = [("js", "@eslint/js"), ("pluginSecurity", PLUGIN), ("globals", "globals")]
    if typescript:
        imports.append(("tseslint", "typescript-eslint"))
    if style.module == "esm":
        head = "".join(f"import {name} from {q(module)}{semi}\n" for name, module in imports)
        export = "export default ["
    else:
        head = "".join(f"const {name} = require({q(module)}){semi}\n" for name, module in imports)
        export = "module.exports = ["
    ignores = ", ".join(q(p) for p in ("node_modules/", "coverage/", "dist/"))
    ts_configs = "  ...tseslint.configs.recommended,\n" if typescript else ""
    files = f"    files: [{q(TS_FILES)}],\n" if typescript else ""
    return (f"{head}\n{export}\n"
            f"  {{ ignores: [{ignores}] }},\n"
            f"  js.configs.recommended,\n"
            f"{ts_configs}"
            + "  " + _indented(flat_elements(FLAT_ELEMENT, style, noisy)[1], "  ") + ",\n"
            f"  {{\n"
            f"{files}"
            f"    languageOptions: {{\n"
            f"      globals: {{ ...globals.node }},\n"
            f"    }},\n"
            f"  }},\n"
            f"]{semi}\n")


class LintScope(NamedTuple):
    """Where the added preset applies: ``files`` (the server code's folders) or ``ignores``
    (the browser code's), with ``patterns``; and the files whose direction marks
    detect-bidi-characters is switched off for."""

    key: str = ""  # "files", "ignores", or "" for everything the config lints
    patterns: tuple[str, ...] = ()
    bidi_off: tuple[str, ...] = ()


def flat_elements(preset: str, style: Style, noisy: tuple[str, ...],
                  scope: LintScope = LintScope()) -> tuple[str, str]:
    """Return the flat config entries the fix adds, inline and one per line (unindented):
    the preset (scoped as ``scope`` says), then an object that switches ``noisy`` off,
    then one that switches detect-bidi-characters off for ``scope.bidi_off``."""
    q = style.q
    pad = " " if style.bracket_spacing else ""
    comma = "" if style.trailing_comma == "none" else ","
    unit = style.indent

    def listed(key: str, patterns: tuple[str, ...]) -> tuple[str, str]:
        """Return ``key: [...]`` inline, and as lines (one pattern a line) when the line
        would pass the project's width (80 when nothing says) inside the config's array."""
        one = f"{key}: [" + ", ".join(q(p) for p in patterns) + "]"
        if len(unit) * 2 + len(one) + 1 <= (style.width or 80):
            return one, one
        inner = ",\n".join(f"{unit}{unit}{q(p)}" for p in patterns)
        return one, f"{key}: [\n{inner}{comma}\n{unit}]"

    def entry(comment: str, members: list[tuple[str, str]],
              rules: list[str]) -> tuple[str, str]:
        """Return one object entry, inline and as lines: ``members`` (``key: value`` or
        ``...spread`` texts, inline and as lines) first, then ``rules``."""
        parts = [inline for inline, _ in members]
        if rules:
            parts.append(f"rules: {{{pad}{', '.join(rules)}{pad}}}")
        inline = f"{{{pad}{', '.join(parts)}{pad}}}"
        lines = [f"{unit}{m}" for _, m in members]
        if rules:
            inner = ",\n".join(f"{unit}{unit}{r}" for r in rules)
            lines.append(f"{unit}rules: {{\n{inner}{comma}\n{unit}}}")
        body = ",\n".join(lines) + comma
        return inline, (f"// {comment}\n" if comment else "") + f"{{\n{body}\n}}"

    off = [f"{q(rule)}: {q('off')}" for rule in noisy]
    first = entry(SCOPE_COMMENT, [(f"...{preset}", f"...{preset}"),
                                  listed(scope.key, scope.patterns)],
                  []) if scope.key else (preset, preset)
    pieces = [first, entry(noisy_comment(noisy), [], off)]
    if scope.bidi_off:
        pieces.append(entry(BIDI_COMMENT, [listed("files", scope.bidi_off)],
                            [f"{q('security/detect-bidi-characters')}: {q('off')}"]))
    return ", ".join(p[0] for p in pieces), ",\n".join(p[1] for p in pieces)


def _indented(block: str, indent: str) -> str:
    """Return ``block`` with every line after the first indented by ``indent``."""
    return block.replace("\n", "\n" + indent)


def _top_level_value(root: Node, name: str) -> Node | None:
    for stmt in root.named_children:
        decl = stmt
        if decl.type == "export_statement":
            decl = next((c for c in decl.named_children
                         if c.type in ("lexical_declaration", "variable_declaration")), decl)
        if decl.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in decl.named_children:
            if declarator.type == "variable_declarator" and \
                    text(declarator.child_by_field_name("name")) == name:
                return declarator.child_by_field_name("value")
    return None


def exported_value(root: Node) -> Node | None:
    """Return the expression a config file exports (``export default`` / ``module.exports``),
    following one top-level variable (the name itself when no variable holds it: a binding
    of an import)."""
    value: Node | None = None
    for stmt in root.named_children:
        if stmt.type == "export_statement" and any(c.type == "default" for c in stmt.children):
            value = stmt.child_by_field_name("value") or next(iter(code_children(stmt)), None)
        elif stmt.type == "expression_statement":
            expr = stmt.named_children[0] if stmt.named_children else None
            if expr is not None and expr.type == "assignment_expression" and \
                    text(expr.child_by_field_name("left")) == "module.exports":
                value = expr.child_by_field_name("right")
    value = unwrap(value)
    if value is not None and value.type == "identifier":
        value = unwrap(_top_level_value(root, text(value))) or value
    return value


def _flat_container(value: Node | None) -> Node | None:
    """Return the array (or call arguments) whose elements are the flat config's entries."""
    if value is None:
        return None
    if value.type == "array":
        return value
    if value.type == "call_expression":
        args = value.child_by_field_name("arguments")
        if args is None:
            return None
        real = code_children(args)
        if len(real) == 1 and real[0].type == "array":
            return real[0]
        return args
    return None


def _line_indent(source: bytes, offset: int) -> str:
    start = source.rfind(b"\n", 0, offset) + 1
    stop = start
    while stop < len(source) and source[stop] in (32, 9):
        stop += 1
    return source[start:stop].decode()


#: An ``extends`` entry that must stay last: eslint-config-prettier switches off the rules
#: that conflict with prettier, so it only works after every config that turns them on.
_PRETTIER_RE = lazy_pattern(r"(?i)prettier")


def is_prettier_entry(value: str) -> bool:
    """Return True for an ``extends`` entry of eslint-config-prettier or
    eslint-plugin-prettier (``prettier``, ``prettier/react``, ``plugin:prettier/recommended``,
    ``eslint-config-prettier``)."""
    return value in ("prettier", "eslint-config-prettier") or \
        value.startswith(("prettier/", "plugin:prettier/", "eslint-config-prettier/"))


def _prettier_element(node: Node) -> bool:
    """Return True for an array element that is a prettier config (a string entry, or a flat
    config value such as ``eslintConfigPrettier`` or ``prettierRecommended``)."""
    value = string_value(node)
    if value is not None:
        return is_prettier_entry(value)
    return _PRETTIER_RE.search(text(node)) is not None


def _same_line_comment(source: bytes, after: Node | None, line_of: Node) -> Node | None:
    """Return the comment right after ``after`` when it sits on ``line_of``'s last line."""
    if after is None or after.type != "comment":
        return None
    return after if after.start_point[0] == line_of.end_point[0] else None


def append_element(source: bytes, container: Node, element: str, style: Style,
                   block: str | None = None) -> TextEdit:
    """Return an edit adding ``element`` as the last entry of an array or argument list,
    keeping its layout (one entry per line or inline) and trailing-comma habit. ``block`` is
    the element as lines (without indentation), written instead in a one-entry-per-line list.
    An object literal gets a new member the same way.

    A prettier config stays last: the element goes right before the first one. A comment on
    the last entry's line stays with that entry."""
    items = code_children(container)
    if not items:
        closing = container.end_byte - 1
        if source.count(b"\n", container.start_byte, closing) == 0:
            at = container.start_byte + 1
            return _within_width(source, container, TextEdit(at, at, element), element, style,
                                 block)
        # An empty list or object spanning lines (`rules: {\n}`): one entry per line, one
        # level deeper than the line that opens it, after whatever it holds (a comment).
        at = container.start_byte + 1 + \
            len(source[container.start_byte + 1:closing].rstrip(b" \t\r\n"))
        indent = _line_indent(source, container.start_byte) + style.indent
        if block is not None:
            element = _indented(block, indent)
        habit = _trailing_comma_habit(source, container)
        comma = "," if (style.trailing_comma != "none" if habit is None else habit) else ""
        return TextEdit(at, at, f"\n{indent}{element}{comma}")
    closing = container.end_byte - 1
    prettier = next((i for i in items if _prettier_element(i)), None) \
        if container.type != "object" else None
    if prettier is not None:
        before = source[source.rfind(b"\n", 0, prettier.start_byte) + 1:prettier.start_byte]
        if not before.strip() and source.count(b"\n", container.start_byte, closing) > 0:
            # The entry starts its line: the new one takes a line of its own above it.
            indent = before.decode()
            if block is not None:
                element = _indented(block, indent)
            return TextEdit(prettier.start_byte, prettier.start_byte,
                            f"{element},\n{indent}")
        return _within_width(source, container, TextEdit(
            prettier.start_byte, prettier.start_byte, f"{element}, "), element, style, block)
    last = items[-1]
    after = last.next_sibling
    trailing = after is not None and after.type == ","
    multiline = source.count(b"\n", last.end_byte, closing) > 0
    if multiline:
        indent = _line_indent(source, last.start_byte)
        if source[source.rfind(b"\n", 0, last.start_byte) + 1:last.start_byte].strip():
            indent = _line_indent(source, container.start_byte) + style.indent
        if block is not None:
            element = _indented(block, indent)
        if trailing:
            assert after is not None
            comment = _same_line_comment(source, after.next_sibling, last)
            end = comment.end_byte if comment is not None else after.end_byte
            return TextEdit(end, end, f"\n{indent}{element},")
        comment = _same_line_comment(source, after, last)
        if comment is not None:
            # `'a' // note` becomes `'a', // note` and the new entry goes on the next line.
            kept = source[last.end_byte:comment.end_byte].decode("utf-8", "replace")
            return TextEdit(last.end_byte, comment.end_byte, f",{kept}\n{indent}{element}")
        return TextEdit(last.end_byte, last.end_byte, f",\n{indent}{element}")
    if trailing:
        assert after is not None
        edit = TextEdit(after.end_byte, after.end_byte, f" {element},")
    else:
        edit = TextEdit(last.end_byte, last.end_byte, f", {element}")
    return _within_width(source, container, edit, element, style, block)


def _within_width(source: bytes, container: Node, edit: TextEdit, element: str, style: Style,
                  block: str | None) -> TextEdit:
    """Return ``edit``, which adds ``element`` to the one-line ``container``, unless its line
    would then pass the project's width (``style.width``, as prettier's printWidth or ESLint's
    max-len says): then an edit that writes the container one entry per line, as prettier
    breaks a list or object that does not fit (``block`` for the new entry, every entry one
    level deeper than the line that opens the container, and the trailing comma prettier
    adds: for arguments only with ``all``). Where the container holds a comment the edit stays
    as it is: where prettier would put the comment is not known here."""
    if style.width is None:
        return edit
    start = source.rfind(b"\n", 0, edit.start) + 1
    end = source.find(b"\n", edit.end)
    line = source[start:edit.start].decode("utf-8", "replace") + edit.content + \
        source[edit.end:len(source) if end == -1 else end].decode("utf-8", "replace")
    if columns(line.rstrip("\r"), style) <= style.width or \
            any(c.type == "comment" for c in container.named_children):
        return edit
    indent = _line_indent(source, container.start_byte)
    inner = indent + style.indent
    items = code_children(container)
    entries = [text(item) for item in items]
    at = next((i for i, item in enumerate(items) if item.start_byte >= edit.end), len(items))
    entries.insert(at, _indented(block, inner) if block is not None else element)
    comma = style.trailing_comma == "all" if container.type == "arguments" \
        else style.trailing_comma != "none"
    body = ",\n".join(inner + entry for entry in entries)
    return TextEdit(container.start_byte + 1, container.end_byte - 1,
                    f"\n{body}{',' if comma else ''}\n{indent}")


def _trailing_comma_habit(source: bytes, node: Node) -> bool | None:
    """Return whether the file's multi-line lists and objects end with a trailing comma
    (most of them), None when it has none."""
    root = node
    while root.parent is not None:
        root = root.parent
    votes = [0, 0]
    stack = [root]
    while stack:
        current = stack.pop()
        stack.extend(current.named_children)
        if current.type not in ("array", "object"):
            continue
        items = code_children(current)
        if items and source.count(b"\n", items[-1].end_byte, current.end_byte) > 0:
            after = items[-1].next_sibling
            votes[after is not None and after.type == ","] += 1
    if votes == [0, 0]:
        return None
    return votes[1] > votes[0]


class EslintSecurity(Rule):
    """An ESLint config without eslint-plugin-security."""

    id = "eslint-security"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        for finding in self._findings(ctx):
            # The finding is advice to adopt a tool: where the plugin cannot run on the Node
            # the project lints with, the advice cannot be taken, and saying "not fixed: needs
            # Node 18.18" for it is noise, not a flaw of the app.
            if not lint_node_too_old(ctx, finding.fix):
                yield finding

    def _findings(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Return the finding for the project's ESLint config (at most one)."""
        rels = {f.rel for f in ctx.files_of("eslint") if "/" not in f.rel}
        flat = [n for n in FLAT_NAMES if n in rels]
        legacy = [n for n in LEGACY_NAMES if n in rels]
        pj_config = self._package_eslint_config(ctx)
        # Only for a folder that lints (a config of its own, or package.json runs or lists
        # eslint): one that leaves linting to the repository's root is not this rule's concern.
        above = flat_config_above(ctx) if not flat and (
            legacy or pj_config is not None or self._uses_eslint(ctx)) and not any(
            ctx.read(rel) is not None
            for rel in eslint_config_options(ctx.package_json.get("scripts"))) else None
        if above is not None:
            # ESLint 9+ run here finds the repository's flat config (the package's .eslintrc
            # and eslintConfig, if any, are never read): that config is the one to judge.
            try:
                source = (Path(ctx.info.root) / above).read_bytes()
            except OSError:
                source = b""
            if PLUGIN.encode() in source:
                return
            yield ctx.line_finding(
                self.id, above, 1, "the ESLint config does not enable eslint-plugin-security "
                f"(the repository's config above the folder scanned, which ESLint "
                f"{_eslint_floor(ctx)} uses from here: add the plugin there; fix writes "
                "nothing outside that folder)" + ADVICE, None)
            return
        used: LintConfig | None = None
        if not flat and not legacy and pj_config is None:
            # Nothing at the root: the config the lint script names or lints its files with.
            used = lint_script_config(ctx)
            if used is not None:
                (flat if used.flat else legacy).append(used.rel)
            elif self._uses_eslint(ctx):
                cascade = legacy_configs_above(ctx)
                if cascade:
                    # ESLint's legacy cascade reads the repository's .eslintrc* above the
                    # folder: that config is the project's, and fix writes nothing there.
                    if not any(enabled for _, enabled in cascade):
                        major = _eslint_floor(ctx)
                        yield ctx.line_finding(
                            self.id, cascade[0][0], 1, "the ESLint config does not enable "
                            "eslint-plugin-security (the repository's config above the folder "
                            "scanned, which ESLint" + (f" {major}" if major else "")
                            + " merges into this folder's lint: add the plugin there; fix "
                            "writes nothing outside that folder)" + ADVICE, None)
                    return
        warnings_fail = lint_fails_on_warnings(ctx)
        if warnings_fail:
            warnings_fail += ": the plugin's rules are warnings"
        why_unsafe = "; ".join(r for r in (warnings_fail, lint_misses_server(ctx)) if r)
        unsafe = bool(why_unsafe)
        # A lint that shows no warnings would show none of the plugin's: a fix changes nothing.
        quiet = lint_hides_warnings(ctx)
        lint_node = existing_lint_node(ctx)
        shown = runtime_shown(ctx)
        dev = ((PLUGIN, version_of(PLUGIN)),)
        if flat:
            rel = flat[0]
            source = ctx.read(rel) or b""
            if PLUGIN.encode() in source:
                return
            parsed = parse_flat_config(ctx, rel, source)
            builders = config_builders(parsed.tree.root_node, parsed.facts) \
                if parsed is not None else ConfigBuilders()
            if parsed is not None and plugin_shown_enabled(
                    ctx, flat_config_packages(parsed.facts, builders)):
                return
            broken = cjs_config_in_esm_package(ctx, rel, source)
            # A config built by an imported function is what that function returns: the fix
            # cannot know how it takes more entries (extra arguments may well be ignored).
            flat_fix, unscoped = self._flat_fix(ctx, rel, source, parsed,
                                                unsafe or bool(broken), dev) \
                if builders.export is None else (None, False)
            fix = _finish(flat_fix, "; ".join(r for r in (broken, why_unsafe) if r), lint_node,
                          shown)
            message = "the ESLint config does not enable eslint-plugin-security"
            if unscoped:
                message += (", and not fixed: the config lints browser code that sits among "
                            "the server code in too many places to keep the preset off it "
                            "with a few `files` or `ignores` patterns")
            if builders.export is not None:
                call, module = builders.export
                message += (f", and not fixed: the config is what `{call}` from {module} "
                            "returns, and how that function takes more entries is not known"
                            if call else f", and not fixed: the config is the one {module} "
                            "exports, which nodeharden does not read")
            if broken:
                message += f", and {broken}"
            if used is not None and used.package:
                fix = None
                message += f", and {package_config_note(used)}"
            if fix is not None and quiet:
                fix = None
                message += quiet_note(quiet)
            # What a package's function or config lints is not known: no claim about it.
            if ctx.info.typescript and not builders.modules and \
                    not covers_ts(ctx, rel, source) and any(
                    f.rel.endswith(_TS_SUFFIXES) for f in ctx.files_of("js")):
                message += (" and lints none of the project's .ts files (no typescript-eslint, "
                            "no `files` pattern for them)")
            yield ctx.line_finding(self.id, rel, 1, message + ADVICE, fix)
            return
        if legacy or pj_config is not None:
            merged = used.chain if used is not None else legacy
            if any(self._legacy_enabled(ctx, rel) for rel in merged) or (
                    pj_config is not None and _LEGACY_ENABLED_RE.search(json.dumps(pj_config))):
                return
            extended = [shareable_config_package(entry)
                        for rel in (*merged, *(["package.json"] if pj_config is not None else []))
                        for entry in legacy_extends(ctx, rel)]
            if plugin_shown_enabled(ctx, [p for p in extended if p is not None]):
                return
            if legacy:
                rel = legacy[0]
                ignored = legacy_config_ignored(ctx)
                if used is not None and used.package:
                    ignored = ignored or package_config_note(used)
                if ignored:
                    # Editing a file ESLint never reads changes nothing: say so, fix nothing.
                    yield ctx.line_finding(
                        self.id, rel, 1, "the ESLint config does not enable "
                        f"eslint-plugin-security, and {ignored}" + ADVICE, None)
                    return
                broken = cjs_config_in_esm_package(ctx, rel, ctx.read(rel) or b"")
                fix = _finish(self._legacy_fix(ctx, rel, unsafe or bool(broken), dev),
                              "; ".join(r for r in (broken, why_unsafe) if r), lint_node, shown)
                message = "the ESLint config does not enable eslint-plugin-security"
                if broken:
                    message += f", and {broken}"
                if fix is not None and quiet:
                    fix = None
                    message += quiet_note(quiet)
                yield ctx.line_finding(self.id, rel, 1, message + ADVICE, fix)
                return
            yield from self._package_json_finding(ctx, unsafe, dev, why_unsafe, lint_node, shown,
                                                  quiet)
            return
        if self._uses_eslint(ctx):  # a project that does not lint is not this rule's concern
            yield from self._no_config(ctx, shown)

    # -- detection helpers ------------------------------------------------------------------

    @staticmethod
    def _package_eslint_config(ctx: ProjectContext) -> dict[str, Any] | None:
        config = ctx.package_json.get("eslintConfig")
        return config if isinstance(config, dict) else None

    @staticmethod
    def _js_configs_range(ctx: ProjectContext) -> str:
        """Return the @eslint/js range that matches the major version of the eslint the
        project already lists (its recommended config names rules of that major only)."""
        if declared_major(ctx.package_json, "eslint") == 9:
            return "^9.39.5"
        return version_of("@eslint/js")

    @staticmethod
    def _uses_eslint(ctx: ProjectContext) -> bool:
        """Return True when package.json depends on eslint or a script runs it."""
        data = ctx.package_json
        for key in ("dependencies", "devDependencies", "peerDependencies",
                    "optionalDependencies"):
            block = data.get(key)
            if isinstance(block, dict) and "eslint" in block:
                return True
        scripts = data.get("scripts")
        return isinstance(scripts, dict) and any(
            isinstance(body, str) and _ESLINT_WORD_RE.search(body) for body in scripts.values())

    @staticmethod
    def _legacy_enabled(ctx: ProjectContext, rel: str) -> bool:
        source = (ctx.read(rel) or b"").decode("utf-8", "replace")
        data = _load_legacy(rel, source)
        if isinstance(data, dict):
            return bool(_LEGACY_ENABLED_RE.search(json.dumps(
                {k: data.get(k) for k in ("extends", "plugins")}, default=str)))
        return bool(_LEGACY_ENABLED_RE.search(source))

    # -- fixes ------------------------------------------------------------------------------

    def _flat_fix(self, ctx: ProjectContext, rel: str, source: bytes,
                  parsed: FlatConfig | None, unsafe: bool,
                  dev: tuple[tuple[str, str], ...]) -> tuple[Fix | None, bool]:
        """Return the fix that adds the preset to the flat config ``rel``, and whether it was
        left out because the preset cannot be kept off the browser code (``lint_scope``)."""
        if parsed is None:
            return None, False
        style = ctx.info.style_rules.apply(
            detect_style(source, module=parsed.module, typescript=parsed.lang != "javascript"))
        root = parsed.tree.root_node
        container = _flat_container(exported_value(root))
        if container is None:
            return None, False
        if any(c.type == "comment" for c in container.named_children):
            unsafe = True  # the new entry could land on the wrong side of a commented-out one
        facts = parsed.facts
        imports = add_imports(source, facts, style,
                              [ImportRequest(PLUGIN, default="pluginSecurity")],
                              order=import_order(root, source, facts))
        local = imports.bindings[0].local or "pluginSecurity"
        items = code_children(container)
        if items and items[-1].next_sibling is not None and \
                items[-1].next_sibling.type in ("]", ")") and style.trailing_comma != "none" \
                and source.count(b"\n", items[-1].end_byte, container.end_byte):
            # A list written one entry a line keeps its own habit; a one-line list that has to
            # be broken (``append_element``) gets prettier's commas.
            style = replace(style, trailing_comma="none")
        scope = lint_scope(ctx, container, source, rel)
        if scope is None:
            return None, True
        noisy = noisy_rules(ctx)
        inline, block = flat_elements(FLAT_ELEMENT.replace("pluginSecurity", local, 1), style,
                                      noisy, scope)
        edits = [*imports.edits, append_element(source, container, inline, style, block)]
        title = "Add pluginSecurity.configs.recommended to the flat config, without its " \
            + noisiest(noisy)
        if scope.key:
            title += " and off the browser code"
        if scope.bidi_off:
            title += (", with detect-bidi-characters off for the files whose text holds "
                      "direction marks")
        return Fix(title=title,
                   applicability="unsafe" if unsafe else "safe",
                   changes=(FileChange(rel, tuple(edits)),), dev_dependencies=dev), False

    def _legacy_fix(self, ctx: ProjectContext, rel: str, unsafe: bool,
                    dev: tuple[tuple[str, str], ...]) -> Fix | None:
        source = ctx.read(rel) or b""
        body = source.decode("utf-8", "replace")
        new: str | None = None
        noisy = noisy_rules(ctx)
        if rel.endswith((".js", ".cjs")):
            return self._legacy_js_fix(ctx, rel, source, unsafe, dev, noisy)
        if rel.endswith(".json") or (posixpath.basename(rel) == ".eslintrc"
                                     and body.lstrip().startswith("{")):
            try:
                width, tab_width = _json_width(ctx)
                new = _json_rules_off(_before_prettier(add_to_string_list(
                    body, (), "extends", LEGACY_EXTENDS, width=width, tab_width=tab_width)), (),
                    noisy)
            except ValueError:
                return None  # JSON with comments: report only
        else:
            new = _yaml_add_extends(body)
            new = _yaml_rules_off(new, noisy) if new is not None else None
        if new is None or new == body:
            return None
        return Fix(title=f"Add {LEGACY_EXTENDS} to extends, without its {noisiest(noisy)}",
                   applicability="unsafe" if unsafe else "safe",
                   changes=(FileChange(rel, (minimal_edit(source, new),)),),
                   dev_dependencies=dev)

    def _legacy_js_fix(self, ctx: ProjectContext, rel: str, source: bytes, unsafe: bool,
                       dev: tuple[tuple[str, str], ...], noisy: tuple[str, ...]) -> Fix | None:
        tree = parse("javascript", source)
        if tree.root_node.has_error:
            return None
        config = exported_value(tree.root_node)
        if config is None or config.type != "object":
            return None
        style = ctx.info.style_rules.apply(detect_style(source, module="commonjs"))
        item = style.q(LEGACY_EXTENDS)
        props = object_properties(config)
        current = props.get("extends")
        if current is None:
            pairs = code_children(config)
            if pairs:
                indent = _line_indent(source, pairs[0].start_byte)
                multiline = source.count(b"\n", config.start_byte, pairs[0].start_byte) > 0
                at = pairs[0].start_byte
                content = f"extends: [{item}],\n{indent}" if multiline else f"extends: [{item}], "
            else:
                # An empty config object: both members go in together, extends first, inline
                # or one per line as the object is written.
                inline, block = _rules_member(style, noisy)
                return self._legacy_js_result(rel, append_element(
                    source, config, f"extends: [{item}], {inline}", style,
                    f"extends: [{item}],\n{block}"), unsafe, dev, noisy)
            edit = TextEdit(at, at, content)
        elif current.type == "string":
            edit = TextEdit(current.start_byte, current.end_byte, f"[{text(current)}, {item}]")
        elif current.type == "array":
            edit = append_element(source, current, item, style)
        else:
            return None
        if string_value(current) == LEGACY_EXTENDS:  # pragma: no cover - caught by detection
            return None
        rules_edit = _js_rules_off(source, config, props.get("rules"), style, noisy)
        if rules_edit is None:
            return None
        if rules_edit.start == rules_edit.end and rules_edit.content == "":
            return self._legacy_js_result(rel, edit, unsafe, dev, noisy)
        return self._legacy_js_result(rel, edit, unsafe, dev, noisy, rules_edit)

    @staticmethod
    def _legacy_js_result(rel: str, edit: TextEdit, unsafe: bool,
                          dev: tuple[tuple[str, str], ...], noisy: tuple[str, ...],
                          *more: TextEdit) -> Fix:
        return Fix(title=f"Add {LEGACY_EXTENDS} to extends, without its {noisiest(noisy)}",
                   applicability="unsafe" if unsafe else "safe",
                   changes=(FileChange(rel, (edit, *more)),), dev_dependencies=dev)

    def _package_json_finding(self, ctx: ProjectContext, unsafe: bool,
                              dev: tuple[tuple[str, str], ...], reason: str,
                              lint_node: tuple[int, int] | None,
                              shown: RuntimeShown | None, quiet: str) -> Iterable[Finding]:
        body = ctx.package_json_text or ""
        raw = ctx.read("package.json") or b""
        fix = None
        noisy = noisy_rules(ctx)
        try:
            new = _json_rules_off(_before_prettier(add_to_string_list(
                body, ("eslintConfig",), "extends", LEGACY_EXTENDS)), ("eslintConfig",), noisy)
        except ValueError:
            new = None
        ignored = legacy_config_ignored(ctx)
        if new is not None and new != body and not ignored:
            fix = Fix(title=f"Add {LEGACY_EXTENDS} to eslintConfig.extends, without its "
                      + noisiest(noisy),
                      applicability="unsafe" if unsafe else "safe",
                      changes=(FileChange("package.json", (minimal_edit(raw, new),)),),
                      dev_dependencies=dev)
            fix = _finish(fix, reason, lint_node, shown)
        note = f", and {ignored}" if ignored else ""
        if fix is not None and quiet:
            fix = None
            note = quiet_note(quiet)
        line = body[:max(body.find('"eslintConfig"'), 0)].count("\n") + 1
        yield ctx.line_finding(self.id, "package.json", line, "the ESLint config in package.json "
                               "does not enable eslint-plugin-security" + note + ADVICE, fix)

    def _no_config(self, ctx: ProjectContext,
                   shown: RuntimeShown | None) -> Iterable[Finding]:
        if ctx.package_json_text is None:
            return
        typescript = ctx.info.typescript
        name = "eslint.config.mjs" if typescript else "eslint.config.js"
        module = "esm" if typescript or ctx.info.module_system == "esm" else "commonjs"
        base = next(iter(ctx.styles.values()), None) or Style()  # detects one file's style
        style = Style(quote=base.quote, semicolons=base.semicolons, indent="  ",
                      module=module)  # type: ignore[arg-type]
        packages = ("eslint", "@eslint/js", PLUGIN, "globals") + \
            (("typescript-eslint",) if typescript else ())
        fix = Fix(title=f"Create {name} with the recommended and security rules"
                  + (" for its .js and .ts files" if typescript else ""),
                  applicability="unsafe",
                  changes=(FileChange(name, (TextEdit(0, 0, new_flat_config(
                      style, noisy_rules(ctx), typescript=typescript)),), create=True),),
                  dev_dependencies=tuple((p, self._js_configs_range(ctx) if p == "@eslint/js"
                                          else version_of(p)) for p in packages))
        yield ctx.line_finding(self.id, "package.json", 1,
                               "the project has no ESLint config, so no security lint runs" + ADVICE,
                               _finish(fix, "", None, shown))


#: Import-order rules that sort declarations by module name.
_MODULE_ORDER_RE = lazy_pattern(rb"simple-import-sort|perfectionist|alphabetize")
_OPTION_RES = {name: lazy_pattern(rf"\b{name}['\"]?\s*:\s*true\b")
               for name in ("ignoreCase", "allowSeparatedGroups", "ignoreDeclarationSort")}
_SYNTAX_ORDER_RE = lazy_pattern(r"memberSyntaxSortOrder['\"]?\s*:\s*\[([^\]]*)\]")


def import_order(root: Node, source: bytes, facts: FileFacts) -> ImportOrder:
    """Return what the flat config says of the order of its own import declarations: each
    ``sort-imports`` entry it writes (its options; ESLint's defaults when it writes none, or
    only through ``js.configs.all``), and whether it turns on ``sort-imports`` or a rule that
    sorts by module name. The new import keeps the order the file's declarations follow."""
    configs: list[SortImports] = []
    on = False
    for node in walk(root):
        if node.type != "pair":
            continue
        key = node.child_by_field_name("key")
        if (string_value(key) or text(key)) != "sort-imports":
            continue
        value = node.child_by_field_name("value")
        body = text(value)
        if re.match(r"\[?\s*(['\"]off['\"]|0\b)", body):
            continue
        on = True
        syntax = _SYNTAX_ORDER_RE.search(body)
        configs.append(SortImports(
            ignore_case=bool(_OPTION_RES["ignoreCase"].search(body)),
            member_syntax_sort_order=tuple(re.findall(r"\w+", syntax.group(1))) if syntax
            else SortImports().member_syntax_sort_order,
            allow_separated_groups=bool(_OPTION_RES["allowSeparatedGroups"].search(body)),
            ignore_declaration_sort=bool(_OPTION_RES["ignoreDeclarationSort"].search(body))))
    js = has_import(facts, "@eslint/js")
    if js and re.search(rf"(?<![\w$.]){re.escape(js)}\.configs\.all\b",
                        source.decode("utf-8", "replace")):
        on = True
        configs.append(SortImports())
    return ImportOrder(sort_imports=tuple(dict.fromkeys(configs)) or (SortImports(),),
                       by_local_name=on, by_module=bool(_MODULE_ORDER_RE.search(source)))


# -- configs from packages nodeharden does not read -----------------------------------------

#: Functions whose arguments are a flat config's entries, as (module, exported name): ESLint's
#: ``defineConfig`` and ``globalIgnores``, typescript-eslint's ``config``, and
#: eslint-define-config's ``defineFlatConfig``. Any other imported function that builds the
#: config returns what its package decides, from arguments only that package knows.
CONFIG_HELPERS = frozenset({
    ("eslint/config", "defineConfig"), ("eslint/config", "globalIgnores"),
    ("@eslint/config-helpers", "defineConfig"), ("@eslint/config-helpers", "globalIgnores"),
    ("typescript-eslint", "config"), ("eslint-define-config", "defineFlatConfig")})
#: A shareable config package, as ESLint names them (``eslint-config-x``, ``@x/eslint-config``,
#: ``@x/eslint-config-y``).
_SHAREABLE_RE = lazy_pattern(r"(?:@[^/]+/)?eslint-config(?:-[^/]+)?")
#: A comment that switches one of eslint-plugin-security's rules (all named ``detect-…``) off
#: or on for some code: written because ESLint runs the plugin there.
_SECURITY_DIRECTIVE_RE = lazy_pattern(
    rb"(?://|/\*)[ \t*]*eslint(?:-disable(?:-next-line|-line)?|-enable)?[ \t][^\n]*?"
    rb"(?<![\w@/.-])security/detect-")
#: Lockfiles that list what each installed package depends on.
_DEPENDENCY_LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
                         "pnpm-lock.yaml", "bun.lock")
_DEPENDENCY_BLOCKS = ("dependencies", "peerDependencies", "optionalDependencies")


class FlatConfig(NamedTuple):
    """A flat config file, parsed once for its detection and its fix."""

    lang: str
    tree: Tree
    module: ModuleKind
    facts: FileFacts


def parse_flat_config(ctx: ProjectContext, rel: str, source: bytes) -> FlatConfig | None:
    """Return the flat config ``rel`` parsed, or None when it is not JavaScript or TypeScript
    or does not parse."""
    from nodeharden._express import extract_facts

    lang = JS_SUFFIXES.get(posixpath.splitext(rel)[1])
    if lang is None:
        return None
    tree = parse(lang, source)
    if tree.root_node.has_error:
        return None
    module = module_kind_for(rel, ctx.info.module_system, source)  # type: ignore[arg-type]
    return FlatConfig(lang, tree, module,
                      extract_facts(lang, source, tree.root_node, rel, module))


class ConfigBuilders(NamedTuple):
    """What builds a flat config from modules nodeharden does not read."""

    #: When the exported config itself comes from such a module: the call that builds it
    #: (``acmeConfig()``; "" for a config the module exports whole: ``export default shared``,
    #: ``module.exports = require('@acme/eslint-config')``) and the module.
    export: tuple[str, str] | None = None
    #: The modules whose functions build the config or one of its entries, or that export it.
    modules: tuple[str, ...] = ()


def shareable_config_package(entry: str) -> str | None:
    """Return the package a legacy ``extends`` entry loads, named as ESLint resolves it
    (``wikimedia/server`` → ``eslint-config-wikimedia``, ``@acme`` → ``@acme/eslint-config``,
    ``@acme/node`` → ``@acme/eslint-config-node``); None for ESLint's own configs
    (``eslint:recommended``), a plugin's (``plugin:n/recommended``, which turns on that
    plugin's rules) and files."""
    if not entry or entry.startswith(("eslint:", "plugin:", ".", "/")):
        return None
    if entry.startswith("@"):
        scope, _, rest = entry.partition("/")
        name = rest.split("/", 1)[0]
        if not name or name == "eslint-config" or name.startswith("eslint-config-"):
            return f"{scope}/{name or 'eslint-config'}"
        return f"{scope}/eslint-config-{name}"
    name = entry.split("/", 1)[0]
    return name if name.startswith("eslint-config-") else f"eslint-config-{name}"


def legacy_extends(ctx: ProjectContext, rel: str) -> list[str]:
    """Return the ``extends`` entries of the legacy config ``rel`` (``package.json``: its
    ``eslintConfig``), its ``overrides``' included."""
    source = ctx.read(rel) or b""
    if rel == "package.json" or rel.endswith("/package.json"):
        try:
            data = json.loads(source).get("eslintConfig")
        except (ValueError, AttributeError):
            data = None
    elif rel.endswith((".js", ".cjs")):
        tree = parse("javascript", source)
        data = _js_literal(exported_value(tree.root_node))
    else:
        data = _load_legacy(rel, source.decode("utf-8", "replace"))
    if not isinstance(data, dict):
        return []
    overrides = data.get("overrides")
    found: list[str] = []
    for block in (data, *(overrides if isinstance(overrides, list) else ())):
        value = block.get("extends") if isinstance(block, dict) else None
        found += [v for v in ([value] if isinstance(value, str) else
                              value if isinstance(value, list) else []) if isinstance(v, str)]
    return found


def _js_literal(node: Node | None) -> Any:
    """Return the strings, lists and objects of a JavaScript literal as Python values (None
    for anything else): enough of a legacy JS config to read its ``extends``."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "array":
        return [_js_literal(item) for item in code_children(node)]
    if node.type == "object":
        return {name: _js_literal(value) for name, value in object_properties(node).items()}
    return string_value(node)


def config_builders(root: Node, facts: FileFacts) -> ConfigBuilders:
    """Return what builds the flat config ``root`` exports from modules nodeharden does not
    read: the export itself (a call of an imported function other than ``CONFIG_HELPERS``, a
    binding imported whole, a ``require``), or entries of its list that such a call (or
    ``require``) returns."""
    value = exported_value(root)
    if value is None:
        return ConfigBuilders()
    if value.type == "identifier":
        bound = _imported(facts, text(value))
        if bound is None:
            return ConfigBuilders()
        return ConfigBuilders(("", bound[0]), (bound[0],))
    if value.type == "call_expression":
        module = _built_by(facts, value)
        if module is not None:
            call = "" if required_module(value) is not None else \
                text(value.child_by_field_name("function")) + "()"
            return ConfigBuilders((call, module), (module,))
    container = _flat_container(value)
    modules: list[str] = []
    for item in code_children(container) if container is not None else ():
        item = unwrap(item)
        if item.type == "spread_element" and item.named_children:
            item = unwrap(item.named_children[0])
        module = _built_by(facts, item) if item.type == "call_expression" else None
        if module is not None:
            modules.append(module)
    return ConfigBuilders(None, tuple(dict.fromkeys(modules)))


def _built_by(facts: FileFacts, call: Node) -> str | None:
    """Return the module whose function ``call`` calls (``acmeConfig()``, ``acme.node()``,
    ``require('@acme/eslint-config')``), unless it is one of ``CONFIG_HELPERS``; None for a
    function of the file's own."""
    spec = required_module(call)
    if spec is not None:
        return spec
    fn = unwrap(call.child_by_field_name("function"))
    member = ""
    if fn is not None and fn.type == "member_expression":
        member = text(fn.child_by_field_name("property"))
        fn = unwrap(fn.child_by_field_name("object"))
    bound = _imported(facts, text(fn)) if fn is not None and fn.type == "identifier" else None
    if bound is None:
        return None
    module, name = bound
    if member:
        name = member if name == "default" else f"{name}.{member}"
    return None if (module, name) in CONFIG_HELPERS else module


def _imported(facts: FileFacts, local: str) -> tuple[str, str] | None:
    """Return (module, exported name) of the top-level import that binds ``local``
    (``default`` for a default or namespace import)."""
    for imp in facts.imports:
        if not imp.top_level:
            continue
        if local in (imp.default, imp.namespace):
            return imp.module, "default"
        for name, bound in imp.named.items():
            if bound == local:
                return imp.module, name
    return None


def flat_config_packages(facts: FileFacts, builders: ConfigBuilders) -> list[str]:
    """Return the packages a flat config takes configs from without nodeharden reading them:
    those whose functions build it (``config_builders``), and the shareable configs it
    imports (``eslint-config-x``, ``@x/eslint-config``)."""
    modules = [*builders.modules, *(imp.module for imp in facts.imports)]
    packages = [import_package(m) for m in modules if not m.startswith((".", "/"))]
    return [p for p in dict.fromkeys(packages)
            if p in {import_package(m) for m in builders.modules} or _SHAREABLE_RE.fullmatch(p)]


def plugin_shown_enabled(ctx: ProjectContext, packages: Iterable[str]) -> bool:
    """Return True when the project shows that configs it takes from ``packages`` (shareable
    configs nodeharden does not read) enable eslint-plugin-security: one of them depends on
    the plugin (``package_requires``), or the project's code switches the plugin's rules off
    in ``eslint-disable`` comments, written because ESLint runs them there. The plugin
    installed for another package, and comments next to a config that takes nothing from a
    package, show nothing. eslint-config-prettier only switches rules off: it never counts."""
    wanted = [p for p in dict.fromkeys(packages) if not _PRETTIER_RE.search(p)]
    if not wanted:
        return False
    if package_requires(ctx, wanted, PLUGIN):
        return True
    return any(_SECURITY_DIRECTIVE_RE.search(ctx.read(f.rel) or b"")
               for f in ctx.files_of("js"))


def package_requires(ctx: ProjectContext, packages: list[str], dependency: str) -> bool:
    """Return True when one of ``packages``, as installed or locked, depends on
    ``dependency`` (a peer or optional dependency too): its package.json in node_modules, or
    its entry in a lockfile (package-lock.json v1 to v3, npm-shrinkwrap.json, yarn.lock,
    pnpm-lock.yaml, bun.lock), in the project's folder or one above it in the repository (a
    workspace installs there)."""
    for depth in range(len(folders_up_to_top(Path(ctx.info.root)))):
        up = "../" * depth
        for package in packages:
            try:
                manifest = json.loads(ctx.read(f"{up}node_modules/{package}/package.json")
                                      or b"")
            except ValueError:
                continue
            if _lists(manifest, dependency):
                return True
        for name in _DEPENDENCY_LOCKFILES:
            raw = ctx.read(up + name)
            if raw is not None and _locked_requires(name, raw, packages, dependency):
                return True
    return False


def _lists(manifest: Any, dependency: str) -> bool:
    """Return True when a package.json (or a lockfile entry shaped like one) lists
    ``dependency`` in one of ``_DEPENDENCY_BLOCKS``."""
    return isinstance(manifest, dict) and any(
        isinstance(manifest.get(block), dict) and dependency in manifest[block]
        for block in _DEPENDENCY_BLOCKS)


def _locked_requires(name: str, raw: bytes, packages: list[str], dependency: str) -> bool:
    """Return True when the lockfile ``name`` lists ``dependency`` for one of ``packages``."""
    if name.endswith(".json"):
        try:
            lock = json.loads(raw)
        except ValueError:
            return False
        return isinstance(lock, dict) and _npm_locked_requires(lock, packages, dependency)
    body = raw.decode("utf-8", "replace")
    names = "|".join(re.escape(p) for p in packages)
    if name == "bun.lock":
        # One line an entry: "pkg": ["pkg@1.0.0", "", { "dependencies": {...} }, "sha512-…"]
        return re.search(rf'(?m)^\s*"(?:{names})":\s*\[[^\n]*"{re.escape(dependency)}"',
                         body) is not None
    # yarn.lock and pnpm-lock.yaml: an entry's header names the package at the start of a line
    # (`pkg@^1.0.0:`, `"pkg@npm:^1.0.0":`, `  /pkg@1.0.0:`, `  /pkg/1.0.0:` in pnpm 5,
    # `  '@x/pkg@1.0.0(eslint@9.0.0)':`); the lines indented below it hold its dependencies, one
    # a line.
    header = re.compile(rf"""(?m)^( {{0,2}})["']?/?(?:{names})[@/][^\n]*:[ \t]*\r?$""")
    listed = re.compile(rf"""[ \t]+["']?{re.escape(dependency)}["']?(?::|[ \t])""")
    for match in header.finditer(body):
        depth = len(match.group(1))
        at = match.end() + 1
        while at < len(body):
            end = body.find("\n", at)
            end = len(body) if end == -1 else end
            line = body[at:end]
            if line.strip():
                if len(line) - len(line.lstrip(" \t")) <= depth:
                    break
                if listed.match(line):
                    return True
            at = end + 1
    return False


def _npm_locked_requires(lock: dict[str, Any], packages: list[str], dependency: str) -> bool:
    """Return True when a package-lock.json lists ``dependency`` for one of ``packages``: in
    a ``packages`` entry (v2, v3; a workspace's own package through its link) or in the
    ``requires`` of a ``dependencies`` entry, nested ones included (v1)."""
    entries = lock.get("packages")
    if isinstance(entries, dict):
        for key, entry in entries.items():
            if "node_modules/" not in key or key.rpartition("node_modules/")[2] not in packages:
                continue
            if isinstance(entry, dict) and entry.get("link") and \
                    isinstance(entry.get("resolved"), str):
                entry = entries.get(entry["resolved"])
            if _lists(entry, dependency):
                return True
    stack = [lock.get("dependencies")]
    while stack:
        block = stack.pop()
        for name, entry in (block.items() if isinstance(block, dict) else ()):
            if not isinstance(entry, dict):
                continue
            requires = entry.get("requires")
            if name in packages and isinstance(requires, dict) and dependency in requires:
                return True
            stack.append(entry.get("dependencies"))
    return False


def cjs_config_in_esm_package(ctx: ProjectContext, rel: str, source: bytes) -> str:
    """Return why ESLint cannot load the config file ``rel`` ("" when nothing says so): a
    ``.js`` config that sets ``module.exports`` in a package whose package.json has
    ``"type": "module"``. Node loads that file as an ES module, where ``module`` is not
    defined, so ESLint stops with an error before any rule runs, and an edit of the file
    changes nothing until it is renamed to ``.cjs``. A ``.cjs`` config, and one written as an
    ES module (``export default``), are not judged here."""
    if not rel.endswith(".js") or ctx.package_json.get("type") != "module":
        return ""
    tree = parse("javascript", source)
    for stmt in tree.root_node.named_children:
        expr = stmt.named_children[0] if stmt.type == "expression_statement" and \
            stmt.named_children else None
        if expr is None or expr.type != "assignment_expression":
            continue
        left = text(expr.child_by_field_name("left"))
        if left == "module.exports" or left.startswith(("module.exports.", "exports.")):
            cjs = rel.removesuffix(".js") + ".cjs"
            name = "module.exports" if left.startswith("module.") else "exports"
            return (f"ESLint cannot load {rel} until it is renamed to {cjs}: it sets "
                    f"`{name}` in a `\"type\": \"module\"` package, where a .js file is an "
                    "ES module")
    return ""


#: What switches ESLint 9 back to the .eslintrc.* configs (removed in ESLint 10): the
#: environment variable (in a script, CI, Makefile, hook, Dockerfile or a Node runner) or the
#: Node API's ``loadESLint({ useFlatConfig: false })``.
_LEGACY_SWITCH_RE = lazy_pattern(r"\bESLINT_USE_FLAT_CONFIG\b|\buseFlatConfig\b")
#: Files beside the project's code where a lint command or its environment is written (the
#: scan lists none of them).
_LINT_PLACES = ("Makefile", "makefile", "GNUmakefile", "justfile", "Taskfile.yml",
                ".circleci/config.yml", ".husky/*", ".lintstagedrc*", "lint-staged.config.*",
                "*.sh", "scripts/*.sh", "bin/*.sh")


def _declared_eslint(ctx: ProjectContext) -> tuple[str, str] | None:
    """Return (range, package.json path) of the eslint the project declares: in its own
    package.json, else in the nearest one above it in the repository that declares it (a
    workspace package lints with the eslint of its workspace root); None when none does."""
    blocks: list[tuple[str, Any]] = [("package.json", ctx.package_json)]
    for depth, parent in enumerate(folders_up_to_top(Path(ctx.info.root))[1:], start=1):
        try:
            data = json.loads((parent / "package.json").read_text("utf-8-sig"))
        except (OSError, ValueError):
            continue
        blocks.append(("../" * depth + "package.json", data))
    for where, data in blocks:
        for field in ("devDependencies", "dependencies", "peerDependencies",
                      "optionalDependencies"):
            deps = data.get(field) if isinstance(data, dict) else None
            spec = deps.get("eslint") if isinstance(deps, dict) else None
            if isinstance(spec, str):
                return spec, where
    return None


def _eslint_floor(ctx: ProjectContext) -> int | None:
    """Return the lowest ESLint major the project's declared range (``_declared_eslint``)
    allows when that is a plain range (``^9.1``, ``~9``, ``9.x``, ``>=9``, ``9.2.0``); None for
    anything else (``<9``, ``^8 || ^9``, ``latest``): then it may well install a version that
    reads .eslintrc."""
    declared = _declared_eslint(ctx)
    if declared is None:
        return None
    match = re.fullmatch(r"\s*(?:\^|~|>=\s*|=\s*|v)?(\d+)(?:\.[\dxX*]+){0,2}"
                         r"(?:-[\w.]+)?\s*", declared[0])
    return int(match.group(1)) if match else None


def flat_config_above(ctx: ProjectContext) -> str | None:
    """Return the path (``../../eslint.config.js``) of the flat config ESLint uses from a
    folder that has none of its own: the nearest eslint.config.* above it, up to the
    repository's top, when the project's ESLint reads only flat configs (9 or later, without
    ESLINT_USE_FLAT_CONFIG=false); None otherwise."""
    major = _eslint_floor(ctx)
    if major is None or major < 9:
        return None
    for depth, parent in enumerate(folders_up_to_top(Path(ctx.info.root))[1:], start=1):
        for name in FLAT_NAMES:
            if (parent / name).is_file():
                if major == 9 and _legacy_switch_seen(ctx):
                    return None
                return "../" * depth + name
    return None


def legacy_configs_above(ctx: ProjectContext) -> list[tuple[str, bool]]:
    """Return the legacy configs ESLint's cascade merges into the lint of a folder that has
    none of its own: per folder above it up to the repository's top, the one it reads there
    (``.eslintrc.js`` … ``.eslintrc``, then package.json ``eslintConfig``), nearest first and
    up to one with ``root: true``, as (path from the folder, whether it enables the plugin).
    Empty when the project's ESLint reads only flat configs (9 without
    ESLINT_USE_FLAT_CONFIG=false, 10 or later) or none is found."""
    major = _eslint_floor(ctx)
    if major is not None and (major >= 10 or major == 9 and not _legacy_switch_seen(ctx)):
        return []
    found: list[tuple[str, bool]] = []
    for depth, parent in enumerate(folders_up_to_top(Path(ctx.info.root))[1:], start=1):
        config: tuple[str, bool, bool] | None = None  # (name, enabled, root: true)
        for name in LEGACY_NAMES:
            try:
                source = (parent / name).read_text("utf-8", "replace")
            except OSError:
                continue
            data = _load_legacy(name, source)
            if isinstance(data, dict):
                config = (name, bool(_LEGACY_ENABLED_RE.search(json.dumps(
                    {k: data.get(k) for k in ("extends", "plugins")}, default=str))),
                    data.get("root") is True)
            else:
                config = (name, bool(_LEGACY_ENABLED_RE.search(source)), re.search(
                    r"(?m)^\s*['\"]?root['\"]?\s*:\s*true\b", source) is not None)
            break
        if config is None:
            try:
                data = json.loads((parent / "package.json").read_text("utf-8-sig"))
            except (OSError, ValueError):
                data = None
            block = data.get("eslintConfig") if isinstance(data, dict) else None
            if isinstance(block, dict):
                config = ("package.json", bool(_LEGACY_ENABLED_RE.search(json.dumps(block))),
                          block.get("root") is True)
        if config is None:
            continue
        found.append(("../" * depth + config[0], config[1]))
        if config[2]:
            break
    return found


def legacy_config_ignored(ctx: ProjectContext) -> str:
    """Return why the project's ESLint never loads its .eslintrc.* config: its declared range
    allows only ESLint 9 or later, which reads only eslint.config.* (ESLint 9 unless
    ESLINT_USE_FLAT_CONFIG=false is set anywhere the project could set it, ESLint 10 at all);
    else an empty string."""
    major = _eslint_floor(ctx)
    if major is None or major < 9:
        return ""
    if major == 9 and _legacy_switch_seen(ctx):
        return ""
    unless = " unless ESLINT_USE_FLAT_CONFIG=false is set" if major == 9 else ""
    where = (_declared_eslint(ctx) or ("", "package.json"))[1]
    return (f"ESLint {major} ({where}) never loads it: it reads only eslint.config.*"
            f"{unless}; not fixed: migrate the config to eslint.config.js first (npx "
            "@eslint/migrate-config)")


def _legacy_switch_seen(ctx: ProjectContext) -> bool:
    """Return True when the project names ESLint 9's switch back to legacy configs anywhere a
    lint could be run from: package.json (its own, and those above it in the repository), CI
    files, Makefiles, git hooks, shell scripts, Dockerfiles, or its JavaScript (a lint
    runner)."""
    texts = [ctx.package_json_text or ""]
    root = Path(ctx.info.root)
    for parent in folders_up_to_top(root)[1:]:  # the repository's package.json files above
        above = parent / "package.json"
        try:
            texts.append(above.read_text("utf-8", "replace") if above.is_file() else "")
        except OSError:
            continue
    for f in ctx.files_of("workflow", "gitlab-ci", "dockerfile", "js"):
        texts.append((ctx.read(f.rel) or b"").decode("utf-8", "replace"))
    texts += [body for _, body in lint_place_texts(ctx)]
    return any(_LEGACY_SWITCH_RE.search(t) for t in texts)


def lint_place_texts(ctx: ProjectContext) -> list[tuple[str, str]]:
    """Return (path from the project's root, text) of the files the scan does not list where a
    lint is run from: Makefiles, git hooks, shell scripts, lint-staged configs, CircleCI.
    Project phase only (it reads files outside the scanned ones); read once per run (the
    legacy-switch test and the ``--quiet`` test both ask)."""
    cached: list[tuple[str, str]] | None = ctx.extra.get("eslint-security.lint places")
    if cached is not None:
        return cached
    root = Path(ctx.info.root)
    found: list[tuple[str, str]] = []
    for pattern in _LINT_PLACES:
        for path in sorted(root.glob(pattern))[:50]:
            try:
                if path.is_file() and path.stat().st_size < 1_000_000:
                    found.append((path.relative_to(root).as_posix(),
                                  path.read_text("utf-8", "replace")))
            except OSError:
                continue
    ctx.extra["eslint-security.lint places"] = found
    return found


def lint_fails_on_warnings(ctx: ProjectContext) -> str:
    """Return why the project's lint fails on a new ESLint warning ("" when it does not):
    a package.json script (or lint-staged command) or a CI step runs it with
    ``--max-warnings 0``, or the project lints through a runner that turns ESLint's warnings
    into errors (putout). The plugin's recommended rules are all warnings: adding them then
    breaks the lint wherever one fires."""
    scripts = ctx.package_json.get("scripts")
    if isinstance(scripts, dict):
        for name, body in scripts.items():
            if isinstance(body, str) and _MAX_WARNINGS_0_RE.search(body):
                return f"package.json script `{name}` lints with `--max-warnings 0`"
    if _MAX_WARNINGS_0_RE.search(ctx.package_json_text or ""):
        return "package.json lints with `--max-warnings 0`"
    for ci in ctx.files_of("workflow", "gitlab-ci"):
        raw = ctx.read(ci.rel) or b""
        if _MAX_WARNINGS_0_RE.search(raw.decode("utf-8", "replace")):
            return f"{ci.rel} lints with `--max-warnings 0`"
    for key in ("dependencies", "devDependencies"):
        block = ctx.package_json.get(key)
        for runner in WARNINGS_FAIL_RUNNERS:
            if isinstance(block, dict) and runner in block:
                return (f"the project lints through {runner} ({key}), which reports ESLint "
                        "warnings as errors")
    return ""


#: ESLint options that run no lint (print something and stop).
_ESLINT_NO_LINT = frozenset({"--init", "--print-config", "--inspect-config", "--env-info",
                             "-h", "--help", "-v", "--version"})
#: Package-manager words before ``eslint`` that run a script of that name, not ESLint.
_SCRIPT_RUNNERS = frozenset({"run", "run-script", "yarn", "pnpm", "bun"})
#: A YAML line that names a CI step or job rather than running a command.
_CI_NAME_LINE_RE = lazy_pattern(r"\A-?\s*name\s*:")


def _eslint_runs(command: str, scripts: Any) -> list[list[str]]:
    """Return the arguments of each ESLint run in shell ``command`` (up to the next ``&&``,
    pipe or redirection); a quoted command (``concurrently "eslint ." "tsc"``, ``bash -c``,
    a lint-staged config's line) is looked into. A word ``eslint`` that names one of the
    ``scripts`` (``npm run eslint``, ``yarn eslint``) runs that script, counted on its own."""
    import shlex

    def split(command: str) -> list[str]:
        try:
            return shlex.split(command, comments=True)
        except ValueError:
            return command.split()

    words: list[str] = []
    for word in split(command):
        if " " in word.strip() and _ESLINT_WORD_RE.search(word):
            words += [*split(word), "&&"]  # the quoted command ends where its quotes do
        else:
            words.append(word)
    runs: list[list[str]] = []
    for at, word in enumerate(words):
        if word.rsplit("/", 1)[-1] != "eslint":
            continue
        if at and words[at - 1] in _SCRIPT_RUNNERS and isinstance(scripts, dict) and \
                word in scripts:
            continue
        args: list[str] = []
        for arg in words[at + 1:]:
            if arg in _SHELL_BREAKS or arg.startswith((">", "2>")):
                break
            args.append(arg)
        if not _ESLINT_NO_LINT.intersection(args):
            runs.append(args)
    return runs


def lint_hides_warnings(ctx: ProjectContext) -> str:
    """Return where the project runs ESLint with ``--quiet`` when every run of it it writes
    down does ("" when one does not, or when it writes down none): package.json scripts and
    ``lint-staged`` commands, CI steps (GitHub Actions, GitLab CI) and the other places a lint
    is run from (Makefiles, git hooks, lint-staged configs, shell scripts). ``--quiet`` reports
    errors only (ESLint 9 does not even run the rules set to ``warn``), and the plugin's
    recommended rules are all warnings: added, they show nothing in that lint."""
    scripts = ctx.package_json.get("scripts")
    commands: list[tuple[str, str]] = []
    if isinstance(scripts, dict):
        commands += [(f"package.json script `{name}`", body) for name, body in scripts.items()
                     if isinstance(body, str)]
    staged = ctx.package_json.get("lint-staged")
    for body in (staged.values() if isinstance(staged, dict) else ()):
        listed = [body] if isinstance(body, str) else body if isinstance(body, list) else []
        commands += [("package.json `lint-staged`", c) for c in listed if isinstance(c, str)]
    texts = [(ci.rel, (ctx.read(ci.rel) or b"").decode("utf-8", "replace"))
             for ci in ctx.files_of("workflow", "gitlab-ci")]
    for rel, body in [*texts, *lint_place_texts(ctx)]:
        commands += [(rel, line) for line in body.splitlines()
                     if _ESLINT_WORD_RE.search(line)
                     and not _CI_NAME_LINE_RE.match(line.strip())]
    quiet: list[str] = []
    for where, command in commands:
        for args in _eslint_runs(command, scripts):
            if "--quiet" not in args:
                return ""  # this run shows the plugin's warnings
            quiet.append(where)
    if not quiet:
        return ""
    places = list(dict.fromkeys(quiet))
    return (f"{places[0]} runs" if len(places) == 1 else
            f"every lint run ({', '.join(places[:3])}{', ...' if len(places) > 3 else ''}) "
            "runs") + " ESLint with `--quiet`"


def quiet_note(quiet: str) -> str:
    """Return what the finding adds when the project's lint hides warnings (``quiet`` says
    where), and what to do instead of the fix it does not get."""
    return (f", and not fixed: {quiet}, which reports errors only, and the plugin's rules are "
            "all warnings (raise them to \"error\" in the config, or lint without `--quiet`)")


def existing_lint_node(ctx: ProjectContext) -> tuple[int, int] | None:
    """Return the oldest Node version the eslint the project already uses runs on: from the
    installed package's ``engines`` when node_modules holds it, else from the major version
    package.json declares; None when neither says."""
    raw = ctx.read("node_modules/eslint/package.json")
    for parent in folders_up_to_top(Path(ctx.info.root))[1:] if raw is None else ():
        try:  # hoisted to the workspace root's node_modules
            raw = (parent / "node_modules" / "eslint" / "package.json").read_bytes()
            break
        except OSError:
            continue
    if raw is not None:
        try:
            engines = json.loads(raw).get("engines")
        except (ValueError, AttributeError):
            engines = None
        spec = engines.get("node") if isinstance(engines, dict) else None
        found = lowest_in_range(spec) if isinstance(spec, str) else None
        if found is not None:
            return found
    major = declared_major(ctx.package_json, "eslint")
    if major is None and _declared_eslint(ctx) is not None:
        major = _eslint_floor(ctx)  # declared above, by the workspace root
    return ESLINT_NODE.get(major) if major is not None else None


#: ESLint options that take a value (the next word is not a file pattern).
_ESLINT_VALUE_OPTIONS = frozenset({
    "-c", "--config", "--ext", "-f", "--format", "-o", "--output-file", "--max-warnings",
    "--cache-location", "--cache-strategy", "--resolve-plugins-relative-to", "--rulesdir",
    "--parser", "--parser-options", "--plugin", "--rule", "--env", "--global", "--ignore-path",
    "--ignore-pattern", "--report-unused-disable-directives-severity", "--flag",
    "--concurrency", "--inspect-config", "--print-config"})
_SHELL_BREAKS = frozenset({"&&", "||", ";", "|", ">", ">>", "2>", "&", "2>&1", "1>"})
#: A file argument the shell builds (command substitution, a variable, a process
#: substitution, find's placeholder): which files ESLint gets is not known from the script.
_SHELL_ARG_RE = lazy_pattern(r"[$`()<]|\A\{\}\Z")


def eslint_patterns(scripts: Any) -> list[str] | None:
    """Return the file patterns package.json scripts give ESLint, or None when a script runs
    it without any (it then lints the whole project), when the shell builds them (a command
    substitution such as ``$(git ls-files '*.ts' | grep -v vendor)``, a variable, files piped
    to ``xargs eslint``): what it lints is then unknown, or when no script runs it."""
    import shlex

    patterns: list[str] = []
    runs = False
    for body in (scripts.values() if isinstance(scripts, dict) else ()):
        if not isinstance(body, str) or not _ESLINT_WORD_RE.search(body):
            continue
        try:
            words = shlex.split(body, comments=False)
        except ValueError:
            return None
        for at, word in enumerate(words):
            if word.rsplit("/", 1)[-1] != "eslint":
                continue
            runs = True
            if at and words[at - 1] == "xargs":
                return None  # the files come from the command piped into xargs
            found: list[str] = []
            skip = False
            for arg in words[at + 1:]:
                if arg in _SHELL_BREAKS or arg.startswith((">", "2>")):
                    break
                if skip:
                    skip = False
                elif arg.startswith("-"):
                    skip = arg in _ESLINT_VALUE_OPTIONS
                elif _SHELL_ARG_RE.search(arg):
                    return None  # `$(git ls-files ...)`, `$FILES`, `find -exec eslint {}`
                else:
                    found.append(arg)
            if not found:
                return None  # ESLint 9+ lints the current folder
            patterns += found
    return patterns if runs else None


def eslint_config_options(scripts: Any) -> list[str]:
    """Return the config files package.json scripts give ESLint with ``--config``/``-c``
    (``--config=PATH`` too), as paths from the project root; values the shell builds are left
    out."""
    import shlex

    found: list[str] = []
    for body in (scripts.values() if isinstance(scripts, dict) else ()):
        if not isinstance(body, str) or not _ESLINT_WORD_RE.search(body):
            continue
        try:
            words = shlex.split(body, comments=False)
        except ValueError:
            continue
        for at, word in enumerate(words):
            if word.rsplit("/", 1)[-1] != "eslint":
                continue
            args = words[at + 1:]
            for i, arg in enumerate(args):
                if arg in _SHELL_BREAKS or arg.startswith((">", "2>")):
                    break
                value = args[i + 1] if arg in ("-c", "--config") and i + 1 < len(args) else \
                    arg.split("=", 1)[1] if arg.startswith("--config=") else None
                if value and not _SHELL_ARG_RE.search(value):
                    found.append(posixpath.normpath(value))
    return [p for p in dict.fromkeys(found) if not p.startswith(("/", "../")) and p != ".."]


class LintConfig(NamedTuple):
    """A config below the project root that the project's lint script uses."""

    #: The config the finding is about: ``--config``'s file, or the .eslintrc* nearest to the
    #: linted code.
    rel: str
    #: Every config ESLint merges there, nearest first (up to one with ``root: true``).
    chain: tuple[str, ...]
    flat: bool
    #: The nested package (a folder with its own package.json) the config sits in, or "".
    package: str


def package_config_note(used: LintConfig) -> str:
    """Return why a config of a nested package is reported without a fix."""
    return (f"it belongs to the package in {used.package}/ (its own package.json); not fixed: "
            "add the plugin to that package's config and devDependencies, where its own "
            "lint resolves it")


def _root_true(ctx: ProjectContext, rel: str) -> bool:
    source = (ctx.read(rel) or b"").decode("utf-8", "replace")
    data = _load_legacy(rel, source)
    if isinstance(data, dict):
        return data.get("root") is True
    return re.search(r"(?m)^\s*['\"]?root['\"]?\s*:\s*true\b", source) is not None


def _pattern_base(pattern: str) -> str:
    """Return the folder a lint pattern starts in: the part before its first glob character
    (``./src/backend`` → ``src/backend``, ``src/**/*.ts`` → ``src``; ``.`` → ``""``)."""
    pattern = posixpath.normpath(pattern.removeprefix("./")).rstrip("/")
    head = re.split(r"[*?{\[]", pattern, maxsplit=1)[0]
    if head != pattern:
        head = head.rpartition("/")[0]
    return "" if head in (".", "") else head


def lint_script_config(ctx: ProjectContext) -> LintConfig | None:
    """Return the config below the root that package.json's lint scripts use, or None:
    a file they name with ``--config``/``-c``; else, as ESLint's legacy cascade finds one,
    the ``.eslintrc*`` nearest to the Express code they lint (in its folder or one above it,
    up to a config with ``root: true``), or, when they lint no Express code, one in (or
    above) a folder they lint. A flat config is looked up from the folder ESLint runs in,
    the root, so one in a subfolder counts only when ``--config`` names it."""
    scripts = ctx.package_json.get("scripts")
    package_dirs = ctx.package_dirs
    from nodeharden._roles import package_of

    for rel in eslint_config_options(scripts):
        if ctx.read(rel) is not None:
            flat = posixpath.basename(rel).startswith("eslint.config.")
            return LintConfig(rel, (rel,), flat, package_of(rel, package_dirs))
    patterns = eslint_patterns(scripts)
    if not patterns:
        return None
    by_folder: dict[str, str] = {}  # folder -> the one .eslintrc* ESLint reads there
    for f in sorted(ctx.files_of("eslint"),
                    key=lambda f: LEGACY_NAMES.index(posixpath.basename(f.rel))
                    if posixpath.basename(f.rel) in LEGACY_NAMES else 0):
        folder, _, name = f.rel.rpartition("/")
        if folder and name in LEGACY_NAMES:
            by_folder.setdefault(folder, f.rel)
    if not by_folder:
        return None

    def chain(folder: str) -> tuple[str, ...]:
        out: list[str] = []
        while folder:
            rel = by_folder.get(folder)
            if rel is not None:
                out.append(rel)
                if _root_true(ctx, rel):
                    break
            folder = folder.rpartition("/")[0]
        return tuple(out)

    regexes = [_pattern_regex(p) for p in patterns]
    apps = sorted(f.path for f in ctx.app_files() if any(r.match(f.path) for r in regexes))
    chains = [c for c in (chain(posixpath.dirname(app)) for app in apps) if c]
    if not chains:
        bases = [_pattern_base(p) for p in patterns]
        linted = sorted((folder for folder in by_folder if any(
            not base or folder == base or folder.startswith(base + "/")
            or base.startswith(folder + "/") for base in bases)),
            key=lambda folder: (folder.count("/"), folder))
        chains = [chain(folder) for folder in linted]
    if not chains:
        return None
    rel = chains[0][0]
    return LintConfig(rel, chains[0], False, package_of(rel, package_dirs))


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Return a regular expression for a glob ESLint takes (``**``, ``*``, ``?``, ``{a,b}``);
    a plain folder or file matches itself and everything under it."""
    pattern = pattern.removeprefix("./").rstrip("/")
    if pattern in ("", "."):
        return re.compile(r".*")
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        char = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 1
        elif char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "{" and "}" in pattern[i:]:
            close = pattern.index("}", i)
            out.append("(?:" + "|".join(re.escape(p) for p in pattern[i + 1:close].split(","))
                       + ")")
            i = close
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + r"(?:/.*)?\Z")


def lint_misses_server(ctx: ProjectContext) -> str:
    """Return why the plugin would never see the Express code ("" when it would or when that
    is unknown): every script that runs ESLint names the files it lints, and none of them
    covers a file that creates an Express app (``eslint "src/**/*.{js,vue}"`` in a project
    whose server is ``server.js``)."""
    apps = sorted(f.path for f in ctx.app_files())
    patterns = eslint_patterns(ctx.package_json.get("scripts"))
    if not apps or patterns is None:
        return ""
    regexes = [_pattern_regex(p) for p in patterns]
    if any(r.match(app) for r in regexes for app in apps):
        return ""
    shown = ", ".join(patterns[:3])
    return (f"the lint scripts lint only {shown}, none of the Express code ({apps[0]}): the "
            "plugin would add warnings on the other files and check no server code")


def global_ignores(container: Node) -> list[str]:
    """Return the patterns a flat config ignores everywhere: those of entries that hold only
    ``ignores`` (and a ``name``) and of ``globalIgnores([...])`` calls. A negated pattern
    (``!keep/``) un-ignores what an earlier one ignored: then none is returned, so that no file
    is taken for ignored when ESLint lints it."""
    found: list[str] = []
    for item in code_children(container):
        item = unwrap(item)
        values: Node | None = None
        if item.type == "object":
            props = object_properties(item)
            if set(props) - {"name"} == {"ignores"}:
                values = unwrap(props["ignores"])
        elif item.type == "call_expression" and \
                text(item.child_by_field_name("function")) == "globalIgnores":
            call_args = item.child_by_field_name("arguments")
            args = code_children(call_args) if call_args is not None else []
            values = unwrap(args[0]) if args else None
        if values is None or values.type != "array":
            continue
        for value in code_children(values):
            pattern = string_value(value)
            if pattern is None or pattern.startswith("!"):
                return []
            found.append(pattern)
    return found


def _ignored_by(patterns: list[str]) -> Any:
    """Return a test of whether ESLint ignores a project file under ``patterns`` (globs
    relative to the config's folder, the root)."""
    regexes = [_pattern_regex(p.lstrip("/")) for p in patterns if p.strip("/")]
    return lambda rel: any(r.match(rel) for r in regexes)


def _highest_folders(keep: list[str], avoid: list[str]) -> tuple[str, ...]:
    """Return patterns that cover every file of ``keep`` and none of ``avoid``: for each
    file, the highest folder above it that holds no file of ``avoid`` (``lib/**``), else the
    file itself."""
    taken = {"/".join(rel.split("/")[:depth]) for rel in avoid
             for depth in range(1, rel.count("/") + 1)}
    out: list[str] = []
    for rel in keep:
        parts = rel.split("/")
        pattern = rel
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in taken:
                pattern = folder + "/**"
                break
        if pattern not in out:
            out.append(pattern)
    return tuple(out)


def browser_side(ctx: ProjectContext, browser: list[str], server: list[str]) -> set[str]:
    """Return the scanned files that sit among browser code: under a folder (below the root)
    where the browser files outnumber the scanned ones, none of which creates an Express app
    or imports a server or Node-only module (the front end's plain TypeScript: analysis
    helpers, styles, types); where the browser files include single-file components, the
    ones that import no such module. The highest such folders count."""
    from nodeharden._roles import server_import

    apps = {f.path for f in ctx.app_files()}
    folders = sorted({"/".join(rel.split("/")[:depth]) for rel in browser
                      for depth in range(1, rel.count("/") + 1)},
                     key=lambda folder: (folder.count("/"), folder))
    found: set[str] = set()
    done: list[str] = []
    for folder in folders:
        if any(folder.startswith(d + "/") for d in done):
            continue
        inside = [rel for rel in server if rel.startswith(folder + "/")]
        if not inside or sum(rel.startswith(folder + "/") for rel in browser) <= len(inside):
            continue
        if any(rel in apps for rel in inside):
            continue
        nodes = {rel for rel in inside if server_import(ctx.read(rel) or b"")}
        if nodes and not any(rel.startswith(folder + "/") and rel.endswith(COMPONENT_SUFFIXES)
                             for rel in browser):
            continue
        # Among single-file components, the Node scripts (`require('fs')` in a converter of
        # assets) stay server code and the rest is the front end's.
        done.append(folder)
        found.update(rel for rel in inside if rel not in nodes)
    return found


#: Stands for the files of a build-output folder in the scope's lists (``lint_scope``).
BUILD_OUTPUT_MARK = "index.js"
#: Single-file components of the browser frameworks: browser code in files the scan does not
#: read.
COMPONENT_SUFFIXES = (".vue", ".svelte")
#: The most components a walk lists: enough to outnumber any front end's plain modules.
_MAX_COMPONENTS = 2000


def component_files(ctx: ProjectContext, server: list[str]) -> list[str]:
    """Return the single-file components (``COMPONENT_SUFFIXES``) under the top folders of the
    server files ``server`` (``src/App.vue``, ``src/views/Debug.vue``; ``files_with_suffix``,
    outside dependency and build folders), read only where a fix scopes the preset; at most
    ``_MAX_COMPONENTS``."""
    import itertools

    root = Path(ctx.info.root)
    found: list[str] = []
    for top in sorted({rel.split("/", 1)[0] for rel in server if "/" in rel}):
        paths = files_with_suffix(str(root / top), COMPONENT_SUFFIXES, 1 << 20)
        found += [Path(path).relative_to(root).as_posix()
                  for path, _ in itertools.islice(paths, _MAX_COMPONENTS - len(found))]
        if len(found) >= _MAX_COMPONENTS:
            break
    return found


def lint_scope(ctx: ProjectContext, container: Node, source: bytes,
               rel: str = "eslint.config.js") -> LintScope | None:
    """Return where the added preset should apply in the flat config ``container``: the whole
    config lints when no browser code is linted; else the server code's folders
    (``files``) or the browser code's (``ignores``), whichever takes fewer patterns; None
    when either would take more than ``MAX_SCOPE_PATTERNS`` (the preset cannot be scoped in a
    readable way). Also the linted files whose only direction controls are marks
    (``BIDI_MARKS``), for which detect-bidi-characters is switched off."""
    ignored = _ignored_by(global_ignores(container))
    ts = covers_ts(ctx, rel, source)
    suffixes = (".js", ".mjs", ".cjs", ".jsx", *(_TS_SUFFIXES if ts else ()))
    skipped = [(path, why.partition(":")[0]) for path, why in ctx.skipped
               if path.endswith(suffixes) and not ignored(path)]
    browser = sorted(path for path, role in skipped if role in BROWSER_ROLES)
    # A folder a tsconfig compiles into (listed whole under skipped): a bundle of the front
    # end, or the server's compiled copy, which ESLint would lint beside its source.
    browser += [f"{path}/{BUILD_OUTPUT_MARK}" for path, why in ctx.skipped
                if why.startswith("build output (")
                and not ignored(f"{path}/{BUILD_OUTPUT_MARK}")]
    server = sorted(rel for rel in ctx.facts if rel.endswith(suffixes) and not ignored(rel))
    # Single-file components (.vue, .svelte) are browser code the scan does not read: the
    # stores, router and API clients beside them are the front end's too (zwave-js-ui's src/).
    components = [rel for rel in component_files(ctx, server) if not ignored(rel)]
    browser = sorted({*browser, *components})
    scope = LintScope()
    if browser and server:
        files = _highest_folders(server, browser)
        # Components (.jsx/.tsx) that sit next to the server code: one pattern for all, when
        # no server file has that suffix.
        jsx = tuple(sorted({rel.rpartition(".")[2] for rel in browser
                            if rel.endswith((".jsx", ".tsx"))}
                           - {rel.rpartition(".")[2] for rel in server}))
        ignores = (*(f"**/*.{suffix}" for suffix in jsx), *_highest_folders(
            [rel for rel in browser if rel.rpartition(".")[2] not in jsx], server))
        scope = LintScope("files", files) if len(files) <= len(ignores) \
            else LintScope("ignores", ignores)
        among = browser_side(ctx, browser, server)
        if among:
            # Plain modules among the browser code (no Node import, no app), which no file
            # role marks: the server code is what is left, named positively when shorter.
            core = [rel for rel in server if rel not in among]
            narrow = _highest_folders(core, [*browser, *among])
            if core and len(narrow) < len(scope.patterns):
                scope, server = LintScope("files", narrow), core
            elif core and components:
                # The scope above lints the modules among the components (a store, a router):
                # ignore them with the browser code, or name the rest, whichever takes fewer
                # patterns.
                wider = (*(f"**/*.{suffix}" for suffix in jsx), *_highest_folders(
                    [rel for rel in [*browser, *among] if rel.rpartition(".")[2] not in jsx],
                    core))
                scope = LintScope("files", narrow) if len(narrow) <= len(wider) \
                    else LintScope("ignores", wider)
                server = core
        if len(scope.patterns) > MAX_SCOPE_PATTERNS:
            return None
    # Unscoped, the preset also lints the tests, scripts, examples... the scan leaves out (not
    # the vendored code under node_modules/, which ESLint ignores itself).
    linted = server if scope.key else sorted(
        {*server, *(rel for rel, role in skipped if role in OTHER_ROLES)})
    if scope.key == "ignores":
        covered = _ignored_by(list(scope.patterns))
        linted = [rel for rel in linted if not covered(rel)]
    marked: list[str] = []
    for rel in linted:
        data = ctx.read(rel) or b""
        if b"\xe2\x80" not in data and b"\xe2\x81" not in data and b"\xd8\x9c" not in data:
            continue
        found = set(_BIDI_RE.findall(data.decode("utf-8", "replace")))
        if found and found <= BIDI_MARKS:
            marked.append(rel)
    return scope._replace(bidi_off=tuple(marked))


#: The oldest Node the project shows it runs on apart from engines.node, where that was read,
#: and the engines.node range (``((20, 0), ".nvmrc lts/iron", ">=18")``): ``runtime_shown``.
RuntimeShown = tuple[tuple[int, int], str, str]
#: An open lower bound (``>=18``, ``> 16.4.0``): the oldest Node the code allows, no runtime.
_OPEN_ENGINES_RE = lazy_pattern(r"\s*>=?\s*v?\d+(?:\.\d+){0,2}\s*")


def runtime_shown(ctx: ProjectContext) -> RuntimeShown | None:
    """Return the oldest Node version the project shows it runs on (its Dockerfile's FROM,
    .nvmrc / .node-version / .tool-versions, CI's node versions and job images), with where
    that was read and the engines.node range, when its package.json files' engines.node are
    all open lower bounds (``>=18``); None when one is something else, none is set, or
    nothing else names a version. Such a bound says how old a Node the code allows, not one
    the project runs on: a dev tool that needs newer still runs where the project does."""
    from nodeharden._runtime import detect_runtime

    data = ctx.package_json
    engines = data.get("engines")
    spec = engines.get("node") if isinstance(engines, dict) else None
    if not isinstance(spec, str) or not _OPEN_ENGINES_RE.fullmatch(spec):
        return None
    nested: list[tuple[str, dict[str, Any]]] = []
    for folder in ctx.package_dirs:
        if not folder:
            continue
        try:
            other = json.loads((Path(ctx.info.root) / folder / "package.json").read_text(
                "utf-8-sig"))
        except (OSError, ValueError):
            continue
        if not isinstance(other, dict):
            continue
        theirs = other.get("engines")
        node = theirs.get("node") if isinstance(theirs, dict) else None
        if node is not None and not (isinstance(node, str) and _OPEN_ENGINES_RE.fullmatch(node)):
            return None
        nested.append((folder + "/package.json",
                       {k: v for k, v in other.items() if k != "engines"}))
    runtime = detect_runtime(Path(ctx.info.root), {k: v for k, v in data.items()
                                                    if k != "engines"},
                             tuple(f.rel for f in ctx.files_of("dockerfile")), tuple(nested))
    if runtime.node is None:
        return None
    return runtime.node, runtime.source, spec.strip()


def lint_node_too_old(ctx: ProjectContext, fix: Fix | None) -> bool:
    """Return True when the Node version the project runs on is known and older than
    eslint-plugin-security needs, and so is the one its lint needs: the fix's ``dev_node``
    (its eslint's floor, or the newer Node the project shows it runs on: ``_finish``), or for
    a finding without a fix the same judged for the plugin alone. ``fix`` declines a fix for
    that reason (``fit_to_runtime``); the rule then says nothing at all."""
    from nodeharden._packagejson import NODE_SUPPORT

    node = ctx.runtime().node
    if node is None:
        return False
    if fix is None:
        fix = _finish(Fix(title="", applicability="safe", changes=(),
                          dev_dependencies=((PLUGIN, version_of(PLUGIN)),)),
                      "", existing_lint_node(ctx), runtime_shown(ctx))
        assert fix is not None
    lint = max(node, fix.dev_node) if fix.dev_node is not None else node
    return lint < min(need for need, _ in NODE_SUPPORT[PLUGIN])


def _finish(fix: Fix | None, reason: str, lint_node: tuple[int, int] | None,
            shown: RuntimeShown | None = None) -> Fix | None:
    """Return ``fix`` with why it is unsafe at the end of its title, and its dev dependency
    judged against the Node version the project's eslint already needs. When engines.node's
    open lower bound is older than a dev dependency needs but every Node version the project
    shows (``shown``) is new enough, the dependency is judged against those, and the title
    says so."""
    if fix is None:
        return None
    if reason:
        fix = replace(fix, title=f"{fix.title} (unsafe: {reason})")
    if shown is not None:
        from nodeharden._packagejson import NODE_SUPPORT

        node, source, spec = shown
        floor = lowest_in_range(spec)
        needs = [(need, name) for name, version in fix.dev_dependencies
                 for need, line in NODE_SUPPORT.get(name, ()) if line == version]
        need, name = max(needs) if needs else ((0, 0), "")
        if floor is not None and floor < need <= node and \
                (lint_node is None or lint_node < need):
            lint_node = max(lint_node or node, node)
            fix = replace(fix, title=f"{fix.title} (caveat: engines.node {spec} admits Node "
                          f"older than the {_node_text(need)} {name} needs; the project runs "
                          f"Node {_node_text(node)} or newer: {source})")
    return replace(fix, dev_node=lint_node) if lint_node is not None else fix


def _node_text(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}" if version[1] else str(version[0])


def minimal_edit(before: bytes, after: str) -> TextEdit:
    """Return one edit that turns ``before`` into ``after``, covering only the bytes between
    their common prefix and suffix."""
    new = after.encode("utf-8")
    head = 0
    limit = min(len(before), len(new))
    while head < limit and before[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == new[-1 - tail]:
        tail += 1
    # Never split a UTF-8 sequence: back up to a character boundary.
    while head > 0 and (before[head:head + 1] and before[head] & 0xC0 == 0x80):
        head -= 1
    content = new[head:len(new) - tail].decode("utf-8", "surrogateescape")
    return TextEdit(head, len(before) - tail, content)


_JSON_STRING_RE = lazy_pattern(r'"(?:[^"\\]|\\.)*"')


def _json_width(ctx: ProjectContext) -> tuple[int | None, int]:
    """Return the print width (and tab width) prettier formats the project's JSON to, or no
    width when prettier does not format it (no tool measures a JSON config's lines then)."""
    rules = ctx.info.style_rules
    return (rules.width if rules.prettier else None), rules.tab_width or 2


def _before_prettier(text: str) -> str:
    """Return JSON ``text``, where the legacy preset was just appended to an ``extends``
    list, with the preset moved before the list's first prettier entry (which must stay last).
    Only the strings change places; separators and layout stay."""
    item = json.dumps(LEGACY_EXTENDS)
    pos = text.rfind(item)
    bracket = text.rfind("[", 0, pos)
    if pos == -1 or bracket == -1:
        return text
    region = text[bracket + 1:pos]
    tokens = list(_JSON_STRING_RE.finditer(region))
    if _JSON_STRING_RE.sub("", region).strip(" \t\r\n,"):
        return text  # not a plain list of strings up to the preset
    first = next((i for i, t in enumerate(tokens) if is_prettier_entry(json.loads(t.group()))),
                 None)
    if first is None:
        return text
    spans = [(bracket + 1 + t.start(), bracket + 1 + t.end()) for t in tokens[first:]]
    spans.append((pos, pos + len(item)))
    values = [item, *(t.group() for t in tokens[first:])]
    for (start, end), value in reversed(list(zip(spans, values))):
        text = text[:start] + value + text[end:]
    return text


def _js_rules_off(source: bytes, config: Node, rules: Node | None,
                  style: Style, noisy: tuple[str, ...]) -> TextEdit | None:
    """Return the edit that switches ``noisy`` off in a legacy JS config object: new
    entries at the end of its ``rules`` object, or a new ``rules`` member at its end (an empty
    edit when every rule is already set; None when ``rules`` is not an object literal)."""
    q = style.q
    if rules is not None:
        rules = unwrap(rules)
        if rules is None or rules.type != "object":
            return None
        present = {string_value(k) or text(k) for k in
                   (pair.child_by_field_name("key") for pair in code_children(rules)
                    if pair.type == "pair") if k is not None}
        wanted = [r for r in noisy if r not in present]
        if not wanted:
            return TextEdit(rules.end_byte, rules.end_byte, "")
        entries = [f"{q(r)}: {q('off')}" for r in wanted]
        block = ",\n".join(entries)
        if code_children(rules) and any(c.type == "comment" for c in rules.named_children):
            # Comments head groups of rules (or keep rules commented out): after the last
            # rule, the entries would read as more of its group.
            block = f"// {noisy_comment(noisy)}\n{block}"
        return append_element(source, rules, ", ".join(entries), style, block)
    inline, block = _rules_member(style, noisy)
    return append_element(source, config, inline, style, block)


def _rules_member(style: Style, noisy: tuple[str, ...]) -> tuple[str, str]:
    """Return a legacy JS config's new ``rules`` member that switches ``noisy`` off,
    inline and one entry per line (unindented)."""
    q = style.q
    pad = " " if style.bracket_spacing else ""
    entries = [f"{q(r)}: {q('off')}" for r in noisy]
    inline = f"rules: {{{pad}{', '.join(entries)}{pad}}}"
    comma = "" if style.trailing_comma == "none" else ","
    unit = style.indent
    block = "rules: {\n" + ",\n".join(f"{unit}{e}" for e in entries) + f"{comma}\n}}"
    return inline, block


def _json_rules_off(body: str, path: tuple[str, ...], noisy: tuple[str, ...]) -> str:
    """Return JSON ``body`` with ``noisy`` set to ``"off"`` in the ``rules`` object of
    the object at ``path`` (a new ``rules`` member when there is none). Raises ``ValueError``
    when ``rules`` is not an object or the result does not load to the expected data."""
    from nodeharden._packagejson import _colon_of, _indent_unit, _insert_entries

    decoder = json.JSONDecoder()
    data = json.loads(body)
    target = data
    for part in path:
        target = target[part]
    rules = target.get("rules")
    if rules is not None and not isinstance(rules, dict):
        raise ValueError("rules is not an object")
    wanted = {r: "off" for r in noisy if r not in (rules or {})}
    if not wanted:
        return body
    start = _json_skip(body, 0)
    _, end = decoder.raw_decode(body, start)
    for part in (*path, "rules"):
        found = None
        for name, key_start, value_end in _json_members(body, start, end - 1):
            if name == part:
                _, key_end = decoder.raw_decode(body, key_start)
                found = (_json_skip(body, body.index(":", key_end) + 1), value_end)
        if found is None:
            break
        start, end = found
    eol = line_ending(body)
    unit = _indent_unit(body)
    if rules is not None:
        result = _insert_entries(body, (start, end - 1), wanted, unit, eol)
    else:
        members = _json_members(body, start, end - 1)
        colon = _colon_of(body, members[0][1]) if members else ": "
        pairs = [json.dumps(k) + colon + json.dumps(v) for k, v in wanted.items()]
        if "\n" in body[start:end] and members:
            indent = _line_indent(body.encode(), members[-1][1])
            inner = f",{eol}".join(f"{indent}{unit}{p}" for p in pairs)
            member = f'{indent}"rules"{colon}{{{eol}{inner}{eol}{indent}}}'
            at = members[-1][2]
            result = body[:at] + "," + eol + member + body[at:]
        elif members:
            at = members[-1][2]
            sep = ", " if colon != ":" else ","
            result = body[:at] + "," + f'"rules"{colon}{{' + sep.join(pairs) + "}" + body[at:]
        else:
            raise ValueError("empty config object")
    check = json.loads(result)
    got = check
    for part in path:
        got = got[part]
    if {**(rules or {}), **wanted} != got.get("rules") or \
            {k: v for k, v in got.items() if k != "rules"} != \
            {k: v for k, v in target.items() if k != "rules"}:
        raise ValueError("rules edit changed other data")  # pragma: no cover
    return result


def _json_skip(body: str, pos: int) -> int:
    while pos < len(body) and body[pos] in " \t\r\n":
        pos += 1
    return pos


def _json_members(body: str, start: int, end: int) -> list[tuple[str, int, int]]:
    from nodeharden._packagejson import _entry_spans

    return _entry_spans(body, start, end)


def _yaml_rules_off(body: str, noisy: tuple[str, ...]) -> str | None:
    """Return the YAML config with ``noisy`` set to ``"off"``: new lines at the end of a
    block ``rules`` mapping, or a new ``rules`` mapping at the end; None when that cannot be
    done safely (a flow mapping, an empty one) or the result does not load as expected.

    A mapping with comments (headings over groups of rules, commented-out rules) gets the
    lines as a group of their own, under a comment that says why they are off, after a blank
    line when its groups are set apart by blank lines: after the last rule they would read
    as more of its group."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    try:
        data = YAML(typ="rt").load(body)
        before = YAML(typ="safe").load(body)
    except Exception:  # noqa: BLE001
        return None
    if not isinstance(data, dict) or not isinstance(before, dict):
        return None
    eol = line_ending(body)
    rules = data.get("rules")
    wanted = [r for r in noisy if not (isinstance(rules, dict) and r in rules)]
    if not wanted:
        return body
    lines = body.replace("\r\n", "\n").split("\n")
    if rules is None and "rules" not in data:
        entries = "".join(f'  {r}: "off"\n' for r in wanted)
        text_ = body.replace("\r\n", "\n")
        result = text_ + ("" if text_.endswith("\n") or not text_ else "\n") + \
            f"rules:\n{entries}"
    elif isinstance(data, CommentedMap) and isinstance(rules, CommentedMap) and rules and \
            not rules.fa.flow_style():
        _, col = rules.lc.key(next(iter(rules)))
        head = data.lc.key("rules")[0]
        end = rules.lc.key(list(rules)[-1])[0] + 1
        # The last rule's value and the comments under it run to the first line indented
        # less than the rules (the next top-level key, or a comment over it).
        for at in range(end, len(lines)):
            if lines[at].strip():
                if len(lines[at]) - len(lines[at].lstrip()) < col:
                    break
                end = at + 1
        new_lines = [" " * col + f'{r}: "off"' for r in wanted]
        mapping = lines[head + 1:end]
        if any(line.lstrip().startswith("#") for line in mapping):
            new_lines.insert(0, " " * col + "# " + noisy_comment(noisy))
            filled = [at for at, line in enumerate(mapping) if line.strip()]
            if any(not mapping[at].strip() for at in range(filled[0], filled[-1])):
                new_lines.insert(0, "")
        result = "\n".join([*lines[:end], *new_lines, *lines[end:]])
    else:
        return None
    if eol != "\n":
        result = result.replace("\n", eol)
    try:
        check = YAML(typ="safe").load(result)
    except Exception:  # noqa: BLE001
        return None
    expected = {**(before.get("rules") or {}), **{r: "off" for r in wanted}}
    if not isinstance(check, dict) or check.get("rules") != expected or \
            {k: v for k, v in check.items() if k != "rules"} != \
            {k: v for k, v in before.items() if k != "rules"}:
        return None
    return result


def _load_legacy(rel: str, source: str) -> Any:
    if rel.endswith((".js", ".cjs")):
        return None
    try:
        return json.loads(source)
    except ValueError:
        pass
    from ruamel.yaml import YAML

    try:
        return YAML(typ="safe").load(source)
    except Exception:  # noqa: BLE001
        return None


def _yaml_add_extends(body: str) -> str | None:
    """Return the YAML config with the legacy preset added to ``extends``, or None when that
    cannot be done safely.

    ruamel.yaml's round-trip loader says where ``extends`` is; the change itself is a text
    insertion so every other byte (comments, indentation, quoting) stays as it was. The result
    must load to the original data plus the preset.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedSeq

    try:
        data = YAML(typ="rt").load(body)
        before = YAML(typ="safe").load(body)
    except Exception:  # noqa: BLE001
        return None
    if not isinstance(data, dict) or not hasattr(data, "lc"):
        return None
    eol = line_ending(body)
    lines = body.replace("\r\n", "\n").split("\n")
    quoted = json.dumps(LEGACY_EXTENDS)
    current = data.get("extends")
    listed = [current] if isinstance(current, str) else list(current) \
        if isinstance(current, list) else []
    # A prettier entry stays last: the preset goes before the first one.
    at = next((i for i, v in enumerate(listed) if isinstance(v, str) and is_prettier_entry(v)),
              len(listed))
    if current is None:
        addition = f"extends: [{quoted}]\n"
        prefix = "" if body.endswith("\n") or not body else "\n"
        result = body.replace("\r\n", "\n") + prefix + addition
    elif isinstance(current, CommentedSeq) and not current.fa.flow_style() and current:
        line0, col = current.lc.item(len(current) - 1)
        dash = dash_of(lines, line0, col)
        if dash is None:
            return None
        end = item_end(lines, dash[0], dash[1])
        gap = col - dash[1] if line0 == dash[0] else 2
        new_line = " " * dash[1] + "-" + " " * (gap - 1) + LEGACY_EXTENDS
        if at < len(current):
            prettier_dash = dash_of(lines, *current.lc.item(at))
            if prettier_dash is None:
                return None
            end = prettier_dash[0]
        result = "\n".join([*lines[:end], new_line, *lines[end:]])
    else:
        line0, col = data.lc.value("extends")
        line = lines[line0]
        span = _yaml_value_span(line, col, isinstance(current, list))
        if span is None:
            return None
        start, stop = span
        if isinstance(current, list):
            inner = line[start + 1:stop - 1]
            if at < len(listed):
                parts = [p.strip() for p in inner.split(",")]
                value = "[" + ", ".join([*parts[:at], quoted, *parts[at:]]) + "]"
            else:
                value = f"[{inner}, {quoted}]" if inner.strip() else f"[{quoted}]"
        elif at == 0:
            value = f"[{quoted}, {line[start:stop]}]"
        else:
            value = f"[{line[start:stop]}, {quoted}]"
        lines[line0] = line[:start] + value + line[stop:]
        result = "\n".join(lines)
    if eol != "\n":
        result = result.replace("\n", eol)
    try:
        check = YAML(typ="safe").load(result)
    except Exception:  # noqa: BLE001
        return None
    expected = before.get("extends")
    expected = [] if expected is None else [expected] if isinstance(expected, str) else expected
    expected = [*expected[:at], LEGACY_EXTENDS, *expected[at:]]
    if not isinstance(check, dict) or check.get("extends") != expected or \
            {k: v for k, v in check.items() if k != "extends"} != \
            {k: v for k, v in before.items() if k != "extends"}:
        return None
    return result


def _yaml_value_span(line: str, col: int, flow_list: bool) -> tuple[int, int] | None:
    """Return the columns of a one-line YAML scalar or flow list that starts at ``col``."""
    if col >= len(line):
        return None
    if flow_list:
        if line[col] != "[":
            return None
        close = line.find("]", col)
        return (col, close + 1) if close != -1 and "[" not in line[col + 1:close] else None
    if line[col] in "'\"":
        close = line.find(line[col], col + 1)
        return (col, close + 1) if close != -1 else None
    comment = line.find(" #", col)
    stop = len(line) if comment == -1 else comment
    return col, len(line[:stop].rstrip())


RULE = EslintSecurity()
