"""The database's plan for a read, as text: what the scale notes (docs/scale.md), the bench and the tests read.

A read built with :mod:`disputeflow.cases.prepared` runs as the driver text
that :func:`~disputeflow.cases.prepared.run` would send, prefixed with
``EXPLAIN QUERY PLAN`` (SQLite) or ``EXPLAIN`` (PostgreSQL; ``analyze=True``
adds ``ANALYZE, BUFFERS``, which runs the statement). Planner settings for a
deterministic plan on a small test database (``enable_seqscan``) are the
caller's, set on the same connection with :func:`set_planner`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.sql import ClauseElement

from disputeflow.cases.prepared import _plan
from disputeflow.cases.table_names import names_of

_SETTINGS = ("enable_seqscan", "enable_indexscan", "enable_bitmapscan", "enable_sort")


def explain(conn: Connection, stmt: ClauseElement, params: dict[str, Any] | None = None,
            analyze: bool = False) -> list[str]:
    """The plan of ``stmt`` with ``params`` on ``conn``, one line per plan node (SQLite: ``detail`` indented)."""
    plan = _plan(stmt, conn.dialect)
    sql, values = plan.statement(params)
    names = names_of(conn)
    if names is not None:
        sql = names.rewrite(sql)
    sqlite = conn.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else ("EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN ")
    cur = conn.connection.driver_connection.cursor()
    try:
        cur.execute(prefix + sql, values)
        rows = cur.fetchall()
    finally:
        cur.close()
    if not sqlite:
        return [r[0] for r in rows]
    depth: dict[int, int] = {0: -1}
    out = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        out.append("  " * depth[node] + detail)
    return out


def set_planner(conn: Connection, setting: str, on: bool) -> None:
    """Turn a PostgreSQL planner method on or off for ``conn``'s transaction (``SET LOCAL``); a no-op on SQLite."""
    if setting not in _SETTINGS:
        raise ValueError(f"unknown planner setting {setting!r}")
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL {setting} = {'on' if on else 'off'}")
