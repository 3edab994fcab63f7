"""The questionary wizard that ``nodeharden`` opens when run with no arguments in a terminal:
create a new hardened app, check this folder, or harden it fix by fix.

The wizard only gathers answers and calls the library (``_scaffold.new``, ``_api.check``, the
interactive review in ``_interactive``). Ctrl-C anywhere raises ``KeyboardInterrupt``, which the
CLI turns into one line and exit code 130; nothing is half-written because the template renders
into a staging folder and fixes are written only after the review.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nodeharden.errors import DirtyTreeError

if TYPE_CHECKING:
    from rich.console import Console

NEW = "new"
CHECK = "check"
HARDEN = "harden"
QUIT = "quit"


def run_wizard() -> int:
    """Ask what to do, do it, and return the exit code."""
    import questionary

    from nodeharden._terminal import make_console, require_terminal

    require_terminal("the wizard")
    console = make_console()
    console.print("[bold]nodeharden[/bold]: make Express.js backends secure by default")
    action = questionary.select(
        "What do you want to do?",
        choices=[
            questionary.Choice("Create a new hardened Express app", NEW),
            questionary.Choice("Check this folder (report only)", CHECK),
            questionary.Choice("Harden this folder (review each fix)", HARDEN),
            questionary.Choice("Quit", QUIT),
        ],
    ).unsafe_ask()
    if action == NEW:
        return new_app(console)
    if action == CHECK:
        return check_folder(console, Path("."))
    if action == HARDEN:
        return harden_folder(console, Path("."))
    return 0


# New app


def _render_default(value: Any, answers: dict[str, Any]) -> Any:
    """Return a question's default, rendering Jinja in it against the answers so far."""
    if not isinstance(value, str) or ("{{" not in value and "{%" not in value):
        return value
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])
    return env.from_string(value).render(**answers).strip()


def ask_text(console: Console, message: str, default: str | None,
             problem: Callable[[str], str | None]) -> str:
    """Ask for text; Enter keeps ``default`` (shown in the prompt, not pre-filled, so typing
    replaces it). A rejected answer's reason is printed in full and the question asked again."""
    import questionary
    from rich.markup import escape

    shown = f"{message} ({default})" if default else message
    while True:
        text = str(questionary.text(shown).unsafe_ask())
        if not text and default is not None:
            text = default
        why = problem(text)
        if why is None:
            return text
        console.print(f"[red]{escape(why)}[/red]")


def ask_question(console: Console, question: Any, answers: dict[str, Any]) -> Any:
    """Ask one template question with its help, default, choices and validator."""
    import questionary
    from rich.markup import escape

    default = _render_default(question.default, answers)
    if question.help:
        console.print(f"[dim]{escape(question.help)}[/dim]")
    if question.type == "bool":
        value = questionary.confirm(question.name, default=bool(default)).unsafe_ask()
    elif question.choices:
        choices = [questionary.Choice(c.label, c.value) for c in question.choices]
        chosen = next((c for c in choices if c.value == default), None)
        value = questionary.select(question.name, choices=choices, default=chosen).unsafe_ask()
    else:
        value = ask_text(console, question.name, None if default is None else str(default),
                         lambda text: question.validate(text, answers))
    return question.cast(value)


def _folder_problem(text: str) -> str | None:
    if not text.strip():
        return "give a folder name"
    path = Path(text).expanduser()
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        return f"{text} exists and is not an empty folder"
    return None


def new_app(console: Console) -> int:
    """Ask the template's questions, show a summary, and render the app."""
    import questionary
    from rich.markup import escape
    from rich.table import Table

    from nodeharden import _scaffold

    questions = _scaffold.load_questions()
    console.print("Answer the template's questions (Enter keeps the default).")
    answers: dict[str, Any] = {}
    for question in questions:
        if question.is_asked(answers):  # e.g. redis_strict only with the Redis store
            answers[question.name] = ask_question(console, question, answers)
    suggested = str(answers.get("project_name", "my-api")).rsplit("/", 1)[-1]
    dest = Path(ask_text(console, "Folder to create", suggested, _folder_problem)).expanduser()

    table = Table(title="Your new app", box=None, pad_edge=False, title_justify="left")
    table.add_column("question", no_wrap=True)
    table.add_column("answer")
    labels = {q.name: {c.value: c.label for c in q.choices} for q in questions}
    for name, value in answers.items():
        shown = labels.get(name, {}).get(value, value)
        table.add_row(name, escape("yes" if value is True else "no" if value is False
                                   else str(shown)))
    table.add_row("folder", escape(str(dest)))
    console.print()
    console.print(table)
    if not questionary.confirm(f"Create the app in {dest}?", default=True).unsafe_ask():
        console.print("Nothing was created.")
        return 0
    # The template's own closing message ("Created …. Next, in its folder: …") is printed by
    # the renderer; the wizard adds no second one.
    _scaffold.new(dest, data=answers, data_file=None, defaults=True, pretend=False,
                  overwrite=False, interactive=False)
    return 0


