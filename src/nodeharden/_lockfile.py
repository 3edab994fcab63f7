"""Refresh an npm lockfile for the packages a fix adds to its package.json.

A package.json hunk that adds ``helmet`` leaves ``package-lock.json`` out of date: ``npm ci``
(most CI jobs and Dockerfiles) refuses the patch until someone runs ``npm install`` and commits
the lockfile too, which is what reviewers of the field test asked for. So ``fix`` asks npm
itself: ``npm install --package-lock-only --ignore-scripts`` on a copy of the package.json (as
the fixes leave it), its lockfile and its ``.npmrc``, in a scratch folder; nothing is
installed, no script runs, and the project's own files are not touched until the fix writes.

The lockfile npm writes is kept only when it adds entries and changes none that were there
(but for the dev/optional/peer flags npm works out again on every install, and optional
peers nothing asks for, which npm 7 and 8 locked and later npm drops):
a lockfile npm would also rewrite (one of lockfileVersion 1, from npm 6, which later npm
converts whole; one already out of step with its package.json; a workspace root's) is left
for the user, and the fix's summary says why. npm needs the package registry: where it cannot
reach it (or is not installed), the lockfile is left as it is, and the summary says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from typing import Any, NamedTuple

#: The lockfiles npm reads and writes, in the order npm prefers them.
NPM_LOCKFILES = ("npm-shrinkwrap.json", "package-lock.json")
#: Lockfiles of other package managers: a folder holding one of them too is not npm's alone.
OTHER_LOCKFILES = ("yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock")
#: How long npm may take to resolve the added packages.
TIMEOUT_SECONDS = 180

_BLOCKS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
#: Version specs naming a folder (relative to the package.json) rather than a release.
_LOCAL_SPECS = ("file:", "link:", "./", "../", "~/", "/")


class Refreshed(NamedTuple):
    """What refreshing one lockfile gave: its new bytes, or why it was left as it is."""

    lock: bytes | None  # None: left as it is
    reason: str | None = None  # why it was left (None: nothing to change)
    passing: bool = False  # left for a passing cause (the registry unreachable): not kept
    #: Locked packages whose dependency-type flags npm worked out again (``FLAGS``).
    reflagged: int = 0


#: Results by (package.json, lockfile, .npmrc) bytes: ``fix --patch-dir`` plans the same
#: manifests more than once.
_DONE: dict[tuple[str, bytes, bytes, bytes | None], Refreshed] = {}
#: When and why npm last could not reach the registry: for a minute after, no lockfile is
#: tried (a run that plans several times, ``--patch-dir``, waits once).
_UNREACHABLE: list[tuple[float, str]] = []
_UNREACHABLE_FOR = 60.0


def refresh(lock_name: str, manifest: bytes, lock: bytes, npmrc: bytes | None) -> Refreshed:
    """Return the lockfile ``lock`` (named ``lock_name``) as npm writes it for ``manifest``,
    the package.json a fix changed, or why it stays as it is."""
    key = (lock_name, manifest, lock, npmrc)
    found = _DONE.get(key)
    if found is None:
        found = _refresh(lock_name, manifest, lock, npmrc)
        if not found.passing:
            _DONE[key] = found
    return found


def _refresh(lock_name: str, manifest: bytes, lock: bytes, npmrc: bytes | None) -> Refreshed:
    try:
        old = json.loads(lock.decode("utf-8-sig"))
        package = json.loads(manifest.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return Refreshed(None, f"{lock_name} or package.json is not valid JSON")
    if not isinstance(old, dict) or not isinstance(package, dict):
        return Refreshed(None, f"{lock_name} or package.json is not a JSON object")
    version = old.get("lockfileVersion")
    if version == 1:
        return Refreshed(None, "it is of lockfileVersion 1 (npm 6 or older), which npm 7 and "
                               "later rewrite whole")
    if version not in (2, 3):
        return Refreshed(None, "it names no lockfileVersion npm writes today (2 or 3)")
    if package.get("workspaces"):
        return Refreshed(None, "it is a workspace root's, which npm would re-resolve for "
                               "every workspace")
    local = next((name for block in _BLOCKS if isinstance(package.get(block), dict)
                  for name, spec in package[block].items()
                  if isinstance(spec, str) and spec.startswith(_LOCAL_SPECS)), None)
    if local is not None:
        return Refreshed(None, f"package.json takes {local} from a folder of the project "
                               "(file:, link:), which npm resolves only there")
    if _UNREACHABLE and time.monotonic() - _UNREACHABLE[-1][0] < _UNREACHABLE_FOR:
        return Refreshed(None, _UNREACHABLE[-1][1], passing=True)
    npm = shutil.which("npm")
    if npm is None:
        return Refreshed(None, "npm is not installed here")
    with tempfile.TemporaryDirectory(prefix="nodeharden-lock-") as scratch:
        with open(os.path.join(scratch, "package.json"), "wb") as file:
            file.write(manifest)
        with open(os.path.join(scratch, lock_name), "wb") as file:
            file.write(lock)
        if npmrc is not None:
            with open(os.path.join(scratch, ".npmrc"), "wb") as file:
                file.write(npmrc)
        env = dict(os.environ, npm_config_update_notifier="false", npm_config_fund="false",
                   npm_config_audit="false")
        # As the lockfile has it: registry URLs kept in `resolved` or left out (npm's
        # omit-lockfile-registry-resolved, which a machine's npmrc may set either way).
        resolved = _keeps_resolved(old)
        keep = [] if resolved is None else [
            f"--omit-lockfile-registry-resolved={'false' if resolved else 'true'}"]
        try:
            proc = subprocess.run(
                [npm, "install", "--package-lock-only", "--ignore-scripts", "--no-audit",
                 "--no-fund", "--prefer-offline", "--loglevel=error", "--fetch-retries=1",
                 "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=5000",
                 "--fetch-timeout=30000",
                 # Nothing is installed: the Node version here is not the project's.
                 "--engine-strict=false", *keep],
                cwd=scratch, env=env, capture_output=True, text=True, errors="replace",
                stdin=subprocess.DEVNULL, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            return _unreachable(f"npm did not finish within {TIMEOUT_SECONDS} s")
        except OSError as exc:
            return Refreshed(None, f"npm could not run: {exc.strerror or exc}")
        if proc.returncode != 0:
            reason = _npm_error(proc.stderr)
            if any(code in proc.stderr for code in _NETWORK_CODES):
                return _unreachable(f"npm could not reach the package registry ({reason})")
            return Refreshed(None, f"`npm install --package-lock-only` failed: {reason}")
        try:
            with open(os.path.join(scratch, lock_name), "rb") as file:
                new_bytes = file.read()
            new = json.loads(new_bytes.decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError):
            return Refreshed(None, f"npm wrote no readable {lock_name}")
    if new_bytes == lock:
        return Refreshed(None)
    added = _added_names(package, old)
    changed = changed_entries(old, new, added)
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more"
                                          if len(changed) > 3 else "")
        return Refreshed(None, f"npm would also change what it locks already ({shown}), "
                               "which is not the fix's to change (the lockfile may be out of "
                               "step with package.json, or written by another npm)")
    return Refreshed(new_bytes, reflagged=len(changed_entries(old, new, added, flags=False)))


#: npm's error codes for a registry it cannot reach.
_NETWORK_CODES = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT",
                  "ENETUNREACH", "EHOSTUNREACH", "ERR_SOCKET_TIMEOUT", "UNABLE_TO_GET_ISSUER")


def _unreachable(reason: str) -> Refreshed:
    _UNREACHABLE[:] = [(time.monotonic(), reason)]
    return Refreshed(None, reason, passing=True)


def _npm_error(stderr: str) -> str:
    """Return the line of npm's error output that says what went wrong."""
    lines = [line.removeprefix("npm error").removeprefix("npm ERR!").strip()
             for line in stderr.splitlines()]
    lines = [line for line in lines if line and not line.startswith(
        ("A complete log", "Log files", "For a full report", "/"))]
    for line in lines:
        if line.startswith("code "):
            rest = [other for other in lines if other != line]
            return line.removeprefix("code ") + (f": {rest[0]}" if rest else "")
    return lines[0] if lines else "no output"


