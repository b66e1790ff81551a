"""The delivery records: outbox rows routed into deliveries, claimed, marked sent or failed, retried.

What makes delivery exactly-once with any number of dispatchers on one
database lives here, in the statements:

- routing takes pending outbox rows under ``FOR UPDATE SKIP LOCKED`` on
  PostgreSQL (SQLite's ``BEGIN IMMEDIATE`` serialises writers), and
  ``UNIQUE(outbox_id, recipient, channel)`` with ``ON CONFLICT DO NOTHING``
  makes a repeated routing harmless;
- a claim is one conditional ``UPDATE … RETURNING`` (``SKIP LOCKED`` on
  PostgreSQL): a delivery is claimed by one dispatcher at a time, until its
  claim expires;
- a result is recorded only under the recorder's own claim.

Which people and channels a row goes to, and when a failure is retried, are
the notifications' rules; they are handed in as values.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime
from typing import Iterator, NamedTuple

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.engine import Connection

from disputeflow.cases.transactions import HeldConnection, insert_new_rows, read, write
from disputeflow.cases.message_facts import NOTICE_COLUMNS, Notice, notice
from disputeflow.cases.people import Directory
from disputeflow.cases.prepared import run, run_many
from disputeflow.cases.tables import cases, notification_deliveries as d, outbox as o, users


class PendingRow(NamedTuple):
    """An outbox row waiting to be routed: its audience tokens and the case's unit path (if about a case)."""

    id: int
    event: str
    audience: list[str]
    unit_path: str | None


class Addressee(NamedTuple):
    """The person a delivery is for, as the users' table knows them (all None for a group channel).

    A person channel needs the address it delivers to (an e-mail address, a mobile
    phone) and the person's language; these go to the channel, never into rendered text.
    """

    name: str | None
    email: str | None
    role: str | None
    phone: str | None
    lang: str | None


class DueDelivery(NamedTuple):
    """A claimed delivery with everything needed to send it."""

    id: int
    recipient: str  # a user id, or "*" for a group channel
    channel: str
    lang: str
    attempts: int
    notice: Notice
    addressee: Addressee


def _due(table):
    return and_(table.c.status == "pending", table.c.next_attempt_at <= bindparam("now"),
                or_(table.c.claimed_until.is_(None), table.c.claimed_until < bindparam("now")))


_PENDING = (select(o.c.id, o.c.event, o.c.audience, cases.c.unit_path)
            .select_from(o.outerjoin(cases, cases.c.id == o.c.case_id))
            .where(_due(o)).order_by(o.c.id).limit(bindparam("limit"))
            .with_for_update(of=o, skip_locked=True))
_DELIVERY_COLUMNS = ("outbox_id", "recipient", "channel", "kind", "lang", "status", "attempts", "next_attempt_at",
                     "created_at")
_ROUTED = (update(o).where(o.c.id.in_(bindparam("ids", expanding=True)), o.c.status == "pending")
           .values(status="routed", sent_at=bindparam("now"), attempts=o.c.attempts + 1))
_CLAIM = (update(d).where(d.c.id.in_(select(d.c.id).where(_due(d)).order_by(d.c.id).limit(bindparam("limit"))
                                     .with_for_update(skip_locked=True)), _due(d))
          .values(claimed_by=bindparam("me"), claimed_until=bindparam("until")).returning(d.c.id))
_CLAIMED = (select(d.c.id, d.c.recipient, d.c.channel, d.c.lang, d.c.attempts, *NOTICE_COLUMNS,
                   users.c.name, users.c.email, users.c.role, users.c.phone, users.c.lang)
            .select_from(d.join(o, o.c.id == d.c.outbox_id).outerjoin(users, users.c.id == d.c.recipient))
            .where(d.c.id.in_(bindparam("ids", expanding=True))).order_by(d.c.id))
_MINE = d.c.claimed_by == bindparam("me")
_RELEASE = (update(d).where(_MINE, d.c.status == "pending", d.c.id.in_(bindparam("ids", expanding=True)))
            .values(claimed_by=None, claimed_until=None))
_SENT = (update(d).where(d.c.id == bindparam("delivery"), _MINE)
         .values(status="sent", sent_at=bindparam("now"), attempts=d.c.attempts + 1, claimed_until=None,
                 last_error=None))
_FAILED = (update(d).where(d.c.id == bindparam("delivery"), _MINE)
           .values(attempts=bindparam("tries"), status=bindparam("outcome"), last_error=bindparam("error"),
                   claimed_by=None, claimed_until=None, next_attempt_at=bindparam("next_at")))
_RETRY = (update(d).where(d.c.id == bindparam("delivery"), d.c.status != "sent")
          .values(status="pending", attempts=0, next_attempt_at=bindparam("now"), claimed_by=None,
                  claimed_until=None))


class Routing:
    """One routing transaction: the pending rows taken, and the deliveries made of them.

    ``people`` looks up recipients inside the same transaction.
    """

    def __init__(self, conn: Connection, now: datetime, rows: list[PendingRow]):
        self.conn = conn
        self.now = now
        self.rows = rows
        self.people = Directory(conn)
        self._new: list[dict] = []

    def add(self, outbox_id: int, recipient: str, channel: str, kind: str, lang: str) -> None:
        """A delivery of ``outbox_id`` to ``recipient`` ("*" for a group channel) on ``channel``."""
        self._new.append({"outbox_id": outbox_id, "recipient": recipient, "channel": channel, "kind": kind,
                          "lang": lang, "status": "pending", "attempts": 0, "next_attempt_at": self.now,
                          "created_at": self.now})

    def _finish(self) -> None:
        if self._new:
            run_many(self.conn, insert_new_rows(self.conn, d, ("outbox_id", "recipient", "channel"), _DELIVERY_COLUMNS),
                     self._new)
        run(self.conn, _ROUTED, {"ids": [r.id for r in self.rows], "now": self.now})


