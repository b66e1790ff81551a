"""Reporting periods: local (Asia/Shanghai) months and date ranges, as UTC bounds.

A period is half-open ``[start, end)``. Months are Beijing months, as they are
reported upward; a UTC month would move eight hours of the 1st into the month before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from disputeflow.workflow.errors import ValidationError
from disputeflow.workflow.timeutil import TimeFormatError, at_local, check_day, check_year, local_date, parse_date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """A reporting period: the first local day and the day after the last one."""

    first: date
    after: date

    @property
    def start(self) -> datetime:
        return at_local(self.first)

    @property
    def end(self) -> datetime:
        return at_local(self.after)

    @property
    def last(self) -> date:
        return self.after - timedelta(days=1)

    def label(self, lang: str = "zh_CN") -> str:
        if self.is_month:
            return f"{self.first:%Y-%m}" if lang.startswith("en") else f"{self.first.year}年{self.first.month}月"
        if self.first.month == 1 and self.first.day == 1 and self.after == self.first.replace(year=self.first.year + 1):
            return str(self.first.year) if lang.startswith("en") else f"{self.first.year}年"
        if lang.startswith("en"):
            return f"{self.first.isoformat()} – {self.last.isoformat()}"
        return f"{self.first.year}年{self.first.month}月{self.first.day}日至{self.last.year}年{self.last.month}月{self.last.day}日"

    @property
    def is_month(self) -> bool:
        return self.first.day == 1 and next_month(self.first) == self.after

    @property
    def key(self) -> str:
        return f"{self.first.isoformat()}..{self.after.isoformat()}"

    def months(self) -> list["Period"]:
        """The calendar months the period touches, each cut to the period."""
        out, cur = [], self.first
        while cur < self.after:
            nxt = min(next_month(cur.replace(day=1)), self.after)
            out.append(Period(cur, nxt))
            cur = nxt
        return out

    def closed(self, now: datetime) -> bool:
        """Whether the period has ended at ``now`` (its report may then be frozen)."""
        return self.end <= now


def next_month(d: date) -> date:
    return (d.replace(day=1) + timedelta(days=32)).replace(day=1)


def month(text: str, field: str = "month") -> Period:
    """``2026-03`` → March 2026.

    Raises:
        ValidationError: not ``YYYY-MM`` or not a real month.
    """
    m = _MONTH.match(str(text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValidationError.one(field, f"月份“{text}”无效，应写作 2026-03", f"invalid month {text!r}; write e.g. 2026-03")
    first = date(_year(m.group(1), field, text), int(m.group(2)), 1)
    return Period(first, next_month(first))


def _year(value, field: str, text=None) -> int:
    """A year within the range of :mod:`disputeflow.workflow.timeutil` (year 1 or 9999 would overflow the period's arithmetic)."""
    try:
        return check_year(value, None if text is None else str(text))
    except TimeFormatError as exc:
        raise ValidationError.one(field, exc.zh, exc.en) from None


def year(value: int | str, field: str = "year") -> Period:
    y = _year(value, field)
    return Period(date(y, 1, 1), date(y + 1, 1, 1))


def span(first: str | date, last: str | date) -> Period:
    """An inclusive range of local days (``--from 2026-01-01 --to 2026-03-31``).

    Raises:
        ValidationError: a bad date, or ``last`` before ``first``.
    """
    def parse(v, name):
        try:
            return check_day(v) if isinstance(v, date) else parse_date(str(v))
        except TimeFormatError as exc:
            raise ValidationError.one(name, exc.zh, exc.en) from None

    a, b = parse(first, "from"), parse(last, "to")
    if b < a:
        raise ValidationError.one("to", "结束日期早于开始日期", "the end date is before the start date")
    return Period(a, b + timedelta(days=1))


def from_params(params: dict) -> Period:
    """The period a caller asked for: ``month``, ``year``, or ``start``/``end`` (inclusive local dates)."""
    if params.get("month"):
        return month(params["month"])
    if params.get("year"):
        return year(params["year"])
    if params.get("start") and params.get("end"):
        return span(params["start"], params["end"])
    raise ValidationError.one("month", "请指明期间：month=YYYY-MM、year=YYYY 或 start/end 日期",
                              "give a period: month=YYYY-MM, year=YYYY or start/end dates")


def day_of(dt: datetime | None) -> str:
    """The local date of ``dt`` as ``YYYY-MM-DD`` ("" for none): registers show dates, not instants."""
    return local_date(dt).isoformat() if dt else ""
