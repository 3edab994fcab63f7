"""``check --audit``: run ``npm audit --json`` on the lockfile and turn vulnerable packages into
``dependency-audit`` findings. When the audit cannot run, say why in one note and go on."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from nodeharden._catalog import load_catalog
from nodeharden._model import Finding
from nodeharden._project import yarn_lockfile_major
from nodeharden.rules._base import line_text

RULE_ID = "dependency-audit"
LOCKFILES = ("npm-shrinkwrap.json", "package-lock.json")
TIMEOUT_SECONDS = 180
_NOT_CHECKED = "dependencies were NOT checked for known vulnerabilities"


def run_audit(root: Path) -> tuple[list[Finding], list[str]]:
    """Return findings for vulnerable packages under ``root`` and notes about the run."""
    lockfile = next((name for name in LOCKFILES if (root / name).is_file()), None)
    if lockfile is None:
        other = next((n for n in ("yarn.lock", "pnpm-lock.yaml", "bun.lockb")
                      if (root / n).is_file()), None)
        why = (f"{other} is not an npm lockfile; run your package manager's audit command"
               if other else "no package-lock.json (run `npm install` to create one)")
        if other == "yarn.lock" and _yarn_classic(root / other):
            # Yarn 1's own audit posts to the registry's retired audit endpoint (HTTP 410).
            why = ("yarn.lock is not an npm lockfile, and it is Yarn 1's, whose own `yarn "
                   "audit` no longer works either (it calls the registry's retired audit "
                   "endpoint, which answers HTTP 410): audit it with a scanner that reads "
                   "yarn.lock, such as OSV-Scanner")
        elif other == "pnpm-lock.yaml":
            # So does pnpm's (HTTP 410 since July 2026; users report pnpm 11 failing too).
            why = ("pnpm-lock.yaml is not an npm lockfile, and pnpm's own `pnpm audit` no "
                   "longer works either (it calls the registry's retired audit endpoint, which "
                   "answers HTTP 410): audit it with a scanner that reads pnpm-lock.yaml, such "
                   "as OSV-Scanner")
        return [], [f"dependency audit could not run: {why}; {_NOT_CHECKED}"]
    npm = shutil.which("npm")
    if npm is None:
        return [], [f"dependency audit could not run: npm is not installed; {_NOT_CHECKED}"]
    env = {**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false",
           "npm_config_loglevel": "error"}
    try:
        proc = subprocess.run([npm, "audit", "--json"], cwd=root, capture_output=True,
                              text=True, timeout=TIMEOUT_SECONDS, env=env, check=False)
    except subprocess.TimeoutExpired:
        note = (f"dependency audit failed: npm audit did not answer within {TIMEOUT_SECONDS} s; "
                f"{_NOT_CHECKED}")
        return [], [note]
    except OSError as exc:
        return [], [f"dependency audit failed: cannot run npm ({exc.strerror}); {_NOT_CHECKED}"]
    try:
        report = json.loads(proc.stdout) if proc.stdout.strip() else {}
    except ValueError:
        report = {}
    if not isinstance(report, dict) or "vulnerabilities" not in report:
        return [], [audit_failure_note(report if isinstance(report, dict) else {},
                                       proc.stderr)]
    return parse_audit_report(report, root, lockfile), []


def _yarn_classic(lock: Path) -> bool:
    """Return True when ``lock`` is a Yarn 1 lockfile: its ``# yarn lockfile v1`` header, no
    ``__metadata`` block (Yarn 2+), and no package.json ``packageManager`` naming Yarn 2+."""
    if yarn_lockfile_major(_read(lock) or b"") != 1:
        return False
    try:
        declared = json.loads(_read(lock.parent / "package.json") or b"").get("packageManager")
    except (ValueError, AttributeError):
        declared = None
    if isinstance(declared, str) and declared.startswith("yarn@"):
        return declared[5:].split(".", 1)[0] in ("0", "1")
    return True


def audit_failure_note(report: dict[str, Any], stderr: str = "") -> str:
    """Return one line saying why ``npm audit`` produced no report."""
    raw_error = report.get("error")
    error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
    code = str(error.get("code") or "")
    status = report.get("statusCode")
    message = str(report.get("message") or error.get("summary") or "").strip()
    if not message:
        lines = [ln for ln in stderr.splitlines() if ln.strip()]
        message = lines[0].removeprefix("npm error ").removeprefix("npm ERR! ") if lines else ""
    message = re.sub(r"\s+", " ", message)[:200]
    if status == 405 or "405" in message:
        why = ("the audit service answered 405 Method Not Allowed (the registry or proxy in use "
               "does not implement npm's audit endpoint)")
    elif code in ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET") or \
            any(c in message for c in ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT")):
        why = f"the audit service cannot be reached ({code or 'network error'}: {message})"
    elif message:
        why = f"npm audit failed: {message}"
    else:
        why = "npm audit produced no report"
    return f"dependency audit could not run: {why}; {_NOT_CHECKED}"


def parse_audit_report(report: dict[str, Any], root: Path,
                       lockfile: str = "package-lock.json") -> list[Finding]:
    """Return one finding per vulnerable package of an ``npm audit --json`` report (v2)."""
    vulnerabilities = report.get("vulnerabilities") or {}
    if not isinstance(vulnerabilities, dict):
        return []
    pj = _read(root / "package.json")
    lock = _read(root / lockfile)
    severity = load_catalog()[RULE_ID].severity
    findings: list[Finding] = []
    for name, vuln in sorted(vulnerabilities.items()):
        if not isinstance(vuln, dict):
            continue
        advisories = [v for v in vuln.get("via") or [] if isinstance(v, dict)]
        through = [v for v in vuln.get("via") or [] if isinstance(v, str)]
        parts = [f"{name} {vuln.get('range', '')}".strip(),
                 f"{vuln.get('severity', 'unknown')} severity"]
        for advisory in advisories[:3]:
            title = advisory.get("title") or "advisory"
            url = advisory.get("url")
            parts.append(f"{title} ({url})" if url else str(title))
        if len(advisories) > 3:
            parts.append(f"and {len(advisories) - 3} more advisories")
        if through:
            parts.append("vulnerable through " + ", ".join(sorted(set(through))))
        fix = vuln.get("fixAvailable")
        if fix is True:
            parts.append("`npm audit fix` resolves it")
        elif isinstance(fix, dict):
            major = " (a semver-major upgrade)" if fix.get("isSemVerMajor") else ""
            parts.append(f"fixed by upgrading {fix.get('name')} to {fix.get('version')}{major}")
        else:
            parts.append("no fix available yet")
        direct = bool(vuln.get("isDirect"))
        parts.insert(1, "direct dependency" if direct else "transitive dependency")
        path, line = "package.json", 1
        if direct and pj is not None:
            line = _line_of(pj, f'"{name}"', after='ependencies"') or 1
        elif lock is not None:
            nodes = [n for n in vuln.get("nodes") or [] if isinstance(n, str)]
            key = nodes[0] if nodes else f"node_modules/{name}"
            found = _line_of(lock, json.dumps(key) + ":")
            path, line = (lockfile, found) if found else (lockfile, 1)
        source = pj if path == "package.json" else lock
        text = line_text(source or b"", line)
        findings.append(Finding(rule=RULE_ID, path=path, line=line, column=1, end_line=line,
                                end_column=len(text) + 1, message="; ".join(parts),
                                severity=severity, snippet=text.strip()))
    return findings


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _line_of(source: bytes, needle: str, after: str | None = None) -> int | None:
    """Return the 1-based line of the first ``needle`` (after the first ``after``, if given)."""
    start = 0
    if after is not None:
        start = source.find(after.encode())
        if start == -1:
            start = 0
    at = source.find(needle.encode(), start)
    if at == -1:
        return None
    return source.count(b"\n", 0, at) + 1
