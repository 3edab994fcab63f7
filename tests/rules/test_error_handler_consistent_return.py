"""The final error handler error-handler's fix writes passes ESLint's ``consistent-return`` (on
in airbnb's configs) with ``padding-line-between-statements``' blank line before a return: it
returns a value on every way out (``return next(err)`` when the headers went out, ``return
res.status(code).json(…)``), never ``return next(err)`` beside an answer that returns nothing
(held-out sample 40: a university's API skeleton on airbnb-base, whose lint failed twice on the
handler). Real ESLint, on CommonJS, ES module and TypeScript apps."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import npm_install, write_tree
from nodeharden import fix

pytestmark = pytest.mark.slow

TOOLS = json.dumps({"name": "lint-tools", "private": True, "devDependencies": {
    "eslint": "^10.15.0", "typescript-eslint": "^8.74.0", "typescript": "^5.9.3"}})

CONFIG = """import tseslint from 'typescript-eslint';

export default [
  { files: ['**/*.{js,cjs,mjs,ts}'],
    rules: { 'consistent-return': 'error', 'no-useless-return': 'error',
             'padding-line-between-statements': ['error',
               { blankLine: 'always', prev: '*', next: 'return' }] } },
  { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' } },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
];
"""

APPS = {
    "cjs": ("app.js", '{"name": "a", "dependencies": {"express": "^4.21.0"}}',
            "const express = require('express');\n"
            "const app = express();\n"
            "app.use(express.json());\n"
            "app.post('/items', (req, res) => res.json({ n: req.body.n }));\n"
            "app.listen(3000);\n"),
    "esm": ("app.mjs", '{"name": "a", "dependencies": {"express": "^5.1.0"}}',
            "import express from 'express';\n"
            "const app = express();\n"
            "app.use(express.json());\n"
            "app.post('/items', (req, res) => res.json({ n: req.body.n }));\n"
            "app.listen(3000);\n"),
    "ts": ("app.ts", '{"name": "a", "dependencies": {"express": "^5.1.0"}, '
                     '"devDependencies": {"@types/express": "^5.0.0"}}',
           "import express, { Request, Response } from 'express';\n"
           "const app = express();\n"
           "app.use(express.json());\n"
           "app.post('/items', (req: Request, res: Response) => {\n"
           "  res.json({ n: req.body.n });\n"
           "});\n"
           "app.listen(3000);\n"),
}


@pytest.fixture(scope="module")
def eslint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("eslint"), {"package.json": TOOLS,
                                                         "eslint.config.mjs": CONFIG})
    npm_install(root)
    return root


@pytest.mark.parametrize("kind", sorted(APPS))
def test_the_fixed_handler_returns_consistently(kind: str, tmp_path: Path, eslint: Path) -> None:
    name, package_json, source = APPS[kind]
    root = write_tree(tmp_path / kind, {"package.json": package_json, name: source})
    fix(root, select=["error-handler"], force=True)
    fixed = (root / name).read_text()
    assert "return next(err);" in fixed and "return res.status(code).json(" in fixed
    target = eslint / name
    target.write_text(fixed)
    proc = subprocess.run(["node", "node_modules/eslint/bin/eslint.js", "--no-warn-ignored",
                           name], cwd=eslint, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The check itself can fail: the old shape of the handler does.
    old_shape = fixed.replace("return res.status(code)", "res.status(code)")
    assert old_shape != fixed
    target.write_text(old_shape)
    proc = subprocess.run(["node", "node_modules/eslint/bin/eslint.js", "--no-warn-ignored",
                           name], cwd=eslint, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "consistent-return" in proc.stdout, proc.stdout
