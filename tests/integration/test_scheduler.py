"""The scheduler process: catch-up at start, SIGKILL mid-sweep, clean SIGTERM; the calendar refresh."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import text

from tests.conftest import report
from disputeflow import Engine
from disputeflow.workflow.calendar import BusinessCalendar
from disputeflow.workflow.runtime import runtime_of


def counts(engine):
    with runtime_of(engine).db.connect() as c:
        return c.execute(text("SELECT count(*), count(DISTINCT clock_id || '/' || step) FROM escalations")).one()


def start(db_url, now):
    env = {**os.environ, "DISPUTEFLOW_DB": db_url, "DISPUTEFLOW_NOW": now}
    return subprocess.Popen([sys.executable, "-m", "disputeflow.cli", "scheduler", "run", "--every", "1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_started(proc, timeout=60):
    """Block until the scheduler says it runs, so a signal never lands before its handler exists."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if "调度器已启动" in line:
            return
    raise AssertionError("scheduler did not start")


def test_killed_scheduler_restarts_without_losing_or_doubling(db_url, engine):
    numbers = [report(engine) for _ in range(400)]
    want = len(numbers) * 4
    p = start(db_url, "2026-04-30T09:00+08:00")
    deadline = time.time() + 60
    while counts(engine)[0] == 0 and time.time() < deadline:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)  # possibly mid-sweep
    p.wait(10)
    first = counts(engine)[0]
    q = start(db_url, "2026-04-30T09:00+08:00")
    wait_started(q)
    deadline = time.time() + 90
    while counts(engine)[0] < want and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)  # a few more (empty) sweeps
    q.send_signal(signal.SIGTERM)
    _, err = q.communicate(timeout=30)
    assert q.returncode == 0, err
    assert "调度器已停止" in err
    total, distinct = counts(engine)
    assert 0 < first <= want
    assert total == distinct == want
    # the arbiter's unique index holds by construction; what shows nothing was raised twice (or lost) is
    # one audit event and one outbox row per escalation, and no case's chain repeating a step
    with runtime_of(engine).db.connect() as c:
        audits = c.execute(text("SELECT count(*) FROM audit_events WHERE action = 'escalate'")).scalar()
        sent = c.execute(text("SELECT count(*) FROM outbox WHERE event LIKE 'escalate.%'")).scalar()
        per_case = c.execute(text("SELECT count(*) FROM (SELECT case_id, data FROM audit_events WHERE action = "
                                  "'escalate' GROUP BY case_id, data HAVING count(*) > 1) d")).scalar()
    assert audits == sent == want and per_case == 0
    assert engine.verify_audit()["problems"] == []


def test_calendar_refresh_recomputes_open_clocks(db_url, engine, clock, tmp_path):
    n = report(engine)  # Tuesday 2026-03-03 09:00, assess due Wednesday 09:00
    override = tmp_path / "calendar.toml"
    override.write_text('[[day]]\ndate = 2026-03-04\nkind = "off"\nname = "地方假日"\n', encoding="utf-8")
    other = Engine(db_url, clock=clock, calendar=BusinessCalendar.load(override))
    try:
        from disputeflow.workflow.recalc import refresh

        res = refresh(runtime_of(other))
        assert res["changed"] == 1
        due = [k for k in other.case(n)["deadlines"] if k["clock"] == "assess"][0]["due_at"]
        assert due == "2026-03-05T09:00:00+08:00"
        assert other.history(n)[-1]["action"] == "recalc"
        assert other.case(n)["version"] == len(other.history(n))  # a recalculation is an event like any other
        assert refresh(runtime_of(other))["changed"] == 0
        assert other.verify_audit()["problems"] == []
    finally:
        other.close()
