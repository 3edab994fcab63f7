"""The final error handler error-handler's fix writes passes ESLint's ``consistent-return`` (on
in airbnb's configs) with ``padding-line-between-statements``' blank line before a return, and
TypeScript's check against Express 5's types: no way out returns a value (``next(err);
return;`` when the headers went out, then the answer), never ``return next(err)`` beside an
answer that returns nothing (held-out sample 40: a university's API skeleton on airbnb-base,
whose lint failed twice on the handler), nor ``return res.status(code).json(…)``, which
@types/express 5 refuses where the handler is app.use's argument (TS2769; held-out sample 41:
express-prisma-api's build). Real ESLint and tsc, on CommonJS, ES module and TypeScript apps."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import npm_install, write_tree
from nodeharden import fix

pytestmark = pytest.mark.slow

TOOLS = json.dumps({"name": "lint-tools", "private": True, "devDependencies": {
    "eslint": "^10.15.0", "typescript-eslint": "^8.74.0", "typescript": "^5.9.3",
    "express": "^5.1.0", "@types/express": "^5.0.0", "@types/node": "^20.0.0",
    # the types of express-prisma-api's lockfile: 5.0's handlers return void (5.1 relaxed it to
    # unknown), which a handler returning its answer fails
    "@types/express-serve-static-core": "5.0.6"}})

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


def _eslint(root: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["node", "node_modules/eslint/bin/eslint.js", "--no-warn-ignored",
                           name], cwd=root, capture_output=True, text=True, timeout=300)


def _tsc(root: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["node", "node_modules/typescript/bin/tsc", "--noEmit", "--strict",
                           "--esModuleInterop", "--skipLibCheck", "--module", "commonjs",
                           "--target", "es2022", "--types", "node", name],
                          cwd=root, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("kind", sorted(APPS))
def test_the_fixed_handler_returns_consistently(kind: str, tmp_path: Path, eslint: Path) -> None:
    name, package_json, source = APPS[kind]
    root = write_tree(tmp_path / kind, {"package.json": package_json, name: source})
    fix(root, select=["error-handler"], force=True)
    fixed = (root / name).read_text()
    if kind == "ts":  # tsc checks it: no way out returns a value
        early = "next(err);\n\n      return;\n"
        assert early in fixed and "  res.status(code).json(" in fixed
        assert "return next(err)" not in fixed and "return res.status" not in fixed
    else:  # every way out does
        early = "return next(err);\n"
        assert early in fixed and "return res.status(code).json(" in fixed
    target = eslint / name
    target.write_text(fixed)
    proc = _eslint(eslint, name)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The check itself can fail: a handler that returns next(err) and answers without a
    # return does.
    inconsistent = fixed.replace("\n\n      return;", "").replace(
        "next(err);", "return next(err);").replace("return return", "return").replace(
        "return res.status(code)", "res.status(code)")
    assert inconsistent != fixed and "return next(err);" in inconsistent
    target.write_text(inconsistent)
    proc = _eslint(eslint, name)
    assert proc.returncode == 1 and "consistent-return" in proc.stdout, proc.stdout
    if kind == "ts":
        target.write_text(fixed)
        proc = _tsc(eslint, name)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        # Returning the answer (the JavaScript shape) fails Express 5's types.
        returning = fixed.replace(early, "return next(err);\n").replace(
            "  res.status(code).json(", "  return res.status(code).json(")
        target.write_text(returning)
        proc = _tsc(eslint, name)
        assert proc.returncode != 0 and "TS2769" in proc.stdout, proc.stdout
