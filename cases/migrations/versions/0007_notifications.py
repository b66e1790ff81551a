"""notification deliveries (one per recipient and channel) and the in-app inbox

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa
import disputeflow.cases.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notification_deliveries',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=64), nullable=False),
        sa.Column('channel', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('lang', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=20), server_default='pending', nullable=False),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('next_attempt_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
        sa.Column('claimed_by', sa.String(length=64), nullable=True),
        sa.Column('claimed_until', disputeflow.cases.types.UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
        sa.Column('sent_at', disputeflow.cases.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('outbox_id', 'recipient', 'channel'),
    )
    op.create_index('ix_notification_deliveries_status_next_attempt_at', 'notification_deliveries',
                    ['status', 'next_attempt_at'], unique=False)
    op.create_table(
        'inbox',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=40), nullable=False),
        sa.Column('case_number', sa.String(length=64), nullable=True),
        sa.Column('lang', sa.String(length=10), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
        sa.Column('read_at', disputeflow.cases.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('outbox_id', 'user_id'),
    )
    op.create_index('ix_inbox_user_id_read_at', 'inbox', ['user_id', 'read_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_inbox_user_id_read_at', table_name='inbox')
    op.drop_table('inbox')
    op.drop_index('ix_notification_deliveries_status_next_attempt_at', table_name='notification_deliveries')
    op.drop_table('notification_deliveries')
