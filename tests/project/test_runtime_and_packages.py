"""The project's runtime and packages: fixes add dependency versions the project's Node
supports (or are declined with the reason), and a dependency lands in the package.json of the
package whose code needs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, write_tree
from nodeharden._packagejson import NODE_SUPPORT, VERSIONS, version_for_node
from nodeharden._runtime import detect_runtime, lowest_in_range

APP = """\
    const express = require('express');
    const app = express();
    app.get('/', (req, res) => res.send('ok'));
    app.listen(3000);
    """


@pytest.mark.parametrize(("spec", "expected"), [
    (">=14.17.0", (14, 17)),
    ("^18 || ^20", (18, 0)),
    ("14.x", (14, 0)),
    (">= 8", (8, 0)),
    (">=16 <21", (16, 0)),
    ("<=12", None),
    ("*", None),
    ("v20.11.1", (20, 11)),
])
def test_lowest_in_range(spec: str, expected: tuple[int, int] | None) -> None:
    assert lowest_in_range(spec) == expected


def test_the_oldest_declared_runtime_wins(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".nvmrc": "lts/gallium\n",
        "Dockerfile": "FROM node:20-alpine\nCMD [\"node\", \"app.js\"]\n",
        ".github/workflows/ci.yml": """\
            jobs:
              test:
                strategy:
                  matrix:
                    node-version: [14.x, 16.x, 18.x]
                steps:
                  - uses: actions/setup-node@v4
                    with:
                      node-version: ${{ matrix.node-version }}
            """,
        "yarn.lock": "",
    })
    runtime = detect_runtime(tmp_path, {"engines": {"node": ">=16"}}, ("Dockerfile",))
    assert runtime.node == (14, 21)  # setup-node's 14.x is the newest 14
    assert "ci.yml" in runtime.source
    assert runtime.package_manager == "yarn" and runtime.install_command() == "yarn install"


def test_travis_list_and_tool_versions(tmp_path: Path) -> None:
    write_tree(tmp_path, {".travis.yml": "language: node_js\nnode_js:\n  - '10'\n  - '12'\n",
                          ".tool-versions": "nodejs 12.22.0\n"})
    runtime = detect_runtime(tmp_path, None)
    assert runtime.node == (10, 24) and runtime.source == ".travis.yml tests on Node 10"


def test_no_declared_runtime_is_unknown(tmp_path: Path) -> None:
    runtime = detect_runtime(tmp_path, {"name": "x"})
    assert runtime.node is None and runtime.package_manager == "npm"


def test_the_newest_line_of_each_package_is_the_one_written_by_default() -> None:
    for package, lines in NODE_SUPPORT.items():
        assert VERSIONS[package] == lines[0][1], package
        assert [needed for needed, _ in lines] == sorted((n for n, _ in lines), reverse=True)
    assert version_for_node("helmet", (12, 0)) == ("^5.1.1", (12, 0))
    assert version_for_node("helmet", (8, 0)) == (None, (10, 0))


def run_fix(root: Path) -> tuple[str, set[str]]:
    """Run a real ``fix`` of helmet and rate-limit; return its output and the touched files
    (from the dry-run diff, which equals what fix writes)."""
    args = ("--select", "helmet", "--select", "rate-limit", "--unsafe")  # rate-limit: unsafe
    dry = run_cli("fix", root, "--dry-run", *args)
    assert dry.returncode == 0, dry.stderr
    touched = {line.split(" b/", 1)[1] for line in dry.stdout.splitlines()
               if line.startswith("diff --git")}
    proc = run_cli("fix", root, *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout + proc.stderr, touched


def dependencies(root: Path, manifest: str = "package.json") -> dict[str, str]:
    return json.loads((root / manifest).read_text()).get("dependencies", {})


def test_an_old_runtime_gets_versions_it_supports_or_a_declined_fix(project) -> None:
    root = project({
        "package.json": '{"name": "old", "engines": {"node": ">=12"},'
                        ' "dependencies": {"express": "^4.17.0"}}',
        "Dockerfile": "FROM node:12\nCMD [\"node\", \"app.js\"]\n",
        "app.js": APP,
    })
    (root / "yarn.lock").write_text("")
    output, _ = run_fix(root)
    assert dependencies(root) == {"express": "^4.17.0", "helmet": "^5.1.1"}
    assert "then install the added packages (at the root): yarn install" in output
    assert "needs Node 14 for rate-limiter-flexible; the project runs on Node 12" in output


def test_a_current_runtime_gets_the_current_versions(project) -> None:
    root = project({
        "package.json": '{"name": "new", "engines": {"node": ">=22"},'
                        ' "dependencies": {"express": "^5.1.0"}}',
        "app.js": APP,
    })
    run_fix(root)
    versions = dependencies(root)
    assert versions["helmet"] == VERSIONS["helmet"]
    assert versions["rate-limiter-flexible"] == VERSIONS["rate-limiter-flexible"]


def test_a_dependency_lands_in_the_package_of_the_code_that_imports_it(project) -> None:
    root = project({
        "package.json": '{"name": "mono", "private": true, "workspaces": ["server", "client"]}',
        "server/package.json": '{"name": "server", "dependencies": {"express": "^4.21.0"}}',
        "server/src/app.js": APP,
        "client/package.json": '{"name": "client", "dependencies": {"react": "^18.3.0",'
                               ' "vite": "^5.4.0"}}',
        "client/src/api.js": """\
            export const signin = (body) => fetch('/api/signin', { method: 'POST', body });
            """,
    })
    output, touched = run_fix(root)
    assert "then install the added packages (in server/): npm install" in output
    assert dependencies(root, "server/package.json")["helmet"] == VERSIONS["helmet"]
    assert "package.json" not in touched
    assert not any(path.startswith("client/") for path in touched), touched
    assert "server/src/app.js" in touched


def test_a_server_package_below_the_root_declares_the_runtime(project) -> None:
    """The root has no package.json (a repository of examples, a monorepo): the engines of
    the server package count, a front end's do not."""
    root = project({
        "server/package.json": '{"name": "server", "engines": {"node": ">=12"},'
                               ' "dependencies": {"express": "^4.17.0"}}',
        "server/app.js": APP,
        "client/package.json": '{"name": "client", "engines": {"node": ">=8"},'
                               ' "dependencies": {"react": "^18.3.0", "vite": "^5.4.0"}}',
    })
    output, _ = run_fix(root)
    assert dependencies(root, "server/package.json")["helmet"] == "^5.1.1"
    assert "the project runs on Node 12 (server/package.json engines.node >=12)" in output


