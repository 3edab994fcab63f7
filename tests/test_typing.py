"""The package is fully typed: mypy --strict (configured in pyproject.toml) finds nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO


def test_mypy_strict_passes() -> None:
    pytest.importorskip("mypy")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:]


CALLER = '''
from pathlib import Path

from nodeharden import FailReason, FixReport, ScanResult, SkipReason, check, fix

result: ScanResult = check(Path("."), audit=False, baseline=None, diff=None)
report: FixReport = fix(".", dry_run=True)
changed: list[str] = report.changed_paths()
roles = [s.path for s in result.skipped if s.kind is SkipReason.ROLE]
crashed = [f.rule for s in result.failed for f in s.failures if f.kind is FailReason.RULE]
'''


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "caller.py").write_text(source)
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                           "--cache-dir", str(tmp_path / "cache"), "caller.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)


def test_a_caller_sees_the_public_signatures(tmp_path: Path) -> None:
    """A program that imports only from ``nodeharden`` type-checks against the real API
    (``py.typed`` ships, ``__init__`` declares the lazy names under TYPE_CHECKING)."""
    pytest.importorskip("mypy")
    proc = _mypy(tmp_path, CALLER)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize(("line", "wrong"), [
    ('pair: tuple[int, int] = fix(".")', '"FixReport", variable has type "tuple[int, int]"'),
    ('n: int = check(".")', '"ScanResult", variable has type "int"'),
    ('check(".", audit="yes")', 'Argument "audit" to "check" has incompatible type "str"'),
])
def test_a_wrong_return_or_argument_type_fails_mypy(tmp_path: Path, line: str,
                                                    wrong: str) -> None:
    pytest.importorskip("mypy")
    proc = _mypy(tmp_path, f"from nodeharden import check, fix\n\n{line}\n")
    assert proc.returncode == 1 and wrong in proc.stdout, proc.stdout
