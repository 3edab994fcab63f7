"""hardcoded-secret reads two more places a secret's literal can sit: the default handed to a
config getter (``getConfig('session.secret', 'dev')``, ``settings.get(k, d)``, ``_.get(conf,
k, d)``), also behind a function that returns it, and a JSON module the code imports
(``require('./app.json')``). Each shape in a small project of our own, and the ones that must
stay quiet: a getter whose package takes no default, a placeholder the app refuses, a value
only tests read, a default read from the environment."""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree
from nodeharden._api import check

PACKAGE = ('{"name": "shop", "dependencies": {"express": "^5.1.0", "express-session": "^1.18.0",'
           ' "cookie-parser": "^1.4.7", "jsonwebtoken": "^9.0.2"}}\n')
GETTER = """\
    const store = require('./store');
    exports.getConfig = (key, fallback) => (store.has(key) ? store.read(key) : fallback);
    """


def findings(root: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    write_tree(root, {"package.json": PACKAGE, "lib/getConfig.js": GETTER, **files})
    report = check(root, select=["hardcoded-secret"])
    assert not report.failed, report.failed
    return sorted((f.path, f.line, f.message) for f in report.findings)


def lines(root: Path, files: dict[str, str]) -> list[tuple[str, int]]:
    return [(path, line) for path, line, _ in findings(root, files)]


# --- the default of a config getter ---------------------------------------------------------

def test_a_getter_default_handed_to_the_session_is_reported(tmp_path: Path) -> None:
    found = findings(tmp_path, {"app.js": """\
        const session = require('express-session');
        const { getConfig } = require('./lib/getConfig');
        const app = require('express')();
        app.use(session({
          secret: getConfig('shop.sessionKey', 'pretzel jar'),
          resave: false,
        }));
        """})
    assert [(p, n) for p, n, _ in found] == [("app.js", 5)]
    assert "hard-coded default session secret (`shop.sessionKey`)" in found[0][2]
    assert "SESSION_SECRET only" in found[0][2]


def test_config_object_get_and_lodash_get_defaults_are_reported(tmp_path: Path) -> None:
    assert lines(tmp_path, {"auth.js": """\
        const jwt = require('jsonwebtoken');
        const cookieParser = require('cookie-parser');
        const _ = require('lodash');
        const appSettings = require('./settings');
        const signKey = appSettings.get('auth.signKey', 'blue-heron');
        exports.sign = (user) => jwt.sign({ sub: user.id }, signKey);
        exports.parser = cookieParser(_.get(appSettings, 'cookies.key', 'green-heron'));
        exports.user = (req) => req.signedCookies.user;
        """, "settings.js": "module.exports = new Map();\n"}) == [("auth.js", 5), ("auth.js", 7)]


def test_a_function_returning_the_default_is_followed_one_level(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "services/cookieKey.js": """\
            const { getConfig } = require('../lib/getConfig');
            exports.cookieKey = () => getConfig('web.cookieKey', 'rusty anchor');
            """,
        "server.js": """\
            const cookieParser = require('cookie-parser');
            const { cookieKey } = require('./services/cookieKey');
            function start(app) {
              const key = cookieKey();
              app.use(cookieParser(key));
              app.get('/', (req, res) => res.send(req.signedCookies.user));
            }
            module.exports = start;
            """,
        "local.js": """\
            const jwt = require('jsonwebtoken');
            const { getConfig } = require('./lib/getConfig');
            function tokenKey() {
              return getConfig('api.tokenKey', 'silver anchor');
            }
            exports.issue = (id) => jwt.sign({ id }, tokenKey());
            """})
    assert [(p, n) for p, n, _ in found] == [("local.js", 4), ("services/cookieKey.js", 2)]
    assert "(`web.cookieKey`, used at server.js:4)" in found[1][2]


def test_getter_defaults_that_stay_quiet(tmp_path: Path) -> None:
    assert lines(tmp_path, {
        # node-config's get takes no default: a second argument is never the value.
        "a.js": """\
            const config = require('config');
            const jwt = require('jsonwebtoken');
            exports.sign = (p) => jwt.sign(p, config.get('jwt.key', 'never-used'));
            """,
        # Read from the environment: nothing hard-coded.
        "b.js": """\
            const jwt = require('jsonwebtoken');
            const { getConfig } = require('./lib/getConfig');
            exports.sign = (p) => jwt.sign(p, getConfig('jwt.key', process.env.JWT_KEY));
            """,
        # A placeholder the app refuses at start-up.
        "c.js": """\
            const session = require('express-session');
            const { getConfig } = require('./lib/getConfig');
            const key = getConfig('session.key', 'replace-me');
            if (key === 'replace-me') throw new Error('set session.key');
            module.exports = session({ secret: key });
            """,
        # Not a config getter, and not a secret argument.
        "d.js": """\
            const jwt = require('jsonwebtoken');
            const { getConfig } = require('./lib/getConfig');
            const cache = new Map();
            exports.sign = (p) => jwt.sign(p, cache.get('jwt', 'x'), {
              issuer: getConfig('jwt.issuer', 'shop'),
            });
            """,
        # Only a test reads it.
        "test/sign.test.js": """\
            const jwt = require('jsonwebtoken');
            const { getConfig } = require('../lib/getConfig');
            jwt.sign({ id: 1 }, getConfig('jwt.key', 'test-only-key'));
            """,
    }) == []


def test_an_exported_getter_default_the_app_refuses_elsewhere_stays_quiet(
        tmp_path: Path) -> None:
    assert lines(tmp_path, {
        "services/key.js": """\
            const { getConfig } = require('../lib/getConfig');
            exports.sessionKey = () => getConfig('session.key', 'please-change');
            """,
        "boot.js": """\
            const { sessionKey } = require('./services/key');
            if (sessionKey() === 'please-change') process.exit(1);
            """,
        "app.js": """\
            const session = require('express-session');
            const { sessionKey } = require('./services/key');
            module.exports = session({ secret: sessionKey() });
            """}) == []


