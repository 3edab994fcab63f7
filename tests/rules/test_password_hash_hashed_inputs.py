"""password-hash: a fast digest of a value whose name says it is already a password hash
(``encryptedPassword``, ``hashedPassword``, ``passwordHash``, ``pw_digest``) is a fingerprint
of that hash (a token claim that dies when the password changes), not a password hashed with
a fast digest. A digest of the password itself, also next to such a value, stays reported."""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = json.dumps({"name": "app", "dependencies": {"express": "^4.21.0", "bcrypt": "^5.1.1",
                                                      "js-sha256": "^0.11.0"}})

SOURCE = """\
const crypto = require('crypto');
const sha256 = require('js-sha256');

function claims(account) {
  return {
    a: crypto.createHash('sha256').update(account.encryptedPassword).digest('hex'),
    b: crypto.createHash('sha256').update(account.hashedPassword).digest('hex'),
    c: crypto.createHash('sha1').update(account.passwordHash).digest('hex'),
    d: crypto.createHash('md5').update(account.pw_digest).digest('hex'),
    e: crypto.createHmac('sha256', 'k').update(account.bcryptPassword).digest('hex'),
    f: sha256(account.hashed_password),
  };
}

function weak(account, salt) {
  return [
    crypto.createHash('sha256').update(account.password).digest('hex'),
    crypto.createHash('sha256').update(account.password + account.passwordHash).digest('hex'),
    crypto.createHmac('sha1', salt).update(account.plainPassword).digest('hex'),
    sha256(account.password),
  ];
}

module.exports = { claims, weak };
"""


def test_a_digest_of_a_password_hash_is_not_a_weak_password_hash(project) -> None:
    root = project({"package.json": PACKAGE, "tokens.js": SOURCE})
    report = check(root, select=["password-hash"])
    assert report.failed == []
    assert sorted(f.line for f in report.findings if "hashed with" in f.message) == \
        [17, 18, 19, 20]
