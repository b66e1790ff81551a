"""audit signing: each event's after-values (fields) and signing key id; signed number counters

Events already stored keep ``key_id`` NULL: verify treats them as
legacy-unsigned until ``disputeflow audit resign`` signs them.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('audit_events', 'key_person_events'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('fields', sa.Text(), nullable=True))
            batch.add_column(sa.Column('key_id', sa.String(length=40), nullable=True))
    with op.batch_alter_table('case_counters') as batch:
        batch.add_column(sa.Column('key_id', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('sig', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('case_counters') as batch:
        batch.drop_column('sig')
        batch.drop_column('key_id')
    for table in ('key_person_events', 'audit_events'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('key_id')
            batch.drop_column('fields')
