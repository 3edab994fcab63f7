"""End to end: `nodeharden fix --unsafe` adds express-validator chains to a legacy app. A
request with a wrong-typed field then gets 400 (without its values echoed back) and every good
request gets exactly the answer it got before."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, linked_app, npm_install, run_cli, serve_app, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="needs node and npm")]

PACKAGE_JSON = json.dumps({
    "name": "legacy-api", "version": "1.0.0", "private": True, "main": "app.js",
    "dependencies": {"express": "^5.1.0"},
}, indent=2) + "\n"

APP = """
const express = require('express');
const { showItem } = require('./items');

const app = express();
app.use(express.json());

app.post('/users', (req, res) => {
  const { email, name } = req.body;
  const age = Number(req.body.age);
  res.status(201).json({ email, name, age, adult: age >= 18 });
});

app.get('/search', (req, res) => {
  const page = parseInt(req.query.page, 10) || 1;
  res.json({ page, q: req.query.q || '' });
});

app.get('/items/:id', showItem);

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""

ITEMS = """
function showItem(req, res) {
  const id = Number(req.params.id);
  res.json({ id, next: id + 1 });
}

module.exports = { showItem };
"""

GOOD = [
    ("POST", "/users", {"email": "ada@example.com", "name": "Ada", "age": 36}),
    ("POST", "/users", {"email": "bo@example.org", "name": "Bo", "age": "17"}),
    ("GET", "/search?q=lamp&page=3", None),
    ("GET", "/search?q=lamp", None),
    ("GET", "/search", None),
    ("GET", "/search?q=&page=2", None),  # the handler treats an empty q like a missing one
    ("GET", "/items/41", None),
]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One npm install for the module: express and the express-validator the fix adds."""
    base = tmp_path_factory.mktemp("validation-e2e")
    from nodeharden._packagejson import version_of

    write_tree(base, {"package.json": json.dumps({"name": "deps", "private": True, "dependencies": {
        "express": "^5.1.0", "express-validator": version_of("express-validator")}})})
    npm_install(base)
    return base


@pytest.fixture
def app_dir(installed: Path, tmp_path: Path) -> Path:
    return linked_app(tmp_path / "app",
                      {"package.json": PACKAGE_JSON, "app.js": APP, "items.js": ITEMS}, installed)




def request(base: str, method: str, path: str, payload: object = None) -> tuple[int, bytes]:
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"content-type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_wrong_types_get_400_and_good_requests_answer_as_before(app_dir: Path) -> None:
    with serve_app(app_dir) as base:
        before = [request(base, *case) for case in GOOD]
        assert request(base, "POST", "/users", {"email": "x@example.com", "name": {"$ne": 1},
                                               "age": 3})[0] == 201  # accepted before the fix

    proc = run_cli("fix", app_dir, "--unsafe", "--select", "input-validation")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "express-validator" in json.loads((app_dir / "package.json").read_text())["dependencies"]
    assert (app_dir / "validate.js").exists()
    again = run_cli("check", app_dir, "--select", "input-validation")
    assert again.returncode == 0, again.stdout

    with serve_app(app_dir) as base:
        assert [request(base, *case) for case in GOOD] == before

        status, body = request(base, "POST", "/users",
                               {"email": "x@example.com", "name": {"$ne": 1}, "age": 3})
        assert status == 400
        assert json.loads(body) == {"errors": [{"field": "name", "message": "Invalid value"}]}
        assert b"$ne" not in body

        status, body = request(base, "POST", "/users",
                               {"email": "not-an-email", "name": "Eve", "age": "old"})
        assert status == 400
        fields = sorted(e["field"] for e in json.loads(body)["errors"])
        assert fields == ["age", "email"]
        assert b"not-an-email" not in body and b"old" not in body

        assert request(base, "GET", "/items/abc")[0] == 400
        assert request(base, "GET", "/search?page=two")[0] == 400
        assert request(base, "GET", "/search?q=a&q=b")[0] == 400  # an array, not a string
