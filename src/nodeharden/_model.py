"""Plain data that flows through a run: edits, fixes, findings, per-file outcomes.

Everything here is picklable and free of tree-sitter objects, so worker processes can return
it. Offsets are byte offsets into the file's original bytes (after any BOM).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Literal

from nodeharden._record import field, record
from nodeharden._regex import lazy_pattern

Applicability = Literal["safe", "unsafe"]
OutcomeStatus = Literal["unchanged", "changed", "skipped", "failed"]


@record(frozen=True)
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


@record(frozen=True)
class FileChange:
    """The edits a fix makes to one file; ``create`` makes a new file from ``edits[0]``."""

    path: str
    edits: tuple[TextEdit, ...]
    create: bool = False


@record(frozen=True)
class Fix:
    """One way to resolve one finding; applied all-or-nothing."""

    title: str
    applicability: Applicability
    changes: tuple[FileChange, ...]
    dependencies: tuple[tuple[str, str], ...] = ()
    dev_dependencies: tuple[tuple[str, str], ...] = ()
    #: The Node version the project's own dev tool already needs where ``dev_dependencies``
    #: run (the eslint it lists, for a lint plugin), when that is known: those are judged
    #: against it rather than the lowest version the app declares.
    dev_node: tuple[int, int] | None = None

    def paths(self) -> set[str]:
        """Return every file this fix touches."""
        return {change.path for change in self.changes}


@record(frozen=True)
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
    #: The other places (line, column) of the file this finding stands for, when its rule
    #: reports them once per file (``Rule.repeats``); its fix fixes them all.
    related: tuple[tuple[int, int], ...] = ()

    def sort_key(self) -> tuple[str, int, int, str]:
        """Return the key findings are reported in."""
        return (self.path, self.line, self.column, self.rule)


def covered_by(where: str, what: str) -> str:
    """Return the note a finding ends with when the fix of another finding (at ``where``,
    ``path:line``) covers it too: `` (the fix of the finding at app.js:12 adds the limiter here
    too)``. Where ``fix`` declines that fix, ``uncovered`` rewrites the note."""
    return f" (the fix of the finding at {where} {what} here too)"


_COVERED_RE = lazy_pattern(r" \(the fix of the finding at (\S+:\d+) [^()]* here too\)$")


def uncovered(message: str, declined: dict[str, str]) -> str:
    """Return ``message`` with its ``covered_by`` note replaced by ``; not fixed: <why>`` when
    the fix it names is one of ``declined`` (``path:line`` → why), else as it is."""
    match = _COVERED_RE.search(message)
    if match is None or match.group(1) not in declined:
        return message
    return f"{message[:match.start()]}; not fixed: {declined[match.group(1)]}"


class SkipReason(Enum):
    """Why a file was not looked at (the ``kind`` of a ``Skipped`` in the skipped list)."""

    ROLE = "role"  # a test, example, fixture, script, browser or generated file
    SIZE = "size"  # larger than the size cap
    MINIFIED = "minified"
    BINARY = "binary"
    ENCODING = "encoding"  # not UTF-8 text
    PARSE_ERROR = "parse-error"  # not valid JavaScript/TypeScript
    SYMLINK = "symlink"
    VENDORED = "vendored"
    NOT_A_FILE = "not-a-file"
    UNREADABLE = "unreadable"
    OTHER = "other"


class FailReason(Enum):
    """Why a file's report is incomplete (the ``kind`` of a ``Skipped`` in the failed list)."""

    RULE = "rule"  # a rule raised
    TOO_MANY_FINDINGS = "too-many-findings"
    TIME_BUDGET = "time-budget"
    PARSER = "parser"  # the parser itself raised
    AUDIT = "audit"  # npm audit could not run
    WRITE = "write"  # the fixed file could not be written
    OTHER = "other"


Reason = SkipReason | FailReason

