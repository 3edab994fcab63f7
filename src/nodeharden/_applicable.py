"""Whether a fix can be written for this project as it is: its dependencies need a Node
version the project runs on and a package.json to go in (``fit_to_runtime``,
``manifest_problem``). ``fix`` declines such a fix with the reason; ``check`` says the same
of the finding, so that "fixable" means what ``fix`` will do (``declined``)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from nodeharden._model import FileChange, Fix, TextEdit
from nodeharden._packagejson import (
    NODE_SUPPORT,
    OLD_OPTION_NAMES,
    TYPESCRIPT_SUPPORT,
    mirrors,
    version_for_node,
)
from nodeharden._project import manifest_source, workspace_declared
from nodeharden._record import replace
from nodeharden._roles import package_of
from nodeharden._runtime import Runtime
from nodeharden._textedit import split_bom


def manifest_for(fix: Fix, package_dirs: list[str]) -> str:
    """Return the package.json of the package holding the files ``fix`` edits: in a
    repository with several packages (``server/``, ``client/``, workspaces) a dependency
    belongs to the package whose code imports it."""
    code = sorted(p for p in fix.paths() if posixpath.basename(p) != "package.json")
    folder = package_of(code[0], package_dirs) if code else ""
    return posixpath.join(folder, "package.json") if folder else "package.json"


def _manifest_data(data: bytes | None) -> dict[str, Any] | None:
    """Return a package.json's object, or None when it is missing or no JSON object."""
    if data is None:
        return None
    import json

    try:
        parsed = json.loads(split_bom(data)[1].decode("utf-8"))
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def outer_manifests(root: Path, prefix: str) -> list[tuple[str, dict[str, Any]]]:
    """Return the package.json files between ``root`` and the top of its git work tree
    (``prefix`` is root's path inside it), nearest first, as paths relative to ``root``
    (``../package.json``) with their objects. Outside git nothing above the root counts."""
    out: list[tuple[str, dict[str, Any]]] = []
    for depth in range(1, len([p for p in prefix.split("/") if p]) + 1):
        try:
            data = (root.parents[depth - 1] / "package.json").read_bytes()
        except (OSError, IndexError):
            continue
        parsed = _manifest_data(data)
        if parsed is not None:
            out.append(("../" * depth + "package.json", parsed))
    return out


def without_provided(fix: Fix, folder: Path) -> Fix:
    """Return ``fix`` without the packages the workspace root above its package's ``folder``
    already declares in a range of the same major version (``workspace_declared``): the
    package resolves them from the root's install, and declaring them again would only leave
    the workspace's lockfile out of date. Runtime packages count only from the root's
    ``dependencies`` (a production install leaves its devDependencies out); development ones
    from either block. ``fix`` itself when nothing is dropped."""
    if not (fix.dependencies or fix.dev_dependencies):
        return fix
    declared = workspace_declared(folder)
    if not declared:
        return fix
    runtime = declared.get("dependencies", {})
    development = {**declared.get("devDependencies", {}), **runtime}

    def kept(packages: tuple[tuple[str, str], ...], provided: dict[str, str]
             ) -> tuple[tuple[str, str], ...]:
        return tuple((name, spec) for name, spec in packages
                     if name not in provided or _major(provided[name]) is None
                     or _major(provided[name]) != _major(spec))

    deps, dev_deps = kept(fix.dependencies, runtime), kept(fix.dev_dependencies, development)
    if deps == fix.dependencies and dev_deps == fix.dev_dependencies:
        return fix
    return replace(fix, dependencies=deps, dev_dependencies=dev_deps)


_MAJOR_RE = re.compile(r"^\s*(?:\^|~|>=|=|v)?\s*(\d+)(?:[.\s]|$)")


def _major(spec: str) -> int | None:
    """Return the major version a semver range starts from (``^8.1.0`` → 8), None for other
    specs (``latest``, ``workspace:*``, a URL)."""
    found = _MAJOR_RE.match(spec)
    return int(found.group(1)) if found else None


def _version_text(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}" if version[1] else str(version[0])


_OPTIONAL_SYNTAX_RE = re.compile(r"\?\?|\?\.(?=[\w\[(])")
_NODE_PREFIX_RE = re.compile(r"""(?:require\(\s*|from\s*|import\(\s*)['"]node:""")
_IMPORT_TYPE_RE = re.compile(r"^\s*import\s+type\s", re.M)


