"""``FILE_RULE_IDS`` names exactly the rules with per-file work (a ``check_file`` or a
``file_data`` of their own): the scanner imports only these before forking, so a rule missing
from it would have its per-file work skipped."""

from __future__ import annotations

import subprocess
import sys

from nodeharden.rules import FILE_RULE_IDS, Rule, registry, rule


def test_file_rule_ids_are_the_rules_with_per_file_work() -> None:
    per_file = {rule_id for rule_id, found in registry().items()
                if type(found).check_file is not Rule.check_file
                or type(found).file_data is not Rule.file_data}
    assert per_file == FILE_RULE_IDS


def test_rule_returns_the_registry_entry_and_none_for_no_module() -> None:
    assert all(rule(rule_id) is found for rule_id, found in registry().items())
    assert rule("no-such-rule") is None


def test_the_per_file_rules_load_without_the_project_rules() -> None:
    code = ("import sys\nfrom nodeharden import _scan\nfrom nodeharden._catalog import RULE_IDS\n"
            "_scan._file_rules(RULE_IDS)\n"
            "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules\n"
            "             if m.startswith('nodeharden.rules.') and '._' not in m))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.strip() == str(sorted(r.replace("-", "_") for r in FILE_RULE_IDS))


def test_project_modules_are_importable_and_not_loaded_by_their_rules() -> None:
    """``Rule.project_modules`` names modules the scanner imports while its workers scan: each
    one exists, and no rule module loads it at import (else naming it would gain nothing)."""
    code = ("import importlib, sys\nfrom nodeharden.rules import registry\n"
            "named = [m for r in registry().values() for m in r.project_modules]\n"
            "print(sorted(m for m in named if m in sys.modules))\n"
            "for m in named: importlib.import_module(m)\nprint(len(named))\n")
    loaded, count = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                   check=True, timeout=120).stdout.split("\n")[:2]
    assert loaded == "[]"
    assert int(count) >= 2
