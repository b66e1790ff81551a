"""The key-person control rate (稳控率), behind one function.

Without a key-person register it is computed from the cases' ``key_person``
flag: of the cases involving a key person that were open at some time in the
period, the share whose control measures (稳控) were recorded by the end of the
period. When the key-person register has people under control in the period
(:func:`disputeflow.workflow.person_queries.control_rate`: persons under
control, and those whose control duties were all met), its figure is used for
the jurisdiction as a whole, with the register's own definition, and the
report says so. A register with nobody under control in the period leaves the
flags' figure in place rather than a blank.
"""

from __future__ import annotations

from datetime import datetime


def from_flags(controlled: int, total: int) -> dict:
    return {"controlled": controlled, "total": total, "rate": _ratio(controlled, total), "source": "case_flags"}


def control_rate(engine, unit: str | None, start: datetime, end: datetime, *, controlled: int, total: int) -> dict:
    """The control rate for the jurisdiction: the register's figure if anyone was under control, else the flags'.

    Returns ``{"controlled", "total", "rate", "source"}`` (source ``key_persons``
    or ``case_flags``), plus ``definition_zh``/``definition_en`` from the register.
    """
    fallback = from_flags(controlled, total)
    from disputeflow.workflow import person_queries

    doc = dict(person_queries.control_rate(engine, unit, start, end) or {})
    reg_total = doc.get("under_control", doc.get("total"))
    reg_done = doc.get("all_duties_met", doc.get("controlled"))
    if not reg_total:
        return fallback
    rate = doc.get("rate")
    rate = round(rate, 4) if rate is not None else _ratio(reg_done or 0, reg_total)
    out = {"controlled": reg_done, "total": reg_total, "rate": rate, "source": "key_persons"}
    for key in ("definition_zh", "definition_en"):
        if doc.get(key):
            out[key] = doc[key]
    return out


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None
