"""The building blocks every mediation paper is made of, shared by the HTML and the Word output.

A paper is a list of plain dicts (``k`` says which block): so one description of a
form serves the printable page and the .docx, and a test can read what a paper says
without parsing either. Kinds:

- ``title`` (``text``), ``number`` (``text``, set right), ``h`` (``text``), ``p`` (``text``),
- ``grid`` (``rows``: lists of ``(label, value)`` pairs, printed as a ruled form),
- ``table`` (``head``, ``rows``), ``sign`` (``lines``, set right), ``break`` (a new page).

Party particulars are laid out as the forms lay them out (姓名 性别 民族 年龄 / 职业或职务
联系方式 / 单位或住址; an organisation's 名称 法定代表人 / 住所 联系方式).
"""

from __future__ import annotations

from datetime import date

from disputeflow.workflow import party_particulars

DATE_BLANK = ("　　年　　月　　日", "date: ________")
GENDERS = party_particulars.GENDERS


def title(text: str) -> dict:
    return {"k": "title", "text": text}


def number(text: str) -> dict:
    return {"k": "number", "text": text}


def h(text: str) -> dict:
    return {"k": "h", "text": text}


def p(text: str) -> dict:
    return {"k": "p", "text": text}


def grid(*rows: list[tuple[str, str]]) -> dict:
    return {"k": "grid", "rows": [list(r) for r in rows]}


def table(head: list[str], rows: list[list[str]]) -> dict:
    return {"k": "table", "head": head, "rows": rows}


def sign(*lines: str) -> dict:
    return {"k": "sign", "lines": list(lines)}


def page_break() -> dict:
    return {"k": "break"}


def age_text(birth_date: str | None, today: date, en: bool) -> str:
    """年龄 as the forms print it; a masked birth date (year only) still gives an age."""
    if not birth_date:
        return ""
    try:
        years = party_particulars.age(birth_date, today)
    except ValueError:
        years = today.year - int(birth_date[:4]) if birth_date[:4].isdigit() else None
    if years is None:
        return ""
    return f"{years}" if en else f"{years}岁"


def party_rows(f, party: dict, role_text: str) -> list[list[tuple[str, str]]]:
    """The rows of the particulars grid for one party (``f``: the paper's facts)."""
    t = f.t
    if party.get("kind") == "organisation":
        return [[(role_text + t("（名称）", " (name)"), party.get("name", "")),
                 (t("法定代表人", "Legal representative"), party.get("legal_representative", ""))],
                [(t("住所", "Address"), party.get("address") or ""), (t("联系方式", "Phone"), party.get("phone") or "")]]
    gender = GENDERS.get(party.get("gender") or "", ("", ""))[1 if f.en else 0]
    return [[(role_text, party.get("name", "")), (t("性别", "Sex"), gender),
             (t("民族", "Ethnicity"), party.get("ethnicity") or "")],
            [(t("年龄", "Age"), age_text(party.get("birth_date"), f.today, f.en)),
             (t("职业或职务", "Occupation"), party.get("occupation") or ""),
             (t("联系方式", "Phone"), party.get("phone") or "")],
            [(t("身份证号码", "ID number"), party.get("id_number") or ""),
             (t("单位或住址", "Employer or address"), party.get("address") or "")]]


def parties_grid(f, parties: list[dict]) -> dict:
    rows: list[list[tuple[str, str]]] = []
    for party in parties:
        rows += party_rows(f, party, f.label("party_role", party.get("role") or "applicant"))
    return grid(*rows)


def party_names(f, roles: tuple[str, ...] | None = None) -> str:
    sep = f.t("、", ", ")
    return sep.join(x["name"] for x in f.case["parties"] if roles is None or (x.get("role") or "applicant") in roles)


def party_signatures(f, with_mediator: bool = True, recorder: bool = False) -> dict:
    """A row per party to sign, seal or thumb-print, and the mediator's (and recorder's) lines."""
    t = f.t
    rows = [[f"{f.label('party_role', x.get('role') or 'applicant')}：{x['name']}",
             t("（签名、盖章或按指印）", "(signature, seal or thumbprint)"), t(*DATE_BLANK)] for x in f.case["parties"]]
    if with_mediator:
        rows.append([t("人民调解员：", "Mediator: ") + f.name(f.case.get("mediator")), t("（签名）", "(signature)"),
                     t(*DATE_BLANK)])
    if recorder:
        rows.append([t("记录人：", "Recorded by: "), t("（签名）", "(signature)"), t(*DATE_BLANK)])
    return table([t("签名人", "Signed by"), t("签名", "Signature"), t("日期", "Date")], rows)


def committee_seal(f, day: str = "") -> dict:
    t = f.t
    return sign(f.committee.title(f.lang) + t("（印章）", " (seal)"), day or t(*DATE_BLANK))


def lines(text: str | None) -> list[str]:
    return [x for x in (text or "").split("\n") if x.strip()]
