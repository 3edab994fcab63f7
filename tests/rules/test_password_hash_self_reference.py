"""password-hash follows a compared value through the variables it was assigned from, a
bounded number of steps: a variable declared from itself (``var password = password``) or two
that name each other end the search (the comparison is judged as one whose origin is unknown)
instead of failing the rule with a RecursionError."""

from __future__ import annotations

from nodeharden import check

APP = """\
const express = require('express');
const app = express();
app.use(express.json());
app.post('/login', (req, res) => {
  var password = password;
  if (password === req.user.password) {
    return res.json({ ok: true });
  }
  var a = b;
  var b = a;
  if (a === req.user.password) {
    return res.json({});
  }
  res.status(401).end();
});
app.listen(3000);
"""


def test_self_referring_variables_end_the_search(project) -> None:
    root = project({"package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}',
                    "app.js": APP})
    report = check(root, select=["password-hash"])
    assert report.failed == []
    assert sorted(f.line for f in report.findings) == [6, 11]
