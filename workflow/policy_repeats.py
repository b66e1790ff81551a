"""The policy of ``[repeat_disputes]``: when a party's earlier disputes warn at intake and raise the new case's risk.

反复纠纷 (the same people in dispute again and again) are a classic path to
民转刑; intake looks the new case's parties up (phone, ID number, or name in
the same village) and this policy says what it makes of what it finds:

* a *similar* case (an open one, or one reported in the last ``similar_days``)
  is a possible duplicate report: intake warns and links it, never refuses;
* a *repeat* party (``repeat_count`` or more cases in ``repeat_months``, or
  one still open when ``open_counts``) raises the new case's risk floor to
  ``risk_floor`` and the case names the earlier cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from disputeflow.workflow.policy_terms import RISKS

DEFAULT_SOURCE = "本地做法（local practice）：同一当事人 12 个月内 2 起以上纠纷或有未办结纠纷视为反复纠纷；90 天内重复登记提示"


@dataclass(frozen=True)
class RepeatPolicy:
    similar_days: int = 90
    repeat_months: int = 12
    repeat_count: int = 2
    open_counts: bool = True
    risk_floor: str = "medium"
    source: str | None = None

    def is_repeat(self, earlier_in_window: int, earlier_open: int) -> bool:
        """Whether a party with these earlier cases is in a repeated dispute."""
        return earlier_in_window >= self.repeat_count or (self.open_counts and earlier_open > 0)


KEYS = ("similar_days", "repeat_months", "repeat_count", "open_counts", "risk_floor", "source")


def parse_repeats(r, section) -> RepeatPolicy:
    """``[repeat_disputes]`` checked by the policy reader ``r`` (every key optional)."""
    path = ("repeat_disputes",)
    section = r.table(section, path, KEYS)
    floor = section.get("risk_floor", "medium")
    if floor not in RISKS:
        r.fail(path + ("risk_floor",), f"应为 {'、'.join(RISKS)} 之一，现为 {floor!r}",
               f"must be one of {', '.join(RISKS)}, got {floor!r}")
    open_counts = section.get("open_counts", True)
    if not isinstance(open_counts, bool):
        r.fail(path + ("open_counts",), "应为 true 或 false", "must be true or false")
    return RepeatPolicy(similar_days=r.count(section.get("similar_days", 90), path + ("similar_days",), 1),
                        repeat_months=r.count(section.get("repeat_months", 12), path + ("repeat_months",), 1),
                        repeat_count=r.count(section.get("repeat_count", 2), path + ("repeat_count",), 1),
                        open_counts=open_counts, risk_floor=floor, source=r.cites(section, path))
