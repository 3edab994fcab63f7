"""error-handler: the log line a fix adds calls a logging function the file imports by name
(``import { error } from './log/journal.js'``) when the file already calls it with an error
alone and the module visibly exports a function under that name.

Otherwise (a module that does not export it, a function only ever called with text, a name a
parameter shadows, a function the file declares itself) the fix logs with ``console.error``.
A logger object the file calls ``.error`` on still comes first.
"""

from __future__ import annotations

from pathlib import Path

from nodeharden._api import fix

PACKAGE = '{"name": "shop", "type": "module", "dependencies": {"express": "^4.21.0", ' \
    '"loglevel": "^1.9.0"}}'
ROUTES = """\
import express from 'express';
IMPORT

const app = express();
app.get('/cart', async (req, res) => {
  try {
    res.json(await req.app.locals.cart.list(req.query.owner));
  } catch (problem) {
    res.status(500).json({ reason: problem.message });
  }
});
app.use((failure, req, res, next) => {
  CALL
  res.status(500).end();
});
export default app;
"""
JOURNAL = """\
const sink = process.stderr;

export function error(thing) {
  sink.write(`${thing && thing.stack ? thing.stack : thing}\\n`);
}

export const notice = (text) => sink.write(`${text}\\n`);
"""


def _fixed(tmp_path: Path, imports: str, call: str = "error(failure);",
           modules: dict[str, str] | None = None) -> str:
    root = tmp_path / "shop"
    (root / "log").mkdir(parents=True)
    (root / "package.json").write_text(PACKAGE)
    for name, text in (modules or {"log/journal.js": JOURNAL}).items():
        (root / name).write_text(text)
    source = ROUTES.replace("IMPORT", imports).replace("CALL", call)
    (root / "server.js").write_text(source)
    plan = fix(root, dry_run=True, select=["error-handler"], unsafe=True).plan
    got = plan.final.get("server.js", source.encode()).decode()
    assert got != source, "no fix"
    assert "reason: problem.message" not in got, got
    return got


def test_an_imported_error_function_the_file_calls_with_an_error_logs(tmp_path: Path) -> None:
    got = _fixed(tmp_path, "import { error } from './log/journal.js';")
    assert "    error(problem);\n" in got and "console.error" not in got, got


def test_an_alias_and_a_barrel_re_export_are_followed(tmp_path: Path) -> None:
    modules = {"log/journal.js": JOURNAL, "log/index.js": "export { error } from './journal.js';\n"}
    got = _fixed(tmp_path, "import { error as logError } from './log/index.js';",
                 call="logError(failure);", modules=modules)
    assert "    logError(problem);\n" in got and "console.error" not in got, got


def test_a_destructured_require_of_an_exports_member(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "package.json").write_text(PACKAGE.replace('"type": "module", ', ""))
    (root / "journal.js").write_text("exports.logError = function (e) {\n"
                                     "  process.stderr.write(String(e));\n};\n")
    source = ROUTES.replace("import express from 'express';",
                            "const express = require('express');") \
        .replace("IMPORT", "const { logError } = require('./journal');") \
        .replace("CALL", "logError(failure);") \
        .replace("export default app;", "module.exports = app;")
    (root / "server.js").write_text(source)
    plan = fix(root, dry_run=True, select=["error-handler"], unsafe=True).plan
    got = plan.final.get("server.js", source.encode()).decode()
    assert "    logError(problem);\n" in got and "console.error" not in got, got


def test_a_name_the_module_does_not_export_gets_console_error(tmp_path: Path) -> None:
    modules = {"log/journal.js": "export const notice = (text) => process.stdout.write(text);\n"}
    got = _fixed(tmp_path, "import { error } from './log/journal.js';", modules=modules)
    assert "    console.error(problem);\n" in got and "    error(problem)" not in got, got


def test_an_exported_value_that_is_no_function_gets_console_error(tmp_path: Path) -> None:
    modules = {"log/journal.js": "export const error = { count: 0 };\n"}
    got = _fixed(tmp_path, "import { error } from './log/journal.js';", modules=modules)
    assert "    console.error(problem);\n" in got, got


def test_a_function_only_called_with_text_gets_console_error(tmp_path: Path) -> None:
    got = _fixed(tmp_path, "import { error } from './log/journal.js';",
                 call="error('request failed');")
    assert "    console.error(problem);\n" in got, got


def test_a_function_called_with_more_than_the_error_gets_console_error(tmp_path: Path) -> None:
    got = _fixed(tmp_path, "import { error } from './log/journal.js';",
                 call="error('request failed', failure);")
    assert "    console.error(problem);\n" in got, got


def test_a_shadowed_name_gets_console_error(tmp_path: Path) -> None:
    # a parameter named `error` elsewhere in the file: the name is not the import everywhere
    imports = "import { error } from './log/journal.js';\n" \
        "export const describe = (error) => String(error);"
    got = _fixed(tmp_path, imports)
    assert "    console.error(problem);\n" in got, got


def test_a_function_the_file_declares_gets_console_error(tmp_path: Path) -> None:
    # the file's own `error` may answer or throw: it is not read, whatever it is called with
    imports = "function error(thing) {\n  process.stderr.write(String(thing));\n}"
    got = _fixed(tmp_path, imports)
    assert "    console.error(problem);\n" in got, got


def test_a_logger_package_function_the_file_calls_with_an_error(tmp_path: Path) -> None:
    got = _fixed(tmp_path, "import { error } from 'loglevel';")
    assert "    error(problem);\n" in got and "console.error" not in got, got


def test_a_logger_object_the_file_calls_error_on_comes_first(tmp_path: Path) -> None:
    modules = {"log/journal.js": JOURNAL + "\nexport const logger = { error };\n"}
    imports = "import { error, logger } from './log/journal.js';\nlogger.error('starting');"
    got = _fixed(tmp_path, imports, modules=modules)
    assert "    logger.error(problem);\n" in got, got


def test_typescript_keeps_console_error_where_the_error_is_not_any(tmp_path: Path) -> None:
    # the function's signature is not read: an error that is not typed `any` gets console.error
    root = tmp_path / "shop"
    (root / "log").mkdir(parents=True)
    (root / "package.json").write_text(
        PACKAGE.replace('"express"', '"typescript": "^5.4.0", "express"'))
    (root / "log" / "journal.js").write_text(JOURNAL)
    source = """\
import { Request, Response, NextFunction } from 'express';
import { error } from './log/journal.js';

export default (failure: Error, req: Request, res: Response, next: NextFunction) => {
  if (process.env.TRACE) {
    error(failure);
  }
  res.status(500).json({ reason: failure.message });
};
"""
    (root / "final.ts").write_text(source)
    plan = fix(root, dry_run=True, select=["error-handler"], unsafe=True).plan
    got = plan.final.get("final.ts", source.encode()).decode()
    assert "  console.error(failure);\n" in got and "reason: 'Internal Server Error'" in got, got


def test_a_function_whose_result_the_file_uses_is_no_logger(tmp_path: Path) -> None:
    """`next(error(failure))` hands on what `error` returns (an HTTP error built from it):
    such a function wraps errors; a call of it as a statement of its own would log nothing."""
    got = _fixed(tmp_path, "import { error } from './log/journal.js';",
                 call="return next(error(failure));")
    assert "    console.error(problem);\n" in got and "    error(problem)" not in got, got
