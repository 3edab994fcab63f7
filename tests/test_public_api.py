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
