"""A chain of thousands of calls (``res.set(…).set(…)…``) is one statement: the Express facts
find each call's statement from its innermost container, not by climbing parents (each climb
costs a walk from the root in tree-sitter, so the file used to run into its time budget and
lose its findings)."""

from __future__ import annotations

from pathlib import Path

from _complexity import growth
from conftest import write_tree

from nodeharden._api import check
from nodeharden._express import extract_facts
from nodeharden._parse import parse, statement_of


def _chain(count: int) -> str:
    return ("const express = require('express');\nconst app = express();\n"
            "app.get('/', (req, res) => {\n  res" +
            "".join(f".set('x-h{i}', 'v')" for i in range(count)) + ";\n  res.end();\n});\n"
            "export default app;\n")


def test_statements_match_climbing_parents() -> None:
    source = (_chain(40) + "switch (x) { case 1: app.use(a); }\nclass A { m() { app.set('k', 1); } }\n"
              "export const b = app.get('/b', h);\n").encode()
    tree = parse("javascript", source)
    facts = extract_facts("javascript", source, tree.root_node, "app.js", "esm")
    calls = {(c.start, c.end) for c in facts.calls}
    assert len(calls) > 40
    for node in _walk_calls(tree.root_node):
        if (node.start_byte, node.end_byte) in calls:
            stmt = statement_of(node)
            [fact] = [c for c in facts.calls if (c.start, c.end) == (node.start_byte,
                                                                    node.end_byte)]
            assert fact.stmt_start == stmt.start_byte


def _walk_calls(root):
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            yield node
        stack.extend(node.children)


def test_a_long_chain_of_calls_is_read_in_linear_time_and_keeps_its_findings(
        tmp_path: Path) -> None:
    # Counted steps, not time: 4 times the calls cost about 4 times the work (climbing parents
    # from each call of the chain was quadratic: 4,000 calls ran over the file's time budget).
    def make(count: int):
        root = write_tree(tmp_path / f"n{count}", {
            "package.json": '{"type": "module", "dependencies": {"express": "^4.21.0"}}',
            "app.js": _chain(count)})
        return lambda: check(root, jobs=1, select=["helmet"])

    # Not the returned text: each call's fact keeps its receiver's text (CallFact.target, the
    # whole chain before it), which grows with the square of the chain in C copies.
    _, result = growth(make, 150, returned_text=False)
    assert not result.failed, result.failed
    assert [f.rule for f in result.findings] == ["helmet"]
