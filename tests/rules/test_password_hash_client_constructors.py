"""password-hash: `new X({ password })` stores a password only where X makes a model's record:
the project's own class (imported from a project module or declared in the file) or an ORM's.
A package's client (pg's `Client`, a JSON-RPC client) signs in elsewhere with the password the
user typed into a connect form, and a name bound nowhere (btc-rpc-explorer's `bitcoinCore`)
cannot be told."""

from __future__ import annotations

import json

import pytest

from nodeharden import check

ROUTE = """\
const express = require('express');
%IMPORT%
const app = express();
app.use(express.urlencoded({ extended: false }));

app.post('/connect', async (req, res) => {
  const made = new %CTOR%({ username: req.body.username, password: req.body.password });
  await made.save();
  res.redirect('/');
});

app.listen(3000);
"""


@pytest.mark.parametrize("imports, ctor, reported", [
    ("const User = require('./models/user');", "User", True),
    ("const mongoose = require('mongoose');\nconst User = mongoose.model('User');", "User", True),
    ("class Account { constructor(o) { this.o = o; } save() {} }", "Account", True),
    ("const { Client } = require('pg');", "Client", False),
    ("const RpcClient = require('bitcoin-core');", "RpcClient", False),
    ("", "bitcoinCore", False),
])
def test_only_a_models_record_stores_the_password(project, imports: str, ctor: str,
                                                  reported: bool) -> None:
    files = {"package.json": json.dumps({"name": "a", "dependencies": {
                 "express": "^4.21.0", "mongoose": "^8.0.0", "pg": "^8.11.0"}}),
             "app.js": ROUTE.replace("%IMPORT%", imports).replace("%CTOR%", ctor),
             "models/user.js": "module.exports = class User { constructor(o) { this.o = o; } "
                               "save() {} };\n"}
    found = [f for f in check(project(files), select=["password-hash"]).findings
             if "plain text" in f.message]
    assert bool(found) is reported, [f.message for f in found]
