"""Reading the values people type into ledgers: dates, phone numbers, full-width digits.

Pure functions; each refuses what it cannot read with a reason in Chinese and
English (``LedgerValueError``), never a guess. A ledger's dates are Beijing
dates: a date without a time is 00:00 that day in Asia/Shanghai, as everywhere
in the engine; Excel keeps no zone, so its date-times are read as Beijing time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from disputeflow.workflow.timeutil import LOCAL_TZ, UTC

_FULL = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULL[0x3000] = 0x20  # ideographic space
_DATE = re.compile(
    r"^(\d{4})\s*[年/\-.]\s*(\d{1,2})\s*[月/\-.]\s*(\d{1,2})\s*[日号]?"
    r"(?:[\sT]*(\d{1,2})\s*[:时點点]\s*(\d{1,2})\s*分?(?:\s*[:]\s*(\d{1,2})\s*秒?)?)?\s*$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_EPOCH_1904 = datetime(1904, 1, 1)
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
EXAMPLES = "2026-03-05、2026/3/5 或 2026年3月5日"


class LedgerValueError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


def half_width(text: str) -> str:
    """Full-width digits, letters and punctuation (１３８…, （）) as their ASCII forms."""
    return text.translate(_FULL)


def clean_text(value) -> str:
    """A cell as trimmed text; whole numbers stored as floats lose their “.0”."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


MULTILINE_FIELDS = frozenset({"description", "agreement", "measures", "note", "withdraw_reason"})


def checked_text(text: str, multiline: bool) -> str:
    """A cell's text checked as typed input is (:func:`disputeflow.workflow.inputs.text`).

    A line break or tab in a one-line column (a title wrapped in its cell) is
    read as a space; any other control character is refused, never dropped.

    Raises:
        LedgerValueError: the cell holds a control character.
    """
    from disputeflow.workflow import inputs

    if not multiline:
        text = " ".join(text.replace("\t", " ").splitlines())
    problems: list = []
    got = inputs.text("cell", text, problems, max_length=len(text) + 1, multiline=multiline, label=("单元格", "cell"))
    if got is None:
        raise LedgerValueError(problems[0].zh, problems[0].en)
    return got


def _plausible(d: date, raw) -> None:
    if not (EARLIEST <= d <= LATEST):
        raise LedgerValueError(f"日期“{raw}”不在 {EARLIEST.year}–{LATEST.year} 年之间",
                               f"date {raw!r} is not between {EARLIEST.year} and {LATEST.year}")


