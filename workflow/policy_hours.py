"""Working hours and quiet hours: when a ladder step may reach a person.

A warning at 80% of a business-day clock's wall-clock span lands at night or
on a holiday as often as not (a Friday 15:00 clock of 3 business days has its
80% point on Tuesday 01:00 and then some). For business-day clocks the
fraction is therefore counted in working time — the hours between
``[working_hours] from`` and ``to`` on the workdays of the official calendar —
and every step of such a clock is moved into working hours. Quiet hours (免打扰,
per risk) hold any step that falls inside them until they end; a risk may have
none, so that a critical case still alerts at night.

Pure functions over local days and times of day; no I/O.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

from disputeflow.workflow.timeutil import at_local, to_local, utc

if TYPE_CHECKING:
    from disputeflow.workflow.calendar import BusinessCalendar

_ONE_DAY = timedelta(days=1)


def _secs(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _time(seconds: float) -> time:
    s = int(round(seconds))
    return time(s // 3600, s % 3600 // 60, s % 60)


@dataclass(frozen=True)
class Window:
    """A daily span of local time, ``start`` to ``end``; it wraps past midnight when ``end <= start``."""

    start: time
    end: time

    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def holds(self, tod: time) -> bool:
        """Whether the time of day ``tod`` lies inside (the end itself is outside: the window is over)."""
        if self.start < self.end:
            return self.start <= tod < self.end
        return tod >= self.start or tod < self.end

    def after(self, day: date, tod: time) -> tuple[date, time]:
        """``(day, tod)`` if outside the window, else the moment the window ends."""
        if not self.holds(tod):
            return day, tod
        if self.start >= self.end and tod >= self.start:
            return day + timedelta(days=1), self.end
        return day, self.end


@dataclass(frozen=True)
class WorkingHours:
    """``[working_hours]``: the hours of a workday that count as business time (本地作息, 08:30–17:30 by default)."""

    start: time = time(8, 30)
    end: time = time(17, 30)
    source: str | None = field(default=None, compare=False)

    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @functools.cached_property
    def length(self) -> int:
        """Working seconds in a workday."""
        return _secs(self.end) - _secs(self.start)

    @functools.cached_property
    def _start_s(self) -> int:
        return _secs(self.start)

    def settle(self, day: date, tod: time, calendar: "BusinessCalendar") -> tuple[date, time]:
        """``(day, tod)`` if within working hours of a workday, else the next start of working hours."""
        if calendar.is_workday(day):
            if tod < self.start:
                return day, self.start
            if tod <= self.end:
                return day, tod
        return calendar.add_workdays(day, 1) if calendar.is_workday(day) else calendar.add_workdays(day, 0), self.start

    def _done(self, workday: bool, tod: time) -> int:
        """Working seconds of a day before ``tod`` (0 on a day off)."""
        if not workday:
            return 0
        return min(max(tod.hour * 3600 + tod.minute * 60 + tod.second - self._start_s, 0), self.length)

    def fraction_point(self, start: datetime, due: datetime, share: float,
                       calendar: "BusinessCalendar") -> datetime | None:
        """The moment ``share`` of the working time between ``start`` and ``due`` has run (aware UTC).

        None when the span holds no working time (the caller falls back to elapsed time).
        Two date conversions, one count and one step of the calendar: the sweep asks this per clock.
        """
        a, b = to_local(start), to_local(due)
        day_a, day_b, length = a.date(), b.date(), self.length
        if length <= 0:
            return None
        work_a = calendar.is_workday(day_a)
        full_days = calendar.workdays_between(day_a - _ONE_DAY, day_b - _ONE_DAY)
        done_a = self._done(work_a, a.time())
        total = full_days * length - done_a + self._done(calendar.is_workday(day_b), b.time())
        if total <= 0:
            return None
        target = round(done_a + share * total)  # working seconds counted from 00:00 of start's day
        k, rest = divmod(target, length)
        if rest == 0 and k > 0:  # exactly a day's end: the end of that workday, not the next morning
            return at_local(calendar.add_workdays(day_a, k - 1 + (not work_a)), self.end)
        return at_local(calendar.add_workdays(day_a, k + (not work_a)), _time(self._start_s + rest))


@dataclass(frozen=True)
class QuietHours:
    """``[quiet_hours]``: daily windows in which no step fires, by risk; a step due inside fires when it ends.

    ``default`` applies to risks without an entry; an entry of None (``critical = false``)
    means that risk alerts at any hour.
    """

    default: Window | None = None
    by_risk: Mapping[str, Window | None] = field(default_factory=lambda: MappingProxyType({}))
    source: str | None = field(default=None, compare=False)

    def for_risk(self, risk: str | None) -> Window | None:
        if risk is not None and risk in self.by_risk:
            return self.by_risk[risk]
        return self.default


def settle(at: datetime, working: WorkingHours | None, quiet: Window | None,
           calendar: "BusinessCalendar") -> datetime:
    """``at`` moved into working hours (when given) and out of the quiet window (when given), as aware UTC.

    Both moves only ever go later and keep the order of the steps they move.
    """
    local = to_local(at)
    day, tod = local.date(), local.time()
    moved = (day, tod)
    if working is not None:
        moved = working.settle(*moved, calendar)
    if quiet is not None:
        moved = quiet.after(*moved)
    return utc(at) if moved == (day, tod) else at_local(*moved)
