"""helmet (and the shared mount finder): an Express app a class creates in its constructor
(``this.app = express()``) and that the server mounts through an instance of that class, held
in a variable (``const admin = new Admin(); app.use('/admin', admin.app)``) or in a field of
the server's own class (``this.admin = new Admin(this)`` then ``router.use('/admin',
this.admin.app)``), runs behind the server's middleware: only the server is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import found, write_tree

PACKAGE = '{"name": "media", "dependencies": {"express": "^4.21.0"}}\n'

PANEL = """\
    const express = require('express');
    class Panel {
      constructor(owner) {
        this.owner = owner;
        this.app = express();
        this.app.get('/status', (req, res) => res.json({ up: true }));
      }
    }
    module.exports = Panel;
"""

PANEL_NAMED = PANEL.replace("module.exports = Panel;", "module.exports = { Panel };")

IN_A_VARIABLE = """\
    const express = require('express');
    const Panel = require('./web/Panel');
    const server = express();
    const panel = new Panel();
    server.use('/panel', panel.app);
    server.listen(8000);
"""

IN_A_CLASS_FIELD = """\
    const express = require('express');
    const { Panel } = require('./web/Panel');
    class Main {
      constructor() {
        this.panel = new Panel(this);
      }
      start() {
        const server = express();
        const routes = express.Router();
        server.use('/', routes);
        routes.use('/panel', this.panel.app);
        server.listen(8000);
      }
    }
    new Main().start();
"""

# The field is assigned twice: which instance is mounted cannot be told.
REASSIGNED = IN_A_CLASS_FIELD.replace(
    "    start() {", "    reset() {\n        this.panel = makeOther();\n      }\n      start() {")

# The panel's app listens on its own port: a separate app.
LISTENS = PANEL.replace("this.app.get(", "this.app.listen(9000);\n        this.app.get(")


@pytest.mark.parametrize("main, panel", [
    (IN_A_VARIABLE, PANEL),
    (IN_A_CLASS_FIELD, PANEL_NAMED),
], ids=["variable", "class-field"])
def test_a_class_made_sub_app_is_covered_by_the_server(tmp_path: Path, main: str,
                                                       panel: str) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE, "server.js": main,
                                 "web/Panel.js": panel})
    assert {path for _, path, _ in found(root, ["helmet"])} == {"server.js"}


@pytest.mark.parametrize("main, panel", [
    (REASSIGNED, PANEL_NAMED),
    (IN_A_VARIABLE, LISTENS),
], ids=["field-assigned-twice", "panel-listens"])
def test_when_the_mount_cannot_be_proven_both_apps_are_reported(tmp_path: Path, main: str,
                                                                panel: str) -> None:
    root = write_tree(tmp_path, {"package.json": PACKAGE, "server.js": main,
                                 "web/Panel.js": panel})
    assert {path for _, path, _ in found(root, ["helmet"])} == {"server.js", "web/Panel.js"}
