"""screening: rounds held (排查), periodic reports filed (零报告), sensitive periods, and the duties they meet

Revision ID: 0017
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa
from disputeflow.cases.table_names import inspect_tables


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# Parents before children (foreign keys).
TABLES = ('screening_rounds', 'screening_round_cases', 'screening_reports', 'sensitive_periods', 'screening_duties',
          'screening_escalations')


def _tables():
    # The tables as this revision created them: new tables with no earlier shape to migrate from, so the
    # metadata's own definitions (with their named constraints and partial index) are the revision's.
    from disputeflow.cases import screening_tables

    return [getattr(screening_tables, name) for name in TABLES]


def upgrade() -> None:
    bind = op.get_bind()
    present = set(inspect_tables(op).get_table_names())
    for table in _tables():
        if table.name not in present:  # idempotent: a re-run keeps what it has
            table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    present = set(inspect_tables(op).get_table_names())
    for table in reversed(_tables()):
        if table.name in present:
            op.drop_table(table.name)
