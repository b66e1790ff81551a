"""web sign-in: password hashes, failed sign-ins, API tokens; running clocks by due time

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
import disputeflow.cases.types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user_passwords',
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('updated_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
        sa.Column('session_gen', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_user_passwords_user_id_users'),
        sa.PrimaryKeyConstraint('user_id', name='pk_user_passwords'),
    )
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('at', disputeflow.cases.types.UTCDateTime(), nullable=False),
        sa.Column('remote', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_login_failures'),
    )
    op.create_index('ix_login_failures_user_id_at', 'login_failures', ['user_id', 'at'], unique=False)
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('created_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
        sa.Column('revoked_at', disputeflow.cases.types.UTCDateTime(), nullable=True),
        sa.Column('last_used_at', disputeflow.cases.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_api_tokens_user_id_users'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name='fk_api_tokens_unit_id_units'),
        sa.PrimaryKeyConstraint('id', name='pk_api_tokens'),
        sa.UniqueConstraint('token_hash', name='uq_api_tokens_token_hash'),
    )
    op.create_index('ix_clocks_running_due_at', 'clocks', ['due_at'], unique=False,
                    sqlite_where=sa.text('stopped_at IS NULL'), postgresql_where=sa.text('stopped_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_clocks_running_due_at', table_name='clocks')
    op.drop_table('api_tokens')
    op.drop_index('ix_login_failures_user_id_at', table_name='login_failures')
    op.drop_table('login_failures')
    op.drop_table('user_passwords')
