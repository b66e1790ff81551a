"""The official Chinese business calendar, for every year.

Sources, in order of trust:

1. the operator's override file (announced make-up workdays for a year the
   packages do not know yet, local days off);
2. ``chinesecalendar`` for the years it knows (2004–2026 in 1.11.0): the State
   Council's published schedules, make-up workdays (调休上班) included;
3. ``holidays.China`` for other years: statutory holidays computed by rule
   (《全国年节及纪念日放假办法》, weekend holidays compensated on weekdays), but
   make-up workdays only where the package lists them (``weekend_workdays``).
   A year without them is marked "make-up days unknown" and ``warnings(year)``
   says so: deadlines still run, on statutory holidays and plain weekends, and
   nobody is told they are exact.

``revision`` names the data behind the calendar; clocks store it so that
``calendar refresh`` can recompute due times when a package or the override
file changes. Per-year lookups are built once, on first use, into a flag per
day and a running count of workdays, so ``is_workday`` is one index and
``add_workdays``/``workdays_between`` are a bisect and a subtraction.
"""

from __future__ import annotations

import functools
import hashlib
import os
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Mapping

from disputeflow.workflow.tomlfile import ConfigFileError, key_lines, line_of, load_toml, read_text

OVERRIDE_EXAMPLE = '[[day]]\ndate = 2027-02-20\nkind = "workday"   # 或 "off"\nname = "春节调休上班"'

_CC_NAMES_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
_DEFAULT_WORK_NAME = "调休上班"
_DEFAULT_OFF_NAME = "放假"


class CalendarFileError(ConfigFileError):
    """A broken calendar override file."""

    kind_zh = "节假日调整文件"
    kind_en = "calendar override file"


# --------------------------------------------------------------------------- the override file

@dataclass(frozen=True)
class OverrideDay:
    """One day the operator declares a workday or a day off, with the name people see."""

    day: date
    workday: bool
    name: str
    line: int | None = None


@dataclass(frozen=True)
class Overrides:
    """The parsed override file.

    ``complete_years`` lists years whose announced schedule the file holds in
    full even though it has no make-up workday (a year with none is possible).
    """

    days: Mapping[date, OverrideDay] = field(default_factory=lambda: MappingProxyType({}))
    complete_years: frozenset[int] = frozenset()

    @property
    def digest(self) -> str:
        """Hash of the data, not of the text: a new comment does not force a recomputation."""
        canon = ";".join(f"{d.isoformat()}={'w' if o.workday else 'o'}:{o.name}" for d, o in sorted(self.days.items()))
        canon += "|" + ",".join(str(y) for y in sorted(self.complete_years))
        return hashlib.sha256(canon.encode()).hexdigest()[:12]

    def in_year(self, year: int) -> list[OverrideDay]:
        return [o for d, o in self.days.items() if d.year == year]


