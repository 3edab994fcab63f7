"""One snippet for the template and the fixer: the validation middleware ``nodeharden new``
ships as ``src/validate.js`` is, byte for byte, the module input-validation's fix creates in a
project of the same module system written in the template's style; in another style the fix
writes the project's quotes, semicolons and indentation, and in TypeScript a module that
type-checks under ``strict`` and answers like the template's."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import have_node, npm_env, npm_install, serve_app, write_tree
from nodeharden import _scaffold
from nodeharden._api import fix
from nodeharden._snippets import render_snippet, render_template_file
from nodeharden._style import Style

#: The fixes here write chains for robustness-only fields: the option that reports them.
ROBUSTNESS = "input_validation: {robustness: true}\n"

ROUTE_CJS = """const express = require('express');

const app = express();
app.use(express.json());
app.post('/notes', (req, res) => {
  res.json({ title: req.body.title.trim() });
});

module.exports = app;
"""
ROUTE_ESM = """import express from 'express';

const app = express();
app.use(express.json());
app.post('/notes', (req, res) => {
  res.json({ title: req.body.title.trim() });
});

export default app;
"""


@pytest.fixture(scope="module", autouse=True)
def template_cache(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Keep the versioned template repository out of the user's cache folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NODEHARDEN_TEMPLATE_CACHE", str(tmp_path_factory.mktemp("template-cache")))
        yield


def _fixed_validate(root: Path, files: dict[str, str | bytes]) -> str:
    """Fix ``files`` with input-validation and return the validate module it created."""
    write_tree(root, files)
    fix(root, select=["input-validation"], unsafe=True, force=True)
    return (root / "validate.js").read_text()


@pytest.mark.parametrize("module_system", ["esm", "commonjs"])
def test_fix_creates_the_module_the_template_ships(tmp_path: Path, module_system: str) -> None:
    app = _scaffold.new(tmp_path / "new", data={"module_system": module_system}, defaults=True)
    shipped = (app / "src" / "validate.js").read_text()
    esm = module_system == "esm"
    package = {"name": "legacy", "dependencies": {"express": "^5.1.0"},
               **({"type": "module"} if esm else {})}
    created = _fixed_validate(tmp_path / "fixed", {
        ".nodeharden.yml": ROBUSTNESS,
        "package.json": json.dumps(package), "app.js": ROUTE_ESM if esm else ROUTE_CJS})
    assert created == shipped
    # The template's answer, not the old fixer's `{ errors: [...] }`.
    assert "res.status(400).json({ error: 'Bad Request', fields });" in created
    assert ("export { text, validate };" if esm else "module.exports = { text, validate };") \
        in created


@pytest.mark.parametrize("module_system", ["esm", "commonjs"])
def test_snippet_in_the_default_style_is_the_template_file(module_system: str) -> None:
    style = Style(module="esm" if module_system == "esm" else "commonjs")
    assert render_snippet("validate.js", style) == render_template_file(
        "template/src/validate.js.jinja", module_system=module_system)


def _node_check(path: Path) -> None:
    proc = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(not have_node(), reason="needs node")
def test_fix_writes_the_quotes_jshint_asks_for(tmp_path: Path) -> None:
    created = _fixed_validate(tmp_path, {
        ".nodeharden.yml": ROBUSTNESS,
        "package.json": json.dumps({"name": "legacy", "dependencies": {"express": "^5.1.0"}}),
        ".jshintrc": json.dumps({"quotmark": "double"}),
        "app.js": ROUTE_CJS})
    code = "\n".join(line for line in created.splitlines() if not line.startswith("//"))
    assert "'" not in code, created
    assert 'require("express-validator");' in created
    assert 'res.status(400).json({ error: "Bad Request", fields });' in created
    _node_check(tmp_path / "validate.js")


@pytest.mark.skipif(not have_node(), reason="needs node")
def test_fix_writes_the_files_semicolons_and_indentation(tmp_path: Path) -> None:
    route = ROUTE_ESM.replace(";\n", "\n").replace("\n  ", "\n    ")
    created = _fixed_validate(tmp_path, {
        ".nodeharden.yml": ROBUSTNESS,
        "package.json": json.dumps({"name": "legacy", "type": "module",
                                    "dependencies": {"express": "^5.1.0"}}),
        "app.js": route})
    lines = created.splitlines()
    assert not any(line.endswith(";") for line in lines if not line.startswith("//")), created
    assert "        next()" in lines and "    const result = validationResult(req)" in lines
    assert not any(line.startswith("  ") and not line.startswith("    ") for line in lines)
    assert "export { text, validate }" in lines
    _node_check(tmp_path / "validate.js")


TS_APP = """import express from 'express';
import { body } from 'express-validator';
import { text, validate } from './validate';

const app = express();
app.use(express.json());
app.post('/notes', text(body('title')), validate, (req, res) => {
  res.json({ title: String(req.body.title) });
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
"""


def _post(url: str, payload: object) -> tuple[int, object]:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_typescript_snippet_type_checks_and_answers_like_the_template(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "ts", {
        ".nodeharden.yml": ROBUSTNESS, "package.json": json.dumps({
            "name": "ts-app", "private": True,
            "dependencies": {"express": "^5.1.0", "express-validator": "^7.2.1"},
            "devDependencies": {"@types/express": "^5.0.3", "@types/node": "^22.0.0",
                                "typescript": "^5.9.3"}}) + "\n",
        "tsconfig.json": json.dumps({"compilerOptions": {
            "strict": True, "module": "commonjs", "target": "es2022", "esModuleInterop": True,
            "outDir": "dist", "rootDir": "src", "skipLibCheck": True}}) + "\n",
        "src/app.ts": TS_APP,
        "src/validate.ts": render_snippet("validate.js", Style(typescript=True, module="esm")),
    })
    npm_install(root)
    build = subprocess.run(["npx", "--no-install", "tsc"], cwd=root, env=npm_env(),
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    with serve_app(root, "dist/app.js") as base:
        assert _post(base + "/notes", {"title": "ok"}) == (200, {"title": "ok"})
        assert _post(base + "/notes", {"title": ["a"]}) == (400, {
            "error": "Bad Request",
            "fields": [{"field": "title", "location": "body", "message": "must be a string"}]})
