"""The supervisors' daily digest of overdue items, as notifications.

Each active supervisor gets one digest a local day listing the overdue clocks
in their jurisdiction, worst first (at most ``MAX_ITEMS``; the count is
complete). Nobody gets an empty digest. Several schedulers may run the job:
the check-and-insert is serialised (``BEGIN IMMEDIATE`` on SQLite, a
transaction-scoped advisory lock on PostgreSQL), so each supervisor gets one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from disputeflow.cases import digest_reads, outbox
from disputeflow.workflow.audience import audience as audience_of
from disputeflow.workflow.commands import dumps
from disputeflow.workflow.timeutil import at_local, local_date

log = logging.getLogger(__name__)

MAX_ITEMS = 50


def queue(engine, now: datetime) -> int:
    from disputeflow.workflow.board import overdue

    """Queue today's digests that are not queued yet; returns how many were queued."""
    with engine.store.read() as tx:
        sups = digest_reads.active_supervisors(tx)
    boards = {}
    for sup in sups:
        board = overdue(engine, now, None, sup)
        if board:
            boards[sup] = board
    day_start = at_local(local_date(now))
    queued = 0
    with engine.store.write() as tx:
        digest_reads.serialise(tx)
        for sup, board in boards.items():
            audience = dumps(audience_of([f"user:{sup}"], ""))
            if digest_reads.queued_since(tx, audience, tx.t(day_start)):
                continue
            items = [{"number": r["number"], "title": r["title"], "unit_name": r["unit_name"], "clock": r["clock"],
                      "level": r["level"], "due_at": r["due_at"], "overdue_business_days": r["overdue_business_days"]}
                     for r in board[:MAX_ITEMS]]
            outbox.enqueue(tx, [outbox.row(tx.t(now), "digest", None, None, "system", audience,
                                           dumps({"count": len(board), "items": items,
                                                  "day": local_date(now).isoformat()}))])
            queued += 1
    log.info("daily digest: %d queued", queued)
    return queued
