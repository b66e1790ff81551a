"""Reading the in-app inbox: a person's messages, newest first, and marking them read.

Messages are stored rendered in the recipient's language when delivered; a
reader asking for another language gets them rendered again from the outbox
row (the same masked context), so the stored text never needs translating.
"""

from __future__ import annotations

from datetime import datetime

from cases.types import fits_int64

COLUMNS = ("id", "event", "case_number", "title", "body", "created_at", "read_at", "lang", "outbox_id")


def messages(store, user_id: str, *, unread_only: bool = False, limit: int = 50, offset: int = 0) -> list[dict]:
    where = "user_id = :user" + (" AND read_at IS NULL" if unread_only else "")
    with store.read() as tx:
        rows = tx.query("SELECT " + ", ".join(COLUMNS) + f" FROM inbox WHERE {where} "
                        "ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset",
                        {"user": user_id, "limit": int(limit), "offset": int(offset)})
    out = []
    for r in rows:
        d = dict(zip(COLUMNS, r))
        d["created_at"] = tx.time(d["created_at"])
        d["read_at"] = tx.time(d["read_at"])
        out.append(d)
    return out


def mark_read(store, user_id: str, ids: list[int] | None, now: datetime) -> int:
    """Mark the person's messages read (all when ``ids`` is None); returns how many changed."""
    with store.write() as tx:
        if ids is None:
            return tx.execute("UPDATE inbox SET read_at = :now WHERE user_id = :user AND read_at IS NULL",
                              {"now": tx.t(now), "user": user_id})
        ids = [i for i in map(int, ids) if fits_int64(i)]  # an id past 64 bits names no message
        if not ids:
            return 0
        params = {"now": tx.t(now), "user": user_id, **{f"i{n}": v for n, v in enumerate(ids)}}
        marks = ", ".join(f":i{n}" for n in range(len(ids)))
        return tx.execute(f"UPDATE inbox SET read_at = :now WHERE user_id = :user AND read_at IS NULL "
                          f"AND id IN ({marks})", params)


def unread_count(store, user_id: str) -> int:
    with store.read() as tx:
        return int(tx.query("SELECT COUNT(*) FROM inbox WHERE user_id = :user AND read_at IS NULL",
                            {"user": user_id})[0][0])
