"""What the app's own error answers look like, so that the answers a fix adds read like them
to the app's clients: the 429 of rate-limit's limiter and the body of error-handler's final
handler."""

from __future__ import annotations

from nodeharden._regex import lazy_pattern
from nodeharden.rules._base import ProjectContext, is_test_file

#: A JSON error answer and the first field of its body: ``res.status(401).json({ message: …``,
#: ``res.status(statusCode).json({ message, stack })``.
_ERROR_BODY_RE = lazy_pattern(rb"\.status\(\s*(?:[45]\d\d|[\w$.]{1,40})\s*\)\s*\.json\(\s*\{\s*"
                              rb"['\"]?(message|error|msg)['\"]?\s*[:,}]")


def error_body_key(ctx: ProjectContext) -> str:
    """Return the field the app's own JSON error answers put their text in: ``message`` (or
    ``msg``) when the app answers errors with ``{ message: … }`` more often than with
    ``{ error: … }`` (a front end that shows ``data.message`` would show nothing for
    ``{ error }``), else ``error``. Worked out once per project."""
    found = ctx.extra.get("error body key")
    if isinstance(found, str):
        return found
    counts = {"message": 0, "error": 0, "msg": 0}
    for rel in ctx.facts:
        if is_test_file(rel):
            continue
        data = ctx.read(rel)
        if data is None or b".json(" not in data:
            continue
        for match in _ERROR_BODY_RE.finditer(data):
            counts[match.group(1).decode()] += 1
    best = max(counts, key=lambda key: (counts[key], key == "error"))
    key = best if counts[best] > counts["error"] else "error"
    ctx.extra["error body key"] = key
    return key
