"""A host's transaction joined: the store's transactions run on a SQLAlchemy connection the host began.

An embedding application writes its own rows and a case action in one
transaction (``Engine.unit_of_work(conn)``). While a host connection is
joined (the store's ``joined`` context variable holds it), every transaction
the store opens — :meth:`~disputeflow.cases.store.Store.write`,
``command``, ``read`` and the SQLAlchemy Core contexts of
:mod:`disputeflow.cases.transactions` — runs on that connection instead of a
pooled one, and neither begins, commits nor rolls back the host's
transaction: each one is a SAVEPOINT, so a refused action (or a driver
error) is undone alone and leaves the host's transaction usable (on
PostgreSQL an error otherwise aborts the whole transaction). The host's
commit writes the case; its rollback leaves the case untouched.

SQLite: the engine's own connections begin with ``BEGIN IMMEDIATE`` (see
:mod:`disputeflow.cases.db`); a host engine made with SQLAlchemy's defaults
lets the driver begin only before the first INSERT/UPDATE/DELETE, so a
savepoint taken before then would be the outermost one and its release would
commit. The transaction is therefore begun here (``BEGIN IMMEDIATE``) when
the driver has not begun one yet.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from sqlalchemy import event
from sqlalchemy.engine import Connection


def ensure_begun(conn: Connection, is_sqlite: bool) -> None:
    """Make sure the host's transaction is open on the database itself, not only in SQLAlchemy's bookkeeping."""
    if not conn.in_transaction():
        conn.begin()  # what SQLAlchemy's autobegin would do on the first statement; the host commits it
    if is_sqlite:
        raw = conn.connection.driver_connection
        if not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")


@contextmanager
def savepoint(conn: Connection, is_sqlite: bool) -> Iterator[Connection]:
    """One of the store's transactions inside the host's: a SAVEPOINT, released on success, rolled back to on error."""
    ensure_begun(conn, is_sqlite)
    with conn.begin_nested():
        yield conn


@contextmanager
def cursor(conn: Connection, is_sqlite: bool) -> Iterator:
    """A DBAPI cursor on the host's connection, inside a SAVEPOINT (for the store's prepared statements)."""
    with savepoint(conn, is_sqlite):
        cur = conn.connection.cursor()
        try:
            yield cur
        finally:
            cur.close()


def on_end(conn: Connection, committed: Callable[[Connection], None],
           rolled_back: Callable[[Connection], None]) -> None:
    """Call ``committed(conn)`` when the host commits ``conn``'s transaction and ``rolled_back(conn)`` when it
    rolls back (SQLAlchemy's connection events; ``committed`` runs just before the database's commit — see
    :func:`commit_now`)."""
    event.listen(conn, "commit", committed)
    event.listen(conn, "rollback", rolled_back)


def commit_now(conn: Connection) -> None:
    """Commit ``conn``'s transaction on the database now, from inside SQLAlchemy's ``commit`` event.

    SQLAlchemy's own commit that follows finds nothing left to commit (both drivers
    answer a commit outside a transaction with nothing). What runs after this call
    knows the database stored the transaction; a failed commit raises to the host.
    """
    conn.dialect.do_commit(conn.connection)
