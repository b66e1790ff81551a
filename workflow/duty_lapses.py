"""A key person's missed duties as one open item that escalates once per ladder step.

A missed day used to start its own ladder, so four missed days of a person
under daily control raised a warning, a yellow and an orange card for each
day: more than twenty notices saying one thing. Here the first missed
occurrence opens the person's item (counted from that occurrence's due time);
every later missed occurrence only adds its day to the item, which names the
days missed in every step it raises. The item climbs the ordinary ladder's
after-due rungs (yellow, orange, red) once each — the warning before due
belongs to a running day, and a missed day is already past it. A recorded
contact that leaves no duty of its period unmet closes the item; the next miss
opens a new one.

At the rung that lists for supervision, the policy's ``[auto_listing]``
decides by the person's risk and type (in place of a case's category) whether
the item is listed; a red card of a low-risk person only notifies.

Exactly once: the sweep holds the person's row while it marks days missed and
raises steps, and the item's ``level`` says which steps are raised already.
"""

from __future__ import annotations

import json
import logging
import weakref
from datetime import datetime, timedelta

from disputeflow.cases import duty_store, key_person_store, lapse_store, outbox
from disputeflow.workflow.audience import audience, person_slots
from disputeflow.workflow.commands import Outcome, dumps
from disputeflow.workflow.masking import mask_name
from disputeflow.workflow.policy import DUTY_CLOCK_PREFIX
from disputeflow.workflow.person_access import append, load
from disputeflow.workflow.timeutil import iso, local_date
from disputeflow.workflow.unit_of_work import owned

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
# engine -> (probed at, earliest due time or step): idle passes skip the probe for a few minutes of clock
# time; a registration or contact in this process forgets it (:func:`forget`), another process's
# registration waits at most PROBE_TTL, as the roll does.
_NEXT: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
PROBE_TTL = timedelta(minutes=5)


def forget(engine) -> None:
    _NEXT.pop(engine, None)


def run(engine, now: datetime, batch: int = 500, out: list[dict] | None = None) -> int:
    """Count the occurrences past due as missed, then raise the items' due steps; returns the steps raised.

    Each step raised is also added to ``out`` (the sweep's list of what it raised) when given.
    """
    raised = 0
    known = _NEXT.get(engine)
    if known is not None and known[0] <= now < known[0] + PROBE_TTL and (known[1] is None or now < known[1]):
        return 0  # an idle pass: nothing falls due before the remembered time
    with engine.store.read() as tx:  # two probes of partial indexes, no write transaction
        times = [tx.time(t) for t in lapse_store.earliest(tx) if t is not None]
    _NEXT[engine] = (now, min(times) if times else None)
    if not times or min(times) > now:
        return 0
    _NEXT.pop(engine, None)
    while True:
        with engine.store.write() as tx:
            pids = lapse_store.overdue_persons(tx, tx.t(now), batch)
            for pid in pids:
                _collect(engine, tx, pid, now)
        if len(pids) < batch:
            break
    while True:
        with owned(engine):  # a before_commit listener: the batch on a SQLAlchemy connection, told inside
            told: list[dict] = []
            with engine.store.write() as tx:
                pids = lapse_store.due_persons(tx, tx.t(now), batch)
                for pid in pids:
                    raised += _raise(engine, tx, pid, now, told)
            for t in told:  # listeners (engine.on) hear of each step as person.duty_<step>
                engine.emit(Outcome(f"person.duty_{t['step']}"[:40], t["number"] or "", SYSTEM_ACTOR, now, None, "",
                                    0, 0, t))
        if out is not None:
            out.extend(told)
        if len(pids) < batch:
            break
    if raised:
        log.info("raised %d key-person duty escalations", raised)
    return raised


def _ladder(engine, person_id: int, started: datetime, due: datetime, risk: str) -> list:
    """The item's rungs: the ladder's steps at or after due, timed from the first missed occurrence."""
    steps = engine.policy.steps(f"{DUTY_CLOCK_PREFIX}{person_id}.lapse", started, due, engine.calendar, risk)
    return [(s, at) for s, at in steps if s.kind != "fraction"]


