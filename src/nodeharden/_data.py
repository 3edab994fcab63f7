"""Locate the data that ships with nodeharden: the copier template and the rule catalog.

In a wheel both live inside the package (``nodeharden/_data/``); in a source checkout or an
editable install they are the top-level ``templates/`` and ``codemods/`` folders.
"""

from __future__ import annotations

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
