"""node-env: ``ENV NODE_ENV=production`` is unsafe when the app's own code (not its tests) refuses
to start in production: an ``if`` whose branch, taken when NODE_ENV is production, throws or
calls ``process.exit`` (``if (prod && ENCRYPTION_KEY === 'dev') throw …``). An image run as it
is today, without the variables that branch needs, would stop starting. Each unsafe case is
also run with real node: it starts without NODE_ENV and stops with NODE_ENV=production, so the
premise the rule relies on holds for the code it flags. Code that only changes what it does in
production (Express settings, a request handler that throws) keeps the safe fix."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import write_tree

from nodeharden._api import check

DOCKERFILE = """FROM node:22-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
"""
SAFE_TITLE = "Set ENV NODE_ENV=production in the final stage"
PACKAGE = json.dumps({"name": "web", "dependencies": {"express": "^5.1.0"}})

# A settings module: the mode in a variable, a flag bound to the production test, a start-up
# check on a default secret.
SECRETS = """
const ENVIRONMENT = process.env.NODE_ENV;
const prod = ENVIRONMENT === "production";
const SIGNING_KEY = process.env.SIGNING_KEY || "dev";
if (prod && SIGNING_KEY === "dev") {
  throw new Error("Cannot use SIGNING_KEY=dev in production");
}
module.exports = { SIGNING_KEY };
"""
# process.exit in the production branch, the test written the other way round
EXITS = """
if ("production" == process.env.NODE_ENV && !process.env.SESSION_SECRET) {
  console.error("SESSION_SECRET is required in production");
  process.exit(1);
}
"""
# destructured NODE_ENV, the check inside a forEach callback (which runs right there)
REQUIRED = """
const { NODE_ENV } = process.env;
if (NODE_ENV === "production") {
  ["DATABASE_URL", "MAIL_HOST"].forEach((name) => {
    if (!process.env[name]) throw new Error(`${name} must be set`);
  });
}
"""
# `!== 'production'` under a `!` is a production test too
DOUBLE_NEGATION = """
if (!(process.env.NODE_ENV !== "production") && !process.env.API_TOKEN) {
  throw new Error("API_TOKEN is required");
}
"""
UNSAFE_CASES = [
    ("src/settings.js", SECRETS, 5),
    ("config.js", EXITS, 3),
    ("lib/env.js", REQUIRED, 4),
    ("boot.js", DOUBLE_NEGATION, 2),
]

SAFE_CASES = [
    # Express-only production settings
    {"server.js": "const express = require('express');\nconst app = express();\n"
                  "if (process.env.NODE_ENV === 'production') {\n"
                  "  app.set('trust proxy', 1);\n  app.set('view cache', true);\n}\n"
                  "app.listen(3000);\n"},
    # the branch that throws is the one taken outside production
    {"config.js": "if (process.env.NODE_ENV !== 'production' && !process.env.DEV_KEY) {\n"
                  "  throw new Error('DEV_KEY is required in development');\n}\n"},
    # a request handler defined in the production branch throws at request time, not at start
    {"server.js": "const app = require('express')();\n"
                  "if (process.env.NODE_ENV === 'production') {\n"
                  "  app.use((req, res, next) => {\n"
                  "    if (!req.secure) throw new Error('https only');\n    next();\n  });\n}\n"},
    # a test helper is not the image's app
    {"test/setup.js": "if (process.env.NODE_ENV === 'production') {\n"
                      "  throw new Error('never run the tests against production');\n}\n"},
    # the production branch logs and goes on
    {"config.js": "if (process.env.NODE_ENV === 'production' && !process.env.SECRET) {\n"
                  "  console.warn('SECRET is not set');\n}\n"},
]


def _fix(tmp_path: Path, files: dict[str, str]) -> tuple[str, str]:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "Dockerfile": DOCKERFILE,
                                       **files})
    report = check(root, select=["node-env"])
    assert not report.failed, report.failed
    found = [f for f in report.findings if f.path == "Dockerfile"]
    assert len(found) == 1, found
    assert found[0].fix is not None
    return found[0].fix.applicability, found[0].fix.title


@pytest.mark.parametrize("rel, code, line", UNSAFE_CASES)
def test_production_start_check_makes_the_fix_unsafe(tmp_path: Path, rel: str, code: str,
                                                     line: int) -> None:
    applicability, title = _fix(tmp_path, {rel: code})
    assert applicability == "unsafe"
    assert f"(unsafe: {rel}:{line} " in title
    assert "on the production branch of `if (" in title
    assert "would stop starting" in title


def test_typescript_settings_module(tmp_path: Path) -> None:
    code = SECRETS.replace("const ENVIRONMENT", "export const ENVIRONMENT").replace(
        "module.exports = { SIGNING_KEY };", "export { SIGNING_KEY };")
    applicability, title = _fix(tmp_path, {"src/util/secrets.ts": code})
    assert applicability == "unsafe"
    assert "src/util/secrets.ts:5 throws on the production branch of " \
           "`if (prod && SIGNING_KEY === \"dev\")`" in title


@pytest.mark.parametrize("files", SAFE_CASES)
def test_no_start_check_keeps_the_safe_fix(tmp_path: Path, files: dict[str, str]) -> None:
    assert _fix(tmp_path, files) == ("safe", SAFE_TITLE)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("rel, code, line", UNSAFE_CASES)
def test_flagged_code_really_stops_in_production(tmp_path: Path, rel: str, code: str,
                                                 line: int) -> None:
    root = write_tree(tmp_path / "run", {rel: code})
    env = {k: v for k, v in os.environ.items()
           if k not in ("NODE_ENV", "SIGNING_KEY", "SESSION_SECRET", "DATABASE_URL",
                        "MAIL_HOST", "API_TOKEN")}
    before = subprocess.run(["node", rel], cwd=root, env=env, capture_output=True, timeout=60,
                            check=False)
    assert before.returncode == 0, before.stderr
    after = subprocess.run(["node", rel], cwd=root, env={**env, "NODE_ENV": "production"},
                           capture_output=True, timeout=60, check=False)
    assert after.returncode != 0
