"""The library API: ``check`` and ``fix`` with keyword-only options. Never prompts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typing import TYPE_CHECKING

from nodeharden._catalog import resolve_selection
from nodeharden._config import Config, load_config
from nodeharden._model import FileOutcome, Finding
from nodeharden._project import Project, load_project
from nodeharden._scan import Scanner, ScanResult
from nodeharden.errors import DirtyTreeError

if TYPE_CHECKING:  # the fix engine is loaded by fix() only: check starts without it
    from nodeharden._fixer import FixResult


def _prepare(path: Path | str, select: list[str] | None, ignore: list[str] | None,
             config_path: Path | None, include: list[str] | None = None,
             ) -> tuple[Project, Config, list[str]]:
    project = load_project(Path(path))
    config = load_config(project.root, config_path)
    if include:
        from dataclasses import replace

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
                 include: list[str] | None = None) -> Scanner:
    """Return a scanner for the project at ``path`` (validates rules and config).

    ``include`` names file roles scanned besides application code (``tests``, ``examples``…),
    on top of the config file's ``roles``.
    """
    project, config, rule_ids = _prepare(path, select, ignore, config_path, include)
    return Scanner(project, config, rule_ids, jobs=jobs, only=only, progress=progress)


def check(path: Path | str = ".", *, select: list[str] | None = None,
          ignore: list[str] | None = None, jobs: int | None = None,
          config_path: Path | None = None, only: set[str] | None = None,
          progress: Callable[[int, int], None] | None = None,
          include: list[str] | None = None) -> ScanResult:
    """Return every finding in the project at ``path``."""
    scanner = make_scanner(path, select=select, ignore=ignore, jobs=jobs,
                           config_path=config_path, only=only, progress=progress,
                           include=include)
    return scanner.scan()


def fix(path: Path | str = ".", *, dry_run: bool = False, unsafe: bool = False,
        select: list[str] | None = None, ignore: list[str] | None = None,
        jobs: int | None = None, config_path: Path | None = None, force: bool = False,
        only: set[str] | None = None, accept: Callable[[Finding], bool] | None = None,
        progress: Callable[[int, int], None] | None = None,
        include: list[str] | None = None,
        ) -> tuple[FixResult, list[FileOutcome]]:
    """Compute the fixes for the project at ``path`` and, unless ``dry_run``, write them.

    Returns the plan and the per-file outcomes of writing (empty for a dry run). Raises
    ``DirtyTreeError`` when writing into a git work tree with uncommitted changes, unless
    ``force``.
    """
    from nodeharden._fixer import plan_fixes, write_result

    scanner = make_scanner(path, select=select, ignore=ignore, jobs=jobs,
                           config_path=config_path, only=only, progress=progress,
                           include=include)
    result = plan_fixes(scanner, unsafe=unsafe, accept=accept)
    if dry_run or not result.changed_paths():
        return result, []
    if not force:
        ensure_clean_tree(scanner.project.root, result.changed_paths())
    return result, write_result(result)


def ensure_clean_tree(root: Path, paths: list[str]) -> None:
    """Raise ``DirtyTreeError`` when ``root`` is in a git work tree with uncommitted changes
    (a folder outside git is fine)."""
    import subprocess

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
