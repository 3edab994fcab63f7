"""The per-file result cache of ``nodeharden check`` (``--no-cache`` bypasses it).

What a file's scan produced (findings, Express facts, skip or failure reason) depends on the
file's bytes, its path, the rules run, the project facts given to the rules (dependencies,
module system, config, file roles, style rules…) and the code doing the scan. The cache keeps
the scans of one run in ``.nodeharden_cache/`` under the project root, in one file whose name
is a digest of everything but the file bytes and paths:

- nodeharden's version and a fingerprint of its own code and data (path, size and
  modification time of every module of the package, of every ``rule.yml`` and of the
  tree-sitter grammar packages), so an upgrade or an edited rule never reads old results;
- the selected rules, in order;
- the project facts (``ProjectInfo``, the loaded config included), in a canonical form;
- the Python version (the entries are pickled).

Inside, each file's scan is kept with the BLAKE2 digest of its bytes and used only when the
bytes read now have the same digest. A few per-file rules also read other files of the project
(``_scan.OUTSIDE_READERS``: the front-end code, the views); the scan of a file one of them
looked at is kept with a fingerprint of every file under the root (outside the folders the
walk never enters: path, size, modification time) and reused only while that is unchanged
too. The project phase (rules that read the whole project)
always runs again. The folder holds a ``.gitignore`` of ``*``, so git ignores it, and the walk
never enters it. Anything unreadable, corrupt or unwritable is treated as no cache.
"""

from __future__ import annotations

import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from nodeharden._record import fields, is_record
from nodeharden._version import __version__

CACHE_DIR = ".nodeharden_cache"
#: Bumped when the layout of the cache file changes.
FORMAT = 2


def content_digest(data: bytes) -> str:
    """Return the digest a cached scan is matched on."""
    import hashlib  # here: a check with --no-cache digests nothing, and hashlib loads OpenSSL

    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _canonical(value: Any) -> Any:
    """Return ``value`` as JSON-able data that is the same for equal values in every process
    (sets sorted: their iteration order changes with the string hash seed)."""
    if is_record(value):
        return {f.name: _canonical(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a typing.NamedTuple record
        return {name: _canonical(getattr(value, name)) for name in value._fields}
    if isinstance(value, dict):
        return sorted([str(k), _canonical(v)] for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(_canonical(v), sort_keys=True) for v in value)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)  # Path and friends


@cache
def code_fingerprint() -> str:
    """Return a digest of nodeharden's version and of its code and rule data on disk."""
    from nodeharden._data import codemods_dir

    package = Path(__file__).resolve().parent
    parts: list[str] = [__version__, sys.version]
    paths = sorted(package.rglob("*.py"))
    try:
        paths += sorted(codemods_dir().glob("*/rule.yml"))
    except FileNotFoundError:
        pass
    import importlib.util

    for grammar in ("tree_sitter", "tree_sitter_javascript", "tree_sitter_typescript"):
        spec = importlib.util.find_spec(grammar)
        if spec is not None and spec.origin:
            folder = Path(spec.origin).parent
            paths += sorted(p for p in folder.iterdir() if p.is_file())
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        parts.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    import hashlib

    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def cache_key(info: Any, rule_ids: list[str]) -> str:
    """Return the name of the cache file for a run with these project facts and rules."""
    text = json.dumps([FORMAT, code_fingerprint(), list(rule_ids), _canonical(info)],
                      sort_keys=True)
    import hashlib

    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def tree_fingerprint(root: Path) -> str:
    """Return a digest of the path, size and modification time of every file under ``root``
    outside the folders no rule reads (``SKIP_DIRS``: dependencies, VCS data, build output,
    this cache; ``is_build_output``), the folders the rules that read other files skip too."""
    import hashlib

    from nodeharden._project import is_build_output

    digest = hashlib.blake2b(digest_size=16)
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not is_build_output(str(root), folder, d))
        for name in sorted(names):
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class ResultCache:
    """The cached scans of one project for one key."""

    def __init__(self, root: Path, key: str) -> None:
        self.folder = root / CACHE_DIR
        self.path = self.folder / f"scans-{key}.pickle"
        self.entries: dict[str, tuple[str, Any, str]] = {}
        self.hits = 0
        self._fresh: dict[str, tuple[str, Any, str]] = {}
        self._changed = False
        self._tree_digest: str | None = None
        import pickle

        try:
            with open(self.path, "rb") as handle:
                loaded = pickle.load(handle)  # noqa: S301 - our own file, under the project
            if isinstance(loaded, dict):
                self.entries = loaded
        except Exception:  # noqa: BLE001 - missing, truncated, from another version: no cache
            self.entries = {}

    def _tree(self, root: Path) -> str:
        """Return the fingerprint of every file under ``root`` (computed once per run)."""
        if self._tree_digest is None:
            self._tree_digest = tree_fingerprint(root)
        return self._tree_digest

    def get(self, rel: str, digest: str, root: Path) -> Any | None:
        """Return the cached scan of ``rel`` when its bytes still have ``digest`` (and, for a
        scan that read other files, the project's files are unchanged)."""
        entry = self.entries.get(rel)
        if entry is None or entry[0] != digest:
            return None
        scan = entry[1]
        if getattr(scan, "outside", False) and entry[2] != self._tree(root):
            return None
        self.hits += 1
        self._fresh[rel] = entry
        return scan

    def put(self, rel: str, digest: str, scan: Any, root: Path) -> None:
        """Remember the scan of ``rel`` (bytes with ``digest``). The tree fingerprint is the
        one taken before the scan: a file changed meanwhile makes the next run scan again."""
        self._fresh[rel] = (digest, scan, self._tree(root) if getattr(scan, "outside", False)
                            else "")
        self._changed = True

    def save(self) -> None:
        """Write this run's scans (and only them), replacing the file atomically; other keys'
        files are removed (one project keeps one cache file). Errors are ignored."""
        if not self._changed and len(self._fresh) == len(self.entries):
            return  # every entry was read back unchanged
        import pickle

        try:
            self.folder.mkdir(exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.is_file():
                ignore.write_text("# written by nodeharden check; delete at will\n*\n")
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:
                pickle.dump(self._fresh, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
            for other in self.folder.glob("scans-*.pickle"):
                if other != self.path:
                    other.unlink(missing_ok=True)
        except OSError:
            pass
