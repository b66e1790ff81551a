"""Validation of action input against a definition's field specs.

All errors are collected, so a person fixes a form once, not field by field.
Lookups that need storage (does this user exist, is that unit an office) go
through a small :class:`Resolver` the engine supplies; this module stays pure.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Mapping, Protocol

from disputeflow.workflow import inputs
from disputeflow.workflow.definition import Action, Definition, FieldSpec, Label
from disputeflow.workflow.errors import FieldError, ValidationError
from disputeflow.workflow.inputs import too_many_parties, valid_id_number, valid_phone  # noqa: F401  (kept importable from here)
from disputeflow.workflow.numbers import fits_int64
from disputeflow.workflow.timeutil import check_time

_TRUE = {"1", "true", "yes", "y", "是", "对", "on"}
_FALSE = {"0", "false", "no", "n", "否", "off", ""}


class Resolver(Protocol):
    def user(self, user_id: str) -> tuple[str, str] | None:
        """(role, unit_path) of an active user, or None."""

    def unit(self, unit_id: str) -> tuple[str, str] | None:
        """(kind, path) of a unit, or None."""


def _normalise_digits(text: str) -> str:
    return inputs.half_width(text).strip()


def _word(spec: FieldSpec, raw: Any, errors: list[FieldError]) -> str | None:
    """A short one-line value (a choice, a user or unit id, a clock name) as text."""
    return inputs.text(spec.name, raw, errors, max_length=inputs.ID_MAX, label=(spec.label.zh, spec.label.en))


def _choice(defn: Definition, spec: FieldSpec, raw: Any, errors: list[FieldError]) -> str | None:
    vocab = defn.vocab.get(spec.vocab or spec.name, {})
    value = _word(spec, raw, errors)
    if value is None:
        return None
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
    name = inputs.text(f"{where}.name", raw.get("name") or "", errors, max_length=inputs.NAME_MAX, required=True,
                       label=("当事人姓名", "party name"))
    party: dict[str, Any] = {"name": name or "", "role": "applicant"}
    role = raw.get("role")
    if role:
        spec = FieldSpec(f"{where}.role", "choice", Label("当事人角色", "party role"), vocab="party_role")
        party["role"] = _choice(defn, spec, role, errors)
    if raw.get("phone") not in (None, ""):
        party["phone"] = inputs.phone(f"{where}.phone", raw["phone"], errors)
    if raw.get("id_number") not in (None, ""):
        party["id_number"] = inputs.id_number(f"{where}.id_number", raw["id_number"], errors)
    address = inputs.optional_text(f"{where}.address", raw.get("address"), errors, max_length=inputs.ADDRESS_MAX,
                                   label=("当事人住址", "party address"))
    if address:
        party["address"] = address
    return party


def validate(defn: Definition, action: Action, data: Mapping[str, Any], resolver: Resolver,
             parse_time=None, now: datetime | None = None) -> dict[str, Any]:
    """Check and normalise ``data`` for ``action``.

    ``now`` (the command's time) lets a datetime field's ``bound`` refuse a time
    on the wrong side of it; without it bounds are not checked.

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
        value = _KINDS[spec.type](spec, raw, errors, defn, resolver, parse_time)  # every FIELD_TYPES has one
        if value is not None and spec.bound and now is not None:
            value = inputs.time_bound(spec.name, value, spec.bound, now, errors, (spec.label.zh, spec.label.en))
        if value is not None:
            clean[spec.name] = value
    if errors:
        raise ValidationError(errors)
    return clean


# What a kind's coercion gets beyond the raw value (most kinds use none of it): the definition, the resolver of
# users and units, and the parser of typed times.
_ParseTime = Callable[[str], datetime] | None


def _as_text(spec: FieldSpec, raw: Any, errors: list[FieldError], defn: Definition, resolver: Resolver,
             parse_time: _ParseTime) -> Any:
    return inputs.text(spec.name, raw, errors, max_length=spec.max_length, multiline=spec.multiline,
                       required=spec.required, label=(spec.label.zh, spec.label.en))


def _as_choice(spec: FieldSpec, raw: Any, errors: list[FieldError], defn: Definition, resolver: Resolver,
               parse_time: _ParseTime) -> Any:
    return _choice(defn, spec, raw, errors)


def _as_choices(spec: FieldSpec, raw: Any, errors: list[FieldError], defn: Definition, resolver: Resolver,
                parse_time: _ParseTime) -> Any:
    """Several choices from a list or a comma-separated string, each once, in the order given."""
    if not isinstance(raw, (str, list, tuple)):
        errors.append(FieldError(spec.name, f"{spec.label.zh}应为选项列表", f"{spec.label.en} must be a list of choices"))
        return None
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    out = []
    for item in items:
        v = _choice(defn, spec, item, errors)
        if v is not None and v not in out:
            out.append(v)
    return out


def _as_bool(spec: FieldSpec, raw: Any, errors: list[FieldError], defn: Definition, resolver: Resolver,
             parse_time: _ParseTime) -> Any:
    s = str(raw).strip().lower()
    if isinstance(raw, bool):
        return raw
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    errors.append(FieldError(spec.name, f"{spec.label.zh}应为 是/否", f"{spec.label.en} must be yes or no"))
    return None


def _as_int(spec: FieldSpec, raw: Any, errors: list[FieldError], defn: Definition, resolver: Resolver,
            parse_time: _ParseTime) -> Any:
    """A whole number, full-width digits accepted; bounded to 32 bits so every database stores it."""
    word = raw if isinstance(raw, int) and not isinstance(raw, bool) else _word(spec, raw, errors)
    if word is None:
        return None
    try:
        number = int(_normalise_digits(str(word)))
    except ValueError:
        number = None
    if number is None or abs(number) >= 2**31:
        errors.append(FieldError(spec.name, f"{spec.label.zh}应为整数", f"{spec.label.en} must be a whole number"))
        return None
    return number


def _as_datetime(spec: FieldSpec, raw: Any, errors: list[FieldError], defn: Definition, resolver: Resolver,
                 parse_time: _ParseTime) -> Any:
    if isinstance(raw, datetime):
        if raw.tzinfo is None:
            errors.append(FieldError(spec.name, f"{spec.label.zh}缺少时区（例如 +08:00）", f"{spec.label.en} has no time zone"))
            return None
        word = raw
    else:
        word = _word(spec, raw, errors)
        if word is None:
            return None
    try:  # a datetime from an embedding system meets the same range as typed text
        return check_time(word) if isinstance(word, datetime) else parse_time(word)
    except ValueError as exc:
        errors.append(FieldError(spec.name, f"{spec.label.zh}：{_zh(exc)}", f"{spec.label.en}: {_en(exc)}"))
        return None


def _as_user(spec: FieldSpec, raw: Any, errors: list[FieldError], defn: Definition, resolver: Resolver,
             parse_time: _ParseTime) -> Any:
    """An active user's id, of one of the field's roles when it names any."""
    uid = _word(spec, raw, errors)
    if uid is None:
        return None
    found = resolver.user(uid)
    if found is None:
        errors.append(FieldError(spec.name, f"用户“{uid}”不存在", f"no user {uid!r}"))
        return None
    if spec.roles and found[0] not in spec.roles:
        errors.append(FieldError(spec.name, f"用户“{uid}”的角色不符（须为：{'、'.join(spec.roles)}）",
                                 f"user {uid!r} must have role {' or '.join(spec.roles)}"))
        return None
    return uid


def _as_unit(spec: FieldSpec, raw: Any, errors: list[FieldError], defn: Definition, resolver: Resolver,
             parse_time: _ParseTime) -> Any:
    """A unit's id, of one of the field's kinds when it names any."""
    uid = _word(spec, raw, errors)
    if uid is None:
        return None
    found = resolver.unit(uid)
    if found is None:
        errors.append(FieldError(spec.name, f"单位“{uid}”不存在", f"no unit {uid!r}"))
        return None
    if spec.kinds and found[0] not in spec.kinds:
        errors.append(FieldError(spec.name, f"单位“{uid}”的类型不符（须为：{'、'.join(spec.kinds)}）",
                                 f"unit {uid!r} must be of kind {' or '.join(spec.kinds)}"))
        return None
    return uid


def _as_clock(spec: FieldSpec, raw: Any, errors: list[FieldError], defn: Definition, resolver: Resolver,
              parse_time: _ParseTime) -> Any:
    """A clock of the definition, by name or label; any name when the definition lists no clocks."""
    name = _word(spec, raw, errors)
    if name is None:
        return None
    if defn.clocks and name not in defn.clocks:
        for key, lab in defn.clocks.items():
            if name in (lab.zh, lab.en):
                return key
        errors.append(FieldError(spec.name, f"时限“{name}”不存在（可选：{'、'.join(defn.clocks)}）",
                                 f"no clock {name!r} (one of {', '.join(defn.clocks)})"))
        return None
    return name


def _as_parties(spec: FieldSpec, raw: Any, errors: list[FieldError], defn: Definition, resolver: Resolver,
                parse_time: _ParseTime) -> Any:
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    if len(items) > inputs.PARTIES_MAX:
        errors.append(too_many_parties(spec.name, len(items)))
        return None
    parties = [parse_party(p, defn, f"{spec.name}[{i + 1}]", errors) for i, p in enumerate(items)]
    return [p for p in parties if p is not None]


# One coercion per field type (disputeflow.workflow.definition.FIELD_TYPES); a test checks none is missing.
_KINDS: dict[str, Callable[[FieldSpec, Any, list[FieldError], Definition, Resolver, _ParseTime], Any]] = {
    "text": _as_text, "choice": _as_choice, "choices": _as_choices, "bool": _as_bool, "int": _as_int,
    "datetime": _as_datetime, "user": _as_user, "unit": _as_unit, "clock": _as_clock, "parties": _as_parties,
}


def note(raw: Any) -> str | None:
    """A command's free-text note, checked like a long text field.

    Raises:
        ValidationError: not text, too long, or holding a control character.
    """
    if raw is None or raw == "":
        return None
    errors: list[FieldError] = []
    value = inputs.text("note", raw, errors, max_length=inputs.NOTE_MAX, multiline=True, label=("备注", "note"))
    if errors:
        raise ValidationError(errors)
    return value or None


def _zh(exc: Exception) -> str:
    return getattr(exc, "zh", None) or str(exc)


def _en(exc: Exception) -> str:
    return getattr(exc, "en", None) or str(exc)
