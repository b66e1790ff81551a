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
