"""Benchmark nodeharden against ast-grep, semgrep and njsscan on ~20,000 real JavaScript files.

Run by hand from the repository root (never in CI):

    python bench/run.py                 # install, build the corpus, 3 rounds, write docs/benchmarks.md

Everything it downloads or builds lives in ``bench/.cache/`` (git-ignored): the npm packages
the corpus comes from, a virtualenv with the other tools (so semgrep's pinned dependencies stay
out of the project's environment), the name-neutral corpus trees and the raw outputs.

Fairness: every tool gets exactly the same files, laid out so that no tool skips anything by
name (no ``node_modules``, ``test``, ``dist``, ``*.min.js``): ``corpus/src/pkgNNNN/fileNNNN.js``.
Files above nodeharden's 1 MB cap (semgrep's default cap too) are left out of the corpus and
counted; any file nodeharden still skips (binary, not UTF-8) is counted from its JSON report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"

#: The packages the corpus is made of (exact versions, so every run sees the same code).
PACKAGES = (
    "express@5.3.0", "mongoose@9.12.1", "sequelize@6.37.8", "webpack@5.113.0",
    "eslint@10.15.0", "typescript@7.0.2", "lodash@4.18.1", "moment@2.31.0", "next@16.4.6",
    "date-fns@4.4.0", "rxjs@7.8.2", "core-js@3.51.0", "@babel/core@7.29.13", "jest@30.5.2",
    "aws-sdk@2.1693.0",
)
TOOLS = ("ast-grep-cli", "semgrep", "njsscan")
JS_EXTENSIONS = (".js", ".cjs", ".mjs")
MAX_FILE_BYTES = 1_000_000  # nodeharden's cap (_project.MAX_FILE_BYTES) and semgrep's default
SUBSET_FILES = 2_000  # njsscan is too slow for the whole corpus
APP_FILES = 300  # "a typical app of a few hundred files"

SEMGREP_RULE = """\
rules:
  - id: express-app
    pattern: express()
    message: an Express app
    languages: [javascript]
    severity: INFO
"""


# --------------------------------------------------------------------------- setup


def install_packages() -> Path:
    """Install the corpus packages (once) and return their node_modules folder."""
    npm_dir = CACHE / "npm"
    modules = npm_dir / "node_modules"
    stamp = npm_dir / ".installed"
    if stamp.is_file() and stamp.read_text() == "\n".join(PACKAGES):
        return modules
    npm_dir.mkdir(parents=True, exist_ok=True)
    (npm_dir / "package.json").write_text(
        '{"name": "nodeharden-bench-corpus", "private": true, "version": "0.0.0"}\n')
    print("installing the corpus packages with npm…", file=sys.stderr)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
                    "--save-exact", *PACKAGES], cwd=npm_dir, check=True)
    stamp.write_text("\n".join(PACKAGES))
    return modules


def install_tools() -> Path:
    """Create the tools virtualenv (once) and return its bin folder."""
    venv = CACHE / "tools"
    bin_dir = venv / "bin"
    if not (bin_dir / "njsscan").exists() or not (bin_dir / "ast-grep").exists():
        print("installing ast-grep, semgrep and njsscan into bench/.cache/tools…",
              file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(bin_dir / "pip"), "install", "-q", *TOOLS], check=True)
    return bin_dir


@dataclass
class Corpus:
    """A name-neutral tree of JavaScript files."""

    root: Path
    files: int
    bytes: int
    too_big: int = 0
    too_big_bytes: int = 0


def _source_files(modules: Path) -> list[Path]:
    out: list[Path] = []
    for folder, dirs, names in os.walk(modules):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(JS_EXTENSIONS):
                path = Path(folder) / name
                if path.is_file() and not path.is_symlink():
                    out.append(path)
    return out


def _package_of(modules: Path, path: Path) -> str:
    """Return the innermost package a file belongs to (``a/node_modules/@s/b/x.js`` → ``@s/b``)."""
    parts = path.relative_to(modules).parts
    nested = [i for i, part in enumerate(parts[:-1]) if part == "node_modules"]
    start = nested[-1] + 1 if nested else 0
    width = 2 if parts[start].startswith("@") else 1
    return "/".join(parts[start:start + width])


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _lay_out(name: str, chosen: list[Path], modules: Path, *, too_big: int = 0,
             too_big_bytes: int = 0) -> Corpus:
    root = CACHE / name
    if root.exists():
        shutil.rmtree(root)
    packages: dict[str, int] = {}
    counts: dict[str, int] = {}
    total = 0
    for path in chosen:
        package = _package_of(modules, path)
        number = packages.setdefault(package, len(packages))
        index = counts.get(package, 0)
        counts[package] = index + 1
        _link(path, root / "src" / f"pkg{number:04d}" / f"file{index:04d}.js")
        total += path.stat().st_size
    # An Express project, so the project-level rules run as they would on a real app.
    (root / "package.json").write_text(json.dumps({
        "name": f"bench-{name}", "version": "1.0.0", "private": True,
        "dependencies": {"express": "^5.1.0"}}, indent=2) + "\n")
    return Corpus(root, len(chosen), total, too_big, too_big_bytes)


def build_corpora(modules: Path) -> tuple[Corpus, Corpus, Corpus]:
    """Return the full corpus, the njsscan subset and a typical-app-sized tree."""
    files = _source_files(modules)
    kept: list[Path] = []
    too_big = too_big_bytes = 0
    for path in files:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            too_big += 1
            too_big_bytes += size
        else:
            kept.append(path)
    full = _lay_out("corpus", kept, modules, too_big=too_big, too_big_bytes=too_big_bytes)
    step = max(1, len(kept) // SUBSET_FILES)
    subset = _lay_out("subset", kept[::step][:SUBSET_FILES], modules)
    app_files = [p for p in kept if _package_of(modules, p) in (
        "express", "body-parser", "router", "send", "serve-static", "finalhandler",
        "mongoose", "qs", "debug", "cookie", "mime-types", "http-errors")][:APP_FILES]
    app = _lay_out("app", app_files, modules)
    return full, subset, app


# --------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    """One timed run of one command."""

    wall: float
    cpu: float
    rss_tree: int  # bytes: peak of the summed RSS of the process and its descendants
    rss_max: int  # bytes: largest single process (ru_maxrss)
    returncode: int


def _children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _tree_rss(pid: int) -> int:
    page = os.sysconf("SC_PAGE_SIZE")
    tree = _children_of()
    todo, total = [pid], 0
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(tree.get(current, ()))
    return total


def measure(command: list[str], *, stdout: Path | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> Sample:
    """Run ``command`` and return its wall time, CPU (user+sys, descendants included) and
    peak memory."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=env, cwd=cwd)
    peak = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, _tree_rss(proc.pid))

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    poller.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout:
        out.close()  # type: ignore[union-attr]
    return Sample(wall, usage.ru_utime + usage.ru_stime, peak, usage.ru_maxrss * 1024,
                  proc.returncode)


