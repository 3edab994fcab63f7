"""Issue 15, for session-cookie, hardcoded-secret, node-env, security-txt, body-limit and
password-hash: what the findings say (the reason a fix is unsafe or missing is part of the
behaviour), and the config keys they read. Fixtures cover the edits themselves."""

from __future__ import annotations

from pathlib import Path

from nodeharden._api import check, fix

from conftest import run_cli, write_tree

EXPRESS = '{"name": "t", "dependencies": {"express": "^5.1.0", "express-session": "^1.18.0"}}\n'

SESSION_APP = """
const express = require('express');
const session = require('express-session');
const app = express();
app.use(session({ name: 'app.sid', secret: process.env.S, resave: false, saveUninitialized: false }));
module.exports = app;
"""


def _messages(root: Path, rule: str) -> list[tuple[int, str, str | None, str | None]]:
    report = check(root, select=[rule])
    assert not report.failed, report.failed
    return sorted((f.line, f.message, f.fix.applicability if f.fix else None,
                   f.fix.title if f.fix else None) for f in report.findings)


def test_session_secure_without_a_trusted_proxy_is_unsafe_and_says_why(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS, "app.js": SESSION_APP})
    [flags, secure] = _messages(root, "session-cookie")
    assert flags[1].startswith("express-session cookie sets no `sameSite`:") and flags[2] == "safe"
    assert secure[2] == "unsafe" and "sets no `trust proxy`" in (secure[3] or "") \
        and "`trust_proxy` in .nodeharden.yml" in (secure[3] or "")
    for unsafe in (False, True):
        result = fix(root, dry_run=True, select=["session-cookie"], unsafe=unsafe).plan
        assert all(b"trust proxy" not in data for data in result.final.values())


def test_declared_trust_proxy_makes_secure_auto_safe_without_touching_req_ip(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS, "app.js": SESSION_APP,
                                       ".nodeharden.yml": "trust_proxy: 2\n"})
    [flags] = _messages(root, "session-cookie")
    assert flags[2] == "safe" and "secure: 'auto'" in (flags[3] or "")
    result = fix(root, dry_run=True, select=["session-cookie"]).plan
    text = result.final["app.js"].decode()
    assert "cookie: { secure: 'auto', sameSite: 'lax' }, proxy: true" in text
    assert "trust proxy" not in text


def test_trust_proxy_config_is_validated_in_one_line(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS, "app.js": SESSION_APP,
                                       ".nodeharden.yml": "trust_proxy: 0\n"})
    proc = run_cli("check", root)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "trust_proxy" in proc.stderr


def test_secret_messages_name_fallbacks_and_public_values(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": EXPRESS,
        "app.js": """
            const express = require('express');
            const session = require('express-session');
            const jwt = require('jsonwebtoken');
            const pkg = require('./package.json');
            const app = express();
            app.use(session({ secret: pkg.name, resave: false, saveUninitialized: false }));
            app.get('/t', (req, res) => res.json({ t: jwt.sign({}, process.env.JWT_SECRET ?? 'dev') }));
            app.get('/v', (req, res) => res.json({ v: pkg.version }));
            module.exports = app;
        """,
    })
    got = _messages(root, "hardcoded-secret")
    assert [(line, message.split(":")[0]) for line, message, _, _ in got] == [
        (6, "session secret is a public package.json value"),
        (7, "hard-coded fallback JWT secret"),
    ]
    assert all(applicability == "unsafe" and "random per-process secret" in (title or "")
               for _, _, applicability, title in got)


def test_body_limit_messages_say_how_much_is_accepted(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": EXPRESS,
        "app.js": """
            const express = require('express');
            const multer = require('multer');
            const app = express();
            app.use(express.json());
            app.use(express.text({ type: '*/*' }));
            app.use(express.urlencoded({ limit: Infinity }));
            app.use(express.raw({ type: '*/*', limit: '2mb' }));
            const upload = multer({ dest: 'tmp/' });
            module.exports = { app, upload };
        """,
    })
    assert [(line, message) for line, message, _, _ in _messages(root, "body-limit")] == [
        (6, "express.urlencoded() accepts bodies of any size (`limit: Infinity`): a few "
            "concurrent requests hold that much memory each"),
        (7, "express.raw() accepts bodies up to 2mb (`limit: '2mb'`), above 1mb for every "
            "content type (`type: '*/*'` buffers every request's body): a few concurrent "
            "requests hold that much memory each"),
        (8, "multer upload accepts files of any size, above upload_limit_max 10mb: one request "
            "can fill memory or disk"),
    ]


def test_node_env_declines_with_the_reason_when_compose_tests_the_image(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": EXPRESS,
        "docker/api.Dockerfile": "FROM node:20-slim\nCOPY . .\nCMD [\"node\", \"app.js\"]\n",
        "docker-compose.yml": """
            services:
              test:
                build:
                  context: .
                  dockerfile: docker/api.Dockerfile
                command: ["npm", "test"]
        """,
    })
    [(line, message, applicability, _)] = _messages(root, "node-env")
    assert line == 1 and applicability is None
    assert "not fixed: docker-compose.yml runs the test suite in this image (service `test`)" \
        in message


def test_security_txt_never_publishes_the_package_author(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": '{"name": "t", "author": "Jane <jane@example.org>", '
                        '"dependencies": {"express": "^5.1.0"}}\n',
        "Procfile": "web: node app.js\n",  # deployed as a service: security.txt is due
        "app.js": "const express = require('express');\nconst app = express();\n",
    })
    [(_, message, applicability, _)] = _messages(root, "security-txt")
    assert applicability is None and "package.json authors are never published" in message
    (root / "SECURITY.md").write_text("# Security\n\nWrite to security@example.org, please.\n")
    result = fix(root, dry_run=True, select=["security-txt"]).plan
    text = result.final[".well-known/security.txt"].decode()
    assert text.startswith("Contact: mailto:security@example.org\n") and "jane" not in text


def test_password_confirmation_is_not_a_stored_password_comparison(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": EXPRESS,
        "app.js": """
            module.exports = (req, res) => {
              if (req.body.password !== req.body.password2) return res.status(400).end();
              const { newPassword, newPasswordAgain } = req.body;
              if (newPassword != newPasswordAgain) return res.status(400).end();
              if (req.user.password === req.body.password) return res.status(409).end();
            };
        """,
    })
    assert [line for line, *_ in _messages(root, "password-hash")] == [5]
