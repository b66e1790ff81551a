"""Validation of action input against a definition's field specs.

All errors are collected, so a person fixes a form once, not field by field.
Lookups that need storage (does this user exist, is that unit an office) go
through a small :class:`Resolver` the engine supplies; this module stays pure.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Callable, Mapping, NamedTuple, Protocol

from disputeflow.workflow import inputs, party_particulars
from disputeflow.workflow.definition import Action, Definition, FieldSpec, Label
from disputeflow.workflow.errors import FieldError, ValidationError
from disputeflow.workflow.inputs import too_many_parties, valid_id_number, valid_phone  # noqa: F401  (kept importable from here)
from disputeflow.workflow.numbers import fits_int64
from disputeflow.workflow.timeutil import check_time, local_date

_TRUE = {"1", "true", "yes", "y", "是", "对", "on"}
_FALSE = {"0", "false", "no", "n", "否", "off", ""}


class Resolver(Protocol):
    def user(self, user_id: str) -> tuple | None:
        """(role, unit_path) of an active user, (role, unit_path, False) of one switched off, or None."""

    def unit(self, unit_id: str) -> tuple | None:
        """(kind, path) of an active unit, (kind, path, False) of one switched off, or None."""


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


def parse_party(raw: Any, defn: Definition, where: str, errors: list[FieldError],
                today: date | None = None) -> dict | None:
    """A party from a dict, a JSON object, or the CLI's ``NAME[:ROLE[:PHONE[:ID]]]`` form.

    The particulars the mediation papers ask for (:mod:`disputeflow.workflow.party_particulars`)
    come in the dict or JSON form; ``today`` bounds a birth date.
    """
    if isinstance(raw, str) and raw.lstrip().startswith("{"):
        try:
            raw = json.loads(raw)
        except ValueError:
            errors.append(FieldError(where, "当事人格式有误（JSON 无法解析）", "malformed party (not valid JSON)"))
            return None
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
    unknown = set(raw) - {"name", "role", "phone", "id_number", "address", *party_particulars.KEYS}
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
    party.update(party_particulars.parse(raw, where, party.get("id_number"), errors, today))
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
    ctx = None
    known = action.field_names
    if not known.issuperset(data):
        _unknown(action, data, errors)
    for spec in action.fields:
        raw = data.get(spec.name)
        if type(raw) is str:
            empty = not raw
        else:
            empty = raw is None or (isinstance(raw, (list, tuple, str)) and len(raw) == 0)
        if empty:
            if spec.required:
                errors.append(FieldError(spec.name, f"{spec.label.zh}为必填项", f"{spec.label.en} is required"))
            continue
        if ctx is None:  # built with tuple.__new__ (see "Positional rows" in bench/README.md)
            ctx = tuple.__new__(_Context, (defn, resolver, parse_time, now))
        kind = _KINDS.get(spec.type)
        if kind is None:
            raise AssertionError(spec.type)
        value = kind(spec, raw, errors, ctx)
        if value is not None and spec.bound in ("past", "future") and now is not None:
            value = inputs.time_bound(spec.name, value, spec.bound, now, errors, (spec.label.zh, spec.label.en))
        if value is not None:
            clean[spec.name] = value
    if errors:
        raise ValidationError(errors)
    return clean


def _unknown(action: Action, data: Mapping[str, Any], errors: list[FieldError]) -> None:
    """Name each field of ``data`` that ``action`` does not have."""
    known = action.field_names
    for name in data:
        if name not in known:
            allowed = "、".join(f.name for f in action.fields) or "无"
            errors.append(FieldError(name, f"动作“{action.label.zh}”没有此字段（可用字段：{allowed}）",
                                     f"action {action.name} has no such field (fields: {', '.join(known) or 'none'})"))


class _Context(NamedTuple):
    """What a kind's coercion may need beyond the raw value (most kinds use none of it); one per validation."""

    defn: Definition
    resolver: Resolver
    parse_time: Callable[[str], datetime] | None
    now: datetime | None = None

    @property
    def today(self) -> date | None:
        """The command's local date (bounds a party's birth date); worked out only for the kinds that ask."""
        return local_date(self.now) if self.now else None


def _as_text(spec: FieldSpec, raw: Any, errors: list[FieldError], ctx: _Context) -> Any:
    return inputs.text(spec.name, raw, errors, max_length=spec.max_length, multiline=spec.multiline,
                       required=spec.required, label=(spec.label.zh, spec.label.en))


def _as_choice(spec: FieldSpec, raw: Any, errors: list[FieldError], ctx: _Context) -> Any:
    return _choice(ctx.defn, spec, raw, errors)


