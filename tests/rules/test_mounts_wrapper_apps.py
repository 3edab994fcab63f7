"""Wrapper apps (``rules/_mounts.py``, ``wrapper_apps``): an ``express()`` of a file whose
name, a variable or a member (``this.base``), is only bound to apps, mounts another app of the
same file (a path first at most) and listens serves nothing itself, so helmet reports the
mounted app alone. Anything else done with the wrapper (a route, static files, a middleware, a
setting, an export, its member named in another module) keeps it an app. rate-limit puts its
limiter in the mounted app only. End to end: the fixed wrapper project answers through the
mounted app with helmet's headers over real HTTP."""

from __future__ import annotations

import urllib.request

import pytest
from conftest import have_node, npm_install, run_cli, serve_app

from nodeharden import check, fix

PACKAGE = '{"name": "a", "dependencies": {"express": "^4.21.0"}}'
HEAD = """\
const express = require('express');

const app = express();
app.get('/items', (req, res) => res.json([]));

"""


def helmet_lines(root) -> list[tuple[str, int]]:
    report = check(root, select=["helmet"])
    assert not report.failed, report.failed
    return sorted((f.path, f.line) for f in report.findings)


@pytest.mark.parametrize("tail", [
    "const root = express();\nroot.use('/v1', app);\nroot.listen(3000);\n",
    "const root = express();\nroot.use(app);\nrequire('http').createServer(root).listen(3000);\n",
    ("const base = process.env.BASE_PATH || '';\nconsole.log(`mounted at ${base}/`);\n"
    "const root = express();\nroot.use(base, app);\nroot.listen(3000);\n"),
    "const root = express();\nroot.use(['/v1', '/latest'], app);\nroot.listen(3000);\n",
])
def test_a_wrapper_that_only_mounts_an_app_of_its_file_is_not_reported(project, tail) -> None:
    root = project({"package.json": PACKAGE, "server.js": HEAD + tail})
    assert helmet_lines(root) == [("server.js", 3)]


@pytest.mark.parametrize("tail", [
    # a middleware of its own (a name the file never uses as text) runs before the app
    ("const auth = require('./auth');\nconst root = express();\nroot.use(auth, app);\n"
    "root.listen(3000);\n"),
    "const root = express();\nroot.use(express.json());\nroot.use(app);\nroot.listen(3000);\n",
    "const root = express();\nroot.set('trust proxy', 1);\nroot.use(app);\nroot.listen(3000);\n",
    "const root = express();\nroot.use('/v1', app);\nmodule.exports = root;\n",
    "const root = express();\nroot.use('/v1', app);\nstart({ root });\n",
    ("const root = express();\nroot.use('/v1', app);\nroot.post('/hook', (req, res) => "
    "res.end());\nroot.listen(3000);\n"),
    # a router of the file is not an app: the wrapper is the app that serves it
    ("const root = express();\nconst api = express.Router();\napi.get('/x', (req, res) => "
    "res.end());\nroot.use(api);\nroot.use(app);\nroot.listen(3000);\n"),
])
def test_a_wrapper_that_does_anything_else_is_an_app(project, tail) -> None:
    root = project({"package.json": PACKAGE, "auth.js": "module.exports = (q, s, n) => n();\n",
                    "server.js": HEAD + tail})
    lines = helmet_lines(root)
    assert ("server.js", 3) in lines and len(lines) == 2, lines


MEMBER = """\
const express = require('express');

module.exports = function create(self) {
  self.app = self.base = express();
  self.app.get('/items', (req, res) => res.json([]));
  if (self.prefix) {
    self.app.locals.home = self.prefix + '/';
    self.base = express();
    self.base.use(self.prefix, self.app);
  }
  return () => self.base.listen(3000);
};
"""


def test_a_member_wrapper_is_not_reported_unless_another_module_names_it(project) -> None:
    root = project({"package.json": PACKAGE, "server.js": MEMBER})
    assert helmet_lines(root) == [("server.js", 4)]
    # Another module reaches the member through the shared object: it may add routes there.
    root = project({"package.json": PACKAGE, "server.js": MEMBER,
                    "health.js": "module.exports = (self) => self.base.get('/health', "
                                 "(req, res) => res.end());\n"}, name="named")
    assert helmet_lines(root) == [("server.js", 4), ("server.js", 8)]


def test_wrappers_that_only_mount_each_other_are_both_reported(project) -> None:
    source = ("const express = require('express');\n\nconst a = express();\nconst b = express();\n"
              "a.use('/b', b);\nb.use('/a', a);\na.listen(3000);\n")
    root = project({"package.json": PACKAGE, "server.js": source})
    assert helmet_lines(root) == [("server.js", 3), ("server.js", 4)]


def test_rate_limit_puts_no_second_limiter_in_a_wrapper(project) -> None:
    tail = "const root = express();\nroot.use('/v1', app);\nroot.listen(3000);\n"
    root = project({"package.json": PACKAGE, "server.js": HEAD + tail})
    report = check(root, select=["rate-limit"])
    assert [(f.path, f.line) for f in report.findings] == [("server.js", 3)]
    plan = fix(root, dry_run=True, select=["rate-limit"], unsafe=True).plan
    assert "server.js" in plan.changed_paths()
    fixed = fix(root, select=["rate-limit"], unsafe=True, force=True)
    assert fixed.written
    source = (root / "server.js").read_text()
    assert source.count(".use(rateLimiter)") == 1 and "app.use(rateLimiter);" in source


SERVED = """\
const express = require('express');

const app = express();
app.get('/items', (req, res) => res.json([{ id: 1 }]));

const root = express();
root.use('/api/v1', app);
const server = root.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
"""


@pytest.mark.slow
@pytest.mark.skipif(not have_node(), reason="node and npm are needed")
def test_helmet_on_the_mounted_app_covers_what_the_wrapper_serves(project) -> None:
    root = project({"package.json": '{"name": "w", "private": true, "dependencies": '
                                    '{"express": "^4.21.2"}}', "app.js": SERVED})
    assert helmet_lines(root) == [("app.js", 3)]
    result = run_cli("fix", "--select", "helmet", root)
    assert result.returncode == 0, result.stderr
    assert "app.use(helmet());" in (root / "app.js").read_text()
    npm_install(root)
    with serve_app(root) as base, urllib.request.urlopen(f"{base}/api/v1/items") as response:
        assert response.read() == b'[{"id":1}]'
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Powered-By"] is None
