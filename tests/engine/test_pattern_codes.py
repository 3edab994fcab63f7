"""The opcodes of nodeharden's module patterns are kept between runs (``_regex``): a pattern
made again from them must be the pattern ``re.compile`` makes (same flags, groups and names,
same matches), a cache file that is corrupt, foreign or unwritable is only a slower start, and
the file is written atomically by whichever process learned something new."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import subprocess
import sys
from array import array
from pathlib import Path
from typing import Any

import pytest

import nodeharden
from nodeharden import _regex

REPO = Path(__file__).resolve().parents[2]


def _all_lazy_patterns() -> list[tuple[str, Any, int]]:
    """Every ``lazy_pattern`` constant of every nodeharden module."""
    found = []
    for info in pkgutil.walk_packages(nodeharden.__path__, "nodeharden."):
        if info.name.endswith(("_wizard", "_interactive", "__main__")):
            continue  # questionary's import: not a pattern module
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, _regex._LazyPattern):
                found.append((f"{info.name}.{name}", *value._source))
    return found


def _samples() -> list[bytes]:
    texts = [path.read_bytes() for path in sorted((REPO / "tests" / "apps").rglob("*.js"))]
    texts += [path.read_bytes() for path in sorted((REPO / "templates").rglob("*.js"))[:40]]
    return texts


def _constant(pattern: str) -> Any:
    """A pattern as a module's constant is made (``lazy_pattern`` at import time)."""
    return _regex._LazyPattern(pattern, 0, constant=True)


@pytest.fixture()
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, and a process that has loaded no opcodes yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(_regex, "_CODES", None)
    monkeypatch.setattr(_regex, "_ADDED", {})
    return tmp_path / "cache" / "nodeharden"


def test_every_module_pattern_made_from_its_opcodes_is_the_same_pattern() -> None:
    patterns = _all_lazy_patterns()
    assert len(patterns) > 150
    samples = _samples()
    texts = [s.decode("utf-8", "replace") for s in samples]
    for name, source, flags in patterns:
        expected = re.compile(source, flags)
        entry = _regex._opcodes(source, flags, expected)
        assert entry is not None, name
        made = _regex._rebuilt(source, entry)
        assert (made.pattern, made.flags, made.groups, made.groupindex) == (
            expected.pattern, expected.flags, expected.groups, expected.groupindex), name
        for text in (samples if isinstance(source, bytes) else texts):
            assert [m.span() + m.groups() for m in made.finditer(text)] == \
                [m.span() + m.groups() for m in expected.finditer(text)], name


def test_a_second_process_builds_from_the_file(fresh_cache: Path) -> None:
    code = ("from nodeharden import _regex\n"
            "p = _regex.lazy_pattern(rb'requ(?P<tail>ire)\\s*\\(')\n"
            "assert p.search(b'x = require (1)').group('tail') == b'ire'\n"
            "print(len(_regex._ADDED), len(_regex._load_codes()))\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(fresh_cache.parent)}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.split()
    assert first == ["1", "1"]  # learned, and written at exit
    (written,) = fresh_cache.glob("patterns-*.marshal")
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True).stdout.split()
    assert second == ["0", "1"]  # found in the file: nothing new to write
    assert not list(fresh_cache.glob("*.tmp"))
    assert written.stat().st_size > 0


def test_a_corrupt_or_foreign_file_is_a_plain_compile(fresh_cache: Path) -> None:
    fresh_cache.mkdir(parents=True)
    path = Path(_regex._codes_path() or "")
    path.write_bytes(b"\x00not marshal at all")
    pattern = _constant(r"a(b+)c")
    assert pattern.fullmatch("abbc").group(1) == "bb"
    _regex.save_pattern_codes()
    import marshal

    assert list(marshal.loads(path.read_bytes())) == [(r"a(b+)c", 0)]  # replaced whole


