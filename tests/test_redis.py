"""Generated apps running as several instances against one real redis-server (issue 8).

One app (ESM, Redis rate limit store, sessions) is rendered and installed once; the test starts
its own redis-server on a free loopback port and two instances of the app, and proves that they
share one rate limit and one session store, survive a Redis outage on their in-memory insurance
limiters (logging it once), and share limits again once Redis is back.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_template import free_port, npm, render, template_cache  # noqa: F401

POINTS = 6
OUTAGE_LINE = "redis unreachable"


def request(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as res:
            return res.status, {k.lower(): v for k, v in res.headers.items()}, res.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read().decode()


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def wait_for(predicate: object, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():  # type: ignore[operator]
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


class RedisServer:
    def __init__(self, binary: str, port: int) -> None:
        self.binary, self.port = binary, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        cli = shutil.which("redis-cli")

        def pong() -> bool:
            assert self.proc is not None and self.proc.poll() is None, "redis-server exited"
            if cli is None:
                import socket
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            out = subprocess.run([cli, "-p", str(self.port), "ping"], capture_output=True,
                                 text=True, timeout=5, check=False)
            return out.stdout.strip() == "PONG"

        wait_for(pong, "redis-server")

    def stop(self) -> None:
        stop(self.proc)
        self.proc = None


@pytest.fixture(scope="module")
def redis_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (Debian package redis-server; .ci/run installs it)")
    app = render(tmp_path_factory.mktemp("redis") / "app", rate_limit_store="redis",
                 sessions="true")
    proc = npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return app


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    assert binary is not None
    server = RedisServer(binary, free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_two_instances_share_limits_and_sessions_and_survive_an_outage(
        redis_app: Path, redis_server: RedisServer, tmp_path: Path) -> None:
    instances: list[tuple[str, Path, subprocess.Popen[bytes]]] = []

    def start_instance(name: str, **env: str) -> str:
        port = free_port()
        log = tmp_path / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                ["node", "src/server.js"], cwd=redis_app, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, "NODE_ENV": "production", "HOST": "127.0.0.1",
                     "PORT": str(port), "METRICS_PORT": "off", "LOG_LEVEL": "info",
                     "TRUST_PROXY": "1", "REDIS_URL": f"redis://127.0.0.1:{redis_server.port}",
                     "RATE_LIMIT_POINTS": str(POINTS), "RATE_LIMIT_DURATION_SECONDS": "300",
                     "SESSION_SECRET": "redis-test-session-secret-0123456789abcdef", **env},
            )
        instances.append((f"http://127.0.0.1:{port}", log, proc))
        return f"http://127.0.0.1:{port}"

    try:
        start_instance("a")
        start_instance("b")

        def health(base: str) -> dict[str, str]:
            status, _, body = request(f"{base}/healthz")
            assert status == 200, body
            parsed: dict[str, str] = json.loads(body)
            return parsed

        for base, log, proc in instances:
            wait_for(lambda b=base, p=proc, lg=log: (p.poll() is None or pytest.fail(lg.read_text()))
                     and health(b) == {"status": "ok", "redis": "up"}, f"{base} with redis up",
                     timeout=60)
            status, _, body = request(f"{base}/readyz")
            assert status == 200 and json.loads(body)["redis"] == "up"
        bases = [base for base, _, _ in instances]

        def alternate(client_ip: str, count: int) -> list[int]:
            return [request(f"{bases[i % 2]}/", {"X-Forwarded-For": client_ip})[0]
                    for i in range(count)]

        # One shared limit: the configured total across both instances, not twice that.
        assert alternate("203.0.113.1", POINTS + 2) == [200] * POINTS + [429, 429]

        # A session created through A is valid on B: B accepts A's CSRF token, which is bound
        # to the session that only A has seen.
        https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.2"}
        status, headers, body = request(f"{bases[0]}/csrf-token", https)
        assert status == 200, body
        cookie = headers["set-cookie"].split(";")[0]
        assert cookie.startswith("__Host-sid=")
        token = json.loads(body)["token"]
        req = urllib.request.Request(
            f"{bases[1]}/api/items", method="POST", data=b'{"name":"shared"}',
            headers={**https, "Cookie": cookie, "X-CSRF-Token": token,
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as res:
            assert res.status == 201
        # ...and the same request without the session is refused on B (the check can fail).
        del req.headers["Cookie"]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(req, timeout=5)
        assert refused.value.code == 403

        # Redis goes away: both instances keep answering on their insurance limiters.
        redis_server.stop()
        for base in bases:
            wait_for(lambda b=base: health(b)["redis"] == "down", f"{base} to notice the outage")
            status, _, body = request(f"{base}/readyz")
            assert status == 200 and json.loads(body) == {"status": "ok", "redis": "down"}
        # A strict instance (REDIS_STRICT=true) started during the outage is alive but not ready.
        strict = start_instance("strict", REDIS_STRICT="true")
        wait_for(lambda: health(strict) == {"status": "ok", "redis": "down"}, "strict instance",
                 timeout=60)
        status, _, body = request(f"{strict}/readyz")
        assert status == 503 and json.loads(body) == {"status": "unavailable", "redis": "down"}
        # Sessions cannot be read while Redis is down; requests without one are served.
        status, _, _ = request(f"{bases[0]}/csrf-token", {**https, "Cookie": cookie})
        assert status == 500
        statuses = alternate("203.0.113.3", 2 * POINTS + 2)
        # Each instance now counts on its own: POINTS each, so 2 * POINTS pass in total.
        assert statuses == [200] * (2 * POINTS) + [429, 429], statuses
        time.sleep(3)  # several reconnect attempts fail meanwhile
        for _, log, _ in instances[:2]:
            assert log.read_text().count(OUTAGE_LINE) == 1, log.read_text()[-3000:]

        # Redis is back on the same port: shared limiting resumes without restarting the apps.
        redis_server.start()
        for base in bases:
            wait_for(lambda b=base: health(b)["redis"] == "up", f"{base} to reconnect", timeout=30)
        assert alternate("203.0.113.4", POINTS + 2) == [200] * POINTS + [429, 429]
        wait_for(lambda: request(f"{strict}/readyz")[0] == 200, "strict instance ready", timeout=30)
        for _, log, proc in instances[:2]:
            assert proc.poll() is None, log.read_text()[-3000:]
            text = log.read_text()
            assert text.count(OUTAGE_LINE) == 1 and "redis reachable again" in text, text[-3000:]
    finally:
        for _, _, proc in instances:
            stop(proc)
        for base, log, _ in instances:  # shown by pytest when the test fails
            print(f"--- {base} log ---\n{log.read_text()[-4000:]}")
