"""The notifications package holds the rules only: its records are asked of ``cases/`` through typed modules.

No module under ``notifications/`` may carry SQL text, build statements or
import SQLAlchemy; what it needs of the database is
:mod:`disputeflow.cases.deliveries`, ``inbox_store``, ``people`` and ``message_facts``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQL = re.compile(r"^\s*(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS)\b|"
                 r"\b(FROM|JOIN)\s+(cases|parties|users|units|audit_events|outbox|inbox|notification_deliveries)\b",
                 re.I | re.S)


def offences(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"line {node.lineno}: SQL text {node.value[:40]!r}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            found += [f"line {node.lineno}: imports {n}" for n in names if n.split(".")[0] == "sqlalchemy"]
    return found


def test_the_check_finds_sql_text_and_sqlalchemy():
    assert offences('q = "SELECT id FROM outbox WHERE status = :s"')
    assert offences('q = ("UPDATE notification_deliveries SET status = :s " "WHERE id = :id")')
    assert offences("from sqlalchemy import select")
    assert offences("import sqlalchemy.dialects.postgresql")
    assert not offences('text = "请从下列选项中选择 (select one) from the list"')


def test_no_sql_in_the_notifications_package():
    files = sorted((ROOT / "notifications").rglob("*.py"))
    assert len(files) > 10
    bad = {str(f.relative_to(ROOT)): o for f in files if (o := offences(f.read_text(encoding="utf-8")))}
    assert bad == {}
