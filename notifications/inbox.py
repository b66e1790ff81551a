"""Reading the in-app inbox: a person's messages, newest first, and marking them read.

Messages are stored rendered in the recipient's language when delivered; a
reader asking for another language gets them rendered again from the outbox
row (the same masked context), so the stored text never needs translating.
"""

from __future__ import annotations

from datetime import datetime

from disputeflow.cases.types import fits_int64

COLUMNS = ("id", "event", "case_number", "title", "body", "created_at", "read_at", "lang", "outbox_id")

# A bounded reader (an API token narrowed to a unit) sees only messages about cases under that unit;
# messages about no case (digests, key persons) summarise the user's whole jurisdiction and stay out.
_BOUND = " AND case_number IN (SELECT number FROM cases WHERE unit_path LIKE :bound)"


def _mine(user_id: str, bound: str | None, params: dict) -> str:
    """The condition selecting the person's messages, within ``bound`` (a unit path) when given."""
    params["user"] = user_id
    if bound is None:
        return "user_id = :user"
    params["bound"] = bound + "%"
    return "user_id = :user" + _BOUND


def messages(store, user_id: str, *, unread_only: bool = False, limit: int = 50, offset: int = 0,
             bound: str | None = None) -> list[dict]:
    params = {"limit": int(limit), "offset": int(offset)}
    where = _mine(user_id, bound, params) + (" AND read_at IS NULL" if unread_only else "")
    with store.read() as tx:
        rows = tx.query("SELECT " + ", ".join(COLUMNS) + f" FROM inbox WHERE {where} "
                        "ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset", params)
    out = []
    for r in rows:
        d = dict(zip(COLUMNS, r))
        d["created_at"] = tx.time(d["created_at"])
        d["read_at"] = tx.time(d["read_at"])
        out.append(d)
    return out


def mark_read(store, user_id: str, ids: list[int] | None, now: datetime, bound: str | None = None) -> int:
    """Mark the person's messages read (all when ``ids`` is None); returns how many changed."""
    with store.write() as tx:
        params: dict = {}
        where = _mine(user_id, bound, params) + " AND read_at IS NULL"
        params["now"] = tx.t(now)
        if ids is None:
            return tx.execute(f"UPDATE inbox SET read_at = :now WHERE {where}", params)
        ids = [i for i in map(int, ids) if fits_int64(i)]  # an id past 64 bits names no message
        if not ids:
            return 0
        params.update({f"i{n}": v for n, v in enumerate(ids)})
        marks = ", ".join(f":i{n}" for n in range(len(ids)))
        return tx.execute(f"UPDATE inbox SET read_at = :now WHERE {where} AND id IN ({marks})", params)


def unread_count(store, user_id: str, bound: str | None = None) -> int:
    params: dict = {}
    where = _mine(user_id, bound, params)
    with store.read() as tx:
        return int(tx.query(f"SELECT COUNT(*) FROM inbox WHERE {where} AND read_at IS NULL", params)[0][0])
