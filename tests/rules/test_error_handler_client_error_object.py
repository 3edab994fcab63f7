"""error-handler: the whole error object sent in a branch taken only for client errors (the
error tested by its name, class or code, answered with a literal 4xx: a validation failure) is
detail meant for the client, as its message there already is. A catch answering a 4xx to
whatever it catches, or a branch a search of the error's message picks, still sends a
driver's error with its query and keys: reported, as are 5xx and unknown answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_json, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'


def whole_error_lines(tmp_path: Path, app: str) -> list[int]:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app})
    report = check_json(root, "--select", "error-handler")
    return sorted(f["line"] for f in report["findings"]
                  if "the whole error object" in f["message"])


def test_a_catch_callbacks_4xx_branch_keeps_the_error(tmp_path: Path) -> None:
    app = ("const express = require('express');\n"
           "const app = express();\n"
           "const wrap = (fn) => (req, res, next) =>\n"
           "  fn(req, res, next).catch((error) => {\n"
           "    if (error.name == 'ValidationError') {\n"
           "      return res.status(400).json({ message: 'Required fields', error: error });\n"
           "    }\n"
           "    return res.status(500).json({ message: 'Failed', error: error });\n"
           "  });\n"
           "app.post('/items', wrap(async (req, res) => res.json(await req.save())));\n"
           "app.use((err, req, res, next) => res.status(500).json({ message: 'Failed' }));\n"
           "module.exports = app;\n")
    assert whole_error_lines(tmp_path, app) == [8]


@pytest.mark.parametrize("answer,lines", [
    ("if (err.name === 'ValidationError') return res.status(422).json(err)", []),
    ("if (err instanceof TypeError) return res.status(400).json({ errors: err })", []),
    ("if (err.code === 11000) return res.status(409).send({ errors: err })", []),
    ("res.status(400).json({ errors: err })", [6]),
    ("res.status(500).json({ errors: err })", [6]),
    ("res.json({ errors: err })", [6]),
], ids=["name-tested-422", "class-tested-400", "code-tested-409", "catch-all-400",
        "500", "unknown"])
def test_a_routes_catch_keeps_the_error_only_in_a_client_errors_branch(
        tmp_path: Path, answer: str, lines: list[int]) -> None:
    app = ("const express = require('express');\n"
           "const app = express();\n"
           "app.post('/items', async (req, res) => {\n"
           "  try {\n    res.json(await req.save());\n"
           f"  }} catch (err) {{ {answer}; }}\n"
           "});\n"
           "app.use((err, req, res, next) => res.status(500).json({ message: 'Failed' }));\n"
           "module.exports = app;\n")
    assert whole_error_lines(tmp_path, app) == lines


def test_a_handlers_branch_for_client_errors_keeps_the_error(tmp_path: Path) -> None:
    app = ("const express = require('express');\n"
           "const app = express();\n"
           "app.use((err, req, res, next) => {\n"
           "  if (err.name === 'ValidationError') {\n"
           "    return res.status(400).json({ errors: err });\n"
           "  }\n"
           "  console.error(err);\n"
           "  res.status(500).json({ errors: err });\n"
           "});\n"
           "module.exports = app;\n")
    assert whole_error_lines(tmp_path, app) == [8]


def test_a_4xx_branch_a_search_of_the_message_picks_still_reports_it(tmp_path: Path) -> None:
    # A driver's error whose text quotes the request's input takes that branch too.
    app = ("const express = require('express');\n"
           "const app = express();\n"
           "app.post('/items', async (req, res) => {\n"
           "  try {\n    res.json(await req.save());\n"
           "  } catch (err) {\n"
           "    if (err.message.includes('duplicate')) return res.status(409).json(err);\n"
           "    res.status(500).json({ message: 'Failed' });\n"
           "  }\n"
           "});\n"
           "app.use((err, req, res, next) => res.status(500).json({ message: 'Failed' }));\n"
           "module.exports = app;\n")
    assert whole_error_lines(tmp_path, app) == [7]
