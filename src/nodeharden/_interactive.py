"""``nodeharden fix --interactive``: review each fix as a diff and decide, one by one.

The engine asks through the ``accept`` callback of ``plan_fixes``; this module only shows the
fix and gathers the answer (``review``) and prints the review's summary. Writing is the
command's job (``_cmd_fix.finish_review`` calls the engine's one writer): nothing is written
until the review is over, so Ctrl-C leaves every file as it was; quitting writes exactly what
was accepted so far.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nodeharden._catalog import get_rule
from nodeharden._fixer import FixResult, apply_fix, file_diff, manifest_for, plan_fixes, summarize
from nodeharden._model import FileOutcome, Finding, Fix
from nodeharden._record import field, record
from nodeharden._scan import Scanner, ScanResult
from nodeharden._terminal import make_console, progress_bar

if TYPE_CHECKING:
    from rich.console import Console

APPLY = "apply"
SKIP = "skip"
APPLY_RULE = "apply-rule"
SKIP_RULE = "skip-rule"
DOCS = "docs"
QUIT = "quit"

#: Diff lines kept on screen for one fix; the rest is summarised (the full diff is in
#: ``fix --dry-run``).
MAX_DIFF_LINES = 40


class _SnapshotScanner:
    """A scanner that remembers the overlay of its latest scan: the contents every finding of
    the current fix pass refers to."""

    def __init__(self, inner: Scanner) -> None:
        self.inner = inner
        self.project = inner.project
        self.overlay: dict[str, bytes | None] = {}

    def __getattr__(self, name: str) -> Any:
        # Everything else the engine reads (runtime, rule_ids, …) is the inner scanner's.
        return getattr(self.inner, name)

    def scan(self, overlay: dict[str, bytes | None] | None = None) -> ScanResult:
        self.overlay = dict(overlay or {})
        return self.inner.scan(overlay)

    def contents(self, rel: str) -> bytes | None:
        """Return ``rel`` as the current pass sees it (None: the file does not exist)."""
        if rel in self.overlay:
            return self.overlay[rel]
        try:
            return (self.project.root / rel).read_bytes()
        except OSError:
            return None


def fix_diff(fix: Fix, contents: Callable[[str], bytes | None], *,
             manifest: str = "package.json") -> str:
    """Return the unified diff of applying ``fix`` alone to ``contents`` (new files and the
    ``manifest`` entries of its dependencies included)."""
    after = apply_fix(fix, contents, manifest=manifest)
    return "".join(file_diff(rel, contents(rel), data) for rel, data in after.items())


@record
class Decision:
    """What the user decided for one finding."""

    finding: Finding
    accepted: bool


@record
class Reviewer:
    """The ``accept`` callback of ``plan_fixes``: shows each fix and asks what to do."""

    scanner: _SnapshotScanner
    console: Console
    ask: Callable[[Finding], str]
    decisions: list[Decision] = field(default_factory=list)
    rules_accepted: set[str] = field(default_factory=set)
    rules_skipped: set[str] = field(default_factory=set)
    quit: bool = False
    asked: int = 0

    def __call__(self, finding: Finding) -> bool:
        # The engine asks once per finding (plan_fixes remembers every answer across passes).
        if self.quit or finding.rule in self.rules_skipped:
            return self._decide(finding, False)
        if finding.rule in self.rules_accepted:
            return self._decide(finding, True)
        self.asked += 1
        self.show(finding)
        while True:
            answer = self.ask(finding)
            if answer == DOCS:
                show_docs(self.console, finding.rule)
                continue
            break
        if answer == APPLY_RULE:
            self.rules_accepted.add(finding.rule)
        elif answer == SKIP_RULE:
            self.rules_skipped.add(finding.rule)
        elif answer == QUIT:
            self.quit = True
        return self._decide(finding, answer in (APPLY, APPLY_RULE))

    def _decide(self, finding: Finding, accepted: bool) -> bool:
        self.decisions.append(Decision(finding, accepted))
        return accepted

    def show(self, finding: Finding) -> None:
        """Print the rule, its docs summary and the fix's diff."""
        from rich.markup import escape
        from rich.padding import Padding
        from rich.text import Text

        console = self.console
        fix = finding.fix
        assert fix is not None
        meta = get_rule(finding.rule)
        console.print()
        safety = "[green]safe[/green]" if fix.applicability == "safe" else \
            "[magenta]unsafe[/magenta]"
        console.print(
            f"[bold]fix {self.asked}[/bold]  [bold cyan]{finding.rule}[/bold cyan]  "
            f"{escape(finding.path)}:{finding.line}  ({safety})")
        for line, style in ((finding.message, ""), (meta.docs_summary, "dim"),
                            (f"fix: {fix.title}", "")):
            console.print(Padding(Text(line, style=style), (0, 0, 0, 2)))
        print_diff(console, fix_diff(fix, self.scanner.contents,
                                     manifest=manifest_for(fix, self.scanner.package_dirs)))


