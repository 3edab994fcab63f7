"""eslint-security with real ESLint 10, eslint-plugin-security 4 and typescript-eslint:

- the flat config created for a TypeScript project lints its .ts files (the security rules
  report on them, nothing fails to parse);
- code that helmet and cookie-flags insert raises no eslint-plugin-security warning and no
  recommended-rule problem on the lines they add.
"""

from __future__ import annotations

import difflib
import json
import subprocess
from pathlib import Path

import pytest

from conftest import CODEMODS, linked_app, npm_install, write_tree
from nodeharden._api import check, fix

TOOLS = """{
  "name": "eslint-tools",
  "private": true,
  "devDependencies": {
    "eslint": "^10.15.0", "@eslint/js": "^10.0.1", "eslint-plugin-security": "^4.1.0",
    "globals": "^17.14.0", "typescript-eslint": "^8.74.0", "typescript": "^5.9.3"
  }
}
"""

TS_PROJECT = {
    "package.json": """{
  "name": "ts-app",
  "type": "module",
  "scripts": {"lint": "eslint ."},
  "dependencies": {"express": "^5.1.0"},
  "devDependencies": {"eslint": "^10.15.0", "typescript": "^5.9.3"}
}
""",
    "tsconfig.json": '{"compilerOptions": {"strict": true, "module": "nodenext"}}\n',
    "src/app.ts": """import express, { Request, Response } from 'express';

const app = express();
app.get('/search', (req: Request, res: Response) => {
  const pattern: RegExp = new RegExp(String(req.query.q));
  res.json({ hit: pattern.test('abc') });
});

export default app;
""",
}

# The project's own rules for this check: recommended JS and security rules everywhere, and
# typescript-eslint's for the TypeScript files (CommonJS fixtures use require()).
LINT_CONFIG = """import js from '@eslint/js';
import pluginSecurity from 'eslint-plugin-security';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default [
  js.configs.recommended,
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: ['**/*.ts'] })),
  pluginSecurity.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs,ts,mts,cts,tsx}'],
    languageOptions: { globals: { ...globals.node } },
  },
];
"""


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("eslint-tools")
    write_tree(base, {"package.json": TOOLS})
    npm_install(base)
    return base


def _eslint(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(root / "node_modules" / ".bin" / "eslint"), *args], cwd=root,
                          capture_output=True, text=True, timeout=300)


def test_created_flat_config_lints_the_typescript_files(tools: Path, tmp_path: Path) -> None:
    root = linked_app(tmp_path / "app", TS_PROJECT, tools)
    before = _eslint(root, "src/app.ts")
    assert before.returncode == 2, before.stdout + before.stderr  # no config: ESLint refuses

    fix(root, select=["eslint-security"], unsafe=True, force=True)
    assert (root / "eslint.config.mjs").exists()
    proc = _eslint(root, ".", "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    results = {Path(r["filePath"]).relative_to(root).as_posix(): r for r in json.loads(proc.stdout)}
    assert "src/app.ts" in results, sorted(results)
    messages = results["src/app.ts"]["messages"]
    assert not [m for m in messages if m.get("fatal")], messages
    assert "security/detect-non-literal-regexp" in {m["ruleId"] for m in messages}
    assert check(root, select=["eslint-security"]).findings == []


def test_project_that_does_not_lint_gets_no_config(tmp_path: Path) -> None:
    files = dict(TS_PROJECT)
    files["package.json"] = '{"name": "x", "dependencies": {"express": "^5.1.0"}}\n'
    root = write_tree(tmp_path / "app", files)
    assert check(root, select=["eslint-security"]).findings == []
    result = fix(root, select=["eslint-security"], unsafe=True, dry_run=True).plan
    assert result.changed_paths() == []


def _inserted_lines(before: str, after: str) -> set[int]:
    lines: set[int] = set()
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines())
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            lines.update(range(j1 + 1, j2 + 1))
    return lines


