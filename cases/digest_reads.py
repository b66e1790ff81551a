"""What the daily digest asks of the store: who gets one, and whether today's is queued already.

Several schedulers may queue digests at once; :func:`serialise` makes their
check-and-insert one at a time (``BEGIN IMMEDIATE`` already does on SQLite).
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, true

from disputeflow.cases.prepared import Prepared
from disputeflow.cases.tables import outbox, users

_LOCK_KEY = 7_0070_0001  # any constant shared by every process of this schema

_SUPERVISORS = Prepared(select(users.c.id).where(users.c.role == "supervisor", users.c.active == true())
                        .order_by(users.c.id))
_LOCK = Prepared(select(func.pg_advisory_xact_lock(bindparam("k"))))
_QUEUED = Prepared(select(true()).where(outbox.c.event == "digest", outbox.c.audience == bindparam("aud"),
                                        outbox.c.created_at >= bindparam("start")))


def active_supervisors(tx) -> list[str]:
    """The ids of the active supervisors, in order."""
    return [r[0] for r in _SUPERVISORS.all(tx)]


def serialise(tx) -> None:
    """Hold the digest's transaction-scoped advisory lock (PostgreSQL; SQLite's write lock serialises already)."""
    if not tx.store.is_sqlite:
        _LOCK.all(tx, {"k": _LOCK_KEY})


def queued_since(tx, audience: str, start) -> bool:
    """Whether a digest for ``audience`` was queued at or after ``start`` (driver time)."""
    return bool(_QUEUED.all(tx, {"aud": audience, "start": start}))
