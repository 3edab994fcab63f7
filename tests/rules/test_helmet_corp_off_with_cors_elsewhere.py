"""`crossOriginResourcePolicy: false` in a helmet call, with the app's CORS set up in another
module: an app that answers other origins through the `cors` package means its answers to be
read cross-origin, so switching Cross-Origin-Resource-Policy off there is deliberate, whether
the `cors(…)` call sits in the helmet's file or in a middleware module the app imports.

Still reported: CORP off where nothing in the package answers other origins, where the only
`cors` use is a module nothing imports (a dev server, a script), a test file, or another
package of the repository.
"""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree
from nodeharden._api import check

PACKAGE = """{
  "name": "%s",
  "private": true,
  "dependencies": {"express": "^4.21.0", "helmet": "^8.1.0", "cors": "^2.8.5"}
}
"""

SECURITY = """\
const helmet = require('helmet');

module.exports = function securityHeaders() {
  return helmet({ crossOriginResourcePolicy: false });
};
"""

APP = """\
const express = require('express');
const securityHeaders = require('./security');
%(imports)s
const app = express();
app.use(securityHeaders());
%(mounts)s
app.get('/api/items', (req, res) => res.json([]));
app.listen(3000);
"""

ALLOW_ORIGINS = """\
const cors = require('cors');

exports.allowPartners = (origins) => cors({ origin: origins, credentials: false });
"""


def corp_findings(root: Path) -> list:
    report = check(root, select=["helmet"])
    assert not report.failed, report.failed
    return [f for f in report.findings if f.rule == "helmet"
            and "crossOriginResourcePolicy" in f.message]


def tree(tmp_path: Path, files: dict[str, str], name: str = "corp-cors") -> Path:
    return write_tree(tmp_path, {"package.json": PACKAGE % name, "security.js": SECURITY,
                                 **files})


def test_cors_factory_in_another_module_excuses_corp_off(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "cors-setup.js": ALLOW_ORIGINS,
        "app.js": APP % {"imports": "const { allowPartners } = require('./cors-setup');",
                         "mounts": "app.use('/api', allowPartners(['https://a.example']));"},
    })
    assert corp_findings(root) == []


def test_cors_mounted_in_the_app_file_excuses_corp_off(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "app.js": APP % {"imports": "const cors = require('cors');",
                         "mounts": "app.use(cors());"},
    })
    assert corp_findings(root) == []


def test_cors_reached_through_an_index_module(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "middleware/cors-setup.ts": "import cors from 'cors';\n\nexport const allowPartners = "
                                    "(origins: string[]) => cors({ origin: origins });\n",
        "middleware/index.ts": "export * from './cors-setup.js';\n",
        "app.js": APP % {"imports": "const { allowPartners } = require('./middleware');",
                         "mounts": "app.use(allowPartners(['https://a.example']));"},
    })
    assert corp_findings(root) == []


def test_corp_off_without_cors_is_reported(tmp_path: Path) -> None:
    root = tree(tmp_path, {"app.js": APP % {"imports": "", "mounts": ""}})
    [finding] = corp_findings(root)
    assert finding.path == "security.js"


def test_cors_imported_but_never_called_does_not_count(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "cors-setup.js": "const cors = require('cors');\nexports.allowPartners = null;\n",
        "app.js": APP % {"imports": "require('./cors-setup');", "mounts": ""},
    })
    assert len(corp_findings(root)) == 1


def test_cors_in_a_module_nothing_imports_does_not_count(tmp_path: Path) -> None:
    # A stand-alone mock server beside the app: it answers other origins, the app does not.
    root = tree(tmp_path, {
        "mock-server.js": "const express = require('express');\nconst cors = require('cors');\n"
                          "const mock = express();\nconst allow = cors();\n"
                          "mock.get('/x', (q, r) => r.json({}));\nmock.listen(4000);\n",
        "app.js": APP % {"imports": "", "mounts": ""},
    })
    assert len(corp_findings(root)) == 1


def test_cors_in_a_test_file_does_not_count(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "test/helpers.js": ALLOW_ORIGINS,
        "test/app.test.js": "const { allowPartners } = require('./helpers');\n"
                            "allowPartners([]);\n",
        "app.js": APP % {"imports": "", "mounts": ""},
    })
    assert len(corp_findings(root)) == 1


def test_cors_of_another_package_does_not_count(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "api/package.json": PACKAGE % "api",
        "api/security.js": SECURITY,
        "api/app.js": APP % {"imports": "", "mounts": ""},
        "gateway/package.json": PACKAGE % "gateway",
        "gateway/cors-setup.js": ALLOW_ORIGINS,
        "gateway/server.js": APP.replace("./security", "./cors-setup") % {
            "imports": "", "mounts": "app.use(securityHeaders.allowPartners([]));"},
    })
    [finding] = corp_findings(root)
    assert finding.path == "api/security.js"
