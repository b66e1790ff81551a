"""Core statements compiled once per database and run on the driver's cursor: the read side's fast path.

The read side writes its statements as SQLAlchemy Core expressions over
:mod:`disputeflow.cases.tables` (so SQLAlchemy owns placeholders, ``IN`` lists
and dialect differences) and builds each one once. Running one through
``Connection.execute`` still costs several times what the database takes for a
page's small statements: an execution context, events and a result object per
statement (see "Fast paths" in bench/README.md). :func:`run` takes the same
statement, asks SQLAlchemy once per dialect for its compiled form (SQL text,
parameter order, bind and result processors: SQLAlchemy's own public
compilation API), and from then on hands the driver the text and the
processed parameters directly, inside the connection's own transaction.

Statements whose shape depends on the call (the board's ladder, a reader's
scope) are built once per shape with :func:`shaped`, keyed by what changes
their SQL, with values as bound parameters.

The store's own transactions (a :class:`~disputeflow.cases.tx.Tx` on a DBAPI
cursor: the register, the duty sweep, recalculation, audit checks, bulk reads)
use :class:`Prepared`: the same compile-once rule for a statement run on the
store's cursor, with values as the driver takes them (``Tx.t`` for times) and
rows as the driver gives them, as for every other statement of the store.
"""

from __future__ import annotations

import copy
from collections import namedtuple
from functools import cache
from itertools import count
from typing import Any, Callable, Hashable, Iterator, Mapping, Sequence
from weakref import WeakKeyDictionary

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import BindTyping
from sqlalchemy.sql import ClauseElement, Executable

from disputeflow.cases.table_names import names_of

_SHAPES: dict[Hashable, Any] = {}
_STREAMS = count()
_SHAPES_MAX = 2000  # a bound on statements kept by shape; past it a shape is built per call


def shaped(key: Hashable, build: Callable[[], ClauseElement]) -> ClauseElement:
    """The statement of shape ``key``, built by ``build`` on first use and kept (its plans with it)."""
    stmt = _SHAPES.get(key)
    if stmt is None:
        stmt = build()
        if len(_SHAPES) < _SHAPES_MAX:
            _SHAPES[key] = stmt
    return stmt


class _Plan:
    """One statement compiled for one dialect: what the driver gets, and how values go in and come out."""

    __slots__ = ("compiled", "sql", "order", "binds", "expanding", "results", "row", "keys", "processors", "lists",
                 "by_length")

    def __init__(self, stmt: ClauseElement, dialect):
        compiled = stmt.compile(dialect=dialect)
        self.compiled = compiled
        self.expanding = bool(getattr(compiled, "literal_execute_params", None)
                              or getattr(compiled, "post_compile_params", None))
        state = None if self.expanding else compiled.construct_expanded_state(_defaults(compiled))
        self.sql = state.statement if state is not None else None
        self.order = tuple(state.positiontup) if state is not None and state.positiontup is not None else None
        # every bind's value as compiled (literals written into the expression), processed, plus the
        # processors of the ones a call supplies
        self.binds = state
        self.processors = _bind_processors(compiled, dialect)
        # expanding IN lists: the expanded statement is kept per list length (a page asks with a few lengths)
        post = getattr(compiled, "post_compile_params", None) or ()
        plain = all(bp.expanding for bp in post) and not getattr(compiled, "literal_execute_params", None)
        self.lists = tuple(dict.fromkeys(compiled.bind_names.get(bp, bp.key) for bp in post)) if plain else None
        self.by_length: dict[tuple[int, ...], tuple] = {}
        columns = list(getattr(stmt, "exported_columns", ()))
        self.keys = tuple(c.key if getattr(c, "key", None) else f"col{i}" for i, c in enumerate(columns))
        procs = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
        self.results = tuple((i, p) for i, p in enumerate(procs) if p is not None)
        self.row = _row_class(self.keys) if self.keys else None

    def statement(self, params: dict[str, Any] | None) -> tuple[str, Any]:
        """The SQL text and the driver's parameters for one call."""
        if not self.expanding:
            merged = dict(self.binds.parameters)
            if params:
                merged.update(params)
            return self.sql, _driver_params(self.order, merged, self.processors)
        params = params or {}
        key = None
        if self.lists is not None:
            lists = [params.get(name) for name in self.lists]
            if all(isinstance(v, list) and (not v or not isinstance(v[0], tuple)) for v in lists):
                key = tuple(len(v) for v in lists)
                kept = self.by_length.get(key)
                if kept is not None:
                    sql, order, base, expansion, processors = kept
                    merged = dict(base)
                    merged.update(params)
                    for name, values in zip(self.lists, lists):
                        del merged[name]
                        merged.update(zip(expansion[name], values))
                    return sql, _driver_params(order, merged, processors)
        state = self.compiled.construct_expanded_state(params)
        processors = self.processors
        if state.parameter_expansion:
            processors = dict(processors)
            for name, expanded in state.parameter_expansion.items():
                p = processors.get(name)
                if p is not None:
                    processors.update(dict.fromkeys(expanded, p))
        order = tuple(state.positiontup) if state.positiontup is not None else None
        if key is not None and len(self.by_length) < 64:
            expansion = {name: state.parameter_expansion.get(name, ()) for name in self.lists}
            base = {k: v for k, v in state.parameters.items() if k not in params}
            for names in expansion.values():
                for n in names:
                    base.pop(n, None)
            self.by_length[key] = (state.statement, order, base, expansion, processors)
        return state.statement, _driver_params(order, state.parameters, processors)


