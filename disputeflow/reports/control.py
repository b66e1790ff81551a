"""The key-person control rate (稳控率): one definition, for the total and every row of a report.

稳控率 is a figure about people under control, so it is taken from the
key-person register (:func:`disputeflow.workflow.person_queries.control_rate`):
of the persons under control at some moment of the period, the share whose
control duties due in the period were all met. The total row and each village
row are computed the same way over their own part of the register (a report
used to take the total from the register and the village rows from the cases'
``key_person`` flag, so the rows did not add up to the total). With nobody
under control the rate is ``None`` (shown as —), never a figure of another kind.
Persons registered at the town itself (not in a village) count in the total only.

The cases' flag gives a different figure — of the disputes involving a key
person, those whose control measures (稳控) were recorded — which reports show
under its own name (``kp_case_control_rate``, 涉重点人员纠纷稳控措施落实率).
"""

from __future__ import annotations

from datetime import datetime

SOURCE = "key_persons"


def control_rate(engine, unit: str, start: datetime, end: datetime) -> dict:
    """``{"controlled", "total", "rate", "source", "definition_zh", "definition_en"}`` of ``unit`` and the units under it."""
    from disputeflow.workflow import person_queries

    doc = dict(person_queries.control_rate(engine, unit, start, end) or {})
    total = doc.get("under_control", doc.get("total")) or 0
    done = doc.get("all_duties_met", doc.get("controlled")) or 0
    out = {"controlled": done, "total": total, "rate": _ratio(done, total), "source": SOURCE}
    for key in ("definition_zh", "definition_en"):
        if doc.get(key):
            out[key] = doc[key]
    return out


def row_rates(engine, units: list[str], start: datetime, end: datetime, *, any_under_control: bool) -> dict[str, dict]:
    """The same figure for each of ``units`` (a jurisdiction with nobody under control asks nothing more)."""
    if not any_under_control:
        return {u: nobody() for u in units}
    return {u: control_rate(engine, u, start, end) for u in units}


def nobody() -> dict:
    """The figure of a part of the jurisdiction with nobody under control: —."""
    return {"controlled": 0, "total": 0, "rate": None, "source": SOURCE}


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None
