"""error-handler: "this error handler answers 5xx to every error" is about the client errors
body parsers and http-errors hand it (413, 400 malformed JSON). It is reported only when the
handler's package has such a source: express.json/urlencoded/raw/text, body-parser, multer,
http-errors (createError), express-jwt, csurf… in any of its files. An app that parses no
bodies gets no 4xx from them to keep."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_json, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0"}}'

HANDLER = """\
app.use((err, req, res, next) => {
  console.error(err);
  res.status(500).json({ error: true });
});
"""


def five_xx_lines(root: Path) -> list[tuple[str, int]]:
    report = check_json(root, "--select", "error-handler")
    return sorted((f["path"], f["line"]) for f in report["findings"]
                  if "answers 5xx to every error" in f["message"])


def app_js(setup: str) -> str:
    return ("const express = require('express');\n"
            f"{setup}\n"
            "const app = express();\n"
            "app.use('/api', api);\n"
            f"{HANDLER}"
            "module.exports = app;\n")


@pytest.mark.parametrize("api", [
    "module.exports = require('express').Router().post('/x', (req, res) => res.end());\n",
    "const { Router } = require('express');\nconst r = Router();\n"
    "r.get('/x', (req, res) => res.sendFile('/srv/x'));\nmodule.exports = r;\n",
], ids=["no-body", "static-files"])
def test_an_app_with_no_client_error_source_is_not_reported(tmp_path: Path, api: str) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE,
                                       "app.js": app_js("const api = require('./api');"),
                                       "api.js": api})
    assert five_xx_lines(root) == []


@pytest.mark.parametrize("api", [
    "const express = require('express');\nconst r = express.Router();\n"
    "r.post('/x', express.json(), (req, res) => res.end());\nmodule.exports = r;\n",
    "const bodyParser = require('body-parser');\nconst r = require('express').Router();\n"
    "r.use(bodyParser.urlencoded({ extended: false }));\nmodule.exports = r;\n",
    "import createError from 'http-errors';\nimport { Router } from 'express';\n"
    "const r = Router();\nr.get('/x', (req, res, next) => next(createError(404)));\n"
    "export default r;\n",
    "const multer = require('multer');\nconst r = require('express').Router();\n"
    "r.post('/up', multer().single('f'), (req, res) => res.end());\nmodule.exports = r;\n",
    "import { json } from 'express';\nexport const parse = json();\n",
    "module.exports = require('express').urlencoded({ extended: false });\n",
], ids=["express-json", "body-parser", "http-errors", "multer", "named-parser", "inline-require"])
def test_a_client_error_source_in_another_file_of_the_package_keeps_it(
        tmp_path: Path, api: str) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE,
                                       "app.js": app_js("const api = require('./api');"),
                                       "api.js": api})
    assert five_xx_lines(root) == [("app.js", 7)]


def test_a_parser_in_the_handlers_own_file_keeps_it(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": (
        "const express = require('express');\n"
        "const app = express();\n"
        "app.use(express.json());\n"
        f"{HANDLER}")})
    assert five_xx_lines(root) == [("app.js", 6)]


def test_a_parser_of_another_package_does_not_count(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "mono", {
        "package.json": '{"name": "mono", "private": true}',
        "server/package.json": PACKAGE,
        "server/app.js": app_js("const api = (req, res) => res.end();"),
        "proxy/package.json": PACKAGE,
        "proxy/index.js": ("const express = require('express');\n"
                           "const app = express();\n"
                           "app.use(express.urlencoded({ extended: false, limit: '10kb' }));\n"
                           "app.post('/login', (req, res) => res.end());\n"
                           "app.use((err, req, res, next) => {\n"
                           "  console.error(err);\n"
                           "  res.status(err.status || 500).end();\n"
                           "});\n"
                           "app.listen(3000);\n")})
    assert five_xx_lines(root) == []
