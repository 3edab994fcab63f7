"""Run the project's own formatter (prettier) and linter autofix (ESLint) over the code a fix
wrote, so the project's ``prettier --check`` and ``eslint`` stay green.

Only files that were clean before are formatted: the formatter then changes nothing but the
lines nodeharden wrote, and a file that was not formatted stays as unformatted as it was.
New files are always formatted. The project's installed tools are used (never a download):
when ``node_modules`` has no prettier or ESLint, nothing runs and the style settings alone
shape the code (see ``_style.read_style_rules``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from nodeharden._project import JS_SUFFIXES
from nodeharden._record import record
from nodeharden._textedit import split_bom

#: A small Node program: reads [{path, before, after}] as JSON on stdin and prints
#: {path: formatted | null}. ``before`` null means a new file. Errors of one file give null.
_SCRIPT = r"""
const path = require('path');
const root = process.argv[1];
const use = JSON.parse(process.argv[2]);
function load(name) {
  try { return require(require.resolve(name, { paths: [root] })); } catch (e) { return null; }
}
(async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const files = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const prettier = use.prettier ? load('prettier') : null;
  let eslint = null;
  if (use.eslint) {
    const mod = load('eslint');
    try {
      const ESLintClass = mod && (mod.loadESLint ? await mod.loadESLint() : mod.ESLint);
      if (ESLintClass) eslint = new ESLintClass({ cwd: root, fix: true });
    } catch (e) { eslint = null; }
  }
  async function pretty(text, file) {
    if (!prettier) return text;
    const info = await prettier.getFileInfo(file, { ignorePath: path.join(root, '.prettierignore') });
    if (info.ignored || !info.inferredParser) return text;
    const options = (await prettier.resolveConfig(file, { editorconfig: true })) || {};
    return await prettier.format(text, { ...options, filepath: file });
  }
  async function lintFix(text, file) {
    if (!eslint) return text;
    if (await eslint.isPathIgnored(file)) return text;
    const [result] = await eslint.lintText(text, { filePath: file });
    return result && typeof result.output === 'string' ? result.output : text;
  }
  const out = {};
  for (const f of files) {
    const file = path.join(root, f.path);
    try {
      let prettierOk = !!prettier;
      let eslintOk = !!eslint;
      if (f.before !== null) {
        if (prettierOk) prettierOk = (await pretty(f.before, file)) === f.before;
        if (eslintOk) eslintOk = (await lintFix(f.before, file)) === f.before;
      }
      let text = f.after;
      if (eslintOk) text = await lintFix(text, file);
      if (prettierOk) text = await pretty(text, file);
      out[f.path] = text === f.after ? null : text;
    } catch (e) {
      out[f.path] = null;
    }
  }
  process.stdout.write(JSON.stringify(out));
})().catch(() => { process.stdout.write('{}'); });
"""


@record(frozen=True)
class Formatters:
    """Which of the project's own tools run over fixed files."""

    prettier: bool = False
    eslint: bool = False

    def any(self) -> bool:
        """Return True when at least one tool runs."""
        return self.prettier or self.eslint


def installed_formatters(root: Path, *, prettier_configured: bool,
                         eslint_configured: bool) -> Formatters:
    """Return the tools that are configured for the project and installed in its
    node_modules, or in those of a parent folder up to the repository's top, where a
    monorepo's workspaces have theirs (Node resolves them there too), and node is on the PATH
    to run them."""
    from nodeharden._style import config_folders

    if shutil.which("node") is None:
        return Formatters()
    folders = config_folders(root)

    def installed(name: str) -> bool:
        return any((folder / "node_modules" / name / "package.json").is_file()
                   for folder in folders)

    return Formatters(prettier=prettier_configured and installed("prettier"),
                      eslint=eslint_configured and installed("eslint"))


def format_files(root: Path, tools: Formatters,
                 files: dict[str, tuple[bytes | None, bytes]]) -> dict[str, bytes]:
    """Return ``{rel: new bytes}`` for the files (rel → (before, after)) the project's tools
    change; files they leave alone, or that fail, are not in the result."""
    if not tools.any():
        return {}
    jobs = []
    boms: dict[str, bytes] = {}
    for rel, (before, after) in files.items():
        if os.path.splitext(rel)[1] not in JS_SUFFIXES:
            continue
        boms[rel], body = split_bom(after)
        if before is not None:
            before = split_bom(before)[1]
        try:
            jobs.append({"path": rel,
                         "before": before.decode("utf-8") if before is not None else None,
                         "after": body.decode("utf-8")})
        except UnicodeDecodeError:
            continue
    if not jobs:
        return {}
    use = json.dumps({"prettier": tools.prettier, "eslint": tools.eslint})
    try:
        proc = subprocess.run(["node", "-e", _SCRIPT, str(root), use], cwd=root,
                              input=json.dumps(jobs).encode("utf-8"), capture_output=True,
                              timeout=120, check=False)
        results = json.loads(proc.stdout.decode("utf-8") or "{}")
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return {}
    return {rel: boms.get(rel, b"") + text.encode("utf-8") for rel, text in results.items()
            if isinstance(text, str) and rel in boms}
