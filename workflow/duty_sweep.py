"""Key-person duties on the escalation machinery: occurrences as clocks, rolled forward by the sweep.

Each occurrence of a duty (one day's contact, one workday's report) is a row
in ``key_person_duties`` and an ordinary running clock in ``clocks`` on the
person's anchor case, started at the period's start and due at its end. The
existing sweep escalates that clock through the ladder (warning, levels 1–3,
listing for supervision), exactly once per step by ``UNIQUE(clock_id, step)``.
A recorded contact that meets the duty stops the clock; release stops them all.

What this module adds around the sweep (called once at the end of
``sweep.run``):

* **rolling**: create the occurrences whose periods have begun. A person's
  ``next_roll_at`` says when the next period starts, read through a partial
  index, so an idle pass costs one index probe. ``UNIQUE(person_id, duty,
  period_start)`` makes a period's occurrence exist once whatever the number
  of sweepers; a late sweep creates every period it missed, and their steps
  are raised in the same pass.
* **forwarding**: the sweep addresses its notices by the case's people; a
  duty's escalation must also reach the person's grid officer, lead official
  and supervisors. ``UNIQUE(clock_id, step)`` on ``key_person_notices``
  forwards each step once. After the last ladder step the occurrence's clock
  is stopped: it stays missed, and the board is not filled with old days.
"""

from __future__ import annotations

import logging
import weakref
from datetime import datetime, timedelta

from disputeflow.cases import duty_store, outbox
from disputeflow.workflow import clocks as clock_rows
from disputeflow.workflow.audience import audience, person_slots
from disputeflow.workflow.commands import dumps
from disputeflow.workflow.duties import clock_name, next_period, periods
from disputeflow.workflow.masking import mask_name
from disputeflow.workflow.policy import DUTY_CLOCK_PREFIX
from disputeflow.workflow.person_access import append
from disputeflow.workflow.timeutil import iso

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
FORWARD_WINDOW = timedelta(days=7)  # escalations older than this were forwarded by an earlier pass


def after_sweep(engine, now: datetime, batch: int = 500, raised: list[dict] | None = None) -> bool:
    """Roll key-person duties forward and forward their escalations.

    Returns True when new occurrences were created: the sweep then runs again, since
    they may already owe steps, and calls this again to forward those. Forwarding
    runs when this pass raised a duty step, and once per engine object (a restart
    catches up whatever a crash between the sweep's commit and the forwarding left
    behind). An idle pass usually costs nothing: see :func:`roll` for the
    remembered next roll time.
    """
    if roll(engine, now, batch):
        return True
    if engine not in _CAUGHT_UP or any(r.get("clock", "").startswith(DUTY_CLOCK_PREFIX) for r in raised or ()):
        forward(engine, now)
        _CAUGHT_UP.add(engine)
    return False


_CAUGHT_UP: "weakref.WeakSet" = weakref.WeakSet()


_NEXT_ROLL: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # engine -> (probed at, earliest next roll)
PROBE_TTL = timedelta(minutes=5)


def forget(engine) -> None:
    """This process changed a plan: probe again on the next pass."""
    _NEXT_ROLL.pop(engine, None)


def roll(engine, now: datetime, batch: int = 500) -> int:
    """Create every occurrence whose period has begun by ``now``; returns how many were created.

    The earliest ``next_roll_at`` is remembered per engine for a few minutes
    of clock time, so idle passes skip the probe. Another process may register
    a person meanwhile; that only delays the creation of the person's next
    occurrence by at most ``PROBE_TTL`` — its clock still starts at the
    period's start, so no step is lost or moved — and registering, replanning
    and recording a contact open the current period themselves.
    """
    known = _NEXT_ROLL.get(engine)
    if known is not None and known[0] <= now < known[0] + PROBE_TTL and (known[1] is None or now < known[1]):
        return 0
    with engine.store.read() as tx:
        earliest = tx.time(duty_store.earliest_roll(tx))
    _NEXT_ROLL[engine] = (now, earliest)
    if earliest is None or earliest > now:
        return 0
    forget(engine)
    created = 0
    while True:
        with engine.store.write() as tx:
            rows = duty_store.persons_due(tx, tx.t(now), batch)
            for pid, risk, since, anchor in rows:
                created += roll_person(engine, tx, pid, risk, tx.time(since), anchor, now)
        if len(rows) < batch:
            return created


