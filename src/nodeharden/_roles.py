"""File roles: which files are the application, and which are tests, examples, tooling,
browser code or generated output.

A rule that reads one file at a time cannot tell a test from a route, or a front-end
``api.post('/api/signin', body)`` from an Express registration. The project model answers once,
for every rule: files whose role is not ``app`` are left out of the scan (listed as skipped with
their role) unless the user opts in with ``--include``/``roles:``.

Roles come from the path first (cheap, decided during the walk), then from the package a file
belongs to (a monorepo's front-end package), then from the file's bytes (imports of a test
runner or a browser framework, bundler output, a "do not edit" header).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Collection, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from nodeharden._regex import lazy_pattern

Role = Literal["app", "test", "example", "fixture", "script", "browser", "frontend",
               "generated", "dev", "service"]

#: Roles a user may opt into with ``--include`` / ``roles:``, in the order docs list them.
OPTIONAL_ROLES: tuple[Role, ...] = ("test", "example", "fixture", "script", "browser",
                                    "frontend", "generated", "dev")

#: Plural and alias spellings accepted on the command line and in the config file.
ROLE_ALIASES: dict[str, Role] = {
    "tests": "test", "test": "test", "spec": "test", "specs": "test",
    "examples": "example", "example": "example", "demo": "example", "demos": "example",
    "fixtures": "fixture", "fixture": "fixture",
    "scripts": "script", "script": "script", "config": "script", "configs": "script",
    "browser": "browser", "public": "browser", "bundles": "browser",
    "frontend": "frontend", "front-end": "frontend", "client": "frontend",
    "generated": "generated",
    "dev": "dev", "development": "dev",
}


class RoleOf(NamedTuple):
    """The role of one file and the reason it was given, for the skipped list."""

    role: Role
    why: str = ""

    def skip_reason(self) -> str:
        """Return the text the skipped list shows: ``"test: under a test folder"``."""
        return f"{self.role}: {self.why}" if self.why else self.role


APP = RoleOf("app")

_TEST_DIRS = frozenset({"test", "tests", "__tests__", "spec", "specs", "__mocks__", "e2e",
                        "cypress", "playwright", "testing", "test-utils", "__snapshots__"})
_EXAMPLE_DIRS = frozenset({"example", "examples", "demo", "demos", "sample", "samples"})
_FIXTURE_DIRS = frozenset({"fixture", "fixtures", "__fixtures__", "testdata", "test-data",
                           "mocks", "seed-data"})
#: Words of a folder name (split at ``_``, ``-``, ``.`` and camelCase humps) that make it a
#: test folder: ``integration_tests``, ``e2e-tests``, ``testUtils``, ``mockApis``,
#: ``test_helpers``; and names written as one word for test support code. Whole words only:
#: ``testimonials`` and ``mockups`` are app folders.
_TEST_DIR_WORDS = frozenset({"test", "tests", "testing", "e2e", "mock", "mocks"})
_TEST_DIR_COMPOUNDS = frozenset({"testutils", "testutil", "testhelpers", "testhelper",
                                 "testlib", "testsupport"})
_WORD_RE = lazy_pattern(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")


def _is_test_dir(folder: str) -> bool:
    """Return True when a folder's name says it holds tests or their support code."""
    lower = folder.lower()
    if lower in _TEST_DIRS or lower in _TEST_DIR_COMPOUNDS:
        return True
    if lower in _FIXTURE_DIRS:
        return False  # ``mocks/``: data for tests, reported as fixtures
    if not any(word in lower for word in ("test", "e2e", "mock")):
        return False  # the cheap test first: most folders name none of the words
    return any(word.lower() in _TEST_DIR_WORDS for word in _WORD_RE.findall(folder))


#: ... and database migrations, which the migration tool runs once per database: they handle
#: no request, and an edit to one that already ran changes nothing but history.
_SCRIPT_DIRS = frozenset({"scripts", "benchmark", "benchmarks", "bench", ".husky",
                          ".storybook", "docs", "seeds", "seeders", "seed", "migrations"})
#: One-off scripts run by hand (``node seed.js``), not by the server.
_SCRIPT_NAME_RE = lazy_pattern(
    r"^(?:seed|seeds|seeder|seed-?db|populate-?db|populatedb|reset-?db|init-?db|setup-?db"
    r"|create-?admin|import-?data|data-?import)\.[cm]?[jt]s$", re.IGNORECASE)
_BROWSER_DIRS = frozenset({"public", "static", "assets", "www", "wwwroot", "htdocs"})
_TEST_NAME_RE = lazy_pattern(
    r"(?:[._-](?:test|spec|e2e|cy)\.[cm]?[jt]sx?$)|(?:^(?:test|spec)[._-].*\.[cm]?[jt]sx?$)"
    r"|(?:^(?:setup-?tests?|test-?setup|jest\.setup|vitest\.setup|setup\.jest)"
    r"\.[cm]?[jt]sx?$)", re.IGNORECASE)
