"""helmet: the quick test for header names (``_names_header``) first looks for four parts the
twelve header names share; every name must hold one of them, or a file naming it would be
missed."""

from __future__ import annotations

from nodeharden.rules import helmet


def test_every_header_word_holds_a_hint() -> None:
    for word in helmet._HEADER_WORDS:
        assert any(hint in word for hint in helmet._HEADER_HINTS), word


def test_each_header_is_found_in_any_case() -> None:
    for word in helmet._HEADER_WORDS:
        text = word.decode()
        for spelled in (text, text.upper(), text.title()):
            assert helmet._names_header(f"res.set('{spelled}', v);".encode()), spelled
    assert not helmet._names_header(b"const maxAge = 'max-age=60';")
