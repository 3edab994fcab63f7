"""input-validation: a route parameter an ``app.param()`` callback keeps to one path segment
(``_validation_sinks.param_checked``) is not reported as path traversal in the routes of that
app, and a ``path.join()`` whose result is only text after `line:column:` is no file sink
(``_only_in_text``). The line-level cases are the fixtures
codemods/input-validation/fixtures/param-callback-segment-pattern and joined-path-only-in-text;
these hold the callback shapes and a real Express app."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, npm_install, serve_app, write_tree

from nodeharden import check

ROUTE = """
app.get('/files/:name', (req, res) => {
  res.sendFile(path.join(FILES, req.params.name));
});

app.get('/raw/:name', ({ params }, res) => {
  fs.createReadStream(path.join(FILES, params.name)).pipe(res);
});
"""

HEAD = """const express = require('express');
const fs = require('fs');
const path = require('path');

const app = express();
const FILES = path.join(__dirname, 'files');
"""


def _messages(root: Path) -> list[str]:
    return [f.message for f in check(root, select=["input-validation"]).findings
            if f.message.startswith("[path-traversal]")]


def _tree(root: Path, callback: str, extra: dict[str, str] | None = None) -> Path:
    return write_tree(root, {
        "package.json": json.dumps({"name": "app", "version": "1.0.0",
                                    "dependencies": {"express": "^4.21.0"}}),
        "app.js": HEAD + callback + ROUTE +
        "\nconst server = app.listen(0, '127.0.0.1', () => "
        "console.log(`listening ${server.address().port}`));\n",
        "files/a-0123.txt": "one\n",
        "secret.txt": "secret\n",
        **(extra or {}),
    })


CREDITED = {
    "named-function": """
function checkName(req, res, next, name) {
  if (!/^[a-z]+-\\d{4}\\.txt$/.test(name)) return res.status(400).send('bad name');
  next();
}
app.param('name', checkName);
""",
    "array-of-names": """
app.param(['name', 'other'], (req, res, next, value) => {
  if (/^[\\w-]+\\.txt$/.test(value)) next();
  else res.sendStatus(400);
});
""",
    "imported-pattern": """
const { NAME } = require('./names');
app.param('name', (req, res, next, name) => (NAME.test(name) ? next() : next('route')));
""",
}

NOT_CREDITED = {
    "dots-allowed": """
app.param('name', (req, res, next, name) => (/^[\\w.-]+$/.test(name) ? next() : next('route')));
""",
    "unanchored": """
app.param('name', (req, res, next, name) => (/[a-z]+\\.txt$/.test(name) ? next() : next('route')));
""",
    "next-on-both-branches": """
app.param('name', (req, res, next, name) => {
  if (!/^[a-z]+$/.test(name)) req.log = 'odd name';
  next();
});
""",
    "next-handed-on": """
app.param('name', (req, res, next, name) => {
  if (/^[a-z]+$/.test(name)) setImmediate(next);
  else res.sendStatus(400);
});
""",
    "value-rewritten": """
app.param('name', (req, res, next, name) => {
  if (!/^[a-z]+$/.test(name)) return res.sendStatus(400);
  req.params.name = decodeURIComponent(name);
  next();
});
""",
    "loads-a-record": """
app.param('name', async (req, res, next, name) => {
  req.file = await Promise.resolve({ name });
  next();
});
""",
    "other-router": """
const router = express.Router();
router.param('name', (req, res, next, name) => (/^[a-z]+$/.test(name) ? next() : next('route')));
app.use(router);
""",
}


@pytest.mark.parametrize("case", sorted(CREDITED))
def test_a_segment_checking_callback_is_credited(tmp_path: Path, case: str) -> None:
    extra = {"names.js": "const NAME = /^[a-z]+-\\d{4}\\.txt$/;\nmodule.exports = { NAME };\n"}
    root = _tree(tmp_path / "app", CREDITED[case], extra)
    assert _messages(root) == []


@pytest.mark.parametrize("case", sorted(NOT_CREDITED))
def test_other_callbacks_keep_the_findings(tmp_path: Path, case: str) -> None:
    messages = _messages(_tree(tmp_path / "app", NOT_CREDITED[case]))
    assert len(messages) == 2, messages


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_the_credited_callback_turns_traversal_away(tmp_path: Path) -> None:
    """The shape the rule no longer reports, run for real: Express runs the callback before
    both handlers, a name it admits is served, encoded traversal gets 400."""
    root = _tree(tmp_path / "app", CREDITED["named-function"])
    assert _messages(root) == []
    npm_install(root)
    with serve_app(root) as base:
        for route in ("files", "raw"):
            with urllib.request.urlopen(f"{base}/{route}/a-0123.txt", timeout=10) as resp:
                assert resp.read().decode() == "one\n"
            for attack in ("..%2Fsecret.txt", "..%2F..%2Fsecret.txt", "..%5Csecret.txt", ".."):
                with pytest.raises(urllib.error.HTTPError) as err:
                    urllib.request.urlopen(f"{base}/{route}/{attack}", timeout=10)
                assert err.value.code in (400, 404), (route, attack)


def test_a_join_only_in_a_position_key_is_no_file_sink(tmp_path: Path) -> None:
    """`line:column:file` given to a tool as one argument: no path Node opens; the same join
    given to the tool as a path of its own stays reported."""
    app = HEAD + """const { execFile } = require('child_process');

app.get('/at', (req, res) => {
  const file = path.join(FILES, String(req.query.file));
  execFile('lookup', ['-i', `${Number(req.query.line)}:0:${file}`], (e, out) => res.send(out));
});

app.get('/open', (req, res) => {
  const file = path.join(FILES, String(req.query.file));
  execFile('lookup', ['-i', file], (e, out) => res.send(out));
});
"""
    root = write_tree(tmp_path / "app", {"package.json": json.dumps(
        {"name": "app", "dependencies": {"express": "^4.21.0"}}), "app.js": app})
    messages = _messages(root)
    assert len(messages) == 1 and messages[0].startswith("[path-traversal] GET /open:"), messages
