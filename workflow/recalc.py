"""Recompute open clocks after the calendar data changed (a package upgrade or the override file).

Each clock stores the calendar revision its due time was computed with; a
clock computed with another revision is recomputed from its start, and each
change is written to the case's audit log. Extended clocks and supervision
deadlines were set by a person and are left alone.
"""

from __future__ import annotations


import json

from disputeflow.cases.audit import seal
from disputeflow.workflow.clocks import next_step_after
from disputeflow.workflow.commands import dumps, jsonable


def refresh(engine) -> dict:
    now = engine.clock.now()
    rev = engine.calendar.revision
    checked = changed = 0
    with engine.store.write() as tx:
        rows = tx.query(
            "SELECT k.id, k.case_id, k.name, k.started_at, k.due_at, k.level, k.extended, k.calendar_rev, c.risk, "
            "c.category, c.number, c.state, c.audit_seq, c.audit_hash, c.data FROM clocks k JOIN cases c ON c.id = k.case_id "
            "WHERE k.stopped_at IS NULL ORDER BY k.case_id, k.id")
        heads: dict[int, tuple[int, str]] = {}
        for kid, case_id, name, started, due, level, extended, krev, risk, category, number, state, seq, h, cdata in rows:
            checked += 1
            if krev == rev or extended or name == "supervision":
                continue
            started_dt, due_dt = tx.time(started), tx.time(due)
            new_due = engine.policy.due_at(name, started_dt, risk, category, engine.calendar,
                                           json.loads(cdata or "{}").get("tier"))
            tx.execute("UPDATE clocks SET calendar_rev = :rev WHERE id = :id", {"rev": rev, "id": kid})
            if new_due is None or new_due == due_dt:
                continue
            steps = engine.policy.steps(name, started_dt, new_due, engine.calendar)
            warn = next((at for s, at in steps if s.kind == "fraction"), None)
            step, at = next_step_after(steps, level)
            tx.execute("UPDATE clocks SET due_at = :due, warn_at = :warn, next_step = :step, next_at = :at "
                       "WHERE id = :id", {"due": tx.t(new_due), "warn": tx.t(warn), "step": step,
                                          "at": tx.t(at), "id": kid})
            seq, h = heads.get(case_id, (seq, h))
            data = dumps(jsonable({"clock": name, "from": due_dt, "to": new_due, "calendar_from": krev,
                                   "calendar_to": rev}))
            new_h, key_id = seal(tx.store.signer, h, number, seq + 1, now, "system", "recalc", state, state, data,
                                 "{}")
            tx.run("insert_audit", {"case_id": case_id, "seq": seq + 1, "at": tx.t(now), "actor": "system",
                                    "action": "recalc", "from_state": state, "to_state": state, "data": data,
                                    "prev_hash": h, "hash": new_h, "fields": "{}", "key_id": key_id})
            heads[case_id] = (seq + 1, new_h)
            changed += 1
        for case_id, (seq, h) in heads.items():
            tx.execute("UPDATE cases SET audit_seq = :seq, audit_hash = :h, version = version + (:seq - audit_seq) "
                       "WHERE id = :id",
                       {"seq": seq, "h": h, "id": case_id})
    return {"checked": checked, "changed": changed, "revision": rev}
