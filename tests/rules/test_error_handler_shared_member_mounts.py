"""error-handler: a sub-app reached through a shared context object.

One module fills the object (``ctx.readings = require('./readings')(env, ctx)``,
``access.routes = require('./routes')(env, access)``) and another mounts its members
(``app.use('/readings', ctx.readings)``, ``app.use('/access', ctx.access.routes)``). Express
hands a mounted app's errors to its parent, so only the app at the top of the mounts is
reported. The credit is given only when the member is certainly that module's app: set once,
from a relative ``require``, read only by mounts, the module required nowhere else and its
factory returning the app. Every doubt leaves the sub-app reported as before."""

from __future__ import annotations

import pytest

from nodeharden import check

PACKAGE = '{"name": "clinic", "private": true, "dependencies": {"express": "^4.21.0"}}'

SERVER = """\
const express = require('express');
const boot = require('./context');
const makeApi = require('./api');

const env = { mode: process.env.CLINIC_MODE };
const ctx = boot(env);
const app = express();
const api = makeApi(env, ctx);
app.use('/api', api);
{handler}
app.listen(3000);
"""

CONTEXT = """\
module.exports = function boot(env) {
  const ctx = {};
  ctx.readings = require('./readings')(env, ctx);
  ctx.access = require('./access')(env, ctx);
  return ctx;
};
"""

READINGS = """\
const express = require('express');

function create(env, ctx) {
  const readings = express();
  readings.get('/', (req, res) => res.json([]));
  return readings;
}

module.exports = create;
"""

ACCESS = """\
function init(env, ctx) {
  const access = { roles: [] };
  access.routes = require('./routes')(env, access);
  return access;
}

module.exports = init;
"""

ROUTES = """\
const express = require('express');

module.exports = (env, access) => {
  const routes = express();
  routes.get('/roles', (req, res) => res.json(access.roles));
  return routes;
};
"""

API = """\
const express = require('express');

module.exports = function create(env, ctx) {
  const app = express();
  app.use('/readings', ctx.readings);
  app.use('/access', ctx.access.routes);
  return app;
};
"""

HANDLER = """\
app.use((err, req, res, next) => {
  res.status(err.status || 500).end();
});"""


def files(**changed: str) -> dict[str, str]:
    tree = {"package.json": PACKAGE, "server.js": SERVER.replace("{handler}", ""),
            "context.js": CONTEXT, "readings.js": READINGS, "access/index.js": ACCESS,
            "access/routes.js": ROUTES, "api.js": API}
    tree.update({name.replace("__", "/").replace("_js", ".js"): text
                 for name, text in changed.items()})
    return tree


def missing_handler(root) -> list[str]:
    report = check(root, select=["error-handler"])
    assert not report.failed, report.failed
    return sorted(f.path for f in report.findings if f.message.startswith("no final error"))


def test_members_of_a_shared_context_are_mounted_sub_apps(project) -> None:
    root = project(files())
    # Only the app at the top of the mounts is reported, and gets the fix.
    report = check(root, select=["error-handler"])
    assert [(f.path, f.fix is not None) for f in report.findings] == [("server.js", True)]


def test_with_a_handler_on_the_top_app_nothing_is_reported(project) -> None:
    root = project(files(server_js=SERVER.replace("{handler}", HANDLER)))
    assert missing_handler(root) == []


def test_a_module_that_exports_its_app_is_followed_too(project) -> None:
    root = project(files(
        context_js=CONTEXT.replace("  return ctx;", "  ctx.admin = require('./admin');\n"
                                   "  return ctx;"),
        api_js=API.replace("  return app;", "  app.use('/admin', ctx.admin);\n  return app;"),
        admin_js="const express = require('express');\nconst admin = express();\n"
                 "admin.get('/', (req, res) => res.send('ok'));\nmodule.exports = admin;\n"))
    assert missing_handler(root) == ["server.js"]


def test_an_inert_value_on_another_object_leaves_the_credit(project) -> None:
    # `sbx.readings = {}` gives another object's property a value no one can mount.
    root = project(files(sandbox_js="module.exports = (sbx) => { sbx.readings = {}; };\n"))
    assert missing_handler(root) == ["server.js"]


ASSIGNED_AGAIN = "module.exports = (ctx, fallback) => {\n  ctx.readings = fallback;\n};\n"


