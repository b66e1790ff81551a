"""Where the engine's tables live in a shared database: a name prefix and, on PostgreSQL, a schema.

An application that embeds the engine may already have tables called
``users``, ``cases`` or ``alembic_version``. With ``table_prefix = "df_"``
every table, index and constraint of the engine is named ``df_…``; with
``schema = "mediation"`` (PostgreSQL) they live in that schema.

The statements of :mod:`disputeflow.cases` are written with the plain names.
:class:`TableNames` rewrites a statement's text to the configured names once
(the store's statements when it starts, any other statement the first time it
runs, then from a cache): the command path binds statements made at start-up
and pays nothing. With neither option set every method returns its input.

The rewrite knows the engine's own table names (from the table definitions)
and changes a name only where it stands for a table: after ``FROM``, ``JOIN``,
``INTO``, ``UPDATE``, ``TABLE``, ``ON`` or ``REFERENCES``, before a ``.``
(a column qualified by its table), or anywhere else unless the statement also
names a table that has a column of that name (``unit_talks.cases``,
``sensitive_periods.units``), where the bare word is the column. A name after a
``.``, a ``:`` or ``%(`` (a column, a parameter) is never changed. Index and
constraint names that follow the naming convention
(:data:`disputeflow.cases.metadata.NAMING`: ``ix_cases_state``) get the prefix after
their kind (``ix_df_cases_state``), as the convention would name them on the
prefixed table.
"""

from __future__ import annotations

import re
from functools import cached_property

_KEYWORD = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|ON|REFERENCES|EXISTS)\s+$", re.I)
_LOCKED = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\s+OF\s+(?:\w+\s*,\s*)*$", re.I)
_CACHE_MAX = 5000  # distinct statements kept rewritten; past it a statement is rewritten per call


def _plain_names() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The engine's table names, and for each name that is also a column, the tables having that column."""
    from disputeflow.cases.case_tables import VIRTUAL_TABLES
    from disputeflow.cases.tables import metadata

    tables = frozenset(metadata.tables) | frozenset(VIRTUAL_TABLES)
    columns: dict[str, set[str]] = {}
    for table in metadata.tables.values():
        for column in table.c:
            if column.name in tables:
                columns.setdefault(column.name, set()).add(table.name)
    return tables, {name: frozenset(owners) for name, owners in columns.items()}


