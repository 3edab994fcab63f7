"""password-hash: the bcrypt cost matters for passwords. bcrypt asked to make an id of a record
(``bcrypt.hash(JSON.stringify(item), 1)``, ``hashItem(value)``) or to hash a token is no weak
password hash; a low
cost on a password, or on any value inside a function named for one, stays reported."""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = json.dumps({"name": "app", "dependencies": {"express": "^4.21.0", "bcrypt": "^5.1.1"}})

SOURCE = """\
const bcrypt = require('bcrypt');

async function feedItemId(item) {
  return item.guid || await bcrypt.hash(JSON.stringify(item), 1);
}

async function storeToken(resetToken) {
  return bcrypt.hash(resetToken, 4);
}

const hashItem = async (value) => bcrypt.hash(value, 2);

async function hashPassword(value) {
  return bcrypt.hash(value, 8);
}

async function register(body) {
  const hashed = await bcrypt.hash(body.password, 6);
  const other = await bcrypt.hash(JSON.stringify(body.password), 5);
  const plain = await bcrypt.hash(body.secret, 7);
  return [hashed, other, plain];
}

class Accounts {
  setPassword(token) {
    return bcrypt.hashSync(token, 9);
  }
}

module.exports = { feedItemId, storeToken, hashItem, hashPassword, register, Accounts };
"""


def test_a_low_bcrypt_cost_is_reported_only_where_a_password_may_be_hashed(project) -> None:
    root = project({"package.json": PACKAGE, "ids.js": SOURCE})
    report = check(root, select=["password-hash"])
    assert report.failed == []
    low = sorted((f.line, f.message.split(" is too low")[0]) for f in report.findings
                 if "is too low" in f.message)
    assert low == [(14, "bcrypt cost 8"), (18, "bcrypt cost 6"), (19, "bcrypt cost 5"),
                   (20, "bcrypt cost 7"), (26, "bcrypt cost 9")]


SALTS = """\
const bcrypt = require('bcrypt');
const crypto = require('crypto');

function forgot(user, save) {
  const token = crypto.randomBytes(32).toString('hex');
  bcrypt.genSalt(8, (err, salt) => {
    bcrypt.hash(token, salt, (e, hash) => save(user, hash));
  });
}

function reset(password, save) {
  bcrypt.genSalt(8, function (err, salt) {
    bcrypt.hash(password, salt, (e, hash) => save(hash));
  });
}

async function inviteKey(save) {
  const apiToken = crypto.randomUUID();
  const salt = await bcrypt.genSalt(6);
  return save(await bcrypt.hash(apiToken, salt));
}

async function signup(body) {
  const salt = await bcrypt.genSalt(7);
  return bcrypt.hash(body.password, salt);
}

function unused() {
  return bcrypt.genSaltSync(5);
}

module.exports = { forgot, reset, inviteKey, signup, unused };
"""


def test_a_salt_that_only_hashes_a_token_is_no_weak_password_hash(project) -> None:
    # genSalt's cost is the cost of what the salt hashes: a reset token hashed with it (in the
    # callback, or through the name the salt is stored in) is not a password; a password
    # hashed with it, or a salt whose use is not seen, keeps the finding.
    root = project({"package.json": PACKAGE, "reset.js": SALTS})
    report = check(root, select=["password-hash"])
    assert report.failed == []
    low = sorted((f.line, f.message.split(" is too low")[0]) for f in report.findings
                 if "is too low" in f.message)
    assert low == [(12, "bcrypt cost 8"), (24, "bcrypt cost 7"), (29, "bcrypt cost 5")]
