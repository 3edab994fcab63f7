"""error-handler's fixes declare as the file does: ``var`` (and a function expression, and no
destructuring) in a file that declares with ``var`` only, an ES5 codebase whose linter may
reject ``const``; ``const`` and an arrow wherever the file already uses ``const``/``let``."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from nodeharden._api import fix

Make = Callable[..., Path]

PACKAGE_JSON = '{"name": "app", "dependencies": {"express": "^4.17.0"}}\n'

CATCH_ALL = """
    {decl} express = require('express');

    {decl} app = express();
    app.use(express.json());
    app.post('/items', function (req, res) {{
      res.json(req.body);
    }});
    app.use(function (err, req, res, next) {{
      console.error(err);
      res.status(500).send('failed');
    }});

    module.exports = app;
    """

NO_HANDLER = """
    var express = require('express');
    {extra}
    var app = express();
    app.get('/', function (req, res) {{
      res.send('home');
    }});

    module.exports = app;
    """


def fixed(project: Make, source: str) -> str:
    root = project({"package.json": PACKAGE_JSON, "app.js": source})
    fix(root, select=["error-handler"], force=True)
    out = (root / "app.js").read_text()
    if shutil.which("node"):
        proc = subprocess.run(["node", "--check", str(root / "app.js")], capture_output=True,
                              text=True)
        assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize(("decl", "written"), [("var", "var"), ("const", "const")])
def test_client_status_line_follows_the_file(project: Make, decl: str, written: str) -> None:
    out = fixed(project, CATCH_ALL.format(decl=decl))
    assert f"  {written} clientStatus = Number(err && (err.status || err.statusCode));\n" in out
    if decl == "var":
        assert "const " not in out


def test_added_handler_in_an_es5_file(project: Make) -> None:
    out = fixed(project, NO_HANDLER.format(extra=""))
    assert out.startswith("var http = require('http');\n")
    assert "app.use(function (err, _req, res, next) {\n" in out
    assert "  var reason = http.STATUS_CODES[String(code)] || 'Error';\n" in out
    assert "const " not in out and "=>" not in out and "var {" not in out


def test_added_handler_keeps_clear_of_the_files_own_http(project: Make) -> None:
    # `var http` again would replace the app's own binding, then STATUS_CODES is undefined
    out = fixed(project, NO_HANDLER.format(extra="var http = require('./lib/http-util');\n"))
    assert "var nodeHttp = require('http');\n" in out
    assert "nodeHttp.STATUS_CODES[String(code)]" in out
    assert out.count("var http ") == 1


def test_added_handler_in_a_modern_file_is_unchanged(project: Make) -> None:
    out = fixed(project, NO_HANDLER.format(extra="").replace("var ", "const "))
    assert "const { STATUS_CODES } = require('http');\n" in out
    assert "app.use((err, _req, res, next) => {\n" in out
    assert "  const reason = STATUS_CODES[String(code)] || 'Error';\n" in out
