"""helmet's fix for an app without helmet() that answers other origins (the `cors` package, or
its own `Access-Control-Allow-Origin`) and sends images it types itself (an icon API): helmet's
default Cross-Origin-Resource-Policy: same-origin would stop other sites loading them with
plain tags (`<img src>`), which CORS does not cover, so the fix writes
`crossOriginResourcePolicy: { policy: 'cross-origin' }` and says why. A JSON API with CORS (its
CORS reads are not affected by the header), an app that answers no other origin, and a project
that already declares helmet 4 (which sets no such header) get plain `helmet()`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_tree
from nodeharden._api import check

API = """\
const express = require('express');
%(imports)s
const app = express();
%(mounts)s
%(icons)s
app.get('/api/blocks', (req, res) => res.json([]));
app.listen(3000);
"""


ICON = """app.get('/icons/:id', (req, res) => {
  res.setHeader('Content-Type', 'image/png');
  res.send(icons.get(req.params.id));
});"""


def fixed_call(tmp_path: Path, imports: str, mounts: str, helmet: str | None = None,
               icons: str = ICON) -> str:
    deps = {"express": "^4.21.0", "cors": "^2.8.5"}
    if helmet:
        deps["helmet"] = helmet
    root = write_tree(tmp_path, {
        "package.json": json.dumps({"name": "api", "dependencies": deps}),
        "server.js": API % {"imports": imports, "mounts": mounts, "icons": icons}})
    report = check(root, select=["helmet"])
    assert not report.failed, report.failed
    [finding] = report.findings
    assert finding.fix is not None and finding.fix.applicability == "safe", finding.fix
    [change] = finding.fix.changes
    added = [edit.content for edit in change.edits if "app.use(" in edit.content]
    assert len(added) == 1, change.edits
    return added[0].strip() + " | " + finding.fix.title


def test_the_cors_package_keeps_cross_origin_loads(tmp_path: Path) -> None:
    line = fixed_call(tmp_path, "const cors = require('cors');", "app.use(cors());")
    assert line.startswith(
        "app.use(helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } }));"), line
    assert "Cross-Origin-Resource-Policy `cross-origin` (the app sends images or media" in line


def test_an_allow_origin_header_of_its_own_keeps_cross_origin_loads(tmp_path: Path) -> None:
    line = fixed_call(tmp_path, "", "app.use((req, res, next) => {\n"
                      "  res.setHeader('Access-Control-Allow-Origin', '*');\n  next();\n});")
    assert line.startswith(
        "app.use(helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } }));"), line


def test_a_json_api_with_cors_gets_plain_helmet(tmp_path: Path) -> None:
    line = fixed_call(tmp_path, "const cors = require('cors');", "app.use(cors());", icons="")
    assert line.startswith("app.use(helmet());"), line


def test_an_app_answering_no_other_origin_gets_plain_helmet(tmp_path: Path) -> None:
    line = fixed_call(tmp_path, "", "")
    assert line.startswith("app.use(helmet());"), line
    assert "cross-origin" not in line


def test_helmet_4_declared_gets_no_such_option(tmp_path: Path) -> None:
    line = fixed_call(tmp_path, "const cors = require('cors');", "app.use(cors());",
                      helmet="^4.6.0")
    assert line.startswith("app.use(helmet());"), line
