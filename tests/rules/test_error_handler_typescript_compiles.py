"""error-handler in TypeScript, checked by the real compiler: the handler it inserts declares
no ``any`` (typescript-eslint's recommended rules reject it) and type-checks under ``strict``
with Express's own types (and under ``noUnusedParameters``), and the compiled app answers a
thrown error with 500 and the standard text, and a client error with its own status."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import CODEMODS, npm_env, npm_install, serve_app, write_tree
from nodeharden._api import fix

pytestmark = pytest.mark.slow

APP = """import express from 'express';
import { Router } from 'express';

const app = express();
const api = Router();
api.get('/boom', () => {
  throw new Error('secret detail');
});
api.get('/teapot', () => {
  throw Object.assign(new Error('no coffee'), { status: 418 });
});
app.use('/api', api);

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
"""


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ts-error-handler")
    write_tree(root, {
        "package.json": json.dumps({
            "name": "ts-app", "private": True,
            "dependencies": {"express": "^5.1.0", "pino-http": "^11.0.0"},
            "devDependencies": {"@types/express": "^5.0.3", "@types/node": "^22.0.0",
                                "typescript": "^5.9.3"}}) + "\n",
        "tsconfig.json": json.dumps({"compilerOptions": {
            "strict": True, "module": "commonjs", "target": "es2022", "esModuleInterop": True,
            "outDir": "dist", "rootDir": "src", "skipLibCheck": True}}) + "\n",
        # A project that turns on TS6133 for parameters and locals: the inserted handler
        # names the parameters it does not read with a leading underscore (`_req`).
        "tsconfig.unused.json": json.dumps({"extends": "./tsconfig.json", "compilerOptions": {
            "noUnusedParameters": True, "noUnusedLocals": True}}) + "\n",
    })
    npm_install(root)
    return root


def _tsc(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["npx", "--no-install", "tsc", *args], cwd=root, env=npm_env(),
                          capture_output=True, text=True, timeout=300)


def test_fixture_output_type_checks(project: Path) -> None:
    src = project / "src"
    src.mkdir(exist_ok=True)
    for old in src.iterdir():
        old.unlink()
    (src / "app.ts").write_text((CODEMODS / "error-handler/fixtures/typescript/expected.ts")
                                .read_text())
    proc = _tsc(project, "--noEmit")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_fixed_app_type_checks_and_answers_errors(project: Path) -> None:
    src = project / "src"
    src.mkdir(exist_ok=True)
    for old in src.iterdir():
        old.unlink()
    (src / "app.ts").write_text(APP)
    assert _tsc(project, "--noEmit").returncode == 0
    fix(project, select=["error-handler"], force=True)
    fixed = (src / "app.ts").read_text()
    assert "app.use(\n  (\n    err: " in fixed and ": any" not in fixed, fixed
    unused = _tsc(project, "--noEmit", "-p", "tsconfig.unused.json")
    assert unused.returncode == 0, unused.stdout + unused.stderr + fixed
    build = _tsc(project)
    assert build.returncode == 0, build.stdout + build.stderr + fixed
    with serve_app(project, "dist/app.js") as base:
        assert _get(base + "/api/boom") == (500, {"error": "Internal Server Error"})
        assert _get(base + "/api/teapot") == (418, {"error": "I'm a Teapot"})


def test_handler_logging_through_pino_http_type_checks(project: Path) -> None:
    # With pino-http the handler hands a 500's error to the access log line (`res.err`) when
    # the request has its logger (`req.log`): both typed by pino-http's own declarations.
    src = project / "src"
    src.mkdir(exist_ok=True)
    for old in src.iterdir():
        old.unlink()
    (src / "app.ts").write_text(APP.replace(
        "import { Router } from 'express';\n",
        "import { Router } from 'express';\nimport pinoHttp from 'pino-http';\n").replace(
        "const api = Router();\n", "const api = Router();\napp.use(pinoHttp());\n"))
    assert _tsc(project, "--noEmit").returncode == 0
    fix(project, select=["error-handler"], force=True)
    fixed = (src / "app.ts").read_text()
    assert "res.err = err;" in fixed and "if (req.log) {" in fixed, fixed
    unused = _tsc(project, "--noEmit", "-p", "tsconfig.unused.json")
    assert unused.returncode == 0, unused.stdout + unused.stderr + fixed
    build = _tsc(project)
    assert build.returncode == 0, build.stdout + build.stderr + fixed
    with serve_app(project, "dist/app.js") as base:
        assert _get(base + "/api/boom") == (500, {"error": "Internal Server Error"})
        assert _get(base + "/api/teapot") == (418, {"error": "I'm a Teapot"})


@pytest.mark.parametrize("case", ["typescript-error-logged-through-alias",
                                  "typescript-logger-takes-unknown-unproven"])
def test_project_logger_fixtures_type_check(project: Path, case: str) -> None:
    # A handler or catch whose error is `unknown` gets no `log.error(err)` for a logger whose
    # parameter is `string` or `string | Error` (TS2345 under any strictness): the expected
    # outputs compile under `strict`, and the call the fix leaves out would not.
    from ruamel.yaml import YAML

    folder = CODEMODS / "error-handler/fixtures" / case
    files = YAML(typ="safe").load((folder / "case.yml").read_text())["files"]
    src = project / "src"
    src.mkdir(exist_ok=True)
    for old in src.iterdir():
        old.unlink()
    for rel, body in files.items():
        (src / rel).write_text(body)
    expected = (folder / "expected.ts").read_text()
    (src / "app.ts").write_text(expected)
    proc = _tsc(project, "--noEmit")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    anchor, logged = (("  log.info(trace);\n", "  log.error(err);\n")
                      if "log.info(trace);" in expected
                      else ("  } catch (e) {\n", "    log.error(e);\n"))
    assert anchor in expected
    broken = expected.replace(anchor, anchor + logged, 1)
    (src / "app.ts").write_text(broken)
    proc = _tsc(project, "--noEmit")
    assert proc.returncode != 0 and "TS2345" in proc.stdout, proc.stdout + broken
