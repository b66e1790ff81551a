"""Deadline policy: how long each clock runs and when each ladder step fires.

Plain data loaded from a TOML file (``workflow/policy.toml`` is the shipped
default; an operator points to a copy) and pure functions over it. The business
calendar is passed in, never looked up, so every answer depends only on the
arguments and the same inputs always give the same due time.

Counting rules (``count_from``, global with a per-clock override):

* ``immediately`` (default): the clock starts at the action.
  ``calendar_hours`` and ``calendar_days`` are plain elapsed time.
  ``business_days`` keep the local time of day: Friday 15:00 + 1 business day
  is the next workday at 15:00 (a Saturday if it is a make-up workday). A start
  on a day off counts from 00:00 of the next workday, so Saturday 10:00 + 1
  business day is the end of Monday (Tuesday 00:00).
* ``next_day`` (as many Chinese rules count periods, 期间从次日起算): the period
  starts at 00:00 local of the day after the start, and a count of days ends at
  the END of its last day (24:00, written as 00:00 of the following day).
  For ``business_days`` the counted days are workdays, the first being the first
  workday on or after the next day. ``calendar_hours`` ignore ``next_day``: an
  hours clock exists because the matter is urgent, and starting it tomorrow
  would defeat it.

Ladder steps: ``fraction`` steps fire when that share of the elapsed time
between start and due has run (warning at 0.8); ``after_due`` steps fire N
business days after due at the same local time of day (0 = at due).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

from disputeflow.workflow.tomlfile import ConfigFileError, key_lines, line_of, load_toml, read_text
from disputeflow.workflow.timeutil import LOCAL_TZ, at_local, to_local, utc

if TYPE_CHECKING:
    from disputeflow.workflow.calendar import BusinessCalendar

UNITS = ("calendar_hours", "calendar_days", "business_days")
RISKS = ("low", "medium", "high", "critical")
COUNT_FROM = ("immediately", "next_day")
STEP_KINDS = ("fraction", "after_due")
DEFAULT_SOURCE = "<内置默认政策 workflow/policy.toml>"
# The clock that upgrades a case's tier (一般 → 复杂) when it runs out. It has no
# ladder: its one step fires at due, and it is timed by ``[tier_upgrade] after``.
TIER_CLOCK = "tier"
TIER_STEP = "tier_upgrade"
# Key-person duty occurrences (重点人员稳控) are ordinary clocks named
# ``kp.<person>.<duty>.<period start>``; their due time is set when started.
DUTY_CLOCK_PREFIX = "kp."
RECURRENCE_UNITS = ("calendar_days", "business_days", "weeks")
CONTACT_METHODS = ("visit", "phone", "report")

_UNIT_LABELS = {"calendar_hours": ("{n} 小时", "{n} hours"), "calendar_days": ("{n} 天", "{n} calendar days"),
                "business_days": ("{n} 个工作日", "{n} business days")}


class PolicyError(ConfigFileError):
    """A policy file that cannot be used, or a question the policy cannot answer (an unknown clock)."""

    kind_zh = "政策文件"
    kind_en = "policy file"


@dataclass(frozen=True)
class Duration:
    """A length of time in one of three units; see the module docstring for how each is counted."""

    amount: int
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {self.unit!r}")
        if not isinstance(self.amount, int) or isinstance(self.amount, bool) or self.amount < 0:
            raise ValueError(f"amount must be a whole number >= 0, got {self.amount!r}")

    def label(self, lang: str = "zh_CN") -> str:
        """``1 个工作日`` / ``1 business days``, for notifications and error messages."""
        zh, en = _UNIT_LABELS[self.unit]
        return (en if lang.startswith("en") else zh).format(n=self.amount)

    def lower_bound_hours(self) -> int:
        """The fewest hours this can span (a business day spans at least a calendar day)."""
        return self.amount if self.unit == "calendar_hours" else 24 * self.amount


@dataclass(frozen=True)
class LadderStep:
    """One rung of the escalation ladder: when it fires, who is told, what people call it."""

    name: str
    kind: str  # "fraction" of the start→due span, or business days "after_due"
    value: float
    recipients: tuple[str, ...]
    list_for_supervision: bool
    label_zh: str
    label_en: str

    def label(self, lang: str = "zh_CN") -> str:
        return self.label_en if lang.startswith("en") else self.label_zh


@dataclass(frozen=True)
class ClockRule:
    """Durations for one clock. ``default is None`` and no other entry: the due time is given when started.

    ``by_category[c]`` holds ``"default"`` and/or risk keys and replaces the
    clock's own entries for that category (most specific wins; give the
    category per-risk entries if risk should still shorten it).
    ``by_tier[t]`` gives the duration for cases of tier ``t`` (the case's
    ``tier``: ``ordinary`` 一般 or ``complex`` 复杂, as a 12345 work order is
    classified when dispatched); it wins over risk, not over a category rule.
    """

    default: Duration | None = None
    by_risk: Mapping[str, Duration] = field(default_factory=lambda: MappingProxyType({}))
    by_category: Mapping[str, Mapping[str, Duration]] = field(default_factory=lambda: MappingProxyType({}))
    by_tier: Mapping[str, Duration] = field(default_factory=lambda: MappingProxyType({}))
    extension_cap: Duration | None = None
    count_from: str | None = None
    # The clock keeps running when its case ends: only a key person's duty clocks, which
    # belong to the person (release stops them), not to the case they are anchored on.
    # Not a policy key: an ended case runs no clock of its own (supervision included).
    outlives_case: bool = False


_DUTY_CLOCK_RULE = ClockRule(outlives_case=True)


@dataclass(frozen=True)
class Recurrence:
    """How often a key-person duty recurs: every ``every`` calendar days, business days or weeks.

    ``business_days`` periods are workdays of the official calendar (a Friday's
    period ends at 24:00 Friday; the next starts Monday 00:00, or on a make-up
    Saturday); ``weeks`` run Monday 00:00 to Monday 00:00, local time.
    """

    every: int
    unit: str

    def label(self, lang: str = "zh_CN") -> str:
        zh = {"calendar_days": "每{n}天", "business_days": "每{n}个工作日", "weeks": "每{n}周"}[self.unit]
        en = {"calendar_days": "every {n} day(s)", "business_days": "every {n} business day(s)",
              "weeks": "every {n} week(s)"}[self.unit]
        return (en if lang.startswith("en") else zh).format(n=self.every)


@dataclass(frozen=True)
class DutyRule:
    """One recurring stabilisation duty (日见面, 日报告 …): which records meet it and how often, by risk."""

    name: str
    label_zh: str
    label_en: str
    satisfied_by: tuple[str, ...]
    by_risk: Mapping[str, Recurrence]

    def label(self, lang: str = "zh_CN") -> str:
        return self.label_en if lang.startswith("en") else self.label_zh


@dataclass(frozen=True)
class KeyPersonPolicy:
    """``[key_persons]``: the duties of a control plan and who hears of an alarming contact at once."""

    duties: Mapping[str, DutyRule] = field(default_factory=lambda: MappingProxyType({}))
    alarm_recipients: tuple[str, ...] = ("lead_official",)

    def plan(self, risk: str) -> dict[str, Recurrence]:
        """The duties a key person of ``risk`` has, with their recurrence (empty: no recurring duty)."""
        return {name: d.by_risk[risk] for name, d in self.duties.items() if risk in d.by_risk}


@dataclass(frozen=True)
class Policy:
    """The whole deadline policy. Immutable; one instance is shared by every request and sweep."""

    clocks: Mapping[str, ClockRule]
    ladder: tuple[LadderStep, ...]
    count_from: str = "immediately"
    max_extensions_per_clock: int = 1
    extension_hard_cap: Duration = Duration(30, "calendar_days")
    tier_upgrade_after: Duration = Duration(60, "calendar_days")
    tier_upgrade_recipients: tuple[str, ...] = ("lead_official",)
    unit_talk_level3_per_month: int = 3
    unit_talk_recipients: tuple[str, ...] = ("supervisor",)
    key_persons: KeyPersonPolicy = KeyPersonPolicy()
    source: str = field(default=DEFAULT_SOURCE, compare=False)

    # ----------------------------------------------------------------- loading

    @classmethod
    def default(cls) -> "Policy":
        """The shipped policy (parsed once per process)."""
        return _default_policy()

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "Policy":
        """The policy in ``path``, or the shipped default when ``path`` is None.

        Raises:
            PolicyError: the file cannot be read or is wrong; names the file, line and reason.
        """
        if path is None:
            return cls.default()
        return cls.from_text(read_text(path, PolicyError), str(path))

    @classmethod
    def from_text(cls, text: str, source: str = "<text>") -> "Policy":
        """Parse policy TOML. Raises ``PolicyError`` as :meth:`load` does."""
        return _parse(text, source)

    @property
    def revision(self) -> str:
        """A short id of the policy's content; a clock can store it to notice a changed policy."""
        return hashlib.sha256(_canonical(self).encode()).hexdigest()[:12]

    # ----------------------------------------------------------------- questions

    def rule(self, clock: str) -> ClockRule:
        """The rule for ``clock``.

        Raises:
            PolicyError: the policy names no such clock (a workflow uses a clock
                the operator's policy forgot: refuse rather than run it without a deadline).
        """
        rule = self.clocks.get(clock)
        if rule is None and clock == TIER_CLOCK:
            return ClockRule(default=self.tier_upgrade_after)
        if rule is None and clock.startswith(DUTY_CLOCK_PREFIX):
            # A duty occurrence's due time is the end of its period, set when started; the
            # duty belongs to the key person, not to the case it is anchored on: it outlives it.
            return _DUTY_CLOCK_RULE
        if rule is None:
            known = "、".join(self.clocks) or "无"
            raise PolicyError(self.source, None, f"没有时限“{clock}”的规定（已规定：{known}）",
                              f"no rule for clock {clock!r} (known: {', '.join(self.clocks) or 'none'})")
        return rule

    def outlives_case(self, clock: str) -> bool:
        """Whether running ``clock`` keeps running when its case ends: key-person duty clocks only.

        Every clock of the case itself stops when the case ends (a terminal
        action, a ledger correction), supervision included.
        """
        try:
            return self.rule(clock).outlives_case
        except PolicyError:
            return False

    def missing_clocks(self, names) -> list[str]:
        """The clock names a workflow definition uses that this policy does not define (check at start-up)."""
        return [n for n in names if n not in self.clocks and n != TIER_CLOCK]

    def duration(self, clock: str, risk: str | None = None, category: str | None = None,
                 tier: str | None = None) -> Duration | None:
        """How long ``clock`` runs for a case of this risk, category and tier; None if set when started (supervision).

        Most specific wins: category+risk, category default, tier, risk, clock default.
        An unknown risk, category or tier counts as none given.
        """
        rule = self.rule(clock)
        cat = rule.by_category.get(category) if category else None
        if cat is not None:
            if risk is not None and risk in cat:
                return cat[risk]
            if "default" in cat:
                return cat["default"]
        if tier is not None and tier in rule.by_tier:
            return rule.by_tier[tier]
        if risk is not None and risk in rule.by_risk:
            return rule.by_risk[risk]
        return rule.default

    def due_at(self, clock: str, started_at: datetime, risk: str | None, category: str | None,
               calendar: "BusinessCalendar", tier: str | None = None) -> datetime | None:
        """When ``clock`` started at ``started_at`` is due, as aware UTC; None if the policy gives no duration."""
        d = self.duration(clock, risk, category, tier)
        if d is None:
            return None
        return add_duration(started_at, d, calendar, self.rule(clock).count_from or self.count_from)

    def step_times(self, started_at: datetime, due_at: datetime,
                   calendar: "BusinessCalendar") -> list[tuple[LadderStep, datetime]]:
        """Every ladder step with the moment it fires, in firing order, as aware UTC.

        Fraction steps are rounded to the second and never fall after due (a
        due time set in the past fires them at due).
        """
        start, due = utc(started_at), utc(due_at)
        span = (due - start).total_seconds()
        out: list[tuple[LadderStep, datetime]] = []
        local = None  # due's local day and time of day, converted once for every after-due step (the sweep's hot path)
        for step in self.ladder:
            if step.kind == "fraction":
                at = min(start + timedelta(seconds=round(span * step.value)), due)
            elif step.value:
                if local is None:
                    local = to_local(due)
                    day, time_of_day = local.date(), local.timetz()
                at = at_local(calendar.add_workdays(day, int(step.value)), time_of_day)  # add_workdays_keep_time
            else:
                at = due
            out.append((step, at))
        return out

    def steps(self, clock: str, started_at: datetime, due_at: datetime,
              calendar: "BusinessCalendar") -> list[tuple[LadderStep, datetime]]:
        """The steps ``clock`` fires: the ladder, or the single tier-upgrade step for the tier clock."""
        if clock == TIER_CLOCK:
            return [(self.tier_step, utc(due_at))]
        return self.step_times(started_at, due_at, calendar)

    @functools.cached_property
    def tier_step(self) -> LadderStep:
        return LadderStep(TIER_STEP, "after_due", 0, self.tier_upgrade_recipients, False, "升级为复杂案件",
                          "upgraded to complex")

    def step(self, name: str) -> LadderStep | None:
        if name == TIER_STEP:
            return self.tier_step
        return next((s for s in self.ladder if s.name == name), None)

    def extension_cap(self, clock: str, risk: str | None = None, category: str | None = None,
                      tier: str | None = None) -> Duration:
        """How far one extension may move ``clock``'s due time.

        The clock's ``extension_cap`` if set, else the clock's own duration
        (for this risk/category), else the hard cap; a cap that surely exceeds
        the hard cap is cut to it. Mixed units (business days against calendar
        days) cannot be compared without a date: :meth:`extension_limit` gives
        the exact latest time.
        """
        rule = self.rule(clock)
        cap = rule.extension_cap or self.duration(clock, risk, category, tier) or self.extension_hard_cap
        if cap.lower_bound_hours() > self.extension_hard_cap.lower_bound_hours() and \
                self.extension_hard_cap.unit != "business_days":
            return self.extension_hard_cap
        return cap

    def extension_limit(self, clock: str, due_at: datetime, calendar: "BusinessCalendar",
                        risk: str | None = None, category: str | None = None, tier: str | None = None) -> datetime:
        """The latest due time one extension may set: the earlier of due + cap and due + hard cap (aware UTC)."""
        cap = self.extension_cap(clock, risk, category, tier)
        return min(add_duration(due_at, cap, calendar), add_duration(due_at, self.extension_hard_cap, calendar))

    def tier_upgrade_at(self, reported_at: datetime, calendar: "BusinessCalendar") -> datetime:
        """When a case reported at ``reported_at`` and still unresolved is upgraded (一般 → 复杂)."""
        return add_duration(reported_at, self.tier_upgrade_after, calendar)

    @functools.cached_property
    def unit_talk_step(self) -> str:
        """The ladder step counted for unit talks: the one that lists for supervision (红牌), else the last."""
        return next((s.name for s in self.ladder if s.list_for_supervision), self.ladder[-1].name)

    def needs_unit_talk(self, level3_this_month: int) -> bool:
        """Whether a responsible unit with this many level-3 escalations in one local calendar month
        is called to a talk (约谈); count with ``timeutil.month_bounds``."""
        return level3_this_month >= self.unit_talk_level3_per_month