def test_a_range_the_rule_chose_on_purpose_is_kept_when_the_runtime_supports_it() -> None:
    from nodeharden._fixer import fit_to_runtime
    from nodeharden._model import Fix
    from nodeharden._runtime import Runtime

    fix = Fix(title="t", applicability="safe", changes=(),
              dev_dependencies=(("@eslint/js", "^9.39.5"), ("eslint-plugin-security", "^4.1.0")))
    problem, fitted = fit_to_runtime(fix, Runtime(node=(22, 0), source="engines.node >=22"))
    assert problem is None and fitted.dev_dependencies == fix.dev_dependencies
    problem, _ = fit_to_runtime(fix, Runtime(node=(16, 0), source=".nvmrc 16"))
    assert problem == ("needs Node 18.18 for @eslint/js; the project runs on "
                       "Node 16 (.nvmrc 16)")


ESLINT_LEGACY = "module.exports = {\n  extends: ['eslint:recommended'],\n};\n"


@pytest.mark.parametrize("package_json,reason", [
    # (eslint-security, the example before, now says nothing where its plugin cannot run.)
    ('{"name": "old", "engines": {"node": ">=10"}, "dependencies": {"express": "^4.17.0"}}',
     "not fixed: needs Node 14 for rate-limiter-flexible; the project runs on Node 10 "
     "(engines.node >=10)"),
], ids=["runtime"])
def test_check_does_not_call_fixable_what_fix_declines(tmp_path: Path, package_json: str,
                                                       reason: str) -> None:
    from nodeharden import check, fix

    root = write_tree(tmp_path / "p", {"package.json": package_json,
                                       "app.js": "const express = require('express');\n"
                                                 "const app = express();\napp.listen(3000);\n"})
    [finding] = check(root, select=["rate-limit"]).findings
    assert finding.fix is None and finding.message.endswith(reason), finding.message
    text = run_cli("check", root, "--select", "rate-limit")
    assert "0 fixable" in text.stdout and "(fixable)" not in text.stdout
    planned = fix(root, select=["rate-limit"], dry_run=True)
    assert planned.applied == []


def test_check_keeps_fixable_what_fix_writes(tmp_path: Path) -> None:
    from nodeharden import check

    root = write_tree(tmp_path / "p", {
        "package.json": '{"name": "new", "engines": {"node": ">=20"}, '
                        '"dependencies": {"express": "^5.1.0"}, "devDependencies": '
                        '{"eslint": "^8.57.0"}}',
        ".eslintrc.js": ESLINT_LEGACY,
        "app.js": "const express = require('express');\nconst app = express();\n"})
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None and "not fixed" not in finding.message


def test_check_says_a_fix_needs_a_package_json_that_parses(tmp_path: Path) -> None:
    from nodeharden import check

    root = write_tree(tmp_path / "p", {
        "package.json": '{"name": "broken", "dependencies": {"express": "^4.21.0"},}',
        "app.js": "const express = require('express');\nconst app = express();\n"
                  "app.listen(3000);\n"})
    found = [f for f in check(root, select=["helmet"]).findings if f.rule == "helmet"]
    assert found and all(f.fix is None for f in found)
    assert "package.json is not a valid JSON object" in found[0].message


def test_a_finding_another_declined_fix_was_to_cover_says_it_is_not_fixed(project) -> None:
    """Two apps in one package: the second app's rate-limit finding says the first one's fix
    adds the limiter there too; where that fix is declined (Node 10 cannot run
    rate-limiter-flexible), both say so, and neither points at a fix (held-out sample 40: a
    university's API skeleton on Node 10 with a public and an admin app)."""
    from nodeharden import check

    root = project({
        "package.json": '{"name": "old", "engines": {"node": "^10.13"},'
                        ' "dependencies": {"express": "^4.17.0"}}',
        "app.js": "const express = require('express');\n"
                  "const app = express();\n"
                  "const adminApp = express();\n"
                  "app.get('/', (req, res) => res.send('hi'));\n"
                  "adminApp.get('/', (req, res) => res.send('admin'));\n"
                  "app.listen(8080);\n"
                  "adminApp.listen(8081);\n",
    })
    findings = check(root, select=["rate-limit"]).findings
    assert [(f.line, f.fix) for f in findings] == [(2, None), (3, None)]
    for finding in findings:
        assert finding.message.endswith(
            "; not fixed: needs Node 14 for rate-limiter-flexible; the project runs on Node 10.13 "
            "(engines.node ^10.13)"), finding.message
        assert "the fix of the finding at" not in finding.message
