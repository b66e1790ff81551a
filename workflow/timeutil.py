"""Time helpers: store UTC, show Asia/Shanghai, refuse times without a zone.

Deadlines are legal facts ("due 2026-03-05 14:30 Beijing time"), so a time
whose zone is unknown is refused rather than guessed: a naive value silently
read as UTC or as the host's zone moves a due time by eight hours. A bare date
is the one exception, because people write dates without zones and mean the
local day: it is read as 00:00 in Asia/Shanghai.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc

_EXAMPLE = "2026-03-05T14:30+08:00"

# The days a time may fall on (Beijing dates). Past them no date is a real record or deadline,
# and arithmetic near the ends of datetime (year 1, year 9999) overflows; the business calendar
# also builds a table per year between the two ends of a span.
EARLIEST = date(1901, 1, 1)  # before 1901 Asia/Shanghai is local mean time (+08:05:43)
LATEST = date(2100, 12, 31)
MIN_YEAR, MAX_YEAR = EARLIEST.year, LATEST.year  # the same span in years, for options that name a year or month


class TimeFormatError(ValueError):
    """A time that cannot be used: malformed, or without a zone.

    A ``ValueError`` so callers that only know the standard library still catch
    it; it carries the reason in both languages for the person who typed it.
    """

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en

    @property
    def message_zh(self) -> str:
        return self.zh

    @property
    def message_en(self) -> str:
        return self.en

    def message(self, lang: str = "zh_CN") -> str:
        """The reason in ``lang`` (Simplified Chinese unless it starts with ``en``)."""
        return self.en if lang.startswith("en") else self.zh


def utc(dt: datetime) -> datetime:
    """``dt`` as an aware UTC datetime, the only form the database stores.

    Raises:
        TimeFormatError: ``dt`` is naive — its zone would be a guess.
        TypeError: ``dt`` is not a datetime (a bare ``date`` has no time of day).
    """
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise TimeFormatError(f"时间 {dt.isoformat()} 缺少时区，无法确定是哪个时刻",
                              f"time {dt.isoformat()} has no zone, so the instant is unknown")
    return dt.astimezone(UTC)


def to_local(dt: datetime) -> datetime:
    """``dt`` in Asia/Shanghai, for showing it and for calendar arithmetic on local days."""
    return utc(dt).astimezone(LOCAL_TZ)


def local_date(dt: datetime) -> date:
    """The Asia/Shanghai calendar day ``dt`` falls on (not the UTC day: they differ 16:00–24:00 UTC)."""
    return to_local(dt).date()


def workdays_late(calendar, due: datetime, at: datetime) -> int:
    """Workdays after ``due``'s local day up to ``at``'s (0 when not late): the figure every 逾期N个工作日 shows.

    Counted by local days as the colour cards are (橙牌 two workdays late, 红牌 five), so the
    board, the case page, the office desk and the digest give one case one number.
    """
    return max(calendar.workdays_between(local_date(due), local_date(at)), 0) if at > due else 0


def at_local(day: date, at: time = time(0)) -> datetime:
    """The instant ``day`` at wall-clock time ``at`` in Asia/Shanghai, as aware UTC."""
    return datetime.combine(day, at.replace(tzinfo=None), LOCAL_TZ).astimezone(UTC)


def month_bounds(dt: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the local calendar month containing ``dt``, as aware UTC.

    Monthly thresholds (unit talks, the monthly ledger) count by the Beijing
    month; a UTC month would move eight hours of the 1st into the previous month.
    """
    local = to_local(dt)
    first = local.date().replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return at_local(first), at_local(nxt)


def _out_of_range(text: str) -> TimeFormatError:
    return TimeFormatError(f"时间“{text}”超出可用范围（{EARLIEST.year} 年至 {LATEST.year} 年）",
                           f"time {text!r} is out of range (years {EARLIEST.year} to {LATEST.year})")