def fit_to_runtime(fix: Fix, runtime: Runtime) -> tuple[str | None, Fix]:
    """Return ``(None, fix)`` with dependency ranges the project's Node version supports (and,
    for a fix that edits TypeScript, whose types the project's TypeScript reads:
    ``TYPESCRIPT_SUPPORT``), or the reason the fix cannot be written for that runtime."""
    typed = runtime.typescript if any(
        p.endswith((".ts", ".tsx", ".mts", ".cts")) for p in fix.paths()) else None
    if runtime.node is None and typed is None:
        return None, fix
    where = f"the project runs on {runtime.describe()}"
    chosen: dict[bool, list[tuple[str, str]]] = {False: [], True: []}
    for dev, packages in ((False, fix.dependencies), (True, fix.dev_dependencies)):
        # Dev dependencies run where the project's dev tool runs, which may need more.
        node = runtime.node
        if dev and fix.dev_node and node is not None:
            node = max(node, fix.dev_node)
        for name, version in packages:
            lines = dict((v, n) for n, v in NODE_SUPPORT.get(name, ()))
            types_read = typed is None or typed >= TYPESCRIPT_SUPPORT.get(name, {}).get(
                version, (0, 0))
            if version not in lines or (node is None or node >= lines[version]) and types_read:
                # A range the rule chose on purpose (matched to the project's own eslint
                # major, say) that the runtime supports stays as it is.
                chosen[dev].append((name, version))
                continue
            picked, needed = version_for_node(name, node, typed)
            if picked is None:
                if not types_read and (node is None or node >= lines[version]):
                    return (f"needs a newer TypeScript for {name}'s types; the project "
                            f"compiles with TypeScript {_version_text(typed or (0, 0))} "
                            f"({runtime.typescript_source})"), fix
                return f"needs Node {_version_text(needed)} for {name}; {where}", fix
            chosen[dev].append((name, picked))
    written = "".join(edit.content for change in fix.changes for edit in change.edits)
    if typed is not None and typed < (3, 8) and _IMPORT_TYPE_RE.search(written):
        return (f"writes `import type`, which needs TypeScript 3.8; the project compiles with "
                f"TypeScript {_version_text(typed)} ({runtime.typescript_source})"), fix
    if runtime.node is not None and runtime.node < (14, 0) \
            and _OPTIONAL_SYNTAX_RE.search(written):
        return f"writes ?. or ??, which need Node 14; {where}", fix
    if runtime.node is not None and runtime.node < (16, 0) and _NODE_PREFIX_RE.search(written):
        return f"imports node: built-ins, which need Node 16; {where}", fix
    fitted = replace(fix, dependencies=tuple(chosen[False]),
                     dev_dependencies=tuple(chosen[True]))
    for name, version in chosen[False] + chosen[True]:
        if name in OLD_OPTION_NAMES and version != dict(_packages_of(fix)).get(name):
            fitted = _old_option_names(fitted, name, version)
    return None, fitted


def _packages_of(fix: Fix) -> tuple[tuple[str, str], ...]:
    """Return the packages a fix adds, runtime and development ones."""
    return fix.dependencies + fix.dev_dependencies


def _old_option_names(fix: Fix, package: str, version: str) -> Fix:
    """Return ``fix`` with ``package``'s options spelled as release ``version`` reads them
    (``OLD_OPTION_NAMES``), when that release is older than the renaming."""
    major = re.search(r"\d+", version)
    before, names = OLD_OPTION_NAMES[package]
    if major is None or int(major.group()) >= before:
        return fix
    pattern = re.compile(r"(?<![\w$])(" + "|".join(map(re.escape, names)) + r")(?=\s*:)")
    changes = tuple(
        FileChange(change.path, tuple(
            TextEdit(edit.start, edit.end,
                     pattern.sub(lambda m: names[m.group(1)], edit.content))
            for edit in change.edits), change.create)
        for change in fix.changes)
    return replace(fix, changes=changes)


