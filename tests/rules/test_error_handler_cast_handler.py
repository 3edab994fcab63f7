"""error-handler: a final error handler handed to ``.use()`` inside a TypeScript cast or
parentheses (``(fn) as ErrorRequestHandler``, ``<T>fn``, ``fn satisfies T``, ``fn!``) is the same
four-parameter function to Express, so the app has its final handler. The cast changes no
arity: a three-parameter function in a cast is still no handler."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "a", "dependencies": {"express": "^4.21.0"}}'
SERVER = """\
import express from 'express';
import type { ErrorRequestHandler } from 'express';

const app = express();
app.get('/', (req, res) => {
  res.send('ok');
});
app.use(%s);
app.listen(3000);
"""
HANDLER = "(err, req, res, next) => {\n  res.status(500).send('failed');\n}"
FUNCTION = "function (err, req, res, next) {\n  res.status(500).send('failed');\n}"


def messages(root) -> list[str]:
    report = check(root, select=["error-handler"])
    assert not report.failed, report.failed
    return [f.message for f in report.findings]


@pytest.mark.parametrize("arg", [
    f"({HANDLER}) as ErrorRequestHandler",
    f"(({HANDLER}) as express.ErrorRequestHandler)",
    f"{FUNCTION} as ErrorRequestHandler",
    f"({HANDLER}) satisfies ErrorRequestHandler",
    f"<ErrorRequestHandler>({HANDLER})",
    f"({FUNCTION})!",
    f"(({FUNCTION}))",
])
def test_a_handler_in_a_cast_is_a_final_handler(project, arg: str) -> None:
    root = project({"package.json": PACKAGE, "server.ts": SERVER % arg})
    assert not any("no final error handler" in m for m in messages(root))


def test_a_three_parameter_function_in_a_cast_is_no_handler(project) -> None:
    arg = "((req, res, next) => {\n  next();\n}) as express.RequestHandler"
    root = project({"package.json": PACKAGE, "server.ts": SERVER % arg})
    assert any("no final error handler" in m for m in messages(root))