def parse_date(value, epoch_1904: bool = False) -> datetime:
    """A ledger date or date-time as an aware UTC datetime.

    Accepts Excel date cells, Excel serial numbers (46086 or “46086”), and text
    such as 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305, each with an
    optional time (14:30, 14时30分), in full-width digits too.

    Raises:
        LedgerValueError: empty, unreadable, non-existent (2026-02-30) or implausible.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=LOCAL_TZ)
        _plausible(value.astimezone(LOCAL_TZ).date(), value)
        return value.astimezone(UTC)
    if isinstance(value, date):
        _plausible(value, value)
        return datetime.combine(value, time(0), LOCAL_TZ).astimezone(UTC)
    if isinstance(value, bool):
        raise LedgerValueError(f"“{value}”不是日期", f"{value!r} is not a date")
    if isinstance(value, (int, float)):
        return _serial(value, epoch_1904)
    text = half_width(str(value or "")).strip()
    if not text:
        raise LedgerValueError("日期为空", "the date is empty")
    m = _DATE.match(text) or None
    parts: tuple
    if m:
        parts = tuple(int(g) if g else 0 for g in m.groups())
    elif _COMPACT.match(text):
        parts = tuple(int(g) for g in _COMPACT.match(text).groups()) + (0, 0, 0)
    elif re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial(float(text), epoch_1904)
    elif "T" in text and re.search(r"(Z|[+-]\d{2}:?\d{2})$", text):  # ISO 8601 with a zone, from another platform
        from disputeflow.workflow.timeutil import parse_time

        try:
            dt = parse_time(text)
        except ValueError:
            dt = None
        if dt is not None:
            _plausible(dt.astimezone(LOCAL_TZ).date(), value)
            return dt
        raise LedgerValueError(f"无法识别的日期“{value}”，可写作 {EXAMPLES}",
                               f"unreadable date {value!r}; write 2026-03-05, 2026/3/5 or 2026年3月5日")
    else:
        raise LedgerValueError(f"无法识别的日期“{value}”，可写作 {EXAMPLES}",
                               f"unreadable date {value!r}; write 2026-03-05, 2026/3/5 or 2026年3月5日")
    y, mo, d, hh, mi, ss = parts
    try:
        local = datetime(y, mo, d, hh, mi, ss, tzinfo=LOCAL_TZ)
    except ValueError:
        raise LedgerValueError(f"日期“{value}”不存在", f"date {value!r} does not exist") from None
    _plausible(local.date(), value)
    return local.astimezone(UTC)


def _serial(number: float, epoch_1904: bool) -> datetime:
    """An Excel serial day number (days since 1899-12-30, or 1904-01-01) as Beijing time."""
    base = _EXCEL_EPOCH_1904 if epoch_1904 else _EXCEL_EPOCH
    try:
        naive = base + timedelta(days=float(number))
    except OverflowError:
        raise LedgerValueError(f"“{number}”不是日期", f"{number!r} is not a date") from None
    naive = naive.replace(microsecond=0) + timedelta(seconds=round(naive.microsecond / 1e6))
    _plausible(naive.date(), number)
    return naive.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def parse_phone(value) -> str:
    """A phone number as digits: numbers stored as numbers (13812345678.0), full-width digits,
    spaces and a +86 prefix are all read; mobiles have 11 digits, landlines an area code.

    Raises:
        LedgerValueError: not a mobile or landline number.
    """
    from disputeflow.workflow import inputs

    got = inputs.phone("phone", clean_text(value), [])  # the one phone rule, as for parties typed in
    if got is not None:
        return got
    from disputeflow.workflow.masking import mask_contacts

    shown = mask_contacts({"phone": clean_text(value)})["phone"]  # reports and logs never carry a whole number
    raise LedgerValueError(f"电话号码“{shown}”格式有误（手机 11 位，或带区号的固定电话）",
                           f"phone {shown!r} is malformed (11-digit mobile or landline with area code)")


def parse_id_number(value) -> str:
    """A resident ID number (18 characters, GB 11643 checksum, last one may be X) as upper-case ASCII.

    Full-width digits, spaces and a lower-case x are read. A number stored as a
    number cannot be trusted: Excel keeps 15 significant digits, so the last
    ones are already lost. Messages show only the last four characters: the
    report is printed and may be logged.

    Raises:
        LedgerValueError: stored as a number, not 18 characters, or a wrong checksum.
    """
    from disputeflow.workflow.masking import mask_contacts
    from disputeflow.workflow import inputs

    text = re.sub(r"[\s\-]", "", half_width(clean_text(value))).upper()
    if (isinstance(value, (int, float)) and not isinstance(value, bool)) or re.fullmatch(r"\d(\.\d+)?E\+\d+", text):
        # a number cell, or one a spreadsheet wrote out as 3.20102198001011E+17
        raise LedgerValueError("身份证号码被存成了数字，末几位已丢失，请把该列设为文本后重新填写",
                               "the ID number is stored as a number and has lost its last digits; "
                               "format the column as text and type it again")
    shown = mask_contacts({"id_number": text})["id_number"]
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise LedgerValueError(f"身份证号码“{shown}”格式有误（应为 18 位，最后一位可为 X）",
                               f"ID number {shown!r} is malformed (18 characters, the last may be X)")
    if inputs.id_number("id_number", text, []) is None:
        raise LedgerValueError(f"身份证号码“{shown}”校验位有误，请核对",
                               f"ID number {shown!r} has a wrong check digit")
    return text
