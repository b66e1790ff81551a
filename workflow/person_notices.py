"""What the key-person register tells people, and who does it.

Every change to a person (registration, an alarming contact, release) tells
the person's own officials in the same transaction; the recipients are words
of the shared vocabulary (:mod:`disputeflow.workflow.audience`) with the grid
officer as the person's assignee.
"""

from __future__ import annotations

from datetime import datetime

from disputeflow.cases import outbox
from disputeflow.workflow.actor import Actor
from disputeflow.workflow.audience import audience, person_slots
from disputeflow.workflow.commands import dumps, jsonable, load_actor
from disputeflow.workflow.errors import NotPermitted

# Who hears of a registration or a release (an alarm's recipients are policy).
OFFICIALS = ("grid_officer", "lead_official")


def actor_of(tx, actor) -> Actor:
    """The acting user; the register acts for someone, always.

    Raises:
        NotPermitted: no actor, or not an active user.
    """
    if actor is None:
        raise NotPermitted("须指明操作人", "an actor is required")
    return load_actor(tx, actor)


def notify(tx, event: str, case_id: int | None, case_number: str | None, actor: str, recipients, grid_officer: str,
           lead_official: str, unit_path: str, payload: dict, now: datetime) -> None:
    """Queue ``event`` about a person to ``recipients`` (the person's officials by default)."""
    to = audience(recipients, unit_path, person_slots(grid_officer, lead_official))
    outbox.enqueue(tx, [outbox.row(tx.t(now), event, case_id, case_number, actor, dumps(to),
                                   dumps(jsonable(payload)))])
