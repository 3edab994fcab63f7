"""End to end for TypeScript: after `nodeharden fix --unsafe`, the legacy TypeScript app still
type-checks with `tsc` (strict, CommonJS output), and the compiled app serves security.txt
(read with __dirname, as CommonJS output needs) and signs tokens with the secret from the
environment."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, have_node, npm_env, npm_install, run_cli

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="needs node and npm")]


def _tsc(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["npx", "--no-install", "tsc", *args], cwd=root, env=npm_env(),
                          capture_output=True, text=True, timeout=300)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), \
                response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode()


def test_fixed_typescript_app_type_checks_and_runs(tmp_path: Path) -> None:
    root = tmp_path / "ts-api"
    shutil.copytree(REPO / "tests" / "apps" / "typescript", root)
    (root / ".nodeharden.yml").write_text("security_txt:\n  contact: mailto:sec@example.com\n")
    npm_install(root)
    before = _tsc(root, "--noEmit")
    assert before.returncode == 0, before.stdout

    proc = run_cli("fix", root, "--unsafe")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((root / "package.json").read_text())["dependencies"]["helmet"]
    npm_install(root)
    after = _tsc(root, "--noEmit")
    assert after.returncode == 0, after.stdout

    build = _tsc(root, "--outDir", "dist")
    assert build.returncode == 0, build.stdout
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "NODE_ENV": "production", "JWT_SECRET": "s3cret"}
    server = subprocess.Popen(["node", "dist/index.js"], cwd=root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                time.sleep(0.1)
        status, content_type, body = _get(base + "/.well-known/security.txt")
        assert status == 200 and content_type.startswith("text/plain")
        assert "Contact: mailto:sec@example.com" in body
        # /token signs with the secret from the environment now, not the literal.
        request = urllib.request.Request(base + "/token", data=b"user=ada", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200 and "token" in json.loads(response.read())
    finally:
        server.kill()
        server.wait(timeout=10)
