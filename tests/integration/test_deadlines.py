"""Clocks, the ladder and the sweep on a real database, with an injected clock."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from tests.conftest import T0, report
from workflow import Engine, ValidationError
from workflow.timeutil import LOCAL_TZ


def local(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def clock_of(engine, number, name):
    return next(k for k in engine.case(number)["deadlines"] if k["clock"] == name and k["status"] == "running")


def escalations(engine):
    with engine.db.connect() as c:
        return c.execute(text("SELECT count(*), count(DISTINCT clock_id || '/' || step) FROM escalations")).one()


def test_assess_clock_is_one_business_day_or_four_hours_for_high_risk(engine, clock):
    n = report(engine)  # Tuesday 2026-03-03 09:00 +08:00
    assert clock_of(engine, n, "assess")["due_at"] == "2026-03-04T09:00:00+08:00"
    h = report(engine, flags=["violence"])
    assert clock_of(engine, h, "assess")["due_at"] == "2026-03-03T13:00:00+08:00"


def test_control_clock_runs_only_for_high_risk(engine):
    low, high = report(engine), report(engine, flags=["key_person"])
    engine.act(low, "assess", "med1", risk="low")
    engine.act(high, "assess", "med1", risk="high")
    assert not [k for k in engine.case(low)["deadlines"] if k["clock"] == "control"]
    assert clock_of(engine, high, "control")["due_at"] == "2026-03-04T09:00:00+08:00"


def test_ladder_fires_each_step_once_minute_by_minute(engine, clock):
    n = report(engine)  # assess due Wed 2026-03-04 09:00; warning at 80% = Wed 04:12
    steps = []
    for at, expect in [
        (local(2026, 3, 4, 4, 11), []),
        (local(2026, 3, 4, 4, 12), ["warning"]),
        (local(2026, 3, 4, 8, 59), []),
        (local(2026, 3, 4, 9, 0), ["level1"]),
        (local(2026, 3, 6, 8, 59), []),
        (local(2026, 3, 6, 9, 0), ["level2"]),     # due + 2 business days (Fri)
        (local(2026, 3, 11, 8, 59), []),
        (local(2026, 3, 11, 9, 0), ["level3"]),    # due + 5 business days (next Wed)
        (local(2026, 3, 20, 9, 0), []),
    ]:
        clock.set(at)
        got = [r["step"] for r in engine.sweep() if r["clock"] == "assess"]
        assert got == expect, at
        steps += got
    doc = engine.case(n)
    assert doc["supervision"]["level"] == "town"  # level 3 lists the case
    assert [h["data"]["step"] for h in engine.history(n)
            if h["action"] == "escalate" and h["data"]["clock"] == "assess"] == \
        ["warning", "level1", "level2", "level3"]


def test_a_late_sweep_raises_every_passed_step_in_order_once(engine, clock):
    n = report(engine)
    clock.set(local(2026, 3, 30, 9, 0))
    got = [r["step"] for r in engine.sweep() if r["number"] == n and r["clock"] == "assess"]
    assert got == ["warning", "level1", "level2", "level3"]
    assert [r for r in engine.sweep() if r["clock"] == "assess"] == []
    total, distinct = escalations(engine)
    assert total == distinct
    assert engine.verify_audit()["problems"] == []


def test_ladder_skips_holidays(engine, clock):
    # Reported on Mid-Autumn Day, Friday 2026-09-25 10:00 (a day off): counting starts at 00:00 of the
    # next workday. National Day runs 10-01..10-07; Saturday 10-10 is a make-up workday.
    clock.set(local(2026, 9, 25, 10, 0))
    n = report(engine)
    k = clock_of(engine, n, "assess")
    assert k["due_at"] == "2026-09-29T00:00:00+08:00"
    steps = dict((s.name, at) for s, at in engine.policy.step_times(
        clock.now(), local(2026, 9, 29), engine.calendar))
    assert steps["level2"] == local(2026, 10, 8)    # 09-30, then the holiday 10-01..07, then Thu 10-08
    assert steps["level3"] == local(2026, 10, 12)   # Fri 10-09, Sat 10-10 (调休), Mon 10-12


def test_stopped_clock_does_not_escalate(engine, clock):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    clock.advance(days=30)
    assert [r for r in engine.sweep() if r["number"] == n and r["clock"] == "assess"] == []


def test_extension_once_within_the_cap(engine, clock):
    n = report(engine)
    engine.act(n, "assess", "med1", risk="low")
    engine.act(n, "mediate", "med1")  # resolve: 30 calendar days → 2026-04-02 09:00
    with pytest.raises(ValidationError):
        engine.act(n, "extend", "sup", clock="resolve", until="2026-06-30T09:00+08:00", reason="太久")
    engine.act(n, "extend", "sup", clock="resolve", until="2026-04-20T09:00+08:00", reason="鉴定未出")
    assert clock_of(engine, n, "resolve")["due_at"] == "2026-04-20T09:00:00+08:00"
    assert clock_of(engine, n, "resolve")["extended"] is True
    with pytest.raises(ValidationError) as e:
        engine.act(n, "extend", "sup", clock="resolve", until="2026-04-25T09:00+08:00", reason="再延")
    assert "延期过一次" in e.value.errors[0].zh
    with pytest.raises(Exception):
        engine.act(n, "extend", "med1", clock="resolve", until="2026-04-21T09:00+08:00", reason="x")


def test_overdue_board_sorted_worst_first_within_jurisdiction(engine, clock):
    a = report(engine)
    clock.advance(days=1)
    b = report(engine)
    board = engine.overdue(as_of=local(2026, 3, 12, 12, 0), actor="sup")
    assert [r["number"] for r in board] == [a, b]
    assert board[0]["level"] == "level3" and board[0]["overdue_business_days"] >= 5
    assert engine.overdue(as_of=local(2026, 3, 12, 12, 0), actor="med2") == []
    assert engine.overdue(as_of=local(2026, 3, 3, 12, 0)) == []


def _sweep_worker(url, at_iso, out):
    from workflow import Engine
    from workflow.clock import FixedClock

    eng = Engine(url, clock=FixedClock(datetime.fromisoformat(at_iso)))
    n = 0
    for _ in range(3):
        n += len(eng.sweep(batch=50))
    eng.close()
    out.put(n)


@pytest.mark.parametrize("workers", [4])
def test_concurrent_sweepers_raise_each_step_exactly_once(db_url, engine, clock, workers):
    numbers = [report(engine) for _ in range(300)]
    at = local(2026, 4, 30, 9, 0)
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_sweep_worker, args=(db_url, at.isoformat(), q)) for _ in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    raised = sum(q.get(timeout=5) for _ in procs)
    assert raised == len(numbers) * 4  # every step of every assess clock, once
    total, distinct = escalations(engine)
    assert total == distinct == len(numbers) * 4
    with engine.db.connect() as c:
        assert c.execute(text("SELECT count(*) FROM audit_events WHERE action = 'escalate' "
                              "AND data LIKE '%\"clock\":\"assess\"%'")).scalar() == len(numbers) * 4
    assert engine.verify_audit()["problems"] == []
