"""The shapes of what the Engine returns, as :class:`typing.TypedDict` types.

Every read of :class:`disputeflow.Engine` returns plain ``dict`` and ``list``
values (JSON-ready: the web API and the CLI serialise them as they are); these
types tell a type checker, and a reader, which keys each one has. The case reads
(``case``, ``history``, ``actions``, ``list_cases``) are in
:mod:`disputeflow.workflow.results_cases` and re-exported here; the search, the
town board, the missed-duty group and the API tokens are in
:mod:`disputeflow.workflow.results_more`, the key persons' reads in
:mod:`disputeflow.workflow.results_persons` and the screening reads in
:mod:`disputeflow.workflow.results_screening` and the work-order desk in
:mod:`disputeflow.workflow.results_offices`, all re-exported here; the board, the
sweep, notices, the directory and the audit check are below. Times are ISO-8601
strings with their offset unless a key says otherwise; labels are in the
reader's language.

All of them are exported from ``disputeflow`` (``from disputeflow import CaseDoc``).
This module is pure: it imports no I/O library.
"""

from datetime import datetime
from typing import Any, NotRequired, TypedDict

from disputeflow.workflow.results_cases import (ActionDoc as ActionDoc, ActionField as ActionField,
                                                CaseDoc as CaseDoc, CaseSummary as CaseSummary,
                                                Deadline as Deadline, FiveOnes as FiveOnes,
                                                HistoryEntry as HistoryEntry, Party as Party,
                                                SupervisionInfo as SupervisionInfo, WorkOrder as WorkOrder)
from disputeflow.workflow.results_offices import (DeskItem as DeskItem, OfficeDesk as OfficeDesk,
                                                  OfficeOverdue as OfficeOverdue, OrderClock as OrderClock,
                                                  OverdueOrder as OverdueOrder)
from disputeflow.workflow.results_persons import (PersonSummary as PersonSummary, PersonsPage as PersonsPage,
                                                  PersonDoc as PersonDoc, PlanDuty as PlanDuty,
                                                  PersonContact as PersonContact, PersonDuty as PersonDuty,
                                                  MissedItem as MissedItem, ContactDue as ContactDue,
                                                  ControlRate as ControlRate, PersonAuditReport as PersonAuditReport,
                                                  ChainCheck)
from disputeflow.workflow.results_screening import (RoundCase as RoundCase, ScreeningRound as ScreeningRound,
                                                    ScreeningDue as ScreeningDue, MissingDuty as MissingDuty,
                                                    FilingTotal as FilingTotal, UnitFiling as UnitFiling,
                                                    ScreeningFiling as ScreeningFiling,
                                                    ScreeningOverdue as ScreeningOverdue, FiledReport as FiledReport,
                                                    ScreeningEscalation as ScreeningEscalation)
from disputeflow.workflow.results_more import (CountyListedCase as CountyListedCase, LapseGroup as LapseGroup,
                                               LapseItem as LapseItem, NewToken as NewToken,
                                               SearchHit as SearchHit, SearchPage as SearchPage,
                                               SearchParty as SearchParty, TokenDoc as TokenDoc,
                                               TownBoard as TownBoard, TownRow as TownRow, RepeatCase as RepeatCase,
                                               RepeatParty as RepeatParty, RepeatParties as RepeatParties,
                                               UnitTalk as UnitTalk, AttachmentDoc as AttachmentDoc,
                                               NewAttachment as NewAttachment)

__all__ = ["ActionDoc", "ActionField", "CaseDoc", "CaseSummary", "Deadline", "FiveOnes", "HistoryEntry", "Party",
           "SupervisionInfo", "WorkOrder", "OverdueItem", "OverduePage", "WorkClock", "WorkItem", "WorkPage",
           "SweepEvent", "DispatchReport",
           "InboxMessage", "UnitDoc", "UserDoc", "NewUnit", "NewUser", "AuditReport", "Health",
           "SearchParty", "SearchHit", "SearchPage", "LapseItem", "LapseGroup", "TownRow", "CountyListedCase",
           "TownBoard", "TokenDoc", "NewToken", "RepeatCase", "RepeatParty", "RepeatParties", "UnitTalk",
           "AttachmentDoc", "NewAttachment",
           "PersonSummary", "PersonsPage", "PersonDoc", "PlanDuty", "PersonContact", "PersonDuty", "MissedItem",
           "ContactDue", "ControlRate", "PersonAuditReport",
           "RoundCase", "ScreeningRound", "ScreeningDue", "MissingDuty", "FilingTotal", "UnitFiling",
           "ScreeningFiling", "ScreeningOverdue", "FiledReport", "ScreeningEscalation",
           "OrderClock", "DeskItem", "OfficeDesk", "OverdueOrder", "OfficeOverdue"]


# ---------------------------------------------------------------------------- the board and the sweep

class OverdueItem(TypedDict):
    """One running clock past its due time on the supervisor's board (``Engine.overdue()``), worst first."""

    number: str
    #: The case's title, masked for the reader's role.
    title: str
    state: str
    state_label: str
    risk: str
    risk_label: str
    unit: str
    unit_name: str
    #: The late clock, its name for people, and when it was due.
    clock: str
    clock_label: str
    due_at: str
    #: How late: in business days (never negative) and in hours (one decimal).
    overdue_business_days: int
    overdue_hours: float
    #: The ladder step reached at the board's ``as_of`` (``level1`` …), or None.
    level: str | None
    lead_official: str | None
    lead_official_name: str | None
    mediator: str | None
    mediator_name: str | None
    #: The supervision level (None unless supervised).
    supervision: str | None


