"""Option types for the command line: numbers in a range, times, days, months, non-empty names.

A value is checked where click reads it, before any work is done, and a bad one
is a ``ValidationError`` naming the option, so the person gets one line in their
language and exit code 2. Without these, ``--every -5`` ran a scheduler that
never swept, ``--limit -1`` meant "no limit", ``--now ''`` was ignored and a
year 9999 overflowed deep inside the engine. Imports only click at load time
(``disputeflow --help`` stays fast).
"""

from __future__ import annotations

import click

INT4_MAX = 2**31 - 1  # row ids and versions are 32-bit integers on PostgreSQL


def _refuse(param, zh: str, en: str):
    from disputeflow.workflow.errors import ValidationError

    raise ValidationError.one(_name(param), zh, en)


def _name(param) -> str:
    if param is None:
        return "value"
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len)
    return (param.name or "value").upper()


class Count(click.ParamType):
    """A whole number in ``[low, high]``: intervals, limits, ids, ports, years."""

    name = "integer"

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            number = int(text) if text.lstrip("+-").isdigit() and len(text) < 30 else None
        if number is None or not self.low <= number <= self.high:
            _refuse(param, f"应为 {self.low} 到 {self.high} 之间的整数（收到“{value}”）",
                    f"must be a whole number from {self.low} to {self.high} (got {value!r})")
        return number


class Text(click.ParamType):
    """A name or filter that must say something: an empty one would silently mean "none" or "all"."""

    name = "text"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if not text:
            _refuse(param, "不能为空", "must not be empty")
        return text


class Instant(click.ParamType):
    """An ISO 8601 time with a zone (or a bare local date), in the years a case can live in.

    Returns the text as typed (stripped), so the caller keeps what the person wrote.
    """

    name = "time"

    def convert(self, value, param, ctx):
        from disputeflow.workflow.timeutil import parse_time

        text = str(value).strip()
        try:
            parse_time(text)
        except ValueError as exc:
            _refuse(param, getattr(exc, "zh", str(exc)), getattr(exc, "en", str(exc)))
        return text


class Day(click.ParamType):
    """A calendar day written ``YYYY-MM-DD``, in the years a case can live in."""

    name = "date"

    def convert(self, value, param, ctx):
        from disputeflow.workflow.timeutil import TimeFormatError, parse_date

        text = str(value).strip()
        if len(text) != 10:  # YYYY-MM-DD only, not the basic form 20260305 that fromisoformat also reads
            _refuse(param, f"日期“{value}”无效，应写作 YYYY-MM-DD", f"invalid date {value!r}; write YYYY-MM-DD")
        try:
            parse_date(text)  # the one rule for days: well formed, in the years a case can live in
        except TimeFormatError as exc:
            _refuse(param, exc.zh, exc.en)
        return text


class Month(click.ParamType):
    """A month written ``YYYY-MM``, in the years a case can live in."""

    name = "month"

    def convert(self, value, param, ctx):
        from disputeflow.workflow.timeutil import MAX_YEAR, MIN_YEAR

        text = str(value).strip()
        parts = text.split("-")
        ok = len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2 and all(p.isdigit() for p in parts)
        if not ok or not (MIN_YEAR <= int(parts[0]) <= MAX_YEAR and 1 <= int(parts[1]) <= 12):
            _refuse(param, f"月份“{value}”无效，应写作 YYYY-MM（{MIN_YEAR}—{MAX_YEAR} 年）",
                    f"invalid month {value!r}; write YYYY-MM (years {MIN_YEAR}-{MAX_YEAR})")
        return text


class ClockTime(click.ParamType):
    """A wall-clock time of day written ``HH:MM`` (24-hour), such as the digest's ``08:30``."""

    name = "HH:MM"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        hh, sep, mm = text.partition(":")
        ok = sep and len(hh) in (1, 2) and len(mm) == 2 and hh.isdigit() and mm.isdigit()
        if not ok or int(hh) > 23 or int(mm) > 59:
            _refuse(param, f"时刻“{value}”无效，应写作 HH:MM（00:00—23:59）",
                    f"invalid time of day {value!r}; write HH:MM (00:00-23:59)")
        return f"{int(hh):02d}:{mm}"


class Year(Count):
    """A year the business calendar and the reports can answer for (the bounds live in ``timeutil``,
    read on first use so that building the commands imports nothing heavy)."""

    name = "year"

    def __init__(self):
        pass

    @property
    def low(self) -> int:
        from disputeflow.workflow.timeutil import MIN_YEAR

        return MIN_YEAR

    @property
    def high(self) -> int:
        from disputeflow.workflow.timeutil import MAX_YEAR

        return MAX_YEAR


SECONDS = Count(1, 86_400)        # a sweep interval: at least a second, at most a day
LIMIT = Count(1, 1_000_000)       # rows listed
OFFSET = Count(0, INT4_MAX)       # rows skipped
ROW_ID = Count(1, INT4_MAX)       # a person, message, delivery or token
VERSION = Count(0, INT4_MAX)      # a case version seen
PORT = Count(1, 65_535)
WORKERS = Count(1, 64)            # serve's worker processes
YEAR = Year()
TEXT = Text()
INSTANT = Instant()
DAY = Day()
MONTH = Month()
CLOCK_TIME = ClockTime()
