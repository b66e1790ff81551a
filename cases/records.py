"""The engine's records as typed values: a case as a command reads it, an audit event, an outbox row.

Named tuples: a field is read by name (``case.state``), a row from the driver
becomes one without copying column by column (``CaseRecord._make(row)``), and
the statements in :mod:`disputeflow.cases.store` take them as their parameters
in column order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple


class CaseRecord(NamedTuple):
    """A case as a command reads it (``disputeflow.cases.store.CASE_COLUMNS``, in that order).

    ``flags`` and ``data`` are the stored JSON texts; times are as the driver
    returns them (``closed_at`` is only compared, never computed with).
    """

    id: int
    number: str
    definition: str
    definition_version: int
    state: str
    version: int
    category: str
    unit_path: str
    risk: str
    risk_floor: str
    flags: str
    party_count: int
    mediator: str | None
    lead_official: str | None
    responsible_unit: str | None
    supervision_level: str | None
    data: str
    closed_at: Any
    audit_seq: int
    audit_hash: str


class AuditRow(NamedTuple):
    """One event of a case's chain, in the column order of ``audit_events``."""

    case_id: int
    seq: int
    at: Any  # the driver's form of the time
    actor: str
    action: str
    from_state: str | None
    to_state: str
    data: str
    prev_hash: str
    hash: str
    fields: str
    key_id: str | None


class OutboxRow(NamedTuple):
    """One notification to deliver after commit, in the column order of ``insert_outbox``."""

    created_at: Any
    event: str
    case_id: int | None
    case_number: str | None
    actor: str
    audience: str  # JSON list of audience tokens
    payload: str  # JSON document
    next_attempt_at: Any


class RunningClock(NamedTuple):
    """A running clock of a case (``RUNNING_CLOCK_COLUMNS``), its times as Python datetimes.

    ``id`` is None for a clock a decision started that is not written yet.
    """

    id: int | None
    name: str
    started_at: datetime
    due_at: datetime
    warn_at: datetime | None
    extended: int
    level: str | None
    next_step: str | None
    next_at: datetime | None
    calendar_rev: str | None


class NewClock(NamedTuple):
    """A clock to start (the ``insert_clock`` row, times as datetimes)."""

    name: str
    started_at: datetime
    due_at: datetime
    warn_at: datetime | None
    next_step: str | None
    next_at: datetime | None
    calendar_rev: str | None


class ClockStop(NamedTuple):
    """A running clock to stop at the command's time."""

    name: str


class ClockExtension(NamedTuple):
    """A running clock's new due time and the ladder recomputed from it."""

    name: str
    due_at: datetime
    warn_at: datetime | None
    extended: int
    next_step: str | None
    next_at: datetime | None
    calendar_rev: str | None


class NewParty(NamedTuple):
    """A party added to a case."""

    seq: int
    name: str
    role: str
    phone: str | None
    id_number: str | None
    address: str | None
    particulars: str | None = None  # JSON (see disputeflow.workflow.party_particulars)


class AuditEvent(NamedTuple):
    """What an action records in the case's chain, before it is linked (the writer seals it).

    ``data`` and ``fields`` are canonical JSON texts; ``seq`` is the event's place in the chain.
    """

    seq: int
    at: datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str
    data: str
    fields: str


class Notification(NamedTuple):
    """A notification to enqueue with the command: the event, who hears of it, and its payload (JSON)."""

    event: str
    audience: tuple[str, ...]
    payload: str
