"""error-handler: the log line a fix adds calls a project module's logger only when that
module visibly has ``error``.

A logger-like name bound to a project module (``const Logger = require('./log')``) that the
file itself never calls ``.error`` on is followed into the module: an object with ``error``,
``exports.error``, a class instance with an ``error`` method, or a logger a logger package
makes (``winston.createLogger``, ``pino()``) keeps ``Logger.error(err)``. A module that exports
no such method (only ``create`` and ``levels``) or one whose logger comes from the project's
own factory gets the file's own logger that it calls ``.error`` on, else ``console.error``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeharden._api import fix

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0", "winston": "^3.11.0", ' \
    '"pino": "^9.0.0"}}'
ROUTES = """\
const express = require('express');
IMPORT

const app = express();
app.post('/notes', (req, res) => {
  try {
    res.json(req.app.locals.notes.add(req.body));
  } catch (err) {
    res.status(500).json(BODY);
  }
});
app.use((err, req, res, next) => res.status(500).end());
module.exports = app;
"""
MESSAGE = "{ error: err.message }"
STACK = "{ error: 'failed', stack: err.stack }"


def _fixed(tmp_path: Path, module: str, imports: str = "const Logger = require('./logging');",
           body: str = MESSAGE) -> str:
    root = tmp_path / "app"
    root.mkdir()
    (root / "package.json").write_text(PACKAGE)
    (root / "logging.js").write_text(module)
    source = ROUTES.replace("IMPORT", imports).replace("BODY", body)
    (root / "routes.js").write_text(source)
    plan = fix(root, dry_run=True, select=["error-handler"], unsafe=True).plan
    got = plan.final.get("routes.js", source.encode()).decode()
    assert got != source, "no fix"
    return got


PROVIDES = {
    "object": "module.exports = {\n  info(text) { process.stdout.write(text); },\n"
              "  error(text) { process.stderr.write(String(text)); },\n};\n",
    "exports-member": "exports.error = (e) => process.stderr.write(String(e));\n",
    "class-instance": "class Journal {\n  error(e) { process.stderr.write(String(e)); }\n}\n"
                      "module.exports = new Journal();\n",
    "winston": "const winston = require('winston');\n\n"
               "module.exports = winston.createLogger({ level: 'info' });\n",
    "pino-variable": "const pino = require('pino');\n\nconst journal = pino();\n\n"
                     "module.exports = journal;\n",
    "pino-child": "module.exports = require('pino')().child({ area: 'api' });\n",
}


@pytest.mark.parametrize("body", [MESSAGE, STACK], ids=["message", "stack"])
@pytest.mark.parametrize("shape", sorted(PROVIDES))
def test_a_module_that_has_error_keeps_its_logger(tmp_path: Path, shape: str, body: str) -> None:
    got = _fixed(tmp_path, PROVIDES[shape], body=body)
    assert "    Logger.error(err);\n" in got and "console.error" not in got, got


def test_a_named_export_is_followed(tmp_path: Path) -> None:
    module = "const pino = require('pino');\n\nmodule.exports = { appLogger: pino() };\n"
    got = _fixed(tmp_path, module, imports="const { appLogger } = require('./logging');")
    assert "    appLogger.error(err);\n" in got, got


LACKS = {
    # the module makes loggers but is none: `Logger.error` is undefined
    "factory-module": "const Logger = module.exports;\nLogger.levels = ['info', 'error'];\n"
                      "Logger.create = (config) => ({ error() {}, info() {} });\n",
    # the project's own factory: what it returns is not read here
    "project-factory": "function makeJournal(name) {\n  return require('pino')({ name });\n}\n"
                       "module.exports = makeJournal('api');\n",
}


@pytest.mark.parametrize("body", [MESSAGE, STACK], ids=["message", "stack"])
@pytest.mark.parametrize("shape", sorted(LACKS))
def test_a_module_not_seen_to_have_error_gets_console_error(tmp_path: Path, shape: str,
                                                             body: str) -> None:
    got = _fixed(tmp_path, LACKS[shape], body=body)
    assert "    console.error(err);\n" in got and "Logger.error" not in got, got


def test_the_files_own_logger_is_preferred_to_console(tmp_path: Path) -> None:
    imports = ("const Logger = require('./logging');\n"
               "const log = Logger.create({});\nlog.error('starting');")
    got = _fixed(tmp_path, LACKS["factory-module"], imports=imports)
    assert "    log.error(err);\n" in got and "Logger.error(err)" not in got, got


def test_a_module_logger_the_file_calls_error_on_is_kept(tmp_path: Path) -> None:
    imports = "const Logger = require('./logging');\nLogger.error('starting');"
    got = _fixed(tmp_path, LACKS["project-factory"], imports=imports)
    assert "    Logger.error(err);\n" in got, got
