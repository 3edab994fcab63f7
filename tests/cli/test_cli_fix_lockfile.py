"""``fix`` refreshes the npm lockfile beside a package.json it adds packages to, as ``npm
install --package-lock-only`` writes it, so that ``npm ci`` accepts the patch; a lockfile npm
would rewrite beyond the added packages, or one it cannot refresh, is left as it is with the
reason in the summary (``nodeharden._lockfile``). Real npm, real registry."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import have_node, npm_env, run_cli, write_tree
from nodeharden._lockfile import changed_entries

APP_JS = """\
const express = require('express');

const app = express();

app.get('/', (req, res) => {
  res.send(String(Date.now()));
});

app.listen(3000);
"""

PACKAGE_JSON = """\
{
  "name": "locked",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "express": "^4.21.2"
  }
}
"""

needs_npm = pytest.mark.skipif(not have_node(), reason="node and npm are needed")


def _locked_app(root: Path, package_json: str = PACKAGE_JSON, *npm_args: str) -> Path:
    """Return an app whose package-lock.json npm wrote for ``package_json``."""
    write_tree(root, {"app.js": APP_JS, "package.json": package_json})
    proc = subprocess.run(["npm", "install", "--package-lock-only", "--ignore-scripts",
                           *npm_args],
                          cwd=root, env=npm_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return root


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-c", "user.email=t@example.test", "-c", "user.name=t",
                           *args], cwd=root, capture_output=True, text=True, check=False)


@needs_npm
def test_the_lockfile_is_refreshed_and_npm_ci_accepts_the_patch(tmp_path: Path) -> None:
    root = _locked_app(tmp_path / "app")
    lock_before = json.loads((root / "package-lock.json").read_text())
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "start")
    proc = run_cli("fix", root, "--dry-run", "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    diff = proc.stdout
    assert "diff --git a/package-lock.json b/package-lock.json" in diff
    assert '+    "node_modules/helmet": {' in diff
    assert "package-lock.json: refreshed as `npm install --package-lock-only` writes it" \
        in proc.stderr
    assert "is out of date" not in proc.stderr
    # Only added lines in the lockfile: the root entry's new range and helmet's entry.
    lock_part = diff.split("diff --git a/package-lock.json", 1)[1].split("diff --git", 1)[0]
    assert not [line for line in lock_part.splitlines()
                if line.startswith("-") and not line.startswith("---")
                and line.strip() != '-        "express": "^4.21.2"']
    (tmp_path / "p.diff").write_text(diff)
    applied = _git(root, "apply", str(tmp_path / "p.diff"))
    assert applied.returncode == 0, applied.stderr
    lock_after = json.loads((root / "package-lock.json").read_text())
    assert changed_entries(lock_before, lock_after, {"helmet"}) == []
    assert set(lock_after["packages"]) - set(lock_before["packages"]) == {"node_modules/helmet"}
    # npm ci refuses a lockfile out of step with package.json: it accepts this one.
    ci = subprocess.run(["npm", "ci", "--ignore-scripts"], cwd=root, env=npm_env(),
                        capture_output=True, text=True, timeout=600)
    assert ci.returncode == 0, ci.stderr[-2000:]
    loads = subprocess.run(["node", "-e", "require('helmet'); require('express')"], cwd=root,
                           capture_output=True, text=True, timeout=60)
    assert loads.returncode == 0, loads.stderr
    # fix writes what the dry run showed, and a second run has nothing to change.
    _git(root, "checkout", "--", ".")
    written = run_cli("fix", root, "--select", "helmet", "--force")
    assert written.returncode == 0, written.stderr
    assert json.loads((root / "package-lock.json").read_text()) == lock_after
    again = run_cli("fix", root, "--dry-run", "--select", "helmet")
    assert again.stdout == "" and "nothing to fix" in again.stderr


@needs_npm
@pytest.mark.parametrize("recorded", [True, False], ids=["resolved", "no-resolved"])
def test_the_new_entries_record_where_they_came_from_as_the_lockfile_does(
        tmp_path: Path, recorded: bool) -> None:
    """npm's omit-lockfile-registry-resolved, set either way on the machine, does not decide:
    the lockfile's own entries do (and npm leaves them all as they are)."""
    flag = f"--omit-lockfile-registry-resolved={'false' if recorded else 'true'}"
    root = _locked_app(tmp_path / "app", PACKAGE_JSON, flag)
    before = json.loads((root / "package-lock.json").read_text())
    assert ("resolved" in before["packages"]["node_modules/express"]) == recorded
    machine = {"npm_config_omit_lockfile_registry_resolved": "true" if recorded else "false"}
    proc = run_cli("fix", root, "--select", "helmet", env=machine)
    assert proc.returncode == 0, proc.stderr
    assert "package-lock.json: refreshed" in proc.stdout
    after = json.loads((root / "package-lock.json").read_text())
    assert ("resolved" in after["packages"]["node_modules/helmet"]) == recorded
    assert changed_entries(before, after, {"helmet"}) == []


