"""eslint-security says nothing for a project whose lint runs on a Node older than
eslint-plugin-security needs (18.18): the runtime the project declares and the one its own
eslint needs are both older, so the advice cannot be taken there. Before, the finding stayed as
a note ending "not fixed: needs Node 18.18 for eslint-plugin-security", which reviewers read as
noise. A finding left without a fix for another reason is judged the same way; a project on
a new enough Node still gets the finding and its fix."""

from __future__ import annotations

import json

from nodeharden import check, fix

CONFIG = '{\n  "extends": "airbnb-base"\n}\n'
SERVER = "const express = require('express');\nexpress().listen(3000);\n"


def _package(engines: str, eslint: str, scripts: dict[str, str] | None = None) -> str:
    return json.dumps({"name": "api", "engines": {"node": engines},
                       "scripts": scripts or {"lint": "eslint ./src"},
                       "dependencies": {"express": "^4.21.0"},
                       "devDependencies": {"eslint": eslint}}, indent=2) + "\n"


def test_an_old_node_and_an_old_eslint_leave_nothing_to_report(project) -> None:
    root = project({"package.json": _package(">=8", "^5.16.0"), ".eslintrc": CONFIG,
                    "src/index.js": SERVER})
    assert check(root, select=["eslint-security"]).findings == []
    plan = fix(root, dry_run=True, select=["eslint-security"]).plan
    assert plan.changed_paths() == [] and plan.not_applied == []


def test_a_finding_without_a_fix_is_judged_by_the_same_node(project) -> None:
    # `--quiet` hides warnings, so the finding has no fix; on Node 10 it is not said at all.
    scripts = {"lint": "eslint --quiet ./src"}
    old = project({"package.json": _package(">=10", "^8.57.0", scripts), ".eslintrc": CONFIG,
                   "src/index.js": SERVER}, name="old")
    assert check(old, select=["eslint-security"]).findings == []
    new = project({"package.json": _package(">=20", "^8.57.0", scripts), ".eslintrc": CONFIG,
                   "src/index.js": SERVER}, name="new")
    [finding] = check(new, select=["eslint-security"]).findings
    assert finding.fix is None
    assert "not fixed: package.json script `lint` runs ESLint with `--quiet`" in finding.message


def test_a_lint_on_a_new_enough_node_keeps_the_finding_and_its_fix(project) -> None:
    root = project({"package.json": _package(">=18.18", "^5.16.0"), ".eslintrc": CONFIG,
                    "src/index.js": SERVER})
    [finding] = check(root, select=["eslint-security"]).findings
    assert finding.fix is not None
    assert finding.message == (
        "the ESLint config does not enable eslint-plugin-security (tooling advice, not a flaw "
        "in the app: the plugin points reviewers at risky code)")
