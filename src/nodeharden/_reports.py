"""Reports: text (rich when a terminal), JSON with a documented schema, SARIF 2.1.0."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import IO, Any

from nodeharden._catalog import load_catalog
from nodeharden._model import Finding, Skipped
from nodeharden._terminal import use_color as use_color  # re-exported: _scaffold uses it
from nodeharden._version import __version__

JSON_SCHEMA_VERSION = "1"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "note": "note"}
INFO_URI = "https://github.com/nodeharden/nodeharden"


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """Return the JSON form of one finding (``also_at``: the other places of the file it
    stands for, when its rule reports them once per file)."""
    found: dict[str, Any] = {
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
    if finding.related:
        found["also_at"] = [{"line": line, "column": column} for line, column in finding.related]
    return found


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
        if f.related:
            result["relatedLocations"] = [{
                "id": number,
                "physicalLocation": {
                    "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": line, "startColumn": column},
                },
                "message": {"text": "the same"},
            } for number, (line, column) in enumerate(f.related, start=1)]
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


Segment = tuple[str, str]  # (text, rich style; "" for none)


def render_text(findings: Sequence[Finding], skipped: Sequence[Skipped],
                failed: Sequence[Skipped], notes: Sequence[str], *, scanned: int,
                stream: IO[str] | None = None) -> None:
    """Print findings grouped by file, with a summary line (coloured by rich on a colour
    terminal; plain text, without loading rich, anywhere else)."""
    stream = stream or sys.stdout
    lines = _text_lines(findings, skipped, failed, notes, scanned=scanned)
    if not use_color(stream):
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True, force_terminal=True)
    for line in lines:
        console.print(Text.assemble(*line))


def _skip_counts(skipped: Sequence[Skipped]) -> str:
    """Return `` (3 test, 2 browser, 1 minified file)``: why files were left out, by reason
    (a file role, or the first words of the reason)."""
    counts: dict[str, int] = {}
    for skip in skipped:
        kind = skip.reason.split(":", 1)[0].split(" (", 1)[0]
        if kind.startswith("symlink to "):
            kind = "symlink"
        counts[kind] = counts.get(kind, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return " (" + ", ".join(f"{n} {kind}" for kind, n in ordered) + ")"


def _text_lines(findings: Sequence[Finding], skipped: Sequence[Skipped],
                failed: Sequence[Skipped], notes: Sequence[str], *,
                scanned: int) -> list[list[Segment]]:
    style = {"error": "bold red", "warning": "yellow", "note": "cyan"}
    lines: list[list[Segment]] = [[("note:", "dim"), (f" {note}", "")] for note in notes]
    current = None
    for f in findings:
        if f.path != current:
            if current is not None:
                lines.append([])
            lines.append([(f.path, "bold")])
            current = f.path
        line: list[Segment] = [(f"  {f.line}:{f.column}  ", ""),
                               (f.severity, style.get(f.severity, "yellow")),
                               (f"  {f.message}  ", ""), (f.rule, "dim")]
        if f.fix is not None:
            line.append((" (fixable)", "green") if f.fix.applicability == "safe" else
                        (" (unsafe fix)", "magenta"))
        lines.append(line)
    for s in failed:
        lines.append([("failed", "red"), (f" {s.path}: {s.reason}", "")])
    if findings:
        lines.append([])
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    fixable_count = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "safe")
    skipped_note = f"; {len(skipped)} skipped" + _skip_counts(skipped) if skipped else ""
    if findings:
        parts = ", ".join(f"{n} {sev}" for sev, n in sorted(counts.items()))
        with_findings = len({f.path for f in findings})
        lines.append([
            (_plural(len(findings), "finding"), "bold"),
            (f" ({parts}) in {_plural(with_findings, 'file')}; "
             f"{_plural(scanned, 'source file')} scanned; "
             f"{fixable_count} fixable with `nodeharden fix`"
             + (f"; {len(failed)} failed" if failed else "") + skipped_note, "")])
    elif failed:
        # Something did not run: an incomplete report must not read as a clean one.
        lines.append([("Incomplete:", "red"),
                      (f" {len(failed)} failed (above); 0 findings; "
                       f"{_plural(scanned, 'source file')} scanned" + skipped_note, "")])
    else:
        lines.append([("No findings", "green"),
                      (f"; {_plural(scanned, 'source file')} scanned" + skipped_note, "")])
    return lines


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"
