"""party lookup: indexes on a party's normalised phone, ID number and name, and on a case's reporter

Search by phone or ID number, the duplicate-report warning and the repeat-dispute
check look parties up by exact value; 我上报的 lists a reporter's cases. The
values are the parties' own columns (normalised on every write path by
disputeflow.workflow.inputs), so no second copy of them is kept.

Revision ID: 0019
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa
from disputeflow.cases.table_names import inspect_tables


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

_INDEXES = (
    ('ix_parties_phone', 'parties', ['phone']),
    ('ix_parties_id_number', 'parties', ['id_number']),
    ('ix_parties_name', 'parties', ['name']),
    ('ix_cases_reporter', 'cases', ['reporter']),
)


def upgrade() -> None:
    inspector = inspect_tables(op)
    for name, table, columns in _INDEXES:
        if name not in {i['name'] for i in inspector.get_indexes(table)}:
            op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    inspector = inspect_tables(op)
    for name, table, _columns in reversed(_INDEXES):
        if name in {i['name'] for i in inspector.get_indexes(table)}:
            op.drop_index(name, table_name=table)
