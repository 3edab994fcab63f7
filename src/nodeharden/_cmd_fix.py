"""``nodeharden fix``: dry-run diffs, per-rule patches, JSON, atomic writes, or an
interactive review (``_interactive`` asks; this module writes). One typed call per command:
``run_fix`` takes keyword arguments, never an ``argparse.Namespace``."""

from __future__ import annotations

import json
import posixpath
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from nodeharden._fixer import (
    FixResult,
    ensure_clean_tree,
    file_diff,
    file_outcomes,
    summarize,
    unified_diff,
    write_fixes,
)
from nodeharden._model import FileOutcome, Finding
from nodeharden._terminal import make_console, progress_bar, require_terminal
from nodeharden.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from nodeharden._interactive import Reviewer


def changed_since(path: str, diff: str | None) -> set[str] | None:
    """Return the files changed since the git ref ``diff`` (None when not asked)."""
    if diff is None:
        return None
    from nodeharden._gitdiff import changed_files

    return changed_files(Path(path), diff)


def run_fix(*, path: str, select: list[str] | None, ignore: list[str] | None,
            jobs: int | None, config_path: Path | None, diff: str | None,
            include: list[str] | None, dry_run: bool, unsafe: bool, force: bool,
            format: str, patch_dir: Path | None, interactive: bool,
            from_sarif: Path | None, lockfile: bool = True) -> int:
    """Run ``nodeharden fix`` and return the exit code."""
    from nodeharden._api import fix

    if interactive:
        return run_interactive_fix(path=path, select=select, ignore=ignore, jobs=jobs,
                                   config_path=config_path, diff=diff, include=include,
                                   dry_run=dry_run, unsafe=unsafe, force=force, format=format,
                                   patch_dir=patch_dir, from_sarif=from_sarif,
                                   lockfile=lockfile)
    only = changed_since(path, diff)
    accept = None
    reported: Callable[[Finding], bool] | None = None
    if from_sarif is not None:
        from nodeharden._sarif_in import sarif_acceptor

        accept, only = sarif_acceptor(from_sarif, Path(path), only)
        reported = getattr(accept, "reported", None)
    write = not dry_run and patch_dir is None
    progress, close = progress_bar()
    try:
        outcomes: list[FileOutcome] = []
        if patch_dir is not None:
            result = _plan_patches(path=path, select=select, ignore=ignore, jobs=jobs,
                                   include=include, config_path=config_path, unsafe=unsafe,
                                   patch_dir=patch_dir, accept=accept, only=only,
                                   progress=progress, lockfile=lockfile)
        else:
            report = fix(path, dry_run=not write, unsafe=unsafe, select=select, ignore=ignore,
                         jobs=jobs, include=include, config_path=config_path, force=force,
                         only=only, accept=accept, progress=progress, lockfile=lockfile)
            result, outcomes = report.plan, report.written
    finally:
        close()
    if format == "json":
        sys.stdout.write(render_fix_json(result, outcomes, written=write))
    elif dry_run:
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


def run_interactive_fix(*, path: str, select: list[str] | None, ignore: list[str] | None,
                        jobs: int | None, config_path: Path | None, diff: str | None,
                        include: list[str] | None, dry_run: bool, unsafe: bool, force: bool,
                        format: str, patch_dir: Path | None, from_sarif: Path | None,
                        lockfile: bool = True) -> int:
    """Run ``nodeharden fix --interactive`` and return the exit code."""
    from nodeharden._interactive import review

    require_terminal("`fix --interactive`")
    if format == "json":
        raise UsageError("--interactive cannot be combined with --format json")
    write = not dry_run and patch_dir is None
    if write and not force:
        # Refuse before asking anything rather than after the review.
        root = Path(path)
        if root.exists():
            from nodeharden._project import load_project

            ensure_clean_tree(load_project(root).root)
    only = changed_since(path, diff)
    prefilter = None
    if from_sarif is not None:
        from nodeharden._sarif_in import sarif_acceptor

        prefilter, only = sarif_acceptor(from_sarif, Path(path), only)
    console = make_console()
    result, reviewer = review(path, select=select, ignore=ignore, unsafe=unsafe, jobs=jobs,
                              config_path=config_path, only=only, prefilter=prefilter,
                              console=console, include=include, lockfile=lockfile)
    return finish_review(console, result, reviewer, str(path), dry_run=dry_run,
                         patch_dir=patch_dir, force=force)


