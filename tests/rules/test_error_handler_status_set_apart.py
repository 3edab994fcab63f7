"""error-handler: a catch block that answers a literal 4xx keeps its message (a client error
the route chose to explain), also when the status is not spelled in the answer's own chain:
set by the statement before it (``res.status(429); res.json(…)``, ``res.statusCode = 400``)
or held by a local that is only ever a 4xx literal. Anything that may make it a 5xx, or use
the response between the two, keeps the finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_json, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'


def app_js(catch_body: str, before: str = "") -> str:
    return ("const express = require('express')\n"
            "const store = { load: async (id) => ({ id }) }\n"
            "const app = express()\n"
            "app.get('/things/:id', async (req, res) => {\n"
            f"  {before}\n"
            "  try {\n"
            "    res.json(await store.load(req.params.id))\n"
            "  } catch (e) {\n"
            f"    {catch_body}\n"
            "  }\n"
            "})\n"
            "app.use((err, req, res, next) => {\n"
            "  console.error(err)\n"
            "  res.status(500).json({ message: 'Request failed' })\n"
            "})\n"
            "module.exports = app\n")


def message_leaks(tmp_path: Path, catch_body: str, before: str = "") -> list[str]:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE,
                                       "app.js": app_js(catch_body, before)})
    report = check_json(root, "--select", "error-handler")
    return [f["message"] for f in report["findings"] if "e.message" in f["message"]]


@pytest.mark.parametrize("catch_body", [
    "res.status(429)\n    res.json({ error: e.message })",
    "res.statusCode = 400\n    res.json({ error: e.message })",
    "res.status(409)\n    console.warn('conflict')\n    return res.json({ error: e.message })",
    "const status = 422\n    res.status(status).json({ error: e.message })",
    "let status = 401\n    if (req.query.form) status = 400\n"
    "    res.status(status).json({ error: e.message })",
    "let code = req.query.form ? 400 : 404\n    res.status(code).send(e.message)",
    "res.status(400)\n    if (req.query.verbose) {\n      res.json({ error: e.message })\n"
    "    } else {\n      res.end()\n    }",
], ids=["status-before", "statusCode-before", "log-between", "const", "let-only-4xx",
        "ternary-local", "inside-if-after-status"])
def test_a_4xx_set_apart_from_the_answer_keeps_the_message(tmp_path: Path,
                                                           catch_body: str) -> None:
    assert message_leaks(tmp_path, catch_body) == []


def test_a_local_declared_before_the_try_counts_when_only_ever_a_4xx(tmp_path: Path) -> None:
    assert message_leaks(tmp_path, "res.status(status).json({ error: e.message })",
                         before="const status = 409") == []
    assert message_leaks(tmp_path, "res.status(status).json({ error: e.message })",
                         before="let status = 409; if (req.query.x) status = 502")


@pytest.mark.parametrize("catch_body,before", [
    ("res.status(500)\n    res.json({ error: e.message })", ""),
    ("res.status(400)\n    if (req.query.x) res.status(500)\n    res.json({ error: e.message })",
     ""),
    ("res.status(400)\n    fail(res)\n    res.json({ error: e.message })", ""),
    ("let status = 400\n    if (e.code) status = 500\n"
     "    res.status(status).json({ error: e.message })", ""),
    ("let status = 400\n    status = e.status\n    res.status(status).json({ error: e.message })",
     ""),
    ("let status = 400\n    status++\n    res.status(status).json({ error: e.message })", ""),
    ("let status = 400\n    const bump = () => { status = 503 }\n    bump()\n"
     "    res.status(status).json({ error: e.message })", ""),
    ("res.status(400)\n    setTimeout(() => res.json({ error: e.message }))", ""),
    ("res.json({ error: e.message })", "res.status(400)"),
    ("let status\n    status = 400\n    res.status(status).json({ error: e.message })", ""),
    # found by an adversarial review: each a real 5xx leak the first cut hid
    ("res.status(400)\n    switch (e.name) {\n      case 'MongoServerError':\n"
     "        res.status(500)\n        res.json({ error: e.message })\n        break\n"
     "      default:\n        res.json({ error: e.message })\n    }", ""),
    ("res.status(400)\n    if (e.code === 'ECONNREFUSED') unavailable()\n"
     "    res.json({ error: e.message })", "const unavailable = () => res.status(503)"),
    ("res.status(400)\n    try { await store.audit(e) } catch (e2) { res.status(500) } "
     "finally { res.json({ error: e.message }) }", ""),
    ("res.status(400)\n    for (let i = 0; i < 2; i++) {\n      if (i === 1) { "
     "res.json({ error: e.message }); break }\n      res.status(500)\n    }", ""),
    ("res.status(400)\n    if (e.fatal && res.status(500)) res.json({ error: e.message })", ""),
    ("let status = 400\n    if (e.code) ({ status } = { status: 500 })\n"
     "    res.status(status).json({ error: e.message })", ""),
    ("let status = 400\n    ;[status] = [500]\n    res.status(status).json({ error: e.message })",
     ""),
    ("let status = 400\n    for (status of [500]) {}\n"
     "    res.status(status).json({ error: e.message })", ""),
    ("const { status = 500 } = e\n    res.status(status).json({ error: e.message })",
     "const status = 400"),
    ("res.status(status).json({ error: e.message })",
     "if (req.query.x) { let status = 400 }"),
], ids=["500-before", "500-in-a-branch-between", "response-passed-between", "5xx-branch",
        "from-the-error", "incremented",
        "closure-writes-5xx", "answer-in-a-callback", "status-before-the-try",
        "no-initial-value", "switch-case", "closure-helper-between", "finally", "loop",
        "status-in-the-condition", "destructuring-write", "array-destructuring-write",
        "for-of-write", "shadowed-by-destructuring", "declared-in-another-block"])
def test_what_may_be_a_5xx_keeps_the_finding(tmp_path: Path, catch_body: str,
                                             before: str) -> None:
    assert message_leaks(tmp_path, catch_body, before), catch_body
