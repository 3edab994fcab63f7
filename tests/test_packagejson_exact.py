"""A project that pins its dependencies gets exact versions from fixes, not caret ranges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nodeharden._packagejson import add_dependencies, pins_exactly, saves_exact, version_of

from conftest import run_cli

PINNED = ('{\n  "name": "shop",\n  "dependencies": {\n    "express": "4.21.2",\n'
          '    "mysql2": "3.11.0",\n    "dotenv": "16.4.5"\n  },\n'
          '  "devDependencies": {\n    "jest": "29.7.0"\n  }\n}\n')


@pytest.mark.parametrize("deps, pinned", [
    ({"express": "4.21.2", "pg": "8.12.0", "cors": "2.8.5"}, True),
    ({"express": "=4.21.2", "pg": "v8.12.0", "cors": "1.0.0-rc.1"}, True),
    # git URLs, paths, tags and workspace packages say nothing about how the project pins
    ({"express": "4.21.2", "pg": "8.12.0", "cors": "2.8.5", "own": "workspace:*",
      "fork": "github:me/fork", "tool": "latest", "local": "file:../lib"}, True),
    ({"express": "4.21.2", "pg": "^8.12.0", "cors": "2.8.5"}, False),
    ({"express": "4.21.2", "pg": "~8.12.0", "cors": "2.8.5"}, False),
    ({"express": "4.21.2", "pg": "8.x", "cors": "2.8.5"}, False),
    ({"express": "4.21.2", "pg": ">=8", "cors": "2.8.5"}, False),
    ({"express": "4.21.2", "pg": "8", "cors": "2.8.5"}, False),
    ({"express": "4.21.2", "pg": "*", "cors": "2.8.5"}, False),
    # two pinned entries are too few to call it the project's habit
    ({"express": "4.21.2", "pg": "8.12.0"}, False),
    ({}, False),
])
def test_a_manifest_pins_when_every_registry_range_names_one_release(
        deps: dict[str, str], pinned: bool) -> None:
    assert pins_exactly({"dependencies": deps}) is pinned


def test_a_pinned_manifest_gets_the_release_the_range_starts_from() -> None:
    after = add_dependencies(PINNED, {"helmet": "^8.3.0"})
    assert json.loads(after)["dependencies"]["helmet"] == "8.3.0"
    dev = add_dependencies(PINNED, {"eslint-plugin-security": "^4.1.0"}, dev=True)
    assert json.loads(dev)["devDependencies"]["eslint-plugin-security"] == "4.1.0"


def test_a_block_that_pins_gets_exact_versions_in_a_manifest_that_does_not() -> None:
    """Exact development tools beside ranged runtime packages (held-out sample 39: a blog
    whose devDependencies all name one release got `"^4.1.0"`): the block the package goes
    into decides; the other block keeps its ranges."""
    text = ('{\n  "dependencies": {\n    "express": "^4.17.1",\n    "cors": "^2.8.5"\n  },\n'
            '  "devDependencies": {\n    "eslint": "7.25.0",\n    "jest": "26.6.3",\n'
            '    "typescript": "4.2.4"\n  }\n}\n')
    dev = add_dependencies(text, {"eslint-plugin-security": "^4.1.0"}, dev=True)
    assert json.loads(dev)["devDependencies"]["eslint-plugin-security"] == "4.1.0"
    runtime = add_dependencies(text, {"helmet": "^8.3.0"})
    assert json.loads(runtime)["dependencies"]["helmet"] == "^8.3.0"


def test_a_manifest_with_ranges_keeps_the_caret_unless_told_exact() -> None:
    text = '{\n  "dependencies": {\n    "express": "^4.21.2"\n  }\n}\n'
    assert json.loads(add_dependencies(text, {"helmet": "^8.3.0"}))["dependencies"][
        "helmet"] == "^8.3.0"
    assert json.loads(add_dependencies(text, {"helmet": "^8.3.0"}, exact=True))[
        "dependencies"]["helmet"] == "8.3.0"


@pytest.mark.parametrize("npmrc, exact", [
    ("save-exact=true\n", True),
    ("registry-scope=x\nsave-exact = true\n", True),
    ("save-prefix=''\n", True),
    ("save-prefix=\n", True),
    ("save-prefix=~\n", False),
    ("save-exact=false\n", False),
    ("# save-exact=true\n", False),
    ("; save-exact=true\n", False),
    ("", False),
])
def test_npmrc_save_exact(npmrc: str, exact: bool) -> None:
    assert saves_exact(npmrc) is exact


def _app(root: Path, package_json: str, npmrc: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(package_json)
    (root / "app.js").write_text("const express = require('express');\n"
                                 "const app = express();\n"
                                 "app.get('/', (req, res) => res.json({ ok: true }));\n"
                                 "app.listen(3000);\n")
    if npmrc is not None:
        (root / ".npmrc").write_text(npmrc)
    return root


def test_fix_writes_an_exact_version_into_a_pinned_project(tmp_path: Path) -> None:
    root = _app(tmp_path / "app", PINNED)
    result = run_cli("fix", "--select", "helmet", str(root))
    assert result.returncode == 0, result.stderr
    deps = json.loads((root / "package.json").read_text())["dependencies"]
    assert deps["helmet"] == version_of("helmet").lstrip("^")
    assert "require('helmet')" in (root / "app.js").read_text()


def test_fix_follows_the_projects_npmrc_save_exact(tmp_path: Path) -> None:
    ranged = '{\n  "name": "x",\n  "dependencies": {\n    "express": "^4.21.2"\n  }\n}\n'
    exact = _app(tmp_path / "exact", ranged, npmrc="save-exact=true\n")
    caret = _app(tmp_path / "caret", ranged)
    for root in (exact, caret):
        assert run_cli("fix", "--select", "helmet", str(root)).returncode == 0
    assert json.loads((exact / "package.json").read_text())["dependencies"]["helmet"] \
        == version_of("helmet").lstrip("^")
    assert json.loads((caret / "package.json").read_text())["dependencies"]["helmet"] \
        == version_of("helmet")
    assert (exact / ".npmrc").read_text() == "save-exact=true\n"
