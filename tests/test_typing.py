"""The package is fully typed: mypy --strict (configured in pyproject.toml) finds nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO


def test_mypy_strict_passes() -> None:
    pytest.importorskip("mypy")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:]
