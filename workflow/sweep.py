"""The escalation sweep: raise every ladder step that has come due, exactly once.

The sweep reads clocks through the partial index on ``next_at``, so its cost
grows with the due clocks, not with the open cases. Exactly-once is the
database's job (see :mod:`disputeflow.cases.sweep_store`). A late sweep raises
every step that passed, in order. What a step writes is
:mod:`disputeflow.workflow.sweep_events`; the talk list,
:mod:`disputeflow.workflow.sweep_talks`.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from datetime import datetime

from disputeflow.cases import chain_writer, sweep_store
from disputeflow.workflow.policy import TIER_CLOCK
from disputeflow.workflow.results import SweepEvent
from disputeflow.workflow.sweep_events import (  # noqa: F401  (importable from here, as before)
    SYSTEM_ACTOR, BatchTexts as _BatchTexts, _escalation_json, _json_strings, events, outcomes,
)
from disputeflow.workflow.sweep_talks import talk_key, unit_talk
from disputeflow.workflow.unit_of_work import owned

log = logging.getLogger(__name__)

SWEEP_CHECKPOINT_PAGES = 10_000  # SQLite: the WAL may grow to ~40 MB during a sweep (see "Fast paths" in bench/README.md)
_claim_sql = sweep_store.claim_sql  # the benchmarks time the claim by itself


def run(engine, now: datetime, batch: int = 500, stop: threading.Event | None = None) -> list[SweepEvent]:
    """Raise due steps in batches until none is left; returns what was raised.

    ``stop`` (the scheduler's shutdown) ends the run after the batch in hand:
    each batch commits whole, and the next pass raises the rest.
    """
    raised: list[SweepEvent] = []
    with engine.store.checkpoint_every(SWEEP_CHECKPOINT_PAGES):
        while True:
            got, n = _batch_retrying_deadlocks(engine, now, batch)
            raised.extend(got)
            if n < batch:
                break
            if stop is not None and stop.is_set():
                return raised
        _warn_unloaded(engine, now)
    from disputeflow.workflow import duty_sweep  # key-person duties: roll the next occurrences, forward their escalations

    if duty_sweep.after_sweep(engine, now, batch, raised):
        raised.extend(run(engine, now, batch, stop))  # what the new occurrences already owe, then forwarding
        return raised
    from disputeflow.workflow import screening_sweep  # units' screening rounds and reports (排查、零报告)

    screening_sweep.run(engine, now, batch)
    return raised


def _warn_unloaded(engine, now: datetime) -> None:
    """Log the definitions whose cases have due clocks this engine left alone (it does not load them)."""
    with engine.store.read() as tx:
        missing = sweep_store.unloaded_due(tx, tx.t(now), engine.definition_keys())
    for name, version in missing:
        log.warning("sweep: cases under workflow %s version %s have due clocks but the definition is not loaded "
                    "in this engine; they are not escalated", name, version)


DEADLOCK_RETRIES = 5


def _batch_retrying_deadlocks(engine, now: datetime, batch: int) -> tuple[list[dict], int]:
    """:func:`_one_batch`, run again when PostgreSQL chose it as a deadlock's victim.

    Sweepers take their shared rows in one order (see the talk rows), so a
    deadlock needs a command in the cycle (one listing a case for supervision
    while the sweep lists it automatically). The victim's batch was rolled back
    whole, so running it again raises nothing twice; after a few tries the
    error goes up as before.
    """
    for attempt in range(DEADLOCK_RETRIES + 1):
        try:
            with owned(engine):  # a before_commit listener: the batch on a SQLAlchemy connection, told inside
                return _one_batch(engine, now, batch)
        except Exception as exc:
            if getattr(exc, "sqlstate", None) != "40P01" or attempt == DEADLOCK_RETRIES:
                raise
            log.warning("sweep batch chosen as a deadlock victim; running it again (%d)", attempt + 1)
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise AssertionError("not reached")


def _one_batch(engine, now: datetime, batch: int) -> tuple[list[dict], int]:
    """Claim up to ``batch`` clocks with a step due, raise their steps, in one transaction.

    Writes go in bulk (``executemany`` on SQLite, one statement per table on
    PostgreSQL): the claim holds the clocks and their cases (``SKIP LOCKED`` on
    PostgreSQL, the write lock on SQLite), so each clock's ``level`` says which
    steps are new and the cases' heads cannot move under the batch. The unique
    constraint stays the arbiter: if the insert of escalations meets a conflict
    (a row the level did not explain), only the steps it inserted are raised.
    """
    with engine.store.write() as tx:
        t_now = tx.t(now)
        rows = sweep_store.claim(tx, t_now, batch, engine.definition_keys())
        texts = _BatchTexts(engine.policy, engine.calendar, tx)
        cases, new, clock_updates, tier_done = _due_steps(engine, rows, now, t_now, texts)
        if new:
            rows_new = [(kid, c["id"], s[0].name, s[2], t_now) for c, kid, _name, s, _due in new]
            for (c, _kid, name, step, due_iso), ok in zip(new, sweep_store.insert_escalations(tx, rows_new)):
                if ok:
                    c["events"].append((name, step, due_iso))
        out = events(engine, tx, cases, now, t_now, texts, talk_key)
        raised = out.raised
        talks: list[dict] = []
        # Talk rows are the one thing concurrent sweepers insert under the same keys: taken in one
        # order (sorted by unit and month), two batches can wait for each other's row but never both.
        listed: set[tuple[str, str]] = set()
        for key in sorted(out.talks):
            talk = unit_talk(engine, tx, *out.talks[key], now, listed)
            if talk:
                raised.append(talk)
                talks.append(talk)
        with tx.pipeline():  # nothing below is read back: one round trip on PostgreSQL
            sweep_store.write_clocks(tx, clock_updates, tier_done, out.new_clocks)
            chain_writer.append(tx, chain_writer.CASES, out.audits, {("supervision_level", "data"): out.heads},
                                held=True, outbox=out.outbox)
    if engine.listeners or engine.before_listeners:
        for outcome in outcomes(out, talks, now):
            engine.emit(outcome)
    return raised, len(rows)


def _due_steps(engine, rows: list, now: datetime, t_now, texts) -> tuple[dict, list, list, list]:
    """From the claimed rows: the cases (with an empty list of events each), the due steps
    ``(case, clock id, clock name, step, due as ISO)``, the clocks' new levels and the clocks to stop."""
    policy = engine.policy
    cases: dict[int, dict] = {}
    new: list[tuple] = []
    clock_updates: list[tuple] = []
    tier_done: list[dict] = []  # clocks stopped by this batch: the tier milestone passed, or the case ended
    ended_states: dict[tuple, frozenset] = {}
    for (kid, case_id, name, started, due, level, number, state, version, seq, h, sup, data, unit_path,
         mediator, lead, resp, dname, dver, unit_id, risk, category) in rows:
        ended = ended_states.get((dname, dver))
        if ended is None:
            ended = ended_states[(dname, dver)] = frozenset(engine.definition(dname, dver).terminal_states)
        if state in ended and not policy.outlives_case(name):
            # a clock an ended case should not be running (a path that forgot to stop it): stop, never escalate
            tier_done.append({"level": level, "now": t_now, "id": kid})
            continue
        steps, due_iso = texts.ladder(name, started, due, risk, category)
        first = 0
        for i, s in enumerate(steps):
            if s[0].name == level:
                first = i + 1
        c = cases.get(case_id)
        if c is None:
            c = cases[case_id] = {
                "id": case_id, "number": number, "state": state, "version": version, "seq": seq, "hash": h,
                "sup": sup, "data": data, "unit_path": unit_path, "mediator": mediator, "lead": lead, "resp": resp,
                "unit_id": unit_id, "risk": risk, "category": category, "events": []}
        k, last = first, len(steps)
        while k < last and steps[k][1] <= now:
            new.append((c, kid, name, steps[k], due_iso))
            k += 1
        new_level = steps[k - 1][0].name if k > first else level
        if k < last:
            clock_updates.append((kid, new_level, steps[k][0].name, steps[k][2]))
        elif name == TIER_CLOCK:
            # the milestone has passed: the clock has done its one job
            tier_done.append({"level": new_level, "now": t_now, "id": kid})
        else:
            clock_updates.append((kid, new_level, None, None))
    return cases, new, clock_updates, tier_done
