"""input-validation: a guard counts only for the very value it tested and only when it ends the
request. Review of c22bfcb/f70d6b0/c78f153: a one-segment pattern tested before decoding, an
escape JavaScript reads as '/', a helper that replaced its parameter before its test, and a
typeof test answered 422 on both arms without return each hid a real flaw. These tests run the
shapes in a real Express app: what the rule reports really leaks (or goes on with a non-string),
what it leaves quiet really turns the attacks away."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, npm_install, serve_app, write_tree

from nodeharden import check

#: These tests are about robustness-only findings too: the option that reports them.
ROBUSTNESS = "input_validation: {robustness: true}\n"

FILES_APP = r"""const express = require('express');
const fs = require('fs');
const path = require('path');

const app = express();
const DIR = path.join(__dirname, 'files');

app.get('/decoded', (req, res) => {
  const f = req.query.f;
  if (!/^[\w%]+$/.test(f)) return res.sendStatus(400);
  fs.createReadStream(path.join(DIR, decodeURIComponent(f))).on('error', () => res.sendStatus(404)).pipe(res);
});

app.get('/octal', (req, res) => {
  const f = req.query.f;
  if (!/^[a-z\057]+$/.test(f)) return res.sendStatus(400);
  fs.createReadStream(path.resolve(DIR, f)).on('error', () => res.sendStatus(404)).pipe(res);
});

function okName(n) {
  n = n.split('/').pop();
  if (!/^[\w.-]*[\w-]$/.test(n)) return false;
  return true;
}

app.get('/helper', (req, res) => {
  if (!okName(req.query.f)) return res.sendStatus(400);
  fs.createReadStream(path.join(DIR, req.query.f)).on('error', () => res.sendStatus(404)).pipe(res);
});

app.get('/decoded-first/:f', (req, res) => {
  const name = decodeURIComponent(req.params.f);
  if (!/^[\w%-]+(\.txt)?$/.test(name)) return res.sendStatus(400);
  fs.createReadStream(path.join(DIR, name)).on('error', () => res.sendStatus(404)).pipe(res);
});

function validName(name) {
  if (!/^[\w-]+\.txt$/.test(name)) return false;
  return true;
}

app.get('/notes/:name', (req, res) => {
  if (!validName(req.params.name)) return res.sendStatus(400);
  fs.createReadStream(path.resolve(DIR, req.params.name)).on('error', () => res.sendStatus(404)).pipe(res);
});

const server = app.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
"""

ACCOUNTS_APP = """const express = require('express');

const accounts = require('./accounts');

const app = express();
app.use(express.json());
const stats = { 422: () => {}, 400: () => {} };

app.put('/a', (req, res) => {
  if (typeof req.body.name !== 'string') {
    if (req.body.legacy) {
      res.status(422).json({ error: 'legacy clients must send a name' });
    } else {
      res.status(422).json({ error: 'name is required' });
    }
  }
  accounts.add(req.body.name, () => { if (!res.headersSent) res.sendStatus(201); });
});

app.put('/b', (req, res) => {
  if (typeof req.body.name !== 'string') {
    if (req.body.legacy) {
      stats[422]('legacy');
    } else {
      stats[400]('missing');
    }
  }
  accounts.add(req.body.name, () => { if (!res.headersSent) res.sendStatus(201); });
});

app.put('/d', (req, res) => {
  if (typeof req.body.name !== 'string') {
    if (req.body.legacy) {
      res.status(422).json({ error: 'legacy clients must send a name' });
    } else {
      res.status(422).json({ error: 'name is required' });
    }
    return;
  }
  accounts.add(req.body.name, () => res.sendStatus(201));
});

app.get('/added', (req, res) => res.json(accounts.added.splice(0)));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
"""

#: The store the app runs with (the checked copy leaves it out: a store the rule does not read).
ACCOUNTS = """const added = [];
module.exports = { added, add: (name, done) => { added.push(typeof name); done(); } };
"""


def _package() -> str:
    return json.dumps({"name": "app", "version": "1.0.0", "dependencies": {"express": "^4.21.0"}})


def _request(url: str, body: object | None = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="PUT" if data else "GET",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, ""


def _by_route(root: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for f in check(root, select=["input-validation"]).findings:
        route = f.message.split(" ")[2] if f.message.startswith("[") else f.message.split(" ")[1]
        found[route.rstrip(":")] = f.message
    return found


def _files_app(root: Path) -> Path:
    return write_tree(root, {".nodeharden.yml": ROBUSTNESS,
                             "package.json": _package(), "app.js": FILES_APP,
                             "files/a.txt": "one\n", "secret.txt": "TOP SECRET\n"})


def test_the_tested_value_must_be_the_value_used(tmp_path: Path) -> None:
    """The three hidden shapes are path traversal again; the value tested and used as it is
    (decoded first) and a helper testing its parameter as given stay quiet."""
    found = _by_route(_files_app(tmp_path / "app"))
    for route in ("/decoded", "/octal", "/helper"):
        assert found.get(route, "").startswith(f"[path-traversal] GET {route}: req.query.f"), \
            (route, found)
    assert "/decoded-first/:f" not in found and "/notes/:name" not in found, found


def test_typeof_answers_that_go_on_are_no_check(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {".nodeharden.yml": ROBUSTNESS,
                                         "package.json": _package(), "app.js": ACCOUNTS_APP})
    found = _by_route(root)
    assert sorted(found) == ["/a", "/b"], found
    assert all("req.body.name" in message for message in found.values()), found


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_reported_shapes_leak_and_quiet_ones_do_not(tmp_path: Path) -> None:
    """Run both apps: the reported file routes serve secret.txt from outside the folder, the
    quiet ones answer 400/404 to the same attacks; the reported typeof routes go on with a
    non-string name, the quiet one does not."""
    root = _files_app(tmp_path / "files")
    npm_install(root)
    with serve_app(root) as base:
        assert _request(f"{base}/decoded?f=%252e%252e%252fsecret%252etxt") == (200, "TOP SECRET\n")
        octal = _request(f"{base}/octal?f=/etc/hostname")
        assert octal[0] == 200 and octal[1], octal
        assert _request(f"{base}/helper?f=../secret.txt") == (200, "TOP SECRET\n")
        assert _request(f"{base}/decoded-first/a.txt") == (200, "one\n")
        assert _request(f"{base}/notes/a.txt") == (200, "one\n")
        for attack in ("%252e%252e%252fsecret.txt", "..%252fsecret.txt", "%2e%2e"):
            assert _request(f"{base}/decoded-first/{attack}")[0] in (400, 404), attack
        for attack in ("..%2fsecret.txt", "..", "..%5csecret.txt"):
            assert _request(f"{base}/notes/{attack}")[0] in (400, 404), attack
    accounts = write_tree(tmp_path / "accounts", {".nodeharden.yml": ROBUSTNESS,
                                                  "package.json": _package(),
                                                  "app.js": ACCOUNTS_APP,
                                                  "accounts.js": ACCOUNTS})
    (accounts / "node_modules").symlink_to(root / "node_modules")
    with serve_app(accounts) as base:
        for route in ("/a", "/b", "/d"):
            _request(f"{base}{route}", {"name": {"$gt": ""}})
        added = json.loads(_request(f"{base}/added")[1])
        assert added == ["object", "object"], added  # /a and /b went on, /d did not