# --------------------------------------------------------------------------- time arithmetic

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


# --------------------------------------------------------------------------- parsing

@functools.lru_cache(maxsize=1)
def _default_policy() -> Policy:
    text = (resources.files("disputeflow.workflow") / "policy.toml").read_text(encoding="utf-8")
    return _parse(text, DEFAULT_SOURCE)


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for p in path:
        out += f"[{p + 1}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


class _Reader:
    """Checks one parsed document, raising PolicyError at the offending key's line."""

    def __init__(self, text: str, source: str):
        self.source = source
        self.lines = key_lines(text)

    def fail(self, path: tuple[str | int, ...], zh: str, en: str):
        where = _dotted(path)
        raise PolicyError(self.source, line_of(self.lines, path), f"{where}：{zh}", f"{where}: {en}")

    def table(self, value: Any, path, allowed: tuple[str, ...] | None = None) -> dict:
        if not isinstance(value, dict):
            self.fail(path, "应为表（[...] 或 { ... }）", "must be a table")
        for key in value:
            if allowed is not None and key not in allowed:
                self.fail(path + (key,), f"未知配置项（可用：{'、'.join(allowed)}）",
                          f"unknown key (allowed: {', '.join(allowed)})")
        return value

    def duration(self, value: Any, path) -> Duration:
        if not isinstance(value, dict):
            self.fail(path, "时长应写作 { amount = 数量, unit = \"单位\" }", "a duration is { amount = N, unit = \"...\" }")
        self.table(value, path, ("amount", "unit"))
        amount, unit = value.get("amount"), value.get("unit")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            self.fail(path + ("amount",), f"应为非负整数，现为 {amount!r}", f"must be a whole number >= 0, got {amount!r}")
        if unit not in UNITS:
            self.fail(path + ("unit",), f"应为 {'、'.join(UNITS)} 之一，现为 {unit!r}",
                      f"must be one of {', '.join(UNITS)}, got {unit!r}")
        return Duration(amount, unit)

    def count(self, value: Any, path, minimum: int = 0) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.fail(path, f"应为不小于 {minimum} 的整数，现为 {value!r}", f"must be a whole number >= {minimum}, got {value!r}")
        return value

    def roles(self, value: Any, path) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(r, str) and r for r in value):
            self.fail(path, "应为非空的角色列表，例如 [\"assignee\"]", "must be a non-empty list of roles such as [\"assignee\"]")
        return tuple(value)

    def count_from(self, value: Any, path) -> str:
        if value not in COUNT_FROM:
            self.fail(path, f"应为 \"immediately\"（即时起算）或 \"next_day\"（次日起算），现为 {value!r}",
                      f"must be \"immediately\" or \"next_day\", got {value!r}")
        return value


