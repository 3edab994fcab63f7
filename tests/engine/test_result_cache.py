"""``check``'s per-file result cache (``.nodeharden_cache/``): a warm run reports exactly what a
cold one does, and a changed file, config, version, rule selection or nodeharden code is never
answered from old results."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli, write_tree
from nodeharden import _resultcache
from nodeharden._api import make_scanner

APP = {
    "package.json": '{"name": "a", "version": "1.0.0", "dependencies": {"express": "^5.1.0", '
                    '"mysql2": "^3.0.0"}}\n',
    "src/app.js": "const express = require('express');\nconst app = express();\n"
                  "app.use(express.json());\napp.use(require('./routes'));\napp.listen(3000);\n",
    "src/routes.js": "const express = require('express');\nconst db = require('./db');\n"
                     "const router = express.Router();\n"
                     "router.get('/u/:id', (req, res) => {\n"
                     "  db.query('SELECT * FROM u WHERE id = ' + req.params.id, (e, r) => "
                     "res.json(r));\n});\nmodule.exports = router;\n",
    "src/db.js": "const mysql = require('mysql2');\nmodule.exports = mysql.createPool({});\n",
}


def _scan(root: Path, **options):  # type: ignore[no-untyped-def]
    scanner = make_scanner(root, jobs=1, cache=True, **options)
    result = scanner.scan()
    return scanner.cache_hits, [(f.rule, f.path, f.line, f.message) for f in result.findings]


def _cold(root: Path, **options):  # type: ignore[no-untyped-def]
    result = make_scanner(root, jobs=1, **options).scan()
    return [(f.rule, f.path, f.line, f.message) for f in result.findings]


@pytest.fixture
def app(tmp_path: Path) -> Path:
    _resultcache.code_fingerprint.cache_clear()
    return write_tree(tmp_path / "app", APP)


def test_a_warm_run_reuses_every_file_and_reports_what_a_cold_run_does(app: Path) -> None:
    hits, first = _scan(app)
    assert hits == 0 and ("sql-injection", "src/routes.js", 5) in [f[:3] for f in first]
    hits, second = _scan(app)
    assert hits == 3 and second == first == _cold(app)
    folder = app / ".nodeharden_cache"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(list(folder.glob("scans-*.pickle"))) == 1


def test_the_command_line_reports_the_same_with_and_without_the_cache(app: Path) -> None:
    runs = [run_cli("check", app, "--format", "json", *extra)
            for extra in ((), (), ("--no-cache",))]
    assert {proc.returncode for proc in runs} == {1}
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    sarif = [run_cli("check", app, "--format", "sarif", *extra).stdout
             for extra in ((), ("--no-cache",))]
    assert sarif[0] == sarif[1]


def test_no_cache_neither_reads_nor_writes_one(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", APP)
    proc = run_cli("check", root, "--no-cache", "--format", "json")
    assert proc.returncode == 1 and not (root / ".nodeharden_cache").exists()


def test_a_changed_file_is_scanned_again(app: Path) -> None:
    _, before = _scan(app)
    routes = app / "src/routes.js"
    routes.write_text(routes.read_text().replace(
        "'SELECT * FROM u WHERE id = ' + req.params.id,", "'SELECT * FROM u WHERE id = ?', "
        "[req.params.id],"))
    hits, after = _scan(app)
    assert hits == 2  # app.js and db.js only
    assert after == _cold(app) and after != before
    assert "sql-injection" not in {f[0] for f in after}
    # Back to the old bytes: the old entry is gone (only this run's scans are kept) and the
    # file is scanned again, not answered from the state before the edit.
    routes.write_text(APP["src/routes.js"])
    hits, again = _scan(app)
    assert hits == 2 and again == before


def test_a_changed_config_is_a_new_cache(app: Path) -> None:
    _scan(app)
    (app / ".nodeharden.yml").write_text("roles: [all]\n")
    hits, findings = _scan(app)
    assert hits == 0 and findings == _cold(app)
    (app / ".nodeharden.yml").write_text("roles: [all]\nbody_limit: 50kb\n")
    hits, _ = _scan(app)
    assert hits == 0
    hits, _ = _scan(app)
    assert hits == 3


def test_changed_rules_are_a_new_cache(app: Path) -> None:
    _scan(app)
    hits, only = _scan(app, select=["sql-injection"])
    assert hits == 0 and {f[0] for f in only} == {"sql-injection"}
    hits, _ = _scan(app, ignore=["helmet"])
    assert hits == 0


def test_changed_dependencies_are_a_new_cache(app: Path) -> None:
    _scan(app)
    package = json.loads((app / "package.json").read_text())
    package["dependencies"]["helmet"] = "^8.0.0"
    (app / "package.json").write_text(json.dumps(package))
    hits, findings = _scan(app)
    assert hits == 0 and findings == _cold(app)


def test_a_changed_check_js_is_a_new_cache(app: Path) -> None:
    """error-handler's fix reads the fields of a JSDoc-typed error through a cast where tsc
    checks JavaScript (``checkJs``): the setting is a project fact, so flipping it is a new
    cache, never a stale fix."""
    (app / "tsconfig.json").write_text('{"compilerOptions": {"checkJs": false}}\n')
    _scan(app)
    (app / "tsconfig.json").write_text('{"compilerOptions": {"checkJs": true}}\n')
    hits, findings = _scan(app)
    assert hits == 0 and findings == _cold(app)
    assert make_scanner(app, jobs=1).info.js_configs == ()  # set by the walk, not before
    scanner = make_scanner(app, jobs=1)
    scanner.scan()
    assert scanner.info.js_configs == (("", True),)


def test_another_version_is_a_new_cache(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _scan(app)
    monkeypatch.setattr(_resultcache, "__version__", "99.0.0")
    _resultcache.code_fingerprint.cache_clear()
    hits, _ = _scan(app)
    assert hits == 0


def test_changed_nodeharden_code_is_a_new_cache(app: Path) -> None:
    # An edited module (its size or modification time) changes the key: a rule fixed in a
    # development install never answers from results of the code before the fix.
    _scan(app)
    module = Path(_resultcache.__file__).with_name("_version.py")
    stat = module.stat()
    try:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        _resultcache.code_fingerprint.cache_clear()
        hits, _ = _scan(app)
        assert hits == 0
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        _resultcache.code_fingerprint.cache_clear()


def test_a_corrupt_cache_file_is_no_cache(app: Path) -> None:
    _, before = _scan(app)
    for path in (app / ".nodeharden_cache").glob("scans-*.pickle"):
        path.write_bytes(b"not a pickle")
    hits, after = _scan(app)
    assert hits == 0 and after == before
    hits, _ = _scan(app)
    assert hits == 3


def test_the_cache_folder_is_never_walked(app: Path) -> None:
    _scan(app)
    (app / ".nodeharden_cache" / "stray.js").write_text("eval(x)\n")
    result = make_scanner(app, jobs=1).scan()
    assert all(not f.rel.startswith(".nodeharden_cache") for f in result.files)


def _titles(root: Path) -> list[tuple[str, str, int, str, str | None]]:
    result = make_scanner(root, jobs=1, cache=True).scan()
    return [(f.rule, f.path, f.line, f.message, f.fix.title if f.fix else None)
            for f in result.findings]


def test_a_file_a_rule_read_other_files_for_is_scanned_again_when_any_file_changed(
        tmp_path: Path) -> None:
    # helmet's fix for a switched-off CSP lists the hosts the views load from: a changed view
    # changes the finding of app.js although app.js did not change.
    root = write_tree(tmp_path / "app", {
        "package.json": '{"name": "a", "dependencies": {"express": "^5.1.0", '
                        '"helmet": "^8.0.0"}}\n',
        "app.js": "const express = require('express');\nconst helmet = require('helmet');\n"
                  "const app = express();\napp.use(helmet({ contentSecurityPolicy: false }));\n"
                  "app.listen(3000);\n",
        "lib/util.js": "module.exports = (a) => a + 1;\n",
        "views/index.html": "<html><body>hi</body></html>\n",
    })
    first = _titles(root)
    assert any(f[0] == "helmet" and f[1] == "app.js" for f in first), first
    scanner = make_scanner(root, jobs=1, cache=True)
    scanner.scan()
    assert scanner.cache_hits == 2
    (root / "views/index.html").write_text(
        '<html><script src="https://cdn.example.com/x.js"></script></html>\n')
    scanner = make_scanner(root, jobs=1, cache=True)
    after = [(f.rule, f.path, f.line, f.message, f.fix.title if f.fix else None)
             for f in scanner.scan().findings]
    assert scanner.cache_hits == 1  # lib/util.js: no rule that reads other files looked at it
    cold = [(f.rule, f.path, f.line, f.message, f.fix.title if f.fix else None)
            for f in make_scanner(root, jobs=1).scan().findings]
    assert after == cold and after != first  # the title now names the CDN host


def test_only_the_declared_rules_read_other_files_while_scanning_one() -> None:
    # The result cache trusts _scan.OUTSIDE_READERS: a function of a rule or helper module
    # that reads files must belong to a listed rule's module, or be project-phase code (a
    # check_project method, or a function taking the ProjectContext).
    import ast
    import re

    from nodeharden._scan import OUTSIDE_READERS

    reads = re.compile(r"files_with_suffix|read_bytes|read_text|\bopen\(|iterdir|os\.walk|"
                       r"scandir|glob\(")
    listed = {rule_id.replace("-", "_") for rule_id in OUTSIDE_READERS}
    rules_dir = Path(_resultcache.__file__).with_name("rules")
    offenders = []
    for module in sorted(rules_dir.glob("*.py")):
        text = module.read_text(encoding="utf-8")
        if module.stem in listed or not reads.search(text):
            continue
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            own = ast.get_source_segment(text, node) or ""
            for inner in ast.walk(node):  # nested functions are judged on their own
                if inner is not node and isinstance(inner, (ast.FunctionDef,
                                                            ast.AsyncFunctionDef)):
                    own = own.replace(ast.get_source_segment(text, inner) or "", "")
            if not reads.search(own) or node.name == "check_project":
                continue
            annotations = {ast.unparse(a.annotation) for a in
                           [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
                           if a.annotation is not None}
            if "ProjectContext" not in annotations:
                offenders.append(f"{module.name}:{node.lineno} {node.name}")
    assert offenders == [], ("reads files outside the project phase: list the rule in "
                             f"_scan.OUTSIDE_READERS: {offenders}")
