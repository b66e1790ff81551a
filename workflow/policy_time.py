"""Due-time arithmetic: a start plus a policy duration under a counting rule, on the business calendar.

Separate from the policy itself because the supervision deadline, extensions
and duty periods need the same arithmetic without a whole policy at hand.

``next_day`` is the law's way of counting (民法典 第二百条至第二百零四条):

* art. 201: a period in days, months or years does not count the day it
  starts; it runs from the next day. A period in hours runs at once.
* art. 202: a period in months or years ends on the corresponding day of the
  last month; without one (a month from 31 January), on that month's last day.
* art. 203: when the last day is a 法定休假日, the period ends on the day after
  the holiday ends; the last day ends at 24:00. A day off of the official
  calendar counts as a 法定休假日 here, weekends included and make-up workdays
  (调休上班) excluded, as the Supreme People's Court counts periods
  (最高人民法院 2014-12-12 on 民事诉讼法 第八十二条: "如星期六、星期日、五一、十一、元旦、春节等").

``immediately`` is elapsed time (business days keep the time of day); it is
how the clocks of older policy files ran and keeps running them unchanged.
The counting rules of each unit are described in :mod:`disputeflow.workflow.policy`.
"""

from __future__ import annotations

import calendar as _gregorian
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from disputeflow.workflow.policy_terms import COUNT_FROM, Duration
from disputeflow.workflow.timeutil import LOCAL_TZ, at_local, to_local, utc

if TYPE_CHECKING:
    from disputeflow.workflow.calendar import BusinessCalendar


def add_workdays_keep_time(at: datetime, n: int, calendar: "BusinessCalendar") -> datetime:
    """The same local time of day on the n-th workday after ``at``'s local day, as aware UTC."""
    local = to_local(at)
    return at_local(calendar.add_workdays(local.date(), n), local.timetz())


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` on: the corresponding day, or the month's last day when it has none (art. 202)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _gregorian.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def last_day(start_day: date, d: Duration, calendar: "BusinessCalendar") -> date:
    """The last day of a period of ``d`` (days, months or years) that starts on ``start_day`` (arts. 201–203).

    ``start_day`` is the day of the event; the period runs from the next day.
    A last day off work moves to the first workday after it.
    """
    if d.unit == "calendar_days":
        last = start_day + timedelta(days=d.amount)
    else:
        last = add_months(start_day, d.amount * (12 if d.unit == "years" else 1))
    if d.amount and not calendar.is_workday(last):
        last = calendar.add_workdays(last, 0)
    return last


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
    local = start.astimezone(LOCAL_TZ)
    local_day = local.date()
    if count_from == "next_day":
        if d.unit != "business_days":
            return at_local(last_day(local_day, d, calendar) + timedelta(days=1))  # 24:00 of the last day
        first_work = calendar.add_workdays(local_day + timedelta(days=1), 0)
        if d.amount == 0:
            return at_local(first_work)
        return at_local(calendar.add_workdays(first_work, d.amount - 1) + timedelta(days=1))
    if d.unit == "calendar_days":
        return start + timedelta(days=d.amount)
    if d.unit in ("months", "years"):
        moved = add_months(local_day, d.amount * (12 if d.unit == "years" else 1))
        return at_local(moved, local.timetz())
    if not calendar.is_workday(local_day):
        return at_local(calendar.add_workdays(calendar.add_workdays(local_day, 0), d.amount))
    return add_workdays_keep_time(start, d.amount, calendar)
