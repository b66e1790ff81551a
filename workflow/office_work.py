"""An office's desk (站所工作台) and the board's overdue work orders by receiving office.

The town's centre keeps the procedure moving while the office settles the
substance, so the office needs one place listing what was sent to it, by where
it stands in the loop (待签收 / 办理中 / 已反馈), each with its running clock;
and a supervisor needs to see which office is late, not only which case.
"""

from __future__ import annotations

import json
from datetime import datetime

from disputeflow.cases import directory, jurisdiction, office_reads, transactions
from disputeflow.cases.types import from_db
from disputeflow.workflow.errors import NotPermitted
from disputeflow.workflow.masking import mask_text
from disputeflow.workflow.policy import TIER_CLOCK
from disputeflow.workflow.queries import _actor, _iso, level_at, scope
from disputeflow.workflow.timeutil import workdays_late

# The tabs of the desk, in the order of the loop (the work_order workflow's open states).
DESK_STATES = ("pending", "handling", "reported_back")
# The most overdue work orders the board lists (the office sections are a summary, not the whole board).
BOARD_LIMIT = 200


def _clock(engine, d, name: str, started, due, as_of: datetime, risk: str | None, category: str | None,
           lang: str) -> dict:
    due_dt = from_db(due)
    return {"clock": name, "label": d.clock_label(name, lang, engine.policy), "due_at": _iso(due),
            "level": level_at(engine, from_db(started), due_dt, as_of, name, risk, category),
            "overdue": due_dt <= as_of}


def _open_child_states(engine) -> list[str]:
    """The open states of every child workflow (work orders and an embedder's own sub-workflows)."""
    names = {s.name for d in engine.definitions() if d.child is not None for s in d.states if not s.terminal}
    return sorted(names)


def _office_reader(engine, conn, actor):
    who = _actor(engine, conn, actor)
    if who is None or who.role != "office_staff" or not who.unit_id:
        raise NotPermitted("交办工作台仅供站所工作人员使用", "the work-order desk is for office staff")
    return who


def desk(engine, actor, state: str | None = None, *, limit: int = 50, offset: int = 0,
         lang: str | None = None) -> dict:
    """Work orders sent to the reader's office: ``{"office", "office_name", "counts", "items", "more"}``.

    ``state`` picks one state (any of the child workflow's, ``done`` included);
    without it, every open work order. ``counts`` are the open ones per state.
    Items carry their running clocks, each with its ladder level and ``overdue``.
    """
    lang = lang or engine.lang
    as_of = engine.clock.now()
    with transactions.read(engine.store) as conn:
        who = _office_reader(engine, conn, actor)
        where = jurisdiction.case_scope(who)
        office_name = directory.names(conn, [who.unit_id]).get(who.unit_id, who.unit_id)
        open_states = _open_child_states(engine)
        counts = office_reads.state_counts(conn, who.unit_id, where, open_states)
        rows = office_reads.orders(conn, who.unit_id, where, [state] if state else open_states, limit + 1, offset)
        running: dict[int, list] = {}
        for case_id, name, started, due in office_reads.running_clocks(conn, [r.id for r in rows[:limit]]):
            running.setdefault(case_id, []).append((name, started, due))
    items = []
    for r in rows[:limit]:
        d = engine.listed_definition(r.definition, r.definition_version)
        data = mask_text(json.loads(r.data), who.role, engine.unmasked_roles)
        clocks = [_clock(engine, d, n, s, due, as_of, r.risk, r.category, lang)
                  for n, s, due in running.get(r.id, ())]
        items.append({
            "number": r.number, "state": r.state, "state_label": d.state_label(r.state, lang),
            "parent": r.parent_number, "parent_title": mask_text(r.parent_title, who.role, engine.unmasked_roles),
            "category": r.category, "category_label": d.vocab_label("category", r.category, lang),
            "unit_name": r.unit_name, "request": data.get("request"), "result": data.get("result"),
            "returns": len(data.get("returns") or ()), "dispatched_at": _iso(r.reported_at),
            "closed_at": _iso(r.closed_at), "deadlines": clocks,
            "overdue": any(k["overdue"] for k in clocks),
        })
    return {"office": who.unit_id, "office_name": office_name,
            "counts": {s: counts.get(s, 0) for s in (*DESK_STATES, *counts)},
            "items": items, "more": len(rows) > limit}


def overdue_by_office(engine, as_of: datetime, actor, lang: str | None = None) -> list[dict]:
    """Overdue work orders on the reader's board, grouped under the office each was sent to.

    ``[{"office", "office_name", "items": [{number, parent, state, clock, due_at, level, …}]}]``,
    offices in unit order, each office's items by due time.
    """
    lang = lang or engine.lang
    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        rows = office_reads.overdue_by_office(conn, scope(conn, who, None), as_of, TIER_CLOCK, BOARD_LIMIT)
    groups: dict[str, dict] = {}
    for office, office_name, number, dname, dver, state, parent, clock, started, due, risk, category in rows:
        d = engine.listed_definition(dname, dver)
        # a referral to a court or an arbitration committee names no unit of the town: its own group
        outside = "外部接收单位（法院、仲裁委等）" if not lang.startswith("en") else "bodies outside the town (courts …)"
        group = groups.setdefault(office or "", {"office": office, "office_name": office_name or office or outside,
                                                 "items": []})
        item = _clock(engine, d, clock, started, due, as_of, risk, category, lang)
        item.update({"number": number, "parent": parent, "state": state, "state_label": d.state_label(state, lang),
                     "clock_label": item.pop("label"), "hours_overdue": round((as_of - from_db(due)).total_seconds()
                                                                             / 3600, 1),
                     "overdue_business_days": workdays_late(engine.calendar, from_db(due), as_of)})
        group["items"].append(item)
    return list(groups.values())
