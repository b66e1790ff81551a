"""Recompute open clocks after the calendar data changed (a package upgrade or the override file).

Each clock stores the calendar revision its due time was computed with; a
clock computed with another revision is recomputed from its start, and each
change is written to the case's audit log. Extended clocks and supervision
deadlines were set by a person and are left alone.

The cases are read without a lock, as a command reads them: the events join
each chain under the version read, so a command that moved a case meanwhile
makes the recalculation run again on what it left (never one event over
another's, never a head moved back).
"""

from __future__ import annotations

import json

from disputeflow.cases import chain_writer, recalc_store
from disputeflow.cases.chain import Head, link
from disputeflow.workflow.clocks import next_step_after
from disputeflow.workflow.commands import dumps, jsonable
from disputeflow.workflow.errors import Conflict

RETRIES = 3  # runs after the first when a command moved a case under it


def refresh(engine) -> dict:
    """Recompute every clock of another calendar revision; returns ``{"checked", "changed", "revision"}``.

    Raises:
        Conflict: commands kept moving the cases for every run.
    """
    for attempt in range(RETRIES + 1):
        try:
            return _run(engine)
        except Conflict:
            if attempt == RETRIES:
                raise
    raise AssertionError("not reached")


def _run(engine) -> dict:
    now = engine.clock.now()
    rev = engine.calendar.revision
    checked = changed = 0
    with engine.store.write() as tx:
        rows = recalc_store.open_clocks(tx)
        clocks: list[tuple[str, dict]] = []
        events: list[tuple] = []
        heads: dict[int, list] = {}  # case id → [head, version read, events added]
        for kid, case_id, name, started, due, level, extended, krev, risk, category, number, state, seq, h, cdata, \
                version in rows:
            checked += 1
            if krev == rev or extended or name == "supervision":
                continue
            clocks.append(recalc_store.revision(kid, rev))
            new = _recomputed(engine, tx, kid, name, tx.time(started), tx.time(due), level, risk, category, cdata)
            if new is None:
                continue
            clocks.append(new[0])
            head = heads.setdefault(case_id, [Head(seq, h), version, 0])
            data = dumps(jsonable({"clock": name, "from": tx.time(due), "to": new[1], "calendar_from": krev,
                                   "calendar_to": rev}))
            event = link(tx.store.signer, head[0], number, now, "system", "recalc", state, state, data, "{}")
            events.append((case_id, event.seq, tx.t(now), "system", "recalc", state, state, data, event.prev_hash,
                           event.hash, "{}", event.key_id))
            head[0], head[2] = event.head, head[2] + 1
            changed += 1
        recalc_store.write_clocks(tx, clocks)
        moved = [(read + added, tx.t(now), head.seq, head.hash, case_id, read)
                 for case_id, (head, read, added) in heads.items()]
        chain_writer.append(tx, chain_writer.CASES, events, {(): moved}, _moved)
    return {"checked": checked, "changed": changed, "revision": rev}


def _recomputed(engine, tx, kid: int, name: str, started, due, level, risk: str, category: str, cdata):
    """``(update of the clock, new due time)`` when the calendar moves the clock's due time; else None."""
    tier = json.loads(cdata or "{}").get("tier")
    new_due = engine.policy.due_at(name, started, risk, category, engine.calendar, tier)
    if new_due is None or new_due == due:
        return None
    steps = engine.policy.steps(name, started, new_due, engine.calendar, risk, category, tier)
    warn = next((at for s, at in steps if s.kind == "fraction"), None)
    step, at = next_step_after(steps, level)
    return recalc_store.due(kid, tx.t(new_due), tx.t(warn), step, tx.t(at)), new_due


def _moved() -> Conflict:
    return Conflict("案件在重算时限期间被修改，正在重试", "a case changed while its clocks were recomputed; retrying")
