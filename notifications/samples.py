"""Realistic rendering contexts for every notification event, in both languages.

Used to preview templates (``disputeflow notify preview``), by the template
tests and by the rendering benchmark. The parties carry real-looking phones and
an identity number on purpose: whatever a template does with them, the output
must show them masked.
"""

from __future__ import annotations

from disputeflow.notifications.privacy import NOTIFICATION_SCRUB, mask_contacts, scrub, scrub_all
from disputeflow.notifications.render import local_time

RAW_PARTIES = [
    {"name": "张三", "role": "applicant", "phone": "13812348000", "id_number": "11010519491231002X"},
    {"name": "李四", "role": "respondent", "phone": "13912345678", "id_number": "440301198805061234"},
]
SECRETS = ("13812348000", "13912345678", "11010519491231002X", "440301198805061234", "13700001111")

LABELS = {
    "zh_CN": {"category": "邻里纠纷", "risk": "高", "state": "调处中", "unit": "甲村第1网格", "source": "网格排查",
              "clock": "化解时限", "resolve": "化解时限", "follow_up": "回访时限", "warning": "预警", "level1": "黄牌", "level3": "红牌",
              "level": "县级挂牌", "resolved": "已办结", "closed": "已销号", "reported": "已登记",
              "mediating": "调处中", "referred": "已移交"},
    "en": {"category": "neighbour", "risk": "high", "state": "mediating", "unit": "Grid 1 of Jia village",
           "source": "grid patrol", "clock": "resolution", "resolve": "resolution", "follow_up": "follow-up", "warning": "warning",
           "level1": "level 1 (yellow card)", "level3": "level 3 (red card)", "level": "county",
           "resolved": "resolved", "closed": "closed", "reported": "reported", "mediating": "mediating",
           "referred": "referred"},
}

EVENTS = {
    "report": {"data": {"to_state": "reported", "seq": 1}, "to": "reported"},
    "assess": {"data": {"risk": "high", "responsible_unit": "justice", "seq": 2}, "to": "mediating"},
    "assign": {"data": {"mediator": "med1", "seq": 3}},
    "assign_lead": {"data": {"official": "lead", "seq": 4}},
    "supervise": {"data": {"level": "county", "authority": "县综治中心", "deadline": "2026-03-20T09:00:00+08:00"}},
    "delist": {"data": {}},
    "extend": {"data": {"clock": "resolve", "until": "2026-04-15T18:00:00+08:00",
                        "reason": "当事人李四（电话13700001111）外出务工，需待其返乡"}},
    "resolve": {"data": {"outcome": "agreement", "agreement": "双方按界桩重新确认边界"}, "to": "resolved"},
    "close": {"data": {}, "to": "closed"},
    "reopen": {"data": {"reason": "边界界桩被移动，纠纷反弹"}, "to": "mediating"},
    "refer": {"data": {"to": "court"}, "to": "referred"},
    "refer.referral": {"event": "refer", "data": {"to_state": "awaiting", "seq": 1, "parent": "试点-2026-000122"}},
    "feedback.referral": {"event": "feedback", "data": {"to_state": "answered", "result": "已立案（联系人电话13700001111）"}},
    "dispatch": {"data": {"to_state": "pending", "seq": 1, "parent": "试点-2026-000122"}},
    "hand_up": {"data": {"to": "t1", "reason": "涉及两村土地，村级无法化解", "clocks_restarted": ["resolve"]}},
    "hand_down": {"data": {"to": "v1", "reason": "已明确处理意见，交村落实"}},
    "feedback": {"data": {"result": "已督促用工单位支付（联系人电话13700001111）"}},
    "cancel": {"data": {"parent": "试点-2026-000122", "parent_action": "withdraw", "parent_state": "withdrawn"}},
    "escalate.warning": {"data": {"clock": "resolve", "step": "warning", "due_at": "2026-03-18T01:00:00+00:00"}},
    "escalate.level1": {"data": {"clock": "resolve", "step": "level1", "due_at": "2026-03-18T01:00:00+00:00"}},
    "escalate.level3": {"data": {"clock": "resolve", "step": "level3", "due_at": "2026-03-18T01:00:00+00:00",
                                 "listed_for_supervision": {"level": "town", "deadline": "2026-03-30T01:00:00+00:00"}}},
    "escalate.follow_up": {"event": "escalate.warning",
                           "data": {"clock": "follow_up", "step": "warning", "due_at": "2026-03-25T01:00:00+00:00"}},
    "case.tier_upgraded": {"data": {"tier": "complex", "from_tier": "ordinary", "step": "tier_upgrade"}},
    "unit.talk_listed": {"data": {"unit": "justice", "month": "2026-03", "level3_count": 3,
                                  "cases": ["试点-2026-000001", "试点-2026-000002", "试点-2026-000007"]},
                         "case": False},
    "digest": {"data": {"count": 3}, "case": False, "items": True},
    "person.registered": {"data": {"person_id": 7, "person": "张*", "risk": "critical"}},
    "person.alarm": {"data": {"person_id": 7, "person": "张*", "at": "2026-03-05T02:00:00+00:00", "method": "visit",
                              "risk_from": "high", "risk_to": "critical"}},
    "person.released": {"data": {"person_id": 7, "person": "张*", "reason": "纠纷已化解，情绪稳定"}},
    "person.duty_level1": {"data": {"person_id": 7, "person": "张*", "item": 3, "step": "level1",
                                    "days_missed": ["2026-03-04", "2026-03-05"],
                                    "duties_missed": {"2026-03-04": ["contact", "report"], "2026-03-05": ["contact"]},
                                    "first_due": "2026-03-05T00:00:00+08:00",
                                    "step_at": "2026-03-05T00:00:00+08:00"}},
    "screening.level1": {"data": {"unit": "v1", "unit_name": "甲村", "duty": "report", "cadence": "half_month",
                                  "period": "2026-03-01～2026-03-15", "step": "level1",
                                  "due_at": "2026-03-16T16:00:00+00:00"}, "case": False},
}


