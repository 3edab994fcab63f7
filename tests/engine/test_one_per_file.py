"""``_scan.one_per_file``: the findings a rule reports once per file (``Rule.repeats``) are
joined per file, kind of fix and kind of detail; a fix that would overlap the joined edits
keeps its finding apart."""

from __future__ import annotations

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden._scan import one_per_file

LEAK = ("the error message (`err.message`) is sent to the client; send a generic message and "
        "log the error on the server")
STACK = ("the stack trace (`err.stack`) is sent to the client; send a generic message and log "
         "the error on the server")


def leak(line: int, column: int, edits: tuple[tuple[int, int, str], ...] | None = None,
         message: str = LEAK, path: str = "routes.js") -> Finding:
    fix = None if edits is None else Fix(
        title="Send a generic message instead of `err.message`", applicability="safe",
        changes=(FileChange(path, tuple(TextEdit(*edit) for edit in edits)),))
    return Finding(rule="error-handler", path=path, line=line, column=column, end_line=line,
                   end_column=column + 11, message=message, fix=fix)


def test_places_of_one_kind_are_one_finding_with_every_edit_once() -> None:
    other = Finding(rule="helmet", path="app.js", line=1, column=1, end_line=1, end_column=2,
                    message="Express app without helmet()")
    found = one_per_file([other,
                          leak(4, 30, ((0, 0, "const log = 1;\n"), (100, 111, "'x'"))),
                          leak(9, 30, ((0, 0, "const log = 1;\n"), (200, 211, "'x'"))),
                          leak(9, 60, ((300, 311, "'x'"),))])
    assert found[0] == other and len(found) == 2
    joined = found[1]
    assert (joined.line, joined.related) == (4, ((9, 30), (9, 60)))
    assert joined.message == LEAK + "; the same at lines 9, column 30 and 9, column 60 of this file"
    assert joined.fix is not None
    assert joined.fix.title.endswith(", and the same at the 2 other places")
    assert [(e.start, e.end, e.content) for e in joined.fix.changes[0].edits] == [
        (0, 0, "const log = 1;\n"), (100, 111, "'x'"), (200, 211, "'x'"), (300, 311, "'x'")]


def test_kinds_of_detail_fixes_and_files_stay_apart() -> None:
    findings = [leak(4, 30), leak(5, 30, message=STACK), leak(6, 30, ((60, 70, "'x'"),)),
                leak(7, 30, path="other.js"), leak(8, 30)]
    found = one_per_file(findings)
    assert [(f.path, f.line, f.related) for f in found] == [
        ("routes.js", 4, ((8, 30),)), ("routes.js", 5, ()), ("routes.js", 6, ()),
        ("other.js", 7, ())]
    assert found[0].message.endswith("; the same at line 8 of this file")


def test_a_fix_that_overlaps_the_joined_edits_keeps_its_finding() -> None:
    found = one_per_file([leak(4, 30, ((100, 120, "'x'"),)), leak(5, 30, ((110, 130, "'y'"),)),
                          leak(6, 30, ((200, 210, "'z'"),))])
    assert [(f.line, f.related) for f in found] == [(4, ((6, 30),)), (5, ())]
