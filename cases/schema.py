"""Create or upgrade the schema through Alembic, and nothing else.

``upgrade`` is idempotent: on an up-to-date database it does nothing. With
:class:`~disputeflow.cases.table_names.TableNames` the tables, their indexes and
Alembic's version table get the configured prefix, and on PostgreSQL live in the
configured schema (created if missing); the migrations' environment applies them
(``cases/migrations/env.py``).
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine as SAEngine

from disputeflow.cases.table_names import TableNames


def alembic_config(engine: SAEngine, names: TableNames | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("disputeflow.cases") / "migrations"))
    cfg.attributes["engine"] = engine
    cfg.attributes["table_names"] = names or TableNames()
    return cfg


def upgrade(engine: SAEngine, revision: str = "head", names: TableNames | None = None) -> None:
    command.upgrade(alembic_config(engine, names), revision)


def current_revision(engine: SAEngine, names: TableNames | None = None) -> str | None:
    names = names or TableNames()
    opts = {"version_table": names.version_table, "version_table_schema": names.schema}
    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts=opts).get_current_revision()


def head_revision(engine: SAEngine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def include_name(name: str | None, type_: str, _parents: dict) -> bool:
    """What Alembic compares against the models: not the one-database search objects of migration 0022.

    SQLite's FTS5 table ``parties_fts`` (and the shadow tables FTS5 makes for it) and PostgreSQL's trigram
    index exist on one database each, so they are not in ``metadata``; autogenerate must not drop them.
    """
    from disputeflow.cases.case_tables import DIALECT_INDEXES, VIRTUAL_TABLES

    if type_ == "table" and name is not None:
        return not any(name == v or name.startswith(v + "_") for v in VIRTUAL_TABLES)
    if type_ == "index":
        return name not in DIALECT_INDEXES
    return True
