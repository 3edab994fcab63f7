"""Baselines for legacy codebases: record today's findings, fail only on new ones.

An entry is keyed by rule + path + a fingerprint of the finding's line of code (see
``_reports.fingerprint``), never by line number, so edits above a finding keep it baselined.
Identical lines with the same finding are counted: a baseline of two lets two through, and a
third copy of the same line is new.

File format (JSON, sorted, stable under re-runs)::

    {"version": 1, "tool": "nodeharden",
     "findings": [{"rule": "helmet", "path": "app.js", "fingerprint": "…", "count": 1,
                   "line": 4, "message": "…"}]}

``line`` and ``message`` are for the people reading the file; matching ignores them.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nodeharden._model import Finding
from nodeharden._jsonfile import load_json_file
from nodeharden._reports import fingerprint
from nodeharden.errors import BaselineError

BASELINE_VERSION = 1

Key = tuple[str, str, str]


def baseline_key(finding: Finding) -> Key:
    """Return the key a finding is matched on: (rule, path, fingerprint of its code)."""
    return (finding.rule, finding.path, fingerprint(finding))


def render_baseline(findings: Iterable[Finding]) -> str:
    """Return the text of a baseline file that accepts exactly ``findings``."""
    counts: Counter[Key] = Counter()
    first: dict[Key, Finding] = {}
    for finding in sorted(findings, key=lambda f: f.sort_key()):
        key = baseline_key(finding)
        counts[key] += 1
        first.setdefault(key, finding)
    entries = [{
        "rule": rule, "path": path, "fingerprint": digest, "count": counts[(rule, path, digest)],
        "line": first[(rule, path, digest)].line,
        "message": first[(rule, path, digest)].message,
    } for rule, path, digest in sorted(counts)]
    doc = {"version": BASELINE_VERSION, "tool": "nodeharden", "findings": entries}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: Path) -> Counter[Key]:
    """Return how many findings each key may have, as recorded in the baseline at ``path``."""
    doc: Any = load_json_file(path, what="baseline file", error=BaselineError,
                              missing_hint=f"; create it with `nodeharden baseline {path}`")
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"baseline file {path} has no \"findings\" list; write it with "
                            f"`nodeharden baseline {path}`")
    if doc.get("version") != BASELINE_VERSION:
        raise BaselineError(f"baseline file {path} has version {doc.get('version')!r}; this "
                            f"nodeharden reads version {BASELINE_VERSION}")
    allowed: Counter[Key] = Counter()
    for number, entry in enumerate(doc["findings"], 1):
        try:
            key = (str(entry["rule"]), str(entry["path"]), str(entry["fingerprint"]))
            count = int(entry.get("count", 1))
        except (TypeError, KeyError, ValueError):
            raise BaselineError(f"baseline file {path}: entry {number} needs \"rule\", "
                                "\"path\" and \"fingerprint\"") from None
        allowed[key] += max(count, 0)
    return allowed


def filter_new(findings: list[Finding], baseline_path: Path) -> list[Finding]:
    """Return the findings that the baseline at ``baseline_path`` does not account for."""
    allowed = load_baseline(baseline_path)
    new: list[Finding] = []
    for finding in findings:
        key = baseline_key(finding)
        if allowed[key] > 0:
            allowed[key] -= 1
        else:
            new.append(finding)
    return new


def write_baseline(path: Path, findings: Iterable[Finding]) -> None:
    """Write a baseline of ``findings`` to ``path`` atomically."""
    text = render_baseline(findings)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".nodeharden-baseline-", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a baseline is shared in the repo
        os.replace(tmp, path)
    except OSError as exc:
        raise BaselineError(f"cannot write baseline file {path}: {exc.strerror or exc}") from None
