"""The wizard and ``fix --interactive``, driven through a real pseudo-terminal with pexpect.

questionary needs a real terminal, so every test spawns ``python -m nodeharden`` under a pty
(100 columns, NO_COLOR) and answers the prompts with keys: Enter, the down arrow, Ctrl-C.
The files written must be exactly what the library writes for the same decisions.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest

from conftest import run_cli, write_tree

ENTER = "\r"
DOWN = "\x1b[B"
CTRL_C = "\x03"
#: SGR and other CSI sequences that may sit between the words of the output (bold stays on
#: under NO_COLOR).
CSI = r"(?:\x1b\[[0-9;?]*[a-zA-Z])*"
#: The header printed before each fix: "fix 2  helmet  src/b.js:3  (safe)".
FIX_HEADER = rf"fix (\d+){CSI}  {CSI}([a-z-]+){CSI}  (\S+?):(\d+)"
#: The menu under each fix, in order.
MENU = ("apply", "skip", "apply-rule", "skip-rule", "docs", "quit")
TIMEOUT = 25  # the machine is shared and loaded

LEGACY_APP = {
    "package.json": """\
        {
          "name": "legacy",
          "version": "1.0.0",
          "private": true,
          "dependencies": {
            "express": "^5.1.0"
          }
        }
        """,
    "src/a.js": """\
        const express = require('express');

        const app = express();
        app.use(express.json());
        app.get('/', (req, res) => res.send('a'));
        module.exports = app;
        """,
    "src/b.js": """\
        const express = require('express');

        const app = express();
        app.get('/', (req, res) => res.send('b'));
        module.exports = app;
        """,
}


def spawn(*args: str, cwd: Path, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Start ``python -m nodeharden ARGS`` on a pseudo-terminal."""
    full_env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm",
                # pexpect never answers prompt_toolkit's cursor position request
                "PROMPT_TOOLKIT_NO_CPR": "1", **(env or {})}
    full_env.pop("CI", None)
    # The pseudo-terminal's own size counts; COLUMNS/LINES (pytest-xdist's workers set 80x24)
    # would make the wizard wrap its messages narrower than the terminal the test reads.
    full_env.pop("COLUMNS", None)
    full_env.pop("LINES", None)
    child = pexpect.spawn(sys.executable, ["-m", "nodeharden", *args], cwd=str(cwd),
                          env=full_env, dimensions=(40, 100), encoding="utf-8",
                          codec_errors="replace", timeout=TIMEOUT)
    return child


