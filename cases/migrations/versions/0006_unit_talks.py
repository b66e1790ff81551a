"""unit talks (约谈) and the level-3 count index

Revision ID: 0006
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import disputeflow.cases.types


revision = '0006'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'unit_talks',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('level3_count', sa.Integer(), nullable=False),
        sa.Column('cases', sa.Text(), server_default='[]', nullable=False),
        sa.Column('listed_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_id', 'month'),
    )
    op.create_index('ix_escalations_step_step_at', 'escalations', ['step', 'step_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_escalations_step_step_at', table_name='escalations')
    op.drop_table('unit_talks')