# Check and harden


def _scan(path: Path):  # type: ignore[no-untyped-def]
    from nodeharden._api import check
    from nodeharden._terminal import progress_bar

    progress, close = progress_bar()
    try:
        return check(path, progress=progress)
    finally:
        close()


def check_folder(console: Console, path: Path) -> int:
    """Print the check report of ``path``; return check's exit code."""
    import sys

    from nodeharden._reports import render_text

    result = _scan(path)
    render_text(result.findings, result.skipped, result.failed, result.notes,
                scanned=result.scanned, stream=sys.stdout)
    if result.failed:
        return 2
    return 1 if result.findings else 0


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def harden_folder(console: Console, path: Path) -> int:
    """Check ``path``, let the user pick rules, then review each fix of those rules."""
    import questionary
    from rich.table import Table

    from nodeharden._catalog import RULE_IDS
    from nodeharden._cmd_fix import finish_review
    from nodeharden._fixer import ensure_clean_tree
    from nodeharden._interactive import review

    result = _scan(path)
    findings = result.findings
    if not findings:
        console.print(f"[green]No findings[/green] in {_plural(result.scanned, 'file')}: "
                      "nothing to harden.")
        return 0
    order = {rule: i for i, rule in enumerate(RULE_IDS)}
    total: Counter[str] = Counter(sorted((f.rule for f in findings),
                                         key=lambda rule: order.get(rule, len(order))))
    safe: Counter[str] = Counter(f.rule for f in findings
                                 if f.fix is not None and f.fix.applicability == "safe")
    unsafe: Counter[str] = Counter(f.rule for f in findings
                                   if f.fix is not None and f.fix.applicability == "unsafe")
    table = Table(box=None, pad_edge=False, title=f"{_plural(len(findings), 'finding')} in "
                  f"{_plural(result.scanned, 'file')}", title_justify="left")
    for column in ("rule", "findings", "safe fixes", "unsafe fixes", "report only"):
        table.add_column(column, no_wrap=True, justify="left" if column == "rule" else "right")
    for rule, n in total.items():
        table.add_row(rule, str(n), str(safe[rule]), str(unsafe[rule]),
                      str(n - safe[rule] - unsafe[rule]))
    console.print(table)
    fixable = [rule for rule in total if safe[rule] or unsafe[rule]]
    if not fixable:
        console.print("None of these has an automatic fix; see `nodeharden explain RULE`.")
        return 0
    choices = []
    for rule in fixable:
        parts = []
        if safe[rule]:
            parts.append(_plural(safe[rule], "safe fix", "safe fixes"))
        if unsafe[rule]:
            parts.append(_plural(unsafe[rule], "UNSAFE fix", "UNSAFE fixes")
                         + " (may change behaviour)")
        choices.append(questionary.Choice(f"{rule}: {', '.join(parts)}", rule,
                                          checked=bool(safe[rule])))
    chosen = questionary.checkbox(
        "Rules to fix (you review each fix)",
        choices=choices).unsafe_ask()
    if not chosen:
        console.print("No rule chosen; nothing was changed.")
        return 0
    force = False
    try:
        ensure_clean_tree(result.root)
    except DirtyTreeError as exc:
        console.print(f"[yellow]{exc}[/yellow]")
        force = questionary.confirm("Write into the dirty tree anyway?",
                                    default=False).unsafe_ask()
        if not force:
            console.print("Nothing was changed.")
            return 0
    with_unsafe = any(unsafe[rule] for rule in chosen)
    plan, reviewer = review(path, select=list(chosen), unsafe=with_unsafe, console=console)
    shown = os.path.relpath(result.root) if result.root != Path.cwd() else "."
    return finish_review(console, plan, reviewer, shown, force=force)
