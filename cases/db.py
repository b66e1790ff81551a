"""Database engines: SQLite (the embedded default) and PostgreSQL.

SQLite gets WAL, a busy timeout and foreign keys on every connection, and the
driver's own transaction handling is switched off so that write transactions
can begin with ``BEGIN IMMEDIATE`` (a deferred transaction that reads and then
writes fails with "database is locked" under concurrent writers).
"""

from __future__ import annotations

import os
import select
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.engine import make_url

DEFAULT_URL = "sqlite:///disputeflow.db"


def normalise_url(url: str) -> str:
    """Accept a bare file path or a plain ``postgresql://`` URL."""
    if "://" not in url:
        return "sqlite:///" + str(Path(url))
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, *, synchronous: str = "NORMAL", pool_size: int = 5) -> SAEngine:
    """A SQLAlchemy engine with the connection settings the command path relies on."""
    url = normalise_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        sync = synchronous.upper()

        @event.listens_for(eng, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={sync}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA cache_size=-32768")  # 32 MiB: a sweep batch touches scattered pages
            cur.close()

        @event.listens_for(eng, "begin")
        def _on_begin(conn):
            mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return eng
    eng = create_engine(url, pool_size=pool_size, max_overflow=10)

    @event.listens_for(eng, "checkout")
    def _still_open(dbapi_conn, _record, _proxy):
        # Instead of pool_pre_ping's SELECT 1 (a round trip on every command), look at
        # the socket: an idle connection has nothing to read unless the server closed
        # it (restart, idle timeout, terminate) and said so. SQLAlchemy then retries
        # the checkout with a fresh connection.
        if dbapi_conn.closed or dbapi_conn.broken or _readable(dbapi_conn.fileno()):
            raise DisconnectionError("connection closed by the server")

    return eng


def _readable(fd: int) -> bool:
    try:
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def url_from_env(explicit: str | None = None) -> str:
    return explicit or os.environ.get("DISPUTEFLOW_DB") or DEFAULT_URL
