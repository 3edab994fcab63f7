"""The edit engine: apply fixes as byte-range edits, all-or-nothing per fix, in passes until
nothing changes; validate every rewritten file by re-parsing; render unified diffs; write
atomically."""

from __future__ import annotations

import difflib
import os
import posixpath
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from nodeharden._applicable import _manifest_data
from nodeharden._applicable import fit_to_runtime as fit_to_runtime
from nodeharden._applicable import git_prefix as git_prefix
from nodeharden._applicable import manifest_for as manifest_for
from nodeharden._applicable import manifest_problem as manifest_problem
from nodeharden._applicable import outer_manifests as outer_manifests
from nodeharden._applicable import without_provided
from nodeharden._catalog import RULE_IDS
from nodeharden._model import FileChange, FileOutcome, Finding, Fix, Skipped, TextEdit
from nodeharden._packagejson import add_dependencies, mirrors, saves_exact
from nodeharden._project import JS_SUFFIXES
from nodeharden._record import field, record, replace
from nodeharden._runtime import Runtime
from nodeharden._scan import Scanner, ScanResult
# apply_edits lives below the rules (a rule may preview its edit); re-exported here.
from nodeharden._textedit import BOM as BOM
from nodeharden._textedit import apply_edits as apply_edits
from nodeharden._textedit import split_bom as split_bom

MAX_PASSES = 6


@record(frozen=True)
class AppliedFix:
    """A fix that made it into the result, with the finding it resolves."""

    finding: Finding
    fix: Fix


@record
class FixResult:
    """What ``fix`` would do (dry run) or did."""

    root: Path
    original: dict[str, bytes | None]  # rel -> bytes on disk before (None: new file)
    final: dict[str, bytes]  # rel -> bytes after every applied fix
    applied: list[AppliedFix] = field(default_factory=list)
    not_applied: list[tuple[Finding, str]] = field(default_factory=list)
    scan: ScanResult | None = None  # the first scan (findings before fixing)
    passes: int = 0
    failed: list[Skipped] = field(default_factory=list)  # crashes seen in any pass's scan
    runtime: Runtime = field(default_factory=Runtime)
    #: Folders holding a package.json ("" = the root): dependencies go to the nearest one.
    package_dirs: list[str] = field(default_factory=list)
    #: The root's path inside its git work tree (``server/``; "" at the top or outside git):
    #: diffs name files from the top level, so ``git apply`` works from any folder of the
    #: repository (it silently skips paths outside the folder it runs in).
    diff_prefix: str = ""
    #: npm lockfiles beside a package.json the fixes add packages to that were left as they
    #: are, and why (``_lockfile``; refreshed ones are among the changed files).
    lockfile_notes: dict[str, str] = field(default_factory=dict)
    #: Refreshed npm lockfiles (among the changed files) → how many locked packages npm gave
    #: other dev/optional/peer flags (as its own install would).
    lockfile_refreshed: dict[str, int] = field(default_factory=dict)

    def manifest_for(self, fix: Fix) -> str:
        """Return the package.json a fix's dependencies go into (see ``manifest_for``)."""
        return manifest_for(fix, self.package_dirs)

    def mirrors_for(self, fix: Fix) -> list[str]:
        """Return the package.json files that get a fix's runtime dependencies as well (see
        ``mirroring_manifests``)."""
        if not fix.dependencies:
            return []
        return mirroring_manifests(self.manifest_for(fix), self.package_dirs,
                                   self.original.get)

    def changed_paths(self) -> list[str]:
        """Return the files whose bytes differ, sorted."""
        return sorted(p for p, data in self.final.items() if self.original.get(p) != data)


def _parses(rel: str, data: bytes) -> bool:
    suffix = os.path.splitext(rel)[1]
    lang = JS_SUFFIXES.get(suffix)
    if lang is None:
        return True
    from nodeharden._parse import parse

    return not parse(lang, split_bom(data)[1]).root_node.has_error






