"""error-handler: a handler that hands every error http-errors does not mark for clients on
before it answers (``if (!err.expose) return next(err)``, ``if (err.expose === false)``)
sends the message only of the 4xx errors meant for clients: no finding. A guard that lets
others through (``!err.expose && err.status``) or does not return keeps the finding."""

from __future__ import annotations

import pytest

from nodeharden._api import check

PACKAGE = '{"name": "svc", "dependencies": {"express": "^4.21.0", "http-errors": "^2.0.0"}}'
APP = """\
const express = require('express');
const onError = require('./errors');

const app = express();
app.get('/items/:id', (req, res) => res.json({ id: req.params.id }));
app.use(onError);
app.listen(3000);
"""
HANDLER = """\
module.exports = (err, req, res, next) => {
  if (res.headersSent) return next(err)
  %s
  res.statusCode = err.status
  res.json({ name: err.name, message: err.message })
}
"""


def leaks(project, guard: str) -> list[int]:
    root = project({"package.json": PACKAGE, "app.js": APP, "errors.js": HANDLER % guard})
    report = check(root, select=["error-handler"])
    return [f.line for f in report.findings if "is sent to the client" in f.message]


@pytest.mark.parametrize("guard", [
    "if (!err.expose) return next(err)",
    "if (!(err.expose)) {\n    return next(err)\n  }",
    "if (err.expose === false) return next(err);",
])
def test_a_guard_that_passes_on_what_is_not_exposed_keeps_the_message(project,
                                                                      guard: str) -> None:
    assert leaks(project, guard) == []


@pytest.mark.parametrize("guard", [
    "if (!err.expose && err.status) return next(err)",
    "if (!err.expose) console.warn(err)",
    "if (!err.status) return next(err)",
])
def test_a_guard_that_lets_server_errors_through_keeps_the_finding(project,
                                                                  guard: str) -> None:
    assert leaks(project, guard) == [5]
