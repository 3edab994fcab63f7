"""The check pipeline: walk → parse once per file → per-file rules (in forked processes for big
trees) → project rules → suppressions. Per-file outcomes are values; one bad file never stops a
run."""

from __future__ import annotations

import itertools
import os
import posixpath
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any
from pathlib import Path

from nodeharden._catalog import RULE_IDS
from nodeharden._config import Config
from nodeharden._deployment import vulnerable_by_design
from nodeharden._express import FileFacts, extract_facts
from nodeharden._model import FileChange, Finding, Fix, Skipped, TextEdit
from nodeharden._record import field, record, replace
from nodeharden._resultcache import content_digest
from nodeharden._regex import lazy_pattern, save_pattern_codes
from nodeharden._project import JS_SUFFIXES, Project, SourceFile, classify, decode_source, \
    js_configs, walk
from nodeharden._roles import APP, ImageFiles, RoleOf, dockerfile_role, package_of, \
    package_roles, role_from_content, role_of_file, unshipped_scripts
from nodeharden._runtime import Runtime, detect_runtime
from nodeharden._style import Style, StyleRules, detect_style, module_kind_for, \
    read_style_rules
from nodeharden.rules import FILE_RULE_IDS, FileContext, ProjectContext, ProjectInfo, Rule, rule

#: Trees of at least this many JS files to scan are scanned by several processes (when jobs > 1):
#: forking pays for itself from about 40 files (bench/analysis.md, "Forked scanning").
POOL_THRESHOLD = 40

_SUPPRESS_RE = lazy_pattern(r"nodeharden-ignore(?:\s+([a-z0-9\-, ]+))?")


@record
class FileScan:
    """What scanning one file produced (plain data)."""

    rel: str
    findings: list[Finding] = field(default_factory=list)
    facts: FileFacts | None = None
    style: Style | None = None
    skipped: str | None = None  # reason the file was not scanned
    failed: str | None = None  # why rules or the parser failed ("; " between reasons)
    #: Of the bytes scanned, when read from disk for the result cache (its key); "" otherwise.
    digest: str = ""
    #: A rule that reads other files of the project (``OUTSIDE_READERS``) looked at this file:
    #: its cached scan holds only while those files are unchanged too.
    outside: bool = False
    #: rule id → what the rule's ``file_data`` returned for this file (when not None).
    data: dict[str, Any] = field(default_factory=dict)

    def fail(self, reason: str) -> None:
        """Record a failure; earlier ones are kept."""
        self.failed = f"{self.failed}; {reason}" if self.failed else reason


@record
class ScanResult:
    """Everything a check run found."""

    root: Path
    findings: list[Finding]
    skipped: list[Skipped]
    failed: list[Skipped]
    files: list[SourceFile]
    facts: dict[str, FileFacts]
    styles: Mapping[str, Style]
    notes: list[str]
    scanned: int
    #: Why no finding has a fix (the project says it is vulnerable on purpose), or "".
    fixes_withheld: str = ""


class StyleMap(Mapping[str, Style]):
    """rel → ``Style`` of each scanned JS/TS file, detected from the file's bytes (via ``read``)
    the first time a rule asks: only files that get a fix need their style."""

    def __init__(self, facts: dict[str, FileFacts], read: Callable[[str], bytes | None],
                 rules: StyleRules | None = None) -> None:
        self._facts = facts
        self._read = read
        self._rules = rules or StyleRules()
        self._known: dict[str, Style] = {}

    def __getitem__(self, rel: str) -> Style:
        style = self._known.get(rel)
        if style is None:
            facts = self._facts[rel]  # KeyError for files that were not scanned
            source = self._read(rel) or b""
            style = self._rules.apply(detect_style(
                source, module=facts.module,  # type: ignore[arg-type]
                typescript=JS_SUFFIXES[os.path.splitext(rel)[1]] != "javascript"))
            self._known[rel] = style
        return style

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)

    def __contains__(self, rel: object) -> bool:
        return rel in self._facts


def project_info(project: Project, config: Config) -> ProjectInfo:
    """Return the plain project facts given to rules."""
    deps = project.package_json.dependencies() if project.package_json else {}
    return ProjectInfo(root=str(project.root), module_system=project.module_system,
                       typescript=project.typescript, dependencies=deps,
                       has_package_json=project.package_json is not None, config=config,
                       typescript_output=project.typescript_output,
                       include_roles=frozenset(config.roles),
                       style_rules=read_style_rules(
                           project.root,
                           project.package_json.data if project.package_json else None))


def _per_file(rule_ids: tuple[str, ...]) -> list[tuple[str, Rule]]:
    """Return the selected rules of ``FILE_RULE_IDS``, importing only their modules."""
    return [(rule_id, found) for rule_id in rule_ids
            if rule_id in FILE_RULE_IDS and (found := rule(rule_id)) is not None]


@cache
def _file_rules(rule_ids: tuple[str, ...]) -> list[tuple[str, Rule]]:
    """Return the selected rules that look at single files (a ``check_file`` of their own)."""
    return [(rule_id, found) for rule_id, found in _per_file(rule_ids)
            if type(found).check_file is not Rule.check_file]


