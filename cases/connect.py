"""SQLAlchemy Core connections that keep the store's promises.

Statements written as Core expressions over :mod:`disputeflow.cases.tables`
run on a connection from here, so that they behave like the command path's
transactions: a write on SQLite begins ``IMMEDIATE`` (the engine's ``begin``
hook), a read is one consistent snapshot rolled back at the end, a lock or a
pool that stays busy past the wait budget raises the store's typed busy
error, and a NUL character the database refuses is answered as bad input.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from typing import Iterator

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from disputeflow.cases.db import is_busy

# The two dialects' own INSERT constructs, for ON CONFLICT (which Core's generic insert lacks).
_DIALECT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _driver_error(exc: BaseException) -> BaseException:
    """The DBAPI's own exception behind SQLAlchemy's wrapper (what the store's checks understand)."""
    return getattr(exc, "orig", None) or exc


def _busy_or_raise(store, exc: Exception) -> None:
    if is_busy(exc) or is_busy(_driver_error(exc)):
        raise store.busy() from exc


@contextmanager
def writing(store) -> Iterator[Connection]:
    """A write transaction: commits on success, rolls back on any error."""
    try:
        with store.engine.begin() as conn:
            try:
                yield conn
            except BaseException as exc:
                store.refuse_nul(_driver_error(exc))
                raise
    except Exception as exc:
        _busy_or_raise(store, exc)
        raise


@contextmanager
def driver_transaction(conn: Connection, begin: str | None) -> Iterator[Connection]:
    """A transaction begun (``begin``, when the database needs one said) and rolled back on the driver's
    connection under ``conn``.

    SQLAlchemy's own begin and rollback cost more than a read's statements run with
    :func:`disputeflow.cases.prepared.run`. A statement run through ``Connection.execute`` inside
    still works: SQLAlchemy's transaction joins the open one (the ``begin`` hook in
    :mod:`disputeflow.cases.db` sees it open) and is rolled back with it.
    """
    raw = conn.connection.driver_connection
    if begin:
        raw.execute(begin)
    try:
        yield conn
    finally:
        conn.rollback() if conn.in_transaction() else raw.rollback()


@contextmanager
def reading(store) -> Iterator[Connection]:
    """A read: one snapshot (a deferred transaction on SQLite, taking no write lock), rolled back after."""
    try:
        with store.engine.connect() as conn, driver_transaction(conn, "BEGIN DEFERRED" if store.is_sqlite else None):
            try:
                yield conn
            except BaseException as exc:
                store.refuse_nul(_driver_error(exc))
                raise
    except Exception as exc:
        _busy_or_raise(store, exc)
        raise


class HeldConnection:
    """One pooled connection kept for a run of short write transactions, each committed on its own.

    A dispatch pass records every delivery's result as soon as it is known:
    hundreds of one-statement transactions. Checking a connection out of the
    pool and back for each would cost more than the statement; this keeps one
    until :meth:`close`. Not for sharing between threads.
    """

    def __init__(self, store):
        self.store = store
        self._conn: Connection | None = None

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction on the held connection (opened on first use): commits on success.

        The transaction is begun and ended on the driver's connection, for statements run with
        :func:`disputeflow.cases.prepared.run` (SQLAlchemy's own transaction bookkeeping costs
        more than the one-row statement). A statement run through ``Connection.execute`` inside
        it still works: SQLAlchemy's transaction then joins the open one and ends it.
        """
        try:
            if self._conn is None or self._conn.invalidated:
                self.close()
                self._conn = self.store.engine.connect()
            conn = self._conn
            raw = conn.connection.driver_connection
            if self.store.is_sqlite:
                raw.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException as exc:
                conn.rollback() if conn.in_transaction() else raw.rollback()
                self.store.refuse_nul(_driver_error(exc))
                raise
            conn.commit() if conn.in_transaction() else raw.commit()
        except Exception as exc:
            _busy_or_raise(self.store, exc)
            raise

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


@cache
def _insert_new(dialect: str, table: Table, keys: tuple[str, ...]):
    return _DIALECT_INSERTS[dialect](table).on_conflict_do_nothing(index_elements=list(keys))


def insert_new(conn: Connection, table: Table, keys: tuple[str, ...]):
    """``INSERT … ON CONFLICT (keys) DO NOTHING`` for ``conn``'s database: a row already there is skipped."""
    return _insert_new(conn.dialect.name, table, keys)


@cache
def _insert_new_rows(dialect: str, table: Table, keys: tuple[str, ...], columns: tuple[str, ...]):
    return (_DIALECT_INSERTS[dialect](table).values({c: bindparam(c) for c in columns})
            .on_conflict_do_nothing(index_elements=list(keys)))


def insert_new_rows(conn: Connection, table: Table, keys: tuple[str, ...], columns: tuple[str, ...]):
    """:func:`insert_new` naming ``columns`` as bound parameters: one statement, built once, for
    :func:`disputeflow.cases.prepared.run` and :func:`~disputeflow.cases.prepared.run_many`."""
    return _insert_new_rows(conn.dialect.name, table, keys, columns)
