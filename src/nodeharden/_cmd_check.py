"""``nodeharden check``, ``rules`` and ``explain``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from nodeharden._catalog import get_rule, load_catalog
from nodeharden.errors import UsageError


class _ProgressBar:
    """A progress bar on stderr that appears only after about a second, and only when stderr
    is a terminal (nothing extra otherwise)."""

    def __init__(self) -> None:
        import time

        self._started = time.monotonic()
        self._progress: Any = None
        self._task: Any = None

    def update(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` files."""
        if self._progress is None:
            import time

            if time.monotonic() - self._started < 1.0 or total < 50:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(),
                                      transient=True, console=Console(file=sys.stderr))
            self._progress.start()
            self._task = self._progress.add_task("scan", total=total)
        self._progress.update(self._task, completed=done)

    def close(self) -> None:
        """Remove the bar (it is transient)."""
        if self._progress is not None:
            self._progress.stop()


def _progress_bar() -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """Return (callback, close) for a progress bar on stderr; no callback without a terminal."""
    if not sys.stderr.isatty():
        return None, lambda: None
    bar = _ProgressBar()
    return bar.update, bar.close


def open_output(path: Path) -> IO[str]:
    """Open a report file for writing, creating missing parent folders (the same policy as
    ``baseline FILE`` and ``fix --patch-dir``); an unwritable path is a one-line usage error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def changed_only(args: argparse.Namespace) -> set[str] | None:
    """Return the files changed since ``--diff REF`` (None when not asked)."""
    if getattr(args, "diff", None) is None:
        return None
    from nodeharden._gitdiff import changed_files

    return changed_files(Path(args.path), args.diff)


def run_check_command(args: argparse.Namespace) -> int:
    """Run ``nodeharden check`` and return the exit code."""
    from nodeharden._api import make_scanner
    from nodeharden._reports import render_json, render_sarif, render_text

    progress, close = _progress_bar()
    try:
        scanner = make_scanner(args.path, select=args.select, ignore=args.ignore,
                               include=args.include,
                               jobs=args.jobs, config_path=args.config,
                               only=changed_only(args), progress=progress)
        result = scanner.scan()
    finally:
        close()
    findings = result.findings
    if args.baseline is not None:
        from nodeharden._baseline import filter_new

        findings = filter_new(findings, args.baseline)
    audit_notes: list[str] = []
    audit_failure: str | None = None
    if args.audit and "dependency-audit" not in scanner.rule_ids and (
            args.select is not None or "dependency-audit" in (args.ignore or [])):
        # Contradictory flags: say so rather than skip the audit quietly.
        raise UsageError("--audit needs the dependency-audit rule, which --select/--ignore "
                         "leave out; add --select dependency-audit")
    if args.audit:  # the command line wins over a config file that leaves the rule out
        from nodeharden._audit import run_audit

        audit_findings, audit_notes = run_audit(result.root)
        # run_audit's notes say why it could not run: an audit that did not run is no clean
        # audit, so the report says so and the run exits 2.
        audit_failure = audit_notes[0] if audit_notes else None
        findings = sorted([*findings, *audit_findings], key=lambda f: f.sort_key())
    notes = [*result.notes, *audit_notes]
    failed = list(result.failed)
    if audit_failure is not None:
        from nodeharden._model import Skipped

        lockfile = next((n for n in ("package-lock.json", "npm-shrinkwrap.json")
                         if (result.root / n).is_file()), "package-lock.json")
        failed.append(Skipped(lockfile, audit_failure))
    out = sys.stdout
    handle = None
    if args.output is not None:
        handle = open_output(args.output)
        out = handle
    try:
        if args.format == "json":
            out.write(render_json(str(result.root), findings, result.skipped, failed, notes))
        elif args.format == "sarif":
            out.write(render_sarif(findings, result.skipped, failed))
        else:
            render_text(findings, result.skipped, failed,
                        [n for n in notes if n != audit_failure],
                        scanned=result.scanned, stream=out)
    finally:
        if handle is not None:
            handle.close()
    for note in notes if args.format != "text" else []:
        if note != audit_failure:
            print(f"nodeharden: note: {note}", file=sys.stderr)
    if audit_failure is not None:
        from nodeharden._cli import _print_error

        _print_error(audit_failure)
        return 2
    if result.failed:
        # A rule or the parser crashed: the report is incomplete, so it cannot pass.
        return 2
    if findings and not args.exit_zero:
        return 1
    return 0


def run_rules_command(args: argparse.Namespace) -> int:
    """Print the rule catalog as a table (one line per rule, no padding at line ends, when
    the output is not a terminal)."""
    from nodeharden._reports import use_color

    rows = [("id", "severity", "fix", "summary")] + [
        (meta.id, meta.severity, meta.fix if meta.fix != "none" else "report",
         " ".join(meta.summary.split())) for meta in load_catalog().values()]
    if not sys.stdout.isatty():
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths)]
            sys.stdout.write(("  ".join([*cells, row[3]])).rstrip() + "\n")
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console(no_color=not use_color(sys.stdout), highlight=False)
    table = Table(box=None, pad_edge=False, show_edge=False)
    for name in rows[0]:
        table.add_column(name, no_wrap=name != "summary")
    for row in rows[1:]:
        table.add_row(*row)
    console.print(table)
    return 0


def run_explain_command(args: argparse.Namespace) -> int:
    """Print one rule's docs."""
    meta = get_rule(args.rule)
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(meta.docs))
    else:
        sys.stdout.write(meta.docs if meta.docs.endswith("\n") else meta.docs + "\n")
    return 0
