"""error-handler across files: ``res.status(err.F).json(err.message)`` sends a message the app
meant for clients when the project proves ``F`` always holds a 4xx (the project's error class
sets it from a constructor parameter, and every ``new C(…)`` in application code passes a 4xx
there); anything the proof cannot follow is reported as before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nodeharden._api import check

Make = Callable[..., Path]

PACKAGE_JSON = '{"name": "app", "dependencies": {"express": "^5.1.0"}}\n'

ERROR_CLASS = """
    class HttpError extends Error {
      constructor(httpStatus, message) {
        super(message);
        this.httpStatus = httpStatus;
      }
    }

    module.exports = HttpError;
    """

APP = """
    const express = require('express');
    const items = require('./items');

    const app = express();
    app.use('/items', items);
    app.use((err, req, res, next) => {
      if (err.httpStatus) {
        return res.status(err.httpStatus).json({ message: err.message });
      }
      res.status(500).json({ message: 'Internal Server Error' });
    });

    module.exports = app;
    """
LEAK_LINE = 8


def items(*throws: str, head: str = "") -> str:
    """A router module whose routes throw ``throws`` (JavaScript expressions)."""
    routes = "".join(f"    router.get('/{i}', () => {{\n      throw {expr};\n    }});\n"
                     for i, expr in enumerate(throws))
    return ("    const express = require('express');\n"
            "    const HttpError = require('./http-error');\n" + head +
            "\n    const router = express.Router();\n" + routes +
            "\n    module.exports = router;\n")


@pytest.fixture
def app(project: Make) -> Make:
    def make(files: dict[str, str]) -> Path:
        return project({"package.json": PACKAGE_JSON, "app.js": APP,
                        "http-error.js": ERROR_CLASS, **files})
    return make


def leaks(root: Path) -> list[tuple[str, int]]:
    report = check(root, select=["error-handler"])
    assert not report.failed, report.failed
    return sorted((f.path, f.line) for f in report.findings if "sent to the client" in f.message)


def test_literal_4xx_constructions_make_the_message_deliberate(app: Make) -> None:
    root = app({"items.js": items("new HttpError(404, 'no such item')",
                                  "new HttpError(422, 'name is required')")})
    assert leaks(root) == []
    # A body that echoes the field is no error carrying it.
    (root / "app.js").write_text((root / "app.js").read_text().replace(
        "{ message: err.message }", "{ httpStatus: err.httpStatus, message: err.message }"))
    assert leaks(root) == []


def test_constants_holding_4xx_count_as_4xx(app: Make) -> None:
    root = app({
        "items.js": items("new HttpError(CONFLICT, 'taken')", "new HttpError(CODES.GONE, 'gone')",
                          "new HttpError(StatusCodes.NOT_FOUND, 'missing')",
                          head="    const { StatusCodes } = require('http-status-codes');\n"
                               "    const { CONFLICT } = require('./codes');\n"
                               "    const CODES = { GONE: 410 };\n"),
        "codes.js": "const CONFLICT = 409;\n\nmodule.exports = { CONFLICT };\n",
    })
    assert leaks(root) == []


@pytest.mark.parametrize("throw", [
    "new HttpError(503, 'upstream down')",                     # a 5xx
    "new HttpError(StatusCodes.SERVICE_UNAVAILABLE, 'down')",  # a named 5xx
    "new HttpError(req.query.code, 'computed')",               # what it holds is not known
    "new HttpError(...args)",                                  # a spread
    "new HttpError()",                                         # no status at all
])
def test_any_construction_not_proven_4xx_keeps_the_finding(app: Make, throw: str) -> None:
    root = app({"items.js": items(
        "new HttpError(404, 'no such item')", throw,
        head="    const { StatusCodes } = require('http-status-codes');\n"
             "    const args = [500, 'x'];\n    const req = { query: {} };\n")})
    assert leaks(root) == [("app.js", LEAK_LINE)]


@pytest.mark.parametrize("extra", [
    # the class handed on as a value: what is constructed through it is not followed
    "const Make = HttpError;\nmodule.exports.fail = () => new Make(500, 'x');\n",
    # an object carrying the field, thrown or passed to next
    "module.exports.fail = (next) => next({ httpStatus: 500, message: 'db down' });\n",
    # the field written after construction
    "module.exports.fail = (err) => { err.httpStatus = 502; throw err; };\n",
    # a subclass that passes its own arguments on
    "class Wrapped extends HttpError {}\nmodule.exports.fail = () => new Wrapped(500, 'x');\n",
])
def test_other_ways_to_set_the_field_keep_the_finding(app: Make, extra: str) -> None:
    root = app({"items.js": items("new HttpError(404, 'no such item')"),
                "more.js": "const HttpError = require('./http-error');\n\n" + extra})
    assert leaks(root) == [("app.js", LEAK_LINE)]


def test_a_subclass_passing_a_4xx_to_super_is_proven(app: Make) -> None:
    root = app({
        "items.js": items("new NotFound('item')",
                          head="    class NotFound extends HttpError {\n"
                               "      constructor(what) {\n"
                               "        super(404, `${what} not found`);\n      }\n    }\n"),
    })
    assert leaks(root) == []


def test_a_field_third_party_errors_carry_too_is_never_proven(project: Make) -> None:
    # http-errors and body-parser set `status`, 5xx included: the project's own classes prove
    # nothing about it.
    root = project({
        "package.json": PACKAGE_JSON,
        "http-error.js": ERROR_CLASS.replace("httpStatus", "status"),
        "app.js": APP.replace("httpStatus", "status"),
        "items.js": items("new HttpError(404, 'no such item')"),
    })
    assert leaks(root) == [("app.js", LEAK_LINE)]


def test_a_fallback_status_keeps_the_finding(app: Make) -> None:
    # `err.httpStatus || 500`: errors without the field send their message with a 500.
    root = app({"items.js": items("new HttpError(404, 'no such item')")})
    (root / "app.js").write_text((root / "app.js").read_text().replace(
        "res.status(err.httpStatus)", "res.status(err.httpStatus || 500)"))
    assert leaks(root) == [("app.js", LEAK_LINE)]


def test_status_read_into_a_constant_and_a_catch_block(project: Make) -> None:
    root = project({
        "package.json": PACKAGE_JSON,
        "http-error.js": ERROR_CLASS,
        "app.js": """
            const express = require('express');
            const HttpError = require('./http-error');

            const app = express();
            app.get('/items/:id', async (req, res) => {
              try {
                if (req.params.id === '0') throw new HttpError(404, 'no such item');
                res.json(await req.app.locals.store.find(req.params.id));
              } catch (e) {
                res.status(e.httpStatus).json({ error: e.message });
              }
            });
            app.use((err, req, res, next) => {
              const code = err.httpStatus;
              res.status(code).json({ error: err.message });
            });

            module.exports = app;
            """,
    })
    assert leaks(root) == []
    (root / "more.js").write_text("const HttpError = require('./http-error');\n\n"
                                  "module.exports = () => new HttpError(500, 'x');\n")
    assert leaks(root) == [("app.js", 10), ("app.js", 15)]


def test_a_constant_shadowed_by_a_parameter_is_not_followed(app: Make) -> None:
    root = app({"items.js": items(
        "new HttpError(404, 'no such item')",
        head="    const CODE = 403;\n"
             "    module.exports.fail = (CODE) => new HttpError(CODE, 'computed');\n")})
    assert leaks(root) == [("app.js", LEAK_LINE)]


def test_a_typescript_parameter_property_is_followed(project: Make) -> None:
    files = {
        "package.json": PACKAGE_JSON,
        "src/http-error.ts": """
            export class HttpError extends Error {
              constructor(public readonly errorCode: number, message: string) {
                super(message);
              }
            }
            """,
        "src/app.ts": """
            import express from 'express';
            import { HttpError } from './http-error';

            const app = express();
            app.get('/items/:id', () => {
              throw new HttpError(404, 'no such item');
            });
            app.use((err: HttpError, req: express.Request, res: express.Response,
                     next: express.NextFunction) => {
              res.status(err.errorCode).json({ message: err.message });
            });

            export default app;
            """,
    }
    assert leaks(project(files)) == []
    files["src/jobs.ts"] = ("import { HttpError } from './http-error';\n\n"
                            "export const fail = () => new HttpError(500, 'queue down');\n")
    assert leaks(project(files, name="with-500")) == [("src/app.ts", 10)]
