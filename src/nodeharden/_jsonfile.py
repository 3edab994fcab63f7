"""Read a JSON file the user named, turning every way it can fail into one clear line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nodeharden.errors import NodehardenError


def load_json_file(path: Path, *, what: str, error: type[NodehardenError],
                   missing_hint: str = "") -> Any:
    """Return the parsed JSON of ``path`` (a BOM is allowed).

    ``what`` names the file in messages ("baseline file", "SARIF file"); failures raise
    ``error`` with one line.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist{missing_hint}") from None
    except (OSError, UnicodeDecodeError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc)
        raise error(f"cannot read {what} {path}: {detail}") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise error(f"{what} {path} is not valid JSON: {exc}") from None
