"""The key-person operations of :class:`disputeflow.Engine` (重点人员稳控).

A part of the facade of its own because the register is a separate record with
its own chain, access log and duties; it shares only the runtime with cases.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from disputeflow.workflow.actor import Actor
from disputeflow.workflow.results import (ContactDue, ControlRate, PersonAuditReport, PersonDoc, PersonsPage,
                                          PersonSummary)

if TYPE_CHECKING:
    from disputeflow.workflow.runtime import Runtime


class KeyPersons:
    """Register, link, contact, release and read key persons under control."""

    _rt: "Runtime"

    def add_person(self, actor: str | Actor, **fields: Any) -> dict:
        """Register a key person or group under control (see :func:`disputeflow.workflow.persons.register` for the fields)."""
        from disputeflow.workflow import persons

        return persons.register(self._rt, actor, **fields)

    def link_person(self, person_id: int, number: str, actor: str | Actor) -> dict:
        """Link another case to a key person; raises that case's risk floor."""
        from disputeflow.workflow import persons

        return persons.link(self._rt, actor, person_id, number)

    def record_contact(self, person_id: int, actor: str | Actor, **fields: Any) -> dict:
        """Record a contact or report (``method``, ``at``, ``state``, ``alarming``, ``note``); meets due duties."""
        from disputeflow.workflow import persons

        return persons.record_contact(self._rt, actor, person_id, **fields)

    def release_person(self, person_id: int, actor: str | Actor, *, reason: str) -> dict:
        """Release a key person from control: a supervisor's decision, once every linked case is resolved."""
        from disputeflow.workflow import persons

        return persons.release(self._rt, actor, person_id, reason=reason)

    def persons(self, actor: str | Actor, *, status: str | None = None, unit: str | None = None, limit: int = 200,
                offset: int = 0, lang: str | None = None) -> list[PersonSummary]:
        """The key-person register as ``actor`` may see it (names masked unless in their charge); each read audited."""
        from disputeflow.workflow import person_queries

        return cast(list[PersonSummary], person_queries.persons(self._rt, actor, status=status, unit=unit, limit=limit,
                                                               offset=offset, lang=lang))

    def persons_page(self, actor: str | Actor, *, status: str | None = None, unit: str | None = None,
                     limit: int = 50, offset: int = 0, lang: str | None = None) -> PersonsPage:
        """One page of the register, ``{"items", "more"}``; only the persons returned are logged as read."""
        from disputeflow.workflow import person_queries

        return cast(PersonsPage, person_queries.persons_page(self._rt, actor, status=status, unit=unit, limit=limit,
                                                             offset=offset, lang=lang))

    def person(self, person_id: int, actor: str | Actor, lang: str | None = None) -> PersonDoc:
        """One key person: details for the grid officer, lead official and supervisors of the jurisdiction; audited."""
        from disputeflow.workflow import person_queries

        return cast(PersonDoc, person_queries.person(self._rt, person_id, actor, lang=lang))

    def contacts_due(self, actor: str | Actor, day: date | None = None, lang: str | None = None) -> list[ContactDue]:
        """Duties ``actor`` owes on the local ``day`` (a ``date``; default today) for the key persons in their charge."""
        from disputeflow.workflow import person_queries

        return cast(list[ContactDue], person_queries.contacts_due(self._rt, actor, day, lang=lang))

    def control_rate(self, unit: str, start: datetime, end: datetime, actor: str | Actor | None = None) -> ControlRate:
        """The key-person control rate (稳控率) for ``unit`` over ``[start, end)``; the definition is in
        :func:`disputeflow.workflow.person_queries.control_rate`. With ``actor``, only inside their jurisdiction."""
        from disputeflow.workflow import person_queries

        return cast(ControlRate, person_queries.control_rate(self._rt, unit, start, end, actor))

    def verify_person_audit(self) -> PersonAuditReport:
        """Walk every key person's audit chain (changes and reads), with the cases' verifier."""
        from disputeflow.cases.audit_verify import verify_persons

        with self._rt.store.read() as tx:
            return cast(PersonAuditReport, verify_persons(tx, self._rt.store.signer))
