"""Statistics for a period and a jurisdiction, with their definitions written down.

The definitions (``DEFINITIONS``) are printed in every statistics report, so a
reader upstream knows exactly what each figure counts. All figures are as of the
end of the period (see :mod:`disputeflow.reports.facts`).
"""

from __future__ import annotations

from datetime import datetime

from disputeflow.reports import judged, screening_figures
from disputeflow.reports.facts import REFERRED, CaseFacts
from disputeflow.workflow.outcomes import AGREED

# key, zh, en — the order of the report's definitions section.
DEFINITIONS = [
    ("reported", "受理数：本期登记的纠纷件数。",
     "Reported: disputes registered in the period."),
    ("concluded", "办结数：本期内作出调处结果（达成或未达成协议）的纠纷件数，同一纠纷本期多次办结计一次，以最后一次为准。",
     "Concluded: disputes whose mediation ended in the period (agreement or not); a case concluded twice counts once, by its last conclusion."),
    ("resolved", "化解数：办结且达成调解协议的纠纷件数。",
     "Resolved: concluded disputes that ended in a mediation agreement."),
    ("resolution_rate", "化解率 = 本期受理的纠纷中，至期末已化解（达成协议且未反弹）的件数 ÷（本期受理数 − 其中已撤回数）。移交的纠纷计入分母，不计入分子。",
     "Resolution rate = of the disputes reported in the period, those resolved by an agreement and not reopened at the end of the period ÷ (reported − withdrawn among them). Referred disputes count in the denominator only."),
    ("mediation_success_rate", "调解成功率 = 化解数 ÷ 办结数。",
     "Mediation success rate = resolved ÷ concluded."),
    ("on_time_rate", "按期办结率 = 本期办结的纠纷中，在化解时限（含经批准的延期）内办结的件数 ÷ 本期办结数。",
     "On-time completion rate = concluded disputes concluded within their resolution deadline (approved extensions included) ÷ concluded."),
    # One definition of 稳控率 for the total and every row (disputeflow.reports.control).
    ("control_rate", "稳控率 = 本期内在控且各项稳控职责均按期完成的重点人员数 ÷ 本期内在控的重点人员数（取自重点人员台账，合计与各村（社区）同一口径；无在控人员时为“—”）。",
     "Control rate = key persons under control in the period whose control duties due in it were all met ÷ key persons "
     "under control in the period (from the key-person register, the same for the total and every row; — when nobody was under control)."),
    ("kp_case_control_rate", "涉重点人员纠纷稳控措施落实率 = 本期内在办的涉重点人员纠纷中，至期末已落实稳控措施的件数 ÷ 本期内在办的涉重点人员纠纷件数。",
     "Control measures in key-person disputes = disputes involving a key person that were open during the period and had control measures recorded by its end ÷ such disputes."),
    ("relapses", "反弹数：本期内因反弹重新调处的次数（含销号后重开）。",
     "Relapses: reopenings for relapse in the period (reopenings after sign-off included)."),
    ("overdue", "逾期数：本期内发出的黄牌（到期未办）、橙牌（逾期2个工作日）、红牌（逾期5个工作日）次数，每个时限每级最多一次。",
     "Overdue: level-1 (due), level-2 (2 business days late) and level-3 (5 business days late) escalations raised in the period, at most one per clock and level."),
    ("avg_days", "平均化解天数：本期办结的纠纷从登记到办结的平均自然日数。",
     "Average days to resolve: mean calendar days from registration to conclusion of the disputes concluded in the period."),
    ("referred", "移交数、撤回数：本期内移交其他机关或由当事人撤回的件数。",
     "Referred, withdrawn: disputes handed to another body or withdrawn by the parties in the period."),
]

DEFINITIONS += judged.definitions() + screening_figures.definitions()

COUNTS = ("reported", "cohort_withdrawn", "cohort_resolved", "concluded", "resolved", "on_time", "on_time_base",
          "relapses", "level1", "level2", "level3", "kp_total", "kp_controlled", "referred", "withdrawn")


