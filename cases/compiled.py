"""Statements made once per store: positional parameters, and the case updates built per set of columns.

A mixin of :class:`disputeflow.cases.store.Store`, so the command path finds
``store.sql`` and ``store.case_update_sql`` as plain attributes of the store.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Callable

from disputeflow.cases.statements import _PARAM
from disputeflow.cases.table_names import TableNames


class CompiledStatements:
    """The store's statements in its driver's parameter style, each made once."""

    is_sqlite: bool

    def _compile(self, statements: dict[str, str], names: TableNames | None = None) -> None:
        # the tables' configured names (prefix, schema): statements are rewritten here, once
        self.names = names or TableNames()
        self._cache: dict[str, str] = {}
        self._types: dict[tuple, tuple[str, ...]] = {}
        self._case_updates: dict[tuple[str, ...], str] = {}
        self._case_changes: dict[tuple, str] = {}
        self.sql = {name: self.positional(self.names.rewrite(text)) for name, text in statements.items()}

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
            sql = self._case_updates[columns] = (f"UPDATE {self.names.table('cases')} SET {sets} "
                                                 f"WHERE id = {mark} AND version = {mark}")
        return sql

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
        """Ad-hoc SQL with ``:name`` parameters in the driver's named style and the configured table names (kept)."""
        if self.is_sqlite:
            return self.names.rewrite(sql)
        out = self._cache.get(sql)
        if out is None:
            out = _PARAM.sub(r"%(\1)s", self.names.rewrite(sql).replace("%", "%%"))
            self._cache[sql] = out
        return out

    def named(self, sql: str) -> str:
        """SQL compiled elsewhere (a Core statement's text) with the configured table names (kept)."""
        return self.names.rewrite(sql)
