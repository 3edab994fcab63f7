"""security-txt's inserted reader, run by real Node with Express from the npm registry: after
``fix``, GET /.well-known/security.txt answers 200 text/plain with the file, in CommonJS and
in ESM (where the path is built from ``fileURLToPath(import.meta.url)``, which
eslint-plugin-security accepts as static), whatever folder the server is started from."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from conftest import linked_app, npm_install, serve_app, write_tree
from nodeharden._api import fix

pytestmark = pytest.mark.slow

CONFIG = "security_txt:\n  contact: security@acme.test\n"

LISTEN = ("const server = app.listen(0, '127.0.0.1', () => "
          "console.log(`listening ${server.address().port}`));\n")
APPS = {
    "commonjs": ({"package.json": '{"name": "a", "dependencies": {"express": "^5.1.0"}}\n'},
                 "const express = require('express');\nconst config = require('./config');\n\n"
                 "const app = express();\napp.get('/', (req, res) => res.send(config.name));\n\n"
                 + LISTEN),
    "esm": ({"package.json": '{"name": "a", "type": "module", '
                             '"dependencies": {"express": "^5.1.0"}}\n'},
            "import express from 'express';\nimport config from './config.js';\n\n"
            "const app = express();\napp.get('/', (req, res) => res.send(config.name));\n\n"
            + LISTEN),
}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("express")
    write_tree(base, {"package.json": '{"name": "x", "dependencies": {"express": "^5.1.0"}}\n'})
    npm_install(base)
    return base


@pytest.mark.parametrize("kind", sorted(APPS))
def test_fixed_app_serves_security_txt(installed: Path, tmp_path: Path, kind: str) -> None:
    files, app = APPS[kind]
    config = ("module.exports = { name: 'demo' };\n" if kind == "commonjs"
              else "export default { name: 'demo' };\n")
    root = linked_app(tmp_path / "app", {**files, ".nodeharden.yml": CONFIG,
                                         "src/app.js": app, "src/config.js": config}, installed)
    fix(root, select=["security-txt"])
    fixed = (root / "src/app.js").read_text()
    assert "readFileSync(" in fixed and "new URL(" not in fixed, fixed
    # Built-ins before the project's own modules (eslint-plugin-import's import/order).
    assert fixed.index("'fs'") < fixed.index("./config")
    txt = (root / ".well-known/security.txt").read_text()
    assert "Contact: mailto:security@acme.test" in txt
    with serve_app(root / "src", "app.js") as base:  # started from another folder
        with urllib.request.urlopen(base + "/.well-known/security.txt", timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            assert response.read().decode() == txt
