"""error-handler: ``err.shareable ? err.message : …`` is credited only when the flag is the
app's own signal: an error class sets it from a constructor parameter, no code sets it by hand,
and no ``new C(…)`` turns it on with another error's text or a 5xx status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'

FROM_PARAMETER = ("class FailureError extends Error {\n"
                  "  constructor(text, status = 500, isPublic = false) {\n"
                  "    super(text)\n"
                  "    this.status = status\n"
                  "    this.isPublic = isPublic\n"
                  "  }\n"
                  "}\n"
                  "module.exports = { FailureError }\n")

ALWAYS_ON = ("class FailureError extends Error {\n"
             "  constructor(text, status = 500) {\n"
             "    super(text)\n"
             "    this.status = status\n"
             "    this.isPublic = true\n"
             "  }\n"
             "}\n"
             "module.exports = { FailureError }\n")


def app_js(route_catch: str, failing: str = "") -> str:
    return ("const express = require('express')\n"
            "const { FailureError } = require('./errors')\n"
            "const app = express()\n"
            "const store = { load: async (id) => ({ id }) }\n"
            "app.get('/things/:id', async (req, res, next) => {\n"
            f"  {failing}\n"
            "  try {\n"
            "    res.json(await store.load(req.params.id))\n"
            "  } catch (cause) {\n"
            f"    {route_catch}\n"
            "  }\n"
            "})\n"
            "app.use((err, req, res, next) => {\n"
            "  console.error(err)\n"
            "  res.status(err.status || 500).json({\n"
            "    message: err.isPublic ? err.message : 'Request failed'\n"
            "  })\n"
            "})\n"
            "module.exports = app\n")


def reported(tmp_path: Path, errors: str, app: str) -> bool:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "errors.js": errors,
                                       "app.js": app})
    done = run_cli("check", root, "--format", "json", "--exit-zero", "--select",
                   "error-handler")
    assert done.returncode == 0, done.stderr
    line = 1 + next(at for at, row in enumerate(app.splitlines()) if "err.isPublic ?" in row)
    return any(f["path"] == "app.js" and f["line"] == line
               for f in json.loads(done.stdout)["findings"])


def test_flag_from_a_parameter_used_for_client_texts_is_credited(tmp_path: Path) -> None:
    assert not reported(tmp_path, FROM_PARAMETER, app_js(
        "next(new FailureError('Could not load the thing'))",
        "if (!/^\\d+$/.test(req.params.id)) return next(new FailureError('Bad id', 400, true))"))


def test_a_converted_errors_own_flag_is_credited(tmp_path: Path) -> None:
    assert not reported(tmp_path, FROM_PARAMETER, app_js(
        "next(new FailureError(cause.message, cause.status, cause.isPublic))"))


@pytest.mark.parametrize(("errors", "route_catch", "failing"), [
    (ALWAYS_ON, "next(new FailureError(cause.message))", ""),              # every error
    (FROM_PARAMETER, "next(new FailureError(`load: ${cause.message}`, 400, true))", ""),
    (FROM_PARAMETER, "next(new FailureError(String(cause), 400, true))", ""),
    (FROM_PARAMETER, "const text = 'load: ' + cause.message\n"
                     "    next(new FailureError(text, 404, true))", ""),
    (FROM_PARAMETER, "next(new FailureError('Storage is down', 503, true))", ""),
    (FROM_PARAMETER, "next(new FailureError('Storage is down', undefined, true))", ""),
    (FROM_PARAMETER, "cause.isPublic = true\n    next(cause)", ""),        # set by hand
])
def test_no_credit_when_the_flag_may_carry_a_server_error(tmp_path: Path, errors: str,
                                                          route_catch: str,
                                                          failing: str) -> None:
    assert reported(tmp_path, errors, app_js(route_catch, failing))
