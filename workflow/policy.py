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

``months`` and ``years`` keep the day of the month (or take the month's last
day); under ``next_day`` every count of days, months or years follows the
Civil Code, a last day off work included (:mod:`disputeflow.workflow.policy_time`).

Ladder steps: ``fraction`` steps fire when that share of the elapsed time
between start and due has run (warning at 0.8) — of the working time, for a
business-day clock, and never inside the case's quiet hours unless due comes
first (:mod:`disputeflow.workflow.policy_hours`); ``after_due`` steps fire N
business days after due at the same local time of day (0 = at due).

Every entry may say where its numbers come from (``source``);
:meth:`Policy.unsourced` lists those that do not, and :meth:`Policy.load`
warns of them rather than refusing the file, so that an operator's older copy
keeps running after an upgrade.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from typing import TYPE_CHECKING, Mapping

from disputeflow.workflow.policy_canonical import canonical
from disputeflow.workflow.policy_hours import QuietHours, Window, WorkingHours, settle
from disputeflow.workflow.policy_parse import RepeatPolicy, parse
from disputeflow.workflow.policy_terms import (  # noqa: F401  (the policy's vocabulary, importable from here)
    CONTACT_METHODS, COUNT_FROM, EXACT_UNITS, DEFAULT_SOURCE, DUTY_CLOCK_PREFIX, RECURRENCE_UNITS, RISKS, STEP_KINDS, TIER_CLOCK,
    TIER_STEP, UNITS, _DUTY_CLOCK_RULE, AutoListing, ClockRule, DutyRule, Duration, KeyPersonPolicy, LadderStep,
    PolicyError, Recurrence,
)
from disputeflow.workflow.policy_time import add_duration, add_workdays_keep_time
from disputeflow.workflow.screening_rules import ScreeningPolicy
from disputeflow.workflow.tomlfile import read_text
from disputeflow.workflow.timeutil import at_local, to_local, utc

if TYPE_CHECKING:
    from disputeflow.workflow.calendar import BusinessCalendar

log = logging.getLogger(__name__)

__all__ = ["AutoListing", "ClockRule", "DutyRule", "Duration", "KeyPersonPolicy", "LadderStep", "Policy",
           "PolicyError", "Recurrence", "add_duration", "add_workdays_keep_time"]


