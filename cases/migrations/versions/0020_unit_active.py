"""unit active: a unit can be switched off (no new cases or users there) while its cases stay readable

Users already carry ``active``; a host that syncs its organisation into the
engine closes units as well, so units get the same flag, true for every
existing row.

Revision ID: 0020
Revises: 0019
"""
from alembic import op
import sqlalchemy as sa

from disputeflow.cases.table_names import inspect_tables


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = inspect_tables(op)
    if 'active' not in {c['name'] for c in inspector.get_columns('units')}:
        with op.batch_alter_table('units') as batch:
            batch.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.text('true')))


def downgrade() -> None:
    inspector = inspect_tables(op)
    if 'active' in {c['name'] for c in inspector.get_columns('units')}:
        with op.batch_alter_table('units') as batch:
            batch.drop_column('active')
