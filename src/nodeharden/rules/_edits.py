"""Edits shared by many fixes: the import service (a rule asks for a module's default,
namespace or named exports; the engine reuses what the file already imports and adds the rest
once, where the file keeps imports of that group), inserting a statement after another one,
in the file's own style."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

from tree_sitter import Node

from nodeharden._express import AppFact, FileFacts, ImportFact
from nodeharden._model import TextEdit
from nodeharden._parse import FUNCTION_TYPES, code_children, walk
from nodeharden._record import field, record
from nodeharden._regex import lazy_pattern
from nodeharden._style import Style, line_end, line_indent

_PROLOGUE_RE = lazy_pattern(rb"\A(#![^\n]*\n)?(\s*(//[^\n]*\n|/\*.*?\*/\s*\n?))*\s*"
                          rb"(['\"]use strict['\"];?[ \t]*\r?\n)?", re.DOTALL)


def import_specifier(from_rel: str, module_rel: str, style: Style) -> str:
    """Return the specifier with which ``from_rel`` imports the project file ``module_rel``
    (``./lib/validate``, ``../validate.js`` in ESM, ``./x.mjs`` for .mjs/.cjs modules)."""
    base, suffix = posixpath.splitext(module_rel)
    rel = posixpath.relpath(base, posixpath.dirname(from_rel) or ".")
    if not rel.startswith("."):
        rel = "./" + rel
    if suffix in (".mjs", ".cjs"):
        return rel + suffix
    return style.local_module(rel)


def import_edit(source: bytes, facts: FileFacts, statement: str, *, after: int | None = None,
                at: int | None = None) -> TextEdit:
    """Return an edit that adds ``statement`` on its own line after the file's leading block
    of imports (or after the statement ending at offset ``after``; or at line start ``at``),
    or at the top (after a shebang, leading comments and ``'use strict'``) when it has none.
    Rules ask ``add_imports`` instead, which picks the place and reuses existing imports."""
    if at is not None:
        if at == len(source) and source and not source.endswith(b"\n"):
            return TextEdit(at, at, "\n" + statement)
        return TextEdit(at, at, statement + "\n")
    end = after if after is not None else facts.import_end
    if end:
        at = line_end(source, end)
        if at == len(source) and not source.endswith(b"\n"):
            return TextEdit(at, at, "\n" + statement)
        return TextEdit(at, at, statement + "\n")
    return _top_edit(source, statement)


def _top_edit(source: bytes, statement: str = "") -> TextEdit:
    """Return an edit adding ``statement`` at the top of the file, after a shebang, leading
    comments and ``'use strict'``."""
    match = _PROLOGUE_RE.match(source)
    at = match.end() if match else 0
    # Never split a line: back up to the start of the line we stopped in.
    at = source.rfind(b"\n", 0, at) + 1 if at and source[at - 1:at] != b"\n" else at
    return TextEdit(at, at, statement + "\n")


def has_import(facts: FileFacts, module: str) -> str | None:
    """Return the local default/namespace name bound to ``module`` in this file, if any
    (``fs`` and ``node:fs`` are the same module)."""
    for imp in facts.imports:
        if same_module(imp.module, module) and (imp.default or imp.namespace):
            return imp.default or imp.namespace
    return None


# -- the import service ------------------------------------------------------------------------

#: Node's built-in modules (``require('module').builtinModules`` without the internal ones).
NODE_BUILTINS = frozenset({
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
    "crypto", "dgram", "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2",
    "https", "inspector", "module", "net", "os", "path", "perf_hooks", "process", "punycode",
    "querystring", "readline", "repl", "stream", "string_decoder", "sys", "timers", "tls",
    "trace_events", "tty", "url", "util", "v8", "vm", "wasi", "worker_threads", "zlib"})


def is_builtin(module: str) -> bool:
    """Return True for a Node built-in (``node:fs``, ``fs``, ``fs/promises``)."""
    return module.startswith("node:") or module.split("/")[0] in NODE_BUILTINS


def same_module(a: str, b: str) -> bool:
    """Return True when two specifiers name one module (``fs`` and ``node:fs`` do)."""
    if a == b:
        return True
    return is_builtin(a) and is_builtin(b) and a.removeprefix("node:") == b.removeprefix("node:")


def builtin_specifier(facts: FileFacts, module: str) -> str:
    """Return how this file should name built-in ``module`` (``node:http`` or ``http``):
    ``node:`` only where the file already writes ``node:`` specifiers; else the bare name,
    which every Node version loads (``node:`` needs Node 14.18/16, and a file that does not
    use it may belong to a project that runs on an older one)."""
    bare = module.removeprefix("node:")
    if any(imp.module.startswith("node:") for imp in facts.imports):
        return "node:" + bare
    return bare


def import_group(module: str) -> int:
    """Return the group of ``module`` in eslint-plugin-import's default ``import/order``
    (``["builtin", "external", "parent", "sibling", "index"]``): 0 built-in, 1 package, 2 a
    file in a parent folder (``../x``), 3 a sibling (``./x``), 4 the folder's index (``.``,
    ``./``, ``./index``); an absolute path counts as a parent."""
    if is_builtin(module):
        return 0
    if module in (".", "./") or re.fullmatch(r"\./index(?:\.[cm]?[jt]sx?)?", module):
        return 4
    if module.startswith("./"):
        return 3
    if module.startswith((".", "/")):
        return 2
    return 1


class ImportRequest(NamedTuple):
    """What a fix needs from one module: its default export, the whole module as a namespace
    (``import * as`` in ESM and TypeScript; in CommonJS the two are one ``require``), and named
    exports. ``default``/``namespace`` give the local name to bind when the file has none.

    ``members`` asks for exports the code may reach either way: through the file's whole-module
    binding (``path.join``), through its named import of them (``join``, added to an existing
    ``{ ... }`` of the module), or, when the file imports nothing of the module, through a new
    whole-module import named ``default``/``namespace``. Each member's expression is in
    ``Binding.names``."""

    module: str
    default: str | None = None
    namespace: str | None = None
    names: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


@record
class Binding:
    """How the inserted code refers to what it asked for: ``local`` is the default/namespace
    name (None when not asked for), ``names`` maps each named export to the expression for it
    (``STATUS_CODES``, or ``http.STATUS_CODES`` when the file already binds the module)."""

    module: str
    local: str | None = None
    names: dict[str, str] = field(default_factory=dict)


@record
class Imports:
    """The answer to ``add_imports``: one binding per request, and the edits to make."""

    bindings: list[Binding]
    edits: list[TextEdit]


_EXTENDABLE_RES = (
    # import { a } from 'x' / import x, { a } from 'x' (never ``import type``)
    lazy_pattern(r"import\s+(?:[\w$]+\s*,\s*)?\{(?P<inner>[^{}]*)\}\s*from\s*['\"]"),
    # const { a } = require('x')
    lazy_pattern(r"(?:const|let|var)\s+\{(?P<inner>[^{}]*)\}\s*=\s*require\s*\(\s*['\"]"),
)


def _extend_named(source: bytes, imp: ImportFact, names: list[str]) -> TextEdit | None:
    """Return an edit adding ``names`` to the braces of an existing named import of one
    module (``import { a } from 'x'`` → ``import { a, b } from 'x'``), or None when the
    statement is not a plain one the engine can extend."""
    if not imp.top_level:
        return None
    statement = source[imp.start:imp.end].decode("utf-8", "replace")
    for pattern in _EXTENDABLE_RES:
        match = pattern.match(statement)
        if match is None:
            continue
        inner = match.group("inner")
        if "/" in inner or ":" in inner and pattern is _EXTENDABLE_RES[1]:
            return None  # comments or renamed destructuring: leave the statement alone
        body = inner.rstrip()
        if not body.strip():
            return None
        at_char = match.start("inner") + len(body)
        at = imp.start + len(statement[:at_char].encode())
        joined = ", ".join(names)
        return TextEdit(at, at, f" {joined}," if body.endswith(",") else f", {joined}")
    return None


#: An ES import declaration (``import x from``, ``import {…}``, ``import 'x'``, TypeScript's
#: ``import x = require()``), not ``import(…)`` or ``import.meta``.
_DECLARATION_RE = lazy_pattern(rb"import(?![\w$.]|\s*\()")
#: A TypeScript type-only import declaration (``import type { Request } from 'express'``).
_TYPE_IMPORT_RE = lazy_pattern(rb"import\s+type\s+[{*\w$]")


def import_at(source: bytes, facts: FileFacts, module: str, *,
              declaration: bool | None = None) -> TextEdit:
    """Return an empty insertion edit where a new import of ``module`` goes in the file's
    leading block of imports, by eslint-plugin-import's default ``import/order`` groups
    (built-ins, packages, parent folders, siblings, the folder's index: ``import_group``): after the imports of the same or
    an earlier group that come before the first import of a later group, or right before that
    one when none do; after the last import when no later group follows. Never above an
    import without a binding (run for its side effects, which may have to come first). With no
    imports, at the top (after a shebang, comments and ``'use strict'``).

    ``declaration`` says the new statement is an ES ``import`` (None: when the file begins with
    one). An ES import goes among the import declarations that open the file, never after the
    first other statement (``require('dotenv').config()``, ``const x = require('x')``), which
    eslint-plugin-import's ``import/first`` rejects: declarations run before the module's
    other code anyway. A ``require`` line goes after those declarations (a statement between
    them would put the later ones after a non-import) and keeps the placement above."""
    leading = sorted((imp for imp in facts.imports
                      if imp.top_level and imp.module and 0 < imp.end <= facts.import_end),
                     key=lambda imp: imp.start)
    if not leading and not declaration:
        # A file that runs code before its requires (mediasoup-demo's `process.title = …`
        # above `const config = require('./config')`): the new require joins a block of them.
        leading = _later_block(source, facts, module)
        declaration = False
    if not leading:
        return import_edit(source, facts, "")
    # The import declarations that open the file (import/first's block).
    opening = next((i for i, imp in enumerate(leading)
                    if not _DECLARATION_RE.match(source, imp.start)), len(leading))
    if declaration is None:
        declaration = opening > 0
    if declaration and opening:
        leading = leading[:opening]
    if not declaration:
        # A require runs where it stands: above the app a fix writes its code beside
        # (``const app = require('express')()`` amid the requires), or that code meets the
        # binding before it is declared.
        limit = _wiring_limit(source, facts)
        leading = [imp for imp in leading if imp.end <= limit]
        opening = min(opening, len(leading))
        if not leading:
            return _top_edit(source)
    group = import_group(module)
    # Never above an import run for its side effects (``require('dotenv').config()``,
    # ``import 'reflect-metadata'``, an APM agent that must load first).
    floor = max((i for i, imp in enumerate(leading) if not imp.locals()
                 and source[imp.start:imp.end].startswith((b"require", b"import"))),
                default=-1)
    if not declaration:
        floor = max(floor, opening - 1)
    later = next((i for i, imp in enumerate(leading)
                  if i > floor and import_group(imp.module) > group), None)
    if later is None:
        return import_edit(source, facts, "", after=max(imp.end for imp in leading))
    if later > 0:
        return import_edit(source, facts, "", after=max(imp.end for imp in leading[:later]))
    at = source.rfind(b"\n", 0, leading[0].start) + 1
    return TextEdit(at, at, "")


class SortImports(NamedTuple):
    """One configuration of ESLint's ``sort-imports`` (its defaults unless the project sets
    them): it compares each import declaration with the one before it, first by member syntax
    (``memberSyntaxSortOrder``), then, for the same syntax, by the first local name."""

    ignore_case: bool = False
    member_syntax_sort_order: tuple[str, ...] = ("none", "all", "multiple", "single")
    allow_separated_groups: bool = False
    ignore_declaration_sort: bool = False


class ImportOrder(NamedTuple):
    """What a rule knows of the order the project keeps its import declarations in.

    A new declaration keeps an order the file's declarations already follow: ESLint's
    ``sort-imports`` (each of ``sort_imports``), or module names within eslint-plugin-import's
    groups (``import/order``'s ``alphabetize``, simple-import-sort, perfectionist). Two or more
    declarations show an order; a single one does too when the project turns such a rule on
    (``by_local_name`` for ``sort-imports``, ``by_module`` for the others)."""

    sort_imports: tuple[SortImports, ...] = (SortImports(),)
    by_local_name: bool = False
    by_module: bool = False


def _member_syntax(imp: ImportFact) -> str:
    """Return ``sort-imports``' member syntax of an import declaration."""
    count = len(imp.named) + bool(imp.default) + bool(imp.namespace)
    if not count:
        return "none"
    if imp.namespace and not imp.default:
        return "all"
    return "single" if count == 1 else "multiple"


def _first_local(imp: ImportFact) -> str | None:
    return imp.default or imp.namespace or next(iter(imp.named.values()), None)


def _sorts_before(prev: ImportFact, cur: ImportFact, options: SortImports) -> bool:
    """Return True when ``sort-imports`` accepts ``cur`` right after ``prev``."""
    order = options.member_syntax_sort_order
    syntax_prev, syntax_cur = _member_syntax(prev), _member_syntax(cur)
    if syntax_prev not in order or syntax_cur not in order:
        return False
    if syntax_prev != syntax_cur:
        return order.index(syntax_cur) > order.index(syntax_prev)
    name_prev, name_cur = _first_local(prev), _first_local(cur)
    if not name_prev or not name_cur:
        return True
    if options.ignore_case:
        name_prev, name_cur = name_prev.lower(), name_cur.lower()
    return name_cur >= name_prev


def sorted_import_at(source: bytes, facts: FileFacts, new: ImportFact,
                     order: ImportOrder) -> TextEdit | None:
    """Return an empty insertion edit where the new declaration ``new`` keeps the order the
    file's import declarations follow (see ``ImportOrder``), or None when they follow none,
    the orders disagree, or the file's declarations are not one plain block (not all at its
    top, two on one line, blank-line groups that ``allowSeparatedGroups`` sorts apart): the
    caller then places it as ``import_at`` does. The place also keeps ``import_at``'s rules:
    eslint-plugin-import's groups in order, never above an import run for its side effects."""
    decls = sorted((imp for imp in facts.imports if imp.top_level and imp.module and imp.end
                    and _DECLARATION_RE.match(source, imp.start)), key=lambda imp: imp.start)
    if not decls or any(imp.end > facts.import_end for imp in decls):
        return None
    # TypeScript's `import type` declarations after all the others: import/order's "type"
    # group (last when configured), sorted apart. A new value import goes among the others.
    values = len(decls)
    while values and _TYPE_IMPORT_RE.match(source, decls[values - 1].start):
        values -= 1
    if 0 < values < len(decls) and not any(_TYPE_IMPORT_RE.match(source, imp.start)
                                           for imp in decls[:values]):
        decls = decls[:values]
    pairs = list(pairwise(decls))
    if any(b"\n" not in source[a.end:b.start] for a, b in pairs):
        return None
    gaps = set(range(len(decls) + 1))
    group = import_group(new.module)
    groups = [import_group(imp.module) for imp in decls]
    seq = [x for i, x in enumerate(groups) if decls[i].locals()]
    if any(a > b for a, b in pairwise(seq)):
        # Built-ins among the packages (``import/order`` groups ``[["builtin", "external"]]``,
        # simple-import-sort's default groups): the file sorts them as one group.
        group, groups = max(group, 1), [max(x, 1) for x in groups]
        seq = [max(x, 1) for x in seq]
        if any(a > b for a, b in pairwise(seq)):
            return None
    # Imports run for their side effects belong to no group (import/order leaves them where
    # they are, simple-import-sort keeps them first): the floor below keeps them above.
    grouped = [(i, x) for i, x in enumerate(groups) if decls[i].locals()]
    gaps &= {g for g in gaps if all(x <= group for i, x in grouped if i < g)
             and all(x >= group for i, x in grouped if i >= g)}
    floor = max((i for i, imp in enumerate(decls) if not imp.locals()), default=-1)
    gaps &= set(range(floor + 1, len(decls) + 1))
    followed = False
    blank_lines = any(_BLANK_LINE_RE.search(source, a.end, b.start)
                      for a, b in pairs)
    for options in order.sort_imports:
        if options.ignore_declaration_sort:
            continue
        if options.allow_separated_groups and blank_lines:
            return None
        if not all(_sorts_before(a, b, options) for a, b in pairs):
            continue  # not the file's order (or a block of the config for other files)
        if len(decls) < 2 and not order.by_local_name:
            continue
        followed = True
        gaps &= {g for g in gaps if (g == 0 or _sorts_before(decls[g - 1], new, options))
                 and (g == len(decls) or _sorts_before(new, decls[g], options))}
    peers = [(i, imp.module.lower()) for i, imp in enumerate(decls)
             if groups[i] == group and imp.locals()]
    if all(a[1] <= b[1] for a, b in pairwise(peers)) \
            and (len(peers) >= 2 or peers and order.by_module):
        followed = True
        key = new.module.lower()
        gaps &= {g for g in gaps if all(m <= key for i, m in peers if i < g)
                 and all(m >= key for i, m in peers if i >= g)}
    if not followed or not gaps:
        return None
    at_gap = max(gaps)
    if at_gap and (at_gap == len(decls) or groups[at_gap - 1] == group
                   or not _BLANK_LINE_RE.search(source, decls[at_gap - 1].end,
                                                decls[at_gap].start)):
        at = line_end(source, decls[at_gap - 1].end)
        return TextEdit(at, at, "")
    at = source.rfind(b"\n", 0, decls[at_gap].start) + 1
    while at:  # above the comment lines that belong to the declaration
        above = source.rfind(b"\n", 0, at - 1) + 1
        line = source[above:at].strip()
        if not line.startswith((b"//", b"/*", b"*")) or \
                (at_gap and above < decls[at_gap - 1].end):
            break
        at = above
    return TextEdit(at, at, "")


#: A blank line between two statements.
_BLANK_LINE_RE = lazy_pattern(rb"\n[ \t\r]*\n")


def _import_blocks(source: bytes, facts: FileFacts) -> list[list[ImportFact]]:
    """Return the file's runs of top-level imports (``require`` statements, ES imports) that
    follow one another with only blank lines and comments between them, in file order."""
    tops = sorted((imp for imp in facts.imports if imp.top_level and imp.module and imp.end),
                  key=lambda imp: imp.start)
    blocks: list[list[ImportFact]] = []
    for imp in tops:
        if blocks and (imp.start <= blocks[-1][-1].end or _BETWEEN_RE.fullmatch(
                source, blocks[-1][-1].end, imp.start)):
            blocks[-1].append(imp)
        else:
            blocks.append([imp])
    return blocks


#: What may stand between two imports of one block: blank lines and comments.
_BETWEEN_RE = lazy_pattern(rb"(?:\s|//[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)*")


#: Calls a fix writes its code beside, whatever their receiver.
_WIRING = frozenset({"use", "listen", "set", "enable", "disable", "engine", "param", "route"})


def _wiring_limit(source: bytes, facts: FileFacts) -> int:
    """Return the offset of the first thing a fix writes code beside (the file's apps and
    routers, the calls on them, any ``.use``/``.listen`` call): a new ``require`` must come
    before it, or the code written there meets the binding before it is declared."""
    names = {app.name for app in facts.apps if app.name}
    return min([app.stmt_start for app in facts.apps]
               + [call.start for call in facts.calls
                  if call.target in names or call.on_express or call.method in _WIRING],
               default=len(source))


#: Globals whose methods run none of the file's own code unless handed some of it.
_INERT_GLOBALS = frozenset({"console", "JSON", "Math", "Number", "String", "Boolean", "Object",
                            "Array", "Date", "Buffer", "process"})
#: Nodes that run code when a statement holding them (outside a function) executes.
_RUNNING = frozenset({"new_expression", "await_expression", "yield_expression"})


def _code_limit(source: bytes, facts: FileFacts) -> int:
    """Return the start of the file's first top-level statement that may run code of this
    file (which may read the new binding: ``main();`` calling a hoisted function that builds
    the app), ``len(source)`` when none does. Running code means a call, ``new``, ``await``
    or tagged template outside a function, except ``require(…)``, a method of a required
    module or of an inert global (``console.log``, ``JSON.stringify``, ``process.cwd``)
    handed none of the file's functions, nor a name bound to one of them (a getter or
    ``toJSON`` of a local object counts as one). Declarations, assignments and imports run
    nothing of the file."""
    from nodeharden._parse import FUNCTION_TYPES, parse, text
    from nodeharden._project import JS_SUFFIXES

    lang = JS_SUFFIXES.get(posixpath.splitext(facts.path)[1], "javascript")
    root = parse(lang, source).root_node
    imported = {name for imp in facts.imports for name in imp.locals()}
    code_names: set[str] = set()
    statements = root.named_children
    for statement in statements:
        inner = statement.named_children[0] if statement.type == "export_statement" \
            and statement.named_children else statement
        if inner.type in FUNCTION_TYPES | {"class_declaration"}:
            name = inner.child_by_field_name("name")
            if name is not None:
                code_names.add(text(name))
    for statement in statements:
        if _runs_code(statement, imported, code_names, FUNCTION_TYPES):
            return int(statement.start_byte)
        if statement.type in ("lexical_declaration", "variable_declaration") and any(
                node.type in FUNCTION_TYPES or node.type in ("class", "class_declaration")
                for node in walk(statement)):
            code_names |= {text(n) for d in statement.named_children
                           if (n := d.child_by_field_name("name")) is not None}
    return len(source)


def _runs_code(statement: Node, imported: set[str], code_names: set[str],
               functions: frozenset[str]) -> bool:
    """Return True when executing top-level ``statement`` may run code of the file
    (``_code_limit``)."""
    from nodeharden._parse import text

    if statement.type in functions or statement.type in ("import_statement", "comment"):
        return False
    stack = [statement]
    while stack:
        node = stack.pop()
        if node.type in functions:
            continue
        if node.type in _RUNNING:
            return True
        if node.type in ("identifier", "shorthand_property_identifier") \
                and text(node) in code_names:
            return True
        if node.type == "call_expression" and not _inert_callee(
                node.child_by_field_name("function"), imported):
            return True
        name = node.child_by_field_name("name") if node.type == "class_declaration" else None
        stack.extend(child for child in node.named_children if child != name)
    return False


def _inert_callee(callee: Node | None, imported: set[str]) -> bool:
    """Return True when ``callee`` is ``require``, or a method of a required module or of an
    inert global (``_INERT_GLOBALS``): code of other modules, which cannot reach the file's
    own bindings but through what the call hands them."""
    from nodeharden._parse import text

    if callee is None:
        return False
    if callee.type == "identifier":
        return text(callee) == "require"
    if callee.type != "member_expression":
        return False
    obj = callee.child_by_field_name("object")
    while obj is not None and obj.type == "member_expression":
        obj = obj.child_by_field_name("object")
    if obj is None:
        return False
    if obj.type == "identifier":
        return text(obj) in _INERT_GLOBALS or text(obj) in imported
    if obj.type == "call_expression":
        function = obj.child_by_field_name("function")
        return function is not None and function.type == "identifier" \
            and text(function) == "require"
    return False


def _later_block(source: bytes, facts: FileFacts, module: str) -> list[ImportFact]:
    """Return the block of top-level requires a new ``require`` of ``module`` joins in a file
    whose code does not open with imports (``[]``: at the top, as before): the first block
    holding an import of the module's group (``import_group``: packages beside packages),
    else the first block. A block qualifies only when it ends before everything a fix writes
    code beside (the file's apps and routers, the calls on them, any ``.use``/``.listen``
    call): a binding declared after the code that uses it throws when the module loads.
    Other calls (``fs.existsSync('x')`` between two blocks) get no fix's code."""
    limit = min(_wiring_limit(source, facts), _code_limit(source, facts))
    blocks = [block for block in _import_blocks(source, facts)
              if max(imp.end for imp in block) <= limit]
    if not blocks:
        return []
    group = import_group(module)
    return next((block for block in blocks
                 if any(import_group(imp.module) == group for imp in block)), blocks[0])


#: A line that declares a variable (a ``const``/``let``/``var`` statement): new requires above
#: it need no blank line between them (ESLint's ``newline-after-var`` wants one before code).
_DECLARATION_LINE_RE = lazy_pattern(rb"[ \t]*(?:const|let|var)\s")


def _blank_line_after(source: bytes, facts: FileFacts, at: int) -> bool:
    """Return True when new requires inserted at ``at``, the top of a file that opens with
    code rather than imports, need a blank line between them and that code (as ESLint's
    ``newline-after-var`` and ``padding-line-between-statements`` rules want and files
    write): not before a blank line, a declaration or an import."""
    if facts.import_end or at >= len(source) or at != import_edit(source, facts, "").start:
        return False
    line = source[at:line_end(source, at)]
    if not line.strip() or _DECLARATION_LINE_RE.match(line):
        return False
    return not any(imp.start == at for imp in facts.imports)


def builtin_namespace(style: Style, facts: FileFacts) -> bool:
    """Return True when a TypeScript file imports a whole Node built-in as a namespace
    (``import * as fs from 'fs'``): built-ins are CommonJS, and that form compiles with or
    without esModuleInterop. The file's own built-in imports decide (a default one, ``import
    os from 'os'``, says the project compiles with interop); without any, a tsconfig that
    turns on ``esModuleInterop``/``allowSyntheticDefaultImports`` gives a default import."""
    if not style.typescript:
        return False
    forms = {"default" if imp.default else "namespace" for imp in facts.imports
             if is_builtin(imp.module) and (imp.default or imp.namespace)}
    if forms:
        return "default" not in forms
    return not style.interop


def _new_import(style: Style, request: ImportRequest, whole: str | None,
                names: list[str], namespace_builtin: bool = True) -> ImportFact:
    """Return the declaration ``_statements`` writes, as the facts of a parsed one."""
    imp = ImportFact(request.module, named={name: name for name in names})
    if whole is not None and (request.namespace is not None or (
            style.typescript and namespace_builtin and is_builtin(request.module))):
        imp.namespace = whole
    elif whole is not None:
        imp.default = whole
    return imp


def _statements(style: Style, request: ImportRequest, whole: str | None,
                names: list[str], namespace_builtin: bool = True) -> list[str]:
    out: list[str] = []
    if whole is not None:
        # Node's built-ins are CommonJS: TypeScript imports them as namespaces unless the
        # file or its tsconfig shows interop (``builtin_namespace``).
        namespace = request.namespace is not None or (
            style.typescript and namespace_builtin and is_builtin(request.module))
        out.append(style.import_namespace(whole, request.module) if namespace
                   else style.import_default(whole, request.module))
    if names:
        out.append(style.import_named(names, request.module))
    return out


def add_imports(source: bytes, facts: FileFacts, style: Style,
                requests: Sequence[ImportRequest], *,
                order: ImportOrder | None = None) -> Imports:
    """Return how the fix's code refers to each request, and the edits adding what the file
    does not import yet.

    A module the file already imports is reused under its own local names (``fs`` and
    ``node:fs`` are one module), never imported twice: a missing named export is added to
    an existing ``{ ... }`` of that module, or read from its default/namespace binding when
    that is a built-in or a CommonJS ``require``. New statements are written in the file's
    module system, quotes and semicolons, and go after the file's imports of the same group
    (see ``import_at``); several at one place become one edit, in request order. With
    ``order``, a new ES declaration goes where it keeps the order the file's declarations
    follow (see ``sorted_import_at``), when they follow one.
    """
    if order is None and style.sorted_imports:
        order = ImportOrder(sort_imports=(), by_module=True)
    namespace_builtin = builtin_namespace(style, facts)
    bindings: list[Binding] = []
    edits: list[TextEdit] = []
    new_at: dict[int, list[str]] = {}
    anchors: dict[int, TextEdit] = {}
    for request in requests:
        if request.module.startswith("node:"):  # built-ins are written the file's way
            request = request._replace(module=builtin_specifier(facts, request.module))
        matches = [imp for imp in facts.imports if same_module(imp.module, request.module)]
        matches.sort(key=lambda imp: not imp.top_level)
        whole_existing = next((imp for imp in matches if imp.default or imp.namespace), None)
        if request.members:
            request = _resolve_members(source, request, matches, whole_existing)
        binding = Binding(request.module)
        wants_whole = request.default or request.namespace
        new_whole: str | None = None
        if wants_whole:
            if whole_existing is not None:
                binding.local = whole_existing.default or whole_existing.namespace
            else:
                binding.local = new_whole = wants_whole
        missing: list[str] = []
        for name in request.names:
            named = next((imp.named[name] for imp in matches if name in imp.named), None)
            member_of = _member_source(source, whole_existing, request.module)
            if named is not None:
                binding.names[name] = named
            elif member_of is not None:
                binding.names[name] = f"{member_of}.{name}"
            else:
                missing.append(name)
                binding.names[name] = name
        if missing:
            extend = next((edit for imp in matches
                           if imp.named and (edit := _extend_named(source, imp, missing))), None)
            if extend is not None:
                edits.append(extend)
                missing = []
        if request.members and binding.local is not None:
            binding.names.update({m: f"{binding.local}.{m}" for m in request.members})
        statements = _statements(style, request, new_whole, missing, namespace_builtin)
        if statements:
            anchor = None
            if order is not None and len(statements) == 1 \
                    and (style.module == "esm" or style.typescript):
                anchor = sorted_import_at(source, facts, _new_import(
                    style, request, new_whole, missing, namespace_builtin), order)
            if anchor is None:
                anchor = import_at(source, facts, request.module,
                                   declaration=style.module == "esm" or style.typescript)
            anchors.setdefault(anchor.start, anchor)
            new_at.setdefault(anchor.start, []).extend(statements)
        bindings.append(binding)
    for at, statements in new_at.items():
        text = "\n".join(statements)
        if style.module != "esm" and not style.typescript \
                and _blank_line_after(source, facts, at):
            text += "\n"
        edits.append(import_edit(source, facts, text, at=anchors[at].start))
    return Imports(bindings, edits)


def _resolve_members(source: bytes, request: ImportRequest, matches: list[ImportFact],
                     whole_existing: ImportFact | None) -> ImportRequest:
    """Return ``request`` with its members asked for as the file's imports allow: as members
    of its whole-module binding, else as named exports when it imports names of the module
    (never a second import of it), else as members of a new whole-module import."""
    if _member_source(source, whole_existing, request.module) is not None:
        return request
    if any(imp.named for imp in matches):
        return ImportRequest(request.module, names=tuple(dict.fromkeys(
            (*request.names, *request.members))))
    return request


#: TypeScript's ``import x = require('y')``: ``x`` is the whole CommonJS module.
_IMPORT_EQUALS_RE = lazy_pattern(rb"import\s+[\w$]+\s*=\s*require\b")


def _member_source(source: bytes, imp: ImportFact | None, module: str) -> str | None:
    """Return the local whose members are the module's named exports: a namespace import, a
    CommonJS ``require`` binding, or the default import of a built-in (all CommonJS)."""
    if imp is None:
        return None
    if imp.namespace:
        return imp.namespace
    if imp.default and (is_builtin(module)
                        or not source[imp.start:imp.end].lstrip().startswith(b"import")
                        or _IMPORT_EQUALS_RE.match(source, imp.start)):
        return imp.default
    return None


#: A routing setting Express (4 and 5) reads once, when the app's router is made at its first
#: ``use``, route or ``param`` (``lazyrouter``): set after that, it is lost.
_ROUTING_SETTING_RE = lazy_pattern(rb"""['"`](?:case sensitive routing|strict routing)['"`]""")


def _after_routing_settings(source: bytes, app: AppFact, at: int) -> int:
    """Return where the lines of ``app``'s settings right after its creation (``app.set(…)``,
    ``enable``, ``disable``, one a line; blank and comment lines between) end, when one of
    them sets a routing setting (``_ROUTING_SETTING_RE``); else ``at``. Middleware added
    before ``app.set('case sensitive routing', true)`` would make the router with the
    setting still off."""
    if not app.name or not _ROUTING_SETTING_RE.search(source, at):
        return at
    setting = re.compile(rb"\s*" + re.escape(app.name.encode())
                         + rb"\s*\.\s*(?:set|enable|disable)\s*\(.*\)\s*;?\s*")
    pos, found = at, at
    while pos < len(source):
        eol = source.find(b"\n", pos)
        end = len(source) if eol == -1 else eol + 1
        line = source[pos:end].strip()
        if line and not line.startswith(b"//"):
            if setting.fullmatch(line) is None:
                break
            if _ROUTING_SETTING_RE.search(line):
                found = end
        pos = end
    return found


def after_app_edit(source: bytes, app: AppFact, statements: list[str]) -> TextEdit:
    """Return an edit inserting ``statements`` on their own lines right after the statement
    that creates ``app``, at its indentation (after the settings lines that follow it, when
    one of them is a routing setting Express reads when the router is made)."""
    at = _after_routing_settings(source, app, app.stmt_end)
    body = "".join(f"{app.indent}{s}\n" for s in statements)
    if at == len(source) and not source.endswith(b"\n"):
        return TextEdit(at, at, "\n" + body.rstrip("\n"))
    return TextEdit(at, at, body)


def columns(line: str, style: Style) -> int:
    """Return how many columns ``line`` takes, a tab counting as ``style.tab_width``."""
    return sum(style.tab_width if char == "\t" else 1 for char in line)


def use_statement(app: AppFact, call: str, style: Style, members: Sequence[str] = ()) -> str:
    """Return ``app.use(call({ members }))`` (``call()`` without members) in the file's style,
    laid out as prettier prints it within the project's width (``style.width``, at the app's
    indentation): on one line where it fits, else the argument on a line of its own, else the
    options one a line too. Lines after the first carry the app's indentation."""
    options = style.braces(", ".join(members)) if members else ""
    line = f"{app.name}.use({call}({options})){style.semi}"
    if style.width is None or columns(app.indent + line, style) <= style.width:
        return line
    inner = app.indent + style.indent
    argument_comma = "," if style.trailing_comma == "all" else ""
    argument = f"{call}({options}){argument_comma}"
    if members and columns(inner + argument, style) > style.width:
        comma = "" if style.trailing_comma == "none" else ","
        body = ",\n".join(inner + style.indent + member for member in members)
        argument = f"{call}({{\n{body}{comma}\n{inner}}}){argument_comma}"
    return f"{app.name}.use(\n{inner}{argument}\n{app.indent}){style.semi}"


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
    has it; also where the closing brace follows the last of members written one a line),
    ``, key: value`` in a single-line one. ``first`` puts them before the other
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
    if len(members) > 1 and last.start_point[0] > members[-2].end_point[0] \
            and not source[source.rfind(b"\n", 0, last.start_byte) + 1:last.start_byte].strip():
        # One member a line, the closing brace after the last (`{a: 1,\n   b: 2});`): the new
        # members go on lines of their own, in the last one's column.
        indent = line_indent(source, last.start_byte)
        if comma is not None:
            return [TextEdit(comma.end_byte, comma.end_byte,
                             "".join(f"\n{indent}{p}," for p in props))]
        return [TextEdit(last.end_byte, last.end_byte,
                         "".join(f",\n{indent}{p}" for p in props))]
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