def _keeps_resolved(lock: dict[str, Any]) -> bool | None:
    """Return whether the lockfile's registry packages record where they came from
    (``resolved``), or None when it locks none."""
    entries = [entry for path, entry in (lock.get("packages") or {}).items()
               if path and isinstance(entry, dict) and not entry.get("link")]
    if not entries:
        return None
    return any("resolved" in entry for entry in entries)


def _added_names(package: dict[str, Any], old: dict[str, Any]) -> set[str]:
    """Return the packages ``package`` declares that the lockfile's root entry does not."""
    root = (old.get("packages") or {}).get("") or {}
    declared = {name for block in _BLOCKS if isinstance(package.get(block), dict)
                for name in package[block]}
    locked = {name for block in _BLOCKS if isinstance(root.get(block), dict)
              for name in root[block]}
    return declared - locked


#: The flags npm works out again on every install from the whole tree (a package only a
#: development tool needs is ``dev``…), and which versions of npm record differently: a
#: locked package whose flags alone changed is locked as before.
FLAGS = frozenset({"dev", "optional", "devOptional", "peer"})


def changed_entries(old: dict[str, Any], new: dict[str, Any], added: set[str], *,
                    flags: bool = True) -> list[str]:
    """Return what npm changed in the lockfile besides adding the packages ``added`` (and
    what they need): top-level fields, and entries already locked, each named; a change of
    ``FLAGS`` alone is not one (with ``flags=False``, only such changes are returned)."""
    if not flags:
        old_packages = old.get("packages") or {}
        new_packages = new.get("packages") or {}
        return [path for path, entry in old_packages.items()
                if path and isinstance(entry, dict) and path in new_packages
                and new_packages[path] != entry
                and _unflagged(new_packages[path]) == _unflagged(entry)]
    changed = [key for key in sorted(set(old) | set(new))
               if key not in ("packages", "dependencies") and old.get(key) != new.get(key)]
    old_packages = old.get("packages") or {}
    new_packages = new.get("packages") or {}
    for path, entry in old_packages.items():
        if path == "":
            if _without(new_packages.get(""), added) != _without(entry, added):
                changed.append("the root package")
        elif path not in new_packages and isinstance(entry, dict) \
                and entry.get("peer") and entry.get("optional"):
            continue  # an optional peer nothing asks for: npm 7 and 8 locked it, later npm not
        elif _unflagged(new_packages.get(path)) != _unflagged(entry):
            changed.append(path)
    old_tree = old.get("dependencies") or {}  # lockfileVersion 2's npm 6 view
    new_tree = new.get("dependencies") or {}
    changed += [f"dependencies.{name}" for name, entry in old_tree.items()
                if new_tree.get(name) != entry]
    return changed


def _unflagged(entry: Any) -> Any:
    """Return a locked package's entry without ``FLAGS``."""
    if not isinstance(entry, dict):
        return entry
    return {key: value for key, value in entry.items() if key not in FLAGS}


def _without(entry: Any, names: set[str]) -> Any:
    """Return a lockfile's root entry without the dependency ranges of ``names``."""
    if not isinstance(entry, dict):
        return entry
    out = dict(entry)
    for block in _BLOCKS:
        if isinstance(out.get(block), dict):
            kept = {k: v for k, v in out[block].items() if k not in names}
            if kept:
                out[block] = kept
            else:
                del out[block]
    return out
