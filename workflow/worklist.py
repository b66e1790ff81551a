"""Work lists for a person: open cases by nearest deadline, and listed (挂牌) cases.

Both lists are confined to the reader's jurisdiction by the same filter as the
case list and the board (:func:`workflow.queries.scope`), and are paged in SQL
so that a town with a hundred thousand cases still answers from an index walk
and one page of rows.
"""

from __future__ import annotations

from cases.types import from_db
from workflow.board import LEVEL_ORDER
from workflow.policy import TIER_CLOCK


def _open_states(engine) -> list[str]:
    d = engine.definition()
    return [s.name for s in d.states if not s.terminal]


def _rows_to_docs(engine, tx, rows, lang: str) -> list[dict]:
    from workflow.queries import _iso, level_at

    ids = [r[0] for r in rows]
    clocks: dict[int, list] = {}
    if ids:
        params = {f"i{n}": v for n, v in enumerate(ids)}
        for case_id, name, started, due in tx.query(
                "SELECT case_id, name, started_at, due_at FROM clocks WHERE stopped_at IS NULL AND name <> :tier "
                f"AND case_id IN ({', '.join(':' + k for k in params)})", {**params, "tier": TIER_CLOCK}):
            clocks.setdefault(case_id, []).append((name, from_db(started), from_db(due)))
    now = engine.clock.now()
    out = []
    for (case_id, number, title, dname, dver, state, risk, unit_id, unit_name, supervision, version, mediator,
         data_due) in rows:
        d = engine.definition(dname, dver)
        running = sorted(clocks.get(case_id, []), key=lambda c: c[2])
        worst, nearest = None, None
        for name, started, due in running:
            lvl = level_at(engine, started, due, now, name)
            if LEVEL_ORDER.get(lvl, 0) > LEVEL_ORDER.get(worst, 0):
                worst = lvl
            if nearest is None:
                nearest = {"clock": name, "label": d.clock_label(name, lang), "due_at": _iso(due)}
        out.append({
            "number": number, "title": title, "state": state, "state_label": d.state_label(state, lang),
            "risk": risk, "risk_label": d.vocab_label("risk", risk, lang), "unit": unit_id, "unit_name": unit_name,
            "supervision": supervision, "version": version, "mediator": mediator,
            "level": worst, "next_clock": nearest,
            "clocks": [{"clock": n, "label": d.clock_label(n, lang), "due_at": _iso(due)} for n, _, due in running],
        })
    return out


# The nearest running deadline per case, probed through the (case_id, name) index for the
# cases in scope only: cheaper than aggregating every running clock of the town first.
NEAREST = ("(SELECT MIN(k.due_at) FROM clocks k WHERE k.case_id = c.id AND k.stopped_at IS NULL "
           "AND {which})")
SELECT = ("SELECT c.id, c.number, c.title, c.definition, c.definition_version, c.state, c.risk, c.unit_id, u.name, "
          "c.supervision_level, c.version, c.mediator, {due} AS due FROM cases c JOIN units u ON u.id = c.unit_id ")


def my_work(engine, actor, *, limit: int = 50, offset: int = 0, lang: str | None = None) -> dict:
    """Open cases in the reader's jurisdiction, nearest running deadline first (none last).

    Returns ``{"total": n, "items": [...]}``; each item carries its worst ladder
    level now and its nearest clock.
    """
    from workflow.queries import _actor, scope

    lang = lang or engine.lang
    states = _open_states(engine)
    sp = {f"s{n}": s for n, s in enumerate(states)}
    where = [f"c.state IN ({', '.join(':' + k for k in sp)})"]
    params = {**sp, "limit": limit, "offset": offset, "tier": TIER_CLOCK}
    with engine.store.read() as tx:
        scope(tx, _actor(engine, tx, actor), None, where, params)
        cond = " AND ".join(where)
        total = tx.query(f"SELECT COUNT(*) FROM cases c WHERE {cond}", params)[0][0]
        rows = tx.query(SELECT.format(due=NEAREST.format(which="k.name <> :tier")) + "WHERE " + cond +
                        " ORDER BY due NULLS LAST, c.id LIMIT :limit OFFSET :offset",
                        params)
        items = _rows_to_docs(engine, tx, rows, lang)
    return {"total": total, "items": items}


def supervised(engine, actor, *, limit: int = 50, offset: int = 0, lang: str | None = None) -> dict:
    """Cases listed for supervision (挂牌督办) in the reader's jurisdiction, nearest supervision deadline first."""
    import json

    from workflow.queries import _actor, scope

    lang = lang or engine.lang
    where = ["c.supervision_level IS NOT NULL"]
    params = {"limit": limit, "offset": offset, "tier": TIER_CLOCK}
    with engine.store.read() as tx:
        scope(tx, _actor(engine, tx, actor), None, where, params)
        cond = " AND ".join(where)
        total = tx.query(f"SELECT COUNT(*) FROM cases c WHERE {cond}", params)[0][0]
        rows = tx.query(SELECT.format(due=NEAREST.format(which="k.name = 'supervision'")) + "WHERE " + cond +
                        " ORDER BY due NULLS LAST, c.id LIMIT :limit OFFSET :offset",
                        params)
        items = _rows_to_docs(engine, tx, rows, lang)
        numbers = [i["number"] for i in items]
        extra = {}
        if numbers:
            p = {f"n{i}": v for i, v in enumerate(numbers)}
            for number, data in tx.query(
                    f"SELECT number, data FROM cases WHERE number IN ({', '.join(':' + k for k in p)})", p):
                extra[number] = json.loads(data)
    d = engine.definition()
    for item in items:
        data = extra.get(item["number"], {})
        item["supervision_label"] = d.vocab_label("level", item["supervision"], lang)
        item["authority"] = data.get("supervision_authority")
        item["deadline"] = data.get("supervision_deadline")
    return {"total": total, "items": items}
