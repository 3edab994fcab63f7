"""hardcoded-secret: a secret the code reads from the environment (``jwt.sign(p,
process.env.JWT_SECRET)``) that a ``.env`` beside a package.json sets, where git tracks that
file (committed, whatever a later .gitignore line says: MERN-E-Commerce-Store, sample 34) or
nothing ignores it. Placeholders, development files, variables the code does not read as a
secret, and files elsewhere say nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import write_tree
from nodeharden import check

PACKAGE = json.dumps({"name": "shop", "dependencies": {"express": "^4.21.0",
                                                       "jsonwebtoken": "^9.0.0"}})
TOKEN = """\
const jwt = require('jsonwebtoken');
exports.issue = (userId) => jwt.sign({ userId }, process.env.JWT_SECRET, { expiresIn: '30d' });
"""
ENV = "PORT=5000\nMONGO_URI=mongodb://localhost/shop\nJWT_SECRET=abac12afsdkjladf\n"


def _found(root: Path) -> list[tuple[str, int, str]]:
    report = check(root, select=["hardcoded-secret"])
    assert not report.failed, report.failed
    return [(f.path, f.line, f.message) for f in report.findings]


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=root, check=True, capture_output=True, timeout=60)


def test_a_committed_env_file_that_sets_a_secret_is_reported(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "shop", {"package.json": PACKAGE, "utils/token.js": TOKEN,
                                          ".env": ENV})
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "first")
    (root / ".gitignore").write_text("node_modules\n.env\n")  # ignored from now on: still in git
    [(path, line, message)] = _found(root)
    assert (path, line) == (".env", 3)
    assert message.startswith(".env gives JWT_SECRET a value and is committed to the "
                              "repository: anyone with the source can forge JSON Web Tokens")
    _git(root, "rm", "-q", "--cached", ".env")
    assert _found(root) == []  # untracked and ignored: the developer's own file


def test_an_env_file_nothing_ignores_is_reported_outside_git(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "shop", {"package.json": PACKAGE, "utils/token.js": TOKEN,
                                          ".env": ENV})
    [(path, line, message)] = _found(root)
    assert (path, line) == (".env", 3) and "is not ignored by git" in message
    (root / ".gitignore").write_text(".env\n")
    assert _found(root) == []


def test_what_an_env_file_does_not_say_of_a_secret(tmp_path: Path) -> None:
    cases = {
        "placeholder": {".env": "JWT_SECRET=your_jwt_secret_here\n"},
        "empty": {".env": "JWT_SECRET=\n"},
        "dev-file": {".env": "# Local development only, not for production.\n"
                             "JWT_SECRET=abac12afsdkjladf\n"},
        "not-read-as-secret": {".env": "PORT=5000\nMONGO_URI=mongodb://db/shop\n"},
        "template": {".env.example": ENV},
        "another-folder": {"docker/.env": ENV},
    }
    for name, files in cases.items():
        root = write_tree(tmp_path / name, {"package.json": PACKAGE,
                                            "utils/token.js": TOKEN, **files})
        assert _found(root) == [], name