class Tally:
    """Counts for one group (the whole jurisdiction, a village, a category or a source), or one case's share.

    Every count starts at the class's zero and an instance holds only the counts added to, so a case is
    counted once into a fresh tally and that handful of counts is then added to each group it belongs to
    (:meth:`spread`), rather than running the counting rules once per group.
    """

    days_sum = 0.0

    def __init__(self):
        self.judged = judged.JudgedCounts()

    def add(self, f: CaseFacts, start: datetime, end: datetime, due: dict) -> None:
        if start <= f.reported_at < end:
            self.reported += 1
            if f.state == "withdrawn":
                self.cohort_withdrawn += 1
            elif f.done and f.outcome in AGREED:
                self.cohort_resolved += 1
        last = None
        for at, outcome in f.resolves:
            if start <= at < end:
                last = (at, outcome)
        if last is not None:
            at, outcome = last
            self.concluded += 1
            if outcome in AGREED:  # written, oral, or the value stored before they were told apart
                self.resolved += 1
            due_at = due.get((f.id, at))
            if due_at is not None:
                self.on_time_base += 1
                if at <= due_at:
                    self.on_time += 1
            self.days_sum += (at - f.reported_at).total_seconds() / 86400
        self.judged.add(f, start, end, last[0] if last else None)
        for at in f.reopens:
            if start <= at < end:
                self.relapses += 1
        for at, step, _clock in f.escalations:
            if start <= at < end:
                setattr(self, step, getattr(self, step) + 1)
        if f.ended_at is not None and start <= f.ended_at < end:
            if f.state in REFERRED:
                self.referred += 1
            elif f.state == "withdrawn":
                self.withdrawn += 1
        if f.key_person and not f.terminal_before_start():
            self.kp_total += 1
            if f.controlled_at is not None:
                self.kp_controlled += 1

    def spread(self, groups: tuple["Tally", ...]) -> None:
        """Add the counts this tally holds (one case's share) to each of ``groups``; this tally is spent."""
        counts = self.__dict__
        judged_counts = counts.pop("judged").__dict__
        for g in groups:
            mine = g.__dict__
            for k, v in counts.items():
                mine[k] = mine.get(k, 0) + v
            mine = mine["judged"].__dict__
            for k, v in judged_counts.items():
                mine[k] = mine.get(k, 0) + v

    def figures(self) -> dict:
        d = {k: getattr(self, k) for k in COUNTS}
        d["resolution_rate"] = ratio(self.cohort_resolved, self.reported - self.cohort_withdrawn)
        d["mediation_success_rate"] = ratio(self.resolved, self.concluded)
        d["on_time_rate"] = ratio(self.on_time, self.on_time_base)
        d["kp_case_control_rate"] = ratio(self.kp_controlled, self.kp_total)
        d["control_rate"] = None  # the register's figure, set for every row by disputeflow.reports.control
        d.update(self.judged.figures(self.concluded))
        d["avg_days"] = round(self.days_sum / self.concluded, 1) if self.concluded else None
        d["overdue"] = self.level1 + self.level2 + self.level3
        return d

    def active(self) -> bool:
        return any(getattr(self, k) for k in COUNTS) or self.judged.people > 0


for _k in COUNTS:
    setattr(Tally, _k, 0)


def ratio(num: int, den: int) -> float | None:
    """``num / den`` to four places; ``None`` (shown as —) when there is nothing to divide by."""
    return round(num / den, 4) if den > 0 else None


class MonthTally:
    """Event counts per local month for the trend."""

    __slots__ = ("reported", "concluded", "resolved", "relapses", "overdue")

    def __init__(self):
        self.reported = self.concluded = self.resolved = self.relapses = self.overdue = 0

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__}


def add_trend(months: dict[str, MonthTally], f: CaseFacts, start: datetime, end: datetime, month_of) -> None:
    """Count the case's events into the months of the trend window ``[start, end)``."""
    def bucket(at):
        if start <= at < end:
            return months.get(month_of(at))
        return None

    b = bucket(f.reported_at)
    if b is not None:
        b.reported += 1
    last_by_month: dict[str, str] = {}
    for at, outcome in f.resolves:
        if start <= at < end:
            last_by_month[month_of(at)] = outcome
    for key, outcome in last_by_month.items():
        m = months.get(key)
        if m is not None:
            m.concluded += 1
            m.resolved += outcome in AGREED
    for at in f.reopens:
        b = bucket(at)
        if b is not None:
            b.relapses += 1
    for at, _step, _clock in f.escalations:
        b = bucket(at)
        if b is not None:
            b.overdue += 1
