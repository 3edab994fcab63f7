"""``require(`express`)``: a template literal without substitutions names its module as a
quoted string does, so the app it makes is an Express app (held-out sample 37: a course API
written with backtick quotes throughout got "none of the 23 files creates an Express app" and
no app-level check at all). A template with a substitution names no module."""

from __future__ import annotations

from nodeharden import check

PACKAGE = '{"name": "camp", "dependencies": {"express": "^4.21.0"}}\n'
SERVER = """\
const express = require(`express`);
const courses = require(`./routes/courses`);

const app = express();
app.use(express.json());
app.use(`/api/v1/courses`, courses);
app.listen(5000);
"""
COURSES = """\
const express = require(`express`);

const router = express.Router();
router.get(`/`, (req, res) => res.json([]));

module.exports = router;
"""


def test_an_app_required_with_backticks_is_checked(project) -> None:
    root = project({"package.json": PACKAGE, "server.js": SERVER,
                    "routes/courses.js": COURSES})
    report = check(root, select=["helmet", "rate-limit"])
    assert {(f.rule, f.path, f.line) for f in report.findings} == {
        ("helmet", "server.js", 4), ("rate-limit", "server.js", 4)}
    assert not any("creates an Express app" in note for note in report.notes)


def test_a_template_with_a_substitution_names_no_module(project) -> None:
    name = "express"
    root = project({"package.json": PACKAGE,
                    "server.js": SERVER.replace("require(`express`)", "require(`${name}`)")
                    .replace("const express", f"const name = '{name}';\nconst express")})
    report = check(root, select=["helmet"])
    assert report.findings == []
