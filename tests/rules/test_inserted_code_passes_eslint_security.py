"""Code nodeharden inserts passes eslint-plugin-security (issue 15, eslint-security bullet)
and puts its imports where ``import/order`` wants them (issue 14, one import service).

Every fixture's expected output (``codemods/*/fixtures/*/expected.*``, JavaScript and
TypeScript), and every JavaScript/TypeScript file a fixture creates (``expected_files`` in its
case.yml), is linted by real ESLint with eslint-plugin-security's recommended rules only
(typescript-eslint's parser for TypeScript, plus ``@typescript-eslint/no-explicit-any`` there:
an inserted ``any`` defeats the project's own type checking), and separately with
eslint-plugin-import-x's ``order`` rule at its defaults (built-ins, then packages, then the
project's own files; airbnb's config fails a ``require('node:fs')`` after a local require). A
problem on a line that differs from the fixture's input, or a file that fails to parse, fails
the test.
"""

from __future__ import annotations

import difflib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import CODEMODS, npm_install, write_tree
from nodeharden._style import module_kind_for

pytestmark = pytest.mark.slow

TOOLS = """{
  "name": "eslint-security-tools",
  "private": true,
  "devDependencies": {
    "eslint": "^10.15.0", "@eslint/js": "^10.0.1", "eslint-plugin-security": "^4.1.0",
    "globals": "^17.14.0", "typescript-eslint": "^8.74.0", "typescript": "^5.9.3",
    "eslint-plugin-import-x": "^4.18.1", "eslint-import-resolver-node": "^0.3.9"
  }
}
"""

# eslint-plugin-security's recommended rules everywhere; Node's globals (``__dirname`` is a
# static path only when ESLint knows it); typescript-eslint's parser for TypeScript.
LINT_CONFIG = """import pluginSecurity from 'eslint-plugin-security';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default [
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  pluginSecurity.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs,ts,mts,cts}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.{ts,mts,cts}'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
];
"""

# import-x's order rule at its defaults, alone (the security rules are checked above).
ORDER_CONFIG = """import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default [
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  { plugins: { 'import-x': importX }, rules: { 'import-x/order': 'error' } },
  { files: ['**/*.{ts,mts,cts}'], languageOptions: { parser: tseslint.parser } },
];
"""

JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")


def _changed_lines(before: str, after: str) -> set[int]:
    """Return the 1-based lines of ``after`` that are not in ``before`` (inserted or replaced)."""
    lines: set[int] = set()
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(),
                                      autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            lines.update(range(j1 + 1, j2 + 1))
    return lines


def _lint_name(rel: str, text: str, package_json: object) -> str:
    """Return the file name the linted copy gets: a ``.js`` file becomes ``.cjs`` or ``.mjs`` as
    Node would run it, so ESLint parses it with the right source type. A config the fixture
    writes (``eslint.config.mjs``) is renamed, or ESLint would load it as its folder's config."""
    folder, _, base = rel.rpartition("/")
    if base.startswith("eslint.config."):
        base = base.replace("eslint.config.", "written-eslint-config.", 1)
        rel = f"{folder}/{base}" if folder else base
    if not rel.endswith(".js"):
        return rel
    data = json.loads(package_json) if isinstance(package_json, str) else package_json
    esm_project = isinstance(data, dict) and data.get("type") == "module"
    kind = module_kind_for(rel, "esm" if esm_project else "commonjs", text.encode())
    return rel[:-3] + (".mjs" if kind == "esm" else ".cjs")


def fixture_outputs() -> dict[str, tuple[str, set[int], str]]:
    """Return lint path → (text, changed lines, fixture) for every JS/TS output of every
    fixture that nodeharden changes or creates."""
    out: dict[str, tuple[str, set[int], str]] = {}
    yaml = YAML(typ="safe")
    for case in sorted(p for p in CODEMODS.glob("*/fixtures/*") if p.is_dir()):
        meta_path = case / "case.yml"
        meta = (yaml.load(meta_path.read_text()) or {}) if meta_path.exists() else {}
        package_json = meta.get("package_json")
        label = f"{case.parent.parent.name}/{case.name}"
        for expected in sorted(case.glob("expected.*")):
            if expected.suffix not in JS_SUFFIXES:
                continue
            source = next(case.glob("input.*")).read_text()
            after = expected.read_text()
            rel = meta.get("path") or f"app{expected.suffix}"
            name = f"{label}/{_lint_name(rel, after, package_json)}"
            out[name] = (after, _changed_lines(source, after), label)
        inputs = meta.get("files") or {}
        for rel, after in (meta.get("expected_files") or {}).items():
            if not rel.endswith(JS_SUFFIXES):
                continue
            name = f"{label}/{_lint_name(rel, after, package_json)}"
            out[name] = (after, _changed_lines(inputs.get(rel, ""), after), label)
    return out


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("eslint-security-tools")
    write_tree(base, {"package.json": TOOLS})
    npm_install(base)
    return base


