"""The parties of a ledger row: names, then phones and ID numbers matched to them one to one.

A row names its parties in one column (当事人) or by role (申请人, 被申请人);
phones and ID numbers are lists in the same order, or one per role.
"""

from __future__ import annotations

import re

from disputeflow.workflow.inputs import NAME_MAX, PARTIES_MAX
from disputeflow.workflow.masking import mask_name
from disputeflow.ledger_import.values import LedgerValueError, checked_text, clean_text, parse_id_number, parse_phone


# "胡某等15人": one party entry standing for a group of people (群体); full-width digits are read as well.
_GROUP = re.compile(r"^(.+?)等\s*(\d+)\s*(?:人|名|户)$")
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")}


def group_size(name: str) -> int | None:
    """How many people a party entry like 胡某等15人 (or 胡某等十五人) stands for, or None for one person."""
    text = name.translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)})
    m = _GROUP.match(text) or _GROUP.match(_cn_number(text))
    if not m:
        return None
    n = int(m.group(2))
    return n if n > 1 else None


def _cn_number(text: str) -> str:
    """十五 → 15, 二十 → 20, 三十二 → 32 (the numbers a ledger writes in words)."""
    def one(m):
        s = m.group(0)
        if "十" not in s:
            return "".join(_CN_DIGITS.get(c, c) for c in s)
        tens, _, units = s.partition("十")
        return str(int(_CN_DIGITS.get(tens, "1") if tens else "1") * 10 + (int(_CN_DIGITS[units]) if units else 0))
    return re.sub(r"[〇一二三四五六七八九十]+", one, text)


def people(parties: list[dict]) -> int:
    """The people the parties stand for (涉及人数): a group entry counts its people."""
    return sum(p.get("people") or 1 for p in parties)


def title_name(name: str) -> str:
    """A party's name as a generated title shows it: masked by the parties' rule (张建国 → 张**), a name a
    ledger already wrote masked (李某, 胡某等15人) as it is."""
    return name if ("某" in name or "*" in name) else mask_name(name)


def read_parties(mapping, columns: dict, raws: dict, err) -> list[dict]:
    """The row's parties, each ``{name, role, phone?, id_number?}``; problems go to ``err(field, zh, en)``."""
    out: list[dict] = []
    sep = mapping.split
    for name, role in (("applicant", "applicant"), ("respondent", "respondent"), ("parties", None)):
        raw = raws.get(name)
        if raw is None:
            continue
        for i, who in enumerate(sep(clean_text(raw))):
            r = role or ("applicant" if not out and i == 0 else "respondent")
            if len(who) > NAME_MAX:
                err(name, f"当事人姓名“{who[:20]}…”过长", "party name is too long")
                continue
            try:
                who = checked_text(who, False)
            except LedgerValueError as exc:
                err(name, exc.zh, exc.en)  # the row is refused; the party still counts, so no "no party" as well
            entry = {"name": who, "role": r}
            size = group_size(who)
            if size:
                entry["people"] = size
            out.append(entry)
    if len(out) > PARTIES_MAX:
        err("parties" if "parties" in columns else "applicant", f"当事人超过 {PARTIES_MAX} 人，请分案登记",
            f"more than {PARTIES_MAX} parties; register several cases")
    if not out:
        err("parties" if "parties" in columns else "applicant", "当事人为空", "no party is named")
        return out
    raw_phone = raws.get("phones")
    if raw_phone is not None:
        phones = [raw_phone] if isinstance(raw_phone, (int, float)) else sep(clean_text(raw_phone))
        if len(phones) > 1 and len(phones) != len(out):
            err("phones", f"联系电话有 {len(phones)} 个，当事人有 {len(out)} 人，无法一一对应",
                f"{len(phones)} phone numbers for {len(out)} parties")
        else:
            for p, ph in zip(out, phones):
                try:
                    p["phone"] = parse_phone(ph)
                except LedgerValueError as exc:
                    err("phones", exc.zh, exc.en)
    for name, role in (("applicant_id_number", "applicant"), ("respondent_id_number", "respondent"),
                       ("id_numbers", None)):
        raw = raws.get(name)
        if raw is None:
            continue
        whom = [p for p in out if (role is None or p["role"] == role) and "id_number" not in p]
        ids = [raw] if isinstance(raw, (int, float)) else sep(clean_text(raw))
        if not whom or (len(ids) > 1 and len(ids) != len(whom)):
            who = {"applicant": "申请人", "respondent": "被申请人"}.get(role, "当事人")
            err(name, f"身份证号码有 {len(ids)} 个，{who}有 {len(whom)} 人，无法一一对应",
                f"{len(ids)} ID numbers for {len(whom)} parties")
            continue
        for p, idn in zip(whom, ids):
            try:
                p["id_number"] = parse_id_number(idn)
            except LedgerValueError as exc:
                err(name, exc.zh, exc.en)
    return out
