"""Create or upgrade the schema through Alembic, and nothing else.

``upgrade`` is idempotent: on an up-to-date database it does nothing.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine as SAEngine


def alembic_config(engine: SAEngine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("disputeflow.cases") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: SAEngine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: SAEngine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: SAEngine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
