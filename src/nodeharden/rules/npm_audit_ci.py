"""npm-audit-ci: CI runs ``npm audit`` after installing dependencies.

Workflows are loaded with ruamel.yaml's round-trip loader only to find where the install step
is; the new step is then inserted as text, so every other byte of the file stays as it was
(comments, anchors, quoting, blank lines). The edited file is loaded again and compared with the
original data before the fix is offered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from nodeharden._model import FileChange, Finding, Fix, TextEdit
from nodeharden.rules._base import ProjectContext, Rule

AUDIT_COMMAND = "npm audit --audit-level=high"
_AUDIT_RE = re.compile(r"\b(npm|pnpm|yarn)\s+audit\b|\baudit-ci\b|\bbetter-npm-audit\b")
_INSTALL_RE = re.compile(r"\bnpm\s+(ci|install|i|clean-install)\b(?![^\n;&|]*\s(-g|--global)\b)")
_GITLAB_RESERVED = frozenset({"stages", "variables", "default", "include", "workflow", "image",
                              "services", "before_script", "after_script", "cache", "pages"})
_SUPPRESS = "nodeharden-ignore npm-audit-ci"

NEW_WORKFLOW_PATH = ".github/workflows/ci.yml"


def new_workflow(install: str) -> str:
    """Return a minimal GitHub Actions workflow that installs and audits dependencies."""
    return f"""name: CI

on:
  push:
  pull_request:

permissions:
  contents: read

jobs:
  audit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: {install}
      - name: Audit dependencies
        run: {AUDIT_COMMAND}
"""


@dataclass
class InstallSite:
    """An install step: the list it is in, its index, and how to write a sibling item."""

    rel: str
    seq: Any  # ruamel CommentedSeq
    index: int
    line: int  # 1-based line of the install item
    github: bool
    preferred: bool  # the workflow runs on push / pull_request


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _load(text: str) -> Any | None:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="rt").load(text)
    except YAMLError:
        return None
    except Exception:  # noqa: BLE001 - ruamel raises assorted errors on odd documents
        return None


def _installs(item: Any) -> bool:
    return isinstance(item, str) and _INSTALL_RE.search(item) is not None


def _github_sites(rel: str, data: Any) -> Iterator[InstallSite]:
    triggers = data.get("on", data.get(True)) if isinstance(data, dict) else None
    names = (set(triggers) if isinstance(triggers, (dict, list)) else {triggers}) \
        if triggers is not None else set()
    preferred = bool(names & {"push", "pull_request"})
    jobs = data.get("jobs") if isinstance(data, dict) else None
    if not isinstance(jobs, dict):
        return
    for job in jobs.values():
        steps = job.get("steps") if isinstance(job, dict) else None
        if not isinstance(steps, list) or not hasattr(steps, "lc"):
            continue
        for index, step in enumerate(steps):
            if isinstance(step, dict) and _installs(step.get("run")):
                yield InstallSite(rel, steps, index, steps.lc.item(index)[0] + 1, True,
                                  preferred)
                break


def _gitlab_sites(rel: str, data: Any) -> Iterator[InstallSite]:
    if not isinstance(data, dict):
        return
    for name, job in data.items():
        if not isinstance(name, str) or name in _GITLAB_RESERVED or name.startswith("."):
            continue
        if not isinstance(job, dict):
            continue
        for key in ("before_script", "script"):
            script = job.get(key)
            if not isinstance(script, list) or not hasattr(script, "lc"):
                continue
            found = next((i for i, line in enumerate(script) if _installs(line)), None)
            if found is not None:
                yield InstallSite(rel, script, found, script.lc.item(found)[0] + 1, False, True)
                break
        else:
            continue
        break


def dash_of(lines: list[str], line0: int, col: int) -> tuple[int, int] | None:
    """Return (line, column) of the ``-`` that opens the sequence item whose content starts at
    ``line0``/``col`` (0-based)."""
    head = lines[line0][:col]
    if head.strip() and head.rstrip().endswith("-") and not head.strip().strip("-"):
        return line0, head.rindex("-")
    if not head.strip():
        for back in range(line0 - 1, -1, -1):
            stripped = lines[back].strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped == "-":
                return back, lines[back].index("-")
            return None
    return None


def item_end(lines: list[str], dash_line: int, dash_col: int) -> int:
    """Return the 0-based line after the last line that belongs to the item at ``dash_line``."""
    end = dash_line + 1
    for number in range(dash_line + 1, len(lines)):
        text = lines[number]
        stripped = text.strip()
        if not stripped:
            continue
        indent = len(text) - len(text.lstrip(" "))
        if indent <= dash_col:
            break
        end = number + 1
    return end


def plan_insertion(source: bytes, site: InstallSite) -> tuple[TextEdit, bool] | None:
    """Return the edit adding the audit step after the install item, and whether it is safe;
    None when the list is written in a way a line insertion cannot extend."""
    if site.seq.fa.flow_style():
        return None
    text = source.decode("utf-8")
    lines = text.replace("\r\n", "\n").split("\n")
    line0, col = site.seq.lc.item(site.index)
    dash = dash_of(lines, line0, col)
    if dash is None:
        return None
    dash_line, dash_col = dash
    gap = col - dash_col if line0 == dash_line else 2
    end_line = item_end(lines, dash_line, dash_col)
    pad = " " * dash_col
    if site.github:
        block = (f"{pad}-{' ' * (gap - 1)}name: Audit dependencies\n"
                 f"{pad}{' ' * gap}run: {AUDIT_COMMAND}\n")
    else:
        block = f"{pad}-{' ' * (gap - 1)}{AUDIT_COMMAND}\n"
    raw_lines = source.split(b"\n")
    at = sum(len(raw) + 1 for raw in raw_lines[:end_line])
    if at > len(source):  # the item ends the file, which has no final newline
        return TextEdit(len(source), len(source), "\n" + block.rstrip("\n")), True
    safe = site.seq.anchor.value is None  # an anchored list is shared by other jobs
    return TextEdit(at, at, block), safe


def _verify(before: bytes, after: bytes, site_index: int, github: bool) -> bool:
    """Return True when ``after`` loads to ``before``'s data plus exactly the new step."""
    from ruamel.yaml import YAML

    try:
        old = YAML(typ="safe").load(before.decode("utf-8"))
        new = YAML(typ="safe").load(after.decode("utf-8"))
    except Exception:  # noqa: BLE001
        return False
    added = {"name": "Audit dependencies", "run": AUDIT_COMMAND} if github else AUDIT_COMMAND

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items()}
        if isinstance(node, list):
            return [strip(v) for v in node if v != added]
        return node

    return strip(new) == strip(old) and repr(new).count(AUDIT_COMMAND) == \
        repr(old).count(AUDIT_COMMAND) + 1


