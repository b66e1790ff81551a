"""name search: a trigram index on party names (PostgreSQL pg_trgm GIN, SQLite FTS5 trigram table)

Search by a party's name matches a fragment anywhere in the name (3 characters
or more) or, for a 1-2 character query, the start of the name. A B-tree index
(0019's ``ix_parties_name``) serves only equality and, on SQLite, the start of
a name; a fragment needs trigrams:

- PostgreSQL: ``CREATE EXTENSION IF NOT EXISTS pg_trgm`` and a GIN index
  ``ix_parties_name_trgm`` on ``parties.name`` (``gin_trgm_ops``). It serves
  ``LIKE '%fragment%'`` of 3+ characters and ``LIKE 'prefix%'`` of any length
  (pg_trgm pads the start of a word). When the role may not create the
  extension (pg_trgm is a trusted extension since PostgreSQL 13: a role with
  CREATE on the database may) the index is skipped with a warning in the log;
  search is then correct but scans the parties.
- SQLite: an external-content FTS5 table ``parties_fts`` (``tokenize='trigram'``)
  over ``parties.name``, kept in step by three triggers and filled here.

Downgrade drops the index (not the extension: other users of the database may
rely on it), the FTS table and its triggers.

Revision ID: 0022
Revises: 0021
"""
import logging

from alembic import op

from disputeflow.cases.table_names import TableNames, inspect_tables

# TODO(merge): down_revision must be '0021' once 0021 is on main; '0020' lets this branch test alone.
revision = '0022'
down_revision = '0020'
branch_labels = None
depends_on = None

log = logging.getLogger("disputeflow.migrations")
TRGM_INDEX = "ix_parties_name_trgm"
_TRIGGERS = ("parties_fts_ai", "parties_fts_ad", "parties_fts_au")


def _prefix() -> str:
    config = op.get_context().config
    names = (config.attributes.get("table_names") if config is not None else None) or TableNames()
    return names.prefix


def _trgm_schema(bind) -> str | None:
    """The schema pg_trgm lives in, creating the extension if it is missing and the role may."""
    found = bind.exec_driver_sql("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                                 "WHERE e.extname = 'pg_trgm'").scalar()
    if found is not None:
        return found
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - any refusal (privilege, extension not installed) means "no index"
        log.warning("pg_trgm unavailable (%s): party-name search stays correct but scans the parties; "
                    "a superuser may run CREATE EXTENSION pg_trgm and re-run the upgrade", str(exc).splitlines()[0])
        return None
    return bind.exec_driver_sql("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                                "WHERE e.extname = 'pg_trgm'").scalar()


def _upgrade_postgresql(bind) -> None:
    if TRGM_INDEX in {i['name'] for i in inspect_tables(op).get_indexes('parties')}:
        return
    schema = _trgm_schema(bind)
    if schema is None:
        return
    op.execute(f'CREATE INDEX {TRGM_INDEX} ON parties USING gin (name "{schema}".gin_trgm_ops)')


def _upgrade_sqlite(bind) -> None:
    p = _prefix()
    if 'parties_fts' in inspect_tables(op).get_table_names():
        return
    op.execute("CREATE VIRTUAL TABLE parties_fts USING fts5(name, content='parties', content_rowid='id', "
               "tokenize='trigram')")
    op.execute(f"CREATE TRIGGER {p}parties_fts_ai AFTER INSERT ON parties BEGIN "
               "INSERT INTO parties_fts(rowid, name) VALUES (new.id, new.name); END")
    op.execute(f"CREATE TRIGGER {p}parties_fts_ad AFTER DELETE ON parties BEGIN "
               "INSERT INTO parties_fts(parties_fts, rowid, name) VALUES ('delete', old.id, old.name); END")
    op.execute(f"CREATE TRIGGER {p}parties_fts_au AFTER UPDATE OF name ON parties BEGIN "
               "INSERT INTO parties_fts(parties_fts, rowid, name) VALUES ('delete', old.id, old.name); "
               "INSERT INTO parties_fts(rowid, name) VALUES (new.id, new.name); END")
    op.execute("INSERT INTO parties_fts(parties_fts) VALUES ('rebuild')")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        _upgrade_postgresql(bind)
    elif bind.dialect.name == 'sqlite':
        _upgrade_sqlite(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        if TRGM_INDEX in {i['name'] for i in inspect_tables(op).get_indexes('parties')}:
            op.drop_index(TRGM_INDEX, table_name='parties')
    elif bind.dialect.name == 'sqlite':
        p = _prefix()
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {p}{name}")
        op.execute("DROP TABLE IF EXISTS parties_fts")
