"""Plain data that flows through a run: edits, fixes, findings, per-file outcomes.

Everything here is picklable and free of tree-sitter objects, so worker processes can return
it. Offsets are byte offsets into the file's original bytes (after any BOM).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Applicability = Literal["safe", "unsafe"]
OutcomeStatus = Literal["unchanged", "changed", "skipped", "failed"]


@dataclass(frozen=True)
class TextEdit:
    """Replace bytes ``start:end`` of a file with ``content`` (an insertion when equal).

    ``content`` uses ``\\n`` line breaks; the engine converts them to the file's own.
    """

    start: int
    end: int
    content: str

    def overlaps(self, other: TextEdit) -> bool:
        """Return True when both edits touch the same bytes (two insertions at one point do not)."""
        if self.start == self.end or other.start == other.end:
            return self.start < other.end and other.start < self.end
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class FileChange:
    """The edits a fix makes to one file; ``create`` makes a new file from ``edits[0]``."""

    path: str
    edits: tuple[TextEdit, ...]
    create: bool = False


@dataclass(frozen=True)
class Fix:
    """One way to resolve one finding; applied all-or-nothing."""

    title: str
    applicability: Applicability
    changes: tuple[FileChange, ...]
    dependencies: tuple[tuple[str, str], ...] = ()
    dev_dependencies: tuple[tuple[str, str], ...] = ()

    def paths(self) -> set[str]:
        """Return every file this fix touches."""
        return {change.path for change in self.changes}


@dataclass(frozen=True)
class Finding:
    """One thing a rule found, at 1-based line and column (columns count characters)."""

    rule: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    severity: str = "warning"
    fix: Fix | None = None
    snippet: str = ""

    def sort_key(self) -> tuple[str, int, int, str]:
        """Return the key findings are reported in."""
        return (self.path, self.line, self.column, self.rule)


@dataclass(frozen=True)
class Skipped:
    """A file that was not looked at, and why."""

    path: str
    reason: str


@dataclass
class FileOutcome:
    """What a run did with one file."""

    path: str
    status: OutcomeStatus
    reason: str = ""
    rules: list[str] = field(default_factory=list)
