"""Every ``nodeharden`` command line shown in README.md and docs/*.md is parsed by the real
argument parser, so a documented flag that does not exist (or was removed) fails the suite.

Concrete command lines (``nodeharden check --format sarif -o r.sarif``) must parse as a whole;
usage synopses (``nodeharden check [PATH] [--format text|json|sarif] …``, with brackets or
``...``) must name only options the subcommand has.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from conftest import REPO
from nodeharden._cli import build_parser
from nodeharden.errors import UsageError

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL_STOP = {"|", "||", "&&", ";", ">", ">>", "2>", "2>&1", "<"}


def _subparsers() -> dict:
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return dict(action.choices)  # type: ignore[attr-defined]


def command_lines(path: Path) -> list[tuple[int, str]]:
    """Return (line number, command) for every ``nodeharden …`` command in ``path``: lines
    of code blocks (fenced, indented, or a YAML ``run:``) and inline code spans."""
    out: list[tuple[int, str]] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    fenced = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            fenced = not fenced
            i += 1
            continue
        code = line.strip()
        code = re.sub(r"^(?:\$ |- run: |run: )", "", code)
        if (fenced or line.startswith("    ") or "run: nodeharden" in line) and \
                code.startswith("nodeharden "):
            start = i
            # Continuations: a trailing backslash, or a synopsis going on with "[--…".
            while i + 1 < len(lines) and (code.endswith("\\") or
                                          lines[i + 1].strip().startswith("[")):
                code = code.rstrip("\\").rstrip() + " " + lines[i + 1].strip()
                i += 1
            out.append((start + 1, code))
        else:
            for span in re.findall(r"`(nodeharden [^`]*)`", line):
                out.append((i + 1, span))
        i += 1
    return out


def _words(command: str) -> list[str]:
    words = shlex.split(command, comments=True)
    for n, word in enumerate(words):
        if word in SHELL_STOP or word.startswith((">", "2>")):
            return words[:n]
    return words


ALL = [(path, number, command) for path in DOCS for number, command in command_lines(path)]


def test_the_docs_show_command_lines() -> None:
    # The extractor finds what it should: a broken one would make the test below vacuous.
    found = {command.split()[1] for _, _, command in ALL if len(command.split()) > 1}
    assert {"check", "fix", "new", "update", "baseline", "rules", "explain", "docs"} <= found


@pytest.mark.parametrize(("path", "number", "command"), ALL,
                         ids=[f"{p.name}:{n}" for p, n, _ in ALL])
def test_documented_command_line_parses(path: Path, number: int, command: str) -> None:
    words = _words(command)[1:]
    if not words or words[0].startswith(("-", "[")) and words[0] not in ("--version",):
        pytest.fail(f"{path.name}:{number}: no subcommand in {command!r}")
    if any("[" in w or "..." in w or "…" in w for w in words):
        # A synopsis: every option it names must exist on that subcommand.
        sub = _subparsers().get(words[0])
        assert sub is not None, f"{path.name}:{number}: unknown command {words[0]!r}"
        known = {s for a in sub._actions for s in a.option_strings}
        named = {m for w in words for m in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", w)}
        assert named <= known, f"{path.name}:{number}: {sorted(named - known)} not in `{words[0]}`"
        return
    if words == ["--version"]:
        return
    if len(words) == 1 and words[0] in _subparsers():
        return  # a command named in prose ("`nodeharden new` renders…"), not a command line
    try:
        build_parser().parse_args(words)
    except UsageError as exc:
        pytest.fail(f"{path.name}:{number}: {command!r}: {exc}")
