"""Migrations are code: an empty database upgraded to head matches the tables exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from disputeflow.cases.db import make_engine
from disputeflow.cases.schema import current_revision, head_revision, include_name, upgrade
from disputeflow.cases.tables import metadata


def test_upgrade_from_empty_matches_the_models(db_url):
    eng = make_engine(db_url)
    try:
        upgrade(eng)
        upgrade(eng)  # idempotent
        assert current_revision(eng) == head_revision(eng)
        with eng.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name}), metadata)
        assert diff == []
    finally:
        eng.dispose()
