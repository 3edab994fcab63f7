"""input-validation: a password given to a hash function is an injection-class harm on its own
(a sign-up hashes whatever was sent: a wrong type is a 500, an empty value an account), except
where the hash call, or the handler's call of the project helper that makes it, sits in a try
whose catch answers the request: the hash throws on anything but a string or buffer, the catch
answers, nothing is hashed or stored. That stays a robustness finding (the option)."""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = json.dumps({"name": "vault", "dependencies": {"express": "^5.1.0", "bcryptjs": "^2.4.3"}})

HELPERS = """
    const crypto = require('crypto');
    const bcrypt = require('bcryptjs');
    exports.digest = (secret, salt) => new Promise((resolve, reject) => {
      crypto.scrypt(secret, salt, 32, (err, key) => (err ? reject(err) : resolve(key)));
    });
    exports.stored = (secret) => bcrypt.hash(secret, 12);
"""

APP = """
    const express = require('express');
    const bcrypt = require('bcryptjs');
    const { digest, stored } = require('./secrets');
    const accounts = new Map();
    const app = express();
    app.use(express.json());

    app.post('/login', async (req, res) => {
      try {
        const key = await digest(req.body.secret, 'pepper');
        res.json({ ok: key.length > 0 });
      } catch (err) {
        res.status(401).json({ ok: false });
      }
    });

    app.put('/secret', async (req, res) => {
      try {
        accounts.set('me', await bcrypt.hash(req.body.next, 12));
        res.sendStatus(204);
      } catch {
        res.status(400).json({ error: 'bad secret' });
      }
    });

    app.post('/join', async (req, res) => {
      accounts.set(req.body.who ? 'x' : 'y', await stored(req.body.secret));
      res.sendStatus(201);
    });

    app.post('/join-sync', (req, res) => {
      accounts.set('z', bcrypt.hashSync(req.body.secret, 12));
      res.sendStatus(201);
    });

    module.exports = app;
"""


def _lines(root):
    return sorted(f.line for f in check(root, select=["input-validation"]).findings
                  if f.rule == "input-validation" and f.path == "app.js")


def test_hash_in_a_try_that_answers_is_robustness_only(project) -> None:
    root = project({"package.json": PACKAGE, "secrets.js": HELPERS, "app.js": APP})
    assert _lines(root) == [26, 31]  # the sign-ups with no try: reported


def test_robustness_option_still_reports_them(project) -> None:
    root = project({"package.json": PACKAGE, "secrets.js": HELPERS, "app.js": APP,
                    ".nodeharden.yml": "input_validation: {robustness: true}\n"})
    found = {f.line: f.message for f in check(root, select=["input-validation"]).findings
             if f.rule == "input-validation" and f.path == "app.js"}
    assert sorted(found) == [8, 17, 26, 31]
    assert "inside a try whose catch answers" in found[17]


# Review of e0c6946: a try only catches what the hash throws where it stands. A promise left
# to run (`.then(…)`) rejects after the try has ended (the process crashed), and a callback
# form hands the error to the callback, which stored an account with no hash.
ESCAPING = """
    const express = require('express');
    const bcrypt = require('bcryptjs');
    const { digestLater } = require('./later');
    const accounts = new Map();
    const app = express();
    app.use(express.json());

    app.post('/then', (req, res) => {
      try {
        bcrypt.hash(req.body.secret, 12).then((h) => accounts.set('a', h));
        res.sendStatus(202);
      } catch (err) {
        res.status(400).json({ error: 'bad secret' });
      }
    });

    app.post('/callback', (req, res) => {
      try {
        bcrypt.hash(req.body.secret, 12, (err, h) => {
          accounts.set('b', h);
          res.sendStatus(201);
        });
      } catch (err) {
        res.status(400).json({ error: 'bad secret' });
      }
    });

    app.post('/not-awaited', async (req, res) => {
      try {
        digestLater(req.body.secret).then((h) => accounts.set('c', h));
        res.sendStatus(202);
      } catch (err) {
        res.status(400).json({ error: 'bad secret' });
      }
    });

    app.post('/sync', (req, res) => {
      try {
        accounts.set('d', bcrypt.hashSync(req.body.secret, 12));
        res.sendStatus(201);
      } catch (err) {
        res.status(400).json({ error: 'bad secret' });
      }
    });

    module.exports = app;
"""

LATER = """
    const crypto = require('crypto');
    exports.digestLater = (secret) => new Promise((resolve, reject) => {
      crypto.scrypt(secret, 'salt', 32, (err, key) => (err ? reject(err) : resolve(key)));
    });
"""


def test_a_hash_whose_failure_escapes_the_try_is_still_reported(project) -> None:
    root = project({"package.json": PACKAGE, "later.js": LATER, "app.js": ESCAPING})
    assert _lines(root) == [8, 17, 28]  # the sync call in its try is the robustness point
