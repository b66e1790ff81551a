"""The shapes of the Engine's key-person reads (重点人员): the register, one person, the duties due,
the control rate and the person audit check.

Re-exported from :mod:`disputeflow.workflow.results` and from ``disputeflow``; plain
``dict`` values at run time. Times are ISO-8601 strings with their offset, or None.
This module is pure: it imports no I/O library.
"""

from typing import Any, NotRequired, TypedDict

__all__ = ["PersonSummary", "PersonsPage", "PersonDoc", "PlanDuty", "PersonContact", "PersonDuty", "MissedItem",
           "ContactDue", "ControlRate", "PersonAuditReport"]


class PersonSummary(TypedDict):
    """One key person as the register lists them (``Engine.persons()``); the name masked unless in the
    reader's charge."""

    id: int
    #: ``person`` or ``group``, and its name for people.
    kind: str
    kind_label: str
    name: str
    #: Whether the name (and, on the detail, the contacts) were withheld from this reader.
    masked: bool
    risk: str
    risk_label: str
    #: ``controlled`` or ``released``, and its name for people.
    status: str
    status_label: str
    unit: str
    unit_name: str | None
    #: The user ids of the grid officer and the lead official in charge.
    grid_officer: str | None
    lead_official: str | None
    controlled_since: str | None
    released_at: str | None
    #: The numbers of the cases the person is linked to.
    cases: list[str]
    #: The policy's person type, its name for people, and the units that stabilise and resolve.
    person_type: str | None
    person_type_label: str | None
    stabilise_unit: str | None
    resolve_unit: str | None
    #: The keeper at each level (``town``, ``village`` …): a user id or None.
    keepers: dict[str, str | None]


class PersonsPage(TypedDict):
    """One page of the register (``Engine.persons_page()``)."""

    items: list[PersonSummary]
    #: Whether another page follows.
    more: bool


class PlanDuty(TypedDict):
    """One duty of the person's control plan, for the risk."""

    duty: str
    label: str
    #: How often, for people, and as a count of units (``every`` ``unit``: 1 ``day`` …).
    recurrence: str
    every: int
    unit: str


class PersonContact(TypedDict):
    """One recorded contact with the person."""

    id: int
    at: str | None
    method: str
    state: str
    #: The contact found something alarming.
    alarming: bool
    note: str | None
    recorded_by: str


class PersonDuty(TypedDict):
    """One occurrence of a duty: its period, when due, and whether it was met."""

    duty: str
    label: str
    period_start: str | None
    due_at: str | None
    #: ``open``, ``met``, ``missed`` … as of now.
    status: str
    met_at: str | None


class MissedItem(TypedDict):
    """One missed-duty item of the person (open or closed), oldest first."""

    id: int
    opened_at: str
    first_due: str
    #: The days missed, ISO dates in order.
    days_missed: list[str]
    level: str
    listed: bool
    closed_at: str | None
    closed_reason: str | None


class PersonDoc(PersonSummary):
    """One key person (``Engine.person()``): the summary, and for a privileged reader the full record."""

    #: The full record's keys: present only when ``masked`` is false.
    id_number: NotRequired[str | None]
    phone: NotRequired[str | None]
    address: NotRequired[str | None]
    group_size: NotRequired[int | None]
    #: Why the person is under control, reason code to text.
    reasons: NotRequired[dict[str, Any]]
    release_reason: NotRequired[str | None]
    released_by: NotRequired[str | None]
    plan: NotRequired[list[PlanDuty]]
    contacts: NotRequired[list[PersonContact]]
    duties: NotRequired[list[PersonDuty]]
    missed_items: NotRequired[list[MissedItem]]


class ContactDue(TypedDict):
    """One duty the reader owes on the day (``Engine.contacts_due()``), earliest due first."""

    person_id: int
    #: In full: only persons in the reader's charge are listed.
    name: str
    risk: str
    risk_label: str
    unit: str
    duty: str
    duty_label: str
    period_start: str
    due_at: str
    status: str
    met_at: str | None


class ControlRate(TypedDict):
    """The key-person control rate (稳控率) of a unit over a period (``Engine.control_rate()``)."""

    unit: str
    start: str
    end: str
    #: Persons under control in the period, and those whose duties due in it were all met.
    under_control: int
    all_duties_met: int
    #: ``all_duties_met / under_control``; None with nobody under control.
    rate: float | None
    occurrences_due: int
    occurrences_missed: int
    #: The definition of the rate, in Chinese and in English.
    definition_zh: str
    definition_en: str


class ChainCheck(TypedDict):
    """What checking hash chains finds, whoever's chains they are (cases' or key persons')."""

    status: str
    #: The id of the key new events are signed with (None: signing is off).
    signing_key: str | None
    events: int
    signed: int
    unsigned: int
    legacy: int
    unverifiable: int
    unsigned_counters: int
    #: Up to 20 chains (case numbers, person ids) with unsigned events.
    unsigned_chains: list[str]
    problems: list[Any]


class PersonAuditReport(ChainCheck):
    """The result of ``Engine.verify_person_audit()``: the persons' chains, as ``AuditReport`` has the cases'."""

    persons: int
