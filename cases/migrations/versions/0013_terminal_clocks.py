"""ended cases stop their clocks; a case's version counts its audit events

A case that entered a terminal state (``closed_at`` is set exactly then) kept its
supervision clock, and one a withdrawal or referral raced with, running: it went
on escalating. Every such clock is stopped at the time the case ended, except a
key person's duty clocks (``kp.…``), which belong to the person and stop at release.
The sweep bumped a case's version once per batch however many events it added;
every event bumps it now, and existing cases are brought to ``version = audit_seq``.

Revision ID: 0013
Revises: 0012
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE clocks SET status = 'stopped', next_step = NULL, next_at = NULL, "
        "stopped_at = (SELECT c.closed_at FROM cases c WHERE c.id = clocks.case_id) "
        "WHERE stopped_at IS NULL AND name NOT LIKE 'kp.%' "
        "AND case_id IN (SELECT id FROM cases WHERE closed_at IS NOT NULL)")
    op.execute("UPDATE cases SET version = audit_seq WHERE version < audit_seq")


def downgrade() -> None:
    pass  # data repair: nothing to undo
