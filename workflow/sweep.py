"""The escalation sweep: raise every ladder step that has come due, exactly once.

The sweep reads clocks through the partial index on ``next_at``, so its cost
grows with the due clocks, not with the open cases. Exactly-once is the
database's job: ``UNIQUE(clock_id, step)`` on the escalations table decides who
raised a step; on PostgreSQL concurrent sweepers claim disjoint clocks (and
their cases) with ``FOR UPDATE SKIP LOCKED``; on SQLite ``BEGIN IMMEDIATE``
serialises them. A late sweep raises every step that passed, in order.
"""

from __future__ import annotations

import gc
import json
import logging
from contextlib import contextmanager
from datetime import datetime

from cases.audit import canonical_time, event_hash
from workflow.clocks import next_step_after
from workflow.clocks import row as clock_row
from workflow.commands import dumps
from workflow.timeutil import iso
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
    from workflow import duty_sweep  # key-person duties: roll the next occurrences, forward their escalations

    raised.extend(duty_sweep.after_sweep(engine, now, batch, raised))
    return raised


def _one_batch(engine, now: datetime, batch: int) -> tuple[list[dict], int]:
    """Claim up to ``batch`` clocks with a step due, raise their steps, in one transaction.

    Writes go in bulk (``executemany``): the claim holds the clocks (``SKIP
    LOCKED`` on PostgreSQL, the write lock on SQLite), so each clock's ``level``
    says which steps are new. The unique constraint stays the arbiter: if the
    bulk insert of escalations meets a conflict (a row the level did not
    explain), the batch falls back to row-by-row inserts inside a savepoint and
    raises only what it inserted.
    """
    store = engine.store
    policy = engine.policy
    cal = engine.calendar
    raised: list[dict] = []
    times = _TimeTexts()
    with _collector_paused(), store.write() as tx:
        t_now = tx.t(now)
        rows = tx.query(_claim_sql(store), {"now": t_now, "batch": batch})
        cases: dict[int, dict] = {}
        new: list[tuple[dict, int, str, object, datetime, datetime]] = []
        clock_updates: list[dict] = []
        tier_done: list[dict] = []
        for (kid, case_id, name, started, due, level, number, state, version, seq, h, sup, data, unit_path,
             mediator, lead, resp, dname, dver, unit_id) in rows:
            started_dt, due_dt = tx.time(started), tx.time(due)
            steps = policy.steps(name, started_dt, due_dt, cal)
            first = 0
            for i, (s, _) in enumerate(steps):
                if s.name == level:
                    first = i + 1
            c = cases.get(case_id)
            if c is None:
                c = cases[case_id] = {
                    "id": case_id, "number": number, "state": state, "seq": seq, "hash": h, "sup": sup, "data": data,
                    "unit_path": unit_path, "mediator": mediator, "lead": lead, "resp": resp, "unit_id": unit_id,
                    "events": []}
            new_level = level
            for step, at in steps[first:]:
                if at > now:
                    break
                new.append((c, kid, name, step, at, due_dt))
                new_level = step.name
            nxt, nxt_at = next_step_after(steps, new_level)
            if name == TIER_CLOCK and nxt is None:
                # the milestone has passed: the clock has done its one job
                tier_done.append({"level": new_level, "now": t_now, "id": kid})
            else:
                clock_updates.append((kid, new_level, nxt, times.db(tx, nxt_at)))
        if new:
            for c, kid, name, step, at, due_dt in _insert_escalations(tx, new, t_now, times):
                c["events"].append((name, step, at, due_dt))
        tx.update_rows("clocks", "id", ("level", "next_step", "next_at"), clock_updates)
        if tier_done:
            tx.cur.executemany(store.translate(
                "UPDATE clocks SET level = :level, next_step = NULL, next_at = NULL, stopped_at = :now, "
                "status = 'stopped' WHERE id = :id"), tier_done)
        audits: list[dict] = []
        outbox: list[dict] = []
        case_updates: list[dict] = []
        new_clocks: list[dict] = []
        listed: set[tuple[str, str]] = set()  # (unit, month) known to be on the talk list
        listing = None  # the auto-listing deadline and supervision clock depend only on now: once a batch
        canonical_now = canonical_time(now)
        for case_id, c in cases.items():
            if not c["events"]:
                continue
            seq, h = c["seq"], c["hash"]
            data = None
            for clock, step, at, due_dt in c["events"]:
                at_iso, due_iso = times.iso(at), times.iso(due_dt)
                action, event = "escalate", f"escalate.{step.name}"
                special = step.name == TIER_STEP or (step.list_for_supervision and not c["sup"])
                if not special:
                    # the common case, written straight to the canonical JSON dumps() would give
                    audit_json = _escalation_json(clock, step, at_iso, due_iso)
                    payload = None
                else:
                    payload = {"clock": clock, "step": step.name, "step_at": at_iso, "due_at": due_iso,
                               "recipients": list(step.recipients)}
                    data = json.loads(c["data"]) if data is None else data
                if step.name == TIER_STEP:
                    action, event = "tier_upgrade", "case.tier_upgraded"
                    payload = {"tier": "complex", "from_tier": data.get("tier", "ordinary"), "step_at": at_iso,
                               "recipients": list(step.recipients)}
                    data["tier"] = "complex"
                if step.list_for_supervision and not c["sup"]:
                    c["sup"] = "town"
                    if listing is None:
                        deadline = _listing_deadline(engine, now)
                        listing = (deadline, iso(deadline), clock_row(engine, tx.t, 0, "supervision", now, deadline))
                    deadline, deadline_iso, clock_params = listing
                    data["supervision_authority"] = "系统自动挂牌（红牌预警）"
                    data["supervision_deadline"] = deadline_iso
                    data["supervision_auto"] = True
                    payload["listed_for_supervision"] = {"level": "town", "deadline": deadline_iso}
                    new_clocks.append({**clock_params, "case_id": case_id})
                if payload is not None:
                    audit_json = dumps(payload)
                seq += 1
                prev = h
                h = event_hash(prev, c["number"], seq, canonical_now, SYSTEM_ACTOR, action, c["state"], c["state"],
                               audit_json)
                audits.append((case_id, seq, t_now, SYSTEM_ACTOR, action, c["state"], c["state"], audit_json, prev, h))
                outbox.append((t_now, event, case_id, c["number"], SYSTEM_ACTOR,
                               _json_strings(_audience(step.recipients, c)), audit_json, "pending", 0, t_now))
                raised.append({"number": c["number"], "clock": clock, "step": step.name, "step_at": at_iso,
                               "due_at": due_iso, "listed": payload is not None and "listed_for_supervision" in payload})
                if step.name == policy.unit_talk_step:
                    talk = _unit_talk(engine, tx, c, at, now, listed)
                    if talk:
                        raised.append(talk)
            case_updates.append((case_id, seq, h, c["sup"], c["data"] if data is None else dumps(data), t_now))
        tx.many("insert_clock_if_absent", new_clocks)
        tx.insert_rows("audit_events", AUDIT_COLUMNS, audits)
        tx.insert_rows("outbox", OUTBOX_COLUMNS, outbox)
        tx.update_rows("cases", "id", ("audit_seq", "audit_hash", "supervision_level", "data", "updated_at"),
                       case_updates, extra="version = version + 1")
    return raised, len(rows)