_TOOL_CONFIG_RE = lazy_pattern(
    r"^(?:gruntfile|gulpfile|jakefile|karma\.conf|protractor\.conf|wdio\.conf"
    r"|(?:webpack|rollup|vite|vitest|jest|babel|postcss|tailwind|prettier|eslint|stylelint"
    r"|commitlint|lint-staged|next|nuxt|svelte|astro|tsup|esbuild|playwright|cypress"
    r"|nodemon|ecosystem|craco|metro|snowpack|parcel|remix|quasar|vue|angular|knip|typedoc"
    r"|release|semantic-release|changelog|nyc|c8|ava|mocha)[.-]?(?:[a-z0-9.-]*\.)?config"
    r"|\.eslintrc|\.prettierrc|\.mocharc|\.babelrc|\.lintstagedrc|ecosystem\.config"
    r"|webpack\.[a-z0-9.-]+|rollup\.[a-z0-9.-]+)\.[cm]?[jt]s$", re.IGNORECASE)
#: An ASCII name ``_TOOL_CONFIG_RE`` matches has "config" in it or starts with one of these
#: (lower-cased): the cheap test spares most files the long pattern, and most runs compiling
#: it (start-up). Other names go to the pattern, whose IGNORECASE folds some non-ASCII letters.
_TOOL_CONFIG_STARTS = ("gruntfile", "gulpfile", "jakefile", "karma.conf", "protractor.conf",
                       "wdio.conf", ".", "webpack.", "rollup.")


def _is_tool_config(name: str) -> bool:
    """Return True when ``name`` is a tool's configuration file (``_TOOL_CONFIG_RE``)."""
    if name.isascii():
        lower = name.lower()
        if "config" not in lower and not lower.startswith(_TOOL_CONFIG_STARTS):
            return False
    return _TOOL_CONFIG_RE.match(name) is not None


def role_from_path(rel: str) -> RoleOf:
    """Return the role a file's path alone gives it (``APP`` when the path says nothing)."""
    parts = rel.split("/")
    name = parts[-1]
    for folder in parts[:-1]:
        lower = folder.lower()
        if _is_test_dir(folder):
            return RoleOf("test", f"under {folder}/")
        if lower in _FIXTURE_DIRS:
            return RoleOf("fixture", f"under {folder}/")
        if lower in _EXAMPLE_DIRS:
            return RoleOf("example", f"under {folder}/")
        if lower in _BROWSER_DIRS:
            return RoleOf("browser", f"under {folder}/ (served to browsers)")
        if lower in _SCRIPT_DIRS:
            return RoleOf("script", f"under {folder}/")
    if _TEST_NAME_RE.search(name):
        return RoleOf("test", "test file name")
    if _is_tool_config(name):
        return RoleOf("script", "tool configuration")
    if _SCRIPT_NAME_RE.match(name):
        return RoleOf("script", "a script run by hand (by its name)")
    if name.endswith((".jsx", ".tsx")):
        return RoleOf("frontend", "JSX component")
    return APP


#: A top-level import statement (at the start of a line, as a module's imports are written):
#: ``import x from 'm'``, ``} from 'm'`` (the end of a long import list), ``import 'm'``,
#: ``import x = require('m')``, ``const x = require('m')``. A ``require`` inside a function (a
#: library's "am I in Node?" branch) is not one.
_TOP_IMPORT_RE = lazy_pattern(
    rb"""^(?:import\b[^;\n]*?\bfrom|\}\s*from|import|import\s+[\w$]+\s*=\s*require\s*\("""
    rb"""|(?:const|let|var)\s+[^=;\n]+=\s*require\s*\()\s*['"]([^'"\n]+)['"]""", re.M)


#: A module that exports something: ``export …``, ``module.exports``, ``exports.x =``.
_EXPORTS_RE = lazy_pattern(rb"^\s*(?:export\b|module\.exports\b|exports\.[\w$]+\s*=)", re.M)


def server_import(source: bytes) -> str | None:
    """Return a server or Node-only module the file imports at its top level (``express``,
    ``http``, ``fs``, ``node:path``...), or None: code that only runs in Node."""
    for match in _TOP_IMPORT_RE.finditer(source):
        module = match.group(1).decode("utf-8", "replace")
        if module in _SERVER_MODULES or module in _NODE_ONLY_MODULES \
                or module.startswith("node:"):
            return module
    return None


def role_of_file(rel: str, read: Callable[[], bytes | None]) -> RoleOf:
    """Return the role a file's path gives it, where a browser folder (``public/``,
    ``static/``...) gives way to what the file holds: a file there that imports a server or
    Node-only module at its top level, and that no content test calls browser code (a bundle,
    minified or AMD), is application code (an Express router kept under ``routes/public/``)
    when it imports a server module or exports something; else a script run by hand.
    ``read`` returns the file's bytes (None when unreadable); it is called only for such
    files."""
    role = role_from_path(rel)
    if role.role != "browser":
        return role
    source = read()
    if not source or server_import(source) is None or role_from_content(source) != APP:
        return role
    if _looks_like_server(source) or _EXPORTS_RE.search(source):
        return APP
    # Node code that serves nothing and exports nothing: a script run by hand there
    # (`node update.js` in a translations folder), not the server.
    return RoleOf("script", f"{role.why.partition(' (')[0]}: Node code that exports nothing "
                            "(a script run by hand)")


#: Dependencies that make a package.json a front end, unless it also depends on a server.
_FRONTEND_DEPS = ("vite", "react-scripts", "webpack-dev-server", "@angular/core",
                  "@vue/cli-service", "nuxt", "@sveltejs/kit", "svelte", "parcel",
                  "parcel-bundler", "expo", "react-native", "@vitejs/plugin-react",
                  "@angular/cli", "next", "gatsby", "@remix-run/react", "astro", "vue",
                  "react-dom", "preact", "solid-js", "@ionic/angular", "ember-cli")