def _lint(tools: Path, root: Path, config: str = LINT_CONFIG) -> list[dict[str, Any]]:
    (root / "eslint.config.mjs").write_text(config)
    (root / "node_modules").symlink_to(tools / "node_modules")
    proc = subprocess.run([str(tools / "node_modules" / ".bin" / "eslint"), ".", "--format",
                           "json", "--no-warn-ignored"], cwd=root, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-3000:]
    results: list[dict[str, Any]] = json.loads(proc.stdout)
    return results


def test_fixture_outputs_are_found() -> None:
    outputs = fixture_outputs()
    rules = {label.split("/")[0] for _, _, label in outputs.values()}
    assert {"helmet", "error-handler", "security-txt", "rate-limit",
            "hardcoded-secret"} <= rules, sorted(rules)
    assert any(name.endswith(".ts") for name in outputs)
    assert any(name.endswith(".mjs") for name in outputs)
    assert any(name.endswith(".cjs") for name in outputs)


def test_every_inserted_line_passes_eslint_plugin_security(tools: Path, tmp_path: Path) -> None:
    outputs = fixture_outputs()
    root = write_tree(tmp_path / "lint",
                      {name: text.encode() for name, (text, _, _) in outputs.items()})
    results = _lint(tools, root)
    linted = set()
    problems = []
    for result in results:
        name = Path(str(result["filePath"])).relative_to(root).as_posix()
        linted.add(name)
        if name not in outputs:
            continue
        _, changed, _ = outputs[name]
        for message in result["messages"]:
            if message.get("fatal") or message.get("line") in changed:
                problems.append(f"{name}:{message.get('line')} {message.get('ruleId')}: "
                                f"{message['message']}")
    assert set(outputs) <= linted, sorted(set(outputs) - linted)
    assert problems == [], "\n".join(problems)


def test_every_inserted_import_is_in_import_order(tools: Path, tmp_path: Path) -> None:
    outputs = fixture_outputs()
    root = write_tree(tmp_path / "lint",
                      {name: text.encode() for name, (text, _, _) in outputs.items()})
    problems = []
    for result in _lint(tools, root, ORDER_CONFIG):
        name = Path(str(result["filePath"])).relative_to(root).as_posix()
        changed = outputs[name][1] if name in outputs else set()
        for message in result["messages"]:
            if message.get("fatal") or message.get("line") in changed:
                problems.append(f"{name}:{message.get('line')} {message.get('ruleId')}: "
                                f"{message['message']}")
    assert problems == [], "\n".join(problems)


def test_import_order_reports_a_builtin_after_a_local_require(tools: Path,
                                                              tmp_path: Path) -> None:
    source = "const config = require('./config');\nconst fs = require('node:fs');\n"
    root = write_tree(tmp_path / "lint", {"app.cjs": source.encode()})
    [result] = [r for r in _lint(tools, root, ORDER_CONFIG)
                if Path(str(r["filePath"])).name == "app.cjs"]
    assert [(m["line"], m["ruleId"]) for m in result["messages"]] == [(2, "import-x/order")]


def test_the_lint_reports_an_inserted_problem(tools: Path, tmp_path: Path) -> None:
    """The harness itself: a non-literal readFileSync and a TypeScript ``any`` are reported on
    the changed lines, and nothing on the unchanged ones."""
    before = "const fs = require('fs');\n"
    after = before + "module.exports = (name) => fs.readFileSync(name);\n"
    ts = "export const f = (x: any): number => x;\n"
    root = write_tree(tmp_path / "lint", {"a/app.cjs": after, "b/app.ts": ts})
    results = {Path(str(r["filePath"])).relative_to(root).as_posix(): r
               for r in _lint(tools, root)}
    rules_a = {(m["line"], m["ruleId"]) for m in results["a/app.cjs"]["messages"]}
    assert rules_a == {(2, "security/detect-non-literal-fs-filename")}
    assert _changed_lines(before, after) == {2}
    rules_b = {m["ruleId"] for m in results["b/app.ts"]["messages"]}
    assert rules_b == {"@typescript-eslint/no-explicit-any"}
