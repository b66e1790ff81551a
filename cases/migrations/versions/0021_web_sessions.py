"""web sessions: a server-side record per signed-in browser

The session cookie carries only a signed random id; this row says whose it is,
until when it holds and whether it was revoked, so a sign-out ends it on every
worker and host, and a copied cookie dies with it.

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa
import disputeflow.cases.types
from disputeflow.cases.table_names import inspect_tables


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = inspect_tables(op)
    if 'web_sessions' not in set(inspector.get_table_names()):
        op.create_table(
            'web_sessions',
            sa.Column('id', sa.String(length=64), nullable=False),
            sa.Column('user_id', sa.String(length=64), nullable=False),
            sa.Column('created_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
            sa.Column('last_seen_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
            sa.Column('expires_at', disputeflow.cases.types.UTCDateTime(), nullable=False),
            sa.Column('revoked_at', disputeflow.cases.types.UTCDateTime(), nullable=True),
            sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_web_sessions_user_id_users')),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions')),
        )
    if 'ix_web_sessions_user_id' not in {i['name'] for i in inspect_tables(op).get_indexes('web_sessions')}:
        op.create_index('ix_web_sessions_user_id', 'web_sessions', ['user_id'], unique=False)


def downgrade() -> None:
    inspector = inspect_tables(op)
    if 'web_sessions' in set(inspector.get_table_names()):
        op.drop_index('ix_web_sessions_user_id', table_name='web_sessions')
        op.drop_table('web_sessions')