_SERVER_DEPS = ("express", "koa", "fastify", "@hapi/hapi", "hapi", "restify", "@nestjs/core",
                "polka", "connect")


def frontend_reason(package_json: dict[str, object]) -> str | None:
    """Return why a package.json describes a front-end package, or None when it does not.

    A package that depends on a server framework is never a front end: a full-stack app that
    bundles its client with vite still has its Express server in the same package.
    """
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies"):
        block = package_json.get(key)
        if isinstance(block, dict):
            deps.update(str(k) for k in block)
    if any(d in deps for d in _SERVER_DEPS):
        return None
    for dep in _FRONTEND_DEPS:
        if dep in deps:
            return f"depends on {dep}"
    return None


#: A package.json ``description`` that calls its package an example: it starts or ends with
#: the word (``"WebHook endpoint example"``, ``"Demo server for the SDK"``, ``"An example
#: app."``), not one that only uses it (``"Sends the example emails"``).
_EXAMPLE_DESCRIPTION_RE = lazy_pattern(
    r"^\s*(?:(?:an?|the)\s+)?(?:example|demo)s?\b"
    r"|\b(?:example|demo)s?(?:\s+(?:app|application|server|project|package|code))?\s*[.!]?\s*$",
    re.I)


def example_reason(package_json: dict[str, object]) -> str | None:
    """Return why a nested package.json describes an example (its ``description`` says so),
    or None."""
    description = package_json.get("description")
    if isinstance(description, str) and _EXAMPLE_DESCRIPTION_RE.search(description):
        return f"its package.json describes it as {description.strip()[:60]!r}"
    return None


