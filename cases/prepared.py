"""Core statements run on a store transaction's cursor, each compiled once per dialect.

The register, the duty sweep, recalculation, audit checks and the bulk reads
run inside a :class:`~disputeflow.cases.tx.Tx` (a DBAPI cursor), beside the
command path's prepared SQL. Their statements are SQLAlchemy Core expressions
over :mod:`disputeflow.cases.tables`; this compiles each for the store's
dialect the first time it runs there, so placeholders, quoting, ``FOR UPDATE``
(which SQLite has no use for), ``ON CONFLICT`` and ``IN`` lists are
SQLAlchemy's, and a statement on a path someone waits for is not rebuilt per
call. Values go in as the driver takes them (``Tx.t`` for times) and rows come
back as the driver gives them, as for every other statement of the store.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any, Callable, Mapping, Sequence
from weakref import WeakKeyDictionary

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import BindTyping
from sqlalchemy.sql import Executable

# The two dialects' own INSERT constructs, for ON CONFLICT (which Core's generic insert lacks).
_DIALECT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_UNCAST: WeakKeyDictionary = WeakKeyDictionary()
_EXPANDING = "__[POSTCOMPILE_"  # what an IN list over an expanding parameter compiles to until it is filled in


class Prepared:
    """One statement (or one per dialect, from ``make(dialect name)``), compiled on first use per dialect."""

    __slots__ = ("_make", "_compiled")

    def __init__(self, statement: Executable | None = None, *, make: Callable[[str], Executable] | None = None):
        if (statement is None) == (make is None):
            raise TypeError("give a statement or make, not both")
        self._make = make or (lambda _dialect: statement)
        self._compiled: dict = {}

    def compiled(self, dialect):
        key = (dialect.name, dialect.driver)
        got = self._compiled.get(key)
        if got is None:
            got = self._compiled[key] = self._make(dialect.name).compile(dialect=_uncast(dialect))
        return got

    def cursor(self, tx, params: Mapping[str, Any] | None = None):
        """Run the statement with ``params`` (by bound parameter name); returns the cursor."""
        sql, values = _bind(self.compiled(tx.store.engine.dialect), params)
        tx.cur.execute(sql, values)
        return tx.cur

    def all(self, tx, params: Mapping[str, Any] | None = None) -> list:
        return self.cursor(tx, params).fetchall()

    def first(self, tx, params: Mapping[str, Any] | None = None):
        """The first row, or None."""
        return self.cursor(tx, params).fetchone()

    def run(self, tx, params: Mapping[str, Any] | None = None) -> int:
        """Run a write; returns the rows it changed."""
        return self.cursor(tx, params).rowcount

    def many(self, tx, rows: Sequence[Mapping[str, Any]]) -> int:
        """Run a write once per parameter set (no ``IN`` lists); returns the rows changed in all."""
        if not rows:
            return 0
        compiled = self.compiled(tx.store.engine.dialect)
        tx.cur.executemany(compiled.string, [_bind(compiled, r)[1] for r in rows])
        return tx.cur.rowcount


@cache
def skip_existing(dialect: str, table: Table, keys: tuple[str, ...]):
    """``INSERT … ON CONFLICT (keys) DO NOTHING`` into ``table`` on ``dialect``: a row already there is skipped."""
    return _DIALECT_INSERTS[dialect](table).on_conflict_do_nothing(index_elements=list(keys))


def execute(tx, statement: Executable, params: Mapping[str, Any] | None = None):
    """Run a statement made for one call (its values may be in it) on ``tx``; returns the cursor."""
    return Prepared(statement).cursor(tx, params)


def _uncast(dialect):
    """``dialect`` without the casts it writes after each parameter (``%(id)s::INTEGER``) for its own execution.

    The statements here bind the driver's values, as the text they replace
    did; a cast would change answers: an id beyond 32 bits against
    ``::INTEGER`` fails, where the plain comparison finds no row.
    """
    plain = _UNCAST.get(dialect)
    if plain is None:
        plain = _UNCAST[dialect] = copy.copy(dialect)
        plain.bind_typing = BindTyping.NONE
        # the compiler reads this memo of the line above, which a used dialect has filled in already
        plain._bind_typing_render_casts = False
    return plain


def _bind(compiled, params: Mapping[str, Any] | None) -> tuple[str, Any]:
    """The SQL and the parameters in the driver's style (a tuple by position, or a dict by name)."""
    if _EXPANDING in compiled.string:
        state = compiled.construct_expanded_state(params)
        sql, values, positions = state.statement, state.parameters, state.positiontup
    else:
        sql, values, positions = compiled.string, compiled.construct_params(params), compiled.positiontup
    return sql, (tuple(values[n] for n in positions) if positions is not None else values)