def _row_class(keys: tuple[str, ...]):
    """A named tuple of ``keys`` that also answers ``_mapping`` (as SQLAlchemy's rows do)."""
    base = namedtuple("Row", keys, rename=True)
    fields = keys

    def _mapping(self) -> dict[str, Any]:
        return dict(zip(fields, self))

    return type("Row", (base,), {"__slots__": (), "_mapping": property(_mapping)})


def _bind_processors(compiled, dialect) -> dict[str, Callable[[Any], Any]]:
    """Each bound parameter's conversion to what the driver takes (the column type's own, e.g. times on SQLite)."""
    out = {}
    for bp in compiled.binds.values():
        proc = bp.type.dialect_impl(dialect).bind_processor(dialect)
        if proc is not None:
            out[compiled.bind_names.get(bp, bp.key)] = proc
    return out


def _defaults(compiled) -> dict[str, Any]:
    """A value for every bind a call must supply (None), so the compiled parameters can be constructed once."""
    return {bp.key: None for bp in compiled.binds.values() if bp.required}


def _driver_params(order, values: dict[str, Any], processors) -> Any:
    if order is None:
        return {k: (p(v) if (p := processors.get(k)) is not None and v is not None else v) for k, v in values.items()}
    out = []
    for k in order:
        v = values[k]
        p = processors.get(k)
        out.append(p(v) if p is not None and v is not None else v)
    return tuple(out)


def _plan(stmt: ClauseElement, dialect) -> _Plan:
    plans = stmt.__dict__.get("_df_plans")
    if plans is None:
        plans = stmt.__dict__["_df_plans"] = {}
    plan = plans.get(dialect.name)
    if plan is None:
        plan = plans[dialect.name] = _Plan(stmt, dialect)
    return plan


class Result:
    """The rows of one statement, fetched at once: the parts of SQLAlchemy's result the reads use.

    Rows are made only in the form asked for: named tuples (``all``, iteration, ``first``), dicts
    (``mappings``) or first values (``scalars``).
    """

    __slots__ = ("_raw", "_plan", "rowcount")

    def __init__(self, raw: list, plan: _Plan, rowcount: int):
        self._raw = raw
        self._plan = plan
        self.rowcount = rowcount

    def all(self) -> list:
        make = self._plan.row._make
        return [make(r) for r in self._raw] if self._raw else []

    def __iter__(self) -> Iterator:
        return iter(self.all())

    def first(self):
        return self._plan.row._make(self._raw[0]) if self._raw else None

    def tuples(self) -> list:
        """The rows as plain sequences in column order (for a caller that unpacks them: no named tuple each)."""
        return self._raw

    def scalar(self):
        return self._raw[0][0] if self._raw else None

    def scalars(self) -> list:
        return [r[0] for r in self._raw]

    def mappings(self) -> list[dict]:
        keys = self._plan.keys
        return [dict(zip(keys, r)) for r in self._raw]


