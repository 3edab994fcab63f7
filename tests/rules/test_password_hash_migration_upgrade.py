"""password-hash: a migration note only for an upgrade of exactly what the condition checks, a
configured-secret warning only for a factory every caller of the project gives a constant, and a
long `||` chain judged in linear time.

- The legacy check is a note only when every comparison of its condition has the SAME variable
  (by declaration, not by name) hashed with a password hash, not set to another value in between,
  and that hash kept (assigned to a property, returned, passed on) in the branch of the check or
  after it. Otherwise the comparison error stays (review of 7881895: five downgrades).
- A request password compared with a parameter of an exported factory is the configured-secret
  warning only when the project's calls of that factory (through an import, one level) all pass
  an environment value or a constant; a database value, or no caller seen, keeps the error.
"""

from __future__ import annotations

import json
from pathlib import Path

from _complexity import growth

from nodeharden import check

FIXTURE = Path(__file__).parents[2] / "codemods/password-hash/fixtures/migration-upgrade-checked"
PACKAGE = json.dumps({"name": "app", "dependencies": {"express": "^4.21.0", "bcrypt": "^5.1.0",
                                                      "md5": "^2.3.0"}})


def _findings(project, files: dict[str, str]):
    root = project({"package.json": PACKAGE, **files})
    report = check(root, select=["password-hash"])
    assert report.failed == []
    return {(f.path, f.line): f for f in report.findings}


def test_only_an_upgrade_of_what_is_checked_is_a_migration(project) -> None:
    source = (FIXTURE / "input.js").read_text()
    found = _findings(project, {"auth.js": source, "db.js": "module.exports = {};\n"})
    severities = {line: f.severity for (path, line), f in found.items() if path == "auth.js"}
    # A: PIN not upgraded; B: another password hashed; C: a shadowing parameter hashed;
    # D: the hash only logged; E: the upgrade in an earlier branch; F: legacy only.
    for line in (10, 21, 30, 37, 49, 57):
        assert severities[line] == "error", (line, found[("auth.js", line)].message)
        assert "store a bcrypt (cost >= 12) or argon2id hash" in found[("auth.js", line)].message
    assert found[("auth.js", 45)].message.startswith("password hashed with md5")
    for line in (62, 72):
        assert severities[line] == "note", line
        assert "on a migration path" in found[("auth.js", line)].message
    assert "`bcrypt.hash()` (line 63)" in found[("auth.js", 62)].message
    assert set(severities) == {10, 21, 30, 37, 45, 49, 57, 62, 72}


GATE = """\
exports.makeCheck = function makeCheck(storedPassword) {
  return (req, res) => {
    if (req.body.password === storedPassword) return res.json({ ok: true });
    return res.status(401).end();
  };
};
"""


def _gate(project, caller: str):
    files = {"gate.js": GATE}
    if caller:
        files["rooms.js"] = caller
    return _findings(project, files)[("gate.js", 3)]


def test_a_factory_given_a_database_value_elsewhere_keeps_the_error(project) -> None:
    finding = _gate(project, """\
const { makeCheck } = require('./gate');
module.exports = (db) => async (req, res) => {
  const user = await db.users.get(req.params.id);
  return makeCheck(user.password)(req, res);
};
""")
    assert finding.severity == "error"
    assert "store a bcrypt (cost >= 12) or argon2id hash" in finding.message


def test_an_exported_factory_nobody_calls_keeps_the_error(project) -> None:
    finding = _gate(project, "")
    assert finding.severity == "error"


def test_a_factory_every_module_gives_a_configured_value_is_a_secret(project) -> None:
    finding = _gate(project, """\
const express = require('express');
const gate = require('./gate');
const { makeCheck } = require('./gate');
const OPS = process.env.OPS_PASSWORD;
express().use('/a', gate.makeCheck(process.env.ADMIN_PASSWORD)).use('/b', makeCheck(OPS));
""")
    assert finding.severity == "warning"
    assert "crypto.timingSafeEqual" in finding.message


def test_one_call_with_a_database_value_among_constants_keeps_the_error(project) -> None:
    finding = _gate(project, """\
const express = require('express');
const gate = require('./gate');
express().use('/a', gate.makeCheck(process.env.ADMIN_PASSWORD))
  .use('/b', (req, res) => gate.makeCheck(req.user.password)(req, res));
""")
    assert finding.severity == "error"


def test_many_comparisons_in_one_condition_stay_linear(project) -> None:
    # A long `||` chain took 12 s at 1,000 comparisons before 7881895 and ran over the 30 s
    # file budget after it. Counted steps, not time: 4 times the comparisons cost about 4
    # times the work.
    def make(count: int):
        chain = " || ".join(f"u.p{i}.password === password" for i in range(count))
        source = ("const bcrypt = require('bcrypt');\n"
                  f"async function check(u, password) {{\n  if ({chain}) "
                  "{ return bcrypt.hash(password, 12); }\n}\nmodule.exports = { check };\n")
        root = project({"package.json": PACKAGE, "a.js": source}, f"n{count}")
        return lambda: check(root, select=["password-hash"])

    _, report = growth(make, 50)
    assert report.failed == []
    found = {(f.path, f.line): f for f in report.findings}
    assert [(line, f.severity) for (_, line), f in found.items()] == [(3, "note")]
    assert "200 comparisons in one condition" in found[("a.js", 3)].message


def test_a_function_of_the_file_that_hashes_and_saves_is_an_upgrade(project) -> None:
    helper = """\
const bcrypt = require('bcrypt');
const crypto = require('crypto');
const db = require('./db');
const legacy = (v) => crypto.createHash('sha1').update(v).digest('hex');
async function upgrade(account, password) {
  account.password = await bcrypt.hash(password, 12);
  await db.accounts.save(account);
}
async function hashOnly(password) {
  return bcrypt.hash(password, 12);
}
exports.login = async (account, password) => {
  if (account.password !== legacy(password)) return false;
  await upgrade(account, password);
  return true;
};
exports.check = async (account, password) => {
  if (account.password !== legacy(password)) return false;
  await hashOnly(password);
  return true;
};
"""
    found = _findings(project, {"auth.js": helper, "db.js": "module.exports = {};\n"})
    assert found[("auth.js", 13)].severity == "note"
    assert "`upgrade()` (line 14)" in found[("auth.js", 13)].message
    assert found[("auth.js", 18)].severity == "error"  # hashed, then thrown away
