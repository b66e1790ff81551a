"""Transactions for the read side and the small admin writes, on SQLAlchemy connections.

Everything outside the command path, the sweep and bulk work speaks SQLAlchemy
Core over :mod:`disputeflow.cases.tables`, so placeholders, ``IN`` lists, time
conversion and ``FOR UPDATE`` (which SQLite has no use for) are the
dialect's business, not ours. These contexts give such code a connection with
the same guarantees as :meth:`disputeflow.cases.store.Store.read` and
:meth:`~disputeflow.cases.store.Store.write`: a read sees one snapshot, a write
holds SQLite's write lock from its first statement, and a database that stays
locked past the wait budget raises the store's ``busy`` error rather than a
driver error. :func:`tuned` lends the store's prepared helpers the same
transaction where a read also appends to a hash chain.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection

from disputeflow.cases.connect import driver_transaction
from disputeflow.cases.db import is_busy
from disputeflow.cases.store import Store, Tx


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception under SQLAlchemy's wrapper (what the store's checks look at)."""
    return getattr(exc, "orig", None) or exc


def _refuse(store: Store, exc: BaseException) -> None:
    store.refuse_nul(_driver_error(exc))
    if is_busy(exc) or is_busy(_driver_error(exc)):
        raise store.busy() from exc


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
def _reading(store: Store, snapshot: bool) -> Iterator[Connection]:
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
    """A write transaction (``BEGIN IMMEDIATE`` on SQLite): commits on success, rolls back on any error."""
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


def insert_or_skip(conn: Connection, table, keys: tuple[str, ...], **values) -> int:
    """Insert one row unless a row with the same ``keys`` exists (the first writer wins); returns rows written."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    return conn.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=list(keys))).rowcount
