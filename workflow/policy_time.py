"""Due-time arithmetic: a start plus a policy duration under a counting rule, on the business calendar.

Separate from the policy itself because the supervision deadline, extensions
and duty periods need the same arithmetic without a whole policy at hand.
The counting rules are described in :mod:`disputeflow.workflow.policy`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from disputeflow.workflow.policy_terms import COUNT_FROM, Duration
from disputeflow.workflow.timeutil import LOCAL_TZ, at_local, to_local, utc

if TYPE_CHECKING:
    from disputeflow.workflow.calendar import BusinessCalendar


def add_workdays_keep_time(at: datetime, n: int, calendar: "BusinessCalendar") -> datetime:
    """The same local time of day on the n-th workday after ``at``'s local day, as aware UTC."""
    local = to_local(at)
    return at_local(calendar.add_workdays(local.date(), n), local.timetz())


def add_duration(start: datetime, d: Duration, calendar: "BusinessCalendar",
                 count_from: str = "immediately") -> datetime:
    """``start`` + ``d`` under ``count_from``, as aware UTC (rules in the module docstring).

    Raises:
        ValueError: ``start`` is naive or ``count_from`` is unknown.
    """
    start = utc(start)
    if count_from not in COUNT_FROM:
        raise ValueError(f"count_from must be one of {', '.join(COUNT_FROM)}, got {count_from!r}")
    if d.unit == "calendar_hours":
        return start + timedelta(hours=d.amount)
    local_day = start.astimezone(LOCAL_TZ).date()
    if count_from == "next_day":
        first = local_day + timedelta(days=1)
        if d.unit == "calendar_days":
            return at_local(first + timedelta(days=d.amount))
        first_work = calendar.add_workdays(first, 0)
        if d.amount == 0:
            return at_local(first_work)
        return at_local(calendar.add_workdays(first_work, d.amount - 1) + timedelta(days=1))
    if d.unit == "calendar_days":
        return start + timedelta(days=d.amount)
    if not calendar.is_workday(local_day):
        return at_local(calendar.add_workdays(calendar.add_workdays(local_day, 0), d.amount))
    return add_workdays_keep_time(start, d.amount, calendar)

