"""Validation of action input against a definition's field specs.

All errors are collected, so a person fixes a form once, not field by field.
Lookups that need storage (does this user exist, is that unit an office) go
through a small :class:`Resolver` the engine supplies; this module stays pure.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Mapping, Protocol

from disputeflow.workflow.definition import Action, Definition, FieldSpec
from disputeflow.workflow.errors import FieldError, ValidationError

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_TRUE = {"1", "true", "yes", "y", "是", "对", "on"}
_FALSE = {"0", "false", "no", "n", "否", "off", ""}


class Resolver(Protocol):
    def user(self, user_id: str) -> tuple[str, str] | None:
        """(role, unit_path) of an active user, or None."""

    def unit(self, unit_id: str) -> tuple[str, str] | None:
        """(kind, path) of a unit, or None."""


def valid_phone(phone: str) -> bool:
    return bool(MOBILE.match(phone) or LANDLINE.match(phone))


def valid_id_number(number: str) -> bool:
    """Check a resident ID number (GB 11643-1999): 18 characters with a checksum."""
    number = number.upper()
    if not ID_NUMBER.match(number):
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def _normalise_digits(text: str) -> str:
    """Full-width digits and letters (１３８…) are common in typed Chinese input."""
    return text.translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}).strip()


def _choice(defn: Definition, spec: FieldSpec, raw: Any, errors: list[FieldError]) -> str | None:
    vocab = defn.vocab.get(spec.vocab or spec.name, {})
    value = str(raw).strip()
    if value in vocab:
        return value
    for key, lab in vocab.items():  # accept the Chinese or English label too
        if value in (lab.zh, lab.en) or value.lower() == lab.en.lower():
            return key
    options = "、".join(f"{k}（{v.zh}）" for k, v in vocab.items())
    errors.append(FieldError(spec.name, f"“{value}”不是有效选项，可选：{options}",
                             f"{value!r} is not a valid choice; one of: {', '.join(vocab)}"))
    return None


def parse_party(raw: Any, defn: Definition, where: str, errors: list[FieldError]) -> dict | None:
    """A party from a dict or from the CLI's ``NAME[:ROLE[:PHONE[:ID]]]`` form."""
    if isinstance(raw, str):
        parts = raw.split(":")
        raw = {"name": parts[0]}
        if len(parts) > 1 and parts[1]:
            raw["role"] = parts[1]
        if len(parts) > 2 and parts[2]:
            raw["phone"] = parts[2]
        if len(parts) > 3 and parts[3]:
            raw["id_number"] = parts[3]
    if not isinstance(raw, Mapping):
        errors.append(FieldError(where, "当事人格式有误", "malformed party"))
        return None
    unknown = set(raw) - {"name", "role", "phone", "id_number", "address"}
    if unknown:
        errors.append(FieldError(where, f"未知的当事人字段：{'、'.join(sorted(unknown))}",
                                 f"unknown party fields: {', '.join(sorted(unknown))}"))
    name = str(raw.get("name") or "").strip()
    if not name:
        errors.append(FieldError(where, "当事人姓名不能为空", "party name is required"))
    party: dict[str, Any] = {"name": name, "role": "applicant"}
    role = raw.get("role")
    if role:
        spec = FieldSpec(f"{where}.role", "choice", defn.intake.label, vocab="party_role")
        party["role"] = _choice(defn, spec, role, errors)
    phone = raw.get("phone")
    if phone not in (None, ""):
        phone = _normalise_digits(str(phone)).replace(" ", "")
        if not valid_phone(phone):
            errors.append(FieldError(f"{where}.phone", f"电话号码“{phone}”格式有误（手机 11 位，或带区号的固定电话）",
                                     f"phone {phone!r} is malformed (11-digit mobile or landline with area code)"))
        party["phone"] = phone
    idn = raw.get("id_number")
    if idn not in (None, ""):
        idn = _normalise_digits(str(idn)).upper()
        if not valid_id_number(idn):
            errors.append(FieldError(f"{where}.id_number", "身份证号码有误（应为 18 位且校验位正确）",
                                     "ID number is invalid (18 characters with a valid check digit)"))
        party["id_number"] = idn
    if raw.get("address"):
        party["address"] = str(raw["address"]).strip()
    return party


