"""input-validation: handlers and helpers reached through an object made with ``new`` (the
fixture codemods/input-validation/fixtures/instance-method-handlers; its findings are in the
files the handlers live in, which the fixture test does not look at)."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from nodeharden import check

FIXTURE = Path(__file__).resolve().parents[2] / "codemods" / "input-validation" / "fixtures" \
    / "instance-method-handlers"


def _findings(root: Path) -> list[tuple[str, int, str]]:
    return sorted((f.path, f.line, f.message.split(":")[0])
                  for f in check(root, select=["input-validation"]).findings)


def _fixture_project(project, app: str | None = None, **extra: str) -> Path:
    meta = YAML(typ="safe").load((FIXTURE / "case.yml").read_text())
    return project({"package.json": meta["package_json"], **meta["files"], **extra,
                    "app.js": app if app is not None else (FIXTURE / "input.js").read_text()})


def test_constructor_and_class_handlers_are_analysed(project) -> None:
    assert _findings(_fixture_project(project)) == [
        ("allocations-dao.js", 5, "[nosql-injection] GET /allocations"),
        ("contributions.js", 7, "[code-eval] POST /contributions"),
        ("reports.js", 5, "[shell] GET /reports"),
        ("reports.js", 10, "[path-traversal] GET /reports/raw"),
    ]


def test_a_name_bound_twice_or_made_by_an_arrow_is_not_followed(project) -> None:
    """`let h = new Handler(); h = …` may be another object at the route; an arrow function
    cannot be a constructor; `this` in a nested function is not the instance."""
    app = """const { exec } = require('child_process');
function Handler() {
  this.run = (req, res) => exec(req.query.cmd);
  function inner() {
    this.nested = (req, res) => exec(req.query.cmd);
  }
  inner();
}
const Arrow = () => {
  this.run = (req, res) => exec(req.query.cmd);
};
module.exports = (app) => {
  let twice = new Handler();
  twice = { run: (req, res) => res.end() };
  app.get('/twice', twice.run);
  const once = new Handler();
  app.get('/nested', once.nested);
  const arrow = new Arrow();
  app.get('/arrow', arrow.run);
};
"""
    root = project({"package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}',
                    "app.js": app})
    assert _findings(root) == []
    # The same handler through a name bound once is followed.
    root = project({"package.json": '{"name": "a", "dependencies": {"express": "^4.21.0"}}',
                    "app.js": app.replace("app.get('/nested', once.nested);",
                                          "app.get('/once', once.run);")}, name="b")
    assert _findings(root) == [("app.js", 3, "[shell] GET /once")]
