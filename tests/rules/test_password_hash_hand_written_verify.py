"""password-hash: a comparison with a slow password hash on one side is a hand-written verify.

``record.hash === bcrypt.hashSync(given, record.salt)`` recomputes a bcrypt hash with the
stored salt: what is stored is a bcrypt hash, not the password nor a fast digest, so the
comparison is not reported as one. A fast digest (md5, sha1, a sha256 ``createHash`` chain) on
one side is still reported, and so is a plain comparison beside the verify in one condition.
"""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = json.dumps({"name": "app", "dependencies": {"bcryptjs": "^2.4.3", "argon2": "^0.41.1",
                                                      "md5": "^2.3.0"}})


def _findings(project, source: str):
    root = project({"package.json": PACKAGE, "accounts.js": source})
    report = check(root, select=["password-hash"])
    assert report.failed == []
    return sorted(report.findings, key=lambda f: (f.line, f.column))


SLOW = """\
const bcryptjs = require('bcryptjs');
const crypto = require('crypto');

function hashWithSalt(secret, salt) {
  return bcryptjs.hashSync(secret, salt);
}

exports.viaVariable = (member, attempt) => {
  const attemptHash = bcryptjs.hashSync(attempt, member.pwSalt);
  return member.password === attemptHash;
};

exports.inline = async (member, attempt) =>
  (await bcryptjs.hash(attempt, member.pwSalt)) !== member.password;

exports.scryptHex = (member, attempt) =>
  member.password === crypto.scryptSync(attempt, member.pwSalt, 64).toString('hex');

exports.ownHelper = (member, attempt) => hashWithSalt(attempt, member.pwSalt) == member.password;

exports.callback = (member, attempt, done) => {
  bcryptjs.hash(attempt, member.pwSalt, (err, computed) => {
    done(err, computed === member.password);
  });
};
"""


def test_a_slow_hash_on_one_side_is_no_finding(project) -> None:
    assert _findings(project, SLOW) == []


FAST = """\
const md5 = require('md5');
const crypto = require('crypto');
const bcryptjs = require('bcryptjs');

exports.md5Variable = (member, password) => {
  const attemptDigest = md5(password);
  return member.password === attemptDigest;
};

exports.sha256Chain = (member, attempt) => {
  const hashedPassword = crypto.createHash('sha256').update(attempt + member.pwSalt)
    .digest('hex');
  return member.password === hashedPassword;
};

exports.mixed = (member, attempt) =>
  member.password === attempt || member.password === bcryptjs.hashSync(attempt, member.pwSalt);
"""


def test_a_fast_digest_or_a_plain_compare_is_still_reported(project) -> None:
    found = _findings(project, FAST)
    lines = [(f.line, f.message.split(":")[0]) for f in found]
    assert (6, "password hashed with md5") in lines
    assert (11, "password hashed with sha256") in lines
    compares = [f for f in found if f.message.startswith("password compared with")]
    assert [f.line for f in compares] == [7, 13, 17]
    plain = compares[-1]
    # only the plain half of the mixed condition is the finding
    assert (plain.column, plain.end_line) == (3, 17)
    assert plain.end_column == len("  member.password === attempt") + 1
