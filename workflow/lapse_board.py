"""Key persons' open missed-duty items where supervisors look: the overdue board and a linked case's page.

Missed duties are one open item per person (:mod:`disputeflow.workflow.duty_lapses`),
not clocks of a case, so the board lists them as a group of their own beside the
overdue cases and counts them apart. Names are masked as in the register's
lists for everyone: these reads are not logged on the person's chain, so they
never show the details a logged read would.
"""

from __future__ import annotations

import json

from disputeflow.cases import lapse_reads
from disputeflow.cases.types import from_db
from disputeflow.workflow.masking import mask_name
from disputeflow.workflow.timeutil import iso

GROUP_LABEL = {"zh": "重点人员漏报/漏访", "en": "key persons' missed contacts and reports"}
LEVEL_LABELS = {"level1": ("黄牌", "yellow card"), "level2": ("橙牌", "orange card"), "level3": ("红牌", "red card"),
                None: ("漏报/漏访", "missed")}


def _iso(value) -> str | None:
    dt = from_db(value)
    return iso(dt) if dt else None


def _doc(row, lang: str) -> dict:
    zh, en = LEVEL_LABELS.get(row.level, (row.level, row.level))
    return {"item": row.id, "person_id": row.person_id, "person": mask_name(row.name), "kind": row.kind,
            "risk": row.risk, "unit": row.unit_id, "unit_name": row.unit_name,
            "days_missed": sorted(json.loads(row.days)), "level": row.level,
            "level_label": en if lang.startswith("en") else zh, "listed": bool(row.listed),
            "opened_at": _iso(row.opened_at), "first_due": _iso(row.due_at), "link": f"/persons/{row.person_id}"}


def docs(rows, lang: str) -> dict:
    """The board's group, ``{"label", "total", "items"}``, of rows from
    :func:`disputeflow.cases.lapse_reads.open_items`."""
    items = [_doc(r, lang) for r in rows]
    return {"label": GROUP_LABEL["en" if lang.startswith("en") else "zh"], "total": len(items), "items": items}


def filtered(group: dict, clock: str | None = None, level: str | None = None, risk: str | None = None) -> dict:
    """The group as the board's filters leave it.

    A missed duty is no case clock: a clock filter leaves none. The level filter matches the item's
    card (``warning`` the items not yet carded); the risk filter the person's risk level.
    """
    if not (clock or level or risk):
        return group
    items = [] if clock else [
        i for i in group["items"]
        if (not level or i["level"] == (None if level == "warning" else level)) and (not risk or i["risk"] == risk)]
    return {**group, "total": len(items), "items": items}


def of_case(conn, case_id: int, lang: str) -> list[dict]:
    """The open items of the persons linked to a case, for its page (the reader may read the case)."""
    return [_doc(r, lang) for r in lapse_reads.of_case(conn, case_id)]
