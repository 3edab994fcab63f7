"""rate-limit: a keyGenerator that takes the right-most X-Forwarded-For entry keys on the address
the nearest proxy appends, which no client chooses behind a proxy that appends to the header.
Where the project shows a proxy in front it is not reported; where it shows none, the message
says that the entry is the client's own only when clients reach the app directly. Left-most
entries and the whole header stay reported as client-chosen."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_json, write_tree

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0", "express-rate-limit": "^7.4.0"}}'
TS_PACKAGE = ('{"name": "p", "dependencies": {"express": "^4.21.0", '
              '"express-rate-limit": "^7.4.0"}, "devDependencies": {"typescript": "^5.4.0"}}')
NGINX = ("server {\n  listen 80;\n  location / {\n"
         "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
         "    proxy_pass http://api:3000;\n  }\n}\n")
CLIENT_CHOSEN = "which any client sends"
RIGHT_MOST = "key is the right-most"

RIGHT_MOST_KEYS = {
    "length-index": ("(req) => {\n"
                     "    const xff = req.headers['x-forwarded-for'];\n"
                     "    if (!xff) return req.ip;\n"
                     "    const hops = String(xff).split(',');\n"
                     "    return hops[hops.length - 1].trim();\n"
                     "  }"),
    "pop": "(req) => (req.headers['x-forwarded-for'] || '').split(',').pop().trim() || req.ip",
    "at": "(req) => req.get('X-Forwarded-For')?.split(/\\s*,\\s*/).at(-1) ?? req.ip",
    "slice-mapped": ("(req) => {\n"
                     "    const xff = req.header('x-forwarded-for');\n"
                     "    return xff ? xff.split(',').map((s) => s.trim()).slice(-1)[0] : req.ip;\n"
                     "  }"),
}

LEFT_MOST_KEYS = {
    "first-index": "(req) => (req.headers['x-forwarded-for'] || req.ip).split(',')[0].trim()",
    "shift": "(req) => String(req.headers['x-forwarded-for']).split(',').shift()",
    "destructured": ("(req) => {\n"
                     "    const [client] = (req.headers['x-forwarded-for'] || '').split(',');\n"
                     "    return client || req.ip;\n"
                     "  }"),
    "whole-header": "(req) => req.headers['x-forwarded-for'] || req.ip",
    "popped-twice": ("(req) => {\n"
                     "    const hops = (req.headers['x-forwarded-for'] || '').split(',');\n"
                     "    hops.pop();\n"
                     "    return hops.pop() || req.ip;\n"
                     "  }"),
    "right-most-and-whole": ("(req) => req.headers['x-forwarded-for'].split(',').pop() + "
                             "req.headers['x-forwarded-for']"),
}


def app_js(key: str, extra: str = "") -> str:
    return ("const express = require('express');\n"
            "const { rateLimit } = require('express-rate-limit');\n\n"
            f"const app = express();\n{extra}"
            f"const limiter = rateLimit({{\n  limit: 100,\n  keyGenerator: {key},\n}});\n"
            "app.use(limiter);\n"
            "app.get('/', (req, res) => res.send('ok'));\n"
            "app.listen(3000);\n")


def key_findings(root: Path) -> list[dict]:
    report = check_json(root, "--select", "rate-limit", "--no-cache")
    return [f for f in report["findings"] if "limiter's key" in f["message"]]


@pytest.mark.parametrize("key", RIGHT_MOST_KEYS.values(), ids=RIGHT_MOST_KEYS.keys())
@pytest.mark.parametrize("proxy", [
    {"deploy/nginx.conf": NGINX},
    {"docker-compose.yml": "services:\n  api:\n    build: .\n  proxy:\n    image: nginx:1.27\n"},
    {"Procfile": "web: node app.js\n"},
], ids=["nginx-conf", "compose-proxy", "platform"])
def test_right_most_entry_behind_a_proxy_is_not_reported(tmp_path: Path, key: str,
                                                        proxy: dict) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app_js(key), **proxy})
    assert key_findings(root) == []


def test_right_most_entry_with_trust_proxy_set_is_not_reported(tmp_path: Path) -> None:
    app = app_js(RIGHT_MOST_KEYS["pop"], "app.set('trust proxy', 1);\n")
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app})
    assert key_findings(root) == []


def test_typed_header_value_narrowed_to_a_string(tmp_path: Path) -> None:
    key = ("(req) => {\n"
           "    const xff = req.headers['x-forwarded-for'];\n"
           "    if (xff) {\n"
           "      const parts = (Array.isArray(xff) ? xff[0] : xff).split(',');\n"
           "      return parts[parts.length - 1].trim();\n"
           "    }\n"
           "    return req.ip || 'unknown';\n"
           "  }")
    app = app_js(key).replace("const express = require('express');\n"
                              "const { rateLimit } = require('express-rate-limit');\n",
                              "import express from 'express';\n"
                              "import { rateLimit } from 'express-rate-limit';\n")
    root = write_tree(tmp_path / "p", {"package.json": TS_PACKAGE, "src/main.ts": app})
    found = key_findings(root)
    assert len(found) == 1 and RIGHT_MOST in found[0]["message"], found
    write_tree(root, {"deploy/nginx.conf": NGINX})
    assert key_findings(root) == []


@pytest.mark.parametrize("key", RIGHT_MOST_KEYS.values(), ids=RIGHT_MOST_KEYS.keys())
def test_right_most_entry_without_a_proxy_says_when_the_client_writes_it(tmp_path: Path,
                                                                         key: str) -> None:
    # The key function's own read of the header is no sign of a proxy.
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app_js(key)})
    found = key_findings(root)
    assert len(found) == 1, found
    message = found[0]["message"]
    assert message.startswith("this limiter's key is the right-most X-Forwarded-For entry: a "
                              "proxy in front that appends to that header writes it")
    assert "nothing in the project shows a proxy in front of the app" in message
    assert "where clients reach the app directly they write the whole header" in message
    assert "req.ip with app.set('trust proxy', 1) is the same key" in message
    assert CLIENT_CHOSEN not in message
    assert found[0]["line"] == 7 and found[0]["fix"] is None


def test_another_read_of_a_proxy_header_shows_a_proxy(tmp_path: Path) -> None:
    extra = ("app.use((req, res, next) => {\n"
             "  if (req.get('x-forwarded-proto') === 'http') return res.redirect('https://x');\n"
             "  next();\n});\n")
    app = app_js(RIGHT_MOST_KEYS["length-index"], extra)
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app})
    assert key_findings(root) == []


def test_another_limiters_key_shows_no_proxy(tmp_path: Path) -> None:
    # A second limiter keyed on the left-most entry reads the header too: no sign of a proxy.
    app = app_js(RIGHT_MOST_KEYS["pop"]).replace(
        "app.use(limiter);\n",
        "app.use(limiter);\nconst strict = rateLimit({ limit: 5, keyGenerator: "
        f"{LEFT_MOST_KEYS['first-index']} }});\napp.use('/login', strict);\n")
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app})
    messages = sorted(f["message"][:40] for f in key_findings(root))
    assert messages == ["this limiter's key is the right-most X-F",
                        "this limiter's key reads the x-forwarded"], messages


@pytest.mark.parametrize("key", LEFT_MOST_KEYS.values(), ids=LEFT_MOST_KEYS.keys())
def test_left_most_entry_or_whole_header_stays_client_chosen(tmp_path: Path, key: str) -> None:
    root = write_tree(tmp_path / "p", {"package.json": PACKAGE, "app.js": app_js(key),
                                       "deploy/nginx.conf": NGINX})
    found = key_findings(root)
    assert len(found) == 1, found
    assert "reads the x-forwarded-for request header, which any client sends" \
        in found[0]["message"]
    assert RIGHT_MOST not in found[0]["message"]
