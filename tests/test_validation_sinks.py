"""input-validation names dangerous sinks: every ``sink-<kind>`` fixture reports each sink
under a message that starts with ``[<kind>]`` and says what fixes it, with no fix attached."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CODEMODS
from nodeharden._api import check
from nodeharden.rules._validation_sinks import CWES, FIXES, TITLES, sink_of
from test_fixtures import _setup

#: These tests are about robustness-only findings too: the option that reports them.
ROBUSTNESS = "input_validation: {robustness: true}\n"

CASES = sorted((CODEMODS / "input-validation" / "fixtures").glob("sink-*"))


def test_every_sink_kind_has_a_fixture_and_a_title() -> None:
    assert {case.name.removeprefix("sink-") for case in CASES} == set(FIXES) == set(TITLES) \
        == set(CWES)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_sinks_are_named_and_report_only(case: Path, tmp_path: Path) -> None:
    kind = case.name.removeprefix("sink-")
    root, rel, _ = _setup(case, tmp_path)
    findings = [f for f in check(root, select=["input-validation"]).findings if f.path == rel]
    sinks = [f for f in findings if f.message.startswith("[")]
    assert sinks, findings
    for finding in sinks:
        assert finding.message.startswith(f"[{kind}] "), finding.message
        assert sink_of(finding.message) == kind
        assert FIXES[kind] in finding.message
        assert finding.fix is None
    # The generic "without validation" finding is not reported for a handler with a sink.
    sink_lines = {f.line for f in sinks}
    assert all(f.line not in sink_lines and sink_of(f.message) is None
               for f in findings if f not in sinks)


def test_sinks_in_helpers_are_reported_where_they_are(tmp_path: Path) -> None:
    """One level into helpers of the project: the finding points at the sink in the helper's
    file and names the route and the request field; nothing is reported in the handler."""
    case = CODEMODS / "input-validation" / "fixtures" / "helper-sinks-report-only"
    root, rel, _ = _setup(case, tmp_path)
    findings = check(root, select=["input-validation"]).findings
    assert [(f.path, f.line, sink_of(f.message)) for f in findings] == [
        ("lib/net.js", 4, "shell"), ("lib/reports.js", 5, "path-traversal")]
    assert "POST /ping: req.body.host reaches exec()" in findings[0].message
    assert "GET /reports/:name: req.params.name reaches fs.readFile()" in findings[1].message
    assert all(f.fix is None for f in findings)


def test_sarif_results_carry_the_sub_id_first(tmp_path: Path) -> None:
    """SARIF keeps the rule id; the sink's sub-id is the first word of the result's message."""
    import json

    from conftest import run_cli

    root, rel, _ = _setup(CODEMODS / "input-validation" / "fixtures" / "sink-shell", tmp_path)
    with (root / rel).open("a") as app:  # and a finding that is not about a sink
        app.write("app.post('/n', (req, res) => res.json({ n: req.body.n + 2 }));\n")
    proc = run_cli("check", root, "--select", "input-validation", "--format", "sarif")
    assert proc.returncode == 1, proc.stderr
    results = json.loads(proc.stdout)["runs"][0]["results"]
    kinds = sorted(sink_of(r["message"]["text"]) or "-" for r in results)
    assert kinds == ["-", "shell", "shell", "shell", "shell"]
    assert {r["ruleId"] for r in results} == {"input-validation"}


def test_a_sink_is_suppressed_on_its_own_line(tmp_path: Path) -> None:
    from conftest import write_tree

    root = write_tree(tmp_path / "app", {
        ".nodeharden.yml": ROBUSTNESS, "package.json": '{"dependencies": {"express": "^5.1.0"}}',
        "app.js": """
            const express = require('express');
            const app = express();
            app.get('/go', (req, res) => {
              // nodeharden-ignore input-validation
              res.redirect(req.query.next);
            });
            app.get('/go2', (req, res) => {
              res.redirect(req.query.next);
            });
        """})
    findings = check(root, select=["input-validation"]).findings
    assert [(f.line, sink_of(f.message)) for f in findings] == [(8, "open-redirect")]
