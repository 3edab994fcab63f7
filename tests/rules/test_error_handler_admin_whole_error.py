"""error-handler leaves the whole error (``res.status(500).send(err)``) sent by a catch of an
administrators-only route alone, as it leaves its message: both go to the instance's operator.
The stack stays reported there, and the whole error stays reported on a route anyone reaches."""

from __future__ import annotations

from nodeharden import check

PACKAGE = '{"name": "a", "dependencies": {"express": "^4.21.0"}}'

APP = """const express = require('express');
const { ensureAdmin } = require('./access');
const store = require('./store');

const app = express();

function requireAdmin(req, res, next) {
  if (!req.user || req.user.role !== 'admin') return res.sendStatus(403);
  next();
}

app.get('/admin/rows', ensureAdmin, (req, res) => {
  store.rows()
    .then((rows) => res.json(rows))
    .catch((err) => {
      res.status(500).send(err);
    });
});

app.post('/admin/rows', requireAdmin, async (req, res) => {
  try {
    res.json(await store.add(req.body));
  } catch (err) {
    res.status(500).json({ failure: err });
  }
});

app.put('/admin/rows', requireAdmin, async (req, res) => {
  try {
    res.json(await store.add(req.body));
  } catch (err) {
    res.status(500).json({ trace: err.stack });
  }
});

app.get('/rows', (req, res) => {
  store.rows()
    .then((rows) => res.json(rows))
    .catch((err) => {
      res.status(500).send(err);
    });
});

app.use((err, req, res, next) => {
  res.sendStatus(500);
});

module.exports = app;
"""

ACCESS = """function ensureAdmin(req, res, next) {
  if (req.user && req.user.role === 'admin') return next();
  return res.status(401).json({ error: 'denied' });
}
module.exports = { ensureAdmin };
"""

STORE = "module.exports = { rows: async () => [], add: async (row) => row };\n"


def test_whole_error_on_administrators_only_route_is_not_reported(project) -> None:
    root = project({"package.json": PACKAGE, "app.js": APP, "access.js": ACCESS,
                    "store.js": STORE})
    report = check(root, select=["error-handler"])
    assert report.failed == []
    found = sorted((f.line, f.message.split(" (")[0]) for f in report.findings
                   if f.path == "app.js")
    # /admin/rows GET (a guard of another file) and POST (the file's own) are quiet; the PUT's
    # stack and the public route's whole error stay.
    assert found == [(32, "the stack trace"), (40, "the whole error object")]