def finish_review(console: Console, result: FixResult, reviewer: Reviewer, path: str, *,
                  dry_run: bool = False, patch_dir: Path | None = None,
                  force: bool = False) -> int:
    """Write (or print, or save as patches) the fixes accepted in a review and print the
    review's summary; return the exit code."""
    from nodeharden._interactive import print_summary

    outcomes: list[FileOutcome] = []
    written = False
    if patch_dir is not None:
        write_patches(result, patch_dir)
    elif dry_run:
        sys.stdout.write(unified_diff(result))
    else:
        outcomes = write_fixes(result, force=force, hold_interrupts=True)
        written = True
    print_summary(console, result, reviewer, path, written=written, outcomes=outcomes)
    return 2 if any(o.status == "failed" for o in outcomes) else 0


Contents = dict[str, "bytes | None"]


def _plan_patches(*, path: str, select: list[str] | None, ignore: list[str] | None,
                  jobs: int | None, include: list[str] | None, config_path: Path | None,
                  unsafe: bool, patch_dir: Path, accept: Callable[[Finding], bool] | None,
                  only: set[str] | None, progress: Callable[[int, int], None] | None,
                  lockfile: bool = True) -> FixResult:
    """Plan the run and write ``--patch-dir``; each patch's "before" state is planned again
    with only the earlier rules (a rule's later passes may build on other rules' edits)."""
    from nodeharden._api import make_scanner
    from nodeharden._fixer import plan_fixes

    scanner = make_scanner(path, select=select, ignore=ignore, jobs=jobs, include=include,
                           config_path=config_path, only=only, progress=progress)
    result = plan_fixes(scanner, unsafe=unsafe, accept=accept, lockfiles=lockfile)

    def state(rules: frozenset[str]) -> Contents:
        def only_these(finding: Finding) -> bool:
            return finding.rule in rules and (accept is None or accept(finding))

        sub = plan_fixes(scanner, unsafe=unsafe, accept=only_these, lockfiles=lockfile)
        return {rel: sub.final.get(rel) for rel in sub.changed_paths()}

    write_patches(result, patch_dir, state)
    return result


def replayed_state(result: FixResult) -> Callable[[frozenset[str]], Contents]:
    """Return a function giving the changed files' contents after only the applied fixes of
    some rules, replayed on the original files (the fallback when the run cannot be planned
    again, as after an interactive review)."""
    from nodeharden._fixer import apply_fix, with_dependencies

    def state(rules: frozenset[str]) -> Contents:
        contents: Contents = {}
        wanted: dict[str, tuple[dict[str, str], dict[str, str]]] = {}

        def now(rel: str) -> bytes | None:
            return contents[rel] if rel in contents else result.original.get(rel)

        for applied in result.applied:
            if applied.finding.rule not in rules:
                continue
            for change in applied.fix.changes:
                contents.setdefault(change.path, result.original.get(change.path))
            # Dependencies go in once per package.json, on the original file (below).
            contents.update(apply_fix(applied.fix, now, manifest=None))
            if applied.fix.dependencies or applied.fix.dev_dependencies:
                deps, dev = wanted.setdefault(result.manifest_for(applied.fix), ({}, {}))
                deps.update(dict(applied.fix.dependencies))
                dev.update(dict(applied.fix.dev_dependencies))
                for parent in result.mirrors_for(applied.fix):
                    wanted.setdefault(parent, ({}, {}))[0].update(dict(applied.fix.dependencies))
        for manifest, (deps, dev) in wanted.items():
            pj = result.original.get(manifest)
            if pj is None:
                continue
            try:
                contents[manifest] = with_dependencies(pj, deps, dev)
            except ValueError:
                pass
        return contents

    return state