def run(conn: Connection, stmt: ClauseElement, params: dict[str, Any] | None = None) -> Result:
    """Run ``stmt`` (built once, with bound parameters) on ``conn``'s transaction through the driver.

    Rows come as SQLAlchemy's would (named tuples with ``_mapping``, or dicts from ``mappings``),
    with SQLAlchemy's own result conversions applied (aware UTC times, booleans).
    """
    plan = _plan(stmt, conn.dialect)
    sql, values = plan.statement(params)
    names = names_of(conn)
    if names is not None:
        sql = names.rewrite(sql)
    cur = conn.connection.driver_connection.cursor()
    try:
        cur.execute(sql, values)
        if cur.description is None:
            return Result([], plan, cur.rowcount)
        raw = cur.fetchall()
    finally:
        cur.close()
    procs = plan.results
    if procs and raw:
        rows = []
        for r in raw:
            r = list(r)
            for i, p in procs:
                r[i] = p(r[i])
            rows.append(r)
        raw = rows
    return Result(raw, plan, len(raw))


def run_many(conn: Connection, stmt: ClauseElement, rows: list[dict[str, Any]]) -> int:
    """Run ``stmt`` once per parameter set in ``rows`` (one ``executemany``); returns the rows it reports written.

    For statements without expanding (``IN`` list) parameters; an ``INSERT`` names its columns as
    bound parameters (``.values({name: bindparam(name)})``), so every row supplies the same keys.
    """
    if not rows:
        return 0
    plan = _plan(stmt, conn.dialect)
    if plan.expanding:
        raise ValueError("run_many takes no expanding parameters")
    base = plan.binds.parameters
    values = []
    for params in rows:
        merged = dict(base)
        merged.update(params)
        values.append(_driver_params(plan.order, merged, plan.processors))
    names = names_of(conn)
    cur = conn.connection.driver_connection.cursor()
    try:
        cur.executemany(plan.sql if names is None else names.rewrite(plan.sql), values)
        return cur.rowcount
    finally:
        cur.close()


def stream(conn: Connection, stmt: ClauseElement, params: dict[str, Any] | None = None,
           batch: int = 2000) -> Iterator[tuple]:
    """The rows of ``stmt``, converted as :func:`run` converts them but as plain sequences in the statement's
    column order (a year of rows: no named tuple each), fetched ``batch`` at a time (a server-side cursor on
    PostgreSQL), so a year of rows never sits in memory at once. Read to the end or closed with the transaction."""
    plan = _plan(stmt, conn.dialect)
    sql, values = plan.statement(params)
    names = names_of(conn)
    if names is not None:
        sql = names.rewrite(sql)
    raw = conn.connection.driver_connection
    named = conn.dialect.name == "postgresql"
    cur = raw.cursor(name=f"df_stream_{id(plan):x}_{next(_STREAMS)}") if named else raw.cursor()
    procs = plan.results
    try:
        cur.execute(sql, values)
        while True:
            part = cur.fetchmany(batch)
            if not part:
                return
            if not procs:
                yield from part
                continue
            for r in part:
                r = list(r)
                for i, p in procs:
                    r[i] = p(r[i])
                yield r
    finally:
        cur.close()


# ---------------------------------------------------------------- on the store's own cursor

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
        tx.cur.execute(tx.store.named(sql), values)
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
        tx.cur.executemany(tx.store.named(compiled.string), [_bind(compiled, r)[1] for r in rows])
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
