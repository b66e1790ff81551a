"""mediation papers: a committee's yearly paper numbers, party particulars, a unit's short name

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa
import disputeflow.cases.types
from disputeflow.cases.table_names import inspect_tables


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = inspect_tables(op)
    tables = set(inspector.get_table_names())
    # Each part only if missing: a database re-run from an older revision mark keeps what it has.
    if 'paper_counters' not in tables:
        _create_paper_counters()
    if 'paper_numbers' not in tables:
        _create_paper_numbers()
    if 'particulars' not in {c['name'] for c in inspector.get_columns('parties')}:
        with op.batch_alter_table('parties') as batch:
            batch.add_column(sa.Column('particulars', sa.Text(), nullable=True))
    if 'short_name' not in {c['name'] for c in inspector.get_columns('units')}:
        with op.batch_alter_table('units') as batch:
            batch.add_column(sa.Column('short_name', sa.String(length=8), nullable=True))


def _create_paper_counters() -> None:
    op.create_table(
        'paper_counters',
        sa.Column('committee_id', sa.String(length=64), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['committee_id'], ['units.id'], name=op.f('fk_paper_counters_committee_id_units')),
        sa.PrimaryKeyConstraint('committee_id', 'year', name=op.f('pk_paper_counters')),
    )


def _create_paper_numbers() -> None:
    op.create_table(
        'paper_numbers',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('committee_id', sa.String(length=64), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('short_name', sa.String(length=8), nullable=False),
        sa.Column('assigned_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_paper_numbers_case_id_cases')),
        sa.ForeignKeyConstraint(['committee_id'], ['units.id'], name=op.f('fk_paper_numbers_committee_id_units')),
        sa.PrimaryKeyConstraint('case_id', 'committee_id', name=op.f('pk_paper_numbers')),
        sa.UniqueConstraint('committee_id', 'year', 'seq', name=op.f('uq_paper_numbers_committee_id_year_seq')),
    )


def downgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.drop_column('short_name')
    with op.batch_alter_table('parties') as batch:
        batch.drop_column('particulars')
    op.drop_table('paper_numbers')
    op.drop_table('paper_counters')
