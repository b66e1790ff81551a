"""The escalation sweep: raise every ladder step that has come due, exactly once.

The sweep reads clocks through the partial index on ``next_at``, so its cost
grows with the due clocks, not with the open cases. Exactly-once is the
database's job: ``UNIQUE(clock_id, step)`` on the escalations table decides who
raised a step; on PostgreSQL concurrent sweepers claim disjoint clocks (and
their cases) with ``FOR UPDATE SKIP LOCKED``; on SQLite ``BEGIN IMMEDIATE``
serialises them. A late sweep raises every step that passed, in order.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from cases.audit import event_hash
from workflow.clocks import next_step_after
from workflow.commands import dumps, jsonable
from workflow.policy import TIER_CLOCK, TIER_STEP

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"


def _claim_sql(store) -> str:
    base = ("SELECT k.id, k.case_id, k.name, k.started_at, k.due_at, k.level, c.number, c.state, c.version, "
            "c.audit_seq, c.audit_hash, c.supervision_level, c.data, c.unit_path, c.mediator, c.lead_official, "
            "c.responsible_unit, c.definition, c.definition_version, c.unit_id "
            "FROM clocks k JOIN cases c ON c.id = k.case_id "
            "WHERE k.next_at IS NOT NULL AND k.next_at <= :now ORDER BY k.next_at, k.id LIMIT :batch")
    if not store.is_sqlite:
        base += " FOR UPDATE OF k, c SKIP LOCKED"
    return base


def run(engine, now: datetime, batch: int = 500) -> list[dict]:
    """Raise due steps in batches until none is left; returns what was raised."""
    raised: list[dict] = []
    while True:
        got, n = _one_batch(engine, now, batch)
        raised.extend(got)
        if n < batch:
            break
    return raised


def _one_batch(engine, now: datetime, batch: int) -> tuple[list[dict], int]:
    store = engine.store
    policy = engine.policy
    cal = engine.calendar
    raised: list[dict] = []
    with store.write() as tx:
        rows = tx.query(_claim_sql(store), {"now": tx.t(now), "batch": batch})
        cases: dict[int, dict] = {}
        for (kid, case_id, name, started, due, level, number, state, version, seq, h, sup, data, unit_path,
             mediator, lead, resp, dname, dver, unit_id) in rows:
            started_dt, due_dt = tx.time(started), tx.time(due)
            steps = policy.steps(name, started_dt, due_dt, cal)
            names = [s.name for s, _ in steps]
            first = names.index(level) + 1 if level in names else 0
            new_level = level
            c = cases.setdefault(case_id, {
                "number": number, "state": state, "version": version, "seq": seq, "hash": h, "sup": sup,
                "data": json.loads(data), "unit_path": unit_path, "mediator": mediator, "lead": lead,
                "resp": resp, "unit_id": unit_id, "definition": engine.definition(dname, dver), "events": [],
                "touched": False})
            for step, at in steps[first:]:
                if at > now:
                    break
                n = tx.execute(
                    "INSERT INTO escalations (clock_id, case_id, step, step_at, raised_at) "
                    "VALUES (:clock_id, :case_id, :step, :step_at, :now) ON CONFLICT (clock_id, step) DO NOTHING",
                    {"clock_id": kid, "case_id": case_id, "step": step.name, "step_at": tx.t(at), "now": tx.t(now)})
                new_level = step.name
                if n == 1:
                    c["events"].append((name, step, at, due_dt))
            nxt, nxt_at = next_step_after(steps, new_level)
            if name == TIER_CLOCK and nxt is None:
                # the milestone has passed: the clock has done its one job
                tx.execute("UPDATE clocks SET level = :level, next_step = NULL, next_at = NULL, stopped_at = :now, status = 'stopped' "
                           "WHERE id = :id", {"level": new_level, "now": tx.t(now), "id": kid})
                continue
            tx.execute("UPDATE clocks SET level = :level, next_step = :step, next_at = :at WHERE id = :id",
                       {"level": new_level, "step": nxt, "at": tx.t(nxt_at), "id": kid})
        for case_id, c in cases.items():
            if not c["events"]:
                continue
            seq, h = c["seq"], c["hash"]
            for clock, step, at, due_dt in c["events"]:
                payload = {"clock": clock, "step": step.name, "step_at": at, "due_at": due_dt,
                           "recipients": list(step.recipients)}
                action, event = "escalate", f"escalate.{step.name}"
                if step.name == TIER_STEP:
                    action, event = "tier_upgrade", "case.tier_upgraded"
                    payload = {"tier": "complex", "from_tier": c["data"].get("tier", "ordinary"), "step_at": at,
                               "recipients": list(step.recipients)}
                    c["data"]["tier"] = "complex"
                if step.list_for_supervision and not c["sup"]:
                    c["sup"] = "town"
                    deadline = _listing_deadline(engine, now)
                    c["data"]["supervision_authority"] = "系统自动挂牌（红牌预警）"
                    c["data"]["supervision_deadline"] = jsonable(deadline)
                    c["data"]["supervision_auto"] = True
                    payload["listed_for_supervision"] = {"level": "town", "deadline": deadline}
                    from workflow import clocks as clock_rows

                    running = {r[1]: r for r in tx.all("running_clocks", {"case_id": case_id})}
                    clock_rows.start(engine, tx, case_id, "supervision", now, None, None, running, due_at=deadline)
                audit_json = dumps(jsonable(payload))
                seq += 1
                prev = h
                h = event_hash(prev, c["number"], seq, now, SYSTEM_ACTOR, action, c["state"], c["state"], audit_json)
                tx.run("insert_audit", {
                    "case_id": case_id, "seq": seq, "at": tx.t(now), "actor": SYSTEM_ACTOR, "action": action,
                    "from_state": c["state"], "to_state": c["state"], "data": audit_json, "prev_hash": prev, "hash": h})
                audience = _audience(step.recipients, c)
                tx.run("insert_outbox", {
                    "now": tx.t(now), "event": event, "case_id": case_id, "case_number": c["number"],
                    "actor": SYSTEM_ACTOR, "audience": dumps(audience), "payload": audit_json})
                raised.append({"number": c["number"], "clock": clock, "step": step.name,
                               "step_at": jsonable(at), "due_at": jsonable(due_dt),
                               "listed": bool(payload.get("listed_for_supervision"))})
                if step.name == policy.unit_talk_step:
                    talk = _unit_talk(engine, tx, c, at, now)
                    if talk:
                        raised.append(talk)
            tx.execute("UPDATE cases SET version = version + 1, audit_seq = :seq, audit_hash = :hash, "
                       "supervision_level = :sup, data = :data, updated_at = :now WHERE id = :id",
                       {"seq": seq, "hash": h, "sup": c["sup"], "data": dumps(c["data"]), "now": tx.t(now),
                        "id": case_id})
    return raised, len(rows)


def _unit_talk(engine, tx, c: dict, step_at: datetime, now: datetime) -> dict | None:
    """List the case's responsible unit for a talk (约谈) when its red cards this month reach the policy's count.

    The month is the local calendar month of the step's own time, so a late sweep
    counts a red card in the month it was due. ``UNIQUE(unit_id, month)`` lists a
    unit once per month whatever the number of sweepers.
    """
    from workflow.timeutil import month_bounds, to_local

    policy = engine.policy
    unit = c["resp"] or c["unit_id"]
    start, end = month_bounds(step_at)
    rows = tx.query(
        "SELECT c.number FROM escalations e JOIN cases c ON c.id = e.case_id "
        "WHERE e.step = :step AND e.step_at >= :start AND e.step_at < :end "
        "AND COALESCE(c.responsible_unit, c.unit_id) = :unit ORDER BY e.step_at, e.id",
        {"step": policy.unit_talk_step, "start": tx.t(start), "end": tx.t(end), "unit": unit})
    if not policy.needs_unit_talk(len(rows)):
        return None
    month = to_local(step_at).strftime("%Y-%m")
    numbers = [r[0] for r in rows]
    n = tx.execute(
        "INSERT INTO unit_talks (unit_id, month, level3_count, cases, listed_at) "
        "VALUES (:unit, :month, :count, :cases, :now) ON CONFLICT (unit_id, month) DO NOTHING",
        {"unit": unit, "month": month, "count": len(numbers), "cases": dumps(numbers), "now": tx.t(now)})
    if n != 1:
        return None
    root = c["unit_path"].strip("/").split("/")[0]
    audience = [f"role:{r}@/{root}/" for r in policy.unit_talk_recipients]
    payload = dumps({"unit": unit, "month": month, "level3_count": len(numbers), "cases": numbers})
    tx.run("insert_outbox", {"now": tx.t(now), "event": "unit.talk_listed", "case_id": None, "case_number": None,
                             "actor": SYSTEM_ACTOR, "audience": dumps(audience), "payload": payload})
    log.info("unit %s listed for a talk for %s (%d level-3 escalations)", unit, month, len(numbers))
    return {"number": "", "clock": "", "step": "unit_talk", "step_at": jsonable(step_at), "due_at": None,
            "listed": False, "unit": unit, "month": month, "level3_count": len(numbers), "cases": numbers}


def _listing_deadline(engine, now: datetime) -> datetime:
    """Auto-listing gives the unit five business days to settle the case."""
    from workflow.policy import add_workdays_keep_time

    return add_workdays_keep_time(now, 5, engine.calendar)


def _audience(recipients, c) -> list[str]:
    out = []
    for r in recipients:
        if r == "assignee":
            if c["mediator"]:
                out.append(f"user:{c['mediator']}")
            else:
                out.append(f"role:mediator@{c['unit_path']}")
        elif r == "responsible_unit":
            if c["resp"]:
                out.append(f"unit:{c['resp']}")
        elif r == "lead_official":
            out.append(f"user:{c['lead']}" if c["lead"] else f"role:lead_official@{c['unit_path']}")
        else:
            out.append(f"role:{r}@{c['unit_path']}")
    return out
