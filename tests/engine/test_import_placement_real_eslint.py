"""New imports pass eslint-plugin-import-x's ``first`` and ``order`` rules (what
eslint-config-react-app and airbnb enforce as ``import/first``): real ESLint lints files the
import service changed, in the shapes of held-out apps (imports, then
``require('dotenv').config()`` or ``const x = require(...)``, then code; TypeScript's
``import x = require()``; code before the requires, under ``newline-after-var``). Each input
is clean before the edit, so a problem is the edit's."""

from __future__ import annotations

import json
import posixpath
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import npm_install, write_tree
from nodeharden._express import extract_facts
from nodeharden._parse import parse
from nodeharden._project import JS_SUFFIXES
from nodeharden._style import detect_style, module_kind_for
from nodeharden._textedit import apply_edits
from nodeharden.rules._edits import ImportRequest, add_imports

pytestmark = pytest.mark.slow

TOOLS = """{
  "name": "import-first-tools",
  "private": true,
  "devDependencies": {
    "eslint": "^10.15.0", "typescript-eslint": "^8.74.0", "typescript": "^5.9.3",
    "eslint-plugin-import-x": "^4.18.1", "eslint-import-resolver-node": "^0.3.9"
  }
}
"""

CONFIG = """import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default [
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  { files: ['**/*.{js,cjs,mjs,ts}'], plugins: { 'import-x': importX },
    rules: { 'import-x/first': 'error', 'import-x/order': 'error' } },
  { files: ['**/*.cjs'], rules: { 'newline-after-var': 'error' } },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
];
"""

REQUESTS = (ImportRequest("node:http", names=("STATUS_CODES",)),
            ImportRequest("helmet", default="helmet"),
            ImportRequest("./middleware/rate-limit", names=("rateLimiter",)))

#: name -> source; each is clean under import-x/first and import-x/order as it is.
INPUTS = {
    "dotenv-after-imports.ts": (
        'import { join } from "path";\nimport express from "express";\n\n'
        'import auth from "./auth";\n\nrequire("dotenv").config();\n\n'
        'const app = express();\napp.use(auth);\nconsole.log(join("a"));\n'),
    "require-after-imports.ts": (
        'import express from "express";\nimport { getUser } from "./database";\n\n'
        'const LocalStrategy = require("passport-local").Strategy;\n'
        'const router = express.Router();\nconsole.log(getUser, LocalStrategy, router);\n'),
    "import-equals.ts": (
        'import express from "express";\nimport cors = require("cors");\n\n'
        'const app = express();\napp.use(cors());\n'),
    # mediasoup-demo's shape: code before the requires, and ESLint's newline-after-var.
    "code-before-requires.cjs": (
        "#!/usr/bin/env node\n\nprocess.title = 'demo';\n\n"
        "const fs = require('fs');\n\nconsole.log(fs.existsSync('x'));\n\n"
        "const express = require('express');\nconst Logger = require('./lib/Logger');\n\n"
        "const logger = new Logger();\n\nfunction run() {\n  const app = express();\n\n"
        "  app.listen(3000);\n}\n\nrun();\nconsole.log(logger);\n"),
    "dotenv-after-imports.mjs": (
        "import express from 'express';\n\nrequire('dotenv').config();\n\n"
        "const app = express();\nconsole.log(app);\n"),
}


def _edit(rel: str, source: str) -> str:
    data = source.encode()
    lang = JS_SUFFIXES[posixpath.splitext(rel)[1]]
    module = module_kind_for(rel, "commonjs", data)
    facts = extract_facts(lang, data, parse(lang, data).root_node, rel, module)
    style = detect_style(data, module=module, typescript=lang != "javascript")
    return apply_edits(data, add_imports(data, facts, style, list(REQUESTS)).edits).decode()


def _lint(tools: Path, root: Path) -> dict[str, list[dict[str, Any]]]:
    (root / "eslint.config.mjs").write_text(CONFIG)
    (root / "node_modules").symlink_to(tools / "node_modules")
    proc = subprocess.run([str(tools / "node_modules" / ".bin" / "eslint"), ".", "--format",
                           "json", "--no-warn-ignored"], cwd=root, capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-3000:]
    return {Path(r["filePath"]).name: r["messages"] for r in json.loads(proc.stdout)}


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("import-first-tools")
    write_tree(base, {"package.json": TOOLS})
    npm_install(base)
    return base


def test_new_imports_pass_import_first_and_order(tools: Path, tmp_path: Path) -> None:
    before = _lint(tools, write_tree(tmp_path / "before", dict(INPUTS)))
    assert all(not messages for messages in before.values()), before  # clean inputs
    outputs = {name: _edit(name, source) for name, source in INPUTS.items()}
    assert all(outputs[name] != INPUTS[name] for name in INPUTS)
    # The require joins the file's block of packages, not the top above `process.title`.
    assert "const express = require('express');\nconst helmet = require('helmet');\n" \
        in outputs["code-before-requires.cjs"]
    after = _lint(tools, write_tree(tmp_path / "after", outputs))
    assert set(after) >= set(INPUTS)
    problems = {name: [(m.get("ruleId"), m.get("line"), m["message"]) for m in messages]
                for name, messages in after.items() if messages}
    assert not problems, (problems, outputs)
