"""Reports: text (rich when a terminal), JSON with a documented schema, SARIF 2.1.0."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import IO, Any

from nodeharden._catalog import load_catalog
from nodeharden._model import Finding, Skipped
from nodeharden._version import __version__

JSON_SCHEMA_VERSION = "1"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "note": "note"}
INFO_URI = "https://github.com/nodeharden/nodeharden"


def use_color(stream: IO[str]) -> bool:
    """Return True when ``stream`` is a terminal and NO_COLOR is not set."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """Return the JSON form of one finding."""
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "message": finding.message,
        "fix": None if finding.fix is None else {
            "applicability": finding.fix.applicability,
            "title": finding.fix.title,
        },
    }


def render_json(root: str, findings: Sequence[Finding], skipped: Sequence[Skipped],
                failed: Sequence[Skipped] = (), notes: Sequence[str] = ()) -> str:
    """Return the ``--format json`` report."""
    doc = {
        "version": JSON_SCHEMA_VERSION,
        "tool": {"name": "nodeharden", "version": __version__},
        "root": root,
        "findings": [finding_to_json(f) for f in findings],
        "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
        "failed": [{"path": s.path, "reason": s.reason} for s in failed],
        "notes": list(notes),
    }
    return json.dumps(doc, indent=2) + "\n"


def render_sarif(findings: Sequence[Finding], skipped: Sequence[Skipped] = (),
                 failed: Sequence[Skipped] = (), rule_ids: Sequence[str] | None = None) -> str:
    """Return a SARIF 2.1.0 log with every catalog rule and its docs."""
    catalog = load_catalog()
    ids = list(rule_ids) if rule_ids is not None else list(catalog)
    index = {rule_id: i for i, rule_id in enumerate(ids)}
    rules = []
    for rule_id in ids:
        meta = catalog[rule_id]
        rules.append({
            "id": rule_id,
            "name": "".join(part.capitalize() for part in rule_id.split("-")),
            "shortDescription": {"text": meta.name},
            "fullDescription": {"text": meta.summary},
            "help": {"text": meta.docs or meta.summary, "markdown": meta.docs or meta.summary},
            "helpUri": meta.references[0] if meta.references else INFO_URI,
            "defaultConfiguration": {"level": _SARIF_LEVEL[meta.severity]},
            "properties": {
                "tags": ["security", *meta.cwe, *meta.owasp],
                "fix": meta.fix,
            },
        })
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index.get(f.rule, 0),
            "level": _SARIF_LEVEL.get(f.severity, "warning"),
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": f.line, "startColumn": f.column,
                        "endLine": f.end_line, "endColumn": f.end_column,
                    },
                },
            }],
            "partialFingerprints": {"nodeharden/v1": fingerprint(f)},
        }
        if f.fix is not None:
            result["properties"] = {"fix": {"applicability": f.fix.applicability,
                                            "title": f.fix.title}}
        results.append(result)
    notifications = [
        {"level": "note", "message": {"text": f"skipped {s.path}: {s.reason}"}} for s in skipped
    ] + [
        {"level": "error", "message": {"text": f"failed {s.path}: {s.reason}"}} for s in failed
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "nodeharden",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFO_URI,
                "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///"}},
            "invocations": [{
                "executionSuccessful": not failed,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"


def fingerprint(finding: Finding) -> str:
    """Return a fingerprint of a finding that survives edits elsewhere in the file:
    rule + path + the normalized code of its line (not the line number)."""
    import hashlib

    code = " ".join(finding.snippet.split())
    digest = hashlib.sha256(f"{finding.rule}\0{finding.path}\0{code}".encode()).hexdigest()
    return digest[:32]


def render_text(findings: Sequence[Finding], skipped: Sequence[Skipped],
                failed: Sequence[Skipped], notes: Sequence[str], *, scanned: int,
                stream: IO[str] | None = None) -> None:
    """Print findings grouped by file, with a summary line."""
    stream = stream or sys.stdout
    from rich.console import Console
    from rich.markup import escape

    color = use_color(stream)
    console = Console(file=stream, no_color=not color, highlight=False, soft_wrap=True,
                      force_terminal=color, width=None if color else 100)
    style = {"error": "bold red", "warning": "yellow", "note": "cyan"}
    for note in notes:
        console.print(f"[dim]note:[/dim] {escape(note)}")
    current = None
    for f in findings:
        if f.path != current:
            if current is not None:
                console.print()
            console.print(f"[bold]{escape(f.path)}[/bold]")
            current = f.path
        fixable = ""
        if f.fix is not None:
            fixable = " [green](fixable)[/green]" if f.fix.applicability == "safe" else \
                " [magenta](unsafe fix)[/magenta]"
        console.print(
            f"  {f.line}:{f.column}  [{style.get(f.severity, 'yellow')}]{f.severity}"
            f"[/{style.get(f.severity, 'yellow')}]  {escape(f.message)}  "
            f"[dim]{f.rule}[/dim]{fixable}"
        )
    for s in failed:
        console.print(f"[red]failed[/red] {escape(s.path)}: {escape(s.reason)}")
    if findings:
        console.print()
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    fixable_count = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "safe")
    skipped_note = f"; {len(skipped)} skipped" if skipped else ""
    if findings:
        parts = ", ".join(f"{n} {sev}" for sev, n in sorted(counts.items()))
        with_findings = len({f.path for f in findings})
        console.print(
            f"[bold]{_plural(len(findings), 'finding')}[/bold] ({parts}) in "
            f"{_plural(with_findings, 'file')}; {_plural(scanned, 'source file')} scanned; "
            f"{fixable_count} fixable with `nodeharden fix`"
            + (f"; {len(failed)} failed" if failed else "") + skipped_note)
    elif failed:
        # Something did not run: an incomplete report must not read as a clean one.
        console.print(f"[red]Incomplete:[/red] {len(failed)} failed (above); 0 findings; "
                      f"{_plural(scanned, 'source file')} scanned" + skipped_note)
    else:
        console.print(f"[green]No findings[/green]; {_plural(scanned, 'source file')} scanned"
                      + skipped_note)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"
