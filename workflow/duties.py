"""Recurring key-person duties as periods in time (pure; no database).

A control plan (稳控方案) gives a key person duties such as a daily face-to-face
contact (日见面) or the grid officer's daily report (日报告 / 零报告). Each
duty recurs; each occurrence is a period ``[start, end)`` that must contain one
record meeting the duty, and ``end`` is the occurrence's due time. The periods
follow local days in Asia/Shanghai:

* ``calendar_days``: every day counts; a period of N days ends at 24:00 local
  of its N-th day.
* ``business_days``: only workdays of the official calendar (holidays and
  调休 make-up days included); nights, weekends and holidays between two
  workdays belong to no period.
* ``weeks``: Monday 00:00 to Monday 00:00.

The first period starts when control starts (or when the plan changes) and
runs to the end of the period it falls in, so a person put under control at
16:00 owes the day's contact by 24:00. Each later period starts where the
previous one ended (for business days: at 00:00 of the next workday).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Iterator

from disputeflow.workflow.policy import DUTY_CLOCK_PREFIX, Policy, Recurrence
from disputeflow.workflow.timeutil import at_local, local_date, to_local, utc

if TYPE_CHECKING:
    from disputeflow.workflow.calendar import BusinessCalendar


def next_period(rec: Recurrence, after: datetime, calendar: "BusinessCalendar") -> tuple[datetime, datetime]:
    """The period containing ``after``, or the first one starting after it (business days on a day off).

    The start is ``after`` itself when ``after`` falls inside the period
    (clipped), else the period's own 00:00. Both bounds are aware UTC.
    """
    after = utc(after)
    day = local_date(after)
    if rec.unit == "calendar_days":
        return after, at_local(day + timedelta(days=rec.every))
    if rec.unit == "weeks":
        monday = day - timedelta(days=day.weekday())
        return after, at_local(monday + timedelta(weeks=rec.every))
    first = calendar.add_workdays(day, 0)
    start = after if first == day else at_local(first)
    last = calendar.add_workdays(first, rec.every - 1)
    return start, at_local(last + timedelta(days=1))


def periods(rec: Recurrence, since: datetime, until: datetime,
            calendar: "BusinessCalendar") -> Iterator[tuple[datetime, datetime]]:
    """Every period that starts at or after ``since`` and no later than ``until``, in order."""
    at = utc(since)
    until = utc(until)
    while True:
        start, end = next_period(rec, at, calendar)
        if start > until:
            return
        yield start, end
        at = end


def period_on(rec: Recurrence, day: date, since: datetime,
              calendar: "BusinessCalendar") -> tuple[datetime, datetime] | None:
    """The period (counted from ``since``) that overlaps the local ``day``, or None (a day off, or before ``since``)."""
    day_start, day_end = at_local(day), at_local(day + timedelta(days=1))
    if day_end <= utc(since):
        return None
    for start, end in periods(rec, since, day_end, calendar):
        if end > day_start and start < day_end:
            return start, end
        if start >= day_end:
            break
    return None


def clock_name(person_id: int, duty: str, start: datetime) -> str:
    """The name of the clock that carries one occurrence: unique per running occurrence (≤ 40 characters)."""
    return f"{DUTY_CLOCK_PREFIX}{person_id}.{duty}.{to_local(start):%Y%m%d%H%M}"


def parse_clock_name(name: str) -> tuple[int, str] | None:
    """``kp.12.contact.202603030900`` → ``(12, "contact")``; None for an ordinary clock."""
    if not name.startswith(DUTY_CLOCK_PREFIX):
        return None
    parts = name[len(DUTY_CLOCK_PREFIX):].split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    return int(parts[0]), parts[1]


def describe_clock(name: str, lang: str = "zh_CN", policy: Policy | None = None) -> str:
    """A readable label for a duty clock on the board and the case page: ``重点人员 12 见面稳控（03-04 00:00 起）``.

    Duty labels come from ``policy`` — the engine's, so an operator's own duties
    read with their own names — or the shipped policy when none is given (the
    clock name keeps only the duty's code); a duty the policy does not know is
    shown as its code.
    """
    parsed = parse_clock_name(name)
    if parsed is None:
        return name
    pid, duty = parsed
    rule = (policy or Policy.default()).key_persons.duties.get(duty)
    label = rule.label(lang) if rule else duty
    stamp = name.rsplit(".", 1)[1]
    when = f"{stamp[4:6]}-{stamp[6:8]} {stamp[8:10]}:{stamp[10:12]}"
    if lang.startswith("en"):
        return f"key person {pid}: {label} (from {when})"
    return f"重点人员 {pid} {label}（{when} 起）"
