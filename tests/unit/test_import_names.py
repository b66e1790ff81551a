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