def package_roles(root: Path, package_dirs: list[str]) -> dict[str, RoleOf]:
    """Return the role of each nested package (folders holding a package.json, given
    relative to the root, ``""`` for the root itself) whose package.json gives its files one:
    ``frontend`` for a front end (``frontend_reason``), ``example`` for a package its
    description calls an example or a demo (an endpoint a README shows how to write).

    The root package has no such role here: a repository whose root is a pure front end has no
    Express app for the rules to find anyway, and a root package described as a demo is the
    app the user asked to check.
    """
    found: dict[str, RoleOf] = {}
    for folder in package_dirs:
        if not folder:
            continue
        try:
            data = json.loads((root / folder / "package.json").read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if isinstance(data, dict):
            reason = frontend_reason(data)
            if reason:
                found[folder] = RoleOf("frontend", f"in the front-end package {folder}/ "
                                                   f"({reason})")
            elif (reason := example_reason(data)) is not None:
                found[folder] = RoleOf("example", f"in the example package {folder}/ "
                                                  f"({reason})")
    return found


def package_of(rel: str, package_dirs: list[str]) -> str:
    """Return the folder of the nearest package.json at or above ``rel`` (``""`` = root)."""
    best = ""
    directory = posixpath.dirname(rel)
    for folder in package_dirs:
        if folder and (directory == folder or directory.startswith(folder + "/")) \
                and len(folder) > len(best):
            best = folder
    return best


# Patterns that each start with a plain word: the regex engine finds those fast (one
# alternation with a line-start anchor took four times as long on a large tree, and
# ``(?:from|import)…`` twice as long as ``from…`` and ``import…`` searched one after the other).
_REQUIRE_RE = lazy_pattern(rb"""require\s*\(\s*['"]([^'"\n]+)['"]""")
_FROM_RE = lazy_pattern(rb"""from\s*\(?\s*['"]([^'"\n]+)['"]""")
_IMPORT_RE = lazy_pattern(rb"""import\s*\(?\s*['"]([^'"\n]+)['"]""")
_TEST_MODULES = frozenset({"mocha", "jest", "@jest/globals", "vitest", "ava", "tap", "tape",
                           "chai", "supertest", "node:test", "sinon", "should", "expect",
                           "@playwright/test", "cypress", "jasmine", "uvu", "qunit",
                           "chai-http", "nock", "superagent-mock", "@testing-library/react"})
_FRONTEND_MODULES = ("react", "react-dom", "vue", "@angular/", "svelte", "preact",
                     "solid-js", "jquery", "@vue/", "next/", "react-router", "@remix-run/react",
                     "lit", "alpinejs", "htmx.org", "@reduxjs/toolkit", "redux", "axios-hooks",
                     "js-cookie", "react-redux", "@tanstack/react-query", "styled-components",
                     "@mui/", "antd")
#: ``_FRONTEND_MODULES`` as one exact-name set and one prefix tuple (``str.startswith`` takes
#: the tuple in one C call): a module is front-end when it is one of the names, or sits under
#: one (``react/jsx-runtime``), or under a scope or folder entry ending in ``/``.
_FRONTEND_PREFIXES = tuple(f if f.endswith("/") else f + "/" for f in _FRONTEND_MODULES)
_FRONTEND_MODULES_SET = frozenset(_FRONTEND_MODULES)
_SERVER_MODULES = frozenset({"express", "http", "https", "node:http", "node:https", "koa",
                             "fastify", "net", "node:net", "http2", "node:http2",
                             "express-session", "body-parser", "cookie-parser", "helmet"})
#: A bundler's prologue: any of these words, or ``(function (modules)``. Plain substring
#: tests (``in``) run several times faster than one alternation over the whole file.
_BUNDLE_WORDS = (b"parcelRequire", b"__vite__", b"System.register(", b"/******/", b"define.amd")
#: An AMD module: a statement at the start of a line that calls ``define`` with its
#: dependency list or its factory (``define(['jquery'], function ($) {``, ``define(function
#: (require) {``, ``define('name', [...``). Node has no ``define``; RequireJS (or a bundler
#: reading AMD) loads such a file in the browser.
#: Matched at the start of the file, and after each newline by ``_AMD_LINE_RE``: a pattern
#: that starts with a literal is searched for that literal first, where ``^`` under
#: ``re.M`` is tried at every byte (five times slower on the 300-file bench app).
_AMD_CALL = \
    rb"define\s*\(\s*(?:\[|function\b|\(\s*\)\s*=>|['\"][\w./-]+['\"]\s*,\s*(?:\[|function\b))"
_AMD_RE = lazy_pattern(_AMD_CALL)
_AMD_LINE_RE = lazy_pattern(b"\n" + _AMD_CALL)
_WEBPACK_WORDS = (b"__webpack_require__", b"webpackBootstrap", b"webpackChunk")
_BUNDLE_MODULES_RE = lazy_pattern(rb"\(function\s*\(modules\)")
_SOURCE_MAP_RE = lazy_pattern(rb"^//[#@] sourceMappingURL=", re.M)
#: Matched against the lower-cased head (ASCII only, as ``re.I`` on bytes): a case-insensitive
#: search cost ten times more. Every alternative holds "generated" or "edit". Each is anchored
#: to how generators word their header: a marker (``@generated``, "DO NOT EDIT"), a sentence
#: about the file ("This file was automatically generated", "Code generated by protoc",
#: "auto-generated by openapi-generator"), or a comment line that is the word alone
#: ("// Auto-generated.", "/* auto-generated */"). The bare adjective in prose
#: ("auto-generated properties such as the id", in a class's doc comment) says nothing about
#: the file. "Do not edit" is a generator's marker written in capitals ("DO NOT EDIT") or
#: beside "generated" (``says_generated``): in prose alone it is a defaults file's advice to
#: operators ("Do not edit this, generate a config.<ENV>.js for your NODE_ENV").
_GENERATED_RE = lazy_pattern(
    rb"@generated|code generated by"
    rb"|this (?:file |code |module )?(?:is|was|has been) (?:auto-?|automatically )?generated"
    rb"|(?:auto-?|automatically )generated (?:by|from|with|using|on|file|code|module)\b"
    rb"|^[ \t]*(?://+|/\*+|\*|#)[ \t]*(?:auto-?|automatically )generated[ \t]*(?:[.,:;!*-]|$)",
    re.MULTILINE)
_LONG_LINE = 2000


def imported_modules(source: bytes) -> set[str]:
    """Return module specifiers the file requires or imports (a byte scan, no parse)."""
    found = set(_REQUIRE_RE.findall(source)) if b"require" in source else set()
    found.update(_import_specifiers(source))
    return {m.decode("utf-8", "replace") for m in found}


def _import_specifiers(source: bytes) -> list[bytes]:
    """Return what ``(?:from|import)\\s*\\(?\\s*['"]([^'"\\n]+)['"]`` finds (``findall``: left
    to right, matches do not overlap), searching ``from…`` and ``import…`` apart: each
    starts with a plain word, which the regex engine finds much faster than the alternation.
    At most one of them matches at a position (they start with different letters), so the
    earlier of the two next matches is the alternation's next match."""
    found: list[bytes] = []
    nxt_from = _FROM_RE.search(source) if b"from" in source else None
    nxt_import = _IMPORT_RE.search(source) if b"import" in source else None
    while nxt_from is not None or nxt_import is not None:
        if nxt_import is None or (nxt_from is not None
                                  and nxt_from.start() < nxt_import.start()):
            match = nxt_from
        else:
            match = nxt_import
        assert match is not None
        found.append(match.group(1))
        end = match.end()
        if nxt_from is not None and nxt_from.start() < end:
            nxt_from = _FROM_RE.search(source, end)
        if nxt_import is not None and nxt_import.start() < end:
            nxt_import = _IMPORT_RE.search(source, end)
    return found


def says_generated(head: bytes) -> bool:
    """Return True when ``head`` (a file's first bytes, or its leading comments) says the file
    is generated ("auto-generated", "do not edit", "@generated", "code generated by"…)."""
    if b"DO NOT EDIT" in head or b"DON'T EDIT" in head:
        return True
    head = head.lower()
    if b"generated" not in head:
        return False
    return b"do not edit" in head or b"don't edit" in head or _GENERATED_RE.search(head) is not None


def role_from_content(source: bytes) -> RoleOf:
    """Return the role a file's bytes give it (``APP`` when they say nothing).

    A file that imports express or creates a server is always application code: a server
    that renders React with ``react-dom/server`` is still the server.
    """
    if says_generated(source[:1024]):
        return RoleOf("generated", "'generated' / 'do not edit' header")
    tail = source[-4096:]
    if b"sourceMappingURL=" in tail and _SOURCE_MAP_RE.search(tail):
        return RoleOf("browser" if not _looks_like_server(source) else "generated",
                      "build output (sourceMappingURL)")
    if _is_bundle(source):
        return RoleOf("browser", "bundled file (bundler prologue)")
    if _has_long_line(source):
        return RoleOf("browser", f"bundled or minified (a line over {_LONG_LINE} characters)")
    if b"define" in source and (_AMD_RE.match(source) or _AMD_LINE_RE.search(source)) \
            and not _looks_like_server(source):
        return RoleOf("browser", "AMD module (a top-level define([…], function …): RequireJS "
                                 "loads it in the browser)")
    modules = imported_modules(source)
    if not modules:
        return _bundler_env_role(source, modules)
    tests = sorted(m for m in modules if m in _TEST_MODULES)
    if tests:
        return RoleOf("test", f"imports {tests[0]}")
    if modules & _SERVER_MODULES:
        return APP
    for module in sorted(modules):
        if module in _FRONTEND_MODULES_SET or module.startswith(_FRONTEND_PREFIXES):
            return RoleOf("frontend", f"imports {module}")
    return _bundler_env_role(source, modules)


#: What only a bundler defines on ``import.meta.env`` (Vite: the ``VITE_`` variables it exposes
#: to the client, ``MODE``, ``DEV``, ``PROD``, ``BASE_URL``). Node has no ``import.meta.env``;
#: Bun's is ``process.env``, which holds none of these unless set. ``SSR`` is left out: it is
#: read by code that runs on the server too. The name inside a string is not read (a bundler's
#: own table of the names it replaces).
_BUNDLER_ENV_RE = lazy_pattern(
    rb"(?<![\w$.'\"`])import\.meta\.env\s*(?:\.\s*(VITE_\w*|MODE|DEV|PROD|BASE_URL)\b"
    rb"|\[\s*['\"](VITE_\w*)['\"])")
#: Modules that only run in Node: a file importing one is server code, whatever it reads.
_NODE_ONLY_MODULES = frozenset({"fs", "fs/promises", "child_process", "net", "tls", "dgram",
                                "cluster", "worker_threads", "os"})
#: A server started in the file (``app.listen(3000)``, ``http.createServer(app)``).
_SERVER_WORDS = (b".listen(", b"createServer(")


def _bundler_env_role(source: bytes, modules: set[str]) -> RoleOf:
    """Return ``frontend`` for a file that reads a bundler's client environment
    (``import.meta.env.VITE_API``, ``import.meta.env.PROD``), unless it imports a module that
    only Node has or starts a server (a Vite SSR server is still the server); else ``APP``."""
    if b"import.meta" not in source:  # the common case: one byte search
        return APP
    match = _BUNDLER_ENV_RE.search(source)
    if match is None or any(word in source for word in _SERVER_WORDS) or any(
            m.startswith("node:") or m in _NODE_ONLY_MODULES for m in modules):
        return APP
    name = bytes(match.group(1) or match.group(2) or b"").decode("ascii")
    return RoleOf("frontend", f"reads import.meta.env.{name} (a bundler's client environment)")


def _looks_like_server(source: bytes) -> bool:
    return bool(imported_modules(source) & _SERVER_MODULES)


def _is_bundle(source: bytes) -> bool:
    if b"webpack" in source and any(word in source for word in _WEBPACK_WORDS):
        return True
    return any(word in source for word in _BUNDLE_WORDS) or (
        b"(modules)" in source and _BUNDLE_MODULES_RE.search(source) is not None)


def _has_long_line(source: bytes) -> bool:
    if len(source) <= _LONG_LINE:
        return False
    # The common case, no line over the limit, without splitting the file into lines: jump
    # to the last newline of the next _LONG_LINE + 1 bytes (about one jump per _LONG_LINE
    # bytes); a stretch of that many bytes without one is a long line.
    start, size = 0, len(source)
    while start + _LONG_LINE < size:
        newline = source.rfind(b"\n", start, start + _LONG_LINE + 1)
        if newline < 0:
            break
        start = newline + 1
    else:
        return False
    lines = source.split(b"\n")
    packed = [i for i, line in enumerate(lines)
              if len(line) > _LONG_LINE and _separators(line) > 20]
    if not packed:
        return False
    # One long string (a data URI, an SQL text, a key) is not a bundle: a bundle packs many
    # statements on the line. In a file of otherwise ordinary lines (a hand-written module
    # with an inline HTML e-mail template whose CSS has many ``;``), what counts is what the
    # line holds outside its strings, templates and comments. A minified file, few lines
    # most of them long, is taken as it is (and its size is never scanned for literals).
    long_lines = sum(1 for line in lines if len(line) > _LONG_LINE)
    if len(lines) < _ORDINARY_MIN_LINES or long_lines * 20 > len(lines):
        return True
    code = _LITERAL_RE.sub(lambda m: b"\n" * m.group().count(b"\n"), source).split(b"\n")
    return any(_separators(code[i]) > 20 for i in packed)


#: A file of at least this many lines, at most one in 20 of them long, is formatted by hand.
_ORDINARY_MIN_LINES = 20
#: A string, template literal or comment, matched left to right (its newlines are kept, so
#: the lines of what is left are the file's lines). One left open runs to the end of its line
#: (a string) or of the file (a template, a comment): every match succeeds where it starts,
#: so the search stays linear (a closing mark demanded, each of 20,000 unclosed `/*` scanned
#: to the end of a 640 KB file: 450 s).
_LITERAL_RE = lazy_pattern(
    rb"'(?:[^'\\\n]|\\.)*'?|\"(?:[^\"\\\n]|\\.)*\"?|`(?:[^`\\]|\\.)*`?|//[^\n]*"
    rb"|/\*.*?(?:\*/|\Z)", re.DOTALL)


def _separators(line: bytes) -> int:
    """Return how many statement separators and functions a line holds."""
    return line.count(b";") + line.count(b"function") + line.count(b"=>")


def parse_roles(values: list[str] | tuple[str, ...]) -> frozenset[Role]:
    """Return the roles named in ``values`` (``tests``, ``examples``…, comma lists allowed).

    Raises ValueError naming the first unknown role.
    """
    roles: set[Role] = set()
    for value in values:
        for part in str(value).split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name in ("all", "*"):
                roles.update(OPTIONAL_ROLES)
                continue
            role = ROLE_ALIASES.get(name)
            if role is None:
                known = ", ".join(r + "s" if r in ("test", "example", "fixture", "script")
                                  else r for r in OPTIONAL_ROLES)
                raise ValueError(f"unknown file role {name!r} (known: {known}, all)")
            roles.add(role)
    return frozenset(roles)


_DEV_DOCKERFILE_RE = lazy_pattern(
    r"(?:^|[./_-])(?:test|tests|e2e|ci|dev|development|debug|devcontainer|local)(?:[./_-]|$)",
    re.IGNORECASE)
_RUNS_TESTS_RE = lazy_pattern(
    r"\b(?:(?:npm|yarn|pnpm|bun)\s+(?:run\s+)?(?:test|e2e)[\w:-]*|jest|mocha|vitest|ava|tap"
    r"|playwright\s+test|cypress\s+run)\b")
#: A command that builds or packages the project (``npm run dist:electron``, ``yarn build``,
#: ``electron-builder``, ``cordova build``, ``npm pack``), and one that starts a server or the
#: app (``npm start``, ``node server.js``, pm2…): an image whose command does the first and
#: never the second is a build image (spark-wallet's reproducible-build image, whose command
#: packs the npm package, the Electron and the Android apps); NODE_ENV=production there would
#: make its ``npm install`` leave out the build tools.
_RUNS_BUILD_RE = lazy_pattern(
    r"\b(?:(?:npm|yarn|pnpm|bun)\s+(?:run\s+)?(?:build|dist|pack|package|release|bundle)[\w:-]*"
    r"|electron-builder|electron-forge\s+make|cordova\s+build)\b")
_STARTS_APP_RE = lazy_pattern(
    r"\b(?:(?:npm|yarn|pnpm|bun)\s+(?:run\s+)?(?:start|serve|server|dev|prod|production)\b"
    r"|(?:node|nodejs|nodemon|ts-node|tsx|pm2|pm2-runtime|forever)\s+[\w./-])")
#: A command that only keeps the container alive, to be exec'd into: ``tail -f /dev/null``,
#: ``sleep infinity``. An image started that way runs no app; it is a development container.
_IDLE_RE = lazy_pattern(r"^\s*(?:(?:/usr)?/bin/)?(?:tail\s+-f\s+/dev/null|sleep\s+(?:infinity|inf))\s*$")
#: What a Dockerfile's header comment says when the image is not for production (``# DO NOT
#: USE IN PRODUCTION``, ``# Development Dockerfile``). Only the comments above the first
#: instruction count, each read alone: a comment further down is about a stage or a file.
_NOT_PRODUCTION_RE = lazy_pattern(
    r"\b(?:do\s+not\s+use\s+(?:(?:this|the|it)\s+(?:image\s+|dockerfile\s+|file\s+)?)?in\s+"
    r"production|not\s+(?:meant\s+|intended\s+)?for\s+production|dev(?:elopment)?\s+"
    r"dockerfile)\b", re.IGNORECASE)


def _header_comments(text: str) -> Iterator[str]:
    """Yield the comment lines above a Dockerfile's first instruction (parser directives and
    blank lines pass), each cut to 500 characters."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return
        yield stripped[:500]
_RUNS_NODE_RE = lazy_pattern(
    r"(?:^|[\s/\"'])(?:node|nodejs|npm|npx|yarn|pnpm|bun|pm2|pm2-runtime|nodemon|ts-node|tsx"
    r"|forever)(?:$|[\s\"'])")


@lru_cache(maxsize=64)
def parse_dockerfile(text: str) -> tuple[Any, ...] | None:
    """Return a Dockerfile's instructions (``dockerfile.Command`` tuples, parsed by the
    ``dockerfile`` package, the official Go parser), or None when it does not parse.

    Cached: the walk (file roles), the runtime (the Node image) and the Dockerfile rules all
    read the same Dockerfiles."""
    import dockerfile

    try:
        return tuple(dockerfile.parse_string(text))
    except dockerfile.GoParseError:
        return None


def final_stage(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Return the base image of a Dockerfile's final stage and that stage's instructions as
    ``(INSTRUCTION, arguments)`` pairs. Unparsable text gives an empty base image."""
    commands = parse_dockerfile(text)
    if commands is None:
        return "", []
    base = ""
    stage: list[tuple[str, str]] = []
    for command in commands:
        if command.cmd.upper() == "FROM":
            base = command.value[0] if command.value else ""
            stage = []
            continue
        stage.append((command.cmd.upper(), " ".join(command.value)))
    return base, stage


