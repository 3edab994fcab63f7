"""password-hash: a value that names no password compared with a member of a constant
(``args.auth === AuthType.Password``) is a comparison with a literal. A constant imported from
a project module is looked up there by the project phase, through ``require`` and namespace
imports; a constant that module builds at run time or writes to keeps the finding, and so
does a password compared with a constant. bcrypt's cost is not judged on a hash of a literal."""

from __future__ import annotations

from nodeharden import check

PACKAGE = '{"name": "p", "dependencies": {"express": "^4.21.0", "bcryptjs": "^2.4.3"}}'

CONSTANTS = """\
const AuthType = Object.freeze({ None: 'none', Password: 'password' });
const Stored = { Password: 'password' };
Stored.Password = process.env.ADMIN_PASSWORD;
const Loaded = loadModes();
function loadModes() { return { Password: process.env.MODE || 'password' }; }
module.exports = { AuthType, Stored, Loaded };
"""


def _lines(project, files: dict[str, str], name: str = "app") -> list[int]:
    root = project({"package.json": PACKAGE, **files}, name)
    report = check(root, select=["password-hash"])
    assert not report.failed, report.failed
    return sorted(f.line for f in report.findings if f.path == "server.js")


def test_constants_of_a_commonjs_module_are_looked_up(project) -> None:
    server = """\
const { AuthType, Stored, Loaded } = require('./constants');
const constants = require('./constants');
const mode = process.env.AUTH;
if (mode === AuthType.Password) console.log('password login');
if (mode === constants.AuthType.Password) console.log('password login');
if (mode === Stored.Password) console.log('written by its module');
if (mode === Loaded.Password) console.log('built at run time');
"""
    assert _lines(project, {"constants.js": CONSTANTS, "server.js": server}) == [6, 7]


def test_a_module_the_project_does_not_hold_is_not_followed(project) -> None:
    # `./generated/client` is not in the project (generated at build time, or gitignored
    # secrets): what it declares is unknown, so the comparisons stay reported.
    server = """\
const { AuthMethod, settings } = require('./generated/client');
const user = { method: process.env.METHOD };
if (user.method === AuthMethod.Password) console.log('password login');
if (user.method === settings.password) console.log('a field of an object');
"""
    assert _lines(project, {"server.js": server}) == [3, 4]


def test_a_listed_package_falls_back_to_enum_names_for_modes(project) -> None:
    # A named import of a package package.json lists, written like an enum member and
    # compared with a mode, is read as an enum member; a package it does not list (a path
    # alias), request data, a value that is no mode, a default import and node-config's
    # `config` are not.
    package = ('{"name": "p", "dependencies": {"express": "^4.21.0", "@prisma/client": "^5",'
               ' "config": "^3"}}')
    server = """\
const { AuthMethod } = require('@prisma/client');
const { AuthKind } = require('@/generated/client');
const Prisma = require('@prisma/client');
const config = require('config');
const { Admin } = require('config');
function login(req, user) {
  if (user.method === AuthMethod.Password) return 'form';
  if (user.method === AuthKind.Password) return 'alias';
  if (req.body.method === AuthMethod.Password) return 'request';
  if (user.secret === AuthMethod.Password) return 'no mode';
  if (user.method === Prisma.Password) return 'default import';
  if (user.method === config.Admin.Password) return 'node-config';
  if (user.method === Admin.Password) return 'node-config, named';
  return '';
}
module.exports = { login };
"""
    root = project({"package.json": package, "server.js": server})
    report = check(root, select=["password-hash"])
    assert not report.failed, report.failed
    assert sorted(f.line for f in report.findings) == [8, 9, 10, 11, 12, 13]


def test_a_constant_the_importing_file_writes_to_keeps_the_finding(project) -> None:
    server = """\
const { AuthType } = require('./constants');
AuthType.Password = process.env.ADMIN_PASSWORD;
const mode = process.env.AUTH;
if (mode === AuthType.Password) console.log('written by its importer');
"""
    assert _lines(project, {"constants.js": CONSTANTS, "server.js": server}) == [4]


def test_a_password_against_a_constant_stays_reported(project) -> None:
    server = """\
const { AuthType } = require('./constants');
const ADMIN = { name: 'admin', Password: 'change-me' };
function login(req, res) {
  if (req.body.password === ADMIN.Password) return res.send('admin');
  if (req.body.password === AuthType.Password) return res.send('mode name');
  return res.status(401).end();
}
module.exports = { login };
"""
    assert _lines(project, {"constants.js": CONSTANTS, "server.js": server}) == [4, 5]


def test_the_result_cache_keeps_the_project_lookup(project) -> None:
    server = """\
const { AuthType, Loaded } = require('./constants');
const mode = process.env.AUTH;
if (mode === AuthType.Password) console.log('password login');
if (mode === Loaded.Password) console.log('built at run time');
"""
    root = project({"package.json": PACKAGE, "constants.js": CONSTANTS, "server.js": server})
    for _ in range(2):
        report = check(root, select=["password-hash"])
        assert sorted(f.line for f in report.findings) == [4]


def test_bcrypt_cost_of_a_literal_password_is_not_judged(project) -> None:
    server = """\
const bcrypt = require('bcryptjs');
const SEED = 'admin';
let changing = 'admin';
const seeded = [bcrypt.hashSync('1234', 8), bcrypt.hashSync(SEED, 8)];
async function register(req) {
  const later = bcrypt.hashSync(changing, 8);
  return [seeded, later, await bcrypt.hash(req.body.password, 8)];
}
module.exports = { register };
"""
    assert _lines(project, {"server.js": server}) == [6, 7]
