"""Shared test helpers: run the CLI in-process or as a subprocess, write small projects."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
CODEMODS = REPO / "codemods"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (rel path → text, dedented, or bytes) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8", newline="")
    return root


def linked_app(root: Path, files: dict[str, str | bytes], installed: Path) -> Path:
    """Write ``files`` into a new folder ``root`` beside a link to ``installed``'s
    node_modules, so one ``npm install`` serves every test of a module."""
    root.mkdir()
    write_tree(root, files)
    os.symlink(installed / "node_modules", root / "node_modules")
    return root


def run_cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
            input: str | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m nodeharden`` as a real subprocess without a terminal."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "nodeharden", *map(str, args)], cwd=cwd,
                          env=full_env, capture_output=True, text=True, input=input,
                          timeout=timeout, stdin=subprocess.DEVNULL if input is None else None)


def check_json(path: Path, *extra: str) -> dict:
    """Run ``check --format json`` and return the parsed report."""
    proc = run_cli("check", path, "--format", "json", *extra)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def each_place(findings: Iterable[Any]) -> list[Any]:
    """Return the findings (``Finding`` objects, or a JSON report's dicts) with one entry per
    place: a finding its rule reports once per file (``Rule.repeats``) stands for the places
    in its ``related`` (JSON: ``also_at``) too, each given here as a copy at that place."""
    from nodeharden._record import replace

    out: list[Any] = []
    for finding in findings:
        out.append(finding)
        if isinstance(finding, dict):
            out.extend({**finding, "line": at["line"], "column": at["column"]}
                       for at in finding.get("also_at", ()))
        else:
            out.extend(replace(finding, line=line, column=column, related=())
                       for line, column in finding.related)
    return out


def rules_at(report: dict) -> set[tuple[str, str, int]]:
    """Return {(rule, path, line)} of a JSON report."""
    return {(f["rule"], f["path"], f["line"]) for f in report["findings"]}


@pytest.fixture
def project(tmp_path: Path):
    """Return a function that writes a project into a fresh folder and returns its path."""

    def make(files: dict[str, str | bytes], name: str = "app") -> Path:
        return write_tree(tmp_path / name, files)

    return make


def have_node() -> bool:
    """Return True when node and npm are on PATH."""
    return shutil.which("node") is not None and shutil.which("npm") is not None


def npm_install(root: Path, *args: str) -> None:
    """Run ``npm install [ARGS]`` in ``root`` (no audit, no fund) and fail the test on error."""
    proc = subprocess.run(["npm", "install", "--no-audit", "--no-fund", *args], cwd=root,
                          env=npm_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]


def installed_once(factory: pytest.TempPathFactory, name: str, package_json: str) -> Path:
    """Return a new folder holding ``package_json`` and the packages it declares, for a
    module-scoped fixture whose tests link it (``linked_app``); skip without node and npm."""
    if not have_node():
        pytest.skip("node and npm are needed")
    base = write_tree(factory.mktemp(name), {"package.json": package_json})
    npm_install(base)
    return base


@pytest.fixture(scope="session")
def prettier3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the prettier 3 binary, installed once per test process (the line-width tests
    of several rules run it on the files their fixes write)."""
    root = write_tree(tmp_path_factory.mktemp("prettier3"), {"package.json": json.dumps(
        {"name": "tools", "private": True, "devDependencies": {"prettier": "^3.6.0"}})})
    npm_install(root)
    return root / "node_modules/.bin/prettier"


def npm_env() -> dict[str, str]:
    """Environment for npm runs in tests: no audit, no fund, quiet, shared cache."""
    return {**os.environ, "npm_config_audit": "false", "npm_config_fund": "false",
            "npm_config_update_notifier": "false", "npm_config_loglevel": "error"}


@contextmanager
def serve_app(root: Path, script: str = "app.js") -> Iterator[str]:
    """Run ``node SCRIPT`` in ``root`` and yield its base URL.

    The app must print ``listening PORT`` on its first line of stdout once it listens on
    127.0.0.1 (the test apps listen on port 0 and print the port they got).
    """
    proc = subprocess.Popen(["node", script], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("listening "):
            proc.kill()
            raise AssertionError(f"app did not start: {line}{proc.stderr.read() if proc.stderr else ''}")
        yield f"http://127.0.0.1:{line.split()[1]}"
    finally:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def app_with_log(root: Path, script: str = "app.js") -> Iterator[tuple[str, list[str]]]:
    """Run ``node SCRIPT`` in ``root`` as ``serve_app`` does and yield its base URL and a list
    that holds, once the block ends (the app stopped a moment after the last request, so
    that what it wrote reaches the pipe), the app's stderr."""
    proc = subprocess.Popen(["node", script], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    log: list[str] = []
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening "), line
        yield f"http://127.0.0.1:{line.split()[1]}", log
        time.sleep(0.2)  # a log line written just before an answer: let it reach the pipe
    finally:
        proc.kill()
        _, stderr = proc.communicate(timeout=10)
        log.append(stderr)


def http_status(url: str) -> int:
    """Return the status a GET of ``url`` answers with (an error status too), body read."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


#: The rules whose findings the per-rule finding tests compare line by line.
RULES = ["body-limit", "session-cookie", "hardcoded-secret", "cookie-flags"]

PACKAGE_JSON = '{"name": "t", "dependencies": {"express": "^5.1.0"}}\n'


def found(root: Path, rules: list[str] | None = None) -> set[tuple[str, str, int]]:
    """Return {(rule, path, line)} of an in-process check of ``rules`` (default ``RULES``),
    each place a finding stands for (``each_place``); a run with a failed file fails the
    test."""
    from nodeharden import check

    report = check(root, select=rules or RULES)
    assert not report.failed, report.failed
    return {(f.rule, f.path, f.line) for f in each_place(report.findings)}


#: An app whose final handler sends `err.message` in a property of its own line: error-handler
#: rewrites it to keep 4xx messages (`(err.statusCode || 500) < 500 ? … : generic`), a line
#: too wide for prettier's printWidth 80 (tests/rules/test_error_handler_sample19.py checks
#: the rewrite, tests/project/test_snippets_pass_real_formatters.py real prettier on it).
KEPT_4XX_HANDLER_APP = """\
const express = require('express');

const app = express();
app.get('/', (req, res) => res.json({ ok: true }));

app.use((err, req, res, next) => {
  console.error(err);
  res.status(err.statusCode || 500).json({
    success: false,
    error: err.message || 'Server Error',
  });
});

app.listen(3000);
"""
