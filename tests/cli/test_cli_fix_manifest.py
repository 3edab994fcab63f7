"""``fix`` without a usable package.json declines the fixes that need a new package (with the
reason in the summary) instead of writing a ``require()`` of an undeclared package; ``fix
--format json`` carries the diff."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli, write_tree

APP_JS = """\
const express = require('express');
const app = express();
app.get('/', (req, res) => res.send('x'));
app.listen(3000);
"""


@pytest.mark.parametrize(("package_json", "why"), [
    (None, "there is no package.json"),
    ("{ broken\n", "package.json is not a valid JSON object"),
    ("[1, 2]\n", "package.json is not a valid JSON object"),
], ids=["missing", "unparsable", "not-an-object"])
def test_fixes_that_need_a_package_are_declined_with_the_reason(
        tmp_path: Path, package_json: str | None, why: str) -> None:
    files = {"app.js": APP_JS, **({"package.json": package_json} if package_json else {})}
    root = write_tree(tmp_path / "app", files)
    # --unsafe: rate-limit's fix is unsafe, and it too needs a package.
    proc = run_cli("fix", root, "--select", "helmet,rate-limit,error-handler", "--unsafe")
    assert proc.returncode == 0, proc.stderr
    source = (root / "app.js").read_text()
    assert "require('helmet')" not in source and "rate-limit" not in source
    assert "app.use((err, req, res, next)" in source  # needs no package: applied
    assert f"not applied (1): needs helmet in package.json, but {why}: declined" in proc.stdout
    assert "needs rate-limiter-flexible in package.json" in proc.stdout
    assert not (root / "middleware").exists()
    if package_json is None:
        assert not (root / "package.json").exists()
    else:
        assert (root / "package.json").read_text() == package_json


def test_with_a_package_json_the_dependency_is_added(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"app.js": APP_JS,
                                         "package.json": '{"name": "a", "version": "1.0.0"}\n'})
    proc = run_cli("fix", root, "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    assert "require('helmet')" in (root / "app.js").read_text()
    assert "helmet" in json.loads((root / "package.json").read_text())["dependencies"]


def test_fix_json_dry_run_carries_the_diff_git_applies(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {"app.js": APP_JS,
                                         "package.json": '{"name": "a", "version": "1.0.0"}\n'})
    text = run_cli("fix", root, "--dry-run", "--select", "helmet,error-handler")
    proc = run_cli("fix", root, "--dry-run", "--format", "json", "--select",
                   "helmet,error-handler")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["written"] is False and doc["diff"] == text.stdout
    assert {c["rule"] for c in doc["changes"]} == {"helmet", "error-handler"}
    (tmp_path / "p.diff").write_text(doc["diff"])
    applied = subprocess.run(["git", "apply", str(tmp_path / "p.diff")], cwd=root,
                             capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    assert "require('helmet')" in (root / "app.js").read_text()


@pytest.mark.parametrize("lockfile", [None, "package-lock.json", "yarn.lock"])
def test_summary_says_the_lockfile_is_stale_until_the_install(tmp_path: Path,
                                                              lockfile: str | None) -> None:
    files = {"app.js": APP_JS,
             "package.json": '{"name": "a", "dependencies": {"express": "^5.1.0"}}\n'}
    if lockfile:
        files[lockfile] = "{}\n" if lockfile.endswith(".json") else "# yarn lockfile v1\n"
    root = write_tree(tmp_path / "app", files)
    proc = run_cli("fix", root, "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    assert "then install the added packages (at the root): " in proc.stdout
    stale = [line for line in proc.stdout.splitlines() if "is out of date" in line]
    assert stale == ([f"until then {lockfile} is out of date (a frozen-lockfile install such "
                      "as `npm ci` refuses it)"] if lockfile else [])


def test_a_server_kept_in_dev_dependencies_gets_its_new_package_there(tmp_path: Path) -> None:
    """A demo or test app whose whole server (express, cors...) is in devDependencies: the new
    package the server loads joins them, next to express."""
    package_json = ('{\n  "name": "demo",\n  "private": true,\n  "dependencies": {\n'
                    '    "react": "^18.3.1"\n  },\n  "devDependencies": {\n'
                    '    "express": "^5.1.0"\n  }\n}\n')
    root = write_tree(tmp_path / "app", {"app.js": APP_JS, "package.json": package_json})
    proc = run_cli("fix", root, "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((root / "package.json").read_text())
    assert set(data["devDependencies"]) == {"express", "helmet"}
    assert data["dependencies"] == {"react": "^18.3.1"}
    assert "require('helmet')" in (root / "app.js").read_text()
