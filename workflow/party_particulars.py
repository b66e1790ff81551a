"""A party's particulars as the standard mediation papers ask for them (人民调解文书格式).

The application (人民调解申请书) and the agreement (调解协议书) give, for a person,
性别, 民族, 年龄 (or 出生日期), 职业 and 住址; for an organisation its 名称 (the
party's name) and 法定代表人. All are optional at intake: a grid officer often
knows only a name and a phone. A resident ID number (GB 11643-1999) carries the
birth date (digits 7–14) and the sex (digit 17: odd male, even female), so those
are filled from it, and a typed value that contradicts it is refused.

Pure: no storage, no clock (``today`` comes from the caller).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Mapping

from disputeflow.workflow import inputs
from disputeflow.workflow.errors import FieldError

KEYS = ("kind", "gender", "ethnicity", "birth_date", "occupation", "legal_representative")
KINDS = {"person": ("自然人", "person"), "organisation": ("法人或其他组织", "organisation")}
GENDERS = {"male": ("男", "male"), "female": ("女", "female")}
ETHNICITY_MAX = 20
OCCUPATION_MAX = 60
EARLIEST_BIRTH = date(1900, 1, 1)


def _choice(field: str, raw: Any, vocab: dict, errors: list[FieldError], label: tuple[str, str]) -> str | None:
    value = inputs.text(field, raw, errors, max_length=inputs.ID_MAX, label=label)
    if value is None:
        return None
    for key, (zh, en) in vocab.items():
        if value in (key, zh) or value.lower() == en:
            return key
    errors.append(FieldError(field, f"{label[0]}“{value}”无效，可选：{'、'.join(zh for zh, _ in vocab.values())}",
                             f"{label[1]} {value!r} is invalid; one of: {', '.join(vocab)}"))
    return None


def _birth_date(field: str, raw: Any, today: date | None, errors: list[FieldError]) -> str | None:
    value = inputs.text(field, raw, errors, max_length=20, label=("出生日期", "birth date"))
    if value is None:
        return None
    try:
        born = date.fromisoformat(inputs.half_width(value).strip())
    except ValueError:
        errors.append(FieldError(field, "出生日期格式应为 YYYY-MM-DD", "birth date must be YYYY-MM-DD"))
        return None
    if born < EARLIEST_BIRTH or (today is not None and born > today):
        errors.append(FieldError(field, "出生日期应为 1900 年以后、今天以前的日期",
                                 "birth date must lie between 1900 and today"))
        return None
    return born.isoformat()


def from_id_number(number: str) -> dict[str, str]:
    """The birth date and sex a valid 18-character resident ID number carries."""
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return {"birth_date": born.isoformat(), "gender": "male" if int(number[16]) % 2 else "female"}


def parse(raw: Mapping[str, Any], where: str, id_number: str | None, errors: list[FieldError],
          today: date | None = None) -> dict[str, str]:
    """The particulars given in ``raw`` (keys of :data:`KEYS`), checked, with what the ID number implies.

    Returns only the keys that have a value; errors name the party's field (``parties[1].gender``).
    """
    out: dict[str, str] = {}
    present = {k: raw.get(k) for k in KEYS if raw.get(k) not in (None, "")}
    if "kind" in present:
        kind = _choice(f"{where}.kind", present["kind"], KINDS, errors, ("当事人类型", "party kind"))
        if kind:
            out["kind"] = kind
    if "gender" in present:
        gender = _choice(f"{where}.gender", present["gender"], GENDERS, errors, ("性别", "gender"))
        if gender:
            out["gender"] = gender
    if "birth_date" in present:
        born = _birth_date(f"{where}.birth_date", present["birth_date"], today, errors)
        if born:
            out["birth_date"] = born
    for key, limit, label in (("ethnicity", ETHNICITY_MAX, ("民族", "ethnicity")),
                              ("occupation", OCCUPATION_MAX, ("职业", "occupation")),
                              ("legal_representative", inputs.NAME_MAX, ("法定代表人", "legal representative"))):
        if key in present:
            value = inputs.text(f"{where}.{key}", present[key], errors, max_length=limit, label=label)
            if value:
                out[key] = value
    if out.get("legal_representative") and out.get("kind", "person") != "organisation":
        out["kind"] = "organisation"
    if id_number:
        _check_against_id(out, from_id_number(id_number), where, errors)
    return out


def _check_against_id(out: dict[str, str], implied: dict[str, str], where: str, errors: list[FieldError]) -> None:
    words = {"birth_date": ("出生日期", "birth date"), "gender": ("性别", "gender")}
    for key, value in implied.items():
        if key in out and out[key] != value:
            errors.append(FieldError(f"{where}.{key}", f"{words[key][0]}与身份证号码不符",
                                     f"{words[key][1]} does not match the ID number"))
        else:
            out[key] = value


def dumps(particulars: Mapping[str, str] | None) -> str | None:
    """The stored form (sorted JSON), None when there is nothing to store."""
    return json.dumps(dict(particulars), ensure_ascii=False, sort_keys=True) if particulars else None


def loads(text: str | None) -> dict[str, str]:
    return json.loads(text) if text else {}


def age(birth_date: str | None, on: date) -> int | None:
    """Whole years on ``on`` (年龄 as the forms print it)."""
    if not birth_date:
        return None
    born = date.fromisoformat(birth_date)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def flatten(row: dict) -> dict:
    """A stored party row with its particulars as keys of its own (the shape intake takes)."""
    extra = loads(row.pop("particulars", None))
    return {**row, **{k: v for k, v in extra.items() if k in KEYS}}