class TableNames:
    """The configured names of the engine's tables (``prefix``, ``schema``), and the rewrite of SQL text to them."""

    def __init__(self, prefix: str = "", schema: str | None = None):
        self.prefix = prefix or ""
        self.schema = schema or None
        self.active = bool(self.prefix or self.schema)
        self._cache: dict[str, str] = {}

    def __bool__(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"TableNames(prefix={self.prefix!r}, schema={self.schema!r})"

    @property
    def version_table(self) -> str:
        """Alembic's version table (``df_alembic_version``)."""
        return f"{self.prefix}alembic_version"

    def table(self, name: str) -> str:
        """The name to write for table ``name`` where a table is named (schema-qualified)."""
        if not self.active:
            return name
        return f"{self.schema}.{self.prefix}{name}" if self.schema else self.prefix + name

    def rewrite(self, sql: str) -> str:
        """``sql`` with the configured names (kept: each distinct statement is rewritten once)."""
        if not self.active:
            return sql
        out = self._cache.get(sql)
        if out is None:
            out = self._rewrite(sql, self.schema)
            if len(self._cache) < _CACHE_MAX:
                self._cache[sql] = out
        return out

    def rewrite_ddl(self, sql: str) -> str:
        """``sql`` with the prefix only (the migrations run with the schema first on the search path)."""
        return self._rewrite(sql, None) if self.prefix else sql

    def catalogue_parameters(self, statement: str, parameters):
        """SQLite's reflection looks a table up in ``sqlite_master`` by a bound name: the migrations' plain name
        becomes the table's own there (a table rebuild then keeps every constraint)."""
        if not self.prefix or "sqlite_master" not in statement or not isinstance(parameters, tuple):
            return parameters
        tables = self._patterns[3]
        return tuple(self.prefix + p if isinstance(p, str) and p in tables else p for p in parameters)

    @cached_property
    def _patterns(self) -> tuple[re.Pattern, re.Pattern, dict[str, frozenset[str]], frozenset[str]]:
        tables, columns = _plain_names()
        alternatives = "|".join(sorted(tables, key=len, reverse=True))
        word = re.compile(rf"(?<![\w.:$])(?<!%\()({alternatives})\b")
        convention = re.compile(rf"\b(ix|uq|fk|pk|ck)_(?=(?:{alternatives})(?:_|\b))")
        return word, convention, columns, tables

    def _rewrite(self, sql: str, schema: str | None) -> str:
        word, convention, columns, _tables = self._patterns
        prefix = self.prefix
        # a bare name that is also a column of a table this statement names is that column
        columns_here = {name for name, owners in columns.items()
                        if any(re.search(rf"(?<![\w.]){owner}\b", sql) for owner in owners)}

        def name(m: re.Match) -> str:
            plain = m.group(1)
            end = m.end()
            if end < len(sql) and sql[end] == "." or _LOCKED.search(sql, 0, m.start()):
                return prefix + plain  # a qualified column (``cases.id``), or ``FOR UPDATE OF`` (never qualified)
            if plain in columns_here and not _KEYWORD.search(sql, 0, m.start()):
                return plain
            return f"{schema}.{prefix}{plain}" if schema else prefix + plain

        out = word.sub(name, sql)
        return convention.sub(lambda m: f"{m.group(1)}_{prefix}", out) if prefix else out

    def bind(self, engine):
        """``engine`` as the store uses it: SQLAlchemy statements run through it get the configured names.

        A copy of the engine (``execution_options``) carries the listener, so an
        engine the host owns and passed in keeps running the host's SQL as written.
        """
        if not self.active:
            return engine
        from sqlalchemy import event

        bound = engine.execution_options(disputeflow_table_names=self)
        rewrite = self.rewrite

        def _names(_conn, _cursor, statement, parameters, _context, _executemany):
            return rewrite(statement), parameters

        event.listen(bound, "before_cursor_execute", _names, retval=True)
        return bound


def names_of(conn) -> TableNames | None:
    """The table names of a SQLAlchemy connection from :meth:`TableNames.bind`'s engine, if any are configured."""
    return conn.get_execution_options().get("disputeflow_table_names")


class _Tables:
    """An inspector that speaks the plain names: the migrations' view of a prefixed database."""

    def __init__(self, inspector, names: TableNames):
        self._inspector = inspector
        self._prefix = names.prefix
        self._convention = re.compile(rf"^(ix|uq|fk|pk|ck)_{re.escape(names.prefix)}") if names.prefix else None

    def get_table_names(self) -> list[str]:
        """The engine's tables (a host's tables without the prefix are not the engine's)."""
        p = self._prefix
        return [t[len(p):] for t in self._inspector.get_table_names() if t.startswith(p)]

    def get_columns(self, table: str) -> list[dict]:
        return self._inspector.get_columns(self._prefix + table)

    def get_indexes(self, table: str) -> list[dict]:
        """The table's indexes, named as the migrations name them (``ix_cases_parent_id``)."""
        found = self._inspector.get_indexes(self._prefix + table)
        if self._convention is not None:
            found = [{**i, "name": self._convention.sub(r"\1_", i["name"] or "")} for i in found]
        return found


def inspect_tables(op) -> _Tables:
    """What a migration inspects (tables, columns, indexes), by the plain names, under the configured prefix."""
    from sqlalchemy import inspect

    context = op.get_context()
    names = (context.config.attributes.get("table_names") if context.config is not None else None) or TableNames()
    return _Tables(inspect(op.get_bind()), names)

