"""Screening duties (排查) as periods of local days (pure; no database).

Each unit of a screening kind (village and community, town, county) owes, for
every period of its cadence, one screening round held inside the period and
one report (found N / 零报告) filed by the report day. A sensitive period
(敏感期) makes each of its days a period of its own for the units it names and
the units under them (日排查、日报告); the unit's ordinary periods go on as well,
and a round held on a sensitive day counts for both.

The numbers are policy (``[screening]`` in the policy file), each with its source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Iterable, Iterator, Mapping

from disputeflow.workflow.timeutil import at_local

CADENCES = ("day", "half_month", "month", "quarter")
DUTIES = ("round", "report")
CADENCE_LABELS = {"day": ("日", "daily"), "half_month": ("半月", "half-monthly"), "month": ("月", "monthly"),
                  "quarter": ("季度", "quarterly")}
DEFAULT_SOURCE = ("本地做法（local practice）：村（社区）每半月、乡镇每月、县每季度排查一次，敏感期每日排查、每日报告，"
                  "无情况实行零报告；参见乡镇矛盾纠纷排查调处工作制度“每半月排查一次”“每月排查一次……实行零报告制度”")


@dataclass(frozen=True)
class Cadence:
    """How often a kind of unit screens, and how many days after a period ends its report is due."""

    every: str
    report_days: int


@dataclass(frozen=True)
class ScreeningPolicy:
    """``[screening]``: the cadence of each unit kind, the sensitive-period cadence, and where they come from."""

    by_kind: Mapping[str, Cadence] = field(default_factory=lambda: MappingProxyType({
        "village": Cadence("half_month", 1), "community": Cadence("half_month", 1),
        "town": Cadence("month", 3), "county": Cadence("quarter", 5)}))
    sensitive: Cadence = Cadence("day", 0)
    source: str = DEFAULT_SOURCE

    def cadence(self, kind: str) -> Cadence | None:
        return self.by_kind.get(kind)


@dataclass(frozen=True)
class Period:
    """One period a unit owes a round and a report for: local dates, both inclusive."""

    cadence: str
    first: date
    last: date
    report_days: int

    @property
    def round_due(self) -> datetime:
        """24:00 local of the period's last day (aware UTC)."""
        return at_local(self.last + timedelta(days=1))

    @property
    def report_due(self) -> datetime:
        return at_local(self.last + timedelta(days=1 + self.report_days))

    def due(self, duty: str) -> datetime:
        return self.round_due if duty == "round" else self.report_due

    @property
    def start(self) -> datetime:
        return at_local(self.first)

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def label(self, lang: str = "zh_CN") -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()}～{self.last.isoformat()}" if not lang.startswith("en") \
            else f"{self.first.isoformat()} to {self.last.isoformat()}"


def period_of(cadence: str, day: date) -> tuple[date, date]:
    """The ``(first, last)`` local dates of the ``cadence`` period holding ``day``."""
    if cadence == "day":
        return day, day
    month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if cadence == "half_month":
        return (day.replace(day=1), day.replace(day=15)) if day.day <= 15 else (day.replace(day=16), month_end)
    if cadence == "month":
        return day.replace(day=1), month_end
    if cadence == "quarter":
        q0 = (day.month - 1) // 3 * 3 + 1
        first = day.replace(month=q0, day=1)
        nxt = date(first.year + (q0 == 10), 1 if q0 == 10 else q0 + 3, 1)
        return first, nxt - timedelta(days=1)
    raise ValueError(f"unknown cadence {cadence!r}")


def regular_periods(c: Cadence, since: date, until: date) -> Iterator[Period]:
    """The unit's ordinary periods that overlap ``[since, until]``, in order."""
    day = since
    while day <= until:
        first, last = period_of(c.every, day)
        yield Period(c.every, first, last, c.report_days)
        day = last + timedelta(days=1)


def sensitive_days(ranges: Iterable[tuple[date, date]], since: date, until: date) -> list[date]:
    """The days of the sensitive ranges within ``[since, until]``, each once, in order."""
    out: set[date] = set()
    for first, last in ranges:
        day = max(first, since)
        while day <= min(last, until):
            out.add(day)
            day += timedelta(days=1)
    return sorted(out)


def schedule(policy: ScreeningPolicy, kind: str, since: date, until: date,
             sensitive: Iterable[tuple[date, date]] = ()) -> list[Period]:
    """Every period a unit of ``kind`` owes a round and a report for, overlapping ``[since, until]``.

    ``since`` is the day the duty began for the unit (its creation); a period it
    began inside counts whole. ``sensitive``: the ranges that name the unit.
    """
    c = policy.cadence(kind)
    if c is None or until < since:
        return []
    out = list(regular_periods(c, since, until))
    s = policy.sensitive
    out += [Period(s.every, d, d, s.report_days) for d in sensitive_days(sensitive, since, until)]
    out.sort(key=lambda p: (p.first, p.cadence))
    return out


def parse_screening(r, section) -> ScreeningPolicy:
    """``[screening]`` of a policy file (``r`` is the policy reader that names the file and line of an error)."""
    path = ("screening",)
    if not section:
        return ScreeningPolicy()
    r.table(section, path, ("source", "village", "community", "town", "county", "sensitive"))
    default = ScreeningPolicy()
    kinds = dict(default.by_kind)
    for kind in ("village", "community", "town", "county"):
        if kind in section:
            kinds[kind] = _cadence(r, section[kind], path + (kind,))
    sensitive = _cadence(r, section["sensitive"], path + ("sensitive",)) if "sensitive" in section \
        else default.sensitive
    return ScreeningPolicy(MappingProxyType(kinds), sensitive, r.cites(section, path) or DEFAULT_SOURCE)


def _cadence(r, value, path) -> Cadence:
    r.table(value, path, ("every", "report_days"))
    every = value.get("every")
    if every not in CADENCES:
        r.fail(path + ("every",), f"应为 {'、'.join(CADENCES)} 之一，现为 {every!r}",
               f"must be one of {', '.join(CADENCES)}, got {every!r}")
    days = value.get("report_days", 0)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 31:
        r.fail(path + ("report_days",), f"应为 0–31 的整数，现为 {days!r}", f"must be a whole number 0-31, got {days!r}")
    return Cadence(every, days)