def _parse(text: str, source: str) -> Policy:
    doc = load_toml(text, source, PolicyError)
    r = _Reader(text, source)
    r.table(doc, (), ("count_from", "clocks", "ladder", "extension", "tier_upgrade", "unit_talk",
                      "key_persons"))
    count_from = r.count_from(doc.get("count_from", "immediately"), ("count_from",))
    clocks = {name: _clock(r, rule, ("clocks", name))
              for name, rule in r.table(doc.get("clocks", {}), ("clocks",)).items()}
    if not clocks:
        r.fail(("clocks",), "至少要规定一个时限", "at least one clock is required")
    ladder = _ladder(r, doc.get("ladder", []))
    ext = r.table(doc.get("extension", {}), ("extension",), ("max_per_clock", "hard_cap"))
    hard_cap = (r.duration(ext["hard_cap"], ("extension", "hard_cap")) if "hard_cap" in ext
                else Duration(30, "calendar_days"))
    for name, rule in clocks.items():
        cap = rule.extension_cap
        if cap and hard_cap.unit != "business_days" and cap.lower_bound_hours() > hard_cap.lower_bound_hours():
            r.fail(("clocks", name, "extension_cap"), f"超过 extension.hard_cap（{hard_cap.label()}）",
                   f"exceeds extension.hard_cap ({hard_cap.label('en')})")
    tier = r.table(doc.get("tier_upgrade", {}), ("tier_upgrade",), ("after", "recipients"))
    talk = r.table(doc.get("unit_talk", {}), ("unit_talk",), ("level3_per_month", "recipients"))
    return Policy(
        clocks=MappingProxyType(clocks), ladder=ladder, count_from=count_from,
        max_extensions_per_clock=r.count(ext.get("max_per_clock", 1), ("extension", "max_per_clock")),
        extension_hard_cap=hard_cap,
        tier_upgrade_after=r.duration(tier["after"], ("tier_upgrade", "after")) if "after" in tier
        else Duration(60, "calendar_days"),
        tier_upgrade_recipients=r.roles(tier.get("recipients", ["lead_official"]), ("tier_upgrade", "recipients")),
        unit_talk_level3_per_month=r.count(talk.get("level3_per_month", 3), ("unit_talk", "level3_per_month"), 1),
        unit_talk_recipients=r.roles(talk.get("recipients", ["supervisor"]), ("unit_talk", "recipients")),
        key_persons=_key_persons(r, doc.get("key_persons", {})),
        source=source,
    )


