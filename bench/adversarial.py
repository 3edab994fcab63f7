"""Show the per-file work bound on adversarial input (issue: memory on adversarial input).

Run by hand from the repository root (never in CI). With a single file the default run
scans in the main process (the pool starts at 200 files), so both rows measure the same path:

    python bench/adversarial.py            # writes bench/adversarial.md

It writes, under a temporary folder, a 990 KB single-line file: a route handler whose body is
string-built SQL from the request, statement after statement (about 19,000 findings if nothing
bounded them), opts it back in with ``roles: [browser]`` (it looks like a bundle, which
nodeharden otherwise skips), and runs ``nodeharden check --no-cache`` on it with ``--jobs 1``
and with the default pool, measuring wall time and the peak resident memory of the whole
process tree. The target: under 600 MB, a failed entry naming the file, exit 2.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNIT = 'db.query("SELECT * FROM t WHERE id=" + req.query.id);'
#: The statements run in a route handler, so that ``req`` is the request (an undeclared ``req``
#: is no request: the file would have no finding at all).
HEAD = ('const db = require("mysql").createConnection({});'
        'const app = require("express")();app.get("/", (req, res) => {')
TAIL = 'res.end();});'


def make_project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(
        '{"name": "adv", "dependencies": {"mysql": "2", "express": "4"}}')
    (root / ".nodeharden.yml").write_text("roles: [browser]\n")
    count = (990_000 - len(HEAD) - len(TAIL)) // len(UNIT)
    (root / "big.js").write_text(HEAD + UNIT * count + TAIL)
    return root


def measure(root: Path, *jobs: str) -> dict[str, object]:
    """Run check in a fresh child process; return its wall time, peak RSS and report."""
    script = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(proc.returncode, wall, peak)\n"
        "sys.stderr.write(proc.stdout)\n"
    )
    command = [sys.executable, "-m", "nodeharden", "check", str(root), "--format", "json",
               "--no-cache", *jobs]
    proc = subprocess.run([sys.executable, "-c", script, *command], capture_output=True,
                          text=True, check=True)
    code, wall, peak = proc.stdout.split()
    report = json.loads(proc.stderr)
    return {"jobs": jobs[1] if jobs else "default", "exit": int(code), "wall": float(wall),
            "peak_mb": int(peak) / 1024, "findings": len(report["findings"]),
            "failed": report["failed"]}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nodeharden-adversarial-") as scratch:
        root = make_project(Path(scratch) / "adv")
        size = (root / "big.js").stat().st_size
        runs = [measure(root, "--jobs", "1"), measure(root)]
    lines = [
        "# Adversarial input: the per-file bound",
        "",
        f"Written by `python bench/adversarial.py` on {time.strftime('%Y-%m-%d')} "
        f"({platform.machine()}, Python {platform.python_version()}).",
        "",
        f"Input: one {size:,}-byte line, a route handler of string-built SQL (every statement",
        "a finding), opted in with `roles: [browser]`. Peak memory is the largest resident set",
        "of any process of the run (`ru_maxrss` of the children). Each run bypasses the result",
        "cache (`--no-cache`).",
        "",
        "| jobs | exit | wall (s) | peak memory (MB) | findings | failed |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        failed = "; ".join(f"{f['path']}: {f['reason']}" for f in run["failed"])  # type: ignore[union-attr]
        lines.append(f"| {run['jobs']} | {run['exit']} | {run['wall']:.2f} | "
                     f"{run['peak_mb']:.0f} | {run['findings']} | {failed} |")
    target = all(r["peak_mb"] < 600 and r["exit"] == 2 and r["failed"]  # type: ignore[operator]
                 for r in runs)
    lines += ["", f"Target (under 600 MB, the file named as failed, exit 2): "
                  f"{'met' if target else 'NOT met'}.", ""]
    (HERE / "adversarial.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
