"""A real app after fix (security-txt, eslint-security): npm install, ESLint runs with the
security plugin, /.well-known/security.txt answers over HTTP, and a second fix changes nothing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, npm_env, npm_install, write_tree

from nodeharden import check, fix


EXPRESS_PJ = '{\n  "name": "app",\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n'

APP_JS = """const express = require('express');
const fs = require('fs');

const app = express();

app.get('/file', (req, res) => {
  res.send(fs.readFileSync(req.query.name, 'utf8'));
});

app.get('/find', (req, res) => {
  res.json({ hit: new RegExp(req.query.q).test('abc') });
});

module.exports = app;
"""

SERVER_JS = """const app = require('./app');

const server = app.listen(0, '127.0.0.1', () => {
  console.log('PORT ' + server.address().port);
});
"""


@pytest.fixture(scope="module")
def fixed_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Express app fixed for security-txt and eslint-security, with npm install done once."""
    if not have_node():
        pytest.skip("needs node and npm")
    root = write_tree(tmp_path_factory.mktemp("issue4") / "app", {
        # The lint script says the project uses ESLint (without it no config is created).
        "package.json": '{\n  "name": "app",\n  "private": true,\n'
                        '  "scripts": {\n    "lint": "eslint ."\n  },\n  "dependencies": {\n'
                        '    "express": "^5.1.0"\n  }\n}\n',
        ".nodeharden.yml": "security_txt:\n  contact: security@acme.test\n",
        "app.js": APP_JS,
        "server.js": SERVER_JS,
    })
    outcomes = fix(root, select=["security-txt", "eslint-security"], unsafe=True,
                      force=True).written
    assert {o.path for o in outcomes} >= {"app.js", "package.json", "eslint.config.js",
                                          ".well-known/security.txt", "SECURITY.md"}
    npm_install(root)
    return root


@pytest.mark.slow
def test_eslint_runs_with_the_security_plugin_after_fix(fixed_app: Path) -> None:
    proc = subprocess.run(["npx", "--no-install", "eslint", "--format", "json", "."],
                          cwd=fixed_app, env=npm_env(), capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode in (0, 1), proc.stderr  # 2 would mean a config or plugin error
    results = json.loads(proc.stdout)
    rules = {m["ruleId"] for r in results for m in r["messages"]}
    assert "security/detect-non-literal-regexp" in rules, rules
    # The created config keeps detect-non-literal-fs-filename on (one fs call with a variable
    # path): it flags the request-built path, not the security.txt read the fix inserted.
    fs_warnings = [(Path(r["filePath"]).name, m["line"]) for r in results for m in r["messages"]
                   if m["ruleId"] == "security/detect-non-literal-fs-filename"]
    assert [name for name, _ in fs_warnings] == ["app.js"], fs_warnings
    lines = (fixed_app / "app.js").read_text().splitlines()
    assert "fs.readFileSync(req.query.name" in lines[fs_warnings[0][1] - 1], fs_warnings
    assert "security/detect-object-injection" not in rules, rules
    app_messages = next(r for r in results if r["filePath"].endswith("app.js"))["messages"]
    assert all(m.get("fatal") is not True for m in app_messages)


@pytest.mark.slow
def test_security_txt_route_answers_over_http(fixed_app: Path) -> None:
    server = subprocess.Popen(["node", "server.js"], cwd=fixed_app, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "NODE_ENV": "production"})
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 30
        line = ""
        while time.monotonic() < deadline and not line.startswith("PORT "):
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                break
        assert line.startswith("PORT "), server.stderr.read() if server.stderr else ""
        port = int(line.split()[1])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/.well-known/security.txt",
                                    timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            body = response.read().decode()
        assert "Contact: mailto:security@acme.test" in body
        assert re.search(r"^Expires: \d{4}-\d\d-\d\dT00:00:00\.000Z$", body, re.MULTILINE)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_second_fix_changes_nothing(fixed_app: Path) -> None:
    again = fix(fixed_app, dry_run=True, select=["security-txt", "eslint-security"],
                   unsafe=True).plan
    assert again.changed_paths() == []
    assert check(fixed_app, select=["security-txt", "eslint-security"]).findings == []