def dockerfile_role(rel: str, text: str) -> RoleOf:
    """Return ``APP`` for the image that runs the Express app, else why the Dockerfile is
    another image: a development or test container, or the image of another service.

    Dockerfile rules apply to the app's runtime image only.
    """
    if rel.startswith(".devcontainer/") or "/.devcontainer/" in rel:
        return RoleOf("dev", "development container")
    test_dir = next((folder for folder in rel.split("/")[:-1] if _is_test_dir(folder)), None)
    if test_dir is not None:
        return RoleOf("test", f"under {test_dir}/")
    name = rel.rsplit("/", 1)[-1]
    if name.lower() != "dockerfile" and _DEV_DOCKERFILE_RE.search(
            name.lower().replace("dockerfile", "")):
        return RoleOf("dev", "test or development image (by its name)")
    base, stage = final_stage(text)
    command = " ".join(args for cmd, args in stage if cmd in ("CMD", "ENTRYPOINT"))
    if any(_NOT_PRODUCTION_RE.search(line) for line in _header_comments(text)):
        return RoleOf("dev", "development image (a comment says it is not for production)")
    cmds = [args for cmd, args in stage if cmd == "CMD"]
    entries = [args for cmd, args in stage if cmd == "ENTRYPOINT"]
    start = entries[-1] if entries else cmds[-1] if cmds else ""
    if _IDLE_RE.match(start):
        return RoleOf("dev", f"development container (it starts `{start.strip()}`, no app)")
    if not start and _copies_only_manifests(stage):
        return RoleOf("dev", "development image (no command, and it copies only the package "
                             "manifests: the app's code comes from a mount)")
    if _RUNS_TESTS_RE.search(command):
        return RoleOf("test", "its CMD runs the test suite")
    build = _RUNS_BUILD_RE.search(command)
    if build and not _STARTS_APP_RE.search(command):
        return RoleOf("dev", f"build image (its command runs `{build.group()}` and starts no "
                             "app)")
    image = base.split("@", 1)[0].split(":", 1)[0].lower()
    image_name = image.rsplit("/", 1)[-1]
    if _RUNS_NODE_RE.search(command) or "node" in image_name or image_name in ("bun",):
        return APP
    if not base:
        return APP  # unparsable: let the Dockerfile rules say what they can
    return RoleOf("service", f"image of another service (FROM {base})")


