"""The shapes of the Engine's work-order reads: an office's desk (站所工作台) and the board's overdue
work orders by receiving office.

Re-exported from :mod:`disputeflow.workflow.results` and from ``disputeflow``; plain
``dict`` values at run time. Times are ISO-8601 strings with their offset, or None.
This module is pure: it imports no I/O library.
"""

from typing import TypedDict

__all__ = ["OrderClock", "DeskItem", "OfficeDesk", "OverdueOrder", "OfficeOverdue"]


class OrderClock(TypedDict):
    """A running clock of a work order on the desk (``DeskItem.deadlines``)."""

    clock: str
    label: str
    due_at: str | None
    #: The ladder step reached now (``level1`` …), or None.
    level: str | None
    #: Past its due time.
    overdue: bool


class DeskItem(TypedDict):
    """One work order on an office's desk."""

    number: str
    state: str
    state_label: str
    #: The case that sent it, and its title masked for the reader's role.
    parent: str | None
    parent_title: str | None
    category: str | None
    category_label: str | None
    #: The unit the work order belongs to (the sending case's).
    unit_name: str | None
    #: What the office is asked to do, and what it reported back (None until then).
    request: str | None
    result: str | None
    #: How many times the office sent it back.
    returns: int
    dispatched_at: str | None
    closed_at: str | None
    deadlines: list[OrderClock]
    #: Any of its running clocks is past due.
    overdue: bool


class OfficeDesk(TypedDict):
    """``Engine.office_desk()``: the work orders sent to the reader's office, one page."""

    office: str
    office_name: str
    #: Open work orders per state (``pending``, ``handling``, ``reported_back`` first).
    counts: dict[str, int]
    items: list[DeskItem]
    #: Whether another page follows.
    more: bool


class OverdueOrder(TypedDict):
    """One late clock of a work order on the board (``OfficeOverdue.items``), by due time."""

    number: str
    parent: str | None
    state: str
    state_label: str
    clock: str
    clock_label: str
    due_at: str | None
    level: str | None
    overdue: bool
    #: How late, in hours (one decimal) and in business days.
    hours_overdue: float
    overdue_business_days: int


class OfficeOverdue(TypedDict):
    """An office's late work orders (``Engine.overdue_work_orders()``), offices in unit order."""

    #: The office's unit id; None for bodies outside the town (courts, arbitration).
    office: str | None
    office_name: str
    items: list[OverdueOrder]
