"""``nodeharden check``, ``baseline``, ``rules`` and ``explain``: one typed call per command.

The argparse layer (``_cli``) turns the command line into keyword arguments; everything below
is the library (``_api.check`` does the scan, the baseline, the audit and ``--diff``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

from nodeharden._catalog import get_rule, load_catalog
from nodeharden._terminal import print_error, progress_bar, use_color
from nodeharden.errors import UsageError


def open_output(path: Path) -> IO[str]:
    """Open a report file for writing, creating missing parent folders (the same policy as
    ``baseline FILE`` and ``fix --patch-dir``); an unwritable path is a one-line usage error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def run_check(*, path: str, select: list[str] | None, ignore: list[str] | None,
              jobs: int | None, config_path: Path | None, diff: str | None,
              include: list[str] | None, format: str, output: Path | None,
              exit_zero: bool, audit: bool, baseline: Path | None,
              cache: bool = True) -> int:
    """Run ``nodeharden check`` and return the exit code."""
    from nodeharden._api import check
    from nodeharden._model import FailReason
    from nodeharden._reports import render_json, render_sarif, render_text

    progress, close = progress_bar()
    try:
        result = check(path, select=select, ignore=ignore, include=include, jobs=jobs,
                       config_path=config_path, diff=diff, progress=progress,
                       baseline=baseline, audit=audit, cache=cache)
    finally:
        close()
    findings = result.findings
    notes = result.notes
    failed = result.failed
    audit_failure = next((f.reason for f in failed if f.kind is FailReason.AUDIT), None)
    out = sys.stdout
    handle = None
    if output is not None:
        handle = open_output(output)
        out = handle
    try:
        if format == "json":
            out.write(render_json(str(result.root), findings, result.skipped, failed, notes))
        elif format == "sarif":
            out.write(render_sarif(findings, result.skipped, failed))
        else:
            render_text(findings, result.skipped, failed,
                        [n for n in notes if n != audit_failure],
                        scanned=result.scanned, stream=out)
    finally:
        if handle is not None:
            handle.close()
    for note in notes if format != "text" else []:
        if note != audit_failure:
            print(f"nodeharden: note: {note}", file=sys.stderr)
    if audit_failure is not None:
        print_error(audit_failure)
        return 2
    if failed:
        # A rule or the parser crashed: the report is incomplete, so it cannot pass.
        return 2
    if findings and not exit_zero:
        return 1
    return 0


def run_baseline(*, file: Path, path: str, select: list[str] | None,
                 ignore: list[str] | None, jobs: int | None, config_path: Path | None,
                 diff: str | None, include: list[str] | None) -> int:
    """Run ``nodeharden baseline FILE [PATH]``: write every current finding to FILE."""
    from nodeharden._api import check
    from nodeharden._baseline import write_baseline

    result = check(path, select=select, ignore=ignore, jobs=jobs, include=include,
                   config_path=config_path, diff=diff, join=False)  # one entry per place
    write_baseline(file, result.findings)
    n = len(result.findings)
    print(f"wrote {n} finding{'s' if n != 1 else ''} to {file}; "
          f"`nodeharden check --baseline {file}` now fails only on new ones")
    for failed in result.failed:
        print(f"nodeharden: warning: {failed.path}: {failed.reason} (its findings are not in "
              "the baseline)", file=sys.stderr)
    return 2 if result.failed else 0


def run_rules() -> int:
    """Print the rule catalog as a table (one line per rule, no padding at line ends, when
    the output is not a terminal)."""
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


def run_explain(*, rule: str) -> int:
    """Print one rule's docs."""
    meta = get_rule(rule)
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(meta.docs))
    else:
        sys.stdout.write(meta.docs if meta.docs.endswith("\n") else meta.docs + "\n")
    return 0