def mirroring_manifests(manifest: str, package_dirs: list[str],
                        current: Callable[[str], bytes | None]) -> list[str]:
    """Return the package.json files of the project above ``manifest`` that declare every
    third-party dependency of its package too (``mirrors``): a monorepo that installs from its
    top-level manifest, where a package missing there is not installed (and a parity check
    such as a verify-dependencies script fails). A package a fix adds to ``manifest`` goes
    into those as well."""
    folder = posixpath.dirname(manifest)
    child = _manifest_data(current(manifest)) if folder else None
    if child is None:
        return []
    out: list[str] = []
    for parent_dir in sorted(package_dirs, key=len, reverse=True):
        if parent_dir == folder or (parent_dir and not folder.startswith(parent_dir + "/")):
            continue
        parent = posixpath.join(parent_dir, "package.json") if parent_dir else "package.json"
        data = _manifest_data(current(parent))
        if data is not None and mirrors(data, child):
            out.append(parent)
    return out




FindingKey = tuple[str, str, str, str, int]


def finding_keys(findings: Iterable[Finding]) -> dict[Finding, FindingKey]:
    """Return a key per finding that stays the same from one fix pass to the next.

    Lines move when an earlier fix inserts lines above a finding, so the key is the rule,
    file, message and code of the line, plus a rank among findings equal in all of those.
    """
    seen: dict[tuple[str, str, str, str], int] = {}
    keys: dict[Finding, FindingKey] = {}
    for finding in sorted(findings, key=lambda f: f.sort_key()):
        base = (finding.rule, finding.path, finding.message, " ".join(finding.snippet.split()))
        rank = seen.get(base, 0)
        seen[base] = rank + 1
        keys[finding] = (*base, rank)
    return keys


def plan_fixes(scanner: Scanner, *, unsafe: bool = False,
               accept: Callable[[Finding], bool] | None = None,
               max_passes: int = MAX_PASSES, lockfiles: bool = True) -> FixResult:
    """Compute every fix the run would make, without writing anything; with ``lockfiles``,
    the npm lockfile beside a package.json that gets packages is refreshed by npm
    (``_lockfile``)."""
    overlay: dict[str, bytes | None] = {}
    original: dict[str, bytes | None] = {}
    root = scanner.project.root
    result = FixResult(root=root, original=original, final={}, runtime=scanner.runtime,
                       package_dirs=scanner.package_dirs, diff_prefix=git_prefix(root))
    order = {rule_id: i for i, rule_id in enumerate(RULE_IDS)}
    decided: dict[FindingKey, bool] = {}
    reasons: dict[FindingKey, tuple[Finding, str]] = {}
    outer = outer_manifests(root, result.diff_prefix)

    def current(rel: str) -> bytes | None:
        if rel in overlay:
            return overlay[rel]
        path = root / rel
        try:
            data = path.read_bytes()
        except OSError:
            data = None
        original.setdefault(rel, data)
        return data

    last: tuple[dict[str, bytes | None], ScanResult] | None = None  # the last pass's scan
    for number in range(1, max_passes + 1):
        scan = scanner.scan(overlay)
        last = (dict(overlay), scan)
        if result.scan is None:
            result.scan = scan
        result.passes = number
        result.failed.extend(scan.failed)
        candidates: list[Finding] = []
        keys = finding_keys(scan.findings)
        for finding in scan.findings:
            key = keys[finding]
            if finding.fix is None:
                reasons[key] = (finding, f"no fix: {scan.fixes_withheld}"
                                if scan.fixes_withheld else "report only: no automatic fix")
                continue
            if finding.fix.applicability == "unsafe" and not unsafe:
                reasons[key] = (finding, "unsafe fix; pass --unsafe to apply it")
                continue
            if accept is not None:
                # Ask once per finding: a declined one stays declined, and an accepted one
                # that waits for a later pass (it overlapped another fix) is not asked again.
                if key not in decided:
                    decided[key] = accept(finding)
                if not decided[key]:
                    reasons[key] = (finding, "declined")
                    continue
            problem, fitted = fit_to_runtime(finding.fix, result.runtime)
            if problem is None:
                fitted = without_provided(fitted, root / posixpath.dirname(
                    manifest_for(fitted, result.package_dirs)))
                problem = manifest_problem(fitted, result.package_dirs, current, outer, root)
            if problem is not None:
                reasons[key] = (finding, problem)
                continue
            if fitted is not finding.fix:
                finding = replace(finding, fix=fitted)
                keys[finding] = key
            candidates.append(finding)
        candidates.sort(key=lambda f: (order.get(f.rule, 99), f.path, f.line, f.column))
        taken: dict[str, list[TextEdit]] = {}
        created: set[str] = set()
        accepted: list[Finding] = []
        for finding in candidates:
            fix = finding.fix
            assert fix is not None
            if _conflicts(fix, taken, created, current):
                reasons[keys[finding]] = (finding, "overlaps another fix; run `nodeharden fix` again")
                continue
            for change in fix.changes:
                if change.create:
                    created.add(change.path)
                else:
                    taken.setdefault(change.path, []).extend(change.edits)
            accepted.append(finding)
        if not accepted:
            break
        applied_now = _apply_pass(accepted, current, overlay, reasons, keys,
                                  result.package_dirs)
        for finding in applied_now:
            assert finding.fix is not None
            result.applied.append(AppliedFix(finding, finding.fix))
            reasons.pop(keys[finding], None)
        if not applied_now:
            break
    # Whatever is still reported after the last pass and was not applied.
    # (The last pass's scan when nothing changed since: a run whose second pass finds nothing
    # more to fix scans twice, not three times.)
    if last is not None and last[0] == overlay:
        final_scan: ScanResult | None = last[1]
    else:
        final_scan = scanner.scan(overlay) if overlay else result.scan
    assert final_scan is not None
    remaining = set(finding_keys(final_scan.findings).values())
    result.not_applied = [value for key, value in reasons.items() if key in remaining]
    result.final = {rel: data for rel, data in overlay.items() if data is not None}
    for rel in result.final:
        original.setdefault(rel, None)
    _run_project_formatters(scanner, result)
    if lockfiles:
        _refresh_lockfiles(result)
    result.failed = list(dict.fromkeys(result.failed))
    return result