@cache
def _data_rules(rule_ids: tuple[str, ...]) -> list[tuple[str, Rule]]:
    """Return the selected rules that keep data of single files for their project phase (a
    ``file_data`` of their own)."""
    return [(rule_id, found) for rule_id, found in _per_file(rule_ids)
            if type(found).file_data is not Rule.file_data]


#: The most bytes of files the project phase keeps in memory between its reads (``read`` in
#: ``Scanner.scan``): the sources of a typical app, not a monorepo's.
_KEPT_BYTES = 32 * 1024 * 1024


def scan_source(info: ProjectInfo, rel: str, data: bytes, rule_ids: Iterable[str]) -> FileScan:
    """Parse one JS/TS file and run the per-file rules on it."""
    from nodeharden._parse import parse

    result = FileScan(rel)
    reason = decode_source(data)
    if reason:
        result.skipped = reason
        return result
    source = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not _CONTENT_ROLES <= info.include_roles:  # with every such role included: no need
        role = role_from_content(source)
        if not info.scans(role):
            result.skipped = role.skip_reason()
            return result
    suffix = os.path.splitext(rel)[1]
    lang = JS_SUFFIXES[suffix]
    module = module_kind_for(rel, info.module_system, source)  # type: ignore[arg-type]
    try:
        with _time_budget(FILE_BUDGET_SECONDS):
            tree = parse(lang, source)
            if tree.root_node.has_error:
                result.skipped = f"not valid {_LANG_NAMES[lang]}: " + (
                    FLOW_SKIP if _FLOW_RE.search(source, 0, 2048) else
                    _first_error(tree.root_node))
                return result
            facts = extract_facts(lang, source, tree.root_node, rel, module)
            result.facts = facts
            # style=None: FileContext detects the style on first use (only fixes need it).
            ctx = FileContext(rel=rel, lang=lang, source=source, tree=tree, facts=facts,
                              style=None, info=info)  # type: ignore[arg-type]
            for rule_id, rule in _file_rules(tuple(rule_ids)):
                if not ctx.wanted(rule):
                    continue
                if rule_id in OUTSIDE_READERS:
                    result.outside = True
                try:
                    found = list(itertools.islice(rule.check_file(ctx),
                                                  MAX_FINDINGS_PER_RULE + 1))
                except _BudgetExceeded:
                    raise
                except Exception as exc:  # noqa: BLE001 - one rule's bug is reported, not fatal
                    result.fail(f"rule {rule_id} failed: {type(exc).__name__}: {exc}")
                    continue
                if len(found) > MAX_FINDINGS_PER_RULE:
                    found = found[:MAX_FINDINGS_PER_RULE]
                    result.fail(f"rule {rule_id}: more than {MAX_FINDINGS_PER_RULE} findings "
                                f"in this file; only the first {MAX_FINDINGS_PER_RULE} are "
                                "reported")
                result.findings.extend(found)
            for rule_id, rule in _data_rules(tuple(rule_ids)):
                try:
                    kept = rule.file_data(ctx)
                except _BudgetExceeded:
                    raise
                except Exception as exc:  # noqa: BLE001 - as for check_file
                    result.fail(f"rule {rule_id} failed: {type(exc).__name__}: {exc}")
                    continue
                if kept is not None:
                    result.data[rule_id] = kept
    except _BudgetExceeded:
        result.findings = []
        result.facts = None
        result.data = {}
        result.fail(f"took longer than {FILE_BUDGET_SECONDS} s to scan; not reported")
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the run
        result.fail(f"parse failed: {type(exc).__name__}: {exc}")
    return result


#: Per-file rules whose findings (messages, fix titles) depend on files other than the one
#: scanned: cookie-flags reads the front-end code (which cookies the client reads), helmet the
#: views and HTML pages (the content security policy they need). A cached scan of a file such
#: a rule looked at is reused only while no file of the project changed (``_resultcache``).
#: tests/engine/test_result_cache.py fails when another rule module starts reading files.
OUTSIDE_READERS = frozenset({"cookie-flags", "helmet"})

_SAVE_HOOK_RE = lazy_pattern(rb"""\.pre\(\s*['"](?:save|validate)['"]|\b(?:beforeCreate|beforeSave"""
                           rb"""|beforeUpdate|beforeBulkCreate)\b""")
_HASH_CALL_RE = lazy_pattern(rb"\b(?:bcrypt|bcryptjs|argon2|scrypt|pbkdf2)\b|\.hash(?:Sync)?\(")


#: The roles a file's bytes can give it (see ``_roles.role_from_content``).
_CONTENT_ROLES = frozenset({"test", "browser", "frontend", "generated"})

#: Bounds on the work one file may cost, so that any file under the 1 MB cap (a minified
#: bundle opted in, or a file written to attack the scanner) keeps the run's memory bounded:
#: findings per rule per file (each keeps at most ``SNIPPET_CHARS`` of its line) and time.
MAX_FINDINGS_PER_RULE = 500
FILE_BUDGET_SECONDS: float = 30

_LANG_NAMES = {"javascript": "JavaScript", "typescript": "TypeScript", "tsx": "TSX"}
#: A Flow-typed file (``// @flow`` or ``/* @flow */`` in its first comment): its annotations
#: are not JavaScript, and no grammar here reads them.
_FLOW_RE = lazy_pattern(rb"@flow\b")
FLOW_SKIP = "Flow type annotations (@flow), which nodeharden does not parse"