@contextmanager
def routing(store, now: datetime, limit: int) -> Iterator[Routing]:
    """Take up to ``limit`` due outbox rows; what the block adds is written and the rows marked routed on exit.

    Rows another dispatcher holds are skipped; an error in the block leaves
    every row pending.
    """
    with write(store) as conn:
        rows = [PendingRow(i, event, json.loads(audience or "[]"), path)
                for i, event, audience, path in run(conn, _PENDING, {"now": now, "limit": limit})]
        batch = Routing(conn, now, rows)
        yield batch
        if rows:
            batch._finish()


def claim(store, me: str, now: datetime, until: datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` due deliveries for ``me`` until ``until``; their ids, in order."""
    with write(store) as conn:
        return sorted(run(conn, _CLAIM, {"me": me, "now": now, "until": until, "limit": limit}).scalars())


def claimed(store, ids: list[int]) -> list[DueDelivery]:
    """The deliveries ``ids`` with their outbox rows and addressees, in id order."""
    if not ids:
        return []
    with read(store) as conn:
        rows = run(conn, _CLAIMED, {"ids": ids}).all()
    return [DueDelivery(*r[:5], notice(r[5:12]), Addressee(*r[12:])) for r in rows]


class Results:
    """What ``me`` records of its claimed deliveries, each result committed as soon as it is known."""

    def __init__(self, store, me: str):
        self.me = me
        self._held = HeldConnection(store)

    def sent(self, delivery_id: int, now: datetime) -> bool:
        """Record a delivery sent, if ``me`` still holds its claim."""
        with self._held.write() as conn:
            return run(conn, _SENT, {"me": self.me, "delivery": delivery_id, "now": now}).rowcount == 1

    def failed(self, delivery_id: int, attempts: int, error: str, next_at: datetime, dead: bool) -> bool:
        """Record a failed attempt under ``me``'s claim: pending again from ``next_at``, or ``dead``."""
        with self._held.write() as conn:
            return run(conn, _FAILED, {"me": self.me, "delivery": delivery_id, "tries": attempts,
                                          "error": error, "outcome": "dead" if dead else "pending",
                                          "next_at": next_at}).rowcount == 1

    def release(self, ids: list[int]) -> int:
        """Give back ``me``'s claims on deliveries not yet tried; returns how many."""
        if not ids:
            return 0
        with self._held.write() as conn:
            return run(conn, _RELEASE, {"me": self.me, "ids": ids}).rowcount

    def close(self) -> None:
        self._held.close()


@contextmanager
def results(store, me: str) -> Iterator[Results]:
    """:class:`Results` for one dispatch pass, on one connection given back at the end."""
    res = Results(store, me)
    try:
        yield res
    finally:
        res.close()


def retry(store, delivery_id: int, now: datetime) -> bool:
    """Put a failed or dead delivery back in the queue, due ``now``, with a fresh attempt count."""
    with write(store) as conn:
        return conn.execute(_RETRY, {"delivery": delivery_id, "now": now}).rowcount == 1


LISTING_KEYS = ("id", "outbox_id", "created_at", "event", "case_number", "channel", "recipient", "status",
                "attempts", "last_error", "next_attempt_at", "sent_at")
_LISTED = (select(d.c.id, d.c.outbox_id, o.c.created_at, o.c.event, o.c.case_number, d.c.channel, d.c.recipient,
                  d.c.status, d.c.attempts, d.c.last_error, d.c.next_attempt_at, d.c.sent_at)
           .select_from(d.join(o, o.c.id == d.c.outbox_id)).order_by(d.c.id.desc()).limit(bindparam("limit")))
_FAILING = _LISTED.where(or_(d.c.status == "dead", and_(d.c.status == "pending", d.c.attempts > 0)))
_QUEUED = (select(o.c.id, o.c.created_at, o.c.event, o.c.case_number).where(o.c.status == "pending")
           .order_by(o.c.id.desc()).limit(bindparam("limit")))


def listing(store, failed_only: bool = False, limit: int = 200) -> list[dict]:
    """Deliveries, newest first (``failed_only``: dead, or pending after a failure); outbox rows not yet
    routed come first, as ``queued`` with no delivery id."""
    with read(store) as conn:
        rows = conn.execute(_FAILING if failed_only else _LISTED, {"limit": limit}).all()
        queued = [] if failed_only else conn.execute(_QUEUED, {"limit": limit}).all()
    out = [{"id": None, "outbox_id": oid, "created_at": created, "event": event, "case_number": number,
            "channel": None, "recipient": None, "status": "queued", "attempts": 0, "last_error": None,
            "next_attempt_at": None, "sent_at": None} for oid, created, event, number in queued]
    out.extend(dict(zip(LISTING_KEYS, r)) for r in rows)
    return out


def unit_of(store, unit_id: str):
    """``(kind, path, name, active)`` of a unit, or None (a host identity's unit, asked while delivering)."""
    with read(store) as conn:
        return Directory(conn).unit(unit_id)
