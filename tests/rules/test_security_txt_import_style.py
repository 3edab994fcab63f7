"""security-txt's ``fs``/``path`` imports in TypeScript follow the project: a default import
of a built-in where the file already default-imports one (or, with no built-in imported, where
tsconfig.json turns on esModuleInterop), a namespace import where the file writes those or
nothing says interop is on; and, in a project whose lint sorts imports by module name
(eslint-plugin-simple-import-sort among its dependencies, turned on by a shared config), each
new import goes where the sort puts it among the built-ins, not after the last of them."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_tree
from nodeharden._api import fix

CONFIG = "security_txt:\n  contact: mailto:security@shop.test\n"
INTEROP = '{\n  "compilerOptions": { "module": "commonjs", "esModuleInterop": true }\n}\n'
PLAIN = '{\n  "compilerOptions": { "module": "commonjs", "strict": true }\n}\n'

SERVER = """import './tracing';

import { createServer } from 'http';
import os from 'os';

import express from 'express';

import api from './api';

const app = express();
app.use('/api', api);

createServer(app).listen(3000, () => console.log(os.hostname()));
"""


def fixed(tmp_path: Path, server: str, *, tsconfig: str = INTEROP,
          dev: dict[str, str] | None = None, extra: dict[str, str] | None = None) -> str:
    package = {"name": "shop", "dependencies": {"express": "^4.21.0"},
               "devDependencies": {"typescript": "^5.6.0", **(dev or {})}}
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps(package), "tsconfig.json": tsconfig,
        ".nodeharden.yml": CONFIG, "src/server.ts": server,
        "src/api.ts": "import { Router } from 'express';\n\nexport default Router();\n",
        "src/tracing.ts": "export {};\n", **(extra or {})})
    fix(root, select=["security-txt"])
    return (root / "src/server.ts").read_text()


def imports_of(code: str) -> list[str]:
    return [line for line in code.split("\n") if line.startswith("import ")]


def test_sorted_project_gets_default_imports_in_sort_order(tmp_path: Path) -> None:
    code = fixed(tmp_path, SERVER, dev={"eslint-plugin-simple-import-sort": "^12.1.0"})
    assert code.startswith("import './tracing';\n\nimport fs from 'fs';\n"
                           "import { createServer } from 'http';\nimport os from 'os';\n"
                           "import path from 'path';\n\nimport express from 'express';\n"), code
    assert "fs.readFileSync(path.join(__dirname, " in code


def test_the_sort_rule_named_in_the_eslint_config_counts_too(tmp_path: Path) -> None:
    code = fixed(tmp_path, SERVER, extra={"eslint.config.mjs": (
        "import simpleImportSort from 'eslint-plugin-simple-import-sort';\n\n"
        "export default [{ plugins: { 'simple-import-sort': simpleImportSort },\n"
        "  rules: { 'simple-import-sort/imports': 'error' } }];\n")})
    assert imports_of(code)[1:5] == ["import fs from 'fs';",
                                     "import { createServer } from 'http';",
                                     "import os from 'os';", "import path from 'path';"], code


def test_unsorted_project_keeps_the_placement_after_the_builtins(tmp_path: Path) -> None:
    code = fixed(tmp_path, SERVER)
    assert imports_of(code)[1:5] == ["import { createServer } from 'http';",
                                     "import os from 'os';", "import fs from 'fs';",
                                     "import path from 'path';"], code


def test_a_file_that_namespace_imports_builtins_gets_namespaces(tmp_path: Path) -> None:
    server = SERVER.replace("import os from 'os';", "import * as os from 'os';")
    code = fixed(tmp_path, server, dev={"eslint-plugin-simple-import-sort": "^12.1.0"})
    assert imports_of(code)[1:5] == ["import * as fs from 'fs';",
                                     "import { createServer } from 'http';",
                                     "import * as os from 'os';",
                                     "import * as path from 'path';"], code


def test_without_interop_or_builtin_imports_the_namespace_form_stays(tmp_path: Path) -> None:
    server = ("import express from 'express';\n\nconst app = express();\n"
              "app.get('/', (req, res) => res.send('ok'));\n\napp.listen(3000);\n")
    assert imports_of(fixed(tmp_path, server, tsconfig=PLAIN))[:2] == [
        "import * as fs from 'fs';", "import * as path from 'path';"]
    assert imports_of(fixed(tmp_path / "b", server))[:2] == [
        "import fs from 'fs';", "import path from 'path';"]
