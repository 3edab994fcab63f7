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
from collections.abc import Callable
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
    if style.indent != "  ":
        raw = _LEADING_RE.sub(lambda m: style.indent * (len(m.group(1)) // 2), raw)
    if style.eol != "\n":
        raw = raw.replace("\n", style.eol)
    return raw


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
