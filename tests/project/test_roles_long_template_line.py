"""File roles: a hand-written module that holds one very long string (an inline HTML e-mail
template whose CSS is full of ``;``) is application code, not a minified bundle. What a long
line holds outside its strings and comments decides; a minified file stays a bundle."""

from __future__ import annotations

import pytest

from nodeharden._roles import role_from_content

CSS = b'<td style="padding: 4px; color: #333; font-size: 13px; line-height: 1.4;">cell</td>'


def ordinary_module(template_line: bytes, lines: int = 50) -> bytes:
    """A notifier module: ``lines`` short lines around one long line."""
    head = [b"const transport = require('./transport');", b"", b"class Notifier {",
            b"  constructor(cfg) {", b"    this.cfg = cfg; // settings"]
    head += [b"    this.n%d = %d;" % (i, i) for i in range(max(0, lines - 10))]
    head += [b"  }", b"", b"  body(name, link) {", template_line, b"  }", b"}",
             b"module.exports = Notifier;", b""]
    return b"\n".join(head)


ONE_LINE = b"    return `<html><body><table>" + CSS * 80 + b"${name}</table></body></html>`;"
# The template runs over several lines, with a nested template in an interpolation.
SPLIT = (b"    return `<html><body><table>" + CSS * 60
         + b" ${\n      link\n        ? `<a href=\"${link}\">open</a>`\n        : ''\n    }"
         + CSS * 60 + b"</table></body></html>`;")
DOUBLE_QUOTED = b"    return \"<table>" + CSS.replace(b'"', b"'") * 80 + b"</table>\";"
MINIFIED_CODE = b"    " + b"var a=function(b){return b+1};" * 120


@pytest.mark.parametrize("line", [ONE_LINE, SPLIT, DOUBLE_QUOTED],
                         ids=["template", "split-template", "string"])
def test_a_long_template_in_an_ordinary_module_is_application_code(line: bytes) -> None:
    assert role_from_content(ordinary_module(line)).role == "app"


def test_minified_code_pasted_into_an_ordinary_module_is_still_a_bundle() -> None:
    role = role_from_content(ordinary_module(MINIFIED_CODE))
    assert role.role == "browser" and "minified" in role.why


def test_a_file_of_few_lines_with_a_long_template_stays_a_bundle() -> None:
    # The minified shape: a handful of lines, the long one most of the file.
    assert role_from_content(b"!function(){\n" + ONE_LINE + b"\n}();\n").role == "browser"


def test_a_comment_with_a_quote_does_not_hide_the_code_after_it() -> None:
    # An apostrophe in a line comment opens no string that would swallow the minified line.
    source = ordinary_module(MINIFIED_CODE).replace(b"// settings", b"// don't touch")
    assert role_from_content(source).role == "browser"


def test_an_unclosed_comment_or_string_is_one_match_to_its_end() -> None:
    """The literal scan of the long-line check succeeds where a literal opens: an unclosed
    `/*` runs to the end of the file and an unclosed quote to the end of its line, in one
    match. Demanding the closing mark made every later opener scan to the end again (20,000
    unclosed `/*` in a 640 KB file: 450 s, outside the per-file time budget)."""
    from nodeharden._roles import _LITERAL_RE

    comments = b"let a = 1;\n/* open\n" + b"/*y\n" * 1000
    [match] = list(_LITERAL_RE.finditer(comments))
    assert match.span() == (comments.index(b"/*"), len(comments))
    quotes = b"x = 'a" + b"\\'" * 500 + b"\nnext();\n"  # every later quote escaped
    [match] = [m for m in _LITERAL_RE.finditer(quotes) if m.start() < quotes.index(b"\n")]
    assert match.span() == (4, quotes.index(b"\n"))
    closed = b"a('x;y'); /* c; */ b(`t;\n;`); // d;\n"
    assert _LITERAL_RE.sub(lambda m: b"\n" * m.group().count(b"\n"), closed) \
        == b"a();  b(\n); \n"
