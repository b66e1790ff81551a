"""The shapes of the Engine's screening reads (矛盾纠纷排查): rounds, what is due, filing figures,
the board's section, the filed reports and the ladder steps.

Re-exported from :mod:`disputeflow.workflow.results` and from ``disputeflow``; plain
``dict`` values at run time. Times are ISO-8601 strings with their offset; days are
ISO dates. This module is pure: it imports no I/O library.
"""

from typing import Any, TypedDict

__all__ = ["RoundCase", "ScreeningRound", "ScreeningDue", "MissingDuty", "FilingTotal", "UnitFiling",
           "ScreeningFiling", "ScreeningOverdue", "FiledReport", "ScreeningEscalation"]


class RoundCase(TypedDict):
    """A case a screening round found (``ScreeningRound.cases``)."""

    number: str
    title: str
    state: str
    #: Whether the round opened the case (rather than finding one already open).
    opened: bool


class ScreeningRound(TypedDict):
    """One screening round on record (``Engine.screening_rounds()``), newest first."""

    id: int
    unit: str
    unit_name: str
    #: The day the round was held.
    held_on: str
    #: Who took part, as recorded.
    participants: list[str]
    #: What the round covered, and how many households.
    coverage: str | None
    households: int | None
    #: The round found nothing (a nil round).
    none_found: bool
    note: str | None
    recorded_at: str
    recorded_by: str
    cases: list[RoundCase]


class ScreeningDue(TypedDict):
    """What a unit owes for one period running now or just ended (``Engine.screening_due()``)."""

    unit: str
    name: str
    #: The period's cadence (``half_month`` …) and its name for people.
    cadence: str
    cadence_label: str
    period_start: str
    period_end: str
    round_held: bool
    round_due_at: str
    report_filed: bool
    report_due_at: str
    #: A round or a report is past due and not on record.
    overdue: bool


class MissingDuty(TypedDict):
    """A round or report due and not on record."""

    #: ``round`` or ``report``.
    duty: str
    cadence: str
    #: The period, for people.
    period: str
    due_at: str


class FilingTotal(TypedDict):
    """Rounds due, held, held on time; reports due, filed, filed on time; and the reports' on-time rate."""

    rounds_due: int
    rounds_held: int
    rounds_on_time: int
    reports_due: int
    reports_filed: int
    reports_on_time: int
    #: ``reports_on_time / reports_due`` (four decimals), None when nothing was due.
    on_time_rate: float | None


class UnitFiling(FilingTotal):
    """One unit's figures in ``ScreeningFiling.units``, with what it still owes."""

    unit: str
    name: str
    kind: str
    missing: list[MissingDuty]


class ScreeningFiling(TypedDict):
    """``Engine.screening_filing()``: per unit and in total, for periods ending ``first``..``last``."""

    first: str
    last: str
    units: list[UnitFiling]
    total: FilingTotal


class ScreeningOverdue(TypedDict):
    """A unit with a round or report past due (``Engine.screening_overdue()``)."""

    unit: str
    name: str
    kind: str
    missing: list[MissingDuty]


class FiledReport(TypedDict):
    """One screening report filed (``Engine.screening_reports()``), by period end."""

    id: int
    unit: str
    cadence: str
    period_start: str
    period_end: str
    due_at: str
    #: How many disputes were found; ``nil``: a nil report (零报告).
    found: int
    nil: bool
    #: How many rounds the report counts.
    rounds: int
    note: str | None
    filed_at: str
    filed_by: str
    on_time: bool


class ScreeningEscalation(TypedDict):
    """A ladder step raised for a missed screening duty (``Engine.screening_escalations()``), oldest first."""

    unit: str
    #: ``round`` or ``report``, the cadence, and the period's first day.
    duty: str
    cadence: str
    period_start: str
    #: The step reached and when.
    step: str
    step_at: str
