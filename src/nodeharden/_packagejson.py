"""Minimal text edits to package.json: add dependencies while keeping key order, indentation,
line endings and the trailing newline. The file is never re-serialized as a whole."""

from __future__ import annotations

import json
import re

#: Version ranges for every package a fix can add (one table, checked against Node 20).
VERSIONS: dict[str, str] = {
    "helmet": "^8.3.0",
    "rate-limiter-flexible": "^11.4.0",
    "express-validator": "^7.3.2",
    "eslint-plugin-security": "^4.1.0",
    "eslint": "^10.15.0",
    "@eslint/js": "^10.0.1",
    "globals": "^17.14.0",
    "ioredis": "^6.0.0",
}


def version_of(package: str) -> str:
    """Return the range a fix writes for ``package``."""
    return VERSIONS[package]


def _indent_unit(text: str) -> str:
    match = re.search(r'\n([ \t]+)"', text)
    return match.group(1) if match else "  "


def add_dependencies(text: str, packages: dict[str, str], *, dev: bool = False) -> str:
    """Return package.json ``text`` with ``packages`` added to (dev)dependencies.

    Packages already listed in any dependency block are left alone. Entries go in alphabetical
    position when the block is sorted, else at its end. Raises ``ValueError`` when ``text`` is
    not a JSON object.
    """
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("package.json is not an object")
    present: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        block = data.get(key)
        if isinstance(block, dict):
            present |= set(block)
    wanted = {name: rng for name, rng in sorted(packages.items()) if name not in present}
    if not wanted:
        return text
    eol = "\r\n" if "\r\n" in text else "\n"
    unit = _indent_unit(text)
    block_key = "devDependencies" if dev else "dependencies"
    span = _find_top_level_object(text, block_key)
    if span is None:
        return _insert_block(text, block_key, wanted, unit, eol)
    start, end = span  # offsets of "{" and "}" of the block
    body = text[start + 1:end]
    existing = list(json.loads(text[start:end + 1]).keys())
    entry_indent = _entry_indent(body) or unit * 2
    if not existing:
        lines = [f'{entry_indent}"{n}": "{r}"' for n, r in wanted.items()]
        closing_indent = unit
        new_body = eol + ("," + eol).join(lines) + eol + closing_indent
        return text[:start + 1] + new_body + text[end:]
    is_sorted = existing == sorted(existing)
    entries = _entry_spans(text, start, end)
    inserts: dict[int, list[str]] = {}
    for name, rng in wanted.items():
        line = f'{entry_indent}"{name}": "{rng}"'
        following = [e for e in entries if e[0] > name] if is_sorted else []
        if following:
            inserts.setdefault(following[0][1], []).append(line + "," + eol)
        else:
            inserts.setdefault(entries[-1][2], []).append("," + eol + line)
    result = text
    for pos in sorted(inserts, reverse=True):
        result = result[:pos] + "".join(inserts[pos]) + result[pos:]
    return result


def _entry_indent(body: str) -> str | None:
    match = re.search(r'\n([ \t]*)"', body)
    return match.group(1) if match else None


def _entry_spans(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Return (name, line start, value end) for each entry of the object at ``start:end``."""
    spans: list[tuple[str, int, int]] = []
    pos = start + 1
    decoder = json.JSONDecoder()
    while True:
        match = re.compile(r'\s*"').match(text, pos)
        if not match or match.end() > end:
            break
        key_start = match.end() - 1
        name, key_end = decoder.raw_decode(text, key_start)
        colon = text.index(":", key_end)
        value_start = len(text[:colon + 1]) + (len(text[colon + 1:]) - len(text[colon + 1:].lstrip()))
        _, value_end = decoder.raw_decode(text, value_start)
        line_start = text.rfind("\n", 0, key_start) + 1
        spans.append((name, line_start, value_end))
        comma = re.compile(r"\s*,").match(text, value_end)
        if not comma:
            break
        pos = comma.end()
    return spans


def _find_top_level_object(text: str, key: str) -> tuple[int, int] | None:
    """Return offsets of ``{`` and ``}`` of the top-level member ``key``, if it is an object."""
    decoder = json.JSONDecoder()
    pos = text.index("{") + 1
    while True:
        match = re.compile(r'\s*"').match(text, pos)
        if not match:
            return None
        name, key_end = decoder.raw_decode(text, match.end() - 1)
        colon = text.index(":", key_end)
        value_start = colon + 1
        while text[value_start] in " \t\r\n":
            value_start += 1
        _, value_end = decoder.raw_decode(text, value_start)
        if name == key and text[value_start] == "{":
            return value_start, value_end - 1
        comma = re.compile(r"\s*,").match(text, value_end)
        if not comma:
            return None
        pos = comma.end()


def _insert_block(text: str, key: str, packages: dict[str, str], unit: str, eol: str) -> str:
    """Append a new top-level ``key`` object after the last member."""
    close = text.rstrip().rfind("}")
    before = text[:close].rstrip()
    lines = [f'{unit}{unit}"{n}": "{r}"' for n, r in packages.items()]
    block = f'{unit}"{key}": {{{eol}' + ("," + eol).join(lines) + f"{eol}{unit}}}"
    sep = "," if not before.endswith("{") else ""
    return before + sep + eol + block + eol + text[close:]