@pytest.mark.parametrize("changed", [
    # assigned twice: by the module and again in another file
    {"reset_js": ASSIGNED_AGAIN},
    # assigned twice from the same require (which one is mounted is the same module, but the
    # property is not set once)
    {"context_js": CONTEXT.replace("  return ctx;", "  if (env.mode) ctx.readings = "
                                   "require('./readings')(env, ctx);\n  return ctx;")},
    # assigned from a value that is not a require
    {"context_js": "const makeReadings = require('./readings');\n"
                   + CONTEXT.replace("require('./readings')(env, ctx)",
                                     "makeReadings(env, ctx)")},
    # written on another object whose name is not the mount's
    {"context_js": CONTEXT.replace("ctx.readings =", "settings.readings =")
     .replace("const ctx = {};", "const ctx = {};\n  const settings = ctx;")},
    # an object literal that may give the member another value
    {"override_js": "module.exports = (ctx, solo) => Object.assign(ctx, { readings: solo });\n"},
    # a computed write, a destructuring target, a write on another object's same property
    {"override_js": "module.exports = (ctx, solo) => { ctx['readings'] = solo; };\n"},
    {"override_js": "module.exports = (ctx, o) => { ({ readings: ctx.readings } = o); };\n"},
    {"override_js": "module.exports = (c, solo) => { c.readings = solo; };\n"},
    # the factory does not always return the app it creates
    {"readings_js": READINGS.replace("return readings;",
                                     "return env.wrap ? env.wrap(readings) : readings;")},
])
def test_an_uncertain_member_keeps_the_sub_app_reported(project, changed) -> None:
    root = project(files(**changed))
    assert missing_handler(root) == ["readings.js", "server.js"]


def test_a_member_mounted_nowhere_is_reported(project) -> None:
    root = project(files(api_js=API.replace("  app.use('/readings', ctx.readings);\n", "")))
    assert missing_handler(root) == ["readings.js", "server.js"]


def test_a_member_mounted_only_by_a_test_is_reported(project) -> None:
    root = project(files(
        api_js=API.replace("  app.use('/readings', ctx.readings);\n", ""),
        test__api_test_js="const express = require('express');\n"
                          "module.exports = (ctx) => express().use(ctx.readings);\n"))
    assert missing_handler(root) == ["readings.js", "server.js"]


# Adversarial: the member is mounted, but its app is also served on its own, where its errors
# reach Express's default handler. Each way of serving it keeps the sub-app reported.
@pytest.mark.parametrize("served", [
    "const solo = ctx.readings;\nsolo.listen(4000);\n",
    "ctx.readings.listen(4000);\n",
    "require('http').createServer(ctx.readings).listen(4000);\n",
    # through another name of the context
    "const clinic = ctx;\nclinic.readings.listen(4000);\n",
    "const clinic = ctx;\nrequire('https').createServer({}, clinic.readings).listen(4443);\n",
    "require('./readings')(env, {}).listen(4000);\n",
    # not served alone, but a read other than a mount is a use the rule does not follow
    "if (ctx.readings) app.use(ctx.readings);\n",
])
def test_a_member_also_served_alone_keeps_its_finding(project, served: str) -> None:
    root = project(files(server_js=SERVER.replace("{handler}", HANDLER).replace(
        "app.listen(3000);", "app.listen(3000);\n" + served)))
    assert missing_handler(root) == ["readings.js"]


def test_sub_apps_that_only_mount_each_other_are_judged(project) -> None:
    # Nothing at the top: the two apps mount each other through the context, in a circle.
    root = project(files(
        api_js=API.replace("  app.use('/readings', ctx.readings);\n", "")
                  .replace("  app.use('/access', ctx.access.routes);\n", ""),
        readings_js=READINGS.replace("  return readings;",
                                     "  readings.use(ctx.access.routes);\n  return readings;"),
        access__routes_js=ROUTES.replace("  return routes;",
                                         "  routes.use(access.ctx.readings);\n  return routes;")))
    assert missing_handler(root) == ["access/routes.js", "readings.js", "server.js"]


def test_a_hidden_root_stays_reported_through_a_chain_of_members(project) -> None:
    # The app at the top is itself a member (`ctx.api`), mounted by the server through the
    # context: the server, which has no handler, is reported; none of the sub-apps is.
    root = project(files(
        context_js=CONTEXT.replace("  return ctx;",
                                   "  ctx.api = require('./api')(env, ctx);\n  return ctx;"),
        server_js="const express = require('express');\nconst boot = require('./context');\n\n"
                  "const ctx = boot({});\nconst app = express();\napp.use('/api', ctx.api);\n"
                  "app.listen(3000);\n"))
    assert missing_handler(root) == ["server.js"]
