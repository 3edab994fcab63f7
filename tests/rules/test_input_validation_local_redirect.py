"""input-validation [open-redirect], after review of f2d13b8: a local-path check must keep the
second character from being a slash or a backslash. Express 4.20+ and 5 write '\\' into the
Location header as it is and a browser follows '/\\other.example/x' to another host, so
`startsWith('/') && !startsWith('//')` alone proves nothing; an async check returns a Promise,
which is truthy whatever it found."""

from __future__ import annotations

import json

from nodeharden import check

APP = """
const express = require('express');
const app = express();
function slashOnly(u) { return u.startsWith('/') && !u.startsWith('//'); }
function stopsBoth(u) { return u.startsWith('/') && !u.startsWith('//') && !u.includes('\\\\'); }
async function stopsBothLater(u) { return stopsBoth(u); }
app.get('/one', (req, res) => res.redirect(slashOnly(req.query.to) ? req.query.to : '/'));
app.get('/two', async (req, res) => {
  const to = req.query.to;
  if (!stopsBothLater(to)) return res.redirect('/');
  res.redirect(to);
});
app.get('/three', (req, res) => res.redirect(stopsBoth(req.query.to) ? req.query.to : '/'));
app.get('/four', (req, res) => {
  const to = String(req.query.to);
  if (to.charAt(0) !== '/' || to.charAt(1) === '/' || to.charAt(1) === '\\\\') return res.end();
  res.location(to).end();
});
module.exports = app;
"""


def test_only_a_check_of_both_second_characters_counts(project) -> None:
    root = project({"package.json": json.dumps({"dependencies": {"express": "^4.21.0"}}),
                    "app.js": APP})
    found = [f for f in check(root, select=["input-validation"]).findings
             if f.rule == "input-validation"]
    assert sorted(f.line for f in found) == [6, 10]  # /one and /two
    assert "neither '/' nor '\\'" in found[0].message
