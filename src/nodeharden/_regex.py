"""Module-level regular expressions compiled on first use, from compiled code kept between runs.

``nodeharden check`` imports every rule and the engine's helpers; compiling their ~140
module-level patterns at import took about a sixth of the start-up of a check on a small app,
which uses fewer than 20 of them (issue 17). ``lazy_pattern`` keeps the constants where they
are and compiles each one the first time it is used.

Compiling is itself most of Python's ``re`` work for a pattern used on a few files: a check of
the 300-file bench app compiles 60-odd of them, 9-10 ms in each of its two scanning
processes. ``re`` turns a pattern into a list of opcodes (in Python) and hands it to ``_sre``
(in C); the opcodes of these constants are kept in the user's cache folder
(``patterns-….marshal``, like Python's own bytecode in ``__pycache__``), and a later run hands
them to ``_sre`` directly: 10-20 microseconds a pattern instead of 100-700. The file is keyed by
nodeharden's version, Python's version and ``_sre``'s MAGIC and CODESIZE (the opcodes' format);
an entry is written only when rebuilding from it gives the pattern ``re`` gave (flags, groups,
names), and any entry, file or Python that does not fit is a plain ``re.compile``. The opcodes
are kept as bytes (unsigned ints of CODESIZE bytes), turned into the list ``_sre`` takes only for
the patterns a run uses: the file holds some 500 patterns, and reading 80,000 opcodes as numbers
took 1.2 ms of every start, as bytes 0.4.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import Any, AnyStr, Final, cast

from nodeharden._version import __version__

#: What a pattern offers; copied onto the stand-in at the first use, so later uses are plain
#: attribute reads, as fast as on the compiled pattern.
_ATTRIBUTES = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split",
               "scanner", "pattern", "flags", "groups", "groupindex")


class _LazyPattern:
    """Stands in for ``re.compile(pattern, flags)`` until an attribute is first read."""

    def __init__(self, pattern: str | bytes, flags: int, constant: bool = False) -> None:
        self._source: tuple[Any, int] = (pattern, flags)  # str or bytes: re.compile takes both
        self._constant = constant  # a module's constant: its opcodes are kept between runs

    def __getattr__(self, name: str) -> Any:
        # Only reached for names not set yet; dunders (copy, pickle probes) stay missing.
        if name.startswith("__") or name == "_source":
            raise AttributeError(name)
        compiled = _compile(*self._source) if self._constant else re.compile(*self._source)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return repr(re.compile(*self._source))


#: (pattern, flags) -> what ``_sre.compile`` takes after the pattern: the flags, the opcodes
#: (as bytes), the number of groups less one, the group names and the names by index. None
#: until loaded.
_CODES: dict[tuple[Any, int], tuple[Any, ...]] | None = None
#: The opcodes' type in ``array`` and ``memoryview.cast``: C's unsigned int (``_sre``'s
#: CODESIZE, 4 bytes, checked when an entry is made).
_CODE_TYPE: Final = "I"
#: The most entries the file keeps: nodeharden's modules hold about 250 constant patterns.
_MOST_KEPT = 1000
#: Entries this process added (written by ``save_pattern_codes``).
_ADDED: dict[tuple[Any, int], tuple[Any, ...]] = {}


def _sre() -> Any:
    """Return CPython's regular-expression engine (``re`` compiles into it)."""
    from importlib import import_module

    return import_module("_sre")


def _codes_path() -> str | None:
    from nodeharden._data import user_cache_dir

    folder = user_cache_dir()
    if folder is None:
        return None
    python = "-".join(str(part) for part in sys.version_info[:3])
    engine = _sre()
    return os.path.join(folder, f"patterns-{__version__}-{sys.implementation.name}-{python}-"
                                f"{getattr(engine, 'MAGIC', 0)}-{getattr(engine, 'CODESIZE', 0)}"
                                f".marshal")


def _read_codes(path: str | None) -> dict[tuple[Any, int], tuple[Any, ...]]:
    """Return the entries of the file at ``path``; none when it is missing or not one."""
    if path is None:
        return {}
    import marshal

    try:
        with open(path, "rb") as file:
            loaded = marshal.loads(file.read())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _load_codes() -> dict[tuple[Any, int], tuple[Any, ...]]:
    global _CODES
    if _CODES is None:
        _CODES = _read_codes(_codes_path())
    return _CODES