def expect_prompt(child, text: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the questionary prompt whose message starts with ``text`` is shown."""
    child.expect(rf"\?{CSI} {re.escape(text)}")


def pick(child, index: int) -> None:  # type: ignore[no-untyped-def]
    """Choose the ``index``-th entry of the select prompt on screen."""
    child.send(DOWN * index + ENTER)


def finish(child) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Wait for the end; return (exit code, the output since the last match, that match
    included, without escapes)."""
    head = child.after if isinstance(child.after, str) else ""
    child.expect(pexpect.EOF)
    rest = head + (child.before or "")
    child.close()
    return child.exitstatus, plain(rest)


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", text).replace("\r", "")


def review_fixes(child, decide: Callable[[str, str], str]) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """Answer every fix prompt with ``decide(rule, path)``; return what was shown and
    answered. Stops at the first output that is not a fix (the summary)."""
    answered: list[tuple[str, str, str]] = []
    while True:
        index = child.expect([FIX_HEADER, "Accepted \\d+ fix", "No fix to review"])
        if index != 0:
            return answered
        rule, path = child.match.group(2), child.match.group(3)
        expect_prompt(child, "Apply this fix?")
        child.expect(r"6\) quit")
        answer = decide(rule, path)
        answered.append((rule, path, answer))
        pick(child, MENU.index(answer))


def snapshot(root: Path) -> dict[str, bytes]:
    """Return every file under ``root`` (relative path → bytes)."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.parts}


def expected_tree(app: Path, tmp: Path, accept: Callable[[object], bool], *,
                  unsafe: bool = False) -> dict[str, bytes]:
    """Return the files the library writes for a copy of ``app`` with these decisions."""
    from nodeharden._api import make_scanner
    from nodeharden._fixer import plan_fixes, write_result

    copy = tmp / "expected"
    shutil.copytree(app, copy)
    result = plan_fixes(make_scanner(copy, jobs=1), unsafe=unsafe, accept=accept)  # type: ignore[arg-type]
    write_result(result)
    return snapshot(copy)


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "legacy", LEGACY_APP)


# No terminal


def test_no_arguments_without_a_terminal_prints_usage_and_exits_2() -> None:
    proc = run_cli()
    assert proc.returncode == 2
    assert proc.stderr.startswith("usage: nodeharden")
    assert "no terminal" in proc.stderr
    assert proc.stdout == ""


def test_fix_interactive_without_a_terminal_names_the_flags(legacy: Path) -> None:
    before = snapshot(legacy)
    proc = run_cli("fix", "--interactive", legacy)
    assert proc.returncode == 2
    assert "needs a terminal" in proc.stderr and "--dry-run" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(legacy) == before


# fix --interactive


def _decision(rule: str, path: str, line: int, accepted: bool, applicability: str = "safe"):  # type: ignore[no-untyped-def]
    from nodeharden._interactive import Decision
    from nodeharden._model import FileChange, Finding, Fix

    fix = Fix("t", applicability, (FileChange(path, ()),))  # type: ignore[arg-type]
    return Decision(Finding(rule, path, line, 1, line, 2, "m", fix=fix), accepted)


def test_rerun_command_repeats_whole_rule_choices_and_flags_mixed_ones() -> None:
    from types import SimpleNamespace

    from nodeharden._interactive import rerun_command

    def command(*decisions):  # type: ignore[no-untyped-def]
        return rerun_command("my app", SimpleNamespace(decisions=list(decisions)))  # type: ignore[arg-type]

    assert command(_decision("helmet", "a.js", 1, False)) == (None, [])
    assert command(_decision("helmet", "a.js", 1, True), _decision("helmet", "b.js", 1, True),
                   _decision("rate-limit", "a.js", 1, False)) == \
        ("nodeharden fix 'my app' --select helmet", [])
    # An accepted unsafe fix needs --unsafe; then a declined unsafe fix of that rule is mixed.
    assert command(_decision("helmet", "a.js", 1, True, "unsafe"),
                   _decision("helmet", "b.js", 1, False, "unsafe")) == \
        ("nodeharden fix 'my app' --select helmet --unsafe", ["helmet"])
    # A declined unsafe fix is not applied by a run without --unsafe: not mixed.
    assert command(_decision("body-limit", "a.js", 1, True),
                   _decision("body-limit", "b.js", 1, False, "unsafe")) == \
        ("nodeharden fix 'my app' --select body-limit", [])




def test_fix_interactive_writes_exactly_the_accepted_fixes(legacy: Path, tmp_path: Path) -> None:
    child = spawn("fix", "-i", ".", cwd=legacy)

    def decide(rule: str, path: str) -> str:
        return "apply" if (rule, path) == ("helmet", "src/a.js") else "skip"

    answered = review_fixes(child, decide)
    code, out = finish(child)
    assert code == 0, out
    shown = {(rule, path) for rule, path, _ in answered}
    # Both apps lack helmet; every fix was asked about once, line shifts notwithstanding.
    assert {("helmet", "src/a.js"), ("helmet", "src/b.js")} <= shown
    assert len(answered) == len(shown)
    expected = expected_tree(legacy, tmp_path,
                             lambda f: (f.rule, f.path) == ("helmet", "src/a.js"))
    assert snapshot(legacy) == expected
    a = (legacy / "src/a.js").read_text()
    assert "const helmet = require('helmet');" in a and "app.use(helmet());" in a
    assert (legacy / "src/b.js").read_text() == (tmp_path / "expected/src/b.js").read_text()
    assert "helmet" not in (legacy / "src/b.js").read_text()
    assert '"helmet": "^' in (legacy / "package.json").read_text()
    assert f"declined {len(answered) - 1}" in out
    assert "nodeharden fix . --select helmet" in out
    # Accepted a.js, declined b.js: said plainly that a re-run cannot tell them apart.
    assert "The closest command without questions" in out
    assert "cannot repeat your choices exactly" in out
    assert "nodeharden-ignore" in out and "--from-sarif" in out


def test_fix_interactive_shows_the_diff_and_docs(legacy: Path) -> None:
    from nodeharden._catalog import get_rule

    child = spawn("fix", "-i", ".", "--select", "helmet", "--dry-run", cwd=legacy)
    raw = io.StringIO()
    child.logfile_read = raw
    child.expect(FIX_HEADER)
    summary_start = " ".join(get_rule("helmet").docs_summary.split()[:4])
    child.expect(re.escape(summary_start))
    child.expect(r"\+const helmet = require\('helmet'\);")
    child.expect(r"\+app\.use\(helmet\(\)\);")
    child.expect(r'\+\s+"helmet": "\^')  # the package.json change of the fix
    expect_prompt(child, "Apply this fix?")
    child.expect(r"6\) quit")
    pick(child, MENU.index("docs"))
    child.expect("Why it matters")  # the docs, then the same question again
    expect_prompt(child, "Apply this fix?")
    child.expect(r"6\) quit")
    pick(child, MENU.index("apply-rule"))  # b.js's helmet fix is applied without asking
    code, out = finish(child)
    assert code == 0, out
    assert "fix 2" not in out
    assert "Accepted 2 fixes, declined 0" in out
    assert "would change 3 files" in out
    assert "To make the same choices without questions:" in out and "note:" not in out
    assert "nodeharden fix . --select helmet" in out
    assert "helmet" not in (legacy / "src/a.js").read_text()  # dry run wrote nothing
    # NO_COLOR: bold may stay, colours may not (foreground, background, 256 and true colour).
    colours = re.findall(r"\x1b\[[0-9;]*m", raw.getvalue())
    assert colours and not [c for c in colours
                            if re.search(r"[\[;](3[0-7]|4[0-7]|9[0-7]|38|48)[;m]", c)]


def test_quit_in_the_middle_writes_only_what_was_accepted(legacy: Path, tmp_path: Path) -> None:
    child = spawn("fix", "-i", ".", cwd=legacy)
    answers = iter(["apply", "quit"])
    answered = review_fixes(child, lambda rule, path: next(answers))
    code, out = finish(child)
    assert code == 0, out
    assert [a for _, _, a in answered] == ["apply", "quit"]
    first = answered[0][:2]
    assert snapshot(legacy) == expected_tree(legacy, tmp_path,
                                             lambda f: (f.rule, f.path) == first)
    assert "Accepted 1 fix" in out and "quit early" in out


def test_ctrl_c_in_the_middle_writes_nothing(legacy: Path) -> None:
    before = snapshot(legacy)
    child = spawn("fix", "-i", ".", cwd=legacy)
    child.expect(FIX_HEADER)
    expect_prompt(child, "Apply this fix?")
    child.expect(r"6\) quit")
    pick(child, MENU.index("apply"))
    child.expect(FIX_HEADER)
    child.expect(r"6\) quit")
    child.send(CTRL_C)
    code, out = finish(child)
    assert code == 130
    assert out.count("interrupted") == 1 and "nodeharden: error: interrupted" in out
    assert "Traceback" not in out
    assert snapshot(legacy) == before


def test_fix_interactive_refuses_a_dirty_tree_before_asking(legacy: Path) -> None:
    import subprocess

    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost", "-c",
           "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=legacy, check=True)
    subprocess.run([*git, "add", "."], cwd=legacy, check=True)
    subprocess.run([*git, "commit", "-qm", "app"], cwd=legacy, check=True)
    (legacy / "src/b.js").write_text("// edited\n" + (legacy / "src/b.js").read_text())
    before = snapshot(legacy)
    child = spawn("fix", "-i", ".", cwd=legacy)
    code, out = finish(child)
    assert code == 2
    assert "uncommitted changes" in out and "--force" in out
    assert "Apply this fix?" not in out
    assert snapshot(legacy) == before


# The wizard


def test_wizard_harden_applies_one_rule_and_skips_the_others(legacy: Path,
                                                             tmp_path: Path) -> None:
    child = spawn(cwd=legacy)
    expect_prompt(child, "What do you want to do?")
    child.expect("Quit")
    pick(child, 2)  # Harden this folder
    child.expect(r"helmet\s+2\s+2\s+0\s+0")  # the findings table: helmet, 2 safe fixes
    expect_prompt(child, "Rules to fix")
    child.expect(r"helmet: 2 safe fixes")
    child.send(ENTER)  # keep the preselected (safe) rules

    def decide(rule: str, path: str) -> str:
        return "apply-rule" if rule == "helmet" else "skip-rule"

    answered = review_fixes(child, decide)
    code, out = finish(child)
    assert code == 0, out
    assert [r for r, _, _ in answered].count("helmet") == 1  # the second one was not asked
    assert len({r for r, _, _ in answered}) == len(answered)  # one question per rule
    assert snapshot(legacy) == expected_tree(legacy, tmp_path, lambda f: f.rule == "helmet",
                                             unsafe=True)
    for name in ("a", "b"):
        assert "app.use(helmet());" in (legacy / f"src/{name}.js").read_text()
    assert "nodeharden fix . --select helmet" in out


def test_wizard_check_prints_the_report(legacy: Path) -> None:
    child = spawn(cwd=legacy)
    expect_prompt(child, "What do you want to do?")
    child.expect("Quit")
    pick(child, 1)
    code, out = finish(child)
    assert code == 1
    assert "Express app without helmet()" in out and "src/b.js" in out



def _answer_template(child, folder: Path, store: str = "memory") -> list[str]:  # type: ignore[no-untyped-def]
    """Answer every template question with a non-default answer where the test checks it;
    return the names of the questions asked. Defaults are shown, not pre-filled: typed text
    replaces them (no Ctrl-U)."""
    from nodeharden._scaffold import load_questions

    asked: list[str] = []
    answers: dict[str, object] = {}
    for question in load_questions():
        if not question.is_asked(answers):
            continue
        asked.append(question.name)
        if question.help:  # the template's own help text, shown before its question
            child.expect(re.escape(" ".join(question.help.split()[:5])))
        expect_prompt(child, question.name)
        answers[question.name] = question.default
        if question.name == "project_name":
            child.expect(re.escape("(my-api)"))  # the default is shown beside the question
            child.send("Shop API" + ENTER)  # invalid: the validator says why, in full
            child.expect(re.escape("starting with a letter or digit (optionally @scope/name)"))
            expect_prompt(child, "project_name")
            child.send("shop-api" + ENTER)
        elif question.name == "description":
            child.send("Orders for the shop" + ENTER)
        elif question.name in ("module_system", "node_version", "rate_limit_store"):
            wanted = {"module_system": "commonjs", "node_version": "24",
                      "rate_limit_store": store}[question.name]
            values = [c.value for c in question.choices]
            pick(child, values.index(wanted) - values.index(question.default))
            answers[question.name] = wanted
        elif question.name == "sessions":
            child.send("y")
        elif question.name == "dockerfile":
            child.send("n")
        else:
            child.send(ENTER)  # the default
    expect_prompt(child, "Folder to create")
    child.send(str(folder) + ENTER)
    return asked


def test_wizard_new_app_renders_the_answers(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    child = spawn(cwd=tmp_path, env={"NODEHARDEN_TEMPLATE_CACHE": str(tmp_path / "cache")})
    expect_prompt(child, "What do you want to do?")
    child.expect("Quit")
    pick(child, 0)
    asked = _answer_template(child, folder)
    assert "redis_strict" not in asked  # asked only with the Redis store
    child.expect("Your new app")
    child.expect("Orders for the shop")
    expect_prompt(child, "Create the app in")
    child.send("y")
    code, out = finish(child)
    assert code == 0, out
    assert out.count("Created shop-api") == 1 and out.count("Next, in its folder") == 1
    assert "my-apishop-api" not in (folder / "package.json").read_text()
    pkg = (folder / "package.json").read_text()
    assert '"name": "shop-api"' in pkg and "Orders for the shop" in pkg
    assert '"type": "module"' not in pkg
    assert "require(" in (folder / "src/app.js").read_text()
    assert (folder / "src/session.js").is_file()
    assert not (folder / "Dockerfile").exists()
    assert (folder / ".github").is_dir()
    assert (folder / ".nvmrc").read_text().strip() == "24"
    answers = (folder / ".copier-answers.yml").read_text()
    assert "project_name: shop-api" in answers and "sessions: true" in answers
    assert "node_version: '24'" in answers or 'node_version: "24"' in answers
    assert not [p for p in tmp_path.iterdir() if "nodeharden-" in p.name]  # no staging left


def test_wizard_new_app_ctrl_c_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    child = spawn(cwd=tmp_path, env={"NODEHARDEN_TEMPLATE_CACHE": str(tmp_path / "cache")})
    expect_prompt(child, "What do you want to do?")
    child.expect("Quit")
    pick(child, 0)
    expect_prompt(child, "project_name")
    child.send(ENTER)
    expect_prompt(child, "description")
    child.send(CTRL_C)
    code, out = finish(child)
    assert code == 130
    assert out.count("interrupted") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert not folder.exists()


def test_wizard_asks_redis_strict_only_with_the_redis_store(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    child = spawn(cwd=tmp_path, env={"NODEHARDEN_TEMPLATE_CACHE": str(tmp_path / "cache")})
    expect_prompt(child, "What do you want to do?")
    child.expect("Quit")
    pick(child, 0)
    asked = _answer_template(child, folder, store="redis")
    assert asked.index("redis_strict") == asked.index("rate_limit_store") + 1
    expect_prompt(child, "Create the app in")
    child.send("n")
    code, out = finish(child)
    assert code == 0 and "Nothing was created" in out
    assert not folder.exists()
