"""Rendering datasets into HTML and Markdown from jinja2 templates.

Templates live in ``templates/reports/``; an operator may put their own copies
of any of them in the directory named by ``report_templates`` in the config,
and those win. Because operators edit them, every template runs in jinja2's
immutable sandbox, and HTML templates are autoescaped by name (``*.html.j2``)
while Markdown ones are not.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from disputeflow.reports import charts

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "templates" / "reports"

# Ledger columns: key, zh, en.
LEDGER_COLUMNS = [
    ("seq", "序号", "No."),
    ("number", "案件编号", "Case number"),
    ("title", "纠纷名称", "Title"),
    ("reported", "登记日期", "Reported"),
    ("assessed", "研判日期", "Assessed"),
    ("resolved", "办结日期", "Resolved"),
    ("closed", "销号/结案日期", "Closed"),
    ("village", "村（社区）", "Village"),
    ("category", "纠纷类型", "Category"),
    ("source", "来源", "Source"),
    ("parties", "当事人", "Parties"),
    ("risk", "风险等级", "Risk"),
    ("responsible_unit", "责任站所", "Responsible unit"),
    ("mediator", "调解员", "Mediator"),
    ("lead_official", "包案领导", "Lead official"),
    ("supervision", "挂牌督办", "Supervision"),
    ("state", "办理状态", "State"),
    ("outcome", "调处结果", "Outcome"),
    ("satisfaction", "回访满意度", "Follow-up satisfaction"),
    ("relapses", "反弹次数", "Relapses"),
    ("overdue_business_days", "逾期工作日", "Business days overdue"),
]

# Statistics columns: key, zh, en, kind (count / rate / days).
STAT_COLUMNS = [
    ("reported", "受理数", "Reported", "count"),
    ("people", "涉及人数", "People", "count"),
    ("concluded", "办结数", "Concluded", "count"),
    ("resolved", "化解数", "Resolved", "count"),
    ("resolution_rate", "化解率", "Resolution rate", "rate"),
    ("mediation_success_rate", "调解成功率", "Mediation success", "rate"),
    ("on_time_rate", "按期办结率", "On time", "rate"),
    ("control_rate", "稳控率", "Control rate", "rate"),
    ("kp_case_control_rate", "涉重点人员纠纷稳控落实率", "Key-person disputes controlled", "rate"),
    ("relapses", "反弹数", "Relapses", "count"),
    ("level1", "黄牌", "Level 1", "count"),
    ("level2", "橙牌", "Level 2", "count"),
    ("level3", "红牌", "Level 3", "count"),
    ("avg_days", "平均化解天数", "Avg days", "days"),
    ("referred", "移交数", "Referred", "count"),
    ("withdrawn", "撤回数", "Withdrawn", "count"),
]

# The work orders by receiving office (交办办理情况): key, zh, en; rates as "3/4 75%".
OFFICE_TITLE = ("交办办理情况（按承办站所）", "Work orders by receiving office")
OFFICE_COLUMNS = [("name", "承办站所", "Office"), ("orders", "交办数", "Dispatched"),
                  ("sign", "按时签收率", "Signed on time"), ("feedback", "按时反馈率", "Reported back on time"),
                  ("returns", "退回数", "Returns")]

TREND_COLUMNS = [("month", "月份", "Month"), ("reported", "受理", "Reported"), ("concluded", "办结", "Concluded"),
                 ("resolved", "化解", "Resolved"), ("relapses", "反弹", "Relapses"), ("overdue", "逾期升级", "Escalations")]


def en(lang: str) -> bool:
    return lang.startswith("en")


def t(lang: str, zh: str, en_text: str) -> str:
    return en_text if en(lang) else zh


class Labels:
    """Vocabulary labels of the default workflow, in one language."""

    def __init__(self, engine, lang: str):
        self.d = engine.definition()
        self.lang = lang

    def __call__(self, vocab: str, code: str | None) -> str:
        if not code:
            return ""
        return self.d.vocab_label(vocab, code, self.lang)

    def state(self, code: str) -> str:
        return self.d.state_label(code, self.lang)


def fmt_rate(v) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def fmt_value(v, kind: str) -> str:
    if kind == "rate":
        return fmt_rate(v)
    if v is None:
        return "—"
    return f"{v:.1f}" if kind == "days" else str(v)


def fmt_share(num: int, den: int) -> str:
    """``3/4 75%``: a rate with the counts it is made of; — when there was nothing to count."""
    if not den:
        return "—"
    pct = f"{num * 100 / den:.1f}".rstrip("0").rstrip(".")
    return f"{num}/{den} {pct}%"


def office_rows(doc: dict) -> list[list]:
    """The office table's rows as display cells, in :data:`OFFICE_COLUMNS` order (none for a dataset without it)."""
    return [[r["name"], r["orders"], fmt_share(r["signed_on_time"], r["sign_due"]),
             fmt_share(r["fed_back_on_time"], r["handle_due"]), r["returns"]] for r in doc.get("by_office") or ()]


