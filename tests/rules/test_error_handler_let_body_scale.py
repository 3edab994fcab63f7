"""error-handler follows a ``let`` answer body through its reassignments in one walk of its
block: a catch with thousands of ``if (…) body = {…}`` lines gives the same findings as one
with three (each reassignment used to walk the scope again, and a thousand of them hit the
per-file time cap: "took longer than 30 s to scan; not reported")."""

from __future__ import annotations

from nodeharden import check

from conftest import each_place

PACKAGE = '{"name": "a", "dependencies": {"express": "^4.21.0"}}'


def _replaced_for_5xx(count: int) -> str:
    """A route whose body holds the message under ``count`` conditions and is replaced for
    every 5xx before the answer (not a leak), then a route that leaks (the control)."""
    lines = ["const express = require('express');", "const app = express();",
             "app.use(express.json());",
             "app.get('/x', async (req, res) => {", "  try {",
             "    res.json(await req.load());", "  } catch (err) {",
             "    const status = err.status || 500;",
             "    let body = { error: err.message };"]
    lines += [f"    if (err.code === 'E{i}') body = {{ error: err.message, code: {i} }};"
              for i in range(count)]
    lines += ["    if (status >= 500) body = { error: 'Internal Server Error' };",
              "    res.status(status).json(body);", "  }", "});",
              "app.get('/y', async (req, res) => {", "  try {",
              "    res.json(await req.load());", "  } catch (err) {",
              "    res.status(500).json({ error: err.message });", "  }", "});",
              "app.use((err, req, res, next) => res.status(500).json({ error: 'x' }));", ""]
    return "\n".join(lines)


def _kept_for_5xx(count: int) -> str:
    """The reviewer's shape: every reassignment holds the message too and none runs for
    every 5xx, so the declaration and each reassignment leak."""
    lines = ["const express = require('express');", "const app = express();",
             "app.get('/x', async (req, res) => {", "  try {",
             "    res.json(await req.load());", "  } catch (err) {",
             "    let body = { error: err.message };"]
    lines += [f"    if (err.code === 'E{i}') body = {{ error: err.message, code: {i} }};"
              for i in range(count)]
    lines += ["    res.status(500).json(body);", "  }", "});",
              "app.use((err, req, res, next) => res.status(400).json({ error: 'x' }));", ""]
    return "\n".join(lines)


def _report(project, name: str, source: str):  # type: ignore[no-untyped-def]
    root = project({"package.json": PACKAGE, "app.js": source}, name=name)
    report = check(root, select=["error-handler"])
    assert report.failed == []
    # (A finding that stands for several places names them: the rest of its text is compared.)
    return [(f.line, f.message.split("; the same at line")[0])
            for f in each_place(report.findings)]


def test_three_thousand_reassignments_replaced_for_5xx_give_the_small_answer(project) -> None:
    small, large = 3, 3000
    # Only the control route's message, and the handler answering 5xx to everything (their
    # lines move down by the extra reassignments).
    few = _report(project, "few", _replaced_for_5xx(small))
    many = _report(project, "many", _replaced_for_5xx(large))
    assert [line for line, _ in few] == [21, 24]
    assert [(line - (large - small), message) for line, message in many] == few
    assert "the error message (`err.message`)" in few[0][1]


def test_hundreds_of_reassignments_that_keep_the_message_are_each_reported(project) -> None:
    # Under the per-file cap of 500 findings: the declaration and every reassignment.
    count = 400
    few = _report(project, "few", _kept_for_5xx(3))
    many = _report(project, "many", _kept_for_5xx(count))
    assert [line for line, _ in few] == [7, 8, 9, 10]
    assert [line for line, _ in many] == list(range(7, 8 + count))
    assert {message for _, message in many} == {message for _, message in few}
