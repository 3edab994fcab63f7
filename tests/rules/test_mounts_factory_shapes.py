"""Sub-apps made by factories in the shapes TypeScript and generator-based code write:
``const x = yield* make(...)`` / ``yield make(...)``, a factory imported by name or called as
a member of a namespace import, a factory wrapped in a call (``export const make =
wrap('x')(function* () { … return app; })``), and a destructured result ``const { app: x } =
ns.make(...)`` from a factory that returns ``{ app, … }``. A mounted sub-app runs behind its
parent's headers and error handler, so only the parent is reported; a sub-app nothing mounts is
still reported."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "a", "type": "module", "dependencies": {"express": "^4.21.0"}}'
PARENT = """\
import express from 'express';
%s

export function* start() {
  const app = express();
%s
  app.use((err, req, res, next) => {
    res.status(err.status || 500).send('failed');
  });
  app.listen(3000);
}
"""
#: A sub-app factory made with a generator wrapped in a call of an imported helper.
WRAPPED = """\
import express from 'express';
import { traced } from 'tracing-kit';

export const makeReports = traced('reports')(function* (config) {
  const app = express();
  app.get('/', (req, res) => res.json(config));
  return app;
});
"""
PLAIN = """\
import express from 'express';

export function makeReports(config) {
  const app = express();
  app.get('/', (req, res) => res.json(config));
  return app;
}
"""
BUNDLE = """\
import express from 'express';

export function createAuth(config) {
  const app = express();
  const tokens = new Map();
  app.post('/login', (req, res) => res.json({ ok: tokens.has(config.user) }));
  return { app, tokens };
}
"""


def paths(root, rule: str) -> list[str]:
    report = check(root, select=[rule])
    assert not report.failed, report.failed
    return sorted(f.path for f in report.findings)


@pytest.mark.parametrize(("imports", "mount", "sub"), [
    ("import { makeReports } from './reports.js';",
     "  const reports = yield* makeReports({});\n  app.use('/reports', reports);", WRAPPED),
    ("import { makeReports } from './reports.js';",
     "  const reports = yield makeReports({});\n  app.use('/reports', reports);", PLAIN),
    ("import { makeReports as reportsApp } from './reports.js';",
     "  const reports = yield* reportsApp({});\n  app.use(reports);", PLAIN),
    ("import * as reporting from './reports.js';",
     "  const reports = reporting.makeReports({});\n  app.use('/reports', reports);", WRAPPED),
    ("import * as reporting from './reports.js';",
     "  const reports = await reporting.makeReports({});\n  app.use(reports);", PLAIN),
])
@pytest.mark.parametrize("rule", ["helmet", "error-handler"])
def test_a_factory_made_sub_app_is_covered_by_its_parent(project, rule: str, imports: str,
                                                        mount: str, sub: str) -> None:
    root = project({"package.json": PACKAGE, "server.ts": PARENT % (imports, mount),
                    "reports.ts": sub})
    assert paths(root, rule) == (["server.ts"] if rule == "helmet" else [])


@pytest.mark.parametrize("rule", ["helmet", "error-handler"])
@pytest.mark.parametrize("binding", [
    "const { app: authApp, tokens } = auth.createAuth({});",
    "const { tokens, app: authApp } = yield* auth.createAuth({});",
])
def test_the_app_of_a_destructured_factory_result_is_covered(project, rule: str,
                                                             binding: str) -> None:
    root = project({"package.json": PACKAGE,
                    "server.ts": PARENT % ("import * as auth from './auth.js';",
                                           f"  {binding}\n  app.use(authApp);\n"
                                           "  console.log(tokens.size);"),
                    "auth.ts": BUNDLE})
    assert paths(root, rule) == (["server.ts"] if rule == "helmet" else [])


@pytest.mark.parametrize("rule", ["helmet", "error-handler"])
@pytest.mark.parametrize(("imports", "mount", "name", "sub"), [
    # nothing mounts the factory's app: only the parent's own middleware is used
    ("import { makeReports } from './reports.js';",
     "  app.use(express.json());\n  console.log(makeReports);", "reports.ts", PLAIN),
    # the mounted value is another property of the factory's result, not its app
    ("import * as auth from './auth.js';",
     "  const { tokens: authApp } = auth.createAuth({});\n  app.use(authApp);", "auth.ts",
     BUNDLE),
    # a named import of another function of the module than the one that makes the app
    ("import { makeOther } from './reports.js';",
     "  const reports = yield* makeOther();\n  app.use(reports);", "reports.ts",
     PLAIN + "export function makeOther() {\n  return (req, res, next) => next();\n}\n"),
    # the factory's value is bound twice: which one is mounted cannot be told
    ("import { makeReports } from './reports.js';",
     "  let reports = yield* makeReports({});\n  if (!reports) { let reports = 1; }\n"
     "  app.use(reports);", "reports.ts", PLAIN),
])
def test_a_sub_app_not_surely_mounted_is_still_reported(project, rule: str, imports: str,
                                                        mount: str, name: str,
                                                        sub: str) -> None:
    root = project({"package.json": PACKAGE, "server.ts": PARENT % (imports, mount), name: sub})
    assert name in paths(root, rule)
