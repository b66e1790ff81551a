"""SQLAlchemy connections that keep the store's promises: the read side, admin writes, notification records.

Everything outside the command path, the sweep and bulk work speaks SQLAlchemy
Core over :mod:`disputeflow.cases.tables`, so placeholders, ``IN`` lists, time
conversion and ``FOR UPDATE`` (which SQLite has no use for) are the
dialect's business, not ours. These contexts give such code a connection with
the same guarantees as :meth:`disputeflow.cases.store.Store.read` and
:meth:`~disputeflow.cases.store.Store.write`: a read sees one snapshot, a write
holds SQLite's write lock from its first statement (the engine's ``begin``
hook), a database that stays locked past the wait budget raises the store's
``busy`` error rather than a driver error, and a NUL character the database
refuses is answered as bad input. :func:`tuned` lends the store's prepared
helpers the same transaction where a read also appends to a hash chain;
:class:`HeldConnection` keeps one connection for a run of short writes.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from typing import Iterator
from weakref import WeakKeyDictionary

from sqlalchemy import Table, bindparam
from sqlalchemy.engine import Connection

from disputeflow.cases import joined
from disputeflow.cases.prepared import skip_existing
from disputeflow.cases.store import Store, Tx


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception under SQLAlchemy's wrapper (what the store's checks look at)."""
    return getattr(exc, "orig", None) or exc


def _refuse(store: Store, exc: BaseException) -> None:
    store.refuse_nul(_driver_error(exc))
    store.driver_error(exc)


@contextmanager
def _on_host(store: Store, host: Connection) -> Iterator[Connection]:
    """A joined host's connection, inside a SAVEPOINT of its transaction (see :mod:`disputeflow.cases.joined`)."""
    try:
        with joined.savepoint(host, store.is_sqlite):
            yield host
    except Exception as exc:
        _refuse(store, exc)
        raise


_READERS: WeakKeyDictionary = WeakKeyDictionary()


def _reader(store: Store, snapshot: bool):
    """The store's engine with a reader's options (made once per store: making it costs as much as a query)."""
    got = _READERS.get(store)
    if got is None:
        plain = store.engine.execution_options(sqlite_begin="DEFERRED")
        whole = plain
        if store.dialect == "postgresql":
            whole = plain.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        got = _READERS[store] = (plain, whole)
    return got[snapshot]


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
def _reading(store: Store, snapshot: bool) -> Iterator[Connection]:
    host = store.joined.get()
    if host is not None:
        with _on_host(store, host) as conn:
            yield conn
        return
    try:
        with _reader(store, snapshot).connect() as conn, \
                driver_transaction(conn, "BEGIN DEFERRED" if store.is_sqlite else None):
            yield conn
    except Exception as exc:
        _refuse(store, exc)
        raise


def read(store: Store):
    """A connection for reading (one snapshot on SQLite: a deferred transaction), rolled back after.

    PostgreSQL reads are READ COMMITTED, as the store's own: each statement sees
    what was committed when it began.
    """
    return _reading(store, False)


@contextmanager
def write(store: Store) -> Iterator[Connection]:
    """A write transaction (``BEGIN IMMEDIATE`` on SQLite): commits on success, rolls back on any error.

    In a joined host's transaction: a SAVEPOINT on the host's connection; the host commits.
    """
    host = store.joined.get()
    if host is not None:
        with _on_host(store, host) as conn:
            yield conn
        return
    try:
        with store.engine.begin() as conn:
            yield conn
    except Exception as exc:
        _refuse(store, exc)
        raise


def tuned(conn: Connection, store: Store) -> Tx:
    """The store's prepared-statement helpers on ``conn``'s own transaction (for chain appends inside a read)."""
    return Tx(conn.connection.cursor(), store)


def snapshot(store: Store):
    """A read whose statements all see one snapshot, and whose results may stream (reports over a year).

    SQLite's deferred transaction is one snapshot already; PostgreSQL's default
    (READ COMMITTED) gives each statement its own, so the read asks for
    REPEATABLE READ there, read-only.
    """
    return _reading(store, True)


class HeldConnection:
    """One pooled connection kept for a run of short write transactions, each committed on its own.

    A dispatch pass records every delivery's result as soon as it is known:
    hundreds of one-statement transactions. Checking a connection out of the
    pool and back for each would cost more than the statement; this keeps one
    until :meth:`close`. Not for sharing between threads.
    """

    def __init__(self, store: Store):
        self.store = store
        self._conn: Connection | None = None

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction on the held connection (opened on first use): commits on success.

        The transaction is begun and ended on the driver's connection, for statements run with
        :func:`disputeflow.cases.prepared.run` (SQLAlchemy's own transaction bookkeeping costs
        more than the one-row statement). A statement run through ``Connection.execute`` inside
        it still works: SQLAlchemy's transaction then joins the open one and ends it.
        """
        host = self.store.joined.get()
        if host is not None:
            with _on_host(self.store, host) as conn:
                yield conn
            return
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
            except BaseException:
                conn.rollback() if conn.in_transaction() else raw.rollback()
                raise
            conn.commit() if conn.in_transaction() else raw.commit()
        except Exception as exc:
            _refuse(self.store, exc)
            raise

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def insert_new(conn: Connection, table: Table, keys: tuple[str, ...]):
    """``INSERT … ON CONFLICT (keys) DO NOTHING`` for ``conn``'s database: a row already there is skipped."""
    return skip_existing(conn.dialect.name, table, keys)


def insert_or_skip(conn: Connection, table: Table, keys: tuple[str, ...], **values) -> int:
    """Insert one row unless a row with the same ``keys`` exists (the first writer wins); returns rows written."""
    return conn.execute(insert_new(conn, table, keys).values(**values)).rowcount


@cache
def _insert_new_rows(dialect: str, table: Table, keys: tuple[str, ...], columns: tuple[str, ...]):
    return skip_existing(dialect, table, keys).values({c: bindparam(c) for c in columns})


def insert_new_rows(conn: Connection, table: Table, keys: tuple[str, ...], columns: tuple[str, ...]):
    """:func:`insert_new` naming ``columns`` as bound parameters: one statement, built once, for
    :func:`disputeflow.cases.prepared.run` and :func:`~disputeflow.cases.prepared.run_many`."""
    return _insert_new_rows(conn.dialect.name, table, keys, columns)
