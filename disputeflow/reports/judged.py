"""The figures counties are judged by (件/人, follow-ups, confirmations, escalations prevented), with definitions.

Upper levels judge a county's mediation work by a handful of figures: the
disputes and the people involved (件/人), how many agreements were performed,
how many went to court for judicial confirmation, whether the parties were
visited and satisfied, and — above all — how many disputes were kept from
turning into a crime, a group incident or a collective petition, and how many
did turn. Each figure here is counted by :class:`JudgedCounts` from the facts of
one case (:class:`disputeflow.reports.facts.CaseFacts`) and is written down in
:data:`FIGURES`; the definitions travel with every statistics report (HTML notes,
the XLSX definitions sheet, docs/reference/statistics.md).

The escalation figures come from the ``prevented`` / ``happened`` choices of the
resolve, close and refer actions (vocabulary ``escalation`` of the grassroots
workflow); the repeat-petition figure from a petition refused because the same
matter was concluded before (petition workflow, ``reject_reason = concluded_before``).
Skip-level petitions (越级上访) are recorded nowhere and are shown as —.
"""

from __future__ import annotations

from datetime import datetime

ESCALATIONS = ("civil_to_criminal", "group_incident", "collective_petition")
SATISFIED = frozenset({"satisfied", "basically_satisfied"})

# key, zh name, en name, kind (count / people / rate), zh definition, en definition.
FIGURES = [
    ("people", "涉及人数", "People involved", "people",
     "涉及人数：本期受理的纠纷的当事人人数（至期末登记的当事人，含追加的；一个当事人记录了人数的按其人数计，否则计1人）。与受理数（件）并列为“件/人”。",
     "People involved: the parties of the disputes reported in the period (as recorded at its end, added parties "
     "included; a party recorded with a head count counts that many, otherwise one). Shown with the reported count as cases/people."),
    ("followed_up", "回访数", "Followed up", "count",
     "回访数：本期办结的纠纷中，办结后至期末有回访记录的件数。",
     "Followed up: disputes concluded in the period with a follow-up visit recorded after the conclusion by the end of the period."),
    ("follow_up_rate", "回访率", "Follow-up rate", "rate",
     "回访率 = 回访数 ÷ 办结数。",
     "Follow-up rate = followed up ÷ concluded."),
    ("satisfaction_rate", "满意率", "Satisfaction rate", "rate",
     "满意率 = 本期有回访的纠纷中，本期最后一次回访为“满意”或“基本满意”的件数 ÷ 本期有回访的件数。",
     "Satisfaction rate = of the disputes visited in the period, those whose last visit in the period found the "
     "parties satisfied or basically satisfied ÷ disputes visited in the period."),
    ("performance_rate", "协议履行率", "Agreement performance rate", "rate",
     "协议履行率 = 本期回访记录了协议履行情况的纠纷中，本期最后一次记录为“已全部履行”的件数 ÷ 记录了履行情况的件数（人民调解法第三十一条：监督履行）。",
     "Agreement performance rate = of the disputes whose performance of the agreement was recorded at a visit in "
     "the period, those last recorded as fully performed ÷ such disputes (the Law art. 31)."),
    ("confirm_applied", "申请司法确认数", "Judicial confirmation applied", "count",
     "申请司法确认数：本期登记的司法确认申请件数（人民调解法第三十三条）。",
     "Judicial confirmation applied: applications for judicial confirmation recorded in the period (the Law art. 33)."),
    ("confirmed", "司法确认有效数", "Confirmed valid", "count",
     "司法确认有效数、驳回数：本期登记的法院裁定调解协议有效、驳回申请的件数。",
     "Confirmed valid, rejected: court rulings recorded in the period that confirmed the agreement, or rejected the application."),
    ("confirm_rejected", "司法确认驳回数", "Confirmation rejected", "count", "", ""),
    ("prevented_civil_to_criminal", "防止民转刑", "Prevented civil-to-criminal", "pair",
     "防止民转刑、防止群体性事件、防止集体上访（件/人）：本期办结、销号或移交时记录为“已防止发生”相应情形的纠纷件数及其当事人人数；同一纠纷本期多次记录计一次。",
     "Prevented civil-to-criminal, group incidents, collective petitions (cases/people): disputes recorded at "
     "resolution, sign-off or referral in the period as having been kept from that outcome, and their people; once per dispute."),
    ("prevented_group_incident", "防止群体性事件", "Prevented group incidents", "pair", "", ""),
    ("prevented_collective_petition", "防止集体上访", "Prevented collective petitions", "pair", "", ""),
    ("happened_civil_to_criminal", "发生民转刑", "Civil-to-criminal happened", "pair",
     "发生民转刑、发生群体性事件、发生集体上访（件/人）：本期办结、销号或移交时记录为“已实际发生”相应情形的纠纷件数及其当事人人数。",
     "Civil-to-criminal, group incidents, collective petitions that happened (cases/people): disputes recorded at "
     "resolution, sign-off or referral in the period as having turned into that, and their people."),
    ("happened_group_incident", "发生群体性事件", "Group incidents happened", "pair", "", ""),
    ("happened_collective_petition", "发生集体上访", "Collective petitions happened", "pair", "", ""),
    ("repeat_petitions", "重复信访数", "Repeat petitions", "count",
     "重复信访数：本期因“复核终结后以同一事实和理由再次提出”不予受理的信访事项件数（信访工作条例第三十六条第三款；仅启用信访流程时有数）。",
     "Repeat petitions: petitions not accepted in the period because the same facts and reasons were concluded "
     "before (信访工作条例 art. 36(3); only with the petition workflow)."),
    ("skip_level_petitions", "越级上访数", "Skip-level petitions", "unknown",
     "越级上访数：系统未记录信访人是否越级，显示为“—”。",
     "Skip-level petitions: not recorded by the system; shown as —."),
]

