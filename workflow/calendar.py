"""The official Chinese business calendar, for every year.

Sources, in order of trust:
1. the operator's override file (announced or local days off and make-up workdays);
2. ``chinesecalendar`` for the years it knows — it has the State Council's
   published schedules, make-up workdays (调休) included;
3. ``holidays.China`` for later years — it computes the statutory holidays by
   rule but cannot know make-up workdays until they are announced, so such a
   year carries a warning instead of silently pretending.

The calendar's ``revision`` names the data behind it; clocks store it so that
``calendar refresh`` can recompute due times when the data changes.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

from workflow.errors import ConfigError

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Tomb-Sweeping Day": "清明节",
    "Labour Day": "劳动节", "Labor Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节",
    "Mid-Autumn Festival": "中秋节", "National Day": "国庆节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
    "Chinese New Year's Eve": "春节", "Chinese New Year (Spring Festival)": "春节",
}


class CalendarFileError(ConfigError):
    """A broken override file: names the file, the line and the reason."""


def _zh(name: str) -> str:
    base = name.replace(" (observed)", "").strip()
    return HOLIDAY_NAMES_ZH.get(base, base)


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "none"


@dataclass
class BusinessCalendar:
    overrides: dict[date, tuple[bool, str]] = field(default_factory=dict)  # date -> (is_workday, name)
    override_digest: str = ""
    _years: dict[int, tuple[set[date], set[date], bool]] = field(default_factory=dict, repr=False)
    _names: dict[date, str] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, override_path: str | os.PathLike | None = None) -> "BusinessCalendar":
        if override_path is None:
            return cls()
        p = Path(override_path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise CalendarFileError(f"无法读取节假日调整文件 {p}：{exc.strerror}", f"cannot read calendar file {p}: {exc.strerror}") from None
        return cls(overrides=parse_overrides(text, str(p)), override_digest=hashlib.sha256(text.encode()).hexdigest()[:12])

    @property
    def revision(self) -> str:
        rev = f"cc{_version('chinesecalendar')}+hol{_version('holidays')}"
        return rev + (f"+ov{self.override_digest}" if self.override_digest else "")

    def _year(self, year: int) -> tuple[set[date], set[date], bool]:
        """(days off on weekdays, make-up workdays on weekends, make-up days known) for ``year``."""
        got = self._years.get(year)
        if got is not None:
            return got
        off: set[date] = set()
        makeup: set[date] = set()
        known = False
        try:
            from chinese_calendar import constants

            first = min(d.year for d in constants.holidays)
            last = max(d.year for d in constants.holidays)
            if first <= year <= last:
                known = True
                for d, name in constants.holidays.items():
                    if d.year == year:
                        self._names[d] = _zh(str(getattr(name, "value", name)).split(",")[0])
                        off.add(d)
                for d, name in constants.workdays.items():
                    if d.year == year:
                        self._names[d] = _zh(str(getattr(name, "value", name)).split(",")[0]) + "调休"
                        makeup.add(d)
        except ImportError:
            pass
        if not known:
            import holidays as hol

            cn = hol.China(years=year)
            for d, name in cn.items():
                if d.year == year:
                    off.add(d)
                    self._names[d] = _zh(name.split(";")[0])
            for d in getattr(cn, "weekend_workdays", ()) or ():
                if d.year == year:
                    makeup.add(d)
                    self._names.setdefault(d, "调休上班")
                    known = True
        got = (off, makeup, known)
        self._years[year] = got
        return got

    def is_workday(self, d: date) -> bool:
        ov = self.overrides.get(d)
        if ov is not None:
            return ov[0]
        off, makeup, _ = self._year(d.year)
        if d in makeup:
            return True
        if d in off:
            return False
        return d.weekday() < 5

    def add_workdays(self, d: date, n: int) -> date:
        """The n-th workday after ``d``; ``n == 0`` gives ``d`` itself if it is a workday, else the next one."""
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            while not self.is_workday(d):
                d += timedelta(days=1)
            return d
        while n:
            d += timedelta(days=1)
            if self.is_workday(d):
                n -= 1
        return d

    def workdays_between(self, a: date, b: date) -> int:
        """Workdays in (a, b]; negative when b is before a."""
        if b < a:
            return -self.workdays_between(b, a)
        n, d = 0, a
        while d < b:
            d += timedelta(days=1)
            if self.is_workday(d):
                n += 1
        return n

    def days_off(self, year: int) -> list[tuple[date, str]]:
        """Holidays (weekday or weekend) and override days off in ``year``, with Chinese names."""
        off, _, _ = self._year(year)
        days = {d: self._names.get(d, "休息日") for d in off}
        for d, (work, name) in self.overrides.items():
            if d.year == year:
                if work:
                    days.pop(d, None)
                else:
                    days[d] = name
        return sorted(days.items())

    def makeup_workdays(self, year: int) -> list[tuple[date, str]]:
        _, makeup, _ = self._year(year)
        days = {d: self._names.get(d, "调休上班") for d in makeup}
        for d, (work, name) in self.overrides.items():
            if d.year == year:
                if work and d.weekday() >= 5:
                    days[d] = name
                elif not work:
                    days.pop(d, None)
        return sorted(days.items())

    def makeup_known(self, year: int) -> bool:
        _, _, known = self._year(year)
        return known or any(d.year == year and work for d, (work, _) in self.overrides.items())

    def warnings(self, year: int, lang: str = "zh_CN") -> list[str]:
        if self.makeup_known(year):
            return []
        if lang.startswith("en"):
            return [f"{year}: the official make-up workdays are not known to the installed holiday data; statutory "
                    f"holidays apply, and announced make-up days must be added to the calendar override file."]
        return [f"{year} 年的调休上班日尚未收录：法定节假日照常计算，国务院公布的调休安排须写入节假日调整文件。"]


def parse_overrides(text: str, where: str = "<override>") -> dict[date, tuple[bool, str]]:
    """Parse the override file (TOML: ``[[day]] date = 2027-02-20, kind = "workday"|"off", name = "..."``)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarFileError(f"节假日调整文件 {where} 格式错误：{exc}", f"calendar file {where} is malformed: {exc}") from None
    lines = text.splitlines()
    out: dict[date, tuple[bool, str]] = {}
    unknown = set(doc) - {"day"}
    if unknown:
        raise CalendarFileError(f"节假日调整文件 {where}：未知配置项 {'、'.join(sorted(unknown))}",
                                f"calendar file {where}: unknown keys {', '.join(sorted(unknown))}")
    for i, entry in enumerate(doc.get("day", [])):
        line = _line_of(lines, "[[day]]", i)
        d = entry.get("date")
        kind = entry.get("kind")
        if not isinstance(d, date):
            raise CalendarFileError(f"节假日调整文件 {where} 第 {line} 行：date 应为日期（如 2027-02-20）",
                                    f"calendar file {where} line {line}: date must be a date such as 2027-02-20")
        if kind not in ("workday", "off"):
            raise CalendarFileError(f"节假日调整文件 {where} 第 {line} 行：kind 应为 workday 或 off",
                                    f"calendar file {where} line {line}: kind must be workday or off")
        out[d] = (kind == "workday", str(entry.get("name") or ("调休上班" if kind == "workday" else "休息日")))
    return out


def _line_of(lines: list[str], marker: str, index: int) -> int:
    seen = -1
    for n, line in enumerate(lines, 1):
        if line.strip() == marker:
            seen += 1
            if seen == index:
                return n
    return 0
