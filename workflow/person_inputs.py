"""The checks of a key person's registration: identity, officials, kind and size.

Checked as every other input is (:mod:`disputeflow.workflow.inputs`): the same
limits, the same phone and ID rules as a case's parties, every bad field named
at once.
"""

from __future__ import annotations

from disputeflow.cases import key_person_store
from disputeflow.workflow import inputs, person_types, risk as risk_mod
from disputeflow.workflow.errors import FieldError

KINDS = ("person", "group")
MAX_GROUP = 100_000  # people in one group under control; the API's bound too
REASON_KEYS = ("threat", "mental_state", "prior_incidents", "note")

_ROLE_ZH = {"grid_officer": "网格员", "lead_official": "包案领导"}


def user(tx, user_id, role: str, field: str, errors: list) -> None:
    """``user_id`` names an active user of ``role`` (else an error on ``field``)."""
    row = key_person_store.user_role(tx, user_id or "")
    if not user_id:
        errors.append(FieldError(field, "必填", "required"))
    elif not row or not row[1]:
        errors.append(FieldError(field, f"用户“{user_id}”不存在或已停用", f"user {user_id!r} does not exist or is disabled"))
    elif row[0] != role:
        errors.append(FieldError(field, f"用户“{user_id}”的角色不是{_ROLE_ZH[role]}", f"user {user_id!r} is not a {role}"))


def identity(name, id_number, phone, address, reasons, errors: list[FieldError]) -> tuple:
    """The person's name, ID number, phone, address and reasons, cleaned."""
    name = inputs.text("name", name or "", errors, max_length=inputs.NAME_MAX, required=True, label=("姓名", "name"))
    if id_number not in (None, ""):
        id_number = inputs.id_number("id_number", id_number, errors)
    if phone not in (None, ""):
        phone = inputs.phone("phone", phone, errors)
    address = inputs.optional_text("address", address, errors, max_length=inputs.ADDRESS_MAX, label=("住址", "address"))
    if not isinstance(reasons, (dict, type(None))):
        errors.append(FieldError("reasons", "应为“项目: 说明”的集合", "must be a mapping of key to text"))
        return name, id_number or None, phone or None, address, {}
    clean = {}
    for key, value in (reasons or {}).items():
        if key not in REASON_KEYS:
            errors.append(FieldError("reasons", f"未知项：{key}（可用：{'、'.join(REASON_KEYS)}）",
                                     f"unknown key: {key} (allowed: {', '.join(REASON_KEYS)})"))
            continue
        clean[key] = inputs.text(f"reasons.{key}", value, errors, max_length=inputs.NOTE_MAX, multiline=True)
    return name, id_number or None, phone or None, address, clean


def ids(errors: list, **values) -> list:
    """Short identifiers (officials, unit, kind, risk), each within the identifier limit, in the order given."""
    return [inputs.optional_text(f, v, errors, max_length=inputs.ID_MAX) for f, v in values.items()]


def case_numbers(cases, errors: list) -> list[str]:
    """The linked case numbers, each once, in order."""
    if not isinstance(cases, (list, tuple)) or not all(isinstance(c, str) and len(c) <= inputs.ID_MAX for c in cases):
        errors.append(FieldError("cases", "应为案件编号的列表", "must be a list of case numbers"))
        cases = []
    return list(dict.fromkeys(cases or []))


def kind_size_risk(kind, group_size, risk, errors: list) -> None:
    if kind not in KINDS:
        errors.append(FieldError("kind", "应为 person（个人）或 group（群体）", "must be person or group"))
    if kind == "group" and (not isinstance(group_size, int) or isinstance(group_size, bool)
                            or not 2 <= group_size <= MAX_GROUP):
        errors.append(FieldError("group_size", f"群体须填写人数（2 至 {MAX_GROUP} 人）",
                                 f"a group needs its size (2 to {MAX_GROUP})"))
    if risk not in risk_mod.LEVELS:
        errors.append(FieldError("risk", f"应为 {'、'.join(risk_mod.LEVELS)} 之一",
                                 f"must be one of {', '.join(risk_mod.LEVELS)}"))


def person_type(code, errors: list) -> str:
    """The person's type code (default: a dispute party)."""
    code = code or person_types.DEFAULT
    if code not in person_types.TYPES:
        errors.append(FieldError("person_type", f"应为 {'、'.join(person_types.TYPES)} 之一",
                                 f"must be one of {', '.join(person_types.TYPES)}"))
    return code


def keepers(tx, given, errors: list) -> dict:
    """The 包保 official at each level (``{"county": user id or None, "town": …, "village": …}``); each named one
    must be an active user."""
    if not isinstance(given, (dict, type(None))):
        errors.append(FieldError("keepers", "应为 county/town/village 到用户名的集合",
                                 "must map county/town/village to user names"))
        given = {}
    out = {level: None for level in person_types.LEVELS}
    for level, user_id in (given or {}).items():
        field = f"keepers.{level}"
        if level not in person_types.LEVELS:
            errors.append(FieldError("keepers", f"未知层级：{level}（可用：county、town、village）",
                                     f"unknown level: {level} (allowed: county, town, village)"))
            continue
        user_id = inputs.optional_text(field, user_id, errors, max_length=inputs.ID_MAX)
        if not user_id:
            continue
        row = key_person_store.user_role(tx, user_id)
        if not row or not row[1]:
            errors.append(FieldError(field, f"用户“{user_id}”不存在或已停用",
                                     f"user {user_id!r} does not exist or is disabled"))
        out[level] = user_id
    return out
