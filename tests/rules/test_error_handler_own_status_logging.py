"""error-handler: where a handler answers with the error's own status (``return
res.status(err.statusCode).json({ message: err.message })`` for the app's own error class), the
fix keeps the message of a 4xx and logs only the errors that now get the generic text: the
error's ``statusCode`` is known before the answer (unlike ``res.statusCode``), so the log line
goes before the ``return`` under that test, and a 400 logs nothing (held-out sample 36: an
online shop's handler, whose every error is a 400, had every one logged with its stack).
Real node, real requests: a 400 keeps its message and logs nothing; a 503 answers the generic
text and is logged."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import app_with_log, installed_once, linked_app

from nodeharden import fix

PACKAGE = '{"name": "shop", "dependencies": {"express": "^4.21.0"}}\n'
APP = """\
const express = require('express');

class AppError extends Error {
  constructor(code, message) {
    super(message);
    this.statusCode = code;
  }
}

const app = express();
app.get('/fail/:code', (req, res, next) => {
  next(new AppError(Number(req.params.code), `failed with ${req.params.code}`));
});

app.use((error, req, res, next) => {
  if (error instanceof AppError) {
    return res.status(error.statusCode).json({
      message: error.message,
    });
  }
  return res.status(500).json({ message: 'Internal Server Error' });
});

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return installed_once(tmp_path_factory, "own-status", PACKAGE)


def _answers(root: Path, codes: list[int]) -> tuple[list[tuple[int, dict]], str]:
    answers = []
    with app_with_log(root) as (base, log):
        for code in codes:
            try:
                with urllib.request.urlopen(f"{base}/fail/{code}", timeout=10) as response:
                    answers.append((response.status, json.loads(response.read())))
            except urllib.error.HTTPError as error:
                answers.append((error.code, json.loads(error.read())))
    return answers, log[0]


def test_only_the_errors_that_lose_their_message_are_logged(installed: Path,
                                                              tmp_path: Path) -> None:
    root = linked_app(tmp_path / "app", {"package.json": PACKAGE, "app.js": APP}, installed)
    report = fix(root, select=["error-handler"], force=True)
    assert report.ok
    source = (root / "app.js").read_text()
    assert "    if (!(error.statusCode < 500)) {\n      console.error(error);\n    }\n" \
           "    return res.status(error.statusCode).json({\n" in source
    answers, stderr = _answers(root, [400, 503])
    assert answers == [(400, {"message": "failed with 400"}),
                       (503, {"message": "Internal Server Error"})]
    assert "failed with 503" in stderr and "failed with 400" not in stderr
