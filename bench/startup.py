"""Time ``nodeharden check`` on small trees, start-up included (issue 17: a 300-file app under
0.25 s on two cores).

Run by hand from the repository root, after ``python bench/run.py --build-only`` has built
``bench/.cache/app`` (300 files of express, mongoose and their neighbours):

    python bench/startup.py                      # 15 rounds, writes bench/.cache/startup.json
    python bench/startup.py --rounds 25 --output /tmp/startup.json
    python bench/startup.py --label before       # tag the result (kept in the JSON)
    python bench/startup.py --before /tmp/old/src  # also time an older checkout's src/ (on
                                                   # PYTHONPATH), interleaved in every round

Every case runs once per round, one after the other, so background load hits them alike; the
result file holds every sample and the median and minimum of each case. Python runs with
compiled bytecode as an installed package has it: ``PYTHONDONTWRITEBYTECODE`` (set by the
development environment) is removed and ``PYTHONPYCACHEPREFIX`` points into ``bench/.cache``,
and one untimed warm-up run of each case writes the bytecode first. The result cache is
bypassed (``--no-cache``) in the cold cases; the ``warm cache`` case reruns with it. The
user cache folder (the parsed rule catalog and the module patterns' opcodes, kept per
nodeharden and Python version, as Python keeps bytecode) is the user's own in every case but
``empty user cache``, which gives each run a new empty one: a version's first run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"


#: A case's XDG_CACHE_HOME set to this runs each sample with a new, empty user cache folder:
#: the first run of an installed version (the parsed catalog and the patterns' opcodes that
#: nodeharden keeps there are not made yet; Python's bytecode is, as an install writes it).
FRESH = "<fresh>"


def _sample(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """Return wall seconds, CPU seconds (user+sys, children included) and the exit code."""
    fresh = None
    if env.get("XDG_CACHE_HOME") == FRESH:
        fresh = tempfile.mkdtemp(prefix="nodeharden-bench-")
        env = {**env, "XDG_CACHE_HOME": fresh}
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if fresh is not None:
        shutil.rmtree(fresh, ignore_errors=True)
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def _one_file_app() -> Path:
    root = CACHE / "startup-one-file"
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text('{"name": "one", "version": "1.0.0", '
                                       '"dependencies": {"express": "^5.1.0"}}\n')
    (root / "src" / "app.js").write_text("const express = require('express');\n"
                                         "const app = express();\napp.listen(3000);\n")
    return root


def main() -> int:
    """Time the cases and write the result file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--output", type=Path, default=CACHE / "startup.json")
    parser.add_argument("--label", default="")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter that has nodeharden installed")
    parser.add_argument("--before", type=Path, default=None, metavar="SRC",
                        help="the src/ folder of another checkout: its cases run too, in the "
                             "same rounds, with SRC on PYTHONPATH")
    args = parser.parse_args()
    app = CACHE / "app"
    if not (app / "package.json").is_file():
        raise SystemExit("bench/.cache/app is missing: run `python bench/run.py --build-only`")
    one = _one_file_app()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    env["NO_COLOR"] = "1"
    nodeharden = [args.python, "-m", "nodeharden", "check", "."]
    cases: list[tuple[str, Path, list[str], dict[str, str]]] = []
    variants = [("", env)]
    if args.before is not None:
        variants.insert(0, ("before: ", {**env, "PYTHONPATH": str(args.before.resolve())}))
    for tag, variant_env in variants:
        has_cache = "--no-cache" in subprocess.run(
            [*nodeharden[:-1], "--help"], capture_output=True, text=True,
            env=variant_env).stdout
        cold = ["--no-cache"] if has_cache else []
        cases += [
            (f"{tag}one file (start-up alone)", one, [*nodeharden, *cold], variant_env),
            (f"{tag}300-file app, default --jobs", app, [*nodeharden, *cold], variant_env),
            (f"{tag}300-file app, --jobs 1", app, [*nodeharden, *cold, "--jobs", "1"],
             variant_env),
            (f"{tag}300-file app, --include all (bench/run.py's command)", app,
             [*nodeharden, *cold, "--include", "all"], variant_env),
            (f"{tag}300-file app, empty user cache (a version's first run)", app,
             [*nodeharden, *cold], {**variant_env, "XDG_CACHE_HOME": FRESH}),
        ]
        if has_cache and not tag:
            # The "after" code only: two versions sharing the app's .nodeharden_cache/ would
            # each replace the other's cache file (another code fingerprint) every round.
            cases.append((f"{tag}300-file app, warm cache", app, nodeharden, variant_env))
    samples: dict[str, list[tuple[float, float, int]]] = {case[0]: [] for case in cases}
    for _, cwd, command, case_env in cases:  # warm-up: bytecode written, cache filled
        _sample(command, cwd, case_env)
    for number in range(1, args.rounds + 1):
        for name, cwd, command, case_env in cases:
            samples[name].append(_sample(command, cwd, case_env))
        print(f"round {number}/{args.rounds}", file=sys.stderr)
    load = os.getloadavg()
    result = {
        "label": args.label,
        "rounds": args.rounds,
        "cores": os.cpu_count(),
        "load_average_after": [round(x, 2) for x in load],
        "python": args.python,
        "before": str(args.before) if args.before else None,
        "cases": {
            name: {
                "command": " ".join(command[1:]),
                "median_wall": round(statistics.median(s[0] for s in runs), 3),
                "min_wall": round(min(s[0] for s in runs), 3),
                "median_cpu": round(statistics.median(s[1] for s in runs), 3),
                "exit_codes": sorted({s[2] for s in runs}),
                "walls": [round(s[0], 3) for s in runs],
            }
            for (name, _, command, _), runs in zip(cases, samples.values())
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    for name, case in result["cases"].items():  # type: ignore[union-attr]
        print(f"{name:55} median {case['median_wall']:.3f} s  min {case['min_wall']:.3f} s  "
              f"cpu {case['median_cpu']:.3f} s", file=sys.stderr)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
