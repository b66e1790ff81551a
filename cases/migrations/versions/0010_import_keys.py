"""ledger import keys

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa
import disputeflow.cases.types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'import_keys',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('namespace', sa.String(length=100), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('row_hash', sa.String(length=64), nullable=False),
        sa.Column('record', sa.Text(), nullable=False),
        sa.Column('imported_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
        sa.Column('updated_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_import_keys_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_keys')),
        sa.UniqueConstraint('namespace', 'key', name=op.f('uq_import_keys_namespace_key')),
    )
    op.create_index('ix_import_keys_case_id', 'import_keys', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_import_keys_case_id', table_name='import_keys')
    op.drop_table('import_keys')
