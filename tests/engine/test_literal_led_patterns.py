"""Patterns rewritten to start with a literal (start-up time, issue 17) match what the plain
alternation they replace matches: Python's engine searches for a pattern's leading literal
first, and tries an alternation, a character class or a leading ``\\b`` at every byte."""

from __future__ import annotations

import re

from nodeharden._regex import finditer_each
from nodeharden._roles import _AMD_LINE_RE, _AMD_RE
from nodeharden.rules.body_limit import _INLINE_UPLOAD_RE
from nodeharden.rules.error_handler import _RAISE_RES
from nodeharden.rules.password_hash import _NEW_RE
from nodeharden.rules.rate_limit import _STEP_RE
from nodeharden.rules.sql_injection import _SQL_WORD_RES

#: Lines that hit and miss each pattern: words inside longer names, at the start of the text,
#: after a newline, spelt in other cases, beside quotes and operators.
SAMPLES = [
    b"throw new Error('x')", b"rethrow(err)", b"athrow", b"throwing", b"next(new HttpError(404))",
    b"  next( new E())", b"onnext(new E())", b"reject(new Error())", b"doreject(new E())",
    b"next(err)", b"const q = 'SELECT * FROM t'", b'db.query("  ( select 1")',
    b"`\n  UPDATE users SET a = ${b}`", b"'with x as (select 1)'", b"'withdraw'", b"'selected'",
    b"\"'delete from t\"", b"let a = new Map()", b"renew Map", b"$new x", b"new\tUser({})",
    b"count + 1", b"n -1", b"i++", b"--x", b"x += 1", b"y -= 1", b"a + 1.5", b"a - 12",
    b"b+=10", b"require('multer')({ dest })", b"myrequire('multer')()",
    b"require ( \"busboy\" ) (opts)", b"define(['jquery'], function ($) {})",
    b"x;\ndefine(function (require) {})", b"Object.defineProperty(x, 'a', {})",
    b"\ndefine('name', [], function () {})", b"  define(['a'])",
]


def _spans(matches: object) -> list[tuple[int, int]]:
    return [m.span() for m in matches]  # type: ignore[attr-defined]


def test_each_rewritten_pattern_matches_what_the_alternation_matched() -> None:
    raise_old = re.compile(rb"\bthrow\b|\b(?:next|reject)\s*\(\s*new\b")
    sql_old = re.compile(rb"(?i)['\"`]\s*\(?\s*(select|insert|update|delete|with|replace|merge)\b")
    new_old = re.compile(rb"(?<![\w$])new\s")
    step_old = re.compile(rb"[-+]\s*1\b(?![.\d])|\+\+|--|[-+]=\s*1\b")
    upload_old = re.compile(rb"\brequire\s*\(\s*['\"](?:multer|express\-fileupload|formidable"
                            rb"|busboy)['\"]\s*\)\s*\(")
    amd_old = re.compile(rb"^define\s*\(\s*(?:\[|function\b|\(\s*\)\s*=>|['\"][\w./-]+['\"]\s*,"
                         rb"\s*(?:\[|function\b))", re.M)
    text = b"\n".join(SAMPLES)
    for sample in [*SAMPLES, text]:
        assert _spans(finditer_each(_RAISE_RES, sample)) == _spans(raise_old.finditer(sample))
        assert _spans(finditer_each(_SQL_WORD_RES, sample)) == _spans(sql_old.finditer(sample))
        assert _spans(_NEW_RE.finditer(sample)) == _spans(new_old.finditer(sample))
        assert _spans(_STEP_RE.finditer(sample)) == _spans(step_old.finditer(sample))
        assert bool(_INLINE_UPLOAD_RE.search(sample)) == bool(upload_old.search(sample))
        assert bool(_AMD_RE.match(sample) or _AMD_LINE_RE.search(sample)) == \
            bool(amd_old.search(sample))
    # The samples hit every pattern at least once and miss it at least once.
    for hits in ([bool(raise_old.search(s)) for s in SAMPLES],
                 [bool(sql_old.search(s)) for s in SAMPLES],
                 [bool(new_old.search(s)) for s in SAMPLES],
                 [bool(step_old.search(s)) for s in SAMPLES],
                 [bool(upload_old.search(s)) for s in SAMPLES],
                 [bool(amd_old.search(s)) for s in SAMPLES]):
        assert any(hits) and not all(hits)


def test_finditer_each_orders_the_matches_by_where_they_start() -> None:
    found = finditer_each([re.compile(rb"b+"), re.compile(rb"a")], b"abba a bb")
    assert [(m.start(), m.group()) for m in found] == [(0, b"a"), (1, b"bb"), (3, b"a"),
                                                      (5, b"a"), (7, b"bb")]