@dataclass(frozen=True)
class Policy:
    """The whole deadline policy. Immutable; one instance is shared by every request and sweep."""

    clocks: Mapping[str, ClockRule]
    ladder: tuple[LadderStep, ...]
    count_from: str = "immediately"
    max_extensions_per_clock: int = 1
    extension_hard_cap: Duration = Duration(30, "calendar_days")
    extension_cap_from: str = "later"  # an extension's cap counts from the later of due and now, or from "due"
    tier_upgrade_after: Duration = Duration(60, "calendar_days")
    tier_upgrade_recipients: tuple[str, ...] = ("lead_official",)
    unit_talk_level3_per_month: int = 3
    unit_talk_recipients: tuple[str, ...] = ("supervisor",)
    auto_listing: AutoListing = AutoListing()
    # the running clocks a handover (上交、下交) starts again: the new level gets its own time to resolve
    handover_restart: tuple[str, ...] = ("resolve",)
    key_persons: KeyPersonPolicy = KeyPersonPolicy()
    screening: ScreeningPolicy = ScreeningPolicy()
    working_hours: WorkingHours = WorkingHours()
    quiet_hours: QuietHours = QuietHours()
    repeats: RepeatPolicy = RepeatPolicy()  # 反复纠纷 and possible duplicate reports at intake
    # where the numbers of [extension], [tier_upgrade], [unit_talk], [auto_listing], [handover] come from
    section_sources: Mapping[str, str] = field(default_factory=dict, compare=False)
    source: str = field(default=DEFAULT_SOURCE, compare=False)

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
        policy = cls.from_text(read_text(path, PolicyError), str(path))
        missing = policy.unsourced()
        if missing:  # warned, not refused: an operator's older copy must keep running after an upgrade
            log.warning("policy %s: no source for %s (add `source = \"...\"`: a law and article, a regulation "
                        "or \"local practice: ...\")", path, ", ".join(missing))
        return policy

    @classmethod
    def from_text(cls, text: str, source: str = "<text>") -> "Policy":
        """Parse policy TOML. Raises ``PolicyError`` as :meth:`load` does."""
        return cls(**parse(text, source))

    @property
    def revision(self) -> str:
        """A short id of the policy's content; a clock can store it to notice a changed policy."""
        return hashlib.sha256(canonical(self).encode()).hexdigest()[:12]

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

    def step_times(self, started_at: datetime, due_at: datetime, calendar: "BusinessCalendar",
                   business: bool = False, quiet: Window | None = None) -> list[tuple[LadderStep, datetime]]:
        """Every ladder step with the moment it fires, in firing order, as aware UTC.

        Fraction steps (the warning) are rounded to the second and never fall
        after due (a due time set in the past fires them at due). ``business``:
        they count working time and fall in working hours; ``quiet``: one inside
        that daily window fires when it ends, or at due if that comes first
        (:mod:`disputeflow.workflow.policy_hours`). After-due steps are levels
        the board counts by date (:func:`disputeflow.workflow.board.ladder_at`):
        they keep due's time of day on a workday.
        """
        start, due = utc(started_at), utc(due_at)
        span = (due - start).total_seconds()
        working = self.working_hours if business else None
        out: list[tuple[LadderStep, datetime]] = []
        local = None  # due's local day and time of day, converted once for every after-due step (the sweep's hot path)
        for step in self.ladder:
            if step.kind == "fraction":
                at = working.fraction_point(start, due, step.value, calendar) if working else None
                if at is None:
                    at = min(start + timedelta(seconds=round(span * step.value)), due)
                    if working is not None or quiet is not None:
                        at = min(settle(at, working, quiet, calendar), due)
                elif quiet is not None:  # a business-time point is in working hours already
                    at = min(settle(at, None, quiet, calendar), due)
            elif step.value:
                if local is None:
                    local = to_local(due)
                    day, time_of_day = local.date(), local.timetz()
                at = at_local(calendar.add_workdays(day, int(step.value)), time_of_day)  # add_workdays_keep_time
            else:
                at = due
            out.append((step, at))
        return out

    def steps(self, clock: str, started_at: datetime, due_at: datetime, calendar: "BusinessCalendar",
              risk: str | None = None, category: str | None = None,
              tier: str | None = None) -> list[tuple[LadderStep, datetime]]:
        """The steps ``clock`` fires: the ladder, or the single tier-upgrade step for the tier clock.

        Give the case's risk and category (and tier when known): they decide
        whether the clock counts business time and which quiet hours hold its warning.
        A key person's duty clock has no quiet hours: its risk is the person's,
        which the case it is anchored on does not carry, and a duty period is
        mostly a single day whose warning belongs to that day.
        """
        if clock == TIER_CLOCK:
            return [(self.tier_step, utc(due_at))]
        quiet = None if clock.startswith(DUTY_CLOCK_PREFIX) else self.quiet_hours.for_risk(risk)
        out = self.step_times(started_at, due_at, calendar, self.counts_business(clock, risk, category, tier), quiet)
        rungs = self.clocks[clock].rungs if clock in self.clocks else None  # a clock may fire only some rungs
        return out if rungs is None else [(step, at) for step, at in out if step.name in rungs]

    @functools.cached_property
    def off_board(self) -> tuple[str, ...]:
        """The clocks nobody is late on, left off the board: the tier milestone, and every clock whose rungs fire
        nothing at or after due (a window that only warns, as the parties' 30 days to apply for 司法确认)."""
        at_due = {s.name for s in self.ladder if s.kind == "after_due"}
        return (TIER_CLOCK, *(n for n, r in self.clocks.items() if r.rungs is not None and not at_due & set(r.rungs)))

    def quiet_until(self, now: datetime, risk: str | None) -> datetime | None:
        """When the quiet hours of ``risk`` that hold ``now`` end (aware UTC); None if ``now`` is not in them.

        The sweep holds the notices of the steps it raises until then: a level
        reached at night is recorded at night, and told in the morning.
        """
        window = self.quiet_hours.for_risk(risk)
        if window is None:
            return None
        local = to_local(now)
        day, tod = window.after(local.date(), local.time())
        return None if (day, tod) == (local.date(), local.time()) else at_local(day, tod)

    def counts_business(self, clock: str, risk: str | None = None, category: str | None = None,
                        tier: str | None = None) -> bool:
        """Whether ``clock``'s ladder counts working time: its ``ladder_time``, else whether it runs in business days."""
        key = (clock, risk, category, tier)
        got = self._business.get(key)
        if got is None:
            rule = self.clocks.get(clock)
            if rule is None:
                got = False
            elif rule.ladder_time is not None:
                got = rule.ladder_time == "business"
            else:
                d = self.duration(clock, risk, category, tier)
                got = d is not None and d.unit == "business_days"
            if len(self._business) < 10_000:  # bounded: categories are a short vocabulary, but come from data
                self._business[key] = got
        return got

    @functools.cached_property
    def _business(self) -> dict:
        """:meth:`counts_business` answers, memoised (the sweep asks once per clock)."""
        return {}

    def unsourced(self) -> list[str]:
        """The policy entries that do not say where their numbers come from (``source``), as dotted paths."""
        out = [f"clocks.{name}" for name, rule in self.clocks.items() if not rule.source]
        out += [f"ladder.{s.name}" for s in self.ladder if not s.source]
        out += [f"key_persons.duties.{n}" for n, d in self.key_persons.duties.items() if not d.source]
        return out

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
        hard = self.extension_hard_cap
        return hard if cap.lower_bound_hours() > hard.lower_bound_hours() and hard.unit in EXACT_UNITS else cap

    def extension_limit(self, clock: str, due_at: datetime, calendar: "BusinessCalendar",
                        risk: str | None = None, category: str | None = None, tier: str | None = None) -> datetime:
        """The latest due time one extension may set: the earlier of due + cap and due + hard cap (aware UTC)."""
        cap = self.extension_cap(clock, risk, category, tier)
        return min(add_duration(due_at, cap, calendar), add_duration(due_at, self.extension_hard_cap, calendar))

    def listing_deadline(self, listed_at: datetime, calendar: "BusinessCalendar") -> datetime:
        """The supervision deadline of an automatic listing: that many workdays on, same local time (UTC)."""
        return add_workdays_keep_time(listed_at, self.auto_listing.deadline_workdays, calendar)

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


@functools.lru_cache(maxsize=1)
def _default_policy() -> Policy:
    text = (resources.files("disputeflow.workflow") / "policy.toml").read_text(encoding="utf-8")
    return Policy.from_text(text, DEFAULT_SOURCE)