def _compile(pattern: Any, flags: int) -> re.Pattern[Any]:
    """Return ``re.compile(pattern, flags)``, from the kept opcodes when there are some."""
    codes = _load_codes()
    key = (pattern, flags)
    kept = codes.get(key)
    if kept is not None:
        try:
            return _rebuilt(pattern, kept)
        except Exception:  # noqa: BLE001 - an entry that does not fit: compile it anew
            codes.pop(key, None)
    compiled = re.compile(pattern, flags)
    entry = _opcodes(pattern, flags, compiled)
    if entry is not None:
        if not _ADDED:
            import atexit

            atexit.register(save_pattern_codes)
        codes[key] = _ADDED[key] = entry
    return compiled


def _rebuilt(pattern: Any, entry: tuple[Any, ...]) -> re.Pattern[Any]:
    """Return the pattern ``_sre`` makes from ``pattern`` and a kept entry."""
    flags, code, *rest = entry
    return cast("re.Pattern[Any]",
                _sre().compile(pattern, flags, memoryview(code).cast(_CODE_TYPE).tolist(), *rest))


def _opcodes(pattern: Any, flags: int, compiled: re.Pattern[Any]) -> tuple[Any, ...] | None:
    """Return what ``_sre.compile`` takes to make ``compiled`` again (as ``re`` makes it), or
    None when this Python's ``re`` is not built the way this expects."""
    try:
        from importlib import import_module

        if sys.version_info >= (3, 11):
            compiler, parser = import_module("re._compiler"), import_module("re._parser")
        else:  # Python 3.10
            compiler, parser = import_module("sre_compile"), import_module("sre_parse")
        parsed = parser.parse(pattern, flags)
        state = parsed.state
        names = dict(state.groupdict)
        by_index: list[str | None] = [None] * state.groups
        for name, index in names.items():
            by_index[index] = name
        from array import array

        opcodes = array(_CODE_TYPE, compiler._code(parsed, flags))
        if opcodes.itemsize != _sre().CODESIZE:
            return None
        entry = (flags | state.flags, opcodes.tobytes(), state.groups - 1, names,
                 tuple(by_index))
        again = _rebuilt(pattern, entry)
    except Exception:  # noqa: BLE001 - another Python's internals: no entry
        return None
    if (again.flags, again.groups, again.groupindex, again.pattern) != (
            compiled.flags, compiled.groups, compiled.groupindex, compiled.pattern):
        return None
    return entry


def save_pattern_codes() -> None:
    """Add the opcodes this process worked out to the file (atomically: read, merge, replace;
    a file that cannot be written is only a slower next start). Registered with ``atexit``
    when a process adds one; a forked scanning child, which ends with ``os._exit``, calls it
    itself."""
    if not _ADDED:
        return
    path = _codes_path()
    if path is None:
        return
    import marshal

    merged = _read_codes(path)  # what other processes wrote since this one read it
    if len(merged) + len(_ADDED) > _MOST_KEPT:
        merged = {}  # past the bound (other versions' leftovers cannot be here): start again
    merged.update(_ADDED)
    _ADDED.clear()
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temporary, "wb") as file:
            file.write(marshal.dumps(merged))
        os.replace(temporary, path)
    except (OSError, ValueError):
        try:
            os.unlink(temporary)
        except OSError:
            pass


def lazy_pattern(pattern: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """Return what ``re.compile(pattern, flags)`` returns, compiled when first used.

    For module constants used through their methods and attributes (``search``, ``sub``,
    ``pattern``…); not for a pattern handed to ``re.sub`` and friends, which want a real one.
    """
    # A module's constant (made while its module is imported) has its opcodes kept between
    # runs; a pattern made in a function may hold names from the code scanned (one per file,
    # never the same twice), which would only grow the file.
    constant = sys._getframe(1).f_code.co_name == "<module>"
    return cast("re.Pattern[AnyStr]", _LazyPattern(pattern, int(flags), constant))


def finditer_each(patterns: Iterable[re.Pattern[bytes]], source: bytes) -> list[re.Match[bytes]]:
    """Return the matches of each of ``patterns`` in ``source``, in the order they start.

    For an alternation split into one pattern per literal it starts with: Python's engine
    searches for a pattern's leading literal before trying the rest, but tries an alternation
    of several (``\\bthrow\\b|\\bnext…``, ``['"`]…``) at every byte, three to ten times slower
    over a file. The patterns' matches must not overlap.
    """
    found = [match for pattern in patterns for match in pattern.finditer(source)]
    found.sort(key=lambda match: match.start())
    return found
