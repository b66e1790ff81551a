"""Checks on every text and number a person types, shared by every way in.

Actions and intake (:mod:`disputeflow.workflow.fields`), key persons, units, users and the
ledger import call these, so the command line, the web forms, the HTTP API
and bulk work refuse the same input with the same message:

* control characters (a bell in a title breaks the month's XLSX ledger; a
  NUL byte cannot be stored on PostgreSQL), invisible direction overrides and
  unpaired surrogates are refused, never silently removed; line breaks and
  tabs only in long texts (descriptions, notes), never in titles or names;
* every text has a length limit (the named constants below, documented in
  docs/workflows/definitions.md);
* a value of the wrong type (an object where text is expected) is refused;
* phones and resident ID numbers are checked and normalised by one function
  each.

Pure: no storage, no clock (the caller passes ``now``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from disputeflow.workflow.errors import FieldError

TITLE_MAX = 200  # a case's title (the definition may set its own max_length)
NAME_MAX = 100  # a party's, a user's, a key person's or a unit's name
ADDRESS_MAX = 200
NOTE_MAX = 2000  # a command's note, a contact's state or note, a release reason, a key person's reason
ID_MAX = 64  # a user's or a unit's id
EMAIL_MAX = 254
PHONE_MAX = 40  # as typed, before separators are removed
ID_NUMBER_MAX = 40  # as typed
PARTIES_MAX = 200  # parties on one case: local practice registers a larger group as several cases
FUTURE_SKEW = timedelta(minutes=5)  # a "past" time may run this far ahead of the server's clock

# C0 controls but tab and line feed, DEL, C1 controls, the Unicode line and
# paragraph separators, bidirectional embeddings, overrides and isolates, and
# unpaired surrogates (which no database encoding can store).
_MULTILINE_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_LINE_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# What an exported cell may not hold: everything refused above but tab and line breaks.
_EXPORT_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{9,11}$")  # area code (3 or 4 digits) and a 7- or 8-digit number
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）.]")
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_ID_NUMBER = re.compile(r"\d{17}[\dX]")
_ID_SEPARATORS = re.compile(r"[\s\-]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def half_width(text: str) -> str:
    """Full-width digits and letters (１３８…) are common in typed Chinese input."""
    return text if text.isascii() else text.translate(_FULL_WIDTH)


def _label(field: str, label: tuple[str, str] | None) -> tuple[str, str]:
    return label if label else (field, field)


def _as_text(raw: Any) -> str | None:
    """Text as typed; numbers are read as their digits (a JSON phone), anything else is not text."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
    return None


def text(field: str, raw: Any, errors: list[FieldError], *, max_length: int, multiline: bool = False,
         required: bool = False, label: tuple[str, str] | None = None) -> str | None:
    """``raw`` as trimmed text, or None with the reason added to ``errors``.

    Line breaks typed in a browser (``\\r\\n``) are kept as ``\\n`` in multi-line
    texts. An empty optional text is ``""``.

    Args:
        label: the field's (Chinese, English) name for the message; ``field`` when not given.
    """
    if type(raw) is str and raw.isprintable():  # the usual case: no control, format or separator character
        value = raw.strip()
    else:
        value = _unusual(field, raw, errors, multiline, label)
        if value is None:
            return None
    if (required and not value) or len(value) > max_length:
        zh, en = _label(field, label)
        if len(value) > max_length:
            errors.append(FieldError(field, f"{zh}过长（最多 {max_length} 字，现有 {len(value)} 字）",
                                     f"{en} is too long (at most {max_length} characters, got {len(value)})"))
        else:
            errors.append(FieldError(field, f"{zh}不能为空", f"{en} must not be empty"))
        return None
    return value


def _unusual(field: str, raw: Any, errors: list[FieldError], multiline: bool,
             label: tuple[str, str] | None) -> str | None:
    """:func:`text` for a value that is not plain printable text: a number, a line break, a wide space, or worse."""
    zh, en = _label(field, label)
    value = _as_text(raw)
    if value is None:
        errors.append(FieldError(field, f"{zh}应为文字", f"{en} must be text"))
        return None
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    bad = (_MULTILINE_BAD if multiline else _LINE_BAD).search(value)
    if bad:
        what = "换行等控制字符" if bad.group() in "\t\n\r" else "不可见的控制字符"
        errors.append(FieldError(field, f"{zh}含有{what}（第 {bad.start() + 1} 个字符 U+{ord(bad.group()):04X}），请删除后重新输入",
                                 f"{en} holds a control character (U+{ord(bad.group()):04X} at position "
                                 f"{bad.start() + 1}); remove it and try again"))
        return None
    return value.strip()


