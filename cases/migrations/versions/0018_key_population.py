"""key population: persons registered without a case, their type, responsible units and 包保 officials,
and one escalation item per person for missed duties

Revision ID: 0018
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

from disputeflow.cases.types import UTCDateTime
from disputeflow.cases.table_names import inspect_tables


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

_NEW_COLUMNS = (
    ('person_type', lambda: sa.Column('person_type', sa.String(30), nullable=False, server_default='dispute_party')),
    ('stabilise_unit', lambda: sa.Column('stabilise_unit', sa.String(64), nullable=True)),
    ('resolve_unit', lambda: sa.Column('resolve_unit', sa.String(64), nullable=True)),
    ('keeper_county', lambda: sa.Column('keeper_county', sa.String(64), nullable=True)),
    ('keeper_town', lambda: sa.Column('keeper_town', sa.String(64), nullable=True)),
    ('keeper_village', lambda: sa.Column('keeper_village', sa.String(64), nullable=True)),
)


def upgrade() -> None:
    inspector = inspect_tables(op)
    columns = {c['name']: c for c in inspector.get_columns('key_persons')}
    missing = [make() for name, make in _NEW_COLUMNS if name not in columns]
    if missing or not columns['anchor_case_id']['nullable']:
        # a person may be registered without a case: the anchor becomes optional
        with op.batch_alter_table('key_persons') as batch:
            for column in missing:
                batch.add_column(column)
            if not columns['anchor_case_id']['nullable']:
                batch.alter_column('anchor_case_id', existing_type=sa.Integer(), nullable=True)
    if 'ix_key_person_duties_open_due' not in {i['name'] for i in inspector.get_indexes('key_person_duties')}:
        op.create_index('ix_key_person_duties_open_due', 'key_person_duties', ['due_at'], unique=False,
                        sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
    if 'key_person_lapses' not in inspector.get_table_names():
        op.create_table(
            'key_person_lapses',
            sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column('person_id', sa.Integer(), sa.ForeignKey('key_persons.id'), nullable=False),
            sa.Column('opened_at', UTCDateTime(), nullable=False),
            sa.Column('started_at', UTCDateTime(), nullable=False),
            sa.Column('due_at', UTCDateTime(), nullable=False),
            sa.Column('days', sa.Text(), nullable=False, server_default='{}'),
            sa.Column('level', sa.String(20), nullable=True),
            sa.Column('next_step', sa.String(20), nullable=True),
            sa.Column('next_at', UTCDateTime(), nullable=True),
            sa.Column('listed', sa.Boolean(), nullable=False, server_default=sa.text('false')),
            sa.Column('closed_at', UTCDateTime(), nullable=True),
            sa.Column('closed_reason', sa.String(20), nullable=True),
        )
        op.create_index('uq_key_person_lapses_open', 'key_person_lapses', ['person_id'], unique=True,
                        sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))
        op.create_index('ix_key_person_lapses_next_at', 'key_person_lapses', ['next_at'], unique=False,
                        sqlite_where=sa.text('next_at IS NOT NULL'), postgresql_where=sa.text('next_at IS NOT NULL'))


def downgrade() -> None:
    op.drop_table('key_person_lapses')
    op.drop_index('ix_key_person_duties_open_due', table_name='key_person_duties')
    with op.batch_alter_table('key_persons') as batch:
        for name, _make in _NEW_COLUMNS:
            batch.drop_column(name)
        batch.alter_column('anchor_case_id', existing_type=sa.Integer(), nullable=False)
