"""What the app's own error answers look like, so that the answers a fix adds read like them
to the app's clients: the 429 of rate-limit's limiter and the body of error-handler's final
handler."""

from __future__ import annotations

import os
import re

from nodeharden._project import files_with_suffix
from nodeharden._regex import lazy_pattern
from nodeharden.rules._base import ProjectContext, is_test_file

#: A JSON error answer and the first field of its body: ``res.status(401).json({ message: …``,
#: ``res.status(statusCode).json({ message, stack })``.
_ERROR_BODY_RE = lazy_pattern(rb"\.status\(\s*(?:[45]\d\d|[\w$.]{1,40})\s*\)\s*\.json\(\s*\{\s*"
                              rb"['\"]?(message|error|msg)['\"]?\s*[:,}]")


#: A JSON error answer of an object built before it: ``res.status(err.status || 500)
#: .json(error)`` (the name, then the object's first field from ``_BUILT_BODY``).
_NAMED_BODY_RE = lazy_pattern(rb"\.status\(\s*(?:[45]\d\d|[\w$.]{1,40}(?:\s*\|\|\s*[45]\d\d)?)"
                              rb"\s*\)\s*\.json\(\s*([A-Za-z_$][\w$]*)\s*\)")
#: ``const error = { message: …`` (``NAME`` filled in).
_BUILT_BODY = (rb"\b(?:const|let|var)\s+NAME\s*=\s*\{\s*['\"]?(message|error|msg)['\"]?"
               rb"\s*[:,}]")
#: A client reading a field of an answer's body: ``err.response.data.message`` (axios),
#: ``error?.data?.message`` (RTK Query), ``data.error`` after ``await res.json()``.
_CLIENT_READ_RE = lazy_pattern(rb"\bdata\s*\??\.\s*(message|error|msg)\b")
#: The front-end sources read for it, and their size bound (a bundle says nothing).
_CLIENT_SUFFIXES = frozenset({".js", ".jsx", ".mjs", ".ts", ".tsx", ".vue", ".svelte"})
_CLIENT_MAX_BYTES = 500_000


def error_body_key(ctx: ProjectContext) -> str:
    """Return the field an error answer's text goes in for the app's clients: the one the
    project's front-end code reads from answers' bodies most (``error?.data?.message``),
    where it reads one; else ``message`` (or ``msg``) when the app's own JSON error answers
    use ``{ message: … }`` more often than ``{ error: … }`` (written in the answer, or built
    before it: ``const error = { message: … }; res.status(500).json(error)``); else
    ``error``. A front end that
    shows ``data.message`` shows nothing for ``{ error }``. Worked out once per project."""
    found = ctx.extra.get("error body key")
    if isinstance(found, str):
        return found
    reads = {"message": 0, "error": 0, "msg": 0}
    for path, _ in files_with_suffix(ctx.info.root, _CLIENT_SUFFIXES, _CLIENT_MAX_BYTES):
        rel = os.path.relpath(path, ctx.info.root).replace(os.sep, "/")
        if rel in ctx.facts or is_test_file(rel):
            continue  # the server's own code, and tests
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if b"data" in data:
            for match in _CLIENT_READ_RE.finditer(data):
                reads[match.group(1).decode()] += 1
    read = max(reads, key=lambda key: (reads[key], key == "error"))
    if reads[read]:
        ctx.extra["error body key"] = read
        return read
    counts = {"message": 0, "error": 0, "msg": 0}
    for rel in ctx.facts:
        if is_test_file(rel):
            continue
        served = ctx.read(rel)
        if served is None or b".json(" not in served:
            continue
        for match in _ERROR_BODY_RE.finditer(served):
            counts[match.group(1).decode()] += 1
        for match in _NAMED_BODY_RE.finditer(served):
            # the nearest declaration of that name before the answer
            built = list(re.finditer(_BUILT_BODY.replace(b"NAME", re.escape(match.group(1))),
                                     served[:match.start()]))
            if built:
                counts[built[-1].group(1).decode()] += 1
    best = max(counts, key=lambda key: (counts[key], key == "error"))
    key = best if counts[best] > counts["error"] else "error"
    ctx.extra["error body key"] = key
    return key
