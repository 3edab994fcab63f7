"""``check`` loads only what it needs: no fix engine, no rich when piped, no ruamel, no copier
or questionary, no pathspec without a .gitignore or exclude patterns, no shutil (argparse's
help width) and no datetime without a security.txt (start-up time; see docs/benchmarks.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import write_tree

#: What the command loads, less what the interpreter had loaded before it (a site's .pth file
#: may import shutil at start-up: not the command's doing).
PROBE = """
import json, sys
before = set(sys.modules)
from nodeharden._cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in set(sys.modules) - before
               if m.split('.')[0] in ('rich', 'ruamel', 'copier', 'questionary', 'difflib',
                                      'pathspec')
               or m in ('nodeharden._fixer', 'nodeharden._scaffold', 'nodeharden._formatters',
                        'shutil', 'datetime'))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def _loaded(*args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=120)
    return json.loads(proc.stderr.strip().splitlines()[-1])


def test_check_piped_loads_no_fix_engine_rich_or_template_code(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "app", {
        "package.json": '{"name": "a", "version": "1.0.0"}\n',
        "app.js": "const express = require('express');\nconst app = express();\n"})
    for fmt in ("text", "json", "sarif"):
        probe = _loaded("check", str(root), "--format", fmt)
        assert probe["code"] == 1 and probe["heavy"] == [], (fmt, probe)


def test_rules_piped_loads_no_rich() -> None:
    probe = _loaded("rules")
    assert probe["code"] == 0 and probe["heavy"] == []


def test_package_import_is_lazy_and_typed(tmp_path: Path) -> None:
    # `import nodeharden` loads no engine; type checkers still see check()'s real signature
    # (TYPE_CHECKING imports + py.typed).
    proc = subprocess.run([sys.executable, "-c", "import sys, nodeharden; "
                           "print(sorted(m for m in sys.modules if m.startswith('nodeharden.')))"],
                          capture_output=True, text=True, timeout=60)
    assert json.loads(proc.stdout.replace("'", '"')) == ["nodeharden._version"]
    probe = tmp_path / "probe.py"
    probe.write_text("import nodeharden\nreveal_type(nodeharden.check)\n")
    typed = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", str(probe)],
                           capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert "def (path: pathlib.Path | str =" in typed.stdout, typed.stdout
    assert "-> nodeharden._scan.ScanResult" in typed.stdout


def test_program_ends_without_teardown_and_keeps_its_output(tmp_path: Path) -> None:
    # Run as a program, check ends the process itself once its output is flushed
    # (_cli._end_process): the whole report still arrives, with the exit code and the atexit
    # handlers run; main(argv) called in-process returns.
    root = write_tree(tmp_path / "app", {
        "package.json": '{"name": "a", "version": "1.0.0"}\n',
        "app.js": "const express = require('express');\nconst app = express();\n"})
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
             "from nodeharden._cli import main\n"
             "sys.argv = ['nodeharden', *sys.argv[1:]]\n"
             "main()\n"
             "print('teardown reached', file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", probe, "check", str(root), "--format", "json",
                           "--no-cache"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["findings"], proc.stdout
    assert "atexit ran" in proc.stderr and "teardown reached" not in proc.stderr
