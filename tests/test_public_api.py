"""The package's public API re-exports the library functions without importing copier early."""

from __future__ import annotations

import subprocess
import sys

import nodeharden


def test_public_names_resolve() -> None:
    for name in nodeharden.__all__:
        assert getattr(nodeharden, name) is not None


def test_check_path_does_not_import_copier_or_questionary() -> None:
    code = ("import sys, nodeharden; nodeharden.check; from nodeharden._cli import main; "
            "print(sorted(m for m in ('copier', 'questionary', 'jinja2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# The library, used the way a caller outside the package uses it: every name below comes from
# ``nodeharden`` itself.

APP = {
    "package.json": '{"name": "x", "dependencies": {"express": "^5.1.0"}}\n',
    "app.js": "const express = require('express')\nconst app = express()\n"
              "app.use(express.json())\napp.get('/', (req, res) => res.cookie('a', '1'))\n"
              "app.listen(3000)\n",
}


def _app(tmp_path, files=None):  # type: ignore[no-untyped-def]
    from conftest import write_tree

    return write_tree(tmp_path / "app", dict(files or APP))


def test_fix_returns_one_report(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from nodeharden import FixReport, FixResult, fix

    root = _app(tmp_path)
    before = (root / "app.js").read_bytes()
    report = fix(root, dry_run=True, select=["helmet"])
    assert isinstance(report, FixReport) and isinstance(report.plan, FixResult)
    assert report.dry_run and report.written == [] and report.ok
    assert report.changed_paths() == ["app.js", "package.json"]
    assert "+const helmet = require('helmet')" in report.diff()
    assert (root / "app.js").read_bytes() == before  # a dry run writes nothing
    assert [a.finding.rule for a in report.applied] == ["helmet"]
    assert report.summary().by_rule == {"helmet": 1}

    written = fix(root, select=["helmet"], force=True)
    assert not written.dry_run and written.ok
    assert {(o.path, o.status) for o in written.written} == {("app.js", "changed"),
                                                            ("package.json", "changed")}
    assert b"helmet()" in (root / "app.js").read_bytes()
    plan, outcomes = written  # the pair fix() returned before, for existing callers
    assert plan is written.plan and outcomes is written.written


def test_check_takes_a_baseline(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import run_cli

    from nodeharden import check

    root = _app(tmp_path)
    baseline = tmp_path / "baseline.json"
    assert run_cli("baseline", baseline, root).returncode == 0
    everything = check(root)
    assert everything.findings and check(root, baseline=baseline).findings == []
    (root / "app.js").write_text(APP["app.js"] + "app.get('/b', (req, res) => "
                                 "res.cookie('b', res.locals.b))\n")
    new = check(root, baseline=baseline).findings
    assert [(f.rule, f.line) for f in new] == [("cookie-flags", 6)]


def test_check_takes_a_git_diff(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from nodeharden import NodehardenError, check

    # other.js serves its app (an app no request can reach is not reported: _mounts).
    root = _app(tmp_path, {**APP, "other.js": "const c = require('express')()\n"
                                              "c.get('/', (q, s) => s.cookie('x', '1'))\n"
                                              "c.listen(3001)\n"})
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "one"]):
        subprocess.run([*git, *args], cwd=root, check=True, capture_output=True)
    assert {f.path for f in check(root).findings} >= {"app.js", "other.js"}
    assert check(root, diff="HEAD").findings == []
    (root / "other.js").write_text("const c = require('express')()\n"
                                   "c.get('/', (q, s) => s.cookie('y', '2'))\n"
                                   "c.listen(3001)\n")
    assert {f.path for f in check(root, diff="HEAD").findings} == {"other.js"}
    try:
        check(root, diff="no-such-ref")
    except NodehardenError as exc:
        assert "no-such-ref" in str(exc)
    else:
        raise AssertionError("an unknown ref must be an error")


def test_check_audit_that_cannot_run_is_a_failure(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from nodeharden import FailReason, NodehardenError, check

    root = _app(tmp_path)  # no package-lock.json: npm audit cannot run
    result = check(root, audit=True)
    [failed] = [f for f in result.failed if f.kind is FailReason.AUDIT]
    assert failed.path == "package-lock.json"
    assert failed.reason.startswith("dependency audit could not run: no package-lock.json")
    assert failed.reason in result.notes
    assert [f.rule for f in failed.failures] == ["dependency-audit"]
    try:
        check(root, audit=True, select=["helmet"])
    except NodehardenError as exc:
        assert "--audit needs the dependency-audit rule" in str(exc)
    else:
        raise AssertionError("--audit with a selection that leaves it out must be an error")
