"""hardcoded-secret and the fallback of a config value (``config.secret || 'insecure'``): it is
reported without a fix, naming the value it stands in for, unless a project file stops when
that value is unset (``if (!configBase.secret) throw new Error(…)``, ``process.exit``): the
fallback then never runs (sample 25: pump.io's config loader refuses to start without one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden import check

PACKAGE = ('{"name": "p", "dependencies": {"express": "^4.21.0", '
           '"express-session": "^1.18.0"}}\n')
APP = """\
const express = require('express');
const session = require('express-session');
const config = require('./lib/config').load();

const app = express();
app.use(session({secret: config.secret || "insecure", resave: false,
                 saveUninitialized: false}));
app.listen(3000);
"""
LOADER = """\
const fs = require('fs');

exports.load = function () {
  const configBase = JSON.parse(fs.readFileSync('/etc/app.json', 'utf8'));
%s
  return configBase;
};
"""


def _messages(tmp_path: Path, guard: str) -> list[str]:
    root = write_tree(tmp_path, {"package.json": PACKAGE, "app.js": APP,
                                 "lib/config.js": LOADER % guard})
    return [f.message for f in check(root, select=["hardcoded-secret"]).findings]


@pytest.mark.parametrize("guard", [
    '  if (!configBase.secret || configBase.secret === "my dog has fleas") {\n'
    '    throw new Error("config.secret is unset");\n  }',
    "  if (!configBase.secret) throw new Error('no secret');",
    "  if (!configBase.secret) {\n    console.error('no secret');\n    process.exit(1);\n  }",
], ids=["throw-block", "throw-statement", "exit"])
def test_a_fallback_a_start_up_check_makes_dead_is_not_reported(tmp_path: Path,
                                                                  guard: str) -> None:
    assert _messages(tmp_path, guard) == []


@pytest.mark.parametrize("guard", [
    "",
    "  if (!configBase.port) throw new Error('no port');",  # another value
    "  if (!configBase.secret) console.warn('no secret');",  # goes on with the fallback
], ids=["no-check", "other-key", "warning-only"])
def test_a_live_fallback_is_reported_with_the_value_it_stands_in_for(tmp_path: Path,
                                                                     guard: str) -> None:
    assert _messages(tmp_path, guard) == [
        "hard-coded fallback session secret: wherever `config.secret` is unset, anyone with "
        "the source can forge session cookies; give it no fallback, and stop at start-up "
        "when it is unset"]
