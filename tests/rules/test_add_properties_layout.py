"""``_edits.add_properties`` writes new members in the object's own layout, including an object
whose members sit one a line with the braces on the first and last member's lines
(``{a: 1,\\n   b: 2}``), as older code bases align them (sample 25: pump.io's session options)."""

from __future__ import annotations

import pytest

from nodeharden._parse import parse
from nodeharden._textedit import apply_edits
from nodeharden.rules._edits import add_properties


def _added(code: str, props: list[str]) -> str:
    source = code.encode()
    root = parse("javascript", source).root_node
    obj = next(n for n in _nodes(root) if n.type == "object")
    return apply_edits(source, add_properties(source, obj, props)).decode()


def _nodes(node):
    yield node
    for child in node.children:
        yield from _nodes(child)


@pytest.mark.parametrize(("code", "after"), [
    # Aligned members, closing brace on the last one's line.
    ("s = f({secret: x,\n      store: y,\n      resave: false});\n",
     "s = f({secret: x,\n      store: y,\n      resave: false,\n      cookie: {a: 1}});\n"),
    # The same with a trailing comma.
    ("s = f({secret: x,\n      resave: false,});\n",
     "s = f({secret: x,\n      resave: false,\n      cookie: {a: 1},});\n"),
    # One line stays one line.
    ("s = f({secret: x, resave: false});\n",
     "s = f({secret: x, resave: false, cookie: {a: 1}});\n"),
    # Two members on the last line: not one a line.
    ("s = f({secret: x,\n      store: y, resave: false});\n",
     "s = f({secret: x,\n      store: y, resave: false, cookie: {a: 1}});\n"),
    # The usual multi-line object.
    ("s = f({\n  secret: x,\n  resave: false,\n});\n",
     "s = f({\n  secret: x,\n  resave: false,\n  cookie: {a: 1},\n});\n"),
])
def test_new_members_follow_the_layout(code: str, after: str) -> None:
    assert _added(code, ["cookie: {a: 1}"]) == after