#: What a package manager needs before it installs: manifests, lockfiles, its settings.
_MANIFESTS = frozenset({"package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
                        "pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc", ".yarnrc",
                        ".yarnrc.yml", "bun.lockb", "bun.lock"})


def _copies_only_manifests(stage: list[tuple[str, str]]) -> bool:
    """Return True when a stage copies something and all it copies from the build context
    is package manifests (``COPY package.json package-lock.json ./``): no code of the app,
    nothing from another stage or a URL."""
    copies = [args for cmd, args in stage if cmd in ("COPY", "ADD")]
    if not copies:
        return False
    for args in copies:
        words = args.split()
        if args.lstrip().startswith("[") or any(w.startswith("--from") for w in words):
            return False
        sources = [w for w in words if not w.startswith("--")][:-1]
        if not sources or any(posixpath.basename(w.rstrip("/")) not in _MANIFESTS
                              for w in sources):
            return False
    return True


def dockerignore_matcher(text: str) -> Callable[[str], bool]:
    """Return a test of whether a ``.dockerignore`` (its ``text``) leaves a file (a posix path
    from the build context) out of the context.

    Docker's semantics, not git's: every pattern is anchored to the context's root (``*.md``
    is the root's Markdown only, ``**/*.md`` any), a pattern that matches a folder leaves out
    all below it, and the last pattern that matches a path or one of its folders wins, so a
    ``!`` pattern re-includes a file even inside an excluded folder. Each line is cleaned as
    Docker cleans it (no leading ``/`` or ``./``, no trailing ``/``) and given to pathspec
    anchored with a leading ``/``: its last-match-wins test of one path (a folder's pattern
    matching all below it, a later ``!`` re-including a file under it) is Docker's."""
    import pathspec

    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = posixpath.normpath(line[1:].strip() if negate else line)
        pattern = pattern.lstrip("/")
        if pattern in ("", "."):
            continue
        lines.append(("!/" if negate else "/") + pattern)
    return pathspec.GitIgnoreSpec.from_lines(lines).match_file