def _clock(r: _Reader, rule: Any, path) -> ClockRule:
    r.table(rule, path, ("default", *RISKS, "categories", "tiers", "extension_cap", "count_from"))
    by_category = {}
    for cat, entries in r.table(rule.get("categories", {}), path + ("categories",)).items():
        cpath = path + ("categories", cat)
        r.table(entries, cpath, ("default", *RISKS))
        by_category[cat] = MappingProxyType({k: r.duration(v, cpath + (k,)) for k, v in entries.items()})
    return ClockRule(
        default=r.duration(rule["default"], path + ("default",)) if "default" in rule else None,
        by_risk=MappingProxyType({k: r.duration(rule[k], path + (k,)) for k in RISKS if k in rule}),
        by_category=MappingProxyType(by_category),
        by_tier=MappingProxyType({k: r.duration(v, path + ("tiers", k))
                                  for k, v in r.table(rule.get("tiers", {}), path + ("tiers",)).items()}),
        extension_cap=r.duration(rule["extension_cap"], path + ("extension_cap",)) if "extension_cap" in rule else None,
        count_from=r.count_from(rule["count_from"], path + ("count_from",)) if "count_from" in rule else None,
    )


def _ladder(r: _Reader, steps: Any) -> tuple[LadderStep, ...]:
    if not isinstance(steps, list) or not steps:
        r.fail(("ladder",), "至少要有一级 [[ladder]]", "at least one [[ladder]] step is required")
    out: list[LadderStep] = []
    for i, step in enumerate(steps):
        path = ("ladder", i)
        r.table(step, path, ("name", "kind", "value", "recipients", "list_for_supervision", "label_zh", "label_en"))
        name = step.get("name")
        if not isinstance(name, str) or not name:
            r.fail(path + ("name",), "缺少 name", "name is missing")
        if any(s.name == name for s in out):
            r.fail(path + ("name",), f"名称“{name}”重复", f"name {name!r} is used twice")
        kind, value = step.get("kind"), step.get("value")
        if kind not in STEP_KINDS:
            r.fail(path + ("kind",), f"应为 \"fraction\" 或 \"after_due\"，现为 {kind!r}",
                   f"must be \"fraction\" or \"after_due\", got {kind!r}")
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind == "fraction" and not (number and 0 < value <= 1):
            r.fail(path + ("value",), f"fraction 的 value 应在 0 与 1 之间（如 0.8），现为 {value!r}",
                   f"a fraction's value must be in (0, 1], such as 0.8, got {value!r}")
        if kind == "after_due" and not (number and isinstance(value, int) and value >= 0):
            r.fail(path + ("value",), f"after_due 的 value 应为非负整数（工作日数），现为 {value!r}",
                   f"an after_due value must be a whole number of business days >= 0, got {value!r}")
        if out and (STEP_KINDS.index(kind), value) < (STEP_KINDS.index(out[-1].kind), out[-1].value):
            r.fail(path, "各级须按触发先后排列（先 fraction 由小到大，再 after_due 由小到大）",
                   "steps must be listed in firing order (fractions ascending, then after_due ascending)")
        label_zh = step.get("label_zh")
        if not isinstance(label_zh, str) or not label_zh:
            r.fail(path + ("label_zh",), "缺少中文名称 label_zh（如 “黄牌”）", "label_zh (the Chinese label) is missing")
        label_en = step.get("label_en", name)
        supervise = step.get("list_for_supervision", False)
        if not isinstance(supervise, bool):
            r.fail(path + ("list_for_supervision",), "应为 true 或 false", "must be true or false")
        out.append(LadderStep(name, kind, float(value), r.roles(step.get("recipients"), path + ("recipients",)),
                              supervise, label_zh, str(label_en)))
    return tuple(out)


