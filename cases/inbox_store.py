"""The in-app inbox's records: one stored message per notification and person.

A message is written once per ``(outbox_id, user_id)`` — a delivery retried
after a crash between sending and marking never shows twice. A reader bound
to a unit (an API token narrowed to it) sees only the messages about cases
under that unit; messages about no case (digests, key persons) summarise the
person's whole jurisdiction and stay out of a bound reader's view.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.sql import ColumnElement

from disputeflow.cases.transactions import HeldConnection, insert_new_rows, read, write
from disputeflow.cases.prepared import run
from disputeflow.cases.tables import cases, inbox
from disputeflow.cases.types import fits_int64


class InboxMessage(NamedTuple):
    id: int
    event: str
    case_number: str | None
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None
    lang: str
    outbox_id: int


TITLE_LENGTH = inbox.c.title.type.length
_MESSAGE_COLUMNS = ("user_id", "outbox_id", "event", "case_number", "lang", "title", "body", "created_at", "read_at")


class Postbox:
    """Stores delivered messages, each in a transaction of its own, on one connection kept until :meth:`close`."""

    def __init__(self, store):
        self._held = HeldConnection(store)

    def add(self, user_id: str, outbox_id: int, event: str, case_number: str | None, lang: str, title: str,
            body: str, created_at: datetime) -> None:
        """Store a message for ``user_id`` (the title cut to the column's length), unless it is there already."""
        with self._held.write() as conn:
            run(conn, insert_new_rows(conn, inbox, ("outbox_id", "user_id"), _MESSAGE_COLUMNS), {
                "user_id": user_id, "outbox_id": outbox_id, "event": event, "case_number": case_number,
                "lang": lang, "title": title[:TITLE_LENGTH], "body": body, "created_at": created_at,
                "read_at": None})

    def close(self) -> None:
        self._held.close()


def _mine(user_id: str, under: str | None) -> ColumnElement[bool]:
    """The person's messages, about cases under the unit path ``under`` when given."""
    cond = inbox.c.user_id == user_id
    if under is None:
        return cond
    return cond & inbox.c.case_number.in_(select(cases.c.number).where(cases.c.unit_path.like(under + "%")))


def messages(store, user_id: str, *, unread_only: bool = False, limit: int = 50, offset: int = 0,
             under: str | None = None) -> list[InboxMessage]:
    """The person's messages, newest first."""
    stmt = select(*(inbox.c[k] for k in InboxMessage._fields)).where(_mine(user_id, under))
    if unread_only:
        stmt = stmt.where(inbox.c.read_at.is_(None))
    stmt = stmt.order_by(inbox.c.created_at.desc(), inbox.c.id.desc()).limit(int(limit)).offset(int(offset))
    with read(store) as conn:
        return [InboxMessage(*r) for r in conn.execute(stmt)]


def mark_read(store, user_id: str, ids: list[int] | None, now: datetime, under: str | None = None) -> int:
    """Mark the person's unread messages read (all when ``ids`` is None); returns how many changed."""
    stmt = update(inbox).where(_mine(user_id, under), inbox.c.read_at.is_(None)).values(read_at=bindparam("now"))
    if ids is not None:
        ids = [i for i in map(int, ids) if fits_int64(i)]  # an id past 64 bits names no message
        if not ids:
            return 0
        stmt = stmt.where(inbox.c.id.in_(ids))
    with write(store) as conn:
        return conn.execute(stmt, {"now": now}).rowcount


def unread_count(store, user_id: str, under: str | None = None) -> int:
    stmt = select(func.count()).select_from(inbox).where(_mine(user_id, under), inbox.c.read_at.is_(None))
    with read(store) as conn:
        return int(conn.execute(stmt).scalar_one())
