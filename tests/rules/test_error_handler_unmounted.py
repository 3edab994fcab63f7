"""error-handler: an error handler that no module registers answers nobody, so what it sends
is not reported. A handler is taken for registered whenever a module may reach it: its name
anywhere but its declaration, its export and an import binding nobody uses; the module as a
whole (``handlers[mode]``, ``Object.values(handlers)``, a re-export); or the module's default
export (any binding of the module may be it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import each_place, check_json, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'

HANDLERS = """\
exports.developmentErrors = (error, req, res, next) => {
  return res.status(500).json({ message: error.message, stack: error.stack });
};

exports.productionErrors = (error, req, res, next) => {
  console.error(error);
  return res.status(500).json({ message: error.message });
};
"""


def app_js(registration: str) -> str:
    return ("const express = require('express');\n"
            f"{registration}\n"
            "module.exports = app;\n")


def leak_lines(root: Path, path: str = "handlers/errorHandlers.js") -> list[int]:
    report = check_json(root, "--select", "error-handler")
    return sorted(f["line"] for f in each_place(report["findings"])
                  if f["path"] == path and "is sent to the client" in f["message"])


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_tree(tmp_path / "p", {"package.json": PACKAGE, **files})


@pytest.mark.parametrize("registration", [
    "const errorHandlers = require('./handlers/errorHandlers');\n"
    "const app = express();\n"
    "app.use(errorHandlers.productionErrors);",
    "const { productionErrors, developmentErrors } = require('./handlers/errorHandlers');\n"
    "const app = express();\n"
    "app.use(productionErrors);",
    "const errorHandlers = require('@/handlers/errorHandlers');\n"
    "const app = express();\n"
    "app.use(errorHandlers.productionErrors);",
], ids=["namespace-member", "unused-named-import", "path-alias"])
def test_a_handler_no_module_registers_is_not_reported(tmp_path: Path,
                                                       registration: str) -> None:
    root = project(tmp_path, {"app.js": app_js(registration),
                              "handlers/errorHandlers.js": HANDLERS})
    assert leak_lines(root) == [7]  # productionErrors only


@pytest.mark.parametrize("registration", [
    "const errorHandlers = require('./handlers/errorHandlers');\n"
    "const app = express();\n"
    "app.use(process.env.NODE_ENV === 'development'\n"
    "  ? errorHandlers.developmentErrors : errorHandlers.productionErrors);",
    "const errorHandlers = require('./handlers/errorHandlers');\n"
    "const app = express();\n"
    "app.use(errorHandlers[process.env.NODE_ENV + 'Errors']);",
    "const errorHandlers = require('./handlers/errorHandlers');\n"
    "const app = express();\n"
    "Object.values(errorHandlers).forEach((handler) => app.use(handler));",
    "const { developmentErrors: verbose, productionErrors } =\n"
    "  require('./handlers/errorHandlers');\n"
    "const app = express();\n"
    "app.use(process.env.DEBUG ? verbose : productionErrors);",
    "const app = express();\n"
    "app.use(require('./handlers/errorHandlers')[process.env.MODE]);",
], ids=["both-named", "computed-member", "whole-module", "renamed-import", "inline-require"])
def test_a_handler_a_module_may_register_is_reported(tmp_path: Path, registration: str) -> None:
    root = project(tmp_path, {"app.js": app_js(registration),
                              "handlers/errorHandlers.js": HANDLERS})
    assert leak_lines(root) == [2, 2, 7]


def test_a_reexport_of_the_whole_module_may_register_every_handler(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "handlers/index.js": "module.exports = require('./errorHandlers');\n",
        "handlers/errorHandlers.js": HANDLERS,
        "app.js": app_js("const handlers = require('./handlers');\n"
                         "const app = express();\n"
                         "app.use(handlers[process.env.MODE]);")})
    assert leak_lines(root) == [2, 2, 7]


def test_the_module_that_registers_its_own_handler_keeps_the_findings(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.js": (
        "const express = require('express');\n"
        "const app = express();\n"
        "function onError(err, req, res, next) {\n"
        "  res.status(500).json({ message: err.message });\n"
        "}\n"
        "function unused(err, req, res, next) {\n"
        "  res.status(500).json({ message: err.message });\n"
        "}\n"
        "app.use(onError);\n"
        "module.exports = app;\n")})
    assert leak_lines(root, "app.js") == [4]  # `unused` is dead code


def test_a_default_export_is_taken_for_registered(tmp_path: Path) -> None:
    # Any importer's binding of the module may be the handler: not followed.
    root = project(tmp_path, {
        "app.js": app_js("const app = express();"),
        "handlers/onError.js": ("module.exports = (err, req, res, next) => {\n"
                                "  res.status(500).json({ message: err.message });\n"
                                "};\n")})
    assert leak_lines(root, "handlers/onError.js") == [2]


ESM_HANDLERS = """\
export function verbose(err, req, res, next) {
  res.status(500).json({ message: err.message });
}

export const quiet = (err, req, res, next) => {
  console.error(err);
  res.status(500).json({ message: err.message });
};
"""


@pytest.mark.parametrize("registration,lines", [
    ("import { quiet } from './errors.js';\napp.use(quiet);", [7]),
    ("import * as errors from './errors.js';\napp.use(errors.quiet);", [7]),
    ("import * as errors from './errors.js';\napp.use(errors[process.env.MODE]);", [2, 7]),
], ids=["named", "namespace-member", "namespace-computed"])
def test_es_modules_are_followed_the_same_way(tmp_path: Path, registration: str,
                                              lines: list[int]) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": '{"name": "p", "type": "module", "dependencies": {"express": "^4"}}',
        "errors.js": ESM_HANDLERS,
        "app.js": f"import express from 'express';\nconst app = express();\n{registration}\n"
                  "export default app;\n"})
    assert leak_lines(root, "errors.js") == lines
