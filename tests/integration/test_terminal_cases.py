"""A case that ends (closed, withdrawn) runs no clock: no board, no red cards, no talks.

A referral hands the case to another body: the case's own clocks stop and its listing ends as
if it had ended, though it waits (已移交) for the referral's feedback, whose clock is the child's.

Entering a terminal state stops every clock of the case — the supervision
clock included — and ends an active listing in the same audited event; the
sweep never escalates a clock of an ended case, and an ended case's late red
cards never count toward its unit's talk (约谈). Existing data is repaired by
migration 0013.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from disputeflow.cases.schema import upgrade
from disputeflow.workflow.runtime import runtime_of
from tests.conftest import report

LATE = datetime(2026, 4, 30, 2, 0, tzinfo=timezone.utc)  # weeks past every ladder step


def _supervised(engine, risk="low"):
    n = report(engine)
    engine.act(n, "assess", "med1", risk=risk)
    engine.act(n, "supervise", "sup", level="town", authority="镇综治中心", deadline="2026-03-10T17:00+08:00")
    return n


def _running(engine, number):
    return [k["clock"] for k in engine.case(number)["deadlines"] if k["status"] == "running"]


@pytest.mark.parametrize("action,fields", [("withdraw", {"reason": "双方自行和解"}), ("refer", {"to": "人民法院"})])
def test_ending_a_supervised_case_stops_every_clock_and_delists_it(engine, action, fields):
    n = _supervised(engine)
    assert "supervision" in _running(engine, n)
    out = engine.act(n, action, "med1", **fields)
    assert "supervision" in out.data["clocks_stopped"]
    ended = out.data["supervision_ended"]
    assert ended["level"] == "town" and ended["authority"] == "镇综治中心" and ended["reason"] == f"case_{out.to_state}"
    doc = engine.case(n)
    assert doc["supervision"] in (None, {}) or not doc["supervision"].get("level")
    assert _running(engine, n) == []
    # the listing ended in the same event (one event, one version step)
    last = engine.history(n)[-1]
    assert last["action"] == action and "supervision_ended" in last["data"]
    assert doc["version"] == len(engine.history(n))

    raised = engine.sweep(LATE)
    assert [r for r in raised if r.get("number") == n] == []
    assert [r for r in engine.overdue(LATE) if r["number"] == n] == []
    assert engine.unit_talks("2026-03") == [] and engine.unit_talks("2026-04") == []
    assert engine.verify_audit()["problems"] == []


def test_three_withdrawn_supervised_cases_raise_no_red_card_and_no_talk(engine):
    numbers = [_supervised(engine) for _ in range(3)]
    for n in numbers:
        engine.act(n, "withdraw", "med1", reason="当事人撤回")
    raised = engine.sweep(LATE)
    assert raised == []
    assert engine.overdue(LATE) == []
    assert engine.unit_talks("2026-03") == []
    with runtime_of(engine).db.connect() as c:
        assert c.execute(text("SELECT count(*) FROM escalations")).scalar() == 0


def test_a_clock_an_ended_case_still_runs_is_stopped_by_the_sweep_not_escalated(engine):
    # a path that forgot to stop it (data written before the fix, a hand edit): the sweep stops it
    n = _supervised(engine)
    engine.act(n, "withdraw", "med1", reason="撤回")
    with runtime_of(engine).db.begin() as c:
        c.execute(text("UPDATE clocks SET stopped_at = NULL, status = 'running', next_step = 'warning', "
                       "next_at = due_at WHERE name = 'supervision'"))
    assert engine.sweep(LATE) == []
    assert _running(engine, n) == []
    with runtime_of(engine).db.connect() as c:
        assert c.execute(text("SELECT count(*) FROM escalations")).scalar() == 0


def test_migration_stops_the_clocks_of_cases_already_ended(engine):
    n = _supervised(engine)
    engine.act(n, "withdraw", "med1", reason="当事人撤回")  # (a referral no longer ends a case: it waits for feedback)
    with runtime_of(engine).db.begin() as c:  # the state an older version left: supervision running after the end
        c.execute(text("UPDATE clocks SET stopped_at = NULL, status = 'running' WHERE name = 'supervision'"))
        c.execute(text("UPDATE cases SET version = version - 1"))  # and a version behind its events
        c.execute(text("UPDATE alembic_version SET version_num = '0012'"))
    upgrade(runtime_of(engine).db)
    assert _running(engine, n) == []
    with runtime_of(engine).db.connect() as c:
        assert c.execute(text("SELECT count(*) FROM cases WHERE version <> audit_seq")).scalar() == 0
        stopped_at = c.execute(text("SELECT k.stopped_at = c.closed_at FROM clocks k JOIN cases c "
                                    "ON c.id = k.case_id WHERE k.name = 'supervision'")).scalar()
    assert stopped_at
