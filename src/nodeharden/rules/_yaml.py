"""Text-level helpers for YAML block sequences, shared by rules that insert list items into
YAML files while keeping every other byte as written."""

from __future__ import annotations


def dash_of(lines: list[str], line0: int, col: int) -> tuple[int, int] | None:
    """Return (line, column) of the ``-`` that opens the sequence item whose content starts at
    ``line0``/``col`` (0-based)."""
    head = lines[line0][:col]
    if head.strip() and head.rstrip().endswith("-") and not head.strip().strip("-"):
        return line0, head.rindex("-")
    if not head.strip():
        for back in range(line0 - 1, -1, -1):
            stripped = lines[back].strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped == "-":
                return back, lines[back].index("-")
            return None
    return None


def item_end(lines: list[str], dash_line: int, dash_col: int) -> int:
    """Return the 0-based line after the last line that belongs to the item at ``dash_line``."""
    end = dash_line + 1
    for number in range(dash_line + 1, len(lines)):
        text = lines[number]
        stripped = text.strip()
        if not stripped:
            continue
        indent = len(text) - len(text.lstrip(" "))
        if indent <= dash_col:
            break
        end = number + 1
    return end
