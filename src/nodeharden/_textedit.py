"""Applying text edits to a file's bytes: the one place that knows about byte order marks and
line endings. Below the rules and the fixer alike (it imports nothing that runs rules), so a
rule can preview its own edit (``npm-audit-ci`` re-parses the workflow it would write)."""

from __future__ import annotations

from collections.abc import Iterable

from nodeharden._model import TextEdit

BOM = b"\xef\xbb\xbf"


def split_bom(data: bytes) -> tuple[bytes, bytes]:
    """Return (bom, body)."""
    return (BOM, data[3:]) if data.startswith(BOM) else (b"", data)


def line_ending(body: bytes | str) -> str:
    """Return the line ending most of ``body``'s lines end with (``"\\n"`` when as many end
    with ``"\\n"`` alone): the one rule every edit of a file, JSON or YAML follows."""
    data = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
    crlf = data.count(b"\r\n")
    return "\r\n" if crlf and crlf * 2 > data.count(b"\n") else "\n"



def apply_edits(data: bytes, edits: Iterable[TextEdit]) -> bytes:
    """Return ``data`` with non-overlapping ``edits`` applied (offsets after any BOM).

    Edits at the same offset are applied in the order given. Each edit's ``\\n`` becomes the
    file's own line ending.
    """
    bom, body = split_bom(data)
    eol = line_ending(body)
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    out: list[bytes] = []
    cursor = 0
    for _, edit in ordered:
        if edit.start < cursor:
            raise ValueError(f"overlapping edits at byte {edit.start}")
        content = edit.content.replace("\r\n", "\n")
        if eol != "\n":
            content = content.replace("\n", eol)
        out.append(body[cursor:edit.start])
        out.append(content.encode("utf-8"))
        cursor = edit.end
    out.append(body[cursor:])
    return bom + b"".join(out)
