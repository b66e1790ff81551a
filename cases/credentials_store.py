"""Sign-in and token records: password hashes, failed sign-ins, API tokens, and the outbox backlog for health.

Only hashes are stored; what a hash is and when a sign-in is locked out is
:mod:`disputeflow.signin.credentials`' business.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, delete, exists, func, insert, literal, select, update
from sqlalchemy.engine import Connection, Row

from disputeflow.cases import session_store
from disputeflow.cases.tables import api_tokens, login_failures, outbox, units, user_passwords, users

f = login_failures.c


def set_password(conn: Connection, user_id: str, password_hash: str, now: datetime) -> None:
    """Store a new hash (revoking every session signed in under the old one) and forget the user's failures."""
    changed = conn.execute(update(user_passwords).where(user_passwords.c.user_id == user_id).values(
        password_hash=password_hash, updated_at=now, session_gen=user_passwords.c.session_gen + 1)).rowcount
    if not changed:
        conn.execute(insert(user_passwords).values(user_id=user_id, password_hash=password_hash, updated_at=now))
    clear_failures(conn, user_id)
    session_store.revoke_user(conn, user_id, now)


def failures_since(conn: Connection, user_id: str, since: datetime) -> int:
    return conn.execute(select(func.count()).select_from(login_failures)
                        .where(f.user_id == user_id, f.at > since)).scalar()


def password_of(conn: Connection, user_id: str) -> Row | None:
    """``(password_hash, active)`` of a user who has a password, or None."""
    q = (select(user_passwords.c.password_hash, users.c.active)
         .join_from(users, user_passwords, user_passwords.c.user_id == users.c.id).where(users.c.id == user_id))
    return conn.execute(q).first()


def clear_failures(conn: Connection, user_id: str) -> None:
    conn.execute(delete(login_failures).where(f.user_id == user_id))


def record_failure(conn: Connection, user_id: str, now: datetime, remote: str, since: datetime, most: int,
                   most_unknown: int) -> None:
    """Record a failed sign-in while keeping the table bounded.

    Rows at or before ``since`` go; a name holds at most ``most`` rows (the
    insert is conditional, so racing requests cannot exceed it); names that are
    no user's keep at most ``most_unknown`` rows together, the oldest going first.
    """
    conn.execute(delete(login_failures).where(f.at <= since))
    no_user = ~exists().where(users.c.id == f.user_id)
    edge = conn.execute(select(f.id).where(no_user).order_by(f.id.desc()).limit(1).offset(most_unknown - 1)).scalar()
    if edge is not None:
        conn.execute(delete(login_failures).where(f.id <= edge, no_user))
    recent = select(func.count()).select_from(login_failures).where(f.user_id == user_id, f.at > since)
    row = select(cast(literal(user_id), String(64)), literal(now, f.at.type), cast(literal(remote), String(64)))
    conn.execute(insert(login_failures).from_select(["user_id", "at", "remote"],
                                                    row.where(recent.scalar_subquery() < most)))


def session_generation(conn: Connection, user_id: str) -> int | None:
    return conn.execute(select(user_passwords.c.session_gen).where(user_passwords.c.user_id == user_id)).scalar()


def end_sessions(conn: Connection, user_id: str, now: datetime) -> None:
    """Sign-out everywhere: bump the generation and revoke every session record of the user."""
    conn.execute(update(user_passwords).where(user_passwords.c.user_id == user_id)
                 .values(session_gen=user_passwords.c.session_gen + 1))
    session_store.revoke_user(conn, user_id, now)


def add_token(conn: Connection, name: str, user_id: str, unit_id: str, token_hash: str, prefix: str,
              now: datetime) -> int:
    """Store a token's hash; returns the token's id."""
    conn.execute(insert(api_tokens).values(name=name, user_id=user_id, unit_id=unit_id, token_hash=token_hash,
                                           prefix=prefix, created_at=now))
    return conn.execute(select(api_tokens.c.id).where(api_tokens.c.token_hash == token_hash)).scalar_one()


def token(conn: Connection, token_hash: str) -> Row | None:
    """``(user_id, revoked_at, unit path, unit id, role, active, name, user's unit path)`` of a token, or None."""
    t = api_tokens.c
    q = (select(t.user_id, t.revoked_at, units.c.path, units.c.id, users.c.role, users.c.active, users.c.name,
                users.c.unit_path)
         .join_from(api_tokens, units, units.c.id == t.unit_id).join(users, users.c.id == t.user_id)
         .where(t.token_hash == token_hash))
    return conn.execute(q).first()


def revoke_token(conn: Connection, token_id: int, now: datetime) -> bool:
    """Revoke a live token; False when there is none of that id."""
    t = api_tokens.c
    return bool(conn.execute(update(api_tokens).where(t.id == token_id, t.revoked_at.is_(None))
                             .values(revoked_at=now)).rowcount)


def tokens(conn: Connection) -> list[Row]:
    """Every token as ``(id, name, user_id, unit_id, prefix, created_at, revoked_at)``, oldest first."""
    t = api_tokens.c
    return conn.execute(select(t.id, t.name, t.user_id, t.unit_id, t.prefix, t.created_at, t.revoked_at)
                        .order_by(t.id)).all()


def outbox_backlog(conn: Connection) -> dict[str, int]:
    """How many notifications are in each delivery status."""
    return dict(conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status)).all())
