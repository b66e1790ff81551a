"""Code imports the engine only as ``disputeflow``.

In a checkout the design card's folders (``workflow/``, ``cases/`` …) sit at the top of the
repository, so ``import workflow`` would work there and load a second copy of every module (two
``DisputeflowError`` classes, two registries). Installed, that name does not exist at all. So no
module, test, example or benchmark may use the old top-level names.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OLD_NAMES = {"workflow", "cases", "notifications", "web", "templates"}
TREES = ("disputeflow", "workflow", "cases", "notifications", "web", "tests", "examples", "bench", "docs")


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def test_no_code_imports_the_old_top_level_names():
    offenders = []
    for tree in TREES:
        for path in (ROOT / tree).rglob("*.py"):
            if tree != "disputeflow" and path.is_relative_to(ROOT / "disputeflow"):
                continue
            for line, module in _imports(path):
                if module.split(".")[0] in OLD_NAMES:
                    offenders.append(f"{path.relative_to(ROOT)}:{line}: {module}")
    assert not offenders, "\n".join(offenders)


def test_the_package_links_every_design_folder():
    for name in sorted(OLD_NAMES):
        link = ROOT / "disputeflow" / name
        assert link.is_symlink() and link.resolve() == (ROOT / name).resolve(), name


# The design folders (linked into the package) and the packages that live in ``disputeflow/`` itself.
PARTS = {"workflow": "disputeflow.workflow", "cases": "disputeflow.cases",
         "notifications": "disputeflow.notifications", "web": "disputeflow.web",
         **{f"disputeflow/{d.name}": f"disputeflow.{d.name}" for d in sorted((ROOT / "disputeflow").iterdir())
            if d.is_dir() and not d.is_symlink() and (d / "__init__.py").exists()}}


def _module_graph() -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports (at the top or inside a function)."""
    files = {"disputeflow": ROOT / "disputeflow" / "__init__.py"}
    for base, prefix in PARTS.items():
        for path in (ROOT / base).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT / base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join([prefix, *parts])] = path
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets.add(node.module)
                targets.update(f"{node.module}.{a.name}" for a in node.names)
        graph[name] = {t for t in targets if t in files and t != name}
    return graph


def test_no_import_circles():
    """A module that imports another which imports it back (even inside a function) is a circle:
    neither can be read, tested or moved on its own."""
    graph = _module_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert len(graph) > 100
    assert circles == []
