"""nodeharden: make Express.js backends secure by default and keep them that way.

The public API::

    from nodeharden import check, fix, new, update

    result = check("path/to/app")                 # ScanResult: findings, skipped, failed
    report = fix("path/to/app", dry_run=True)     # FixReport: .plan, .written, .diff()
    new("my-app", defaults=True, data={}, data_file=None, pretend=False,
        overwrite=False, interactive=False)

Every function takes keyword-only options and never prompts. Names are loaded on first use so
that ``nodeharden check`` does not pay for copier's import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nodeharden._version import __version__

if TYPE_CHECKING:  # type checkers see the real names; at run time they load on first use
    from nodeharden._api import check, fix
    from nodeharden._fixer import FixReport, FixResult
    from nodeharden._model import FailReason, Finding, Fix, Skipped, SkipReason
    from nodeharden._scaffold import load_questions, new, update
    from nodeharden._scan import ScanResult
    from nodeharden.errors import NodehardenError

__all__ = [
    "FailReason",
    "Finding",
    "Fix",
    "FixReport",
    "FixResult",
    "NodehardenError",
    "ScanResult",
    "SkipReason",
    "Skipped",
    "__version__",
    "check",
    "fix",
    "load_questions",
    "new",
    "update",
]

_LAZY = {
    "check": "nodeharden._api",
    "fix": "nodeharden._api",
    "new": "nodeharden._scaffold",
    "update": "nodeharden._scaffold",
    "load_questions": "nodeharden._scaffold",
    "Finding": "nodeharden._model",
    "Fix": "nodeharden._model",
    "FixResult": "nodeharden._fixer",
    "FixReport": "nodeharden._fixer",
    "Skipped": "nodeharden._model",
    "SkipReason": "nodeharden._model",
    "FailReason": "nodeharden._model",
    "ScanResult": "nodeharden._scan",
    "NodehardenError": "nodeharden.errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nodeharden' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
