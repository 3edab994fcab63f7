"""input-validation: calls on one line that take the same request field to the same kind of
sink are one flaw and one finding (YoutubeDL-Material's thumbnail route tests the path with
``fs.existsSync`` and sends it with one of two ``res.sendFile`` calls, all on one line: three
findings for one fix). The same field on other lines is still reported on each."""

from __future__ import annotations

import json

from nodeharden import check

EXPRESS = {"name": "app", "dependencies": {"express": "^4.21.0"}}

APP = """\
const express = require('express');
const fs = require('fs');
const path = require('path');

const app = express();

app.get('/thumb/:path', (req, res) => {
  const p = decodeURIComponent(req.params.path);
  if (fs.existsSync(p)) path.isAbsolute(p) ? res.sendFile(p) : res.sendFile(path.join(__dirname, p));
  else res.sendStatus(404);
});

app.get('/chat/:name', (req, res) => {
  const file = path.join('chats', req.params.name);
  if (fs.existsSync(file)) {
    res.json(fs.readFileSync(file, 'utf8'));
  }
});

app.listen(3000);
"""


def test_one_line_one_finding_other_lines_each(project) -> None:
    root = project({"package.json": json.dumps(EXPRESS), "app.js": APP})
    found = [(f.line, f.message.split(" reaches ")[1].split(" as ")[0])
             for f in check(root, select=["input-validation"]).findings
             if "[path-traversal]" in f.message]
    assert found == [(9, "fs.existsSync()"), (15, "fs.existsSync()"),
                     (16, "fs.readFileSync()")], found
