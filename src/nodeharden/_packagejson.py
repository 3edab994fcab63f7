"""Minimal text edits to package.json: add dependencies while keeping key order, indentation,
line endings and the trailing newline. The file is never re-serialized as a whole."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from nodeharden._textedit import line_ending

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
    "typescript-eslint": "^8.74.0",
}


#: Every package a fix can add, newest first: (the oldest Node version that release line
#: supports, its range), from the packages' own ``engines`` (read November 2026). Only release
#: lines whose API the fixes' code uses are listed; a project older than the last line gets
#: the fix declined, with the reason.
NODE_SUPPORT: dict[str, tuple[tuple[tuple[int, int], str], ...]] = {
    "helmet": (((18, 0), "^8.3.0"), ((16, 0), "^7.2.0"), ((14, 0), "^6.2.0"),
               ((12, 0), "^5.1.1"), ((10, 0), "^4.6.0")),
    # No engines field; its lib/ uses optional chaining and ??, which need Node 14.
    "rate-limiter-flexible": (((14, 0), "^11.4.0"),),
    "express-validator": (((8, 0), "^7.3.2"),),
    "eslint-plugin-security": (((18, 18), "^4.1.0"),),
    "eslint": (((20, 19), "^10.15.0"), ((18, 18), "^9.39.5")),
    "@eslint/js": (((20, 19), "^10.0.1"), ((18, 18), "^9.39.5")),
    "globals": (((18, 0), "^17.14.0"),),
    "ioredis": (((20, 0), "^6.0.0"), ((12, 22), "^5.11.1")),
    "typescript-eslint": (((18, 18), "^8.74.0"),),
}


#: The oldest TypeScript that reads the type declarations of a release line listed in
#: ``NODE_SUPPORT`` (measured with each TypeScript release on a file that imports the package):
#: helmet 6 and later are not found by TypeScript before 4.5 (TS2307); helmet 5 is.
TYPESCRIPT_SUPPORT: dict[str, dict[str, tuple[int, int]]] = {
    "helmet": {"^8.3.0": (4, 5), "^7.2.0": (4, 5), "^6.2.0": (4, 5)},
}


#: Options that a package's release lines before the given major spell the old way. Fixes
#: write today's names; ``fit_to_runtime`` renames them when it picks an older line for the
#: project's Node or TypeScript (helmet 5 ignores ``xFrameOptions: false`` and sends the
#: header; helmet 6 reads both spellings).
OLD_OPTION_NAMES: dict[str, tuple[int, dict[str, str]]] = {
    "helmet": (6, {"xFrameOptions": "frameguard", "strictTransportSecurity": "hsts",
                   "xContentTypeOptions": "noSniff", "xDnsPrefetchControl": "dnsPrefetchControl",
                   "xDownloadOptions": "ieNoOpen",
                   "xPermittedCrossDomainPolicies": "permittedCrossDomainPolicies",
                   "xXssProtection": "xssFilter", "xPoweredBy": "hidePoweredBy"}),
}


def declared_major(data: Mapping[str, Any], package: str) -> int | None:
    """Return the major version of ``package`` that package.json ``data`` declares (``^7.1.0``
    → 7; runtime, development, peer or optional dependency, the first whose range names a
    number), or None when it is not declared or no range names one (``latest``, a git URL…)."""
    for field in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        deps = data.get(field)
        spec = deps.get(package) if isinstance(deps, dict) else None
        match = re.search(r"\d+", spec) if isinstance(spec, str) else None
        if match:  # `latest` or a git URL in one field: another field may still say
            return int(match.group())
    return None


def version_of(package: str) -> str:
    """Return the range a fix writes for ``package``."""
    return VERSIONS[package]


def version_for_node(package: str, node: tuple[int, int] | None,
                     typescript: tuple[int, int] | None = None) -> tuple[str | None,
                                                                    tuple[int, int]]:
    """Return the newest range of ``package`` that supports Node ``node`` (None: current) and
    whose types TypeScript ``typescript`` reads (None: any), or None with the oldest Node
    version any known release line needs."""
    lines = NODE_SUPPORT.get(package)
    if not lines:
        return VERSIONS.get(package), (0, 0)
    typed = TYPESCRIPT_SUPPORT.get(package, {})
    for needed, version in lines:
        if (node is None or node >= needed) and (
                typescript is None or typescript >= typed.get(version, (0, 0))):
            return version, needed
    return None, lines[-1][0]


def _indent_unit(text: str) -> str:
    match = re.search(r'\n([ \t]+)"', text)
    return match.group(1) if match else "  "


#: Ranges that name a package of the same repository, not a release from the registry.
_LOCAL_SPEC_RE = re.compile(r"(?:workspace|file|link|portal):")


def mirrors(parent: Mapping[str, Any], child: Mapping[str, Any]) -> bool:
    """Return True when manifest ``parent`` declares every third-party runtime dependency of
    the package ``child`` (at least two of them): a repository whose top-level package.json
    is the one it installs from (and often checks against its packages' own), such as a
    monorepo publishing packages it develops from the root. The repository's own packages are
    left out: ``workspace:``/``file:``/``link:`` ranges and ranges equal to ``child``'s own
    version (packages released in lockstep)."""
    deps = child.get("dependencies")
    declared = parent.get("dependencies")
    if not isinstance(deps, dict) or not isinstance(declared, dict):
        return False
    version = child.get("version")
    external = [name for name, spec in deps.items()
                if not (isinstance(spec, str) and (_LOCAL_SPEC_RE.match(spec) or spec == version))]
    return len(external) >= 2 and all(name in declared for name in external)


def runtime_section(data: Mapping[str, Any]) -> str:
    """Return the block a package the server loads goes into: the one declaring ``express``,
    i.e. ``devDependencies`` when the manifest lists express there and not in
    ``dependencies`` (a demo or test app whose whole server is a dev tool, or a project that
    bundles its server), else ``dependencies``."""
    def declares(key: str) -> bool:
        block = data.get(key)
        return isinstance(block, dict) and "express" in block

    return "devDependencies" if declares("devDependencies") and not declares("dependencies") \
        else "dependencies"


#: A range naming one release (``4.18.2``, ``=1.0.0-beta.1``): how a project that pins its
#: dependencies writes them.
_EXACT_RE = re.compile(r"=?v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?")
#: A range the registry resolves (``^4.18.2``, ``~1.2``, ``>=2``, ``4.x``, ``*``), as opposed
#: to a git URL, a path, a tag (``latest``) or an alias.
_REGISTRY_RANGE_RE = re.compile(r"[\^~<>=]|v?\d|[*xX]$")
#: The fewest registry dependencies a manifest must list, all pinned, to count as pinning.
_PINNED_AT_LEAST = 3


def pins_exactly(data: Mapping[str, Any],
                 keys: tuple[str, ...] = ("dependencies", "devDependencies")) -> bool:
    """Return True when package.json ``data`` pins its dependencies: at least three
    registry ranges in ``dependencies`` and ``devDependencies`` (or the blocks ``keys``),
    each naming one release (``4.18.2``, never ``^4.18.2``). A project that pins (``npm
    install --save-exact``) reviews every upgrade; a caret range added by a fix would be the
    one that floats."""
    specs = []
    for key in keys:
        block = data.get(key)
        if isinstance(block, dict):
            specs += [spec.strip() for spec in block.values() if isinstance(spec, str)]
    registry = [spec for spec in specs if _REGISTRY_RANGE_RE.match(spec)]
    return len(registry) >= _PINNED_AT_LEAST and all(_EXACT_RE.fullmatch(spec)
                                                     for spec in registry)


def saves_exact(npmrc: str) -> bool:
    """Return True when an ``.npmrc`` text tells npm to save exact versions
    (``save-exact=true``, or an empty ``save-prefix``)."""
    for line in npmrc.splitlines():
        key, sep, value = line.partition("=")
        if not sep or line.lstrip().startswith(("#", ";")):
            continue
        key, value = key.strip(), value.strip().strip("'\"")
        if key == "save-exact" and value == "true" or key == "save-prefix" and value == "":
            return True
    return False


def exact_version(spec: str) -> str:
    """Return the release a fix's range starts from (``^8.3.0`` → ``8.3.0``)."""
    return spec.lstrip("^~")


def add_dependencies(text: str, packages: dict[str, str], *, dev: bool = False,
                     exact: bool = False) -> str:
    """Return package.json ``text`` with ``packages`` added to (dev)dependencies.

    ``dev`` packages (tools such as eslint plugins) go into ``devDependencies``; the others,
    which the server loads, into the block that declares ``express`` (``runtime_section``).
    Packages already listed in any dependency block are left alone. A manifest that pins its
    dependencies (``pins_exactly``), or whose receiving block does, or ``exact`` (the project's
    ``.npmrc`` saves exact versions), gets the release each range starts from (``8.3.0``, not ``^8.3.0``). Entries go
    in alphabetical position when the block is sorted, else at its end, written in the block's
    own layout (one entry per line with its indentation, or inline for a one-line block). Key
    order, the other members, line endings and the trailing newline are kept byte for byte.
    Raises ``ValueError`` when ``text`` is not a JSON object or the dependency key holds no
    object.
    """
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("package.json is not an object")  # noqa: TRY004 - callers catch ValueError
    present: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        block = data.get(key)
        if isinstance(block, dict):
            present |= set(block)
    block_key = "devDependencies" if dev else runtime_section(data)
    # The manifest pins, or the block the packages go into does (exact development tools
    # beside ranged runtime packages).
    pinned = exact or pins_exactly(data) or pins_exactly(data, (block_key,))
    wanted = {name: exact_version(rng) if pinned else rng
              for name, rng in sorted(packages.items()) if name not in present}
    if not wanted:
        return text
    if block_key in data and not isinstance(data[block_key], dict):
        raise ValueError(f"package.json {block_key} is not an object")
    eol = line_ending(text)
    unit = _indent_unit(text)
    span = _find_top_level_object(text, block_key)
    if span is None:
        result = _insert_block(text, block_key, wanted, unit, eol)
    else:
        result = _insert_entries(text, span, wanted, unit, eol)
    # The edit is only text: prove it still loads and holds every entry.
    if not set(wanted) <= set(json.loads(result).get(block_key, {})):  # pragma: no cover
        raise ValueError("package.json edit lost an entry")
    return result


def _insert_entries(text: str, span: tuple[int, int], wanted: dict[str, str], unit: str,
                    eol: str) -> str:
    start, end = span  # offsets of "{" and "}" of the block
    body = text[start + 1:end]
    entries = _entry_spans(text, start, end)
    multiline = "\n" in body
    colon = _colon_of(text, entries[0][1]) if entries else _colon_of(text, None)
    if not entries:
        if "\n" not in text.strip():
            # A one-line file stays on one line.
            return text[:start + 1] + ",".join(_entry(n, r, colon)
                                               for n, r in wanted.items()) + text[end:]
        # An empty block: one entry per line, indented one level deeper than its key.
        indent = _line_indent(text, start)
        lines = [f"{indent}{unit}{_entry(n, r, colon)}" for n, r in wanted.items()]
        return text[:start + 1] + eol + ("," + eol).join(lines) + eol + indent + text[end:]
    if multiline:
        separator = eol + _line_indent(text, entries[0][1])
        if text[_line_start(text, entries[0][1]):entries[0][1]].strip():
            separator = eol + _line_indent(text, start) + unit
    else:
        separator = "" if colon == ":" else " "
        if len(entries) > 1:
            between = text[entries[0][2]:entries[1][1]]
            separator = between.replace(",", "", 1)
    names = [e[0] for e in entries]
    is_sorted = names == sorted(names)
    inserts: dict[int, list[str]] = {}
    for name, rng in wanted.items():
        entry = _entry(name, rng, colon)
        following = [e for e in entries if e[0] > name] if is_sorted else []
        if following:
            inserts.setdefault(following[0][1], []).append(entry + "," + separator)
        else:
            inserts.setdefault(entries[-1][2], []).append("," + separator + entry)
    result = text
    for pos in sorted(inserts, reverse=True):
        result = result[:pos] + "".join(inserts[pos]) + result[pos:]
    return result


def _entry(name: str, rng: str, colon: str) -> str:
    return json.dumps(name) + colon + json.dumps(rng)


def _colon_of(text: str, key_start: int | None) -> str:
    """Return what separates a key from its value at ``key_start`` (``": "`` by default,
    ``":"`` in a compact file)."""
    if key_start is None:
        return ": "
    _, key_end = json.JSONDecoder().raw_decode(text, key_start)
    return text[key_end:_skip_space(text, text.index(":", key_end) + 1)]


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _line_indent(text: str, offset: int) -> str:
    start = _line_start(text, offset)
    stop = start
    while stop < len(text) and text[stop] in " \t":
        stop += 1
    return text[start:stop]


def _entry_spans(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Return (name, key start, value end) for each entry of the object at ``start:end``."""
    spans: list[tuple[str, int, int]] = []
    decoder = json.JSONDecoder()
    pos = _skip_space(text, start + 1)
    while pos < end and text[pos] == '"':
        name, key_end = decoder.raw_decode(text, pos)
        value_start = _skip_space(text, text.index(":", key_end) + 1)
        _, value_end = decoder.raw_decode(text, value_start)
        spans.append((name, pos, value_end))
        after = _skip_space(text, value_end)
        if after >= end or text[after] != ",":
            break
        pos = _skip_space(text, after + 1)
    return spans


def _find_top_level_object(text: str, key: str) -> tuple[int, int] | None:
    """Return offsets of ``{`` and ``}`` of the top-level member ``key``, if it is an object."""
    decoder = json.JSONDecoder()
    top = _skip_space(text, 0)
    _, top_end = decoder.raw_decode(text, top)
    for name, key_start, value_end in _entry_spans(text, top, top_end - 1):
        if name != key:
            continue
        _, key_end = decoder.raw_decode(text, key_start)
        value_start = _skip_space(text, text.index(":", key_end) + 1)
        if text[value_start] == "{":
            return value_start, value_end - 1
    return None


def _insert_block(text: str, key: str, packages: dict[str, str], unit: str, eol: str) -> str:
    """Add a new top-level ``key`` object after the last member."""
    decoder = json.JSONDecoder()
    top = _skip_space(text, 0)
    _, top_end = decoder.raw_decode(text, top)
    close = top_end - 1
    members = _entry_spans(text, top, close)
    if members and "\n" not in text[top:top_end]:
        # A one-line file stays on one line.
        colon = _colon_of(text, members[0][1])
        inner = ",".join(_entry(n, r, colon) for n, r in packages.items())
        block = f"{json.dumps(key)}{colon}{{{inner}}}"
        return text[:members[-1][2]] + "," + block + text[members[-1][2]:]
    colon = _colon_of(text, members[0][1] if members else None)
    lines = [f"{unit}{unit}{_entry(n, r, colon)}" for n, r in packages.items()]
    block = f"{unit}{json.dumps(key)}{colon}{{{eol}" + ("," + eol).join(lines) + f"{eol}{unit}}}"
    if members:
        at = members[-1][2]
        return text[:at] + "," + eol + block + text[at:]
    return text[:top + 1] + eol + block + eol + text[close:]


def add_to_string_list(text: str, path: tuple[str, ...], key: str, value: str, *,
                       width: int | None = None, tab_width: int = 2) -> str:
    """Return JSON ``text`` with ``value`` added to the list at member ``key`` of the object at
    ``path`` (keys from the top level; ``()`` is the top level itself).

    A string member becomes a two-item list; a missing member is added after the object's last
    member; nothing changes when ``value`` is already there. The rest of the text is kept byte
    for byte, but for a one-line list whose line the new item takes past ``width`` columns
    (prettier's printWidth, tabs counting ``tab_width``): it is written one item per line, as
    prettier breaks it. Raises ``ValueError`` when the path does not lead to an object or the
    member is neither a string nor a list.
    """
    decoder = json.JSONDecoder()
    start = _skip_space(text, 0)
    _, end = decoder.raw_decode(text, start)
    for part in path:
        found = None
        for name, key_start, value_end in _entry_spans(text, start, end - 1):
            if name == part:
                _, key_end = decoder.raw_decode(text, key_start)
                found = (_skip_space(text, text.index(":", key_end) + 1), value_end)
        if found is None or text[found[0]] != "{":
            raise ValueError(f"no object at {'.'.join(path)}")
        start, end = found
    eol = line_ending(text)
    members = _entry_spans(text, start, end - 1)
    item = json.dumps(value)
    for name, key_start, value_end in members:
        if name != key:
            continue
        _, key_end = decoder.raw_decode(text, key_start)
        value_start = _skip_space(text, text.index(":", key_end) + 1)
        current = json.loads(text[value_start:value_end])
        if current == value or (isinstance(current, list) and value in current):
            return text
        if isinstance(current, str):
            return _fit_list(text[:value_start], [text[value_start:value_end], item],
                             text[value_end:], width, tab_width)
        if not isinstance(current, list):
            raise ValueError(f"{key} is neither a string nor a list")  # noqa: TRY004
        items = _array_items(text, value_start, value_end)
        if not items:
            return text[:value_start + 1] + item + text[value_end - 1:]
        last_start, last_end = items[-1]
        if "\n" in text[value_start:value_end]:
            return text[:last_end] + "," + eol + _line_indent(text, last_start) + item + \
                text[last_end:]
        new = text[:last_end] + ", " + item + text[last_end:]
        if width is None or _columns(new, value_start, tab_width) <= width:
            return new
        return _fit_list(text[:value_start], [*(text[a:b] for a, b in items), item],
                         text[value_end:], width, tab_width)
    colon = _colon_of(text, members[0][1]) if members else ": "
    member = f"{json.dumps(key)}{colon}[{item}]"
    if not members:
        indent = _line_indent(text, start)
        inner = _indent_unit(text)
        return text[:start + 1] + eol + indent + inner + member + eol + indent + text[end - 1:]
    last_key, last_end = members[-1][1], members[-1][2]
    if "\n" in text[start:end]:
        return text[:last_end] + "," + eol + _line_indent(text, last_key) + member + \
            text[last_end:]
    return text[:last_end] + "," + member + text[last_end:]


def _columns(text: str, offset: int, tab_width: int) -> int:
    """Return the columns of the line of ``text`` holding ``offset`` (tabs at ``tab_width``)."""
    start = _line_start(text, offset)
    stop = text.find("\n", offset)
    line = text[start:len(text) if stop == -1 else stop].rstrip("\r")
    return len(line) + line.count("\t") * (tab_width - 1)


def _fit_list(before: str, items: list[str], after: str, width: int | None,
              tab_width: int) -> str:
    """Return ``before + [items] + after``: on one line, or one item per line (one level in
    from the member's line, no trailing comma) when that line passes ``width`` columns, as
    prettier prints a JSON array that does not fit."""
    flat = before + "[" + ", ".join(items) + "]" + after
    if width is None or _columns(flat, len(before), tab_width) <= width:
        return flat
    eol = line_ending(flat)
    indent = _line_indent(flat, len(before))
    inner = eol + indent + _indent_unit(flat)
    return before + "[" + inner + ("," + inner).join(items) + eol + indent + "]" + after


def _array_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return (start, end) of each item of the JSON array at ``start:end``."""
    decoder = json.JSONDecoder()
    items: list[tuple[int, int]] = []
    pos = _skip_space(text, start + 1)
    while pos < end - 1:
        _, item_end = decoder.raw_decode(text, pos)
        items.append((pos, item_end))
        after = _skip_space(text, item_end)
        if text[after] != ",":
            break
        pos = _skip_space(text, after + 1)
    return items
