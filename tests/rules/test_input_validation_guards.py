"""input-validation: tests that keep a value to a known list or to a plain string before a
sink (``_validation_sinks.find_guards``). The line-level cases are fixtures
(codemods/input-validation/fixtures/guarded-by-known-list, nosql-validator-js-checked,
open-redirect-base-url); these tests check what the findings say, and hold the validator.js
claim the rule relies on to the real library, and the allow-list guard to a real Express app."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, npm_install, serve_app, write_tree

from nodeharden import check
from nodeharden.rules._validation_sinks import PINNING

LOGIN = """const express = require('express');
const validator = require('validator');
const { User } = require('./models');
const app = express();
app.use(express.json());
app.post('/login', (req, res) => {
  if (validator.isEmail(req.body.username)) {
    User.find({ username: req.body.username, password: req.body.password }, (err, users) => {
      res.json(users);
    });
  } else {
    res.sendStatus(401);
  }
});
module.exports = app;
"""


def _messages(root: Path) -> list[str]:
    return [f.message for f in check(root, select=["input-validation"]).findings]


def test_nosql_message_names_the_unchecked_field_only(project) -> None:
    """The filter is reported once, under the field no check keeps to a string (password),
    not the one validator.isEmail() passed (username)."""
    root = project({
        "package.json": json.dumps({"name": "a", "dependencies": {
            "express": "^4.18.0", "mongoose": "^8.0.0", "validator": "^13.0.0"}}),
        "models.js": "module.exports = { User: { find() {} } };\n",
        "app.js": LOGIN,
    })
    messages = _messages(root)
    assert len(messages) == 1, messages
    assert messages[0].startswith("[nosql-injection] POST /login: req.body.password reaches")
    assert "username" not in messages[0]


def test_both_fields_unchecked_still_names_the_first(project) -> None:
    """Without the check, the first field as sent is the one named (as before)."""
    root = project({
        "package.json": json.dumps({"name": "a", "dependencies": {
            "express": "^4.18.0", "mongoose": "^8.0.0"}}),
        "models.js": "module.exports = { User: { find() {} } };\n",
        "app.js": LOGIN.replace("validator.isEmail(req.body.username)", "req.body.username"),
    })
    messages = _messages(root)
    assert len(messages) == 1 and "req.body.username reaches User.find()" in messages[0], messages


def test_guarded_value_next_to_an_unguarded_one(project) -> None:
    """A sink that joins a value in the list with one that is not is reported, naming the
    one that is not."""
    root = project({
        "package.json": json.dumps({"name": "a", "dependencies": {"express": "^4.18.0"}}),
        "app.js": """const express = require('express');
const path = require('path');
const app = express();
const NAMES = ['a.txt', 'b.txt'];
app.get('/f/:dir/:name', (req, res) => {
  const name = req.params.name;
  if (!NAMES.includes(name)) return res.sendStatus(404);
  res.sendFile(path.join(__dirname, req.params.dir, name));
});
module.exports = app;
""",
    })
    messages = _messages(root)
    assert len(messages) == 1 and messages[0].startswith(
        "[path-traversal] GET /f/:dir/:name: req.params.dir reaches"), messages


VALIDATOR_SCRIPT = r"""
const [names, attacks] = JSON.parse(process.argv[2]);
const out = {};
for (const mod of process.argv.slice(3)) {
  const v = require(mod);
  out[mod] = {};
  for (const name of names) {
    if (typeof v[name] !== 'function') continue;
    // What reaches the filter where the check passed: an operator only if an object passed.
    out[mod][name] = attacks.map((a) => {
      try { return v[name](a) ? (Array.isArray(a) ? 'list' : 'OBJECT') : 'rejected'; }
      catch (e) { return 'threw'; }
    });
  }
}
console.log(JSON.stringify(out));
"""


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_validator_js_checks_pass_no_object(tmp_path: Path) -> None:
    """Every validator.js ``is`` check the rule counts throws for, or rejects, each object a
    JSON body or query string can hold, in version 13 and in version 3 (which tested
    String(value) instead of throwing); an array may pass only in the old one (a list of
    plain values in a filter, never an operator)."""
    root = write_tree(tmp_path / "v", {"package.json": '{"name": "v", "version": "1.0.0"}\n',
                                       "run.js": VALIDATOR_SCRIPT})
    npm_install(root, "validator13@npm:validator@13", "validator3@npm:validator@3")
    names = sorted(n for n in PINNING if n.startswith("is"))
    attacks = [{"$ne": None}, {"$gt": ""}, {"$regex": ".*"}, {"toString": "a@b.co"},
               {"0": "1"}, [{"$ne": None}], ["a@b.co"], ["0123456789abcdef01234567"]]
    proc = subprocess.run(["node", "run.js", json.dumps([names, attacks]), "validator13",
                           "validator3"], cwd=root, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out["validator13"]) >= {"isEmail", "isMongoId", "isInt", "isUUID"}
    for module, results in out.items():
        for name, got in results.items():
            assert "OBJECT" not in got, (module, name, got)
            if module == "validator13":
                assert set(got) <= {"threw", "rejected"}, (name, got)


ALLOW_LIST_APP = """const express = require('express');
const path = require('path');
const FILES = ['a/one.txt'];
const app = express();
app.get('/files/:dir/:name', (req, res) => {
  const dir = req.params.dir;
  const name = req.params.name;
  if (!FILES.includes(`${dir}/${name}`)) {
    return res.status(404).send('Not found');
  }
  return res.sendFile(path.join(__dirname, 'files', dir, name));
});
const server = app.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
"""


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_allow_listed_file_route_serves_only_the_list(tmp_path: Path) -> None:
    """The shape the rule no longer reports, run for real: the listed file is served, and
    traversal attempts (encoded slashes and dots in either parameter) get 404; the rule
    reports nothing for it."""
    root = write_tree(tmp_path / "app", {
        "package.json": json.dumps({"name": "app", "version": "1.0.0",
                                    "dependencies": {"express": "^4.21.0"}}),
        "app.js": ALLOW_LIST_APP,
        "files/a/one.txt": "one\n",
        "secret.txt": "secret\n",
    })
    assert _messages(root) == []
    npm_install(root)

    def status(url: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, ""

    with serve_app(root) as base:
        assert status(f"{base}/files/a/one.txt") == (200, "one\n")
        for attack in ("..%2F..%2Fsecret.txt", "a%2F..%2F..%2Fsecret.txt"):
            assert status(f"{base}/files/a/{attack}")[0] == 404, attack
            assert status(f"{base}/files/{attack}/one.txt")[0] == 404, attack