def optional_text(field: str, raw: Any, errors: list[FieldError], **kw) -> str | None:
    """:func:`text` for a field that may be left out: None and ``""`` give None."""
    if raw is None:
        return None
    value = text(field, raw, errors, **kw)
    return value or None


def phone(field: str, raw: Any, errors: list[FieldError]) -> str | None:
    """A Chinese phone number, normalised, or None with the reason added to ``errors``.

    Accepts a mobile (``1[3-9]`` and nine digits) or a landline with its area
    code, with the separators people type (``138-1234-8000``, ``138 1234 8000``,
    ``(0571) 8888 6666``), full-width digits and a ``+86`` prefix. A mobile is
    kept as its 11 digits; a landline as ``area-number`` (``010``/``02x`` have a
    three-digit area code, every other one four).
    """
    value = text(field, raw, errors, max_length=PHONE_MAX, label=("电话号码", "phone"))
    if value is None:
        return None
    digits = _PHONE_SEPARATORS.sub("", half_width(value))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if MOBILE.match(digits):
        return digits
    if LANDLINE.match(digits):
        area = 3 if digits[1] in "12" else 4
        if 7 <= len(digits) - area <= 8:
            return f"{digits[:area]}-{digits[area:]}"
    errors.append(FieldError(field, f"电话号码“{value[:20]}”格式有误（手机 11 位，或带区号的固定电话，如 0571-88886666）",
                             f"phone {value[:20]!r} is malformed (11-digit mobile or landline with area code)"))
    return None


def valid_phone(value: str) -> bool:
    """Whether :func:`phone` accepts ``value``."""
    return phone("phone", value, []) is not None


def valid_id_number(number: str) -> bool:
    """Check a resident ID number (GB 11643-1999): 17 digits and a check digit (0-9 or X)."""
    number = number.upper()
    if not _ID_NUMBER.fullmatch(number):
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def id_number(field: str, raw: Any, errors: list[FieldError]) -> str | None:
    """A resident ID number, upper-case ASCII, or None with the reason added to ``errors``.

    Full-width digits, spaces, hyphens and a lower-case x are read. The message
    never repeats the number (it may be logged).
    """
    value = text(field, raw, errors, max_length=ID_NUMBER_MAX, label=("身份证号码", "ID number"))
    if value is None:
        return None
    number = _ID_SEPARATORS.sub("", half_width(value)).upper()
    if not valid_id_number(number):
        errors.append(FieldError(field, "身份证号码有误（应为 18 位，最后一位为校验码，可为 X）",
                                 "ID number is invalid (18 characters with a valid check digit, the last may be X)"))
        return None
    return number


def time_bound(field: str, at: datetime, bound: str, now: datetime, errors: list[FieldError],
               label: tuple[str, str] | None = None) -> datetime | None:
    """``at`` if it lies on the allowed side of ``now``, else None with the reason added to ``errors``.

    ``bound`` is ``"past"`` (not after now, give or take :data:`FUTURE_SKEW`:
    a dispute that has not happened cannot be reported) or ``"future"`` (not
    before now: a deadline or an extension that has already passed).
    """
    zh, en = _label(field, label)
    if bound == "past" and at > now + FUTURE_SKEW:
        errors.append(FieldError(field, f"{zh}不能晚于当前时间", f"{en} cannot be in the future"))
        return None
    if bound == "future" and at < now:
        errors.append(FieldError(field, f"{zh}不能早于当前时间", f"{en} cannot be in the past"))
        return None
    return at


def strip_controls(value: Any) -> Any:
    """A text cell without control characters (for exports of rows stored before input was checked)."""
    if isinstance(value, str) and _EXPORT_BAD.search(value):
        return _EXPORT_BAD.sub("", value)
    return value


def too_many_parties(field: str, count: int) -> FieldError:
    """The error for a case that would have more than :data:`PARTIES_MAX` parties."""
    cap = PARTIES_MAX
    return FieldError(field, f"一起案件最多 {cap} 名当事人（现为 {count} 名），人数更多的群体性纠纷请分案登记",
                      f"a case has at most {cap} parties (got {count}); register a larger group as several cases")
