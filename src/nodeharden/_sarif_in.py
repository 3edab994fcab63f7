"""``fix --from-sarif FILE``: fix exactly what another scanner reported.

Each SARIF result is mapped to nodeharden rules through ``RULE_MAP`` (the table in docs/ci.md),
then matched to nodeharden's own findings: same rule, same file, and a line inside the reported
region give or take ``LINE_TOLERANCE`` lines. Results about something *missing* from the app (no
rate limiting, no helmet) match by file only, because each scanner anchors those on a different
line. Only matched findings are fixed; every imported result that is not fixed is reported on
stderr with the reason.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal
from urllib.parse import unquote, urlparse

from nodeharden._model import Finding
from nodeharden._project import find_root
from nodeharden._jsonfile import load_json_file
from nodeharden._record import field, record
from nodeharden.errors import SarifImportError

#: Lines a nodeharden finding may sit outside the reported region and still match.
LINE_TOLERANCE = 2

#: End line of a result whose region has no lines (it covers the whole file).
WHOLE_FILE = 1 << 30

Scope = Literal["line", "file"]


@record(frozen=True)
class Mapping:
    """Which nodeharden rules an imported rule id corresponds to, and how to match them."""

    rules: tuple[str, ...]
    scope: Scope = "line"


def _m(*rules: str, scope: Scope = "line") -> Mapping:
    return Mapping(rules, scope)


#: Other scanners' rule ids → nodeharden rules. Semgrep registry ids are looked up by their
#: last dotted segment (``javascript.express.security.audit.express-cookie-settings.
#: express-cookie-session-no-secure`` → ``express-cookie-session-no-secure``), so both the old
#: grouped files and the newer one-rule files match.
RULE_MAP: dict[str, Mapping] = {
    # njsscan
    "cookie_session_default": _m("session-cookie"),
    "cookie_session_no_secure": _m("session-cookie"),
    "cookie_session_no_httponly": _m("session-cookie"),
    "cookie_session_no_samesite": _m("session-cookie"),
    "helmet_feature_disabled": _m("helmet"),
    "helmet_header_check_csp": _m("helmet", scope="file"),
    "helmet_header_check_expect_ct": _m("helmet", scope="file"),
    "helmet_header_feature_policy": _m("helmet", scope="file"),
    "helmet_header_frame_guard": _m("helmet", scope="file"),
    "helmet_header_dns_prefetch": _m("helmet", scope="file"),
    "helmet_header_x_powered_by": _m("helmet", scope="file"),
    "helmet_header_hsts": _m("helmet", scope="file"),
    "helmet_header_ienoopen": _m("helmet", scope="file"),
    "helmet_header_nosniff": _m("helmet", scope="file"),
    "helmet_header_referrer_policy": _m("helmet", scope="file"),
    "helmet_header_xss_filter": _m("helmet", scope="file"),
    "helmet_header_check_crossdomain": _m("helmet", scope="file"),
    "rate_limit_control": _m("rate-limit", scope="file"),
    "node_sqli_injection": _m("sql-injection"),
    "node_error_disclosure": _m("error-handler"),
    "node_secret": _m("hardcoded-secret"),
    "jwt_express_hardcoded": _m("hardcoded-secret"),
    "hardcoded_jwt_secret": _m("hardcoded-secret"),
    # semgrep registry (last segment of the check id)
    "express-cookie-session-default-name": _m("session-cookie"),
    "express-cookie-session-no-secure": _m("session-cookie"),
    "express-cookie-session-no-httponly": _m("session-cookie"),
    "express-session-hardcoded-secret": _m("hardcoded-secret"),
    "express-jwt-hardcoded-secret": _m("hardcoded-secret"),
    "hardcoded-jwt-secret": _m("hardcoded-secret"),
    "tainted-sql-string": _m("sql-injection"),
    "node-mysql-sqli": _m("sql-injection"),
    "node-postgres-sqli": _m("sql-injection"),
    "node-mssql-sqli": _m("sql-injection"),
    # CodeQL
    "js/sql-injection": _m("sql-injection"),
    "js/stack-trace-exposure": _m("error-handler"),
    "js/missing-rate-limiting": _m("rate-limit", scope="file"),
    "js/insecure-helmet-configuration": _m("helmet"),
    "js/clear-text-cookie": _m("cookie-flags", "session-cookie"),
    "js/client-exposed-cookie": _m("cookie-flags", "session-cookie"),
    "js/hardcoded-credentials": _m("hardcoded-secret"),
    "js/insufficient-password-hash": _m("password-hash"),
    # ESLint (eslint-plugin-security-node; eslint-plugin-security has no rule nodeharden covers)
    "security-node/detect-absence-of-name-option-in-exrpress-session": _m("session-cookie"),
    "security-node/detect-security-missconfiguration-cookie": _m("cookie-flags",
                                                                 "session-cookie"),
    "security-node/detect-sql-injection": _m("sql-injection"),
}

#: Rule ids nodeharden knows about but deliberately does not fix, with the reason.
NOT_COVERED: dict[str, str] = {
    "cookie_session_no_domain": "cookie Domain depends on the deployment; nodeharden leaves it",
    "cookie_session_no_path": "cookie Path depends on the routes; nodeharden leaves it",
    "cookie_session_no_maxage": "session lifetime is a product decision; nodeharden leaves it",
    "express-cookie-session-no-domain": "cookie Domain depends on the deployment; nodeharden "
                                        "leaves it",
    "express-cookie-session-no-path": "cookie Path depends on the routes; nodeharden leaves it",
    "express-cookie-session-no-expires": "session lifetime is a product decision; nodeharden "
                                         "leaves it",
    "anti_csrf_control": "CSRF protection is not in nodeharden's catalog",
    "express-check-csurf-middleware-usage": "CSRF protection is not in nodeharden's catalog",
    "js/missing-token-validation": "CSRF protection is not in nodeharden's catalog",
    "security-node/detect-helmet-without-nocache": "helmet 4+ dropped noCache; nodeharden does "
                                                   "not require Cache-Control on every route",
    "express_bodyparser": "bodyParser() temp files are an Express 3 problem; body-limit covers "
                          "request size limits",
}


def lookup(rule_id: str) -> Mapping | None:
    """Return the mapping of an imported rule id (exact id first, then its last dotted part)."""
    if rule_id in RULE_MAP:
        return RULE_MAP[rule_id]
    return RULE_MAP.get(rule_id.rsplit(".", 1)[-1])


def _not_covered(rule_id: str) -> str | None:
    return NOT_COVERED.get(rule_id) or NOT_COVERED.get(rule_id.rsplit(".", 1)[-1])


@record
class Imported:
    """One location of one imported SARIF result."""

    tool: str
    rule_id: str
    uri: str
    path: str | None  # project-relative, None when it could not be placed in the project
    start_line: int
    end_line: int
    mapping: Mapping | None
    problem: str | None = None  # why it cannot be fixed, known before running
    matched: list[Finding] = field(default_factory=list)

    def label(self) -> str:
        """Return ``tool rule at path:line`` for messages."""
        where = self.path or self.uri or "(no location)"
        return f"{self.tool} {self.rule_id} at {where}:{self.start_line}"

    def matches(self, finding: Finding) -> bool:
        """Return True when ``finding`` is the problem this result reports."""
        if self.mapping is None or self.path is None or self.problem is not None:
            return False
        if finding.rule not in self.mapping.rules or finding.path != self.path:
            return False
        if self.mapping.scope == "file":
            return True
        return (self.start_line - LINE_TOLERANCE <= finding.line
                <= self.end_line + LINE_TOLERANCE)


def _tool_name(run: dict[str, Any]) -> str:
    driver = (run.get("tool") or {}).get("driver") or {}
    return str(driver.get("name") or "unknown tool")


def _rule_id(result: dict[str, Any], run: dict[str, Any]) -> str | None:
    rule_id = result.get("ruleId")
    if isinstance(rule_id, str) and rule_id:
        return rule_id
    rule = result.get("rule")
    if isinstance(rule, dict) and isinstance(rule.get("id"), str):
        return str(rule["id"])
    index = result.get("ruleIndex")
    if isinstance(rule, dict) and isinstance(rule.get("index"), int):
        index = rule["index"]
    rules = ((run.get("tool") or {}).get("driver") or {}).get("rules") or []
    if isinstance(index, int) and 0 <= index < len(rules) and isinstance(rules[index], dict):
        found = rules[index].get("id")
        return str(found) if found else None
    return None


class _Resolver:
    """Turns SARIF artifact URIs into project-relative paths."""

    def __init__(self, root: Path, run: dict[str, Any]) -> None:
        self.root = root
        self.bases: dict[str, str] = {}
        for name, value in (run.get("originalUriBaseIds") or {}).items():
            if isinstance(value, dict) and isinstance(value.get("uri"), str):
                self.bases[name] = value["uri"]
        self.anchors = [root, Path.cwd().resolve()]
        git_top = _git_toplevel(root)
        if git_top is not None:
            self.anchors.append(git_top)

    def resolve(self, uri: str, base_id: str | None) -> tuple[str | None, str | None]:
        """Return (project-relative path, None) or (None, why not)."""
        if base_id and base_id in self.bases and not _is_absolute_uri(uri):
            base = self.bases[base_id]
            # "file:///" means "no real base" (the uri is relative to the scan root).
            if _is_absolute_uri(base) and urlparse(base).path not in ("", "/"):
                uri = base.rstrip("/") + "/" + uri.lstrip("/")
        parsed = urlparse(uri)
        if parsed.scheme == "file":
            candidates = [Path(unquote(parsed.path))]
        elif parsed.scheme and len(parsed.scheme) > 1:
            return None, f"unsupported URI {uri!r}"
        else:
            rel = unquote(uri)
            if Path(rel).is_absolute():
                candidates = [Path(rel)]
            else:
                clean = PurePosixPath(rel.replace("\\", "/"))
                candidates = [anchor / clean for anchor in self.anchors]
        for candidate in candidates:
            full = candidate.resolve()
            try:
                rel_path = full.relative_to(self.root)
            except ValueError:
                continue
            if full.is_file():
                return rel_path.as_posix(), None
        return None, f"{uri} is not a file in the project at {self.root}"


def _is_absolute_uri(uri: str) -> bool:
    parsed = urlparse(uri)
    return bool(parsed.scheme) and len(parsed.scheme) > 1


def _git_toplevel(root: Path) -> Path | None:
    import subprocess

    try:
        proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    return Path(proc.stdout.strip()).resolve()


def load_sarif(sarif_path: Path, root: Path) -> list[Imported]:
    """Return every location of every result in the SARIF log at ``sarif_path``."""
    log: Any = load_json_file(sarif_path, what="SARIF file", error=SarifImportError)
    if not isinstance(log, dict) or not isinstance(log.get("runs"), list):
        raise SarifImportError(f"{sarif_path} is not a SARIF log (no \"runs\" list)")
    version = log.get("version")
    if version is not None and not str(version).startswith("2."):
        raise SarifImportError(f"{sarif_path} is SARIF {version}; nodeharden reads SARIF 2.1.0")
    imported: list[Imported] = []
    for run in log["runs"]:
        if not isinstance(run, dict):
            raise SarifImportError(f"{sarif_path}: a run is not an object")
        tool = _tool_name(run)
        resolver = _Resolver(root, run)
        for result in run.get("results") or []:
            if not isinstance(result, dict):
                continue
            rule_id = _rule_id(result, run) or "(no rule id)"
            mapping = lookup(rule_id)
            problem = None
            if mapping is None:
                problem = _not_covered(rule_id) or "no nodeharden rule covers this rule id"
            locations = [loc for loc in result.get("locations") or []
                         if isinstance(loc, dict) and isinstance(loc.get("physicalLocation"),
                                                                 dict)]
            if not locations:
                imported.append(Imported(tool, rule_id, "", None, 0, 0, mapping,
                                         problem or "the result has no file location"))
                continue
            for loc in locations:
                physical = loc["physicalLocation"]
                artifact = physical.get("artifactLocation") or {}
                region = physical.get("region") or {}
                uri = str(artifact.get("uri") or "")
                start = _int(region.get("startLine"), 1)
                end = max(_int(region.get("endLine"), start), start)
                if "startLine" not in region:
                    end = WHOLE_FILE  # no line region: the result is about the whole file
                path: str | None = None
                where_problem = None
                if not uri:
                    where_problem = "the result has no file location"
                else:
                    path, where_problem = resolver.resolve(uri, artifact.get("uriBaseId"))
                imported.append(Imported(tool, rule_id, uri, path, start, end, mapping,
                                         problem or where_problem))
    return imported


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and value > 0 else default


class SarifAcceptor:
    """Accepts the findings an imported SARIF log reported; reports the rest afterwards."""

    def __init__(self, imported: list[Imported]) -> None:
        self.imported = imported
        self._by_path: dict[str, list[Imported]] = {}
        for item in imported:
            if item.path is not None and item.problem is None:
                self._by_path.setdefault(item.path, []).append(item)

    def paths(self) -> set[str]:
        """Return the project files that mapped results point at."""
        return set(self._by_path)

    def __call__(self, finding: Finding) -> bool:
        """Return True when an imported result reported ``finding``."""
        hit = False
        for item in self._by_path.get(finding.path, ()):
            if item.matches(finding):
                item.matched.append(finding)
                hit = True
        return hit

    def reported(self, finding: Finding) -> bool:
        """Return True when an imported result points at ``finding`` (without recording it)."""
        return any(item.matches(finding) for item in self._by_path.get(finding.path, ()))

    def outcomes(self, applied: list[Finding], not_applied: list[tuple[Finding, str]],
                 first_scan: Sequence[Finding] = ()) -> list[tuple[Imported, str | None]]:
        """Return each imported result with None when fixed, else the reason it was not.

        ``first_scan`` holds the findings before any fix, at the lines the imported log
        names: a finding whose fix is unsafe is never offered to the acceptor, and by the last
        pass other fixes may have moved it away from the reported line.
        """
        out: list[tuple[Imported, str | None]] = []
        applied_ids = {id(f) for f in applied}
        for item in self.imported:
            if item.problem is not None:
                out.append((item, item.problem))
                continue
            if any(id(f) in applied_ids for f in item.matched) or any(
                    item.matches(f) for f in applied):
                out.append((item, None))
                continue
            reasons = [reason for f, reason in not_applied
                       if item.matches(f) and reason != "declined"]
            unsafe = any(item.matches(f) and f.fix is not None
                         and f.fix.applicability == "unsafe" for f in first_scan)
            if reasons and not (unsafe and reasons[0].startswith("unsafe fix")):
                out.append((item, reasons[0]))
            elif unsafe:
                out.append((item, "its fix is unsafe: needs --unsafe"))
            else:
                rules = ", ".join(item.mapping.rules) if item.mapping else "?"
                out.append((item, f"nodeharden ({rules}) finds nothing to fix there: already "
                                  "fixed, suppressed, excluded, or a pattern nodeharden does "
                                  "not recognise"))
        return out

    def report(self, result: Any, stream: IO[str] | None = None) -> None:
        """Print which imported results were fixed and why the others were not."""
        stream = stream or sys.stderr
        applied = [a.finding for a in getattr(result, "applied", [])]
        scan = getattr(result, "scan", None)
        outcomes = self.outcomes(applied, list(getattr(result, "not_applied", [])),
                                 list(getattr(scan, "findings", None) or []))
        fixed = sum(1 for _, reason in outcomes if reason is None)
        total = len(outcomes)
        print(f"from SARIF: {fixed} of {total} imported result{'s' if total != 1 else ''} "
              f"{'is' if fixed == 1 else 'are'} fixed by this run", file=stream)
        for item, reason in outcomes:
            if reason is not None:
                print(f"not fixed: {item.label()}: {reason}", file=stream)


def sarif_acceptor(sarif_path: Path, project_path: Path, only: set[str] | None
                   ) -> tuple[Callable[[Finding], bool], set[str] | None]:
    """Return (accept, only) for ``fix``: ``accept`` takes exactly the findings the SARIF log
    at ``sarif_path`` reports; ``only`` narrows the run to the files it names (intersected
    with the given ``only``). Call ``accept.report(result)`` after the run."""
    root, _ = find_root(project_path)
    acceptor = SarifAcceptor(load_sarif(sarif_path, root))
    paths = acceptor.paths()
    narrowed = paths if only is None else paths & only
    return acceptor, narrowed
