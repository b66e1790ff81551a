"""A case's version is the number of events in its history: every audit event bumps it by one.

Commands (one event each), batches (several events on one case in one
transaction), the sweep (several steps of one case raised at once, an
automatic listing), a key person's registration (an event on the linked case)
and an ending that delists: after all of them ``version == audit_seq ==
count(audit_events)`` holds for every case, and the version a command reports
is the one stored.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import text

from tests.conftest import report
from disputeflow.workflow.runtime import runtime_of

LATE = datetime(2026, 3, 20, 2, 0, tzinfo=timezone.utc)  # past level 3 of every assess clock reported on 3 March


def _mismatches(engine) -> list:
    with runtime_of(engine).db.connect() as c:
        return c.execute(text(
            "SELECT c.number, c.version, c.audit_seq, count(e.id) FROM cases c "
            "LEFT JOIN audit_events e ON e.case_id = c.id GROUP BY c.id, c.number, c.version, c.audit_seq "
            "HAVING c.version <> c.audit_seq OR c.version <> count(e.id)")).all()


def test_version_counts_every_event_whoever_writes_it(engine):
    a, b, c, d = (report(engine) for _ in range(4))
    engine.act(a, "assess", "med1", risk="low")
    engine.act_many([(b, "assess", "med1", {"risk": "low"}), (b, "note", "med1", {"text": "已约双方"}),
                     (b, "inform", "med1", {"informed_parties": "张三、李四", "method": "oral"}),
                     (b, "mediate", "med1", {})])
    engine.act(c, "assess", "med1", risk="medium")
    engine.act(c, "supervise", "sup", level="town", authority="镇综治中心", deadline="2026-03-10T17:00+08:00")
    engine.add_person("go", name="王大锤", cases=[d], risk="high", grid_officer="go", lead_official="lead")
    assert _mismatches(engine) == []

    before = engine.case(d)["version"]
    raised = engine.sweep(LATE)  # d's assess clock: warning, level 1, 2 and 3 (with its listing) in one pass
    # the case's own clocks; a linked key person's missed duties (kp.<id>.lapse) are the person's, not the case's
    steps_on_d = [r for r in raised if r.get("number") == d and not r["clock"].startswith("kp.")]
    assert len(steps_on_d) >= 3
    assert engine.case(d)["version"] == before + len(steps_on_d)
    assert _mismatches(engine) == []

    out = engine.act(c, "withdraw", "med1", reason="撤回", expected_version=engine.case(c)["version"])
    assert out.version == engine.case(c)["version"] == len(engine.history(c))
    assert _mismatches(engine) == []
    assert engine.verify_audit()["problems"] == []