def test_an_entry_that_does_not_fit_is_compiled_anew(fresh_cache: Path) -> None:
    codes = _regex._load_codes()
    refused = array("I", [1, 2, 3]).tobytes()  # opcodes _sre refuses
    codes[(r"x(y)z", 0)] = (0, refused, 0, {}, (None,))
    codes[(r"x(yy)z", 0)] = (0, [1, 2, 3], 0, {}, (None,))  # a list: not this file's format
    assert _constant(r"x(y)z").search("axyz").group(1) == "y"
    assert _constant(r"x(yy)z").search("axyyz").group(1) == "yy"
    assert codes[(r"x(y)z", 0)][1] != refused  # replaced by the real opcodes
    assert isinstance(codes[(r"x(yy)z", 0)][1], bytes)


def test_opcodes_are_kept_as_bytes_of_the_engine_code_size() -> None:
    # Read as numbers, the 80,000 opcodes of a file took 1.2 ms of every start; as bytes they
    # are turned into numbers only for the patterns a run uses.
    entry = _regex._opcodes(r"a(?P<b>\d+)", 0, re.compile(r"a(?P<b>\d+)"))
    assert entry is not None and isinstance(entry[1], bytes)
    assert len(entry[1]) % _regex._sre().CODESIZE == 0
    assert f"-{_regex._sre().CODESIZE}.marshal" in (_regex._codes_path() or "-4.marshal")


def test_an_unwritable_cache_is_only_slower(fresh_cache: Path) -> None:
    fresh_cache.parent.mkdir(parents=True)
    fresh_cache.write_text("a file where the folder should be")
    pattern = _constant(r"q+")
    assert pattern.search("aqqq").span() == (1, 4)
    _regex.save_pattern_codes()  # cannot write: no error
    assert fresh_cache.is_file()


def test_a_forked_child_and_its_parent_both_keep_what_they_learned(fresh_cache: Path) -> None:
    """A forked scanning child ends with os._exit (no atexit handlers): it writes its own
    additions, and the parent's write at its exit merges them with its own."""
    code = ("import os\n"
            "from nodeharden import _regex\n"
            "_regex.lazy_pattern(r'parent(\\d)').search('parent1')\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    _regex.lazy_pattern(r'child(\\d)').search('child2')\n"
            "    _regex.save_pattern_codes()\n"
            "    os._exit(0)\n"
            "os.waitpid(pid, 0)\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(fresh_cache.parent)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    (written,) = fresh_cache.glob("patterns-*.marshal")
    import marshal

    assert set(marshal.loads(written.read_bytes())) == {(r"parent(\d)", 0), (r"child(\d)", 0)}


def test_a_check_with_a_forked_scan_writes_the_file(tmp_path: Path) -> None:
    """The wiring in a real check: the scan forks a child (60 files), and the file holds the
    patterns the run used, with no temporary file left behind."""
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "package.json").write_text('{"name": "a", "dependencies": {"express": "^5.1.0"}}\n')
    for index in range(60):  # above the pool threshold: a child scans half the files
        (app / "src" / f"m{index}.js").write_text(
            f"const express = require('express');\nmodule.exports = {{ n: {index} }};\n")
    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    subprocess.run([sys.executable, "-m", "nodeharden", "check", "--no-cache", "--jobs", "2",
                    str(app)], env=env, capture_output=True, check=False)
    (written,) = (cache / "nodeharden").glob("patterns-*.marshal")
    import marshal

    assert len(marshal.loads(written.read_bytes())) > 10
    assert not list((cache / "nodeharden").glob("*.tmp"))


def test_module_patterns_are_the_same_text_in_every_process() -> None:
    """A constant built from a set (``alternation(words)``) must not depend on the string hash
    seed: its opcodes are kept under its text, and a new text every run would grow the file."""
    code = ("import json\n"
            "from tests.engine.test_pattern_codes import _all_lazy_patterns\n"
            "print(json.dumps(sorted(repr(p) for _, p, _ in _all_lazy_patterns())))\n")
    seen = set()
    for seed in ("1", "2", "3"):
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                             text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        seen.add(out)
    assert len(seen) == 1


def test_only_module_constants_are_kept(fresh_cache: Path) -> None:
    """A pattern made in a function (it may hold names from the scanned code) is compiled
    the usual way and never written."""
    def made_here() -> Any:
        return _regex.lazy_pattern(r"inside(\d)")

    assert made_here().search("inside7").group(1) == "7"
    assert _regex._ADDED == {}
