"""The library API: ``check`` and ``fix`` with keyword-only options. Never prompts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from nodeharden._catalog import resolve_selection
from nodeharden._config import Config, load_config
from nodeharden._model import Finding
from nodeharden._project import Project, load_project
from nodeharden._scan import Scanner, ScanResult

if TYPE_CHECKING:  # the fix engine is loaded by fix() only: check starts without it
    from nodeharden._fixer import FixReport


def _prepare(path: Path | str, select: list[str] | None, ignore: list[str] | None,
             config_path: Path | None, include: list[str] | None = None,
             ) -> tuple[Project, Config, list[str]]:
    project = load_project(Path(path))
    config = load_config(project.root, config_path)
    if include:
        from nodeharden._record import replace
        from nodeharden._roles import parse_roles
        from nodeharden.errors import UsageError

        try:
            roles = parse_roles(include)
        except ValueError as exc:
            raise UsageError(f"--include: {exc}") from None
        config = replace(config, roles=tuple(sorted(set(config.roles) | roles)))
    # The command line wins: a rule list given by the caller replaces the config file's.
    # An explicit ``select`` also drops the file's ``ignore`` (asking for a rule by name and
    # getting nothing, because of a file one may not have read, is a silent surprise).
    if select is None:
        select = list(config.select) if config.select is not None else None
        if ignore is None:
            ignore = list(config.ignore)
    return project, config, resolve_selection(select, ignore)


def make_scanner(path: Path | str, *, select: list[str] | None = None,
                 ignore: list[str] | None = None, jobs: int | None = None,
                 config_path: Path | None = None, only: set[str] | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 include: list[str] | None = None, cache: bool = False) -> Scanner:
    """Return a scanner for the project at ``path`` (validates rules and config).

    ``include`` names file roles scanned besides application code (``tests``, ``examples``…),
    on top of the config file's ``roles``.
    """
    project, config, rule_ids = _prepare(path, select, ignore, config_path, include)
    return Scanner(project, config, rule_ids, jobs=jobs, only=only, progress=progress,
                   cache=cache)


def check(path: Path | str = ".", *, select: list[str] | None = None,
          ignore: list[str] | None = None, jobs: int | None = None,
          config_path: Path | None = None, only: set[str] | None = None,
          progress: Callable[[int, int], None] | None = None,
          include: list[str] | None = None, diff: str | None = None,
          baseline: Path | None = None, audit: bool = False,
          cache: bool = False, join: bool = True) -> ScanResult:
    """Return every finding in the project at ``path``.

    ``diff`` keeps the files changed since that git ref (with ``only``, the files in both);
    ``baseline`` drops the findings a baseline file (``nodeharden baseline``) accounts for;
    ``audit`` adds ``npm audit``'s findings, and when the audit cannot run the result's
    ``failed`` list holds the lockfile with ``FailReason.AUDIT`` and the reason (also the
    first of the result's notes). ``cache`` keeps each file's scan in the project's
    ``.nodeharden_cache/`` and reuses it while the file, the rules, the project facts and
    nodeharden itself are unchanged (``_resultcache``). ``join`` reports the findings a rule
    reports once per file joined (``Rule.repeats``), after the baseline has dropped the
    places it holds: a place added to a file whose others are in the baseline is new;
    ``join=False`` keeps one finding per place (what a baseline file records).
    """
    if diff is not None:
        from nodeharden._gitdiff import changed_files

        changed = changed_files(Path(path), diff)
        only = changed if only is None else only & changed
    scanner = make_scanner(path, select=select, ignore=ignore, jobs=jobs,
                           config_path=config_path, only=only, progress=progress,
                           include=include, cache=cache)
    if baseline is not None or not join:
        scanner.join_repeats = False
    result = _declined(scanner.scan(), scanner)
    if baseline is None and not audit:
        return result
    from nodeharden._record import replace

    findings = result.findings
    if baseline is not None:
        from nodeharden._baseline import filter_new
        from nodeharden._scan import one_per_file

        findings = filter_new(findings, baseline)
        if join:
            findings = one_per_file(findings)
    if not audit:
        return replace(result, findings=findings)
    if "dependency-audit" not in scanner.rule_ids and (
            select is not None or "dependency-audit" in (ignore or [])):
        # Contradictory options: say so rather than skip the audit quietly.
        from nodeharden.errors import UsageError

        raise UsageError("--audit needs the dependency-audit rule, which --select/--ignore "
                         "leave out; add --select dependency-audit")
    # An explicit audit wins over a config file that leaves the rule out.
    from nodeharden._audit import run_audit
    from nodeharden._model import FailReason, Skipped

    audit_findings, audit_notes = run_audit(result.root)
    findings = sorted([*findings, *audit_findings], key=lambda f: f.sort_key())
    failed = list(result.failed)
    if audit_notes:
        # run_audit's notes say why it could not run: an audit that did not run is no clean
        # audit, so the report says so.
        lockfile = next((n for n in ("package-lock.json", "npm-shrinkwrap.json")
                         if (result.root / n).is_file()), "package-lock.json")
        failed.append(Skipped(lockfile, audit_notes[0], FailReason.AUDIT))
    return replace(result, findings=findings, failed=failed,
                   notes=[*result.notes, *audit_notes])


def _declined(result: ScanResult, scanner: Scanner) -> ScanResult:
    """Return ``result`` with each fix ``fix`` would decline for this project (a dependency
    its Node version cannot run, a package.json missing or not JSON) taken off its finding,
    and the reason added to the message, so that "fixable" says what ``fix`` will do."""
    fixable = [f for f in result.findings if f.fix is not None]
    if not fixable:
        return result
    from nodeharden._applicable import declined_reasons
    from nodeharden._model import uncovered
    from nodeharden._record import replace

    reasons = declined_reasons([f.fix for f in fixable if f.fix is not None],
                               lambda: scanner.runtime, result.root, scanner.package_dirs)
    if not reasons:
        return result
    marked = {id(fixable[i]): why for i, why in reasons.items()}
    # A finding whose note says such a fix covers it too is not fixed either, for that reason.
    declined: dict[str, dict[str, str]] = {}
    for found in fixable:
        if id(found) in marked:
            declined.setdefault(found.rule, {})[f"{found.path}:{found.line}"] = marked[id(found)]
    findings = []
    for found in result.findings:
        if id(found) in marked:
            found = replace(found, fix=None,
                            message=f"{found.message}; not fixed: {marked[id(found)]}")
        elif found.rule in declined:
            message = uncovered(found.message, declined[found.rule])
            if message != found.message:
                found = replace(found, message=message)
        findings.append(found)
    return replace(result, findings=findings)


def fix(path: Path | str = ".", *, dry_run: bool = False, unsafe: bool = False,
        select: list[str] | None = None, ignore: list[str] | None = None,
        jobs: int | None = None, config_path: Path | None = None, force: bool = False,
        only: set[str] | None = None, accept: Callable[[Finding], bool] | None = None,
        progress: Callable[[int, int], None] | None = None,
        include: list[str] | None = None, diff: str | None = None,
        lockfile: bool = True) -> FixReport:
    """Compute the fixes for the project at ``path`` and, unless ``dry_run``, write them.

    Returns a ``FixReport``: the plan (``.plan``) and the outcome of writing each file
    (``.written``, empty for a dry run). Raises ``DirtyTreeError`` when writing into a git work
    tree with uncommitted changes, unless ``force``. ``diff`` keeps the files changed since
    that git ref. With ``lockfile``, the npm lockfile beside a package.json that gets
    packages is refreshed as ``npm install --package-lock-only`` writes it (see
    ``nodeharden._lockfile``).
    """
    from nodeharden._fixer import FixReport, plan_fixes, write_fixes

    if diff is not None:
        from nodeharden._gitdiff import changed_files

        changed = changed_files(Path(path), diff)
        only = changed if only is None else only & changed
    scanner = make_scanner(path, select=select, ignore=ignore, jobs=jobs,
                           config_path=config_path, only=only, progress=progress,
                           include=include)
    result = plan_fixes(scanner, unsafe=unsafe, accept=accept, lockfiles=lockfile)
    if dry_run:
        return FixReport(result, [], dry_run=True)
    return FixReport(result, write_fixes(result, force=force))