class NpmAuditCi(Rule):
    """CI that installs dependencies but never runs npm audit."""

    id = "npm-audit-ci"

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        ci_files = ctx.files_of("workflow", "gitlab-ci")
        if not ci_files:
            yield from self._no_ci(ctx)
            return
        sites: list[InstallSite] = []
        for file in ci_files:
            source = ctx.read(file.rel)
            if source is None:
                continue
            text = source.decode("utf-8", "replace")
            if _SUPPRESS in text:
                return
            data = _load(text)
            if data is None:
                continue
            if any(_AUDIT_RE.search(s) for s in _strings(data)):
                return
            found = _github_sites if file.kind == "workflow" else _gitlab_sites
            sites.extend(found(file.rel, data))
        if not sites:
            first = ci_files[0].rel
            yield ctx.line_finding(
                self.id, first, 1, "CI never runs `npm audit`, and no job installs "
                "dependencies with npm (add your package manager's audit command)")
            return
        sites.sort(key=lambda s: (not s.preferred, s.rel))
        site = sites[0]
        yield ctx.line_finding(self.id, site.rel, site.line,
                               "CI installs dependencies but never runs `npm audit`",
                               self._fix(ctx, site))

    def _fix(self, ctx: ProjectContext, site: InstallSite) -> Fix | None:
        source = ctx.read(site.rel)
        if source is None:
            return None
        planned = plan_insertion(source, site)
        if planned is None:
            return None
        edit, safe = planned
        from nodeharden._fixer import apply_edits

        if not _verify(source, apply_edits(source, [edit]), site.index, site.github):
            return None
        return Fix(title="Add an `npm audit --audit-level=high` step after the install step",
                   applicability="safe" if safe else "unsafe",
                   changes=(FileChange(site.rel, (edit,)),))

    def _no_ci(self, ctx: ProjectContext) -> Iterable[Finding]:
        if ctx.package_json_text is None:
            return
        lock = ctx.read("package-lock.json") is not None or \
            ctx.read("npm-shrinkwrap.json") is not None
        fix = Fix(title=f"Create {NEW_WORKFLOW_PATH} that installs and audits dependencies",
                  applicability="unsafe",
                  changes=(FileChange(NEW_WORKFLOW_PATH, (TextEdit(0, 0, new_workflow(
                      "npm ci" if lock else "npm install")),), create=True),))
        yield ctx.line_finding(self.id, "package.json", 1,
                               "the project has no CI workflow, so nothing runs `npm audit`", fix)


RULE = NpmAuditCi()
