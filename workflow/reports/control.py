"""The key-person control rate (稳控率), behind one function.

Today it is computed from the cases' ``key_person`` flag: of the cases involving
a key person that were open at some time in the period, the share whose control
measures (稳控) were recorded by the end of the period. When the engine offers
the key-person register's own figure (``engine.control_rate(unit, start, end)``),
that figure is used for the jurisdiction as a whole and the report says so.
"""

from __future__ import annotations

from datetime import datetime


def from_flags(controlled: int, total: int) -> dict:
    return {"controlled": controlled, "total": total, "rate": _ratio(controlled, total), "source": "case_flags"}


def control_rate(engine, unit: str | None, start: datetime, end: datetime, *, controlled: int, total: int) -> dict:
    """The control rate for the jurisdiction: the register's figure if the engine has one, else the flags'.

    The register's answer may carry ``rate`` and the counts as ``controlled``/``total``
    (or ``persons``); anything it leaves out is taken from the flags.
    """
    fallback = from_flags(controlled, total)
    fn = getattr(engine, "control_rate", None)
    if not callable(fn):
        return fallback
    doc = dict(fn(unit, start, end) or {})
    total_reg = doc.get("total", doc.get("persons"))
    done_reg = doc.get("controlled")
    rate = doc.get("rate")
    if rate is None and total_reg:
        rate = _ratio(done_reg or 0, total_reg)
    return {"controlled": done_reg, "total": total_reg, "rate": rate, "source": "key_persons"}


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None
