"""Rules depend on the engine, never on each other: no rule module imports another rule module
(shared helpers live in ``rules/_*.py`` or in the engine), and no rule imports the modules that
run the rules (the scanner, the fixer, the CLI)."""

from __future__ import annotations

import ast
from pathlib import Path

import nodeharden.rules

RULES_DIR = Path(nodeharden.rules.__file__).parent
RULE_MODULES = sorted(p.stem for p in RULES_DIR.glob("*.py") if not p.stem.startswith("_"))
#: Engine modules that run rules: a rule importing one would depend on what sits above it.
ABOVE_RULES = {"nodeharden._scan", "nodeharden._fixer", "nodeharden._cli", "nodeharden._api",
               "nodeharden._cmd_check", "nodeharden._cmd_fix", "nodeharden._interactive"}


def imported_modules(path: Path) -> set[str]:
    """Return every module ``path`` imports, at any depth (imports inside functions count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x / from .x import y
                base = "nodeharden.rules" if node.level == 1 else "nodeharden"
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def rule_imports(path: Path) -> list[str]:
    """Return the rule modules and above-the-rules modules ``path`` imports."""
    own = f"nodeharden.rules.{path.stem}"
    rules = {f"nodeharden.rules.{name}" for name in RULE_MODULES} - {own}
    return sorted(imported_modules(path) & (rules | ABOVE_RULES))


def test_rule_modules_are_found() -> None:
    assert {"error_handler", "eslint_security", "npm_audit_ci", "rate_limit"} <= set(RULE_MODULES)


def test_no_rule_imports_another_rule_or_the_engine_above_it() -> None:
    offenders = {path.name: found for path in sorted(RULES_DIR.glob("*.py"))
                 if path.name != "__init__.py" and (found := rule_imports(path))}
    assert offenders == {}


def test_the_check_sees_an_import_between_rules(tmp_path: Path) -> None:
    sample = tmp_path / "helmet.py"
    sample.write_text("def f() -> None:\n    from nodeharden.rules.rate_limit import x\n"
                      "from nodeharden._fixer import apply_edits\nfrom . import body_limit\n")
    assert rule_imports(sample) == ["nodeharden._fixer", "nodeharden.rules.body_limit",
                                    "nodeharden.rules.rate_limit"]