def _refresh_lockfiles(result: FixResult) -> None:
    """Add to the plan the npm lockfile of every package.json the fixes add packages to, as
    ``npm install --package-lock-only`` writes it (see ``_lockfile``); a lockfile left as it
    is gets its reason in ``result.lockfile_notes``."""
    from nodeharden._lockfile import NPM_LOCKFILES, OTHER_LOCKFILES, refresh

    def on_disk(rel: str) -> bytes | None:
        try:
            return (result.root / rel).read_bytes()
        except OSError:
            return None

    for manifest in result.changed_paths():
        if posixpath.basename(manifest) != "package.json" \
                or result.original.get(manifest) is None:
            continue
        folder = posixpath.dirname(manifest)
        lock_rel = next((rel for name in NPM_LOCKFILES
                         if (result.root / (rel := posixpath.join(folder, name))).is_file()),
                        None)
        if lock_rel is None:
            continue
        lock = on_disk(lock_rel)
        others = [name for name in OTHER_LOCKFILES
                  if (result.root / posixpath.join(folder, name)).is_file()]
        declared = (_manifest_data(result.final[manifest]) or {}).get("packageManager")
        if lock is None:
            reason = "it could not be read"
        elif others:
            reason = f"{others[0]} is there too, and npm's is not the only lockfile"
        elif isinstance(declared, str) and not declared.startswith("npm@"):
            reason = f"package.json names {declared} as its package manager"
        else:
            found = refresh(posixpath.basename(lock_rel), result.final[manifest], lock,
                            on_disk(posixpath.join(folder, ".npmrc")))
            if found.lock is not None:
                result.original.setdefault(lock_rel, lock)
                result.final[lock_rel] = found.lock
                result.lockfile_refreshed[lock_rel] = found.reflagged
                continue
            if found.reason is None:
                continue
            reason = found.reason
        result.lockfile_notes[lock_rel] = reason