AUDIT_COLUMNS = ("case_id", "seq", "at", "actor", "action", "from_state", "to_state", "data", "prev_hash", "hash")
OUTBOX_COLUMNS = ("created_at", "event", "case_id", "case_number", "actor", "audience", "payload", "status",
                  "attempts", "next_attempt_at")
ESCALATION_COLUMNS = ("clock_id", "case_id", "step", "step_at", "raised_at")
_ON_CONFLICT = "ON CONFLICT (clock_id, step) DO NOTHING"


@contextmanager
def _collector_paused():
    """Pause Python's cycle collector for one batch.

    A batch allocates tens of thousands of short-lived, acyclic objects (rows,
    tuples, strings); each allocation burst triggers collections that walk every
    object the process holds — measured at a tenth to a fifth of the sweep's CPU.
    Reference counting still frees everything; the collector resumes (if it was
    on) when the batch ends, whatever happens.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _TimeTexts:
    """Times as the database and the payloads want them, each converted once a batch.

    A batch repeats the same instants (a clock's due time in each of its steps'
    payloads; steps of clocks started together), and each conversion costs more
    than the dictionary lookup that spares it.
    """

    __slots__ = ("_iso", "_db")

    def __init__(self):
        self._iso: dict[datetime, str] = {}
        self._db: dict[datetime, object] = {}

    def iso(self, dt: datetime) -> str:
        out = self._iso.get(dt)
        if out is None:
            out = self._iso[dt] = iso(dt)
        return out

    def db(self, tx, dt: datetime | None):
        if dt is None:
            return None
        out = self._db.get(dt)
        if out is None:
            out = self._db[dt] = tx.t(dt)
        return out


_json_str = json.encoder.encode_basestring  # the C escaper dumps() uses (ensure_ascii=False)


def _json_strings(values: list[str]) -> str:
    """``dumps(values)`` for a list of strings, without the encoder's per-call set-up."""
    return "[" + ",".join([_json_str(v) for v in values]) + "]"