@pytest.mark.parametrize("rule", ["helmet", "cookie-flags"])
def test_inserted_code_passes_eslint_plugin_security(tools: Path, tmp_path: Path,
                                                     rule: str) -> None:
    files: dict[str, str] = {"eslint.config.mjs": LINT_CONFIG}
    inserted: dict[str, set[int]] = {}
    for case in sorted((CODEMODS / rule / "fixtures").iterdir()):
        for expected in case.glob("expected.*"):
            if expected.suffix not in (".js", ".ts"):
                continue
            source = next(case.glob("input.*")).read_text()
            rel = f"{case.name}/app{expected.suffix}"
            files[rel] = expected.read_text()
            inserted[rel] = _inserted_lines(source, files[rel])
    assert inserted, f"no fixtures of {rule} to lint"
    root = linked_app(tmp_path / "lint", files, tools)
    proc = _eslint(root, ".", "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    problems = []
    for result in json.loads(proc.stdout):
        rel = Path(result["filePath"]).relative_to(root).as_posix()
        for message in result["messages"]:
            if message.get("fatal") or message.get("line") in inserted.get(rel, set()):
                problems.append((rel, message.get("line"), message.get("ruleId"),
                                 message["message"]))
    assert problems == []


def test_the_plugin_fails_a_lint_that_allows_no_warnings(tools: Path, tmp_path: Path) -> None:
    # Why the fix is unsafe there: the project's own lint passes before and fails after.
    root = linked_app(tmp_path / "app", {
        "package.json": json.dumps({
            "name": "strict-lint", "type": "module",
            "scripts": {"lint": "eslint . --max-warnings 0"},
            "dependencies": {"express": "^5.1.0"},
            "devDependencies": {"eslint": "^10.15.0", "@eslint/js": "^10.0.1"}}, indent=2),
        "eslint.config.js": "import js from '@eslint/js';\nimport globals from 'globals';\n\n"
                            "export default [\n  js.configs.recommended,\n"
                            "  { languageOptions: { globals: { ...globals.node } } },\n];\n",
        "app.js": "import express from 'express';\n\n"
                  "export const app = express();\n"
                  "app.get('/find', (req, res) => {\n"
                  "  const pattern = new RegExp(String(req.query.q));\n"
                  "  res.json({ hit: pattern.test('tea') });\n});\n",
    }, tools)
    assert _eslint(root, ".", "--max-warnings", "0").returncode == 0
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fix(root, select=["eslint-security"], dry_run=True).plan.changed_paths() == []
    fix(root, select=["eslint-security"], unsafe=True, force=True)
    after = _eslint(root, ".", "--max-warnings", "0")
    assert after.returncode == 1 and "security/detect-non-literal-regexp" in after.stdout, \
        after.stdout + after.stderr


@pytest.mark.parametrize(("case", "options"), [
    ("flat-sort-imports-by-local-name", {}),
    ("flat-sort-imports-ignore-case", {"ignoreCase": True}),
    ("flat-sort-imports-one-import", {}),
])
def test_new_import_keeps_the_configs_sort_imports_order(tools: Path, tmp_path: Path, case: str,
                                                         options: dict[str, bool]) -> None:
    # The config's own sort-imports passes on the fixed config, and would fail had the new
    # declaration been appended after the last one (what the fix did before).
    folder = CODEMODS / "eslint-security" / "fixtures" / case
    expected = next(folder.glob("expected.*"))
    statement = next(line for line in expected.read_text().splitlines()
                     if "eslint-plugin-security" in line)
    lines = [line for line in expected.read_text().splitlines(keepends=True)
             if statement not in line]
    last = max(i for i, line in enumerate(lines) if line.startswith("import "))
    lines.insert(last + 1, statement + "\n")
    root = linked_app(tmp_path / "lint", {
        f"input{expected.suffix}": next(folder.glob("input.*")).read_text(),
        f"expected{expected.suffix}": expected.read_text(),
        f"appended{expected.suffix}": "".join(lines),
    }, tools)
    rule = json.dumps({"sort-imports": ["error", options]})
    for name, code in (("input", 0), ("expected", 0), ("appended", 1)):
        proc = _eslint(root, "--no-config-lookup", "--rule", rule, f"{name}{expected.suffix}")
        assert proc.returncode == code, (name, proc.stdout + proc.stderr)


def test_added_preset_stays_off_browser_code_and_direction_marks(tools: Path,
                                                                  tmp_path: Path) -> None:
    """The preset the fix adds warns on the server's dynamic require and on a hidden
    override, not on the browser's AMD `require([...])` nor on an e-mail's direction marks."""
    files = {
        "package.json": '{"name": "amd-app", "type": "commonjs", "scripts": {"lint": '
                        '"eslint ."}, "dependencies": {"express": "^5.1.0"}, '
                        '"devDependencies": {"eslint": "^10.15.0", "@eslint/js": "^10.0.1"}}\n',
        "eslint.config.js": "const js = require('@eslint/js');\nconst globals = require("
                            "'globals');\n\nmodule.exports = [\n  js.configs.recommended,\n"
                            "  { languageOptions: { globals: { ...globals.node, "
                            "...globals.browser, ...globals.amd } } },\n];\n",
        "server.js": "const express = require('express');\nconst plugins = require("
                     "'./lib/plugins');\n\nconst app = express();\nplugins.load(app);\n"
                     "app.listen(3000);\n",
        "lib/plugins.js": "exports.load = (app, name = process.env.PLUGIN) => {\n"
                          "  if (name) require(name)(app);\n};\n",
        "lib/mail.js": "exports.pad = () => 'Hello' + '\u200e\u200f'.repeat(4);\n",
        "lib/access.js": "exports.allowed = (who) => who === 'guest\u202e';\n",
        "www/js/main.js": "require(['jquery', window.page], function ($, page) {\n"
                          "  $(page.start);\n});\n",
        "www/js/other.js": "define([window.dep], function (dep) {\n  return dep;\n});\n",
    }
    root = linked_app(tmp_path / "app", files, tools)
    fix(root, select=["eslint-security"], unsafe=True, force=True)
    assert "ignores: ['www/**']" in (root / "eslint.config.js").read_text()
    proc = _eslint(root, ".", "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    warned = {(Path(r["filePath"]).relative_to(root).as_posix(), m["ruleId"])
              for r in json.loads(proc.stdout) for m in r["messages"]}
    assert ("lib/plugins.js", "security/detect-non-literal-require") in warned
    assert ("lib/access.js", "security/detect-bidi-characters") in warned
    assert not {w for w in warned if w[0].startswith("www/") or w[0] == "lib/mail.js"}, warned
