"""Robustness on real-world JavaScript: ``check`` and ``fix --dry-run --unsafe`` over a corpus of
installed npm packages finish without a single crash, and every file gets an outcome.

CI uses a small corpus (a few packages, npm-installed into a temporary folder). To run the same
tests over the full benchmark corpus (``python bench/run.py --build-only`` builds it)::

    NODEHARDEN_CORPUS=bench/.cache/corpus pytest tests/test_robustness.py -q
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import have_node, npm_install, run_cli

pytestmark = pytest.mark.slow

#: Small enough for CI, big enough for the process pool and real-world oddities (lodash's
#: generated code, mongoose's and its driver's classes, express's middleware).
CI_PACKAGES = ("express@5.1.0", "lodash@4.17.21", "mongoose@8.9.5")
JS_EXTENSIONS = (".js", ".cjs", ".mjs")


def _neutral_tree(modules: Path, dest: Path) -> int:
    """Hardlink (or copy) every JS file of ``modules`` to ``dest/src/pkgNNNN/fileNNNN.js`` so no
    file is skipped for its folder's or its own name; return how many files were laid out."""
    count = 0
    for number, (folder, dirs, names) in enumerate(sorted(os.walk(modules))):
        dirs.sort()
        for index, name in enumerate(sorted(n for n in names if n.endswith(JS_EXTENSIONS))):
            source = Path(folder) / name
            if source.is_symlink() or not source.is_file():
                continue
            target = dest / "src" / f"pkg{number:04d}" / f"file{index:04d}.js"
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
            count += 1
    (dest / "package.json").write_text(json.dumps(
        {"name": "corpus", "version": "1.0.0", "private": True,
         "dependencies": {"express": "^5.1.0"}}) + "\n")
    return count


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a name-neutral tree of real JavaScript files."""
    given = os.environ.get("NODEHARDEN_CORPUS")
    if given:
        return Path(given).resolve()
    if not have_node():
        pytest.skip("node and npm are needed to build the corpus")
    work = tmp_path_factory.mktemp("corpus-install")
    (work / "package.json").write_text('{"name": "corpus-install", "private": true}\n')
    npm_install(work, "--ignore-scripts", *CI_PACKAGES)
    dest = tmp_path_factory.mktemp("corpus")
    assert _neutral_tree(work / "node_modules", dest) > 1000
    return dest


def _js_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.suffix in JS_EXTENSIONS and p.is_file()}


def test_check_over_the_corpus_never_crashes(corpus: Path) -> None:
    proc = run_cli("check", corpus, "--format", "json", "--exit-zero", timeout=1800)
    assert proc.returncode == 0, proc.stderr[-4000:]
    # No terminal: no progress bar, nothing extra on stderr.
    assert "scanning" not in proc.stderr and "\x1b[" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["failed"] == [], report["failed"][:20]
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    for reason in skipped.values():
        assert reason, "every skipped file says why"
    # Every file is either scanned or skipped with a reason; the 1 MB cap is the only size limit.
    big = {rel for rel in _js_files(corpus) if (corpus / rel).stat().st_size > 1_000_000}
    assert big <= set(skipped)


def test_fix_dry_run_unsafe_over_the_corpus_never_crashes(corpus: Path) -> None:
    proc = run_cli("fix", corpus, "--dry-run", "--unsafe", "--format", "json", timeout=1800)
    assert proc.returncode == 0, proc.stderr[-4000:]
    doc = json.loads(proc.stdout)
    outcomes = {o["path"]: o for o in doc["outcomes"]}
    failed = [o for o in outcomes.values() if o["status"] == "failed"]
    assert failed == [], failed[:20]
    # One outcome per file, and skipped ones say why.
    assert _js_files(corpus) <= set(outcomes)
    for outcome in outcomes.values():
        assert outcome["status"] in ("unchanged", "changed", "skipped")
        if outcome["status"] == "skipped":
            assert outcome["reason"]
    changed = {o["path"] for o in outcomes.values() if o["status"] == "changed"}
    assert changed == {f["path"] for f in doc["files"]}


def test_fix_dry_run_diff_applies_to_the_corpus(corpus: Path, tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is needed")
    proc = run_cli("fix", corpus, "--dry-run", "--unsafe", timeout=1800)
    assert proc.returncode == 0, proc.stderr[-4000:]
    patch = tmp_path / "fix.patch"
    patch.write_text(proc.stdout, encoding="utf-8", newline="")
    if not proc.stdout:
        return
    # Apply as a user would, from the project root (not inside any enclosing git repository).
    applied = subprocess.run(["git", "apply", "--check", str(patch)], cwd=corpus,
                             env={**os.environ, "GIT_CEILING_DIRECTORIES": str(corpus.parent)},
                             capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr[-4000:]


def _link_or_copy(src: str, dst: str) -> None:
    """Hard-link ``src`` to ``dst``, or copy it where they are on different file systems."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def test_progress_bar_on_a_terminal(corpus: Path, tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    # With stderr on a terminal (stdout to a file), a bar appears once the run takes a second.
    # One copy of the corpus scans in about 0.9 s on one core here (close to the bar's second,
    # so the bar came and went with the machine's load): four copies (hard links) take 3.5 s.
    tree = tmp_path / "tree"
    for copy in range(4):
        shutil.copytree(corpus, tree / f"copy{copy}", copy_function=_link_or_copy)
    command = (f"{sys.executable} -m nodeharden check {tree} --format json --exit-zero "
               f"--jobs 1 --no-cache -o /dev/null")
    child = pexpect.spawn("/bin/sh", ["-c", command], encoding="utf-8", timeout=1800,
                          dimensions=(24, 120), env={**os.environ, "TERM": "xterm"})
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output[-2000:]
    assert "scanning" in output and "/" in output, output[-2000:]


def test_check_path_imports_no_heavy_modules(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "a", "dependencies": {"express": "5"}}\n')
    (tmp_path / "app.js").write_text("const express = require('express');\n"
                                     "const app = express();\napp.listen(3000);\n")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "nodeharden", "check",
                           str(tmp_path), "--format", "json"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1, proc.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines()
                if line.startswith("import time:")}
    assert "nodeharden._scan" in imported
    for heavy in ("copier", "questionary", "jsonschema", "prompt_toolkit", "jinja2"):
        assert heavy not in imported, f"{heavy} is imported by `check`"