@needs_npm
def test_no_lockfile_leaves_it_and_says_it_is_out_of_date(tmp_path: Path) -> None:
    root = _locked_app(tmp_path / "app")
    before = (root / "package-lock.json").read_bytes()
    proc = run_cli("fix", root, "--select", "helmet", "--no-lockfile")
    assert proc.returncode == 0, proc.stderr
    assert (root / "package-lock.json").read_bytes() == before
    assert '"helmet"' in (root / "package.json").read_text()
    assert "until then package-lock.json is out of date" in proc.stdout
    assert "refreshed" not in proc.stdout
    # fix --format json says the same
    (root / "package.json").write_text(PACKAGE_JSON)
    (root / "app.js").write_text(APP_JS)
    doc = json.loads(run_cli("fix", root, "--select", "helmet", "--no-lockfile", "--dry-run",
                             "--format", "json").stdout)
    assert doc["lockfiles"] == [{"path": "package-lock.json", "status": "out of date"}]
    doc = json.loads(run_cli("fix", root, "--select", "helmet", "--dry-run",
                             "--format", "json").stdout)
    assert doc["lockfiles"] == [{"path": "package-lock.json", "status": "refreshed"}]


@needs_npm
def test_a_lockfile_out_of_step_with_package_json_is_left_with_the_reason(
        tmp_path: Path) -> None:
    """Locked for express 4, while package.json has moved to express 5: npm would rewrite
    express's entries too, which is not the fix's to do."""
    root = _locked_app(tmp_path / "app")
    before = (root / "package-lock.json").read_bytes()
    (root / "package.json").write_text(PACKAGE_JSON.replace("^4.21.2", "^5.1.0"))
    proc = run_cli("fix", root, "--dry-run", "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    assert "package-lock.json" not in proc.stdout  # not in the diff
    assert "package-lock.json not refreshed: npm would also change what it locks already " \
           "(the root package, node_modules/" in proc.stderr
    assert "until then package-lock.json is out of date" in proc.stderr
    assert (root / "package-lock.json").read_bytes() == before


@needs_npm
def test_an_unreachable_registry_leaves_the_lockfile_with_the_reason(tmp_path: Path) -> None:
    root = _locked_app(tmp_path / "app")
    before = (root / "package-lock.json").read_bytes()
    # Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
    proc = run_cli("fix", root, "--select", "helmet",
                   env={"npm_config_registry": "http://127.0.0.1:9/"})
    assert proc.returncode == 0, proc.stderr
    assert (root / "package-lock.json").read_bytes() == before
    assert '"helmet"' in (root / "package.json").read_text()
    assert "package-lock.json not refreshed: npm could not reach the package registry" \
        in proc.stdout


@pytest.mark.parametrize(("extra", "reason"), [
    ({"package-lock.json": json.dumps({"name": "locked", "version": "1.0.0",
                                       "lockfileVersion": 1, "requires": True,
                                       "dependencies": {}}, indent=2) + "\n"},
     "it is of lockfileVersion 1 (npm 6 or older), which npm 7 and later rewrite whole"),
    ({"package-lock.json": "{}\n"},
     "it names no lockfileVersion npm writes today (2 or 3)"),
    ({"package-lock.json": json.dumps({"name": "locked", "lockfileVersion": 3,
                                       "packages": {}}) + "\n",
      "package.json": PACKAGE_JSON.replace('"express": "^4.21.2"',
                                           '"express": "^4.21.2",\n    "shared": "file:../shared"')},
     "package.json takes shared from a folder of the project (file:, link:), which npm "
     "resolves only there"),
    ({"package-lock.json": json.dumps({"name": "locked", "lockfileVersion": 3,
                                       "packages": {}}) + "\n", "yarn.lock": "# yarn\n"},
     "yarn.lock is there too, and npm's is not the only lockfile"),
], ids=["lockfile-v1", "no-version", "local-package", "yarn-beside"])
def test_lockfiles_npm_would_rewrite_whole_are_left_without_running_it(
        tmp_path: Path, extra: dict[str, str], reason: str) -> None:
    root = write_tree(tmp_path / "app", {"app.js": APP_JS, "package.json": PACKAGE_JSON,
                                         **extra})
    # No npm on PATH: these are decided before npm would run.
    proc = run_cli("fix", root, "--select", "helmet", env={"PATH": "/nonexistent"})
    assert proc.returncode == 0, proc.stderr
    assert f"package-lock.json not refreshed: {reason}" in proc.stdout
    assert (root / "package-lock.json").read_text() == extra["package-lock.json"]


def test_without_npm_the_lockfile_is_left_with_the_reason(tmp_path: Path) -> None:
    lock = json.dumps({"name": "locked", "lockfileVersion": 3, "requires": True,
                       "packages": {"": {"name": "locked", "dependencies": {
                           "express": "^4.21.2"}}}}, indent=2) + "\n"
    root = write_tree(tmp_path / "app", {"app.js": APP_JS, "package.json": PACKAGE_JSON,
                                         "package-lock.json": lock})
    proc = run_cli("fix", root, "--select", "helmet", env={"PATH": "/nonexistent"})
    assert proc.returncode == 0, proc.stderr
    assert "package-lock.json not refreshed: npm is not installed here" in proc.stdout
    assert (root / "package-lock.json").read_text() == lock
    (root / "package.json").write_text(PACKAGE_JSON)
    (root / "app.js").write_text(APP_JS)
    doc = json.loads(run_cli("fix", root, "--select", "helmet", "--dry-run", "--format",
                             "json", env={"PATH": "/nonexistent"}).stdout)
    assert doc["lockfiles"] == [{"path": "package-lock.json", "status": "out of date",
                                 "reason": "npm is not installed here"}]


def test_changed_entries_names_what_npm_changed_besides_the_added_packages() -> None:
    old = {"name": "a", "lockfileVersion": 3, "packages": {
        "": {"name": "a", "dependencies": {"express": "^4.21.2"}},
        "node_modules/express": {"version": "4.21.2"},
        "node_modules/ms": {"version": "2.0.0"}}}
    added = {"name": "a", "lockfileVersion": 3, "packages": {
        "": {"name": "a", "dependencies": {"express": "^4.21.2", "helmet": "^8.1.0"}},
        "node_modules/express": {"version": "4.21.2"},
        "node_modules/helmet": {"version": "8.1.0"},
        "node_modules/ms": {"version": "2.0.0"}}}
    assert changed_entries(old, added, {"helmet"}) == []
    moved = json.loads(json.dumps(added))
    moved["packages"]["node_modules/express"]["version"] = "5.1.0"
    del moved["packages"]["node_modules/ms"]
    moved["lockfileVersion"] = 2
    assert changed_entries(old, moved, {"helmet"}) == [
        "lockfileVersion", "node_modules/express", "node_modules/ms"]
    renamed_range = json.loads(json.dumps(added))
    renamed_range["packages"][""]["dependencies"]["express"] = "^5.1.0"
    assert changed_entries(old, renamed_range, {"helmet"}) == ["the root package"]


def test_flags_npm_works_out_again_are_no_change_but_are_counted() -> None:
    old = {"lockfileVersion": 3, "packages": {
        "": {"dependencies": {"eslint": "^9.0.0"}},
        "node_modules/acorn": {"version": "8.14.0", "dev": True, "peer": True},
        "node_modules/babel-plugin-macros": {"version": "3.1.0", "dev": True,
                                             "optional": True, "peer": True}}}
    new = {"lockfileVersion": 3, "packages": {
        "": {"dependencies": {"eslint": "^9.0.0", "helmet": "^8.1.0"}},
        "node_modules/acorn": {"version": "8.14.0", "dev": True},
        "node_modules/helmet": {"version": "8.1.0"}}}
    # acorn's peer flag worked out again; an optional peer nothing asks for dropped.
    assert changed_entries(old, new, {"helmet"}) == []
    assert changed_entries(old, new, {"helmet"}, flags=False) == ["node_modules/acorn"]
