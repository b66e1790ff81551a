"""The one ``MetaData`` every table belongs to, with the constraint naming convention.

Alembic names constraints from this convention, so a migration written today
and the table definitions agree on every name without spelling them out. Each ``*_tables`` module adds its tables to it;
:mod:`disputeflow.cases.tables` imports them all, so use that for the complete schema.
"""

from __future__ import annotations

from sqlalchemy import MetaData

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)
