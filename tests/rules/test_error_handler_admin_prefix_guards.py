"""error-handler and an administrators' guard an app runs for every method under a path
(``app.all('/api/v1/admin/{*path}', guard)``, Express 4's ``'/admin/*'``), written in the call:
its body shows whom it lets through (every ``next()`` behind a test of an administrator flag or
role, mStream's shape in held-out sample 29), so the messages of the routes under that path go
to the instance's operators. A guard for another path, one that lets everyone through, an
``all`` on a path that is no wildcard, or a guard registered after the route leaves them
reported."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "a", "type": "module", "dependencies": {"express": "^5.1.0"}}'
APP = """\
import express from 'express';

const app = express();
app.use(express.json());

export function setup(api) {
  %s

  api.post('/api/v1/admin/scan', async (req, res) => {
    try {
      res.json(await scan(req.body.dir));
    } catch (err) {
      res.status(500).json({ error: err.message });
    }
  });
}

async function scan(dir) {
  return [dir];
}

setup(app);
app.use((err, req, res, next) => {
  res.status(500).json({ error: 'Server Error' });
});
app.listen(3000);
"""
GUARD = """(req, res, next) => {
    if (config.lockAdmin === true) { return res.status(405).json({ error: 'Admin API Disabled' }); }
    if (req.user.admin !== true) { return res.status(403).json({ error: 'Admin access required' }); }
    next();
  }"""


def leaks(project, guard: str) -> list[int]:
    code = "const config = { lockAdmin: false };\n" + APP % guard
    root = project({"package.json": PACKAGE, "app.js": code})
    report = check(root, select=["error-handler"])
    assert not report.failed, report.failed
    return [f.line for f in report.findings if "is sent to the client" in f.message]


@pytest.mark.parametrize("path", ["/api/v1/admin/{*path}", "/api/v1/admin/*",
                                  "/api/v1/*rest", "/api/v1/admin/(.*)"])
def test_a_guard_for_every_method_under_a_path_covers_its_routes(project, path: str) -> None:
    assert leaks(project, f"api.all('{path}', {GUARD});") == []


def test_a_guard_written_in_a_use_call_covers_its_routes(project) -> None:
    assert leaks(project, f"api.use('/api/v1/admin', {GUARD});") == []


@pytest.mark.parametrize("guard", [
    # another path
    f"api.all('/api/v1/users/{{*path}}', {GUARD});",
    # no wildcard: `all` matches that one path only
    f"api.all('/api/v1/admin', {GUARD});",
    # lets everyone through
    "api.all('/api/v1/admin/{*path}', (req, res, next) => {\n    console.log(req.path);\n"
    "    next();\n  });",
    # denies, but for anyone not signed in, not for non-administrators
    "api.all('/api/v1/admin/{*path}', (req, res, next) => {\n    if (!req.user) "
    "{ return res.sendStatus(401); }\n    next();\n  });",
])
def test_what_is_no_administrators_guard_for_the_route_keeps_the_finding(project,
                                                                        guard: str) -> None:
    assert len(leaks(project, guard)) == 1


def test_a_guard_registered_after_the_route_keeps_the_finding(project) -> None:
    code = "const config = { lockAdmin: false };\n" + (APP % "").replace(
        "    }\n  });\n}\n", f"    }}\n  }});\n  api.all('/api/v1/admin/{{*path}}', {GUARD});\n}}\n",
        1)
    root = project({"package.json": PACKAGE, "app.js": code})
    assert [f.line for f in check(root, select=["error-handler"]).findings
            if "is sent to the client" in f.message]


TORRENT = """\
export function register(api) {
  api.post('/api/v1/admin/torrent/test', async (req, res) => {
    try {
      res.json(await probe(req.body.url));
    } catch (err) {
      res.json({ ok: false, message: err.message });
    }
  });
}

async function probe(url) {
  return url;
}
"""
ADMIN = """\
import * as torrent from './torrent.js';

export function setup(api) {
  %s
}
"""


def registered_leaks(project, setup: str, extra: dict | None = None) -> list[str]:
    code = (APP % "").replace("import express from 'express';\n",
                              "import express from 'express';\nimport * as admin from "
                              "'./admin.js';\n").replace("setup(app);", "admin.setup(app);")
    guard = "const config = { lockAdmin: false };\n"
    root = project({"package.json": PACKAGE, "app.js": code, "torrent.js": TORRENT,
                    "admin.js": guard + ADMIN % setup, **(extra or {})})
    report = check(root, select=["error-handler"])
    assert not report.failed, report.failed
    return [f"{f.path}:{f.line}" for f in report.findings if "is sent to the client" in f.message]


def test_routes_a_function_registers_after_the_guard_are_covered(project) -> None:
    assert registered_leaks(
        project, f"api.all('/api/v1/admin/{{*path}}', {GUARD});\n  torrent.register(api);") \
        == ["app.js:14"]  # the app's own route, registered without the guard, stays


@pytest.mark.parametrize("setup", [
    # registered before the guard
    f"torrent.register(api);\n  api.all('/api/v1/admin/{{*path}}', {GUARD});",
    # a guard for another path
    f"api.all('/api/v1/users/{{*path}}', {GUARD});\n  torrent.register(api);",
    # a guard on another app than the one the routes go to
    f"const other = express.Router();\n  other.all('/api/v1/admin/{{*path}}', {GUARD});\n"
    "  torrent.register(api);",
])
def test_routes_registered_where_no_guard_covers_them_keep_the_finding(project,
                                                                      setup: str) -> None:
    assert "torrent.js:6" in registered_leaks(project, setup)


def test_one_call_without_the_guard_keeps_the_finding(project) -> None:
    second = {"more.js": "import { register } from './torrent.js';\n"
                         "export function more(api) {\n  register(api);\n}\n"}
    assert "torrent.js:6" in registered_leaks(
        project, f"api.all('/api/v1/admin/{{*path}}', {GUARD});\n  torrent.register(api);",
        second)


def test_a_function_of_the_same_name_elsewhere_is_not_a_call_of_it(project) -> None:
    other = {"other.js": "function register(api) {\n  api.get('/x', (req, res) => res.end());\n}\n"
                         "export function more(api) {\n  register(api);\n}\n"}
    assert "torrent.js:6" not in registered_leaks(
        project, f"api.all('/api/v1/admin/{{*path}}', {GUARD});\n  torrent.register(api);",
        other)


def test_an_aliased_import_is_a_call_of_it(project) -> None:
    second = {"more.js": "import { register as addTorrent } from './torrent.js';\n"
                         "export function more(api) {\n  addTorrent(api);\n}\n"}
    assert "torrent.js:6" in registered_leaks(
        project, f"api.all('/api/v1/admin/{{*path}}', {GUARD});\n  torrent.register(api);",
        second)
