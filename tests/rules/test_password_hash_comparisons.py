"""password-hash: one finding per condition, and a message that fits what is compared.

- ``stored === a || stored === b`` is one check, reported once (the first comparison's line,
  spanning the whole condition), and a fast digest made inside a comparison is reported by
  its digest finding only.
- A legacy-hash check in a function that also hashes the same password with a password hash
  (a migration) is a note naming that call; a legacy check with no upgrade stays an error.
- A password from the request compared with a secret the app is configured with (an
  environment value, a middleware option) is a warning whose remedy is a constant-time
  comparison, not a password hash; a stored password keeps the storage advice.
"""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = json.dumps({"name": "app", "dependencies": {"express": "^5.1.0", "argon2": "^0.41.1",
                                                      "basic-auth": "^2.0.1"}})


def _findings(project, source: str):
    root = project({"package.json": PACKAGE, "app.js": source})
    report = check(root, select=["password-hash"])
    assert report.failed == []
    return sorted(report.findings, key=lambda f: (f.line, f.column))


MIGRATION = """\
const crypto = require('crypto');
const argon2 = require('argon2');
const db = require('./db');

module.exports = function setup() {
  function sha1Hash(str) {
    return crypto.createHash('sha1').update(str).digest('hex');
  }
  function argon2Hash(str) {
    return argon2.hash(str);
  }
  return {
    login(member, password, callback) {
      const sha1 = sha1Hash(password);
      if (member.password === sha1 || member.password === sha1Hash(password + 'salt')) {
        return argon2Hash(password).then((upgraded) => {
          db.members.update({ _id: member._id }, { $set: { password: upgraded } });
          callback(null, member);
        });
      }
      return callback(new Error('wrong password'));
    },
    legacy(member, password) {
      return member.password === sha1Hash(password);
    },
  };
};
"""


def test_a_migration_is_one_note_naming_the_upgrade(project) -> None:
    upgrade, legacy = _findings(project, MIGRATION)
    assert (upgrade.line, upgrade.severity) == (15, "note")
    assert (upgrade.column, upgrade.end_line, upgrade.end_column) == (11, 15, 86)
    assert "migration" in upgrade.message and "`argon2Hash()` (line 16)" in upgrade.message
    assert "2 comparisons in one condition" in upgrade.message
    assert (legacy.line, legacy.severity) == (24, "error")
    assert "store a bcrypt (cost >= 12) or argon2id hash" in legacy.message


def test_a_digest_compared_where_it_is_made_is_one_finding(project) -> None:
    [finding] = _findings(project, """\
const crypto = require('crypto');
exports.check = (config, name, password) =>
  crypto.createHash('sha1').update(password).digest('hex') === config.users[name].password;
""")
    assert finding.line == 3 and finding.message.startswith("password hashed with sha1")


GATES = """\
const auth = require('basic-auth');
const express = require('express');

function gate(secret) {
  return (req, res, next) => {
    const creds = auth(req);
    return creds && creds.pass === secret ? next() : res.status(401).end();
  };
}

const app = express();
app.use('/staging', gate(process.env.STAGING_PASSWORD));
app.post('/admin', (req, res) => {
  res.sendStatus(req.body.password === process.env.ADMIN_PASSWORD ? 200 : 401);
});
app.post('/login', async (req, res) => {
  const user = await app.locals.users.get(req.body.name);
  res.sendStatus(user.password === req.body.password ? 200 : 401);
});
"""


def test_a_configured_secret_gets_constant_time_advice(project) -> None:
    staging, admin, login = _findings(project, GATES)
    for finding in (staging, admin):
        assert finding.severity == "warning"
        assert "crypto.timingSafeEqual" in finding.message
        assert "bcrypt" not in finding.message and "argon2" not in finding.message
    assert (staging.line, admin.line) == (7, 14)
    assert (login.line, login.severity) == (18, "error")
    assert "store a bcrypt (cost >= 12) or argon2id hash" in login.message


def test_a_middleware_option_given_a_stored_password_keeps_the_storage_advice(project) -> None:
    source = GATES.replace("gate(process.env.STAGING_PASSWORD)",
                           "gate(app.locals.owner.password)")
    staging = _findings(project, source)[0]
    assert (staging.line, staging.severity) == (7, "error")
    assert "store a bcrypt (cost >= 12) or argon2id hash" in staging.message
