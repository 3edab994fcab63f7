"""Fixes fitted to the project's TypeScript as they are to its Node version: a package's
release whose type declarations the project's compiler cannot read breaks its build (helmet
6 and later are not found by TypeScript before 4.5: TS2307, measured with each TypeScript
release), so the newest line it reads is written instead (helmet 5), with helmet's options
spelled as that line reads them; generated code with ``import type`` needs TypeScript 3.8.
A JavaScript file's fix is not held to the project's TypeScript."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, write_tree
from nodeharden._applicable import fit_to_runtime
from nodeharden._model import FileChange, Fix, TextEdit
from nodeharden._packagejson import VERSIONS, version_for_node
from nodeharden._runtime import Runtime, detect_runtime

TS_APP = """\
import express from 'express';

const app = express();
app.use((req, res, next) => {
  res.setHeader('X-Frame-Options', 'DENY');
  next();
});
app.get('/', (req, res) => {
  res.send('ok');
});
app.listen(3000);
"""


def package(typescript: str | None, node: str | None = None) -> str:
    data: dict[str, object] = {"name": "ts-app", "dependencies": {"express": "^4.17.1"}}
    if typescript:
        data["devDependencies"] = {"typescript": typescript}
    if node:
        data["engines"] = {"node": node}
    return json.dumps(data)


def test_the_project_typescript_is_the_oldest_its_range_admits(tmp_path: Path) -> None:
    runtime = detect_runtime(tmp_path, json.loads(package("^3.7.2")))
    assert runtime.typescript == (3, 7)
    assert runtime.typescript_source == "package.json devDependencies typescript ^3.7.2"
    assert detect_runtime(tmp_path, json.loads(package(None))).typescript is None
    nested = (("server", json.loads(package("~4.1.0"))),)
    assert detect_runtime(tmp_path, json.loads(package("^5.4.0")), nested=nested).typescript \
        == (4, 1)


def test_version_for_node_also_fits_typescript() -> None:
    assert version_for_node("helmet", None, (3, 7)) == ("^5.1.1", (12, 0))
    assert version_for_node("helmet", (18, 0), (4, 5)) == (VERSIONS["helmet"], (18, 0))
    assert version_for_node("helmet", (10, 0), (3, 7)) == ("^4.6.0", (10, 0))


def helmet_fix(path: str, options: str = "") -> Fix:
    return Fix(title="t", applicability="safe",
               changes=(FileChange(path, (TextEdit(0, 0, f"app.use(helmet({options}));\n"),)),),
               dependencies=(("helmet", VERSIONS["helmet"]),))


def test_an_old_typescript_gets_helmet_5_with_its_option_names() -> None:
    runtime = Runtime(typescript=(3, 7), typescript_source="package.json devDependencies "
                                                           "typescript ^3.7.2")
    problem, fitted = fit_to_runtime(
        helmet_fix("src/index.ts", "{ xFrameOptions: false, strictTransportSecurity: false }"),
        runtime)
    assert problem is None
    assert fitted.dependencies == (("helmet", "^5.1.1"),)
    assert fitted.changes[0].edits[0].content == \
        "app.use(helmet({ frameguard: false, hsts: false }));\n"


def test_a_javascript_fix_is_not_held_to_the_projects_typescript() -> None:
    runtime = Runtime(typescript=(3, 7), typescript_source="package.json")
    problem, fitted = fit_to_runtime(helmet_fix("src/app.js", "{ xFrameOptions: false }"),
                                     runtime)
    assert problem is None and fitted.dependencies == (("helmet", VERSIONS["helmet"]),)
    assert "xFrameOptions" in fitted.changes[0].edits[0].content


def test_an_old_node_renames_the_options_too() -> None:
    problem, fitted = fit_to_runtime(helmet_fix("app.js", "{ xContentTypeOptions: false }"),
                                     Runtime(node=(12, 0), source="engines.node >=12"))
    assert problem is None and fitted.dependencies == (("helmet", "^5.1.1"),)
    assert fitted.changes[0].edits[0].content == "app.use(helmet({ noSniff: false }));\n"
    _, kept = fit_to_runtime(helmet_fix("app.js", "{ xContentTypeOptions: false }"),
                             Runtime(node=(16, 0), source="engines.node >=16"))
    assert kept.dependencies == (("helmet", "^7.2.0"),)  # helmet 6+ reads today's names
    assert "xContentTypeOptions" in kept.changes[0].edits[0].content


def test_import_type_is_declined_before_typescript_3_8() -> None:
    fix = Fix(title="t", applicability="unsafe",
              changes=(FileChange("src/limit.ts", (TextEdit(
                  0, 0, "import type { Request } from 'express';\n"),), create=True),))
    problem, _ = fit_to_runtime(fix, Runtime(typescript=(3, 7), typescript_source="package.json "
                                                                           "devDependencies "
                                                                           "typescript ^3.7.2"))
    assert problem == ("writes `import type`, which needs TypeScript 3.8; the project compiles "
                       "with TypeScript 3.7 (package.json devDependencies typescript ^3.7.2)")
    problem, _ = fit_to_runtime(fix, Runtime(typescript=(3, 8)))
    assert problem is None


def test_fix_writes_helmet_5_in_a_typescript_37_project(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"package.json": package("^3.7.2"), "src/index.ts": TS_APP,
                                 "tsconfig.json": '{"compilerOptions": {"esModuleInterop": true}}'})
    proc = run_cli("fix", root, "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((root / "package.json").read_text())
    assert data["dependencies"]["helmet"] == "^5.1.1"
    source = (root / "src/index.ts").read_text()
    assert "helmet({ frameguard: false })" in source, source
