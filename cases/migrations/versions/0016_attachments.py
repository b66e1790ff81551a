"""attachments: photos, scans and documents attached to a case as evidence

Revision ID: 0016
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa
import disputeflow.cases.types
from disputeflow.cases.table_names import inspect_tables


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = inspect_tables(op)
    # Only if missing: a database re-run from an older revision mark keeps what it has.
    if 'attachments' not in set(inspector.get_table_names()):
        op.create_table(
            'attachments',
            sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
            sa.Column('case_id', sa.Integer(), nullable=False),
            sa.Column('name', sa.String(length=200), nullable=False),
            sa.Column('content_type', sa.String(length=100), nullable=False),
            sa.Column('size', sa.BigInteger(), nullable=False),
            sa.Column('sha256', sa.String(length=64), nullable=False),
            sa.Column('thumb', sa.String(length=64), nullable=True),
            sa.Column('uploaded_by', sa.String(length=64), nullable=False),
            sa.Column('uploaded_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
            sa.Column('deleted_at', disputeflow.cases.types.UTCDateTime(), nullable=True),
            sa.Column('deleted_by', sa.String(length=64), nullable=True),
            sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_attachments_case_id_cases')),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
        )
    if 'ix_attachments_case_id' not in {i['name'] for i in inspect_tables(op).get_indexes('attachments')}:
        op.create_index('ix_attachments_case_id', 'attachments', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_attachments_case_id', table_name='attachments')
    op.drop_table('attachments')
