"""Unit talks (约谈): a responsible unit whose red cards in a month reach the policy's count is listed once.

The month is the local calendar month of the step's own time, so a late sweep
counts a red card in the month it was due. ``UNIQUE(unit_id, month)`` lists a
unit once per month whatever the number of sweepers.
"""

from __future__ import annotations

import logging
from datetime import datetime

from disputeflow.cases import outbox, sweep_store
from disputeflow.workflow.audience import audience
from disputeflow.workflow.commands import dumps
from disputeflow.workflow.timeutil import iso, month_bounds, to_local

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"


def talk_key(c: dict, step_at: datetime) -> tuple[str, str]:
    """The unit a red card counts against and its local month, ``(unit, "YYYY-MM")``."""
    local = to_local(step_at)
    return c["resp"] or c["unit_id"], f"{local.year:04d}-{local.month:02d}"


def unit_talk(engine, tx, c: dict, step_at: datetime, now: datetime, listed: set) -> dict | None:
    """List the case's responsible unit for a talk when its red cards this month reach the policy's count.

    ``listed`` holds the (unit, month) pairs known to be on the list already. Returns what was raised, or None.
    """
    policy = engine.policy
    unit, month = talk_key(c, step_at)
    if (unit, month) in listed:
        return None
    if sweep_store.talk_listed(tx, unit, month):
        listed.add((unit, month))  # counting again would only find more of the same
        return None
    start, end = month_bounds(step_at)
    numbers = sweep_store.red_cards(tx, policy.unit_talk_step, tx.t(start), tx.t(end), unit)
    if not policy.needs_unit_talk(len(numbers)):
        return None
    listed.add((unit, month))
    if not sweep_store.list_talk(tx, unit, month, dumps(numbers), len(numbers), tx.t(now)):
        return None
    to = audience(policy.unit_talk_recipients, engine.town(tx, c["unit_path"])[0])
    payload = dumps({"unit": unit, "month": month, "level3_count": len(numbers), "cases": numbers})
    outbox.enqueue(tx, [outbox.row(tx.t(now), "unit.talk_listed", None, None, SYSTEM_ACTOR, dumps(to), payload)])
    log.info("unit %s listed for a talk for %s (%d level-3 escalations)", unit, month, len(numbers))
    return {"number": "", "clock": "", "step": "unit_talk", "step_at": iso(step_at), "due_at": None,
            "listed": False, "unit": unit, "month": month, "level3_count": len(numbers), "cases": numbers}