_DUTY_NAME = re.compile(r"^[a-z][a-z_]{0,11}$")


def _key_persons(r: _Reader, section: Any) -> KeyPersonPolicy:
    path = ("key_persons",)
    r.table(section, path, ("duties", "alarm_recipients"))
    duties = {}
    for name, d in r.table(section.get("duties", {}), path + ("duties",)).items():
        dpath = path + ("duties", name)
        if not _DUTY_NAME.match(name):
            r.fail(dpath, "职责名称应为 1–12 个小写字母或下划线（如 contact）",
                   "a duty name is 1-12 lowercase letters or underscores (such as contact)")
        r.table(d, dpath, ("label_zh", "label_en", "satisfied_by", *RISKS))
        label_zh = d.get("label_zh")
        if not isinstance(label_zh, str) or not label_zh:
            r.fail(dpath + ("label_zh",), "缺少中文名称 label_zh（如 “日见面”）", "label_zh (the Chinese label) is missing")
        methods = d.get("satisfied_by")
        if not isinstance(methods, list) or not methods or any(m not in CONTACT_METHODS for m in methods):
            r.fail(dpath + ("satisfied_by",), f"应为非空列表，取值 {'、'.join(CONTACT_METHODS)}，现为 {methods!r}",
                   f"must be a non-empty list of {', '.join(CONTACT_METHODS)}, got {methods!r}")
        by_risk = {k: _recurrence(r, d[k], dpath + (k,)) for k in RISKS if k in d}
        if not by_risk:
            r.fail(dpath, "至少为一个风险等级（low/medium/high/critical）规定频次",
                   "give the recurrence for at least one risk level (low/medium/high/critical)")
        duties[name] = DutyRule(name, label_zh, str(d.get("label_en", name)), tuple(methods),
                                MappingProxyType(by_risk))
    return KeyPersonPolicy(
        duties=MappingProxyType(duties),
        alarm_recipients=r.roles(section.get("alarm_recipients", ["lead_official"]), path + ("alarm_recipients",)))