# The engine records reasons as text (the reports print it as is); the kind is read from its
# first words. Failures of one file are joined with "; " in the order they happened.
_FAILURE_RE: list[tuple[re.Pattern[str], FailReason]] = [
    (lazy_pattern(r"rule (?P<rule>[a-z0-9-]+) failed: (?P<error>.*)", re.S), FailReason.RULE),
    (lazy_pattern(r"rule (?P<rule>[a-z0-9-]+): (?P<error>more than .*)", re.S),
     FailReason.TOO_MANY_FINDINGS),
    (lazy_pattern(r"(?P<error>took longer than .*)", re.S), FailReason.TIME_BUDGET),
    (lazy_pattern(r"parse failed: (?P<error>.*)", re.S), FailReason.PARSER),
    (lazy_pattern(r"cannot write: (?P<error>.*)", re.S), FailReason.WRITE),
]
_FAILURE_SPLIT_RE = lazy_pattern(
    r"; (?=rule [a-z0-9-]+ failed: |rule [a-z0-9-]+: more than |took longer than |parse failed: )")
_SKIP_PREFIXES: list[tuple[tuple[str, ...], SkipReason]] = [
    (("test", "example", "fixture", "script", "browser", "frontend", "generated", "dev",
      "service"), SkipReason.ROLE),
    (("larger than",), SkipReason.SIZE),
    (("minified",), SkipReason.MINIFIED),
    (("binary",), SkipReason.BINARY),
    (("not UTF-8",), SkipReason.ENCODING),
    (("not valid ",), SkipReason.PARSE_ERROR),
    (("symlink", "broken or looping symlink"), SkipReason.SYMLINK),
    (("vendored",), SkipReason.VENDORED),
    (("not a regular file",), SkipReason.NOT_A_FILE),
    (("unreadable",), SkipReason.UNREADABLE),
]


@record(frozen=True)
class Failure:
    """One thing that went wrong in one file: which rule (None: not a rule) and the error."""

    kind: FailReason
    rule: str | None
    error: str

    @classmethod
    def from_text(cls, text: str) -> Failure:
        """Return the failure a reason text describes (``rule x failed: KeyError: 'a'``)."""
        for pattern, kind in _FAILURE_RE:
            match = pattern.fullmatch(text)
            if match:
                return cls(kind, match.groupdict().get("rule"), match["error"])
        return cls(FailReason.OTHER, None, text)


def reason_kind(reason: str) -> Reason:
    """Return the kind of a skip or failure reason text."""
    failure = Failure.from_text(_FAILURE_SPLIT_RE.split(reason, maxsplit=1)[0])
    if failure.kind is not FailReason.OTHER:
        return failure.kind
    head = reason.split(":", 1)[0]
    for prefixes, kind in _SKIP_PREFIXES:
        if head.startswith(prefixes) or reason.startswith(prefixes):
            return kind
    return SkipReason.OTHER


@record(frozen=True)
class Skipped:
    """A file that was not looked at, or whose report is incomplete, and why.

    ``reason`` is the text the reports print; ``kind`` is its enum (read from the text unless
    given). ``failures`` lists every failure of the file, first one first: a second crashing
    rule adds to the list, it does not replace the first.
    """

    path: str
    reason: str
    kind: Reason = field(default=SkipReason.OTHER, compare=False)

    def __post_init__(self) -> None:
        if self.kind is SkipReason.OTHER:
            object.__setattr__(self, "kind", reason_kind(self.reason))

    @property
    def failures(self) -> list[Failure]:
        """Return each failure the reason records, in the order they happened."""
        if isinstance(self.kind, SkipReason):
            return []
        if self.kind is FailReason.AUDIT:
            return [Failure(FailReason.AUDIT, "dependency-audit", self.reason)]
        return [Failure.from_text(part) for part in _FAILURE_SPLIT_RE.split(self.reason)]


@record
class FileOutcome:
    """What a run did with one file; ``kind`` says why it was skipped or failed."""

    path: str
    status: OutcomeStatus
    reason: str = ""
    rules: list[str] = field(default_factory=list)
    kind: Reason | None = None

    def __post_init__(self) -> None:
        if self.kind is None and self.status in ("skipped", "failed") and self.reason:
            self.kind = reason_kind(self.reason)

    @property
    def failures(self) -> list[Failure]:
        """Return every failure of this file (empty unless ``status`` is ``failed``)."""
        if self.status != "failed":
            return []
        return Skipped(self.path, self.reason,
                       self.kind or FailReason.OTHER).failures
