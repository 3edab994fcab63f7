"""The rule registry: one module per rule, named after its id (``body-limit`` →
``body_limit.py``), each defining ``RULE``."""

from __future__ import annotations

import importlib
from functools import cache

from nodeharden._catalog import RULE_IDS
from nodeharden.rules._base import FileContext, ProjectContext, ProjectInfo, Rule

__all__ = ["FileContext", "ProjectContext", "ProjectInfo", "Rule", "registry"]


@cache
def registry() -> dict[str, Rule]:
    """Return every implemented rule, keyed by id, in catalog order."""
    rules: dict[str, Rule] = {}
    for rule_id in RULE_IDS:
        module_name = f"nodeharden.rules.{rule_id.replace('-', '_')}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        rule = module.RULE
        assert rule.id == rule_id, f"{module_name} defines rule {rule.id!r}"
        rules[rule_id] = rule
    return rules
