"""Reading the in-app inbox: a person's messages, newest first, and marking them read.

Messages are stored rendered in the recipient's language when delivered; a
reader asking for another language gets them rendered again from the outbox
row (the same masked context), so the stored text never needs translating.
The records are :mod:`disputeflow.cases.inbox_store`'s; ``bound`` (a unit
path) narrows a reader to messages about cases under that unit.
"""

from __future__ import annotations

from datetime import datetime

from disputeflow.cases import inbox_store

COLUMNS = inbox_store.InboxMessage._fields


def messages(store, user_id: str, *, unread_only: bool = False, limit: int = 50, offset: int = 0,
             bound: str | None = None) -> list[dict]:
    return [m._asdict() for m in inbox_store.messages(store, user_id, unread_only=unread_only, limit=limit,
                                                      offset=offset, under=bound)]


def mark_read(store, user_id: str, ids: list[int] | None, now: datetime, bound: str | None = None) -> int:
    """Mark the person's messages read (all when ``ids`` is None); returns how many changed."""
    return inbox_store.mark_read(store, user_id, ids, now, under=bound)


def unread_count(store, user_id: str, bound: str | None = None) -> int:
    return inbox_store.unread_count(store, user_id, under=bound)
