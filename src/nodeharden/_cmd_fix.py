"""``nodeharden fix``: dry-run diffs, per-rule patches, JSON, or atomic writes."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from nodeharden._cmd_check import _progress_bar, changed_only
from nodeharden._fixer import AppliedFix, FixResult, file_diff, file_outcomes, unified_diff
from nodeharden._model import FileOutcome, Finding
from nodeharden.errors import UsageError


def run_fix_command(args: argparse.Namespace) -> int:
    """Run ``nodeharden fix`` and return the exit code."""
    from nodeharden._api import fix

    if args.interactive:
        from nodeharden._interactive import run_interactive_fix

        return run_interactive_fix(args)
    only = changed_only(args)
    accept = None
    reported: Callable[[Finding], bool] | None = None
    if args.from_sarif is not None:
        from nodeharden._sarif_in import sarif_acceptor

        accept, only = sarif_acceptor(args.from_sarif, Path(args.path), only)
        reported = getattr(accept, "reported", None)
    write = not args.dry_run and args.patch_dir is None
    progress, close = _progress_bar()
    try:
        result, outcomes = fix(args.path, dry_run=not write, unsafe=args.unsafe,
                               select=args.select, ignore=args.ignore, jobs=args.jobs,
                               config_path=args.config, force=args.force, only=only,
                               accept=accept, progress=progress)
    finally:
        close()
    if args.patch_dir is not None:
        write_patches(result, args.patch_dir)
    if args.format == "json":
        sys.stdout.write(render_fix_json(result, outcomes, written=write))
    elif args.dry_run:
        sys.stdout.write(unified_diff(result))
        _print_summary(result, [], sys.stderr, dry_run=True, reported=reported)
    else:
        _print_summary(result, outcomes, sys.stdout if write else sys.stderr,
                       dry_run=not write, reported=reported)
    if accept is not None and hasattr(accept, "report"):
        accept.report(result)  # which imported SARIF results were fixed, and why not
    for failure in result.failed:
        print(f"nodeharden: failed {failure.path}: {failure.reason}", file=sys.stderr)
    if result.failed or any(o.status == "failed" for o in outcomes):
        # A crashed rule or an unwritable file: the run is incomplete, so it cannot pass.
        return 2
    return 0


def write_patches(result: FixResult, directory: Path) -> list[Path]:
    """Write one patch per rule into ``directory``; each applies on its own to the original
    tree."""
    from nodeharden._fixer import apply_edits, with_dependencies

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {directory}: {exc.strerror}") from None
    by_rule: dict[str, list[AppliedFix]] = {}
    for applied in result.applied:
        by_rule.setdefault(applied.finding.rule, []).append(applied)
    written: list[Path] = []
    for index, (rule, applied_list) in enumerate(by_rule.items(), 1):
        # Replay only this rule's fixes on the original files (passes of one rule are
        # independent of other rules; later passes build on the rule's own earlier edits).
        contents: dict[str, bytes | None] = {}
        deps: dict[str, str] = {}
        dev: dict[str, str] = {}
        ok = True
        for applied in applied_list:
            for change in applied.fix.changes:
                if change.path not in contents:
                    contents[change.path] = result.original.get(change.path)
                before = contents[change.path]
                if change.create:
                    contents[change.path] = change.edits[0].content.encode("utf-8")
                elif before is None:
                    ok = False
                else:
                    try:
                        contents[change.path] = apply_edits(before, change.edits)
                    except ValueError:
                        ok = False
            deps.update(dict(applied.fix.dependencies))
            dev.update(dict(applied.fix.dev_dependencies))
        if not ok:
            continue
        if deps or dev:
            pj = result.original.get("package.json")
            if pj is not None:
                contents["package.json"] = with_dependencies(pj, deps, dev)
        patch = "".join(file_diff(rel, result.original.get(rel), data)
                        for rel, data in sorted(contents.items())
                        if data != result.original.get(rel))
        if not patch:
            continue
        target = directory / f"{index:02d}-{rule}.patch"
        target.write_text(patch, encoding="utf-8", newline="")
        written.append(target)
    print(f"wrote {len(written)} patch{'es' if len(written) != 1 else ''} to {directory}",
          file=sys.stderr)
    return written


def render_fix_json(result: FixResult, outcomes: list[FileOutcome], *, written: bool) -> str:
    """Return the ``fix --format json`` report."""
    changes = []
    for applied in result.applied:
        f = applied.finding
        changes.append({
            "rule": f.rule, "path": f.path, "line": f.line, "description": applied.fix.title,
            "applicability": applied.fix.applicability,
            "files": sorted(applied.fix.paths() | ({"package.json"}
                                                   if applied.fix.dependencies
                                                   or applied.fix.dev_dependencies else set())),
        })
    doc = {
        "version": "1",
        "root": str(result.root),
        "written": written,
        "changes": changes,
        "not_applied": [{"rule": f.rule, "path": f.path, "line": f.line, "message": f.message,
                         "reason": reason} for f, reason in result.not_applied],
        "files": [{"path": o.path, "status": o.status, "reason": o.reason, "rules": o.rules}
                  for o in outcomes] if written else
                 [{"path": p, "status": "changed"} for p in result.changed_paths()],
        # Every file the run looked at: changed, unchanged, skipped or failed (with why).
        "outcomes": [{"path": o.path, "status": o.status, "reason": o.reason, "rules": o.rules}
                     for o in file_outcomes(result, outcomes)],
    }
    return json.dumps(doc, indent=2) + "\n"


def _print_summary(result: FixResult, outcomes: list[FileOutcome], stream, *,  # type: ignore[no-untyped-def]
                   dry_run: bool, reported: Callable[[Finding], bool] | None = None) -> None:
    changed = result.changed_paths()
    by_rule = Counter(a.finding.rule for a in result.applied)
    verb = "would change" if dry_run else "changed"
    if not changed:
        print("nothing to fix" if not result.not_applied else "no fix applied", file=stream)
    else:
        print(f"{verb} {len(changed)} file{'s' if len(changed) != 1 else ''}: "
              + ", ".join(changed), file=stream)
        print("fixes: " + ", ".join(f"{rule} ×{n}" for rule, n in by_rule.items()), file=stream)
    for o in outcomes:
        if o.status == "failed":
            print(f"failed {o.path}: {o.reason}", file=stream)
    # With --from-sarif, only the findings the imported log reported count (the others are
    # "declined", or unsafe and never offered); the SARIF report says what was and was not
    # fixed.
    reasons = Counter(reason for finding, reason in result.not_applied
                      if reported is None or (reason != "declined" and reported(finding)))
    for reason, n in reasons.items():
        print(f"not applied ({n}): {reason}", file=stream)