def _patch_applies(patch: str, files: Contents, prefix: str = "") -> bool:
    """Return True when ``git apply`` accepts ``patch`` on a tree holding ``files`` (under
    ``prefix``, the root's folder in its work tree, as the patch names them)."""
    import shutil
    import subprocess
    import tempfile

    git = shutil.which("git")
    if git is None:
        return False
    with tempfile.TemporaryDirectory(prefix="nodeharden-patch-") as scratch:
        for rel, data in files.items():
            if data is not None:
                target = Path(scratch) / (prefix + rel)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        proc = subprocess.run([git, "apply", "--check", "-"], cwd=scratch, input=patch.encode(),
                              capture_output=True, check=False)
    return proc.returncode == 0


def write_patches(result: FixResult, directory: Path,
                  state: Callable[[frozenset[str]], Contents] | None = None) -> list[Path]:
    """Write the run's changes into ``directory`` as numbered patches, one per rule, that
    apply each on its own to the original tree AND one after another (01, 02, … in order).

    Patch N is the change from "rules of patches 1..N-1 applied" to "rules 1..N applied", so
    the sequence always applies; when that change does not also apply to the original tree
    (two rules edit the same lines, e.g. both add a line after the same ``require``), the
    rules share one patch, named after all of them. ``state(rules)`` returns the changed
    files after only ``rules``' fixes (default: replayed from ``result``); ``git apply
    --check`` decides.
    """
    state = state or replayed_state(result)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {directory}: {exc.strerror}") from None
    rules = list(dict.fromkeys(applied.finding.rule for applied in result.applied))
    paths = set(result.changed_paths())
    states: list[Contents] = [{}]
    for k in range(1, len(rules) + 1):
        states.append(state(frozenset(rules[:k])) if k < len(rules) else
                      {rel: result.final.get(rel) for rel in paths})
        paths |= set(states[-1])

    def full(k: int) -> Contents:
        return {rel: states[k].get(rel, result.original.get(rel)) for rel in sorted(paths)}

    def diff(j: int, k: int) -> str:
        before, after = full(j), full(k)
        return "".join(file_diff(rel, before[rel], after[rel], prefix=result.diff_prefix)
                       for rel in sorted(paths) if before[rel] != after[rel])

    original = full(0)
    groups: list[tuple[int, int]] = []  # (j, k): the patch from state j to state k
    for k in range(1, len(rules) + 1):
        if not diff(k - 1, k):
            if groups:
                groups[-1] = (groups[-1][0], k)  # nothing of its own: named with the last
            continue
        groups.append((k - 1, k))
        while len(groups) > 1 and not _patch_applies(diff(*groups[-1]), original,
                                                             result.diff_prefix):
            j, _ = groups.pop(-2)
            groups[-1] = (j, k)
    written: list[Path] = []
    for index, (j, k) in enumerate(groups, 1):
        patch = diff(j, k)
        names = [rule for rule in rules[j:k] if any(a.finding.rule == rule
                                                    for a in result.applied)]
        target = directory / f"{index:02d}-{'+'.join(names)}.patch"
        target.write_text(patch, encoding="utf-8", newline="")
        written.append(target)
    merged = [p.name for p in written if "+" in p.name]
    print(f"wrote {len(written)} patch{'es' if len(written) != 1 else ''} to {directory}"
          + (f" (rules that edit the same lines share one: {', '.join(merged)})"
             if merged else ""), file=sys.stderr)
    return written


