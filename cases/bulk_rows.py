"""Many rows in few round trips: multi-row inserts and updates, per dialect.

A mixin of :class:`disputeflow.cases.tx.Tx` (which holds ``cur`` and ``store``).
"""

from __future__ import annotations

from typing import Any


class BulkRows:
    """The batch helpers of a transaction: the sweep, bulk actions and the ledger import use them."""

    __slots__ = ()
    cur: Any  # the DBAPI cursor, and the store: slots of the transaction
    store: Any

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
        plain, table = table, self.store.names.table(table)
        if self.store.is_sqlite:
            marks = ", ".join("?" * len(columns))
            self.cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks}) {suffix}", rows)
            return self.cur.rowcount
        exprs, params, arrays = _pg_columns(columns, self.store.pg_types(plain, columns), rows)
        self.cur.execute(f"INSERT INTO {table} ({cols}) SELECT {exprs} FROM {arrays} {suffix}", params)
        return self.cur.rowcount

    def update_rows(self, table: str, key: str, columns: tuple[str, ...], rows: list[tuple], extra: str = "") -> None:
        """``UPDATE table SET col = value ... WHERE key = row[0]`` for many rows (key first in each row).

        ``extra`` adds fixed assignments (``version = version + 1``). PostgreSQL
        joins the table with ``unnest`` of one array per column, as above.
        """
        if not rows:
            return
        plain, table = table, self.store.names.table(table)
        if self.store.is_sqlite:
            sets = ", ".join([f"{c} = ?" for c in columns] + ([extra] if extra else []))
            self.cur.executemany(f"UPDATE {table} SET {sets} WHERE {key} = ?", [(*r[1:], r[0]) for r in rows])
            return
        names = (key, *columns)
        exprs, params, arrays = _pg_columns(names, self.store.pg_types(plain, names), rows, split=True)
        sets = ", ".join([f"{c} = {e}" for c, e in zip(columns, exprs[1:])] + ([extra] if extra else []))
        self.cur.execute(f"UPDATE {table} AS t SET {sets} FROM {arrays} WHERE t.{key} = v.{key}", params)


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