def _escalation_json(clock: str, step, at_iso: str, due_iso: str) -> str:
    """``dumps`` of an escalation's payload (keys sorted, no spaces), written directly: this is per escalation."""
    return (f'{{"clock":{_json_str(clock)},"due_at":{_json_str(due_iso)},'
            f'"recipients":{_json_strings(list(step.recipients))},"step":{_json_str(step.name)},'
            f'"step_at":{_json_str(at_iso)}}}')


def _insert_escalations(tx, new: list, t_now, times: _TimeTexts) -> list:
    """Insert the escalation rows; return the ones this transaction raised (all, unless a conflict says otherwise)."""
    rows = [(kid, c["id"], step.name, times.db(tx, at), t_now) for c, kid, _name, step, at, _due in new]
    tx.cur.execute("SAVEPOINT escalations")
    written = tx.insert_rows("escalations", ESCALATION_COLUMNS, rows, _ON_CONFLICT)
    if written == len(rows):
        tx.cur.execute("RELEASE SAVEPOINT escalations")
        return new
    log.warning("escalations already present for %d of %d due steps; raising row by row",
                len(rows) - max(written, 0), len(rows))
    tx.cur.execute("ROLLBACK TO SAVEPOINT escalations")
    tx.cur.execute("RELEASE SAVEPOINT escalations")
    return [n for n, r in zip(new, rows) if tx.insert_rows("escalations", ESCALATION_COLUMNS, [r], _ON_CONFLICT) == 1]


def _unit_talk(engine, tx, c: dict, step_at: datetime, now: datetime, listed: set) -> dict | None:
    """List the case's responsible unit for a talk (约谈) when its red cards this month reach the policy's count.

    The month is the local calendar month of the step's own time, so a late sweep
    counts a red card in the month it was due. ``UNIQUE(unit_id, month)`` lists a
    unit once per month whatever the number of sweepers.
    """
    from workflow.timeutil import month_bounds, to_local

    policy = engine.policy
    unit = c["resp"] or c["unit_id"]
    local = to_local(step_at)
    month = f"{local.year:04d}-{local.month:02d}"
    if (unit, month) in listed:
        return None
    if tx.query("SELECT 1 FROM unit_talks WHERE unit_id = :unit AND month = :month", {"unit": unit, "month": month}):
        listed.add((unit, month))  # counting again would only find more of the same
        return None
    start, end = month_bounds(step_at)
    rows = tx.query(
        "SELECT c.number FROM escalations e JOIN cases c ON c.id = e.case_id "
        "WHERE e.step = :step AND e.step_at >= :start AND e.step_at < :end "
        "AND COALESCE(c.responsible_unit, c.unit_id) = :unit ORDER BY e.step_at, e.id",
        {"step": policy.unit_talk_step, "start": tx.t(start), "end": tx.t(end), "unit": unit})
    if not policy.needs_unit_talk(len(rows)):
        return None
    numbers = [r[0] for r in rows]
    listed.add((unit, month))
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
    return {"number": "", "clock": "", "step": "unit_talk", "step_at": iso(step_at), "due_at": None,
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
