"""Module-level patterns are compiled on first use (start-up time): a lazy pattern behaves as
the compiled one, and importing the engine and every rule compiles none of them."""

from __future__ import annotations

import copy
import json
import pickle
import re
import subprocess
import sys

from nodeharden._regex import lazy_pattern


def test_a_lazy_pattern_behaves_as_the_compiled_one() -> None:
    for source, flags, text in ((r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE, "x Ab-12 cd-3"),
                                (rb"\bexpress\b", 0, b"const e = require('express');")):
        lazy, real = lazy_pattern(source, flags), re.compile(source, flags)
        assert repr(lazy) == repr(real)
        subject = text
        assert lazy.search(subject).span() == real.search(subject).span()  # type: ignore[union-attr]
        assert [m.span() for m in lazy.finditer(subject)] == \
            [m.span() for m in real.finditer(subject)]
        assert lazy.findall(subject) == real.findall(subject)
        assert lazy.split(subject) == real.split(subject)
        assert (lazy.pattern, lazy.flags, lazy.groups, lazy.groupindex) == \
            (real.pattern, real.flags, real.groups, real.groupindex)
        assert lazy.fullmatch(subject) == real.fullmatch(subject)
    words = lazy_pattern(r"\d+")
    assert words.sub("#", "a1b22") == "a#b#" and words.subn("#", "a1") == ("a#", 1)
    assert words.match("12x").group() == "12"  # type: ignore[union-attr]


def test_nothing_is_compiled_before_the_first_use() -> None:
    lazy = lazy_pattern(r"never(")  # invalid: compiling it would raise
    assert "search" not in vars(lazy)
    try:
        lazy.search("x")
    except re.error:
        pass
    else:
        raise AssertionError("the broken pattern was not compiled at its first use")


def test_a_lazy_pattern_survives_copy_and_pickle() -> None:
    lazy = lazy_pattern(r"a+")
    for clone in (copy.copy(lazy), copy.deepcopy(lazy), pickle.loads(pickle.dumps(lazy))):
        assert clone.search("baa").span() == (1, 3)  # type: ignore[union-attr]
    lazy.search("a")
    for clone in (copy.copy(lazy), copy.deepcopy(lazy), pickle.loads(pickle.dumps(lazy))):
        assert clone.search("baa").span() == (1, 3)  # type: ignore[union-attr]


PROBE = """
import json, re, sys
compiled_by = set()
original = re._compile
def spy(pattern, flags):
    frame = sys._getframe(1)
    while frame and frame.f_code.co_filename == re.__file__:
        frame = frame.f_back
    if frame and frame.f_code.co_name == "<module>":
        compiled_by.add(frame.f_globals.get("__name__"))
    return original(pattern, flags)
re._compile = spy
from nodeharden.rules import registry
import nodeharden._api, nodeharden._cmd_check
registry()
lazy = sorted(name for name, module in sys.modules.items()
              if name.startswith("nodeharden") and "lazy_pattern" in vars(module))
print(json.dumps({"lazy": lazy, "compiled_by": sorted(compiled_by & set(lazy))}))
"""


def test_importing_the_engine_and_rules_compiles_no_lazy_module_pattern() -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    probe = json.loads(proc.stdout)
    assert "nodeharden.rules.helmet" in probe["lazy"] and "nodeharden._roles" in probe["lazy"]
    assert probe["compiled_by"] == []
