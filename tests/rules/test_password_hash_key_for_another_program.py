"""password-hash: a fast digest of a password that the function then hands to another program
as its password or key on the command line (``--password=${key}``, ``['--passphrase', key]``)
is a key derived for that program, which keeps or stretches its own secret: not a password
stored to verify a login. It stays reported when the digest is also compared or used to look
a record up, and when nothing hands it on."""

from __future__ import annotations

import json

from nodeharden import check

PACKAGE = json.dumps({"name": "vault", "dependencies": {"express": "^4.21.0", "execa": "^9.0.0"}})

SOURCE = """\
const { createHash } = require('crypto');
const { execa } = require('execa');

async function openArchive(folder, password) {
  // the archiver stretches its passphrase itself
  password = createHash('sha256').update(password).digest('hex').slice(0, 32);
  await execa('archiver', ['open', `--path=${folder}`, `--repo-password=${password}`]);
  return { folder, password };
}

async function sealArchive(folder, passphrase) {
  const key = createHash('sha256').update(passphrase).digest('hex');
  await execa('archiver', ['seal', folder, '--encryption-key', key]);
}

async function login(user, password) {
  const digest = createHash('sha256').update(password).digest('hex');
  await execa('audit', [`--password=${digest}`]);
  return digest === user.passwordDigest;
}

async function register(db, password) {
  const hashed = createHash('sha256').update(password).digest('hex');
  await db.users.insertOne({ password: hashed });
  await execa('notify', ['--user', hashed]);
}

module.exports = { openArchive, sealArchive, login, register };
"""


def test_a_digest_handed_to_another_program_as_its_password_is_not_reported(project) -> None:
    root = project({"package.json": PACKAGE, "archive.js": SOURCE})
    report = check(root, select=["password-hash"])
    assert report.failed == []
    assert sorted(f.line for f in report.findings if "hashed with" in f.message) == [17, 23]


def test_a_digest_package_follows_the_same_rule(project) -> None:
    source = ("const sha256 = require('js-sha256');\nconst { spawn } = require('child_process');\n"
              "function mount(pw) {\n  const key = sha256(pw);\n"
              "  spawn('vaultfs', ['--passphrase', key]);\n}\n"
              "function save(user, pw) {\n  user.password = sha256(pw);\n}\n"
              "module.exports = { mount, save };\n")
    package = json.dumps({"name": "v", "dependencies": {"express": "^4.21.0",
                                                        "js-sha256": "^0.11.0"}})
    root = project({"package.json": package, "mount.js": source})
    report = check(root, select=["password-hash"])
    assert [f.line for f in report.findings if "hashed with" in f.message] == [8]