PAIRS = tuple(f"{w}_{k}" for w in ("prevented", "happened") for k in ESCALATIONS)
COUNTS = ("people", "followed_up", "visited", "satisfied", "perf_base", "performed", "confirm_applied", "confirmed",
          "confirm_rejected", "repeat_petitions", *PAIRS, *(p + "_people" for p in PAIRS))


def definitions() -> list[tuple[str, str, str]]:
    """``(key, zh, en)`` of the figures that carry a definition, for the report's notes."""
    return [(key, zh_def, en_def) for key, _zh, _en, _kind, zh_def, en_def in FIGURES if zh_def]


class JudgedCounts:
    """The counts behind :data:`FIGURES` for one group of cases (zero until added to: see ``Tally``)."""

    def add(self, f, start: datetime, end: datetime, concluded_at: datetime | None) -> None:
        """Count case ``f`` into ``[start, end)``; ``concluded_at`` is its last conclusion in the period, if any."""
        if start <= f.reported_at < end:
            self.people += f.people
        if concluded_at is not None and any(at >= concluded_at for at, _s, _p in f.follow_ups):
            self.followed_up += 1
        self._visits(f, start, end)
        for at, result in f.confirmations:
            if start <= at < end:
                key = {"applied": "confirm_applied", "confirmed": "confirmed", "rejected": "confirm_rejected"}.get(result)
                if key:
                    setattr(self, key, getattr(self, key) + 1)
        self.repeat_petitions += sum(1 for at in f.repeat_petitions if start <= at < end)
        marked: set[str] = set()
        for at, prevented, happened in f.averted:
            if start <= at < end:
                marked.update(f"prevented_{k}" for k in prevented if k in ESCALATIONS)
                marked.update(f"happened_{k}" for k in happened if k in ESCALATIONS)
        for key in marked:
            setattr(self, key, getattr(self, key) + 1)
            setattr(self, key + "_people", getattr(self, key + "_people") + f.people)

    def _visits(self, f, start: datetime, end: datetime) -> None:
        last_satisfaction = last_performance = None
        for at, satisfaction, performance in f.follow_ups:
            if start <= at < end:
                last_satisfaction = satisfaction
                if performance:
                    last_performance = performance
        if last_satisfaction is not None:
            self.visited += 1
            self.satisfied += last_satisfaction in SATISFIED
        if last_performance is not None:
            self.perf_base += 1
            self.performed += last_performance == "full"

    def figures(self, concluded: int) -> dict:
        d = {k: getattr(self, k) for k in COUNTS}
        d["follow_up_rate"] = _ratio(self.followed_up, concluded)
        d["satisfaction_rate"] = _ratio(self.satisfied, self.visited)
        d["performance_rate"] = _ratio(self.performed, self.perf_base)
        d["skip_level_petitions"] = None
        return d


for _k in COUNTS:
    setattr(JudgedCounts, _k, 0)


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den > 0 else None
