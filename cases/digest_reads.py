"""What the daily digest asks of the store: who gets one, and whether today's is queued already.

Several schedulers may queue digests at once; :func:`serialise` makes their
check-and-insert one at a time (``BEGIN IMMEDIATE`` already does on SQLite).
"""

from __future__ import annotations

_LOCK_KEY = 7_0070_0001  # any constant shared by every process of this schema


def active_supervisors(tx) -> list[str]:
    """The ids of the active supervisors, in order."""
    return [r[0] for r in tx.query("SELECT id FROM users WHERE role = 'supervisor' AND active = :t ORDER BY id",
                                   {"t": True})]


def serialise(tx) -> None:
    """Hold the digest's transaction-scoped advisory lock (PostgreSQL; SQLite's write lock serialises already)."""
    if not tx.store.is_sqlite:
        tx.execute("SELECT pg_advisory_xact_lock(:k)", {"k": _LOCK_KEY})


def queued_since(tx, audience: str, start) -> bool:
    """Whether a digest for ``audience`` was queued at or after ``start`` (driver time)."""
    return bool(tx.query("SELECT 1 FROM outbox WHERE event = 'digest' AND audience = :aud AND created_at >= :start",
                         {"aud": audience, "start": start}))
