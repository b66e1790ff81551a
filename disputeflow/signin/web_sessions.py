"""Web sessions kept in the database: the cookie carries a signed random id, the row says whose it is.

A self-contained signed cookie cannot be taken back: a copy of it stayed valid
after its owner signed out on that device. With a row per session the sign-out
revokes the row, and every worker on every host reads the same row, so the
copy dies with it; a new password or a deactivation revokes all of a user's rows.

Only the SHA-256 of the id is stored, so someone who reads the table cannot
sign in with what they read. A session lapses after :data:`IDLE` without use,
and its last use is written at most every :data:`TOUCH_EVERY` (not on every
request: SQLite has one writer).

Session times run on :data:`CLOCK`, the real time, not the engine's clock: how
long a browser stays signed in is a property of the browser's real idle time
(as the cookie's own ``max_age`` is), while the engine's clock may be fixed
(``--now`` drills) or jumped by days in a rehearsal. Tests replace ``CLOCK``. A
revocation records the time of the act that revoked it (the engine's clock).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from disputeflow.cases import session_store, transactions
from disputeflow.workflow.errors import Busy
from disputeflow.workflow.timesource import SystemClock

IDLE = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=5)
KEEP_ENDED = timedelta(days=1)  # revoked and lapsed rows go this long after they ended
CLOCK = SystemClock()  # the real time (see above); a test sets a FixedClock here


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(engine, user_id: str) -> str:
    """Open a session for ``user_id`` (just signed in); returns the id to put in the signed cookie."""
    session_id = secrets.token_urlsafe(32)
    now = CLOCK.now()
    with transactions.write(engine.store) as conn:
        session_store.forget_old(conn, now - KEEP_ENDED)
        session_store.add(conn, _key(session_id), user_id, now, now + IDLE)
    return session_id


def user_of(engine, session_id: str | None) -> str | None:
    """The user a live session belongs to, or None (unknown, revoked, lapsed, or the user switched off)."""
    if not session_id or not isinstance(session_id, str) or len(session_id) > 100:
        return None
    key = _key(session_id)
    now = CLOCK.now()
    with transactions.read(engine.store) as conn:
        row = session_store.lookup(conn, key)
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.active:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        try:
            with transactions.write(engine.store) as conn:
                session_store.touch(conn, key, now, now + IDLE)
        except Busy:  # a busy database must not refuse a page for its bookkeeping: the next request touches
            pass
    return row.user_id


def end(engine, session_id: str | None) -> bool:
    """Revoke one session (sign-out on this device); False when it was not live."""
    if not session_id or not isinstance(session_id, str) or len(session_id) > 100:
        return False
    now = engine.clock.now()
    with transactions.write(engine.store) as conn:
        return session_store.revoke(conn, _key(session_id), now)


def live_sessions(engine, user_id: str) -> int:
    """How many sessions of ``user_id`` hold now (for an administrator, and the tests)."""
    now = CLOCK.now()
    with transactions.read(engine.store) as conn:
        return session_store.live_count(conn, user_id, now)
