"""Work lists for a person: open cases by nearest deadline, and listed (挂牌) cases.

Both lists are confined to the reader's jurisdiction by the same filter as the
case list and the board (:func:`disputeflow.workflow.queries.scope`). They walk the running
clocks in due order (the partial index ``ix_clocks_running_due_at``) and stop
as soon as a page of distinct cases is found, so a town with a hundred thousand
open cases answers a mediator's first page from a few hundred index entries;
open cases without a running clock follow, oldest report first. No total is
counted (that would read the whole jurisdiction); a page says whether another
follows.
"""

from __future__ import annotations

import json

from disputeflow.cases import transactions, worklist_reads
from disputeflow.cases.types import from_db
from disputeflow.workflow.board import LEVEL_ORDER
from disputeflow.workflow.masking import mask_text
from disputeflow.workflow.policy import TIER_CLOCK
from disputeflow.workflow.results import WorkItem, WorkPage

def _open_states(engine) -> list[str]:
    return [s.name for s in engine.definition().states if not s.terminal]


def _page(engine, actor, which, extra_where: list, limit: int, offset: int, lang: str, undated: bool) -> WorkPage:
    from disputeflow.workflow.queries import _actor, scope

    want = offset + limit + 1
    with transactions.read(engine.store) as conn:
        who = _actor(engine, conn, actor)
        where = list(extra_where) + scope(conn, who, None)
        ids, exhausted = worklist_reads.by_due(conn, which, where, want)
        if undated and exhausted and len(ids) < want:
            ids += worklist_reads.undated(conn, which, where, want - len(ids))
        page_ids = ids[offset:offset + limit]
        items = _docs(engine, conn, page_ids, lang, who.role if who else None)
    return {"items": items, "more": len(ids) > offset + limit, "offset": offset, "limit": limit}


def _docs(engine, conn, ids: list[int], lang: str, role: str | None) -> list[WorkItem]:
    from disputeflow.workflow.queries import _iso, level_at
    from disputeflow.workflow.timeutil import workdays_late

    if not ids:
        return []
    rows = worklist_reads.case_rows(conn, ids)
    clocks: dict[int, list] = {}
    for case_id, name, started, due in worklist_reads.running_clocks(conn, ids, TIER_CLOCK):
        clocks.setdefault(case_id, []).append((name, from_db(started), from_db(due)))
    now = engine.clock.now()
    out = []
    for case_id in ids:
        (_, number, title, dname, dver, state, risk, unit_id, unit_name, supervision, version, mediator,
         data) = rows[case_id]
        d = engine.listed_definition(dname, dver)
        running = sorted(clocks.get(case_id, []), key=lambda c: c[2])
        worst = None
        for name, started, due in running:
            lvl = level_at(engine, started, due, now, name)
            if LEVEL_ORDER.get(lvl, 0) > LEVEL_ORDER.get(worst, 0):
                worst = lvl
        nearest = None
        if running:
            name, _, due = running[0]
            nearest = {"clock": name, "label": d.clock_label(name, lang, engine.policy), "due_at": _iso(due),
                       "overdue_business_days": workdays_late(engine.calendar, due, now)}
        doc = json.loads(data)
        out.append({
            "number": number, "title": mask_text(title, role, engine.unmasked_roles), "state": state,
            "state_label": d.state_label(state, lang),
            "risk": risk, "risk_label": d.vocab_label("risk", risk, lang), "unit": unit_id, "unit_name": unit_name,
            "supervision": supervision, "version": version, "mediator": mediator,
            "level": worst, "next_clock": nearest,
            "clocks": [{"clock": n, "label": d.clock_label(n, lang, engine.policy), "due_at": _iso(due),
                        "overdue_business_days": workdays_late(engine.calendar, due, now)} for n, _, due in running],
            "supervision_label": d.vocab_label("level", supervision, lang) if supervision else None,
            "authority": mask_text(doc.get("supervision_authority"), role, engine.unmasked_roles),
            "deadline": doc.get("supervision_deadline"),
        })
    return out


def my_work(engine, actor, *, limit: int = 50, offset: int = 0, lang: str | None = None,
            led_by: str | None = None) -> WorkPage:
    """Open cases in the reader's jurisdiction, nearest running deadline first (none last).

    Returns ``{"items", "more", "offset", "limit"}``; each item carries its worst
    ladder level now and its nearest clock. ``led_by``: only the cases that user leads (我包案的).
    """
    where = [worklist_reads.open_cases(_open_states(engine))]
    if led_by is not None:
        where.append(worklist_reads.led_by(led_by))
    return _page(engine, actor, worklist_reads.clocks_except(TIER_CLOCK), where, limit, offset, lang or engine.lang,
                 undated=True)


def supervised(engine, actor, *, limit: int = 50, offset: int = 0, lang: str | None = None) -> WorkPage:
    """Cases listed for supervision (挂牌督办) in the reader's jurisdiction, nearest supervision deadline first."""
    return _page(engine, actor, worklist_reads.clocks_named("supervision"), [worklist_reads.supervised_cases()],
                 limit, offset, lang or engine.lang, undated=True)
