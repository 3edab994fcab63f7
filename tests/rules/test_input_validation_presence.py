"""input-validation: a presence test of a whole request part is no use of it as a whole, a
hand-written check that answers 4xx validates what it tests, and the message names a route
whose path is not a plain string (session 6 held-out: Flowise controllers, Unleash's demo
login). The line-level cases are fixtures (codemods/input-validation/fixtures/
presence-test-not-whole-use, hand-written-checks-answer-4xx); these tests check what the
findings say, and run the credited checks in a real Express app."""

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

PACKAGE = json.dumps({"name": "a", "version": "1.0.0",
                      "dependencies": {"express": "^4.21.0"}})


def _findings(root: Path) -> list[tuple[int, str]]:
    return [(f.line, f.message) for f in check(root, select=["input-validation"]).findings]


CREDENTIALS = """\
const express = require('express');
const service = require('./service');
const app = express();
app.use(express.json());
app.post('/credentials', async (req, res, next) => {
  try {
    if (!req.body) {
      return res.status(412).json({ error: 'body not provided' });
    }
    const body = req.body;
    body.workspaceId = req.user.workspaceId;
    res.json(await service.createCredential(body));
  } catch (err) {
    next(err);
  }
});
module.exports = app;
"""

SERVICE = """\
const { getRepository } = require('typeorm');
const { Credential } = require('./entity');
async function createCredential(input) {
  const created = new Credential();
  Object.assign(created, { name: input.name, kind: input.kind });
  if (input.id) created.id = input.id;
  return getRepository(Credential).save(created);
}
module.exports = { createCredential };
"""


def test_guarded_alias_handed_to_a_service_stays_reported(project) -> None:
    """`if (!req.body) …` no longer makes the body a whole use, but the alias handed to the
    service is still followed there: the client's `id` that the service copies into the saved
    entity keeps the route reported, now named."""
    root = project({".nodeharden.yml": ROBUSTNESS,
                    "package.json": PACKAGE, "app.js": CREDENTIALS, "service.js": SERVICE,
                    "entity.js": "module.exports.Credential = class {};\n"})
    found = _findings(root)
    assert [line for line, _ in found] == [5], found
    message = found[0][1]
    assert message.startswith("POST /credentials reads "), message
    assert "req.body.id" in message and "as a whole" not in message, message


WHOLE = """\
const express = require('express');
const { render } = require('card-renderer');
const app = express();
app.use(express.json());
app.post('/cards', (req, res) => {
  if (typeof req.body === 'undefined' || !req.body) {
    return res.status(400).end();
  }
  res.send(render(req.body));
});
module.exports = app;
"""


def test_presence_test_does_not_hide_a_whole_use(project) -> None:
    """The whole body handed to a package after the presence test is still a whole use."""
    root = project({".nodeharden.yml": ROBUSTNESS, "package.json": PACKAGE, "app.js": WHOLE})
    assert _findings(root) == [(5, ("POST /cards reads req.body without validation: check "
                                    "type and format before the handler runs (no automatic "
                                    "fix: the handler uses req.body as a whole)"))]


TEMPLATE_PATH = """\
const express = require('express');
const { exec } = require('child_process');
const app = express();
app.use(express.json());
const basePath = process.env.BASE_PATH || '';
app.post(`${basePath}/auth/demo/login`, (req, res) => {
  res.json({ email: req.body.email.trim() });
});
app.post(`${basePath}/tools/run`, (req, res) => {
  exec(req.body.command, () => res.end());
});
module.exports = app;
"""


def test_template_literal_path_is_named_in_the_message(project) -> None:
    """A route path written as a template literal is shown by its text, not as an empty
    string (`POST  reads…`), in the field finding and in a sink finding."""
    root = project({".nodeharden.yml": ROBUSTNESS,
                    "package.json": PACKAGE, "app.js": TEMPLATE_PATH})
    messages = [m for _, m in _findings(root)]
    assert any(m.startswith("POST ${basePath}/auth/demo/login reads req.body.email ")
               for m in messages), messages
    assert any(m.startswith("[shell] POST ${basePath}/tools/run: ")
               for m in messages), messages
    assert not any("POST  " in m or "POST :" in m for m in messages), messages


CHECKS_APP = """\
const express = require('express');
const app = express();
app.use(express.json());
const STATES = ['queued', 'running', 'done'];
app.post('/logs', (req, res) => {
  const ids = req.body.ids;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    return res.status(400).json({ error: 'ids must be an array of strings' });
  }
  res.json({ joined: ids.join(',').toUpperCase(), count: ids.length });
});
app.post('/tags', (req, res) => {
  if (!req.body.tags || !Array.isArray(req.body.tags) || req.body.tags.some((t) => typeof t !== 'string')) {
    return res.status(412).json({ error: 'tags must be strings' });
  }
  res.json({ tags: req.body.tags.map((t) => t.trim()) });
});
app.post('/state', (req, res) => {
  if (!STATES.includes(req.body.state)) {
    return res.status(400).json({ error: 'unknown state' });
  }
  res.json({ state: req.body.state.toUpperCase() });
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""


def _post(url: str, payload: object) -> tuple[int, str]:
    data = json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_credited_checks_turn_every_other_type_away(tmp_path: Path) -> None:
    """The checks the rule now credits, run for real: every value of another type (missing,
    null, a string, a number, an object, an array holding an object or a number, a value off
    the list) gets the 4xx answer before any use; the right type gets 200. The rule reports
    none of the three routes."""
    root = write_tree(tmp_path / "app", {".nodeharden.yml": ROBUSTNESS,
                                         "package.json": PACKAGE, "app.js": CHECKS_APP})
    assert _findings(root) == []
    npm_install(root)
    wrong: list[object] = [None, "a", 5, {"not": "x"}, [{"not": "x"}], ["a", 5], True]
    with serve_app(root) as base:
        for value in wrong:
            assert _post(f"{base}/logs", {"ids": value})[0] == 400, value
            assert _post(f"{base}/tags", {"tags": value})[0] == 412, value
            assert _post(f"{base}/state", {"state": value})[0] == 400, value
        assert _post(f"{base}/logs", {})[0] == 400
        assert _post(f"{base}/tags", {})[0] == 412
        assert _post(f"{base}/state", {})[0] == 400
        assert _post(f"{base}/state", {"state": "paused"})[0] == 400
        assert _post(f"{base}/logs", {"ids": ["a", "b"]}) == (200, '{"joined":"A,B","count":2}')
        assert _post(f"{base}/tags", {"tags": [" x "]}) == (200, '{"tags":["x"]}')
        assert _post(f"{base}/state", {"state": "done"}) == (200, '{"state":"DONE"}')
