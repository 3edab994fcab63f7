"""Messages say what happened: --pretend writes nothing and says so, piped output has no
colour codes or padding, --from-sarif names --unsafe, missing paths are called missing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_cli, write_tree

ANSI = "\x1b["


def piped(*args: str | Path, cwd: Path | None = None,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI with stdout and stderr piped and NO_COLOR unset (colour is decided by the
    streams alone)."""
    full_env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full_env.update({"TERM": "xterm-256color", **(env or {})})
    return subprocess.run([sys.executable, "-m", "nodeharden", *map(str, args)], cwd=cwd,
                          env=full_env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def template_cache(tmp_path: Path) -> dict[str, str]:
    return {"NODEHARDEN_TEMPLATE_CACHE": str(tmp_path / "cache")}


def test_new_pretend_says_nothing_was_written(tmp_path: Path,
                                              template_cache: dict[str, str]) -> None:
    dest = tmp_path / "app"
    proc = piped("new", dest, "--defaults", "--pretend", env=template_cache)
    assert proc.returncode == 0, proc.stderr
    assert not dest.exists()
    assert "Created" not in proc.stdout + proc.stderr and "Next" not in proc.stderr
    assert "would create  package.json" in proc.stderr
    assert "--pretend: nothing was written" in proc.stderr
    assert ANSI not in proc.stdout + proc.stderr


def test_new_piped_has_no_colour_codes(tmp_path: Path, template_cache: dict[str, str]) -> None:
    dest = tmp_path / "app"
    proc = piped("new", dest, "--defaults", env=template_cache)
    assert proc.returncode == 0, proc.stderr
    assert (dest / "package.json").is_file()
    assert ANSI not in proc.stdout + proc.stderr
    assert "create  package.json" in proc.stderr
    assert proc.stderr.count("Next, in its folder") == 1


def test_update_of_a_missing_folder_says_it_does_not_exist(tmp_path: Path) -> None:
    proc = run_cli("update", tmp_path / "nonexistent", "--defaults")
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"nodeharden: error: path does not exist: {tmp_path / 'nonexistent'}"
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    proc = run_cli("update", afile, "--defaults")
    assert proc.returncode == 2 and "not a directory" in proc.stderr


def test_rules_piped_has_one_line_per_rule_and_no_trailing_spaces() -> None:
    from nodeharden._catalog import RULE_IDS

    proc = piped("rules")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["id", *RULE_IDS]
    assert all(line == line.rstrip() for line in lines)
    assert ANSI not in proc.stdout


APP = {
    "package.json": '{"name": "s", "version": "1.0.0", "dependencies": '
                    '{"express": "^5.1.0", "express-session": "^1.18.0"}}\n',
    "app.js": """
        const express = require('express');
        const session = require('express-session');

        const app = express();
        app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));
        app.get('/', (req, res) => res.send('hi'));
        module.exports = app;
        """,
}


def _result(rule: str, line: int) -> dict:
    return {"ruleId": rule, "message": {"text": "x"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app.js"},
                                                "region": {"startLine": line, "endLine": line}}}]}


@pytest.mark.parametrize("others", [[], ["rate_limit_control", "helmet_header_hsts"]],
                         ids=["alone", "after-fixes-that-move-it"])
def test_from_sarif_says_an_unsafe_fix_needs_unsafe(tmp_path: Path, others: list[str]) -> None:
    root = write_tree(tmp_path / "app", APP)
    # Other fixes insert lines above the secret, so it is no longer at the reported line.
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "njsscan", "rules": []}},
                                         "results": [_result("node_secret", 5),
                                                     *[_result(r, 4) for r in others]]}]}
    (tmp_path / "s.sarif").write_text(json.dumps(log))
    proc = run_cli("fix", root, "--from-sarif", tmp_path / "s.sarif", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "not fixed: njsscan node_secret at app.js:5: its fix is unsafe: needs --unsafe" \
        in proc.stderr
    assert "nothing to fix there" not in proc.stderr
    # Unsafe findings the log did not report are not counted in the summary (rate-limit's
    # fix, which the log did report, is unsafe too).
    counted = [ln for ln in proc.stderr.splitlines() if ln.startswith("not applied (")]
    unsafe = 1 + ("rate_limit_control" in others)
    assert counted in ([], [f"not applied ({unsafe}): unsafe fix; pass --unsafe to apply it"])
    applied = run_cli("fix", root, "--from-sarif", tmp_path / "s.sarif", "--dry-run", "--unsafe")
    assert "SESSION_SECRET" in applied.stdout


def test_summary_counts_files_with_findings(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        **APP, "lib/a.js": "module.exports = 1;\n", "lib/b.js": "module.exports = 2;\n"})
    proc = run_cli("check", root, "--select", "hardcoded-secret")
    assert proc.returncode == 1
    assert "1 finding (1 error) in 1 file; 3 source files scanned" in proc.stdout


def test_rules_page_and_rules_command_name_the_fix_alike() -> None:
    from nodeharden._docs import render_rules_md

    listed = {line.split()[0]: line.split()[2] for line in piped("rules").stdout.splitlines()[1:]}
    page = render_rules_md()
    table = dict(re.findall(r"^\| \[`([a-z-]+)`\]\(#[a-z-]+\) \| \w+ \| (\w+) \|", page, re.M))
    assert table == listed and "report" in listed.values()
    assert "fix `none`" not in page
