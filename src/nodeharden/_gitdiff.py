"""``--diff REF``: the files changed since a git ref, for pull-request runs.

"Changed" means what a pull request would show plus what is not committed yet: files that differ
between the merge base of REF and HEAD and the work tree (staged or not), and untracked files
that are not ignored. Paths are relative to the project root; files outside it are left out.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from nodeharden._project import find_root
from nodeharden.errors import GitError


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, timeout=120)
    except FileNotFoundError:
        raise GitError("--diff needs git, and git is not installed (not on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than 120 s; giving up") from None


def _first_line(data: bytes) -> str:
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "no message"


def changed_files(path: Path, ref: str) -> set[str]:
    """Return the project-relative paths of files changed since ``ref`` (committed, staged,
    unstaged or untracked).

    Raises ``GitError`` when the project is not in a git work tree or ``ref`` is unknown.
    """
    root, _ = find_root(path)
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise GitError(f"--diff needs a git repository, and {root} is not inside one")
    toplevel = Path(top.stdout.decode("utf-8").strip()).resolve()
    if ref.startswith("-"):
        raise GitError(f"--diff expects a git ref (branch, tag or commit), got {ref!r}")
    commit = _git(toplevel, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit.returncode != 0:
        raise GitError(f"unknown git ref {ref!r} (no branch, tag or commit of that name; "
                       "in CI, fetch it first, e.g. `git fetch origin main` with enough depth)")
    base = commit.stdout.decode().strip()
    # Compare against where the branch left REF, as a pull request does, so commits made on
    # REF since then do not show up as changes here.
    merge_base = _git(toplevel, "merge-base", base, "HEAD")
    if merge_base.returncode == 0 and merge_base.stdout.strip():
        base = merge_base.stdout.decode().strip()
    diff = _git(toplevel, "diff", "--name-only", "--no-renames", "-z", base, "--")
    if diff.returncode != 0:
        raise GitError(f"git diff {ref} failed: {_first_line(diff.stderr)}")
    untracked = _git(toplevel, "ls-files", "--others", "--exclude-standard", "-z")
    if untracked.returncode != 0:
        raise GitError(f"git ls-files failed: {_first_line(untracked.stderr)}")
    names = {n for n in (diff.stdout + b"\0" + untracked.stdout).split(b"\0") if n}
    changed: set[str] = set()
    for name in names:
        full = toplevel / name.decode("utf-8", "surrogateescape")
        try:
            rel = full.relative_to(root)
        except ValueError:
            continue
        changed.add(rel.as_posix())
    return changed