def render_fix_json(result: FixResult, outcomes: list[FileOutcome], *, written: bool) -> str:
    """Return the ``fix --format json`` report."""
    changes = []
    for applied in result.applied:
        f = applied.finding
        changes.append({
            "rule": f.rule, "path": f.path, "line": f.line, "description": applied.fix.title,
            "applicability": applied.fix.applicability,
            "files": sorted(applied.fix.paths() | ({result.manifest_for(applied.fix),
                                                    *result.mirrors_for(applied.fix)}
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
        # What the run would write (dry run) or wrote: the unified diff `git apply` accepts.
        "diff": unified_diff(result),
        # Lockfiles beside the package.json files that get packages: refreshed by npm (in
        # the diff), or out of date until the install runs, with why when npm's was left.
        "lockfiles": _lockfile_states(result),
    }
    return json.dumps(doc, indent=2) + "\n"


def _lockfile_states(result: FixResult) -> list[dict[str, str]]:
    """Return each lockfile the run's package.json changes concern: refreshed, or out of date
    (with why, for an npm lockfile left as it is)."""
    summary = summarize(result)
    return [{"path": p, "status": "refreshed"} for p in summary.refreshed_lockfiles] + [
        {"path": p, "status": "out of date",
         **({"reason": summary.lockfile_notes[p]} if p in summary.lockfile_notes else {})}
        for p in summary.stale_lockfiles]


#: The install that refuses each lockfile while it is out of date with its package.json.
_FROZEN_INSTALLS = {"package-lock.json": "`npm ci`", "npm-shrinkwrap.json": "`npm ci`",
                    "yarn.lock": "`yarn install --frozen-lockfile`",
                    "pnpm-lock.yaml": "`pnpm install --frozen-lockfile`",
                    "bun.lockb": "`bun install --frozen-lockfile`",
                    "bun.lock": "`bun install --frozen-lockfile`"}


def _print_summary(result: FixResult, outcomes: list[FileOutcome], stream: IO[str], *,
                   dry_run: bool, reported: Callable[[Finding], bool] | None = None) -> None:
    summary = summarize(result, outcomes)
    changed = summary.changed
    verb = "would change" if dry_run else "changed"
    if not changed:
        print("nothing to fix" if not summary.not_applied else "no fix applied", file=stream)
    else:
        print(f"{verb} {len(changed)} file{'s' if len(changed) != 1 else ''}: "
              + ", ".join(changed), file=stream)
        print("fixes: " + ", ".join(f"{rule} ×{n}" for rule, n in summary.by_rule.items()),
              file=stream)
        if summary.manifests:
            # Named from the top of the git work tree, as the diff names files: "at the root"
            # of a package inside a monorepo read as the monorepo's root.
            where = " and ".join(
                f"in {result.diff_prefix}{p.rsplit('/', 1)[0]}/" if "/" in p
                else f"in {result.diff_prefix}" if result.diff_prefix else "at the root"
                for p in summary.manifests)
            print(f"then install the added packages ({where}): {summary.install_command}",
                  file=stream)
            for lock, flagged in summary.refreshed_lockfiles.items():
                print(f"{lock}: refreshed as `npm install --package-lock-only` writes it "
                      "(nothing installed" + (
                          f"; npm also set the dev/optional/peer flags of {flagged} locked "
                          f"package{'s' if flagged != 1 else ''} anew, as its own install "
                          "would" if flagged else "") + ")", file=stream)
            if summary.stale_lockfiles:
                for lock in summary.stale_lockfiles:
                    frozen = _FROZEN_INSTALLS.get(posixpath.basename(lock), "`npm ci`")
                    print(f"until then {lock} is out of date (a frozen-lockfile install such "
                          f"as {frozen} refuses it)", file=stream)
                for lock, why in summary.lockfile_notes.items():
                    print(f"{lock} not refreshed: {why}", file=stream)
    for o in summary.failed:
        print(f"failed {o.path}: {o.reason}", file=stream)
    # With --from-sarif, only the findings the imported log reported count (the others are
    # "declined", or unsafe and never offered); the SARIF report says what was and was not
    # fixed.
    reasons = Counter(reason for finding, reason in summary.not_applied
                      if reported is None or (reason != "declined" and reported(finding)))
    for reason, n in reasons.items():
        print(f"not applied ({n}): {reason}", file=stream)