def supervision_text(sup: dict | None, labels: Labels) -> str:
    if not sup:
        return ""
    lang = labels.lang
    level = labels("level", sup.get("level"))
    deadline = (sup.get("deadline") or "")[:10]
    if not sup.get("active"):
        return t(lang, f"{level}（已摘牌）", f"{level} (delisted)")
    parts = [level]
    if sup.get("authority"):
        parts.append(sup["authority"])
    if deadline:
        parts.append(t(lang, f"期限 {deadline}", f"due {deadline}"))
    return t(lang, "，", ", ").join(parts)


MAX_PARTIES_LISTED = 3


def party_text(parties: list, labels: Labels) -> str:
    """``张*（申请人）、李*（被申请人）``; a group dispute lists its first two and the head count."""
    lang = labels.lang
    shown = parties if len(parties) <= MAX_PARTIES_LISTED else parties[:2]
    text = t(lang, "、", ", ").join(f"{n}（{labels('party_role', role)}）" if not en(lang)
                                    else f"{n} ({labels('party_role', role)})" for n, role in shown)
    if len(shown) < len(parties):
        text += t(lang, f"等{len(parties)}人", f" and others ({len(parties)} in all)")
    return text


def ledger_cells(doc: dict, labels: Labels) -> list[list]:
    """The ledger's rows as cell values in column order (numbers stay numbers for the spreadsheet)."""
    lang = labels.lang
    out = []
    for i, r in enumerate(doc.get("rows", []), 1):
        parties = party_text(r["parties"], labels)
        outcome = labels("outcome", r["outcome"]) if r["outcome"] else ""
        if r["state"] in ("referred", "referral_closed") and r.get("referred_to"):
            outcome = t(lang, "移交", "referred to ") + labels("referral", r["referred_to"])
        values = {
            "seq": i, "number": r["number"], "title": r["title"], "reported": r["reported"],
            "assessed": r["assessed"], "resolved": r["resolved"], "closed": r["closed"],
            "village": r["village_name"], "category": labels("category", r["category"]),
            "source": labels("source", r["source"]), "parties": parties, "risk": labels("risk", r["risk"]),
            "responsible_unit": r["responsible_unit_name"], "mediator": r["mediator_name"],
            "lead_official": r["lead_official_name"], "supervision": supervision_text(r["supervision"], labels),
            "state": labels.state(r["state"]), "outcome": outcome,
            "satisfaction": labels("satisfaction", r["satisfaction"]), "relapses": r["relapses"],
            "overdue_business_days": r.get("overdue_business_days", r.get("overdue_days", 0)),  # months frozen earlier
        }
        out.append([values[k] for k, *_ in LEDGER_COLUMNS])
    return out


def group_rows(doc: dict, by: str, labels: Labels) -> list[dict]:
    """Rows of one breakdown table with their display name."""
    rows = doc.get(f"by_{by}", [])
    out = []
    for r in rows:
        name = r["name"] if by == "village" else labels(by, r["key"])
        out.append({"name": name, **r})
    return out


@lru_cache(maxsize=8)
def _environment(override: str | None):
    from jinja2 import FileSystemLoader
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    paths = ([override] if override else []) + [str(BUILTIN_DIR)]
    env = ImmutableSandboxedEnvironment(loader=FileSystemLoader(paths),
                                        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                                        trim_blocks=True, lstrip_blocks=True)
    env.filters["rate"] = fmt_rate
    env.globals["fmt_value"] = fmt_value
    return env


def environment(engine):
    return _environment(getattr(engine.config, "report_templates", None) or None)


def render(engine, template: str, lang: str, **context) -> str:
    env = environment(engine)
    labels = Labels(engine, lang)
    return env.get_template(template).render(
        lang=lang, en=en(lang), t=lambda zh, en_text: t(lang, zh, en_text), label=labels, **context)


def chart_context(doc: dict, lang: str, labels: Labels) -> dict:
    """Inline SVG charts for the statistics report (no network, no scripts)."""
    from markupsafe import Markup

    villages = [r for r in group_rows(doc, "village", labels)]
    cats = [r for r in group_rows(doc, "category", labels)]
    trend = doc.get("trend", [])
    return {
        "chart_villages": Markup(charts.bars(
            [(r["name"], r["reported"]) for r in villages], title=t(lang, "各村（社区）受理数", "Reported by village"))),
        "chart_categories": Markup(charts.bars(
            [(r["name"], r["reported"]) for r in cats], title=t(lang, "各类型受理数", "Reported by category"))),
        "chart_trend": Markup(charts.lines(
            [m["month"][2:] for m in trend],
            [(t(lang, "受理", "reported"), [m["reported"] for m in trend]),
             (t(lang, "办结", "concluded"), [m["concluded"] for m in trend]),
             (t(lang, "反弹", "relapses"), [m["relapses"] for m in trend])],
            title=t(lang, "逐月趋势", "Month by month"))),
    }
