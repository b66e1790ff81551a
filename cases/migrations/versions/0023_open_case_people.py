"""open cases by place and by the people and unit answering for them

A reader's cases are those under their unit path or naming them (as mediator or
lead official) or their unit (as responsible unit): an ``OR`` of four
conditions. Each needs an index of its own for the database to combine them
(PostgreSQL's BitmapOr, SQLite's multi-index OR); without them it read every
open case of the city to find a village mediator's work list (120 ms a
statement at 1,000,000 cases, 7 ms with them) or a town's late clocks (250 ms,
11 ms). They are partial, over open cases only (``closed_at IS NULL``), which
is what the work list, the board and the dashboard read, and what keeps them
small. The unit path's is in ``LIKE``'s order, as 0022's
``ix_cases_unit_path_like`` (``varchar_pattern_ops`` on PostgreSQL, ``COLLATE
NOCASE`` on SQLite), so it is written per database and not in the models.

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa

from disputeflow.cases.table_names import inspect_tables

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

INDEXES = (("ix_cases_open_mediator", "mediator"), ("ix_cases_open_lead_official", "lead_official"),
           ("ix_cases_open_responsible_unit", "responsible_unit"))
PATH = "ix_cases_open_unit_path"
PATH_DDL = {"postgresql": f"CREATE INDEX {PATH} ON cases (unit_path varchar_pattern_ops) WHERE closed_at IS NULL",
            "sqlite": f"CREATE INDEX {PATH} ON cases (unit_path COLLATE NOCASE) WHERE closed_at IS NULL"}


def upgrade() -> None:
    have = {i['name'] for i in inspect_tables(op).get_indexes('cases')}
    open_ = sa.column('closed_at').is_(None)
    for name, column in INDEXES:
        if name not in have:
            op.create_index(name, 'cases', [column], unique=False, sqlite_where=open_, postgresql_where=open_)
    dialect = op.get_bind().dialect.name
    if PATH not in have and dialect in PATH_DDL:
        op.execute(PATH_DDL[dialect])


def downgrade() -> None:
    have = {i['name'] for i in inspect_tables(op).get_indexes('cases')}
    for name in (PATH, *(n for n, _c in INDEXES)):
        if name in have:
            op.drop_index(name, table_name='cases')
