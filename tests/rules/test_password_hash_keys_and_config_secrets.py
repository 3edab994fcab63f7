"""password-hash: two comparisons that are no password store get the constant-time advice
instead of "store a bcrypt hash" (sample 19): an API key's secret matched against a value
named `password` (express-gateway's `credential.keySecret !== password`: a slow hash on a key
checked per request is the wrong remedy), and a Basic-auth password from the Authorization
header matched against what the app's config loader returned (SillyTavern's basicAuth). A
stored user password keeps the error."""

from __future__ import annotations

from conftest import PACKAGE_JSON

from nodeharden import check

KEYS = """\
const store = require('./store');
exports.checkKey = async function (id, password) {
  const cred = await store.findKey(id);
  if (!cred || cred.apiSecret !== password) {
    return false;
  }
  return true;
};
exports.checkUser = async function (id, password) {
  const user = await store.findUser(id);
  return user.password === password;
};
"""

BASIC = """\
const { loadConfig } = require('./settings');
module.exports = function gate(req, res, next) {
  const cfg = loadConfig();
  const header = req.headers.authorization || '';
  const [, encoded] = header.split(' ');
  const [name, password] = Buffer.from(encoded || '', 'base64').toString().split(':');
  if (name === cfg.gate.name && password === cfg.gate.password) {
    return next();
  }
  res.status(401).end();
};
"""

# the loader is handed an argument: which record it reads is not known
LOOKUP = BASIC.replace("loadConfig();", "loadConfig(req.query.site);")


def _found(root, rel: str) -> dict[int, tuple[str, str]]:
    report = check(root, select=["password-hash"])
    assert not report.failed, report.failed
    return {f.line: (f.severity, f.message) for f in report.findings if f.path == rel}


def test_an_api_key_secret_gets_the_constant_time_advice(project) -> None:
    found = _found(project({"package.json": PACKAGE_JSON, "lib/auth.js": KEYS}), "lib/auth.js")
    severity, message = found[4]
    assert severity == "warning"
    assert message.startswith("API key secret compared with `!==`")
    assert "timingSafeEqual" in message and "bcrypt" not in message
    # the user's stored password is still a plain-text store
    assert "store a bcrypt" in found[11][1]


def test_a_config_loaders_password_is_a_configured_secret(project) -> None:
    found = _found(project({"package.json": PACKAGE_JSON, "mw/gate.js": BASIC}), "mw/gate.js")
    severity, message = found[7]
    assert severity == "warning"
    assert "a secret the app is configured with" in message


def test_a_loader_given_an_argument_is_not_taken_for_config(project) -> None:
    found = _found(project({"package.json": PACKAGE_JSON, "mw/gate.js": LOOKUP}), "mw/gate.js")
    assert "store a bcrypt" in found[7][1]


SETTINGS = """\
const config = require('%s');
module.exports = function upload(req, res, next) {
  if (req.get('x-passwd') !== config.uploadPass) {
    return res.status(403).send('Forbidden');
  }
  next();
};
"""


def test_a_settings_module_s_password_is_a_configured_secret(project) -> None:
    # psitransfer's `req.get('x-passwd') !== config.uploadPass` (held-out sample 29): the
    # operator's secret from the app's own settings module, the same for every request.
    for spec in ("../config", "./config.js", "../settings/index"):
        found = _found(project({"package.json": PACKAGE_JSON, "lib/upload.js": SETTINGS % spec},
                               spec.replace("/", "_").replace(".", "d")), "lib/upload.js")
        severity, message = found[3]
        assert severity == "warning" and "a secret the app is configured with" in message, spec


def test_another_module_s_value_keeps_the_store_advice(project) -> None:
    found = _found(project({"package.json": PACKAGE_JSON,
                            "lib/upload.js": SETTINGS % "../users"}), "lib/upload.js")
    assert "store a bcrypt" in found[3][1]
