"""report snapshots: frozen datasets of reports for periods that have ended

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa
import disputeflow.cases.types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_snapshots',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.Column('period', sa.String(length=30), nullable=False),
        sa.Column('generated_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
        sa.Column('generated_by', sa.String(length=64), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_report_snapshots_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_snapshots')),
        sa.UniqueConstraint('kind', 'unit_id', 'period', name=op.f('uq_report_snapshots_kind_unit_id_period')),
    )


def downgrade() -> None:
    op.drop_table('report_snapshots')
