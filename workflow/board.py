"""The supervisor's board: overdue clocks, worst first."""

from __future__ import annotations

from datetime import datetime

from cases.types import from_db
from workflow.policy import TIER_CLOCK

LEVEL_ORDER = {None: 0, "warning": 1, "level1": 2, "level2": 3, "level3": 4}


def overdue(engine, as_of: datetime, unit: str | None, actor) -> list[dict]:
    """Every running clock whose due time has passed at ``as_of``.

    The level shown is computed from the ladder at ``as_of`` (so a board for a
    future date shows what will have happened by then); overdue time is given
    in business days and in hours.
    """
    from workflow.queries import _actor, _iso, scope

    lang = engine.lang
    params = {"as_of": None}
    # The tier clock is a milestone (upgrade to 复杂), not a duty someone is late on.
    where = ["k.stopped_at IS NULL", "k.due_at <= :as_of", f"k.name <> '{TIER_CLOCK}'"]
    with engine.store.read() as tx:
        params["as_of"] = tx.t(as_of)
        scope(tx, _actor(engine, tx, actor), unit, where, params)
        rows = tx.query(
            "SELECT c.number, c.title, c.definition, c.definition_version, c.state, c.risk, c.unit_id, u.name, "
            "k.name, k.started_at, k.due_at, k.level, c.lead_official, l.name, c.supervision_level, c.mediator, "
            "m.name FROM clocks k JOIN cases c ON c.id = k.case_id JOIN units u ON u.id = c.unit_id "
            "LEFT JOIN users l ON l.id = c.lead_official LEFT JOIN users m ON m.id = c.mediator "
            "WHERE " + " AND ".join(where), params)
    from workflow.queries import level_at
    from workflow.timeutil import LOCAL_TZ

    out = []
    for (number, title, dname, dver, state, risk, unit_id, unit_name, clock, started, due, raised, lead, lead_name,
         supervision, mediator, mediator_name) in rows:
        d = engine.definition(dname, dver)
        started_dt, due_dt = from_db(started), from_db(due)
        level = level_at(engine, started_dt, due_dt, as_of, clock)
        if LEVEL_ORDER.get(raised, 0) > LEVEL_ORDER.get(level, 0):
            level = raised
        days = engine.calendar.workdays_between(due_dt.astimezone(LOCAL_TZ).date(), as_of.astimezone(LOCAL_TZ).date())
        hours = (as_of - due_dt).total_seconds() / 3600
        out.append({
            "number": number, "title": title, "state": state, "state_label": d.state_label(state, lang),
            "risk": risk, "risk_label": d.vocab_label("risk", risk, lang), "unit": unit_id, "unit_name": unit_name,
            "clock": clock, "clock_label": d.clock_label(clock, lang), "due_at": _iso(due),
            "overdue_business_days": max(days, 0), "overdue_hours": round(hours, 1), "level": level,
            "lead_official": lead, "lead_official_name": lead_name, "mediator": mediator,
            "mediator_name": mediator_name, "supervision": supervision,
        })
    out.sort(key=lambda r: (-LEVEL_ORDER.get(r["level"], 0), -r["overdue_hours"], r["number"]))
    return out