def check_day(day: date, text: str | None = None) -> date:
    """``day`` itself if it lies between :data:`EARLIEST` and :data:`LATEST`.

    Raises:
        TimeFormatError: a day outside the range (named as ``text`` when given).
    """
    if not EARLIEST <= day <= LATEST:
        raise _out_of_range(text or day.isoformat())
    return day


def check_time(dt: datetime, text: str | None = None) -> datetime:
    """``dt`` as aware UTC if its Beijing day lies in range (see :func:`check_day`).

    Raises:
        TimeFormatError: no zone, or a day outside the range.
    """
    try:
        local = utc(dt).astimezone(LOCAL_TZ)
    except OverflowError:  # within hours of datetime's own ends
        raise _out_of_range(text or dt.isoformat()) from None
    check_day(local.date(), text or dt.isoformat())
    return local.astimezone(UTC)


def check_year(value: int | str, text: str | None = None) -> int:
    """A year as an int, if it is one of the years times may fall in.

    Raises:
        TimeFormatError: not a whole number, or outside the range.
    """
    try:
        year = int(str(value).strip())
    except ValueError:
        raise TimeFormatError(f"年份“{value}”无效，应写作 2026", f"invalid year {value!r}; write e.g. 2026") from None
    if not EARLIEST.year <= year <= LATEST.year:
        raise _out_of_range(text or str(value))
    return year


def parse_date(text: str) -> date:
    """A local calendar day written ``2026-03-05``, within the range of :func:`check_day`.

    Raises:
        TimeFormatError: malformed, or outside the range.
    """
    s = str(text).strip()
    try:
        day = date.fromisoformat(s)
    except ValueError:
        raise TimeFormatError(f"日期“{s}”无效，应写作 2026-03-05", f"invalid date {s!r}; write e.g. 2026-03-05") from None
    return check_day(day, s)


def parse_time(text: str) -> datetime:
    """Parse what a person or another system typed into an aware UTC datetime.

    Accepts ISO 8601 with a zone (``Z``, ``+08:00``, ``+0800``), with ``T`` or a
    space between date and time, and a bare date (``2026-03-05``), which means
    00:00 of that day in Asia/Shanghai. The Beijing day must lie between
    :data:`EARLIEST` and :data:`LATEST`.

    Raises:
        TimeFormatError: empty or malformed text, a time of day without a
            zone (ambiguous: Beijing time or UTC?), or a day out of range.
    """
    if not isinstance(text, str):
        raise TimeFormatError(f"时间应为文本，例如 {_EXAMPLE}", f"a time must be text such as {_EXAMPLE}")
    s = text.strip()
    if not s:
        raise TimeFormatError(f"时间为空，请填写，例如 {_EXAMPLE}", f"the time is empty; write one such as {_EXAMPLE}")
    if len(s) <= 10 and "T" not in s.upper() and ":" not in s:
        return at_local(parse_date(s))
    if s.endswith("z"):
        s = s[:-1] + "Z"
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise TimeFormatError(f"时间“{s}”格式有误，应为 ISO 8601，例如 {_EXAMPLE}",
                              f"time {s!r} is malformed; use ISO 8601 such as {_EXAMPLE}") from None
    if dt.tzinfo is None:
        raise TimeFormatError(f"时间“{s}”缺少时区，请写明，例如 {s}+08:00（北京时间）",
                              f"time {s!r} has no zone; add one, e.g. {s}+08:00 (Beijing time)")
    return check_time(dt, s)


def format_local(dt: datetime | None) -> str:
    """``2026-03-05 14:30`` in Asia/Shanghai, the form people read; ``""`` for no time."""
    if dt is None:
        return ""
    return to_local(dt).strftime("%Y-%m-%d %H:%M")


def iso(dt: datetime) -> str:
    """ISO 8601 in Asia/Shanghai with its offset (``2026-03-05T14:30:00+08:00``), for APIs and exports."""
    # an aware UTC time (what the database and the policy give) needs none of utc()'s checks: the sweep's hot path
    local = (dt if dt.tzinfo is UTC else utc(dt)).astimezone(LOCAL_TZ)
    return local.isoformat(timespec="seconds" if local.microsecond == 0 else "microseconds")
