"""Rule.file_data: what a project phase needs from a file is worked out where the file's tree
is (the scanning processes), so the main process does not parse the file again; it is kept
in the result cache with the rest of the file's scan."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import run_cli, write_tree
from nodeharden import _parse
from nodeharden._api import check

APP = {
    "package.json": '{"name": "p", "dependencies": {"express": "^4.18.0"}}',
    # A leak whose status comes from the error's own field: error-handler's project phase.
    "app.js": "const express = require('express');\n"
              "const users = require('./routes/users');\n\n"
              "const app = express();\napp.use(express.json());\napp.use('/users', users);\n"
              "app.use((err, req, res, next) => {\n"
              "  res.status(err.status || 500).json({ message: err.message });\n});\n"
              "app.listen(3000);\n",
    # A password handed to a project module: password-hash's project phase follows it there.
    "routes/users.js": "const express = require('express');\n"
                       "const store = require('../services/store');\n\n"
                       "const router = express.Router();\n"
                       "router.post('/', async (req, res) => {\n"
                       "  const user = await store.create({ email: req.body.email, "
                       "password: req.body.password });\n"
                       "  res.status(201).json({ id: user.id });\n});\n"
                       "module.exports = router;\n",
    "services/store.js": "const rows = [];\nfunction create(user) {\n  rows.push(user);\n"
                         "  return { id: rows.length, ...user };\n}\n"
                         "module.exports = { create };\n",
}


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Counter[bytes]:
    """Count every parse of this process by the first line of the parsed source."""
    counted: Counter[bytes] = Counter()
    real = _parse.parser

    class Counting:
        def __init__(self, lang: str) -> None:
            self.inner = real(lang)

        def parse(self, source: bytes):  # noqa: ANN201
            counted[bytes(source).split(b"\n", 1)[0]] += 1
            return self.inner.parse(source)

    monkeypatch.setattr(_parse, "parser", Counting)
    return counted


def test_project_phases_find_their_leaks_without_parsing_again(
        tmp_path: Path, parses: Counter[bytes]) -> None:
    write_tree(tmp_path / "p", APP)
    result = check(tmp_path / "p", jobs=1, select=["error-handler", "password-hash"])
    found = {(f.rule, f.path, f.line) for f in result.findings}
    assert found == {("error-handler", "app.js", 8), ("password-hash", "routes/users.js", 6)}
    assert "`store.create` stores it as given" in next(
        f.message for f in result.findings if f.rule == "password-hash")
    # app.js and routes/users.js are parsed once, when scanned; the store module twice (its
    # scan, and password-hash following the call into it).
    assert parses[b"const express = require('express');"] == 2  # the two files above
    assert parses[b"const rows = [];"] == 2


def test_file_data_comes_back_from_the_result_cache(tmp_path: Path) -> None:
    write_tree(tmp_path / "p", APP)
    cold = run_cli("check", tmp_path / "p", "--format", "json", "--no-cache")
    first = run_cli("check", tmp_path / "p", "--format", "json")
    warm = run_cli("check", tmp_path / "p", "--format", "json")
    assert cold.stdout == first.stdout == warm.stdout
    rules = {f["rule"] for f in json.loads(warm.stdout)["findings"]}
    assert {"error-handler", "password-hash"} <= rules
