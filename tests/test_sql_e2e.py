"""End to end: a legacy Express app on better-sqlite3 builds SQL from the query string. Before
`nodeharden fix` it is injectable; after, the same requests cannot change the statement and
ordinary requests return the same rows."""

from __future__ import annotations

import json
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, linked_app, npm_install, run_cli, serve_app, write_tree

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not have_node(), reason="needs node and npm")]

PACKAGE_JSON = json.dumps({
    "name": "legacy-shop", "version": "1.0.0", "private": True, "main": "app.js",
    # better-sqlite3 13 needs Node 22; 12.x is the line that builds and runs on Node 20.
    "dependencies": {"better-sqlite3": "^12.4.1", "express": "^5.1.0"},
}, indent=2) + "\n"

APP = """
const express = require('express');
const Database = require('better-sqlite3');

const db = new Database(':memory:');
db.exec(`
  CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL);
  INSERT INTO users (name, role) VALUES
    ('alice', 'admin'), ('bob', 'user'), ('carol', 'user'), ('o''brien', 'user');
`);

const app = express();

app.get('/users', (req, res) => {
  const rows = db.prepare("SELECT id, name FROM users WHERE name = '" + req.query.name + "'").all();
  res.json(rows);
});

app.get('/search', (req, res) => {
  const sql = `SELECT id, name FROM users WHERE name LIKE '%${req.query.q}%' AND role = '${req.query.role}' ORDER BY id LIMIT ${req.query.limit}`;
  res.json(db.prepare(sql).all());
});

app.get('/users/:id', (req, res) => {
  const user = db.prepare('SELECT id, name, role FROM users WHERE id = ' + req.params.id).get();
  if (!user) return res.status(404).json({ error: 'not found' });
  res.json(user);
});

app.use((err, req, res, next) => {
  res.status(500).json({ error: 'server error' });
});

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One npm install for the whole module; each test copies the app next to it."""
    base = tmp_path_factory.mktemp("sql-e2e")
    write_tree(base, {"package.json": PACKAGE_JSON})
    npm_install(base)
    return base


@pytest.fixture
def app_dir(installed: Path, tmp_path: Path) -> Path:
    return linked_app(tmp_path / "app", {"package.json": PACKAGE_JSON, "app.js": APP}, installed)




def get(base: str, path: str, **query: str) -> tuple[int, object]:
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


ORDINARY = [
    ("/users", {"name": "bob"}),
    ("/users", {"name": "nobody"}),
    ("/search", {"q": "o", "role": "user", "limit": "10"}),
    ("/search", {"q": "a", "role": "admin", "limit": "1"}),
    ("/users/3", {}),
    ("/users/42", {}),
]

ATTACKS = [
    ("/users", {"name": "' OR '1'='1"}),
    ("/search", {"q": "' UNION SELECT 99, role FROM users --", "role": "x", "limit": "10"}),
    ("/users/0 OR 1=1", {}),
]


def _answers(base: str, requests: list[tuple[str, dict[str, str]]]) -> list[tuple[int, object]]:
    return [get(base, urllib.parse.quote(path), **query) for path, query in requests]


def test_injectable_before_and_not_after(app_dir: Path) -> None:
    with serve_app(app_dir) as base:
        ordinary_before = _answers(base, ORDINARY)
        attacks_before = _answers(base, ATTACKS)
    # Each attack changes the statement: every row, a UNION row, or the first user.
    assert attacks_before[0] == (200, [{"id": i, "name": n} for i, n in
                                      [(1, "alice"), (2, "bob"), (3, "carol"), (4, "o'brien")]])
    assert {"id": 99, "name": "admin"} in attacks_before[1][1]  # type: ignore[operator]
    assert attacks_before[2] == (200, {"id": 1, "name": "alice", "role": "admin"})

    proc = run_cli("fix", app_dir, "--select", "sql-injection")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fixed = (app_dir / "app.js").read_text()
    assert "req.query.name + " not in fixed and "'%${req.query.q}%'" not in fixed
    assert subprocess.run(["node", "--check", "app.js"], cwd=app_dir, check=False).returncode == 0
    report = run_cli("check", app_dir, "--select", "sql-injection")
    assert report.returncode == 0, report.stdout

    with serve_app(app_dir) as base:
        assert _answers(base, ORDINARY) == ordinary_before
        attacks_after = _answers(base, ATTACKS)
    assert attacks_after[0] == (200, [])
    assert attacks_after[1] == (200, [])
    assert attacks_after[2] == (404, {"error": "not found"})


def test_quotes_in_ordinary_input_now_match(app_dir: Path) -> None:
    """A name with a quote broke the statement before (500); after the fix it matches."""
    with serve_app(app_dir) as base:
        assert get(base, "/users", name="o'brien")[0] == 500
    assert run_cli("fix", app_dir, "--select", "sql-injection").returncode == 0
    with serve_app(app_dir) as base:
        assert get(base, "/users", name="o'brien") == (200, [{"id": 4, "name": "o'brien"}])
        assert get(base, "/search", q="'b", role="user", limit="5") == (
            200, [{"id": 4, "name": "o'brien"}])

