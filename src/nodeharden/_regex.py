"""Module-level regular expressions compiled on first use.

``nodeharden check`` imports every rule and the engine's helpers; compiling their ~140
module-level patterns at import took about a sixth of the start-up of a check on a small app,
which uses fewer than 20 of them (issue 17). ``lazy_pattern`` keeps the constants where they
are and compiles each one the first time it is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, AnyStr, cast

#: What a pattern offers; copied onto the stand-in at the first use, so later uses are plain
#: attribute reads, as fast as on the compiled pattern.
_ATTRIBUTES = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split",
               "scanner", "pattern", "flags", "groups", "groupindex")


class _LazyPattern:
    """Stands in for ``re.compile(pattern, flags)`` until an attribute is first read."""

    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self._source: tuple[Any, int] = (pattern, flags)  # str or bytes: re.compile takes both

    def __getattr__(self, name: str) -> Any:
        # Only reached for names not set yet; dunders (copy, pickle probes) stay missing.
        if name.startswith("__") or name == "_source":
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return repr(re.compile(*self._source))


def lazy_pattern(pattern: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """Return what ``re.compile(pattern, flags)`` returns, compiled when first used.

    For module constants used through their methods and attributes (``search``, ``sub``,
    ``pattern``…); not for a pattern handed to ``re.sub`` and friends, which want a real one.
    """
    return cast("re.Pattern[AnyStr]", _LazyPattern(pattern, int(flags)))


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
