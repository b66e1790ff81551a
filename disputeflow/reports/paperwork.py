"""Mediation paperwork printed from a case: the agreement, the record, return visits, the file index.

The mediation agreement (调解协议书) carries what article 29 of the People's
Mediation Law (人民调解法) asks for: the parties' particulars; the main facts of
the dispute and what is in dispute; the agreed terms, and how and by when they
are to be performed; and it takes effect when every party has signed (or
sealed or thumb-printed), the mediator has signed and the committee's seal is
affixed — so the paper leaves room for all of them. Terms the workflow does
not record (how and when performed) come from the caller or are left blank to
fill in by hand.

Paperwork names parties in full: it is signed by them. Only readers whose role
handles parties (mediator, lead official, supervisor) get unmasked details;
anyone else sees the masked form the case view gives them.
"""

from __future__ import annotations

from disputeflow.workflow.errors import ValidationError
from disputeflow.reports.render import render
from disputeflow.workflow.timeutil import format_local, parse_time

TEMPLATES = {"agreement": "agreement.html.j2", "record": "record.html.j2", "visit": "visit.html.j2",
             "index": "index.html.j2"}
FILE_NAMES = {"agreement": ("调解协议书", "mediation-agreement"), "record": ("调解记录", "mediation-record"),
              "visit": ("回访记录", "return-visits"), "index": ("卷宗目录", "file-index")}

# The case file, in the order a file is bound: document, the actions that produce it.
FILE_ITEMS = [
    ("report", "矛盾纠纷登记表", "registration form"),
    ("assess", "研判记录", "risk assessment"),
    ("control", "稳控措施记录", "control measures"),
    ("plan", "工作专班及化解方案", "working team and plan"),
    ("mediate", "调解记录", "mediation record"),
    ("resolve", "调解协议书或调处结果", "mediation agreement or outcome"),
    ("refer", "移交函", "referral letter"),
    ("withdraw", "撤回申请", "withdrawal"),
    ("supervise", "挂牌督办通知", "supervision notice"),
    ("follow_up", "回访记录", "return-visit record"),
    ("reopen", "反弹重新调处记录", "relapse record"),
    ("close", "销号审批表", "sign-off form"),
]


def _when(text: str | None) -> str:
    return format_local(parse_time(text)) if text else ""


def render_paper(engine, kind: str, who, lang: str, *, number: str | None = None, performance: str | None = None,
                 performance_due: str | None = None, **_ignored) -> tuple[str, bytes]:
    """Render one paper for case ``number``.

    Raises:
        ValidationError: no case number, or an agreement for a case without one.
        NotFound, NotPermitted: as for reading the case.
    """
    if not number:
        raise ValidationError.one("number", "请指明案件编号", "give the case number")
    from disputeflow.workflow import queries

    case = queries.case(engine, number, who, lang)
    history = queries.history(engine, number, who)
    data = case["data"]
    if kind == "agreement" and data.get("outcome") != "agreement":
        raise ValidationError.one("number", f"案件“{number}”尚未达成调解协议，不能生成调解协议书",
                                  f"case {number} has no mediation agreement yet")
    resolve_events = [h for h in history if h["action"] == "resolve"]
    committee = _committee(engine, case)
    ctx = {
        "case": case, "data": data, "history": history, "committee": committee,
        "resolved_at": _when(resolve_events[-1]["at"]) if resolve_events else "",
        "performance": performance or "", "performance_due": performance_due or "",
        "follow_ups": [{**v, "at_local": _when(v.get("at"))} for v in data.get("follow_ups", [])],
        "events": [{**h, "at_local": _when(h["at"])} for h in history],
        "file_items": _file_items(history, lang),
        "reported_local": _when(case["reported_at"]),
    }
    body = render(engine, TEMPLATES[kind], lang, **ctx).encode("utf-8")
    label = FILE_NAMES[kind][1 if lang.startswith("en") else 0]
    return f"{number}-{label}.html", body


def _committee(engine, case: dict) -> str:
    """The people's mediation committee (人民调解委员会) of the case's village, by name."""
    from disputeflow.reports.units import Units

    units = Units.load(engine)
    u = units.get(case["unit"])
    village = units.by_id.get(units.village_of(u.path))
    return (village.name if village else u.name) + "人民调解委员会"


def _file_items(history: list[dict], lang: str) -> list[dict]:
    out = []
    for action, zh, en in FILE_ITEMS:
        events = [h for h in history if h["action"] == action]
        if events:
            out.append({"title": en if lang.startswith("en") else zh, "count": len(events),
                        "first": _when(events[0]["at"])[:10], "last": _when(events[-1]["at"])[:10]})
    return out
