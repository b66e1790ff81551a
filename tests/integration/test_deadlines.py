"""Clocks, the ladder and the sweep on a real database, with an injected clock."""

from __future__ import annotations

import json
import multiprocessing
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from tests.conftest import T0, report
from disputeflow import Engine, NotPermitted, ValidationError
from disputeflow.cases.types import from_db
from disputeflow.workflow.runtime import runtime_of
from disputeflow.workflow.timeutil import LOCAL_TZ


def local(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def clock_of(engine, number, name):
    return next(k for k in engine.case(number)["deadlines"] if k["clock"] == name and k["status"] == "running")


def escalations(engine):
    with runtime_of(engine).db.connect() as c:
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
    # assess due Wed 2026-03-04 09:00, a business-day clock: its warning comes at 80% of the
    # working time between (Tue 09:00-17:30 and Wed 08:30-09:00 = 9 h; 7 h 12 min = Tue 16:12),
    # not at 80% of the wall-clock day (Wed 04:12, the middle of the night)
    n = report(engine)
    steps = []
    for at, expect in [
        (local(2026, 3, 3, 16, 11), []),
        (local(2026, 3, 3, 16, 12), ["warning"]),
        (local(2026, 3, 4, 4, 12), []),
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
    engine.act(n, "inform", "med1", informed_parties="双方当事人", method="oral")
    engine.act(n, "mediate", "med1")  # resolve: 30 calendar days → 2026-04-02 09:00
    with pytest.raises(ValidationError):
        engine.act(n, "extend", "sup", clock="resolve", until="2026-06-30T09:00+08:00", reason="太久")
    engine.act(n, "extend", "sup", clock="resolve", until="2026-04-20T09:00+08:00", reason="鉴定未出")
    assert clock_of(engine, n, "resolve")["due_at"] == "2026-04-20T09:00:00+08:00"
    assert clock_of(engine, n, "resolve")["extended"] is True
    with pytest.raises(ValidationError) as e:
        engine.act(n, "extend", "sup", clock="resolve", until="2026-04-25T09:00+08:00", reason="再延")
    assert "延期过一次" in e.value.errors[0].zh

    # extending is a supervisor's: a mediator is refused for the role, on a clock never extended
    m = report(engine)
    engine.act(m, "assess", "med1", risk="low")
    engine.act(m, "inform", "med1", informed_parties="双方当事人", method="oral")
    engine.act(m, "mediate", "med1")
    with pytest.raises(NotPermitted):
        engine.act(m, "extend", "med1", clock="resolve", until="2026-04-21T09:00+08:00", reason="鉴定未出")
    assert clock_of(engine, m, "resolve")["extended"] is False


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
    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    eng = Engine(url, clock=FixedClock(datetime.fromisoformat(at_iso)))
    n = 0
    for _ in range(3):
        n += len([r for r in eng.sweep(batch=50) if r["clock"]])
    eng.close()
    out.put(n)


@pytest.mark.parametrize("workers", [4])
def test_concurrent_sweepers_raise_each_step_exactly_once(db_url, engine, clock, workers):
    numbers = [report(engine) for _ in range(1000)]
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
    with runtime_of(engine).db.connect() as c:
        assert c.execute(text("SELECT count(*) FROM audit_events WHERE action = 'escalate' "
                              "AND data LIKE '%\"clock\":\"assess\"%'")).scalar() == len(numbers) * 4
        # 1000 red cards against one grid in March: one talk, whatever the number of sweepers
        talks = c.execute(text("SELECT unit_id, month, level3_count FROM unit_talks")).all()
        assert [(u, m) for u, m, _ in talks] == [("v1-g1", "2026-03")] and talks[0][2] >= 3
    assert engine.verify_audit()["problems"] == []


def outbox_events(engine, event):
    with runtime_of(engine).db.connect() as c:
        return c.execute(text("SELECT case_number, audience, payload FROM outbox WHERE event = :e ORDER BY id"),
                         {"e": event}).all()


def test_a_case_unsettled_for_sixty_days_is_upgraded_to_complex_once_and_the_lead_official_told(engine, clock):
    n = report(engine)                      # 2026-03-03 09:00: tier upgrade due 2026-05-02 09:00
    settled = report(engine)
    engine.act(n, "assign_lead", "sup", official="lead")
    engine.act(settled, "assess", "med1", risk="low")
    engine.act(settled, "inform", "med1", informed_parties="双方当事人", method="oral")
    engine.act(settled, "mediate", "med1")
    engine.act(settled, "resolve", "med1", outcome="agreement", agreement="双方同意以现有围墙为界")
    assert engine.case(n)["tier"] == "ordinary"
    clock.set(local(2026, 5, 2, 8, 59))
    assert [r for r in engine.sweep() if r["step"] == "tier_upgrade"] == []
    clock.set(local(2026, 5, 2, 9, 0))
    assert [(r["number"], r["clock"]) for r in engine.sweep() if r["step"] == "tier_upgrade"] == [(n, "tier")]
    clock.set(local(2026, 6, 30, 9, 0))
    assert [r for r in engine.sweep() if r["step"] == "tier_upgrade"] == []
    doc = engine.case(n)
    assert doc["tier"] == "complex" and doc["tier_label"] == "复杂"
    assert [k["status"] for k in doc["deadlines"] if k["clock"] == "tier"] == ["stopped"]
    assert [e for e in engine.history(n) if e["action"] == "tier_upgrade"][0]["data"]["tier"] == "complex"
    sent = outbox_events(engine, "case.tier_upgraded")
    assert [(num, json.loads(aud)) for num, aud, _ in sent] == [(n, ["user:lead"])]
    assert engine.case(settled)["tier"] == "ordinary"
    assert all(r["clock"] != "tier" for r in engine.overdue(as_of=local(2026, 6, 30), actor="sup"))
    assert engine.verify_audit()["problems"] == []


def test_three_red_cards_against_one_unit_in_a_month_list_it_for_a_talk_once(engine, clock):
    def assessed(unit):
        n = report(engine)
        engine.act(n, "assess", "med1", risk="low", responsible_unit=unit)
        return n                            # resolve clock not running: only "control"/"assess" stopped

    # three cases whose mediation clocks run out together: 30 days from 2026-03-03 09:00
    numbers = []
    for _ in range(3):
        n = assessed("justice")
        engine.act(n, "inform", "med1", informed_parties="双方当事人", method="oral")
        engine.act(n, "mediate", "med1")
        numbers.append(n)
    other = assessed("justice")
    clock.set(local(2026, 3, 20, 9, 0))
    engine.act(other, "inform", "med1", informed_parties="双方当事人", method="oral")
    engine.act(other, "mediate", "med1")   # due 04-19 09:00, red card in late April
    # red card = due (04-02 09:00) + 5 business days (清明 04-04..06 off) → 2026-04-10 09:00
    clock.set(local(2026, 4, 10, 8, 59))
    assert [r for r in engine.sweep() if r["step"] in ("level3", "unit_talk")] == []
    clock.set(local(2026, 4, 10, 9, 0))
    raised = engine.sweep()
    assert sorted(r["number"] for r in raised if r["step"] == "level3") == sorted(numbers)
    talks = [r for r in raised if r["step"] == "unit_talk"]
    assert [(t["unit"], t["month"], sorted(t["cases"])) for t in talks] == [("justice", "2026-04", sorted(numbers))]
    sent = outbox_events(engine, "unit.talk_listed")
    assert [json.loads(aud) for _, aud, _ in sent] == [["role:supervisor@/t1/"]]
    clock.set(local(2026, 5, 31, 9, 0))    # a fourth red card in the same month lists nothing again
    raised = engine.sweep()
    assert [r["number"] for r in raised if r["step"] == "level3" and r["clock"] == "resolve"] == [other]
    assert [r for r in raised if r["step"] == "unit_talk"] == []
    assert len(outbox_events(engine, "unit.talk_listed")) == 1
    listed = engine.unit_talks(actor="sup")
    assert [(t["unit_name"], t["month"], t["level3_count"]) for t in listed] == [("试点司法所", "2026-04", 3)]
    assert engine.unit_talks(month="2026-05") == [] and engine.unit_talks(actor="med2") == []


def test_two_red_cards_are_not_enough_for_a_talk(engine, clock):
    for _ in range(2):
        n = report(engine)
        engine.act(n, "assess", "med1", risk="low", responsible_unit="justice")
        engine.act(n, "inform", "med1", informed_parties="双方当事人", method="oral")
        engine.act(n, "mediate", "med1")
    clock.set(local(2026, 4, 30, 9, 0))
    raised = engine.sweep()
    assert len([r for r in raised if r["step"] == "level3" and r["clock"] == "resolve"]) == 2
    assert [r for r in raised if r["step"] == "unit_talk"] == []


def test_a_step_someone_else_raised_is_not_raised_again_and_the_chain_holds(engine, clock):
    """The unique constraint, not the clock's level, has the last word: a row the level does not explain wins."""
    first, second = report(engine), report(engine)
    with runtime_of(engine).db.begin() as c:  # level1 already raised by a writer that did not move the clock
        kid, case_id = c.execute(text("SELECT k.id, k.case_id FROM clocks k JOIN cases c ON c.id = k.case_id "
                                      "WHERE c.number = :n AND k.name = 'assess'"), {"n": first}).one()
        c.execute(text("INSERT INTO escalations (clock_id, case_id, step, step_at, raised_at) "
                       "VALUES (:k, :c, 'level1', :t, :t)"), {"k": kid, "c": case_id, "t": local(2026, 3, 4, 9)})
    clock.set(local(2026, 3, 20, 9, 0))
    got = [(r["number"], r["step"]) for r in engine.sweep() if r["clock"] == "assess"]
    assert sorted(got) == sorted([(first, "warning"), (first, "level2"), (first, "level3"),
                                  (second, "warning"), (second, "level1"), (second, "level2"), (second, "level3")])
    total, distinct = escalations(engine)
    assert total == distinct == 8
    assert engine.sweep() == []
    with runtime_of(engine).db.connect() as c:
        steps = c.execute(text("SELECT a.data FROM audit_events a JOIN cases c ON c.id = a.case_id "
                               "WHERE c.number = :n AND a.action = 'escalate' ORDER BY a.seq"), {"n": first}).scalars()
        assert [json.loads(d)["step"] for d in steps] == ["warning", "level2", "level3"]
    assert engine.verify_audit()["problems"] == []


def test_a_sweep_gives_back_the_wal_checkpoint_setting(engine, clock):
    if not runtime_of(engine).store.is_sqlite:
        pytest.skip("SQLite's WAL only")
    report(engine)
    conn = runtime_of(engine).store._held_writer()
    before = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    clock.set(local(2026, 3, 20, 9, 0))
    seen = []
    with runtime_of(engine).store.checkpoint_every(12_345):
        seen.append(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    assert seen == [12_345]
    assert len([r for r in engine.sweep() if r["clock"] == "assess"]) == 4
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == before


def test_overlapping_checkpoint_runs_give_back_the_first_setting(engine):
    """A sweep that starts and ends inside an import (or the other way round) leaves the default behind."""
    if not runtime_of(engine).store.is_sqlite:
        pytest.skip("SQLite's WAL only")
    conn = runtime_of(engine).store._held_writer()
    before = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    setting = lambda: conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]  # noqa: E731
    sweep, load = runtime_of(engine).store.checkpoint_every(10_000), runtime_of(engine).store.checkpoint_every(16_384)
    sweep.__enter__()
    load.__enter__()
    assert setting() == 16_384
    sweep.__exit__(None, None, None)  # the sweep ends first: the import's setting stays
    assert setting() == 16_384
    load.__exit__(None, None, None)
    assert setting() == before


def test_quiet_hours_hold_a_night_warning_but_a_critical_case_alerts(engine, clock):
    clock.set(local(2026, 3, 3, 19))
    high = report(engine, flags=["key_person"])    # assess: 4 hours, due 23:00; 80 % = 22:12, in quiet hours
    critical = report(engine, flags=["violence"])  # the same clock; critical risk has no quiet hours
    assert clock_of(engine, high, "assess")["warn_at"] == "2026-03-03T23:00:00+08:00"  # held, never after due
    assert clock_of(engine, critical, "assess")["warn_at"] == "2026-03-03T22:12:00+08:00"
    clock.set(local(2026, 3, 3, 22, 30))
    assert [(r["number"], r["step"]) for r in engine.sweep() if r["clock"] == "assess"] == [(critical, "warning")]
    clock.set(local(2026, 3, 3, 23, 0))
    got = [(r["number"], r["step"]) for r in engine.sweep() if r["clock"] == "assess"]
    assert sorted(got) == sorted([(high, "warning"), (high, "level1"), (critical, "level1")])
    # the levels are recorded at 23:00; the notices of the high-risk case wait for 08:00, the critical ones do not
    with runtime_of(engine).db.connect() as c:
        rows = c.execute(text("SELECT case_number, event, next_attempt_at FROM outbox WHERE event LIKE 'escalate.%'"
                              " ORDER BY id")).all()
    held = {(n, ev): from_db(at) for n, ev, at in rows}
    assert held[(high, "escalate.level1")] == held[(high, "escalate.warning")] == local(2026, 3, 4, 8)
    assert held[(critical, "escalate.level1")] == local(2026, 3, 3, 23)
    assert held[(critical, "escalate.warning")] == local(2026, 3, 3, 22, 30)
