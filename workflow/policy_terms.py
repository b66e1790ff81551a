"""The vocabulary of a deadline policy: durations, ladder rungs, clock rules, duties, the automatic listing.

Plain frozen values, shared by the parser that builds them and the
:class:`~disputeflow.workflow.policy.Policy` that answers questions with them;
kept apart so that reading what a policy *is* needs neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from disputeflow.workflow.tomlfile import ConfigFileError

UNITS = ("calendar_hours", "calendar_days", "business_days", "months", "years")
RISKS = ("low", "medium", "high", "critical")
COUNT_FROM = ("immediately", "next_day")
STEP_KINDS = ("fraction", "after_due")
LADDER_TIME = ("business", "elapsed")
# Units whose length in hours does not depend on the date (a cap in them can be compared without one).
EXACT_UNITS = ("calendar_hours", "calendar_days")
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
                "business_days": ("{n} 个工作日", "{n} business days"), "months": ("{n} 个月", "{n} months"),
                "years": ("{n} 年", "{n} years")}
# The fewest days a unit spans, for comparing caps of different units (a month may have 28 days).
_MIN_DAYS = {"calendar_days": 1, "business_days": 1, "months": 28, "years": 365}


class PolicyError(ConfigFileError):
    """A policy file that cannot be used, or a question the policy cannot answer (an unknown clock)."""

    kind_zh = "政策文件"
    kind_en = "policy file"


@dataclass(frozen=True)
class Duration:
    """A length of time in one of the ``UNITS``; :mod:`disputeflow.workflow.policy_time` says how each is counted."""

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
        return self.amount if self.unit == "calendar_hours" else 24 * _MIN_DAYS[self.unit] * self.amount


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
    source: str | None = field(default=None, compare=False)  # where the rung's timing comes from

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
    # Where the numbers come from: a law and article, a regulation, or "local practice: …" (本地做法).
    source: str | None = field(default=None, compare=False)
    # How the ladder's fractions count: "business" (working hours of workdays) or "elapsed";
    # None: business time when the clock's duration is in business days.
    ladder_time: str | None = None
    # The rungs of the ladder this clock fires, by name (None: every rung). A window that is the
    # parties' rather than the staff's (司法确认申请期限) only warns: ("warning",).
    rungs: tuple[str, ...] | None = None


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
    source: str | None = field(default=None, compare=False)

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
class ListingRule:
    """Which red cards of one clock list automatically: by the case's (or key person's) risk and category."""

    risks: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def matches(self, risk: str | None, category: str | None) -> bool:
        return (not self.risks or risk in self.risks) and (not self.categories or category in self.categories)


# The shipped policy's per-clock rules (local practice): a missed follow-up call or a key person's
# missed duties are listed for supervision only when the case or person is of high or critical risk.
SHIPPED_BY_CLOCK = MappingProxyType({"follow_up": ListingRule(("high", "critical")),
                                     "key_persons": ListingRule(("high", "critical"))})


@dataclass(frozen=True)
class AutoListing:
    """``[auto_listing]``: a red card lists the case for supervision by itself (自动挂牌督办) when nobody has.

    Which rung lists is the ladder's ``list_for_supervision``; this says at
    which level, in whose name, with how many workdays to settle, and for
    which cases. Empty ``risks`` / ``categories`` mean every risk / category;
    both given, a case must match both. ``by_clock`` replaces them for the red
    cards of one clock (``key_persons``: a key person's missed duties, whose
    category is the person's type). The defaults are the shipped
    ``policy.toml``'s, which is local practice rather than a published rule.
    """

    enabled: bool = True
    level: str = "town"
    by_zh: str = "系统自动挂牌（红牌预警）"
    by_en: str = "listed automatically (red card)"
    deadline_workdays: int = 5
    risks: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    by_clock: Mapping[str, ListingRule] = field(default_factory=lambda: SHIPPED_BY_CLOCK)

    def applies(self, risk: str | None, category: str | None, clock: str | None = None) -> bool:
        """Whether a red card of ``clock`` lists a case (or key person) of this risk and category."""
        rule = self.by_clock.get(clock) if clock else None
        rule = rule or ListingRule(self.risks, self.categories)
        return self.enabled and rule.matches(risk, category)

    def by(self, lang: str = "zh_CN") -> str:
        return self.by_en if lang.startswith("en") else self.by_zh

    def canonical(self) -> list:
        """The section as plain data, for the policy's fingerprint."""
        return [self.enabled, self.level, self.by_zh, self.by_en, self.deadline_workdays, list(self.risks),
                list(self.categories), {k: [list(v.risks), list(v.categories)] for k, v in sorted(self.by_clock.items())}]
