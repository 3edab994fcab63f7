"""What every rule is made of: the contexts it reads and the findings it returns."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache, cached_property
from typing import Any, ClassVar

from tree_sitter import Node, Tree

from nodeharden._catalog import RuleMeta, load_catalog
from nodeharden._config import Config
from nodeharden._deployment import Deployment, detect_deployment
from nodeharden._express import FileFacts
from nodeharden._model import Finding, Fix
from nodeharden._project import JS_SUFFIXES, SourceFile
from nodeharden._record import field, record
from nodeharden._regex import lazy_pattern
from nodeharden._roles import RoleOf, package_of, role_from_path
from nodeharden._runtime import Runtime
from nodeharden._style import Style, StyleRules, detect_style

_JS_SPELLING_RE = lazy_pattern(r"\.(?:m|c)?jsx?$")


@cache
def is_test_file(rel: str) -> bool:
    """Return True for a test or spec file by its path (``--include tests`` scans them, but an
    app created there is a test double: no fix adds middleware or a handler to it). Cached: the
    project phase asks about the same files again and again (2,093 times for a 300-file
    app)."""
    return role_from_path(rel).role == "test"


def import_package(spec: str) -> str:
    """Return the package an import specifier names (``@scope/pkg/sub`` -> ``@scope/pkg``,
    ``pkg/sub`` -> ``pkg``)."""
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]


@record
class ProjectInfo:
    """Plain project facts shared with worker processes."""

    root: str
    module_system: str
    typescript: bool
    dependencies: dict[str, str]
    has_package_json: bool
    config: Config
    typescript_output: str = "commonjs"  # what tsc emits: "commonjs" or "esm"
    #: File roles scanned besides application code (``--include``, ``roles:``).
    include_roles: frozenset[str] = frozenset()
    #: What the project's prettier/ESLint/JSHint/EditorConfig settings require of new code.
    style_rules: StyleRules = StyleRules()
    #: An ORM model hashes passwords itself when saved (a mongoose ``pre('save')`` or a
    #: Sequelize ``beforeCreate``/``beforeSave`` hook that calls bcrypt, argon2 or scrypt).
    hashes_on_save: bool = False
    #: (folder, checkJs) of each tsconfig/jsconfig in the root or a package folder
    #: (``_project.js_configs``): set after the walk, before any file is scanned.
    js_configs: tuple[tuple[str, bool], ...] = ()

    def scans(self, role: RoleOf) -> bool:
        """Return True when files of ``role`` are scanned: application code, and the roles
        opted into."""
        return role.role == "app" or role.role in self.include_roles

    def has_dependency(self, name: str) -> bool:
        """Return True when package.json lists ``name``."""
        return name in self.dependencies


_WORD_RE = lazy_pattern(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def word_list(name: str) -> list[str]:
    """Return the lower-case words of an identifier or path, in order (camelCase, snake_case,
    kebab-case: ``oauthState`` -> oauth, state; ``HTTPServer2`` -> http, server, 2)."""
    return [w.lower() for w in _WORD_RE.findall(name)]


def words(name: str) -> set[str]:
    """Return the set of :func:`word_list`'s words."""
    return set(word_list(name))


def location(source: bytes, start: int, end: int) -> tuple[int, int, int, int]:
    """Return 1-based (line, column, end_line, end_column) for a byte range; columns count
    characters, not bytes."""
    line, column = _point(source, start)
    end_line, end_column = _point(source, end)
    return line, column, end_line, end_column


def _point(source: bytes, offset: int) -> tuple[int, int]:
    line = source.count(b"\n", 0, offset) + 1
    line_start = source.rfind(b"\n", 0, offset) + 1
    # Characters = bytes that do not continue a UTF-8 sequence (0b10xxxxxx).
    segment = source[line_start:offset]
    continuation = sum(segment.count(bytes([b])) for b in range(0x80, 0xC0)) \
        if not segment.isascii() else 0
    return line, len(segment) - continuation + 1


#: At most this many characters of a finding's line are kept as its snippet: a minified or
#: adversarial file can hold thousands of findings on one megabyte-long line.
SNIPPET_CHARS = 240


def line_text(source: bytes, line: int, *, limit: int | None = None) -> str:
    """Return the text of 1-based ``line`` without its line break (its first ``limit``
    bytes when given)."""
    starts = _line_starts(source)
    if line > len(starts):
        return ""
    start = starts[max(line, 1) - 1]
    end = source.find(b"\n", start)
    if end == -1:
        end = len(source)
    if limit is not None:
        end = min(end, start + limit)
    return source[start:end].rstrip(b"\r").decode("utf-8", errors="replace")


#: The line starts of the last source ``line_text`` read (the same bytes object is asked
#: about every finding of a file: finding each line from the start was quadratic in the
#: number of findings of a large file).
_LAST_LINE_STARTS: list[tuple[bytes, list[int]]] = []


