"""One open transaction: the compiled statement runner and the case writes of the command path."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Any, Callable, Iterator

from disputeflow.cases.bulk_rows import BulkRows
from disputeflow.cases.types import from_db, to_sqlite


class Tx(BulkRows):
    """One open transaction on one DBAPI cursor, with dialect-aware helpers."""

    __slots__ = ("cur", "store", "_last", "deferred")

    def __init__(self, cur, store: Any, deferred: bool = False):  # store: the Store that opened it
        self.cur = cur
        self.store = store
        self._last: tuple = (None, None)
        self.deferred = deferred  # Store.command(): no transaction yet, each statement commits alone

    def begin(self) -> None:
        """Open the transaction of a :meth:`Store.command` before its first write of several; else nothing."""
        if self.deferred:
            self.cur.execute("BEGIN")
            self.deferred = False

    def t(self, value: datetime | None):
        """A Python time as the driver wants it (fixed-width UTC text on SQLite).

        The last conversion is kept: a batch stamps every row with the same time.
        """
        if value is None:
            return None
        if not self.store.is_sqlite:
            return value
        last, text = self._last
        if value is not last:
            text = to_sqlite(value)
            self._last = (value, text)
        return text

    @staticmethod
    def time(value) -> datetime | None:
        return from_db(value)

    def run(self, name: str, params: dict[str, Any] | tuple) -> int:
        """Run statement ``name``: parameters by name (a dict), or a tuple in the statement's parameter order."""
        sql, values = self.store.sql[name]
        self.cur.execute(sql, params if type(params) is tuple else values(params))
        return self.cur.rowcount

    def many(self, name: str, rows: list[dict[str, Any]] | list[tuple]) -> int:
        """Run statement ``name`` once per row (dicts, or tuples — records included — as for :meth:`run`); returns
        the rows changed in all."""
        if not rows:
            return 0
        sql, values = self.store.sql[name]
        self.cur.executemany(sql, rows if isinstance(rows[0], tuple) else [values(r) for r in rows])
        return self.cur.rowcount

    def one(self, name: str, params: dict[str, Any]):
        sql, values = self.store.sql[name]
        self.cur.execute(sql, values(params))
        return self.cur.fetchone()

    def all(self, name: str, params: dict[str, Any]) -> list:
        sql, values = self.store.sql[name]
        self.cur.execute(sql, values(params))
        return self.cur.fetchall()

    def update_cases(self, columns: tuple[str, ...], rows: list[tuple]) -> int:
        """``UPDATE cases`` under the version read, setting the bookkeeping columns and ``columns``.

        Each row is ``(new version, updated_at, audit_seq, audit_hash, *columns, id, version read)``.
        Only the columns an action changed are set: an unchanged indexed
        column (``state``) then costs no index write, and fewer parameters
        are bound. Returns the rows changed in all (a row whose version moved
        is not changed).
        """
        if not rows:
            return 0
        sql = self.store.case_update_sql(columns)
        self.cur.executemany(sql, rows) if len(rows) > 1 else self.cur.execute(sql, rows[0])
        return self.cur.rowcount

    def change_case(self, columns: tuple[str, ...], case: tuple | list, audit: tuple, outbox: tuple | None,
                    conflict: Callable[[], Exception]) -> None:
        """One command's writes: the case under its version (as :meth:`update_cases`), its audit event and its
        outbox row (``insert_audit``/``insert_outbox`` parameters); raises ``conflict()`` if the version moved.

        PostgreSQL: one statement — the inserts select from the update's
        ``RETURNING``, so they happen only if the case did, and the count says
        which — one round trip instead of three. In a :meth:`Store.command`
        without clock or party rows it commits by itself: the read and this
        are the whole command, two round trips where the raw driver's
        statement-per-call is six. SQLite: the three statements; it has no
        round trips to save.
        """
        if self.store.is_sqlite:
            if self.update_cases(columns, [case]) != 1:
                raise conflict()
            self.run("insert_audit", audit)
            if outbox is not None:
                self.run("insert_outbox", outbox)
            return
        self.cur.execute(self.store.change_case_sql(columns, outbox is not None),
                         (*case, *audit, *outbox) if outbox is not None else (*case, *audit))
        if self.cur.rowcount != 1:
            raise conflict()

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        """Send the statements inside without waiting for each one's answer (PostgreSQL pipeline mode).

        For writes whose results nobody reads: inside the block ``rowcount`` and
        fetches are not yet known (a fetch would wait for the answers), and an
        error surfaces when the block ends — inside the transaction, which it
        then rolls back. A sweep batch's closing writes are six statements: one
        round trip instead of six, which counts when the server shares the
        machine. SQLite has no round trips to save.
        """
        if self.store.is_sqlite:
            yield
            return
        with self.cur.connection.pipeline():
            yield

    def query(self, sql: str, params: dict[str, Any] | None = None) -> list:
        """Ad-hoc SQL written with ``:name`` parameters (translated per dialect)."""
        self.cur.execute(self.store.translate(sql), params or {})
        return self.cur.fetchall() if self.cur.description else []

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> int:
        self.cur.execute(self.store.translate(sql), params or {})
        return self.cur.rowcount