class OverduePage(TypedDict):
    """One page of the board (``Engine.overdue_page()``)."""

    items: list[OverdueItem]
    #: How many late clocks and how many cases match the filter (None when ``count=False``).
    total: int | None
    cases: int | None


class WorkClock(TypedDict):
    """A running clock of a case on a work list (``WorkItem.clocks`` and ``next_clock``)."""

    clock: str
    label: str
    due_at: str | None
    #: Business days past due (0 while within time).
    overdue_business_days: int


class WorkItem(TypedDict):
    """One open case on a work list (``Engine.my_work()``, ``Engine.supervised_cases()``)."""

    number: str
    #: The case's title, masked for the reader's role.
    title: str
    state: str
    state_label: str
    risk: str
    risk_label: str
    unit: str
    unit_name: str
    #: The supervision level (None unless supervised), its name, who supervises and by when.
    supervision: str | None
    supervision_label: str | None
    authority: str | None
    deadline: str | None
    version: int
    mediator: str | None
    #: The worst ladder step its running clocks have reached now (None: all within time).
    level: str | None
    #: The running clock due first (None: no running clock), and all of them.
    next_clock: WorkClock | None
    clocks: list[WorkClock]


class WorkPage(TypedDict):
    """One page of a work list, nearest deadline first."""

    items: list[WorkItem]
    #: Whether another page follows; the page's ``offset`` and ``limit``.
    more: bool
    offset: int
    limit: int


class SweepEvent(TypedDict):
    """One step the escalation sweep raised (``Engine.sweep()``).

    A clock's step: ``number``, ``clock``, ``step`` (``warn``, ``level1`` …), ``step_at`` (when
    the step was due), ``due_at`` (the clock's due time), ``listed`` (whether the case was put
    on the county's list by it). A key person's missed duty adds ``person_id`` and
    ``days_missed``; a unit listed for a formal talk (``step == "unit_talk"``, empty
    ``number`` and ``clock``) adds ``unit``, ``month``, ``level3_count`` and ``cases``.
    """

    number: str
    clock: str
    step: str
    step_at: str
    due_at: str | None
    listed: bool
    person_id: NotRequired[int]
    days_missed: NotRequired[list[str]]
    unit: NotRequired[str]
    month: NotRequired[str]
    level3_count: NotRequired[int]
    cases: NotRequired[list[str]]


# ---------------------------------------------------------------------------- notices

class DispatchReport(TypedDict):
    """What one dispatch pass did (``Engine.dispatch()``): counts of deliveries."""

    #: Outbox rows turned into deliveries (one per recipient and channel).
    routed: int
    #: Deliveries taken for sending in this pass.
    claimed: int
    #: Sent; failed and to be retried later; failed for the last time (``dead``).
    sent: int
    failed: int
    dead: int
    #: Given back unsent (the pass ran out of time, or the process is stopping).
    released: int


class InboxMessage(TypedDict):
    """One message of a person's in-app inbox (``Engine.inbox()``), newest first."""

    id: int
    #: The event that caused it (``assign``, ``escalate.level1`` …) and its case (None for unit notices).
    event: str
    case_number: str | None
    #: The rendered subject and body, in the reader's language, with parties masked.
    title: str
    body: str
    #: When it was written, and when the reader marked it read (None: unread).
    created_at: datetime
    read_at: datetime | None


# ---------------------------------------------------------------------------- the directory

class UnitDoc(TypedDict):
    """A unit of the jurisdiction (``Engine.units()``)."""

    id: str
    name: str
    #: ``county``, ``town``, ``village``, ``grid`` or ``office``.
    kind: str
    parent: str | None
    #: The ids from the top unit down, ``/t1/v1/`` (jurisdiction is a prefix of it).
    path: str
    #: The case categories an office handles (work-order routing); empty for other units.
    handles: list[str]
    #: False once switched off (``deactivate_unit``): no new cases, users or child units there.
    active: bool


class NewUnit(UnitDoc):
    """The unit ``Engine.add_unit()`` created: a :class:`UnitDoc` with its papers' ``short_name``."""

    short_name: str | None


class UserDoc(TypedDict):
    """A user of the directory (``Engine.users()``), by id."""

    id: str
    name: str
    #: ``grid_officer``, ``mediator``, ``lead_official``, ``supervisor``, ``admin`` or a definition's own role.
    role: str
    unit: str
    unit_name: str
    phone: str | None
    email: str | None
    #: False once switched off (``deactivate_user``): cannot sign in, act, be assigned or be notified.
    active: bool


class NewUser(TypedDict):
    """The user ``Engine.add_user()`` created."""

    id: str
    name: str
    role: str
    unit: str
    #: The unit's path: the user's jurisdiction.
    unit_path: str


# ---------------------------------------------------------------------------- records and health

class AuditReport(ChainCheck):
    """The result of ``Engine.verify_audit()``.

    ``status`` is ``ok``; ``tampered`` (see ``problems``); ``no_key`` (signed events, no key to
    check them); ``incomplete`` (unsigned or legacy events under a configured key); or
    ``unsigned`` (no key anywhere). ``problems`` lists each finding, an object with ``number``,
    ``seq``, ``zh``, ``en`` and ``field`` attributes.
    """

    cases: int


class Health(TypedDict):
    """``Engine.health()``: whether the database answers, and the outbox backlog by status."""

    database: bool
    outbox: dict[str, int]
    #: The exception's class name when the database did not answer.
    error: NotRequired[str]
