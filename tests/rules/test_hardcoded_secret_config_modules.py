"""hardcoded-secret follows a secret read from a project module (a config file) to the literal
it exports. An adversarial review found the first cut reported literals the module writes over,
the wrong one of a default and a named export, names a function binds again, placeholders the
app refuses, and hid private keys bundled with a certificate; these are those cases, in small
projects of our own, and the shapes that must stay reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree
from nodeharden._api import check

CJS = '{"name": "api", "dependencies": {"express": "^5.1.0", "jsonwebtoken": "^9.0.2"}}\n'
ESM = ('{"name": "api", "type": "module", '
       '"dependencies": {"express": "^5.1.0", "jsonwebtoken": "^9.0.2"}}\n')
SIGNER = """\
    const jwt = require('jsonwebtoken');
    const settings = require('../settings');
    module.exports = (user) => jwt.sign({ sub: user.id }, settings.signing);
    """


def reported(root: Path, files: dict[str, str], package: str = CJS) -> list[tuple[str, int]]:
    write_tree(root, {"package.json": package, **files})
    report = check(root, select=["hardcoded-secret"])
    assert not report.failed, report.failed
    return sorted((f.path, f.line) for f in report.findings)


WRITTEN_OVER = {
    "module.exports.x after the object": """\
        module.exports = { signing: 'placeholder-key' };
        module.exports.signing = process.env.SIGNING_KEY;
        """,
    "the constant's field set later": """\
        const settings = { signing: 'placeholder-key' };
        settings.signing = process.env.SIGNING_KEY;
        module.exports = settings;
        """,
    "merged from the environment": """\
        const settings = { signing: 'placeholder-key', port: 3000 };
        Object.assign(settings, { signing: process.env.SIGNING_KEY });
        module.exports = settings;
        """,
    "a spread after the key": """\
        const fromEnv = { signing: process.env.SIGNING_KEY };
        module.exports = { signing: 'placeholder-key', ...fromEnv };
        """,
    "the last module.exports wins": """\
        module.exports = { signing: 'placeholder-key' };
        module.exports = { signing: process.env.SIGNING_KEY };
        """,
    "exports.x after module.exports is replaced": """\
        module.exports = { signing: process.env.SIGNING_KEY };
        exports.signing = 'detached-key';
        """,
}


@pytest.mark.parametrize("name", sorted(WRITTEN_OVER))
def test_a_literal_the_module_writes_over_is_not_reported(name: str, tmp_path: Path) -> None:
    assert reported(tmp_path, {"settings.js": WRITTEN_OVER[name],
                               "routes/token.js": SIGNER}) == []


def test_the_literal_itself_is_reported_with_every_use(tmp_path: Path) -> None:
    found = reported(tmp_path, {
        "settings.js": "const base = { port: 3000 };\n"
                       "module.exports = { ...base, signing: 'real-signing-key' };\n",
        "routes/token.js": SIGNER,
    })
    assert found == [("settings.js", 2)]
    write_tree(tmp_path, {"routes/refresh.js": SIGNER})
    [finding] = check(tmp_path, select=["hardcoded-secret"]).findings
    assert "used at routes/refresh.js:3, routes/token.js:3" in finding.message


def test_default_and_named_exports_are_told_apart(tmp_path: Path) -> None:
    files = {
        "src/settings.js": """\
            export const signing = process.env.SIGNING_KEY;
            export default { signing: 'legacy-default-key' };
            """,
        "src/token.js": """\
            import jwt from 'jsonwebtoken';
            import { signing } from './settings.js';
            export const issue = (id) => jwt.sign({ id }, signing);
            """,
    }
    assert reported(tmp_path, files, ESM) == []
    write_tree(tmp_path, {"src/token.js": """\
        import jwt from 'jsonwebtoken';
        import settings from './settings.js';
        export const issue = (id) => jwt.sign({ id }, settings.signing);
        """})
    assert reported(tmp_path, {}, ESM) == [("src/settings.js", 2)]


def test_a_name_bound_again_is_not_the_import(tmp_path: Path) -> None:
    files = {
        "settings.js": "module.exports = { signing: 'dev-signing-key' };\n",
        "routes/token.js": """\
            const jwt = require('jsonwebtoken');
            const settings = require('../settings');
            function signer(settings) {
              return (user) => jwt.sign({ sub: user.id }, settings.signing);
            }
            module.exports = signer({ signing: process.env.SIGNING_KEY });
            """,
    }
    assert reported(tmp_path, files) == []
    write_tree(tmp_path, {"routes/token.js": """\
        const jwt = require('jsonwebtoken');
        const settings = require('../settings');
        module.exports = (req, res) => {
          const local = req.app.locals.settings;
          res.json({ token: jwt.sign({ sub: 1 }, settings.signing), local });
        };
        """})
    assert reported(tmp_path, {}) == [("settings.js", 1)]


def test_a_placeholder_the_app_refuses_is_not_reported(tmp_path: Path) -> None:
    assert reported(tmp_path, {
        "settings.js": "module.exports = { signing: 'change-me' };\n",
        "routes/token.js": SIGNER,
        "server.js": """\
            const settings = require('./settings');
            if (settings.signing === 'change-me') throw new Error('set the signing key');
            """,
    }) == []


def test_a_private_key_bundled_with_a_certificate_is_a_secret(tmp_path: Path) -> None:
    bundle = ("-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
              "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----")
    public = "-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----"
    assert reported(tmp_path, {
        "app.js": f"""\
            const jwt = require('jsonwebtoken');
            exports.sign = (p) => jwt.sign(p, '{bundle}', {{ algorithm: 'RS256' }});
            exports.check = (t) => jwt.verify(t, '{public}', {{ algorithms: ['RS256'] }});
            exports.odd = (p) => jwt.sign(p, 'not a key -----BEGIN PUBLIC KEY----- hunter2');
            """,
    }) == [("app.js", 2), ("app.js", 4)]


def test_a_folder_specifier_reads_the_folder_index(tmp_path: Path) -> None:
    assert reported(tmp_path, {
        "settings.js": "module.exports = { signing: 'old-file-key' };\n",
        "settings/index.js": "module.exports = { signing: process.env.SIGNING_KEY };\n",
        "routes/token.js": SIGNER.replace("'../settings'", "'../settings/'"),
    }) == []
