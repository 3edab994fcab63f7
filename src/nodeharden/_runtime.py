"""The runtime a project runs on: the oldest Node version it declares anywhere, and its
package manager. Fixes add only dependencies and syntax that runtime supports.

Sources, all read: ``engines.node`` in package.json, the Node of the binaries pkg builds
(``"pkg": {"targets": ["node14-linux-x64"]}``, or a top-level ``targets`` list of such
names), ``.nvmrc``, ``.node-version``,
``.tool-versions``, the app image's final ``FROM node:…``, and the Node versions of the CI
matrix (GitHub Actions ``node-version``, Travis ``node_js``) and CI job images (CircleCI
``cimg/node:18``, GitLab CI ``image: node:16``, an Actions ``container: node:14``). The oldest one wins: a project
that tests on Node 14 must keep working on Node 14, whatever its Dockerfile runs. A
package.json under a test, fixture or example folder, and a workflow that only runs a script
with node (no package manager), are not about the project's runtime and are not read.

The lower bound of the package's own ``engines.node`` is a floor for the version files
(``.nvmrc``, ``.node-version``, ``.tool-versions``): a developer's pin below it is stale (a
package that declares ``>=18`` does not run on Node 8) and is left out, and the runtime says
so. The app image and the CI matrix are not: they do run the project on that version.

The runtime dependencies are a floor for every source: the ``engines.node`` that npm's
lockfile (``package-lock.json``/``npm-shrinkwrap.json``, version 2 and later) records for each
package the root package.json depends on. A project does not run below what its dependencies
need, so an ``engines.node`` of ``>=7.6.0`` beside express-handlebars 5 (``>=v10.24.0``, arena)
is stale too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from nodeharden._project import find_package_manager

NodeVersion = tuple[int, int]

#: LTS code names nvm accepts in .nvmrc (``lts/hydrogen``).
_LTS = {"argon": 4, "boron": 6, "carbon": 8, "dubnium": 10, "erbium": 12, "fermium": 14,
        "gallium": 16, "hydrogen": 18, "iron": 20, "jod": 22, "krypton": 24}


class Runtime(NamedTuple):
    """The oldest Node version the project declares (None: unknown) and where it came from,
    plus the package manager that installs its dependencies."""

    node: NodeVersion | None = None
    source: str = ""
    package_manager: str = "npm"
    lockfile: str | None = None
    #: Where installs run, relative to the root ("" there; ``../..`` in a workspace above).
    install_dir: str = ""
    #: The version files left out as stale, below ``engines.node`` (``".nvmrc 8.11"``), or every
    #: source below what a runtime dependency needs (``stale_below``).
    stale: tuple[str, ...] = ()
    #: The oldest TypeScript the project's package.json files admit (``"typescript":
    #: "^3.7.5"`` → (3, 7)), and where that was read; None when it declares none.
    typescript: NodeVersion | None = None
    typescript_source: str = ""
    #: What the ``stale`` sources are below: ``engines.node``, or the dependency floor.
    stale_below: str = "engines.node"

    def describe(self) -> str:
        """Return ``"Node 8 (Dockerfile FROM node:8)"`` or ``"an unknown Node version"``."""
        if self.node is None:
            return "an unknown Node version"
        major, minor = self.node
        stale = f"; {', '.join(self.stale)}: below {self.stale_below}, taken as stale" \
            if self.stale else ""
        return f"Node {major}{'.' + str(minor) if minor else ''} ({self.source}{stale})"

    def install_command(self) -> str:
        """Return the command that installs added dependencies with the project's manager,
        from the workspace root when the project is a package of a workspace above it."""
        command = {"yarn": "yarn install", "pnpm": "pnpm install",
                   "bun": "bun install"}.get(self.package_manager, "npm install")
        return f"cd {self.install_dir} && {command}" if self.install_dir else command

    def supports(self, needed: NodeVersion) -> bool:
        """Return True when every Node version the project runs on is at least ``needed``
        (an unknown runtime is taken to be current)."""
        return self.node is None or self.node >= needed


def lowest_in_range(spec: str) -> NodeVersion | None:
    """Return the lowest Node version a semver range admits (``>=14.17`` → (14, 17),
    ``^18 || ^20`` → (18, 0)); None when the range names no lower bound."""
    best: NodeVersion | None = None
    for alternative in spec.split("||"):
        text = alternative.strip().lower().lstrip("v")
        if not text or text in ("*", "x", "latest", "node", "lts", "current"):
            continue
        found: NodeVersion | None = None
        for match in re.finditer(r"(<=?|>=?|\^|~|=)?\s*v?(\d+)(?:\.(\d+|x|\*))?", text):
            if match.group(1) in ("<", "<="):
                continue
            minor = match.group(3)
            found = (int(match.group(2)), int(minor) if minor and minor.isdigit() else 0)
            break
        if found is not None and (best is None or found < best):
            best = found
    return best


def _version_file(text: str) -> NodeVersion | None:
    value = text.strip().splitlines()[0].strip().lower() if text.strip() else ""
    if value.startswith("lts/"):
        major = _LTS.get(value[4:])
        return (major, 0) if major else None
    return lowest_in_range(value)


def _tool_versions(text: str) -> NodeVersion | None:
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("nodejs", "node"):
            return lowest_in_range(parts[1])
    return None


def _docker_node(text: str) -> NodeVersion | None:
    from nodeharden._roles import final_stage

    base, _ = final_stage(text)
    image, _, tag = base.partition(":")
    if image.rsplit("/", 1)[-1] != "node" or not tag:
        return None
    match = re.match(r"(\d+)(?:\.(\d+))?", tag)
    return (int(match.group(1)), int(match.group(2) or 0)) if match else None


_MATRIX_INLINE_RE = re.compile(
    r"^\s*-?\s*(?:node-version|node_version|node_js|node|nodejs)\s*:\s*\[([^\]\n]*)\]", re.M)
_MATRIX_SCALAR_RE = re.compile(
    r"^\s*-?\s*(?:node-version|node_version|node_js)\s*:\s*['\"]?(v?\d+(?:\.(?:\d+|x))?)",
    re.M)
_MATRIX_BLOCK_RE = re.compile(
    r"^(\s*)(?:node-version|node_version|node_js|node|nodejs)\s*:\s*\n((?:\1\s*-\s*[^\n]*\n)+)",
    re.M)


#: A package manager in a workflow: a job installs, builds or tests the project with it. A
#: workflow that runs Node on a script (``run: node .github/scripts/bump.js``) and has no
#: package manager anywhere never installs the project: its Node (a release helper's) says
#: nothing of what the project runs on. (Travis installs by itself; it always counts.)
_INSTALLS_RE = re.compile(r"\b(?:npm|npx|yarn|pnpm|bun|bunx|corepack)\b")
_RUNS_SCRIPT_RE = re.compile(r"\brun:\s*node\s")


#: A CI job's Node image: CircleCI ``docker: - image: cimg/node:18.17`` (or the older
#: ``circleci/node:10.15``), GitLab CI ``image: node:16``, a GitHub Actions ``container:
#: node:14`` (or its ``image:``). Only the official node image and CircleCI's.
_CI_IMAGE_RE = re.compile(
    r"^\s*-?\s*(?:image|container)\s*:\s*['\"]?(?:docker\.io/)?(?:library/|cimg/|circleci/)?"
    r"node:v?(\d+)(?:\.(\d+))?", re.M)


#: The newest minor of each Node.js release line that CI may name by its major alone: the last
#: one of a line that has ended, a release at least as new for a line still updated (20: 20.19,
#: 22: 22.12). ``actions/setup-node`` given ``18`` or ``18.x``, a matrix's ``18``, an image
#: ``node:18``: each runs the newest 18, 18.20, not 18.0 (held-out sample 41: eslint-security
#: read a workflow's ``18.x`` as 18.0, below the 18.18 ESLint 9 needs, and said nothing).
_NEWEST_MINOR = {4: 9, 5: 12, 6: 17, 7: 10, 8: 17, 9: 11, 10: 24, 11: 15, 12: 22, 13: 14,
                 14: 21, 15: 14, 16: 20, 17: 9, 18: 20, 19: 9, 20: 19, 21: 7, 22: 12, 23: 11}
#: A Node.js version CI names by its major alone: ``18``, ``v18``, ``18.x``, ``18.*``.
_MAJOR_ONLY_RE = re.compile(r"v?(\d+)(?:\.[x*])?")


def _newest(major: int) -> NodeVersion:
    """Return the version CI runs for a Node.js major named alone (``_NEWEST_MINOR``)."""
    return major, _NEWEST_MINOR.get(major, 0)


def _ci_versions(text: str) -> list[NodeVersion]:
    versions: list[NodeVersion] = []
    for match in _CI_IMAGE_RE.finditer(text):
        major = int(match.group(1))
        if major >= 4:
            versions.append((major, int(match.group(2))) if match.group(2) is not None
                            else _newest(major))
    chunks = [m.group(1) for m in _MATRIX_INLINE_RE.finditer(text)]
    chunks += [m.group(1) for m in _MATRIX_SCALAR_RE.finditer(text)]
    chunks += [m.group(2) for m in _MATRIX_BLOCK_RE.finditer(text)]
    for chunk in chunks:
        for item in re.split(r"[,\n]", chunk):
            item = item.strip().lstrip("-").strip().strip("'\"")
            if item and (item[0].isdigit() or item.startswith("v")):
                alone = _MAJOR_ONLY_RE.fullmatch(item)
                version = _newest(int(alone.group(1))) if alone else lowest_in_range(item)
                if version is not None and version[0] >= 4:
                    versions.append(version)
    return versions


#: A pkg target: the Node release a standalone binary embeds (``node14-linux-x64``,
#: ``node18-alpine-arm64``), then platform and architecture.
_PKG_TARGET_RE = re.compile(r"node(\d+)(?:\.(\d+))?-[a-z]+(?:-[a-z0-9]+)?")


def _pkg_target_node(data: dict[str, Any]) -> NodeVersion | None:
    """Return the oldest Node a package.json's pkg targets embed (``"pkg": {"targets":
    […]}``, or a top-level ``targets`` list whose every entry is such a name: the same
    list given to pkg on its command line), or None."""
    pkg = data.get("pkg")
    lists = [pkg.get("targets")] if isinstance(pkg, dict) else []
    lists.append(data.get("targets"))
    versions: list[NodeVersion] = []
    for targets in lists:
        if isinstance(targets, str):
            targets = targets.split(",")
        if not isinstance(targets, list) or not targets:
            continue
        matches = [_PKG_TARGET_RE.fullmatch(t.strip()) if isinstance(t, str) else None
                   for t in targets]
        if all(matches):
            versions += [(int(m.group(1)), int(m.group(2) or 0)) for m in matches if m]
    return min(versions) if versions else None


#: Roles (by path) of package.json files that say nothing of the project's runtime.
_NOT_RUNTIME_ROLES = frozenset({"test", "fixture", "example"})


def detect_runtime(root: Path, package_json: dict[str, Any] | None,
                   dockerfiles: tuple[str, ...] = (),
                   nested: tuple[tuple[str, dict[str, Any]], ...] = ()) -> Runtime:
    """Return the project's runtime, reading every source the module docstring lists.

    ``dockerfiles`` are the app's runtime images (relative paths); others are not read.
    ``nested`` are the (path, data) of the project's other server packages' package.json
    files (``server/package.json``): their ``engines.node`` counts too, oldest wins. A
    package.json under a test, fixture or example folder never counts: it describes a
    package the tests load or a sample, not what the project runs on. A version file below the
    root package.json's ``engines.node`` is stale and does not count (``Runtime.stale``).
    """
    from nodeharden._roles import role_from_path

    found: list[tuple[NodeVersion, str]] = []
    # The server packages below the root, then the root's own package.json ("").
    for rel, data in (*nested, ("", package_json or {})):
        if rel and role_from_path(rel).role in _NOT_RUNTIME_ROLES:
            continue
        engines = data.get("engines")
        if isinstance(engines, dict) and isinstance(engines.get("node"), str):
            version = lowest_in_range(engines["node"])
            if version:
                where = f"{rel} engines.node" if rel else "engines.node"
                found.append((version, f"{where} {engines['node'].strip()}"))
        binary = _pkg_target_node(data)
        if binary:
            where = f"{rel} builds" if rel else "package.json builds"
            found.append((binary, f"{where} binaries on Node {binary[0]} (pkg targets)"))

    def read(rel: str) -> str | None:
        try:
            return (root / rel).read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            return None

    engines = (package_json or {}).get("engines")
    floor = lowest_in_range(engines["node"]) if isinstance(engines, dict) and \
        isinstance(engines.get("node"), str) else None
    stale: list[str] = []
    pins: list[tuple[NodeVersion, str]] = []
    for name in (".nvmrc", ".node-version"):
        text = read(name)
        version = _version_file(text) if text else None
        if version:
            pins.append((version, f"{name} {text.strip().splitlines()[0]}" if text else name))
    text = read(".tool-versions")
    version = _tool_versions(text) if text else None
    if version:
        pins.append((version, ".tool-versions"))
    for version, where in pins:
        if floor is not None and version < floor:
            stale.append(where)
        else:
            found.append((version, where))
    for rel in dockerfiles:
        text = read(rel)
        version = _docker_node(text) if text else None
        if version:
            found.append((version, f"{rel} FROM node:{version[0]}"))
    workflows = root / ".github" / "workflows"
    ci_files = sorted(workflows.glob("*.y*ml")) if workflows.is_dir() else []
    ci_files += [root / ".travis.yml", root / ".circleci" / "config.yml", root / ".gitlab-ci.yml"]
    for path in ci_files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if path.parent == workflows and _RUNS_SCRIPT_RE.search(text) \
                and not _INSTALLS_RE.search(text):
            continue  # runs a standalone script, never installs the project
        versions = _ci_versions(text)
        if versions:
            oldest = min(versions)
            found.append((oldest, f"{path.relative_to(root).as_posix()} tests on Node "
                                  f"{oldest[0]}"))
    manager = find_package_manager(root, package_json)
    typescript, typescript_source = _typescript(package_json, nested)
    stale_below = "engines.node"
    needed = _dependency_floor(root, package_json)
    # By major: a CI matrix's or an image's `10` is the newest 10.x, which is 10.24.
    if needed is not None and any(version[0] < needed[0][0] for version, _ in found):
        stale += [where for version, where in found if version[0] < needed[0][0]]
        found = [item for item in found if item[0][0] >= needed[0][0]] + [needed]
        stale_below = "what the dependencies need"
    if not found:
        return Runtime(package_manager=manager.name, lockfile=manager.lockfile,
                       install_dir=manager.install_dir, typescript=typescript,
                       typescript_source=typescript_source)
    version, source = min(found, key=lambda pair: pair[0])
    return Runtime(node=version, source=source, package_manager=manager.name,
                   lockfile=manager.lockfile, install_dir=manager.install_dir,
                   stale=tuple(stale), typescript=typescript,
                   typescript_source=typescript_source, stale_below=stale_below)


def _dependency_floor(root: Path, package_json: dict[str, Any] | None
                      ) -> tuple[NodeVersion, str] | None:
    """Return the highest lower bound of ``engines.node`` among the packages the root
    package.json depends on (``dependencies``), as npm's lockfile at the root records them,
    with where it was read (``"package-lock.json: express-handlebars needs Node >=v10.24.0"``);
    None without such a lockfile (version 1 records no engines) or such a bound."""
    import json

    deps = (package_json or {}).get("dependencies")
    if not isinstance(deps, dict) or not deps:
        return None
    for name in ("npm-shrinkwrap.json", "package-lock.json"):
        try:
            lock = json.loads((root / name).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            continue
        packages = lock.get("packages") if isinstance(lock, dict) else None
        if not isinstance(packages, dict):
            return None
        best: tuple[NodeVersion, str] | None = None
        for dep in sorted(deps):
            entry = packages.get(f"node_modules/{dep}")
            engines = entry.get("engines") if isinstance(entry, dict) else None
            spec = engines.get("node") if isinstance(engines, dict) else None
            if not isinstance(spec, str):
                continue
            version = lowest_in_range(spec)
            if version is not None and (best is None or version > best[0]):
                best = (version, f"{name}: {dep} needs Node {spec.strip()}")
        return best
    return None


def _typescript(package_json: dict[str, Any] | None,
                nested: tuple[tuple[str, dict[str, Any]], ...]) -> tuple[NodeVersion | None, str]:
    """Return the oldest TypeScript version the root's and the server packages' package.json
    files admit (``dependencies`` or ``devDependencies``), with where it was read."""
    from nodeharden._roles import role_from_path

    found: list[tuple[NodeVersion, str]] = []
    for rel, data in (*nested, ("", package_json or {})):
        if rel and role_from_path(rel).role in _NOT_RUNTIME_ROLES:
            continue
        for field in ("devDependencies", "dependencies"):
            deps = data.get(field)
            spec = deps.get("typescript") if isinstance(deps, dict) else None
            version = lowest_in_range(spec) if isinstance(spec, str) else None
            if version:
                where = f"{rel}/package.json" if rel else "package.json"
                found.append((version, f"{where} {field} typescript {str(spec).strip()}"))
                break
    return min(found, key=lambda pair: pair[0]) if found else (None, "")
