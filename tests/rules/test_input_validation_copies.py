"""input-validation: a request value copied into a property of an object the handler makes
itself (``const note = new Note(); note.text = req.body.text``; an explicit allowlist copy) is
followed to where the object goes (session 6 held-out, Flowise controllers). Saved by an ORM
write it is data and claims nothing; a primary key copied in stays reported, because saving
it picks the row that is written. The line-level cases are a fixture
(codemods/input-validation/fixtures/allowlist-copy-followed); this test runs the checked app
over HTTP with a real TypeORM 0.3 on sql.js and shows both verdicts hold there."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, npm_install, serve_app, write_tree

from nodeharden import check

PACKAGE = json.dumps({"name": "a", "version": "1.0.0", "private": True,
                      "dependencies": {"express": "^4.21.0", "typeorm": "^0.3.20",
                                       "sql.js": "^1.10.0", "reflect-metadata": "^0.2.0"}})

APP = """\
require('reflect-metadata');
const express = require('express');
const { DataSource, EntitySchema } = require('typeorm');

class Note {}
const NoteSchema = new EntitySchema({ name: 'Note', target: Note, columns: {
  id: { type: 'varchar', primary: true, generated: 'uuid' },
  text: { type: 'varchar' },
  ownerId: { type: 'varchar' } } });
const db = new DataSource({ type: 'sqljs', entities: [NoteSchema], synchronize: true });
const notes = () => db.getRepository(Note);

const app = express();
app.use(express.json());

app.post('/notes', async (req, res, next) => {
  try {
    const note = new Note();
    if (req.body.text !== undefined) note.text = req.body.text;
    note.ownerId = req.get('x-owner');
    res.json(await notes().save(note));
  } catch (err) {
    next(err);
  }
});

app.put('/notes', async (req, res, next) => {
  try {
    const note = new Note();
    note.id = req.body.id;
    note.text = req.body.text;
    note.ownerId = req.get('x-owner');
    res.json(await notes().save(note));
  } catch (err) {
    next(err);
  }
});

app.get('/notes/:id', async (req, res) => {
  res.json(await notes().findOneBy({ id: req.params.id }));
});

app.use((err, req, res, next) => res.status(500).json({ error: 'failed' }));

db.initialize().then(() => {
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`listening ${server.address().port}`);
  });
});
"""


def _send(method: str, url: str, body: object, owner: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method=method,
                                     headers={"content-type": "application/json",
                                              "x-owner": owner})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


def test_findings_on_the_copies(tmp_path: Path) -> None:
    """The allowlist copy saved (POST) claims nothing; the copied id (PUT) is the finding."""
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, "app.js": APP})
    found = [(f.line, f.message) for f in check(root, select=["input-validation"]).findings]
    assert [line for line, _ in found] == [27], found
    message = found[0][1]
    assert "req.body.id assigned to note.id" in message, message
    assert "req.body.text" not in message, message  # stored as data, like the POST's copy


@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
def test_typeorm_copy_is_data_and_a_copied_id_rewrites_a_row(tmp_path: Path) -> None:
    """Over HTTP with real TypeORM: request values of any type copied into a new entity and
    saved make a new row (or fail), leaving another owner's row as it was; the client's id
    copied into the entity makes save() rewrite that owner's row."""
    root = write_tree(tmp_path / "app", {"package.json": PACKAGE, "app.js": APP})
    npm_install(root)
    with serve_app(root) as base:
        status, victim = _send("POST", f"{base}/notes", {"text": "secret of A"}, "A")
        assert status == 200, victim
        for text in ("plain", 42, ["x", "y"], {"$ne": None}, None):
            status, made = _send("POST", f"{base}/notes", {"text": text}, "B")
            assert status == 500 or made["id"] != victim["id"], (text, made)
        assert _get(f"{base}/notes/{victim['id']}") == victim
        status, _ = _send("PUT", f"{base}/notes", {"id": victim["id"], "text": "by B"}, "B")
        assert status == 200
        after = _get(f"{base}/notes/{victim['id']}")
        assert (after["text"], after["ownerId"]) == ("by B", "B"), after