#: Paths named in a start command, a script or a Procfile (``node extra/tool.js``, ``app``).
_COMMAND_PATH_RE = lazy_pattern(r"[\w@.$/-]+")
_PACKAGE_START_RE = lazy_pattern(r"\b(?:npm|yarn|pnpm|bun)\s+(?:run(?:-script)?\s+)?([\w:.-]+)")


class ImageFiles:
    """What the project's Docker images hold, read once per project: its Dockerfiles (every
    one the walk lists, development images too: a file counts as left out only when each image
    that copies its folder leaves it out; the build context taken as the project root), what
    each one copies from the context, the ``.dockerignore`` it is built with (a BuildKit
    ``<Dockerfile>.dockerignore`` before the root's), and the commands that start it."""

    def __init__(self, root: Path, dockerfiles: list[str],
                 scripts: dict[str, str], names: list[str]) -> None:
        #: (Dockerfile, COPY/ADD sources from the context, ignore file, its matcher or None,
        #: the start command with ``npm start`` and the like expanded).
        self.images: list[tuple[str, list[str], str, Callable[[str], bool] | None, str]] = []
        #: Every text that may run a file: package.json scripts, main and bin, Procfiles,
        #: compose files, the Dockerfiles.
        self.names = "\n".join([*scripts.values(), *names])
        for rel in dockerfiles:
            try:
                text = (root / rel).read_text("utf-8", errors="replace")
            except OSError:
                continue
            commands = parse_dockerfile(text)
            if commands is None:
                continue
            self.names += "\n" + text
            sources: list[str] = []
            start = ""
            for command in commands:
                cmd = command.cmd.upper()
                if cmd in ("COPY", "ADD") and not any(
                        str(flag).startswith("--from") for flag in command.flags):
                    sources.extend(str(v) for v in command.value[:-1])
                elif cmd == "FROM":
                    start = ""
                elif cmd in ("CMD", "ENTRYPOINT"):
                    start += " " + " ".join(command.value)
            for match in _PACKAGE_START_RE.finditer(start):
                script = match.group(1)
                start += " " + scripts.get(script, "node server.js" if script == "start" else "")
            ignore = rel + ".dockerignore"
            if not (root / ignore).is_file():
                ignore = ".dockerignore"
            matcher = None
            try:
                matcher = dockerignore_matcher((root / ignore).read_text("utf-8", "replace"))
            except OSError:
                pass
            self.images.append((rel, sources, ignore, matcher, start))

    def left_out(self, rel: str) -> str | None:
        """Return the ignore file that leaves ``rel`` out of every image that would copy it,
        when some image copies its folder from the context (the image is built from the
        project); None when an image ships the file or none copies its folder."""
        found = None
        for _, sources, ignore, matcher, _ in self.images:
            if not any(_copies(source, rel) for source in sources):
                continue
            if matcher is None or not matcher(rel):
                return None
            found = found or ignore
        return found

    def starts(self, shipped: Collection[str]) -> bool:
        """Return True when an image's start command names a file of ``shipped`` (the app the
        image runs is one of the scanned files, not output compiled outside the image)."""
        names: set[str] = set()
        for rel in shipped:
            stem = posixpath.splitext(rel)[0]
            names.update((rel, stem))
            if posixpath.basename(stem) == "index" and "/" in stem:
                names.add(posixpath.dirname(stem))
        for _, _, _, _, start in self.images:
            for token in _COMMAND_PATH_RE.findall(start):
                parts = posixpath.normpath(token).lstrip("/").split("/")
                # /app/server.js in an image whose WORKDIR is /app: a tail is the file. A
                # relative path is one from the context (dist/server.js is not server.js).
                tails = range(len(parts)) if token.startswith("/") else range(1)
                if any("/".join(parts[i:]) in names for i in tails):
                    return True
        return False

    def named(self, rel: str) -> bool:
        """Return True when a script, a Procfile, a compose file or a Dockerfile names
        ``rel`` (its path, with or without the extension, or its file name)."""
        stem = posixpath.splitext(rel)[0]
        return any(re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", self.names)
                   for word in {rel, stem, posixpath.basename(rel)})