def _run_project_formatters(scanner: Scanner, result: FixResult) -> None:
    """Pass the files the fixes changed through the project's own prettier and ESLint
    autofix (see ``_formatters``); a result that no longer parses is not kept."""
    from nodeharden._formatters import format_files, installed_formatters

    rules = scanner.info.style_rules
    if not (rules.prettier or rules.eslint):
        return
    tools = installed_formatters(result.root, prettier_configured=rules.prettier,
                                 eslint_configured=rules.eslint)
    changed = {rel: (result.original.get(rel), data) for rel, data in result.final.items()
               if result.original.get(rel) != data}
    for rel, data in format_files(result.root, tools, changed).items():
        if _parses(rel, data):
            result.final[rel] = data




def _conflicts(fix: Fix, taken: dict[str, list[TextEdit]], created: set[str],
               current: Callable[[str], bytes | None]) -> bool:
    for change in fix.changes:
        if change.create:
            if change.path in created or current(change.path) is not None:
                return True
            continue
        if change.path in created:
            return True
        for edit in change.edits:
            if any(edit.overlaps(other) for other in taken.get(change.path, ())):
                return True
    return False


def _merged_edits(items: list[tuple[Finding, FileChange]]) -> list[TextEdit]:
    """Return the edits of several fixes to one file, each insertion once: two fixes that
    insert the same text at the same place (two apps of one file each adding `const helmet =
    require('helmet')` above the first import) mean one line, and twice would be a
    redeclaration, which parses but does not load."""
    edits: list[TextEdit] = []
    inserted: set[tuple[int, str]] = set()
    for _, change in items:
        for edit in change.edits:
            if edit.start == edit.end:
                key = (edit.start, edit.content)
                if key in inserted:
                    continue
                inserted.add(key)
            edits.append(edit)
    return edits


def _apply_pass(accepted: list[Finding], current: Callable[[str], bytes | None],
                overlay: dict[str, bytes | None],
                reasons: dict[FindingKey, tuple[Finding, str]],
                keys: dict[Finding, FindingKey], package_dirs: list[str]) -> list[Finding]:
    """Apply accepted fixes file by file; drop any fix whose file would no longer parse."""
    by_path: dict[str, list[tuple[Finding, FileChange]]] = {}
    for finding in accepted:
        assert finding.fix is not None
        for change in finding.fix.changes:
            by_path.setdefault(change.path, []).append((finding, change))
    broken: set[int] = set()
    for rel, items in by_path.items():
        before = current(rel)
        if any(change.create for _, change in items):
            continue
        assert before is not None
        after = apply_edits(before, _merged_edits(items))
        if _parses(rel, after) or not _parses(rel, before):
            continue
        # Find the fixes that break the file, one at a time.
        for finding, change in items:
            if not _parses(rel, apply_edits(before, change.edits)):
                broken.add(id(finding))
    good = [f for f in accepted if id(f) not in broken]
    for finding in accepted:
        if id(finding) in broken:
            reasons[keys[finding]] = (finding, "fix dropped: it would introduce a syntax error")
    new_contents: dict[str, bytes] = {}
    for rel, items in by_path.items():
        kept = [(f, c) for f, c in items if id(f) not in broken]
        if not kept:
            continue
        if kept[0][1].create:
            new_contents[rel] = kept[0][1].edits[0].content.encode("utf-8")
            continue
        before = current(rel)
        assert before is not None
        new_contents[rel] = apply_edits(before, _merged_edits(kept))
    wanted: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for finding in good:
        assert finding.fix is not None
        if not (finding.fix.dependencies or finding.fix.dev_dependencies):
            continue
        manifest = manifest_for(finding.fix, package_dirs)
        deps, dev_deps = wanted.setdefault(manifest, ({}, {}))
        deps.update(dict(finding.fix.dependencies))
        dev_deps.update(dict(finding.fix.dev_dependencies))
        if finding.fix.dependencies:  # and where the repository installs from, too
            for parent in mirroring_manifests(manifest, package_dirs, current):
                wanted.setdefault(parent, ({}, {}))[0].update(dict(finding.fix.dependencies))
    for manifest, (deps, dev_deps) in wanted.items():
        pj = new_contents.get(manifest, current(manifest))
        if pj is not None:
            try:
                new_contents[manifest] = with_dependencies(
                    pj, deps, dev_deps, exact=_saves_exact_at(manifest, current))
            except ValueError:
                pass  # invalid package.json was reported by the scan; leave it alone
    for rel, data in new_contents.items():
        current(rel)  # record the original
        overlay[rel] = data
    return good


