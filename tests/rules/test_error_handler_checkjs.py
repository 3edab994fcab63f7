"""error-handler in JavaScript that the project type-checks (``checkJs`` in its tsconfig, or
``// @ts-check``), checked by the real compiler: the client-error branch it inserts into a
handler whose JSDoc types the error as ``Error`` (no ``status`` declared) still type-checks,
and the fixed app answers a body over the limit with 413 and malformed JSON with 400 while
other errors keep the handler's own answer."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import CODEMODS, npm_env, npm_install, serve_app, write_tree
from ruamel.yaml import YAML

from nodeharden._api import fix

pytestmark = pytest.mark.slow

FIXTURES = CODEMODS / "error-handler/fixtures"

ERRORS = """/**
 * @param {Error} err
 * @param {import('express').Request} req
 * @param {import('express').Response} res
 * @param {import('express').NextFunction} next
 */
export function onError(err, req, res, next) {
  if (res.headersSent) {
    return next(err);
  }
  console.error('request failed:', err.message);
  res.status(500).send({ error: { reason: 'internal-error' } });
}
"""

APP = """import express from 'express';
import { onError } from './errors.js';

const app = express();
app.use(express.json({ limit: '100b' }));
app.post('/items', (req, res) => {
  res.json({ saved: true });
});
app.get('/boom', () => {
  throw new Error('secret detail');
});
app.use(onError);

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("checkjs-error-handler")
    write_tree(root, {"package.json": json.dumps({
        "name": "checkjs-app", "private": True, "type": "module",
        "dependencies": {"express": "^5.1.0"},
        "devDependencies": {"@types/express": "^5.0.3", "@types/node": "^22.0.0",
                            "typescript": "^5.9.3"}}) + "\n"})
    npm_install(root)
    return root


def _fresh(installed: Path, files: dict[str, str]) -> Path:
    """Return ``installed`` holding only package.json, node_modules and ``files``."""
    for old in installed.iterdir():
        if old.name not in ("package.json", "package-lock.json", "node_modules"):
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()
    write_tree(installed, files)
    return installed


def _tsc(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["npx", "--no-install", "tsc", "--noEmit", "-p", "."], cwd=root,
                          env=npm_env(), capture_output=True, text=True, timeout=300,
                          check=False)


def _request(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.parametrize("case", ["checkjs-client-branch", "ts-check-client-branch"])
def test_fixture_output_type_checks(installed: Path, case: str) -> None:
    meta = YAML(typ="safe").load((FIXTURES / case / "case.yml").read_text())
    rel = meta.get("path") or "app.js"
    if '"module"' not in meta.get("package_json", ""):
        rel = rel[:-len(".js")] + ".cjs"  # CommonJS in this `"type": "module"` project
    files = dict(meta.get("files") or {})
    # `// @ts-check` needs no checkJs: a config that only lets tsc see the JavaScript.
    files.setdefault("tsconfig.json", json.dumps({"compilerOptions": {
        "allowJs": True, "strict": True, "noEmit": True, "module": "node16",
        "moduleResolution": "node16", "skipLibCheck": True}, "include": [rel]}))
    root = _fresh(installed, files)
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text((FIXTURES / case / "input.js").read_text())
    before = _tsc(root)
    assert before.returncode == 0, before.stdout + before.stderr
    (root / rel).write_text((FIXTURES / case / "expected.js").read_text())
    after = _tsc(root)
    assert after.returncode == 0, after.stdout + after.stderr


def test_fixed_app_type_checks_and_keeps_client_statuses(installed: Path) -> None:
    # checkJs comes from a config the project's tsconfig extends (by a path without `.json`).
    root = _fresh(installed, {
        "tsconfig.base.json": '{\n  // shared\n  "compilerOptions": {"checkJs": true,},\n}\n',
        "tsconfig.json": json.dumps({"extends": "./tsconfig.base", "compilerOptions": {
            "allowJs": True, "strict": True, "noEmit": True, "module": "node16",
            "moduleResolution": "node16", "skipLibCheck": True}, "include": ["src/**/*.js"]}),
        "src/errors.js": ERRORS,
        "src/app.js": APP,
    })
    assert _tsc(root).returncode == 0
    with serve_app(root, "src/app.js") as base:
        assert _request(base + "/items", b'{"name": "' + b"x" * 200 + b'"}')[0] == 500
    fix(root, select=["error-handler"], force=True)
    fixed = (root / "src/errors.js").read_text()
    assert "/** @type {any} */ (err) || {}" in fixed, fixed
    typed = _tsc(root)
    assert typed.returncode == 0, typed.stdout + typed.stderr + fixed
    with serve_app(root, "src/app.js") as base:
        # The handler answers JSON: client errors keep its shape, with the message
        # body-parser (http-errors) marks as meant for the client (`expose`).
        status, body = _request(base + "/items", b'{"name": "' + b"x" * 200 + b'"}')
        assert (status, json.loads(body)) == (
            413, {"error": {"reason": "request entity too large"}})
        status, body = _request(base + "/items", b'{"name": ')
        assert status == 400 and set(json.loads(body)) == {"error"}, body
        assert isinstance(json.loads(body)["error"]["reason"], str), body
        assert _request(base + "/items", b'{"name": "ok"}') == (200, '{"saved":true}')
        status, body = _request(base + "/boom")
        assert (status, json.loads(body)) == (500, {"error": {"reason": "internal-error"}})
