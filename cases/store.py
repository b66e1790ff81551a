"""The command path's storage: prepared SQL on the pooled DBAPI connection.

A transition is a handful of statements — read the case (joined with the
actor), update it under its version, append the audit event, touch its clocks,
append the outbox row — in one transaction. Going through the ORM's identity
map costs about nine times the database's own limit here, so this path speaks
SQL directly; the statements are written once with ``:name`` parameters and
translated to the driver's parameter style at start-up.

SQLite write transactions begin with ``BEGIN IMMEDIATE``; PostgreSQL relies on
the version check in ``UPDATE ... WHERE version = :version`` and, for sweepers,
``FOR UPDATE SKIP LOCKED``.

The parts: the SQL (:mod:`~disputeflow.cases.statements`), made once per store
(:mod:`~disputeflow.cases.compiled`), run inside a transaction
(:mod:`~disputeflow.cases.tx`, with the batch helpers of
:mod:`~disputeflow.cases.bulk_rows`), and SQLite's held write connection
(:mod:`~disputeflow.cases.sqlite_writer`). This module opens the transactions.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

from sqlalchemy.engine import Engine as SAEngine

from disputeflow.cases.bulk_rows import _pg_columns
from disputeflow.cases.compiled import CompiledStatements
from disputeflow.cases import joined
from disputeflow.cases.db import is_busy, is_unavailable
from disputeflow.cases.sqlite_writer import SQLiteWriter
from disputeflow.cases.statements import _PARAM, CASE_COLUMNS, RUNNING_CLOCK_COLUMNS, STATEMENTS
from disputeflow.cases.table_names import TableNames
from disputeflow.cases.tx import Tx

__all__ = ["CASE_COLUMNS", "RUNNING_CLOCK_COLUMNS", "STATEMENTS", "Store", "StoreBusy", "StoreUnavailable", "Tx",
           "_PARAM", "_pg_columns"]


class StoreBusy(Exception):
    """The database stayed locked past the wait budget (what :class:`Store` raises unless given ``busy``)."""


class StoreUnavailable(Exception):
    """The database could not be reached or the connection was lost (what :class:`Store` raises unless given
    ``unavailable``)."""


class Store(CompiledStatements, SQLiteWriter):
    """Prepared statements and transactions for one database.

    ``busy`` makes the error raised when a lock or a connection is not had in
    time (:func:`disputeflow.cases.db.is_busy`); the engine passes its typed ``Busy`` so the
    web and the CLI tell "try again shortly" apart from a failure. ``unavailable``
    likewise for a database that cannot be reached or a connection lost
    (:func:`disputeflow.cases.db.is_unavailable`). ``joined`` holds a host's
    SQLAlchemy connection while its transaction is joined (:mod:`disputeflow.cases.joined`).
    """

    def __init__(self, engine: SAEngine, statements: dict[str, str] | None = None,
                 busy: Callable[[], Exception] = StoreBusy, unavailable: Callable[[], Exception] = StoreUnavailable,
                 names: TableNames | None = None):
        self.engine = names.bind(engine) if names else engine  # names: the tables' prefix and schema
        self.busy = busy
        self.unavailable = unavailable
        self.joined: ContextVar = ContextVar(f"disputeflow_joined_{id(self)}", default=None)
        from disputeflow.cases.audit_key import Signer

        self.signer = Signer()  # the audit key (the engine sets the configured one): every chain append signs with it
        self.dialect = engine.dialect.name
        self.is_sqlite = self.dialect == "sqlite"
        self._init_writer()
        self._compile(statements or STATEMENTS, names)

    def refuse_nul(self, exc: BaseException) -> None:
        """Raise a validation error in place of the driver's refusal of a NUL character.

        PostgreSQL can neither store nor compare text holding NUL (SQLite can), so a
        NUL that reached a statement (a case number, a user id or a filter typed
        into a URL) would be a server error; input checks refuse it in stored
        text, and this answers the rest as the bad input it is, on both databases.
        """
        if isinstance(exc, self.engine.dialect.dbapi.DataError) and "NUL" in str(exc):
            from disputeflow.workflow.errors import ValidationError

            raise ValidationError.one("input", "输入含有空字符（NUL），请删除后重试",
                                      "the input holds a NUL character; remove it and try again") from None

    def driver_error(self, exc: BaseException) -> None:
        """Raise the typed error a driver's failure stands for (busy, unavailable), if it stands for one.

        The one place the store's transactions (here and in :mod:`disputeflow.cases.transactions`)
        translate what the driver raised; SQLAlchemy's wrappers are looked under.
        """
        orig = getattr(exc, "orig", None)
        if is_busy(exc) or (orig is not None and is_busy(orig)):
            raise self.busy() from exc
        if is_unavailable(exc) or (orig is not None and is_unavailable(orig)):
            raise self.unavailable() from exc

    @contextmanager
    def _joined(self, host) -> Iterator[Tx]:
        """A transaction of this store inside the host's joined transaction (a SAVEPOINT on its connection)."""
        try:
            with joined.cursor(host, self.is_sqlite) as cur:
                try:
                    yield Tx(cur, self)
                except BaseException as exc:
                    self.refuse_nul(exc)
                    raise
        except Exception as exc:
            self.driver_error(exc)
            raise

    def is_unique_violation(self, exc: BaseException) -> bool:
        """``exc`` is the driver's refusal of a row a unique index already holds (a concurrent writer's)."""
        if self.is_sqlite:
            return getattr(exc, "sqlite_errorname", None) in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")
        return getattr(exc, "sqlstate", None) == "23505"

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A write transaction: commits on success, rolls back on any error (a SAVEPOINT in a joined host's)."""
        host = self.joined.get()
        if host is not None:
            with self._joined(host) as tx:
                yield tx
            return
        held = self.is_sqlite and self._writer_lock.acquire(blocking=False)
        try:
            conn = self._held_writer() if held else self.engine.raw_connection()
            cur = conn.cursor()
            try:
                if self.is_sqlite:
                    cur.execute("BEGIN IMMEDIATE")
                try:
                    yield Tx(cur, self)
                except BaseException as exc:
                    conn.rollback()
                    self.refuse_nul(exc)
                    raise
                else:
                    conn.commit()
                finally:
                    cur.close()
            except BaseException:
                if held and conn.in_transaction:  # the rollback itself failed: start afresh next time
                    self._drop_writer()
                raise
            finally:
                if not held:
                    conn.close()
        except Exception as exc:
            self.driver_error(exc)
            raise
        finally:
            if held:
                self._writer_lock.release()

    @contextmanager
    def command(self) -> Iterator[Tx]:
        """A command: its reads, then its writes — in one round trip when they are one statement.

        SQLite: :meth:`write` (``BEGIN IMMEDIATE`` serialises writers, and there
        are no round trips to save). PostgreSQL: the connection runs in
        autocommit until :meth:`Tx.begin`. Under READ COMMITTED each statement
        sees what was committed when it started, inside a transaction or not,
        and a command's reads take no locks, so reading before BEGIN changes
        nothing; the version check in the write is what protects the case. A
        command whose writes are one statement (:meth:`Tx.change_case`) then
        needs neither BEGIN nor COMMIT: two round trips instead of four. One
        with clock or party rows calls :meth:`Tx.begin` first and commits here.
        """
        if self.is_sqlite or self.joined.get() is not None:
            with self.write() as tx:
                yield tx
            return
        try:
            conn = self.engine.raw_connection()
        except Exception as exc:
            self.driver_error(exc)  # no pooled connection free within the budget, or no server
            raise
        raw = conn.dbapi_connection
        try:
            raw.autocommit = True
            cur = conn.cursor()
            tx = Tx(cur, self, deferred=True)
            try:
                yield tx
            except BaseException as exc:
                try:
                    raw.rollback()  # a no-op unless begin() opened a transaction
                except Exception:  # a broken connection: the first error is the one to tell; the pool drops it
                    pass
                self.refuse_nul(exc)
                raise
            else:
                if not tx.deferred:
                    cur.execute("COMMIT")
            finally:
                cur.close()
        except Exception as exc:
            self.driver_error(exc)
            raise
        finally:
            try:
                raw.autocommit = False  # the pool's other users expect transactions to begin by themselves
            except Exception:  # a broken connection: never hand it out again in this state
                conn.invalidate()
            conn.close()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read: a consistent snapshot on SQLite (one deferred transaction), rolled back after.

        In a joined host's transaction: on the host's connection, seeing its uncommitted rows.
        """
        host = self.joined.get()
        if host is not None:
            with self._joined(host) as tx:
                yield tx
            return
        try:
            conn = self.engine.raw_connection()
        except Exception as exc:
            self.driver_error(exc)
            raise
        try:
            cur = conn.cursor()
            if self.is_sqlite:
                cur.execute("BEGIN")
            try:
                yield Tx(cur, self)
            except BaseException as exc:
                self.refuse_nul(exc)
                raise
            finally:
                conn.rollback()
                cur.close()
        except Exception as exc:
            self.driver_error(exc)
            raise
        finally:
            conn.close()