def _saves_exact_at(manifest: str, current: Callable[[str], bytes | None]) -> bool:
    """Return True when the ``.npmrc`` beside ``manifest`` or at the project's root tells npm
    to save exact versions (``save-exact=true``)."""
    folder = os.path.dirname(manifest)
    for rel in dict.fromkeys((os.path.join(folder, ".npmrc"), ".npmrc")):
        data = current(rel)
        if data is not None and saves_exact(data.decode("utf-8", "replace")):
            return True
    return False


def with_dependencies(package_json: bytes, deps: dict[str, str],
                      dev_deps: dict[str, str], *, exact: bool = False) -> bytes:
    """Return package.json bytes with the packages fixes need added (BOM kept); ``exact``
    writes exact versions (see ``add_dependencies``).

    Raises ``ValueError`` when the file is not a JSON object.
    """
    bom, body = split_bom(package_json)
    text = body.decode("utf-8")
    if deps:
        text = add_dependencies(text, deps, exact=exact)
    if dev_deps:
        text = add_dependencies(text, dev_deps, dev=True, exact=exact)
    return bom + text.encode("utf-8")


def unified_diff(result: FixResult, paths: Iterable[str] | None = None) -> str:
    """Return one git-style unified diff of the changed files (``git apply`` accepts it)."""
    chunks: list[str] = []
    for rel in sorted(paths if paths is not None else result.changed_paths()):
        chunks.append(file_diff(rel, result.original.get(rel), result.final.get(rel),
                                prefix=result.diff_prefix))
    return "".join(chunks)


def file_diff(rel: str, before: bytes | None, after: bytes | None, *, prefix: str = "") -> str:
    """Return the git-style diff of one file (``None`` means the file does not exist).

    ``prefix`` is the project root's path inside its git work tree (``FixResult.diff_prefix``).
    """
    rel = prefix + rel
    a_lines = _lines(before)
    b_lines = _lines(after)
    header = f"diff --git a/{rel} b/{rel}\n"
    if before is None:
        header += "new file mode 100644\n"
    elif after is None:
        header += "deleted file mode 100644\n"
    body = list(difflib.unified_diff(
        a_lines, b_lines,
        fromfile="/dev/null" if before is None else f"a/{rel}",
        tofile="/dev/null" if after is None else f"b/{rel}",
        lineterm="", n=3,
    ))
    if not body:
        return ""
    out: list[str] = [header]
    for line in body[:2]:
        out.append(line.rstrip("\n") + "\n")
    for line in body[2:]:
        if line.startswith("@@"):
            out.append(line + "\n")
        elif line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(data: bytes | None) -> list[str]:
    if data is None:
        return []
    text = data.decode("utf-8", errors="surrogateescape")
    # Keep \r so CRLF files round-trip through `git apply`; split only on \n.
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def write_result(result: FixResult, paths: Iterable[str] | None = None) -> list[FileOutcome]:
    """Write the changed files atomically (temp file + rename), keeping each file's mode."""
    outcomes: list[FileOutcome] = []
    rules_by_path: dict[str, list[str]] = {}
    for applied in result.applied:
        for rel in applied.fix.paths():
            rules_by_path.setdefault(rel, []).append(applied.finding.rule)
    for rel in sorted(paths if paths is not None else result.changed_paths()):
        data = result.final[rel]
        target = result.root / rel
        try:
            atomic_write(target, data)
            outcomes.append(FileOutcome(rel, "changed", rules=sorted(set(rules_by_path.get(rel, [])))))
        except OSError as exc:
            outcomes.append(FileOutcome(rel, "failed", reason=f"cannot write: {exc.strerror or exc}"))
    return outcomes


