"""hardcoded-secret: a key built by ``+`` or a template from parts the source gives away, and a
config module whose exported object is a defaults object handed to a loader or merge. Small
projects of our own: the shapes that are reported, and the ones that must stay quiet (a part
or a key the deployment sets, a placeholder the app refuses, a call that is no loader)."""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree
from nodeharden._api import check

CJS = '{"name": "api", "dependencies": {"express": "^5.1.0", "jsonwebtoken": "^9.0.2"}}\n'
ESM = ('{"name": "api", "type": "module", '
       '"dependencies": {"express": "^5.1.0", "jsonwebtoken": "^9.0.2"}}\n')
SIGNER = """\
    const jwt = require('jsonwebtoken');
    const settings = require('../settings');
    module.exports = (user) => jwt.sign({ sub: user.id }, settings.signing.key);
    """
JOINED = """\
    const jwt = require('jsonwebtoken');
    const settings = require('../settings');
    module.exports = (user) =>
      jwt.sign({ sub: user.id }, settings.login.pass + settings.signing.key);
    """


def findings(root: Path, files: dict[str, str], package: str = CJS) -> list[tuple[str, int, str]]:
    write_tree(root, {"package.json": package, **files})
    report = check(root, select=["hardcoded-secret"])
    assert not report.failed, report.failed
    return sorted((f.path, f.line, f.message) for f in report.findings)


def lines(root: Path, files: dict[str, str], package: str = CJS) -> list[tuple[str, int]]:
    return [(path, line) for path, line, _ in findings(root, files, package)]


# --- a key joined from parts -------------------------------------------------------------

def test_every_part_of_a_joined_key_read_from_config_is_reported(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "settings.js": """\
            module.exports = {
              login: { pass: 'panel-pass-17' },
              signing: { key: 'token-key-42' },
            };
            """,
        "routes/token.js": JOINED,
    })
    assert [(p, n) for p, n, _ in found] == [("settings.js", 2), ("settings.js", 3)]
    assert all("JWT secret part" in m and "routes/token.js:4" in m for _, _, m in found)


def test_a_part_the_deployment_sets_keeps_the_key_secret(tmp_path: Path) -> None:
    assert lines(tmp_path, {
        "settings.js": """\
            module.exports = {
              login: { pass: process.env.PANEL_PASS },
              signing: { key: 'token-key-42' },
            };
            """,
        "routes/token.js": JOINED,
    }) == []
    write_tree(tmp_path, {
        "settings.js": "module.exports = { signing: { key: 'token-key-42' } };\n",
        "routes/token.js": """\
            const jwt = require('jsonwebtoken');
            const settings = require('../settings');
            exports.a = (u) => jwt.sign({ u }, process.env.PEPPER + settings.signing.key);
            exports.b = (u, salt) => jwt.sign({ u }, `${settings.signing.key}:${salt}`);
            exports.c = (u) => jwt.sign({ u }, settings.signing.key + u.passwordHash);
            """,
    })
    assert lines(tmp_path, {}) == []