def _as_choices(spec: FieldSpec, raw: Any, errors: list[FieldError], ctx: _Context) -> Any:
    """Several choices from a list or a comma-separated string, each once, in the order given."""
    if not isinstance(raw, (str, list, tuple)):
        errors.append(FieldError(spec.name, f"{spec.label.zh}应为选项列表", f"{spec.label.en} must be a list of choices"))
        return None
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    out = []
    for item in items:
        v = _choice(ctx.defn, spec, item, errors)
        if v is not None and v not in out:
            out.append(v)
    return out


def _as_bool(spec: FieldSpec, raw: Any, errors: list[FieldError], ctx: _Context) -> Any:
    s = str(raw).strip().lower()
    if isinstance(raw, bool):
        return raw
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    errors.append(FieldError(spec.name, f"{spec.label.zh}应为 是/否", f"{spec.label.en} must be yes or no"))
    return None


def _as_int(spec: FieldSpec, raw: Any, errors: list[FieldError], ctx: _Context) -> Any:
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
    if number < 0 and spec.bound == "nonnegative":  # a count of people or an amount of money
        errors.append(FieldError(spec.name, f"{spec.label.zh}不能为负数", f"{spec.label.en} cannot be negative"))
        return None
    return number


def _as_datetime(spec: FieldSpec, raw: Any, errors: list[FieldError], ctx: _Context) -> Any:
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
        return check_time(word) if isinstance(word, datetime) else ctx.parse_time(word)
    except ValueError as exc:
        errors.append(FieldError(spec.name, f"{spec.label.zh}：{_zh(exc)}", f"{spec.label.en}: {_en(exc)}"))
        return None


def _as_user(spec: FieldSpec, raw: Any, errors: list[FieldError], ctx: _Context) -> Any:
    """An active user's id, of one of the field's roles when it names any."""
    return _directory_id(spec, raw, errors, ctx.resolver.user, spec.roles, ("用户", "user", "角色", "have role"))


def _as_unit(spec: FieldSpec, raw: Any, errors: list[FieldError], ctx: _Context) -> Any:
    """A unit's id, of one of the field's kinds when it names any."""
    return _directory_id(spec, raw, errors, ctx.resolver.unit, spec.kinds, ("单位", "unit", "类型", "be of kind"))


def _directory_id(spec: FieldSpec, raw: Any, errors: list[FieldError], find: Callable[[str], Any],
                  allowed: tuple[str, ...], words: tuple[str, str, str, str]) -> Any:
    """An id ``find`` knows, whose first column (a user's role, a unit's kind) is ``allowed`` when any is named.

    ``words``: what the id names (Chinese, English) and what its first column is (Chinese, English phrase).
    """
    thing_zh, thing_en, what_zh, what_en = words
    uid = _word(spec, raw, errors)
    if uid is None:
        return None
    found = find(uid)
    if found is None:
        errors.append(FieldError(spec.name, f"{thing_zh}“{uid}”不存在", f"no {thing_en} {uid!r}"))
        return None
    if len(found) > 2 and found[2] is False:  # switched off (``deactivate_user``/``deactivate_unit``)
        errors.append(FieldError(spec.name, f"{thing_zh}“{uid}”已停用，不能再指定",
                                 f"{thing_en} {uid!r} is deactivated and cannot be chosen"))
        return None
    if allowed and found[0] not in allowed:
        zh = "、".join(_label_of(a, 0) for a in allowed)
        errors.append(FieldError(spec.name, f"{thing_zh}“{uid}”的{what_zh}不符（须为：{zh}）",
                                 f"{thing_en} {uid!r} must {what_en} {' or '.join(_label_of(a, 1) for a in allowed)}"))
        return None
    return uid


def _label_of(key: str, i: int) -> str:
    """A built-in role's or unit kind's label (调解员, 村), else the key itself (a definition's own role)."""
    from disputeflow.workflow.vocabulary import ROLE_LABELS, UNIT_KINDS

    got = ROLE_LABELS.get(key) or UNIT_KINDS.get(key)
    return got[i] if got else key


def _as_clock(spec: FieldSpec, raw: Any, errors: list[FieldError], ctx: _Context) -> Any:
    """A clock of the definition, by name or label; any name when the definition lists no clocks."""
    defn = ctx.defn
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


def _as_parties(spec: FieldSpec, raw: Any, errors: list[FieldError], ctx: _Context) -> Any:
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    if len(items) > inputs.PARTIES_MAX:
        errors.append(too_many_parties(spec.name, len(items)))
        return None
    parties = [parse_party(p, ctx.defn, f"{spec.name}[{i + 1}]", errors, ctx.today) for i, p in enumerate(items)]
    return [p for p in parties if p is not None]


# One coercion per field type (disputeflow.workflow.definition.FIELD_TYPES); a test checks none is missing.
_KINDS: dict[str, Callable[[FieldSpec, Any, list[FieldError], _Context], Any]] = {
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