def print_diff(console: Console, diff: str) -> None:
    """Print a unified diff, coloured when the console has colour."""
    from rich.text import Text

    lines = diff.splitlines()
    shown = lines[:MAX_DIFF_LINES]
    for line in shown:
        style = ""
        if line.startswith(("+++", "---", "diff --git", "new file")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        console.print(Text(line, style=style), overflow="fold")
    if len(lines) > len(shown):
        console.print(
            f"[dim]… {len(lines) - len(shown)} more diff lines "
            "(see them all with `nodeharden fix --dry-run`)[/dim]")


def show_docs(console: Console, rule: str) -> None:
    """Print a rule's docs."""
    from rich.markdown import Markdown

    console.print()
    console.print(Markdown(get_rule(rule).docs))
    console.print()


def ask_with_questionary(finding: Finding) -> str:
    """Ask what to do with one fix; Ctrl-C raises KeyboardInterrupt."""
    import questionary

    choices = [
        questionary.Choice("apply this fix", APPLY),
        questionary.Choice("skip this fix", SKIP),
        questionary.Choice(f"apply all {finding.rule} fixes", APPLY_RULE),
        questionary.Choice(f"skip all {finding.rule} fixes", SKIP_RULE),
        questionary.Choice("view the rule's docs", DOCS),
        questionary.Choice("quit (write what was accepted so far)", QUIT),
    ]
    answer = questionary.select("Apply this fix?", choices=choices,
                                use_shortcuts=True).unsafe_ask()
    if answer is None:  # pragma: no cover - questionary returns None only on EOF
        raise KeyboardInterrupt
    return str(answer)


def review(path: Path | str, *, select: list[str] | None = None,
           ignore: list[str] | None = None, unsafe: bool = False, jobs: int | None = None,
           config_path: Path | None = None, only: set[str] | None = None,
           prefilter: Callable[[Finding], bool] | None = None,
           console: Console | None = None,
           ask: Callable[[Finding], str] = ask_with_questionary,
           include: list[str] | None = None, lockfile: bool = True,
           ) -> tuple[FixResult, Reviewer]:
    """Ask about every candidate fix of the project at ``path``; return the plan of the
    accepted ones (nothing is written)."""
    from nodeharden._api import make_scanner

    console = console or make_console()
    progress, close = progress_bar()
    try:
        inner = make_scanner(path, select=select, ignore=ignore, jobs=jobs, include=include,
                             config_path=config_path, only=only, progress=progress)
        scanner = _SnapshotScanner(inner)
        reviewer = Reviewer(scanner, console, ask)
        first = True

        def accept(finding: Finding) -> bool:
            nonlocal first
            if first:
                close()  # the first scan is done: no progress bar under the prompts
                first = False
            if prefilter is not None and not prefilter(finding):
                return False
            return reviewer(finding)

        # plan_fixes needs only .project and .scan(): the snapshot scanner stands in.
        result = plan_fixes(scanner, unsafe=unsafe, accept=accept,  # type: ignore[arg-type]
                            lockfiles=lockfile)
    finally:
        close()
    return result, reviewer


def rerun_command(path: str, reviewer: Reviewer) -> tuple[str | None, list[str]]:
    """Return the non-interactive command that makes the same choices, and the rules whose
    per-finding choices it cannot reproduce."""
    accepted_rules: dict[str, list[Decision]] = {}
    for decision in reviewer.decisions:
        accepted_rules.setdefault(decision.finding.rule, []).append(decision)
    unsafe = any(d.accepted and d.finding.fix is not None
                 and d.finding.fix.applicability == "unsafe" for d in reviewer.decisions)
    selected: list[str] = []
    mixed: list[str] = []
    for rule, decisions in accepted_rules.items():
        if not any(d.accepted for d in decisions):
            continue
        # A declined fix that the re-run would apply makes the rule's choices mixed.
        would_apply = [d for d in decisions if not d.accepted and d.finding.fix is not None
                       and (unsafe or d.finding.fix.applicability == "safe")]
        (mixed if would_apply else selected).append(rule)
    if not selected and not mixed:
        return None, []
    parts = ["nodeharden", "fix", shlex.quote(path), "--select", ",".join(selected + mixed)]
    if unsafe:
        parts.append("--unsafe")
    return " ".join(parts), mixed


def print_summary(console: Console, result: FixResult, reviewer: Reviewer, path: str, *,
                  written: bool, outcomes: list[FileOutcome]) -> None:
    """Print what was accepted and written, and how to repeat it without questions."""
    from rich.markup import escape

    c = console
    accepted = [d for d in reviewer.decisions if d.accepted]
    declined = [d for d in reviewer.decisions if not d.accepted]
    c.print()
    if not reviewer.decisions:
        c.print("No fix to review.")
        return
    c.print(f"[bold]Accepted {len(accepted)} fix{'es' if len(accepted) != 1 else ''}, "
            f"declined {len(declined)}.[/bold]"
            + ("  (quit early: the rest was declined)" if reviewer.quit else ""))
    summary = summarize(result, outcomes)
    if summary.by_rule:
        c.print("applied: " + ", ".join(f"{rule} ×{n}" for rule, n in summary.by_rule.items()))
    changed = summary.changed
    if changed:
        verb = "changed" if written else "would change"
        c.print(f"{verb} {len(changed)} file{'s' if len(changed) != 1 else ''}: "
                + escape(", ".join(changed)))
    else:
        c.print("No file changed.")
    for o in summary.failed:
        c.print(f"[red]failed[/red] {escape(o.path)}: {escape(o.reason)}")
    accepted_keys = {(d.finding.rule, d.finding.path, d.finding.line) for d in accepted}
    for finding, reason in summary.not_applied:
        if (finding.rule, finding.path, finding.line) in accepted_keys:
            c.print(f"not applied: {finding.rule} {escape(finding.path)}:{finding.line}: "
                    f"{escape(reason)}")
    command, mixed = rerun_command(path, reviewer)
    if command is None:
        return
    if not mixed:
        c.print("To make the same choices without questions:")
        c.print(f"  {escape(command)}", soft_wrap=True)
        return
    c.print("The closest command without questions:")
    c.print(f"  {escape(command)}", soft_wrap=True)
    c.print(
        f"[yellow]note:[/yellow] it cannot repeat your choices exactly: you accepted some "
        f"fixes of {', '.join(mixed)} and declined others, and it applies all of them. To keep "
        "a finding as it is, add `// nodeharden-ignore RULE` on or above its line first, or "
        "fix exactly the findings listed in a SARIF file with `--from-sarif FILE`.")
