"""Apps no request can reach (``rules/_mounts.py``, ``_unreachable_in``): a route module's
leftover ``const app = express()``, configured with ``app.use(…)`` beside the router the module
exports, is never listened on, handed on, returned or exported, so helmet, rate-limit and
error-handler say nothing about it (and no fix edits it) while the app that serves is still
reported. Anything that could hand the app to a server keeps it an app, and where no app of
the project is seen to be reachable, none is left out."""

from __future__ import annotations

import pytest
from conftest import found

from nodeharden import fix

#: The routes are imported through a subpath import (``#routes/…``, package.json
#: ``imports``), as in the application this was seen in.
PACKAGE = ('{"name": "a", "type": "module", "imports": {"#routes/*": "./routes/*"}, '
           '"dependencies": {"express": "^5.1.0"}}\n')
SERVER = """\
import express from 'express';
import UserRoutes from '#routes/users.js';

const app = express();
app.use(express.json());
app.use('/users', UserRoutes.Router);
app.listen(3000);
"""
ROUTES_HEAD = """\
import express from 'express';

const app = express();
app.use(express.json());
app.use(express.urlencoded({ extended: true }));

class UserRoutes {
  static Router = express.Router();
}
UserRoutes.Router.get('/', (req, res) => res.json([]));

"""
RULES = ["helmet", "rate-limit", "error-handler"]


def _project(project, tail: str):
    return project({"package.json": PACKAGE, "server.js": SERVER,
                    "routes/users.js": ROUTES_HEAD + tail})


def test_a_route_module_leftover_app_is_not_reported_or_edited(project) -> None:
    root = _project(project, "export default UserRoutes;\n")
    assert found(root, RULES) == {("helmet", "server.js", 4), ("rate-limit", "server.js", 4),
                                  ("error-handler", "server.js", 4)}
    report = fix(root, dry_run=True, select=RULES, unsafe=True)
    assert report.plan.changed_paths() and "routes/users.js" not in report.plan.changed_paths()


@pytest.mark.parametrize("tail", [
    "export default app;\n",
    "export { app, UserRoutes };\n",
    "export default UserRoutes;\napp.listen(3001);\n",
    "export default UserRoutes;\nimport http from 'node:http';\nhttp.createServer(app);\n",
    "export default UserRoutes;\nexport const server = app.use(UserRoutes.Router);\n",
    "export default UserRoutes;\nglobalThis.app = app;\n",
    "export default UserRoutes;\nstart({ app });\n",
    "export default function make() {\n  return app;\n}\n",
    # another variable of the same name, handed on, keeps both
    "export default UserRoutes;\nexport function other(app) {\n  serve(app);\n}\n",
], ids=["export-default", "export-list", "listen", "create-server", "call-value-exported",
        "global", "shorthand", "returned", "same-name-elsewhere"])
def test_an_app_that_can_be_handed_to_a_server_is_still_reported(project, tail: str) -> None:
    root = _project(project, tail)
    assert ("helmet", "routes/users.js", 3) in found(root, RULES)


def test_where_no_app_is_seen_reachable_none_is_left_out(project) -> None:
    """A lone app file that neither listens nor exports (run by a tool not seen here): still
    reported."""
    root = project({"package.json": PACKAGE, "app.js": ROUTES_HEAD})
    assert ("helmet", "app.js", 3) in found(root, RULES)