def parse_overrides(text: str, path: str = "<override>") -> Overrides:
    """Parse an override file: ``[[day]]`` tables (``date``, ``kind``, optional ``name``)
    and an optional top-level ``complete_years = [2027]``.

    Raises:
        CalendarFileError: with the file, the line and the reason.
    """
    doc = load_toml(text, path, CalendarFileError)
    lines = key_lines(text)

    def fail(where: tuple[str | int, ...], zh: str, en: str):
        if len(where) > 1 and isinstance(where[1], int):
            start = lines.get(where[:2])
            zh = f"第 {where[1] + 1} 个 [[day]]（第 {start} 行起）：{zh}"
            en = f"[[day]] number {where[1] + 1} (from line {start}): {en}"
        raise CalendarFileError(path, line_of(lines, where), zh, en)

    for key in doc:
        if key not in ("day", "complete_years"):
            fail((key,), f"未知配置项“{key}”（只能有 [[day]] 和 complete_years）",
                 f"unknown key {key!r} (only [[day]] and complete_years)")
    entries = doc.get("day", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        fail(("day",), "day 应写作 [[day]] 表，例如\n" + OVERRIDE_EXAMPLE, "day must be [[day]] tables")
    days: dict[date, OverrideDay] = {}
    for i, entry in enumerate(entries):
        for key in entry:
            if key not in ("date", "kind", "name"):
                fail(("day", i, key), f"未知字段“{key}”（只能有 date、kind、name）",
                     f"unknown field {key!r} (only date, kind, name)")
        raw = entry.get("date")
        if isinstance(raw, str):
            try:
                raw = date.fromisoformat(raw.strip())
            except ValueError:
                pass
        if not isinstance(raw, date) or isinstance(raw, datetime):
            fail(("day", i, "date"), f"date 应为不带时间的日期，例如 2027-02-20（现为 {raw!r}）",
                 f"date must be a date without a time, such as 2027-02-20 (got {raw!r})")
        kind = entry.get("kind")
        if kind not in ("workday", "off"):
            fail(("day", i, "kind"), f"kind 应为 \"workday\"（上班）或 \"off\"（放假），现为 {kind!r}",
                 f"kind must be \"workday\" or \"off\", got {kind!r}")
        name = entry.get("name", _DEFAULT_WORK_NAME if kind == "workday" else _DEFAULT_OFF_NAME)
        if not isinstance(name, str) or not name.strip():
            fail(("day", i, "name"), "name 应为非空文本", "name must be non-empty text")
        line = line_of(lines, ("day", i, "date"))
        if raw in days:
            fail(("day", i, "date"), f"日期 {raw} 重复（第 {days[raw].line} 行已写过）",
                 f"date {raw} is listed twice (also on line {days[raw].line})")
        days[raw] = OverrideDay(raw, kind == "workday", name.strip(), line)
    years = doc.get("complete_years", [])
    if not isinstance(years, list) or not all(isinstance(y, int) and 1900 <= y <= 2200 for y in years):
        fail(("complete_years",), "complete_years 应为年份列表，例如 [2027]",
             "complete_years must be a list of years such as [2027]")
    return Overrides(MappingProxyType(days), frozenset(years))


# --------------------------------------------------------------------------- package data, per year

@dataclass(frozen=True)
class _Official:
    off: Mapping[date, str]       # named days off (whole announced periods, weekend days included)
    makeup: Mapping[date, str]    # weekend days that are workdays
    source: str                   # "chinesecalendar" | "holidays" | "none"
    makeup_known: bool


@functools.lru_cache(maxsize=1)
def _chinesecalendar_index() -> tuple[dict[int, dict[date, str]], dict[int, dict[date, str]], int | None]:
    """chinesecalendar's days grouped by year, and the last year it covers (None if not installed)."""
    try:
        import chinese_calendar as cc
    except ImportError:
        return {}, {}, None
    off: dict[int, dict[date, str]] = {}
    work: dict[int, dict[date, str]] = {}
    for d, name in cc.holidays.items():
        off.setdefault(d.year, {})[d] = _CC_NAMES_ZH.get(str(name), str(name))
    for d, name in cc.workdays.items():
        work.setdefault(d.year, {})[d] = _CC_NAMES_ZH.get(str(name), str(name)) + _DEFAULT_WORK_NAME
    return off, work, max(off, default=None)


def _chinesecalendar_knows(year: int) -> bool:
    try:
        import chinese_calendar as cc
    except ImportError:
        return False
    try:
        cc.get_holiday_detail(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.lru_cache(maxsize=None)
def _official_year(year: int) -> _Official:
    """What the installed packages say about ``year`` (cached: package data cannot change in a process)."""
    if _chinesecalendar_knows(year):
        off, work, _ = _chinesecalendar_index()
        return _Official(MappingProxyType(off.get(year, {})), MappingProxyType(work.get(year, {})),
                         "chinesecalendar", True)
    try:
        import holidays
    except ImportError:
        return _Official(MappingProxyType({}), MappingProxyType({}), "none", False)
    cn = holidays.China(years=year, language="zh_CN")
    off = {d: str(name).replace("; ", "、") for d, name in cn.items() if d.year == year}
    work = {d: _DEFAULT_WORK_NAME for d in (getattr(cn, "weekend_workdays", None) or ()) if d.year == year}
    return _Official(MappingProxyType(off), MappingProxyType(work), "holidays" if off else "none", bool(work))


@dataclass(frozen=True)
class _Year:
    first: int            # ordinal of 1 January
    flags: bytes          # 1 = workday, one per day of the year
    cum: array            # cum[i] = workdays from 1 January to day i, inclusive
    off: Mapping[date, str]
    makeup: Mapping[date, str]
    source: str
    makeup_known: bool

    @property
    def total(self) -> int:
        return self.cum[-1]


def _package_version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "none"


# --------------------------------------------------------------------------- the calendar

class BusinessCalendar:
    """Workdays in mainland China: weekends, statutory holidays and make-up workdays, for every year.

    Immutable once built; safe to share between threads (a year's table is
    built at most a few times concurrently, with identical results).
    """

    def __init__(self, overrides: Overrides | None = None, source: str | None = None):
        self.overrides = overrides or Overrides()
        self.source = source
        self._years: dict[int, _Year] = {}
        self._revision: str | None = None

    @classmethod
    def load(cls, override_path: str | os.PathLike | None = None) -> "BusinessCalendar":
        """The calendar, with the operator's override file if one is named.

        Raises:
            CalendarFileError: the override file cannot be read or is wrong.
        """
        if override_path is None:
            return cls()
        text = read_text(override_path, CalendarFileError)
        return cls(parse_overrides(text, str(override_path)), str(override_path))

    @classmethod
    def from_text(cls, text: str, source: str = "<override>") -> "BusinessCalendar":
        """The calendar with override data given as TOML text (tests, tools)."""
        return cls(parse_overrides(text, source), source)

    def __repr__(self) -> str:
        return f"BusinessCalendar(source={self.source!r}, revision={self.revision!r})"

    @property
    def revision(self) -> str:
        """A short stable id of the data in use: package versions, plus a hash of the override data."""
        if self._revision is None:
            rev = f"chinesecalendar-{_package_version('chinesecalendar')}+holidays-{_package_version('holidays')}"
            if self.overrides.days or self.overrides.complete_years:
                rev += f"+override-{self.overrides.digest}"
            self._revision = rev
        return self._revision

    # ----------------------------------------------------------------- per-year tables

    def _year(self, year: int) -> _Year:
        got = self._years.get(year)
        if got is None:
            got = self._years[year] = self._build(year)
        return got

    def _build(self, year: int) -> _Year:
        official = _official_year(year)
        off, makeup = dict(official.off), dict(official.makeup)
        mine = self.overrides.in_year(year)
        for o in mine:
            if o.workday:
                if o.day.weekday() >= 5 or o.day in off:
                    makeup[o.day] = o.name
                off.pop(o.day, None)
            else:
                makeup.pop(o.day, None)
                off[o.day] = o.name
        known = (official.makeup_known or year in self.overrides.complete_years
                 or any(o.workday and o.day.weekday() >= 5 for o in mine))
        first = date(year, 1, 1).toordinal()
        length = date(year, 12, 31).toordinal() - first + 1
        flags = bytearray(length)
        cum = array("H", bytes(2 * length))
        running = 0
        for i in range(length):
            d = date.fromordinal(first + i)
            if d in makeup or (d.weekday() < 5 and d not in off):
                flags[i] = 1
                running += 1
            cum[i] = running
        return _Year(first, bytes(flags), cum, MappingProxyType(off), MappingProxyType(makeup),
                     official.source, known)

    # ----------------------------------------------------------------- questions

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a workday. Pass a local date: a UTC datetime may fall on the previous local day.

        Raises:
            TypeError: ``d`` is a datetime (use ``timeutil.local_date(dt)``).
        """
        if isinstance(d, datetime):
            raise TypeError("is_workday takes a date; use timeutil.local_date(dt) for a datetime")
        y = self._years.get(d.year) or self._year(d.year)
        return y.flags[d.toordinal() - y.first] == 1

    def add_workdays(self, d: date, n: int) -> date:
        """The n-th workday after ``d``; ``n == 0`` gives ``d`` if it is a workday, else the next workday.

        Raises:
            ValueError: ``n`` is negative.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if isinstance(d, datetime):
            raise TypeError("add_workdays takes a date; use timeutil.local_date(dt) for a datetime")
        y = self._year(d.year)
        i = d.toordinal() - y.first
        if n == 0:
            if y.flags[i]:
                return d
            n = 1
        target, year = y.cum[i] + n, d.year
        while target > y.total:
            target -= y.total
            year += 1
            y = self._year(year)
        return date.fromordinal(y.first + bisect_left(y.cum, target))

    def workdays_between(self, a: date, b: date) -> int:
        """The number of workdays in (a, b]; negative (minus those in (b, a]) when b is before a."""
        if isinstance(a, datetime) or isinstance(b, datetime):
            raise TypeError("workdays_between takes dates; use timeutil.local_date(dt) for a datetime")
        if b < a:
            return -self.workdays_between(b, a)
        ya, yb = self._year(a.year), self._year(b.year)
        ia, ib = a.toordinal() - ya.first, b.toordinal() - yb.first
        if a.year == b.year:
            return yb.cum[ib] - ya.cum[ia]
        between = sum(self._year(year).total for year in range(a.year + 1, b.year))
        return ya.total - ya.cum[ia] + between + yb.cum[ib]

    def days_off(self, year: int) -> list[tuple[date, str]]:
        """Days off other than ordinary weekends, with Chinese names, in date order.

        Whole announced periods are listed (春节 2026-02-15…02-23, weekend days
        within them included), as the State Council's notice lists them; days
        the override file declares off are included, those it declares
        workdays are not.
        """
        return sorted(self._year(year).off.items())

    def makeup_workdays(self, year: int) -> list[tuple[date, str]]:
        """Workdays that fall on a weekend or on a day the packages mark off (调休上班), with names."""
        return sorted(self._year(year).makeup.items())

    def makeup_known(self, year: int) -> bool:
        """Whether ``year``'s make-up workdays are known (from a package or the override file)."""
        return self._year(year).makeup_known

    def data_source(self, year: int) -> str:
        """Where ``year``'s days come from: ``chinesecalendar``, ``holidays`` or ``none``, ``+override`` if edited."""
        y = self._year(year)
        return y.source + ("+override" if self.overrides.in_year(year) else "")

    def warnings(self, year: int, lang: str = "zh_CN") -> list[str]:
        """What a person must know before trusting ``year``'s deadlines; empty when the schedule is known."""
        y = self._year(year)
        en = lang.startswith("en")
        last = _chinesecalendar_index()[2]
        covered_zh = f"（chinesecalendar 收录到 {last} 年）" if last else ""
        covered_en = f" (chinesecalendar covers up to {last})" if last else ""
        out: list[str] = []
        if y.source == "none":
            out.append(f"no holiday data for {year}: only Saturdays and Sundays count as days off; add the year's "
                       f"days off and make-up workdays to the calendar override file." if en else
                       f"{year} 年没有节假日数据：只按周六、周日休息计算。请在节假日调整文件中录入当年的放假日和调休上班日。")
        elif not y.makeup_known:
            out.append(f"{year}: the official schedule is not in the installed data{covered_en}. Statutory holidays "
                       f"are computed by rule, make-up workdays are unknown and every weekend counts as a day off. "
                       f"When the State Council announces the schedule, add its days off and make-up workdays to "
                       f"the calendar override file." if en else
                       f"{year} 年的官方放假调休安排尚未收录{covered_zh}：法定节假日按《全国年节及纪念日放假办法》推算，"
                       f"调休上班日未知，周末一律按休息日计算。国务院办公厅公布当年安排后，请把放假日和调休上班日写入节假日调整文件。")
        return out