class _BudgetExceeded(Exception):
    """Raised inside a scan that ran past its time budget."""


@contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """Raise ``_BudgetExceeded`` in the block after ``seconds`` (POSIX main thread only;
    elsewhere the block runs unbounded)."""
    import signal

    if not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise _BudgetExceeded

    try:
        previous = signal.signal(signal.SIGALRM, expired)
    except ValueError:  # not the main thread, which alone takes signals (no threading import)
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _first_error(root: Any) -> str:
    """Return where the first syntax error of a tree is (``syntax error at line 3``)."""
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None and (node.is_error or node.is_missing):
            return f"syntax error at line {node.start_point[0] + 1}"
        if node is not None and node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return "syntax error"


def read_bytes(root: str | Path, rel: str) -> bytes:
    """Return the bytes of the file ``rel`` under ``root`` (raises OSError): ``Path(root) /
    rel`` and ``read_bytes`` cost twice as much, on the 600-odd reads of a 300-file check."""
    with open(os.path.join(root, rel), "rb") as file:
        return file.read()


def _scan_path(args: tuple[ProjectInfo, str, list[str], bool]) -> FileScan:
    """Scan one file of the project (``args``: the project facts, the file, the rules, and
    whether the result cache keeps it, which needs the digest of the bytes read)."""
    info, rel, rule_ids, keep = args
    try:
        data = read_bytes(info.root, rel)
    except OSError as exc:
        return FileScan(rel, skipped=f"unreadable: {exc.strerror or exc}")
    result = scan_source(info, rel, data, rule_ids)
    if keep:
        result.digest = content_digest(data)
    return result


