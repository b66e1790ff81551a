"""Web session records: one row per signed-in browser, looked up by the SHA-256 of the cookie's random id.

What a session is and when it holds is :mod:`disputeflow.signin.web_sessions`' business;
this module only reads and writes the rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.engine import Connection, Row

from disputeflow.cases.tables import users, web_sessions

s = web_sessions.c


def add(conn: Connection, key: str, user_id: str, now: datetime, expires: datetime) -> None:
    """Record a new session under ``key`` (the digest of the cookie's id)."""
    conn.execute(insert(web_sessions).values(id=key, user_id=user_id, created_at=now, last_seen_at=now,
                                             expires_at=expires))


def forget_old(conn: Connection, before: datetime) -> int:
    """Delete the rows that expired or were revoked before ``before``: they can never hold again."""
    return conn.execute(delete(web_sessions).where(or_(s.expires_at < before, s.revoked_at < before))).rowcount


def lookup(conn: Connection, key: str) -> Row | None:
    """``(user_id, last_seen_at, expires_at, revoked_at, user active)`` of a session, or None."""
    q = (select(s.user_id, s.last_seen_at, s.expires_at, s.revoked_at, users.c.active)
         .join_from(web_sessions, users, users.c.id == s.user_id).where(s.id == key))
    return conn.execute(q).first()


def touch(conn: Connection, key: str, now: datetime, expires: datetime) -> None:
    """Note the session was used at ``now`` and push its expiry to ``expires`` (still live rows only)."""
    conn.execute(update(web_sessions).where(s.id == key, s.revoked_at.is_(None))
                 .values(last_seen_at=now, expires_at=expires))


def revoke(conn: Connection, key: str, now: datetime) -> bool:
    """Revoke one live session; False when there is none under ``key``."""
    return bool(conn.execute(update(web_sessions).where(s.id == key, s.revoked_at.is_(None))
                             .values(revoked_at=now)).rowcount)


def revoke_user(conn: Connection, user_id: str, now: datetime) -> int:
    """Revoke every live session of ``user_id`` (sign-out everywhere, new password, deactivation)."""
    return conn.execute(update(web_sessions).where(s.user_id == user_id, s.revoked_at.is_(None))
                        .values(revoked_at=now)).rowcount


def live_count(conn: Connection, user_id: str, now: datetime) -> int:
    """How many sessions of ``user_id`` hold at ``now``."""
    from sqlalchemy import func

    return conn.execute(select(func.count()).select_from(web_sessions).where(
        s.user_id == user_id, s.revoked_at.is_(None), s.expires_at > now)).scalar()
