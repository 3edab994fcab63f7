"""helmet: an Express app that another app mounts (``app.use('/account', account.handlers)``)
and that serves nothing itself runs behind its parent's middleware, so only the parent is
reported; a sub-app that also listens, one mounted only by a test, and apps that mount each
other in a circle are judged as apps. (The fixture mounted-sub-apps shows the fix.)"""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "a", "dependencies": {"express": "^4.21.0"}}'
SUB = """\
const express = require('express');
const app = express();
app.get('/x', (req, res) => res.json({ ok: true }));
"""
MAIN = """\
const express = require('express');
%s
const app = express();
%s
app.listen(3000);
"""


def helmet_paths(root) -> list[str]:
    report = check(root, select=["helmet"])
    assert not report.failed, report.failed
    return sorted(f.path for f in report.findings)


@pytest.mark.parametrize(("imports", "mount", "export"), [
    ("const account = require('./account');", "app.use('/account', account);",
     "module.exports = app;\n"),
    ("const account = require('./account');", "app.use('/account', account.handlers);",
     "exports.handlers = app;\n"),
    ("", "app.use('/account', require('./account'));", "module.exports = app;\n"),
    ("const { handlers } = require('./account');", "app.use(handlers);",
     "exports.handlers = app;\n"),
])
def test_only_the_app_that_mounts_a_sub_app_is_reported(project, imports: str, mount: str,
                                                         export: str) -> None:
    root = project({"package.json": PACKAGE, "server.js": MAIN % (imports, mount),
                    "account.js": SUB + export})
    assert helmet_paths(root) == ["server.js"]


def test_a_sub_app_made_by_an_imported_factory_is_covered_by_its_parent(project) -> None:
    # `const account = await makeAccount(config)`: the app the imported function returns.
    root = project({
        "package.json": '{"name": "a", "type": "module", "dependencies": {"express": "^4.21.0"}}',
        "server.js": "import express from 'express';\nimport makeAccount from './account.js';\n\n"
                     "const app = express();\nconst account = await makeAccount({});\n"
                     "app.use('/account', account);\napp.listen(3000);\n",
        "account.js": "import express from 'express';\n\nexport default async function makeAccount"
                      "(config) {\n  const app = express();\n  app.get('/x', (req, res) => "
                      "res.json(config));\n  return app;\n}\n"})
    assert helmet_paths(root) == ["server.js"]


def test_a_sub_app_that_also_listens_is_reported(project) -> None:
    root = project({"package.json": PACKAGE,
                    "server.js": MAIN % ("const account = require('./account');",
                                         "app.use('/account', account);"),
                    "account.js": SUB + "module.exports = app;\n"
                                  "if (require.main === module) app.listen(4000);\n"})
    assert helmet_paths(root) == ["account.js", "server.js"]


def test_apps_that_mount_each_other_are_both_reported(project) -> None:
    first = SUB + "const other = require('./b');\napp.use(other);\nmodule.exports = app;\n"
    second = SUB + "const other = require('./a');\napp.use(other);\nmodule.exports = app;\n"
    root = project({"package.json": PACKAGE, "a.js": first, "b.js": second})
    assert helmet_paths(root) == ["a.js", "b.js"]
