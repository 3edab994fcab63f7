"""input-validation: a pattern test that keeps a file name to one path segment before it is
joined under a folder (``_validation_sinks._segment_pattern``). The line-level cases are the
fixture codemods/input-validation/fixtures/path-segment-pattern-guard; these tests hold the
pattern check to real JavaScript regexes (node runs each pattern against traversal strings)
and the guarded route to a real Express app."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import have_node, npm_install, serve_app, write_tree

from nodeharden import check
from nodeharden.rules._validation_sinks import _segment_pattern

#: These tests are about robustness-only findings too: the option that reports them.
ROBUSTNESS = "input_validation: {robustness: true}\n"

#: (pattern, flags, one path segment other than '.' and '..').
PATTERNS = [
    (r"^img-[a-f0-9-]{36}\.png$", "i", True),
    (r"^([a-z]+)-([a-f0-9-]{36})\.(\w+)$", "i", True),
    (r"^(?<sheet>[a-z0-9]{8})\.xlsx$", "", True),
    (r"^\d+$", "", True),
    (r"^[\w-]+\.log$", "g", True),
    (r"^[^/\\]+\.txt$", "", True),
    (r"^[\w./-]+$", "", False),  # a separator
    (r"^[\w.]+$", "", False),  # '..'
    (r"^[^/\\]+$", "", False),  # '..'
    (r"^[^/]+\.txt$", "", False),  # a backslash (a separator on Windows)
    (r"^report|\.csv$", "", False),  # the alternative is anchored at one end only
    (r"^.+\.csv$", "", False),  # '.'
    (r"^[!-~]+$", "", False),  # a range over '/'
    (r"^[a-z]+$", "m", False),  # ^ and $ at line ends
    (r"[\w-]+\.txt$", "", False),  # not anchored at the start
    (r"^[a-z\u002f]+$", "", False),  # an escape the check does not read
    (r"^[a-z]+\$", "", False),  # the '$' is a literal
    (r"^\W+$", "", False),
    # Escapes read as JavaScript reads them (no u flag): octal, hex, identity escapes.
    (r"^[a-z\057]+$", "", False),  # \057 is '/'
    (r"^[a-z\x2f]+$", "", False),
    (r"^[\w\/]+$", "", False),
    (r"^[\w\.]+$", "", False),  # '..'
    (r"^[a-z\56]+$", "", False),  # \56 is '.'
    (r"^[+-0]+$", "", False),  # a range over '.' and '/'
    (r"^[a-z]+\057[a-z]+$", "", False),  # outside a class too
    (r"^\d\57\d$", "", False),  # no group: \57 is an octal escape, not a back-reference
    (r"^[\x61-\x7a\-]+$", "", True),  # a-z and '-'
    (r"^[\u0061-\u007a]+\.txt$", "", True),
    (r"^([a-z]+)-\1$", "", True),  # a back-reference
    (r"^[\w%]+$", "", True),  # one segment (decoding it later is the use's business)
]
#: Strings that leave a folder when joined under it.
ATTACKS = ["..", ".", "../secret.txt", "a/../../secret.txt", "..\\secret.txt", "abc\n../x.txt",
           "../../etc/passwd.png", "img-/../../x.png", "../a.csv", "/etc/passwd", "1/2",
           "report/../../x", "./../x.log", "x$/../../secret", "etc/passwd"]


def test_verdicts() -> None:
    for pattern, flags, expected in PATTERNS:
        assert _segment_pattern(pattern, flags) is expected, (pattern, flags)


@pytest.mark.skipif(not have_node(), reason="needs node")
def test_verdicts_hold_in_javascript() -> None:
    """Node runs every pattern against the traversal strings: a pattern the check accepts
    matches none of them; every pattern it refuses matches at least one (so each refusal is
    for a reason a real regex shows)."""
    script = """
const [patterns, attacks] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(patterns.map(([p, f]) =>
  attacks.filter((a) => new RegExp(p, f.replace('g', '')).test(a)))));
"""
    proc = subprocess.run(["node", "-e", script], input=json.dumps([PATTERNS, ATTACKS]),
                          capture_output=True, text=True, timeout=60, check=True)
    matched = json.loads(proc.stdout)
    for (pattern, flags, expected), hits in zip(PATTERNS, matched, strict=True):
        if expected:
            assert hits == [], (pattern, hits)
        else:
            assert hits, (pattern, flags)


APP = """const express = require('express');
const fs = require('fs');
const path = require('path');

const app = express();
const FILES = path.join(__dirname, 'files');

app.get('/files/:name', async (req, res) => {
  const { NAME } = require('./names');
  const { name } = req.params;
  if (!name || !NAME.test(name)) return res.status(400).json({ error: 'bad name' });
  try {
    res.send(await fs.promises.readFile(path.resolve(FILES, name), 'utf8'));
  } catch {
    res.sendStatus(404);
  }
});

app.get('/logs', (req, res) => {
  if (!/^[a-z]+\\.log$/.test(req.query.name)) return res.sendStatus(400);
  res.sendFile(path.join(FILES, req.query.name));
});

const server = app.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
"""


def _messages(root: Path) -> list[str]:
    return [f.message for f in check(root, select=["input-validation"]).findings]


def _status(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, ""


def _app(root: Path, pattern: str) -> Path:
    return write_tree(root, {
        ".nodeharden.yml": ROBUSTNESS,
        "package.json": json.dumps({"name": "app", "version": "1.0.0",
                                    "dependencies": {"express": "^4.21.0"}}),
        "app.js": APP,
        "names.js": f"const NAME = /{pattern}/i;\n\nmodule.exports = {{ NAME }};\n",
        "files/a-0123.txt": "one\n",
        "files/app.log": "log\n",
        "secret.txt": "secret\n",
    })


def test_a_pattern_that_admits_dots_is_no_guard(tmp_path: Path) -> None:
    """The same app with an imported pattern that lets '..' and '/' through is reported."""
    root = _app(tmp_path / "app", r"^[\w./-]+$")
    messages = _messages(root)
    assert len(messages) == 2, messages
    assert messages[0].startswith("[path-traversal] GET /files/:name: req.params")
    assert messages[1].startswith("GET /logs reads req.query.name")


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="needs node and npm")
def test_guarded_file_routes_serve_only_one_segment(tmp_path: Path) -> None:
    """The shape the rule no longer reports, run for real: a name the pattern admits is
    served, traversal attempts (encoded slashes, dots, backslashes) get 400. The query route
    keeps its type finding (an array passes the test and path.join() throws on it), not a
    path-traversal one."""
    root = _app(tmp_path / "app", r"^[a-z]+-\d{4}\.txt$")
    messages = _messages(root)
    assert len(messages) == 1 and messages[0].startswith("GET /logs reads req.query.name"), \
        messages
    npm_install(root)
    with serve_app(root) as base:
        assert _status(f"{base}/files/a-0123.txt") == (200, "one\n")
        assert _status(f"{base}/logs?name=app.log") == (200, "log\n")
        for attack in ("..%2Fsecret.txt", "..%2F..%2Fsecret.txt", "..%5Csecret.txt", "..",
                       "a-0123.txt%2F..%2F..%2Fsecret.txt"):
            assert _status(f"{base}/files/{attack}")[0] == 400, attack
        for attack in ("..%2Fsecret.txt", "../secret.txt", "..", "a/../../secret.txt"):
            assert _status(f"{base}/logs?name={attack}")[0] == 400, attack
