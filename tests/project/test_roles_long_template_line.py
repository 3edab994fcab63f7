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
