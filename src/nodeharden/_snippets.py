"""Render the code snippets the copier template and the fixes share.

A module that ``nodeharden new`` ships and a fix writes into an existing app (the validation
middleware, …) is written once, as Jinja under ``templates/express-app/snippets/``: the
template's file includes it (copier's loader only reaches files inside the template's root, so
the snippets live there, outside the ``template/`` folder copier renders), and a rule renders
it here with the file's own style. Snippets are written with two-space indentation, and take
``quote`` and ``semi`` from the context (the template leaves them at their defaults, ``'`` and
``;``); ``render_snippet`` passes the style's and re-indents the result to the style's
indentation and line ends.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

from nodeharden._data import templates_dir
from nodeharden._model import TextEdit
from nodeharden._regex import lazy_pattern
from nodeharden._style import Style

#: The template whose root holds the snippets (and ``macros.jinja``).
TEMPLATE_ROOT = "express-app"
_LEADING_RE = lazy_pattern(r"^((?:  )*)", re.MULTILINE)


@functools.cache
def _environment() -> Any:
    """The sandboxed Jinja environment copier renders the template with, as far as snippets
    care: same loader root, trailing newline kept, lenient undefined variables."""
    from jinja2 import FileSystemLoader
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(loader=FileSystemLoader(str(templates_dir() / TEMPLATE_ROOT)),
                                keep_trailing_newline=True, autoescape=False)


def snippet_name(name: str) -> str:
    """Return the loader name of snippet ``name`` (``validate.js`` → ``snippets/validate.js.jinja``)."""
    return f"snippets/{name}.jinja"


def render_template_file(name: str, **context: Any) -> str:
    """Render a file of the template root (``template/src/validate.js.jinja``) as copier would
    with ``context`` as its answers: for tests that compare a snippet with what ``new`` ships."""
    rendered: str = _environment().get_template(name).render(**context)
    return rendered


def render_snippet(name: str, style: Style, **context: Any) -> str:
    """Return snippet ``name`` rendered in ``style``: its quotes, semicolons, indentation and
    line ends; ``typescript`` from the style unless ``context`` sets it. ``context`` holds the
    template answers the snippet reads (``module_system``…)."""
    context.setdefault("typescript", style.typescript)
    context.setdefault("module_system", "esm" if style.module == "esm" else "commonjs")
    raw: str = _environment().get_template(snippet_name(name)).render(
        quote=style.quote, semi=style.semi, **context)
    raw = restyle_layout(raw, style)
    if style.indent != "  ":
        raw = _LEADING_RE.sub(lambda m: style.indent * (len(m.group(1)) // 2), raw)
    if style.eol != "\n":
        raw = raw.replace("\n", style.eol)
    return raw


#: ``import {`` / ``const {`` / ``export {`` alone on a line: a list of names, one a line.
_LIST_OPEN_RE = lazy_pattern(r"^(import|const|let|var|export) \{$")
_FUNCTION_PAREN_RE = lazy_pattern(r"\b(function\*?(?: [\w$]+)?)\(")
_ARROW_PARENS_RE = lazy_pattern(r"(?<![\w$.])\(([\w$]+)\) =>")
_CONSOLE_RE = lazy_pattern(r"(?<![\w$.])console\.\w+\(")


def restyle_layout(code: str, style: Style) -> str:
    """Return ``code`` (a snippet as written: two-space indentation, ``{ a }``, trailing commas
    everywhere, ``function name(``, ``(x) =>``) laid out as ``style`` says: bracket spacing,
    trailing commas, the space before a function's parentheses, arrow parentheses, one-line
    import lists where they fit the width (as prettier prints them), and an
    ``eslint-disable-next-line no-console`` before a ``console`` call when the project forbids
    them. Comment lines are left as they are, unless the project's ESLint ``max-len`` holds
    comments to a width one of them passes (``_wrap_comments``)."""
    lines = code.split("\n")
    if style.width is not None:
        lines = _join_name_lists(lines, style.width)
    out: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.lstrip(" ")
        if stripped.startswith(("//", "/*", "*")):
            out.append(line)
            continue
        if not style.bracket_spacing:
            line = _tight_braces(line)
        if style.space_before_paren:
            line = _FUNCTION_PAREN_RE.sub(r"\1 (", line)
        if not style.arrow_parens:
            line = _ARROW_PARENS_RE.sub(r"\1 =>", line)
        if line.endswith(",") and not _keeps_trailing_comma(lines, index, style):
            line = line[:-1]
        if style.no_console and _CONSOLE_RE.search(line):
            indent = line[:len(line) - len(line.lstrip(" "))]
            out.append(indent + "// eslint-disable-next-line no-console")
        out.append(line)
    if style.width is not None:
        out = _break_signatures(out, style)
        out = _hug_arrow_arguments(out, style)
        out = _break_assignments(out, style)
    if style.comment_width is not None:
        out = _wrap_comments(out, style, style.comment_width)
    return "\n".join(out)


#: A declaration whose value has no brackets, strings or templates: a logical or comparing
#: expression (``a && b``), or a conditional whose test is one (``ok && x >= 400 ? x : 500``).
_ASSIGNMENT_RE = lazy_pattern(r"^( *)((?:const|let|var) [\w$]+ =) ([^()\[\]{}`'\"]+)$")
_BINARYISH_RE = lazy_pattern(r" (?:&&|\|\||\?\?|[<>]=?|[!=]==?|[-+*/%]) ")


def _break_assignments(lines: list[str], style: Style) -> list[str]:
    """Return ``lines`` with each such declaration wider than ``style.width`` broken after its
    ``=``, its value on the next line one level in when it fits there: prettier's layout for
    a value that is a logical or comparing expression, or a conditional whose test is one
    (its other values it breaks inside, and snippets write none that long)."""
    out: list[str] = []
    for line in lines:
        found = _ASSIGNMENT_RE.match(line)
        if found is not None and _columns(line, style) > style.width:  # type: ignore[operator]
            indent, head, value = found.groups()
            inner = f"{indent}  {value}"
            if _BINARYISH_RE.search(value.split(" ? ")[0]) \
                    and _columns(inner, style) <= style.width:  # type: ignore[operator]
                out += [indent + head, inner]
                continue
        out.append(line)
    return out


#: A ``//`` comment line of prose (not a directive such as ``// eslint-disable-next-line``).
_PROSE_COMMENT_RE = lazy_pattern(r"^( *)// (?!eslint|prettier|@ts-|istanbul|c8 |biome-)(\S.*)$")


def _wrap_comments(lines: list[str], style: Style, width: int) -> list[str]:
    """Return ``lines`` with each run of ``//`` prose comment lines at one indentation that
    has a line wider than ``width`` (ESLint's ``max-len`` for comments; prettier never wraps
    them) filled again as one paragraph within it."""
    import textwrap

    out: list[str] = []
    index = 0
    while index < len(lines):
        found = _PROSE_COMMENT_RE.match(lines[index])
        if found is None:
            out.append(lines[index])
            index += 1
            continue
        indent, words = found.group(1), [found.group(2)]
        end = index + 1
        while end < len(lines) and (more := _PROSE_COMMENT_RE.match(lines[end])) \
                and more.group(1) == indent:
            words.append(more.group(2))
            end += 1
        run = lines[index:end]
        if any(_columns(line, style) > width for line in run):
            room = width - _columns(indent + "// ", style)
            run = [indent + "// " + part for part in textwrap.wrap(
                " ".join(words), max(room, 20), break_long_words=False,
                break_on_hyphens=False)]
        out.extend(run)
        index = end
    return out


#: A function's signature on one line: ``function name(params) {`` (a return type allowed).
_SIGNATURE_RE = lazy_pattern(
    r"^( *)((?:return |export )?(?:async )?function\*? ?[\w$]* ?)\((.+)\)((?:: [^{]+)?) \{$")


def _columns(line: str, style: Style) -> int:
    """Return how wide ``line`` (two spaces a level) is once indented with ``style``'s
    indentation, a tab counting as ``tab_width`` columns as prettier counts it."""
    stripped = line.lstrip(" ")
    unit = style.tab_width if style.indent == "\t" else len(style.indent)
    return (len(line) - len(stripped)) // 2 * unit + len(stripped)


def _unquoted(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Yield the index, character and bracket depth (before it) of each character of ``text``
    from ``start`` that is outside quoted strings (backslash escapes skipped)."""
    depth, quote, i = 0, "", start
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        else:
            yield i, char, depth
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
        i += 1


def split_top_level(text: str) -> list[str]:
    """Return ``text`` (what is between two brackets: parameters, arguments, array entries)
    split at its top-level commas, each part stripped, empty ones dropped. Commas inside
    brackets or quoted strings do not split."""
    parts: list[str] = []
    start = 0
    for i, char, depth in _unquoted(text):
        if char == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def closing_bracket(text: str, open_at: int) -> int:
    """Return the index of the bracket that closes the one at ``open_at`` (-1 if none), over
    quoted strings."""
    return next((i for i, char, depth in _unquoted(text, open_at)
                 if char in ")]}" and depth == 1), -1)


def _break_signatures(lines: list[str], style: Style) -> list[str]:
    """Return ``lines`` with each function signature wider than ``style.width`` written one
    parameter a line, as prettier prints it (a trailing comma after the last one with
    ``trailingComma: all``)."""
    out: list[str] = []
    for line in lines:
        match = _SIGNATURE_RE.match(line)
        params = split_top_level(match.group(3)) if match else []
        if match is None or _columns(line, style) <= style.width or len(params) < 2:  # type: ignore[operator]
            out.append(line)
            continue
        lead, head, _, returns = match.groups()
        out.append(f"{lead}{head}(")
        last = "," if style.trailing_comma == "all" else ""
        out.extend(f"{lead}  {param}{',' if i < len(params) - 1 else last}"
                   for i, param in enumerate(params))
        out.append(f"{lead}){returns} {{")
    return out


def _hug_arrow_arguments(lines: list[str], style: Style) -> list[str]:
    """Return ``lines`` with each sole arrow argument written with its parameters one a line
    (``app.use(\n  (\n    err: …,\n    next: …\n  ) => {\n    …\n  }\n);``, what prettier
    prints at its usual widths) laid out as prettier prints it where a line holds more:
    hugged by the call (``app.use((err: …, next: …) => {`` and the body one level out) when
    that line fits ``style.width``, else its parameters on the arrow's line when that fits."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        lead = line[:len(line) - len(line.lstrip(" "))]
        shape = _arrow_argument(lines, index, lead) if line.endswith("(") else None
        if shape is None:
            out.append(line)
            index += 1
            continue
        close, end = shape
        params = ", ".join(p.strip().rstrip(",") for p in lines[index + 2:close])
        body = lines[close + 1:end]
        hugged = f"{line}({params}) => {{"
        joined = f"{lead}  ({params}) => {{"
        if _columns(hugged, style) <= style.width:  # type: ignore[operator]
            out.append(hugged)
            out.extend(b[2:] if b.startswith(lead + "  ") else b for b in body)
            out.append(lead + "}" + lines[end + 1][len(lead):])
        elif _columns(joined, style) <= style.width:  # type: ignore[operator]
            out.extend([line, joined, *body, lines[end], lines[end + 1]])
        else:
            out.extend(lines[index:end + 2])
        index = end + 2
    return out


def _arrow_argument(lines: list[str], index: int, lead: str) -> tuple[int, int] | None:
    """Return (the ``) => {`` line, the line closing the arrow) of a sole arrow argument
    opened at ``lines[index]`` (a line ending ``(``, then ``(`` one level in), or None."""
    if index + 1 >= len(lines) or lines[index + 1] != f"{lead}  (":
        return None
    close = index + 2
    while close < len(lines) and lines[close].startswith(f"{lead}    ") \
            and not lines[close][len(lead) + 4:].startswith(" "):
        close += 1
    if close == index + 2 or close >= len(lines) or lines[close] != f"{lead}  ) => {{":
        return None
    end = close + 1
    while end < len(lines) and (not lines[end] or lines[end].startswith(f"{lead}    ")):
        end += 1
    if end + 1 >= len(lines) or lines[end] not in (f"{lead}  }}", f"{lead}  }},") \
            or not lines[end + 1].startswith(f"{lead})"):
        return None
    return close, end


def _keeps_trailing_comma(lines: list[str], index: int, style: Style) -> bool:
    """Return True when the comma ending ``lines[index]`` stays: it is no trailing comma (the
    next line does not close the list), or ``style`` keeps trailing commas in that kind of
    list (``es5``: arrays, objects and imports; ``all``: also parameters and arguments)."""
    following = next((line.strip() for line in lines[index + 1:] if line.strip()), "")
    if not following or following[0] not in ")]}":
        return True
    if style.trailing_comma == "all":
        return True
    return style.trailing_comma == "es5" and following[0] != ")"


def _join_name_lists(lines: list[str], width: int) -> list[str]:
    """Return ``lines`` with each top-level ``import {`` / ``const {`` list of plain names
    written on one line where that line fits in ``width`` columns (prettier prints such a
    list on one line when it fits, and one name a line when it does not)."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _LIST_OPEN_RE.match(line):
            end = index + 1
            names: list[str] = []
            while end < len(lines) and re.fullmatch(r"  [\w$]+(?: as [\w$]+)?,", lines[end]):
                names.append(lines[end].strip().rstrip(","))
                end += 1
            if names and end < len(lines) and lines[end].startswith("} "):
                joined = f"{line} {', '.join(names)} {lines[end]}"
                if len(joined) <= width:
                    out.append(joined)
                    index = end + 1
                    continue
        out.append(line)
        index += 1
    return out


def _tight_braces(line: str) -> str:
    """Return ``line`` with the spaces inside each one-line ``{ … }`` removed (``{a}``); a
    ``{`` that ends the line opens a block and is left alone."""
    chars = list(line)
    opens: list[int] = []
    drop: set[int] = set()
    quote = ""
    for i, char in enumerate(line):
        if quote:
            if char == quote and line[i - 1] != "\\":
                quote = ""
            continue
        if char in "'\"`":
            quote = char
        elif char == "{":
            opens.append(i)
        elif char == "}" and opens:
            start = opens.pop()
            if i - start > 2 and line[start + 1] == " " and line[i - 1] == " ":
                drop.update((start + 1, i - 1))
    return "".join(c for i, c in enumerate(chars) if i not in drop)


class DeferredEdit(TextEdit):
    """An edit at ``start:end`` whose content ``produce()`` returns when ``content`` is first
    read. ``check`` only reports that a fix exists, so a rule whose fix text comes from a
    snippet costs it no Jinja (about 0.1 s to import and compile); ``fix`` and ``--dry-run``
    read the content and produce it once. ``produce`` must pickle (a module-level function or
    a ``functools.partial`` of one): findings cross process boundaries."""

    _render: Callable[[], str]

    def __init__(self, start: int, end: int, produce: Callable[[], str]) -> None:
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "_render", produce)

    @functools.cached_property
    def content(self) -> str:
        """The produced text."""
        return self._render()


class SnippetEdit(DeferredEdit):
    """An edit inserting snippet ``name`` (rendered by ``render_snippet``) at ``start:end``,
    rendered when its ``content`` is first read (see ``DeferredEdit``)."""

    def __init__(self, start: int, end: int, name: str, style: Style, **context: Any) -> None:
        super().__init__(start, end, functools.partial(render_snippet, name, style, **context))
