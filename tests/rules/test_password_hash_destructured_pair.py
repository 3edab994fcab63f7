"""password-hash: two names one destructuring takes from the same object (``const {
currentPassword, newPassword } = data``) compared with ``===`` are two values the client sent
(a change-password service refusing a new password equal to the current one), not a stored
password checked in plain text (held-out sample 38: a false finding). A stored value compared
with one of them, or names destructured from different objects, stay reported."""

from __future__ import annotations

from nodeharden import check

SERVICE = """\
const bcrypt = require('bcrypt');
const users = require('./users');

exports.changePassword = async (userId, data) => {
  const { currentPassword, newPassword } = data;
  if (currentPassword === newPassword) {
    throw new Error('New password must be different');
  }
  const user = await users.byId(userId);
  if (!(await bcrypt.compare(currentPassword, user.password))) {
    throw new Error('Wrong password');
  }
  return users.save(userId, await bcrypt.hash(newPassword, 12));
};

exports.checkOld = async (userId, data) => {
  const { currentPassword } = data;
  const { password } = await users.byId(userId);
  if (currentPassword === password) {
    return true;
  }
  return false;
};
"""
PACKAGE = '{"name": "a", "dependencies": {"express": "^4.21.0", "bcrypt": "^5.1.1"}}'


def test_two_fields_of_one_destructured_object_are_no_password_check(project) -> None:
    root = project({"package.json": PACKAGE, "auth.service.js": SERVICE,
                    "users.js": "exports.byId = async () => ({});\n"
                                "exports.save = async () => 1;\n"})
    found = [f.line for f in check(root, select=["password-hash"]).findings]
    assert found == [19]  # checkOld's stored password against the one sent: reported
