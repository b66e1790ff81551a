"""name search: trigram indexes on party names and case titles, and an index of open cases by report time

Search by a party's name or a case's title matches a fragment anywhere (3
characters or more); a 1-2 character name query matches the start of a name.
A B-tree index (0019's ``ix_parties_name``) serves equality and, on SQLite, the
start of a name; a fragment needs trigrams:

- PostgreSQL: ``CREATE EXTENSION IF NOT EXISTS pg_trgm`` and GIN indexes
  ``ix_parties_name_trgm`` and ``ix_cases_title_trgm`` (``gin_trgm_ops``). They
  serve ``LIKE '%fragment%'`` of 3+ characters and ``LIKE 'prefix%'`` of any
  length (pg_trgm pads the start of a word). When the role may not create the
  extension (pg_trgm is trusted since PostgreSQL 13: a role with CREATE on the
  database may) the indexes are skipped with a warning in the log; search stays
  correct but scans.
- SQLite: external-content FTS5 tables ``parties_fts`` (over ``parties.name``)
  and ``cases_fts`` (over ``cases.title``), ``tokenize='trigram'``, kept in step
  by triggers and filled here. A later migration that rebuilds ``parties`` or
  ``cases`` (``batch_alter_table`` on SQLite) drops their triggers and must
  create them again (:func:`sqlite_triggers`).

Both databases: ``ix_cases_open_reported_at``, the open cases by report time
(partial, ``closed_at IS NULL``), for my work's cases without a deadline; and
``ix_cases_unit_path_like``, the unit path in an order ``LIKE '/t1/%'`` can
use (the jurisdiction's prefix match): ``varchar_pattern_ops`` on PostgreSQL
(a B-tree in the database's collation serves no ``LIKE``), ``COLLATE NOCASE``
on SQLite (its ``LIKE`` is case-insensitive, so only a NOCASE index serves it).

Downgrade drops the indexes (not the extension: others may use it), the FTS
tables and their triggers.

Revision ID: 0022
Revises: 0021
"""
import logging

from alembic import op
import sqlalchemy as sa

from disputeflow.cases.table_names import TableNames, inspect_tables

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

log = logging.getLogger("disputeflow.migrations")
# (FTS table / trigram index, content table, column)
_TEXT = (("parties_fts", "ix_parties_name_trgm", "parties", "name"),
         ("cases_fts", "ix_cases_title_trgm", "cases", "title"))
_OPEN = "ix_cases_open_reported_at"
_PATH = "ix_cases_unit_path_like"
_PATH_DDL = {"postgresql": f"CREATE INDEX {_PATH} ON cases (unit_path varchar_pattern_ops)",
             "sqlite": f"CREATE INDEX {_PATH} ON cases (unit_path COLLATE NOCASE)"}
_FIND_TRGM = ("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
              "WHERE e.extname = 'pg_trgm'")


def _prefix() -> str:
    config = op.get_context().config
    names = (config.attributes.get("table_names") if config is not None else None) or TableNames()
    return names.prefix


def _trgm_schema(bind) -> str | None:
    """The schema pg_trgm lives in, creating the extension if it is missing and the role may."""
    found = bind.exec_driver_sql(_FIND_TRGM).scalar()
    if found is not None:
        return found
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - any refusal (privilege, package not installed) means "no index"
        log.warning("pg_trgm unavailable (%s): name and title search stay correct but scan; a superuser may "
                    "run CREATE EXTENSION pg_trgm and upgrade again", str(exc).splitlines()[0])
        return None
    return bind.exec_driver_sql(_FIND_TRGM).scalar()


def _upgrade_postgresql(bind) -> None:
    inspector = inspect_tables(op)
    missing = [(ix, t, c) for _fts, ix, t, c in _TEXT if ix not in {i['name'] for i in inspector.get_indexes(t)}]
    schema = _trgm_schema(bind) if missing else None
    for ix, t, c in missing if schema is not None else ():
        op.execute(f'CREATE INDEX {ix} ON {t} USING gin ({c} "{schema}".gin_trgm_ops)')


def sqlite_triggers(fts: str, table: str, column: str, prefix: str = "") -> list[str]:
    """The triggers that keep ``fts`` in step with ``table.column`` (insert, delete, update of the column)."""
    old = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    new = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"
    return [f"CREATE TRIGGER {prefix}{fts}_ai AFTER INSERT ON {table} BEGIN {new} END",
            f"CREATE TRIGGER {prefix}{fts}_ad AFTER DELETE ON {table} BEGIN {old} END",
            f"CREATE TRIGGER {prefix}{fts}_au AFTER UPDATE OF {column} ON {table} BEGIN {old} {new} END"]


def _upgrade_sqlite() -> None:
    tables = set(inspect_tables(op).get_table_names())
    for fts, _ix, table, column in _TEXT:
        if fts in tables:
            continue
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', content_rowid='id', "
                   "tokenize='trigram')")
        for ddl in sqlite_triggers(fts, table, column, _prefix()):
            op.execute(ddl)
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        _upgrade_postgresql(bind)
    elif bind.dialect.name == 'sqlite':
        _upgrade_sqlite()
    have = {i['name'] for i in inspect_tables(op).get_indexes('cases')}
    if _OPEN not in have:
        closed = sa.column('closed_at').is_(None)
        op.create_index(_OPEN, 'cases', ['reported_at'], unique=False, sqlite_where=closed, postgresql_where=closed)
    if _PATH not in have and bind.dialect.name in _PATH_DDL:
        op.execute(_PATH_DDL[bind.dialect.name])


def downgrade() -> None:
    bind = op.get_bind()
    have = {i['name'] for i in inspect_tables(op).get_indexes('cases')}
    for name in (_PATH, _OPEN):
        if name in have:
            op.drop_index(name, table_name='cases')
    if bind.dialect.name == 'postgresql':
        inspector = inspect_tables(op)
        for _fts, ix, table, _column in _TEXT:
            if ix in {i['name'] for i in inspector.get_indexes(table)}:
                op.drop_index(ix, table_name=table)
    elif bind.dialect.name == 'sqlite':
        p = _prefix()
        for fts, _ix, _table, _column in _TEXT:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {p}{fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
