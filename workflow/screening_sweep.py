"""Screening duties on the escalation ladder: each period's round and report, warned and carded once.

Rolling creates a unit's duty for every period that has begun (its ordinary
cadence and, in a sensitive period, each day), already met when the round or
report is on record. The ladder is the policy's own (warning at 80% of the
period, yellow at due, orange and red after 2 and 5 workdays), computed by
:meth:`Policy.step_times`; a duty has no case, so a red card notifies the
unit's supervisors and lists nothing. ``UNIQUE(duty_id, step)`` raises each
step once whatever the number of sweepers; a met duty leaves the ladder.
"""

from __future__ import annotations

import json
import logging
import weakref
from datetime import date, datetime, timedelta

from disputeflow.cases import outbox, screening_store
from disputeflow.workflow.audience import audience
from disputeflow.workflow.commands import dumps
from disputeflow.workflow.screening_rules import Period, schedule
from disputeflow.workflow.timeutil import iso, local_date

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
LOOKBACK = timedelta(days=7)  # duties due longer ago are not rolled late (a first deployment is not flooded)
PROBE_TTL = timedelta(minutes=5)
_ROLLED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # engine -> clock time of the last roll


_NEXT_STEP: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # engine -> (probed at, earliest next_at)


def forget(engine) -> None:
    """A sensitive period was set: roll and probe again on the next pass."""
    _ROLLED.pop(engine, None)
    _NEXT_STEP.pop(engine, None)


def run(engine, now: datetime, batch: int = 500) -> list[dict]:
    """Roll the duties and raise every due step; returns the steps raised.

    Rolling runs at most every few minutes of clock time (and on a new local
    day); the earliest step due is remembered as long, so an idle pass reads
    nothing. Another process's new duties wait at most that long: their steps
    keep their times, and a late pass raises every step that passed.
    """
    last = _ROLLED.get(engine)
    if last is None or not last <= now < last + PROBE_TTL or local_date(last) != local_date(now):
        if roll(engine, now):
            _NEXT_STEP.pop(engine, None)
        _ROLLED[engine] = now
    known = _NEXT_STEP.get(engine)
    if known is None or not known[0] <= now < known[0] + PROBE_TTL:
        with engine.store.read() as tx:
            known = _NEXT_STEP[engine] = (now, tx.time(screening_store.earliest_step(tx)))
    if known[1] is None or known[1] > now:
        return []
    _NEXT_STEP.pop(engine, None)
    raised: list[dict] = []
    while True:
        got, n = _one_batch(engine, now, batch)
        raised += got
        if n < batch:
            return raised


def sensitive_ranges(rows, unit_path: str) -> list[tuple[date, date]]:
    """The ranges of the sensitive periods that name the unit or a unit above it."""
    out = []
    for _id, _name, first, last, units_json, *_ in rows:
        if any(f"/{u}/" in unit_path for u in json.loads(units_json)):
            out.append((date.fromisoformat(first), date.fromisoformat(last)))
    return out


def roll(engine, now: datetime) -> int:
    """Create the duty of every period that has begun by ``now`` and whose due time is within :data:`LOOKBACK`."""
    policy = engine.policy
    today = local_date(now)
    since = today - LOOKBACK
    created = 0
    with engine.store.write() as tx:
        units = screening_store.units_of_kinds(tx, list(policy.screening.by_kind), None)
        sens = screening_store.sensitive(tx, today.isoformat(), (since - timedelta(days=92)).isoformat())
        ids = [u[0] for u in units]
        earliest = since - timedelta(days=92)
        known = screening_store.known_duties(tx, ids, earliest.isoformat())
        rounds: dict[str, list[str]] = {}
        for uid, held_on, _at in screening_store.round_days(tx, ids, earliest.isoformat(), today.isoformat()):
            rounds.setdefault(uid, []).append(held_on)
        reports = {(r[0], r[1], r[2]): tx.time(r[3])
                   for r in screening_store.filed(tx, ids, earliest.isoformat(), (today + timedelta(days=1)).isoformat())}
        for uid, _name, kind, path, created_at in units:
            begun = local_date(tx.time(created_at))
            for p in schedule(policy.screening, kind, max(begun, since - timedelta(days=92)), today,
                              sensitive_ranges(sens, path)):
                for duty in ("round", "report"):
                    if p.due(duty) < now - LOOKBACK or (uid, duty, p.cadence, p.first.isoformat()) in known:
                        continue
                    met = _met(duty, p, rounds.get(uid, ()), reports.get((uid, p.cadence, p.first.isoformat())))
                    created += _add(engine, tx, uid, duty, p, met, now)
    return created


def _met(duty: str, p: Period, held: list[str] | tuple, filed_at: datetime | None) -> bool:
    if duty == "round":
        return any(p.first.isoformat() <= d <= p.last.isoformat() for d in held)
    return filed_at is not None


def _add(engine, tx, unit_id: str, duty: str, p: Period, met: bool, now: datetime) -> int:
    start, due = p.start, p.due(duty)
    steps = [] if met else engine.policy.step_times(start, due, engine.calendar)
    first = steps[0] if steps else (None, None)
    got = screening_store.add_duty(tx, {
        "unit_id": unit_id, "duty": duty, "cadence": p.cadence, "period_start": p.first.isoformat(),
        "period_end": p.last.isoformat(), "started_at": tx.t(start), "due_at": tx.t(due),
        "status": "met" if met else "open", "met_at": tx.t(now) if met else None,
        "next_step": first[0].name if first[0] else None, "next_at": tx.t(first[1]) if first[1] else None})
    return 0 if got is None else 1


def _one_batch(engine, now: datetime, batch: int) -> tuple[list[dict], int]:
    policy = engine.policy
    raised: list[dict] = []
    with engine.store.write() as tx:
        rows = screening_store.due_duties(tx, tx.t(now), batch)
        names: dict[str, tuple] = {}
        for did, uid, duty, cadence, first, last, started, due, level in rows:
            steps = policy.step_times(tx.time(started), tx.time(due), engine.calendar)
            names = names or {u[0]: u for u in screening_store.units_of_kinds(tx, list(policy.screening.by_kind))}
            k = next((i + 1 for i, (s, _at) in enumerate(steps) if s.name == level), 0)
            new_level = level
            while k < len(steps) and steps[k][1] <= now:
                step, at = steps[k]
                if screening_store.add_step(tx, did, step.name, tx.t(at), tx.t(now)):
                    unit = names.get(uid)
                    raised.append(_notify(tx, unit, uid, duty, cadence, first, last, step, at, tx.time(due), now))
                new_level = step.name
                k += 1
            nxt = steps[k] if k < len(steps) else None
            screening_store.move_duty(tx, did, new_level, nxt[0].name if nxt else None,
                                      tx.t(nxt[1]) if nxt else None)
    if raised:
        log.info("raised %d screening duty steps", len(raised))
    return raised, len(rows)


def _notify(tx, unit, uid: str, duty: str, cadence: str, first: str, last: str, step, at: datetime, due: datetime,
            now: datetime) -> dict:
    path = unit[3] if unit else f"/{uid}/"
    period = first if first == last else f"{first}～{last}"
    payload = {"unit": uid, "unit_name": unit[1] if unit else uid, "duty": duty, "cadence": cadence,
               "period": period, "step": step.name, "step_at": iso(at), "due_at": iso(due)}
    to = audience(step.recipients, path, {"responsible_unit": uid})
    outbox.enqueue(tx, [outbox.row(tx.t(now), f"screening.{step.name}", None, None, SYSTEM_ACTOR, dumps(to),
                                   dumps(payload))])
    return payload
