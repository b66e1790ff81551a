"""Sign-in for the web workspace and tokens for other systems.

Passwords and tokens are stored only as hashes (argon2 for passwords, SHA-256
for random tokens); failed sign-ins are rows so a lock-out holds across processes.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from disputeflow.cases import people_tables  # noqa: F401  (units, users: the foreign keys' targets)
from disputeflow.cases.metadata import metadata
from disputeflow.cases.types import UTCDateTime

user_passwords = Table(
    "user_passwords",
    metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("password_hash", String(255), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    # Bumped by sign-out and by a password change: every session cookie issued before is void.
    Column("session_gen", Integer(), nullable=False, server_default="0"),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("remote", String(64), nullable=True),
)
Index("ix_login_failures_user_id_at", login_failures.c.user_id, login_failures.c.at)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("unit_id", String(64), ForeignKey("units.id"), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
    Column("last_used_at", UTCDateTime(), nullable=True),
    UniqueConstraint("token_hash"),
)

# A signed-in browser: the cookie carries only the signed id; the row says whose it is and whether it still holds,
# so a sign-out, a password change or a deactivation ends it on every worker and host at once.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the random id in the cookie, never the id itself
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_seen_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
)
Index("ix_web_sessions_user_id", web_sessions.c.user_id)
