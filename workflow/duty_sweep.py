"""Key-person duties on the sweep: occurrences rolled forward, missed ones collected into one item.

Each occurrence of a duty (one day's contact, one day's report) is a row in
``key_person_duties``: its period's start and end. A person need not have a
case, so an occurrence carries no case clock; what the sweep does with one
that passes its due time unmet is :mod:`disputeflow.workflow.duty_lapses`
(one open item per person, escalated once per ladder step).

What this module adds around the sweep (called once at the end of
``sweep.run``):

* **rolling**: create the occurrences whose periods have begun. A person's
  ``next_roll_at`` says when the next period starts, read through a partial
  index, so an idle pass costs one index probe. ``UNIQUE(person_id, duty,
  period_start)`` makes a period's occurrence exist once whatever the number
  of sweepers; a late sweep creates every period it missed.
* **missed duties**: counted into the person's open item, whose due steps are
  then raised (:func:`disputeflow.workflow.duty_lapses.run`).
"""

from __future__ import annotations

import logging
import weakref
from datetime import datetime, timedelta

from disputeflow.cases import duty_store
from disputeflow.workflow import duty_lapses
from disputeflow.workflow.duties import next_period, periods

log = logging.getLogger(__name__)


def after_sweep(engine, now: datetime, batch: int = 500, raised: list[dict] | None = None) -> bool:
    """Roll key-person duties forward, collect the missed ones and raise their items' steps (added to ``raised``).

    Returns False: duties start no case clock, so the case sweep has nothing
    more to do. An idle pass costs little: see :func:`roll` for the remembered
    next roll time; the missed-duty pass reads two partial indexes.
    """
    roll(engine, now, batch)
    duty_lapses.run(engine, now, batch, raised)
    return False


_NEXT_ROLL: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # engine -> (probed at, earliest next roll)
PROBE_TTL = timedelta(minutes=5)


def forget(engine) -> None:
    """This process changed a plan: probe again on the next pass."""
    _NEXT_ROLL.pop(engine, None)
    duty_lapses.forget(engine)


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


def roll_person(engine, tx, person_id: int, risk: str, since: datetime, anchor_case_id: int | None, now: datetime,
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


def _occurrence(engine, tx, person_id: int, duty: str, start: datetime, end: datetime,
                anchor_case_id: int | None) -> int:
    return 0 if duty_store.add_occurrence(tx, person_id, duty, tx.t(start), tx.t(end)) is None else 1


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
    """Mark the occurrences (open, or missed: a paper record entered late) whose period contains ``at`` and whose
    duty this method meets; stop their clocks (occurrences from before 0018 carry one)."""
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