# --- a JSON module ----------------------------------------------------------------------------

JSON_CONFIG = """\
{
  "port": 8080,
  "auth": {
    "tokenKey": "lantern by the sea",
    "expiresIn": "2h"
  }
}
"""


def test_a_secret_in_an_imported_json_module_is_reported_where_it_is_written(
        tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "config/app.json": JSON_CONFIG,
        "routes/login.js": """\
            const jwt = require('jsonwebtoken');
            const config = require('../config/app.json');
            exports.login = (user) => jwt.sign({ sub: user }, config.auth.tokenKey);
            """,
        "middleware/check.ts": """\
            import * as jwt from 'jsonwebtoken';
            import config from '../config/app.json';
            export const check = (token: string) => jwt.verify(token, config.auth.tokenKey);
            """})
    assert [(p, n) for p, n, _ in found] == [("config/app.json", 4)]
    assert "(`auth.tokenKey`, used at middleware/check.ts:3, routes/login.js:3)" \
        in found[0][2]


def test_a_key_spelled_as_an_environment_variable_names_the_variable_to_read(
        tmp_path: Path) -> None:
    """An env.json of the app's settings, spelled as the environment variables they stand for:
    the refresh token's secret is to be read from its own variable, not from JWT_SECRET."""
    found = findings(tmp_path, {
        "configs/env.json": '{\n  "JWT_SECRET": "first of two",\n'
                            '  "JWT_SECRET_REFRESH_TOKEN": "second of two",\n  "auth": '
                            '{"tokenKey": "third"}\n}\n',
        "tokens.js": """\
            const jwt = require('jsonwebtoken');
            const env = require('./configs/env.json');
            exports.access = (user) => jwt.sign({ sub: user }, env.JWT_SECRET);
            exports.refresh = (user) => jwt.sign({ sub: user }, env.JWT_SECRET_REFRESH_TOKEN);
            exports.other = (user) => jwt.sign({ sub: user }, env.auth.tokenKey);
            """})
    assert [(p, n, m.rpartition("read it from ")[2]) for p, n, m in found] == [
        ("configs/env.json", 2, "JWT_SECRET"),
        ("configs/env.json", 3, "JWT_SECRET_REFRESH_TOKEN"),
        ("configs/env.json", 4, "JWT_SECRET")]  # not spelled as a variable: the default name


def test_require_without_an_extension_finds_the_json_file(tmp_path: Path) -> None:
    assert lines(tmp_path, {
        "settings.json": '{"cookieKey": "tide pool"}\n',
        "app.js": """\
            const cookieParser = require('cookie-parser');
            const settings = require('./settings');
            module.exports = cookieParser(settings.cookieKey);
            module.exports.user = (req) => req.signedCookies.user;
            """}) == [("settings.json", 1)]


def test_json_secrets_that_stay_quiet(tmp_path: Path) -> None:
    assert lines(tmp_path, {
        "placeholder.json": '{"auth": {"tokenKey": "CHANGE_ME"}}\n',
        "empty.json": '{"auth": {"tokenKey": ""}}\n',
        "fixtures.json": '{"auth": {"tokenKey": "fixture key"}}\n',
        "app.js": """\
            const jwt = require('jsonwebtoken');
            const placeholder = require('./placeholder.json');
            const empty = require('./empty.json');
            if (placeholder.auth.tokenKey === 'CHANGE_ME') throw new Error('set auth.tokenKey');
            exports.a = (p) => jwt.sign(p, placeholder.auth.tokenKey);
            exports.b = (p) => jwt.sign(p, empty.auth.tokenKey);
            exports.c = (p) => jwt.sign(p, placeholder.auth.expiresIn);
            """,
        "test/auth.test.js": """\
            const jwt = require('jsonwebtoken');
            const fixtures = require('../fixtures.json');
            jwt.sign({ id: 1 }, fixtures.auth.tokenKey);
            """}) == []


def test_an_env_fallback_returned_by_a_local_function_keeps_its_fix(tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": PACKAGE, "sign.js": """\
        const jwt = require('jsonwebtoken');
        function signingKey() {
          return process.env.JWT_SECRET || 'porch light';
        }
        exports.sign = (p) => jwt.sign(p, signingKey());
        """})
    report = check(tmp_path, select=["hardcoded-secret"])
    [finding] = report.findings
    assert (finding.path, finding.line, finding.fix is not None) == ("sign.js", 3, True)
    [change] = finding.fix.changes
    assert any(e.content == "process.env.JWT_SECRET" for e in change.edits)


def test_a_getter_default_another_file_refuses_is_not_reported(tmp_path: Path) -> None:
    """The placeholder check often lives in a config or start-up module, not where the
    getter's default is written: every project file counts, as for a module's literal."""
    files = {"app.js": """\
        const jwt = require('jsonwebtoken');
        const { getConfig } = require('./lib/getConfig');
        exports.token = (user) => jwt.sign({ sub: user.id }, getConfig('jwt.key', 'CHANGE_ME'));
        """, "boot.js": """\
        const { getConfig } = require('./lib/getConfig');
        if (getConfig('jwt.key', 'CHANGE_ME') === 'CHANGE_ME') {
          throw new Error('set jwt.key in the config');
        }
        """}
    assert lines(tmp_path, files) == []
    files["boot.js"] = files["boot.js"].replace("=== 'CHANGE_ME'", "=== undefined")
    assert lines(tmp_path / "unrefused", files) == [("app.js", 3)]
