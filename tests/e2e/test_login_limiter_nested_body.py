"""The login limiter keys its per-account count by the account a login is for, also when the
client nests the credentials under ``user`` (``{ "user": { "email", "password" } }``, the
RealWorld API shape): one account's failed logins do not lock another account out."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import have_node, npm_install, run_cli, serve_app, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="node and npm are needed")]

LOGIN_POINTS = 3

APP = """
    const express = require('express');

    const app = express();
    app.use(express.json());

    // Failed logins reach the error handler through next(err) with a 422.
    app.post('/api/users/login', (req, res, next) => {
      const { email, password } = req.body.user || {};
      if (email === 'alice@example.com' && password === 'right') {
        res.json({ user: { email } });
        return;
      }
      const error = new Error('email or password is invalid');
      error.status = 422;
      next(error);
    });

    app.use((err, req, res, next) => {
      res.status(err.status || 500).json({ errors: { body: [err.message] } });
    });

    const server = app.listen(0, '127.0.0.1', () => {
      console.log('listening ' + server.address().port);
    });
    """


def post(url: str, email: str) -> int:
    body = json.dumps({"user": {"email": email, "password": "wrong"}}).encode()
    request = urllib.request.Request(url + "/api/users/login", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_nested_credentials_get_their_own_account_count(tmp_path: Path) -> None:
    root = tmp_path / "app"
    write_tree(root, {
        "package.json": json.dumps({"name": "nested-login", "private": True,
                                    "dependencies": {"express": "^4.21.2"}}),
        ".nodeharden.yml": f"rate_limit:\n  points: 1000\n  duration: 60\n"
                           f"  login_points: {LOGIN_POINTS}\n  login_duration: 60\n",
        "app.js": APP,
    })
    proc = run_cli("fix", root, "--select", "rate-limit", "--unsafe")
    assert proc.returncode == 0, proc.stderr
    assert "loginLimiter" in (root / "app.js").read_text()
    npm_install(root)
    with serve_app(root) as url:
        alice = [post(url, "alice@example.com") for _ in range(LOGIN_POINTS + 1)]
        assert alice == [422] * LOGIN_POINTS + [429]
        # Another account from the same address has its own count.
        assert post(url, "bob@example.com") == 422
