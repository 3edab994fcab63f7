"""error-handler reads conditions (``&&``/``||`` chains, nested ternaries) only so deep: a
chain of a thousand and more operands is a tree that deep, and reading it all overflowed
Python's stack (RecursionError), so the rule failed on the whole file. Past the bound a
condition proves nothing: the leak under it stays reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeharden import check, fix

PACKAGE_JSON = '{"name": "p", "dependencies": {"express": "^4.21.0"}}\n'


def _project(tmp_path: Path, condition: str) -> None:
    (tmp_path / "package.json").write_text(PACKAGE_JSON)
    (tmp_path / "app.js").write_text(
        "const express = require('express');\n"
        "const app = express();\n"
        "app.get('/', async (req, res) => {\n"
        "  try {\n"
        "    await req.app.locals.work();\n"
        "  } catch (err) {\n"
        f"    if ({condition}) {{\n"
        "      return res.status(500).json({ message: err.message });\n"
        "    }\n"
        "  }\n"
        "});\n"
        "app.use((err, req, res, next) => { res.status(err.status || 500).json({ error: 'x' }); });\n"
        "app.listen(3000);\n")


@pytest.mark.parametrize("operator", ["&&", "||"])
def test_a_long_chain_in_a_catch_does_not_fail_the_rule(tmp_path: Path, operator: str) -> None:
    # `err.code === 'E1' && … && a1499`: the first term names the error, as a client-error test
    # would; 1,500 terms are far past the bound, so nothing is proven and the leak stays.
    terms = ["err.code === 'E_NOT_FOUND'"] + [f"req.query.a{i}" for i in range(1500)]
    _project(tmp_path, f" {operator} ".join(terms))
    report = check(tmp_path, select=["error-handler"])
    assert not report.failed, report.failed
    assert [(f.path, f.line) for f in report.findings] == [("app.js", 8)]
    plan = fix(tmp_path, dry_run=True, select=["error-handler"]).plan
    assert plan.scan is not None and not plan.scan.failed, plan.scan.failed


def test_a_short_chain_is_still_read(tmp_path: Path) -> None:
    # Below the bound the reader works as before: `err.message === 'gone' && …` pins the
    # message to the app's own literal, so nothing leaks.
    terms = ["err.message === 'gone'"] + [f"req.query.a{i}" for i in range(20)]
    _project(tmp_path, " && ".join(terms))
    report = check(tmp_path, select=["error-handler"])
    assert not report.failed, report.failed
    assert report.findings == []