def validate(defn: Definition, action: Action, data: Mapping[str, Any], resolver: Resolver,
             parse_time=None) -> dict[str, Any]:
    """Check and normalise ``data`` for ``action``.

    Returns:
        The cleaned values, keyed by field name (unknown and empty optional
        fields dropped).

    Raises:
        ValidationError: naming every bad, missing or unknown field.
    """
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    known = action.field_names
    for name in data:
        if name not in known:
            allowed = "、".join(f.name for f in action.fields) or "无"
            errors.append(FieldError(name, f"动作“{action.label.zh}”没有此字段（可用字段：{allowed}）",
                                     f"action {action.name} has no such field (fields: {', '.join(known) or 'none'})"))
    for spec in action.fields:
        raw = data.get(spec.name)
        empty = raw is None or (isinstance(raw, (str, list, tuple)) and len(raw) == 0)
        if empty:
            if spec.required:
                errors.append(FieldError(spec.name, f"{spec.label.zh}为必填项", f"{spec.label.en} is required"))
            continue
        value = _one(defn, spec, raw, resolver, errors, parse_time)
        if value is not None:
            clean[spec.name] = value
    if errors:
        raise ValidationError(errors)
    return clean


def _one(defn, spec: FieldSpec, raw: Any, resolver: Resolver, errors: list[FieldError], parse_time) -> Any:
    t = spec.type
    if t == "text":
        value = str(raw).strip()
        if spec.required and not value:
            errors.append(FieldError(spec.name, f"{spec.label.zh}不能为空", f"{spec.label.en} must not be empty"))
            return None
        if len(value) > spec.max_length:
            errors.append(FieldError(spec.name, f"{spec.label.zh}过长（最多 {spec.max_length} 字）",
                                     f"{spec.label.en} is too long (at most {spec.max_length})"))
            return None
        return value
    if t == "choice":
        return _choice(defn, spec, raw, errors)
    if t == "choices":
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        out = []
        for item in items:
            v = _choice(defn, spec, item, errors)
            if v is not None and v not in out:
                out.append(v)
        return out
    if t == "bool":
        s = str(raw).strip().lower()
        if isinstance(raw, bool):
            return raw
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        errors.append(FieldError(spec.name, f"{spec.label.zh}应为 是/否", f"{spec.label.en} must be yes or no"))
        return None
    if t == "int":
        try:
            return int(_normalise_digits(str(raw)))
        except ValueError:
            errors.append(FieldError(spec.name, f"{spec.label.zh}应为整数", f"{spec.label.en} must be a whole number"))
            return None
    if t == "datetime":
        if isinstance(raw, datetime):
            if raw.tzinfo is None:
                errors.append(FieldError(spec.name, f"{spec.label.zh}缺少时区（例如 +08:00）", f"{spec.label.en} has no time zone"))
                return None
            return raw
        try:
            return parse_time(str(raw))
        except ValueError as exc:
            errors.append(FieldError(spec.name, f"{spec.label.zh}：{_zh(exc)}", f"{spec.label.en}: {_en(exc)}"))
            return None
    if t == "user":
        uid = str(raw).strip()
        found = resolver.user(uid)
        if found is None:
            errors.append(FieldError(spec.name, f"用户“{uid}”不存在", f"no user {uid!r}"))
            return None
        if spec.roles and found[0] not in spec.roles:
            errors.append(FieldError(spec.name, f"用户“{uid}”的角色不符（须为：{'、'.join(spec.roles)}）",
                                     f"user {uid!r} must have role {' or '.join(spec.roles)}"))
            return None
        return uid
    if t == "unit":
        uid = str(raw).strip()
        found = resolver.unit(uid)
        if found is None:
            errors.append(FieldError(spec.name, f"单位“{uid}”不存在", f"no unit {uid!r}"))
            return None
        if spec.kinds and found[0] not in spec.kinds:
            errors.append(FieldError(spec.name, f"单位“{uid}”的类型不符（须为：{'、'.join(spec.kinds)}）",
                                     f"unit {uid!r} must be of kind {' or '.join(spec.kinds)}"))
            return None
        return uid
    if t == "clock":
        name = str(raw).strip()
        if defn.clocks and name not in defn.clocks:
            for key, lab in defn.clocks.items():
                if name in (lab.zh, lab.en):
                    return key
            errors.append(FieldError(spec.name, f"时限“{name}”不存在（可选：{'、'.join(defn.clocks)}）",
                                     f"no clock {name!r} (one of {', '.join(defn.clocks)})"))
            return None
        return name
    if t == "parties":
        items = raw if isinstance(raw, (list, tuple)) else [raw]
        parties = [parse_party(p, defn, f"{spec.name}[{i + 1}]", errors) for i, p in enumerate(items)]
        return [p for p in parties if p is not None]
    raise AssertionError(t)


def _zh(exc: Exception) -> str:
    return getattr(exc, "zh", None) or str(exc)


def _en(exc: Exception) -> str:
    return getattr(exc, "en", None) or str(exc)
