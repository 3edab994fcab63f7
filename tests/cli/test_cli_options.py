"""Command-line options mean one thing: repeatable rule lists, the command line over the
config file, the report format from ``-o``'s extension, one policy for output paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_tree
from nodeharden._cli import build_parser

APP = {
    "package.json": '{"name": "a", "version": "1.0.0", "dependencies": {"express": "^5.1.0"}}\n',
    "app.js": """
        const express = require('express');
        const app = express();
        app.use(express.json());
        app.get('/', (req, res) => res.send('hi'));
        app.listen(3000);
        """,
}


def _rules(proc) -> set[str]:  # type: ignore[no-untyped-def]
    assert proc.returncode in (0, 1), proc.stderr
    return {f["rule"] for f in json.loads(proc.stdout)["findings"]}


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "app", APP)


def test_select_does_not_swallow_the_path(app: Path) -> None:
    # `--select helmet .` once read "." as a second rule.
    proc = run_cli("check", "--select", "helmet", ".", "--format", "json", cwd=app)
    assert _rules(proc) == {"helmet"}


def test_select_is_repeatable_and_takes_comma_lists(app: Path) -> None:
    repeated = run_cli("check", app, "--select", "helmet", "--select", "error-handler",
                       "--format", "json")
    comma = run_cli("check", app, "--select", "helmet,error-handler", "--format", "json")
    assert _rules(repeated) == _rules(comma) == {"helmet", "error-handler"}
    # A finding of another rule, so the ignored run has something left to report.
    (app / "token.js").write_text("const jwt = require('jsonwebtoken');\n"
                                  "module.exports = (user) => jwt.sign(user, 'hunter2');\n")
    ignored = run_cli("check", app, "--ignore", "helmet", "--ignore", "rate-limit,error-handler",
                      "--format", "json")
    assert "hardcoded-secret" in _rules(ignored)
    assert not _rules(ignored) & {"helmet", "rate-limit", "error-handler"}


def test_command_line_select_wins_over_config_ignore(app: Path) -> None:
    (app / ".nodeharden.yml").write_text("ignore: [helmet]\nselect: [rate-limit]\n")
    assert _rules(run_cli("check", app, "--format", "json")) == {"rate-limit"}
    assert _rules(run_cli("check", app, "--select", "helmet", "--format", "json")) == {"helmet"}
    # --ignore on the command line replaces the file's ignore, the file's select still holds.
    both = run_cli("check", app, "--ignore", "error-handler", "--format", "json")
    assert _rules(both) == {"rate-limit"}


def test_help_says_the_command_line_wins() -> None:
    for command in ("check", "fix", "baseline"):
        proc = run_cli(command, "--help")
        assert "win over .nodeharden.yml" in " ".join(proc.stdout.split()), command


@pytest.mark.parametrize(("name", "kind"), [("r.sarif", "sarif"), ("r.json", "json"),
                                            ("r.txt", "text"), ("r.log", "text")])
def test_output_extension_picks_the_format(app: Path, name: str, kind: str) -> None:
    target = app.parent / "out" / "nested" / name  # missing parents are created
    proc = run_cli("check", app, "-o", target)
    assert proc.returncode == 1, proc.stderr
    text = target.read_text()
    if kind == "sarif":
        assert json.loads(text)["version"] == "2.1.0"
    elif kind == "json":
        assert json.loads(text)["findings"]
    else:
        assert text.startswith("app.js\n") and "helmet" in text


def test_explicit_format_wins_over_the_extension(app: Path) -> None:
    target = app.parent / "r.sarif"
    proc = run_cli("check", app, "-o", target, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert "findings" in json.loads(target.read_text())


def test_baseline_and_check_output_treat_missing_folders_alike(app: Path) -> None:
    base = app.parent / "new1" / "deeper" / "baseline.json"
    report = app.parent / "new2" / "deeper" / "report.json"
    assert run_cli("baseline", base, app).returncode == 0
    assert run_cli("check", app, "-o", report).returncode == 1
    assert base.is_file() and report.is_file()
    # A parent that is a file cannot be created: the same one-line error for both.
    blocker = app.parent / "blocker"
    blocker.write_text("x")
    for proc in (run_cli("baseline", blocker / "b.json", app),
                 run_cli("check", app, "-o", blocker / "r.json")):
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1 and "cannot write" in proc.stderr


def test_every_option_has_help_text() -> None:
    parser = build_parser()
    missing = []
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, sub in subparsers.choices.items():  # type: ignore[attr-defined]
        for action in sub._actions:
            if action.help is None:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []


def test_no_cache_is_accepted_by_every_scanning_command(app: Path) -> None:
    # `fix --no-cache` was "unrecognized arguments" (exit 2) where `check --no-cache` worked;
    # fix and baseline keep no per-file results, so the flag changes nothing there.
    plain = run_cli("fix", app, "--dry-run", "--select", "helmet")
    flagged = run_cli("fix", app, "--dry-run", "--select", "helmet", "--no-cache")
    assert flagged.returncode == plain.returncode == 0, flagged.stderr
    assert "+app.use(helmet());" in flagged.stdout and flagged.stdout == plain.stdout
    written = run_cli("baseline", app / "nh-baseline.json", app, "--no-cache")
    assert written.returncode == 0, written.stderr
    assert json.loads((app / "nh-baseline.json").read_text())
    assert not (app / ".nodeharden_cache").exists()
