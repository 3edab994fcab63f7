"""The rule catalog: metadata and docs of every rule, read from ``codemods/<id>/``.

The catalog is the single source of truth for ids, severities, fix applicability and docs;
detectors in ``nodeharden.rules`` attach behaviour to these ids.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any, Literal

from nodeharden._data import codemods_dir, user_cache_dir
from nodeharden._record import field, record
from nodeharden._version import __version__
from nodeharden.errors import UnknownRuleError

Severity = Literal["error", "warning", "note"]
Applicability = Literal["safe", "unsafe"]

#: Every rule, in the order of the design's catalog table (also the report order).
RULE_IDS: tuple[str, ...] = (
    "helmet",
    "rate-limit",
    "body-limit",
    "session-cookie",
    "hardcoded-secret",
    "cookie-flags",
    "error-handler",
    "sql-injection",
    "input-validation",
    "password-hash",
    "dockerfile-user",
    "node-env",
    "security-txt",
    "eslint-security",
    "npm-audit-ci",
    "dependency-audit",
)

DOC_HEADINGS: tuple[str, ...] = (
    "## What it does",
    "## Why it matters",
    "## Example",
    "## Fix safety",
    "## References",
)


@record(frozen=True)
class RuleMeta:
    """What the catalog says about one rule."""

    id: str
    name: str
    practice: str
    severity: Severity
    summary: str
    fix: Literal["safe", "unsafe", "none"]
    fix_title: str
    docs: str
    references: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()
    owasp: tuple[str, ...] = ()
    folder: Path = field(default=Path("."), compare=False)

    @property
    def docs_summary(self) -> str:
        """Return the first paragraph of the docs' "What it does" section."""
        text = self.docs.split("## What it does", 1)[-1].split("\n## ", 1)[0]
        paragraphs = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
        return " ".join(paragraphs[0].split()) if paragraphs else self.summary


def _read_yaml(text: str) -> Any:
    """Parse a rule.yml: with libyaml's C loader when installed (every command reads the
    catalog, and ruamel's pure-Python loader costs more than the rest of start-up), else
    ruamel. The rule files use only plain YAML on which both agree."""
    try:
        import yaml  # type: ignore[import-untyped]

        return yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506 - the C *safe* loader
    except (ImportError, AttributeError):
        from ruamel.yaml import YAML

        return YAML(typ="safe").load(text)


def _rule_meta(folder: Path, raw: Any) -> RuleMeta:
    docs_path = folder / "README.md"
    docs = docs_path.read_text(encoding="utf-8") if docs_path.is_file() else ""
    return RuleMeta(
        id=str(raw["id"]),
        name=str(raw["name"]),
        practice=str(raw.get("practice", "")),
        severity=raw["severity"],
        summary=str(raw["summary"]),
        fix=raw.get("fix", "none"),
        fix_title=str(raw.get("fix_title", "")),
        docs=docs,
        references=tuple(raw.get("references") or ()),
        cwe=tuple(str(c) for c in raw.get("cwe") or ()),
        owasp=tuple(str(c) for c in raw.get("owasp") or ()),
        folder=folder,
    )


def _cache_path() -> Path | None:
    """Return the file that keeps the parsed catalog between runs, in the user's cache folder
    (``user_cache_dir``), or None when there is none."""
    folder = user_cache_dir()
    return folder / f"catalog-{__version__}.json" if folder is not None else None


def _read_cache(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return cached if isinstance(cached, dict) else {}


def _write_cache(path: Path | None, entries: dict[str, Any]) -> None:
    """Write the cache atomically (a whole file or none: readers never see half of one); a
    cache that cannot be written is only a slower next start."""
    if path is None:
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass


@cache
def load_catalog() -> dict[str, RuleMeta]:
    """Return every rule's metadata, keyed by id, in catalog order.

    The ``rule.yml`` files are the one source of truth and are read on every call; their parsed
    form is kept in the user's cache folder, next to the exact text it was parsed from, and
    reused only while that text is unchanged (parsing the YAML, and importing a YAML library
    for it, cost more than the rest of ``nodeharden check``'s start-up on a small app). Parsed
    values that JSON does not keep as they are (dates, non-string keys) are never cached.
    """
    root = codemods_dir()
    path = _cache_path()
    cached = _read_cache(path)
    fresh: dict[str, Any] = {}
    catalog: dict[str, RuleMeta] = {}
    for rule_id in RULE_IDS:
        folder = root / rule_id
        text = (folder / "rule.yml").read_text(encoding="utf-8")
        entry = cached.get(rule_id)
        if isinstance(entry, dict) and entry.get("text") == text \
                and isinstance(entry.get("raw"), dict):
            raw = entry["raw"]
        else:
            raw = _read_yaml(text)
            try:
                keeps = json.loads(json.dumps(raw)) == raw
            except (TypeError, ValueError):
                keeps = False
            if keeps:
                fresh[rule_id] = {"text": text, "raw": raw}
        catalog[rule_id] = _rule_meta(folder, raw)
    if fresh:
        _write_cache(path, {**{k: v for k, v in cached.items() if k in RULE_IDS}, **fresh})
    return catalog


def get_rule(rule_id: str) -> RuleMeta:
    """Return one rule's metadata or raise ``UnknownRuleError`` with the valid ids."""
    catalog = load_catalog()
    if rule_id not in catalog:
        raise UnknownRuleError(
            f"unknown rule {rule_id!r}; known rules: {', '.join(RULE_IDS)}"
        )
    return catalog[rule_id]


def resolve_selection(select: list[str] | None, ignore: list[str] | None) -> list[str]:
    """Return the rule ids a run covers, validating every id the user gave."""
    for rule_id in (select or []) + (ignore or []):
        if rule_id not in RULE_IDS:
            raise UnknownRuleError(
                f"unknown rule {rule_id!r}; known rules: {', '.join(RULE_IDS)}"
            )
    chosen = list(select) if select else list(RULE_IDS)
    skipped = set(ignore or [])
    return [rule_id for rule_id in RULE_IDS if rule_id in chosen and rule_id not in skipped]