def _collect(engine, tx, person_id: int, now: datetime) -> None:
    """Mark the person's overdue occurrences missed and add their days to the open item (opened if none)."""
    p = load(tx, person_id, lock=True)
    rows = lapse_store.overdue_of(tx, person_id, tx.t(now))
    if not rows:
        return  # another sweeper counted them while this one waited for the person
    lapse_store.mark_missed(tx, [r[0] for r in rows])
    if p["status"] != "controlled":
        return
    got = lapse_store.open_lapse(tx, person_id)
    days: dict[str, list[str]] = json.loads(got[3]) if got else {}
    for _id, duty, start, _due in rows:
        day = local_date(tx.time(start)).isoformat()
        if duty not in days.setdefault(day, []):
            days[day].append(duty)
    days_json = dumps(dict(sorted(days.items())))
    if got:
        lapse_store.set_days(tx, got[0], days_json)
        return
    started, due = tx.time(rows[0][2]), tx.time(rows[0][3])
    steps = _ladder(engine, person_id, started, due, p["risk"])
    step, at = (steps[0][0].name, steps[0][1]) if steps else (None, None)
    lapse_store.add(tx, person_id, tx.t(now), tx.t(started), tx.t(due), days_json, step, tx.t(at))


def _raise(engine, tx, person_id: int, now: datetime, out: list[dict] | None) -> int:
    """Raise every step of the person's open item that has come due, in order, each once."""
    p = load(tx, person_id, lock=True)
    got = lapse_store.open_lapse(tx, person_id)
    if got is None:
        return 0
    lapse_id, started, due, days_json, level, listed = got
    steps = _ladder(engine, person_id, tx.time(started), tx.time(due), p["risk"])
    names = [s.name for s, _ in steps]
    k = names.index(level) + 1 if level in names else 0
    days = json.loads(days_json)
    number = key_person_store.case_number(tx, p["anchor_case_id"])
    n = 0
    while k < len(steps) and steps[k][1] <= now:
        step, at = steps[k]
        lists = bool(step.list_for_supervision and not listed
                     and engine.policy.auto_listing.applies(p["risk"], p["person_type"], "key_persons"))
        payload = {"person_id": person_id, "person": mask_name(p["name"]), "item": lapse_id, "step": step.name,
                   "days_missed": sorted(days), "duties_missed": days, "first_due": iso(tx.time(due)),
                   "step_at": iso(at)}
        if lists:
            listed = True
            payload["listed_for_supervision"] = {"level": engine.policy.auto_listing.level,
                                                 "authority": engine.policy.auto_listing.by_zh}
        to = audience(step.recipients, p["unit_path"], person_slots(p["grid_officer"], p["lead_official"]))
        outbox.enqueue(tx, [outbox.row(tx.t(now), f"person.duty_{step.name}"[:40], p["anchor_case_id"], number,
                                       SYSTEM_ACTOR, dumps(to), dumps(payload))])
        append(tx, p, SYSTEM_ACTOR, "duty_escalated", payload, now)
        if out is not None:
            out.append({"number": number, "clock": f"{DUTY_CLOCK_PREFIX}{person_id}.lapse", "step": step.name,
                        "step_at": payload["step_at"], "due_at": payload["first_due"], "listed": lists,
                        "person_id": person_id, "days_missed": payload["days_missed"]})
        level = step.name
        k += 1
        n += 1
    nxt, at = (steps[k][0].name, tx.t(steps[k][1])) if k < len(steps) else (None, None)
    lapse_store.set_level(tx, lapse_id, level, nxt, at, bool(listed))
    return n


def close_when_back(tx, person_id: int, at: datetime, now: datetime) -> int:
    """Close the open item once every duty of the period containing ``at`` is met: the person is back under
    control (a phone call that meets the report while the daily visit is still owed does not close it)."""
    if duty_store.open_at(tx, person_id, tx.t(at)):
        return 0
    return close(tx, person_id, now, "met")


def close(tx, person_id: int, now: datetime, why: str) -> int:
    """Close the person's open item (a contact met a duty again, or the person was released)."""
    return lapse_store.close(tx, person_id, tx.t(now), why)


def items(tx, person_id: int) -> list[dict]:
    """The person's items, oldest first, for the person's page."""
    out = []
    for lid, opened, due, days, level, listed, closed, why in lapse_store.of_person(tx, person_id):
        out.append({"id": lid, "opened_at": iso(tx.time(opened)), "first_due": iso(tx.time(due)),
                    "days_missed": sorted(json.loads(days)), "level": level, "listed": bool(listed),
                    "closed_at": iso(tx.time(closed)) if closed else None, "closed_reason": why})
    return out
