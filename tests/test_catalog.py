"""The catalog: every rule has metadata, docs with the fixed headings, fixtures and a detector."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from nodeharden._catalog import DOC_HEADINGS, RULE_IDS, load_catalog
from nodeharden.rules import registry

from conftest import CODEMODS, run_cli

REQUIRED_KEYS = {"id", "name", "practice", "severity", "summary", "fix", "fix_title",
                 "references"}


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_metadata(rule_id: str) -> None:
    raw = YAML(typ="safe").load((CODEMODS / rule_id / "rule.yml").read_text())
    assert REQUIRED_KEYS <= set(raw), REQUIRED_KEYS - set(raw)
    assert raw["id"] == rule_id
    assert raw["severity"] in ("error", "warning", "note")
    assert raw["fix"] in ("safe", "unsafe", "none")
    assert raw["references"] and all(r.startswith("https://") for r in raw["references"])


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_docs_with_fixed_headings(rule_id: str) -> None:
    docs = (CODEMODS / rule_id / "README.md").read_text()
    positions = [docs.find(h + "\n") for h in DOC_HEADINGS]
    assert all(p >= 0 for p in positions), f"{rule_id} docs lack a heading: {positions}"
    assert positions == sorted(positions), f"{rule_id} docs headings out of order"
    assert docs.startswith(f"# {rule_id}")


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_fixtures(rule_id: str) -> None:
    cases = [p for p in (CODEMODS / rule_id / "fixtures").glob("*") if p.is_dir()]
    assert cases, f"{rule_id} has no fixtures under codemods/{rule_id}/fixtures/"
    for case in cases:
        assert list(case.glob("input*")), f"{case} has no input file"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_a_detector(rule_id: str) -> None:
    assert rule_id in registry(), f"no module nodeharden/rules/{rule_id.replace('-', '_')}.py"


def test_rules_command_lists_every_rule() -> None:
    proc = run_cli("rules")
    assert proc.returncode == 0, proc.stderr
    for rule_id, meta in load_catalog().items():
        assert rule_id in proc.stdout
        assert meta.severity in proc.stdout


def test_explain_prints_docs_and_rejects_unknown_ids() -> None:
    proc = run_cli("explain", "helmet")
    assert proc.returncode == 0
    assert "## Why it matters" in proc.stdout
    bad = run_cli("explain", "no-such-rule")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "unknown rule 'no-such-rule'" in bad.stderr
