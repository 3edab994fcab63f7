"""The parsed rule catalog is kept in the user's cache folder between runs (start-up time) and
is always equal to what the ``rule.yml`` files say: a changed file is parsed again, a broken or
unwritable cache is only a slower start, and a warm ``check`` does not import a YAML library."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nodeharden import _catalog
from nodeharden._catalog import RULE_IDS, load_catalog
from nodeharden._data import codemods_dir


def _from_yaml(root: Path) -> dict[str, _catalog.RuleMeta]:
    """The catalog as the YAML files say it, parsed here without any cache."""
    return {rule_id: _catalog._rule_meta(root / rule_id, yaml.safe_load(
        (root / rule_id / "rule.yml").read_text(encoding="utf-8"))) for rule_id in RULE_IDS}


@pytest.fixture()
def codemods(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped catalog (rule.yml and README.md of every rule) and an empty cache
    folder of its own."""
    root = tmp_path / "codemods"
    for rule_id in RULE_IDS:
        (root / rule_id).mkdir(parents=True)
        for name in ("rule.yml", "README.md"):
            shutil.copy(codemods_dir() / rule_id / name, root / rule_id / name)
    monkeypatch.setattr(_catalog, "codemods_dir", lambda: root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    load_catalog.cache_clear()
    yield root
    load_catalog.cache_clear()


def _cache_file(tmp_path: Path) -> Path:
    (found,) = (tmp_path / "cache" / "nodeharden").glob("catalog-*.json")
    return found


def _fields(catalog: dict[str, _catalog.RuleMeta]) -> dict[str, tuple]:
    # RuleMeta's equality leaves out the folder: compare it too.
    return {rule_id: (meta, meta.folder) for rule_id, meta in catalog.items()}


def test_cached_catalog_equals_the_yaml_files(codemods: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_catalog()
    assert _fields(first) == _fields(_from_yaml(codemods))
    entries = json.loads(_cache_file(tmp_path).read_text(encoding="utf-8"))
    assert list(entries) == list(RULE_IDS)
    # The second run reads the cache, not the YAML: poison the parser to prove it.
    load_catalog.cache_clear()
    monkeypatch.setattr(_catalog, "_read_yaml",
                        lambda text: pytest.fail("the YAML was parsed again"))
    second = load_catalog()
    assert _fields(second) == _fields(first)


def test_a_changed_rule_file_is_parsed_again(codemods: Path, tmp_path: Path) -> None:
    load_catalog()
    rule = codemods / "helmet" / "rule.yml"
    text = rule.read_text(encoding="utf-8")
    assert "severity: error" in text
    rule.write_text(text.replace("severity: error", "severity: note"), encoding="utf-8")
    load_catalog.cache_clear()
    assert load_catalog()["helmet"].severity == "note"
    assert _fields(load_catalog()) == _fields(_from_yaml(codemods))
    entries = json.loads(_cache_file(tmp_path).read_text(encoding="utf-8"))
    assert entries["helmet"]["raw"]["severity"] == "note"
    assert list(entries) == list(RULE_IDS)


def test_a_broken_cache_file_is_ignored_and_rewritten(codemods: Path, tmp_path: Path) -> None:
    load_catalog()
    cache_file = _cache_file(tmp_path)
    cache_file.write_text('{"helmet": {"text": ', encoding="utf-8")
    load_catalog.cache_clear()
    assert _fields(load_catalog()) == _fields(_from_yaml(codemods))
    assert list(json.loads(cache_file.read_text(encoding="utf-8"))) == list(RULE_IDS)


def test_a_cache_entry_of_the_wrong_shape_is_parsed_again(codemods: Path, tmp_path: Path) -> None:
    load_catalog()
    cache_file = _cache_file(tmp_path)
    entries = json.loads(cache_file.read_text(encoding="utf-8"))
    entries["helmet"]["raw"] = ["not", "a", "mapping"]
    entries["rate-limit"] = "not an entry"
    cache_file.write_text(json.dumps(entries), encoding="utf-8")
    load_catalog.cache_clear()
    assert _fields(load_catalog()) == _fields(_from_yaml(codemods))
    entries = json.loads(cache_file.read_text(encoding="utf-8"))
    assert isinstance(entries["helmet"]["raw"], dict) and isinstance(entries["rate-limit"], dict)


def test_an_unwritable_cache_folder_costs_nothing_but_time(codemods: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert _fields(load_catalog()) == _fields(_from_yaml(codemods))
    assert blocker.read_text() == "a file where the cache folder would go\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codemods", "not-a-folder"]


def test_values_json_would_change_are_not_cached(codemods: Path, tmp_path: Path) -> None:
    rule = codemods / "helmet" / "rule.yml"
    rule.write_text(rule.read_text(encoding="utf-8") + "reviewed: 2026-01-31\n", encoding="utf-8")
    assert yaml.safe_load(rule.read_text())["reviewed"] == datetime.date(2026, 1, 31)
    assert _fields(load_catalog()) == _fields(_from_yaml(codemods))
    entries = json.loads(_cache_file(tmp_path).read_text(encoding="utf-8"))
    assert "helmet" not in entries and "rate-limit" in entries


def test_warm_check_imports_no_yaml_library(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text('{"name": "a", "dependencies": {"express": "5"}}\n')
    (app / "app.js").write_text("const express = require('express');\n"
                                "const app = express();\napp.listen(3000);\n")
    probe = ("import sys\nfrom nodeharden._cli import main\ncode = main(sys.argv[1:])\n"
             "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'yaml', 'ruamel'}),"
             " file=sys.stderr)\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", probe, "check", str(app), "--format", "json",
                            "--no-cache"], capture_output=True, text=True, env=env, timeout=120,
                           check=False)
            for _ in range(2)]
    assert [r.stderr.splitlines()[-1] for r in runs] == ["1 ['yaml']", "1 []"], runs
    assert runs[0].stdout == runs[1].stdout
