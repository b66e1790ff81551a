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

from disputeflow.cases.types import from_db
from disputeflow.workflow.board import LEVEL_ORDER
from disputeflow.workflow.masking import mask_text
from disputeflow.workflow.policy import TIER_CLOCK

CASE_FIELDS = ("SELECT c.id, c.number, c.title, c.definition, c.definition_version, c.state, c.risk, c.unit_id, "
               "u.name, c.supervision_level, c.version, c.mediator, c.data FROM cases c "
               "JOIN units u ON u.id = c.unit_id ")


def _open_states(engine) -> list[str]:
    return [s.name for s in engine.definition().states if not s.terminal]


def _by_due(tx, which: str, cond: str, params: dict, want: int) -> tuple[list[int], bool]:
    """Distinct case ids in order of their nearest running clock; True when the walk reached the end."""
    n = max(want * 3, 60)
    while True:
        rows = tx.query(
            "SELECT k.case_id FROM clocks k JOIN cases c ON c.id = k.case_id WHERE k.stopped_at IS NULL AND "
            f"{which} AND {cond} ORDER BY k.due_at, k.id LIMIT :walk", {**params, "walk": n})
        ids = list(dict.fromkeys(r[0] for r in rows))
        if len(ids) >= want or len(rows) < n:
            return ids[:want], len(rows) < n
        n *= 4


def _page(engine, actor, which: str, extra_where: list[str], limit: int, offset: int, lang: str,
          undated: bool) -> dict:
    from disputeflow.workflow.queries import _actor, scope

    where = list(extra_where)
    params: dict = {"tier": TIER_CLOCK}
    want = offset + limit + 1
    with engine.store.read() as tx:
        who = _actor(engine, tx, actor)
        scope(tx, who, None, where, params)
        cond = " AND ".join(where)
        ids, exhausted = _by_due(tx, which, cond, params, want)
        if undated and exhausted and len(ids) < want:
            rest = tx.query(
                f"SELECT c.id FROM cases c WHERE {cond} AND NOT EXISTS (SELECT 1 FROM clocks k WHERE "
                f"k.case_id = c.id AND k.stopped_at IS NULL AND {which}) ORDER BY c.reported_at, c.id LIMIT :n",
                {**params, "n": want - len(ids)})
            ids += [r[0] for r in rest]
        page_ids = ids[offset:offset + limit]
        items = _docs(engine, tx, page_ids, lang, who.role if who else None)
    return {"items": items, "more": len(ids) > offset + limit, "offset": offset, "limit": limit}


def _docs(engine, tx, ids: list[int], lang: str, role: str | None) -> list[dict]:
    from disputeflow.workflow.queries import _iso, level_at

    if not ids:
        return []
    p = {f"i{n}": v for n, v in enumerate(ids)}
    marks = ", ".join(":" + k for k in p)
    rows = {r[0]: r for r in tx.query(CASE_FIELDS + f"WHERE c.id IN ({marks})", p)}
    clocks: dict[int, list] = {}
    for case_id, name, started, due in tx.query(
            "SELECT case_id, name, started_at, due_at FROM clocks WHERE stopped_at IS NULL AND name <> :tier "
            f"AND case_id IN ({marks})", {**p, "tier": TIER_CLOCK}):
        clocks.setdefault(case_id, []).append((name, from_db(started), from_db(due)))
    now = engine.clock.now()
    out = []
    for case_id in ids:
        (_, number, title, dname, dver, state, risk, unit_id, unit_name, supervision, version, mediator,
         data) = rows[case_id]
        d = engine.definition(dname, dver)
        running = sorted(clocks.get(case_id, []), key=lambda c: c[2])
        worst = None
        for name, started, due in running:
            lvl = level_at(engine, started, due, now, name)
            if LEVEL_ORDER.get(lvl, 0) > LEVEL_ORDER.get(worst, 0):
                worst = lvl
        nearest = None
        if running:
            name, _, due = running[0]
            nearest = {"clock": name, "label": d.clock_label(name, lang, engine.policy), "due_at": _iso(due)}
        doc = json.loads(data)
        out.append({
            "number": number, "title": mask_text(title, role), "state": state,
            "state_label": d.state_label(state, lang),
            "risk": risk, "risk_label": d.vocab_label("risk", risk, lang), "unit": unit_id, "unit_name": unit_name,
            "supervision": supervision, "version": version, "mediator": mediator,
            "level": worst, "next_clock": nearest,
            "clocks": [{"clock": n, "label": d.clock_label(n, lang, engine.policy), "due_at": _iso(due)}
                       for n, _, due in running],
            "supervision_label": d.vocab_label("level", supervision, lang) if supervision else None,
            "authority": mask_text(doc.get("supervision_authority"), role), "deadline": doc.get("supervision_deadline"),
        })
    return out


def my_work(engine, actor, *, limit: int = 50, offset: int = 0, lang: str | None = None) -> dict:
    """Open cases in the reader's jurisdiction, nearest running deadline first (none last).

    Returns ``{"items", "more", "offset", "limit"}``; each item carries its worst
    ladder level now and its nearest clock.
    """
    states = _open_states(engine)
    where = ["c.state IN (" + ", ".join(f"'{s}'" for s in states if s.isidentifier()) + ")"]
    return _page(engine, actor, "k.name <> :tier", where, limit, offset, lang or engine.lang, undated=True)


def supervised(engine, actor, *, limit: int = 50, offset: int = 0, lang: str | None = None) -> dict:
    """Cases listed for supervision (挂牌督办) in the reader's jurisdiction, nearest supervision deadline first."""
    return _page(engine, actor, "k.name = 'supervision'", ["c.supervision_level IS NOT NULL"], limit, offset,
                 lang or engine.lang, undated=True)
