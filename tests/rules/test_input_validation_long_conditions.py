"""input-validation reads conditions and concatenations as nested trees (``a || b || c`` is
``(a || b) || c``): a chain of a thousand operands is judged to a bounded depth (past it the
condition proves nothing) instead of failing the rule for the whole project."""

from __future__ import annotations

from nodeharden import check


def test_a_thousand_operand_condition_and_concatenation_do_not_fail_the_rule(project) -> None:
    # 1,100 operands: deeper than Python's default recursion limit (1,000 frames); one request
    # field at the far end of each (its checks walk up a bounded number of levels).
    cond = " || ".join(["req.query.k === 'v'"] + [f"k{i} === 'v'" for i in range(1100)])
    # A number first: `1 + k + c0 + …` may add, so k stays reported (a string first would
    # make it a string, no use that needs a check).
    cat = " + ".join(["1", "req.query.k"] + [f"c{i}" for i in range(1100)])
    root = project({"package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}',
                    "app.js": "const express = require('express');\nconst app = express();\n"
                              f"app.get('/a', (req, res) => {{\n  if ({cond}) {{\n"
                              "    return res.send('x');\n  }\n"
                              f"  res.redirect('/x/' + ({cat}));\n}});\napp.listen(3000);\n"})
    report = check(root, select=["input-validation"])
    assert report.failed == []
    assert [f.line for f in report.findings] == [3]


def test_a_thousand_operand_concatenation_before_the_field_does_not_fail_the_rule(
        project) -> None:
    # The field last: whether the thousand operands before it hold a string is read to a bounded
    # depth; past it the `+` is not known to join strings, and the field stays reported.
    cat = " + ".join(["'/x/'"] + [f"c{i}" for i in range(1100)] + ["req.query.k"])
    root = project({"package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}',
                    "app.js": "const express = require('express');\nconst app = express();\n"
                              "app.get('/a', (req, res) => {\n"
                              f"  res.json({{ s: {cat} }});\n}});\napp.listen(3000);\n"})
    report = check(root, select=["input-validation"])
    assert report.failed == []
    assert [f.line for f in report.findings] == [3]
