"""Sub-apps made by a factory called where they are mounted: ``app.use('/data',
serveData.init(opts))``, ``app.use(makeReports(opts))``, and a factory whose promise hands the
app to a callback that mounts it (``serveRendered.init(opts).then((sub) => app.use('/styles',
sub))``). The factory may be an exported function or a method of an exported object literal
(``export const serveData = { init(options) { const app = express(); …; return app; } }``).
A mounted sub-app runs behind its parent's headers and error handler, so only the parent is
reported; what the call does not surely make an app of is still reported."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "a", "type": "module", "dependencies": {"express": "^4.21.0"}}'
PARENT = """\
import express from 'express';
%s

export async function start() {
  const app = express();
%s
  app.use((err, req, res, next) => {
    res.status(err.status || 500).send('failed');
  });
  app.listen(3000);
}
"""
PLAIN = """\
import express from 'express';

export function makeReports(config) {
  const app = express();
  app.get('/', (req, res) => res.json(config));
  return app;
}
"""
OBJECT = """\
import express from 'express';

export const reports = {
  init: %sfunction (config) {
    const app = express().disable('x-powered-by');
    app.get('/', (req, res) => res.json(config));
    return app;
  },
  add(config, id) {
    return id;
  },
};
"""
METHOD = """\
import express from 'express';

export const reports = {
  %sinit(config) {
    const app = express();
    app.get('/', (req, res) => res.json(config));
    return app;
  },
};
"""


def paths(root, rule: str) -> list[str]:
    report = check(root, select=[rule])
    assert not report.failed, report.failed
    return sorted(f.path for f in report.findings)


@pytest.mark.parametrize(("imports", "mount", "sub"), [
    ("import { makeReports } from './reports.js';",
     "  app.use('/reports', makeReports({}));", PLAIN),
    ("import * as reporting from './reports.js';",
     "  app.use(reporting.makeReports({}));", PLAIN),
    ("import { reports } from './reports.js';",
     "  app.use('/reports/', reports.init({}, 'x'));", OBJECT % ""),
    ("import { reports } from './reports.js';",
     "  app.use('/reports/', reports.init({}));", METHOD % ""),
    ("import { reports } from './reports.js';",
     "  await reports.init({}).then((sub) => {\n    app.use('/reports/', sub);\n  });",
     OBJECT % "async "),
    ("import { reports } from './reports.js';",
     "  reports.init({}).then((sub) => app.use(sub));", METHOD % "async "),
    ("import { makeReports } from './reports.js';",
     "  makeReports({}).then(function (sub) {\n    app.use('/', sub);\n  });", PLAIN),
])
@pytest.mark.parametrize("rule", ["helmet", "error-handler"])
def test_a_sub_app_a_factory_makes_where_it_is_mounted_is_covered(project, rule: str,
                                                                 imports: str, mount: str,
                                                                 sub: str) -> None:
    root = project({"package.json": PACKAGE, "server.ts": PARENT % (imports, mount),
                    "reports.ts": sub})
    assert paths(root, rule) == (["server.ts"] if rule == "helmet" else [])


@pytest.mark.parametrize("rule", ["helmet", "error-handler"])
@pytest.mark.parametrize(("imports", "mount", "sub"), [
    # another method of the object than the one that makes the app
    ("import { reports } from './reports.js';",
     "  app.use('/reports/', reports.add({}, 'x'));\n  console.log(reports.init);",
     OBJECT % ""),
    # the callback mounts something else than the value the promise settles to
    ("import { reports } from './reports.js';",
     "  reports.init({}).then((sub) => app.use(express.json()));", METHOD % "async "),
    # the callback's value is mounted on another app than the one that listens
    ("import { makeReports } from './reports.js';",
     "  makeReports({}).then((sub) => sub.use(express.json()));", PLAIN),
    # a function of the object that hands back middleware, not an app
    ("import { reports } from './reports.js';",
     "  app.use(reports.init({}));",
     PLAIN + "export const reports = { init: (c) => (req, res, next) => next() };\n"),
])
def test_what_the_call_does_not_surely_make_an_app_of_is_still_reported(
        project, rule: str, imports: str, mount: str, sub: str) -> None:
    root = project({"package.json": PACKAGE, "server.ts": PARENT % (imports, mount),
                    "reports.ts": sub})
    assert "reports.ts" in paths(root, rule)


LIGHT = """\
export const reports = {
  init: (config) => {},
};
"""
DYNAMIC = """\
const { reports } = await import(
  `${process.env.LIGHT ? './light.js' : './reports.js'}`
);
"""


@pytest.mark.parametrize("rule", ["helmet", "error-handler"])
@pytest.mark.parametrize(("mount", "sub"), [
    ("  await reports.init({}).then((sub) => {\n    app.use('/reports/', sub);\n  });",
     METHOD % "async "),
    ("  app.use('/reports/', reports.init({}));", METHOD % ""),
])
def test_a_factory_a_dynamic_import_chooses_is_covered(project, rule: str, mount: str,
                                                      sub: str) -> None:
    root = project({"package.json": PACKAGE, "server.ts": PARENT % (DYNAMIC, mount),
                    "reports.ts": sub, "light.ts": LIGHT})
    assert paths(root, rule) == (["server.ts"] if rule == "helmet" else [])


@pytest.mark.parametrize("rule", ["helmet", "error-handler"])
def test_a_dynamic_import_of_another_name_leaves_the_sub_app_reported(project,
                                                                      rule: str) -> None:
    root = project({"package.json": PACKAGE,
                    "server.ts": PARENT % (DYNAMIC.replace("{ reports }", "{ other }"),
                                           "  other.init({}).then((sub) => app.use(sub));"),
                    "reports.ts": METHOD % "async ", "light.ts": LIGHT})
    assert "reports.ts" in paths(root, rule)
