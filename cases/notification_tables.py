"""Notifications: the outbox a command appends to, its fan-out into deliveries, and the in-app inbox."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from disputeflow.cases import case_tables  # noqa: F401  (cases: the foreign keys' target)
from disputeflow.cases.metadata import metadata
from disputeflow.cases.types import UTCDateTime

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("event", String(40), nullable=False),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=True),
    Column("case_number", String(64), nullable=True),
    Column("actor", String(64), nullable=True),
    Column("audience", Text(), nullable=False, server_default="[]"),
    Column("payload", Text(), nullable=False, server_default="{}"),
    Column("status", String(20), nullable=False, server_default="pending"),
    Column("attempts", Integer(), nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", UTCDateTime(), nullable=True),
    Column("last_error", Text(), nullable=True),
    Column("sent_at", UTCDateTime(), nullable=True),
)
Index("ix_outbox_status_next_attempt_at", outbox.c.status, outbox.c.next_attempt_at)

# The outbox row is fanned out once into one delivery per recipient and channel;
# UNIQUE(outbox_id, recipient, channel) makes the fan-out idempotent whatever the
# number of dispatchers. Each delivery carries its own retry state.
notification_deliveries = Table(
    "notification_deliveries",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("outbox_id", Integer(), ForeignKey("outbox.id"), nullable=False),
    Column("recipient", String(64), nullable=False),  # a user id, or "*" for a group channel
    Column("channel", String(64), nullable=False),  # the configured channel name
    Column("kind", String(20), nullable=False),
    Column("lang", String(10), nullable=False),
    Column("status", String(20), nullable=False, server_default="pending"),
    Column("attempts", Integer(), nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", UTCDateTime(), nullable=True),
    Column("last_error", Text(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    UniqueConstraint("outbox_id", "recipient", "channel"),
)
Index("ix_notification_deliveries_status_next_attempt_at", notification_deliveries.c.status,
      notification_deliveries.c.next_attempt_at)

# The in-app inbox: one message per notification and person, rendered in the
# person's language when delivered.
inbox = Table(
    "inbox",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=False),
    Column("outbox_id", Integer(), ForeignKey("outbox.id"), nullable=False),
    Column("event", String(40), nullable=False),
    Column("case_number", String(64), nullable=True),
    Column("lang", String(10), nullable=False),
    Column("title", String(300), nullable=False),
    Column("body", Text(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("read_at", UTCDateTime(), nullable=True),
    UniqueConstraint("outbox_id", "user_id"),
)
Index("ix_inbox_user_id_read_at", inbox.c.user_id, inbox.c.read_at)
