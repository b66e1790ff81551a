"""The standard ledgers' own columns: what the register's and the screening ledger's cells record.

The people's-mediation register (受理登记表 / 结案报告表 / 回访) records a 卷号, a
结案时间, how the agreement was performed (协议履行情况) and a free-text visit
(回访情况); the screening-and-control ledger says whether the dispute is under
control (是否在控) and resolved (是否化解), who screened it and who keeps it under
control. They become the case's own facts, with the row's own dates:

- 结案时间 dates the resolution, the visit and the sign-off (a concluded case arrives closed);
- 是否在控 = 是 records control on the report date, unless the ledger dates it;
- 是否化解 = 是 records a resolution on 化解时间 (or the row's latest date, with a warning);
  without an agreement or an outcome it is a resolution without an agreement (``resolved``);
- 回访情况 is the visit's note, and its satisfaction when the text says one (满意, 基本满意, 不满意);
- 卷号 is kept as the case's ``volume_number``; 住址 goes to the parties.
"""

from __future__ import annotations

import re

from disputeflow.ledger_import.values import half_width

# Satisfaction words in a free-text visit, most specific first (不满意 contains 满意).
_SATISFACTION = (("不满意", "dissatisfied"), ("基本满意", "basically_satisfied"), ("较满意", "basically_satisfied"),
                 ("满意", "satisfied"))
# The outcome of a row the ledger says is resolved without saying how (是否化解 = 是).
RESOLVED_ONLY = "resolved"


def volume_number(ref: str | None) -> str | None:
    """The 卷号 as the committee writes it, with half-width digits and brackets: （２０２６）东调字第１号 → (2026)东调字第1号."""
    if not ref:
        return None
    return re.sub(r"\s+", "", half_width(ref).replace("（", "(").replace("）", ")"))


def read_facts(v, r, rec: dict, dates: dict) -> None:
    """Fill ``rec`` from the standard columns the row has; ``v`` is the row validator, ``r`` the row.

    Only what the row says is added: a record of a ledger without these columns stays as it was,
    so re-importing such a ledger finds its rows unchanged.
    """
    got: dict = {}
    if "ref" in v.columns and v.columns["ref"].names[0] in ("卷号", "案卷号", "档案号"):
        got["volume_number"] = volume_number(rec.get("ref"))
    for name, key in (("screener", "screener_name"), ("control_unit", "control_unit_name")):
        got[key] = v._text(r, name)
    address = v._text(r, "address")
    if address:
        parts = v.mapping.split(address) if len(rec["parties"]) > 1 else [address]
        if len(parts) != len(rec["parties"]):
            parts = [address] * len(rec["parties"])
        for p, a in zip(rec["parties"], parts):
            p["address"] = a
    got["in_control"] = in_control = _yes_no(v, r, "in_control")
    if in_control and "controlled_at" not in dates and "reported_at" in dates:
        dates["controlled_at"] = dates["reported_at"]
    got["resolved_flag"] = resolved = _yes_no(v, r, "resolved_flag")
    if resolved and "resolved_at" not in dates and dates:
        dates["resolved_at"] = max(dates.values())
        r.warn("resolved_flag", "是否化解为“是”但没有化解时间，按本行最晚的日期记为化解时间",
               "resolved, but no resolution date: the row's latest date is taken")
    got.update(_performance(v, r))
    source = v._text(r, "source")
    # 人民调解法 第十七条: a party's application, or the committee's own initiative
    got["initiation"] = "application" if "申请" in source else "initiative" if "主动" in source else None
    visit = v._text(r, "visit")
    got["visit_note"] = visit
    got["visit_satisfaction"] = next((code for word, code in _SATISFACTION if word in visit), None)
    rec.update((k, x) for k, x in got.items() if x is not None and x != "")


def _performance(v, r) -> dict:
    raw = v._text(r, "performance")
    if not raw:
        return {}
    code = v.mapping.value("performance", raw)
    if code is None:
        return {"performance_note": raw}  # a sentence, not one of the four words: kept as the note
    return {"performance": code}


def _yes_no(v, r, name: str) -> bool | None:
    raw = v._text(r, name)
    if not raw:
        return None
    word = v.mapping.value("yesno", raw)
    if word is None:
        r.err(name, f"“{raw}”无法识别（可填：是、否）", f"{raw!r} is not yes or no")
        return None
    return word == "yes"
