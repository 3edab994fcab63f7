"""What starts each server file of a project, and which servers only development or the
tests start.

A local preview server that ``npm run dev`` keeps restarting under nodemon, or a mock server
that CI starts in the background before its end-to-end tests, serves its developer or the test
suite, never users: helmet, a rate limit or a final error handler are production hardening and
belong to the app that production runs. The evidence is what the project says starts each file:
package.json scripts (by their names, by the commands they run, and by who runs them: other
scripts, CI steps, a Playwright ``webServer``), and the files that start the app in production
(a ``Procfile``, Dockerfiles, compose and pm2 files, shell scripts, package.json ``main``).

A server is given a role only when all of this holds:

- some script names it, and every script that names it is a development or test script;
- the project shows how production starts (a ``start`` script, a deploy file, ``main``), and that
  start runs neither this file nor a file that may be built from it (``dist/index.js`` for
  ``src/index.ts``);
- no application file imports it.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Collection, Iterable
from functools import cached_property
from typing import Any

from nodeharden._deployment import ECOSYSTEM_NAMES, job_deploys
from nodeharden._project import JS_SUFFIXES
from nodeharden._regex import lazy_pattern
from nodeharden._roles import RoleOf, imported_modules, package_of

Read = Callable[[str], bytes | None]

#: Words of a script's name (split at ``:``, ``-``, ``_``, ``.`` and camelCase humps) that make
#: it a development or a test script: ``dev``, ``server:watch``, ``start:local``,
#: ``test:e2e``, ``start:mock-server``, ``cy:serve``.
_DEV_WORDS = frozenset({"dev", "develop", "development", "watch", "debug", "local", "hot",
                        "storybook"})
_TEST_WORDS = frozenset({"test", "tests", "testing", "e2e", "spec", "cypress", "cy",
                         "playwright", "mock", "mocks", "ci"})
#: Words of a script's name that make it the production start, whatever it runs: ``start``
#: itself is what ``npm start`` and the hosting platforms run (``"start": "nodemon app.js"``
#: deployed to a platform is production).
_PROD_WORDS = frozenset({"prod", "production"})
_NAME_WORD_RE = lazy_pattern(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")
#: A command that runs a file under a watcher that restarts it on every edit: a developer's
#: loop, never how production runs.
_WATCHER_RE = lazy_pattern(
    r"(?:^|[\s/\"'=])(nodemon|node-dev|ts-node-dev|tsnd|node-supervisor|supervisor)"
    r"(?=$|[\s\"'])|(?:^|\s)(--watch|--hot)(?=$|[\s=])|\b(tsx\s+watch)\b")
#: A command that runs a JavaScript file (what follows, up to the end of the command, is read
#: for the files it names).
_RUNNER_RE = lazy_pattern(
    r"(?:^|[\s/\"'=])(?:node|nodejs|bun|deno|ts-node|tsx|babel-node|nodemon|node-dev"
    r"|ts-node-dev|pm2-runtime|pm2\s+start|forever\s+start)(?=$|[\s\"'])")
_COMMAND_SPLIT_RE = lazy_pattern(r"&&|\|\||;|\||&|\n")
_FILE_TOKEN_RE = lazy_pattern(r"[\w@.$/-]+\.[cm]?[jt]sx?(?![\w.-])|[\w@.$-]+(?:/[\w@.$-]+)+")
#: Folders build tools write compiled code to: a start that runs a file there runs output
#: that may be built from any source file.
_OUTPUT_DIRS = frozenset({"dist", "build", "out", "lib", "output", ".output", ".build",
                          "compiled", "bundle"})
#: A compose file (``docker-compose.yml``, ``compose.prod.yaml``).
_COMPOSE_RE = lazy_pattern(r"^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$")
#: Files besides package.json that start processes: run as they are, by a person or a
#: platform, so whatever they start is taken as production.
_START_FILE_RE = lazy_pattern(r"^(?:Procfile|Makefile|[\w.-]+\.sh)$")
#: Configs of end-to-end test runners, whose ``webServer`` starts a server for the tests.
_TEST_CONFIG_RE = lazy_pattern(r"^(?:playwright(?:-ct)?|cypress|wdio)\.config\.[cm]?[jt]s$")
#: webpack configs, whose ``devServer`` block may load a file of the project into
#: webpack-dev-server (``before: require('./server/dev')``, ``setupMiddlewares``).
_WEBPACK_CONFIG_RE = lazy_pattern(
    r"^webpack(?:\.[\w-]+)*\.config\.[cm]?[jt]s$|^webpack\.[\w-]+\.[cm]?[jt]s$")
_DEV_SERVER_RE = lazy_pattern(r"\bdevServer\s*:\s*\{")
_BOUND_REQUIRE_RE = lazy_pattern(
    r"(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*(['\"])([^'\"]+)\2\s*\)"
    r"|import\s+([A-Za-z_$][\w$]*)\s+from\s*(['\"])([^'\"]+)\5")


def _name_words(name: str) -> set[str]:
    """Return the lower-case words of a script's or a file's name."""
    return {word.lower() for word in _NAME_WORD_RE.findall(name)}


def _runs_script(name: str) -> re.Pattern[str]:
    """Return a pattern for a command that runs the package.json script ``name``: ``npm run
    name``, ``yarn name``, ``npm start``/``npm test``, ``npm:name`` (concurrently), or the name
    among the arguments of ``run-s``/``run-p``/``npm-run-all``/``start-server-and-test``."""
    word = re.escape(name)
    return re.compile(
        rf"(?:\b(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+)?|\bnpm:){word}(?![\w:.-])"
        rf"|\b(?:run-s|run-p|npm-run-all|start-server-and-test|server-test)\b[^&|;\n]*?"
        rf"(?<![\w:.-]){word}(?![\w:.-])")


def _names_file(rel: str, folder: str) -> re.Pattern[str]:
    """Return a pattern for a command that names the file ``rel`` as a path from ``folder``
    (a package's folder, ``""`` for the root): ``server/static.ts``, ``./server/static``, the
    stem with any JavaScript extension (``server/static.js`` for ``server/static.ts``, as
    TypeScript's ESM loaders take it), or the folder of an ``index`` file after a runner
    (``node server``). A file in the folder itself is named
    only with an extension or after a runner: the bare word ``server`` is no path."""
    path = posixpath.relpath(rel, folder) if folder else rel
    stem = posixpath.splitext(path)[0]
    ext = r"(?:\.[cm]?[jt]sx?)" + ("?" if "/" in stem else "")
    forms = [rf"(?<![\w./@:-])(?:\./)?{re.escape(stem)}{ext}(?![\w./:-])"]
    runner = (r"\b(?:node|nodejs|bun|ts-node|tsx|babel-node|nodemon|node-dev|ts-node-dev)"
              r"\s+(?:-\S+\s+)*(?:\./)?")
    if "/" not in stem:
        forms.append(rf"{runner}{re.escape(stem)}(?![\w./:-])")
    if posixpath.basename(stem) == "index" and "/" in stem:
        forms.append(rf"{runner}{re.escape(posixpath.dirname(stem))}/?(?![\w./:-])")
    return re.compile("|".join(forms))


def _started_files(command: str) -> list[str]:
    """Return the paths a command runs with node, a TypeScript runner or a process manager."""
    found: list[str] = []
    for part in _COMMAND_SPLIT_RE.split(command):
        runner = _RUNNER_RE.search(part)
        if runner is not None:
            found += [token.removeprefix("./")
                      for token in _FILE_TOKEN_RE.findall(part[runner.end():])]
    return found


class _Package:
    """One package.json: its folder, scripts and ``main``."""

    def __init__(self, folder: str, data: dict[str, Any]) -> None:
        self.folder = folder
        block = data.get("scripts")
        self.scripts = {str(k): str(v) for k, v in block.items()} \
            if isinstance(block, dict) else {}
        main = data.get("main")
        self.main = main if isinstance(main, str) else ""


class Starters:
    """Who starts what in one project: its packages' scripts, its CI jobs, its test runners'
    configs and its production start files, read once."""

    def __init__(self, packages: dict[str, _Package],
                 load: Callable[[], tuple[dict[str, str], list[tuple[str, str, str]]]],
                 scanned: Collection[str],
                 dev_server_blocks: Callable[[], list[tuple[str, str, str]]]) -> None:
        self.packages = packages
        self._load = load
        self._dev_server_blocks = dev_server_blocks
        self.scanned = scanned
        self._kinds: dict[tuple[str, str], tuple[str, str]] = {}
        self._production: dict[str, tuple[set[str], list[str]]] = {}

    @cached_property
    def _files(self) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
        """Read the start files and the runners, once, when a script names a server (most
        projects' servers are named by no script, and their CI files are never parsed)."""
        return self._load()

    @property
    def start_files(self) -> dict[str, str]:
        """Return path → text of every file that starts processes as production would
        (``Procfile``, Dockerfiles, compose and pm2 files, Makefiles, shell scripts not named
        for development or tests)."""
        return self._files[0]

    @property
    def runners(self) -> list[tuple[str, str, str]]:
        """Return ``(path, kind, text)`` of the other files that run scripts or servers: CI
        jobs (``test`` for a job of a hosted runner that deploys nothing: what it starts
        serves the steps after it and stops with it; ``prod`` for any other), Playwright,
        Cypress and WebdriverIO configs (``test``), shell scripts and foreman files
        (``Procfile.dev``) named for development or tests, and foreman files named for
        neither (kind ``""``: what the scripts that start them are)."""
        return self._files[1]

    def production(self, package: _Package) -> tuple[set[str], list[str]]:
        """Return the scripts production runs in ``package`` (``start``, those named for
        production, those a production start file runs, and every script they run, through
        foreman files too) and the texts of the foreman files among them."""
        if package.folder in self._production:
            return self._production[package.folder]
        todo = [name for name in package.scripts if name == "start"
                or _name_words(name) & _PROD_WORDS
                or any(_runs_script(name).search(text) for text in self.start_files.values())]
        found: set[str] = set()
        texts: list[str] = []
        while todo:
            name = todo.pop()
            if name in found:
                continue
            found.add(name)
            command = package.scripts.get(name, "")
            run = [command]
            for path, kind, text in self.runners:
                if kind == "" and re.search(rf"(?<![\w.-]){re.escape(posixpath.basename(path))}"
                                            r"(?![\w.-])", command):
                    run.append(text)
                    texts.append(text)
            todo += [other for other in package.scripts if other not in found
                     and any(_runs_script(other).search(text) for text in run)]
        self._production[package.folder] = (found, texts)
        return found, texts

    def script_kind(self, package: _Package, name: str,
                    seen: frozenset[tuple[str, str]] = frozenset()) -> tuple[str, str]:
        """Return ``("prod" | "dev" | "test", why)`` for a script of ``package``: production
        when production runs it (``production``); development or test by its name's words,
        or development when it runs under a watcher; else what every script, CI job, test
        config and other file that runs it is (production when none does: a script a person
        runs may be how production starts)."""
        key = (package.folder, name)
        if key in self._kinds:
            return self._kinds[key]
        if key in seen:
            return ("prod", "")  # scripts that run each other in a circle: unknown
        words = _name_words(name)
        command = package.scripts.get(name, "")
        kind: tuple[str, str]
        if name in self.production(package)[0]:
            kind = ("prod", "")
        elif words & _TEST_WORDS:
            kind = ("test", f"the test script {name!r}")
        elif words & _DEV_WORDS:
            kind = ("dev", f"the development script {name!r}")
        elif (watcher := _WATCHER_RE.search(command)) is not None:
            tool = next(group for group in watcher.groups() if group)
            kind = ("dev", f"the script {name!r}, which runs it under {tool}")
        else:
            runs = _runs_script(name)
            runners = [self.script_kind(package, other, seen | {key})
                       for other, text in package.scripts.items()
                       if other != name and runs.search(text)]
            runners += [self._file_kind(package, path, role, seen | {key})
                        for path, role, text in self.runners if runs.search(text)]
            kind = _all_of(runners, f"the script {name!r}", "run")
        self._kinds[key] = kind
        return kind

    def _file_kind(self, package: _Package, path: str, kind: str,
                   seen: frozenset[tuple[str, str]]) -> tuple[str, str]:
        """Return ``(kind, path)`` for a file that runs a script; a foreman file named for
        neither development nor tests is what the scripts that start it are."""
        if kind:
            return (kind, path)
        name = re.compile(rf"(?<![\w.-]){re.escape(posixpath.basename(path))}(?![\w.-])")
        kinds = [self.script_kind(package, other, seen) for other, command
                 in package.scripts.items() if name.search(command)]
        return (_all_of(kinds, "", "")[0], path)

    @cached_property
    def dev_server_blocks(self) -> list[tuple[str, str, str]]:
        """Return ``(config, folder, block)`` for each webpack config's ``devServer`` block,
        with the modules the config binds to names replaced by their paths in it (read when
        a server is named by no script)."""
        return self._dev_server_blocks()

    def server_role(self, rel: str) -> RoleOf | None:
        """Return the role of the server file ``rel`` when only development or tests start
        it and production starts something else (see the module docstring), else None."""
        package = self.packages.get(package_of(rel, list(self.packages)))
        if package is None:
            return None
        named = _names_file(rel, package.folder)
        kinds = [self.script_kind(package, name)
                 for name, command in package.scripts.items() if named.search(command)]
        if not kinds:
            # A file a webpack config's `devServer` block loads into webpack-dev-server
            # (`before: require('./server/bin/dev')`): the development server's own routes.
            hooks = [config for config, folder, block in self.dev_server_blocks
                     if _names_file(rel, folder).search(block)]
            if hooks and self._production_elsewhere(rel, package):
                return RoleOf("dev", "a development server: webpack-dev-server loads it "
                              f"({hooks[0]}'s devServer)")
            return None
        kinds += [self._file_kind(package, path, role, frozenset())
                  for path, role, text in self.runners if named.search(text)]
        kind, why = _all_of(kinds, "", "")
        if kind == "prod" or not self._production_elsewhere(rel, package):
            return None
        label = "a development server" if kind == "dev" else "a server for the tests"
        return RoleOf(kind, f"{label}, started only by {why}")  # type: ignore[arg-type]

    def _main(self, package: _Package) -> str:
        """Return ``package``'s ``main`` when it names one of the project's JavaScript files or
        a file a build writes (``dist/index.js``), else "": ``npm init`` writes
        ``"main": "index.js"`` into projects that have no such file, which start nothing."""
        main = package.main.removeprefix("./")
        if not main:
            return ""
        full = posixpath.normpath(posixpath.join(package.folder, main))
        if _OUTPUT_DIRS & set(full.split("/")[:-1]):
            return main
        stem = posixpath.splitext(full)[0] if posixpath.splitext(full)[1] in JS_SUFFIXES \
            else full
        candidates = {full, *(stem + suffix for suffix in JS_SUFFIXES),
                      *(posixpath.join(full, "index" + suffix) for suffix in JS_SUFFIXES)}
        return main if candidates & set(self.scanned) else ""

    def _production_elsewhere(self, rel: str, package: _Package) -> bool:
        """Return True when the project shows how production starts (a script production
        runs, a production start file, ``main``) and none of it runs ``rel`` or a file that
        may be compiled from it."""
        scripts, foreman = self.production(package)
        commands = [package.scripts[name] for name in sorted(scripts) if name in package.scripts]
        commands += [*foreman, *self.start_files.values()]
        main = self._main(package)
        if not commands and not main:
            return False
        named = [_names_file(rel, package.folder), _names_file(rel, "")]
        if any(pattern.search(text) for pattern in named for text in commands):
            return False
        stem = posixpath.basename(posixpath.splitext(rel)[0])
        started = [path for command in commands for path in _started_files(command)]
        if main:
            started.append(main)
        for path in started:
            full = posixpath.normpath(posixpath.join(package.folder, path))
            if full == rel or full in self.scanned:
                continue  # another of the project's own files: not output of this one
            parts = full.split("/")
            if posixpath.basename(posixpath.splitext(full)[0]) == stem \
                    or _OUTPUT_DIRS & set(parts[:-1]):
                return False
        return True


def _all_of(kinds: list[tuple[str, str]], subject: str, verb: str) -> tuple[str, str]:
    """Return what a script or a server is when ``kinds`` (``(kind, who)`` of everything that
    runs it) are all development or test: test when all are, else development; production
    when any is, or when nothing runs it. ``why`` names who runs it."""
    if not kinds or any(kind == "prod" for kind, _ in kinds):
        return ("prod", "")
    who = ", ".join(dict.fromkeys(who for _, who in kinds if who))
    kind = "test" if all(kind == "test" for kind, _ in kinds) else "dev"
    return (kind, f"{subject}, {verb} only by {who}" if subject else who)


def read_starters(files: Iterable[tuple[str, str]], read: Read,
                  listed: Callable[[str], list[str]], scanned: Collection[str]) -> Starters:
    """Return the project's ``Starters``: ``files`` are the walked ``(path, kind)`` pairs
    (``package``, ``dockerfile``, ``workflow``, ``gitlab-ci``…), ``listed(folder)`` the names
    of the files in a folder of the project (empty for folders not worth reading),
    ``scanned`` the project's JavaScript files."""
    packages: dict[str, _Package] = {}
    others: list[tuple[str, str]] = []

    def text_of(rel: str) -> str:
        return (read(rel) or b"").decode("utf-8", "replace")

    for rel, kind in files:
        if kind == "package":
            try:
                data = json.loads(text_of(rel))
            except ValueError:
                continue
            if isinstance(data, dict):
                packages[posixpath.dirname(rel)] = _Package(posixpath.dirname(rel), data)
        elif kind in ("dockerfile", "workflow", "gitlab-ci"):
            others.append((rel, kind))

    def load() -> tuple[dict[str, str], list[tuple[str, str, str]]]:
        start_files: dict[str, str] = {}
        runners: list[tuple[str, str, str]] = []
        for rel, kind in others:
            if kind == "dockerfile":
                start_files[rel] = text_of(rel)
            elif kind == "workflow":
                runners += _workflow_jobs(rel, text_of(rel))
            else:
                runners.append((rel, "prod", text_of(rel)))
        for folder in packages:
            for sub in (folder, posixpath.join(folder, "bin"),
                        posixpath.join(folder, "scripts")):
                for name in listed(sub.strip("/")):
                    rel = posixpath.join(sub, name).strip("/")
                    words = _name_words(name.partition(".")[2] if name.startswith("Procfile.")
                                        else posixpath.splitext(name)[0])
                    kind = "test" if words & _TEST_WORDS else "dev" if words & _DEV_WORDS \
                        else ""
                    if name.startswith("Procfile."):  # foreman's: `nf -j Procfile.dev start`
                        runners.append((rel, kind, text_of(rel)))
                    elif _START_FILE_RE.match(name) or _COMPOSE_RE.match(name) \
                            or name in ECOSYSTEM_NAMES:
                        if kind and name.endswith(".sh"):
                            runners.append((rel, kind, text_of(rel)))
                        else:
                            start_files[rel] = text_of(rel)
                    elif sub == folder and _TEST_CONFIG_RE.match(name):
                        runners.append((rel, "test", text_of(rel)))
        return start_files, runners

    def dev_server_blocks() -> list[tuple[str, str, str]]:
        found = []
        for folder in packages:
            for name in listed(folder):
                if _WEBPACK_CONFIG_RE.match(name):
                    rel = posixpath.join(folder, name)
                    found += [(rel, folder, block) for block in _dev_server_blocks(text_of(rel))]
        return found

    return Starters(packages, load, scanned, dev_server_blocks)


def _dev_server_blocks(text: str) -> list[str]:
    """Return the text of each ``devServer: {…}`` object of a webpack config (to its closing
    brace, ``_snippets.closing_bracket``; comments not told apart: a hint, read only for the
    files it names), with each name the config binds to a required or imported module
    followed by that module's path (``before: devApi`` reads as ``before: devApi
    './server/dev'``)."""
    from nodeharden._snippets import closing_bracket

    bound = {m.group(1) or m.group(4): m.group(3) or m.group(6)
             for m in _BOUND_REQUIRE_RE.finditer(text)}
    names = re.compile(r"(?<![\w$.])(" + "|".join(map(re.escape, bound)) + r")(?![\w$])") \
        if bound else None
    blocks = []
    for match in _DEV_SERVER_RE.finditer(text):
        close = closing_bracket(text, match.end() - 1)
        block = text[match.start():close + 1 if close != -1 else len(text)]
        if names is not None:
            block = names.sub(lambda m: f"{m.group(1)} '{bound[m.group(1)]}'", block)
        blocks.append(block)
    return blocks


def _workflow_jobs(rel: str, text: str) -> list[tuple[str, str, str]]:
    """Return ``(rel, kind, commands)`` for each job of a GitHub Actions workflow: ``test``
    for a job on a hosted runner that deploys nothing, ``prod`` otherwise (a file that does
    not parse is one ``prod`` entry: what it runs is unknown)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(text)
    except (YAMLError, ValueError):
        return [(rel, "prod", text)]
    jobs = data.get("jobs") if isinstance(data, dict) else None
    if not isinstance(jobs, dict):
        return [(rel, "prod", text)]
    found = []
    for job_id, job in jobs.items():
        if not isinstance(job, dict):
            continue
        steps = job.get("steps")
        runs = "\n".join(str(step.get("run", "")) for step in
                         (steps if isinstance(steps, list) else []) if isinstance(step, dict))
        hosted = "self-hosted" not in json.dumps(job.get("runs-on", ""))
        kind = "test" if hosted and not job_deploys(str(job_id), job) else "prod"
        found.append((rel, kind, runs))
    return found


def server_roles(servers: list[str], starters: Starters,
                 imports_of: Callable[[], dict[str, set[str]]]) -> dict[str, RoleOf]:
    """Return the role of each server file of ``servers`` that only development or tests
    start (rel → role), unless a file that keeps its role imports it: ``imports_of()`` maps
    each scanned application file to the project files it imports (a development server that
    imports the production one leaves it production; one imported by an app file is part of
    that app's program)."""
    found = {rel: role for rel in servers if (role := starters.server_role(rel)) is not None}
    imports = imports_of() if found else {}
    while True:
        kept = {rel for rel in found if any(rel in modules for importer, modules in
                                            imports.items() if importer not in found)}
        if not kept:
            return found
        for rel in kept:
            del found[rel]


def local_imports(rel: str, source: bytes, scanned: Collection[str]) -> set[str]:
    """Return the scanned project files ``rel`` imports (relative specifiers, resolved as a
    path with or without a JavaScript extension, or a folder's ``index``)."""
    found: set[str] = set()
    for module in imported_modules(source):
        if not module.startswith("."):
            continue
        base = posixpath.normpath(posixpath.join(posixpath.dirname(rel), module))
        stem = re.sub(r"\.[cm]?[jt]sx?$", "", base)
        for candidate in (base, *(stem + ext for ext in (".js", ".ts", ".mjs", ".cjs", ".mts",
                                                         ".cts", ".jsx", ".tsx")),
                          *(f"{base}/index{ext}" for ext in (".js", ".ts", ".mjs", ".cjs"))):
            if candidate in scanned:
                found.add(candidate)
                break
    return found
