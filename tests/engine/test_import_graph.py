"""No import cycle among the modules of ``src/nodeharden``.

Every ``import`` counts: at module level, inside functions (the lazy imports that keep start-up
fast) and under ``TYPE_CHECKING``. A cycle hidden in a function still means two modules that
cannot be understood, tested or moved one without the other; the layers are (top to bottom)
``_cli`` → ``_cmd_*``/``_wizard`` → ``_interactive`` → ``_api`` → ``_fixer`` → ``_scan`` → rules →
``_model``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nodeharden

PACKAGE_DIR = Path(nodeharden.__file__).parent


def module_name(path: Path, package_dir: Path) -> str:
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package_dir: Path = PACKAGE_DIR) -> dict[str, set[str]]:
    """Return module → the package's modules it imports (at any depth of its code)."""
    paths = {module_name(p, package_dir): p for p in package_dir.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                # `from nodeharden import _scaffold` imports a module; `from x import name`
                # imports x.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base
                           for alias in node.names]
            graph[name].update(t for t in targets if t in paths and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_nodeharden_modules() -> None:
    graph = import_graph()
    assert "nodeharden._cli" in graph and "nodeharden.rules" in graph
    found = cycles(graph)
    described = ["; ".join(f"{m} → {', '.join(sorted(graph[m] & set(c)))}" for m in c)
                 for c in found]
    assert not found, "import cycles:\n" + "\n".join(described)


def test_the_check_finds_a_cycle_made_by_a_function_level_import(tmp_path: Path) -> None:
    """The detector itself: a cycle closed only by an import inside a function is found."""
    pkg = tmp_path / "nodeharden"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "_a.py").write_text("from nodeharden._b import thing\n")
    (pkg / "_b.py").write_text("def thing():\n    from nodeharden import _c\n    return _c\n")
    (pkg / "_c.py").write_text("from . import _a\n")
    (pkg / "_d.py").write_text("from nodeharden._a import thing\n")
    graph = import_graph(pkg)
    assert cycles(graph) == [["nodeharden._a", "nodeharden._b", "nodeharden._c"]]
