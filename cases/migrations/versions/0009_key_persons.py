"""key persons (重点人员稳控): register, case links, contacts, duty occurrences, notices, audit log

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa
import disputeflow.cases.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('key_persons',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('group_size', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.Text(), server_default='{}', nullable=False),
    sa.Column('risk', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('unit_path', sa.String(length=1000), nullable=False),
    sa.Column('grid_officer', sa.String(length=64), nullable=False),
    sa.Column('lead_official', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('anchor_case_id', sa.Integer(), nullable=False),
    sa.Column('controlled_since', disputeflow.cases.types.UTCDateTime(), nullable=False),
    sa.Column('next_roll_at', disputeflow.cases.types.UTCDateTime(), nullable=True),
    sa.Column('released_at', disputeflow.cases.types.UTCDateTime(), nullable=True),
    sa.Column('released_by', sa.String(length=64), nullable=True),
    sa.Column('release_reason', sa.Text(), nullable=True),
    sa.Column('created_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.Column('audit_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['anchor_case_id'], ['cases.id'], name=op.f('fk_key_persons_anchor_case_id_cases')),
    sa.ForeignKeyConstraint(['grid_officer'], ['users.id'], name=op.f('fk_key_persons_grid_officer_users')),
    sa.ForeignKeyConstraint(['lead_official'], ['users.id'], name=op.f('fk_key_persons_lead_official_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_key_persons_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_persons'))
    )
    op.create_index('ix_key_persons_next_roll_at', 'key_persons', ['next_roll_at'], unique=False, sqlite_where=sa.text('next_roll_at IS NOT NULL'), postgresql_where=sa.text('next_roll_at IS NOT NULL'))
    op.create_index('ix_key_persons_unit_path', 'key_persons', ['unit_path'], unique=False)
    op.create_table('key_person_cases',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
    sa.Column('linked_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_key_person_cases_case_id_cases')),
    sa.ForeignKeyConstraint(['person_id'], ['key_persons.id'], name=op.f('fk_key_person_cases_person_id_key_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_person_cases')),
    sa.UniqueConstraint('person_id', 'case_id', name=op.f('uq_key_person_cases_person_id_case_id'))
    )
    op.create_index('ix_key_person_cases_case_id', 'key_person_cases', ['case_id'], unique=False)
    op.create_table('key_person_contacts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('at', disputeflow.cases.types.UTCDateTime(), nullable=False),
    sa.Column('recorded_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('state', sa.Text(), server_default='', nullable=False),
    sa.Column('alarming', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['key_persons.id'], name=op.f('fk_key_person_contacts_person_id_key_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_person_contacts'))
    )
    op.create_index('ix_key_person_contacts_person_id_at', 'key_person_contacts', ['person_id', 'at'], unique=False)
    op.create_table('key_person_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', disputeflow.cases.types.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['key_persons.id'], name=op.f('fk_key_person_events_person_id_key_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_person_events')),
    sa.UniqueConstraint('person_id', 'seq', name=op.f('uq_key_person_events_person_id_seq'))
    )
    op.create_index('ix_key_person_events_at', 'key_person_events', ['at'], unique=False)
    op.create_table('key_person_notices',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('clock_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('sent_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['clock_id'], ['clocks.id'], name=op.f('fk_key_person_notices_clock_id_clocks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_person_notices')),
    sa.UniqueConstraint('clock_id', 'step', name=op.f('uq_key_person_notices_clock_id_step'))
    )
    op.create_table('key_person_duties',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('duty', sa.String(length=20), nullable=False),
    sa.Column('period_start', disputeflow.cases.types.UTCDateTime(), nullable=False),
    sa.Column('due_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
    sa.Column('clock_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('met_at', disputeflow.cases.types.UTCDateTime(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['clock_id'], ['clocks.id'], name=op.f('fk_key_person_duties_clock_id_clocks')),
    sa.ForeignKeyConstraint(['contact_id'], ['key_person_contacts.id'], name=op.f('fk_key_person_duties_contact_id_key_person_contacts')),
    sa.ForeignKeyConstraint(['person_id'], ['key_persons.id'], name=op.f('fk_key_person_duties_person_id_key_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_person_duties')),
    sa.UniqueConstraint('person_id', 'duty', 'period_start', name=op.f('uq_key_person_duties_person_id_duty_period_start'))
    )
    op.create_index('ix_key_person_duties_clock_id', 'key_person_duties', ['clock_id'], unique=False)
    op.create_index('ix_key_person_duties_person_id_due_at', 'key_person_duties', ['person_id', 'due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_key_person_duties_person_id_due_at', table_name='key_person_duties')
    op.drop_index('ix_key_person_duties_clock_id', table_name='key_person_duties')
    op.drop_table('key_person_duties')
    op.drop_table('key_person_notices')
    op.drop_index('ix_key_person_events_at', table_name='key_person_events')
    op.drop_table('key_person_events')
    op.drop_index('ix_key_person_contacts_person_id_at', table_name='key_person_contacts')
    op.drop_table('key_person_contacts')
    op.drop_index('ix_key_person_cases_case_id', table_name='key_person_cases')
    op.drop_table('key_person_cases')
    op.drop_index('ix_key_persons_unit_path', table_name='key_persons')
    op.drop_index('ix_key_persons_next_roll_at', table_name='key_persons', sqlite_where=sa.text('next_roll_at IS NOT NULL'), postgresql_where=sa.text('next_roll_at IS NOT NULL'))
    op.drop_table('key_persons')
