"""Locate the data that ships with nodeharden: the copier template and the rule catalog.

In a wheel both live inside the package (``nodeharden/_data/``); in a source checkout or an
editable install they are the top-level ``templates/`` and ``codemods/`` folders.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Return the directory of the shipped data folder ``name`` (``templates`` or ``codemods``)."""
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"nodeharden data folder {name!r} is missing from this installation")


def templates_dir() -> Path:
    """Return the folder that holds the copier templates."""
    return data_dir("templates")


def codemods_dir() -> Path:
    """Return the folder that holds one sub-folder per rule (metadata, docs, fixtures)."""
    return data_dir("codemods")


def user_cache_dir() -> Path | None:
    """Return nodeharden's folder in the user's cache folder (``$XDG_CACHE_HOME/nodeharden``,
    else ``~/.cache/nodeharden``; ``%LOCALAPPDATA%`` on Windows), never inside the package,
    which may not be writable; None when there is none."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or None
        if base is None or not os.path.isabs(base):
            home = os.path.expanduser("~")
            base = os.path.join(home, ".cache") if os.path.isabs(home) else None
    if not base:
        return None
    return Path(base) / "nodeharden"