def context(key: str, lang: str = "zh_CN", recipient: str = "调解员甲") -> tuple[str, dict]:
    """(event, context) for sample ``key`` of :data:`EVENTS`, shaped like :class:`ContextBuilder` output."""
    spec = EVENTS[key]
    lab = LABELS[lang]
    data = scrub_all(dict(spec["data"]))
    parties = [mask_contacts(p, NOTIFICATION_SCRUB) for p in RAW_PARTIES]
    case = None
    if spec.get("case", True):
        case = {
            "number": "试点-2026-000123", "title": scrub("宅基地边界纠纷（张三 13812348000 反映）"),
            "category": "neighbour", "category_label": lab["category"], "risk": "high", "risk_label": lab["risk"],
            "state": "mediating", "state_label": lab["state"], "unit": "v1-g1", "unit_name": lab["unit"],
            "description": scrub("张三（身份证11010519491231002X）与李四因宅基地边界发生争执"),
            "mediator_name": "调解员甲", "lead_official_name": "包案领导王某",
            "responsible_unit_name": "试点司法所", "supervision_level": "county",
            "supervision_level_label": lab["level"], "parties": parties,
            "party_summary": "、".join(p["name"] for p in parties), "source_label": lab["source"],
        }
    items = []
    if spec.get("items"):
        for i, (lvl, clock) in enumerate((("level3", "clock"), ("level1", "follow_up"), ("warning", "clock"))):
            items.append({"number": f"试点-2026-00010{i}", "title": scrub(f"劳资欠薪纠纷{i}（联系人13812348000）"),
                          "unit_name": lab["unit"], "clock": "resolve", "clock_label": lab[clock], "level": lvl,
                          "level_label": lab[lvl], "due_at": "2026-03-01T01:00:00+00:00",
                          "due_local": "2026-03-01 09:00", "overdue_business_days": (5, 0, 0)[i]})
    step = data.get("step")
    to = spec.get("to")
    ctx = {
        "lang": lang, "event": spec.get("event", key), "outbox_id": 42,
        "case_number": case["number"] if case else "", "at": "2026-03-03 09:00", "actor_name": "督办员",
        "case": case, "data": data, "from_state_label": lab["mediating"], "to_state_label": lab[to] if to else "",
        "clock_label": lab.get(data.get("clock") or "", ""), "step_label": lab.get(step or "", step or ""),
        "due_local": local_time(data.get("due_at") or data.get("until") or data.get("deadline")),
        "level_label": lab["level"] if data.get("level") else "",
        "unit_name": "试点司法所" if lang == "zh_CN" else "Justice office", "items": items,
        "recipient_name": recipient, "link": "https://tiaojie.example.gov.cn/cases/试点-2026-000123" if case else "",
    }
    return ctx["event"], ctx