def roll_person(engine, tx, person_id: int, risk: str, since: datetime, anchor_case_id: int, now: datetime,
                start_at: dict[str, datetime] | None = None) -> int:
    """Create the person's due occurrences up to ``now`` and set ``next_roll_at``; inside the caller's transaction.

    Each duty continues from the end of its latest occurrence not cancelled or
    from ``start_at[duty]`` (a new plan), whichever is later, else from ``since``.
    """
    plan = engine.policy.key_persons.plan(risk)
    last = {duty: tx.time(due) for duty, due in duty_store.last_due_by_duty(tx, person_id)}
    created = 0
    next_roll: datetime | None = None
    for duty, rec in plan.items():
        marks = [t for t in (last.get(duty), (start_at or {}).get(duty)) if t is not None]
        begin = max(marks) if marks else since
        end = begin
        for start, end in periods(rec, begin, now, engine.calendar):
            created += _occurrence(engine, tx, person_id, duty, start, end, anchor_case_id)
        upcoming = next_period(rec, end, engine.calendar)[0]  # the first period not yet begun
        next_roll = upcoming if next_roll is None else min(next_roll, upcoming)
    duty_store.set_next_roll(tx, person_id, tx.t(next_roll))
    return created


def _occurrence(engine, tx, person_id: int, duty: str, start: datetime, end: datetime, anchor_case_id: int) -> int:
    oid = duty_store.add_occurrence(tx, person_id, duty, tx.t(start), tx.t(end))
    if oid is None:
        return 0
    params = clock_rows.row(engine, tx.t, anchor_case_id, clock_name(person_id, duty, start), start, end)
    duty_store.set_clock(tx, oid, duty_store.add_clock(tx, params))
    return 1


def stop_clock(tx, clock_id: int | None, now: datetime) -> None:
    if clock_id is not None:
        tx.run("stop_clock", {"id": clock_id, "now": tx.t(now)})


def cancel_open(tx, person_id: int, now: datetime, duties: list[str] | None = None,
                not_due_only: bool = True) -> int:
    """Cancel open occurrences not yet due (a new plan or a release) and stop their clocks; returns how many.

    With ``not_due_only=False`` missed occurrences keep their status but their
    clocks stop too (release: nobody is to be chased for a released person).
    """
    if duties is not None and not duties:
        return 0
    rows = duty_store.open_occurrences(tx, person_id, duties)
    n = 0
    for oid, kid, due in rows:
        if tx.time(due) > now:
            duty_store.cancel(tx, oid)
            stop_clock(tx, kid, now)
            n += 1
        elif not not_due_only:
            stop_clock(tx, kid, now)
    return n


def meet(engine, tx, person_id: int, method: str, at: datetime, contact_id: int, now: datetime) -> list[str]:
    """Mark the open occurrences whose period contains ``at`` and whose duty this method meets; stop their clocks."""
    duties = [d.name for d in engine.policy.key_persons.duties.values() if method in d.satisfied_by]
    if not duties:
        return []
    rows = duty_store.open_at(tx, person_id, tx.t(at))
    met = []
    for oid, duty, kid in rows:
        if duty not in duties:
            continue
        duty_store.mark_met(tx, oid, tx.t(at), contact_id)
        stop_clock(tx, kid, now)
        met.append(duty)
    return sorted(met)


def forward(engine, now: datetime) -> int:
    """Send each recent duty escalation to the person's officials once; stop a clock whose ladder is done."""
    policy = engine.policy
    last_step = policy.ladder[-1].name
    n = 0
    with engine.store.write() as tx:
        rows = duty_store.to_forward(tx, tx.t(now - FORWARD_WINDOW))
        persons: dict[int, dict] = {}
        for kid, step_name, step_at, pid, duty, start, due, number in rows:
            if not duty_store.add_notice(tx, kid, step_name, tx.t(now)):
                continue
            p = persons.get(pid)
            if p is None:
                from disputeflow.workflow.person_access import load

                p = persons[pid] = load(tx, pid, lock=True)
            step = policy.step(step_name)
            payload = {"person_id": pid, "person": mask_name(p["name"]), "duty": duty, "step": step_name,
                       "period_start": iso(tx.time(start)), "due_at": iso(tx.time(due)),
                       "step_at": iso(tx.time(step_at))}
            to = audience(step.recipients if step else ("assignee",), p["unit_path"],
                          person_slots(p["grid_officer"], p["lead_official"]))
            outbox.enqueue(tx, [outbox.row(tx.t(now), f"person.duty_{step_name}"[:40], None, number, SYSTEM_ACTOR,
                                           dumps(to), dumps(payload))])
            append(tx, p, SYSTEM_ACTOR, "duty_escalated", payload, now)
            if step_name == last_step:
                duty_store.stop_finished_clock(tx, kid, tx.t(now))
            n += 1
    if n:
        log.info("forwarded %d key-person duty escalations", n)
    return n
