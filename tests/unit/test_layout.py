"""Storage in one place: SQL text lives in ``cases/`` and nowhere else in the package.

Outside ``cases/`` code asks a ``cases`` module for what it needs; it writes no
statement of its own. A statement is found by reading each module's syntax
tree: a string constant that reads as a SQL statement (or a ``WHERE``/``JOIN``
fragment with a parameter), and a call of SQLAlchemy's ``text()``. Docstrings
are prose and are not looked at.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The package's code outside ``cases/``: the design folders and the packages of ``disputeflow/`` itself.
TREES = ("workflow", "notifications", "web", "templates",
         *(f"disputeflow/{d.name}" for d in sorted((ROOT / "disputeflow").iterdir())
           if d.is_dir() and not d.is_symlink()))

# Modules whose statements are being moved into ``cases/`` now; each leaves this list as it moves.
PENDING: tuple[str, ...] = ()

STATEMENT = re.compile(
    r"^\s*\(?\s*(SELECT\s.+\sFROM\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+(AS\s+\w+\s+)?SET\s|DELETE\s+FROM\s|"
    r"WITH\s+\w+\s+AS\s*\(|MERGE\s+INTO\s|PRAGMA\s|(BEGIN|COMMIT|ROLLBACK)(\s+\w+)?\s*$|SET\s+(LOCAL\s+)?\w+\s*(=|TO)\s|"
    r"CREATE\s+(UNIQUE\s+)?(TABLE|INDEX)\s|ALTER\s+TABLE\s|DROP\s+(TABLE|INDEX)\s)",
    re.IGNORECASE | re.DOTALL)
# A piece of a statement built up by hand: a condition on a column with a bound parameter.
FRAGMENT = re.compile(r"\b(WHERE|JOIN|AND|OR)\s+[\w.]+\s*(=|<>|<=|>=|<|>|\s+LIKE|\s+IN)\s*(:\w+|\?|%s|\()",
                      re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _sqlalchemy_text_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Names bound to SQLAlchemy's ``text`` and to the ``sqlalchemy`` module (or a submodule) in one module."""
    funcs, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            funcs.update(a.asname or a.name for a in node.names if a.name == "text")
        elif isinstance(node, ast.Import):
            modules.update(a.asname or a.name.split(".")[0] for a in node.names if a.name.split(".")[0] == "sqlalchemy")
    return funcs, modules


def sql_in(source: str, filename: str = "<module>") -> list[tuple[int, str]]:
    """Where ``source`` holds SQL text: ``(line, what)`` for each statement-like string and ``text()`` call."""
    tree = ast.parse(source, filename=filename)
    docs = _docstrings(tree)
    funcs, modules = _sqlalchemy_text_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if STATEMENT.match(node.value) or FRAGMENT.search(node.value):
                found.append((node.lineno, node.value.strip()[:60]))
        elif isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Name) and f.id in funcs) or (
                    isinstance(f, ast.Attribute) and f.attr == "text" and isinstance(f.value, ast.Name)
                    and f.value.id in modules):
                found.append((node.lineno, "text(...)"))
    return found


def _modules():
    for tree in TREES:
        for path in sorted((ROOT / tree).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path


def test_no_sql_text_outside_cases():
    offenders = []
    for rel, path in _modules():
        if rel in PENDING:
            continue
        offenders += [f"{rel}:{line}: {what}" for line, what in sql_in(path.read_text(encoding="utf-8"), rel)]
    assert not offenders, "SQL belongs in cases/:\n" + "\n".join(offenders)


def test_pending_modules_still_exist_and_still_hold_sql():
    """A module that no longer holds SQL leaves :data:`PENDING` (so the list only shrinks to empty)."""
    stale = [rel for rel in PENDING if not (ROOT / rel).exists() or not sql_in((ROOT / rel).read_text("utf-8"))]
    assert not stale, f"remove from PENDING: {stale}"


def test_the_check_sees_each_form_of_sql():
    samples = {
        'Q = "SELECT id, name FROM users WHERE id = :id"': 1,
        'Q = ("INSERT INTO units (id, name) "\n     "VALUES (:id, :name)")': 1,
        'q = f"UPDATE cases SET state = :s WHERE id = {x}"': 1,
        'Q = "DELETE FROM login_failures WHERE at <= :since"': 1,
        'where.append("c.state = :state")': 0,  # a bare condition is too short to tell from prose ...
        'where.append(" AND c.state = :state")': 1,  # ... but one joined onto others is a fragment
        'cur.execute("BEGIN")': 1,
        'tx.execute("SET LOCAL random_page_cost = 1.1")': 1,
        "from sqlalchemy import text\nconn.execute(text('anything'))": 1,
        "import sqlalchemy as sa\nsa.text('anything')": 1,
        "def text(x): ...\ntext('not sql')": 0,  # a module's own function named text is not SQLAlchemy's
        'def f():\n    """SELECT what the reader may see, FROM the store."""': 0,
        'MSG = "选择 the update of a case"': 0,
    }
    for source, expected in samples.items():
        assert len(sql_in(source)) == expected, source