class Scanner:
    """Scans a project, caching per-file results by content so fix passes re-parse only what
    changed."""

    def __init__(self, project: Project, config: Config, rule_ids: list[str], *,
                 jobs: int | None = None, only: set[str] | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 cache: bool = False) -> None:
        self.project = project
        self.config = config
        self.rule_ids = rule_ids
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.only = only
        self.progress = progress
        self.info = project_info(project, config)
        self._cache: dict[tuple[str, str], FileScan] = {}
        self._walk: tuple[list[SourceFile], list[Skipped]] | None = None
        self._extra: dict[str, Any] = {}  # ProjectContext.extra: kept across fix passes
        self.package_dirs: list[str] = []  # folders holding a package.json ("" = root)
        #: Nested package folder -> the role its package.json gives its files (front end,
        #: example).
        self.package_roles: dict[str, RoleOf] = {}
        self._runtime: Runtime | None = None
        self._image_files: ImageFiles | None = None
        #: Keep per-file scans across runs in the project's .nodeharden_cache/ (``check``).
        self.use_cache = cache
        self.cache_hits = 0
        #: Join the findings a rule reports once per file (``one_per_file``); off where a
        #: baseline filters them one by one first (``_api.check``).
        self.join_repeats = True

    @property
    def runtime(self) -> Runtime:
        """Return the Node version and package manager the project runs with."""
        if self._runtime is None:
            files, _ = self._walked()
            dockerfiles = tuple(f.rel for f in files if f.kind == "dockerfile")
            data = self.project.package_json.data if self.project.package_json else None
            self._runtime = detect_runtime(self.project.root, data, dockerfiles,
                                           nested=tuple(self._nested_packages()))
        return self._runtime

    @property
    def image_files(self) -> ImageFiles:
        """Return what the project's Docker images copy and start (read once)."""
        if self._image_files is None:
            import json

            files, _ = self._walked()
            dockerfiles = [f.rel for f in files if f.kind == "dockerfile"]
            data: dict[str, Any] = \
                self.project.package_json.data if self.project.package_json else {}
            block = data.get("scripts")
            scripts = {str(k): str(v) for k, v in block.items()} \
                if dockerfiles and isinstance(block, dict) else {}
            names = [str(data.get("main", "")), json.dumps(data.get("bin", ""))]
            for name in ("Procfile", "docker-compose.yml", "docker-compose.yaml",
                         "compose.yml", "compose.yaml") if dockerfiles else ():
                text = self._read(name)
                if text:
                    names.append(text.decode("utf-8", "replace"))
            self._image_files = ImageFiles(self.project.root, dockerfiles, scripts, names)
        return self._image_files

    def _nested_packages(self) -> Iterable[tuple[str, dict[str, Any]]]:
        """Yield (path, data) of each package.json below the root that gives its files no role
        of their own (``package_roles``: a front end, an example)."""
        import json

        self._walked()
        for folder in self.package_dirs:
            if not folder or folder in self.package_roles:
                continue
            rel = posixpath.join(folder, "package.json")
            try:
                data = json.loads((self.project.root / rel).read_text(encoding="utf-8-sig"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict):
                yield rel, data

    def _walked(self) -> tuple[list[SourceFile], list[Skipped]]:
        if self._walk is None:
            files, skips = walk(self.project.root, exclude=self.config.exclude)
            skipped = [Skipped(s.path, s.reason) for s in skips]
            self.package_dirs = sorted(posixpath.dirname(f.rel) for f in files
                                       if f.kind == "package")
            self.package_roles = package_roles(self.project.root, self.package_dirs)
            self.info.js_configs = js_configs(self.project.root, ["", *self.package_dirs])
            kept: list[SourceFile] = []
            for source in files:
                role = self.role_of(source)
                if not self.info.scans(role):
                    skipped.append(Skipped(source.rel, role.skip_reason()))
                    continue
                kept.append(source)
            self._walk = (kept, skipped)
            self.info.hashes_on_save = self._hashes_on_save(kept)
        return self._walk

    def _hashes_on_save(self, files: list[SourceFile]) -> bool:
        """Return True when an ORM model of the project hashes passwords in a save hook
        (read only for password-hash, its one reader, in projects that depend on mongoose or
        sequelize)."""
        if "password-hash" not in self.rule_ids:
            return False
        if not any(self.info.has_dependency(orm) for orm in ("mongoose", "sequelize",
                                                             "@sequelize/core")):
            return False
        for source in files:
            if source.kind != "js":
                continue
            try:
                data = read_bytes(self.project.root, source.rel)
            except OSError:
                continue
            if _SAVE_HOOK_RE.search(data) and _HASH_CALL_RE.search(data):
                return True
        return False

    def role_of(self, source: SourceFile) -> RoleOf:
        """Return the role a JS/TS file's path and package give it (``APP`` for other kinds).

        Content (test-runner imports, bundles, generated headers) is read in ``scan_source``.
        """
        if source.kind == "dockerfile":
            try:
                text = (self.project.root / source.rel).read_text("utf-8", errors="replace")
            except OSError:
                return APP
            return dockerfile_role(source.rel, text)
        if source.kind != "js":
            return APP
        package = package_of(source.rel, self.package_dirs)
        if package in self.package_roles:
            return self.package_roles[package]
        return role_of_file(source.rel, lambda: self._read(source.rel))

    def _read(self, rel: str) -> bytes | None:
        """Return the bytes of the project's file ``rel`` (None when unreadable)."""
        try:
            return read_bytes(self.project.root, rel)
        except OSError:
            return None

    def scan(self, overlay: dict[str, bytes | None] | None = None) -> ScanResult:
        """Scan the project as it would be with ``overlay`` (rel → new bytes, None = deleted)."""
        overlay = overlay or {}
        files, skipped = self._walked()
        files = list(files)
        known = {f.rel for f in files}
        for rel, data in overlay.items():
            kind = classify(rel)
            if rel not in known and data is not None and kind is not None:
                source = SourceFile(rel, kind, len(data))
                role = self.role_of(source)
                if self.info.scans(role):
                    files.append(source)
        files.sort(key=lambda f: f.rel)

        #: The bytes read in the project phase, which reads most files several times (956
        #: reads of 300 files in a check of a 300-file app); dropped when this scan returns.
        #: Up to ``_KEPT_BYTES`` of them: past that, files are read again from disk (a large
        #: monorepo's sources are not all held at once).
        kept: dict[str, bytes | None] = {}
        kept_size = [0]
        keeping = False

        def read(rel: str) -> bytes | None:
            """Return a file's bytes as rules see them: overlay first, BOM removed."""
            if keeping:
                if rel in kept:
                    return kept[rel]
                data = read_now(rel)
                if kept_size[0] < _KEPT_BYTES:
                    kept[rel] = data
                    kept_size[0] += len(data or b"")
                return data
            return read_now(rel)

        def read_now(rel: str) -> bytes | None:
            if rel in overlay:
                data = overlay[rel]
            else:
                try:
                    data = read_bytes(self.project.root, rel)
                except OSError:
                    return None
            if data is not None and data.startswith(b"\xef\xbb\xbf"):
                return data[3:]
            return data

        js = [f for f in files if f.kind == "js"]
        scans: dict[str, FileScan] = {}
        todo_disk: list[str] = []
        for f in js:
            if f.rel in overlay:
                data = overlay[f.rel]
                if data is None:
                    continue
                key = (f.rel, content_digest(data))
                if key not in self._cache:
                    self._cache[key] = scan_source(self.info, f.rel, data, self.rule_ids)
                scans[f.rel] = self._cache[key]
            elif (f.rel, "") in self._cache:
                scans[f.rel] = self._cache[(f.rel, "")]
            else:
                todo_disk.append(f.rel)
        stored = None
        if self.use_cache and todo_disk:
            from nodeharden._resultcache import ResultCache, cache_key

            stored = ResultCache(self.project.root, cache_key(self.info, self.rule_ids))
            misses = []
            for rel in todo_disk:
                try:
                    data = read_bytes(self.project.root, rel)
                except OSError:
                    misses.append(rel)
                    continue
                hit = stored.get(rel, content_digest(data), self.project.root)
                if hit is None:
                    misses.append(rel)
                else:
                    self._cache[(rel, "")] = hit
                    scans[rel] = hit
            self.cache_hits = stored.hits
            todo_disk = misses
        for result in self._scan_many(todo_disk):
            self._cache[(result.rel, "")] = result
            scans[result.rel] = result
            if stored is not None and result.digest:
                # The digest of the bytes the scan read (a file that changed since it was
                # looked up above is stored under its new bytes).
                stored.put(result.rel, result.digest, result, self.project.root)
        if stored is not None:
            stored.save()
        scans = {f.rel: scans[f.rel] for f in js if f.rel in scans}  # walk order
        keeping = True
        try:
            return self._project_phase(files, skipped, scans, read)
        finally:
            keeping = False
            kept.clear()

    def _project_phase(self, files: list[SourceFile], skipped: list[Skipped],
                       scans: dict[str, FileScan], read: Callable[[str], bytes | None]
                       ) -> ScanResult:
        """Run the project rules on the per-file scans, then suppressions and the notes."""
        findings: list[Finding] = []
        failed: list[Skipped] = []
        skipped = list(skipped)
        facts: dict[str, FileFacts] = {}
        file_data: dict[str, dict[str, Any]] = {}
        for rel, result in scans.items():
            if result.skipped:
                skipped.append(Skipped(rel, result.skipped))
                continue
            if result.failed:
                failed.append(Skipped(rel, result.failed))
            if result.facts is not None:
                facts[rel] = result.facts
            for rule_id, kept in result.data.items():
                file_data.setdefault(rule_id, {})[rel] = kept
            findings.extend(result.findings)
        left_out: dict[str, RoleOf] = {}
        if "script" not in self.info.include_roles:
            scripts = setup_servers(facts, read)
            if self.image_files.images:
                js = [f.rel for f in files if f.kind == "js" and f.rel in scans
                      and not scans[f.rel].skipped]
                scripts.update(unshipped_scripts(self.image_files, js, read))
            left_out.update((rel, RoleOf("script", why)) for rel, why in scripts.items())
        for rel, role in self._non_production_servers(files, skipped, facts, read).items():
            if rel not in left_out and not self.info.scans(role):
                left_out[rel] = role
        for rel, role in left_out.items():
            facts.pop(rel, None)
            for kept in file_data.values():
                kept.pop(rel, None)
            findings = [f for f in findings if f.path != rel]
            skipped.append(Skipped(rel, role.skip_reason()))
        styles = StyleMap(facts, read, self.info.style_rules)
        pj = read("package.json")
        ctx = ProjectContext(info=self.info, files=files, facts=facts, styles=styles, read=read,
                             package_json_text=pj.decode("utf-8", "replace") if pj else None,
                             extra=self._extra, file_data=file_data,
                             skipped=tuple((s.path, s.reason) for s in skipped),
                             runtime=lambda: self.runtime)
        for rule_id in self.rule_ids:
            found = rule(rule_id)
            if found is None:
                continue
            try:
                findings.extend(found.check_project(ctx))
            except Exception as exc:  # noqa: BLE001
                failed.append(Skipped(".", f"rule {rule_id} failed: {type(exc).__name__}: {exc}"))
        findings = _unsuppressed(findings, read)
        if self.only is not None:
            findings = [f for f in findings if f.path in self.only]
        if self.join_repeats:
            findings = one_per_file(findings)
        order = {rule_id: i for i, rule_id in enumerate(RULE_IDS)}
        findings.sort(key=lambda f: (f.path, f.line, f.column, order.get(f.rule, 99)))
        notes = list(self.project.notes)
        if facts and not any(app.kind == "app" for f in facts.values() for app in f.apps):
            # "No findings" would read as a checked, clean app (a prototype kit's template,
            # whose app a dependency builds and which only adds routes).
            notes.append(f"none of the {len(facts)} files scanned creates an Express app "
                         "(`express()`): the app-level checks (headers, rate limits, body "
                         "limits, error handling) had nothing to look at; where a dependency "
                         "builds the app, they cover none of it")
        flow = sum(1 for item in skipped if item.reason.endswith(FLOW_SKIP))
        if flow:
            notes.append(f"{flow} file{'s' if flow != 1 else ''} with Flow type annotations "
                         "(@flow) skipped: nodeharden does not parse Flow; check the output of "
                         "flow-remove-types (or Babel's Flow preset) to cover "
                         f"{'them' if flow != 1 else 'it'}")
        on_purpose = vulnerable_by_design(read) if findings else None
        if on_purpose:
            # A training target (a "Juice Shop"): each finding may be one of its exercises,
            # which a fix would remove.
            findings = [replace(f, fix=None) if f.fix else f for f in findings]
            notes.append(f"the project says it is vulnerable on purpose ({on_purpose}): its "
                         "findings are reported without fixes, which would remove what it "
                         "shows on purpose")
        return ScanResult(root=self.project.root, findings=findings,
                          skipped=sorted(skipped, key=lambda s: s.path), failed=failed,
                          files=files, facts=facts, styles=styles,
                          notes=notes, scanned=len(scans),
                          fixes_withheld=f"the project says it is vulnerable on purpose "
                                         f"({on_purpose})" if on_purpose else "")

    def _non_production_servers(self, files: list[SourceFile], skipped: list[Skipped],
                                facts: dict[str, FileFacts],
                                read: Callable[[str], bytes | None]) -> dict[str, RoleOf]:
        """Return the server files that only development or the tests start (``_starters``),
        and the Express apps only they mount (``app.use('/api', fakeApi)``: part of that
        server), each with its role."""
        servers = [rel for rel, f in facts.items() if _serves(f, read)]
        if not servers:
            return {}
        from nodeharden._starters import local_imports, read_starters, server_roles

        scanned = {f.rel for f in files if f.kind == "js"} | {s.path for s in skipped}
        folders = {package_of(rel, self.package_dirs) for rel in servers}

        def listed(folder: str) -> list[str]:
            if folder not in folders and posixpath.dirname(folder) not in folders:
                return []
            try:
                return sorted(entry.name for entry in os.scandir(self.project.root / folder)
                              if entry.is_file())
            except OSError:
                return []

        starters = read_starters(((f.rel, f.kind) for f in files), read, listed, scanned)
        roles = server_roles(servers, starters, lambda: {
            rel: local_imports(rel, read(rel) or b"", scanned) for rel in facts})
        if not roles:
            return {}
        from nodeharden.rules._mounts import mounts

        ctx = ProjectContext(info=self.info, files=files, facts=facts, styles={}, read=read,
                             package_json_text=None, extra=self._extra)
        for rel, found in mounts(ctx, factories=True).items():
            parents = sorted({parent for parent, _ in found})
            if rel not in roles and all(parent in roles for parent in parents):
                kind = roles[parents[0]].role
                label = "development server" if kind == "dev" else "server for the tests"
                roles[rel] = RoleOf(kind, f"an app mounted only by the {label} {parents[0]}")
        return roles

    def _scan_many(self, rels: list[str]) -> Iterable[FileScan]:
        """Yield the scan of every file of ``rels`` (in no set order)."""
        total = len(rels)
        keep = self.use_cache
        args = [(self.info, rel, self.rule_ids, keep) for rel in rels]
        if self.jobs <= 1 or total < POOL_THRESHOLD:
            for i, arg in enumerate(args, 1):
                yield _scan_path(arg)
                if self.progress:
                    self.progress(i, total)
            return
        if hasattr(os, "fork") and sys.platform == "linux":
            sizes = {f.rel: f.size for f in self._walked()[0]}
            yield from _forked_scan(self.info, rels, self.rule_ids, self.jobs,
                                    lambda rel: sizes.get(rel, 0), self.progress, keep)
            return
        yield from self._pool_scan(args)

    def _pool_scan(self, args: list[tuple[ProjectInfo, str, list[str], bool]]
                   ) -> Iterable[FileScan]:
        """Scan in a spawned process pool (where fork is unsafe or missing)."""
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        total = len(args)
        chunk = max(1, min(64, total // (self.jobs * 8) or 1))
        done = 0
        try:
            with ProcessPoolExecutor(max_workers=self.jobs) as pool:
                for result in pool.map(_scan_path, args, chunksize=chunk):
                    done += 1
                    yield result
                    if self.progress:
                        self.progress(done, total)
        except BrokenProcessPool:
            for _, rel, _, _ in args[done:]:
                yield FileScan(rel, failed=WORKER_DIED)


#: The failure of each file a forked scanner did not report before it died.
WORKER_DIED = ("a scanning worker process died (out of memory or a crash) before this file "
               "was reported")


def _forked_scan(info: ProjectInfo, rels: list[str], rule_ids: list[str], jobs: int,
                 size_of: Callable[[str], int],
                 progress: Callable[[int, int], None] | None,
                 keep: bool = False) -> Iterator[FileScan]:
    """Scan ``rels`` in this process and ``jobs - 1`` forked children; yield every file's scan
    as it arrives.

    The rules are imported before forking, so the children inherit them and the project facts;
    nothing but file numbers crosses to a child. The work is a queue every process takes the
    next file from (biggest first, so that the processes finish together): the file numbers,
    written up front into a pipe whose write end is closed before forking, and read four bytes
    (one number) at a time; a read from a pipe is atomic, so each file is taken once. Each child
    streams its results back as pickles through a pipe of its own; the parent reads them
    between files of its own. A child that dies (killed for memory, a crash in native code)
    loses only the file it was scanning: every file nobody reported is a failure naming it,
    and the run exits 2.
    """
    import gc
    import pickle
    import selectors
    import signal

    order = sorted(rels, key=size_of, reverse=True)
    total = len(order)
    _file_rules(tuple(rule_ids))  # import the per-file rules before forking
    _data_rules(tuple(rule_ids))
    queue = _file_queue(total)
    children: dict[int, int] = {}  # result pipe's read end → child pid
    buffers: dict[int, bytearray] = {}
    reported: set[str] = set()
    selector = selectors.DefaultSelector()

    def drain(timeout: float | None) -> list[FileScan]:
        """Return the whole results the children wrote since the last call."""
        results = []
        for key, _ in selector.select(timeout):
            chunk = os.read(key.fd, 1 << 20)
            if not chunk:
                selector.unregister(key.fd)
                continue
            buffer = buffers[key.fd]
            buffer += chunk
            while len(buffer) >= 8:
                size = int.from_bytes(buffer[:8], "little")
                if len(buffer) < 8 + size:
                    break
                results.append(pickle.loads(buffer[8:8 + size]))
                del buffer[:8 + size]
        return results

    def arrived(results: Iterable[FileScan]) -> Iterator[FileScan]:
        for result in results:
            reported.add(result.rel)
            yield result
            if progress:
                progress(len(reported), total)

    try:
        gc.freeze()  # the children share the parent's objects: keep the collector off them
        try:
            for _ in range(jobs - 1):
                read_end, write_end = os.pipe()
                pid = os.fork()
                if pid == 0:  # the child: scan, write, exit; never return into the caller
                    status = 1
                    try:
                        os.close(read_end)
                        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: end quietly
                        with os.fdopen(write_end, "wb") as out:
                            for index in _taken(queue, total):
                                data = pickle.dumps(_scan_path((info, order[index], rule_ids, keep)),
                                                    pickle.HIGHEST_PROTOCOL)
                                out.write(len(data).to_bytes(8, "little") + data)
                        status = 0
                        save_pattern_codes()  # no atexit handlers run after os._exit
                    finally:
                        os._exit(status)
                os.close(write_end)
                _widen_pipe(read_end)
                children[read_end] = pid
                buffers[read_end] = bytearray()
                selector.register(read_end, selectors.EVENT_READ)
        finally:
            gc.unfreeze()
        if children:
            # The project phase's other rules and the modules their project phase loads,
            # imported here while the children scan: the queue gives them the files this
            # process does not take meanwhile.
            import importlib

            for rule_id in rule_ids:
                found = rule(rule_id)
                for module in found.project_modules if found is not None else ():
                    importlib.import_module(module)
        for index in _taken(queue, total):
            yield from arrived([_scan_path((info, order[index], rule_ids, keep))])
            if children:
                yield from arrived(drain(0))
        while selector.get_map():
            yield from arrived(drain(None))
        for fd, pid in list(children.items()):
            os.waitpid(pid, 0)
            del children[fd]
            os.close(fd)
        for rel in order:
            if rel not in reported:  # taken by a child that died
                yield FileScan(rel, failed=WORKER_DIED)
    finally:
        selector.close()
        os.close(queue[0])
        for fd, pid in children.items():  # stopped early: end the children
            os.close(fd)
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass


def _file_queue(count: int) -> tuple[int, int]:
    """Return (the read end of a pipe, n): the pipe holds numbers of four bytes, each standing
    for the n files from number × n on, its write end closed. Reading it to the end takes every
    file once, across processes. (n > 1 only above 15,000 files: the numbers must fit in a
    pipe's 64 KB before any process reads them.)"""
    per = -(-count * 4 // 60_000)
    read_end, write_end = os.pipe()
    try:
        data = b"".join(i.to_bytes(4, "little") for i in range(-(-count // per)))
        view = memoryview(data)
        while view:
            written = os.write(write_end, view)
            view = view[written:]
    finally:
        os.close(write_end)
    return read_end, per


def _taken(queue: tuple[int, int], count: int) -> Iterator[int]:
    """Yield the numbers of the files this process takes from the queue until it is empty."""
    fd, per = queue
    while True:
        record = os.read(fd, 4)
        if len(record) < 4:
            return
        first = int.from_bytes(record, "little") * per
        yield from range(first, min(first + per, count))


def _widen_pipe(fd: int) -> None:
    """Let a pipe hold 1 MB (Linux), so that a child seldom waits for the parent to read its
    results while the parent is busy with a file of its own."""
    import fcntl

    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except OSError:
        pass  # over /proc/sys/fs/pipe-max-size: the default size works, a little slower


#: Names of a first-run installer: ``setup.js``, ``install.js``, ``installer.js``, or any file
#: under ``install/``/``installer/``.
_SETUP_NAMES = frozenset({"setup", "install", "installer", "web-installer", "setup-server",
                          "install-server"})
_SETUP_DIRS = frozenset({"install", "installer"})


def _serves(facts: FileFacts, read: Callable[[str], bytes | None]) -> bool:
    """Return True when a file creates an Express app and starts a server itself."""
    if not any(app.kind == "app" for app in facts.apps):
        return False
    return any(call.method == "listen" for call in facts.calls) \
        or b"createServer(" in (read(facts.path) or b"")


def setup_servers(facts: Mapping[str, FileFacts], read: Callable[[str], bytes | None]
                  ) -> dict[str, str]:
    """Return the files that are a first-run setup server (rel → why): named ``setup``,
    ``install`` or ``installer`` (or under an ``install/`` folder), creating an Express app and
    starting a server of their own, in a project whose main app is made in another file. The
    installer serves the person installing, once, before the app is configured; the app's
    hardening belongs to the main server."""
    found: dict[str, str] = {}
    servers = [rel for rel, f in facts.items() if _serves(f, read)]
    for rel in servers:
        parts = rel.split("/")
        stem = parts[-1].rsplit(".", 1)[0].lower()
        if stem in _SETUP_NAMES or any(p.lower() in _SETUP_DIRS for p in parts[:-1]):
            found[rel] = ""
    main = [rel for rel, f in facts.items() if rel not in found
            and any(app.kind == "app" for app in f.apps)]
    if not main:
        return {}
    return {rel: f"a first-run setup server (it starts an Express app of its own; the main "
                 f"app is {main[0]})" for rel in found}


def one_per_file(findings: list[Finding]) -> list[Finding]:
    """Return ``findings`` with those a rule reports once per file (``Rule.repeats``) joined
    per rule, file, kind of fix (safe, unsafe, none) and what the pattern's groups capture:
    the first one stands for the others, its message naming their lines and its fix making
    all their edits (each insertion once). A finding whose fix would overlap the joined edits
    stays on its own. Suppressions have been applied: a ``nodeharden-ignore`` line drops its
    place from the group."""
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for finding in findings:
        found = rule(finding.rule)
        pattern = found.repeats if found is not None else None
        match = pattern.match(finding.message) if pattern is not None else None
        if match is not None:
            # (The pattern's groups tell kinds apart: an error's message from its stack.)
            kind = finding.fix.applicability if finding.fix is not None else ""
            groups.setdefault((finding.rule, finding.path, kind, *match.groups()),
                              []).append(finding)
    if not any(len(members) > 1 for members in groups.values()):
        return findings
    # Each joined finding takes the place of its first member; the others leave the list.
    replaced: dict[int, Finding | None] = {}
    for members in groups.values():
        members.sort(key=lambda f: (f.line, f.column))
        while members:
            joined, left = _joined(members)
            left_ids = {id(m) for m in left}
            taken = [m for m in members if id(m) not in left_ids]
            replaced[id(taken[0])] = joined
            replaced.update((id(m), None) for m in taken[1:])
            members = left
    out = [replaced.get(id(f), f) for f in findings]
    return [f for f in out if f is not None]


def _joined(members: list[Finding]) -> tuple[Finding, list[Finding]]:
    """Return the first of ``members`` joined with every later one whose fix does not overlap
    the edits joined so far, and the members left over."""
    first, *rest = members
    if not rest:
        return first, []
    edits: dict[str, list[TextEdit]] = {}
    inserted: set[tuple[str, int, str]] = set()

    def add(fix: Fix | None) -> bool:
        if fix is None:
            return True
        # (Only plain edits are compared by their text: a deferred one renders when read.)
        new = [(change.path, edit) for change in fix.changes for edit in change.edits
               if not (type(edit) is TextEdit and edit.start == edit.end
                       and (change.path, edit.start, edit.content) in inserted)]
        if any(change.create for change in fix.changes) or any(
                edit.overlaps(other) for path, edit in new for other in edits.get(path, ())):
            return False
        for path, edit in new:
            edits.setdefault(path, []).append(edit)
            if type(edit) is TextEdit and edit.start == edit.end:
                inserted.add((path, edit.start, edit.content))
        return True

    add(first.fix)
    taken: list[Finding] = []
    left: list[Finding] = []
    for member in rest:
        (taken if add(member.fix) else left).append(member)
    if not taken:
        return first, left
    # Places by line, with the column where a line holds two of them.
    shared = {line for line in (first.line, *(m.line for m in taken))
              if [first.line, *(m.line for m in taken)].count(line) > 1}
    places = [f"{m.line}, column {m.column}" if m.line in shared else str(m.line)
              for m in taken]
    separator = "; " if shared else ", "
    listed = separator.join(places[:-1]) + f" and {places[-1]}" if len(places) > 1 \
        else places[0]
    message = f"{first.message}; the same at line{'s' if len(places) > 1 else ''} {listed} " \
        "of this file"
    fix = first.fix
    if fix is not None:
        every = [fix, *(member.fix for member in taken if member.fix is not None)]
        fix = replace(
            fix, title=f"{fix.title}, and the same at the "
                       + (f"{len(taken)} other places" if len(taken) > 1 else "other place"),
            changes=tuple(FileChange(path, tuple(sorted(found, key=lambda e: (e.start, e.end))))
                          for path, found in edits.items()),
            dependencies=tuple(sorted({d for one in every for d in one.dependencies})),
            dev_dependencies=tuple(sorted({d for one in every for d in one.dev_dependencies})))
    return replace(first, message=message, fix=fix,
                   related=tuple((m.line, m.column) for m in taken)), left


def _unsuppressed(findings: list[Finding], read: Callable[[str], bytes | None]) -> list[Finding]:
    """Drop findings with ``nodeharden-ignore RULE`` on their line or the line above."""
    lines_of: dict[str, list[str]] = {}
    kept: list[Finding] = []
    for finding in findings:
        if finding.path not in lines_of:
            data = read(finding.path) or b""
            lines_of[finding.path] = data.decode("utf-8", "replace").split("\n")
        lines = lines_of[finding.path]
        if _suppressed(lines, finding.line, finding.rule):
            continue
        kept.append(finding)
    return kept


def _suppressed(lines: list[str], line: int, rule: str) -> bool:
    for number in (line, line - 1):
        if not 1 <= number <= len(lines):
            continue
        text = lines[number - 1]
        if "nodeharden-ignore" not in text:
            continue
        for match in _SUPPRESS_RE.finditer(text):
            listed = match.group(1)
            if not listed or not listed.strip():
                return True
            if rule in {r.strip() for r in re.split(r"[,\s]+", listed) if r.strip()}:
                return True
    return False
