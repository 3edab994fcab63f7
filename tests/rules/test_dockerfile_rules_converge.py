"""dockerfile-user and node-env together converge in one run and touch only the final stage of a
multi-stage Dockerfile."""

from __future__ import annotations

from pathlib import Path

from conftest import CODEMODS, write_tree

from nodeharden import check, fix


EXPRESS_PJ = '{\n  "name": "app",\n  "dependencies": {\n    "express": "^5.1.0"\n  }\n}\n'


def test_dockerfile_rules_converge_in_one_run_and_touch_only_the_final_stage(
        tmp_path: Path) -> None:
    case = CODEMODS / "dockerfile-user" / "fixtures" / "multi-stage-root-build"
    original = (case / "input.Dockerfile").read_text()
    root = write_tree(tmp_path / "p", {"package.json": EXPRESS_PJ, "Dockerfile": original,
                                        "docker/api.Dockerfile": "FROM node:20\nCMD node a.js\n"})
    rules = ["dockerfile-user", "node-env"]
    assert {(f.rule, f.path) for f in check(root, select=rules).findings} == {
        (r, p) for r in rules for p in ("Dockerfile", "docker/api.Dockerfile")}
    fix(root, select=rules, force=True)
    fixed = (root / "Dockerfile").read_text()
    build_stage = original.split("\nFROM node:20-slim")[0]
    assert fixed.startswith(build_stage + "\nFROM node:20-slim")
    tail = fixed.split("\nFROM node:20-slim")[1]
    assert "USER node\n" in tail and "ENV NODE_ENV=production\n" in tail
    assert tail.index("USER node") < tail.index('ENTRYPOINT ["node"]')
    assert (root / "docker/api.Dockerfile").read_text() == (
        "FROM node:20\nUSER node\nENV NODE_ENV=production\nCMD node a.js\n")
    assert check(root, select=rules).findings == []
