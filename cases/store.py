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
"""

from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from datetime import datetime
from operator import itemgetter
from typing import Any, Callable, Iterator

from sqlalchemy.engine import Engine as SAEngine

from disputeflow.cases.db import is_busy
from disputeflow.cases.types import from_db, to_sqlite

_PARAM = re.compile(r"(?<![:\w]):(\w+)")

# What a command reads of a case: every column a check, a guard or a write needs, and
# nothing a command never looks at (the description, source, timestamps) — each
# extra column is converted by the driver on every transition.
CASE_COLUMNS = (
    "id, number, definition, definition_version, state, version, category, unit_path, "
    "risk, risk_floor, flags, party_count, mediator, lead_official, responsible_unit, "
    "supervision_level, data, closed_at, audit_seq, audit_hash"
)

# What a command reads of a running clock (``running_clocks``, in this order).
RUNNING_CLOCK_COLUMNS = "id, name, started_at, due_at, warn_at, extended, level, next_step, next_at, calendar_rev"

STATEMENTS: dict[str, str] = {
    "case_for_actor": (
        "SELECT " + ", ".join("c." + c.strip() for c in CASE_COLUMNS.split(",")) +
        ", u.role, u.unit_path, u.unit_id, u.active "
        "FROM cases c LEFT JOIN users u ON u.id = :actor WHERE c.number = :number"
    ),
    # the same, with the user a field of the action names (``assign``'s mediator): one round trip, not two
    "case_for_actor_and_user": (
        "SELECT " + ", ".join("c." + c.strip() for c in CASE_COLUMNS.split(",")) +
        ", u.role, u.unit_path, u.unit_id, u.active, f.role, f.unit_path, f.active "
        "FROM cases c LEFT JOIN users u ON u.id = :actor LEFT JOIN users f ON f.id = :user WHERE c.number = :number"
    ),
    "case_by_number": "SELECT " + CASE_COLUMNS + " FROM cases WHERE number = :number",
    "actor": "SELECT role, unit_path, unit_id, active, name FROM users WHERE id = :actor",
    "user": "SELECT role, unit_path, active FROM users WHERE id = :id",
    "unit": "SELECT kind, path, name FROM units WHERE id = :id",
    "next_number": (
        "INSERT INTO case_counters (prefix, year, last) VALUES (:prefix, :year, 1) "
        "ON CONFLICT (prefix, year) DO UPDATE SET last = case_counters.last + 1 RETURNING last"
    ),
    "insert_case": (
        "INSERT INTO cases (number, definition, definition_version, state, version, title, category, "
        "source, description, unit_id, unit_path, risk, risk_floor, flags, party_count, reporter, "
        "mediator, lead_official, responsible_unit, supervision_level, data, reported_at, updated_at, "
        "closed_at, audit_seq, audit_hash) VALUES (:number, :definition, :definition_version, :state, 1, "
        ":title, :category, :source, :description, :unit_id, :unit_path, :risk, :risk_floor, :flags, "
        ":party_count, :reporter, NULL, NULL, NULL, NULL, :data, :now, :now, NULL, 1, :audit_hash) RETURNING id"
    ),
    # The counter's value signed with the audit key (only when a key is configured).
    "sign_counter": "UPDATE case_counters SET key_id = :key_id, sig = :sig WHERE prefix = :prefix AND year = :year",
    "insert_party": (
        "INSERT INTO parties (case_id, seq, name, role, phone, id_number, address) "
        "VALUES (:case_id, :seq, :name, :role, :phone, :id_number, :address)"
    ),
    "insert_audit": (
        "INSERT INTO audit_events (case_id, seq, at, actor, action, from_state, to_state, data, prev_hash, hash, "
        "fields, key_id) VALUES (:case_id, :seq, :at, :actor, :action, :from_state, :to_state, :data, :prev_hash, "
        ":hash, :fields, :key_id)"
    ),
    "insert_outbox": (
        "INSERT INTO outbox (created_at, event, case_id, case_number, actor, audience, payload, status, "
        "attempts, next_attempt_at) VALUES (:now, :event, :case_id, :case_number, :actor, :audience, "
        ":payload, 'pending', 0, :now)"
    ),
    "running_clocks": (
        "SELECT " + RUNNING_CLOCK_COLUMNS + " FROM clocks WHERE case_id = :case_id AND stopped_at IS NULL"
    ),
    "insert_clock": (
        "INSERT INTO clocks (case_id, name, started_at, due_at, warn_at, calendar_rev, status, extended, "
        "level, next_step, next_at) VALUES (:case_id, :name, :started_at, :due_at, :warn_at, :calendar_rev, "
        "'running', 0, NULL, :next_step, :next_at)"
    ),
    # The sweep's bulk form: a clock already running (the partial unique index) is left alone.
    "insert_clock_if_absent": (
        "INSERT INTO clocks (case_id, name, started_at, due_at, warn_at, calendar_rev, status, extended, "
        "level, next_step, next_at) VALUES (:case_id, :name, :started_at, :due_at, :warn_at, :calendar_rev, "
        "'running', 0, NULL, :next_step, :next_at) ON CONFLICT (case_id, name) WHERE stopped_at IS NULL DO NOTHING"
    ),
    "stop_clock": (
        "UPDATE clocks SET status = 'stopped', stopped_at = :now, next_step = NULL, next_at = NULL "
        "WHERE id = :id AND stopped_at IS NULL"
    ),
    # A command's forms key a running clock by its case and name (at most one runs, the
    # partial unique index): a batch may stop or extend a clock it started itself, before
    # that clock has an id.
    "stop_running_clock": (
        "UPDATE clocks SET status = 'stopped', stopped_at = :now, next_step = NULL, next_at = NULL "
        "WHERE case_id = :case_id AND name = :name AND stopped_at IS NULL"
    ),
    "reschedule_running_clock": (
        "UPDATE clocks SET due_at = :due_at, warn_at = :warn_at, extended = :extended, "
        "next_step = :next_step, next_at = :next_at, calendar_rev = :calendar_rev "
        "WHERE case_id = :case_id AND name = :name AND stopped_at IS NULL"
    ),
    "reschedule_clock": (
        "UPDATE clocks SET due_at = :due_at, warn_at = :warn_at, extended = :extended, "
        "next_step = :next_step, next_at = :next_at, calendar_rev = :calendar_rev WHERE id = :id"
    ),
}


class Tx:
    """One open transaction on one DBAPI cursor, with dialect-aware helpers."""

    __slots__ = ("cur", "store", "_last", "deferred")

    def __init__(self, cur, store: "Store", deferred: bool = False):
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
        """Run statement ``name`` once per row (dicts, or tuples as for :meth:`run`); returns the rows changed in all."""
        if not rows:
            return 0
        sql, values = self.store.sql[name]
        self.cur.executemany(sql, rows if type(rows[0]) is tuple else [values(r) for r in rows])
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

    def select_in(self, sql: str, values, chunk: int = 500) -> list:
        """Rows of ``sql`` (plain SQL ending in a column to match) for every value in ``values``.

        ``SELECT ... WHERE number`` becomes ``... WHERE number IN (?, ?, ...)`` on
        SQLite and ``... WHERE number = ANY(%s)`` (one array parameter) on
        PostgreSQL, ``chunk`` values a statement. Rows come in no given order.
        """
        values = list(values)
        out: list = []
        for lo in range(0, len(values), chunk):
            part = values[lo:lo + chunk]
            if self.store.is_sqlite:
                self.cur.execute(f"{sql} IN ({', '.join('?' * len(part))})", part)
            else:
                self.cur.execute(f"{sql} = ANY(%s)", (part,))
            out.extend(self.cur.fetchall())
        return out

    def insert_rows(self, table: str, columns: tuple[str, ...], rows: list[tuple], suffix: str = "") -> int:
        """Insert many rows in as few round trips as the driver allows; returns how many were written.

        SQLite: one prepared ``executemany`` (no network; the statement is the
        unit of cost). PostgreSQL: one ``INSERT ... SELECT FROM unnest(arrays)``
        with a parameter per column, not per value — executemany would be a
        statement per row and a multi-row VALUES list costs more to build on the
        client than to run. A column holding the same value in every row (the
        batch's time, actor or status) goes as one parameter instead of an array.
        ``suffix`` is appended (``ON CONFLICT ... DO NOTHING``).
        """
        if not rows:
            return 0
        cols = ", ".join(columns)
        if self.store.is_sqlite:
            marks = ", ".join("?" * len(columns))
            self.cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks}) {suffix}", rows)
            return self.cur.rowcount
        exprs, params, arrays = _pg_columns(columns, self.store.pg_types(table, columns), rows)
        self.cur.execute(f"INSERT INTO {table} ({cols}) SELECT {exprs} FROM {arrays} {suffix}", params)
        return self.cur.rowcount

    def update_rows(self, table: str, key: str, columns: tuple[str, ...], rows: list[tuple], extra: str = "") -> None:
        """``UPDATE table SET col = value ... WHERE key = row[0]`` for many rows (key first in each row).

        ``extra`` adds fixed assignments (``version = version + 1``). PostgreSQL
        joins the table with ``unnest`` of one array per column, as above.
        """
        if not rows:
            return
        if self.store.is_sqlite:
            sets = ", ".join([f"{c} = ?" for c in columns] + ([extra] if extra else []))
            self.cur.executemany(f"UPDATE {table} SET {sets} WHERE {key} = ?", [(*r[1:], r[0]) for r in rows])
            return
        names = (key, *columns)
        exprs, params, arrays = _pg_columns(names, self.store.pg_types(table, names), rows, split=True)
        sets = ", ".join([f"{c} = {e}" for c, e in zip(columns, exprs[1:])] + ([extra] if extra else []))
        self.cur.execute(f"UPDATE {table} AS t SET {sets} FROM {arrays} WHERE t.{key} = v.{key}", params)

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


def _pg_columns(names: tuple[str, ...], types: tuple[str, ...], rows: list[tuple], split: bool = False):
    """What ``insert_rows`` and ``update_rows`` send for ``rows`` on PostgreSQL: ``(select list, parameters, unnest)``.

    A column is one typed binary array (``%b::type[]``, no per-element text
    escaping), unless every row holds the same value in it: then that value is
    sent once (``%b::type``). Binary array elements cost the client about half
    a microsecond each to dump, and a sweep batch repeats its time, actor,
    action and status in every row: a third of its values. The first column
    (the key of an update) always stays an array, so ``unnest`` gives one row
    per input row. Constants come first in the parameters, as they come first
    in the statement (the select or SET list precedes ``FROM unnest``).
    """
    n = len(rows)
    columns = list(zip(*rows))
    exprs, consts, arrays, array_names, array_marks = [], [], [], [], []
    for i, (name, typ, col) in enumerate(zip(names, types, columns)):
        if i and n > 1 and col.count(col[0]) == n:
            exprs.append(f"%b::{typ}")
            consts.append(col[0])
        else:
            exprs.append(f"v.{name}")
            arrays.append(list(col))
            array_names.append(name)
            array_marks.append(f"%b::{typ}[]")
    unnest = f"unnest({', '.join(array_marks)}) AS v({', '.join(array_names)})"
    return (exprs if split else ", ".join(exprs)), consts + arrays, unnest


class StoreBusy(Exception):
    """The database stayed locked past the wait budget (what :class:`Store` raises unless given ``busy``)."""


class Store:
    """Prepared statements and transactions for one database.

    ``busy`` makes the error raised when a lock or a connection is not had in
    time (:func:`disputeflow.cases.db.is_busy`); the engine passes its typed ``Busy`` so the
    web and the CLI tell "try again shortly" apart from a failure.
    """

    def __init__(self, engine: SAEngine, statements: dict[str, str] | None = None,
                 busy: Callable[[], Exception] = StoreBusy):
        self.engine = engine
        self.busy = busy
        from disputeflow.cases.audit_key import Signer

        self.signer = Signer()  # the audit key (the engine sets the configured one): every chain append signs with it
        self.dialect = engine.dialect.name
        self.is_sqlite = self.dialect == "sqlite"
        # SQLite has one writer at a time anyway: the process keeps one connection for
        # its writes instead of checking one out of the pool per command (which costs
        # as much as a statement). Taken without waiting; a second writer in the
        # process (another thread) uses a pooled connection and SQLite's own lock.
        self._writer = None
        self._writer_pid = 0
        self._writer_lock = threading.Lock()
        self._checkpoint_runs = 0  # checkpoint_every runs in progress, and the setting before the first
        self._checkpoint_before = 1000
        self._cache: dict[str, str] = {}
        self._types: dict[tuple, tuple[str, ...]] = {}
        self._case_updates: dict[tuple[str, ...], str] = {}
        self._case_changes: dict[tuple, str] = {}
        self.sql = {name: self.positional(text) for name, text in (statements or STATEMENTS).items()}

    def pg_types(self, table: str, columns: tuple[str, ...]) -> tuple[str, ...]:
        """PostgreSQL type names of ``columns``, from the table definitions (for typed ``unnest`` arrays)."""
        key = (table, columns)
        out = self._types.get(key)
        if out is None:
            from sqlalchemy.dialects import postgresql

            from disputeflow.cases.tables import metadata

            dialect = postgresql.dialect()
            t = metadata.tables[table]
            out = tuple(t.c[c].type.compile(dialect=dialect) for c in columns)
            self._types[key] = out
        return out

    def case_update_sql(self, columns: tuple[str, ...]) -> str:
        """The ``UPDATE cases`` statement of :meth:`Tx.update_cases` for this set of columns (made once)."""
        sql = self._case_updates.get(columns)
        if sql is None:
            mark = "?" if self.is_sqlite else "%s"
            sets = ", ".join(f"{c} = {mark}" for c in ("version", "updated_at", "audit_seq", "audit_hash", *columns))
            sql = self._case_updates[columns] = f"UPDATE cases SET {sets} WHERE id = {mark} AND version = {mark}"
        return sql

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

    def is_unique_violation(self, exc: BaseException) -> bool:
        """``exc`` is the driver's refusal of a row a unique index already holds (a concurrent writer's)."""
        if self.is_sqlite:
            return getattr(exc, "sqlite_errorname", None) in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")
        return getattr(exc, "sqlstate", None) == "23505"

    def change_case_sql(self, columns: tuple[str, ...], outbox: bool) -> str:
        """PostgreSQL: the statement of :meth:`Tx.change_case` for this set of columns (made once)."""
        key = (columns, outbox)
        sql = self._case_changes.get(key)
        if sql is None:
            inserts = [self.sql["insert_audit"][0]] + ([self.sql["insert_outbox"][0]] if outbox else [])
            # INSERT ... VALUES (...) → INSERT ... SELECT ... FROM u: a row only if the update returned one
            selects = []
            for q in inserts:
                sel, n = re.subn(r"\)\s*VALUES\s*\((.*)\)\s*$", r") SELECT \1 FROM u", q, flags=re.S | re.I)
                if n != 1:  # left as VALUES it would insert even when the update matched nothing: no Conflict
                    raise ValueError(f"cannot make {q!r} conditional on the case update: end it in VALUES (...)")
                selects.append(sel)
            update = self.case_update_sql(columns) + " RETURNING id"
            sql = f"WITH u AS ({update})"
            if outbox:
                sql += f", a AS ({selects[0]}) {selects[1]}"
            else:
                sql += f" {selects[0]}"
            self._case_changes[key] = sql
        return sql

    def positional(self, sql: str) -> tuple[str, Callable[[dict], tuple]]:
        """``sql`` with positional parameters, and the function that orders a parameter dict for it.

        The drivers bind a tuple by position faster than a dict by name (a
        lookup per parameter per row): about a microsecond a row on the
        command path's wider statements.
        """
        names = _PARAM.findall(sql)
        mark = "?" if self.is_sqlite else "%s"
        text = _PARAM.sub(mark, sql if self.is_sqlite else sql.replace("%", "%%"))
        if not names:
            return text, lambda params: ()
        if len(names) == 1:
            name = names[0]
            return text, lambda params: (params[name],)
        return text, itemgetter(*names)

    def translate(self, sql: str) -> str:
        if self.is_sqlite:
            return sql
        out = self._cache.get(sql)
        if out is None:
            out = _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))
            self._cache[sql] = out
        return out

    def _held_writer(self):
        """The process's SQLite write connection (the DBAPI one), opened on first use and after a fork."""
        if self._writer is None or self._writer_pid != os.getpid():
            self._writer = self.engine.raw_connection()
            self._writer_pid = os.getpid()
        return self._writer.dbapi_connection

    def _drop_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None and self._writer_pid == os.getpid():
            try:
                writer.invalidate()
            except Exception:  # already broken: nothing left to release
                pass

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A write transaction: commits on success, rolls back on any error."""
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
            if is_busy(exc):
                raise self.busy() from exc
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
        if self.is_sqlite:
            with self.write() as tx:
                yield tx
            return
        try:
            conn = self.engine.raw_connection()
        except Exception as exc:
            if is_busy(exc):  # no pooled connection free within the budget
                raise self.busy() from exc
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
            if is_busy(exc):
                raise self.busy() from exc
            raise
        finally:
            try:
                raw.autocommit = False  # the pool's other users expect transactions to begin by themselves
            except Exception:  # a broken connection: never hand it out again in this state
                conn.invalidate()
            conn.close()

    @contextmanager
    def checkpoint_every(self, pages: int) -> Iterator[None]:
        """SQLite: during a long run of write transactions (a sweep, an import), copy the WAL back only every ``pages`` pages.

        By default a commit that leaves more than 1,000 pages (4 MB) in the WAL
        copies them into the database file and syncs it; a sweep batch writes
        about that much, so every batch paid a checkpoint, and the pages several
        batches touch (index leaves, the newest table pages) were copied again
        each time. Raised for the run, restored after, and one passive checkpoint
        at the end leaves the WAL as the default would. Applies to the process's
        held write connection, when no other thread is writing on it.
        PostgreSQL: nothing to do.
        """
        if not self.is_sqlite or not self._writer_lock.acquire(blocking=False):
            yield
            return
        try:
            conn = self._held_writer()
            if self._checkpoint_runs == 0:  # nested runs (a sweep during an import) restore the first setting
                self._checkpoint_before = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
            current = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
            conn.execute(f"PRAGMA wal_autocheckpoint={max(int(pages), int(current))}")
            self._checkpoint_runs += 1
        finally:
            self._writer_lock.release()
        try:
            yield
        finally:
            with self._writer_lock:
                self._checkpoint_runs -= 1
                if self._checkpoint_runs == 0 and self._writer is not None and self._writer_pid == os.getpid():
                    conn = self._writer.dbapi_connection
                    try:
                        conn.execute(f"PRAGMA wal_autocheckpoint={int(self._checkpoint_before)}")
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    except self.engine.dialect.dbapi.Error:  # a broken connection: the load's own error tells
                        self._drop_writer()

    def close(self) -> None:
        """Give back the held write connection (before the engine's pool is disposed)."""
        with self._writer_lock:
            writer, self._writer = self._writer, None
            if writer is not None and self._writer_pid == os.getpid():
                writer.close()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read: a consistent snapshot on SQLite (one deferred transaction), rolled back after."""
        try:
            conn = self.engine.raw_connection()
        except Exception as exc:
            if is_busy(exc):
                raise self.busy() from exc
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
            if is_busy(exc):
                raise self.busy() from exc
            raise
        finally:
            conn.close()
