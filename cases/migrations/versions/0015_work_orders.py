"""work orders: a case's parent (child cases such as work orders) and the categories an office handles

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa
from disputeflow.cases.table_names import inspect_tables


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    inspector = inspect_tables(op)
    # Each part only if missing: a database re-run from an older revision mark keeps what it has.
    if 'parent_id' not in {c['name'] for c in inspector.get_columns('cases')}:
        if bind.dialect.name == 'sqlite':
            # A plain ADD COLUMN (SQLite accepts a REFERENCES clause on a nullable column): rebuilding
            # ``cases``, which every other table references, is neither needed nor safe.
            op.execute('ALTER TABLE cases ADD COLUMN parent_id INTEGER '
                       'CONSTRAINT fk_cases_parent_id_cases REFERENCES cases (id)')
        else:
            op.add_column('cases', sa.Column('parent_id', sa.Integer(), nullable=True))
            op.create_foreign_key('fk_cases_parent_id_cases', 'cases', 'cases', ['parent_id'], ['id'])
    if 'ix_cases_parent_id' not in {i['name'] for i in inspector.get_indexes('cases')}:
        op.create_index('ix_cases_parent_id', 'cases', ['parent_id'], unique=False)
    if 'handles' not in {c['name'] for c in inspector.get_columns('units')}:
        op.add_column('units', sa.Column('handles', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.drop_column('handles')
    op.drop_index('ix_cases_parent_id', table_name='cases')
    with op.batch_alter_table('cases') as batch:
        batch.drop_constraint('fk_cases_parent_id_cases', type_='foreignkey')
        batch.drop_column('parent_id')
