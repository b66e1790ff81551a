"""Queueing notifications: the one way a row joins the outbox.

Every writer — a command, a batch, the sweep and its duty forwarding, the
key-person register, the daily digest, a unit talk — queues what it has to say
in its own transaction, so a notification exists exactly when the change it
tells of was committed. Rows are :class:`disputeflow.cases.records.OutboxRow`
values; the dispatcher claims them after commit. A row is pending, never tried,
and due at once (``next_attempt_at`` is its creation time).
"""

from __future__ import annotations

from typing import Any, Sequence

from disputeflow.cases.records import OutboxRow

# What a row is stored as in bulk; status and attempts are the same in every queued row.
COLUMNS = ("created_at", "event", "case_id", "case_number", "actor", "audience", "payload", "status", "attempts",
           "next_attempt_at")


def row(at: Any, event: str, case_id: int | None, case_number: str | None, actor: str, audience: str,
        payload: str) -> OutboxRow:
    """One notification, stamped ``at`` (the driver's form of the time) and due then."""
    return tuple.__new__(OutboxRow, (at, event, case_id, case_number, actor, audience, payload, at))


def enqueue(tx, rows: Sequence[tuple]) -> int:
    """Queue ``rows`` (:class:`OutboxRow` or tuples in its order) in the transaction ``tx``; returns how many.

    One row is one prepared statement; several go as one bulk insert (one
    statement on PostgreSQL, one ``executemany`` of the prepared statement on SQLite).
    """
    if not rows:
        return 0
    if len(rows) == 1:
        return tx.run("insert_outbox", tuple(rows[0]))
    if tx.store.is_sqlite:
        # as plain tuples: sqlite3 binds a record's values through its __getitem__ (see bench/README.md)
        return tx.many("insert_outbox", list(map(tuple, rows)))
    return tx.insert_rows("outbox", COLUMNS, [(*r[:7], "pending", 0, r[7]) for r in rows])