def _copies(source: str, rel: str) -> bool:
    """Return True when a COPY/ADD ``source`` (a path in the build context) takes ``rel``."""
    source = posixpath.normpath(source).lstrip("/")
    if source == ".":
        return True
    if any(c in source for c in "*?["):
        from fnmatch import fnmatchcase

        parts = rel.split("/")
        return any(fnmatchcase("/".join(parts[:i]), source) for i in range(1, len(parts) + 1))
    return rel == source or rel.startswith(source + "/")


def unshipped_scripts(image: ImageFiles, files: Collection[str],
                      read: Callable[[str], bytes | None]) -> dict[str, str]:
    """Return the scanned files (rel → why) that are scripts run by hand because the Docker
    image leaves them out: a ``.dockerignore`` excludes them from every image built from the
    project that would copy them, the image starts one of the scanned files (it is not built
    from output compiled elsewhere), no shipped file imports them, and no package.json
    script, Procfile, compose file or Dockerfile names them (``extra/interceptor.js`` run as
    ``node extra/interceptor.js`` by a developer)."""
    left: dict[str, str] = {}
    for rel in files:
        ignore = image.left_out(rel)
        if ignore is not None and not image.named(rel):
            left[rel] = ignore
    if not left:
        return {}
    shipped = [rel for rel in files if rel not in left]
    if not image.starts(shipped):
        return {}
    imported: set[str] = set()
    for rel in shipped:
        for module in imported_modules(read(rel) or b""):
            if module.startswith("."):
                module = posixpath.normpath(posixpath.join(posixpath.dirname(rel), module))
            imported.add(module.lstrip("/"))
    found: dict[str, str] = {}
    for rel, ignore in left.items():
        stem = posixpath.splitext(rel)[0]
        folder = posixpath.dirname(rel) if posixpath.basename(stem) == "index" else None
        if any(m in (rel, stem, folder) or m.endswith(("/" + stem, "/" + rel))
               for m in imported if m):
            continue
        found[rel] = (f"left out of the Docker image by {ignore}, and nothing imports or "
                      "starts it (a script run by hand)")
    return found
