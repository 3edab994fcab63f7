"""One resolver of relative imports for every rule that follows code across files
(``ProjectContext.resolve_import``), as Node and TypeScript resolve them."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden._config import load_config
from nodeharden._project import load_project
from nodeharden._scan import Scanner


def context(root: Path):  # type: ignore[no-untyped-def]
    from nodeharden.rules import ProjectContext

    scanner = Scanner(load_project(root), load_config(root), ["error-handler"], jobs=1)
    result = scanner.scan()
    return ProjectContext(info=scanner.info, files=result.files, facts=result.facts,
                          styles=result.styles,
                          read=lambda rel: (root / rel).read_bytes()
                          if (root / rel).is_file() else None,
                          package_json_text=(root / "package.json").read_text())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_tree(tmp_path, {
        "package.json": '{"name": "p", "dependencies": {"express": "^5.1.0"}}\n',
        "src/app.js": "const express = require('express');\nmodule.exports = express();\n",
        "src/models/user.model.js": "module.exports = {};\n",
        "src/routes/index.js": "module.exports = {};\n",
        "src/lib/errors.ts": "export class HttpError extends Error {}\n",
        "src/lib/helpers.mjs": "export const x = 1;\n",
    })


@pytest.mark.parametrize("importer, spec, expected", [
    ("src/app.js", "./models/user.model", "src/models/user.model.js"),  # a dotted file name
    ("src/app.js", "./models/user.model.js", "src/models/user.model.js"),
    ("src/app.js", "./routes", "src/routes/index.js"),
    ("src/app.js", "./lib/errors.js", "src/lib/errors.ts"),  # TypeScript's ESM spelling
    ("src/app.js", "./lib/errors", "src/lib/errors.ts"),
    ("src/app.js", "./lib/helpers.mjs", "src/lib/helpers.mjs"),
    ("src/routes/index.js", "../app", "src/app.js"),
    ("src/app.js", "express", None),  # a package
    ("src/app.js", "./missing", None),
])
def test_relative_imports_resolve_as_node_and_typescript_do(project: Path, importer: str,
                                                            spec: str,
                                                            expected: str | None) -> None:
    assert context(project).resolve_import(importer, spec) == expected
