"""password-hash and a fast digest another service's protocol asks for: Last.fm's mobile
session sends ``authToken = md5(username + md5(password))`` in the request's URL, Subsonic's
clients ``t = md5(password + salt)`` (mStream in held-out sample 29). The digest is put in a
variable the function sends in the URL of a request and never stores, compares or looks a
record up with: no finding. Stored, compared or sent nowhere, it is still reported."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "music", "type": "module", "dependencies": {"express": "^4.21.0"}}'
APP = """\
import express from 'express';
import crypto from 'node:crypto';
import { db } from './db.js';

const app = express();
app.use(express.json());

app.post('/lastfm/login', async (req, res) => {
  const token = crypto.createHash('md5').update(req.body.username + crypto.createHash('md5')
    .update(req.body.password, 'utf8').digest('hex'), 'utf8').digest('hex');
  const sig = crypto.createHash('md5').update(`authToken${token}secret`).digest('hex');
  %s
  res.json({});
});

app.listen(3000);
"""


def lines(project, tail: str) -> list[int]:
    root = project({"package.json": PACKAGE, "app.js": APP % tail,
                    "db.js": "export const db = { insert: async () => {} };\n"})
    report = check(root, select=["password-hash"])
    assert not report.failed, report.failed
    return sorted({f.line for f in report.findings})


@pytest.mark.parametrize("tail", [
    "await fetch(`https://ws.example.org/2.0/?method=auth&authToken=${token}&api_sig=${sig}`);",
    "await fetch('http://ws.example.org/2.0/?authToken=' + token);",
])
def test_a_digest_sent_in_a_request_url_is_the_service_s_token(project, tail: str) -> None:
    assert lines(project, tail) == []


@pytest.mark.parametrize("tail", [
    # stored: a verifier after all
    "await fetch(`https://ws.example.org/?authToken=${token}`);\n  await db.insert({ token });",
    # compared: a login checks it
    "if (token !== req.body.known) { return res.sendStatus(401); }",
    # sent nowhere
    "console.log(sig.length);",
    # sent in a body, not written into a URL
    "await fetch(process.env.API_URL, { method: 'POST', body: token });",
])
def test_a_digest_kept_or_checked_is_still_reported(project, tail: str) -> None:
    assert lines(project, tail) == [9]
