"""password-hash: a password compared with an element of a constant list written in the file
(``DEFAULTS.some((d) => user.password === d.password)`` over ``const DEFAULTS = [{ user:
'admin', password: 'admin' }]``) is a comparison with a literal: a start-up warning about
shipped default credentials, not a stored password check. It stays reported when the other
side is what a client sent (a hard-coded credential accepted at login), when the list holds
anything but literals, or when the file changes the list."""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = json.dumps({"name": "app", "dependencies": {"express": "^4.21.0"}})

SOURCE = """\
const express = require('express');
const app = express();
app.use(express.json());
const settings = { accounts: JSON.parse(process.env.ACCOUNTS || '[]') };

const SHIPPED = [{ login: 'root', password: 'root' }, { login: 'demo', password: 'demo' }];
const WEAK = ['123456', 'password', 'qwerty'];
if (settings.accounts.some((a) => SHIPPED.some((d) => a.login === d.login &&
    a.password === d.password))) {
  console.warn('default accounts are still configured');
}
const weakOnes = settings.accounts.filter((a) => WEAK.find((w) => w === a.password));
for (const d of SHIPPED) {
  if (settings.accounts.find((a) => a.password === d.password)) console.warn(d.login);
}

const GROWN = [{ login: 'root', password: 'root' }];
GROWN.push({ login: 'x', password: process.env.X_PASSWORD });
const BUILT = [{ login: 'root', password: process.env.ROOT_PASSWORD }];
if (settings.accounts.some((a) => GROWN.some((d) => a.password === d.password))) console.warn(1);
if (settings.accounts.some((a) => BUILT.some((d) => a.password === d.password))) console.warn(2);

app.post('/login', (req, res) => {
  const ok = SHIPPED.some((d) => d.login === req.body.login && d.password === req.body.password);
  const stored = settings.accounts.find((a) => a.login === req.body.login);
  res.sendStatus(ok || (stored && stored.password === req.body.password) ? 200 : 401);
});

module.exports = { app, weakOnes };
"""


def test_a_password_compared_with_a_constant_list_element_is_no_password_check(project) -> None:
    root = project({"package.json": PACKAGE, "server.js": SOURCE})
    report = check(root, select=["password-hash"])
    assert report.failed == []
    assert sorted(f.line for f in report.findings) == [20, 21, 24, 26]
