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
_BEGIN = {"IMMEDIATE": "BEGIN IMMEDIATE", "DEFERRED": "BEGIN DEFERRED", "EXCLUSIVE": "BEGIN EXCLUSIVE"}


def normalise_url(url: str) -> str:
    """Accept a bare file path or a plain ``postgresql://`` URL."""
    if "://" not in url:
        return "sqlite:///" + str(Path(url))
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, *, synchronous: str = "NORMAL", pool_size: int = 5, busy_timeout: float = 5.0) -> SAEngine:
    """A SQLAlchemy engine with the connection settings the command path relies on.

    ``busy_timeout`` (seconds) bounds every wait for a lock or a pooled
    connection: SQLite's busy timeout, PostgreSQL's ``lock_timeout`` and the
    pool's checkout timeout. A request behind a long writer is then refused
    as busy (see :func:`is_busy`) after a few seconds instead of hanging.
    """
    url = normalise_url(url)
    u = make_url(url)
    wait_ms = max(1, int(busy_timeout * 1000))
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        # Connections to a file cost little: enough for the web's worker threads and the scheduler.
        eng = create_engine(url, connect_args={"timeout": busy_timeout, "check_same_thread": False},
                            pool_size=pool_size, max_overflow=20, pool_timeout=busy_timeout)
        sync = synchronous.upper()

        @event.listens_for(eng, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={sync}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={wait_ms}")
            cur.execute("PRAGMA cache_size=-32768")  # 32 MiB: a sweep batch touches scattered pages
            cur.close()

        @event.listens_for(eng, "begin")
        def _on_begin(conn):
            # on the driver's connection: through exec_driver_sql this costs as much as a page's query
            raw = conn.connection.driver_connection
            if raw.in_transaction:  # begun on the driver's connection (a held connection's short writes)
                return
            raw.execute(_BEGIN[conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")])

        return eng
    options = u.query.get("options") or ""
    options = " ".join(options) if isinstance(options, tuple) else options
    eng = create_engine(url, pool_size=pool_size, max_overflow=10, pool_timeout=busy_timeout,
                        connect_args={"options": f"{options} -c lock_timeout={wait_ms}".strip()})

    @event.listens_for(eng, "checkout")
    def _still_open(dbapi_conn, _record, _proxy):
        # Instead of pool_pre_ping's SELECT 1 (a round trip on every command), look at
        # the socket: an idle connection has nothing to read unless the server closed
        # it (restart, idle timeout, terminate) and said so. SQLAlchemy then retries
        # the checkout with a fresh connection.
        if dbapi_conn.closed or dbapi_conn.broken or _readable(dbapi_conn.fileno()):
            raise DisconnectionError("connection closed by the server")

    return eng


BUSY_SQLSTATES = frozenset({"55P03", "57014"})  # lock_not_available (lock_timeout), query_canceled (statement_timeout)


def is_busy(exc: BaseException) -> bool:
    """``exc`` says the database was busy rather than wrong: a lock or a connection not had within the budget.

    SQLite: "database is locked" (SQLITE_BUSY / SQLITE_LOCKED after the busy
    timeout). PostgreSQL: ``lock_timeout`` or ``statement_timeout`` expired.
    Either pool: no connection free within the pool's timeout.
    """
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(exc, PoolTimeout):
        return True
    name = getattr(exc, "sqlite_errorname", None)
    if name is not None:
        return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
    if getattr(exc, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return type(exc).__name__ == "OperationalError" and "database is locked" in str(exc)


# connection_exception (class 08), admin_shutdown, crash_shutdown, cannot_connect_now
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
_SQLITE_UNAVAILABLE = ("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_NOTADB", "SQLITE_CORRUPT")


def is_unavailable(exc: BaseException) -> bool:
    """``exc`` says the database could not be used at all: not reachable, the connection lost, the server shut down.

    PostgreSQL: a failed connect (no server on the port, refused, name not
    resolved), a connection the server terminated or closed (SQLSTATE class
    08, 57P01–57P03), or a statement on a connection already closed.
    SQLite: the file cannot be opened or read. SQLAlchemy's own word that it
    lost the connection counts too. A busy database (:func:`is_busy`) is not
    unavailable: asking again shortly helps there.
    """
    from sqlalchemy.exc import DBAPIError, DisconnectionError

    if isinstance(exc, DisconnectionError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    name = getattr(exc, "sqlite_errorname", None)
    if name is not None:
        return name.startswith(_SQLITE_UNAVAILABLE)
    kind = type(exc)
    if not kind.__module__.startswith(("psycopg", "sqlite3")):
        return False
    state = getattr(exc, "sqlstate", None)
    if state is not None:
        return state.startswith("08") or state in UNAVAILABLE_SQLSTATES
    # no SQLSTATE: the client library's own failure (connect refused, connection closed or broken)
    return kind.__name__ in ("OperationalError", "InterfaceError") and kind.__module__.startswith("psycopg")


def _readable(fd: int) -> bool:
    try:
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def url_from_env(explicit: str | None = None) -> str:
    return explicit or os.environ.get("DISPUTEFLOW_DB") or DEFAULT_URL