def _line_starts(source: bytes) -> list[int]:
    """Return the offset where each line of ``source`` starts."""
    if _LAST_LINE_STARTS and _LAST_LINE_STARTS[0][0] is source:
        return _LAST_LINE_STARTS[0][1]
    starts = [0]
    find = source.find
    pos = find(b"\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find(b"\n", pos + 1)
    _LAST_LINE_STARTS[:] = [(source, starts)]
    return starts


def snippet_at(source: bytes, line: int) -> str:
    """Return the (bounded) stripped text of ``line`` kept with a finding."""
    text = line_text(source, line, limit=SNIPPET_CHARS * 4).strip()
    return text[:SNIPPET_CHARS]


@record
class FileContext:
    """One parsed JavaScript/TypeScript file, as a per-file rule sees it."""

    rel: str
    lang: str
    source: bytes
    tree: Tree
    facts: FileFacts
    style: Style
    info: ProjectInfo

    def finding(self, rule: str, start: int, end: int, message: str,
                fix: Fix | None = None) -> Finding:
        """Return a finding for bytes ``start:end`` of this file."""
        line, column, end_line, end_column = location(self.source, start, end)
        return Finding(rule=rule, path=self.rel, line=line, column=column, end_line=end_line,
                       end_column=end_column, message=message,
                       severity=load_catalog()[rule].severity, fix=fix,
                       snippet=snippet_at(self.source, line))

    def node_finding(self, rule: str, node: Node, message: str, fix: Fix | None = None) -> Finding:
        """Return a finding that points at ``node``."""
        return self.finding(rule, node.start_byte, node.end_byte, message, fix)

    def wanted(self, rule: Rule) -> bool:
        """Return ``rule.wants(self.source)``, worked out once per file and rule (the scan
        asks before ``check_file``, some rules again in ``file_data``)."""
        memo: dict[str, bool] = self.__dict__.setdefault("_wanted", {})
        found = memo.get(rule.id)
        if found is None:
            found = memo[rule.id] = rule.wants(self.source)
        return found


def _file_style(self: FileContext) -> Style:
    style = self.__dict__.get("_style")
    if style is None:
        style = self.info.style_rules.apply(detect_style(
            self.source, module=self.facts.module,  # type: ignore[arg-type]
            typescript=self.lang != "javascript"))
        self.__dict__["_style"] = style
    return style


def _set_file_style(self: FileContext, value: Style | None) -> None:
    self.__dict__["_style"] = value


# ``FileContext.style`` may be given as None: the style is then detected from the source on
# first read (most files are never fixed, and detection reads the whole file).
setattr(FileContext, "style", property(_file_style, _set_file_style))  # noqa: B010


@record
class ProjectContext:
    """The whole project, as a project-level rule sees it (main process only)."""

    info: ProjectInfo
    files: list[SourceFile]
    facts: dict[str, FileFacts]
    styles: Mapping[str, Style]  # rel -> style of every parsed JS/TS file, may be lazy
    read: Callable[[str], bytes | None]
    package_json_text: str | None
    #: Kept across the scans of one run (the passes of ``fix``): a rule may cache there what
    #: depends only on file contents, keyed by the contents.
    extra: dict[str, Any] = field(default_factory=dict)
    #: rule id → rel → what the rule's ``file_data`` returned for that file (walk order).
    file_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (rel, reason) of the files the scan left out (``browser: under www/``...).
    skipped: tuple[tuple[str, str], ...] = ()
    #: The Node version the project runs on (``Scanner.runtime``, read on first call): what
    #: ``fix`` judges the packages a fix adds against. Unknown unless the scan gives it.
    runtime: Callable[[], Runtime] = Runtime

    @cached_property
    def package_json(self) -> dict[str, Any]:
        """Return the root package.json as parsed once for every rule; ``{}`` when it is
        missing, not JSON or not an object (read only: rules share it)."""
        import json

        try:
            data = json.loads(self.package_json_text or "")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @cached_property
    def package_dirs(self) -> list[str]:
        """Return the folders that hold a package.json (``""`` for the root)."""
        return [f.rel.rpartition("/")[0] for f in self.files_of("package")]

    @cached_property
    def deployment(self) -> Deployment:
        """Return whether the project is deployed as a service and whether it calls itself an
        example, demo, tutorial, boilerplate… (``_deployment``), worked out once per scan."""
        return detect_deployment(
            self.info.root, self.read, self.package_json,
            dockerfiles=[f.rel for f in self.files_of("dockerfile")],
            workflows=[f.rel for f in self.files_of("workflow", "gitlab-ci")],
            package_dirs=self.package_dirs)

    def deployment_of(self, path: str) -> Deployment:
        """Return ``deployment`` as the app in the file ``path`` sees it: only what deploys the
        package that file belongs to (the nearest package.json's folder), never what deploys
        another package of the repository."""
        return self.deployment.of_package(package_of(path, self.package_dirs))

    def app_files(self) -> list[FileFacts]:
        """Return the facts of files that create an Express app (not just a router)."""
        return [f for f in self.facts.values() if any(a.kind == "app" for a in f.apps)]

    def uses_express(self) -> bool:
        """Return True when the project depends on or imports express."""
        return self.info.has_dependency("express") or any(
            "express" in f.imported_modules() for f in self.facts.values())

    def resolve_import(self, importer: str, spec: str) -> str | None:
        """Return the scanned project file a relative ``require``/``import`` of ``importer``
        names, as Node and TypeScript resolve it, or None (a package, or a file not scanned):
        the path itself, the path with a JavaScript/TypeScript extension (``./user.model`` →
        ``user.model.js``), a ``.js``/``.mjs``/``.cjs``/``.jsx`` spelling of a TypeScript file
        (``./user.js`` → ``user.ts``, as TypeScript's ESM output is imported), then the
        folder's ``index`` (only the index for a folder as Node reads one: ``./config/``,
        ``.``, ``..``, ``../..``)."""
        if not spec.startswith("."):
            return None
        base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
        stem = _JS_SPELLING_RE.sub("", base)
        folder = tuple(posixpath.join(base, "index" + ext) for ext in JS_SUFFIXES)
        if spec.endswith("/") or spec.rsplit("/", 1)[-1] in (".", ".."):  # a folder: its index
            return next((rel for rel in folder if rel in self.facts), None)
        for rel in (base, *(base + ext for ext in JS_SUFFIXES),
                    *(stem + ext for ext in JS_SUFFIXES if stem != base), *folder):
            if rel in self.facts:
                return rel
        return None

    def files_of(self, *kinds: str) -> list[SourceFile]:
        """Return the walked files of the given kinds."""
        return [f for f in self.files if f.kind in kinds]

    def finding(self, rule: str, path: str, start: int, end: int, message: str,
                fix: Fix | None = None) -> Finding:
        """Return a finding for bytes ``start:end`` of ``path``."""
        source = self.read(path) or b""
        line, column, end_line, end_column = location(source, start, end)
        return Finding(rule=rule, path=path, line=line, column=column, end_line=end_line,
                       end_column=end_column, message=message,
                       severity=load_catalog()[rule].severity, fix=fix,
                       snippet=snippet_at(source, line))

    def line_finding(self, rule: str, path: str, line: int, message: str,
                     fix: Fix | None = None, column: int = 1) -> Finding:
        """Return a finding for a whole line of ``path`` (1-based)."""
        source = self.read(path) or b""
        text = line_text(source, line)
        return Finding(rule=rule, path=path, line=line, column=column, end_line=line,
                       end_column=max(column, len(text) + 1), message=message,
                       severity=load_catalog()[rule].severity, fix=fix, snippet=text.strip())


class Rule:
    """A rule: detection (per file and/or per project) plus at most one fix per finding."""

    id: ClassVar[str]
    #: Byte strings of which one must occur in a file before ``check_file`` runs on it.
    needles: ClassVar[tuple[bytes, ...]] = ()
    #: Modules ``check_project`` imports when it runs (kept out of the rule's own imports so
    #: that a project it has nothing to say about never loads them): a scan with worker
    #: processes imports them in the main process while the workers scan, not after.
    project_modules: ClassVar[tuple[str, ...]] = ()
    #: Findings whose message this matches are reported once per file (``_scan.one_per_file``):
    #: the first, naming the lines of the others, with one fix for all of them; only findings
    #: whose matches capture the same groups are joined. For a pattern
    #: a file repeats in one place after another (an error's details sent from each of a
    #: controller's catch blocks), where one finding per place is noise to the reader.
    repeats: ClassVar[re.Pattern[str] | None] = None

    @property
    def meta(self) -> RuleMeta:
        """Return this rule's catalog entry."""
        return load_catalog()[self.id]

    def wants(self, source: bytes) -> bool:
        """Return True when ``check_file`` could find something in ``source``."""
        return not self.needles or any(n in source for n in self.needles)

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        """Return findings in one JavaScript/TypeScript file (runs in worker processes)."""
        return ()

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Return findings that need the whole project (runs once, in the main process)."""
        return ()

    def file_data(self, ctx: FileContext) -> Any:
        """Return what ``check_project`` needs from one file, or None: plain picklable data
        (findings, offsets, names) worked out where the file's tree is, in the scanning
        processes, so that the project phase does not parse the file again. It runs on every
        scanned file whatever ``wants`` says, after ``check_file``; ``check_project`` reads it
        from ``ProjectContext.file_data[rule id]``."""
        return None