@dataclass
class Tool:
    """A command to time on one tree."""

    name: str
    corpus: Corpus
    command: list[str]
    ok_codes: tuple[int, ...] = (0, 1)
    samples: list[Sample] = field(default_factory=list)
    stdout: Path | None = None
    env: dict[str, str] | None = None

    def run(self) -> Sample:
        sample = measure(self.command, stdout=self.stdout, env=self.env)
        if sample.returncode not in self.ok_codes:
            raise SystemExit(f"{self.name} exited {sample.returncode}: {' '.join(self.command)}")
        self.samples.append(sample)
        return sample

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)


def tools_for(full: Corpus, subset: Corpus, app: Corpus, bin_dir: Path, jobs: int) -> list[Tool]:
    """Return the commands to time, in the order they alternate."""
    out = CACHE / "out"
    out.mkdir(exist_ok=True)
    rule = CACHE / "semgrep-rule.yml"
    rule.write_text(SEMGREP_RULE)
    nodeharden = [sys.executable, "-m", "nodeharden"]
    # Fairness: nodeharden leaves tests, bundles, front-end and generated files out by
    # default (file roles); the other tools scan everything, so nodeharden does too here
    # (`--include all` on the command line: a config file would add its YAML and schema
    # loading to every timed run). `--no-cache`: every run is cold, as the other tools' are
    # (check's result cache would answer every round after the first from .nodeharden_cache/).
    for corpus in (full, subset, app):
        (corpus.root / ".nodeharden.yml").unlink(missing_ok=True)
    env = {**os.environ, "NO_COLOR": "1", "SEMGREP_SEND_METRICS": "off",
           "SEMGREP_ENABLE_VERSION_CHECK": "0", "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}

    def ast_grep(corpus: Corpus) -> list[str]:
        # The corpus lives in a git-ignored folder: make ast-grep look anyway.
        return [str(bin_dir / "ast-grep"), "run", "-p", "express()", "-l", "js", "-j", str(jobs),
                "--no-ignore", "vcs", "--no-ignore", "parent", str(corpus.root)]

    def semgrep(corpus: Corpus) -> list[str]:
        return [str(bin_dir / "semgrep"), "scan", "--config", str(rule), "--metrics", "off",
                "--disable-version-check", "--no-git-ignore", "--jobs", str(jobs), "--quiet",
                "--json", "-o", str(out / f"semgrep-{corpus.root.name}.json"), str(corpus.root)]

    def check(corpus: Corpus, tag: str) -> Tool:
        return Tool(f"nodeharden check ({tag})", corpus,
                    [*nodeharden, "check", str(corpus.root), "--format", "json", "-o",
                     str(out / f"check-{corpus.root.name}.json"), "--jobs", str(jobs),
                     "--include", "all", "--no-cache"],
                    env=env)

    return [
        check(full, "all rules"),
        Tool("nodeharden fix --dry-run", full,
             [*nodeharden, "fix", str(full.root), "--dry-run", "--jobs", str(jobs),
              "--include", "all"],
             ok_codes=(0,), stdout=out / "fix-corpus.diff", env=env),
        Tool("ast-grep (1 rule)", full, ast_grep(full), env=env),
        Tool("semgrep (1 rule)", full, semgrep(full), env=env),
        check(subset, "all rules"),
        Tool("ast-grep (1 rule)", subset, ast_grep(subset), env=env),
        Tool("njsscan (its rules)", subset,
             [str(bin_dir / "njsscan"), "--json", "-o", str(out / "njsscan-subset.json"),
              str(subset.root)], env=env),
        check(app, "all rules"),
        Tool("ast-grep (1 rule)", app, ast_grep(app), env=env),
    ]


# --------------------------------------------------------------------------- report


def _version(command: list[str]) -> str:
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (proc.stdout or proc.stderr).strip().splitlines()
    return text[-1].strip() if text else "?"


def _package_version(bin_dir: Path, name: str) -> str:
    """Return the installed version of a package of the tools virtualenv (no network)."""
    return _version([str(bin_dir / "python"), "-c",
                     f"import importlib.metadata as m; print(m.version({name!r}))"])


def machine() -> dict[str, str]:
    """Return cores, CPU model and RAM of this machine."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                      .splitlines() if line.startswith("MemTotal"))
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "?"
    return {"cores": str(os.cpu_count()), "cpu": model, "ram": ram,
            "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version()}


def nodeharden_counts(corpus: Corpus) -> dict[str, object]:
    """Return what nodeharden skipped or failed on a corpus, from its JSON report."""
    report = json.loads((CACHE / "out" / f"check-{corpus.root.name}.json").read_text())
    reasons: dict[str, int] = {}
    for item in report.get("skipped", []):
        reasons[item["reason"]] = reasons.get(item["reason"], 0) + 1
    return {"findings": len(report.get("findings", [])), "skipped": reasons,
            "failed": report.get("failed", [])}


def _mb(n: float) -> str:
    return f"{n / 1_000_000:.0f} MB"


def render(tools: list[Tool], corpora: tuple[Corpus, Corpus, Corpus], bin_dir: Path,
           rounds: int, jobs: int, not_run: list[str] | None = None) -> str:
    """Return docs/benchmarks.md."""
    from nodeharden import __version__ as nh_version
    from importlib.metadata import version

    full, subset, app = corpora
    info = machine()
    lines = [
        "# Benchmarks",
        "",
        "Written by `python bench/run.py` (see `bench/README.md`); do not edit by hand.",
        "",
        f"Machine: {info['cores']} cores, {info['cpu']}, {info['ram']} RAM, {info['os']}, "
        f"Python {info['python']}; every tool ran with {jobs} jobs/threads.",
        "",
        "Versions: nodeharden " + nh_version
        + f", tree-sitter {version('tree-sitter')}"
        + f", tree-sitter-javascript {version('tree-sitter-javascript')}"
        + f", ast-grep {_version([str(bin_dir / 'ast-grep'), '--version']).split()[-1]}"
        + f", semgrep {_package_version(bin_dir, 'semgrep')}"
        + f", njsscan {_package_version(bin_dir, 'njsscan')}"
        + f", node {_version(['node', '--version'])}"
        + ".",
        "",
        "Corpus: the JavaScript files (`.js`, `.cjs`, `.mjs`) of " + ", ".join(PACKAGES)
        + " and their dependencies, hardlinked into `src/pkgNNNN/fileNNNN.js` so that no tool "
        "skips a file by its name or folder (`node_modules`, `test`, `dist`, `*.min.js`).",
        "",
        f"- full corpus: {full.files:,} files, {_mb(full.bytes)}; {full.too_big} files "
        f"({_mb(full.too_big_bytes)}) above the 1 MB cap of nodeharden (and of semgrep by "
        "default) were left out for every tool",
        f"- njsscan subset: {subset.files:,} files ({_mb(subset.bytes)}), every "
        f"{max(1, full.files // SUBSET_FILES)}th file of the corpus",
        f"- typical app: {app.files} files ({_mb(app.bytes)}) of express and its neighbours",
        "",
    ]
    for corpus in corpora:
        counts = nodeharden_counts(corpus)
        skipped = ", ".join(f"{n} {reason}" for reason, n in counts["skipped"].items()) or "none"
        lines.append(f"nodeharden on {corpus.root.name}: {counts['findings']} findings, skipped: "
                     f"{skipped}, failed: {len(counts['failed'])}.")  # type: ignore[arg-type]
    lines += [
        "",
        f"Medians of {rounds} rounds; in each round the commands ran one after the other in the "
        "order below, so background load hits them alike. CPU is user+sys of the process and "
        "its children. Peak RSS is the peak of the summed resident memory of the process tree "
        "(sampled every 50 ms; forked workers share pages, so this over-counts) and, in "
        "brackets, the largest single process.",
        "",
    ]
    if not_run:
        lines += [f"Not run this time (`--skip`): {', '.join(sorted(set(not_run)))}.", ""]
    lines += [
        "| tree | tool | wall | CPU | files/s | MB/s | peak RSS | x ast-grep wall |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    baseline = {t.corpus.root.name: t.median("wall") for t in tools if t.name.startswith("ast-grep")}
    for tool in tools:
        wall = tool.median("wall")
        ratio = wall / baseline[tool.corpus.root.name]
        lines.append(
            f"| {tool.corpus.root.name} ({tool.corpus.files:,} files) | {tool.name} | "
            f"{wall:.2f} s | {tool.median('cpu'):.2f} s | {tool.corpus.files / wall:,.0f} | "
            f"{tool.corpus.bytes / 1e6 / wall:.1f} | {tool.median('rss_tree') / 1e6:.0f} MB "
            f"({tool.median('rss_max') / 1e6:.0f} MB) | {ratio:.2f} |")
    by_name = {(t.name, t.corpus.root.name): t for t in tools}
    check = by_name[("nodeharden check (all rules)", "corpus")]
    fix = by_name[("nodeharden fix --dry-run", "corpus")]
    sg = by_name.get(("semgrep (1 rule)", "corpus"))
    ag = baseline["corpus"]
    small = by_name[("nodeharden check (all rules)", "app")]
    peak = max(check.median("rss_tree"), fix.median("rss_tree"))

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    lines += [
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| check, all rules, within 1.3x ast-grep's wall | {check.median('wall') / ag:.2f}x | "
        f"{verdict(check.median('wall') / ag <= 1.3)} |",
        f"| fix --dry-run within 1.5x ast-grep's wall | {fix.median('wall') / ag:.2f}x | "
        f"{verdict(fix.median('wall') / ag <= 1.5)} |",
        f"| peak memory under 600 MB | {peak / 1e6:.0f} MB | {verdict(peak < 600e6)} |",
        (f"| at least 15x faster than semgrep | {sg.median('wall') / check.median('wall'):.1f}x "
         f"| {verdict(sg.median('wall') / check.median('wall') >= 15)} |" if sg is not None else
         "| at least 15x faster than semgrep | not measured (`--skip semgrep`) | |"),
        f"| typical app ({app.files} files) under 1 s with start-up | "
        f"{small.median('wall'):.2f} s | {verdict(small.median('wall') < 1.0)} |",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    """Run the benchmark and write docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--append", type=Path, default=HERE / "analysis.md",
                        help="markdown appended after the generated tables (the why)")
    parser.add_argument("--build-only", action="store_true", help="build the corpus and stop")
    parser.add_argument("--skip", action="append", default=[], choices=("njsscan", "semgrep"),
                        help="leave a slow tool out of this run (repeatable); its rows and "
                             "targets are reported as not measured")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    modules = install_packages()
    bin_dir = install_tools()
    corpora = build_corpora(modules)
    print(f"corpus: {corpora[0].files} files, {corpora[0].bytes / 1e6:.0f} MB", file=sys.stderr)
    if args.build_only:
        return 0
    tools = [t for t in tools_for(*corpora, bin_dir, args.jobs)
             if not any(t.name.startswith(skip) for skip in args.skip)]
    for number in range(1, args.rounds + 1):
        for tool in tools:
            sample = tool.run()
            print(f"round {number}: {tool.name:30} {tool.corpus.root.name:7} "
                  f"{sample.wall:7.2f} s  cpu {sample.cpu:7.2f} s  "
                  f"rss {sample.rss_tree / 1e6:5.0f} MB", file=sys.stderr)
    text = render(tools, corpora, bin_dir, args.rounds, args.jobs, not_run=args.skip)
    if args.append and args.append.is_file():
        text += "\n" + args.append.read_text()
    args.output.write_text(text)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
