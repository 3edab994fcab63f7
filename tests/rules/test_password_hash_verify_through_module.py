"""password-hash: `record.password !== hashOf(pw, record.salt)` where `hashOf` lives in another
module of the project is a hand-written verify when that function derives the value with a
slow password hash (scrypt, pbkdf2, bcrypt, argon2): the import is followed one level, as for
store calls (sample 19, SillyTavern F5). A function there that makes a fast digest, or one
that cannot be found, leaves the comparison reported."""

from __future__ import annotations

from nodeharden import check

PACKAGE = '{"name": "p", "type": "commonjs", "dependencies": {"express": "^4.21.0"}}'

ROUTE = """\
const express = require('express');
const { hashOf } = require('../lib/secrets');
const accounts = require('../lib/accounts');
const router = express.Router();
router.post('/pass', (req, res) => {
  const account = accounts.find(req.body.login);
  if (account.passwordHash !== hashOf(req.body.current, account.salt)) {
    return res.sendStatus(403);
  }
  res.sendStatus(204);
});
module.exports = router;
"""

SLOW = """\
const crypto = require('crypto');
function hashOf(secret, salt) {
  return crypto.scryptSync(secret.normalize(), salt, 64).toString('base64');
}
module.exports = { hashOf };
"""

ESM_ROUTE = """\
import { hashOf } from '../lib/secrets.mjs';
export function allowed(account, pw) {
  return account.password === hashOf(pw, account.salt);
}
"""

ESM_SLOW = """\
import { pbkdf2Sync } from 'node:crypto';
export function hashOf(secret, salt) {
  return pbkdf2Sync(secret, salt, 600000, 32, 'sha256').toString('hex');
}
"""

FAST = """\
const crypto = require('crypto');
function hashOf(secret, salt) {
  return crypto.createHash('sha256').update(salt + secret).digest('hex');
}
module.exports = { hashOf };
"""


def _lines(root, rel: str) -> list[int]:
    report = check(root, select=["password-hash"])
    assert not report.failed, report.failed
    return sorted(f.line for f in report.findings if f.path == rel)


def test_scrypt_in_another_module_is_a_verify(project) -> None:
    root = project({"package.json": PACKAGE, "routes/pass.js": ROUTE,
                    "lib/secrets.js": SLOW, "lib/accounts.js": "module.exports = {};\n"})
    assert _lines(root, "routes/pass.js") == []


def test_esm_named_import_of_pbkdf2_is_a_verify(project) -> None:
    root = project({"package.json": PACKAGE, "src/allowed.mjs": ESM_ROUTE,
                    "lib/secrets.mjs": ESM_SLOW})
    assert _lines(root, "src/allowed.mjs") == []


def test_a_fast_digest_there_is_still_reported(project) -> None:
    root = project({"package.json": PACKAGE, "routes/pass.js": ROUTE,
                    "lib/secrets.js": FAST, "lib/accounts.js": "module.exports = {};\n"})
    assert _lines(root, "routes/pass.js") == [7]


def test_a_module_that_is_not_there_proves_nothing(project) -> None:
    root = project({"package.json": PACKAGE, "routes/pass.js": ROUTE,
                    "lib/accounts.js": "module.exports = {};\n"})
    assert _lines(root, "routes/pass.js") == [7]


# A monad's callback (Fluture's `chain`/`map`, as a Promise's `then`): its parameter is the
# hash the project's function derived (sample 39: express-postgres-auth's `hashBySalt`, PBKDF2).
CHAINED = """\
import { hashBySalt } from '../Hashes/functions.mjs';
export const verify = (account, plainPassword) =>
  hashBySalt(plainPassword, account.salt)
    .chain(hash => hash === account.password ? Future.of(account) : Future.reject(new Error()));
export const mapped = (account, plainPassword) =>
  hashBySalt(plainPassword, account.salt).map((hash) => hash === account.password);
"""

CHAINED_SLOW = """\
import crypto from 'crypto';
import { node } from 'fluture';
export const hashBySalt = (plain, salt) =>
  node(done => crypto.pbkdf2(plain, salt, 25000, 64, 'sha512', done))
    .map(buffer => buffer.toString('hex'));
"""

CHAINED_FAST = """\
import crypto from 'crypto';
import { resolve } from 'fluture';
export const hashBySalt = (plain, salt) =>
  resolve(crypto.createHash('sha256').update(salt + plain).digest('hex'));
"""


def test_a_chained_callback_of_a_slow_hash_is_a_verify(project) -> None:
    root = project({"package.json": PACKAGE, "src/Auth/strategies.mjs": CHAINED,
                    "src/Hashes/functions.mjs": CHAINED_SLOW})
    assert _lines(root, "src/Auth/strategies.mjs") == []


def test_a_chained_callback_of_a_fast_digest_is_still_reported(project) -> None:
    root = project({"package.json": PACKAGE, "src/Auth/strategies.mjs": CHAINED,
                    "src/Hashes/functions.mjs": CHAINED_FAST})
    assert _lines(root, "src/Auth/strategies.mjs") == [4, 6]
