"""The rule registry: one module per rule, named after its id (``body-limit`` →
``body_limit.py``), each defining ``RULE``."""

from __future__ import annotations

import importlib
from functools import cache

from nodeharden._catalog import RULE_IDS
from nodeharden.rules._base import FileContext, ProjectContext, ProjectInfo, Rule

__all__ = ["FILE_RULE_IDS", "FileContext", "ProjectContext", "ProjectInfo", "Rule", "registry",
           "rule"]

#: The rules with work of their own on single files (a ``check_file`` or a ``file_data``):
#: the scanner imports these before it forks its workers, and the others only when the
#: project phase runs, in the main process while the workers scan (importing the other eight
#: before forking put about 10 ms more before the first file of a check).
#: tests/engine/test_file_rule_ids.py keeps this set true.
FILE_RULE_IDS = frozenset({"body-limit", "cookie-flags", "error-handler", "hardcoded-secret",
                           "helmet", "password-hash", "rate-limit", "sql-injection"})


@cache
def rule(rule_id: str) -> Rule | None:
    """Return the rule ``rule_id`` (importing its module), or None when it has no module."""
    module_name = f"nodeharden.rules.{rule_id.replace('-', '_')}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
    found: Rule = module.RULE
    assert found.id == rule_id, f"{module_name} defines rule {found.id!r}"
    return found


@cache
def registry() -> dict[str, Rule]:
    """Return every implemented rule, keyed by id, in catalog order."""
    return {rule_id: found for rule_id in RULE_IDS if (found := rule(rule_id)) is not None}
