"""The ``nodeharden`` command line: argument parsing, one error boundary, exit codes.

Heavy modules (copier, questionary) are imported only by the subcommands that need them, so
``nodeharden check`` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypedDict

from nodeharden._terminal import print_error
from nodeharden._version import __version__
from nodeharden.errors import NodehardenError, UsageError


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, sized to the terminal without ``shutil``: argparse makes a
    formatter for each argument it is given (to test its metavar), and the default one imports
    ``shutil`` (with ``bz2`` and ``lzma``) for the width, 1.5 ms of every start (issue 17)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        if width is None:
            width = _columns() - 2  # as argparse does
        super().__init__(prog, indent_increment, max_help_position, width)


def _columns() -> int:
    """Return the terminal's width as ``shutil.get_terminal_size`` does: ``COLUMNS`` when it is
    a positive number, else the width of standard output's terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Parser(argparse.ArgumentParser):
    """argparse that raises ``UsageError`` instead of printing usage and exiting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _split_rules(values: list[str] | None) -> list[str] | None:
    """Flatten repeated ``--select a,b --select c`` into ``[a, b, c]``."""
    if values is None:
        return None
    out: list[str] = []
    for value in values:
        out.extend(part for part in value.split(",") if part)
    return out


_CONFIG_WINS = ("Options given on the command line win over .nodeharden.yml: --select replaces "
                "the file's select and ignore, --ignore replaces the file's ignore.")


def _add_common_scan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", default=".", help="project folder (default: current)")
    p.add_argument("--select", action="append", metavar="RULE",
                   help="only these rules; repeat the flag or give a comma list "
                        "(--select helmet --select rate-limit, --select helmet,rate-limit)")
    p.add_argument("--ignore", action="append", metavar="RULE",
                   help="skip these rules; repeat the flag or give a comma list")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="worker processes (default: all cores)")
    p.add_argument("--config", type=Path, default=None, metavar="FILE",
                   help="options file (default: .nodeharden.yml in the project root)")
    p.add_argument("--diff", metavar="REF", default=None,
                   help="only files changed since this git ref")
    p.add_argument("--include", action="append", metavar="ROLE",
                   help="also scan files of these roles, left out by default: tests, examples, "
                        "fixtures, scripts, browser, frontend, generated, all (repeat the flag "
                        "or give a comma list; adds to roles: in .nodeharden.yml)")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``nodeharden`` command."""
    parser = _Parser(
        prog="nodeharden",
        description="Make Express.js backends secure by default: new, check, fix.",
    )
    parser.add_argument("--version", action="version", version=f"nodeharden {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    check = sub.add_parser("check", help="report what a codebase lacks", epilog=_CONFIG_WINS)
    _add_common_scan_options(check)
    check.add_argument("--format", choices=["text", "json", "sarif"], default=None,
                       help="report format (default: from --output's extension .sarif, .json "
                            "or .txt, else text)")
    check.add_argument("--output", "-o", type=Path, default=None, metavar="FILE",
                       help="write the report to FILE instead of standard output (missing "
                            "parent folders are created)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--audit", action="store_true",
                       help="also run npm audit on the lockfile (exit 2 when it cannot run)")
    check.add_argument("--baseline", type=Path, default=None, metavar="FILE",
                       help="report only findings that are not in this baseline")
    check.add_argument("--no-cache", action="store_true",
                       help="scan every file again instead of reusing the per-file results "
                            "kept in .nodeharden_cache/ (git-ignored; reused only while the "
                            "file, the rules, the config and nodeharden are unchanged)")

    fix = sub.add_parser("fix", help="retrofit the hardening with codemods", epilog=_CONFIG_WINS)
    _add_common_scan_options(fix)
    fix.add_argument("--dry-run", action="store_true", help="print a unified diff, write nothing")
    fix.add_argument("--unsafe", action="store_true", help="also apply unsafe fixes")
    fix.add_argument("--force", action="store_true", help="write into a dirty git tree")
    fix.add_argument("--format", choices=["text", "json"], default="text",
                     help="text summary, or a JSON report of every change (with --dry-run it "
                          "includes the diff)")
    fix.add_argument("--patch-dir", type=Path, default=None, metavar="DIR",
                     help="write one patch per rule into DIR, change nothing")
    fix.add_argument("--interactive", "-i", action="store_true", help="review each fix")
    fix.add_argument("--from-sarif", type=Path, default=None, metavar="FILE",
                     help="fix exactly the findings another scanner reported")
    fix.add_argument("--no-cache", action="store_true",
                     help="accepted as in check; fix keeps no per-file results and always "
                          "scans every file")
    fix.add_argument("--no-lockfile", action="store_true",
                     help="leave package-lock.json as it is; by default, beside a package.json "
                          "that gets packages, npm refreshes it (`npm install "
                          "--package-lock-only --ignore-scripts` in a scratch folder, which "
                          "reads the package registry) and the diff includes it")

    baseline = sub.add_parser("baseline", help="write the current findings to a baseline file",
                              epilog=_CONFIG_WINS)
    baseline.add_argument("file", type=Path,
                          help="baseline file to write (missing parent folders are created)")
    _add_common_scan_options(baseline)
    baseline.add_argument("--no-cache", action="store_true",
                          help="accepted as in check; baseline keeps no per-file results and "
                               "always scans every file")

    sub.add_parser("rules", help="list the rule catalog")
    explain = sub.add_parser("explain", help="print the docs of one rule")
    explain.add_argument("rule", help="rule id, as listed by `nodeharden rules`")

    new = sub.add_parser("new", help="create a new hardened Express 5 app")
    new.add_argument("dest", type=Path, help="folder to create")
    new.add_argument("--defaults", action="store_true", help="answer every question by default")
    new.add_argument("--data", action="append", default=[], metavar="KEY=VALUE",
                     help="answer one question (repeatable)")
    new.add_argument("--data-file", type=Path, default=None, metavar="FILE",
                     help="YAML file of answers")
    new.add_argument("--pretend", action="store_true", help="show what would be written")
    new.add_argument("--overwrite", action="store_true", help="render into a non-empty folder")

    update = sub.add_parser("update", help="bring template changes into a generated app")
    update.add_argument("path", type=Path, nargs="?", default=Path("."),
                        help="the generated app (default: current folder)")
    update.add_argument("--defaults", action="store_true",
                        help="keep the recorded answers; ask nothing")
    update.add_argument("--data", action="append", default=[], metavar="KEY=VALUE",
                        help="change one answer (repeatable)")
    update.add_argument("--pretend", action="store_true",
                        help="show what would change, write nothing")

    docs = sub.add_parser("docs", help="write docs/rules.md from the catalog")
    docs.add_argument("--output", "-o", type=Path, default=Path("docs/rules.md"),
                      help="file to write (default: docs/rules.md)")
    docs.add_argument("--check", action="store_true", help="fail when the file is out of date")
    return parser


_FORMAT_BY_SUFFIX = {".sarif": "sarif", ".json": "json", ".txt": "text"}


def format_for_output(output: Path | None) -> str:
    """Return the report format ``check`` uses without ``--format``: from ``--output``'s
    extension (``.sarif``, ``.json``, ``.txt``), else text."""
    if output is None:
        return "text"
    return _FORMAT_BY_SUFFIX.get(output.suffix.lower(), "text")


def _parse_data(pairs: list[str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--data expects KEY=VALUE, got {pair!r}")
        data[key.strip()] = value
    return data


class _ScanArgs(TypedDict):
    """The options ``check``, ``fix`` and ``baseline`` share, as keyword arguments."""

    path: str
    select: list[str] | None
    ignore: list[str] | None
    jobs: int | None
    config_path: Path | None
    diff: str | None
    include: list[str] | None


def _scan_args(args: argparse.Namespace) -> _ScanArgs:
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return _ScanArgs(path=args.path, select=_split_rules(args.select),
                     ignore=_split_rules(args.ignore), jobs=args.jobs, config_path=args.config,
                     diff=args.diff, include=args.include)


def _run(args: argparse.Namespace) -> int:
    """Turn the parsed command line into one typed call (keyword arguments) per command."""
    command = args.command
    if command == "check":
        from nodeharden._cmd_check import run_check

        return run_check(**_scan_args(args),
                         format=args.format if args.format is not None
                         else format_for_output(args.output),
                         output=args.output, exit_zero=args.exit_zero, audit=args.audit,
                         baseline=args.baseline, cache=not args.no_cache)
    if command == "fix":
        from nodeharden._cmd_fix import run_fix

        return run_fix(**_scan_args(args), dry_run=args.dry_run, unsafe=args.unsafe, force=args.force,
                       format=args.format, patch_dir=args.patch_dir,
                       interactive=args.interactive, from_sarif=args.from_sarif,
                       lockfile=not args.no_lockfile)
    if command == "baseline":
        from nodeharden._cmd_check import run_baseline

        return run_baseline(file=args.file, **_scan_args(args))
    if command == "rules":
        from nodeharden._cmd_check import run_rules

        return run_rules()
    if command == "explain":
        from nodeharden._cmd_check import run_explain

        return run_explain(rule=args.rule)
    if command in ("new", "update"):
        from nodeharden import _scaffold

        data = _parse_data(args.data)
        if command == "new":
            _scaffold.new(
                args.dest,
                data=data,
                data_file=args.data_file,
                defaults=args.defaults,
                pretend=args.pretend,
                overwrite=args.overwrite,
                interactive=sys.stdin.isatty() and sys.stdout.isatty(),
            )
        else:
            _scaffold.update(
                args.path,
                data=data,
                defaults=args.defaults,
                pretend=args.pretend,
                interactive=sys.stdin.isatty() and sys.stdout.isatty(),
            )
        return 0
    if command == "docs":
        from nodeharden._docs import run_docs

        return run_docs(output=args.output, check=args.check)
    raise UsageError(f"unknown command {command!r}")


#: Commands whose process may end without the interpreter's teardown (``_end_process``); the
#: template commands (copier, questionary) end the usual way.
_QUICK_EXIT = frozenset({"check", "fix", "baseline", "rules", "explain", "docs"})


def _end_process(code: int) -> None:
    """End the process with ``code`` now, once the output is flushed and the ``atexit``
    handlers have run, skipping the interpreter's teardown: freeing every module and the
    trees, facts and findings of a scan took 20 to 30 ms of a 300-file check (issue 17).
    Returns (the caller then exits the usual way) when a flush fails, as on a closed pipe,
    or when another thread still runs."""
    # Other threads alive: `threading` when something imported it, else the frames of every
    # thread (importing `threading` only to ask costs about a millisecond).
    threading = sys.modules.get("threading")
    if (threading.active_count() if threading is not None else len(sys._current_frames())) > 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    import atexit

    atexit._run_exitfuncs()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nodeharden`` with ``argv`` and return the exit code.

    Without ``argv`` (run as the ``nodeharden`` program: the console script, ``python -m
    nodeharden``), the commands of ``_QUICK_EXIT`` end the process themselves (``_end_process``)
    instead of returning.
    """
    if argv is None:
        command = next((a for a in sys.argv[1:] if not a.startswith("-")), None)
        if command not in _QUICK_EXIT:
            return main(sys.argv[1:])
        # The cycle collector off for the run: the modules a check imports and what a scan
        # keeps are alive to the end, so its collections (7 to 9 ms before the first file of
        # a 300-file check) free almost nothing; a check of 2,000 files leaves a few hundred
        # objects in cycles.
        import gc

        gc.disable()
        code = main(sys.argv[1:])
        _end_process(code)
        return code
    argv = list(argv)
    parser = build_parser()
    try:
        if not argv:
            if sys.stdin.isatty() and sys.stdout.isatty():
                from nodeharden._wizard import run_wizard

                return run_wizard()
            parser.print_usage(sys.stderr)
            print("nodeharden: no command given and no terminal to ask on; "
                  "pass a command such as `nodeharden check .`", file=sys.stderr)
            return 2
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_usage(sys.stderr)
            return 2
        return _run(args)
    except NodehardenError as exc:
        print_error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        print_error("interrupted; nothing more was written")
        return 130
    except BrokenPipeError:
        # Output piped into `head` and friends: not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