def test_a_key_joined_from_literals_in_the_file_is_reported_without_a_fix(
        tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": CJS, "app.js": """\
        const jwt = require('jsonwebtoken');
        const PREFIX = 'issuer-';
        exports.a = (p) => jwt.sign(p, PREFIX + 'key-99');
        exports.b = (p) => jwt.sign(p, `${PREFIX}2024`);
        exports.c = (p) => jwt.sign(p, 'pre-' + process.env.JWT_SECRET);
        """})
    report = check(tmp_path, select=["hardcoded-secret"])
    assert [(f.line, f.fix) for f in report.findings] == [(3, None), (4, None)]


# --- a defaults object handed to a loader or merge ------------------------------------------

def test_defaults_handed_to_a_loader_are_reported_as_defaults(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "settings.js": """\
            const { loadConfig } = require('./loader');
            const defaults = { port: 3000, signing: { key: 'token-key-42' } };
            module.exports = loadConfig(defaults, './deploy.yml');
            """,
        "loader.js": "exports.loadConfig = (d) => d;\n",
        "routes/token.js": SIGNER,
    })
    [(path, line, message)] = found
    assert (path, line) == ("settings.js", 2)
    assert message.startswith("hard-coded default JWT secret (`signing.key`")
    assert "wherever the deployment's config does not set it" in message


def test_a_schema_parse_of_a_spread_loader_call_in_typescript(tmp_path: Path) -> None:
    package = ('{"name": "api", "type": "module", "dependencies": {"express": "^5.1.0", '
               '"jsonwebtoken": "^9.0.2", "zod": "^3.0.0"}}\n')
    found = findings(tmp_path, {
        "tsconfig.json": '{"compilerOptions": {"module": "nodenext"}}\n',
        "src/settings.ts": """\
            import { loadConfig } from './loader.js';
            import { z } from 'zod';
            const Settings = z.object({ signing: z.object({ key: z.string() }) });
            type Settings = z.infer<typeof Settings>;
            const fallbackSettings: Settings = { signing: { key: 'token-key-42' } };
            const files = (process.argv[2] ? [process.argv[2]] : ['./deploy.yml']);
            const merged = loadConfig(...[fallbackSettings, ...files]);
            const settings = Settings.parse(merged);
            export default settings;
            """,
        "src/loader.ts": "export function loadConfig(...items: unknown[]) { return items[0]; }\n",
        "src/token.ts": """\
            import jwt from 'jsonwebtoken';
            import settings from './settings.js';
            export const issue = (id: string) => jwt.sign({ id }, settings.signing.key);
            """,
    }, package)
    assert [(p, n) for p, n, _ in found] == [("src/settings.ts", 5)]
    assert "default JWT secret" in found[0][2]


def test_merges_and_spreads(tmp_path: Path) -> None:
    token = """\
        import jwt from 'jsonwebtoken';
        import settings from './settings.js';
        export const issue = (id) => jwt.sign({ id }, settings.signing.key);
        """
    cases = {
        # later sources that may set anything: defaults
        "const base = { signing: { key: 'k-1' } };\n"
        "export default Object.assign({}, base, JSON.parse(process.env.SETTINGS || '{}'));\n":
            [(1, True)],
        "import fromFile from './deploy.json' with { type: 'json' };\n"
        "const base = { signing: { key: 'k-1' } };\n"
        "export default { ...base, ...fromFile };\n": [(2, True)],
        "import fromFile from './deploy.json' with { type: 'json' };\n"
        "export default { signing: { key: 'k-1' }, ...fromFile };\n": [(2, True)],
        # a later object literal that sets the key: not what the config holds
        "const base = { signing: { key: 'k-1' } };\n"
        "export default Object.assign({}, base, { signing: { key: process.env.KEY } });\n":
            [],
        "const base = { signing: { key: 'k-1' } };\n"
        "const fromEnv = { signing: { key: process.env.KEY } };\n"
        "export default { ...base, ...fromEnv };\n": [],
        # every source known: the literal is what the config holds
        "const base = { port: 3000 };\n"
        "export default Object.assign({}, base, { signing: { key: 'k-1' } });\n":
            [(2, False)],
        # a call that is no loader or merge: not followed
        "const base = { signing: { key: 'k-1' } };\n"
        "export default describe(base);\n": [],
    }
    for settings, expected in cases.items():
        found = findings(tmp_path, {"settings.js": settings, "token.js": token,
                                    "deploy.json": "{}\n"}, ESM)
        assert [(n, "default JWT" in m) for _, n, m in found] == expected, settings


def test_a_placeholder_default_the_app_refuses_is_not_reported(tmp_path: Path) -> None:
    assert lines(tmp_path, {
        "settings.js": """\
            const { loadConfig } = require('./loader');
            const defaults = { signing: { key: 'change-me' }, login: { pass: 'p-1' } };
            module.exports = loadConfig(defaults, './deploy.yml');
            """,
        "loader.js": "exports.loadConfig = (d) => d;\n",
        "routes/token.js": JOINED,
        "server.js": """\
            const settings = require('./settings');
            if (settings.signing.key === 'change-me') throw new Error('set signing.key');
            """,
    }) == []


def test_a_key_read_only_by_tests_is_not_reported(tmp_path: Path) -> None:
    assert lines(tmp_path, {
        "settings.js": """\
            const { loadConfig } = require('./loader');
            module.exports = loadConfig({ signing: { key: 'k-1' } }, './deploy.yml');
            """,
        "loader.js": "exports.loadConfig = (d) => d;\n",
        "test/token.test.js": SIGNER,
    }) == []


# --- a production guard, an empty value, a schema that refuses the default ----------------

GUARD = """\
    if (process.env.NODE_ENV === 'production' && !process.env.SIGNING_KEY) {
      throw new Error('SIGNING_KEY is required');
    }
    """


def test_a_production_guard_on_the_variable_covers_fallbacks_and_merged_defaults(
        tmp_path: Path) -> None:
    merged = """\
        const base = { port: 8080, signing: { key: 'local-only-key' } };
        const env = { signing: { key: process.env.SIGNING_KEY } };
        const strip = (o) => JSON.parse(JSON.stringify(o));
        """
    cases = {
        # the module stops a production start without the variable
        merged + GUARD + "module.exports = Object.assign({}, base, strip(env));\n": [],
        GUARD + "module.exports = { signing: { key: process.env.SIGNING_KEY || 'k-9' } };\n":
            [],
        # the shape this rule's own fix writes
        "if (!process.env.SIGNING_KEY) {\n"
        "  if (process.env.NODE_ENV === 'production') process.exit(1);\n"
        "}\n"
        "module.exports = { signing: { key: process.env.SIGNING_KEY || 'k-9' } };\n": [],
        # a production flag of the file, and two variables in one test
        "const live = process.env.NODE_ENV === 'production';\n"
        "if (live && (!process.env.OTHER || !process.env.SIGNING_KEY)) throw new Error('x');\n"
        "module.exports = { signing: { key: process.env.SIGNING_KEY || 'k-9' } };\n": [],
        # no guard, a guard on another variable, outside production, or inside a function
        merged + "module.exports = Object.assign({}, base, strip(env));\n": [1],
        merged + GUARD.replace("SIGNING_KEY", "OTHER_KEY")
        + "module.exports = Object.assign({}, base, strip(env));\n": [1],
        GUARD.replace("'production'", "'test'")
        + "module.exports = { signing: { key: process.env.SIGNING_KEY || 'k-9' } };\n": [4],
        "function check() {\n" + GUARD + "}\n"
        "module.exports = { signing: { key: process.env.SIGNING_KEY || 'k-9' } };\n": [6],
        # the guarded variable does not set the defaulted key: the default still applies
        "const base = { signing: { key: 'local-only-key' } };\n" + GUARD
        + "module.exports = { ...base, ...require('./deploy.json') };\n": [1],
    }
    for settings, expected in cases.items():
        assert [n for _, n in lines(tmp_path, {"settings.js": settings, "deploy.json": "{}\n",
                                               "routes/token.js": SIGNER})] == expected, settings


def test_a_guarded_fallback_in_the_signing_file_is_not_reported(tmp_path: Path) -> None:
    assert lines(tmp_path, {"token.js": GUARD.replace("SIGNING_KEY", "JWT_SECRET") + """\
        const jwt = require('jsonwebtoken');
        exports.issue = (id) => jwt.sign({ id }, process.env.JWT_SECRET || 'k-9');
        """}) == []
    assert lines(tmp_path, {"token.js": """\
        const jwt = require('jsonwebtoken');
        exports.issue = (id) => jwt.sign({ id }, process.env.JWT_SECRET || 'k-9');
        """}) == [("token.js", 2)]


def test_an_empty_secret_is_refused_by_the_libraries_and_not_reported(tmp_path: Path) -> None:
    assert lines(tmp_path, {
        "settings.js": """\
            const base = { signing: { key: '' }, login: { pass: process.env.PASS || `` } };
            module.exports = { ...base, ...require('./deploy.json') };
            """,
        "deploy.json": "{}\n",
        "routes/token.js": SIGNER,
        "routes/login.js": """\
            const jwt = require('jsonwebtoken');
            const settings = require('../settings');
            exports.a = (u) => jwt.sign({ u }, settings.login.pass);
            exports.b = (u) => jwt.sign({ u }, process.env.JWT_SECRET || '');
            exports.c = (u) => jwt.sign({ u }, '');
            """,
    }) == []
    # a string of spaces is a secret jsonwebtoken signs with; an empty part adds nothing
    assert lines(tmp_path, {
        "settings.js": "module.exports = { signing: { key: ' ' } };\n",
        "routes/login.js": """\
            const jwt = require('jsonwebtoken');
            exports.a = (u) => jwt.sign({ u }, '' + 'k-7');
            """,
    }) == [("routes/login.js", 2), ("settings.js", 1)]


def test_a_schema_that_refuses_the_default_at_its_key(tmp_path: Path) -> None:
    package = ('{"name": "api", "dependencies": {"jsonwebtoken": "^9.0.2", "zod": "^3.0.0", '
               '"joi": "^17.0.0"}}\n')
    token = """\
        const jwt = require('jsonwebtoken');
        const settings = require('./settings');
        module.exports = (u) => jwt.sign({ u }, settings.SIGNING_KEY);
        """
    zod = ("const { z } = require('zod');\n"
           "const base = { SIGNING_KEY: 'placeholder' };\n"
           "const shape = z.object({ SIGNING_KEY: z.string()%s });\n"
           "module.exports = shape.parse({ ...base, ...process.env });\n")
    joi = ("const Joi = require('joi');\n"
           "const base = { SIGNING_KEY: 'placeholder' };\n"
           "const shape = Joi.object({ SIGNING_KEY: Joi.string()%s });\n"
           "const { error } = shape.validate({ ...base, ...readFile() });\n"
           "if (error) throw error;\n"
           "function readFile() { return require('./deploy.json'); }\n"
           "module.exports = Object.assign({}, base, readFile());\n")
    cases = {
        zod % ".min(24)": [],
        joi % ".invalid('placeholder').required()": [],
        joi % ".not('other', 'placeholder')": [],
        joi % ".disallow('placeholder')": [],
        # the default passes, or the schema lets it through another way
        zod % ".min(8)": [2],
        zod % ".min(24).catch('x')": [2],
        joi % ".invalid('other')": [2],
        joi.replace("if (error) throw error;\n", "") % ".invalid('placeholder')": [2],
        # the schema checks some other object
        joi.replace("{ ...base, ...readFile() }", "readFile()") % ".invalid('placeholder')":
            [2],
    }
    for settings, expected in cases.items():
        assert [n for _, n in lines(tmp_path, {"settings.js": settings, "token.js": token,
                                               "deploy.json": "{}\n"}, package)] == expected, \
            settings


def test_a_joined_key_with_a_fallback_part_reports_only_the_fallback(tmp_path: Path) -> None:
    joined = """\
        const jwt = require('jsonwebtoken');
        const settings = require('../settings');
        module.exports = (u) => jwt.sign({ u }, `${settings.signing.tag}.${settings.signing.key}`);
        """
    found = findings(tmp_path, {
        "settings.js": """\
            module.exports = {
              signing: { tag: 'v3', key: process.env.SIGNING_KEY || 'k-9' },
            };
            """,
        "routes/token.js": joined,
    })
    assert [(p, n) for p, n, _ in found] == [("settings.js", 2)]
    assert "fallback JWT secret part (`signing.key`" in found[0][2]
    # without a fallback every literal part is the key
    assert lines(tmp_path, {"settings.js": """\
        module.exports = {
          signing: { tag: 'v3', key: 'k-9' },
        };
        """}) == [("settings.js", 2), ("settings.js", 2)]
