"""rate-limit: a limiter whose keyGenerator reads a client-address header (X-Forwarded-For,
CF-Connecting-IP, X-Real-IP…) is reported without a fix: any client sends those headers, so a
new value per request gets a fresh bucket unless a proxy in front overwrites them. Keys from
req.ip, the user or a token are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_json, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0", "express-rate-limit": "^7.4.0"}}'


def app_js(limiter: str) -> str:
    return ("const express = require('express');\n"
            "const { rateLimit } = require('express-rate-limit');\n"
            f"{limiter}\n"
            "const app = express();\n"
            "app.use(limiter);\n"
            "app.get('/', (req, res) => res.send('ok'));\n"
            "app.listen(3000);\n")


def header_findings(tmp_path: Path, limiter: str) -> list[dict]:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app_js(limiter)})
    report = check_json(root, "--select", "rate-limit")
    return [f for f in report["findings"] if "request header" in f["message"]]


@pytest.mark.parametrize("limiter,header", [
    ("const limiter = rateLimit({ limit: 10, keyGenerator: (req) => "
     "req.headers['x-forwarded-for'] || req.ip });", "x-forwarded-for"),
    ("const limiter = rateLimit({ limit: 10, keyGenerator(req) { "
     "return req.get('X-Real-IP'); } });", "x-real-ip"),
    ("function keyOf(req) {\n  return req.user ? req.user.id : req.header('cf-connecting-ip') || "
     "req.ip;\n}\nconst limiter = rateLimit({ limit: 10, keyGenerator: keyOf });\n"
     "const strict = rateLimit({ limit: 3, keyGenerator: keyOf });", "cf-connecting-ip"),
], ids=["inline-arrow", "method", "named-function-shared"])
def test_a_key_from_a_client_address_header_is_reported(tmp_path: Path, limiter: str,
                                                        header: str) -> None:
    found = header_findings(tmp_path, limiter)
    assert len(found) == 1, found
    assert f"reads the {header} request header" in found[0]["message"]
    assert found[0]["fix"] is None


@pytest.mark.parametrize("limiter", [
    "const limiter = rateLimit({ limit: 10, keyGenerator: (req) => req.ip });",
    "const limiter = rateLimit({ limit: 10, keyGenerator: (req) => req.user.id });",
    "const limiter = rateLimit({ limit: 10, keyGenerator: (req) => "
    "req.headers['x-api-key'] || req.ip });",
    "const limiter = rateLimit({ limit: 10 });",
], ids=["req-ip", "user", "api-key-header", "default-key"])
def test_other_keys_are_not_reported(tmp_path: Path, limiter: str) -> None:
    assert header_findings(tmp_path, limiter) == []
