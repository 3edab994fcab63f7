"""The project model: root, package.json, module system, and a gitignore-aware file walk."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any, Literal, NamedTuple

from nodeharden._record import field, record
from nodeharden._regex import lazy_pattern
from nodeharden.errors import NotADirectoryError_, PathNotFoundError

ModuleSystem = Literal["commonjs", "esm"]

JS_SUFFIXES = {".js": "javascript", ".cjs": "javascript", ".mjs": "javascript",
               ".jsx": "javascript", ".ts": "typescript", ".mts": "typescript",
               ".cts": "typescript", ".tsx": "tsx"}

#: Folders never walked: dependencies, VCS data, build output, caches. ``out`` is build
#: output only where a build writes (``is_build_output``); elsewhere (``src/out/``, the
#: outbound side of an app) it is a folder of source like any other.
SKIP_DIRS = frozenset({
    "node_modules", ".git", ".hg", ".svn", "dist", "build", "coverage", ".nyc_output",
    ".next", ".nuxt", ".output", "out", ".cache", "bower_components", "jspm_packages",
    ".turbo", ".vercel", ".serverless", ".yarn", ".pnpm-store",
    ".nodeharden_cache",  # check's result cache (_resultcache)
})
VENDOR_DIRS = frozenset({"vendor", "vendors", "third_party", "third-party"})
MAX_FILE_BYTES = 1_000_000

FileKind = Literal["js", "dockerfile", "workflow", "gitlab-ci", "eslint", "security-txt",
                   "package", "dotenv", "other"]

#: The environment files an app's dotenv loads in production (not ``.env.example`` and other
#: templates, whose values are placeholders).
DOTENV_NAMES = frozenset({".env", ".env.production", ".env.prod"})

ESLINT_NAMES = frozenset({
    "eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts",
    "eslint.config.mts", "eslint.config.cts", ".eslintrc", ".eslintrc.json", ".eslintrc.js",
    ".eslintrc.cjs", ".eslintrc.yml", ".eslintrc.yaml",
})


#: Files whose name starts like a Dockerfile's but are not one: BuildKit's ignore file of one
#: Dockerfile (``Dockerfile.dockerignore``), and code or notes about Dockerfiles.
_NOT_DOCKERFILE_SUFFIXES = (".dockerignore", ".md", ".txt", ".json", ".yml", ".yaml", ".sh",
                            ".py", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")


def is_dockerfile_name(name: str) -> bool:
    """Return True when a file named ``name`` is a Dockerfile, as the names are commonly
    written (any case): ``Dockerfile``, ``Dockerfile.prod``, ``dockerfile-captain.edge``,
    ``app.Dockerfile``."""
    lower = name.lower()
    if lower.endswith(_NOT_DOCKERFILE_SUFFIXES):
        return False
    return lower == "dockerfile" or lower.endswith(".dockerfile") or \
        lower.startswith(("dockerfile.", "dockerfile-"))


def classify(rel: str) -> FileKind | None:
    """Return what kind of file ``rel`` (a posix path from the root) is, or None to ignore it."""
    name = rel.rsplit("/", 1)[-1]
    if name == "package.json":
        return "package"
    if name in ESLINT_NAMES:
        return "eslint"
    lower = name.lower()
    if is_dockerfile_name(name):
        return "dockerfile"
    if rel.startswith(".github/workflows/") and lower.endswith((".yml", ".yaml")):
        return "workflow"
    if rel == ".gitlab-ci.yml":
        return "gitlab-ci"
    if rel.endswith(".well-known/security.txt"):
        return "security-txt"
    if name in DOTENV_NAMES:
        return "dotenv"
    suffix = os.path.splitext(name)[1]
    if suffix in JS_SUFFIXES and not name.endswith(".d.ts"):
        return "js"
    return None


class SourceFile(NamedTuple):
    """One file the rules will look at."""

    rel: str
    kind: FileKind
    size: int


class Skip(NamedTuple):
    """A file or folder that was not scanned, and why."""

    path: str
    reason: str


@record
class PackageJson:
    """The root package.json: parsed data plus the raw text for minimal edits."""

    path: Path
    text: str
    data: dict[str, Any]

    def dependencies(self) -> dict[str, str]:
        """Return runtime and development dependencies together."""
        deps: dict[str, str] = {}
        for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
            block = self.data.get(key)
            if isinstance(block, dict):
                deps.update({str(k): str(v) for k, v in block.items()})
        return deps


@record
class Project:
    """What nodeharden knows about the project before looking at any code."""

    root: Path
    package_json: PackageJson | None
    package_json_error: str | None
    module_system: ModuleSystem
    typescript: bool
    notes: list[str] = field(default_factory=list)
    #: What compiled TypeScript runs as (tsconfig ``module``); decides ``import.meta`` vs
    #: ``__dirname`` in code written into .ts files, whose source always uses import syntax.
    typescript_output: ModuleSystem = "commonjs"

    def has_dependency(self, name: str) -> bool:
        """Return True when package.json lists ``name`` in any dependency block."""
        return self.package_json is not None and name in self.package_json.dependencies()


def find_root(path: Path) -> tuple[Path, bool]:
    """Return the project root for ``path`` and whether a package.json marks it.

    The root is ``path`` itself when it holds a package.json, else the nearest ancestor that
    does, else ``path``.
    """
    if not path.exists():
        raise PathNotFoundError(f"path does not exist: {path}")
    if not path.is_dir():
        raise NotADirectoryError_(f"not a directory: {path} (give the project folder)")
    resolved = path.resolve()
    for candidate in (resolved, *resolved.parents):
        if (candidate / "package.json").is_file():
            return candidate, True
    return resolved, False


def load_project(path: Path) -> Project:
    """Build the project model for the folder ``path``."""
    root, marked = find_root(path)
    notes: list[str] = []
    package_json: PackageJson | None = None
    error: str | None = None
    if not marked:
        notes.append("no package.json found; scanning the folder anyway")
    else:
        pj_path = root / "package.json"
        try:
            text = pj_path.read_text(encoding="utf-8-sig")
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("the top level is not an object")
            package_json = PackageJson(pj_path, text, data)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            error = f"package.json is not valid JSON ({detail}); dependency facts are unknown"
            notes.append(error)
    module: ModuleSystem = "commonjs"
    if package_json is not None and package_json.data.get("type") == "module":
        module = "esm"
    typescript = (root / "tsconfig.json").is_file() or (
        package_json is not None and "typescript" in package_json.dependencies()
    )
    return Project(root, package_json, error, module, typescript, notes,
                   typescript_output=_typescript_output(root, module))


_TSCONFIG_MODULE_RE = lazy_pattern(r'"module"\s*:\s*"([^"]+)"', re.IGNORECASE)


def _typescript_output(root: Path, package_module: ModuleSystem) -> ModuleSystem:
    """Return the module system tsc emits, from tsconfig.json's ``compilerOptions.module``.

    tsconfig allows comments and trailing commas, so the one option is read with a pattern
    rather than a JSON parser. node16/nodenext (and an absent option) follow package.json.
    """
    try:
        text = (root / "tsconfig.json").read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return package_module
    match = _TSCONFIG_MODULE_RE.search(text)
    value = match.group(1).lower() if match else ""
    if value in ("commonjs", "umd", "amd"):
        return "commonjs"
    if value.startswith("es") or value == "preserve":
        return "esm"
    return package_module


class _GitIgnore(NamedTuple):
    """One ``.gitignore``: its pathspec, and for a file with negations (``!pattern``) the
    patterns themselves, matched as git does (see ``_gitignore_decision``)."""

    spec: Any
    #: The compiled patterns in file order (comments and blank lines left out).
    patterns: tuple[Any, ...] = ()
    #: Whether one of them is a negation.
    negates: bool = False
    #: Negations that name a ``node_modules`` folder or a path below it, cut after that
    #: folder (``!packages/node_modules/**/docs`` -> ``/packages/node_modules``), compiled.
    reincluded_node_modules: tuple[Any, ...] = ()
    #: With negations: matches a path some pattern matches itself (a quick "none does").
    itself: re.Pattern[str] | None = None


def _read_gitignore(directory: Path) -> _GitIgnore | None:
    path = directory / ".gitignore"
    if not path.is_file():
        return None
    import pathspec

    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    lines = text.splitlines()
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    patterns: tuple[Any, ...] = tuple(p for p in spec.patterns if p.include is not None)
    if "!" not in text:  # the common case: no negation, nothing more to work out
        return _GitIgnore(spec, patterns)
    if not any(p.include is False for p in patterns):
        return _GitIgnore(spec, patterns)
    # One regex that matches a path when any pattern matches the path itself: most paths
    # match none and need no pattern-by-pattern look. (Each pattern's regex is anchored at
    # the start; its own group names are dropped, they would clash in one alternation.)
    itself: re.Pattern[str] | None
    try:
        itself = re.compile("|".join(
            "(?:" + p.regex.pattern.replace("(?P<ps_d>", "(?:") + r")\Z" for p in patterns))
    except (re.error, AttributeError, TypeError):
        itself = None  # another pathspec's regexes: the pattern-by-pattern look alone
    reincluded: list[Any] = []
    if "node_modules" in text:
        for line in lines:
            prefix = _node_modules_prefix(line)
            if prefix is not None:
                reincluded.extend(p for p in pathspec.GitIgnoreSpec.from_lines([prefix]).patterns
                                  if p.include is not None)
    return _GitIgnore(spec, patterns, True, tuple(reincluded), itself)


def _node_modules_prefix(line: str) -> str | None:
    """Return the part of a negation ``line`` up to its ``node_modules`` folder, as a pattern
    that matches that folder (anchored where the line is), or None when the line is no
    negation naming a ``node_modules`` folder."""
    line = line.strip()
    if not line.startswith("!"):
        return None
    body = line[1:]
    parts = body.strip("/").split("/")
    if "node_modules" not in parts:
        return None
    cut = parts[:parts.index("node_modules") + 1]
    # A slash at the start or in the middle anchors a pattern to the .gitignore's folder.
    anchored = body.startswith("/") or "/" in body.rstrip("/")
    return ("/" if anchored else "") + "/".join(cut) + "/"


def _matches_itself(pattern: Any, probe: str) -> bool:
    """Return True when ``pattern`` matches the path ``probe`` itself, not only a folder
    above it (pathspec also matches everything below a matched folder; git does not)."""
    match = pattern.regex.match(probe)
    return match is not None and match.end() == len(probe)


def _gitignore_decision(ignore: _GitIgnore, probe: str, exact: bool) -> bool | None:
    """Return True (ignored), False (re-included by a negation) or None (no pattern
    matches) for ``probe``, a path relative to the .gitignore's folder (folders end in /).

    pathspec also matches every path below a matched folder. The walk never enters an
    ignored folder, so that is git's answer too, unless a negation re-included a folder
    (``exact``: some .gitignore in effect has one). Then, as git does, only patterns that
    match the path itself count, and the last one decides: ``!packages/node_modules``
    re-includes that folder, not ``packages/node_modules/x/node_modules``, which
    ``node_modules`` ignores again.
    """
    if not ignore.negates:
        if not ignore.spec.match_file(probe):
            return None
        if not exact or any(_matches_itself(p, probe) for p in ignore.patterns):
            return True
        return None
    if ignore.itself is not None and not ignore.itself.match(probe):
        return None
    for pattern in reversed(ignore.patterns):
        if _matches_itself(pattern, probe):
            return bool(pattern.include)
    return None


_TSCONFIG_OUT_DIR_RE = lazy_pattern(r'"outDir"\s*:\s*"([^"]+)"')


def is_build_output(root: str, parent: str, name: str) -> bool:
    """Return True when the folder ``name`` in the folder ``parent`` (both under ``root``,
    absolute paths) is one of ``SKIP_DIRS``. A folder named ``out`` is build output only where
    builds write it: at the root, next to a package.json or tsconfig.json (``next export``,
    a bundler's or tsc's default), or named by the ``outDir`` of a tsconfig.json above it.
    ``dist`` and ``build`` are skipped at any depth: a nested one in practice holds compiled
    vendor code or build tooling, and compiled output scanned beside its source would report
    every finding twice."""
    if name != "out":
        return name in SKIP_DIRS
    if os.path.normpath(parent) == os.path.normpath(root) or any(
            os.path.isfile(os.path.join(parent, marker))
            for marker in ("package.json", "tsconfig.json")):
        return True
    target = os.path.normpath(os.path.join(parent, name))
    folder = os.path.normpath(parent)
    top = os.path.normpath(root)
    while True:
        try:
            with open(os.path.join(folder, "tsconfig.json"), encoding="utf-8-sig") as handle:
                match = _TSCONFIG_OUT_DIR_RE.search(handle.read(200_000))
        except (OSError, UnicodeDecodeError):
            match = None
        if match and os.path.normpath(os.path.join(folder, match.group(1))) == target:
            return True
        if folder == top or os.path.dirname(folder) == folder:
            return False
        folder = os.path.dirname(folder)


def compiled_out_dirs(root: Path) -> dict[str, str]:
    """Return the folders (relative to ``root``) a TypeScript config of the project compiles
    into, each with that config (``{"backend": "server/tsconfig.server.json"}``): the
    ``outDir`` of a ``tsconfig*.json`` at the root or one folder down, inside the root and
    neither the config's own folder nor one above it. Ride The Lightning commits ``backend/``,
    what ``server/`` compiles to: scanned beside its source, every finding would be reported
    twice, on the copy ``tsc`` overwrites. (``out``, ``dist`` and ``build`` are skipped by
    name: ``is_build_output``.)"""
    found: dict[str, str] = {}
    folders = [root]
    try:
        folders += sorted(Path(e.path) for e in os.scandir(root) if e.is_dir(follow_symlinks=False)
                          and not e.name.startswith(".") and e.name not in SKIP_DIRS)
    except OSError:
        return found
    for folder in folders:
        try:
            configs = sorted(e.name for e in os.scandir(folder) if e.is_file()
                             and e.name.startswith("tsconfig") and e.name.endswith(".json"))
        except OSError:
            continue
        for name in configs:
            try:
                text = (folder / name).read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                continue
            match = _TSCONFIG_OUT_DIR_RE.search(text[:200_000])
            if not match:
                continue
            target = Path(os.path.normpath(folder / match.group(1)))
            if target == folder or target in folder.parents or not target.is_relative_to(root) \
                    or target == root or target.name in SKIP_DIRS or not target.is_dir():
                continue  # (`dist`, `build`: never walked anyway)
            # Output only where the config has the sources for it: no more JavaScript there
            # than the files it compiles (CryptPad compiles seven .ts files into www/common/,
            # beside two hundred of its own scripts: a folder of source).
            suffixes = _TS_SOURCES + (_JS_SOURCES if _ALLOW_JS_RE.search(text) else ())
            emitted = _count_files(target, _JS_SOURCES, None, _MAX_COUNTED)
            if _count_files(folder, suffixes, target, emitted) < emitted:
                continue
            rel = target.relative_to(root).as_posix()
            found.setdefault(rel, (folder / name).relative_to(root).as_posix())
    return found


_ALLOW_JS_RE = lazy_pattern(r'"allowJs"\s*:\s*true')
_TS_SOURCES = (".ts", ".tsx", ".mts", ".cts")
_JS_SOURCES = (".js", ".jsx", ".mjs", ".cjs")
#: Where counting the files of a folder stops (``compiled_out_dirs``).
_MAX_COUNTED = 5000


def _count_files(top: Path, suffixes: tuple[str, ...], skip: Path | None, enough: int) -> int:
    """Return how many files under ``top`` end in one of ``suffixes`` (not ``.d.ts``), outside
    ``skip``, build-output and dot folders, counting up to ``enough`` at most."""
    count = 0
    for folder, dirs, names in os.walk(top):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                   and (skip is None or Path(folder, d) != skip)]
        count += sum(1 for n in names if n.endswith(suffixes) and not n.endswith(".d.ts"))
        if count >= enough:
            return count
    return count


def files_with_suffix(root: str, suffixes: Collection[str],
                      max_bytes: int) -> Iterator[tuple[str, os.stat_result]]:
    """Yield (path, stat) of the files under ``root`` whose lower-cased extension is one of
    ``suffixes`` and that hold at most ``max_bytes``, outside ``SKIP_DIRS``, in sorted order.

    Not gitignore-aware: for rules that read the files around the code (views, front-end
    sources), which ``walk`` does not list."""
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not is_build_output(root, folder, d))
        for name in sorted(names):
            if os.path.splitext(name)[1].lower() not in suffixes:
                continue
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            if stat.st_size <= max_bytes:
                yield path, stat


def walk(root: Path, *, exclude: tuple[str, ...] = ()) -> tuple[list[SourceFile], list[Skip]]:
    """Return the files under ``root`` worth scanning and the ones skipped (with reasons).

    Honours ``.gitignore`` files (nested ones relative to their folder) and ``exclude``
    patterns (gitignore syntax, relative to the root). ``SKIP_DIRS`` are never entered (an
    ``out`` folder only where it is build output, ``is_build_output``), but for a
    ``node_modules`` folder a .gitignore re-includes by a negation (``_reincluded``). Never
    follows a directory symlink, so a
    symlink loop cannot trap the walk; a file symlink is followed only inside the root.
    """
    excluded = None
    if exclude:
        import pathspec  # only with patterns to match (about 15 ms of start-up)

        excluded = pathspec.GitIgnoreSpec.from_lines(exclude)
    files: list[SourceFile] = []
    skipped: list[Skip] = []
    root = root.resolve()
    compiled = compiled_out_dirs(root)
    # Each stack entry: (directory, rel prefix, list of (base rel, .gitignore)).
    stack: list[tuple[Path, str, list[tuple[str, _GitIgnore]]]] = [(root, "", [])]
    while stack:
        directory, prefix, specs = stack.pop()
        own = _read_gitignore(directory)
        if own is not None:
            specs = [*specs, (prefix, own)]
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Skip(prefix.rstrip("/") or ".", f"unreadable folder: {exc.strerror}"))
            continue
        subdirs: list[tuple[Path, str]] = []
        for entry in entries:
            rel = prefix + entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if _ignored(rel, is_dir, specs, excluded):
                continue
            if is_link:
                kind = classify(rel)
                target_dir = False
                try:
                    target = Path(entry.path).resolve(strict=True)
                    target_dir = target.is_dir()
                except (OSError, RuntimeError):
                    if kind is not None:
                        skipped.append(Skip(rel, "broken or looping symlink"))
                    continue
                if target_dir:
                    skipped.append(Skip(rel, "symlinked folder not followed"))
                    continue
                if kind is None:
                    continue
                if not target.is_relative_to(root):
                    skipped.append(Skip(rel, "symlink leaves the project root"))
                    continue
                # Scanned (and edited) once, as its target; the link stays a link.
                skipped.append(Skip(rel, "symlink to "
                                         f"{target.relative_to(root).as_posix()}"
                                         " (scanned as that file)"))
                continue
            if is_dir:
                if entry.name in SKIP_DIRS and not (
                        entry.name == "node_modules" and _reincluded(rel, specs)) and (
                        entry.name != "out" or is_build_output(str(root), str(directory),
                                                               "out")):
                    continue
                if entry.name in VENDOR_DIRS:
                    skipped.append(Skip(rel, "vendored code"))
                    continue
                if rel in compiled:
                    skipped.append(Skip(rel, f"build output ({compiled[rel]} compiles its "
                                             "TypeScript into this folder)"))
                    continue
                subdirs.append((Path(entry.path), rel + "/"))
                continue
            kind = classify(rel)
            if kind is None:
                continue
            try:
                if not entry.is_file():
                    skipped.append(Skip(rel, "not a regular file"))
                    continue
                size = entry.stat().st_size
            except OSError as exc:
                skipped.append(Skip(rel, f"unreadable: {exc.strerror}"))
                continue
            reason = _skip_reason(entry.name, kind, size)
            if reason:
                skipped.append(Skip(rel, reason))
                continue
            files.append(SourceFile(rel, kind, size))
        for sub in reversed(subdirs):
            stack.append((sub[0], sub[1], specs))
    files.sort(key=lambda f: f.rel)
    skipped.sort(key=lambda s: s.path)
    return files, skipped


def _ignored(rel: str, is_dir: bool, specs: list[tuple[str, _GitIgnore]],
             excluded: Any | None) -> bool:
    probe = rel + "/" if is_dir else rel
    if excluded is not None and excluded.match_file(probe):
        return True
    exact = any(ignore.negates for _, ignore in specs)
    # As git: a deeper .gitignore's pattern wins over a shallower one's.
    for base, ignore in reversed(specs):
        decision = _gitignore_decision(ignore, probe[len(base):], exact)
        if decision is not None:
            return decision
    return False


def _reincluded(rel: str, specs: list[tuple[str, _GitIgnore]]) -> bool:
    """Return True when a .gitignore in effect re-includes the ``node_modules`` folder
    ``rel`` by a negation naming it or a path below it (``!packages/node_modules``,
    ``!test/**/node_modules``, ``!node_modules/my-lib`` after ``node_modules/*``): git
    tracks it, so it holds the project's own code, not installed dependencies."""
    probe = rel + "/"
    return any(_matches_itself(pattern, probe[len(base):])
               for base, ignore in specs for pattern in ignore.reincluded_node_modules)


def _skip_reason(name: str, kind: FileKind, size: int) -> str | None:
    if kind == "js":
        if ".min." in name or name.endswith(("-min.js", ".bundle.js")):
            return "minified file"
    if size > MAX_FILE_BYTES:
        return f"larger than {MAX_FILE_BYTES // 1_000_000} MB"
    return None


def decode_source(data: bytes) -> str | None:
    """Return why ``data`` cannot be scanned as text, or None when it can."""
    head = data[:8192]
    if b"\x00" in head:
        return "binary file"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    return None


#: A JSONC token: a string (kept) or a comment (dropped: `// "checkJs": true` sets nothing).
_JSONC_TOKEN_RE = lazy_pattern(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_CHECK_JS_RE = lazy_pattern(r'"checkJs"\s*:\s*(true|false)')
_EXTENDS_RE = lazy_pattern(r'"extends"\s*:\s*"(\.{1,2}/[^"]+)"')


def js_configs(root: Path, folders: Collection[str]) -> tuple[tuple[str, bool], ...]:
    """Return (folder, checkJs) for each of ``folders`` (from the root, "" for the root) that
    holds a tsconfig.json or jsconfig.json: whether it has ``tsc`` check JavaScript
    (``checkJs: true``, itself or through a config it extends by a relative path)."""
    found = []
    for folder in sorted(set(folders)):
        configs = [root / folder / name for name in ("tsconfig.json", "jsconfig.json")
                   if (root / folder / name).is_file()]
        if configs:
            found.append((folder, any(_check_js(config) for config in configs)))
    return tuple(found)


def _check_js(config: Path, depth: int = 0) -> bool:
    """Return the ``checkJs`` a tsconfig/jsconfig sets, itself or through the configs it
    extends by a relative path; False when unreadable or unset."""
    try:
        raw = config.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    data = _JSONC_TOKEN_RE.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", raw)
    match = _CHECK_JS_RE.search(data)
    if match:
        return match.group(1) == "true"
    parent = _EXTENDS_RE.search(data)
    if parent is None or depth >= 5:
        return False
    target = config.parent / parent.group(1)
    if not target.is_file() and target.with_name(target.name + ".json").is_file():
        target = target.with_name(target.name + ".json")
    return _check_js(target, depth + 1)


def repository_top(root: Path) -> Path | None:
    """Return the top folder of the git work tree holding ``root`` (the nearest folder at or
    above it with a ``.git`` entry, a folder or a submodule's file), or None outside git."""
    for candidate in (root, *root.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def folders_up_to_top(root: Path) -> list[Path]:
    """Return ``root`` and the folders above it up to the top of its git work tree, nearest
    first; ``root`` alone outside git (a folder above an unversioned project is not its)."""
    top = repository_top(root)
    if top is None or top == root:
        return [root]
    return [root, *root.parents[:len(root.relative_to(top).parts)]]


#: Lockfiles and the package manager that writes each, in the order one folder is read.
MANAGER_LOCKFILES = (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("bun.lockb", "bun"),
                     ("bun.lock", "bun"), ("package-lock.json", "npm"),
                     ("npm-shrinkwrap.json", "npm"))


class PackageManagerFacts(NamedTuple):
    """The package manager that installs the project, and where it installs from."""

    name: str  # npm, yarn, pnpm or bun
    #: The lockfile it writes, relative to the root (``../../pnpm-lock.yaml`` in a workspace),
    #: whether or not it exists; None when nothing names one (npm's default then).
    lockfile: str | None = None
    #: The folder an install runs in, relative to the root: "" for the root itself, ``../..``
    #: for the root of a workspace the project is a package of.
    install_dir: str = ""
    #: What said so (``../../pnpm-workspace.yaml``, ``packageManager pnpm@9``), "" by default.
    source: str = ""


def _read_json_object(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _workspace_globs(folder: Path, manifest: dict[str, Any] | None) -> list[str] | None:
    """Return the package globs of a workspace rooted at ``folder`` (pnpm-workspace.yaml's
    ``packages``, package.json ``workspaces`` as a list or ``{packages: [...]}``), or None
    when ``folder`` is no workspace root."""
    pnpm = folder / "pnpm-workspace.yaml"
    if pnpm.is_file():
        try:
            text = pnpm.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        globs = re.findall(r"""^\s*-\s*['"]?([^'"#\n]+?)['"]?\s*(?:#.*)?$""", text,
                           re.MULTILINE)
        return globs or ["**"]  # pnpm: no list means every package below
    declared = (manifest or {}).get("workspaces")
    if isinstance(declared, dict):
        declared = declared.get("packages")
    if isinstance(declared, list):
        return [g for g in declared if isinstance(g, str)]
    return None


def _glob_matches(glob: str, rel: str) -> bool:
    """Return True when the workspace glob ``glob`` (``packages/*``, ``apps/**``) names the
    folder ``rel`` (posix, from the workspace root): ``*`` within one folder name, ``**``
    across any number of them."""
    import fnmatch

    want = [p for p in glob.strip().lstrip("./").rstrip("/").split("/") if p]
    have = [p for p in rel.split("/") if p]

    def match(i: int, j: int) -> bool:
        if i == len(want):
            return j == len(have)
        if want[i] == "**":
            return any(match(i + 1, k) for k in range(j, len(have) + 1))
        return j < len(have) and fnmatch.fnmatchcase(have[j], want[i]) and match(i + 1, j + 1)

    return match(0, 0)


def _member_of(globs: list[str], rel: str) -> bool:
    included = False
    for glob in globs:
        if glob.startswith("!"):
            if _glob_matches(glob[1:], rel):
                included = False
        elif _glob_matches(glob, rel):
            included = True
    return included


def _declared_manager(manifest: dict[str, Any] | None) -> str | None:
    declared = (manifest or {}).get("packageManager")
    if isinstance(declared, str) and "@" in declared:
        name = declared.split("@", 1)[0]
        if name in ("npm", "yarn", "pnpm", "bun"):
            return name
    return None


def find_package_manager(root: Path, package_json: dict[str, Any] | None
                         ) -> PackageManagerFacts:
    """Return the package manager of the project at ``root``.

    The root decides first: its lockfile, then its package.json ``packageManager``. A root
    that names neither may be a package of a workspace above it (up to the top of its git
    work tree): a pnpm-workspace.yaml or package.json ``workspaces`` there that lists the
    root's folder makes that folder the place installs run from (a pnpm workspace resolves
    ``workspace:`` ranges, which npm refuses), and its lockfile, ``packageManager`` or
    workspace file names the manager. Without either, npm."""
    for lockfile, manager in MANAGER_LOCKFILES:
        if (root / lockfile).is_file():
            return PackageManagerFacts(manager, lockfile, "", lockfile)
    declared = _declared_manager(package_json)
    if declared:
        return PackageManagerFacts(declared, _default_lockfile(declared), "",
                                   f"packageManager {package_json.get('packageManager')}"
                                   if package_json else "")
    if (root / "pnpm-workspace.yaml").is_file():
        return PackageManagerFacts("pnpm", "pnpm-lock.yaml", "", "pnpm-workspace.yaml")
    above = _workspace_above(root)
    if above is not None:
        depth, folder, manifest = above
        up = "/".join([".."] * depth)
        for lockfile, manager in MANAGER_LOCKFILES:
            if (folder / lockfile).is_file():
                return PackageManagerFacts(manager, f"{up}/{lockfile}", up, f"{up}/{lockfile}")
        declared = _declared_manager(manifest)
        if declared:
            return PackageManagerFacts(declared, f"{up}/{_default_lockfile(declared)}", up,
                                       f"{up}/package.json packageManager")
        if (folder / "pnpm-workspace.yaml").is_file():
            return PackageManagerFacts("pnpm", f"{up}/pnpm-lock.yaml", up,
                                       f"{up}/pnpm-workspace.yaml")
        return PackageManagerFacts("npm", f"{up}/package-lock.json", up,
                                   f"{up}/package.json workspaces")
    return PackageManagerFacts("npm")


def workspace_declared(folder: Path) -> dict[str, dict[str, str]]:
    """Return the dependency blocks (``dependencies``, ``devDependencies``) of the nearest
    workspace root above ``folder`` that lists it as a package (pnpm-workspace.yaml or
    package.json ``workspaces``, up to the top of the git work tree), ``{}`` when there is
    none. An install there puts those packages in its node_modules, which Node's resolution
    reaches from every package below: the package can ``require`` them undeclared."""
    above = _workspace_above(folder)
    if above is None:
        return {}
    manifest = above[2] or {}
    return {block: {name: spec for name, spec in declared.items() if isinstance(spec, str)}
            for block in ("dependencies", "devDependencies")
            if isinstance(declared := manifest.get(block), dict)}


def _workspace_above(folder: Path) -> tuple[int, Path, dict[str, Any] | None] | None:
    """Return the nearest workspace root above ``folder`` (up to the top of its git work tree)
    whose pnpm-workspace.yaml or package.json ``workspaces`` lists it as a package: how many
    folders up, the folder, and its package.json object (None when missing or invalid)."""
    for depth, parent in enumerate(folders_up_to_top(folder)[1:], start=1):
        manifest = _read_json_object(parent / "package.json")
        globs = _workspace_globs(parent, manifest)
        if globs is not None and _member_of(globs, folder.relative_to(parent).as_posix()):
            return depth, parent, manifest
    return None


def yarn_lockfile_major(lock: bytes) -> int | None:
    """Return 2 for a Yarn 2+ lockfile (a ``__metadata`` block in its first 4 KB), 1 for Yarn
    1's (its ``# yarn lockfile v1`` header and no such block), None when it says neither."""
    head = lock[:4096]
    if re.search(rb"(?m)^__metadata:", head):
        return 2
    if re.search(rb"(?m)^# yarn lockfile v1\s*$", head):
        return 1
    return None


def _default_lockfile(manager: str) -> str:
    return {"pnpm": "pnpm-lock.yaml", "yarn": "yarn.lock", "bun": "bun.lock"}.get(
        manager, "package-lock.json")


#: Manifests package.json can be generated from (or, for pnpm, read instead of it).
MANIFEST_SOURCES = ("package.yaml", "package.yml", "package.json5")


def manifest_source(folder: Path) -> str | None:
    """Return the name of the file in ``folder`` a Node package's manifest is written in
    instead of package.json (``package.yaml``, ``package.json5``: the project generates
    package.json from it, or pnpm reads it directly), or None. A package.yaml counts only
    when it reads like a Node manifest (a ``dependencies``, ``devDependencies`` or
    ``scripts`` mapping, or a ``main``): Haskell's hpack also writes package.yaml, with
    ``dependencies`` as a list."""
    for name in MANIFEST_SOURCES:
        path = folder / name
        if not path.is_file():
            continue
        if name == "package.json5":
            return name
        from ruamel.yaml import YAML

        try:
            data = YAML(typ="safe").load(path.read_text(encoding="utf-8", errors="replace"))
        except Exception:  # noqa: BLE001 - ruamel raises assorted errors on odd documents
            data = None
        if isinstance(data, dict) and (
                any(isinstance(data.get(key), dict)
                    for key in ("dependencies", "devDependencies", "scripts"))
                or isinstance(data.get("main"), str)):
            return name
    return None
