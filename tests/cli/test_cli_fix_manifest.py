"""``fix`` without a usable package.json declines the fixes that need a new package (with the
reason in the summary) instead of writing a ``require()`` of an undeclared package; ``fix
--format json`` carries the diff."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli, write_tree
from nodeharden._packagejson import VERSIONS

APP_JS = """\
const express = require('express');
const app = express();
app.get('/', (req, res) => res.send(String(Date.now())));
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
    assert "app.use((err, _req, res, next)" in source  # needs no package: applied
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
    frozen = "`yarn install --frozen-lockfile`" if lockfile == "yarn.lock" else "`npm ci`"
    assert stale == ([f"until then {lockfile} is out of date (a frozen-lockfile install such "
                      f"as {frozen} refuses it)"] if lockfile else [])


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


def _monorepo(base: Path, root_deps: dict[str, str]) -> Path:
    """A repository that installs from its top-level package.json (``root_deps``) and
    publishes packages/server, whose server code uses express and cookie-parser; its
    dependency on the repository's own util package is released in lockstep (same version)."""
    server = {"name": "@acme/server", "version": "3.1.0",
              "dependencies": {"@acme/util": "3.1.0", "cookie-parser": "1.4.7",
                               "express": "4.21.2"}}
    return write_tree(base, {
        "package.json": json.dumps({"name": "acme", "version": "3.1.0", "private": True,
                                    "dependencies": root_deps}, indent=4) + "\n",
        "packages/server/package.json": json.dumps(server, indent=4) + "\n",
        "packages/server/app.js": APP_JS.replace(
            "const app", "const cookieParser = require('cookie-parser');\nconst app"),
    })


def test_a_repository_that_installs_from_its_top_level_manifest_gets_the_package_there_too(
        tmp_path: Path) -> None:
    """The top-level package.json declares every third-party dependency of packages/server
    (the repository installs from there, and may check both agree): the new package goes into
    both, with one version (the exact release: both manifests pin theirs)."""
    root = _monorepo(tmp_path / "repo", {"cookie-parser": "1.4.7", "express": "4.21.2",
                                         "mocha": "10.0.0"})
    proc = run_cli("fix", root, "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    top = json.loads((root / "package.json").read_text())["dependencies"]
    server = json.loads((root / "packages/server/package.json").read_text())["dependencies"]
    assert top["helmet"] == server["helmet"] == VERSIONS["helmet"].lstrip("^")
    assert "require('helmet')" in (root / "packages/server/app.js").read_text()
    # --patch-dir writes the same change as one patch.
    patches = tmp_path / "patches"
    root2 = _monorepo(tmp_path / "repo2", {"cookie-parser": "1.4.7", "express": "4.21.2"})
    proc = run_cli("fix", root2, "--select", "helmet", "--patch-dir", str(patches))
    assert proc.returncode == 0, proc.stderr
    text = "".join(p.read_text() for p in sorted(patches.iterdir()))
    assert "a/package.json" in text and "a/packages/server/package.json" in text


def test_a_top_level_manifest_that_does_not_list_the_package_dependencies_is_left_alone(
        tmp_path: Path) -> None:
    # Only express at the top (a dev server, say): no sign the repository installs from there.
    root = _monorepo(tmp_path / "repo", {"express": "4.21.2"})
    before = (root / "package.json").read_text()
    proc = run_cli("fix", root, "--select", "helmet")
    assert proc.returncode == 0, proc.stderr
    assert (root / "package.json").read_text() == before
    server = json.loads((root / "packages/server/package.json").read_text())["dependencies"]
    assert server["helmet"] == VERSIONS["helmet"].lstrip("^")  # it pins its three


def test_fix_run_on_such_a_package_declines_with_the_reason(tmp_path: Path) -> None:
    """Run on packages/server alone, the manifest the repository installs from is outside the
    folder fix writes to: the fix is declined, saying where the package must go."""
    repo = _monorepo(tmp_path / "repo", {"cookie-parser": "1.4.7", "express": "4.21.2"})
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    package = repo / "packages/server"
    before = (package / "package.json").read_text()
    proc = run_cli("fix", package, "--select", "helmet,error-handler")
    assert proc.returncode == 0, proc.stderr
    assert ("needs helmet in package.json and in ../../package.json, which declares every "
            "dependency of this package too") in " ".join(proc.stdout.split())
    assert (package / "package.json").read_text() == before
    assert "helmet" not in (package / "app.js").read_text()
    assert "app.use((err, _req, res, next)" in (package / "app.js").read_text()  # no package
    # Doing what the message says (helmet in both manifests) lets the fix go ahead: it was
    # declined again, because the top manifest still declared every dependency of the package.
    for manifest in (repo / "package.json", package / "package.json"):
        data = json.loads(manifest.read_text())
        data["dependencies"]["helmet"] = VERSIONS["helmet"]
        manifest.write_text(json.dumps(data, indent=2) + "\n")
    again = run_cli("fix", package, "--select", "helmet", "--force")
    assert again.returncode == 0, again.stderr
    assert "declined" not in again.stdout, again.stdout
    assert "require('helmet')" in (package / "app.js").read_text()
