"""The values a decision deals in: what :func:`~disputeflow.workflow.decision.decide` asks its caller
(:class:`Lookups`), what it returns (:class:`Decision`) and what a command tells its caller and the
``engine.on`` listeners (:class:`Outcome`). Plain data, no behaviour beyond reading itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, NamedTuple, Protocol

from disputeflow.cases.records import AuditEvent, CaseRecord, Notification, RunningClock


@dataclass(frozen=True, init=False)
class Outcome:
    """What a command did, for the caller and ``engine.on`` listeners: ``event`` (the action), the case ``number``,
    ``actor`` (user id), ``at`` (commit time), ``from_state`` (None for a report), ``to_state``, the case's
    ``version`` after (the next ``expected_version``), the audit ``seq``, ``data`` (the fields as recorded)."""

    event: str
    number: str
    actor: str
    at: datetime
    from_state: str | None
    to_state: str
    version: int
    seq: int
    data: dict[str, Any]

    def __init__(self, event: str, number: str, actor: str, at: datetime, from_state: str | None, to_state: str,
                 version: int, seq: int, data: dict[str, Any]) -> None:
        # Not the generated frozen __init__: see "Fast paths" in bench/README.md.
        self.__dict__.update(event=event, number=number, actor=actor, at=at, from_state=from_state,
                             to_state=to_state, version=version, seq=seq, data=data)


class Lookups(Protocol):
    """What :func:`decide` asks its caller: the records a field names, and the case's running clocks."""

    def user(self, user_id: str) -> tuple | None:
        """(role, unit_path) of an active user, (role, unit_path, False) of one switched off, or None."""

    def unit(self, unit_id: str) -> tuple | None:
        """(kind, path) of an active unit, (kind, path, False) of one switched off, or None."""

    def running_clocks(self, case_id: int) -> Mapping[str, RunningClock]:
        """The case's running clocks by name (asked at most once, only when the action touches clocks)."""

    def open_children(self, case_id: int) -> tuple[tuple[str, str, str], ...]:
        """The case's open child cases as (number, workflow, state) (asked only by guards that need them)."""


class Decision(NamedTuple):
    """Everything one action writes.

    ``base`` is the case the action was decided on and ``case`` the case as
    the action leaves it (the writer stores the columns that differ, and links
    ``audit`` to the case's chain: ``case.audit_hash`` is still the one read);
    ``writes`` are the clock and party rows in the order they must run (a
    re-listing stops a clock before starting it again); ``running`` the case's
    running clocks afterwards (None when the action did not read them).
    """

    outcome: Outcome
    base: CaseRecord
    case: CaseRecord
    audit: AuditEvent
    notification: Notification | None
    writes: tuple
    running: dict[str, RunningClock] | None

    @property
    def changed(self) -> dict[str, Any]:
        """The case's columns the action changed, with their new values."""
        return {name: new for name, old, new in zip(CaseRecord._fields, self.base, self.case)
                if old != new and name not in ("version", "audit_seq", "audit_hash")}
