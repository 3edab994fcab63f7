"""error-handler: the fix that replaces a 5xx message adds a log line unless the error stays
visible elsewhere. Only calls that keep it count: logging and reporting calls, ``next`` and
callbacks that hand it on, and what is thrown; a type guard or a reader that only looks at the
error (``hasStatusCode(err)``, ``statusOf(err)``) keeps no trace, so the log line is added."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeharden._api import fix

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'
TEMPLATE = """\
const express = require('express');
const createError = require('http-errors');

const app = express();
app.get('/', (req, res) => res.send('ok'));
app.post('/items', async (req, res, next) => {
  try {
    res.json(await req.app.locals.store.save(req.body));
  } catch (err) {
    BEFORE
    res.status(500).json({ error: err.message });
    AFTER
  }
});
app.use((err, req, res, next) => res.status(500).end());
module.exports = app;
"""


def _fixed(tmp_path: Path, before: str, after: str = "") -> str:
    root = tmp_path / "app"
    root.mkdir()
    (root / "package.json").write_text(PACKAGE)
    source = TEMPLATE.replace("BEFORE", before).replace("AFTER", after)
    (root / "app.js").write_text(source)
    plan = fix(root, dry_run=True, select=["error-handler"], unsafe=True).plan
    got = plan.final.get("app.js", source.encode()).decode()
    assert "'Internal Server Error'" in got, got
    return got


@pytest.mark.parametrize("before", [
    "if (isHttpError(err)) return next(createError(err.status));",  # returns before: no trace
    "const code = statusOf(err);",
    "if (hasStatusCode(err) && err.statusCode < 500) res.status(err.statusCode);",
    "const known = Object.keys(err).length > 0;",
    "void err;",
])
def test_log_line_added_when_nothing_keeps_the_error(tmp_path: Path, before: str) -> None:
    got = _fixed(tmp_path, before)
    assert "console.error(err);" in got, got


@pytest.mark.parametrize(("before", "after"), [
    ("logger.error(err);", ""),
    ("req.log.warn({ err }, 'save failed');", ""),
    ("this.logger.info(err);", ""),
    ("console.warn(require('util').inspect(err));", ""),
    ("Sentry.captureException(err);", ""),
    ("bugsnag.notify(err);", ""),
    ("req.app.emit('error', err);", ""),
    ("logError(err);", ""),
    ("", "next(createError(500, err));"),
    ("", "throw new Error('save failed', { cause: err });"),
])
def test_no_second_log_line_when_the_error_is_kept(tmp_path: Path, before: str,
                                                   after: str) -> None:
    got = _fixed(tmp_path, before, after)
    assert "console.error(err);" not in got, got
