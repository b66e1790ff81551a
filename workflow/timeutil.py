"""Time helpers: store UTC, show Asia/Shanghai, refuse times without a zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class TimeFormatError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


def utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise TimeFormatError("时间缺少时区", "time has no zone")
    return dt.astimezone(timezone.utc)


def to_local(dt: datetime) -> datetime:
    return utc(dt).astimezone(LOCAL_TZ)


def parse_time(text: str) -> datetime:
    """ISO 8601 with a zone (``Z`` or ``+08:00``), or a bare date meaning 00:00 in Asia/Shanghai.

    Raises:
        TimeFormatError: malformed, or a time of day without a zone (ambiguous).
    """
    s = str(text).strip()
    if _DATE_ONLY.match(s):
        try:
            d = date.fromisoformat(s)
        except ValueError:
            raise TimeFormatError(f"日期“{s}”无效", f"invalid date {s!r}") from None
        return datetime.combine(d, time(0), LOCAL_TZ).astimezone(timezone.utc)
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(s.replace(" ", "T", 1) if "T" not in s else s)
    except ValueError:
        raise TimeFormatError(f"时间“{text}”格式有误，应为 ISO 8601，例如 2026-03-05T14:30+08:00",
                              f"time {text!r} is malformed; use ISO 8601 such as 2026-03-05T14:30+08:00") from None
    if dt.tzinfo is None:
        raise TimeFormatError(f"时间“{text}”缺少时区，请写明，例如 {s}+08:00",
                              f"time {text!r} has no zone; add one, e.g. {s}+08:00")
    return dt.astimezone(timezone.utc)


def format_local(dt: datetime | None) -> str:
    if dt is None:
        return ""
    return to_local(dt).strftime("%Y-%m-%d %H:%M")


def iso(dt: datetime) -> str:
    """ISO 8601 in Asia/Shanghai with its offset (``2026-03-05T14:30:00+08:00``)."""
    local = to_local(dt)
    return local.isoformat(timespec="seconds" if local.microsecond == 0 else "microseconds")
