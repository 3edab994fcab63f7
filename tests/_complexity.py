"""Complexity tests that do not time anything: the work a call does is counted, not timed.

``steps`` runs a function with a profiler and a tracer installed and counts the Python lines
it executes and the Python and C functions it calls, and apart the length of the text its
Python functions return (C code copies it, unseen by the steps). The counts do not depend on
how busy the machine is, so a test can compare the work at size ``n`` with the work at size
``k * n``: linear (or n log n) code grows about ``k`` times, quadratic code about ``k ** 2``
times. Speed itself is measured by the scripts in ``bench/``, never by a unit test.

What is not counted: other work inside one C call (a regular expression's backtracking, a
tree-sitter query, a node's parent found from the root down); a super-linear pattern there is
only seen by the benchmarks.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from nodeharden import _scan

T = TypeVar("T")


def steps(call: Callable[[], T]) -> tuple[T, int, int]:
    """Return ``call()``, the lines it executed plus the functions it called, and the length
    of the text (str or bytes) its Python functions returned."""
    count = chars = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count, chars
        if event == "call" or event == "c_call":
            count += 1
        elif event == "return" and isinstance(arg, (str, bytes)):
            chars += len(arg)

    def trace(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return trace

    hooks = (sys.getprofile(), sys.gettrace(), threading.getprofile(), threading.gettrace())
    sys.setprofile(profile)
    sys.settrace(trace)
    threading.setprofile(profile)
    threading.settrace(trace)
    try:
        result = call()
    finally:
        sys.setprofile(hooks[0])
        sys.settrace(hooks[1])
        threading.setprofile(hooks[2])
        threading.settrace(hooks[3])
    return result, count, chars


def growth(make: Callable[[int], Callable[[], T]], n: int, k: int = 4,
           limit: float | None = None, returned_text: bool = True) -> tuple[float, T]:
    """Count the steps of ``make(n)()`` and of ``make(k * n)()``; assert the larger input costs
    less than ``limit`` times the smaller (default ``1.5 * k``: linear and n log n code stay
    near ``k``, quadratic code heads for ``k ** 2``). Return the ratio and the larger result.

    ``make(size)`` builds the input (not counted) and returns the call to count. A first run
    at another size, not counted, loads what is loaded once (imports, compiled patterns).
    The per-file time budget is lifted meanwhile, so every count is complete. The returned
    text is held to the same bound unless ``returned_text`` is False.
    """
    # The per-file time budget is a wall-clock bound: a file over it loses its findings and
    # its count stops short, so it is lifted while counting (slow code is slow, not cut short).
    budget = _scan.FILE_BUDGET_SECONDS
    _scan.FILE_BUDGET_SECONDS = 3600
    try:
        make(max(1, n // 2))()
        _, small, small_text = steps(make(n))
        result, large, large_text = steps(make(k * n))
    finally:
        _scan.FILE_BUDGET_SECONDS = budget
    bound = 1.5 * k if limit is None else limit
    ratio = large / small
    assert ratio < bound, (
        f"{large:,} steps at size {k * n} against {small:,} at size {n}: {ratio:.1f} times "
        f"for {k} times the input (super-linear; linear stays under {bound})")
    # Text a function returns was copied by C code the steps do not see (the whole text of a
    # long chain read once per call of it was quadratic).
    text_ratio = large_text / max(small_text, 1024)
    assert text_ratio < bound or not returned_text, (
        f"{large_text:,} characters of returned text at size {k * n} against {small_text:,} "
        f"at size {n}: {text_ratio:.1f} times for {k} times the input (super-linear)")
    print(f"growth {ratio:.2f} in steps ({small:,} -> {large:,}), {text_ratio:.2f} in "
          f"returned text ({small_text:,} -> {large_text:,}) for {k} times the input")
    return ratio, result
