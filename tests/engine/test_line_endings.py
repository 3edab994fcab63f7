"""One rule for a file's line ending, whoever edits it: the ending most of its lines use."""

from __future__ import annotations

import pytest

from nodeharden._packagejson import add_dependencies
from nodeharden._textedit import apply_edits, line_ending
from nodeharden._model import TextEdit


@pytest.mark.parametrize("body, expected", [
    ("a\nb\nc\n", "\n"),
    ("a\r\nb\r\nc\r\n", "\r\n"),
    ("a\r\nb\nc\n", "\n"),        # one CRLF among LF lines: LF
    ("a\r\nb\r\nc\n", "\r\n"),    # mostly CRLF
    ("no line end", "\n"),
    (b"a\r\nb\r\n", "\r\n"),
])
def test_line_ending_is_the_majority(body: str | bytes, expected: str) -> None:
    assert line_ending(body) == expected


def test_package_json_with_one_stray_crlf_keeps_lf() -> None:
    text = '{\n  "name": "x",\r\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n'
    out = add_dependencies(text, {"helmet": "^8.1.0"})
    added = out[out.index('"helmet"') - 10:out.index('"helmet"')]
    assert "\r" not in added and '"helmet": "^8.1.0"' in out


def test_text_edit_and_package_json_agree_on_a_crlf_file() -> None:
    text = '{\r\n  "name": "x",\r\n  "dependencies": {\r\n    "express": "^5.1.0"\r\n  }\r\n}\r\n'
    out = add_dependencies(text, {"helmet": "^8.1.0"})
    assert out.count("\r\n") == out.count("\n")
    edited = apply_edits(text.encode(), [TextEdit(0, 0, "// x\n")]).decode()
    assert edited.startswith("// x\r\n")
