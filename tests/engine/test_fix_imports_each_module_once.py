"""Every rule fixing one app at once: the rules ask the engine for their imports, so each
module is imported once per file (a module the file already imports is reused), and every
built-in comes before the file's local imports."""

from __future__ import annotations

import posixpath
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO
from nodeharden._api import fix
from nodeharden._express import extract_facts
from nodeharden._parse import parse
from nodeharden._project import JS_SUFFIXES
from nodeharden._style import module_kind_for
from nodeharden.rules._edits import import_group


def _imports(rel: str, data: bytes) -> list[str]:
    """Return the modules of the top-level imports of one file, in order (``node:`` dropped)."""
    lang = JS_SUFFIXES[posixpath.splitext(rel)[1]]
    facts = extract_facts(lang, data, parse(lang, data).root_node, rel,
                          module_kind_for(rel, "commonjs", data))
    return [imp.module.removeprefix("node:") for imp in sorted(facts.imports,
                                                               key=lambda i: i.start)
            if imp.top_level and imp.module and imp.end <= facts.import_end]


#: Built-ins the app already imports, so the fixes that need them (security-txt's fs and path,
#: error-handler's http) must reuse them.
HEAD = "const fs = require('fs');\nconst { join } = require('node:path');\nvar http = require('http');\n"


@pytest.mark.parametrize("app", ["legacy-cjs", "legacy-cjs+builtins", "esm-factory",
                                 "typescript"])
def test_all_rules_import_each_module_once(tmp_path: Path, app: str) -> None:
    root = tmp_path / "app"
    shutil.copytree(REPO / "tests" / "apps" / app.split("+")[0], root)
    if app.endswith("+builtins"):
        text = (root / "app.js").read_text()
        assert text.startswith("'use strict';\n")
        (root / "app.js").write_text(text.replace("'use strict';\n", "'use strict';\n" + HEAD, 1))
    (root / ".nodeharden.yml").write_text("security_txt:\n  contact: security@acme.test\n")
    plan = fix(root, dry_run=True, unsafe=True).plan
    checked = 0
    for rel in plan.changed_paths():
        if posixpath.splitext(rel)[1] not in JS_SUFFIXES or plan.original.get(rel) is None:
            continue
        before = _imports(rel, plan.original[rel] or b"")
        after = _imports(rel, plan.final[rel])
        if after == before:
            continue
        checked += 1
        twice = {m for m, n in Counter(after).items() if n > 1 and Counter(before)[m] < n}
        assert not twice, f"{rel} imports {twice} twice:\n{plan.final[rel].decode()}"
        added = [m for m in after if m not in before]
        for module in added:
            if import_group(module) == 0:
                later = [m for m in after[:after.index(module)] if import_group(m) == 2]
                assert not later, f"{rel}: {module} after {later}"
    assert checked, "no fix added an import"