def _member_path(node: Node | None) -> list[str] | None:
    """Return ``["opts", "limits", "fileSize"]`` for ``opts.limits.fileSize`` (also with a
    string subscript, ``opts['limits']``), or None when the chain does not start at a plain
    identifier."""
    path: list[str] = []
    while node is not None and node.type in ("member_expression", "subscript_expression"):
        if node.type == "member_expression":
            key = node.child_by_field_name("property")
            path.insert(0, key.text.decode() if key is not None and key.text else "")
        else:
            index = node.child_by_field_name("index")
            if index is None or index.type != "string":
                return None
            path.insert(0, (index.text or b"").decode()[1:-1])
        node = node.child_by_field_name("object")
    if node is None or node.type != "identifier":
        return None
    return [(node.text or b"").decode(), *path]


def _runs_before(assignment: Node, call: Node, *, surely: bool) -> bool:
    """Return True when ``assignment`` runs before ``call`` whenever ``call`` runs: it ends
    before the call, no function lies between the call and the assignment's scope, and (with
    ``surely``) it is a statement of its own in a block that holds the call, so no ``if``,
    loop, ``try`` or ``&&`` decides whether it runs; without ``surely`` it may sit under such a
    condition in the same function."""
    if assignment.end_byte > call.start_byte:
        return False
    stmt = assignment.parent
    if surely:
        if stmt is None or stmt.type != "expression_statement":
            return False
        scope = stmt.parent
        if scope is None or scope.type not in ("statement_block", "program"):
            return False
    else:
        scope = assignment.parent
        while scope is not None and scope.type not in FUNCTION_TYPES and scope.type != "program":
            scope = scope.parent
        if scope is None:
            return False
    if not (scope.start_byte <= call.start_byte and call.end_byte <= scope.end_byte):
        return False
    node = call.parent
    while node is not None and node != scope:
        if node.type in FUNCTION_TYPES:
            return False  # the call runs when that function is called: maybe before
        node = node.parent
    return node is not None


def assigned_properties(root: Node, name: str, path: tuple[str, ...] = (), *,
                        before: Node | None = None, surely: bool = True) -> dict[str, Node]:
    """Return the properties the file sets later on the object a variable holds
    (``name.key = value``, or ``name.a.key = value`` for ``path=("a",)``): key → the value of
    the last such assignment. Every assignment of the file counts, or, with ``before`` (a call
    handed the object), only those that run before it (``_runs_before``, ``surely`` or not)."""
    found: dict[str, Node] = {}
    for node in walk(root):
        if node.type != "assignment_expression":
            continue
        parts = _member_path(node.child_by_field_name("left"))
        value = node.child_by_field_name("right")
        if parts is None or value is None or len(parts) != len(path) + 2 \
                or parts[0] != name or tuple(parts[1:-1]) != path:
            continue
        if before is not None and not _runs_before(node, before, surely=surely):
            continue
        found[parts[-1]] = value
    return found