def atomic_write(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` via a temp file in the same folder; keep its mode.

    A symlink is written through: its target changes and the link stays a link.
    """
    if target.is_symlink():
        target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".nodeharden", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def file_outcomes(result: FixResult, written: Iterable[FileOutcome] = ()) -> list[FileOutcome]:
    """Return one outcome per file the run looked at: changed (or would change), unchanged,
    skipped with the reason, failed with the reason; ``written`` outcomes take precedence."""
    rules_by_path: dict[str, set[str]] = {}
    for applied in result.applied:
        for rel in applied.fix.paths() | ({result.manifest_for(applied.fix)}
                                          if applied.fix.dependencies
                                          or applied.fix.dev_dependencies else set()):
            rules_by_path.setdefault(rel, set()).add(applied.finding.rule)
    outcomes: dict[str, FileOutcome] = {}
    if result.scan is not None:
        for source in result.scan.files:
            outcomes[source.rel] = FileOutcome(source.rel, "unchanged")
        for skip in result.scan.skipped:
            outcomes[skip.path] = FileOutcome(skip.path, "skipped", reason=skip.reason)
    for rel in result.changed_paths():
        outcomes[rel] = FileOutcome(rel, "changed", rules=sorted(rules_by_path.get(rel, ())))
    for failure in result.failed:
        outcomes[failure.path] = FileOutcome(failure.path, "failed", reason=failure.reason)
    for outcome in written:
        outcomes[outcome.path] = outcome
    return [outcomes[rel] for rel in sorted(outcomes)]


# One fix, the writer, and the report of a run. Everything that applies a single fix to a
# snapshot (the interactive diff, the per-rule patches) calls ``apply_fix``; everything that
# writes (``fix()``, the interactive review, the wizard) calls ``write_fixes``.


def apply_fix(fix: Fix, contents: Callable[[str], bytes | None], *,
              manifest: str | None = "package.json") -> dict[str, bytes]:
    """Return the files ``fix`` alone changes when applied to ``contents`` (rel → new bytes;
    ``contents(rel)`` is None for a missing file).

    A change to a missing file, or whose edits overlap, is left out; so is the package.json
    entry of a fix's dependencies when ``manifest`` is None, missing or not a JSON object (the
    engine leaves such a file alone too).
    """
    out: dict[str, bytes] = {}

    def now(rel: str) -> bytes | None:
        return out[rel] if rel in out else contents(rel)

    for change in fix.changes:
        if change.create:
            out[change.path] = change.edits[0].content.encode("utf-8")
            continue
        before = now(change.path)
        if before is None:
            continue
        try:
            out[change.path] = apply_edits(before, change.edits)
        except ValueError:
            continue
    if manifest is not None and (fix.dependencies or fix.dev_dependencies):
        pj = now(manifest)
        if pj is not None:
            try:
                out[manifest] = with_dependencies(pj, dict(fix.dependencies),
                                                  dict(fix.dev_dependencies))
            except ValueError:
                pass
    return out


def ensure_clean_tree(root: Path) -> None:
    """Raise ``DirtyTreeError`` when ``root`` is in a git work tree with uncommitted changes
    (a folder outside git is fine)."""
    import subprocess

    from nodeharden.errors import DirtyTreeError

    try:
        inside = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "."],
                            capture_output=True, text=True, timeout=60)
    dirty = [line[3:] for line in status.stdout.splitlines()
             if line and not line.startswith("??")]
    if dirty:
        raise DirtyTreeError(
            f"the git work tree has uncommitted changes ({len(dirty)} file"
            f"{'s' if len(dirty) != 1 else ''}, e.g. {dirty[0]}); commit or stash them first, "
            "or pass --force")


def write_fixes(result: FixResult, *, force: bool = False,
                hold_interrupts: bool = False) -> list[FileOutcome]:
    """Write the plan's changed files: refuse a dirty git tree unless ``force``, then write
    each file atomically. With ``hold_interrupts``, Ctrl-C waits until every file is written
    (so no run stops half-way). Returns one outcome per written (or unwritable) file."""
    if not result.changed_paths():
        return []
    if not force:
        ensure_clean_tree(result.root)
    import signal
    import threading

    if not hold_interrupts or threading.current_thread() is not threading.main_thread():
        return write_result(result)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return write_result(result)
    finally:
        signal.signal(signal.SIGINT, previous)


#: Lockfiles of the package managers nodeharden names an install command for.
LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
             "bun.lockb", "bun.lock")


@record(frozen=True)
class FixSummary:
    """What a fix run did, for the summaries people read (the CLI's and the review's)."""

    changed: list[str]  # files whose bytes differ, sorted
    by_rule: dict[str, int]  # rule → fixes applied, in the order they were applied
    manifests: list[str]  # package.json files that got dependencies
    install_command: str  # how to install them with the project's package manager
    #: Lockfiles beside those package.json files, out of date until the install runs
    #: (``npm ci`` and ``--frozen-lockfile`` installs refuse them until then).
    stale_lockfiles: list[str]
    #: Why an npm lockfile among them was not refreshed (``_lockfile``).
    lockfile_notes: dict[str, str]
    #: npm lockfiles refreshed by the run → how many locked packages npm gave other
    #: dev/optional/peer flags.
    refreshed_lockfiles: dict[str, int]
    failed: list[FileOutcome]  # files that could not be written
    not_applied: list[tuple[Finding, str]]  # findings with a fix that was not applied, and why


def summarize(result: FixResult, written: Iterable[FileOutcome] = ()) -> FixSummary:
    """Return the summary of a plan and the outcomes of writing it."""
    changed = result.changed_paths()
    by_rule: dict[str, int] = {}
    for applied in result.applied:
        by_rule[applied.finding.rule] = by_rule.get(applied.finding.rule, 0) + 1
    manifests = sorted(p for p in changed if posixpath.basename(p) == "package.json")
    return FixSummary(
        changed=changed, by_rule=by_rule, manifests=manifests,
        install_command=result.runtime.install_command(),
        stale_lockfiles=[rel for manifest in manifests for name in LOCKFILES
                         if (result.root / (rel := posixpath.join(
                             posixpath.dirname(manifest), name))).is_file()
                         and rel not in changed]
        # The lockfile of a workspace above, which the install there rewrites.
        + [lock for lock in (result.runtime.lockfile,) if manifests and lock
           and result.runtime.install_dir and (result.root / lock).is_file()],
        lockfile_notes=dict(result.lockfile_notes),
        refreshed_lockfiles={lock: count for lock, count in result.lockfile_refreshed.items()
                             if lock in changed},
        failed=[o for o in written if o.status == "failed"],
        not_applied=list(result.not_applied))


@record
class FixReport:
    """What ``nodeharden.fix()`` planned and wrote.

    ``plan`` holds every applied and not-applied fix and the files before and after;
    ``written`` the outcome of writing each changed file (empty for a dry run).
    """

    plan: FixResult
    written: list[FileOutcome] = field(default_factory=list)
    dry_run: bool = False

    @property
    def root(self) -> Path:
        """The project root."""
        return self.plan.root

    @property
    def applied(self) -> list[AppliedFix]:
        """The fixes in the plan."""
        return self.plan.applied

    @property
    def not_applied(self) -> list[tuple[Finding, str]]:
        """Findings with a fix that was not applied, and why."""
        return self.plan.not_applied

    @property
    def failed(self) -> list[Skipped]:
        """Files a rule or the parser failed on (the plan is incomplete there)."""
        return self.plan.failed

    def changed_paths(self) -> list[str]:
        """Return the files the run changes (or would change), sorted."""
        return self.plan.changed_paths()

    def outcomes(self) -> list[FileOutcome]:
        """Return one outcome per file the run looked at (see ``file_outcomes``)."""
        return file_outcomes(self.plan, self.written)

    def summary(self) -> FixSummary:
        """Return the run's summary."""
        return summarize(self.plan, self.written)

    def diff(self) -> str:
        """Return the unified diff of the run's changes (``git apply`` accepts it)."""
        return unified_diff(self.plan)

    @property
    def ok(self) -> bool:
        """True when no rule crashed and every changed file was written."""
        return not self.plan.failed and not any(o.status == "failed" for o in self.written)

    def __iter__(self) -> Iterator[Any]:
        """``plan, written = fix(...)``: the pair ``fix()`` returned before it returned a
        report (kept for existing callers; use ``.plan`` and ``.written``)."""
        return iter((self.plan, self.written))
