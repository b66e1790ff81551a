"""The board by town: what a county reader sees across its towns (overdue, open, listed), and 县级挂牌.

A town reader gets their own town only (the counts come from their own
jurisdiction, so nothing of a neighbouring town can appear); a county reader
gets one row per town under the county. Cases whose unit lies in no town (the
county's own offices) are counted under the county itself.
"""

from __future__ import annotations

import json
from datetime import datetime

from disputeflow.cases import county_reads, directory, jurisdiction, transactions
from disputeflow.workflow.masking import mask_text

COUNTY_LISTED_MAX = 200  # a county lists a few dozen cases at most; the page shows them all


def town_board(engine, as_of: datetime, actor, lang: str | None = None) -> dict:
    """``{"towns": [...], "county_listed": [...]}`` for the reader, towns by overdue count, worst first.

    Each town: ``id``, ``name``, ``overdue`` (running clocks past due, the
    board's own count), ``open`` (open disputes, work orders left out),
    ``listed`` (open and listed for supervision at any level) and ``county_listed``.
    """
    from disputeflow.workflow import board
    from disputeflow.workflow.queries import _actor, _iso, scope_of

    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        tree = {r[0]: r for r in directory.all_units(conn)}
        scope = scope_of(conn, who, None)
        tallies = county_reads.tallies_by_unit(conn, scope)
        listed_rows = county_reads.county_listed(conn, scope, COUNTY_LISTED_MAX)
    overdue = board.counts_by_unit(engine, as_of, None, who)

    def lookup(uid: str):
        row = tree.get(uid)
        return (row[2], row[4], row[1]) if row else None

    towns: dict[str, dict] = {}

    def town_row(unit_id: str) -> dict:
        row = tree.get(unit_id)
        path, name = jurisdiction.town_of(row[4] if row else f"/{unit_id}/", lookup)
        tid = path.strip("/").split("/")[-1]
        return towns.setdefault(tid, {"id": tid, "name": name, "path": path, "overdue": 0, "open": 0, "listed": 0,
                                      "county_listed": 0})

    for t in _readers_towns(who, tree.values()):
        town_row(t)
    for unit_id, n in overdue.items():
        town_row(unit_id)["overdue"] += n
    for unit_id, n, listed, county in tallies:
        t = town_row(unit_id)
        t["open"] += n
        t["listed"] += listed
        t["county_listed"] += county
    role = who.role if who else None
    cases = []
    for number, title, unit_id, unit_name, path, data, due in listed_rows:
        _tpath, town_name = jurisdiction.town_of(path, lookup)
        doc = json.loads(data or "{}")
        cases.append({"number": number,
                      "title": mask_text(title, role, engine.unmasked_roles) if role else title, "unit": unit_id,
                      "unit_name": unit_name, "town": town_row(unit_id)["id"], "town_name": town_name,
                      "authority": doc.get("supervision_authority"), "deadline": _iso(due)})
    rows = sorted(towns.values(), key=lambda t: (-t["overdue"], -t["open"], t["path"]))
    return {"towns": rows, "county_listed": cases}


def _readers_towns(who, units) -> list[str]:
    """The towns a reader answers for, listed even when they have nothing open: every town inside the
    reader's jurisdiction (and bound), or the reader's own town when they sit below one."""
    if who is None or who.role in jurisdiction.UNBOUNDED_ROLES:
        return [u[0] for u in units if u[2] == "town" and (who is None or who.within(u[4]))]
    return [u[0] for u in units if u[2] == "town" and who.within(u[4])
            and (u[4].startswith(who.unit_path) or who.unit_path.startswith(u[4]))]