def _recurrence(r: _Reader, value: Any, path) -> Recurrence:
    if not isinstance(value, dict):
        r.fail(path, "频次应写作 { every = 数量, unit = \"单位\" }", "a recurrence is { every = N, unit = \"...\" }")
    r.table(value, path, ("every", "unit"))
    every, unit = value.get("every"), value.get("unit")
    if not isinstance(every, int) or isinstance(every, bool) or every < 1:
        r.fail(path + ("every",), f"应为正整数，现为 {every!r}", f"must be a whole number >= 1, got {every!r}")
    if unit not in RECURRENCE_UNITS:
        r.fail(path + ("unit",), f"应为 {'、'.join(RECURRENCE_UNITS)} 之一，现为 {unit!r}",
               f"must be one of {', '.join(RECURRENCE_UNITS)}, got {unit!r}")
    return Recurrence(every, unit)


def _canonical(policy: Policy) -> str:
    def dur(d: Duration | None):
        return None if d is None else [d.amount, d.unit]

    clocks = {name: {"default": dur(c.default), "risk": {k: dur(v) for k, v in c.by_risk.items()},
                     "categories": {k: {r: dur(d) for r, d in v.items()} for k, v in c.by_category.items()},
                     "extension_cap": dur(c.extension_cap), "count_from": c.count_from,
                     # only when used, so that adding the key left existing revisions unchanged
                     **({"tiers": {k: dur(v) for k, v in c.by_tier.items()}} if c.by_tier else {}),
                     **({"outlives_case": True} if c.outlives_case else {})}
              for name, c in policy.clocks.items()}
    ladder = [[s.name, s.kind, s.value, list(s.recipients), s.list_for_supervision, s.label_zh, s.label_en]
              for s in policy.ladder]
    return json.dumps({"clocks": clocks, "ladder": ladder, "count_from": policy.count_from,
                       "ext": [policy.max_extensions_per_clock, dur(policy.extension_hard_cap)],
                       "tier": [dur(policy.tier_upgrade_after), list(policy.tier_upgrade_recipients)],
                       "talk": [policy.unit_talk_level3_per_month, list(policy.unit_talk_recipients)],
                       "key_persons": [[[d.name, d.label_zh, d.label_en, list(d.satisfied_by),
                                         {k: [v.every, v.unit] for k, v in d.by_risk.items()}]
                                        for d in policy.key_persons.duties.values()],
                                       list(policy.key_persons.alarm_recipients)]},
                      sort_keys=True, ensure_ascii=False)