def manifest_problem(fix: Fix, package_dirs: list[str],
                     current: Callable[[str], bytes | None],
                     outer: Iterable[tuple[str, dict[str, Any]]] = (),
                     root: Path | None = None) -> str | None:
    """Return why ``fix`` cannot be applied when it needs a package and its package.json is
    missing or not a JSON object (a ``require()`` of an undeclared package would break
    ``npm ci`` installs), or when a package.json above the project root (``outer``, see
    ``outer_manifests``) declares every dependency of the package too: the repository
    installs from there, and fix writes nothing outside the root. Else None.

    A missing package.json beside the file the project writes its manifest in
    (``package.yaml``, see ``manifest_source``; ``root`` is where to look) is generated from
    it: the advice names that file, never ``npm init``, whose package.json the next build
    would overwrite."""
    needs = sorted({*dict(fix.dependencies), *dict(fix.dev_dependencies)})
    if not needs:
        return None
    manifest = manifest_for(fix, package_dirs)
    data = current(manifest)
    parsed = _manifest_data(data)
    source = manifest_source((root / manifest).parent) if data is None and root else None
    if source is not None:
        folder = posixpath.dirname(manifest)
        shown = posixpath.join(folder, source) if folder else source
        return (f"needs {', '.join(needs)} in {manifest}, but the project writes its manifest "
                f"in {shown} and {manifest} is generated from it (or absent): declined (add "
                f"{', '.join(needs)} to {shown}, generate {manifest}, then run fix again)")
    if data is None:
        why, todo = f"there is no {manifest}", "create it, e.g. `npm init -y`"
    elif parsed is None:
        why, todo = f"{manifest} is not a valid JSON object", "repair it"
    else:
        runtime = sorted(dict(fix.dependencies))
        # A manifest above that already declares them needs no edit: the fix goes ahead (the
        # decline told the user to add them there).
        above = next((rel for rel, top in outer if runtime and mirrors(top, parsed)
                      and not _declares(top, runtime)), None)
        if above is None:
            return None
        folder = posixpath.dirname(manifest)
        shown = posixpath.normpath(posixpath.join(folder, above)) if folder else above
        return (f"needs {', '.join(runtime)} in {manifest} and in {shown}, which declares "
                "every dependency of this package too (the repository installs from there), "
                f"outside the folder fix runs on: declined (add {', '.join(runtime)} to both, "
                "then run fix again)")
    return (f"needs {', '.join(needs)} in {manifest}, but {why}: declined ({todo}, then run "
            "fix again)")


def _declares(manifest: dict[str, Any], names: list[str]) -> bool:
    """Return True when ``manifest`` lists every package of ``names`` in its dependencies."""
    declared = manifest.get("dependencies")
    return isinstance(declared, dict) and all(name in declared for name in names)


def git_prefix(root: Path) -> str:
    """Return ``root``'s path relative to the top of its git work tree, with a trailing
    slash ("" at the top level, outside a work tree, or without git)."""
    import subprocess

    try:
        proc = subprocess.run(["git", "rev-parse", "--show-prefix"], cwd=root,
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.strip() if proc.returncode == 0 else ""


class _Outer:
    """``outer_manifests(root, git_prefix(root))``, worked out when first read (a git call)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._found: list[tuple[str, dict[str, Any]]] | None = None

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        if self._found is None:
            self._found = outer_manifests(self.root, git_prefix(self.root))
        return iter(self._found)


def declined_reasons(fixes: Iterable[Fix], runtime: Callable[[], Runtime], root: Path,
                     package_dirs: list[str]) -> dict[int, str]:
    """Return, by position in ``fixes``, why ``fix`` would decline each fix it cannot write
    for this project (``fit_to_runtime``, then ``manifest_problem`` on the files as they are
    on disk); ``runtime`` is called only when some fix has dependencies or writes syntax a
    Node version may lack."""
    outer = _Outer(root)
    known: Runtime | None = None
    reasons: dict[int, str] = {}

    def read(rel: str) -> bytes | None:
        try:
            return (root / rel).read_bytes()
        except OSError:
            return None

    for index, fix in enumerate(fixes):
        if not (fix.dependencies or fix.dev_dependencies) and not any(
                _OPTIONAL_SYNTAX_RE.search(edit.content) or _NODE_PREFIX_RE.search(edit.content)
                or _IMPORT_TYPE_RE.search(edit.content)
                for change in fix.changes for edit in change.edits):
            continue
        if known is None:
            known = runtime()
        problem, fitted = fit_to_runtime(fix, known)
        if problem is None:
            fitted = without_provided(fitted, root / posixpath.dirname(
                manifest_for(fitted, package_dirs)))
            problem = manifest_problem(fitted, package_dirs, read, outer, root)
        if problem is not None:
            reasons[index] = problem
    return reasons
